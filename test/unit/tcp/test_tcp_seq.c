/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_seq.h: sequence-number comparisons modulo 2^32 (RFC 9293
 * 3.4), the window helpers built on them, and one connection whose
 * sequence numbers wrap in both directions while it carries data.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

/* Plain values: the helpers agree with ordinary comparison. */
static void
test_compare_plain(void **state)
{
	(void)state;
	assert_true(seq_lt(1, 2));
	assert_false(seq_lt(2, 1));
	assert_false(seq_lt(5, 5));
	assert_true(seq_leq(5, 5));
	assert_true(seq_leq(4, 5));
	assert_false(seq_leq(6, 5));
	assert_true(seq_gt(2, 1));
	assert_false(seq_gt(1, 2));
	assert_false(seq_gt(5, 5));
	assert_true(seq_geq(5, 5));
	assert_true(seq_geq(6, 5));
	assert_false(seq_geq(4, 5));
	assert_int_equal(seq_max(3, 9), 9);
	assert_int_equal(seq_max(9, 3), 9);
	assert_int_equal(seq_min(3, 9), 3);
	assert_int_equal(seq_min(9, 3), 3);
	assert_int_equal(seq_max(7, 7), 7);
}

/* Across 2^32: 0xffffffff comes just before 0, whatever plain < says. */
static void
test_compare_across_wrap(void **state)
{
	(void)state;
	assert_true(seq_lt(0xffffffffu, 0));
	assert_true(seq_leq(0xffffffffu, 0));
	assert_false(seq_gt(0xffffffffu, 0));
	assert_false(seq_geq(0xffffffffu, 0));
	assert_true(seq_gt(0, 0xffffffffu));
	assert_true(seq_geq(0, 0xffffffffu));
	assert_false(seq_lt(0, 0xffffffffu));

	assert_true(seq_lt(0xfffffff0u, 0x10));
	assert_true(seq_gt(0x10, 0xfffffff0u));
	assert_int_equal(seq_max(0xfffffff0u, 0x10), 0x10);
	assert_int_equal(seq_max(0x10, 0xfffffff0u), 0x10);
	assert_int_equal(seq_min(0xfffffff0u, 0x10), 0xfffffff0u);
	assert_int_equal(seq_min(0x10, 0xfffffff0u), 0xfffffff0u);

	/* Across the other half-way point, 2^31, too. */
	assert_true(seq_lt(0x7fffffffu, 0x80000000u));
	assert_true(seq_gt(0x80000000u, 0x7fffffffu));
}

/* The comparisons hold up to 2^31 - 1 apart, and break down at exactly
 * 2^31: (int32_t)(a - b) is INT32_MIN both ways, so each of the two is
 * "less" than the other (RFC 1982 3.2 leaves this case undefined).
 * Nothing in the engine may compare numbers that far apart; RFC 7323 2.3
 * keeps windows below 2^30 for that reason. */
static void
test_compare_half_space(void **state)
{
	const uint32_t near[][2] = {
		{ 0, 0x7fffffffu },
		{ 0xffffffffu, 0x7ffffffeu },
		{ 0x80000000u, 0xffffffffu },
		{ 0x80000001u, 0 },
	};
	const uint32_t half[][2] = {
		{ 0, 0x80000000u },
		{ 0xffffffffu, 0x7fffffffu },
		{ 0x00000010u, 0x80000010u },
	};

	(void)state;
	/* 2^31 - 1 ahead: b is after a. */
	for (unsigned int i = 0; i < RTE_DIM(near); i++) {
		uint32_t a = near[i][0], b = near[i][1];

		assert_int_equal(b - a, 0x7fffffffu);
		assert_true(seq_lt(a, b));
		assert_false(seq_lt(b, a));
		assert_true(seq_gt(b, a));
		assert_false(seq_gt(a, b));
		assert_int_equal(seq_max(a, b), b);
		assert_int_equal(seq_min(a, b), a);
	}
	/* Exactly 2^31: "less" both ways, "greater" neither way, and
	 * seq_max()/seq_min() answer their second/first argument. */
	for (unsigned int i = 0; i < RTE_DIM(half); i++) {
		uint32_t a = half[i][0], b = half[i][1];

		assert_int_equal(b - a, 0x80000000u);
		assert_true(seq_lt(a, b));
		assert_true(seq_lt(b, a));
		assert_true(seq_leq(a, b));
		assert_true(seq_leq(b, a));
		assert_false(seq_gt(a, b));
		assert_false(seq_gt(b, a));
		assert_false(seq_geq(a, b));
		assert_false(seq_geq(b, a));
		assert_int_equal(seq_max(a, b), b);
		assert_int_equal(seq_max(b, a), a);
		assert_int_equal(seq_min(a, b), a);
		assert_int_equal(seq_min(b, a), b);
	}
}

/* seq_in(x, a, b): a <= x < b, also when [a, b) holds 2^32. */
static void
test_seq_in_window(void **state)
{
	const uint32_t a = 0xfffffff0u, b = 0x10;

	(void)state;
	assert_true(seq_in(0xfffffff0u, a, b));   /* left edge is in */
	assert_true(seq_in(0xffffffffu, a, b));
	assert_true(seq_in(0, a, b));
	assert_true(seq_in(0xf, a, b));
	assert_false(seq_in(0x10, a, b));        /* right edge is out */
	assert_false(seq_in(0xffffffefu, a, b));
	assert_false(seq_in(0x11, a, b));
	assert_false(seq_in(0x80000000u, a, b));
	/* An empty window holds nothing, a one-byte window one number. */
	assert_false(seq_in(0, 0, 0));
	assert_false(seq_in(0xffffffffu, 0xffffffffu, 0xffffffffu));
	assert_true(seq_in(0xffffffffu, 0xffffffffu, 0));
	assert_false(seq_in(0, 0xffffffffu, 0));
}

/* The control-block helpers of tcp_priv.h across the wrap. */
static void
test_flight_and_unsent_across_wrap(void **state)
{
	struct ptg_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.snd_una = 0xffffff00u;
	c.snd_max = 0x100;
	assert_int_equal(tcp_flight(&c), 0x200);

	/* 0x300 bytes queued from 0xffffff01; sent up to 0x50. */
	c.snd_seq0 = 0xffffff01u;
	c.sndq.bytes = 0x300;
	c.snd_nxt = 0x50;
	assert_int_equal(tcp_unsent(&c), 0x201 - 0x50);
	c.snd_nxt = 0xffffff01u;                  /* nothing sent */
	assert_int_equal(tcp_unsent(&c), 0x300);
	c.snd_nxt = 0x201;                        /* all sent */
	assert_int_equal(tcp_unsent(&c), 0);
	c.snd_nxt = 0x202;                        /* and the FIN */
	assert_int_equal(tcp_unsent(&c), 0);
}

/* tcp_rcv_window() (RFC 9293 3.8.6.2.2) when RCV.NXT and the advertised
 * edge lie on either side of 2^32. */
static void
test_rcv_window_across_wrap(void **state)
{
	struct tt *t = tt_new(NULL);
	struct ptg_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.tcp = t->tcp;
	c.rcvbuf = 65535;
	c.mss = 1460;
	c.rcv_nxt = 0xfffffe00u;
	c.rcv_adv = c.rcv_nxt + 1000;            /* 0x1e8: wrapped */
	assert_int_equal(c.rcv_adv, 0x1e8);
	assert_int_equal(tcp_rcv_window(&c), 65535);
	/* Nearly full: the window stays at the edge already advertised. */
	c.rcvq.bytes = 65000;
	assert_int_equal(tcp_rcv_window(&c), 1000);
	/* An edge behind RCV.NXT (across the wrap) counts as none. */
	c.rcv_nxt = 0x10;
	c.rcv_adv = 0xfffffff0u;
	assert_int_equal(tcp_rcv_window(&c), 0);
	c.rcvq.bytes = 0;
	assert_int_equal(tcp_rcv_window(&c), 65535);
	tt_free(t);
}

/* ---- end to end --------------------------------------------------------- */

#define WRAP_OUR_ISS 0xfffff000u   /* 4095 data bytes before 2^32 */
#define WRAP_PEER_ISN 0xfffffff0u  /* 15 data bytes before 2^32 */

/* The engine's ISS is RFC 6528's M + F(tuple, key): move the injected
 * clock (M, one tick per 2^12 ns) until it equals @iss for the kit's
 * tuple. At most 2^32 ticks, about 4.9 hours of fake time. */
static void
force_iss(struct tt *t, uint32_t iss)
{
	uint64_t secret = tcp_tuple_secret(t->tcp, PTG_TEST_IP_LOCAL, TT_PORT,
					   PTG_TEST_IP_PEER, TT_PEER_PORT);
	uint32_t now_ticks = (uint32_t)(t->env->now >> 12);
	uint32_t need = iss - (uint32_t)secret - now_ticks;

	t->env->now = ((t->env->now >> 12) + need) << 12;
	assert_int_equal(tcp_isn_from(secret, t->env->now), iss);
	/* Keep the peer's ARP entry fresh at the new time. */
	ptg_test_env_arp_seed(t->env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
}

/* Both ISNs just below 2^32: the peer's data (with a segment arriving out
 * of order after the wrap), our data, a retransmission of the segment
 * that straddles 2^32, and both FINs all carry exact numbers and bytes. */
static void
test_wrap_both_directions(void **state)
{
	struct tt *t = *state;
	const uint32_t P = WRAP_PEER_ISN, W = WRAP_OUR_ISS;
	uint8_t in[3000], out[6000], got[6000];
	struct ptg_test_pkt p;
	struct ptg_conn *c;
	uint32_t iss, off = 0;
	unsigned int n = 0;

	ptg_test_pattern(in, sizeof(in), 11);
	ptg_test_pattern(out, sizeof(out), 99);
	force_iss(t, W);
	iss = tt_open(t, P, NULL);
	assert_int_equal(iss, W);
	c = t->rec.conn;

	/* Peer -> us: [P+1001, P+2001) first (all past 2^32, held out of
	 * order), then [P+1, P+1001), which straddles 2^32 and fills the
	 * hole, then [P+2001, P+3001). */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 1001, .ack = W + 1,
		.flags = ACK, .payload = in + 1000, .len = 1000 });
	tt_pop(t, &p);                            /* duplicate ACK */
	assert_int_equal(p.ack, 0xfffffff1u);
	assert_int_equal(t->rec.rx_len, 0);
	assert_int_equal(TT_STAT(t, ooo_segs), 1);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 1, .ack = W + 1,
		.flags = ACK, .payload = in, .len = 1000 });
	tt_pop(t, &p);                            /* hole filled: ACK now */
	assert_int_equal(p.ack, 0x7c1);          /* P + 2001 mod 2^32 */
	assert_int_equal(t->rec.rx_len, 2000);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 2001, .ack = W + 1,
		.flags = ACK, .payload = in + 2000, .len = 1000 });
	assert_int_equal(t->rec.rx_len, 3000);
	assert_memory_equal(t->rec.rx, in, 3000);
	tt_skip(t);                               /* any delayed ACK */

	/* Us -> peer: 6000 bytes from W+1 = 0xfffff001; the third segment
	 * [W+2921, W+4381) straddles 2^32. */
	assert_int_equal(ptg_send(c, out, sizeof(out)), 6000);
	while (tt_pending(t) > 0) {
		tt_pop(t, &p);
		assert_int_equal(p.seq, (uint32_t)(W + 1 + off));
		assert_int_equal(p.ack, 0xba9);  /* P + 3001 mod 2^32 */
		assert_int_equal(p.payload_len, RTE_MIN(1460u, 6000 - off));
		memcpy(got + off, p.payload, p.payload_len);
		off += p.payload_len;
		n++;
	}
	assert_int_equal(n, 5);
	assert_int_equal(off, 6000);
	assert_memory_equal(got, out, 6000);

	/* The peer acknowledges the first two segments (below 2^32) ... */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 3001, .ack = W + 2921,
					 .flags = ACK });
	assert_int_equal(ptg_send_queued(c), 6000 - 2920);
	/* ... and the one across 2^32 is lost: the RTO resends exactly it. */
	for (int i = 0; i < 300 && tt_pending(t) == 0; i++)
		tt_advance(t, PTG_TEST_MS(10));
	tt_pop(t, &p);
	assert_int_equal(p.seq, 0xfffffb69u);    /* W + 2921 */
	assert_int_equal(p.payload_len, 1460);
	assert_memory_equal(p.payload, out + 2920, 1460);
	assert_int_equal(TT_STAT(t, rto_fired), 1);
	tt_none(t);
	/* A cumulative ACK past 2^32 for everything. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 3001, .ack = W + 6001,
					 .flags = ACK });
	assert_int_equal(ptg_send_queued(c), 0);
	assert_int_equal(W + 6001, 0x771);

	/* Both FINs on the far side of 2^32. */
	assert_int_equal(ptg_close(c), 0);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, FIN | ACK);
	assert_int_equal(p.seq, 0x771);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 3001, .ack = W + 6002,
					 .flags = ACK });
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_FIN_WAIT_2);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = P + 3001, .ack = W + 6002,
					 .flags = FIN | ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.seq, 0x772);
	assert_int_equal(p.ack, 0xbaa);          /* P + 3002 */
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_NORMAL);
	assert_int_equal(TT_STAT(t, drop_bad_ack), 0);
	assert_int_equal(TT_STAT(t, drop_out_of_window), 0);
	/* TIME-WAIT (2*MSL) ends; the table is empty for tt_free(). */
	tt_advance(t, PTG_TEST_S(61));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_none(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_plain),
		cmocka_unit_test(test_compare_across_wrap),
		cmocka_unit_test(test_compare_half_space),
		cmocka_unit_test(test_seq_in_window),
		cmocka_unit_test(test_flight_and_unsent_across_wrap),
		cmocka_unit_test(test_rcv_window_across_wrap),
		cmocka_unit_test_setup_teardown(test_wrap_both_directions,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
