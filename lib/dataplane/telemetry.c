/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands: the counters, readable while portgate runs
 * (e.g. `dpdk-telemetry.py -f PREFIX` then `/portgate/stats`).
 *
 * ptg_dataplane_telemetry_register() -> rte_telemetry_register_cmd()
 * tel_stats()  -> ptg_dataplane_totals() -> ptg_dataplane_totals_foreach()
 * tel_worker() -> dp_worker_add_totals()
 * tel_info()
 *
 * The callbacks run on the telemetry thread: the registered dataplane is
 * guarded by a spinlock so that ptg_dataplane_free() cannot pull it away
 * mid-read. Counters are read without the workers' help: a value may be a
 * poll behind, never torn (aligned 64-bit loads).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "dataplane_priv.h"

static rte_spinlock_t tel_lock = RTE_SPINLOCK_INITIALIZER;
static const struct ptg_dataplane *tel_dp;
static int tel_registered;

void
dp_telemetry_forget(const struct ptg_dataplane *dp)
{
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == dp)
		tel_dp = NULL;
	rte_spinlock_unlock(&tel_lock);
}

/* Builds {"group": {"name": value, ...}, ...}, one container per group. */
struct tel_builder {
	struct rte_tel_data *d;
	struct rte_tel_data *group;
	const char *group_name;
	int failed;
};

static void
tel_close_group(struct tel_builder *b)
{
	if (b->group == NULL)
		return;
	if (rte_tel_data_add_dict_container(b->d, b->group_name, b->group,
					    0) != 0) {
		rte_tel_data_free(b->group);
		b->failed = 1;
	}
	b->group = NULL;
}

static int
tel_add(void *arg, const char *group, const char *name, uint64_t value,
	int is_drop)
{
	struct tel_builder *b = arg;

	RTE_SET_USED(is_drop);
	if (b->group == NULL || strcmp(b->group_name, group) != 0) {
		tel_close_group(b);
		b->group = rte_tel_data_alloc();
		if (b->group == NULL) {
			b->failed = 1;
			return -ENOMEM;
		}
		rte_tel_data_start_dict(b->group);
		b->group_name = group;
	}
	if (rte_tel_data_add_dict_u64(b->group, name, value) != 0)
		b->failed = 1;
	return 0;
}

static int
tel_totals(const struct ptg_dataplane_totals *t, struct rte_tel_data *d)
{
	struct tel_builder b = { .d = d };

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "drops", ptg_dataplane_totals_drops(t));
	ptg_dataplane_totals_foreach(t, tel_add, &b);
	tel_close_group(&b);
	return b.failed ? -ENOSPC : 0;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ptg_dataplane_totals t;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL) {
		rte_spinlock_unlock(&tel_lock);
		return -ENODEV;
	}
	ptg_dataplane_totals(tel_dp, &t);
	rte_spinlock_unlock(&tel_lock);
	return tel_totals(&t, d);
}

static int
tel_worker(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ptg_dataplane_totals t;
	unsigned long id;
	unsigned int conns, lcore;
	char *end;
	int rc;

	RTE_SET_USED(cmd);
	if (params == NULL || *params == '\0')
		return -EINVAL;
	id = strtoul(params, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL || id >= tel_dp->nb_workers) {
		rte_spinlock_unlock(&tel_lock);
		return -EINVAL;
	}
	dp_worker_add_totals(tel_dp->workers[id], &t);
	conns = ptg_dataplane_worker_conns(tel_dp, (unsigned int)id);
	lcore = tel_dp->workers[id]->lcore;
	rte_spinlock_unlock(&tel_lock);
	rc = tel_totals(&t, d);
	if (rc == 0) {
		rte_tel_data_add_dict_u64(d, "connections", conns);
		rte_tel_data_add_dict_int(d, "lcore", (int)lcore);
	}
	return rc;
}

/* The I/O lcore of pipeline mode: its loop counters. */
static int
tel_io(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ptg_dataplane_totals t;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	memset(&t, 0, sizeof(t));
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL) {
		rte_spinlock_unlock(&tel_lock);
		return -ENODEV;
	}
	ptg_dataplane_io_stats(tel_dp, &t.worker);
	rte_spinlock_unlock(&tel_lock);
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < PTG_DATAPLANE_NB_STATS; i++)
		rte_tel_data_add_dict_u64(d, ptg_dataplane_stat_name(i),
					  ((const uint64_t *)&t.worker)[i]);
	return 0;
}

/*
 * Per listening port and worker, what each worker last published (at
 * most DP_PUBLISH_NS old): {"80": {"0": {"synq": .., "synq_max": ..,
 * "acceptq": .., "backlog": .., "synq_overflow": ..,
 * "acceptq_overflow": ..}, "1": {...}}, ...}
 */
static int
tel_listeners(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int w, i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL) {
		rte_spinlock_unlock(&tel_lock);
		return -ENODEV;
	}
	/* Ports in the order of worker 0's services; each worker lists the
	 * same ports (every worker listens on every bound port). */
	for (i = 0; i < tel_dp->workers[0]->pub_nb_listeners; i++) {
		uint16_t port = tel_dp->workers[0]->pub_listeners[i].port;
		struct rte_tel_data *pd = rte_tel_data_alloc();
		char name[8];

		if (pd == NULL)
			break;
		rte_tel_data_start_dict(pd);
		for (w = 0; w < tel_dp->nb_workers; w++) {
			const struct dp_worker *wk = tel_dp->workers[w];
			struct rte_tel_data *ld;

			for (unsigned int k = 0; k < wk->pub_nb_listeners; k++) {
				const struct ptg_tcp_listener_info *li =
					&wk->pub_listeners[k];

				if (li->port != port)
					continue;
				ld = rte_tel_data_alloc();
				if (ld == NULL)
					break;
				rte_tel_data_start_dict(ld);
				rte_tel_data_add_dict_u64(ld, "synq", li->synq_len);
				rte_tel_data_add_dict_u64(ld, "synq_max",
							  li->synq_max);
				rte_tel_data_add_dict_u64(ld, "acceptq",
							  li->acceptq_len);
				rte_tel_data_add_dict_u64(ld, "backlog",
							  li->backlog);
				rte_tel_data_add_dict_u64(ld, "synq_overflow",
							  li->synq_overflow);
				rte_tel_data_add_dict_u64(ld, "acceptq_overflow",
							  li->acceptq_overflow);
				snprintf(name, sizeof(name), "%u", w);
				if (rte_tel_data_add_dict_container(pd, name,
								    ld, 0) != 0)
					rte_tel_data_free(ld);
			}
		}
		snprintf(name, sizeof(name), "%u", port);
		if (rte_tel_data_add_dict_container(d, name, pd, 0) != 0)
			rte_tel_data_free(pd);
	}
	rte_spinlock_unlock(&tel_lock);
	return 0;
}

static int
tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *lcores;
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	lcores = rte_tel_data_alloc();
	if (lcores == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(lcores, RTE_TEL_INT_VAL);
	rte_tel_data_start_dict(d);
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL) {
		rte_spinlock_unlock(&tel_lock);
		rte_tel_data_free(lcores);
		return -ENODEV;
	}
	rte_tel_data_add_dict_int(d, "port", tel_dp->cfg.port_id);
	rte_tel_data_add_dict_string(d, "mode",
				     ptg_dataplane_mode_name(tel_dp->cfg.mode));
	rte_tel_data_add_dict_int(d, "workers", tel_dp->nb_workers);
	for (i = 0; i < tel_dp->nb_workers; i++)
		rte_tel_data_add_array_int(lcores,
					   (int)tel_dp->workers[i]->lcore);
	rte_tel_data_add_dict_u64(d, "connections",
				  ptg_dataplane_conn_count(tel_dp));
	/* what peers make us hold in frames (approximate: per-lcore caches
	 * are read while the workers run) */
	rte_tel_data_add_dict_u64(d, "mbufs", tel_dp->cfg.mp->size);
	rte_tel_data_add_dict_u64(d, "mbufs_in_use",
				  rte_mempool_in_use_count(tel_dp->cfg.mp));
	rte_spinlock_unlock(&tel_lock);
	rte_tel_data_add_dict_int(d, "stopping",
				  ptg_dataplane_stop_requested() != 0);
	if (rte_tel_data_add_dict_container(d, "lcores", lcores, 0) != 0)
		rte_tel_data_free(lcores);
	return 0;
}

int
ptg_dataplane_telemetry_register(struct ptg_dataplane *dp)
{
	int rc;

	rte_spinlock_lock(&tel_lock);
	tel_dp = dp;
	rte_spinlock_unlock(&tel_lock);
	if (tel_registered)
		return 0;
	rc = rte_telemetry_register_cmd("/portgate/stats", tel_stats,
		"Every portgate counter, summed over the workers: net, tcp, "
		"worker and port groups, and the total of drops. No "
		"parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/worker", tel_worker,
			"The counters of one worker. Parameter: worker id.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/info", tel_info,
			"Port, workers and their lcores, live connections, "
			"mbufs of the pool and in use. No parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/listeners",
			tel_listeners, "Per listening port and worker: SYN "
			"and accept queue depth, bounds and overflows. No "
			"parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/io", tel_io,
			"The I/O lcore's counters (pipeline mode). No "
			"parameters.");
	if (rc == 0)
		tel_registered = 1;
	return rc;
}
