/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Listeners (RFC 9293 3.10.7.2): listen and unlisten, the SYN queue, the
 * accept queue and its hand-over to the connection's ops, SYN cookies
 * (RFC 4987) and the input of a segment that found no connection but a
 * listener.
 *
 *   tcp_input() -> tcp_listen_input() -> SYN queue -> tcp_send_synack()
 *                                     | cookie SYN-ACK | cookie ACK
 *   handshake done -> tcp_established() -> accept queue -> ready list
 *   ptg_tcp_poll() -> tcp_listen_hand_over() -> tcp_upcall_accept()
 *                  -> tcp_listen_reap()   (listeners unlistened meanwhile)
 *   ptg_tcp_accept() (manual accept, the socket API)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "tcp_priv.h"

#define TH_SYN RTE_TCP_SYN_FLAG
#define TH_RST RTE_TCP_RST_FLAG
#define TH_ACK RTE_TCP_ACK_FLAG

uint8_t
tcp_rcv_wscale(const struct ptg_tcp *tcp)
{
	uint8_t s = 0;

	while (s < tcp->cfg.wscale && (tcp->cfg.rcvbuf >> s) > TCP_WIN_MAX)
		s++;
	return s;
}

/* Cookie SYN-ACKs carry in the low 11 bits of TSval: bits 0-3 the peer's
 * shift (15: none), bit 4 SACK-permitted, bits 5-10 six more bits of the
 * cookie's MAC (tcp_isn.c), which covers all of them. */
#define COOKIE_TS_OPT_BITS 5
#define COOKIE_TS_OPT_MASK ((1u << COOKIE_TS_OPT_BITS) - 1)
#define COOKIE_TS_BITS 11
#define COOKIE_TS_MASK ((1u << COOKIE_TS_BITS) - 1)
#define COOKIE_NO_WS 15

static void
listen_cookie_synack(struct ptg_tcp *tcp, struct tcp_listener *l,
		     const struct tcp_seg *seg)
{
	int ts = seg->opt.has_ts && tcp->cfg.timestamps;
	uint32_t bits = (seg->opt.has_ws ? seg->opt.wscale : COOKIE_NO_WS) |
			((seg->opt.sack_ok && tcp->cfg.sack) ? 16u : 0u);
	uint32_t ts_mac = 0, iss, tsval = 0;
	uint16_t mss;

	iss = tcp_cookie_make(tcp, seg, &mss, ts ? bits : TCP_COOKIE_NO_TS,
			      &ts_mac, tcp->now);
	if (ts) {
		uint32_t off = (uint32_t)(tcp_tuple_secret(tcp,
				seg->ip->dst_addr,
				rte_be_to_cpu_16(seg->th->dst_port),
				seg->ip->src_addr,
				rte_be_to_cpu_16(seg->th->src_port)) >> 32);
		uint32_t cur = tcp_ts_clock(tcp->now) + off;

		tsval = (cur & ~COOKIE_TS_MASK) |
			(ts_mac << COOKIE_TS_OPT_BITS) | bits;
		/* Never ahead of the clock, or later TSvals would go
		 * backwards (at most ~2 s behind it). */
		if (seq_gt(tsval, cur))
			tsval -= COOKIE_TS_MASK + 1;
	}
	/* Auto mode: cookie ACKs are taken for a while after this. */
	if (tcp->cfg.syncookies == PTG_TCP_SYNCOOKIES_AUTO)
		l->cookie_ns = RTE_MAX(tcp->now, (uint64_t)1);
	TCP_STAT(tcp, syncookies_sent);
	tcp_send_cookie_synack(tcp, seg, iss, mss, tsval, tcp_rcv_wscale(tcp),
			       (bits & 16) != 0);
}

/* Whether an ACK to @l may be a cookie's: always in ALWAYS mode; in AUTO
 * mode only within syncookie_window_ns of the last cookie this listener
 * sent for a full SYN queue (or table), as Linux does, so that a flood of
 * guessed ACKs meets no MAC to guess while there is no SYN flood. */
static int
cookies_expected(const struct ptg_tcp *tcp, const struct tcp_listener *l)
{
	switch (tcp->cfg.syncookies) {
	case PTG_TCP_SYNCOOKIES_ALWAYS:
		return 1;
	case PTG_TCP_SYNCOOKIES_AUTO:
		return l->cookie_ns != 0 &&
		       tcp->now - l->cookie_ns <= tcp->cfg.syncookie_window_ns;
	default:
		return 0;
	}
}

static void
conn_init_common(struct ptg_conn *c, struct tcp_listener *l)
{
	struct ptg_tcp *tcp = c->tcp;

	c->ops = l ? l->ops : c->ops;
	c->svc_ctx = l ? l->svc_ctx : c->svc_ctx;
	if (l != NULL && l->rcvbuf != 0)
		c->rcvbuf = l->rcvbuf;
	c->rcv_wscale = tcp_rcv_wscale(tcp);
	c->rto_us = (uint32_t)(tcp->cfg.rto_initial_ns / 1000);
	c->cc = tcp->cc;
	if (tcp->cfg.nodelay)
		c->flags |= TF_NODELAY;
	c->last_rx_ns = tcp->now;
	if (l != NULL && l->keep_set) {
		c->keep_idle_ms = l->keep_idle_ms;
		c->keep_intvl_ms = l->keep_intvl_ms;
		c->keep_probes_max = l->keep_probes;
	}
}

/* The ACK of a SYN cookie: rebuild the connection (RFC 4987 3.6). */
static struct ptg_conn *
listen_cookie_ack(struct ptg_tcp *tcp, struct tcp_listener *l,
		  struct tcp_seg *seg)
{
	struct ptg_conn *c;
	uint16_t mss;

	int ts = seg->opt.has_ts && tcp->cfg.timestamps;

	if (tcp_cookie_check(tcp, seg, &mss, ts ?
			     (seg->opt.tsecr & COOKIE_TS_OPT_MASK) :
			     TCP_COOKIE_NO_TS,
			     (seg->opt.tsecr >> COOKIE_TS_OPT_BITS) &
			     TCP_COOKIE_TS_MAC_MASK, tcp->now) != 0) {
		TCP_STAT(tcp, syncookies_bad);
		return NULL;
	}
	if (l->acceptq_len >= l->backlog) {
		TCP_STAT(tcp, acceptq_overflow);
		l->acceptq_overflow++;
		return NULL;
	}
	c = tcp_conn_alloc(tcp, seg->ip->dst_addr,
			   rte_be_to_cpu_16(seg->th->dst_port),
			   seg->ip->src_addr, rte_be_to_cpu_16(seg->th->src_port));
	if (c == NULL)
		return NULL;
	TCP_STAT(tcp, syncookies_ok);
	TCP_STAT(tcp, passive_opens);
	conn_init_common(c, l);
	c->iss = seg->ack - 1;
	c->irs = seg->seq - 1;
	c->snd_una = c->snd_nxt = c->snd_max = seg->ack;
	c->snd_seq0 = seg->ack;
	c->recover = c->iss;
	c->rcv_nxt = seg->seq;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(c->rcvbuf, TCP_WIN_MAX);
	c->last_ack_sent = c->rcv_nxt;
	c->peer_mss = mss;
	c->mss = RTE_MIN(tcp_mss_for_mtu(tcp), mss);
	c->snd_wscale = 0;
	c->rcv_wscale = 0;
	if (ts) {
		uint32_t bits = seg->opt.tsecr & COOKIE_TS_OPT_MASK;

		c->flags |= TF_TS_OK;
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_age = tcp->now;
		c->mss -= 12;
		if ((bits & 15) != COOKIE_NO_WS) {
			c->flags |= TF_WS_OK;
			c->snd_wscale = bits & 15;
			c->rcv_wscale = tcp_rcv_wscale(tcp);
		}
		if (bits & 16)
			c->flags |= TF_SACK_OK;
	}
	tcp_rcv_bufs_update(c);
	c->snd_wnd = seg->wnd << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	c->listener = l;
	tcp_established(c);
	return c;
}

void
tcp_listen_input(struct ptg_tcp *tcp, struct tcp_listener *l,
		 struct tcp_seg *seg)
{
	struct ptg_conn *c;
	rte_be32_t raddr = seg->ip->src_addr;
	uint16_t rport = rte_be_to_cpu_16(seg->th->src_port);

	/* First: a RST to a listener is ignored. */
	if (seg->flags & TH_RST)
		goto drop;
	/* Second: an ACK is bad here, unless it returns a SYN cookie. */
	if (seg->flags & TH_ACK) {
		if (!(seg->flags & TH_SYN) && cookies_expected(tcp, l)) {
			c = listen_cookie_ack(tcp, l, seg);
			if (c != NULL) {
				tcp_conn_input(c, seg);
				return;
			}
		} else if (!(seg->flags & TH_SYN) &&
			   tcp->cfg.syncookies == PTG_TCP_SYNCOOKIES_AUTO) {
			/* No SYN flood lately: not checked as a cookie. */
			TCP_STAT(tcp, syncookies_unexpected);
		}
		tcp_respond_rst(tcp, seg);
		goto drop;
	}
	/* Third: SYN. */
	if (!(seg->flags & TH_SYN) || tcp->stopping)
		goto drop;
	if (unlikely(tcp_mem_pressure(tcp))) {
		/* No new work while the queues' memory is short: the
		 * client's SYN retransmission tries again. */
		TCP_STAT(tcp, drop_syn_pressure);
		goto drop_quiet;
	}
	if (l->synq_len >= tcp->cfg.syn_queue_len ||
	    tcp->cfg.syncookies == PTG_TCP_SYNCOOKIES_ALWAYS) {
		if (l->synq_len >= tcp->cfg.syn_queue_len)
		{
			TCP_STAT(tcp, synq_overflow);
			l->synq_overflow++;
		}
		if (tcp->cfg.syncookies != PTG_TCP_SYNCOOKIES_NEVER)
			listen_cookie_synack(tcp, l, seg);
		goto drop_quiet;
	}
	c = tcp_conn_alloc(tcp, seg->ip->dst_addr,
			   rte_be_to_cpu_16(seg->th->dst_port), raddr, rport);
	if (c == NULL) {
		/* Table full: a cookie still lets the client in. */
		if (tcp->cfg.syncookies != PTG_TCP_SYNCOOKIES_NEVER)
			listen_cookie_synack(tcp, l, seg);
		goto drop_quiet;
	}
	TCP_STAT(tcp, passive_opens);
	conn_init_common(c, l);
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	/* c->iss: RFC 6528, set by tcp_conn_alloc(). */
	if (tcp->tw_iss_valid) {
		/* RFC 6191 / RFC 9293 3.4.1: above the old incarnation. */
		if (seq_gt(tcp->tw_iss_hint, c->iss))
			c->iss = tcp->tw_iss_hint;
		tcp->tw_iss_valid = 0;
	}
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_seq0 = c->iss + 1;
	c->recover = c->iss;
	c->snd_wnd = seg->wnd; /* RFC 7323 2.2: unscaled in a SYN */
	c->max_snd_wnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	tcp_negotiate(c, seg);
	tcp_set_state(c, PTG_TCPS_SYN_RECEIVED);
	c->listener = l;
	TAILQ_INSERT_TAIL(&l->synq, c, qlink);
	c->flags |= TF_IN_SYNQ;
	l->synq_len++;
	c->rtt_start_ns = tcp->now;
	tcp_send_synack(c);
	tcp_rexmt_restart(c);
	goto drop_quiet;

drop:
	TCP_STAT(tcp, drop_listen_bad);
drop_quiet:
	rte_pktmbuf_free(seg->m);
	seg->m = NULL;
	tcp_listen_check(tcp, l);
}

void
tcp_listen_unqueue(struct ptg_conn *c)
{
	struct tcp_listener *l = c->listener;

	if (l == NULL)
		return;
	if (c->flags & TF_IN_SYNQ) {
		TAILQ_REMOVE(&l->synq, c, qlink);
		l->synq_len--;
	} else if (c->flags & TF_IN_ACCEPTQ) {
		TAILQ_REMOVE(&l->acceptq, c, qlink);
		l->acceptq_len--;
	}
	c->flags &= ~(TF_IN_SYNQ | TF_IN_ACCEPTQ);
	c->listener = NULL;
}

void
tcp_established(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;
	struct tcp_listener *l = c->listener;

	tcp_set_state(c, PTG_TCPS_ESTABLISHED);
	TCP_STAT(tcp, established);
	/* RFC 6298 5.7: SYN or SYN-ACK retransmitted and no RTT measured:
	 * data starts with an RTO of 3 s. */
	if (c->srtt_us == 0 && c->rexmt_shift > 0)
		c->rto_us = RTE_MAX(c->rto_us, TCP_RTO_AFTER_SYN_LOSS_US);
	c->rexmt_shift = 0;
	c->cc->init(c);
	if (c->snd_una == c->snd_max)
		tcp_timer_stop(c, TT_REXMT);
	tcp_keep_start(c);
	/* A FIN that ptg_shutdown() queued in SYN-RECEIVED goes out now
	 * (RFC 9293 3.10.4). */
	if (c->flags & TF_FIN_QUEUED)
		tcp_set_state(c, PTG_TCPS_FIN_WAIT_1);
	if (l == NULL) {
		/* Active open: the service owns it already. */
		c->flags |= TF_WANT_WRITABLE;
		return;
	}
	if (c->flags & TF_IN_SYNQ) {
		TAILQ_REMOVE(&l->synq, c, qlink);
		l->synq_len--;
		c->flags &= ~TF_IN_SYNQ;
	}
	TAILQ_INSERT_TAIL(&l->acceptq, c, qlink);
	c->flags |= TF_IN_ACCEPTQ;
	l->acceptq_len++;
	if (!l->manual_accept && !l->in_ready) {
		l->in_ready = 1;
		TAILQ_INSERT_TAIL(&tcp->ready, l, rlink);
	}
}

int
ptg_tcp_listen(struct ptg_tcp *tcp, uint16_t port,
	       const struct ptg_conn_ops *ops, void *svc_ctx,
	       uint32_t backlog)
{
	struct tcp_listener *l;
	int rc;

	if (tcp == NULL || port == 0)
		return -EINVAL;
	rc = ptg_conn_ops_check(ops);
	if (rc != 0)
		return rc;
	if (tcp->listeners[port] != NULL)
		return -EADDRINUSE;
	/* A control-path object in libc memory: the sanitizer build sees
	 * any use after ptg_tcp_unlisten() freed it. */
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->port = port;
	l->ops = ops;
	l->svc_ctx = svc_ctx;
	l->backlog = backlog ? backlog : tcp->cfg.backlog;
	TAILQ_INIT(&l->synq);
	TAILQ_INIT(&l->acceptq);
	tcp->listeners[port] = l;
	tcp->nb_listeners++;
	return 0;
}

static void
listener_flush(struct ptg_tcp *tcp, struct tcp_listener *l)
{
	struct ptg_conn *c;

	while ((c = TAILQ_FIRST(&l->synq)) != NULL)
		tcp_conn_reset(c, PTG_CLOSE_SHUTDOWN);
	while ((c = TAILQ_FIRST(&l->acceptq)) != NULL)
		tcp_conn_reset(c, PTG_CLOSE_SHUTDOWN);
	if (l->in_ready) {
		TAILQ_REMOVE(&tcp->ready, l, rlink);
		l->in_ready = 0;
	}
}

/*
 * The port is free at once (a new SYN meets no listener, a new listener
 * may take it), the queued connections are reset; the listener itself is
 * freed at the end of the poll (tcp_listen_reap()), because the caller
 * may be an on_accept that tcp_listen_hand_over() is walking its accept
 * queue for.
 */
int
ptg_tcp_unlisten(struct ptg_tcp *tcp, uint16_t port)
{
	struct tcp_listener *l;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL)
		return -ENOENT;
	listener_flush(tcp, l);
	tcp->listeners[port] = NULL;
	tcp->nb_listeners--;
	l->closing = 1;
	TAILQ_INSERT_TAIL(&tcp->dead_listeners, l, rlink);
	return 0;
}

void
tcp_listen_reap(struct ptg_tcp *tcp)
{
	struct tcp_listener *l;

	while ((l = TAILQ_FIRST(&tcp->dead_listeners)) != NULL) {
		TAILQ_REMOVE(&tcp->dead_listeners, l, rlink);
		free(l);
	}
}

int
ptg_tcp_set_manual_accept(struct ptg_tcp *tcp, uint16_t port, int on)
{
	struct tcp_listener *l;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL)
		return -ENOENT;
	l->manual_accept = !!on;
	return 0;
}

struct ptg_conn *
ptg_tcp_accept(struct ptg_tcp *tcp, uint16_t port)
{
	struct tcp_listener *l;
	struct ptg_conn *c;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL) {
		rte_errno = ENOENT;
		return NULL;
	}
	c = TAILQ_FIRST(&l->acceptq);
	if (c == NULL) {
		rte_errno = EAGAIN;
		return NULL;
	}
	TAILQ_REMOVE(&l->acceptq, c, qlink);
	l->acceptq_len--;
	c->flags &= ~TF_IN_ACCEPTQ;
	c->flags |= TF_ACCEPTED;
	c->listener = NULL;
	TCP_STAT(tcp, accepted);
	return tcp_handle(c);
}

int
ptg_tcp_listen_set_keepalive(struct ptg_tcp *tcp, uint16_t port,
			     uint64_t idle_ns, uint64_t intvl_ns,
			     uint32_t probes)
{
	struct tcp_listener *l;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL)
		return -ENOENT;
	if (idle_ns != 0 && intvl_ns == 0)
		return -EINVAL;
	l->keep_set = 1;
	l->keep_idle_ms = tcp_ns_ms(idle_ns);
	l->keep_intvl_ms = tcp_ns_ms(intvl_ns);
	l->keep_probes = (uint8_t)RTE_MIN(probes, (uint32_t)UINT8_MAX);
	return 0;
}

int
ptg_tcp_listen_set_rcvbuf(struct ptg_tcp *tcp, uint16_t port, uint32_t bytes)
{
	struct tcp_listener *l;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL)
		return -ENOENT;
	if (bytes != 0 && bytes < 1024)
		return -EINVAL;
	l->rcvbuf = RTE_MIN(bytes, tcp->cfg.rcvbuf);
	return 0;
}

int
ptg_tcp_listener_info(const struct ptg_tcp *tcp, uint16_t port,
		      struct ptg_tcp_listener_info *info)
{
	const struct tcp_listener *l = tcp ? tcp->listeners[port] : NULL;

	if (l == NULL)
		return -ENOENT;
	info->port = port;
	info->synq_len = l->synq_len;
	info->synq_max = tcp->cfg.syn_queue_len;
	info->acceptq_len = l->acceptq_len;
	info->backlog = l->backlog;
	info->synq_overflow = l->synq_overflow;
	info->acceptq_overflow = l->acceptq_overflow;
	return 0;
}

unsigned int
ptg_tcp_accept_queue_len(struct ptg_tcp *tcp, uint16_t port)
{
	struct tcp_listener *l = tcp ? tcp->listeners[port] : NULL;

	return l ? l->acceptq_len : 0;
}

/* Hand every connection of every ready accept queue to its ops. */
void
tcp_listen_hand_over(struct ptg_tcp *tcp)
{
	struct tcp_listener *l;

	while ((l = TAILQ_FIRST(&tcp->ready)) != NULL) {
		struct ptg_conn *c;

		TAILQ_REMOVE(&tcp->ready, l, rlink);
		l->in_ready = 0;
		tcp_listen_check(tcp, l);
		while ((c = TAILQ_FIRST(&l->acceptq)) != NULL) {
			TAILQ_REMOVE(&l->acceptq, c, qlink);
			l->acceptq_len--;
			c->flags &= ~TF_IN_ACCEPTQ;
			c->listener = NULL;
			tcp_upcall_accept(c);
			if (l->closing)
				break; /* unlistened from on_accept */
		}
	}
}
