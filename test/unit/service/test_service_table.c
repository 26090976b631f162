/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/service/service.c: the registry of service kinds, the port
 * table, ptg_service_bind_spec() (one case per malformed spec) and
 * ptg_close_reason_str(). No EAL: binding makes no resources.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ptg_service.h"
#include "service_priv.h"

static int
reset(void **state)
{
	(void)state;
	ptg_service_unbind_all();
	return 0;
}

/* ---- registry ---------------------------------------------------------- */

static void
test_builtins_registered(void **state)
{
	(void)state;
	assert_ptr_equal(ptg_service_find("echo"), &ptg_service_echo);
	assert_ptr_equal(ptg_service_find("discard"), &ptg_service_discard);
	assert_ptr_equal(ptg_service_find("chargen"), &ptg_service_chargen);
	assert_ptr_equal(ptg_service_find("http"), &ptg_service_http);
	assert_ptr_equal(ptg_service_find("proxy"), &ptg_service_proxy);
	assert_null(ptg_service_find("nosuch"));
	assert_null(ptg_service_find("ECHO"));
	assert_null(ptg_service_find(""));
	assert_null(ptg_service_find(NULL));
}

static int
dummy_init(void **ctx, const char *args)
{
	(void)args;
	*ctx = NULL;
	return 0;
}

static size_t
dummy_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	(void)c;
	(void)data;
	return len;
}

static void
dummy_on_close(struct ptg_conn *c, enum ptg_close_reason r)
{
	(void)c;
	(void)r;
}

#define DUMMY_CONN { .size = PTG_CONN_OPS_SIZE, .on_data = dummy_on_data, \
	.on_close = dummy_on_close }
#define DUMMY(n) { .size = PTG_SERVICE_OPS_SIZE, .name = (n), \
	.init = dummy_init, .conn = DUMMY_CONN }

static void
test_register_custom(void **state)
{
	static const struct ptg_service_ops custom = DUMMY("custom");

	(void)state;
	assert_int_equal(ptg_service_register(&custom), 0);
	assert_ptr_equal(ptg_service_find("custom"), &custom);
	assert_int_equal(ptg_service_bind(4000, "custom", "anything"), 0);
	assert_ptr_equal(ptg_service_binding(4000)->ops, &custom);
}

static void
test_register_duplicate_name(void **state)
{
	static const struct ptg_service_ops dup = DUMMY("echo");

	(void)state;
	assert_int_equal(ptg_service_register(&dup), -EEXIST);
	assert_int_equal(ptg_service_register(&ptg_service_http), -EEXIST);
	assert_ptr_equal(ptg_service_find("echo"), &ptg_service_echo);
}

static void
test_register_bad_ops(void **state)
{
	static const struct ptg_service_ops noname = DUMMY(NULL);
	static const struct ptg_service_ops empty = DUMMY("");
	static const struct ptg_service_ops colon = DUMMY("a:b");
	static const struct ptg_service_ops longname =
		DUMMY("abcdefghijklmnopqrstuvwxyz0123456");
	static const struct ptg_service_ops noinit = {
		.size = PTG_SERVICE_OPS_SIZE, .name = "noinit",
		.conn = DUMMY_CONN };
	static const struct ptg_service_ops nodata = {
		.size = PTG_SERVICE_OPS_SIZE, .name = "nodata",
		.init = dummy_init, .conn = { .size = PTG_CONN_OPS_SIZE,
		.on_close = dummy_on_close } };
	static const struct ptg_service_ops noclose = {
		.size = PTG_SERVICE_OPS_SIZE, .name = "noclose",
		.init = dummy_init, .conn = { .size = PTG_CONN_OPS_SIZE,
		.on_data = dummy_on_data } };

	(void)state;
	assert_int_equal(ptg_service_register(NULL), -EINVAL);
	assert_int_equal(ptg_service_register(&noname), -EINVAL);
	assert_int_equal(ptg_service_register(&empty), -EINVAL);
	assert_int_equal(ptg_service_register(&colon), -EINVAL);
	assert_int_equal(ptg_service_register(&longname), -EINVAL);
	assert_int_equal(ptg_service_register(&noinit), -EINVAL);
	assert_int_equal(ptg_service_register(&nodata), -EINVAL);
	assert_int_equal(ptg_service_register(&noclose), -EINVAL);
	assert_null(ptg_service_find("noinit"));
}

/* Ops built against another version of the headers are refused, not
 * misread: the service's size and the embedded connection ops' size. */
static void
test_register_other_abi(void **state)
{
	static const struct ptg_service_ops old_svc = {
		.size = PTG_SERVICE_OPS_SIZE - 8, .name = "old-svc",
		.init = dummy_init, .conn = DUMMY_CONN };
	static const struct ptg_service_ops new_svc = {
		.size = PTG_SERVICE_OPS_SIZE + 8, .name = "new-svc",
		.init = dummy_init, .conn = DUMMY_CONN };
	static const struct ptg_service_ops old_conn = {
		.size = PTG_SERVICE_OPS_SIZE, .name = "old-conn",
		.init = dummy_init, .conn = { .size = PTG_CONN_OPS_SIZE - 8,
		.on_data = dummy_on_data, .on_close = dummy_on_close } };
	static const struct ptg_service_ops nosize = {
		.name = "nosize", .init = dummy_init, .conn = DUMMY_CONN };

	(void)state;
	assert_int_equal(ptg_service_register(&old_svc), -EPROTO);
	assert_int_equal(ptg_service_register(&new_svc), -EPROTO);
	assert_int_equal(ptg_service_register(&old_conn), -EPROTO);
	assert_int_equal(ptg_service_register(&nosize), -EPROTO);
	assert_null(ptg_service_find("old-svc"));
	assert_null(ptg_service_find("old-conn"));
	assert_int_equal(ptg_conn_ops_check(NULL), -EINVAL);
	assert_int_equal(ptg_conn_ops_check(&old_conn.conn), -EPROTO);
	assert_int_equal(ptg_conn_ops_check(&nosize.conn), 0);
}

/* Runs last: fills the registry. */
static void
test_register_full(void **state)
{
	static struct ptg_service_ops many[40];
	static char names[40][16];
	int i, rc = 0;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "fill%d", i);
		many[i] = (struct ptg_service_ops)DUMMY(names[i]);
		rc = ptg_service_register(&many[i]);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, -ENOSPC);
	/* 32 kinds: 5 built-ins, "custom", and the fills */
	assert_int_equal(i, 32 - 6);
	assert_ptr_equal(ptg_service_find("fill0"), &many[0]);
	assert_null(ptg_service_find(names[i]));
}

/* ---- bind and the table ------------------------------------------------ */

static void
test_bind_and_lookup(void **state)
{
	const struct ptg_service_binding *b;

	(void)state;
	assert_int_equal(ptg_service_count(), 0);
	assert_null(ptg_service_binding(7)->ops);
	assert_int_equal(ptg_service_bind(7, "echo", NULL), 0);
	b = ptg_service_binding(7);
	assert_ptr_equal(b->ops, &ptg_service_echo);
	assert_null(b->args);
	assert_int_equal(ptg_service_count(), 1);
	assert_null(ptg_service_binding(8)->ops);
	assert_null(ptg_service_binding(0)->ops);
	assert_null(ptg_service_binding(65535)->ops);
}

static void
test_bind_args_copied(void **state)
{
	char args[] = "maxbytes=100,pool=16";

	(void)state;
	assert_int_equal(ptg_service_bind(8080, "http", args), 0);
	memset(args, 'x', sizeof(args) - 1);
	assert_string_equal(ptg_service_binding(8080)->args,
			    "maxbytes=100,pool=16");
}

static void
test_bind_port_zero(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind(0, "echo", NULL), -EINVAL);
	assert_int_equal(ptg_service_count(), 0);
}

static void
test_bind_unknown_name(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind(7, "nosuch", NULL), -ENOENT);
	assert_int_equal(ptg_service_bind(7, NULL, NULL), -EINVAL);
	assert_int_equal(ptg_service_count(), 0);
}

static void
test_bind_twice(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind(7, "echo", NULL), 0);
	assert_int_equal(ptg_service_bind(7, "echo", NULL), -EEXIST);
	assert_int_equal(ptg_service_bind(7, "discard", NULL), -EEXIST);
	assert_ptr_equal(ptg_service_binding(7)->ops, &ptg_service_echo);
	assert_int_equal(ptg_service_count(), 1);
}

static void
test_bind_builtin_bad_args(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind(7, "echo", "x"), -EINVAL);
	assert_int_equal(ptg_service_bind(9, "discard", ""), -EINVAL);
	assert_int_equal(ptg_service_bind(19, "chargen", "a=1"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", ""), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "maxbytes"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "maxbytes="), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "maxbytes=x"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "maxbytes=-1"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http",
					  "maxbytes=1152921504606846976"),
			 -EINVAL); /* 2^60 */
	assert_int_equal(ptg_service_bind(80, "http", "pool=0"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "pool=4194305"),
			 -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "size=1"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", "pool=16,"), -EINVAL);
	assert_int_equal(ptg_service_bind(80, "http", ",pool=16"), -EINVAL);
	/* the common keys; an interval without the idle time is refused */
	assert_int_equal(ptg_service_bind(7, "echo", "tcp_keepalive=1000"),
			 0);
	assert_int_equal(ptg_service_bind(80, "http",
					  "pool=8,tcp_keepalive=1000"),
			 0);
	ptg_service_unbind_all();
	assert_int_equal(ptg_service_bind(9, "discard", "tcp_keepcnt=3"),
			 -EINVAL);
	assert_int_equal(ptg_service_count(), 0);
	assert_int_equal(ptg_service_bind(80, "http",
					  "maxbytes=1152921504606846975"), 0);
	assert_int_equal(ptg_service_bind(81, "http", "pool=1,maxbytes=0"),
			 0);
}

static void
test_bind_defaults(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind_defaults(), 0);
	assert_int_equal(ptg_service_count(), 4);
	assert_ptr_equal(ptg_service_binding(7)->ops, &ptg_service_echo);
	assert_ptr_equal(ptg_service_binding(9)->ops, &ptg_service_discard);
	assert_ptr_equal(ptg_service_binding(19)->ops, &ptg_service_chargen);
	assert_ptr_equal(ptg_service_binding(80)->ops, &ptg_service_http);
	assert_int_equal(ptg_service_bind_defaults(), -EEXIST);
	assert_int_equal(ptg_service_count(), 4);
}

static void
test_next_iterates_in_order(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_next(-1), -1);
	assert_int_equal(ptg_service_bind(65535, "echo", NULL), 0);
	assert_int_equal(ptg_service_bind(80, "http", NULL), 0);
	assert_int_equal(ptg_service_bind(1, "discard", NULL), 0);
	assert_int_equal(ptg_service_next(-1), 1);
	assert_int_equal(ptg_service_next(0), 1);
	assert_int_equal(ptg_service_next(1), 80);
	assert_int_equal(ptg_service_next(80), 65535);
	assert_int_equal(ptg_service_next(65535), -1);
	assert_int_equal(ptg_service_next(70000), -1);
}

static void
test_unbind_all(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind(80, "http", "pool=16"), 0);
	assert_int_equal(ptg_service_bind(7, "echo", NULL), 0);
	ptg_service_unbind_all();
	assert_int_equal(ptg_service_count(), 0);
	assert_null(ptg_service_binding(80)->ops);
	assert_null(ptg_service_binding(80)->args);
	assert_int_equal(ptg_service_next(-1), -1);
	/* bindable again */
	assert_int_equal(ptg_service_bind(80, "http", NULL), 0);
}

/* ---- bind_spec ----------------------------------------------------------- */

static void
test_spec_ok(void **state)
{
	const struct ptg_service_binding *b;

	(void)state;
	assert_int_equal(ptg_service_bind_spec("7:echo"), 0);
	assert_int_equal(ptg_service_bind_spec("1:chargen"), 0);
	assert_int_equal(ptg_service_bind_spec("65535:discard"), 0);
	assert_int_equal(ptg_service_bind_spec("80:http:maxbytes=10:x"),
			 -EINVAL); /* ARGS run to the end, "10:x" is bad */
	assert_int_equal(ptg_service_bind_spec("8080:http:maxbytes=10"), 0);
	b = ptg_service_binding(8080);
	assert_ptr_equal(b->ops, &ptg_service_http);
	assert_string_equal(b->args, "maxbytes=10");
	assert_null(ptg_service_binding(7)->args);
	assert_int_equal(ptg_service_count(), 4);
}

static void
test_spec_custom_args_to_end(void **state)
{
	(void)state;
	/* "custom" was registered by an earlier case and takes any ARGS */
	assert_int_equal(ptg_service_bind_spec("5000:custom:a:b::c"), 0);
	assert_string_equal(ptg_service_binding(5000)->args, "a:b::c");
}

#define BAD_SPEC(fn, spec, err)                                  \
	static void fn(void **state)                             \
	{                                                        \
		(void)state;                                     \
		assert_int_equal(ptg_service_bind_spec(spec), err); \
		assert_int_equal(ptg_service_count(), 0);        \
	}

BAD_SPEC(test_spec_null, NULL, -EINVAL)
BAD_SPEC(test_spec_empty, "", -EINVAL)
BAD_SPEC(test_spec_no_colon, "7", -EINVAL)
BAD_SPEC(test_spec_name_only, "echo", -EINVAL)
BAD_SPEC(test_spec_no_port, ":echo", -EINVAL)
BAD_SPEC(test_spec_no_name, "7:", -EINVAL)
BAD_SPEC(test_spec_empty_name_with_args, "7::x", -EINVAL)
BAD_SPEC(test_spec_empty_args, "7:echo:", -EINVAL)
BAD_SPEC(test_spec_port_zero, "0:echo", -EINVAL)
BAD_SPEC(test_spec_port_65536, "65536:echo", -EINVAL)
BAD_SPEC(test_spec_port_99999, "99999:echo", -EINVAL)
BAD_SPEC(test_spec_port_six_digits, "100007:echo", -EINVAL)
BAD_SPEC(test_spec_port_huge, "18446744073709551623:echo", -EINVAL)
BAD_SPEC(test_spec_port_negative, "-7:echo", -EINVAL)
BAD_SPEC(test_spec_port_plus, "+7:echo", -EINVAL)
BAD_SPEC(test_spec_port_leading_space, " 7:echo", -EINVAL)
BAD_SPEC(test_spec_port_trailing_space, "7 :echo", -EINVAL)
BAD_SPEC(test_spec_port_hex, "0x50:http", -EINVAL)
BAD_SPEC(test_spec_port_leading_zero, "07:echo", -EINVAL)
BAD_SPEC(test_spec_port_exponent, "1e3:echo", -EINVAL)
BAD_SPEC(test_spec_port_alpha, "http:echo", -EINVAL)
BAD_SPEC(test_spec_name_too_long,
	 "7:abcdefghijklmnopqrstuvwxyz0123456", -EINVAL)
BAD_SPEC(test_spec_unknown_name, "7:nosuch", -ENOENT)
BAD_SPEC(test_spec_name_case, "7:ECHO", -ENOENT)
BAD_SPEC(test_spec_name_space, "7: echo", -ENOENT)
BAD_SPEC(test_spec_echo_with_args, "7:echo:x", -EINVAL)
BAD_SPEC(test_spec_http_bad_args, "80:http:pool=0", -EINVAL)

static void
test_spec_port_taken(void **state)
{
	(void)state;
	assert_int_equal(ptg_service_bind_spec("7:echo"), 0);
	assert_int_equal(ptg_service_bind_spec("7:discard"), -EEXIST);
	assert_ptr_equal(ptg_service_binding(7)->ops, &ptg_service_echo);
}

/* ---- close reasons ------------------------------------------------------- */

static void
test_close_reason_str(void **state)
{
	(void)state;
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_NORMAL), "normal");
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_RESET), "reset");
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_TIMEOUT),
			    "timeout");
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_ABORT), "abort");
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_REFUSED),
			    "refused");
	assert_string_equal(ptg_close_reason_str(PTG_CLOSE_SHUTDOWN),
			    "shutdown");
	assert_string_equal(ptg_close_reason_str((enum ptg_close_reason)99),
			    "unknown");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, reset, reset)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_builtins_registered),
		T(test_register_custom),
		T(test_register_duplicate_name),
		T(test_register_bad_ops),
		T(test_register_other_abi),
		T(test_bind_and_lookup),
		T(test_bind_args_copied),
		T(test_bind_port_zero),
		T(test_bind_unknown_name),
		T(test_bind_twice),
		T(test_bind_builtin_bad_args),
		T(test_bind_defaults),
		T(test_next_iterates_in_order),
		T(test_unbind_all),
		T(test_spec_ok),
		T(test_spec_custom_args_to_end),
		T(test_spec_null),
		T(test_spec_empty),
		T(test_spec_no_colon),
		T(test_spec_name_only),
		T(test_spec_no_port),
		T(test_spec_no_name),
		T(test_spec_empty_name_with_args),
		T(test_spec_empty_args),
		T(test_spec_port_zero),
		T(test_spec_port_65536),
		T(test_spec_port_99999),
		T(test_spec_port_six_digits),
		T(test_spec_port_huge),
		T(test_spec_port_negative),
		T(test_spec_port_plus),
		T(test_spec_port_leading_space),
		T(test_spec_port_trailing_space),
		T(test_spec_port_hex),
		T(test_spec_port_leading_zero),
		T(test_spec_port_exponent),
		T(test_spec_port_alpha),
		T(test_spec_name_too_long),
		T(test_spec_unknown_name),
		T(test_spec_name_case),
		T(test_spec_name_space),
		T(test_spec_echo_with_args),
		T(test_spec_http_bad_args),
		T(test_spec_port_taken),
		T(test_close_reason_str),
		T(test_register_full), /* last: fills the registry */
	};

	return cmocka_run_group_tests_name("service_table", tests, NULL,
					   NULL);
}
