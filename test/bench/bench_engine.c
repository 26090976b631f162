/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptg-bench-engine: the TCP engine micro-benchmark (issue 3, item 10).
 *
 * Two engines, back to back in one process on one lcore, no NIC:
 *
 *   client: ptg_net 198.18.0.1/24 + ptg_tcp, ptg_connect() to 198.18.0.2:8080
 *   server: ptg_net 198.18.0.2/24 + ptg_tcp, ptg_tcp_listen(8080)
 *
 *   main() -> rte_eal_init() -> run_mode() per mode:
 *     pair_create() -> arp_seed()
 *     loop: clock_now() -> link_deliver() x2 -> ptg_stack_rx()
 *           -> ptg_stack_poll() x2 -> deferred ptg_close()
 *           -> refill ptg_connect() -> ptg_stack_flush() x2 -> wire_tx()
 *     settle (no clock jump) -> drain (clock jumps past TIME-WAIT)
 *     -> check_invariants() -> report()
 *
 * Each net's tx callback (wire_tx) appends the frames to the link towards
 * the other net; the loop delivers each link in bursts, so no call ever
 * recurses into the other engine. Frames travel as they are (the sender's
 * mbuf becomes the receiver's RX mbuf, RX metadata reset): what is timed is
 * the two engines, the two nets and the two services, not a driver.
 *
 * The clock is ours: nanoseconds from the TSC (default) or a counter that
 * advances a fixed step per loop iteration (deterministic, for the smoke
 * test). lib/tcp never reads the TSC; it gets this clock.
 *
 * Every request is 64 bytes carrying a unique id and a fixed pattern; the
 * server checks it and answers 64 bytes derived from the id; the client
 * checks the answer belongs to its request. The run fails (exit 1) on any
 * mismatch, any abnormal close, any retransmission, reset or drop, or any
 * connection or mbuf not returned by the end.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ptg_net.h"
#include "ptg_service.h"
#include "ptg_stack.h"
#include "ptg_tcp.h"

#define MSG_LEN 64u                    /* request and response size */
#define SERVER_PORT 8080
#define RESP_PAD_MAX 65536u           /* --resp-pad bound */
#define RESP_XOR UINT64_C(0x5a5aa5a5c3c33c3c)
#define SEC_NS UINT64_C(1000000000)
#define MS_NS UINT64_C(1000000)
#define CLOCK_BASE_NS SEC_NS         /* the engines' epoch is 1 s */
#define STALL_NS (5 * SEC_NS)        /* virtual time without progress */
#define DRAIN_STEP_NS MS_NS
#define SETTLE_ITERS 64
#define LINK_MIN_CAP 4096u             /* frames one link can hold, ... */
#define LINK_CAP_PER_CONN 8u           /* ... or this many per connection */
#define EPHEMERAL_PORTS 16384u         /* the engine's range, 49152-65535 */
#define CONNECT_RETRY_NS (UINT64_C(1) << 20) /* one engine timer tick */
#define POOL_CACHE 256

enum mode {
	MODE_LIFECYCLE = 1,
	MODE_KEEPALIVE = 2,
	MODE_BOTH = 3,
};

/* How the client ends a connection once its last response is in. */
enum close_style {
	CLOSE_LOOP = 0,   /* ptg_close() from the loop, after on_data */
	CLOSE_CALLBACK,   /* ptg_close() inside on_data */
	CLOSE_SHUTDOWN,   /* ptg_shutdown() in on_data, ptg_close() in on_fin */
};

struct options {
	unsigned int modes;            /* MODE_* bits */
	uint32_t conns;                /* concurrent connections */
	uint64_t connections;          /* lifecycle: connections to complete */
	uint64_t requests;             /* keep-alive: requests to complete */
	uint64_t msl_ns;               /* TIME-WAIT is 2 * msl_ns */
	uint32_t max_conns;            /* per engine table size */
	uint64_t step_ns;              /* 0: TSC clock; else ns per iteration */
	uint16_t burst;                /* frames per ptg_stack_rx() call */
	uint32_t mbufs;                /* per net mempool */
	int csum_offload;
	uint32_t zerocopy_min;         /* tcp.tx_zerocopy_min, chained TX */
	uint32_t resp_pad;             /* bytes the server sends before
					  each response */
	enum close_style close_style;
};

/* The clock handed to both engines. */
struct bclock {
	uint64_t step_ns;
	uint64_t virt;                 /* step mode: iterations * step */
	uint64_t tsc0;
	uint64_t mult;                 /* ns per cycle << 32 */
	uint64_t offset;               /* jumps made while draining */
};

/* One direction of the wire: frames waiting for the other net. */
struct link {
	struct rte_mbuf **q, **spare;
	uint32_t n, cap;
	uint64_t frames;               /* delivered */
	uint64_t overflow;             /* freed because q was full */
};

/* One side: net + engine + the link its frames leave on. */
struct side {
	const char *name;
	struct rte_mempool *mp;
	struct ptg_stack *stack;       /* net + engine, driven by pump() */
	struct ptg_net *net;           /* ptg_stack_net(stack) */
	struct ptg_tcp *tcp;           /* ptg_stack_tcp(stack) */
	struct link out;
	unsigned int pool_base;        /* in-use mbufs before the run */
};

enum slot_state {
	SLOT_FREE = 0,
	SLOT_CONNECTING,
	SLOT_WAITING,                  /* request sent, response expected */
	SLOT_CLOSING,                  /* done; ptg_close() issued or due */
};

/* A client connection slot (one per concurrent connection). */
struct slot {
	struct bench *b;
	struct ptg_conn *c;
	uint64_t id;                   /* id of the request in flight */
	uint32_t pad_left;             /* padding still to skip */
	uint32_t fill;
	uint8_t state;
	uint8_t want_close;
	uint8_t buf[MSG_LEN];
};

/* A server connection's partial request. */
struct srv_conn {
	struct srv_conn *next_free;
	uint32_t fill;
	uint8_t buf[MSG_LEN];
};

/* Service callbacks, to say which one came after on_close. */
enum cb_kind {
	CB_SRV_DATA, CB_SRV_FIN, CB_SRV_CLOSE,
	CB_CLI_WRITABLE, CB_CLI_DATA, CB_CLI_FIN, CB_CLI_CLOSE,
	CB_NB
};

static const char *const cb_names[CB_NB] = {
	"server on_data", "server on_fin", "server on_close",
	"client on_writable", "client on_data", "client on_fin",
	"client on_close",
};

/* Application-level counters; each is checked at the end. */
struct app_stats {
	uint64_t opened, connect_busy, connect_fail;
	uint64_t req_sent, resp_ok, resp_bad, resp_bytes;
	uint64_t closed_normal, closed_abnormal;
	uint64_t close_reason[PTG_CLOSE_SHUTDOWN + 1];
	uint64_t send_short, unexpected_data, peer_fin_early;
	uint64_t srv_accepted, srv_req_ok, srv_req_bad, srv_req_bytes;
	uint64_t srv_send_short, srv_closed_normal, srv_closed_abnormal;
	uint64_t srv_no_state;
	uint64_t cb_after_close[CB_NB]; /* a callback for a closed handle */
	uint64_t close_error;          /* ptg_close/ptg_shutdown != 0 */
};

struct bench {
	const struct options *opt;
	enum mode mode;
	struct bclock clk;
	struct side cli, srv;
	uint64_t target;               /* connections or requests to complete */
	uint64_t next_id;
	struct slot *slots;
	uint32_t *free_slots, nb_free;
	uint32_t *close_list, nb_close;
	struct srv_conn *srv_mem, *srv_free;
	struct app_stats st;
	uint64_t iterations;
	uint64_t connect_retry_at;     /* after EADDRINUSE: engine time */
	int failed;
};

static uint8_t req_tmpl[MSG_LEN], resp_tmpl[MSG_LEN];
static uint8_t resp_pad[RESP_PAD_MAX];

/* ------------------------------------------------------------------------
 * Messages
 */

static void
tmpl_init(void)
{
	for (unsigned int i = 0; i < MSG_LEN; i++) {
		req_tmpl[i] = (uint8_t)(0x20 + (i * 7) % 95);
		resp_tmpl[i] = (uint8_t)(0x7e - (i * 5) % 95);
	}
}

static void
msg_make(uint8_t *p, const uint8_t *tmpl, uint64_t id)
{
	memcpy(p, tmpl, MSG_LEN);
	memcpy(p, &id, sizeof(id));
}

/* Returns 0 and the id if @p p is @p tmpl with an id in front. */
static int
msg_check(const uint8_t *p, const uint8_t *tmpl, uint64_t *id)
{
	if (memcmp(p + sizeof(*id), tmpl + sizeof(*id),
		   MSG_LEN - sizeof(*id)) != 0)
		return -1;
	memcpy(id, p, sizeof(*id));
	return 0;
}

/* ------------------------------------------------------------------------
 * Clock
 */

static void
clock_init(struct bclock *k, uint64_t step_ns)
{
	memset(k, 0, sizeof(*k));
	k->step_ns = step_ns;
	k->mult = (uint64_t)(((unsigned __int128)SEC_NS << 32) /
			     rte_get_tsc_hz());
	k->tsc0 = rte_rdtsc();
}

static inline uint64_t
clock_now(struct bclock *k)
{
	uint64_t ns;

	if (k->step_ns != 0) {
		k->virt += k->step_ns;
		ns = k->virt;
	} else {
		ns = (uint64_t)(((unsigned __int128)(rte_rdtsc() - k->tsc0) *
				 k->mult) >> 32);
	}
	return CLOCK_BASE_NS + ns + k->offset;
}

/* ------------------------------------------------------------------------
 * Wire
 */

static uint16_t
wire_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct link *l = arg;
	uint16_t i, take = n;

	if (unlikely(l->n + n > l->cap))
		take = (uint16_t)(l->cap - l->n);
	for (i = 0; i < take; i++)
		l->q[l->n++] = pkts[i];
	for (; i < n; i++) {
		rte_pktmbuf_free(pkts[i]);
		l->overflow++;
	}
	return take;
}

/* Hand everything queued on @p l to @p dst, as a NIC RX burst would. */
static uint32_t
link_deliver(struct link *l, struct side *dst, uint16_t burst, int offload,
	     uint64_t now)
{
	struct rte_mbuf **pkts = l->q;
	uint64_t rx_flags = offload ?
		(RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD) : 0;
	uint32_t n = l->n, i;

	if (n == 0)
		return 0;
	l->q = l->spare;
	l->spare = pkts;
	l->n = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		/* What a PMD hands up: no TX requests, fresh RX metadata. */
		m->ol_flags = (m->ol_flags &
			       (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) |
			      rx_flags;
		m->tx_offload = 0;
		m->packet_type = 0;
		m->port = ptg_net_config(dst->net)->port_id;
	}
	for (i = 0; i < n; i += burst)
		ptg_stack_rx(dst->stack, pkts + i,
			     (uint16_t)RTE_MIN((uint32_t)burst, n - i), now);
	l->frames += n;
	return n;
}

static void
link_free(struct link *l)
{
	if (l->q != NULL)
		for (uint32_t i = 0; i < l->n; i++)
			rte_pktmbuf_free(l->q[i]);
	free(l->q);
	free(l->spare);
	l->q = l->spare = NULL;
	l->n = 0;
}

/* ------------------------------------------------------------------------
 * Server service: check each 64-byte request, answer 64 bytes.
 */

static int
srv_on_accept(struct ptg_conn *c)
{
	struct bench *b = ptg_conn_service_ctx(c);
	struct srv_conn *s = b->srv_free;

	if (s == NULL) {
		b->st.srv_no_state++;
		return -1; /* reset: counted, and the run fails */
	}
	b->srv_free = s->next_free;
	s->next_free = NULL;
	s->fill = 0;
	ptg_conn_set_ctx(c, s);
	b->st.srv_accepted++;
	return 0;
}

static void
srv_answer(struct bench *b, struct ptg_conn *c, const uint8_t *req)
{
	uint8_t resp[MSG_LEN];
	uint64_t id;
	ssize_t n;

	if (msg_check(req, req_tmpl, &id) != 0) {
		b->st.srv_req_bad++;
		return;
	}
	b->st.srv_req_ok++;
	msg_make(resp, resp_tmpl, id ^ RESP_XOR);
	if (b->opt->resp_pad > 0 &&
	    ptg_send(c, resp_pad, b->opt->resp_pad) != (ssize_t)b->opt->resp_pad)
		b->st.srv_send_short++;
	n = ptg_send(c, resp, MSG_LEN);
	if (n != (ssize_t)MSG_LEN)
		b->st.srv_send_short++;
}

static size_t
srv_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct bench *b = ptg_conn_service_ctx(c);
	struct srv_conn *s = ptg_conn_ctx(c);
	const uint8_t *p = data;
	size_t left = len;

	if (s == NULL) {
		b->st.cb_after_close[CB_SRV_DATA]++;
		return len;
	}
	b->st.srv_req_bytes += len;
	while (left > 0) {
		if (s->fill == 0 && left >= MSG_LEN) {
			srv_answer(b, c, p);
			p += MSG_LEN;
			left -= MSG_LEN;
			continue;
		}
		uint32_t k = (uint32_t)RTE_MIN(left, (size_t)(MSG_LEN - s->fill));

		memcpy(s->buf + s->fill, p, k);
		s->fill += k;
		p += k;
		left -= k;
		if (s->fill == MSG_LEN) {
			srv_answer(b, c, s->buf);
			s->fill = 0;
		}
	}
	return len;
}

static void
srv_on_fin(struct ptg_conn *c)
{
	struct bench *b = ptg_conn_service_ctx(c);

	if (ptg_conn_ctx(c) == NULL) {
		b->st.cb_after_close[CB_SRV_FIN]++;
		return;
	}
	ptg_close(c);
}

static void
srv_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct bench *b = ptg_conn_service_ctx(c);
	struct srv_conn *s = ptg_conn_ctx(c);

	if (s == NULL) {
		b->st.cb_after_close[CB_SRV_CLOSE]++;
		return;
	}
	if (reason == PTG_CLOSE_NORMAL && s->fill == 0)
		b->st.srv_closed_normal++;
	else
		b->st.srv_closed_abnormal++;
	s->next_free = b->srv_free;
	b->srv_free = s;
	ptg_conn_set_ctx(c, NULL);
}

static const struct ptg_conn_ops srv_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = srv_on_accept,
	.on_data = srv_on_data,
	.on_fin = srv_on_fin,
	.on_close = srv_on_close,
};

/* ------------------------------------------------------------------------
 * Client service: one request in flight per connection.
 */

static void
cli_send_request(struct slot *s)
{
	struct bench *b = s->b;
	uint8_t req[MSG_LEN];
	ssize_t n;

	s->id = ++b->next_id;
	s->fill = 0;
	s->pad_left = b->opt->resp_pad;
	s->state = SLOT_WAITING;
	msg_make(req, req_tmpl, s->id);
	b->st.req_sent++;
	n = ptg_send(s->c, req, MSG_LEN);
	if (n != (ssize_t)MSG_LEN)
		b->st.send_short++;
}

static void
cli_done(struct slot *s)
{
	struct bench *b = s->b;

	s->state = SLOT_CLOSING;
	switch (b->opt->close_style) {
	case CLOSE_CALLBACK:
		if (ptg_close(s->c) != 0)
			b->st.close_error++;
		return;
	case CLOSE_SHUTDOWN:
		if (ptg_shutdown(s->c) != 0)
			b->st.close_error++;
		return;
	case CLOSE_LOOP:
		break;
	}
	/* Closed from the loop, once on_data has returned. */
	s->want_close = 1;
	b->close_list[b->nb_close++] = (uint32_t)(s - b->slots);
}

static void
cli_on_writable(struct ptg_conn *c)
{
	struct slot *s = ptg_conn_ctx(c);

	if (s == NULL) {
		((struct bench *)ptg_conn_service_ctx(c))->st.cb_after_close[CB_CLI_WRITABLE]++;
		return;
	}
	if (s->state != SLOT_CONNECTING)
		return;
	if (s->b->st.req_sent < s->b->target)
		cli_send_request(s);
	else
		cli_done(s);
}

static void
cli_response(struct slot *s, const uint8_t *p)
{
	struct bench *b = s->b;
	uint64_t id;

	if (msg_check(p, resp_tmpl, &id) != 0 || (id ^ RESP_XOR) != s->id) {
		b->st.resp_bad++;
		cli_done(s);
		return;
	}
	b->st.resp_ok++;
	if (b->mode == MODE_KEEPALIVE && b->st.req_sent < b->target)
		cli_send_request(s);
	else
		cli_done(s);
}

static size_t
cli_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct slot *s = ptg_conn_ctx(c);
	const uint8_t *p = data;
	size_t left = len;
	struct bench *b;

	if (s == NULL) {
		((struct bench *)ptg_conn_service_ctx(c))->st.cb_after_close[CB_CLI_DATA]++;
		return len;
	}
	b = s->b;
	b->st.resp_bytes += len;
	while (left > 0) {
		if (s->state != SLOT_WAITING) {
			b->st.unexpected_data++;
			return len;
		}
		if (s->pad_left > 0) {
			uint32_t k = (uint32_t)RTE_MIN(left, (size_t)s->pad_left);

			s->pad_left -= k;
			p += k;
			left -= k;
			continue;
		}
		if (s->fill == 0 && left >= MSG_LEN) {
			cli_response(s, p);
			p += MSG_LEN;
			left -= MSG_LEN;
			continue;
		}
		uint32_t k = (uint32_t)RTE_MIN(left, (size_t)(MSG_LEN - s->fill));

		memcpy(s->buf + s->fill, p, k);
		s->fill += k;
		p += k;
		left -= k;
		if (s->fill == MSG_LEN) {
			s->fill = 0;
			cli_response(s, s->buf);
		}
	}
	return len;
}

static void
cli_on_fin(struct ptg_conn *c)
{
	struct slot *s = ptg_conn_ctx(c);
	struct bench *b = ptg_conn_service_ctx(c);

	if (s == NULL) {
		b->st.cb_after_close[CB_CLI_FIN]++;
		return;
	}
	/* The server closes only after we did: a FIN before is wrong. */
	if (s->state != SLOT_CLOSING)
		b->st.peer_fin_early++;
	else if (b->opt->close_style == CLOSE_SHUTDOWN && ptg_close(c) != 0)
		b->st.close_error++;
}

static void
cli_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct slot *s = ptg_conn_ctx(c);
	struct bench *b = ptg_conn_service_ctx(c);

	if (s == NULL) {
		b->st.cb_after_close[CB_CLI_CLOSE]++;
		return;
	}
	if (reason <= PTG_CLOSE_SHUTDOWN)
		b->st.close_reason[reason]++;
	if (reason == PTG_CLOSE_NORMAL && s->state == SLOT_CLOSING)
		b->st.closed_normal++;
	else
		b->st.closed_abnormal++;
	ptg_conn_set_ctx(c, NULL);
	s->c = NULL;
	s->state = SLOT_FREE;
	s->want_close = 0;
	b->free_slots[b->nb_free++] = (uint32_t)(s - b->slots);
}

static const struct ptg_conn_ops cli_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_data = cli_on_data,
	.on_writable = cli_on_writable,
	.on_fin = cli_on_fin,
	.on_close = cli_on_close,
};

/* ------------------------------------------------------------------------
 * Set-up and tear-down
 */

static const struct rte_ether_addr mac_cli = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr mac_srv = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
/* RTE_IPV4() shifts an int into the sign bit for 198.x (UB): spell it out. */
#define IP4(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
				 ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IP_CLI IP4(198, 18, 0, 1)
#define IP_SRV IP4(198, 18, 0, 2)

static int
side_create(struct side *sd, const char *name, const struct rte_ether_addr *mac,
	    rte_be32_t addr, uint16_t port_id, struct link *peer_in,
	    const struct options *opt)
{
	struct ptg_stack_config sc;
	char pname[RTE_MEMPOOL_NAMESIZE];
	static unsigned int seq;

	sd->name = name;
	snprintf(pname, sizeof(pname), "bench_%s_%u", name, seq++);
	sd->mp = rte_pktmbuf_pool_create(pname, opt->mbufs, POOL_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE,
					 (int)rte_socket_id());
	if (sd->mp == NULL) {
		fprintf(stderr, "mempool %s: %s\n", pname,
			rte_strerror(rte_errno));
		return -1;
	}
	ptg_stack_config_default(&sc);
	sc.net.mac = *mac;
	sc.net.addr = addr;
	sc.net.prefix_len = 24;
	sc.net.mtu = 1500;
	sc.net.port_id = port_id;
	if (opt->csum_offload)
		sc.net.offloads = PTG_NET_OFF_RX_IPV4_CKSUM |
				  PTG_NET_OFF_RX_L4_CKSUM |
				  PTG_NET_OFF_TX_IPV4_CKSUM |
				  PTG_NET_OFF_TX_TCP_CKSUM;
	if (opt->zerocopy_min != 0)
		sc.net.offloads |= PTG_NET_OFF_TX_MULTI_SEGS;
	sc.tcp.tx_zerocopy_min = opt->zerocopy_min;
	sc.net.tx = wire_tx;
	sc.net.tx_arg = peer_in;
	sc.tcp.max_conns = opt->max_conns;
	sc.tcp.msl_ns = opt->msl_ns;
	sc.mp = sd->mp;
	sc.socket = (int)rte_socket_id();
	sd->stack = ptg_stack_create(&sc);
	if (sd->stack == NULL) {
		fprintf(stderr, "%s: ptg_stack_create: %s\n", name,
			rte_strerror(rte_errno));
		return -1;
	}
	sd->net = ptg_stack_net(sd->stack);
	sd->tcp = ptg_stack_tcp(sd->stack);
	return 0;
}

static void
side_free(struct side *sd)
{
	ptg_stack_free(sd->stack);
	link_free(&sd->out);
	rte_mempool_free(sd->mp);
	memset(sd, 0, sizeof(*sd));
}

static int
link_init(struct link *l, uint32_t conns)
{
	memset(l, 0, sizeof(*l));
	l->cap = RTE_MAX(LINK_MIN_CAP, conns * LINK_CAP_PER_CONN);
	l->q = calloc(l->cap, sizeof(*l->q));
	l->spare = calloc(l->cap, sizeof(*l->spare));
	return l->q != NULL && l->spare != NULL ? 0 : -1;
}

/* One turn of the wire: both directions delivered, both engines polled. */
static uint32_t
pump(struct bench *b, uint64_t now)
{
	const struct options *o = b->opt;
	uint32_t moved;

	moved = link_deliver(&b->cli.out, &b->srv, o->burst, o->csum_offload,
			     now);
	moved += link_deliver(&b->srv.out, &b->cli, o->burst, o->csum_offload,
			      now);
	ptg_stack_poll(b->srv.stack, now);
	ptg_stack_poll(b->cli.stack, now);
	return moved;
}

static void
flush(struct bench *b)
{
	ptg_stack_flush(b->srv.stack);
	ptg_stack_flush(b->cli.stack);
}

/*
 * Resolve both neighbours before the run: the client asks (RFC 826
 * request, broadcast), the server learns the client from it and replies,
 * the client learns the server from the reply. Without this the first
 * burst of SYNs would wait in the ARP queue (8 frames per hop).
 */
static int
arp_seed(struct bench *b)
{
	const uint16_t len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
	struct rte_mbuf *m = rte_pktmbuf_alloc(b->cli.mp);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	char *p;
	uint64_t now;

	if (m == NULL)
		return -1;
	p = rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memset(p, 0, len);
	eh = (struct rte_ether_hdr *)p;
	memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	eh->src_addr = mac_cli;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(rte_be32_t);
	ah->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	ah->arp_data.arp_sha = mac_cli;
	ah->arp_data.arp_sip = IP_CLI;
	ah->arp_data.arp_tip = IP_SRV;
	b->cli.out.q[b->cli.out.n++] = m;
	for (int i = 0; i < 4; i++) {
		now = clock_now(&b->clk);
		pump(b, now);
		flush(b);
	}
	if (ptg_net_arp_count(b->cli.net) != 1 ||
	    ptg_net_arp_count(b->srv.net) != 1) {
		fprintf(stderr, "ARP seed failed: client %u, server %u entries\n",
			ptg_net_arp_count(b->cli.net),
			ptg_net_arp_count(b->srv.net));
		return -1;
	}
	return 0;
}

static void
bench_free(struct bench *b)
{
	side_free(&b->cli);
	side_free(&b->srv);
	free(b->slots);
	free(b->free_slots);
	free(b->close_list);
	free(b->srv_mem);
}

static int
bench_init(struct bench *b, const struct options *opt, enum mode mode)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	b->opt = opt;
	b->mode = mode;
	b->target = mode == MODE_LIFECYCLE ? opt->connections : opt->requests;
	clock_init(&b->clk, opt->step_ns);
	if (link_init(&b->cli.out, opt->conns) != 0 ||
	    link_init(&b->srv.out, opt->conns) != 0)
		goto nomem;
	if (side_create(&b->cli, "client", &mac_cli, IP_CLI, 0, &b->cli.out,
			opt) != 0 ||
	    side_create(&b->srv, "server", &mac_srv, IP_SRV, 1, &b->srv.out,
			opt) != 0)
		return -1;
	b->slots = calloc(opt->conns, sizeof(*b->slots));
	b->free_slots = calloc(opt->conns, sizeof(*b->free_slots));
	b->close_list = calloc(opt->conns, sizeof(*b->close_list));
	b->srv_mem = calloc(opt->max_conns, sizeof(*b->srv_mem));
	if (b->slots == NULL || b->free_slots == NULL ||
	    b->close_list == NULL || b->srv_mem == NULL)
		goto nomem;
	/* Pop order 0, 1, 2...: the free list is a stack. */
	for (i = 0; i < opt->conns; i++) {
		b->slots[i].b = b;
		b->free_slots[i] = opt->conns - 1 - i;
	}
	b->nb_free = opt->conns;
	for (i = 0; i < opt->max_conns; i++) {
		b->srv_mem[i].next_free = b->srv_free;
		b->srv_free = &b->srv_mem[i];
	}
	if (ptg_tcp_listen(b->srv.tcp, SERVER_PORT, &srv_ops, b, 0) != 0) {
		fprintf(stderr, "ptg_tcp_listen(%d) failed\n", SERVER_PORT);
		return -1;
	}
	if (arp_seed(b) != 0)
		return -1;
	b->cli.pool_base = rte_mempool_in_use_count(b->cli.mp);
	b->srv.pool_base = rte_mempool_in_use_count(b->srv.mp);
	return 0;
nomem:
	fprintf(stderr, "out of memory\n");
	return -1;
}

/* ------------------------------------------------------------------------
 * The run
 */

static void
close_deferred(struct bench *b)
{
	for (uint32_t i = 0; i < b->nb_close; i++) {
		struct slot *s = &b->slots[b->close_list[i]];

		if (!s->want_close || s->c == NULL)
			continue; /* on_close came first (a reset) */
		s->want_close = 0;
		if (ptg_close(s->c) != 0)
			b->st.close_error++;
	}
	b->nb_close = 0;
}

/* Keep the client at its concurrency: open while slots are free. */
static void
refill(struct bench *b, uint64_t now)
{
	/* Lifecycle: one connection per request; keep-alive: conns total. */
	uint64_t want = b->mode == MODE_LIFECYCLE ? b->target :
			RTE_MIN(b->target, (uint64_t)b->opt->conns);

	if (now < b->connect_retry_at)
		return;
	while (b->nb_free > 0 && b->st.opened < want) {
		struct slot *s = &b->slots[b->free_slots[b->nb_free - 1]];
		struct ptg_conn *c;

		c = ptg_connect(b->cli.tcp, IP_SRV, SERVER_PORT, 0, &cli_ops, b,
				now);
		if (c == NULL) {
			if (rte_errno == EADDRINUSE) {
				/* Every ephemeral port is in TIME-WAIT (the
				 * engine scanned all 16384 to say so). They
				 * expire on timer ticks (2^20 ns): retry on the
				 * next one. */
				b->st.connect_busy++;
				b->connect_retry_at = now + CONNECT_RETRY_NS;
			} else {
				b->st.connect_fail++;
				fprintf(stderr, "ptg_connect: %s\n",
					rte_strerror(rte_errno));
				b->failed = 1;
			}
			return;
		}
		b->nb_free--;
		s->c = c;
		s->state = SLOT_CONNECTING;
		s->fill = 0;
		s->want_close = 0;
		ptg_conn_set_ctx(c, s);
		b->st.opened++;
	}
}

static int
run_done(const struct bench *b)
{
	uint64_t closed = b->st.closed_normal + b->st.closed_abnormal;
	uint64_t want = b->mode == MODE_LIFECYCLE ? b->target :
			RTE_MIN(b->target, (uint64_t)b->opt->conns);

	return closed >= want && b->st.opened >= want;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * SEC_NS + (uint64_t)ts.tv_nsec;
}

/* Returns the TSC cycles the run took; *cpu_ns the CPU time the thread
 * got meanwhile (less than the wall time when the core is shared).
 * Never inlined: profilers select the timed region by this name
 * (valgrind --toggle-collect=run_loop). */
static __rte_noinline uint64_t
run_loop(struct bench *b, uint64_t *cpu_ns)
{
	uint64_t t0, t1, c0, now, last_progress, last_done = 0;

	now = clock_now(&b->clk);
	last_progress = now;
	c0 = thread_cpu_ns();
	t0 = rte_rdtsc();
	while (!run_done(b) && !b->failed) {
		uint64_t done;
		uint32_t moved;

		now = clock_now(&b->clk);
		moved = pump(b, now);
		close_deferred(b);
		refill(b, now);
		flush(b);
		b->iterations++;
		done = b->st.resp_ok + b->st.closed_normal;
		if (moved != 0 || done != last_done) {
			last_progress = now;
			last_done = done;
		} else if (now - last_progress > STALL_NS) {
			fprintf(stderr, "stalled: no frame and no completion for "
				"%" PRIu64 " ms of engine time\n",
				STALL_NS / MS_NS);
			b->failed = 1;
		}
	}
	t1 = rte_rdtsc();
	*cpu_ns = thread_cpu_ns() - c0;
	return t1 - t0;
}

/* Deliver what is in flight without moving the clock on. */
static void
settle(struct bench *b)
{
	for (int i = 0; i < SETTLE_ITERS; i++) {
		uint64_t now = clock_now(&b->clk);

		pump(b, now);
		close_deferred(b);
		flush(b);
	}
}

/* Move the clock past TIME-WAIT (and any timer left) until both tables
 * are empty. Returns the engine time it took, in ns. */
static uint64_t
drain(struct bench *b)
{
	uint64_t limit = 2 * b->opt->msl_ns + 200 * MS_NS, spent = 0;

	while ((ptg_tcp_conn_count(b->cli.tcp) != 0 ||
		ptg_tcp_conn_count(b->srv.tcp) != 0 ||
		b->cli.out.n != 0 || b->srv.out.n != 0) && spent < limit) {
		b->clk.offset += DRAIN_STEP_NS;
		spent += DRAIN_STEP_NS;
		pump(b, clock_now(&b->clk));
		close_deferred(b);
		flush(b);
	}
	return spent;
}

/* ------------------------------------------------------------------------
 * Checks and report
 */

static int
fail(struct bench *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  FAIL: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	b->failed = 1;
	return -1;
}

#define EXPECT_EQ(b, what, got, want) do { \
	uint64_t g_ = (got), w_ = (want); \
	if (g_ != w_) \
		fail(b, "%s = %" PRIu64 ", expected %" PRIu64, what, g_, w_); \
} while (0)

/* TCP counters that must stay 0 on a lossless, in-order wire. */
static int
tcp_stat_must_be_zero(const char *name)
{
	static const char *const zero[] = {
		"conn_reset_rx", "conn_reset_tx", "conn_timeout",
		"rst_no_listener", "retransmits", "rto_fired",
		"fast_retransmits", "sack_retransmits", "tlp_probes",
		"dup_acks", "ooo_segs", "ooo_bytes", "zero_window_probes",
		"keepalive_probes", "synq_overflow", "synack_retrans",
		"synq_expired", "acceptq_overflow", "syncookies_sent",
		"syncookies_bad", "challenge_acks", "challenge_ack_limited",
		"timewait_reuse",
	};

	if (strncmp(name, "drop_", 5) == 0)
		return 1;
	for (size_t i = 0; i < RTE_DIM(zero); i++)
		if (strcmp(name, zero[i]) == 0)
			return 1;
	return 0;
}

static uint64_t
tcp_stat(const struct ptg_tcp *tcp, const char *name)
{
	const uint64_t *v = (const uint64_t *)ptg_tcp_stats(tcp);

	for (unsigned int i = 0; i < PTG_TCP_NB_STATS; i++)
		if (strcmp(ptg_tcp_stat_name(i), name) == 0)
			return v[i];
	return UINT64_MAX;
}

static void
check_invariants(struct bench *b)
{
	const struct app_stats *st = &b->st;
	uint64_t conns = b->mode == MODE_LIFECYCLE ? b->target :
			 RTE_MIN(b->target, (uint64_t)b->opt->conns);
	uint64_t reqs = b->target;
	const uint64_t resp_len = MSG_LEN + b->opt->resp_pad;
	const struct side *sides[2] = { &b->cli, &b->srv };

	/* Application level: every byte accounted for. */
	EXPECT_EQ(b, "connections opened", st->opened, conns);
	EXPECT_EQ(b, "connect failures", st->connect_fail, 0);
	EXPECT_EQ(b, "requests sent", st->req_sent, reqs);
	EXPECT_EQ(b, "server requests ok", st->srv_req_ok, reqs);
	EXPECT_EQ(b, "server requests bad", st->srv_req_bad, 0);
	EXPECT_EQ(b, "server request bytes", st->srv_req_bytes, reqs * MSG_LEN);
	EXPECT_EQ(b, "responses ok", st->resp_ok, reqs);
	EXPECT_EQ(b, "responses bad", st->resp_bad, 0);
	EXPECT_EQ(b, "response bytes", st->resp_bytes, reqs * resp_len);
	EXPECT_EQ(b, "short sends (client)", st->send_short, 0);
	EXPECT_EQ(b, "short sends (server)", st->srv_send_short, 0);
	EXPECT_EQ(b, "unexpected data", st->unexpected_data, 0);
	EXPECT_EQ(b, "server FIN before the client's", st->peer_fin_early, 0);
	for (int k = 0; k < CB_NB; k++) {
		char what[64];

		snprintf(what, sizeof(what), "%s after on_close", cb_names[k]);
		EXPECT_EQ(b, what, st->cb_after_close[k], 0);
	}
	EXPECT_EQ(b, "ptg_close/ptg_shutdown errors", st->close_error, 0);
	EXPECT_EQ(b, "client normal closes", st->closed_normal, conns);
	EXPECT_EQ(b, "client abnormal closes", st->closed_abnormal, 0);
	EXPECT_EQ(b, "server accepted", st->srv_accepted, conns);
	EXPECT_EQ(b, "server normal closes", st->srv_closed_normal, conns);
	EXPECT_EQ(b, "server abnormal closes", st->srv_closed_abnormal, 0);
	EXPECT_EQ(b, "server out of state", st->srv_no_state, 0);

	/* Engine level: the same story from the counters. */
	EXPECT_EQ(b, "client active_opens", tcp_stat(b->cli.tcp, "active_opens"),
		  conns);
	EXPECT_EQ(b, "server passive_opens",
		  tcp_stat(b->srv.tcp, "passive_opens"), conns);
	EXPECT_EQ(b, "client established", tcp_stat(b->cli.tcp, "established"),
		  conns);
	EXPECT_EQ(b, "server established", tcp_stat(b->srv.tcp, "established"),
		  conns);
	EXPECT_EQ(b, "server accepted", tcp_stat(b->srv.tcp, "accepted"), conns);
	EXPECT_EQ(b, "client tx_bytes", tcp_stat(b->cli.tcp, "tx_bytes"),
		  reqs * MSG_LEN);
	EXPECT_EQ(b, "server rx_bytes", tcp_stat(b->srv.tcp, "rx_bytes"),
		  reqs * MSG_LEN);
	EXPECT_EQ(b, "server tx_bytes", tcp_stat(b->srv.tcp, "tx_bytes"),
		  reqs * resp_len);
	EXPECT_EQ(b, "client rx_bytes", tcp_stat(b->cli.tcp, "rx_bytes"),
		  reqs * resp_len);
	/* The client closes first, so it alone holds TIME-WAIT. */
	EXPECT_EQ(b, "client timewait_expired",
		  tcp_stat(b->cli.tcp, "timewait_expired"), conns);
	EXPECT_EQ(b, "server timewait_expired",
		  tcp_stat(b->srv.tcp, "timewait_expired"), 0);

	for (int k = 0; k < 2; k++) {
		const struct side *sd = sides[k];
		const uint64_t *tv = (const uint64_t *)ptg_tcp_stats(sd->tcp);
		const uint64_t *nv = (const uint64_t *)ptg_net_stats(sd->net);
		char what[96];

		for (unsigned int i = 0; i < PTG_TCP_NB_STATS; i++) {
			if (tv[i] != 0 && tcp_stat_must_be_zero(ptg_tcp_stat_name(i))) {
				snprintf(what, sizeof(what), "%s tcp %s",
					 sd->name, ptg_tcp_stat_name(i));
				EXPECT_EQ(b, what, tv[i], 0);
			}
		}
		for (unsigned int i = 0; i < PTG_NET_NB_STATS; i++) {
			const char *n = ptg_net_stat_name(i);

			if (nv[i] != 0 && strncmp(n, "drop_", 5) == 0) {
				snprintf(what, sizeof(what), "%s net %s",
					 sd->name, n);
				EXPECT_EQ(b, what, nv[i], 0);
			}
		}
		snprintf(what, sizeof(what), "%s connections left",
			 sd->name);
		EXPECT_EQ(b, what, ptg_tcp_conn_count(sd->tcp), 0);
		snprintf(what, sizeof(what), "%s frames left on the wire",
			 sd->name);
		EXPECT_EQ(b, what, sd->out.n, 0);
		EXPECT_EQ(b, "wire overflow", sd->out.overflow, 0);
		snprintf(what, sizeof(what), "%s mbufs in use", sd->name);
		EXPECT_EQ(b, what, rte_mempool_in_use_count(sd->mp),
			  sd->pool_base);
	}
}

static void
print_counters(const struct bench *b)
{
	const uint64_t *cv = (const uint64_t *)ptg_tcp_stats(b->cli.tcp);
	const uint64_t *sv = (const uint64_t *)ptg_tcp_stats(b->srv.tcp);
	const uint64_t *cn = (const uint64_t *)ptg_net_stats(b->cli.net);
	const uint64_t *sn = (const uint64_t *)ptg_net_stats(b->srv.net);

	printf("  %-26s %14s %14s   (counters not shown are 0 on both)\n",
	       "counter", "client", "server");
	for (unsigned int i = 0; i < PTG_TCP_NB_STATS; i++)
		if (cv[i] != 0 || sv[i] != 0)
			printf("  tcp.%-22s %14" PRIu64 " %14" PRIu64 "\n",
			       ptg_tcp_stat_name(i), cv[i], sv[i]);
	for (unsigned int i = 0; i < PTG_NET_NB_STATS; i++)
		if (cn[i] != 0 || sn[i] != 0)
			printf("  net.%-22s %14" PRIu64 " %14" PRIu64 "\n",
			       ptg_net_stat_name(i), cn[i], sn[i]);
	printf("  %-26s %14u %14u\n", "connections left",
	       ptg_tcp_conn_count(b->cli.tcp), ptg_tcp_conn_count(b->srv.tcp));
	printf("  %-26s %14u %14u   (baseline %u / %u)\n", "mbufs in use",
	       rte_mempool_in_use_count(b->cli.mp),
	       rte_mempool_in_use_count(b->srv.mp), b->cli.pool_base,
	       b->srv.pool_base);
}

static const char *const close_style_str[] = {
	[CLOSE_LOOP] = "ptg_close() from the loop after on_data",
	[CLOSE_CALLBACK] = "ptg_close() inside on_data",
	[CLOSE_SHUTDOWN] = "ptg_shutdown() inside on_data, ptg_close() in on_fin",
};

static const char *
mode_name(enum mode m)
{
	return m == MODE_LIFECYCLE ? "lifecycle" : "keepalive";
}

static int
run_mode(const struct options *opt, enum mode mode)
{
	struct bench *b = calloc(1, sizeof(*b));
	uint64_t cycles, cpu_ns = 0, hz = rte_get_tsc_hz(), drained, conns, done;
	double secs, cpu_secs, cpu_cycles;
	int rc = 1;

	if (b == NULL || bench_init(b, opt, mode) != 0) {
		fprintf(stderr, "%s: set-up failed\n", mode_name(mode));
		goto out;
	}
	printf("mode %s: %" PRIu64 " %s, %u concurrent connections\n",
	       mode_name(mode), b->target,
	       mode == MODE_LIFECYCLE ? "connections (64 B request, 64 B "
	       "response, close)" : "requests (64 B each way, keep-alive)",
	       opt->conns);
	cycles = run_loop(b, &cpu_ns);
	settle(b);
	drained = drain(b);
	secs = (double)cycles / (double)hz;
	cpu_secs = cpu_ns != 0 ? (double)cpu_ns / 1e9 : secs;
	/* CPU cycles: the thread's CPU time at the TSC rate. On a shared
	 * core the wall-clock TSC delta also counts other tasks' slices. */
	cpu_cycles = cpu_secs * (double)hz;
	conns = mode == MODE_LIFECYCLE ? b->target :
		RTE_MIN(b->target, (uint64_t)opt->conns);
	done = mode == MODE_LIFECYCLE ? b->st.closed_normal : b->st.resp_ok;
	printf("  wall %.3f s (%" PRIu64 " TSC cycles); thread CPU time %.3f s"
	       " (%.0f%% of wall%s)\n", secs, cycles, cpu_secs,
	       100.0 * cpu_secs / secs,
	       cpu_secs < 0.9 * secs ? ": the core was shared, use the CPU"
	       " figures" : "");
	printf("  %" PRIu64 " loop iterations, %.1f frames per iteration\n",
	       b->iterations, b->iterations ?
	       (double)(b->cli.out.frames + b->srv.out.frames) /
	       (double)b->iterations : 0.0);
	printf("  RESULT %s: %.0f %s/s, %.0f cycles per %s (by CPU time);"
	       " wall clock: %.0f/s, %.0f cycles; %.0f requests/s%s\n",
	       mode_name(mode), (double)done / cpu_secs,
	       mode == MODE_LIFECYCLE ? "connections" : "requests",
	       cpu_cycles / (double)RTE_MAX(done, UINT64_C(1)),
	       mode == MODE_LIFECYCLE ? "connection" : "request",
	       (double)done / secs,
	       (double)cycles / (double)RTE_MAX(done, UINT64_C(1)),
	       (double)b->st.resp_ok / cpu_secs,
	       mode == MODE_LIFECYCLE ? " (one per connection)" : "");
	printf("  frames %" PRIu64 " client->server, %" PRIu64 " server->client"
	       " (%.2f per %s); %" PRIu64 " connections; ephemeral port busy"
	       " retries %" PRIu64 "; drained %" PRIu64 " ms of engine time"
	       " after the run\n",
	       b->cli.out.frames, b->srv.out.frames,
	       (double)(b->cli.out.frames + b->srv.out.frames) /
	       (double)RTE_MAX(done, UINT64_C(1)),
	       mode == MODE_LIFECYCLE ? "connection" : "request", conns,
	       b->st.connect_busy, drained / MS_NS);
	check_invariants(b);
	print_counters(b);
	rc = b->failed;
	printf("  %s: %s\n", mode_name(mode), rc ? "FAILED" : "ok (all invariants hold)");
out:
	if (b != NULL)
		bench_free(b);
	free(b);
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * Options and main
 */

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "  EAL defaults: --no-huge --no-shconf --no-pci -l 0 -m 256\n"
	       "  --file-prefix=ptg-bench-PID, each left out if given; with\n"
	       "  --huge-dir, hugepages and --in-memory instead of --no-huge\n"
	       "  and --no-shconf (DPDK 22.11 refuses --no-huge --in-memory)\n"
	       "options:\n"
	       "  --mode lifecycle|keepalive|both  (both)\n"
	       "  --conns N           concurrent connections, 1..16384 (64)\n"
	       "  --connections N     lifecycle: connections to complete (200000)\n"
	       "  --requests N        keepalive: requests to complete (2000000)\n"
	       "  --msl-ns NS         MSL; TIME-WAIT lasts 2*MSL (1000000)\n"
	       "  --max-conns N       connection table per engine (8192)\n"
	       "  --clock tsc|step:NS engine clock: TSC time, or NS per loop\n"
	       "                      iteration (deterministic) (tsc)\n"
	       "  --burst N           frames per ptg_stack_rx() (32)\n"
	       "  --mbufs N           mbufs per side (8191)\n"
	       "  --csum-offload      pretend the NIC does IPv4/TCP checksums\n"
	       "  --zerocopy-min N    pretend the NIC sends chained mbufs and\n"
	       "                      send payloads of N bytes and more from\n"
	       "                      the send queue's buffers (0: copy) (0)\n"
	       "  --resp-pad N        the server sends N more bytes before\n"
	       "                      each response (bulk-like answers) (0)\n"
	       "  --close loop|callback|shutdown  how the client ends a\n"
	       "                      connection after its last response:\n"
	       "                      ptg_close() from the loop once on_data\n"
	       "                      returned; ptg_close() inside on_data;\n"
	       "                      ptg_shutdown() inside on_data, then\n"
	       "                      ptg_close() in on_fin (loop)\n", prog);
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	enum { O_MODE = 256, O_CONNS, O_CONNECTIONS, O_REQUESTS, O_MSL,
	       O_MAXC, O_CLOCK, O_BURST, O_MBUFS, O_OFFLOAD, O_CLOSE, O_ZC, O_PAD, O_HELP };
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "conns", required_argument, NULL, O_CONNS },
		{ "connections", required_argument, NULL, O_CONNECTIONS },
		{ "requests", required_argument, NULL, O_REQUESTS },
		{ "msl-ns", required_argument, NULL, O_MSL },
		{ "max-conns", required_argument, NULL, O_MAXC },
		{ "clock", required_argument, NULL, O_CLOCK },
		{ "burst", required_argument, NULL, O_BURST },
		{ "mbufs", required_argument, NULL, O_MBUFS },
		{ "csum-offload", no_argument, NULL, O_OFFLOAD },
		{ "zerocopy-min", required_argument, NULL, O_ZC },
		{ "resp-pad", required_argument, NULL, O_PAD },
		{ "close", required_argument, NULL, O_CLOSE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	o->modes = MODE_BOTH;
	o->conns = 64;
	o->connections = 200000;
	o->requests = 2000000;
	o->msl_ns = MS_NS;
	o->max_conns = 8192;
	o->step_ns = 0;
	o->burst = 32;
	o->mbufs = 8191;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char *a = optarg;
		const char *bad = NULL;

		switch (c) {
		case O_MODE:
			if (strcmp(a, "lifecycle") == 0)
				o->modes = MODE_LIFECYCLE;
			else if (strcmp(a, "keepalive") == 0)
				o->modes = MODE_KEEPALIVE;
			else if (strcmp(a, "both") == 0)
				o->modes = MODE_BOTH;
			else
				bad = "--mode";
			break;
		case O_CONNS:
			if (parse_u64(a, 1, EPHEMERAL_PORTS, &v) == 0)
				o->conns = (uint32_t)v;
			else
				bad = "--conns";
			break;
		case O_CONNECTIONS:
			if (parse_u64(a, 1, UINT64_MAX / MSG_LEN, &o->connections))
				bad = "--connections";
			break;
		case O_REQUESTS:
			if (parse_u64(a, 1, UINT64_MAX / MSG_LEN, &o->requests))
				bad = "--requests";
			break;
		case O_MSL:
			if (parse_u64(a, 1, 60 * SEC_NS, &o->msl_ns))
				bad = "--msl-ns";
			break;
		case O_MAXC:
			if (parse_u64(a, 8, 1u << 24, &v) == 0)
				o->max_conns = (uint32_t)v;
			else
				bad = "--max-conns";
			break;
		case O_CLOCK:
			if (strcmp(a, "tsc") == 0)
				o->step_ns = 0;
			else if (strncmp(a, "step:", 5) != 0 ||
				 parse_u64(a + 5, 1, SEC_NS, &o->step_ns))
				bad = "--clock";
			break;
		case O_BURST:
			if (parse_u64(a, 1, 1024, &v) == 0)
				o->burst = (uint16_t)v;
			else
				bad = "--burst";
			break;
		case O_MBUFS:
			if (parse_u64(a, 1023, 1u << 24, &v) == 0)
				o->mbufs = (uint32_t)v;
			else
				bad = "--mbufs";
			break;
		case O_PAD:
			if (parse_u64(a, 0, RESP_PAD_MAX, &v) != 0)
				bad = "--resp-pad";
			else
				o->resp_pad = (uint32_t)v;
			break;
		case O_ZC:
			if (parse_u64(a, 0, 65535, &v) != 0)
				bad = "--zerocopy-min";
			else
				o->zerocopy_min = (uint32_t)v;
			break;
		case O_OFFLOAD:
			o->csum_offload = 1;
			break;
		case O_CLOSE:
			if (strcmp(a, "loop") == 0)
				o->close_style = CLOSE_LOOP;
			else if (strcmp(a, "callback") == 0)
				o->close_style = CLOSE_CALLBACK;
			else if (strcmp(a, "shutdown") == 0)
				o->close_style = CLOSE_SHUTDOWN;
			else
				bad = "--close";
			break;
		case O_HELP:
			usage(argv[0]);
			exit(0);
		default:
			fprintf(stderr, "unknown option or missing value: %s\n",
				argv[optind - 1]);
			return -1;
		}
		if (bad != NULL) {
			fprintf(stderr, "bad value for %s: '%s'\n", bad, a);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->conns > o->max_conns / 2) {
		fprintf(stderr, "--conns %u needs --max-conns of at least %u\n",
			o->conns, 2 * o->conns);
		return -1;
	}
	return 0;
}

static int
has_arg(int argc, char **argv, const char *const *names)
{
	for (int i = 0; i < argc; i++)
		for (const char *const *n = names; *n != NULL; n++) {
			size_t l = strlen(*n);

			if (strncmp(argv[i], *n, l) == 0 &&
			    (argv[i][l] == '\0' || argv[i][l] == '=' ||
			     (*n)[1] != '-'))
				return 1;
		}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const lcore_opts[] = { "-l", "-c", "--lcores", NULL };
	static const char *const mem_opts[] = { "-m", "--socket-mem", NULL };
	static const char *const prefix_opts[] = { "--file-prefix", NULL };
	static const char *const huge_opts[] = { "--no-huge", NULL };
	static const char *const huge_dir_opts[] = { "--huge-dir", NULL };
	static const char *const pci_opts[] = { "--no-pci", "-a", "--allow",
		"-b", "--block", NULL };
	static const char *const mem_mode_opts[] = { "--in-memory",
		"--no-shconf", NULL };
	char prefix[64];
	char **eal_argv;
	int dash = -1, n_extra, eal_argc = 0, app_argc, rc = 0, no_huge;
	struct options opt = { 0 };

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dash = i;
			break;
		}
	/* Without "--", every argument is an app option. */
	n_extra = dash < 0 ? 0 : dash - 1;
	app_argc = dash < 0 ? argc : argc - dash;
	{
		char **app_argv = calloc((size_t)app_argc + 1, sizeof(char *));

		if (app_argv == NULL)
			return 2;
		app_argv[0] = argv[0];
		for (int i = 1; i < app_argc; i++)
			app_argv[i] = argv[(dash < 0 ? 0 : dash) + i];
		rc = parse_options(app_argc, app_argv, &opt);
		free(app_argv);
		if (rc != 0) {
			usage(argv[0]);
			return 2;
		}
	}

	eal_argv = calloc((size_t)n_extra + 16, sizeof(char *));
	if (eal_argv == NULL)
		return 2;
	eal_argv[eal_argc++] = argv[0];
	no_huge = !has_arg(n_extra, argv + 1, huge_dir_opts);
	if (no_huge && !has_arg(n_extra, argv + 1, huge_opts))
		eal_argv[eal_argc++] = (char *)(uintptr_t)"--no-huge";
	if (!has_arg(n_extra, argv + 1, pci_opts))
		eal_argv[eal_argc++] = (char *)(uintptr_t)"--no-pci";
	/* DPDK 22.11 runs --no-huge in legacy memory mode, which
	 * --in-memory refuses; --no-shconf is what keeps such a run from
	 * leaving files behind. With hugepages, --in-memory. */
	if (!has_arg(n_extra, argv + 1, mem_mode_opts))
		eal_argv[eal_argc++] = (char *)(uintptr_t)
			(no_huge ? "--no-shconf" : "--in-memory");
	if (!has_arg(n_extra, argv + 1, mem_opts)) {
		eal_argv[eal_argc++] = (char *)(uintptr_t)"-m";
		eal_argv[eal_argc++] = (char *)(uintptr_t)"256";
	}
	if (!has_arg(n_extra, argv + 1, lcore_opts)) {
		eal_argv[eal_argc++] = (char *)(uintptr_t)"-l";
		eal_argv[eal_argc++] = (char *)(uintptr_t)"0";
	}
	if (!has_arg(n_extra, argv + 1, prefix_opts)) {
		snprintf(prefix, sizeof(prefix), "--file-prefix=ptg-bench-%d",
			 (int)getpid());
		eal_argv[eal_argc++] = prefix;
	}
	for (int i = 0; i < n_extra; i++)
		eal_argv[eal_argc++] = argv[1 + i];
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		free(eal_argv);
		return 2;
	}

	tmpl_init();
	printf("ptg-bench-engine: two engines back to back on lcore %u, no NIC;"
	       " TSC %" PRIu64 " Hz\n", rte_lcore_id(), rte_get_tsc_hz());
	printf("  clock %s; TIME-WAIT 2*MSL = %.3f ms of engine time (short, so"
	       " ephemeral ports recycle); max_conns %u per engine; checksums %s;"
	       " close %s\n",
	       opt.step_ns ? "step" : "tsc", 2.0 * (double)opt.msl_ns / 1e6,
	       opt.max_conns, opt.csum_offload ? "offloaded (pretend NIC)" :
	       "in software", close_style_str[opt.close_style]);
	if (opt.step_ns)
		printf("  step clock: %" PRIu64 " ns per loop iteration\n",
		       opt.step_ns);
	rc = 0;
	if (opt.modes & MODE_LIFECYCLE)
		rc |= run_mode(&opt, MODE_LIFECYCLE);
	if (opt.modes & MODE_KEEPALIVE)
		rc |= run_mode(&opt, MODE_KEEPALIVE);
	printf("ptg-bench-engine: %s\n", rc ? "FAILED" : "PASSED");
	rte_eal_cleanup();
	free(eal_argv);
	return rc ? 1 : 0;
}
