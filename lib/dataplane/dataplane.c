/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane of one port: lcore roles, worker set-up and teardown,
 * launch and stop, counters.
 *
 * ptg_dataplane_pick_lcores()
 * ptg_dataplane_create() -> worker_create()
 *     -> ptg_stack_create() (net + engine)
 *     -> for each bound port: ops->init() -> ptg_tcp_listen()
 * ptg_dataplane_run() -> rte_eal_remote_launch(dp_worker_loop)
 *     -> dp_worker_loop() on the main lcore, or wait_main()
 *     -> rte_eal_wait_lcore()
 * ptg_dataplane_request_stop()        (signal handler)
 * ptg_dataplane_totals() -> dp_worker_add_totals() + rte_eth_stats_get()
 * ptg_dataplane_free() -> ptg_stack_free() -> ops->fini()
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane_priv.h"

RTE_LOG_REGISTER(ptg_dataplane_logtype, ptg.dataplane, INFO);

#define DEFAULT_TX_DRAIN_NS (50ull * 1000)
#define DEFAULT_IDLE_POLLS 1000
#define DEFAULT_LINGER_NS (1000ull * 1000 * 1000)

unsigned int dp_stop_requests;

static const char *const dp_stat_names[] = {
#define PTG_DATAPLANE_STAT_NAME(n) #n,
	PTG_DATAPLANE_STATS(PTG_DATAPLANE_STAT_NAME)
#undef PTG_DATAPLANE_STAT_NAME
};

static const char *const port_stat_names[] = {
#define PTG_DATAPLANE_STAT_NAME(n) #n,
	PTG_DATAPLANE_PORT_STATS(PTG_DATAPLANE_STAT_NAME)
#undef PTG_DATAPLANE_STAT_NAME
};

const char *
ptg_dataplane_stat_name(unsigned int i)
{
	return i < RTE_DIM(dp_stat_names) ? dp_stat_names[i] : NULL;
}

void
ptg_dataplane_request_stop(void)
{
	__atomic_fetch_add(&dp_stop_requests, 1, __ATOMIC_RELAXED);
}

unsigned int
ptg_dataplane_stop_requested(void)
{
	return __atomic_load_n(&dp_stop_requests, __ATOMIC_RELAXED);
}

const char *
ptg_dataplane_mode_name(enum ptg_dataplane_mode mode)
{
	return mode == PTG_DATAPLANE_PIPELINE ? "pipeline" : "rtc";
}

int
ptg_dataplane_pick_lcores(unsigned int n, unsigned int *lcores,
			  int main_may_work)
{
	unsigned int lc, k = 0;

	if (n == 0 || lcores == NULL)
		return -EINVAL;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (k == n)
			break;
		lcores[k++] = lc;
	}
	if (k == n)
		return 0;
	if (k + 1 == n && main_may_work) {
		lcores[k] = rte_get_main_lcore();
		return 0;
	}
	return -ENOSPC;
}

/* Free a ring and the frames still on it. Accepts NULL. */
static void
ring_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

static struct rte_ring *
ring_make(const char *what, const struct dp_worker *w, unsigned int size,
	  int socket, unsigned int flags, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "ptg_%s_p%u_w%u", what, w->port_id,
		 w->index);
	r = rte_ring_create(name, size, socket, flags);
	if (r == NULL)
		ptg_errf(err, errlen, 0, "worker %u: %s ring: %s", w->index,
			 what, rte_strerror(rte_errno));
	return r;
}

static void
worker_free(struct dp_worker *w)
{
	unsigned int i;

	if (w == NULL)
		return;
	/* The stack first: its engine frees the connections without
	 * callbacks, so the service instances can go next. */
	ptg_stack_free(w->stack);
	for (i = 0; i < w->nb_svcs; i++)
		if (w->svcs[i].ops->fini != NULL)
			w->svcs[i].ops->fini(w->svcs[i].ctx);
	free(w->svcs);
	ring_free(w->in_ring);
	ring_free(w->rx_ring);
	ring_free(w->tx_ring);
	rte_free(w);
}

/* Instantiate every bound service on @w and listen on its port. */
static int
worker_services(struct dp_worker *w, char *err, size_t errlen)
{
	unsigned int cap = ptg_service_count();
	int port, rc;

	if (cap == 0)
		return 0;
	w->svcs = calloc(cap, sizeof(*w->svcs));
	if (w->svcs == NULL)
		return ptg_errf(err, errlen, -ENOMEM, "out of memory");
	for (port = ptg_service_next(-1); port >= 0;
	     port = ptg_service_next(port)) {
		const struct ptg_service_binding *b =
			ptg_service_binding((uint16_t)port);
		struct dp_service *s;
		void *ctx = NULL;

		if (b == NULL || b->ops == NULL)
			continue;
		if (w->nb_svcs == cap)
			return ptg_errf(err, errlen, -EINVAL,
				    "service table changed during set-up");
		if (b->ops->init != NULL) {
			rc = b->ops->init(&ctx, b->args);
			if (rc != 0)
				return ptg_errf(err, errlen,
					rc < 0 ? rc : -EINVAL,
					"service %u:%s%s%s: %s", port,
					b->ops->name, b->args ? ":" : "",
					b->args ? b->args : "",
					rc == -EINVAL ? "bad arguments" :
					strerror(rc < 0 ? -rc : rc));
		}
		s = &w->svcs[w->nb_svcs++];
		s->ops = b->ops;
		s->ctx = ctx;
		s->port = (uint16_t)port;
		rc = ptg_tcp_listen(w->tcp, (uint16_t)port, &b->ops->conn, ctx, 0);
		if (rc != 0)
			return ptg_errf(err, errlen, rc,
				    "service %u:%s: listen failed: %s", port,
				    b->ops->name, strerror(-rc));
	}
	return 0;
}

static struct dp_worker *
worker_create(struct ptg_dataplane *dp, uint16_t index, char *err,
	      size_t errlen)
{
	const struct ptg_dataplane_config *cfg = &dp->cfg;
	struct ptg_stack_config scfg;
	struct dp_worker *w;
	int socket, rc;

	socket = (int)rte_lcore_to_socket_id(cfg->lcores[index]);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	w = rte_zmalloc_socket("ptg_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       socket);
	if (w == NULL) {
		rte_errno = ENOMEM;
		ptg_errf(err, errlen, 0, "worker %u: out of memory", index);
		return NULL;
	}
	w->dp = dp;
	w->mp = cfg->mp;
	w->port_id = cfg->port_id;
	w->queue_id = index;
	w->index = index;
	w->lcore = cfg->lcores[index];
	w->is_main = w->lcore == rte_get_main_lcore();
	w->socket = socket;

	/* Rings live on the port's NUMA node, like the mbufs they carry. */
	if (cfg->nb_workers > 1) {
		w->in_ring = ring_make("in", w, DP_HANDOFF_RING_SIZE,
				       dp->port_socket, RING_F_SC_DEQ, err,
				       errlen);
		if (w->in_ring == NULL) {
			rc = -rte_errno;
			goto fail;
		}
		dp->in_rings[index] = w->in_ring;
		w->ho.rings = dp->in_rings;
		w->ho.nb_workers = cfg->nb_workers;
		w->ho.self = index;
		w->ho.mp = cfg->mp;
		w->ho.stats = &w->stats;
	}
	if (cfg->mode == PTG_DATAPLANE_PIPELINE) {
		w->rx_ring = ring_make("rx", w, dp->cfg.ring_size,
				       dp->port_socket,
				       RING_F_SP_ENQ | RING_F_SC_DEQ, err, errlen);
		w->tx_ring = w->rx_ring == NULL ? NULL :
			ring_make("tx", w, dp->cfg.ring_size, dp->port_socket,
				  RING_F_SP_ENQ | RING_F_SC_DEQ, err, errlen);
		if (w->tx_ring == NULL) {
			rc = -rte_errno;
			goto fail;
		}
	}

	ptg_stack_config_default(&scfg);
	/* ARP retries and aging work in seconds: once a millisecond is
	 * plenty, and the aging sweep stays off the per-loop path. */
	scfg.net_timer_ns = DP_NET_TIMER_NS;
	scfg.net = cfg->net;
	scfg.net.port_id = cfg->port_id;
	scfg.net.tx = cfg->mode == PTG_DATAPLANE_PIPELINE ? dp_worker_tx_ring :
						       dp_worker_tx;
	scfg.net.tx_arg = w;
	if (cfg->nb_workers > 1) {
		scfg.steer = &dp->cfg.steer;
		scfg.worker = index;
		/* The I/O lcore's hash, or the NIC's RSS with our key. */
		scfg.steer_use_rx_hash = cfg->mode == PTG_DATAPLANE_PIPELINE ||
					 cfg->rx_hash_trusted;
		scfg.stray = ptg_dataplane_handoff_stray;
		scfg.stray_arg = &w->ho;
	}
	scfg.tcp = cfg->tcp;
	/* The workers share one frame pool: each engine's queue budget is
	 * its share of the half that the engines' default leaves them, so
	 * that all of them together still leave the RX rings their half. */
	if (scfg.tcp.mem_bufs == 0)
		scfg.tcp.mem_bufs = RTE_MAX(cfg->mp->size / 2 / cfg->nb_workers,
					    1u);
	scfg.mp = cfg->mp;
	scfg.socket = socket;
	w->stack = ptg_stack_create(&scfg);
	if (w->stack == NULL) {
		rc = -rte_errno;
		if (rte_errno == ENOENT)
			ptg_errf(err, errlen, 0, "unknown congestion control "
			     "'%s'", cfg->tcp.cc ? cfg->tcp.cc : "(null)");
		else
			ptg_errf(err, errlen, 0, "worker %u: stack: %s", index,
			     rte_strerror(rte_errno));
		goto fail;
	}
	w->net = ptg_stack_net(w->stack);
	w->tcp = ptg_stack_tcp(w->stack);
	w->ho.net = w->net;
	rc = worker_services(w, err, errlen);
	if (rc != 0)
		goto fail;
	return w;
fail:
	worker_free(w);
	rte_errno = rc < 0 ? -rc : EINVAL;
	return NULL;
}

struct ptg_dataplane *
ptg_dataplane_create(const struct ptg_dataplane_config *cfg, char *err,
		     size_t errlen)
{
	struct ptg_dataplane *dp;
	uint16_t i;
	int e;

	if (cfg == NULL || cfg->nb_workers == 0 ||
	    cfg->nb_workers > RTE_MAX_LCORE || cfg->lcores == NULL ||
	    cfg->mp == NULL) {
		ptg_errf(err, errlen, 0, "bad dataplane configuration");
		rte_errno = EINVAL;
		return NULL;
	}
	if (dp_clock.hz == 0) {
		ptg_errf(err, errlen, 0, "ptg_dataplane_clock_init() not called");
		rte_errno = EINVAL;
		return NULL;
	}
	dp = calloc(1, sizeof(*dp));
	if (dp == NULL)
		goto nomem;
	dp->cfg = *cfg;
	dp->lcores = calloc(cfg->nb_workers, sizeof(*dp->lcores));
	dp->workers = calloc(cfg->nb_workers, sizeof(*dp->workers));
	dp->in_rings = calloc(cfg->nb_workers, sizeof(*dp->in_rings));
	if (dp->lcores == NULL || dp->workers == NULL || dp->in_rings == NULL)
		goto nomem;
	memcpy(dp->lcores, cfg->lcores, cfg->nb_workers * sizeof(*dp->lcores));
	dp->cfg.lcores = dp->lcores;
	if (dp->cfg.tx_drain_ns == 0)
		dp->cfg.tx_drain_ns = DEFAULT_TX_DRAIN_NS;
	if (dp->cfg.idle_polls == 0)
		dp->cfg.idle_polls = DEFAULT_IDLE_POLLS;
	if (dp->cfg.linger_ns == 0)
		dp->cfg.linger_ns = DEFAULT_LINGER_NS;
	if (dp->cfg.ring_size == 0)
		dp->cfg.ring_size = DP_RING_SIZE;
	if (dp->cfg.nb_rx_queues == 0)
		dp->cfg.nb_rx_queues = 1;
	if (!rte_is_power_of_2(dp->cfg.ring_size) ||
	    dp->cfg.ring_size < DP_RX_BURST) {
		ptg_errf(err, errlen, 0, "ring size %u: not a power of two "
			 "of at least %u", dp->cfg.ring_size, DP_RX_BURST);
		rte_errno = EINVAL;
		goto fail;
	}
	dp->port_socket = rte_eth_dev_socket_id(cfg->port_id);
	if (dp->port_socket < 0)
		dp->port_socket = SOCKET_ID_ANY;
	if (cfg->nb_workers > 1 && dp->cfg.steer.nb_workers == 0) {
		uint8_t key[PTG_STEER_KEY_LEN];

		ptg_steer_key_random(key);
		ptg_steer_init(&dp->cfg.steer, key, 0, cfg->nb_workers);
	}
	if (cfg->nb_workers > 1 &&
	    dp->cfg.steer.nb_workers != cfg->nb_workers) {
		ptg_errf(err, errlen, 0, "steering table for %u workers, not "
			 "%u", dp->cfg.steer.nb_workers, cfg->nb_workers);
		rte_errno = EINVAL;
		goto fail;
	}
	if (cfg->mode == PTG_DATAPLANE_PIPELINE) {
		dp->io = rte_zmalloc_socket("ptg_io", sizeof(*dp->io),
					    RTE_CACHE_LINE_SIZE,
					    dp->port_socket);
		if (dp->io == NULL)
			goto nomem;
	}

	for (i = 0; i < cfg->nb_workers; i++) {
		uint16_t j;

		for (j = 0; j < i; j++)
			if (dp->lcores[j] == dp->lcores[i]) {
				ptg_errf(err, errlen, 0, "lcore %u given to two "
				     "workers", dp->lcores[i]);
				rte_errno = EINVAL;
				goto fail;
			}
		if (!rte_lcore_is_enabled(dp->lcores[i])) {
			ptg_errf(err, errlen, 0, "lcore %u is not enabled in EAL",
			     dp->lcores[i]);
			rte_errno = EINVAL;
			goto fail;
		}
		if (cfg->mode == PTG_DATAPLANE_PIPELINE &&
		    dp->lcores[i] == rte_get_main_lcore()) {
			ptg_errf(err, errlen, 0, "pipeline mode: the main lcore "
				 "%u is the I/O lcore, not a worker",
				 dp->lcores[i]);
			rte_errno = EINVAL;
			goto fail;
		}
		/* NUMA: a worker away from the port pays a remote access
		 * per frame. */
		if (dp->port_socket != SOCKET_ID_ANY &&
		    (int)rte_lcore_to_socket_id(dp->lcores[i]) !=
		    dp->port_socket)
			DP_LOG(WARNING, "worker lcore %u is on NUMA node %u, "
			       "the port on %d: choose lcores on the port's "
			       "node", dp->lcores[i],
			       rte_lcore_to_socket_id(dp->lcores[i]),
			       dp->port_socket);
	}
	/* nb_workers set as workers appear, so free() sees only those. */
	for (i = 0; i < cfg->nb_workers; i++) {
		dp->workers[i] = worker_create(dp, i, err, errlen);
		if (dp->workers[i] == NULL)
			goto fail;
		dp->nb_workers = i + 1;
	}
	return dp;
nomem:
	ptg_errf(err, errlen, 0, "out of memory");
	rte_errno = ENOMEM;
fail:
	e = rte_errno;
	ptg_dataplane_free(dp);
	rte_errno = e;
	return NULL;
}

void
ptg_dataplane_free(struct ptg_dataplane *dp)
{
	uint16_t i;

	if (dp == NULL)
		return;
	dp_telemetry_forget(dp);
	for (i = 0; i < dp->nb_workers; i++)
		worker_free(dp->workers[i]);
	rte_free(dp->io);
	free(dp->workers);
	free(dp->in_rings);
	free(dp->lcores);
	free(dp);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	/* EINTR (a signal) just ends the nap early. */
	nanosleep(&ts, NULL);
}

/* The main lcore when it is no worker: report ready, wait for a stop. */
static void
wait_main(struct ptg_dataplane *dp)
{
	while (!ptg_dataplane_stop_requested()) {
		dp_check_ready(dp);
		sleep_ms(dp->ready_done ? 20 : 1);
	}
}

int
ptg_dataplane_run(struct ptg_dataplane *dp, ptg_dataplane_ready_t ready,
		  void *arg)
{
	struct dp_worker *main_worker = NULL;
	uint16_t i, launched = 0;
	int rc = 0;

	dp->ready = ready;
	dp->ready_arg = arg;
	dp->ready_done = 0;
	for (i = 0; i < dp->nb_workers; i++) {
		struct dp_worker *w = dp->workers[i];

		if (w->is_main) {
			main_worker = w;
			continue;
		}
		if (rte_eal_remote_launch(dp_worker_loop, w, w->lcore) != 0) {
			DP_LOG(ERR, "lcore %u is busy: worker %u not started",
			       w->lcore, i);
			rc = -EBUSY;
			ptg_dataplane_request_stop();
			break;
		}
		launched++;
	}
	if (rc == 0) {
		if (dp->io != NULL)
			dp_io_loop(dp);
		else if (main_worker != NULL)
			dp_worker_loop(main_worker);
		else
			wait_main(dp);
	}
	for (i = 0; i < dp->nb_workers && launched > 0; i++) {
		struct dp_worker *w = dp->workers[i];

		if (w->is_main)
			continue;
		if (rte_eal_wait_lcore(w->lcore) != 0)
			rc = -EIO;
		launched--;
	}
	return rc;
}

static void
add_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += src[i];
}

/* A service's own counters (ops->stats), one slot per port; the first
 * PTG_DATAPLANE_SVC_MAX_STATS of them when it has more. */
static void
svc_add_totals(const struct dp_worker *w, struct ptg_dataplane_totals *t)
{
	uint64_t v[PTG_DATAPLANE_SVC_MAX_STATS], *vals;
	unsigned int i, j, n, nb_names;

	for (i = 0; i < w->nb_svcs; i++) {
		const struct dp_service *s = &w->svcs[i];
		struct ptg_dataplane_svc_stats *slot = NULL;

		if (s->ops->stats == NULL || s->ops->stat_names == NULL)
			continue;
		for (nb_names = 0; s->ops->stat_names[nb_names] != NULL;
		     nb_names++)
			;
		n = nb_names < PTG_DATAPLANE_SVC_MAX_STATS ? nb_names :
			PTG_DATAPLANE_SVC_MAX_STATS;
		for (j = 0; j < t->nb_svc; j++)
			if (t->svc[j].port == s->port)
				slot = &t->svc[j];
		if (slot == NULL) {
			if (t->nb_svc == PTG_DATAPLANE_SVC_MAX)
				continue;
			slot = &t->svc[t->nb_svc++];
			snprintf(slot->group, sizeof(slot->group), "svc_%u_%s",
				 s->port, s->ops->name);
			slot->names = s->ops->stat_names;
			slot->nb = n;
			slot->port = s->port;
		}
		/* ops->stats writes one value per name: room for all. */
		memset(v, 0, sizeof(v));
		vals = nb_names <= RTE_DIM(v) ? v :
			calloc(nb_names, sizeof(*vals));
		if (vals == NULL)
			continue;
		s->ops->stats(s->ctx, vals);
		add_u64s(slot->v, vals, slot->nb);
		if (vals != v)
			free(vals);
	}
}

void
dp_worker_add_totals(const struct dp_worker *w, struct ptg_dataplane_totals *t)
{
	RTE_BUILD_BUG_ON(sizeof(struct ptg_net_stats) !=
			 PTG_NET_NB_STATS * sizeof(uint64_t));
	RTE_BUILD_BUG_ON(sizeof(struct ptg_tcp_stats) !=
			 PTG_TCP_NB_STATS * sizeof(uint64_t));
	RTE_BUILD_BUG_ON(sizeof(struct ptg_dataplane_stats) !=
			 PTG_DATAPLANE_NB_STATS * sizeof(uint64_t));

	add_u64s((uint64_t *)&t->net, (const uint64_t *)ptg_net_stats(w->net),
		 PTG_NET_NB_STATS);
	add_u64s((uint64_t *)&t->tcp, (const uint64_t *)ptg_tcp_stats(w->tcp),
		 PTG_TCP_NB_STATS);
	add_u64s((uint64_t *)&t->worker, (const uint64_t *)&w->stats,
		 PTG_DATAPLANE_NB_STATS);
	svc_add_totals(w, t);
}

void
ptg_dataplane_totals(const struct ptg_dataplane *dp,
		     struct ptg_dataplane_totals *t)
{
	struct rte_eth_stats es;
	uint16_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < dp->nb_workers; i++)
		dp_worker_add_totals(dp->workers[i], t);
	if (dp->io != NULL)
		add_u64s((uint64_t *)&t->worker, (const uint64_t *)&dp->io->stats,
			 PTG_DATAPLANE_NB_STATS);
	if (rte_eth_stats_get(dp->cfg.port_id, &es) == 0) {
		t->port.ipackets = es.ipackets;
		t->port.opackets = es.opackets;
		t->port.ibytes = es.ibytes;
		t->port.obytes = es.obytes;
		t->port.imissed = es.imissed;
		t->port.ierrors = es.ierrors;
		t->port.oerrors = es.oerrors;
		t->port.rx_nombuf = es.rx_nombuf;
	}
}

static int
port_stat_is_drop(const char *name)
{
	return strcmp(name, "imissed") == 0 || strcmp(name, "ierrors") == 0 ||
	       strcmp(name, "oerrors") == 0 || strcmp(name, "rx_nombuf") == 0;
}

static int
name_is_drop(const char *name)
{
	return strncmp(name, "drop_", 5) == 0;
}

int
ptg_dataplane_totals_foreach(const struct ptg_dataplane_totals *t,
			     ptg_dataplane_stat_cb cb, void *arg)
{
	const uint64_t *v;
	unsigned int i;
	int rc;

	RTE_BUILD_BUG_ON(sizeof(struct ptg_dataplane_port_stats) !=
			 RTE_DIM(port_stat_names) * sizeof(uint64_t));

	v = (const uint64_t *)&t->net;
	for (i = 0; i < PTG_NET_NB_STATS; i++) {
		const char *n = ptg_net_stat_name(i);

		rc = cb(arg, "net", n, v[i], name_is_drop(n));
		if (rc != 0)
			return rc;
	}
	v = (const uint64_t *)&t->tcp;
	for (i = 0; i < PTG_TCP_NB_STATS; i++) {
		const char *n = ptg_tcp_stat_name(i);

		rc = cb(arg, "tcp", n, v[i], name_is_drop(n));
		if (rc != 0)
			return rc;
	}
	v = (const uint64_t *)&t->worker;
	for (i = 0; i < PTG_DATAPLANE_NB_STATS; i++) {
		rc = cb(arg, "worker", dp_stat_names[i], v[i],
			name_is_drop(dp_stat_names[i]));
		if (rc != 0)
			return rc;
	}
	v = (const uint64_t *)&t->port;
	for (i = 0; i < RTE_DIM(port_stat_names); i++) {
		rc = cb(arg, "port", port_stat_names[i], v[i],
			port_stat_is_drop(port_stat_names[i]));
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < t->nb_svc; i++) {
		const struct ptg_dataplane_svc_stats *s = &t->svc[i];

		for (unsigned int j = 0; j < s->nb; j++) {
			rc = cb(arg, s->group, s->names[j], s->v[j],
				name_is_drop(s->names[j]));
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
sum_drops(void *arg, const char *group, const char *name, uint64_t value,
	  int is_drop)
{
	RTE_SET_USED(group);
	RTE_SET_USED(name);
	if (is_drop)
		*(uint64_t *)arg += value;
	return 0;
}

uint64_t
ptg_dataplane_totals_drops(const struct ptg_dataplane_totals *t)
{
	uint64_t sum = 0;

	ptg_dataplane_totals_foreach(t, sum_drops, &sum);
	return sum;
}

unsigned int
ptg_dataplane_nb_workers(const struct ptg_dataplane *dp)
{
	return dp->nb_workers;
}

unsigned int
ptg_dataplane_worker_lcore(const struct ptg_dataplane *dp, unsigned int i)
{
	return i < dp->nb_workers ? dp->workers[i]->lcore : RTE_MAX_LCORE;
}

unsigned int
ptg_dataplane_worker_conns(const struct ptg_dataplane *dp, unsigned int i)
{
	return i < dp->nb_workers ? ptg_tcp_conn_count(dp->workers[i]->tcp) : 0;
}

void
ptg_dataplane_io_stats(const struct ptg_dataplane *dp,
		       struct ptg_dataplane_stats *s)
{
	if (dp->io != NULL)
		*s = dp->io->stats;
	else
		memset(s, 0, sizeof(*s));
}

unsigned int
ptg_dataplane_conn_count(const struct ptg_dataplane *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < dp->nb_workers; i++)
		n += ptg_tcp_conn_count(dp->workers[i]->tcp);
	return n;
}
