/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/icmp.c: echo replies (every payload size up to the MTU, shared
 * and chained mbufs, checksum offload) and the drops.
 *
 * main() -> cmocka -> test_* -> ptg_test_env_rx() -> ipv4_input()
 *                                                 -> icmp_input()
 */
#include <stdlib.h>
#include <string.h>

#include "ptg_test.h"

/* Receive an echo request and check the one reply, byte for byte. */
static void
echo_roundtrip(struct ptg_test_env *env, const struct ptg_test_ipv4 *ip,
	       uint16_t id, uint16_t seq, uint32_t len, uint8_t seed)
{
	static uint8_t payload[PTG_TEST_FRAME_MAX];
	static struct ptg_test_pkt pkt;
	uint64_t tx_before = PTG_TEST_NET_STAT(env, icmp_echo_tx);
	struct rte_mbuf *m;

	assert_true(len <= sizeof(payload));
	ptg_test_pattern(payload, len, seed);
	m = ptg_test_icmp_echo(env->mp, ip, RTE_IP_ICMP_ECHO_REQUEST, id, seq,
			       payload, len);
	assert_non_null(m);
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 1);
	if (env->port.finish_offloads)
		assert_int_equal(env->port.offload_errors, 0);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);

	assert_true(rte_is_same_ether_addr(&pkt.eth_dst, &ptg_test_mac_peer));
	assert_true(rte_is_same_ether_addr(&pkt.eth_src, &ptg_test_mac_local));
	assert_int_equal(pkt.ether_type, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(pkt.frame_len, 14 + 20 + 8 + len);
	assert_int_equal(pkt.ip_hlen, 20);
	assert_int_equal(pkt.ip_len, 20 + 8 + len);
	assert_int_equal(pkt.ip_proto, IPPROTO_ICMP);
	assert_int_equal(pkt.ip_ttl, 64);
	assert_int_equal(pkt.ip_frag & RTE_IPV4_HDR_OFFSET_MASK, 0);
	assert_true(pkt.ip_src == PTG_TEST_IP_LOCAL);
	assert_true(pkt.ip_dst == PTG_TEST_IP_PEER);
	assert_int_equal(pkt.icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(pkt.icmp_code, 0);
	assert_int_equal(pkt.icmp_id, id);
	assert_int_equal(pkt.icmp_seq, seq);
	assert_int_equal(pkt.payload_len, len);
	assert_memory_equal(pkt.payload, payload, len);
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_tx), tx_before + 1);
	ptg_test_port_clear(&env->port);
}

static void
assert_dropped(struct ptg_test_env *env, const char *counter)
{
	assert_int_equal(env->port.n, 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_tx), 0);
	ptg_test_assert_only_drop(env->net, counter, 1);
}

/* ---- echo ---------------------------------------------------------------- */

static void
test_echo_reply_bytes(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m, *r;
	uint8_t req[14 + 20 + 8 + 16], rep[sizeof(req)];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rep;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	struct ptg_test_ipv4 spec = { .id = 0x1234,
				      .frag = RTE_IPV4_HDR_DF_FLAG,
				      .ttl = 17, .tos = 0x10 };

	m = ptg_test_icmp_echo(env->mp, &spec, RTE_IP_ICMP_ECHO_REQUEST,
			       0xbeef, 42, NULL, 16);
	assert_non_null(m);
	memcpy(req, rte_pktmbuf_mtod(m, void *), sizeof(req));
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 1);
	r = env->port.pkts[0];
	assert_int_equal(r->pkt_len, sizeof(req));

	/* expected: the request with addresses swapped, type 0, TTL 64 */
	memcpy(rep, req, sizeof(req));
	eh->dst_addr = ptg_test_mac_peer;
	eh->src_addr = ptg_test_mac_local;
	ip->src_addr = PTG_TEST_IP_LOCAL;
	ip->dst_addr = PTG_TEST_IP_PEER;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = ~rte_raw_cksum(ic, sizeof(req) - 34);
	assert_memory_equal(rte_pktmbuf_mtod(r, void *), rep, sizeof(rep));

	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_rx), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_tx), 1);
	ptg_test_assert_only_drop(env->net, NULL, 0);
	/* the request's mbuf was reused: one mbuf in flight */
	assert_int_equal(ptg_test_mempool_in_use(env->mp),
			 env->mp_baseline + 1);
}

/* Every payload length from 0 to MTU - 28. */
static void
test_echo_all_sizes(void **state)
{
	struct ptg_test_env *env = *state;
	uint32_t len;

	for (len = 0; len <= 1500 - 28; len++)
		echo_roundtrip(env, NULL, (uint16_t)len, (uint16_t)(len * 3),
			       len, (uint8_t)len);
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_tx), 1473);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* Incremental checksum update (RFC 1624) across every identifier, so
 * the request's checksum takes every value, 0x0000 and 0xffff included. */
static void
test_echo_all_identifiers(void **state)
{
	struct ptg_test_env *env = *state;
	uint32_t id;

	for (id = 0; id <= 0xffff; id += 1)
		echo_roundtrip(env, NULL, (uint16_t)id, 0, 0, 0);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

static void
test_echo_jumbo_mtu(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;
	uint32_t len;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.mtu = 9000;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	/* chained requests: sizes around the mbuf boundaries and the MTU */
	for (len = 1900; len < 2200; len += 7)
		echo_roundtrip(env, NULL, 1, (uint16_t)len, len, 3);
	echo_roundtrip(env, NULL, 1, 1, 9000 - 28, 9);
	ptg_test_assert_only_drop(env->net, NULL, 0);
	ptg_test_env_free(env);
}

static void
test_echo_too_big(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, NULL,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 1500 - 27));
	assert_dropped(env, "drop_icmp_too_big");
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_rx), 1);
}

/* Ethernet padding is not echoed back. */
static void
test_echo_padded_request(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .pad = 18 };

	echo_roundtrip(env, &ip, 5, 6, 0, 0);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* A request whose mbuf is shared is answered from a copy; the other
 * holder's bytes are untouched. */
static void
test_echo_shared_mbuf(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m;
	uint8_t before[64];
	struct ptg_test_pkt pkt;

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 9, 9,
			       NULL, 22);
	assert_non_null(m);
	memcpy(before, rte_pktmbuf_mtod(m, void *), m->pkt_len);
	rte_mbuf_refcnt_update(m, 1);
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 1);
	assert_ptr_not_equal(env->port.pkts[0], m);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(pkt.icmp_id, 9);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), before, 64);
	rte_pktmbuf_free(m);
}

/* An indirect (cloned) request: its data belongs to another mbuf. */
static void
test_echo_cloned_mbuf(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m, *c;
	uint8_t before[64];

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 3, 4,
			       NULL, 22);
	assert_non_null(m);
	memcpy(before, rte_pktmbuf_mtod(m, void *), m->pkt_len);
	c = rte_pktmbuf_clone(m, env->mp);
	assert_non_null(c);
	ptg_test_env_rx(env, c);
	assert_int_equal(env->port.n, 1);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), before, 64);
	rte_pktmbuf_free(m);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

static void
test_echo_shared_without_mbufs(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mempool *tiny;
	struct rte_mbuf *hold, *m;
	struct ptg_net *net;

	tiny = ptg_test_mempool_create("icmp_tiny", 1,
				       PTG_TEST_MBUF_DATA_ROOM);
	assert_non_null(tiny);
	net = ptg_net_create(&env->cfg, tiny, SOCKET_ID_ANY);
	assert_non_null(net);
	hold = rte_pktmbuf_alloc(tiny);
	assert_non_null(hold);

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1,
			       NULL, 8);
	assert_non_null(m);
	rte_mbuf_refcnt_update(m, 1);
	ptg_net_input(net, &m, 1, env->now);
	ptg_net_flush(net);
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(net, "drop_nombuf", 1);
	rte_pktmbuf_free(m);

	rte_pktmbuf_free(hold);
	ptg_net_free(net);
	ptg_test_assert_mempool(tiny, 0);
	rte_mempool_free(tiny);
}

/* TX IPv4 checksum offload: marked for the NIC, valid once finished. */
static void
test_echo_ip_cksum_offload(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;
	struct rte_mbuf *r;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.offloads = PTG_NET_OFF_TX_IPV4_CKSUM;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, NULL,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 2, NULL, 100));
	assert_int_equal(env->port.n, 1);
	r = env->port.pkts[0];
	assert_true(r->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
	assert_true(r->ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_int_equal(r->l2_len, 14);
	assert_int_equal(r->l3_len, 20);
	assert_int_equal(ptg_test_ipv4_hdr(r)->hdr_checksum, 0);
	ptg_test_port_clear(&env->port);

	env->port.finish_offloads = 1;
	echo_roundtrip(env, NULL, 7, 8, 1000, 1);
	ptg_test_env_free(env);
}

/* RX flags must not leak into the reply's TX flags. */
static void
test_echo_rx_flags_cleared(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m;

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1,
			       NULL, 8);
	assert_non_null(m);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 1);
	assert_true(env->port.pkts[0]->ol_flags == 0);
}

/* ---- drops --------------------------------------------------------------- */

static void
test_truncated_icmp(void **state)
{
	struct ptg_test_env *env = *state;
	static const uint8_t four[4] = { 8, 0, 0xf7, 0xff };

	ptg_test_env_rx(env, ptg_test_ipv4_frame(env->mp, NULL, IPPROTO_ICMP,
						 four, sizeof(four)));
	assert_dropped(env, "drop_icmp_len");
}

static void
test_empty_icmp(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_ipv4_frame(env->mp, NULL, IPPROTO_ICMP,
						 NULL, 0));
	assert_dropped(env, "drop_icmp_len");
}

static void
test_bad_icmp_cksum(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .bad_l4_cksum = 1 };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 56));
	assert_dropped(env, "drop_icmp_cksum");
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_rx), 0);
}

/* Payload corrupted after the checksum: caught too (whole message). */
static void
test_bad_icmp_cksum_payload(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m;
	uint8_t *p;

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1,
			       NULL, 3000);
	assert_non_null(m);
	assert_true(m->nb_segs > 1);
	p = rte_pktmbuf_mtod(m->next, uint8_t *);
	p[10] ^= 0x01;
	ptg_test_env_rx(env, m);
	assert_dropped(env, "drop_icmp_cksum");
}

static void
test_echo_reply_type_dropped(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, NULL,
			RTE_IP_ICMP_ECHO_REPLY, 1, 1, NULL, 8));
	assert_dropped(env, "drop_icmp_type");
}

static void
test_dest_unreachable_dropped(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, NULL, 3, 0, 0, NULL,
						28));
	assert_dropped(env, "drop_icmp_type");
}

static void
test_timestamp_request_dropped(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, NULL, 13, 1, 1, NULL,
						12));
	assert_dropped(env, "drop_icmp_type");
}

static void
test_echo_nonzero_code_dropped(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m;

	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1,
			       NULL, 8);
	assert_non_null(m);
	((struct rte_icmp_hdr *)ptg_test_l4_hdr(m))->icmp_code = 1;
	ptg_test_fix_l4_cksum(m);
	ptg_test_env_rx(env, m);
	assert_dropped(env, "drop_icmp_type");
}

/* Fragmented echo (ping -s 3000 over a 1500 MTU): IPv4 drops it. */
static void
test_fragmented_echo(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .frag = RTE_IPV4_HDR_MF_FLAG };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 1472));
	assert_dropped(env, "drop_ip_frag");
}

/* Echo to a broadcast address is not answered (RFC 1122 3.2.2.6 MAY). */
static void
test_broadcast_echo_ignored(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .dst = PTG_TEST_IP(198, 18, 0, 255) };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_ip_not_for_us");
}

#define T(f) cmocka_unit_test_setup_teardown(f, ptg_test_env_setup, \
					     ptg_test_env_teardown)

/* An echo to one of the further local addresses is answered from it
 * (RFC 1122 3.2.2.6); a datagram from one of them is a martian source. */
static void
test_echo_to_extra_addr(void **state)
{
	struct ptg_test_port unused;
	struct ptg_net_config cfg;
	struct ptg_test_env *env;
	struct ptg_test_pkt pkt;
	struct ptg_test_ipv4 ip = { .dst = PTG_TEST_IP(198, 18, 0, 201) };

	(void)state;
	ptg_test_net_config(&cfg, &unused);
	cfg.extra_addr = PTG_TEST_IP(198, 18, 0, 200);
	cfg.nb_extra_addrs = 2;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 2, NULL, 32));
	assert_int_equal(env->port.n, 1);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_true(pkt.ip_src == PTG_TEST_IP(198, 18, 0, 201));
	assert_true(pkt.ip_dst == PTG_TEST_IP_PEER);
	ptg_test_port_clear(&env->port);

	ip.dst = PTG_TEST_IP(198, 18, 0, 202);       /* past the range */
	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 3, NULL, 32));
	ip.dst = 0;
	ip.src = PTG_TEST_IP(198, 18, 0, 200);       /* claims our address */
	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 4, NULL, 32));
	assert_int_equal(env->port.n, 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_ip_not_for_us), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_ip_src), 1);
	ptg_test_env_free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_to_extra_addr),
		T(test_echo_reply_bytes),
		T(test_echo_all_sizes),
		T(test_echo_all_identifiers),
		cmocka_unit_test(test_echo_jumbo_mtu),
		T(test_echo_too_big),
		T(test_echo_padded_request),
		T(test_echo_shared_mbuf),
		T(test_echo_cloned_mbuf),
		T(test_echo_shared_without_mbufs),
		cmocka_unit_test(test_echo_ip_cksum_offload),
		T(test_echo_rx_flags_cleared),
		T(test_truncated_icmp),
		T(test_empty_icmp),
		T(test_bad_icmp_cksum),
		T(test_bad_icmp_cksum_payload),
		T(test_echo_reply_type_dropped),
		T(test_dest_unreachable_dropped),
		T(test_timestamp_request_dropped),
		T(test_echo_nonzero_code_dropped),
		T(test_fragmented_echo),
		T(test_broadcast_echo_ignored),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
