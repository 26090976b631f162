/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/port/ini.c: the line scan that rejects what rte_cfgfile would
 * drop or truncate (each form its own case, with its "FILE:LINE:" message
 * and errno), the schema check, the typed getters, and ${VAR} /
 * ${VAR:-default} expansion.
 *
 * ptg_port_ini_parse() -> ini_scan() -> rte_cfgfile -> ini_take_values()
 * ptg_port_ini_get() -> ptg_port_env_expand()
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_errno.h>

#include "ptg_port.h"
#include "port_test.h"

#define NAME "t.ini"

/* rte_cfgfile's limits, as the scan enforces them. */
#define NAME_MAX_CHARS (CFG_NAME_LEN - 1)              /* 63 */
#define VALUE_MAX_CHARS (CFG_VALUE_LEN - 1)            /* 255 */
#define LINE_MAX_CHARS (CFG_NAME_LEN + CFG_VALUE_LEN)  /* 320 */
#define FILE_MAX_BYTES (1u << 20)

#define UNSET "PTG_UT_UNSET"

static struct ptg_port_ini *
parse_ok(const char *text)
{
	char err[PT_ERR_MAX] = "";
	struct ptg_port_ini *ini;

	ini = ptg_port_ini_parse(NAME, text, err, sizeof(err));
	if (ini == NULL)
		fail_msg("unexpected parse error: %s", err);
	return ini;
}

/* @text must be rejected with EINVAL and "t.ini:@line: @why". */
static void
assert_parse_fails(const char *text, unsigned int line, const char *why)
{
	char err[PT_ERR_MAX] = "";

	rte_errno = 0;
	assert_null(ptg_port_ini_parse(NAME, text, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	pt_assert_err(err, NAME, line, "%s", why);
}

/* Occurrence @idx of [@section] @key, which must be there. */
static const char *
get_ok(const struct ptg_port_ini *ini, const char *section, const char *key,
       unsigned int idx, unsigned int *line)
{
	static char buf[PTG_PORT_INI_VALUE_MAX];
	char err[PT_ERR_MAX] = "";
	int rc;

	rc = ptg_port_ini_get(ini, section, key, idx, buf, sizeof(buf), line,
			      err, sizeof(err));
	if (rc != 0)
		fail_msg("[%s] %s #%u: rc %d: %s", section, key, idx, rc, err);
	return buf;
}

static void
setup_env(void)
{
	unsetenv(UNSET);
	unsetenv(UNSET "2");
	setenv("PTG_UT_A", "alpha", 1);
	setenv("PTG_UT_EMPTY", "", 1);
}

/* ---- what loads ---------------------------------------------------------- */

static void
test_parse_sections_keys_and_lines(void **state)
{
	static const char text[] =
		"; a profile-like file\n"          /* 1 */
		"\n"                               /* 2 */
		"[first]\n"                        /* 3 */
		"one = 1\n"                        /* 4 */
		"   two=2   \n"                    /* 5 */
		"\t; indented comment\n"           /* 6 */
		"[ second ]\n"                     /* 7 */
		"three = 3 ; trailing comment\n"   /* 8 */
		"[empty]\n";                       /* 9 */
	struct ptg_port_ini *ini = parse_ok(text);
	unsigned int line = 0;

	(void)state;
	assert_string_equal(ptg_port_ini_name(ini), NAME);
	assert_true(ptg_port_ini_has_section(ini, "first"));
	assert_true(ptg_port_ini_has_section(ini, "second"));
	assert_true(ptg_port_ini_has_section(ini, "empty"));
	assert_false(ptg_port_ini_has_section(ini, "third"));
	assert_int_equal(ptg_port_ini_section_line(ini, "first"), 3);
	assert_int_equal(ptg_port_ini_section_line(ini, "second"), 7);
	assert_int_equal(ptg_port_ini_section_line(ini, "empty"), 9);
	assert_int_equal(ptg_port_ini_section_line(ini, "third"), 0);

	assert_string_equal(get_ok(ini, "first", "one", 0, &line), "1");
	assert_int_equal(line, 4);
	assert_string_equal(get_ok(ini, "first", "two", 0, &line), "2");
	assert_int_equal(line, 5);
	assert_string_equal(get_ok(ini, "second", "three", 0, &line), "3");
	assert_int_equal(line, 8);
	assert_int_equal(ptg_port_ini_count(ini, "first", "one"), 1);
	assert_int_equal(ptg_port_ini_count(ini, "first", "three"), 0);
	assert_int_equal(ptg_port_ini_count(ini, "empty", "one"), 0);
	assert_int_equal(ptg_port_ini_count(ini, "none", "one"), 0);
	ptg_port_ini_free(ini);
}

static void
test_parse_value_forms(void **state)
{
	static const char text[] =
		"[s]\r\n"                          /* 1: CRLF */
		"empty =\r\n"                      /* 2 */
		"eq = a=b=c\n"                     /* 3 */
		"inner = keep  inner blanks \n"    /* 4 */
		"esc = a\\;b\n"                    /* 5: "\;" is a ';' */
		"last = no newline";               /* 6 */
	struct ptg_port_ini *ini = parse_ok(text);
	unsigned int line = 0;

	(void)state;
	assert_string_equal(get_ok(ini, "s", "empty", 0, &line), "");
	assert_int_equal(line, 2);
	assert_string_equal(get_ok(ini, "s", "eq", 0, &line), "a=b=c");
	assert_int_equal(line, 3);
	assert_string_equal(get_ok(ini, "s", "inner", 0, NULL),
			    "keep  inner blanks");
	assert_string_equal(get_ok(ini, "s", "esc", 0, NULL), "a;b");
	assert_string_equal(get_ok(ini, "s", "last", 0, &line), "no newline");
	assert_int_equal(line, 6);
	ptg_port_ini_free(ini);
}

/* rte_cfgfile only looks at the first ';' of a line: once it is escaped,
 * a later "; comment" is part of the value. The scan follows the same
 * rule, so both views agree (and the length check counts it). */
static void
test_parse_comment_after_escaped_semicolon_is_value(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\nk = a\\;b ; c\n");

	(void)state;
	assert_string_equal(get_ok(ini, "s", "k", 0, NULL), "a;b ; c");
	ptg_port_ini_free(ini);
}

static void
test_parse_empty_text(void **state)
{
	struct ptg_port_ini *ini = parse_ok("");

	(void)state;
	assert_false(ptg_port_ini_has_section(ini, "s"));
	ptg_port_ini_free(ini);
	ini = parse_ok("; only a comment\n\n");
	assert_false(ptg_port_ini_has_section(ini, "s"));
	ptg_port_ini_free(ini);
}

static void
test_load_file(void **state)
{
	char *path = pt_file("[s]\n\nk = from a file\n");
	char err[PT_ERR_MAX] = "";
	struct ptg_port_ini *ini;
	unsigned int line = 0;

	(void)state;
	ini = ptg_port_ini_load(path, err, sizeof(err));
	assert_non_null(ini);
	assert_string_equal(ptg_port_ini_name(ini), path);
	assert_string_equal(get_ok(ini, "s", "k", 0, &line), "from a file");
	assert_int_equal(line, 3);
	ptg_port_ini_free(ini);
	pt_file_free(path);
}

static void
test_free_accepts_null(void **state)
{
	(void)state;
	ptg_port_ini_free(NULL);
}

/* ---- malformed lines: one case each -------------------------------------- */

static void
test_reject_text_neither_section_nor_key(void **state)
{
	(void)state;
	assert_parse_fails("[s]\nk = v\n\njust words\n", 4,
		"expected '[section]' or 'key = value', got 'just words'");
}

static void
test_reject_text_quotes_at_most_60_chars(void **state)
{
	char *words = pt_repeat('w', 80), *text, why[128];

	(void)state;
	assert_true(asprintf(&text, "[s]\n%s\n", words) > 0);
	snprintf(why, sizeof(why),
		 "expected '[section]' or 'key = value', got '%.60s'", words);
	assert_parse_fails(text, 2, why);
	free(text);
	free(words);
}

static void
test_reject_hash_comment(void **state)
{
	(void)state;
	assert_parse_fails("[s]\nk = v\n# note\n", 3,
			   "comments start with ';', not '#'");
	assert_parse_fails("[s]\n\n   # indented\n", 3,
			   "comments start with ';', not '#'");
}

static void
test_reject_section_without_closing_bracket(void **state)
{
	(void)state;
	assert_parse_fails("[s]\nk = v\n[open\n", 3,
			   "section header without ']'");
}

static void
test_reject_text_after_section_header(void **state)
{
	struct ptg_port_ini *ini;

	(void)state;
	assert_parse_fails("[s] extra\n", 1,
			   "text after the section header's ']'");
	assert_parse_fails("[s]\n[t]]\n", 2,
			   "text after the section header's ']'");
	/* a comment after the header is not text */
	ini = parse_ok("[s]   ; the section\nk = v\n");
	assert_true(ptg_port_ini_has_section(ini, "s"));
	ptg_port_ini_free(ini);
}

static void
test_reject_empty_section_name(void **state)
{
	(void)state;
	assert_parse_fails("[]\n", 1, "empty section name");
	assert_parse_fails("[s]\n[   ]\n", 2, "empty section name");
}

static void
test_section_name_limit(void **state)
{
	char *name = pt_repeat('n', NAME_MAX_CHARS + 1), *text, why[64];
	struct ptg_port_ini *ini;

	(void)state;
	/* 63 characters: the longest rte_cfgfile keeps whole */
	assert_true(asprintf(&text, "[%.*s]\nk = v\n", NAME_MAX_CHARS,
			     name) > 0);
	ini = parse_ok(text);
	name[NAME_MAX_CHARS] = '\0';
	assert_true(ptg_port_ini_has_section(ini, name));
	ptg_port_ini_free(ini);
	free(text);

	name[NAME_MAX_CHARS] = 'n';
	assert_true(asprintf(&text, "; long\n[%s]\n", name) > 0);
	snprintf(why, sizeof(why), "section name longer than %d characters",
		 NAME_MAX_CHARS);
	assert_parse_fails(text, 2, why);
	free(text);
	free(name);
}

static void
test_reject_duplicate_section(void **state)
{
	static const char text[] =
		"; twice\n"  /* 1 */
		"[a]\n"      /* 2 */
		"k = 1\n"    /* 3 */
		"[b]\n"      /* 4 */
		"\n"         /* 5 */
		"[ a ]\n"    /* 6 */
		"k = 2\n";   /* 7 */

	(void)state;
	assert_parse_fails(text, 6, "section [a] already defined at line 2");
}

static void
test_reject_key_outside_section(void **state)
{
	(void)state;
	assert_parse_fails("; comment\n\nk = v\n[s]\n", 3,
			   "'k' outside any [section]");
}

static void
test_reject_missing_key(void **state)
{
	(void)state;
	assert_parse_fails("[s]\n  = v\n", 2, "missing key before '='");
}

static void
test_key_name_limit(void **state)
{
	char *key = pt_repeat('k', NAME_MAX_CHARS + 1), *text, why[64];
	struct ptg_port_ini *ini;

	(void)state;
	assert_true(asprintf(&text, "[s]\n%.*s = v\n", NAME_MAX_CHARS,
			     key) > 0);
	ini = parse_ok(text);
	key[NAME_MAX_CHARS] = '\0';
	assert_string_equal(get_ok(ini, "s", key, 0, NULL), "v");
	ptg_port_ini_free(ini);
	free(text);

	key[NAME_MAX_CHARS] = 'k';
	assert_true(asprintf(&text, "[s]\na = 1\n%s = v\n", key) > 0);
	snprintf(why, sizeof(why), "key longer than %d characters",
		 NAME_MAX_CHARS);
	assert_parse_fails(text, 3, why);
	free(text);
	free(key);
}

static void
test_value_limit(void **state)
{
	char *val = pt_repeat('v', VALUE_MAX_CHARS + 1), *text, why[64];
	struct ptg_port_ini *ini;

	(void)state;
	/* 255 characters: kept whole */
	assert_true(asprintf(&text, "[s]\nk = %.*s\n", VALUE_MAX_CHARS,
			     val) > 0);
	ini = parse_ok(text);
	assert_int_equal(strlen(get_ok(ini, "s", "k", 0, NULL)),
			 VALUE_MAX_CHARS);
	ptg_port_ini_free(ini);
	free(text);

	/* 254 characters and "\;": 255 once rte_cfgfile unescapes it */
	assert_true(asprintf(&text, "[s]\nk = %.*s\\;\n", VALUE_MAX_CHARS - 1,
			     val) > 0);
	ini = parse_ok(text);
	assert_int_equal(strlen(get_ok(ini, "s", "k", 0, NULL)),
			 VALUE_MAX_CHARS);
	assert_int_equal(get_ok(ini, "s", "k", 0, NULL)[VALUE_MAX_CHARS - 1],
			 ';');
	ptg_port_ini_free(ini);
	free(text);

	snprintf(why, sizeof(why), "value of 'k' longer than %d characters",
		 VALUE_MAX_CHARS);
	assert_true(asprintf(&text, "[s]\nk = %s\n", val) > 0);
	assert_parse_fails(text, 2, why);
	free(text);
	assert_true(asprintf(&text, "[s]\nk = %.*s\\;\n", VALUE_MAX_CHARS,
			     val) > 0);
	assert_parse_fails(text, 2, why);
	free(text);
	free(val);
}

static void
test_line_limit(void **state)
{
	char *fill = pt_repeat('x', LINE_MAX_CHARS), *text, why[64];
	struct ptg_port_ini *ini;

	(void)state;
	/* a comment line of exactly 320 characters is fine */
	assert_true(asprintf(&text, "[s]\n;%.*s\nk = v\n", LINE_MAX_CHARS - 1,
			     fill) > 0);
	ini = parse_ok(text);
	assert_string_equal(get_ok(ini, "s", "k", 0, NULL), "v");
	ptg_port_ini_free(ini);
	free(text);

	assert_true(asprintf(&text, "[s]\nk = v\n;%s\n", fill) > 0);
	snprintf(why, sizeof(why), "line longer than %d characters",
		 LINE_MAX_CHARS);
	assert_parse_fails(text, 3, why);
	free(text);
	free(fill);
}

static void
test_reject_nul_byte(void **state)
{
	static const char bytes[] = "[s]\nk = a\0b\n";
	char *path = pt_file_bytes(bytes, sizeof(bytes) - 1);
	char err[PT_ERR_MAX] = "";

	(void)state;
	rte_errno = 0;
	assert_null(ptg_port_ini_load(path, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	pt_assert_err(err, path, 2, "NUL byte in line (not a text file?)");
	pt_file_free(path);
}

static void
test_load_missing_file(void **state)
{
	char *path = pt_file("");
	char err[PT_ERR_MAX] = "";

	(void)state;
	unlink(path);
	rte_errno = 0;
	assert_null(ptg_port_ini_load(path, err, sizeof(err)));
	assert_int_equal(rte_errno, ENOENT);
	pt_assert_err(err, path, 0, "cannot open: %s", strerror(ENOENT));
	pt_file_free(path);
}

static void
test_load_directory(void **state)
{
	char dir[] = "/tmp/ptg-port-test-dir-XXXXXX";
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_non_null(mkdtemp(dir));
	rte_errno = 0;
	assert_null(ptg_port_ini_load(dir, err, sizeof(err)));
	assert_int_equal(rte_errno, EISDIR);
	pt_assert_err(err, dir, 0, "read error: %s", strerror(EISDIR));
	assert_int_equal(rmdir(dir), 0);
}

static void
test_load_empty_path(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	rte_errno = 0;
	assert_null(ptg_port_ini_load("", err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_string_equal(err, "empty file name");
	rte_errno = 0;
	assert_null(ptg_port_ini_load(NULL, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_parse_null_text(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	rte_errno = 0;
	assert_null(ptg_port_ini_parse(NAME, NULL, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_string_equal(err, "no INI text");
	rte_errno = 0;
	assert_null(ptg_port_ini_parse(NULL, "[s]\n", err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
}

/* A file of @size bytes of comment lines. */
static char *
comment_file(size_t size)
{
	char *bytes = malloc(size), *path;
	size_t i;

	assert_non_null(bytes);
	for (i = 0; i < size; i++)
		bytes[i] = (i % 64 == 63) ? '\n' : ';';
	path = pt_file_bytes(bytes, size);
	free(bytes);
	return path;
}

static void
test_load_largest_file(void **state)
{
	char *path = comment_file(FILE_MAX_BYTES);
	char err[PT_ERR_MAX] = "";
	struct ptg_port_ini *ini;

	(void)state;
	ini = ptg_port_ini_load(path, err, sizeof(err));
	if (ini == NULL)
		fail_msg("a file of exactly %u bytes: %s", FILE_MAX_BYTES, err);
	ptg_port_ini_free(ini);
	pt_file_free(path);
}

static void
assert_too_large(size_t size)
{
	char *path = comment_file(size);
	char err[PT_ERR_MAX] = "";

	rte_errno = 0;
	assert_null(ptg_port_ini_load(path, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	pt_assert_err(err, path, 0, "larger than %u bytes", FILE_MAX_BYTES);
	pt_file_free(path);
}

static void
test_load_too_large(void **state)
{
	(void)state;
	assert_too_large(FILE_MAX_BYTES + 1);
	/* stops reading long before the end */
	assert_too_large(3 * FILE_MAX_BYTES);
}

/* ---- schema check -------------------------------------------------------- */

static const struct ptg_port_ini_key schema[] = {
	{ "a", "k1", 0 },
	{ "a", "k2", 0 },
	{ "b", "list", 1 },
};

static int
check(const char *text, char *err, size_t errlen)
{
	struct ptg_port_ini *ini = parse_ok(text);
	int rc;

	rc = ptg_port_ini_check(ini, schema, RTE_DIM(schema), err, errlen);
	ptg_port_ini_free(ini);
	return rc;
}

static void
test_check_accepts_schema(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check("[a]\nk1 = 1\nk2 = 2\n[b]\n", err, sizeof(err)),
			 0);
	assert_int_equal(check("", err, sizeof(err)), 0);
}

static void
test_check_unknown_section(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check("[a]\nk1 = 1\n\n[extra]\n", err, sizeof(err)),
			 -EINVAL);
	pt_assert_err(err, NAME, 4,
		      "unknown section [extra] (known: [a], [b])");
}

static void
test_check_unknown_key(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check("[a]\nk1 = 1\nk3 = 2\n", err, sizeof(err)),
			 -EINVAL);
	pt_assert_err(err, NAME, 3, "unknown key 'k3' in [a] (known: k1, k2)");
	/* a key of another section is unknown here */
	assert_int_equal(check("[b]\n\nk1 = 1\n", err, sizeof(err)), -EINVAL);
	pt_assert_err(err, NAME, 3, "unknown key 'k1' in [b] (known: list)");
}

static void
test_check_duplicate_key(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check("[a]\nk1 = 1\nk2 = 2\nk1 = 3\n", err,
			       sizeof(err)), -EINVAL);
	pt_assert_err(err, NAME, 4,
		      "duplicate key 'k1' in [a] (first at line 2)");
}

static void
test_check_repeatable_key(void **state)
{
	static const char text[] = "[b]\nlist = x\nlist = y\n\nlist = z\n";
	struct ptg_port_ini *ini = parse_ok(text);
	char err[PT_ERR_MAX] = "", buf[16] = "untouched";
	unsigned int line = 0;

	(void)state;
	assert_int_equal(ptg_port_ini_check(ini, schema, RTE_DIM(schema), err,
					    sizeof(err)), 0);
	assert_int_equal(ptg_port_ini_count(ini, "b", "list"), 3);
	assert_string_equal(get_ok(ini, "b", "list", 0, &line), "x");
	assert_int_equal(line, 2);
	assert_string_equal(get_ok(ini, "b", "list", 1, &line), "y");
	assert_int_equal(line, 3);
	assert_string_equal(get_ok(ini, "b", "list", 2, &line), "z");
	assert_int_equal(line, 5);
	line = 77;
	assert_int_equal(ptg_port_ini_get(ini, "b", "list", 3, buf,
					  sizeof(buf), &line, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(line, 77);
	assert_string_equal(buf, "untouched");
	ptg_port_ini_free(ini);
}

/* ---- getters ------------------------------------------------------------- */

static void
test_get_absent(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\nk = v\n");
	char err[PT_ERR_MAX] = "", buf[16] = "untouched";
	unsigned int line = 77;

	(void)state;
	assert_int_equal(ptg_port_ini_get(ini, "t", "k", 0, buf, sizeof(buf),
					  &line, err, sizeof(err)), -ENOENT);
	assert_int_equal(ptg_port_ini_get(ini, "s", "x", 0, buf, sizeof(buf),
					  &line, err, sizeof(err)), -ENOENT);
	assert_int_equal(line, 77);
	assert_string_equal(buf, "untouched");
	assert_string_equal(err, "");
	ptg_port_ini_free(ini);
}

static void
test_get_expands_environment(void **state)
{
	struct ptg_port_ini *ini;
	char *longval = pt_repeat('L', 1000);

	(void)state;
	setup_env();
	setenv("PTG_UT_LONG", longval, 1);
	ini = parse_ok("[s]\n"
		       "k = ${PTG_UT_A:-x}/${" UNSET ":-dflt}/$HOME\n"
		       "long = ${PTG_UT_LONG}\n");
	assert_string_equal(get_ok(ini, "s", "k", 0, NULL), "alpha/dflt/$HOME");
	/* expansion may pass rte_cfgfile's 255 characters */
	assert_string_equal(get_ok(ini, "s", "long", 0, NULL), longval);
	ptg_port_ini_free(ini);
	unsetenv("PTG_UT_LONG");
	free(longval);
}

static void
test_get_unset_variable(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\na = 1\nk = <${" UNSET "}>\n");
	char err[PT_ERR_MAX] = "", buf[64];
	unsigned int line = 0;

	(void)state;
	setup_env();
	assert_int_equal(ptg_port_ini_get(ini, "s", "k", 0, buf, sizeof(buf),
					  &line, err, sizeof(err)), -EINVAL);
	assert_int_equal(line, 3);
	pt_assert_err(err, NAME, 3, "k: environment variable " UNSET " is not "
		      "set (give a default: ${" UNSET ":-value})");
	ptg_port_ini_free(ini);
}

static void
test_get_too_long(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\nk = abcdefgh\n");
	char err[PT_ERR_MAX] = "", buf[8];

	(void)state;
	assert_int_equal(ptg_port_ini_get(ini, "s", "k", 0, buf, sizeof(buf),
					  NULL, err, sizeof(err)),
			 -ENAMETOOLONG);
	pt_assert_err(err, NAME, 2,
		      "k: longer than 7 characters after expansion");
	ptg_port_ini_free(ini);
}

static uint64_t
uint_ok(const char *value, uint64_t min, uint64_t max)
{
	struct ptg_port_ini *ini;
	char err[PT_ERR_MAX] = "", *text;
	uint64_t v = 12345;
	int rc;

	assert_true(asprintf(&text, "[s]\nn = %s\n", value) > 0);
	ini = parse_ok(text);
	rc = ptg_port_ini_get_uint(ini, "s", "n", min, max, &v, err,
				   sizeof(err));
	if (rc != 0)
		fail_msg("'%s': rc %d: %s", value, rc, err);
	ptg_port_ini_free(ini);
	free(text);
	return v;
}

/* @value must be refused by get_uint(min, max) with the range message,
 * leaving the output alone. */
static void
assert_uint_fails(const char *value, uint64_t min, uint64_t max)
{
	struct ptg_port_ini *ini;
	char err[PT_ERR_MAX] = "", *text;
	uint64_t v = 12345;

	assert_true(asprintf(&text, "[s]\n\nn = %s\n", value) > 0);
	ini = parse_ok(text);
	assert_int_equal(ptg_port_ini_get_uint(ini, "s", "n", min, max, &v,
					       err, sizeof(err)), -EINVAL);
	assert_int_equal(v, 12345);
	pt_assert_err(err, NAME, 3,
		      "n: '%s' is not a number in %" PRIu64 "..%" PRIu64,
		      value, min, max);
	ptg_port_ini_free(ini);
	free(text);
}

static void
test_get_uint_values(void **state)
{
	(void)state;
	assert_int_equal(uint_ok("0", 0, 100), 0);
	assert_int_equal(uint_ok("42", 0, 100), 42);
	assert_int_equal(uint_ok("010", 0, 100), 10); /* decimal, not octal */
	assert_int_equal(uint_ok("0x1F", 0, 100), 31);
	assert_int_equal(uint_ok("0X1f", 0, 100), 31);
	assert_int_equal(uint_ok("5", 5, 10), 5);     /* bounds inclusive */
	assert_int_equal(uint_ok("10", 5, 10), 10);
	assert_true(uint_ok("18446744073709551615", 0, UINT64_MAX) ==
		    UINT64_MAX);
	assert_true(uint_ok("0xffffffffffffffff", 0, UINT64_MAX) ==
		    UINT64_MAX);
}

static void
test_get_uint_rejects_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", "1.5", "12abc", "1 2", "abc", "0x", "0xg",
		"0x-1", "1e3",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		assert_uint_fails(bad[i], 0, 100);
}

static void
test_get_uint_rejects_overflow(void **state)
{
	(void)state;
	assert_uint_fails("18446744073709551616", 0, UINT64_MAX);
	assert_uint_fails("0x10000000000000000", 0, UINT64_MAX);
	assert_uint_fails("99999999999999999999999", 0, UINT64_MAX);
}

static void
test_get_uint_rejects_out_of_range(void **state)
{
	(void)state;
	assert_uint_fails("4", 5, 10);
	assert_uint_fails("11", 5, 10);
	assert_uint_fails("0x0b", 5, 10);
}

static void
test_get_uint_absent_or_unexpandable(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\nn = ${" UNSET "}\n");
	char err[PT_ERR_MAX] = "";
	uint64_t v = 12345;

	(void)state;
	setup_env();
	assert_int_equal(ptg_port_ini_get_uint(ini, "s", "m", 0, 9, &v, err,
					       sizeof(err)), -ENOENT);
	assert_int_equal(v, 12345);
	assert_int_equal(ptg_port_ini_get_uint(ini, "s", "n", 0, 9, &v, err,
					       sizeof(err)), -EINVAL);
	assert_int_equal(v, 12345);
	/* the expansion's message, not the range one */
	pt_assert_err(err, NAME, 2, "n: environment variable " UNSET " is not "
		      "set (give a default: ${" UNSET ":-value})");
	ptg_port_ini_free(ini);
}

static int
bool_of(const char *value, char *err, size_t errlen)
{
	struct ptg_port_ini *ini;
	char *text;
	int v = 42, rc;

	assert_true(asprintf(&text, "[s]\nb = %s\n", value) > 0);
	ini = parse_ok(text);
	rc = ptg_port_ini_get_bool(ini, "s", "b", &v, err, errlen);
	ptg_port_ini_free(ini);
	free(text);
	if (rc < 0) {
		assert_int_equal(v, 42);
		return rc;
	}
	assert_int_equal(rc, 0);
	return v;
}

static void
test_get_bool_values(void **state)
{
	static const char *const yes[] = {
		"yes", "on", "true", "1", "YES", "On", "TRUE",
	};
	static const char *const no[] = {
		"no", "off", "false", "0", "NO", "Off", "False",
	};
	char err[PT_ERR_MAX] = "";
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(yes); i++)
		assert_int_equal(bool_of(yes[i], err, sizeof(err)), 1);
	for (i = 0; i < RTE_DIM(no); i++)
		assert_int_equal(bool_of(no[i], err, sizeof(err)), 0);
}

static void
test_get_bool_rejects(void **state)
{
	static const char *const bad[] = { "maybe", "2", "", "yess", "y" };
	char err[PT_ERR_MAX] = "";
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		assert_int_equal(bool_of(bad[i], err, sizeof(err)), -EINVAL);
		pt_assert_err(err, NAME, 2, "b: '%s' is not a boolean (yes/no, "
			      "on/off, true/false, 1/0)", bad[i]);
	}
}

static void
test_get_bool_absent(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\n");
	char err[PT_ERR_MAX] = "";
	int v = 42;

	(void)state;
	assert_int_equal(ptg_port_ini_get_bool(ini, "s", "b", &v, err,
					       sizeof(err)), -ENOENT);
	assert_int_equal(v, 42);
	ptg_port_ini_free(ini);
}

static void
test_errf_formats(void **state)
{
	struct ptg_port_ini *ini = parse_ok("[s]\n");
	char err[64], small[10];

	(void)state;
	assert_int_equal(ptg_port_ini_errf(ini, 7, err, sizeof(err),
					   "bad %s %d", "thing", 3), -EINVAL);
	assert_string_equal(err, "t.ini:7: bad thing 3");
	assert_int_equal(ptg_port_ini_errf(ini, 0, err, sizeof(err),
					   "whole file"), -EINVAL);
	assert_string_equal(err, "t.ini: whole file");
	/* truncated, still terminated */
	assert_int_equal(ptg_port_ini_errf(ini, 7, small, sizeof(small),
					   "long message"), -EINVAL);
	assert_string_equal(small, "t.ini:7: ");
	assert_int_equal(ptg_port_ini_errf(ini, 7, small, 5, "x"), -EINVAL);
	assert_string_equal(small, "t.in");
	assert_int_equal(ptg_port_ini_errf(ini, 7, NULL, 0, "x"), -EINVAL);
	ptg_port_ini_free(ini);
}

/* ---- ${VAR} expansion ---------------------------------------------------- */

/* Expand @in into a buffer of @outlen; returns the result (static). */
static const char *
expand_ok(const char *in, size_t outlen)
{
	static char out[PTG_PORT_INI_VALUE_MAX];
	char why[256] = "";
	int rc;

	assert_true(outlen <= sizeof(out));
	rc = ptg_port_env_expand(in, out, outlen, why, sizeof(why));
	if (rc != 0)
		fail_msg("'%s': rc %d: %s", in, rc, why);
	return out;
}

/* @in must fail with @rc and the reason @want. */
static void
assert_expand_fails(const char *in, size_t outlen, int rc, const char *want)
{
	char out[PTG_PORT_INI_VALUE_MAX], why[512] = "";

	assert_true(outlen <= sizeof(out));
	assert_int_equal(ptg_port_env_expand(in, out, outlen, why,
					     sizeof(why)), rc);
	assert_string_equal(why, want);
}

static void
test_expand_plain_text(void **state)
{
	(void)state;
	setup_env();
	assert_string_equal(expand_ok("", 8), "");
	assert_string_equal(expand_ok("plain text", 64), "plain text");
	/* '$' not followed by '{' is literal */
	assert_string_equal(expand_ok("$PTG_UT_A $5 a$ $$", 64),
			    "$PTG_UT_A $5 a$ $$");
	assert_string_equal(expand_ok("{x} a}b", 64), "{x} a}b");
}

static void
test_expand_set_variable(void **state)
{
	(void)state;
	setup_env();
	assert_string_equal(expand_ok("x${PTG_UT_A}y", 64), "xalphay");
	assert_string_equal(expand_ok("${PTG_UT_A}${PTG_UT_A}", 64),
			    "alphaalpha");
	assert_string_equal(expand_ok("$${PTG_UT_A}", 64), "$alpha");
	/* a '}' after the closing one is literal */
	assert_string_equal(expand_ok("${PTG_UT_A}}", 64), "alpha}");
}

static void
test_expand_unset_variable(void **state)
{
	(void)state;
	setup_env();
	assert_expand_fails("a${" UNSET "}b", 64, -EINVAL,
		"environment variable " UNSET " is not set (give a default: "
		"${" UNSET ":-value})");
}

static void
test_expand_empty_variable(void **state)
{
	(void)state;
	setup_env();
	/* set but empty is not unset */
	assert_string_equal(expand_ok("[${PTG_UT_EMPTY}]", 64), "[]");
}

static void
test_expand_default(void **state)
{
	(void)state;
	setup_env();
	assert_string_equal(expand_ok("${" UNSET ":-dflt}", 64), "dflt");
	/* ":-" also replaces an empty value, as in the shell */
	assert_string_equal(expand_ok("${PTG_UT_EMPTY:-dflt}", 64), "dflt");
	assert_string_equal(expand_ok("${PTG_UT_A:-dflt}", 64), "alpha");
	assert_string_equal(expand_ok("<${" UNSET ":-}>", 64), "<>");
	assert_string_equal(expand_ok("${" UNSET ":-a b,c=d}", 64),
			    "a b,c=d");
	/* a bare '{' in a default does not nest: the first '}' closes */
	assert_string_equal(expand_ok("${" UNSET ":-{x}}", 64), "{x}");
}

static void
test_expand_nested_default(void **state)
{
	(void)state;
	setup_env();
	assert_string_equal(expand_ok("${" UNSET ":-${PTG_UT_A}}", 64),
			    "alpha");
	assert_string_equal(expand_ok("${" UNSET ":-${" UNSET "2:-deep}/x}",
				      64), "deep/x");
	assert_string_equal(expand_ok("${PTG_UT_A:-${" UNSET "}}", 64),
			    "alpha");
	assert_expand_fails("${" UNSET ":-${" UNSET "2}}", 64, -EINVAL,
		"environment variable " UNSET "2 is not set (give a default: "
		"${" UNSET "2:-value})");
}

static void
test_expand_unclosed_brace(void **state)
{
	(void)state;
	setup_env();
	assert_expand_fails("${", 64, -EINVAL, "'${' without a closing '}'");
	assert_expand_fails("a${PTG_UT_A", 64, -EINVAL,
			    "'${' without a closing '}'");
	assert_expand_fails("${" UNSET ":-${PTG_UT_A}", 64, -EINVAL,
			    "'${' without a closing '}'");
}

static void
test_expand_bad_variable_name(void **state)
{
	static const char *const bad[] = { "", "1A", "-x", ":-x", "é" };
	char in[64], want[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(in, sizeof(in), "${%s}", bad[i]);
		snprintf(want, sizeof(want), "bad variable in '${%s}': "
			 "expected ${NAME} or ${NAME:-default}", bad[i]);
		assert_expand_fails(in, 64, -EINVAL, want);
	}
}

static void
test_expand_bad_operator(void **state)
{
	static const char *const bad[] = {
		"PTG_UT_A-x", "PTG_UT_A:x", "PTG_UT_A:=x", "PTG_UT_A:",
		"PTG_UT_A B", "PTG_UT_A.b",
	};
	char in[64], want[256];
	unsigned int i;

	(void)state;
	setup_env();
	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(in, sizeof(in), "${%s}", bad[i]);
		snprintf(want, sizeof(want), "bad '${%s}': expected ${NAME} "
			 "or ${NAME:-default}", bad[i]);
		assert_expand_fails(in, 64, -EINVAL, want);
	}
}

static void
test_expand_name_length(void **state)
{
	char *name = pt_repeat('N', 128), in[160], want[300];

	(void)state;
	/* 127 characters: the longest name looked up */
	name[127] = '\0';
	setenv(name, "v127", 1);
	snprintf(in, sizeof(in), "${%s}", name);
	assert_string_equal(expand_ok(in, 64), "v127");
	unsetenv(name);

	name[127] = 'N';
	setenv(name, "v128", 1);
	snprintf(in, sizeof(in), "${%s}", name);
	snprintf(want, sizeof(want), "bad variable in '${%s}': expected "
		 "${NAME} or ${NAME:-default}", name);
	assert_expand_fails(in, 64, -EINVAL, want);
	unsetenv(name);
	free(name);
}

static void
test_expand_output_limit(void **state)
{
	(void)state;
	setup_env();
	/* outlen 8: 7 characters and the NUL */
	assert_string_equal(expand_ok("1234567", 8), "1234567");
	assert_expand_fails("12345678", 8, -ENAMETOOLONG,
			    "longer than 7 characters after expansion");
	assert_string_equal(expand_ok("12${PTG_UT_A}", 8), "12alpha");
	assert_expand_fails("123${PTG_UT_A}", 8, -ENAMETOOLONG,
			    "longer than 7 characters after expansion");
	assert_expand_fails("${" UNSET ":-12345678}", 8, -ENAMETOOLONG,
			    "longer than 7 characters after expansion");
	assert_expand_fails("${" UNSET ":-${" UNSET "2:-12345678}}", 8,
			    -ENAMETOOLONG,
			    "longer than 7 characters after expansion");
	assert_string_equal(expand_ok("", 1), "");
	assert_expand_fails("a", 1, -ENAMETOOLONG,
			    "longer than 0 characters after expansion");
}

/* "${UNSET:-" @depth times, then "end", then the closing braces; with
 * @first_set, the outer variable is PTG_UT_A. */
static char *
nested(unsigned int depth, int first_set)
{
	char *s = calloc(1, depth * 24 + 8), *p = s;
	unsigned int i;

	assert_non_null(s);
	for (i = 0; i < depth; i++)
		p += sprintf(p, "${%s:-", i == 0 && first_set ? "PTG_UT_A" :
			     UNSET);
	p += sprintf(p, "end");
	for (i = 0; i < depth; i++)
		*p++ = '}';
	*p = '\0';
	return s;
}

static void
test_expand_depth_limit(void **state)
{
	char *s;

	(void)state;
	setup_env();
	s = nested(8, 0);
	assert_string_equal(expand_ok(s, 64), "end");
	free(s);
	s = nested(9, 0);
	assert_expand_fails(s, 64, -EINVAL, "${...} nested more than 8 deep");
	free(s);
	/* only defaults that are expanded count */
	s = nested(12, 1);
	assert_string_equal(expand_ok(s, 64), "alpha");
	free(s);
}

static void
test_expand_bad_arguments(void **state)
{
	char out[8], why[64] = "";

	(void)state;
	assert_int_equal(ptg_port_env_expand(NULL, out, sizeof(out), why,
					     sizeof(why)), -EINVAL);
	assert_int_equal(ptg_port_env_expand("x", NULL, sizeof(out), why,
					     sizeof(why)), -EINVAL);
	assert_int_equal(ptg_port_env_expand("x", out, 0, why, sizeof(why)),
			 -EINVAL);
	/* no room for the reason: still fails cleanly */
	setup_env();
	assert_int_equal(ptg_port_env_expand("${" UNSET "}", out, sizeof(out),
					     NULL, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sections_keys_and_lines),
		cmocka_unit_test(test_parse_value_forms),
		cmocka_unit_test(
			test_parse_comment_after_escaped_semicolon_is_value),
		cmocka_unit_test(test_parse_empty_text),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_free_accepts_null),
		cmocka_unit_test(test_reject_text_neither_section_nor_key),
		cmocka_unit_test(test_reject_text_quotes_at_most_60_chars),
		cmocka_unit_test(test_reject_hash_comment),
		cmocka_unit_test(test_reject_section_without_closing_bracket),
		cmocka_unit_test(test_reject_text_after_section_header),
		cmocka_unit_test(test_reject_empty_section_name),
		cmocka_unit_test(test_section_name_limit),
		cmocka_unit_test(test_reject_duplicate_section),
		cmocka_unit_test(test_reject_key_outside_section),
		cmocka_unit_test(test_reject_missing_key),
		cmocka_unit_test(test_key_name_limit),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_reject_nul_byte),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_directory),
		cmocka_unit_test(test_load_empty_path),
		cmocka_unit_test(test_parse_null_text),
		cmocka_unit_test(test_load_largest_file),
		cmocka_unit_test(test_load_too_large),
		cmocka_unit_test(test_check_accepts_schema),
		cmocka_unit_test(test_check_unknown_section),
		cmocka_unit_test(test_check_unknown_key),
		cmocka_unit_test(test_check_duplicate_key),
		cmocka_unit_test(test_check_repeatable_key),
		cmocka_unit_test(test_get_absent),
		cmocka_unit_test(test_get_expands_environment),
		cmocka_unit_test(test_get_unset_variable),
		cmocka_unit_test(test_get_too_long),
		cmocka_unit_test(test_get_uint_values),
		cmocka_unit_test(test_get_uint_rejects_bad_numbers),
		cmocka_unit_test(test_get_uint_rejects_overflow),
		cmocka_unit_test(test_get_uint_rejects_out_of_range),
		cmocka_unit_test(test_get_uint_absent_or_unexpandable),
		cmocka_unit_test(test_get_bool_values),
		cmocka_unit_test(test_get_bool_rejects),
		cmocka_unit_test(test_get_bool_absent),
		cmocka_unit_test(test_errf_formats),
		cmocka_unit_test(test_expand_plain_text),
		cmocka_unit_test(test_expand_set_variable),
		cmocka_unit_test(test_expand_unset_variable),
		cmocka_unit_test(test_expand_empty_variable),
		cmocka_unit_test(test_expand_default),
		cmocka_unit_test(test_expand_nested_default),
		cmocka_unit_test(test_expand_unclosed_brace),
		cmocka_unit_test(test_expand_bad_variable_name),
		cmocka_unit_test(test_expand_bad_operator),
		cmocka_unit_test(test_expand_name_length),
		cmocka_unit_test(test_expand_output_limit),
		cmocka_unit_test(test_expand_depth_limit),
		cmocka_unit_test(test_expand_bad_arguments),
	};

	return cmocka_run_group_tests_name("port_ini", tests, NULL, NULL);
}
