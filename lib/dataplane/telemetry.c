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
	char *end;

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
	rte_spinlock_unlock(&tel_lock);
	return tel_totals(&t, d);
}

static int
tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *lcores;
	struct ptg_tcp_mem sum;
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
	rte_tel_data_add_dict_int(d, "workers", tel_dp->nb_workers);
	for (i = 0; i < tel_dp->nb_workers; i++)
		rte_tel_data_add_array_int(lcores,
					   (int)tel_dp->workers[i]->lcore);
	rte_tel_data_add_dict_u64(d, "connections",
				  ptg_dataplane_conn_count(tel_dp));
	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < tel_dp->nb_workers; i++) {
		struct ptg_tcp_mem m;

		if (ptg_tcp_mem(tel_dp->workers[i]->tcp, &m) != 0)
			continue;
		sum.slots += m.slots;
		sum.in_use += m.in_use;
		sum.block_bytes = m.block_bytes;
		sum.table_bytes += m.table_bytes;
	}
	rte_spinlock_unlock(&tel_lock);
	/* The engines' own accounting of connection memory. */
	rte_tel_data_add_dict_u64(d, "conn_slots", sum.slots);
	rte_tel_data_add_dict_u64(d, "conn_block_bytes", sum.block_bytes);
	rte_tel_data_add_dict_u64(d, "conn_table_bytes", sum.table_bytes);
	rte_tel_data_add_dict_u64(d, "conn_slot_bytes", sum.slots ?
				  sum.table_bytes / sum.slots : 0);
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
			"Port, workers and their lcores, live connections. "
			"No parameters.");
	if (rc == 0)
		tel_registered = 1;
	return rc;
}
