/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What portgate and portgate-gen do alike with their command lines: split
 * EAL options from the app's at "--", and read decimal numbers strictly.
 */
#ifndef PTG_APP_UTIL_H
#define PTG_APP_UTIL_H

#include <stdint.h>

/*
 * Split at the first "--": EAL options before (without argv[0]), app
 * options after, with argv[0] as the app's argv[0] (the "--" slot is
 * overwritten). With no "--", everything is an app option.
 */
void app_split_args(int argc, char **argv, int *eal_argc, char ***eal_argv,
		    int *app_argc, char ***app_argv);

/* Whether @p opt is one of the @p argc words of @p argv. */
int app_has_arg(int argc, char **argv, const char *opt);

/*
 * Decimal digits only (no sign, no space, nothing after), @p min..@p max.
 * @return 0 and *out, or -EINVAL.
 */
int app_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int app_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * "PROG: WHERE: message\n" on stderr: one line naming the option (or
 * FILE:LINE) that is wrong.
 */
void app_fail(const char *prog, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * SIGINT and SIGTERM to @p handler, without SA_RESTART (sleeps end early
 * and see the stop at once); SIGPIPE ignored (a vhost-user peer that
 * goes away must not kill the process on the next message virtio-user
 * sends, teardown included).
 */
void app_install_signals(void (*handler)(int));

#endif /* PTG_APP_UTIL_H */
