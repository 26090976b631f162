/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine and its connection table: create and free, the 4-tuple
 * table, a connection's life from tcp_conn_alloc() to the dead queue,
 * the poll and the stop.
 *
 *   ptg_tcp_create() -> conn pool, rte_hash, timer wheel, keys;
 *                       ptg_net_set_l4(TCP)
 *   ptg_tcp_poll()   -> tcp_timer_advance() -> tcp_listen_hand_over()
 *                       -> tcp_conn_reap()
 *   tcp_conn_alloc() ... tcp_conn_destroy() -> tcp_notify_close()
 *                       -> dead queue -> tcp_conn_reap()
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
	    (cfg->mss != 0 && cfg->mss < PTG_TCP_MSS_MIN))
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
	/* Only as far as the last listener: the engine is made and freed
	 * per test input, and the table has a slot for every port. */
	for (unsigned int p = 0, left = tcp->nb_listeners;
	     p <= (unsigned int)UINT16_MAX && left > 0; p++) {
		if (tcp->listeners[p] != NULL) {
			rte_free(tcp->listeners[p]);
			left--;
		}
	}
	tcp_timer_fini(tcp);
	rte_hash_free(tcp->table);
	rte_mempool_free(tcp->conn_pool);
	rte_free(tcp);
}

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
	c->peer_mss = PTG_TCP_MSS_DEFAULT;
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
	PTG_ASSERT(tcp_state_legal((enum ptg_tcp_state)c->state, s));
	c->state = (uint8_t)s;
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
	tcp_listen_unqueue(c);
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
ptg_tcp_poll(struct ptg_tcp *tcp, uint64_t now_ns)
{
	tcp->now = now_ns;
	tcp_timer_advance(tcp, now_ns);
	tcp_listen_hand_over(tcp);
	tcp_conn_reap(tcp);
	tcp_table_check(tcp);
}

void
ptg_tcp_stop(struct ptg_tcp *tcp, uint64_t now_ns, uint64_t linger_ns)
{
	const void *key;
	void *data;
	uint32_t iter = 0;

	tcp->now = now_ns;
	tcp->stopping = 1;
	for (unsigned int p = 1; p <= (unsigned int)UINT16_MAX &&
	     tcp->nb_listeners > 0; p++)
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
