/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_isn.c: the keyed hash (SipHash-2-4), RFC 6528 initial
 * sequence numbers (ISN = M + F(4-tuple, secret), M ticking every 2^12 ns)
 * with the RFC 7323 5.4 timestamp offset from the same hash, and RFC 4987
 * SYN cookies: the round trip of the MSS index and of the options, and
 * one named case per way a cookie must be refused, each also through the
 * engine with the counter it raises (syncookies_bad).
 *
 * Keys are set by hand after the kit makes the engine, so every value
 * here is reproducible.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define M_TICK_NS 4096ull               /* RFC 6528 M: 2^12 ns, ~4 us */
#define COOKIE_SLOT_NS (1ull << 36)     /* ~68.7 s */

static const uint64_t isn_key_a[2] = { 0x0123456789abcdefull,
				       0xfedcba9876543210ull };
static const uint64_t isn_key_b[2] = { 0x0123456789abcdefull,
				       0xfedcba9876543211ull };
static const uint64_t cookie_key[2] = { 0x1111222233334444ull,
					0x5555666677778888ull };

static const struct ptg_test_tcp_opts mss536 = { .has_mss = 1, .mss = 536 };

static const uint16_t mss_table[8] = { PTG_TCP_MSS_MIN, 536, 1200, 1300,
				       1400, 1440, 1460, 8960 };

static struct tt *
isn_kit(void (*tweak)(struct ptg_tcp_config *))
{
	struct tt *t = tt_new(tweak);

	memcpy(t->tcp->isn_key, isn_key_a, sizeof(isn_key_a));
	memcpy(t->tcp->cookie_key, cookie_key, sizeof(cookie_key));
	return t;
}

static void
tweak_cookies(struct ptg_tcp_config *cfg)
{
	cfg->syncookies = PTG_TCP_SYNCOOKIES_ALWAYS;
}

/* ---- SipHash-2-4 ---------------------------------------------------------- */

/* The reference vectors: key 00 01 .. 0f, message 00 01 .. (n - 1). The
 * lengths cover the empty message, a tail only, whole 8-byte words, and
 * words plus a tail. */
static void
test_siphash_vectors(void **state)
{
	const struct {
		size_t len;
		uint64_t out;
	} v[] = {
		{ 0, 0x726fdb47dd0e0e31ull },
		{ 1, 0x74f839c593dc67fdull },
		{ 7, 0xab0200f58b01d137ull },
		{ 8, 0x93f5f5799a932462ull },
		{ 15, 0xa129ca6149be45e5ull },
		{ 16, 0x3f2acc7f57c29bdbull },
		{ 24, 0xb8ad50c6f649af94ull },
		{ 63, 0x958a324ceb064572ull },
	};
	uint64_t key[2];
	uint8_t k[16], msg[64];

	(void)state;
	for (unsigned int i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)i;
	for (unsigned int i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	/* The key is read as two little-endian words. */
	key[0] = rte_le_to_cpu_64(*(const unaligned_uint64_t *)k);
	key[1] = rte_le_to_cpu_64(*(const unaligned_uint64_t *)(k + 8));
	for (unsigned int i = 0; i < RTE_DIM(v); i++)
		assert_int_equal(tcp_siphash(key, msg, v[i].len), v[i].out);
}

/* ---- RFC 6528 ISN --------------------------------------------------------- */

/* F differs for every field of the 4-tuple and for the direction; the
 * engine's SYN-ACK carries exactly M + F (RFC 6528 3), and its TSval the
 * high half of the same hash as offset (RFC 7323 5.4). */
static void
test_isn_per_tuple(void **state)
{
	struct tt *t = isn_kit(NULL);
	const rte_be32_t L = PTG_TEST_IP_LOCAL, R = PTG_TEST_IP_PEER;
	const uint64_t now = t->env->now;
	uint32_t isn[7];
	uint64_t secret;
	struct ptg_test_pkt p;

	(void)state;
	isn[0] = tcp_isn_from(tcp_tuple_secret(t->tcp, L, 8080, R, 40000), now);
	isn[1] = tcp_isn_from(tcp_tuple_secret(t->tcp, L, 8080, R, 40001), now);
	isn[2] = tcp_isn_from(tcp_tuple_secret(t->tcp, L, 8081, R, 40000), now);
	isn[3] = tcp_isn_from(tcp_tuple_secret(t->tcp, L, 8080,
				PTG_TEST_IP_REMOTE, 40000), now);
	isn[4] = tcp_isn_from(tcp_tuple_secret(t->tcp, PTG_TEST_IP_GW, 8080,
				R, 40000), now);
	isn[5] = tcp_isn_from(tcp_tuple_secret(t->tcp, R, 40000, L, 8080), now);
	isn[6] = tcp_isn_from(tcp_tuple_secret(t->tcp, L, 40000, R, 8080), now);
	for (unsigned int i = 0; i < RTE_DIM(isn); i++)
		for (unsigned int j = i + 1; j < RTE_DIM(isn); j++)
			assert_int_not_equal(isn[i], isn[j]);
	/* Same tuple, same time: the same number. */
	assert_int_equal(tcp_isn_from(tcp_tuple_secret(t->tcp, L, 8080, R,
						       40000), now), isn[0]);

	/* On the wire. */
	for (uint16_t sport = 40000; sport <= 40001; sport++) {
		tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .seq = 1,
			.flags = SYN }, &(struct ptg_test_tcp_opts){
			.has_mss = 1, .mss = 1460, .has_ts = 1, .tsval = 5 });
		tt_pop(t, &p);
		secret = tcp_tuple_secret(t->tcp, L, TT_PORT, R, sport);
		assert_int_equal(p.seq, (uint32_t)secret + (uint32_t)(now >> 12));
		assert_int_equal(p.seq, isn[sport - 40000]);
		assert_int_equal(p.opts.tsval,
				 (uint32_t)(now >> 20) + (uint32_t)(secret >> 32));
		tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = 2,
						 .flags = RST });
	}
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_free(t);
}

/* M advances one per 2^12 ns: 244140 per second (RFC 6528 asks for a
 * 4 us timer; 4.096 us is 2.4 % slower), and wraps after 2^44 ns (about
 * 4.9 hours). Through the engine: the same tuple one second later. */
static void
test_isn_clock_rate(void **state)
{
	struct tt *t = isn_kit(NULL);
	const uint64_t t0 = 1ull << 40;     /* a multiple of 2^12 */
	const uint64_t secret = 0xdeadbeef00c0ffeeull;
	struct ptg_test_pkt p;
	uint32_t a, b;
	uint64_t now0;

	(void)state;
	assert_int_equal(tcp_isn_from(secret, t0), 0x00c0ffeeu + (uint32_t)(t0 >> 12));
	assert_int_equal(tcp_isn_from(secret, t0 + M_TICK_NS - 1) -
			 tcp_isn_from(secret, t0), 0);
	assert_int_equal(tcp_isn_from(secret, t0 + M_TICK_NS) -
			 tcp_isn_from(secret, t0), 1);
	assert_int_equal(tcp_isn_from(secret, t0 + PTG_TEST_S(1)) -
			 tcp_isn_from(secret, t0), 244140);
	assert_int_equal(tcp_isn_from(secret, t0 + PTG_TEST_S(60)) -
			 tcp_isn_from(secret, t0), 14648437);
	assert_int_equal(tcp_isn_from(secret, t0 + (1ull << 44)),
			 tcp_isn_from(secret, t0));
	/* Only the low half of the secret goes into the ISN. */
	assert_int_equal(tcp_isn_from(secret ^ (1ull << 63), t0),
			 tcp_isn_from(secret, t0));

	now0 = t->env->now;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	a = p.seq;
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .flags = RST });
	tt_advance(t, PTG_TEST_S(1));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	b = p.seq;
	assert_int_equal(b - a, (uint32_t)((now0 + PTG_TEST_S(1)) >> 12) -
				(uint32_t)(now0 >> 12));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .flags = RST });
	tt_skip(t);
	tt_free(t);
}

/* Another secret (RFC 6528 3: a restart draws a new one), another ISN and
 * TSval offset; the same secret again, the same ones. */
static void
test_isn_secret_changes(void **state)
{
	struct tt *t = isn_kit(NULL);
	const rte_be32_t L = PTG_TEST_IP_LOCAL, R = PTG_TEST_IP_PEER;
	uint64_t sa, sb;
	struct ptg_test_pkt p;

	(void)state;
	sa = tcp_tuple_secret(t->tcp, L, TT_PORT, R, TT_PEER_PORT);
	memcpy(t->tcp->isn_key, isn_key_b, sizeof(isn_key_b));
	sb = tcp_tuple_secret(t->tcp, L, TT_PORT, R, TT_PEER_PORT);
	assert_int_not_equal((uint32_t)sa, (uint32_t)sb);
	assert_int_not_equal(sa >> 32, sb >> 32);
	assert_int_not_equal(tcp_isn_from(sa, t->env->now),
			     tcp_isn_from(sb, t->env->now));
	/* The engine follows its key. */
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.seq, tcp_isn_from(sb, t->env->now));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .flags = RST });
	memcpy(t->tcp->isn_key, isn_key_a, sizeof(isn_key_a));
	assert_int_equal(tcp_tuple_secret(t->tcp, L, TT_PORT, R, TT_PEER_PORT), sa);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1, .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.seq, tcp_isn_from(sa, t->env->now));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 2, .flags = RST });
	tt_skip(t);
	tt_free(t);
}

/* ---- SYN cookies: the functions ------------------------------------------- */

/* A segment as tcp_input() decodes it, with the headers it points at. */
struct cseg {
	struct rte_ipv4_hdr ip;
	struct rte_tcp_hdr th;
	struct tcp_seg seg;
};

static void
cseg_init(struct cseg *s, rte_be32_t src, uint16_t sport, rte_be32_t dst,
	  uint16_t dport)
{
	memset(s, 0, sizeof(*s));
	s->ip.src_addr = src;
	s->ip.dst_addr = dst;
	s->th.src_port = rte_cpu_to_be_16(sport);
	s->th.dst_port = rte_cpu_to_be_16(dport);
	s->seg.ip = &s->ip;
	s->seg.th = &s->th;
}

/* The SYN from the peer's usual tuple with ISN @isn and MSS @mss (0: no
 * option); returns the cookie and the MSS it stands for. */
static uint32_t
make(struct tt *t, uint32_t isn, uint16_t mss, uint64_t now, uint16_t *got)
{
	struct cseg s;

	cseg_init(&s, PTG_TEST_IP_PEER, TT_PEER_PORT, PTG_TEST_IP_LOCAL, TT_PORT);
	s.seg.seq = isn;
	s.seg.opt.has_mss = mss != 0;
	s.seg.opt.mss = mss;
	return tcp_cookie_make(t->tcp, &s.seg, got, TCP_COOKIE_NO_TS, NULL, now);
}

/* The ACK completing it: seq = ISN + 1, ack = cookie + 1. */
static int
check(struct tt *t, uint32_t seq, uint32_t ack, uint64_t now, uint16_t *mss)
{
	struct cseg s;

	cseg_init(&s, PTG_TEST_IP_PEER, TT_PEER_PORT, PTG_TEST_IP_LOCAL, TT_PORT);
	s.seg.seq = seq;
	s.seg.ack = ack;
	return tcp_cookie_check(t->tcp, &s.seg, mss, TCP_COOKIE_NO_TS, 0, now);
}

/* The MSS rounds down to the table, whose first entry is the engine's
 * smallest MSS: a cookie never promises more than the peer asked for
 * (RFC 9293 3.7.1), except below PTG_TCP_MSS_MIN, where the engine uses
 * that with or without cookies; no option at all (0 here) means 536.
 * Its index sits in bits 27-29, the time slot (mod 4) in bits 30-31; the check
 * gives the same MSS back. */
static void
test_cookie_round_trip_mss(void **state)
{
	struct tt *t = isn_kit(NULL);
	const struct {
		uint16_t peer;
		unsigned int idx;
	} v[] = {
		{ 0, 1 }, { 87, 0 }, { 88, 0 }, { 256, 0 }, { 535, 0 },
		{ 536, 1 }, { 1199, 1 }, { 1200, 2 }, { 1300, 3 },
		{ 1439, 4 }, { 1440, 5 }, { 1459, 5 }, { 1460, 6 },
		{ 1461, 6 }, { 4312, 6 }, { 8959, 6 }, { 8960, 7 },
		{ 65535, 7 },
	};
	const uint64_t now = 5 * COOKIE_SLOT_NS + 12345;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(v); i++) {
		uint16_t mss = 0, back = 0;
		uint32_t isn = 0x9000 + i * 0x10001;
		uint32_t c = make(t, isn, v[i].peer, now, &mss);

		assert_int_equal(mss, mss_table[v[i].idx]);
		assert_int_equal((c >> 27) & 7, v[i].idx);
		assert_int_equal(c >> 30, 5 & 3);
		assert_int_equal(check(t, isn + 1, c + 1, now, &back), 0);
		assert_int_equal(back, mss);
	}
	tt_free(t);
}

/* ---- SYN cookies: the engine's side ---------------------------------------- */

/* SYN with @o from @sport; the cookie SYN-ACK is popped into @p and no
 * state is kept. */
static uint32_t
cookie_syn(struct tt *t, uint16_t sport, uint32_t isn,
	   const struct ptg_test_tcp_opts *o, struct ptg_test_pkt *p)
{
	unsigned int sent = TT_STAT(t, syncookies_sent);

	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .seq = isn,
					     .flags = SYN }, o);
	tt_pop(t, p);
	assert_int_equal(p->tcp_flags, SYN | ACK);
	assert_int_equal(p->ack, isn + 1);
	assert_int_equal(TT_STAT(t, syncookies_sent), sent + 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	return p->seq;
}

/* The final ACK is refused: RST at its ack number, syncookies_bad up by
 * one, no connection. */
static void
cookie_ack_refused(struct tt *t, uint16_t sport, uint32_t seq, uint32_t ack)
{
	unsigned int bad = TT_STAT(t, syncookies_bad);
	struct ptg_test_pkt p;

	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = seq,
					 .ack = ack, .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	assert_int_equal(p.seq, ack);
	assert_int_equal(TT_STAT(t, syncookies_bad), bad + 1);
	assert_int_equal(TT_STAT(t, syncookies_ok), 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(t->rec.accepts, 0);
	tt_none(t);
}

/* Wrong secret: a cookie made under one key is refused under another. */
static void
test_cookie_rejects_wrong_secret(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const uint64_t now = t->env->now;
	uint16_t mss;
	uint32_t c = make(t, 777, 1460, now, &mss);
	struct ptg_test_pkt p;

	(void)state;
	t->tcp->cookie_key[1] ^= 1;
	assert_int_equal(check(t, 778, c + 1, now, &mss), -1);
	t->tcp->cookie_key[1] ^= 1;
	assert_int_equal(check(t, 778, c + 1, now, &mss), 0);

	/* On the wire: the key changes between SYN-ACK and ACK. */
	c = cookie_syn(t, 42000, 500, &mss536, &p);
	t->tcp->cookie_key[0] ^= 1ull << 40;
	cookie_ack_refused(t, 42000, 501, c + 1);
	tt_free(t);
}

/* Expiry: the slot it was made in and the next are accepted; two slots
 * later, a slot earlier (from the future), or 4, 5, 32 or 33 slots later
 * (the same 2-bit slot number, or the one after: the MAC covers the
 * whole slot number) it is refused. */
static void
test_cookie_rejects_expired(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const uint64_t slot = 7, made = slot * COOKIE_SLOT_NS + COOKIE_SLOT_NS - 1;
	uint16_t mss;
	uint32_t c = make(t, 777, 1460, made, &mss);
	struct ptg_test_pkt p;

	(void)state;
	assert_int_equal(check(t, 778, c + 1, made, &mss), 0);
	assert_int_equal(check(t, 778, c + 1, slot * COOKIE_SLOT_NS, &mss), 0);
	assert_int_equal(check(t, 778, c + 1, (slot + 1) * COOKIE_SLOT_NS, &mss), 0);
	assert_int_equal(check(t, 778, c + 1,
			       (slot + 2) * COOKIE_SLOT_NS - 1, &mss), 0);
	assert_int_equal(check(t, 778, c + 1, (slot + 2) * COOKIE_SLOT_NS, &mss), -1);
	assert_int_equal(check(t, 778, c + 1, (slot + 5) * COOKIE_SLOT_NS, &mss), -1);
	assert_int_equal(check(t, 778, c + 1, slot * COOKIE_SLOT_NS - 1, &mss), -1);
	assert_int_equal(check(t, 778, c + 1, made + 4 * COOKIE_SLOT_NS, &mss), -1);
	assert_int_equal(check(t, 778, c + 1, made + 5 * COOKIE_SLOT_NS, &mss), -1);
	assert_int_equal(check(t, 778, c + 1, made + 32 * COOKIE_SLOT_NS, &mss), -1);
	assert_int_equal(check(t, 778, c + 1,
			       made + 33 * COOKIE_SLOT_NS, &mss), -1);

	/* On the wire: two slots (~137 s) later. */
	c = cookie_syn(t, 42005, 500, &mss536, &p);
	tt_advance(t, 2 * COOKIE_SLOT_NS);
	cookie_ack_refused(t, 42005, 501, c + 1);
	tt_free(t);
}

/* A tampered MSS index must not turn into another valid cookie (with a
 * bigger MSS than the peer announced). */
static void
test_cookie_rejects_tampered_mss(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const uint64_t now = t->env->now;
	struct ptg_test_pkt p;
	uint32_t c;

	(void)state;
	for (unsigned int i = 0; i < 8; i++) {
		uint16_t mss;

		c = make(t, 1000 + i, mss_table[i], now, &mss);
		assert_int_equal((c >> 27) & 7, i);
		for (unsigned int j = 0; j < 8; j++) {
			uint32_t bad = (c & ~(7u << 27)) | (j << 27);

			if (j == i)
				continue;
			mss = 0;
			assert_int_equal(check(t, 1001 + i, bad + 1, now, &mss), -1);
			assert_int_equal(mss, 0);  /* left alone */
		}
	}

	/* On the wire: 536 -> 8960. */
	c = cookie_syn(t, 42002, 500, &mss536, &p);
	cookie_ack_refused(t, 42002, 501, (c | (7u << 27)) + 1);
	tt_free(t);
}

/* Tampered sequence or acknowledgment number: the peer's ISN (seq - 1) is
 * hashed, and so is every bit of the cookie's own hash and slot. */
static void
test_cookie_rejects_tampered_seq_ack(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const uint64_t now = 3 * COOKIE_SLOT_NS + 99;
	uint16_t mss;
	uint32_t c = make(t, 0xfffffffeu, 1460, now, &mss);
	struct ptg_test_pkt p;

	(void)state;
	assert_int_equal(check(t, 0xffffffffu, c + 1, now, &mss), 0);
	assert_int_equal(check(t, 0, c + 1, now, &mss), -1);
	assert_int_equal(check(t, 0xfffffffeu, c + 1, now, &mss), -1);
	assert_int_equal(check(t, 0x7fffffffu, c + 1, now, &mss), -1);
	for (unsigned int bit = 0; bit < 32; bit++) {
		if (bit >= 27 && bit <= 29)
			continue;               /* the MSS index: see above */
		assert_int_equal(check(t, 0xffffffffu, (c ^ (1u << bit)) + 1,
				       now, &mss), -1);
	}
	assert_int_equal(check(t, 0xffffffffu, c, now, &mss), -1);
	assert_int_equal(check(t, 0xffffffffu, c + 2, now, &mss), -1);

	/* On the wire, both ways. */
	c = cookie_syn(t, 42001, 500, &mss536, &p);
	cookie_ack_refused(t, 42001, 502, c + 1);
	cookie_ack_refused(t, 42001, 501, (c ^ 0x10) + 1);
	tt_free(t);
}

/* Another 4-tuple: each address and port is hashed. */
static void
test_cookie_rejects_wrong_tuple(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const uint64_t now = t->env->now;
	const struct {
		rte_be32_t src, dst;
		uint16_t sport, dport;
	} v[] = {
		{ PTG_TEST_IP_REMOTE, PTG_TEST_IP_LOCAL, TT_PEER_PORT, TT_PORT },
		{ PTG_TEST_IP_PEER, PTG_TEST_IP_GW, TT_PEER_PORT, TT_PORT },
		{ PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL, TT_PEER_PORT + 1, TT_PORT },
		{ PTG_TEST_IP_PEER, PTG_TEST_IP_LOCAL, TT_PEER_PORT, TT_PORT + 1 },
		{ PTG_TEST_IP_LOCAL, PTG_TEST_IP_PEER, TT_PORT, TT_PEER_PORT },
	};
	uint16_t mss;
	uint32_t c = make(t, 4242, 1460, now, &mss);
	struct ptg_test_pkt p;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(v); i++) {
		struct cseg s;

		cseg_init(&s, v[i].src, v[i].sport, v[i].dst, v[i].dport);
		s.seg.seq = 4243;
		s.seg.ack = c + 1;
		assert_int_equal(tcp_cookie_check(t->tcp, &s.seg, &mss,
						  TCP_COOKIE_NO_TS, 0, now), -1);
	}
	assert_int_equal(check(t, 4243, c + 1, now, &mss), 0);

	/* On the wire: the ACK comes from another port of the peer. */
	c = cookie_syn(t, 42003, 500, &mss536, &p);
	cookie_ack_refused(t, 42004, 501, c + 1);
	tt_free(t);
}

/* Window scale and SACK-permitted ride in the low 5 bits of our TSval
 * (bits 0-3 the shift, 15 for none; bit 4 SACK) and come back in the
 * peer's TSecr; without timestamps they are lost. */
static void
test_cookie_round_trip_options(void **state)
{
	struct tt *t = isn_kit(tweak_cookies);
	const struct {
		struct ptg_test_tcp_opts o;
		uint32_t bits;
		uint8_t ws_ok, snd_wscale, sack_ok, ts_ok;
		uint32_t mss;
	} v[] = {
		{ { .has_mss = 1, .mss = 1460, .has_ws = 1, .ws = 3,
		    .sack_perm = 1, .has_ts = 1, .tsval = 10 },
		  3 | 16, 1, 3, 1, 1, 1460 - 12 },
		{ { .has_mss = 1, .mss = 1400, .sack_perm = 1, .has_ts = 1,
		    .tsval = 10 }, 15 | 16, 0, 0, 1, 1, 1400 - 12 },
		{ { .has_mss = 1, .mss = 1300, .has_ws = 1, .ws = 14,
		    .has_ts = 1, .tsval = 10 }, 14, 1, 14, 0, 1, 1300 - 12 },
		{ { .has_mss = 1, .mss = 1460, .has_ws = 1, .ws = 7,
		    .sack_perm = 1 }, 0, 0, 0, 0, 0, 1460 },
	};

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(v); i++) {
		uint16_t sport = 41000 + i;
		struct ptg_test_pkt p;
		struct ptg_conn_info ci;
		uint32_t c = cookie_syn(t, sport, 100, &v[i].o, &p);

		if (v[i].o.has_ts) {
			assert_true(p.opts.has_ts);
			assert_int_equal(p.opts.tsval & 31, v[i].bits);
			assert_int_equal(p.opts.tsecr, 10);
			tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport,
				.seq = 101, .ack = c + 1, .flags = ACK,
				.win = 1000 }, &(struct ptg_test_tcp_opts){
				.has_ts = 1, .tsval = 11, .tsecr = p.opts.tsval });
		} else {
			assert_false(p.opts.has_ts);
			tt_rx(t, &(struct ptg_test_tcp){ .sport = sport,
				.seq = 101, .ack = c + 1, .flags = ACK,
				.win = 1000 });
		}
		assert_int_equal(TT_STAT(t, syncookies_ok), i + 1);
		assert_int_equal(t->rec.accepts, i + 1);
		ptg_conn_info(t->rec.conn, &ci);
		assert_int_equal(ci.state, PTG_TCPS_ESTABLISHED);
		assert_int_equal(ci.mss, v[i].mss);
		assert_int_equal(ci.snd_wscale, v[i].snd_wscale);
		assert_int_equal(ci.snd_wnd, 1000u << v[i].snd_wscale);
		assert_int_equal(ci.rcv_wscale,
				 v[i].ws_ok ? tcp_rcv_wscale(t->tcp) : 0);
		assert_int_equal(ci.sack_ok, v[i].sack_ok);
		assert_int_equal(ci.ts_ok, v[i].ts_ok);
		assert_int_equal(ci.rcv_nxt, 101);
		assert_int_equal(ci.snd_una, c + 1);
		ptg_abort(t->rec.conn);
		tt_skip(t);
	}
	assert_int_equal(TT_STAT(t, syncookies_bad), 0);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_isn_per_tuple),
		cmocka_unit_test(test_isn_clock_rate),
		cmocka_unit_test(test_isn_secret_changes),
		cmocka_unit_test(test_cookie_round_trip_mss),
		cmocka_unit_test(test_cookie_rejects_wrong_secret),
		cmocka_unit_test(test_cookie_rejects_expired),
		cmocka_unit_test(test_cookie_rejects_tampered_mss),
		cmocka_unit_test(test_cookie_rejects_tampered_seq_ack),
		cmocka_unit_test(test_cookie_rejects_wrong_tuple),
		cmocka_unit_test(test_cookie_round_trip_options),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
