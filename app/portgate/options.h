/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portgate's app options: command line and --config file.
 */
#ifndef PORTGATE_OPTIONS_H
#define PORTGATE_OPTIONS_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_byteorder.h>

#include "ptg_port.h"
#include "ptg_service.h"
#include "ptg_tcp.h"

/* Exit statuses. */
#define PORTGATE_EXIT_OK    0
#define PORTGATE_EXIT_FAIL  1 /* a run-time failure */
#define PORTGATE_EXIT_USAGE 2 /* bad options, config or profile */

#define PORTGATE_MAX_SERVICES 256

struct portgate_opts {
	rte_be32_t addr;
	uint8_t prefix_len;
	int have_addr;
	rte_be32_t gateway;            /* 0: none */
	unsigned int workers;
	enum ptg_port_mode mode;       /* --mode; AUTO: the profile's */
	int have_mode;
	char profile[PATH_MAX];        /* "" : the embedded tap profile */
	char profile_where[PATH_MAX + 32]; /* "--profile" or "FILE:LINE: profile" */
	uint32_t idle_sleep_us;
	uint32_t mbufs;                /* 0: lib/port's default */
	uint32_t tx_drain_us;
	uint32_t linger_ms;
	uint32_t arp_timeout_ms;       /* 0: lib/net's default (300 s) */

	/* TCP knobs; have_* set when given, else ptg_tcp_config_default(). */
	uint32_t time_wait_ms;
	int have_time_wait;
	uint32_t rto_min_ms;
	int have_rto_min;
	uint32_t backlog;
	int have_backlog;
	uint32_t max_conns;
	int have_max_conns;
	uint32_t time_wait_max;        /* 0: the engine's (max_conns) */
	uint32_t tx_zerocopy_min;      /* 0: payload always copied */
	uint32_t accept_timeout_ms;    /* 0: off */
	uint32_t first_data_ms;        /* 0: off */
	uint32_t keepalive_ms;         /* 0: off */
	char cc[16];                   /* "" : engine default */
	enum ptg_tcp_syncookies syncookies;
	int have_syncookies;

	/* Defaults of the http service's ARGS (--http-*), from
	 * ptg_service_http_defaults_get() and the options given. */
	struct ptg_service_http_defaults http;

	/* PORT:NAME[:ARGS] specs, validated; none: the defaults. */
	char *services[PORTGATE_MAX_SERVICES];
	unsigned int nb_services;
	char config[PATH_MAX];         /* "" : no --config */
};

/*
 * Parse app options (argv[0] is the program name; everything after the
 * "--" that ends the EAL options). Prints one message naming the option
 * or FILE:LINE on error.
 * @return -1 go on; otherwise the exit status (0 after --help).
 */
int portgate_opts_parse(struct portgate_opts *o, int argc, char **argv);

/* Release the strings held by @o. */
void portgate_opts_free(struct portgate_opts *o);

/* Bind the services of @o (or the defaults) into the service table.
 * @return 0, or an exit status after printing why. */
int portgate_opts_bind_services(const struct portgate_opts *o);

/* Fill @cfg from ptg_tcp_config_default() and the TCP knobs of @o. */
void portgate_opts_tcp_config(const struct portgate_opts *o,
			      struct ptg_tcp_config *cfg);

/* Print --help to @f. */
void portgate_usage(FILE *f, const char *prog);

#endif /* PORTGATE_OPTIONS_H */
