/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/stack/steer.c and the stack's use of it: the software Toeplitz hash
 * against the reference vectors of Microsoft's RSS verification suite,
 * symmetric keys, the redirection table, frames handed to their owner,
 * and active opens whose source port steers back to the opening worker.
 *
 * main() -> cmocka -> test_* -> ptg_steer_*() / ptg_stack_rx() /
 *                               ptg_connect() on a steered stack
 */
#include <string.h>

#include <rte_errno.h>

#include "ptg_test.h"
#include "ptg_stack.h"
#include "ptg_steer.h"

static const uint8_t ms_key[PTG_STEER_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* "Verifying the RSS Hash Calculation", IPv4 with TCP: destination,
 * source, hash. */
static void
test_toeplitz_reference_vectors(void **state)
{
	static const struct {
		uint8_t dst[4]; uint16_t dport;
		uint8_t src[4]; uint16_t sport;
		uint32_t hash;
	} v[] = {
		{ { 161, 142, 100, 80 }, 1766, { 66, 9, 149, 187 }, 2794,
		  0x51ccc178 },
		{ { 65, 69, 140, 83 }, 4739, { 199, 92, 111, 2 }, 14230,
		  0xc626b0ea },
		{ { 12, 22, 207, 184 }, 38024, { 24, 19, 198, 95 }, 12898,
		  0x5c2b394a },
		{ { 209, 142, 163, 6 }, 2217, { 38, 27, 205, 30 }, 48228,
		  0xafc7327f },
		{ { 202, 188, 127, 2 }, 1303, { 153, 39, 163, 191 }, 44251,
		  0x10e828a2 },
	};
	struct ptg_steer s;

	(void)state;
	assert_int_equal(ptg_steer_init(&s, ms_key, 128, 1), 0);
	for (unsigned int i = 0; i < RTE_DIM(v); i++) {
		rte_be32_t src = PTG_TEST_IP(v[i].src[0], v[i].src[1],
					     v[i].src[2], v[i].src[3]);
		rte_be32_t dst = PTG_TEST_IP(v[i].dst[0], v[i].dst[1],
					     v[i].dst[2], v[i].dst[3]);
		uint32_t h = ptg_steer_hash(&s, src, dst, v[i].sport,
					    v[i].dport);

		if (h != v[i].hash)
			fail_msg("vector %u: 0x%08x, expected 0x%08x", i, h,
				 v[i].hash);
	}
}

static void
test_symmetric_keys(void **state)
{
	uint8_t key[PTG_STEER_KEY_LEN];
	struct ptg_steer s;
	uint16_t first = 0;
	int differ = 0;

	(void)state;
	assert_false(ptg_steer_key_symmetric(ms_key));
	for (int k = 0; k < 8; k++) {
		uint16_t w;

		ptg_steer_key_random(key);
		assert_true(ptg_steer_key_symmetric(key));
		w = (uint16_t)(key[0] << 8 | key[1]);
		assert_int_not_equal(w, 0x6d5a);
		assert_int_not_equal(w, 0);
		assert_int_not_equal(w, 0xffff);
		if (k == 0)
			first = w;
		else if (w != first)
			differ = 1;
		assert_int_equal(ptg_steer_init(&s, key, 128, 4), 0);
		/* A flow and its reverse hash alike. */
		for (int i = 0; i < 1000; i++) {
			rte_be32_t a = (rte_be32_t)rte_rand();
			rte_be32_t b = (rte_be32_t)rte_rand();
			uint16_t p = (uint16_t)rte_rand();
			uint16_t q = (uint16_t)rte_rand();

			assert_int_equal(ptg_steer_hash(&s, a, b, p, q),
					 ptg_steer_hash(&s, b, a, q, p));
		}
	}
	/* Eight 16-bit draws all equal: 2^-112 for a working generator. */
	assert_true(differ);
}

static void
test_reta(void **state)
{
	uint8_t key[PTG_STEER_KEY_LEN];
	unsigned int count[4] = { 0 };
	struct ptg_steer s;

	(void)state;
	ptg_steer_key_random(key);
	assert_int_equal(ptg_steer_init(&s, key, 0, 4), 0);
	assert_int_equal(s.reta_size, PTG_STEER_RETA_DEFAULT);
	assert_int_equal(ptg_steer_init(&s, key, 100, 4), -EINVAL);
	assert_int_equal(ptg_steer_init(&s, key, 1024, 4), -EINVAL);
	assert_int_equal(ptg_steer_init(&s, key, 128, 0), -EINVAL);
	assert_int_equal(ptg_steer_init(&s, key, 512, 3), 0);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(s.reta[i], i % 3);
	/* The low bits of the hash pick the entry, as a NIC does. */
	assert_int_equal(ptg_steer_worker(&s, 512 + 7), 7 % 3);
	assert_int_equal(ptg_steer_init(&s, key, 128, 4), 0);
	for (int i = 0; i < 4000; i++) {
		uint32_t h = ptg_steer_hash(&s, (rte_be32_t)rte_rand(),
					    PTG_TEST_IP_LOCAL,
					    (uint16_t)rte_rand(), 80);

		count[ptg_steer_worker(&s, h)]++;
	}
	/* Random clients spread over every worker (each expects 1000). */
	for (int w = 0; w < 4; w++)
		assert_true(count[w] > 700 && count[w] < 1300);
}

static void
test_owner_of_frames(void **state)
{
	struct rte_mempool *mp = ptg_test_mempool();
	uint8_t key[PTG_STEER_KEY_LEN];
	struct ptg_steer s;
	struct rte_mbuf *m;
	uint32_t h;
	int owner;

	(void)state;
	ptg_steer_key_random(key);
	assert_int_equal(ptg_steer_init(&s, key, 128, 4), 0);
	h = ptg_steer_hash(&s, PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL, 40000, 80);

	m = ptg_test_tcp_frame(mp, NULL, &(struct ptg_test_tcp){
		.sport = 40000, .dport = 80, .seq = 1, .flags = RTE_TCP_SYN_FLAG });
	owner = ptg_steer_owner(&s, m, 0);
	assert_int_equal(owner, ptg_steer_worker(&s, h));
	assert_true(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
	assert_int_equal(m->hash.rss, h);
	/* A hash already there is used only when trusted. */
	m->hash.rss = h + 1;
	assert_int_equal(ptg_steer_owner(&s, m, 1), ptg_steer_worker(&s, h + 1));
	assert_int_equal(ptg_steer_owner(&s, m, 0), ptg_steer_worker(&s, h));
	rte_pktmbuf_free(m);

	/* ARP and ICMP belong to no flow. */
	m = ptg_test_arp_request(mp, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
				 PTG_TEST_IP_LOCAL);
	assert_int_equal(ptg_steer_owner(&s, m, 0), -1);
	rte_pktmbuf_free(m);
	m = ptg_test_icmp_echo(mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1, "x", 1);
	assert_int_equal(ptg_steer_owner(&s, m, 0), -1);
	rte_pktmbuf_free(m);
	/* A fragment of a TCP datagram neither. */
	m = ptg_test_tcp_frame(mp, NULL, &(struct ptg_test_tcp){
		.sport = 40000, .dport = 80, .seq = 1, .flags = RTE_TCP_SYN_FLAG });
	ptg_test_ipv4_hdr(m)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(ptg_steer_owner(&s, m, 0), -1);
	rte_pktmbuf_free(m);
	/* A runt neither. */
	m = ptg_test_raw(mp, "\x01\x02", 2);
	assert_int_equal(ptg_steer_owner(&s, m, 0), -1);
	rte_pktmbuf_free(m);
}

/* Two stacks as two workers: a segment of worker 1's flow that reaches
 * worker 0 is handed over, untouched; worker 1 answers it. */
struct handoff {
	struct rte_mbuf *m[8];
	uint16_t owner[8];
	unsigned int n;
};

static void
stray_cb(void *arg, struct rte_mbuf *m, uint16_t owner)
{
	struct handoff *h = arg;

	assert_true(h->n < RTE_DIM(h->m));
	h->m[h->n] = m;
	h->owner[h->n++] = owner;
}

static size_t
sink_data(struct ptg_conn *c, const void *d, size_t n)
{
	(void)c; (void)d;
	return n;
}

static void
sink_close(struct ptg_conn *c, enum ptg_close_reason r)
{
	(void)c; (void)r;
}

static const struct ptg_conn_ops sink_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_data = sink_data,
	.on_close = sink_close,
};

struct worker {
	struct ptg_stack *st;
	struct ptg_test_port port;
	struct handoff ho;
};

static void
worker_make(struct worker *w, const struct ptg_steer *s, uint16_t index)
{
	struct ptg_stack_config sc;

	memset(w, 0, sizeof(*w));
	ptg_test_port_init(&w->port);
	ptg_stack_config_default(&sc);
	ptg_test_net_config(&sc.net, &w->port);
	sc.tcp.max_conns = 1024;
	sc.mp = ptg_test_mempool();
	sc.steer = s;
	sc.worker = index;
	sc.stray = stray_cb;
	sc.stray_arg = &w->ho;
	w->st = ptg_stack_create(&sc);
	assert_non_null(w->st);
	assert_int_equal(ptg_tcp_listen(ptg_stack_tcp(w->st), 80, &sink_ops,
					NULL, 0), 0);
	/* The peer's MAC, so that answers leave at once. */
	ptg_stack_rx(w->st, (struct rte_mbuf *[]){ ptg_test_arp_reply(
		sc.mp, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
		PTG_TEST_IP_LOCAL) }, 1, PTG_TEST_S(1));
}

static void
worker_free(struct worker *w)
{
	ptg_stack_free(w->st);
	ptg_test_port_clear(&w->port);
}

static void
test_stray_handed_to_owner(void **state)
{
	struct rte_mempool *mp = ptg_test_mempool();
	unsigned int base = ptg_test_mempool_in_use(mp);
	uint8_t key[PTG_STEER_KEY_LEN];
	struct worker w[2];
	struct ptg_steer s;
	struct ptg_test_pkt p;
	struct rte_mbuf *m;
	uint16_t sport;

	(void)state;
	ptg_steer_key_random(key);
	assert_int_equal(ptg_steer_init(&s, key, 128, 2), 0);
	/* A client port whose flow worker 1 owns. */
	for (sport = 40000;; sport++)
		if (ptg_steer_worker(&s, ptg_steer_hash(&s, PTG_TEST_IP_PEER,
				PTG_TEST_IP_LOCAL, sport, 80)) == 1)
			break;
	worker_make(&w[0], &s, 0);
	worker_make(&w[1], &s, 1);

	m = ptg_test_tcp_frame(mp, NULL, &(struct ptg_test_tcp){
		.sport = sport, .dport = 80, .seq = 7, .win = 65535,
		.flags = RTE_TCP_SYN_FLAG });
	ptg_stack_rx(w[0].st, &m, 1, PTG_TEST_S(1));
	ptg_stack_flush(w[0].st);
	/* Worker 0 neither answered nor counted it: it went to worker 1. */
	assert_int_equal(w[0].port.n, 0);
	assert_int_equal(ptg_tcp_stats(ptg_stack_tcp(w[0].st))->rx_segs, 0);
	assert_int_equal(ptg_stack_strays(w[0].st), 1);
	assert_int_equal(w[0].ho.n, 1);
	assert_int_equal(w[0].ho.owner[0], 1);
	/* The owner takes it and answers with a SYN-ACK. */
	ptg_stack_rx(w[1].st, w[0].ho.m, 1, PTG_TEST_S(1));
	ptg_stack_flush(w[1].st);
	assert_int_equal(ptg_stack_strays(w[1].st), 0);
	assert_int_equal(w[1].port.n, 1);
	ptg_test_parse_ok(w[1].port.pkts[0], &p);
	assert_int_equal(p.tcp_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(p.ack, 8);
	assert_int_equal(p.dport, sport);
	assert_int_equal(ptg_tcp_conn_count(ptg_stack_tcp(w[1].st)), 1);
	/* ARP is no flow's: worker 0 answers a request itself. */
	m = ptg_test_arp_request(mp, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
				 PTG_TEST_IP_LOCAL);
	ptg_stack_rx(w[0].st, &m, 1, PTG_TEST_S(1));
	ptg_stack_flush(w[0].st);
	assert_int_equal(w[0].port.n, 1);
	assert_int_equal(ptg_stack_strays(w[0].st), 1);

	worker_free(&w[0]);
	worker_free(&w[1]);
	ptg_test_assert_mempool(mp, base);
}

/* Active opens from worker k use only source ports whose answers steer
 * to worker k, with 2 and 4 workers. */
static void
test_connect_port_steers_back(void **state)
{
	struct rte_mempool *mp = ptg_test_mempool();
	unsigned int base = ptg_test_mempool_in_use(mp);
	uint8_t key[PTG_STEER_KEY_LEN];
	struct ptg_steer s;

	(void)state;
	ptg_steer_key_random(key);
	for (uint16_t nw = 2; nw <= 4; nw += 2) {
		assert_int_equal(ptg_steer_init(&s, key, 128, nw), 0);
		for (uint16_t k = 0; k < nw; k++) {
			struct worker w;
			struct ptg_tcp *tcp;

			worker_make(&w, &s, k);
			tcp = ptg_stack_tcp(w.st);
			for (int i = 0; i < 200; i++) {
				struct ptg_conn *c = ptg_connect(tcp,
					PTG_TEST_IP_PEER, 8080, 0, &sink_ops,
					NULL, PTG_TEST_S(1));
				uint16_t lport, rport;
				rte_be32_t la, ra;

				assert_non_null(c);
				ptg_conn_endpoints(c, &la, &lport, &ra, &rport);
				/* The peer's answer: from ra:rport to la:lport. */
				assert_int_equal(ptg_steer_worker(&s,
					ptg_steer_hash(&s, ra, la, rport, lport)),
					k);
			}
			assert_int_equal(ptg_tcp_conn_count(tcp), 200);
			assert_int_equal(ptg_stack_strays(w.st), 0);
			worker_free(&w);
		}
	}
	ptg_test_assert_mempool(mp, base);
}

/* A steered stack needs somewhere to hand strays, and a valid index. */
static void
test_stack_config_checks(void **state)
{
	uint8_t key[PTG_STEER_KEY_LEN];
	struct ptg_test_port port;
	struct ptg_stack_config sc;
	struct ptg_steer s;

	(void)state;
	ptg_steer_key_random(key);
	assert_int_equal(ptg_steer_init(&s, key, 128, 2), 0);
	ptg_test_port_init(&port);
	ptg_stack_config_default(&sc);
	ptg_test_net_config(&sc.net, &port);
	sc.mp = ptg_test_mempool();
	sc.steer = &s;
	assert_null(ptg_stack_create(&sc));          /* no stray callback */
	assert_int_equal(rte_errno, EINVAL);
	sc.stray = stray_cb;
	sc.worker = 2;
	assert_null(ptg_stack_create(&sc));          /* no worker 2 of 2 */
	assert_int_equal(rte_errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toeplitz_reference_vectors),
		cmocka_unit_test(test_symmetric_keys),
		cmocka_unit_test(test_reta),
		cmocka_unit_test(test_owner_of_frames),
		cmocka_unit_test(test_stray_handed_to_owner),
		cmocka_unit_test(test_connect_port_steers_back),
		cmocka_unit_test(test_stack_config_checks),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
