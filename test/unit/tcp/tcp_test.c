/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP test kit (see tcp_test.h).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "tcp_test.h"

static void
rec_event(struct tt_rec *r, char e)
{
	size_t n = strlen(r->events);

	if (n + 1 < sizeof(r->events) && (n == 0 || r->events[n - 1] != e)) {
		r->events[n] = e;
		r->events[n + 1] = '\0';
	}
}

static int
rec_accept(struct ptg_conn *c)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	rec_event(r, 'A');
	r->conn = c;
	r->accepts++;
	return r->reject;
}

static size_t
rec_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);
	size_t n = len < r->consume_max ? len : r->consume_max;

	if (r->rx_len + n > TT_RX_CAP)
		n = TT_RX_CAP - r->rx_len;
	memcpy(r->rx + r->rx_len, data, n);
	r->rx_len += n;
	rec_event(r, 'D');
	if (r->close_in_data)
		ptg_close(c);
	return n;
}

static void
rec_writable(struct ptg_conn *c)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	r->conn = c;
	r->writables++;
	rec_event(r, 'W');
}

static void
rec_fin(struct ptg_conn *c)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	r->fins++;
	rec_event(r, 'F');
	if (r->close_on_fin)
		ptg_close(c);
}

static void
rec_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	r->closes++;
	r->reason = reason;
	rec_event(r, 'C');
	if (r->conn == c)
		r->conn = NULL;
}

const struct ptg_conn_ops tt_service = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = rec_accept,
	.on_data = rec_data,
	.on_writable = rec_writable,
	.on_fin = rec_fin,
	.on_close = rec_close,
};

struct tt *
tt_new(void (*tweak)(struct ptg_tcp_config *))
{
	return tt_new_net(tweak, NULL);
}

struct tt *
tt_new_net(void (*tweak)(struct ptg_tcp_config *),
	   void (*net_tweak)(struct ptg_net_config *))
{
	struct tt *t = calloc(1, sizeof(*t));
	struct ptg_net_config ncfg;

	assert_non_null(t);
	ptg_tcp_config_default(&t->cfg);
	t->cfg.max_conns = 256;
	if (tweak != NULL)
		tweak(&t->cfg);
	ptg_test_net_config(&ncfg, NULL);
	if (net_tweak != NULL)
		net_tweak(&ncfg);
	t->env = ptg_test_env_new_tcp(&ncfg, &t->cfg);
	assert_non_null(t->env);
	t->tcp = t->env->tcp;
	assert_non_null(t->tcp);
	ptg_test_env_arp_seed(t->env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	t->rec.rx = malloc(TT_RX_CAP);
	assert_non_null(t->rec.rx);
	t->rec.consume_max = SIZE_MAX;
	t->default_win = 65535;
	assert_int_equal(ptg_tcp_listen(t->tcp, TT_PORT, &tt_service, &t->rec, 0), 0);
	return t;
}

void
tt_free(struct tt *t)
{
	if (t == NULL)
		return;
	/* Every test ends with the table empty ... */
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	free(t->rec.rx);
	/* ... and the pool back at its baseline (asserted in here). */
	ptg_test_env_free(t->env);
	free(t);
}

int
tt_setup(void **state)
{
	*state = tt_new(NULL);
	return 0;
}

int
tt_teardown(void **state)
{
	tt_free(*state);
	return 0;
}


void
tt_rx(struct tt *t, const struct ptg_test_tcp *seg)
{
	struct ptg_test_tcp s = *seg;

	if (s.sport == 0)
		s.sport = TT_PEER_PORT;
	if (s.dport == 0)
		s.dport = TT_PORT;
	if (s.win == 0 && !(s.flags & RTE_TCP_RST_FLAG))
		s.win = t->default_win;
	ptg_test_env_rx(t->env, ptg_test_tcp_frame(t->env->mp, NULL, &s));
	ptg_test_env_poll(t->env);
}

void
tt_rx_opts(struct tt *t, struct ptg_test_tcp seg,
	   const struct ptg_test_tcp_opts *o)
{
	uint8_t buf[40];
	int n = ptg_test_tcp_opts_encode(o, buf);

	assert_true(n >= 0);
	seg.opts = buf;
	seg.opts_len = (uint8_t)n;
	tt_rx(t, &seg);
}

void
tt_advance(struct tt *t, uint64_t ns)
{
	ptg_test_env_advance(t->env, ns);
}

unsigned int
tt_pending(const struct tt *t)
{
	/* Frames sent outside an input (ptg_send() ...) sit in the batch. */
	ptg_stack_flush(t->env->stack);
	return t->env->port.n - t->next;
}

void
tt_pop(struct tt *t, struct ptg_test_pkt *p)
{
	assert_true(tt_pending(t) > 0);
	ptg_test_parse_ok(t->env->port.pkts[t->next++], p);
	assert_int_equal(p->ip_proto, IPPROTO_TCP);
}

void
tt_pop_frame(struct tt *t, struct ptg_test_pkt *p)
{
	assert_true(tt_pending(t) > 0);
	ptg_test_parse_ok(t->env->port.pkts[t->next++], p);
}

void
tt_arp_reply(struct tt *t)
{
	ptg_test_env_rx(t->env, ptg_test_arp_reply(t->env->mp,
			&ptg_test_mac_peer, PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	ptg_test_env_poll(t->env);
}

void
tt_none(struct tt *t)
{
	assert_int_equal(tt_pending(t), 0);
}

void
tt_skip(struct tt *t)
{
	ptg_stack_flush(t->env->stack);
	t->next = t->env->port.n;
}

uint32_t
tt_open(struct tt *t, uint32_t peer_isn, const struct ptg_test_tcp_opts *o)
{
	struct ptg_test_tcp_opts def = { .has_mss = 1, .mss = 1460 };
	struct ptg_test_pkt p;
	unsigned int acc = t->rec.accepts;

	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = peer_isn,
					     .flags = RTE_TCP_SYN_FLAG },
		   o ? o : &def);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(p.ack, peer_isn + 1);
	if (o != NULL && o->has_ts) {
		struct ptg_test_tcp_opts a = { .has_ts = 1, .tsval = o->tsval + 1,
					       .tsecr = p.opts.tsval };

		tt_rx_opts(t, (struct ptg_test_tcp){ .seq = peer_isn + 1,
			.ack = p.seq + 1, .flags = RTE_TCP_ACK_FLAG,
			.win = 65535 }, &a);
	} else {
		tt_rx(t, &(struct ptg_test_tcp){ .seq = peer_isn + 1,
			.ack = p.seq + 1, .flags = RTE_TCP_ACK_FLAG });
	}
	assert_int_equal(t->rec.accepts, acc + 1);
	assert_non_null(t->rec.conn);
	assert_int_equal(ptg_conn_state(t->rec.conn), PTG_TCPS_ESTABLISHED);
	return p.seq;
}
