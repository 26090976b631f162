/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * User calls (RFC 9293 3.10.1-3.10.5): what the owner of a connection
 * calls, from its callbacks or from outside them, and the accessors.
 *
 *   ptg_connect()  -> tcp_conn_alloc() -> SYN-SENT -> tcp_send_syn()
 *   ptg_send()     -> tcp_bufq_append() -> tcp_output()
 *   ptg_shutdown() -> FIN-WAIT-1 | LAST-ACK -> tcp_output()
 *   ptg_close()    -> detach -> ptg_shutdown() (or ptg_abort() with
 *                     unread data, RFC 2525 2.17)
 *   ptg_abort()    -> tcp_conn_reset() | tcp_conn_destroy()
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "tcp_priv.h"

int
tcp_route_ok(struct ptg_tcp *tcp, rte_be32_t dst)
{
	const struct ptg_net_config *nc = ptg_net_config(tcp->net);
	uint32_t mask = nc->prefix_len ?
			rte_cpu_to_be_32(~0u << (32 - nc->prefix_len)) : 0;

	return nc->gateway != 0 || ((dst ^ nc->addr) & mask) == 0;
}

struct ptg_conn *
ptg_connect(struct ptg_tcp *tcp, rte_be32_t dst, uint16_t dport,
	    uint16_t sport, const struct ptg_conn_ops *ops, void *svc_ctx,
	    uint64_t now_ns)
{
	struct ptg_conn *c = NULL;
	struct tcp_key k;

	if (tcp == NULL || dport == 0 || dst == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (ptg_conn_ops_check(ops) != 0) {
		rte_errno = -ptg_conn_ops_check(ops);
		return NULL;
	}
	if (tcp->stopping) {
		rte_errno = ESHUTDOWN;
		return NULL;
	}
	if (!tcp_route_ok(tcp, dst)) {
		rte_errno = ENETUNREACH;
		return NULL;
	}
	tcp->now = now_ns;
	k.raddr = dst;
	k.laddr = tcp->laddr;
	k.rport = dport;
	if (sport != 0) {
		k.lport = sport;
		if (tcp_lookup(tcp, &k) != NULL) {
			rte_errno = EADDRINUSE;
			return NULL;
		}
	} else {
		/* RFC 6056 3.3.1-like: a random start, then sequential. */
		unsigned int tries;

		for (tries = 0; tries < 16384; tries++) {
			k.lport = 49152 + (tcp->eph_next++ & 16383);
			if (tcp->sport_ok != NULL &&
			    !tcp->sport_ok(tcp->sport_ok_arg, k.laddr, k.lport,
					   k.raddr, k.rport))
				continue;
			if (tcp->listeners[k.lport] == NULL &&
			    tcp_lookup(tcp, &k) == NULL)
				break;
		}
		if (tries == 16384) {
			rte_errno = EADDRINUSE;
			return NULL;
		}
	}
	c = tcp_conn_alloc(tcp, tcp->laddr, k.lport, dst, dport);
	if (c == NULL) {
		rte_errno = ENOSPC;
		return NULL;
	}
	c->ops = ops;
	c->svc_ctx = svc_ctx;
	c->rcv_wscale = tcp_rcv_wscale(tcp);
	c->rto_us = (uint32_t)(tcp->cfg.rto_initial_ns / 1000);
	c->cc = tcp->cc;
	if (tcp->cfg.nodelay)
		c->flags |= TF_NODELAY;
	c->flags |= TF_ACTIVE | TF_ACCEPTED;
	c->last_rx_ns = now_ns;
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_seq0 = c->iss + 1;
	c->recover = c->iss;
	tcp_set_state(c, PTG_TCPS_SYN_SENT);
	TCP_STAT(tcp, active_opens);
	c->rtt_start_ns = now_ns;
	tcp_send_syn(c);
	tcp_rexmt_restart(c);
	return c;
}

void
ptg_tcp_set_sport_filter(struct ptg_tcp *tcp, ptg_tcp_sport_filter_t fn,
			 void *arg)
{
	tcp->sport_ok = fn;
	tcp->sport_ok_arg = arg;
}

ssize_t
ptg_send(struct ptg_conn *c, const void *data, size_t len)
{
	struct ptg_tcp *tcp;
	size_t space;
	uint32_t n;

	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (c->flags & TF_FIN_QUEUED)
		return -EPIPE;
	switch (c->state) {
	case PTG_TCPS_SYN_SENT:
	case PTG_TCPS_SYN_RECEIVED:
	case PTG_TCPS_ESTABLISHED:
	case PTG_TCPS_CLOSE_WAIT:
		break;
	default:
		return -ENOTCONN;
	}
	tcp = c->tcp;
	space = ptg_send_space(c);
	n = (uint32_t)RTE_MIN(space, len);
	n = tcp_bufq_append(&c->sndq, tcp->mp, data, n);
	if (n < len)
		c->flags |= TF_WANT_WRITABLE;
	if (n == 0 && len > 0 && space > 0 && tcp_flight(c) == 0)
		return -ENOBUFS; /* no mbuf, and no ACK will come to retry */
	if (tcp_synchronized(c))
		tcp_output(c);
	return n;
}

size_t
ptg_send_space(const struct ptg_conn *c)
{
	uint32_t buf = c->tcp->cfg.sndbuf;

	return c->sndq.bytes < buf ? buf - c->sndq.bytes : 0;
}

size_t
ptg_send_queued(const struct ptg_conn *c)
{
	return c->sndq.bytes;
}

int
ptg_shutdown(struct ptg_conn *c)
{
	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (c->flags & TF_FIN_QUEUED)
		return 0;
	/* RFC 9293 3.10.4: CLOSE queues a FIN after pending data. */
	switch (c->state) {
	case PTG_TCPS_SYN_RECEIVED:
		/* RFC 9293 3.10.4: the FIN may wait until ESTABLISHED, and
		 * here it must: the ACK of our SYN is taken as the end of the
		 * handshake (window scale, congestion control, RTT) only in
		 * SYN-RECEIVED. tcp_established() moves on to FIN-WAIT-1. */
		c->flags |= TF_FIN_QUEUED;
		return 0;
	case PTG_TCPS_ESTABLISHED:
		tcp_set_state(c, PTG_TCPS_FIN_WAIT_1);
		break;
	case PTG_TCPS_CLOSE_WAIT:
		tcp_set_state(c, PTG_TCPS_LAST_ACK);
		break;
	case PTG_TCPS_SYN_SENT:
		tcp_conn_destroy(c, PTG_CLOSE_NORMAL);
		return 0;
	default:
		return -ENOTCONN;
	}
	c->flags |= TF_FIN_QUEUED;
	if (tcp_synchronized(c))
		tcp_output(c);
	return 0;
}

int
ptg_close(struct ptg_conn *c)
{
	int rc;

	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (c->flags & TF_IN_ON_DATA) {
		/* The offered bytes are still queued: decide after on_data
		 * returned how many it consumed (tcp_deliver()). */
		c->flags |= TF_CLOSE_PENDING;
		return 0;
	}
	if (c->rcvq.bytes > 0) {
		/* RFC 2525 2.17: closing with unread data resets. */
		return ptg_abort(c);
	}
	c->flags |= TF_DETACHED;
	rc = ptg_shutdown(c);
	if (rc == 0 && c->state == PTG_TCPS_FIN_WAIT_2 &&
	    !(c->flags & TF_DEAD))
		tcp_timer_arm(c, TT_KEEP, c->tcp->now + c->tcp->cfg.fin_wait2_ns);
	return rc == -ENOTCONN && !(c->flags & TF_DEAD) ? 0 : rc;
}

int
ptg_abort(struct ptg_conn *c)
{
	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	/* RFC 9293 3.10.5: ABORT sends a RST in synchronized states. */
	if (c->state >= PTG_TCPS_SYN_RECEIVED && c->state != PTG_TCPS_TIME_WAIT)
		tcp_conn_reset(c, PTG_CLOSE_ABORT);
	else
		tcp_conn_destroy(c, PTG_CLOSE_ABORT);
	return 0;
}

void
ptg_recv_resume(struct ptg_conn *c)
{
	if (c == NULL || (c->flags & TF_DEAD) || (c->flags & TF_IN_CALLBACK))
		return;
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD))
		tcp_output(c);
}

int
ptg_conn_set_rcvbuf(struct ptg_conn *c, uint32_t bytes)
{
	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (bytes < 1024)
		return -EINVAL;
	c->rcvbuf = RTE_MIN(bytes, c->tcp->cfg.rcvbuf);
	return 0;
}

uint32_t
ptg_conn_rcvbuf(const struct ptg_conn *c)
{
	return c->rcvbuf;
}

void
ptg_conn_set_nodelay(struct ptg_conn *c, int on)
{
	if (on)
		c->flags |= TF_NODELAY;
	else
		c->flags &= ~TF_NODELAY;
}

void
ptg_conn_set_ctx(struct ptg_conn *c, void *ctx)
{
	c->user_ctx = ctx;
}

void *
ptg_conn_ctx(const struct ptg_conn *c)
{
	return c->user_ctx;
}

void *
ptg_conn_service_ctx(const struct ptg_conn *c)
{
	return c->svc_ctx;
}

struct ptg_tcp *
ptg_conn_tcp(const struct ptg_conn *c)
{
	return c->tcp;
}

enum ptg_tcp_state
ptg_conn_state(const struct ptg_conn *c)
{
	return (enum ptg_tcp_state)c->state;
}

void
ptg_conn_endpoints(const struct ptg_conn *c, rte_be32_t *laddr,
		   uint16_t *lport, rte_be32_t *raddr, uint16_t *rport)
{
	if (laddr)
		*laddr = c->laddr;
	if (lport)
		*lport = c->lport;
	if (raddr)
		*raddr = c->raddr;
	if (rport)
		*rport = c->rport;
}

void
ptg_conn_info(const struct ptg_conn *c, struct ptg_conn_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = (enum ptg_tcp_state)c->state;
	info->snd_una = c->snd_una;
	info->snd_nxt = c->snd_nxt;
	info->snd_wnd = c->snd_wnd;
	info->rcv_nxt = c->rcv_nxt;
	info->rcv_wnd = tcp_rcv_window(c);
	info->cwnd = c->cwnd;
	info->ssthresh = c->ssthresh;
	info->mss = c->mss;
	info->snd_wscale = c->snd_wscale;
	info->rcv_wscale = c->rcv_wscale;
	info->sack_ok = !!(c->flags & TF_SACK_OK);
	info->ts_ok = !!(c->flags & TF_TS_OK);
	info->srtt_ns = (uint64_t)c->srtt_us * 1000;
	info->rto_ns = tcp_rto_ns(c);
	info->retransmits = c->retransmits_total;
	info->sndq_bytes = c->sndq.bytes;
	info->rcvq_bytes = c->rcvq.bytes;
	info->ooo_bytes = c->ooo_bytes;
}
