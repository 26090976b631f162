/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_conn.c: the engine's own accounting of its connection
 * table (ptg_tcp_mem()), as telemetry reports it.
 *
 * main() -> cmocka -> test_* -> tt_new() -> ptg_tcp_mem()
 */
#include <errno.h>

#include "tcp_test.h"

static void
slots_4096(struct ptg_tcp_config *cfg)
{
	cfg->max_conns = 4096;
}

/* Every slot is paid for at create: the pool and the 4-tuple table hold
 * at least a control block per slot; in_use follows the connections. */
static void
test_mem_accounting(void **state)
{
	struct tt *t = tt_new(slots_4096);
	struct ptg_tcp_mem m;
	struct ptg_conn *c;

	(void)state;
	assert_int_equal(ptg_tcp_mem(NULL, &m), -EINVAL);
	assert_int_equal(ptg_tcp_mem(t->tcp, NULL), -EINVAL);
	assert_int_equal(ptg_tcp_mem(t->tcp, &m), 0);
	assert_int_equal(m.slots, 4096);
	assert_int_equal(m.in_use, 0);
	/* The control block is 9 cache lines; the pool adds its header. */
	assert_true(m.block_bytes >= 9 * 64);
	assert_int_equal(m.block_bytes % 64, 0);
	assert_true(m.table_bytes >= (uint64_t)m.slots * m.block_bytes);
	/* ... and not more than a few cache lines of table per slot. */
	assert_true(m.table_bytes < (uint64_t)m.slots * (m.block_bytes + 512));

	c = ptg_connect(t->tcp, PTG_TEST_IP_PEER, 9999, 0, &tt_service,
			&t->rec, t->env->now);
	assert_non_null(c);
	assert_int_equal(ptg_tcp_mem(t->tcp, &m), 0);
	assert_int_equal(m.in_use, 1);
	ptg_abort(c);
	tt_skip(t);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_accounting),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
