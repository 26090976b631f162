/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the proxy service (svc_proxy.c) shared with its unit
 * tests and with the ARGS check of service.c: the parsed configuration,
 * the PROXY protocol header builder, and accessors to an instance.
 */
#ifndef PROXY_PRIV_H
#define PROXY_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>

/** Backends per proxy port; each has its block of counters. */
#define PTG_PROXY_MAX_BACKENDS 8

/** How a client's backend is chosen among those up. */
enum ptg_proxy_lb {
	PTG_PROXY_LB_RR = 0,    /**< round robin */
	PTG_PROXY_LB_LEASTCONN, /**< fewest open connections (this worker) */
};

/* Long enough for two SYN retransmissions (RTO 1 s, then 2 s): one lost
 * SYN or SYN-ACK does not make a backend look down. */
#define PTG_PROXY_CONNECT_TIMEOUT_MS_DEFAULT 5000u
#define PTG_PROXY_BACKOFF_MS_DEFAULT 1000u
#define PTG_PROXY_BACKOFF_MAX_MS_DEFAULT 30000u
#define PTG_PROXY_MS_MAX 3600000u /* an hour: the bound of every MS */
#define PTG_PROXY_POOL_DEFAULT 8191u
#define PTG_PROXY_POOL_MAX (1u << 22)

/** Longest PROXY header: v1 "PROXY TCP4 " + 2 x 15 + 2 x 5 + 3 + 2. */
#define PTG_PROXY_HDR_MAX 56u
#define PTG_PROXY_V2_LEN 28u /* 16-byte header + IPv4 addresses and ports */

struct ptg_proxy_backend_addr {
	rte_be32_t addr; /**< network order */
	uint16_t port;   /**< host order */
};

/** Configuration of one proxy port, from its ARGS. */
struct ptg_proxy_config {
	unsigned int nb_backends;
	struct ptg_proxy_backend_addr be[PTG_PROXY_MAX_BACKENDS];
	enum ptg_proxy_lb lb;
	uint8_t proxy_version;       /**< 0: no PROXY header; 1 or 2 */
	uint32_t connect_timeout_ms;
	uint32_t backoff_ms;         /**< first backoff after a failure */
	uint32_t backoff_max_ms;     /**< doubling stops here */
	uint32_t pool;               /**< client sessions per worker */
};

/**
 * Parse proxy ARGS: items separated by ',' or ';', each a backend
 * "IPV4:PORT" or an option "KEY=VALUE" (lb=rr|leastconn, proxy=v1|v2|off,
 * connect_timeout=MS, backoff=MS, backoff_max=MS, pool=N).
 * @param err  where to write why ARGS were refused (may be NULL).
 * @return 0, or -EINVAL with a message in @p err.
 */
int ptg_proxy_parse_args(const char *args, struct ptg_proxy_config *cfg,
			 char *err, size_t errlen);

/**
 * Write the PROXY protocol header (HAProxy's "PROXY protocol" v1 text
 * line or v2 binary header, TCP over IPv4) for a client @p src:@p sport
 * that connected to @p dst:@p dport (addresses network order, ports host
 * order) into @p buf (PTG_PROXY_HDR_MAX bytes).
 * @return its length, or 0 for a version other than 1 and 2.
 */
size_t ptg_proxy_header(unsigned int version, rte_be32_t src, uint16_t sport,
			rte_be32_t dst, uint16_t dport, uint8_t *buf);

/** Sessions free in a proxy instance's pool (the ctx made by its init). */
unsigned int ptg_proxy_instance_pool_avail(const void *ctx);

#endif /* PROXY_PRIV_H */
