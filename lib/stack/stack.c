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
#include <rte_malloc.h>

#include "ptg_stack.h"

struct ptg_stack {
	struct ptg_net *net;
	struct ptg_tcp *tcp;
	uint64_t net_timer_at;   /* next ARP timer run, stack time */
	struct ptg_stack_config cfg;
} __rte_cache_aligned;

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
	if (n > 0)
		ptg_net_input(st->net, pkts, n, now_ns);
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
