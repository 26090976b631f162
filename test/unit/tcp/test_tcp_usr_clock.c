/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * User calls of lib/tcp/tcp_usr.c that services lean on for active opens:
 * the engine's clock (ptg_tcp_now) and a connect deadline of their own
 * (ptg_conn_set_connect_timeout), through the tcp test kit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

/* The clock is the latest time an input, poll or connect gave. */
static void
test_now_follows_input_and_poll(void **state)
{
	struct tt *t = *state;
	struct ptg_conn *c;

	tt_advance(t, PTG_TEST_MS(5));
	assert_int_equal(ptg_tcp_now(t->tcp), t->env->now);
	t->env->now += PTG_TEST_MS(3);
	tt_rx(t, &(struct ptg_test_tcp){ .flags = ACK, .seq = 1, .ack = 1 });
	tt_skip(t); /* the RST to a stray ACK */
	assert_int_equal(ptg_tcp_now(t->tcp), t->env->now);
	c = ptg_connect(t->tcp, PTG_TEST_IP_PEER, 9999, 0, &tt_service,
			&t->rec, t->env->now + PTG_TEST_MS(1));
	assert_non_null(c);
	assert_int_equal(ptg_tcp_now(t->tcp), t->env->now + PTG_TEST_MS(1));
	ptg_abort(c);
	tt_skip(t);
}

/* Not established by the deadline: freed, TIMEOUT, counted, no RST; the
 * SYN was retransmitted at the RTO before that. */
static void
test_connect_timeout_fires_at_deadline(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	struct ptg_conn *c;

	c = ptg_connect(t->tcp, PTG_TEST_IP_PEER, 9999, 0, &tt_service,
			&t->rec, t->env->now);
	assert_non_null(c);
	assert_int_equal(ptg_conn_set_connect_timeout(c, PTG_TEST_MS(1500)), 0);
	ptg_stack_flush(t->env->stack);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN);
	tt_advance(t, PTG_TEST_MS(1010));
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN); /* RTO 1 s */
	tt_advance(t, PTG_TEST_MS(480));    /* 1490 ms */
	assert_int_equal(t->rec.closes, 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	tt_advance(t, PTG_TEST_MS(15));     /* 1505 ms (+1 wheel tick) */
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	assert_int_equal(TT_STAT(t, conn_timeout), 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_none(t); /* nothing to reset in SYN-SENT */
}

/* Established in time: the deadline is moot, the connection lives on. */
static void
test_connect_timeout_moot_once_established(void **state)
{
	struct tt *t = *state;
	struct ptg_test_pkt p;
	struct ptg_conn *c;

	c = ptg_connect(t->tcp, PTG_TEST_IP_PEER, 9999, 45010, &tt_service,
			&t->rec, t->env->now);
	assert_int_equal(ptg_conn_set_connect_timeout(c, PTG_TEST_MS(200)), 0);
	ptg_stack_flush(t->env->stack);
	tt_pop(t, &p);
	tt_advance(t, PTG_TEST_MS(100));
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 9999, .dport = 45010,
		.seq = 500, .ack = p.seq + 1, .flags = SYN | ACK });
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_ESTABLISHED);
	tt_skip(t);
	tt_advance(t, PTG_TEST_S(5));
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_ESTABLISHED);
	assert_int_equal(t->rec.closes, 0);
	assert_int_equal(TT_STAT(t, conn_timeout), 0);
	/* too late to ask for one now */
	assert_int_equal(ptg_conn_set_connect_timeout(c, PTG_TEST_MS(1)),
			 -ENOTCONN);
	ptg_abort(c);
	tt_skip(t);
}

/* Only active opens in SYN-SENT take one, and only a non-zero one. */
static void
test_connect_timeout_refused_args(void **state)
{
	struct tt *t = *state;
	struct ptg_conn *c;

	assert_int_equal(ptg_conn_set_connect_timeout(NULL, 1), -ENOTCONN);
	c = ptg_connect(t->tcp, PTG_TEST_IP_PEER, 9999, 0, &tt_service,
			&t->rec, t->env->now);
	assert_int_equal(ptg_conn_set_connect_timeout(c, 0), -EINVAL);
	ptg_abort(c);
	tt_skip(t);
	/* an accepted (passive) connection */
	tt_open(t, 100, NULL);
	assert_int_equal(ptg_conn_set_connect_timeout(t->rec.conn,
						      PTG_TEST_MS(10)),
			 -ENOTCONN);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_now_follows_input_and_poll,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(
			test_connect_timeout_fires_at_deadline, tt_setup,
			tt_teardown),
		cmocka_unit_test_setup_teardown(
			test_connect_timeout_moot_once_established, tt_setup,
			tt_teardown),
		cmocka_unit_test_setup_teardown(
			test_connect_timeout_refused_args, tt_setup,
			tt_teardown),
	};

	return cmocka_run_group_tests_name("tcp_usr", tests,
					   ptg_test_group_setup, NULL);
}
