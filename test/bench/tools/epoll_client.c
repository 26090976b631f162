/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptg-epoll-client: the Linux kernel's side of scripts/bench.sh, a client
 * on one thread and level-triggered epoll doing what portgate-gen's TCP
 * modes do against an echo server, with the same checks, the same
 * latency histogram (app/portgate-gen/hist.c) and the same JSON keys.
 *
 *   ptg-epoll-client --dst IP:PORT --mode cps|rps|bulk|hold [options]
 *
 * main() -> loop: open_conns() (cps, hold: --rate tokens; a window of
 *                 SYN_WINDOW connects in flight) -> epoll_wait(1 ms)
 *              -> on_out(): connected -> first request | bulk_push()
 *              -> on_in(): read, check against the pattern, complete a
 *                 response -> next request / close
 *        -> drain (in flight gets --drain-ms) -> summary, --json
 *
 * Requests are slices of the pattern portgate-gen uses (the same
 * generator, a per-connection offset); the echo must return them intact.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"

#define PAT_SIZE 65536u
#define PAT_CHUNK 65536u
#define EVENTS 512
#define SYN_WINDOW 256
#define NS 1000000000ull

enum mode { M_CPS, M_RPS, M_BULK, M_HOLD };
enum cstate { C_FREE = 0, C_CONNECTING, C_OPEN };
enum err { E_REFUSED, E_RESET, E_TIMEOUT, E_DATA, E_EOF, E_LOCAL, E_NB };
static const char *const err_names[E_NB] = {
	"refused", "reset", "timeout", "data", "eof", "local",
};

struct cconn {
	uint8_t state;
	uint8_t queued;         /* in the wait queue for a token */
	uint8_t want_out;       /* EPOLLOUT registered */
	uint32_t seed;
	uint32_t send_left;
	uint32_t resp_left;
	uint32_t inflight;
	uint64_t tx_off, rx_off;
	uint64_t t_open, t_req;
};

static struct {
	enum mode mode;
	struct sockaddr_in dst;
	uint32_t src_lo, src_hi, src_i;
	uint32_t concurrency, req_size;
	uint64_t rate, bytes;
	double duration;
	uint32_t drain_ms;
	int quiet;
	const char *json;
} o = {
	.mode = M_CPS, .concurrency = 64, .req_size = 64, .duration = 10,
	.drain_ms = 2000,
};

static uint8_t pattern[PAT_SIZE + PAT_CHUNK];
static struct cconn *conns;
static size_t nb_fds;
static int ep;
static uint8_t *rbuf;
static uint32_t *waitq;
static size_t waitq_head, waitq_n, waitq_cap;
static struct gen_hist hist;
static volatile sig_atomic_t stop_req;

static uint64_t active, connecting, opened, established, done_conns;
static uint64_t requests, tx_bytes, rx_bytes, held, peak_active;
static uint64_t errors[E_NB];
static uint64_t tokens, tokens_max, tok_at, started;
static int draining;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_req++;
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: ptg-epoll-client --dst IP:PORT [--mode cps|rps|bulk|hold]\n"
"       [--concurrency N] [--rate N] [--req-size B] [--bytes N]\n"
"       [--duration S] [--drain-ms N] [--src IP-IP] [--json FILE] [--quiet]\n"
"The kernel-stack client of scripts/bench.sh against an echo server: the\n"
"modes, checks, histogram and JSON keys of portgate-gen. Exit 1 when a\n"
"run saw errors, 2 on bad options.\n");
}

/* As many descriptors as the kernel allows: fs.nr_open when we may
 * raise the hard limit (root), else the hard limit. */
static size_t
raise_nofile(void)
{
	struct rlimit rl;
	unsigned long nr_open = 0;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");

	if (f != NULL) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	rl.rlim_cur = rl.rlim_max = nr_open;
	if (nr_open == 0 || setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 1024;
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	return (size_t)rl.rlim_cur;
}

static void
pattern_init(void)
{
	uint32_t x = 0x2545f491u, i;

	/* The generator of app/portgate-gen/client.c. */
	for (i = 0; i < PAT_SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		pattern[i] = (uint8_t)(x >> 24);
	}
	memcpy(pattern + PAT_SIZE, pattern, PAT_CHUNK);
}

static inline const uint8_t *
pat_at(uint32_t seed, uint64_t off)
{
	return &pattern[(off + seed) & (PAT_SIZE - 1)];
}

static void
error(enum err e, const char *what)
{
	if (errors[e]++ == 0) {
		printf("ptg-epoll-client: error (%s): %s\n", err_names[e],
		       what);
		fflush(stdout);
	}
}

static void
set_events(int fd, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0),
				  .data.fd = fd };

	if (conns[fd].want_out != out) {
		conns[fd].want_out = (uint8_t)out;
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
	}
}

static void
conn_close(int fd, int reset)
{
	struct cconn *c = &conns[fd];

	if (reset) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	if (c->state == C_CONNECTING)
		connecting--;
	if (c->state == C_OPEN && o.mode == M_HOLD)
		held--;
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	memset(c, 0, sizeof(*c));
	active--;
}

static int
take_token(uint64_t now)
{
	uint64_t dt;

	if (o.rate == 0)
		return 1;
	dt = now - tok_at;
	if (dt > NS)
		dt = NS;
	tok_at = now;
	tokens += o.rate * dt;
	if (tokens > tokens_max)
		tokens = tokens_max;
	if (tokens < NS)
		return 0;
	tokens -= NS;
	return 1;
}

/* Write the pending bytes; -1 when the connection went. */
static int
send_pending(int fd)
{
	struct cconn *c = &conns[fd];

	while (c->send_left > 0) {
		uint32_t n = c->send_left < PAT_CHUNK ? c->send_left :
			     PAT_CHUNK;
		ssize_t w = write(fd, pat_at(c->seed, c->tx_off), n);

		if (w < 0) {
			if (errno == EAGAIN)
				break;
			error(errno == ECONNRESET || errno == EPIPE ?
			      E_RESET : E_LOCAL, strerror(errno));
			conn_close(fd, 0);
			return -1;
		}
		c->tx_off += (uint64_t)w;
		c->send_left -= (uint32_t)w;
		tx_bytes += (uint64_t)w;
	}
	set_events(fd, c->send_left > 0);
	return 0;
}

static int
issue(int fd, uint64_t now)
{
	struct cconn *c = &conns[fd];

	c->t_req = now;
	c->inflight = 1;
	c->resp_left = o.req_size;
	c->send_left += o.req_size;
	started++;
	return send_pending(fd);
}

static void
bulk_push(int fd)
{
	struct cconn *c = &conns[fd];

	while (!draining && (o.bytes == 0 || c->tx_off < o.bytes)) {
		uint64_t n = o.bytes ? o.bytes - c->tx_off : PAT_CHUNK;
		ssize_t w;

		if (n > PAT_CHUNK)
			n = PAT_CHUNK;
		w = write(fd, pat_at(c->seed, c->tx_off), (size_t)n);
		if (w < 0) {
			if (errno != EAGAIN) {
				error(E_RESET, strerror(errno));
				conn_close(fd, 0);
				return;
			}
			set_events(fd, 1);
			return;
		}
		c->tx_off += (uint64_t)w;
		tx_bytes += (uint64_t)w;
	}
	set_events(fd, 0);
}

static void
waitq_push(int fd)
{
	if (waitq_n == waitq_cap)
		return;
	waitq[(waitq_head + waitq_n++) % waitq_cap] = (uint32_t)fd;
	conns[fd].queued = 1;
}

static int
open_one(uint64_t now)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct epoll_event ev;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		error(E_LOCAL, strerror(errno));
		return -1;
	}
	if ((size_t)fd >= nb_fds) {
		close(fd);
		error(E_LOCAL, "too many descriptors");
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o.src_lo != 0) {
		/* Spread over the source addresses; the port is picked at
		 * connect, per destination. */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof(one));
		src.sin_addr.s_addr = htonl(o.src_lo + o.src_i);
		if (++o.src_i > o.src_hi - o.src_lo)
			o.src_i = 0;
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
			error(E_LOCAL, strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&o.dst, sizeof(o.dst)) != 0 &&
	    errno != EINPROGRESS) {
		error(errno == ECONNREFUSED ? E_REFUSED : E_LOCAL,
		      strerror(errno));
		close(fd);
		return -1;
	}
	memset(&conns[fd], 0, sizeof(conns[fd]));
	conns[fd].state = C_CONNECTING;
	conns[fd].t_open = now;
	conns[fd].seed = (uint32_t)(opened * 2654435761u) & 0xffff;
	conns[fd].want_out = 1;
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.fd = fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	opened++;
	active++;
	connecting++;
	if (o.mode == M_CPS || o.mode == M_HOLD || o.mode == M_BULK)
		started++;
	return 0;
}

static void
on_connected(int fd, uint64_t now)
{
	struct cconn *c = &conns[fd];
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		error(err == ECONNREFUSED ? E_REFUSED : err == ETIMEDOUT ?
		      E_TIMEOUT : E_LOCAL, strerror(err));
		conn_close(fd, 0);
		return;
	}
	c->state = C_OPEN;
	connecting--;
	established++;
	switch (o.mode) {
	case M_CPS:
		issue(fd, now);
		break;
	case M_RPS:
		if (draining) {
			conn_close(fd, 0);
		} else if (o.rate) {
			set_events(fd, 0);
			waitq_push(fd);
		} else {
			issue(fd, now);
		}
		break;
	case M_BULK:
		bulk_push(fd);
		break;
	case M_HOLD:
		held++;
		gen_hist_record(&hist, now - c->t_open);
		set_events(fd, 0);
		break;
	}
}

static void
on_readable(int fd, uint64_t now)
{
	struct cconn *c = &conns[fd];
	ssize_t r;

	for (;;) {
		r = read(fd, rbuf, PAT_CHUNK);
		if (r == 0) {
			if (c->inflight || o.mode == M_HOLD ||
			    (o.mode == M_BULK && c->rx_off < c->tx_off))
				error(E_EOF, "the server closed early");
			conn_close(fd, 0);
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN)
				return;
			error(errno == ECONNRESET ? E_RESET : E_LOCAL,
			      strerror(errno));
			conn_close(fd, 0);
			return;
		}
		if (memcmp(rbuf, pat_at(c->seed, c->rx_off), (size_t)r) != 0 ||
		    (o.mode != M_BULK && (uint32_t)r > c->resp_left) ||
		    c->rx_off + (uint64_t)r > c->tx_off) {
			error(E_DATA, "bytes differ from what was sent");
			conn_close(fd, 1);
			return;
		}
		c->rx_off += (uint64_t)r;
		rx_bytes += (uint64_t)r;
		if (o.mode == M_BULK) {
			if (c->rx_off == c->tx_off &&
			    ((o.bytes && c->tx_off == o.bytes) || draining)) {
				done_conns++;
				conn_close(fd, 0);
				return;
			}
			continue;
		}
		c->resp_left -= (uint32_t)r;
		if (c->resp_left > 0)
			continue;
		/* A whole response. */
		c->inflight = 0;
		requests++;
		if (o.mode == M_CPS) {
			done_conns++;
			gen_hist_record(&hist, now - c->t_open);
			conn_close(fd, 0);
			return;
		}
		gen_hist_record(&hist, now - c->t_req);
		if (draining) {
			conn_close(fd, 0);
			return;
		}
		if (o.rate)
			waitq_push(fd);
		else if (issue(fd, now) < 0)
			return;
	}
}

static int
parse_range(const char *s)
{
	char a[32];
	const char *d = strchr(s, '-');
	struct in_addr x, y;

	if (d == NULL || (size_t)(d - s) >= sizeof(a))
		return -1;
	memcpy(a, s, d - s);
	a[d - s] = '\0';
	if (inet_pton(AF_INET, a, &x) != 1 || inet_pton(AF_INET, d + 1, &y) != 1)
		return -1;
	o.src_lo = ntohl(x.s_addr);
	o.src_hi = ntohl(y.s_addr);
	return o.src_hi >= o.src_lo ? 0 : -1;
}

static int
parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "req-size", required_argument, NULL, 's' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 't' },
		{ "drain-ms", required_argument, NULL, 'D' },
		{ "src", required_argument, NULL, 'S' },
		{ "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char ip[32], *end;
	const char *colon;
	int c, idx = 0, have_dst = 0;

	while ((c = getopt_long(argc, argv, "h", lo, &idx)) != -1) {
		switch (c) {
		case 'd':
			colon = strrchr(optarg, ':');
			if (colon == NULL || (size_t)(colon - optarg) >= sizeof(ip))
				goto bad;
			memcpy(ip, optarg, colon - optarg);
			ip[colon - optarg] = '\0';
			o.dst.sin_family = AF_INET;
			o.dst.sin_port = htons((uint16_t)atoi(colon + 1));
			if (inet_pton(AF_INET, ip, &o.dst.sin_addr) != 1 ||
			    o.dst.sin_port == 0)
				goto bad;
			have_dst = 1;
			break;
		case 'm':
			if (strcmp(optarg, "cps") == 0)
				o.mode = M_CPS;
			else if (strcmp(optarg, "rps") == 0)
				o.mode = M_RPS;
			else if (strcmp(optarg, "bulk") == 0)
				o.mode = M_BULK;
			else if (strcmp(optarg, "hold") == 0)
				o.mode = M_HOLD;
			else
				goto bad;
			break;
		case 'c':
			o.concurrency = (uint32_t)strtoul(optarg, &end, 10);
			if (*end || o.concurrency == 0)
				goto bad;
			break;
		case 'r':
			o.rate = strtoull(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 's':
			o.req_size = (uint32_t)strtoul(optarg, &end, 10);
			if (*end || o.req_size == 0 || o.req_size > PAT_CHUNK)
				goto bad;
			break;
		case 'b':
			o.bytes = strtoull(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 't':
			o.duration = strtod(optarg, &end);
			if (*end || !(o.duration > 0))
				goto bad;
			break;
		case 'D':
			o.drain_ms = (uint32_t)strtoul(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 'S':
			if (parse_range(optarg) < 0)
				goto bad;
			break;
		case 'j':
			o.json = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!have_dst) {
		fprintf(stderr, "ptg-epoll-client: --dst IP:PORT is required\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "ptg-epoll-client: --%s: bad value '%s'\n",
		lo[idx].name, optarg);
	return -1;
}

static void
live(uint64_t now, uint64_t *last_t, uint64_t *last_done, uint64_t *last_req)
{
	double dt = (double)(now - *last_t) / 1e9;
	uint64_t e = 0;
	unsigned int k;

	for (k = 0; k < E_NB; k++)
		e += errors[k];
	if (active > peak_active)
		peak_active = active;
	if (!o.quiet) {
		char h[32] = "";

		if (o.mode == M_HOLD)
			snprintf(h, sizeof(h), " held %" PRIu64, held);
		printf("ptg-epoll-client: conn/s %.0f req/s %.0f active %"
		       PRIu64 "%s errors %" PRIu64 "\n",
		       (double)((o.mode == M_CPS ? done_conns : established) -
				*last_done) / dt,
		       (double)(requests - *last_req) / dt, active, h, e);
		fflush(stdout);
	}
	*last_t = now;
	*last_done = o.mode == M_CPS ? done_conns : established;
	*last_req = requests;
}

static int
report(uint64_t elapsed)
{
	static const char *const modes[] = { "cps", "rps", "bulk", "hold" };
	double s = (double)elapsed / 1e9;
	uint64_t e = 0;
	unsigned int k;
	FILE *f;

	for (k = 0; k < E_NB; k++)
		e += errors[k];
	printf("ptg-epoll-client: summary mode=%s concurrency=%u elapsed=%.3fs\n"
	       "ptg-epoll-client: connections opened=%" PRIu64 " established=%"
	       PRIu64 " completed=%" PRIu64 " (%.0f/s)\n"
	       "ptg-epoll-client: requests %" PRIu64 " (%.0f/s) bytes tx %"
	       PRIu64 " rx %" PRIu64 " (Gbps tx %.3f rx %.3f)\n",
	       modes[o.mode], o.concurrency, s, opened, established,
	       done_conns, (o.mode == M_CPS ? done_conns : established) / s,
	       requests, requests / s, tx_bytes, rx_bytes,
	       tx_bytes * 8 / s / 1e9, rx_bytes * 8 / s / 1e9);
	if (hist.count)
		printf("ptg-epoll-client: latency_us count=%" PRIu64
		       " p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f\n",
		       hist.count, gen_hist_percentile(&hist, 50) / 1e3,
		       gen_hist_percentile(&hist, 90) / 1e3,
		       gen_hist_percentile(&hist, 99) / 1e3,
		       gen_hist_percentile(&hist, 99.9) / 1e3, hist.max / 1e3);
	printf("ptg-epoll-client: errors total=%" PRIu64, e);
	for (k = 0; k < E_NB; k++)
		if (errors[k])
			printf(" %s=%" PRIu64, err_names[k], errors[k]);
	printf("\nptg-epoll-client: result %s\n", e ? "FAILED" : "OK");
	fflush(stdout);
	if (o.json == NULL)
		return e ? 1 : 0;
	f = fopen(o.json, "w");
	if (f == NULL) {
		fprintf(stderr, "ptg-epoll-client: --json %s: %s\n", o.json,
			strerror(errno));
		return 1;
	}
	fprintf(f, "{\n  \"tool\": \"ptg-epoll-client\",\n  \"mode\": \"%s\",\n"
		"  \"ok\": %s,\n  \"concurrency\": %u,\n  \"rate\": %" PRIu64
		",\n  \"req_size\": %u,\n  \"elapsed_s\": %.6f,\n"
		"  \"connections_opened\": %" PRIu64 ",\n"
		"  \"connections_established\": %" PRIu64 ",\n"
		"  \"connections_completed\": %" PRIu64 ",\n"
		"  \"conn_per_s\": %.1f,\n  \"requests\": %" PRIu64 ",\n"
		"  \"req_per_s\": %.1f,\n  \"tx_bytes\": %" PRIu64 ",\n"
		"  \"rx_bytes\": %" PRIu64 ",\n  \"gbps_tx\": %.4f,\n"
		"  \"gbps_rx\": %.4f,\n  \"peak_active\": %" PRIu64 ",\n"
		"  \"latency_us\": {\"count\": %" PRIu64 ", \"p50\": %.3f, "
		"\"p90\": %.3f, \"p99\": %.3f, \"p99_9\": %.3f, \"max\": %.3f},\n"
		"  \"errors_total\": %" PRIu64 "\n}\n",
		modes[o.mode], e ? "false" : "true", o.concurrency, o.rate,
		o.req_size, s, opened, established, done_conns,
		(o.mode == M_CPS ? done_conns : established) / s, requests,
		requests / s, tx_bytes, rx_bytes, tx_bytes * 8 / s / 1e9,
		rx_bytes * 8 / s / 1e9, peak_active, hist.count,
		gen_hist_percentile(&hist, 50) / 1e3,
		gen_hist_percentile(&hist, 90) / 1e3,
		gen_hist_percentile(&hist, 99) / 1e3,
		gen_hist_percentile(&hist, 99.9) / 1e3, hist.max / 1e3, e);
	fclose(f);
	return e ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[EVENTS];
	struct sigaction sa;
	uint64_t start, now, end, drain_end = 0, last_t, last_done = 0;
	uint64_t last_req = 0, finish = 0, held_at = 0;
	int n, i;

	if (parse(argc, argv) < 0)
		return 2;
	pattern_init();
	gen_hist_reset(&hist);
	nb_fds = raise_nofile() + 16;
	conns = calloc(nb_fds, sizeof(*conns));
	waitq_cap = (size_t)o.concurrency * 2;
	waitq = calloc(waitq_cap, sizeof(*waitq));
	rbuf = malloc(PAT_CHUNK);
	if (conns == NULL || waitq == NULL || rbuf == NULL) {
		fprintf(stderr, "ptg-epoll-client: out of memory\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(0);
	start = last_t = tok_at = now_ns();
	tokens = NS;
	/* Up to 10 ms of tokens: epoll_wait() may oversleep its 1 ms. */
	tokens_max = o.rate * 10000000ull > NS ? o.rate * 10000000ull : NS;
	end = start + (uint64_t)(o.duration * 1e9);

	for (;;) {
		now = now_ns();
		if (!draining) {
			/* A local error (descriptors, addresses) is a set-up
			 * problem: end the run rather than spin on it. */
			int stop = stop_req != 0 || errors[E_LOCAL] != 0;

			if (o.mode == M_HOLD) {
				if (held_at == 0 && held == o.concurrency) {
					held_at = now;
					peak_active = held;
					end = now + (uint64_t)(o.duration * 1e9);
					printf("ptg-epoll-client: holding %"
					       PRIu64 " connections\n", held);
					fflush(stdout);
				}
				stop |= held_at != 0 && now >= end;
			} else if (o.mode == M_BULK && o.bytes) {
				stop |= started == o.concurrency && active == 0;
			} else {
				stop |= now >= end;
			}
			if (stop) {
				draining = 1;
				finish = now;
				drain_end = now + (uint64_t)o.drain_ms * 1000000ull;
				for (i = 0; i < (int)nb_fds; i++) {
					struct cconn *c = &conns[i];

					if (c->state != C_OPEN)
						continue;
					if (o.mode == M_HOLD)
						conn_close(i, 1);
					else if ((o.mode == M_RPS &&
						  !c->inflight) ||
						 (o.mode == M_BULK &&
						  c->rx_off == c->tx_off)) {
						if (o.mode == M_BULK)
							done_conns++;
						conn_close(i, 0);
					}
				}
			}
		}
		if (!draining) {
			unsigned int k = 0;

			while (active < o.concurrency && connecting < SYN_WINDOW &&
			       k++ < 64 &&
			       (o.mode == M_CPS || o.mode == M_RPS ||
				started < o.concurrency) &&
			       ((o.mode != M_CPS && o.mode != M_HOLD) ||
				take_token(now)))
				if (open_one(now) < 0)
					break;
			while (o.mode == M_RPS && waitq_n > 0 && take_token(now)) {
				int fd = (int)waitq[waitq_head];

				waitq_head = (waitq_head + 1) % waitq_cap;
				waitq_n--;
				conns[fd].queued = 0;
				if (conns[fd].state == C_OPEN && !conns[fd].inflight)
					issue(fd, now);
			}
		} else if (active == 0) {
			break;
		} else if (now >= drain_end) {
			uint64_t left = 0;

			for (i = 0; i < (int)nb_fds; i++)
				if (conns[i].state != C_FREE) {
					if (conns[i].state == C_CONNECTING ||
					    conns[i].inflight ||
					    conns[i].rx_off < conns[i].tx_off)
						left++;
					conn_close(i, 1);
				}
			if (left && !stop_req) {
				error(E_TIMEOUT, "no answer by the end of the "
				      "drain");
				errors[E_TIMEOUT] += left - 1;
			}
			break;
		}
		n = epoll_wait(ep, evs, EVENTS, 1);
		now = now_ns();
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct cconn *c = &conns[fd];

			if (c->state == C_CONNECTING) {
				if (evs[i].events & (EPOLLOUT | EPOLLERR |
						     EPOLLHUP))
					on_connected(fd, now);
				continue;
			}
			if (c->state != C_OPEN)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
				on_readable(fd, now);
				if (c->state != C_OPEN)
					continue;
			}
			if (evs[i].events & EPOLLOUT) {
				if (o.mode == M_BULK)
					bulk_push(fd);
				else
					send_pending(fd);
			}
		}
		if (now - last_t >= NS)
			live(now, &last_t, &last_done, &last_req);
	}
	if (o.mode == M_HOLD)
		printf("ptg-epoll-client: held at most %" PRIu64
		       " connections\n", peak_active > held ? peak_active : held);
	return report((o.mode == M_HOLD ? finish : now) - start);
}
