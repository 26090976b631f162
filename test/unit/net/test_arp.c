/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/arp.c: replies, learning, resolution with a pending queue,
 * retries and give-up, aging, the table bound and gratuitous ARP.
 *
 * main() -> cmocka -> test_* -> ptg_test_env_rx() -> arp_input()
 *                            -> ptg_net_ip_output() -> arp_output()
 *                            -> ptg_test_env_advance() -> arp_timer()
 */
#include <errno.h>
#include <string.h>

#include "ptg_test.h"

static const struct rte_ether_addr mac_zero;
static const struct rte_ether_addr mac_new = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 } };

#define IP_HOST(n) PTG_TEST_IP(198, 18, 0, (n))

/* Send a small TCP segment to @p dst through ptg_net_ip_output(). */
static int
output_to(struct ptg_test_env *env, rte_be32_t dst, uint32_t seq)
{
	struct ptg_test_ipv4 ip = { .dst = dst };
	struct ptg_test_tcp tcp = {
		.sport = 80, .dport = 40000, .seq = seq, .ack = 1,
		.flags = RTE_TCP_ACK_FLAG, .win = 1000, .len = 10,
	};
	struct rte_mbuf *m = ptg_test_tcp_datagram(env->mp, &ip, &tcp);

	assert_non_null(m);
	return ptg_net_ip_output(env->net, m, env->now);
}

/* Frame @p i is an ARP request from us for @p tip. */
static void
assert_arp_request(struct ptg_test_env *env, unsigned int i, rte_be32_t tip)
{
	struct ptg_test_pkt pkt;

	assert_true(i < env->port.n);
	ptg_test_parse_ok(env->port.pkts[i], &pkt);
	assert_int_equal(pkt.ether_type, RTE_ETHER_TYPE_ARP);
	assert_true(rte_is_broadcast_ether_addr(&pkt.eth_dst));
	assert_true(rte_is_same_ether_addr(&pkt.eth_src, &ptg_test_mac_local));
	assert_int_equal(pkt.arp_op, RTE_ARP_OP_REQUEST);
	assert_true(rte_is_same_ether_addr(&pkt.arp_sha, &ptg_test_mac_local));
	assert_true(pkt.arp_sip == PTG_TEST_IP_LOCAL);
	assert_true(rte_is_zero_ether_addr(&pkt.arp_tha));
	assert_true(pkt.arp_tip == tip);
	assert_int_equal(pkt.frame_len, 60);
}

/* Frame @p i is the TCP segment with @p seq, sent to @p mac. */
static void
assert_segment_to(struct ptg_test_env *env, unsigned int i,
		  const struct rte_ether_addr *mac, uint32_t seq)
{
	struct ptg_test_pkt pkt;

	assert_true(i < env->port.n);
	ptg_test_parse_ok(env->port.pkts[i], &pkt);
	assert_int_equal(pkt.ether_type, RTE_ETHER_TYPE_IPV4);
	assert_true(rte_is_same_ether_addr(&pkt.eth_dst, mac));
	assert_true(rte_is_same_ether_addr(&pkt.eth_src, &ptg_test_mac_local));
	assert_int_equal(pkt.ip_proto, IPPROTO_TCP);
	assert_int_equal(pkt.seq, seq);
}

/* ---- replies ------------------------------------------------------------- */

static void
test_reply_bytes(void **state)
{
	struct ptg_test_env *env = *state;
	const struct rte_mbuf *m;
	uint8_t expect[60];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)expect;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	m = env->port.pkts[0];

	/* RFC 826 reply, byte for byte, padded to the Ethernet minimum. */
	memset(expect, 0, sizeof(expect));
	eh->dst_addr = ptg_test_mac_peer;
	eh->src_addr = ptg_test_mac_local;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = RTE_BE16(1);
	ah->arp_protocol = RTE_BE16(0x0800);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = RTE_BE16(2);
	ah->arp_data.arp_sha = ptg_test_mac_local;
	ah->arp_data.arp_sip = PTG_TEST_IP_LOCAL;
	ah->arp_data.arp_tha = ptg_test_mac_peer;
	ah->arp_data.arp_tip = PTG_TEST_IP_PEER;
	assert_int_equal(m->pkt_len, sizeof(expect));
	assert_int_equal(m->nb_segs, 1);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), expect,
			    sizeof(expect));

	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_request), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_reply), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_learned), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_frames), 1);
	assert_int_equal(ptg_net_arp_count(env->net), 1);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* The requester was learned: output to it leaves at once. */
static void
test_request_teaches_sender(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	ptg_test_port_clear(&env->port);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 5), 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_segment_to(env, 0, &ptg_test_mac_peer, 5);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 0);
}

static void
test_request_for_other_address(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, IP_HOST(77)));
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_not_for_us", 1);
	/* RFC 826: not the target and not known: nothing learned. */
	assert_int_equal(ptg_net_arp_count(env->net), 0);
}

/* RFC 5227 2.1.1: a probe (sender 0) for our address gets a reply; the
 * prober is not learned. */
static void
test_probe_for_our_address(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_pkt pkt;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			0, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.arp_op, RTE_ARP_OP_REPLY);
	assert_true(rte_is_same_ether_addr(&pkt.eth_dst, &ptg_test_mac_peer));
	assert_true(rte_is_same_ether_addr(&pkt.arp_tha, &ptg_test_mac_peer));
	assert_true(pkt.arp_tip == 0);
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* Someone else claims our address: answer, never learn it. */
static void
test_sender_claims_our_address(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &mac_new,
			PTG_TEST_IP_LOCAL, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 0);
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* ---- further local addresses ------------------------------------------------ */

static struct ptg_test_env *
env_with_extra(void)
{
	struct ptg_test_port unused;
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	ptg_test_net_config(&cfg, &unused);
	cfg.extra_addr = IP_HOST(100);
	cfg.nb_extra_addrs = 4;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	return env;
}

/* A request for one of the further addresses is answered from it; one for
 * the address after the range is not ours. */
static void
test_extra_addr_answered(void **state)
{
	struct ptg_test_env *env = env_with_extra();
	struct ptg_test_pkt pkt;

	(void)state;
	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, IP_HOST(102)));
	assert_int_equal(env->port.n, 1);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.arp_op, RTE_ARP_OP_REPLY);
	assert_true(rte_is_same_ether_addr(&pkt.arp_sha, &ptg_test_mac_local));
	assert_true(pkt.arp_sip == IP_HOST(102));
	assert_true(rte_is_same_ether_addr(&pkt.arp_tha, &ptg_test_mac_peer));
	assert_true(pkt.arp_tip == PTG_TEST_IP_PEER);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_reply), 1);
	ptg_test_port_clear(&env->port);

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, IP_HOST(104)));
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_not_for_us", 1);

	/* A sender using one of our addresses is answered, never learned. */
	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &mac_new,
			IP_HOST(101), PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	assert_int_equal(ptg_net_arp_count(env->net), 1); /* the peer only */
	ptg_test_env_free(env);
}

/* ptg_net_resolve(): asks once, answers from the table once resolved,
 * goes through the gateway off-link, refuses what has no route. */
static void
test_resolve_for_raw_frames(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_ether_addr mac;

	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_PEER, &mac,
					 env->now), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, PTG_TEST_IP_PEER);
	/* Asking again while pending sends nothing more. */
	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_PEER, &mac,
					 env->now), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_PEER, &mac,
					 env->now), 0);
	assert_true(rte_is_same_ether_addr(&mac, &ptg_test_mac_peer));
	ptg_test_port_clear(&env->port);

	/* Off-link: the gateway's address. */
	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_REMOTE, &mac,
					 env->now), -EAGAIN);
	ptg_net_flush(env->net);
	assert_arp_request(env, 0, PTG_TEST_IP_GW);
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_gw,
			PTG_TEST_IP_GW, PTG_TEST_IP_LOCAL));
	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_REMOTE, &mac,
					 env->now), 0);
	assert_true(rte_is_same_ether_addr(&mac, &ptg_test_mac_gw));

	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP(127, 0, 0, 1),
					 &mac, env->now), -ENETUNREACH);
	assert_int_equal(ptg_net_resolve(env->net, PTG_TEST_IP_LOCAL, &mac,
					 env->now), -ENETUNREACH);
	/* Nothing was held, nothing dropped. */
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* The next-hop cache (the entry the last output used) follows the table:
 * alternating next hops each get their own MAC, a freed entry is never
 * used again, and a slot reused for another address is not mistaken for
 * the old one. */
static void
test_nexthop_cache_follows_table(void **state)
{
	struct ptg_test_env *env = *state;
	unsigned int i;

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	ptg_test_env_arp_seed(env, PTG_TEST_IP_GW, &ptg_test_mac_gw);
	for (i = 0; i < 4; i++) {
		assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 10 + i), 0);
		assert_int_equal(output_to(env, PTG_TEST_IP_REMOTE, 20 + i), 0);
	}
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 8);
	for (i = 0; i < 4; i++) {
		assert_segment_to(env, 2 * i, &ptg_test_mac_peer, 10 + i);
		assert_segment_to(env, 2 * i + 1, &ptg_test_mac_gw, 20 + i);
	}
	ptg_test_port_clear(&env->port);

	/* The cached entry ages out: the next frame asks again. */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 30), 0);
	ptg_test_env_advance(env, PTG_TEST_S(300));
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	ptg_test_port_clear(&env->port);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 31), -EAGAIN);
	ptg_net_flush(env->net);
	assert_arp_request(env, 0, PTG_TEST_IP_PEER);
	ptg_test_port_clear(&env->port);

	/* Another host takes a slot; the peer answers with a new MAC. */
	ptg_test_env_arp_seed(env, IP_HOST(9), &mac_new);
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &mac_new,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	ptg_test_port_clear(&env->port);  /* the held frame 31 */
	assert_int_equal(output_to(env, IP_HOST(9), 40), 0);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 41), 0);
	ptg_net_flush(env->net);
	assert_segment_to(env, 0, &mac_new, 40);
	assert_segment_to(env, 1, &mac_new, 41);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* ---- malformed ----------------------------------------------------------- */

static void
rx_malformed(struct ptg_test_env *env, struct rte_mbuf *m)
{
	assert_non_null(m);
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_malformed", 1);
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_request), 0);
}

static struct rte_mbuf *
good_request(struct ptg_test_env *env)
{
	return ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
				    PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL);
}

static void
test_truncated_arp(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	assert_int_equal(rte_pktmbuf_trim(m, 1), 0); /* 41 bytes */
	rx_malformed(env, m);
}

static void
test_arp_bad_hardware_type(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_hardware = RTE_BE16(6); /* IEEE 802 */
	rx_malformed(env, m);
}

static void
test_arp_bad_protocol(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	rx_malformed(env, m);
}

static void
test_arp_bad_hlen(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_hlen = 8;
	rx_malformed(env, m);
}

static void
test_arp_bad_plen(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_plen = 16;
	rx_malformed(env, m);
}

static void
test_arp_bad_opcode(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_opcode = RTE_BE16(RTE_ARP_OP_REVREQUEST);
	rx_malformed(env, m);
}

static void
test_arp_multicast_sender(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	ptg_test_arp_hdr(m)->arp_data.arp_sha = ptg_test_mac_bcast;
	rx_malformed(env, m);
}

static void
test_arp_zero_sender(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = good_request(env);

	memset(&ptg_test_arp_hdr(m)->arp_data.arp_sha, 0, RTE_ETHER_ADDR_LEN);
	rx_malformed(env, m);
}

/* Learning from a request never takes a martian sender. */
static void
test_arp_martian_sender_not_learned(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP(224, 0, 0, 5), PTG_TEST_IP_LOCAL));
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	assert_int_equal(env->port.n, 1); /* still answered */
}

/* ---- resolution ------------------------------------------------------------ */

static void
test_resolve_with_pending_queue(void **state)
{
	struct ptg_test_env *env = *state;
	const uint32_t qlen = 8; /* library default */
	uint32_t i;

	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 100), -EAGAIN);
	ptg_net_flush(env->net);
	/* one request, nothing else */
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, PTG_TEST_IP_PEER);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 1);
	assert_int_equal(ptg_net_arp_count(env->net), 1);
	ptg_test_port_clear(&env->port);

	for (i = 1; i < qlen; i++)
		assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 100 + i),
				 -EAGAIN);
	/* one more than the queue holds */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 999), -ENOBUFS);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 0); /* no second request */
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_queued), qlen);
	ptg_test_assert_only_drop(env->net, "drop_arp_queue_full", 1);

	/* the answer releases the queue, in order */
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, qlen);
	for (i = 0; i < qlen; i++)
		assert_segment_to(env, i, &ptg_test_mac_peer, 100 + i);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_rx_reply), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_learned), 1);
	ptg_test_port_clear(&env->port);

	/* resolved now: straight out */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 500), 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_segment_to(env, 0, &ptg_test_mac_peer, 500);
}

/* The peer's own request answers our pending question too. */
static void
test_resolve_by_peer_request(void **state)
{
	struct ptg_test_env *env = *state;

	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), -EAGAIN);
	ptg_net_flush(env->net);
	ptg_test_port_clear(&env->port);
	ptg_test_env_rx(env, good_request(env));
	/* the held segment and our reply */
	assert_int_equal(env->port.n, 2);
	assert_segment_to(env, 0, &ptg_test_mac_peer, 1);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

static void
test_retries_then_give_up(void **state)
{
	struct ptg_test_env *env = *state;
	const uint64_t retry = PTG_TEST_S(1); /* library default */

	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), -EAGAIN);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 2), -EAGAIN);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 3), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);

	/* not yet */
	ptg_test_env_advance(env, retry - 1);
	assert_int_equal(env->port.n, 1);
	/* second request after arp_retry_ns */
	ptg_test_env_advance(env, 1);
	assert_int_equal(env->port.n, 2);
	assert_arp_request(env, 1, PTG_TEST_IP_PEER);
	/* third */
	ptg_test_env_advance(env, retry);
	assert_int_equal(env->port.n, 3);
	assert_arp_request(env, 2, PTG_TEST_IP_PEER);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 3);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_arp_unresolved), 0);

	/* arp_retries (3) requests unanswered: the held frames go */
	ptg_test_env_advance(env, retry);
	assert_int_equal(env->port.n, 3);
	ptg_test_assert_only_drop(env->net, "drop_arp_unresolved", 3);
	assert_int_equal(ptg_net_arp_count(env->net), 0);

	/* and nothing more is asked */
	ptg_test_env_advance(env, 10 * retry);
	assert_int_equal(env->port.n, 3);

	/* a later datagram starts over */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 4), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 4);
	assert_arp_request(env, 3, PTG_TEST_IP_PEER);
}

static void
test_retry_knobs(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.arp_retries = 1;
	cfg.arp_retry_ns = PTG_TEST_MS(50);
	cfg.arp_queue_per_entry = 2;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);

	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), -EAGAIN);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 2), -EAGAIN);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 3), -ENOBUFS);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	ptg_test_env_advance(env, PTG_TEST_MS(49));
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_arp_unresolved), 0);
	ptg_test_env_advance(env, PTG_TEST_MS(1));
	assert_int_equal(env->port.n, 1); /* one request only */
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_arp_unresolved), 2);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_arp_queue_full), 1);
	ptg_test_env_free(env);
}

/* Freeing the instance frees the frames it still holds. */
static void
test_free_with_pending_frames(void **state)
{
	struct ptg_test_env *env = *state;

	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(3), 2), -EAGAIN);
	/* teardown checks the mempool */
}

/* ---- aging and refresh --------------------------------------------------- */

static void
test_entry_ages_out(void **state)
{
	struct ptg_test_env *env = *state;
	const uint64_t age = PTG_TEST_S(300); /* library default */

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_arp_count(env->net), 1);

	ptg_test_env_advance(env, age - 1);
	assert_int_equal(ptg_net_arp_count(env->net), 1);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), 0);

	ptg_test_env_advance(env, 1);
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_expired), 1);
	ptg_test_port_clear(&env->port);

	/* gone: asked again */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 2), -EAGAIN);
	ptg_net_flush(env->net);
	assert_arp_request(env, 0, PTG_TEST_IP_PEER);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* Expired but not yet swept: output re-resolves rather than trusting it. */
static void
test_expired_entry_not_used(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	env->now += PTG_TEST_S(300); /* no timer run */
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, PTG_TEST_IP_PEER);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_expired), 1);
	assert_int_equal(ptg_net_arp_count(env->net), 1);

	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &mac_new,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 2);
	assert_segment_to(env, 1, &mac_new, 1);
}

static void
test_request_refreshes_entry(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	ptg_test_env_advance(env, PTG_TEST_S(200));
	ptg_test_env_rx(env, good_request(env));
	ptg_test_env_advance(env, PTG_TEST_S(200));
	assert_int_equal(ptg_net_arp_count(env->net), 1);
	ptg_test_port_clear(&env->port);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 1), 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_learned), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_expired), 0);
}

/* RFC 826 merge: a known sender's new MAC is taken even from a
 * gratuitous ARP (not for us). */
static void
test_gratuitous_from_known_peer_updates(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &mac_new,
			PTG_TEST_IP_PEER, PTG_TEST_IP_PEER));
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_not_for_us", 1);
	assert_int_equal(output_to(env, PTG_TEST_IP_PEER, 9), 0);
	ptg_net_flush(env->net);
	assert_segment_to(env, 0, &mac_new, 9);
}

static void
test_gratuitous_from_unknown_not_learned(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &mac_new,
			IP_HOST(9), IP_HOST(9)));
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_not_for_us", 1);
}

/* ---- table bound ---------------------------------------------------------- */

static struct ptg_test_env *
small_table_env(void)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	ptg_test_net_config(&cfg, NULL);
	cfg.arp_entries = 4;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	return env;
}

static void
test_table_full_requests_answered_not_learned(void **state)
{
	struct ptg_test_env *env = small_table_env();
	struct rte_ether_addr mac = ptg_test_mac_peer;
	uint8_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		mac.addr_bytes[5] = (uint8_t)(0x10 + i);
		ptg_test_env_rx(env, ptg_test_arp_request(env->mp, &mac,
				IP_HOST(10 + i), PTG_TEST_IP_LOCAL));
	}
	assert_int_equal(env->port.n, 6);
	assert_int_equal(ptg_net_arp_count(env->net), 4);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_learned), 4);
	ptg_test_assert_only_drop(env->net, NULL, 0);
	ptg_test_env_free(env);
}

/* Resolving with a full table evicts the stalest resolved entry. */
static void
test_table_full_output_evicts_oldest(void **state)
{
	struct ptg_test_env *env = small_table_env();
	struct rte_ether_addr mac = ptg_test_mac_peer;
	uint8_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		mac.addr_bytes[5] = (uint8_t)(0x10 + i);
		ptg_test_env_arp_seed(env, IP_HOST(10 + i), &mac);
		env->now += PTG_TEST_S(1);
	}
	/* refresh host 10: host 11 is now the stalest */
	mac.addr_bytes[5] = 0x10;
	ptg_test_env_arp_seed(env, IP_HOST(10), &mac);

	assert_int_equal(output_to(env, IP_HOST(50), 1), -EAGAIN);
	ptg_net_flush(env->net);
	assert_arp_request(env, 0, IP_HOST(50));
	assert_int_equal(ptg_net_arp_count(env->net), 4);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_evicted), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_expired), 0);
	ptg_test_assert_only_drop(env->net, NULL, 0); /* it held nothing */
	ptg_test_port_clear(&env->port);

	/* host 10 kept, host 11 gone */
	assert_int_equal(output_to(env, IP_HOST(10), 2), 0);
	assert_int_equal(output_to(env, IP_HOST(11), 3), -EAGAIN);
	ptg_test_env_free(env);
}

/* A full table of pending entries (addresses that never answer: spoofed
 * sources we replied to) makes room: the oldest pending entry goes, with
 * the frame it held (counted), in the order they started asking. */
static void
test_table_full_of_pending(void **state)
{
	struct ptg_test_env *env = small_table_env();
	uint8_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(output_to(env, IP_HOST(10 + i), i), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(20), 9), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 5);
	assert_arp_request(env, 4, IP_HOST(20));
	assert_int_equal(ptg_net_arp_count(env->net), 4);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_evicted), 1);
	ptg_test_assert_only_drop(env->net, "drop_arp_evicted", 1);
	/* host 10 went first, host 11 is next */
	assert_int_equal(output_to(env, IP_HOST(10), 20), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(12), 21), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 6); /* host 12 was still pending */
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_evicted), 2);
	ptg_test_assert_only_drop(env->net, "drop_arp_evicted", 2);
	/* the answers of the hosts still pending release their frames */
	ptg_test_port_clear(&env->port);
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &mac_new,
			IP_HOST(12), PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 2);
	assert_segment_to(env, 0, &mac_new, 2);
	assert_segment_to(env, 1, &mac_new, 21);
	ptg_test_env_free(env);
}

/* Pending entries go before resolved ones, however stale those are. */
static void
test_table_full_evicts_pending_first(void **state)
{
	struct ptg_test_env *env = small_table_env();
	struct rte_ether_addr mac = ptg_test_mac_peer;

	(void)state;
	mac.addr_bytes[5] = 0x10;
	ptg_test_env_arp_seed(env, IP_HOST(10), &mac);
	mac.addr_bytes[5] = 0x11;
	ptg_test_env_arp_seed(env, IP_HOST(11), &mac);
	env->now += PTG_TEST_S(200);
	assert_int_equal(output_to(env, IP_HOST(12), 1), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(13), 2), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(20), 3), -EAGAIN); /* 12 */
	assert_int_equal(output_to(env, IP_HOST(21), 4), -EAGAIN); /* 13 */
	assert_int_equal(output_to(env, IP_HOST(22), 5), -EAGAIN); /* 20 */
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_evicted), 3);
	ptg_test_assert_only_drop(env->net, "drop_arp_evicted", 3);
	ptg_net_flush(env->net);
	ptg_test_port_clear(&env->port);
	/* both resolved entries are still there */
	assert_int_equal(output_to(env, IP_HOST(10), 6), 0);
	assert_int_equal(output_to(env, IP_HOST(11), 7), 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 2);
	ptg_test_env_free(env);
}

/*
 * A flood of datagrams to every other address of the prefix (what SYNs
 * from spoofed on-link sources make us send): the table fills with
 * pending entries, the oldest of them make room, at most one second of
 * the request rate goes out as broadcasts, the rest is counted as
 * limited. The gateway still resolves: its request is sent at once
 * though the bucket is empty, its pending entry is never evicted, and
 * its answer releases the held datagram.
 */
static void
test_spoofed_flood_gateway_resolves(void **state)
{
	struct ptg_test_env *env = *state; /* 64 entries, 50 requests/s */
	const unsigned int nhosts = 251;    /* .3 .. .253 */
	unsigned int i, n;
	struct ptg_test_pkt pkt;

	for (i = 0; i < nhosts; i++)
		assert_int_equal(output_to(env, IP_HOST(3 + i), i), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(ptg_net_arp_count(env->net), 64);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 50);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request_limited),
			 nhosts - 50);
	assert_int_equal(env->port.n, 50);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_evicted), nhosts - 64);
	ptg_test_assert_only_drop(env->net, "drop_arp_evicted", nhosts - 64);
	ptg_test_port_clear(&env->port);

	/* a datagram off the prefix: through the gateway */
	assert_int_equal(output_to(env, PTG_TEST_IP_REMOTE, 7777), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, PTG_TEST_IP_GW);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 51);
	assert_int_equal(ptg_net_arp_count(env->net), 64);
	ptg_test_port_clear(&env->port);

	/* the flood goes on: 200 more, each evicting, never the gateway */
	for (i = 0; i < 200; i++)
		assert_int_equal(output_to(env, IP_HOST(3 + i % nhosts),
					   1000 + i), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 0); /* the bucket is still empty */
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_gw,
			PTG_TEST_IP_GW, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	assert_segment_to(env, 0, &ptg_test_mac_gw, 7777);
	ptg_test_port_clear(&env->port);
	assert_int_equal(output_to(env, PTG_TEST_IP_REMOTE, 7778), 0);
	ptg_net_flush(env->net);
	assert_segment_to(env, 0, &ptg_test_mac_gw, 7778);
	ptg_test_port_clear(&env->port);

	/* one second later the retries: one second's worth of requests */
	ptg_test_env_advance(env, PTG_TEST_S(1));
	n = env->port.n;
	assert_int_equal(n, 50);
	for (i = 0; i < n; i++) {
		ptg_test_parse_ok(env->port.pkts[i], &pkt);
		assert_int_equal(pkt.arp_op, RTE_ARP_OP_REQUEST);
		assert_true(pkt.arp_tip != PTG_TEST_IP_GW);
	}
	/* and the pending entries give up after their third request (sent
	 * or refused): only the gateway is left */
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(ptg_net_arp_count(env->net), 64);
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(ptg_net_arp_count(env->net), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, drop_arp_unresolved), 63);
	assert_int_equal(output_to(env, PTG_TEST_IP_REMOTE, 7779), 0);
}

/* The request bucket, exactly: arp_request_rate per second, one second
 * deep; a refused request counts as asked, so an entry whose every
 * request was refused still gives up after arp_retries. */
static void
test_request_rate_limited(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;
	unsigned int i;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.arp_request_rate = 10;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	for (i = 0; i < 30; i++)
		assert_int_equal(output_to(env, IP_HOST(10 + i), i), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 10);
	for (i = 0; i < 10; i++)
		assert_arp_request(env, i, IP_HOST(10 + i));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 10);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request_limited), 20);
	/* 100 ms: one token */
	ptg_test_port_clear(&env->port);
	env->now += PTG_TEST_MS(100);
	assert_int_equal(output_to(env, IP_HOST(100), 100), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(101), 101), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, IP_HOST(100));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request_limited), 21);
	/* the retries at 1 s: 9 tokens came back since (0.9 s) */
	ptg_test_env_advance(env, PTG_TEST_MS(900));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 11 + 9);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request_limited),
			 21 + 21);
	assert_int_equal(ptg_net_arp_count(env->net), 32);
	/* the third round, then all 30 first ones give up, requests sent
	 * or not: 3 s after they started */
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 30);
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(ptg_net_arp_count(env->net), 2);
	ptg_test_assert_only_drop(env->net, "drop_arp_unresolved", 30);
	/* the two later ones are a timer run behind */
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	ptg_test_assert_only_drop(env->net, "drop_arp_unresolved", 32);
	ptg_test_env_free(env);
}

/* The gateway's requests go out with the bucket empty. */
static void
test_gateway_request_not_limited(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.arp_request_rate = 1;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	assert_int_equal(output_to(env, IP_HOST(10), 1), -EAGAIN);
	assert_int_equal(output_to(env, IP_HOST(11), 2), -EAGAIN);
	assert_int_equal(output_to(env, PTG_TEST_IP_REMOTE, 3), -EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 2);
	assert_arp_request(env, 0, IP_HOST(10));
	assert_arp_request(env, 1, PTG_TEST_IP_GW);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request_limited), 1);
	/* and its retries too */
	ptg_test_env_advance(env, PTG_TEST_S(1));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 2 + 2);
	ptg_test_env_free(env);
}

/* ---- gratuitous ARP --------------------------------------------------------- */

static void
test_announce(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_pkt pkt;

	assert_int_equal(ptg_net_announce(env->net), 0);
	/* pushed out at once */
	assert_int_equal(env->port.n, 1);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	/* RFC 5227 2.3 ARP Announcement */
	assert_int_equal(pkt.frame_len, 60);
	assert_true(rte_is_broadcast_ether_addr(&pkt.eth_dst));
	assert_true(rte_is_same_ether_addr(&pkt.eth_src, &ptg_test_mac_local));
	assert_int_equal(pkt.arp_op, RTE_ARP_OP_REQUEST);
	assert_true(rte_is_same_ether_addr(&pkt.arp_sha, &ptg_test_mac_local));
	assert_true(pkt.arp_sip == PTG_TEST_IP_LOCAL);
	assert_true(pkt.arp_tip == PTG_TEST_IP_LOCAL);
	assert_true(rte_is_same_ether_addr(&pkt.arp_tha, &mac_zero));
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_gratuitous), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, arp_tx_request), 0);
	assert_int_equal(ptg_net_announce(NULL), -EINVAL);
}

/* ---- no mbufs ----------------------------------------------------------------- */

static void
test_reply_without_mbufs(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mempool *tiny;
	struct rte_mbuf *hold[4];
	struct ptg_net_config cfg = env->cfg;
	struct ptg_net *net;
	struct rte_mbuf *m;
	unsigned int i;

	tiny = ptg_test_mempool_create("arp_tiny", 4, PTG_TEST_MBUF_DATA_ROOM);
	assert_non_null(tiny);
	net = ptg_net_create(&cfg, tiny, SOCKET_ID_ANY);
	assert_non_null(net);
	for (i = 0; i < 4; i++)
		assert_non_null(hold[i] = rte_pktmbuf_alloc(tiny));

	m = good_request(env);
	ptg_net_input(net, &m, 1, env->now);
	ptg_net_flush(net);
	assert_int_equal(env->port.n, 0);
	assert_int_equal(ptg_net_stats(net)->drop_nombuf, 1);
	assert_int_equal(ptg_net_stats(net)->arp_tx_reply, 0);
	ptg_test_assert_only_drop(net, "drop_nombuf", 1);

	/* the request for a resolution cannot go out either; the frame is
	 * held and the retry asks again once mbufs are back */
	m = ptg_test_tcp_datagram(env->mp, &(struct ptg_test_ipv4){
		.dst = IP_HOST(3) }, &(struct ptg_test_tcp){
		.sport = 1, .dport = 2, .flags = RTE_TCP_ACK_FLAG });
	assert_int_equal(ptg_net_ip_output(net, m, env->now), -EAGAIN);
	ptg_net_flush(net);
	assert_int_equal(env->port.n, 0);
	assert_int_equal(ptg_net_stats(net)->drop_nombuf, 2);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(hold[i]);
	ptg_net_timer(net, env->now + PTG_TEST_S(1));
	ptg_net_flush(net);
	assert_int_equal(env->port.n, 1);
	assert_arp_request(env, 0, IP_HOST(3));

	ptg_net_free(net);
	ptg_test_port_clear(&env->port);
	ptg_test_assert_mempool(tiny, 0);
	rte_mempool_free(tiny);
}

/* Before a worker copies an ARP reply to the others: only a well-formed
 * reply to our address from a unicast, non-martian sender that is not us
 * is shared. */
static void
test_reply_shareable(void **state)
{
	struct ptg_test_env *env = *state;
	static const struct rte_ether_addr mcast = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	struct {
		uint16_t op;
		const struct rte_ether_addr *sha;
		rte_be32_t sip, tip;
		int ok;
	} cases[] = {
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
		  PTG_TEST_IP_LOCAL, 1 },
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_gw, PTG_TEST_IP_GW,
		  PTG_TEST_IP_LOCAL, 1 },
		/* a request is answered where it lands, never shared */
		{ RTE_ARP_OP_REQUEST, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
		  PTG_TEST_IP_LOCAL, 0 },
		/* not to us */
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
		  PTG_TEST_IP(198, 18, 0, 77), 0 },
		/* a sender claiming our address, or none, or a martian */
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_peer, PTG_TEST_IP_LOCAL,
		  PTG_TEST_IP_LOCAL, 0 },
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_peer, 0, PTG_TEST_IP_LOCAL, 0 },
		{ RTE_ARP_OP_REPLY, &ptg_test_mac_peer,
		  PTG_TEST_IP(127, 0, 0, 1), PTG_TEST_IP_LOCAL, 0 },
		/* a multicast station is no neighbour */
		{ RTE_ARP_OP_REPLY, &mcast, PTG_TEST_IP_PEER,
		  PTG_TEST_IP_LOCAL, 0 },
	};
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		m = ptg_test_arp(env->mp, cases[i].op, cases[i].sha,
				 cases[i].sip, &ptg_test_mac_local, cases[i].tip,
				 NULL);
		if (ptg_net_arp_reply_shareable(env->net, m) != cases[i].ok)
			fail_msg("case %u: shareable %d, expected %d", i,
				 !cases[i].ok, cases[i].ok);
		rte_pktmbuf_free(m);
	}
	/* A reply truncated before its addresses, and an IPv4 frame. */
	m = ptg_test_arp(env->mp, RTE_ARP_OP_REPLY, &ptg_test_mac_peer,
			 PTG_TEST_IP_PEER, &ptg_test_mac_local,
			 PTG_TEST_IP_LOCAL, NULL);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - 20);
	assert_false(ptg_net_arp_reply_shareable(env->net, m));
	rte_pktmbuf_free(m);
	m = ptg_test_icmp_echo(env->mp, NULL, RTE_IP_ICMP_ECHO_REQUEST, 1, 1,
			       "x", 1);
	assert_false(ptg_net_arp_reply_shareable(env->net, m));
	rte_pktmbuf_free(m);
	/* Nothing was counted, learned or sent: it only looks. */
	assert_int_equal(ptg_net_arp_count(env->net), 0);
	assert_int_equal(env->port.n, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ptg_test_env_setup, \
					     ptg_test_env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reply_bytes),
		T(test_request_teaches_sender),
		T(test_request_for_other_address),
		T(test_probe_for_our_address),
		T(test_sender_claims_our_address),
		cmocka_unit_test(test_extra_addr_answered),
		T(test_resolve_for_raw_frames),
		T(test_nexthop_cache_follows_table),
		T(test_truncated_arp),
		T(test_arp_bad_hardware_type),
		T(test_arp_bad_protocol),
		T(test_arp_bad_hlen),
		T(test_arp_bad_plen),
		T(test_arp_bad_opcode),
		T(test_arp_multicast_sender),
		T(test_arp_zero_sender),
		T(test_arp_martian_sender_not_learned),
		T(test_resolve_with_pending_queue),
		T(test_resolve_by_peer_request),
		T(test_retries_then_give_up),
		cmocka_unit_test(test_retry_knobs),
		T(test_free_with_pending_frames),
		T(test_entry_ages_out),
		T(test_expired_entry_not_used),
		T(test_request_refreshes_entry),
		T(test_gratuitous_from_known_peer_updates),
		T(test_gratuitous_from_unknown_not_learned),
		cmocka_unit_test(test_table_full_requests_answered_not_learned),
		cmocka_unit_test(test_table_full_output_evicts_oldest),
		cmocka_unit_test(test_table_full_of_pending),
		cmocka_unit_test(test_table_full_evicts_pending_first),
		T(test_spoofed_flood_gateway_resolves),
		cmocka_unit_test(test_request_rate_limited),
		cmocka_unit_test(test_gateway_request_not_limited),
		T(test_announce),
		T(test_reply_without_mbufs),
		T(test_reply_shareable),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
