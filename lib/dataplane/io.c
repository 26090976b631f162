/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline mode: the I/O loop on the main lcore, for devices without
 * usable RSS (af_packet, tap, single-queue virtio).
 *
 * dp_io_loop()
 *   loop:
 *   -> rte_eth_rx_burst(each RX queue) -> steer(): ptg_steer_owner() (the
 *      hash a
 *      NIC would compute, stored in m->hash.rss for the worker)
 *        TCP of worker w        -> its rx ring
 *        ARP reply (checked)    -> a copy to every worker
 *        anything else          -> worker 0 (ARP requests, ICMP, drops)
 *   -> each worker's tx ring -> rte_eth_tx_burst(queue 0)
 *   -> ends once every worker is done, after a last TX drain
 *
 * The rings are single-producer/single-consumer: this lcore is the only
 * producer of the rx rings and the only consumer of the tx rings. A full
 * ring is a counted drop (drop_steer_ring_full), never a wait.
 */
#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dataplane_priv.h"

/* Frames per worker gathered from one RX burst before enqueueing. */
struct io_batch {
	struct rte_mbuf *m[DP_RX_BURST * 2];
	unsigned int n;
};

static void
batch_add(struct ptg_dataplane *dp, struct io_batch *b, uint16_t w,
	  struct rte_mbuf *m)
{
	if (unlikely(b[w].n == RTE_DIM(b[w].m))) {
		dp->io->stats.drop_steer_ring_full++;
		rte_pktmbuf_free(m);
		return;
	}
	b[w].m[b[w].n++] = m;
}

/* An ARP reply every worker may learn from goes to all of them. */
static void
share_arp(struct ptg_dataplane *dp, struct io_batch *b, struct rte_mbuf *m)
{
	struct dp_io *io = dp->io;
	uint16_t w;

	for (w = 1; w < dp->nb_workers; w++) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, dp->cfg.mp, 0,
						      UINT32_MAX);

		if (c == NULL) {
			io->stats.drop_arp_fwd_nombuf++;
			continue;
		}
		io->stats.arp_fwd_tx++;
		batch_add(dp, b, w, c);
	}
	batch_add(dp, b, 0, m);
}

static void
steer(struct ptg_dataplane *dp, struct io_batch *b, struct rte_mbuf **pkts,
      uint16_t n)
{
	const struct ptg_steer *s = &dp->cfg.steer;
	uint16_t i, w;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		int owner;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		owner = dp->nb_workers > 1 ? ptg_steer_owner(s, m, 0) : 0;
		if (owner >= 0) {
			batch_add(dp, b, (uint16_t)owner, m);
		} else if (dp->nb_workers > 1 &&
			   ptg_net_arp_reply_shareable(dp->workers[0]->net, m)) {
			share_arp(dp, b, m);
		} else {
			/* ARP requests, ICMP, bad frames: worker 0 answers
			 * or counts the drop. */
			batch_add(dp, b, 0, m);
		}
	}
	for (w = 0; w < dp->nb_workers; w++) {
		unsigned int k;

		if (b[w].n == 0)
			continue;
		k = rte_ring_sp_enqueue_burst(dp->workers[w]->rx_ring,
					      (void **)b[w].m, b[w].n, NULL);
		dp->io->stats.steer_out += k;
		if (unlikely(k < b[w].n)) {
			dp->io->stats.drop_steer_ring_full += b[w].n - k;
			rte_pktmbuf_free_bulk(&b[w].m[k], b[w].n - k);
		}
		b[w].n = 0;
	}
}

/* Every worker's output into TX bursts of queue 0. @return frames sent. */
static unsigned int
drain_tx(struct ptg_dataplane *dp)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	struct dp_io *io = dp->io;
	unsigned int total = 0;
	uint16_t w;

	for (w = 0; w < dp->nb_workers; w++) {
		unsigned int n, tries = 0;
		uint16_t sent;

		n = rte_ring_sc_dequeue_burst(dp->workers[w]->tx_ring,
					      (void **)pkts, DP_RX_BURST, NULL);
		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(dp->cfg.port_id, 0, pkts, (uint16_t)n);
		while (unlikely(sent < n) && tries < DP_TX_RETRIES) {
			sent += rte_eth_tx_burst(dp->cfg.port_id, 0, &pkts[sent],
						 (uint16_t)(n - sent));
			tries++;
		}
		io->stats.tx_calls++;
		io->stats.tx_pkts += sent;
		io->stats.tx_retries += tries;
		if (unlikely(sent < n)) {
			io->stats.drop_tx_full += n - sent;
			rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
		}
		total += sent;
	}
	return total;
}

static int
workers_done(const struct ptg_dataplane *dp)
{
	for (uint16_t w = 0; w < dp->nb_workers; w++)
		if (__atomic_load_n(&dp->workers[w]->state, __ATOMIC_ACQUIRE) !=
		    DP_WORKER_DONE)
			return 0;
	return 1;
}

void
dp_io_loop(struct ptg_dataplane *dp)
{
	struct io_batch *b;
	struct rte_mbuf *pkts[DP_RX_BURST];
	struct dp_io *io = dp->io;
	const uint32_t idle_sleep_us = dp->cfg.idle_sleep_us;
	const uint32_t idle_polls = dp->cfg.idle_polls;
	uint32_t idle = 0;
	uint16_t rxq = 0;
	uint64_t now = dp_clock_ns(), prev;

	b = rte_zmalloc_socket("ptg_io_batch", sizeof(*b) * dp->nb_workers,
			       RTE_CACHE_LINE_SIZE, dp->port_socket);
	if (b == NULL) {
		DP_LOG(ERR, "I/O lcore: out of memory: stopping");
		ptg_dataplane_request_stop();
		ptg_dataplane_request_stop();
		while (!workers_done(dp))
			rte_pause();
		return;
	}
	__atomic_store_n(&io->state, DP_WORKER_SERVING, __ATOMIC_RELEASE);
	for (;;) {
		uint16_t n;
		unsigned int sent;

		prev = now;
		now = dp_clock_ns();
		if (unlikely(now - prev >= DP_STALL_1MS_NS))
			dp_stall_count(&io->stats, now - prev);

		/* Workers finish their stop first; their last FINs and RSTs
		 * still go through here. */
		if (unlikely(ptg_dataplane_stop_requested() != 0) &&
		    workers_done(dp)) {
			while (drain_tx(dp) > 0)
				;
			break;
		}
		/* Usually one queue; a vdev made with one per worker (auto
		 * mode found no RSS) has them all polled here. */
		n = rte_eth_rx_burst(dp->cfg.port_id, rxq, pkts, DP_RX_BURST);
		if (++rxq == dp->cfg.nb_rx_queues)
			rxq = 0;
		if (n > 0) {
			io->stats.rx_bursts++;
			io->stats.rx_pkts += n;
			steer(dp, b, pkts, n);
		}
		sent = drain_tx(dp);
		io->stats.loops++;
		if (unlikely(!dp->ready_done))
			dp_check_ready(dp);
		if (n == 0 && sent == 0) {
			io->stats.idle_polls++;
			idle++;
		} else {
			idle = 0;
		}
		if (idle_sleep_us != 0 && idle >= idle_polls) {
			rte_delay_us_sleep(idle_sleep_us);
			io->stats.idle_sleeps++;
		}
	}
	rte_free(b);
	__atomic_store_n(&io->state, DP_WORKER_DONE, __ATOMIC_RELEASE);
}
