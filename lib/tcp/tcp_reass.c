/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly: segments that arrive above RCV.NXT wait here, sorted and
 * trimmed so no byte is held twice, until the hole before them fills.
 * The receiver's SACK scoreboard is this queue: its blocks, the order in
 * which they were last reported, and the duplicate (D-SACK) range of the
 * segment being processed.
 *
 *   tcp_input() -> tcp_reass_insert()      (out of order, RFC 9293 3.10.7.4)
 *   tcp_input() -> tcp_reass_prune()       (in-order data needs the room)
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
#include <string.h>

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

static void
free_one(struct ptg_conn *c, struct rte_mbuf *m)
{
	c->ooo_bytes -= m->data_len;
	c->ooo_nb--;
	c->tcp->bufs_held--;
	m->next = NULL;
	rte_pktmbuf_free_seg(m);
}

/*
 * @m is single-segment with data at the payload; takes ownership.
 * Returns 0 if held (in a buffer of its own, or copied into the held
 * segment it continues) or a duplicate; TCP_REASS_FULL when it needs a
 * buffer and the connection's receive side holds tcp_rcv_bufs_max();
 * TCP_REASS_PRESSURE when it needs one and the engine is under memory
 * pressure (out-of-order data is the first to go, RFC 2018 8 lets a
 * receiver discard it).
 */
int
tcp_reass_insert(struct ptg_conn *c, struct rte_mbuf *m, uint32_t seq,
		 uint32_t len)
{
	struct rte_mbuf **pp = &c->ooo;
	struct rte_mbuf *q, *prev = NULL;
	uint32_t end = seq + len;
	uint32_t stamp = ++c->ooo_stamp;

	while ((q = *pp) != NULL) {
		if (seq_leq(END(q), seq)) {
			prev = q;
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
			prev = q;
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
	if (prev != NULL && END(prev) == seq &&
	    m->data_len <= tcp_mbuf_room(prev)) {
		/* It continues a held segment with room to spare: copy. */
		memcpy(rte_pktmbuf_mtod_offset(prev, uint8_t *, prev->data_len),
		       rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		prev->data_len += m->data_len;
		prev->pkt_len = prev->data_len;
		c->ooo_bytes += m->data_len;
		STAMP(prev) = stamp;
		TCP_STAT(c->tcp, rcv_coalesced);
		rte_pktmbuf_free(m);
		return 0;
	}
	if (tcp_rcv_bufs(c) >= tcp_rcv_bufs_max(c)) {
		rte_pktmbuf_free(m);
		return TCP_REASS_FULL;
	}
	if (tcp_mem_pressure(c->tcp)) {
		rte_pktmbuf_free(m);
		return TCP_REASS_PRESSURE;
	}
	SEQ(m) = seq;
	STAMP(m) = stamp;
	m->next = *pp;
	*pp = m;
	c->ooo_bytes += m->data_len;
	c->ooo_nb++;
	c->tcp->bufs_held++;
	return 0;
}

/*
 * Free the @n highest held buffers (RFC 2018 8: the receiver may discard
 * data it reported in SACK blocks; the sender keeps it until it is
 * cumulatively acknowledged). Returns how many were freed.
 */
uint32_t
tcp_reass_prune(struct ptg_conn *c, uint32_t n)
{
	struct rte_mbuf **pp = &c->ooo;
	uint32_t keep, freed = 0;

	if (n == 0 || c->ooo_nb == 0)
		return 0;
	keep = c->ooo_nb > n ? c->ooo_nb - n : 0;
	for (uint32_t i = 0; i < keep; i++)
		pp = &(*pp)->next;
	while (*pp != NULL) {
		struct rte_mbuf *m = *pp;

		*pp = m->next;
		free_one(c, m);
		freed++;
	}
	TCP_STAT_ADD(c->tcp, ooo_pruned, freed);
	return freed;
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
		c->tcp->bufs_held--; /* charged again by the receive queue */
		rte_pktmbuf_adj(m, c->rcv_nxt - SEQ(m));
		c->rcv_nxt += m->data_len;
		tcp_bufq_append_mbuf(c->tcp, &c->rcvq, m);
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
