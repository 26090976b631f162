/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly: segments that arrive above RCV.NXT wait here, sorted and
 * trimmed so no byte is held twice, until the hole before them fills.
 *
 *   tcp_input() -> tcp_reass_insert()      (out of order, RFC 9293 3.10.7.4)
 *   tcp_input() -> tcp_reass_pull()        (RCV.NXT advanced)
 *   tcp_write_options() -> tcp_reass_sack_blocks()   (RFC 2018 4)
 *
 * Each held mbuf is trimmed to its payload; its sequence number is kept in
 * m->hash.usr (the RSS hash is dead by then).
 */
#include "tcp_priv.h"

#define SEQ(m) ((m)->hash.usr)
#define END(m) (SEQ(m) + (m)->data_len)

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

	if (c->ooo_nb >= ooo_max_segs(c)) {
		rte_pktmbuf_free(m);
		return -1;
	}
	c->ooo_last = seq;
	while ((q = *pp) != NULL) {
		if (seq_leq(END(q), seq)) {
			pp = &q->next;
			continue;
		}
		if (seq_geq(SEQ(q), end))
			break;
		if (seq_leq(SEQ(q), seq) && seq_geq(END(q), end)) {
			rte_pktmbuf_free(m); /* all of it is held already */
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

/* RFC 2018 4: first the block holding the latest arrival, then the
 * others in sequence order. */
unsigned int
tcp_reass_sack_blocks(const struct ptg_conn *c, uint32_t blocks[][2],
		      unsigned int max)
{
	uint32_t all[TCP_SACK_MAX_BLOCKS + 8][2];
	unsigned int nb = 0, out = 0, first = 0;
	const struct rte_mbuf *m;

	for (m = c->ooo; m != NULL; m = m->next) {
		if (nb > 0 && SEQ(m) == all[nb - 1][1]) {
			all[nb - 1][1] = END(m);
			continue;
		}
		if (nb == RTE_DIM(all))
			break;
		all[nb][0] = SEQ(m);
		all[nb][1] = END(m);
		nb++;
	}
	for (unsigned int i = 0; i < nb; i++)
		if (seq_in(c->ooo_last, all[i][0], all[i][1]))
			first = i;
	if (nb == 0 || max == 0)
		return 0;
	blocks[out][0] = all[first][0];
	blocks[out][1] = all[first][1];
	out++;
	for (unsigned int i = 0; i < nb && out < max; i++) {
		if (i == first)
			continue;
		blocks[out][0] = all[i][0];
		blocks[out][1] = all[i][1];
		out++;
	}
	return out;
}
