/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/service/service_pattern.c: the chargen stream (RFC 864) and the
 * http /bytes/N body, against references built independently here.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ptg_service.h"

#define PERIOD PTG_SERVICE_CHARGEN_PERIOD

/* The reference: RFC 864's ring of the 95 printing characters; line n is
 * ring[n .. n+71] (mod 95) then CR LF. */
static uint8_t *
chargen_reference(size_t lines)
{
	char ring[95];
	uint8_t *ref = malloc(lines * 74), *p = ref;
	size_t n, i;

	assert_non_null(ref);
	for (i = 0; i < 95; i++)
		ring[i] = (char)(0x20 + i);
	for (n = 0; n < lines; n++) {
		for (i = 0; i < 72; i++)
			*p++ = (uint8_t)ring[(n + i) % 95];
		*p++ = '\r';
		*p++ = '\n';
	}
	return ref;
}

static void
test_chargen_constants(void **state)
{
	(void)state;
	assert_int_equal(PTG_SERVICE_CHARGEN_LINE, 72);
	assert_int_equal(PERIOD, 7030);
}

static void
test_chargen_first_lines(void **state)
{
	static const char first[] =
		" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"[\\]^_`abcdefg\r\n"
		"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ["
		"\\]^_`abcdefgh\r\n"
		"\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\"
		"]^_`abcdefghi\r\n";
	char buf[sizeof(first)];

	(void)state;
	assert_int_equal(sizeof(first) - 1, 3 * 74);
	ptg_service_chargen_fill(0, buf, sizeof(first) - 1);
	assert_memory_equal(buf, first, sizeof(first) - 1);
}

static void
test_chargen_wraps_after_95_lines(void **state)
{
	static const char line94[] =
		"~ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"[\\]^_`abcdef\r\n";
	uint8_t buf[96 * 74];

	(void)state;
	ptg_service_chargen_fill(0, buf, sizeof(buf));
	/* line 94 starts with the last character, then the ring wraps */
	assert_memory_equal(buf + 94 * 74, line94, 74);
	/* line 95 is line 0 again */
	assert_memory_equal(buf + 95 * 74, buf, 74);
	assert_int_equal(buf[95 * 74], ' ');
	/* an offset of a whole period gives the same bytes */
	ptg_service_chargen_fill(PERIOD, buf, 74);
	assert_memory_equal(buf, " !\"#", 4);
	ptg_service_chargen_fill(UINT64_C(1000) * PERIOD + 74, buf, 1);
	assert_int_equal(buf[0], '!');
}

static void
test_chargen_matches_reference(void **state)
{
	size_t lines = 3 * 95;
	uint8_t *ref = chargen_reference(lines);
	uint8_t *buf = malloc(lines * 74);
	size_t i, n;

	(void)state;
	ptg_service_chargen_fill(0, buf, lines * 74);
	assert_memory_equal(buf, ref, lines * 74);
	/* every line: 72 printable characters then CR LF */
	for (n = 0; n < lines; n++) {
		for (i = 0; i < 72; i++) {
			assert_true(buf[n * 74 + i] >= 0x20);
			assert_true(buf[n * 74 + i] <= 0x7e);
		}
		assert_int_equal(buf[n * 74 + 72], '\r');
		assert_int_equal(buf[n * 74 + 73], '\n');
	}
	free(buf);
	free(ref);
}

/* Generated in pieces split anywhere, the stream is the same. */
static void
test_chargen_continuity_across_splits(void **state)
{
	size_t total = 3 * PERIOD;
	uint8_t *ref = chargen_reference(3 * 95);
	uint8_t *buf = malloc(total);
	size_t off, n, split;
	unsigned int seed = 12345;

	(void)state;
	/* every split point of the first two lines */
	for (split = 0; split <= 148; split++) {
		ptg_service_chargen_fill(0, buf, split);
		ptg_service_chargen_fill(split, buf + split, 148 - split);
		assert_memory_equal(buf, ref, 148);
	}
	/* pieces of pseudo-random sizes, 0..300 bytes, over three periods */
	memset(buf, 0, total);
	for (off = 0; off < total; off += n) {
		n = (size_t)(rand_r(&seed) % 301);
		if (n > total - off)
			n = total - off;
		ptg_service_chargen_fill(off, buf + off, n);
	}
	assert_memory_equal(buf, ref, total);
	free(buf);
	free(ref);
}

/* ---- http /bytes/N body ---------------------------------------------- */

static uint8_t *
bytes_reference(uint64_t base, size_t len)
{
	uint64_t first = base & ~UINT64_C(15), r;
	size_t n = (size_t)(base - first) + len + 16, i = 0;
	char *tmp = malloc(n + 17), rec[17];
	uint8_t *ref = malloc(len ? len : 1);

	for (r = first; i < n; r += 16, i += 16) {
		snprintf(rec, sizeof(rec), "%015" PRIx64 "\n", r);
		memcpy(tmp + i, rec, 16);
	}
	memcpy(ref, tmp + (base - first), len);
	free(tmp);
	return ref;
}

static void
test_bytes_first_records(void **state)
{
	static const char first[] =
		"000000000000000\n000000000000010\n000000000000020\n";
	char buf[48];

	(void)state;
	ptg_service_http_bytes_fill(0, buf, 48);
	assert_memory_equal(buf, first, 48);
	ptg_service_http_bytes_fill(5, buf, 3);
	assert_memory_equal(buf, "000", 3);
	ptg_service_http_bytes_fill(30, buf, 4);
	assert_memory_equal(buf, "0\n00", 4);
	ptg_service_http_bytes_fill((UINT64_C(1) << 30) - 16, buf, 16);
	assert_memory_equal(buf, "00000003ffffff0\n", 16);
	ptg_service_http_bytes_fill((UINT64_C(1) << 60) - 16, buf, 16);
	assert_memory_equal(buf, "ffffffffffffff0\n", 16);
}

static void
test_bytes_matches_reference(void **state)
{
	static const uint64_t bases[] = {
		0, 1, 15, 16, 17, 4095, UINT64_C(1) << 30,
		(UINT64_C(1) << 40) + 7,
	};
	unsigned int seed = 99, b, k;
	uint8_t buf[2000];
	uint8_t *ref;
	size_t len;

	(void)state;
	for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (k = 0; k < 20; k++) {
			len = (size_t)(rand_r(&seed) % sizeof(buf));
			ref = bytes_reference(bases[b], len);
			ptg_service_http_bytes_fill(bases[b], buf, len);
			assert_memory_equal(buf, ref, len);
			free(ref);
		}
	}
}

static void
test_bytes_continuity_across_splits(void **state)
{
	size_t total = 5000, off, n;
	uint8_t *ref = bytes_reference(0, total);
	uint8_t *buf = calloc(1, total);
	unsigned int seed = 7;

	(void)state;
	for (off = 0; off < total; off += n) {
		n = (size_t)(rand_r(&seed) % 40);
		if (n > total - off)
			n = total - off;
		ptg_service_http_bytes_fill(off, buf + off, n);
	}
	assert_memory_equal(buf, ref, total);
	free(buf);
	free(ref);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chargen_constants),
		cmocka_unit_test(test_chargen_first_lines),
		cmocka_unit_test(test_chargen_wraps_after_95_lines),
		cmocka_unit_test(test_chargen_matches_reference),
		cmocka_unit_test(test_chargen_continuity_across_splits),
		cmocka_unit_test(test_bytes_first_records),
		cmocka_unit_test(test_bytes_matches_reference),
		cmocka_unit_test(test_bytes_continuity_across_splits),
	};

	return cmocka_run_group_tests_name("service_pattern", tests, NULL,
					   NULL);
}
