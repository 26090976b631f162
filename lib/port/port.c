/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bring an ethdev port up from a loaded profile (after rte_eal_init()).
 *
 * ptg_port_open() -> rte_eth_dev_get_port_by_name() -> rte_eth_dev_info_get()
 *   -> port_pick_offloads()  only what rx/tx_offload_capa report
 *   -> port_pick_rss()       symmetric key sized for the device
 *   -> port_check_mtu()      min/max MTU, frame size
 *   -> rte_eth_dev_configure() -> rte_eth_dev_adjust_nb_rx_tx_desc()
 *   -> rte_pktmbuf_pool_create() -> rx/tx queue setup
 *   -> promiscuous -> rte_eth_dev_start() -> MAC, MTU read back
 * ptg_port_wait_link() -> rte_eth_link_get_nowait() until up or timeout
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_string_fns.h>

#include "ptg_net.h"
#include "port_priv.h"

RTE_LOG_REGISTER(ptg_port_logtype, ptg.port, INFO);

#define DEFAULT_MBUFS 65535
#define DEFAULT_CACHE 256
#define LINK_POLL_US 50000
/* Room for one VLAN and one QinQ tag beyond the Ethernet header. */
#define FRAME_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 8)
/* ptg_net_config.mtu's upper bound. */

struct port_offloads
port_pick_offloads(uint32_t wanted, uint64_t rx_capa, uint64_t tx_capa)
{
	struct port_offloads o = { 0 };

	if (wanted & PTG_PORT_WANT_RX_CKSUM) {
		if (rx_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) {
			o.rx |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
			o.net |= PTG_NET_OFF_RX_IPV4_CKSUM;
		}
		if (rx_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) {
			o.rx |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
			o.net |= PTG_NET_OFF_RX_L4_CKSUM;
		}
	}
	if (wanted & PTG_PORT_WANT_TX_CKSUM) {
		if (tx_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
			o.tx |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
			o.net |= PTG_NET_OFF_TX_IPV4_CKSUM;
		}
		if (tx_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
			o.tx |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
			o.net |= PTG_NET_OFF_TX_TCP_CKSUM;
		}
	}
	/* TSO needs the TCP checksum offload underneath it. */
	if ((wanted & PTG_PORT_WANT_TSO) &&
	    (tx_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO) &&
	    (o.tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) {
		o.tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
		o.features |= PTG_PORT_F_TSO;
	}
	if (tx_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
		o.tx |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		o.features |= PTG_PORT_F_MULTI_SEGS;
		o.net |= PTG_NET_OFF_TX_MULTI_SEGS;
	}
	return o;
}

int
port_pick_rss(const struct ptg_port_profile *p, uint16_t nb_rxq,
	      const struct rte_eth_dev_info *info, const char *driver,
	      uint16_t word, struct port_rss *rss, char *err, size_t errlen)
{
	uint64_t hf;
	uint8_t len;
	unsigned int i;

	memset(rss, 0, sizeof(*rss));
	if (nb_rxq <= 1 || p->rss_mode == PTG_PORT_RSS_OFF) {
		if (nb_rxq > 1)
			PORT_LOG(INFO, "%s: RSS off by profile: the driver "
				 "spreads flows over its %u queues",
				 p->dev_name, nb_rxq);
		return 0;
	}
	hf = info->flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP);
	if (hf == 0) {
		if (p->rss_mode == PTG_PORT_RSS_ON)
			return profile_errf(p, p->line.rss_mode, err, errlen,
				"rss mode = on, but %s (%s) reports no RSS "
				"for IPv4/TCP", p->dev_name, driver);
		PORT_LOG(INFO, "%s (%s) has no RSS: the driver spreads "
			 "flows over its %u queues", p->dev_name, driver,
			 nb_rxq);
		return 0;
	}
	len = info->hash_key_size ? info->hash_key_size : 40;
	if (len > PTG_PORT_RSS_KEY_MAX)
		return profile_errf(p, p->line.device, err, errlen,
			"%s wants a %u-byte RSS key, more than the %d "
			"supported", p->dev_name, len, PTG_PORT_RSS_KEY_MAX);
	if (p->rss_key_len != 0) {
		if (info->hash_key_size != 0 &&
		    p->rss_key_len != info->hash_key_size)
			return profile_errf(p, p->line.rss_key, err, errlen,
				"key is %u bytes but %s (%s) takes %u-byte "
				"RSS keys (or use key = symmetric)",
				p->rss_key_len, p->dev_name, driver,
				info->hash_key_size);
		len = p->rss_key_len;
		memcpy(rss->key, p->rss_key, len);
	} else {
		/* One 16-bit word repeated (0x6d5a unless the caller drew
		 * another): the Toeplitz hash of (src, dst) equals that of
		 * (dst, src), so both directions of a flow land on the same
		 * queue. */
		if (word == 0)
			word = 0x6d5a;
		for (i = 0; i < len; i++)
			rss->key[i] = (i & 1) ? (uint8_t)word :
				      (uint8_t)(word >> 8);
	}
	rss->key_len = len;
	rss->hf = hf;
	return 0;
}

int
port_check_mtu(const struct ptg_port_profile *p,
	       const struct rte_eth_dev_info *info, const char *driver,
	       char *err, size_t errlen)
{
	uint32_t overhead;

	if (p->mtu == 0)
		return 0;
	if (p->mtu < info->min_mtu || p->mtu > info->max_mtu)
		return profile_errf(p, p->line.mtu, err, errlen,
			"mtu %u is outside what %s (%s) supports: %u..%u",
			p->mtu, p->dev_name, driver, info->min_mtu,
			info->max_mtu);
	/* ethdev's own check: the frame must fit max_rx_pktlen. */
	if (info->max_mtu != UINT16_MAX &&
	    info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	else
		overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	if ((uint32_t)p->mtu + overhead > info->max_rx_pktlen)
		return profile_errf(p, p->line.mtu, err, errlen,
			"mtu %u needs %u-byte frames; %s (%s) takes at most "
			"%u (mtu %u)", p->mtu, p->mtu + overhead, p->dev_name,
			driver, info->max_rx_pktlen,
			info->max_rx_pktlen > overhead ?
			info->max_rx_pktlen - overhead : 0);
	return 0;
}

static uint32_t
mbufs_needed(const struct ptg_port *port, uint16_t nb_txq, uint32_t cache)
{
	return (uint32_t)port->nb_queues * port->rx_desc +
	       (uint32_t)nb_txq * port->tx_desc +
	       (uint32_t)(port->nb_queues + 1) * (cache + 64) + 2048;
}

struct ptg_port *
ptg_port_open(const struct ptg_port_profile *p,
	      const struct ptg_port_params *params, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	struct port_offloads off;
	struct ptg_port *port;
	char pool_name[RTE_MEMPOOL_NAMESIZE];
	uint32_t nb_mbufs, cache;
	uint16_t port_id, nb_txq, q, mtu, data_room;
	int rc;

	if (p == NULL || params == NULL || params->nb_queues == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (rte_eth_dev_get_port_by_name(p->dev_name, &port_id) != 0) {
		profile_errf(p, p->line.device, err, errlen,
			"device %s was not probed (see the EAL messages "
			"above)", p->dev_name);
		rte_errno = ENODEV;
		return NULL;
	}
	port = calloc(1, sizeof(*port));
	if (port == NULL) {
		profile_errf(p, 0, err, errlen, "out of memory");
		rte_errno = ENOMEM;
		return NULL;
	}
	port->port_id = port_id;
	port->nb_queues = params->nb_queues;
	strlcpy(port->name, p->dev_name, sizeof(port->name));
	strlcpy(port->source, p->source, sizeof(port->source));
	port->link_wait_ms = p->link_wait_ms;
	port->link_required = p->link_required;
	port->link_required_line = p->line.link_required;

	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0) {
		profile_errf(p, p->line.device, err, errlen,
			"%s: cannot read device info: %s", port->name,
			strerror(-rc));
		goto fail;
	}
	strlcpy(port->driver, info.driver_name ? info.driver_name : "?",
		sizeof(port->driver));
	port->socket = rte_eth_dev_socket_id(port_id);
	if (port->socket < 0)
		port->socket = (int)rte_socket_id();
	if (port->socket < 0)
		port->socket = 0;

	nb_txq = p->tx_queues ? p->tx_queues : port->nb_queues;
	if (port->nb_queues > info.max_rx_queues ||
	    nb_txq > info.max_tx_queues) {
		rc = -EINVAL;
		profile_errf(p, p->line.queues_devarg ? p->line.queues_devarg :
			  p->line.device, err, errlen,
			"%s (%s) has at most %u RX / %u TX queues; %u "
			"worker%s need%s %u RX and %u TX",
			port->name, port->driver, info.max_rx_queues,
			info.max_tx_queues, port->nb_queues,
			port->nb_queues == 1 ? "" : "s",
			port->nb_queues == 1 ? "s" : "",
			port->nb_queues, nb_txq);
		goto fail;
	}

	memset(&conf, 0, sizeof(conf));
	off = port_pick_offloads(p->offloads_wanted, info.rx_offload_capa,
				 info.tx_offload_capa);
	port->rx_offloads = off.rx;
	port->tx_offloads = off.tx;
	port->net_offloads = off.net;
	port->features = off.features;
	conf.rxmode.offloads = off.rx;
	conf.txmode.offloads = off.tx;
	rc = port_pick_rss(p, port->nb_queues, &info, port->driver,
			   params->rss_word, &port->rss, err, errlen);
	if (rc < 0)
		goto fail;
	if (port->rss.hf != 0) {
		/* ethdev keeps this pointer in the device's configuration
		 * (drivers may read the key again at a restart): the key
		 * lives as long as the port. */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = port->rss.key;
		conf.rx_adv_conf.rss_conf.rss_key_len = port->rss.key_len;
		conf.rx_adv_conf.rss_conf.rss_hf = port->rss.hf;
		port->features |= PTG_PORT_F_RSS;
		port->rss.reta_size = info.reta_size;
	}

	mtu = p->mtu;
	if (mtu == 0 && rte_eth_dev_get_mtu(port_id, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	rc = port_check_mtu(p, &info, port->driver, err, errlen);
	if (rc < 0)
		goto fail;
	if (mtu > PTG_NET_MTU_MAX)
		mtu = PTG_NET_MTU_MAX;
	/* Always name the MTU: rte_eth_dev_configure() reads 0 as 1500,
	 * not as "keep the device's". */
	conf.rxmode.mtu = mtu;

	rc = rte_eth_dev_configure(port_id, port->nb_queues, nb_txq, &conf);
	if (rc != 0) {
		profile_errf(p, p->line.device, err, errlen,
			"%s (%s): configure with %u RX / %u TX queues "
			"failed: %s", port->name, port->driver,
			port->nb_queues, nb_txq, strerror(-rc));
		goto fail;
	}
	port->rx_desc = p->rx_desc;
	port->tx_desc = p->tx_desc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &port->rx_desc,
					      &port->tx_desc);
	if (rc != 0) {
		profile_errf(p, p->line.rx_desc, err, errlen,
			"%s: descriptor counts rejected: %s", port->name,
			strerror(-rc));
		goto fail;
	}
	if (port->rx_desc != p->rx_desc || port->tx_desc != p->tx_desc)
		PORT_LOG(INFO, "%s: descriptors adjusted to the device's "
			 "limits: rx %u -> %u, tx %u -> %u", port->name,
			 p->rx_desc, port->rx_desc, p->tx_desc,
			 port->tx_desc);

	cache = params->mbuf_cache ? params->mbuf_cache : DEFAULT_CACHE;
	if (cache > RTE_MEMPOOL_CACHE_MAX_SIZE)
		cache = RTE_MEMPOOL_CACHE_MAX_SIZE;
	nb_mbufs = params->nb_mbufs ? params->nb_mbufs : DEFAULT_MBUFS;
	if (nb_mbufs < mbufs_needed(port, nb_txq, cache))
		nb_mbufs = mbufs_needed(port, nb_txq, cache);
	data_room = (uint16_t)(RTE_PKTMBUF_HEADROOM +
		RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM,
			(uint32_t)mtu + FRAME_OVERHEAD));
	snprintf(pool_name, sizeof(pool_name), "ptg_mbuf_p%u", port_id);
	port->mp = rte_pktmbuf_pool_create(pool_name, nb_mbufs, cache, 0,
					   data_room, port->socket);
	if (port->mp == NULL) {
		rc = -rte_errno;
		profile_errf(p, 0, err, errlen,
			"cannot create %u mbufs of %u bytes on socket %d: %s "
			"(reserve more hugepages, give EAL more memory with "
			"-m, or lower --mbufs)", nb_mbufs, data_room,
			port->socket, rte_strerror(rte_errno));
		goto fail;
	}

	for (q = 0; q < port->nb_queues; q++) {
		rxconf = info.default_rxconf;
		rxconf.offloads = conf.rxmode.offloads;
		rc = rte_eth_rx_queue_setup(port_id, q, port->rx_desc,
					    port->socket, &rxconf, port->mp);
		if (rc != 0) {
			profile_errf(p, p->line.rx_desc, err, errlen,
				"%s: RX queue %u setup failed: %s",
				port->name, q, strerror(-rc));
			goto fail;
		}
	}
	for (q = 0; q < nb_txq; q++) {
		txconf = info.default_txconf;
		txconf.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(port_id, q, port->tx_desc,
					    port->socket, &txconf);
		if (rc != 0) {
			profile_errf(p, p->line.tx_desc, err, errlen,
				"%s: TX queue %u setup failed: %s",
				port->name, q, strerror(-rc));
			goto fail;
		}
	}

	if (p->promiscuous) {
		rc = rte_eth_promiscuous_enable(port_id);
		if (rc != 0)
			PORT_LOG(WARNING, "%s: cannot enable promiscuous "
				 "mode: %s", port->name, strerror(-rc));
	}

	rc = rte_eth_dev_start(port_id);
	if (rc != 0) {
		profile_errf(p, p->line.device, err, errlen,
			"%s (%s): start failed: %s", port->name,
			port->driver, strerror(-rc));
		goto fail;
	}
	port->started = 1;

	rc = rte_eth_macaddr_get(port_id, &port->mac);
	if (rc != 0) {
		profile_errf(p, p->line.device, err, errlen,
			"%s: cannot read the MAC address: %s", port->name,
			strerror(-rc));
		goto fail;
	}
	if (rte_eth_dev_get_mtu(port_id, &port->mtu) != 0)
		port->mtu = mtu;
	if (port->mtu > PTG_NET_MTU_MAX)
		port->mtu = PTG_NET_MTU_MAX;
	/* Frames beyond the mbuf's room would be scattered or dropped. */
	if (port->mtu > data_room - RTE_PKTMBUF_HEADROOM - FRAME_OVERHEAD)
		port->mtu = data_room - RTE_PKTMBUF_HEADROOM - FRAME_OVERHEAD;
	return port;

fail:
	ptg_port_close(port);
	rte_errno = rc < 0 ? -rc : EINVAL;
	return NULL;
}

int
ptg_port_wait_link(struct ptg_port *port, int (*abort)(void), char *err,
		   size_t errlen)
{
	struct rte_eth_link link;
	uint64_t waited_us = 0, limit_us = (uint64_t)port->link_wait_ms * 1000;

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port->port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		if (abort != NULL && abort())
			return -EINTR;
		if (waited_us >= limit_us)
			break;
		rte_delay_us_sleep(LINK_POLL_US);
		waited_us += LINK_POLL_US;
	}
	if (port->link_required) {
		snprintf(err, errlen, "%s:%u: %s: link still down after %u ms "
			 "(link_required = yes)", port->source,
			 port->link_required_line, port->name,
			 port->link_wait_ms);
		return -ETIMEDOUT;
	}
	PORT_LOG(WARNING, "%s: link still down after %u ms; going on "
		 "(link_required = no)", port->name, port->link_wait_ms);
	return 0;
}

void
ptg_port_close(struct ptg_port *port)
{
	if (port == NULL)
		return;
	if (port->started)
		rte_eth_dev_stop(port->port_id);
	/* Configured or not, the device goes back to its closed state. */
	rte_eth_dev_close(port->port_id);
	rte_mempool_free(port->mp);
	free(port);
}

uint16_t
ptg_port_id(const struct ptg_port *port)
{
	return port->port_id;
}

const char *
ptg_port_name(const struct ptg_port *port)
{
	return port->name;
}

const char *
ptg_port_driver(const struct ptg_port *port)
{
	return port->driver;
}

void
ptg_port_mac(const struct ptg_port *port, struct rte_ether_addr *mac)
{
	rte_ether_addr_copy(&port->mac, mac);
}

uint16_t
ptg_port_mtu(const struct ptg_port *port)
{
	return port->mtu;
}

uint32_t
ptg_port_net_offloads(const struct ptg_port *port)
{
	return port->net_offloads;
}

uint32_t
ptg_port_features(const struct ptg_port *port)
{
	return port->features;
}

uint16_t
ptg_port_nb_queues(const struct ptg_port *port)
{
	return port->nb_queues;
}

struct rte_mempool *
ptg_port_mempool(const struct ptg_port *port)
{
	return port->mp;
}

int
ptg_port_socket(const struct ptg_port *port)
{
	return port->socket;
}

int
ptg_port_describe(const struct ptg_port *port, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} offs[] = {
		{ PTG_NET_OFF_RX_IPV4_CKSUM, "rx-ipv4-cksum" },
		{ PTG_NET_OFF_RX_L4_CKSUM, "rx-tcp-cksum" },
		{ PTG_NET_OFF_TX_IPV4_CKSUM, "tx-ipv4-cksum" },
		{ PTG_NET_OFF_TX_TCP_CKSUM, "tx-tcp-cksum" },
	};
	char mac[RTE_ETHER_ADDR_FMT_SIZE], list[160];
	size_t off = 0;
	unsigned int i;

	list[0] = '\0';
	for (i = 0; i < RTE_DIM(offs); i++)
		if (port->net_offloads & offs[i].bit)
			off += snprintf(list + off, sizeof(list) - off, "%s%s",
					off ? "," : "", offs[i].name);
	if (port->features & PTG_PORT_F_TSO)
		off += snprintf(list + off, sizeof(list) - off, "%stso",
				off ? "," : "");
	if (off == 0)
		snprintf(list, sizeof(list), "none (software checksums)");
	rte_ether_format_addr(mac, sizeof(mac), &port->mac);
	return snprintf(buf, len,
		"%s (%s) port %u mac %s mtu %u queues %u rxd %u txd %u "
		"offloads %s rss %s", port->name, port->driver, port->port_id,
		mac, port->mtu, port->nb_queues, port->rx_desc, port->tx_desc,
		list, (port->features & PTG_PORT_F_RSS) ? "on" : "off");
}

int
ptg_port_probe_caps(const struct ptg_port_profile *p,
		    struct ptg_port_caps *caps)
{
	struct rte_eth_dev_info info;
	uint16_t port_id;
	int rc;

	if (p == NULL || caps == NULL)
		return -EINVAL;
	if (rte_eth_dev_get_port_by_name(p->dev_name, &port_id) != 0)
		return -ENODEV;
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0)
		return rc;
	memset(caps, 0, sizeof(*caps));
	caps->max_rx_queues = info.max_rx_queues;
	caps->max_tx_queues = info.max_tx_queues;
	caps->reta_size = info.reta_size;
	caps->hash_key_size = info.hash_key_size;
	caps->rss_tcp = (info.flow_type_rss_offloads &
			 RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0;
	return 0;
}

uint16_t
ptg_port_reta_size(const struct ptg_port *port)
{
	return port->rss.hf != 0 ? port->rss.reta_size : 0;
}

unsigned int
ptg_port_rss_key(const struct ptg_port *port, uint8_t *key)
{
	if (port->rss.hf == 0)
		return 0;
	memcpy(key, port->rss.key, port->rss.key_len);
	return port->rss.key_len;
}

int
ptg_port_set_reta(struct ptg_port *port, const uint16_t *reta, uint16_t size)
{
	struct rte_eth_rss_reta_entry64 conf[PTG_PORT_RETA_MAX /
					     RTE_ETH_RETA_GROUP_SIZE];
	unsigned int i;

	if (port->rss.hf == 0)
		return -ENOTSUP;
	if (reta == NULL || size == 0 || size != port->rss.reta_size ||
	    size > PTG_PORT_RETA_MAX)
		return -EINVAL;
	memset(conf, 0, sizeof(conf));
	for (i = 0; i < size; i++) {
		if (reta[i] >= port->nb_queues)
			return -EINVAL;
		conf[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
		conf[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE] = reta[i];
	}
	return rte_eth_dev_rss_reta_update(port->port_id, conf, size);
}
