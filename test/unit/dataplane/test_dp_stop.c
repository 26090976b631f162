/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The graceful stop of lib/dataplane/worker.c: ptg_dataplane_request_stop()
 * -> the worker's ptg_tcp_stop() (listeners gone, FIN on every connection)
 * -> done when the engine is empty, or RST after the linger, or at once
 * on a second request (stop_forced_conns) -> the last frames pushed out.
 */
#include <string.h>

#include "dp_test.h"

static void
bind_echo(void)
{
	assert_int_equal(ptg_service_bind(DT_PORT, "dt_echo", NULL), 0);
}

/* No connection: the worker leaves on its first look at the request. */
static void
test_stop_idle(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;

	dt_create(t);
	assert_int_equal(ptg_dataplane_stop_requested(), 0);
	dt_start(t);
	dt_stop(t);
	assert_int_equal(ptg_dataplane_stop_requested(), 1);
	assert_int_equal(t->ready_calls, 1);
	assert_int_equal(dt_pending(0), 0);
	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.stop_forced_conns, 0);
	assert_int_equal(tot.worker.tx_calls, 1);  /* the announcement */
	assert_int_equal(tot.worker.tx_pkts, 1);
	assert_int_equal(tot.worker.rx_pkts, 0);
	assert_int_equal(tot.net.arp_tx_gratuitous, 1);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 0);
}

/* FIN to the peer, whose FIN ends the connection and the worker; while
 * stopping, the port listens no more. */
static void
test_stop_graceful(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .dport = DT_PORT };
	struct dt_conn late = { .q = 0, .sport = 40001, .dport = DT_PORT };
	struct ptg_dataplane_totals tot;
	struct ptg_test_pkt p;

	bind_echo();
	t->cfg.linger_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &c, 40000, 1000);
	dt_send(t, &c, ACK | PSH, "hello", 5);
	dt_expect(t, &c, ACK | PSH, "hello", 5);
	dt_send(t, &c, ACK, NULL, 0);

	ptg_dataplane_request_stop();
	dt_expect(t, &c, FIN | ACK, NULL, 0);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 1);
	/* RFC 9293 3.10.7.1: no listener any more, a SYN gets RST,ACK. */
	dt_syn(t, &late, 5000);
	dt_pop(t, 0, &p);
	assert_int_equal(p.tcp_flags, RST | ACK);
	assert_int_equal(p.dport, 40001);
	assert_int_equal(p.seq, 0);
	assert_int_equal(p.ack, 5001);
	assert_int_equal(__atomic_load_n(&t->run_done, __ATOMIC_ACQUIRE), 0);

	/* The peer acknowledges our FIN with its own: done. */
	dt_send(t, &c, FIN | ACK, NULL, 0);
	assert_int_equal(dt_join(t), 0);
	dt_expect(t, &c, ACK, NULL, 0);
	assert_int_equal(dt_pending(0), 0);

	assert_non_null(dt_svcs[0]);
	assert_int_equal(dt_svcs[0]->accepts, 1);
	assert_int_equal(dt_svcs[0]->bytes, 5);
	/* Stopping detached the connection from its service: the peer's
	 * FIN ends it without on_fin, on_close still comes. */
	assert_int_equal(dt_svcs[0]->fins, 0);
	assert_int_equal(dt_svcs[0]->closes, 1);
	assert_int_equal(dt_svcs[0]->reasons[PTG_CLOSE_NORMAL], 1);
	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.stop_forced_conns, 0);
	assert_int_equal(tot.tcp.conn_reset_tx, 1); /* the late SYN's */
	assert_int_equal(tot.tcp.rst_no_listener, 1);
	assert_int_equal(tot.tcp.passive_opens, 1);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 0);
}

/* The peer never answers the FIN: RST once the linger ran out. */
static void
test_stop_linger_expires(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .dport = DT_PORT };
	struct ptg_dataplane_totals tot;
	uint64_t asked;

	bind_echo();
	t->cfg.linger_ns = PTG_TEST_MS(50);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &c, 40000, 7);

	asked = dt_now();
	ptg_dataplane_request_stop();
	dt_expect(t, &c, FIN | ACK, NULL, 0);
	assert_int_equal(dt_join(t), 0);
	assert_true(dt_now() - asked >= PTG_TEST_MS(50));
	/* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST,ACK>, after the FIN. */
	dt_expect(t, &c, RST | ACK, NULL, 0);
	assert_int_equal(dt_pending(0), 0);

	assert_int_equal(dt_svcs[0]->closes, 1);
	assert_int_equal(dt_svcs[0]->reasons[PTG_CLOSE_SHUTDOWN], 1);
	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.tcp.conn_reset_tx, 1);
	assert_int_equal(tot.worker.stop_forced_conns, 0);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 0);
}

/* A second request ends the worker at once: what is left is counted and
 * freed with the dataplane, without callbacks. */
static void
test_stop_second_request_forces(void **state)
{
	struct dt *t = *state;
	struct dt_conn c[2] = {
		{ .q = 0, .dport = DT_PORT }, { .q = 0, .dport = DT_PORT },
	};
	struct ptg_dataplane_totals tot;
	struct ptg_test_pkt p;
	unsigned int i, k;

	bind_echo();
	t->cfg.linger_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &c[0], 40000, 1);
	dt_open(t, &c[1], 40001, 2);

	ptg_dataplane_request_stop();
	/* A FIN on each, in the engine's table order. */
	for (i = 0; i < 2; i++) {
		dt_pop(t, 0, &p);
		k = p.dport == 40001;
		assert_int_equal(p.dport, c[k].sport);
		assert_int_equal(p.tcp_flags, FIN | ACK);
		assert_int_equal(p.seq, c[k].rcv);
		assert_int_equal(p.ack, c[k].snd);
		c[k].rcv++;
	}
	ptg_dataplane_request_stop();
	assert_int_equal(dt_join(t), 0);
	assert_int_equal(ptg_dataplane_stop_requested(), 2);
	assert_int_equal(dt_pending(0), 0);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.stop_forced_conns, 2);
	assert_int_equal(tot.tcp.conn_reset_tx, 0);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 2);
	assert_int_equal(dt_svcs[0]->closes, 0);
}

/* Two requests between two polls: the worker stops in the very loop that
 * saw them, so the RST (half-open connection) and the FIN (established)
 * ptg_tcp_stop() queued leave only through the flush after the loop (no
 * drain deadline can pass: 60 s). */
static void
test_stop_pushes_out_last_frames(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .dport = DT_PORT };
	struct dt_conn half = { .q = 0, .sport = 40001, .dport = DT_PORT };
	struct ptg_dataplane_totals tot;
	struct ptg_test_pkt p;
	uint64_t calls;

	bind_echo();
	t->cfg.linger_ns = PTG_TEST_S(60);
	t->cfg.tx_drain_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &c, 40000, 100);
	dt_syn(t, &half, 900);
	dt_pop(t, 0, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	half.rcv = p.seq + 1;
	/* Frames leave in the order they were read, so the handshake's ACK
	 * was taken too; wait for the worker to count the last TX call
	 * (announcement, two SYN-ACKs). */
	DT_WAIT(DT_WSTAT(t, 0, tx_calls) == 3, "the SYN-ACK to be counted");
	calls = DT_WSTAT(t, 0, tx_calls);

	__atomic_fetch_add(&dp_stop_requests, 2, __ATOMIC_RELAXED);
	assert_int_equal(dt_join(t), 0);
	/* Listeners first (their SYN queue reset), then the connections. */
	dt_expect(t, &half, RST | ACK, NULL, 0);
	dt_expect(t, &c, FIN | ACK, NULL, 0);
	assert_int_equal(dt_pending(0), 0);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.tx_calls, calls + 1);
	assert_int_equal(tot.worker.stop_forced_conns, 1);
	assert_int_equal(tot.tcp.conn_reset_tx, 1);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stop_idle,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_stop_graceful,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_stop_linger_expires,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_stop_second_request_forces,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_stop_pushes_out_last_frames,
			dt_setup, dt_teardown),
	};

	return cmocka_run_group_tests(tests, dt_group_setup,
				      dt_group_teardown);
}
