/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Steering set-up and the hand-off between workers (ptg_dataplane.h):
 * what this library's worker loop does to keep each flow on its owner,
 * offered to applications that run their own loops over lib/stack
 * (portgate-gen), so that both sides of a link steer alike.
 *
 *   ptg_dataplane_steer_setup() -> ptg_port_rss_key() -> ptg_steer_init()
 *                               -> ptg_port_set_reta()
 *   ptg_stack_rx() -> cfg.stray = ptg_dataplane_handoff_stray()
 *                  -> the owner's ring (MP/SC)
 *   ptg_dataplane_handoff_arp()   -> a copy to every other worker's ring
 *   ptg_dataplane_handoff_drain() -> ptg_stack_rx() (the owner's loop)
 *   ptg_dataplane_handoff_ring_free() -> what was never read: counted
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ptg_port.h"
#include "dataplane_priv.h"

int
ptg_dataplane_steer_setup(struct ptg_port *port, int use_rss,
			  const uint8_t drawn[PTG_STEER_KEY_LEN],
			  uint16_t workers, struct ptg_steer *s,
			  uint8_t *rx_hash_trusted, char *err, size_t errlen)
{
	uint8_t key[PTG_PORT_RSS_KEY_MAX], k40[PTG_STEER_KEY_LEN];
	unsigned int len = 0;
	uint16_t reta_size = 0;
	int rc;

	*rx_hash_trusted = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (use_rss) {
		len = ptg_port_rss_key(port, key);
		reta_size = ptg_port_reta_size(port);
	}
	/* The IPv4 4-tuple hash reads the key's first 16 bytes. */
	if (len >= 16 && reta_size > 0 && reta_size <= PTG_STEER_RETA_MAX &&
	    rte_is_power_of_2(reta_size)) {
		memset(k40, 0, sizeof(k40));
		memcpy(k40, key, RTE_MIN(len, (unsigned int)sizeof(k40)));
	} else {
		memcpy(k40, drawn, sizeof(k40));
		reta_size = 0;
	}
	if (ptg_steer_init(s, k40, reta_size, workers) != 0)
		return ptg_errf(err, errlen, -EINVAL, "steering table of %u "
				"entries refused", reta_size);
	if (reta_size == 0)
		return 0;
	rc = ptg_port_set_reta(port, s->reta, reta_size);
	if (rc != 0) {
		ptg_errf(err, errlen, 0, "the port's RSS table cannot be "
			 "programmed (%s): workers hand each other the "
			 "segments RSS puts on the wrong queue",
			 strerror(-rc));
		return 1;
	}
	*rx_hash_trusted = 1;
	return 0;
}

struct rte_ring *
ptg_dataplane_handoff_ring(const char *name, int socket)
{
	return rte_ring_create(name, DP_HANDOFF_RING_SIZE, socket,
			       RING_F_SC_DEQ);
}

void
ptg_dataplane_handoff_ring_free(struct rte_ring *r,
				struct ptg_dataplane_stats *st)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0) {
		if (st != NULL)
			st->drop_steer_unread++;
		rte_pktmbuf_free(m);
	}
	rte_ring_free(r);
}

/* A segment of another worker's flow (ptg_stack_rx()'s stray callback):
 * to its owner's ring, never treated as unknown here. */
void
ptg_dataplane_handoff_stray(void *arg, struct rte_mbuf *m, uint16_t owner)
{
	struct ptg_dataplane_handoff *h = arg;

	if (unlikely(owner >= h->nb_workers ||
		     rte_ring_mp_enqueue(h->rings[owner], m) != 0)) {
		h->stats->drop_steer_ring_full++;
		rte_pktmbuf_free(m);
		return;
	}
	h->stats->steer_out++;
}

/* Copy each ARP reply that passes ptg_net_arp_reply_shareable() to every
 * other worker: the reply to a request one worker sent may arrive on any
 * queue (RSS does not hash ARP). */
void
ptg_dataplane_handoff_arp(const struct ptg_dataplane_handoff *h,
			  struct rte_mbuf **pkts, uint16_t n)
{
	struct ptg_dataplane_stats *st = h->stats;
	uint16_t i, j;

	if (h->nb_workers < 2)
		return;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		/* Anything else, a bad reply included, stays here (and the
		 * stack counts why a bad one is dropped). */
		if (!ptg_net_arp_reply_shareable(h->net, m))
			continue;
		for (j = 0; j < h->nb_workers; j++) {
			struct rte_mbuf *c;

			if (j == h->self)
				continue;
			c = rte_pktmbuf_copy(m, h->mp, 0, UINT32_MAX);
			if (c == NULL) {
				st->drop_arp_fwd_nombuf++;
				continue;
			}
			if (rte_ring_mp_enqueue(h->rings[j], c) != 0) {
				rte_pktmbuf_free(c);
				st->drop_arp_fwd_ring_full++;
				continue;
			}
			st->arp_fwd_tx++;
		}
	}
}

/* What other workers handed over: ARP replies and our flows' segments. */
unsigned int
ptg_dataplane_handoff_drain(const struct ptg_dataplane_handoff *h,
			    struct ptg_stack *stack, uint64_t now)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	unsigned int n, i;

	if (h->nb_workers < 2)
		return 0;
	n = rte_ring_sc_dequeue_burst(h->rings[h->self], (void **)pkts,
				      DP_RX_BURST, NULL);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth =
			rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);

		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
			h->stats->arp_fwd_rx++;
		else
			h->stats->steer_in++;
	}
	ptg_stack_rx(stack, pkts, (uint16_t)n, now);
	return n;
}
