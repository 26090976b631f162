/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of lib/dataplane/dataplane.c: ptg_dataplane_totals() sums every
 * worker's net, tcp and loop counters (read through each worker's stack
 * object) and each service port's own counters, reads the port's;
 * ptg_dataplane_totals_foreach() and _drops() walk the result. The ARP
 * fan-out of worker.c shows in the worker counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_test.h"

static void
add_stats(uint64_t *sum, const uint64_t *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sum[i] += v[i];
}

/* Worker 0: one connection (5 bytes), one junk frame; worker 1: two
 * connections (7 bytes each), two junk frames. */
static void
test_totals_sum_workers(void **state)
{
	struct dt *t = *state;
	struct dt_conn a = { .q = 0, .dport = DT_PORT };
	struct dt_conn b = { .q = 1, .dport = DT_PORT };
	struct dt_conn c = { .q = 1, .dport = DT_PORT };
	struct ptg_dataplane_totals tot;
	struct ptg_net_stats net;
	struct ptg_tcp_stats tcp;
	struct ptg_dataplane_stats wk;
	const struct ptg_dataplane_svc_stats *svc;
	unsigned int i;

	assert_int_equal(ptg_service_bind(DT_PORT, "dt_echo", NULL), 0);
	t->cfg.nb_workers = 2;
	dt_create(t);
	dt_start(t);
	assert_int_equal(dt_pending(1), 0); /* one announcement is enough */
	dt_arp_seed(t, 0);
	dt_open(t, &a, 40000, 100);
	dt_echo_close(t, &a, "hello");
	dt_open(t, &b, 40001, 200);
	dt_echo_close(t, &b, "1234567");
	dt_open(t, &c, 40002, 300);
	dt_echo_close(t, &c, "abcdefg");
	dt_rx(t, 0, dt_junk());
	dt_rx(t, 1, dt_junk());
	dt_rx(t, 1, dt_junk());
	DT_WAIT(DT_NSTAT(t, 0, drop_ethertype) == 1 &&
		DT_NSTAT(t, 1, drop_ethertype) == 2, "the junk to be read");
	dt_stop(t);
	assert_int_equal(dt_pending(0), 0);
	assert_int_equal(dt_pending(1), 0);

	/* Every counter is the exact sum of the workers' stack objects. */
	memset(&net, 0, sizeof(net));
	memset(&tcp, 0, sizeof(tcp));
	memset(&wk, 0, sizeof(wk));
	for (i = 0; i < 2; i++) {
		struct ptg_stack *st = dt_worker(t, i)->stack;

		add_stats((uint64_t *)&net,
			  (const uint64_t *)ptg_net_stats(ptg_stack_net(st)),
			  PTG_NET_NB_STATS);
		add_stats((uint64_t *)&tcp,
			  (const uint64_t *)ptg_tcp_stats(ptg_stack_tcp(st)),
			  PTG_TCP_NB_STATS);
		add_stats((uint64_t *)&wk,
			  (const uint64_t *)&dt_worker(t, i)->stats,
			  PTG_DATAPLANE_NB_STATS);
	}
	ptg_dataplane_totals(t->dp, &tot);
	assert_memory_equal(&tot.net, &net, sizeof(net));
	assert_memory_equal(&tot.tcp, &tcp, sizeof(tcp));
	assert_memory_equal(&tot.worker, &wk, sizeof(wk));

	/* Share-nothing: each worker saw only its own queue's connections. */
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 0)->tcp)->passive_opens, 1);
	assert_int_equal(ptg_tcp_stats(dt_worker(t, 1)->tcp)->passive_opens, 2);
	assert_int_equal(dt_worker(t, 0)->stats.rx_pkts, t->injected[0]);
	assert_int_equal(dt_worker(t, 1)->stats.rx_pkts, t->injected[1]);

	/* And the sums are what the wire carried. */
	assert_int_equal(tot.tcp.passive_opens, 3);
	assert_int_equal(tot.tcp.accepted, 3);
	assert_int_equal(tot.tcp.conn_closed, 3);
	assert_int_equal(tot.tcp.conn_reset_tx, 0);
	assert_int_equal(tot.tcp.rx_bytes, 5 + 7 + 7);
	assert_int_equal(tot.tcp.tx_bytes, 5 + 7 + 7);
	assert_int_equal(tot.net.drop_ethertype, 3);
	assert_int_equal(tot.net.arp_rx_reply, 2);  /* one copied */
	assert_int_equal(tot.net.arp_learned, 2);
	assert_int_equal(tot.net.arp_tx_gratuitous, 1);
	assert_int_equal(tot.worker.arp_fwd_tx, 1);
	assert_int_equal(tot.worker.arp_fwd_rx, 1);
	assert_int_equal(dt_worker(t, 0)->stats.arp_fwd_tx, 1);
	assert_int_equal(dt_worker(t, 1)->stats.arp_fwd_rx, 1);
	assert_int_equal(tot.worker.rx_pkts, t->injected[0] + t->injected[1]);
	assert_int_equal(tot.worker.tx_pkts, t->popped[0] + t->popped[1]);
	assert_int_equal(tot.net.tx_frames, t->popped[0] + t->popped[1]);
	assert_int_equal(tot.worker.stop_forced_conns, 0);
	assert_int_equal(tot.port.ipackets, t->injected[0] + t->injected[1]);
	assert_int_equal(tot.port.opackets, t->popped[0] + t->popped[1]);
	assert_int_equal(ptg_dataplane_totals_drops(&tot), 3);
	assert_int_equal(ptg_dataplane_conn_count(t->dp), 0);

	/* The service's counters: one slot for the port, both instances. */
	assert_int_equal(tot.nb_svc, 1);
	svc = &tot.svc[0];
	assert_string_equal(svc->group, "svc_7001_dt_echo");
	assert_int_equal(svc->port, DT_PORT);
	assert_int_equal(svc->nb, 3);
	assert_ptr_equal(svc->names, dt_echo.stat_names);
	assert_int_equal(svc->v[0], 3);          /* accepts */
	assert_int_equal(svc->v[1], 5 + 7 + 7);  /* bytes */
	assert_int_equal(svc->v[2], 3);          /* closes */
	assert_int_equal(svc->v[3], 0);
}

/* Two ports: one slot each, by port order, each the sum of its two
 * instances. */
static void
test_totals_svc_per_port(void **state)
{
	struct dt *t = *state;
	struct dt_conn a = { .q = 1, .dport = DT_PORT + 1 };
	struct dt_conn b = { .q = 0, .dport = DT_PORT };
	struct dt_conn c = { .q = 1, .dport = DT_PORT };
	struct ptg_dataplane_totals tot;

	assert_int_equal(ptg_service_bind(DT_PORT + 1, "dt_echo", NULL), 0);
	assert_int_equal(ptg_service_bind(DT_PORT, "dt_echo", NULL), 0);
	t->cfg.nb_workers = 2;
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	dt_open(t, &a, 40000, 1);
	dt_echo_close(t, &a, "xy");
	dt_open(t, &b, 40001, 2);
	dt_echo_close(t, &b, "abc");
	dt_open(t, &c, 40002, 3);
	dt_echo_close(t, &c, "defg");
	dt_stop(t);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.nb_svc, 2);
	assert_string_equal(tot.svc[0].group, "svc_7001_dt_echo");
	assert_int_equal(tot.svc[0].v[0], 2);
	assert_int_equal(tot.svc[0].v[1], 3 + 4);
	assert_int_equal(tot.svc[0].v[2], 2);
	assert_string_equal(tot.svc[1].group, "svc_7002_dt_echo");
	assert_int_equal(tot.svc[1].v[0], 1);
	assert_int_equal(tot.svc[1].v[1], 2);
	assert_int_equal(tot.svc[1].v[2], 1);
	assert_int_equal(tot.tcp.rx_bytes, 2 + 3 + 4);
}

/* ---- a service with more counters than the totals carry ----------------- */

#define WIDE_NB (PTG_DATAPLANE_SVC_MAX_STATS + 2)
#define WIDE_PORT 7010

static char wide_bufs[WIDE_NB][8];
static const char *wide_names[WIDE_NB + 1];
static unsigned int wide_stats_calls;
static int wide_ctx;

static int
wide_init(void **ctx, const char *args)
{
	(void)args;
	*ctx = &wide_ctx;
	return 0;
}

static size_t
wide_data(struct ptg_conn *c, const void *data, size_t len)
{
	(void)c;
	(void)data;
	return len;
}

static void
wide_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	(void)c;
	(void)reason;
}

/* As the contract says: one value per name, all WIDE_NB of them. */
static void
wide_stats(const void *ctx, uint64_t *values)
{
	unsigned int i;

	(void)ctx;
	wide_stats_calls++;
	for (i = 0; i < WIDE_NB; i++)
		values[i] = i + 1;
}

static const struct ptg_service_ops wide = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "dt_wide",
	.init = wide_init,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_data = wide_data,
		.on_close = wide_close,
	},
	.stat_names = wide_names,
	.stats = wide_stats,
};

/* The first PTG_DATAPLANE_SVC_MAX_STATS counters are carried; ops->stats
 * still gets room for all it writes (the sanitizer build sees overflows). */
static void
test_totals_svc_more_counters_than_carried(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals *tot = malloc(sizeof(*tot));
	unsigned int i;
	int rc;

	assert_non_null(tot);
	for (i = 0; i < WIDE_NB; i++) {
		snprintf(wide_bufs[i], sizeof(wide_bufs[i]), "c%u", i);
		wide_names[i] = wide_bufs[i];
	}
	wide_names[WIDE_NB] = NULL;
	rc = ptg_service_register(&wide);
	assert_true(rc == 0 || rc == -EEXIST);
	assert_int_equal(ptg_service_bind(WIDE_PORT, "dt_wide", NULL), 0);
	t->cfg.nb_workers = 2;
	dt_create(t);
	wide_stats_calls = 0;
	ptg_dataplane_totals(t->dp, tot);
	assert_int_equal(wide_stats_calls, 2);
	assert_int_equal(tot->nb_svc, 1);
	assert_string_equal(tot->svc[0].group, "svc_7010_dt_wide");
	assert_int_equal(tot->svc[0].nb, PTG_DATAPLANE_SVC_MAX_STATS);
	for (i = 0; i < PTG_DATAPLANE_SVC_MAX_STATS; i++)
		assert_int_equal(tot->svc[0].v[i], 2 * (i + 1));
	free(tot);
}

/* ---- walking the totals (no dataplane needed) --------------------------- */

struct visit {
	unsigned int n;
	unsigned int stop_at;     /* return non-zero at this visit (1-based) */
	uint64_t sum, drops;
	char groups[8][32];       /* distinct groups, in order */
	unsigned int nb_groups;
	unsigned int bad_flag;    /* visits whose is_drop disagrees */
	unsigned int bad_value;   /* visits whose value is not its index */
};

static int
visit(void *arg, const char *group, const char *name, uint64_t value,
      int is_drop)
{
	struct visit *v = arg;
	int drop_name = strncmp(name, "drop_", 5) == 0 ||
		(strcmp(group, "port") == 0 &&
		 (strcmp(name, "imissed") == 0 ||
		  strcmp(name, "ierrors") == 0 ||
		  strcmp(name, "oerrors") == 0 ||
		  strcmp(name, "rx_nombuf") == 0));

	v->n++;
	if (v->nb_groups == 0 ||
	    strcmp(v->groups[v->nb_groups - 1], group) != 0) {
		if (v->nb_groups < RTE_DIM(v->groups))
			snprintf(v->groups[v->nb_groups++],
				 sizeof(v->groups[0]), "%s", group);
	}
	if (!!is_drop != drop_name)
		v->bad_flag++;
	if (value != v->n)
		v->bad_value++;
	v->sum += value;
	if (is_drop)
		v->drops += value;
	return v->n == v->stop_at ? 42 : 0;
}

/* Counter k (1-based, in foreach order) holds k. */
static void
fill_totals(struct ptg_dataplane_totals *t)
{
	static const char *const names[] = { "hits", "drop_misses", NULL };
	uint64_t *v, k = 1;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	v = (uint64_t *)&t->net;
	for (i = 0; i < PTG_NET_NB_STATS; i++)
		v[i] = k++;
	v = (uint64_t *)&t->tcp;
	for (i = 0; i < PTG_TCP_NB_STATS; i++)
		v[i] = k++;
	v = (uint64_t *)&t->worker;
	for (i = 0; i < PTG_DATAPLANE_NB_STATS; i++)
		v[i] = k++;
	v = (uint64_t *)&t->port;
	for (i = 0; i < sizeof(t->port) / sizeof(uint64_t); i++)
		v[i] = k++;
	t->nb_svc = 1;
	snprintf(t->svc[0].group, sizeof(t->svc[0].group), "svc_80_x");
	t->svc[0].names = names;
	t->svc[0].nb = 2;
	t->svc[0].port = 80;
	t->svc[0].v[0] = k++;
	t->svc[0].v[1] = k++;
}

static void
test_totals_foreach(void **state)
{
	struct ptg_dataplane_totals *t = malloc(sizeof(*t));
	struct visit v;
	unsigned int total = PTG_NET_NB_STATS + PTG_TCP_NB_STATS +
			     PTG_DATAPLANE_NB_STATS + 8 + 2;
	unsigned int i;
	uint64_t drops = 0;

	(void)state;
	assert_non_null(t);
	fill_totals(t);
	memset(&v, 0, sizeof(v));
	assert_int_equal(ptg_dataplane_totals_foreach(t, visit, &v), 0);
	assert_int_equal(v.n, total);
	assert_int_equal(v.sum, (uint64_t)total * (total + 1) / 2);
	assert_int_equal(v.bad_flag, 0);
	assert_int_equal(v.bad_value, 0);
	assert_int_equal(v.nb_groups, 5);
	assert_string_equal(v.groups[0], "net");
	assert_string_equal(v.groups[1], "tcp");
	assert_string_equal(v.groups[2], "worker");
	assert_string_equal(v.groups[3], "port");
	assert_string_equal(v.groups[4], "svc_80_x");
	assert_int_equal(ptg_dataplane_totals_drops(t), v.drops);
	/* The drops counted by hand: the three groups' drop_* counters,
	 * the port's four, the service's one. */
	for (i = 0; i < PTG_NET_NB_STATS; i++)
		if (strncmp(ptg_net_stat_name(i), "drop_", 5) == 0)
			drops += ((uint64_t *)&t->net)[i];
	for (i = 0; i < PTG_TCP_NB_STATS; i++)
		if (strncmp(ptg_tcp_stat_name(i), "drop_", 5) == 0)
			drops += ((uint64_t *)&t->tcp)[i];
	for (i = 0; i < PTG_DATAPLANE_NB_STATS; i++)
		if (strncmp(ptg_dataplane_stat_name(i), "drop_", 5) == 0)
			drops += ((uint64_t *)&t->worker)[i];
	drops += t->port.imissed + t->port.ierrors + t->port.oerrors +
		 t->port.rx_nombuf + t->svc[0].v[1];
	assert_int_equal(v.drops, drops);

	/* A non-zero return stops the walk and is returned. */
	memset(&v, 0, sizeof(v));
	v.stop_at = PTG_NET_NB_STATS + 1;
	assert_int_equal(ptg_dataplane_totals_foreach(t, visit, &v), 42);
	assert_int_equal(v.n, PTG_NET_NB_STATS + 1);
	free(t);
}

static void
test_stat_names(void **state)
{
	(void)state;
	assert_string_equal(ptg_dataplane_stat_name(0), "loops");
	assert_string_equal(ptg_dataplane_stat_name(PTG_DATAPLANE_NB_STATS - 1),
			    "drop_steer_unread");
	assert_null(ptg_dataplane_stat_name(PTG_DATAPLANE_NB_STATS));
	assert_int_equal(PTG_DATAPLANE_NB_STATS, 23);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_totals_sum_workers,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_totals_svc_per_port,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(
			test_totals_svc_more_counters_than_carried,
			dt_setup, dt_teardown),
		cmocka_unit_test(test_totals_foreach),
		cmocka_unit_test(test_stat_names),
	};

	return cmocka_run_group_tests(tests, dt_group_setup,
				      dt_group_teardown);
}
