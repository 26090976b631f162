/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) on Ethernet: answer requests for our address (and the
 * further local addresses of ptg_net_config), keep a bounded table of neighbours, resolve next hops with a
 * bounded queue of held frames per entry, announce ourselves (RFC 5227).
 *
 * eth_input() -> arp_input() -> entry_confirm() -> (pending) drain queue
 *                            -> arp_send(reply)
 * ptg_net_ip_output() -> arp_output() -> next-hop cache | hash -> hit: net_tx()
 *                     -> miss: entry_new() (full: entry_evict()) + arp_request()
 * ptg_net_resolve() -> arp_resolve() -> hit: the MAC | miss: as above
 * ptg_net_timer() -> arp_timer() -> retries / give-up / aging sweep
 *
 * What a peer can make us hold is bounded: a datagram to an on-link
 * address that never answers (a spoofed source we reply to) takes an entry
 * that gives up after arp_retries requests, the oldest such pending entry
 * is the first to go when the table is full (never the gateway's), and the
 * broadcast requests we send go through a token bucket (arp_request_rate
 * per second; the gateway's are not counted against it).
 *
 * The table is an rte_hash keyed by the IPv4 address; the position the hash
 * returns for a key indexes struct arp_entry in net->arp, and each slot owns
 * a fixed window of net->arp_queue_mem, so nothing is allocated per packet.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "net_priv.h"

static const struct rte_ether_addr zero_mac;
static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

int
arp_init(struct ptg_net *net, int socket)
{
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];
	uint32_t i, qlen = net->cfg.arp_queue_per_entry;

	/* rte_hash wants at least one bucket's worth of entries. */
	net->arp_slots = RTE_MAX(net->cfg.arp_entries,
				 (uint32_t)NET_ARP_HASH_MIN);
	snprintf(name, sizeof(name), "ptg_arp_%" PRIxPTR, (uintptr_t)net);
	hp.name = name;
	hp.entries = net->arp_slots;
	hp.key_len = sizeof(rte_be32_t);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	/* The extendable table guarantees room for every entry. */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;

	net->arp_hash = rte_hash_create(&hp);
	if (net->arp_hash == NULL)
		goto fail;
	net->arp = rte_zmalloc_socket("ptg_arp",
				      sizeof(*net->arp) * net->arp_slots,
				      RTE_CACHE_LINE_SIZE, socket);
	if (net->arp == NULL)
		goto fail_hash;
	net->arp_queue_mem = rte_zmalloc_socket("ptg_arp_q",
			sizeof(struct rte_mbuf *) * qlen * net->arp_slots,
			RTE_CACHE_LINE_SIZE, socket);
	if (net->arp_queue_mem == NULL)
		goto fail_arp;
	for (i = 0; i < net->arp_slots; i++)
		net->arp[i].queue = &net->arp_queue_mem[(size_t)i * qlen];
	arp_limit_init(net);
	return 0;

fail_arp:
	rte_free(net->arp);
	net->arp = NULL;
fail_hash:
	rte_hash_free(net->arp_hash);
	net->arp_hash = NULL;
fail:
	return -ENOMEM;
}

void
arp_fini(struct ptg_net *net)
{
	uint32_t i;
	uint16_t j;

	if (net->arp != NULL) {
		for (i = 0; i < net->arp_slots; i++)
			for (j = 0; j < net->arp[i].nb_queued; j++)
				rte_pktmbuf_free(net->arp[i].queue[j]);
	}
	rte_free(net->arp_queue_mem);
	rte_free(net->arp);
	rte_hash_free(net->arp_hash);
	net->arp_queue_mem = NULL;
	net->arp = NULL;
	net->arp_hash = NULL;
}

/* Build one ARP frame (padded to the Ethernet minimum) and batch it. */
static int
arp_send(struct ptg_net *net, uint16_t op, const struct rte_ether_addr *eth_dst,
	 const struct rte_ether_addr *tha, rte_be32_t sip, rte_be32_t tip)
{
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m;
	char *p;

	m = rte_pktmbuf_alloc(net->mp);
	if (unlikely(m == NULL))
		goto nombuf;
	/* ptg_net_create() checked that the data room holds this. */
	p = rte_pktmbuf_append(m, NET_ETH_MIN_FRAME);
	if (unlikely(p == NULL)) {
		rte_pktmbuf_free(m);
		goto nombuf;
	}
	memset(p, 0, NET_ETH_MIN_FRAME);
	eth_prepare(net, m, eth_dst, RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(p + sizeof(struct rte_ether_hdr));
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(rte_be32_t);
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&net->cfg.mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = sip;
	rte_ether_addr_copy(tha, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = tip;
	net_tx(net, m);
	return 0;

nombuf:
	NET_STAT(net, drop_nombuf);
	return -ENOBUFS;
}

void
arp_limit_init(struct ptg_net *net)
{
	net->arp_req_cost_ns = 1000000000ull / net->cfg.arp_request_rate;
	net->arp_req_credit_ns = net->arp_req_cost_ns *
				 net->cfg.arp_request_rate;
	net->arp_req_last_ns = 0;
}

/*
 * Whether a request for @p tip may go out at @p now_ns: a token bucket of
 * arp_request_rate requests per second, one second deep, so that a flood
 * of datagrams to addresses that never answer (each needs a broadcast)
 * cannot turn into a broadcast storm from us. The gateway is the one
 * neighbour we cannot do without: its requests always go.
 */
static int
arp_request_allowed(struct ptg_net *net, rte_be32_t tip, uint64_t now_ns)
{
	const uint64_t cap = net->arp_req_cost_ns * net->cfg.arp_request_rate;

	if (tip == net->cfg.gateway && tip != 0)
		return 1;
	if (now_ns > net->arp_req_last_ns) {
		uint64_t add = now_ns - net->arp_req_last_ns;

		/* credit <= cap always: no wrap */
		if (add >= cap - net->arp_req_credit_ns)
			net->arp_req_credit_ns = cap;
		else
			net->arp_req_credit_ns += add;
		net->arp_req_last_ns = now_ns;
	}
	if (net->arp_req_credit_ns < net->arp_req_cost_ns)
		return 0;
	net->arp_req_credit_ns -= net->arp_req_cost_ns;
	return 1;
}

static void
arp_request(struct ptg_net *net, rte_be32_t tip, uint64_t now_ns)
{
	if (!arp_request_allowed(net, tip, now_ns)) {
		NET_STAT(net, arp_tx_request_limited);
		return;
	}
	/* RFC 826: target hardware address unknown, zero it; broadcast. */
	if (arp_send(net, RTE_ARP_OP_REQUEST, &bcast_mac, &zero_mac,
		     net->cfg.addr, tip) == 0)
		NET_STAT(net, arp_tx_request);
}

int
ptg_net_announce(struct ptg_net *net)
{
	int rc;

	if (net == NULL)
		return -EINVAL;
	/*
	 * RFC 5227 2.3: an ARP Announcement is a broadcast request with our
	 * address as both sender and target, target hardware address zero.
	 */
	rc = arp_send(net, RTE_ARP_OP_REQUEST, &bcast_mac, &zero_mac,
		      net->cfg.addr, net->cfg.addr);
	if (rc < 0)
		return rc;
	NET_STAT(net, arp_tx_gratuitous);
	ptg_net_flush(net);
	return 0;
}

/* ---- table ------------------------------------------------------------- */

static struct arp_entry *
entry_lookup(struct ptg_net *net, rte_be32_t ip)
{
	int32_t pos = rte_hash_lookup(net->arp_hash, &ip);

	if (pos < 0)
		return NULL;
	return &net->arp[pos];
}

static void
entry_free(struct ptg_net *net, struct arp_entry *e)
{
	if (net->nh_last == e)
		net->nh_last = NULL;
	if (e->state == ARP_PENDING)
		TAILQ_REMOVE(&net->arp_pending, e, pending_link);
	rte_hash_del_key(net->arp_hash, &e->ip);
	e->state = ARP_FREE;
	e->nb_queued = 0;
	net->arp_live--;
}

/* Free @p e to make room, with the frames it holds (counted). */
static void
entry_drop(struct ptg_net *net, struct arp_entry *e)
{
	uint16_t j;

	for (j = 0; j < e->nb_queued; j++) {
		NET_STAT(net, drop_arp_evicted);
		rte_pktmbuf_free(e->queue[j]);
	}
	e->nb_queued = 0;
	NET_STAT(net, arp_evicted);
	entry_free(net, e);
}

/*
 * Make room in a full table. First the oldest pending entry but the
 * gateway's: an address that has not answered yet is what a flood of
 * spoofed on-link sources leaves behind, and it would give up within
 * arp_retries * arp_retry_ns anyway (the list is in the order they started
 * asking). Else the resolved entry heard from longest ago. Only runs when
 * the table is full.
 */
static int
entry_evict(struct ptg_net *net)
{
	struct arp_entry *victim = NULL;
	uint32_t i;

	TAILQ_FOREACH(victim, &net->arp_pending, pending_link)
		if (victim->ip != net->cfg.gateway)
			break;
	if (victim != NULL) {
		entry_drop(net, victim);
		return 0;
	}
	for (i = 0; i < net->arp_slots; i++) {
		struct arp_entry *e = &net->arp[i];

		if (e->state == ARP_RESOLVED &&
		    (victim == NULL || e->expire_ns < victim->expire_ns))
			victim = e;
	}
	if (victim == NULL)
		return -ENOSPC;
	entry_drop(net, victim);
	return 0;
}

/*
 * Take a slot for @p ip. A full table evicts only when @p evict is set
 * (resolving a next hop); learning from requests never pays for a scan.
 */
static struct arp_entry *
entry_new(struct ptg_net *net, rte_be32_t ip, int evict)
{
	struct arp_entry *e;
	int32_t pos;

	if (net->arp_live >= net->cfg.arp_entries &&
	    (!evict || entry_evict(net) < 0))
		return NULL;
	pos = rte_hash_add_key(net->arp_hash, &ip);
	if (unlikely(pos < 0))
		return NULL;
	if (unlikely((uint32_t)pos >= net->arp_slots)) {
		rte_hash_del_key(net->arp_hash, &ip);
		return NULL;
	}
	e = &net->arp[pos];
	e->ip = ip;
	e->state = ARP_FREE;
	e->requests = 0;
	e->nb_queued = 0;
	e->expire_ns = 0;
	e->next_retry_ns = 0;
	net->arp_live++;
	return e;
}

/* ptg.net debug line: @p e is now at @p mac (cold: only when logging). */
static __rte_noinline __rte_cold void
log_learned(struct ptg_net *net, const struct arp_entry *e,
	    const struct rte_ether_addr *mac, uint64_t now_ns)
{
	char was[RTE_ETHER_ADDR_FMT_SIZE], is[RTE_ETHER_ADDR_FMT_SIZE];
	uint32_t a = rte_be_to_cpu_32(e->ip);

	rte_ether_format_addr(is, sizeof(is), mac);
	rte_ether_format_addr(was, sizeof(was), &e->mac);
	if (e->state != ARP_RESOLVED)
		PTG_LOG_RL(&net->log_rl, now_ns, ptg_net_logtype, DEBUG,
			   "NET: ARP: %u.%u.%u.%u is at %s", a >> 24,
			   (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff, is);
	else if (!rte_is_same_ether_addr(mac, &e->mac))
		PTG_LOG_RL(&net->log_rl, now_ns, ptg_net_logtype, DEBUG,
			   "NET: ARP: %u.%u.%u.%u moved from %s to %s",
			   a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
			   a & 0xff, was, is);
}

/* We heard @p mac for @p e: (re)validate it and release held frames. */
static void
entry_confirm(struct ptg_net *net, struct arp_entry *e,
	      const struct rte_ether_addr *mac, uint64_t now_ns)
{
	uint16_t i;

	if (unlikely(ptg_ratelimit_maybe(&net->log_rl, now_ns,
					 RTE_LOG_DEBUG)))
		log_learned(net, e, mac, now_ns);
	rte_ether_addr_copy(mac, &e->mac);
	e->expire_ns = now_ns + net->cfg.arp_max_age_ns;
	if (e->state == ARP_RESOLVED)
		return;
	if (e->state == ARP_PENDING)
		TAILQ_REMOVE(&net->arp_pending, e, pending_link);
	e->state = ARP_RESOLVED;
	NET_STAT(net, arp_learned);
	for (i = 0; i < e->nb_queued; i++) {
		struct rte_mbuf *m = e->queue[i];
		struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		rte_ether_addr_copy(mac, &eh->dst_addr);
		net_tx(net, m);
	}
	e->nb_queued = 0;
}

/* Ask for @p e's address now and again every arp_retry_ns. */
static void
entry_start_pending(struct ptg_net *net, struct arp_entry *e, uint64_t now_ns)
{
	e->state = ARP_PENDING;
	e->requests = 1;
	e->next_retry_ns = now_ns + net->cfg.arp_retry_ns;
	TAILQ_INSERT_TAIL(&net->arp_pending, e, pending_link);
	arp_request(net, e->ip, now_ns);
}

/* ---- input ------------------------------------------------------------- */

void
arp_input(struct ptg_net *net, struct rte_mbuf *m, uint64_t now_ns)
{
	const struct rte_arp_hdr *ah;
	const struct rte_ether_addr *sha;
	struct rte_ether_addr req_sha;
	struct arp_entry *e;
	rte_be32_t sip, tip;
	uint16_t op;
	int learnable, merged = 0;

	if (unlikely(rte_pktmbuf_data_len(m) <
		     sizeof(struct rte_ether_hdr) + sizeof(*ah)))
		goto drop_malformed;
	ah = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *,
				     sizeof(struct rte_ether_hdr));
	/* RFC 826: Ethernet hardware, IPv4 protocol, lengths to match. */
	if (ah->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN ||
	    ah->arp_plen != sizeof(rte_be32_t))
		goto drop_malformed;
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		goto drop_malformed;
	sha = &ah->arp_data.arp_sha;
	/* A sender is one station: not multicast, not zero. */
	if (!rte_is_valid_assigned_ether_addr(sha))
		goto drop_malformed;
	sip = ah->arp_data.arp_sip;
	tip = ah->arp_data.arp_tip;
	if (op == RTE_ARP_OP_REQUEST)
		NET_STAT(net, arp_rx_request);
	else
		NET_STAT(net, arp_rx_reply);

	/*
	 * Never learn sender address 0 (an RFC 5227 2.1.1 probe), a martian,
	 * or our own address (a conflict, RFC 5227 2.4: not a neighbour).
	 */
	learnable = !net_addr_is_local(net, sip) &&
		    !net_ipv4_is_martian(net, sip);

	/* RFC 826: "merge": a sender already in the table is refreshed. */
	if (learnable) {
		e = entry_lookup(net, sip);
		if (e != NULL) {
			entry_confirm(net, e, sha, now_ns);
			merged = 1;
		}
	}
	/* RFC 826: "Am I the target protocol address?" */
	if (!net_addr_is_local(net, tip))
		goto drop_not_for_us;
	if (learnable && !merged) {
		/* With the table full: answer, do not learn. */
		e = entry_new(net, sip, 0);
		if (e != NULL)
			entry_confirm(net, e, sha, now_ns);
	}
	if (op == RTE_ARP_OP_REQUEST) {
		/*
		 * RFC 826: reply to the requester's hardware address with the
		 * sender and target fields swapped. A fresh frame (the request
		 * may be shared) padded to the Ethernet minimum.
		 */
		rte_ether_addr_copy(sha, &req_sha);
		if (arp_send(net, RTE_ARP_OP_REPLY, &req_sha, &req_sha,
			     tip, sip) == 0)
			NET_STAT(net, arp_tx_reply);
	}
	net_drop(m);
	return;

drop_not_for_us:
	NET_STAT(net, drop_arp_not_for_us);
	net_drop(m);
	return;
drop_malformed:
	NET_STAT(net, drop_arp_malformed);
	net_drop(m);
}

/*
 * Whether @p m is an ARP reply that every worker may learn from: well
 * formed (RFC 826), to our address, from a unicast station with an
 * address we could send to (not ours, not a martian). The same checks
 * arp_input() makes before it learns; a reply failing them is not copied
 * to other workers.
 */
int
ptg_net_arp_reply_shareable(const struct ptg_net *net, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_arp_hdr *ah;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ah))
		return 0;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_ARP))
		return 0;
	ah = (const struct rte_arp_hdr *)(eth + 1);
	return ah->arp_hardware == RTE_BE16(RTE_ARP_HRD_ETHER) &&
	       ah->arp_protocol == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	       ah->arp_hlen == RTE_ETHER_ADDR_LEN &&
	       ah->arp_plen == sizeof(rte_be32_t) &&
	       ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) &&
	       ah->arp_data.arp_tip == net->cfg.addr &&
	       rte_is_valid_assigned_ether_addr(&ah->arp_data.arp_sha) &&
	       ah->arp_data.arp_sip != net->cfg.addr &&
	       !net_ipv4_is_martian(net, ah->arp_data.arp_sip);
}

/* ---- output ------------------------------------------------------------ */

/*
 * @p m is a complete Ethernet frame but for the destination MAC. Fill it
 * from the table and batch the frame, or hold it until @p nexthop answers.
 */
int
arp_output(struct ptg_net *net, struct rte_mbuf *m, rte_be32_t nexthop,
	   uint64_t now_ns)
{
	struct arp_entry *e = net->nh_last;

	/* A host talks to few next hops (mostly one: the peer or the
	 * gateway): the entry the last frame used saves the hash lookup.
	 * entry_free() forgets it. */
	if (unlikely(e == NULL || e->ip != nexthop)) {
		e = entry_lookup(net, nexthop);
		net->nh_last = e;
	}
	if (likely(e != NULL && e->state == ARP_RESOLVED)) {
		if (likely(now_ns < e->expire_ns)) {
			struct rte_ether_hdr *eh =
				rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

			rte_ether_addr_copy(&e->mac, &eh->dst_addr);
			net_tx(net, m);
			return 0;
		}
		/*
		 * RFC 1122 2.3.2.1: out-of-date entries must go; ask again and
		 * hold the frame rather than trust the old address.
		 */
		NET_STAT(net, arp_expired);
		entry_start_pending(net, e, now_ns);
	} else if (e == NULL) {
		e = entry_new(net, nexthop, 1);
		if (unlikely(e == NULL))
			goto drop_full;
		entry_start_pending(net, e, now_ns);
	}
	if (unlikely(e->nb_queued >= net->cfg.arp_queue_per_entry))
		goto drop_full;
	e->queue[e->nb_queued++] = m;
	NET_STAT(net, arp_queued);
	return -EAGAIN;

drop_full:
	NET_STAT(net, drop_arp_queue_full);
	net_drop(m);
	return -ENOBUFS;
}

/*
 * The MAC of @p nexthop if resolved and fresh; else start (or go on
 * with) its resolution, holding no frame.
 */
int
arp_resolve(struct ptg_net *net, rte_be32_t nexthop,
	    struct rte_ether_addr *mac, uint64_t now_ns)
{
	struct arp_entry *e = entry_lookup(net, nexthop);

	if (e != NULL && e->state == ARP_RESOLVED) {
		if (now_ns < e->expire_ns) {
			rte_ether_addr_copy(&e->mac, mac);
			return 0;
		}
		NET_STAT(net, arp_expired);
		entry_start_pending(net, e, now_ns);
	} else if (e == NULL) {
		e = entry_new(net, nexthop, 1);
		if (e == NULL)
			return -ENOBUFS;
		entry_start_pending(net, e, now_ns);
	}
	return -EAGAIN;
}

/* ---- timer ------------------------------------------------------------- */

void
arp_timer(struct ptg_net *net, uint64_t now_ns)
{
	struct arp_entry *e, *next;
	uint32_t i, n;
	uint16_t j;

	for (e = TAILQ_FIRST(&net->arp_pending); e != NULL; e = next) {
		next = TAILQ_NEXT(e, pending_link);
		if (now_ns < e->next_retry_ns)
			continue;
		if (e->requests >= net->cfg.arp_retries) {
			/* No answer after arp_retries requests: give up. */
			for (j = 0; j < e->nb_queued; j++) {
				NET_STAT(net, drop_arp_unresolved);
				rte_pktmbuf_free(e->queue[j]);
			}
			e->nb_queued = 0;
			entry_free(net, e);
			continue;
		}
		/* a request the bucket refused counts as asked: a pending
		 * entry lives arp_retries * arp_retry_ns at most */
		e->requests++;
		e->next_retry_ns = now_ns + net->cfg.arp_retry_ns;
		arp_request(net, e->ip, now_ns);
	}

	/*
	 * Aging: a bounded slice of the table per call, so the timer's cost
	 * does not grow with the table; arp_output() also refuses expired
	 * entries, so the sweep only reclaims slots.
	 */
	n = RTE_MIN(net->arp_slots, (uint32_t)NET_ARP_SWEEP);
	for (i = 0; i < n; i++) {
		e = &net->arp[net->arp_sweep_pos];
		if (++net->arp_sweep_pos == net->arp_slots)
			net->arp_sweep_pos = 0;
		if (e->state == ARP_RESOLVED && now_ns >= e->expire_ns) {
			NET_STAT(net, arp_expired);
			entry_free(net, e);
		}
	}
}
