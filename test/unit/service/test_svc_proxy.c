/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxy service (lib/service/svc_proxy.c) on the real TCP engine,
 * with the tcp test kit's stack in the middle and a scripted network
 * around it: every client and every backend is an endpoint of this file
 * (at PTG_TEST_IP_PEER), driven segment by segment.
 *
 *   ep_connect() -> SYN to the proxy port; px_run() pumps until quiet:
 *   frames the stack sent -> dispatch() -> the endpoint they belong to,
 *     or a backend "server" (srv_add: accept, refuse with RST, or stay
 *     silent) for a SYN to its port
 *   ep_output() -> data within the engine's window, FIN, ACKs with a
 *     window of rcv_cap minus what the endpoint's application has not
 *     read (ep_read()), so a test can play a slow reader
 *
 * Checks what reaches each endpoint byte for byte, windows, FIN and RST,
 * the proxy's counters, and at the end that the session pool is full and
 * (tt_free) no connection or mbuf is left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tcp/tcp_test.h"
#include "proxy_priv.h"
#include "ptg_service.h"

#define PX_PORT 8081
#define MSS 1460
#define EP_MAX 24
#define SRV_MAX 4
#define EP_CAP (2u << 20)

enum srv_mode { SRV_ACCEPT, SRV_REFUSE, SRV_SILENT };

struct ep {
	bool used, backend, established;
	uint16_t lport, rport;   /* the endpoint's port, the engine's */
	uint32_t iss, snd_nxt, snd_una;
	uint32_t rcv_nxt;
	uint32_t wnd;            /* the engine's window */
	uint16_t last_win, min_win;
	uint8_t *rx;             /* everything received in order */
	size_t rx_len;
	size_t unread;           /* of rx, not read by the application */
	uint32_t rcv_cap;
	bool auto_read;
	uint8_t *tx;             /* everything to send */
	size_t tx_len, tx_off;
	bool want_fin, fin_sent;
	bool got_fin, got_rst, need_ack;
	size_t fin_at;
};

struct srv {
	uint16_t port;
	enum srv_mode mode;
	uint32_t rcv_cap;
	bool auto_read;
	unsigned int syns;
};

struct px {
	struct tt *t;
	void *in;
	struct ep ep[EP_MAX];
	struct srv srv[SRV_MAX];
	unsigned int nb_srv;
	uint32_t next_iss;
	unsigned int pool;       /* sessions of the instance */
};

static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* ---- the scripted network ------------------------------------------------ */

static uint16_t
ep_adv(const struct ep *e)
{
	uint32_t w = e->rcv_cap - (uint32_t)e->unread;

	return (uint16_t)(w > 65535 ? 65535 : w);
}

static void
seg_send(struct px *x, struct ep *e, uint8_t flags, const void *payload,
	 uint32_t len, const struct ptg_test_tcp_opts *o)
{
	struct ptg_test_tcp s = {
		.sport = e->lport, .dport = e->rport, .seq = e->snd_nxt,
		.ack = e->rcv_nxt, .flags = flags, .win = ep_adv(e),
		.payload = payload, .len = len,
	};
	uint8_t buf[40];

	if (flags & RST)
		s.win = 0;
	if (!(flags & ACK))
		s.ack = 0;
	if (o != NULL) {
		int n = ptg_test_tcp_opts_encode(o, buf);

		assert_true(n >= 0);
		s.opts = buf;
		s.opts_len = (uint8_t)n;
	}
	ptg_test_env_rx(x->t->env, ptg_test_tcp_frame(x->t->env->mp, NULL, &s));
	ptg_test_env_poll(x->t->env);
}

static struct ep *
ep_alloc(struct px *x, uint16_t lport, uint16_t rport, bool backend)
{
	unsigned int i;

	for (i = 0; i < EP_MAX; i++) {
		struct ep *e = &x->ep[i];

		if (e->used)
			continue;
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->backend = backend;
		e->lport = lport;
		e->rport = rport;
		e->rx = malloc(EP_CAP);
		e->tx = malloc(EP_CAP);
		assert_non_null(e->rx);
		assert_non_null(e->tx);
		e->iss = x->next_iss;
		x->next_iss += 100000;
		e->snd_nxt = e->snd_una = e->iss;
		e->rcv_cap = 65535;
		e->auto_read = true;
		e->min_win = UINT16_MAX;
		return e;
	}
	fail_msg("out of endpoints");
	return NULL;
}

static struct ep *
ep_find(struct px *x, uint16_t lport, uint16_t rport)
{
	unsigned int i;

	/* the latest one wins: a port pair may be used again */
	for (i = EP_MAX; i-- > 0;)
		if (x->ep[i].used && x->ep[i].lport == lport &&
		    x->ep[i].rport == rport)
			return &x->ep[i];
	return NULL;
}

static struct srv *
srv_find(struct px *x, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < x->nb_srv; i++)
		if (x->srv[i].port == port)
			return &x->srv[i];
	return NULL;
}

static struct srv *
srv_add(struct px *x, uint16_t port, enum srv_mode mode)
{
	struct srv *s = &x->srv[x->nb_srv++];

	assert_true(x->nb_srv <= SRV_MAX);
	s->port = port;
	s->mode = mode;
	s->rcv_cap = 65535;
	s->auto_read = true;
	return s;
}

/* A SYN to a backend server's port. */
static void
srv_syn(struct px *x, struct srv *s, const struct ptg_test_pkt *p)
{
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = MSS };
	struct ep *e, tmp;

	s->syns++;
	switch (s->mode) {
	case SRV_SILENT:
		return;
	case SRV_REFUSE:
		memset(&tmp, 0, sizeof(tmp));
		tmp.lport = s->port;
		tmp.rport = p->sport;
		tmp.rcv_nxt = p->seq + 1;
		seg_send(x, &tmp, RST | ACK, NULL, 0, NULL);
		return;
	case SRV_ACCEPT:
		break;
	}
	e = ep_alloc(x, s->port, p->sport, true);
	e->rcv_cap = s->rcv_cap;
	e->auto_read = s->auto_read;
	e->rcv_nxt = p->seq + 1;
	e->wnd = p->win;
	seg_send(x, e, SYN | ACK, NULL, 0, &o);
	e->snd_nxt++;
}

static void
ep_input(struct ep *e, const struct ptg_test_pkt *p)
{
	if (p->tcp_flags & RST) {
		e->got_rst = true;
		return;
	}
	if ((p->tcp_flags & SYN) && (p->tcp_flags & ACK) && !e->backend &&
	    !e->established) {
		/* our SYN answered */
		assert_int_equal(p->ack, e->iss + 1);
		e->rcv_nxt = p->seq + 1;
		e->snd_una = p->ack;
		e->wnd = p->win;
		e->established = true;
		e->need_ack = true;
		return;
	}
	if (p->tcp_flags & ACK) {
		if (seq_after(p->ack, e->snd_una))
			e->snd_una = p->ack;
		if (e->backend && !e->established && p->ack == e->iss + 1)
			e->established = true;
		e->wnd = p->win; /* no window scale was agreed */
		e->last_win = p->win;
		if (p->win < e->min_win)
			e->min_win = p->win;
	}
	if (p->payload_len > 0) {
		if (p->seq == e->rcv_nxt) {
			assert_true(e->rx_len + p->payload_len <= EP_CAP);
			memcpy(e->rx + e->rx_len, p->payload, p->payload_len);
			e->rx_len += p->payload_len;
			e->rcv_nxt += p->payload_len;
			if (!e->auto_read)
				e->unread += p->payload_len;
			/* the engine kept within the window we gave */
			assert_true(e->unread <= e->rcv_cap);
		}
		e->need_ack = true;
	}
	if ((p->tcp_flags & FIN) && p->seq + p->payload_len == e->rcv_nxt &&
	    !e->got_fin) {
		e->got_fin = true;
		e->fin_at = e->rx_len;
		e->rcv_nxt++;
		e->need_ack = true;
	} else if ((p->tcp_flags & FIN) || p->payload_len == 0) {
		/* a FIN again, or a probe: say where we are */
		if (p->tcp_flags & FIN)
			e->need_ack = true;
		else if (p->seq != e->rcv_nxt)
			e->need_ack = true;
	}
}

/* Pop every frame the stack sent and hand it over. @return frames. */
static unsigned int
dispatch(struct px *x)
{
	struct tt *t = x->t;
	struct ptg_test_pkt *p = malloc(sizeof(*p));
	unsigned int n = 0;

	assert_non_null(p);
	while (tt_pending(t) > 0) {
		struct ep *e;

		ptg_test_parse_ok(t->env->port.pkts[t->next++], p);
		n++;
		if (p->ip_proto != IPPROTO_TCP)
			continue;
		assert_true(p->ip_dst == PTG_TEST_IP_PEER);
		e = ep_find(x, p->dport, p->sport);
		if (e != NULL && !(e->got_rst)) {
			ep_input(e, p);
		} else if ((p->tcp_flags & (SYN | ACK)) == SYN) {
			struct srv *s = srv_find(x, p->dport);

			if (s != NULL)
				srv_syn(x, s, p);
		}
		if (t->env->port.n > PTG_TEST_PORT_CAP / 2 &&
		    t->next == t->env->port.n) {
			ptg_test_port_clear(&t->env->port);
			t->next = 0;
		}
	}
	free(p);
	return n;
}

/* What @p e may send now: data in the window, FIN, an ACK. */
static bool
ep_output(struct px *x, struct ep *e)
{
	bool sent = false;

	if (!e->used || !e->established || e->got_rst)
		return false;
	while (e->tx_off < e->tx_len) {
		uint32_t flight = e->snd_nxt - e->snd_una, n;
		uint8_t fl = ACK | PSH;

		if (flight >= e->wnd)
			break;
		n = (uint32_t)RTE_MIN((size_t)MSS, e->tx_len - e->tx_off);
		n = RTE_MIN(n, e->wnd - flight);
		if (e->want_fin && e->tx_off + n == e->tx_len &&
		    flight + n < e->wnd)
			fl |= FIN;
		seg_send(x, e, fl, e->tx + e->tx_off, n, NULL);
		e->snd_nxt += n;
		e->tx_off += n;
		if (fl & FIN) {
			e->snd_nxt++;
			e->fin_sent = true;
		}
		sent = true;
		e->need_ack = false;
	}
	if (e->want_fin && !e->fin_sent && e->tx_off == e->tx_len &&
	    e->snd_nxt - e->snd_una < e->wnd) {
		seg_send(x, e, FIN | ACK, NULL, 0, NULL);
		e->snd_nxt++;
		e->fin_sent = true;
		sent = true;
		e->need_ack = false;
	}
	if (e->need_ack) {
		seg_send(x, e, ACK, NULL, 0, NULL);
		e->need_ack = false;
		sent = true;
	}
	return sent;
}

/* Exchange segments until nobody has anything to say, at this time. */
static void
px_pump(struct px *x)
{
	unsigned int rounds = 0, i;
	bool news;

	do {
		news = dispatch(x) > 0;
		for (i = 0; i < EP_MAX; i++)
			news |= ep_output(x, &x->ep[i]);
		assert_true(++rounds < 100000);
	} while (news);
}

/* Pump, letting time pass (50 ms steps) until 150 ms pass quietly. */
static void
px_run(struct px *x)
{
	unsigned int quiet = 0, steps = 0;

	while (quiet < 3) {
		unsigned int before = x->t->env->port.n;

		px_pump(x);
		tt_advance(x->t, PTG_TEST_MS(50));
		quiet = x->t->env->port.n == before && tt_pending(x->t) == 0 ?
			quiet + 1 : 0;
		assert_true(++steps < 20000);
	}
	px_pump(x);
}

static struct ep *
ep_connect(struct px *x, uint16_t sport)
{
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = MSS };
	struct ep *e = ep_alloc(x, sport, PX_PORT, false);

	seg_send(x, e, SYN, NULL, 0, &o);
	e->snd_nxt++;
	return e;
}

static void
ep_write(struct ep *e, const void *data, size_t len)
{
	assert_true(e->tx_len + len <= EP_CAP);
	memcpy(e->tx + e->tx_len, data, len);
	e->tx_len += len;
}

static void
ep_fin(struct ep *e)
{
	e->want_fin = true;
}

/* The application reads what it had left: the window opens. */
static void
ep_read(struct ep *e)
{
	e->unread = 0;
	e->need_ack = true;
}

static void
ep_reset(struct px *x, struct ep *e)
{
	seg_send(x, e, RST | ACK, NULL, 0, NULL);
	e->got_rst = true; /* nothing more from this one */
}

/* The @p nth (0-based) endpoint a backend server accepted. */
static struct ep *
backend_ep(struct px *x, uint16_t port, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < EP_MAX; i++)
		if (x->ep[i].used && x->ep[i].backend &&
		    x->ep[i].lport == port && nth-- == 0)
			return &x->ep[i];
	return NULL;
}

/* ---- set-up ---------------------------------------------------------------- */

static struct px *
px_new(const char *args, void (*tweak)(struct ptg_tcp_config *))
{
	struct px *x = calloc(1, sizeof(*x));
	struct ptg_proxy_config cfg;

	assert_non_null(x);

	assert_int_equal(ptg_proxy_parse_args(args, &cfg, NULL, 0), 0);
	x->pool = cfg.pool;
	x->t = tt_new(tweak);
	x->next_iss = 1000;
	assert_int_equal(ptg_service_proxy.init(&x->in, args), 0);
	assert_int_equal(ptg_tcp_listen(x->t->tcp, PX_PORT,
					&ptg_service_proxy.conn, x->in, 0), 0);
	return x;
}

/* Let TIME-WAIT and every other timer run out. */
static void
px_drain(struct px *x)
{
	tt_advance(x->t, PTG_TEST_S(130));
	px_pump(x);
	tt_skip(x->t);
}

static uint64_t
px_stat(struct px *x, const char *name)
{
	uint64_t v[64];
	unsigned int i;

	memset(v, 0xee, sizeof(v));
	ptg_service_proxy.stats(x->in, v);
	for (i = 0; ptg_service_proxy.stat_names[i] != NULL; i++)
		if (strcmp(ptg_service_proxy.stat_names[i], name) == 0)
			return v[i];
	fail_msg("no counter %s", name);
	return 0;
}

/* End of a test: everything closed and given back. */
static void
px_free(struct px *x)
{
	unsigned int i;

	px_drain(x);
	assert_int_equal(ptg_tcp_conn_count(x->t->tcp), 0);
	assert_int_equal(px_stat(x, "active"), 0);
	assert_int_equal(ptg_proxy_instance_pool_avail(x->in), x->pool);
	for (i = 0; i < PTG_PROXY_MAX_BACKENDS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "be%u_active", i);
		assert_int_equal(px_stat(x, name), 0);
	}
	tt_free(x->t);
	ptg_service_proxy.fini(x->in);
	for (i = 0; i < EP_MAX; i++) {
		free(x->ep[i].rx);
		free(x->ep[i].tx);
	}
	free(x);
}

static void
fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

#define BE1 "198.18.0.2:9001"
#define BE2 "198.18.0.2:9002"

/* ---- relaying ---------------------------------------------------------------- */

/* 1 MB each way, then the client closes first: exact bytes, FIN after the
 * last byte on both sides, no RST, counters per backend. */
static void
test_relay_both_ways(void **state)
{
	const size_t up = 1000000, down = 1300000;
	struct px *x = px_new(BE1 ",pool=64", NULL);
	uint8_t *a = malloc(up), *b = malloc(down);
	struct ep *c, *s;

	(void)state;
	fill(a, up, 1);
	fill(b, down, 2);
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41000);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	assert_non_null(s);
	assert_true(c->established && s->established);
	assert_int_equal(px_stat(x, "clients"), 1);
	assert_int_equal(px_stat(x, "active"), 1);
	assert_int_equal(px_stat(x, "be0_active"), 1);
	ep_write(c, a, up);
	ep_write(s, b, down);
	px_run(x);
	assert_int_equal(s->rx_len, up);
	assert_memory_equal(s->rx, a, up);
	assert_int_equal(c->rx_len, down);
	assert_memory_equal(c->rx, b, down);
	assert_false(c->got_fin || s->got_fin);
	ep_fin(c);
	px_run(x);
	assert_true(s->got_fin);
	assert_int_equal(s->fin_at, up);
	assert_false(c->got_fin);
	ep_fin(s);
	px_run(x);
	assert_true(c->got_fin);
	assert_int_equal(c->fin_at, down);
	assert_false(c->got_rst || s->got_rst);
	assert_int_equal(px_stat(x, "be0_conns"), 1);
	assert_int_equal(px_stat(x, "be0_fails"), 0);
	assert_int_equal(px_stat(x, "be0_tx_bytes"), up);
	assert_int_equal(px_stat(x, "be0_rx_bytes"), down);
	assert_int_equal(px_stat(x, "resets"), 0);
	assert_int_equal(px_stat(x, "spill_bytes"), 0);
	assert_int_equal(px_stat(x, "errors"), 0);
	px_drain(x);
	assert_int_equal(px_stat(x, "active"), 0);
	assert_int_equal(px_stat(x, "be0_active"), 0);
	free(a);
	free(b);
	px_free(x);
}

/* The client half-closes first; the backend still answers after it. */
static void
test_half_close_client_first(void **state)
{
	struct px *x = px_new(BE1 ",pool=64", NULL);
	struct ep *c, *s;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41001);
	ep_write(c, "request", 7);
	ep_fin(c);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	assert_non_null(s);
	assert_int_equal(s->rx_len, 7);
	assert_memory_equal(s->rx, "request", 7);
	assert_true(s->got_fin);
	assert_int_equal(s->fin_at, 7);
	assert_false(c->got_fin);
	/* the other direction still flows */
	ep_write(s, "response after the client's FIN", 31);
	px_run(x);
	assert_int_equal(c->rx_len, 31);
	assert_memory_equal(c->rx, "response after the client's FIN", 31);
	assert_false(c->got_fin);
	ep_fin(s);
	px_run(x);
	assert_true(c->got_fin);
	assert_int_equal(c->fin_at, 31);
	assert_false(c->got_rst || s->got_rst);
	px_free(x);
}

/* The backend half-closes first; the client still sends after it. */
static void
test_half_close_backend_first(void **state)
{
	struct px *x = px_new(BE1 ",pool=64", NULL);
	struct ep *c, *s;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41002);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	ep_write(s, "banner", 6);
	ep_fin(s);
	px_run(x);
	assert_int_equal(c->rx_len, 6);
	assert_memory_equal(c->rx, "banner", 6);
	assert_true(c->got_fin);
	assert_int_equal(c->fin_at, 6);
	assert_false(s->got_fin);
	ep_write(c, "data after the backend's FIN", 28);
	px_run(x);
	assert_int_equal(s->rx_len, 28);
	assert_memory_equal(s->rx, "data after the backend's FIN", 28);
	assert_false(s->got_fin);
	ep_fin(c);
	px_run(x);
	assert_true(s->got_fin);
	assert_int_equal(s->fin_at, 28);
	assert_false(c->got_rst || s->got_rst);
	px_free(x);
}

static void
client_reset(void **state, bool data_first)
{
	struct px *x = px_new(BE1 ",pool=64", NULL);
	struct ep *c, *s;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41003);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	if (data_first) {
		ep_write(c, "abc", 3);
		px_run(x);
		assert_int_equal(s->rx_len, 3);
	}
	ep_reset(x, c);
	px_run(x);
	assert_true(s->got_rst);
	assert_false(s->got_fin);
	assert_int_equal(px_stat(x, "resets"), 1);
	assert_int_equal(px_stat(x, "active"), 0);
	assert_int_equal(px_stat(x, "be0_active"), 0);
	assert_int_equal(ptg_tcp_conn_count(x->t->tcp), 0);
	px_free(x);
}

static void
test_client_reset_resets_backend(void **state)
{
	client_reset(state, true);
}

static void
test_client_reset_idle_resets_backend(void **state)
{
	client_reset(state, false);
}

static void
test_backend_reset_resets_client(void **state)
{
	struct px *x = px_new(BE1 ",pool=64", NULL);
	struct ep *c, *s;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41004);
	ep_write(c, "abc", 3);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	ep_write(s, "xyz", 3);
	px_run(x);
	assert_int_equal(c->rx_len, 3);
	ep_reset(x, s);
	px_run(x);
	assert_true(c->got_rst);
	assert_false(c->got_fin);
	assert_int_equal(px_stat(x, "resets"), 1);
	assert_int_equal(px_stat(x, "active"), 0);
	assert_int_equal(ptg_tcp_conn_count(x->t->tcp), 0);
	px_free(x);
}

/* The client leaves while its backend connect is pending: the attempt is
 * dropped (nothing to reset in SYN-SENT) and counted as no failure. */
static void
test_client_reset_while_connecting(void **state)
{
	struct px *x = px_new(BE1 ",pool=64", NULL);
	struct ep *c;

	(void)state;
	srv_add(x, 9001, SRV_SILENT);
	c = ep_connect(x, 41005);
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 1);
	assert_int_equal(ptg_tcp_conn_count(x->t->tcp), 2);
	ep_reset(x, c);
	tt_none(x->t); /* no RST for a SYN-SENT connection */
	assert_int_equal(ptg_tcp_conn_count(x->t->tcp), 0);
	assert_int_equal(px_stat(x, "be0_conns"), 1);
	assert_int_equal(px_stat(x, "be0_fails"), 0);
	assert_int_equal(px_stat(x, "be0_active"), 0);
	px_free(x);
}

/* ---- flow control ------------------------------------------------------------ */

static void
small_bufs(struct ptg_tcp_config *cfg)
{
	cfg->rcvbuf = 32768;
	cfg->sndbuf = 16384;
}

/*
 * A backend that does not read: its window closes, then the proxy's send
 * buffer toward it fills, then the client's receive queue: the client is
 * told a zero window having had exactly backend window + send buffer +
 * receive buffer acknowledged. Reading resumes everything, nothing lost.
 */
static void
test_flow_control_slow_backend(void **state)
{
	const size_t len = 300000;
	struct px *x = px_new(BE1 ",pool=64", small_bufs);
	uint8_t *a = malloc(len);
	struct ep *c, *s;
	struct srv *sv;
	unsigned int rounds = 0;

	(void)state;
	fill(a, len, 3);
	sv = srv_add(x, 9001, SRV_ACCEPT);
	sv->rcv_cap = 8192;
	sv->auto_read = false;
	c = ep_connect(x, 41010);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	ep_write(c, a, len);
	px_run(x);
	/* the backend's window: full segments only (RFC 9293 3.8.6.2.1) */
	assert_int_equal(s->rx_len, 8192 - 8192 % MSS);
	assert_int_equal(ep_adv(s), 8192 % MSS);
	assert_int_equal(c->last_win, 0);
	assert_int_equal(c->min_win, 0);
	assert_int_equal(c->snd_una - (c->iss + 1),
			 s->rx_len + 16384 + 32768);
	/* the backend reads, in steps: all of it arrives, in order */
	while (s->rx_len < len) {
		ep_read(s);
		px_run(x);
		assert_true(++rounds < 1000);
	}
	assert_int_equal(s->rx_len, len);
	assert_memory_equal(s->rx, a, len);
	assert_true(c->last_win > 0);
	assert_int_equal(px_stat(x, "be0_tx_bytes"), len);
	ep_fin(c);
	ep_read(s);
	px_run(x);
	assert_true(s->got_fin);
	assert_int_equal(s->fin_at, len);
	ep_fin(s);
	px_run(x);
	assert_true(c->got_fin);
	assert_false(c->got_rst || s->got_rst);
	free(a);
	px_free(x);
}

/* A client that does not read: the backend is told a zero window. */
static void
test_flow_control_slow_client(void **state)
{
	const size_t len = 300000;
	struct px *x = px_new(BE1 ",pool=64", small_bufs);
	uint8_t *a = malloc(len);
	struct ep *c, *s;
	unsigned int rounds = 0;

	(void)state;
	fill(a, len, 4);
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41011);
	c->rcv_cap = 8192;
	c->auto_read = false;
	px_run(x);
	s = backend_ep(x, 9001, 0);
	ep_write(s, a, len);
	px_run(x);
	assert_int_equal(c->rx_len, 8192 - 8192 % MSS);
	assert_int_equal(s->last_win, 0);
	assert_int_equal(s->min_win, 0);
	assert_int_equal(s->snd_una - (s->iss + 1),
			 c->rx_len + 16384 + 32768);
	while (c->rx_len < len) {
		ep_read(c);
		px_run(x);
		assert_true(++rounds < 1000);
	}
	assert_memory_equal(c->rx, a, len);
	assert_int_equal(px_stat(x, "be0_rx_bytes"), len);
	assert_int_equal(px_stat(x, "spill_bytes"), 0);
	ep_fin(s);
	ep_fin(c);
	ep_read(c);
	px_run(x);
	assert_true(c->got_fin && s->got_fin);
	assert_false(c->got_rst || s->got_rst);
	free(a);
	px_free(x);
}

/*
 * The backend's FIN comes after ours (the client half-closed first) while
 * its bytes wait for a slow client: the engine's last delivery (TIME-WAIT)
 * would free them, so the proxy takes them aside and sends them later,
 * then the FIN. Exactly the bytes the client's window and the send buffer
 * could not take are spilled.
 */
static void
test_spill_backend_fin_to_slow_client(void **state)
{
	const size_t len = 40000;
	struct px *x = px_new(BE1 ",pool=64", small_bufs);
	uint8_t *a = malloc(len);
	struct ep *c, *s;
	unsigned int rounds = 0;

	(void)state;
	fill(a, len, 5);
	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41012);
	c->rcv_cap = 8192;
	c->auto_read = false;
	ep_write(c, "GET", 3);
	ep_fin(c);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	assert_true(s->got_fin);
	ep_write(s, a, len);
	ep_fin(s);
	px_run(x);
	assert_true(s->fin_sent);
	assert_int_equal(c->rx_len, 8192 - 8192 % MSS);
	/* the client acked what it took before the backend's last segment
	 * and FIN came: all but that and the send buffer's worth spilled */
	assert_int_equal(px_stat(x, "spill_bytes"), len - c->rx_len - 16384);
	assert_false(c->got_fin);
	while (!c->got_fin) {
		ep_read(c);
		px_run(x);
		assert_true(++rounds < 100);
	}
	assert_int_equal(c->rx_len, len);
	assert_memory_equal(c->rx, a, len);
	assert_int_equal(c->fin_at, len);
	assert_int_equal(px_stat(x, "be0_rx_bytes"), len);
	assert_false(c->got_rst || s->got_rst);
	free(a);
	px_free(x);
}

/* The same the other way: the client's bytes and FIN after ours, to a
 * backend that does not read. */
static void
test_spill_client_fin_to_slow_backend(void **state)
{
	const size_t len = 40000;
	struct px *x = px_new(BE1 ",pool=64", small_bufs);
	uint8_t *a = malloc(len);
	struct ep *c, *s;
	struct srv *sv;
	unsigned int rounds = 0;

	(void)state;
	fill(a, len, 6);
	sv = srv_add(x, 9001, SRV_ACCEPT);
	sv->rcv_cap = 8192;
	sv->auto_read = false;
	c = ep_connect(x, 41013);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	ep_write(s, "bye", 3);
	ep_fin(s);
	px_run(x);
	assert_true(c->got_fin);
	ep_write(c, a, len);
	ep_fin(c);
	px_run(x);
	assert_true(c->fin_sent);
	assert_int_equal(s->rx_len, 8192 - 8192 % MSS);
	/* the client's last segment and FIN came before the backend acked
	 * anything: all but the send buffer's worth was spilled */
	assert_int_equal(px_stat(x, "spill_bytes"), len - 16384);
	while (!s->got_fin) {
		ep_read(s);
		px_run(x);
		assert_true(++rounds < 100);
	}
	assert_int_equal(s->rx_len, len);
	assert_memory_equal(s->rx, a, len);
	assert_int_equal(s->fin_at, len);
	assert_false(c->got_rst || s->got_rst);
	free(a);
	px_free(x);
}

/* ---- backends: choice, failures, backoff --------------------------------- */

/* Open a client, pump, and tell which backend port it reached (0: none,
 * reset). The connection stays open. */
static uint16_t
client_lands(struct px *x, uint16_t sport, struct ep **cp)
{
	struct ep *c = ep_connect(x, sport), *e;
	unsigned int i;

	px_pump(x);
	if (cp != NULL)
		*cp = c;
	if (c->got_rst)
		return 0;
	assert_true(c->established);
	/* the backend endpoint is the one this client's bytes reach */
	ep_write(c, &sport, sizeof(sport));
	px_pump(x);
	for (i = 0; i < EP_MAX; i++) {
		e = &x->ep[i];
		if (e->used && e->backend && e->rx_len == sizeof(sport) &&
		    memcmp(e->rx, &sport, sizeof(sport)) == 0)
			return e->lport;
	}
	return 0;
}

static void
reset_all_clients(struct px *x)
{
	unsigned int i;

	for (i = 0; i < EP_MAX; i++)
		if (x->ep[i].used && !x->ep[i].backend && !x->ep[i].got_rst &&
		    x->ep[i].established)
			ep_reset(x, &x->ep[i]);
	px_pump(x);
}

static void
test_round_robin(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ",pool=64", NULL);

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	srv_add(x, 9002, SRV_ACCEPT);
	assert_int_equal(client_lands(x, 42000, NULL), 9001);
	assert_int_equal(client_lands(x, 42001, NULL), 9002);
	assert_int_equal(client_lands(x, 42002, NULL), 9001);
	assert_int_equal(client_lands(x, 42003, NULL), 9002);
	assert_int_equal(px_stat(x, "be0_active"), 2);
	assert_int_equal(px_stat(x, "be1_active"), 2);
	reset_all_clients(x);
	px_free(x);
}

/* leastconn goes where fewest connections are open; rr would not. */
static void
test_leastconn(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ";lb=leastconn;pool=64", NULL);
	struct ep *b;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	srv_add(x, 9002, SRV_ACCEPT);
	assert_int_equal(client_lands(x, 42010, NULL), 9001);
	assert_int_equal(client_lands(x, 42011, &b), 9002);
	ep_reset(x, b);
	px_pump(x);
	assert_int_equal(px_stat(x, "be1_active"), 0);
	/* be0 has one, be1 none: be1 (round robin would pick be0) */
	assert_int_equal(client_lands(x, 42012, NULL), 9002);
	assert_int_equal(client_lands(x, 42013, NULL), 9001);
	assert_int_equal(px_stat(x, "be0_active"), 2);
	assert_int_equal(px_stat(x, "be1_active"), 1);
	reset_all_clients(x);
	px_free(x);
}

/*
 * be0 refuses: the client goes on to be1 without noticing; be0 is skipped
 * for 1 s, tried again (refused: 2 s), skipped, tried again once its
 * backoff ran out; when it accepts again it is back in turn.
 */
static void
test_refused_backoff_and_recovery(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ",pool=64", NULL);
	struct srv *s0;
	struct ep *c, *e;

	(void)state;
	s0 = srv_add(x, 9001, SRV_REFUSE);
	srv_add(x, 9002, SRV_ACCEPT);
	/* client bytes sent before the failover are not lost */
	c = ep_connect(x, 43000);
	ep_write(c, "early bytes", 11);
	px_pump(x);
	assert_int_equal(s0->syns, 1);
	e = backend_ep(x, 9002, 0);
	assert_non_null(e);
	assert_int_equal(e->rx_len, 11);
	assert_memory_equal(e->rx, "early bytes", 11);
	assert_int_equal(px_stat(x, "be0_conns"), 1);
	assert_int_equal(px_stat(x, "be0_fails"), 1);
	assert_int_equal(px_stat(x, "retries"), 1);
	assert_int_equal(px_stat(x, "no_backend"), 0);
	/* down: skipped */
	assert_int_equal(client_lands(x, 43001, NULL), 9002);
	assert_int_equal(client_lands(x, 43002, NULL), 9002);
	assert_int_equal(s0->syns, 1);
	tt_advance(x->t, PTG_TEST_MS(990));
	assert_int_equal(client_lands(x, 43003, NULL), 9002);
	assert_int_equal(s0->syns, 1);
	/* 1 s on: tried, refused again: 2 s now */
	tt_advance(x->t, PTG_TEST_MS(20));
	assert_int_equal(client_lands(x, 43004, NULL), 9002);
	assert_int_equal(s0->syns, 2);
	tt_advance(x->t, PTG_TEST_MS(1980));
	assert_int_equal(client_lands(x, 43005, NULL), 9002);
	assert_int_equal(s0->syns, 2);
	tt_advance(x->t, PTG_TEST_MS(30));
	assert_int_equal(client_lands(x, 43006, NULL), 9002);
	assert_int_equal(s0->syns, 3);
	assert_int_equal(px_stat(x, "be0_fails"), 3);
	/* 4 s now; the backend comes back; once tried it is up again */
	s0->mode = SRV_ACCEPT;
	tt_advance(x->t, PTG_TEST_MS(4010));
	assert_int_equal(client_lands(x, 43007, NULL), 9001);
	assert_int_equal(s0->syns, 4);
	assert_int_equal(client_lands(x, 43008, NULL), 9002);
	assert_int_equal(client_lands(x, 43009, NULL), 9001);
	assert_int_equal(px_stat(x, "be0_conns"), 5);
	assert_int_equal(px_stat(x, "be0_fails"), 3);
	assert_int_equal(px_stat(x, "be1_conns"), 8);
	assert_int_equal(px_stat(x, "retries"), 3);
	assert_int_equal(px_stat(x, "clients"), 10);
	reset_all_clients(x);
	px_free(x);
}

/* Every backend refuses: the client gets a RST. */
static void
test_all_refused_client_reset(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ",pool=64", NULL);
	struct ep *c;

	(void)state;
	srv_add(x, 9001, SRV_REFUSE);
	srv_add(x, 9002, SRV_REFUSE);
	assert_int_equal(client_lands(x, 43100, &c), 0);
	assert_true(c->got_rst);
	assert_int_equal(x->srv[0].syns, 1);
	assert_int_equal(x->srv[1].syns, 1);
	assert_int_equal(px_stat(x, "no_backend"), 1);
	assert_int_equal(px_stat(x, "be0_fails"), 1);
	assert_int_equal(px_stat(x, "be1_fails"), 1);
	/* both down now: the next client is reset at once, no SYN */
	assert_int_equal(client_lands(x, 43101, &c), 0);
	assert_true(c->got_rst);
	assert_int_equal(x->srv[0].syns, 1);
	assert_int_equal(x->srv[1].syns, 1);
	assert_int_equal(px_stat(x, "no_backend"), 2);
	assert_int_equal(px_stat(x, "clients"), 2);
	px_free(x);
}

/* A silent backend: given up after connect_timeout, then the next. */
static void
test_connect_timeout_next_backend(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ",connect_timeout=500,pool=64",
			      NULL);
	struct ep *c, *e;

	(void)state;
	srv_add(x, 9001, SRV_SILENT);
	srv_add(x, 9002, SRV_ACCEPT);
	c = ep_connect(x, 43200);
	ep_write(c, "hello", 5);
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 1);
	tt_advance(x->t, PTG_TEST_MS(495));
	px_pump(x);
	assert_int_equal(x->srv[1].syns, 0);
	assert_int_equal(px_stat(x, "be0_fails"), 0);
	tt_advance(x->t, PTG_TEST_MS(10));
	px_pump(x);
	assert_int_equal(x->srv[1].syns, 1);
	assert_int_equal(px_stat(x, "be0_fails"), 1);
	assert_int_equal(px_stat(x, "be0_active"), 0);
	assert_int_equal(px_stat(x, "retries"), 1);
	e = backend_ep(x, 9002, 0);
	assert_non_null(e);
	assert_int_equal(e->rx_len, 5);
	assert_memory_equal(e->rx, "hello", 5);
	assert_int_equal(x->srv[0].syns, 1); /* no retransmission at 1 s */
	reset_all_clients(x);
	px_free(x);
}

/* The default deadline outlasts two SYN retransmissions (1 s, 3 s). */
static void
test_connect_timeout_default(void **state)
{
	struct px *x = px_new(BE1 "," BE2 ",pool=64", NULL);
	struct ep *c;

	(void)state;
	srv_add(x, 9001, SRV_SILENT);
	srv_add(x, 9002, SRV_ACCEPT);
	c = ep_connect(x, 43210);
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 1);
	tt_advance(x->t, PTG_TEST_MS(1010));
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 2);
	tt_advance(x->t, PTG_TEST_MS(2040)); /* 3050 ms: RTO doubled */
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 3);
	tt_advance(x->t, PTG_TEST_MS(1930)); /* 4980 ms */
	px_pump(x);
	assert_int_equal(x->srv[1].syns, 0);
	assert_int_equal(px_stat(x, "be0_fails"), 0);
	tt_advance(x->t, PTG_TEST_MS(30));   /* 5010 ms */
	px_pump(x);
	assert_int_equal(x->srv[0].syns, 3);
	assert_int_equal(x->srv[1].syns, 1);
	assert_int_equal(px_stat(x, "be0_fails"), 1);
	assert_true(c->established && !c->got_rst);
	reset_all_clients(x);
	px_free(x);
}

/* ---- PROXY protocol --------------------------------------------------------- */

static void
proxy_header_case(const char *args, const uint8_t *want, size_t want_len)
{
	struct px *x = px_new(args, NULL);
	struct ep *c, *s;

	srv_add(x, 9001, SRV_ACCEPT);
	c = ep_connect(x, 41000);
	ep_write(c, "hello", 5);
	px_run(x);
	s = backend_ep(x, 9001, 0);
	assert_non_null(s);
	assert_int_equal(s->rx_len, want_len + 5);
	assert_memory_equal(s->rx, want, want_len);
	assert_memory_equal(s->rx + want_len, "hello", 5);
	/* the header is not relayed data */
	assert_int_equal(px_stat(x, "be0_tx_bytes"), 5);
	/* nothing of it goes back to the client */
	ep_write(s, "hi", 2);
	px_run(x);
	assert_int_equal(c->rx_len, 2);
	reset_all_clients(x);
	px_free(x);
}

static void
test_proxy_v1_header(void **state)
{
	static const char want[] =
		"PROXY TCP4 198.18.0.2 198.18.0.1 41000 8081\r\n";

	(void)state;
	proxy_header_case(BE1 ",proxy=v1,pool=64", (const uint8_t *)want,
			  strlen(want));
}

static void
test_proxy_v2_header(void **state)
{
	static const uint8_t want[28] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51,
		0x55, 0x49, 0x54, 0x0a,          /* signature */
		0x21,                            /* v2, PROXY */
		0x11,                            /* TCP over IPv4 */
		0x00, 0x0c,                      /* 12 bytes follow */
		198, 18, 0, 2,                   /* source: the client */
		198, 18, 0, 1,                   /* destination: us */
		0xa0, 0x28,                      /* 41000 */
		0x1f, 0x91,                      /* 8081 */
	};

	(void)state;
	proxy_header_case(BE1 ",proxy=v2,pool=64", want, sizeof(want));
}

static void
test_proxy_header_builder(void **state)
{
	uint8_t buf[PTG_PROXY_HDR_MAX];
	const char *longest =
		"PROXY TCP4 255.255.255.254 255.255.255.253 65535 65534\r\n";
	size_t n;

	(void)state;
	n = ptg_proxy_header(1, PTG_TEST_IP(255, 255, 255, 254), 65535,
			     PTG_TEST_IP(255, 255, 255, 253), 65534, buf);
	assert_int_equal(n, strlen(longest));
	assert_int_equal(n, PTG_PROXY_HDR_MAX);
	assert_memory_equal(buf, longest, n);
	n = ptg_proxy_header(1, PTG_TEST_IP(1, 2, 3, 4), 1,
			     PTG_TEST_IP(10, 0, 0, 1), 80, buf);
	assert_int_equal(n, strlen("PROXY TCP4 1.2.3.4 10.0.0.1 1 80\r\n"));
	assert_memory_equal(buf, "PROXY TCP4 1.2.3.4 10.0.0.1 1 80\r\n", n);
	n = ptg_proxy_header(2, PTG_TEST_IP(1, 2, 3, 4), 0x1234,
			     PTG_TEST_IP(5, 6, 7, 8), 0xabcd, buf);
	assert_int_equal(n, PTG_PROXY_V2_LEN);
	assert_memory_equal(buf + 16,
			    "\x01\x02\x03\x04\x05\x06\x07\x08\x12\x34\xab\xcd",
			    12);
	assert_int_equal(ptg_proxy_header(0, 1, 1, 1, 1, buf), 0);
	assert_int_equal(ptg_proxy_header(3, 1, 1, 1, 1, buf), 0);
}

/* ---- sessions and counters ------------------------------------------------- */

static void
test_pool_empty_resets_client(void **state)
{
	struct px *x = px_new(BE1 ",pool=1", NULL);
	struct ep *c;

	(void)state;
	srv_add(x, 9001, SRV_ACCEPT);
	assert_int_equal(client_lands(x, 44000, NULL), 9001);
	assert_int_equal(ptg_proxy_instance_pool_avail(x->in), 0);
	assert_int_equal(client_lands(x, 44001, &c), 0);
	assert_true(c->got_rst);
	assert_int_equal(x->srv[0].syns, 1);
	assert_int_equal(px_stat(x, "drop_pool_empty"), 1);
	assert_int_equal(px_stat(x, "clients"), 2);
	assert_int_equal(px_stat(x, "active"), 1);
	reset_all_clients(x);
	px_free(x);
}

static void
test_stat_names(void **state)
{
	const char *const *n = ptg_service_proxy.stat_names;
	unsigned int i;

	(void)state;
	for (i = 0; n[i] != NULL; i++)
		;
	/* 8 of the instance, 5 per backend: what telemetry shows whole */
	assert_int_equal(i, 8 + 5 * PTG_PROXY_MAX_BACKENDS);
	assert_string_equal(n[0], "clients");
	assert_string_equal(n[1], "active");
	assert_string_equal(n[7], "spill_bytes");
	assert_string_equal(n[8], "be0_conns");
	assert_string_equal(n[9], "be0_fails");
	assert_string_equal(n[10], "be0_active");
	assert_string_equal(n[11], "be0_tx_bytes");
	assert_string_equal(n[12], "be0_rx_bytes");
	assert_string_equal(n[13], "be1_conns");
	assert_string_equal(n[i - 1], "be7_rx_bytes");
	assert_ptr_equal(ptg_service_find("proxy"), &ptg_service_proxy);
}

/* ---- ARGS -------------------------------------------------------------------- */

static void
test_args_accepted(void **state)
{
	struct ptg_proxy_config cfg;
	char err[160];

	(void)state;
	assert_int_equal(ptg_proxy_parse_args("198.18.1.1:80", &cfg, err,
					      sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg.nb_backends, 1);
	assert_true(cfg.be[0].addr == PTG_TEST_IP(198, 18, 1, 1));
	assert_int_equal(cfg.be[0].port, 80);
	assert_int_equal(cfg.lb, PTG_PROXY_LB_RR);
	assert_int_equal(cfg.proxy_version, 0);
	assert_int_equal(cfg.connect_timeout_ms, 5000);
	assert_int_equal(cfg.backoff_ms, 1000);
	assert_int_equal(cfg.backoff_max_ms, 30000);
	assert_int_equal(cfg.pool, 8191);
	assert_int_equal(ptg_proxy_parse_args(
		"198.18.1.1:80,198.18.1.2:8080;lb=leastconn;proxy=v2,"
		"connect_timeout=250,backoff=100,backoff_max=800,pool=16",
		&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nb_backends, 2);
	assert_true(cfg.be[1].addr == PTG_TEST_IP(198, 18, 1, 2));
	assert_int_equal(cfg.be[1].port, 8080);
	assert_int_equal(cfg.lb, PTG_PROXY_LB_LEASTCONN);
	assert_int_equal(cfg.proxy_version, 2);
	assert_int_equal(cfg.connect_timeout_ms, 250);
	assert_int_equal(cfg.backoff_ms, 100);
	assert_int_equal(cfg.backoff_max_ms, 800);
	assert_int_equal(cfg.pool, 16);
	/* options anywhere; a backoff above the default maximum raises it */
	assert_int_equal(ptg_proxy_parse_args("backoff=60000,lb=rr,"
		"10.0.0.1:1,proxy=v1,10.0.0.2:65535,10.0.0.3:1,10.0.0.4:1,"
		"10.0.0.5:1,10.0.0.6:1,10.0.0.7:1,10.0.0.8:1", &cfg,
		err, sizeof(err)), 0);
	assert_int_equal(cfg.nb_backends, 8);
	assert_int_equal(cfg.backoff_max_ms, 60000);
	assert_int_equal(cfg.proxy_version, 1);
	/* bound through the table, the spec's colons included */
	assert_int_equal(ptg_service_bind_spec(
		"8081:proxy:198.18.1.1:80,198.18.1.2:80;lb=leastconn"), 0);
	assert_string_equal(ptg_service_bind_error(), "");
	assert_ptr_equal(ptg_service_binding(8081)->ops, &ptg_service_proxy);
	assert_string_equal(ptg_service_binding(8081)->args,
			    "198.18.1.1:80,198.18.1.2:80;lb=leastconn");
	ptg_service_unbind_all();
}

/* Each refused ARGS, with the message the app prints. */
static void
test_args_refused(void **state)
{
	static const struct {
		const char *args, *msg;
	} bad[] = {
		{ NULL, "proxy: no backend (ARGS: IPV4:PORT[,IPV4:PORT...]"
			"[,KEY=VALUE...])" },
		{ "lb=rr", "proxy: no backend in 'lb=rr'" },
		{ "198.18.1.1", "proxy: '198.18.1.1' is not a backend "
			"IPV4:PORT nor an option KEY=VALUE" },
		{ "198.18.1:80", "proxy: '198.18.1:80' is not a backend "
			"IPV4:PORT nor an option KEY=VALUE" },
		{ "198.18.1.256:80", "proxy: '198.18.1.256:80' is not a "
			"backend IPV4:PORT nor an option KEY=VALUE" },
		{ "198.18.01.1:80", "proxy: '198.18.01.1:80' is not a backend "
			"IPV4:PORT nor an option KEY=VALUE" },
		{ "host.example:80", "proxy: 'host.example:80' is not a "
			"backend IPV4:PORT nor an option KEY=VALUE" },
		{ "198.18.1.1:0", "proxy: backend '198.18.1.1:0': port not "
			"in 1..65535" },
		{ "198.18.1.1:65536", "proxy: backend '198.18.1.1:65536': "
			"port not in 1..65535" },
		{ "198.18.1.1:", "proxy: backend '198.18.1.1:': port not in "
			"1..65535" },
		{ "198.18.1.1:+80", "proxy: backend '198.18.1.1:+80': port "
			"not in 1..65535" },
		{ "0.0.0.0:80", "proxy: backend '0.0.0.0:80': not a unicast "
			"address of another host" },
		{ "224.0.0.1:80", "proxy: backend '224.0.0.1:80': not a "
			"unicast address of another host" },
		{ "127.0.0.1:80", "proxy: backend '127.0.0.1:80': not a "
			"unicast address of another host" },
		{ "255.255.255.255:80", "proxy: backend '255.255.255.255:80': "
			"not a unicast address of another host" },
		{ "198.18.1.1:80,198.18.1.1:80", "proxy: backend "
			"'198.18.1.1:80' given twice" },
		{ "1.0.0.1:1,1.0.0.2:1,1.0.0.3:1,1.0.0.4:1,1.0.0.5:1,"
		  "1.0.0.6:1,1.0.0.7:1,1.0.0.8:1,1.0.0.9:1",
		  "proxy: more than 8 backends" },
		{ "198.18.1.1:80,", "proxy: empty item in '198.18.1.1:80,'" },
		{ ";198.18.1.1:80", "proxy: empty item in ';198.18.1.1:80'" },
		{ "198.18.1.1:80,,lb=rr", "proxy: empty item in "
			"'198.18.1.1:80,,lb=rr'" },
		{ "198.18.1.1:80,lb=random", "proxy: 'lb=random': lb is rr "
			"or leastconn" },
		{ "198.18.1.1:80,lb=", "proxy: 'lb=': lb is rr or leastconn" },
		{ "198.18.1.1:80,proxy=v3", "proxy: 'proxy=v3': proxy is v1, "
			"v2 or off" },
		{ "198.18.1.1:80,connect_timeout=0", "proxy: "
			"'connect_timeout=0': connect_timeout is 1..3600000 "
			"(ms)" },
		{ "198.18.1.1:80,connect_timeout=3600001", "proxy: "
			"'connect_timeout=3600001': connect_timeout is "
			"1..3600000 (ms)" },
		{ "198.18.1.1:80,connect_timeout=1s", "proxy: "
			"'connect_timeout=1s': connect_timeout is 1..3600000 "
			"(ms)" },
		{ "198.18.1.1:80,backoff=-1", "proxy: 'backoff=-1': backoff "
			"is 1..3600000 (ms)" },
		{ "198.18.1.1:80,backoff_max=0", "proxy: 'backoff_max=0': "
			"backoff_max is 1..3600000 (ms)" },
		{ "198.18.1.1:80,backoff=500,backoff_max=100", "proxy: "
			"backoff_max is below backoff in "
			"'198.18.1.1:80,backoff=500,backoff_max=100'" },
		{ "198.18.1.1:80,pool=0", "proxy: 'pool=0': pool is "
			"1..4194304" },
		{ "198.18.1.1:80,pool=4194305", "proxy: 'pool=4194305': pool "
			"is 1..4194304" },
		{ "198.18.1.1:80,lb=rr,lb=leastconn", "proxy: 'lb=leastconn': "
			"option given twice" },
		{ "198.18.1.1:80,timeout=5", "proxy: unknown option "
			"'timeout=5' (lb, proxy, connect_timeout, backoff, "
			"backoff_max, pool)" },
		{ "198.18.1.1:80,=5", "proxy: unknown option '=5' (lb, proxy, "
			"connect_timeout, backoff, backoff_max, pool)" },
	};
	struct ptg_proxy_config cfg;
	char err[160];
	void *in = (void *)0x1;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		print_message("  %s\n", bad[i].args ? bad[i].args : "(none)");
		assert_int_equal(ptg_proxy_parse_args(bad[i].args, &cfg, err,
						      sizeof(err)), -EINVAL);
		assert_string_equal(err, bad[i].msg);
		/* the same through the table, nothing bound */
		assert_int_equal(ptg_service_bind(8081, "proxy", bad[i].args),
				 -EINVAL);
		assert_string_equal(ptg_service_bind_error(), bad[i].msg);
		assert_null(ptg_service_binding(8081)->ops);
		/* and refused by init, nothing made */
		assert_int_equal(ptg_service_proxy.init(&in, bad[i].args),
				 -EINVAL);
		assert_ptr_equal(in, (void *)0x1);
	}
	/* the error does not stick to the next bind */
	assert_int_equal(ptg_service_bind(7, "echo", NULL), 0);
	assert_string_equal(ptg_service_bind_error(), "");
	ptg_service_unbind_all();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_both_ways),
		cmocka_unit_test(test_half_close_client_first),
		cmocka_unit_test(test_half_close_backend_first),
		cmocka_unit_test(test_client_reset_resets_backend),
		cmocka_unit_test(test_client_reset_idle_resets_backend),
		cmocka_unit_test(test_backend_reset_resets_client),
		cmocka_unit_test(test_client_reset_while_connecting),
		cmocka_unit_test(test_flow_control_slow_backend),
		cmocka_unit_test(test_flow_control_slow_client),
		cmocka_unit_test(test_spill_backend_fin_to_slow_client),
		cmocka_unit_test(test_spill_client_fin_to_slow_backend),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_leastconn),
		cmocka_unit_test(test_refused_backoff_and_recovery),
		cmocka_unit_test(test_all_refused_client_reset),
		cmocka_unit_test(test_connect_timeout_next_backend),
		cmocka_unit_test(test_connect_timeout_default),
		cmocka_unit_test(test_proxy_v1_header),
		cmocka_unit_test(test_proxy_v2_header),
		cmocka_unit_test(test_proxy_header_builder),
		cmocka_unit_test(test_pool_empty_resets_client),
		cmocka_unit_test(test_stat_names),
		cmocka_unit_test(test_args_accepted),
		cmocka_unit_test(test_args_refused),
	};

	return cmocka_run_group_tests_name("svc_proxy", tests,
					   ptg_test_group_setup, NULL);
}
