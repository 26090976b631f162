/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Shared harness of the unit tests (cmocka): EAL for tests, a mempool, a
 * fake port that collects what the stack transmits, an injected clock,
 * frame builders with knobs to break any field, and a decoder that checks
 * the checksums of what was sent.
 *
 * A test program typically reads:
 * @code
 *   static int setup(void **state)    { return ptg_test_env_setup(state); }
 *   static int teardown(void **state) { return ptg_test_env_teardown(state); }
 *
 *   static void test_x(void **state)
 *   {
 *       struct ptg_test_env *env = *state;
 *       struct ptg_test_pkt pkt;
 *
 *       ptg_test_env_rx(env, ptg_test_arp_request(env->mp,
 *               &ptg_test_mac_peer, PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL));
 *       assert_int_equal(env->port.n, 1);
 *       ptg_test_parse_ok(env->port.pkts[0], &pkt);
 *       assert_int_equal(pkt.arp_op, RTE_ARP_OP_REPLY);
 *   }
 *
 *   int main(void)
 *   {
 *       const struct CMUnitTest tests[] = {
 *           cmocka_unit_test_setup_teardown(test_x, setup, teardown),
 *       };
 *       return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
 *   }
 * @endcode
 * The teardown frees the net instance and every collected frame, then
 * fails the test unless the mempool is back to its in-use count from
 * before the test (no mbuf leaked, none freed twice).
 *
 * Addresses are in network byte order (as in ptg_net.h); ports, sequence
 * numbers, window, lengths and ids in the builder/decoder structs are in
 * host order.
 */
#ifndef PTG_TEST_H
#define PTG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "ptg_net.h"
#include "ptg_stack.h"
#include "ptg_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- time --------------------------------------------------------------- */

#define PTG_TEST_US(x) ((uint64_t)(x) * 1000ull)            /**< us -> ns */
#define PTG_TEST_MS(x) ((uint64_t)(x) * 1000ull * 1000)     /**< ms -> ns */
#define PTG_TEST_S(x)  ((uint64_t)(x) * 1000ull * 1000 * 1000) /**< s -> ns */

/* ---- addresses ------------------------------------------------------------ */

/**
 * IPv4 a.b.c.d in network order, usable in constant expressions.
 * (Not RTE_IPV4: it shifts an int into the sign bit, which UBSan rejects.)
 */
#define PTG_TEST_IP(a, b, c, d) RTE_BE32( \
	((uint32_t)((a) & 0xff) << 24) | ((uint32_t)((b) & 0xff) << 16) | \
	((uint32_t)((c) & 0xff) << 8) | (uint32_t)((d) & 0xff))

#define PTG_TEST_IP_LOCAL   PTG_TEST_IP(198, 18, 0, 1)   /**< the stack */
#define PTG_TEST_IP_PEER    PTG_TEST_IP(198, 18, 0, 2)   /**< on-link host */
#define PTG_TEST_IP_GW      PTG_TEST_IP(198, 18, 0, 254) /**< gateway */
#define PTG_TEST_IP_REMOTE  PTG_TEST_IP(198, 19, 1, 1)   /**< off-link host */
#define PTG_TEST_PREFIX_LEN 24

extern const struct rte_ether_addr ptg_test_mac_local; /**< 02:00:00:00:00:01 */
extern const struct rte_ether_addr ptg_test_mac_peer;  /**< 02:00:00:00:00:02 */
extern const struct rte_ether_addr ptg_test_mac_gw;    /**< 02:00:00:00:00:fe */
extern const struct rte_ether_addr ptg_test_mac_bcast; /**< ff:ff:ff:ff:ff:ff */

/* ---- EAL and mempools ----------------------------------------------------- */

/**
 * Initialise the EAL once per process (later calls return 0): no hugepages,
 * no PCI, no shared config files (--no-shconf), a per-process file prefix,
 * telemetry off, one lcore on the first CPU
 * we may run on (the thread's CPU affinity is restored afterwards).
 * Extra EAL arguments may come from the environment variable
 * PTG_TEST_EAL_ARGS (space separated), e.g. "--log-level=lib.eal:debug".
 * @return 0, or -1 (message printed).
 */
int ptg_test_eal_init(void);

/**
 * ptg_test_eal_init() with @p nb_lcores lcores (1..16) instead of one:
 * lcore i runs on the (i mod N)-th of the N CPUs the thread may run on,
 * so lcores outnumbering CPUs share them (the dataplane tests run two
 * workers besides the main lcore on two CPUs). Once the EAL is up, later
 * calls return 0 if it has at least @p nb_lcores lcores, else -1.
 * @return 0, or -1 (message printed when rte_eal_init() failed).
 */
int ptg_test_eal_init_lcores(unsigned int nb_lcores);

/** cmocka group setup: ptg_test_eal_init(), fails the group on error. */
int ptg_test_group_setup(void **state);

/** Data room of the harness mbufs (a standard 2 KB buffer + headroom). */
#define PTG_TEST_MBUF_DATA_ROOM RTE_MBUF_DEFAULT_BUF_SIZE

/**
 * The process-wide test mempool (8191 mbufs of PTG_TEST_MBUF_DATA_ROOM,
 * no per-lcore cache so in-use counts are exact), created on first use.
 * Frames bigger than one mbuf are built as chains.
 */
struct rte_mempool *ptg_test_mempool(void);

/** A further pool (e.g. a tiny one to provoke allocation failures). */
struct rte_mempool *ptg_test_mempool_create(const char *name, unsigned int n,
					    uint16_t data_room);

/** Mbufs taken from @p mp right now (rte_mempool_in_use_count()). */
unsigned int ptg_test_mempool_in_use(const struct rte_mempool *mp);

/** Fail the test unless @p mp has exactly @p baseline mbufs in use. */
#define ptg_test_assert_mempool(mp, baseline) \
	assert_int_equal(ptg_test_mempool_in_use(mp), (baseline))

/* ---- fake port ------------------------------------------------------------ */

/** Frames a fake port keeps; more are freed and counted in overflow. */
#define PTG_TEST_PORT_CAP 4096

/**
 * A transmit queue that keeps every frame for the test to inspect.
 * Use ptg_test_port_tx (with the port as argument) as the ptg_net_tx_t.
 */
struct ptg_test_port {
	struct rte_mbuf *pkts[PTG_TEST_PORT_CAP]; /**< collected, in order */
	unsigned int n;          /**< frames in pkts[] */
	unsigned int overflow;   /**< accepted but freed: pkts[] was full */
	int budget;              /**< <0: take all; else take at most this
				      many more, refuse (free) the rest */
	unsigned int refused;    /**< frames refused because of budget */
	unsigned int calls;      /**< tx callback invocations */
	unsigned int max_burst;  /**< largest burst handed over */
	int finish_offloads;     /**< complete TX checksum offloads on
				      arrival, as a NIC would (see
				      ptg_test_offload_finish()) */
	unsigned int offload_errors; /**< ptg_test_offload_finish() failures */
};

/** Reset @p port (empty, unlimited budget, no offload emulation). */
void ptg_test_port_init(struct ptg_test_port *port);

/** The ptg_net_tx_t of a fake port; @p arg is the struct ptg_test_port. */
uint16_t ptg_test_port_tx(void *arg, struct rte_mbuf **pkts, uint16_t n);

/** Free every collected frame; n = 0 (counters other than n are kept). */
void ptg_test_port_clear(struct ptg_test_port *port);

/* ---- test environment: pool + port + net + clock --------------------------- */

/** Everything a network-level test needs; env->now is the injected clock. */
struct ptg_test_env {
	struct rte_mempool *mp;      /**< ptg_test_mempool() */
	unsigned int mp_baseline;    /**< in-use count when the env was made */
	struct ptg_net_config cfg;   /**< config the net was created with */
	struct ptg_stack *stack;     /**< the stack object under test */
	struct ptg_net *net;         /**< ptg_stack_net(stack) */
	struct ptg_tcp *tcp;         /**< ptg_stack_tcp(stack); NULL: net only */
	struct ptg_test_port port;   /**< cfg.tx / cfg.tx_arg point here */
	uint64_t now;                /**< injected clock, ns; tests advance it */
};

/**
 * Fill @p cfg with the harness defaults: ptg_test_mac_local,
 * PTG_TEST_IP_LOCAL/PTG_TEST_PREFIX_LEN, gateway PTG_TEST_IP_GW, MTU 1500,
 * no offloads, 64 ARP entries (one timer call sweeps them all), other ARP
 * knobs 0 (library defaults), tx = ptg_test_port_tx on @p port.
 */
void ptg_test_net_config(struct ptg_net_config *cfg, struct ptg_test_port *port);

/**
 * Make an env: a stack object (ptg_stack.h) of the network layer alone.
 * @p cfg NULL: ptg_test_net_config(); otherwise used as given but with
 * tx/tx_arg pointed at env->port. The clock starts at 1 s.
 * @return the env (heap), or NULL if ptg_stack_create() failed (rte_errno).
 */
struct ptg_test_env *ptg_test_env_new(const struct ptg_net_config *cfg);

/**
 * The same with a TCP engine configured by @p tcp (NULL: net only), as
 * the TCP and service kits use it.
 */
struct ptg_test_env *ptg_test_env_new_tcp(const struct ptg_net_config *cfg,
					  const struct ptg_tcp_config *tcp);

/**
 * Tear down: free the net (and any frames it holds), free the collected
 * frames, then assert the mempool is back to env->mp_baseline. Accepts NULL.
 */
void ptg_test_env_free(struct ptg_test_env *env);

/** cmocka setup/teardown wrapping ptg_test_env_new(NULL)/_free(). */
int ptg_test_env_setup(void **state);
int ptg_test_env_teardown(void **state);

/** Receive one frame at env->now (ptg_stack_rx()), then flush the TX
 *  batch. */
void ptg_test_env_rx(struct ptg_test_env *env, struct rte_mbuf *m);

/** Advance the clock by @p ns, run ptg_stack_poll() (ARP and, with an
 *  engine, TCP timers), flush. */
void ptg_test_env_advance(struct ptg_test_env *env, uint64_t ns);

/** ptg_stack_poll() at env->now, then flush. */
void ptg_test_env_poll(struct ptg_test_env *env);

/**
 * Teach the net that @p ip is at @p mac (an ARP reply to us), so that
 * output to it leaves at once. Transmits nothing.
 */
void ptg_test_env_arp_seed(struct ptg_test_env *env, rte_be32_t ip,
			   const struct rte_ether_addr *mac);

/** Value of net counter @p name, e.g. PTG_TEST_NET_STAT(env, drop_runt). */
#define PTG_TEST_NET_STAT(env, name) (ptg_net_stats((env)->net)->name)

/**
 * Assert that, of all net counters, exactly the drop_* counter named
 * @p drop_name is nonzero, and equals @p expected (other drop_* must be 0).
 * @p drop_name NULL: assert every drop_* counter is 0.
 */
void ptg_test_assert_only_drop(const struct ptg_net *net,
			       const char *drop_name, uint64_t expected);

/* ---- frame builders ------------------------------------------------------- */

/**
 * Ethernet + IPv4 fields of a built frame. Zero fields take the default
 * noted; to put a value the defaults reserve (TTL 0, source 0, ...) build
 * the frame, change it through ptg_test_ipv4_hdr() and call
 * ptg_test_fix_cksums().
 */
struct ptg_test_ipv4 {
	struct rte_ether_addr eth_src; /**< zero: ptg_test_mac_peer */
	struct rte_ether_addr eth_dst; /**< zero: ptg_test_mac_local */
	rte_be32_t src;                /**< 0: PTG_TEST_IP_PEER */
	rte_be32_t dst;                /**< 0: PTG_TEST_IP_LOCAL */
	uint8_t ttl;                   /**< 0: 64 */
	uint8_t tos;
	uint16_t id;
	uint16_t frag;       /**< flags and offset field, e.g. DF, MF|off */
	const uint8_t *options; /**< IP options; options_len % 4 == 0, <= 40 */
	uint8_t options_len;
	uint16_t pad;        /**< zero bytes after the datagram (link padding) */
	uint8_t bad_ip_cksum; /**< corrupt the header checksum */
	uint8_t bad_l4_cksum; /**< corrupt the ICMP / TCP checksum */
};

/** TCP header fields of a built segment. */
struct ptg_test_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;         /**< RTE_TCP_SYN_FLAG | ... */
	uint16_t win;          /**< raw window field (unscaled) */
	uint16_t urp;
	const uint8_t *opts;   /**< raw option bytes (see ptg_test_tcp_opts_encode) */
	uint8_t opts_len;      /**< <= 40; padded with EOL to a multiple of 4 */
	const void *payload;   /**< NULL with len > 0: ptg_test_pattern() bytes */
	uint32_t len;
};

/**
 * Build a raw frame from @p len bytes (a chain if longer than one mbuf).
 * All builders return NULL only when the mempool is empty.
 */
struct rte_mbuf *ptg_test_raw(struct rte_mempool *mp, const void *bytes,
			      uint32_t len);

/**
 * Ethernet + ARP, 42 bytes (no padding). Ethernet source = @p sha;
 * @p eth_dst NULL: broadcast for a request, ptg_test_mac_local for a reply.
 * @p tha NULL: zero.
 */
struct rte_mbuf *ptg_test_arp(struct rte_mempool *mp, uint16_t op,
			      const struct rte_ether_addr *sha, rte_be32_t sip,
			      const struct rte_ether_addr *tha, rte_be32_t tip,
			      const struct rte_ether_addr *eth_dst);

/** Broadcast "who has @p tip, tell @p sip (@p sha)". */
struct rte_mbuf *ptg_test_arp_request(struct rte_mempool *mp,
				      const struct rte_ether_addr *sha,
				      rte_be32_t sip, rte_be32_t tip);

/** "@p sip is at @p sha", unicast to ptg_test_mac_local / @p tip. */
struct rte_mbuf *ptg_test_arp_reply(struct rte_mempool *mp,
				    const struct rte_ether_addr *sha,
				    rte_be32_t sip, rte_be32_t tip);

/**
 * Ethernet + IPv4 + ICMP with an echo header (type, code 0, id, seq) and
 * @p len payload bytes (@p payload NULL: ptg_test_pattern()). @p ip NULL:
 * all defaults (peer -> local).
 */
struct rte_mbuf *ptg_test_icmp_echo(struct rte_mempool *mp,
				    const struct ptg_test_ipv4 *ip, uint8_t type,
				    uint16_t id, uint16_t seq,
				    const void *payload, uint32_t len);

/** Ethernet + IPv4 + TCP segment. @p ip NULL: defaults. */
struct rte_mbuf *ptg_test_tcp_frame(struct rte_mempool *mp,
				    const struct ptg_test_ipv4 *ip,
				    const struct ptg_test_tcp *tcp);

/** Ethernet + IPv4 with protocol @p proto and @p len raw payload bytes. */
struct rte_mbuf *ptg_test_ipv4_frame(struct rte_mempool *mp,
				     const struct ptg_test_ipv4 *ip,
				     uint8_t proto, const void *payload,
				     uint32_t len);

/**
 * A TCP segment as an upper layer hands it to ptg_net_ip_output(): data at
 * the IPv4 header, l3_len set, IPv4 and TCP checksums zero (the net layer
 * fills them). @p ip NULL or zero addresses: PTG_TEST_IP_LOCAL ->
 * PTG_TEST_IP_PEER.
 */
struct rte_mbuf *ptg_test_tcp_datagram(struct rte_mempool *mp,
				       const struct ptg_test_ipv4 *ip,
				       const struct ptg_test_tcp *tcp);

/** Deterministic bytes: buf[i] = (uint8_t)(seed + i * 7). */
void ptg_test_pattern(void *buf, uint32_t len, uint8_t seed);

/* Accessors into a frame (data at the Ethernet header, headers in the
 * first segment) for tests that break fields by hand. */
struct rte_ether_hdr *ptg_test_eth_hdr(struct rte_mbuf *m);
struct rte_ipv4_hdr *ptg_test_ipv4_hdr(struct rte_mbuf *m);
/** L4 header, after the IPv4 header and its options. */
void *ptg_test_l4_hdr(struct rte_mbuf *m);
struct rte_arp_hdr *ptg_test_arp_hdr(struct rte_mbuf *m);

/** Recompute the IPv4 header checksum. */
void ptg_test_fix_ip_cksum(struct rte_mbuf *m);
/** Recompute the ICMP or TCP checksum (per the IPv4 protocol field). */
void ptg_test_fix_l4_cksum(struct rte_mbuf *m);
/** Both, L4 first. */
void ptg_test_fix_cksums(struct rte_mbuf *m);

/* ---- TCP options ----------------------------------------------------------- */

/** TCP options, for encoding and as decoded. */
struct ptg_test_tcp_opts {
	uint8_t has_mss;
	uint16_t mss;
	uint8_t has_ws;
	uint8_t ws;
	uint8_t sack_perm;
	uint8_t has_ts;
	uint32_t tsval, tsecr;
	uint8_t nb_sack;       /**< SACK blocks, 0..4 */
	struct {
		uint32_t left, right;
	} sack[4];
	uint8_t nb_unknown;    /**< decode only: options of other kinds */
};

/**
 * Encode @p o the way Linux lays options out (MSS, SACK-permitted+TS,
 * window scale, SACK blocks; NOP-aligned to 4). @p buf holds 40 bytes.
 * @return bytes written (a multiple of 4), or -1 if over 40.
 */
int ptg_test_tcp_opts_encode(const struct ptg_test_tcp_opts *o, uint8_t *buf);

/**
 * Decode @p len option bytes. @return 0, or -1 when malformed (a length
 * byte missing, < 2, past the end, or wrong for its kind).
 */
int ptg_test_tcp_opts_decode(const uint8_t *p, uint32_t len,
			     struct ptg_test_tcp_opts *o);

/* ---- decoder --------------------------------------------------------------- */

/** Largest frame the decoder takes (a 9000-byte MTU plus headers). */
#define PTG_TEST_FRAME_MAX 9216

/** A transmitted frame, decoded. Fields of absent layers are zero. */
struct ptg_test_pkt {
	uint32_t frame_len;
	uint64_t ol_flags;             /**< the mbuf's offload flags */
	struct rte_ether_addr eth_dst, eth_src;
	uint16_t ether_type;
	/* ARP */
	uint16_t arp_op;
	struct rte_ether_addr arp_sha, arp_tha;
	rte_be32_t arp_sip, arp_tip;
	int arp_ok;                    /**< Ethernet/IPv4 ARP with right lengths */
	/* IPv4 */
	uint8_t ip_hlen;               /**< bytes */
	uint8_t ip_tos, ip_ttl, ip_proto;
	uint16_t ip_len, ip_id, ip_frag;
	rte_be32_t ip_src, ip_dst;
	int ip_cksum_ok;
	/* ICMP / TCP */
	int l4_cksum_ok;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint8_t tcp_hlen;              /**< bytes, options included */
	uint16_t win, urp;
	struct ptg_test_tcp_opts opts;
	int opts_ok;
	/** L4 payload (after the ICMP echo header / TCP header), or the IPv4
	 * payload for other protocols; points into data[]. */
	const uint8_t *payload;
	uint32_t payload_len;
	uint8_t data[PTG_TEST_FRAME_MAX]; /**< flat copy of the frame */
};

/**
 * Decode @p m into @p p (checksums are verified, not required).
 * @return 0, or -1 if the frame is too short for the headers it announces
 *         or longer than PTG_TEST_FRAME_MAX.
 */
int ptg_test_parse(const struct rte_mbuf *m, struct ptg_test_pkt *p);

/**
 * ptg_test_parse() asserting success and that every checksum present
 * (IPv4, ICMP, TCP) is right and TCP options are well formed.
 */
void ptg_test_parse_ok(const struct rte_mbuf *m, struct ptg_test_pkt *p);

/**
 * Do what a NIC does with the TX checksum offload flags of @p m, using
 * m->l2_len/l3_len like the NIC would: RTE_MBUF_F_TX_IP_CKSUM fills the
 * IPv4 header checksum (the field must be 0), RTE_MBUF_F_TX_TCP_CKSUM
 * completes the TCP checksum from the pseudo-header sum in the field.
 * The flags are cleared afterwards.
 * @return 0, or -1 if the mbuf breaks the offload contract.
 */
int ptg_test_offload_finish(struct rte_mbuf *m);

#ifdef __cplusplus
}
#endif

#endif /* PTG_TEST_H */
