/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 (RFC 791, host requirements of RFC 1122 3.2/3.3): validate what
 * arrives, hand it to ICMP or the registered L4 handler; fill checksums and
 * route what leaves.
 *
 * eth_input() -> ipv4_input() -> icmp_input()
 *                             -> l4_fn[proto] (TCP: lib/tcp)
 * upper layer -> ptg_net_ip_output() -> checksums -> route -> eth header
 *             -> arp_output() -> net_tx()
 */
#include <errno.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net_priv.h"

#define IPV4_MIN_HDR   ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define ETH_HDR        ((uint16_t)sizeof(struct rte_ether_hdr))

void
ipv4_fill_cksum(struct ptg_net *net, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	if (net->cfg.offloads & PTG_NET_OFF_TX_IPV4_CKSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* RFC 1122 3.2.1.2: a datagram with a bad header checksum is discarded. */
static inline int
ipv4_cksum_ok(const struct ptg_net *net, const struct rte_mbuf *m,
	      const struct rte_ipv4_hdr *ip, uint16_t hlen)
{
	if (net->cfg.offloads & PTG_NET_OFF_RX_IPV4_CKSUM) {
		uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

		if (likely(f == RTE_MBUF_F_RX_IP_CKSUM_GOOD))
			return 1;
		if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
			return 0;
		/* UNKNOWN or NONE: the NIC did not look; we do. */
	}
	/* Summed with its checksum field, a valid header gives 0xffff. */
	return rte_raw_cksum(ip, hlen) == 0xffff;
}

void
ipv4_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns)
{
	struct rte_ipv4_hdr *ip;
	uint32_t l3_avail;
	uint16_t hlen, tot;
	ptg_net_l4_input_t fn;

	NET_STAT(net, ip_rx);
	l3_avail = rte_pktmbuf_pkt_len(m) - ETH_HDR;
	if (unlikely(rte_pktmbuf_data_len(m) < ETH_HDR + IPV4_MIN_HDR))
		goto drop_len;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_HDR);

	/* RFC 1122 3.2.1.1: version other than 4 is silently discarded. */
	if (unlikely((ip->version_ihl >> 4) != IPVERSION))
		goto drop_version;
	hlen = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
			  RTE_IPV4_IHL_MULTIPLIER);
	/* RFC 791 3.1: IHL counts 32-bit words, 5 at least. */
	if (unlikely(hlen < IPV4_MIN_HDR))
		goto drop_ihl;
	/*
	 * RFC 791 3.1: total length covers header and data, and must fit in
	 * what arrived; bytes past it are link padding, trimmed below.
	 */
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < hlen || tot > l3_avail ||
		     rte_pktmbuf_data_len(m) < ETH_HDR + hlen))
		goto drop_len;
	if (unlikely(!ipv4_cksum_ok(net, m, ip, hlen)))
		goto drop_cksum;
	/*
	 * On purpose we accept no IP options (RFC 1122 3.2.1.8 would have us
	 * process them): source routing and record route have no use on a
	 * TCP endpoint, are a known attack vector (RFC 7126 4.3, 4.4), and
	 * a fixed 20-byte header keeps the fast path simple.
	 */
	if (unlikely(hlen != IPV4_MIN_HDR))
		goto drop_options;
	/* RFC 1122 3.2.1.7: TTL 0 never should have been sent. */
	if (unlikely(ip->time_to_live == 0))
		goto drop_ttl;
	/*
	 * RFC 791 3.2: MF or a nonzero offset make a fragment. We do not
	 * reassemble (a deviation from RFC 1122 3.3.2): our TCP peers set DF
	 * and keep to our MSS.
	 */
	if (unlikely(ip->fragment_offset &
		     RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		goto drop_frag;
	/* RFC 1122 3.2.1.3: martian sources are discarded; so are our own. */
	if (unlikely(net_ipv4_is_martian(net, ip->src_addr) ||
		     net_addr_is_local(net, ip->src_addr)))
		goto drop_src;
	/* We are a host, not a router (RFC 1122 3.3.4): ours only. */
	if (unlikely(!net_addr_is_local(net, ip->dst_addr)))
		goto drop_not_for_us;

	if (unlikely(tot != l3_avail) &&
	    net_mbuf_trim_to(m, ETH_HDR + (uint32_t)tot) < 0)
		goto drop_len;

	if (likely(ip->next_proto_id != IPPROTO_ICMP)) {
		fn = net->l4_fn[ip->next_proto_id];
		if (unlikely(fn == NULL))
			goto drop_proto;
		rte_pktmbuf_adj(m, ETH_HDR);
		m->l2_len = 0;
		m->l3_len = hlen;
		fn(net->l4_arg[ip->next_proto_id], m, now_ns);
		return;
	}
	m->l2_len = ETH_HDR;
	m->l3_len = hlen;
	icmp_input(net, m, now_ns);
	return;

drop_len:
	NET_STAT(net, drop_ip_len);
	goto drop;
drop_version:
	NET_STAT(net, drop_ip_version);
	goto drop;
drop_ihl:
	NET_STAT(net, drop_ip_ihl);
	goto drop;
drop_cksum:
	NET_STAT(net, drop_ip_cksum);
	goto drop;
drop_options:
	NET_STAT(net, drop_ip_options);
	goto drop;
drop_ttl:
	NET_STAT(net, drop_ip_ttl);
	goto drop;
drop_frag:
	NET_STAT(net, drop_ip_frag);
	goto drop;
drop_src:
	NET_STAT(net, drop_ip_src);
	goto drop;
drop_not_for_us:
	NET_STAT(net, drop_ip_not_for_us);
	goto drop;
drop_proto:
	NET_STAT(net, drop_ip_proto);
drop:
	net_drop(m);
}

/*
 * RFC 1122 3.3.1.1: on-link destinations directly, everything else through
 * the gateway. Returns 0 when there is no route.
 */
rte_be32_t
ipv4_nexthop(const struct ptg_net *net, rte_be32_t dst)
{
	if (unlikely(net_addr_is_local(net, dst) ||
		     net_ipv4_is_martian(net, dst)))
		return 0;
	if (((dst ^ net->cfg.addr) & net->netmask) == 0)
		return dst;
	return net->cfg.gateway;
}

int
ptg_net_ip_output(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp = NULL;
	struct rte_ether_hdr *eh;
	rte_be32_t nexthop;
	uint16_t hlen = m->l3_len;
	uint32_t tot;

	if (unlikely(hlen < IPV4_MIN_HDR || rte_pktmbuf_data_len(m) < hlen))
		goto drop_len;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot != rte_pktmbuf_pkt_len(m) || tot < hlen ||
		     (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
			     RTE_IPV4_IHL_MULTIPLIER != hlen))
		goto drop_len;

	nexthop = ipv4_nexthop(net, ip->dst_addr);
	if (unlikely(nexthop == 0))
		goto drop_no_route;

	net_mbuf_reset_tx(m);
	if (ip->next_proto_id == IPPROTO_TCP) {
		if (unlikely(rte_pktmbuf_data_len(m) <
			     hlen + sizeof(struct rte_tcp_hdr) ||
			     tot < hlen + sizeof(struct rte_tcp_hdr)))
			goto drop_len;
		tcp = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, hlen);
		tcp->cksum = 0;
		if (net->cfg.offloads & PTG_NET_OFF_TX_TCP_CKSUM) {
			/* The NIC finishes from the pseudo-header sum. */
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				       RTE_MBUF_F_TX_TCP_CKSUM;
			tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		} else if (likely(m->nb_segs == 1)) {
			tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
		} else {
			tcp->cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip, hlen);
		}
		m->l4_len = (tcp->data_off >> 4) * 4;
	}
	ipv4_fill_cksum(net, m, ip);

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(eh == NULL))
		goto drop_nombuf;
	/* Destination MAC: arp_output() fills it. */
	eth_prepare(net, m, NULL, RTE_ETHER_TYPE_IPV4);
	m->l3_len = hlen;
	return arp_output(net, m, nexthop, now_ns);

drop_len:
	NET_STAT(net, drop_ip_len);
	net_drop(m);
	return -EINVAL;
drop_no_route:
	NET_STAT(net, drop_no_route);
	net_drop(m);
	return -ENETUNREACH;
drop_nombuf:
	NET_STAT(net, drop_nombuf);
	net_drop(m);
	return -ENOBUFS;
}
