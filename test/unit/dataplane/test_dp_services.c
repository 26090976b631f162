/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Services on workers (lib/dataplane/dataplane.c worker_services() and
 * worker_free()): every bound port gets one instance per worker, made by
 * ops->init with the bound ARGS and finished by ops->fini once the
 * worker's engine is gone; each worker listens on every bound port and
 * hands a connection to its own instance.
 */
#include <string.h>

#include "dp_test.h"

#define PORT_A DT_PORT        /* bound with ARGS "a=1" */
#define PORT_B (DT_PORT + 1)  /* bound without ARGS */
#define PORT_NONE (DT_PORT + 2)

static void
bind_two(void)
{
	assert_int_equal(ptg_service_bind(PORT_B, "dt_echo", NULL), 0);
	assert_int_equal(ptg_service_bind(PORT_A, "dt_echo", "a=1"), 0);
}

/* Instances are made worker by worker, bound ports in increasing order. */
static void
test_services_one_instance_per_worker(void **state)
{
	struct dt *t = *state;
	unsigned int i, j;

	bind_two();
	t->cfg.nb_workers = 2;
	dt_create(t);
	assert_int_equal(dt_svc_init_calls, 4);
	assert_int_equal(dt_svc_inits, 4);
	assert_int_equal(dt_svc_finis, 0);
	for (i = 0; i < 2; i++) {
		struct dp_worker *w = dt_worker(t, i);

		assert_int_equal(w->nb_svcs, 2);
		for (j = 0; j < 2; j++) {
			struct dt_svc *s = dt_svcs[i * 2 + j];

			assert_non_null(s);
			assert_ptr_equal(w->svcs[j].ctx, s);
			assert_ptr_equal(w->svcs[j].ops, &dt_echo);
			assert_int_equal(w->svcs[j].port, j ? PORT_B : PORT_A);
			assert_string_equal(s->args, j ? "" : "a=1");
		}
	}
	ptg_dataplane_free(t->dp);
	t->dp = NULL;
	assert_int_equal(dt_svc_finis, 4);
	for (i = 0; i < 4; i++)
		assert_null(dt_svcs[i]);
}

/* Each worker listens on both ports and only there; a connection goes to
 * the instance of the worker (lcore) whose queue it came in on. */
static void
test_services_listen_on_each_port(void **state)
{
	struct dt *t = *state;
	struct dt_conn c[4] = {
		{ .q = 0, .dport = PORT_A }, { .q = 0, .dport = PORT_B },
		{ .q = 1, .dport = PORT_A }, { .q = 1, .dport = PORT_B },
	};
	const char *data[4] = { "w0a", "w0b!", "w1a..", "w1b..." };
	struct dt_conn none;
	struct ptg_test_pkt p;
	unsigned int i, q;

	bind_two();
	t->cfg.nb_workers = 2;
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	for (i = 0; i < 4; i++) {
		dt_open(t, &c[i], (uint16_t)(40000 + i), 1000 * (i + 1));
		dt_echo_close(t, &c[i], data[i]);
	}
	for (q = 0; q < 2; q++) {
		none = (struct dt_conn){ .q = q, .dport = PORT_NONE,
			.sport = dt_sport_for(t, q, 41000, PORT_NONE) };
		dt_syn(t, &none, 77);
		dt_pop(t, q, &p);
		assert_int_equal(p.tcp_flags, RST | ACK);
		assert_int_equal(p.sport, PORT_NONE);
		assert_int_equal(p.ack, 78);
	}
	dt_stop(t);

	for (i = 0; i < 4; i++) {
		const struct dt_svc *s = dt_svcs[i];

		assert_int_equal(s->accepts, 1);
		assert_int_equal(s->bytes, strlen(data[i]));
		assert_int_equal(s->fins, 1);
		assert_int_equal(s->closes, 1);
		assert_int_equal(s->reasons[PTG_CLOSE_NORMAL], 1);
		assert_int_equal(s->lcore, t->lcores[i / 2]);
	}
	for (q = 0; q < 2; q++) {
		const struct ptg_tcp_stats *ts =
			ptg_tcp_stats(dt_worker(t, q)->tcp);

		assert_int_equal(ts->passive_opens, 2);
		assert_int_equal(ts->rst_no_listener, 1);
	}
}

/* The worker calls every instance's poll hook, on its own lcore, with its
 * clock (never going back), loop after loop; a poll may end a connection
 * of its instance: here a reset the peer sees at once. */
static void
test_services_poll_hook(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 1, .dport = PORT_A };
	uint64_t polls, now, closes;
	unsigned int i;

	bind_two();
	t->cfg.nb_workers = 2;
	dt_create(t);
	assert_int_equal(dt_svcs[0]->polls, 0); /* not before the loop */
	dt_start(t);
	dt_arp_seed(t, 0);
	for (i = 0; i < 4; i++) {
		struct dt_svc *s = dt_svcs[i];

		polls = __atomic_load_n(&s->polls, __ATOMIC_ACQUIRE);
		now = __atomic_load_n(&s->poll_now, __ATOMIC_RELAXED);
		DT_WAIT(__atomic_load_n(&s->polls, __ATOMIC_ACQUIRE) >
			polls + 10, "ten more polls");
		assert_true(__atomic_load_n(&s->poll_now, __ATOMIC_RELAXED) >
			    now);
		assert_int_equal(__atomic_load_n(&s->poll_lcore,
						 __ATOMIC_RELAXED),
				 dt_worker(t, i / 2)->lcore);
	}
	/* worker 1's instance of PORT_A resets its connection from poll */
	dt_open(t, &c, 40000, 77);
	closes = dt_svcs[2]->closes;
	assert_non_null(__atomic_load_n(&dt_svcs[2]->last, __ATOMIC_ACQUIRE));
	__atomic_store_n(&dt_svcs[2]->abort_in_poll, 1, __ATOMIC_RELEASE);
	dt_expect(t, &c, RST | ACK, NULL, 0);
	DT_WAIT(__atomic_load_n(&dt_svcs[2]->last, __ATOMIC_ACQUIRE) == NULL,
		"on_close of the aborted connection");
	assert_int_equal(dt_svcs[2]->closes, closes + 1);
	assert_int_equal(dt_svcs[2]->reasons[PTG_CLOSE_ABORT], 1);
	DT_WAIT(ptg_dataplane_conn_count(t->dp) == 0, "an empty table");
	dt_stop(t);
	for (i = 0; i < 4; i++)
		assert_int_equal(dt_svcs[i]->poll_bad_order, 0);
}

/* sleep the next poll of worker 0's first instance @p ms; wait until the
 * loop after it ran */
static void
stall_worker0(struct dt *t, unsigned int ms)
{
	uint64_t polls = __atomic_load_n(&dt_svcs[0]->polls, __ATOMIC_ACQUIRE);

	(void)t;
	__atomic_store_n(&dt_svcs[0]->sleep_in_poll_ms, ms, __ATOMIC_RELEASE);
	DT_WAIT(__atomic_load_n(&dt_svcs[0]->polls, __ATOMIC_ACQUIRE) >
		polls + 2, "the sleeping poll and the next loop");
}

/* A loop that took 15 ms (a poll hook that sleeps) counts as a stall of
 * 1 ms and of 10 ms; one of 120 ms also of 100 ms. (At least: a loaded
 * machine may preempt the worker on its own as well.) */
static void
test_stall_counted(void **state)
{
	struct dt *t = *state;
	uint64_t s10, s100;

	bind_two();
	t->cfg.idle_sleep_us = 0; /* busy polling: no idle sleep */
	dt_create(t);
	dt_start(t);
	s10 = DT_WSTAT(t, 0, stall_10ms);
	stall_worker0(t, 15);
	assert_true(DT_WSTAT(t, 0, stall_10ms) >= s10 + 1);
	assert_true(DT_WSTAT(t, 0, stall_1ms) >= DT_WSTAT(t, 0, stall_10ms));
	s100 = DT_WSTAT(t, 0, stall_100ms);
	stall_worker0(t, 120);
	assert_true(DT_WSTAT(t, 0, stall_100ms) >= s100 + 1);
	assert_true(DT_WSTAT(t, 0, stall_10ms) >= DT_WSTAT(t, 0, stall_100ms));
	dt_stop(t);
}

/* Nothing bound: no instance, every port closed. */
static void
test_services_none_bound(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .sport = 40000, .dport = PORT_A };
	struct ptg_test_pkt p;

	dt_create(t);
	assert_int_equal(dt_worker(t, 0)->nb_svcs, 0);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_syn(t, &c, 5);
	dt_pop(t, 0, &p);
	assert_int_equal(p.tcp_flags, RST | ACK);
	dt_stop(t);
	assert_int_equal(dt_svc_init_calls, 0);
}

/* A connection still open when the dataplane is freed: the engine goes
 * first and frees it without callbacks, then fini; nothing calls into a
 * finished instance (the sanitizer build would catch it). */
static void
test_services_fini_after_engine(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .dport = PORT_A };

	bind_two();
	t->cfg.linger_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &c, 40000, 9);
	ptg_dataplane_request_stop();
	ptg_dataplane_request_stop();
	assert_int_equal(dt_join(t), 0);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 1);
	assert_int_equal(dt_svcs[0]->closes, 0);
	ptg_dataplane_free(t->dp);
	t->dp = NULL;
	assert_int_equal(dt_svc_finis, 2);
}

/* A flow's segments that the device puts on another worker's queue are
 * handed to the owner: the SYN, the ACK and the data all enter on queue
 * 0, worker 1 owns the flow and answers on its queue 1; worker 0 counts
 * them as steered out, worker 1 as steered in; nothing is reset. */
static void
test_stray_segments_reach_owner(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 1, .dport = PORT_A };
	struct ptg_test_pkt p;

	bind_two();
	t->cfg.nb_workers = 2;
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	c.sport = dt_sport_for(t, 1, 40000, PORT_A);
	c.snd = 500;
	/* In on worker 0's queue ... */
	c.q = 0;
	dt_send(t, &c, SYN, NULL, 0);
	/* ... answered by worker 1 on its own. */
	dt_pop(t, 1, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_int_equal(p.ack, 501);
	assert_int_equal(dt_pending(0), 0);
	c.rcv = p.seq + 1;
	dt_send(t, &c, ACK, NULL, 0);
	dt_send(t, &c, ACK | PSH, "stray", 5);
	c.q = 1;
	dt_expect(t, &c, ACK | PSH, "stray", 5);
	DT_WAIT(dt_worker(t, 0)->stats.steer_out == 3 &&
		dt_worker(t, 1)->stats.steer_in == 3,
		"three segments handed from worker 0 to worker 1");
	dt_stop(t);
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 0)->tcp)->rx_segs, 0);
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 1)->tcp)->passive_opens, 1);
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 0)->tcp)->conn_reset_tx, 0);
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 1)->tcp)->syncookies_bad, 0);
	assert_int_equal(dt_worker(t, 0)->stats.drop_steer_ring_full, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_services_one_instance_per_worker,
			dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_services_listen_on_each_port,
			dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_services_poll_hook,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_stall_counted,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_services_none_bound,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_services_fini_after_engine,
			dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_stray_segments_reach_owner,
			dt_setup, dt_teardown),
	};

	return cmocka_run_group_tests(tests, dt_group_setup,
				      dt_group_teardown);
}
