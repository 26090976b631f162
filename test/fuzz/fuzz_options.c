/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_options: portgate's option parser (app/portgate/options.c), with
 * its --config file, from any argument list.
 *
 *   LLVMFuzzerTestOneInput() -> argv from NUL-separated strings
 *     -> portgate_opts_parse() (stdout and stderr captured)
 *        -> load_config() -> lib/port ini -> apply() per value
 *     -> portgate_opts_tcp_config() -> portgate_opts_free()
 *
 * Checks (the contract in the README): the parser returns -1 (go on),
 * 0 (after --help, the usage on stdout) or 2; with 2 it printed exactly
 * one message, on stderr, starting "portgate: " (one line, when no
 * argument or config byte is a newline); with -1 it printed nothing,
 * an address was given, every value is within its documented range and
 * every service is a PORT:NAME[:ARGS] on its own port; nothing is left
 * allocated after portgate_opts_free() (LeakSanitizer).
 *
 * Input: arguments separated by NUL bytes (argv[0] is added); after a
 * double NUL, the text of a config file. An argument "@CFG" or
 * "--config=@CFG" names that file.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "options.h"

#define MAX_ARGS 64

static void
check_ok(const struct portgate_opts *o)
{
	struct ptg_tcp_config cfg;
	unsigned int i, j;

	FZ_CHECK(o->have_addr && o->addr != 0 && o->prefix_len <= 32);
	FZ_CHECK(o->workers >= 1 && o->workers < RTE_MAX_LCORE);
	FZ_CHECK(o->mode <= PTG_PORT_MODE_PIPELINE);
	FZ_CHECK(o->idle_sleep_us <= 1000000);
	FZ_CHECK(o->mbufs == 0 || (o->mbufs >= 1024 && o->mbufs <= 1u << 24));
	FZ_CHECK(o->tx_drain_us >= 1 && o->tx_drain_us <= 100000);
	FZ_CHECK(o->linger_ms <= 600000);
	FZ_CHECK(memchr(o->profile, '\0', sizeof(o->profile)) != NULL);
	FZ_CHECK(memchr(o->cc, '\0', sizeof(o->cc)) != NULL);
	FZ_CHECK(o->nb_services <= PORTGATE_MAX_SERVICES);
	for (i = 0; i < o->nb_services; i++) {
		const char *s = o->services[i];
		char *end;
		unsigned long port;

		FZ_CHECK(s != NULL);
		port = strtoul(s, &end, 10);
		FZ_CHECKF(port >= 1 && port <= 65535 && *end == ':' &&
			  end[1] != '\0' && end[1] != ':',
			  "service '%s'", s);
		for (j = 0; j < i; j++)
			FZ_CHECKF(strtoul(o->services[j], NULL, 10) != port,
				  "port %lu twice", port);
	}
	if (o->gateway != 0)
		FZ_CHECK(o->gateway != o->addr);
	portgate_opts_tcp_config(o, &cfg);
	FZ_CHECK(cfg.backlog >= 1 && cfg.max_conns >= 1);
	if (o->have_rto_min)
		FZ_CHECK(cfg.rto_min_ns >= 1000000ull);
	FZ_CHECK(cfg.cc != NULL);
	FZ_CHECK(strcmp(cfg.cc, "newreno") == 0 ||
		 strcmp(cfg.cc, "cubic") == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("PTG_FUZZ_ADDR", "198.18.0.9/24", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct portgate_opts o;
	char *copy, *argv[MAX_ARGS + 2], cfgpath[64], cfgarg[80];
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0, i, args_end = size, nl;
	FILE *saved_out, *saved_err, *fout, *ferr;
	int argc = 0, fd, rc;
	bool has_nl;

	if (size > 16384)
		return 0;
	copy = malloc(size + 1);
	FZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i + 1 < size; i++)
		if (copy[i] == '\0' && copy[i + 1] == '\0') {
			args_end = i;
			break;
		}
	has_nl = memchr(data, '\n', size) != NULL;

	/* The config file: whatever follows the double NUL. */
	fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0);
	if (args_end + 2 <= size)
		FZ_CHECK(write(fd, copy + args_end + 2, size - args_end - 2) ==
			 (ssize_t)(size - args_end - 2));
	snprintf(cfgpath, sizeof(cfgpath), "/proc/self/fd/%d", fd);
	snprintf(cfgarg, sizeof(cfgarg), "--config=%s", cfgpath);

	argv[argc++] = (char *)"portgate";
	for (i = 0; i < args_end && argc < MAX_ARGS + 1;) {
		char *a = copy + i;
		size_t n = strlen(a);

		if (strcmp(a, "@CFG") == 0)
			argv[argc++] = cfgpath;
		else if (strcmp(a, "--config=@CFG") == 0)
			argv[argc++] = cfgarg;
		else
			argv[argc++] = a;
		i += n + 1;
	}
	argv[argc] = NULL;

	fout = open_memstream(&out, &out_len);
	ferr = open_memstream(&err, &err_len);
	FZ_CHECK(fout != NULL && ferr != NULL);
	saved_out = stdout;
	saved_err = stderr;
	stdout = fout;
	stderr = ferr;
	rc = portgate_opts_parse(&o, argc, argv);
	stdout = saved_out;
	stderr = saved_err;
	fclose(fout);
	fclose(ferr);
	close(fd);

	FZ_CHECKF(rc == -1 || rc == PORTGATE_EXIT_OK ||
		  rc == PORTGATE_EXIT_USAGE, "rc %d", rc);
	if (rc == -1) {
		FZ_CHECKF(err_len == 0, "went on after printing '%s'", err);
		check_ok(&o);
		portgate_opts_free(&o);
		FZ_CHECK(o.nb_services == 0);
	} else if (rc == PORTGATE_EXIT_OK) {
		FZ_CHECK(out_len > 0 && strncmp(out, "Usage: ", 7) == 0);
		FZ_CHECK(o.nb_services == 0);
	} else {
		FZ_CHECKF(err_len > 10 && strncmp(err, "portgate: ", 10) == 0,
			  "exit 2 with '%s'", err);
		FZ_CHECKF(err[err_len - 1] == '\n', "'%s' not one line", err);
		if (!has_nl) {
			for (i = 0, nl = 0; i < err_len; i++)
				nl += err[i] == '\n';
			FZ_CHECKF(nl == 1, "%zu lines: '%s'", nl, err);
		}
		FZ_CHECKF(out_len == 0, "stdout '%s'", out);
		FZ_CHECK(o.nb_services == 0);
	}
	free(out);
	free(err);
	free(copy);
	return 0;
}
