/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate-gen internals: options, the per-worker context, sessions,
 * counters, and the functions the files of the app share.
 *
 *   main.c     EAL, port, workers, the clock, live lines, exit status
 *   options.c  the command line
 *   worker.c   the worker loop: RX, the stack, opening and draining
 *   client.c   the connection callbacks of every TCP mode
 *   flood.c    syn-flood: raw SYN frames, SYN-ACKs counted
 *   report.c   live line, summary, --json
 *   hist.c     the latency histogram
 */
#ifndef PORTGATE_GEN_H
#define PORTGATE_GEN_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>

#include "ptg_dataplane.h"
#include "ptg_net.h"
#include "ptg_stack.h"
#include "ptg_tcp.h"
#include "hist.h"

/* Exit statuses (as portgate's). */
#define GEN_EXIT_OK    0
#define GEN_EXIT_FAIL  1 /* errors seen, or a run-time failure */
#define GEN_EXIT_USAGE 2 /* bad options or profile: nothing started */

#define GEN_PIPELINE_MAX 64
#define GEN_MAX_WORKERS 64
#define GEN_PATH_MAX 256

enum gen_mode {
	GEN_MODE_CPS = 0,
	GEN_MODE_RPS,
	GEN_MODE_HTTP,
	GEN_MODE_BULK,
	GEN_MODE_HOLD,
	GEN_MODE_SYNFLOOD,
	GEN_MODE_NB
};

enum gen_closer {
	GEN_CLOSE_CLIENT = 0, /* we close once the response is in */
	GEN_CLOSE_SERVER,     /* the server's FIN comes first */
};

struct gen_opts {
	enum gen_mode mode;
	rte_be32_t addr;
	uint8_t prefix_len;
	rte_be32_t gateway;
	uint32_t src_lo, src_hi;       /* source addresses, host order */
	uint32_t flood_lo, flood_hi;   /* syn-flood sources, host order */
	uint16_t sport_lo, sport_hi;
	rte_be32_t dst;
	uint16_t dport;
	uint32_t concurrency;
	uint64_t rate;                 /* per second; 0: unlimited */
	uint32_t req_size, resp_size;
	int resp_size_set;
	uint32_t pipeline;
	enum gen_closer closer;
	uint64_t bytes;                /* bulk: per stream, each way; 0: timed */
	char path[GEN_PATH_MAX];       /* http */
	char host[GEN_PATH_MAX];
	double duration_s;
	uint64_t count;                /* 0: the duration decides */
	uint32_t drain_ms;
	uint32_t wait_s;
	unsigned int workers;
	char profile[PATH_MAX];
	char json[PATH_MAX];
	uint32_t mbufs;
	uint32_t max_conns;            /* per worker; 0: derived */
	uint32_t time_wait_ms;
	uint32_t rto_min_ms;
	int have_rto_min;
	int quiet;
};

/* Error kinds: each has a counter and a name in the reports. */
#define GEN_ERRORS(X) \
	X(refused) X(reset) X(timeout) X(data) X(status) X(eof) X(local)

enum gen_error {
#define GEN_ERR_ENUM(n) GEN_ERR_ ## n,
	GEN_ERRORS(GEN_ERR_ENUM)
#undef GEN_ERR_ENUM
	GEN_ERR_NB
};

extern const char *const gen_error_names[GEN_ERR_NB];

/* What a worker counts; written by the worker only, read by the main
 * lcore while it runs (aligned 64-bit loads: a value may lag, never tear). */
struct gen_counters {
	uint64_t conn_opened;          /* ptg_connect_from() succeeded */
	uint64_t conn_established;
	uint64_t conn_done;            /* cps: full transactions; closed ok */
	uint64_t requests;             /* responses complete */
	uint64_t tx_bytes, rx_bytes;   /* payload */
	uint64_t active;               /* sessions with a connection */
	uint64_t held;                 /* hold: established and idle */
	uint64_t syn_sent, synack_rx, rst_rx;
	uint64_t errors[GEN_ERR_NB];
};

enum sess_state {
	SESS_FREE = 0,
	SESS_CONNECTING,
	SESS_OPEN,
	SESS_CLOSING,                  /* ptg_close() called, on_close due */
};

/* HTTP response parser state (http mode). */
struct http_rx {
	uint8_t phase;                 /* HTTP_STATUS, HTTP_HEADERS, HTTP_BODY */
	uint8_t close;                 /* "Connection: close" seen */
	uint8_t have_len;
	uint16_t status;
	uint16_t line_len;
	uint64_t body_len, body_got;
	char line[192];
};

struct gen_worker;

/* One concurrency slot of a worker: at most one connection at a time. */
struct gen_sess {
	struct gen_worker *w;
	struct ptg_conn *c;
	struct http_rx *http;          /* http mode only */
	uint8_t state;                 /* enum sess_state */
	uint8_t fin_seen;
	uint8_t queued;                /* waiting for a token (rate limit) */
	uint8_t done;                  /* no more requests on this one */
	uint8_t shut;                  /* cps --close server: FIN queued */
	uint8_t held;                  /* counted in cnt.held */
	uint32_t inflight;             /* requests without a full response */
	uint32_t ring_head;            /* oldest in t_req[] */
	uint32_t seed;                 /* pattern offset of this connection */
	uint32_t send_left;            /* bytes of the current send not taken */
	uint64_t tx_off, rx_off;       /* stream offsets (pattern positions) */
	uint64_t resp_left;            /* bytes of the current response due */
	uint64_t reqs;                 /* requests sent on this connection */
	uint64_t t_open;               /* ns: connect */
	uint64_t *t_req;               /* send times of the requests in
					  flight, a ring of w->depth */
};

/* One worker lcore: its queue, its stack, its sessions. */
struct gen_worker {
	const struct gen_opts *o;
	struct gen *g;
	unsigned int index;
	unsigned int lcore;
	uint16_t port_id, queue_id;
	struct ptg_stack *stack;
	struct ptg_net *net;
	struct ptg_tcp *tcp;
	struct rte_mempool *mp;

	struct gen_sess *sess;
	uint32_t nb_sess;
	uint32_t depth;                /* requests in flight per session */
	uint64_t *t_req_mem;           /* nb_sess * depth send times */
	uint32_t *free_ids;            /* free session slots (stack) */
	uint32_t nb_free;
	uint32_t *waitq;               /* sessions waiting for a token (FIFO) */
	uint32_t waitq_head, waitq_n;

	/* Source tuples: address index, port cursor. With several workers,
	 * a worker takes the tuples that steer to it (g->steer); alone, it
	 * takes them all. */
	uint32_t src_n, src_i;
	uint32_t port_cur;

	/* Rate: a token bucket, tokens in 1/1e9 units. */
	uint64_t rate;                 /* this worker's share, per second */
	uint64_t tokens, tokens_max;
	uint64_t tok_at;

	uint64_t quota;                /* this worker's share of --count */
	uint64_t started;              /* connections or requests begun */
	uint64_t go_ns, end_ns, drain_end_ns;
	uint8_t draining;
	uint8_t ready;                 /* next hop resolved */
	uint8_t done;
	uint8_t is_main;
	uint32_t err_reported;         /* error kinds already described */
	uint64_t now;                  /* time of the current loop, ns */
	uint64_t held_all_ns;          /* hold: when the last one opened */
	uint64_t drain_at_ns;          /* the generation stopped */
	uint64_t conn_failed;          /* closed before established */
	uint32_t release_i;            /* hold: next slot to release */
	uint64_t finish_ns;            /* every slot free again */

	/* syn-flood */
	struct rte_ether_addr dst_mac;
	uint32_t flood_i;
	uint16_t flood_port;
	uint32_t flood_seq;

	/* Our end of the hand-off between workers (g->steer_on): segments
	 * of our flows that reached another worker come through our ring,
	 * so do copies of the ARP replies it saw. */
	struct ptg_dataplane_handoff ho;

	struct gen_counters cnt __rte_cache_aligned;
	/* The hand-off's counters (steer_out, steer_in, drop_steer_*,
	 * arp_fwd_*), written by this worker (drop_steer_unread: by the
	 * main lcore, once every worker is done). */
	struct ptg_dataplane_stats ho_stats;
	struct gen_hist hist;
} __rte_cache_aligned;

/* The whole run. */
struct gen {
	struct gen_opts *o;
	struct gen_worker **w;
	unsigned int nb_workers;
	uint16_t port_id;
	uint32_t net_offloads;
	struct rte_ether_addr mac;
	uint16_t mtu;
	struct rte_mempool *mp;
	/* Steering over several workers (steer_on), as portgate's own
	 * (ptg_dataplane_steer_setup()): each worker opens from tuples whose
	 * replies steer to it; the port's RSS is programmed with the same
	 * key and table where it has one (rx_hash_trusted), and a worker
	 * hands what reaches it of another's flows to that one's ring. */
	uint8_t steer_on;
	uint8_t rx_hash_trusted;
	struct ptg_steer steer;
	struct rte_ring **rings;       /* hand-off ring of each worker */
	uint32_t nb_ready;             /* workers with the next hop resolved */
	volatile uint32_t stop_requests; /* SIGINT/SIGTERM so far */
	uint64_t start_ns;             /* traffic began (all workers ready) */
	uint64_t stop_ns;              /* every worker done */
	volatile uint32_t go;          /* set once every worker is ready */
	volatile uint32_t failed;      /* a worker could not start */
	char fail_msg[256];
	/* http: the request every connection repeats, what to expect. */
	char http_req[GEN_PATH_MAX * 2 + 64];
	uint32_t http_req_len;
	int64_t http_expect_len;       /* Content-Length wanted; -1: any */
	uint8_t http_verify;           /* body is /bytes/N: check it */
	/* Live line: previous sample. */
	uint64_t last_print_ns;
	uint64_t last_hold_check_ns;
	struct gen_counters last;
	uint64_t peak_active;
};

/* options.c */
int gen_opts_parse(struct gen_opts *o, int argc, char **argv);
void gen_usage(FILE *f, const char *prog);
const char *gen_mode_name(enum gen_mode m);

/* worker.c */
int gen_worker_init(struct gen_worker *w, char *err, size_t errlen);
void gen_worker_fini(struct gen_worker *w);
int gen_worker_loop(void *arg);
void gen_main_tick(struct gen *g, uint64_t now);
int gen_open_one(struct gen_worker *w, uint64_t now);
void gen_sess_release(struct gen_sess *s);
void gen_waitq_push(struct gen_worker *w, struct gen_sess *s);
int gen_take_token(struct gen_worker *w, uint64_t now);

/* client.c */
extern const struct ptg_conn_ops gen_client_ops;
void gen_error(struct gen_worker *w, enum gen_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gen_client_refill(struct gen_sess *s);
void gen_client_abort(struct gen_sess *s);
void gen_pattern_init(void);
void gen_client_send_request(struct gen_sess *s, uint64_t now);
void gen_client_drain(struct gen_sess *s, uint64_t now);
void gen_client_bulk_push(struct gen_sess *s);

/* flood.c */
int gen_flood_rx_filter(struct gen_worker *w, struct rte_mbuf *m);
void gen_flood_send(struct gen_worker *w, uint64_t now);

/* report.c */
void gen_counters_sum(const struct gen *g, struct gen_counters *sum);
void gen_report_live(struct gen *g, uint64_t now);
int gen_report_final(struct gen *g, const char *port_desc);

/* The clock (ns), from lib/dataplane. */
uint64_t gen_now(void);

static inline uint64_t
gen_errors_total(const struct gen_counters *c)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < GEN_ERR_NB; i++)
		n += c->errors[i];
	return n;
}

#endif /* PORTGATE_GEN_H */
