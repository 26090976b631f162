/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http service: the HTTP/1.1 machine of http_proto.c on the TCP engine.
 *   engine -> on_data -> session_get() -> ptg_http_session_input()
 *                     -> pump() -> ptg_send() ... -> settle()
 *   engine -> on_writable -> pump() -> settle()
 *   engine -> on_fin -> settle() (close once nothing is in progress)
 *                       or ptg_close() when idle / already half-closed
 *   engine -> on_close -> session_put()
 *
 * A connection holds a session (from this worker's mempool) only while a
 * request is partly received or a response is in progress; an idle
 * keep-alive connection holds none (ctx NULL). Once our side is closed
 * (ptg_shutdown after a "close" response), ctx is the CLOSED marker: every
 * further byte is dropped and counted, and the peer's FIN ends it with
 * ptg_close().
 *
 * Pipelining (RFC 9112 9.3.2): the session consumes nothing while a
 * response is pending, so later requests stay in the engine's receive
 * queue (closing the window) until the response is fully queued; the engine
 * offers them again after on_writable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

#define SCRATCH_SIZE 16384u /* pattern body bytes generated per ptg_send */

struct http_inst {
	struct ptg_http_stats stats;
	struct rte_mempool *pool;
	uint64_t maxbytes;
	uint8_t scratch[SCRATCH_SIZE] __rte_cache_aligned;
};

/* ctx of a connection we have closed: no session, drop all input */
static char closed_marker;
#define CLOSED ((void *)&closed_marker)

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

static int
http_init(void **ctx, const char *args)
{
	static uint32_t seq;
	struct ptg_http_config cfg;
	char name[RTE_MEMPOOL_NAMESIZE];
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
	snprintf(name, sizeof(name), "ptg_http_%u",
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* one worker gets and puts: single-producer/consumer, no cache */
	in->pool = rte_mempool_create(name, cfg.pool,
				      sizeof(struct ptg_http_session), 0, 0,
				      NULL, NULL, NULL, NULL, socket,
				      RTE_MEMPOOL_F_SP_PUT |
				      RTE_MEMPOOL_F_SC_GET);
	if (in->pool == NULL) {
		rc = rte_errno > 0 ? -rte_errno : -ENOMEM;
		goto free_inst;
	}
	in->maxbytes = cfg.maxbytes;
	*ctx = in;
	return 0;

free_inst:
	rte_free(in);
	return rc;
}

static void
http_fini(void *ctx)
{
	struct http_inst *in = ctx;

	if (in == NULL)
		return;
	rte_mempool_free(in->pool);
	rte_free(in);
}

static struct ptg_http_session *
session_get(struct http_inst *in)
{
	void *obj;

	if (rte_mempool_get(in->pool, &obj) < 0)
		return NULL;
	ptg_http_session_init(obj, &in->stats, in->maxbytes);
	return obj;
}

static void
session_put(struct http_inst *in, struct ptg_http_session *s)
{
	rte_mempool_put(in->pool, s);
}

/*
 * The response asking for it is queued: close our side. RFC 9112 9.6: half-
 * close first and keep reading until the peer closes, so that unread
 * pipelined bytes do not turn into a RST that could destroy the response
 * (the engine resets a ptg_close() with unread data, RFC 2525 2.17). The
 * session goes back to the pool now; ctx becomes CLOSED.
 */
static void
finish(struct ptg_conn *c, struct http_inst *in, struct ptg_http_session *s)
{
	int peer_done = s->peer_fin;

	session_put(in, s);
	ptg_conn_set_ctx(c, CLOSED);
	if (peer_done)
		ptg_close(c); /* on_fin came: nothing unread is left */
	else
		ptg_shutdown(c);
}

/* ptg_send() failed: the connection cannot carry the response. */
static void
abort_conn(struct ptg_conn *c, struct http_inst *in,
	   struct ptg_http_session *s)
{
	in->stats.drop_send_error++;
	session_put(in, s);
	ptg_conn_set_ctx(c, NULL);
	ptg_abort(c); /* calls on_close, which finds no session */
}

/*
 * Queue as much of the pending response as the engine takes. Stops on the
 * first short ptg_send() (an on_writable follows); with no space at all it
 * still offers one byte, so that the short send asks for on_writable.
 * @return 0, or -1 when ptg_send() failed.
 */
static int
pump(struct ptg_conn *c, struct http_inst *in, struct ptg_http_session *s)
{
	const void *src;
	uint64_t left;
	size_t space, want;
	ssize_t r;

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
		if ((size_t)r < want)
			break;
	}
	return 0;
}

/* After each event: close, free the session, or keep it. */
static void
settle(struct ptg_conn *c, struct http_inst *in, struct ptg_http_session *s)
{
	if (ptg_http_session_must_close(s)) {
		finish(c, in, s);
		return;
	}
	if (s->resp_pending || s->backlog)
		return;
	if (s->peer_fin) {
		/* RFC 9112 8: a request cut short by FIN gets no answer */
		if (!ptg_http_session_idle(s))
			in->stats.truncated_requests++;
		finish(c, in, s);
		return;
	}
	if (ptg_http_session_idle(s)) {
		session_put(in, s);
		ptg_conn_set_ctx(c, NULL);
	}
}

static int
http_on_accept(struct ptg_conn *c)
{
	ptg_conn_set_ctx(c, NULL);
	return 0;
}

static size_t
http_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct ptg_http_session *s = ptg_conn_ctx(c);
	const uint8_t *p = data;
	size_t done = 0, n;

	if (s == CLOSED) {
		in->stats.drop_after_close += len;
		return len;
	}
	if (len == 0)
		return 0;
	if (s == NULL) {
		s = session_get(in);
		if (s == NULL) {
			/* no memory for one more request: reset, counted */
			in->stats.drop_pool_empty++;
			ptg_abort(c);
			return len;
		}
		ptg_conn_set_ctx(c, s);
	}
	while (done < len) {
		n = ptg_http_session_input(s, p + done, len - done);
		done += n;
		if (!s->resp_pending) {
			if (n == 0)
				break; /* cannot happen: input takes all */
			continue;
		}
		if (pump(c, in, s) < 0) {
			abort_conn(c, in, s);
			return len;
		}
		if (s->resp_pending)
			break; /* the rest waits for on_writable */
	}
	s->backlog = done < len;
	settle(c, in, s);
	return done;
}

static void
http_on_writable(struct ptg_conn *c)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct ptg_http_session *s = ptg_conn_ctx(c);

	if (s == NULL || s == CLOSED)
		return;
	if (s->resp_pending && pump(c, in, s) < 0) {
		abort_conn(c, in, s);
		return;
	}
	settle(c, in, s);
}

static void
http_on_fin(struct ptg_conn *c)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct ptg_http_session *s = ptg_conn_ctx(c);

	if (s == NULL || s == CLOSED) {
		/* idle keep-alive connection, or our half-close is done:
		 * both sides are finished (nothing is unread at on_fin) */
		ptg_conn_set_ctx(c, CLOSED);
		ptg_close(c);
		return;
	}
	/* answer what was fully received first (RFC 9112 9.6) */
	s->peer_fin = 1;
	settle(c, in, s);
}

static void
http_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct http_inst *in = ptg_conn_service_ctx(c);
	struct ptg_http_session *s = ptg_conn_ctx(c);

	RTE_SET_USED(reason);
	if (s != NULL && s != CLOSED)
		session_put(in, s);
	ptg_conn_set_ctx(c, NULL);
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
};
