/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (RFC 792): answer echo requests for our address, drop the rest.
 *
 * ipv4_input() -> icmp_input() -> echo reply built in the request's mbuf
 *                               -> ipv4_fill_cksum() -> net_tx()
 *
 * The mbuf arrives validated by ipv4_input(): Ethernet header at the data
 * start, a 20-byte IPv4 header for us (l2_len, l3_len set), pkt_len trimmed
 * to the datagram.
 */
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net_priv.h"

/* The first 16-bit word of an echo request (type 8, code 0), host order. */
#define ICMP_ECHO_REQUEST_WORD ((uint16_t)(RTE_IP_ICMP_ECHO_REQUEST << 8))

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changing
 * from m to m' (the type byte here), without summing the payload again.
 * A result of 0x0000 is sent as 0xffff: both verify for any message but
 * an all-zero one (echo reply, id 0, seq 0, no data), which needs 0xffff.
 */
static inline rte_be16_t
cksum_adjust(rte_be16_t hc, uint16_t m_old, uint16_t m_new)
{
	uint32_t sum;

	sum = (uint16_t)~rte_be_to_cpu_16(hc);
	sum += (uint16_t)~m_old;
	sum += m_new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	return rte_cpu_to_be_16(sum == 0 ? 0xffff : (uint16_t)sum);
}

void
icmp_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns)
{
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *copy;
	rte_be32_t to;
	uint16_t l2 = m->l2_len, l3 = m->l3_len, tot, len, sum;

	RTE_SET_USED(now_ns);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
	tot = rte_be_to_cpu_16(ip->total_length);
	len = (uint16_t)(tot - l3);
	/* RFC 792: type, code, checksum and the 4-byte rest of header. */
	if (unlikely(len < sizeof(*icmp) ||
		     rte_pktmbuf_data_len(m) < l2 + l3 + sizeof(*icmp)))
		goto drop_len;
	/* RFC 792: the checksum covers the whole ICMP message. */
	if (unlikely(rte_raw_cksum_mbuf(m, l2 + l3, len, &sum) != 0 ||
		     sum != 0xffff))
		goto drop_cksum;
	icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, l2 + l3);
	if (unlikely(icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
		     icmp->icmp_code != 0))
		goto drop_type;
	NET_STAT(net, icmp_echo_rx);
	/* The reply is as long as the request: it must fit our MTU. */
	if (unlikely(tot > net->cfg.mtu))
		goto drop_too_big;

	if (unlikely(!net_mbuf_writable(m))) {
		/* Shared with someone else: answer from a private copy. */
		copy = rte_pktmbuf_copy(m, net->mp, 0, UINT32_MAX);
		net_drop(m);
		if (copy == NULL) {
			NET_STAT(net, drop_nombuf);
			return;
		}
		m = copy;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
		icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *,
					       l2 + l3);
	}

	/*
	 * RFC 792 echo: addresses reversed, type 0, same identifier,
	 * sequence number and data. The reply goes back to the MAC the
	 * request came from (the neighbour or gateway that delivered it).
	 */
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&net->cfg.mac, &eh->src_addr);
	/* RFC 1122 3.2.2.6: the reply comes from the address asked. */
	to = ip->dst_addr;
	ip->dst_addr = ip->src_addr;
	ip->src_addr = to;
	ip->time_to_live = NET_IP_TTL;
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = cksum_adjust(icmp->icmp_cksum,
					ICMP_ECHO_REQUEST_WORD,
					RTE_IP_ICMP_ECHO_REPLY << 8);
	net_mbuf_reset_tx(m);
	m->l2_len = l2;
	m->l3_len = l3;
	ipv4_fill_cksum(net, m, ip);
	NET_STAT(net, icmp_echo_tx);
	net_tx(net, m);
	return;

drop_len:
	NET_STAT(net, drop_icmp_len);
	goto drop;
drop_cksum:
	NET_STAT(net, drop_icmp_cksum);
	goto drop;
drop_type:
	NET_STAT(net, drop_icmp_type);
	goto drop;
drop_too_big:
	NET_STAT(net, drop_icmp_too_big);
drop:
	net_drop(m);
}
