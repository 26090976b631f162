/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/base/base.c's token bucket (ptg_ratelimit_init(),
 * ptg_ratelimit_allow()) and the PTG_LOG_RL() macro over it: the burst,
 * the steady rate, refusals counted (and into an external counter), the
 * count of missed lines handed to the next line let through, a clock that
 * goes back; lines of a log type below the level neither logged nor
 * counted. No EAL: rte_log works from constructors on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_log.h>

#include "ptg_base.h"

#define MS 1000000ull
#define S 1000000000ull

static void
test_burst_then_refused(void **state)
{
	struct ptg_ratelimit rl;
	uint64_t counter = 0, missed = 99;
	unsigned int i;

	(void)state;
	ptg_ratelimit_init(&rl, 10, 5, &counter);
	for (i = 0; i < 5; i++)
		assert_int_equal(ptg_ratelimit_allow(&rl, 1000, &missed), 1);
	assert_int_equal(missed, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(ptg_ratelimit_allow(&rl, 1000, NULL), 0);
	assert_int_equal(rl.suppressed, 7);
	assert_int_equal(counter, 7);
}

static void
test_steady_rate(void **state)
{
	struct ptg_ratelimit rl;
	uint64_t now = 5 * S, missed;
	unsigned int allowed = 0, i;

	(void)state;
	ptg_ratelimit_init(&rl, 10, 1, NULL);
	/* One attempt a millisecond for 10 s at 10 a second: 100 go, plus
	 * the first token. */
	for (i = 0; i < 10000; i++, now += MS)
		allowed += (unsigned int)ptg_ratelimit_allow(&rl, now, &missed);
	assert_in_range(allowed, 100, 101);
	assert_int_equal(rl.suppressed, 10000 - allowed);
}

static void
test_missed_reported_once(void **state)
{
	struct ptg_ratelimit rl;
	uint64_t missed = 0;

	(void)state;
	ptg_ratelimit_init(&rl, 1, 1, NULL);
	assert_int_equal(ptg_ratelimit_allow(&rl, S, &missed), 1);
	assert_int_equal(ptg_ratelimit_allow(&rl, S + 1, &missed), 0);
	assert_int_equal(ptg_ratelimit_allow(&rl, S + 2, &missed), 0);
	assert_int_equal(ptg_ratelimit_allow(&rl, S + 3, &missed), 0);
	/* A second later: a token, and the three lines missed meanwhile. */
	assert_int_equal(ptg_ratelimit_allow(&rl, 2 * S + 1, &missed), 1);
	assert_int_equal(missed, 3);
	assert_int_equal(ptg_ratelimit_allow(&rl, 3 * S + 2, &missed), 1);
	assert_int_equal(missed, 0);
	assert_int_equal(rl.suppressed, 3);
}

static void
test_refill_capped_at_burst(void **state)
{
	struct ptg_ratelimit rl;
	unsigned int i, allowed = 0;

	(void)state;
	ptg_ratelimit_init(&rl, 100, 3, NULL);
	for (i = 0; i < 3; i++)
		assert_int_equal(ptg_ratelimit_allow(&rl, S, NULL), 1);
	assert_int_equal(ptg_ratelimit_allow(&rl, S, NULL), 0);
	/* An hour idle refills the bucket, not more. */
	for (i = 0; i < 10; i++)
		allowed += (unsigned int)ptg_ratelimit_allow(&rl, 3600 * S,
							      NULL);
	assert_int_equal(allowed, 3);
}

static void
test_clock_back(void **state)
{
	struct ptg_ratelimit rl;

	(void)state;
	ptg_ratelimit_init(&rl, 1, 1, NULL);
	assert_int_equal(ptg_ratelimit_allow(&rl, 10 * S, NULL), 1);
	/* Earlier than the last line: no token appears from nowhere... */
	assert_int_equal(ptg_ratelimit_allow(&rl, 5 * S, NULL), 0);
	/* ...and counting restarts from there. */
	assert_int_equal(ptg_ratelimit_allow(&rl, 6 * S, NULL), 1);
}

static void
test_zero_rate_and_burst_mean_one(void **state)
{
	struct ptg_ratelimit rl;

	(void)state;
	ptg_ratelimit_init(&rl, 0, 0, NULL);
	assert_int_equal(rl.burst, 1);
	assert_int_equal(rl.interval_ns, S);
	assert_int_equal(ptg_ratelimit_allow(&rl, S, NULL), 1);
	assert_int_equal(ptg_ratelimit_allow(&rl, S, NULL), 0);
}

/* PTG_LOG_RL: lines reach the log stream through the bucket. */
static unsigned int
count_lines(FILE *f, const char *needle)
{
	char line[256];
	unsigned int n = 0;

	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	return n;
}

static void
test_log_macro(void **state)
{
	struct ptg_ratelimit rl;
	uint64_t counter = 0;
	FILE *f = tmpfile();
	int type;
	unsigned int i;

	(void)state;
	assert_non_null(f);
	type = rte_log_register_type_and_pick_level("ptg.unittest",
						    RTE_LOG_NOTICE);
	assert_true(type >= 0);
	rte_openlog_stream(f);
	ptg_ratelimit_init(&rl, 1, 4, &counter);

	/* Below the type's level: nothing logged, nothing counted. */
	for (i = 0; i < 50; i++)
		PTG_LOG_RL(&rl, S, type, DEBUG, "quiet line %u", i);
	assert_int_equal(count_lines(f, "quiet line"), 0);
	assert_int_equal(counter, 0);

	/* At debug, once the bucket has re-read the level: 4 lines, 46
	 * counted; a second later one line more and the count of the 46. */
	assert_int_equal(rte_log_set_level(type, RTE_LOG_DEBUG), 0);
	PTG_LOG_RL(&rl, S + PTG_RATELIMIT_LEVEL_NS - 1, type, DEBUG,
		   "stale level %u", 0);
	assert_int_equal(count_lines(f, "stale level"), 0);
	for (i = 0; i < 50; i++)
		PTG_LOG_RL(&rl, S + PTG_RATELIMIT_LEVEL_NS, type, DEBUG,
			   "loud line %u", i);
	assert_int_equal(count_lines(f, "loud line"), 4);
	assert_int_equal(counter, 46);
	PTG_LOG_RL(&rl, 3 * S, type, DEBUG, "loud line %u", 50);
	assert_int_equal(count_lines(f, "loud line"), 5);
	assert_int_equal(count_lines(f,
		"(46 lines suppressed by the rate limit)"), 1);

	rte_openlog_stream(NULL);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused),
		cmocka_unit_test(test_steady_rate),
		cmocka_unit_test(test_missed_reported_once),
		cmocka_unit_test(test_refill_capped_at_burst),
		cmocka_unit_test(test_clock_back),
		cmocka_unit_test(test_zero_rate_and_burst_mean_one),
		cmocka_unit_test(test_log_macro),
	};

	return cmocka_run_group_tests_name("base_ratelimit", tests, NULL,
					   NULL);
}
