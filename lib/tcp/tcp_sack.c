/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sender-side SACK scoreboard and the RFC 6675 loss-recovery helpers.
 *
 *   tcp_input() ACK -> tcp_sack_update()
 *   tcp_output() in recovery -> tcp_sack_pipe(), tcp_sack_next_hole()
 *
 * The scoreboard keeps up to TCP_SCOREBOARD_MAX disjoint SACKed ranges above
 * SND.UNA, sorted. Losing a range when it is full only costs precision
 * (RFC 6675 5: SACK information is advisory).
 */
#include <string.h>

#include "tcp_priv.h"

void
tcp_sack_clear(struct ptg_conn *c)
{
	c->sack_nb = 0;
}

static void
prune(struct ptg_conn *c)
{
	unsigned int i = 0, j;

	while (i < c->sack_nb && seq_leq(c->sack[i].end, c->snd_una))
		i++;
	if (i > 0) {
		for (j = i; j < c->sack_nb; j++)
			c->sack[j - i] = c->sack[j];
		c->sack_nb -= i;
	}
	if (c->sack_nb > 0 && seq_lt(c->sack[0].start, c->snd_una))
		c->sack[0].start = c->snd_una;
}

static void
add_range(struct ptg_conn *c, uint32_t s, uint32_t e)
{
	struct tcp_sack_range *r = c->sack;
	unsigned int i = 0, j;

	while (i < c->sack_nb && seq_lt(r[i].end, s))
		i++;
	/* Merge every range touching [s, e). */
	j = i;
	while (j < c->sack_nb && seq_leq(r[j].start, e)) {
		s = seq_min(s, r[j].start);
		e = seq_max(e, r[j].end);
		j++;
	}
	if (j > i) {
		r[i].start = s;
		r[i].end = e;
		memmove(&r[i + 1], &r[j], (c->sack_nb - j) * sizeof(r[0]));
		c->sack_nb -= j - i - 1;
		return;
	}
	if (c->sack_nb == TCP_SCOREBOARD_MAX) {
		if (i == TCP_SCOREBOARD_MAX)
			return; /* highest and no room: forget it */
		c->sack_nb--; /* forget the highest range */
	}
	memmove(&r[i + 1], &r[i], (c->sack_nb - i) * sizeof(r[0]));
	r[i].start = s;
	r[i].end = e;
	c->sack_nb++;
}

static uint32_t
sacked_total(const struct ptg_conn *c)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < c->sack_nb; i++)
		n += c->sack[i].end - c->sack[i].start;
	return n;
}

/* Returns how many octets this ACK SACKed that were not SACKed before
 * (what makes it a duplicate ACK in the sense of RFC 6675 2). */
uint32_t
tcp_sack_update(struct ptg_conn *c, const struct tcp_opts *o)
{
	uint32_t before;

	prune(c);
	before = sacked_total(c);
	for (unsigned int i = 0; i < o->nb_sack; i++) {
		uint32_t s = o->sack[i][0], e = o->sack[i][1];

		/* RFC 2883 D-SACK blocks (below SND.UNA) and blocks outside
		 * what we sent are ignored, not trusted. */
		if (!seq_lt(s, e) || seq_leq(e, c->snd_una) ||
		    seq_gt(e, c->snd_max))
			continue;
		if (seq_lt(s, c->snd_una))
			s = c->snd_una;
		add_range(c, s, e);
	}
	prune(c);
	return sacked_total(c) > before ? sacked_total(c) - before : 0;
}

uint32_t
tcp_sack_highest(const struct ptg_conn *c)
{
	return c->sack_nb ? c->sack[c->sack_nb - 1].end : c->snd_una;
}

static uint32_t
sacked_above(const struct ptg_conn *c, uint32_t seq, unsigned int *ranges)
{
	uint32_t bytes = 0;

	*ranges = 0;
	for (int i = c->sack_nb - 1; i >= 0; i--) {
		if (seq_leq(c->sack[i].end, seq))
			break;
		bytes += c->sack[i].end - seq_max(c->sack[i].start, seq);
		(*ranges)++;
	}
	return bytes;
}

/* RFC 6675 4 IsLost(): DupThresh discontiguous SACKed ranges above, or
 * more than (DupThresh - 1) * SMSS bytes SACKed above. */
int
tcp_sack_is_lost(const struct ptg_conn *c, uint32_t seq)
{
	unsigned int ranges;
	uint32_t bytes = sacked_above(c, seq, &ranges);

	return ranges >= TCP_DUPTHRESH ||
	       bytes > (uint32_t)(TCP_DUPTHRESH - 1) * c->mss;
}

/* RFC 6675 4 SetPipe(): octets in flight, counting an un-SACKed octet once
 * if not lost and once more if retransmitted (at or below HighRxt). Holes
 * have no SACKed byte inside, so IsLost() is decided once per hole. */
uint32_t
tcp_sack_pipe(const struct ptg_conn *c)
{
	uint32_t pipe = 0;
	uint32_t hs = c->snd_una;

	for (unsigned int i = 0; i <= c->sack_nb; i++) {
		uint32_t he = i < c->sack_nb ? c->sack[i].start : c->snd_max;

		if (seq_lt(hs, he)) {
			if (!tcp_sack_is_lost(c, hs))
				pipe += he - hs;
			if (seq_gt(c->high_rxt, hs))
				pipe += seq_min(he, c->high_rxt) - hs;
		}
		if (i < c->sack_nb)
			hs = c->sack[i].end;
	}
	return pipe;
}

/* RFC 6675 4 NextSeg() rule 1: the first lost, un-SACKed, not yet
 * retransmitted range below the highest SACKed octet. */
int
tcp_sack_next_hole(struct ptg_conn *c, uint32_t *seq, uint32_t *len)
{
	uint32_t from = seq_max(c->snd_una, c->high_rxt);
	uint32_t hs = c->snd_una;

	for (unsigned int i = 0; i < c->sack_nb; i++) {
		uint32_t he = c->sack[i].start;
		uint32_t s = seq_max(hs, from);

		if (seq_lt(s, he) && tcp_sack_is_lost(c, s)) {
			*seq = s;
			*len = RTE_MIN(he - s, (uint32_t)c->mss);
			return 1;
		}
		hs = c->sack[i].end;
	}
	return 0;
}
