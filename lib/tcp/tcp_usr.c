/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * User calls (RFC 9293 3.10.1-3.10.5): what the owner of a connection
 * calls, from its callbacks or from outside them, and the accessors.
 *
 *   ptg_connect() -> ptg_connect_from() -> tcp_conn_alloc() -> SYN-SENT
 *                 -> tcp_send_syn()
 *   ptg_send()     -> tcp_sndq_append() -> tcp_output()
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
	return ptg_connect_from(tcp, 0, dst, dport, sport, ops, svc_ctx,
				now_ns);
}

struct ptg_conn *
ptg_connect_from(struct ptg_tcp *tcp, rte_be32_t src, rte_be32_t dst,
		 uint16_t dport, uint16_t sport,
		 const struct ptg_conn_ops *ops, void *svc_ctx,
		 uint64_t now_ns)
{
	struct ptg_conn *c = NULL;
	struct tcp_key k;

	if (tcp == NULL || dport == 0 || dst == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (src == 0)
		src = tcp->laddr;
	if (!tcp_addr_is_local(tcp, src)) {
		rte_errno = EADDRNOTAVAIL;
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
	if (unlikely(tcp_mem_pressure(tcp))) {
		/* No new work while the queues' memory is short. */
		TCP_STAT(tcp, connect_mem_refused);
		rte_errno = ENOBUFS;
		return NULL;
	}
	tcp->now = now_ns;
	k.raddr = dst;
	k.laddr = src;
	k.rport = dport;
	if (sport != 0) {
		k.lport = sport;
		if (tcp_lookup_any(tcp, &k) != NULL) {
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
			    tcp_lookup_any(tcp, &k) == NULL)
				break;
		}
		if (tries == 16384) {
			rte_errno = EADDRINUSE;
			return NULL;
		}
	}
	c = tcp_conn_alloc(tcp, src, k.lport, dst, dport);
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
	return tcp_handle(c);
}

void
ptg_tcp_set_sport_filter(struct ptg_tcp *tcp, ptg_tcp_sport_filter_t fn,
			 void *arg)
{
	tcp->sport_ok = fn;
	tcp->sport_ok_arg = arg;
}

uint64_t
ptg_tcp_now(const struct ptg_tcp *tcp)
{
	return tcp->now;
}

int
ptg_conn_set_connect_timeout(struct ptg_conn *h, uint64_t ns)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL || (c->flags & TF_DEAD) || !(c->flags & TF_ACTIVE) ||
	    c->state != PTG_TCPS_SYN_SENT)
		return -ENOTCONN;
	if (ns == 0)
		return -EINVAL;
	/* RFC 9293 3.10.1: OPEN may carry a user timeout; this one bounds
	 * the handshake only. It rides on the keepalive timer, idle until
	 * the connection is established: tcp_established() re-arms it for
	 * keepalive, and without keepalive a deadline left over fires once
	 * into keep_fire() and finds nothing to do. */
	tcp_timer_arm(c, TT_KEEP, c->tcp->now + ns);
	return 0;
}

ssize_t
ptg_send(struct ptg_conn *h, const void *data, size_t len)
{
	struct ptg_conn *c = tcp_conn_of(h);
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
	space = tcp_send_space(c);
	n = (uint32_t)RTE_MIN(space, len);
	if (unlikely(n < len) && c->sndq.bytes + n < tcp->cfg.sndbuf)
		TCP_STAT(tcp, snd_mem_limited); /* the budget, not sndbuf */
	n = tcp_sndq_append(tcp, &c->sndq, data, n);
	if (n < len)
		c->flags |= TF_WANT_WRITABLE;
	if (n == 0 && len > 0 && space > 0 && tcp_flight(c) == 0)
		return -ENOBUFS; /* no mbuf, and no ACK will come to retry */
	if (tcp_synchronized(c))
		tcp_output(c);
	return n;
}

uint32_t
tcp_send_space(const struct ptg_conn *c)
{
	const struct ptg_tcp *tcp = c->tcp;
	uint32_t buf = tcp->cfg.sndbuf;
	uint32_t space = c->sndq.bytes < buf ? buf - c->sndq.bytes : 0;

	if (unlikely(tcp_mem_over(tcp))) {
		/* The engine's budget is spent: what fits in the free room of
		 * the last buffer, and one buffer for a connection with
		 * nothing queued, which no ACK would otherwise wake up. */
		uint32_t room = c->sndq.tail != NULL ?
				tcp_sndq_room(c->sndq.tail) :
				1u << tcp->buf_shift;

		space = RTE_MIN(space, room);
	}
	return space;
}

size_t
ptg_send_space(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? tcp_send_space(c) : 0;
}

size_t
ptg_send_queued(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? c->sndq.bytes : 0;
}

int
ptg_shutdown(struct ptg_conn *h)
{
	struct ptg_conn *c = tcp_conn_of(h);

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
ptg_close(struct ptg_conn *h)
{
	struct ptg_conn *c = tcp_conn_of(h);
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
ptg_abort(struct ptg_conn *h)
{
	struct ptg_conn *c = tcp_conn_of(h);

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
ptg_recv_resume(struct ptg_conn *h)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL || (c->flags & TF_DEAD) || (c->flags & TF_IN_CALLBACK))
		return;
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD))
		tcp_output(c);
}

int
ptg_conn_set_rcvbuf(struct ptg_conn *h, uint32_t bytes)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (bytes < 1024)
		return -EINVAL;
	c->rcvbuf = RTE_MIN(bytes, c->tcp->cfg.rcvbuf);
	tcp_rcv_bufs_update(c);
	return 0;
}

uint32_t
ptg_conn_rcvbuf(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? c->rcvbuf : 0;
}

int
ptg_conn_set_keepalive(struct ptg_conn *h, uint64_t idle_ns,
		       uint64_t intvl_ns, uint32_t probes)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL || (c->flags & TF_DEAD))
		return -ENOTCONN;
	if (idle_ns != 0 && intvl_ns == 0)
		return -EINVAL;
	c->keep_idle_ms = tcp_ns_ms(idle_ns);
	c->keep_intvl_ms = tcp_ns_ms(intvl_ns);
	c->keep_probes_max = (uint8_t)RTE_MIN(probes, (uint32_t)UINT8_MAX);
	c->keep_probes = 0;
	if (c->keep_idle_ms && tcp_synchronized(c) &&
	    c->state != PTG_TCPS_TIME_WAIT)
		tcp_keep_arm(c, RTE_MAX(c->tcp->now, c->last_rx_ns +
					idle_ns));
	return 0;
}

void
ptg_conn_set_nodelay(struct ptg_conn *h, int on)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL)
		return;
	if (on)
		c->flags |= TF_NODELAY;
	else
		c->flags &= ~TF_NODELAY;
}

void
ptg_conn_set_ctx(struct ptg_conn *h, void *ctx)
{
	struct ptg_conn *c = tcp_conn_of(h);

	if (c != NULL)
		c->user_ctx = ctx;
}

void *
ptg_conn_ctx(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? c->user_ctx : NULL;
}

void *
ptg_conn_service_ctx(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? c->svc_ctx : NULL;
}

struct ptg_tcp *
ptg_conn_tcp(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? c->tcp : NULL;
}

enum ptg_tcp_state
ptg_conn_state(const struct ptg_conn *h)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	return c != NULL ? (enum ptg_tcp_state)c->state : PTG_TCPS_CLOSED;
}

void
ptg_conn_endpoints(const struct ptg_conn *h, rte_be32_t *laddr,
		   uint16_t *lport, rte_be32_t *raddr, uint16_t *rport)
{
	const struct ptg_conn *c = tcp_conn_of(h);
	static const struct ptg_conn none;

	if (c == NULL)
		c = &none;
	if (laddr)
		*laddr = c->laddr;
	if (lport)
		*lport = c->lport;
	if (raddr)
		*raddr = c->raddr;
	if (rport)
		*rport = c->rport;
}

/* Time left on timer @p k at the engine's last poll; 0: off, 1: due. */
static uint64_t
timer_left(const struct ptg_conn *c, enum tcp_timer_kind k)
{
	uint64_t at = c->t_deadline[k], now = c->tcp->now;

	if (at == 0)
		return 0;
	return at > now ? at - now : 1;
}

void
ptg_conn_info(const struct ptg_conn *h, struct ptg_conn_info *info)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	memset(info, 0, sizeof(*info));
	if (c == NULL)
		return; /* CLOSED */
	if (unlikely(c->flags & TF_TW_VIEW)) {
		/* A TIME-WAIT record: no queues, no window to compute. */
		info->state = PTG_TCPS_TIME_WAIT;
		info->snd_una = c->snd_una;
		info->snd_nxt = c->snd_nxt;
		info->rcv_nxt = c->rcv_nxt;
		info->rcv_wnd = c->rcv_adv - c->rcv_nxt;
		info->rcv_wscale = c->rcv_wscale;
		info->ts_ok = !!(c->flags & TF_TS_OK);
		info->keep_left_ns = timer_left(c, TT_KEEP);
		return;
	}
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
	info->rexmt_left_ns = timer_left(c, TT_REXMT);
	info->delack_left_ns = timer_left(c, TT_DELACK);
	info->keep_left_ns = timer_left(c, TT_KEEP);
	info->persist = !!(c->flags & TF_PERSIST);
	info->backoff = c->rexmt_shift;
	info->sndq_bufs = c->sndq.nb_mbufs;
	info->rcvq_bufs = c->rcvq.nb_mbufs;
	info->ooo_bufs = c->ooo_nb;
	info->rcv_bufs_max = tcp_rcv_bufs_max(c);
}
