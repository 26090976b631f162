/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate's app options (after "--"), and the --config file.
 *
 * portgate_opts_parse() -> find_config() -> load_config()   file first
 *                       -> getopt_long() -> apply()         flags override
 *                       -> check_final()                    cross-checks
 * portgate_opts_bind_services() -> ptg_service_bind_spec()
 * portgate_opts_tcp_config()    -> ptg_tcp_config_default()
 *
 * Every value, from a flag or from the file, goes through apply(), which
 * names its origin in errors: "--workers" or "FILE:LINE: workers".
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "ptg_net.h"
#include "ptg_port.h"
#include "ptg_service.h"
#include "app_util.h"
#include "options.h"

enum opt_id {
	OPT_HELP = 'h',
	OPT_ADDR = 256,
	OPT_GATEWAY,
	OPT_SERVICE,
	OPT_WORKERS,
	OPT_CONFIG,
	OPT_PROFILE,
	OPT_IDLE_SLEEP_US,
	OPT_MBUFS,
	OPT_TX_DRAIN_US,
	OPT_LINGER_MS,
	OPT_TIME_WAIT_MS,
	OPT_RTO_MIN_MS,
	OPT_CC,
	OPT_SYNCOOKIES,
	OPT_BACKLOG,
	OPT_MAX_CONNS,
	OPT_MODE,
	OPT_PLUGIN,
	OPT_HTTP_HEADER_TIMEOUT_MS,
	OPT_HTTP_BODY_TIMEOUT_MS,
	OPT_HTTP_KEEPALIVE_TIMEOUT_MS,
	OPT_HTTP_SEND_TIMEOUT_MS,
	OPT_HTTP_MAX_BODY,
	OPT_ARP_TIMEOUT_MS,
	OPT_TIME_WAIT_MAX,
	OPT_ACCEPT_TIMEOUT_MS,
	OPT_FIRST_DATA_TIMEOUT_MS,
	OPT_KEEPALIVE_MS,
	OPT_TX_ZEROCOPY_MIN,
};

static const struct option long_opts[] = {
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "idle-sleep-us", required_argument, NULL, OPT_IDLE_SLEEP_US },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "tx-drain-us", required_argument, NULL, OPT_TX_DRAIN_US },
	{ "linger-ms", required_argument, NULL, OPT_LINGER_MS },
	{ "time-wait-ms", required_argument, NULL, OPT_TIME_WAIT_MS },
	{ "rto-min-ms", required_argument, NULL, OPT_RTO_MIN_MS },
	{ "time-wait-max", required_argument, NULL, OPT_TIME_WAIT_MAX },
	{ "tx-zerocopy-min", required_argument, NULL, OPT_TX_ZEROCOPY_MIN },
	{ "accept-timeout-ms", required_argument, NULL,
	  OPT_ACCEPT_TIMEOUT_MS },
	{ "first-data-timeout-ms", required_argument, NULL,
	  OPT_FIRST_DATA_TIMEOUT_MS },
	{ "keepalive-ms", required_argument, NULL, OPT_KEEPALIVE_MS },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "syncookies", required_argument, NULL, OPT_SYNCOOKIES },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "plugin", required_argument, NULL, OPT_PLUGIN },
	{ "http-header-timeout-ms", required_argument, NULL,
	  OPT_HTTP_HEADER_TIMEOUT_MS },
	{ "http-body-timeout-ms", required_argument, NULL,
	  OPT_HTTP_BODY_TIMEOUT_MS },
	{ "http-keepalive-timeout-ms", required_argument, NULL,
	  OPT_HTTP_KEEPALIVE_TIMEOUT_MS },
	{ "http-send-timeout-ms", required_argument, NULL,
	  OPT_HTTP_SEND_TIMEOUT_MS },
	{ "http-max-body", required_argument, NULL, OPT_HTTP_MAX_BODY },
	{ "arp-timeout-ms", required_argument, NULL, OPT_ARP_TIMEOUT_MS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* The [portgate] section of --config: each key is a long option with
 * '-' written '_'; plugin and service may repeat. Keys apply in this
 * order: plugins before the services they provide. */
static const struct ptg_port_ini_key config_schema[] = {
	{ "portgate", "addr", 0 },
	{ "portgate", "gateway", 0 },
	{ "portgate", "plugin", 1 },
	{ "portgate", "service", 1 },
	{ "portgate", "workers", 0 },
	{ "portgate", "profile", 0 },
	{ "portgate", "idle_sleep_us", 0 },
	{ "portgate", "mbufs", 0 },
	{ "portgate", "tx_drain_us", 0 },
	{ "portgate", "linger_ms", 0 },
	{ "portgate", "time_wait_ms", 0 },
	{ "portgate", "rto_min_ms", 0 },
	{ "portgate", "time_wait_max", 0 },
	{ "portgate", "tx_zerocopy_min", 0 },
	{ "portgate", "accept_timeout_ms", 0 },
	{ "portgate", "first_data_timeout_ms", 0 },
	{ "portgate", "keepalive_ms", 0 },
	{ "portgate", "cc", 0 },
	{ "portgate", "syncookies", 0 },
	{ "portgate", "backlog", 0 },
	{ "portgate", "max_conns", 0 },
	{ "portgate", "mode", 0 },
	{ "portgate", "http_header_timeout_ms", 0 },
	{ "portgate", "http_body_timeout_ms", 0 },
	{ "portgate", "http_keepalive_timeout_ms", 0 },
	{ "portgate", "http_send_timeout_ms", 0 },
	{ "portgate", "http_max_body", 0 },
	{ "portgate", "arp_timeout_ms", 0 },
};

void
portgate_usage(FILE *f, const char *prog)
{
	fprintf(f,
"Usage: %s [EAL options] -- --addr IP/PREFIX [app options]\n"
"\n"
"portgate: a kernel-bypass TCP endpoint. It answers ARP and ICMP echo for\n"
"its address and serves TCP services on its ports. Once the port is up and\n"
"every worker serves, it prints one line starting \"portgate: ready\" on\n"
"stdout. SIGINT/SIGTERM stop it: listeners close, connections get FIN\n"
"(RST after --linger-ms), the final counters are printed, exit status 0.\n"
"A second signal stops at once.\n"
"\n"
"EAL options (before \"--\"): see the DPDK EAL documentation; e.g.\n"
"  -l 0,1 --file-prefix pg --no-huge -m 512\n"
"The profile adds its devices (--vdev, or -a for PCI) and, for vdevs,\n"
"--no-pci. Without --profile, a device named here (--vdev, -a) or a PCI\n"
"NIC bound to a DPDK driver (unless --no-pci) is the port, with default\n"
"settings, as testpmd does; more than one port is an error.\n"
"\n"
"App options (after \"--\"):\n"
"  --addr IP/PREFIX       our IPv4 address and on-link prefix (required,\n"
"                         here or in --config)\n"
"  --gateway IP           default gateway (on the prefix of --addr)\n"
"  --service PORT:NAME[:ARGS]\n"
"                         run service NAME on TCP PORT; repeatable. The\n"
"                         built-ins: echo, discard, chargen, http, proxy\n"
"                         (ARGS: IPV4:PORT[,IPV4:PORT...][,lb=leastconn]\n"
"                         [,proxy=v1|v2][,connect_timeout=MS]...; see the\n"
"                         README). Without any: echo on 7, discard on 9,\n"
"                         chargen on 19, http on 80\n"
"  --workers N            worker lcores (default 1); EAL needs N lcores\n"
"                         besides the main one, or N in all in rtc mode\n"
"                         (the main lcore then works too); in pipeline\n"
"                         mode the main lcore is the I/O lcore\n"
"  --mode auto|rtc|pipeline\n"
"                         how flows reach the workers (default: the\n"
"                         profile's [queues] mode, else auto): rtc, one\n"
"                         RX/TX queue per worker spread by the NIC's RSS;\n"
"                         pipeline, the main lcore polls one queue and\n"
"                         steers each flow to its worker by the same hash;\n"
"                         auto, rtc when the device has RSS for TCP\n"
"  --profile FILE         drivers-config profile of the port (default: the\n"
"                         device the EAL options name, else the embedded\n"
"                         drivers-config/tap.ini: net_tap with\n"
"                         iface=${PTG_TAP_IFACE:-ptg0})\n"
"  --config FILE          INI file with the options above, see below\n"
"  --plugin FILE.so       load a service built outside portgate (it\n"
"                         defines ptg_plugin_service(), see\n"
"                         ptg_service.h); repeatable; before the\n"
"                         --service options that name it\n"
"  --idle-sleep-us N      after 1000 empty polls, sleep N us per poll\n"
"                         (default 0: busy-poll; useful on shared cores)\n"
"  --mbufs N              mbuf pool size (default 65535; raised to what\n"
"                         the queues need)\n"
"  --tx-drain-us N        TX batch deadline (default 50)\n"
"  --linger-ms N          on stop, RST connections still open after N ms\n"
"                         (default 1000)\n"
"  --arp-timeout-ms N     lifetime of a learned ARP entry; an expired one\n"
"                         is asked again before use (default 300000)\n"
"TCP:\n"
"  --time-wait-ms N       TIME-WAIT duration, 2*MSL\n"
"  --rto-min-ms N         lower bound of the retransmission timeout\n"
"  --cc newreno|cubic     congestion control\n"
"  --syncookies auto|always|never\n"
"                         SYN cookies: when the SYN queue is full, always,\n"
"                         or never\n"
"  --backlog N            accept queue bound per listener\n"
"  --max-conns N          connection table size per worker (also the\n"
"                         http service's conns= default)\n"
"  --time-wait-max N      TIME-WAIT records per worker (64 bytes each,\n"
"                         beside the table); past it the oldest is\n"
"                         recycled, tcp.timewait_recycled (default:\n"
"                         --max-conns)\n"
"  --tx-zerocopy-min N    send segments with at least N payload bytes\n"
"                         from the send queue's buffers, not a copy,\n"
"                         where the port sends chained mbufs (0: never,\n"
"                         the default)\n"
"  --accept-timeout-ms N  reset a connection its service has not taken\n"
"                         from the accept queue within N ms,\n"
"                         tcp.acceptq_timeout (default 0: off)\n"
"  --first-data-timeout-ms N\n"
"                         reset a passive connection whose peer sends\n"
"                         nothing within N ms of the handshake,\n"
"                         tcp.first_data_timeout (default 0: off)\n"
"  --keepalive-ms N       TCP keepalive on every connection: first probe\n"
"                         after N ms idle, then every 75 s, reset after\n"
"                         9 unanswered (default 0: off; a service's\n"
"                         tcp_keepalive= ARGS override it)\n"
"HTTP (defaults of the http service's ARGS; 0 turns a timeout off; a\n"
"connection that times out is reset and counted, svc_PORT_http.timeout_*):\n"
"  --http-header-timeout-ms N\n"
"                         a request head must arrive whole within N ms of\n"
"                         its first byte (of the accept for the first\n"
"                         request) (default 60000)\n"
"  --http-body-timeout-ms N\n"
"                         at most N ms between reads of a request body;\n"
"                         after a \"Connection: close\" response, N ms for\n"
"                         the client to close (default 60000)\n"
"  --http-keepalive-timeout-ms N\n"
"                         idle keep-alive connection (default 75000)\n"
"  --http-send-timeout-ms N\n"
"                         at most N ms between two sends of a response\n"
"                         the client is slow to take (default 60000)\n"
"  --http-max-body N      largest request body in bytes: a larger\n"
"                         Content-Length gets 413, a longer chunked body\n"
"                         is cut off (default 1048576; 0: no limit)\n"
"  -h, --help             this text\n"
"\n"
"--config FILE: an INI file (comments start with ';') with one section\n"
"[portgate] whose keys are the long options above with '_' for '-':\n"
"  [portgate]\n"
"  addr = 198.18.0.2/24\n"
"  gateway = 198.18.0.1\n"
"  workers = 1\n"
"  profile = af_packet.ini   ; relative to the config file's folder\n"
"  idle_sleep_us = 0\n"
"  service = 7:echo          ; repeat for more services\n"
"  plugin = hello.so         ; relative to the config file's folder\n"
"  service = 7000:hello\n"
"  service = 80:http\n"
"Values may use ${VAR} and ${VAR:-default}. Flags override the file;\n"
"any --service flag replaces every service= of the file.\n"
"\n"
"Errors in options, the config file or the profile print one message\n"
"naming the option or FILE:LINE and exit with status 2, before anything\n"
"is started. Counters: DPDK telemetry /portgate/stats, /portgate/worker,\n"
"/portgate/info while running; every non-zero counter at exit.\n",
		prog);
}

#define fail_msg(...) app_fail("portgate", __VA_ARGS__)

/* A timeout in ms: 0 (off) .. one day. */
static int
apply_timeout_ms(const char *val, const char *where, uint64_t *out)
{
	if (app_parse_u64(val, 0, 86400000, out) < 0) {
		fail_msg(where, "'%s' is not a number of ms in 0..86400000 "
			 "(0: off)", val);
		return -EINVAL;
	}
	return 0;
}

/* Check a PORT:NAME[:ARGS] spec; on success *port is its port. */
static int
check_service(const char *spec, const char *where, uint32_t *port)
{
	char name[64], num[8];
	const char *c1, *c2;
	size_t nl;

	c1 = strchr(spec, ':');
	if (c1 == NULL || c1 == spec || (size_t)(c1 - spec) >= sizeof(num)) {
		fail_msg(where, "'%s' is not PORT:NAME[:ARGS]", spec);
		return -EINVAL;
	}
	memcpy(num, spec, c1 - spec);
	num[c1 - spec] = '\0';
	if (app_parse_u32(num, 1, 65535, port) < 0) {
		fail_msg(where, "'%s': port '%s' is not in 1..65535", spec,
			 num);
		return -EINVAL;
	}
	c2 = strchr(c1 + 1, ':');
	nl = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	if (nl == 0 || nl >= sizeof(name)) {
		fail_msg(where, "'%s': missing or over-long service name",
			 spec);
		return -EINVAL;
	}
	memcpy(name, c1 + 1, nl);
	name[nl] = '\0';
	if (ptg_service_find(name) == NULL) {
		fail_msg(where, "'%s': unknown service '%s' (built-in: echo, "
			 "discard, chargen, http, proxy; others come with "
			 "--plugin)", spec, name);
		return -EINVAL;
	}
	return 0;
}

/* Service lists: the file's and the flags'; the flags' win if any. */
struct service_list {
	char *spec[PORTGATE_MAX_SERVICES];
	uint32_t port[PORTGATE_MAX_SERVICES];
	unsigned int n;
};

static void
service_list_free(struct service_list *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		free(l->spec[i]);
	l->n = 0;
}

static int
service_add(struct service_list *l, const char *spec, const char *where)
{
	uint32_t port;
	unsigned int i;

	if (check_service(spec, where, &port) < 0)
		return -EINVAL;
	for (i = 0; i < l->n; i++)
		if (l->port[i] == port) {
			fail_msg(where, "'%s': port %u already has service "
				 "'%s'", spec, port, l->spec[i]);
			return -EINVAL;
		}
	if (l->n == PORTGATE_MAX_SERVICES) {
		fail_msg(where, "more than %d services",
			 PORTGATE_MAX_SERVICES);
		return -EINVAL;
	}
	l->spec[l->n] = strdup(spec);
	if (l->spec[l->n] == NULL) {
		fail_msg(where, "out of memory");
		return -ENOMEM;
	}
	l->port[l->n++] = port;
	return 0;
}

/* Apply one option value; @where names its origin for messages. */
static int
apply(struct portgate_opts *o, int id, const char *val, const char *where,
      struct service_list *services, const char *base_dir)
{
	uint32_t v;

	switch (id) {
	case OPT_ADDR:
		if (ptg_net_parse_prefix(val, &o->addr, &o->prefix_len) < 0 ||
		    o->addr == 0) {
			fail_msg(where, "'%s' is not IP/PREFIX (e.g. "
				 "198.18.0.2/24)", val);
			return -EINVAL;
		}
		o->have_addr = 1;
		return 0;
	case OPT_GATEWAY:
		if (ptg_net_parse_ipv4(val, &o->gateway) < 0 ||
		    o->gateway == 0) {
			fail_msg(where, "'%s' is not an IPv4 address", val);
			return -EINVAL;
		}
		return 0;
	case OPT_SERVICE:
		return service_add(services, val, where);
	case OPT_PLUGIN: {
		char path[PATH_MAX], err[PATH_MAX + 512];

		if (*val == '\0') {
			fail_msg(where, "empty file name");
			return -EINVAL;
		}
		if (base_dir != NULL && val[0] != '/') {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s",
					     base_dir, val) >= sizeof(path))
				goto too_long;
		} else if (strlcpy(path, val, sizeof(path)) >= sizeof(path)) {
			goto too_long;
		}
		if (ptg_service_plugin_load(path, err, sizeof(err)) != 0) {
			fail_msg(where, "%s", err);
			return -EINVAL;
		}
		return 0;
	}
	case OPT_MODE:
		if (strcmp(val, "auto") == 0)
			o->mode = PTG_PORT_MODE_AUTO;
		else if (strcmp(val, "rtc") == 0)
			o->mode = PTG_PORT_MODE_RTC;
		else if (strcmp(val, "pipeline") == 0)
			o->mode = PTG_PORT_MODE_PIPELINE;
		else {
			fail_msg(where, "'%s' is not auto, rtc or pipeline",
				 val);
			return -EINVAL;
		}
		o->have_mode = 1;
		return 0;
	case OPT_WORKERS:
		if (app_parse_u32(val, 1, RTE_MAX_LCORE - 1, &v) < 0) {
			fail_msg(where, "'%s' is not a number in 1..%d", val,
				 RTE_MAX_LCORE - 1);
			return -EINVAL;
		}
		o->workers = v;
		return 0;
	case OPT_PROFILE:
		if (*val == '\0') {
			fail_msg(where, "empty file name");
			return -EINVAL;
		}
		if (base_dir != NULL && val[0] != '/') {
			if ((size_t)snprintf(o->profile, sizeof(o->profile),
					     "%s/%s", base_dir, val) >=
			    sizeof(o->profile))
				goto too_long;
		} else if (strlcpy(o->profile, val, sizeof(o->profile)) >=
			   sizeof(o->profile)) {
			goto too_long;
		}
		strlcpy(o->profile_where, where, sizeof(o->profile_where));
		return 0;
	case OPT_IDLE_SLEEP_US:
		if (app_parse_u32(val, 0, 1000000, &o->idle_sleep_us) < 0)
			goto range;
		return 0;
	case OPT_MBUFS:
		if (app_parse_u32(val, 1024, 1u << 24, &o->mbufs) < 0) {
			fail_msg(where, "'%s' is not a number in 1024..%u",
				 val, 1u << 24);
			return -EINVAL;
		}
		return 0;
	case OPT_TX_DRAIN_US:
		if (app_parse_u32(val, 1, 100000, &o->tx_drain_us) < 0) {
			fail_msg(where, "'%s' is not a number in 1..100000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_LINGER_MS:
		if (app_parse_u32(val, 0, 600000, &o->linger_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..600000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_TIME_WAIT_MS:
		if (app_parse_u32(val, 0, 600000, &o->time_wait_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..600000",
				 val);
			return -EINVAL;
		}
		o->have_time_wait = 1;
		return 0;
	case OPT_TX_ZEROCOPY_MIN:
		if (app_parse_u32(val, 0, 65535, &o->tx_zerocopy_min) < 0) {
			fail_msg(where, "'%s' is not a number in 0..65535",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_TIME_WAIT_MAX:
		if (app_parse_u32(val, 1, 1u << 24, &o->time_wait_max) < 0) {
			fail_msg(where, "'%s' is not a number in 1..16777216",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_ACCEPT_TIMEOUT_MS:
		if (app_parse_u32(val, 0, 86400000, &o->accept_timeout_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..86400000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_FIRST_DATA_TIMEOUT_MS:
		if (app_parse_u32(val, 0, 86400000, &o->first_data_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..86400000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_KEEPALIVE_MS:
		if (app_parse_u32(val, 0, 86400000, &o->keepalive_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..86400000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_RTO_MIN_MS:
		if (app_parse_u32(val, 1, 60000, &o->rto_min_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 1..60000",
				 val);
			return -EINVAL;
		}
		o->have_rto_min = 1;
		return 0;
	case OPT_CC:
		if (strcmp(val, "newreno") != 0 && strcmp(val, "cubic") != 0) {
			fail_msg(where, "'%s' is not newreno or cubic", val);
			return -EINVAL;
		}
		strlcpy(o->cc, val, sizeof(o->cc));
		return 0;
	case OPT_SYNCOOKIES:
		if (strcmp(val, "auto") == 0)
			o->syncookies = PTG_TCP_SYNCOOKIES_AUTO;
		else if (strcmp(val, "always") == 0)
			o->syncookies = PTG_TCP_SYNCOOKIES_ALWAYS;
		else if (strcmp(val, "never") == 0)
			o->syncookies = PTG_TCP_SYNCOOKIES_NEVER;
		else {
			fail_msg(where, "'%s' is not auto, always or never",
				 val);
			return -EINVAL;
		}
		o->have_syncookies = 1;
		return 0;
	case OPT_BACKLOG:
		if (app_parse_u32(val, 1, 65535, &o->backlog) < 0) {
			fail_msg(where, "'%s' is not a number in 1..65535",
				 val);
			return -EINVAL;
		}
		o->have_backlog = 1;
		return 0;
	case OPT_MAX_CONNS:
		if (app_parse_u32(val, 1, 1u << 24, &o->max_conns) < 0) {
			fail_msg(where, "'%s' is not a number in 1..%u", val,
				 1u << 24);
			return -EINVAL;
		}
		o->have_max_conns = 1;
		return 0;
	case OPT_ARP_TIMEOUT_MS:
		if (app_parse_u32(val, 1, 86400000, &o->arp_timeout_ms) < 0) {
			fail_msg(where, "'%s' is not a number of ms in "
				 "1..86400000", val);
			return -EINVAL;
		}
		return 0;
	case OPT_HTTP_HEADER_TIMEOUT_MS:
		return apply_timeout_ms(val, where, &o->http.header_timeout_ms);
	case OPT_HTTP_BODY_TIMEOUT_MS:
		return apply_timeout_ms(val, where, &o->http.body_timeout_ms);
	case OPT_HTTP_KEEPALIVE_TIMEOUT_MS:
		return apply_timeout_ms(val, where,
					&o->http.keepalive_timeout_ms);
	case OPT_HTTP_SEND_TIMEOUT_MS:
		return apply_timeout_ms(val, where, &o->http.send_timeout_ms);
	case OPT_HTTP_MAX_BODY:
		if (app_parse_u64(val, 0, (UINT64_C(1) << 60) - 1,
			      &o->http.max_body) < 0) {
			fail_msg(where, "'%s' is not a number of bytes in "
				 "0..%" PRIu64 " (0: no limit)", val,
				 (UINT64_C(1) << 60) - 1);
			return -EINVAL;
		}
		return 0;
	default:
		fail_msg(where, "not an option");
		return -EINVAL;
	}
range:
	fail_msg(where, "'%s' is not a number in 0..1000000", val);
	return -EINVAL;
too_long:
	fail_msg(where, "file name too long");
	return -EINVAL;
}

/* The value of --config, if given; a scan that leaves getopt alone. */
static int
find_config(int argc, char **argv, const char **path)
{
	int i;

	*path = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				fail_msg("--config", "missing FILE");
				return -EINVAL;
			}
			*path = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			*path = argv[i] + 9;
		}
	}
	return 0;
}

static int
load_config(struct portgate_opts *o, const char *path,
	    struct service_list *services)
{
	char err[512], val[PTG_PORT_INI_VALUE_MAX], where[PATH_MAX + 64];
	char dir[PATH_MAX];
	struct ptg_port_ini *ini;
	size_t i;
	int rc = 0;

	strlcpy(o->config, path, sizeof(o->config));
	ini = ptg_port_ini_load(path, err, sizeof(err));
	if (ini == NULL) {
		/* Parse errors name FILE:LINE; open errors the option too. */
		fprintf(stderr, "portgate: %s%s\n",
			rte_errno == EINVAL ? "" : "--config ", err);
		return -EINVAL;
	}
	if (ptg_port_ini_check(ini, config_schema, RTE_DIM(config_schema),
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "portgate: %s\n", err);
		rc = -EINVAL;
		goto out;
	}
	strlcpy(dir, path, sizeof(dir));
	for (i = 0; i < RTE_DIM(config_schema) && rc == 0; i++) {
		const char *key = config_schema[i].key;
		const struct option *lo;
		unsigned int k, n, line = 0;
		char flag[32];

		strlcpy(flag, key, sizeof(flag));
		for (k = 0; flag[k] != '\0'; k++)
			if (flag[k] == '_')
				flag[k] = '-';
		for (lo = long_opts; lo->name != NULL; lo++)
			if (strcmp(lo->name, flag) == 0)
				break;
		n = ptg_port_ini_count(ini, "portgate", key);
		for (k = 0; k < n && rc == 0; k++) {
			rc = ptg_port_ini_get(ini, "portgate", key, k, val,
					      sizeof(val), &line, err,
					      sizeof(err));
			if (rc < 0) {
				fprintf(stderr, "portgate: %s\n", err);
				rc = -EINVAL;
				break;
			}
			snprintf(where, sizeof(where), "%s:%u: %s", path, line,
				 key);
			rc = apply(o, lo->val, val, where, services,
				   dirname(dir));
			strlcpy(dir, path, sizeof(dir));
		}
	}
out:
	ptg_port_ini_free(ini);
	return rc;
}

static int
check_final(struct portgate_opts *o)
{
	rte_be32_t mask;

	if (!o->have_addr) {
		fprintf(stderr, "portgate: --addr IP/PREFIX is required (or "
			"addr = in [portgate] of --config); see --help\n");
		return -EINVAL;
	}
	if (o->gateway != 0) {
		mask = o->prefix_len == 0 ? 0 :
			rte_cpu_to_be_32(~0u << (32 - o->prefix_len));
		if (o->gateway == o->addr) {
			fprintf(stderr, "portgate: --gateway: the gateway "
				"cannot be our own address\n");
			return -EINVAL;
		}
		if ((o->gateway & mask) != (o->addr & mask)) {
			fprintf(stderr, "portgate: --gateway: not on the "
				"prefix of --addr (/%u)\n", o->prefix_len);
			return -EINVAL;
		}
	}
	return 0;
}

int
portgate_opts_parse(struct portgate_opts *o, int argc, char **argv)
{
	struct service_list file_svcs = { .n = 0 }, cli_svcs = { .n = 0 };
	const char *config;
	char where[64];
	int c, i, rc = 0;

	memset(o, 0, sizeof(*o));
	ptg_service_http_defaults_get(&o->http);
	o->workers = 1;
	o->tx_drain_us = 50;
	o->linger_ms = 1000;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			portgate_usage(stdout, argv[0]);
			return PORTGATE_EXIT_OK;
		}
	}
	if (find_config(argc, argv, &config) < 0)
		return PORTGATE_EXIT_USAGE;
	if (config != NULL && load_config(o, config, &file_svcs) < 0) {
		rc = PORTGATE_EXIT_USAGE;
		goto out;
	}

	/* --plugin flags first: they register the services that --service
	 * flags may name. Everything else waits for the second pass. */
	optind = 0; /* glibc: full re-initialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c != OPT_PLUGIN)
			continue;
		if (apply(o, c, optarg, "--plugin", &cli_svcs, NULL) < 0) {
			rc = PORTGATE_EXIT_USAGE;
			goto out;
		}
	}

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == '?') {
			if (optopt != 0)
				fprintf(stderr, "portgate: unknown option "
					"-%c", optopt);
			else
				fprintf(stderr, "portgate: unknown option "
					"%s", argv[optind - 1]);
			fprintf(stderr, " (EAL options go before \"--\"; "
				"see --help)\n");
			rc = PORTGATE_EXIT_USAGE;
			goto out;
		}
		if (c == ':') {
			fprintf(stderr, "portgate: %s: missing value\n",
				argv[optind - 1]);
			rc = PORTGATE_EXIT_USAGE;
			goto out;
		}
		if (c == OPT_CONFIG || c == OPT_PLUGIN)
			continue; /* loaded first */
		for (i = 0; long_opts[i].name != NULL; i++)
			if (long_opts[i].val == c)
				break;
		snprintf(where, sizeof(where), "--%s",
			 long_opts[i].name ? long_opts[i].name : "?");
		if (apply(o, c, optarg, where, &cli_svcs, NULL) < 0) {
			rc = PORTGATE_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "portgate: unexpected argument '%s' (see "
			"--help)\n", argv[optind]);
		rc = PORTGATE_EXIT_USAGE;
		goto out;
	}
	optind = 0;
	if (check_final(o) < 0) {
		rc = PORTGATE_EXIT_USAGE;
		goto out;
	}
	/* Flags override the file: any --service replaces the file's. */
	{
		struct service_list *use = cli_svcs.n ? &cli_svcs : &file_svcs;

		for (i = 0; i < (int)use->n; i++) {
			o->services[i] = use->spec[i];
			use->spec[i] = NULL;
		}
		o->nb_services = use->n;
		use->n = 0;
	}
	rc = -1;
out:
	service_list_free(&file_svcs);
	service_list_free(&cli_svcs);
	if (rc != -1)
		portgate_opts_free(o);
	return rc;
}

void
portgate_opts_free(struct portgate_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->nb_services; i++)
		free(o->services[i]);
	o->nb_services = 0;
}

int
portgate_opts_bind_services(const struct portgate_opts *o)
{
	struct ptg_service_http_defaults http = o->http;
	unsigned int i;
	int rc;

	/* one http connection record per connection the engine can hold */
	if (o->have_max_conns)
		http.conns = o->max_conns;
	rc = ptg_service_http_defaults_set(&http);
	if (rc < 0) {
		fprintf(stderr, "portgate: http defaults refused: %s\n",
			strerror(-rc));
		return PORTGATE_EXIT_USAGE;
	}

	if (o->nb_services == 0) {
		rc = ptg_service_bind_defaults();
		if (rc < 0) {
			fprintf(stderr, "portgate: cannot bind the default "
				"services: %s\n", strerror(-rc));
			return PORTGATE_EXIT_FAIL;
		}
		return 0;
	}
	for (i = 0; i < o->nb_services; i++) {
		rc = ptg_service_bind_spec(o->services[i]);
		if (rc < 0 && ptg_service_bind_error()[0] != '\0') {
			fprintf(stderr, "portgate: --service %s: %s\n",
				o->services[i], ptg_service_bind_error());
			return PORTGATE_EXIT_USAGE;
		}
		if (rc < 0) {
			fprintf(stderr, "portgate: --service %s: %s\n",
				o->services[i], rc == -EINVAL ?
				"rejected: bad PORT:NAME[:ARGS] or ARGS the "
				"service does not accept" : strerror(-rc));
			return rc == -ENOMEM ? PORTGATE_EXIT_FAIL :
					       PORTGATE_EXIT_USAGE;
		}
	}
	return 0;
}

void
portgate_opts_tcp_config(const struct portgate_opts *o,
			 struct ptg_tcp_config *cfg)
{
	ptg_tcp_config_default(cfg);
	if (o->have_time_wait)
		cfg->msl_ns = (uint64_t)o->time_wait_ms * 1000000ull / 2;
	if (o->have_rto_min)
		cfg->rto_min_ns = (uint64_t)o->rto_min_ms * 1000000ull;
	if (o->have_backlog)
		cfg->backlog = o->backlog;
	if (o->have_max_conns)
		cfg->max_conns = o->max_conns;
	if (o->cc[0] != '\0')
		cfg->cc = o->cc;
	if (o->have_syncookies)
		cfg->syncookies = o->syncookies;
	if (o->time_wait_max != 0)
		cfg->time_wait_max = o->time_wait_max;
	cfg->tx_zerocopy_min = o->tx_zerocopy_min;
	cfg->accept_timeout_ns = (uint64_t)o->accept_timeout_ms * 1000000ull;
	cfg->first_data_ns = (uint64_t)o->first_data_ms * 1000000ull;
	cfg->keepalive_idle_ns = (uint64_t)o->keepalive_ms * 1000000ull;
}
