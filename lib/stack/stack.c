/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC-less stack object (see ptg_stack.h).
 *
 *   ptg_stack_create() -> ptg_net_create() -> ptg_tcp_create()
 *   ptg_stack_rx() -> ptg_net_input()
 *   ptg_stack_poll() -> ptg_net_timer() -> ptg_tcp_poll()
 *   ptg_stack_flush() -> ptg_net_flush()
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_branch_prediction.h>
#include <rte_malloc.h>

#include "ptg_stack.h"

struct ptg_stack {
	struct ptg_net *net;
	struct ptg_tcp *tcp;
	const struct ptg_steer *steer; /* NULL: one worker */
	uint64_t net_timer_at;   /* next ARP timer run, stack time */
	uint64_t strays;         /* frames handed to their owners */
	struct ptg_stack_config cfg;
} __rte_cache_aligned;

/* An ephemeral port is ours when the peer's answers to it (source and
 * destination swapped; the key is symmetric) steer to this worker. */
static int
sport_steers_here(void *arg, rte_be32_t laddr, uint16_t lport,
		  rte_be32_t raddr, uint16_t rport)
{
	const struct ptg_stack *st = arg;
	uint32_t h = ptg_steer_hash(st->steer, raddr, laddr, rport, lport);

	return ptg_steer_worker(st->steer, h) == st->cfg.worker;
}

void
ptg_stack_config_default(struct ptg_stack_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ptg_tcp_config_default(&cfg->tcp);
	cfg->net.mtu = 1500;
	cfg->socket = SOCKET_ID_ANY;
}

struct ptg_stack *
ptg_stack_create(const struct ptg_stack_config *cfg)
{
	struct ptg_stack *st;
	int err = EINVAL;

	if (cfg == NULL || cfg->mp == NULL || cfg->net.tx == NULL)
		goto fail;
	if (cfg->steer != NULL && cfg->steer->nb_workers > 1 &&
	    (cfg->stray == NULL || cfg->worker >= cfg->steer->nb_workers))
		goto fail;
	st = rte_zmalloc_socket("ptg_stack", sizeof(*st), RTE_CACHE_LINE_SIZE,
				cfg->socket);
	err = ENOMEM;
	if (st == NULL)
		goto fail;
	st->cfg = *cfg;
	st->net = ptg_net_create(&cfg->net, cfg->mp, cfg->socket);
	if (st->net == NULL) {
		err = rte_errno;
		goto free_st;
	}
	if (!cfg->no_tcp) {
		st->tcp = ptg_tcp_create(st->net, &cfg->tcp, cfg->socket);
		if (st->tcp == NULL) {
			err = rte_errno;
			goto free_net;
		}
	}
	if (cfg->steer != NULL && cfg->steer->nb_workers > 1) {
		st->steer = cfg->steer;
		if (st->tcp != NULL)
			ptg_tcp_set_sport_filter(st->tcp, sport_steers_here, st);
	}
	return st;

free_net:
	ptg_net_free(st->net);
free_st:
	rte_free(st);
fail:
	rte_errno = err;
	return NULL;
}

void
ptg_stack_free(struct ptg_stack *st)
{
	if (st == NULL)
		return;
	/* The engine first: it unregisters from the network layer. */
	ptg_tcp_free(st->tcp);
	ptg_net_free(st->net);
	rte_free(st);
}

void
ptg_stack_rx(struct ptg_stack *st, struct rte_mbuf **pkts, uint16_t n,
	     uint64_t now_ns)
{
	if (st->steer != NULL) {
		const uint16_t self = st->cfg.worker;
		const int use_rx_hash = st->cfg.steer_use_rx_hash;
		uint16_t i, k = 0;

		/* Each flow belongs to one worker, whatever queue the device
		 * put its segment on: another worker's goes to its owner. */
		for (i = 0; i < n; i++) {
			int owner = ptg_steer_owner(st->steer, pkts[i],
						    use_rx_hash);

			if (likely(owner < 0 || owner == self)) {
				pkts[k++] = pkts[i];
			} else {
				st->strays++;
				st->cfg.stray(st->cfg.stray_arg, pkts[i],
					      (uint16_t)owner);
			}
		}
		n = k;
	}
	if (n > 0)
		ptg_net_input(st->net, pkts, n, now_ns);
}

uint64_t
ptg_stack_strays(const struct ptg_stack *st)
{
	return st->strays;
}

void
ptg_stack_poll(struct ptg_stack *st, uint64_t now_ns)
{
	if (now_ns >= st->net_timer_at) {
		ptg_net_timer(st->net, now_ns);
		st->net_timer_at = now_ns + st->cfg.net_timer_ns;
	}
	if (st->tcp != NULL)
		ptg_tcp_poll(st->tcp, now_ns);
}

void
ptg_stack_flush(struct ptg_stack *st)
{
	ptg_net_flush(st->net);
}

struct ptg_net *
ptg_stack_net(const struct ptg_stack *st)
{
	return st->net;
}

struct ptg_tcp *
ptg_stack_tcp(const struct ptg_stack *st)
{
	return st->tcp;
}

const struct ptg_stack_config *
ptg_stack_config(const struct ptg_stack *st)
{
	return &st->cfg;
}
