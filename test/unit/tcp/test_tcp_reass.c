/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_reass.c: the out-of-order queue. Insertion in every order,
 * overlaps at either edge, duplicates, trimming against RCV.NXT when a
 * hole fills, the bound on held segments, and, through the engine, the
 * bytes a service finally sees and the counters of what was dropped.
 * (Which SACK blocks the receiver reports is tested elsewhere.)
 *
 * Every byte carries its own sequence number (byte_at()), so a segment
 * trimmed at the wrong offset shows up as wrong bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "tcp_test.h"
#include "tcp_priv.h"

static uint8_t
byte_at(uint32_t seq)
{
	return (uint8_t)(seq * 7 + (seq >> 8) * 3 + (seq >> 16) + 0x5a);
}

static void
fill(uint8_t *buf, uint32_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = byte_at(seq + i);
}

/* A bare control block of a kit's engine (whose memory accounting the
 * queues charge), and the pool baseline, per case. */
struct rq {
	struct ptg_conn c;
	struct tt *t;
	struct rte_mempool *mp;
	unsigned int baseline;
	int room;                 /* insert() leaves tailroom behind data */
};

static int
rq_setup(void **state)
{
	struct rq *r = rte_zmalloc("rq", sizeof(*r), RTE_CACHE_LINE_SIZE);

	assert_non_null(r);
	r->t = tt_new(NULL);
	r->c.tcp = r->t->tcp;
	r->mp = ptg_test_mempool();
	r->baseline = ptg_test_mempool_in_use(r->mp);
	r->c.rcvbuf = 256 * 1024;
	*state = r;
	return 0;
}

static int
rq_teardown(void **state)
{
	struct rq *r = *state;
	struct ptg_tcp_mem_info mi;

	tcp_reass_free(&r->c);
	tcp_bufq_free(r->c.tcp, &r->c.rcvq);
	assert_null(r->c.ooo);
	assert_int_equal(r->c.ooo_nb, 0);
	assert_int_equal(r->c.ooo_bytes, 0);
	ptg_test_assert_mempool(r->mp, r->baseline);
	ptg_tcp_mem_info(r->t->tcp, &mi);
	assert_int_equal(mi.bufs_held, 0);
	tt_free(r->t);
	rte_free(r);
	return 0;
}

/* Hand [seq, seq + len) to tcp_reass_insert() as the engine does: one
 * mbuf holding just the payload; at the end of its buffer (nothing can be
 * copied behind it) unless r->room is set. */
static int
insert(struct rq *r, uint32_t seq, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(r->mp);
	uint8_t *d;

	assert_non_null(m);
	if (!r->room)
		m->data_off = (uint16_t)(m->buf_len - len);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(d);
	fill(d, seq, len);
	return tcp_reass_insert(&r->c, m, seq, len);
}

/* The queue holds exactly @n segments @s, in order, with their bytes, and
 * each held segment is one mbuf from the pool. */
static void
assert_queue(const struct rq *r, unsigned int n, const uint32_t (*s)[2])
{
	const struct rte_mbuf *m = r->c.ooo;
	uint32_t bytes = 0;
	uint8_t want[2048];

	for (unsigned int i = 0; i < n; i++, m = m->next) {
		uint32_t len = s[i][1] - s[i][0];

		assert_non_null(m);
		assert_int_equal(m->hash.usr, s[i][0]);
		assert_int_equal(m->data_len, len);
		assert_int_equal(m->pkt_len, len);
		assert_true(len <= sizeof(want));
		fill(want, s[i][0], len);
		assert_memory_equal(rte_pktmbuf_mtod(m, const void *), want, len);
		bytes += len;
	}
	assert_null(m);
	assert_int_equal(r->c.ooo_nb, n);
	assert_int_equal(r->c.ooo_bytes, bytes);
	assert_int_equal(ptg_test_mempool_in_use(r->mp),
			 r->baseline + n + r->c.rcvq.nb_mbufs);
}

/* RCV.NXT moved to @rcv_nxt (in-order data arrived): pull, and check that
 * the receive queue got exactly [@from, new RCV.NXT). Empties rcvq. */
static void
pull_and_check(struct rq *r, uint32_t rcv_nxt, uint32_t from, uint32_t to)
{
	const struct rte_mbuf *m;
	uint32_t off = 0;
	uint8_t want[8192];

	r->c.rcv_nxt = rcv_nxt;
	tcp_reass_pull(&r->c);
	assert_int_equal(r->c.rcv_nxt, to);
	assert_int_equal(r->c.rcvq.bytes, to - from);
	assert_true(to - from <= sizeof(want));
	fill(want, from, to - from);
	for (m = r->c.rcvq.head; m != NULL; m = m->next) {
		assert_true(m->data_len > 0);
		assert_memory_equal(rte_pktmbuf_mtod(m, const void *),
				    want + off, m->data_len);
		off += m->data_len;
	}
	assert_int_equal(off, to - from);
	tcp_bufq_free(r->c.tcp, &r->c.rcvq);
}

/* Four segments, two of them adjacent, inserted in all 24 orders: always
 * the same sorted queue; adjacent segments stay separate mbufs. */
static void
test_insert_every_order(void **state)
{
	struct rq *r = *state;
	const uint32_t seg[4][2] = { { 100, 110 }, { 110, 125 }, { 140, 150 },
				     { 160, 161 } };
	unsigned int orders = 0;

	for (unsigned int a = 0; a < 4; a++)
	for (unsigned int b = 0; b < 4; b++)
	for (unsigned int c = 0; c < 4; c++)
	for (unsigned int d = 0; d < 4; d++) {
		const unsigned int o[4] = { a, b, c, d };

		if (a == b || a == c || a == d || b == c || b == d || c == d)
			continue;
		for (unsigned int i = 0; i < 4; i++)
			assert_int_equal(insert(r, seg[o[i]][0],
				seg[o[i]][1] - seg[o[i]][0]), 0);
		assert_queue(r, 4, seg);
		tcp_reass_free(&r->c);
		ptg_test_assert_mempool(r->mp, r->baseline);
		orders++;
	}
	assert_int_equal(orders, 24);
}

/* New data over the tail of a held segment: the held copy is kept, the
 * new segment loses its head. */
static void
test_overlap_left_edge(void **state)
{
	struct rq *r = *state;

	assert_int_equal(insert(r, 100, 20), 0);
	assert_int_equal(insert(r, 110, 20), 0);       /* [110, 130) */
	assert_queue(r, 2, (const uint32_t[][2]){ { 100, 120 }, { 120, 130 } });
	/* Starting exactly at the held segment's start, longer. */
	assert_int_equal(insert(r, 100, 40), 0);       /* [100, 140) */
	assert_queue(r, 3, (const uint32_t[][2]){ { 100, 120 }, { 120, 130 },
						  { 130, 140 } });
}

/* New data over the head of a held segment: the new one is cut short. */
static void
test_overlap_right_edge(void **state)
{
	struct rq *r = *state;

	assert_int_equal(insert(r, 120, 20), 0);       /* [120, 140) */
	assert_int_equal(insert(r, 110, 20), 0);       /* [110, 130) */
	assert_queue(r, 2, (const uint32_t[][2]){ { 110, 120 }, { 120, 140 } });
	/* Starting before both and ending exactly where they end: it
	 * covers them, so they are freed and it is kept whole. */
	assert_int_equal(insert(r, 100, 40), 0);       /* [100, 140) */
	assert_queue(r, 1, (const uint32_t[][2]){ { 100, 140 } });
}

/* Overlaps at both edges at once, and a new segment that swallows held
 * ones (they are freed, it is kept whole). */
static void
test_overlap_both_edges(void **state)
{
	struct rq *r = *state;

	insert(r, 100, 10);                            /* [100, 110) */
	insert(r, 120, 10);                            /* [120, 130) */
	assert_int_equal(insert(r, 105, 20), 0);       /* [105, 125) */
	assert_queue(r, 3, (const uint32_t[][2]){ { 100, 110 }, { 110, 120 },
						  { 120, 130 } });
	/* Over all three: they go, the new one stays. */
	assert_int_equal(insert(r, 95, 40), 0);        /* [95, 135) */
	assert_queue(r, 1, (const uint32_t[][2]){ { 95, 135 } });
	tcp_reass_free(&r->c);

	/* Tail of A, all of B, head of C. */
	insert(r, 100, 10);                            /* A [100, 110) */
	insert(r, 115, 5);                             /* B [115, 120) */
	insert(r, 125, 10);                            /* C [125, 135) */
	assert_int_equal(insert(r, 105, 25), 0);       /* [105, 130) */
	assert_queue(r, 3, (const uint32_t[][2]){ { 100, 110 }, { 110, 125 },
						  { 125, 135 } });
}

/* Full duplicates are freed at once and change nothing. */
static void
test_full_duplicates(void **state)
{
	struct rq *r = *state;
	const uint32_t q[][2] = { { 100, 110 }, { 110, 120 }, { 130, 140 } };

	insert(r, 100, 10);
	insert(r, 110, 10);
	insert(r, 130, 10);
	assert_int_equal(insert(r, 100, 10), 0);       /* the same */
	assert_int_equal(insert(r, 102, 6), 0);        /* inside one */
	assert_int_equal(insert(r, 105, 10), 0);       /* across two */
	assert_int_equal(insert(r, 100, 20), 0);       /* exactly two */
	assert_int_equal(insert(r, 139, 1), 0);        /* last byte */
	assert_queue(r, 3, q);
}

/* RCV.NXT overtakes held data: what lies below it is cut off (or freed)
 * when pulled, the rest goes to the receive queue in order. */
static void
test_pull_trims_to_rcv_nxt(void **state)
{
	struct rq *r = *state;

	r->c.rcv_nxt = 100;
	insert(r, 110, 20);                            /* [110, 130) */
	insert(r, 140, 10);                            /* [140, 150) */
	insert(r, 200, 10);                            /* [200, 210) */
	/* Not reached yet: nothing moves. */
	pull_and_check(r, 109, 109, 109);
	assert_int_equal(r->c.ooo_nb, 3);
	/* In-order data up to 115 arrived: [115, 130) is pulled. */
	pull_and_check(r, 115, 115, 130);
	assert_queue(r, 2, (const uint32_t[][2]){ { 140, 150 }, { 200, 210 } });
	/* Up to 145: [145, 150). */
	pull_and_check(r, 145, 145, 150);
	/* Up to exactly its end, or past it: held data is freed, nothing
	 * (not even an empty mbuf) reaches the receive queue. */
	pull_and_check(r, 210, 210, 210);
	assert_queue(r, 0, NULL);
	insert(r, 300, 10);
	pull_and_check(r, 320, 320, 320);
	assert_queue(r, 0, NULL);
}

/* A hole filled: every held byte reaches the receive queue, in order. */
static void
test_hole_filled_delivers_all(void **state)
{
	struct rq *r = *state;
	const unsigned int order[] = { 3, 1, 4, 0, 2 };

	r->c.rcv_nxt = 1000;
	for (unsigned int i = 0; i < RTE_DIM(order); i++)
		assert_int_equal(insert(r, 1100 + order[i] * 1000, 1000), 0);
	assert_int_equal(r->c.ooo_nb, 5);
	assert_int_equal(r->c.ooo_bytes, 5000);
	pull_and_check(r, 1050, 1050, 1050);           /* still a hole */
	pull_and_check(r, 1100, 1100, 6100);
	assert_queue(r, 0, NULL);
}

/* All of the above with sequence numbers around 2^32. */
static void
test_across_wrap(void **state)
{
	struct rq *r = *state;

	r->c.rcv_nxt = 0xffffff00u;
	assert_int_equal(insert(r, 0x10, 0x10), 0);           /* [0x10, 0x20) */
	assert_int_equal(insert(r, 0xfffffff8u, 0x10), 0);    /* over 2^32 */
	assert_int_equal(insert(r, 0xffffffe0u, 0x20), 0);    /* overlaps it */
	/* Over both across 2^32, the gap and all of [0x10, 0x20): */
	assert_int_equal(insert(r, 0xfffffff0u, 0x30), 0);
	assert_queue(r, 3, (const uint32_t[][2]){
		{ 0xffffffe0u, 0xfffffff8u }, { 0xfffffff8u, 0x8 },
		{ 0x8, 0x20 } });
	pull_and_check(r, 0xffffffe8u, 0xffffffe8u, 0x20);
	assert_queue(r, 0, NULL);
}

/* The receive side pins at most tcp_rcv_bufs_max() buffers: twice the
 * receive buffer in whole buffers, at least 4. A segment that needs one
 * more is refused (TCP_REASS_FULL) and its mbuf freed; a full duplicate
 * needs none and is taken; the held ones stay. */
static void
test_queue_limit(void **state)
{
	struct rq *r = *state;

	r->c.rcvbuf = 1024;                            /* 2048 / 2048 -> 4 */
	assert_int_equal(tcp_rcv_bufs_max(&r->c), 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(insert(r, 1000 + 2 * i, 1), 0);
	assert_int_equal(r->c.ooo_nb, 4);
	assert_int_equal(insert(r, 2000, 1), TCP_REASS_FULL);
	assert_int_equal(insert(r, 1000, 1), 0);      /* a duplicate */
	assert_int_equal(r->c.ooo_nb, 4);
	assert_int_equal(r->c.ooo_bytes, 4);
	ptg_test_assert_mempool(r->mp, r->baseline + 4);
	/* A bigger buffer raises the bound: 2 * 65536 / 2048 = 64. */
	r->c.rcvbuf = 65536;
	assert_int_equal(tcp_rcv_bufs_max(&r->c), 64);
	for (uint32_t i = 4; i < 64; i++)
		assert_int_equal(insert(r, 1000 + 2 * i, 1), 0);
	assert_int_equal(insert(r, 2000, 1), TCP_REASS_FULL);
	assert_int_equal(r->c.ooo_nb, 64);
	/* Buffers in the receive queue count against the same bound. */
	pull_and_check(r, 1001, 1001, 1001);           /* frees [1000, 1001) */
	assert_int_equal(r->c.ooo_nb, 63);
	assert_int_equal(insert(r, 2000, 1), 0);
	assert_int_equal(insert(r, 2002, 1), TCP_REASS_FULL);
}

/* A segment that continues a held one is copied into that one's free
 * room: a thousand one-byte segments in a row pin one buffer, and the
 * bytes come out right. A gap starts a buffer of its own. */
static void
test_coalesce_adjacent(void **state)
{
	struct rq *r = *state;
	uint64_t before = TT_STAT(r->t, rcv_coalesced);

	r->room = 1;
	r->c.rcv_nxt = 100;
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(insert(r, 200 + i, 1), 0);
	assert_int_equal(r->c.ooo_nb, 1);
	assert_int_equal(r->c.ooo_bytes, 1000);
	assert_int_equal(TT_STAT(r->t, rcv_coalesced) - before, 999);
	ptg_test_assert_mempool(r->mp, r->baseline + 1);
	assert_int_equal(insert(r, 1300, 1), 0);       /* after a gap */
	assert_int_equal(r->c.ooo_nb, 2);
	/* A duplicate inside changes nothing. */
	assert_int_equal(insert(r, 500, 10), 0);
	assert_queue(r, 2, (const uint32_t[][2]){ { 200, 1200 },
						  { 1300, 1301 } });
	pull_and_check(r, 200, 200, 1200);
}

/* Under the engine's memory pressure a segment that needs a buffer is
 * refused (TCP_REASS_PRESSURE); one that fits in a held buffer's room is
 * still taken. Pruning frees the highest buffers first. */
static void
test_pressure_and_prune(void **state)
{
	struct rq *r = *state;
	struct ptg_tcp *tcp = r->c.tcp;
	uint32_t saved = tcp->bufs_pressure_at;

	r->room = 1;
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(insert(r, 1000 + 10 * i, 5), 0);
	assert_int_equal(r->c.ooo_nb, 10);
	tcp->bufs_pressure_at = tcp->bufs_held;
	assert_int_equal(insert(r, 2000, 5), TCP_REASS_PRESSURE);
	assert_int_equal(insert(r, 1005, 5), 0);       /* into [1000, 1005) */
	tcp->bufs_pressure_at = saved;
	assert_int_equal(r->c.ooo_nb, 10);
	assert_int_equal(tcp_reass_prune(&r->c, 3), 3);
	assert_int_equal(TT_STAT(r->t, ooo_pruned), 3);
	assert_int_equal(r->c.ooo_nb, 7);
	assert_int_equal(r->c.ooo_bytes, 40);
	r->room = 0;
	assert_queue(r, 7, (const uint32_t[][2]){ { 1000, 1010 },
		{ 1010, 1015 }, { 1020, 1025 }, { 1030, 1035 },
		{ 1040, 1045 }, { 1050, 1055 }, { 1060, 1065 } });
	assert_int_equal(tcp_reass_prune(&r->c, 100), 7);
	assert_null(r->c.ooo);
}

/* ---- through the engine ------------------------------------------------- */

/* Segments 2, 4, 3, 5, then 1: each early one is held and answered with
 * an immediate duplicate ACK (RFC 5681 4.2); an overlapping retransmission
 * is trimmed; the last fills the hole and the service gets all the bytes,
 * in order, with one ACK for everything. */
static void
test_engine_reorder(void **state)
{
	struct tt *t = *state;
	const uint32_t isn = 5000;
	const unsigned int order[] = { 1, 3, 2, 4 };
	uint8_t data[5000];
	struct ptg_conn_info ci;
	struct ptg_test_pkt p;
	uint32_t iss = tt_open(t, isn, NULL);

	ptg_test_pattern(data, sizeof(data), 42);
	for (unsigned int i = 0; i < RTE_DIM(order); i++) {
		unsigned int k = order[i];

		tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + k * 1000,
			.ack = iss + 1, .flags = ACK,
			.payload = data + k * 1000, .len = 1000 });
		tt_pop(t, &p);
		assert_int_equal(p.tcp_flags, ACK);
		assert_int_equal(p.ack, isn + 1);
		tt_none(t);
	}
	/* Bytes 500-1499 again: half of it is held already. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + 500, .ack = iss + 1,
		.flags = ACK, .payload = data + 500, .len = 1000 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, isn + 1);
	assert_int_equal(TT_STAT(t, ooo_segs), 5);
	assert_int_equal(TT_STAT(t, ooo_bytes), 5000);
	assert_int_equal(TT_STAT(t, drop_ooo_full), 0);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.ooo_bytes, 4500);
	assert_int_equal(t->rec.rx_len, 0);

	/* Bytes 0-499: the hole fills. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1, .ack = iss + 1,
		.flags = ACK, .payload = data, .len = 500 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, isn + 5001);
	tt_none(t);
	assert_int_equal(t->rec.rx_len, 5000);
	assert_memory_equal(t->rec.rx, data, 5000);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.ooo_bytes, 0);
	assert_int_equal(ci.rcv_nxt, isn + 5001);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

/* Mbufs in use, less the frames the fake port keeps for inspection. */
static unsigned int
mbufs_held(const struct tt *t)
{
	return ptg_test_mempool_in_use(t->env->mp) - t->env->port.n;
}

/* A 1024-byte receive buffer pins at most 4 buffers: four out-of-order
 * one-byte segments with gaps between them fill it, the fifth is dropped
 * and counted in drop_ooo_full (and still gets its duplicate ACK); one
 * that continues a held segment is copied into it and needs no buffer;
 * once the holes fill, the peer's retransmissions get in. */
static void
test_engine_queue_limit(void **state)
{
	struct tt *t = *state;
	const uint32_t isn = 7000;
	uint8_t data[12];
	struct ptg_test_pkt p;
	uint32_t iss = tt_open(t, isn, NULL);
	unsigned int in_use;

	ptg_test_pattern(data, sizeof(data), 9);
	assert_int_equal(ptg_conn_set_rcvbuf(t->rec.conn, 1024), 0);
	in_use = mbufs_held(t);
	/* Bytes 2, 4, 6, 8; 0 missing, and every other one. */
	for (unsigned int i = 2; i <= 8; i += 2)
		tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + i,
			.ack = iss + 1, .flags = ACK, .payload = data + i,
			.len = 1 });
	tt_skip(t);
	assert_int_equal(TT_STAT(t, drop_ooo_full), 0);
	/* Each held byte costs a whole buffer: this is what the bound is
	 * for. */
	assert_int_equal(mbufs_held(t), in_use + 4);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + 10, .ack = iss + 1,
		.flags = ACK, .payload = data + 10, .len = 1 });
	assert_int_equal(TT_STAT(t, drop_ooo_full), 1);
	assert_int_equal(TT_STAT(t, ooo_segs), 5);
	tt_pop(t, &p);
	assert_int_equal(p.ack, isn + 1);
	assert_int_equal(mbufs_held(t), in_use + 4);
	/* Byte 3 continues byte 2's buffer. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + 3, .ack = iss + 1,
		.flags = ACK, .payload = data + 3, .len = 1 });
	assert_int_equal(TT_STAT(t, drop_ooo_full), 1);
	assert_int_equal(mbufs_held(t), in_use + 4);

	for (unsigned int i = 0; i < sizeof(data); i++)
		tt_rx(t, &(struct ptg_test_tcp){ .seq = isn + 1 + i,
			.ack = iss + 1, .flags = ACK, .payload = data + i,
			.len = 1 });
	assert_int_equal(t->rec.rx_len, sizeof(data));
	assert_memory_equal(t->rec.rx, data, sizeof(data));
	assert_int_equal(TT_STAT(t, drop_ooo_full), 1);
	assert_int_equal(mbufs_held(t), in_use);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_every_order,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_overlap_left_edge,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_overlap_right_edge,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_overlap_both_edges,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_full_duplicates,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_pull_trims_to_rcv_nxt,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_hole_filled_delivers_all,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_across_wrap,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_queue_limit,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_coalesce_adjacent,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_pressure_and_prune,
						rq_setup, rq_teardown),
		cmocka_unit_test_setup_teardown(test_engine_reorder,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_engine_queue_limit,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
