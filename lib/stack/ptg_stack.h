/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate stack: one NIC-less instance of the network layer (ptg_net.h)
 * and the TCP engine (ptg_tcp.h), the single entry point through which
 * the dataplane workers, the socket API, the unit-test kits, the engine
 * benchmark and the fuzz targets drive portgate.
 *
 * A stack is created from a config naming a TX callback, fed received
 * frames with an explicit time, advanced with an explicit time, and
 * destroyed with everything it holds. It never reads a clock and never
 * touches a device: whoever owns it decides where frames come from and
 * go to, and what time it is.
 *
 *   ptg_stack_create() -> ptg_net_create() -> ptg_tcp_create()
 *   ptg_stack_rx()     -> [ptg_steer_owner(): another worker's flow ->
 *                         cfg.stray()] -> ptg_net_input()
 *                         -> eth -> arp | ipv4 -> icmp | tcp
 *   ptg_stack_poll()   -> ptg_net_timer() (ARP) -> ptg_tcp_poll() (timers,
 *                         accept queues -> ops->on_accept, reap)
 *   ptg_stack_flush()  -> ptg_net_flush() -> cfg.net.tx()
 *   ptg_stack_free()   -> ptg_tcp_free() -> ptg_net_free()
 *
 * A stack belongs to one thread (one worker lcore): no call locks.
 */
#ifndef PTG_STACK_H
#define PTG_STACK_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ptg_net.h"
#include "ptg_steer.h"
#include "ptg_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/**
 * Hand frame @p m, which belongs to worker @p owner's flow, to that
 * worker. The callee owns @p m from here (it counts and frees what it
 * cannot deliver).
 */
typedef void (*ptg_stack_stray_t)(void *arg, struct rte_mbuf *m,
				  uint16_t owner);

/** What a stack is made of. ptg_stack_config_default() fills it. */
struct ptg_stack_config {
	/** Address, MAC, MTU, offloads, ARP limits, and the TX callback
	 *  (net.tx, net.tx_arg) that receives every frame the stack sends. */
	struct ptg_net_config net;
	/** The engine's configuration. */
	struct ptg_tcp_config tcp;
	/** 0: with a TCP engine; 1: the network layer alone (ARP, ICMP). */
	uint8_t no_tcp;
	/** Run the ARP timer at most once per this many ns of stack time
	 *  (0: at every ptg_stack_poll()). */
	uint64_t net_timer_ns;
	/** Steering over several workers (NULL, or one worker: every flow
	 *  is this stack's). With it, ptg_stack_rx() hands each TCP segment
	 *  of another worker's flow to @c stray instead of taking it, and
	 *  active opens pick source ports that steer back to @c worker. */
	const struct ptg_steer *steer;
	uint16_t worker;           /**< this stack's worker index */
	uint8_t steer_use_rx_hash; /**< trust m->hash.rss (the NIC's RSS
					with the steering key) */
	ptg_stack_stray_t stray;   /**< required with steer */
	void *stray_arg;
	/** Pool of frames the stack allocates from (required). */
	struct rte_mempool *mp;
	/** NUMA socket of the stack's memory (SOCKET_ID_ANY: any). */
	int socket;
};

struct ptg_stack;

/** Defaults: the engine's (ptg_tcp_config_default()), MTU 1500, any
 *  socket; net.addr, net.tx and mp are left for the caller. */
void ptg_stack_config_default(struct ptg_stack_config *cfg);

/**
 * Create a stack.
 * @return the stack, or NULL with rte_errno: EINVAL (no mp or net.tx, a
 *         bad address or engine config), ENOMEM, ENOENT (unknown
 *         congestion control).
 */
struct ptg_stack *ptg_stack_create(const struct ptg_stack_config *cfg);

/** Free the stack, its engine (connections freed without callbacks) and
 *  its network layer; frames not flushed yet are freed. Accepts NULL. */
void ptg_stack_free(struct ptg_stack *st);

/**
 * Hand @p n received frames to the stack at time @p now_ns (ns, any
 * monotonic epoch). The stack owns them from here: each is consumed,
 * queued, dropped with a counter, or (with steering) handed to the
 * worker that owns its flow through cfg.stray. Replies are batched: they
 * leave on ptg_stack_flush() or when a batch of PTG_NET_TX_BURST is full.
 */
void ptg_stack_rx(struct ptg_stack *st, struct rte_mbuf **pkts, uint16_t n,
		  uint64_t now_ns);

/**
 * Advance the stack to @p now_ns: ARP retries and aging (at most every
 * net_timer_ns), TCP timers, hand-over of accepted connections to their
 * ops, and release of connections destroyed since the last poll.
 */
void ptg_stack_poll(struct ptg_stack *st, uint64_t now_ns);

/** Send every batched frame through the TX callback now. */
void ptg_stack_flush(struct ptg_stack *st);

/** The stack's network layer. */
struct ptg_net *ptg_stack_net(const struct ptg_stack *st);

/** The stack's TCP engine (NULL with no_tcp). */
struct ptg_tcp *ptg_stack_tcp(const struct ptg_stack *st);

/** Frames handed to other workers by ptg_stack_rx() so far. */
uint64_t ptg_stack_strays(const struct ptg_stack *st);

/** The config the stack was created with. */
const struct ptg_stack_config *ptg_stack_config(const struct ptg_stack *st);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_STACK_H */
