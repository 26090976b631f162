/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/dataplane internals: the clock state, the per-worker context, the
 * dataplane object shared by the worker loop, stats and telemetry.
 */
#ifndef PTG_DATAPLANE_PRIV_H
#define PTG_DATAPLANE_PRIV_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_ring.h>

#include "ptg_base.h"
#include "ptg_dataplane.h"
#include "ptg_service.h"
#include "ptg_stack.h"

extern int ptg_dataplane_logtype;
#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ptg_dataplane_logtype, \
		"DATAPLANE: " fmt "\n", ##__VA_ARGS__)

#define DP_RX_BURST 32
/* Frames handed to one worker by the others (ARP copies, strays). */
#define DP_HANDOFF_RING_SIZE 1024
/* Default size of the pipeline rings (I/O -> worker, worker -> I/O). */
#define DP_RING_SIZE 1024
/* Listening ports a worker publishes for telemetry. */
#define DP_LISTENERS_MAX 64
/* How often a worker refreshes what it publishes (ns). */
#define DP_PUBLISH_NS (100ull * 1000 * 1000)
/* Extra tx_burst attempts before unsent frames are freed. */
#define DP_TX_RETRIES 2
/* The ARP timer (retries, aging sweep) runs at most this often. */
#define DP_NET_TIMER_NS (1000ull * 1000)
/* A gap between two loops of a worker counted as a stall (1, 10 and
 * 100 times this: stall_1ms, stall_10ms, stall_100ms). */
#define DP_STALL_1MS_NS (1000ull * 1000)
/* After the linger, time for the engine's RSTs to leave. */
#define DP_STOP_GRACE_NS (100ull * 1000 * 1000)

/* TSC -> ns: ns = ((tsc - base) * mult) >> 32. */
struct dp_clock {
	uint64_t base;
	uint64_t mult;
	uint64_t hz;
};
extern struct dp_clock dp_clock;

/* Stop requests so far (ptg_dataplane_request_stop()), atomic. */
extern unsigned int dp_stop_requests;

__extension__ typedef unsigned __int128 dp_u128;

static inline uint64_t
dp_clock_ns(void)
{
	uint64_t d = rte_rdtsc() - dp_clock.base;

	return (uint64_t)(((dp_u128)d * dp_clock.mult) >> 32);
}

enum dp_worker_state {
	DP_WORKER_IDLE = 0,
	DP_WORKER_SERVING,
	DP_WORKER_DONE,
};

/* Connections listed per /portgate/conns page: a reply must fit the
 * telemetry output limit (16 KB in DPDK 22.11); a row takes ~250 bytes,
 * ~370 with every field at its widest, so 24 of them ~9 KB at most. */
#define DP_CONNS_PAGE 24
/* Connections a worker visits per loop while answering (bounds the time
 * a request takes from packet processing). */
#define DP_CONNS_STEP 256
/* How long telemetry waits for a worker's answer. */
#define DP_CONNS_WAIT_NS (500ull * 1000 * 1000)

/* One connection of a /portgate/conns page. */
struct dp_conn_row {
	struct ptg_conn_info info;
	rte_be32_t laddr, raddr;
	uint16_t lport, rport;
};

/*
 * Telemetry asks a worker for its connections (telemetry.c), the worker
 * answers from its own loop (conns.c): the engine's table is never read
 * by another thread. The telemetry thread writes skip/max, then bumps
 * req (release); the worker sees req != done, walks its table
 * DP_CONNS_STEP connections per loop, counting all of them by state and
 * copying rows [skip, skip + max), then stores done = req (release); the
 * telemetry thread reads the answer after seeing done == its req
 * (acquire). One request at a time per worker (telemetry holds a lock).
 */
struct dp_conns_mbox {
	/* written by telemetry */
	uint32_t req __rte_cache_aligned;
	uint32_t skip, max;
	/* written by the worker */
	uint32_t done __rte_cache_aligned;
	uint32_t total;                   /* connections seen */
	uint32_t n;                       /* rows copied */
	uint32_t states[PTG_TCPS_NB];
	struct dp_conn_row rows[DP_CONNS_PAGE];
	/* the worker's walk in progress */
	uint32_t active, cur, iter, w_skip, w_max;
};

/* One service instance of a worker. */
struct dp_service {
	const struct ptg_service_ops *ops;
	void *ctx;
	uint16_t port;
};

/* One worker lcore's context: read-mostly fields first, then what the
 * worker writes on every loop on a cache line of its own. */
struct dp_worker {
	struct ptg_dataplane *dp;
	struct ptg_stack *stack;      /* net + engine: everything per packet */
	struct ptg_net *net;          /* ptg_stack_net(stack) */
	struct ptg_tcp *tcp;          /* ptg_stack_tcp(stack) */
	struct rte_ring *in_ring;   /* from other workers: ARP replies they
				       saw, segments of our flows (MP/SC);
				       NULL with one worker */
	struct ptg_dataplane_handoff ho; /* our end of the hand-off */
	struct rte_ring *rx_ring;   /* pipeline: from the I/O lcore (SP/SC) */
	struct rte_ring *tx_ring;   /* pipeline: to the I/O lcore (SP/SC) */
	struct rte_mempool *mp;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t index;
	uint8_t is_main;            /* runs on the main lcore */
	unsigned int lcore;
	int socket;
	struct dp_service *svcs;
	unsigned int nb_svcs;

	struct ptg_dataplane_stats stats __rte_cache_aligned;
	uint32_t state;             /* enum dp_worker_state, atomic */
	/* Published for telemetry every DP_PUBLISH_NS (read racily). */
	uint32_t pub_conns;
	uint32_t pub_nb_listeners;
	uint64_t publish_at;
	struct ptg_tcp_listener_info pub_listeners[DP_LISTENERS_MAX];
	/* /portgate/conns requests and answers. */
	struct dp_conns_mbox conns __rte_cache_aligned;
} __rte_cache_aligned;

/* The I/O lcore of pipeline mode (the main lcore). */
struct dp_io {
	struct ptg_dataplane_stats stats __rte_cache_aligned;
	uint32_t state;             /* enum dp_worker_state */
};

struct ptg_dataplane {
	struct ptg_dataplane_config cfg; /* cfg.lcores points to lcores */
	unsigned int *lcores;
	struct dp_worker **workers;
	struct rte_ring **in_rings; /* every worker's in_ring, by index */
	uint16_t nb_workers;
	struct dp_io *io;           /* pipeline mode only */
	int port_socket;            /* NUMA node of the port (rings) */
	ptg_dataplane_ready_t ready;
	void *ready_arg;
	uint32_t ready_done;
};

/* Worker loop (worker.c). */
int dp_worker_loop(void *arg);
uint16_t dp_worker_tx(void *arg, struct rte_mbuf **pkts, uint16_t n);
uint16_t dp_worker_tx_ring(void *arg, struct rte_mbuf **pkts, uint16_t n);
/* Answer a pending /portgate/conns request, a step at a time (conns.c). */
void dp_conns_step(struct dp_worker *w);
/* Is a /portgate/conns request waiting for worker @p w? */
static inline int
dp_conns_pending(const struct dp_worker *w)
{
	return __atomic_load_n(&w->conns.req, __ATOMIC_RELAXED) !=
		w->conns.done;
}
/* A loop that came @p gap ns after the one before (>= 1 ms): count it
 * in stall_1ms, stall_10ms, stall_100ms (worker.c). */
void dp_stall_count(struct ptg_dataplane_stats *st, uint64_t gap);
/* Pipeline mode: the I/O loop on the main lcore (io.c). */
void dp_io_loop(struct ptg_dataplane *dp);
/* Call ready once every worker serves (main lcore only). */
void dp_check_ready(struct ptg_dataplane *dp);

/* Add worker @p w's counters into @p t (net, tcp, worker groups). */
void dp_worker_add_totals(const struct dp_worker *w,
			  struct ptg_dataplane_totals *t);

/* Telemetry hook: forget @p dp if it is the one registered. */
void dp_telemetry_forget(const struct ptg_dataplane *dp);

#endif /* PTG_DATAPLANE_PRIV_H */
