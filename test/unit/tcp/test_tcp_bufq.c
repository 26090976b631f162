/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_bufq.c and the memory accounting around it: what a peer's
 * segments pin (mbufs, not payload bytes), small segments sharing a
 * buffer, the per-connection bound on the receive side, the window that
 * counts buffers, and the engine's budget with its pressure mode. Each
 * refusal is checked against its own counter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "tcp_test.h"

/* Mbufs in use, less the frames the fake port keeps for inspection. */
static unsigned int
mbufs_held(const struct tt *t)
{
	return ptg_test_mempool_in_use(t->env->mp) - t->env->port.n;
}

static int
seq_leq_u32(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static void
rx_data(struct tt *t, uint32_t seq, uint32_t ack, const void *p, uint32_t len)
{
	tt_rx(t, &(struct ptg_test_tcp){ .seq = seq, .ack = ack, .flags = ACK,
					 .payload = p, .len = len });
}

/* 4,000 one-byte in-order segments the service does not read: each is
 * copied into the free room of the buffer before it, so they pin a few
 * mbufs, not 4,000; the bytes come out intact. */
static void
test_small_segments_share_buffers(void **state)
{
	struct tt *t = *state;
	const uint32_t isn = 1000;
	uint32_t iss = tt_open(t, isn, NULL);
	static uint8_t data[4000];
	struct ptg_conn_info ci;
	unsigned int base;

	ptg_test_pattern(data, sizeof(data), 3);
	t->rec.consume_max = 0;
	base = mbufs_held(t);
	for (uint32_t i = 0; i < sizeof(data); i++)
		rx_data(t, isn + 1 + i, iss + 1, data + i, 1);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.rcvq_bytes, sizeof(data));
	assert_int_equal(ci.rcv_nxt, isn + 1 + sizeof(data));
	assert_true(ci.rcvq_bufs <= 3);
	assert_true(mbufs_held(t) - base <= 3);
	assert_true(TT_STAT(t, rcv_coalesced) >= sizeof(data) - 3);
	assert_int_equal(TT_STAT(t, drop_rcvbuf_full), 0);

	t->rec.consume_max = SIZE_MAX;
	ptg_recv_resume(t->rec.conn);
	assert_int_equal(t->rec.rx_len, sizeof(data));
	assert_memory_equal(t->rec.rx, data, sizeof(data));
	tt_skip(t); /* the window update */
	assert_int_equal(mbufs_held(t), base);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

/* 1,000 one-byte out-of-order segments with a gap after each: every one
 * needs a buffer of its own, so the receive side holds at most
 * rcv_bufs_max of them (twice the 256 KB buffer in 2 KB buffers: 256);
 * the rest are dropped, each counted, each still answered with a
 * duplicate ACK (RFC 5681 4.2). */
static void
test_ooo_small_segments_bounded(void **state)
{
	struct tt *t = *state;
	const uint32_t isn = 1000;
	uint32_t iss = tt_open(t, isn, NULL);
	struct ptg_conn_info ci;
	unsigned int base, acks;

	base = mbufs_held(t);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.rcv_bufs_max, 256);
	acks = t->env->port.n;
	for (uint32_t i = 0; i < 1000; i++)
		rx_data(t, isn + 1 + 2 + 2 * i, iss + 1, NULL, 1);
	tt_pending(t);
	assert_int_equal(t->env->port.n - acks, 1000);
	tt_skip(t);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.ooo_bufs, 256);
	assert_int_equal(ci.ooo_bytes, 256);
	assert_int_equal(mbufs_held(t) - base, 256);
	assert_int_equal(TT_STAT(t, drop_ooo_full), 1000 - 256);
	assert_int_equal(TT_STAT(t, ooo_segs), 1000);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	assert_int_equal(mbufs_held(t), base);
}

/* The advertised window counts buffers: with a 16 KB buffer (16 buffers)
 * and 12 of them pinned by one-byte out-of-order segments, in-order data
 * the service reads at once does not move the right edge further out
 * (a window in bytes alone would offer 16 KB again). */
static void
test_window_counts_buffers(void **state)
{
	struct tt *t = *state;
	const uint32_t isn = 1000;
	uint8_t data[5 * 1460];
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;
	uint32_t iss, edge;

	assert_int_equal(ptg_tcp_listen_set_rcvbuf(t->tcp, TT_PORT, 16384), 0);
	iss = tt_open(t, isn, NULL);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.rcv_bufs_max, 16);
	edge = isn + 1 + 16384;
	for (uint32_t i = 0; i < 12; i++) {
		rx_data(t, isn + 1 + 10000 + 2 * i, iss + 1, NULL, 1);
		tt_pop(t, &p);
		assert_true(seq_leq_u32(p.ack + ((uint32_t)p.win << ci.rcv_wscale),
					edge));
	}
	ptg_test_pattern(data, sizeof(data), 1);
	for (uint32_t i = 0; i < 5; i++)
		rx_data(t, isn + 1 + i * 1460, iss + 1, data + i * 1460, 1460);
	assert_int_equal(t->rec.rx_len, sizeof(data));
	assert_true(tt_pending(t) > 0);
	while (tt_pending(t) > 0) {
		tt_pop(t, &p);
		assert_int_equal(p.tcp_flags & ACK, ACK);
		/* Not beyond the first edge: the buffers are not free. */
		assert_true(seq_leq_u32(p.ack + ((uint32_t)p.win << ci.rcv_wscale),
					edge));
	}
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

static void
tweak_budget(struct ptg_tcp_config *cfg)
{
	cfg->mem_bufs = 40;       /* pressure from 30 */
}

/* The engine's budget: past three quarters of it, new SYNs, active opens
 * and out-of-order data are refused; at the budget, in-order data that
 * needs a new buffer is dropped, and a send gets at most one buffer; each
 * refusal has its counter. Once the service reads, all of it works
 * again. */
static void
test_budget_pressure(void **state)
{
	struct tt *t = tt_new(tweak_budget);
	const uint32_t isn = 1000;
	struct ptg_tcp_mem_info mi;
	struct ptg_test_pkt p;
	struct ptg_conn_info ci;
	uint32_t iss, seq;
	ssize_t n;

	(void)state;
	iss = tt_open(t, isn, NULL);
	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_max, 40);
	assert_int_equal(mi.bufs_pressure, 30);
	t->rec.consume_max = 0;
	/* 1100-byte segments do not fit behind each other: one buffer each. */
	seq = isn + 1;
	for (unsigned int i = 0; i < 30; i++, seq += 1100)
		rx_data(t, seq, iss + 1, NULL, 1100);
	tt_skip(t);
	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_held, 30);
	assert_true(mi.pressure);
	tt_advance(t, PTG_TEST_MS(2)); /* the poll notices */
	assert_int_equal(TT_STAT(t, mem_pressure), 1);
	tt_skip(t);

	/* New work is refused. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 40001, .seq = 5,
					 .flags = SYN });
	tt_none(t);
	assert_int_equal(TT_STAT(t, drop_syn_pressure), 1);
	assert_null(ptg_connect(t->tcp, PTG_TEST_IP_PEER, 80, 0, &tt_service,
				&t->rec, t->env->now));
	assert_int_equal(rte_errno, ENOBUFS);
	assert_int_equal(TT_STAT(t, connect_mem_refused), 1);
	/* Out-of-order data goes first. */
	rx_data(t, seq + 5000, iss + 1, NULL, 100);
	assert_int_equal(TT_STAT(t, drop_ooo_pressure), 1);
	tt_skip(t);

	/* Up to the budget, then in-order data needing a buffer is dropped
	 * (and ACKed: the peer learns where we are). */
	for (unsigned int i = 30; i < 40; i++, seq += 1100)
		rx_data(t, seq, iss + 1, NULL, 1100);
	tt_skip(t);
	rx_data(t, seq, iss + 1, NULL, 1100);
	assert_int_equal(TT_STAT(t, drop_mem_budget), 1);
	tt_pop(t, &p);
	assert_int_equal(p.ack, seq);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.rcv_nxt, seq);
	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_held, 40);

	/* A send with nothing queued still gets one buffer. */
	n = ptg_send(t->rec.conn, t->rec.rx, 5000);
	assert_int_equal(n, 2048);
	assert_int_equal(TT_STAT(t, snd_mem_limited), 1);
	tt_skip(t);

	/* The service reads: the memory comes back, so does new work. */
	t->rec.consume_max = SIZE_MAX;
	ptg_recv_resume(t->rec.conn);
	assert_int_equal(t->rec.rx_len, 40 * 1100);
	tt_advance(t, PTG_TEST_MS(2));
	ptg_tcp_mem_info(t->tcp, &mi);
	assert_false(mi.pressure);
	tt_skip(t);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 40001, .seq = 5,
					 .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_int_equal(TT_STAT(t, drop_syn_pressure), 1);
	ptg_abort(t->rec.conn);
	ptg_tcp_unlisten(t->tcp, TT_PORT);
	tt_skip(t);
	tt_free(t);
}

static void
tweak_budget_huge(struct ptg_tcp_config *cfg)
{
	cfg->mem_bufs = UINT32_MAX;
}

/* The default budget is half the pool; a bigger one is cut to the pool
 * less an eighth, the reserve RX, TX and control segments draw from. */
static void
test_budget_defaults(void **state)
{
	struct tt *t = *state;
	struct ptg_tcp_mem_info mi;
	unsigned int pool = t->env->mp->size;

	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_max, pool / 2);
	assert_int_equal(mi.bufs_pressure, pool / 2 - pool / 2 / 4);
	assert_int_equal(mi.bufs_held, 0);
	t = tt_new(tweak_budget_huge);
	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_max, pool - pool / 8);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_segments_share_buffers,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_ooo_small_segments_bounded,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_window_counts_buffers,
						tt_setup, tt_teardown),
		cmocka_unit_test(test_budget_pressure),
		cmocka_unit_test_setup_teardown(test_budget_defaults,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
