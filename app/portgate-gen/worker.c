/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker: one lcore, one RX/TX queue pair, one stack (net + TCP
 * engine), its share of the sessions and of the rate.
 *
 * gen_worker_loop()
 *   resolve:  rx -> ptg_stack_rx() -> ptg_net_resolve(dst) until known
 *             (or --wait-s passes: "no ARP reply"), then wait for the
 *             other workers (g->go)
 *   run:      [steering: ptg_dataplane_handoff_drain(): our flows'
 *             segments other workers got] -> rx burst
 *             -> [steering: ptg_dataplane_handoff_arp(): ARP replies to all]
 *             -> [syn-flood: gen_flood_rx_filter()]
 *             -> ptg_stack_rx() (another worker's flow: to its ring,
 *                ptg_dataplane_handoff_stray()) -> ptg_stack_poll()
 *             -> produce(): open connections (cps, hold: one token each;
 *                rps, http, bulk: fill the slots), requests waiting for
 *                a token (rps, http with --rate), SYNs (syn-flood)
 *             -> drain_start() at the end of the duration, the count, or
 *                a signal -> drain_step() until every slot is free or
 *                --drain-ms passes (what is left counts as timeouts)
 *             -> ptg_stack_flush() -> tx_burst()
 *             -> gen_main_tick() on the main lcore (live line)
 *   linger:   (several workers) rx -> ptg_stack_rx() until every worker
 *             is done: the others' replies may reach our queue only
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "ptg_dataplane.h"
#include "gen.h"

#define RX_BURST 32
#define RX_BURSTS 8            /* bursts read per loop at most */
#define TX_WAIT_US 20000        /* longest wait for room in the TX ring */
#define OPEN_PER_LOOP 32       /* connections opened per loop at most */
#define SYN_WINDOW 256         /* SYNs unanswered at once at most */
#define HOLD_RELEASE_BATCH 256 /* hold: RSTs sent per loop at the end */
#define TUPLE_TRIES 256        /* busy tuples skipped per open at most */
#define TOKEN 1000000000ull    /* one token in the bucket's units */
#define HOLD_OPEN_LIMIT_NS (600ull * 1000000000ull)
#define FLOOD_DRAIN_NS (200ull * 1000000ull)
#define GEN_NS_PER_S 1000000000ull

uint64_t
gen_now(void)
{
	return ptg_dataplane_clock_ns();
}

static uint16_t
worker_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct gen_worker *w = arg;
	uint16_t sent;
	uint64_t until = 0;

	/*
	 * A full TX ring means the peer has not taken the last frames yet:
	 * a generator that drops its own frames only measures itself, so
	 * wait for room, up to TX_WAIT_US, before counting them lost.
	 */
	sent = rte_eth_tx_burst(w->port_id, w->queue_id, pkts, n);
	while (sent < n) {
		uint64_t now = rte_rdtsc();

		if (until == 0)
			until = now + rte_get_tsc_hz() / 1000000 * TX_WAIT_US;
		else if (now >= until)
			break;
		rte_pause();
		sent += rte_eth_tx_burst(w->port_id, w->queue_id, pkts + sent,
					 n - sent);
	}
	if (sent < n)
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	return sent;
}

/* ---- tuples ---------------------------------------------------------------- */

/* Whether the replies to a connection from @p src:@p sport steer to
 * worker @p w (the key is symmetric: either direction hashes alike). */
static int
tuple_ours(const struct gen_worker *w, uint32_t src, uint16_t sport)
{
	const struct gen *g = w->g;
	uint32_t h = ptg_steer_hash(&g->steer, w->o->dst,
				    rte_cpu_to_be_32(src), w->o->dport, sport);

	return ptg_steer_worker(&g->steer, h) == w->index;
}

/* Next candidate (address, port) of this worker: the addresses in turn,
 * then the next port, so that every address is in use from the start
 * (and the server learns them all during the warm-up). */
static void
tuple_next(struct gen_worker *w, uint32_t *src, uint16_t *port)
{
	const struct gen_opts *o = w->o;
	uint32_t stride = w->g->steer_on ? 1 : w->g->nb_workers;

	*src = o->src_lo + w->src_i;
	*port = (uint16_t)w->port_cur;
	if (++w->src_i < w->src_n)
		return;
	w->src_i = 0;
	w->port_cur += stride;
	if (w->port_cur > o->sport_hi)
		w->port_cur = o->sport_lo + (w->g->steer_on ? 0 : w->index);
}

int
gen_open_one(struct gen_worker *w, uint64_t now)
{
	struct gen_sess *s;
	struct ptg_conn *c = NULL;
	unsigned int tries;
	uint32_t src, id;
	uint16_t port;

	if (w->nb_free == 0)
		return -ENOSPC;
	for (tries = 0; tries < TUPLE_TRIES; tries++) {
		tuple_next(w, &src, &port);
		if (w->g->steer_on && !tuple_ours(w, src, port))
			continue;
		c = ptg_connect_from(w->tcp, rte_cpu_to_be_32(src), w->o->dst,
				     w->o->dport, port, &gen_client_ops, w, now);
		if (c != NULL)
			break;
		if (rte_errno != EADDRINUSE) {
			gen_error(w, GEN_ERR_local, "cannot open a connection: "
				  "%s%s", rte_strerror(rte_errno),
				  rte_errno == ENOSPC ? " (connection table "
				  "full: raise --max-conns)" : "");
			return -rte_errno;
		}
	}
	if (c == NULL) {
		gen_error(w, GEN_ERR_local, "no free source tuple after %u "
			  "tries (more --src addresses or a shorter "
			  "--time-wait-ms)", TUPLE_TRIES);
		return -EADDRINUSE;
	}
	id = w->free_ids[--w->nb_free];
	s = &w->sess[id];
	s->c = c;
	s->state = SESS_CONNECTING;
	s->t_open = now;
	/* A different pattern offset per connection. */
	s->seed = (uint32_t)((w->cnt.conn_opened * 2654435761u) ^
			     (w->index * 40503u)) & 0xffff;
	ptg_conn_set_ctx(c, s);
	w->cnt.conn_opened++;
	w->cnt.active++;
	if (w->o->mode != GEN_MODE_RPS && w->o->mode != GEN_MODE_HTTP)
		w->started++;
	return 0;
}

void
gen_sess_release(struct gen_sess *s)
{
	struct gen_worker *w = s->w;
	uint8_t queued = s->queued;
	struct http_rx *http = s->http;
	uint64_t *t_req = s->t_req;

	if (s->state == SESS_FREE)
		return;
	if (s->held)
		w->cnt.held--;
	if (s->state == SESS_CONNECTING)
		w->conn_failed++;
	memset(s, 0, sizeof(*s));
	s->w = w;
	s->http = http;
	s->t_req = t_req;
	/* A stale wait-queue entry stays valid: it serves whoever holds the
	 * slot when it comes up (gen_client_send_request() checks). */
	s->queued = queued;
	if (http != NULL)
		memset(http, 0, sizeof(*http));
	w->cnt.active--;
	w->free_ids[w->nb_free++] = (uint32_t)(s - w->sess);
}

/* ---- rate ------------------------------------------------------------------ */

int
gen_take_token(struct gen_worker *w, uint64_t now)
{
	uint64_t dt;

	if (w->rate == 0)
		return 1;
	dt = now - w->tok_at;
	if (dt > GEN_NS_PER_S)
		dt = GEN_NS_PER_S;
	w->tok_at = now;
	w->tokens += w->rate * dt;
	if (w->tokens > w->tokens_max)
		w->tokens = w->tokens_max;
	if (w->tokens < TOKEN)
		return 0;
	w->tokens -= TOKEN;
	return 1;
}

void
gen_waitq_push(struct gen_worker *w, struct gen_sess *s)
{
	if (w->waitq_n == w->nb_sess * 2)
		return;
	w->waitq[(w->waitq_head + w->waitq_n++) % (w->nb_sess * 2)] =
		(uint32_t)(s - w->sess);
	s->queued = 1;
}

static struct gen_sess *
waitq_pop(struct gen_worker *w)
{
	uint32_t id;

	if (w->waitq_n == 0)
		return NULL;
	id = w->waitq[w->waitq_head];
	w->waitq_head = (w->waitq_head + 1) % (w->nb_sess * 2);
	w->waitq_n--;
	return &w->sess[id];
}

/* ---- set-up ---------------------------------------------------------------- */

int
gen_worker_init(struct gen_worker *w, char *err, size_t errlen)
{
	const struct gen_opts *o = w->o;
	struct gen *g = w->g;
	struct ptg_stack_config sc;
	uint32_t lo = o->src_lo, hi = o->src_hi, i, conns;
	unsigned int W = g->nb_workers;

	/* This worker's share of the slots, the rate and the count. */
	w->nb_sess = o->concurrency / W + (w->index < o->concurrency % W);
	if (o->mode == GEN_MODE_SYNFLOOD)
		w->nb_sess = 0;
	w->rate = o->rate / W + (w->index < o->rate % W);
	if (o->rate != 0 && w->rate == 0)
		w->rate = 1;
	w->tokens_max = RTE_MAX(TOKEN, w->rate * 10000000ull); /* 10 ms */
	w->quota = o->count ? o->count / W + (w->index < o->count % W) : 0;
	if (o->count != 0 && w->quota == 0)
		w->quota = 1;
	w->src_n = o->src_hi - o->src_lo + 1;
	w->port_cur = o->sport_lo + (g->steer_on ? 0 : w->index);

	ptg_stack_config_default(&sc);
	/* ARP retries and aging: once a millisecond, not every loop. */
	sc.net_timer_ns = 1000000;
	sc.net.mac = g->mac;
	sc.net.addr = o->addr;
	sc.net.prefix_len = o->prefix_len;
	sc.net.gateway = o->gateway;
	sc.net.mtu = g->mtu;
	sc.net.offloads = g->net_offloads;
	sc.net.port_id = g->port_id;
	sc.net.tx = worker_tx;
	sc.net.tx_arg = w;
	if (o->mode == GEN_MODE_SYNFLOOD) {
		/* No connections: the local range is the flood's alone. */
		lo = o->flood_lo;
		hi = o->flood_hi;
	}
	if (!(lo == hi && lo == rte_be_to_cpu_32(o->addr))) {
		sc.net.extra_addr = rte_cpu_to_be_32(lo);
		sc.net.nb_extra_addrs = hi - lo + 1;
	}
	conns = o->max_conns ? o->max_conns :
		RTE_MAX(4096u, w->nb_sess * 2 + 4096u);
	sc.tcp.max_conns = conns;
	sc.tcp.msl_ns = (uint64_t)o->time_wait_ms * 1000000ull / 2;
	if (o->have_rto_min)
		sc.tcp.rto_min_ns = (uint64_t)o->rto_min_ms * 1000000ull;
	if (sc.tcp.rto_initial_ns < sc.tcp.rto_min_ns)
		sc.tcp.rto_initial_ns = sc.tcp.rto_min_ns;
	if (g->steer_on) {
		/* Whatever queue a reply reaches, its flow's owner gets it,
		 * as in portgate's own workers (lib/dataplane). */
		w->ho.rings = g->rings;
		w->ho.nb_workers = (uint16_t)W;
		w->ho.self = (uint16_t)w->index;
		w->ho.mp = g->mp;
		w->ho.stats = &w->ho_stats;
		sc.steer = &g->steer;
		sc.worker = (uint16_t)w->index;
		sc.steer_use_rx_hash = g->rx_hash_trusted;
		sc.stray = ptg_dataplane_handoff_stray;
		sc.stray_arg = &w->ho;
	}
	sc.mp = g->mp;
	sc.socket = (int)rte_lcore_to_socket_id(w->lcore);
	w->stack = ptg_stack_create(&sc);
	if (w->stack == NULL) {
		snprintf(err, errlen, "worker %u: cannot create the stack "
			 "(%u connections): %s", w->index, conns,
			 rte_strerror(rte_errno));
		return -rte_errno;
	}
	w->net = ptg_stack_net(w->stack);
	w->tcp = ptg_stack_tcp(w->stack);
	w->ho.net = w->net;
	w->mp = g->mp;
	w->port_id = g->port_id;
	w->queue_id = (uint16_t)w->index;

	if (w->nb_sess > 0) {
		w->sess = calloc(w->nb_sess, sizeof(*w->sess));
		w->free_ids = calloc(w->nb_sess, sizeof(*w->free_ids));
		w->waitq = calloc((size_t)w->nb_sess * 2, sizeof(*w->waitq));
		if (w->sess == NULL || w->free_ids == NULL || w->waitq == NULL)
			goto nomem;
		/* Send times: a ring per session, as deep as its pipeline
		 * (cps: one request; bulk and hold time no requests). */
		w->depth = o->mode == GEN_MODE_RPS || o->mode == GEN_MODE_HTTP ?
			   o->pipeline : 1;
		if (o->mode == GEN_MODE_CPS || o->mode == GEN_MODE_RPS ||
		    o->mode == GEN_MODE_HTTP) {
			w->t_req_mem = calloc((size_t)w->nb_sess * w->depth,
					      sizeof(*w->t_req_mem));
			if (w->t_req_mem == NULL)
				goto nomem;
		}
		for (i = 0; i < w->nb_sess; i++) {
			w->sess[i].w = w;
			if (w->t_req_mem != NULL)
				w->sess[i].t_req = &w->t_req_mem[(size_t)i *
								 w->depth];
			w->free_ids[i] = w->nb_sess - 1 - i;
		}
		w->nb_free = w->nb_sess;
		if (o->mode == GEN_MODE_HTTP) {
			struct http_rx *h = calloc(w->nb_sess, sizeof(*h));

			if (h == NULL)
				goto nomem;
			for (i = 0; i < w->nb_sess; i++)
				w->sess[i].http = &h[i];
		}
	}
	gen_hist_reset(&w->hist);
	return 0;
nomem:
	snprintf(err, errlen, "worker %u: out of memory for %u sessions",
		 w->index, w->nb_sess);
	return -ENOMEM;
}

void
gen_worker_fini(struct gen_worker *w)
{
	if (w == NULL)
		return;
	ptg_stack_free(w->stack);
	if (w->sess != NULL)
		free(w->sess[0].http);
	free(w->sess);
	free(w->t_req_mem);
	free(w->free_ids);
	free(w->waitq);
}

/* ---- the loop ---------------------------------------------------------------- */

/* Up to RX_BURSTS bursts: what we send makes at least as much come back,
 * and the peer's TX ring must not fill while we open connections. */
static unsigned int
rx(struct gen_worker *w, uint64_t now)
{
	struct rte_mbuf *pkts[RX_BURST];
	unsigned int b, total = 0;
	uint16_t n, i, k;

	w->now = now;
	/* What the other workers handed over: as many bursts as we read. */
	if (w->g->steer_on)
		for (b = 0; b < RX_BURSTS; b++)
			if (ptg_dataplane_handoff_drain(&w->ho, w->stack,
							now) < RX_BURST)
				break;
	for (b = 0; b < RX_BURSTS; b++) {
		n = rte_eth_rx_burst(w->port_id, w->queue_id, pkts, RX_BURST);
		if (n == 0)
			break;
		/* Each burst at its own time: a reply to what the previous
		 * burst made us send may already be in this one. */
		if (b > 0) {
			now = gen_now();
			w->now = now;
		}
		total += n;
		/* The reply to our ARP request may reach another worker;
		 * every worker learns from every reply. */
		if (w->g->steer_on)
			ptg_dataplane_handoff_arp(&w->ho, pkts, n);
		if (w->o->mode == GEN_MODE_SYNFLOOD) {
			for (i = 0, k = 0; i < n; i++)
				if (!gen_flood_rx_filter(w, pkts[i]))
					pkts[k++] = pkts[i];
			ptg_stack_rx(w->stack, pkts, k, now);
		} else {
			ptg_stack_rx(w->stack, pkts, n, now);
		}
		if (n < RX_BURST)
			break;
	}
	return total;
}

/* Resolve the next hop towards --dst; 0 done, -1 gave up or stopped. */
static int
resolve(struct gen_worker *w)
{
	struct gen *g = w->g;
	uint64_t now = gen_now(), deadline = now + w->o->wait_s * GEN_NS_PER_S;
	uint32_t d = rte_be_to_cpu_32(w->o->dst);
	int rc;

	for (;;) {
		now = gen_now();
		rx(w, now);
		ptg_stack_poll(w->stack, now);
		rc = ptg_net_resolve(w->net, w->o->dst, &w->dst_mac, now);
		ptg_stack_flush(w->stack);
		if (rc == 0)
			return 0;
		if (g->failed || g->stop_requests)
			return -1;
		if (rc != -EAGAIN || now >= deadline) {
			w->cnt.errors[GEN_ERR_timeout]++;
			snprintf(g->fail_msg, sizeof(g->fail_msg),
				 "timeout: no ARP reply for %u.%u.%u.%u%s "
				 "within %u s (is the server up, and the "
				 "link?)", d >> 24, (d >> 16) & 0xff,
				 (d >> 8) & 0xff, d & 0xff,
				 w->o->gateway ? " (or its gateway)" : "",
				 w->o->wait_s);
			g->failed = 1;
			return -1;
		}
		if (w->is_main)
			gen_main_tick(g, now);
		rte_delay_us_sleep(100);
	}
}

/* Keep the stack answering while the other workers resolve. */
static int
wait_go(struct gen_worker *w)
{
	struct gen *g = w->g;

	if (__atomic_add_fetch(&g->nb_ready, 1, __ATOMIC_ACQ_REL) ==
	    g->nb_workers) {
		g->start_ns = gen_now();
		g->last_print_ns = g->start_ns;
		__atomic_store_n(&g->go, 1, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&g->go, __ATOMIC_ACQUIRE)) {
		uint64_t now = gen_now();

		if (g->failed || g->stop_requests)
			return -1;
		rx(w, now);
		ptg_stack_poll(w->stack, now);
		ptg_stack_flush(w->stack);
		if (w->is_main)
			gen_main_tick(g, now);
	}
	return 0;
}

static void
produce(struct gen_worker *w, uint64_t now)
{
	const struct gen_opts *o = w->o;
	unsigned int n;
	struct gen_sess *s;

	/*
	 * Warm-up: one connection from each source address (up to the SYN
	 * window) until they are answered, so that the server learns our
	 * addresses from its ARP exchanges before a burst arrives (it holds
	 * only a few frames per unresolved neighbour).
	 */
	unsigned int max_open = OPEN_PER_LOOP;
	uint64_t connecting = w->cnt.conn_opened - w->cnt.conn_established -
			      w->conn_failed;
	uint64_t warm = RTE_MIN((uint64_t)w->src_n, (uint64_t)SYN_WINDOW);

	if (o->mode != GEN_MODE_SYNFLOOD &&
	    w->cnt.conn_established + w->conn_failed < warm) {
		if (w->cnt.conn_opened >= warm)
			return;
		max_open = (unsigned int)(warm - w->cnt.conn_opened);
	}
	/* A window of SYNs in flight: a burst of thousands would only
	 * overflow the queues on the way and come back as retransmissions. */
	if (connecting >= SYN_WINDOW)
		max_open = 0;
	else if (max_open > SYN_WINDOW - connecting)
		max_open = (unsigned int)(SYN_WINDOW - connecting);
	switch (o->mode) {
	case GEN_MODE_CPS:
	case GEN_MODE_HOLD:
		for (n = 0; n < max_open && w->nb_free > 0; n++) {
			if (o->mode == GEN_MODE_CPS ? (w->quota != 0 &&
			    w->started >= w->quota) : w->started >= w->nb_sess)
				break;
			if (!gen_take_token(w, now) || gen_open_one(w, now) < 0)
				break;
		}
		break;
	case GEN_MODE_BULK:
		for (n = 0; n < max_open && w->nb_free > 0 &&
		     w->started < w->nb_sess; n++)
			if (gen_open_one(w, now) < 0)
				break;
		break;
	case GEN_MODE_RPS:
	case GEN_MODE_HTTP:
		for (n = 0; n < max_open && w->nb_free > 0; n++)
			if (gen_open_one(w, now) < 0)
				break;
		while (w->waitq_n > 0 && gen_take_token(w, now)) {
			s = waitq_pop(w);
			gen_client_send_request(s, now);
		}
		break;
	case GEN_MODE_SYNFLOOD:
		gen_flood_send(w, now);
		break;
	default:
		break;
	}
}

/* The run is over for this worker when this says so. */
static int
should_drain(struct gen_worker *w, uint64_t now)
{
	const struct gen_opts *o = w->o;

	/* A local error (no tuple, table full, no mbuf) is a set-up
	 * problem: end the run rather than spin on it. */
	if (w->g->stop_requests || w->g->failed ||
	    w->cnt.errors[GEN_ERR_local] != 0)
		return 1;
	switch (o->mode) {
	case GEN_MODE_HOLD:
		if (w->held_all_ns == 0 && w->cnt.held == w->nb_sess &&
		    w->started == w->nb_sess) {
			w->held_all_ns = now;
			w->end_ns = now + (uint64_t)(o->duration_s * GEN_NS_PER_S);
		}
		if (w->held_all_ns == 0)
			return now >= w->go_ns + HOLD_OPEN_LIMIT_NS ||
			       (w->started == w->nb_sess &&
				w->nb_free == w->nb_sess);
		return now >= w->end_ns;
	case GEN_MODE_BULK:
		if (w->started == w->nb_sess && w->nb_free == w->nb_sess)
			return 1;
		return o->bytes == 0 && now >= w->end_ns;
	case GEN_MODE_SYNFLOOD:
		return now >= w->end_ns ||
		       (w->quota != 0 && w->cnt.syn_sent >= w->quota);
	default:
		return now >= w->end_ns ||
		       (w->quota != 0 && w->started >= w->quota);
	}
}

static void
drain_start(struct gen_worker *w, uint64_t now)
{
	uint32_t i;

	w->draining = 1;
	w->drain_at_ns = now;
	w->drain_end_ns = now + (uint64_t)w->o->drain_ms * 1000000ull;
	if (w->o->mode == GEN_MODE_SYNFLOOD)
		w->drain_end_ns = now + RTE_MIN(FLOOD_DRAIN_NS,
						w->drain_end_ns - now);
	if (w->g->stop_requests > 1)
		w->drain_end_ns = now;
	for (i = 0; i < w->nb_sess; i++)
		if (w->sess[i].c != NULL)
			gen_client_drain(&w->sess[i], now);
}

/*
 * hold: end the held connections with RSTs, a batch per loop, so that
 * neither our TX ring nor the server's RX ring overflows with them.
 */
static void
hold_release(struct gen_worker *w)
{
	unsigned int n = 0;

	while (w->release_i < w->nb_sess && n < HOLD_RELEASE_BATCH) {
		struct gen_sess *s = &w->sess[w->release_i++];

		if (s->c != NULL && s->state == SESS_OPEN) {
			gen_client_abort(s);
			n++;
		}
	}
	/* New time for the drain: releasing is not waiting. */
	if (n > 0)
		w->drain_end_ns = w->now + (uint64_t)w->o->drain_ms * 1000000ull;
}

/* What is still in flight when the drain time is up: a timeout. */
static void
drain_expire(struct gen_worker *w)
{
	uint32_t i, left = 0;

	for (i = 0; i < w->nb_sess; i++) {
		struct gen_sess *s = &w->sess[i];

		if (s->c == NULL)
			continue;
		if (s->state == SESS_CONNECTING || s->inflight > 0 ||
		    (w->o->mode == GEN_MODE_BULK && s->rx_off < s->tx_off))
			left++;
		gen_client_abort(s);
	}
	if (left > 0 && !w->g->stop_requests)
		gen_error(w, GEN_ERR_timeout, "%u connection%s still waiting "
			  "for an answer %u ms after the end", left,
			  left == 1 ? "" : "s", w->o->drain_ms);
	if (left > 1 && !w->g->stop_requests)
		w->cnt.errors[GEN_ERR_timeout] += left - 1;
}

static int
workers_done(const struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->nb_workers; i++)
		if (!__atomic_load_n(&g->w[i]->done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

/*
 * Done, but the others may not be: the replies to their connections can
 * reach our queue (the peer picks it), and only we read it. Keep reading
 * and handing them over, and answering for our own flows, until every
 * worker is done.
 */
static void
linger(struct gen_worker *w)
{
	while (!workers_done(w->g)) {
		uint64_t now = gen_now();

		rx(w, now);
		ptg_stack_poll(w->stack, now);
		ptg_stack_flush(w->stack);
		if (w->is_main)
			gen_main_tick(w->g, now);
	}
}

int
gen_worker_loop(void *arg)
{
	struct gen_worker *w = arg;
	struct gen *g = w->g;
	uint64_t now;

	if (resolve(w) < 0 || wait_go(w) < 0) {
		w->done = 1;
		return 0;
	}
	w->go_ns = g->start_ns;
	w->end_ns = w->go_ns + (uint64_t)(w->o->duration_s * GEN_NS_PER_S);
	w->tok_at = w->go_ns;
	w->tokens = TOKEN; /* the first one at once */
	for (;;) {
		now = gen_now();
		w->now = now;
		rx(w, now);
		ptg_stack_poll(w->stack, now);
		w->now = now;
		if (!w->draining) {
			if (should_drain(w, now))
				drain_start(w, now);
			else
				produce(w, now);
		}
		if (w->draining && w->o->mode == GEN_MODE_HOLD)
			hold_release(w);
		if (w->draining) {
			/* Done once every slot is free and the closes we
			 * left to the engine are through (TIME-WAIT is 0 by
			 * default), or at the drain's end. */
			if (w->nb_free == w->nb_sess && w->finish_ns == 0)
				w->finish_ns = now;
			if (w->nb_free == w->nb_sess &&
			    ((w->o->mode != GEN_MODE_SYNFLOOD &&
			      ptg_tcp_conn_count(w->tcp) == 0) ||
			     now >= w->drain_end_ns))
				break;
			if (now >= w->drain_end_ns) {
				drain_expire(w);
				if (w->finish_ns == 0)
					w->finish_ns = now;
				break;
			}
			if (g->stop_requests > 1)
				w->drain_end_ns = now;
		}
		ptg_stack_flush(w->stack);
		if (w->is_main)
			gen_main_tick(g, now);
	}
	ptg_stack_poll(w->stack, gen_now());
	ptg_stack_flush(w->stack);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	if (g->steer_on)
		linger(w);
	return 0;
}
