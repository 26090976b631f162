/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/ipv4.c: input validation (one case per malformed header, each
 * with the counter it raises), delivery to the L4 handler, RX checksum
 * offload flags, and output: checksums (software and offload), routing.
 *
 * main() -> cmocka -> test_* -> ptg_test_env_rx() -> ipv4_input()
 *                            -> ptg_net_ip_output()
 */
#include <errno.h>
#include <string.h>

#include "ptg_test.h"

/* What the fake TCP handler saw. */
struct l4_sink {
	unsigned int calls;
	uint32_t pkt_len, data_len;
	uint16_t nb_segs;
	uint8_t l2_len, first_byte;
	uint16_t l3_len;
	uint64_t now;
	uint8_t bytes[128];
};

static struct l4_sink sink;

static void
l4_handler(void *arg, struct rte_mbuf *m, uint64_t now_ns)
{
	struct l4_sink *s = arg;

	s->calls++;
	s->pkt_len = m->pkt_len;
	s->data_len = m->data_len;
	s->nb_segs = m->nb_segs;
	s->l2_len = (uint8_t)m->l2_len;
	s->l3_len = (uint16_t)m->l3_len;
	s->now = now_ns;
	memcpy(s->bytes, rte_pktmbuf_mtod(m, void *),
	       RTE_MIN((uint32_t)sizeof(s->bytes), (uint32_t)m->data_len));
	rte_pktmbuf_free(m);
}

static int
setup(void **state)
{
	struct ptg_test_env *env;

	if (ptg_test_env_setup(state) < 0)
		return -1;
	env = *state;
	memset(&sink, 0, sizeof(sink));
	return ptg_net_set_l4(env->net, IPPROTO_TCP, l4_handler, &sink);
}

static const struct ptg_test_tcp seg = {
	.sport = 40000, .dport = 80, .seq = 1000, .ack = 2000,
	.flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, .win = 512, .len = 20,
};

static struct rte_mbuf *
tcp_in(struct ptg_test_env *env, const struct ptg_test_ipv4 *ip)
{
	struct rte_mbuf *m = ptg_test_tcp_frame(env->mp, ip, &seg);

	assert_non_null(m);
	return m;
}

/* Receive @p m: dropped with exactly @p counter, nothing sent or
 * delivered. */
static void
rx_dropped(struct ptg_test_env *env, struct rte_mbuf *m, const char *counter)
{
	assert_non_null(m);
	ptg_test_env_rx(env, m);
	assert_int_equal(env->port.n, 0);
	assert_int_equal(sink.calls, 0);
	ptg_test_assert_only_drop(env->net, counter, 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, ip_rx), 1);
}

/* ---- positive input -------------------------------------------------------- */

static void
test_deliver_to_l4(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .frag = RTE_IPV4_HDR_DF_FLAG };
	struct rte_mbuf *m = tcp_in(env, &ip);
	uint8_t expect[20 + 20 + 20];

	memcpy(expect, rte_pktmbuf_mtod_offset(m, void *, 14), sizeof(expect));
	ptg_test_env_rx(env, m);
	assert_int_equal(sink.calls, 1);
	/* data at the IPv4 header, l3_len set, trimmed */
	assert_int_equal(sink.l2_len, 0);
	assert_int_equal(sink.l3_len, 20);
	assert_int_equal(sink.pkt_len, 60);
	assert_memory_equal(sink.bytes, expect, sizeof(expect));
	assert_true(sink.now == env->now);
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, NULL, 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, ip_rx), 1);
}

/* Ethernet padding after a short datagram is cut off before L4. */
static void
test_padding_trimmed(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .pad = 18 };

	ptg_test_env_rx(env, tcp_in(env, &ip));
	assert_int_equal(sink.calls, 1);
	assert_int_equal(sink.pkt_len, 60);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* Padding spanning mbuf segments: the tail segments are freed. */
static void
test_padding_trimmed_across_segments(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .pad = 5000 };
	struct rte_mbuf *m = tcp_in(env, &ip);

	assert_true(m->nb_segs >= 3);
	ptg_test_env_rx(env, m);
	assert_int_equal(sink.calls, 1);
	assert_int_equal(sink.pkt_len, 60);
	assert_int_equal(sink.nb_segs, 1);
	assert_int_equal(sink.data_len, 60);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* A datagram larger than one mbuf arrives whole. */
static void
test_multi_segment_datagram(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_tcp big = seg;
	struct rte_mbuf *m;

	big.len = 6000;
	m = ptg_test_tcp_frame(env->mp, NULL, &big);
	assert_non_null(m);
	assert_true(m->nb_segs > 1);
	ptg_test_env_rx(env, m);
	assert_int_equal(sink.calls, 1);
	assert_int_equal(sink.pkt_len, 6040);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* ---- malformed input ------------------------------------------------------- */

static void
test_truncated_header(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);

	assert_int_equal(rte_pktmbuf_trim(m, m->pkt_len - 14 - 19), 0);
	rx_dropped(env, m, "drop_ip_len");
}

static void
test_bad_version(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);

	ptg_test_ipv4_hdr(m)->version_ihl = (6 << 4) | 5;
	ptg_test_fix_ip_cksum(m);
	rx_dropped(env, m, "drop_ip_version");
}

static void
test_bad_ihl(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);

	ptg_test_ipv4_hdr(m)->version_ihl = (4 << 4) | 4;
	rx_dropped(env, m, "drop_ip_ihl");
}

static void
test_ihl_zero(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);

	ptg_test_ipv4_hdr(m)->version_ihl = 4 << 4;
	rx_dropped(env, m, "drop_ip_ihl");
}

/* IHL 6: a well-formed header with 4 option bytes, refused on purpose. */
static void
test_options_bearing_header(void **state)
{
	struct ptg_test_env *env = *state;
	/* NOP, NOP, NOP, EOL: harmless options, still refused */
	static const uint8_t opts[4] = { 1, 1, 1, 0 };
	struct ptg_test_ipv4 ip = { .options = opts, .options_len = 4 };
	struct rte_mbuf *m = tcp_in(env, &ip);

	assert_int_equal(ptg_test_ipv4_hdr(m)->version_ihl & 0xf, 6);
	rx_dropped(env, m, "drop_ip_options");
}

static void
test_source_route_option(void **state)
{
	struct ptg_test_env *env = *state;
	/* loose source route (RFC 791 3.1 type 131), one hop */
	static const uint8_t lsrr[8] = { 131, 7, 4, 198, 18, 0, 9, 0 };
	struct ptg_test_ipv4 ip = { .options = lsrr, .options_len = 8 };

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_options");
}

static void
test_total_length_beyond_frame(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);
	struct rte_ipv4_hdr *ip = ptg_test_ipv4_hdr(m);

	ip->total_length = rte_cpu_to_be_16(61); /* frame holds 60 */
	ptg_test_fix_ip_cksum(m);
	rx_dropped(env, m, "drop_ip_len");
}

static void
test_total_length_below_header(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);
	struct rte_ipv4_hdr *ip = ptg_test_ipv4_hdr(m);

	ip->total_length = rte_cpu_to_be_16(19);
	ptg_test_fix_ip_cksum(m);
	rx_dropped(env, m, "drop_ip_len");
}

static void
test_header_beyond_total_length(void **state)
{
	struct ptg_test_env *env = *state;
	static const uint8_t opts[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
	struct ptg_test_ipv4 ip = { .options = opts, .options_len = 8 };
	struct rte_mbuf *m = tcp_in(env, &ip);

	/* IHL 7 = 28 bytes; total length 24 */
	ptg_test_ipv4_hdr(m)->total_length = rte_cpu_to_be_16(24);
	ptg_test_fix_ip_cksum(m);
	rx_dropped(env, m, "drop_ip_len");
}

static void
test_bad_ip_cksum(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .bad_ip_cksum = 1 };

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_cksum");
}

static void
test_ttl_zero(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = tcp_in(env, NULL);

	ptg_test_ipv4_hdr(m)->time_to_live = 0;
	ptg_test_fix_ip_cksum(m);
	rx_dropped(env, m, "drop_ip_ttl");
}

/* TTL 1 is fine for a host (RFC 1122 3.2.1.7). */
static void
test_ttl_one_accepted(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .ttl = 1 };

	ptg_test_env_rx(env, tcp_in(env, &ip));
	assert_int_equal(sink.calls, 1);
}

static void
test_fragment_more_fragments(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .frag = RTE_IPV4_HDR_MF_FLAG };

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_frag");
}

static void
test_fragment_offset(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .frag = 185 }; /* last fragment, 1480 */

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_frag");
}

static void
src_martian(struct ptg_test_env *env, rte_be32_t src)
{
	struct rte_mbuf *m = tcp_in(env, NULL);

	ptg_test_ipv4_hdr(m)->src_addr = src;
	ptg_test_fix_cksums(m);
	rx_dropped(env, m, "drop_ip_src");
}

static void
test_martian_source_zero(void **state)
{
	src_martian(*state, 0);
}

static void
test_martian_source_broadcast(void **state)
{
	src_martian(*state, PTG_TEST_IP(255, 255, 255, 255));
}

static void
test_martian_source_subnet_broadcast(void **state)
{
	src_martian(*state, PTG_TEST_IP(198, 18, 0, 255));
}

static void
test_martian_source_multicast(void **state)
{
	src_martian(*state, PTG_TEST_IP(224, 0, 0, 1));
}

static void
test_martian_source_loopback(void **state)
{
	src_martian(*state, PTG_TEST_IP(127, 0, 0, 1));
}

static void
test_martian_source_reserved(void **state)
{
	src_martian(*state, PTG_TEST_IP(240, 0, 0, 1));
}

static void
test_martian_source_ours(void **state)
{
	src_martian(*state, PTG_TEST_IP_LOCAL);
}

static void
test_not_for_us(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .dst = PTG_TEST_IP(198, 18, 0, 9) };

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_not_for_us");
}

static void
test_broadcast_destination(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .dst = PTG_TEST_IP(255, 255, 255, 255) };

	rx_dropped(env, tcp_in(env, &ip), "drop_ip_not_for_us");
}

static void
test_protocol_without_handler(void **state)
{
	struct ptg_test_env *env = *state;

	rx_dropped(env, ptg_test_ipv4_frame(env->mp, NULL, IPPROTO_UDP,
					    NULL, 16), "drop_ip_proto");
}

static void
test_tcp_unregistered(void **state)
{
	struct ptg_test_env *env = *state;

	assert_int_equal(ptg_net_set_l4(env->net, IPPROTO_TCP, NULL, NULL), 0);
	rx_dropped(env, tcp_in(env, NULL), "drop_ip_proto");
}

/* ---- RX checksum offload ----------------------------------------------------- */

static struct ptg_test_env *
env_with_offloads(uint32_t offloads)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	ptg_test_net_config(&cfg, NULL);
	cfg.offloads = offloads;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(ptg_net_set_l4(env->net, IPPROTO_TCP, l4_handler,
					&sink), 0);
	return env;
}

/* Offload on and the NIC says GOOD: the header checksum is not redone. */
static void
test_rx_cksum_offload_good_trusted(void **state)
{
	struct ptg_test_env *env = env_with_offloads(PTG_NET_OFF_RX_IPV4_CKSUM);
	struct ptg_test_ipv4 ip = { .bad_ip_cksum = 1 };
	struct rte_mbuf *m = tcp_in(env, &ip);

	(void)state;
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ptg_test_env_rx(env, m);
	assert_int_equal(sink.calls, 1);
	ptg_test_assert_only_drop(env->net, NULL, 0);
	ptg_test_env_free(env);
}

static void
test_rx_cksum_offload_bad(void **state)
{
	struct ptg_test_env *env = env_with_offloads(PTG_NET_OFF_RX_IPV4_CKSUM);
	struct rte_mbuf *m = tcp_in(env, NULL);

	(void)state;
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	rx_dropped(env, m, "drop_ip_cksum");
	ptg_test_env_free(env);
}

/* UNKNOWN from the NIC: checked in software. */
static void
test_rx_cksum_offload_unknown(void **state)
{
	struct ptg_test_env *env = env_with_offloads(PTG_NET_OFF_RX_IPV4_CKSUM);
	struct ptg_test_ipv4 ip = { .bad_ip_cksum = 1 };

	(void)state;
	rx_dropped(env, tcp_in(env, &ip), "drop_ip_cksum");
	ptg_test_env_free(env);
}

/* Offload off: the flags are not believed. */
static void
test_rx_cksum_flags_ignored_without_offload(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_ipv4 ip = { .bad_ip_cksum = 1 };
	struct rte_mbuf *m = tcp_in(env, &ip);

	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	rx_dropped(env, m, "drop_ip_cksum");
}

/* ---- output ------------------------------------------------------------------ */

static struct rte_mbuf *
datagram(struct ptg_test_env *env, rte_be32_t dst, uint32_t len)
{
	struct ptg_test_ipv4 ip = { .dst = dst, .id = 77,
				    .frag = RTE_IPV4_HDR_DF_FLAG };
	struct ptg_test_tcp t = seg;
	struct rte_mbuf *m;

	t.sport = 80;
	t.dport = 40000;
	t.len = len;
	m = ptg_test_tcp_datagram(env->mp, &ip, &t);
	assert_non_null(m);
	return m;
}

static void
assert_sent_segment(struct ptg_test_env *env, unsigned int i,
		    const struct rte_ether_addr *mac, rte_be32_t dst,
		    uint32_t len)
{
	struct ptg_test_pkt pkt;
	uint8_t payload[8192];

	assert_true(i < env->port.n);
	ptg_test_parse_ok(env->port.pkts[i], &pkt);
	assert_true(rte_is_same_ether_addr(&pkt.eth_dst, mac));
	assert_true(rte_is_same_ether_addr(&pkt.eth_src, &ptg_test_mac_local));
	assert_int_equal(pkt.ether_type, RTE_ETHER_TYPE_IPV4);
	assert_true(pkt.ip_src == PTG_TEST_IP_LOCAL);
	assert_true(pkt.ip_dst == dst);
	assert_int_equal(pkt.ip_id, 77);
	assert_int_equal(pkt.ip_len, 40 + len);
	assert_int_equal(pkt.sport, 80);
	assert_int_equal(pkt.dport, 40000);
	assert_int_equal(pkt.seq, seg.seq);
	assert_int_equal(pkt.payload_len, len);
	assert_true(len <= sizeof(payload));
	ptg_test_pattern(payload, len, 0);
	assert_memory_equal(pkt.payload, payload, len);
}

static void
test_output_on_link(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_PEER, 100), env->now), 0);
	/* batched until flushed */
	assert_int_equal(env->port.n, 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER, 100);
	/* software checksums: no offload flags */
	assert_int_equal(env->port.pkts[0]->ol_flags &
			 (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK), 0);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_frames), 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_bytes), 14 + 40 + 100);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

/* Software TCP checksum over a chained mbuf. */
static void
test_output_multi_segment(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = datagram(env, PTG_TEST_IP_PEER, 5000);

	assert_true(m->nb_segs > 1);
	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_ip_output(env->net, m, env->now), 0);
	ptg_net_flush(env->net);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
			    5000);
}

/* Off-link: resolved through the gateway, addressed to the remote host. */
static void
test_output_via_gateway(void **state)
{
	struct ptg_test_env *env = *state;
	struct ptg_test_pkt pkt;

	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_REMOTE, 10), env->now),
			-EAGAIN);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	ptg_test_parse_ok(env->port.pkts[0], &pkt);
	assert_int_equal(pkt.arp_op, RTE_ARP_OP_REQUEST);
	assert_true(pkt.arp_tip == PTG_TEST_IP_GW);
	ptg_test_port_clear(&env->port);

	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_gw,
			PTG_TEST_IP_GW, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	assert_sent_segment(env, 0, &ptg_test_mac_gw, PTG_TEST_IP_REMOTE, 10);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

static void
test_output_no_route(void **state)
{
	struct ptg_net_config cfg;
	struct ptg_test_env *env;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.gateway = 0;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_REMOTE, 10), env->now),
			-ENETUNREACH);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_no_route", 1);
	ptg_test_env_free(env);
}

static void
test_output_to_broadcast_no_route(void **state)
{
	struct ptg_test_env *env = *state;

	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP(198, 18, 0, 255), 0),
			env->now), -ENETUNREACH);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP(224, 0, 0, 1), 0),
			env->now), -ENETUNREACH);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_LOCAL, 0), env->now),
			-ENETUNREACH);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 0);
	ptg_test_assert_only_drop(env->net, "drop_no_route", 3);
}

static void
test_output_bad_l3_len(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = datagram(env, PTG_TEST_IP_PEER, 10);

	m->l3_len = 12;
	assert_int_equal(ptg_net_ip_output(env->net, m, env->now), -EINVAL);
	m = datagram(env, PTG_TEST_IP_PEER, 10);
	assert_int_equal(rte_pktmbuf_trim(m, 1), 0); /* total length lies */
	assert_int_equal(ptg_net_ip_output(env->net, m, env->now), -EINVAL);
	ptg_test_assert_only_drop(env->net, "drop_ip_len", 2);
}

/* No headroom for the Ethernet header. */
static void
test_output_no_headroom(void **state)
{
	struct ptg_test_env *env = *state;
	struct rte_mbuf *m = datagram(env, PTG_TEST_IP_PEER, 10);
	uint32_t len = m->pkt_len;
	uint8_t buf[64];

	assert_true(len <= sizeof(buf));
	memcpy(buf, rte_pktmbuf_mtod(m, void *), len);
	/* move the datagram to the very start of the buffer */
	m->data_off = 0;
	memcpy(rte_pktmbuf_mtod(m, void *), buf, len);
	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_ip_output(env->net, m, env->now), -ENOBUFS);
	ptg_test_assert_only_drop(env->net, "drop_nombuf", 1);
}

/* ---- TX checksum offload ------------------------------------------------------ */

static void
test_output_ip_cksum_offload(void **state)
{
	struct ptg_test_env *env = env_with_offloads(PTG_NET_OFF_TX_IPV4_CKSUM);
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_PEER, 30), env->now), 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	m = env->port.pkts[0];
	assert_true((m->ol_flags & (RTE_MBUF_F_TX_IPV4 |
				    RTE_MBUF_F_TX_IP_CKSUM)) ==
		    (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM));
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	ip = ptg_test_ipv4_hdr(m);
	assert_int_equal(ip->hdr_checksum, 0);
	/* what the NIC would do completes a valid frame */
	assert_int_equal(ptg_test_offload_finish(m), 0);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER, 30);
	ptg_test_env_free(env);
}

static void
test_output_tcp_cksum_offload(void **state)
{
	struct ptg_test_env *env = env_with_offloads(PTG_NET_OFF_TX_TCP_CKSUM);
	struct rte_mbuf *m;
	struct rte_tcp_hdr *th;
	struct rte_ipv4_hdr *ip;

	(void)state;
	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_PEER, 30), env->now), 0);
	ptg_net_flush(env->net);
	m = env->port.pkts[0];
	assert_true((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
		    RTE_MBUF_F_TX_TCP_CKSUM);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM, 0);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	assert_int_equal(m->l4_len, 20);
	ip = ptg_test_ipv4_hdr(m);
	th = ptg_test_l4_hdr(m);
	/* the pseudo-header sum, uncomplemented, as NICs expect */
	assert_int_equal(th->cksum, rte_ipv4_phdr_cksum(ip, 0));
	/* the IPv4 header is done in software */
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ptg_test_offload_finish(m), 0);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER, 30);
	ptg_test_env_free(env);
}

/* Both offloads, the port finishing them as frames arrive. */
static void
test_output_both_offloads(void **state)
{
	struct ptg_test_env *env = env_with_offloads(
		PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM);
	struct rte_mbuf *m;

	(void)state;
	env->port.finish_offloads = 1;
	ptg_test_env_arp_seed(env, PTG_TEST_IP_PEER, &ptg_test_mac_peer);
	m = datagram(env, PTG_TEST_IP_PEER, 3000);
	assert_int_equal(ptg_net_ip_output(env->net, m, env->now), 0);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.offload_errors, 0);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER,
			    3000);
	ptg_test_env_free(env);
}

/* Frames held for ARP keep their offload marks. */
static void
test_output_offload_after_arp(void **state)
{
	struct ptg_test_env *env = env_with_offloads(
		PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM);

	(void)state;
	env->port.finish_offloads = 1;
	assert_int_equal(ptg_net_ip_output(env->net,
			datagram(env, PTG_TEST_IP_PEER, 10), env->now),
			-EAGAIN);
	ptg_net_flush(env->net);
	ptg_test_port_clear(&env->port);
	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, &ptg_test_mac_peer,
			PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
	assert_int_equal(env->port.n, 1);
	assert_int_equal(env->port.offload_errors, 0);
	assert_sent_segment(env, 0, &ptg_test_mac_peer, PTG_TEST_IP_PEER, 10);
	ptg_test_env_free(env);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, ptg_test_env_teardown)
#define P(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_deliver_to_l4),
		T(test_padding_trimmed),
		T(test_padding_trimmed_across_segments),
		T(test_multi_segment_datagram),
		T(test_truncated_header),
		T(test_bad_version),
		T(test_bad_ihl),
		T(test_ihl_zero),
		T(test_options_bearing_header),
		T(test_source_route_option),
		T(test_total_length_beyond_frame),
		T(test_total_length_below_header),
		T(test_header_beyond_total_length),
		T(test_bad_ip_cksum),
		T(test_ttl_zero),
		T(test_ttl_one_accepted),
		T(test_fragment_more_fragments),
		T(test_fragment_offset),
		T(test_martian_source_zero),
		T(test_martian_source_broadcast),
		T(test_martian_source_subnet_broadcast),
		T(test_martian_source_multicast),
		T(test_martian_source_loopback),
		T(test_martian_source_reserved),
		T(test_martian_source_ours),
		T(test_not_for_us),
		T(test_broadcast_destination),
		T(test_protocol_without_handler),
		T(test_tcp_unregistered),
		P(test_rx_cksum_offload_good_trusted),
		P(test_rx_cksum_offload_bad),
		P(test_rx_cksum_offload_unknown),
		T(test_rx_cksum_flags_ignored_without_offload),
		T(test_output_on_link),
		T(test_output_multi_segment),
		T(test_output_via_gateway),
		P(test_output_no_route),
		T(test_output_to_broadcast_no_route),
		T(test_output_bad_l3_len),
		T(test_output_no_headroom),
		P(test_output_ip_cksum_offload),
		P(test_output_tcp_cksum_offload),
		P(test_output_both_offloads),
		P(test_output_offload_after_arp),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
