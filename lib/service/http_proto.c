/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 request parser and response builder of the http service, as a
 * pure byte machine (no engine, no allocation), so it is testable alone:
 *   svc_http.c on_data -> ptg_http_session_input() -> step() per byte
 *     -> request_line_done() / head_done() -> respond() | fail()
 *   svc_http.c pump    -> ptg_http_session_peek() / _advance()
 *
 * The parser keeps only what routing and framing need (method, a bounded
 * copy of the path, version, Host count, Content-Length, Transfer-Encoding,
 * Connection, Expect), so a request of any length within the limits costs
 * the fixed size of struct ptg_http_session. A response is built when the
 * request head is complete; its body (Content-Length or chunked) is skipped
 * after the response has been handed out, and only then is the next
 * pipelined request read (RFC 9112 9.3.2: responses in request order).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ptg_service.h"
#include "service_priv.h"

enum {
	S_START = 0,      /* before a request line; empty lines skipped */
	S_START_LF,       /* CR of such an empty line */
	S_METHOD,
	S_TARGET,
	S_VERSION,
	S_RL_LF,          /* CR after the version */
	S_HDR_START,      /* start of a field line, or the empty line */
	S_HDR_NAME,
	S_HDR_OWS,        /* whitespace before the field value */
	S_HDR_VALUE,
	S_HDR_LF,         /* CR ending a field line */
	S_HEAD_LF,        /* CR of the empty line ending the head */
	S_BODY,           /* Content-Length bytes to skip */
	S_CHUNK_SIZE,
	S_CHUNK_EXT,
	S_CHUNK_SIZE_LF,
	S_CHUNK_DATA,
	S_CHUNK_DATA_CR,
	S_CHUNK_DATA_LF,
	S_TRAILER_START,
	S_TRAILER_LINE,
	S_TRAILER_LF,
	S_TRAILER_END_LF,
};

/* request-target forms (RFC 9112 3.2) */
enum {
	T_FIRST = 0,
	T_PATH,    /* origin-form path, or the path of an absolute-form */
	T_QUERY,   /* after '?' (or '#'): not used for routing */
	T_SCHEME,  /* absolute-form: scheme */
	T_SLASH1,  /* "scheme:" seen */
	T_SLASH2,  /* "scheme:/" seen */
	T_AUTH,    /* authority */
	T_STAR,    /* asterisk-form */
	T_BAD,     /* not a form we route */
};

enum { M_OTHER = 0, M_GET, M_HEAD };
enum { H_OTHER = 0, H_HOST, H_CL, H_TE, H_CONN, H_EXPECT };
enum { B_NONE = 0, B_PATTERN };

enum { STEP_MORE = 0, STEP_HEAD = 1, STEP_FAIL = -1 };

#define CHUNK_SIZE_MAX (UINT64_C(1) << 60)
#define CL_DIGITS_MAX 18

static const char *const error_names[PTG_HTTP_ERR_NB] = {
	[PTG_HTTP_ERR_NONE] = "none",
#define PTG_HTTP_ERR_NAME(n) [PTG_HTTP_ERR_##n] = #n,
	PTG_HTTP_ERRORS(PTG_HTTP_ERR_NAME)
#undef PTG_HTTP_ERR_NAME
};

const char *
ptg_http_error_str(enum ptg_http_error e)
{
	if ((unsigned int)e >= PTG_HTTP_ERR_NB)
		return "unknown";
	return error_names[e];
}

/* RFC 9110 5.6.2: tchar */
static inline int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '.': case '^': case '_':
	case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

static inline int
is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static inline uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static inline int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 9110 5.5: field-vchar, SP and HTAB; every other CTL (NUL, bare CR)
 * is rejected. */
static inline int
is_field_char(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Parser fields, from state up to (not including) draining, are reset for
 * each request. */
#define PARSER_START offsetof(struct ptg_http_session, state)
#define PARSER_END offsetof(struct ptg_http_session, draining)

static void
request_reset(struct ptg_http_session *s)
{
	memset((char *)s + PARSER_START, 0, PARSER_END - PARSER_START);
}

void
ptg_http_session_init(struct ptg_http_session *s,
		      struct ptg_http_stats *stats, uint64_t maxbytes,
		      uint64_t max_body)
{
	memset(s, 0, offsetof(struct ptg_http_session, resp));
	s->stats = stats;
	s->maxbytes = maxbytes;
	s->max_body = max_body;
}

/* ---- responses --------------------------------------------------------- */

static const char *
reason_phrase(unsigned int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

static void
count_status(struct ptg_http_stats *st, unsigned int status)
{
	switch (status) {
	case 200: st->resp_200++; break;
	case 400: st->resp_400++; break;
	case 404: st->resp_404++; break;
	case 405: st->resp_405++; break;
	case 413: st->resp_413++; break;
	case 414: st->resp_414++; break;
	case 431: st->resp_431++; break;
	case 501: st->resp_501++; break;
	case 505: st->resp_505++; break;
	}
}

/* Append to the response buffer; the callers' pieces always fit (the
 * largest head plus fixed body is far below PTG_HTTP_RESP_MAX). */
static inline char *
put(char *p, const char *end, const char *str, size_t n)
{
	assert(p + n <= end);
	if (p + n > end)
		n = (size_t)(end - p);
	memcpy(p, str, n);
	return p + n;
}

#define PUT(p, end, lit) put(p, end, lit, sizeof(lit) - 1)

static char *
put_u64(char *p, const char *end, uint64_t v)
{
	uint64_t t = v;
	size_t n = 0;

	/* Digits written in place, right to left (no bounce buffer: gcc 12
	 * at -O3 with ASan misreads the copy out of one as an overread). */
	do {
		n++;
		t /= 10;
	} while (t != 0);
	assert(p + n <= end);
	if (p + n > end)
		return p;
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Build a response: status line, headers, and either @p fixed (copied into
 * the buffer) or a pattern body of @p pat_len bytes. HEAD gets the same
 * head with no body (RFC 9110 9.3.2). The response is always HTTP/1.1
 * (RFC 9110 6.2: the highest minor version we conform to). No Date: the
 * service has no clock of its own (RFC 9110 6.6.1 allows omitting it).
 */
static void
respond(struct ptg_http_session *s, unsigned int status, const char *fixed,
	uint64_t pat_len, int keep)
{
	size_t flen = fixed != NULL ? strlen(fixed) : 0;
	uint64_t clen = fixed != NULL ? flen : pat_len;
	int head_only = s->method == M_HEAD;
	const char *reason = reason_phrase(status);
	const char *end = s->resp + sizeof(s->resp);
	char *p = s->resp;

	p = PUT(p, end, "HTTP/1.1 ");
	p = put_u64(p, end, status);
	p = PUT(p, end, " ");
	p = put(p, end, reason, strlen(reason));
	p = PUT(p, end, "\r\nServer: portgate\r\n"
		"Content-Type: text/plain\r\nContent-Length: ");
	p = put_u64(p, end, clen);
	p = PUT(p, end, "\r\n");
	if (status == 405) /* RFC 9110 15.5.6: list what is allowed */
		p = PUT(p, end, "Allow: GET, HEAD\r\n");
	if (!keep)
		p = PUT(p, end, "Connection: close\r\n");
	else if (s->minor == 0) /* RFC 9112 9.3: 1.0 persistence is opt-in */
		p = PUT(p, end, "Connection: keep-alive\r\n");
	p = PUT(p, end, "\r\n");
	if (fixed != NULL && !head_only)
		p = put(p, end, fixed, flen);

	s->resp_len = (uint16_t)(p - s->resp);
	s->resp_off = 0;
	s->body_kind = fixed == NULL && !head_only && pat_len > 0 ?
		B_PATTERN : B_NONE;
	s->pat_len = s->body_kind == B_PATTERN ? pat_len : 0;
	s->pat_off = 0;
	s->resp_pending = 1;
	s->last_status = (uint16_t)status;
	count_status(s->stats, status);
	if (!keep) {
		s->close_after = 1;
		s->draining = 1;
		s->stats->conn_close_after_resp++;
	}
}

static unsigned int
error_status(enum ptg_http_error e)
{
	switch (e) {
	case PTG_HTTP_ERR_line_long: return 414;       /* RFC 9112 3 */
	case PTG_HTTP_ERR_body_long: return 413;       /* RFC 9110 15.5.14 */
	case PTG_HTTP_ERR_headers_long: return 431;    /* RFC 6585 5 */
	case PTG_HTTP_ERR_version_unsup: return 505;   /* RFC 9110 15.6.6 */
	case PTG_HTTP_ERR_te_unsup: return 501;        /* RFC 9112 6.1 */
	case PTG_HTTP_ERR_chunk: return 0;             /* already answered */
	default: return 400;
	}
}

/* Count @p e and close without an answer, dropping whatever follows. */
static int
fail_close(struct ptg_http_session *s, enum ptg_http_error e)
{
	s->stats->errors[e]++;
	s->last_error = e;
	s->close_after = 1;
	s->draining = 1;
	return STEP_FAIL;
}

/*
 * Reject: answer with the error's status and close, dropping whatever
 * follows (the framing can no longer be trusted). A malformed chunked body
 * comes after its response was sent, so it only closes.
 */
static int
fail(struct ptg_http_session *s, enum ptg_http_error e)
{
	static const char *const bodies[] = {
		[0] = "400 Bad Request\n",
		[1] = "414 URI Too Long\n",
		[2] = "431 Request Header Fields Too Large\n",
		[3] = "501 Not Implemented\n",
		[4] = "505 HTTP Version Not Supported\n",
		[5] = "413 Content Too Large\n",
	};
	unsigned int status = error_status(e);
	const char *body;

	if (status == 0)
		return fail_close(s, e);
	s->stats->errors[e]++;
	s->last_error = e;
	switch (status) {
	case 413: body = bodies[5]; break;
	case 414: body = bodies[1]; break;
	case 431: body = bodies[2]; break;
	case 501: body = bodies[3]; break;
	case 505: body = bodies[4]; break;
	default: body = bodies[0]; break;
	}
	respond(s, status, body, 0, 0);
	return STEP_FAIL;
}

/* /bytes/N: N is 1..18 decimal digits; returns 0 and sets *n, or -1. */
static int
parse_bytes_path(const char *p, size_t len, uint64_t *n)
{
	static const char prefix[] = "/bytes/";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t v = 0;
	size_t i;

	if (len <= plen || len - plen > CL_DIGITS_MAX ||
	    memcmp(p, prefix, plen) != 0)
		return -1;
	for (i = plen; i < len; i++) {
		if (!is_digit((uint8_t)p[i]))
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*n = v;
	return 0;
}

/* The request head is complete: check framing, then route. */
static int
head_done(struct ptg_http_session *s)
{
	int keep;
	uint64_t n;

	s->stats->requests++;
	/* RFC 9112 3.2: a 1.1 request without exactly one Host gets 400 */
	if (s->minor == 1 && s->host_count != 1)
		return fail(s, PTG_HTTP_ERR_host);
	if (s->te_seen) {
		/* RFC 9112 6.1: Transfer-Encoding in a 1.0 message is faulty
		 * framing; 6.3 (3): with Content-Length it is a smuggling
		 * attempt; 6.3 (4): chunked must be the final coding. */
		if (s->minor == 0)
			return fail(s, PTG_HTTP_ERR_te_framing);
		if (s->has_cl)
			return fail(s, PTG_HTTP_ERR_te_and_cl);
		if (!s->te_last_chunked)
			return fail(s, PTG_HTTP_ERR_te_framing);
		if (s->te_other) /* RFC 9112 6.1: coding we do not know: 501 */
			return fail(s, PTG_HTTP_ERR_te_unsup);
	}
	/* RFC 9110 15.5.14: more content than we take; closing, since the
	 * body will not be read (RFC 9112 9.6) */
	if (!s->te_seen && s->has_cl && s->max_body != 0 &&
	    s->cl > s->max_body)
		return fail(s, PTG_HTTP_ERR_body_long);

	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only on
	 * "keep-alive" */
	if (s->minor == 1)
		keep = !s->conn_close;
	else
		keep = s->conn_keepalive && !s->conn_close;
	/* RFC 9110 10.1.1: we answer without "100 Continue", so a client
	 * that sent Expect may or may not send its content: close after. */
	if (s->expect_continue && (s->te_seen || (s->has_cl && s->cl > 0)))
		keep = 0;

	if (s->te_seen) {
		s->state = S_CHUNK_SIZE;
		s->line_bytes = 0;
		s->cl_digits = 0;
		s->body_left = 0;
	} else if (s->has_cl && s->cl > 0) {
		s->state = S_BODY;
		s->body_left = s->cl;
	} else {
		s->state = S_START;
	}

	/* RFC 9110 15.5.6: 405 lists the methods we allow */
	if (s->method == M_OTHER) {
		respond(s, 405, "405 Method Not Allowed\n", 0, keep);
		return STEP_HEAD;
	}
	if (s->bad_form)
		return fail(s, PTG_HTTP_ERR_target_form);
	if (!s->path_over && s->path_len == 1 && s->path[0] == '/') {
		respond(s, 200, PTG_SERVICE_HTTP_ROOT_BODY, 0, keep);
		return STEP_HEAD;
	}
	if (!s->path_over && parse_bytes_path(s->path, s->path_len, &n) == 0) {
		if (n > s->maxbytes)
			respond(s, 400, "400 Bad Request: N too large\n", 0,
				keep);
		else
			respond(s, 200, NULL, n, keep);
		return STEP_HEAD;
	}
	respond(s, 404, "404 Not Found\n", 0, keep);
	return STEP_HEAD;
}

/* ---- request line ------------------------------------------------------ */

static void
path_add(struct ptg_http_session *s, uint8_t c)
{
	if (s->path_len < PTG_HTTP_PATH_MAX)
		s->path[s->path_len++] = (char)c;
	else
		s->path_over = 1;
}

/* One byte of the request-target (RFC 9112 3.2): origin-form is routed by
 * its path; absolute-form (which we MUST accept, 3.2.2) by the path after
 * the authority; asterisk-form is only for OPTIONS. */
static void
target_char(struct ptg_http_session *s, uint8_t c)
{
	switch (s->tstate) {
	case T_FIRST:
		if (c == '/') {
			s->tstate = T_PATH;
			path_add(s, c);
		} else if (c == '*') {
			s->tstate = T_STAR;
			s->bad_form = 1;
		} else if (is_alpha(c)) {
			s->tstate = T_SCHEME;
		} else {
			s->tstate = T_BAD;
			s->bad_form = 1;
		}
		break;
	case T_PATH:
		if (c == '?' || c == '#')
			s->tstate = T_QUERY;
		else
			path_add(s, c);
		break;
	case T_SCHEME:
		if (c == ':')
			s->tstate = T_SLASH1;
		else if (!is_alpha(c) && !is_digit(c) && c != '+' &&
			 c != '-' && c != '.')
			s->tstate = T_BAD;
		break;
	case T_SLASH1:
		s->tstate = c == '/' ? T_SLASH2 : T_BAD;
		break;
	case T_SLASH2:
		s->tstate = c == '/' ? T_AUTH : T_BAD;
		break;
	case T_AUTH:
		if (c == '/') {
			s->tstate = T_PATH;
			path_add(s, c);
		} else if (c == '?' || c == '#') {
			s->tstate = T_QUERY;
			path_add(s, '/'); /* empty path is "/" (RFC 9110 4.2.3) */
		}
		break;
	case T_STAR:
		s->tstate = T_BAD;
		break;
	default: /* T_QUERY, T_BAD */
		break;
	}
	if (s->tstate == T_BAD)
		s->bad_form = 1;
}

static void
target_end(struct ptg_http_session *s)
{
	switch (s->tstate) {
	case T_AUTH:
		path_add(s, '/');
		break;
	case T_SCHEME:
	case T_SLASH1:
	case T_SLASH2:
		s->bad_form = 1;
		break;
	default:
		break;
	}
}

static void
method_end(struct ptg_http_session *s)
{
	/* RFC 9110 9.1: method names are case-sensitive */
	if (s->mlen == 3 && memcmp(s->mbuf, "GET", 3) == 0)
		s->method = M_GET;
	else if (s->mlen == 4 && memcmp(s->mbuf, "HEAD", 4) == 0)
		s->method = M_HEAD;
	else
		s->method = M_OTHER;
}

/* RFC 9112 2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive */
static int
version_end(struct ptg_http_session *s)
{
	if (s->vlen != 8 || memcmp(s->vbuf, "HTTP/", 5) != 0 ||
	    !is_digit((uint8_t)s->vbuf[5]) || s->vbuf[6] != '.' ||
	    !is_digit((uint8_t)s->vbuf[7]))
		return fail(s, PTG_HTTP_ERR_version);
	/* RFC 9110 6.2: a higher 1.x minor is handled as 1.1 */
	if (s->vbuf[5] != '1')
		return fail(s, PTG_HTTP_ERR_version_unsup);
	s->minor = s->vbuf[7] == '0' ? 0 : 1;
	s->state = S_HDR_START;
	s->line_bytes = 0;
	return STEP_MORE;
}

/* ---- header fields ----------------------------------------------------- */

static void
name_end(struct ptg_http_session *s)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} known[] = {
		{ "host", H_HOST },
		{ "content-length", H_CL },
		{ "transfer-encoding", H_TE },
		{ "connection", H_CONN },
		{ "expect", H_EXPECT },
	};
	unsigned int i;

	s->hkind = H_OTHER;
	if (s->nlen > sizeof(s->nbuf))
		return;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == s->nlen &&
		    memcmp(known[i].name, s->nbuf, s->nlen) == 0) {
			s->hkind = known[i].kind;
			break;
		}
	}
	if (s->hkind == H_HOST)
		s->host_count++;
	if (s->hkind == H_TE)
		s->te_seen = 1;
	s->cl_cur = 0;
	s->cl_digits = 0;
	s->cl_space = 0;
	s->tlen = 0;
	s->tjunk = 0;
	s->tspace = 0;
}

static int
token_is(const struct ptg_http_session *s, const char *t)
{
	size_t n = strlen(t);

	return !s->tjunk && s->tlen == n && memcmp(s->tbuf, t, n) == 0;
}

/* End of one element of a comma-separated list (RFC 9110 5.6.1). */
static int
token_end(struct ptg_http_session *s)
{
	int empty = s->tlen == 0 && !s->tjunk;

	if (!empty) {
		switch (s->hkind) {
		case H_CONN:
			if (token_is(s, "close"))
				s->conn_close = 1;
			else if (token_is(s, "keep-alive"))
				s->conn_keepalive = 1;
			break;
		case H_EXPECT:
			if (token_is(s, "100-continue"))
				s->expect_continue = 1;
			break;
		case H_TE:
			if (token_is(s, "chunked")) {
				/* RFC 9112 6.1: chunked at most once */
				if (s->te_chunked)
					return fail(s,
						    PTG_HTTP_ERR_te_framing);
				s->te_chunked = 1;
				s->te_last_chunked = 1;
			} else {
				s->te_other = 1;
				s->te_last_chunked = 0;
			}
			break;
		}
	}
	s->tlen = 0;
	s->tjunk = 0;
	s->tspace = 0;
	return STEP_MORE;
}

static int
value_char(struct ptg_http_session *s, uint8_t c)
{
	switch (s->hkind) {
	case H_CL:
		/* RFC 9110 8.6: Content-Length = 1*DIGIT; lists rejected */
		if (is_digit(c) && !s->cl_space) {
			if (s->cl_digits == CL_DIGITS_MAX)
				return fail(s, PTG_HTTP_ERR_content_length);
			s->cl_cur = s->cl_cur * 10 + (uint64_t)(c - '0');
			s->cl_digits++;
		} else if ((c == ' ' || c == '\t') && s->cl_digits > 0) {
			s->cl_space = 1;
		} else {
			return fail(s, PTG_HTTP_ERR_content_length);
		}
		break;
	case H_CONN:
	case H_EXPECT:
	case H_TE:
		if (c == ',')
			return token_end(s);
		if (c == ' ' || c == '\t') {
			if (s->tlen > 0)
				s->tspace = 1;
		} else if (is_tchar(c) && !s->tspace &&
			   s->tlen < sizeof(s->tbuf)) {
			s->tbuf[s->tlen++] = (char)lower(c);
		} else {
			s->tjunk = 1;
		}
		break;
	default:
		break;
	}
	return STEP_MORE;
}

static int
value_end(struct ptg_http_session *s)
{
	switch (s->hkind) {
	case H_CL:
		if (s->cl_digits == 0)
			return fail(s, PTG_HTTP_ERR_content_length);
		/* RFC 9112 6.3 (5): differing lengths are unrecoverable */
		if (s->has_cl && s->cl != s->cl_cur)
			return fail(s, PTG_HTTP_ERR_content_length);
		s->has_cl = 1;
		s->cl = s->cl_cur;
		break;
	case H_CONN:
	case H_EXPECT:
	case H_TE:
		return token_end(s);
	default:
		break;
	}
	return STEP_MORE;
}

/* ---- chunked body (RFC 9112 7.1), skipped ------------------------------ */

/* Chunked bodies are bounded by max_body as sent (chunk data, sizes,
 * extensions and trailers): an endless body ends once past it. */
static int
chunk_account(struct ptg_http_session *s, uint64_t n)
{
	s->body_seen += n;
	if (s->max_body != 0 && s->body_seen > s->max_body)
		return fail_close(s, PTG_HTTP_ERR_body_long);
	return STEP_MORE;
}

static int
chunk_size_done(struct ptg_http_session *s)
{
	/* the chunk's data counts as soon as its size is known */
	if (chunk_account(s, s->body_left) < 0)
		return STEP_FAIL;
	s->line_bytes = 0;
	s->state = s->body_left == 0 ? S_TRAILER_START : S_CHUNK_DATA;
	return STEP_MORE;
}

static int
chunk_line_byte(struct ptg_http_session *s)
{
	if (++s->line_bytes > PTG_HTTP_CHUNK_LINE_MAX)
		return fail(s, PTG_HTTP_ERR_chunk);
	return STEP_MORE;
}

static void
body_done(struct ptg_http_session *s)
{
	s->state = S_START;
}

static int
step_chunked(struct ptg_http_session *s, uint8_t c)
{
	int h;

	if (chunk_line_byte(s) < 0 || chunk_account(s, 1) < 0)
		return STEP_FAIL;
	switch (s->state) {
	case S_CHUNK_SIZE:
		h = hexval(c);
		if (h >= 0) {
			if (s->body_left >= CHUNK_SIZE_MAX / 16)
				return fail(s, PTG_HTTP_ERR_chunk);
			s->body_left = s->body_left * 16 + (uint64_t)h;
			s->cl_digits = 1;
			return STEP_MORE;
		}
		if (!s->cl_digits)
			return fail(s, PTG_HTTP_ERR_chunk);
		s->cl_digits = 0;
		if (c == ';' || c == ' ' || c == '\t')
			s->state = S_CHUNK_EXT;
		else if (c == '\r')
			s->state = S_CHUNK_SIZE_LF;
		else if (c == '\n')
			return chunk_size_done(s);
		else
			return fail(s, PTG_HTTP_ERR_chunk);
		return STEP_MORE;
	case S_CHUNK_EXT:
		if (c == '\r')
			s->state = S_CHUNK_SIZE_LF;
		else if (c == '\n')
			return chunk_size_done(s);
		else if (!is_field_char(c))
			return fail(s, PTG_HTTP_ERR_chunk);
		return STEP_MORE;
	case S_CHUNK_SIZE_LF:
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_chunk);
		return chunk_size_done(s);
	case S_CHUNK_DATA_CR:
		if (c == '\r') {
			s->state = S_CHUNK_DATA_LF;
			return STEP_MORE;
		}
		/* a bare LF ends the chunk data too (RFC 9112 2.2) */
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_chunk);
		/* fall through */
	case S_CHUNK_DATA_LF:
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_chunk);
		s->state = S_CHUNK_SIZE;
		s->line_bytes = 0;
		s->cl_digits = 0;
		return STEP_MORE;
	case S_TRAILER_START:
		if (c == '\r')
			s->state = S_TRAILER_END_LF;
		else if (c == '\n')
			body_done(s);
		else if (is_field_char(c))
			s->state = S_TRAILER_LINE;
		else
			return fail(s, PTG_HTTP_ERR_chunk);
		return STEP_MORE;
	case S_TRAILER_LINE:
		if (c == '\r')
			s->state = S_TRAILER_LF;
		else if (c == '\n')
			s->state = S_TRAILER_START;
		else if (!is_field_char(c))
			return fail(s, PTG_HTTP_ERR_chunk);
		return STEP_MORE;
	case S_TRAILER_LF:
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_chunk);
		s->state = S_TRAILER_START;
		return STEP_MORE;
	case S_TRAILER_END_LF:
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_chunk);
		body_done(s);
		return STEP_MORE;
	}
	return fail(s, PTG_HTTP_ERR_chunk);
}

/* ---- the byte machine -------------------------------------------------- */

static int
rl_byte(struct ptg_http_session *s)
{
	if (++s->line_bytes > PTG_HTTP_LINE_MAX)
		return fail(s, PTG_HTTP_ERR_line_long);
	return STEP_MORE;
}

static int
hdr_byte(struct ptg_http_session *s)
{
	if (++s->line_bytes > PTG_HTTP_HEADERS_MAX)
		return fail(s, PTG_HTTP_ERR_headers_long);
	return STEP_MORE;
}

static int
step(struct ptg_http_session *s, uint8_t c)
{
	switch (s->state) {
	case S_START:
		/* RFC 9112 2.2: ignore empty lines before a request line */
		if (c == '\r') {
			/* The next request starts here, even one that fails
			 * at its first CR: nothing of the previous one may
			 * shape its answer (a HEAD left behind would strip the
			 * 400's body, RFC 9110 9.3.2), and where the bytes
			 * were split must not matter. */
			request_reset(s);
			s->state = S_START_LF;
			return STEP_MORE;
		}
		if (c == '\n')
			return STEP_MORE;
		request_reset(s);
		/* RFC 9112 2.2: no whitespace before the request line */
		if (!is_tchar(c))
			return fail(s, PTG_HTTP_ERR_method_char);
		s->state = S_METHOD;
		s->mbuf[s->mlen++] = (char)c;
		return rl_byte(s);
	case S_START_LF:
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_line_end);
		s->state = S_START;
		return STEP_MORE;
	case S_METHOD:
		if (rl_byte(s) < 0)
			return STEP_FAIL;
		if (c == ' ') {
			method_end(s);
			s->state = S_TARGET;
		} else if (is_tchar(c)) {
			if (s->mlen < sizeof(s->mbuf))
				s->mbuf[s->mlen++] = (char)c;
			else
				s->mlen = sizeof(s->mbuf); /* too long: other */
		} else {
			return fail(s, PTG_HTTP_ERR_method_char);
		}
		return STEP_MORE;
	case S_TARGET:
		if (rl_byte(s) < 0)
			return STEP_FAIL;
		if (c == ' ') {
			/* RFC 9112 3: exactly one SP; an empty target is bad */
			if (s->tstate == T_FIRST)
				return fail(s, PTG_HTTP_ERR_target_char);
			target_end(s);
			s->state = S_VERSION;
		} else if (c == '\r' || c == '\n') {
			return fail(s, PTG_HTTP_ERR_version); /* no version */
		} else if (c > 0x20 && c < 0x7f) {
			target_char(s, c);
		} else {
			return fail(s, PTG_HTTP_ERR_target_char);
		}
		return STEP_MORE;
	case S_VERSION:
		if (rl_byte(s) < 0)
			return STEP_FAIL;
		if (c == '\r') {
			s->state = S_RL_LF;
			return STEP_MORE;
		}
		if (c == '\n')
			return version_end(s);
		if (s->vlen == sizeof(s->vbuf))
			return fail(s, c == ' ' ? PTG_HTTP_ERR_line_end :
				    PTG_HTTP_ERR_version);
		s->vbuf[s->vlen++] = (char)c;
		return STEP_MORE;
	case S_RL_LF:
		if (rl_byte(s) < 0)
			return STEP_FAIL;
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_line_end);
		return version_end(s);
	case S_HDR_START:
		if (hdr_byte(s) < 0)
			return STEP_FAIL;
		if (c == '\r') {
			s->state = S_HEAD_LF;
			return STEP_MORE;
		}
		if (c == '\n')
			return head_done(s);
		/* RFC 9112 5.2: obs-fold may be rejected with 400 */
		if (c == ' ' || c == '\t')
			return fail(s, PTG_HTTP_ERR_obs_fold);
		if (!is_tchar(c))
			return fail(s, PTG_HTTP_ERR_header_name);
		s->state = S_HDR_NAME;
		s->nlen = 0;
		s->nbuf[s->nlen++] = (char)lower(c);
		return STEP_MORE;
	case S_HDR_NAME:
		if (hdr_byte(s) < 0)
			return STEP_FAIL;
		if (c == ':') {
			name_end(s);
			s->state = S_HDR_OWS;
		} else if (is_tchar(c)) {
			if (s->nlen < sizeof(s->nbuf))
				s->nbuf[s->nlen++] = (char)lower(c);
			else
				s->nlen = sizeof(s->nbuf) + 1; /* too long */
		} else if (c == ' ' || c == '\t') {
			/* RFC 9112 5.1: no whitespace before the colon */
			return fail(s, PTG_HTTP_ERR_header_ws);
		} else {
			return fail(s, PTG_HTTP_ERR_header_name);
		}
		return STEP_MORE;
	case S_HDR_OWS:
	case S_HDR_VALUE:
		if (hdr_byte(s) < 0)
			return STEP_FAIL;
		if (c == '\r') {
			s->state = S_HDR_LF;
			return STEP_MORE;
		}
		if (c == '\n') {
			s->state = S_HDR_START;
			return value_end(s);
		}
		if (!is_field_char(c))
			return fail(s, PTG_HTTP_ERR_header_value);
		if (s->state == S_HDR_OWS && (c == ' ' || c == '\t'))
			return STEP_MORE;
		s->state = S_HDR_VALUE;
		return value_char(s, c);
	case S_HDR_LF:
		if (hdr_byte(s) < 0)
			return STEP_FAIL;
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_line_end);
		s->state = S_HDR_START;
		return value_end(s);
	case S_HEAD_LF:
		if (hdr_byte(s) < 0)
			return STEP_FAIL;
		if (c != '\n')
			return fail(s, PTG_HTTP_ERR_line_end);
		return head_done(s);
	default:
		return step_chunked(s, c);
	}
}

size_t
ptg_http_session_input(struct ptg_http_session *s, const void *data,
		       size_t len)
{
	const uint8_t *p = data;
	size_t i = 0, n;
	int rc;

	if (s->draining) {
		s->stats->drop_after_close += len;
		return len;
	}
	if (s->resp_pending)
		return 0;
	while (i < len) {
		if (s->state == S_BODY || s->state == S_CHUNK_DATA) {
			n = len - i;
			if (n > s->body_left)
				n = (size_t)s->body_left;
			s->body_left -= n;
			s->stats->body_bytes_skipped += n;
			i += n;
			if (s->body_left == 0) {
				if (s->state == S_BODY)
					body_done(s);
				else
					s->state = S_CHUNK_DATA_CR;
			}
			continue;
		}
		if (s->state == S_HDR_VALUE && s->hkind == H_OTHER) {
			/* fast path: a value we do not read, up to its CR/LF
			 * (which is_field_char() excludes) */
			n = i;
			while (i < len && is_field_char(p[i]))
				i++;
			s->line_bytes += (uint32_t)(i - n);
			if (s->line_bytes > PTG_HTTP_HEADERS_MAX) {
				fail(s, PTG_HTTP_ERR_headers_long);
				s->stats->drop_after_close += len - i;
				return len;
			}
			if (i == len)
				break;
		}
		rc = step(s, p[i++]);
		if (rc == STEP_HEAD)
			return i;
		if (rc == STEP_FAIL) {
			s->stats->drop_after_close += len - i;
			return len;
		}
	}
	return i;
}

/* ---- output ------------------------------------------------------------ */

uint64_t
ptg_http_session_out_left(const struct ptg_http_session *s)
{
	if (!s->resp_pending)
		return 0;
	return (uint64_t)(s->resp_len - s->resp_off) +
		(s->pat_len - s->pat_off);
}

size_t
ptg_http_session_peek(const struct ptg_http_session *s, void *buf,
		      size_t cap)
{
	uint8_t *out = buf;
	size_t n, done = 0;
	uint64_t left;

	if (!s->resp_pending)
		return 0;
	n = (size_t)(s->resp_len - s->resp_off);
	if (n > cap)
		n = cap;
	memcpy(out, s->resp + s->resp_off, n);
	done = n;
	left = s->pat_len - s->pat_off;
	if (done < cap && left > 0) {
		n = cap - done;
		if (n > left)
			n = (size_t)left;
		ptg_service_http_bytes_fill(s->pat_off, out + done, n);
		done += n;
	}
	return done;
}

void
ptg_http_session_advance(struct ptg_http_session *s, size_t n)
{
	size_t h = (size_t)(s->resp_len - s->resp_off);

	if (!s->resp_pending)
		return;
	s->stats->resp_bytes += n;
	if (n <= h) {
		s->resp_off = (uint16_t)(s->resp_off + n);
	} else {
		s->resp_off = s->resp_len;
		s->pat_off += n - h;
		if (s->pat_off > s->pat_len)
			s->pat_off = s->pat_len;
	}
	if (s->resp_off == s->resp_len && s->pat_off == s->pat_len)
		s->resp_pending = 0;
}

enum ptg_http_phase
ptg_http_session_phase(const struct ptg_http_session *s)
{
	if (s->resp_pending)
		return PTG_HTTP_PHASE_RESP;
	if (s->state >= S_BODY)
		return PTG_HTTP_PHASE_BODY;
	return PTG_HTTP_PHASE_HEAD;
}

bool
ptg_http_session_idle(const struct ptg_http_session *s)
{
	return !s->resp_pending && !s->draining && s->state == S_START;
}

/* ---- ARGS -------------------------------------------------------------- */

/* The defaults of every ARGS key; portgate's --http-* options set them
 * (ptg_service_http_defaults_set()) before any instance is made. */
static struct ptg_http_config http_defaults = {
	.maxbytes = PTG_HTTP_MAXBYTES_DEFAULT,
	.pool = PTG_HTTP_POOL_DEFAULT,
	.conns = PTG_HTTP_CONNS_DEFAULT,
	.max_body = PTG_HTTP_MAX_BODY_DEFAULT,
	.header_timeout_ms = PTG_HTTP_HEADER_TIMEOUT_DEFAULT,
	.body_timeout_ms = PTG_HTTP_BODY_TIMEOUT_DEFAULT,
	.keepalive_timeout_ms = PTG_HTTP_KEEPALIVE_TIMEOUT_DEFAULT,
	.send_timeout_ms = PTG_HTTP_SEND_TIMEOUT_DEFAULT,
};

void
ptg_http_config_default(struct ptg_http_config *cfg)
{
	*cfg = http_defaults;
	ptg_service_keepalive_init(&cfg->ka);
}

void
ptg_service_http_defaults_get(struct ptg_service_http_defaults *d)
{
	d->header_timeout_ms = http_defaults.header_timeout_ms;
	d->body_timeout_ms = http_defaults.body_timeout_ms;
	d->keepalive_timeout_ms = http_defaults.keepalive_timeout_ms;
	d->send_timeout_ms = http_defaults.send_timeout_ms;
	d->max_body = http_defaults.max_body;
	d->conns = http_defaults.conns;
}

int
ptg_service_http_defaults_set(const struct ptg_service_http_defaults *d)
{
	if (d == NULL || d->header_timeout_ms > PTG_HTTP_TIMEOUT_MAX ||
	    d->body_timeout_ms > PTG_HTTP_TIMEOUT_MAX ||
	    d->keepalive_timeout_ms > PTG_HTTP_TIMEOUT_MAX ||
	    d->send_timeout_ms > PTG_HTTP_TIMEOUT_MAX ||
	    d->max_body > PTG_HTTP_MAX_BODY_LIMIT ||
	    d->conns < PTG_HTTP_CONNS_MIN || d->conns > PTG_HTTP_CONNS_MAX)
		return -EINVAL;
	http_defaults.header_timeout_ms = d->header_timeout_ms;
	http_defaults.body_timeout_ms = d->body_timeout_ms;
	http_defaults.keepalive_timeout_ms = d->keepalive_timeout_ms;
	http_defaults.send_timeout_ms = d->send_timeout_ms;
	http_defaults.max_body = d->max_body;
	http_defaults.conns = d->conns;
	return 0;
}

/* One KEY=N item of the http ARGS (ptg_service_args_each()). */
static int
parse_item(void *arg, const char *key, size_t klen, const char *val,
	   size_t vlen)
{
	struct ptg_http_config *cfg = arg;
	static const struct {
		const char *key;
		uint64_t min, max;
		size_t off;
		uint8_t u32;
	} keys[] = {
#define K64(k, lo, hi) { #k, lo, hi, offsetof(struct ptg_http_config, k), 0 }
#define K32(k, lo, hi) { #k, lo, hi, offsetof(struct ptg_http_config, k), 1 }
		K64(maxbytes, 0, PTG_HTTP_MAXBYTES_LIMIT),
		K32(pool, PTG_HTTP_POOL_MIN, PTG_HTTP_POOL_MAX),
		K32(conns, PTG_HTTP_CONNS_MIN, PTG_HTTP_CONNS_MAX),
		K64(max_body, 0, PTG_HTTP_MAX_BODY_LIMIT),
		{ "header_timeout", 0, PTG_HTTP_TIMEOUT_MAX,
		  offsetof(struct ptg_http_config, header_timeout_ms), 0 },
		{ "body_timeout", 0, PTG_HTTP_TIMEOUT_MAX,
		  offsetof(struct ptg_http_config, body_timeout_ms), 0 },
		{ "keepalive_timeout", 0, PTG_HTTP_TIMEOUT_MAX,
		  offsetof(struct ptg_http_config, keepalive_timeout_ms), 0 },
		{ "send_timeout", 0, PTG_HTTP_TIMEOUT_MAX,
		  offsetof(struct ptg_http_config, send_timeout_ms), 0 },
#undef K64
#undef K32
	};
	unsigned int i;
	uint64_t v;
	int rc;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) != klen ||
		    memcmp(keys[i].key, key, klen) != 0)
			continue;
		if (ptg_service_parse_u64(val, vlen, keys[i].min,
					  keys[i].max, &v) < 0)
			return -EINVAL;
		if (keys[i].u32)
			*(uint32_t *)((char *)cfg + keys[i].off) = (uint32_t)v;
		else
			*(uint64_t *)((char *)cfg + keys[i].off) = v;
		return 0;
	}
	rc = ptg_service_common_item(key, klen, val, vlen, &cfg->ka);
	return rc == -ENOENT ? -EINVAL : rc;
}

int
ptg_http_parse_args(const char *args, struct ptg_http_config *cfg)
{
	int rc;

	ptg_http_config_default(cfg);
	if (args == NULL)
		return 0;
	rc = ptg_service_args_each(args, parse_item, cfg);
	return rc < 0 ? rc : ptg_service_common_done(&cfg->ka);
}
