/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP options: parse what a segment carries, write what we send.
 *
 *   tcp_input() -> tcp_parse_options()
 *   tcp_output() -> tcp_write_options() | tcp_write_syn_options()
 *
 * Kinds: EOL 0, NOP 1, MSS 2 (RFC 9293 3.2), WS 3 and TS 8 (RFC 7323),
 * SACK-permitted 4 and SACK 5 (RFC 2018). Unknown kinds are skipped by their
 * length (RFC 9293 3.2: "must be prepared to handle an illegal option
 * length ... reset the connection" – we drop the segment instead, which an
 * off-path attacker cannot turn into a reset).
 */
#include <string.h>

#include <rte_byteorder.h>

#include "tcp_priv.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_PERM 4
#define OPT_SACK 5
#define OPT_TS 8

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

/* Returns 0, or -1 for a malformed option list (segment to be dropped). */
int
tcp_parse_options(const uint8_t *p, unsigned int len, int syn,
		  struct tcp_opts *o)
{
	unsigned int i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = p[i];
		uint8_t olen;

		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		switch (kind) {
		case OPT_MSS:
			if (olen != 4)
				return -1;
			/* RFC 9293 3.7.1: only meaningful on SYN. */
			if (syn) {
				o->has_mss = 1;
				o->mss = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
			}
			break;
		case OPT_WS:
			if (olen != 3)
				return -1;
			if (syn) {
				o->has_ws = 1;
				/* RFC 7323 2.3: a shift above 14 is used as 14. */
				o->wscale = RTE_MIN(p[i + 2], TCP_MAX_WSCALE);
			}
			break;
		case OPT_SACK_PERM:
			if (olen != 2)
				return -1;
			if (syn)
				o->sack_ok = 1;
			break;
		case OPT_SACK:
			if (olen < 10 || (olen - 2) % 8 != 0)
				return -1;
			for (unsigned int b = 0; b < (olen - 2u) / 8 &&
			     o->nb_sack < TCP_SACK_MAX_BLOCKS; b++) {
				o->sack[o->nb_sack][0] = get32(p + i + 2 + 8 * b);
				o->sack[o->nb_sack][1] = get32(p + i + 6 + 8 * b);
				o->nb_sack++;
			}
			break;
		case OPT_TS:
			if (olen != 10)
				return -1;
			o->has_ts = 1;
			o->tsval = get32(p + i + 2);
			o->tsecr = get32(p + i + 6);
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/* SYN and SYN-ACK layout (20 bytes at most, 4-byte aligned):
 *   MSS(4) | SACK-perm(2) TS(10) or NOP NOP TS(10) | NOP WS(3) */
unsigned int
tcp_write_syn_options(uint8_t *p, uint16_t mss, int ws, uint8_t wscale,
		      int sack, int ts, uint32_t tsval, uint32_t tsecr)
{
	unsigned int n = 0;

	p[n++] = OPT_MSS;
	p[n++] = 4;
	p[n++] = mss >> 8;
	p[n++] = mss & 0xff;
	if (ts) {
		if (sack) {
			p[n++] = OPT_SACK_PERM;
			p[n++] = 2;
		} else {
			p[n++] = OPT_NOP;
			p[n++] = OPT_NOP;
		}
		p[n++] = OPT_TS;
		p[n++] = 10;
		put32(p + n, tsval);
		put32(p + n + 4, tsecr);
		n += 8;
	} else if (sack) {
		p[n++] = OPT_NOP;
		p[n++] = OPT_NOP;
		p[n++] = OPT_SACK_PERM;
		p[n++] = 2;
	}
	if (ws) {
		p[n++] = OPT_NOP;
		p[n++] = OPT_WS;
		p[n++] = 3;
		p[n++] = wscale;
	}
	return n;
}

/* Options on a synchronized segment: timestamps, then SACK blocks for what
 * sits in the out-of-order queue, after a D-SACK block if one is pending
 * (RFC 2018 4, RFC 2883 4; tcp_reass_sack_blocks()). With timestamps
 * three blocks fit, four without. */
unsigned int
tcp_write_options(const struct ptg_conn *c, uint8_t *p, uint32_t tsval,
		  int with_sack)
{
	unsigned int n = 0;

	if (c->flags & TF_TS_OK) {
		p[n++] = OPT_NOP;
		p[n++] = OPT_NOP;
		p[n++] = OPT_TS;
		p[n++] = 10;
		put32(p + n, tsval);
		put32(p + n + 4, c->ts_recent);
		n += 8;
	}
	if (with_sack && tcp_reass_has_sack(c)) {
		uint32_t blocks[TCP_SACK_MAX_BLOCKS][2];
		unsigned int max = (TCP_MAX_OPT_LEN - n - 4) / 8;
		unsigned int nb = tcp_reass_sack_blocks(c, blocks,
					RTE_MIN(max, TCP_SACK_MAX_BLOCKS));

		if (nb > 0) {
			p[n++] = OPT_NOP;
			p[n++] = OPT_NOP;
			p[n++] = OPT_SACK;
			p[n++] = 2 + 8 * nb;
			for (unsigned int i = 0; i < nb; i++) {
				put32(p + n, blocks[i][0]);
				put32(p + n + 4, blocks[i][1]);
				n += 8;
			}
		}
	}
	return n;
}
