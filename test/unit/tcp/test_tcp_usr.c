/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_usr.c: active opens from the further local addresses of the
 * net (ptg_connect_from()), as a traffic generator uses them to go past
 * 64K connections to one server port.
 *
 * main() -> cmocka -> test_* -> ptg_connect_from() -> SYN out (tt_pop)
 *                            -> tt_rx() SYN-ACK -> ESTABLISHED
 */
#include <errno.h>

#include <rte_errno.h>

#include "tcp_test.h"

#define EXTRA_FIRST PTG_TEST_IP(198, 18, 0, 100)
#define EXTRA_N 4

static void
extra_addrs(struct ptg_net_config *cfg)
{
	cfg->extra_addr = EXTRA_FIRST;
	cfg->nb_extra_addrs = EXTRA_N;
}

static int
setup(void **state)
{
	*state = tt_new_net(NULL, extra_addrs);
	return 0;
}

static int
teardown(void **state)
{
	tt_free(*state);
	return 0;
}

/* Complete the handshake of the SYN just popped (@p syn). */
static void
synack(struct tt *t, const struct ptg_test_pkt *syn, rte_be32_t to)
{
	struct ptg_test_tcp s = { .sport = syn->dport, .dport = syn->sport,
		.seq = 9000, .ack = syn->seq + 1, .flags = SYN | ACK,
		.win = 30000 };
	struct ptg_test_ipv4 ip = { .dst = to };

	ptg_test_env_rx(t->env, ptg_test_tcp_frame(t->env->mp, &ip, &s));
	ptg_test_env_poll(t->env);
}

/* The SYN leaves from the address asked for; the SYN-ACK to it makes the
 * connection, and data to it reaches the connection. */
static void
test_connect_from_extra_addr(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	struct ptg_conn *c;
	rte_be32_t src = PTG_TEST_IP(198, 18, 0, 102), laddr;
	uint16_t lport;

	c = ptg_connect_from(t->tcp, src, PTG_TEST_IP_PEER, 9999, 45000,
			     &tt_service, &t->rec, t->env->now);
	assert_non_null(c);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN);
	assert_true(p.ip_src == src);
	assert_int_equal(p.sport, 45000);
	synack(t, &p, src);
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_ESTABLISHED);
	assert_int_equal(t->rec.writables, 1);
	ptg_conn_endpoints(c, &laddr, &lport, NULL, NULL);
	assert_true(laddr == src);
	assert_int_equal(lport, 45000);
	tt_pop(t, &p); /* the ACK of the handshake, from src */
	assert_true(p.ip_src == src);

	ptg_test_env_rx(t->env, ptg_test_tcp_frame(t->env->mp,
		&(struct ptg_test_ipv4){ .dst = src },
		&(struct ptg_test_tcp){ .sport = 9999, .dport = 45000,
			.seq = 9001, .ack = p.seq, .flags = ACK | PSH,
			.win = 30000, .len = 10 }));
	assert_int_equal(t->rec.rx_len, 10);
	ptg_abort(c);
	tt_skip(t);
}

/* The same source port from two addresses makes two connections; the
 * same tuple twice is refused. src 0 is the net's own address. */
static void
test_connect_from_tuples(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	struct ptg_conn *a, *b, *c;

	a = ptg_connect_from(t->tcp, EXTRA_FIRST, PTG_TEST_IP_PEER, 9999,
			     45000, &tt_service, &t->rec, t->env->now);
	b = ptg_connect_from(t->tcp, PTG_TEST_IP(198, 18, 0, 103),
			     PTG_TEST_IP_PEER, 9999, 45000, &tt_service,
			     &t->rec, t->env->now);
	assert_non_null(a);
	assert_non_null(b);
	rte_errno = 0;
	assert_null(ptg_connect_from(t->tcp, EXTRA_FIRST, PTG_TEST_IP_PEER,
				     9999, 45000, &tt_service, &t->rec,
				     t->env->now));
	assert_int_equal(rte_errno, EADDRINUSE);
	c = ptg_connect_from(t->tcp, 0, PTG_TEST_IP_PEER, 9999, 45000,
			     &tt_service, &t->rec, t->env->now);
	assert_non_null(c);
	tt_pop(t, &p);
	assert_true(p.ip_src == EXTRA_FIRST);
	tt_pop(t, &p);
	assert_true(p.ip_src == PTG_TEST_IP(198, 18, 0, 103));
	tt_pop(t, &p);
	assert_true(p.ip_src == PTG_TEST_IP_LOCAL);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 3);
	ptg_abort(a);
	ptg_abort(b);
	ptg_abort(c);
	tt_skip(t);
}

/* An address that is not ours is refused before anything is sent. */
static void
test_connect_from_not_local(void **state)
{
	struct tt *t = *state;
	const rte_be32_t bad[] = {
		PTG_TEST_IP(198, 18, 0, 99), PTG_TEST_IP(198, 18, 0, 104),
		PTG_TEST_IP_PEER, PTG_TEST_IP(10, 0, 0, 1),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		rte_errno = 0;
		assert_null(ptg_connect_from(t->tcp, bad[i], PTG_TEST_IP_PEER,
					     9999, 0, &tt_service, &t->rec,
					     t->env->now));
		assert_int_equal(rte_errno, EADDRNOTAVAIL);
	}
	tt_none(t);
	assert_int_equal(TT_STAT(t, active_opens), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_from_extra_addr,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_from_tuples,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_from_not_local,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
