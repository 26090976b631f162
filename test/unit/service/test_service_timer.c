/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/service/service_timer.c: timeout queues of one duration each, in
 * deadline order; arm, re-arm (moves to the tail), move between queues,
 * cancel, what expires and when, a disabled queue, many timers.
 */
#include <stdint.h>
#include <string.h>

#include "ptg_test.h"
#include "ptg_service.h"

#define MS(x) PTG_TEST_MS(x)

static void
test_arm_expire_in_order(void **state)
{
	struct ptg_service_timeq q;
	struct ptg_service_timer t[3];

	(void)state;
	memset(t, 0, sizeof(t));
	ptg_service_timeq_init(&q, MS(100));
	assert_int_equal(ptg_service_timeq_next(&q), UINT64_MAX);
	assert_false(ptg_service_timer_armed(&t[0]));
	ptg_service_timer_arm(&q, &t[0], MS(0));
	ptg_service_timer_arm(&q, &t[1], MS(10));
	ptg_service_timer_arm(&q, &t[2], MS(10));
	assert_int_equal(q.len, 3);
	assert_true(ptg_service_timer_armed(&t[1]));
	assert_int_equal(ptg_service_timeq_next(&q), MS(100));
	/* not due one nanosecond before */
	assert_null(ptg_service_timeq_expired(&q, MS(100) - 1));
	assert_ptr_equal(ptg_service_timeq_expired(&q, MS(100)), &t[0]);
	assert_false(ptg_service_timer_armed(&t[0]));
	assert_null(ptg_service_timeq_expired(&q, MS(100)));
	/* both at 110 ms, in the order they were armed */
	assert_ptr_equal(ptg_service_timeq_expired(&q, MS(500)), &t[1]);
	assert_ptr_equal(ptg_service_timeq_expired(&q, MS(500)), &t[2]);
	assert_null(ptg_service_timeq_expired(&q, MS(500)));
	assert_int_equal(q.len, 0);
	assert_null(q.first);
	assert_null(q.last);
}

/* Re-arming restarts the timeout: the timer goes to the tail. */
static void
test_rearm_moves_to_tail(void **state)
{
	struct ptg_service_timeq q;
	struct ptg_service_timer a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ptg_service_timeq_init(&q, MS(50));
	ptg_service_timer_arm(&q, &a, MS(0));
	ptg_service_timer_arm(&q, &b, MS(1));
	ptg_service_timer_arm(&q, &a, MS(40)); /* progress at 40 ms */
	assert_int_equal(q.len, 2);
	assert_ptr_equal(q.first, &b);
	assert_ptr_equal(ptg_service_timeq_expired(&q, MS(89)), &b);
	assert_null(ptg_service_timeq_expired(&q, MS(89)));
	assert_ptr_equal(ptg_service_timeq_expired(&q, MS(90)), &a);
}

/* Arming on another queue takes the timer off the first one. */
static void
test_move_between_queues(void **state)
{
	struct ptg_service_timeq q1, q2;
	struct ptg_service_timer a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ptg_service_timeq_init(&q1, MS(10));
	ptg_service_timeq_init(&q2, MS(1000));
	ptg_service_timer_arm(&q1, &a, 0);
	ptg_service_timer_arm(&q1, &b, 0);
	ptg_service_timer_arm(&q2, &a, MS(5));
	assert_int_equal(q1.len, 1);
	assert_int_equal(q2.len, 1);
	assert_ptr_equal(a.q, &q2);
	assert_ptr_equal(ptg_service_timeq_expired(&q1, MS(10)), &b);
	assert_null(ptg_service_timeq_expired(&q1, MS(10000)));
	assert_null(ptg_service_timeq_expired(&q2, MS(1004)));
	assert_ptr_equal(ptg_service_timeq_expired(&q2, MS(1005)), &a);
}

static void
test_cancel(void **state)
{
	struct ptg_service_timeq q;
	struct ptg_service_timer t[3];

	(void)state;
	memset(t, 0, sizeof(t));
	ptg_service_timeq_init(&q, MS(1));
	for (int i = 0; i < 3; i++)
		ptg_service_timer_arm(&q, &t[i], 0);
	ptg_service_timer_cancel(&t[1]); /* middle */
	ptg_service_timer_cancel(&t[1]); /* twice: nothing */
	ptg_service_timer_cancel(NULL);
	assert_int_equal(q.len, 2);
	ptg_service_timer_cancel(&t[2]); /* tail */
	assert_ptr_equal(q.last, &t[0]);
	ptg_service_timer_cancel(&t[0]); /* head, the last one */
	assert_int_equal(q.len, 0);
	assert_null(q.first);
	assert_null(q.last);
	assert_null(ptg_service_timeq_expired(&q, UINT64_MAX));
}

/* A queue of duration 0 is off: arming only disarms. */
static void
test_disabled_queue(void **state)
{
	struct ptg_service_timeq on, off;
	struct ptg_service_timer t;

	(void)state;
	memset(&t, 0, sizeof(t));
	ptg_service_timeq_init(&on, MS(1));
	ptg_service_timeq_init(&off, 0);
	ptg_service_timer_arm(&on, &t, 0);
	ptg_service_timer_arm(&off, &t, 0);
	assert_false(ptg_service_timer_armed(&t));
	assert_int_equal(on.len + off.len, 0);
	assert_null(ptg_service_timeq_expired(&off, UINT64_MAX));
}

/* A duration past the end of the clock saturates instead of wrapping. */
static void
test_deadline_saturates(void **state)
{
	struct ptg_service_timeq q;
	struct ptg_service_timer t;

	(void)state;
	memset(&t, 0, sizeof(t));
	ptg_service_timeq_init(&q, UINT64_MAX - 5);
	ptg_service_timer_arm(&q, &t, 100);
	assert_true(t.deadline_ns == UINT64_MAX);
	assert_null(ptg_service_timeq_expired(&q, UINT64_MAX - 1));
}

/* 100,000 timers: each fires exactly at its deadline, in order. */
static void
test_many(void **state)
{
	enum { N = 100000 };
	static struct ptg_service_timer t[N];
	struct ptg_service_timeq q;
	struct ptg_service_timer *x;
	unsigned int i, fired = 0;
	uint64_t now;

	(void)state;
	memset(t, 0, sizeof(t));
	ptg_service_timeq_init(&q, MS(7));
	for (i = 0; i < N; i++)
		ptg_service_timer_arm(&q, &t[i], (uint64_t)i * 1000);
	/* re-arm every other one later: they go behind the rest */
	for (i = 0; i < N; i += 2)
		ptg_service_timer_arm(&q, &t[i], (uint64_t)N * 1000);
	for (now = 0; fired < N / 2; now += 1000) {
		while ((x = ptg_service_timeq_expired(&q, now)) != NULL) {
			assert_true(x->deadline_ns <= now);
			assert_true(x->deadline_ns + 1000 > now);
			assert_int_equal((x - t) % 2, 1);
			fired++;
		}
	}
	assert_int_equal(q.len, N / 2);
	assert_int_equal(ptg_service_timeq_next(&q), (uint64_t)N * 1000 +
			 MS(7));
	while (ptg_service_timeq_expired(&q, UINT64_MAX) != NULL)
		fired++;
	assert_int_equal(fired, N);
	assert_int_equal(q.len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm_expire_in_order),
		cmocka_unit_test(test_rearm_moves_to_tail),
		cmocka_unit_test(test_move_between_queues),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_disabled_queue),
		cmocka_unit_test(test_deadline_saturates),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests_name("service_timer", tests, NULL,
					   NULL);
}
