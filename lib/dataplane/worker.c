/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: one per worker lcore, run to completion.
 *
 * dp_worker_loop()
 *   -> ptg_net_announce()                   (worker 0, at start)
 *   loop:
 *   -> stop_check() -> ptg_tcp_stop()       once a stop is requested
 *   -> svc_poll() -> ops->poll(now)          service timeouts
 *   -> rte_eth_rx_burst() (rtc) | rx ring from the I/O lcore (pipeline)
 *   -> ptg_dataplane_handoff_drain() -> ptg_stack_rx()   ARP replies
 *                                  other workers saw, segments of our flows
 *   -> ptg_dataplane_handoff_arp() (rtc) -> ptg_stack_rx() -> strays to
 *                          their owners (ptg_dataplane_handoff_stray(),
 *                          handoff.c)
 *   -> ptg_stack_poll()                     ARP and TCP timers, accepts
 *   -> ptg_stack_flush() -> dp_worker_tx() -> rte_eth_tx_burst() (rtc)
 *                        | dp_worker_tx_ring() -> the I/O lcore (pipeline)
 *                                 when RX was empty or the deadline passed
 *   -> dp_conns_step()                      a /portgate/conns request
 *   -> rte_delay_us_sleep()                 idle backoff, if configured
 */
#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane_priv.h"

uint16_t
dp_worker_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_worker *w = arg;
	uint16_t sent;
	unsigned int tries = 0;

	sent = rte_eth_tx_burst(w->port_id, w->queue_id, pkts, n);
	while (unlikely(sent < n) && tries < DP_TX_RETRIES) {
		sent += rte_eth_tx_burst(w->port_id, w->queue_id,
					 &pkts[sent], n - sent);
		tries++;
	}
	w->stats.tx_calls++;
	w->stats.tx_pkts += sent;
	w->stats.tx_retries += tries;
	if (unlikely(sent < n)) {
		/* The net layer counts these as drop_tx_full. */
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
	return sent;
}

/* Pipeline mode: output goes to the I/O lcore's TX bursts. What does
 * not fit the ring is freed; the net layer counts it as drop_tx_full. */
uint16_t
dp_worker_tx_ring(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_worker *w = arg;
	unsigned int sent;

	sent = rte_ring_sp_enqueue_burst(w->tx_ring, (void **)pkts, n, NULL);
	w->stats.tx_calls++;
	w->stats.tx_pkts += sent;
	if (unlikely(sent < n)) {
		w->stats.drop_tx_ring_full += n - sent;
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
	return (uint16_t)sent;
}

void
dp_stall_count(struct ptg_dataplane_stats *st, uint64_t gap)
{
	st->stall_1ms++;
	if (gap >= 10 * DP_STALL_1MS_NS)
		st->stall_10ms++;
	if (gap >= 100 * DP_STALL_1MS_NS)
		st->stall_100ms++;
}

/* The services' clocks: their timeouts fire here, before this loop's
 * frames, so their callbacks see the time of this loop. */
static inline void
svc_poll(struct dp_worker *w, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < w->nb_svcs; i++)
		if (w->svcs[i].ops->poll != NULL)
			w->svcs[i].ops->poll(w->svcs[i].ctx, now);
}

/* Refresh what telemetry reads: connections, listener queues. */
static void
publish(struct dp_worker *w, uint64_t now)
{
	unsigned int i, k = 0;

	w->publish_at = now + DP_PUBLISH_NS;
	w->pub_conns = ptg_tcp_conn_count(w->tcp);
	for (i = 0; i < w->nb_svcs && k < DP_LISTENERS_MAX; i++)
		if (ptg_tcp_listener_info(w->tcp, w->svcs[i].port,
					  &w->pub_listeners[k]) == 0)
			k++;
	w->pub_nb_listeners = k;
}

void
dp_check_ready(struct ptg_dataplane *dp)
{
	uint16_t i;

	if (dp->ready_done)
		return;
	for (i = 0; i < dp->nb_workers; i++)
		if (__atomic_load_n(&dp->workers[i]->state,
				    __ATOMIC_ACQUIRE) != DP_WORKER_SERVING)
			return;
	dp->ready_done = 1;
	if (dp->ready != NULL)
		dp->ready(dp, dp->ready_arg);
}

int
dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	struct ptg_dataplane *dp = w->dp;
	const uint64_t drain_ns = dp->cfg.tx_drain_ns;
	const uint32_t idle_sleep_us = dp->cfg.idle_sleep_us;
	const uint32_t idle_polls = dp->cfg.idle_polls;
	const int pipeline = dp->cfg.mode == PTG_DATAPLANE_PIPELINE;
	struct rte_mbuf *pkts[DP_RX_BURST];
	uint64_t now, drain_at, stop_at = 0;
	uint32_t idle = 0;
	int stopping = 0;
	uint16_t n;

	now = dp_clock_ns();
	/* RFC 5227 2.3: announce our address once the port is up; one
	 * worker is enough, they share the port. */
	if (w->index == 0 && ptg_net_announce(w->net) != 0)
		DP_LOG(WARNING, "worker 0: gratuitous ARP not sent");
	ptg_stack_flush(w->stack);
	drain_at = now + drain_ns;
	__atomic_store_n(&w->state, DP_WORKER_SERVING, __ATOMIC_RELEASE);

	for (;;) {
		unsigned int req;
		uint64_t prev = now;

		now = dp_clock_ns();
		/* Off the CPU (preempted, or an idle sleep that overslept):
		 * while a worker does not run, its RX ring fills and its
		 * peers' timers run. */
		if (unlikely(now - prev >= DP_STALL_1MS_NS))
			dp_stall_count(&w->stats, now - prev);
		req = __atomic_load_n(&dp_stop_requests, __ATOMIC_RELAXED);
		if (unlikely(req != 0)) {
			unsigned int left;

			if (!stopping) {
				stopping = 1;
				stop_at = now + dp->cfg.linger_ns;
				ptg_tcp_stop(w->tcp, now, dp->cfg.linger_ns);
			}
			left = ptg_tcp_conn_count(w->tcp);
			if (left == 0)
				break;
			if (req > 1 || now >= stop_at + DP_STOP_GRACE_NS) {
				w->stats.stop_forced_conns += left;
				break;
			}
		}

		svc_poll(w, now);
		if (pipeline) {
			n = (uint16_t)rte_ring_sc_dequeue_burst(w->rx_ring,
					(void **)pkts, DP_RX_BURST, NULL);
			w->stats.ring_rx += n;
		} else {
			n = rte_eth_rx_burst(w->port_id, w->queue_id, pkts,
					     DP_RX_BURST);
		}
		if (w->in_ring != NULL)
			ptg_dataplane_handoff_drain(&w->ho, w->stack, now);
		if (n > 0) {
			w->stats.rx_bursts++;
			w->stats.rx_pkts += n;
			/* The I/O lcore shares ARP replies in pipeline mode. */
			if (w->in_ring != NULL && !pipeline)
				ptg_dataplane_handoff_arp(&w->ho, pkts, n);
			ptg_stack_rx(w->stack, pkts, n, now);
			idle = 0;
		} else {
			w->stats.idle_polls++;
			idle++;
		}
		ptg_stack_poll(w->stack, now);
		/* TX: the net layer hands full bursts over by itself; the
		 * rest leaves now if RX is idle, else on the deadline. */
		if (n == 0 || now >= drain_at) {
			ptg_stack_flush(w->stack);
			drain_at = now + drain_ns;
		}
		w->stats.loops++;
		if (unlikely(now >= w->publish_at))
			publish(w, now);
		/* /portgate/conns: one load of a line telemetry writes only
		 * when it asks (conns.c). */
		if (unlikely(dp_conns_pending(w)))
			dp_conns_step(w);
		if (unlikely(w->is_main && !dp->ready_done))
			dp_check_ready(dp);
		if (idle_sleep_us != 0 && idle >= idle_polls) {
			rte_delay_us_sleep(idle_sleep_us);
			w->stats.idle_sleeps++;
		}
	}
	/* Push out what the last poll left: FINs, RSTs, final ACKs. */
	ptg_stack_poll(w->stack, dp_clock_ns());
	ptg_stack_flush(w->stack);
	__atomic_store_n(&w->state, DP_WORKER_DONE, __ATOMIC_RELEASE);
	return 0;
}
