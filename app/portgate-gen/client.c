/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side of every TCP mode: portgate-gen's struct ptg_conn_ops.
 *
 *   ptg_connect_from() ... on_writable (established) -> first request |
 *                          bulk_push() | hold: held
 *   on_data -> echo_input() | http_input() | bulk_input()
 *           -> resp_done() (latency) -> after_response(): next request,
 *              or close (cps, drain)
 *   on_writable -> send_pending() | bulk_push()
 *   on_fin -> close, or "eof" when a response was still due
 *   on_close -> the error of its reason, the slot back to the worker
 *
 * Requests and bulk streams are slices of one pseudo-random pattern,
 * offset per connection: byte p of a connection's stream is
 * pattern[(seed + p) % PAT_SIZE]. An echo server must send the same
 * stream back, so every received byte is checked against the pattern at
 * its offset. When we close first, the slot is released at once (the
 * connection finishes its FIN exchange detached, with a NULL ctx), as a
 * kernel client's close() returns at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>

#include "ptg_service.h"
#include "gen.h"

#define PAT_SIZE 65536u       /* the pattern's period */
#define PAT_CHUNK 65536u      /* bytes readable from any pattern offset */
#define HTTP_LINE_MAX 8192u   /* longest status or header line accepted */

enum http_phase {
	HTTP_STATUS = 0,
	HTTP_HEADERS,
	HTTP_BODY,
};

static uint8_t pattern[PAT_SIZE + PAT_CHUNK];

const char *const gen_error_names[GEN_ERR_NB] = {
#define GEN_ERR_NAME(n) #n,
	GEN_ERRORS(GEN_ERR_NAME)
#undef GEN_ERR_NAME
};

void
gen_pattern_init(void)
{
	uint32_t x = 0x2545f491u, i;

	for (i = 0; i < PAT_SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		pattern[i] = (uint8_t)(x >> 24);
	}
	memcpy(pattern + PAT_SIZE, pattern, PAT_CHUNK);
}

static inline const uint8_t *
pat_at(uint32_t seed, uint64_t off)
{
	return &pattern[(off + seed) & (PAT_SIZE - 1)];
}

/* Count an error; describe the first of each kind per worker. */
void
gen_error(struct gen_worker *w, enum gen_error e, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	w->cnt.errors[e]++;
	if (w->err_reported & (1u << e))
		return;
	w->err_reported |= 1u << e;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("portgate-gen: error (%s) on worker %u: %s\n",
	       gen_error_names[e], w->index, msg);
	fflush(stdout);
}

static const char *
dst_str(const struct gen_worker *w, char *buf, size_t len)
{
	uint32_t d = rte_be_to_cpu_32(w->o->dst);

	snprintf(buf, len, "%u.%u.%u.%u:%u", d >> 24, (d >> 16) & 0xff,
		 (d >> 8) & 0xff, d & 0xff, w->o->dport);
	return buf;
}

/* We close first: the slot is free at once, the connection finishes its
 * close detached. */
static void
sess_close(struct gen_sess *s)
{
	struct ptg_conn *c = s->c;

	ptg_conn_set_ctx(c, NULL);
	gen_sess_release(s);
	ptg_close(c);
}

void
gen_client_abort(struct gen_sess *s)
{
	struct ptg_conn *c = s->c;

	ptg_conn_set_ctx(c, NULL);
	gen_sess_release(s);
	ptg_abort(c);
}

/* Hand the pending bytes of the stream to the engine. -1: aborted. */
static int
send_pending(struct gen_sess *s)
{
	struct gen_worker *w = s->w;
	const struct gen *g = w->g;

	while (s->send_left > 0) {
		const uint8_t *src;
		uint32_t n;
		ssize_t r;

		if (w->o->mode == GEN_MODE_HTTP) {
			uint32_t off = (uint32_t)(s->tx_off % g->http_req_len);

			src = (const uint8_t *)g->http_req + off;
			n = RTE_MIN(s->send_left, g->http_req_len - off);
		} else {
			src = pat_at(s->seed, s->tx_off);
			n = RTE_MIN(s->send_left, PAT_CHUNK);
		}
		r = ptg_send(s->c, src, n);
		if (r < 0) {
			gen_error(w, GEN_ERR_local, "ptg_send: %s",
				  strerror((int)-r));
			gen_client_abort(s);
			return -1;
		}
		s->tx_off += (uint64_t)r;
		s->send_left -= (uint32_t)r;
		w->cnt.tx_bytes += (uint64_t)r;
		if ((uint32_t)r < n)
			break;
	}
	return 0;
}

/* Issue one request on @p s (pipelined behind the others). */
static int
issue_request(struct gen_sess *s)
{
	struct gen_worker *w = s->w;
	uint32_t slot = (s->ring_head + s->inflight) % w->depth;

	s->t_req[slot] = w->now;
	if (s->inflight++ == 0)
		s->resp_left = w->o->resp_size;
	s->reqs++;
	if (w->o->mode == GEN_MODE_RPS || w->o->mode == GEN_MODE_HTTP)
		w->started++;          /* --count counts requests */
	s->send_left += w->o->mode == GEN_MODE_HTTP ? w->g->http_req_len :
			w->o->req_size;
	return send_pending(s);
}

/* A request may start: within the pipeline depth, the quota, no drain. */
static int
may_issue(const struct gen_sess *s)
{
	const struct gen_worker *w = s->w;

	return s->state == SESS_OPEN && !s->done && !w->draining &&
	       s->inflight < w->o->pipeline &&
	       (w->quota == 0 || w->started < w->quota);
}

/* rps/http: keep the pipeline full, or queue for a token. */
void
gen_client_refill(struct gen_sess *s)
{
	struct gen_worker *w = s->w;

	while (s->c != NULL && may_issue(s)) {
		if (w->rate != 0) {
			if (!s->queued)
				gen_waitq_push(w, s);
			return;
		}
		if (issue_request(s) < 0)
			return;
	}
}

/* A response is complete: count it and its latency. */
static void
resp_done(struct gen_sess *s)
{
	struct gen_worker *w = s->w;
	uint64_t t0 = s->t_req[s->ring_head];

	s->ring_head = (s->ring_head + 1) % w->depth;
	s->inflight--;
	w->cnt.requests++;
	if (w->o->mode == GEN_MODE_CPS) {
		w->cnt.conn_done++;
		gen_hist_record(&w->hist, w->now - s->t_open);
	} else {
		gen_hist_record(&w->hist, w->now - t0);
	}
	if (s->inflight > 0)
		s->resp_left = w->o->resp_size;
}

/* What follows a complete response. */
static void
after_response(struct gen_sess *s)
{
	struct gen_worker *w = s->w;

	if (s->c == NULL)
		return;
	switch (w->o->mode) {
	case GEN_MODE_CPS:
		if (s->inflight != 0)
			return;
		if (w->o->closer == GEN_CLOSE_CLIENT || s->fin_seen)
			sess_close(s);
		return;
	case GEN_MODE_RPS:
	case GEN_MODE_HTTP:
		if (s->done || w->draining ||
		    (w->quota != 0 && w->started >= w->quota)) {
			if (s->inflight == 0 && (!s->done || s->fin_seen))
				sess_close(s);
			return;
		}
		gen_client_refill(s);
		return;
	default:
		return;
	}
}

void
gen_client_send_request(struct gen_sess *s, uint64_t now)
{
	s->w->now = now;
	s->queued = 0;
	if (s->c == NULL || !may_issue(s))
		return;
	if (issue_request(s) == 0 && s->c != NULL && may_issue(s))
		gen_waitq_push(s->w, s);
}

/* ---- echo responses (cps, rps) ------------------------------------------ */

static void
echo_input(struct gen_sess *s, const uint8_t *p, size_t len)
{
	struct gen_worker *w = s->w;
	const int verify = w->o->resp_size == w->o->req_size;
	int completed = 0;
	char d[32];

	while (len > 0) {
		uint32_t k;

		if (s->inflight == 0) {
			gen_error(w, GEN_ERR_data, "%zu bytes from %s with no "
				  "request outstanding", len,
				  dst_str(w, d, sizeof(d)));
			gen_client_abort(s);
			return;
		}
		k = (uint32_t)RTE_MIN((uint64_t)len, s->resp_left);
		if (verify && memcmp(p, pat_at(s->seed, s->rx_off), k) != 0) {
			gen_error(w, GEN_ERR_data, "bytes from %s differ from "
				  "what was sent, at stream offset %lu",
				  dst_str(w, d, sizeof(d)),
				  (unsigned long)s->rx_off);
			gen_client_abort(s);
			return;
		}
		s->rx_off += k;
		s->resp_left -= k;
		w->cnt.rx_bytes += k;
		p += k;
		len -= k;
		if (s->resp_left == 0) {
			resp_done(s);
			completed = 1;
		}
	}
	if (completed)
		after_response(s);
}

/* ---- http ------------------------------------------------------------------ */

/* One status or header line (CR LF stripped). 1: head complete;
 * 0: go on; -1: malformed (error counted). */
static int
http_line(struct gen_sess *s, struct http_rx *h)
{
	struct gen_worker *w = s->w;
	const char *l = h->line;
	char d[32];

	if (h->phase == HTTP_STATUS) {
		/* RFC 9112 4: HTTP-version SP 3DIGIT SP [ reason ] */
		if (h->line_len < 12 || strncmp(l, "HTTP/1.", 7) != 0 ||
		    l[8] != ' ' || l[9] < '0' || l[9] > '9' ||
		    l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9')
			goto malformed;
		h->status = (uint16_t)((l[9] - '0') * 100 + (l[10] - '0') * 10 +
				       (l[11] - '0'));
		h->phase = HTTP_HEADERS;
		h->have_len = 0;
		h->close = 0;
		h->body_len = 0;
		return 0;
	}
	if (h->line_len == 0) {
		/* RFC 9112 6.3: without Content-Length (and no chunking,
		 * which portgate does not send) the body would run to the
		 * close: not what a keep-alive benchmark expects. */
		if (!h->have_len)
			goto malformed;
		h->phase = HTTP_BODY;
		h->body_got = 0;
		return 1;
	}
	if (strncasecmp(l, "content-length:", 15) == 0) {
		const char *v = l + 15;
		uint64_t n = 0;

		while (*v == ' ' || *v == '\t')
			v++;
		if (*v < '0' || *v > '9')
			goto malformed;
		for (; *v >= '0' && *v <= '9'; v++)
			n = n * 10 + (uint64_t)(*v - '0');
		h->body_len = n;
		h->have_len = 1;
	} else if (strncasecmp(l, "connection:", 11) == 0) {
		/* RFC 9110 7.6.1: a list of options; "close" among them */
		for (l += 11; *l != '\0'; l++)
			if (strncasecmp(l, "close", 5) == 0)
				h->close = 1;
	}
	return 0;
malformed:
	gen_error(w, GEN_ERR_status, "malformed HTTP response from %s: "
		  "'%.60s'", dst_str(w, d, sizeof(d)), l);
	return -1;
}

/* The head and body of one response are in. */
static void
http_response_done(struct gen_sess *s, struct http_rx *h)
{
	struct gen_worker *w = s->w;
	char d[32];

	if (h->status < 200 || h->status > 299)
		gen_error(w, GEN_ERR_status, "HTTP status %u from %s for %s",
			  h->status, dst_str(w, d, sizeof(d)), w->o->path);
	else if (w->g->http_expect_len >= 0 &&
		 h->body_len != (uint64_t)w->g->http_expect_len)
		gen_error(w, GEN_ERR_status, "Content-Length %lu from %s, "
			  "expected %ld", (unsigned long)h->body_len,
			  dst_str(w, d, sizeof(d)),
			  (long)w->g->http_expect_len);
	if (h->close)
		s->done = 1;
	h->phase = HTTP_STATUS;
	h->line_len = 0;
	resp_done(s);
}

static void
http_input(struct gen_sess *s, const uint8_t *p, size_t len)
{
	struct gen_worker *w = s->w;
	struct http_rx *h = s->http;
	int completed = 0;
	char d[32];

	w->cnt.rx_bytes += len;
	while (len > 0) {
		if (s->inflight == 0) {
			gen_error(w, GEN_ERR_data, "%zu bytes from %s with no "
				  "request outstanding", len,
				  dst_str(w, d, sizeof(d)));
			gen_client_abort(s);
			return;
		}
		if (h->phase == HTTP_BODY) {
			uint64_t k = RTE_MIN((uint64_t)len,
					     h->body_len - h->body_got);

			if (w->g->http_verify && k > 0) {
				uint8_t want[2048];
				uint64_t done = 0;

				while (done < k) {
					size_t n = (size_t)RTE_MIN(k - done,
							(uint64_t)sizeof(want));

					ptg_service_http_bytes_fill(
						h->body_got + done, want, n);
					if (memcmp(p + done, want, n) != 0) {
						gen_error(w, GEN_ERR_data,
							  "body from %s wrong "
							  "at offset %lu",
							  dst_str(w, d,
								  sizeof(d)),
							  (unsigned long)
							  (h->body_got + done));
						gen_client_abort(s);
						return;
					}
					done += n;
				}
			}
			h->body_got += k;
			p += k;
			len -= (size_t)k;
			if (h->body_got == h->body_len) {
				http_response_done(s, h);
				completed = 1;
			}
			continue;
		}
		if (*p == '\n') {
			int rc;

			if (h->line_len > 0 && h->line[RTE_MIN(h->line_len,
			    (uint16_t)(sizeof(h->line) - 1)) - 1] == '\r')
				h->line_len--;
			h->line[RTE_MIN(h->line_len,
					(uint16_t)(sizeof(h->line) - 1))] = '\0';
			rc = http_line(s, h);
			h->line_len = 0;
			p++;
			len--;
			if (rc < 0) {
				gen_client_abort(s);
				return;
			}
			if (rc == 1 && h->body_len == 0) {
				http_response_done(s, h);
				completed = 1;
			}
			continue;
		}
		if (h->line_len < sizeof(h->line) - 1)
			h->line[h->line_len] = (char)*p;
		if (++h->line_len > HTTP_LINE_MAX) {
			gen_error(w, GEN_ERR_status, "HTTP line from %s longer "
				  "than %u bytes", dst_str(w, d, sizeof(d)),
				  HTTP_LINE_MAX);
			gen_client_abort(s);
			return;
		}
		p++;
		len--;
	}
	if (completed)
		after_response(s);
}

/* ---- bulk ------------------------------------------------------------------ */

void
gen_client_bulk_push(struct gen_sess *s)
{
	struct gen_worker *w = s->w;
	uint64_t limit = w->o->bytes;

	while (s->c != NULL && !w->draining &&
	       (limit == 0 || s->tx_off < limit)) {
		uint64_t n = limit ? RTE_MIN(limit - s->tx_off,
					     (uint64_t)PAT_CHUNK) : PAT_CHUNK;
		ssize_t r = ptg_send(s->c, pat_at(s->seed, s->tx_off),
				     (size_t)n);

		if (r < 0) {
			gen_error(w, GEN_ERR_local, "ptg_send: %s",
				  strerror((int)-r));
			gen_client_abort(s);
			return;
		}
		s->tx_off += (uint64_t)r;
		w->cnt.tx_bytes += (uint64_t)r;
		if ((uint64_t)r < n)
			return;
	}
}

/* Every byte sent came back (and, with --bytes, all of them were sent). */
static int
bulk_complete(const struct gen_sess *s)
{
	const struct gen_worker *w = s->w;

	if (s->rx_off != s->tx_off)
		return 0;
	return w->o->bytes ? s->tx_off == w->o->bytes : w->draining;
}

static void
bulk_input(struct gen_sess *s, const uint8_t *p, size_t len)
{
	struct gen_worker *w = s->w;
	char d[32];

	if (s->rx_off + len > s->tx_off) {
		gen_error(w, GEN_ERR_data, "%s sent back more than it got",
			  dst_str(w, d, sizeof(d)));
		gen_client_abort(s);
		return;
	}
	while (len > 0) {
		uint32_t k = (uint32_t)RTE_MIN(len, (size_t)PAT_CHUNK);

		if (memcmp(p, pat_at(s->seed, s->rx_off), k) != 0) {
			gen_error(w, GEN_ERR_data, "bytes from %s differ from "
				  "what was sent, at stream offset %lu",
				  dst_str(w, d, sizeof(d)),
				  (unsigned long)s->rx_off);
			gen_client_abort(s);
			return;
		}
		s->rx_off += k;
		w->cnt.rx_bytes += k;
		p += k;
		len -= k;
	}
	if (bulk_complete(s)) {
		w->cnt.conn_done++;
		sess_close(s);
	}
}

void
gen_client_drain(struct gen_sess *s, uint64_t now)
{
	struct gen_worker *w = s->w;

	w->now = now;
	if (s->c == NULL)
		return;
	switch (w->o->mode) {
	case GEN_MODE_HOLD:
		return; /* aborted a batch per loop (worker.c) */
	case GEN_MODE_RPS:
	case GEN_MODE_HTTP:
		if (s->state == SESS_OPEN && s->inflight == 0 &&
		    s->send_left == 0)
			sess_close(s);
		return;
	case GEN_MODE_BULK:
		if (s->state == SESS_OPEN && bulk_complete(s)) {
			w->cnt.conn_done++;
			sess_close(s);
		}
		return;
	default:
		return;
	}
}

/* ---- callbacks ------------------------------------------------------------- */

static void
on_writable(struct ptg_conn *c)
{
	struct gen_sess *s = ptg_conn_ctx(c);
	struct gen_worker *w;

	if (s == NULL)
		return;
	w = s->w;
	if (s->state == SESS_CONNECTING) {
		s->state = SESS_OPEN;
		w->cnt.conn_established++;
		switch (w->o->mode) {
		case GEN_MODE_CPS:
			if (issue_request(s) < 0)
				return;
			break;
		case GEN_MODE_RPS:
		case GEN_MODE_HTTP:
			if (w->draining) {
				sess_close(s);
				return;
			}
			gen_client_refill(s);
			return;
		case GEN_MODE_BULK:
			gen_client_bulk_push(s);
			return;
		case GEN_MODE_HOLD:
			s->held = 1;
			w->cnt.held++;
			gen_hist_record(&w->hist, w->now - s->t_open);
			return;
		default:
			return;
		}
	} else if (w->o->mode == GEN_MODE_BULK) {
		gen_client_bulk_push(s);
		return;
	} else if (send_pending(s) < 0) {
		return;
	}
	/* cps --close server: our FIN follows the whole request. */
	if (w->o->mode == GEN_MODE_CPS && w->o->closer == GEN_CLOSE_SERVER &&
	    !s->shut && s->send_left == 0 && s->c != NULL) {
		s->shut = 1;
		ptg_shutdown(c);
	}
}

static size_t
on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct gen_sess *s = ptg_conn_ctx(c);

	if (s == NULL)
		return len;
	switch (s->w->o->mode) {
	case GEN_MODE_HTTP:
		http_input(s, data, len);
		break;
	case GEN_MODE_BULK:
		bulk_input(s, data, len);
		break;
	case GEN_MODE_HOLD: {
		char d[32];

		gen_error(s->w, GEN_ERR_data, "%zu bytes from %s on a held "
			  "connection", len, dst_str(s->w, d, sizeof(d)));
		gen_client_abort(s);
		break;
	}
	default:
		echo_input(s, data, len);
		break;
	}
	return len;
}

static void
on_fin(struct ptg_conn *c)
{
	struct gen_sess *s = ptg_conn_ctx(c);
	struct gen_worker *w;
	int ok;
	char d[32];

	if (s == NULL)
		return;
	w = s->w;
	s->fin_seen = 1;
	switch (w->o->mode) {
	case GEN_MODE_CPS:
		ok = s->inflight == 0;
		break;
	case GEN_MODE_RPS:
	case GEN_MODE_HTTP:
		ok = s->inflight == 0 && (s->done || w->draining);
		break;
	case GEN_MODE_BULK:
		ok = bulk_complete(s);
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok)
		gen_error(w, GEN_ERR_eof, "%s closed the connection %s",
			  dst_str(w, d, sizeof(d)),
			  s->inflight ? "before the response was complete" :
			  "while we still had requests to send");
	sess_close(s);
}

static void
on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct gen_sess *s = ptg_conn_ctx(c);
	struct gen_worker *w;
	char d[32];

	if (s == NULL)
		return;
	w = s->w;
	switch (reason) {
	case PTG_CLOSE_REFUSED:
		gen_error(w, GEN_ERR_refused, "connection refused by %s "
			  "(RST to our SYN)", dst_str(w, d, sizeof(d)));
		break;
	case PTG_CLOSE_RESET:
		gen_error(w, GEN_ERR_reset, "connection reset by %s",
			  dst_str(w, d, sizeof(d)));
		break;
	case PTG_CLOSE_TIMEOUT:
		gen_error(w, GEN_ERR_timeout, "%s did not answer (%s)",
			  dst_str(w, d, sizeof(d)),
			  s->state == SESS_CONNECTING ?
			  "SYN retransmissions exhausted" :
			  "retransmissions exhausted");
		break;
	case PTG_CLOSE_NORMAL:
		gen_error(w, GEN_ERR_eof, "%s ended the connection early",
			  dst_str(w, d, sizeof(d)));
		break;
	default:
		break;
	}
	gen_sess_release(s);
}

const struct ptg_conn_ops gen_client_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_data = on_data,
	.on_writable = on_writable,
	.on_fin = on_fin,
	.on_close = on_close,
};
