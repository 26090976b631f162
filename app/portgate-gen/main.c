/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate-gen: a stateful TCP traffic generator on portgate's libraries.
 *
 *   portgate-gen [EAL options] -- --addr IP/PREFIX --dst IP:PORT [options]
 *
 * main()
 *   -> app_split_args() -> gen_opts_parse()                  } exit 2, nothing
 *   -> ptg_port_profile_load() / _check_workers()         } started yet
 *      / _check_device()                                  }
 *   -> rte_eal_init() -> ptg_dataplane_clock_init() -> pick lcores
 *   -> ptg_port_open() -> steer_setup() (several workers:
 *      ptg_dataplane_steer_setup(), hand-off rings) -> ptg_port_wait_link()
 *   -> gen_worker_init() per worker (a stack each: lib/stack)
 *   -> rte_eal_remote_launch(gen_worker_loop) / on the main lcore
 *      (live line each second: gen_main_tick() -> gen_report_live())
 *   -> gen_report_final() (summary, --json) -> exit 0, or 1 on errors
 *   (SIGINT/SIGTERM: drain and report; a second one stops at once)
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "ptg_dataplane.h"
#include "ptg_port.h"
#include "app_util.h"
#include "gen.h"

#define PROFILE_EAL_ARGS 32

static struct gen gen;
static struct gen_opts opts;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	__atomic_fetch_add(&gen.stop_requests, 1, __ATOMIC_RELAXED);
}

static int
stop_requested(void)
{
	return gen.stop_requests != 0;
}

void
gen_main_tick(struct gen *g, uint64_t now)
{
	static int held_announced;
	struct gen_counters c;

	if (!__atomic_load_n(&g->go, __ATOMIC_ACQUIRE))
		return;
	/* hold: say so at once, scripts measure while it lasts. */
	if (g->o->mode == GEN_MODE_HOLD && !held_announced &&
	    now - g->last_hold_check_ns >= 1000000ull) {
		g->last_hold_check_ns = now;
		gen_counters_sum(g, &c);
		if (c.held == g->o->concurrency) {
			held_announced = 1;
			g->peak_active = c.active;
			printf("portgate-gen: holding %" PRIu64 " connections\n",
			       c.held);
			fflush(stdout);
		}
	}
	if (now - g->last_print_ns < 1000000000ull)
		return;
	if (!g->o->quiet) {
		gen_report_live(g, now);
	} else {
		gen_counters_sum(g, &g->last);
		if (g->last.active > g->peak_active)
			g->peak_active = g->last.active;
		g->last_print_ns = now;
	}
}

/* The request every http connection repeats, and what its answer is. */
static void
http_setup(struct gen *g)
{
	const struct gen_opts *o = g->o;
	unsigned long long n;
	char *end;

	g->http_req_len = (uint32_t)snprintf(g->http_req, sizeof(g->http_req),
		"GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", o->path, o->host,
		o->closer == GEN_CLOSE_SERVER ? "Connection: close\r\n" : "");
	g->http_expect_len = -1;
	if (strncmp(o->path, "/bytes/", 7) == 0 && o->path[7] >= '0' &&
	    o->path[7] <= '9') {
		n = strtoull(o->path + 7, &end, 10);
		if (*end == '\0') {
			g->http_expect_len = (int64_t)n;
			g->http_verify = 1;
		}
	}
}

/*
 * Several workers: steer as portgate does (lib/dataplane). The port's RSS
 * (when it has one) gets our key and table; each worker opens from the
 * tuples that steer to it and hands what reaches it of another's flows
 * to that one's ring (a vhost-user or virtio link, say, whose peer picks
 * the queue of every reply).
 */
static int
steer_setup(struct gen *g, struct ptg_port *port, const uint8_t *drawn,
	    char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;
	int rc;

	if (g->nb_workers < 2)
		return 0;
	rc = ptg_dataplane_steer_setup(port, (ptg_port_features(port) &
					      PTG_PORT_F_RSS) != 0, drawn,
				       (uint16_t)g->nb_workers, &g->steer,
				       &g->rx_hash_trusted, err, errlen);
	if (rc < 0)
		return rc;
	if (rc > 0)
		fprintf(stderr, "portgate-gen: warning: %s\n", err);
	g->rings = calloc(g->nb_workers, sizeof(*g->rings));
	if (g->rings == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < g->nb_workers; i++) {
		snprintf(name, sizeof(name), "gen_handoff_%u", i);
		g->rings[i] = ptg_dataplane_handoff_ring(name,
							 ptg_port_socket(port));
		if (g->rings[i] == NULL) {
			snprintf(err, errlen, "worker %u: hand-off ring: %s", i,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	g->steer_on = 1;
	return 0;
}

/* Free the hand-off rings; what is left in one (segments handed to a
 * worker after it finished) counts as its drop_steer_unread. */
static void
rings_free(struct gen *g)
{
	unsigned int i;

	if (g->rings == NULL)
		return;
	for (i = 0; i < g->nb_workers; i++)
		ptg_dataplane_handoff_ring_free(g->rings[i],
			g->w != NULL && g->w[i] != NULL ?
			&g->w[i]->ho_stats : NULL);
	free(g->rings);
	g->rings = NULL;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int
all_done(const struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->nb_workers; i++)
		if (!__atomic_load_n(&g->w[i]->done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	static char profile_buf[4096];
	struct ptg_port_profile profile;
	struct ptg_port_params pparams;
	struct ptg_port *port = NULL;
	struct gen_worker *main_w = NULL;
	unsigned int *lcores = NULL, i;
	char **eal_argv = NULL, **user_eal, **app_argv;
	char *prof_argv[PROFILE_EAL_ARGS];
	uint8_t steer_key[PTG_STEER_KEY_LEN];
	char err[1024], desc[512] = "";
	int user_eal_argc, app_argc, prof_argc, eal_argc, rc;
	int status = GEN_EXIT_FAIL, eal_up = 0;
	const char *prog = argv[0];

	app_split_args(argc, argv, &user_eal_argc, &user_eal, &app_argc,
		       &app_argv);
	rc = gen_opts_parse(&opts, app_argc, app_argv);
	if (rc >= 0)
		return rc;
	gen.o = &opts;
	gen.nb_workers = opts.workers;

	rc = ptg_port_profile_load(&profile,
				   opts.profile[0] ? opts.profile : NULL,
				   err, sizeof(err));
	if (rc == 0)
		rc = ptg_port_profile_check_workers(&profile, opts.workers,
						    err, sizeof(err));
	if (rc == 0)
		rc = ptg_port_profile_check_device(&profile, err,
						   sizeof(err));
	if (rc < 0) {
		if (rc != -EINVAL && rc != -ENODEV && opts.profile[0])
			fprintf(stderr, "portgate-gen: --profile: %s\n", err);
		else
			fprintf(stderr, "portgate-gen: %s\n", err);
		return GEN_EXIT_USAGE;
	}
	prof_argc = ptg_port_profile_eal_args(&profile, opts.workers,
		!app_has_arg(user_eal_argc, user_eal, "--no-pci"),
		profile_buf, sizeof(profile_buf), prof_argv,
		PROFILE_EAL_ARGS);
	if (prof_argc < 0) {
		fprintf(stderr, "portgate-gen: %s: too many EAL arguments\n",
			profile.source);
		return GEN_EXIT_USAGE;
	}
	eal_argv = calloc(1 + prof_argc + user_eal_argc + 1,
			  sizeof(*eal_argv));
	if (eal_argv == NULL) {
		fprintf(stderr, "portgate-gen: out of memory\n");
		return GEN_EXIT_FAIL;
	}
	eal_argc = 0;
	eal_argv[eal_argc++] = (char *)(uintptr_t)prog;
	for (i = 0; i < (unsigned int)prof_argc; i++)
		eal_argv[eal_argc++] = prof_argv[i];
	for (i = 0; i < (unsigned int)user_eal_argc; i++)
		eal_argv[eal_argc++] = user_eal[i];
	eal_argv[eal_argc] = NULL;

	app_install_signals(on_signal);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		int e = rte_errno;

		fprintf(stderr, "portgate-gen: EAL initialisation failed: %s "
			"(EAL options go before \"--\")\n", rte_strerror(e));
		status = e == EINVAL ? GEN_EXIT_USAGE : GEN_EXIT_FAIL;
		goto out;
	}
	eal_up = 1;
	if (ptg_dataplane_clock_init() != 0) {
		fprintf(stderr, "portgate-gen: no TSC frequency known\n");
		goto out;
	}
	lcores = calloc(opts.workers, sizeof(*lcores));
	if (lcores == NULL) {
		fprintf(stderr, "portgate-gen: out of memory\n");
		goto out;
	}
	if (ptg_dataplane_pick_lcores(opts.workers, lcores, 1) < 0) {
		fprintf(stderr, "portgate-gen: --workers %u needs %u lcores "
			"besides the main one (or %u in all); EAL has %u: "
			"give more with -l\n", opts.workers, opts.workers,
			opts.workers, rte_lcore_count());
		status = GEN_EXIT_USAGE;
		goto out;
	}

	/* A fresh symmetric RSS key each start, as portgate's. */
	ptg_steer_key_random(steer_key);
	memset(&pparams, 0, sizeof(pparams));
	pparams.nb_queues = (uint16_t)opts.workers;
	pparams.nb_mbufs = opts.mbufs;
	pparams.rss_word = (uint16_t)(steer_key[0] << 8 | steer_key[1]);
	port = ptg_port_open(&profile, &pparams, err, sizeof(err));
	if (port == NULL) {
		fprintf(stderr, "portgate-gen: %s\n", err);
		status = (rte_errno == ENODEV || rte_errno == EINVAL) ?
			GEN_EXIT_USAGE : GEN_EXIT_FAIL;
		goto out;
	}
	ptg_port_describe(port, desc, sizeof(desc));
	printf("portgate-gen: port %s\n", desc);
	fflush(stdout);
	gen.port_id = ptg_port_id(port);
	gen.net_offloads = ptg_port_net_offloads(port);
	ptg_port_mac(port, &gen.mac);
	gen.mtu = ptg_port_mtu(port);
	gen.mp = ptg_port_mempool(port);
	if (steer_setup(&gen, port, steer_key, err, sizeof(err)) < 0) {
		fprintf(stderr, "portgate-gen: %s\n", err);
		goto out;
	}
	rc = ptg_port_wait_link(port, stop_requested, err, sizeof(err));
	if (rc == -EINTR) {
		status = GEN_EXIT_OK;
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "portgate-gen: %s\n", err);
		goto out;
	}

	gen_pattern_init();
	if (opts.mode == GEN_MODE_HTTP)
		http_setup(&gen);
	gen.w = calloc(opts.workers, sizeof(*gen.w));
	if (gen.w == NULL) {
		fprintf(stderr, "portgate-gen: out of memory\n");
		goto out;
	}
	for (i = 0; i < opts.workers; i++) {
		struct gen_worker *w;

		w = rte_zmalloc_socket("gen_worker", sizeof(*w),
				       RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcores[i]));
		if (w == NULL) {
			fprintf(stderr, "portgate-gen: out of memory\n");
			goto out;
		}
		gen.w[i] = w;
		w->o = &opts;
		w->g = &gen;
		w->index = i;
		w->lcore = lcores[i];
		w->is_main = lcores[i] == rte_get_main_lcore();
		if (gen_worker_init(w, err, sizeof(err)) < 0) {
			fprintf(stderr, "portgate-gen: %s\n", err);
			goto out;
		}
	}
	{
		uint32_t d = rte_be_to_cpu_32(opts.dst);

		printf("portgate-gen: running mode=%s dst=%u.%u.%u.%u:%u "
		       "workers=%u concurrency=%u rate=%" PRIu64 " duration=%gs"
		       "\n", gen_mode_name(opts.mode), d >> 24,
		       (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff,
		       opts.dport, opts.workers, opts.concurrency, opts.rate,
		       opts.duration_s);
		fflush(stdout);
	}

	for (i = 0; i < opts.workers; i++) {
		struct gen_worker *w = gen.w[i];

		if (w->is_main) {
			main_w = w;
			continue;
		}
		if (rte_eal_remote_launch(gen_worker_loop, w, w->lcore) != 0) {
			fprintf(stderr, "portgate-gen: lcore %u is busy\n",
				w->lcore);
			gen.failed = 1;
			snprintf(gen.fail_msg, sizeof(gen.fail_msg),
				 "lcore %u busy", w->lcore);
			w->done = 1;
		}
	}
	if (main_w != NULL)
		gen_worker_loop(main_w);
	while (!all_done(&gen)) {
		gen_main_tick(&gen, gen_now());
		sleep_ms(5);
	}
	rte_eal_mp_wait_lcore();
	rings_free(&gen);
	if (gen.failed && gen.fail_msg[0] != '\0')
		fprintf(stderr, "portgate-gen: %s\n", gen.fail_msg);
	status = gen_report_final(&gen, desc);

out:
	rings_free(&gen);
	if (gen.w != NULL) {
		for (i = 0; i < opts.workers; i++) {
			gen_worker_fini(gen.w[i]);
			rte_free(gen.w[i]);
		}
		free(gen.w);
	}
	ptg_port_close(port);
	free(lcores);
	free(eal_argv);
	if (eal_up)
		rte_eal_cleanup();
	return status;
}
