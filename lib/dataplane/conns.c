/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's side of /portgate/conns: telemetry never reads an
 * engine's connection table itself; it leaves a request in the worker's
 * mailbox (struct dp_conns_mbox, dataplane_priv.h) and the worker answers
 * from its own loop.
 *
 * dp_worker_loop() -> dp_conns_pending() -> dp_conns_step()
 *   -> ptg_tcp_conn_next() x DP_CONNS_STEP -> ptg_conn_info() for the rows
 *      asked for -> (walk done) done = req
 *
 * The walk is spread over loops, DP_CONNS_STEP connections each, so a
 * large table delays packet processing by a bounded amount per loop.
 * Connections opened or closed while the walk goes on may or may not be
 * seen: like ss(8) reading /proc, the list is a snapshot of no single
 * instant.
 */
#include <string.h>

#include "dataplane_priv.h"

void
dp_conns_step(struct dp_worker *w)
{
	struct dp_conns_mbox *m = &w->conns;
	const struct ptg_conn *c;
	unsigned int k;

	if (!m->active) {
		/* A new request: its parameters, then the walk from the
		 * start. */
		m->cur = __atomic_load_n(&m->req, __ATOMIC_ACQUIRE);
		m->w_skip = m->skip;
		m->w_max = RTE_MIN(m->max, (uint32_t)DP_CONNS_PAGE);
		m->iter = 0;
		m->total = 0;
		m->n = 0;
		memset(m->states, 0, sizeof(m->states));
		m->active = 1;
	}
	for (k = 0; k < DP_CONNS_STEP; k++) {
		if (ptg_tcp_conn_next(w->tcp, &m->iter, &c) != 0) {
			m->active = 0;
			__atomic_store_n(&m->done, m->cur, __ATOMIC_RELEASE);
			return;
		}
		m->states[ptg_conn_state(c)]++;
		if (m->total >= m->w_skip && m->n < m->w_max) {
			struct dp_conn_row *r = &m->rows[m->n++];

			ptg_conn_info(c, &r->info);
			ptg_conn_endpoints(c, &r->laddr, &r->lport, &r->raddr,
					   &r->rport);
		}
		m->total++;
	}
}
