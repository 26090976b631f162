/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line helpers shared by the applications (app_util.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_util.h"

void
app_split_args(int argc, char **argv, int *eal_argc, char ***eal_argv,
	       int *app_argc, char ***app_argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	if (i == argc) {
		*eal_argc = 0;
		*eal_argv = argv + 1;
		*app_argc = argc;
		*app_argv = argv;
		return;
	}
	*eal_argc = i - 1;
	*eal_argv = argv + 1;
	/* argv[i] ("--") becomes the app's argv[0]. */
	argv[i] = argv[0];
	*app_argc = argc - i;
	*app_argv = argv + i;
}

int
app_has_arg(int argc, char **argv, const char *opt)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return 1;
	return 0;
}

int
app_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take leading space and a sign. */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int
app_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (app_parse_u64(s, min, max, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

void
app_fail(const char *prog, const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
app_install_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
