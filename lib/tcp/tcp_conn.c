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
 *                   ... tcp_time_wait() -> record (tcp_timewait.c)
 *                       + tcp_conn_retire() -> dead queue
 *
 * Connections live in an rte_hash keyed by the 4-tuple and come from a
 * per-engine mempool; a destroyed block is unhashed at once and returned
 * to the pool at the end of the input batch or poll, so no callback ever
 * sees freed memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "tcp_priv.h"

RTE_LOG_REGISTER(ptg_tcp_logtype, ptg.tcp, INFO);

/* ptg.tcp lines a peer can trigger, per engine: 20 a second, 50 at once. */
#define TCP_LOG_PER_SEC 20
#define TCP_LOG_BURST 50

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
	cfg->mem_bufs = 0;                            /* half the pool */
	cfg->time_wait_max = 0;                       /* max_conns */
	cfg->oow_ack_interval_ns = 500ULL * 1000000ULL; /* as Linux */
	cfg->syncookie_window_ns = 10ULL * 1000000000ULL;
}

/* Bytes allocated on @p socket's heap (for the table's own accounting;
 * a concurrent allocation elsewhere would be counted too, so engines are
 * made one at a time, on the control path). */
static uint64_t
heap_alloc_bytes(int socket)
{
	struct rte_malloc_socket_stats st;

	if (socket < 0 || rte_malloc_get_socket_stats(socket, &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
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

/*
 * The memory budget: mem_bufs of the pool (default half), never more than
 * the pool less an eighth, so RX, TX and control segments always find
 * mbufs; pressure from three quarters of it. A buffer's payload room is
 * the pool's data room less the headroom, as a power of two.
 */
static void
mem_init(struct ptg_tcp *tcp)
{
	uint32_t pool = tcp->mp->size;
	uint32_t cap = pool - pool / 8;
	uint32_t room = rte_pktmbuf_data_room_size(tcp->mp);

	tcp->bufs_max = tcp->cfg.mem_bufs ? RTE_MIN(tcp->cfg.mem_bufs, cap) :
					   pool / 2;
	tcp->bufs_max = RTE_MAX(tcp->bufs_max, 1u);
	tcp->bufs_pressure = tcp->bufs_max - tcp->bufs_max / 4;
	tcp->bufs_pressure_at = tcp->bufs_pressure;
	tcp->cfg.mem_bufs = tcp->bufs_max;
	room = room > RTE_PKTMBUF_HEADROOM + 64 ? room - RTE_PKTMBUF_HEADROOM :
						  64;
	tcp->buf_shift = (uint8_t)(31 - __builtin_clz(room));
}

/* rte_mempool_mem_iter() callback: count chunks above 2^48. */
static void
pool_chunk_high(struct rte_mempool *mp, void *arg, struct rte_mempool_memhdr *h,
		unsigned int idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(idx);
	if (((uintptr_t)h->addr + h->len) >> TCP_HANDLE_SHIFT)
		(*(unsigned int *)arg)++;
}

struct ptg_tcp *
ptg_tcp_create(struct ptg_net *net, const struct ptg_tcp_config *cfg,
	       int socket)
{
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_hash_parameters hp = { 0 };
	struct ptg_tcp *tcp;
	uint64_t heap_before;
	unsigned int high;
	int err = EINVAL, heap_socket;

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
	tcp->extra_first = rte_be_to_cpu_32(ptg_net_config(net)->extra_addr);
	tcp->nb_extra = ptg_net_config(net)->nb_extra_addrs;
	tcp->offloads = ptg_net_config(net)->offloads;
	tcp->cc = tcp_cc_find(cfg->cc);
	if (tcp->cc == NULL) {
		err = ENOENT;
		goto free_tcp;
	}
	tcp->cfg.cc = tcp->cc->name;
	ptg_ratelimit_init(&tcp->log_rl, TCP_LOG_PER_SEC, TCP_LOG_BURST,
			   &tcp->stats.log_suppressed);
	if (tcp->cfg.time_wait_max == 0)
		tcp->cfg.time_wait_max = cfg->max_conns;
	mem_init(tcp);
	/* Zero-copy segments are chains: only where the port sends them. */
	tcp->tx_zc_min = cfg->tx_zerocopy_min != 0 &&
			 (ptg_net_config(net)->offloads &
			  PTG_NET_OFF_TX_MULTI_SEGS) ?
			 cfg->tx_zerocopy_min : UINT32_MAX;
	TAILQ_INIT(&tcp->deadq);
	TAILQ_INIT(&tcp->ready);
	TAILQ_INIT(&tcp->dead_listeners);
	tcp->eph_next = (uint16_t)rte_rand();
	/* RFC 6528 3 / RFC 4987: fresh secrets every start. */
	tcp->isn_key[0] = rte_rand();
	tcp->isn_key[1] = rte_rand();
	tcp->cookie_key[0] = rte_rand();
	tcp->cookie_key[1] = rte_rand();

	heap_socket = socket == SOCKET_ID_ANY ? (int)rte_socket_id() : socket;
	heap_before = heap_alloc_bytes(heap_socket);
	snprintf(name, sizeof(name), "ptg_conn_%u",
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	tcp->conn_pool = rte_mempool_create(name, cfg->max_conns,
					    sizeof(struct ptg_conn), 0, 0,
					    NULL, NULL, NULL, NULL, socket, 0);
	if (tcp->conn_pool == NULL)
		goto free_tcp;
	/* Handles keep a generation in the top 16 bits of the address. */
	high = 0;
	rte_mempool_mem_iter(tcp->conn_pool, pool_chunk_high, &high);
	if (high != 0) {
		err = ENOTSUP;
		goto free_pool;
	}
	hp.name = name + 4; /* "conn_N": unique like the pool's */
	/* Connections and TIME-WAIT records share the table. */
	hp.entries = cfg->max_conns + tcp->cfg.time_wait_max;
	hp.key_len = sizeof(struct tcp_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	tcp->table = rte_hash_create(&hp);
	if (tcp->table == NULL)
		goto free_pool;
	tcp->table_bytes = heap_alloc_bytes(heap_socket) - heap_before;
	if (tcp_timer_init(tcp, socket) != 0)
		goto free_table;
	if (tcp_tw_init(tcp, socket) != 0)
		goto free_timer;
	if (ptg_net_set_l4(net, IPPROTO_TCP, tcp_input, tcp) != 0) {
		err = EINVAL;
		goto free_tw;
	}
	return tcp;

free_tw:
	tcp_tw_fini(tcp);
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
	tcp_bufq_free(c->tcp, &c->sndq);
	tcp_bufq_free(c->tcp, &c->rcvq);
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

		if (tcp_entry_is_tw(data))
			continue; /* records go with tw_mem */
		conn_release(c);
		rte_mempool_put(tcp->conn_pool, c);
	}
	tcp_conn_reap(tcp);
	/* Only as far as the last listener: the engine is made and freed
	 * per test input, and the table has a slot for every port. */
	for (unsigned int p = 0, left = tcp->nb_listeners;
	     p <= (unsigned int)UINT16_MAX && left > 0; p++) {
		if (tcp->listeners[p] != NULL) {
			free(tcp->listeners[p]);
			left--;
		}
	}
	tcp_listen_reap(tcp);
	tcp_tw_fini(tcp);
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

void *
tcp_lookup_any(struct ptg_tcp *tcp, const struct tcp_key *k)
{
	void *data;

	if (rte_hash_lookup_data(tcp->table, k, &data) < 0)
		return NULL;
	return data;
}

struct ptg_conn *
tcp_lookup(struct ptg_tcp *tcp, const struct tcp_key *k)
{
	void *data = tcp_lookup_any(tcp, k);

	return data == NULL || tcp_entry_is_tw(data) ? NULL : data;
}

struct ptg_conn *
tcp_conn_alloc(struct ptg_tcp *tcp, rte_be32_t laddr, uint16_t lport,
	       rte_be32_t raddr, uint16_t rport)
{
	struct ptg_conn *c;
	struct tcp_key k;
	uint64_t secret;
	uint16_t gen;

	if (rte_mempool_get(tcp->conn_pool, (void **)&c) != 0) {
		TCP_STAT(tcp, drop_table_full);
		return NULL;
	}
	gen = c->gen;
	memset(c, 0, sizeof(*c));
	c->gen = gen != 0 ? gen : 1; /* handles never carry 0 */
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
	if (tcp->cfg.keepalive_idle_ns) {
		c->keep_idle_ms = tcp_ns_ms(tcp->cfg.keepalive_idle_ns);
		c->keep_intvl_ms = tcp_ns_ms(tcp->cfg.keepalive_intvl_ns);
		c->keep_probes_max = (uint8_t)RTE_MIN(tcp->cfg.keepalive_probes,
						      (uint32_t)UINT8_MAX);
	}
	/* IP IDs: a counter of this connection from a start drawn from its
	 * keyed hash, so that they tell nothing about the engine's other
	 * traffic (RFC 6864 4.1 allows any value in an atomic datagram). */
	c->ip_id = (uint16_t)((secret >> 16) ^ (secret >> 48));
	key_of(c, &k);
	/* A full table gives up its oldest TIME-WAIT record. */
	if (rte_hash_add_key_data(tcp->table, &k, c) != 0 &&
	    (tcp_tw_recycle_oldest(tcp) != 0 ||
	     rte_hash_add_key_data(tcp->table, &k, c) != 0)) {
		rte_mempool_put(tcp->conn_pool, c);
		TCP_STAT(tcp, drop_table_full);
		return NULL;
	}
	tcp->nb_conns++;
	return c;
}

/* Out of line and cold: when ptg.tcp is not at debug, a transition
 * costs the level compare of TCP_LOG_ON() and nothing else. */
__rte_noinline __rte_cold void
tcp_log_state(struct ptg_conn *c, enum ptg_tcp_state s,
	      enum ptg_close_reason reason)
{
	if (s == PTG_TCPS_CLOSED)
		TCP_CONN_LOG(DEBUG, c, "%s -> CLOSED (%s)",
			     ptg_tcp_state_str((enum ptg_tcp_state)c->state),
			     ptg_close_reason_str(reason));
	else
		TCP_CONN_LOG(DEBUG, c, "%s -> %s",
			     ptg_tcp_state_str((enum ptg_tcp_state)c->state),
			     ptg_tcp_state_str(s));
}

void
tcp_set_state(struct ptg_conn *c, enum ptg_tcp_state s)
{
	PTG_ASSERT(tcp_state_legal((enum ptg_tcp_state)c->state, s));
	if (s != PTG_TCPS_CLOSED && TCP_LOG_ON(c->tcp, DEBUG))
		tcp_log_state(c, s, PTG_CLOSE_NORMAL);
	c->state = (uint8_t)s;
}

/* Off the books: dead, its resources freed, on_close called, on the dead
 * queue; @unhash: its table entry goes too (it stays when a TIME-WAIT
 * record has taken it over). */
static void
conn_end(struct ptg_conn *c, enum ptg_close_reason reason, int unhash)
{
	struct ptg_tcp *tcp = c->tcp;
	struct tcp_key k;

	if (c->flags & TF_DEAD)
		return;
	c->flags |= TF_DEAD;
	if (unhash) {
		key_of(c, &k);
		rte_hash_del_key(tcp->table, &k);
	}
	tcp->nb_conns--;
	tcp_listen_unqueue(c);
	tcp_timer_stop_all(c);
	conn_release(c);
	if (TCP_LOG_ON(tcp, DEBUG))
		tcp_log_state(c, PTG_TCPS_CLOSED, reason);
	tcp_set_state(c, PTG_TCPS_CLOSED);
	tcp_notify_close(c, reason);
	TAILQ_INSERT_TAIL(&tcp->deadq, c, qlink);
}

void
tcp_conn_destroy(struct ptg_conn *c, enum ptg_close_reason reason)
{
	conn_end(c, reason, 1);
}

void
tcp_conn_retire(struct ptg_conn *c)
{
	conn_end(c, PTG_CLOSE_NORMAL, 0);
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
		/* Every handle of it is stale from here. */
		if (++c->gen == 0)
			c->gen = 1;
		rte_mempool_put(tcp->conn_pool, c);
	}
}

/* Once per timer tick: is the frame pool itself running low (other
 * engines on it, frames queued for TX)? Then the engine is under pressure
 * too, whatever its own queues hold. */
static void
mem_check(struct ptg_tcp *tcp, uint64_t now_ns)
{
	uint64_t tick = now_ns >> TCP_TICK_SHIFT;
	uint8_t p;

	if (tick == tcp->pool_check_tick)
		return;
	tcp->pool_check_tick = tick;
	tcp->pool_low = rte_mempool_avail_count(tcp->mp) < tcp->mp->size / 8;
	tcp->bufs_pressure_at = tcp->pool_low ? 0 : tcp->bufs_pressure;
	p = (uint8_t)tcp_mem_pressure(tcp);
	if (p && !tcp->in_pressure)
		TCP_STAT(tcp, mem_pressure);
	tcp->in_pressure = p;
}

void
ptg_tcp_poll(struct ptg_tcp *tcp, uint64_t now_ns)
{
	tcp->now = now_ns;
	mem_check(tcp, now_ns);
	tcp_timer_advance(tcp, now_ns);
	tcp_tw_expire(tcp, now_ns);
	tcp_listen_hand_over(tcp);
	tcp_conn_reap(tcp);
	tcp_listen_reap(tcp);
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

		if (tcp_entry_is_tw(data) || (c->flags & TF_DEAD))
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
	/* Nothing more will be sent from this endpoint. */
	tcp_tw_flush(tcp);
	tcp_conn_reap(tcp);
}

int
ptg_tcp_conn_foreach(const struct ptg_tcp *tcp, ptg_tcp_conn_cb cb,
		     void *arg)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int rc;

	while (rte_hash_iterate(tcp->table, &key, &data, &iter) >= 0) {
		const struct ptg_conn *c = data;

		if (tcp_entry_is_tw(data))
			c = tcp_tw_view(tcp, tcp_entry_tw(data));
		else if (c->flags & TF_DEAD)
			continue;
		rc = cb(arg, c);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
ptg_tcp_conn_next(const struct ptg_tcp *tcp, uint32_t *iter,
		  const struct ptg_conn **c)
{
	const void *key;
	void *data;

	while (rte_hash_iterate(tcp->table, &key, &data, iter) >= 0) {
		const struct ptg_conn *n = data;

		if (tcp_entry_is_tw(data))
			n = tcp_tw_view(tcp, tcp_entry_tw(data));
		else if (n->flags & TF_DEAD)
			continue;
		*c = n;
		return 0;
	}
	return -ENOENT;
}

unsigned int
ptg_tcp_conn_count(const struct ptg_tcp *tcp)
{
	return tcp ? tcp->nb_conns + tcp->nb_tw : 0;
}

void
ptg_tcp_mem_info(const struct ptg_tcp *tcp, struct ptg_tcp_mem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->bufs_held = tcp->bufs_held;
	info->bufs_max = tcp->bufs_max;
	info->bufs_pressure = tcp->bufs_pressure;
	info->pressure = (uint8_t)tcp_mem_pressure(tcp);
}

const struct ptg_tcp_stats *
ptg_tcp_stats(const struct ptg_tcp *tcp)
{
	return &tcp->stats;
}

int
ptg_tcp_mem(const struct ptg_tcp *tcp, struct ptg_tcp_mem *m)
{
	struct rte_mempool_objsz sz;

	if (tcp == NULL || m == NULL)
		return -EINVAL;
	m->slots = tcp->cfg.max_conns;
	m->in_use = tcp->nb_conns;
	m->block_bytes = rte_mempool_calc_obj_size(sizeof(struct ptg_conn),
						   tcp->conn_pool->flags, &sz);
	m->table_bytes = tcp->table_bytes;
	return 0;
}

struct ptg_net *
ptg_tcp_net(const struct ptg_tcp *tcp)
{
	return tcp->net;
}
