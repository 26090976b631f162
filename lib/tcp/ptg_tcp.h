/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate TCP engine: one per worker lcore, share-nothing, no locks.
 *
 * The engine sits on a net instance (ptg_net.h): it registers as the IPv4
 * protocol 6 handler and sends through ptg_net_ip_output(). Time is always
 * passed in (nanoseconds, any epoch, monotonic); nothing in lib/tcp reads
 * the TSC, so tests drive it with an injected clock.
 *
 * The engine owns its callback contract: struct ptg_conn_ops, declared
 * here, is what every user of a connection implements (lib/service's
 * services embed one, lib/socket implements it directly). A listener
 * (ptg_tcp_listen()) or an active open (ptg_connect()) names the ops and
 * an instance pointer; the engine calls them on the lcore that owns the
 * connection, and the callbacks talk back with ptg_send(), ptg_shutdown(),
 * ptg_close() and ptg_abort(). Nothing in lib/tcp knows what sits above.
 */
#ifndef PTG_TCP_H
#define PTG_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_byteorder.h>

#include "ptg_net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/** IPv4 + TCP header bytes without options: MSS = MTU - this. */
#define PTG_TCP_IPV4_HDR_LEN 40u
/** The MSS assumed when a SYN has no MSS option (RFC 9293 3.7.1). */
#define PTG_TCP_MSS_DEFAULT 536
/** The smallest MSS the engine takes from a peer or a configuration;
 *  smaller values are raised to it (silly values cost a segment per few
 *  bytes). */
#define PTG_TCP_MSS_MIN 88

/** SYN cookie policy (RFC 4987 3.6). */
enum ptg_tcp_syncookies {
	PTG_TCP_SYNCOOKIES_AUTO = 0, /**< only when the SYN queue is full
				       (cookie ACKs taken for
				       syncookie_window_ns after that) */
	PTG_TCP_SYNCOOKIES_ALWAYS,
	PTG_TCP_SYNCOOKIES_NEVER,
};

/** Engine configuration; ptg_tcp_config_default() fills sane values. */
struct ptg_tcp_config {
	uint32_t max_conns;        /**< connection table size */
	uint32_t syn_queue_len;    /**< SYN-RECEIVED entries per listener */
	uint32_t backlog;          /**< default accept queue bound */
	uint32_t sndbuf;           /**< send buffer bytes per connection */
	uint32_t rcvbuf;           /**< receive window bytes per connection */
	uint16_t mss;              /**< our MSS (0: MTU - 40) */
	uint8_t wscale;            /**< our window shift, 0..14 */
	uint8_t sack;              /**< offer SACK-permitted */
	uint8_t timestamps;        /**< offer timestamps */
	uint8_t nodelay;           /**< 1: Nagle off (the default) */
	uint8_t accept_overflow_rst; /**< RST, not drop, on full accept queue */
	enum ptg_tcp_syncookies syncookies;
	const char *cc;            /**< congestion control: "newreno", "cubic" */
	uint64_t msl_ns;           /**< TIME-WAIT lasts 2*MSL */
	uint64_t rto_min_ns;       /**< RFC 6298 2.4 lower bound */
	uint64_t rto_max_ns;
	uint64_t rto_initial_ns;   /**< RFC 6298 2.1 */
	uint32_t syn_retries;      /**< SYN (active open) retransmissions */
	uint32_t synack_retries;   /**< SYN-ACK retransmissions */
	uint32_t max_retries;      /**< data retransmissions before giving up */
	uint64_t delack_ns;        /**< delayed ACK timer */
	uint64_t keepalive_idle_ns; /**< 0: keepalive off (per listener or
					 connection: ptg_tcp_listen_set_keepalive(),
					 ptg_conn_set_keepalive()) */
	uint64_t keepalive_intvl_ns;
	uint32_t keepalive_probes;
	uint32_t challenge_ack_limit; /**< per second (RFC 5961 7), on
					   average: each second's budget is
					   drawn from [limit/2, 3*limit/2) */
	uint64_t fin_wait2_ns;     /**< FIN-WAIT-2 lifetime after ptg_close();
				     after ptg_shutdown(), how long it may
				     go without a segment from the peer */
	/** mbufs the queues of all connections (send, receive,
	 *  out-of-order) may pin together; 0: half the frame pool (the
	 *  other half is the reserve for RX, TX and control segments);
	 *  at most the pool less an eighth. Past three quarters of it (or
	 *  with less than an eighth of the pool free) the engine is under
	 *  memory pressure: windows shrink, out-of-order data and new
	 *  connections are refused. Several engines on one pool: give each
	 *  its share. */
	uint32_t mem_bufs;
	/** TIME-WAIT records (compact, no control block) at most; beyond,
	 *  the oldest is recycled. 0: max_conns. */
	uint32_t time_wait_max;
	/** At most one ACK per this interval per connection (or TIME-WAIT
	 *  record) in reply to segments without data that are out of the
	 *  window or fail PAWS (RFC 7323 5.3; ACK loops, RFC 5961 10);
	 *  0: no limit. */
	uint64_t oow_ack_interval_ns;
	/** Auto SYN cookies: cookie ACKs are taken only this long after the
	 *  listener last sent a cookie for a full SYN queue. */
	uint64_t syncookie_window_ns;
	/** A connection left in the accept queue this long (never taken by
	 *  ptg_tcp_accept()) is reset; 0: never. */
	uint64_t accept_timeout_ns;
	/** A passive connection whose peer sent nothing (no data, no FIN)
	 *  this long after the handshake is reset; 0: never. */
	uint64_t first_data_ns;
	/** Segments with at least this many payload bytes are sent without
	 *  copying them: a header mbuf chained to indirect mbufs attached
	 *  to the send queue's buffers (retransmissions too). Only when the
	 *  port sends chained mbufs (PTG_NET_OFF_TX_MULTI_SEGS); otherwise,
	 *  and below the threshold, the payload is copied behind the
	 *  headers. 0: never (the default, see the README's figures). */
	uint32_t tx_zerocopy_min;
};

/** Fill @p cfg with defaults. */
void ptg_tcp_config_default(struct ptg_tcp_config *cfg);

/**
 * Every engine counter; each drop reason has its own.
 */
#define PTG_TCP_STATS(X) \
	X(rx_segs) X(tx_segs) X(rx_bytes) X(tx_bytes) \
	X(fastpath_data) X(fastpath_ack) \
	X(active_opens) X(passive_opens) X(established) X(accepted) \
	X(conn_closed) X(conn_reset_rx) X(conn_reset_tx) X(conn_timeout) \
	X(rst_no_listener) X(retransmits) X(rto_fired) X(fast_retransmits) \
	X(sack_retransmits) X(tlp_probes) X(dup_acks) X(ooo_segs) X(ooo_bytes) \
	X(delayed_acks) X(zero_window_probes) X(keepalive_probes) \
	X(synq_overflow) X(synack_retrans) X(synq_expired) \
	X(acceptq_overflow) X(syncookies_sent) X(syncookies_ok) \
	X(syncookies_bad) X(challenge_acks) X(challenge_ack_limited) \
	X(timewait_reuse) X(timewait_expired) X(log_suppressed) \
	X(drop_short) X(drop_cksum) X(drop_bad_offset) X(drop_bad_flags) \
	X(drop_bad_options) X(drop_not_for_us) X(drop_broadcast) \
	X(drop_no_conn) X(drop_paws) X(drop_out_of_window) X(drop_bad_ack) \
	X(drop_rst_out_of_window) X(drop_syn_in_window) X(drop_after_close) \
	X(drop_rcvbuf_full) X(drop_ooo_full) X(drop_table_full) \
	X(drop_nombuf) X(drop_listen_bad) X(drop_synsent_bad) \
	X(tx_arp_held) X(tx_dropped) X(conn_unreachable) \
	X(rcv_coalesced) X(ooo_pruned) X(mem_pressure) X(drop_ooo_pressure) \
	X(drop_mem_budget) X(drop_syn_pressure) X(snd_mem_limited) \
	X(connect_mem_refused) \
	X(timewait_recycled) X(timewait_fin_acked) X(oow_ack_limited) \
	X(syncookies_unexpected) X(acceptq_timeout) X(first_data_timeout) \
	X(fin_wait2_timeout)

/** Counters of one engine. */
struct ptg_tcp_stats {
#define PTG_TCP_STAT_FIELD(n) uint64_t n;
	PTG_TCP_STATS(PTG_TCP_STAT_FIELD)
#undef PTG_TCP_STAT_FIELD
};

#define PTG_TCP_STAT_FIELD_COUNT(n) +1
enum { PTG_TCP_NB_STATS = 0 PTG_TCP_STATS(PTG_TCP_STAT_FIELD_COUNT) };
#undef PTG_TCP_STAT_FIELD_COUNT

/** Name of counter @p i. */
const char *ptg_tcp_stat_name(unsigned int i);

/** RFC 9293 3.3.2 states. */
enum ptg_tcp_state {
	PTG_TCPS_CLOSED = 0,
	PTG_TCPS_LISTEN,
	PTG_TCPS_SYN_SENT,
	PTG_TCPS_SYN_RECEIVED,
	PTG_TCPS_ESTABLISHED,
	PTG_TCPS_FIN_WAIT_1,
	PTG_TCPS_FIN_WAIT_2,
	PTG_TCPS_CLOSE_WAIT,
	PTG_TCPS_CLOSING,
	PTG_TCPS_LAST_ACK,
	PTG_TCPS_TIME_WAIT,
	PTG_TCPS_NB
};

/** Printable state name ("ESTABLISHED", ...). */
const char *ptg_tcp_state_str(enum ptg_tcp_state s);

struct ptg_tcp;

/**
 * A connection, as a handle.
 *
 * Handles: a struct ptg_conn * given to a service (by on_accept, any
 * callback, ptg_connect() or ptg_tcp_accept()) names that connection
 * until its on_close returns. It carries a generation: the engine's
 * connection blocks are reused, and the address alone would let a handle
 * kept past on_close act on whichever connection got its block next.
 * Every call taking a handle checks the generation (a load and a
 * compare, nothing on the per-packet path) and treats a stale handle as
 * a connection that is gone: -ENOTCONN from ptg_send(), ptg_shutdown(),
 * ptg_close(), ptg_abort(), ptg_conn_set_rcvbuf(); 0 or NULL from the
 * accessors; PTG_TCPS_CLOSED from ptg_conn_state(); nothing done by the
 * setters and ptg_recv_resume(). Handles compare equal only for the same
 * connection. They are not addresses: never dereference one. (The
 * generation has 16 bits: a handle kept through 65,535 reuses of its
 * block would match again.)
 */
struct ptg_conn;

/** Why a connection ended, as given to on_close. */
enum ptg_close_reason {
	PTG_CLOSE_NORMAL = 0, /**< both sides closed with FIN */
	PTG_CLOSE_RESET,      /**< the peer sent an acceptable RST */
	PTG_CLOSE_TIMEOUT,    /**< retransmission, keepalive or SYN timeout */
	PTG_CLOSE_ABORT,      /**< this side aborted (ptg_abort) */
	PTG_CLOSE_REFUSED,    /**< active open answered by RST */
	PTG_CLOSE_SHUTDOWN,   /**< the engine is stopping */
	PTG_CLOSE_UNREACHABLE, /**< timed out while the next hop did not
				    answer ARP (RFC 1122 2.3.2.1, 4.2.3.5) */
};

/** Printable name of a close reason ("normal", "reset", ...). */
const char *ptg_close_reason_str(enum ptg_close_reason r);

/**
 * The per-connection callback contract. Callbacks run on the lcore that
 * owns the connection and may call ptg_send(), ptg_shutdown(),
 * ptg_close() and ptg_abort() on it.
 *
 * @c size must be sizeof(struct ptg_conn_ops) as the caller was compiled
 * (PTG_CONN_OPS_SIZE): the engine refuses ops of another size with
 * -EPROTO / EPROTO, so code built against another version of this header
 * is refused instead of misread.
 */
struct ptg_conn_ops {
	uint32_t size; /**< PTG_CONN_OPS_SIZE */

	/** A connection left the accept queue. Return 0 to keep it, or
	 *  non-zero to have it reset. Optional. */
	int (*on_accept)(struct ptg_conn *c);
	/** In-order bytes arrived. Return how many were consumed (0..len);
	 *  the rest stay queued, shrink the window, and are offered again
	 *  after the next on_writable or ptg_recv_resume(). Optional: without
	 *  it, received bytes are dropped as they arrive. */
	size_t (*on_data)(struct ptg_conn *c, const void *data, size_t len);
	/** Send space opened after a ptg_send() that was short, or the
	 *  connection became established (active open). Optional. */
	void (*on_writable)(struct ptg_conn *c);
	/** The peer sent FIN: no more data will come. Called only once
	 *  on_data has consumed every byte before the FIN. Optional. */
	void (*on_fin)(struct ptg_conn *c);
	/** Last callback for @p c; the handle is invalid afterwards.
	 *  Required. */
	void (*on_close)(struct ptg_conn *c, enum ptg_close_reason reason);
};

/** The @c size of a struct ptg_conn_ops built against this header. */
#define PTG_CONN_OPS_SIZE ((uint32_t)sizeof(struct ptg_conn_ops))

/**
 * Whether @p ops can be used by this engine: non-NULL, of this header's
 * size, with on_close set.
 * @return 0; -EINVAL (NULL or no on_close); -EPROTO (other size).
 */
int ptg_conn_ops_check(const struct ptg_conn_ops *ops);

/**
 * Create an engine on @p net (registers itself as the TCP handler).
 * The ISN secret (RFC 6528) is drawn fresh from rte_rand() each call.
 * @return the engine, or NULL with rte_errno: EINVAL, ENOMEM, ENOENT
 *         (unknown congestion control), ENOTSUP (memory above 2^48: the
 *         handles' generation needs the top 16 bits of an address).
 */
struct ptg_tcp *ptg_tcp_create(struct ptg_net *net,
			       const struct ptg_tcp_config *cfg, int socket);

/** Free the engine and every connection, without callbacks. Accepts NULL. */
void ptg_tcp_free(struct ptg_tcp *tcp);

/**
 * Advance the engine's clock to @p now_ns: fire due timers, deliver the
 * accept queues to services, flush pending output. Call once per loop.
 */
void ptg_tcp_poll(struct ptg_tcp *tcp, uint64_t now_ns);

/**
 * Listen on @p port; accepted connections get @p ops, and @p svc_ctx as
 * ptg_conn_service_ctx().
 * @param backlog accept queue bound (0: config default).
 * @return 0; -EADDRINUSE; -EINVAL; -EPROTO (ops of another size);
 *         -ENOMEM.
 */
int ptg_tcp_listen(struct ptg_tcp *tcp, uint16_t port,
		   const struct ptg_conn_ops *ops, void *svc_ctx,
		   uint32_t backlog);

/**
 * Stop listening on @p port; queued connections are reset. The port is
 * free at once; the listener's memory goes at the end of the poll, so
 * this may be called from any callback, on_accept of that very listener
 * included.
 * @return 0; -ENOENT no listener.
 */
int ptg_tcp_unlisten(struct ptg_tcp *tcp, uint16_t port);

/**
 * Manual accept mode for @p port: connections stay in the accept queue until
 * ptg_tcp_accept() takes them (the socket API uses this). Default: off, the
 * engine hands each to ops->on_accept at the end of the poll.
 */
int ptg_tcp_set_manual_accept(struct ptg_tcp *tcp, uint16_t port, int on);

/** Take one established connection off @p port's accept queue, or NULL. */
struct ptg_conn *ptg_tcp_accept(struct ptg_tcp *tcp, uint16_t port);

/**
 * Keepalive (RFC 1122 4.2.3.6) for connections accepted on @p port from
 * now on: a probe after @p idle_ns without a segment from the peer, then
 * every @p intvl_ns, reset after @p probes unanswered ones. @p idle_ns 0:
 * off for them (whatever the engine's config says).
 * @return 0; -ENOENT no listener; -EINVAL @p intvl_ns 0 with idle on.
 */
int ptg_tcp_listen_set_keepalive(struct ptg_tcp *tcp, uint16_t port,
				 uint64_t idle_ns, uint64_t intvl_ns,
				 uint32_t probes);

/**
 * Receive buffer (the window's ceiling) for connections accepted on
 * @p port from now on; 0 restores the engine's default.
 * @return 0; -ENOENT no listener; -EINVAL below 1024 bytes.
 */
int ptg_tcp_listen_set_rcvbuf(struct ptg_tcp *tcp, uint16_t port,
			      uint32_t bytes);

/** The queues of one listener (ptg_tcp_listener_info()). */
struct ptg_tcp_listener_info {
	uint16_t port;
	uint32_t synq_len;          /**< SYN-RECEIVED connections queued */
	uint32_t synq_max;          /**< the engine's syn_queue_len */
	uint32_t acceptq_len;       /**< established, not yet accepted */
	uint32_t backlog;           /**< accept queue bound */
	uint64_t synq_overflow;     /**< SYNs met a full SYN queue */
	uint64_t acceptq_overflow;  /**< handshakes met a full accept queue */
};

/**
 * The queues of the listener on @p port.
 * @return 0; -ENOENT no listener.
 */
int ptg_tcp_listener_info(const struct ptg_tcp *tcp, uint16_t port,
			  struct ptg_tcp_listener_info *info);

/** Connections in @p port's accept queue. */
unsigned int ptg_tcp_accept_queue_len(struct ptg_tcp *tcp, uint16_t port);

/**
 * Stop: stop listening, send FIN on every connection (RST after
 * @p linger_ns if not done), no new active opens. ptg_tcp_conn_count()
 * reaches 0 when done.
 */
void ptg_tcp_stop(struct ptg_tcp *tcp, uint64_t now_ns, uint64_t linger_ns);

/** Memory the connection queues of an engine pin, in mbufs. */
struct ptg_tcp_mem_info {
	uint32_t bufs_held;     /**< in send, receive, out-of-order queues */
	uint32_t bufs_max;      /**< the budget (ptg_tcp_config.mem_bufs) */
	uint32_t bufs_pressure; /**< pressure starts here */
	uint8_t pressure;       /**< under memory pressure now */
};

/** The memory of @p tcp's queues. */
void ptg_tcp_mem_info(const struct ptg_tcp *tcp, struct ptg_tcp_mem_info *info);

/** Live connections (TIME-WAIT and SYN-RECEIVED included). */
unsigned int ptg_tcp_conn_count(const struct ptg_tcp *tcp);

/** Tuples in TIME-WAIT (records, not connections: their handles are gone
 *  since on_close). */
unsigned int ptg_tcp_timewait_count(const struct ptg_tcp *tcp);

/** Counters. */
const struct ptg_tcp_stats *ptg_tcp_stats(const struct ptg_tcp *tcp);

/** What the engine's connection table costs (ptg_tcp_mem()). */
struct ptg_tcp_mem {
	uint32_t slots;        /**< connections it can hold (max_conns) */
	uint32_t in_use;       /**< live ones, as ptg_tcp_conn_count() */
	uint64_t block_bytes;  /**< one control block with its pool's
				    per-object overhead */
	uint64_t table_bytes;  /**< the block pool and the 4-tuple table for
				    every slot, as allocated at create (heap
				    growth measured then) */
};

/**
 * The engine's own accounting of connection memory. An idle connection
 * holds nothing else: its send and receive queues are empty mbuf chains.
 * @return 0; -EINVAL (NULL).
 */
int ptg_tcp_mem(const struct ptg_tcp *tcp, struct ptg_tcp_mem *m);

/** The engine's net instance. */
struct ptg_net *ptg_tcp_net(const struct ptg_tcp *tcp);

/**
 * Active open to @p dst:@p dport (network order address, host order port)
 * from @p sport (0: ephemeral). @p ops->on_writable fires when the
 * connection is established; on_close(PTG_CLOSE_REFUSED/TIMEOUT) if not.
 * @return the connection, or NULL with rte_errno: EINVAL, EPROTO (ops of
 *         another size), EADDRINUSE, ENOSPC, ENETUNREACH, ESHUTDOWN,
 *         ENOBUFS (the engine is under memory pressure).
 */
struct ptg_conn *ptg_connect(struct ptg_tcp *tcp, rte_be32_t dst,
			     uint16_t dport, uint16_t sport,
			     const struct ptg_conn_ops *ops, void *svc_ctx,
			     uint64_t now_ns);

/**
 * Whether an ephemeral source port may be used for an active open from
 * @p laddr:@p lport to @p raddr:@p rport (addresses network order, ports
 * host order): with several engines, only ports whose return traffic is
 * steered to this engine's core will do.
 */
typedef int (*ptg_tcp_sport_filter_t)(void *arg, rte_be32_t laddr,
				      uint16_t lport, rte_be32_t raddr,
				      uint16_t rport);

/**
 * Install @p fn (NULL: none) as the engine's filter for ephemeral ports
 * of ptg_connect(). A port given explicitly to ptg_connect() is not
 * filtered: the caller chose it.
 */
void ptg_tcp_set_sport_filter(struct ptg_tcp *tcp, ptg_tcp_sport_filter_t fn,
			      void *arg);

/**
 * ptg_connect() from local address @p src (network order): the engine's
 * own address (ptg_net_config.addr, also when @p src is 0) or one of the
 * net's further local addresses (ptg_net_config.extra_addr), so that one
 * engine can open more than 64K connections to one server port.
 * @return as ptg_connect(); rte_errno EADDRNOTAVAIL when @p src is not
 *         local.
 */
struct ptg_conn *ptg_connect_from(struct ptg_tcp *tcp, rte_be32_t src,
				  rte_be32_t dst, uint16_t dport,
				  uint16_t sport,
				  const struct ptg_conn_ops *ops,
				  void *svc_ctx, uint64_t now_ns);

/**
 * The engine's clock: the time given by the latest input, poll or
 * ptg_connect() (ns, the caller's epoch). Lets a callback stamp events
 * or pass the time on to ptg_connect() without a clock of its own.
 */
uint64_t ptg_tcp_now(const struct ptg_tcp *tcp);

/**
 * Give up active open @p c unless it is established within @p ns from
 * now, whatever SYN retransmissions are left: the engine then frees it,
 * counts conn_timeout and calls on_close(PTG_CLOSE_TIMEOUT).
 * @return 0; -EINVAL (@p ns 0); -ENOTCONN (@p c gone, or not an active
 *         open still in SYN-SENT).
 */
int ptg_conn_set_connect_timeout(struct ptg_conn *c, uint64_t ns);

/**
 * Queue @p len bytes for sending (copied).
 * @return bytes accepted (may be fewer than len, 0 when the buffer is full
 *         or the engine's memory budget is spent: on_writable follows),
 *         or -ENOTCONN, -EPIPE (after shutdown), -ENOBUFS.
 */
ssize_t ptg_send(struct ptg_conn *c, const void *data, size_t len);

/** Free space in the send buffer, in bytes (less when the engine's
 *  memory budget is spent). */
size_t ptg_send_space(const struct ptg_conn *c);

/** Bytes queued but not yet acknowledged. */
size_t ptg_send_queued(const struct ptg_conn *c);

/** Close the sending direction: FIN after queued data (RFC 9293 3.10.4). */
int ptg_shutdown(struct ptg_conn *c);

/** Close: shutdown and detach from the service once both sides are done;
 *  on_close still follows. */
int ptg_close(struct ptg_conn *c);

/** Abort: send RST, free at once; on_close(PTG_CLOSE_ABORT) is called. */
int ptg_abort(struct ptg_conn *c);

/** Re-offer queued received data to on_data (after the service caught up). */
void ptg_recv_resume(struct ptg_conn *c);

/**
 * Copy received in-order bytes that on_data has not consumed, without
 * consuming them (MSG_PEEK): up to @p len of them, from @p off bytes past
 * the first, whatever the mbufs they sit in.
 * @return bytes copied (0 past the end, or when @p c is NULL or gone).
 */
size_t ptg_recv_peek(const struct ptg_conn *c, size_t off, void *buf,
		     size_t len);

/**
 * Set the receive buffer of @p c, clamped to the engine's rcvbuf (which
 * also fixed the window scale at the handshake). A smaller buffer never
 * moves an advertised right edge back (RFC 9293 3.8.6.2.2).
 * @return 0; -EINVAL below 1024 bytes; -ENOTCONN.
 */
int ptg_conn_set_rcvbuf(struct ptg_conn *c, uint32_t bytes);

/** Receive buffer in force for @p c. */
uint32_t ptg_conn_rcvbuf(const struct ptg_conn *c);

/**
 * Keepalive for @p c, as ptg_tcp_listen_set_keepalive() (@p idle_ns 0:
 * off). Idle time counts from the peer's last segment.
 * @return 0; -ENOTCONN; -EINVAL @p intvl_ns 0 with idle on.
 */
int ptg_conn_set_keepalive(struct ptg_conn *c, uint64_t idle_ns,
			   uint64_t intvl_ns, uint32_t probes);

/** Per-connection Nagle (RFC 9293 3.7.4). */
void ptg_conn_set_nodelay(struct ptg_conn *c, int on);

/** Service's per-connection pointer. */
void ptg_conn_set_ctx(struct ptg_conn *c, void *ctx);
void *ptg_conn_ctx(const struct ptg_conn *c);

/** The instance pointer given to ptg_tcp_listen()/ptg_connect(). */
void *ptg_conn_service_ctx(const struct ptg_conn *c);

/** The owning engine. */
struct ptg_tcp *ptg_conn_tcp(const struct ptg_conn *c);

/** Connection state. */
enum ptg_tcp_state ptg_conn_state(const struct ptg_conn *c);

/** Endpoints: addresses network order, ports host order. */
void ptg_conn_endpoints(const struct ptg_conn *c, rte_be32_t *laddr,
			uint16_t *lport, rte_be32_t *raddr, uint16_t *rport);

/** Per-connection view for tests and tools. */
struct ptg_conn_info {
	enum ptg_tcp_state state;
	uint32_t snd_una, snd_nxt, snd_wnd, rcv_nxt, rcv_wnd;
	uint32_t cwnd, ssthresh, mss;
	uint8_t snd_wscale, rcv_wscale, sack_ok, ts_ok;
	uint64_t srtt_ns, rto_ns;
	uint32_t retransmits;
	size_t sndq_bytes, rcvq_bytes, ooo_bytes;
	/** Timers armed, as the time left until each fires at the engine's
	 *  last poll (ns; 0: off; an overdue timer reads 1). */
	uint64_t rexmt_left_ns;  /**< RTO, SYN or SYN-ACK retransmission, or
				      the persist timer (@c persist) */
	uint64_t delack_left_ns; /**< delayed ACK */
	uint64_t keep_left_ns;   /**< keepalive, FIN-WAIT-2 lifetime, or
				      TIME-WAIT (by @c state) */
	uint8_t persist;         /**< the rexmt timer is the persist timer */
	uint8_t backoff;         /**< RTO backoff count */
	/** mbufs pinned by the queues; rcv_bufs_max bounds rcvq + ooo */
	uint32_t sndq_bufs, rcvq_bufs, ooo_bufs, rcv_bufs_max;
};
void ptg_conn_info(const struct ptg_conn *c, struct ptg_conn_info *info);

/** Called by ptg_tcp_conn_foreach() for each connection; return 0 to go
 *  on, non-zero to stop. */
typedef int (*ptg_tcp_conn_cb)(void *arg, const struct ptg_conn *c);

/**
 * Visit every connection in @p tcp's table (SYN-RECEIVED, established,
 * closing, TIME-WAIT), in table order, which is stable while the table
 * does not change. For the engine's own lcore only (telemetry asks the
 * worker, see lib/dataplane); @p cb may read the connection
 * (ptg_conn_info(), ptg_conn_endpoints()) but not change it or the table.
 * @return 0 after the last one, or what @p cb returned to stop.
 */
int ptg_tcp_conn_foreach(const struct ptg_tcp *tcp, ptg_tcp_conn_cb cb,
			 void *arg);

/**
 * The connection after cursor @p iter (start with *iter = 0), for a walk
 * spread over several calls (a few connections per poll loop): the same
 * order as ptg_tcp_conn_foreach(); connections opened or closed between
 * calls may or may not be seen. Same rules as ptg_tcp_conn_foreach().
 * @return 0 and *c; -ENOENT after the last one.
 */
int ptg_tcp_conn_next(const struct ptg_tcp *tcp, uint32_t *iter,
		      const struct ptg_conn **c);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_TCP_H */
