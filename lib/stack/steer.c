/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering (see ptg_steer.h).
 *
 *   ptg_steer_owner() -> m->hash.rss, or parse -> ptg_steer_hash()
 *        -> rte_softrss_be() -> ptg_steer_worker() (RETA)
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "ptg_steer.h"

void
ptg_steer_key_random(uint8_t key[PTG_STEER_KEY_LEN])
{
	uint16_t w;

	do {
		w = (uint16_t)rte_rand();
	} while (w == 0 || w == 0xffff || w == 0x6d5a ||
		 __builtin_popcount(w) < 4 || __builtin_popcount(w) > 12);
	for (unsigned int i = 0; i < PTG_STEER_KEY_LEN; i += 2) {
		key[i] = (uint8_t)(w >> 8);
		key[i + 1] = (uint8_t)w;
	}
}

int
ptg_steer_key_symmetric(const uint8_t key[PTG_STEER_KEY_LEN])
{
	for (unsigned int i = 2; i < PTG_STEER_KEY_LEN; i += 2)
		if (key[i] != key[0] || key[i + 1] != key[1])
			return 0;
	return 1;
}

int
ptg_steer_init(struct ptg_steer *s, const uint8_t key[PTG_STEER_KEY_LEN],
	       uint16_t reta_size, uint16_t nb_workers)
{
	if (s == NULL || key == NULL || nb_workers == 0)
		return -EINVAL;
	if (reta_size == 0)
		reta_size = PTG_STEER_RETA_DEFAULT;
	if (reta_size > PTG_STEER_RETA_MAX || (reta_size & (reta_size - 1)))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memcpy(s->key, key, PTG_STEER_KEY_LEN);
	rte_convert_rss_key((const uint32_t *)s->key, s->key_be,
			    PTG_STEER_KEY_LEN);
	s->reta_size = reta_size;
	s->nb_workers = nb_workers;
	for (unsigned int i = 0; i < reta_size; i++)
		s->reta[i] = (uint16_t)(i % nb_workers);
	return 0;
}

uint32_t
ptg_steer_hash(const struct ptg_steer *s, rte_be32_t saddr, rte_be32_t daddr,
	       uint16_t sport, uint16_t dport)
{
	struct rte_ipv4_tuple t;

	t.src_addr = rte_be_to_cpu_32(saddr);
	t.dst_addr = rte_be_to_cpu_32(daddr);
	t.sport = sport;
	t.dport = dport;
	return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
			      (const uint8_t *)s->key_be);
}

int
ptg_steer_owner(const struct ptg_steer *s, struct rte_mbuf *m, int use_rx_hash)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t ihl;

	if (use_rx_hash && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
		goto have_hash;
	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip))
		return -1;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return -1;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	/* Fragments carry no (or not only their own) ports: the stack
	 * drops them; they belong to no flow. */
	if (ip->next_proto_id != IPPROTO_TCP || ihl < sizeof(*ip) ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					    RTE_IPV4_HDR_OFFSET_MASK)) ||
	    rte_pktmbuf_data_len(m) < sizeof(*eth) + ihl + sizeof(*th))
		return -1;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + ihl);
	m->hash.rss = ptg_steer_hash(s, ip->src_addr, ip->dst_addr,
				     rte_be_to_cpu_16(th->src_port),
				     rte_be_to_cpu_16(th->dst_port));
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
have_hash:
	return ptg_steer_worker(s, m->hash.rss);
}
