/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate dataplane: the clock, the worker lcores and their main loop,
 * per-worker stats, telemetry, and the graceful stop.
 *
 * Every worker lcore owns one stack object (ptg_stack.h: a net instance
 * and a TCP engine, share-nothing: no locks or atomics per packet). Each
 * flow belongs to exactly one worker, chosen by the Toeplitz hash of its
 * 4-tuple and a redirection table (ptg_steer.h). Two modes:
 *
 * Run-to-completion (PTG_DATAPLANE_RTC): worker i polls RX/TX queue i; the
 * NIC's RSS, programmed with the same key and table, spreads the flows.
 *
 *   rx burst (32) -> ptg_stack_rx(now) -> ptg_stack_poll(now)
 *   -> TX drained (ptg_stack_flush()) when RX came back empty or on a TSC
 *      deadline (tx_drain_ns); the net layer pushes full bursts itself.
 *
 * Pipeline (PTG_DATAPLANE_PIPELINE), for devices without usable RSS
 * (af_packet, tap, single-queue virtio): the main lcore is the I/O lcore.
 * It polls the port's one RX queue, computes the hash a NIC would, and
 * puts each frame on its worker's single-producer/single-consumer ring;
 * workers' output comes back through a ring each and leaves in the I/O
 * lcore's TX bursts. A full ring is a counted drop.
 *
 * Whatever the device does, a worker checks that a TCP segment it got is
 * its own and hands a stray one to its owner (an MP/SC ring per worker),
 * never treating it as unknown; active opens pick source ports that steer
 * back to the opening worker. ARP replies are checked
 * (ptg_net_arp_reply_shareable()) and copied to every worker; ARP
 * requests and ICMP are answered by whichever worker receives them.
 *
 * This library owns the only TSC reads of the project: lib/net and lib/tcp
 * get the time passed in, from ptg_dataplane_clock_ns().
 */
#ifndef PTG_DATAPLANE_H
#define PTG_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include <rte_ring.h>

#include "ptg_net.h"
#include "ptg_stack.h"
#include "ptg_steer.h"
#include "ptg_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/* ------------------------------------------------------------------ */
/* Clock                                                               */
/* ------------------------------------------------------------------ */

/**
 * Calibrate the clock (rte_get_tsc_hz()) and set its epoch to now.
 * Call once after rte_eal_init(), before any other dataplane call.
 * @return 0, or -ENOTSUP when EAL knows no TSC frequency.
 */
int ptg_dataplane_clock_init(void);

/** Nanoseconds since ptg_dataplane_clock_init(), from the TSC. */
uint64_t ptg_dataplane_clock_ns(void);

/* ------------------------------------------------------------------ */
/* Stats                                                               */
/* ------------------------------------------------------------------ */

/** Counters of one worker's loop (besides its net and tcp counters).
 *  stall_1ms, stall_10ms, stall_100ms count loops that began that long
 *  or longer after the one before: the lcore was off the CPU (preempted,
 *  or an idle sleep that overslept) while its RX ring filled and its
 *  peers' timers ran. steer_out: segments of another worker's flow
 *  handed to it; steer_in: such segments taken from the others;
 *  drop_steer_ring_full: not handed, the owner's ring was full;
 *  drop_steer_unread: left in a worker's ring when it was freed. */
#define PTG_DATAPLANE_STATS(X) \
	X(loops) X(rx_bursts) X(rx_pkts) X(idle_polls) X(idle_sleeps) \
	X(tx_calls) X(tx_pkts) X(tx_retries) X(drop_tx_full) \
	X(arp_fwd_tx) X(arp_fwd_rx) X(drop_arp_fwd_nombuf) \
	X(drop_arp_fwd_ring_full) X(stop_forced_conns) \
	X(ring_rx) X(steer_in) X(steer_out) X(drop_steer_ring_full) \
	X(drop_tx_ring_full) X(stall_1ms) X(stall_10ms) X(stall_100ms) \
	X(drop_steer_unread)

/** Counters of one worker loop. */
struct ptg_dataplane_stats {
#define PTG_DATAPLANE_STAT_FIELD(n) uint64_t n;
	PTG_DATAPLANE_STATS(PTG_DATAPLANE_STAT_FIELD)
#undef PTG_DATAPLANE_STAT_FIELD
};

#define PTG_DATAPLANE_STAT_FIELD_COUNT(n) +1
/** Number of counters in struct ptg_dataplane_stats. */
enum { PTG_DATAPLANE_NB_STATS =
	0 PTG_DATAPLANE_STATS(PTG_DATAPLANE_STAT_FIELD_COUNT) };
#undef PTG_DATAPLANE_STAT_FIELD_COUNT

/** Name of worker counter @p i. */
const char *ptg_dataplane_stat_name(unsigned int i);

/** The port's own counters (rte_eth_stats), by the names printed. */
#define PTG_DATAPLANE_PORT_STATS(X) \
	X(ipackets) X(opackets) X(ibytes) X(obytes) \
	X(imissed) X(ierrors) X(oerrors) X(rx_nombuf)

/** Port counters. */
struct ptg_dataplane_port_stats {
#define PTG_DATAPLANE_STAT_FIELD(n) uint64_t n;
	PTG_DATAPLANE_PORT_STATS(PTG_DATAPLANE_STAT_FIELD)
#undef PTG_DATAPLANE_STAT_FIELD
};

/** Every counter of the dataplane, summed over the workers. */
/** Service ports whose counters the totals carry, and counters each. */
#define PTG_DATAPLANE_SVC_MAX 32
#define PTG_DATAPLANE_SVC_MAX_STATS 48

/** Counters of one bound service port, summed over workers. */
struct ptg_dataplane_svc_stats {
	char group[32];                 /**< "svc_PORT_NAME", e.g. svc_80_http
					     (telemetry names allow [A-Za-z0-9_/]) */
	const char *const *names;       /**< the service's stat_names */
	unsigned int nb;                /**< counters in v[] */
	uint16_t port;
	uint64_t v[PTG_DATAPLANE_SVC_MAX_STATS];
};

struct ptg_dataplane_totals {
	struct ptg_net_stats net;
	struct ptg_tcp_stats tcp;
	struct ptg_dataplane_stats worker;
	struct ptg_dataplane_port_stats port;
	/** Services that report counters (ops->stats), by port order. */
	struct ptg_dataplane_svc_stats svc[PTG_DATAPLANE_SVC_MAX];
	unsigned int nb_svc;
};

/**
 * Called for each counter by ptg_dataplane_totals_foreach().
 * @param group   "net", "tcp", "worker", "port", or "svc_PORT_NAME" for a
 *                service's own counters.
 * @param is_drop the counter counts discarded frames or segments.
 * @return 0 to go on, non-zero to stop (returned by foreach).
 */
typedef int (*ptg_dataplane_stat_cb)(void *arg, const char *group,
				     const char *name, uint64_t value,
				     int is_drop);

/** Visit every counter of @p t, in X-macro order, group by group. */
int ptg_dataplane_totals_foreach(const struct ptg_dataplane_totals *t,
				 ptg_dataplane_stat_cb cb, void *arg);

/** Sum of every drop counter of @p t. */
uint64_t ptg_dataplane_totals_drops(const struct ptg_dataplane_totals *t);

/* ------------------------------------------------------------------ */
/* Dataplane                                                           */
/* ------------------------------------------------------------------ */

/** How frames reach the workers. */
enum ptg_dataplane_mode {
	PTG_DATAPLANE_RTC = 0,  /**< worker i polls RX/TX queue i */
	PTG_DATAPLANE_PIPELINE, /**< the main lcore polls queue 0, steers */
};

/** "rtc" or "pipeline". */
const char *ptg_dataplane_mode_name(enum ptg_dataplane_mode mode);

/** Configuration of the dataplane of one port. */
struct ptg_dataplane_config {
	uint16_t port_id;          /**< started port, one queue per worker */
	uint16_t nb_workers;       /**< 1..RTE_MAX_LCORE */
	const unsigned int *lcores; /**< nb_workers lcore ids (the main
					 lcore may be one of them) */
	struct rte_mempool *mp;    /**< frames the stack builds */
	struct ptg_net_config net; /**< template: mac, addr, prefix_len,
					gateway, mtu, offloads; port_id, tx
					and tx_arg are set per worker */
	struct ptg_tcp_config tcp; /**< engine configuration, per worker */
	uint64_t tx_drain_ns;      /**< TX drain deadline (0: 50 us) */
	uint32_t idle_sleep_us;    /**< sleep after idle_polls empty polls
					(0: never sleep) */
	uint32_t idle_polls;       /**< (0: 1000) */
	uint64_t linger_ns;        /**< graceful stop limit (0: 1 s) */
	enum ptg_dataplane_mode mode;
	/** Flow steering over the workers. In rtc mode over a device with
	 *  RSS: the port's key and redirection table (ptg_port_rss_key(),
	 *  ptg_port_reta_size(), the table programmed from this one).
	 *  nb_workers 0: a random symmetric key and the default table. */
	struct ptg_steer steer;
	uint8_t rx_hash_trusted;   /**< rtc: the device's RSS hash is the
					steering hash (same key and function) */
	uint32_t ring_size;        /**< per-worker rings (0: 1024) */
	uint16_t nb_rx_queues;     /**< pipeline: RX queues the I/O lcore
					polls (0: 1); TX uses queue 0 */
};

struct ptg_dataplane;

/**
 * Pick @p n worker lcores: worker lcores first; the main lcore too when
 * there is exactly one lcore short (so --workers 1 with -l 0 runs on the
 * main lcore) and @p main_may_work (not in pipeline mode, where the main
 * lcore is the I/O lcore).
 * @return 0, or -ENOSPC when EAL has too few lcores.
 */
int ptg_dataplane_pick_lcores(unsigned int n, unsigned int *lcores,
			      int main_may_work);

/**
 * Create the workers: per worker a net instance (tx: its TX queue), a TCP
 * engine, one instance of every bound service (ops->init with the bound
 * ARGS) listening on its port.
 *
 * @param err receives a message on failure.
 * @return the dataplane, or NULL with rte_errno: EINVAL (bad config, or a
 *         service's init rejected its ARGS), ENOMEM, ENOENT (unknown
 *         congestion control), or what the libraries set.
 */
struct ptg_dataplane *ptg_dataplane_create(
	const struct ptg_dataplane_config *cfg, char *err, size_t errlen);

/**
 * Free the workers (engines, service instances, net instances, rings) and
 * unregister from telemetry. The workers must not be running. Accepts NULL.
 */
void ptg_dataplane_free(struct ptg_dataplane *dp);

/** Called once, on the main lcore, when every worker is serving. */
typedef void (*ptg_dataplane_ready_t)(struct ptg_dataplane *dp, void *arg);

/**
 * Launch the workers and block until they are all done. A worker is done
 * after a stop was requested and its engine is empty (every connection
 * closed) or the linger expired. When the main lcore is a worker, it runs
 * its loop here.
 *
 * @param ready called once every worker is serving (may be NULL).
 * @return 0; -EBUSY an lcore was not free; -EIO a worker failed.
 */
int ptg_dataplane_run(struct ptg_dataplane *dp, ptg_dataplane_ready_t ready,
		      void *arg);

/**
 * Ask every worker to stop: stop listening, close connections (RST after
 * the linger). A second request stops at once. Async-signal-safe.
 */
void ptg_dataplane_request_stop(void);

/** Number of stop requests so far (0: running). */
unsigned int ptg_dataplane_stop_requested(void);

/** Sum the counters of every worker and read the port's. Thread-safe
 *  against the workers (counters may be a poll behind). */
void ptg_dataplane_totals(const struct ptg_dataplane *dp,
			  struct ptg_dataplane_totals *t);

/** Number of workers. */
unsigned int ptg_dataplane_nb_workers(const struct ptg_dataplane *dp);

/** lcore of worker @p i. */
unsigned int ptg_dataplane_worker_lcore(const struct ptg_dataplane *dp,
					unsigned int i);

/** Live connections of worker @p i. */
unsigned int ptg_dataplane_worker_conns(const struct ptg_dataplane *dp,
					unsigned int i);

/** The I/O lcore's counters (pipeline mode; zeros in rtc mode). */
void ptg_dataplane_io_stats(const struct ptg_dataplane *dp,
			    struct ptg_dataplane_stats *s);

/** Live connections over all workers. */
unsigned int ptg_dataplane_conn_count(const struct ptg_dataplane *dp);

/**
 * Make the port capturable while portgate runs: DPDK's packet-capture
 * server (rte_pdump_init()), which dpdk-dumpcap and dpdk-pdump, run as
 * secondary processes with the same --file-prefix, ask to copy the
 * port's frames to them. Costs nothing on the data path until a capture
 * starts. Primary process only, after rte_eal_init(); needs EAL's
 * multi-process channel (not with --in-memory or --no-shconf), and the
 * capturing process needs shared memory (hugepages, not --no-huge).
 * @return 0; -ENOTSUP (not the primary, or no multi-process channel);
 *         the error of rte_pdump_init().
 */
int ptg_dataplane_capture_init(void);

/** Stop answering capture requests (rte_pdump_uninit()). Accepts being
 *  called without ptg_dataplane_capture_init(). */
void ptg_dataplane_capture_fini(void);

/**
 * Register the DPDK telemetry commands (once per process; later calls
 * re-point them at @p dp):
 *   /portgate/stats          every counter summed: {"net": {...},
 *                            "tcp": {...}, "worker": {...}, "port": {...}}
 *   /portgate/worker,ID      the counters of worker ID, its connections
 *                            and lcore, its engine's mbufs_held,
 *                            mbufs_budget, mem_pressure, and the shared
 *                            pool's pool_in_use, pool_free
 *   /portgate/info           mode, workers, their lcores, connections,
 *                            mbufs of the pool and mbufs_in_use, and
 *                            the engines' connection memory (ptg_tcp_mem():
 *                            conn_slots, conn_block_bytes,
 *                            conn_table_bytes, conn_slot_bytes)
 *   /portgate/listeners      per listening port and worker: SYN and
 *                            accept queue depth, bounds and overflows
 *   /portgate/io             the I/O lcore's counters (pipeline mode)
 *   /portgate/conns[,OFFSET] connections like ss -tan, one page (24) from
 *                            OFFSET; each worker answers from its own
 *                            loop
 *   /portgate/conn_states    connections by TCP state, per worker
 * @return 0, or the error of rte_telemetry_register_cmd().
 */
int ptg_dataplane_telemetry_register(struct ptg_dataplane *dp);

/* ------------------------------------------------------------------ */
/* Steering and hand-off, for worker loops of one's own                */
/* ------------------------------------------------------------------ */

/*
 * What the dataplane's workers do to keep every flow on its owner, for
 * applications that run their own loops over lib/stack, one stack per
 * worker lcore and RX/TX queue (portgate-gen): a ptg_steer programmed
 * into the port's RSS where it can be, ports that steer back to the
 * opening worker (ptg_stack_config.steer), and an MP/SC ring per worker
 * through which the others hand it the segments of its flows and copies
 * of the ARP replies they saw.
 */

struct ptg_port;

/**
 * Set up @p s for @p workers workers over @p port. With @p use_rss and a
 * port whose RSS is on: the key in force on the port (drawn at open from
 * ptg_port_params.rss_word) and a redirection table of the port's size,
 * programmed into the port, so that the device and the workers agree on
 * every flow's owner (*@p rx_hash_trusted = 1). Otherwise: the key
 * @p drawn and the default table; the workers hand each other what the
 * device puts on the wrong queue.
 * @return 0; 1 when the port's table could not be programmed (a warning
 *         in @p err: the hand-off does the work); -EINVAL (@p err).
 */
int ptg_dataplane_steer_setup(struct ptg_port *port, int use_rss,
			      const uint8_t drawn[PTG_STEER_KEY_LEN],
			      uint16_t workers, struct ptg_steer *s,
			      uint8_t *rx_hash_trusted, char *err,
			      size_t errlen);

/** One worker's end of the hand-off between workers. */
struct ptg_dataplane_handoff {
	struct rte_ring *const *rings; /**< every worker's ring, by index */
	uint16_t nb_workers;
	uint16_t self;                 /**< this worker's index */
	struct rte_mempool *mp;        /**< for the ARP copies */
	struct ptg_net *net;           /**< this worker's (ARP checks) */
	/** Counts steer_out, drop_steer_ring_full (handing), steer_in,
	 *  arp_fwd_rx (draining), arp_fwd_tx, drop_arp_fwd_nombuf,
	 *  drop_arp_fwd_ring_full (ARP copies). */
	struct ptg_dataplane_stats *stats;
};

/** A worker's hand-off ring (MP/SC, 1024 frames), or NULL (rte_errno). */
struct rte_ring *ptg_dataplane_handoff_ring(const char *name, int socket);

/** Free a hand-off ring, counting each frame never read in
 *  @p st->drop_steer_unread (@p st may be NULL). Accepts NULL. */
void ptg_dataplane_handoff_ring_free(struct rte_ring *r,
				     struct ptg_dataplane_stats *st);

/** ptg_stack_config.stray with stray_arg a struct ptg_dataplane_handoff:
 *  @p m to worker @p owner's ring (full: freed, counted). */
void ptg_dataplane_handoff_stray(void *arg, struct rte_mbuf *m,
				 uint16_t owner);

/** Copy every ARP reply of @p pkts that ptg_net_arp_reply_shareable()
 *  passes to every other worker (the originals stay in @p pkts). */
void ptg_dataplane_handoff_arp(const struct ptg_dataplane_handoff *h,
			       struct rte_mbuf **pkts, uint16_t n);

/** Feed what the others handed this worker (a burst) to @p stack.
 *  @return frames taken. */
unsigned int ptg_dataplane_handoff_drain(const struct ptg_dataplane_handoff *h,
					 struct ptg_stack *stack, uint64_t now);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_DATAPLANE_H */
