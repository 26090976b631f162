/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/service/svc_{echo,discard,chargen,http}.c through the fake
 * connection API of fake_conn.c (no engine): send space and segment
 * boundaries are chosen by the test, what the service sends is compared
 * byte for byte, and every test checks how the connection ended and that
 * the http session pool is back to full.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptg_test.h"
#include "ptg_service.h"
#include "service_priv.h"
#include "fake_conn.h"

#define GET_ROOT "GET / HTTP/1.1\r\nHost: t\r\n\r\n"

static const char root_resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: portgate\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 20\r\n"
	"\r\n"
	"Hello from portgate\n";

/* @p str within what the service sent (tx is not NUL-terminated). */
static const char *
tx_find(const struct ptg_conn *c, const char *str)
{
	size_t n = strlen(str), i;

	for (i = 0; i + n <= c->tx_len; i++)
		if (memcmp(c->tx + i, str, n) == 0)
			return (const char *)c->tx + i;
	return NULL;
}

static void *
make(const struct ptg_service_ops *ops, const char *args)
{
	void *ctx = NULL;

	assert_int_equal(ops->init(&ctx, args), 0);
	assert_non_null(ctx);
	return ctx;
}

/* Counter @p name of instance @p ctx. */
static uint64_t
stat_of(const struct ptg_service_ops *ops, const void *ctx, const char *name)
{
	uint64_t v[64];
	unsigned int i;

	ops->stats(ctx, v);
	for (i = 0; ops->stat_names[i] != NULL; i++)
		if (strcmp(ops->stat_names[i], name) == 0)
			return v[i];
	fail_msg("no counter %s", name);
	return 0;
}

/* Peer acknowledges in pieces of pseudo-random size until idle. */
static void
ack_all(struct ptg_conn *c, unsigned int *seed, size_t max)
{
	unsigned int rounds = 0;

	while (!c->gone && c->short_send) {
		fake_ack(c, 1 + (size_t)rand_r(seed) % max);
		assert_true(++rounds < 10000000);
	}
}

/* ---- echo (RFC 862) --------------------------------------------------- */

static void
test_echo_args(void **state)
{
	void *ctx = NULL;

	(void)state;
	assert_int_equal(ptg_service_echo.init(&ctx, "x"), -EINVAL);
	assert_int_equal(ptg_service_echo.init(&ctx, ""), -EINVAL);
	ptg_service_echo.fini(NULL);
}

/*
 * tcp_keepalive=IDLE_MS[,tcp_keepintvl=MS][,tcp_keepcnt=N] in any
 * built-in's ARGS: each accepted connection gets the engine's keepalive
 * with them (defaults 75 s and 9).
 */
static void
test_tcp_keepalive_args(void **state)
{
	static const struct ptg_service_ops *const all[] = {
		&ptg_service_echo, &ptg_service_discard,
		&ptg_service_chargen, &ptg_service_http,
	};
	static const char *const bad[] = {
		"tcp_keepalive=0", "tcp_keepalive=86400001",
		"tcp_keepalive=1s", "tcp_keepalive=",
		"tcp_keepalive=1000,tcp_keepcnt=0",
		"tcp_keepalive=1000,tcp_keepcnt=256",
		"tcp_keepalive=1000,tcp_keepintvl=0",
		"tcp_keepintvl=1000", "tcp_keepcnt=3",
	};
	struct ptg_conn c;
	unsigned int i, k;
	void *in;

	(void)state;
	for (i = 0; i < 4; i++) {
		in = NULL;
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (all[i]->init(&in, bad[k]) != -EINVAL)
				fail_msg("%s: '%s' accepted", all[i]->name,
					 bad[k]);
		/* idle only: the interval and count default */
		in = make(all[i], "tcp_keepalive=1500");
		fake_open(&c, all[i], in, 100000);
		assert_int_equal(c.n_keepalive, 1);
		assert_true(c.ka_idle_ns == PTG_TEST_MS(1500));
		assert_true(c.ka_intvl_ns == PTG_TEST_S(75));
		assert_int_equal(c.ka_probes, 9);
		fake_end(&c, PTG_CLOSE_RESET);
		fake_free(&c);
		all[i]->fini(in);
		in = make(all[i], "tcp_keepcnt=4,tcp_keepalive=86400000,"
			  "tcp_keepintvl=250");
		fake_open(&c, all[i], in, 100000);
		assert_true(c.ka_idle_ns == PTG_TEST_S(86400));
		assert_true(c.ka_intvl_ns == PTG_TEST_MS(250));
		assert_int_equal(c.ka_probes, 4);
		fake_end(&c, PTG_CLOSE_RESET);
		fake_free(&c);
		all[i]->fini(in);
	}
	/* not asked: the engine is left alone */
	in = make(&ptg_service_echo, NULL);
	fake_open(&c, &ptg_service_echo, in, 100);
	assert_int_equal(c.n_keepalive, 0);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	ptg_service_echo.fini(in);
}

static void
test_echo_flow_control(void **state)
{
	static const char data[] = "0123456789abcdefghijklmno";
	void *in = make(&ptg_service_echo, NULL);
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_echo, in, 10);
	fake_rx(&c, data, 25);
	/* only what ptg_send took is consumed; the rest stays queued */
	assert_int_equal(c.tx_len, 10);
	assert_int_equal(c.rxq_len, 15);
	fake_ack(&c, 5);
	assert_int_equal(c.tx_len, 15);
	assert_int_equal(c.rxq_len, 10);
	fake_ack(&c, 100);
	assert_int_equal(c.tx_len, 25);
	assert_int_equal(c.rxq_len, 0);
	assert_memory_equal(c.tx, data, 25);
	assert_int_equal(stat_of(&ptg_service_echo, in, "bytes_echoed"), 25);
	assert_int_equal(stat_of(&ptg_service_echo, in, "send_short"), 2);
	assert_int_equal(c.n_shutdown, 0);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	ptg_service_echo.fini(in);
}

static void
test_echo_half_close(void **state)
{
	void *in = make(&ptg_service_echo, NULL);
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_echo, in, 4);
	fake_rx(&c, "abcdefghij", 10);
	fake_fin(&c);
	/* FIN waits for the data: nothing shut yet */
	assert_int_equal(c.n_shutdown, 0);
	fake_ack(&c, 4);
	assert_int_equal(c.n_shutdown, 0);
	fake_ack(&c, 4);
	/* our FIN follows the last echoed byte, half-close honoured */
	assert_int_equal(c.n_shutdown, 1);
	assert_int_equal(c.tx_at_fin, 10);
	assert_memory_equal(c.tx, "abcdefghij", 10);
	assert_false(c.closed);
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	ptg_service_echo.fini(in);
}

static void
test_echo_random_stream(void **state)
{
	size_t total = 1 << 20, off, n;
	uint8_t *data = malloc(total);
	void *in = make(&ptg_service_echo, NULL);
	unsigned int seed = 4242;
	struct ptg_conn c;

	(void)state;
	for (off = 0; off < total; off++)
		data[off] = (uint8_t)rand_r(&seed);
	fake_open(&c, &ptg_service_echo, in, 3000);
	c.max_offer = 1460; /* segment-sized offers, like the engine */
	for (off = 0; off < total; off += n) {
		n = 1 + (size_t)rand_r(&seed) % 5000;
		if (n > total - off)
			n = total - off;
		fake_rx(&c, data + off, n);
		if (rand_r(&seed) % 2)
			fake_ack(&c, (size_t)rand_r(&seed) % 4000);
	}
	fake_fin(&c);
	ack_all(&c, &seed, 4000);
	assert_int_equal(c.tx_len, total);
	assert_memory_equal(c.tx, data, total);
	assert_int_equal(c.n_shutdown, 1);
	assert_int_equal(c.tx_at_fin, total);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	free(data);
	ptg_service_echo.fini(in);
}

static void
test_echo_send_error_resets(void **state)
{
	void *in = make(&ptg_service_echo, NULL);
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_echo, in, 100);
	c.send_err = -ENOBUFS;
	fake_rx(&c, "abc", 3);
	assert_true(c.aborted);
	assert_int_equal(c.reason, PTG_CLOSE_ABORT);
	assert_int_equal(stat_of(&ptg_service_echo, in, "drop_send_error"), 3);
	fake_free(&c);
	ptg_service_echo.fini(in);
}

/* ---- discard (RFC 863) ------------------------------------------------ */

static void
test_discard(void **state)
{
	static uint8_t junk[10000];
	void *in = make(&ptg_service_discard, NULL);
	void *bad = NULL;
	struct ptg_conn c;

	(void)state;
	assert_int_equal(ptg_service_discard.init(&bad, "a"), -EINVAL);
	fake_open(&c, &ptg_service_discard, in, 1000);
	fake_rx(&c, junk, sizeof(junk));
	fake_rx(&c, junk, 1);
	assert_int_equal(c.rxq_len, 0);
	assert_int_equal(c.tx_len, 0);
	assert_int_equal(c.n_close, 0);
	fake_fin(&c);
	/* the peer closed: we close, cleanly (nothing unread) */
	assert_int_equal(c.n_close, 1);
	assert_true(c.closed);
	assert_false(c.aborted);
	assert_int_equal(stat_of(&ptg_service_discard, in, "bytes_discarded"),
			 sizeof(junk) + 1);
	assert_int_equal(stat_of(&ptg_service_discard, in, "conns"), 1);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	ptg_service_discard.fini(in);
}

/* ---- chargen (RFC 864) ------------------------------------------------ */

static void
test_chargen_stream_exact(void **state)
{
	size_t want = 200000;
	uint8_t *ref = malloc(want + 20000);
	void *in = make(&ptg_service_chargen, NULL);
	unsigned int seed = 77;
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_chargen, in, 100);
	assert_int_equal(c.tx_len, 100); /* sent on accept, up to the space */
	while (c.tx_len < want)
		fake_ack(&c, 1 + (size_t)rand_r(&seed) % 9000);
	ptg_service_chargen_fill(0, ref, c.tx_len);
	assert_memory_equal(c.tx, ref, c.tx_len);
	assert_true(c.n_writable > 10);
	assert_int_equal(stat_of(&ptg_service_chargen, in, "bytes_sent"),
			 c.tx_len);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	free(ref);
	ptg_service_chargen.fini(in);
}

static void
test_chargen_starts_with_no_space(void **state)
{
	uint8_t ref[74];
	void *in = make(&ptg_service_chargen, NULL);
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_chargen, in, 0);
	assert_int_equal(c.tx_len, 0);
	assert_true(c.short_send); /* an on_writable is owed */
	fake_ack(&c, 74);
	assert_int_equal(c.tx_len, 74);
	ptg_service_chargen_fill(0, ref, 74);
	assert_memory_equal(c.tx, ref, 74);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	ptg_service_chargen.fini(in);
}

static void
test_chargen_input_dropped_and_fin_closes(void **state)
{
	void *in = make(&ptg_service_chargen, NULL);
	struct ptg_conn c;
	size_t sent;

	(void)state;
	fake_open(&c, &ptg_service_chargen, in, 500);
	fake_rx(&c, "ignored", 7);
	assert_int_equal(c.rxq_len, 0);
	assert_int_equal(stat_of(&ptg_service_chargen, in, "bytes_discarded"),
			 7);
	sent = c.tx_len;
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	assert_false(c.aborted);
	fake_ack(&c, 1000); /* no more data after our close */
	assert_int_equal(c.tx_len, sent);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	ptg_service_chargen.fini(in);
}

static void
test_chargen_no_mbuf_resets(void **state)
{
	void *in = make(&ptg_service_chargen, NULL);
	struct ptg_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.send_err = -ENOBUFS;
	c.ops = &ptg_service_chargen;
	c.svc_ctx = in;
	c.space = 100;
	assert_int_equal(ptg_service_chargen.conn.on_accept(&c), 0);
	assert_true(c.aborted);
	assert_int_equal(stat_of(&ptg_service_chargen, in, "send_errors"), 1);
	fake_free(&c);
	ptg_service_chargen.fini(in);
}

/* ---- http --------------------------------------------------------------- */

#define POOL 4

/* Connection records of the last instance made, before any connection. */
static unsigned int conns0;

static void *
http_make(const char *args)
{
	void *in = make(&ptg_service_http, args);

	conns0 = ptg_http_instance_conns_avail(in);
	return in;
}

/* Every session and connection record back, no timer left. */
static void
http_done(void *in, unsigned int pool)
{
	assert_int_equal(ptg_http_instance_pool_avail(in), pool);
	assert_int_equal(ptg_http_instance_conns_avail(in), conns0);
	assert_int_equal(ptg_http_instance_timers(in), 0);
	ptg_service_http.fini(in);
}

/* Sessions held by the connections of @p in (pool=POOL). */
static unsigned int
held(const void *in)
{
	return POOL - ptg_http_instance_pool_avail(in);
}

static const struct ptg_http_stats *
hs(const void *in)
{
	return ptg_http_instance_stats(in);
}

static void
test_http_args(void **state)
{
	void *ctx = NULL;

	(void)state;
	assert_int_equal(ptg_service_http.init(&ctx, "pool=0"), -EINVAL);
	assert_int_equal(ptg_service_http.init(&ctx, "bogus=1"), -EINVAL);
	assert_int_equal(ptg_service_http.init(&ctx, ""), -EINVAL);
	ptg_service_http.fini(NULL);
	ctx = http_make(NULL);
	assert_int_equal(ptg_http_instance_pool_avail(ctx),
			 PTG_HTTP_POOL_DEFAULT);
	ptg_service_http.fini(ctx);
}

static void
test_http_idle_holds_nothing(void **state)
{
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1 << 20);
	assert_int_equal(held(in), 0);
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(c.tx_len, strlen(root_resp));
	assert_memory_equal(c.tx, root_resp, c.tx_len);
	/* response queued, nothing partial: no session held */
	assert_int_equal(held(in), 0);
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(c.tx_len, 2 * strlen(root_resp));
	assert_int_equal(hs(in)->resp_200, 2);
	assert_int_equal(c.n_shutdown + c.n_close, 0);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_byte_by_byte(void **state)
{
	static const char req[] = "GET /bytes/33 HTTP/1.1\r\nHost: t\r\n\r\n";
	void *in = http_make("pool=4");
	uint8_t body[33];
	struct ptg_conn c;
	size_t i;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1 << 20);
	for (i = 0; i < sizeof(req) - 1; i++) {
		fake_rx(&c, req + i, 1);
		if (i + 1 < sizeof(req) - 1) {
			/* a partial request holds exactly one session */
			assert_int_equal(held(in), 1);
			assert_int_equal(c.tx_len, 0);
		}
	}
	assert_int_equal(ptg_http_instance_pool_avail(in), POOL);
	ptg_service_http_bytes_fill(0, body, sizeof(body));
	assert_true(c.tx_len > sizeof(body));
	assert_memory_equal(c.tx + c.tx_len - sizeof(body), body,
			    sizeof(body));
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_bytes_streamed(void **state)
{
	static const char req[] =
		"GET /bytes/1000000 HTTP/1.1\r\nHost: t\r\n\r\n";
	void *in = http_make("pool=4");
	uint8_t *ref = malloc(1000000);
	unsigned int seed = 5;
	struct ptg_conn c;
	const char *body;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1000);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(c.tx_len, 1000);
	assert_int_equal(held(in), 1); /* response in progress */
	ack_all(&c, &seed, 30000);
	assert_int_equal(held(in), 0);
	assert_non_null(tx_find(&c, "\r\nContent-Length: 1000000\r\n"));
	body = tx_find(&c, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_int_equal(c.tx_len - (size_t)(body - (const char *)c.tx),
			 1000000);
	ptg_service_http_bytes_fill(0, ref, 1000000);
	assert_memory_equal(body, ref, 1000000);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	free(ref);
	http_done(in, POOL);
}

static const char pipeline3[] =
	"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
	"GET /bytes/40 HTTP/1.1\r\nHost: t\r\n\r\n"
	"HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\n";

static const char pipeline3_resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: portgate\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 20\r\n"
	"\r\n"
	"Hello from portgate\n"
	"HTTP/1.1 200 OK\r\n"
	"Server: portgate\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 40\r\n"
	"\r\n"
	"000000000000000\n000000000000010\n00000000"
	"HTTP/1.1 404 Not Found\r\n"
	"Server: portgate\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 14\r\n"
	"\r\n";

static void
test_http_pipeline_backpressure(void **state)
{
	void *in = http_make("pool=4");
	unsigned int seed = 9;
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 50);
	fake_rx(&c, pipeline3, strlen(pipeline3));
	/* first response not fully queued: the next requests stay queued */
	assert_int_equal(c.tx_len, 50);
	assert_int_equal(c.rxq_len,
			 strlen(pipeline3) - strlen(GET_ROOT));
	ack_all(&c, &seed, 37);
	assert_int_equal(c.rxq_len, 0);
	assert_int_equal(c.tx_len, strlen(pipeline3_resp));
	assert_memory_equal(c.tx, pipeline3_resp, c.tx_len);
	assert_int_equal(held(in), 0);
	assert_int_equal(hs(in)->requests, 3);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_pipeline_segmented(void **state)
{
	void *in = http_make("pool=4");
	unsigned int seed = 10;
	struct ptg_conn c;
	size_t off, n, len = strlen(pipeline3);

	(void)state;
	fake_open(&c, &ptg_service_http, in, 7);
	c.max_offer = 5;
	for (off = 0; off < len; off += n) {
		n = 1 + (size_t)rand_r(&seed) % 11;
		if (n > len - off)
			n = len - off;
		fake_rx(&c, pipeline3 + off, n);
		fake_ack(&c, (size_t)rand_r(&seed) % 13);
	}
	ack_all(&c, &seed, 13);
	assert_int_equal(c.tx_len, strlen(pipeline3_resp));
	assert_memory_equal(c.tx, pipeline3_resp, c.tx_len);
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_connection_close(void **state)
{
	static const char req[] =
		"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
		GET_ROOT;
	void *in = http_make("pool=4");
	unsigned int seed = 11;
	struct ptg_conn c;
	size_t rlen;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 10);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(c.n_shutdown, 0); /* not before the response */
	ack_all(&c, &seed, 7);
	/* one response, then our FIN (half-close: keep reading) */
	assert_int_equal(c.n_shutdown, 1);
	assert_int_equal(c.n_close, 0);
	rlen = c.tx_len;
	assert_int_equal(c.tx_at_fin, rlen);
	assert_non_null(tx_find(&c, "Connection: close\r\n"));
	assert_int_equal(hs(in)->requests, 1);
	assert_int_equal(ptg_http_instance_pool_avail(in), POOL);
	/* the pipelined request and later bytes are read and dropped */
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	assert_int_equal(c.rxq_len, 0);
	assert_int_equal(c.tx_len, rlen);
	assert_false(c.aborted);
	assert_int_equal(hs(in)->drop_after_close, 2 * strlen(GET_ROOT));
	/* the peer's FIN ends it, without a reset */
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	assert_true(c.closed);
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_fin_after_request(void **state)
{
	void *in = http_make("pool=4");
	unsigned int seed = 12;
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 10);
	fake_rx(&c, GET_ROOT, strlen(GET_ROOT));
	fake_fin(&c); /* client half-closed after its request */
	assert_int_equal(c.n_close + c.n_shutdown, 0);
	ack_all(&c, &seed, 9);
	/* the response went out whole, then we closed */
	assert_int_equal(c.tx_len, strlen(root_resp));
	assert_memory_equal(c.tx, root_resp, c.tx_len);
	assert_int_equal(c.n_close, 1);
	assert_int_equal(c.tx_at_fin, strlen(root_resp));
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_pipeline_then_fin(void **state)
{
	void *in = http_make("pool=4");
	unsigned int seed = 13;
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 30);
	fake_rx(&c, pipeline3, strlen(pipeline3));
	fake_fin(&c);
	ack_all(&c, &seed, 20);
	assert_int_equal(c.tx_len, strlen(pipeline3_resp));
	assert_memory_equal(c.tx, pipeline3_resp, c.tx_len);
	assert_int_equal(c.n_close, 1);
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_fin_when_idle(void **state)
{
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1000);
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_fin_mid_request(void **state)
{
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1000);
	fake_rx(&c, "GET / HT", 8);
	fake_fin(&c);
	assert_int_equal(c.tx_len, 0);
	assert_int_equal(c.n_close, 1);
	assert_false(c.aborted);
	assert_int_equal(hs(in)->truncated_requests, 1);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_bad_request(void **state)
{
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 1000);
	fake_rx(&c, "GET / HTTP/1.1\r\n\r\n" GET_ROOT,
		18 + strlen(GET_ROOT));
	assert_memory_equal(c.tx, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_int_equal(c.n_shutdown, 1);
	assert_int_equal(c.tx_at_fin, c.tx_len);
	assert_false(c.aborted);
	assert_int_equal(hs(in)->errors[PTG_HTTP_ERR_host], 1);
	assert_int_equal(hs(in)->resp_400, 1);
	assert_int_equal(ptg_http_instance_pool_avail(in), POOL);
	fake_fin(&c);
	assert_int_equal(c.n_close, 1);
	assert_false(c.aborted);
	fake_end(&c, PTG_CLOSE_NORMAL);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_pool_exhausted(void **state)
{
	void *in = http_make("pool=2");
	struct ptg_conn c[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		fake_open(&c[i], &ptg_service_http, in, 1000);
		fake_rx(&c[i], "GET", 3);
	}
	assert_false(c[0].aborted);
	assert_false(c[1].aborted);
	assert_true(c[2].aborted); /* no session for it: reset, counted */
	assert_int_equal(c[2].reason, PTG_CLOSE_ABORT);
	assert_int_equal(hs(in)->drop_pool_empty, 1);
	assert_int_equal(ptg_http_instance_pool_avail(in), 0);
	fake_end(&c[0], PTG_CLOSE_RESET);
	fake_end(&c[1], PTG_CLOSE_TIMEOUT);
	for (i = 0; i < 3; i++)
		fake_free(&c[i]);
	http_done(in, 2);
}

static void
test_http_reset_mid_response(void **state)
{
	static const char req[] = "GET /bytes/100000 HTTP/1.1\r\nHost: t\r\n\r\n";
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 10);
	fake_rx(&c, req, strlen(req));
	assert_int_equal(ptg_http_instance_pool_avail(in), POOL - 1);
	fake_end(&c, PTG_CLOSE_RESET);
	assert_null(c.ctx);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_send_error_aborts(void **state)
{
	static const char req[] = "GET /bytes/100000 HTTP/1.1\r\nHost: t\r\n\r\n";
	void *in = http_make("pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 10);
	fake_rx(&c, req, strlen(req));
	c.send_err = -ENOBUFS;
	fake_ack(&c, 100);
	assert_true(c.aborted);
	assert_int_equal(hs(in)->drop_send_error, 1);
	fake_free(&c);
	http_done(in, POOL);
}

static void
test_http_maxbytes_arg(void **state)
{
	static const char req[] = "GET /bytes/11 HTTP/1.1\r\nHost: t\r\n\r\n";
	void *in = http_make("maxbytes=10,pool=4");
	struct ptg_conn c;

	(void)state;
	fake_open(&c, &ptg_service_http, in, 10000);
	fake_rx(&c, req, strlen(req));
	assert_memory_equal(c.tx, "HTTP/1.1 400 ", 13);
	assert_int_equal(c.n_shutdown, 0); /* well-formed: stays open */
	fake_end(&c, PTG_CLOSE_RESET);
	fake_free(&c);
	http_done(in, POOL);
}

/* ---- counters ---------------------------------------------------------- */

static void
test_stat_names_match_values(void **state)
{
	static const struct ptg_service_ops *const all[] = {
		&ptg_service_echo, &ptg_service_discard,
		&ptg_service_chargen, &ptg_service_http,
	};
	uint64_t v[80];
	unsigned int i, n, k;
	void *in;

	(void)state;
	for (i = 0; i < 4; i++) {
		in = make(all[i], NULL);
		assert_non_null(all[i]->stat_names);
		assert_non_null(all[i]->stats);
		for (n = 0; all[i]->stat_names[n] != NULL; n++)
			;
		assert_true(n > 0 && n < 70);
		for (k = 0; k < 80; k++)
			v[k] = UINT64_C(0xdeadbeefdeadbeef);
		all[i]->stats(in, v);
		for (k = 0; k < n; k++)
			assert_true(v[k] != UINT64_C(0xdeadbeefdeadbeef));
		assert_true(v[n] == UINT64_C(0xdeadbeefdeadbeef));
		all[i]->fini(in);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_args),
		cmocka_unit_test(test_tcp_keepalive_args),
		cmocka_unit_test(test_echo_flow_control),
		cmocka_unit_test(test_echo_half_close),
		cmocka_unit_test(test_echo_random_stream),
		cmocka_unit_test(test_echo_send_error_resets),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_chargen_stream_exact),
		cmocka_unit_test(test_chargen_starts_with_no_space),
		cmocka_unit_test(test_chargen_input_dropped_and_fin_closes),
		cmocka_unit_test(test_chargen_no_mbuf_resets),
		cmocka_unit_test(test_http_args),
		cmocka_unit_test(test_http_idle_holds_nothing),
		cmocka_unit_test(test_http_byte_by_byte),
		cmocka_unit_test(test_http_bytes_streamed),
		cmocka_unit_test(test_http_pipeline_backpressure),
		cmocka_unit_test(test_http_pipeline_segmented),
		cmocka_unit_test(test_http_connection_close),
		cmocka_unit_test(test_http_fin_after_request),
		cmocka_unit_test(test_http_pipeline_then_fin),
		cmocka_unit_test(test_http_fin_when_idle),
		cmocka_unit_test(test_http_fin_mid_request),
		cmocka_unit_test(test_http_bad_request),
		cmocka_unit_test(test_http_pool_exhausted),
		cmocka_unit_test(test_http_reset_mid_response),
		cmocka_unit_test(test_http_send_error_aborts),
		cmocka_unit_test(test_http_maxbytes_arg),
		cmocka_unit_test(test_stat_names_match_values),
	};

	return cmocka_run_group_tests_name("service_builtin", tests,
					   ptg_test_group_setup, NULL);
}
