/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly: segments that arrive above RCV.NXT wait here, sorted and
 * trimmed so no byte is held twice, until the hole before them fills.
 * The receiver's SACK scoreboard is this queue: its blocks, the order in
 * which they were last reported, and the duplicate (D-SACK) range of the
 * segment being processed.
 *
 *   tcp_input() -> tcp_reass_insert()      (out of order, RFC 9293 3.10.7.4)
 *   tcp_input() -> tcp_reass_pull()        (RCV.NXT advanced)
 *   tcp_input() -> tcp_reass_dsack()       (bytes below RCV.NXT, RFC 2883)
 *   tcp_write_options() -> tcp_reass_sack_blocks()   (RFC 2018 4, RFC 2883 4)
 *
 * Each held mbuf is trimmed to its payload; its sequence number is kept in
 * m->hash.usr and its arrival stamp (c->ooo_stamp when it came, or when a
 * duplicate of it came) in m->hash.fdir.hi (the RX hash is dead by then).
 *
 * Recency: every out-of-order arrival is acknowledged at once (RFC 5681
 * 4.2) with the block holding it first (RFC 2018 4), so the newest stamp
 * of a block is the last time it was reported as the first block, which
 * is the order RFC 2018 4 asks the other blocks to be repeated in.
 */
#include "tcp_priv.h"

#define SEQ(m) ((m)->hash.usr)
#define END(m) (SEQ(m) + (m)->data_len)
#define STAMP(m) ((m)->hash.fdir.hi)

/* Stamps wrap like sequence numbers; held ones are never 2^31 apart. */
static inline int
stamp_newer(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/*
 * RFC 2883 4: a D-SACK block reports one contiguous duplicate range of
 * the segment that triggered the ACK: the first one found (ranges are
 * found in ascending order), extended while the next one continues it.
 * Only where the peer sent SACK-permitted (RFC 2018 2).
 */
void
tcp_reass_dsack(struct ptg_conn *c, uint32_t start, uint32_t end)
{
	if (!(c->flags & TF_SACK_OK) || !seq_lt(start, end))
		return;
	if (!(c->flags & TF_DSACK)) {
		c->flags |= TF_DSACK;
		c->dsack_start = start;
		c->dsack_end = end;
	} else if (start == c->dsack_end) {
		c->dsack_end = end;
	}
}

/* Bound on held segments, against a peer that sends one-byte segments
 * across the window (each one costs a whole mbuf). */
static uint32_t
ooo_max_segs(const struct ptg_conn *c)
{
	uint32_t n = c->rcvbuf / 512;

	return RTE_MAX(n, 64u);
}

static void
free_one(struct ptg_conn *c, struct rte_mbuf *m)
{
	c->ooo_bytes -= m->data_len;
	c->ooo_nb--;
	m->next = NULL;
	rte_pktmbuf_free_seg(m);
}

/* @m is single-segment with data at the payload; takes ownership.
 * Returns 0 if held or a duplicate, -1 if dropped for lack of room. */
int
tcp_reass_insert(struct ptg_conn *c, struct rte_mbuf *m, uint32_t seq,
		 uint32_t len)
{
	struct rte_mbuf **pp = &c->ooo;
	struct rte_mbuf *q;
	uint32_t end = seq + len;
	uint32_t stamp;

	if (c->ooo_nb >= ooo_max_segs(c)) {
		rte_pktmbuf_free(m);
		return -1;
	}
	stamp = ++c->ooo_stamp;
	while ((q = *pp) != NULL) {
		if (seq_leq(END(q), seq)) {
			pp = &q->next;
			continue;
		}
		if (seq_geq(SEQ(q), end))
			break;
		/* RFC 2883 4: what q holds of [seq, end) came twice. */
		tcp_reass_dsack(c, seq_max(SEQ(q), seq), seq_min(END(q), end));
		if (seq_leq(SEQ(q), seq) && seq_geq(END(q), end)) {
			/* All of it is held already. Its block still holds
			 * the segment that triggers this ACK (RFC 2018 4,
			 * RFC 2883 4 rule 4): it is the newest. */
			STAMP(q) = stamp;
			rte_pktmbuf_free(m);
			return 0;
		}
		if (seq_leq(SEQ(q), seq)) {
			/* Overlaps the tail of q: keep q's copy. */
			rte_pktmbuf_adj(m, END(q) - seq);
			seq = END(q);
			pp = &q->next;
			continue;
		}
		if (seq_leq(END(q), end)) {
			/* q lies inside the new segment: drop q. */
			*pp = q->next;
			free_one(c, q);
			continue;
		}
		/* Overlaps the head of q: cut ours short. */
		rte_pktmbuf_trim(m, end - SEQ(q));
		end = SEQ(q);
		break;
	}
	SEQ(m) = seq;
	STAMP(m) = stamp;
	m->next = *pp;
	*pp = m;
	c->ooo_bytes += m->data_len;
	c->ooo_nb++;
	return 0;
}

/* Move what RCV.NXT now reaches into the receive queue. */
void
tcp_reass_pull(struct ptg_conn *c)
{
	struct rte_mbuf *m;

	while ((m = c->ooo) != NULL && seq_leq(SEQ(m), c->rcv_nxt)) {
		c->ooo = m->next;
		/* The in-order segment just queued ran into held data:
		 * those bytes came twice (RFC 2883 4). */
		tcp_reass_dsack(c, SEQ(m), seq_min(END(m), c->rcv_nxt));
		if (seq_leq(END(m), c->rcv_nxt)) {
			free_one(c, m);
			continue;
		}
		c->ooo_bytes -= m->data_len;
		c->ooo_nb--;
		rte_pktmbuf_adj(m, c->rcv_nxt - SEQ(m));
		c->rcv_nxt += m->data_len;
		tcp_bufq_append_mbuf(&c->rcvq, m);
	}
}

void
tcp_reass_free(struct ptg_conn *c)
{
	while (c->ooo != NULL) {
		struct rte_mbuf *m = c->ooo;

		c->ooo = m->next;
		free_one(c, m);
	}
	c->ooo_bytes = 0;
	c->ooo_nb = 0;
}

/*
 * RFC 2018 4: the first block holds the segment that triggered the ACK
 * (unless it advanced RCV.NXT); the others repeat the most recently
 * reported blocks, none a subset of one already in the option, as many
 * as fit. Blocks are built from the queue, merged, so none is a subset of
 * another: they are picked by their newest stamp. RFC 2883 4: a pending
 * D-SACK block goes before all of them; when it lies above RCV.NXT the
 * block holding it is the newest and comes second (rule 4).
 */
unsigned int
tcp_reass_sack_blocks(const struct ptg_conn *c, uint32_t blocks[][2],
		      unsigned int max)
{
	uint32_t stamps[TCP_SACK_MAX_BLOCKS];
	unsigned int first = 0, nb = 0, cap;
	const struct rte_mbuf *m = c->ooo;

	if (max == 0)
		return 0;
	max = RTE_MIN(max, TCP_SACK_MAX_BLOCKS);
	if (c->flags & TF_DSACK) {
		blocks[0][0] = c->dsack_start;
		blocks[0][1] = c->dsack_end;
		first = 1;
	}
	cap = max - first;
	while (m != NULL && cap > 0) {
		uint32_t s = SEQ(m), e = END(m), st = STAMP(m);
		unsigned int i;

		for (m = m->next; m != NULL && SEQ(m) == e; m = m->next) {
			e = END(m);
			if (stamp_newer(STAMP(m), st))
				st = STAMP(m);
		}
		/* Keep the @cap newest, newest first. */
		if (nb == cap) {
			if (!stamp_newer(st, stamps[nb - 1]))
				continue;
			nb--;
		}
		for (i = nb++; i > 0 && stamp_newer(st, stamps[i - 1]); i--) {
			stamps[i] = stamps[i - 1];
			blocks[first + i][0] = blocks[first + i - 1][0];
			blocks[first + i][1] = blocks[first + i - 1][1];
		}
		stamps[i] = st;
		blocks[first + i][0] = s;
		blocks[first + i][1] = e;
	}
	return first + nb;
}
