/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate-gen's options (after "--").
 *
 * gen_opts_parse() -> getopt_long() -> apply()     one value at a time
 *                  -> check_final()                cross-checks, defaults
 *
 * Every error prints one message naming the option ("--rate: ...") and
 * makes the caller exit with status 2 before anything is started.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "app_util.h"
#include "gen.h"

enum opt_id {
	OPT_HELP = 'h',
	OPT_ADDR = 256,
	OPT_GATEWAY,
	OPT_DST,
	OPT_MODE,
	OPT_SRC,
	OPT_SPORT,
	OPT_FLOOD_SRC,
	OPT_CONCURRENCY,
	OPT_RATE,
	OPT_REQ_SIZE,
	OPT_RESP_SIZE,
	OPT_PIPELINE,
	OPT_CLOSE,
	OPT_BYTES,
	OPT_PATH,
	OPT_HOST,
	OPT_DURATION,
	OPT_COUNT,
	OPT_DRAIN_MS,
	OPT_WAIT_S,
	OPT_WORKERS,
	OPT_PROFILE,
	OPT_JSON,
	OPT_MBUFS,
	OPT_MAX_CONNS,
	OPT_TIME_WAIT_MS,
	OPT_RTO_MIN_MS,
	OPT_QUIET,
};

static const struct option long_opts[] = {
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "flood-src", required_argument, NULL, OPT_FLOOD_SRC },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "req-size", required_argument, NULL, OPT_REQ_SIZE },
	{ "resp-size", required_argument, NULL, OPT_RESP_SIZE },
	{ "pipeline", required_argument, NULL, OPT_PIPELINE },
	{ "close", required_argument, NULL, OPT_CLOSE },
	{ "bytes", required_argument, NULL, OPT_BYTES },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "drain-ms", required_argument, NULL, OPT_DRAIN_MS },
	{ "wait-s", required_argument, NULL, OPT_WAIT_S },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "time-wait-ms", required_argument, NULL, OPT_TIME_WAIT_MS },
	{ "rto-min-ms", required_argument, NULL, OPT_RTO_MIN_MS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char *const mode_names[GEN_MODE_NB] = {
	[GEN_MODE_CPS] = "cps",
	[GEN_MODE_RPS] = "rps",
	[GEN_MODE_HTTP] = "http",
	[GEN_MODE_BULK] = "bulk",
	[GEN_MODE_HOLD] = "hold",
	[GEN_MODE_SYNFLOOD] = "syn-flood",
};

const char *
gen_mode_name(enum gen_mode m)
{
	return m < GEN_MODE_NB ? mode_names[m] : "?";
}

void
gen_usage(FILE *f, const char *prog)
{
	fprintf(f,
"Usage: %s [EAL options] -- --addr IP/PREFIX --dst IP:PORT [options]\n"
"\n"
"portgate-gen: a stateful TCP traffic generator on portgate's own stack.\n"
"Each worker lcore drives one queue of the port with its own TCP engine.\n"
"Every second it prints one line of rates and errors; at the end a\n"
"summary with latency percentiles. A run that saw errors (refused,\n"
"reset, timeout, wrong data, wrong status, early close, local) says so\n"
"and exits with status 1; bad options exit with status 2.\n"
"\n"
"EAL options (before \"--\"): e.g. -l 0 --file-prefix gen; the profile\n"
"adds its devices and, for vdevs, --no-pci.\n"
"\n"
"Modes (--mode, default cps):\n"
"  cps        connect, send a request, read the response, close; repeat\n"
"  rps        keep-alive requests on --concurrency connections\n"
"  http       HTTP/1.1 GETs (keep-alive); checks status, Content-Length\n"
"             and, for /bytes/N, the body\n"
"  bulk       --concurrency streams through an echo server, --bytes each\n"
"             way (or until --duration ends), every byte checked\n"
"  hold       open --concurrency connections, keep them idle --duration\n"
"  syn-flood  raw SYNs from --flood-src at --rate (or as fast as it can)\n"
"Against portgate's echo service (port 7) the response of cps/rps is the\n"
"request echoed and is checked byte by byte.\n"
"\n"
"Addresses:\n"
"  --addr IP/PREFIX       our address and on-link prefix (required)\n"
"  --gateway IP           default gateway\n"
"  --dst IP:PORT          the server (required)\n"
"  --src IP[-IP]          source addresses (default: the --addr address);\n"
"                         ARP is answered for all of them: with N\n"
"                         addresses one server port takes N * 64K\n"
"                         connections\n"
"  --sport LO-HI          source ports (default 1024-65535)\n"
"  --flood-src IP[-IP]    syn-flood source addresses, answered for ARP\n"
"                         so the server's SYN-ACKs come back and are\n"
"                         counted (default: the 256 addresses after\n"
"                         --addr and --dst, within the prefix)\n"
"Load:\n"
"  --concurrency N        connections at once (default 64)\n"
"  --rate N               per second: connections (cps, hold), requests\n"
"                         (rps, http), SYNs (syn-flood); 0: unlimited\n"
"  --req-size B           request bytes (default 64)\n"
"  --resp-size B          response bytes (default: --req-size, as echo\n"
"                         answers; http: the N of /bytes/N)\n"
"  --pipeline D           requests in flight per connection (rps, http;\n"
"                         1..%d, default 1)\n"
"  --close client|server  who closes first (cps, http; default client);\n"
"                         server: cps half-closes after the request and\n"
"                         waits for the server's FIN, http sends\n"
"                         \"Connection: close\"\n"
"  --bytes N[k|M|G]       bulk: bytes each way per stream (0: timed)\n"
"  --path PATH            http: request path (default /bytes/RESP_SIZE)\n"
"  --host NAME            http: Host header (default: the --dst address)\n"
"  --duration S           seconds of traffic (default 10; hold: seconds\n"
"                         to hold once all are open)\n"
"  --count N              stop after N connections (cps), requests (rps,\n"
"                         http) or SYNs (syn-flood)\n"
"  --drain-ms N           at the end, wait N ms for what is in flight,\n"
"                         then count it as timeouts (default 2000)\n"
"  --wait-s N             wait N s for the link and the server's ARP\n"
"                         reply before giving up (default 10)\n"
"Engine and port:\n"
"  --workers N            worker lcores, one queue each (default 1); more\n"
"                         than one needs RSS or a vhost/virtio link\n"
"  --profile FILE         drivers-config profile (default: the embedded\n"
"                         tap profile)\n"
"  --mbufs N              mbuf pool size\n"
"  --max-conns N          connection table per worker (default: from\n"
"                         --concurrency)\n"
"  --time-wait-ms N       our TIME-WAIT (default 0: a source tuple is\n"
"                         reused at once)\n"
"  --rto-min-ms N         lower bound of the retransmission timeout\n"
"Output:\n"
"  --json FILE            write the summary as JSON\n"
"  --quiet                no live lines\n"
"  -h, --help             this text\n",
		prog, GEN_PIPELINE_MAX);
}

#define fail_msg(...) app_fail("portgate-gen", __VA_ARGS__)

/* N with an optional k, M or G (powers of 1024). */
static int
parse_size(const char *s, uint64_t *out)
{
	char buf[32];
	size_t n = strlen(s);
	uint64_t mult = 1, v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'k': case 'K':
		mult = 1ull << 10;
		break;
	case 'm': case 'M':
		mult = 1ull << 20;
		break;
	case 'g': case 'G':
		mult = 1ull << 30;
		break;
	default:
		break;
	}
	if (mult != 1)
		buf[n - 1] = '\0';
	if (app_parse_u64(buf, 0, UINT64_MAX / mult, &v) < 0)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* IP or IP-IP (host order out), low <= high, at most 65536 addresses. */
static int
parse_range(const char *s, uint32_t *lo, uint32_t *hi)
{
	char buf[40];
	const char *dash = strchr(s, '-');
	rte_be32_t a, b;

	if (dash == NULL) {
		if (ptg_net_parse_ipv4(s, &a) < 0)
			return -EINVAL;
		*lo = *hi = rte_be_to_cpu_32(a);
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	if (ptg_net_parse_ipv4(buf, &a) < 0 ||
	    ptg_net_parse_ipv4(dash + 1, &b) < 0)
		return -EINVAL;
	*lo = rte_be_to_cpu_32(a);
	*hi = rte_be_to_cpu_32(b);
	if (*hi < *lo || *hi - *lo >= PTG_NET_EXTRA_ADDRS_MAX)
		return -EINVAL;
	return 0;
}

static int
apply(struct gen_opts *o, int id, const char *val, const char *where)
{
	uint32_t v;
	char *end;
	double d;
	unsigned int i;

	switch (id) {
	case OPT_ADDR:
		if (ptg_net_parse_prefix(val, &o->addr, &o->prefix_len) < 0 ||
		    o->addr == 0) {
			fail_msg(where, "'%s' is not IP/PREFIX (e.g. "
				 "198.18.0.1/24)", val);
			return -EINVAL;
		}
		return 0;
	case OPT_GATEWAY:
		if (ptg_net_parse_ipv4(val, &o->gateway) < 0 ||
		    o->gateway == 0) {
			fail_msg(where, "'%s' is not an IPv4 address", val);
			return -EINVAL;
		}
		return 0;
	case OPT_DST: {
		char ip[32];
		const char *colon = strrchr(val, ':');
		uint32_t port;

		if (colon == NULL || (size_t)(colon - val) >= sizeof(ip))
			goto bad_dst;
		memcpy(ip, val, colon - val);
		ip[colon - val] = '\0';
		if (ptg_net_parse_ipv4(ip, &o->dst) < 0 || o->dst == 0 ||
		    app_parse_u32(colon + 1, 1, 65535, &port) < 0)
			goto bad_dst;
		o->dport = (uint16_t)port;
		return 0;
bad_dst:
		fail_msg(where, "'%s' is not IP:PORT (e.g. 198.18.0.2:7)",
			 val);
		return -EINVAL;
	}
	case OPT_MODE:
		for (i = 0; i < GEN_MODE_NB; i++)
			if (strcmp(val, mode_names[i]) == 0) {
				o->mode = (enum gen_mode)i;
				return 0;
			}
		fail_msg(where, "'%s' is not cps, rps, http, bulk, hold or "
			 "syn-flood", val);
		return -EINVAL;
	case OPT_SRC:
		if (parse_range(val, &o->src_lo, &o->src_hi) < 0) {
			fail_msg(where, "'%s' is not IP or IP-IP (low first, "
				 "at most %u addresses)", val,
				 PTG_NET_EXTRA_ADDRS_MAX);
			return -EINVAL;
		}
		return 0;
	case OPT_FLOOD_SRC:
		if (parse_range(val, &o->flood_lo, &o->flood_hi) < 0) {
			fail_msg(where, "'%s' is not IP or IP-IP (low first, "
				 "at most %u addresses)", val,
				 PTG_NET_EXTRA_ADDRS_MAX);
			return -EINVAL;
		}
		return 0;
	case OPT_SPORT: {
		uint32_t lo, hi;
		char buf[16];
		const char *dash = strchr(val, '-');

		if (dash == NULL || (size_t)(dash - val) >= sizeof(buf))
			goto bad_sport;
		memcpy(buf, val, dash - val);
		buf[dash - val] = '\0';
		if (app_parse_u32(buf, 1, 65535, &lo) < 0 ||
		    app_parse_u32(dash + 1, 1, 65535, &hi) < 0 || hi < lo)
			goto bad_sport;
		o->sport_lo = (uint16_t)lo;
		o->sport_hi = (uint16_t)hi;
		return 0;
bad_sport:
		fail_msg(where, "'%s' is not LO-HI within 1..65535", val);
		return -EINVAL;
	}
	case OPT_CONCURRENCY:
		if (app_parse_u32(val, 1, 1u << 24, &o->concurrency) < 0) {
			fail_msg(where, "'%s' is not a number in 1..%u", val,
				 1u << 24);
			return -EINVAL;
		}
		return 0;
	case OPT_RATE:
		if (app_parse_u64(val, 0, 1000000000ull, &o->rate) < 0) {
			fail_msg(where, "'%s' is not a number in 0..1000000000 "
				 "(0: unlimited)", val);
			return -EINVAL;
		}
		return 0;
	case OPT_REQ_SIZE:
	case OPT_RESP_SIZE:
		if (app_parse_u32(val, id == OPT_REQ_SIZE ? 1 : 0, 1u << 20,
			      &v) < 0) {
			fail_msg(where, "'%s' is not a number of bytes in "
				 "%u..%u", val, id == OPT_REQ_SIZE ? 1 : 0,
				 1u << 20);
			return -EINVAL;
		}
		if (id == OPT_REQ_SIZE) {
			o->req_size = v;
		} else {
			o->resp_size = v;
			o->resp_size_set = 1;
		}
		return 0;
	case OPT_PIPELINE:
		if (app_parse_u32(val, 1, GEN_PIPELINE_MAX, &o->pipeline) < 0) {
			fail_msg(where, "'%s' is not a number in 1..%d", val,
				 GEN_PIPELINE_MAX);
			return -EINVAL;
		}
		return 0;
	case OPT_CLOSE:
		if (strcmp(val, "client") == 0)
			o->closer = GEN_CLOSE_CLIENT;
		else if (strcmp(val, "server") == 0)
			o->closer = GEN_CLOSE_SERVER;
		else {
			fail_msg(where, "'%s' is not client or server", val);
			return -EINVAL;
		}
		return 0;
	case OPT_BYTES:
		if (parse_size(val, &o->bytes) < 0 ||
		    o->bytes > (1ull << 50)) {
			fail_msg(where, "'%s' is not a byte count (N, Nk, NM "
				 "or NG, at most 2^50)", val);
			return -EINVAL;
		}
		return 0;
	case OPT_PATH:
		if (val[0] != '/' || strlen(val) >= GEN_PATH_MAX ||
		    strpbrk(val, " \t\r\n") != NULL) {
			fail_msg(where, "'%s' is not a path (starts with '/', "
				 "no blanks, under %d bytes)", val,
				 GEN_PATH_MAX);
			return -EINVAL;
		}
		strlcpy(o->path, val, sizeof(o->path));
		return 0;
	case OPT_HOST:
		if (val[0] == '\0' || strlen(val) >= GEN_PATH_MAX ||
		    strpbrk(val, " \t\r\n") != NULL) {
			fail_msg(where, "'%s' is not a host name", val);
			return -EINVAL;
		}
		strlcpy(o->host, val, sizeof(o->host));
		return 0;
	case OPT_DURATION:
		errno = 0;
		d = strtod(val, &end);
		if (errno != 0 || end == val || *end != '\0' || !isfinite(d) ||
		    d <= 0 || d > 86400) {
			fail_msg(where, "'%s' is not a number of seconds in "
				 "(0, 86400]", val);
			return -EINVAL;
		}
		o->duration_s = d;
		return 0;
	case OPT_COUNT:
		if (app_parse_u64(val, 1, UINT64_MAX / 2, &o->count) < 0) {
			fail_msg(where, "'%s' is not a positive number", val);
			return -EINVAL;
		}
		return 0;
	case OPT_DRAIN_MS:
		if (app_parse_u32(val, 0, 600000, &o->drain_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..600000",
				 val);
			return -EINVAL;
		}
		return 0;
	case OPT_WAIT_S:
		if (app_parse_u32(val, 1, 3600, &o->wait_s) < 0) {
			fail_msg(where, "'%s' is not a number in 1..3600", val);
			return -EINVAL;
		}
		return 0;
	case OPT_WORKERS:
		if (app_parse_u32(val, 1, GEN_MAX_WORKERS, &v) < 0) {
			fail_msg(where, "'%s' is not a number in 1..%d", val,
				 GEN_MAX_WORKERS);
			return -EINVAL;
		}
		o->workers = v;
		return 0;
	case OPT_PROFILE:
	case OPT_JSON:
		if (*val == '\0' || strlen(val) >= PATH_MAX) {
			fail_msg(where, "empty or over-long file name");
			return -EINVAL;
		}
		strlcpy(id == OPT_PROFILE ? o->profile : o->json, val,
			PATH_MAX);
		return 0;
	case OPT_MBUFS:
		if (app_parse_u32(val, 1024, 1u << 24, &o->mbufs) < 0) {
			fail_msg(where, "'%s' is not a number in 1024..%u",
				 val, 1u << 24);
			return -EINVAL;
		}
		return 0;
	case OPT_MAX_CONNS:
		if (app_parse_u32(val, 8, 1u << 24, &o->max_conns) < 0) {
			fail_msg(where, "'%s' is not a number in 8..%u", val,
				 1u << 24);
			return -EINVAL;
		}
		return 0;
	case OPT_TIME_WAIT_MS:
		if (app_parse_u32(val, 0, 600000, &o->time_wait_ms) < 0) {
			fail_msg(where, "'%s' is not a number in 0..600000",
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
	case OPT_QUIET:
		o->quiet = 1;
		return 0;
	default:
		fail_msg(where, "not an option");
		return -EINVAL;
	}
}

static int
on_prefix(const struct gen_opts *o, uint32_t a)
{
	uint32_t mask = o->prefix_len ? ~0u << (32 - o->prefix_len) : 0;

	return ((a ^ rte_be_to_cpu_32(o->addr)) & mask) == 0;
}

static int
check_final(struct gen_opts *o, const unsigned int *seen)
{
	uint32_t addr = rte_be_to_cpu_32(o->addr);
	uint32_t mask = o->prefix_len ? ~0u << (32 - o->prefix_len) : 0;
	uint32_t bcast = o->prefix_len <= 30 ? (addr | ~mask) : 0;

	if (!seen[OPT_ADDR - OPT_ADDR]) {
		fprintf(stderr, "portgate-gen: --addr IP/PREFIX is required; "
			"see --help\n");
		return -EINVAL;
	}
	if (!seen[OPT_DST - OPT_ADDR]) {
		fprintf(stderr, "portgate-gen: --dst IP:PORT is required; see "
			"--help\n");
		return -EINVAL;
	}
	if (o->gateway != 0 && (!on_prefix(o, rte_be_to_cpu_32(o->gateway)) ||
				o->gateway == o->addr)) {
		fprintf(stderr, "portgate-gen: --gateway: not on the prefix of "
			"--addr (/%u), or our own address\n", o->prefix_len);
		return -EINVAL;
	}
	if (!on_prefix(o, rte_be_to_cpu_32(o->dst)) && o->gateway == 0) {
		fprintf(stderr, "portgate-gen: --dst: not on the prefix of "
			"--addr (/%u) and no --gateway\n", o->prefix_len);
		return -EINVAL;
	}
	if (!seen[OPT_SRC - OPT_ADDR])
		o->src_lo = o->src_hi = addr;
	if (!on_prefix(o, o->src_lo) || !on_prefix(o, o->src_hi) ||
	    (bcast != 0 && bcast >= o->src_lo && bcast <= o->src_hi)) {
		fprintf(stderr, "portgate-gen: --src: every source address "
			"must be on the prefix of --addr (/%u), none its "
			"broadcast\n", o->prefix_len);
		return -EINVAL;
	}
	if (rte_be_to_cpu_32(o->dst) >= o->src_lo &&
	    rte_be_to_cpu_32(o->dst) <= o->src_hi) {
		fprintf(stderr, "portgate-gen: --dst is one of our source "
			"addresses\n");
		return -EINVAL;
	}
	if (o->mode == GEN_MODE_SYNFLOOD) {
		if (!seen[OPT_FLOOD_SRC - OPT_ADDR]) {
			uint32_t d = rte_be_to_cpu_32(o->dst);

			o->flood_lo = RTE_MAX(addr, on_prefix(o, d) ? d : 0) +
				      1;
			o->flood_hi = o->flood_lo + 255;
			if (bcast != 0 && o->flood_hi >= bcast)
				o->flood_hi = bcast - 1;
		}
		if (o->flood_hi < o->flood_lo ||
		    !on_prefix(o, o->flood_lo) || !on_prefix(o, o->flood_hi) ||
		    (bcast != 0 && bcast >= o->flood_lo &&
		     bcast <= o->flood_hi)) {
			fprintf(stderr, "portgate-gen: --flood-src: every "
				"address must be on the prefix of --addr "
				"(/%u), none its broadcast\n", o->prefix_len);
			return -EINVAL;
		}
		if ((addr >= o->flood_lo && addr <= o->flood_hi) ||
		    (rte_be_to_cpu_32(o->dst) >= o->flood_lo &&
		     rte_be_to_cpu_32(o->dst) <= o->flood_hi) ||
		    (o->gateway != 0 &&
		     rte_be_to_cpu_32(o->gateway) >= o->flood_lo &&
		     rte_be_to_cpu_32(o->gateway) <= o->flood_hi)) {
			fprintf(stderr, "portgate-gen: --flood-src: must not "
				"hold --addr, --dst or --gateway\n");
			return -EINVAL;
		}
		if (seen[OPT_SRC - OPT_ADDR]) {
			fprintf(stderr, "portgate-gen: --src: not for --mode "
				"syn-flood (its sources are --flood-src)\n");
			return -EINVAL;
		}
	} else if (seen[OPT_FLOOD_SRC - OPT_ADDR]) {
		fprintf(stderr, "portgate-gen: --flood-src: only for --mode "
			"syn-flood\n");
		return -EINVAL;
	}
	if (seen[OPT_PIPELINE - OPT_ADDR] && o->mode != GEN_MODE_RPS &&
	    o->mode != GEN_MODE_HTTP) {
		fprintf(stderr, "portgate-gen: --pipeline: only for --mode rps "
			"and http\n");
		return -EINVAL;
	}
	if (seen[OPT_CLOSE - OPT_ADDR] && o->mode != GEN_MODE_CPS &&
	    o->mode != GEN_MODE_HTTP) {
		fprintf(stderr, "portgate-gen: --close: only for --mode cps and "
			"http\n");
		return -EINVAL;
	}
	if (seen[OPT_BYTES - OPT_ADDR] && o->mode != GEN_MODE_BULK) {
		fprintf(stderr, "portgate-gen: --bytes: only for --mode bulk\n");
		return -EINVAL;
	}
	if ((seen[OPT_PATH - OPT_ADDR] || seen[OPT_HOST - OPT_ADDR]) &&
	    o->mode != GEN_MODE_HTTP) {
		fprintf(stderr, "portgate-gen: --path and --host: only for "
			"--mode http\n");
		return -EINVAL;
	}
	if (seen[OPT_COUNT - OPT_ADDR] &&
	    (o->mode == GEN_MODE_BULK || o->mode == GEN_MODE_HOLD)) {
		fprintf(stderr, "portgate-gen: --count: not for --mode %s (use "
			"--%s)\n", gen_mode_name(o->mode),
			o->mode == GEN_MODE_BULK ? "bytes" : "concurrency");
		return -EINVAL;
	}
	if (!o->resp_size_set)
		o->resp_size = o->req_size;
	if (o->mode == GEN_MODE_HTTP && o->path[0] == '\0')
		snprintf(o->path, sizeof(o->path), "/bytes/%u", o->resp_size);
	if (o->mode == GEN_MODE_HTTP && o->host[0] == '\0') {
		uint32_t d = rte_be_to_cpu_32(o->dst);

		snprintf(o->host, sizeof(o->host), "%u.%u.%u.%u", d >> 24,
			 (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff);
	}
	if ((unsigned int)(o->sport_hi - o->sport_lo + 1) < o->workers) {
		fprintf(stderr, "portgate-gen: --sport: fewer ports than "
			"workers\n");
		return -EINVAL;
	}
	return 0;
}

int
gen_opts_parse(struct gen_opts *o, int argc, char **argv)
{
	unsigned int seen[OPT_QUIET - OPT_ADDR + 1];
	char where[64];
	int c, i;

	memset(o, 0, sizeof(*o));
	memset(seen, 0, sizeof(seen));
	o->mode = GEN_MODE_CPS;
	o->sport_lo = 1024;
	o->sport_hi = 65535;
	o->concurrency = 64;
	o->req_size = 64;
	o->pipeline = 1;
	o->duration_s = 10;
	o->drain_ms = 2000;
	o->wait_s = 10;
	o->workers = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			gen_usage(stdout, argv[0]);
			return GEN_EXIT_OK;
		}
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == '?') {
			if (optopt != 0)
				fprintf(stderr, "portgate-gen: unknown option "
					"-%c", optopt);
			else
				fprintf(stderr, "portgate-gen: unknown option "
					"%s", argv[optind - 1]);
			fprintf(stderr, " (EAL options go before \"--\"; "
				"see --help)\n");
			return GEN_EXIT_USAGE;
		}
		if (c == ':') {
			fprintf(stderr, "portgate-gen: %s: missing value\n",
				argv[optind - 1]);
			return GEN_EXIT_USAGE;
		}
		for (i = 0; long_opts[i].name != NULL; i++)
			if (long_opts[i].val == c)
				break;
		snprintf(where, sizeof(where), "--%s",
			 long_opts[i].name ? long_opts[i].name : "?");
		if (apply(o, c, optarg, where) < 0)
			return GEN_EXIT_USAGE;
		if (c >= OPT_ADDR && c <= OPT_QUIET)
			seen[c - OPT_ADDR] = 1;
	}
	if (optind < argc) {
		fprintf(stderr, "portgate-gen: unexpected argument '%s' (see "
			"--help)\n", argv[optind]);
		return GEN_EXIT_USAGE;
	}
	optind = 0;
	if (check_final(o, seen) < 0)
		return GEN_EXIT_USAGE;
	return -1;
}
