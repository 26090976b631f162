/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/port/profile.c: every error of ptg_port_profile_load()
 * (load_device, load_queues, load_port, load_offloads, load_rss), of
 * ptg_port_profile_check_workers() and _check_device(), each with its
 * "FILE:LINE:" message; the EAL arguments; the embedded profile and
 * every file of drivers-config/. No EAL: all of this runs before
 * rte_eal_init().
 *
 * ptg_port_profile_load() -> ptg_port_ini_load() -> ptg_port_ini_check()
 *   -> load_device() load_queues() load_port() load_offloads() load_rss()
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>

#include "ptg_port.h"
#include "port_test.h"

#define UNSET "PTG_UT_UNSET"
#define UNSET_MSG(key) key ": environment variable " UNSET " is not set " \
	"(give a default: ${" UNSET ":-value})"

#define WANT_CKSUM (PTG_PORT_WANT_RX_CKSUM | PTG_PORT_WANT_TX_CKSUM)

/* The variables drivers-config/ and these tests read. */
static const char *const env_vars[] = {
	UNSET, "PTG_UT_VAL", "PTG_TAP_IFACE", "PTG_IFACE", "PTG_PCI",
	"PTG_VHOST_SOCK",
};

static int
setup(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(env_vars); i++)
		unsetenv(env_vars[i]);
	return 0;
}

/* Load @text from a temporary file into @p; the file is removed, its
 * name returned in @path (heap, for the messages). */
static int
load_text(struct ptg_port_profile *p, const char *text, char **path,
	  char *err, size_t errlen)
{
	int rc;

	*path = pt_file(text);
	rc = ptg_port_profile_load(p, *path, err, errlen);
	unlink(*path);
	return rc;
}

/* @text must load; the profile is copied to @p. */
static void
load_ok(struct ptg_port_profile *p, const char *text)
{
	char err[PT_ERR_MAX] = "", *path;

	if (load_text(p, text, &path, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(p->source, path);
	free(path);
}

/* @text must be refused with -EINVAL and "PATH:@line: @why". */
static void
assert_load_fails(const char *text, unsigned int line, const char *why)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "", *path;

	assert_int_equal(load_text(&p, text, &path, err, sizeof(err)),
			 -EINVAL);
	pt_assert_err(err, path, line, "%s", why);
	free(path);
}

/* assert_load_fails() with a formatted @why. */
#define assert_load_failsf(text, line, ...) do { \
		char why_[PT_ERR_MAX]; \
		snprintf(why_, sizeof(why_), __VA_ARGS__); \
		assert_load_fails((text), (line), why_); \
	} while (0)

/* ---- what loads ---------------------------------------------------------- */

static void
test_minimal_profile_defaults(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n");
	assert_string_equal(p.device, "net_null0");
	assert_string_equal(p.dev_name, "net_null0");
	assert_int_equal(p.is_pci, 0);
	assert_string_equal(p.queues_devarg, "");
	assert_string_equal(p.eal_args, "");
	assert_int_equal(p.rx_queues, 0);
	assert_int_equal(p.tx_queues, 0);
	assert_int_equal(p.rx_desc, 1024);
	assert_int_equal(p.tx_desc, 1024);
	assert_int_equal(p.mtu, 0);
	assert_int_equal(p.promiscuous, 0);
	assert_int_equal(p.link_required, 0);
	assert_int_equal(p.link_wait_ms, 5000);
	assert_int_equal(p.offloads_wanted, WANT_CKSUM);
	assert_int_equal(p.rss_mode, PTG_PORT_RSS_AUTO);
	assert_int_equal(p.rss_key_len, 0);
	assert_int_equal(p.line.device, 2);
	assert_int_equal(p.line.queues_devarg, 0);
	assert_int_equal(p.line.eal_args, 0);
	assert_int_equal(p.line.rx_queues, 0);
	assert_int_equal(p.line.tx_queues, 0);
	assert_int_equal(p.line.rx_desc, 0);
	assert_int_equal(p.line.tx_desc, 0);
	assert_int_equal(p.line.mtu, 0);
	assert_int_equal(p.line.link_required, 0);
	assert_int_equal(p.line.offloads, 0);
	assert_int_equal(p.line.rss_mode, 0);
	assert_int_equal(p.line.rss_key, 0);
}

/* A device EAL probed on its own: the same defaults as a minimal file. */
static void
test_for_device_defaults(void **state)
{
	struct ptg_port_profile p, file;
	char err[PT_ERR_MAX] = "";

	(void)state;
	load_ok(&file, "[device]\nvdev = net_null0\n");
	assert_int_equal(ptg_port_profile_for_device(&p, "net_null0", err,
						     sizeof(err)), 0);
	assert_string_equal(p.source, PTG_PORT_PROFILE_EAL_NAME " net_null0");
	assert_string_equal(p.device, "net_null0");
	assert_string_equal(p.dev_name, "net_null0");
	assert_int_equal(p.is_pci, 0);
	assert_int_equal(p.rx_queues, file.rx_queues);
	assert_int_equal(p.tx_queues, file.tx_queues);
	assert_int_equal(p.rx_desc, file.rx_desc);
	assert_int_equal(p.tx_desc, file.tx_desc);
	assert_int_equal(p.mtu, file.mtu);
	assert_int_equal(p.promiscuous, file.promiscuous);
	assert_int_equal(p.link_wait_ms, file.link_wait_ms);
	assert_int_equal(p.link_required, file.link_required);
	assert_int_equal(p.offloads_wanted, file.offloads_wanted);
	assert_int_equal(p.rss_mode, file.rss_mode);
	assert_int_equal(p.rss_key_len, file.rss_key_len);
	assert_int_equal(p.mode, PTG_PORT_MODE_AUTO);
	assert_int_equal(p.line.device, 0);

	assert_int_equal(ptg_port_profile_for_device(&p, "0000:3b:00.1", err,
						     sizeof(err)), 0);
	assert_int_equal(p.is_pci, 1);
	assert_string_equal(p.dev_name, "0000:3b:00.1");
}

static void
test_for_device_bad_name(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "", name[128];

	(void)state;
	assert_int_equal(ptg_port_profile_for_device(&p, "", err,
						     sizeof(err)), -EINVAL);
	assert_true(err[0] != '\0');
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(ptg_port_profile_for_device(&p, name, err,
						     sizeof(err)), -EINVAL);
}

static void
test_full_profile(void **state)
{
	static const char text[] =
		"; every key\n"                                   /* 1 */
		"[device]\n"                                      /* 2 */
		"vdev = net_null0,size=64\n"                      /* 3 */
		"queues_devarg = queues\n"                        /* 4 */
		"eal_args = --in-memory --log-level=pmd:debug\n"  /* 5 */
		"[queues]\n"                                      /* 6 */
		"rx_queues = 4\n"                                 /* 7 */
		"tx_queues = AUTO\n"                              /* 8 */
		"rx_desc = 512\n"                                 /* 9 */
		"tx_desc = 0x100\n"                               /* 10 */
		"[port]\n"                                        /* 11 */
		"mtu = 9000\n"                                    /* 12 */
		"promiscuous = yes\n"                             /* 13 */
		"link_wait_ms = 0\n"                              /* 14 */
		"link_required = on\n"                            /* 15 */
		"[offloads]\n"                                    /* 16 */
		"rx_checksum = no\n"                              /* 17 */
		"tx_checksum = true\n"                            /* 18 */
		"tso = 1\n"                                       /* 19 */
		"[rss]\n"                                         /* 20 */
		"mode = Off\n"                                    /* 21 */
		"key = 0x6d5a:6d5a 6d5a6d5a\n";                   /* 22 */
	static const uint8_t key[] = {
		0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	};
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, text);
	assert_string_equal(p.device, "net_null0,size=64");
	assert_string_equal(p.dev_name, "net_null0");
	assert_int_equal(p.is_pci, 0);
	assert_string_equal(p.queues_devarg, "queues");
	assert_string_equal(p.eal_args, "--in-memory --log-level=pmd:debug");
	assert_int_equal(p.rx_queues, 4);
	assert_int_equal(p.tx_queues, 0);
	assert_int_equal(p.rx_desc, 512);
	assert_int_equal(p.tx_desc, 256);
	assert_int_equal(p.mtu, 9000);
	assert_int_equal(p.promiscuous, 1);
	assert_int_equal(p.link_wait_ms, 0);
	assert_int_equal(p.link_required, 1);
	assert_int_equal(p.offloads_wanted,
			 PTG_PORT_WANT_TX_CKSUM | PTG_PORT_WANT_TSO);
	assert_int_equal(p.rss_mode, PTG_PORT_RSS_OFF);
	assert_int_equal(p.rss_key_len, sizeof(key));
	assert_memory_equal(p.rss_key, key, sizeof(key));
	assert_int_equal(p.line.device, 3);
	assert_int_equal(p.line.queues_devarg, 4);
	assert_int_equal(p.line.eal_args, 5);
	assert_int_equal(p.line.rx_queues, 7);
	assert_int_equal(p.line.tx_queues, 8);
	assert_int_equal(p.line.rx_desc, 9);
	assert_int_equal(p.line.tx_desc, 10);
	assert_int_equal(p.line.mtu, 12);
	assert_int_equal(p.line.link_required, 15);
	assert_int_equal(p.line.offloads, 16);
	assert_int_equal(p.line.rss_mode, 21);
	assert_int_equal(p.line.rss_key, 22);
}

static void
test_pci_profile(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\npci = 3b:00.0,txq_inline_max=128\n");
	assert_int_equal(p.is_pci, 1);
	assert_string_equal(p.device, "3b:00.0,txq_inline_max=128");
	assert_string_equal(p.dev_name, "0000:3b:00.0");
	assert_int_equal(p.line.device, 2);
}

static void
test_device_from_environment(void **state)
{
	static const char text[] =
		"[device]\nvdev = net_tap0,iface=${PTG_UT_VAL:-ptg0}\n";
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, text);
	assert_string_equal(p.device, "net_tap0,iface=ptg0");
	setenv("PTG_UT_VAL", "tap9", 1);
	load_ok(&p, text);
	assert_string_equal(p.device, "net_tap0,iface=tap9");
}

static void
test_queue_and_descriptor_limits_accepted(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n[queues]\nrx_queues = 1\n"
		"tx_queues = 1024\nrx_desc = 32\ntx_desc = 32768\n");
	assert_int_equal(p.rx_queues, 1);
	assert_int_equal(p.tx_queues, 1024);
	assert_int_equal(p.rx_desc, 32);
	assert_int_equal(p.tx_desc, 32768);
	load_ok(&p, "[device]\nvdev = net_null0\n[queues]\nrx_queues = Auto\n"
		"tx_queues = auto\n");
	assert_int_equal(p.rx_queues, 0);
	assert_int_equal(p.tx_queues, 0);
	assert_int_equal(p.line.rx_queues, 4);
	assert_int_equal(p.line.tx_queues, 5);
}

static void
test_port_limits_accepted(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n[port]\nmtu = 68\n"
		"link_wait_ms = 600000\n");
	assert_int_equal(p.mtu, 68);
	assert_int_equal(p.link_wait_ms, 600000);
	load_ok(&p, "[device]\nvdev = net_null0\n[port]\nmtu = 0\n");
	assert_int_equal(p.mtu, 0);
	assert_int_equal(p.line.mtu, 4);
}

static void
test_offload_choices(void **state)
{
	static const struct {
		const char *text;
		uint32_t want;
	} cases[] = {
		{ "", WANT_CKSUM },
		{ "rx_checksum = no\ntx_checksum = no\n", 0 },
		{ "tso = yes\n", WANT_CKSUM | PTG_PORT_WANT_TSO },
		{ "rx_checksum = off\n", PTG_PORT_WANT_TX_CKSUM },
		{ "tx_checksum = false\ntso = true\n",
		  PTG_PORT_WANT_RX_CKSUM | PTG_PORT_WANT_TSO },
	};
	struct ptg_port_profile p;
	unsigned int i;
	char *text;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "[offloads]\n%s", cases[i].text) > 0);
		load_ok(&p, text);
		assert_int_equal(p.offloads_wanted, cases[i].want);
		assert_int_equal(p.line.offloads, 3);
		free(text);
	}
}

static void
test_rss_modes(void **state)
{
	static const struct {
		const char *word;
		enum ptg_port_rss_mode mode;
	} cases[] = {
		{ "auto", PTG_PORT_RSS_AUTO }, { "AUTO", PTG_PORT_RSS_AUTO },
		{ "on", PTG_PORT_RSS_ON }, { "On", PTG_PORT_RSS_ON },
		{ "off", PTG_PORT_RSS_OFF }, { "OFF", PTG_PORT_RSS_OFF },
	};
	struct ptg_port_profile p;
	unsigned int i;
	char *text;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "[rss]\nmode = %s\n", cases[i].word) > 0);
		load_ok(&p, text);
		assert_int_equal(p.rss_mode, cases[i].mode);
		assert_int_equal(p.line.rss_mode, 4);
		free(text);
	}
}

/* [queues] mode: how flows reach the workers. */
static void
test_queue_modes(void **state)
{
	static const struct {
		const char *word;
		enum ptg_port_mode mode;
	} cases[] = {
		{ "auto", PTG_PORT_MODE_AUTO }, { "RTC", PTG_PORT_MODE_RTC },
		{ "pipeline", PTG_PORT_MODE_PIPELINE },
		{ "Pipeline", PTG_PORT_MODE_PIPELINE },
	};
	struct ptg_port_profile p;
	unsigned int i;
	char *text;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n");
	assert_int_equal(p.mode, PTG_PORT_MODE_AUTO);
	assert_int_equal(p.line.mode, 0);
	for (i = 0; i < RTE_DIM(cases); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "[queues]\nmode = %s\n", cases[i].word) > 0);
		load_ok(&p, text);
		assert_int_equal(p.mode, cases[i].mode);
		assert_int_equal(p.line.mode, 4);
		free(text);
	}
	assert_load_fails("[device]\nvdev = net_null0\n[queues]\nmode = rss\n",
			  4, "mode: 'rss' is not auto, rtc or pipeline");
}

static void
test_rss_key_symmetric_word(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n[rss]\nkey = SYMMETRIC\n");
	assert_int_equal(p.rss_key_len, 0);
	assert_int_equal(p.line.rss_key, 4);
}

static void
test_rss_key_asymmetric_loads(void **state)
{
	static const uint8_t key[] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	struct ptg_port_profile p;

	(void)state;
	/* allowed, with a warning that flows may not be symmetric */
	load_ok(&p, "[device]\nvdev = net_null0\n[rss]\n"
		"key = 0123456789ABCDEF\n");
	assert_int_equal(p.rss_key_len, sizeof(key));
	assert_memory_equal(p.rss_key, key, sizeof(key));
}

static void
test_rss_key_longest(void **state)
{
	char *hex = pt_repeat('a', 2 * PTG_PORT_RSS_KEY_MAX);
	struct ptg_port_profile p;
	unsigned int i;

	(void)state;
	/* 256 hex digits do not fit an INI value: through ${VAR} */
	setenv("PTG_UT_VAL", hex, 1);
	load_ok(&p, "[device]\nvdev = net_null0\n[rss]\nkey = ${PTG_UT_VAL}\n");
	assert_int_equal(p.rss_key_len, PTG_PORT_RSS_KEY_MAX);
	for (i = 0; i < PTG_PORT_RSS_KEY_MAX; i++)
		assert_int_equal(p.rss_key[i], 0xaa);
	free(hex);
}

/* ---- loading errors ------------------------------------------------------ */

static void
test_missing_file(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "", *path = pt_file("");

	(void)state;
	unlink(path);
	assert_int_equal(ptg_port_profile_load(&p, path, err, sizeof(err)),
			 -ENOENT);
	pt_assert_err(err, path, 0, "cannot open: %s", strerror(ENOENT));
	pt_file_free(path);
}

static void
test_null_profile(void **state)
{
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(ptg_port_profile_load(NULL, NULL, err, sizeof(err)),
			 -EINVAL);
}

static void
test_malformed_ini(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n# comment\n", 3,
			  "comments start with ';', not '#'");
}

static void
test_unknown_section(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n\n[ports]\n", 4,
		"unknown section [ports] (known: [device], [queues], [port], "
		"[offloads], [rss])");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\nmtus = 1500\n",
		4, "unknown key 'mtus' in [port] (known: mtu, promiscuous, "
		"link_wait_ms, link_required)");
}

static void
test_duplicate_key(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[queues]\n"
			  "rx_desc = 64\nrx_desc = 128\n", 5,
			  "duplicate key 'rx_desc' in [queues] (first at "
			  "line 4)");
}

/* ---- load_device --------------------------------------------------------- */

static void
test_no_device_section(void **state)
{
	(void)state;
	assert_load_fails("[port]\nmtu = 1500\n", 0,
		"no [device] section: the profile must name its device with "
		"vdev= or pci=");
}

static void
test_device_without_vdev_or_pci(void **state)
{
	(void)state;
	assert_load_fails("; no device\n[device]\neal_args = --in-memory\n",
			  2, "[device] needs vdev= or pci=");
}

static void
test_device_with_vdev_and_pci(void **state)
{
	static const char why[] =
		"[device] has both vdev= and pci=: a profile brings up one "
		"device";

	(void)state;
	/* reported at the pci= line, wherever it is */
	assert_load_fails("[device]\nvdev = net_null0\npci = 3b:00.0\n", 3,
			  why);
	assert_load_fails("[device]\npci = 3b:00.0\nvdev = net_null0\n", 2,
			  why);
}

static void
test_device_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_tap0,iface=${" UNSET "}\n", 2,
			  UNSET_MSG("vdev"));
	assert_load_fails("[device]\n\npci = ${" UNSET "}\n", 3,
			  UNSET_MSG("pci"));
}

static void
test_device_expansion_too_long(void **state)
{
	char *val = pt_repeat('x', PTG_PORT_INI_VALUE_MAX);

	(void)state;
	setenv("PTG_UT_VAL", val, 1);
	assert_load_failsf("[device]\nvdev = ${PTG_UT_VAL}\n", 2,
			   "vdev: longer than %d characters after expansion",
			   PTG_PORT_INI_VALUE_MAX - 1);
	free(val);
}

static void
test_device_string_too_long(void **state)
{
	static const char text[] = "[device]\nvdev = net_null0,${PTG_UT_VAL}\n";
	const size_t room = PTG_PORT_DEV_MAX - 1 - strlen("net_null0,");
	char *args = pt_repeat('a', room + 1);
	struct ptg_port_profile p;

	(void)state;
	/* 511 characters fit */
	args[room] = '\0';
	setenv("PTG_UT_VAL", args, 1);
	load_ok(&p, text);
	assert_int_equal(strlen(p.device), PTG_PORT_DEV_MAX - 1);
	args[room] = 'a';
	setenv("PTG_UT_VAL", args, 1);
	assert_load_failsf(text, 2, "device string longer than %d characters",
			   PTG_PORT_DEV_MAX - 1);
	free(args);
}

static void
test_device_with_blanks(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0, size=64\n", 2,
		"device string 'net_null0, size=64' contains blanks");
	setenv("PTG_UT_VAL", "a\tb", 1);
	assert_load_fails("[device]\nvdev = net_tap0,iface=${PTG_UT_VAL}\n", 2,
		"device string 'net_tap0,iface=a\tb' contains blanks");
}

static void
test_device_missing_name(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = ,size=64\n", 2,
		"device ',size=64': missing or over-long device name");
	assert_load_fails("[device]\npci = ,foo=1\n", 2,
		"device ',foo=1': missing or over-long device name");
}

static void
test_device_name_too_long(void **state)
{
	char *name = pt_repeat('n', 64), *text;
	struct ptg_port_profile p;

	(void)state;
	/* 63 characters: the longest ethdev name */
	assert_true(asprintf(&text, "[device]\nvdev = %.63s,x=1\n", name) > 0);
	load_ok(&p, text);
	assert_int_equal(strlen(p.dev_name), 63);
	free(text);
	assert_true(asprintf(&text, "[device]\nvdev = %s,x=1\n", name) > 0);
	assert_load_failsf(text, 2, "device '%s,x=1': missing or over-long "
			   "device name", name);
	free(text);
	free(name);
}

static void
test_vdev_bad_name(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = 0net\n", 2,
			  "vdev: '0net' is not a device name (e.g. net_tap0)");
	assert_load_fails("[device]\nvdev = net-tap0,iface=x\n", 2,
			  "vdev: 'net-tap0' is not a device name (e.g. "
			  "net_tap0)");
	assert_load_fails("[device]\nvdev = _net0\n", 2,
			  "vdev: '_net0' is not a device name (e.g. net_tap0)");
}

static void
test_pci_bad_address(void **state)
{
	static const char tail[] = "' is not a PCI address (DDDD:BB:DD.F or "
				   "BB:DD.F)";

	(void)state;
	assert_load_failsf("[device]\npci = 0000:zz:00.0,foo=1\n", 2,
			   "pci: '0000:zz:00.0%s", tail);
	assert_load_failsf("[device]\npci = net_null0\n", 2,
			   "pci: 'net_null0%s", tail);
}

static void
test_queues_devarg_on_pci(void **state)
{
	(void)state;
	assert_load_fails("[device]\npci = 3b:00.0\nqueues_devarg = queues\n",
			  3, "queues_devarg applies to vdev devices only");
}

static void
test_queues_devarg_bad_name(void **state)
{
	static const char fmt[] = "queues_devarg: '%s' is not a devarg name "
				  "(e.g. queues, qpairs)";
	char *name = pt_repeat('q', 32), *text;
	struct ptg_port_profile p;

	(void)state;
	assert_load_failsf("[device]\nvdev = net_null0\nqueues_devarg = q-s\n",
			   3, fmt, "q-s");
	assert_load_failsf("[device]\nvdev = net_null0\nqueues_devarg =\n",
			   3, fmt, "");
	assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
			     "queues_devarg = %s\n", name) > 0);
	assert_load_failsf(text, 3, fmt, name);
	free(text);
	/* 31 characters fit */
	assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
			     "queues_devarg = %.31s\n", name) > 0);
	load_ok(&p, text);
	assert_int_equal(strlen(p.queues_devarg), 31);
	free(text);
	free(name);
}

static void
test_queues_devarg_already_in_vdev(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0,queues=2\n"
		"queues_devarg = queues\n", 3,
		"queues_devarg: the vdev string already sets queues= (line 2); "
		"leave it out, the queue count follows --workers");
	assert_load_fails("[device]\nqueues_devarg = qpairs\n"
		"vdev = net_af_packet0,iface=lo,qpairs=4\n", 2,
		"queues_devarg: the vdev string already sets qpairs= (line 3); "
		"leave it out, the queue count follows --workers");
}

static void
test_queues_devarg_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\nqueues_devarg = ${"
			  UNSET "}\n", 3, UNSET_MSG("queues_devarg"));
}

static void
test_eal_args_too_long(void **state)
{
	static const char text[] =
		"[device]\nvdev = net_null0\neal_args = ${PTG_UT_VAL}\n";
	char *args = pt_repeat('a', PTG_PORT_DEV_MAX);
	struct ptg_port_profile p;

	(void)state;
	args[PTG_PORT_DEV_MAX - 1] = '\0';
	setenv("PTG_UT_VAL", args, 1);
	load_ok(&p, text);
	assert_int_equal(strlen(p.eal_args), PTG_PORT_DEV_MAX - 1);
	args[PTG_PORT_DEV_MAX - 1] = 'a';
	setenv("PTG_UT_VAL", args, 1);
	assert_load_failsf(text, 3, "eal_args longer than %d characters",
			   PTG_PORT_DEV_MAX - 1);
	free(args);
}

static void
test_eal_args_device_options_rejected(void **state)
{
	static const char *const banned[] = {
		"--vdev", "-a", "--allow", "-b", "--block", "-w",
		"--pci-whitelist", "--no-pci",
	};
	unsigned int i;
	char *text;

	(void)state;
	for (i = 0; i < RTE_DIM(banned); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "eal_args = --in-memory %s x\n",
				     banned[i]) > 0);
		assert_load_failsf(text, 3, "eal_args: %s is not allowed here: "
				   "devices come from vdev= or pci=",
				   banned[i]);
		free(text);
	}
	/* with the value after '=' */
	assert_load_fails("[device]\nvdev = net_null0\n"
			  "eal_args = --vdev=net_ring0\n", 3,
			  "eal_args: --vdev is not allowed here: devices come "
			  "from vdev= or pci=");
}

static void
test_eal_args_attached_short_options_rejected(void **state)
{
	static const char *const attached[][2] = {
		{ "-a0000:3b:00.0", "-a" },
		{ "-b0000:00:1f.6", "-b" },
		{ "-w0000:3b:00.1", "-w" },
	};
	unsigned int i;
	char *text;

	(void)state;
	/* EAL reads "-aADDR" as "-a ADDR" */
	for (i = 0; i < RTE_DIM(attached); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "eal_args = --in-memory %s\n",
				     attached[i][0]) > 0);
		assert_load_failsf(text, 3, "eal_args: %s is not allowed here: "
				   "devices come from vdev= or pci=",
				   attached[i][1]);
		free(text);
	}
}

static void
test_eal_args_other_options_accepted(void **state)
{
	struct ptg_port_profile p;

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\neal_args = --no-huge "
		"--log-level=pmd:debug -l 0 --vdevs --allowed\n");
	assert_string_equal(p.eal_args, "--no-huge --log-level=pmd:debug -l 0 "
			    "--vdevs --allowed");
}

static void
test_eal_args_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\neal_args = ${" UNSET
			  "}\n", 3, UNSET_MSG("eal_args"));
}

/* ---- load_queues --------------------------------------------------------- */

static void
test_rx_queues_invalid(void **state)
{
	static const char *const bad[] = { "0", "1025", "many", "-1", "" };
	unsigned int i;
	char *text;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "[queues]\nrx_queues = %s\n", bad[i]) > 0);
		assert_load_failsf(text, 4, "rx_queues: '%s' is not 'auto' or "
				   "a number in 1..1024", bad[i]);
		free(text);
	}
}

static void
test_tx_queues_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[queues]\n"
			  "rx_queues = auto\ntx_queues = 0\n", 5,
			  "tx_queues: '0' is not 'auto' or a number in "
			  "1..1024");
}

static void
test_queues_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[queues]\n"
			  "tx_queues = ${" UNSET "}\n", 4,
			  UNSET_MSG("tx_queues"));
}

static void
test_rx_desc_invalid(void **state)
{
	static const char *const bad[] = { "31", "32769", "many", "" };
	unsigned int i;
	char *text;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		assert_true(asprintf(&text, "[device]\nvdev = net_null0\n"
				     "[queues]\nrx_desc = %s\n", bad[i]) > 0);
		assert_load_failsf(text, 4, "rx_desc: '%s' is not a number in "
				   "32..32768", bad[i]);
		free(text);
	}
}

static void
test_tx_desc_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[queues]\n"
			  "rx_desc = 64\ntx_desc = 16\n", 5,
			  "tx_desc: '16' is not a number in 32..32768");
}

/* ---- load_port ----------------------------------------------------------- */

static void
test_mtu_below_ipv4_minimum(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\nmtu = 67\n", 4,
		"mtu: 67 is below the IPv4 minimum of 68 (0 keeps the "
		"device's MTU)");
	assert_load_fails("[device]\nvdev = net_null0\n[port]\n\nmtu = 1\n", 5,
		"mtu: 1 is below the IPv4 minimum of 68 (0 keeps the "
		"device's MTU)");
}

static void
test_mtu_not_a_number_in_range(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\nmtu = 9001\n",
			  4, "mtu: '9001' is not a number in 0..9000");
	assert_load_fails("[device]\nvdev = net_null0\n[port]\nmtu = jumbo\n",
			  4, "mtu: 'jumbo' is not a number in 0..9000");
}

static void
test_promiscuous_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\n"
			  "promiscuous = sometimes\n", 4,
			  "promiscuous: 'sometimes' is not a boolean (yes/no, "
			  "on/off, true/false, 1/0)");
}

static void
test_link_wait_ms_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\n"
			  "link_wait_ms = 600001\n", 4,
			  "link_wait_ms: '600001' is not a number in "
			  "0..600000");
}

static void
test_link_required_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[port]\n"
			  "link_required = 2\n", 4,
			  "link_required: '2' is not a boolean (yes/no, "
			  "on/off, true/false, 1/0)");
}

/* ---- load_offloads ------------------------------------------------------- */

static void
assert_offload_key_fails(const char *key)
{
	char *text;

	assert_true(asprintf(&text, "[device]\nvdev = net_null0\n[offloads]\n"
			     "\n%s = maybe\n", key) > 0);
	assert_load_failsf(text, 5, "%s: 'maybe' is not a boolean (yes/no, "
			   "on/off, true/false, 1/0)", key);
	free(text);
}

static void
test_offload_rx_checksum_invalid(void **state)
{
	(void)state;
	assert_offload_key_fails("rx_checksum");
}

static void
test_offload_tx_checksum_invalid(void **state)
{
	(void)state;
	assert_offload_key_fails("tx_checksum");
}

static void
test_offload_tso_invalid(void **state)
{
	(void)state;
	assert_offload_key_fails("tso");
}

/* ---- load_rss ------------------------------------------------------------ */

static void
test_rss_mode_invalid(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\nmode = maybe\n",
			  4, "mode: 'maybe' is not auto, on or off");
}

static void
test_rss_mode_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\nmode = ${" UNSET
			  "}\n", 4, UNSET_MSG("mode"));
}

static void
test_rss_key_bad_character(void **state)
{
	static const char pre[] = "[device]\nvdev = net_null0\n[rss]\n";
	char *text;

	(void)state;
	assert_true(asprintf(&text, "%skey = 6d5z6d5a\n", pre) > 0);
	assert_load_fails(text, 4, "key: not 'symmetric' or a hex string "
			  "(bad character near '5z6d5a')");
	free(text);
	assert_true(asprintf(&text, "%skey = symmetrical\n", pre) > 0);
	assert_load_fails(text, 4, "key: not 'symmetric' or a hex string "
			  "(bad character near 'symmetri')");
	free(text);
}

static void
test_rss_key_odd_digits(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\n"
			  "key = 6d5a6d5a6\n", 4,
			  "key: not 'symmetric' or a hex string (bad character "
			  "near '6')");
}

static void
test_rss_key_too_short(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\nkey = 6d5a6d\n",
			  4, "key: 3 bytes is too short for an RSS key");
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\nkey = 0x\n",
			  4, "key: 0 bytes is too short for an RSS key");
}

static void
test_rss_key_too_long(void **state)
{
	char *hex = pt_repeat('a', 2 * PTG_PORT_RSS_KEY_MAX + 2);

	(void)state;
	setenv("PTG_UT_VAL", hex, 1);
	assert_load_failsf("[device]\nvdev = net_null0\n[rss]\n"
			   "key = ${PTG_UT_VAL}\n", 4,
			   "key: longer than %d bytes", PTG_PORT_RSS_KEY_MAX);
	free(hex);
}

static void
test_rss_key_unset_variable(void **state)
{
	(void)state;
	assert_load_fails("[device]\nvdev = net_null0\n[rss]\nkey = ${" UNSET
			  "}\n", 4, UNSET_MSG("key"));
}

/* ---- check_workers ------------------------------------------------------- */

static void
test_check_workers_auto(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n");
	assert_int_equal(ptg_port_profile_check_workers(&p, 1, err,
							sizeof(err)), 0);
	assert_int_equal(ptg_port_profile_check_workers(&p, 64, err,
							sizeof(err)), 0);
}

static void
test_check_workers_rx_queues_mismatch(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n[queues]\n\nrx_queues = 2\n");
	assert_int_equal(ptg_port_profile_check_workers(&p, 2, err,
							sizeof(err)), 0);
	assert_int_equal(ptg_port_profile_check_workers(&p, 3, err,
							sizeof(err)), -EINVAL);
	pt_assert_err(err, p.source, 5, "rx_queues = 2 but 3 workers: each "
		      "worker polls exactly one RX queue (use rx_queues = "
		      "auto)");
	assert_int_equal(ptg_port_profile_check_workers(&p, 1, err,
							sizeof(err)), -EINVAL);
	pt_assert_err(err, p.source, 5, "rx_queues = 2 but 1 worker: each "
		      "worker polls exactly one RX queue (use rx_queues = "
		      "auto)");
}

static void
test_check_workers_tx_queues_too_few(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n[queues]\ntx_queues = 2\n");
	assert_int_equal(ptg_port_profile_check_workers(&p, 1, err,
							sizeof(err)), 0);
	assert_int_equal(ptg_port_profile_check_workers(&p, 2, err,
							sizeof(err)), 0);
	assert_int_equal(ptg_port_profile_check_workers(&p, 3, err,
							sizeof(err)), -EINVAL);
	pt_assert_err(err, p.source, 4, "tx_queues = 2 but 3 workers each "
		      "need their own TX queue (use tx_queues = auto)");
}

/* ---- check_device -------------------------------------------------------- */

/* Load "[device]\n@key = @device\n" and run check_device. */
static int
check_device(const char *key, const char *device, char *err, size_t errlen,
	     struct ptg_port_profile *p)
{
	char *text;

	assert_true(asprintf(&text, "[device]\n%s = %s\n", key, device) > 0);
	load_ok(p, text);
	free(text);
	return ptg_port_profile_check_device(p, err, errlen);
}

/* check_device of vdev @device must fail with "PATH:2: @why". */
static void
assert_vdev_absent(const char *device, const char *why)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	assert_int_equal(check_device("vdev", device, err, sizeof(err), &p),
			 -ENODEV);
	pt_assert_err(err, p.source, 2, "%s", why);
}

static void
test_check_device_pci_absent(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check_device("pci", "ffff:ff:1f.7", err, sizeof(err),
				      &p), -ENODEV);
	pt_assert_err(err, p.source, 2, "no PCI device ffff:ff:1f.7 on this "
		      "machine (see lspci, dpdk-devbind.py --status)");
}

static void
test_check_device_pci_present(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";
	struct dirent *de;
	DIR *d;

	(void)state;
	d = opendir("/sys/bus/pci/devices");
	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL && de->d_name[0] == '.')
		;
	if (de == NULL) {
		closedir(d);
		skip();
	}
	assert_int_equal(check_device("pci", de->d_name, err, sizeof(err),
				      &p), 0);
	closedir(d);
}

static void
test_check_device_af_packet_needs_iface(void **state)
{
	(void)state;
	assert_vdev_absent("net_af_packet0",
			   "net_af_packet0 needs iface=INTERFACE");
	assert_vdev_absent("eth_af_packet1,qpairs=2",
			   "eth_af_packet1 needs iface=INTERFACE");
}

static void
test_check_device_af_packet_missing_interface(void **state)
{
	(void)state;
	assert_vdev_absent("net_af_packet0,iface=ptgnoif0",
		"net_af_packet0: interface 'ptgnoif0' does not exist");
}

static void
test_check_device_af_packet_loopback(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check_device("vdev", "net_af_packet0,iface=lo", err,
				      sizeof(err), &p), 0);
}

static void
test_check_device_tap(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";
	int usable;

	(void)state;
	/* depends on the machine: the outcome must match /dev/net/tun */
	usable = access("/dev/net/tun", R_OK | W_OK) == 0;
	if (usable) {
		assert_int_equal(check_device("vdev", "net_tap0", err,
					      sizeof(err), &p), 0);
	} else {
		int e = errno;

		assert_int_equal(check_device("vdev", "net_tap0", err,
					      sizeof(err), &p), -ENODEV);
		pt_assert_err(err, p.source, 2, "net_tap0: /dev/net/tun is not "
			      "usable: %s", strerror(e));
	}
}

static void
test_check_device_virtio_user_needs_path(void **state)
{
	(void)state;
	assert_vdev_absent("net_virtio_user0,queue_size=1024",
			   "net_virtio_user0 needs path=SOCKET");
}

static void
test_check_device_virtio_user_missing_socket(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "", *dev, *sock = pt_file("");

	(void)state;
	assert_vdev_absent("net_virtio_user0,path=/nonexistent/ptg.sock",
		"net_virtio_user0: path '/nonexistent/ptg.sock' does not "
		"exist (start the vhost-user side first, or set server=1)");
	/* server=1: we create it */
	assert_int_equal(check_device("vdev",
		"net_virtio_user0,path=/nonexistent/ptg.sock,server=1", err,
		sizeof(err), &p), 0);
	assert_true(asprintf(&dev, "net_virtio_user0,path=%s", sock) > 0);
	assert_int_equal(check_device("vdev", dev, err, sizeof(err), &p), 0);
	free(dev);
	pt_file_free(sock);
}

static void
test_check_device_vhost_needs_iface(void **state)
{
	(void)state;
	assert_vdev_absent("net_vhost0,queues=1", "net_vhost0 needs "
			   "iface=SOCKET");
}

static void
test_check_device_vhost_client_missing_socket(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "", *dev, *sock = pt_file("");

	(void)state;
	assert_vdev_absent("net_vhost0,iface=/nonexistent/ptg.sock,client=1",
		"net_vhost0: socket '/nonexistent/ptg.sock' does not exist "
		"(client=1 connects to an existing server)");
	/* as a server (the default, or client=0) net_vhost creates the
	 * socket */
	assert_int_equal(check_device("vdev",
		"net_vhost0,iface=/nonexistent/ptg.sock", err, sizeof(err), &p),
		0);
	assert_int_equal(check_device("vdev",
		"net_vhost0,iface=/nonexistent/ptg.sock,client=0", err,
		sizeof(err), &p), 0);
	assert_true(asprintf(&dev, "net_vhost0,iface=%s,client=1", sock) > 0);
	assert_int_equal(check_device("vdev", dev, err, sizeof(err), &p), 0);
	free(dev);
	pt_file_free(sock);
}

static void
test_check_device_other_vdev(void **state)
{
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(check_device("vdev", "net_null0", err, sizeof(err),
				      &p), 0);
}

/* ---- EAL arguments ------------------------------------------------------- */

/* Bytes the strings of @argv take, NULs included. */
static size_t
args_size(const char *const *argv, int n)
{
	size_t sz = 0;
	int i;

	for (i = 0; i < n; i++)
		sz += strlen(argv[i]) + 1;
	return sz;
}

static void
assert_args(char **argv, int argc, const char *const *want, int n)
{
	int i;

	assert_int_equal(argc, n);
	for (i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
}

static void
test_eal_args_vdev(void **state)
{
	static const char *const want[] = {
		"--in-memory", "--single-file-segments", "--vdev",
		"net_null0,size=64,queues=4", "--no-pci",
	};
	struct ptg_port_profile p;
	char buf[256], *argv[8];

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0,size=64\nqueues_devarg = queues"
		"\neal_args = --in-memory \t --single-file-segments\n");
	assert_args(argv, ptg_port_profile_eal_args(&p, 4, 1, buf, sizeof(buf),
						    argv, RTE_DIM(argv)),
		    want, RTE_DIM(want));
}

static void
test_eal_args_vdev_plain(void **state)
{
	static const char *const want[] = { "--vdev", "net_null0" };
	struct ptg_port_profile p;
	char buf[256], *argv[8];

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\n");
	assert_args(argv, ptg_port_profile_eal_args(&p, 4, 0, buf, sizeof(buf),
						    argv, RTE_DIM(argv)),
		    want, RTE_DIM(want));
}

static void
test_eal_args_pci(void **state)
{
	static const char *const want[] = {
		"-a", "0000:3b:00.0,txq_inline_max=128",
	};
	struct ptg_port_profile p;
	char buf[256], *argv[8];

	(void)state;
	load_ok(&p, "[device]\npci = 0000:3b:00.0,txq_inline_max=128\n");
	/* no --no-pci for a PCI device, whatever is asked */
	assert_args(argv, ptg_port_profile_eal_args(&p, 4, 1, buf, sizeof(buf),
						    argv, RTE_DIM(argv)),
		    want, RTE_DIM(want));
}

static void
test_eal_args_no_space(void **state)
{
	static const char *const want[] = {
		"--in-memory", "--vdev", "net_null0,queues=2", "--no-pci",
	};
	const size_t need = args_size(want, RTE_DIM(want));
	struct ptg_port_profile p;
	char buf[256], *argv[8];

	(void)state;
	load_ok(&p, "[device]\nvdev = net_null0\nqueues_devarg = queues\n"
		"eal_args = --in-memory\n");
	/* exactly enough room */
	assert_args(argv, ptg_port_profile_eal_args(&p, 2, 1, buf, need, argv,
						    RTE_DIM(want)),
		    want, RTE_DIM(want));
	assert_int_equal(ptg_port_profile_eal_args(&p, 2, 1, buf, need - 1,
						   argv, RTE_DIM(argv)),
			 -ENOSPC);
	assert_int_equal(ptg_port_profile_eal_args(&p, 2, 1, buf, sizeof(buf),
						   argv, RTE_DIM(want) - 1),
			 -ENOSPC);
	assert_int_equal(ptg_port_profile_eal_args(&p, 2, 1, buf, 0, argv,
						   RTE_DIM(argv)), -ENOSPC);
}

/* ---- the embedded profile and drivers-config/ ---------------------------- */

/* Line of the first line of @text that starts with @start, or 0. */
static unsigned int
line_of(const char *text, const char *start)
{
	unsigned int line = 1;
	const char *p = text;

	while (*p != '\0') {
		if (strncmp(p, start, strlen(start)) == 0)
			return line;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
		line++;
	}
	return 0;
}

static char *
config_path(const char *file)
{
	char *path;

	assert_true(asprintf(&path, "%s/drivers-config/%s", pt_source_root(),
			     file) > 0);
	return path;
}

static void
test_embedded_is_tap_ini(void **state)
{
	char *path = config_path("tap.ini");
	char *text = pt_read_file(path, NULL);

	(void)state;
	assert_string_equal(ptg_port_profile_embedded(), text);
	free(text);
	free(path);
}

static void
test_embedded_loads(void **state)
{
	const char *text = ptg_port_profile_embedded();
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	assert_int_equal(ptg_port_profile_load(&p, NULL, err, sizeof(err)), 0);
	assert_string_equal(p.source, PTG_PORT_PROFILE_EMBEDDED_NAME);
	assert_string_equal(p.device, "net_tap0,iface=ptg0");
	assert_string_equal(p.dev_name, "net_tap0");
	assert_int_equal(p.line.device, line_of(text, "vdev = "));
	assert_int_equal(p.line.mtu, line_of(text, "mtu = "));
	assert_true(p.line.device > 0);
	setenv("PTG_TAP_IFACE", "portgate7", 1);
	assert_int_equal(ptg_port_profile_load(&p, NULL, err, sizeof(err)), 0);
	assert_string_equal(p.device, "net_tap0,iface=portgate7");
}

static void
test_embedded_errors_name_it(void **state)
{
	const char *text = ptg_port_profile_embedded();
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	setenv("PTG_TAP_IFACE", "two words", 1);
	assert_int_equal(ptg_port_profile_load(&p, NULL, err, sizeof(err)),
			 -EINVAL);
	pt_assert_err(err, PTG_PORT_PROFILE_EMBEDDED_NAME,
		      line_of(text, "vdev = "), "device string 'net_tap0,"
		      "iface=two words' contains blanks");
}

/* What each shipped profile sets (with none of its variables set). */
static const struct shipped {
	const char *file;
	const char *device;
	uint8_t is_pci;
	const char *queues_devarg;
	const char *eal_args;
	uint16_t desc;
	uint16_t mtu;
	uint32_t link_wait_ms;
	uint8_t link_required;
	uint32_t offloads;
	enum ptg_port_rss_mode rss;
	uint8_t key_len;
} shipped[] = {
	{ "af_packet.ini", "net_af_packet0,iface=veth-ptg,qdisc_bypass=1", 0,
	  "qpairs", "", 512, 0, 2000, 0, WANT_CKSUM, PTG_PORT_RSS_AUTO, 0 },
	{ "i40e-ice.ini", "0000:af:00.0", 1, "", "", 2048, 1500, 15000, 1,
	  WANT_CKSUM | PTG_PORT_WANT_TSO, PTG_PORT_RSS_ON, 0 },
	{ "ixgbe.ini", "0000:03:00.0", 1, "", "", 1024, 1500, 10000, 1,
	  WANT_CKSUM | PTG_PORT_WANT_TSO, PTG_PORT_RSS_ON, 40 },
	{ "mlx5.ini", "0000:3b:00.0", 1, "", "", 4096, 1500, 10000, 1,
	  WANT_CKSUM | PTG_PORT_WANT_TSO, PTG_PORT_RSS_ON, 0 },
	{ "tap.ini", "net_tap0,iface=ptg0", 0, "", "", 1024, 1500, 1000, 0,
	  WANT_CKSUM, PTG_PORT_RSS_AUTO, 0 },
	{ "vhost.ini", "net_vhost0,iface=/tmp/ptg-vhost.sock", 0, "queues",
	  "", 1024, 1500, 1000, 0, WANT_CKSUM, PTG_PORT_RSS_AUTO, 0 },
	{ "virtio-user.ini",
	  "net_virtio_user0,path=/tmp/ptg-vhost.sock,queue_size=1024", 0,
	  "queues", "--single-file-segments", 1024, 1500, 5000, 1,
	  WANT_CKSUM, PTG_PORT_RSS_AUTO, 0 },
};

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static void
test_drivers_config_all_load(void **state)
{
	char err[PT_ERR_MAX] = "", *dir = config_path(""), *path;
	struct ptg_port_profile p;
	char buf[1024], *argv[16];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;
	int argc;

	(void)state;
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (!ends_with(de->d_name, ".ini"))
			continue;
		path = config_path(de->d_name);
		if (ptg_port_profile_load(&p, path, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		/* queues follow --workers in every shipped profile */
		if (ptg_port_profile_check_workers(&p, 4, err,
						   sizeof(err)) != 0)
			fail_msg("%s", err);
		argc = ptg_port_profile_eal_args(&p, 4, 1, buf, sizeof(buf),
						 argv, RTE_DIM(argv));
		assert_true(argc >= 2);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	assert_true(n >= RTE_DIM(shipped));
}

static void
test_drivers_config_values(void **state)
{
	static const uint8_t pattern[] = { 0x6d, 0x5a };
	char err[PT_ERR_MAX] = "", *path;
	struct ptg_port_profile p;
	unsigned int i, k;

	(void)state;
	for (i = 0; i < RTE_DIM(shipped); i++) {
		const struct shipped *s = &shipped[i];

		path = config_path(s->file);
		if (ptg_port_profile_load(&p, path, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_string_equal(p.source, path);
		assert_string_equal(p.device, s->device);
		assert_int_equal(p.is_pci, s->is_pci);
		assert_string_equal(p.queues_devarg, s->queues_devarg);
		assert_string_equal(p.eal_args, s->eal_args);
		assert_int_equal(p.rx_queues, 0);
		assert_int_equal(p.tx_queues, 0);
		assert_int_equal(p.rx_desc, s->desc);
		assert_int_equal(p.tx_desc, s->desc);
		assert_int_equal(p.mtu, s->mtu);
		assert_int_equal(p.promiscuous, 0);
		assert_int_equal(p.link_wait_ms, s->link_wait_ms);
		assert_int_equal(p.link_required, s->link_required);
		assert_int_equal(p.offloads_wanted, s->offloads);
		assert_int_equal(p.rss_mode, s->rss);
		assert_int_equal(p.rss_key_len, s->key_len);
		for (k = 0; k < p.rss_key_len; k++)
			assert_int_equal(p.rss_key[k], pattern[k & 1]);
		free(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_minimal_profile_defaults, setup),
		cmocka_unit_test_setup(test_full_profile, setup),
		cmocka_unit_test_setup(test_pci_profile, setup),
		cmocka_unit_test_setup(test_device_from_environment, setup),
		cmocka_unit_test_setup(
			test_queue_and_descriptor_limits_accepted, setup),
		cmocka_unit_test_setup(test_port_limits_accepted, setup),
		cmocka_unit_test_setup(test_offload_choices, setup),
		cmocka_unit_test_setup(test_rss_modes, setup),
		cmocka_unit_test_setup(test_queue_modes, setup),
		cmocka_unit_test_setup(test_rss_key_symmetric_word, setup),
		cmocka_unit_test_setup(test_rss_key_asymmetric_loads, setup),
		cmocka_unit_test_setup(test_rss_key_longest, setup),
		cmocka_unit_test_setup(test_missing_file, setup),
		cmocka_unit_test_setup(test_null_profile, setup),
		cmocka_unit_test_setup(test_malformed_ini, setup),
		cmocka_unit_test_setup(test_unknown_section, setup),
		cmocka_unit_test_setup(test_unknown_key, setup),
		cmocka_unit_test_setup(test_duplicate_key, setup),
		cmocka_unit_test_setup(test_no_device_section, setup),
		cmocka_unit_test_setup(test_device_without_vdev_or_pci, setup),
		cmocka_unit_test_setup(test_device_with_vdev_and_pci, setup),
		cmocka_unit_test_setup(test_device_unset_variable, setup),
		cmocka_unit_test_setup(test_device_expansion_too_long, setup),
		cmocka_unit_test_setup(test_device_string_too_long, setup),
		cmocka_unit_test_setup(test_device_with_blanks, setup),
		cmocka_unit_test_setup(test_device_missing_name, setup),
		cmocka_unit_test_setup(test_device_name_too_long, setup),
		cmocka_unit_test_setup(test_vdev_bad_name, setup),
		cmocka_unit_test_setup(test_pci_bad_address, setup),
		cmocka_unit_test_setup(test_queues_devarg_on_pci, setup),
		cmocka_unit_test_setup(test_queues_devarg_bad_name, setup),
		cmocka_unit_test_setup(test_queues_devarg_already_in_vdev,
				       setup),
		cmocka_unit_test_setup(test_queues_devarg_unset_variable,
				       setup),
		cmocka_unit_test_setup(test_eal_args_too_long, setup),
		cmocka_unit_test_setup(test_eal_args_device_options_rejected,
				       setup),
		cmocka_unit_test_setup(
			test_eal_args_attached_short_options_rejected, setup),
		cmocka_unit_test_setup(test_eal_args_other_options_accepted,
				       setup),
		cmocka_unit_test_setup(test_eal_args_unset_variable, setup),
		cmocka_unit_test_setup(test_rx_queues_invalid, setup),
		cmocka_unit_test_setup(test_tx_queues_invalid, setup),
		cmocka_unit_test_setup(test_queues_unset_variable, setup),
		cmocka_unit_test_setup(test_rx_desc_invalid, setup),
		cmocka_unit_test_setup(test_tx_desc_invalid, setup),
		cmocka_unit_test_setup(test_mtu_below_ipv4_minimum, setup),
		cmocka_unit_test_setup(test_mtu_not_a_number_in_range, setup),
		cmocka_unit_test_setup(test_promiscuous_invalid, setup),
		cmocka_unit_test_setup(test_link_wait_ms_invalid, setup),
		cmocka_unit_test_setup(test_link_required_invalid, setup),
		cmocka_unit_test_setup(test_offload_rx_checksum_invalid, setup),
		cmocka_unit_test_setup(test_offload_tx_checksum_invalid, setup),
		cmocka_unit_test_setup(test_offload_tso_invalid, setup),
		cmocka_unit_test_setup(test_rss_mode_invalid, setup),
		cmocka_unit_test_setup(test_rss_mode_unset_variable, setup),
		cmocka_unit_test_setup(test_rss_key_bad_character, setup),
		cmocka_unit_test_setup(test_rss_key_odd_digits, setup),
		cmocka_unit_test_setup(test_rss_key_too_short, setup),
		cmocka_unit_test_setup(test_rss_key_too_long, setup),
		cmocka_unit_test_setup(test_rss_key_unset_variable, setup),
		cmocka_unit_test_setup(test_check_workers_auto, setup),
		cmocka_unit_test_setup(test_check_workers_rx_queues_mismatch,
				       setup),
		cmocka_unit_test_setup(test_check_workers_tx_queues_too_few,
				       setup),
		cmocka_unit_test_setup(test_check_device_pci_absent, setup),
		cmocka_unit_test_setup(test_check_device_pci_present, setup),
		cmocka_unit_test_setup(test_check_device_af_packet_needs_iface,
				       setup),
		cmocka_unit_test_setup(
			test_check_device_af_packet_missing_interface, setup),
		cmocka_unit_test_setup(test_check_device_af_packet_loopback,
				       setup),
		cmocka_unit_test_setup(test_check_device_tap, setup),
		cmocka_unit_test_setup(test_check_device_virtio_user_needs_path,
				       setup),
		cmocka_unit_test_setup(
			test_check_device_virtio_user_missing_socket, setup),
		cmocka_unit_test_setup(test_check_device_vhost_needs_iface,
				       setup),
		cmocka_unit_test_setup(
			test_check_device_vhost_client_missing_socket, setup),
		cmocka_unit_test_setup(test_check_device_other_vdev, setup),
		cmocka_unit_test_setup(test_eal_args_vdev, setup),
		cmocka_unit_test_setup(test_eal_args_vdev_plain, setup),
		cmocka_unit_test_setup(test_eal_args_pci, setup),
		cmocka_unit_test_setup(test_eal_args_no_space, setup),
		cmocka_unit_test_setup(test_for_device_defaults, setup),
		cmocka_unit_test_setup(test_for_device_bad_name, setup),
		cmocka_unit_test_setup(test_embedded_is_tap_ini, setup),
		cmocka_unit_test_setup(test_embedded_loads, setup),
		cmocka_unit_test_setup(test_embedded_errors_name_it, setup),
		cmocka_unit_test_setup(test_drivers_config_all_load, setup),
		cmocka_unit_test_setup(test_drivers_config_values, setup),
	};

	return cmocka_run_group_tests_name("port_profile", tests, NULL, NULL);
}
