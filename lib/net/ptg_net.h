/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate network layer: Ethernet, ARP, IPv4 and ICMP echo, one instance per
 * worker lcore (share-nothing).
 *
 * The layer is drivable without a NIC: frames go in through ptg_net_input(),
 * with the time passed in by the caller, and every frame the layer transmits
 * leaves through the tx callback given at creation (a NIC TX queue in the
 * dataplane, a collector in the tests). Nothing in here reads the TSC.
 *
 * All IPv4 addresses are in network byte order (rte_be32_t), as on the wire.
 */
#ifndef PTG_NET_H
#define PTG_NET_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/** Frames handed to the tx callback at most at once. */
#define PTG_NET_TX_BURST 32

/** IP MTU limits the network layer accepts (ptg_net_config.mtu). */
#define PTG_NET_MTU_MIN     68   /**< RFC 791: every host takes 68 octets */
#define PTG_NET_MTU_MAX     9000 /**< jumbo frames, one mbuf segment */
#define PTG_NET_MTU_DEFAULT 1500 /**< Ethernet (RFC 894) */

/** Most further local addresses (ptg_net_config.nb_extra_addrs). */
#define PTG_NET_EXTRA_ADDRS_MAX 65536

/** Offloads the port enabled (lib/port fills these from rte_eth_dev_info). */
#define PTG_NET_OFF_RX_IPV4_CKSUM (1u << 0) /**< trust RX IPv4 cksum flags */
#define PTG_NET_OFF_RX_L4_CKSUM   (1u << 1) /**< trust RX TCP cksum flags */
#define PTG_NET_OFF_TX_IPV4_CKSUM (1u << 2) /**< NIC fills IPv4 header cksum */
#define PTG_NET_OFF_TX_TCP_CKSUM  (1u << 3) /**< NIC fills TCP cksum */
#define PTG_NET_OFF_TX_MULTI_SEGS (1u << 4) /**< port sends chained mbufs */

/**
 * Every counter of the layer. Each drop reason has its own counter; the
 * names are what telemetry and the exit report print.
 */
#define PTG_NET_STATS(X) \
	X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes) X(log_suppressed) \
	X(drop_runt) X(drop_eth_dst) X(drop_eth_src) X(drop_ethertype) \
	X(arp_rx_request) X(arp_rx_reply) X(arp_tx_request) X(arp_tx_reply) \
	X(arp_tx_gratuitous) X(arp_learned) X(arp_expired) \
	X(drop_arp_malformed) X(drop_arp_not_for_us) \
	X(arp_queued) X(drop_arp_queue_full) X(drop_arp_unresolved) \
	X(arp_evicted) X(drop_arp_evicted) X(arp_tx_request_limited) \
	X(ip_rx) X(drop_ip_version) X(drop_ip_ihl) X(drop_ip_len) \
	X(drop_ip_cksum) X(drop_ip_ttl) X(drop_ip_options) X(drop_ip_frag) \
	X(drop_ip_src) X(drop_ip_not_for_us) X(drop_ip_proto) \
	X(icmp_echo_rx) X(icmp_echo_tx) X(drop_icmp_len) X(drop_icmp_cksum) \
	X(drop_icmp_type) X(drop_icmp_too_big) \
	X(drop_no_route) X(drop_nombuf) X(drop_tx_full)

/** Counters of one net instance. */
struct ptg_net_stats {
#define PTG_NET_STAT_FIELD(n) uint64_t n;
	PTG_NET_STATS(PTG_NET_STAT_FIELD)
#undef PTG_NET_STAT_FIELD
};

/** Number of counters in struct ptg_net_stats. */
#define PTG_NET_STAT_FIELD_COUNT(n) +1
enum { PTG_NET_NB_STATS = 0 PTG_NET_STATS(PTG_NET_STAT_FIELD_COUNT) };
#undef PTG_NET_STAT_FIELD_COUNT

/** Name of counter @p i (0 .. PTG_NET_NB_STATS-1), as in PTG_NET_STATS. */
const char *ptg_net_stat_name(unsigned int i);

/**
 * Transmit callback: send @p n frames. The callee owns all of them when it
 * returns: frames it cannot send it frees, and returns how many it sent
 * (the layer counts the rest as drop_tx_full).
 */
typedef uint16_t (*ptg_net_tx_t)(void *arg, struct rte_mbuf **pkts, uint16_t n);

/**
 * Upper-layer input (TCP). Called with the mbuf's data at the IPv4 header,
 * m->l3_len = IPv4 header length, pkt_len trimmed to the IPv4 total length.
 * The handler owns @p m.
 */
typedef void (*ptg_net_l4_input_t)(void *arg, struct rte_mbuf *m, uint64_t now_ns);

/** Configuration of one net instance. */
struct ptg_net_config {
	struct rte_ether_addr mac;  /**< our MAC address */
	rte_be32_t addr;            /**< our IPv4 address */
	uint8_t prefix_len;         /**< on-link prefix, 0..32 */
	rte_be32_t gateway;         /**< default gateway, 0 for none */
	uint16_t mtu;               /**< IP MTU, 68..9000 (0: 1500) */
	uint32_t offloads;          /**< PTG_NET_OFF_* the port enabled */
	uint16_t port_id;           /**< stamped into transmitted mbufs */
	uint32_t arp_entries;       /**< ARP table size (0: 1024) */
	uint32_t arp_queue_per_entry; /**< frames held per unresolved hop (0: 8) */
	uint32_t arp_retries;       /**< requests before giving up (0: 3); a
					 pending entry lives at most
					 arp_retries * arp_retry_ns */
	uint64_t arp_retry_ns;      /**< between requests (0: 1 s) */
	uint64_t arp_max_age_ns;    /**< entry lifetime (0: 300 s) */
	/**
	 * Further local addresses (a traffic generator's source range):
	 * @c nb_extra_addrs consecutive addresses from @c extra_addr, all on
	 * the prefix of @c addr, none its broadcast. ARP is answered and IPv4
	 * accepted for each as for @c addr; @c addr stays the address the
	 * layer itself sends from (ARP requests, announcements). 0: none.
	 */
	rte_be32_t extra_addr;
	uint32_t nb_extra_addrs;    /**< at most PTG_NET_EXTRA_ADDRS_MAX */
	uint32_t arp_request_rate;  /**< ARP requests we send per second,
					 a token bucket one second deep
					 (0: 50); those for the gateway are
					 not counted against it */
	ptg_net_tx_t tx;            /**< transmit callback, required */
	void *tx_arg;               /**< its argument */
};

struct ptg_net;

/**
 * Create a net instance.
 *
 * @param cfg     configuration; copied.
 * @param mp      mempool for frames the layer builds (ARP, ICMP, TCP).
 * @param socket  NUMA socket for the instance's memory.
 * @return the instance, or NULL with rte_errno set: EINVAL (bad cfg),
 *         ENOMEM.
 */
struct ptg_net *ptg_net_create(const struct ptg_net_config *cfg,
			       struct rte_mempool *mp, int socket);

/** Free an instance and every frame it holds. Accepts NULL. */
void ptg_net_free(struct ptg_net *net);

/** Register the handler for IP protocol @p proto (only IPPROTO_TCP today). */
int ptg_net_set_l4(struct ptg_net *net, uint8_t proto,
		   ptg_net_l4_input_t fn, void *arg);

/**
 * Process received frames (data at the Ethernet header). Takes ownership of
 * every mbuf. Replies are batched; call ptg_net_flush() to push them out.
 */
void ptg_net_input(struct ptg_net *net, struct rte_mbuf **pkts, uint16_t n,
		   uint64_t now_ns);

/**
 * Send an IPv4 datagram built by an upper layer. The mbuf's data starts at a
 * complete IPv4 header (m->l3_len set) with the L4 header after it; this
 * function fills the IPv4 and TCP checksums (in software, or by marking the
 * offload), resolves the next hop, prepends Ethernet and queues the frame.
 * It always takes ownership of @p m.
 *
 * @return 0 sent or queued; -EAGAIN held until ARP resolves; -ENETUNREACH,
 *         -ENOBUFS dropped (counted); -EINVAL dropped (counted drop_ip_len):
 *         l3_len, IHL and total length disagree with the mbuf.
 */
int ptg_net_ip_output(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns);

/** Queue a ready Ethernet frame for TX (ownership passes). */
void ptg_net_tx_frame(struct ptg_net *net, struct rte_mbuf *m);

/** Hand every queued frame to the tx callback. */
void ptg_net_flush(struct ptg_net *net);

/** Run ARP retries and aging; call at least every few ms. The requests it
 *  builds are batched: ptg_net_flush() pushes them out. */
void ptg_net_timer(struct ptg_net *net, uint64_t now_ns);

/** Send a gratuitous ARP announcing our address (RFC 5227 2.3). */
int ptg_net_announce(struct ptg_net *net);

/**
 * Whether frame @p m is an ARP reply other instances on the same port may
 * learn from (RFC 826 well formed, to our address, from a unicast sender
 * that is neither us nor a martian): the check a worker makes before it
 * copies a reply to the others. Reads @p net's configuration only.
 */
int ptg_net_arp_reply_shareable(const struct ptg_net *net,
				const struct rte_mbuf *m);

/** Counters of @p net (read-only; updated by the owning lcore only). */
const struct ptg_net_stats *ptg_net_stats(const struct ptg_net *net);

/** The configuration in force. */
const struct ptg_net_config *ptg_net_config(const struct ptg_net *net);

/** The mempool frames are built from. */
struct rte_mempool *ptg_net_mempool(const struct ptg_net *net);

/** Number of live ARP entries (resolved or pending). */
unsigned int ptg_net_arp_count(const struct ptg_net *net);

/**
 * Whether @p a is one of our addresses: ptg_net_config.addr or one of the
 * further local addresses.
 */
int ptg_net_addr_is_local(const struct ptg_net *net, rte_be32_t a);

/**
 * The Ethernet address of the next hop towards @p dst (@p dst itself when
 * on-link, else the gateway), for callers that build whole frames
 * themselves (a traffic generator's raw SYNs). Starts the resolution when
 * the next hop is unknown: the request is batched (ptg_net_flush() sends
 * it) and retried by ptg_net_timer(); call again later.
 * @return 0 with @p mac filled; -EAGAIN resolution under way; -ENETUNREACH
 *         no route; -ENOBUFS ARP table full of pending entries.
 */
int ptg_net_resolve(struct ptg_net *net, rte_be32_t dst,
		    struct rte_ether_addr *mac, uint64_t now_ns);

/**
 * Parse "A.B.C.D" into network order.
 * @return 0, or -EINVAL.
 */
int ptg_net_parse_ipv4(const char *s, rte_be32_t *addr);

/**
 * Parse "A.B.C.D/N" (N 0..32).
 * @return 0, or -EINVAL.
 */
int ptg_net_parse_prefix(const char *s, rte_be32_t *addr, uint8_t *len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_NET_H */
