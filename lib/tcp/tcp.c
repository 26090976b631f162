/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine and the service-facing API.
 *
 *   ptg_tcp_create() -> tables, timer wheel, keys; ptg_net_set_l4(TCP)
 *   ptg_tcp_poll()   -> tcp_timer_advance(), accept queues -> on_accept,
 *                       tcp_conn_reap()
 *   ptg_send() / ptg_shutdown() / ptg_close() / ptg_abort() -> tcp_output()
 *   ptg_connect()    -> SYN-SENT (RFC 9293 3.10.1)
 *
 * Connections live in an rte_hash keyed by the 4-tuple and come from a
 * per-engine mempool; a destroyed block is unhashed at once and returned
 * to the pool at the end of the input batch or poll, so no callback ever
 * sees freed memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "tcp_priv.h"

static const char *const stat_names[] = {
#define PTG_TCP_STAT_NAME(n) #n,
	PTG_TCP_STATS(PTG_TCP_STAT_NAME)
#undef PTG_TCP_STAT_NAME
};

const char *
ptg_tcp_stat_name(unsigned int i)
{
	return i < RTE_DIM(stat_names) ? stat_names[i] : NULL;
}

void
ptg_tcp_config_default(struct ptg_tcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_conns = 65536;
	cfg->syn_queue_len = 1024;
	cfg->backlog = 1024;
	cfg->sndbuf = 256 * 1024;
	cfg->rcvbuf = 256 * 1024;
	cfg->mss = 0;
	cfg->wscale = 7;
	cfg->sack = 1;
	cfg->timestamps = 1;
	cfg->nodelay = 1;
	cfg->accept_overflow_rst = 0;
	cfg->syncookies = PTG_TCP_SYNCOOKIES_AUTO;
	cfg->cc = "newreno";
	cfg->msl_ns = 30ULL * 1000000000ULL;         /* TIME-WAIT 60 s */
	cfg->rto_min_ns = 200ULL * 1000000ULL;
	cfg->rto_max_ns = 60ULL * 1000000000ULL;     /* RFC 6298 2.5 */
	cfg->rto_initial_ns = 1000ULL * 1000000ULL;  /* RFC 6298 2.1 */
	cfg->syn_retries = 6;
	cfg->synack_retries = 5;
	cfg->max_retries = 15;
	cfg->delack_ns = 40ULL * 1000000ULL;
	cfg->keepalive_idle_ns = 0;
	cfg->keepalive_intvl_ns = 75ULL * 1000000000ULL;
	cfg->keepalive_probes = 9;
	cfg->challenge_ack_limit = 1000;
	cfg->fin_wait2_ns = 60ULL * 1000000000ULL;
}

static int
config_check(const struct ptg_tcp_config *cfg)
{
	if (cfg->max_conns < 8 || cfg->syn_queue_len == 0 ||
	    cfg->backlog == 0 || cfg->sndbuf < 1024 || cfg->rcvbuf < 1024 ||
	    cfg->wscale > TCP_MAX_WSCALE || cfg->rto_min_ns == 0 ||
	    cfg->rto_max_ns < cfg->rto_min_ns ||
	    cfg->rto_initial_ns < cfg->rto_min_ns ||
	    cfg->delack_ns == 0 || cfg->delack_ns > 500000000ULL ||
	    (cfg->mss != 0 && cfg->mss < TCP_MIN_MSS))
		return -EINVAL;
	return 0;
}

struct ptg_tcp *
ptg_tcp_create(struct ptg_net *net, const struct ptg_tcp_config *cfg,
	       int socket)
{
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_hash_parameters hp = { 0 };
	struct ptg_tcp *tcp;
	int err = EINVAL;

	if (net == NULL || cfg == NULL || config_check(cfg) != 0)
		goto fail;
	tcp = rte_zmalloc_socket("ptg_tcp", sizeof(*tcp), RTE_CACHE_LINE_SIZE,
				 socket);
	err = ENOMEM;
	if (tcp == NULL)
		goto fail;
	tcp->cfg = *cfg;
	tcp->net = net;
	tcp->mp = ptg_net_mempool(net);
	tcp->laddr = ptg_net_config(net)->addr;
	tcp->offloads = ptg_net_config(net)->offloads;
	tcp->cc = tcp_cc_find(cfg->cc);
	if (tcp->cc == NULL) {
		err = ENOENT;
		goto free_tcp;
	}
	tcp->cfg.cc = tcp->cc->name;
	TAILQ_INIT(&tcp->deadq);
	TAILQ_INIT(&tcp->ready);
	tcp->eph_next = (uint16_t)rte_rand();
	/* RFC 6528 3 / RFC 4987: fresh secrets every start. */
	tcp->isn_key[0] = rte_rand();
	tcp->isn_key[1] = rte_rand();
	tcp->cookie_key[0] = rte_rand();
	tcp->cookie_key[1] = rte_rand();

	snprintf(name, sizeof(name), "ptg_conn_%u",
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	tcp->conn_pool = rte_mempool_create(name, cfg->max_conns,
					    sizeof(struct ptg_conn), 0, 0,
					    NULL, NULL, NULL, NULL, socket, 0);
	if (tcp->conn_pool == NULL)
		goto free_tcp;
	hp.name = name + 4; /* "conn_N": unique like the pool's */
	hp.entries = cfg->max_conns;
	hp.key_len = sizeof(struct tcp_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	tcp->table = rte_hash_create(&hp);
	if (tcp->table == NULL)
		goto free_pool;
	if (tcp_timer_init(tcp, socket) != 0)
		goto free_table;
	if (ptg_net_set_l4(net, IPPROTO_TCP, tcp_input, tcp) != 0) {
		err = EINVAL;
		goto free_timer;
	}
	return tcp;

free_timer:
	tcp_timer_fini(tcp);
free_table:
	rte_hash_free(tcp->table);
free_pool:
	rte_mempool_free(tcp->conn_pool);
free_tcp:
	rte_free(tcp);
fail:
	rte_errno = err;
	return NULL;
}

static void
conn_release(struct ptg_conn *c)
{
	tcp_bufq_free(&c->sndq);
	tcp_bufq_free(&c->rcvq);
	tcp_reass_free(c);
}

void
ptg_tcp_free(struct ptg_tcp *tcp)
{
	const void *key;
	void *data;
	uint32_t iter = 0;

	if (tcp == NULL)
		return;
	ptg_net_set_l4(tcp->net, IPPROTO_TCP, NULL, NULL);
	while (rte_hash_iterate(tcp->table, &key, &data, &iter) >= 0) {
		struct ptg_conn *c = data;

		conn_release(c);
		rte_mempool_put(tcp->conn_pool, c);
	}
	tcp_conn_reap(tcp);
	for (unsigned int p = 0; p <= (unsigned int)UINT16_MAX; p++)
		rte_free(tcp->listeners[p]);
	tcp_timer_fini(tcp);
	rte_hash_free(tcp->table);
	rte_mempool_free(tcp->conn_pool);
	rte_free(tcp);
}

/* ----------------------------------------------------------------------
 * Connection table and life cycle
 */

static void
key_of(const struct ptg_conn *c, struct tcp_key *k)
{
	k->raddr = c->raddr;
	k->laddr = c->laddr;
	k->rport = c->rport;
	k->lport = c->lport;
}

struct ptg_conn *
tcp_lookup(struct ptg_tcp *tcp, const struct tcp_key *k)
{
	void *data;

	if (rte_hash_lookup_data(tcp->table, k, &data) < 0)
		return NULL;
	return data;
}

struct ptg_conn *
tcp_conn_alloc(struct ptg_tcp *tcp, rte_be32_t laddr, uint16_t lport,
	       rte_be32_t raddr, uint16_t rport)
{
	struct ptg_conn *c;
	struct tcp_key k;
	uint64_t secret;

	if (rte_mempool_get(tcp->conn_pool, (void **)&c) != 0) {
		TCP_STAT(tcp, drop_table_full);
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->tcp = tcp;
	c->laddr = laddr;
	c->lport = lport;
	c->raddr = raddr;
	c->rport = rport;
	secret = tcp_tuple_secret(tcp, laddr, lport, raddr, rport);
	c->ts_offset = (uint32_t)(secret >> 32);
	c->iss = tcp_isn_from(secret, tcp->now);
	c->mss = tcp_mss_for_mtu(tcp);
	c->peer_mss = TCP_DEFAULT_MSS;
	c->rcvbuf = tcp->cfg.rcvbuf;
	key_of(c, &k);
	if (rte_hash_add_key_data(tcp->table, &k, c) != 0) {
		rte_mempool_put(tcp->conn_pool, c);
		TCP_STAT(tcp, drop_table_full);
		return NULL;
	}
	tcp->nb_conns++;
	return c;
}

void
tcp_set_state(struct ptg_conn *c, enum ptg_tcp_state s)
{
	c->state = (uint8_t)s;
}

void
tcp_notify_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	if (!(c->flags & TF_ACCEPTED) || (c->flags & TF_CLOSE_NOTIFIED))
		return;
	c->flags |= TF_CLOSE_NOTIFIED;
	c->close_reason = (uint8_t)reason;
	if (c->ops != NULL && c->ops->on_close != NULL) {
		c->flags |= TF_IN_CALLBACK;
		c->ops->on_close(c, reason);
		c->flags &= ~TF_IN_CALLBACK;
	}
}

static void
listener_unqueue(struct ptg_conn *c)
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
tcp_conn_destroy(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct ptg_tcp *tcp = c->tcp;
	struct tcp_key k;

	if (c->flags & TF_DEAD)
		return;
	c->flags |= TF_DEAD;
	key_of(c, &k);
	rte_hash_del_key(tcp->table, &k);
	tcp->nb_conns--;
	listener_unqueue(c);
	tcp_timer_stop_all(c);
	conn_release(c);
	tcp_set_state(c, PTG_TCPS_CLOSED);
	tcp_notify_close(c, reason);
	TAILQ_INSERT_TAIL(&tcp->deadq, c, qlink);
}

/* RFC 9293 3.10.5 / 3.8.3: end a connection with <SEQ=SND.NXT><RST,ACK>. */
void
tcp_conn_reset(struct ptg_conn *c, enum ptg_close_reason reason)
{
	tcp_send_ctl(c, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, c->snd_nxt);
	TCP_STAT(c->tcp, conn_reset_tx);
	tcp_conn_destroy(c, reason);
}

void
tcp_conn_reap(struct ptg_tcp *tcp)
{
	struct ptg_conn *c;

	while ((c = TAILQ_FIRST(&tcp->deadq)) != NULL) {
		TAILQ_REMOVE(&tcp->deadq, c, qlink);
		rte_mempool_put(tcp->conn_pool, c);
	}
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
	if (tcp->cfg.keepalive_idle_ns)
		tcp_timer_arm(c, TT_KEEP, tcp->now + tcp->cfg.keepalive_idle_ns);
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

/* Offer queued in-order bytes to the service; on_fin once all of them
 * (and the FIN) are consumed. */
void
tcp_deliver(struct ptg_conn *c)
{
	uint32_t adv, wnd, consumed = 0;

	if (!(c->flags & TF_ACCEPTED) ||
	    (c->flags & (TF_DETACHED | TF_DEAD | TF_CLOSE_NOTIFIED)))
		return;
	while (c->rcvq.head != NULL && c->ops->on_data != NULL) {
		struct rte_mbuf *m = c->rcvq.head;
		uint32_t n = m->data_len - c->rcvq.head_off;
		size_t used;

		c->flags |= TF_IN_CALLBACK | TF_IN_ON_DATA;
		used = c->ops->on_data(c, rte_pktmbuf_mtod_offset(m, void *,
						c->rcvq.head_off), n);
		c->flags &= ~(TF_IN_CALLBACK | TF_IN_ON_DATA);
		if (c->flags & TF_DEAD)
			return;
		if (used > n)
			used = n;
		if (used > 0)
			tcp_bufq_drop(&c->rcvq, (uint32_t)used);
		consumed += (uint32_t)used;
		if (c->flags & TF_CLOSE_PENDING) {
			/* ptg_close() from on_data, now that the bytes it
			 * consumed are gone from the queue. */
			c->flags &= ~TF_CLOSE_PENDING;
			ptg_close(c);
			return;
		}
		if (used < n || (c->flags & TF_DETACHED))
			break;
	}
	if (c->ops->on_data == NULL)
		tcp_bufq_drop(&c->rcvq, c->rcvq.bytes);
	if ((c->flags & (TF_FIN_RCVD | TF_FIN_NOTIFIED)) == TF_FIN_RCVD &&
	    c->rcvq.bytes == 0 && !(c->flags & TF_DETACHED)) {
		c->flags |= TF_FIN_NOTIFIED;
		if (c->ops->on_fin != NULL) {
			c->flags |= TF_IN_CALLBACK;
			c->ops->on_fin(c);
			c->flags &= ~TF_IN_CALLBACK;
		}
	}
	if ((c->flags & TF_DEAD) || !tcp_synchronized(c) || consumed == 0)
		return;
	/* RFC 9293 3.8.6.2.2 / RFC 1122 4.2.3.3: a window update of its own
	 * only when the window opened by two segments or half the buffer
	 * beyond what was advertised; smaller openings ride on the next
	 * (possibly delayed) ACK. */
	adv = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	wnd = tcp_rcv_window(c);
	if (wnd > adv && (wnd - adv >= 2u * c->mss ||
			  wnd - adv >= c->rcvbuf / 2))
		c->flags |= TF_WND_UPDATE;
}

/* After an ACK freed send space: on_writable, then re-offer held data. */
void
tcp_after_ack(struct ptg_conn *c)
{
	if ((c->flags & (TF_WANT_WRITABLE | TF_DEAD | TF_DETACHED)) !=
	    TF_WANT_WRITABLE || !(c->flags & TF_ACCEPTED) ||
	    !tcp_synchronized(c) || c->state == PTG_TCPS_TIME_WAIT)
		return;
	if (ptg_send_space(c) == 0)
		return;
	c->flags &= ~TF_WANT_WRITABLE;
	if (c->ops->on_writable != NULL) {
		c->flags |= TF_IN_CALLBACK;
		c->ops->on_writable(c);
		c->flags &= ~TF_IN_CALLBACK;
	}
	if (c->flags & TF_DEAD)
		return;
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD))
		tcp_output(c);
}

/* ----------------------------------------------------------------------
 * Poll, listeners, accept
 */

static void
hand_over(struct ptg_conn *c)
{
	int rc = 0;

	c->flags |= TF_ACCEPTED;
	TCP_STAT(c->tcp, accepted);
	if (c->ops->on_accept != NULL) {
		c->flags |= TF_IN_CALLBACK;
		rc = c->ops->on_accept(c);
		c->flags &= ~TF_IN_CALLBACK;
	}
	if (c->flags & TF_DEAD)
		return;
	if (rc != 0) {
		ptg_abort(c);
		return;
	}
	/* Data that arrived with or after the handshake. */
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD)) {
		tcp_output(c);
		tcp_after_ack(c);
	}
}

void
ptg_tcp_poll(struct ptg_tcp *tcp, uint64_t now_ns)
{
	struct tcp_listener *l;

	tcp->now = now_ns;
	tcp_timer_advance(tcp, now_ns);
	while ((l = TAILQ_FIRST(&tcp->ready)) != NULL) {
		struct ptg_conn *c;

		TAILQ_REMOVE(&tcp->ready, l, rlink);
		l->in_ready = 0;
		while ((c = TAILQ_FIRST(&l->acceptq)) != NULL) {
			TAILQ_REMOVE(&l->acceptq, c, qlink);
			l->acceptq_len--;
			c->flags &= ~TF_IN_ACCEPTQ;
			c->listener = NULL;
			hand_over(c);
		}
	}
	tcp_conn_reap(tcp);
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
	l = rte_zmalloc("ptg_tcp_listener", sizeof(*l), 0);
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

int
ptg_tcp_unlisten(struct ptg_tcp *tcp, uint16_t port)
{
	struct tcp_listener *l;

	if (tcp == NULL || (l = tcp->listeners[port]) == NULL)
		return -ENOENT;
	listener_flush(tcp, l);
	tcp->listeners[port] = NULL;
	tcp->nb_listeners--;
	rte_free(l);
	tcp_conn_reap(tcp);
	return 0;
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
	return c;
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

unsigned int
ptg_tcp_accept_queue_len(struct ptg_tcp *tcp, uint16_t port)
{
	struct tcp_listener *l = tcp ? tcp->listeners[port] : NULL;

	return l ? l->acceptq_len : 0;
}

void
ptg_tcp_stop(struct ptg_tcp *tcp, uint64_t now_ns, uint64_t linger_ns)
{
	const void *key;
	void *data;
	uint32_t iter = 0;

	tcp->now = now_ns;
	tcp->stopping = 1;
	for (unsigned int p = 1; p <= (unsigned int)UINT16_MAX; p++)
		if (tcp->listeners[p] != NULL)
			ptg_tcp_unlisten(tcp, (uint16_t)p);
	while (rte_hash_iterate(tcp->table, &key, &data, &iter) >= 0) {
		struct ptg_conn *c = data;

		if (c->flags & TF_DEAD)
			continue;
		if (c->state == PTG_TCPS_TIME_WAIT) {
			/* Nothing more will be sent from this endpoint. */
			tcp_conn_destroy(c, PTG_CLOSE_SHUTDOWN);
			continue;
		}
		if (c->state < PTG_TCPS_ESTABLISHED) {
			tcp_conn_reset(c, PTG_CLOSE_SHUTDOWN);
			continue;
		}
		ptg_shutdown(c);
		/* Whatever is left after the linger gets a RST. */
		c->flags |= TF_DETACHED;
		tcp_timer_arm(c, TT_KEEP, now_ns + linger_ns);
		c->t_deadline[TT_KEEP] = now_ns + linger_ns;
	}
	tcp_conn_reap(tcp);
}

unsigned int
ptg_tcp_conn_count(const struct ptg_tcp *tcp)
{
	return tcp ? tcp->nb_conns : 0;
}

const struct ptg_tcp_stats *
ptg_tcp_stats(const struct ptg_tcp *tcp)
{
	return &tcp->stats;
}

struct ptg_net *
ptg_tcp_net(const struct ptg_tcp *tcp)
{
	return tcp->net;
}

/* ----------------------------------------------------------------------
 * Active open (RFC 9293 3.10.1)
 */

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

/* ----------------------------------------------------------------------
 * Service API
 */

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
