/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet: receive demux and header fill for transmit.
 *
 * ptg_net_input() -> eth_input() -> arp_input()   (ARP, ours or broadcast)
 *                                -> ipv4_input()  (IPv4, ours only)
 * arp/ipv4 output -> eth_prepare()
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "net_priv.h"

/* Fill the Ethernet header at the data start; @p dst NULL: left as is. */
void
eth_prepare(struct ptg_net *net, struct rte_mbuf *m,
	    const struct rte_ether_addr *dst, uint16_t ether_type)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (dst != NULL)
		rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&net->cfg.mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	m->l2_len = sizeof(*eh);
}

static void
eth_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns)
{
	const struct rte_ether_hdr *eh;
	rte_be16_t type;

	net->stats.rx_frames++;
	net->stats.rx_bytes += rte_pktmbuf_pkt_len(m);

	/*
	 * Headers are read from the first segment; every PMD puts at least
	 * the Ethernet header there, so a shorter one is a runt.
	 */
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh)))
		goto drop_runt;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = eh->ether_type;

	/*
	 * Unicast to our MAC, or broadcast for ARP (RFC 826 requests are
	 * broadcast). Other broadcast and all multicast are not for us.
	 */
	if (likely(rte_is_same_ether_addr(&eh->dst_addr, &net->cfg.mac))) {
		/* ours */
	} else if (rte_is_broadcast_ether_addr(&eh->dst_addr) &&
		   type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		/* ARP broadcast */
	} else {
		goto drop_dst;
	}
	/*
	 * IEEE 802: a source address is an individual one (I/G bit clear).
	 * A frame from a group address is forged, and answering it (an
	 * echo reply goes back to the frame's source) would reach every
	 * station of the group.
	 */
	if (unlikely(rte_is_multicast_ether_addr(&eh->src_addr)))
		goto drop_src;

	/* Untagged IPv4 and ARP only: VLAN tags and other types go. */
	if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
		ipv4_input(net, m, now_ns);
		return;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		arp_input(net, m, now_ns);
		return;
	}
	NET_STAT(net, drop_ethertype);
	net_drop(m);
	return;

drop_dst:
	NET_STAT(net, drop_eth_dst);
	net_drop(m);
	return;
drop_src:
	NET_STAT(net, drop_eth_src);
	net_drop(m);
	return;
drop_runt:
	NET_STAT(net, drop_runt);
	net_drop(m);
}

void
ptg_net_input(struct ptg_net *net, struct rte_mbuf **pkts, uint16_t n,
	      uint64_t now_ns)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		eth_input(net, pkts[i], now_ns);
	}
}
