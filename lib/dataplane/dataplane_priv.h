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
void dp_worker_handoff(void *arg, struct rte_mbuf *m, uint16_t owner);
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
