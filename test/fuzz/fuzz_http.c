/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_http: the HTTP/1.1 request parser and response machine of
 * lib/service/http_proto.c, fed the same bytes in different splits.
 *
 *   LLVMFuzzerTestOneInput() -> run(whole) | run(random splits) |
 *                               run(one byte at a time)
 *     run() -> feed() per piece, as svc_http.c's on_data does:
 *              ptg_http_session_input() -> peek/advance the response
 *              -> session freed when idle, connection closed when asked
 *   -> the three transcripts must be identical
 *
 * The parser is a byte-at-a-time machine with fast paths: where TCP
 * happens to cut the stream must never change what it answers. A
 * transcript is every response byte (hashed), the statuses in order,
 * whether and where the connection closed, and every counter. Each
 * response is also checked on its own: a status line we send, one head,
 * and a body as long as its Content-Length (or none, for HEAD).
 *
 * Input: a byte seeding the random splits, a byte choosing maxbytes
 * (the largest N of /bytes/N, bits 0-1) and max_body (the largest
 * request body, bits 2-3), then the request bytes.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "service_priv.h"

#define MAX_STATUSES 64

/* PTG_FUZZ_TRACE=1: print each response head and error as it comes. */
static bool trace;
/* The largest request body of this input's sessions (0: any). */
static uint64_t max_body;
#define HEAD_MAX 1024

struct run {
	struct ptg_http_stats st;
	struct ptg_http_session s;
	bool live;          /* a session is held */
	bool closed;        /* the connection was closed */
	uint64_t hash;      /* FNV-1a of every response byte */
	uint64_t out;       /* response bytes */
	unsigned int nb;    /* responses */
	uint16_t statuses[MAX_STATUSES];
	size_t closed_at;   /* input offset at the close */
	size_t fed;
	/* the response being checked */
	char head[HEAD_MAX];
	size_t head_len;
};

static void
hash_bytes(struct run *r, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		r->hash ^= p[i];
		r->hash *= 0x100000001b3ull;
	}
	r->out += n;
}

/* One response, as the status line and headers say it is. */
static void
check_response(const struct run *r, uint64_t total)
{
	const char *h = r->head, *end, *cl;
	unsigned long long clen;
	uint64_t body;
	unsigned int status;
	char *e;

	FZ_CHECKF(r->head_len >= 17 && memcmp(h, "HTTP/1.1 ", 9) == 0,
		  "response starts with '%.12s'", h);
	status = (unsigned int)strtoul(h + 9, NULL, 10);
	FZ_CHECKF(status == r->s.last_status, "status line %u, session %u",
		  status, r->s.last_status);
	end = memmem(h, r->head_len, "\r\n\r\n", 4);
	FZ_CHECKF(end != NULL, "%s", "no end of head in the response");
	cl = memmem(h, (size_t)(end - h), "\r\nContent-Length: ", 18);
	FZ_CHECKF(cl != NULL, "%s", "no Content-Length in the response");
	clen = strtoull(cl + 18, &e, 10);
	FZ_CHECK(e != cl + 18 && e[0] == '\r' && e[1] == '\n');
	body = total - (uint64_t)(end + 4 - h);
	/* HEAD: the same head, no body (RFC 9110 9.3.2). */
	FZ_CHECKF(body == clen || body == 0, "Content-Length %llu, body %"
		  PRIu64, clen, body);
}

/* Hand out the pending response whole, in pieces of varying size. */
static void
drain(struct run *r, uint32_t *rng)
{
	uint8_t buf[4096];
	uint64_t total = 0;

	r->head_len = 0;
	while (ptg_http_session_out_left(&r->s) > 0) {
		size_t cap = 1 + (*rng = *rng * 1103515245u + 12345u) %
				 sizeof(buf);
		size_t n = ptg_http_session_peek(&r->s, buf, cap);

		FZ_CHECKF(n > 0 && n <= cap, "peek gave %zu of %zu", n, cap);
		FZ_CHECK(n <= ptg_http_session_out_left(&r->s));
		if (r->head_len < HEAD_MAX) {
			size_t k = RTE_MIN(n, HEAD_MAX - r->head_len);

			memcpy(r->head + r->head_len, buf, k);
			r->head_len += k;
		}
		hash_bytes(r, buf, n);
		ptg_http_session_advance(&r->s, n);
		total += n;
	}
	if (trace)
		fprintf(stderr, "  response at input byte %zu, %" PRIu64
			" bytes, error %s:\n%.*s\n", r->fed, total,
			ptg_http_error_str(r->s.last_error),
			(int)RTE_MIN(r->head_len, (size_t)200), r->head);
	check_response(r, total);
	if (r->nb < MAX_STATUSES)
		r->statuses[r->nb] = r->s.last_status;
	r->nb++;
}

/* One on_data: @p n bytes that arrived together. */
static void
feed(struct run *r, const uint8_t *p, size_t n, uint64_t maxbytes,
     uint32_t *rng)
{
	size_t done = 0, k;

	r->fed += n;
	if (r->closed) {
		r->st.drop_after_close += n;
		return;
	}
	if (n == 0)
		return;
	if (!r->live) {
		ptg_http_session_init(&r->s, &r->st, maxbytes, max_body);
		r->live = true;
	}
	while (done < n) {
		k = ptg_http_session_input(&r->s, p + done, n - done);
		FZ_CHECKF(k <= n - done, "input took %zu of %zu", k, n - done);
		done += k;
		if (!r->s.resp_pending) {
			/* Without a response to send, input takes it all. */
			FZ_CHECKF(k > 0, "%s", "input took nothing");
			continue;
		}
		drain(r, rng);
	}
	if (ptg_http_session_must_close(&r->s)) {
		r->closed = true;
		r->closed_at = r->fed;
		r->live = false;
	} else if (ptg_http_session_idle(&r->s)) {
		r->live = false;
	}
}

static void
run(struct run *r, const uint8_t *p, size_t len, uint64_t maxbytes, int how,
    uint32_t seed)
{
	uint32_t rng = seed, drng = seed ^ 0x5bd1e995u;
	size_t off = 0, n;

	memset(r, 0, sizeof(*r));
	r->hash = 0xcbf29ce484222325ull;
	if (trace)
		fprintf(stderr, "run %s\n", how == 0 ? "whole" :
			how == 1 ? "byte by byte" : "random splits");
	while (off < len) {
		if (how == 0)
			n = len - off;
		else if (how == 1)
			n = 1;
		else
			n = 1 + (rng = rng * 1664525u + 1013904223u) % 64 %
				(len - off);
		feed(r, p + off, RTE_MIN(n, len - off), maxbytes, &drng);
		off += RTE_MIN(n, len - off);
	}
}

static void
same(const struct run *a, const struct run *b, const char *how)
{
	unsigned int i;

	FZ_CHECKF(a->nb == b->nb, "%s: %u responses, whole: %u", how, b->nb,
		  a->nb);
	for (i = 0; i < a->nb && i < MAX_STATUSES; i++)
		FZ_CHECKF(a->statuses[i] == b->statuses[i],
			  "%s: response %u is %u, whole: %u", how, i,
			  b->statuses[i], a->statuses[i]);
	FZ_CHECKF(a->out == b->out && a->hash == b->hash,
		  "%s: %" PRIu64 " response bytes, whole: %" PRIu64, how,
		  b->out, a->out);
	FZ_CHECKF(a->closed == b->closed, "%s: closed %d, whole: %d", how,
		  b->closed, a->closed);
	for (i = 0; i < PTG_HTTP_ERR_NB; i++)
		FZ_CHECKF(a->st.errors[i] == b->st.errors[i],
			  "%s: error %s counted %" PRIu64 ", whole: %" PRIu64,
			  how, ptg_http_error_str(i), b->st.errors[i],
			  a->st.errors[i]);
#define SAME_STAT(n) \
	FZ_CHECKF(a->st.n == b->st.n, "%s: %s %" PRIu64 ", whole %" PRIu64, \
		  how, #n, b->st.n, a->st.n);
	PTG_HTTP_STATS(SAME_STAT)
#undef SAME_STAT
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("PTG_FUZZ_TRACE") != NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t maxbytes[4] = { 0, 1, 1000, 65536 };
	static const uint64_t max_bodies[4] = { 0, 16, 1000, 1 << 20 };
	static struct run whole, split, bytes;
	struct fz_in in;
	uint8_t seed, mb;
	const uint8_t *req;
	uint8_t *copy;
	size_t len;

	fz_in_init(&in, data, size);
	seed = fz_u8(&in);
	mb = fz_u8(&in);
	max_body = max_bodies[(mb >> 2) & 3];
	req = fz_bytes(&in, fz_left(&in), &len);
	/* A buffer of the exact size: ASan sees a read past it. */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, req, len);
	run(&whole, copy, len, maxbytes[mb & 3], 0, seed);
	run(&split, copy, len, maxbytes[mb & 3], 2, seed * 2654435761u + 1);
	same(&whole, &split, "random splits");
	if (len <= 2048) {
		run(&bytes, copy, len, maxbytes[mb & 3], 1, seed);
		same(&whole, &bytes, "byte by byte");
	}
	free(copy);
	return 0;
}
