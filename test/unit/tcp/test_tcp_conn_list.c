/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests what tools read of an engine's connections: ptg_tcp_conn_foreach()
 * (tcp_conn.c) visits every connection in the table once, SYN-RECEIVED
 * and TIME-WAIT included, and stops when the callback says so;
 * ptg_tcp_conn_next() walks them in the same order; the timer
 * fields of ptg_conn_info() (tcp_usr.c) show the SYN-ACK retransmission,
 * the delayed ACK, the RTO with its backoff, and TIME-WAIT.
 */
#include <errno.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define MS 1000000ull

struct seen {
	unsigned int n, stop_after;
	unsigned int by_state[PTG_TCPS_NB];
	uint16_t rports[8];
};

static int
collect(void *arg, const struct ptg_conn *c)
{
	struct seen *s = arg;
	rte_be32_t la, ra;
	uint16_t lp, rp;

	ptg_conn_endpoints(c, &la, &lp, &ra, &rp);
	assert_int_equal(lp, TT_PORT);
	if (s->n < RTE_DIM(s->rports))
		s->rports[s->n] = rp;
	s->by_state[ptg_conn_state(c)]++;
	s->n++;
	return s->stop_after != 0 && s->n == s->stop_after ? 7 : 0;
}

/* Find the connection from peer port @p rport. */
struct find {
	uint16_t rport;
	const struct ptg_conn *c;
};

static int
find_cb(void *arg, const struct ptg_conn *c)
{
	struct find *f = arg;
	rte_be32_t la, ra;
	uint16_t lp, rp;

	ptg_conn_endpoints(c, &la, &lp, &ra, &rp);
	if (rp != f->rport)
		return 0;
	f->c = c;
	return 1;
}

static const struct ptg_conn *
find(struct tt *t, uint16_t rport)
{
	struct find f = { .rport = rport };

	ptg_tcp_conn_foreach(t->tcp, find_cb, &f);
	assert_non_null(f.c);
	return f.c;
}

/* Stop the engine and let every connection go (the kit wants an empty
 * table at the end). */
static void
drain(struct tt *t)
{
	ptg_tcp_stop(t->tcp, t->env->now, 1);
	tt_advance(t, 200 * MS);
	tt_advance(t, 200 * MS);
	tt_skip(t);
}

static void
test_foreach_empty(void **state)
{
	struct tt *t = *state;
	struct seen s = { 0 };

	assert_int_equal(ptg_tcp_conn_foreach(t->tcp, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

static void
test_foreach_every_state_once(void **state)
{
	struct tt *t = *state;
	struct seen s = { 0 };

	tt_open(t, 100, NULL);
	/* A second peer port that only sends its SYN: SYN-RECEIVED. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = TT_PEER_PORT + 1, .seq = 500,
					 .flags = SYN });
	tt_skip(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 2);
	assert_int_equal(ptg_tcp_conn_foreach(t->tcp, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.by_state[PTG_TCPS_ESTABLISHED], 1);
	assert_int_equal(s.by_state[PTG_TCPS_SYN_RECEIVED], 1);
	assert_int_not_equal(s.rports[0], s.rports[1]);
	drain(t);
}

static void
test_foreach_stops(void **state)
{
	struct tt *t = *state;
	struct seen s = { .stop_after = 1 };

	tt_open(t, 100, NULL);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = TT_PEER_PORT + 1, .seq = 500,
					 .flags = SYN });
	tt_skip(t);
	assert_int_equal(ptg_tcp_conn_foreach(t->tcp, collect, &s), 7);
	assert_int_equal(s.n, 1);
	drain(t);
}

/* ptg_tcp_conn_next(): the same connections as foreach, in the same
 * order, then -ENOENT (and again -ENOENT). */
static void
test_next_walks_like_foreach(void **state)
{
	struct tt *t = *state;
	struct seen s = { 0 };
	const struct ptg_conn *c;
	uint32_t iter = 0;
	unsigned int n = 0;

	tt_open(t, 100, NULL);
	for (uint16_t p = 1; p <= 3; p++)
		tt_rx(t, &(struct ptg_test_tcp){ .sport = TT_PEER_PORT + p,
						 .seq = 500, .flags = SYN });
	tt_skip(t);
	assert_int_equal(ptg_tcp_conn_foreach(t->tcp, collect, &s), 0);
	assert_int_equal(s.n, 4);
	while (ptg_tcp_conn_next(t->tcp, &iter, &c) == 0) {
		rte_be32_t la, ra;
		uint16_t lp, rp;

		ptg_conn_endpoints(c, &la, &lp, &ra, &rp);
		assert_true(n < 4);
		assert_int_equal(rp, s.rports[n]);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(ptg_tcp_conn_next(t->tcp, &iter, &c), -ENOENT);
	drain(t);
}

static void
test_info_timers(void **state)
{
	struct tt *t = *state;
	struct ptg_conn_info ci;
	struct ptg_test_pkt p;
	uint32_t iss;

	/* SYN-RECEIVED: the SYN-ACK retransmission timer. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = TT_PEER_PORT + 1, .seq = 500,
					 .flags = SYN });
	tt_skip(t);
	ptg_conn_info(find(t, TT_PEER_PORT + 1), &ci);
	assert_int_equal(ci.state, PTG_TCPS_SYN_RECEIVED);
	assert_true(ci.rexmt_left_ns > 0);
	assert_int_equal(ci.delack_left_ns, 0);
	assert_int_equal(ci.persist, 0);

	/* Established and idle: no timer. */
	iss = tt_open(t, 100, NULL);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.rexmt_left_ns, 0);
	assert_int_equal(ci.delack_left_ns, 0);
	assert_int_equal(ci.keep_left_ns, 0);

	/* One small segment from the peer: the delayed ACK (40 ms). */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
					 .flags = ACK | PSH, .len = 10 });
	ptg_conn_info(t->rec.conn, &ci);
	assert_true(ci.delack_left_ns > 0 && ci.delack_left_ns <= 40 * MS);

	/* Data we sent and nobody acknowledges: the RTO, backed off once
	 * after it fired. */
	tt_advance(t, 50 * MS);
	tt_skip(t);
	assert_int_equal(ptg_send(t->rec.conn, "hello", 5), 5);
	tt_advance(t, 1);
	tt_skip(t);
	ptg_conn_info(t->rec.conn, &ci);
	assert_true(ci.rexmt_left_ns > 0);
	assert_int_equal(ci.backoff, 0);
	assert_int_equal(ci.sndq_bytes, 5);
	tt_advance(t, ci.rexmt_left_ns + 2 * MS);
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss + 1);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.backoff, 1);
	assert_true(ci.rexmt_left_ns > 0);
	tt_skip(t);
	drain(t);
}

static void
tweak_short_msl(struct ptg_tcp_config *cfg)
{
	cfg->msl_ns = 500 * MS;
}

static void
test_info_time_wait(void **state)
{
	struct tt *t = tt_new(tweak_short_msl);
	struct ptg_conn_info ci;
	struct ptg_test_pkt p;
	uint32_t iss;

	(void)state;
	iss = tt_open(t, 100, NULL);
	/* We close first: FIN-WAIT-1, the peer ACKs and FINs: TIME-WAIT. */
	assert_int_equal(ptg_close(t->rec.conn), 0);
	tt_advance(t, 1);
	tt_pop(t, &p);
	assert_true(p.tcp_flags & FIN);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 2,
					 .flags = ACK | FIN });
	tt_skip(t);
	ptg_conn_info(find(t, TT_PEER_PORT), &ci);
	assert_int_equal(ci.state, PTG_TCPS_TIME_WAIT);
	assert_true(ci.keep_left_ns > 0 && ci.keep_left_ns <= 1000 * MS);
	assert_int_equal(ci.rexmt_left_ns, 0);
	tt_advance(t, 1100 * MS);
	tt_advance(t, 10 * MS);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_foreach_empty, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_foreach_every_state_once,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_foreach_stops, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_next_walks_like_foreach,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_info_timers, tt_setup,
						tt_teardown),
		cmocka_unit_test(test_info_time_wait),
	};

	return cmocka_run_group_tests_name("tcp_conn_list", tests,
					   ptg_test_group_setup, NULL);
}
