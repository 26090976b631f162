/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane test kit (see dp_test.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dp_test.h"

struct dt_port dt_port;

/* ---- time --------------------------------------------------------------- */

uint64_t
dt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
dt_nap(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 };

	nanosleep(&ts, NULL);
}

uint64_t
dt_load(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* ---- the recording echo service ----------------------------------------- */

struct dt_svc *dt_svcs[DT_SVC_MAX];
unsigned int dt_svc_init_calls, dt_svc_inits, dt_svc_finis;
unsigned int dt_svc_fail_at;
int dt_svc_fail_rc;

static int
svc_init(void **ctx, const char *args)
{
	struct dt_svc *s;

	dt_svc_init_calls++;
	if (dt_svc_fail_at != 0 && dt_svc_init_calls == dt_svc_fail_at)
		return dt_svc_fail_rc;
	if (args != NULL && strcmp(args, "bad") == 0)
		return -EINVAL;
	if (dt_svc_inits == DT_SVC_MAX)
		return -ENOSPC;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->id = dt_svc_inits++;
	snprintf(s->args, sizeof(s->args), "%s", args != NULL ? args : "");
	s->lcore = RTE_MAX_LCORE;
	dt_svcs[s->id] = s;
	*ctx = s;
	return 0;
}

static void
svc_fini(void *ctx)
{
	struct dt_svc *s = ctx;

	if (s == NULL)
		return;
	dt_svcs[s->id] = NULL;
	dt_svc_finis++;
	free(s);
}

static int
svc_accept(struct ptg_conn *c)
{
	struct dt_svc *s = ptg_conn_service_ctx(c);

	if (s->accepts++ == 0)
		s->lcore = rte_lcore_id();
	__atomic_store_n(&s->last, c, __ATOMIC_RELEASE);
	return 0;
}

static size_t
svc_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct dt_svc *s = ptg_conn_service_ctx(c);
	ssize_t n = ptg_send(c, data, len);

	if (n <= 0)
		return 0;
	s->bytes += (uint64_t)n;
	return (size_t)n;
}

static void
svc_fin(struct ptg_conn *c)
{
	struct dt_svc *s = ptg_conn_service_ctx(c);

	s->fins++;
	ptg_close(c);
}

static void
svc_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct dt_svc *s = ptg_conn_service_ctx(c);

	s->closes++;
	if ((unsigned int)reason < RTE_DIM(s->reasons))
		s->reasons[reason]++;
	if (__atomic_load_n(&s->last, __ATOMIC_ACQUIRE) == c)
		__atomic_store_n(&s->last, NULL, __ATOMIC_RELEASE);
}

static void
svc_poll(void *ctx, uint64_t now_ns)
{
	struct dt_svc *s = ctx;
	struct ptg_conn *c;
	unsigned int ms;

	if (now_ns < __atomic_load_n(&s->poll_now, __ATOMIC_RELAXED))
		__atomic_fetch_add(&s->poll_bad_order, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->poll_now, now_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&s->poll_lcore, rte_lcore_id(), __ATOMIC_RELAXED);
	ms = __atomic_exchange_n(&s->sleep_in_poll_ms, 0, __ATOMIC_ACQ_REL);
	if (ms != 0)
		rte_delay_us_sleep(ms * 1000);
	if (__atomic_exchange_n(&s->abort_in_poll, 0, __ATOMIC_ACQ_REL)) {
		c = __atomic_load_n(&s->last, __ATOMIC_ACQUIRE);
		if (c != NULL)
			ptg_abort(c);
	}
	__atomic_fetch_add(&s->polls, 1, __ATOMIC_RELEASE);
}

static const char *const svc_stat_names[] = {
	"accepts", "bytes", "closes", NULL,
};

static void
svc_stats(const void *ctx, uint64_t *values)
{
	const struct dt_svc *s = ctx;

	values[0] = s->accepts;
	values[1] = s->bytes;
	values[2] = s->closes;
}

const struct ptg_service_ops dt_echo = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "dt_echo",
	.init = svc_init,
	.fini = svc_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = svc_accept,
		.on_data = svc_data,
		.on_fin = svc_fin,
		.on_close = svc_close,
	},
	.stat_names = svc_stat_names,
	.stats = svc_stats,
	.poll = svc_poll,
};

/* ---- the port ----------------------------------------------------------- */

static void
ring_drain(struct rte_ring *r)
{
	struct rte_mbuf *m;

	while (r != NULL && rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

int
dt_group_setup(void **state)
{
	struct rte_eth_conf conf;
	struct rte_mempool *mp;
	char name[RTE_RING_NAMESIZE];
	unsigned int q;
	int id, rc;

	(void)state;
	if (ptg_test_eal_init_lcores(1 + DT_MAX_WORKERS) < 0)
		return -1;
	mp = ptg_test_mempool();
	if (mp == NULL || ptg_dataplane_clock_init() != 0)
		return -1;
	rc = ptg_service_register(&dt_echo);
	if (rc != 0 && rc != -EEXIST)
		return -1;
	for (q = 0; q < DT_MAX_WORKERS; q++) {
		snprintf(name, sizeof(name), "dt_rx%u", q);
		dt_port.rx[q] = rte_ring_create(name, DT_RING_SIZE,
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "dt_tx%u", q);
		dt_port.tx[q] = rte_ring_create(name, DT_RING_SIZE,
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dt_port.rx[q] == NULL || dt_port.tx[q] == NULL)
			return -1;
	}
	id = rte_eth_from_rings("dt", dt_port.rx, DT_MAX_WORKERS, dt_port.tx,
				DT_MAX_WORKERS, rte_socket_id());
	if (id < 0) {
		fprintf(stderr, "dt: rte_eth_from_rings: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	dt_port.port_id = (uint16_t)id;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(dt_port.port_id, DT_MAX_WORKERS,
				  DT_MAX_WORKERS, &conf) != 0)
		return -1;
	for (q = 0; q < DT_MAX_WORKERS; q++)
		if (rte_eth_rx_queue_setup(dt_port.port_id, (uint16_t)q,
					   DT_RING_SIZE, rte_socket_id(),
					   NULL, mp) != 0 ||
		    rte_eth_tx_queue_setup(dt_port.port_id, (uint16_t)q,
					   DT_RING_SIZE, rte_socket_id(),
					   NULL) != 0)
			return -1;
	return rte_eth_dev_start(dt_port.port_id) == 0 ? 0 : -1;
}

int
dt_group_teardown(void **state)
{
	unsigned int q;

	(void)state;
	rte_eth_dev_stop(dt_port.port_id);
	rte_eth_dev_close(dt_port.port_id);
	for (q = 0; q < DT_MAX_WORKERS; q++) {
		ring_drain(dt_port.rx[q]);
		ring_drain(dt_port.tx[q]);
		rte_ring_free(dt_port.rx[q]);
		rte_ring_free(dt_port.tx[q]);
	}
	return 0;
}

/* ---- fixture ------------------------------------------------------------ */

int
dt_setup(void **state)
{
	struct ptg_dataplane_config *cfg;
	struct dt *t;
	unsigned int q;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -1;
	for (q = 0; q < DT_MAX_WORKERS; q++) {
		ring_drain(dt_port.rx[q]);
		ring_drain(dt_port.tx[q]);
	}
	t->mp = ptg_test_mempool();
	t->mp_baseline = ptg_test_mempool_in_use(t->mp);
	/* The stop counter is process-wide and only ever grows: each test
	 * starts as a fresh process would. */
	__atomic_store_n(&dp_stop_requests, 0, __ATOMIC_RELEASE);
	rte_eth_stats_reset(dt_port.port_id);
	ptg_service_unbind_all();
	memset(dt_svcs, 0, sizeof(dt_svcs));
	dt_svc_init_calls = dt_svc_inits = dt_svc_finis = 0;
	dt_svc_fail_at = 0;
	dt_svc_fail_rc = 0;

	for (q = 0; q < DT_MAX_WORKERS; q++)
		t->lcores[q] = q + 1;
	cfg = &t->cfg;
	cfg->port_id = dt_port.port_id;
	cfg->nb_workers = 1;
	cfg->lcores = t->lcores;
	cfg->mp = t->mp;
	ptg_test_net_config(&cfg->net, NULL);
	cfg->net.tx = NULL;
	ptg_tcp_config_default(&cfg->tcp);
	cfg->tcp.max_conns = 256;
	/* No retransmission while a test looks at the wire. */
	cfg->tcp.rto_min_ns = PTG_TEST_S(5);
	cfg->tcp.rto_initial_ns = PTG_TEST_S(5);
	/* Idle workers nap, so that two of them and the test share two
	 * CPUs (and the other test programs) gently. */
	cfg->idle_sleep_us = 50;
	cfg->idle_polls = 16;
	*state = t;
	return 0;
}

int
dt_teardown(void **state)
{
	struct dt *t = *state;
	unsigned int q, in_use, inits, finis;
	uint64_t end;

	if (t == NULL)
		return 0;
	if (t->started) {
		/* A failed test may leave it running: stop it at once. */
		ptg_dataplane_request_stop();
		ptg_dataplane_request_stop();
		end = dt_now() + DT_WAIT_NS;
		while (!__atomic_load_n(&t->run_done, __ATOMIC_ACQUIRE)) {
			if (dt_now() > end) {
				fprintf(stderr, "dt: the dataplane does not "
					"stop; giving up\n");
				abort();
			}
			dt_nap();
		}
		pthread_join(t->runner, NULL);
	}
	ptg_dataplane_free(t->dp);
	for (q = 0; q < DT_MAX_WORKERS; q++) {
		ring_drain(dt_port.rx[q]);
		ring_drain(dt_port.tx[q]);
	}
	ptg_service_unbind_all();
	inits = dt_svc_inits;
	finis = dt_svc_finis;
	in_use = ptg_test_mempool_in_use(t->mp);
	q = t->mp_baseline;
	free(t);
	*state = NULL;
	/* Every service instance made was finished, no frame leaked. */
	assert_int_equal(finis, inits);
	assert_int_equal(in_use, q);
	return 0;
}

/* ---- running ------------------------------------------------------------ */

void
dt_create(struct dt *t)
{
	t->dp = ptg_dataplane_create(&t->cfg, t->err, sizeof(t->err));
	if (t->dp == NULL)
		fail_msg("ptg_dataplane_create: %s (%s)", t->err,
			 rte_strerror(rte_errno));
}

static void
on_ready(struct ptg_dataplane *dp, void *arg)
{
	struct dt *t = arg;

	(void)dp;
	__atomic_fetch_add(&t->ready_calls, 1, __ATOMIC_RELEASE);
}

static void *
runner_main(void *arg)
{
	struct dt *t = arg;

	t->run_rc = ptg_dataplane_run(t->dp, on_ready, t);
	__atomic_store_n(&t->run_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void
dt_start(struct dt *t)
{
	struct ptg_test_pkt p;

	assert_non_null(t->dp);
	assert_int_equal(pthread_create(&t->runner, NULL, runner_main, t), 0);
	t->started = 1;
	DT_WAIT(__atomic_load_n(&t->ready_calls, __ATOMIC_ACQUIRE) > 0 ||
		__atomic_load_n(&t->run_done, __ATOMIC_ACQUIRE),
		"the workers to serve");
	assert_int_equal(__atomic_load_n(&t->run_done, __ATOMIC_ACQUIRE), 0);
	/* RFC 5227 2.3: worker 0 announced our address, before serving. */
	assert_true(dt_pending(0) > 0);
	dt_pop(t, 0, &p);
	assert_int_equal(p.ether_type, RTE_ETHER_TYPE_ARP);
	assert_int_equal(p.arp_op, RTE_ARP_OP_REQUEST);
	assert_int_equal(p.arp_sip, PTG_TEST_IP_LOCAL);
	assert_int_equal(p.arp_tip, PTG_TEST_IP_LOCAL);
	assert_true(rte_is_broadcast_ether_addr(&p.eth_dst));
}

int
dt_join(struct dt *t)
{
	assert_true(t->started);
	DT_WAIT(__atomic_load_n(&t->run_done, __ATOMIC_ACQUIRE),
		"ptg_dataplane_run() to return");
	assert_int_equal(pthread_join(t->runner, NULL), 0);
	t->started = 0;
	return t->run_rc;
}

void
dt_stop(struct dt *t)
{
	ptg_dataplane_request_stop();
	assert_int_equal(dt_join(t), 0);
}

struct dp_worker *
dt_worker(const struct dt *t, unsigned int i)
{
	assert_non_null(t->dp);
	assert_true(i < t->dp->nb_workers);
	return t->dp->workers[i];
}

/* ---- frames ------------------------------------------------------------- */

void
dt_rx(struct dt *t, unsigned int q, struct rte_mbuf *m)
{
	dt_rx_bulk(t, q, &m, 1);
}

void
dt_rx_bulk(struct dt *t, unsigned int q, struct rte_mbuf **pkts,
	   unsigned int n)
{
	unsigned int i;

	assert_true(q < DT_MAX_WORKERS);
	for (i = 0; i < n; i++)
		assert_non_null(pkts[i]);
	assert_int_equal(rte_ring_sp_enqueue_bulk(dt_port.rx[q],
						  (void **)pkts, n, NULL), n);
	t->injected[q] += n;
}

unsigned int
dt_pending(unsigned int q)
{
	return rte_ring_count(dt_port.tx[q]);
}

void
dt_pop(struct dt *t, unsigned int q, struct ptg_test_pkt *p)
{
	struct rte_mbuf *m = NULL;
	int rc;

	assert_true(q < DT_MAX_WORKERS);
	DT_WAIT(rte_ring_sc_dequeue(dt_port.tx[q], (void **)&m) == 0,
		"a frame on the TX queue");
	rc = ptg_test_parse(m, p);
	rte_pktmbuf_free(m);
	t->popped[q]++;
	assert_int_equal(rc, 0);
	if (p->ether_type == RTE_ETHER_TYPE_ARP)
		assert_true(p->arp_ok);
	if (p->ether_type == RTE_ETHER_TYPE_IPV4) {
		assert_true(p->ip_cksum_ok);
		assert_true(p->l4_cksum_ok);
		if (p->ip_proto == IPPROTO_TCP)
			assert_true(p->opts_ok);
	}
}

struct rte_mbuf *
dt_junk(void)
{
	uint8_t f[60];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;

	memset(f, 0xa5, sizeof(f));
	rte_ether_addr_copy(&ptg_test_mac_local, &eth->dst_addr);
	rte_ether_addr_copy(&ptg_test_mac_peer, &eth->src_addr);
	eth->ether_type = RTE_BE16(0x88b5); /* IEEE local experimental */
	return ptg_test_raw(ptg_test_mempool(), f, sizeof(f));
}

void
dt_arp_seed(struct dt *t, unsigned int q)
{
	unsigned int i;

	dt_rx(t, q, ptg_test_arp_reply(t->mp, &ptg_test_mac_peer,
				       PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	for (i = 0; i < t->dp->nb_workers; i++)
		DT_WAIT(DT_NSTAT(t, i, arp_learned) > 0,
			"every worker to learn the peer");
}

/* ---- TCP peer ----------------------------------------------------------- */

void
dt_send(struct dt *t, struct dt_conn *c, uint8_t flags, const void *data,
	uint32_t len)
{
	uint8_t opts[40];
	struct ptg_test_tcp seg = {
		.sport = c->sport,
		.dport = c->dport,
		.seq = c->snd,
		.ack = (flags & ACK) ? c->rcv : 0,
		.flags = flags,
		.win = (flags & RST) ? 0 : 65535,
		.payload = data,
		.len = len,
	};

	if (flags & SYN) {
		struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460 };
		int n = ptg_test_tcp_opts_encode(&o, opts);

		assert_true(n > 0);
		seg.opts = opts;
		seg.opts_len = (uint8_t)n;
	}
	dt_rx(t, c->q, ptg_test_tcp_frame(t->mp, NULL, &seg));
	c->snd += len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
}

void
dt_syn(struct dt *t, struct dt_conn *c, uint32_t isn)
{
	c->snd = isn;
	dt_send(t, c, SYN, NULL, 0);
}

/* A client port near @p sport whose flow worker @p q owns (with several
 * workers the dataplane steers each flow to one; the peer picks its port
 * so that the flow lands where the test expects it). Steps of 1031 keep
 * nearby base ports apart and, unlike steps of 1024 (which vary only the
 * port's top 6 bits, and the Toeplitz hash is linear in the input bits),
 * reach every RETA entry whatever the random key. */
uint16_t
dt_sport_for(const struct dt *t, unsigned int q, uint16_t sport,
	     uint16_t dport)
{
	const struct ptg_steer *s = &t->dp->cfg.steer;

	if (t->dp->nb_workers < 2)
		return sport;
	for (unsigned int k = 0; k < 64; k++) {
		uint16_t cand = (uint16_t)(sport + k * 1031u);

		if (cand != 0 && ptg_steer_worker(s, ptg_steer_hash(s,
				PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL, cand,
				dport)) == q)
			return cand;
	}
	fail_msg("no client port near %u steers to worker %u", sport, q);
	return 0;
}

void
dt_open(struct dt *t, struct dt_conn *c, uint16_t sport, uint32_t isn)
{
	struct ptg_test_pkt p;
	uint64_t accepted;

	c->sport = dt_sport_for(t, c->q, sport, c->dport);
	dt_syn(t, c, isn);
	dt_pop(t, c->q, &p);
	assert_int_equal(p.ip_proto, IPPROTO_TCP);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_int_equal(p.sport, c->dport);
	assert_int_equal(p.dport, c->sport);
	assert_int_equal(p.ack, isn + 1);
	c->rcv = p.seq + 1;
	accepted = DT_TSTAT(t, c->q, accepted);
	dt_send(t, c, ACK, NULL, 0);
	/* Nothing answers the ACK: wait for the service to have it. */
	DT_WAIT(DT_TSTAT(t, c->q, accepted) > accepted,
		"the connection to be accepted");
}

void
dt_expect(struct dt *t, struct dt_conn *c, uint8_t flags, const void *data,
	  uint32_t len)
{
	struct ptg_test_pkt p;

	dt_pop(t, c->q, &p);
	assert_int_equal(p.ether_type, RTE_ETHER_TYPE_IPV4);
	assert_memory_equal(&p.eth_dst, &ptg_test_mac_peer,
			    sizeof(p.eth_dst));
	assert_int_equal(p.ip_src, PTG_TEST_IP_LOCAL);
	assert_int_equal(p.ip_dst, PTG_TEST_IP_PEER);
	assert_int_equal(p.ip_proto, IPPROTO_TCP);
	assert_int_equal(p.sport, c->dport);
	assert_int_equal(p.dport, c->sport);
	assert_int_equal(p.tcp_flags, flags);
	assert_int_equal(p.seq, c->rcv);
	if (flags & ACK)
		assert_int_equal(p.ack, c->snd);
	assert_int_equal(p.payload_len, len);
	if (len > 0)
		assert_memory_equal(p.payload, data, len);
	c->rcv += len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
}

void
dt_echo_close(struct dt *t, struct dt_conn *c, const char *data)
{
	uint32_t len = (uint32_t)strlen(data);
	uint64_t closed = DT_TSTAT(t, c->q, conn_closed);

	dt_send(t, c, ACK | PSH, data, len);
	dt_expect(t, c, ACK | PSH, data, len);
	dt_send(t, c, FIN | ACK, NULL, 0);
	dt_expect(t, c, FIN | ACK, NULL, 0);
	dt_send(t, c, ACK, NULL, 0);
	DT_WAIT(DT_TSTAT(t, c->q, conn_closed) > closed,
		"the connection to close");
}
