/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in services on the real TCP engine (lib/tcp), driven by a
 * scripted peer through the tcp test kit (test/unit/tcp/tcp_test.h):
 *   peer_open() -> SYN, SYN-ACK, ACK;  peer_send() -> data segments
 *   peer_run() -> pop what the engine sent, reassemble, ACK it
 * Checks what reaches the wire: response bytes, FIN after the data, no RST,
 * and, at tt_free(), no connection and no mbuf left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tcp/tcp_test.h"
#include "ptg_service.h"
#include "service_priv.h"

#define MSS 1460
#define PEER_RX_CAP (4u << 20)

struct peer {
	struct tt *t;
	uint16_t dport, sport;
	uint32_t snd_nxt;      /* our next sequence number */
	uint32_t rcv_nxt;      /* next byte expected from the engine */
	uint8_t *rx;
	size_t rx_len;
	bool got_fin, got_rst;
	size_t fin_at;         /* rx_len when the FIN came */
};

static void
peer_open(struct peer *p, struct tt *t, uint16_t dport, uint16_t sport)
{
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = MSS };
	struct ptg_test_pkt pkt;

	memset(p, 0, sizeof(*p));
	p->t = t;
	p->dport = dport;
	p->sport = sport;
	p->rx = malloc(PEER_RX_CAP);
	assert_non_null(p->rx);
	p->snd_nxt = 1000;
	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .dport = dport,
		.seq = p->snd_nxt, .flags = RTE_TCP_SYN_FLAG }, &o);
	tt_pop(t, &pkt);
	assert_int_equal(pkt.tcp_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	p->snd_nxt++;
	p->rcv_nxt = pkt.seq + 1;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .dport = dport,
		.seq = p->snd_nxt, .ack = p->rcv_nxt,
		.flags = RTE_TCP_ACK_FLAG });
}

static void
peer_ack(struct peer *p, uint8_t flags)
{
	tt_rx(p->t, &(struct ptg_test_tcp){ .sport = p->sport,
		.dport = p->dport, .seq = p->snd_nxt, .ack = p->rcv_nxt,
		.flags = (uint8_t)(RTE_TCP_ACK_FLAG | flags) });
	if (flags & RTE_TCP_FIN_FLAG)
		p->snd_nxt++;
}

/* Pop everything the engine sent, keep the in-order payload, ACK it;
 * repeat until the engine is quiet (timers advanced a little between). */
static void
peer_run(struct peer *p)
{
	struct ptg_test_pkt pkt;
	unsigned int quiet = 0;
	bool news;

	while (quiet < 3 && !p->got_rst) {
		news = false;
		while (tt_pending(p->t) > 0) {
			tt_pop(p->t, &pkt);
			assert_true(pkt.l4_cksum_ok);
			if (pkt.dport != p->sport)
				continue;
			if (pkt.tcp_flags & RTE_TCP_RST_FLAG) {
				p->got_rst = true;
				break;
			}
			if (pkt.payload_len > 0 && pkt.seq == p->rcv_nxt) {
				assert_true(p->rx_len + pkt.payload_len <=
					    PEER_RX_CAP);
				memcpy(p->rx + p->rx_len, pkt.payload,
				       pkt.payload_len);
				p->rx_len += pkt.payload_len;
				p->rcv_nxt += pkt.payload_len;
				news = true;
			}
			if ((pkt.tcp_flags & RTE_TCP_FIN_FLAG) &&
			    pkt.seq + pkt.payload_len == p->rcv_nxt &&
			    !p->got_fin) {
				p->got_fin = true;
				p->fin_at = p->rx_len;
				p->rcv_nxt++;
				news = true;
			}
		}
		if (p->t->env->port.n > PTG_TEST_PORT_CAP / 2) {
			ptg_test_port_clear(&p->t->env->port);
			p->t->next = 0;
		}
		if (news && !p->got_rst) {
			peer_ack(p, 0);
			quiet = 0;
		} else {
			tt_advance(p->t, PTG_TEST_MS(50));
			quiet++;
		}
	}
}

/* Send @p len bytes in MSS segments; FIN on the last one if asked. */
static void
peer_send(struct peer *p, const void *data, size_t len, bool fin)
{
	const uint8_t *d = data;
	size_t off = 0, n;
	uint8_t fl;

	do {
		n = len - off < MSS ? len - off : MSS;
		fl = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		if (fin && off + n == len)
			fl |= RTE_TCP_FIN_FLAG;
		tt_rx(p->t, &(struct ptg_test_tcp){ .sport = p->sport,
			.dport = p->dport, .seq = p->snd_nxt,
			.ack = p->rcv_nxt, .flags = fl,
			.payload = d + off, .len = (uint32_t)n });
		p->snd_nxt += (uint32_t)n + ((fl & RTE_TCP_FIN_FLAG) ? 1 : 0);
		off += n;
		peer_run(p);
	} while (off < len);
}

static void
peer_free(struct peer *p)
{
	free(p->rx);
}

/* Let TIME-WAIT and any other timer run out. */
static void
drain_timers(struct tt *t)
{
	tt_advance(t, PTG_TEST_S(130));
	tt_skip(t);
}

static void *
listen_on(struct tt *t, uint16_t port, const struct ptg_service_ops *ops,
	  const char *args)
{
	void *in = NULL;

	assert_int_equal(ops->init(&in, args), 0);
	assert_int_equal(ptg_tcp_listen(t->tcp, port, &ops->conn, in, 0), 0);
	return in;
}

static const char root_resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: portgate\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 20\r\n"
	"\r\n"
	"Hello from portgate\n";

#define GET_ROOT "GET / HTTP/1.1\r\nHost: t\r\n\r\n"

static void
test_http_keepalive_then_peer_close(void **state)
{
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 80, &ptg_service_http, "pool=8");
	struct peer p;

	(void)state;
	peer_open(&p, t, 80, 41000);
	peer_send(&p, GET_ROOT, strlen(GET_ROOT), false);
	assert_int_equal(p.rx_len, strlen(root_resp));
	assert_memory_equal(p.rx, root_resp, p.rx_len);
	assert_false(p.got_fin);
	peer_send(&p, GET_ROOT, strlen(GET_ROOT), false);
	assert_int_equal(p.rx_len, 2 * strlen(root_resp));
	assert_false(p.got_fin);
	assert_int_equal(ptg_http_instance_pool_avail(in), 8);
	/* the client closes: the idle connection closes too, cleanly */
	peer_ack(&p, RTE_TCP_FIN_FLAG);
	peer_run(&p);
	assert_true(p.got_fin);
	assert_false(p.got_rst);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	peer_free(&p);
	tt_free(t);
	ptg_service_http.fini(in);
}

static void
test_http_connection_close_no_rst(void **state)
{
	static const char req[] =
		"GET /bytes/5000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
		"\r\n" GET_ROOT; /* pipelined after the close: never answered */
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 80, &ptg_service_http, "pool=8");
	uint8_t body[5000];
	struct peer p;

	(void)state;
	peer_open(&p, t, 80, 41001);
	peer_send(&p, req, strlen(req), false);
	/* the whole response, then FIN (RFC 9112 9.6), and no RST although
	 * a pipelined request was left unanswered */
	assert_true(p.got_fin);
	assert_false(p.got_rst);
	assert_int_equal(p.fin_at, p.rx_len);
	ptg_service_http_bytes_fill(0, body, sizeof(body));
	assert_true(p.rx_len > sizeof(body));
	assert_memory_equal(p.rx + p.rx_len - sizeof(body), body,
			    sizeof(body));
	assert_int_equal(ptg_http_instance_stats(in)->requests, 1);
	/* more bytes after our FIN are read and dropped, not reset */
	peer_send(&p, GET_ROOT, strlen(GET_ROOT), true);
	assert_false(p.got_rst);
	drain_timers(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(ptg_http_instance_pool_avail(in), 8);
	peer_free(&p);
	tt_free(t);
	ptg_service_http.fini(in);
}

static void
test_http_bytes_and_pipeline(void **state)
{
	static const char req[] =
		"GET /bytes/300000 HTTP/1.1\r\nHost: t\r\n\r\n"
		"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"
		"GET /bytes/7 HTTP/1.1\r\nHost: t\r\n\r\n";
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 80, &ptg_service_http, "pool=8");
	uint8_t *ref = malloc(300000);
	const uint8_t *b;
	struct peer p;
	size_t hlen;

	(void)state;
	peer_open(&p, t, 80, 41002);
	peer_send(&p, req, strlen(req), true);
	assert_false(p.got_rst);
	assert_true(p.got_fin); /* after answering all three */
	ptg_service_http_bytes_fill(0, ref, 300000);
	b = memchr(p.rx, '\n', p.rx_len);
	assert_non_null(b);
	assert_memory_equal(p.rx, "HTTP/1.1 200 OK\r\n", 17);
	hlen = strlen("HTTP/1.1 200 OK\r\nServer: portgate\r\n"
		      "Content-Type: text/plain\r\n"
		      "Content-Length: 300000\r\n\r\n");
	assert_memory_equal(p.rx + hlen, ref, 300000);
	b = p.rx + hlen + 300000;
	assert_memory_equal(b, "HTTP/1.1 200 OK\r\n", 17);
	assert_memory_equal(p.rx + p.rx_len - 7, "0000000", 7);
	assert_int_equal(ptg_http_instance_stats(in)->requests, 3);
	drain_timers(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(ptg_http_instance_pool_avail(in), 8);
	free(ref);
	peer_free(&p);
	tt_free(t);
	ptg_service_http.fini(in);
}

static void
test_echo_half_close(void **state)
{
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 7, &ptg_service_echo, NULL);
	size_t len = 200000, i;
	uint8_t *data = malloc(len);
	unsigned int seed = 3;
	struct peer p;

	(void)state;
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)rand_r(&seed);
	peer_open(&p, t, 7, 41003);
	peer_send(&p, data, len, true); /* FIN with the last segment */
	assert_false(p.got_rst);
	assert_int_equal(p.rx_len, len);
	assert_memory_equal(p.rx, data, len);
	assert_true(p.got_fin);
	assert_int_equal(p.fin_at, len); /* FIN after every echoed byte */
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	free(data);
	peer_free(&p);
	tt_free(t);
	ptg_service_echo.fini(in);
}

static void
test_discard(void **state)
{
	static uint8_t junk[50000];
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 9, &ptg_service_discard, NULL);
	struct peer p;

	(void)state;
	peer_open(&p, t, 9, 41004);
	peer_send(&p, junk, sizeof(junk), true);
	assert_int_equal(p.rx_len, 0);
	assert_true(p.got_fin);
	assert_false(p.got_rst);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	peer_free(&p);
	tt_free(t);
	ptg_service_discard.fini(in);
}

static void
test_chargen(void **state)
{
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 19, &ptg_service_chargen, NULL);
	uint8_t *ref = malloc(PEER_RX_CAP);
	struct ptg_test_pkt pkt;
	struct peer p;
	unsigned int i;

	(void)state;
	peer_open(&p, t, 19, 41005);
	/* read a while, ACKing as we go */
	for (i = 0; i < 200 && p.rx_len < 300000; i++) {
		while (tt_pending(t) > 0) {
			tt_pop(t, &pkt);
			if (pkt.payload_len > 0 && pkt.seq == p.rcv_nxt) {
				memcpy(p.rx + p.rx_len, pkt.payload,
				       pkt.payload_len);
				p.rx_len += pkt.payload_len;
				p.rcv_nxt += pkt.payload_len;
			}
		}
		peer_ack(&p, 0);
	}
	assert_true(p.rx_len >= 300000);
	/* then close: the engine sends what it queued, then its FIN */
	peer_ack(&p, RTE_TCP_FIN_FLAG);
	peer_run(&p);
	assert_true(p.got_fin);
	assert_false(p.got_rst);
	ptg_service_chargen_fill(0, ref, p.rx_len);
	assert_memory_equal(p.rx, ref, p.rx_len);
	drain_timers(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	free(ref);
	peer_free(&p);
	tt_free(t);
	ptg_service_chargen.fini(in);
}

/* ---- slow clients: the http timeouts on the engine ------------------------ */

static void
table_16k(struct ptg_tcp_config *cfg)
{
	cfg->max_conns = 16384;
}

/* The worker loop's order: the services' clock first, then the engine. */
static void
svc_advance(struct tt *t, void *in, uint64_t ns)
{
	t->env->now += ns;
	ptg_service_http.poll(in, t->env->now);
	ptg_test_env_poll(t->env);
}

/* Drop what the engine sent so far (the fake port holds 4096 frames). */
static void
port_reset(struct tt *t)
{
	ptg_stack_flush(t->env->stack);
	ptg_test_port_clear(&t->env->port);
	t->next = 0;
}

/* Handshake from @p sport, then @p len bytes; returns the engine's next
 * sequence number (for the peer's ACKs). */
static uint32_t
slow_open(struct tt *t, uint16_t sport, const char *data, uint32_t len)
{
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = MSS };
	struct ptg_test_pkt pkt;
	uint32_t iss;

	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .dport = 80,
		.seq = 5000, .flags = RTE_TCP_SYN_FLAG }, &o);
	tt_pop(t, &pkt);
	assert_int_equal(pkt.tcp_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	iss = pkt.seq;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .dport = 80,
		.seq = 5001, .ack = iss + 1, .flags = RTE_TCP_ACK_FLAG });
	if (len > 0)
		tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .dport = 80,
			.seq = 5001, .ack = iss + 1,
			.flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
			.payload = data, .len = len });
	return iss + 1;
}

/*
 * 8,191 connections (the default pool) each send one byte and wait: every
 * session is held, a new client's request is reset. The header timeout
 * (60 s) resets all 8,191 with a RST each, and a new client is served.
 * The engine's table, the pool and the mbufs are back to their start.
 */
static void
test_http_slow_clients_released(void **state)
{
	const unsigned int n = PTG_HTTP_POOL_DEFAULT;
	struct tt *t = tt_new(table_16k);
	void *in = listen_on(t, 80, &ptg_service_http, NULL);
	uint64_t t0, rst0, frames;
	struct ptg_test_pkt pkt;
	unsigned int i, rst;
	struct peer p;

	(void)state;
	ptg_service_http.poll(in, t->env->now);
	t0 = t->env->now;
	for (i = 0; i < n; i++) {
		slow_open(t, (uint16_t)(20000 + i), "G", 1);
		if (t->env->port.n > PTG_TEST_PORT_CAP / 2)
			port_reset(t);
	}
	port_reset(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), n);
	assert_int_equal(ptg_http_instance_pool_avail(in), 0);

	/* 30 s later a client's request finds no session: reset */
	svc_advance(t, in, PTG_TEST_S(30));
	port_reset(t);
	slow_open(t, 19999, GET_ROOT, strlen(GET_ROOT));
	tt_pop(t, &pkt);
	assert_true(pkt.tcp_flags & RTE_TCP_RST_FLAG);
	assert_int_equal(ptg_http_instance_stats(in)->drop_pool_empty, 1);

	/* not a nanosecond early */
	svc_advance(t, in, t0 + PTG_TEST_S(60) - 1 - t->env->now);
	assert_int_equal(ptg_http_instance_stats(in)->timeout_header, 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), n);
	port_reset(t);
	rst0 = TT_STAT(t, conn_reset_tx);
	t->env->port.overflow = 0;
	svc_advance(t, in, 1);
	assert_int_equal(ptg_http_instance_stats(in)->timeout_header, n);
	assert_int_equal(TT_STAT(t, conn_reset_tx) - rst0, n);
	/* one RST each on the wire (the port keeps 4096, counts the rest) */
	frames = t->env->port.n + t->env->port.overflow;
	assert_int_equal(frames, n);
	for (rst = 0; tt_pending(t) > 0; rst++) {
		tt_pop(t, &pkt);
		assert_int_equal(pkt.tcp_flags,
				 RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	}
	assert_int_equal(rst, PTG_TEST_PORT_CAP);
	port_reset(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(ptg_http_instance_pool_avail(in), n);
	assert_int_equal(ptg_http_instance_timers(in), 0);

	/* a legitimate client is served */
	peer_open(&p, t, 80, 41010);
	peer_send(&p, GET_ROOT, strlen(GET_ROOT), false);
	assert_int_equal(p.rx_len, strlen(root_resp));
	assert_memory_equal(p.rx, root_resp, p.rx_len);
	assert_false(p.got_rst);
	peer_ack(&p, RTE_TCP_FIN_FLAG);
	peer_run(&p);
	assert_true(p.got_fin);
	drain_timers(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(ptg_http_instance_pool_avail(in), n);
	assert_int_equal(ptg_http_instance_timers(in), 0);
	peer_free(&p);
	tt_free(t);
	ptg_service_http.fini(in);
}

/* A keep-alive connection left idle is reset after 75 s, on the wire. */
static void
test_http_keepalive_timeout_engine(void **state)
{
	struct tt *t = tt_new(NULL);
	void *in = listen_on(t, 80, &ptg_service_http, "pool=8");
	struct ptg_test_pkt pkt;
	struct peer p;

	(void)state;
	ptg_service_http.poll(in, t->env->now);
	peer_open(&p, t, 80, 41011);
	peer_send(&p, GET_ROOT, strlen(GET_ROOT), false);
	assert_int_equal(p.rx_len, strlen(root_resp));
	/* peer_run() let 150 ms pass; idle from here */
	tt_skip(t);
	svc_advance(t, in, PTG_TEST_S(75) - PTG_TEST_MS(200));
	tt_skip(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	svc_advance(t, in, PTG_TEST_MS(200));
	tt_pop(t, &pkt);
	assert_int_equal(pkt.tcp_flags, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(pkt.seq, p.rcv_nxt);
	assert_int_equal(ptg_http_instance_stats(in)->timeout_keepalive, 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(ptg_http_instance_pool_avail(in), 8);
	assert_int_equal(ptg_http_instance_timers(in), 0);
	peer_free(&p);
	tt_free(t);
	ptg_service_http.fini(in);
}

/*
 * tcp_keepalive= in a service's ARGS reaches the connection through the
 * engine's ptg_conn_set_keepalive(): an idle echo connection gets a probe
 * (RFC 1122 4.2.3.6: SEQ = SND.NXT - 1, no data) after tcp_keepalive ms,
 * another every tcp_keepintvl ms, and a reset after tcp_keepcnt unanswered
 * ones. Skipped where lib/tcp has no ptg_conn_set_keepalive() (the ARGS
 * are refused there: test_service_builtin).
 */
static void
test_tcp_keepalive_arg_on_wire(void **state)
{
	struct tt *t;
	void *in;
	struct ptg_test_pkt pkt;
	uint64_t t0, at[3] = { 0, 0, 0 };
	unsigned int n = 0, k;
	struct peer p;

	(void)state;
	t = tt_new(NULL);
	in = listen_on(t, 7, &ptg_service_echo,
		       "tcp_keepalive=2000,tcp_keepintvl=500,tcp_keepcnt=2");
	peer_open(&p, t, 7, 41020);
	tt_skip(t);
	t0 = t->env->now;
	for (k = 0; k < 40 && n < 3; k++) {
		tt_advance(t, PTG_TEST_MS(100));
		while (tt_pending(t) > 0 && n < 3) {
			tt_pop(t, &pkt);
			if (n < 2) {
				/* a probe */
				assert_int_equal(pkt.tcp_flags,
						 RTE_TCP_ACK_FLAG);
				assert_int_equal(pkt.seq, p.rcv_nxt - 1);
				assert_int_equal(pkt.payload_len, 0);
			} else {
				assert_true(pkt.tcp_flags & RTE_TCP_RST_FLAG);
			}
			at[n++] = t->env->now - t0;
		}
	}
	assert_int_equal(n, 3);
	/* to the timer wheel's tick */
	assert_true(at[0] >= PTG_TEST_MS(2000) && at[0] <= PTG_TEST_MS(2100));
	assert_true(at[1] >= at[0] + PTG_TEST_MS(500) &&
		    at[1] <= at[0] + PTG_TEST_MS(600));
	assert_true(at[2] >= at[1] + PTG_TEST_MS(500) &&
		    at[2] <= at[1] + PTG_TEST_MS(600));
	assert_int_equal(TT_STAT(t, keepalive_probes), 2);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	peer_free(&p);
	tt_free(t);
	ptg_service_echo.fini(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_keepalive_then_peer_close),
		cmocka_unit_test(test_http_connection_close_no_rst),
		cmocka_unit_test(test_http_bytes_and_pipeline),
		cmocka_unit_test(test_echo_half_close),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_chargen),
		cmocka_unit_test(test_http_slow_clients_released),
		cmocka_unit_test(test_http_keepalive_timeout_engine),
		cmocka_unit_test(test_tcp_keepalive_arg_on_wire),
	};

	return cmocka_run_group_tests_name("service_engine", tests,
					   ptg_test_group_setup, NULL);
}
