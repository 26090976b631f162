/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syn-flood: raw SYN frames from a spoofed source range, at --rate or as
 * fast as the loop goes, bypassing the TCP engine.
 *
 *   gen_flood_send() -> gen_take_token() -> syn_frame() -> ptg_net_tx_frame()
 *   rx -> gen_flood_rx_filter(): frames to a flood address (the server's
 *         SYN-ACKs and RSTs) are counted and dropped before the stack,
 *         which would otherwise answer them with RSTs; ARP for the flood
 *         addresses is answered by the stack (they are local addresses),
 *         so the server's replies come back here instead of piling up
 *         in its ARP queue.
 *
 * Each SYN: next flood address and source port (sequential), a sequence
 * number from a per-worker counter, an MSS option, checksums offloaded
 * when the port can, else computed here.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "gen.h"

#define FLOOD_BURST 32
#define SYN_OPT_LEN 4                /* MSS */
#define SYN_FRAME (RTE_ETHER_HDR_LEN + 20 + 20 + SYN_OPT_LEN)
#define ETH_MIN 60                   /* 802.3 minimum without FCS */

int
gen_flood_rx_filter(struct gen_worker *w, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t dst;
	uint16_t hl;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 20 + 20)
		return 0;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return 0;
	ip = (const struct rte_ipv4_hdr *)(eh + 1);
	if (ip->next_proto_id != IPPROTO_TCP)
		return 0;
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (dst < w->o->flood_lo || dst > w->o->flood_hi)
		return 0;
	hl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + hl + 20u) {
		rte_pktmbuf_free(m);
		return 1;
	}
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + hl);
	if ((th->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
	    (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
		w->cnt.synack_rx++;
	else if (th->tcp_flags & RTE_TCP_RST_FLAG)
		w->cnt.rst_rx++;
	rte_pktmbuf_free(m);
	return 1;
}

static struct rte_mbuf *
syn_frame(struct gen_worker *w)
{
	const struct gen_opts *o = w->o;
	const uint32_t offl = w->g->net_offloads;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *opt;
	uint32_t span = o->flood_hi - o->flood_lo + 1;
	uint32_t src = o->flood_lo + w->flood_i;
	uint16_t mss = (uint16_t)(w->g->mtu - 40);
	char *p;

	m = rte_pktmbuf_alloc(w->mp);
	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, ETH_MIN);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, ETH_MIN);
	eh = (struct rte_ether_hdr *)p;
	rte_ether_addr_copy(&w->dst_mac, &eh->dst_addr);
	rte_ether_addr_copy(&w->g->mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + 20 + SYN_OPT_LEN);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = o->dst;
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = rte_cpu_to_be_16(w->flood_port);
	th->dst_port = rte_cpu_to_be_16(o->dport);
	th->sent_seq = rte_cpu_to_be_32(w->flood_seq);
	th->data_off = (uint8_t)((20 + SYN_OPT_LEN) / 4) << 4;
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = RTE_BE16(65535);
	opt = (uint8_t *)(th + 1);
	opt[0] = 2;                                /* RFC 9293 3.2: MSS */
	opt[1] = 4;
	opt[2] = (uint8_t)(mss >> 8);
	opt[3] = (uint8_t)(mss & 0xff);
	/* Frames are padded to 60 bytes; the IPv4 length says 44. */
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = 20;
	m->l4_len = 20 + SYN_OPT_LEN;
	if (offl & PTG_NET_OFF_TX_TCP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	if (offl & PTG_NET_OFF_TX_IPV4_CKSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);

	w->flood_seq += 0x9e3779b9u;
	if (w->flood_port++ == o->sport_hi) {
		w->flood_port = o->sport_lo;
		if (++w->flood_i == span)
			w->flood_i = 0;
	}
	return m;
}

void
gen_flood_send(struct gen_worker *w, uint64_t now)
{
	unsigned int n;

	if (w->flood_port == 0) {
		w->flood_port = (uint16_t)(w->o->sport_lo + w->index);
		w->flood_seq = 0x1000u * (w->index + 1);
	}
	for (n = 0; n < FLOOD_BURST; n++) {
		struct rte_mbuf *m;

		if (w->quota != 0 && w->cnt.syn_sent >= w->quota)
			return;
		if (!gen_take_token(w, now))
			return;
		m = syn_frame(w);
		if (m == NULL) {
			gen_error(w, GEN_ERR_local, "no mbuf for a SYN");
			return;
		}
		ptg_net_tx_frame(w->net, m);
		w->cnt.syn_sent++;
	}
}
