/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unit-test harness (see ptg_test.h).
 *
 * test main() -> cmocka group setup -> ptg_test_eal_init()
 * test setup -> ptg_test_env_new() -> ptg_stack_create(tx = fake port)
 * test body -> builders -> ptg_test_env_rx() -> ptg_stack_rx() -> ...
 *           -> ptg_test_port_tx() collects -> ptg_test_parse() checks
 * test teardown -> ptg_test_env_free() -> mempool back at baseline?
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "ptg_test.h"

const struct rte_ether_addr ptg_test_mac_local = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
const struct rte_ether_addr ptg_test_mac_peer = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
const struct rte_ether_addr ptg_test_mac_gw = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } };
const struct rte_ether_addr ptg_test_mac_bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

#define ETH_LEN ((uint32_t)sizeof(struct rte_ether_hdr))
#define IP_LEN  ((uint32_t)sizeof(struct rte_ipv4_hdr))
#define TCP_LEN ((uint32_t)sizeof(struct rte_tcp_hdr))
#define ICMP_LEN ((uint32_t)sizeof(struct rte_icmp_hdr))

/* ---- EAL and mempools ----------------------------------------------------- */

static int eal_done;
static struct rte_mempool *test_mp;

static void
eal_cleanup(void)
{
	rte_eal_cleanup();
}

/* "--lcores=0@A,1@B,...": lcore i on the (i mod count)-th CPU of @p cpus,
 * starting with the first CPU we may run on. */
static int
lcores_arg(char *buf, size_t len, unsigned int nb_lcores,
	   const cpu_set_t *cpus)
{
	int list[CPU_SETSIZE], nb = 0, cpu, off;
	unsigned int i;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, cpus))
			list[nb++] = cpu;
	if (nb == 0)
		list[nb++] = 0;
	off = snprintf(buf, len, "--lcores=");
	for (i = 0; i < nb_lcores; i++) {
		off += snprintf(buf + off, len - (size_t)off, "%s%u@%d",
				i ? "," : "", i, list[i % (unsigned int)nb]);
		if ((size_t)off >= len)
			return -1;
	}
	return 0;
}

int
ptg_test_eal_init_lcores(unsigned int nb_lcores)
{
	char prefix[64], lcore[256], extra_buf[512];
	char *argv[48];
	int argc = 0, rc;
	const char *extra;
	cpu_set_t saved;

	if (eal_done)
		return rte_lcore_count() >= nb_lcores ? 0 : -1;
	if (nb_lcores == 0 || nb_lcores > 16)
		return -1;
	if (pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
		CPU_ZERO(&saved);
	if (lcores_arg(lcore, sizeof(lcore), nb_lcores, &saved) < 0)
		return -1;
	snprintf(prefix, sizeof(prefix), "--file-prefix=ptgtest%ld",
		 (long)getpid());

	argv[argc++] = (char *)"ptg_test";
	argv[argc++] = lcore;
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"256";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = prefix;
	argv[argc++] = (char *)"--log-level=lib.eal:error";
	extra = getenv("PTG_TEST_EAL_ARGS");
	if (extra != NULL) {
		char *tok, *save = NULL;

		snprintf(extra_buf, sizeof(extra_buf), "%s", extra);
		for (tok = strtok_r(extra_buf, " ", &save);
		     tok != NULL && argc < (int)RTE_DIM(argv) - 1;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	}
	argv[argc] = NULL;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "ptg_test: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	/* EAL pinned us to one CPU; parallel test programs should not pile
	 * up on it. */
	if (CPU_COUNT(&saved) > 0)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	atexit(eal_cleanup);
	eal_done = 1;
	return 0;
}

int
ptg_test_eal_init(void)
{
	return ptg_test_eal_init_lcores(1);
}

int
ptg_test_group_setup(void **state)
{
	(void)state;
	if (ptg_test_eal_init() < 0)
		return -1;
	return ptg_test_mempool() == NULL ? -1 : 0;
}

struct rte_mempool *
ptg_test_mempool_create(const char *name, unsigned int n, uint16_t data_room)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, 0, 0, data_room, SOCKET_ID_ANY);
	if (mp == NULL)
		fprintf(stderr, "ptg_test: mempool %s: %s\n", name,
			rte_strerror(rte_errno));
	return mp;
}

struct rte_mempool *
ptg_test_mempool(void)
{
	if (test_mp == NULL)
		test_mp = ptg_test_mempool_create("ptg_test_mp", 8191,
						  PTG_TEST_MBUF_DATA_ROOM);
	return test_mp;
}

unsigned int
ptg_test_mempool_in_use(const struct rte_mempool *mp)
{
	return rte_mempool_in_use_count(mp);
}

/* ---- fake port ------------------------------------------------------------ */

void
ptg_test_port_init(struct ptg_test_port *port)
{
	memset(port, 0, sizeof(*port));
	port->budget = -1;
}

uint16_t
ptg_test_port_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct ptg_test_port *port = arg;
	uint16_t i, sent = n;

	port->calls++;
	if (n > port->max_burst)
		port->max_burst = n;
	if (port->budget >= 0 && (int)n > port->budget)
		sent = (uint16_t)port->budget;
	if (port->budget >= 0)
		port->budget -= sent;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i >= sent) {
			/* refused: the callee owns it, so frees it */
			port->refused++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (port->finish_offloads && ptg_test_offload_finish(m) < 0)
			port->offload_errors++;
		if (port->n < PTG_TEST_PORT_CAP) {
			port->pkts[port->n++] = m;
		} else {
			port->overflow++;
			rte_pktmbuf_free(m);
		}
	}
	return sent;
}

void
ptg_test_port_clear(struct ptg_test_port *port)
{
	unsigned int i;

	for (i = 0; i < port->n; i++)
		rte_pktmbuf_free(port->pkts[i]);
	port->n = 0;
}

/* ---- builders -------------------------------------------------------------- */

void
ptg_test_pattern(void *buf, uint32_t len, uint8_t seed)
{
	uint8_t *p = buf;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Append @p len bytes (@p src NULL: zeros) to the chain @p m, growing it
 * with new segments from @p mp as needed. */
static int
chain_append(struct rte_mempool *mp, struct rte_mbuf *m, const void *src,
	     uint32_t len)
{
	const uint8_t *s = src;
	struct rte_mbuf *last = rte_pktmbuf_lastseg(m);

	while (len > 0) {
		uint16_t room = rte_pktmbuf_tailroom(last);
		uint16_t chunk;
		char *dst;

		if (room == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);

			if (seg == NULL)
				return -1;
			if (rte_pktmbuf_chain(m, seg) < 0) {
				rte_pktmbuf_free(seg);
				return -1;
			}
			last = seg;
			continue;
		}
		chunk = (uint16_t)RTE_MIN((uint32_t)room, len);
		dst = rte_pktmbuf_append(m, chunk);
		if (dst == NULL)
			return -1;
		if (s != NULL) {
			memcpy(dst, s, chunk);
			s += chunk;
		} else {
			memset(dst, 0, chunk);
		}
		len -= chunk;
	}
	return 0;
}

struct rte_mbuf *
ptg_test_raw(struct rte_mempool *mp, const void *bytes, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m == NULL)
		return NULL;
	if (chain_append(mp, m, bytes, len) < 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

struct rte_mbuf *
ptg_test_arp(struct rte_mempool *mp, uint16_t op,
	     const struct rte_ether_addr *sha, rte_be32_t sip,
	     const struct rte_ether_addr *tha, rte_be32_t tip,
	     const struct rte_ether_addr *eth_dst)
{
	uint8_t buf[sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);
	static const struct rte_ether_addr zero;

	memset(buf, 0, sizeof(buf));
	if (eth_dst == NULL)
		eth_dst = op == RTE_ARP_OP_REQUEST ? &ptg_test_mac_bcast :
						     &ptg_test_mac_local;
	eh->dst_addr = *eth_dst;
	eh->src_addr = *sha;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = *sha;
	ah->arp_data.arp_sip = sip;
	ah->arp_data.arp_tha = tha != NULL ? *tha : zero;
	ah->arp_data.arp_tip = tip;
	return ptg_test_raw(mp, buf, sizeof(buf));
}

struct rte_mbuf *
ptg_test_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *sha,
		     rte_be32_t sip, rte_be32_t tip)
{
	return ptg_test_arp(mp, RTE_ARP_OP_REQUEST, sha, sip, NULL, tip, NULL);
}

struct rte_mbuf *
ptg_test_arp_reply(struct rte_mempool *mp, const struct rte_ether_addr *sha,
		   rte_be32_t sip, rte_be32_t tip)
{
	return ptg_test_arp(mp, RTE_ARP_OP_REPLY, sha, sip,
			    &ptg_test_mac_local, tip, &ptg_test_mac_local);
}

struct rte_ether_hdr *
ptg_test_eth_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
}

struct rte_ipv4_hdr *
ptg_test_ipv4_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);
}

void *
ptg_test_l4_hdr(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = ptg_test_ipv4_hdr(m);

	return rte_pktmbuf_mtod_offset(m, uint8_t *,
			ETH_LEN + (ip->version_ihl & 0x0f) * 4u);
}

struct rte_arp_hdr *
ptg_test_arp_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, ETH_LEN);
}

void
ptg_test_fix_ip_cksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = ptg_test_ipv4_hdr(m);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Checksum of the IPv4 payload of @p m (ICMP: none; TCP/UDP: pseudo
 * header), complemented, with the checksum field taken as it is. */
static uint16_t
l4_sum(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t off,
       uint32_t len)
{
	uint16_t raw = 0;
	uint32_t sum;

	if (rte_raw_cksum_mbuf(m, off, len, &raw) != 0)
		return 0xdead;
	sum = raw;
	if (ip->next_proto_id != IPPROTO_ICMP) {
		struct rte_ipv4_hdr tmp = *ip;

		/* pseudo header over the real IPv4 payload length */
		tmp.version_ihl = RTE_IPV4_VHL_DEF;
		tmp.total_length = rte_cpu_to_be_16((uint16_t)(len + IP_LEN));
		sum += rte_ipv4_phdr_cksum(&tmp, 0);
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Where the L4 checksum of @p m lies (may be unaligned), or NULL. */
static uint8_t *
l4_cksum_field(struct rte_mbuf *m, uint8_t proto)
{
	uint8_t *l4 = ptg_test_l4_hdr(m);

	if (proto == IPPROTO_ICMP)
		return l4 + offsetof(struct rte_icmp_hdr, icmp_cksum);
	if (proto == IPPROTO_TCP)
		return l4 + offsetof(struct rte_tcp_hdr, cksum);
	return NULL;
}

static void
put16(uint8_t *p, uint16_t v_be)
{
	memcpy(p, &v_be, sizeof(v_be));
}

void
ptg_test_fix_l4_cksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = ptg_test_ipv4_hdr(m);
	uint32_t hlen = (ip->version_ihl & 0x0f) * 4u;
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	uint8_t *f = l4_cksum_field(m, ip->next_proto_id);

	if (f == NULL || tot < hlen || ETH_LEN + tot > m->pkt_len)
		return;
	put16(f, 0);
	put16(f, l4_sum(m, ip, ETH_LEN + hlen, tot - hlen));
}

void
ptg_test_fix_cksums(struct rte_mbuf *m)
{
	ptg_test_fix_l4_cksum(m);
	ptg_test_fix_ip_cksum(m);
}

/* Ethernet + IPv4 header (with options) + @p l4 (@p l4_len bytes, the L4
 * header) + @p len payload bytes, checksums filled, knobs applied. */
static struct rte_mbuf *
build_ipv4(struct rte_mempool *mp, const struct ptg_test_ipv4 *spec,
	   uint8_t proto, const void *l4, uint32_t l4_len,
	   const void *payload, uint32_t len)
{
	static const struct ptg_test_ipv4 defaults;
	static const struct rte_ether_addr zero;
	uint8_t hdr[ETH_LEN + IP_LEN + 40 + TCP_LEN + 40];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	uint32_t hlen, tot, hdr_len;
	struct rte_mbuf *m;
	uint8_t *tmp = NULL;

	if (spec == NULL)
		spec = &defaults;
	if (spec->options_len > 40 || spec->options_len % 4 != 0 ||
	    l4_len > TCP_LEN + 40)
		return NULL;
	hlen = IP_LEN + spec->options_len;
	tot = hlen + l4_len + len;
	if (tot > UINT16_MAX)
		return NULL;

	memset(hdr, 0, sizeof(hdr));
	eh->dst_addr = rte_is_same_ether_addr(&spec->eth_dst, &zero) ?
		       ptg_test_mac_local : spec->eth_dst;
	eh->src_addr = rte_is_same_ether_addr(&spec->eth_src, &zero) ?
		       ptg_test_mac_peer : spec->eth_src;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = (uint8_t)((4 << 4) | (hlen / 4));
	ip->type_of_service = spec->tos;
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->packet_id = rte_cpu_to_be_16(spec->id);
	ip->fragment_offset = rte_cpu_to_be_16(spec->frag);
	ip->time_to_live = spec->ttl != 0 ? spec->ttl : 64;
	ip->next_proto_id = proto;
	ip->src_addr = spec->src != 0 ? spec->src : PTG_TEST_IP_PEER;
	ip->dst_addr = spec->dst != 0 ? spec->dst : PTG_TEST_IP_LOCAL;
	if (spec->options_len > 0)
		memcpy(ip + 1, spec->options, spec->options_len);
	hdr_len = ETH_LEN + hlen;
	if (l4_len > 0)
		memcpy(hdr + hdr_len, l4, l4_len);
	hdr_len += l4_len;

	m = ptg_test_raw(mp, hdr, hdr_len);
	if (m == NULL)
		return NULL;
	if (len > 0) {
		if (payload == NULL) {
			tmp = malloc(len);
			if (tmp == NULL)
				goto fail;
			ptg_test_pattern(tmp, len, 0);
			payload = tmp;
		}
		if (chain_append(mp, m, payload, len) < 0)
			goto fail;
	}
	if (spec->pad > 0 && chain_append(mp, m, NULL, spec->pad) < 0)
		goto fail;
	free(tmp);
	tmp = NULL;

	ptg_test_fix_cksums(m);
	if (spec->bad_ip_cksum)
		ptg_test_ipv4_hdr(m)->hdr_checksum ^= RTE_BE16(0x5a5a);
	if (spec->bad_l4_cksum) {
		uint8_t *f = l4_cksum_field(m, proto);

		if (f != NULL)
			f[1] ^= 0xff;
	}
	return m;
fail:
	free(tmp);
	rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
ptg_test_ipv4_frame(struct rte_mempool *mp, const struct ptg_test_ipv4 *ip,
		    uint8_t proto, const void *payload, uint32_t len)
{
	return build_ipv4(mp, ip, proto, NULL, 0, payload, len);
}

struct rte_mbuf *
ptg_test_icmp_echo(struct rte_mempool *mp, const struct ptg_test_ipv4 *ip,
		   uint8_t type, uint16_t id, uint16_t seq, const void *payload,
		   uint32_t len)
{
	struct rte_icmp_hdr icmp = {
		.icmp_type = type,
		.icmp_code = 0,
		.icmp_ident = rte_cpu_to_be_16(id),
		.icmp_seq_nb = rte_cpu_to_be_16(seq),
	};

	return build_ipv4(mp, ip, IPPROTO_ICMP, &icmp, sizeof(icmp), payload,
			  len);
}

struct rte_mbuf *
ptg_test_tcp_frame(struct rte_mempool *mp, const struct ptg_test_ipv4 *ip,
		   const struct ptg_test_tcp *tcp)
{
	uint8_t hdr[TCP_LEN + 40];
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)hdr;
	uint32_t olen;

	if (tcp->opts_len > 40)
		return NULL;
	olen = RTE_ALIGN_CEIL((uint32_t)tcp->opts_len, 4u);
	memset(hdr, 0, sizeof(hdr));
	th->src_port = rte_cpu_to_be_16(tcp->sport);
	th->dst_port = rte_cpu_to_be_16(tcp->dport);
	th->sent_seq = rte_cpu_to_be_32(tcp->seq);
	th->recv_ack = rte_cpu_to_be_32(tcp->ack);
	th->data_off = (uint8_t)(((TCP_LEN + olen) / 4) << 4);
	th->tcp_flags = tcp->flags;
	th->rx_win = rte_cpu_to_be_16(tcp->win);
	th->tcp_urp = rte_cpu_to_be_16(tcp->urp);
	if (tcp->opts_len > 0)
		memcpy(th + 1, tcp->opts, tcp->opts_len);
	return build_ipv4(mp, ip, IPPROTO_TCP, hdr, TCP_LEN + olen,
			  tcp->payload, tcp->len);
}

struct rte_mbuf *
ptg_test_tcp_datagram(struct rte_mempool *mp, const struct ptg_test_ipv4 *ip,
		      const struct ptg_test_tcp *tcp)
{
	struct ptg_test_ipv4 spec = { 0 };
	struct rte_ipv4_hdr *iph;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	if (ip != NULL)
		spec = *ip;
	if (spec.src == 0)
		spec.src = PTG_TEST_IP_LOCAL;
	if (spec.dst == 0)
		spec.dst = PTG_TEST_IP_PEER;
	m = ptg_test_tcp_frame(mp, &spec, tcp);
	if (m == NULL)
		return NULL;
	iph = ptg_test_ipv4_hdr(m);
	th = ptg_test_l4_hdr(m);
	iph->hdr_checksum = 0;
	th->cksum = 0;
	rte_pktmbuf_adj(m, ETH_LEN);
	m->l2_len = 0;
	m->l3_len = (iph->version_ihl & 0x0f) * 4u;
	return m;
}

/* ---- TCP options ----------------------------------------------------------- */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int
ptg_test_tcp_opts_encode(const struct ptg_test_tcp_opts *o, uint8_t *buf)
{
	uint8_t tmp[80];
	uint32_t n = 0, i;

	if (o->has_mss) {
		tmp[n++] = 2;
		tmp[n++] = 4;
		tmp[n++] = (uint8_t)(o->mss >> 8);
		tmp[n++] = (uint8_t)o->mss;
	}
	if (o->has_ts) {
		if (o->sack_perm) {
			tmp[n++] = 4;
			tmp[n++] = 2;
		} else {
			tmp[n++] = 1;
			tmp[n++] = 1;
		}
		tmp[n++] = 8;
		tmp[n++] = 10;
		put32(&tmp[n], o->tsval);
		put32(&tmp[n + 4], o->tsecr);
		n += 8;
	} else if (o->sack_perm) {
		tmp[n++] = 1;
		tmp[n++] = 1;
		tmp[n++] = 4;
		tmp[n++] = 2;
	}
	if (o->has_ws) {
		tmp[n++] = 1;
		tmp[n++] = 3;
		tmp[n++] = 3;
		tmp[n++] = o->ws;
	}
	if (o->nb_sack > 0) {
		if (o->nb_sack > 4)
			return -1;
		tmp[n++] = 1;
		tmp[n++] = 1;
		tmp[n++] = 5;
		tmp[n++] = (uint8_t)(2 + 8 * o->nb_sack);
		for (i = 0; i < o->nb_sack; i++) {
			put32(&tmp[n], o->sack[i].left);
			put32(&tmp[n + 4], o->sack[i].right);
			n += 8;
		}
	}
	if (n > 40)
		return -1;
	memcpy(buf, tmp, n);
	return (int)n;
}

int
ptg_test_tcp_opts_decode(const uint8_t *p, uint32_t len,
			 struct ptg_test_tcp_opts *o)
{
	uint32_t i = 0, k;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i], olen;

		if (kind == 0)         /* EOL */
			break;
		if (kind == 1) {       /* NOP */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		switch (kind) {
		case 2:
			if (olen != 4)
				return -1;
			o->has_mss = 1;
			o->mss = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
			break;
		case 3:
			if (olen != 3)
				return -1;
			o->has_ws = 1;
			o->ws = p[i + 2];
			break;
		case 4:
			if (olen != 2)
				return -1;
			o->sack_perm = 1;
			break;
		case 5:
			if (olen < 10 || (olen - 2) % 8 != 0 || olen > 34)
				return -1;
			o->nb_sack = (uint8_t)((olen - 2) / 8);
			for (k = 0; k < o->nb_sack; k++) {
				o->sack[k].left = get32(&p[i + 2 + 8 * k]);
				o->sack[k].right = get32(&p[i + 6 + 8 * k]);
			}
			break;
		case 8:
			if (olen != 10)
				return -1;
			o->has_ts = 1;
			o->tsval = get32(&p[i + 2]);
			o->tsecr = get32(&p[i + 6]);
			break;
		default:
			o->nb_unknown++;
			break;
		}
		i += olen;
	}
	return 0;
}

/* ---- decoder --------------------------------------------------------------- */

static uint16_t
sum16(const uint8_t *p, uint32_t len)
{
	return rte_raw_cksum(p, len);
}

int
ptg_test_parse(const struct rte_mbuf *m, struct ptg_test_pkt *p)
{
	const struct rte_ether_hdr *eh;
	const uint8_t *d;
	const void *src;
	uint32_t len = rte_pktmbuf_pkt_len(m), hlen, tot, l4len;

	memset(p, 0, offsetof(struct ptg_test_pkt, data));
	if (len > PTG_TEST_FRAME_MAX || len < ETH_LEN)
		return -1;
	src = rte_pktmbuf_read(m, 0, len, p->data);
	if (src == NULL)
		return -1;
	if (src != p->data)
		memcpy(p->data, src, len);
	d = p->data;
	p->frame_len = len;
	p->ol_flags = m->ol_flags;
	eh = (const struct rte_ether_hdr *)d;
	p->eth_dst = eh->dst_addr;
	p->eth_src = eh->src_addr;
	p->ether_type = rte_be_to_cpu_16(eh->ether_type);
	d += ETH_LEN;
	len -= ETH_LEN;

	if (p->ether_type == RTE_ETHER_TYPE_ARP) {
		const struct rte_arp_hdr *ah = (const void *)d;

		if (len < sizeof(*ah))
			return -1;
		p->arp_op = rte_be_to_cpu_16(ah->arp_opcode);
		p->arp_sha = ah->arp_data.arp_sha;
		p->arp_tha = ah->arp_data.arp_tha;
		p->arp_sip = ah->arp_data.arp_sip;
		p->arp_tip = ah->arp_data.arp_tip;
		p->arp_ok = ah->arp_hardware == RTE_BE16(RTE_ARP_HRD_ETHER) &&
			    ah->arp_protocol ==
				    RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
			    ah->arp_hlen == 6 && ah->arp_plen == 4;
		return 0;
	}
	if (p->ether_type != RTE_ETHER_TYPE_IPV4)
		return 0;

	{
		const struct rte_ipv4_hdr *ip = (const void *)d;

		if (len < IP_LEN)
			return -1;
		hlen = (ip->version_ihl & 0x0f) * 4u;
		tot = rte_be_to_cpu_16(ip->total_length);
		if (hlen < IP_LEN || hlen > len || tot < hlen || tot > len)
			return -1;
		p->ip_hlen = (uint8_t)hlen;
		p->ip_tos = ip->type_of_service;
		p->ip_ttl = ip->time_to_live;
		p->ip_proto = ip->next_proto_id;
		p->ip_len = (uint16_t)tot;
		p->ip_id = rte_be_to_cpu_16(ip->packet_id);
		p->ip_frag = rte_be_to_cpu_16(ip->fragment_offset);
		p->ip_src = ip->src_addr;
		p->ip_dst = ip->dst_addr;
		p->ip_cksum_ok = (ip->version_ihl >> 4) == 4 &&
				 sum16(d, hlen) == 0xffff;
		l4len = tot - hlen;

		if (ip->next_proto_id == IPPROTO_ICMP) {
			const struct rte_icmp_hdr *ic = (const void *)(d + hlen);

			if (l4len < ICMP_LEN)
				return -1;
			p->icmp_type = ic->icmp_type;
			p->icmp_code = ic->icmp_code;
			p->icmp_id = rte_be_to_cpu_16(ic->icmp_ident);
			p->icmp_seq = rte_be_to_cpu_16(ic->icmp_seq_nb);
			p->l4_cksum_ok = sum16(d + hlen, l4len) == 0xffff;
			p->payload = d + hlen + ICMP_LEN;
			p->payload_len = l4len - ICMP_LEN;
		} else if (ip->next_proto_id == IPPROTO_TCP) {
			const struct rte_tcp_hdr *th = (const void *)(d + hlen);
			uint32_t thl, s;

			if (l4len < TCP_LEN)
				return -1;
			thl = (th->data_off >> 4) * 4u;
			if (thl < TCP_LEN || thl > l4len)
				return -1;
			p->sport = rte_be_to_cpu_16(th->src_port);
			p->dport = rte_be_to_cpu_16(th->dst_port);
			p->seq = rte_be_to_cpu_32(th->sent_seq);
			p->ack = rte_be_to_cpu_32(th->recv_ack);
			p->tcp_flags = th->tcp_flags;
			p->tcp_hlen = (uint8_t)thl;
			p->win = rte_be_to_cpu_16(th->rx_win);
			p->urp = rte_be_to_cpu_16(th->tcp_urp);
			p->opts_ok = ptg_test_tcp_opts_decode(
				(const uint8_t *)(th + 1), thl - TCP_LEN,
				&p->opts) == 0;
			s = sum16(d + hlen, l4len) +
			    rte_ipv4_phdr_cksum(ip, 0);
			s = (s & 0xffff) + (s >> 16);
			s = (s & 0xffff) + (s >> 16);
			p->l4_cksum_ok = s == 0xffff;
			p->payload = d + hlen + thl;
			p->payload_len = l4len - thl;
		} else {
			p->l4_cksum_ok = 1;
			p->payload = d + hlen;
			p->payload_len = l4len;
		}
	}
	return 0;
}

void
ptg_test_parse_ok(const struct rte_mbuf *m, struct ptg_test_pkt *p)
{
	assert_int_equal(ptg_test_parse(m, p), 0);
	if (p->ether_type == RTE_ETHER_TYPE_ARP)
		assert_true(p->arp_ok);
	if (p->ether_type == RTE_ETHER_TYPE_IPV4) {
		assert_true(p->ip_cksum_ok);
		assert_true(p->l4_cksum_ok);
		if (p->ip_proto == IPPROTO_TCP)
			assert_true(p->opts_ok);
	}
}

int
ptg_test_offload_finish(struct rte_mbuf *m)
{
	const uint64_t mask = RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK |
			      RTE_MBUF_F_TX_IPV4;
	struct rte_ipv4_hdr *ip;
	uint32_t l2 = m->l2_len, l3 = m->l3_len, tot;
	int rc = 0;

	if ((m->ol_flags & mask) == 0)
		return 0;
	/* Offload flags need IPv4 marked and sane header lengths. */
	if (!(m->ol_flags & RTE_MBUF_F_TX_IPV4) || l3 < IP_LEN ||
	    rte_pktmbuf_data_len(m) < l2 + l3)
		return -1;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl & 0x0f) * 4u != l3 || l2 + tot > m->pkt_len)
		return -1;

	if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		struct rte_tcp_hdr *th;
		uint16_t raw;

		if (ip->next_proto_id != IPPROTO_TCP ||
		    rte_pktmbuf_data_len(m) < l2 + l3 + TCP_LEN)
			return -1;
		th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l2 + l3);
		/* The field holds the pseudo-header sum; the NIC adds the
		 * segment to it. */
		if (rte_raw_cksum_mbuf(m, l2 + l3, tot - l3, &raw) != 0)
			return -1;
		th->cksum = (uint16_t)~raw;
	} else if (m->ol_flags & RTE_MBUF_F_TX_L4_MASK) {
		rc = -1;
	}
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
		if (ip->hdr_checksum != 0)
			rc = -1;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	m->ol_flags &= ~mask;
	return rc;
}
