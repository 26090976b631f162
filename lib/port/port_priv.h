/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/port internals: the INI line index, the open port.
 */
#ifndef PTG_PORT_PRIV_H
#define PTG_PORT_PRIV_H

#include <stdint.h>

#include <rte_cfgfile.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "ptg_base.h"
#include "ptg_port.h"

extern int ptg_port_logtype;
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ptg_port_logtype, "PORT: " fmt "\n", \
		##__VA_ARGS__)

/* rte_cfgfile reads each line with fgets() into a buffer of this size. */
#define INI_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)

/* One "key = value" line, in file order. */
struct ini_entry {
	char key[CFG_NAME_LEN];
	unsigned int line;
	unsigned int section; /* index into ini_section */
};

/* One "[section]" line. Sections never repeat (a duplicate is an error),
 * so the entries of a section are contiguous in file order, exactly as
 * rte_cfgfile stores them. */
struct ini_section {
	char name[CFG_NAME_LEN];
	unsigned int line;
	unsigned int first;  /* first entry index */
	unsigned int count;  /* entries in the section */
};

/* A value as rte_cfgfile returned it (before ${VAR} expansion). */
struct ini_value {
	char v[CFG_VALUE_LEN];
};

struct ptg_port_ini {
	char name[PTG_PORT_SOURCE_MAX];
	struct ini_value *values; /* parallel to entries */
	struct ini_section *sections;
	unsigned int nb_sections;
	struct ini_entry *entries;
	unsigned int nb_entries;
};

/* "FILE:LINE: message" (line 0: "FILE: message") about profile @p into
 * @err; returns -EINVAL. */
int profile_errf(const struct ptg_port_profile *p, unsigned int line,
		 char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Find a section's index, or -1. */
int ini_section_find(const struct ptg_port_ini *ini, const char *name);

/* What ptg_port_open() enables, decided by port_pick_offloads(). */
struct port_offloads {
	uint64_t rx;        /* RTE_ETH_RX_OFFLOAD_* */
	uint64_t tx;        /* RTE_ETH_TX_OFFLOAD_* */
	uint32_t net;       /* PTG_NET_OFF_* for lib/net */
	uint32_t features;  /* PTG_PORT_F_TSO, PTG_PORT_F_MULTI_SEGS */
};

/* The offloads of @wanted (PTG_PORT_WANT_*) that the device reports in
 * @rx_capa / @tx_capa (rte_eth_dev_info's rx/tx_offload_capa); what the
 * device lacks stays off and lib/net does it in software. TSO only on
 * top of TX TCP checksum; chained mbufs whenever the device takes them. */
struct port_offloads port_pick_offloads(uint32_t wanted, uint64_t rx_capa,
					uint64_t tx_capa);

/* RSS as ptg_port_open() configures it (port_pick_rss()). */
struct port_rss {
	uint64_t hf;        /* RTE_ETH_RSS_* hashed on; 0: RSS off */
	uint16_t reta_size; /* the device's (set by ptg_port_open()) */
	uint8_t key_len;
	uint8_t key[PTG_PORT_RSS_KEY_MAX];
};

/* RSS for @nb_rxq RX queues of a device that reports @info
 * (flow_type_rss_offloads, hash_key_size) under driver name @driver:
 * off with one queue or mode = off; hashing IPv4/TCP as far as the
 * device supports it; the profile's key or the symmetric one (@word
 * repeated; 0: 0x6d5a), sized for the device. Messages name the
 * profile's line.
 * @return 0 (@rss filled), or -EINVAL with a message. */
int port_pick_rss(const struct ptg_port_profile *p, uint16_t nb_rxq,
		  const struct rte_eth_dev_info *info, const char *driver,
		  uint16_t word, struct port_rss *rss, char *err,
		  size_t errlen);

/* Check the profile's MTU (0: none asked) against @info's min_mtu,
 * max_mtu and max_rx_pktlen, as rte_eth_dev_configure() will.
 * @return 0, or -EINVAL with a message. */
int port_check_mtu(const struct ptg_port_profile *p,
		   const struct rte_eth_dev_info *info, const char *driver,
		   char *err, size_t errlen);

struct ptg_port {
	uint16_t port_id;
	int socket;
	uint16_t nb_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	uint32_t net_offloads;   /* PTG_NET_OFF_* */
	uint32_t features;       /* PTG_PORT_F_* */
	uint64_t rx_offloads;    /* RTE_ETH_RX_OFFLOAD_* enabled */
	uint64_t tx_offloads;    /* RTE_ETH_TX_OFFLOAD_* enabled */
	struct port_rss rss;     /* hash functions; the key ethdev's
				    configuration points at */
	uint8_t started;
	struct rte_ether_addr mac;
	struct rte_mempool *mp;
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[64];
	/* From the profile, for link wait and messages. */
	char source[PTG_PORT_SOURCE_MAX];
	unsigned int link_required_line;
	uint32_t link_wait_ms;
	uint8_t link_required;
};

#endif /* PTG_PORT_PRIV_H */
