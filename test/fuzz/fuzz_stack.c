/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_stack: the whole stack object (ptg_stack.h) under a scripted peer.
 *
 *   LLVMFuzzerTestOneInput() -> stack_new() (config from 4 bytes)
 *     -> records: SEG (a segment built from fields, relative to what
 *        each side sent) | RAW frame | ADVANCE the clock | SEND | CLOSE |
 *        ABORT | SHUTDOWN | CONNECT | MISC | SERVICE mode | DUP | ARP
 *     -> ptg_stack_rx() / ptg_stack_poll() -> tx_cb() checks every frame
 *   -> finish(): ptg_tcp_stop(), time past the linger, every connection
 *      closed, ptg_stack_free(), mbufs / rte_malloc / memzones back to
 *      where they were before the input
 *
 * Input format (every field big-endian; a short input ends early):
 *
 *   4 config bytes (see stack_new()), then records, each an op byte:
 *   op % 16  0-5  SEG     slot flags mode [seq] [ack] win [opts] plen
 *                         [payload]
 *            6    RAW     len16 bytes: an Ethernet frame as it is
 *            7    ADVANCE unit/count byte
 *            8    SEND    conn len16       9 CLOSE conn   10 ABORT conn
 *           11    SHUTDOWN conn           12 CONNECT how
 *           13    MISC    what arg         14 SERVICE mode byte
 *           15    DUP (resend the last frame) or ARP reply, by a byte
 *
 * SEG fields (see seg_record()): slot byte (bits 0-2 flow slot, 3-4
 * local port of a new flow, 5 hold it for a burst, 6 break the IPv4
 * checksum, 7 break the TCP one); TCP flags byte as on the wire; mode
 * byte: bits 0-1 seq (0 the peer's next, 1 next+int16, 2 the stack's
 * ACK+int16, 3 absolute u32), bits 2-3 ack (0 all the stack sent,
 * 1 that-u16, 2 that+int16, 3 absolute), bits 4-6 options (0 none,
 * 1 raw: len byte + bytes, 2 SYN options from a bits byte, 3 TS,
 * 4 TS + SACK blocks, 5 SACK blocks, 6 TS going back (PAWS), 7 raw
 * after TS), bit 7 payload bytes from the input instead of the pattern.
 *
 * Checks beyond the sanitizers and PTG_ASSERT: every frame the stack
 * sends is well formed (checksums, lengths, options, ports, flags), its
 * data is the bytes the service sent at the offsets their sequence
 * numbers say, its FIN comes right after them, its ACK never moves back,
 * no segment is larger than the peer's MSS; the bytes the service
 * receives are the peer's at their sequence numbers, in order; no
 * callback comes for a connection after its on_close, and on_close
 * comes once; at the end every connection is gone and every resource
 * is back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_random.h>

#include "fuzz_common.h"
#include "ptg_stack.h"
#include "ptg_tcp.h"
#include "tcp_priv.h" /* for the self-tests only */

#define IP4(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
				  ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IP_LOCAL  IP4(198, 18, 0, 1)
#define IP_PEER   IP4(198, 18, 0, 2)
#define IP_GW     IP4(198, 18, 0, 254)
#define IP_REMOTE IP4(198, 19, 1, 1)   /* off-link: through the gateway */

static const struct rte_ether_addr mac_local = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr mac_peer = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr mac_gw = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0xfe } };

#define PORT_AUTO   80   /* listener: the engine hands connections over */
#define PORT_MANUAL 81   /* listener in manual accept mode (MISC accept) */
#define PORT_CLOSED 9    /* nobody listens */
static const uint16_t lports[4] = { PORT_AUTO, PORT_MANUAL, PORT_CLOSED,
				    PORT_AUTO };

#define MTU 1500
#define NB_FLOWS 8
#define INCS_MAX 4
#define NB_SLOTS 32
#define MAX_PAYLOAD 1600
#define FRAME_MAX (RTE_ETHER_HDR_LEN + 60 + 60 + MAX_PAYLOAD)
#define HOLD_MAX 32
#define SEND_SALT 0x5au

#define NS_MS 1000000ull
#define NS_S  1000000000ull
#define MSL_NS (250 * NS_MS)    /* TIME-WAIT: 500 ms */
#define LINGER_NS (200 * NS_MS) /* of ptg_tcp_stop() at the end */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static inline int s_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int s_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

/* The byte at stream position @x of a pattern: checkable data that is
 * not periodic over anything a segment can span. */
static inline uint8_t
pat(uint32_t salt, uint32_t x)
{
	return (uint8_t)(((x + salt) * 2654435761u) >> 24);
}

/* One peer 4-tuple and what each side of it sent. */
struct flow {
	bool used;
	rte_be32_t raddr;
	uint16_t rport, lport;
	uint32_t salt;        /* of the peer's pattern data */
	/* the peer (this fuzzer) */
	uint32_t p_nxt;       /* next sequence number */
	uint32_t p_ack;       /* last ACK sent */
	uint32_t p_tsval;
	uint32_t p_mss_max;   /* largest MSS any SYN offered (none: 536) */
	/* the stack */
	bool s_known;         /* s_isn / s_max valid */
	uint32_t s_isn, s_max;
	bool s_ack_known;
	uint32_t s_ack;       /* latest ACK (its RCV.NXT) */
	uint32_t s_tsval;
	/* What the service sent, per incarnation: connections the service
	 * took on this 4-tuple, told apart by their ISN (frames of one that
	 * closed may still wait for ARP when the next one starts). */
	struct inc {
		uint32_t isn;
		uint64_t sent;    /* bytes ptg_send() took */
		uint32_t offered; /* offered to the ptg_send() running now:
				     it may transmit some before returning */
		bool closed;      /* its on_close came */
		bool shared;      /* two incarnations had this ISN: no count */
	} incs[INCS_MAX];
	unsigned int nb_incs; /* incs[] used, oldest first */
};

/* A connection the service holds (accepted or opened). */
struct slot {
	struct ptg_conn *c;
	bool rpos_known;
	uint32_t rpos;        /* sequence number of the next byte to read */
	uint32_t spos;        /* bytes sent so far */
	uint32_t want;        /* bytes still to send */
	uint32_t isn;         /* our ISN on it */
	bool closing;         /* ptg_close() called: no more user calls */
};

/* Service modes (SERVICE op, config byte 3). */
#define SVC_CONSUME_MASK 0x03 /* 0 all, 1 none, 2 up to 97, 3 one */
#define SVC_ECHO        0x04  /* send as many bytes as were read */
#define SVC_FIN_CLOSE   0x08
#define SVC_FIN_SHUT    0x10
#define SVC_REJECT      0x20
#define SVC_DATA_CLOSE  0x40
#define SVC_DATA_ABORT  0x80

struct fz {
	struct ptg_stack *st;
	struct ptg_tcp *tcp;
	uint64_t now;
	uint8_t svc;
	bool rx_offload;      /* frames carry RX checksum flags */
	bool raw_seen;        /* a raw frame went in: peer data unchecked */
	struct flow flows[NB_FLOWS];
	struct slot slots[NB_SLOTS];
	unsigned int nb_slots;
	struct rte_mbuf *held[HOLD_MAX];
	unsigned int nb_held;
	uint8_t last[FRAME_MAX];
	uint32_t last_len;
	uint8_t txbuf[9216];
};

static struct fz fz;

/* PTG_FUZZ_TRACE=1: print every record and every segment either way,
 * and the engine's counters at the end (to see what an input does). */
static bool trace;

/*
 * PTG_FUZZ_SELFTEST=mbuf-leak | malloc-leak | invariant: break something
 * on purpose, to show that the target fails when it should (the fuzz
 * suite expects these runs to fail): keep an mbuf, lose a malloc'ed
 * block, or make the first accepted connection's SND.UNA pass SND.NXT
 * (PTG_ASSERT in tcp_conn_check() must stop it).
 */
static enum { ST_NONE, ST_MBUF_LEAK, ST_MALLOC_LEAK, ST_INVARIANT } selftest;

#define TRACE(...) do { \
	if (trace) \
		fprintf(stderr, __VA_ARGS__); \
} while (0)

static const char *
flag_str(uint8_t f, char *buf)
{
	static const char names[] = "FSRPAUEC";
	int i, n = 0;

	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			buf[n++] = names[i];
	buf[n] = '\0';
	return buf;
}

/* ---- flows ---------------------------------------------------------------- */

static struct flow *
flow_find(rte_be32_t raddr, uint16_t rport, uint16_t lport)
{
	unsigned int i;

	for (i = 0; i < NB_FLOWS; i++) {
		struct flow *f = &fz.flows[i];

		if (f->used && f->raddr == raddr && f->rport == rport &&
		    f->lport == lport)
			return f;
	}
	return NULL;
}

static void
flow_init(struct flow *f, unsigned int i, rte_be32_t raddr, uint16_t rport,
	  uint16_t lport)
{
	/* Sequence numbers near the wrap for some slots. */
	static const uint32_t isn[NB_FLOWS] = {
		1000, 0xfffffc00u, 0x7ffffff0u, 0x10000000u,
		0xffffffffu, 42, 0x80000000u, 0xdeadbeefu };

	memset(f, 0, sizeof(*f));
	f->used = true;
	f->raddr = raddr;
	f->rport = rport;
	f->lport = lport;
	f->salt = 0x1000u * (i + 1);
	f->p_nxt = isn[i];
	f->p_tsval = 100000u * (i + 1);
	f->p_mss_max = 0;
}

static struct conn_id {
	rte_be32_t raddr;
	uint16_t rport, lport;
} conn_id_of(const struct ptg_conn *c)
{
	struct conn_id id;
	rte_be32_t laddr;

	ptg_conn_endpoints(c, &laddr, &id.lport, &id.raddr, &id.rport);
	return id;
}

static struct flow *
flow_of_conn(const struct ptg_conn *c)
{
	struct conn_id id = conn_id_of(c);

	return flow_find(id.raddr, id.rport, id.lport);
}

static struct inc *
inc_find(struct flow *f, uint32_t isn)
{
	unsigned int i;

	for (i = 0; i < f->nb_incs; i++)
		if (f->incs[i].isn == isn)
			return &f->incs[i];
	return NULL;
}

/*
 * The connection the service holds on @f that a frame at @seq with
 * data or a FIN fits: sequence numbers from its ISN + 1 to the end of
 * what ptg_send() took (the FIN's); the newest first, none whose ISN
 * two incarnations shared.
 */
static struct inc *
inc_fit(struct flow *f, uint32_t seq)
{
	unsigned int i;

	for (i = f->nb_incs; i-- > 0;) {
		struct inc *in = &f->incs[i];
		uint32_t end = in->isn + 1 + (uint32_t)(in->sent + in->offered);

		if (!in->shared && s_leq(in->isn + 1, seq) && s_leq(seq, end))
			return in;
	}
	return NULL;
}

/* A connection with ISN @isn starts on @f. */
static void
inc_start(struct flow *f, uint32_t isn)
{
	struct inc *in = inc_find(f, isn);

	if (in != NULL) {
		in->shared = true;
		return;
	}
	if (f->nb_incs == INCS_MAX) {
		memmove(&f->incs[0], &f->incs[1],
			sizeof(f->incs[0]) * (INCS_MAX - 1));
		f->nb_incs--;
	}
	in = &f->incs[f->nb_incs++];
	in->isn = isn;
	in->sent = 0;
	in->offered = 0;
	in->closed = false;
	in->shared = false;
}

/* ---- the service ------------------------------------------------------------ */

/*
 * Every callback first hands the frames the stack has batched so far to
 * tx_cb(): the checks of what was sent then see the service's sends and
 * closes in the order the stack saw them (a frame batched before an
 * on_close belongs to the connection that closed). The stack flushes at
 * any point anyway, whenever its batch is full.
 */
static void
sync_tx(void)
{
	ptg_stack_flush(fz.st);
}

static struct slot *
slot_find(const struct ptg_conn *c)
{
	unsigned int i;

	for (i = 0; i < NB_SLOTS; i++)
		if (fz.slots[i].c == c)
			return &fz.slots[i];
	return NULL;
}

static struct slot *
slot_new(struct ptg_conn *c)
{
	struct ptg_conn_info ci;
	struct slot *s;
	struct flow *f;

	FZ_CHECKF(slot_find(c) == NULL, "connection %p handed over twice",
		  (void *)c);
	s = slot_find(NULL);
	FZ_CHECKF(s != NULL, "more than %d connections live", NB_SLOTS);
	memset(s, 0, sizeof(*s));
	s->c = c;
	fz.nb_slots++;
	/* Its ISN: SND.UNA before our SYN is acknowledged (an active open),
	 * one less after (nothing else is acknowledged yet). */
	ptg_conn_info(c, &ci);
	s->isn = ci.state < PTG_TCPS_ESTABLISHED ? ci.snd_una :
						    ci.snd_una - 1;
	/* A new incarnation of its flow: nothing sent on it yet. An active
	 * open gets its flow now: its SYN may wait for ARP while the
	 * service already sends. */
	f = flow_of_conn(c);
	if (f == NULL) {
		struct conn_id id = conn_id_of(c);
		unsigned int i;

		for (i = 0; i < NB_FLOWS && fz.flows[i].used; i++)
			;
		if (i < NB_FLOWS) {
			f = &fz.flows[i];
			flow_init(f, i, id.raddr, id.rport, id.lport);
		}
	}
	if (f != NULL)
		inc_start(f, s->isn);
	return s;
}

/* The slot of @c, which must be a connection the service holds. */
static struct slot *
slot_of(const struct ptg_conn *c, const char *cb)
{
	struct slot *s = slot_find(c);

	FZ_CHECKF(s != NULL, "%s for a connection not held (closed?)", cb);
	return s;
}

/* Send what @s still wants to: the pattern from its position on. */
static void
pump(struct slot *s)
{
	uint8_t buf[4096];

	while (s->want > 0 && !s->closing) {
		uint32_t n = RTE_MIN(s->want, (uint32_t)sizeof(buf)), i;
		struct flow *f = flow_of_conn(s->c);
		struct inc *in = f != NULL ? inc_find(f, s->isn) : NULL;
		ssize_t r;

		for (i = 0; i < n; i++)
			buf[i] = pat(SEND_SALT, s->spos + i);
		/* ptg_send() may transmit (a full TX batch is flushed) before
		 * it returns how much it took. */
		if (in != NULL)
			in->offered = n;
		r = ptg_send(s->c, buf, n);
		if (in != NULL)
			in->offered = 0;
		if (r <= 0) {
			if (r < 0)
				s->want = 0;
			return;
		}
		FZ_CHECKF((size_t)r <= n, "ptg_send took %zd of %u", r, n);
		if (in != NULL)
			in->sent += (uint64_t)r;
		s->spos += (uint32_t)r;
		s->want -= (uint32_t)r;
		if ((uint32_t)r < n)
			return;
	}
}

static int
svc_accept(struct ptg_conn *c)
{
	sync_tx();
	slot_new(c);
	if (selftest == ST_INVARIANT)
		c->snd_una = c->snd_nxt + 1;
	if (fz.svc & SVC_REJECT) {
		/* Rejected: the engine resets it and calls on_close. */
		return 1;
	}
	return 0;
}

static size_t
svc_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct slot *s = slot_of(c, "on_data");
	const uint8_t *p = data;
	struct flow *f = flow_of_conn(c);
	size_t n, i;

	sync_tx();
	FZ_CHECK(len > 0);
	if (!s->rpos_known) {
		struct ptg_conn_info ci;
		uint32_t fin;

		ptg_conn_info(c, &ci);
		fin = ci.state == PTG_TCPS_CLOSE_WAIT ||
		      ci.state == PTG_TCPS_LAST_ACK ||
		      ci.state == PTG_TCPS_CLOSING ||
		      ci.state == PTG_TCPS_TIME_WAIT;
		s->rpos = ci.rcv_nxt - (uint32_t)ci.rcvq_bytes - fin;
		s->rpos_known = true;
	}
	switch (fz.svc & SVC_CONSUME_MASK) {
	case 0:
		n = len;
		break;
	case 1:
		n = 0;
		break;
	case 2:
		n = RTE_MIN(len, (size_t)97);
		break;
	default:
		n = 1;
		break;
	}
	/* The peer's data is its pattern at its sequence numbers (unless
	 * raw frames or raw payloads may have put other bytes there). */
	if (f != NULL && !fz.raw_seen)
		for (i = 0; i < len; i++)
			FZ_CHECKF(p[i] == pat(f->salt, s->rpos + (uint32_t)i),
				  "byte %zu of %zu at seq %u: 0x%02x, "
				  "expected 0x%02x", i, len,
				  s->rpos + (uint32_t)i, p[i],
				  pat(f->salt, s->rpos + (uint32_t)i));
	s->rpos += (uint32_t)n;
	if ((fz.svc & SVC_ECHO) && n > 0 && !s->closing) {
		s->want += (uint32_t)n;
		pump(s);
	}
	if (fz.svc & SVC_DATA_ABORT) {
		ptg_abort(c);
		return n;
	}
	if ((fz.svc & SVC_DATA_CLOSE) && !s->closing) {
		s->closing = true;
		ptg_close(c);
	}
	return n;
}

static void
svc_writable(struct ptg_conn *c)
{
	sync_tx();
	pump(slot_of(c, "on_writable"));
}

static void
svc_fin(struct ptg_conn *c)
{
	struct slot *s = slot_of(c, "on_fin");

	sync_tx();
	if ((fz.svc & SVC_FIN_CLOSE) && !s->closing) {
		s->closing = true;
		ptg_close(c);
	} else if (fz.svc & SVC_FIN_SHUT) {
		ptg_shutdown(c);
	}
}

static void
svc_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct slot *s = slot_of(c, "on_close");
	struct flow *f = flow_of_conn(c);

	sync_tx();
	FZ_CHECK((unsigned int)reason <= PTG_CLOSE_UNREACHABLE);
	if (f != NULL && inc_find(f, s->isn) != NULL)
		inc_find(f, s->isn)->closed = true;
	s->c = NULL;
	fz.nb_slots--;
}

static const struct ptg_conn_ops svc_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = svc_accept,
	.on_data = svc_data,
	.on_writable = svc_writable,
	.on_fin = svc_fin,
	.on_close = svc_close,
};

/* ---- what the stack sends ---------------------------------------------------- */

/* Frames the network layer dropped on their way out (no ARP entry or
 * room to hold them, no mbuf, no route, TX full). After one, a
 * connection's SYN-ACK may never have reached tx_cb(), and the next
 * connection on the same 4-tuple may even have the same ISN (the clock
 * did not move): its frames cannot be told from the last one's, so the
 * checks that count bytes or compare ACKs across segments stand down. */
static uint64_t
frames_lost(void)
{
	const struct ptg_net_stats *st = ptg_net_stats(ptg_stack_net(fz.st));

	return st->drop_arp_queue_full + st->drop_arp_unresolved +
	       st->drop_nombuf + st->drop_no_route + st->drop_tx_full;
}

/* Options of a segment the stack sent: well formed, only kinds we know. */
static void
check_tx_options(const uint8_t *o, uint32_t len, bool syn, uint32_t *tsval,
		 bool *has_ts)
{
	uint32_t i = 0;

	*has_ts = false;
	while (i < len) {
		uint8_t kind = o[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		FZ_CHECKF(i + 1 < len, "option %u cut at the end", kind);
		olen = o[i + 1];
		FZ_CHECKF(olen >= 2 && i + olen <= len, "option %u length %u",
			  kind, olen);
		switch (kind) {
		case 2:
			FZ_CHECK(syn && olen == 4);
			break;
		case 3:
			FZ_CHECK(syn && olen == 3 && o[i + 2] <= 14);
			break;
		case 4:
			FZ_CHECK(syn && olen == 2);
			break;
		case 5:
			FZ_CHECK(!syn && olen >= 10 && (olen - 2) % 8 == 0);
			break;
		case 8:
			FZ_CHECK(olen == 10);
			*tsval = fz_get32(o + i + 2);
			*has_ts = true;
			break;
		default:
			fz_fail("the stack sent option kind %u", kind);
		}
		i += olen;
	}
}

static void
check_tx_tcp(const uint8_t *ip, uint32_t iplen)
{
	uint32_t hlen = (ip[0] & 0x0f) * 4u, thlen, plen, seq, ack, slen;
	const uint8_t *th = ip + hlen;
	uint16_t sport, dport;
	uint8_t flags, ph[12];
	struct flow *f;
	uint32_t tsval = 0;
	rte_be32_t raddr;
	struct inc *in;
	bool has_ts, lossy;

	FZ_CHECK(iplen >= hlen + 20);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	fz_put16(ph + 10, (uint16_t)(iplen - hlen));
	FZ_CHECKF(fz_fold(fz_sum(th, iplen - hlen, fz_sum(ph, 12, 0))) == 0,
		  "%s", "bad TCP checksum on a segment we sent");
	thlen = (th[12] >> 4) * 4u;
	FZ_CHECKF(thlen >= 20 && hlen + thlen <= iplen, "data offset %u",
		  thlen);
	sport = fz_get16(th);
	dport = fz_get16(th + 2);
	seq = fz_get32(th + 4);
	ack = fz_get32(th + 8);
	flags = th[13];
	plen = iplen - hlen - thlen;
	FZ_CHECK(sport != 0 && dport != 0);
	/* No SYN+FIN, SYN+RST or FIN+RST, nothing without ACK but a SYN
	 * or a RST (RFC 9293 3.10.7). */
	FZ_CHECKF(!((flags & TCP_SYN) && (flags & (TCP_FIN | TCP_RST))) &&
		  !((flags & TCP_FIN) && (flags & TCP_RST)),
		  "flags 0x%02x", flags);
	FZ_CHECKF((flags & (TCP_ACK | TCP_SYN | TCP_RST)) != 0,
		  "flags 0x%02x", flags);
	FZ_CHECKF(!(flags & TCP_RST) || plen == 0, "RST with %u bytes", plen);
	check_tx_options(th + 20, thlen - 20, flags & TCP_SYN, &tsval, &has_ts);
	if (trace) {
		char fb[9];

		TRACE("  <- %u>%u %s seq %u ack %u win %u len %u\n", sport,
		      dport, flag_str(flags, fb), seq, ack, fz_get16(th + 14),
		      plen);
	}

	memcpy(&raddr, ip + 16, 4);
	f = flow_find(raddr, dport, sport);
	if (f == NULL && (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		/* An active open: track it in the first free slot. */
		unsigned int i;

		for (i = 0; i < NB_FLOWS && fz.flows[i].used; i++)
			;
		if (i < NB_FLOWS) {
			f = &fz.flows[i];
			flow_init(f, i, raddr, dport, sport);
		}
	}
	if (f == NULL || (flags & TCP_RST))
		return;
	if (has_ts)
		f->s_tsval = tsval;
	slen = plen + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
	if (!(flags & TCP_SYN) && (plen > 0 || (flags & TCP_FIN)) &&
	    f->s_known && inc_find(f, f->s_isn) == NULL) {
		/* The SYN-ACK followed is of no connection the service
		 * holds, yet data or a FIN can only come from one it does.
		 * Several SYN-ACKs with other ISNs can be out on one tuple
		 * (SYN cookies for SYNs with other options, a SYN-queue
		 * entry's and a cookie's) and the peer's ACK completes any
		 * of them: follow the one this frame fits. */
		in = inc_fit(f, seq);
		if (in != NULL) {
			TRACE("  (of the connection with ISN %u)\n", in->isn);
			f->s_isn = in->isn;
			f->s_max = in->isn + 1;
			f->s_ack_known = false;
		}
	}
	if (flags & TCP_SYN) {
		struct inc *old = inc_find(f, seq);

		/* Later frames belong to the incarnation of this ISN. After
		 * the on_close of one with the same ISN it may be either: a
		 * frame held for ARP since, or a new one at the same clock. */
		if (old != NULL && old->closed)
			old->shared = true;
		if (!f->s_known || f->s_isn != seq) {
			f->s_isn = seq;
			f->s_max = seq;
		}
		f->s_known = true;
		/* The ACK of a SYN-ACK is the peer's ISN + 1, whatever an
		 * earlier incarnation acknowledged. */
		f->s_ack_known = false;
		FZ_CHECKF(plen == 0, "SYN with %u bytes", plen);
	} else if (f->s_known && !(s_leq(f->s_isn, seq) &&
				   s_lt(seq, f->s_max + (1u << 18)))) {
		/* Not from the connection we follow: a later one whose
		 * SYN never left (an ARP queue or the pool was full). Its
		 * numbers are unknown until the next SYN. */
		TRACE("  (a connection whose SYN was not seen)\n");
		f->s_known = false;
		f->s_ack_known = false;
	} else if (f->s_known && s_lt(f->s_max, seq) && frames_lost() != 0) {
		/* Past all the followed connection sent, after frames were
		 * lost on the way out: a gap, or a later connection on the
		 * tuple whose SYN-ACK was lost, its ISN the clock's later
		 * value (close enough to pass the test above). Unknown
		 * until the next SYN. */
		TRACE("  (past SND.MAX after lost frames: not followed)\n");
		f->s_known = false;
		f->s_ack_known = false;
	}
	lossy = frames_lost() != 0;
	if ((flags & TCP_ACK) && f->s_ack_known && s_lt(ack, f->s_ack) &&
	    lossy) {
		/* A later connection with the same ISN whose SYN-ACK was
		 * lost: follow it from here. */
		TRACE("  (ACK back after lost frames: a later connection)\n");
		f->s_ack_known = false;
	}
	if (flags & TCP_ACK) {
		/* RCV.NXT never moves back (RFC 9293 3.4). */
		if (f->s_ack_known)
			FZ_CHECKF(s_leq(f->s_ack, ack), "ACK moved back from "
				  "%u to %u", f->s_ack, ack);
		f->s_ack = ack;
		f->s_ack_known = true;
	}
	if (!f->s_known)
		return;
	in = inc_find(f, f->s_isn);
	if (in != NULL && (in->shared || lossy))
		in = NULL;
	if (plen > 0) {
		uint32_t off = seq - (f->s_isn + 1), i;
		const uint8_t *p = th + thlen;
		uint32_t mss = RTE_MAX(f->p_mss_max ? f->p_mss_max : 536u,
				       (uint32_t)PTG_TCP_MSS_MIN);

		/* RFC 9293 3.7.1: no segment above the peer's MSS. */
		FZ_CHECKF(plen <= mss, "%u bytes over an MSS of %u", plen, mss);
		FZ_CHECKF(!(flags & TCP_SYN), "%s", "data on a SYN");
		FZ_CHECKF(off < 0x80000000u, "data at seq %u before ISN %u",
			  seq, f->s_isn);
		if (in != NULL)
			FZ_CHECKF((uint64_t)off + plen <= in->sent +
				  in->offered, "bytes %u..%u sent, only %"
				  PRIu64 " given to ptg_send", off, off + plen,
				  in->sent + in->offered);
		for (i = 0; i < plen; i++)
			FZ_CHECKF(p[i] == pat(SEND_SALT, off + i),
				  "sent byte at offset %u: 0x%02x, expected "
				  "0x%02x", off + i, p[i],
				  pat(SEND_SALT, off + i));
	}
	if ((flags & TCP_FIN) && in != NULL)
		/* The FIN comes right after the last byte (RFC 9293
		 * 3.10.4). */
		FZ_CHECKF(seq + plen == f->s_isn + 1 + (uint32_t)in->sent,
			  "FIN at %u, data ends at %u", seq + plen,
			  f->s_isn + 1 + (uint32_t)in->sent);
	if (s_lt(f->s_max, seq + slen))
		f->s_max = seq + slen;
}

static void
check_tx_frame(struct rte_mbuf *m)
{
	uint8_t *b = fz.txbuf;
	uint32_t len = fz_flatten(m, b, sizeof(fz.txbuf)), hlen, tot;
	uint16_t type;
	const uint8_t *ip;

	FZ_CHECKF(len == rte_pktmbuf_pkt_len(m) && len >= RTE_ETHER_HDR_LEN,
		  "frame of %u bytes", len);
	FZ_CHECK(memcmp(b + 6, &mac_local, 6) == 0);
	type = fz_get16(b + 12);
	if (type == RTE_ETHER_TYPE_ARP) {
		FZ_CHECK(len >= RTE_ETHER_HDR_LEN + 28);
		return;
	}
	FZ_CHECKF(type == RTE_ETHER_TYPE_IPV4, "ethertype 0x%04x", type);
	ip = b + RTE_ETHER_HDR_LEN;
	FZ_CHECK(len >= RTE_ETHER_HDR_LEN + 20 && (ip[0] >> 4) == 4);
	hlen = (ip[0] & 0x0f) * 4u;
	tot = fz_get16(ip + 2);
	FZ_CHECKF(hlen >= 20 && tot >= hlen && tot <= MTU &&
		  RTE_ETHER_HDR_LEN + tot <= len, "IPv4 header %u, total %u, "
		  "frame %u", hlen, tot, len);
	FZ_CHECKF(fz_fold(fz_sum(ip, hlen, 0)) == 0, "%s",
		  "bad IPv4 checksum on a frame we sent");
	FZ_CHECK(memcmp(ip + 12, &(rte_be32_t){ IP_LOCAL }, 4) == 0);
	FZ_CHECK(ip[8] > 0);
	if (ip[9] == IPPROTO_TCP)
		check_tx_tcp(ip, tot);
	else
		FZ_CHECKF(ip[9] == IPPROTO_ICMP, "IP protocol %u", ip[9]);
}

static uint16_t
tx_cb(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)arg;
	for (i = 0; i < n; i++) {
		check_tx_frame(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

/* ---- driving the stack ---------------------------------------------------------- */

static void
deliver_held(void)
{
	if (fz.nb_held == 0)
		return;
	ptg_stack_rx(fz.st, fz.held, (uint16_t)fz.nb_held, fz.now);
	fz.nb_held = 0;
	ptg_stack_poll(fz.st, fz.now);
	ptg_stack_flush(fz.st);
}

/* Hand frame bytes to the stack now, or hold them for a burst. */
static void
deliver(const uint8_t *b, uint32_t len, bool hold, uint8_t ol)
{
	struct rte_mbuf *m;

	if (len > sizeof(fz.last))
		len = sizeof(fz.last);
	memcpy(fz.last, b, len);
	fz.last_len = len;
	m = fz_frame(b, len);
	if (m == NULL)
		return;
	if (fz.rx_offload) {
		/* What the NIC would have said about the checksums. */
		static const uint64_t ip_fl[4] = {
			0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
			RTE_MBUF_F_RX_IP_CKSUM_BAD,
			RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN };
		static const uint64_t l4_fl[4] = {
			0, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
			RTE_MBUF_F_RX_L4_CKSUM_BAD,
			RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN };

		m->ol_flags |= ip_fl[ol & 3] | l4_fl[(ol >> 2) & 3];
	}
	fz.held[fz.nb_held++] = m;
	if (!hold || fz.nb_held == HOLD_MAX)
		deliver_held();
}

static void
advance(uint64_t ns)
{
	deliver_held();
	fz.now += ns;
	ptg_stack_poll(fz.st, fz.now);
	ptg_stack_flush(fz.st);
}

/* Ethernet + IPv4 header for a segment of @l4len bytes to us from
 * @raddr; returns the header length (34). */
static uint32_t
put_eth_ip(uint8_t *b, rte_be32_t raddr, uint32_t l4len)
{
	memcpy(b, &mac_local, 6);
	memcpy(b + 6, raddr == IP_PEER ? &mac_peer : &mac_gw, 6);
	fz_put16(b + 12, RTE_ETHER_TYPE_IPV4);
	b += RTE_ETHER_HDR_LEN;
	b[0] = 0x45;
	b[1] = 0;
	fz_put16(b + 2, (uint16_t)(20 + l4len));
	fz_put16(b + 4, 0);
	fz_put16(b + 6, 0x4000); /* DF */
	b[8] = 64;
	b[9] = IPPROTO_TCP;
	memcpy(b + 12, &raddr, 4);
	memcpy(b + 16, &(rte_be32_t){ IP_LOCAL }, 4);
	return RTE_ETHER_HDR_LEN + 20;
}

/* The MSS a SYN with options @o offers: its MSS option (the last one, as
 * the engine's parser takes it), or 536 without one (RFC 9293 3.7.1); a
 * malformed list offers nothing (0: the engine drops the segment). */
static uint32_t
syn_mss(const uint8_t *o, uint32_t len)
{
	uint32_t i = 0, mss = 536;

	while (i < len && o[i] != 0) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			return 0;
		if (o[i] == 2) {
			if (o[i + 1] != 4)
				return 0;
			mss = fz_get16(o + i + 2);
		}
		i += o[i + 1];
	}
	return mss;
}

/* TCP options for a SEG record; returns their length (a multiple of 4,
 * at most 40). */
static uint32_t
seg_options(struct fz_in *in, struct flow *f, unsigned int mode,
	    uint8_t *o)
{
	uint32_t n = 0, i, nb;
	size_t got;
	const uint8_t *raw;
	uint8_t bits;

	switch (mode) {
	case 0:
		return 0;
	case 1:
	case 7:
		if (mode == 7)
			goto ts;
raw:
		raw = fz_bytes(in, fz_u8(in) % 41, &got);
		if (n + got > 40)
			got = 40 - n;
		memcpy(o + n, raw, got);
		n += (uint32_t)got;
		break;
	case 2:
		/* SYN options from a bits byte, laid out as Linux does. */
		bits = fz_u8(in);
		if (bits & 1) {
			uint16_t mss = fz_u16(in);

			o[n++] = 2;
			o[n++] = 4;
			fz_put16(o + n, mss);
			n += 2;
		}
		if (bits & 2) {
			if (bits & 4) {
				o[n++] = 4;
				o[n++] = 2;
			} else {
				o[n++] = 1;
				o[n++] = 1;
			}
			o[n++] = 8;
			o[n++] = 10;
			fz_put32(o + n, f->p_tsval++);
			fz_put32(o + n + 4, f->s_tsval);
			n += 8;
		} else if (bits & 4) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 4;
			o[n++] = 2;
		}
		if (bits & 8) {
			o[n++] = 1;
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = (bits >> 4) & 0x0f;
		}
		break;
	case 3:
	case 4:
	case 6:
ts:
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 8;
		o[n++] = 10;
		if (mode == 6)
			f->p_tsval -= 0x40000000u; /* far back: PAWS */
		fz_put32(o + n, f->p_tsval++);
		fz_put32(o + n + 4, f->s_tsval);
		n += 8;
		if (mode == 7)
			goto raw;
		if (mode != 4)
			break;
		/* fall through */
	case 5:
		/* SACK blocks of the stack's data, relative to our ACK. */
		nb = 1 + fz_u8(in) % 4;
		if (n + 2 + 8 * nb > 40)
			nb = (40 - n - 4) / 8;
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = (uint8_t)(2 + 8 * nb);
		for (i = 0; i < nb; i++) {
			uint32_t left = f->p_ack + fz_u16(in);

			fz_put32(o + n, left);
			fz_put32(o + n + 4, left + fz_u16(in));
			n += 8;
		}
		break;
	}
	while (n % 4)
		o[n++] = 0;
	return n;
}

static void
seg_record(struct fz_in *in)
{
	uint8_t sb = fz_u8(in), flags = fz_u8(in), mode = fz_u8(in);
	unsigned int slot = sb & 7;
	struct flow *f = &fz.flows[slot];
	uint8_t b[FRAME_MAX], opts[48];
	uint32_t seq, ack, olen, plen, hl, i, s_max;
	uint16_t win;
	uint8_t *th, *p;

	if (!f->used)
		flow_init(f, slot, slot == 7 ? IP_REMOTE : IP_PEER,
			  (uint16_t)(40000 + slot), lports[(sb >> 3) & 3]);
	s_max = f->s_known ? f->s_max : 0;
	switch (mode & 3) {
	case 0:
		seq = f->p_nxt;
		break;
	case 1:
		seq = f->p_nxt + (uint32_t)(int32_t)(int16_t)fz_u16(in);
		break;
	case 2:
		seq = (f->s_ack_known ? f->s_ack : f->p_nxt) +
		      (uint32_t)(int32_t)(int16_t)fz_u16(in);
		break;
	default:
		seq = fz_u32(in);
		break;
	}
	switch ((mode >> 2) & 3) {
	case 0:
		ack = s_max;
		break;
	case 1:
		ack = s_max - fz_u16(in);
		break;
	case 2:
		ack = s_max + (uint32_t)(int32_t)(int16_t)fz_u16(in);
		break;
	default:
		ack = fz_u32(in);
		break;
	}
	win = fz_u16(in);
	olen = seg_options(in, f, (mode >> 4) & 7, opts);
	if (flags & TCP_SYN)
		f->p_mss_max = RTE_MAX(f->p_mss_max, syn_mss(opts, olen));
	plen = fz_u16(in) & 0x7ff;
	if (plen > MAX_PAYLOAD)
		plen = MAX_PAYLOAD;

	hl = put_eth_ip(b, f->raddr, 20 + olen + plen);
	th = b + hl;
	fz_put16(th, f->rport);
	fz_put16(th + 2, f->lport);
	fz_put32(th + 4, seq);
	fz_put32(th + 8, ack);
	th[12] = (uint8_t)(((20 + olen) / 4) << 4);
	th[13] = flags;
	fz_put16(th + 14, win);
	fz_put16(th + 16, 0);
	fz_put16(th + 18, 0);
	memcpy(th + 20, opts, olen);
	p = th + 20 + olen;
	if (mode & 0x80) {
		size_t got;
		const uint8_t *raw = fz_bytes(in, plen, &got);

		memcpy(p, raw, got);
		memset(p + got, 0, plen - got);
		fz.raw_seen = true;
	} else {
		for (i = 0; i < plen; i++)
			p[i] = pat(f->salt, seq + (flags & TCP_SYN ? 1 : 0) + i);
	}
	fz_fix_cksums(b, hl + 20 + olen + plen);
	if (trace) {
		char fb[9];

		TRACE("  -> %u>%u %s seq %u ack %u win %u opts %u len %u%s\n",
		      f->rport, f->lport, flag_str(flags, fb), seq, ack, win,
		      olen, plen, sb & 0xc0 ? " (bad checksum)" : "");
	}
	if (sb & 0x40)
		b[RTE_ETHER_HDR_LEN + 10] ^= 0x5a;
	if (sb & 0x80)
		th[16] ^= 0xa5;

	/* What the peer has sent now. */
	if (!(flags & TCP_RST)) {
		uint32_t end = seq + plen + !!(flags & TCP_SYN) +
			       !!(flags & TCP_FIN);

		if (flags & TCP_SYN)
			f->p_nxt = end;
		else if (s_lt(f->p_nxt, end) && end - f->p_nxt < 0x40000000u)
			f->p_nxt = end;
	}
	if (flags & TCP_ACK)
		f->p_ack = ack;
	deliver(b, hl + 20 + olen + plen, sb & 0x20, mode);
}

static void
raw_record(struct fz_in *in)
{
	size_t got;
	const uint8_t *raw = fz_bytes(in, fz_u16(in) % 2048, &got);
	uint8_t b[2048];

	memcpy(b, raw, got);
	/* Mostly frames with their checksums right, to get past them. */
	if (got > 0 && (raw[0] & 1))
		fz_fix_cksums(b, (uint32_t)got);
	fz.raw_seen = true;
	deliver(b, (uint32_t)got, false, got > 0 ? raw[0] >> 1 : 0);
}

static void
advance_record(struct fz_in *in)
{
	static const uint64_t unit[4] = { NS_MS, 10 * NS_MS, 200 * NS_MS,
					  5 * NS_S };
	uint8_t b = fz_u8(in);

	advance(unit[b >> 6] * (1 + (b & 63)));
}

/* The held connection named by @b (counting the live ones), or NULL. */
static struct slot *
pick_slot(uint8_t b)
{
	unsigned int i, k;

	if (fz.nb_slots == 0)
		return NULL;
	k = b % fz.nb_slots;
	for (i = 0; i < NB_SLOTS; i++)
		if (fz.slots[i].c != NULL && k-- == 0)
			return &fz.slots[i];
	return NULL;
}

static void
conn_record(struct fz_in *in, unsigned int op)
{
	uint8_t which = fz_u8(in);
	uint16_t len = op == 8 ? fz_u16(in) : 0;
	struct slot *s;

	/* Held frames first: they may close connections. */
	deliver_held();
	s = pick_slot(which);
	if (s == NULL || s->closing)
		return;
	switch (op) {
	case 8:
		s->want += len;
		pump(s);
		break;
	case 9:
		s->closing = true;
		ptg_close(s->c);
		break;
	case 10:
		ptg_abort(s->c);
		break;
	case 11:
		ptg_shutdown(s->c);
		break;
	}
	ptg_stack_flush(fz.st);
}

static void
connect_record(struct fz_in *in)
{
	uint8_t b = fz_u8(in);
	rte_be32_t dst = b & 1 ? IP_REMOTE : IP_PEER;
	uint16_t dport = (uint16_t)(50000 + ((b >> 1) & 3));
	uint16_t sport = b & 8 ? (uint16_t)(60000 + ((b >> 4) & 3)) : 0;
	struct ptg_conn *c;

	deliver_held();
	if (b & 0x40) {
		/* A few odd destinations: ourselves, nobody, port 0. */
		static const rte_be32_t odd[4] = {
			IP_LOCAL, 0, IP4(255, 255, 255, 255), IP4(224, 0, 0, 1) };

		dst = odd[(b >> 4) & 3];
		if (b & 0x80)
			dport = 0;
	}
	c = ptg_connect(fz.tcp, dst, dport, sport, &svc_ops, &fz, fz.now);
	sync_tx();
	if (c != NULL)
		slot_new(c);
}

static void
misc_record(struct fz_in *in)
{
	uint8_t what = fz_u8(in), arg = fz_u8(in);
	struct ptg_conn *c;
	struct slot *s;
	uint8_t buf[64];
	int rc;

	deliver_held();
	s = pick_slot(arg);
	switch (what % 8) {
	case 0:
		/* Take one from the manual listener's accept queue. */
		c = ptg_tcp_accept(fz.tcp, PORT_MANUAL);
		sync_tx();
		if (c != NULL) {
			rc = ptg_conn_state(c) <= PTG_TCPS_TIME_WAIT;
			FZ_CHECK(rc);
			ptg_conn_set_ctx(c, NULL);
			slot_new(c);
			ptg_recv_resume(c);
		}
		break;
	case 1:
		if (s != NULL && !s->closing)
			ptg_recv_resume(s->c);
		break;
	case 2:
		if (s != NULL && !s->closing) {
			rc = ptg_conn_set_rcvbuf(s->c, 1024u << (arg >> 5));
			FZ_CHECKF(rc == 0 || rc == -ENOTCONN, "rc %d", rc);
		}
		break;
	case 3:
		if (s != NULL && !s->closing)
			ptg_conn_set_nodelay(s->c, arg & 1);
		break;
	case 4:
		if (s != NULL && !s->closing) {
			size_t n = ptg_recv_peek(s->c, arg >> 3, buf,
						 sizeof(buf));

			FZ_CHECK(n <= sizeof(buf));
		}
		break;
	case 5:
		/* Listener on or off (its queued connections reset). */
		if (arg & 1) {
			ptg_tcp_unlisten(fz.tcp, lports[(arg >> 1) & 1]);
		} else {
			rc = ptg_tcp_listen(fz.tcp, lports[(arg >> 1) & 1],
					    &svc_ops, &fz, 1 + (arg >> 4));
			FZ_CHECKF(rc == 0 || rc == -EADDRINUSE, "listen %d",
				  rc);
			if (rc == 0 && ((arg >> 1) & 1))
				ptg_tcp_set_manual_accept(fz.tcp, PORT_MANUAL,
							  1);
		}
		break;
	case 6:
		rc = ptg_tcp_listen_set_rcvbuf(fz.tcp, lports[arg & 1],
					       arg & 2 ? 0 : 512u << (arg >> 5));
		FZ_CHECKF(rc == 0 || rc == -ENOENT || rc == -EINVAL, "rc %d",
			  rc);
		break;
	default:
		if (s != NULL) {
			struct ptg_conn_info ci;

			ptg_conn_info(s->c, &ci);
			FZ_CHECK(ci.state != PTG_TCPS_LISTEN &&
				 ci.state < PTG_TCPS_NB);
			FZ_CHECK(ptg_send_queued(s->c) == ci.sndq_bytes);
		}
		break;
	}
	ptg_stack_flush(fz.st);
}

/* "IP_PEER (or IP_GW) is at its MAC", to us. */
static void
arp_reply(bool gw)
{
	uint8_t a[42];

	memcpy(a, &mac_local, 6);
	memcpy(a + 6, gw ? &mac_gw : &mac_peer, 6);
	fz_put16(a + 12, RTE_ETHER_TYPE_ARP);
	fz_put16(a + 14, 1);
	fz_put16(a + 16, RTE_ETHER_TYPE_IPV4);
	a[18] = 6;
	a[19] = 4;
	fz_put16(a + 20, 2);
	memcpy(a + 22, gw ? &mac_gw : &mac_peer, 6);
	memcpy(a + 28, &(rte_be32_t){ gw ? IP_GW : IP_PEER }, 4);
	memcpy(a + 32, &mac_local, 6);
	memcpy(a + 38, &(rte_be32_t){ IP_LOCAL }, 4);
	deliver(a, sizeof(a), false, 0);
}

/* DUP: the last frame again; ARP: a reply from the peer or gateway. */
static void
dup_record(struct fz_in *in)
{
	uint8_t b = fz_u8(in);

	if (b & 1) {
		arp_reply(b & 2);
	} else if (fz.last_len > 0) {
		uint8_t copy[FRAME_MAX];

		memcpy(copy, fz.last, fz.last_len);
		deliver(copy, fz.last_len, b & 4, b >> 3);
	}
}

/* ---- an input ------------------------------------------------------------------ */

/*
 * Config bytes:
 *   0: bit 0 timestamps, 1 SACK, 2 CUBIC, 3-4 SYN cookies (auto, always,
 *      never, auto), 5 RST on a full accept queue, 6 Nagle, 7 keepalive
 *   1: bits 0-3 window scale (mod 15), 4-5 rcvbuf, 6-7 sndbuf
 *   2: bits 0-1 SYN queue, 2-3 backlog, 4-5 MSS, 6 no ARP entries made,
 *      7 RX checksum offload flags on frames
 *   3: the service mode (SVC_*)
 */
static void
stack_new(struct fz_in *in)
{
	static const uint32_t bufs[4] = { 2048, 8192, 65536, 262144 };
	static const uint32_t qlen[4] = { 1, 2, 4, 16 };
	static const uint16_t mss[4] = { 0, 88, 536, 1000 };
	static const enum ptg_tcp_syncookies ck[4] = {
		PTG_TCP_SYNCOOKIES_AUTO, PTG_TCP_SYNCOOKIES_ALWAYS,
		PTG_TCP_SYNCOOKIES_NEVER, PTG_TCP_SYNCOOKIES_AUTO };
	uint8_t c0 = fz_u8(in), c1 = fz_u8(in), c2 = fz_u8(in);
	struct ptg_stack_config sc;
	int rc;

	ptg_stack_config_default(&sc);
	sc.net.mac = mac_local;
	sc.net.addr = IP_LOCAL;
	sc.net.prefix_len = 24;
	sc.net.gateway = IP_GW;
	sc.net.mtu = MTU;
	sc.net.arp_entries = 8;
	sc.net.arp_queue_per_entry = 4;
	sc.net.offloads = c2 & 0x80 ? PTG_NET_OFF_RX_IPV4_CKSUM |
				       PTG_NET_OFF_RX_L4_CKSUM : 0;
	sc.net.tx = tx_cb;
	sc.mp = fz_pool();
	sc.tcp.max_conns = 16;
	sc.tcp.timestamps = c0 & 1;
	sc.tcp.sack = !!(c0 & 2);
	sc.tcp.cc = c0 & 4 ? "cubic" : "newreno";
	sc.tcp.syncookies = ck[(c0 >> 3) & 3];
	sc.tcp.accept_overflow_rst = !!(c0 & 0x20);
	sc.tcp.nodelay = !(c0 & 0x40);
	if (c0 & 0x80) {
		sc.tcp.keepalive_idle_ns = 10 * NS_S;
		sc.tcp.keepalive_intvl_ns = 1 * NS_S;
		sc.tcp.keepalive_probes = 3;
	}
	sc.tcp.wscale = (uint8_t)((c1 & 0x0f) % 15);
	sc.tcp.rcvbuf = bufs[(c1 >> 4) & 3];
	sc.tcp.sndbuf = bufs[(c1 >> 6) & 3];
	sc.tcp.syn_queue_len = qlen[c2 & 3];
	sc.tcp.backlog = qlen[(c2 >> 2) & 3];
	sc.tcp.mss = mss[(c2 >> 4) & 3];
	sc.tcp.msl_ns = MSL_NS;
	sc.tcp.fin_wait2_ns = 2 * NS_S;
	sc.tcp.challenge_ack_limit = 20;
	fz.svc = fz_u8(in);
	fz.rx_offload = c2 & 0x80;

	fz.st = ptg_stack_create(&sc);
	FZ_CHECK(fz.st != NULL);
	fz.tcp = ptg_stack_tcp(fz.st);
	rc = ptg_tcp_listen(fz.tcp, PORT_AUTO, &svc_ops, &fz, 0);
	FZ_CHECK(rc == 0);
	rc = ptg_tcp_listen(fz.tcp, PORT_MANUAL, &svc_ops, &fz, 0);
	FZ_CHECK(rc == 0);
	rc = ptg_tcp_set_manual_accept(fz.tcp, PORT_MANUAL, 1);
	FZ_CHECK(rc == 0);
	if (!(c2 & 0x40)) {
		/* The peer and the gateway are known: output leaves at once. */
		arp_reply(false);
		arp_reply(true);
		fz.last_len = 0;
	}
}

/* Stop the engine, let time run past the linger, check that nothing is
 * left, free the stack. */
static void
finish(void)
{
	unsigned int i;

	deliver_held();
	TRACE("%6.3f stop\n", (double)fz.now / NS_S);
	ptg_tcp_stop(fz.tcp, fz.now, LINGER_NS);
	ptg_stack_flush(fz.st);
	/* Past the linger (RST for what is left) and TIME-WAIT (2 MSL). */
	for (i = 0; i < 4; i++)
		advance(200 * NS_MS);
	if (trace) {
		const uint64_t *v = (const uint64_t *)ptg_tcp_stats(fz.tcp);

		for (i = 0; i < PTG_TCP_NB_STATS; i++)
			if (v[i] != 0)
				TRACE("  %s %" PRIu64 "\n", ptg_tcp_stat_name(i),
				      v[i]);
		v = (const uint64_t *)ptg_net_stats(ptg_stack_net(fz.st));
		for (i = 0; i < PTG_NET_NB_STATS; i++)
			if (v[i] != 0)
				TRACE("  net %s %" PRIu64 "\n",
				      ptg_net_stat_name(i), v[i]);
	}
	FZ_CHECKF(ptg_tcp_conn_count(fz.tcp) == 0, "%u connections left "
		  "after the stop and its linger", ptg_tcp_conn_count(fz.tcp));
	FZ_CHECKF(fz.nb_slots == 0, "%u connections never got on_close",
		  fz.nb_slots);
	ptg_stack_free(fz.st);
	fz.st = NULL;
	fz.tcp = NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("PTG_FUZZ_TRACE") != NULL;
	if (getenv("PTG_FUZZ_SELFTEST") != NULL) {
		const char *st = getenv("PTG_FUZZ_SELFTEST");

		if (strcmp(st, "mbuf-leak") == 0)
			selftest = ST_MBUF_LEAK;
		else if (strcmp(st, "malloc-leak") == 0)
			selftest = ST_MALLOC_LEAK;
		else if (strcmp(st, "invariant") == 0)
			selftest = ST_INVARIANT;
		else
			fz_fail("PTG_FUZZ_SELFTEST=%s: mbuf-leak, malloc-leak "
				"or invariant", st);
	}
	fz_eal_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_mark mark;
	struct fz_in in;
	unsigned int records = 0;

	fz_mark(&mark);
	memset(&fz, 0, sizeof(fz));
	fz.now = 1 * NS_S;
	/* The engine's ISN secret and anything else random: the same for
	 * every run of an input. */
	rte_srand(0x9e3779b97f4a7c15ull);
	fz_in_init(&in, data, size);
	stack_new(&in);
	while (fz_left(&in) > 0 && records++ < 4096) {
		unsigned int op = fz_u8(&in) % 16;

		TRACE("%6.3f op %u (%u connections)\n",
		      (double)fz.now / NS_S, op, fz.nb_slots);

		switch (op) {
		case 6:
			raw_record(&in);
			break;
		case 7:
			advance_record(&in);
			break;
		case 8:
		case 9:
		case 10:
		case 11:
			conn_record(&in, op);
			break;
		case 12:
			connect_record(&in);
			break;
		case 13:
			misc_record(&in);
			break;
		case 14:
			deliver_held();
			fz.svc = fz_u8(&in);
			break;
		case 15:
			dup_record(&in);
			break;
		default:
			seg_record(&in);
			break;
		}
	}
	finish();
	if (selftest == ST_MBUF_LEAK)
		FZ_CHECK(rte_pktmbuf_alloc(fz_pool()) != NULL);
	if (selftest == ST_MALLOC_LEAK) {
		/* The pointer dies with the frame: LeakSanitizer's to find. */
		char *volatile lost = malloc(64);

		FZ_CHECK(lost != NULL);
	}
	fz_check_leaks(&mark);
	return 0;
}
