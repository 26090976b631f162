/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Setting workers up and launching them (lib/dataplane/dataplane.c):
 * ptg_dataplane_create()'s refusals, each with its rte_errno and exact
 * message, the unwinding after a worker failed half-way, lcore picking,
 * and ptg_dataplane_run() on an lcore already busy.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>

#include "dp_test.h"

/* Create must fail with @p errno_ and exactly @p msg. */
static void
expect_refused(struct dt *t, const struct ptg_dataplane_config *cfg,
	       int errno_, const char *msg)
{
	memset(t->err, 0, sizeof(t->err));
	rte_errno = 0;
	t->dp = ptg_dataplane_create(cfg, t->err, sizeof(t->err));
	assert_null(t->dp);
	assert_int_equal(rte_errno, errno_);
	assert_string_equal(t->err, msg);
}

static void
test_create_bad_config(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_config cfg;
	char small[8];

	expect_refused(t, NULL, EINVAL, "bad dataplane configuration");
	cfg = t->cfg;
	cfg.nb_workers = 0;
	expect_refused(t, &cfg, EINVAL, "bad dataplane configuration");
	cfg = t->cfg;
	cfg.nb_workers = RTE_MAX_LCORE + 1;
	expect_refused(t, &cfg, EINVAL, "bad dataplane configuration");
	cfg = t->cfg;
	cfg.lcores = NULL;
	expect_refused(t, &cfg, EINVAL, "bad dataplane configuration");
	cfg = t->cfg;
	cfg.mp = NULL;
	expect_refused(t, &cfg, EINVAL, "bad dataplane configuration");
	/* The message is cut to the buffer, or not written at all. */
	assert_null(ptg_dataplane_create(NULL, small, sizeof(small)));
	assert_string_equal(small, "bad dat");
	assert_null(ptg_dataplane_create(NULL, NULL, 0));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_create_clock_not_initialised(void **state)
{
	struct dt *t = *state;
	struct dp_clock saved = dp_clock;

	dp_clock.hz = 0;
	memset(t->err, 0, sizeof(t->err));
	t->dp = ptg_dataplane_create(&t->cfg, t->err, sizeof(t->err));
	dp_clock = saved;
	assert_null(t->dp);
	assert_int_equal(rte_errno, EINVAL);
	assert_string_equal(t->err, "ptg_dataplane_clock_init() not called");
}

static void
test_create_lcore_twice(void **state)
{
	struct dt *t = *state;
	const unsigned int twice[] = { 1, 1 };
	const unsigned int later[] = { 2, 1, 2 };
	struct ptg_dataplane_config cfg = t->cfg;

	cfg.nb_workers = 2;
	cfg.lcores = twice;
	expect_refused(t, &cfg, EINVAL, "lcore 1 given to two workers");
	cfg.nb_workers = 3;
	cfg.lcores = later;
	expect_refused(t, &cfg, EINVAL, "lcore 2 given to two workers");
}

static void
test_create_lcore_not_enabled(void **state)
{
	struct dt *t = *state;
	const unsigned int lcores[] = { 1, 5 };
	struct ptg_dataplane_config cfg = t->cfg;

	cfg.nb_workers = 2;
	cfg.lcores = lcores;
	expect_refused(t, &cfg, EINVAL, "lcore 5 is not enabled in EAL");
}

static void
test_create_unknown_cc(void **state)
{
	struct dt *t = *state;

	t->cfg.nb_workers = 2;
	t->cfg.tcp.cc = "vegas";
	expect_refused(t, &t->cfg, ENOENT,
		       "unknown congestion control 'vegas'");
	/* Known names are taken, the empty one means the default. */
	t->cfg.tcp.cc = "cubic";
	dt_create(t);
	ptg_dataplane_free(t->dp);
	t->cfg.tcp.cc = "";
	dt_create(t);
}

static void
test_create_bad_stack_config(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_config cfg = t->cfg;

	cfg.net.mtu = 10;
	expect_refused(t, &cfg, EINVAL, "worker 0: stack: Invalid argument");
	cfg = t->cfg;
	cfg.tcp.wscale = 15;
	expect_refused(t, &cfg, EINVAL, "worker 0: stack: Invalid argument");
}

static void
test_create_service_bad_args(void **state)
{
	struct dt *t = *state;

	assert_int_equal(ptg_service_bind(DT_PORT, "dt_echo", "bad"), 0);
	expect_refused(t, &t->cfg, EINVAL,
		       "service 7001:dt_echo:bad: bad arguments");
	assert_int_equal(dt_svc_init_calls, 1);
	assert_int_equal(dt_svc_inits, 0);
}

/* Worker 1's first init fails: worker 0's two instances are finished
 * (teardown also checks finis == inits). */
static void
test_create_service_fails_on_second_worker(void **state)
{
	struct dt *t = *state;

	assert_int_equal(ptg_service_bind(DT_PORT, "dt_echo", NULL), 0);
	assert_int_equal(ptg_service_bind(DT_PORT + 1, "dt_echo", "x"), 0);
	t->cfg.nb_workers = 2;
	dt_svc_fail_at = 3;
	dt_svc_fail_rc = -ENOMEM;
	expect_refused(t, &t->cfg, ENOMEM,
		       "service 7001:dt_echo: Cannot allocate memory");
	assert_int_equal(dt_svc_init_calls, 3);
	assert_int_equal(dt_svc_inits, 2);
	assert_int_equal(dt_svc_finis, 2);
	assert_null(dt_svcs[0]);
	assert_null(dt_svcs[1]);
}

/* Outside the contract (-errno): a positive return still fails, as
 * EINVAL, with its own text. */
static void
test_create_service_positive_rc(void **state)
{
	struct dt *t = *state;

	assert_int_equal(ptg_service_bind(DT_PORT + 1, "dt_echo", "x"), 0);
	dt_svc_fail_at = 1;
	dt_svc_fail_rc = EIO;
	expect_refused(t, &t->cfg, EINVAL,
		       "service 7002:dt_echo:x: Input/output error");
}

static void
test_pick_lcores(void **state)
{
	unsigned int lc[4];

	(void)state;
	assert_int_equal(rte_lcore_count(), 3);
	assert_int_equal(rte_get_main_lcore(), 0);
	assert_int_equal(ptg_dataplane_pick_lcores(0, lc, 1), -EINVAL);
	assert_int_equal(ptg_dataplane_pick_lcores(1, NULL, 1), -EINVAL);
	memset(lc, 0xff, sizeof(lc));
	assert_int_equal(ptg_dataplane_pick_lcores(2, lc, 1), 0);
	assert_int_equal(lc[0], 1);
	assert_int_equal(lc[1], 2);
	assert_int_equal(lc[2], UINT32_MAX);
	/* One short: the main lcore works too. */
	assert_int_equal(ptg_dataplane_pick_lcores(3, lc, 1), 0);
	assert_int_equal(lc[0], 1);
	assert_int_equal(lc[1], 2);
	assert_int_equal(lc[2], 0);
	assert_int_equal(ptg_dataplane_pick_lcores(4, lc, 1), -ENOSPC);
	/* Pipeline mode: the main lcore is the I/O lcore, never a worker. */
	assert_int_equal(ptg_dataplane_pick_lcores(3, lc, 0), -ENOSPC);
	assert_int_equal(ptg_dataplane_pick_lcores(2, lc, 0), 0);
}

static void
test_accessors(void **state)
{
	struct dt *t = *state;

	t->cfg.nb_workers = 2;
	t->lcores[0] = 2;
	t->lcores[1] = 1;
	dt_create(t);
	assert_int_equal(ptg_dataplane_nb_workers(t->dp), 2);
	assert_int_equal(ptg_dataplane_worker_lcore(t->dp, 0), 2);
	assert_int_equal(ptg_dataplane_worker_lcore(t->dp, 1), 1);
	assert_int_equal(ptg_dataplane_worker_lcore(t->dp, 2), RTE_MAX_LCORE);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 0);
	/* The dataplane keeps its own copy of the lcores. */
	t->lcores[0] = 0;
	assert_int_equal(ptg_dataplane_worker_lcore(t->dp, 0), 2);
	ptg_dataplane_free(NULL);
}

static int
hold_lcore(void *arg)
{
	while (!__atomic_load_n((unsigned int *)arg, __ATOMIC_ACQUIRE))
		dt_nap();
	return 0;
}

/* Worker 1's lcore is taken: the launched worker 0 is stopped again and
 * the run fails with -EBUSY, without calling ready. */
static void
test_run_lcore_busy(void **state)
{
	struct dt *t = *state;
	unsigned int release = 0;
	struct ptg_test_pkt p;

	t->cfg.nb_workers = 2;
	dt_create(t);
	assert_int_equal(rte_eal_remote_launch(hold_lcore, &release, 2), 0);
	assert_int_equal(ptg_dataplane_run(t->dp, NULL, NULL), -EBUSY);
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	assert_int_equal(rte_eal_wait_lcore(2), 0);
	assert_int_equal(ptg_dataplane_stop_requested(), 1);
	assert_int_equal(dt_worker(t, 1)->stats.loops, 0);
	/* Worker 0 ran (its announcement went out) and left at once. */
	dt_pop(t, 0, &p);
	assert_int_equal(p.ether_type, RTE_ETHER_TYPE_ARP);
	assert_int_equal(dt_worker(t, 0)->stats.stop_forced_conns, 0);
}

/* Worker rings are named after the port: a second dataplane on the same
 * port while the first exists is refused, with the ring's error. */
static void
test_create_second_on_port(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane *first;

	t->cfg.nb_workers = 2;
	dt_create(t);
	first = t->dp;
	expect_refused(t, &t->cfg, EEXIST, "worker 0: in ring: File exists");
	t->dp = first;
}

/* One worker on the main lcore (--workers 1 with -l 0): it runs its loop
 * in the caller of ptg_dataplane_run() (here the kit's runner thread),
 * which calls ready from that loop. */
static void
test_run_main_lcore_is_worker(void **state)
{
	struct dt *t = *state;
	struct dt_conn c = { .q = 0, .sport = 40000, .dport = DT_PORT + 9 };
	struct ptg_test_pkt p;

	t->lcores[0] = rte_get_main_lcore();
	dt_create(t);
	assert_true(dt_worker(t, 0)->is_main);
	dt_start(t);
	/* It serves: a SYN to a closed port gets its RST. */
	dt_arp_seed(t, 0);
	dt_syn(t, &c, 10);
	dt_pop(t, 0, &p);
	assert_int_equal(p.tcp_flags, RST | ACK);
	assert_int_equal(p.ack, 11);
	dt_stop(t);
	assert_int_equal(t->ready_calls, 1);
	assert_true(dt_worker(t, 0)->stats.loops > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_bad_config,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_create_clock_not_initialised,
			dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_lcore_twice,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_lcore_not_enabled,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_unknown_cc,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_bad_stack_config,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_service_bad_args,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_create_service_fails_on_second_worker,
			dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_service_positive_rc,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_pick_lcores,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_accessors,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_run_lcore_busy,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_create_second_on_port,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_run_main_lcore_is_worker,
						dt_setup, dt_teardown),
	};

	return cmocka_run_group_tests(tests, dt_group_setup,
				      dt_group_teardown);
}
