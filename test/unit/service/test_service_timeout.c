/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The http service's bounds on slow and idle peers (svc_http.c), through
 * the fake connection API (fake_conn.c) and an injected clock: the time
 * only moves when the test calls the service's poll hook, as the worker
 * loop does. Each timeout fires at its deadline and not a nanosecond
 * before, resets the connection (ptg_abort) and raises its own counter;
 * max_body answers 413 or cuts a chunked body off. Every test ends with
 * the session pool, the connection records and the timers back to where
 * they started.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptg_test.h"
#include "ptg_service.h"
#include "service_priv.h"
#include "fake_conn.h"

#define S(x) PTG_TEST_S(x)
#define MS(x) PTG_TEST_MS(x)
#define T0 S(1000) /* the worker's clock when the tests start */

#define GET_ROOT "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
#define RESP_ROOT_LEN 103 /* head and "Hello from portgate\n" */

struct inst {
	void *in;
	unsigned int pool0, conns0;
};

static void
make(struct inst *x, const char *args)
{
	x->in = NULL;
	assert_int_equal(ptg_service_http.init(&x->in, args), 0);
	x->pool0 = ptg_http_instance_pool_avail(x->in);
	x->conns0 = ptg_http_instance_conns_avail(x->in);
	ptg_service_http.poll(x->in, T0);
}

/* The worker's loop at @p now. */
static void
tick(struct inst *x, uint64_t now)
{
	ptg_service_http.poll(x->in, now);
}

static const struct ptg_http_stats *
st(const struct inst *x)
{
	return ptg_http_instance_stats(x->in);
}

/* Everything back: sessions, records, timers. */
static void
done(struct inst *x)
{
	assert_int_equal(ptg_http_instance_pool_avail(x->in), x->pool0);
	assert_int_equal(ptg_http_instance_conns_avail(x->in), x->conns0);
	assert_int_equal(ptg_http_instance_timers(x->in), 0);
	ptg_service_http.fini(x->in);
}

/* Sum of the timeout counters: each test expects exactly one kind. */
static uint64_t
timeouts(const struct inst *x)
{
	return st(x)->timeout_header + st(x)->timeout_body +
	       st(x)->timeout_keepalive + st(x)->timeout_send +
	       st(x)->timeout_linger;
}

/* ---- header ------------------------------------------------------------- */

/* A connection that never sends a byte: the first head is due within the
 * header timeout of the accept. */
static void
test_header_timeout_silent_peer(void **state)
{
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,header_timeout=5000");
	fake_open(&c, &ptg_service_http, x.in, 1000);
	assert_int_equal(ptg_http_instance_timers(x.in), 1);
	tick(&x, T0 + S(5) - 1);
	assert_false(c.gone);
	tick(&x, T0 + S(5));
	assert_true(c.aborted);
	assert_int_equal(c.reason, PTG_CLOSE_ABORT);
	assert_int_equal(st(&x)->timeout_header, 1);
	assert_int_equal(timeouts(&x), 1);
	assert_int_equal(c.tx_len, 0);
	fake_free(&c);
	done(&x);
}

/* Slowloris: one byte, then one more every few seconds. Bytes do not
 * restart the header timeout; the session it held is back in the pool. */
static void
test_header_timeout_trickle(void **state)
{
	static const char req[] = GET_ROOT;
	struct inst x;
	struct ptg_conn c;
	unsigned int i;

	(void)state;
	make(&x, "pool=4");	/* the default: 60 s */
	fake_open(&c, &ptg_service_http, x.in, 1000);
	for (i = 0; i < 11; i++) {
		tick(&x, T0 + S(5) * i);
		fake_rx(&c, req + i, 1);
		assert_false(c.gone);
		assert_int_equal(ptg_http_instance_pool_avail(x.in), 3);
	}
	tick(&x, T0 + S(60) - 1);
	assert_false(c.gone);
	tick(&x, T0 + S(60));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_header, 1);
	assert_int_equal(timeouts(&x), 1);
	assert_int_equal(st(&x)->requests, 0);
	fake_free(&c);
	done(&x);
}

/* After a keep-alive pause the next head has the header timeout from its
 * own first byte, not from the accept. */
static void
test_header_timeout_from_first_byte(void **state)
{
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,header_timeout=1000,keepalive_timeout=10000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	tick(&x, T0 + MS(500));
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(c.tx_len, RESP_ROOT_LEN);
	tick(&x, T0 + S(5));  /* idle: the keep-alive timeout applies */
	assert_false(c.gone);
	fake_rx(&c, "GET / HT", 8);
	tick(&x, T0 + S(6) - 1);
	assert_false(c.gone);
	tick(&x, T0 + S(6));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_header, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* A whole head in time: no timeout, and it is answered. */
static void
test_header_in_time(void **state)
{
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,header_timeout=1000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, "GET / HTTP/1.1\r\n", 16);
	tick(&x, T0 + MS(999));
	fake_rx(&c, "Host: t\r\n\r\n", 11);
	assert_int_equal(c.tx_len, RESP_ROOT_LEN);
	tick(&x, T0 + S(3));
	assert_false(c.gone);
	assert_int_equal(timeouts(&x), 0);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	done(&x);
}

/* ---- keep-alive ---------------------------------------------------------- */

static void
test_keepalive_timeout(void **state)
{
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4");	/* the default: 75 s */
	fake_open(&c, &ptg_service_http, x.in, 100000);
	tick(&x, T0 + S(1));
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	tick(&x, T0 + S(2));
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(c.tx_len, 2 * RESP_ROOT_LEN);
	assert_int_equal(ptg_http_instance_pool_avail(x.in), 4);
	/* idle since T0 + 2 s: an idle connection holds no session, only
	 * its record, until the keep-alive timeout */
	tick(&x, T0 + S(77) - 1);
	assert_false(c.gone);
	tick(&x, T0 + S(77));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_keepalive, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* ---- body ---------------------------------------------------------------- */

/* Each read of the body restarts its timeout; silence past it resets. */
static void
test_body_timeout_between_reads(void **state)
{
	static const char head[] =
		"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n";
	static char body[100];
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,body_timeout=2000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, head, strlen(head));
	assert_int_equal(c.tx_len, RESP_ROOT_LEN); /* answered at once */
	fake_rx(&c, body, 30);
	tick(&x, T0 + MS(1999));
	fake_rx(&c, body, 30);	/* restarts: due at T0 + 3999 ms */
	tick(&x, T0 + MS(3998));
	assert_false(c.gone);
	tick(&x, T0 + MS(3999));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_body, 1);
	assert_int_equal(timeouts(&x), 1);
	assert_int_equal(st(&x)->body_bytes_skipped, 60);
	fake_free(&c);
	done(&x);
}

/* The body read whole: the connection goes back to keep-alive. */
static void
test_body_done_then_keepalive(void **state)
{
	static const char req[] =
		"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello";
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,body_timeout=1000,keepalive_timeout=3000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(ptg_http_instance_pool_avail(x.in), 4);
	tick(&x, T0 + MS(2999));
	assert_false(c.gone);
	tick(&x, T0 + MS(3000));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_keepalive, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* ---- max_body ------------------------------------------------------------ */

/* Content-Length of 10^18 - 1 (the largest the parser reads: 18 digits;
 * 10^18 is a malformed 400): 413 and close, none of it is waited for. */
static void
test_content_length_too_large(void **state)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Content-Length: 999999999999999999\r\n\r\nxxxx";
	static const char resp[] = "HTTP/1.1 413 Content Too Large\r\n";
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4");	/* the default max_body: 1 MiB */
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, req, strlen(req));
	assert_memory_equal(c.tx, resp, strlen(resp));
	assert_int_equal(st(&x)->resp_413, 1);
	assert_int_equal(st(&x)->errors[PTG_HTTP_ERR_body_long], 1);
	assert_int_equal(c.n_shutdown, 1); /* closing: FIN after the 413 */
	assert_int_equal(c.tx_at_fin, c.tx_len);
	assert_int_equal(ptg_http_instance_pool_avail(x.in), 4);
	/* the rest of the body is dropped; the peer gets the linger
	 * timeout (the body timeout) to close, then a reset */
	fake_rx(&c, "yyyy", 4);
	assert_int_equal(st(&x)->drop_after_close, 8);
	tick(&x, T0 + S(60) - 1);
	assert_false(c.gone);
	tick(&x, T0 + S(60));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_linger, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* Exactly max_body is taken; one byte more is not. */
static void
test_content_length_at_limit(void **state)
{
	static const char ok[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Content-Length: 1000\r\n\r\n";
	static const char big[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Content-Length: 1001\r\n\r\n";
	static char body[1000];
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,max_body=1000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, ok, strlen(ok));
	fake_rx(&c, body, sizeof(body));
	assert_int_equal(st(&x)->resp_200, 1);
	assert_int_equal(st(&x)->body_bytes_skipped, 1000);
	fake_rx(&c, big, strlen(big));
	assert_int_equal(st(&x)->resp_413, 1);
	assert_int_equal(c.n_shutdown, 1);
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	done(&x);
}

/* An endless chunked body, sent fast (no timeout helps): cut off once
 * past max_body, framing included, with a close (the 200 went first). */
static void
test_chunked_endless(void **state)
{
	static const char head[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Transfer-Encoding: chunked\r\n\r\n";
	static const char chunk[] = "10\r\n0123456789abcdef\r\n"; /* 22 B */
	struct inst x;
	struct ptg_conn c;
	unsigned int i;

	(void)state;
	make(&x, "pool=4,max_body=1000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, head, strlen(head));
	assert_int_equal(c.tx_len, RESP_ROOT_LEN);
	/* 45 chunks: 990 bytes, all taken */
	for (i = 0; i < 45; i++)
		fake_rx(&c, chunk, strlen(chunk));
	assert_int_equal(c.n_shutdown, 0);
	assert_int_equal(st(&x)->body_bytes_skipped, 45 * 16);
	/* the 46th chunk's size line announces 16 more: past 1000 */
	fake_rx(&c, chunk, strlen(chunk));
	assert_int_equal(st(&x)->errors[PTG_HTTP_ERR_body_long], 1);
	assert_int_equal(st(&x)->resp_413, 0);
	assert_int_equal(c.n_shutdown, 1);
	assert_int_equal(c.tx_len, RESP_ROOT_LEN); /* no second answer */
	assert_int_equal(ptg_http_instance_pool_avail(x.in), 4);
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	done(&x);
}

/* Tiny chunks count their framing: 1 data byte in 6 wire bytes. */
static void
test_chunked_framing_counts(void **state)
{
	static const char head[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Transfer-Encoding: chunked\r\n\r\n";
	struct inst x;
	struct ptg_conn c;
	unsigned int i;

	(void)state;
	make(&x, "pool=4,max_body=600");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, head, strlen(head));
	for (i = 0; i < 100 && !c.shut_wr; i++)
		fake_rx(&c, "1\r\nx\r\n", 6);
	/* 100 chunks are 600 bytes: the 100th still fits, then "1" of the
	 * 101st is past the bound */
	assert_int_equal(i, 100);
	assert_false(c.shut_wr);
	fake_rx(&c, "1\r\nx\r\n", 6);
	assert_true(c.shut_wr);
	assert_int_equal(st(&x)->errors[PTG_HTTP_ERR_body_long], 1);
	assert_int_equal(st(&x)->body_bytes_skipped, 100);
	fake_fin(&c);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	done(&x);
}

/* max_body=0: no limit. */
static void
test_max_body_off(void **state)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n"
		"Content-Length: 999999999999999999\r\n\r\n";
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,max_body=0");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(st(&x)->resp_200, 1);
	assert_int_equal(c.n_shutdown, 0);
	/* still bounded in time: the body timeout */
	tick(&x, T0 + S(60));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_body, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* ---- send and linger ------------------------------------------------------- */

/* A response the peer does not take: the send timeout counts from the last
 * progress (bytes the engine took). */
static void
test_send_timeout(void **state)
{
	static const char req[] =
		"GET /bytes/100000 HTTP/1.1\r\nHost: t\r\n\r\n";
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,send_timeout=3000");
	fake_open(&c, &ptg_service_http, x.in, 1000);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(c.tx_len, 1000);
	tick(&x, T0 + MS(2999));
	fake_ack(&c, 500);	/* progress: due at T0 + 5999 ms */
	assert_int_equal(c.tx_len, 1500);
	tick(&x, T0 + MS(5998));
	assert_false(c.gone);
	tick(&x, T0 + MS(5999));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_send, 1);
	assert_int_equal(timeouts(&x), 1);
	fake_free(&c);
	done(&x);
}

/* After "Connection: close" we half-close; a peer that never closes is
 * reset after the linger (body) timeout, however much it sends. */
static void
test_linger_timeout(void **state)
{
	static const char req[] =
		"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	struct inst x;
	struct ptg_conn c;
	unsigned int i;

	(void)state;
	make(&x, "pool=4,body_timeout=4000");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(c.n_shutdown, 1);
	for (i = 1; i < 4; i++) {
		tick(&x, T0 + S(1) * i);
		fake_rx(&c, "zzzz", 4); /* dropped, not a restart */
	}
	tick(&x, T0 + MS(3999));
	assert_false(c.gone);
	tick(&x, T0 + S(4));
	assert_true(c.aborted);
	assert_int_equal(st(&x)->timeout_linger, 1);
	assert_int_equal(timeouts(&x), 1);
	assert_int_equal(st(&x)->drop_after_close, 12);
	fake_free(&c);
	done(&x);
}

/* ---- off, bounds, pools ---------------------------------------------------- */

/* Timeouts of 0 are off: nothing is armed, nothing fires. */
static void
test_timeouts_off(void **state)
{
	struct inst x;
	struct ptg_conn c;

	(void)state;
	make(&x, "pool=4,header_timeout=0,keepalive_timeout=0,"
	     "body_timeout=0,send_timeout=0");
	fake_open(&c, &ptg_service_http, x.in, 100000);
	fake_rx(&c, "G", 1);
	assert_int_equal(ptg_http_instance_timers(x.in), 0);
	tick(&x, T0 + S(86400));
	assert_false(c.gone);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	done(&x);
}

/* 8,191 connections (the default pool) each send one byte: every session
 * is held and a new request is refused; after the header timeout all are
 * reset and a new client is served. */
static void
test_pool_held_by_one_byte_each(void **state)
{
	const unsigned int n = PTG_HTTP_POOL_DEFAULT;
	struct ptg_conn *c = calloc(n, sizeof(*c));
	struct ptg_conn late, good;
	struct inst x;
	unsigned int i;

	(void)state;
	assert_non_null(c);
	make(&x, NULL);
	assert_int_equal(x.pool0, n);
	for (i = 0; i < n; i++) {
		fake_open(&c[i], &ptg_service_http, x.in, 1000);
		fake_rx(&c[i], "G", 1);
	}
	assert_int_equal(ptg_http_instance_pool_avail(x.in), 0);
	/* the pool is empty: one more request is reset, counted */
	tick(&x, T0 + S(30));
	fake_open(&late, &ptg_service_http, x.in, 1000);
	fake_rx(&late, GET_ROOT, strlen(GET_ROOT));
	assert_true(late.aborted);
	assert_int_equal(st(&x)->drop_pool_empty, 1);
	/* header timeout of the 8,191 */
	tick(&x, T0 + S(60) - 1);
	assert_int_equal(st(&x)->timeout_header, 0);
	tick(&x, T0 + S(60));
	for (i = 0; i < n; i++)
		assert_true(c[i].aborted);
	assert_int_equal(st(&x)->timeout_header, n);
	assert_int_equal(timeouts(&x), n);
	assert_int_equal(ptg_http_instance_pool_avail(x.in), n);
	assert_int_equal(ptg_http_instance_conns_avail(x.in), x.conns0);
	/* a legitimate client now */
	fake_open(&good, &ptg_service_http, x.in, 100000);
	fake_rx(&good, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(good.tx_len, RESP_ROOT_LEN);
	assert_int_equal(st(&x)->resp_200, 1);
	fake_fin(&good);
	fake_end(&good, PTG_CLOSE_NORMAL);
	for (i = 0; i < n; i++)
		fake_free(&c[i]);
	fake_free(&late);
	fake_free(&good);
	free(c);
	done(&x);
}

/* conns=N bounds the connections a worker's instance takes. */
static void
test_conns_bound(void **state)
{
	struct ptg_conn c[3];
	struct inst x;
	unsigned int i;

	(void)state;
	make(&x, "pool=4,conns=2");
	for (i = 0; i < 3; i++)
		fake_open(&c[i], &ptg_service_http, x.in, 1000);
	assert_false(c[0].gone);
	assert_false(c[1].gone);
	assert_true(c[2].gone); /* refused at on_accept: reset */
	assert_int_equal(st(&x)->drop_conns_full, 1);
	assert_int_equal(ptg_http_instance_conns_avail(x.in), 0);
	fake_end(&c[0], PTG_CLOSE_RESET);
	fake_open(&c[2], &ptg_service_http, x.in, 1000);
	assert_false(c[2].gone);
	fake_end(&c[1], PTG_CLOSE_RESET);
	fake_end(&c[2], PTG_CLOSE_RESET);
	for (i = 0; i < 3; i++)
		fake_free(&c[i]);
	done(&x);
}

/* ARGS: every key, its range; the defaults the app sets. */
static void
test_args_and_defaults(void **state)
{
	static const char *const bad[] = {
		"header_timeout=86400001", "body_timeout=-1",
		"keepalive_timeout=", "send_timeout=1x", "conns=0",
		"conns=16777217", "max_body=1152921504606846976",
		"header_timeout", "timeout=5",
	};
	struct ptg_service_http_defaults d, keep;
	struct ptg_http_config cfg;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ptg_http_parse_args(bad[i], &cfg) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(ptg_http_parse_args("header_timeout=86400000,"
		"body_timeout=0,keepalive_timeout=1,send_timeout=2,"
		"conns=16777216,max_body=1152921504606846975", &cfg), 0);
	assert_true(cfg.header_timeout_ms == 86400000);
	assert_true(cfg.body_timeout_ms == 0);
	assert_true(cfg.keepalive_timeout_ms == 1);
	assert_true(cfg.send_timeout_ms == 2);
	assert_int_equal(cfg.conns, 1u << 24);
	assert_true(cfg.max_body == (UINT64_C(1) << 60) - 1);

	/* nginx's defaults */
	ptg_service_http_defaults_get(&keep);
	assert_true(keep.header_timeout_ms == 60000);
	assert_true(keep.body_timeout_ms == 60000);
	assert_true(keep.keepalive_timeout_ms == 75000);
	assert_true(keep.send_timeout_ms == 60000);
	assert_true(keep.max_body == 1048576);
	assert_int_equal(keep.conns, 65536);
	d = keep;
	d.header_timeout_ms = 1234;
	d.max_body = 77;
	assert_int_equal(ptg_service_http_defaults_set(&d), 0);
	assert_int_equal(ptg_http_parse_args(NULL, &cfg), 0);
	assert_true(cfg.header_timeout_ms == 1234 && cfg.max_body == 77);
	/* ARGS still win over the defaults */
	assert_int_equal(ptg_http_parse_args("max_body=5", &cfg), 0);
	assert_true(cfg.header_timeout_ms == 1234 && cfg.max_body == 5);
	d.conns = 0;
	assert_int_equal(ptg_service_http_defaults_set(&d), -EINVAL);
	d.conns = 1;
	d.keepalive_timeout_ms = 86400001;
	assert_int_equal(ptg_service_http_defaults_set(&d), -EINVAL);
	assert_int_equal(ptg_service_http_defaults_set(NULL), -EINVAL);
	assert_int_equal(ptg_service_http_defaults_set(&keep), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_timeout_silent_peer),
		cmocka_unit_test(test_header_timeout_trickle),
		cmocka_unit_test(test_header_timeout_from_first_byte),
		cmocka_unit_test(test_header_in_time),
		cmocka_unit_test(test_keepalive_timeout),
		cmocka_unit_test(test_body_timeout_between_reads),
		cmocka_unit_test(test_body_done_then_keepalive),
		cmocka_unit_test(test_content_length_too_large),
		cmocka_unit_test(test_content_length_at_limit),
		cmocka_unit_test(test_chunked_endless),
		cmocka_unit_test(test_chunked_framing_counts),
		cmocka_unit_test(test_max_body_off),
		cmocka_unit_test(test_send_timeout),
		cmocka_unit_test(test_linger_timeout),
		cmocka_unit_test(test_timeouts_off),
		cmocka_unit_test(test_pool_held_by_one_byte_each),
		cmocka_unit_test(test_conns_bound),
		cmocka_unit_test(test_args_and_defaults),
	};

	return cmocka_run_group_tests_name("service_timeout", tests,
					   ptg_test_group_setup, NULL);
}
