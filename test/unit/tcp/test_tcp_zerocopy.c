/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy output (lib/tcp/tcp_output.c send_seg() -> tcp_bufq_attach()):
 * a segment with at least cfg.tx_zerocopy_min payload bytes, on a port
 * that sends chained mbufs, is a header mbuf chained to indirect mbufs on
 * the send queue's buffers. Each case checks the frame is (or is not) a
 * chain, that it carries exactly the queued bytes at its sequence
 * numbers, and, through tt_free(), that every mbuf went back to the pool.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

#define ZC_MIN 256

static uint8_t data[64 * 1024];

static void
tweak_zc(struct ptg_tcp_config *cfg)
{
	cfg->tx_zerocopy_min = ZC_MIN;
}

static void
net_multi_segs(struct ptg_net_config *ncfg)
{
	ncfg->offloads |= PTG_NET_OFF_TX_MULTI_SEGS;
}

/* Segments of the frame not popped yet. */
static unsigned int
next_nb_segs(struct tt *t)
{
	assert_true(tt_pending(t) > 0);
	return t->env->port.pkts[t->next]->nb_segs;
}

/* Pop a data segment and check it carries data[seq - base ...]. */
static uint32_t
pop_data(struct tt *t, uint32_t base, int chained)
{
	struct ptg_test_pkt p;

	if (chained)
		assert_true(next_nb_segs(t) > 1);
	else
		assert_int_equal(next_nb_segs(t), 1);
	tt_pop(t, &p);
	assert_true(p.payload_len > 0);
	assert_true(p.seq - base + p.payload_len <= sizeof(data));
	assert_memory_equal(p.payload, data + (p.seq - base), p.payload_len);
	return p.payload_len;
}

static void
ack(struct tt *t, uint32_t seq, uint32_t ackno)
{
	tt_rx(t, &(struct ptg_test_tcp){ .seq = seq, .ack = ackno,
					 .flags = ACK, .win = 65535 });
}

static void
assert_bufs_held(const struct tt *t, uint32_t n)
{
	struct ptg_tcp_mem_info mi;

	ptg_tcp_mem_info(t->tcp, &mi);
	assert_int_equal(mi.bufs_held, n);
}

/* Full segments go out as chains over the send queue's buffers and carry
 * exactly the bytes sent; once all is acked nothing is held. */
static void
test_zc_segments_carry_queued_bytes(void **state)
{
	struct tt *t = tt_new_net(tweak_zc, net_multi_segs);
	const uint32_t isn = 5000;
	uint32_t iss = tt_open(t, isn, NULL), got = 0;

	(void)state;
	ptg_test_pattern(data, sizeof(data), 11);
	assert_int_equal(ptg_send(t->rec.conn, data, 10000), 10000);
	while (tt_pending(t) > 0)
		got += pop_data(t, iss + 1, 1);
	assert_int_equal(got, 10000);
	ack(t, isn + 1, iss + 1 + 10000);
	assert_bufs_held(t, 0);
	tt_skip(t);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* Below the threshold, and on a port without chained TX whatever the
 * size, the payload is copied behind the headers. */
static void
test_zc_small_or_no_multi_segs_copies(void **state)
{
	struct tt *t = tt_new_net(tweak_zc, net_multi_segs);
	uint32_t iss = tt_open(t, 5000, NULL);

	(void)state;
	ptg_test_pattern(data, sizeof(data), 12);
	assert_int_equal(ptg_send(t->rec.conn, data, ZC_MIN - 1), ZC_MIN - 1);
	assert_int_equal(pop_data(t, iss + 1, 0), ZC_MIN - 1);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);

	t = tt_new_net(tweak_zc, NULL);
	iss = tt_open(t, 5000, NULL);
	assert_int_equal(ptg_send(t->rec.conn, data, 3000), 3000);
	assert_int_equal(pop_data(t, iss + 1, 0), 1460);
	assert_int_equal(pop_data(t, iss + 1, 0), 1460);
	assert_int_equal(pop_data(t, iss + 1, 0), 80);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* The head of the send queue partly acked (mid-segment, mid-buffer), then
 * the RTO: the retransmission starts at SND.UNA, zero-copy, with the
 * right bytes. */
static void
test_zc_retransmit_after_partial_ack(void **state)
{
	struct tt *t = tt_new_net(tweak_zc, net_multi_segs);
	const uint32_t isn = 7000;
	uint32_t iss = tt_open(t, isn, NULL);
	struct ptg_test_pkt p;

	(void)state;
	ptg_test_pattern(data, sizeof(data), 13);
	assert_int_equal(ptg_send(t->rec.conn, data, 6000), 6000);
	tt_skip(t);
	ack(t, isn + 1, iss + 1 + 1000);
	tt_skip(t);
	tt_advance(t, 2000ull * 1000000ull);
	assert_true(next_nb_segs(t) > 1);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1 + 1000);
	assert_int_equal(p.payload_len, 1460);
	assert_memory_equal(p.payload, data + 1000, 1460);
	assert_true(TT_STAT(t, retransmits) >= 1);
	ack(t, isn + 1, iss + 1 + 6000);
	assert_bufs_held(t, 0);
	tt_skip(t);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* A segment in flight references the send queue's tail buffer; the next
 * ptg_send() fills that buffer's free room (no new buffer) and the frame
 * in flight still carries its own bytes, unchanged. */
static void
test_zc_tail_coalesced_while_in_flight(void **state)
{
	struct tt *t = tt_new_net(tweak_zc, net_multi_segs);
	const uint32_t isn = 9000;
	uint32_t iss = tt_open(t, isn, NULL);
	struct rte_mbuf *first;
	struct ptg_conn_info ci;

	(void)state;
	ptg_test_pattern(data, sizeof(data), 14);
	assert_int_equal(ptg_send(t->rec.conn, data, 600), 600);
	assert_int_equal(tt_pending(t), 1);
	first = t->env->port.pkts[t->next];
	assert_true(first->nb_segs > 1);
	assert_true(rte_mbuf_refcnt_read(
		rte_mbuf_from_indirect(first->next)) > 1);
	/* Different bytes, written behind the range in flight. */
	ptg_test_pattern(data + 600, 700, 99);
	assert_int_equal(ptg_send(t->rec.conn, data + 600, 700), 700);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.sndq_bufs, 1);
	assert_int_equal(pop_data(t, iss + 1, 1), 600);
	assert_int_equal(pop_data(t, iss + 1, 1), 700);
	ack(t, isn + 1, iss + 1 + 1300);
	assert_bufs_held(t, 0);
	tt_skip(t);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* The send queue freed (acked, connection gone) while its frames are
 * still held by the port: the buffers go back only with the frames. */
static void
test_zc_acked_while_in_flight(void **state)
{
	struct tt *t = tt_new_net(tweak_zc, net_multi_segs);
	const uint32_t isn = 11000;
	uint32_t iss = tt_open(t, isn, NULL);
	struct ptg_test_pkt p;

	(void)state;
	ptg_test_pattern(data, sizeof(data), 15);
	assert_int_equal(ptg_send(t->rec.conn, data, 4000), 4000);
	ack(t, isn + 1, iss + 1 + 4000);
	assert_bufs_held(t, 0);
	ptg_abort(t->rec.conn);
	/* The data frames, still held, read as sent. */
	tt_pop(t, &p);
	assert_memory_equal(p.payload, data, p.payload_len);
	assert_int_equal(p.payload_len, 1460);
	tt_skip(t);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zc_segments_carry_queued_bytes),
		cmocka_unit_test(test_zc_small_or_no_multi_segs_copies),
		cmocka_unit_test(test_zc_retransmit_after_partial_ack),
		cmocka_unit_test(test_zc_tail_coalesced_while_in_flight),
		cmocka_unit_test(test_zc_acked_while_in_flight),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
