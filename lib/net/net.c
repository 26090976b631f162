/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Net instance life cycle, counters, the TX batch and small helpers.
 *
 * ptg_net_create() -> validate config -> arp_init()
 * ptg_net_tx_frame() | net_tx() -> batch -> (full) ptg_net_flush() -> cfg.tx
 * ptg_net_timer() -> arp_timer()
 * ptg_net_parse_ipv4() / ptg_net_parse_prefix(): control path, for the apps
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "net_priv.h"

RTE_LOG_REGISTER(ptg_net_logtype, ptg.net, INFO);

static const char *const stat_names[PTG_NET_NB_STATS] = {
#define PTG_NET_STAT_NAME(n) #n,
	PTG_NET_STATS(PTG_NET_STAT_NAME)
#undef PTG_NET_STAT_NAME
};

const char *
ptg_net_stat_name(unsigned int i)
{
	return i < PTG_NET_NB_STATS ? stat_names[i] : NULL;
}

static rte_be32_t
prefix_mask(uint8_t len)
{
	return rte_cpu_to_be_32(len == 0 ? 0 : UINT32_MAX << (32 - len));
}

/* Validate @p in and fill the defaults into @p out. */
static int
config_check(const struct ptg_net_config *in, struct ptg_net_config *out)
{
	rte_be32_t mask, bcast;

	*out = *in;
	if (out->tx == NULL)
		return -EINVAL;
	if (!rte_is_valid_assigned_ether_addr(&out->mac))
		return -EINVAL;
	if (out->prefix_len > 32)
		return -EINVAL;
	mask = prefix_mask(out->prefix_len);
	/* /31 and /32 have no broadcast address (RFC 3021). */
	bcast = out->prefix_len <= 30 ? (out->addr | ~mask) : 0;
	if (ipv4_martian(out->addr, bcast))
		return -EINVAL;
	if (out->gateway != 0) {
		/* RFC 1122 3.3.1.1: the gateway is on a connected network. */
		if (ipv4_martian(out->gateway, bcast) ||
		    out->gateway == out->addr ||
		    ((out->gateway ^ out->addr) & mask) != 0)
			return -EINVAL;
	}
	if (out->nb_extra_addrs != 0) {
		uint32_t first = rte_be_to_cpu_32(out->extra_addr);
		uint32_t last = first + out->nb_extra_addrs - 1;

		if (out->nb_extra_addrs > PTG_NET_EXTRA_ADDRS_MAX ||
		    out->extra_addr == 0 || last < first)
			return -EINVAL;
		/* Both ends on our prefix: every address between is too. */
		if (((out->extra_addr ^ out->addr) & mask) != 0 ||
		    ((rte_cpu_to_be_32(last) ^ out->addr) & mask) != 0)
			return -EINVAL;
		if (ipv4_martian(out->extra_addr, bcast) ||
		    ipv4_martian(rte_cpu_to_be_32(last), bcast) ||
		    (bcast != 0 && rte_be_to_cpu_32(bcast) - first <
				   out->nb_extra_addrs))
			return -EINVAL;
		if (out->gateway != 0 &&
		    rte_be_to_cpu_32(out->gateway) - first <
		    out->nb_extra_addrs)
			return -EINVAL;
	} else {
		out->extra_addr = 0;
	}
	if (out->mtu == 0)
		out->mtu = PTG_NET_MTU_DEFAULT;
	if (out->mtu < PTG_NET_MTU_MIN || out->mtu > PTG_NET_MTU_MAX)
		return -EINVAL;
	if (out->arp_entries == 0)
		out->arp_entries = NET_DEF_ARP_ENTRIES;
	if (out->arp_queue_per_entry == 0)
		out->arp_queue_per_entry = NET_DEF_ARP_QUEUE;
	if (out->arp_retries == 0)
		out->arp_retries = NET_DEF_ARP_RETRIES;
	if (out->arp_retry_ns == 0)
		out->arp_retry_ns = NET_DEF_ARP_RETRY_NS;
	if (out->arp_max_age_ns == 0)
		out->arp_max_age_ns = NET_DEF_ARP_MAX_AGE_NS;
	if (out->arp_request_rate == 0)
		out->arp_request_rate = NET_DEF_ARP_RATE;
	if (out->arp_entries > NET_ARP_ENTRIES_MAX ||
	    out->arp_queue_per_entry > NET_ARP_QUEUE_MAX ||
	    out->arp_retries > NET_ARP_RETRIES_MAX ||
	    out->arp_request_rate > NET_ARP_RATE_MAX)
		return -EINVAL;
	return 0;
}

struct ptg_net *
ptg_net_create(const struct ptg_net_config *cfg, struct rte_mempool *mp,
	       int socket)
{
	struct ptg_net *net = NULL;
	struct ptg_net_config c;
	int rc;

	if (cfg == NULL || mp == NULL) {
		rc = -EINVAL;
		goto fail;
	}
	rc = config_check(cfg, &c);
	if (rc < 0)
		goto fail;
	/* Frames we build (ARP, ICMP copies) must fit one segment. */
	if (rte_pktmbuf_data_room_size(mp) <
	    RTE_PKTMBUF_HEADROOM + NET_ETH_MIN_FRAME) {
		rc = -EINVAL;
		goto fail;
	}

	net = rte_zmalloc_socket("ptg_net", sizeof(*net), RTE_CACHE_LINE_SIZE,
				 socket);
	if (net == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	net->cfg = c;
	net->mp = mp;
	ptg_ratelimit_init(&net->log_rl, NET_LOG_PER_SEC, NET_LOG_BURST,
			   &net->stats.log_suppressed);
	net->netmask = prefix_mask(c.prefix_len);
	net->subnet_bcast = c.prefix_len <= 30 ? (c.addr | ~net->netmask) : 0;
	net->extra_first = rte_be_to_cpu_32(c.extra_addr);
	net->nb_extra = c.nb_extra_addrs;
	TAILQ_INIT(&net->arp_pending);

	rc = arp_init(net, socket);
	if (rc < 0)
		goto fail_net;
	return net;

fail_net:
	rte_free(net);
fail:
	rte_errno = -rc;
	return NULL;
}

void
ptg_net_free(struct ptg_net *net)
{
	uint16_t i;

	if (net == NULL)
		return;
	for (i = 0; i < net->tx_n; i++)
		rte_pktmbuf_free(net->tx[i]);
	net->tx_n = 0;
	arp_fini(net);
	rte_free(net);
}

int
ptg_net_set_l4(struct ptg_net *net, uint8_t proto, ptg_net_l4_input_t fn,
	       void *arg)
{
	if (net == NULL)
		return -EINVAL;
	/* ICMP is ours: echo is answered by this layer. */
	if (proto == IPPROTO_ICMP)
		return -EINVAL;
	net->l4_fn[proto] = fn;
	net->l4_arg[proto] = fn != NULL ? arg : NULL;
	return 0;
}

const struct ptg_net_stats *
ptg_net_stats(const struct ptg_net *net)
{
	return &net->stats;
}

const struct ptg_net_config *
ptg_net_config(const struct ptg_net *net)
{
	return &net->cfg;
}

struct rte_mempool *
ptg_net_mempool(const struct ptg_net *net)
{
	return net->mp;
}

unsigned int
ptg_net_arp_count(const struct ptg_net *net)
{
	return net->arp_live;
}

int
ptg_net_addr_is_local(const struct ptg_net *net, rte_be32_t a)
{
	return net_addr_is_local(net, a);
}

int
ptg_net_resolve(struct ptg_net *net, rte_be32_t dst,
		struct rte_ether_addr *mac, uint64_t now_ns)
{
	rte_be32_t nexthop;

	if (net == NULL || mac == NULL)
		return -EINVAL;
	nexthop = ipv4_nexthop(net, dst);
	if (nexthop == 0)
		return -ENETUNREACH;
	return arp_resolve(net, nexthop, mac, now_ns);
}

void
ptg_net_timer(struct ptg_net *net, uint64_t now_ns)
{
	arp_timer(net, now_ns);
}

/* ---- TX batch ---------------------------------------------------------- */

void
ptg_net_flush(struct ptg_net *net)
{
	uint32_t bytes[PTG_NET_TX_BURST];
	uint16_t n = net->tx_n, sent, i;
	uint64_t sum = 0;

	if (n == 0)
		return;
	/* The callee owns the frames once called: read their sizes first. */
	for (i = 0; i < n; i++)
		bytes[i] = rte_pktmbuf_pkt_len(net->tx[i]);
	net->tx_n = 0;
	sent = net->cfg.tx(net->cfg.tx_arg, net->tx, n);
	if (unlikely(sent > n))
		sent = n;
	for (i = 0; i < sent; i++)
		sum += bytes[i];
	net->stats.tx_frames += sent;
	net->stats.tx_bytes += sum;
	net->stats.drop_tx_full += n - sent;
}

void
net_tx(struct ptg_net *net, struct rte_mbuf *m)
{
	m->port = net->cfg.port_id;
	net->tx[net->tx_n++] = m;
	if (net->tx_n == PTG_NET_TX_BURST)
		ptg_net_flush(net);
}

void
ptg_net_tx_frame(struct ptg_net *net, struct rte_mbuf *m)
{
	net_tx(net, m);
}

/* ---- mbuf helpers ------------------------------------------------------ */

void
net_drop(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

/* May the first segment's bytes be rewritten in place? */
int
net_mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/* Forget RX metadata before a received mbuf goes back out. */
void
net_mbuf_reset_tx(struct rte_mbuf *m)
{
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->tx_offload = 0;
	m->packet_type = 0;
}

/*
 * Cut @p m to @p len bytes, wherever the cut falls in the chain (Ethernet
 * padding after a datagram, or a lying IPv4 total length): trailing
 * segments are freed.
 */
int
net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg, *rest;
	uint32_t off = 0;
	uint16_t nb = 0;

	if (len > rte_pktmbuf_pkt_len(m))
		return -EINVAL;
	if (len == rte_pktmbuf_pkt_len(m))
		return 0;
	for (seg = m; seg != NULL; seg = seg->next) {
		nb++;
		if (off + seg->data_len >= len)
			break;
		off += seg->data_len;
	}
	if (seg == NULL) /* chain shorter than pkt_len: corrupt mbuf */
		return -EINVAL;
	seg->data_len = (uint16_t)(len - off);
	rest = seg->next;
	seg->next = NULL;
	m->nb_segs = nb;
	m->pkt_len = len;
	rte_pktmbuf_free(rest); /* walks ->next; accepts NULL */
	return 0;
}

/* ---- parsing (control path) -------------------------------------------- */

int
ptg_net_parse_ipv4(const char *s, rte_be32_t *addr)
{
	struct in_addr a;

	if (s == NULL || addr == NULL)
		return -EINVAL;
	/* inet_pton accepts exactly four decimal octets, no leading zeros */
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

int
ptg_net_parse_prefix(const char *s, rte_be32_t *addr, uint8_t *len)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash, *p;
	rte_be32_t a;
	unsigned int n = 0;
	size_t alen;

	if (s == NULL || addr == NULL || len == NULL)
		return -EINVAL;
	slash = strchr(s, '/');
	if (slash == NULL)
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (ptg_net_parse_ipv4(buf, &a) < 0)
		return -EINVAL;
	p = slash + 1;
	if (*p == '\0' || strlen(p) > 2)
		return -EINVAL;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (unsigned int)(*p - '0');
	}
	if (n > 32)
		return -EINVAL;
	*addr = a;
	*len = (uint8_t)n;
	return 0;
}
