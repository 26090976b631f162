/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate-gen's latency histogram: log-bucketed with linear sub-buckets
 * (the layout HdrHistogram made popular; this is our own, smaller code).
 *
 * Values below 2 * HIST_SUB are counted exactly; above, each power of two
 * [2^k, 2^(k+1)) is cut into HIST_SUB equal buckets, so a recorded value
 * is known to within 1 / HIST_SUB (0.8 %) of itself. Values up to
 * HIST_MAX (2^40 ns, about 18 minutes) fit; larger ones land in the last
 * bucket. Recording is an index computation and an increment: no
 * allocation, no floating point, one histogram per worker, merged at the
 * end.
 *
 *   gen_hist_record() -> hist_index()
 *   gen_hist_merge() -> gen_hist_percentile() -> hist_upper()
 */
#ifndef PORTGATE_GEN_HIST_H
#define PORTGATE_GEN_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)          /* sub-buckets per octave */
#define HIST_MAX_BITS 40
#define HIST_MAX ((UINT64_C(1) << HIST_MAX_BITS) - 1)
/* Exact part [0, 2 * HIST_SUB), then one row of HIST_SUB per octave. */
#define HIST_BUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

struct gen_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min, max;
	uint64_t b[HIST_BUCKETS];
};

/* Empty @p h. */
void gen_hist_reset(struct gen_hist *h);

/* Index of the bucket holding @p v. */
static inline unsigned int
gen_hist_index(uint64_t v)
{
	unsigned int msb, e;

	if (v > HIST_MAX)
		v = HIST_MAX;
	if (v < 2 * HIST_SUB)
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	e = msb - HIST_SUB_BITS;                  /* >= 1 */
	return e * HIST_SUB + (unsigned int)(v >> e);
}

static inline void
gen_hist_record(struct gen_hist *h, uint64_t v)
{
	h->b[gen_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Smallest and largest value bucket @p idx stands for. */
uint64_t gen_hist_lower(unsigned int idx);
uint64_t gen_hist_upper(unsigned int idx);

/* Add @p from into @p to. */
void gen_hist_merge(struct gen_hist *to, const struct gen_hist *from);

/*
 * The value at percentile @p p (0 < p <= 100): the upper end of the bucket
 * where the cumulative count reaches ceil(p / 100 * count), clamped to
 * the exact max. 0 when empty.
 */
uint64_t gen_hist_percentile(const struct gen_hist *h, double p);

/* Mean of the recorded values (0 when empty). */
double gen_hist_mean(const struct gen_hist *h);

#endif /* PORTGATE_GEN_HIST_H */
