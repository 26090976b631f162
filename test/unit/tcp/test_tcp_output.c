/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_output.c and tcp_timer.c: what the engine sends and when:
 * segmentation, Nagle, retransmission with backoff (RFC 6298), persist and
 * zero-window probes, fast retransmit (RFC 5681/6582), SACK recovery
 * (RFC 6675), SYN-ACK retransmission, keepalive.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"


static void
finish(struct tt *t)
{
	if (t->rec.conn != NULL)
		ptg_abort(t->rec.conn);
	tt_skip(t);
}

/* A send larger than the MSS leaves as MSS-sized segments, all bytes intact. */
static void
test_segmentation(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	uint8_t buf[5000], out[5000];
	struct ptg_test_pkt p;
	uint32_t got = 0;

	ptg_test_pattern(buf, sizeof(buf), 5);
	assert_int_equal(ptg_send(t->rec.conn, buf, sizeof(buf)), 5000);
	while (tt_pending(t) > 0) {
		tt_pop(t, &p);
		assert_int_equal(p.seq, iss + 1 + got);
		assert_true(p.payload_len <= 1460);
		memcpy(out + got, p.payload, p.payload_len);
		got += p.payload_len;
	}
	assert_int_equal(got, 5000);
	assert_memory_equal(out, buf, 5000);
	finish(t);
}

static void
tweak_nagle(struct ptg_tcp_config *cfg)
{
	cfg->nodelay = 0;
}

/* RFC 9293 3.7.4: with Nagle on, one small segment in flight at a time. */
static void
test_nagle(void **state)
{
	struct tt *t = tt_new(tweak_nagle);
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;

	(void)state;
	ptg_send(t->rec.conn, "a", 1);
	tt_pop(t, &p);
	assert_int_equal(p.payload_len, 1);
	ptg_send(t->rec.conn, "bc", 2);
	tt_none(t); /* held: "a" is unacknowledged */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 2, .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.payload_len, 2);
	assert_memory_equal(p.payload, "bc", 2);
	/* Per connection, it can be turned off. */
	ptg_conn_set_nodelay(t->rec.conn, 1);
	ptg_send(t->rec.conn, "d", 1);
	tt_pop(t, &p);
	assert_int_equal(p.payload_len, 1);
	finish(t);
	tt_free(t);
}

/* RFC 6298: RTO from the handshake RTT (floor 200 ms), doubling. */
static void
test_retransmission_backoff(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;
	uint64_t rto = PTG_TEST_MS(200);

	ptg_send(t->rec.conn, "hello", 5);
	tt_pop(t, &p);
	for (int i = 0; i < 4; i++) {
		tt_advance(t, rto - PTG_TEST_MS(5));
		tt_none(t);
		tt_advance(t, PTG_TEST_MS(10));
		tt_pop(t, &p);
		assert_int_equal(p.seq, iss + 1);
		assert_int_equal(p.payload_len, 5);
		assert_memory_equal(p.payload, "hello", 5);
		rto *= 2; /* from the moment it fired */
	}
	assert_int_equal(TT_STAT(t, rto_fired), 4);
	assert_int_equal(TT_STAT(t, retransmits), 4);
	/* The ACK stops it. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 6, .flags = ACK });
	tt_advance(t, PTG_TEST_S(10));
	tt_none(t);
	finish(t);
}

static void
tweak_retries(struct ptg_tcp_config *cfg)
{
	cfg->max_retries = 3;
}

/* Giving up after max_retries: RST, on_close(TIMEOUT). */
static void
test_retransmission_gives_up(void **state)
{
	struct tt *t = tt_new(tweak_retries);
	struct ptg_test_pkt p;

	(void)state;
	tt_open(t, 100, NULL);
	ptg_send(t->rec.conn, "x", 1);
	tt_skip(t);
	for (int i = 0; i < 10 && t->rec.closes == 0; i++)
		tt_advance(t, PTG_TEST_S(5));
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	assert_int_equal(TT_STAT(t, retransmits), 3);
	/* The last frame is the RST. */
	while (tt_pending(t) > 1)
		tt_pop(t, &p);
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	tt_free(t);
}

/* RFC 9293 3.8.6.1: a zero window is probed with one byte, with backoff,
 * and data flows when it opens. */
static void
test_zero_window_persist(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;

	t->default_win = 0;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
					 .flags = ACK });
	ptg_send(t->rec.conn, "abc", 3);
	tt_none(t);
	tt_advance(t, PTG_TEST_MS(190));
	tt_none(t);
	tt_advance(t, PTG_TEST_MS(20));
	tt_pop(t, &p);
	assert_int_equal(p.payload_len, 1);
	assert_int_equal(p.seq, iss + 1);
	assert_int_equal(TT_STAT(t, zero_window_probes), 1);
	/* Still zero: the next probe comes after twice the interval. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
					 .flags = ACK });
	tt_advance(t, PTG_TEST_MS(300));
	tt_none(t);
	tt_advance(t, PTG_TEST_MS(150));
	tt_pop(t, &p);
	assert_int_equal(p.payload_len, 1);
	assert_int_equal(TT_STAT(t, zero_window_probes), 2);
	/* The window opens: the rest follows at once. */
	t->default_win = 65535;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
		.flags = ACK, .win = 1000 });
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);
	assert_int_equal(p.payload_len, 3);
	assert_memory_equal(p.payload, "abc", 3);
	finish(t);
}

static void
send_full(struct tt *t, uint32_t n_segs, uint8_t *buf)
{
	ptg_test_pattern(buf, n_segs * 1460, 11);
	assert_int_equal(ptg_send(t->rec.conn, buf, n_segs * 1460),
			 (ssize_t)(n_segs * 1460));
}

/* RFC 5681 3.2 / RFC 6582: three duplicate ACKs -> fast retransmit of
 * the first unacked segment; the partial ACK retransmits the next hole. */
static void
test_fast_retransmit_newreno(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	uint8_t buf[8 * 1460];
	struct ptg_test_pkt p;

	send_full(t, 8, buf);
	assert_int_equal(tt_pending(t), 8); /* initial window of 10 */
	tt_skip(t);
	/* Segments 1 and 3 lost: the peer ACKs up to 1, dupacks follow. */
	for (int i = 0; i < 3; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
						 .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);
	assert_int_equal(p.payload_len, 1460);
	assert_memory_equal(p.payload, buf, 1460);
	assert_int_equal(TT_STAT(t, fast_retransmits), 1);
	assert_int_equal(TT_STAT(t, dup_acks), 3);
	tt_skip(t);
	/* Partial ACK (covers segment 1 and 2): segment 3 goes out. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1 + 2 * 1460,
					 .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1 + 2 * 1460);
	assert_memory_equal(p.payload, buf + 2 * 1460, 1460);
	tt_skip(t);
	/* Full ACK ends recovery. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1 + 8 * 1460,
					 .flags = ACK });
	assert_int_equal(TT_STAT(t, rto_fired), 0);
	finish(t);
}

/* RFC 6675: with SACK, the holes below SACKed data are retransmitted,
 * each once, and nothing that was SACKed. */
static void
test_sack_recovery(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460,
				       .sack_perm = 1 };
	uint32_t iss = tt_open(t, 100, &o);
	uint32_t base = iss + 1;
	uint8_t buf[8 * 1460];
	struct ptg_test_pkt p;
	struct ptg_test_tcp_opts sk = { .nb_sack = 1 };

	send_full(t, 8, buf);
	tt_skip(t);
	/* Lost: segments 0 and 2. SACKed: 1, then 3..7 one by one. */
	sk.sack[0].left = base + 1460;
	sk.sack[0].right = base + 2 * 1460;
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = base,
		.flags = ACK, .win = 65535 }, &sk);
	sk.nb_sack = 2;
	sk.sack[1] = sk.sack[0];
	for (int s = 3; s < 8; s++) {
		sk.sack[0].left = base + 3 * 1460;
		sk.sack[0].right = base + (s + 1) * 1460;
		tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = base,
			.flags = ACK, .win = 65535 }, &sk);
	}
	assert_int_equal(TT_STAT(t, fast_retransmits), 1);
	/* Exactly the two holes went out again. */
	{
		int seen0 = 0, seen2 = 0;

		while (tt_pending(t) > 0) {
			tt_pop(t, &p);
			if (p.payload_len == 0)
				continue;
			if (p.seq == base)
				seen0++;
			else if (p.seq == base + 2 * 1460)
				seen2++;
			else
				fail_msg("retransmitted SACKed seq %u len %u fl %x",
					 p.seq - base, p.payload_len, p.tcp_flags);
		}
		assert_int_equal(seen0, 1);
		assert_int_equal(seen2, 1);
	}
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = base + 8 * 1460,
					 .flags = ACK });
	assert_int_equal(TT_STAT(t, rto_fired), 0);
	finish(t);
}

/* SYN-ACK retransmitted at 1, 2, 4 ... s, then the entry expires. */
static void
test_synack_retransmit_and_expire(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	uint64_t rto = PTG_TEST_S(1);

	tt_rx(t, &(struct ptg_test_tcp){ .seq = 10, .flags = SYN });
	tt_pop(t, &p);
	for (unsigned int i = 0; i < t->cfg.synack_retries; i++) {
		tt_advance(t, rto - PTG_TEST_MS(5));
		tt_none(t);
		tt_advance(t, PTG_TEST_MS(10));
		tt_pop(t, &p);
		assert_int_equal(p.tcp_flags, SYN | ACK);
		assert_int_equal(p.ack, 11);
		rto *= 2;
	}
	assert_int_equal(TT_STAT(t, synack_retrans), t->cfg.synack_retries);
	tt_advance(t, rto + PTG_TEST_MS(10));
	assert_int_equal(TT_STAT(t, synq_expired), 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_none(t);
}

static void
tweak_keepalive(struct ptg_tcp_config *cfg)
{
	cfg->keepalive_idle_ns = PTG_TEST_S(10);
	cfg->keepalive_intvl_ns = PTG_TEST_S(1);
	cfg->keepalive_probes = 3;
}

/* RFC 1122 4.2.3.6: probes after the idle time (SEQ = SND.NXT - 1),
 * then the connection is dropped when none is answered. */
static void
test_keepalive(void **state)
{
	struct tt *t = tt_new(tweak_keepalive);
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;

	(void)state;
	tt_advance(t, PTG_TEST_S(9));
	tt_none(t);
	tt_advance(t, PTG_TEST_S(2));
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.seq, iss);
	assert_int_equal(p.payload_len, 0);
	/* Answered: the idle clock restarts. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1, .flags = ACK });
	tt_advance(t, PTG_TEST_S(5));
	tt_none(t);
	for (int i = 0; i < 6; i++)
		tt_advance(t, PTG_TEST_S(3));
	assert_int_equal(TT_STAT(t, keepalive_probes), 4);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	tt_skip(t);
	tt_free(t);
}

/* CUBIC grows the window as RFC 9438 says it should after a loss:
 * reduced to 0.7 cwnd, then back towards W_max. */
static void
tweak_cubic(struct ptg_tcp_config *cfg)
{
	cfg->cc = "cubic";
}

static void
test_cubic_reduction(void **state)
{
	struct tt *t = tt_new(tweak_cubic);
	uint32_t iss = tt_open(t, 100, NULL);
	uint8_t buf[8 * 1460];
	struct ptg_conn_info ci;
	uint32_t cwnd0;

	(void)state;
	send_full(t, 8, buf);
	tt_skip(t);
	ptg_conn_info(t->rec.conn, &ci);
	cwnd0 = ci.cwnd;
	for (int i = 0; i < 3; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
						 .flags = ACK });
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.ssthresh, (uint32_t)(cwnd0 * 0.7));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1 + 8 * 1460,
					 .flags = ACK });
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.cwnd, ci.ssthresh);
	finish(t);
	tt_skip(t);
	tt_free(t);
}

/* ptg_tcp_stop(): FIN at once; a peer that ACKs it but never closes is
 * reset when the linger runs out; nothing is left afterwards. */
static void
test_stop_linger(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;

	ptg_tcp_stop(t->tcp, t->env->now, PTG_TEST_S(1));
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RTE_TCP_FIN_FLAG | ACK);
	/* The listener is gone: a new SYN is refused. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 7, .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 2, .flags = ACK });
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	tt_advance(t, PTG_TEST_MS(900));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	tt_advance(t, PTG_TEST_MS(200));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	assert_int_equal(t->rec.reason, PTG_CLOSE_SHUTDOWN);
}

/* Full-sized data while SACK blocks ride along still fits the MTU
 * (RFC 9293 3.7.1: the options count against the segment). */
static void
test_sack_options_fit_mtu(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460,
				       .sack_perm = 1, .has_ts = 1, .tsval = 5 };
	uint32_t iss = tt_open(t, 100, &o);
	uint8_t buf[4 * 1460];
	struct ptg_test_pkt p;
	uint32_t got = 0;

	/* Two holes in what we receive: two SACK blocks on our segments. */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 1101, .ack = iss + 1,
		.flags = ACK, .len = 100 },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 7 });
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 2101, .ack = iss + 1,
		.flags = ACK, .len = 100 },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 8 });
	tt_skip(t);
	ptg_test_pattern(buf, sizeof(buf), 2);
	ptg_send(t->rec.conn, buf, sizeof(buf));
	while (tt_pending(t) > 0) {
		tt_pop(t, &p);
		assert_true(p.ip_len <= 1500);
		assert_int_equal(p.opts.nb_sack, 2);
		assert_memory_equal(p.payload, buf + got, p.payload_len);
		got += p.payload_len;
	}
	assert_int_equal(p.ip_len <= 1500, 1);
	assert_true(got > 0);
	finish(t);
}

/* RFC 6675 2: ACKs that SACK new data count as duplicates even when
 * their window changes and they carry data (a busy peer's ACKs). */
static void
test_sack_dupacks_with_window_change(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460,
				       .sack_perm = 1 };
	uint32_t iss = tt_open(t, 100, &o);
	uint32_t base = iss + 1, seq = 101;
	uint8_t buf[8 * 1460];
	struct ptg_test_pkt p;
	struct ptg_test_tcp_opts sk = { .nb_sack = 1 };

	send_full(t, 8, buf);
	tt_skip(t);
	for (int s = 1; s <= 3; s++) {
		sk.sack[0].left = base + 1460;
		sk.sack[0].right = base + (s + 1) * 1460;
		tt_rx_opts(t, (struct ptg_test_tcp){ .seq = seq, .ack = base,
			.flags = ACK, .win = (uint16_t)(60000 + s), .len = 10 },
			&sk);
		seq += 10;
	}
	assert_int_equal(TT_STAT(t, fast_retransmits), 1);
	tt_pop(t, &p);
	while (p.payload_len == 0)
		tt_pop(t, &p);
	assert_int_equal(p.seq, base);
	assert_int_equal(TT_STAT(t, rto_fired), 0);
	finish(t);
}

/* ---- the next hop's ARP ------------------------------------------------- */

/* A segment held behind ARP counts as sent: the peer's entry has aged out
 * (arp_max_age, 300 s by default), the data waits for the answer, leaves
 * with it, and the ACK that comes back is above SND.UNA and within
 * SND.MAX: accepted, no challenge ACK, and the next data flows. */
static void
test_send_behind_arp(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_conn *c = t->rec.conn;
	struct ptg_conn_info ci;
	struct ptg_test_pkt p;

	tt_advance(t, PTG_TEST_S(301));
	tt_none(t);
	assert_int_equal(ptg_send(c, "hello", 5), 5);
	tt_pop_frame(t, &p);
	assert_int_equal(p.ether_type, RTE_ETHER_TYPE_ARP);
	assert_int_equal(p.arp_op, RTE_ARP_OP_REQUEST);
	assert_int_equal(p.arp_tip, PTG_TEST_IP_PEER);
	tt_none(t); /* the segment waits for the answer */

	tt_arp_reply(t);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);
	assert_int_equal(p.payload_len, 5);
	assert_memory_equal(p.payload, "hello", 5);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 6, .flags = ACK });
	tt_none(t); /* no challenge ACK */
	assert_int_equal(TT_STAT(t, challenge_acks), 0);
	assert_int_equal(TT_STAT(t, drop_bad_ack), 0);
	ptg_conn_info(c, &ci);
	assert_int_equal(ci.snd_una, iss + 6);
	assert_int_equal(ci.snd_nxt, iss + 6);
	assert_int_equal(TT_STAT(t, tx_arp_held), 1);

	assert_int_equal(ptg_send(c, "world", 5), 5);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 6);
	assert_memory_equal(p.payload, "world", 5);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 11, .flags = ACK });
	tt_none(t);
	assert_int_equal(TT_STAT(t, retransmits), 0);
	finish(t);
}

static void
tweak_few_retries(struct ptg_tcp_config *cfg)
{
	cfg->max_retries = 3;
	cfg->syn_retries = 2;
}

/* The next hop never answers: the held segment still arms the
 * retransmission timer, each retransmission waits behind ARP again, and
 * after max_retries the connection ends as unreachable (its own counter
 * and close reason, no RST: it could not leave either). */
static void
test_arp_unresolved_times_out(void **state)
{
	struct tt *t = tt_new(tweak_few_retries);
	struct ptg_test_pkt p;
	unsigned int i;

	(void)state;
	tt_open(t, 100, NULL);
	tt_advance(t, PTG_TEST_S(301));
	assert_int_equal(ptg_send(t->rec.conn, "hello", 5), 5);
	for (i = 0; i < 100 && t->rec.closes == 0; i++)
		tt_advance(t, PTG_TEST_MS(100));
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_UNREACHABLE);
	assert_int_equal(TT_STAT(t, conn_unreachable), 1);
	assert_int_equal(TT_STAT(t, conn_timeout), 0);
	assert_int_equal(TT_STAT(t, rto_fired), 3);
	assert_int_equal(TT_STAT(t, conn_reset_tx), 0);
	assert_true(TT_STAT(t, tx_arp_held) >= 4);
	/* Only ARP requests went out. */
	while (tt_pending(t) > 0) {
		tt_pop_frame(t, &p);
		assert_int_equal(p.ether_type, RTE_ETHER_TYPE_ARP);
	}
	tt_advance(t, PTG_TEST_S(5)); /* ARP gives up, drops what it held */
	assert_true(PTG_TEST_NET_STAT(t->env, drop_arp_unresolved) >= 1);
	tt_skip(t);
	tt_free(t);
}

/* The same for an active open: the SYN waits behind ARP, counts as sent,
 * and after syn_retries the open ends as unreachable. */
static void
test_arp_unresolved_active_open(void **state)
{
	struct tt *t = tt_new(tweak_few_retries);
	struct ptg_conn *c;
	unsigned int i;

	(void)state;
	c = ptg_connect(t->tcp, PTG_TEST_IP(198, 18, 0, 77), 80, 0,
			&tt_service, &t->rec, t->env->now);
	assert_non_null(c);
	assert_int_equal(TT_STAT(t, tx_arp_held), 1);
	for (i = 0; i < 200 && t->rec.closes == 0; i++)
		tt_advance(t, PTG_TEST_MS(100));
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_UNREACHABLE);
	assert_int_equal(TT_STAT(t, conn_unreachable), 1);
	tt_advance(t, PTG_TEST_S(5));
	tt_skip(t);
	tt_free(t);
}

/* ---- side channels ------------------------------------------------------ */

static void
tweak_chack_100(struct ptg_tcp_config *cfg)
{
	cfg->challenge_ack_limit = 100;
}

/* RFC 5961 7/10: the challenge-ACK budget of each second is random
 * (from [50, 150) for a limit of 100), so an attacker who exhausts it
 * cannot count on what is left (CVE-2016-5696). */
static void
test_challenge_ack_budget_random(void **state)
{
	struct tt *t = tt_new(tweak_chack_100);
	unsigned int sent[8];
	int differ = 0;

	(void)state;
	tt_open(t, 100, NULL);
	tt_advance(t, PTG_TEST_S(1));
	for (int s = 0; s < 8; s++) {
		uint64_t before = TT_STAT(t, challenge_acks);

		for (int i = 0; i < 200; i++)
			tt_rx(t, &(struct ptg_test_tcp){ .seq = 200 + i,
							 .flags = RST });
		sent[s] = (unsigned int)(TT_STAT(t, challenge_acks) - before);
		assert_true(sent[s] >= 50 && sent[s] < 150);
		differ |= s > 0 && sent[s] != sent[0];
		tt_skip(t);
		tt_advance(t, PTG_TEST_S(1));
	}
	/* Eight equal budgets by chance: one in 100^7. */
	assert_true(differ);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* RFC 7323 5.3: ACKs to segments without data that are out of the
 * window or fail PAWS go at most once per 500 ms per connection (an ACK
 * war cannot start); one to a segment with data always goes. */
static void
test_oow_ack_rate_limit(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460, .has_ts = 1,
				       .tsval = 1000 };
	uint32_t iss = tt_open(t, 100, &o);
	struct ptg_test_pkt p;

	for (int i = 0; i < 10; i++)
		tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101 + 1000000,
			.ack = iss + 1, .flags = ACK },
			&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 2000 });
	assert_int_equal(tt_pending(t), 1);
	assert_int_equal(TT_STAT(t, oow_ack_limited), 9);
	tt_skip(t);
	/* PAWS failures share the limit. */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
		.flags = ACK }, &(struct ptg_test_tcp_opts){ .has_ts = 1,
		.tsval = 10 });
	tt_none(t);
	assert_int_equal(TT_STAT(t, drop_paws), 1);
	assert_int_equal(TT_STAT(t, oow_ack_limited), 10);
	/* Data below RCV.NXT (a retransmission) is always answered. */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 91, .ack = iss + 1,
		.flags = ACK, .len = 10 }, &(struct ptg_test_tcp_opts){
		.has_ts = 1, .tsval = 2001 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, 101);
	/* 500 ms later, one more. */
	tt_advance(t, PTG_TEST_MS(520));
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101 + 1000000,
		.ack = iss + 1, .flags = ACK },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 2002 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(TT_STAT(t, oow_ack_limited), 10);
	finish(t);
}

/* IPv4 IDs are a counter per connection from a random start, not one
 * counter of the engine that another host could sample (idle scans,
 * traffic counting). */
static void
test_ip_id_per_connection(void **state)
{
	struct tt *t = *state;
	struct ptg_conn *c[3];
	uint16_t first[3], last[3];
	struct ptg_test_pkt p;
	int chained = 1;

	for (int i = 0; i < 3; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = (uint16_t)(41000 + i),
						 .seq = 100, .flags = SYN });
		tt_pop(t, &p);
		first[i] = p.ip_id;
		tt_rx(t, &(struct ptg_test_tcp){ .sport = (uint16_t)(41000 + i),
			.seq = 101, .ack = p.seq + 1, .flags = ACK });
		c[i] = t->rec.conn;
	}
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 3; k++) {
			assert_int_equal(ptg_send(c[i], "x", 1), 1);
			tt_pop(t, &p);
			assert_int_equal(p.ip_id, (uint16_t)(first[i] + 1 + k));
		}
		last[i] = p.ip_id;
	}
	/* One engine-wide counter would make each connection start where
	 * the one before stopped. */
	for (int i = 1; i < 3; i++)
		chained &= first[i] == (uint16_t)(first[i - 1] + 1) ||
			   first[i] == (uint16_t)(last[i - 1] + 1);
	assert_false(chained);
	for (int i = 0; i < 3; i++)
		ptg_abort(c[i]);
	tt_skip(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_segmentation, tt_setup, tt_teardown),
		cmocka_unit_test(test_nagle),
		cmocka_unit_test_setup_teardown(test_retransmission_backoff, tt_setup, tt_teardown),
		cmocka_unit_test(test_retransmission_gives_up),
		cmocka_unit_test_setup_teardown(test_zero_window_persist, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_fast_retransmit_newreno, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_sack_recovery, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_synack_retransmit_and_expire, tt_setup, tt_teardown),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_cubic_reduction),
		cmocka_unit_test_setup_teardown(test_stop_linger, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_sack_options_fit_mtu, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_sack_dupacks_with_window_change, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_send_behind_arp, tt_setup, tt_teardown),
		cmocka_unit_test(test_arp_unresolved_times_out),
		cmocka_unit_test(test_arp_unresolved_active_open),
		cmocka_unit_test(test_challenge_ack_budget_random),
		cmocka_unit_test_setup_teardown(test_oow_ack_rate_limit, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_ip_id_per_connection, tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
