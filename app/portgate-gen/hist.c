/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latency histogram (see hist.h).
 */
#include <math.h>
#include <string.h>

#include "hist.h"

void
gen_hist_reset(struct gen_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t
gen_hist_lower(unsigned int idx)
{
	unsigned int e;

	if (idx < 2 * HIST_SUB)
		return idx;
	e = idx / HIST_SUB - 1;
	return (uint64_t)(idx - e * HIST_SUB) << e;
}

uint64_t
gen_hist_upper(unsigned int idx)
{
	unsigned int e;

	if (idx < 2 * HIST_SUB)
		return idx;
	e = idx / HIST_SUB - 1;
	return (((uint64_t)(idx - e * HIST_SUB) + 1) << e) - 1;
}

void
gen_hist_merge(struct gen_hist *to, const struct gen_hist *from)
{
	unsigned int i;

	if (from->count == 0)
		return;
	for (i = 0; i < HIST_BUCKETS; i++)
		to->b[i] += from->b[i];
	to->count += from->count;
	to->sum += from->sum;
	if (from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
}

uint64_t
gen_hist_percentile(const struct gen_hist *h, double p)
{
	uint64_t want, seen = 0, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (p >= 100.0)
		return h->max;
	want = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want)
			break;
	}
	if (i == HIST_BUCKETS)
		return h->max;
	v = gen_hist_upper(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

double
gen_hist_mean(const struct gen_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}
