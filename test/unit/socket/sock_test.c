/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket test kit (see sock_test.h).
 *
 * stack backend tx -> to_peer queue -> peer_run() -> ptg_stack_rx(peer)
 * peer net tx      -> to_stack queue -> backend rx -> the stack's engine
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "sock_test.h"

/* ---- queues ----------------------------------------------------------------- */

static void
q_init(struct st_queue *q)
{
	pthread_condattr_t a;

	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &a);
	pthread_condattr_destroy(&a);
}

static void
q_fini(struct st_queue *q)
{
	while (q->count > 0) {
		rte_pktmbuf_free(q->q[q->head]);
		q->head = (q->head + 1) % ST_QCAP;
		q->count--;
	}
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

static uint32_t
tcp_payload_len(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t ihl, doff, tot;

	if (m->data_len < sizeof(*eth) + sizeof(*ip) + sizeof(*th))
		return 0;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return 0;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	if (ip->next_proto_id != IPPROTO_TCP)
		return 0;
	ihl = (ip->version_ihl & 0xf) * 4u;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + ihl);
	doff = (th->data_off >> 4) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	return tot > ihl + doff ? tot - ihl - doff : 0;
}

static uint16_t
q_push(struct st_queue *q, struct rte_mbuf **pkts, uint16_t n)
{
	pthread_mutex_lock(&q->lock);
	for (uint16_t i = 0; i < n; i++) {
		if (q->count == ST_QCAP) {
			q->dropped++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		if (tcp_payload_len(pkts[i]) > 0)
			q->data_frames++;
		q->q[(q->head + q->count) % ST_QCAP] = pkts[i];
		q->count++;
	}
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return n; /* all owned: queued or freed */
}

static uint16_t
q_pop(struct st_queue *q, struct rte_mbuf **pkts, uint16_t n, uint64_t wait_ns)
{
	uint16_t got = 0;

	pthread_mutex_lock(&q->lock);
	if (q->count == 0 && wait_ns > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)wait_ns;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
	}
	while (got < n && q->count > 0) {
		pkts[got++] = q->q[q->head];
		q->head = (q->head + 1) % ST_QCAP;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

static unsigned int
q_len(struct st_queue *q)
{
	unsigned int n;

	pthread_mutex_lock(&q->lock);
	n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* @m (one mbuf) as a chain: @hdr + @first bytes, then @piece per mbuf. */
static struct rte_mbuf *
chain_frame(struct rte_mempool *mp, struct rte_mbuf *m, uint32_t hdr,
	    uint16_t first, uint16_t piece)
{
	const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, done;
	struct rte_mbuf *head = rte_pktmbuf_alloc(mp), *seg;

	assert_non_null(head);
	done = RTE_MIN(len, hdr + first);
	memcpy(rte_pktmbuf_append(head, (uint16_t)done), src, done);
	while (done < len) {
		uint16_t n = (uint16_t)RTE_MIN((uint32_t)piece, len - done);

		seg = rte_pktmbuf_alloc(mp);
		assert_non_null(seg);
		memcpy(rte_pktmbuf_append(seg, n), src + done, n);
		assert_int_equal(rte_pktmbuf_chain(head, seg), 0);
		done += n;
	}
	head->ol_flags = m->ol_flags;
	rte_pktmbuf_free(m);
	return head;
}

unsigned int
st_to_stack_chain(struct st *t, uint16_t first, uint16_t piece)
{
	struct st_queue *q = &t->to_stack;
	unsigned int n = 0;

	assert_true(t->manual);
	assert_true(first >= 40 && piece > 0);
	for (unsigned int i = 0; i < q->count; i++) {
		struct rte_mbuf **m = &q->q[(q->head + i) % ST_QCAP];
		uint32_t pay = tcp_payload_len(*m);

		if (pay <= first || (*m)->nb_segs != 1)
			continue;
		*m = chain_frame(t->mp, *m, (*m)->data_len - pay, first, piece);
		n++;
	}
	return n;
}

/* The stack's backend: its frames go to the peer, the peer's come in. */
static uint16_t
backend_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct st *t = arg;

	return q_push(&t->to_peer, pkts, n);
}

static uint16_t
backend_rx(void *arg, struct rte_mbuf **pkts, uint16_t n, uint64_t wait_ns)
{
	struct st *t = arg;

	return q_pop(&t->to_stack, pkts, n, wait_ns);
}

static uint16_t
peer_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct st *t = arg;

	return q_push(&t->to_stack, pkts, n);
}

/* ---- the peer's service ------------------------------------------------------ */

static void
peer_push(struct st_peer_rec *r)
{
	while (r->conn != NULL && r->tx_done < r->tx_len) {
		ssize_t n = ptg_send(r->conn, r->tx + r->tx_done,
				     r->tx_len - r->tx_done);

		if (n <= 0)
			break;
		r->tx_done += (size_t)n;
	}
}

static int
peer_accept(struct ptg_conn *c)
{
	struct st_peer_rec *r = ptg_conn_service_ctx(c);

	r->conn = c;
	r->accepts++;
	peer_push(r);
	return 0;
}

static size_t
peer_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct st_peer_rec *r = ptg_conn_service_ctx(c);
	size_t n = len < r->consume_max ? len : r->consume_max;

	if (r->rx_len + n > ST_RX_CAP)
		n = ST_RX_CAP - r->rx_len;
	memcpy(r->rx + r->rx_len, data, n);
	r->rx_len += n;
	return n;
}

static void
peer_writable(struct ptg_conn *c)
{
	struct st_peer_rec *r = ptg_conn_service_ctx(c);

	r->conn = c;
	r->writables++;
	peer_push(r);
}

static void
peer_fin(struct ptg_conn *c)
{
	struct st_peer_rec *r = ptg_conn_service_ctx(c);

	r->fins++;
}

static void
peer_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct st_peer_rec *r = ptg_conn_service_ctx(c);

	r->closes++;
	r->reason = reason;
	if (r->conn == c)
		r->conn = NULL;
}

const struct ptg_conn_ops st_peer_service = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = peer_accept,
	.on_data = peer_data,
	.on_writable = peer_writable,
	.on_fin = peer_fin,
	.on_close = peer_close,
};

/* ---- running ----------------------------------------------------------------- */

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
peer_run(struct st *t, uint64_t now)
{
	struct rte_mbuf *pkts[32];
	uint16_t n;

	while ((n = q_pop(&t->to_peer, pkts, 32, 0)) > 0)
		ptg_stack_rx(t->pstack, pkts, n, now);
	ptg_stack_poll(t->pstack, now);
	ptg_stack_flush(t->pstack);
}

static void *
peer_thread(void *arg)
{
	struct st *t = arg;
	struct rte_mbuf *none[1];

	while (!__atomic_load_n(&t->peer_stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&t->peer_lock);
		peer_run(t, mono_ns());
		pthread_mutex_unlock(&t->peer_lock);
		/* Sleep until a frame comes (or 1 ms for the timers). */
		pthread_mutex_lock(&t->to_peer.lock);
		if (t->to_peer.count == 0) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&t->to_peer.cond,
					       &t->to_peer.lock, &ts);
		}
		pthread_mutex_unlock(&t->to_peer.lock);
	}
	(void)none;
	return NULL;
}

void
st_pump(struct st *t, unsigned int ms)
{
	assert_true(t->manual);
	for (unsigned int i = 0; i < ms; i++) {
		t->now += PTG_TEST_MS(1);
		for (int round = 0; round < 64; round++) {
			ptg_socket_stack_poll(t->st, t->now);
			peer_run(t, t->now);
			if (q_len(&t->to_peer) == 0 && q_len(&t->to_stack) == 0)
				break;
		}
	}
}

void
st_peer_lock(struct st *t)
{
	if (!t->manual)
		pthread_mutex_lock(&t->peer_lock);
}

void
st_peer_unlock(struct st *t)
{
	if (!t->manual) {
		/* Push out what the call queued, as a run would. */
		ptg_stack_flush(t->pstack);
		pthread_mutex_unlock(&t->peer_lock);
	} else {
		ptg_stack_flush(t->pstack);
	}
}

/* ---- life cycle ------------------------------------------------------------- */

struct st *
st_new(int manual, void (*tweak)(struct ptg_socket_config *))
{
	struct ptg_socket_config cfg;
	struct ptg_stack_config pcfg;
	struct st *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->mp = ptg_test_mempool();
	assert_non_null(t->mp);
	t->mp_baseline = ptg_test_mempool_in_use(t->mp);
	t->manual = manual;
	t->now = PTG_TEST_S(1);
	q_init(&t->to_peer);
	q_init(&t->to_stack);
	pthread_mutex_init(&t->peer_lock, NULL);
	t->rec.rx = malloc(ST_RX_CAP);
	assert_non_null(t->rec.rx);
	t->rec.consume_max = SIZE_MAX;

	/* The peer: a second engine at PTG_TEST_IP_PEER. */
	ptg_stack_config_default(&pcfg);
	pcfg.net.mac = ptg_test_mac_peer;
	pcfg.net.addr = PTG_TEST_IP_PEER;
	pcfg.net.prefix_len = PTG_TEST_PREFIX_LEN;
	pcfg.net.arp_entries = 64;
	pcfg.net.tx = peer_tx;
	pcfg.net.tx_arg = t;
	pcfg.tcp.max_conns = 64;
	pcfg.mp = t->mp;
	t->pstack = ptg_stack_create(&pcfg);
	assert_non_null(t->pstack);
	t->pnet = ptg_stack_net(t->pstack);
	t->ptcp = ptg_stack_tcp(t->pstack);
	assert_int_equal(ptg_tcp_listen(t->ptcp, ST_PEER_PORT, &st_peer_service,
					&t->rec, 0), 0);

	/* The stack under test at PTG_TEST_IP_LOCAL. */
	ptg_socket_config_default(&cfg);
	cfg.net.mac = ptg_test_mac_local;
	cfg.net.addr = PTG_TEST_IP_LOCAL;
	cfg.net.prefix_len = PTG_TEST_PREFIX_LEN;
	cfg.net.arp_entries = 64;
	cfg.tcp.max_conns = 64;
	cfg.mp = t->mp;
	cfg.manual_poll = (uint8_t)manual;
	cfg.backend.name = "st-link";
	cfg.backend.tx = backend_tx;
	cfg.backend.rx = backend_rx;
	cfg.backend.arg = t;
	if (tweak != NULL)
		tweak(&cfg);
	t->st = ptg_socket_stack_create(&cfg);
	assert_non_null(t->st);
	if (manual) {
		ptg_socket_stack_poll(t->st, t->now);
	} else {
		assert_int_equal(pthread_create(&t->peer_thread, NULL,
						peer_thread, t), 0);
		t->peer_running = 1;
	}
	return t;
}

void
st_free(struct st *t)
{
	if (t == NULL)
		return;
	ptg_socket_stack_free(t->st);
	if (t->peer_running) {
		__atomic_store_n(&t->peer_stop, 1, __ATOMIC_RELEASE);
		pthread_join(t->peer_thread, NULL);
	}
	ptg_stack_free(t->pstack);
	q_fini(&t->to_peer);
	q_fini(&t->to_stack);
	pthread_mutex_destroy(&t->peer_lock);
	free(t->rec.rx);
	/* Every frame and queued byte went back to the pool. */
	ptg_test_assert_mempool(t->mp, t->mp_baseline);
	free(t);
}

/* ---- peer helpers ------------------------------------------------------------ */

struct ptg_conn *
st_peer_connect(struct st *t, uint16_t port)
{
	struct ptg_conn *c;

	st_peer_lock(t);
	c = ptg_connect(t->ptcp, PTG_TEST_IP_LOCAL, port, 0, &st_peer_service,
			&t->rec, t->manual ? t->now : mono_ns());
	st_peer_unlock(t);
	assert_non_null(c);
	return c;
}

void
st_peer_send(struct st *t, const void *data, size_t len)
{
	st_peer_lock(t);
	t->rec.tx = data;
	t->rec.tx_len = len;
	t->rec.tx_done = 0;
	peer_push(&t->rec);
	st_peer_unlock(t);
}

void
st_peer_resume(struct st *t)
{
	st_peer_lock(t);
	if (t->rec.conn != NULL)
		ptg_recv_resume(t->rec.conn);
	st_peer_unlock(t);
}

void
st_peer_shutdown(struct st *t)
{
	st_peer_lock(t);
	assert_non_null(t->rec.conn);
	assert_int_equal(ptg_shutdown(t->rec.conn), 0);
	st_peer_unlock(t);
}

void
st_peer_abort(struct st *t)
{
	st_peer_lock(t);
	assert_non_null(t->rec.conn);
	assert_int_equal(ptg_abort(t->rec.conn), 0);
	st_peer_unlock(t);
}

void
st_peer_close(struct st *t)
{
	st_peer_lock(t);
	assert_non_null(t->rec.conn);
	assert_int_equal(ptg_close(t->rec.conn), 0);
	st_peer_unlock(t);
}

uint64_t
st_peer_stat(struct st *t, size_t offset)
{
	uint64_t v;

	st_peer_lock(t);
	v = *(const uint64_t *)((const uint8_t *)ptg_tcp_stats(t->ptcp) + offset);
	st_peer_unlock(t);
	return v;
}

uint64_t
st_stack_stat(struct st *t, size_t offset)
{
	struct ptg_tcp_stats s;

	ptg_socket_stack_tcp_stats(t->st, &s);
	return *(const uint64_t *)((const uint8_t *)&s + offset);
}

struct sockaddr_in
st_addr(rte_be32_t ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = htons(port);
	return sin;
}

int
st_connected(struct st *t)
{
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, ST_PEER_PORT);
	int fd = ptg_socket(t->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
					    sizeof(sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	st_pump(t, 5);
	assert_int_equal(t->rec.accepts, 1);
	assert_non_null(t->rec.conn);
	return fd;
}

int
st_listener(struct st *t, int backlog)
{
	struct sockaddr_in sin = st_addr(0, ST_LOCAL_PORT);
	int fd = ptg_socket(t->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(ptg_socket_bind(t->st, fd, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_int_equal(ptg_socket_listen(t->st, fd, backlog), 0);
	return fd;
}

/* ---- threads ----------------------------------------------------------------- */

int
st_thread_sleeping(pid_t tid)
{
	char path[64], buf[512];
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "tid (comm) S ...": the state follows the last ')'. */
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'S';
}

void
st_assert_sleeps(pid_t tid)
{
	for (int i = 0; i < 2000; i++) {
		if (st_thread_sleeping(tid)) {
			/* Seen twice in a row: asleep, not just between
			 * two steps. */
			usleep(2000);
			if (st_thread_sleeping(tid))
				return;
		}
		usleep(1000);
	}
	fail_msg("thread %d never went to sleep", (int)tid);
}
