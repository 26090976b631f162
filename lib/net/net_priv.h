/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the net layer, shared by net.c, eth.c, arp.c, ipv4.c and
 * icmp.c. Never installed, never included outside lib/net.
 *
 * ptg_net_input() -> eth_input() -> arp_input() | ipv4_input() -> icmp_input()
 *                                                              | l4 handler
 * ptg_net_ip_output() -> ipv4 checksums -> route -> arp_resolve() -> tx batch
 */
#ifndef PTG_NET_PRIV_H
#define PTG_NET_PRIV_H

#include <stdint.h>
#include <sys/queue.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "ptg_base.h"
#include "ptg_net.h"

struct rte_hash;

/* Defaults for the 0 values of struct ptg_net_config. */
#define NET_DEF_ARP_ENTRIES    1024
#define NET_DEF_ARP_QUEUE      8
#define NET_DEF_ARP_RETRIES    3
#define NET_DEF_ARP_RETRY_NS   (1000ull * 1000 * 1000)
#define NET_DEF_ARP_MAX_AGE_NS (300ull * 1000 * 1000 * 1000)
#define NET_DEF_ARP_RATE       50

/* Bounds on the configuration. */
#define NET_ARP_ENTRIES_MAX    (1u << 20)
#define NET_ARP_QUEUE_MAX      1024
#define NET_ARP_RETRIES_MAX    255
#define NET_ARP_RATE_MAX       1000000

/* rte_hash_create() refuses fewer entries than one bucket holds (8). */
#define NET_ARP_HASH_MIN       8

/* ARP table slots examined per ptg_net_timer() call by the aging sweep. */
#define NET_ARP_SWEEP          64

/* TTL of the datagrams we originate (RFC 1700 default, as Linux uses). */
#define NET_IP_TTL             64

/* Ethernet frames are padded to the 802.3 minimum (FCS excluded). */
#define NET_ETH_MIN_FRAME      (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

#define NET_STAT(net, name) ((net)->stats.name++)

enum arp_state {
	ARP_FREE = 0,
	ARP_PENDING,   /* request sent, frames held in the queue */
	ARP_RESOLVED,
};

/* One ARP table slot; its index is the rte_hash position of its key. */
struct arp_entry {
	rte_be32_t ip;
	struct rte_ether_addr mac;
	uint8_t state;           /* enum arp_state */
	uint8_t requests;        /* requests sent while pending */
	uint16_t nb_queued;      /* frames in queue[] */
	uint64_t expire_ns;      /* resolved: valid until (heard + max age) */
	uint64_t next_retry_ns;  /* pending: when to ask again or give up */
	struct rte_mbuf **queue; /* arp_queue_per_entry slots, FIFO */
	TAILQ_ENTRY(arp_entry) pending_link;
};

TAILQ_HEAD(arp_pending_list, arp_entry);

/* Log type "ptg.net" (--log-level ptg.net:debug). */
extern int ptg_net_logtype;
/* ptg.net lines a peer can trigger: 20 a second, 50 at once, per net. */
#define NET_LOG_PER_SEC 20
#define NET_LOG_BURST 50

struct ptg_net {
	/* Hot, per packet. */
	struct ptg_net_config cfg;        /* with defaults filled in */
	rte_be32_t netmask;
	rte_be32_t subnet_bcast;          /* 0 when the prefix has none */
	uint32_t extra_first;             /* cfg.extra_addr, host order */
	uint32_t nb_extra;                /* cfg.nb_extra_addrs */
	struct rte_mempool *mp;
	struct rte_hash *arp_hash;        /* IPv4 (be32) -> slot index */
	struct arp_entry *arp;            /* arp_slots entries */
	struct arp_entry *nh_last;        /* next-hop cache: the entry the
					     last output used (NULL: none) */
	uint16_t tx_n;
	struct rte_mbuf *tx[PTG_NET_TX_BURST];
	ptg_net_l4_input_t l4_fn[256];
	void *l4_arg[256];

	/* Colder. */
	struct ptg_net_stats stats;
	struct ptg_ratelimit log_rl;      /* ptg.net lines a peer triggers */
	struct arp_pending_list arp_pending;
	struct rte_mbuf **arp_queue_mem;  /* arp_slots * arp_queue_per_entry */
	uint32_t arp_slots;               /* >= cfg.arp_entries */
	uint32_t arp_live;                /* entries not ARP_FREE */
	uint32_t arp_sweep_pos;
	/* ARP request token bucket: credit in ns of refill time, each
	 * request costs arp_req_cost_ns, at most one second's worth. */
	uint64_t arp_req_credit_ns;
	uint64_t arp_req_cost_ns;
	uint64_t arp_req_last_ns;
} __rte_cache_aligned;

/*
 * Addresses that never name a single remote host (RFC 1122 3.2.1.3):
 * "this network" 0/8, loopback 127/8, multicast 224/4 and the reserved
 * 240/4 (limited broadcast included), and our subnet's broadcast
 * (@p subnet_bcast, 0 for none).
 */
static inline int
ipv4_martian(rte_be32_t a, rte_be32_t subnet_bcast)
{
	uint8_t first = (uint8_t)(rte_be_to_cpu_32(a) >> 24);

	if (first == 0 || first == 127 || first >= 224)
		return 1;
	return subnet_bcast != 0 && a == subnet_bcast;
}

static inline int
net_ipv4_is_martian(const struct ptg_net *net, rte_be32_t a)
{
	return ipv4_martian(a, net->subnet_bcast);
}

/* @p a is cfg.addr or one of the further local addresses. */
static inline int
net_addr_is_local(const struct ptg_net *net, rte_be32_t a)
{
	return a == net->cfg.addr ||
	       rte_be_to_cpu_32(a) - net->extra_first < net->nb_extra;
}

/* net.c */
void net_tx(struct ptg_net *net, struct rte_mbuf *m);
void net_drop(struct rte_mbuf *m);
int net_mbuf_writable(const struct rte_mbuf *m);
void net_mbuf_reset_tx(struct rte_mbuf *m);
int net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len);

/* eth.c */
void eth_prepare(struct ptg_net *net, struct rte_mbuf *m,
		 const struct rte_ether_addr *dst, uint16_t ether_type);

/* arp.c */
int arp_init(struct ptg_net *net, int socket);
void arp_limit_init(struct ptg_net *net);
void arp_fini(struct ptg_net *net);
void arp_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns);
int arp_output(struct ptg_net *net, struct rte_mbuf *m, rte_be32_t nexthop,
	       uint64_t now_ns);
void arp_timer(struct ptg_net *net, uint64_t now_ns);
int arp_resolve(struct ptg_net *net, rte_be32_t nexthop,
		struct rte_ether_addr *mac, uint64_t now_ns);

/* ipv4.c */
rte_be32_t ipv4_nexthop(const struct ptg_net *net, rte_be32_t dst);
void ipv4_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns);
void ipv4_fill_cksum(struct ptg_net *net, struct rte_mbuf *m,
		     struct rte_ipv4_hdr *ip);

/* icmp.c */
void icmp_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns);

#endif /* PTG_NET_PRIV_H */
