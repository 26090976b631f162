/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_sack.c: the sender's SACK scoreboard (RFC 2018, RFC 6675):
 * recording blocks from ACKs, merging, blocks below SND.UNA or above
 * SND.MAX, IsLost(), NextSeg() rule 1, SetPipe(), and the reset on RTO.
 * The receiver's side (which blocks we send) is tested elsewhere.
 *
 * HighRxt convention: the engine keeps c->high_rxt as the first octet NOT
 * yet retransmitted (tcp_output.c sets it to seq + len), so RFC 6675's
 * "octet <= HighRxt" reads "octet < c->high_rxt" here.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define MSS 1000

static void
conn_init(struct ptg_conn *c, uint32_t una, uint32_t max)
{
	memset(c, 0, sizeof(*c));
	c->mss = MSS;
	c->snd_una = una;
	c->snd_nxt = max;
	c->snd_max = max;
	c->high_rxt = una;
}

/* One ACK carrying @n SACK blocks {start, end}; returns what
 * tcp_sack_update() returns (octets newly SACKed). */
static uint32_t
ack_sack(struct ptg_conn *c, unsigned int n, const uint32_t (*b)[2])
{
	struct tcp_opts o;

	memset(&o, 0, sizeof(o));
	assert_true(n <= TCP_SACK_MAX_BLOCKS);
	o.nb_sack = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++) {
		o.sack[i][0] = b[i][0];
		o.sack[i][1] = b[i][1];
	}
	return tcp_sack_update(c, &o);
}

static uint32_t
ack1(struct ptg_conn *c, uint32_t s, uint32_t e)
{
	const uint32_t b[1][2] = { { s, e } };

	return ack_sack(c, 1, b);
}

/* The scoreboard is exactly @n ranges @r. */
static void
assert_board(const struct ptg_conn *c, unsigned int n, const uint32_t (*r)[2])
{
	assert_int_equal(c->sack_nb, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(c->sack[i].start, r[i][0]);
		assert_int_equal(c->sack[i].end, r[i][1]);
	}
}

/* Blocks are kept sorted and disjoint; the return value counts only
 * octets not SACKed before (what makes a SACK ACK a duplicate). */
static void
test_record_sorted(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_init(&c, 1000, 11000);
	assert_int_equal(ack1(&c, 5000, 6000), 1000);
	assert_int_equal(ack1(&c, 3000, 4000), 1000);
	assert_int_equal(ack1(&c, 8000, 9000), 1000);
	assert_board(&c, 3, (const uint32_t[][2]){ { 3000, 4000 },
		{ 5000, 6000 }, { 8000, 9000 } });
	assert_int_equal(tcp_sack_highest(&c), 9000);
	/* The same block again: nothing new. */
	assert_int_equal(ack1(&c, 5000, 6000), 0);
	assert_int_equal(c.sack_nb, 3);
	/* Several blocks in one ACK, in any order (RFC 2018 4 puts the
	 * latest first). */
	assert_int_equal(ack_sack(&c, 3, (const uint32_t[][2]){
		{ 10000, 10500 }, { 1500, 2000 }, { 6500, 7000 } }), 1500);
	assert_board(&c, 6, (const uint32_t[][2]){ { 1500, 2000 },
		{ 3000, 4000 }, { 5000, 6000 }, { 6500, 7000 },
		{ 8000, 9000 }, { 10000, 10500 } });
	assert_int_equal(tcp_sack_highest(&c), 10500);
	tcp_sack_clear(&c);
	assert_int_equal(c.sack_nb, 0);
	assert_int_equal(tcp_sack_highest(&c), 1000); /* SND.UNA */
}

/* Overlapping and touching blocks merge into one range. */
static void
test_merge_overlapping(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_init(&c, 1000, 11000);
	ack_sack(&c, 3, (const uint32_t[][2]){ { 3000, 4000 }, { 5000, 6000 },
					       { 8000, 9000 } });
	/* Bridges the first two: only [4000, 5000) is new. */
	assert_int_equal(ack1(&c, 3500, 5500), 1000);
	assert_board(&c, 2, (const uint32_t[][2]){ { 3000, 6000 },
						   { 8000, 9000 } });
	/* Touching at either edge merges too. */
	assert_int_equal(ack1(&c, 6000, 7000), 1000);
	assert_int_equal(ack1(&c, 2000, 3000), 1000);
	assert_board(&c, 2, (const uint32_t[][2]){ { 2000, 7000 },
						   { 8000, 9000 } });
	/* Inside an existing range: nothing new. */
	assert_int_equal(ack1(&c, 2500, 6500), 0);
	/* Overlapping the right edge of the last range. */
	assert_int_equal(ack1(&c, 8500, 9500), 500);
	/* One block over everything. */
	assert_int_equal(ack1(&c, 1500, 10000), 500 + 1000 + 500);
	assert_board(&c, 1, (const uint32_t[][2]){ { 1500, 10000 } });
	/* Two blocks in the same ACK that overlap each other. */
	conn_init(&c, 1000, 11000);
	assert_int_equal(ack_sack(&c, 2, (const uint32_t[][2]){
		{ 4000, 6000 }, { 5000, 7000 } }), 3000);
	assert_board(&c, 1, (const uint32_t[][2]){ { 4000, 7000 } });
}

/* RFC 2883 D-SACK blocks (at or below SND.UNA), blocks past SND.MAX and
 * empty or inverted blocks are not recorded; a block straddling SND.UNA
 * keeps its part above. */
static void
test_blocks_outside_ignored(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_init(&c, 1000, 11000);
	assert_int_equal(ack1(&c, 500, 1000), 0);     /* D-SACK */
	assert_int_equal(ack1(&c, 0, 900), 0);
	assert_int_equal(ack1(&c, 10500, 11001), 0);  /* past SND.MAX */
	assert_int_equal(ack1(&c, 12000, 13000), 0);
	assert_int_equal(ack1(&c, 5000, 5000), 0);    /* empty */
	assert_int_equal(ack1(&c, 6000, 5000), 0);    /* inverted */
	assert_int_equal(c.sack_nb, 0);
	assert_int_equal(ack1(&c, 800, 1500), 500);   /* straddles SND.UNA */
	assert_board(&c, 1, (const uint32_t[][2]){ { 1000, 1500 } });
	assert_int_equal(ack1(&c, 10000, 11000), 1000); /* up to SND.MAX */
	/* A D-SACK first, then a valid block, in one ACK (RFC 2883 4). */
	assert_int_equal(ack_sack(&c, 2, (const uint32_t[][2]){
		{ 200, 400 }, { 3000, 3500 } }), 500);
	assert_board(&c, 3, (const uint32_t[][2]){ { 1000, 1500 },
		{ 3000, 3500 }, { 10000, 11000 } });

	/* SND.UNA moves: ranges below go, a range it cuts is trimmed. */
	c.snd_una = 3200;
	assert_int_equal(ack_sack(&c, 0, NULL), 0);
	assert_board(&c, 2, (const uint32_t[][2]){ { 3200, 3500 },
						   { 10000, 11000 } });
	c.snd_una = 3500;
	assert_int_equal(ack_sack(&c, 0, NULL), 0);
	assert_board(&c, 1, (const uint32_t[][2]){ { 10000, 11000 } });
}

/* The same bookkeeping with SND.UNA just below 2^32. */
static void
test_record_across_wrap(void **state)
{
	const uint32_t una = 0xfffff000u;
	struct ptg_conn c;

	(void)state;
	conn_init(&c, una, una + 10000);             /* 0x1710 */
	assert_int_equal(ack1(&c, 0x200, 0x600), 0x400);
	assert_int_equal(ack1(&c, 0xfffff800u, 0xfffffc00u), 0x400);
	assert_int_equal(ack1(&c, 0xfffffe00u, 0x100), 0x300);
	assert_board(&c, 3, (const uint32_t[][2]){
		{ 0xfffff800u, 0xfffffc00u }, { 0xfffffe00u, 0x100 },
		{ 0x200, 0x600 } });
	assert_int_equal(tcp_sack_highest(&c), 0x600);
	/* Merge across 2^32. */
	assert_int_equal(ack1(&c, 0xfffffc00u, 0x200), 0x200 + 0x100);
	assert_board(&c, 1, (const uint32_t[][2]){ { 0xfffff800u, 0x600 } });
	/* D-SACK below a SND.UNA that is below 2^32, from above 2^32: no. */
	assert_int_equal(ack1(&c, 0xffffe000u, 0xfffff000u), 0);
	assert_int_equal(ack1(&c, 0x1700, 0x1800), 0); /* past SND.MAX */
	/* SND.UNA crosses 2^32. */
	c.snd_una = 0x100;
	assert_int_equal(ack_sack(&c, 0, NULL), 0);
	assert_board(&c, 1, (const uint32_t[][2]){ { 0x100, 0x600 } });
}

/* Sixteen ranges fill the scoreboard: a seventeenth above them all is
 * forgotten, one below them pushes the highest out (RFC 6675 5: SACK
 * information is advisory); merging never needs room. */
static void
test_scoreboard_full(void **state)
{
	struct ptg_conn c;
	uint32_t r[TCP_SCOREBOARD_MAX][2];

	(void)state;
	conn_init(&c, 0, 100000);
	for (unsigned int i = 0; i < TCP_SCOREBOARD_MAX; i++) {
		r[i][0] = 2000 + i * 2000;
		r[i][1] = r[i][0] + 1000;
		assert_int_equal(ack1(&c, r[i][0], r[i][1]), 1000);
	}
	assert_board(&c, TCP_SCOREBOARD_MAX, (const uint32_t(*)[2])r);
	assert_int_equal(ack1(&c, 50000, 51000), 0);
	assert_board(&c, TCP_SCOREBOARD_MAX, (const uint32_t(*)[2])r);
	/* Below all: kept, the highest [32000, 33000) dropped (the count
	 * of new octets is net of what was forgotten). */
	assert_int_equal(ack1(&c, 500, 1000), 0);
	assert_int_equal(c.sack_nb, TCP_SCOREBOARD_MAX);
	assert_int_equal(c.sack[0].start, 500);
	assert_int_equal(c.sack[0].end, 1000);
	assert_int_equal(c.sack[TCP_SCOREBOARD_MAX - 1].end, 31000);
	/* Bridging two ranges when full frees a slot. */
	assert_int_equal(ack1(&c, 3000, 4000), 1000);
	assert_int_equal(c.sack_nb, TCP_SCOREBOARD_MAX - 1);
	assert_int_equal(c.sack[1].start, 2000);
	assert_int_equal(c.sack[1].end, 5000);
}

/* RFC 6675 4 IsLost(): DupThresh (3) discontiguous SACKed ranges above
 * the octet, or more than (DupThresh - 1) * SMSS SACKed octets above it. */
static void
test_is_lost(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_init(&c, 1000, 20000);
	assert_false(tcp_sack_is_lost(&c, 1000)); /* nothing SACKed */
	/* 2 * SMSS above: not yet. */
	ack1(&c, 3000, 5000);
	assert_false(tcp_sack_is_lost(&c, 1000));
	assert_false(tcp_sack_is_lost(&c, 2999));
	/* One octet more: lost. */
	ack1(&c, 5000, 5001);
	assert_true(tcp_sack_is_lost(&c, 1000));
	assert_true(tcp_sack_is_lost(&c, 2999));
	assert_false(tcp_sack_is_lost(&c, 5001)); /* nothing above it */

	/* Three small discontiguous ranges: lost by count. */
	conn_init(&c, 1000, 20000);
	ack_sack(&c, 2, (const uint32_t[][2]){ { 2000, 2001 }, { 3000, 3001 } });
	assert_false(tcp_sack_is_lost(&c, 1000));
	ack1(&c, 4000, 4001);
	assert_true(tcp_sack_is_lost(&c, 1000));
	assert_true(tcp_sack_is_lost(&c, 1999));
	assert_false(tcp_sack_is_lost(&c, 2500)); /* two ranges above */
	/* Merging two of them brings the count back below three. */
	ack1(&c, 2001, 3000);
	assert_int_equal(c.sack_nb, 2);
	assert_false(tcp_sack_is_lost(&c, 1000));
}

/*
 * A window of ten 1000-byte segments [1000, 11000) of which 2, 4, 6 and 8
 * (counting from 1) were SACKed:
 *
 *   1000 2000 3000 4000 5000 6000 7000 8000 9000     11000
 *   | h1 |SACK| h2 |SACK| h3 |SACK| h4 |SACK|  tail  |
 *
 * h1 has 4 ranges above (lost), h2 3 (lost), h3 2 ranges and 2000 octets
 * (not lost), h4 1 range (not lost).
 */
static void
four_sacked(struct ptg_conn *c)
{
	conn_init(c, 1000, 11000);
	ack_sack(c, 4, (const uint32_t[][2]){ { 8000, 9000 }, { 6000, 7000 },
		{ 4000, 5000 }, { 2000, 3000 } });
	assert_int_equal(c->sack_nb, 4);
}

/* RFC 6675 4 NextSeg() rule 1: the first lost hole octet not yet
 * retransmitted, below the highest SACKed octet, at most SMSS of it. */
static void
test_next_seg(void **state)
{
	struct ptg_conn c;
	uint32_t seq = 0, len = 0;

	(void)state;
	four_sacked(&c);
	assert_true(tcp_sack_next_hole(&c, &seq, &len));
	assert_int_equal(seq, 1000);
	assert_int_equal(len, 1000);
	c.high_rxt = 2000;                        /* h1 resent */
	assert_true(tcp_sack_next_hole(&c, &seq, &len));
	assert_int_equal(seq, 3000);
	assert_int_equal(len, 1000);
	c.high_rxt = 3400;                        /* part of h2 resent */
	assert_true(tcp_sack_next_hole(&c, &seq, &len));
	assert_int_equal(seq, 3400);
	assert_int_equal(len, 600);
	c.high_rxt = 4000;                        /* h3, h4 are not lost */
	assert_false(tcp_sack_next_hole(&c, &seq, &len));

	/* A lost hole longer than SMSS is handed out SMSS at a time. */
	conn_init(&c, 1000, 20000);
	ack1(&c, 5000, 8001);
	assert_true(tcp_sack_next_hole(&c, &seq, &len));
	assert_int_equal(seq, 1000);
	assert_int_equal(len, MSS);
	c.high_rxt = 4500;
	assert_true(tcp_sack_next_hole(&c, &seq, &len));
	assert_int_equal(seq, 4500);
	assert_int_equal(len, 500);
	/* Nothing SACKed: rule 1 has nothing (the tail is not below the
	 * highest SACKed octet). */
	tcp_sack_clear(&c);
	c.high_rxt = c.snd_una;
	assert_false(tcp_sack_next_hole(&c, &seq, &len));
}

/* RFC 6675 4 SetPipe(): each un-SACKed octet counts once unless lost, and
 * once more if retransmitted. */
static void
test_pipe(void **state)
{
	struct ptg_conn c;

	(void)state;
	four_sacked(&c);
	/* Not lost: h3 (1000) + h4 (1000) + tail (2000). */
	assert_int_equal(tcp_sack_pipe(&c), 4000);
	c.high_rxt = 2000;                        /* h1 resent */
	assert_int_equal(tcp_sack_pipe(&c), 5000);
	c.high_rxt = 4000;                        /* and h2 */
	assert_int_equal(tcp_sack_pipe(&c), 6000);
	c.high_rxt = 5500;                        /* half of h3 too */
	assert_int_equal(tcp_sack_pipe(&c), 6500);
	/* Without SACK information pipe is the flight. */
	tcp_sack_clear(&c);
	c.high_rxt = c.snd_una;
	assert_int_equal(tcp_sack_pipe(&c), 10000);
	assert_int_equal(tcp_sack_pipe(&c), tcp_flight(&c));
}

/* ---- against an octet-by-octet model of RFC 6675 4 ---------------------- */

#define MODEL_SPAN 240   /* octets between SND.UNA and SND.MAX */
#define MODEL_MSS 10

static uint32_t lcg_state;

static uint32_t
lcg(uint32_t n)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (lcg_state >> 8) % n;
}

/* Octet offset i (from SND.UNA) is SACKed. */
static int
model_sacked(const uint8_t *map, int i)
{
	return i >= 0 && i < MODEL_SPAN && map[i];
}

/* lost[i] = IsLost(octet i) by its definition: count the runs of SACKed
 * octets that have an octet above i, and the SACKed octets above i. */
static void
model_is_lost(const uint8_t *map, uint8_t *lost)
{
	unsigned int runs = 0, bytes = 0;

	for (int i = MODEL_SPAN - 1; i >= 0; i--) {
		lost[i] = runs >= TCP_DUPTHRESH ||
			  bytes > (TCP_DUPTHRESH - 1) * MODEL_MSS;
		if (map[i]) {
			bytes++;
			if (!model_sacked(map, i + 1))
				runs++;
		}
	}
}

/* The scoreboard holds the maximal runs of @map; returns where the last
 * one ends (0 if none). */
static int
assert_board_is_map(const struct ptg_conn *c, uint32_t una, const uint8_t *map)
{
	unsigned int r = 0;
	int highest = 0;

	for (int i = 0; i < MODEL_SPAN; i++) {
		int e = i;

		if (!map[i] || model_sacked(map, i - 1))
			continue;
		while (model_sacked(map, e))
			e++;
		assert_true(r < c->sack_nb);
		assert_int_equal(c->sack[r].start, una + (uint32_t)i);
		assert_int_equal(c->sack[r].end, una + (uint32_t)e);
		r++;
		highest = e;
	}
	assert_int_equal(r, c->sack_nb);
	return highest;
}

/* One random ACK of 1-4 blocks, some below SND.UNA or past SND.MAX;
 * @map gets the octets it SACKs. */
static void
model_ack(struct ptg_conn *c, uint32_t una, uint8_t *map)
{
	uint32_t b[TCP_SACK_MAX_BLOCKS][2];
	unsigned int n = 1 + lcg(TCP_SACK_MAX_BLOCKS);
	unsigned int before = 0, after = 0;
	int i;

	for (i = 0; i < MODEL_SPAN; i++)
		before += map[i];
	for (unsigned int k = 0; k < n; k++) {
		int s = (int)lcg(MODEL_SPAN + 20) - 20;
		int e = s + 1 + (int)lcg(30);

		b[k][0] = una + (uint32_t)s;
		b[k][1] = una + (uint32_t)e;
		if (e <= 0 || e > MODEL_SPAN)
			continue; /* not to be recorded */
		for (i = RTE_MAX(s, 0); i < e; i++)
			map[i] = 1;
	}
	for (i = 0; i < MODEL_SPAN; i++)
		after += map[i];
	assert_int_equal(ack_sack(c, n, (const uint32_t(*)[2])b),
			 after - before);
}

/* Random ACKs against a SND.UNA far from and near 2^32: the scoreboard
 * must equal the union of the valid blocks, the return value the octets
 * new to it, and IsLost()/SetPipe()/NextSeg() their octet-by-octet
 * definitions in RFC 6675 4. */
static void
test_against_octet_model(void **state)
{
	const uint32_t bases[] = { 1000, 0xffffff90u };

	(void)state;
	lcg_state = 12345;
	for (unsigned int round = 0; round < 400; round++) {
		uint32_t una = bases[round % 2];
		uint8_t map[MODEL_SPAN] = { 0 }, lost[MODEL_SPAN];
		unsigned int nb_acks = 1 + lcg(4);
		struct ptg_conn c;
		int highest, i;

		conn_init(&c, una, una + MODEL_SPAN);
		c.mss = MODEL_MSS;
		/* At most 4 x 4 blocks: never more than 16 ranges. */
		for (unsigned int a = 0; a < nb_acks; a++)
			model_ack(&c, una, map);
		highest = assert_board_is_map(&c, una, map);
		assert_int_equal(tcp_sack_highest(&c), una + (uint32_t)highest);

		model_is_lost(map, lost);
		for (i = 0; i < MODEL_SPAN; i++)
			if (!map[i])
				assert_int_equal(tcp_sack_is_lost(&c,
					una + (uint32_t)i) != 0, lost[i]);

		for (unsigned int h = 0; h < 4; h++) {
			int rxt = h == 0 ? 0 : (int)lcg(MODEL_SPAN + 1);
			unsigned int pipe = 0;
			int next = -1;
			uint32_t seq, len;

			c.high_rxt = una + (uint32_t)rxt;
			for (i = 0; i < MODEL_SPAN; i++) {
				if (map[i])
					continue;
				pipe += !lost[i];      /* (a) */
				pipe += i < rxt;       /* (b) */
				if (next < 0 && i >= rxt && i < highest &&
				    lost[i])
					next = i;      /* rule 1 */
			}
			assert_int_equal(tcp_sack_pipe(&c), pipe);
			if (next < 0) {
				assert_false(tcp_sack_next_hole(&c, &seq, &len));
				continue;
			}
			assert_true(tcp_sack_next_hole(&c, &seq, &len));
			assert_int_equal(seq, una + (uint32_t)next);
			for (i = next; !map[i] && i - next < MODEL_MSS; i++)
				;
			assert_int_equal(len, (uint32_t)(i - next));
		}
	}
}

/* ---- through the engine: the scoreboard is reset on RTO ------------------ */

/* RFC 6675 5.1 / RFC 2018 8: after a retransmission timeout the sender
 * forgets what the peer SACKed (the receiver may have reneged) and starts
 * over from SND.UNA. */
static void
test_reset_on_rto(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460,
				       .sack_perm = 1 };
	uint32_t iss = tt_open(t, 100, &o);
	struct ptg_conn *c = tcp_conn_of(t->rec.conn); /* the block */
	uint8_t buf[5 * 1460];
	struct ptg_test_pkt p;
	unsigned int n = 0;

	ptg_test_pattern(buf, sizeof(buf), 3);
	assert_int_equal(ptg_send(t->rec.conn, buf, sizeof(buf)),
			 (int)sizeof(buf));
	while (tt_pending(t) > 0) {
		tt_pop(t, &p);
		n++;
	}
	assert_int_equal(n, 5);
	/* The peer got segments 3-5 only: one SACK ACK makes segment 1 lost
	 * (4380 octets SACKed above it) and starts SACK recovery. */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
		.flags = ACK }, &(struct ptg_test_tcp_opts){ .nb_sack = 1,
		.sack = { { iss + 1 + 2920, iss + 1 + 7300 } } });
	assert_int_equal(TT_STAT(t, fast_retransmits), 1);
	assert_int_equal(c->sack_nb, 1);
	assert_int_equal(c->sack[0].start, iss + 1 + 2920);
	assert_int_equal(c->sack[0].end, iss + 1 + 7300);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);         /* segment 1 again */
	assert_int_equal(p.payload_len, 1460);
	tt_skip(t);
	assert_true(c->flags & TF_IN_RECOVERY);

	/* Nothing more from the peer: the RTO fires. */
	for (int i = 0; i < 300 && TT_STAT(t, rto_fired) == 0; i++)
		tt_advance(t, PTG_TEST_MS(10));
	assert_int_equal(TT_STAT(t, rto_fired), 1);
	assert_int_equal(c->sack_nb, 0);
	assert_int_equal(c->high_rxt, iss + 1);
	assert_int_equal(tcp_sack_highest(c), iss + 1);
	assert_false(c->flags & TF_IN_RECOVERY);
	assert_int_equal(c->cwnd, 1460);
	tt_pop(t, &p);                            /* one segment: cwnd 1 */
	assert_int_equal(p.seq, iss + 1);
	assert_int_equal(p.payload_len, 1460);
	assert_memory_equal(p.payload, buf, 1460);
	tt_none(t);
	/* The next ACK's blocks are counted as new again. */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = iss + 1461,
		.flags = ACK }, &(struct ptg_test_tcp_opts){ .nb_sack = 1,
		.sack = { { iss + 1 + 2920, iss + 1 + 4380 } } });
	assert_int_equal(c->sack_nb, 1);
	assert_int_equal(c->sack[0].start, iss + 1 + 2920);
	assert_int_equal(c->sack[0].end, iss + 1 + 4380);
	ptg_abort(c);
	tt_skip(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_sorted),
		cmocka_unit_test(test_merge_overlapping),
		cmocka_unit_test(test_blocks_outside_ignored),
		cmocka_unit_test(test_record_across_wrap),
		cmocka_unit_test(test_scoreboard_full),
		cmocka_unit_test(test_is_lost),
		cmocka_unit_test(test_next_seg),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_against_octet_model),
		cmocka_unit_test_setup_teardown(test_reset_on_rto,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
