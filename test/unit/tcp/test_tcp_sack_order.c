/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_reass.c as the receiver's SACK scoreboard: the order of the
 * SACK blocks (RFC 2018 4), D-SACK (RFC 2883 4), the option space they
 * take beside timestamps, and reassembly with overlaps. Every ACK is
 * checked on the wire: its number, its blocks in order, and the bytes the
 * service got.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

#define PEER_ISN 100u
#define B (PEER_ISN + 1)          /* the peer's first data byte */
#define STREAM 8192u

/* The peer's byte stream: byte at sequence B + i is stream[i]. */
static uint8_t stream[STREAM];

struct conn {
	struct tt *t;
	uint32_t iss;
	uint32_t isn;             /* the peer's */
	int ts;
	uint32_t tsval;           /* the peer's clock */
};

/* A connection with SACK (and timestamps if @ts) from peer ISN @isn. */
static void
open_sack_isn(struct conn *k, struct tt *t, int ts, uint32_t isn)
{
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460,
				       .sack_perm = 1, .has_ts = ts,
				       .tsval = 1000 };

	ptg_test_pattern(stream, sizeof(stream), 42);
	memset(k, 0, sizeof(*k));
	k->t = t;
	k->ts = ts;
	k->isn = isn;
	k->tsval = 1001;
	k->iss = tt_open(t, isn, &o);
	tt_none(t);
}

static void
open_sack(struct conn *k, struct tt *t, int ts)
{
	open_sack_isn(k, t, ts, PEER_ISN);
}

/* The peer sends [seq, seq + len) of the stream (seq relative to its
 * first byte: 0 is ISN + 1). */
static void
send_data(struct conn *k, uint32_t seq, uint32_t len)
{
	struct ptg_test_tcp s = { .seq = k->isn + 1 + seq, .ack = k->iss + 1,
				  .flags = ACK | PSH,
				  .payload = stream + seq, .len = len };

	assert_true(seq + len <= STREAM);
	if (k->ts) {
		struct ptg_test_tcp_opts o = { .has_ts = 1,
					       .tsval = ++k->tsval,
					       .tsecr = 1 };

		tt_rx_opts(k->t, s, &o);
	} else {
		tt_rx(k->t, &s);
	}
}

/* The next frame is a pure ACK of @ack (relative) with exactly the @nb
 * blocks in @blk (relative), in that order. */
static void
expect_ack(struct conn *k, uint32_t ack, unsigned int nb,
	   const uint32_t blk[][2])
{
	struct ptg_test_pkt p;

	tt_pop(k->t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.ack, k->isn + 1 + ack);
	assert_int_equal(p.opts.has_ts, k->ts);
	assert_int_equal(p.opts.nb_sack, nb);
	for (unsigned int i = 0; i < nb; i++) {
		assert_int_equal(p.opts.sack[i].left, k->isn + 1 + blk[i][0]);
		assert_int_equal(p.opts.sack[i].right, k->isn + 1 + blk[i][1]);
	}
}

#define ACK_BLOCKS(k, ack, ...) do { \
	const uint32_t blk_[][2] = { __VA_ARGS__ }; \
	expect_ack((k), (ack), RTE_DIM(blk_), blk_); \
} while (0)
#define ACK_PLAIN(k, ack) expect_ack((k), (ack), 0, NULL)

/* The service got exactly the first @n bytes of the stream. */
static void
assert_delivered(struct conn *k, size_t n)
{
	assert_int_equal(k->t->rec.rx_len, n);
	assert_memory_equal(k->t->rec.rx, stream, n);
}

/* RFC 5681 4.2: the ACK of a lone in-order segment waits for the 40 ms
 * delayed-ACK timer (the engine's default; its wheel ticks every 2^20 ns,
 * so it fires within two ticks after). */
static void
delayed_ack(struct conn *k, uint32_t ack)
{
	tt_none(k->t);
	tt_advance(k->t, PTG_TEST_MS(39));
	tt_none(k->t);
	tt_advance(k->t, PTG_TEST_MS(3));
	ACK_PLAIN(k, ack);
}

static void
finish(struct conn *k)
{
	tt_none(k->t);
	ptg_abort(k->t->rec.conn);
	tt_skip(k->t);
}

/* ---- RFC 2018 4: block order ------------------------------------------------- */

/* The case: 200:300, then 400:500, then 600:700. */
static void
test_order_three_blocks(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 0, { 200, 300 });
	send_data(&k, 400, 100);
	ACK_BLOCKS(&k, 0, { 400, 500 }, { 200, 300 });
	send_data(&k, 600, 100);
	ACK_BLOCKS(&k, 0, { 600, 700 }, { 400, 500 }, { 200, 300 });
	assert_delivered(&k, 0);
	finish(&k);
}

/* One to six holes, arriving lowest first: four blocks at most without
 * timestamps, the newest first. */
static void
test_order_one_to_six_holes(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 100, 100);
	ACK_BLOCKS(&k, 0, { 100, 200 });
	send_data(&k, 300, 100);
	ACK_BLOCKS(&k, 0, { 300, 400 }, { 100, 200 });
	send_data(&k, 500, 100);
	ACK_BLOCKS(&k, 0, { 500, 600 }, { 300, 400 }, { 100, 200 });
	send_data(&k, 700, 100);
	ACK_BLOCKS(&k, 0, { 700, 800 }, { 500, 600 }, { 300, 400 },
		   { 100, 200 });
	send_data(&k, 900, 100);
	ACK_BLOCKS(&k, 0, { 900, 1000 }, { 700, 800 }, { 500, 600 },
		   { 300, 400 });
	send_data(&k, 1100, 100);
	ACK_BLOCKS(&k, 0, { 1100, 1200 }, { 900, 1000 }, { 700, 800 },
		   { 500, 600 });
	/* The first hole fills: RCV.NXT moves, no block of its own; the
	 * rest keep their order. */
	send_data(&k, 0, 100);
	ACK_BLOCKS(&k, 200, { 1100, 1200 }, { 900, 1000 }, { 700, 800 },
		   { 500, 600 });
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 400, { 1100, 1200 }, { 900, 1000 }, { 700, 800 },
		   { 500, 600 });
	send_data(&k, 400, 100);
	ACK_BLOCKS(&k, 600, { 1100, 1200 }, { 900, 1000 }, { 700, 800 });
	assert_delivered(&k, 600);
	finish(&k);
}

/* The same with timestamps: three blocks fit. */
static void
test_order_one_to_six_holes_ts(void **state)
{
	struct conn k;

	open_sack(&k, *state, 1);
	send_data(&k, 100, 100);
	ACK_BLOCKS(&k, 0, { 100, 200 });
	send_data(&k, 300, 100);
	ACK_BLOCKS(&k, 0, { 300, 400 }, { 100, 200 });
	send_data(&k, 500, 100);
	ACK_BLOCKS(&k, 0, { 500, 600 }, { 300, 400 }, { 100, 200 });
	send_data(&k, 700, 100);
	ACK_BLOCKS(&k, 0, { 700, 800 }, { 500, 600 }, { 300, 400 });
	send_data(&k, 900, 100);
	ACK_BLOCKS(&k, 0, { 900, 1000 }, { 700, 800 }, { 500, 600 });
	send_data(&k, 1100, 100);
	ACK_BLOCKS(&k, 0, { 1100, 1200 }, { 900, 1000 }, { 700, 800 });
	send_data(&k, 0, 100);
	ACK_BLOCKS(&k, 200, { 1100, 1200 }, { 900, 1000 }, { 700, 800 });
	assert_delivered(&k, 200);
	finish(&k);
}

/* Arrivals in an order that is neither ascending nor descending: the
 * blocks follow the arrivals, not the sequence space. A block left out
 * of the option that gets new data is the newest again; blocks older
 * than the option's room come back, in their order, as the newer ones
 * are acknowledged. */
static void
test_order_recency_not_sequence(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 500, 100);
	send_data(&k, 1100, 100);
	send_data(&k, 300, 100);
	send_data(&k, 900, 100);
	send_data(&k, 100, 100);
	tt_skip(k.t);
	send_data(&k, 700, 100);
	ACK_BLOCKS(&k, 0, { 700, 800 }, { 100, 200 }, { 900, 1000 },
		   { 300, 400 });
	/* 1100:1200, left out, grows: first. */
	send_data(&k, 1200, 50);
	ACK_BLOCKS(&k, 0, { 1100, 1250 }, { 700, 800 }, { 100, 200 },
		   { 900, 1000 });
	/* Holes fill from below: what is acknowledged drops out, the rest
	 * keep their order, and 500:600 comes back last. */
	send_data(&k, 0, 100);
	ACK_BLOCKS(&k, 200, { 1100, 1250 }, { 700, 800 }, { 900, 1000 },
		   { 300, 400 });
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 400, { 1100, 1250 }, { 700, 800 }, { 900, 1000 },
		   { 500, 600 });
	assert_delivered(&k, 400);
	finish(&k);
}

/* A hole between two blocks fills: one block, reported first, and the
 * two it came from are not repeated (they are subsets of it). */
static void
test_order_merged_block_no_subset(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 200, 100);
	send_data(&k, 400, 100);
	send_data(&k, 600, 100);
	tt_skip(k.t);
	send_data(&k, 300, 100);
	ACK_BLOCKS(&k, 0, { 200, 500 }, { 600, 700 });
	send_data(&k, 500, 100);
	ACK_BLOCKS(&k, 0, { 200, 700 });
	send_data(&k, 0, 200);
	ACK_PLAIN(&k, 700);
	assert_delivered(&k, 700);
	finish(&k);
}

/* Sequence numbers wrap inside the held data. */
static void
test_order_wraparound(void **state)
{
	struct conn k;

	/* First data byte at 2^32 - 150: the blocks straddle zero. */
	open_sack_isn(&k, *state, 0, 0xffffffffu - 150);
	send_data(&k, 100, 100);
	ACK_BLOCKS(&k, 0, { 100, 200 });
	send_data(&k, 300, 100);
	ACK_BLOCKS(&k, 0, { 300, 400 }, { 100, 200 });
	send_data(&k, 500, 100);
	ACK_BLOCKS(&k, 0, { 500, 600 }, { 300, 400 }, { 100, 200 });
	send_data(&k, 200, 50);
	ACK_BLOCKS(&k, 0, { 100, 250 }, { 500, 600 }, { 300, 400 });
	send_data(&k, 0, 100);
	ACK_BLOCKS(&k, 250, { 500, 600 }, { 300, 400 });
	send_data(&k, 250, 50);
	ACK_BLOCKS(&k, 400, { 500, 600 });
	send_data(&k, 400, 100);
	ACK_PLAIN(&k, 600);
	assert_delivered(&k, 600);
	finish(&k);
}

/* ---- reassembly: every order of five segments ---------------------------------- */

/* Next permutation in lexicographic order; 0 after the last. */
static int
next_perm(unsigned int *a, unsigned int n)
{
	unsigned int i = n - 1, j = n - 1, tmp;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return 0;
	while (a[j] <= a[i - 1])
		j--;
	tmp = a[i - 1];
	a[i - 1] = a[j];
	a[j] = tmp;
	for (j = n - 1; i < j; i++, j--) {
		tmp = a[i];
		a[i] = a[j];
		a[j] = tmp;
	}
	return 1;
}

/*
 * Segments of 1, 2, 4, 8 and 16 bytes in all 120 orders, one order after
 * the other on one connection. After each: an ACK at once when the
 * segment is above RCV.NXT or fills (part of) a hole (RFC 5681 4.2), its
 * blocks the held runs, newest first (RFC 2018 4); none when in order
 * with no hole (the delayed ACK follows); the service has every in-order
 * byte, each once.
 */
static void
test_reassembly_all_permutations(void **state)
{
	static const uint32_t size[5] = { 1, 2, 4, 8, 16 };
	unsigned int order[5] = { 0, 1, 2, 3, 4 }, perms = 0;
	uint32_t base = 0;
	struct conn k;

	open_sack(&k, *state, 0);
	do {
		uint32_t off[5], arrived[5] = { 0 }, rcv = 0;
		int delayed = 0;

		for (unsigned int i = 0, o = 0; i < 5; o += size[i], i++)
			off[i] = o;
		for (unsigned int step = 0; step < 5; step++) {
			unsigned int s = order[step], held = 0;
			uint32_t blk[5][2], when[5];
			int above = off[s] != rcv, held_before = 0;

			for (unsigned int i = 0; i < 5; i++)
				held_before |= arrived[i] && off[i] > rcv;
			send_data(&k, base + off[s], size[s]);
			arrived[s] = step + 1;
			while (rcv < 31) {      /* RCV.NXT over what arrived */
				unsigned int i = 0;

				while (off[i] != rcv)
					i++;
				if (!arrived[i])
					break;
				rcv += size[i];
			}
			/* Held runs, with their newest arrival. */
			for (unsigned int i = 0; i < 5; i++) {
				if (!arrived[i] || off[i] < rcv)
					continue;
				if (held > 0 && blk[held - 1][1] == base + off[i]) {
					blk[held - 1][1] += size[i];
					when[held - 1] = RTE_MAX(when[held - 1],
								 arrived[i]);
					continue;
				}
				blk[held][0] = base + off[i];
				blk[held][1] = base + off[i] + size[i];
				when[held++] = arrived[i];
			}
			for (unsigned int i = 1; i < held; i++) { /* newest first */
				for (unsigned int j = i; j > 0 &&
				     when[j] > when[j - 1]; j--) {
					uint32_t w = when[j], b0 = blk[j][0],
						 b1 = blk[j][1];

					when[j] = when[j - 1];
					blk[j][0] = blk[j - 1][0];
					blk[j][1] = blk[j - 1][1];
					when[j - 1] = w;
					blk[j - 1][0] = b0;
					blk[j - 1][1] = b1;
				}
			}
			if (above || held_before) {
				expect_ack(&k, base + rcv, held, blk);
				delayed = 0;
			} else {
				tt_none(k.t);   /* in order, no hole: delayed */
				delayed = 1;
			}
			assert_delivered(&k, base + rcv);
		}
		if (delayed)
			delayed_ack(&k, base + 31);
		tt_none(k.t);
		base += 31;
		perms++;
	} while (next_perm(order, 5));
	assert_int_equal(perms, 120);
	assert_int_equal(TT_STAT(k.t, drop_ooo_full), 0);
	finish(&k);
}

/* ---- RFC 2883 4: D-SACK ------------------------------------------------------- */

/* Example 1: all of a segment below RCV.NXT; reported once. */
static void
test_dsack_below_rcv_nxt(void **state)
{
	struct conn k;
	uint64_t oow;

	open_sack(&k, *state, 0);
	send_data(&k, 0, 100);
	delayed_ack(&k, 100);
	oow = TT_STAT(k.t, drop_out_of_window);
	send_data(&k, 0, 100);
	ACK_BLOCKS(&k, 100, { 0, 100 });
	assert_int_equal(TT_STAT(k.t, drop_out_of_window), oow + 1);
	/* The next ACK does not repeat it. */
	send_data(&k, 100, 100);
	delayed_ack(&k, 200);
	/* Example 4: the old part of a segment with new data. */
	send_data(&k, 150, 100);
	ACK_BLOCKS(&k, 250, { 150, 200 });
	assert_delivered(&k, 250);
	finish(&k);
}

/* Example 2: a duplicate below RCV.NXT with data held: D-SACK first. */
static void
test_dsack_before_sack_blocks(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 0, 100);
	delayed_ack(&k, 100);
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 100, { 200, 300 });
	send_data(&k, 400, 100);
	ACK_BLOCKS(&k, 100, { 400, 500 }, { 200, 300 });
	send_data(&k, 50, 50);
	ACK_BLOCKS(&k, 100, { 50, 100 }, { 400, 500 }, { 200, 300 });
	/* Example 5: old bytes (60:100), the hole, held bytes (200:250):
	 * only the first duplicate range. */
	send_data(&k, 60, 190);
	ACK_BLOCKS(&k, 300, { 60, 100 }, { 400, 500 });
	assert_delivered(&k, 300);
	finish(&k);
}

/* Example 3 and the overlaps: a duplicate of held data, then segments
 * over both edges of a hole and across two holes. */
static void
test_dsack_overlaps(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 0, { 200, 300 });
	send_data(&k, 200, 100);
	ACK_BLOCKS(&k, 0, { 200, 300 }, { 200, 300 });
	send_data(&k, 150, 100);            /* the hole's right edge */
	ACK_BLOCKS(&k, 0, { 200, 250 }, { 150, 300 });
	send_data(&k, 250, 100);            /* the next hole's left edge */
	ACK_BLOCKS(&k, 0, { 250, 300 }, { 150, 350 });
	send_data(&k, 450, 100);
	ACK_BLOCKS(&k, 0, { 450, 550 }, { 150, 350 });
	send_data(&k, 300, 200);            /* both edges of 350:450 */
	ACK_BLOCKS(&k, 0, { 300, 350 }, { 150, 550 });
	send_data(&k, 650, 100);
	send_data(&k, 850, 100);
	tt_skip(k.t);
	send_data(&k, 500, 400);            /* across 550:650 and 750:850 */
	ACK_BLOCKS(&k, 0, { 500, 550 }, { 150, 950 });
	assert_delivered(&k, 0);
	/* RCV.NXT runs into held data: 150:200 came twice. */
	send_data(&k, 0, 200);
	ACK_BLOCKS(&k, 950, { 150, 200 });
	assert_delivered(&k, 950);
	finish(&k);
}

/* A duplicate that spans two held segments is one contiguous range. */
static void
test_dsack_contiguous_over_two_segments(void **state)
{
	struct conn k;

	open_sack(&k, *state, 0);
	send_data(&k, 200, 100);
	send_data(&k, 300, 100);
	send_data(&k, 600, 100);
	tt_skip(k.t);
	send_data(&k, 250, 100);
	ACK_BLOCKS(&k, 0, { 250, 350 }, { 200, 400 }, { 600, 700 });
	finish(&k);
}

/* With timestamps: D-SACK, its block, one more. */
static void
test_dsack_room_with_ts(void **state)
{
	struct conn k;

	open_sack(&k, *state, 1);
	send_data(&k, 100, 100);
	send_data(&k, 300, 100);
	send_data(&k, 500, 100);
	send_data(&k, 700, 100);
	tt_skip(k.t);
	send_data(&k, 100, 100);
	ACK_BLOCKS(&k, 0, { 100, 200 }, { 100, 200 }, { 700, 800 });
	send_data(&k, 900, 100);
	ACK_BLOCKS(&k, 0, { 900, 1000 }, { 100, 200 }, { 700, 800 });
	finish(&k);
}

/* No SACK-permitted from the peer: duplicates get a plain ACK. */
static void
test_dsack_needs_sack(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	uint32_t iss;

	ptg_test_pattern(stream, sizeof(stream), 42);
	iss = tt_open(t, PEER_ISN, NULL);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = B + 200, .ack = iss + 1,
		.flags = ACK, .payload = stream + 200, .len = 100 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, B);
	assert_int_equal(p.tcp_hlen, 20);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = B + 200, .ack = iss + 1,
		.flags = ACK, .payload = stream + 200, .len = 100 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_hlen, 20);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = B, .ack = iss + 1,
		.flags = ACK, .payload = stream, .len = 250 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, B + 300);
	assert_int_equal(p.tcp_hlen, 20);
	assert_int_equal(t->rec.rx_len, 300);
	assert_memory_equal(t->rec.rx, stream, 300);
	tt_none(t);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

/* A data segment that carries the D-SACK block has that much less
 * payload (RFC 9293 3.7.1: options count against the MSS); the next,
 * without it, is full-sized. */
static void
test_dsack_rides_on_data(void **state)
{
	struct conn k;
	struct ptg_test_pkt p;
	uint8_t out[3000];

	open_sack(&k, *state, 0);
	ptg_test_pattern(out, sizeof(out), 7);
	/* The peer's window closes; our data waits. */
	k.t->default_win = 0;
	send_data(&k, 0, 100);
	assert_int_equal(ptg_send(k.t->rec.conn, out, sizeof(out)),
			 (ssize_t)sizeof(out));
	delayed_ack(&k, 100);
	tt_none(k.t);
	/* Old and new bytes, and the window opens. */
	k.t->default_win = 65535;
	send_data(&k, 50, 100);
	tt_pop(k.t, &p);
	assert_int_equal(p.ack, B + 150);
	assert_int_equal(p.opts.nb_sack, 1);
	assert_int_equal(p.opts.sack[0].left, B + 50);
	assert_int_equal(p.opts.sack[0].right, B + 100);
	assert_int_equal(p.payload_len, 1460 - 12);
	assert_memory_equal(p.payload, out, 1460 - 12);
	tt_pop(k.t, &p);
	assert_int_equal(p.opts.nb_sack, 0);
	assert_int_equal(p.tcp_hlen, 20);
	assert_int_equal(p.payload_len, 1460);
	assert_memory_equal(p.payload, out + 1460 - 12, 1460);
	tt_skip(k.t);
	ptg_abort(k.t->rec.conn);
	tt_skip(k.t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_three_blocks, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_order_one_to_six_holes, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_order_one_to_six_holes_ts, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_order_recency_not_sequence, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_order_merged_block_no_subset, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_order_wraparound, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_reassembly_all_permutations, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_below_rcv_nxt, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_before_sack_blocks, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_overlaps, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_contiguous_over_two_segments, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_room_with_ts, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_needs_sack, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_rides_on_data, tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
