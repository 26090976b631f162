/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_options.c: parsing and writing MSS, WS, SACK-permitted,
 * SACK and timestamps (RFC 9293 3.2, RFC 7323, RFC 2018), and the bounds
 * of a hostile option list. Links the engine internals directly.
 */
#include <stdlib.h>
#include <string.h>

#include "ptg_test.h"
#include "tcp_priv.h"

static void
test_parse_syn_options(void **state)
{
	const uint8_t o[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7,
			      0, 0, 0, 9, 1, 3, 3, 7 };
	struct tcp_opts p;

	(void)state;
	assert_int_equal(tcp_parse_options(o, sizeof(o), 1, &p), 0);
	assert_true(p.has_mss);
	assert_int_equal(p.mss, 1460);
	assert_true(p.sack_ok);
	assert_true(p.has_ts);
	assert_int_equal(p.tsval, 7);
	assert_int_equal(p.tsecr, 9);
	assert_true(p.has_ws);
	assert_int_equal(p.wscale, 7);
	/* The same options on a non-SYN: MSS, WS, SACK-permitted ignored. */
	assert_int_equal(tcp_parse_options(o, sizeof(o), 0, &p), 0);
	assert_false(p.has_mss);
	assert_false(p.has_ws);
	assert_false(p.sack_ok);
	assert_true(p.has_ts);
}

/* RFC 7323 2.3: a shift above 14 is taken as 14. */
static void
test_wscale_clamped(void **state)
{
	const uint8_t o[] = { 3, 3, 20, 0 };
	struct tcp_opts p;

	(void)state;
	assert_int_equal(tcp_parse_options(o, sizeof(o), 1, &p), 0);
	assert_int_equal(p.wscale, 14);
}

static void
test_sack_blocks(void **state)
{
	const uint8_t o[] = { 1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20,
			      0, 0, 1, 0, 0, 0, 2, 0 };
	struct tcp_opts p;

	(void)state;
	assert_int_equal(tcp_parse_options(o, sizeof(o), 0, &p), 0);
	assert_int_equal(p.nb_sack, 2);
	assert_int_equal(p.sack[0][0], 10);
	assert_int_equal(p.sack[0][1], 20);
	assert_int_equal(p.sack[1][0], 256);
	assert_int_equal(p.sack[1][1], 512);
}

/* Each malformed list is refused (the caller counts drop_bad_options). */
static void
test_malformed_lengths(void **state)
{
	static const struct {
		uint8_t b[8];
		unsigned int len;
	} bad[] = {
		{ { 2, 3, 5, 0 }, 4 },          /* MSS length 3 */
		{ { 3, 4, 1, 1 }, 4 },          /* WS length 4 */
		{ { 4, 3, 0, 0 }, 4 },          /* SACK-perm length 3 */
		{ { 8, 9, 0, 0, 0, 0, 0, 0 }, 8 }, /* TS length 9 */
		{ { 5, 9, 0, 0, 0, 0, 0, 0 }, 8 }, /* SACK not 2+8n */
		{ { 30, 1, 0, 0 }, 4 },         /* length below 2 */
		{ { 30, 9, 0, 0 }, 4 },         /* past the end */
		{ { 1, 1, 1, 30 }, 4 },         /* kind without length */
	};
	struct tcp_opts p;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++)
		assert_int_equal(tcp_parse_options(bad[i].b, bad[i].len, 1, &p), -1);
	/* EOL ends the list: what follows is not read. */
	{
		const uint8_t o[] = { 0, 2, 99, 99 };

		assert_int_equal(tcp_parse_options(o, sizeof(o), 1, &p), 0);
		assert_false(p.has_mss);
	}
}

/* Random option bytes: never out of bounds (run under ASan), always a
 * clean answer. */
static void
test_random_lists(void **state)
{
	uint8_t buf[40];
	struct tcp_opts p;
	unsigned int ok = 0;

	(void)state;
	srand(1234);
	for (int i = 0; i < 200000; i++) {
		unsigned int len = (unsigned int)rand() % 41;

		for (unsigned int j = 0; j < len; j++)
			buf[j] = (uint8_t)(rand() % 12);
		if (tcp_parse_options(buf, len, rand() & 1, &p) == 0) {
			ok++;
			assert_true(p.nb_sack <= TCP_SACK_MAX_BLOCKS);
			assert_true(!p.has_ws || p.wscale <= TCP_MAX_WSCALE);
		}
	}
	assert_true(ok > 0);
}

/* What we write parses back to what we meant, 4-byte aligned, <= 40. */
static void
test_write_roundtrip(void **state)
{
	uint8_t b[40];
	struct tcp_opts p;
	unsigned int n;

	(void)state;
	for (int mask = 0; mask < 8; mask++) {
		int ws = mask & 1, sack = !!(mask & 2), ts = !!(mask & 4);

		n = tcp_write_syn_options(b, 1448, ws, 9, sack, ts, 111, 222);
		assert_int_equal(n % 4, 0);
		assert_true(n <= 40);
		assert_int_equal(tcp_parse_options(b, n, 1, &p), 0);
		assert_true(p.has_mss);
		assert_int_equal(p.mss, 1448);
		assert_int_equal(p.has_ws, ws);
		if (ws)
			assert_int_equal(p.wscale, 9);
		assert_int_equal(p.sack_ok, sack);
		assert_int_equal(p.has_ts, ts);
		if (ts) {
			assert_int_equal(p.tsval, 111);
			assert_int_equal(p.tsecr, 222);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_syn_options),
		cmocka_unit_test(test_wscale_clamped),
		cmocka_unit_test(test_sack_blocks),
		cmocka_unit_test(test_malformed_lengths),
		cmocka_unit_test(test_random_lists),
		cmocka_unit_test(test_write_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
