/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http service: the HTTP/1.1 machine of http_proto.c on the TCP engine.
 *   engine -> on_accept -> conn_get() -> header timer
 *   engine -> on_data -> session_get() -> ptg_http_session_input()
 *                     -> pump() -> ptg_send() ... -> settle() -> retime()
 *   engine -> on_writable -> pump() -> settle() -> retime()
 *   engine -> on_fin -> settle() (close once nothing is in progress)
 *                       or ptg_close() when idle / already half-closed
 *   engine -> on_close -> session_put(), conn_put()
 *   worker -> http_poll(now) -> expired timers -> ptg_abort()
 *
 * Every connection holds a small record (struct http_conn, one of this
 * worker's conns=N) with its timer; it holds a session (the
 * request parser and the response in progress, from the pool of pool=N)
 * only while a request is partly received or a response is in progress:
 * an idle keep-alive connection holds none. Once our side is closed
 * (ptg_shutdown after a "close" response), every further byte is dropped
 * and counted, and the peer's FIN ends it with ptg_close().
 *
 * Timeouts (nginx's, by default): each connection's timer sits on the
 * queue of what it waits for (ptg_service_timeq, one duration each, so
 * every queue is in deadline order):
 *   header     the request head, from its first byte (the first request:
 *              from the accept); not restarted by more bytes
 *   body       between two reads of a request body
 *   send       between two sends of a response the peer is slow to take
 *   keepalive  idle between requests
 *   linger     after our close, for the peer's FIN (body's duration)
 * Whatever expires resets the connection (ptg_abort), counted per queue:
 * a peer cannot hold a session or a connection for longer than these.
 *
 * Pipelining (RFC 9112 9.3.2): the session consumes nothing while a
 * response is pending, so later requests stay in the engine's receive
 * queue (closing the window) until the response is fully queued; the engine
 * offers them again after on_writable.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "ptg_base.h"
#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

#define SCRATCH_SIZE 16384u /* pattern body bytes generated per ptg_send */
#define NS_PER_MS UINT64_C(1000000)

/* The timeout queues of an instance. */
enum { TQ_HEADER = 0, TQ_BODY, TQ_SEND, TQ_KEEPALIVE, TQ_LINGER, TQ_NB };

/* One connection. */
struct http_conn {
	struct ptg_service_timer timer; /* on one of the instance's queues */
	struct ptg_conn *c;
	struct ptg_http_session *s;     /* NULL: idle, or our side closed */
	uint8_t closed;                 /* our side closed: drop all input */
};

struct http_inst {
	struct ptg_http_stats stats;
	struct rte_mempool *pool;       /* sessions */
	/* connection records: an array and a stack of the free ones (no
	 * per-object header, 60 bytes a connection) */
	struct http_conn *conn_mem;
	uint32_t *conn_free;
	uint32_t conn_nfree;
	uint32_t conn_max;
	uint64_t maxbytes;
	uint64_t max_body;
	struct ptg_service_keepalive ka;
	uint64_t now;                   /* the worker's clock, last poll */
	struct ptg_service_timeq tq[TQ_NB];
	uint8_t scratch[SCRATCH_SIZE] __rte_cache_aligned;
};

static const char *const http_stat_names[] = {
#define HTTP_STAT_NAME(n) #n,
	PTG_HTTP_STATS(HTTP_STAT_NAME)
#undef HTTP_STAT_NAME
#define HTTP_ERR_NAME(n) "error_" #n,
	PTG_HTTP_ERRORS(HTTP_ERR_NAME)
#undef HTTP_ERR_NAME
	NULL,
};

static void
http_stats(const void *ctx, uint64_t *v)
{
	const struct http_inst *in = ctx;
	unsigned int i = 0, e;

#define HTTP_STAT_COPY(n) v[i++] = in->stats.n;
	PTG_HTTP_STATS(HTTP_STAT_COPY)
#undef HTTP_STAT_COPY
	for (e = 1; e < PTG_HTTP_ERR_NB; e++)
		v[i++] = in->stats.errors[e];
}

const struct ptg_http_stats *
ptg_http_instance_stats(const void *ctx)
{
	const struct http_inst *in = ctx;

	return &in->stats;
}

unsigned int
ptg_http_instance_pool_avail(const void *ctx)
{
	const struct http_inst *in = ctx;

	return rte_mempool_avail_count(in->pool);
}

unsigned int
ptg_http_instance_conns_avail(const void *ctx)
{
	const struct http_inst *in = ctx;

	return in->conn_nfree;
}

unsigned int
ptg_http_instance_timers(const void *ctx)
{
	const struct http_inst *in = ctx;
	unsigned int i, n = 0;

	for (i = 0; i < TQ_NB; i++)
		n += in->tq[i].len;
	return n;
}

static struct rte_mempool *
pool_make(const char *what, unsigned int n, unsigned int size, int socket)
{
	static uint32_t seq;
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "ptg_http_%s%u", what,
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* one worker gets and puts: single-producer/consumer, no cache */
	return rte_mempool_create(name, n, size, 0, 0, NULL, NULL, NULL, NULL,
				  socket, RTE_MEMPOOL_F_SP_PUT |
				  RTE_MEMPOOL_F_SC_GET);
}

static int
http_init(void **ctx, const char *args)
{
	struct ptg_http_config cfg;
	struct http_inst *in;
	int socket = (int)rte_socket_id();
	int rc;

	rc = ptg_http_parse_args(args, &cfg);
	if (rc < 0)
		return rc;
	in = rte_zmalloc_socket("ptg_http", sizeof(*in), RTE_CACHE_LINE_SIZE,
				socket);
	if (in == NULL)
		return -ENOMEM;
	in->pool = pool_make("s", cfg.pool, sizeof(struct ptg_http_session),
			     socket);
	if (in->pool == NULL)
		goto fail;
	in->conn_mem = rte_zmalloc_socket("ptg_http_conns",
		sizeof(*in->conn_mem) * cfg.conns, RTE_CACHE_LINE_SIZE,
		socket);
	in->conn_free = rte_malloc_socket("ptg_http_conn_free",
		sizeof(*in->conn_free) * cfg.conns, 0, socket);
	if (in->conn_mem == NULL || in->conn_free == NULL) {
		rte_errno = ENOMEM;
		goto fail;
	}
	in->conn_max = cfg.conns;
	for (in->conn_nfree = 0; in->conn_nfree < cfg.conns; in->conn_nfree++)
		in->conn_free[in->conn_nfree] = cfg.conns - 1 - in->conn_nfree;
	in->maxbytes = cfg.maxbytes;
	in->max_body = cfg.max_body;
	in->ka = cfg.ka;
	ptg_service_timeq_init(&in->tq[TQ_HEADER],
			       cfg.header_timeout_ms * NS_PER_MS);
	ptg_service_timeq_init(&in->tq[TQ_BODY],
			       cfg.body_timeout_ms * NS_PER_MS);
	ptg_service_timeq_init(&in->tq[TQ_SEND],
			       cfg.send_timeout_ms * NS_PER_MS);
	ptg_service_timeq_init(&in->tq[TQ_KEEPALIVE],
			       cfg.keepalive_timeout_ms * NS_PER_MS);
	ptg_service_timeq_init(&in->tq[TQ_LINGER],
			       cfg.body_timeout_ms * NS_PER_MS);
	*ctx = in;
	return 0;

fail:
	rc = rte_errno > 0 ? -rte_errno : -ENOMEM;
	rte_free(in->conn_free);
	rte_free(in->conn_mem);
	rte_mempool_free(in->pool);
	rte_free(in);
	return rc;
}

static void
http_fini(void *ctx)
{
	struct http_inst *in = ctx;

	if (in == NULL)
		return;
	rte_free(in->conn_free);
	rte_free(in->conn_mem);
	rte_mempool_free(in->pool);
	rte_free(in);
}

static struct http_conn *
conn_get(struct http_inst *in)
{
	struct http_conn *hc;

	if (in->conn_nfree == 0)
		return NULL;
	hc = &in->conn_mem[in->conn_free[--in->conn_nfree]];
	memset(hc, 0, sizeof(*hc));
	return hc;
}

static void
conn_put(struct http_inst *in, struct http_conn *hc)
{
	PTG_ASSERT(in->conn_nfree < in->conn_max);
	in->conn_free[in->conn_nfree++] = (uint32_t)(hc - in->conn_mem);
}

static struct ptg_http_session *
session_get(struct http_inst *in)
{
	void *obj;

	if (rte_mempool_get(in->pool, &obj) < 0)
		return NULL;
	ptg_http_session_init(obj, &in->stats, in->maxbytes, in->max_body);
	return obj;
}

static void
session_put(struct http_inst *in, struct http_conn *hc)
{
	if (hc->s != NULL)
		rte_mempool_put(in->pool, hc->s);
	hc->s = NULL;
}

/*
 * Put @p hc's timer on the queue of what it now waits for. @p progress:
 * bytes moved since the last call, which restarts the body and send
 * timeouts (between reads / sends) but not the header one (a whole head
 * within it) nor the linger one.
 */
static void
retime(struct http_inst *in, struct http_conn *hc, bool progress)
{
	struct ptg_service_timeq *q;

	if (hc->closed)
		return; /* linger, armed once by finish() */
	if (hc->s == NULL) {
		q = &in->tq[TQ_KEEPALIVE];
	} else {
		switch (ptg_http_session_phase(hc->s)) {
		case PTG_HTTP_PHASE_RESP:
			q = &in->tq[TQ_SEND];
			break;
		case PTG_HTTP_PHASE_BODY:
			q = &in->tq[TQ_BODY];
			break;
		default:
			q = &in->tq[TQ_HEADER];
			progress = false;
			break;
		}
	}
	if (hc->timer.q != q || progress)
		ptg_service_timer_arm(q, &hc->timer, in->now);
}

/*
 * The response asking for it is queued: close our side. RFC 9112 9.6: half-
 * close first and keep reading until the peer closes, so that unread
 * pipelined bytes do not turn into a RST that could destroy the response
 * (the engine resets a ptg_close() with unread data, RFC 2525 2.17). The
 * session goes back to the pool now; the peer has the linger timeout to
 * close its side.
 */
static void
finish(struct http_conn *hc, struct http_inst *in)
{
	int peer_done = hc->s->peer_fin;

	session_put(in, hc);
	hc->closed = 1;
	if (peer_done) {
		ptg_service_timer_cancel(&hc->timer);
		ptg_close(hc->c); /* on_fin came: nothing unread is left */
	} else {
		ptg_service_timer_arm(&in->tq[TQ_LINGER], &hc->timer, in->now);
		ptg_shutdown(hc->c);
	}
}

/* ptg_send() failed: the connection cannot carry the response. */
static void
abort_conn(struct http_conn *hc, struct http_inst *in)
{
	in->stats.drop_send_error++;
	session_put(in, hc);
	ptg_abort(hc->c); /* calls on_close, which frees hc */
}

/*
 * Queue as much of the pending response as the engine takes. Stops on the
 * first short ptg_send() (an on_writable follows); with no space at all it
 * still offers one byte, so that the short send asks for on_writable.
 * @return bytes queued, or -1 when ptg_send() failed.
 */
static ssize_t
pump(struct ptg_conn *c, struct http_inst *in, struct ptg_http_session *s)
{
	const void *src;
	uint64_t left;
	size_t space, want;
	ssize_t r, sent = 0;

	while ((left = ptg_http_session_out_left(s)) > 0) {
		space = ptg_send_space(c);
		if (s->resp_off < s->resp_len) {
			/* the head (and small fixed body) straight from s */
			src = s->resp + s->resp_off;
			want = (size_t)(s->resp_len - s->resp_off);
		} else {
			want = left < SCRATCH_SIZE ? (size_t)left : SCRATCH_SIZE;
			if (space < want)
				want = space > 0 ? space : 1;
			want = ptg_http_session_peek(s, in->scratch, want);
			src = in->scratch;
		}
		r = ptg_send(c, src, want);
		if (r < 0)
			return -1;
		ptg_http_session_advance(s, (size_t)r);
		sent += r;
		if ((size_t)r < want)
			break;
	}
	return sent;
}

/* After each event: close, free the session, or keep it; then the timer
 * follows what the connection waits for. */
static void
settle(struct http_conn *hc, struct http_inst *in, bool progress)
{
	struct ptg_http_session *s = hc->s;

	if (ptg_http_session_must_close(s)) {
		finish(hc, in);
		return;
	}
	if (!s->resp_pending && !s->backlog) {
		if (s->peer_fin) {
			/* RFC 9112 8: a request cut short by FIN gets no
			 * answer */
			if (!ptg_http_session_idle(s))
				in->stats.truncated_requests++;
			finish(hc, in);
			return;
		}
		if (ptg_http_session_idle(s))
			session_put(in, hc);
	}
	retime(in, hc, progress);
}

static int
http_on_accept(struct ptg_conn *c)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct http_conn *hc = conn_get(in);

	if (hc == NULL) {
		/* no record for one more connection: reset, counted */
		in->stats.drop_conns_full++;
		ptg_conn_set_ctx(c, NULL);
		return -1;
	}
	hc->c = c;
	ptg_conn_set_ctx(c, hc);
	ptg_service_keepalive_apply(c, &in->ka);
	/* the first request head is due within the header timeout of the
	 * accept, not of its first byte */
	ptg_service_timer_arm(&in->tq[TQ_HEADER], &hc->timer, in->now);
	return 0;
}

static size_t
http_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct http_conn *hc = ptg_conn_ctx(c);
	struct ptg_http_session *s;
	const uint8_t *p = data;
	size_t done = 0, n;
	ssize_t sent = 0, r;

	if (hc == NULL || hc->closed) {
		in->stats.drop_after_close += len;
		return len;
	}
	if (len == 0)
		return 0;
	if (hc->s == NULL) {
		hc->s = session_get(in);
		if (hc->s == NULL) {
			/* no memory for one more request: reset, counted */
			in->stats.drop_pool_empty++;
			ptg_abort(c); /* on_close frees hc */
			return len;
		}
	}
	s = hc->s;
	while (done < len) {
		n = ptg_http_session_input(s, p + done, len - done);
		done += n;
		if (!s->resp_pending) {
			if (n == 0)
				break; /* cannot happen: input takes all */
			continue;
		}
		r = pump(c, in, s);
		if (r < 0) {
			abort_conn(hc, in);
			return len;
		}
		sent += r;
		if (s->resp_pending)
			break; /* the rest waits for on_writable */
	}
	s->backlog = done < len;
	settle(hc, in, done > 0 || sent > 0);
	return done;
}

static void
http_on_writable(struct ptg_conn *c)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct http_conn *hc = ptg_conn_ctx(c);
	ssize_t sent = 0;

	if (hc == NULL || hc->closed || hc->s == NULL)
		return;
	if (hc->s->resp_pending) {
		sent = pump(c, in, hc->s);
		if (sent < 0) {
			abort_conn(hc, in);
			return;
		}
	}
	settle(hc, in, sent > 0);
}

static void
http_on_fin(struct ptg_conn *c)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct http_conn *hc = ptg_conn_ctx(c);

	if (hc == NULL)
		return;
	if (hc->s == NULL) {
		/* idle keep-alive connection, or our half-close is done:
		 * both sides are finished (nothing is unread at on_fin) */
		hc->closed = 1;
		ptg_service_timer_cancel(&hc->timer);
		ptg_close(c);
		return;
	}
	/* answer what was fully received first (RFC 9112 9.6) */
	hc->s->peer_fin = 1;
	settle(hc, in, false);
}

static void
http_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct http_conn *hc = ptg_conn_ctx(c);

	RTE_SET_USED(reason);
	ptg_conn_set_ctx(c, NULL);
	if (hc == NULL)
		return;
	ptg_service_timer_cancel(&hc->timer);
	session_put(in, hc);
	conn_put(in, hc);
}

/* The worker's clock: reset what waited too long, counted per timeout. */
static void
http_poll(void *ctx, uint64_t now_ns)
{
	static const size_t counter[TQ_NB] = {
		[TQ_HEADER] = offsetof(struct ptg_http_stats, timeout_header),
		[TQ_BODY] = offsetof(struct ptg_http_stats, timeout_body),
		[TQ_SEND] = offsetof(struct ptg_http_stats, timeout_send),
		[TQ_KEEPALIVE] = offsetof(struct ptg_http_stats,
					  timeout_keepalive),
		[TQ_LINGER] = offsetof(struct ptg_http_stats, timeout_linger),
	};
	struct http_inst *in = ctx;
	struct ptg_service_timer *t;
	unsigned int i;

	in->now = now_ns;
	for (i = 0; i < TQ_NB; i++) {
		while ((t = ptg_service_timeq_expired(&in->tq[i], now_ns)) !=
		       NULL) {
			struct http_conn *hc =
				container_of(t, struct http_conn, timer);

			(*(uint64_t *)((char *)&in->stats + counter[i]))++;
			ptg_abort(hc->c); /* on_close frees hc */
		}
	}
}

const struct ptg_service_ops ptg_service_http = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "http",
	.init = http_init,
	.fini = http_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = http_on_accept,
		.on_data = http_on_data,
		.on_writable = http_on_writable,
		.on_fin = http_on_fin,
		.on_close = http_on_close,
	},
	.stat_names = http_stat_names,
	.stats = http_stats,
	.poll = http_poll,
};
