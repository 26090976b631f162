/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ini: INI files and drivers-config profiles (lib/port/ini.c,
 * lib/port/profile.c) from any text.
 *
 *   LLVMFuzzerTestOneInput() -> ptg_port_ini_parse() + every reader on a
 *                               set of sections and keys
 *                            -> ptg_port_profile_load() of the same
 *                               bytes as a file (NULs and all)
 *                               -> check_workers(), eal_args()
 *                            -> ptg_port_env_expand() of the first line
 *                               into small and large buffers
 *
 * Checks: results are 0 or the errors the headers list; a failure
 * leaves a message in err that names the file (and the line, for a
 * malformed one: "FILE:LINE: ..."); every string a loaded profile holds
 * ends inside its field; numbers are within what the profile format
 * allows; EAL arguments point into the buffer given; an expansion never
 * writes past the buffer and is NUL-terminated.
 *
 * Input: the file's bytes. Variables for ${VAR}: PTG_FUZZ_A (a vdev),
 * PTG_FUZZ_EMPTY (empty), PTG_FUZZ_LONG (1000 bytes), PTG_FUZZ_NEST
 * (a value that itself reads "${PTG_FUZZ_A}").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_errno.h>

#include "fuzz_common.h"
#include "ptg_port.h"

static const char *const keys[][2] = {
	{ "device", "vdev" }, { "device", "pci" },
	{ "device", "queues_devarg" }, { "device", "eal_args" },
	{ "queues", "rx_queues" }, { "queues", "mode" },
	{ "port", "mtu" }, { "port", "promiscuous" },
	{ "offloads", "tso" }, { "rss", "key" }, { "rss", "mode" },
	{ "portgate", "service" }, { "portgate", "addr" }, { "", "" },
	{ "x", "y" },
};

static void
check_err(int rc, const char *err, const char *name)
{
	FZ_CHECKF(memchr(err, '\0', 512) != NULL, "%s", "err not terminated");
	if (rc == 0)
		return;
	FZ_CHECKF(err[0] != '\0', "rc %d and no message", rc);
	if (rc == -EINVAL && name != NULL)
		FZ_CHECKF(strncmp(err, name, strlen(name)) == 0,
			  "message '%s' does not name %s", err, name);
}

static void
read_ini(const char *text)
{
	static const struct ptg_port_ini_key schema[] = {
		{ "device", "vdev", 0 }, { "portgate", "service", 1 },
	};
	char err[512], buf[PTG_PORT_INI_VALUE_MAX];
	struct ptg_port_ini *ini;
	unsigned int i, k, n, line;
	uint64_t v;
	int rc, b;

	memset(err, 0x55, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	ini = ptg_port_ini_parse("fuzz.ini", text, err, sizeof(err));
	if (ini == NULL) {
		FZ_CHECKF(rte_errno == EINVAL || rte_errno == ENOMEM,
			  "rte_errno %d", rte_errno);
		check_err(-rte_errno, err, "fuzz.ini");
		return;
	}
	FZ_CHECK(strcmp(ptg_port_ini_name(ini), "fuzz.ini") == 0);
	rc = ptg_port_ini_check(ini, schema, RTE_DIM(schema), err,
				sizeof(err));
	FZ_CHECKF(rc == 0 || rc == -EINVAL, "check %d", rc);
	check_err(rc, err, "fuzz.ini");
	for (i = 0; i < RTE_DIM(keys); i++) {
		const char *s = keys[i][0], *key = keys[i][1];

		if (ptg_port_ini_has_section(ini, s))
			FZ_CHECK(ptg_port_ini_section_line(ini, s) > 0);
		n = ptg_port_ini_count(ini, s, key);
		for (k = 0; k <= n; k++) {
			memset(buf, 0x55, sizeof(buf));
			line = 0;
			rc = ptg_port_ini_get(ini, s, key, k, buf,
					      sizeof(buf), &line, err,
					      sizeof(err));
			if (k == n) {
				FZ_CHECKF(rc == -ENOENT, "get past the last "
					  "gave %d", rc);
				continue;
			}
			FZ_CHECKF(rc == 0 || rc == -EINVAL ||
				  rc == -ENAMETOOLONG, "get %d", rc);
			check_err(rc == -ENAMETOOLONG ? -EINVAL : rc, err,
				  "fuzz.ini");
			FZ_CHECK(line > 0);
			if (rc == 0)
				FZ_CHECK(memchr(buf, '\0', sizeof(buf)));
		}
		rc = ptg_port_ini_get_uint(ini, s, key, 1, 1000, &v, err,
					   sizeof(err));
		FZ_CHECKF(rc == 0 || rc == -ENOENT || rc == -EINVAL,
			  "get_uint %d", rc);
		if (rc == 0)
			FZ_CHECKF(v >= 1 && v <= 1000, "%" PRIu64 " out of "
				  "range", v);
		rc = ptg_port_ini_get_bool(ini, s, key, &b, err, sizeof(err));
		FZ_CHECKF(rc == 0 || rc == -ENOENT || rc == -EINVAL,
			  "get_bool %d", rc);
		if (rc == 0)
			FZ_CHECK(b == 0 || b == 1);
	}
	ptg_port_ini_free(ini);
}

static bool
terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void
load_profile(const uint8_t *data, size_t size)
{
	static struct ptg_port_profile p;
	char path[64], err[512], buf[2048], *argv[32];
	int fd, rc, argc, i;
	unsigned int w;

	fd = memfd_create("fuzz-profile", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0);
	FZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(err, 0x55, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	rc = ptg_port_profile_load(&p, path, err, sizeof(err));
	close(fd);
	FZ_CHECKF(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "load %d: %s",
		  rc, err);
	check_err(rc, err, path);
	if (rc != 0)
		return;
	FZ_CHECK(terminated(p.source, sizeof(p.source)));
	FZ_CHECK(strcmp(p.source, path) == 0);
	FZ_CHECK(terminated(p.device, sizeof(p.device)) && p.device[0]);
	FZ_CHECK(terminated(p.dev_name, sizeof(p.dev_name)));
	FZ_CHECK(terminated(p.queues_devarg, sizeof(p.queues_devarg)));
	FZ_CHECK(terminated(p.eal_args, sizeof(p.eal_args)));
	FZ_CHECK(p.is_pci <= 1 && p.promiscuous <= 1 &&
		 p.link_required <= 1);
	FZ_CHECK(p.rss_key_len <= PTG_PORT_RSS_KEY_MAX);
	FZ_CHECK((p.offloads_wanted & ~7u) == 0);
	FZ_CHECK(p.rss_mode <= PTG_PORT_RSS_OFF);
	FZ_CHECK(p.mode <= PTG_PORT_MODE_PIPELINE);
	for (w = 1; w <= 4; w++) {
		rc = ptg_port_profile_check_workers(&p, w, err, sizeof(err));
		FZ_CHECKF(rc == 0 || rc == -EINVAL, "check_workers %d", rc);
		check_err(rc, err, path);
	}
	argc = ptg_port_profile_eal_args(&p, 2, 1, buf, sizeof(buf), argv,
					 (int)RTE_DIM(argv));
	FZ_CHECKF(argc >= 0 || argc == -ENOSPC, "eal_args %d", argc);
	for (i = 0; i < argc; i++) {
		FZ_CHECK(argv[i] >= buf && argv[i] < buf + sizeof(buf));
		FZ_CHECK(terminated(argv[i], (size_t)(buf + sizeof(buf) -
						      argv[i])));
	}
	/* A small buffer or argv: -ENOSPC, never an overflow. */
	argc = ptg_port_profile_eal_args(&p, 2, 1, buf, 16, argv, 2);
	FZ_CHECKF(argc >= 0 || argc == -ENOSPC, "eal_args %d", argc);
}

static void
expand(const uint8_t *data, size_t size)
{
	static const size_t caps[3] = { 1, 16, PTG_PORT_INI_VALUE_MAX };
	char in[2048], *out, why[256];
	size_t n = 0, i;
	int rc;

	while (n < size && n < sizeof(in) - 1 && data[n] != '\n' &&
	       data[n] != '\0') {
		in[n] = (char)data[n];
		n++;
	}
	in[n] = '\0';
	for (i = 0; i < RTE_DIM(caps); i++) {
		/* Exactly the size given: ASan sees a write past it. */
		out = malloc(caps[i]);
		FZ_CHECK(out != NULL);
		why[0] = '\0';
		rc = ptg_port_env_expand(in, out, caps[i], why, sizeof(why));
		FZ_CHECKF(rc == 0 || rc == -EINVAL || rc == -ENAMETOOLONG,
			  "expand %d", rc);
		if (rc == 0)
			FZ_CHECK(memchr(out, '\0', caps[i]) != NULL);
		else
			FZ_CHECKF(why[0] != '\0', "expand %d, no reason", rc);
		free(out);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char long_value[1001];

	(void)argc;
	(void)argv;
	memset(long_value, 'x', sizeof(long_value) - 1);
	setenv("PTG_FUZZ_A", "net_null0", 1);
	setenv("PTG_FUZZ_EMPTY", "", 1);
	setenv("PTG_FUZZ_LONG", long_value, 1);
	setenv("PTG_FUZZ_NEST", "${PTG_FUZZ_A}", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	read_ini(text);
	free(text);
	load_profile(data, size);
	expand(data, size);
	return 0;
}
