/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_check.c: the state diagram every tcp_set_state() is held to,
 * and that PTG_ASSERT really stops a debug build on a broken invariant.
 *
 * main() -> cmocka -> test_* -> tcp_state_legal() / tcp_set_state() in a
 *                               child process
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define ST(x) PTG_TCPS_ ## x

/* RFC 9293 3.3.2, Figure 5, as the engine walks it. */
static void
test_state_legal_transitions(void **state)
{
	static const enum ptg_tcp_state ok[][2] = {
		{ ST(CLOSED), ST(SYN_SENT) },          /* active OPEN */
		{ ST(CLOSED), ST(SYN_RECEIVED) },      /* SYN on a listener */
		{ ST(CLOSED), ST(ESTABLISHED) },       /* SYN-cookie ACK */
		{ ST(SYN_SENT), ST(SYN_RECEIVED) },    /* simultaneous open */
		{ ST(SYN_SENT), ST(ESTABLISHED) },
		{ ST(SYN_RECEIVED), ST(ESTABLISHED) },
		{ ST(SYN_RECEIVED), ST(FIN_WAIT_1) },  /* CLOSE */
		{ ST(SYN_RECEIVED), ST(CLOSE_WAIT) },  /* FIN */
		{ ST(ESTABLISHED), ST(FIN_WAIT_1) },
		{ ST(ESTABLISHED), ST(CLOSE_WAIT) },
		{ ST(FIN_WAIT_1), ST(FIN_WAIT_2) },
		{ ST(FIN_WAIT_1), ST(CLOSING) },
		{ ST(FIN_WAIT_1), ST(TIME_WAIT) },
		{ ST(FIN_WAIT_2), ST(TIME_WAIT) },
		{ ST(CLOSE_WAIT), ST(LAST_ACK) },
		{ ST(CLOSING), ST(TIME_WAIT) },
		{ ST(LAST_ACK), ST(CLOSED) },
		{ ST(TIME_WAIT), ST(CLOSED) },
		{ ST(ESTABLISHED), ST(CLOSED) },       /* RST, abort */
	};
	static const enum ptg_tcp_state bad[][2] = {
		{ ST(ESTABLISHED), ST(SYN_SENT) },
		{ ST(ESTABLISHED), ST(SYN_RECEIVED) },
		{ ST(ESTABLISHED), ST(TIME_WAIT) },
		{ ST(CLOSE_WAIT), ST(FIN_WAIT_1) },
		{ ST(LAST_ACK), ST(TIME_WAIT) },
		{ ST(TIME_WAIT), ST(ESTABLISHED) },
		{ ST(FIN_WAIT_2), ST(FIN_WAIT_1) },
		{ ST(CLOSED), ST(FIN_WAIT_2) },
		{ ST(SYN_SENT), ST(CLOSE_WAIT) },
		{ ST(CLOSED), ST(LISTEN) },
	};
	unsigned int i, legal = 0;

	(void)state;
	for (i = 0; i < RTE_DIM(ok); i++) {
		if (!tcp_state_legal(ok[i][0], ok[i][1]))
			fail_msg("%s -> %s refused", ptg_tcp_state_str(ok[i][0]),
				 ptg_tcp_state_str(ok[i][1]));
	}
	for (i = 0; i < RTE_DIM(bad); i++) {
		if (tcp_state_legal(bad[i][0], bad[i][1]))
			fail_msg("%s -> %s allowed", ptg_tcp_state_str(bad[i][0]),
				 ptg_tcp_state_str(bad[i][1]));
	}
	assert_false(tcp_state_legal((enum ptg_tcp_state)PTG_TCPS_NB,
				     ST(CLOSED)));
	/* The whole table: exactly the transitions above (besides staying
	 * put and going to CLOSED, which every state may). */
	for (int f = 0; f < PTG_TCPS_NB; f++)
		for (int t = 0; t < PTG_TCPS_NB; t++)
			if (f != t && t != ST(CLOSED) &&
			    tcp_state_legal((enum ptg_tcp_state)f,
					    (enum ptg_tcp_state)t))
				legal++;
	assert_int_equal(legal, 16);
}

/* In a build without NDEBUG an illegal transition stops the process
 * (rte_panic -> abort); in a release build the check is compiled out. */
static void
test_assert_stops_debug_build(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (!PTG_ASSERTS_ON)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ptg_conn c;

		memset(&c, 0, sizeof(c));
		c.state = PTG_TCPS_TIME_WAIT;
		/* rte_panic prints to stderr: keep the test log readable. */
		close(STDERR_FILENO);
		tcp_set_state(&c, PTG_TCPS_ESTABLISHED);
		_exit(0); /* not reached when the assert works */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* The invariants hold on a live connection through its whole life
 * (each tcp_output() and input checks them in debug builds); here they
 * are called directly on every step as well. */
static void
test_invariants_hold_through_lifecycle(void **state)
{
	struct tt *t = tt_new(NULL);
	struct ptg_test_pkt p;
	uint32_t iss;

	(void)state;
	iss = tt_open(t, 1000, NULL);
	tcp_conn_check(tcp_conn_of(t->rec.conn));
	tcp_table_check(t->tcp);
	assert_int_equal(ptg_send(t->rec.conn, "hello", 5), 5);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);
	tcp_conn_check(tcp_conn_of(t->rec.conn));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1001, .ack = iss + 6,
					  .flags = ACK | FIN });
	assert_int_equal(ptg_conn_state(t->rec.conn), PTG_TCPS_CLOSE_WAIT);
	tcp_conn_check(tcp_conn_of(t->rec.conn));
	assert_int_equal(ptg_close(t->rec.conn), 0);
	tt_skip(t);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1002, .ack = iss + 7,
					  .flags = ACK });
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tcp_table_check(t->tcp);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_legal_transitions),
		cmocka_unit_test(test_assert_stops_debug_build),
		cmocka_unit_test(test_invariants_hold_through_lifecycle),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
