/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Passive open with real queues (lib/tcp/tcp_input.c listen_input(),
 * tcp.c accept handling) and SYN cookies / ISNs (lib/tcp/tcp_isn.c).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "tcp_test.h"


static void
tweak_small_queues(struct ptg_tcp_config *cfg)
{
	cfg->syn_queue_len = 2;
	cfg->backlog = 2;
}

/* Third SYN with a full SYN queue gets a cookie; its ACK completes a
 * connection that keeps the MSS from the cookie table. */
static void
test_synq_overflow_cookie(void **state)
{
	struct tt *t = tt_new(tweak_small_queues);
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;
	uint32_t cookie;

	(void)state;
	for (int i = 0; i < 2; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 1000 + i, .seq = 10,
						 .flags = SYN });
		tt_pop(t, &p);
	}
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 2);
	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = 2000, .seq = 500,
		.flags = SYN }, &(struct ptg_test_tcp_opts){ .has_mss = 1,
		.mss = 1420 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_int_equal(p.ack, 501);
	assert_int_equal(p.opts.mss, 1400); /* rounded down to the table */
	assert_int_equal(TT_STAT(t, synq_overflow), 1);
	assert_int_equal(TT_STAT(t, syncookies_sent), 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 2); /* no state */

	cookie = p.seq;
	/* A forged cookie is refused. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 2000, .seq = 501,
		.ack = cookie + 2, .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	assert_int_equal(p.seq, cookie + 2);
	assert_int_equal(TT_STAT(t, syncookies_bad), 1);

	/* The right one, with data, makes the connection. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 2000, .seq = 501,
		.ack = cookie + 1, .flags = ACK, .len = 7, .payload = "cookie!" });
	assert_int_equal(TT_STAT(t, syncookies_ok), 1);
	assert_int_equal(t->rec.accepts, 1);
	assert_int_equal(t->rec.rx_len, 7);
	assert_memory_equal(t->rec.rx, "cookie!", 7);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.state, PTG_TCPS_ESTABLISHED);
	assert_int_equal(ci.mss, 1400);
	assert_int_equal(ci.rcv_nxt, 508);
	/* Clean up: reset the two embryonic ones and the cookie one. */
	ptg_abort(t->rec.conn);
	for (int i = 0; i < 2; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 1000 + i, .seq = 11,
						 .flags = RST });
	tt_skip(t);
	tt_free(t);
}

static void
tweak_cookies_always(struct ptg_tcp_config *cfg)
{
	cfg->syncookies = PTG_TCP_SYNCOOKIES_ALWAYS;
}

/* A peer whose MSS is below the cookie table's 536 (found by fuzz_stack):
 * the cookie rounds down to the engine's smallest MSS, never up, so no
 * segment is larger than the peer asked for (RFC 9293 3.7.1). */
static void
test_cookie_small_peer_mss(void **state)
{
	struct tt *t = tt_new(tweak_cookies_always);
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;
	uint32_t cookie;
	static uint8_t buf[1000];

	(void)state;
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 500, .flags = SYN },
		   &(struct ptg_test_tcp_opts){ .has_mss = 1, .mss = 256 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_int_equal(TT_STAT(t, syncookies_sent), 1);
	cookie = p.seq;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 501, .ack = cookie + 1,
					 .flags = ACK });
	assert_int_equal(TT_STAT(t, syncookies_ok), 1);
	assert_non_null(t->rec.conn);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.mss, PTG_TCP_MSS_MIN);
	assert_int_equal(ptg_send(t->rec.conn, buf, sizeof(buf)), sizeof(buf));
	tt_pop(t, &p);
	assert_true(p.payload_len > 0);
	assert_true(p.payload_len <= 256);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* With timestamps, a cookie connection keeps window scale and SACK. */
static void
test_cookie_keeps_ws_sack_via_ts(void **state)
{
	struct tt *t = tt_new(tweak_cookies_always);
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460, .has_ws = 1,
				       .ws = 6, .sack_perm = 1, .has_ts = 1,
				       .tsval = 777 };
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;

	(void)state;
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 9000, .flags = SYN }, &o);
	tt_pop(t, &p);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_true(p.opts.has_ts && p.opts.has_ws && p.opts.sack_perm);
	assert_int_equal(p.opts.tsecr, 777);
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 9001, .ack = p.seq + 1,
		.flags = ACK, .win = 100 },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 778,
					      .tsecr = p.opts.tsval });
	assert_int_equal(t->rec.accepts, 1);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.snd_wscale, 6);
	assert_int_equal(ci.snd_wnd, 100 << 6);
	assert_true(ci.sack_ok);
	assert_true(ci.ts_ok);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* A cookie from a slot more than one old is refused. */
static void
test_cookie_expires(void **state)
{
	struct tt *t = tt_new(tweak_cookies_always);
	struct ptg_test_pkt p;

	(void)state;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	tt_advance(t, PTG_TEST_S(200)); /* cookie slots are ~68.7 s */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .ack = p.seq + 1,
					 .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	assert_int_equal(TT_STAT(t, syncookies_bad), 1);
	assert_int_equal(t->rec.accepts, 0);
	tt_free(t);
}

/* Auto mode takes cookie ACKs only for a while (syncookie_window_ns, 10 s)
 * after the listener last sent a cookie for a full SYN queue: one that
 * comes 5 s after is taken (with its data), one 11 s after is not even
 * checked (RST, syncookies_unexpected). */
static void
test_cookie_auto_window(void **state)
{
	struct tt *t = tt_new(tweak_small_queues);
	struct ptg_test_pkt p;
	uint32_t cookie[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 1000 + i, .seq = 10,
						 .flags = SYN });
		tt_pop(t, &p);
	}
	for (int i = 0; i < 2; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 2000 + i, .seq = 500,
						 .flags = SYN });
		tt_pop(t, &p);
		assert_int_equal(p.tcp_flags, SYN | ACK);
		cookie[i] = p.seq;
	}
	assert_int_equal(TT_STAT(t, syncookies_sent), 2);
	/* The embryonic two go (their SYN-ACKs would keep them). */
	for (int i = 0; i < 2; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 1000 + i, .seq = 11,
						 .flags = RST });
	tt_advance(t, PTG_TEST_S(5));
	tt_skip(t);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 2000, .seq = 501,
		.ack = cookie[0] + 1, .flags = ACK, .len = 5,
		.payload = "hello" });
	assert_int_equal(TT_STAT(t, syncookies_ok), 1);
	assert_int_equal(t->rec.accepts, 1);
	assert_int_equal(t->rec.rx_len, 5);
	assert_memory_equal(t->rec.rx, "hello", 5);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_advance(t, PTG_TEST_S(6));
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 2001, .seq = 501,
		.ack = cookie[1] + 1, .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	assert_int_equal(TT_STAT(t, syncookies_unexpected), 1);
	assert_int_equal(TT_STAT(t, syncookies_ok), 1);
	assert_int_equal(t->rec.accepts, 1);
	tt_free(t);
}

/* With timestamps the window scale and SACK bits of our TSval, and the
 * six MAC bits beside them, come back in TSecr and are checked: any of
 * them flipped and the cookie is refused (no connection with a window
 * scale the peer never offered); intact, it is taken with its data. */
static void
test_cookie_ts_bits_authenticated(void **state)
{
	struct tt *t = tt_new(tweak_cookies_always);
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460, .has_ws = 1,
				       .ws = 3, .sack_perm = 1, .has_ts = 1,
				       .tsval = 777 };
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;
	uint32_t tsval;

	(void)state;
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 9000, .flags = SYN }, &o);
	tt_pop(t, &p);
	tsval = p.opts.tsval;
	assert_int_equal(tsval & 31, 3 | 16);
	for (unsigned int bit = 0; bit < 11; bit++) {
		tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 9001,
			.ack = p.seq + 1, .flags = ACK, .win = 100 },
			&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 778,
				.tsecr = tsval ^ (1u << bit) });
		assert_int_equal(TT_STAT(t, syncookies_bad), bit + 1);
		assert_int_equal(t->rec.accepts, 0);
	}
	/* Without the timestamp option the cookie does not hold either. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 9001, .ack = p.seq + 1,
					 .flags = ACK, .win = 100 });
	assert_int_equal(TT_STAT(t, syncookies_bad), 12);
	tt_skip(t);
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 9001, .ack = p.seq + 1,
		.flags = ACK, .win = 100, .len = 4, .payload = "data" },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 778,
					      .tsecr = tsval });
	assert_int_equal(t->rec.accepts, 1);
	assert_int_equal(t->rec.rx_len, 4);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.snd_wscale, 3);
	assert_true(ci.sack_ok);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* Manual accept: a full accept queue drops the final ACK; the client's
 * retry succeeds once the application took one. */
static void
test_acceptq_overflow_drop(void **state)
{
	struct tt *t = tt_new(tweak_small_queues);
	struct ptg_test_pkt p;
	uint32_t iss[3];
	struct ptg_conn *c;

	(void)state;
	assert_int_equal(ptg_tcp_set_manual_accept(t->tcp, TT_PORT, 1), 0);
	for (int i = 0; i < 3; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 3000 + i, .seq = 10,
						 .flags = SYN });
		tt_pop(t, &p);
		iss[i] = p.seq;
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 3000 + i, .seq = 11,
			.ack = iss[i] + 1, .flags = ACK });
		if (i == 1) {
			/* Two SYN-RECEIVED left the SYN queue: room for the
			 * third SYN. */
		}
	}
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, TT_PORT), 2);
	assert_int_equal(TT_STAT(t, acceptq_overflow), 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 3);
	tt_none(t);
	c = ptg_tcp_accept(t->tcp, TT_PORT);
	assert_non_null(c);
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_ESTABLISHED);
	/* The third client's retransmitted ACK now gets in. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 3002, .seq = 11,
		.ack = iss[2] + 1, .flags = ACK });
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, TT_PORT), 2);
	ptg_abort(c);
	while ((c = ptg_tcp_accept(t->tcp, TT_PORT)) != NULL)
		ptg_abort(c);
	tt_skip(t);
	tt_free(t);
}

static void
tweak_overflow_rst(struct ptg_tcp_config *cfg)
{
	cfg->backlog = 1;
	cfg->accept_overflow_rst = 1;
}

static void
test_acceptq_overflow_rst(void **state)
{
	struct tt *t = tt_new(tweak_overflow_rst);
	struct ptg_test_pkt p;
	struct ptg_conn *c;

	(void)state;
	ptg_tcp_set_manual_accept(t->tcp, TT_PORT, 1);
	for (int i = 0; i < 2; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 3000 + i, .seq = 10,
						 .flags = SYN });
		tt_pop(t, &p);
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 3000 + i, .seq = 11,
			.ack = p.seq + 1, .flags = ACK });
	}
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	assert_int_equal(p.dport, 3001);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	c = ptg_tcp_accept(t->tcp, TT_PORT);
	ptg_abort(c);
	tt_skip(t);
	tt_free(t);
}

/* RFC 6528: ISNs differ per tuple and per engine (fresh secret), and
 * advance with time for the same tuple. */
static void
test_isn_unpredictable(void **state)
{
	struct tt *t = tt_new(NULL), *t2;
	struct ptg_test_pkt p;
	uint32_t a, b, c2, d;

	(void)state;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 5000, .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	a = p.seq;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 5001, .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	b = p.seq;
	assert_int_not_equal(a, b);
	assert_true(b - a > 1000 || a - b > 1000);
	for (int i = 0; i < 2; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .sport = 5000 + i, .seq = 2,
						 .flags = RST });
	tt_skip(t);
	/* The same tuple 1 s later: about 1e9/4096 further on. */
	tt_advance(t, PTG_TEST_S(1));
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 5000, .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	c2 = p.seq;
	assert_true(c2 - a >= 244000 && c2 - a <= 245000);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 5000, .seq = 2, .flags = RST });
	tt_skip(t);
	/* Another stack (a restart) at the same time: another secret. */
	t2 = tt_new(NULL);
	t2->env->now = t->env->now;
	tt_rx(t2, &(struct ptg_test_tcp){ .sport = 5000, .seq = 1, .flags = SYN });
	tt_pop(t2, &p);
	d = p.seq;
	assert_true(d - c2 > 1000000 || c2 - d > 1000000);
	tt_rx(t2, &(struct ptg_test_tcp){ .sport = 5000, .seq = 2, .flags = RST });
	tt_skip(t2);
	tt_free(t2);
	tt_free(t);
}

/* on_accept may refuse: the connection is reset. */
static void
test_service_rejects(void **state)
{
	struct tt *t = tt_new(NULL);
	struct ptg_test_pkt p;

	(void)state;
	t->rec.reject = 1;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .ack = p.seq + 1, .flags = ACK });
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_ABORT);
	tt_free(t);
}

/* Connection ops of another size (built against another version of
 * ptg_tcp.h) are refused by listen and connect, and nothing is created. */
static void
test_ops_other_abi(void **state)
{
	struct tt *t = tt_new(NULL);
	struct ptg_conn_ops old = tt_service;
	struct ptg_conn_ops noclose = tt_service;

	(void)state;
	old.size = PTG_CONN_OPS_SIZE - sizeof(void *);
	noclose.on_close = NULL;
	assert_int_equal(ptg_tcp_listen(t->tcp, 9999, &old, NULL, 0), -EPROTO);
	assert_int_equal(ptg_tcp_listen(t->tcp, 9999, &noclose, NULL, 0),
			 -EINVAL);
	assert_int_equal(ptg_tcp_listen(t->tcp, 9999, NULL, NULL, 0), -EINVAL);
	assert_null(ptg_connect(t->tcp, PTG_TEST_IP_PEER, 80, 0, &old, NULL,
				t->env->now));
	assert_int_equal(rte_errno, EPROTO);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	/* Nothing listens on 9999: a SYN there is refused. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN,
					  .dport = 9999 });
	assert_int_equal(TT_STAT(t, rst_no_listener), 1);
	tt_skip(t);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synq_overflow_cookie),
		cmocka_unit_test(test_cookie_small_peer_mss),
		cmocka_unit_test(test_cookie_keeps_ws_sack_via_ts),
		cmocka_unit_test(test_cookie_expires),
		cmocka_unit_test(test_cookie_auto_window),
		cmocka_unit_test(test_cookie_ts_bits_authenticated),
		cmocka_unit_test(test_acceptq_overflow_drop),
		cmocka_unit_test(test_acceptq_overflow_rst),
		cmocka_unit_test(test_isn_unpredictable),
		cmocka_unit_test(test_service_rejects),
		cmocka_unit_test(test_ops_other_abi),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
