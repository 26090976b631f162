/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/eth.c: Ethernet receive filter and demux.
 *
 * main() -> cmocka -> test_* -> ptg_test_env_rx() -> ptg_net_input()
 *                                                 -> eth_input()
 * Each bad frame has its own case: the one counter it raises, nothing sent.
 */
#include <string.h>

#include "ptg_test.h"

static const struct rte_ether_addr mac_other = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 } };
static const struct rte_ether_addr mac_mcast = {
	.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

/* A frame of @p len bytes: our MAC, @p type, zero payload. */
static struct rte_mbuf *
eth_frame(struct ptg_test_env *env, const struct rte_ether_addr *dst,
	  uint16_t type, uint32_t len)
{
	uint8_t buf[128];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_mbuf *m;

	assert_true(len <= sizeof(buf));
	memset(buf, 0, sizeof(buf));
	eh->dst_addr = *dst;
	eh->src_addr = ptg_test_mac_peer;
	eh->ether_type = rte_cpu_to_be_16(type);
	m = ptg_test_raw(env->mp, buf, len);
	assert_non_null(m);
	return m;
}

static void
assert_dropped(struct ptg_test_env *env, const char *counter)
{
	assert_int_equal(env->port.n, 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_frames), 0);
	ptg_test_assert_only_drop(env->net, counter, 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, rx_frames), 1);
}

static void
test_runt_frame(void **state)
{
	struct ptg_test_env *env = *state;
	uint8_t buf[10];

	memset(buf, 0xab, sizeof(buf));
	ptg_test_env_rx(env, ptg_test_raw(env->mp, buf, sizeof(buf)));
	assert_dropped(env, "drop_runt");
	assert_int_equal(PTG_TEST_NET_STAT(env, rx_bytes), 10);
}

static void
test_empty_frame(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_raw(env->mp, NULL, 0));
	assert_dropped(env, "drop_runt");
}

/* 13 bytes: one short of a header. */
static void
test_runt_one_short(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local,
				       RTE_ETHER_TYPE_IPV4, 13));
	assert_dropped(env, "drop_runt");
}

/* A bare IPv4 Ethernet header passes L2 and is IPv4's to reject. */
static void
test_header_only_ipv4(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local,
				       RTE_ETHER_TYPE_IPV4, 14));
	assert_dropped(env, "drop_ip_len");
	assert_int_equal(PTG_TEST_NET_STAT(env, ip_rx), 1);
}

static void
test_unknown_ethertype(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local,
				       RTE_ETHER_TYPE_IPV6, 60));
	assert_dropped(env, "drop_ethertype");
}

static void
test_vlan_tagged(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local,
				       RTE_ETHER_TYPE_VLAN, 64));
	assert_dropped(env, "drop_ethertype");
}

static void
test_qinq_tagged(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local,
				       RTE_ETHER_TYPE_QINQ, 64));
	assert_dropped(env, "drop_ethertype");
}

/* An 802.3 length field (< 0x600) is no Ethernet II type we speak. */
static void
test_8023_length_field(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_local, 46, 60));
	assert_dropped(env, "drop_ethertype");
}

static void
test_wrong_dst_mac(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .eth_dst = mac_other };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_eth_dst");
	assert_int_equal(PTG_TEST_NET_STAT(env, ip_rx), 0);
}

/* Unicast ARP to someone else is not ours either. */
static void
test_wrong_dst_mac_arp(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp(env->mp, RTE_ARP_OP_REQUEST,
			&ptg_test_mac_peer, PTG_TEST_IP_PEER, NULL,
			PTG_TEST_IP_LOCAL, &mac_other));
	assert_dropped(env, "drop_eth_dst");
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_request), 0);
}

static void
test_multicast_dst_mac(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .eth_dst = mac_mcast };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_eth_dst");
}

/* Broadcast is for ARP only. */
static void
test_broadcast_ipv4(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .eth_dst = ptg_test_mac_bcast };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_eth_dst");
}

static void
test_broadcast_unknown_type(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, eth_frame(env, &ptg_test_mac_bcast,
				       RTE_ETHER_TYPE_IPV6, 60));
	assert_dropped(env, "drop_eth_dst");
}

/* A group source address (found by fuzz_arp): no station sends from
 * one, and the echo reply would go back to the whole group. */
static void
test_multicast_src_mac(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .eth_src = mac_mcast };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_eth_src");
	assert_int_equal(PTG_TEST_NET_STAT(env, ip_rx), 0);
}

static void
test_broadcast_src_mac(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .eth_src = ptg_test_mac_bcast };

	ptg_test_env_rx(env, ptg_test_icmp_echo(env->mp, &ip,
			RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 8));
	assert_dropped(env, "drop_eth_src");
}

/* The same for ARP: a request from a group address gets no reply. */
static void
test_multicast_src_mac_arp(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
						  PTG_TEST_IP_PEER,
						  PTG_TEST_IP_LOCAL);

	assert_non_null(m);
	ptg_test_eth_hdr(m)->src_addr = mac_mcast;
	ptg_test_env_rx(env, m);
	assert_dropped(env, "drop_eth_src");
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_request), 0);
}

/* Positive: broadcast ARP and unicast ARP to our MAC both reach ARP. */
static void
test_arp_broadcast_and_unicast_accepted(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	ptg_test_env_rx(env, ptg_test_arp(env->mp, RTE_ARP_OP_REQUEST,
			&ptg_test_mac_peer, PTG_TEST_IP_PEER, NULL,
			PTG_TEST_IP_LOCAL, &ptg_test_mac_local));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_request), 2);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_reply), 2);
	assert_int_equal(env->port.n, 2);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* A burst with one frame of each fate: each counted once, in order. */
static void
test_burst_mixed(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 other = { .eth_dst = mac_other };
	struct rte_mbuf *pkts[5];
	struct ptg_test_pkt pkt;
	uint8_t runt[6] = { 0 };
	uint64_t bytes = 0;
	unsigned int i;

	pkts[0] = ptg_test_raw(env->mp, runt, sizeof(runt));
	pkts[1] = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST,
				     7, 1, NULL, 32);
	pkts[2] = eth_frame(env, &ptg_test_mac_local, RTE_ETHER_TYPE_IPV6, 60);
	pkts[3] = ptg_test_icmp_echo(env->mp, &other, RTE_IP_ICMP_ECHO_REQUEST,
				     7, 2, NULL, 32);
	pkts[4] = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST,
				     7, 3, NULL, 32);
	for (i = 0; i < RTE_DIM(pkts); i++) {
		assert_non_null(pkts[i]);
		bytes += pkts[i]->pkt_len;
	}
	ptg_net_input(env->net, pkts, RTE_DIM(pkts), env->now);
	ptg_net_flush(env->net);

	assert_int_equal(PTG_TEST_NET_STAT(env, rx_frames), 5);
	assert_int_equal(PTG_TEST_NET_STAT(env, rx_bytes), bytes);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_runt), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_ethertype), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_eth_dst), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, icmp_echo_tx), 2);
	assert_int_equal(env->port.n, 2);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.icmp_seq, 1);
	ptg_test_parse_ok(env->port.pkts[1], &pkt);
	assert_int_equal(pkt.icmp_seq, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ptg_test_env_setup, \
					     ptg_test_env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_runt_frame),
		T(test_empty_frame),
		T(test_runt_one_short),
		T(test_header_only_ipv4),
		T(test_unknown_ethertype),
		T(test_vlan_tagged),
		T(test_qinq_tagged),
		T(test_8023_length_field),
		T(test_wrong_dst_mac),
		T(test_wrong_dst_mac_arp),
		T(test_multicast_dst_mac),
		T(test_broadcast_ipv4),
		T(test_broadcast_unknown_type),
		T(test_multicast_src_mac),
		T(test_broadcast_src_mac),
		T(test_multicast_src_mac_arp),
		T(test_arp_broadcast_and_unicast_accepted),
		T(test_burst_mixed),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
