/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate: a kernel-bypass TCP endpoint.
 *
 *   portgate [EAL options] -- --addr IP/PREFIX [app options]
 *
 * main()
 *   -> app_split_args()                     EAL part / app part at "--"
 *   -> portgate_opts_parse()                options + --config   } nothing
 *   -> eal_named_devices() / pci_bound_to_dpdk()                 } started
 *      (no --profile and EAL has devices: eal_device_profile() after EAL)
 *   -> ptg_port_profile_load() / _check_workers() / _check_device() }
 *   -> portgate_opts_bind_services()                             } yet:
 *   -> build_eal_argv() -> rte_eal_init()                          exit 2
 *   -> ptg_dataplane_clock_init() -> ptg_dataplane_pick_lcores()
 *   -> ptg_port_open() -> ptg_port_wait_link()
 *   -> ptg_dataplane_create() -> ptg_dataplane_telemetry_register()
 *   -> ptg_dataplane_capture_init()         dpdk-dumpcap / dpdk-pdump
 *   -> ptg_dataplane_run() -> on_ready(): "portgate: ready ..."
 *   (SIGINT/SIGTERM -> on_signal() -> ptg_dataplane_request_stop())
 *   -> print_counters() -> teardown -> rte_eal_cleanup() -> exit 0
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_pci.h>

#include "ptg_dataplane.h"
#include "ptg_net.h"
#include "ptg_port.h"
#include "ptg_service.h"
#include "ptg_tcp.h"
#include "app_util.h"
#include "options.h"

/* Room for the profile's EAL arguments. */
#define PROFILE_EAL_ARGS 32

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
	ptg_dataplane_request_stop();
}

static int
stop_requested(void)
{
	return ptg_dataplane_stop_requested() != 0;
}

/* What on_ready() prints. */
struct app {
	const struct portgate_opts *opts;
	const struct ptg_port *port;
	enum ptg_dataplane_mode mode;
};

static void
format_ipv4(rte_be32_t a, char *buf, size_t len)
{
	uint32_t h = rte_be_to_cpu_32(a);

	snprintf(buf, len, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff,
		 (h >> 8) & 0xff, h & 0xff);
}

/*
 * Queue pairs to ask of the device: one per worker, but one in all when
 * pipeline mode is asked for outright (a vdev then gets one socket or
 * queue). When auto falls back to pipeline, the device already has one
 * per worker: the I/O lcore polls them all.
 */
static uint16_t
queues_wanted(const struct portgate_opts *o, const struct ptg_port_profile *p)
{
	enum ptg_port_mode m = o->have_mode ? o->mode : p->mode;

	return m == PTG_PORT_MODE_PIPELINE ? 1 : (uint16_t)o->workers;
}

/* --mode, else the profile's [queues] mode; auto: rtc when the device
 * hashes TCP flows over enough queues, else pipeline. One worker needs
 * no steering: rtc. */
static enum ptg_dataplane_mode
pick_mode(const struct portgate_opts *o, const struct ptg_port_profile *p)
{
	enum ptg_port_mode m = o->have_mode ? o->mode : p->mode;
	struct ptg_port_caps caps;

	if (o->workers <= 1)
		return PTG_DATAPLANE_RTC;
	if (m == PTG_PORT_MODE_RTC)
		return PTG_DATAPLANE_RTC;
	if (m == PTG_PORT_MODE_PIPELINE)
		return PTG_DATAPLANE_PIPELINE;
	if (ptg_port_probe_caps(p, &caps) == 0 && caps.rss_tcp &&
	    caps.reta_size > 0 && caps.max_rx_queues >= o->workers &&
	    caps.max_tx_queues >= o->workers)
		return PTG_DATAPLANE_RTC;
	return PTG_DATAPLANE_PIPELINE;
}

/*
 * The steering every worker checks its segments against. In rtc mode on
 * a device with RSS: the key in force on the port and its redirection
 * table, programmed here from ours, so that the NIC and the workers agree
 * on every flow's owner. Otherwise (pipeline, or a device without RSS
 * whose driver spreads flows its own way): our key and table, the
 * workers hand what they get of others' flows to them.
 */
static int
steer_setup(struct ptg_port *port, enum ptg_dataplane_mode mode,
	    const uint8_t *drawn, uint16_t workers,
	    struct ptg_dataplane_config *dcfg)
{
	char msg[256];
	int rc;

	rc = ptg_dataplane_steer_setup(port, mode == PTG_DATAPLANE_RTC, drawn,
				       workers, &dcfg->steer,
				       &dcfg->rx_hash_trusted, msg,
				       sizeof(msg));
	if (rc < 0) {
		fprintf(stderr, "portgate: %s\n", msg);
		return -1;
	}
	if (rc > 0)
		fprintf(stderr, "portgate: warning: %s\n", msg);
	return 0;
}

static void
on_ready(struct ptg_dataplane *dp, void *arg)
{
	const struct app *app = arg;
	char addr[16], gw[16], mac[RTE_ETHER_ADDR_FMT_SIZE], lcores[256];
	char services[1024];
	struct rte_ether_addr ea;
	size_t off = 0;
	unsigned int i;
	int port;

	format_ipv4(app->opts->addr, addr, sizeof(addr));
	ptg_port_mac(app->port, &ea);
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	lcores[0] = '\0';
	for (i = 0; i < ptg_dataplane_nb_workers(dp) && off < sizeof(lcores);
	     i++)
		off += snprintf(lcores + off, sizeof(lcores) - off, "%s%u",
				i ? "," : "",
				ptg_dataplane_worker_lcore(dp, i));
	off = 0;
	services[0] = '\0';
	for (port = ptg_service_next(-1); port >= 0 && off < sizeof(services);
	     port = ptg_service_next(port))
		off += snprintf(services + off, sizeof(services) - off,
				"%s%d:%s", off ? "," : "", port,
				ptg_service_binding((uint16_t)port)->ops->name);
	if (app->opts->gateway != 0)
		format_ipv4(app->opts->gateway, gw, sizeof(gw));
	else
		snprintf(gw, sizeof(gw), "none");
	printf("portgate: ready addr=%s/%u gateway=%s mac=%s port=%s "
	       "mtu=%u workers=%u mode=%s lcores=%s services=%s\n", addr,
	       app->opts->prefix_len, gw, mac, ptg_port_name(app->port),
	       ptg_port_mtu(app->port), ptg_dataplane_nb_workers(dp),
	       ptg_dataplane_mode_name(app->mode), lcores, services);
	fflush(stdout);
}

static int
print_nonzero(void *arg, const char *group, const char *name,
	      uint64_t value, int is_drop)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(is_drop);
	if (value != 0)
		printf("portgate: stat %s.%s=%" PRIu64 "\n", group, name,
		       value);
	return 0;
}

static int
print_drop(void *arg, const char *group, const char *name, uint64_t value,
	   int is_drop)
{
	RTE_SET_USED(arg);
	if (is_drop && value != 0)
		printf(" %s.%s=%" PRIu64, group, name, value);
	return 0;
}

static void
print_counters(const struct ptg_dataplane *dp)
{
	struct ptg_dataplane_totals t;

	ptg_dataplane_totals(dp, &t);
	ptg_dataplane_totals_foreach(&t, print_nonzero, NULL);
	/* Always there, zero or not: what scripts look for first. */
	printf("portgate: totals net.rx_frames=%" PRIu64 " net.tx_frames=%"
	       PRIu64 " tcp.accepted=%" PRIu64 " tcp.conn_closed=%" PRIu64
	       "\n", t.net.rx_frames, t.net.tx_frames, t.tcp.accepted,
	       t.tcp.conn_closed);
	printf("portgate: drops total=%" PRIu64,
	       ptg_dataplane_totals_drops(&t));
	ptg_dataplane_totals_foreach(&t, print_drop, NULL);
	printf("\n");
	fflush(stdout);
}

/*
 * The devices the EAL options name, as EAL's getopt reads them:
 * "--vdev DEV", "--vdev=DEV", "-a DEV", "-aDEV", "--allow DEV",
 * "--allow=DEV". Up to @p max of them go to @p dev.
 * @return how many there are.
 */
static int
eal_named_devices(int argc, char **argv, const char **dev, int max)
{
	static const char *const longs[] = { "--vdev", "--allow" };
	const char *d;
	int i, k, n = 0;

	for (i = 0; i < argc; i++) {
		d = NULL;
		for (k = 0; k < (int)RTE_DIM(longs) && d == NULL; k++) {
			size_t l = strlen(longs[k]);

			if (strcmp(argv[i], longs[k]) == 0)
				d = i + 1 < argc ? argv[++i] : "";
			else if (strncmp(argv[i], longs[k], l) == 0 &&
				 argv[i][l] == '=')
				d = argv[i] + l + 1;
		}
		if (d == NULL && strncmp(argv[i], "-a", 2) == 0)
			d = argv[i][2] != '\0' ? argv[i] + 2 :
			    i + 1 < argc ? argv[++i] : "";
		if (d == NULL)
			continue;
		if (n < max)
			dev[n] = d;
		n++;
	}
	return n;
}

/*
 * PCI functions bound to a driver DPDK can use from user space, which EAL
 * probes when no --no-pci is given (mlx5 NICs stay on mlx5_core and are
 * not seen here: name them with -a).
 */
static unsigned int
pci_bound_to_dpdk(void)
{
	static const char *const drivers[] = {
		"vfio-pci", "uio_pci_generic", "igb_uio",
	};
	struct rte_pci_addr addr;
	unsigned int i, n = 0;
	char path[64];
	struct dirent *e;
	DIR *dir;

	for (i = 0; i < RTE_DIM(drivers); i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s",
			 drivers[i]);
		dir = opendir(path);
		if (dir == NULL)
			continue;
		while ((e = readdir(dir)) != NULL)
			if (rte_pci_addr_parse(e->d_name, &addr) == 0)
				n++;
		closedir(dir);
	}
	return n;
}

/*
 * The port EAL probed from devices on its own command line (no
 * --profile): exactly one, as testpmd would drive, with the default
 * settings of a profile. Prints why not.
 * @return 0, or an exit status.
 */
static int
eal_device_profile(struct ptg_port_profile *profile)
{
	char name[RTE_ETH_NAME_MAX_LEN], names[512], err[512];
	uint16_t pid, first = RTE_MAX_ETHPORTS;
	unsigned int n = 0;
	size_t off = 0;

	names[0] = '\0';
	RTE_ETH_FOREACH_DEV(pid) {
		if (n++ == 0)
			first = pid;
		if (rte_eth_dev_get_name_by_port(pid, name) == 0 &&
		    off < sizeof(names))
			off += snprintf(names + off, sizeof(names) - off,
					"%s%s", off ? ", " : "", name);
	}
	if (n == 0) {
		fprintf(stderr, "portgate: EAL probed no port from the devices "
			"on its command line (see EAL's messages above)\n");
		return PORTGATE_EXIT_USAGE;
	}
	if (n > 1) {
		fprintf(stderr, "portgate: EAL probed %u ports (%s) where one "
			"is expected: name one device with --vdev or -a (and "
			"--no-pci for a vdev), or choose one with --profile\n",
			n, names);
		return PORTGATE_EXIT_USAGE;
	}
	snprintf(err, sizeof(err), "no name");
	if (rte_eth_dev_get_name_by_port(first, name) != 0 ||
	    ptg_port_profile_for_device(profile, name, err,
					sizeof(err)) != 0) {
		fprintf(stderr, "portgate: port %u: %s\n", first, err);
		return PORTGATE_EXIT_FAIL;
	}
	printf("portgate: no --profile: using %s, the port EAL probed, "
	       "with default settings\n", name);
	return 0;
}

int
main(int argc, char **argv)
{
	static char profile_buf[4096];
	struct portgate_opts opts;
	struct ptg_port_profile profile;
	struct ptg_dataplane_config dcfg;
	struct ptg_port_params pparams;
	struct ptg_port_caps caps;
	enum ptg_dataplane_mode mode;
	uint8_t steer_key[PTG_STEER_KEY_LEN];
	struct ptg_dataplane *dp = NULL;
	struct ptg_port *port = NULL;
	struct app app;
	unsigned int *lcores = NULL;
	char **eal_argv = NULL, **user_eal, **app_argv;
	char *prof_argv[PROFILE_EAL_ARGS];
	char err[1024], desc[512];
	const char *named[4];
	int user_eal_argc, app_argc, prof_argc, eal_argc, i, rc, nb_named;
	int eal_devices = 0;
	int status = PORTGATE_EXIT_FAIL, eal_up = 0;
	const char *prog = argv[0];

	app_split_args(argc, argv, &user_eal_argc, &user_eal, &app_argc,
		       &app_argv);
	rc = portgate_opts_parse(&opts, app_argc, app_argv);
	if (rc >= 0)
		return rc;

	/*
	 * DPDK's convention (testpmd's): devices named in the EAL options
	 * (--vdev, -a), or PCI NICs bound to a DPDK driver when EAL may
	 * probe PCI, are the port; with none of them and no --profile, the
	 * embedded TAP profile. A --profile brings its own device.
	 */
	nb_named = eal_named_devices(user_eal_argc, user_eal, named,
				     (int)RTE_DIM(named));
	if (opts.profile[0] == '\0' && nb_named > 1) {
		fprintf(stderr, "portgate: the EAL options name %d devices "
			"(%s, %s%s) where one port is expected: name one, or "
			"choose one with --profile\n", nb_named, named[0],
			named[1], nb_named > 2 ? ", ..." : "");
		status = PORTGATE_EXIT_USAGE;
		goto out;
	}
	if (opts.profile[0] == '\0')
		eal_devices = nb_named == 1 ||
			(!app_has_arg(user_eal_argc, user_eal, "--no-pci") &&
			 pci_bound_to_dpdk() > 0);
	else if (nb_named > 0)
		fprintf(stderr, "portgate: warning: the EAL options name %s "
			"besides the device of %s: portgate drives the "
			"profile's\n", named[0], opts.profile);
	if (eal_devices) {
		/* Filled once EAL has probed the port. */
		memset(&profile, 0, sizeof(profile));
		prof_argc = 0;
		goto bind;
	}

	/* The profile, before EAL: bad files stop here with FILE:LINE. */
	rc = ptg_port_profile_load(&profile,
				   opts.profile[0] ? opts.profile : NULL,
				   err, sizeof(err));
	if (rc == 0)
		rc = ptg_port_profile_check_workers(&profile,
			queues_wanted(&opts, &profile), err, sizeof(err));
	if (rc == 0)
		rc = ptg_port_profile_check_device(&profile, err,
						   sizeof(err));
	if (rc == 0 && profile.is_pci &&
	    app_has_arg(user_eal_argc, user_eal, "--no-pci")) {
		snprintf(err, sizeof(err), "%s:%u: the profile names PCI "
			 "device %s, but --no-pci was given to EAL",
			 profile.source, profile.line.device,
			 profile.dev_name);
		rc = -EINVAL;
	}
	if (rc < 0) {
		/* Parse errors name FILE:LINE; open errors also where the
		 * file name came from. */
		if (rc != -EINVAL && rc != -ENODEV && opts.profile[0])
			fprintf(stderr, "portgate: %s: %s\n",
				opts.profile_where, err);
		else
			fprintf(stderr, "portgate: %s\n", err);
		status = PORTGATE_EXIT_USAGE;
		goto out;
	}
	prof_argc = ptg_port_profile_eal_args(&profile,
		queues_wanted(&opts, &profile),
		!app_has_arg(user_eal_argc, user_eal, "--no-pci"),
		profile_buf, sizeof(profile_buf), prof_argv,
		PROFILE_EAL_ARGS);
	if (prof_argc < 0) {
		fprintf(stderr, "portgate: %s: too many EAL arguments\n",
			profile.source);
		status = PORTGATE_EXIT_USAGE;
		goto out;
	}
bind:
	rc = portgate_opts_bind_services(&opts);
	if (rc != 0) {
		status = rc;
		goto out;
	}
	eal_argv = calloc(1 + prof_argc + user_eal_argc + 1,
			  sizeof(*eal_argv));
	if (eal_argv == NULL) {
		fprintf(stderr, "portgate: out of memory\n");
		goto out;
	}
	eal_argc = 0;
	eal_argv[eal_argc++] = (char *)(uintptr_t)prog;
	for (i = 0; i < prof_argc; i++)
		eal_argv[eal_argc++] = prof_argv[i];
	for (i = 0; i < user_eal_argc; i++)
		eal_argv[eal_argc++] = user_eal[i];
	eal_argv[eal_argc] = NULL;

	app_install_signals(on_signal);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		int e = rte_errno;

		fprintf(stderr, "portgate: EAL initialisation failed: %s "
			"(EAL options go before \"--\")\n", rte_strerror(e));
		status = e == EINVAL ? PORTGATE_EXIT_USAGE : PORTGATE_EXIT_FAIL;
		goto out;
	}
	eal_up = 1;
	if (stop_requested()) {
		status = PORTGATE_EXIT_OK;
		goto out;
	}
	if (ptg_dataplane_clock_init() != 0) {
		fprintf(stderr, "portgate: no TSC frequency known\n");
		goto out;
	}
	if (eal_devices) {
		rc = eal_device_profile(&profile);
		if (rc != 0) {
			status = rc;
			goto out;
		}
		rc = ptg_port_profile_check_workers(&profile,
			queues_wanted(&opts, &profile), err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "portgate: %s\n", err);
			status = PORTGATE_EXIT_USAGE;
			goto out;
		}
	}

	lcores = calloc(opts.workers, sizeof(*lcores));
	if (lcores == NULL) {
		fprintf(stderr, "portgate: out of memory\n");
		goto out;
	}
	mode = pick_mode(&opts, &profile);
	if (ptg_dataplane_pick_lcores(opts.workers, lcores,
				      mode != PTG_DATAPLANE_PIPELINE) < 0) {
		if (mode == PTG_DATAPLANE_PIPELINE)
			fprintf(stderr, "portgate: --workers %u in pipeline "
				"mode needs %u lcores besides the main one (the "
				"I/O lcore); EAL has %u: give more with -l or "
				"--lcores\n", opts.workers, opts.workers,
				rte_lcore_count());
		else
			fprintf(stderr, "portgate: --workers %u needs %u "
				"lcores besides the main one (or %u in all); "
				"EAL has %u: give more with -l\n",
				opts.workers, opts.workers, opts.workers,
				rte_lcore_count());
		status = PORTGATE_EXIT_USAGE;
		goto out;
	}

	/* A fresh symmetric RSS key each start (ptg_steer.h). */
	ptg_steer_key_random(steer_key);
	memset(&pparams, 0, sizeof(pparams));
	pparams.nb_queues = queues_wanted(&opts, &profile);
	if (mode == PTG_DATAPLANE_PIPELINE &&
	    ptg_port_probe_caps(&profile, &caps) == 0 &&
	    caps.max_rx_queues < pparams.nb_queues)
		pparams.nb_queues = caps.max_rx_queues;
	pparams.nb_mbufs = opts.mbufs;
	pparams.rss_word = (uint16_t)(steer_key[0] << 8 | steer_key[1]);
	port = ptg_port_open(&profile, &pparams, err, sizeof(err));
	if (port == NULL) {
		fprintf(stderr, "portgate: %s\n", err);
		status = (rte_errno == ENODEV || rte_errno == EINVAL) ?
			PORTGATE_EXIT_USAGE : PORTGATE_EXIT_FAIL;
		goto out;
	}
	ptg_port_describe(port, desc, sizeof(desc));
	printf("portgate: port %s\n", desc);
	fflush(stdout);
	rc = ptg_port_wait_link(port, stop_requested, err, sizeof(err));
	if (rc == -EINTR) {
		status = PORTGATE_EXIT_OK;
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "portgate: %s\n", err);
		goto out;
	}

	memset(&dcfg, 0, sizeof(dcfg));
	dcfg.port_id = ptg_port_id(port);
	dcfg.nb_workers = (uint16_t)opts.workers;
	dcfg.mode = mode;
	dcfg.nb_rx_queues = ptg_port_nb_queues(port);
	if (opts.workers > 1 &&
	    steer_setup(port, mode, steer_key, (uint16_t)opts.workers,
			&dcfg) != 0)
		goto out;
	dcfg.lcores = lcores;
	dcfg.mp = ptg_port_mempool(port);
	ptg_port_mac(port, &dcfg.net.mac);
	dcfg.net.addr = opts.addr;
	dcfg.net.prefix_len = opts.prefix_len;
	dcfg.net.gateway = opts.gateway;
	dcfg.net.mtu = ptg_port_mtu(port);
	dcfg.net.offloads = ptg_port_net_offloads(port);
	dcfg.net.arp_max_age_ns = (uint64_t)opts.arp_timeout_ms * 1000000ull;
	portgate_opts_tcp_config(&opts, &dcfg.tcp);
	dcfg.tx_drain_ns = (uint64_t)opts.tx_drain_us * 1000;
	dcfg.idle_sleep_us = opts.idle_sleep_us;
	/* 0 ms: RST at once (the dataplane reads 0 as its default). */
	dcfg.linger_ns = opts.linger_ms ?
		(uint64_t)opts.linger_ms * 1000000ull : 1;
	dp = ptg_dataplane_create(&dcfg, err, sizeof(err));
	if (dp == NULL) {
		fprintf(stderr, "portgate: %s\n", err);
		status = (rte_errno == EINVAL || rte_errno == ENOENT) ?
			PORTGATE_EXIT_USAGE : PORTGATE_EXIT_FAIL;
		goto out;
	}
	rc = ptg_dataplane_telemetry_register(dp);
	if (rc != 0)
		fprintf(stderr, "portgate: warning: telemetry commands not "
			"registered: %s\n", strerror(-rc));
	/* dpdk-dumpcap / dpdk-pdump --file-prefix PREFIX capture the port. */
	rc = ptg_dataplane_capture_init();
	if (rc != 0)
		fprintf(stderr, "portgate: warning: live capture unavailable "
			"(dpdk-dumpcap, dpdk-pdump): %s\n", strerror(-rc));

	app.opts = &opts;
	app.port = port;
	app.mode = mode;
	rc = ptg_dataplane_run(dp, on_ready, &app);
	printf("portgate: stopping (%s)\n",
	       got_signal == SIGINT ? "SIGINT" :
	       got_signal == SIGTERM ? "SIGTERM" : "error");
	print_counters(dp);
	status = rc == 0 ? PORTGATE_EXIT_OK : PORTGATE_EXIT_FAIL;

out:
	ptg_dataplane_capture_fini();
	ptg_dataplane_free(dp);
	ptg_port_close(port);
	ptg_service_unbind_all();
	free(lcores);
	free(eal_argv);
	portgate_opts_free(&opts);
	if (eal_up)
		rte_eal_cleanup();
	if (status == PORTGATE_EXIT_OK) {
		printf("portgate: stopped\n");
		fflush(stdout);
	}
	return status;
}
