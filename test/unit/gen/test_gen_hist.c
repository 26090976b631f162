/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/portgate-gen/hist.c: the log-bucketed latency histogram of
 * portgate-gen and ptg-epoll-client: exact below 256, within 1/128 of any
 * value above, percentiles, merge, clamping.
 *
 * main() -> cmocka -> test_* -> gen_hist_record() -> gen_hist_percentile()
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../../app/portgate-gen/hist.h"

static struct gen_hist h, h2;

static void
test_exact_below_256(void **state)
{
	uint64_t v;

	(void)state;
	gen_hist_reset(&h);
	for (v = 0; v < 256; v++) {
		assert_int_equal(gen_hist_index(v), v);
		assert_int_equal(gen_hist_lower((unsigned int)v), v);
		assert_int_equal(gen_hist_upper((unsigned int)v), v);
		gen_hist_record(&h, v);
	}
	assert_int_equal(h.count, 256);
	assert_int_equal(h.min, 0);
	assert_int_equal(h.max, 255);
	assert_int_equal(gen_hist_percentile(&h, 50), 127);
	assert_int_equal(gen_hist_percentile(&h, 100), 255);
}

/* Every value lands in a bucket that holds it, at most 1/128 wide. */
static void
test_bucket_bounds(void **state)
{
	uint64_t v = 1;
	unsigned int i, prev = 0;

	(void)state;
	for (i = 0; i < 2000000; i++) {
		unsigned int idx;

		v = v * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t x = (v >> 24) & HIST_MAX;

		idx = gen_hist_index(x);
		assert_true(idx < HIST_BUCKETS);
		assert_true(gen_hist_lower(idx) <= x);
		assert_true(gen_hist_upper(idx) >= x);
		assert_true(gen_hist_upper(idx) - gen_hist_lower(idx) <=
			    gen_hist_lower(idx) / 128);
	}
	/* Buckets follow each other without gaps or overlaps. */
	for (i = 1; i < HIST_BUCKETS; i++) {
		assert_int_equal(gen_hist_lower(i), gen_hist_upper(i - 1) + 1);
		assert_true(i > prev);
		prev = i;
	}
	assert_int_equal(gen_hist_upper(HIST_BUCKETS - 1), HIST_MAX);
}

static void
assert_near(uint64_t got, uint64_t want)
{
	uint64_t d = got > want ? got - want : want - got;

	if (d > want / 100 + 1)
		fail_msg("got %llu, want %llu (1%%)", (unsigned long long)got,
			 (unsigned long long)want);
}

/* 1..100000 ns once each: the percentiles are where they should be. */
static void
test_percentiles(void **state)
{
	uint64_t v;

	(void)state;
	gen_hist_reset(&h);
	assert_int_equal(gen_hist_percentile(&h, 99), 0);
	for (v = 1; v <= 100000; v++)
		gen_hist_record(&h, v);
	assert_near(gen_hist_percentile(&h, 50), 50000);
	assert_near(gen_hist_percentile(&h, 90), 90000);
	assert_near(gen_hist_percentile(&h, 99), 99000);
	assert_near(gen_hist_percentile(&h, 99.9), 99900);
	assert_int_equal(gen_hist_percentile(&h, 100), 100000);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100000);
	assert_true(gen_hist_mean(&h) > 50000.4 && gen_hist_mean(&h) < 50000.6);
	/* Never beyond the exact extremes. */
	assert_true(gen_hist_percentile(&h, 0.0001) >= 1);
}

/* Two halves merged equal the whole. */
static void
test_merge(void **state)
{
	uint64_t v;

	(void)state;
	gen_hist_reset(&h);
	gen_hist_reset(&h2);
	for (v = 1; v <= 100000; v++)
		gen_hist_record(v & 1 ? &h : &h2, v * 1000);
	gen_hist_merge(&h, &h2);
	assert_int_equal(h.count, 100000);
	assert_int_equal(h.min, 1000);
	assert_int_equal(h.max, 100000000);
	assert_near(gen_hist_percentile(&h, 99), 99000000);
	gen_hist_reset(&h2);
	gen_hist_merge(&h, &h2); /* empty: nothing changes */
	assert_int_equal(h.count, 100000);
}

/* Values past HIST_MAX count in the last bucket; max stays exact. */
static void
test_clamp(void **state)
{
	(void)state;
	gen_hist_reset(&h);
	gen_hist_record(&h, UINT64_MAX / 2);
	assert_int_equal(gen_hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	assert_int_equal(h.b[HIST_BUCKETS - 1], 1);
	assert_int_equal(gen_hist_percentile(&h, 50), UINT64_MAX / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_below_256),
		cmocka_unit_test(test_bucket_bounds),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_clamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
