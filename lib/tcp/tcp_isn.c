/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keyed hashes of the 4-tuple: initial sequence numbers (RFC 6528),
 * timestamp offsets (RFC 7323 5.4) and SYN cookies (RFC 4987 3.6).
 *
 *   tcp_conn_alloc() -> tcp_tuple_secret() -> ISN and TSval offset
 *   tcp_input() -> listener SYN, queue full -> tcp_cookie_make()
 *   tcp_input() -> cookie ACK    -> tcp_cookie_check()
 *
 * SipHash-2-4 is written here because DPDK offers no keyed PRF: rte_jhash
 * and rte_hash_crc are unkeyed, and rte_thash (Toeplitz) is linear in its
 * key, so an attacker who sees a few ISNs could solve for the secret.
 * RFC 6528 3 asks for a function whose secret cannot be recovered that way.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "tcp_priv.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

uint64_t
tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dULL ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ key[0];
	uint64_t v3 = 0x7465646279746573ULL ^ key[1];
	const uint8_t *p = data;
	uint64_t b = (uint64_t)len << 56;
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		m = rte_le_to_cpu_64(m);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

struct tuple_msg {
	rte_be32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t extra;
	uint64_t extra64;
};

static uint64_t
tuple_hash(const uint64_t key[2], rte_be32_t laddr, uint16_t lport,
	   rte_be32_t raddr, uint16_t rport, uint32_t extra, uint64_t extra64)
{
	struct tuple_msg t = {
		.laddr = laddr, .raddr = raddr, .lport = lport, .rport = rport,
		.extra = extra, .extra64 = extra64,
	};

	return tcp_siphash(key, &t, sizeof(t));
}

/*
 * One keyed hash of the 4-tuple per connection gives both secrets:
 * the low half is F of RFC 6528 3 (ISN = M + F(localip, localport,
 * remoteip, remoteport, key)), the high half the per-connection TSval
 * offset of RFC 7323 5.4. Being a function of the tuple, a SYN cookie
 * connection gets the same offset back.
 */
uint64_t
tcp_tuple_secret(struct ptg_tcp *tcp, rte_be32_t laddr, uint16_t lport,
		 rte_be32_t raddr, uint16_t rport)
{
	return tuple_hash(tcp->isn_key, laddr, lport, raddr, rport, 0, 0);
}

/* RFC 6528 3: M is a timer ticking every 4 microseconds (2^12 ns). */
uint32_t
tcp_isn_from(uint64_t secret, uint64_t now_ns)
{
	return (uint32_t)secret + (uint32_t)(now_ns >> 12);
}

/*
 * SYN cookie layout (RFC 4987 3.6 leaves it to the implementation):
 *   bits 31..30  t mod 4, t = now >> 36 ns (one slot ~68.7 s)
 *   bits 29..27  index into cookie_mss[] (the peer's MSS, rounded down)
 *   bits 26..0   the MAC, 27 bits
 * The MAC is SipHash(key; 4-tuple, peer ISN, t, MSS index, what rides in
 * our TSval) over the full t, so a slot number seen again four slots
 * later does not make the cookie valid again. When the peer does
 * timestamps, our TSval carries (tcp_listen.c) the window scale and SACK
 * bits, authenticated by the MAC, and 6 more bits of the MAC itself,
 * which the peer's TSecr echoes: 33 bits to guess in all.
 */
#define COOKIE_T_SHIFT 36
#define COOKIE_T_BITS 2
#define COOKIE_IDX_SHIFT 27
#define COOKIE_MAC_BITS 27
#define COOKIE_MAC_MASK ((1u << COOKIE_MAC_BITS) - 1)
#define COOKIE_MAX_AGE 1 /* accept the current slot and the one before */

/* Rounding down must never give more than the peer's MSS (RFC 9293
 * 3.7.1: no segment above Eff.snd.MSS), so the table starts at the
 * smallest MSS the engine uses at all (PTG_TCP_MSS_MIN); a peer asking
 * for less gets that, as without cookies (tcp_negotiate()). */
static const uint16_t cookie_mss[8] = {
	PTG_TCP_MSS_MIN, 536, 1200, 1300, 1400, 1440, 1460, 8960
};

/* 64 bits of MAC: 27 for the cookie, 6 for the TSval. The MSS index and
 * the TS bits are hashed too: flipping them must not make another valid
 * cookie. t < 2^28 (now >> 36), so t << 3 | index loses nothing; ts_bits
 * is TCP_COOKIE_NO_TS without timestamps. */
static uint64_t
cookie_mac(struct ptg_tcp *tcp, const struct tcp_seg *seg, uint32_t peer_isn,
	   uint64_t t, unsigned int mss_idx, uint32_t ts_bits)
{
	return tuple_hash(tcp->cookie_key, seg->ip->dst_addr,
			  seg->th->dst_port, seg->ip->src_addr,
			  seg->th->src_port, peer_isn,
			  ((uint64_t)ts_bits << 32) | (t << 3) | mss_idx);
}

uint32_t
tcp_cookie_make(struct ptg_tcp *tcp, const struct tcp_seg *seg, uint16_t *mss,
		uint32_t ts_bits, uint32_t *ts_mac, uint64_t now_ns)
{
	uint16_t want = seg->opt.has_mss ? seg->opt.mss : PTG_TCP_MSS_DEFAULT;
	uint64_t t = now_ns >> COOKIE_T_SHIFT;
	unsigned int i = 0;
	uint64_t mac;

	for (unsigned int j = 0; j < RTE_DIM(cookie_mss); j++)
		if (cookie_mss[j] <= want)
			i = j;
	*mss = cookie_mss[i];
	mac = cookie_mac(tcp, seg, seg->seq, t, i, ts_bits);
	if (ts_mac != NULL)
		*ts_mac = (uint32_t)(mac >> COOKIE_MAC_BITS) & TCP_COOKIE_TS_MAC_MASK;
	return ((uint32_t)(t & ((1u << COOKIE_T_BITS) - 1)) <<
		(COOKIE_IDX_SHIFT + 3)) | (i << COOKIE_IDX_SHIFT) |
	       ((uint32_t)mac & COOKIE_MAC_MASK);
}

/* The ACK completing a cookie handshake acknowledges cookie + 1 and carries
 * the peer's ISN + 1 as its sequence number; with timestamps its TSecr
 * echoes our TSval: @ts_bits its option bits, @ts_mac its MAC bits
 * (ts_bits TCP_COOKIE_NO_TS: no timestamps). */
int
tcp_cookie_check(struct ptg_tcp *tcp, const struct tcp_seg *seg, uint16_t *mss,
		 uint32_t ts_bits, uint32_t ts_mac, uint64_t now_ns)
{
	uint32_t cookie = seg->ack - 1;
	uint64_t now_t = now_ns >> COOKIE_T_SHIFT;
	uint32_t age = ((uint32_t)now_t - (cookie >> (COOKIE_IDX_SHIFT + 3))) &
		       ((1u << COOKIE_T_BITS) - 1);
	unsigned int idx = (cookie >> COOKIE_IDX_SHIFT) & 7;
	uint64_t t, mac;

	if (age > COOKIE_MAX_AGE || now_t < age)
		return -1;
	t = now_t - age;
	mac = cookie_mac(tcp, seg, seg->seq - 1, t, idx, ts_bits);
	if ((cookie & COOKIE_MAC_MASK) != ((uint32_t)mac & COOKIE_MAC_MASK))
		return -1;
	if (ts_bits != TCP_COOKIE_NO_TS &&
	    ts_mac != ((uint32_t)(mac >> COOKIE_MAC_BITS) &
		       TCP_COOKIE_TS_MAC_MASK))
		return -1;
	*mss = cookie_mss[idx];
	return 0;
}
