/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_arp: ARP (lib/net/arp.c) through a network-only stack object: a
 * small table, a short queue per unresolved next hop, quick retries and
 * aging, so that every limit is reached.
 *
 *   LLVMFuzzerTestOneInput() -> ptg_stack_create(no_tcp)
 *     -> records: ARP frame from fields | raw frame | ADVANCE |
 *        OUTPUT (ptg_net_ip_output() to an address) | ANNOUNCE |
 *        ICMP echo request | check
 *     -> ptg_stack_rx() / ptg_stack_poll() -> tx_cb() checks each frame
 *   -> ptg_stack_free(), mbufs / rte_malloc / memzones as before
 *
 * Checks: every frame sent is ours (source MAC) and well formed; every
 * ARP we send names us as sender (RFC 826), and a request asks for an
 * on-link address other than ours (or is an announcement, RFC 5227
 * 2.3); an IPv4 frame goes to a MAC that some frame claimed for its
 * next hop (an ARP sender, or the source of an echo request from that
 * address); the table never holds more than its size; a frame that
 * ptg_net_arp_reply_shareable() accepts is a well-formed reply to us.
 *
 * Input: records, an op byte each (op % 8): 0 ARP (opcode selector,
 * sender MAC, sender IP, target MAC, target IP, Ethernet destination,
 * breakage bits, padding), 1 raw (len byte, bytes), 2 advance (byte),
 * 3 output (address selector, payload length byte), 4 announce, 5 ICMP
 * echo request (source MAC, source IP), 6 poll, 7 nothing (the table's
 * size is checked after every record).
 */
#include <stdbool.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_arp.h>

#include "fuzz_common.h"
#include "ptg_stack.h"

#define IP4(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
				  ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IP_LOCAL IP4(198, 18, 0, 1)
#define IP_GW    IP4(198, 18, 0, 254)
#define PREFIX_MASK RTE_BE32(0xffffff00u)
#define ARP_ENTRIES 4u
#define NS_MS 1000000ull

static const struct rte_ether_addr mac_local = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } };

/* Addresses the fuzzer picks from by index (or gives in full). */
static const rte_be32_t ips[16] = {
	IP4(198, 18, 0, 2), IP4(198, 18, 0, 3), IP4(198, 18, 0, 4),
	IP4(198, 18, 0, 5), IP4(198, 18, 0, 6), IP_GW, IP_LOCAL, 0,
	IP4(255, 255, 255, 255), IP4(198, 18, 0, 255), IP4(198, 18, 0, 0),
	IP4(198, 19, 1, 1), IP4(224, 0, 0, 1), IP4(127, 0, 0, 1),
	IP4(198, 18, 0, 7), IP4(198, 18, 0, 8),
};

static const uint8_t macs[8][6] = {
	{ 0x02, 0, 0, 0, 0, 0x02 }, { 0x02, 0, 0, 0, 0, 0x03 },
	{ 0x02, 0, 0, 0, 0, 0xfe }, { 0x02, 0, 0, 0, 0, 0x01 }, /* ours */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0, 0, 0, 0, 0, 0 },
	{ 0x01, 0x00, 0x5e, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x04 },
};

#define CLAIMS_MAX 256

/* Who said an address was at a MAC (ARP senders, echo sources). */
struct claim {
	rte_be32_t ip;
	uint8_t mac[6];
};

static struct {
	struct ptg_stack *st;
	struct ptg_net *net;
	uint64_t now;
	struct claim claims[CLAIMS_MAX];
	unsigned int nb_claims;
	bool claims_full;
	uint8_t buf[9216];
} fa;

static void
claim(rte_be32_t ip, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < fa.nb_claims; i++)
		if (fa.claims[i].ip == ip &&
		    memcmp(fa.claims[i].mac, mac, 6) == 0)
			return;
	if (fa.nb_claims == CLAIMS_MAX) {
		fa.claims_full = true;
		return;
	}
	fa.claims[fa.nb_claims].ip = ip;
	memcpy(fa.claims[fa.nb_claims].mac, mac, 6);
	fa.nb_claims++;
}

static bool
claimed(rte_be32_t ip, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < fa.nb_claims; i++)
		if (fa.claims[i].ip == ip &&
		    memcmp(fa.claims[i].mac, mac, 6) == 0)
			return true;
	return fa.claims_full;
}

static bool
on_link(rte_be32_t ip)
{
	return (ip & PREFIX_MASK) == (IP_LOCAL & PREFIX_MASK);
}

static void
check_tx(struct rte_mbuf *m)
{
	uint8_t *b = fa.buf;
	uint32_t len = fz_flatten(m, b, sizeof(fa.buf));
	uint16_t type;

	FZ_CHECKF(len == rte_pktmbuf_pkt_len(m) && len >= 14,
		  "frame of %u bytes", len);
	FZ_CHECK(memcmp(b + 6, &mac_local, 6) == 0);
	type = fz_get16(b + 12);
	if (type == RTE_ETHER_TYPE_ARP) {
		const uint8_t *a = b + 14;
		uint16_t op;
		rte_be32_t sip, tip;

		FZ_CHECK(len >= 14 + 28);
		FZ_CHECK(fz_get16(a) == RTE_ARP_HRD_ETHER &&
			 fz_get16(a + 2) == RTE_ETHER_TYPE_IPV4 &&
			 a[4] == 6 && a[5] == 4);
		op = fz_get16(a + 6);
		memcpy(&sip, a + 14, 4);
		memcpy(&tip, a + 24, 4);
		/* RFC 826: we speak for ourselves only. */
		FZ_CHECK(memcmp(a + 8, &mac_local, 6) == 0 && sip == IP_LOCAL);
		if (op == RTE_ARP_OP_REQUEST) {
			/* Broadcast, asking for an on-link neighbour, or
			 * announcing ourselves (RFC 5227 2.3). */
			FZ_CHECK(memcmp(b, macs[4], 6) == 0);
			FZ_CHECKF(tip == IP_LOCAL ||
				  (on_link(tip) && tip != IP_LOCAL),
				  "request for 0x%08x", rte_be_to_cpu_32(tip));
		} else {
			FZ_CHECKF(op == RTE_ARP_OP_REPLY, "opcode %u", op);
			/* A reply goes back to who asked. */
			FZ_CHECK(memcmp(b, a + 18, 6) == 0);
			FZ_CHECK(!(b[0] & 1));
		}
		return;
	}
	FZ_CHECKF(type == RTE_ETHER_TYPE_IPV4, "ethertype 0x%04x", type);
	FZ_CHECK(len >= 14 + 20);
	{
		const uint8_t *ip = b + 14;
		rte_be32_t dst, hop;

		FZ_CHECK(fz_fold(fz_sum(ip, (ip[0] & 0x0f) * 4u, 0)) == 0);
		memcpy(&dst, ip + 16, 4);
		hop = on_link(dst) ? dst : IP_GW;
		FZ_CHECK(!(b[0] & 1));
		FZ_CHECKF(claimed(hop, b) || claimed(dst, b),
			  "frame to %02x:%02x:%02x:%02x:%02x:%02x, which "
			  "nobody claimed for 0x%08x", b[0], b[1], b[2], b[3],
			  b[4], b[5], rte_be_to_cpu_32(hop));
	}
}

static uint16_t
tx_cb(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)arg;
	for (i = 0; i < n; i++) {
		check_tx(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

static void
rx(const uint8_t *b, uint32_t len)
{
	struct rte_mbuf *m = fz_frame(b, len);
	int share;

	if (m == NULL)
		return;
	share = ptg_net_arp_reply_shareable(fa.net, m);
	if (share) {
		/* Well formed, a reply, to us, from a unicast sender. */
		const uint8_t *a = b + 14;
		rte_be32_t tip;

		FZ_CHECK(len >= 42 && fz_get16(b + 12) == RTE_ETHER_TYPE_ARP);
		memcpy(&tip, a + 24, 4);
		FZ_CHECK(fz_get16(a + 6) == RTE_ARP_OP_REPLY &&
			 tip == IP_LOCAL && !(a[8] & 1));
	}
	ptg_stack_rx(fa.st, &m, 1, fa.now);
	ptg_stack_flush(fa.st);
}

static void
pick_mac(struct fz_in *in, uint8_t *mac)
{
	uint8_t s = fz_u8(in);

	if (s & 0x80) {
		size_t got;
		const uint8_t *p = fz_bytes(in, 6, &got);

		memset(mac, 0, 6);
		memcpy(mac, p, got);
	} else {
		memcpy(mac, macs[s & 7], 6);
	}
}

static rte_be32_t
pick_ip(struct fz_in *in)
{
	uint8_t s = fz_u8(in);

	if (s & 0x80)
		return rte_cpu_to_be_32(fz_u32(in));
	return ips[s & 15];
}

static void
arp_record(struct fz_in *in)
{
	static const uint16_t ops[4] = { RTE_ARP_OP_REQUEST, RTE_ARP_OP_REPLY,
					 0, 0 };
	uint8_t sel = fz_u8(in), f[14 + 28 + 32], sha[6], tha[6], dst;
	uint16_t op = ops[sel & 3];
	rte_be32_t sip, tip;
	uint8_t brk, pad;

	if ((sel & 3) == 3)
		op = fz_u16(in);
	pick_mac(in, sha);
	sip = pick_ip(in);
	pick_mac(in, tha);
	tip = pick_ip(in);
	dst = fz_u8(in);
	brk = fz_u8(in);
	pad = fz_u8(in) % 33;

	memset(f, 0, sizeof(f));
	memcpy(f, dst & 1 ? macs[4] : (dst & 2 ? macs[1] : macs[3]), 6);
	if (dst & 4)
		memcpy(f + 6, macs[(dst >> 3) & 7], 6);
	else
		memcpy(f + 6, sha, 6);
	fz_put16(f + 12, RTE_ETHER_TYPE_ARP);
	fz_put16(f + 14, brk & 1 ? 6 : RTE_ARP_HRD_ETHER);
	fz_put16(f + 16, brk & 2 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	f[18] = brk & 4 ? 8 : 6;
	f[19] = brk & 8 ? 16 : 4;
	fz_put16(f + 20, op);
	memcpy(f + 22, sha, 6);
	memcpy(f + 28, &sip, 4);
	memcpy(f + 32, tha, 6);
	memcpy(f + 38, &tip, 4);
	/* What the frame claims, if the stack could take it as a claim. */
	if (!(brk & 0x0f) && !(sha[0] & 1))
		claim(sip, sha);
	/* brk bit 4: cut the frame short by the padding count instead. */
	if (brk & 0x10)
		rx(f, 42 - RTE_MIN(pad, (uint8_t)42));
	else
		rx(f, 42 + pad);
}

static void
raw_record(struct fz_in *in)
{
	size_t got;
	const uint8_t *p = fz_bytes(in, fz_u8(in), &got);
	uint8_t f[256];

	memcpy(f, p, got);
	/* Whatever it says, it might teach the table its sender. */
	if (got >= 42 && fz_get16(f + 12) == RTE_ETHER_TYPE_ARP) {
		rte_be32_t sip;

		memcpy(&sip, f + 28, 4);
		claim(sip, f + 22);
		claim(sip, f + 6);
	}
	if (got >= 34 && fz_get16(f + 12) == RTE_ETHER_TYPE_IPV4) {
		rte_be32_t src;

		memcpy(&src, f + 26, 4);
		claim(src, f + 6);
	}
	rx(f, (uint32_t)got);
}

static void
advance(uint64_t ns)
{
	fa.now += ns;
	ptg_stack_poll(fa.st, fa.now);
	ptg_stack_flush(fa.st);
}

/* A TCP datagram from an upper layer to @dst (data at the IPv4 header,
 * checksums left to the net layer). */
static void
output_record(struct fz_in *in)
{
	rte_be32_t dst = pick_ip(in);
	uint8_t plen = fz_u8(in);
	struct rte_mbuf *m;
	uint8_t d[20 + 20 + 255];
	uint32_t tot = 40u + plen;

	memset(d, 0, sizeof(d));
	d[0] = 0x45;
	fz_put16(d + 2, (uint16_t)tot);
	d[8] = 64;
	d[9] = IPPROTO_TCP;
	memcpy(d + 12, &(rte_be32_t){ IP_LOCAL }, 4);
	memcpy(d + 16, &dst, 4);
	fz_put16(d + 20, 80);
	fz_put16(d + 22, 40000);
	d[32] = 5 << 4;
	d[33] = 0x10;
	m = fz_frame(d, tot);
	if (m == NULL)
		return;
	m->l3_len = 20;
	ptg_net_ip_output(fa.net, m, fa.now);
	ptg_stack_flush(fa.st);
}

static void
icmp_record(struct fz_in *in)
{
	uint8_t mac[6], f[14 + 20 + 8 + 8];
	rte_be32_t src;

	pick_mac(in, mac);
	src = pick_ip(in);
	memset(f, 0, sizeof(f));
	memcpy(f, &mac_local, 6);
	memcpy(f + 6, mac, 6);
	fz_put16(f + 12, RTE_ETHER_TYPE_IPV4);
	f[14] = 0x45;
	fz_put16(f + 16, 36);
	f[22] = 64;
	f[23] = IPPROTO_ICMP;
	memcpy(f + 26, &src, 4);
	memcpy(f + 30, &(rte_be32_t){ IP_LOCAL }, 4);
	f[34] = 8; /* echo request */
	fz_put16(f + 38, 7);
	fz_put16(f + 40, 1);
	memcpy(f + 42, "portgate", 8);
	fz_fix_cksums(f, sizeof(f));
	if (!(mac[0] & 1))
		claim(src, mac);
	rx(f, sizeof(f));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_eal_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptg_stack_config sc;
	struct fz_mark mark;
	struct fz_in in;
	unsigned int records = 0;

	fz_mark(&mark);
	memset(&fa, 0, sizeof(fa));
	fa.now = 1000 * NS_MS;
	ptg_stack_config_default(&sc);
	sc.no_tcp = 1;
	sc.mp = fz_pool();
	sc.net.mac = mac_local;
	sc.net.addr = IP_LOCAL;
	sc.net.prefix_len = 24;
	sc.net.gateway = IP_GW;
	sc.net.mtu = 1500;
	sc.net.arp_entries = ARP_ENTRIES;
	sc.net.arp_queue_per_entry = 2;
	sc.net.arp_retries = 2;
	sc.net.arp_retry_ns = 100 * NS_MS;
	sc.net.arp_max_age_ns = 2000 * NS_MS;
	sc.net.tx = tx_cb;
	fa.st = ptg_stack_create(&sc);
	FZ_CHECK(fa.st != NULL);
	fa.net = ptg_stack_net(fa.st);

	fz_in_init(&in, data, size);
	while (fz_left(&in) > 0 && records++ < 4096) {
		switch (fz_u8(&in) % 8) {
		case 0:
			arp_record(&in);
			break;
		case 1:
			raw_record(&in);
			break;
		case 2:
			advance((uint64_t)(1 + fz_u8(&in)) * 10 * NS_MS);
			break;
		case 3:
			output_record(&in);
			break;
		case 4:
			FZ_CHECK(ptg_net_announce(fa.net) == 0);
			break;
		case 5:
			icmp_record(&in);
			break;
		case 6:
			advance(0);
			break;
		default:
			/* check only */
			break;
		}
		FZ_CHECKF(ptg_net_arp_count(fa.net) <= ARP_ENTRIES,
			  "%u ARP entries", ptg_net_arp_count(fa.net));
	}
	/* Long enough for every pending entry to give up, every entry to
	 * age out. */
	advance(3000 * NS_MS);
	ptg_stack_free(fa.st);
	fz_check_leaks(&mark);
	return 0;
}
