/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands: the counters, readable while portgate runs
 * (e.g. `dpdk-telemetry.py -f PREFIX` then `/portgate/stats`).
 *
 * ptg_dataplane_telemetry_register() -> rte_telemetry_register_cmd()
 * tel_stats()  -> ptg_dataplane_totals() -> ptg_dataplane_totals_foreach()
 * tel_worker() -> dp_worker_add_totals()
 * tel_info()
 * tel_conns(), tel_conn_states() -> conns_walk() -> conns_ask() per
 *                 worker: the worker answers from its own loop (conns.c);
 *                 this thread never reads an engine's table
 *
 * The callbacks run on the telemetry thread: the registered dataplane is
 * guarded by a spinlock so that ptg_dataplane_free() cannot pull it away
 * mid-read. Counters are read without the workers' help: a value may be a
 * poll behind, never torn (aligned 64-bit loads).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	struct ptg_tcp_mem_info mem;
	unsigned long id;
	unsigned int conns, lcore, pool_free, pool_size;
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
	/* Read while the worker runs: each figure is one word, so it is a
	 * value the worker had, not a consistent snapshot of all. */
	ptg_tcp_mem_info(tel_dp->workers[id]->tcp, &mem);
	pool_free = rte_mempool_avail_count(tel_dp->cfg.mp);
	pool_size = tel_dp->cfg.mp->size;
	rte_spinlock_unlock(&tel_lock);
	rc = tel_totals(&t, d);
	if (rc == 0) {
		rte_tel_data_add_dict_u64(d, "connections", conns);
		rte_tel_data_add_dict_int(d, "lcore", (int)lcore);
		/* this worker's engine: mbufs its queues pin, its budget */
		rte_tel_data_add_dict_u64(d, "mbufs_held", mem.bufs_held);
		rte_tel_data_add_dict_u64(d, "mbufs_budget", mem.bufs_max);
		rte_tel_data_add_dict_int(d, "mem_pressure", mem.pressure);
		/* the frame pool the workers share */
		rte_tel_data_add_dict_u64(d, "pool_free", pool_free);
		rte_tel_data_add_dict_u64(d, "pool_in_use",
					  pool_size - pool_free);
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

/* ---- /portgate/conns ---------------------------------------------------- */

/* One /portgate/conns request at a time (the workers' mailboxes hold one
 * each); taken before tel_lock. */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Ask worker @p w for rows [@p skip, @p skip + @p max) of its table and
 * wait for its answer (conns.c).
 * @return 0; -EAGAIN the worker is not running its loop; -ETIMEDOUT.
 */
static int
conns_ask(struct dp_worker *w, uint32_t skip, uint32_t max)
{
	struct dp_conns_mbox *m = &w->conns;
	uint64_t deadline = mono_ns() + DP_CONNS_WAIT_NS;
	uint32_t seq;

	if (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) != DP_WORKER_SERVING)
		return -EAGAIN;
	m->skip = skip;
	m->max = max;
	seq = m->req + 1;
	__atomic_store_n(&m->req, seq, __ATOMIC_RELEASE);
	while (__atomic_load_n(&m->done, __ATOMIC_ACQUIRE) != seq) {
		if (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) !=
		    DP_WORKER_SERVING)
			return -EAGAIN;
		if (mono_ns() >= deadline)
			return -ETIMEDOUT;
		rte_delay_us_sleep(20);
	}
	return 0;
}

/* "a.b.c.d:port" */
static void
format_endpoint(char *buf, size_t len, rte_be32_t a, uint16_t port)
{
	uint32_t h = rte_be_to_cpu_32(a);

	snprintf(buf, len, "%u.%u.%u.%u:%u", h >> 24, (h >> 16) & 0xff,
		 (h >> 8) & 0xff, h & 0xff, port);
}

/* ss(8)-like timers: "on,200ms,1" (RTO: time left, backoff), "persist,..",
 * "delack,40ms", "keepalive,..", "fin_wait2,..", "timewait,59000ms". */
static void
format_timers(char *buf, size_t len, const struct ptg_conn_info *ci)
{
	size_t off = 0;

	buf[0] = '\0';
#define ADD(...) do { \
		if (off < len) \
			off += (size_t)snprintf(buf + off, len - off, \
						__VA_ARGS__); \
	} while (0)
	if (ci->rexmt_left_ns != 0)
		ADD("%s,%" PRIu64 "ms,%u", ci->persist ? "persist" : "on",
		    (ci->rexmt_left_ns + 999999) / 1000000, ci->backoff);
	if (ci->delack_left_ns != 0)
		ADD("%sdelack,%" PRIu64 "ms", off ? " " : "",
		    (ci->delack_left_ns + 999999) / 1000000);
	if (ci->keep_left_ns != 0)
		ADD("%s%s,%" PRIu64 "ms", off ? " " : "",
		    ci->state == PTG_TCPS_TIME_WAIT ? "timewait" :
		    ci->state == PTG_TCPS_FIN_WAIT_2 ? "fin_wait2" :
		    "keepalive", (ci->keep_left_ns + 999999) / 1000000);
	if (off == 0)
		ADD("off");
#undef ADD
}

static struct rte_tel_data *
conn_row(unsigned int worker, const struct dp_conn_row *r)
{
	const struct ptg_conn_info *ci = &r->info;
	struct rte_tel_data *d = rte_tel_data_alloc();
	char buf[64];

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "worker", worker);
	rte_tel_data_add_dict_string(d, "state", ptg_tcp_state_str(ci->state));
	format_endpoint(buf, sizeof(buf), r->laddr, r->lport);
	rte_tel_data_add_dict_string(d, "local", buf);
	format_endpoint(buf, sizeof(buf), r->raddr, r->rport);
	rte_tel_data_add_dict_string(d, "remote", buf);
	rte_tel_data_add_dict_u64(d, "rtt_us", ci->srtt_ns / 1000);
	rte_tel_data_add_dict_u64(d, "rto_ms", ci->rto_ns / 1000000);
	rte_tel_data_add_dict_u64(d, "cwnd", ci->cwnd);
	rte_tel_data_add_dict_u64(d, "ssthresh", ci->ssthresh);
	rte_tel_data_add_dict_u64(d, "mss", ci->mss);
	rte_tel_data_add_dict_u64(d, "snd_wnd", ci->snd_wnd);
	rte_tel_data_add_dict_u64(d, "rcv_wnd", ci->rcv_wnd);
	rte_tel_data_add_dict_u64(d, "sendq", ci->sndq_bytes);
	rte_tel_data_add_dict_u64(d, "recvq", ci->rcvq_bytes);
	rte_tel_data_add_dict_u64(d, "ooo", ci->ooo_bytes);
	rte_tel_data_add_dict_u64(d, "retrans", ci->retransmits);
	format_timers(buf, sizeof(buf), ci);
	rte_tel_data_add_dict_string(d, "timers", buf);
	return d;
}

/* A state's name as a telemetry key: "SYN-RECEIVED" -> "SYN_RECEIVED". */
static void
state_key(char *buf, size_t len, enum ptg_tcp_state s)
{
	size_t i;

	snprintf(buf, len, "%s", ptg_tcp_state_str(s));
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '-')
			buf[i] = '_';
}

/* {"STATE": count, ...} of the non-zero counts; "conns": their sum. */
static struct rte_tel_data *
state_dict(const uint64_t *states, uint64_t total, int *failed)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	char key[32];

	if (d == NULL) {
		*failed = 1;
		return NULL;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "conns", total);
	for (unsigned int s = 0; s < PTG_TCPS_NB; s++) {
		if (states[s] == 0)
			continue;
		state_key(key, sizeof(key), (enum ptg_tcp_state)s);
		rte_tel_data_add_dict_u64(d, key, states[s]);
	}
	return d;
}

/*
 * Ask every worker in turn for its part of the list (conns_ask()):
 * rows [@p offset, @p offset + @p max) of the whole list (worker 0's
 * table, then worker 1's, ...) into @p rows (a dict keyed by position;
 * NULL: none wanted), the counts by state of each worker into @p workers
 * (NULL: not wanted), the workers that did not answer into @p missing.
 * @return 0, -ENODEV (no dataplane), -ENOMEM (telemetry data).
 */
static int
conns_walk(uint64_t offset, unsigned int max, struct rte_tel_data *rows,
	   struct rte_tel_data *workers, struct rte_tel_data *missing,
	   uint64_t *states, uint64_t *total, unsigned int *count)
{
	int failed = 0;
	unsigned int w;

	pthread_mutex_lock(&conns_lock);
	rte_spinlock_lock(&tel_lock);
	if (tel_dp == NULL) {
		rte_spinlock_unlock(&tel_lock);
		pthread_mutex_unlock(&conns_lock);
		return -ENODEV;
	}
	for (w = 0; w < tel_dp->nb_workers; w++) {
		struct dp_worker *wk = tel_dp->workers[w];
		const struct dp_conns_mbox *m = &wk->conns;
		uint64_t skip = offset > *total ? offset - *total : 0;
		uint64_t ws[PTG_TCPS_NB];
		struct rte_tel_data *sd;
		char name[8];

		if (conns_ask(wk, (uint32_t)RTE_MIN(skip, (uint64_t)UINT32_MAX),
			      rows != NULL ? max - *count : 0) != 0) {
			rte_tel_data_add_array_int(missing, (int)w);
			continue;
		}
		for (unsigned int s = 0; s < PTG_TCPS_NB; s++) {
			ws[s] = m->states[s];
			states[s] += m->states[s];
		}
		for (unsigned int i = 0; rows != NULL && i < m->n &&
		     *count < max; i++) {
			struct rte_tel_data *r = conn_row(w, &m->rows[i]);
			char pos[24];

			snprintf(pos, sizeof(pos), "%" PRIu64, offset + *count);
			if (r == NULL ||
			    rte_tel_data_add_dict_container(rows, pos, r,
							    0) != 0) {
				rte_tel_data_free(r);
				failed = 1;
				break;
			}
			(*count)++;
		}
		*total += m->total;
		if (workers == NULL)
			continue;
		sd = state_dict(ws, m->total, &failed);
		snprintf(name, sizeof(name), "%u", w);
		if (sd != NULL &&
		    rte_tel_data_add_dict_container(workers, name, sd, 0) != 0) {
			rte_tel_data_free(sd);
			failed = 1;
		}
	}
	rte_spinlock_unlock(&tel_lock);
	pthread_mutex_unlock(&conns_lock);
	return failed ? -ENOMEM : 0;
}

/* Add @p c to @p d as @p name, or free it. */
static void
add_container(struct rte_tel_data *d, const char *name,
	      struct rte_tel_data *c)
{
	if (c != NULL && rte_tel_data_add_dict_container(d, name, c, 0) != 0)
		rte_tel_data_free(c);
}

/*
 * /portgate/conns[,OFFSET]: like `ss -tan`, DP_CONNS_PAGE connections
 * from position OFFSET of the list (worker 0's table, then worker 1's,
 * ...), each worker asked for its part (conns_walk()):
 *   {"total": N, "offset": O, "count": n, "next": O + n (when more),
 *    "page": DP_CONNS_PAGE, "states": {"conns": N, "ESTABLISHED": ..},
 *    "missing": [worker ids that did not answer],
 *    "conns": {"POSITION": {"worker", "state", "local", "remote",
 *               "rtt_us", "rto_ms", "cwnd", "ssthresh", "mss", "snd_wnd",
 *               "rcv_wnd", "sendq", "recvq", "ooo", "retrans", "timers"},
 *               ...}}  (a dict: DPDK 22.11 arrays cannot hold dicts)
 * A page at its largest (every number at its widest) stays under 10 KB,
 * within the 16 KB of a telemetry reply.
 */
static int
tel_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t states[PTG_TCPS_NB] = { 0 }, total = 0, offset = 0;
	struct rte_tel_data *rows, *missing;
	unsigned int count = 0;
	int failed = 0, rc;
	char *end;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		errno = 0;
		offset = strtoull(params, &end, 10);
		if (errno != 0 || *end != '\0' || *params == '-')
			return -EINVAL;
	}
	rows = rte_tel_data_alloc();
	missing = rte_tel_data_alloc();
	if (rows == NULL || missing == NULL) {
		rte_tel_data_free(rows);
		rte_tel_data_free(missing);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(rows);
	rte_tel_data_start_array(missing, RTE_TEL_INT_VAL);
	rc = conns_walk(offset, DP_CONNS_PAGE, rows, NULL, missing, states,
			&total, &count);
	if (rc == -ENODEV) {
		rte_tel_data_free(rows);
		rte_tel_data_free(missing);
		return rc;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "offset", offset);
	rte_tel_data_add_dict_u64(d, "count", count);
	if (offset + count < total)
		rte_tel_data_add_dict_u64(d, "next", offset + count);
	rte_tel_data_add_dict_u64(d, "page", DP_CONNS_PAGE);
	add_container(d, "states", state_dict(states, total, &failed));
	add_container(d, "missing", missing);
	add_container(d, "conns", rows);
	return rc != 0 || failed ? -ENOMEM : 0;
}

/*
 * /portgate/conn_states: connections by TCP state, per worker and in all,
 * counted by each worker over its whole table (conns_walk(), no rows):
 *   {"total": N, "states": {"conns": N, "ESTABLISHED": .., ...},
 *    "workers": {"0": {"conns": .., "ESTABLISHED": .., ...}, ...},
 *    "missing": [...]}
 * Only the states with connections are listed (at most ~200 bytes a
 * worker).
 */
static int
tel_conn_states(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t states[PTG_TCPS_NB] = { 0 }, total = 0;
	struct rte_tel_data *workers, *missing;
	unsigned int count = 0;
	int failed = 0, rc;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	workers = rte_tel_data_alloc();
	missing = rte_tel_data_alloc();
	if (workers == NULL || missing == NULL) {
		rte_tel_data_free(workers);
		rte_tel_data_free(missing);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(workers);
	rte_tel_data_start_array(missing, RTE_TEL_INT_VAL);
	rc = conns_walk(0, 0, NULL, workers, missing, states, &total, &count);
	if (rc == -ENODEV) {
		rte_tel_data_free(workers);
		rte_tel_data_free(missing);
		return rc;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", total);
	add_container(d, "states", state_dict(states, total, &failed));
	add_container(d, "workers", workers);
	add_container(d, "missing", missing);
	return rc != 0 || failed ? -ENOMEM : 0;
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
	rte_tel_data_add_dict_string(d, "mode",
				     ptg_dataplane_mode_name(tel_dp->cfg.mode));
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
	/* what peers make us hold in frames (approximate: per-lcore caches
	 * are read while the workers run) */
	rte_tel_data_add_dict_u64(d, "mbufs", tel_dp->cfg.mp->size);
	rte_tel_data_add_dict_u64(d, "mbufs_in_use",
				  rte_mempool_in_use_count(tel_dp->cfg.mp));
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
			"Port, workers and their lcores, live connections, "
			"mbufs of the pool and in use. No parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/listeners",
			tel_listeners, "Per listening port and worker: SYN "
			"and accept queue depth, bounds and overflows. No "
			"parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/conns", tel_conns,
			"Connections like ss -tan, a page from the offset "
			"given (default 0; 'next' is the next page's), and "
			"counts by state.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/conn_states",
			tel_conn_states, "Connections by TCP state, per worker "
			"and in all. No parameters.");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/portgate/io", tel_io,
			"The I/O lcore's counters (pipeline mode). No "
			"parameters.");
	if (rc == 0)
		tel_registered = 1;
	return rc;
}
