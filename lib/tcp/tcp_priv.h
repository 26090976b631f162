/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP engine internals: the control block, the listener, the engine context,
 * and the functions the tcp_*.c files share. Never installed.
 */
#ifndef TCP_PRIV_H
#define TCP_PRIV_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "ptg_base.h"
#include "ptg_tcp.h"
#include "tcp_seq.h"


/* Log type "ptg.tcp" (--log-level ptg.tcp:debug). */
extern int ptg_tcp_logtype;
/* Whether ptg.tcp might log at @level (ptg_ratelimit_maybe(): loads
 * and compares); the cold function it guards decides. */
#define TCP_LOG_ON(tcp, level) \
	unlikely(ptg_ratelimit_maybe(&(tcp)->log_rl, (tcp)->now, \
				     (int)RTE_LOG_ ## level))
/* A line about connection @c (a peer can trigger it: rate-limited per
 * engine), prefixed with its 4-tuple. */
#define TCP_CONN_LOG(level, c, fmt, ...) \
	PTG_LOG_RL(&(c)->tcp->log_rl, (c)->tcp->now, ptg_tcp_logtype, level, \
		   "TCP: " TCP_TUPLE_FMT " " fmt, TCP_TUPLE_ARGS(c), \
		   ##__VA_ARGS__)
#define TCP_IP_FMT "%u.%u.%u.%u"
#define TCP_IP_ARGS(a) \
	(unsigned int)(rte_be_to_cpu_32(a) >> 24), \
	(unsigned int)(rte_be_to_cpu_32(a) >> 16 & 0xff), \
	(unsigned int)(rte_be_to_cpu_32(a) >> 8 & 0xff), \
	(unsigned int)(rte_be_to_cpu_32(a) & 0xff)
#define TCP_TUPLE_FMT TCP_IP_FMT ":%u > " TCP_IP_FMT ":%u"
#define TCP_TUPLE_ARGS(c) TCP_IP_ARGS((c)->raddr), (unsigned int)(c)->rport, \
	TCP_IP_ARGS((c)->laddr), (unsigned int)(c)->lport

#define TCP_STAT(tcp, name) ((tcp)->stats.name++)
#define TCP_STAT_ADD(tcp, name, n) ((tcp)->stats.name += (n))

/* Header sizes. */
#define TCP_HDR_LEN 20u
#define TCP_MAX_OPT_LEN 40u
#define TCP_IP_HDR_LEN 20u
#define TCP_MAX_WSCALE 14             /* RFC 7323 2.3 */
#define TCP_WIN_MAX 65535u            /* largest unscaled window */
#define TCP_SACK_MAX_BLOCKS 4u        /* on the wire, per segment */
#define TCP_SCOREBOARD_MAX 16         /* peer SACK ranges we remember */
#define TCP_DUPTHRESH 3               /* RFC 5681 3.2, RFC 6675 2 */
#define TCP_RTO_AFTER_SYN_LOSS_US 3000000u /* RFC 6298 5.7 */
#define TCP_PAWS_IDLE_NS (24ULL * 86400 * 1000000000ULL) /* RFC 7323 5.5 */

/* Clock helpers: the timestamp clock ticks every 2^20 ns (~1.05 ms), the
 * timer wheel likewise, so both are shifts, never divisions. */
#define TCP_TICK_SHIFT 20
static inline uint32_t tcp_ts_clock(uint64_t now_ns) { return (uint32_t)(now_ns >> TCP_TICK_SHIFT); }
static inline uint64_t tcp_ts_to_ns(uint32_t ticks) { return (uint64_t)ticks << TCP_TICK_SHIFT; }

/* Parsed options of one received segment. */
struct tcp_opts {
	uint16_t mss;
	uint8_t wscale;          /* valid if has_ws */
	uint8_t has_mss : 1, has_ws : 1, sack_ok : 1, has_ts : 1;
	uint8_t nb_sack;
	uint32_t tsval, tsecr;
	uint32_t sack[TCP_SACK_MAX_BLOCKS][2]; /* host order [start, end) */
};

/* A received segment, decoded once by tcp_input(). */
struct tcp_seg {
	struct rte_mbuf *m;      /* data at the IPv4 header */
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t seq, ack;       /* host order */
	uint32_t len;            /* payload bytes */
	uint32_t wnd;            /* raw window field, unscaled */
	uint16_t hdr_len;        /* IPv4 + TCP header bytes */
	uint8_t flags;
	struct tcp_opts opt;
};

/* Connection flags (conn->flags). */
#define TF_ACKNOW        (1u << 0)  /* send an ACK at the end of input */
#define TF_DELACK        (1u << 1)  /* an ACK is owed, timer running */
#define TF_SACK_OK       (1u << 2)  /* RFC 2018 negotiated */
#define TF_TS_OK         (1u << 3)  /* RFC 7323 timestamps negotiated */
#define TF_WS_OK         (1u << 4)  /* RFC 7323 window scale negotiated */
#define TF_NODELAY       (1u << 5)  /* Nagle off */
#define TF_FIN_QUEUED    (1u << 6)  /* ptg_shutdown(): FIN after the data */
#define TF_FIN_SENT      (1u << 7)  /* FIN is in snd_max */
#define TF_FIN_RCVD      (1u << 8)  /* the peer's FIN was consumed */
#define TF_DETACHED      (1u << 9)  /* ptg_close(): no more callbacks but on_close */
#define TF_ACCEPTED      (1u << 10) /* service owns it (on_accept done) */
#define TF_IN_RECOVERY   (1u << 11) /* fast recovery (RFC 6582 / 6675) */
#define TF_WANT_WRITABLE (1u << 12) /* a send came up short */
#define TF_DEAD          (1u << 13) /* destroyed; freed at end of batch */
#define TF_CLOSE_NOTIFIED (1u << 14) /* on_close was called */
#define TF_ACTIVE        (1u << 15) /* we sent the first SYN */
#define TF_RTT_TIMING    (1u << 16) /* rtt_seq is being timed (Karn) */
#define TF_IN_ACCEPTQ    (1u << 17)
#define TF_IN_SYNQ       (1u << 18)
#define TF_PERSIST       (1u << 19) /* rexmt timer is the persist timer */
#define TF_OOO_FIN       (1u << 20) /* a FIN was seen at ooo_fin_seq */
#define TF_WND_UPDATE    (1u << 21) /* window opened: advertise it */
#define TF_IN_CALLBACK   (1u << 22) /* a service callback is running */
#define TF_FIN_NOTIFIED  (1u << 23) /* on_fin was called */
#define TF_IN_ON_DATA    (1u << 24) /* on_data runs: rcvq holds its bytes */
#define TF_CLOSE_PENDING (1u << 25) /* ptg_close() from on_data, after it */
#define TF_DSACK         (1u << 26) /* dsack_start/end go out first (RFC 2883) */
#define TF_TX_HELD       (1u << 27) /* the last segment sent waits behind ARP
					or was dropped below us; cleared by
					any segment from the peer */
#define TF_TW_VIEW       (1u << 28) /* ptg_tcp.tw_view: a TIME-WAIT record
					shown to a table walk */

/* Timer kinds a control block can have armed at once. */
enum tcp_timer_kind {
	TT_REXMT = 0,  /* RTO, SYN/SYN-ACK retransmit, or persist */
	TT_DELACK,
	TT_KEEP,       /* keepalive, FIN-WAIT-2 lifetime, or TIME-WAIT 2*MSL */
	TT_NB
};

/* One entry of the hashed timer wheel (per engine). */
struct tcp_timer {
	LIST_ENTRY(tcp_timer) link;
	uint64_t slot_tick;     /* tick it is filed under; 0: not filed */
};

/* Send or receive byte queue: a chain of mbufs linked through m->next.
 * Bytes are read from head at offset head_off. */
struct tcp_bufq {
	struct rte_mbuf *head, *tail;
	uint32_t head_off;
	uint32_t bytes;
	uint32_t nb_mbufs;
};

/* A SACKed range [start, end) reported by the peer (RFC 6675 scoreboard). */
struct tcp_sack_range {
	uint32_t start, end;
};

struct tcp_listener;
struct ptg_cc_ops;

/* The control block. Lean: no buffers while idle (queues are NULL). */
struct ptg_conn {
	/* --- identity and hot input state --- */
	rte_be32_t laddr, raddr;
	uint16_t lport, rport;        /* host order */
	uint8_t state;                /* enum ptg_tcp_state */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t rexmt_shift;          /* backoff count */
	uint32_t flags;               /* TF_* */
	uint32_t hash;                /* table hash of the 4-tuple */

	uint32_t snd_una, snd_nxt, snd_max, snd_wnd, max_snd_wnd;
	uint32_t snd_wl1, snd_wl2, iss;
	uint32_t rcv_nxt, rcv_adv, irs;
	uint32_t last_ack_sent;
	uint32_t ooo_fin_seq;
	uint16_t mss;                 /* effective send MSS (data bytes) */
	uint16_t peer_mss;
	uint8_t dupacks;
	uint8_t keep_probes;
	uint8_t sack_nb;              /* scoreboard ranges in use */
	uint8_t delack_segs;          /* full segments not yet ACKed */

	/* --- timestamps (RFC 7323) --- */
	uint32_t ts_recent;
	uint32_t ts_offset;
	uint64_t ts_recent_age;       /* ns when ts_recent was set */

	/* --- RTT and RTO (RFC 6298), microseconds --- */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t rtt_seq;
	uint64_t rtt_start_ns;

	/* --- congestion control --- */
	uint32_t cwnd, ssthresh;
	uint32_t recover;             /* RFC 6582 */
	uint32_t high_rxt;            /* RFC 6675 HighRxt */
	uint32_t bytes_acked;         /* CA byte counting */
	const struct ptg_cc_ops *cc;
	uint64_t cc_priv[5];          /* algorithm state (CUBIC) */
	struct tcp_sack_range sack[TCP_SCOREBOARD_MAX];

	/* --- data --- */
	uint32_t snd_seq0;            /* sequence of sndq's first byte */
	struct tcp_bufq sndq;         /* unacked + unsent */
	struct tcp_bufq rcvq;         /* in order, not yet consumed */
	struct rte_mbuf *ooo;         /* out of order, sorted, via m->next */
	uint32_t ooo_bytes;
	uint32_t ooo_stamp;           /* ooo arrivals so far: held segments
					 carry the count at their arrival */
	uint16_t ooo_nb;
	uint16_t retransmits_total;
	uint32_t rcvbuf;              /* window ceiling (SO_RCVBUF) */
	uint32_t dsack_start, dsack_end; /* duplicate bytes of the segment
					    being processed (TF_DSACK) */

	/* --- timers --- */
	uint64_t t_deadline[TT_NB];   /* ns; 0 = off */
	struct tcp_timer timer;
	uint64_t last_rx_ns;          /* keepalive idle */

	/* --- ownership --- */
	struct ptg_tcp *tcp;
	struct tcp_listener *listener; /* while in SYN or accept queue */
	TAILQ_ENTRY(ptg_conn) qlink;   /* SYN/accept queue, or free list */
	const struct ptg_conn_ops *ops;
	void *svc_ctx;
	void *user_ctx;
	uint8_t close_reason;
	uint16_t gen;                 /* handle generation (tcp_handle()) */
	uint16_t rcv_bufs_lim;        /* receive buffers held before the
					 window counts them (tcp_rcv_bufs_update()) */
	uint16_t ip_id;               /* next IPv4 ID */
	uint32_t oow_ack_tick;        /* last rate-limited ACK (ts clock) */
	uint32_t estab_tick;          /* ESTABLISHED since (ts clock) */
	uint32_t keep_idle_ms;        /* keepalive: 0 off */
	uint32_t keep_intvl_ms;
	uint8_t keep_probes_max;
} __rte_cache_aligned;

TAILQ_HEAD(tcp_conn_list, ptg_conn);

/*
 * Handles (ptg_tcp.h, "Handles"): what the engine gives a service for a
 * block is its address with the block's generation in the top 16 bits,
 * which user-space addresses leave free (ptg_tcp_create() checks the
 * pool). A block's generation changes when it goes back to the pool
 * (tcp_conn_reap()) and is never 0, so every user call sees at once
 * whether the handle still names the connection it was given for.
 * The engine itself passes bare pointers (top bits 0): not checked.
 */
#define TCP_HANDLE_SHIFT 48
#define TCP_HANDLE_MASK ((UINT64_C(1) << TCP_HANDLE_SHIFT) - 1)

static inline struct ptg_conn *tcp_handle(const struct ptg_conn *c)
{
	return (struct ptg_conn *)((uintptr_t)c |
				   ((uintptr_t)c->gen << TCP_HANDLE_SHIFT));
}

/* The block a handle names, or NULL for NULL or a stale handle. */
static inline struct ptg_conn *tcp_conn_of(const struct ptg_conn *h)
{
	uintptr_t v = (uintptr_t)h;
	struct ptg_conn *c = (struct ptg_conn *)(v & TCP_HANDLE_MASK);
	uint16_t gen = (uint16_t)(v >> TCP_HANDLE_SHIFT);

	if (unlikely(c == NULL) || (gen != 0 && unlikely(c->gen != gen)))
		return NULL;
	return c;
}

/* Layout, checked at build time: the block stays at 9 cache lines (the
 * README's figure), and what a segment's lookup and header prediction
 * read (4-tuple, state, flags, SND.UNA..SND.MAX, RCV.NXT, RCV.ADV) sits in
 * the first one. */
static_assert(sizeof(struct ptg_conn) == 9 * RTE_CACHE_LINE_SIZE,
	      "struct ptg_conn is no longer 576 bytes: update the README");
static_assert(offsetof(struct ptg_conn, rcv_adv) + sizeof(uint32_t) <=
	      RTE_CACHE_LINE_SIZE,
	      "the header-prediction fields left the first cache line");

/* A listening port. */
struct tcp_listener {
	uint16_t port;
	uint8_t manual_accept;
	uint8_t in_ready;
	uint8_t closing;              /* unlistened; freed at the poll's end */
	TAILQ_ENTRY(tcp_listener) rlink; /* ready list, or the dead list */
	const struct ptg_conn_ops *ops;
	void *svc_ctx;
	uint32_t backlog;
	uint32_t rcvbuf;              /* 0: the engine's */
	uint32_t synq_len, acceptq_len;
	uint64_t synq_overflow, acceptq_overflow; /* this listener's share */
	uint64_t cookie_ns;           /* last cookie sent for an overflow */
	uint8_t keep_set;             /* keepalive below, not the engine's */
	uint8_t keep_probes;
	uint32_t keep_idle_ms, keep_intvl_ms;
	struct tcp_conn_list synq;
	struct tcp_conn_list acceptq;
};

/*
 * A connection in TIME-WAIT once its control block is gone
 * (tcp_timewait.c): its tuple, what the ACK of a retransmitted FIN
 * carries, what RFC 6191 compares a new SYN with, and when it expires.
 * In the connection table as its address | TCP_TW_TAG.
 */
struct tcp_tw {
	TAILQ_ENTRY(tcp_tw) link;     /* expiry order, or the free list */
	uint64_t expire_ns;
	rte_be32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t snd_nxt, rcv_nxt;
	uint32_t rcv_wnd;             /* the window last advertised */
	uint32_t ts_recent, ts_offset;
	uint8_t rcv_wscale;
	uint8_t flags;                /* TW_* */
	uint32_t oow_ack_tick;        /* last rate-limited ACK (ts clock) */
};
#define TW_TS_OK 0x01
#define TCP_TW_TAG ((uintptr_t)1)

static_assert(sizeof(struct tcp_tw) <= RTE_CACHE_LINE_SIZE,
	      "a TIME-WAIT record is meant to fit a cache line");

static inline int tcp_entry_is_tw(const void *e)
{
	return ((uintptr_t)e & TCP_TW_TAG) != 0;
}

static inline struct tcp_tw *tcp_entry_tw(void *e)
{
	return (struct tcp_tw *)((uintptr_t)e & ~TCP_TW_TAG);
}

/* Fill @p tcp's tw_view from record @p tw and return it. */
const struct ptg_conn *tcp_tw_view(const struct ptg_tcp *tcp,
				   const struct tcp_tw *tw);

/* Connection table key (RFC 9293 3.2: the 4-tuple names a connection). */
struct tcp_key {
	rte_be32_t raddr, laddr;
	uint16_t rport, lport;
} __rte_packed;

/* Congestion control as ops (STYLE 12; FreeBSD's cc/ modules). */
struct ptg_cc_ops {
	uint32_t size;             /* PTG_CC_OPS_SIZE: others are not used */
	const char *name;
	void (*init)(struct ptg_conn *c);
	/* New data acked outside recovery: grow cwnd. */
	void (*ack)(struct ptg_conn *c, uint32_t acked, uint64_t now_ns);
	/* Loss detected (fast retransmit or RTO): return the new ssthresh. */
	uint32_t (*ssthresh)(struct ptg_conn *c, uint64_t now_ns);
	/* Recovery ended with a full ACK. */
	void (*post_recovery)(struct ptg_conn *c, uint64_t now_ns);
	/* The RTO fired (cwnd already set to one segment). */
	void (*after_timeout)(struct ptg_conn *c, uint64_t now_ns);
};

#define PTG_CC_OPS_SIZE ((uint32_t)sizeof(struct ptg_cc_ops))

extern const struct ptg_cc_ops tcp_cc_newreno;
extern const struct ptg_cc_ops tcp_cc_cubic;
const struct ptg_cc_ops *tcp_cc_find(const char *name);

/* The engine: one per worker lcore. */
struct ptg_tcp {
	struct ptg_net *net;
	struct rte_mempool *mp;       /* frames (net's pool) */
	struct rte_mempool *conn_pool;
	struct rte_hash *table;
	struct ptg_tcp_config cfg;
	const struct ptg_cc_ops *cc;
	rte_be32_t laddr;
	uint32_t extra_first;         /* further local addresses (net config), */
	uint32_t nb_extra;            /* first in host order, and how many */
	uint32_t offloads;            /* PTG_NET_OFF_*, copied at create */
	uint64_t now;
	uint32_t nb_conns;
	uint64_t table_bytes;         /* pool + table, heap growth at create */
	uint8_t stopping;
	uint16_t eph_next;
	ptg_tcp_sport_filter_t sport_ok; /* ephemeral ports this core may use */
	void *sport_ok_arg;

	/* RFC 6528 / RFC 4987 keys, fresh each start. */
	uint64_t isn_key[2];
	uint64_t cookie_key[2];

	/* RFC 5961 7: challenge ACK rate limit, a budget per second. */
	uint64_t chack_window_start;
	uint32_t chack_budget;

	/* Log lines a peer can trigger (ptg.tcp debug): rate-limited. */
	struct ptg_ratelimit log_rl;

	/* Timer wheel. */
	LIST_HEAD(tcp_timer_slot, tcp_timer) *wheel;
	uint32_t wheel_mask;
	uint64_t wheel_tick;          /* last tick processed */

	/* Memory (tcp_bufq.c, tcp_reass.c): mbufs held by every queue of
	 * every connection, the budget, and where pressure starts. */
	uint32_t bufs_held;
	uint32_t bufs_max;
	uint32_t bufs_pressure;
	uint32_t bufs_pressure_at;    /* bufs_pressure, or 0 when pool_low */
	uint8_t buf_shift;            /* log2 of a buffer's payload room */
	uint32_t tx_zc_min;           /* payload sent zero-copy from this
					 size (UINT32_MAX: never) */
	uint8_t pool_low;             /* the frame pool ran low (poll) */
	uint8_t in_pressure;          /* last poll found pressure */
	uint64_t pool_check_tick;

	struct tcp_conn_list deadq;   /* destroyed, returned at end of batch */
	/* TIME-WAIT records (tcp_timewait.c). */
	struct tcp_tw *tw_mem;
	TAILQ_HEAD(, tcp_tw) tw_list; /* oldest (first to expire) first */
	TAILQ_HEAD(, tcp_tw) tw_free;
	uint32_t nb_tw;
	uint32_t tw_iss_hint;         /* RFC 6191: ISS floor for a reused tuple */
	uint8_t tw_iss_valid;
	uint32_t nb_listeners;
	TAILQ_HEAD(, tcp_listener) ready; /* listeners with connections to hand over */
	TAILQ_HEAD(, tcp_listener) dead_listeners; /* unlistened, not freed */
	struct tcp_listener *listeners[UINT16_MAX + 1];
	struct ptg_tcp_stats stats;
	/* What ptg_tcp_conn_foreach()/_next() show for a TIME-WAIT record,
	 * which is no control block (tcp_tw_view()). */
	struct ptg_conn tw_view;
};

/* @p a (network order) is one of the engine's local addresses. */
static inline int
tcp_addr_is_local(const struct ptg_tcp *tcp, rte_be32_t a)
{
	return a == tcp->laddr ||
	       rte_be_to_cpu_32(a) - tcp->extra_first < tcp->nb_extra;
}

/* tcp_conn.c: the connection table and life cycle */
struct ptg_conn *tcp_conn_alloc(struct ptg_tcp *tcp, rte_be32_t laddr,
				uint16_t lport, rte_be32_t raddr, uint16_t rport);
void tcp_conn_destroy(struct ptg_conn *c, enum ptg_close_reason reason);
void tcp_conn_reap(struct ptg_tcp *tcp);
void tcp_conn_reset(struct ptg_conn *c, enum ptg_close_reason reason);
struct ptg_conn *tcp_lookup(struct ptg_tcp *tcp, const struct tcp_key *k);
/* The table entry of @k: a block, a tagged TIME-WAIT record, or NULL. */
void *tcp_lookup_any(struct ptg_tcp *tcp, const struct tcp_key *k);
/* The block leaves the table's books (its key now names a TIME-WAIT
 * record) and goes to the dead queue; on_close was called. */
void tcp_conn_retire(struct ptg_conn *c);
void tcp_set_state(struct ptg_conn *c, enum ptg_tcp_state s);
/* ptg.tcp debug line for @c going to state @s (closing: @reason). */
void tcp_log_state(struct ptg_conn *c, enum ptg_tcp_state s,
		   enum ptg_close_reason reason);

/* tcp_usr.c: user calls */
int tcp_route_ok(struct ptg_tcp *tcp, rte_be32_t dst);
uint32_t tcp_send_space(const struct ptg_conn *c);

/* tcp_listen.c: listeners, SYN and accept queues, cookies */
void tcp_listen_input(struct ptg_tcp *tcp, struct tcp_listener *l,
		      struct tcp_seg *seg);
void tcp_listen_unqueue(struct ptg_conn *c);
void tcp_listen_hand_over(struct ptg_tcp *tcp);
void tcp_listen_reap(struct ptg_tcp *tcp);
void tcp_established(struct ptg_conn *c);
/* Our window shift: the smallest that lets rcvbuf fit, up to cfg.wscale
 * (RFC 7323 2.2). */
uint8_t tcp_rcv_wscale(const struct ptg_tcp *tcp);

/* tcp_upcall.c: every call into a connection's ops */
void tcp_upcall_accept(struct ptg_conn *c);
void tcp_notify_close(struct ptg_conn *c, enum ptg_close_reason reason);
void tcp_deliver(struct ptg_conn *c);
void tcp_after_ack(struct ptg_conn *c);

/* tcp_input.c */
void tcp_input(void *arg, struct rte_mbuf *m, uint64_t now_ns);
void tcp_conn_input(struct ptg_conn *c, struct tcp_seg *seg);
/* Options of a SYN or SYN-ACK: MSS, window scale, SACK, timestamps. */
void tcp_negotiate(struct ptg_conn *c, const struct tcp_seg *seg);

/* tcp_output.c */
int tcp_output(struct ptg_conn *c);
int tcp_send_ctl(struct ptg_conn *c, uint8_t flags, uint32_t seq);
int tcp_send_ack(struct ptg_conn *c);
int tcp_send_challenge_ack(struct ptg_conn *c);
/* The ACK to a segment that is out of the window or fails PAWS: at most
 * one per oow_ack_interval_ns for one without data (a SYN or FIN counts
 * as data). */
int tcp_send_oow_ack(struct ptg_conn *c, const struct tcp_seg *seg);
int tcp_oow_ack_allowed(struct ptg_tcp *tcp, uint32_t *last,
			const struct tcp_seg *seg);
/* Why an ACK goes out of TIME-WAIT (each kind has its rate limit). */
enum tcp_ack_kind {
	TCP_ACK_REPLY,      /* to an unacceptable segment, or the FIN's */
	TCP_ACK_CHALLENGE,  /* RFC 5961 */
};
int tcp_send_tw_ack(struct ptg_tcp *tcp, const struct tcp_tw *tw,
		    enum tcp_ack_kind kind);
int tcp_send_synack(struct ptg_conn *c);
int tcp_send_syn(struct ptg_conn *c);
int tcp_retransmit_one(struct ptg_conn *c, uint32_t seq, uint32_t max_len);
void tcp_respond_rst(struct ptg_tcp *tcp, const struct tcp_seg *seg);
int tcp_send_cookie_synack(struct ptg_tcp *tcp, const struct tcp_seg *seg,
			   uint32_t iss, uint16_t mss, uint32_t tsval,
			   uint8_t wscale, uint8_t sack_ok);
uint32_t tcp_rcv_space_mem(const struct ptg_conn *c, uint32_t space);
uint16_t tcp_mss_for_mtu(const struct ptg_tcp *tcp);
uint32_t tcp_seg_room(const struct ptg_conn *c);

/* tcp_options.c */
int tcp_parse_options(const uint8_t *p, unsigned int len, int syn,
		      struct tcp_opts *o);
unsigned int tcp_write_syn_options(uint8_t *p, uint16_t mss, int ws,
				   uint8_t wscale, int sack, int ts,
				   uint32_t tsval, uint32_t tsecr);
unsigned int tcp_write_options(const struct ptg_conn *c, uint8_t *p,
			       uint32_t tsval, int with_sack);

/* tcp_timer.c */
int tcp_timer_init(struct ptg_tcp *tcp, int socket);
void tcp_timer_fini(struct ptg_tcp *tcp);
void tcp_timer_arm(struct ptg_conn *c, enum tcp_timer_kind k, uint64_t at_ns);
void tcp_timer_stop(struct ptg_conn *c, enum tcp_timer_kind k);
void tcp_timer_stop_all(struct ptg_conn *c);
void tcp_timer_advance(struct ptg_tcp *tcp, uint64_t now_ns);
void tcp_rexmt_restart(struct ptg_conn *c);
/* TT_KEEP (keepalive, accept queue, first data, FIN-WAIT-2) no later
 * than @at_ns. */
void tcp_keep_arm(struct ptg_conn *c, uint64_t at_ns);
/* At ESTABLISHED: the first of the TT_KEEP deadlines that apply. */
void tcp_keep_start(struct ptg_conn *c);
/* A keepalive time in ms (what a block keeps): at least 1 ms unless 0. */
static inline uint32_t tcp_ns_ms(uint64_t ns)
{
	uint64_t ms = ns / 1000000ULL;

	return ns == 0 ? 0 : (uint32_t)RTE_MIN(RTE_MAX(ms, 1ULL),
					       (uint64_t)UINT32_MAX);
}

/* tcp_timewait.c */
int tcp_tw_init(struct ptg_tcp *tcp, int socket);
void tcp_tw_fini(struct ptg_tcp *tcp);
void tcp_time_wait(struct ptg_conn *c);
int tcp_tw_input(struct ptg_tcp *tcp, struct tcp_tw *tw, struct tcp_seg *seg,
		 int listening);
void tcp_tw_expire(struct ptg_tcp *tcp, uint64_t now_ns);
void tcp_tw_flush(struct ptg_tcp *tcp);
int tcp_tw_recycle_oldest(struct ptg_tcp *tcp);

/* tcp_bufq.c: every mbuf a queue links is charged to tcp->bufs_held */
void tcp_bufq_free(struct ptg_tcp *tcp, struct tcp_bufq *q);
uint32_t tcp_bufq_append(struct ptg_tcp *tcp, struct tcp_bufq *q,
			 const void *data, uint32_t len);
void tcp_bufq_append_mbuf(struct ptg_tcp *tcp, struct tcp_bufq *q,
			  struct rte_mbuf *m);
void tcp_bufq_drop(struct ptg_tcp *tcp, struct tcp_bufq *q, uint32_t len);
uint32_t tcp_sndq_append(struct ptg_tcp *tcp, struct tcp_bufq *q,
			 const void *data, uint32_t len);
int tcp_bufq_attach(const struct tcp_bufq *q, uint32_t off, uint32_t len,
		    struct rte_mbuf *dst, struct rte_mempool *mp);
int tcp_bufq_copy(const struct tcp_bufq *q, uint32_t off, uint32_t len,
		  struct rte_mbuf *dst, struct rte_mempool *mp);

/* tcp_reass.c: out-of-order queue and receiver SACK blocks */
#define TCP_REASS_FULL (-1)      /* the connection's receive side is full */
#define TCP_REASS_PRESSURE (-2)  /* the engine is under memory pressure */
int tcp_reass_insert(struct ptg_conn *c, struct rte_mbuf *m, uint32_t seq,
		     uint32_t len);
uint32_t tcp_reass_prune(struct ptg_conn *c, uint32_t n);
void tcp_reass_pull(struct ptg_conn *c);
void tcp_reass_free(struct ptg_conn *c);
/* The SACK blocks of the next segment: a D-SACK block first if one is
 * pending, then held data, most recently reported first (RFC 2018 4,
 * RFC 2883 4); at most @max. */
unsigned int tcp_reass_sack_blocks(const struct ptg_conn *c,
				   uint32_t blocks[][2], unsigned int max);
/* Bytes [start, end) of the segment being processed arrived before. */
void tcp_reass_dsack(struct ptg_conn *c, uint32_t start, uint32_t end);
/* Whether the next segment carries a SACK option. */
static inline int tcp_reass_has_sack(const struct ptg_conn *c)
{
	return (c->flags & TF_SACK_OK) &&
	       (c->ooo != NULL || (c->flags & TF_DSACK));
}

/* tcp_sack.c: sender scoreboard (RFC 6675) */
uint32_t tcp_sack_update(struct ptg_conn *c, const struct tcp_opts *o);
void tcp_sack_clear(struct ptg_conn *c);
uint32_t tcp_sack_pipe(const struct ptg_conn *c);
int tcp_sack_next_hole(struct ptg_conn *c, uint32_t *seq, uint32_t *len);
int tcp_sack_is_lost(const struct ptg_conn *c, uint32_t seq);
uint32_t tcp_sack_highest(const struct ptg_conn *c);

/* tcp_isn.c: keyed hashes (RFC 6528, RFC 4987, RFC 7323 5.4) */
uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len);
uint64_t tcp_tuple_secret(struct ptg_tcp *tcp, rte_be32_t laddr,
			  uint16_t lport, rte_be32_t raddr, uint16_t rport);
uint32_t tcp_isn_from(uint64_t secret, uint64_t now_ns);
#define TCP_COOKIE_NO_TS 0xffu        /* ts_bits: no timestamps */
#define TCP_COOKIE_TS_MAC_MASK 0x3fu  /* MAC bits carried in our TSval */
uint32_t tcp_cookie_make(struct ptg_tcp *tcp, const struct tcp_seg *seg,
			 uint16_t *mss, uint32_t ts_bits, uint32_t *ts_mac,
			 uint64_t now_ns);
int tcp_cookie_check(struct ptg_tcp *tcp, const struct tcp_seg *seg,
		     uint16_t *mss, uint32_t ts_bits, uint32_t ts_mac,
		     uint64_t now_ns);

/* RTT (tcp_output.c) */
void tcp_rtt_sample(struct ptg_conn *c, uint32_t rtt_us);
uint64_t tcp_rto_ns(const struct ptg_conn *c);

/*
 * Invariants (tcp_check.c), checked with PTG_ASSERT wherever NDEBUG is off
 * (debug and sanitizer builds); in release builds the calls vanish.
 *   tcp_conn_check():   SND.UNA <= SND.NXT <= SND.MAX, queue and flag
 *                       consistency, timers filed when armed
 *   tcp_listen_check(): SYN and accept queue lengths match their lists
 *   tcp_table_check():  the connection count matches the table
 *   tcp_state_legal():  a state change follows RFC 9293's diagram
 */
#if PTG_ASSERTS_ON
void tcp_conn_check(const struct ptg_conn *c);
void tcp_listen_check(const struct ptg_tcp *tcp, const struct tcp_listener *l);
void tcp_table_check(const struct ptg_tcp *tcp);
#else
static inline void tcp_conn_check(const struct ptg_conn *c) { RTE_SET_USED(c); }
static inline void tcp_listen_check(const struct ptg_tcp *tcp,
				    const struct tcp_listener *l)
{ RTE_SET_USED(tcp); RTE_SET_USED(l); }
static inline void tcp_table_check(const struct ptg_tcp *tcp) { RTE_SET_USED(tcp); }
#endif
int tcp_state_legal(enum ptg_tcp_state from, enum ptg_tcp_state to);

static inline uint32_t tcp_flight(const struct ptg_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* Bytes in sndq not yet sent (data only; FIN excluded). */
static inline uint32_t tcp_unsent(const struct ptg_conn *c)
{
	uint32_t end = c->snd_seq0 + c->sndq.bytes;

	return seq_lt(c->snd_nxt, end) ? end - c->snd_nxt : 0;
}

/*
 * Memory accounting in buffers (tcp_conn.c sets the numbers):
 *   tcp_rcv_bufs()      mbufs a connection's receive side pins (in-order
 *                       and out-of-order queues)
 *   tcp_rcv_bufs_max()  its bound: what twice its receive buffer fills
 *                       in whole buffers (Linux: truesize against rcvbuf)
 *   tcp_mem_pressure()  the engine is past 3/4 of its budget, or the
 *                       frame pool ran low: windows shrink, out-of-order
 *                       data and new connections are refused
 *   tcp_mem_over()      the budget is spent: nothing takes a new buffer
 *                       but a connection whose queue is empty
 */
#define TCP_RCV_BUFS_MIN 4u

static inline uint32_t tcp_rcv_bufs(const struct ptg_conn *c)
{
	return c->rcvq.nb_mbufs + c->ooo_nb;
}

static inline uint32_t tcp_rcv_bufs_max(const struct ptg_conn *c)
{
	uint32_t n = (uint32_t)(((uint64_t)c->rcvbuf * 2) >> c->tcp->buf_shift);

	return RTE_MIN(RTE_MAX(n, TCP_RCV_BUFS_MIN), (uint32_t)UINT16_MAX);
}

/* Once the MSS is known (tcp_negotiate(), a cookie's ACK), and when
 * rcvbuf changes: how many buffers the receive side may hold before what
 * the rest hold in full segments could fall below rcvbuf (until then the
 * window needs no look at buffers; 0 before: it always looks). */
static inline void tcp_rcv_bufs_update(struct ptg_conn *c)
{
	uint32_t max = tcp_rcv_bufs_max(c);
	uint32_t per_buf = RTE_MIN((uint32_t)c->mss, 1u << c->tcp->buf_shift);
	uint32_t need = (c->rcvbuf + per_buf - 1) / RTE_MAX(per_buf, 1u);

	c->rcv_bufs_lim = (uint16_t)(need < max ? max - need : 0);
}

static inline int tcp_mem_pressure(const struct ptg_tcp *tcp)
{
	return tcp->bufs_held >= tcp->bufs_pressure_at;
}

static inline int tcp_mem_over(const struct ptg_tcp *tcp)
{
	return tcp->bufs_held >= tcp->bufs_max;
}

/* Bytes that can still be copied into @m: its tailroom if nobody else
 * holds or shares its buffer. */
static inline uint32_t tcp_mbuf_room(const struct rte_mbuf *m)
{
	if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1)
		return 0;
	return rte_pktmbuf_tailroom(m);
}

/* Free room of a send-queue buffer: it may be shared with segments in
 * flight (tcp_bufq_attach()), which cover only bytes below data_len. */
static inline uint32_t tcp_sndq_room(const struct rte_mbuf *m)
{
	if (!RTE_MBUF_DIRECT(m))
		return 0;
	return rte_pktmbuf_tailroom(m);
}

/*
 * Receive window to advertise (RFC 9293 3.8.6.2.2): free buffer space, but
 * never moving the right edge left, and not opening it by less than
 * min(RCV.BUFF/2, MSS) (receiver-side silly window avoidance).
 * Free space is counted in bytes and, once the receive side holds enough
 * buffers to matter, in buffers too (tcp_rcv_space_mem()), so that a peer
 * whose small segments pin a buffer each sees the window close (what
 * Linux does with truesize against rcvbuf).
 */
static inline uint32_t
tcp_rcv_window(const struct ptg_conn *c)
{
	uint32_t buf = c->rcvbuf;
	uint32_t used = c->rcvq.bytes + c->ooo_bytes;
	uint32_t space = used < buf ? buf - used : 0;
	uint32_t adv = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t max = (uint32_t)TCP_WIN_MAX << c->rcv_wscale;
	uint32_t step = RTE_MIN(buf / 2, (uint32_t)c->mss);

	if (unlikely(tcp_rcv_bufs(c) > c->rcv_bufs_lim ||
		     tcp_mem_pressure(c->tcp)))
		space = tcp_rcv_space_mem(c, space);
	if (space < adv + step)
		space = adv;
	space = RTE_MIN(space, max);
	/* The scaled field rounds down; keep the old edge by rounding up. */
	if (c->rcv_wscale) {
		uint32_t unit = 1u << c->rcv_wscale;

		space &= ~(unit - 1);
		if (space < adv)
			space = RTE_ALIGN_CEIL(adv, unit);
	}
	return space;
}

static inline int tcp_synchronized(const struct ptg_conn *c)
{
	return c->state >= PTG_TCPS_ESTABLISHED;
}

#endif /* TCP_PRIV_H */
