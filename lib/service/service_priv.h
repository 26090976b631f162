/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of lib/service shared between its files and its unit tests.
 *
 * The HTTP protocol machine (http_proto.c) is a pure function of the bytes
 * fed to it: ptg_http_session_input() consumes request bytes, and
 * ptg_http_session_peek()/ptg_http_session_advance() hand out the response
 * bytes. svc_http.c glues it to the TCP engine; the unit tests drive it
 * without one.
 */
#ifndef SERVICE_PRIV_H
#define SERVICE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_log.h>

#include "ptg_service.h"

/* Log type "ptg.service" (--log-level ptg.service:debug). Control path
 * only: lines a peer can trigger go through a ptg_ratelimit. */
extern int ptg_service_logtype;
#define SVC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ptg_service_logtype, \
		"SERVICE: " fmt "\n", ##__VA_ARGS__)

/* ---- ARGS common to the built-ins --------------------------------------- */

/**
 * TCP keepalive of a service's connections, from its ARGS:
 *   tcp_keepalive=IDLE_MS   probe after IDLE_MS idle (1..86400000)
 *   tcp_keepintvl=MS        between probes (default 75000)
 *   tcp_keepcnt=N           unanswered probes before a reset (1..255,
 *                           default 9)
 * set on each accepted connection with the engine's
 * ptg_conn_set_keepalive().
 */
struct ptg_service_keepalive {
	uint64_t idle_ms;  /**< 0: not asked, the engine's own setting */
	uint64_t intvl_ms;
	uint32_t probes;
};

#define PTG_SERVICE_KEEPINTVL_DEFAULT 75000u
#define PTG_SERVICE_KEEPCNT_DEFAULT 9u
#define PTG_SERVICE_KEEP_MS_MAX 86400000u
#define PTG_SERVICE_KEEPCNT_MAX 255u

/** Start @p ka with nothing asked. */
void ptg_service_keepalive_init(struct ptg_service_keepalive *ka);

/** Decimal digits only (at most 19), @p min..@p max.
 *  @return 0 and *out, or -EINVAL. */
int ptg_service_parse_u64(const char *s, size_t len, uint64_t min,
			  uint64_t max, uint64_t *out);

/** Called by ptg_service_args_each() for each KEY=VALUE item (neither
 *  NUL-terminated); a negative return stops the walk. */
typedef int (*ptg_service_arg_fn)(void *arg, const char *key, size_t klen,
				  const char *val, size_t vlen);

/**
 * Walk ARGS "KEY=VALUE,KEY=VALUE,...", calling @p fn for each item.
 * @return 0 after the last one; -EINVAL for an empty item or one without
 *         '='; or what @p fn returned to stop.
 */
int ptg_service_args_each(const char *args, ptg_service_arg_fn fn,
			  void *arg);

/**
 * One KEY=VALUE item of ARGS, if it is a key every built-in takes.
 * @return 0 taken; -ENOENT not such a key; -EINVAL bad value.
 */
int ptg_service_common_item(const char *key, size_t klen, const char *val,
			    size_t vlen, struct ptg_service_keepalive *ka);

/** After the last item: tcp_keepintvl or tcp_keepcnt need tcp_keepalive.
 *  @return 0 or -EINVAL. */
int ptg_service_common_done(const struct ptg_service_keepalive *ka);

/**
 * ARGS of echo, discard and chargen: the common keys only, comma
 * separated, or NULL.
 * @return 0 or -EINVAL (see ptg_service_common_item()).
 */
int ptg_service_common_args(const char *args,
			    struct ptg_service_keepalive *ka);

/** Apply @p ka to the accepted connection @p c (nothing if not asked). */
void ptg_service_keepalive_apply(struct ptg_conn *c,
				 const struct ptg_service_keepalive *ka);

/** Configuration of one http instance. */
struct ptg_http_config {
	uint64_t maxbytes; /**< largest N of /bytes/N */
	uint32_t pool;     /**< sessions (requests in progress) per worker */
	uint32_t conns;    /**< connections per worker (one record each) */
	uint64_t max_body; /**< largest request body, bytes (0: no limit) */
	uint64_t header_timeout_ms;    /**< whole request head (0: off) */
	uint64_t body_timeout_ms;      /**< between body reads; after our
					    close, for the peer's FIN */
	uint64_t keepalive_timeout_ms; /**< idle between requests */
	uint64_t send_timeout_ms;      /**< between response sends */
	struct ptg_service_keepalive ka; /**< tcp_keepalive= and friends */
};

#define PTG_HTTP_MAXBYTES_DEFAULT (UINT64_C(1) << 40)
#define PTG_HTTP_MAXBYTES_LIMIT ((UINT64_C(1) << 60) - 1)
#define PTG_HTTP_POOL_DEFAULT 8191u
#define PTG_HTTP_POOL_MIN 1u
#define PTG_HTTP_POOL_MAX (1u << 22)
#define PTG_HTTP_CONNS_DEFAULT 65536u
#define PTG_HTTP_CONNS_MIN 1u
#define PTG_HTTP_CONNS_MAX (1u << 24)
#define PTG_HTTP_MAX_BODY_DEFAULT (UINT64_C(1) << 20)
#define PTG_HTTP_MAX_BODY_LIMIT ((UINT64_C(1) << 60) - 1)
#define PTG_HTTP_HEADER_TIMEOUT_DEFAULT 60000u
#define PTG_HTTP_BODY_TIMEOUT_DEFAULT 60000u
#define PTG_HTTP_KEEPALIVE_TIMEOUT_DEFAULT 75000u
#define PTG_HTTP_SEND_TIMEOUT_DEFAULT 60000u
/** Longest timeout, ms (one day). */
#define PTG_HTTP_TIMEOUT_MAX 86400000u

/**
 * Parse http ARGS (comma-separated KEY=N: maxbytes, pool, conns,
 * max_body, header_timeout, body_timeout, keepalive_timeout,
 * send_timeout, and the common tcp_keep* keys; or NULL) into @p cfg,
 * starting from the defaults (ptg_service_http_defaults_set()).
 * @return 0, or -EINVAL (unknown key, empty item, bad or out-of-range N).
 */
int ptg_http_parse_args(const char *args, struct ptg_http_config *cfg);

/** The defaults ptg_http_parse_args() starts from. */
void ptg_http_config_default(struct ptg_http_config *cfg);

/* ---- HTTP protocol machine -------------------------------------------- */

/** Longest request line, and longest header section, in bytes. */
#define PTG_HTTP_LINE_MAX 8192u
#define PTG_HTTP_HEADERS_MAX 8192u
/** Path bytes kept for routing; longer paths cannot match a route. */
#define PTG_HTTP_PATH_MAX 48u
/** Longest chunk extension or trailer section of a chunked body. */
#define PTG_HTTP_CHUNK_LINE_MAX 4096u
/** Room for a response head plus the small fixed bodies. */
#define PTG_HTTP_RESP_MAX 320u

/** Why a request (or its body) was rejected; each has a counter. */
#define PTG_HTTP_ERRORS(X) \
	X(method_char)      /* 400: empty method, non-tchar in method */ \
	X(target_char)      /* 400: CTL/non-ASCII in target, empty target */ \
	X(target_form)      /* 400: GET/HEAD target not origin/absolute form */ \
	X(line_long)        /* 414: request line over PTG_HTTP_LINE_MAX */ \
	X(version)          /* 400: not "HTTP/" DIGIT "." DIGIT */ \
	X(version_unsup)    /* 505: major version other than 1 */ \
	X(line_end)         /* 400: CR not followed by LF, junk after version */ \
	X(header_name)      /* 400: non-tchar in field name, no colon */ \
	X(header_ws)        /* 400: whitespace before the colon */ \
	X(obs_fold)         /* 400: line folding / leading whitespace */ \
	X(header_value)     /* 400: CTL or NUL in a field value */ \
	X(headers_long)     /* 431: header section over PTG_HTTP_HEADERS_MAX */ \
	X(host)             /* 400: HTTP/1.1 without exactly one Host */ \
	X(content_length)   /* 400: malformed or conflicting Content-Length */ \
	X(te_and_cl)        /* 400: Transfer-Encoding with Content-Length */ \
	X(te_framing)       /* 400: chunked not last, twice, or in HTTP/1.0 */ \
	X(te_unsup)         /* 501: a transfer coding other than chunked */ \
	X(chunk)            /* close: malformed chunked body */ \
	X(body_long)        /* 413: Content-Length over max_body; close: a
			       chunked body past it */

enum ptg_http_error {
	PTG_HTTP_ERR_NONE = 0,
#define PTG_HTTP_ERR_ENUM(n) PTG_HTTP_ERR_##n,
	PTG_HTTP_ERRORS(PTG_HTTP_ERR_ENUM)
#undef PTG_HTTP_ERR_ENUM
	PTG_HTTP_ERR_NB
};

/** Name of error @p e ("header_ws", ...); "none" for 0. */
const char *ptg_http_error_str(enum ptg_http_error e);

/** Counters of one http instance (one worker). */
#define PTG_HTTP_STATS(X) \
	X(requests) X(resp_200) X(resp_400) X(resp_404) X(resp_405) \
	X(resp_413) X(resp_414) X(resp_431) X(resp_501) X(resp_505) \
	X(body_bytes_skipped) X(resp_bytes) \
	X(conn_close_after_resp) X(truncated_requests) \
	X(timeout_header) X(timeout_body) X(timeout_keepalive) \
	X(timeout_send) X(timeout_linger) \
	X(drop_pool_empty) X(drop_conns_full) X(drop_send_error) \
	X(drop_after_close)

struct ptg_http_stats {
#define PTG_HTTP_STAT_FIELD(n) uint64_t n;
	PTG_HTTP_STATS(PTG_HTTP_STAT_FIELD)
#undef PTG_HTTP_STAT_FIELD
	uint64_t errors[PTG_HTTP_ERR_NB]; /**< by enum ptg_http_error */
};

/**
 * One connection's HTTP state: the request being parsed and the response
 * being sent. Exists only while a request is partly received or a response
 * is in progress; the fields are internal to http_proto.c.
 */
struct ptg_http_session {
	/* configuration and counters (set by ptg_http_session_init) */
	struct ptg_http_stats *stats;
	uint64_t maxbytes;
	uint64_t max_body;   /* 0: no limit */

	/* request parser */
	uint8_t state;       /* enum in http_proto.c */
	uint8_t tstate;      /* request-target sub-state */
	uint8_t method;      /* GET, HEAD or other */
	uint8_t mlen;        /* method bytes seen (saturating) */
	char mbuf[8];
	uint8_t minor;       /* HTTP/1.minor, 1 for any minor >= 1 */
	uint8_t vlen;
	char vbuf[8];
	uint8_t path_len;
	uint8_t path_over;   /* path longer than PTG_HTTP_PATH_MAX */
	uint8_t bad_form;    /* target form invalid for GET/HEAD */
	char path[PTG_HTTP_PATH_MAX];
	uint8_t hkind;       /* which header's value is being read */
	uint8_t nlen;
	char nbuf[20];       /* field name, lower case (saturating) */
	uint8_t tlen;        /* list token being read (saturating) */
	uint8_t tjunk;       /* token can match nothing we know */
	uint8_t tspace;      /* whitespace seen after the token */
	char tbuf[14];
	uint8_t cl_digits;   /* digits of the current Content-Length */
	uint8_t cl_space;    /* trailing whitespace seen */
	uint8_t has_cl;
	uint8_t te_seen, te_chunked, te_last_chunked, te_other;
	uint8_t conn_close, conn_keepalive, expect_continue;
	uint8_t host_count;
	uint64_t cl_cur;     /* the Content-Length being read */
	uint64_t cl;         /* the request's Content-Length */
	uint32_t line_bytes; /* request line, or header section, so far */
	uint64_t body_left;  /* Content-Length or chunk bytes still to skip */
	uint64_t body_seen;  /* chunked: body bytes so far, framing included */

	/* connection-level flags, used by the engine glue */
	uint8_t draining;    /* closing: every further byte is dropped */
	uint8_t close_after; /* close once the response is queued */
	uint8_t backlog;     /* input left with the engine: keep the session
				for it rather than free and take it again */
	uint8_t peer_fin;    /* the peer sent FIN */
	uint8_t resp_pending;

	/* response in progress */
	uint8_t body_kind;   /* none, fixed (in resp), or pattern */
	uint16_t resp_len;   /* head (+ fixed body) bytes in resp */
	uint16_t resp_off;
	uint64_t pat_len;    /* pattern body bytes */
	uint64_t pat_off;
	uint16_t last_status; /* status of the last response (tests) */
	enum ptg_http_error last_error;
	char resp[PTG_HTTP_RESP_MAX];
};

/** Start a session with no request seen: routes /bytes/N up to
 *  @p maxbytes, bodies up to @p max_body bytes (0: any). */
void ptg_http_session_init(struct ptg_http_session *s,
			   struct ptg_http_stats *stats, uint64_t maxbytes,
			   uint64_t max_body);

/**
 * Feed request bytes. Consumes until a request head is complete (then a
 * response is pending and nothing more is consumed until it has been
 * handed out in full) or until @p len. While draining, consumes all.
 * @return bytes consumed.
 */
size_t ptg_http_session_input(struct ptg_http_session *s, const void *data,
			      size_t len);

/** Response bytes not yet handed out (0: none pending). */
uint64_t ptg_http_session_out_left(const struct ptg_http_session *s);

/** Copy up to @p cap of the next response bytes to @p buf, without
 *  advancing. @return bytes copied. */
size_t ptg_http_session_peek(const struct ptg_http_session *s, void *buf,
			     size_t cap);

/** Mark @p n response bytes as handed out (n <= out_left). */
void ptg_http_session_advance(struct ptg_http_session *s, size_t n);

/** True when no request is partly received and no response is pending:
 *  the session may be freed and started anew for the next request. */
bool ptg_http_session_idle(const struct ptg_http_session *s);

/** What a session is waiting for (the timeout that applies). */
enum ptg_http_phase {
	PTG_HTTP_PHASE_HEAD = 0, /**< (the rest of) a request head */
	PTG_HTTP_PHASE_BODY,     /**< request body bytes, to skip */
	PTG_HTTP_PHASE_RESP,     /**< room to send the response */
};

/** The phase of @p s. */
enum ptg_http_phase ptg_http_session_phase(const struct ptg_http_session *s);

/** True when the connection must be closed now: the response that asked
 *  for it is fully handed out. */
static inline bool
ptg_http_session_must_close(const struct ptg_http_session *s)
{
	return s->close_after && !s->resp_pending;
}

/* ---- instances, for the unit tests ------------------------------------ */

/** Counters of an http instance (the ctx made by its init). */
const struct ptg_http_stats *ptg_http_instance_stats(const void *ctx);

/** Sessions free in an http instance's pool. */
unsigned int ptg_http_instance_pool_avail(const void *ctx);

/** Connection records free in an http instance. */
unsigned int ptg_http_instance_conns_avail(const void *ctx);

/** Timers armed in an http instance (all its timeout queues). */
unsigned int ptg_http_instance_timers(const void *ctx);

#endif /* SERVICE_PRIV_H */
