/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_tcp_options: the TCP option parser and writers of
 * lib/tcp/tcp_options.c, on their own.
 *
 *   LLVMFuzzerTestOneInput() -> tcp_parse_options() (SYN and not)
 *                               vs ref_parse(), a second reading of the
 *                               rules written down in tcp_options.c
 *                            -> tcp_write_syn_options() -> parse again
 *                            -> tcp_write_options() on a control block
 *                               with an out-of-order queue and D-SACK
 *                               -> parse again, blocks checked
 *
 * Input: a flags byte (bit 0 the segment is a SYN, 1 timestamps
 * negotiated, 2 SACK negotiated, 3 a D-SACK block pending, 4-5 what to
 * offer in the SYN writer), a length byte and that many option bytes,
 * then the writers' values: MSS u16, window shift, TSval, TSecr,
 * ts_recent, D-SACK start and end (u32 each), a count (mod 9) of held
 * out-of-order segments, each a gap u16 after the previous one, a length
 * u16 and an arrival stamp byte.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "tcp_priv.h"

/* The rules of tcp_options.c, read once more: EOL ends the list, NOP is
 * one byte, every other kind has a length byte of at least 2 that stays
 * inside the list, MSS is 4 bytes, WS 3, SACK-permitted 2, SACK 2 + 8n
 * (n >= 1, at most 4 blocks kept), TS 10; MSS, WS and SACK-permitted
 * count only on a SYN; a shift over 14 is 14; the last MSS/WS/TS wins;
 * unknown kinds are skipped. A malformed list is -1. */
static int
ref_parse(const uint8_t *p, unsigned int len, bool syn, struct tcp_opts *o)
{
	unsigned int i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		unsigned int l, b;

		if (p[i] == 0)
			return 0;
		if (p[i] == 1) {
			i++;
			continue;
		}
		if (len - i < 2)
			return -1;
		l = p[i + 1];
		if (l < 2 || l > len - i)
			return -1;
		switch (p[i]) {
		case 2:
			if (l != 4)
				return -1;
			if (syn) {
				o->has_mss = 1;
				o->mss = fz_get16(p + i + 2);
			}
			break;
		case 3:
			if (l != 3)
				return -1;
			if (syn) {
				o->has_ws = 1;
				o->wscale = p[i + 2] > 14 ? 14 : p[i + 2];
			}
			break;
		case 4:
			if (l != 2)
				return -1;
			if (syn)
				o->sack_ok = 1;
			break;
		case 5:
			if (l < 10 || (l - 2) % 8 != 0)
				return -1;
			for (b = 0; b < (l - 2) / 8 && o->nb_sack < 4; b++) {
				o->sack[o->nb_sack][0] =
					fz_get32(p + i + 2 + 8 * b);
				o->sack[o->nb_sack][1] =
					fz_get32(p + i + 6 + 8 * b);
				o->nb_sack++;
			}
			break;
		case 8:
			if (l != 10)
				return -1;
			o->has_ts = 1;
			o->tsval = fz_get32(p + i + 2);
			o->tsecr = fz_get32(p + i + 6);
			break;
		default:
			break;
		}
		i += l;
	}
	return 0;
}

static void
same_opts(const struct tcp_opts *a, const struct tcp_opts *b)
{
	unsigned int i;

	FZ_CHECK(a->has_mss == b->has_mss && a->has_ws == b->has_ws &&
		 a->sack_ok == b->sack_ok && a->has_ts == b->has_ts &&
		 a->nb_sack == b->nb_sack);
	if (a->has_mss)
		FZ_CHECK(a->mss == b->mss);
	if (a->has_ws)
		FZ_CHECK(a->wscale == b->wscale);
	if (a->has_ts)
		FZ_CHECK(a->tsval == b->tsval && a->tsecr == b->tsecr);
	for (i = 0; i < a->nb_sack; i++)
		FZ_CHECK(a->sack[i][0] == b->sack[i][0] &&
			 a->sack[i][1] == b->sack[i][1]);
}

static void
check_parse(const uint8_t *p, unsigned int len)
{
	struct tcp_opts syn, data, ref;
	int rs, rd, rr;

	rs = tcp_parse_options(p, len, 1, &syn);
	rd = tcp_parse_options(p, len, 0, &data);
	FZ_CHECKF(rs == rd, "SYN %d, not SYN %d", rs, rd);
	rr = ref_parse(p, len, true, &ref);
	FZ_CHECKF(rs == rr, "parser %d, the rules %d", rs, rr);
	if (rs != 0)
		return;
	FZ_CHECK(syn.nb_sack <= TCP_SACK_MAX_BLOCKS);
	FZ_CHECK(!syn.has_ws || syn.wscale <= TCP_MAX_WSCALE);
	same_opts(&syn, &ref);
	/* Off a SYN, only timestamps and SACK blocks count. */
	FZ_CHECK(!data.has_mss && !data.has_ws && !data.sack_ok);
	ref_parse(p, len, false, &ref);
	same_opts(&data, &ref);
}

/* What tcp_write_syn_options() writes reads back as what it was given. */
static void
check_syn_writer(struct fz_in *in, uint8_t flags)
{
	uint16_t mss = fz_u16(in);
	uint8_t ws = fz_u8(in) % (TCP_MAX_WSCALE + 1);
	uint32_t tsval = fz_u32(in), tsecr = fz_u32(in);
	bool use_ws = flags & 0x10, sack = flags & 0x20, ts = flags & 0x02;
	uint8_t buf[64];
	struct tcp_opts o;
	unsigned int n;

	memset(buf, 0xee, sizeof(buf));
	n = tcp_write_syn_options(buf, mss, use_ws, ws, sack, ts, tsval,
				  tsecr);
	FZ_CHECKF(n <= 20 && n % 4 == 0, "SYN options of %u bytes", n);
	FZ_CHECK(buf[n] == 0xee);
	FZ_CHECK(tcp_parse_options(buf, n, 1, &o) == 0);
	FZ_CHECK(o.has_mss && o.mss == mss);
	FZ_CHECK(o.has_ws == use_ws && (!use_ws || o.wscale == ws));
	FZ_CHECK(o.sack_ok == sack);
	FZ_CHECK(o.has_ts == ts);
	if (ts)
		FZ_CHECK(o.tsval == tsval && o.tsecr == tsecr);
	FZ_CHECK(o.nb_sack == 0);
}

#define OOO_MAX 8

/* tcp_write_options() on a block holding out-of-order segments: the SACK
 * blocks are the D-SACK block first when pending, then maximal runs of
 * held data, newest arrival first (RFC 2018 4, RFC 2883 4), as many as
 * fit. */
static void
check_writer(struct fz_in *in, uint8_t flags)
{
	static struct ptg_conn c;
	struct rte_mbuf segs[OOO_MAX];
	uint32_t run_start[OOO_MAX], run_end[OOO_MAX], run_stamp[OOO_MAX];
	uint32_t tsval = fz_u32(in), seq, dstart, dend;
	unsigned int nb, i, n, runs = 0, k, cap, want, prev = 0;
	bool in_blocks[OOO_MAX];
	uint8_t buf[64];
	struct tcp_opts o;

	memset(&c, 0, sizeof(c));
	memset(segs, 0, sizeof(segs));
	c.ts_recent = fz_u32(in);
	dstart = fz_u32(in);
	dend = fz_u32(in);
	if (flags & 0x02)
		c.flags |= TF_TS_OK;
	if (flags & 0x04)
		c.flags |= TF_SACK_OK;
	if (flags & 0x08) {
		c.flags |= TF_DSACK;
		c.dsack_start = dstart;
		c.dsack_end = dend;
	}
	/* A sorted, non-overlapping queue, as tcp_reass.c keeps it. */
	nb = fz_u8(in) % (OOO_MAX + 1);
	seq = fz_u32(in);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = &segs[i];
		uint16_t gap = fz_u16(in);

		seq += gap;
		m->hash.usr = seq;
		m->data_len = (uint16_t)(1 + fz_u16(in) % 1500);
		m->hash.fdir.hi = fz_u8(in);
		if (i > 0)
			segs[i - 1].next = m;
		if (runs > 0 && gap == 0) {
			run_end[runs - 1] = seq + m->data_len;
			if ((int32_t)(m->hash.fdir.hi - run_stamp[runs - 1]) > 0)
				run_stamp[runs - 1] = m->hash.fdir.hi;
		} else {
			run_start[runs] = seq;
			run_end[runs] = seq + m->data_len;
			run_stamp[runs] = m->hash.fdir.hi;
			runs++;
		}
		seq += m->data_len;
	}
	c.ooo = nb > 0 ? &segs[0] : NULL;
	c.ooo_nb = (uint16_t)nb;

	memset(buf, 0xee, sizeof(buf));
	n = tcp_write_options(&c, buf, tsval, 1);
	FZ_CHECKF(n <= TCP_MAX_OPT_LEN && n % 4 == 0, "options of %u bytes",
		  n);
	FZ_CHECK(buf[n] == 0xee);
	FZ_CHECK(tcp_parse_options(buf, n, 0, &o) == 0);
	FZ_CHECK(o.has_ts == !!(flags & 0x02));
	if (o.has_ts)
		FZ_CHECK(o.tsval == tsval && o.tsecr == c.ts_recent);
	if (!(flags & 0x04) || (nb == 0 && !(flags & 0x08))) {
		FZ_CHECK(o.nb_sack == 0);
		return;
	}
	cap = o.has_ts ? 3 : 4;
	k = 0;
	if (flags & 0x08) {
		FZ_CHECK(o.nb_sack >= 1 && o.sack[0][0] == dstart &&
			 o.sack[0][1] == dend);
		k = 1;
	}
	want = RTE_MIN(runs, cap - k);
	FZ_CHECKF(o.nb_sack == k + want, "%u blocks for %u runs", o.nb_sack,
		  runs);
	memset(in_blocks, 0, sizeof(in_blocks));
	for (i = k; i < o.nb_sack; i++) {
		unsigned int r;

		for (r = 0; r < runs; r++)
			if (run_start[r] == o.sack[i][0] &&
			    run_end[r] == o.sack[i][1] && !in_blocks[r])
				break;
		FZ_CHECKF(r < runs, "block %u is no run of held data", i);
		in_blocks[r] = true;
		/* Newest first. */
		if (i > k)
			FZ_CHECK((int32_t)(run_stamp[prev] - run_stamp[r]) >= 0);
		prev = r;
	}
	/* None left out that is newer than one sent. */
	for (i = 0; i < runs; i++) {
		unsigned int r;

		if (in_blocks[i])
			continue;
		for (r = 0; r < runs; r++)
			if (in_blocks[r])
				FZ_CHECKF((int32_t)(run_stamp[i] -
						    run_stamp[r]) <= 0,
					  "run %u (stamp %u) left out for run "
					  "%u (stamp %u)", i, run_stamp[i], r,
					  run_stamp[r]);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in;
	const uint8_t *opts;
	uint8_t flags, copy[256];
	size_t len;

	fz_in_init(&in, data, size);
	flags = fz_u8(&in);
	opts = fz_bytes(&in, fz_u8(&in) % 61, &len);
	/* An exact-size copy: ASan sees any read past the list. */
	memcpy(copy, opts, len);
	{
		uint8_t *heap = len ? malloc(len) : NULL;

		if (heap != NULL) {
			memcpy(heap, copy, len);
			check_parse(heap, (unsigned int)len);
			free(heap);
		} else {
			check_parse(copy, 0);
		}
	}
	check_syn_writer(&in, flags);
	check_writer(&in, flags);
	return 0;
}
