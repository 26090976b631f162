/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate services: the ops a service implements, the registry of service
 * kinds by name, and the port -> service table (65,536 slots) that the app
 * fills before workers start. Each worker then instantiates every bound
 * service once (ops->init) and listens on its port (ptg_tcp_listen()).
 *
 * Callbacks run on the worker lcore that owns the connection; they may call
 * ptg_send(), ptg_shutdown(), ptg_close() and ptg_abort() (ptg_tcp.h).
 */
#ifndef PTG_SERVICE_H
#define PTG_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "ptg_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

struct ptg_conn;

/**
 * A service: what runs on a port. One instance per worker (init/fini);
 * the connection callbacks are the engine's contract (struct
 * ptg_conn_ops, ptg_tcp.h) and get that instance as
 * ptg_conn_service_ctx().
 *
 * @c size must be PTG_SERVICE_OPS_SIZE as the service was compiled, and
 * conn.size PTG_CONN_OPS_SIZE: ptg_service_register() refuses anything
 * else with -EPROTO, so a service built against another version of these
 * headers is refused cleanly instead of misread.
 */
struct ptg_service_ops {
	uint32_t size;    /**< PTG_SERVICE_OPS_SIZE */
	const char *name; /**< unique, as used in --service PORT:NAME */

	/** Make a per-worker instance from the ARGS of --service; NULL args
	 *  when none. Return 0 and set *ctx, or -errno (bad args: -EINVAL). */
	int (*init)(void **ctx, const char *args);
	/** Free an instance; accepts NULL. */
	void (*fini)(void *ctx);

	/** The connection callbacks; on_data and on_close are required. */
	struct ptg_conn_ops conn;

	/** Names of the instance counters, NULL-terminated; NULL if none.
	 *  Optional (added for the exit report and telemetry). */
	const char *const *stat_names;
	/** Copy an instance's counters into @p values, one per stat_names
	 *  entry, in that order. Optional; control path (the worker may be
	 *  running: values are read without synchronisation). */
	void (*stats)(const void *ctx, uint64_t *values);

	/** Called by the worker that owns the instance once per loop with
	 *  the worker's clock (ns, monotonic, the time given to the engine),
	 *  before that loop's frames are handled. Optional (added for
	 *  per-connection timeouts: ptg_service_timeq below): it may end
	 *  connections of the instance with ptg_abort() or ptg_close(). */
	void (*poll)(void *ctx, uint64_t now_ns);
};

/** The @c size of a struct ptg_service_ops built against this header. */
#define PTG_SERVICE_OPS_SIZE ((uint32_t)sizeof(struct ptg_service_ops))

/*
 * Service timers: per-connection timeouts driven by the worker's clock
 * (ops->poll). A timeout queue holds the timers of one duration; since the
 * clock never goes back, arming appends at the tail and the queue stays in
 * deadline order, so arming, cancelling and finding what expired are O(1)
 * each, whatever the number of connections. A timer is embedded in a
 * connection's state (container_of to get back to it) and is on one queue
 * at most; arming it on another queue moves it. Nothing is allocated.
 *
 *   on_accept/on_data -> ptg_service_timer_arm(&inst->header_q, &st->t, now)
 *   ops->poll(now)    -> while ((t = ptg_service_timeq_expired(q, now)))
 *                            ptg_abort(container_of(t, ...)->conn)
 *   on_close          -> ptg_service_timer_cancel(&st->t)
 */

struct ptg_service_timeq;

/** One timer; zero-initialised it is not armed. */
struct ptg_service_timer {
	struct ptg_service_timer *next;
	struct ptg_service_timer *prev;
	struct ptg_service_timeq *q;  /**< queue it is armed on, or NULL */
	uint64_t deadline_ns;         /**< valid while armed */
};

/** A queue of timers of one duration, in deadline order. */
struct ptg_service_timeq {
	struct ptg_service_timer *first;
	struct ptg_service_timer *last;
	uint64_t timeout_ns;          /**< 0: timers on it never fire */
	uint32_t len;                 /**< timers armed on it */
};

/** Make @p q empty with duration @p timeout_ns (0: timeout off, arming
 *  on @p q only disarms). */
void ptg_service_timeq_init(struct ptg_service_timeq *q, uint64_t timeout_ns);

/**
 * (Re)arm @p t to fire @p q's duration after @p now_ns: it leaves the
 * queue it was on, if any, and goes to the tail of @p q (or stays
 * disarmed when @p q's timeout is 0). @p now_ns must not be older than
 * that of any timer armed on @p q before (the worker's clock).
 */
void ptg_service_timer_arm(struct ptg_service_timeq *q,
			   struct ptg_service_timer *t, uint64_t now_ns);

/** Disarm @p t (nothing when it is not armed). */
void ptg_service_timer_cancel(struct ptg_service_timer *t);

/**
 * Take the first timer of @p q that is due at @p now_ns (deadline <=
 * now): it is disarmed and returned; NULL when none is due. Call in a
 * loop until NULL.
 */
struct ptg_service_timer *ptg_service_timeq_expired(
	struct ptg_service_timeq *q, uint64_t now_ns);

/** Earliest deadline on @p q, UINT64_MAX when it is empty. */
uint64_t ptg_service_timeq_next(const struct ptg_service_timeq *q);

/** Whether @p t is armed (on some queue). */
static inline int
ptg_service_timer_armed(const struct ptg_service_timer *t)
{
	return t->q != NULL;
}

/** One slot of the port table. */
struct ptg_service_binding {
	const struct ptg_service_ops *ops; /**< NULL: port unbound */
	char *args;                        /**< ARGS of --service, or NULL */
};

/**
 * Register a service kind. The built-ins (echo, discard, chargen, http,
 * proxy)
 * are registered on first use of the registry.
 * @return 0; -EEXIST same name; -EINVAL bad ops (no name, init,
 *         conn.on_data or conn.on_close); -EPROTO ops or conn ops of
 *         another size; -ENOSPC registry full.
 */
int ptg_service_register(const struct ptg_service_ops *ops);

/**
 * Services built outside the tree (against the installed headers and
 * libportgate.pc) come as shared objects loaded with `portgate --plugin
 * FILE.so`. A plugin defines this one function, which returns its ops
 * (static storage: they must stay valid while portgate runs):
 * @code
 *   #include <ptg_service.h>
 *
 *   static const struct ptg_service_ops hello_ops = {
 *       .size = PTG_SERVICE_OPS_SIZE,
 *       .name = "hello",
 *       .init = hello_init,
 *       .conn = { .size = PTG_CONN_OPS_SIZE, .on_data = ...,
 *                 .on_close = ... },
 *   };
 *
 *   const struct ptg_service_ops *
 *   ptg_plugin_service(void)
 *   {
 *       return &hello_ops;
 *   }
 * @endcode
 * built with e.g. `cc -shared -fPIC -o hello.so hello.c $(pkg-config
 * --cflags --libs libportgate)`. The ops' size fields are checked by
 * ptg_service_register(), so a plugin built against other headers is
 * refused, not misread. Its callbacks call the ptg_ API of the portgate
 * that loaded it (the executable exports it).
 */
const struct ptg_service_ops *ptg_plugin_service(void);

/** The symbol ptg_service_plugin_load() looks up. */
#define PTG_PLUGIN_SYMBOL "ptg_plugin_service"

/**
 * Load a plugin (dlopen(), then PTG_PLUGIN_SYMBOL) and register the
 * service it returns. The plugin stays loaded until the process ends. A
 * @p path without '/' names a file in the working directory (it is not
 * searched in the library path).
 * @param err receives "FILE: why" on failure.
 * @return 0; -ENOENT the file cannot be loaded (dlerror() in @p err);
 *         -ENOEXEC no PTG_PLUGIN_SYMBOL in it, or it returned NULL; the
 *         error of ptg_service_register() (-EPROTO built against other
 *         headers, -EEXIST a service of that name exists, -EINVAL
 *         incomplete ops, -ENOSPC registry full).
 */
int ptg_service_plugin_load(const char *path, char *err, size_t errlen);

/** Look a service kind up by name; NULL if unknown. */
const struct ptg_service_ops *ptg_service_find(const char *name);

/**
 * Bind @p port to service @p name with optional @p args (copied).
 * The ARGS of a built-in service are checked here (no resources are made),
 * so a bad option is reported before any worker starts.
 * @return 0; -ENOENT unknown name; -EEXIST port already bound;
 *         -EINVAL port 0, NULL name, or bad ARGS for a built-in; -ENOMEM.
 */
int ptg_service_bind(uint16_t port, const char *name, const char *args);

/**
 * Why the last ptg_service_bind() or ptg_service_bind_spec() refused the
 * ARGS of a built-in, as one line naming the item ("proxy: backend
 * '198.18.0.1:0': port not in 1..65535"), or "" when it gave no reason.
 * Control path, like the binds.
 */
const char *ptg_service_bind_error(void);

/**
 * Parse and bind "PORT:NAME[:ARGS]". PORT is decimal, 1..65535, digits
 * only, no sign, no leading zero; NAME is non-empty; ARGS, when its colon
 * is present, is non-empty and runs to the end of the string.
 * @return as ptg_service_bind(), and -EINVAL for a malformed spec.
 */
int ptg_service_bind_spec(const char *spec);

/** Bind the defaults: echo 7, discard 9, chargen 19, http 80. */
int ptg_service_bind_defaults(void);

/** The binding of @p port (ops NULL when unbound). */
const struct ptg_service_binding *ptg_service_binding(uint16_t port);

/** Number of bound ports. */
unsigned int ptg_service_count(void);

/** Iterate bound ports: returns the next bound port > @p after, or -1. */
int ptg_service_next(int after);

/** Unbind everything (tests, exit). */
void ptg_service_unbind_all(void);

/*
 * Built-in services.
 *
 * Every built-in takes these ARGS (comma-separated KEY=N), which set TCP
 * keepalive on each accepted connection through the engine's
 * ptg_conn_set_keepalive():
 *     tcp_keepalive=MS   first probe after MS idle (1..86400000)
 *     tcp_keepintvl=MS   between probes (default 75000)
 *     tcp_keepcnt=N      unanswered probes before a reset (1..255,
 *                        default 9)
 *
 * echo (RFC 862): sends back what arrives; after the peer's FIN, FIN once
 *   every echoed byte is queued (half-close). No ARGS of its own.
 * discard (RFC 863): reads and drops everything; closes after the peer
 *   does. No ARGS of its own.
 * chargen (RFC 864): the stream of ptg_service_chargen_fill() until the
 *   peer closes; input is dropped. No ARGS of its own.
 * http: HTTP/1.1 (RFC 9110, RFC 9112) with keep-alive and pipelining.
 *   GET and HEAD of "/" (body PTG_SERVICE_HTTP_ROOT_BODY) and of
 *   "/bytes/N" (N bytes of ptg_service_http_bytes_fill() from offset 0,
 *   Content-Length N); other paths 404, other methods 405 with Allow.
 *   Request bodies are read and dropped.
 *   ARGS, comma-separated KEY=N, each optional:
 *     maxbytes=N   largest N of /bytes/N (default 2^40; larger N: 400)
 *     pool=N       requests in progress per worker (default 8191; past
 *                  it new requests are reset, drop_pool_empty)
 *     conns=N      connections per worker (default 65536; past it new
 *                  connections are reset, drop_conns_full)
 *     max_body=N   largest request body in bytes (default 1 MiB, 0: no
 *                  limit): a larger Content-Length gets 413 and close, a
 *                  chunked body (framing included) past it is cut off
 *                  with a close (error_body_long)
 *     header_timeout=MS     a request head must arrive whole within MS
 *                           of its first byte, the first one of a
 *                           connection within MS of the accept (60000)
 *     body_timeout=MS       at most MS between reads of a request body;
 *                           after our close, MS for the peer's FIN
 *                           (60000)
 *     keepalive_timeout=MS  idle keep-alive connection (75000)
 *     send_timeout=MS       at most MS between two sends of a response
 *                           that waits for the peer's window (60000)
 *   A timeout of 0 is off. A connection that times out is reset
 *   (ptg_abort) and counted: timeout_header, timeout_body,
 *   timeout_keepalive, timeout_send, timeout_linger (after our close).
 *   The defaults are those of ptg_service_http_defaults_set().
 * proxy: relays each client connection, both ways, over a connection of
 *   its own (ptg_connect()) to a backend, with end-to-end flow control,
 *   half-close and resets passed on. ARGS (required): items separated by
 *   ',' or ';', each a backend "IPV4:PORT" (1 to 8) or an option:
 *   "lb=rr|leastconn" (default rr), "proxy=v1|v2|off" (PROXY protocol
 *   header to the backend, default off), "connect_timeout=MS" (default
 *   5000), "backoff=MS" and "backoff_max=MS" (a backend that refused or
 *   timed out is skipped for backoff ms, doubling at each failed retry up
 *   to backoff_max; defaults 1000 and 30000), "pool=N" (client sessions
 *   per worker, default 8191). Not a default service.
 */
extern const struct ptg_service_ops ptg_service_echo;
extern const struct ptg_service_ops ptg_service_discard;
extern const struct ptg_service_ops ptg_service_chargen;
extern const struct ptg_service_ops ptg_service_http;
extern const struct ptg_service_ops ptg_service_proxy;

/** Defaults of the http service's ARGS keys (see above). */
struct ptg_service_http_defaults {
	uint64_t header_timeout_ms;    /**< header_timeout (60000) */
	uint64_t body_timeout_ms;      /**< body_timeout (60000) */
	uint64_t keepalive_timeout_ms; /**< keepalive_timeout (75000) */
	uint64_t send_timeout_ms;      /**< send_timeout (60000) */
	uint64_t max_body;             /**< max_body (1 MiB) */
	uint32_t conns;                /**< conns (65536) */
};

/** The defaults in force. */
void ptg_service_http_defaults_get(struct ptg_service_http_defaults *d);

/**
 * Set the defaults of the http ARGS keys for every http binding checked
 * and every instance made from now on (portgate: its --http-* options,
 * before binding services). Control path, before workers start.
 * @return 0; -EINVAL a value out of range (timeouts 0..86400000 ms,
 *         max_body 0..2^60-1, conns 1..2^24).
 */
int ptg_service_http_defaults_set(const struct ptg_service_http_defaults *d);

/** Body of the http service's "/". */
#define PTG_SERVICE_HTTP_ROOT_BODY "Hello from portgate\n"

/** Characters per chargen line before CR LF (RFC 864). */
#define PTG_SERVICE_CHARGEN_LINE 72
/** Bytes after which the chargen stream repeats: 95 lines of 72 + 2. */
#define PTG_SERVICE_CHARGEN_PERIOD (95u * (PTG_SERVICE_CHARGEN_LINE + 2u))

/**
 * Bytes [@p pos, @p pos + @p len) of the chargen stream (RFC 864 "Data
 * Syntax"): line n holds the printable ASCII characters 0x20..0x7e taken
 * as a ring, 72 of them starting at number (n mod 95), then CR LF.
 * Line 0 is " !\"#...g". Usable by clients to check what they receive.
 */
void ptg_service_chargen_fill(uint64_t pos, void *buf, size_t len);

/**
 * Bytes [@p off, @p off + @p len) of the http /bytes/N body: 16-byte
 * records, the record starting at offset R holding R as 15 lowercase hex
 * digits (zero-padded) and '\n' ("000000000000000\n000000000000010\n...").
 * Every byte thus tells where it belongs; a body of N bytes is the first N.
 * Offsets must stay below 2^60.
 */
void ptg_service_http_bytes_fill(uint64_t off, void *buf, size_t len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_SERVICE_H */
