/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/port/port.c: which offloads, RSS hash functions and key, and
 * MTU ptg_port_open() asks for given what a device reports (the pure
 * port_pick_offloads(), port_pick_rss(), port_check_mtu()), then
 * ptg_port_open() / ptg_port_wait_link() end to end on net_ring, net_null
 * and (where the machine allows) net_tap ports hot-plugged into an EAL
 * without hugepages or PCI.
 *
 * ptg_port_open() -> rte_eth_dev_info_get() -> port_pick_offloads()
 *   -> port_pick_rss() -> port_check_mtu() -> rte_eth_dev_configure()
 *   -> mempool, queues -> rte_eth_dev_start()
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ptg_net.h"
#include "ptg_port.h"
#include "port_priv.h"
#include "port_test.h"
#include "ptg_test.h"

#define SRC "p.ini"
#define DEV "net_x0"
#define DRV "drv_x"

#define RX_CKSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
#define TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define TX_ALL (TX_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO | \
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
#define NET_CKSUM (PTG_NET_OFF_RX_IPV4_CKSUM | PTG_NET_OFF_RX_L4_CKSUM | \
		   PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM)
#define NET_ALL (NET_CKSUM | PTG_NET_OFF_TX_MULTI_SEGS)
#define WANT_ALL (PTG_PORT_WANT_RX_CKSUM | PTG_PORT_WANT_TX_CKSUM | \
		  PTG_PORT_WANT_TSO)

/* A profile as profile.c leaves it, with a line for every value. */
static void
profile_init(struct ptg_port_profile *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->source, sizeof(p->source), SRC);
	snprintf(p->device, sizeof(p->device), DEV);
	snprintf(p->dev_name, sizeof(p->dev_name), DEV);
	p->rx_desc = 1024;
	p->tx_desc = 1024;
	p->offloads_wanted = PTG_PORT_WANT_RX_CKSUM | PTG_PORT_WANT_TX_CKSUM;
	p->line.device = 3;
	p->line.mtu = 12;
	p->line.rss_mode = 21;
	p->line.rss_key = 22;
}

static void
assert_offloads(struct port_offloads o, uint64_t rx, uint64_t tx,
		uint32_t net, uint32_t features)
{
	assert_true(o.rx == rx);
	assert_true(o.tx == tx);
	assert_int_equal(o.net, net);
	assert_int_equal(o.features, features);
}

/* ---- port_pick_offloads() ------------------------------------------------ */

static void
test_offloads_nothing_wanted_nothing_reported(void **state)
{
	(void)state;
	assert_offloads(port_pick_offloads(0, 0, 0), 0, 0, 0, 0);
}

static void
test_offloads_wanted_and_reported_are_on(void **state)
{
	(void)state;
	assert_offloads(port_pick_offloads(WANT_ALL, RX_CKSUM, TX_ALL),
			RX_CKSUM, TX_ALL, NET_ALL,
			PTG_PORT_F_TSO | PTG_PORT_F_MULTI_SEGS);
}

static void
test_offloads_wanted_but_unreported_fall_back(void **state)
{
	(void)state;
	/* lib/net computes every checksum; no TSO */
	assert_offloads(port_pick_offloads(WANT_ALL, 0, 0), 0, 0, 0, 0);
}

static void
test_offloads_reported_but_unwanted_are_off(void **state)
{
	(void)state;
	/* only chained mbufs are taken without being asked for */
	assert_offloads(port_pick_offloads(0, UINT64_MAX, UINT64_MAX), 0,
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS, PTG_NET_OFF_TX_MULTI_SEGS,
			PTG_PORT_F_MULTI_SEGS);
}

static void
test_offloads_other_capabilities_ignored(void **state)
{
	(void)state;
	/* UDP/SCTP checksums, LRO, VLAN, ...: never enabled */
	assert_offloads(port_pick_offloads(WANT_ALL, UINT64_MAX, UINT64_MAX),
			RX_CKSUM, TX_ALL, NET_ALL,
			PTG_PORT_F_TSO | PTG_PORT_F_MULTI_SEGS);
}

static void
test_offloads_rx_checksum_per_protocol(void **state)
{
	(void)state;
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_RX_CKSUM,
					   RTE_ETH_RX_OFFLOAD_IPV4_CKSUM, 0),
			RTE_ETH_RX_OFFLOAD_IPV4_CKSUM, 0,
			PTG_NET_OFF_RX_IPV4_CKSUM, 0);
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_RX_CKSUM,
					   RTE_ETH_RX_OFFLOAD_TCP_CKSUM, 0),
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM, 0,
			PTG_NET_OFF_RX_L4_CKSUM, 0);
	/* a UDP-only device gives nothing to a TCP stack */
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_RX_CKSUM,
					   RTE_ETH_RX_OFFLOAD_UDP_CKSUM, 0),
			0, 0, 0, 0);
}

static void
test_offloads_tx_checksum_per_protocol(void **state)
{
	(void)state;
	/* virtio: TCP checksum and TSO, no IPv4 header checksum */
	assert_offloads(port_pick_offloads(WANT_ALL, 0,
					   RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
					   RTE_ETH_TX_OFFLOAD_TCP_TSO),
			0, RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_TSO,
			PTG_NET_OFF_TX_TCP_CKSUM, PTG_PORT_F_TSO);
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_TX_CKSUM, 0,
					   RTE_ETH_TX_OFFLOAD_IPV4_CKSUM),
			0, RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
			PTG_NET_OFF_TX_IPV4_CKSUM, 0);
}

static void
test_offloads_rx_and_tx_wishes_independent(void **state)
{
	(void)state;
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_RX_CKSUM, RX_CKSUM,
					   TX_CKSUM),
			RX_CKSUM, 0,
			PTG_NET_OFF_RX_IPV4_CKSUM | PTG_NET_OFF_RX_L4_CKSUM, 0);
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_TX_CKSUM, RX_CKSUM,
					   TX_CKSUM),
			0, TX_CKSUM,
			PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM,
			0);
}

static void
test_offloads_tso_needs_tx_tcp_checksum(void **state)
{
	const uint64_t tso = RTE_ETH_TX_OFFLOAD_TCP_TSO;

	(void)state;
	/* TSO wanted, TX checksum not wanted: no TSO */
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_TSO, 0, TX_ALL),
			0, RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
			PTG_NET_OFF_TX_MULTI_SEGS, PTG_PORT_F_MULTI_SEGS);
	/* TSO reported without the TCP checksum under it: no TSO */
	assert_offloads(port_pick_offloads(WANT_ALL, 0,
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | tso),
			0, RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
			PTG_NET_OFF_TX_IPV4_CKSUM, 0);
	/* TCP checksum without TSO: checksum only */
	assert_offloads(port_pick_offloads(WANT_ALL, 0, TX_CKSUM), 0,
			TX_CKSUM,
			PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM,
			0);
	/* not wanted: off even where reported */
	assert_offloads(port_pick_offloads(PTG_PORT_WANT_TX_CKSUM, 0,
					   TX_CKSUM | tso), 0, TX_CKSUM,
			PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM,
			0);
}

static void
test_offloads_multi_segs_when_reported(void **state)
{
	(void)state;
	assert_offloads(port_pick_offloads(0, 0,
					   RTE_ETH_TX_OFFLOAD_MULTI_SEGS), 0,
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS, PTG_NET_OFF_TX_MULTI_SEGS,
			PTG_PORT_F_MULTI_SEGS);
	assert_offloads(port_pick_offloads(WANT_ALL, RX_CKSUM,
			TX_ALL & ~RTE_ETH_TX_OFFLOAD_MULTI_SEGS), RX_CKSUM,
			TX_ALL & ~RTE_ETH_TX_OFFLOAD_MULTI_SEGS, NET_CKSUM,
			PTG_PORT_F_TSO);
}

/* ---- port_pick_rss() ----------------------------------------------------- */

static void
rss_info(struct rte_eth_dev_info *info, uint64_t flow_types,
	 uint8_t key_size)
{
	memset(info, 0, sizeof(*info));
	info->flow_type_rss_offloads = flow_types;
	info->hash_key_size = key_size;
}

/* port_pick_rss() must succeed; returns what it chose. */
static struct port_rss
rss_ok(const struct ptg_port_profile *p, uint16_t nb_rxq,
       const struct rte_eth_dev_info *info)
{
	char err[PT_ERR_MAX] = "";
	struct port_rss rss;

	memset(&rss, 0xa5, sizeof(rss));
	if (port_pick_rss(p, nb_rxq, info, DRV, 0, &rss, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	return rss;
}

static void
assert_rss_off(struct port_rss rss)
{
	assert_true(rss.hf == 0);
	assert_int_equal(rss.key_len, 0);
}

static void
assert_symmetric_key(const struct port_rss *rss, unsigned int len)
{
	unsigned int i;

	assert_int_equal(rss->key_len, len);
	for (i = 0; i < len; i++)
		assert_int_equal(rss->key[i], (i & 1) ? 0x5a : 0x6d);
}

static void
test_rss_off_with_one_queue(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;

	(void)state;
	profile_init(&p);
	p.rss_mode = PTG_PORT_RSS_ON;
	rss_info(&info, UINT64_MAX, 40);
	/* nothing to spread: not an error even with mode = on */
	assert_rss_off(rss_ok(&p, 1, &info));
	rss_info(&info, 0, 0);
	assert_rss_off(rss_ok(&p, 1, &info));
}

static void
test_rss_off_by_profile(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;

	(void)state;
	profile_init(&p);
	p.rss_mode = PTG_PORT_RSS_OFF;
	rss_info(&info, UINT64_MAX, 40);
	assert_rss_off(rss_ok(&p, 4, &info));
}

static void
test_rss_auto_without_device_support(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;

	(void)state;
	profile_init(&p);
	rss_info(&info, 0, 40);
	assert_rss_off(rss_ok(&p, 4, &info));
	/* hashing only what a TCP/IPv4 stack cannot use */
	rss_info(&info, RTE_ETH_RSS_L2_PAYLOAD | RTE_ETH_RSS_NONFRAG_IPV4_UDP,
		 40);
	assert_rss_off(rss_ok(&p, 4, &info));
}

static void
test_rss_on_without_device_support(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";
	struct port_rss rss;

	(void)state;
	profile_init(&p);
	p.rss_mode = PTG_PORT_RSS_ON;
	rss_info(&info, RTE_ETH_RSS_NONFRAG_IPV4_UDP, 40);
	assert_int_equal(port_pick_rss(&p, 2, &info, DRV, 0, &rss, err,
				       sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 21, "rss mode = on, but " DEV " (" DRV ") "
		      "reports no RSS for IPv4/TCP");
}

static void
test_rss_hash_functions_masked_by_device(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;

	(void)state;
	profile_init(&p);
	rss_info(&info, RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
		 RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_L2_PAYLOAD, 40);
	assert_true(rss_ok(&p, 2, &info).hf ==
		    (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP));
	rss_info(&info, UINT64_MAX, 40);
	assert_true(rss_ok(&p, 2, &info).hf ==
		    (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP));
	p.rss_mode = PTG_PORT_RSS_ON;
	rss_info(&info, RTE_ETH_RSS_IPV4, 40);
	assert_true(rss_ok(&p, 2, &info).hf == RTE_ETH_RSS_IPV4);
}

/* A word drawn at start replaces 0x6d5a in every pair of bytes. */
static void
test_rss_symmetric_key_drawn_word(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	struct port_rss rss;
	char err[256];

	(void)state;
	profile_init(&p);
	rss_info(&info, RTE_ETH_RSS_IP, 52);
	assert_int_equal(port_pick_rss(&p, 2, &info, DRV, 0x1f3c, &rss, err,
				       sizeof(err)), 0);
	assert_int_equal(rss.key_len, 52);
	for (unsigned int i = 0; i < 52; i++)
		assert_int_equal(rss.key[i], (i & 1) ? 0x3c : 0x1f);
}

static void
test_rss_symmetric_key_sized_for_device(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	struct port_rss rss;

	(void)state;
	profile_init(&p);
	rss_info(&info, RTE_ETH_RSS_IP, 52);
	rss = rss_ok(&p, 2, &info);
	assert_symmetric_key(&rss, 52);
	/* no size reported: the common 40 bytes */
	rss_info(&info, RTE_ETH_RSS_IP, 0);
	rss = rss_ok(&p, 2, &info);
	assert_symmetric_key(&rss, 40);
	rss_info(&info, RTE_ETH_RSS_IP, PTG_PORT_RSS_KEY_MAX);
	rss = rss_ok(&p, 2, &info);
	assert_symmetric_key(&rss, PTG_PORT_RSS_KEY_MAX);
}

static void
test_rss_device_key_too_long(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";
	struct port_rss rss;

	(void)state;
	profile_init(&p);
	rss_info(&info, RTE_ETH_RSS_IP, PTG_PORT_RSS_KEY_MAX + 1);
	assert_int_equal(port_pick_rss(&p, 2, &info, DRV, 0, &rss, err,
				       sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 3, DEV " wants a 129-byte RSS key, more than "
		      "the 128 supported");
}

static void
test_rss_profile_key_used(void **state)
{
	static const uint8_t key[52] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
		19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
		35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
		51, 52,
	};
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	struct port_rss rss;

	(void)state;
	profile_init(&p);
	memcpy(p.rss_key, key, sizeof(key));
	p.rss_key_len = sizeof(key);
	rss_info(&info, RTE_ETH_RSS_IP, sizeof(key));
	rss = rss_ok(&p, 2, &info);
	assert_int_equal(rss.key_len, sizeof(key));
	assert_memory_equal(rss.key, key, sizeof(key));
	/* a device that does not say: the profile's length */
	rss_info(&info, RTE_ETH_RSS_IP, 0);
	rss = rss_ok(&p, 2, &info);
	assert_int_equal(rss.key_len, sizeof(key));
	assert_memory_equal(rss.key, key, sizeof(key));
}

static void
test_rss_profile_key_wrong_size(void **state)
{
	struct ptg_port_profile p;
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";
	struct port_rss rss;

	(void)state;
	profile_init(&p);
	memset(p.rss_key, 0x6d, 40);
	p.rss_key_len = 40;
	rss_info(&info, RTE_ETH_RSS_IP, 52);
	assert_int_equal(port_pick_rss(&p, 2, &info, DRV, 0, &rss, err,
				       sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 22, "key is 40 bytes but " DEV " (" DRV ") "
		      "takes 52-byte RSS keys (or use key = symmetric)");
}

/* ---- port_check_mtu() ---------------------------------------------------- */

static void
mtu_info(struct rte_eth_dev_info *info, uint16_t min, uint16_t max,
	 uint32_t max_rx_pktlen)
{
	memset(info, 0, sizeof(*info));
	info->min_mtu = min;
	info->max_mtu = max;
	info->max_rx_pktlen = max_rx_pktlen;
}

static int
check_mtu(uint16_t mtu, const struct rte_eth_dev_info *info, char *err,
	  size_t errlen)
{
	struct ptg_port_profile p;

	profile_init(&p);
	p.mtu = mtu;
	return port_check_mtu(&p, info, DRV, err, errlen);
}

static void
test_mtu_zero_keeps_device(void **state)
{
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";

	(void)state;
	mtu_info(&info, 1280, 1280, 0);
	assert_int_equal(check_mtu(0, &info, err, sizeof(err)), 0);
}

static void
test_mtu_within_device_range(void **state)
{
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";

	(void)state;
	mtu_info(&info, 68, 9000, 9018);
	assert_int_equal(check_mtu(68, &info, err, sizeof(err)), 0);
	assert_int_equal(check_mtu(9000, &info, err, sizeof(err)), 0);
	/* ethdev's default limits (no max_mtu reported) */
	mtu_info(&info, RTE_ETHER_MIN_MTU, UINT16_MAX, UINT32_MAX);
	assert_int_equal(check_mtu(9000, &info, err, sizeof(err)), 0);
}

static void
test_mtu_outside_device_range(void **state)
{
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";

	(void)state;
	mtu_info(&info, 68, 1500, 1518);
	assert_int_equal(check_mtu(1501, &info, err, sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 12, "mtu 1501 is outside what " DEV " (" DRV
		      ") supports: 68..1500");
	mtu_info(&info, 1280, 9000, 9018);
	assert_int_equal(check_mtu(576, &info, err, sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 12, "mtu 576 is outside what " DEV " (" DRV
		      ") supports: 1280..9000");
}

static void
test_mtu_frame_too_long(void **state)
{
	struct rte_eth_dev_info info;
	char err[PT_ERR_MAX] = "";

	(void)state;
	/* no max_mtu: 18 bytes of Ethernet header and CRC on top */
	mtu_info(&info, 68, UINT16_MAX, 1518);
	assert_int_equal(check_mtu(1500, &info, err, sizeof(err)), 0);
	assert_int_equal(check_mtu(1501, &info, err, sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 12, "mtu 1501 needs 1519-byte frames; " DEV
		      " (" DRV ") takes at most 1518 (mtu 1500)");
	/* the device's own overhead: max_rx_pktlen - max_mtu */
	mtu_info(&info, 68, 9000, 9026);
	assert_int_equal(check_mtu(9000, &info, err, sizeof(err)), 0);
	/* a max_rx_pktlen below max_mtu: back to 18 bytes */
	mtu_info(&info, 68, 9000, 2000);
	assert_int_equal(check_mtu(1982, &info, err, sizeof(err)), 0);
	assert_int_equal(check_mtu(2000, &info, err, sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 12, "mtu 2000 needs 2018-byte frames; " DEV
		      " (" DRV ") takes at most 2000 (mtu 1982)");
	/* frames shorter than the overhead */
	mtu_info(&info, 68, UINT16_MAX, 10);
	assert_int_equal(check_mtu(68, &info, err, sizeof(err)), -EINVAL);
	pt_assert_err(err, SRC, 12, "mtu 68 needs 86-byte frames; " DEV
		      " (" DRV ") takes at most 10 (mtu 0)");
}

/* ---- ptg_port_open() on virtual devices ---------------------------------- */

/*
 * What the vdevs used here report (DPDK 22.11):
 *   net_ring  no checksum offloads, chained mbufs; no RSS; 16 queues;
 *             link can be set down
 *   net_null  no offloads at all; RSS on every flow type, no key size
 *   net_tap   IPv4/TCP/UDP checksums both ways, TSO, chained mbufs (needs
 *             /dev/net/tun and CAP_NET_ADMIN: skipped without them)
 */

#define DESC 64
#define CACHE 32
/* What ptg_port_open() raises a small pool to: RX and TX rings, the
 * caches of nb_queues + 1 lcores with some slack, and 2048 more. */
#define POOL_SIZE(nrx, ntx) ((nrx) * DESC + (ntx) * DESC + \
			     ((nrx) + 1) * (CACHE + 64) + 2048)

/* A hot-plugged vdev and a profile for it. */
struct vport {
	char name[32];        /* ethdev name, e.g. net_ring3 */
	char *path;           /* the profile file */
	struct ptg_port_profile p;
	struct ptg_port *port;
	char err[PT_ERR_MAX];
};

static int
group_setup(void **state)
{
	(void)state;
	return ptg_test_eal_init() < 0 ? -1 : 0;
}

/*
 * Probe a fresh @driver device (devargs @args, may be "") and load a
 * profile for it: lines 1-5 are "[device]", "vdev = ...", "[queues]",
 * "rx_desc = 64", "tx_desc = 64"; @extra follows from line 6.
 * Returns NULL when the device cannot be probed here.
 */
static struct vport *
vport_new(const char *driver, const char *args, const char *extra)
{
	static unsigned int seq;
	struct vport *v = calloc(1, sizeof(*v));
	char *dev, *text;

	assert_non_null(v);
	snprintf(v->name, sizeof(v->name), "%s%u", driver, seq++);
	assert_true(asprintf(&dev, "%s%s%s", v->name, *args ? "," : "",
			     args) > 0);
	if (rte_dev_probe(dev) != 0) {
		free(dev);
		free(v);
		return NULL;
	}
	assert_true(asprintf(&text, "[device]\nvdev = %s\n[queues]\n"
			     "rx_desc = %d\ntx_desc = %d\n%s", dev, DESC, DESC,
			     extra) > 0);
	free(dev);
	v->path = pt_file(text);
	free(text);
	if (ptg_port_profile_load(&v->p, v->path, v->err,
				  sizeof(v->err)) != 0)
		fail_msg("%s", v->err);
	return v;
}

/* A net_ring port (always available). */
static struct vport *
ring_new(const char *extra)
{
	struct vport *v = vport_new("net_ring", "", extra);

	assert_non_null(v);
	return v;
}

/* A net_null port (always available). */
static struct vport *
null_new(const char *extra)
{
	struct vport *v = vport_new("net_null", "", extra);

	assert_non_null(v);
	return v;
}

/* ptg_port_open() with @nb_queues pairs and a small pool. */
static struct ptg_port *
vport_open(struct vport *v, uint16_t nb_queues)
{
	struct ptg_port_params params = {
		.nb_queues = nb_queues,
		.nb_mbufs = 512,
		.mbuf_cache = CACHE,
	};

	v->err[0] = '\0';
	v->port = ptg_port_open(&v->p, &params, v->err, sizeof(v->err));
	return v->port;
}

/* vport_open() that must succeed. */
static struct ptg_port *
vport_open_ok(struct vport *v, uint16_t nb_queues)
{
	if (vport_open(v, nb_queues) == NULL)
		fail_msg("ptg_port_open: %s", v->err);
	return v->port;
}

static void
vport_free(struct vport *v)
{
	ptg_port_close(v->port);
	assert_int_equal(rte_eal_hotplug_remove("vdev", v->name), 0);
	pt_file_free(v->path);
	free(v);
}

static void
test_open_ring(void **state)
{
	struct vport *v = ring_new("");
	char mac[RTE_ETHER_ADDR_FMT_SIZE], want[256], desc[256];
	struct rte_ether_addr ea, dev_ea;
	struct rte_eth_conf conf;
	struct rte_mempool *mp;
	uint16_t id;

	(void)state;
	vport_open_ok(v, 1);
	id = ptg_port_id(v->port);
	assert_string_equal(ptg_port_name(v->port), v->name);
	assert_string_equal(ptg_port_driver(v->port), "net_ring");
	assert_int_equal(ptg_port_nb_queues(v->port), 1);
	assert_int_equal(ptg_port_mtu(v->port), RTE_ETHER_MTU);
	assert_true(ptg_port_socket(v->port) >= 0);

	/* checksums wanted (the default) but not reported: software;
	 * chained mbufs reported: on */
	assert_int_equal(ptg_port_net_offloads(v->port),
			 PTG_NET_OFF_TX_MULTI_SEGS);
	assert_int_equal(ptg_port_features(v->port), PTG_PORT_F_MULTI_SEGS);
	assert_int_equal(rte_eth_dev_conf_get(id, &conf), 0);
	assert_true(conf.rxmode.offloads == 0);
	assert_true(conf.txmode.offloads == RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);

	/* the pool: raised to what the rings need; a 1500 MTU frame fits
	 * the standard buffer */
	mp = ptg_port_mempool(v->port);
	assert_non_null(mp);
	assert_int_equal(mp->size, POOL_SIZE(1, 1));
	assert_int_equal(rte_pktmbuf_data_room_size(mp),
			 RTE_MBUF_DEFAULT_BUF_SIZE);

	ptg_port_mac(v->port, &ea);
	assert_int_equal(rte_eth_macaddr_get(id, &dev_ea), 0);
	assert_memory_equal(&ea, &dev_ea, sizeof(ea));
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	snprintf(want, sizeof(want), "%s (net_ring) port %u mac %s mtu 1500 "
		 "queues 1 rxd 64 txd 64 offloads none (software checksums) "
		 "rss off", v->name, id, mac);
	assert_int_equal(ptg_port_describe(v->port, desc, sizeof(desc)),
			 (int)strlen(want));
	assert_string_equal(desc, want);
	vport_free(v);
}

static void
test_open_fixed_tx_queues(void **state)
{
	/* in [queues]: more TX queues than workers is allowed */
	struct vport *v = ring_new("tx_queues = 4\n");
	struct rte_eth_dev_info info;

	(void)state;
	assert_int_equal(v->p.tx_queues, 4);
	vport_open_ok(v, 2);
	assert_int_equal(rte_eth_dev_info_get(ptg_port_id(v->port), &info), 0);
	assert_int_equal(info.nb_rx_queues, 2);
	assert_int_equal(info.nb_tx_queues, 4);
	assert_int_equal(ptg_port_nb_queues(v->port), 2);
	assert_int_equal(ptg_port_mempool(v->port)->size, POOL_SIZE(2, 4));
	vport_free(v);
}

static void
test_open_no_rss_on_device_without_it(void **state)
{
	struct vport *v = ring_new("");
	struct rte_eth_conf conf;

	(void)state;
	/* mode = auto: the driver spreads flows */
	vport_open_ok(v, 2);
	assert_int_equal(ptg_port_features(v->port), PTG_PORT_F_MULTI_SEGS);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);
	vport_free(v);
}

static void
test_open_rss_required_on_device_without_it(void **state)
{
	struct vport *v = ring_new("[rss]\nmode = on\n");   /* line 7 */

	(void)state;
	rte_errno = 0;
	assert_null(vport_open(v, 2));
	assert_int_equal(rte_errno, EINVAL);
	pt_assert_err(v->err, v->path, 7, "rss mode = on, but %s (net_ring) "
		      "reports no RSS for IPv4/TCP", v->name);
	vport_free(v);
}

static void
test_open_rss_over_queues(void **state)
{
	struct vport *v = null_new("");
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint64_t hf;
	uint16_t id;

	(void)state;
	vport_open_ok(v, 2);
	id = ptg_port_id(v->port);
	assert_int_equal(rte_eth_dev_info_get(id, &info), 0);
	hf = info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP);
	assert_true(hf != 0);
	assert_true(hf != info.flow_type_rss_offloads);
	assert_int_equal(ptg_port_features(v->port), PTG_PORT_F_RSS);
	assert_int_equal(rte_eth_dev_conf_get(id, &conf), 0);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_RSS);
	assert_true(conf.rx_adv_conf.rss_conf.rss_hf == hf);
	/* net_null names no key size: 40 bytes */
	assert_int_equal(info.hash_key_size, 0);
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_key_len, 40);
	assert_int_equal(ptg_port_mempool(v->port)->size, POOL_SIZE(2, 2));
	vport_free(v);
}

/* Overwrite the stack below the caller, where ptg_port_open() ran. */
static __attribute__((noinline)) unsigned int
scribble(void)
{
	volatile uint8_t junk[16384];
	unsigned int i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 31);
	return junk[sizeof(junk) - 1] + 1u;
}

static void
test_open_rss_key_outlives_open(void **state)
{
	struct vport *v = null_new("");
	struct rte_eth_conf conf;
	const uint8_t *key;
	unsigned int i;

	(void)state;
	vport_open_ok(v, 2);
	/* ethdev keeps the key pointer of the configuration (drivers may
	 * read it again when the port restarts): it must stay valid */
	assert_true(scribble() != 0);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	key = conf.rx_adv_conf.rss_conf.rss_key;
	assert_non_null(key);
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_key_len, 40);
	for (i = 0; i < 40; i++)
		assert_int_equal(key[i], (i & 1) ? 0x5a : 0x6d);
	vport_free(v);
}

static void
test_open_rss_profile_key(void **state)
{
	struct vport *v = null_new("[rss]\nkey = 6d5a6d5a6d5a6d5a\n");
	struct rte_eth_conf conf;

	(void)state;
	/* a device without a key size takes the profile's length */
	vport_open_ok(v, 2);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_key_len, 8);
	vport_free(v);
}

static void
test_open_rss_off_by_profile(void **state)
{
	struct vport *v = null_new("[rss]\nmode = off\n");
	struct rte_eth_conf conf;

	(void)state;
	vport_open_ok(v, 2);
	assert_int_equal(ptg_port_features(v->port), 0);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);
	vport_free(v);
}

static void
test_open_mtu(void **state)
{
	struct vport *v = ring_new("[port]\nmtu = 9000\n");

	(void)state;
	vport_open_ok(v, 1);
	assert_int_equal(ptg_port_mtu(v->port), 9000);
	/* 9000 + 14 + 4 + 8 (VLAN, QinQ) after the headroom */
	assert_int_equal(rte_pktmbuf_data_room_size(ptg_port_mempool(v->port)),
			 RTE_PKTMBUF_HEADROOM + 9026);
	vport_free(v);
}

static void
test_open_mtu_zero_keeps_device_mtu(void **state)
{
	struct rte_eth_conf conf = { .rxmode = { .mtu = 9000 } };
	struct vport *v = ring_new("[port]\nmtu = 0\n");
	uint16_t id, mtu = 0;

	(void)state;
	/* the device is at 9000 before we open it (as a driver that takes
	 * its MTU from the host would be); mtu = 0 keeps that */
	assert_int_equal(rte_eth_dev_get_port_by_name(v->name, &id), 0);
	assert_int_equal(rte_eth_dev_configure(id, 1, 1, &conf), 0);
	vport_open_ok(v, 1);
	assert_int_equal(ptg_port_mtu(v->port), 9000);
	assert_int_equal(rte_eth_dev_get_mtu(id, &mtu), 0);
	assert_int_equal(mtu, 9000);
	assert_int_equal(rte_pktmbuf_data_room_size(ptg_port_mempool(v->port)),
			 RTE_PKTMBUF_HEADROOM + 9026);
	vport_free(v);
}

/* Open a net_ring port with @nrx workers and "tx_queues = @ntx" (0:
 * auto); it must fail on the queue count. */
static void
assert_too_many_queues(uint16_t nrx, uint16_t ntx)
{
	char extra[32] = "";
	struct vport *v;
	struct rte_eth_dev_info info;
	uint16_t id;

	if (ntx != 0)
		snprintf(extra, sizeof(extra), "tx_queues = %u\n", ntx);
	v = ring_new(extra);
	assert_int_equal(rte_eth_dev_get_port_by_name(v->name, &id), 0);
	assert_int_equal(rte_eth_dev_info_get(id, &info), 0);
	assert_int_equal(info.max_rx_queues, 16);
	assert_int_equal(info.max_tx_queues, 16);
	rte_errno = 0;
	assert_null(vport_open(v, nrx));
	assert_int_equal(rte_errno, EINVAL);
	/* reported at the device's line (no queues_devarg) */
	pt_assert_err(v->err, v->path, 2, "%s (net_ring) has at most 16 RX / "
		      "16 TX queues; %u worker%s need%s %u RX and %u TX",
		      v->name, nrx, nrx == 1 ? "" : "s", nrx == 1 ? "s" : "",
		      nrx, ntx ? ntx : nrx);
	vport_free(v);
}

static void
test_open_too_many_queues(void **state)
{
	(void)state;
	assert_too_many_queues(17, 0);
	assert_too_many_queues(17, 16);   /* RX alone over */
	assert_too_many_queues(2, 17);    /* TX alone over */
	assert_too_many_queues(1, 17);
}

static void
test_open_not_probed(void **state)
{
	struct ptg_port_params params = { .nb_queues = 1 };
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	profile_init(&p);
	snprintf(p.dev_name, sizeof(p.dev_name), "net_null_absent");
	rte_errno = 0;
	assert_null(ptg_port_open(&p, &params, err, sizeof(err)));
	assert_int_equal(rte_errno, ENODEV);
	pt_assert_err(err, SRC, 3, "device net_null_absent was not probed (see "
		      "the EAL messages above)");
}

static void
test_open_bad_arguments(void **state)
{
	struct ptg_port_params params = { .nb_queues = 0 };
	struct ptg_port_profile p;
	char err[PT_ERR_MAX] = "";

	(void)state;
	profile_init(&p);
	rte_errno = 0;
	assert_null(ptg_port_open(&p, &params, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	params.nb_queues = 1;
	rte_errno = 0;
	assert_null(ptg_port_open(NULL, &params, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	rte_errno = 0;
	assert_null(ptg_port_open(&p, NULL, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_close_accepts_null(void **state)
{
	(void)state;
	ptg_port_close(NULL);
}

/* A net_tap port, or a skipped test where TAP devices cannot be made. */
static struct vport *
tap_new(const char *extra)
{
	char iface[IF_NAMESIZE];
	static unsigned int n;
	struct vport *v;
	char *args;

	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		skip();
	snprintf(iface, sizeof(iface), "ptg%ut%u", (unsigned int)getpid(),
		 n++);
	assert_true(asprintf(&args, "iface=%s", iface) > 0);
	v = vport_new("net_tap", args, extra);
	free(args);
	if (v == NULL)
		skip();
	return v;
}

static void
test_open_tap_checksum_offloads(void **state)
{
	struct vport *v = tap_new("");
	struct rte_eth_conf conf;

	(void)state;
	/* checksums wanted (the default) and reported; TSO not wanted */
	vport_open_ok(v, 1);
	assert_int_equal(ptg_port_net_offloads(v->port), NET_ALL);
	assert_int_equal(ptg_port_features(v->port), PTG_PORT_F_MULTI_SEGS);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	assert_true(conf.rxmode.offloads == RX_CKSUM);
	assert_true(conf.txmode.offloads ==
		    (TX_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS));
	vport_free(v);
}

static void
test_open_tap_tso_and_partial_wishes(void **state)
{
	struct vport *v = tap_new("[offloads]\nrx_checksum = no\ntso = yes\n");
	struct rte_eth_conf conf;
	char desc[256];

	(void)state;
	vport_open_ok(v, 1);
	assert_int_equal(ptg_port_net_offloads(v->port),
			 PTG_NET_OFF_TX_IPV4_CKSUM | PTG_NET_OFF_TX_TCP_CKSUM |
			 PTG_NET_OFF_TX_MULTI_SEGS);
	assert_int_equal(ptg_port_features(v->port),
			 PTG_PORT_F_TSO | PTG_PORT_F_MULTI_SEGS);
	assert_int_equal(rte_eth_dev_conf_get(ptg_port_id(v->port), &conf), 0);
	assert_true(conf.rxmode.offloads == 0);
	assert_true(conf.txmode.offloads == TX_ALL);
	ptg_port_describe(v->port, desc, sizeof(desc));
	assert_non_null(strstr(desc, " offloads tx-ipv4-cksum,tx-tcp-cksum,"
			       "tso rss off"));
	vport_free(v);
}

/* ---- ptg_port_wait_link() ------------------------------------------------ */

static int
abort_now(void)
{
	return 1;
}

static void
test_wait_link_up(void **state)
{
	struct vport *v = ring_new("[port]\nlink_required = yes\n");

	(void)state;
	vport_open_ok(v, 1);
	assert_int_equal(ptg_port_wait_link(v->port, NULL, v->err,
					    sizeof(v->err)), 0);
	vport_free(v);
}

/* Open @v and take its link down. */
static void
open_link_down(struct vport *v)
{
	vport_open_ok(v, 1);
	assert_int_equal(rte_eth_dev_set_link_down(ptg_port_id(v->port)), 0);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
test_wait_link_down_required(void **state)
{
	/* link_required at line 8 */
	struct vport *v = ring_new("[port]\nlink_wait_ms = 100\n"
				   "link_required = yes\n");
	uint64_t t0;

	(void)state;
	open_link_down(v);
	t0 = now_ms();
	assert_int_equal(ptg_port_wait_link(v->port, NULL, v->err,
					    sizeof(v->err)), -ETIMEDOUT);
	/* it did wait (how much longer depends on the machine's load) */
	assert_true(now_ms() - t0 >= 100);
	pt_assert_err(v->err, v->path, 8, "%s: link still down after 100 ms "
		      "(link_required = yes)", v->name);
	vport_free(v);
}

static void
test_wait_link_down_not_required(void **state)
{
	struct vport *v = ring_new("[port]\nlink_wait_ms = 0\n");

	(void)state;
	open_link_down(v);
	v->err[0] = '\0';
	assert_int_equal(ptg_port_wait_link(v->port, NULL, v->err,
					    sizeof(v->err)), 0);
	assert_string_equal(v->err, "");
	vport_free(v);
}

static void
test_wait_link_aborted(void **state)
{
	struct vport *v = ring_new("[port]\nlink_wait_ms = 600000\n"
				   "link_required = yes\n");

	(void)state;
	open_link_down(v);
	assert_int_equal(ptg_port_wait_link(v->port, abort_now, v->err,
					    sizeof(v->err)), -EINTR);
	vport_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offloads_nothing_wanted_nothing_reported),
		cmocka_unit_test(test_offloads_wanted_and_reported_are_on),
		cmocka_unit_test(test_offloads_wanted_but_unreported_fall_back),
		cmocka_unit_test(test_offloads_reported_but_unwanted_are_off),
		cmocka_unit_test(test_offloads_other_capabilities_ignored),
		cmocka_unit_test(test_offloads_rx_checksum_per_protocol),
		cmocka_unit_test(test_offloads_tx_checksum_per_protocol),
		cmocka_unit_test(test_offloads_rx_and_tx_wishes_independent),
		cmocka_unit_test(test_offloads_tso_needs_tx_tcp_checksum),
		cmocka_unit_test(test_offloads_multi_segs_when_reported),
		cmocka_unit_test(test_rss_off_with_one_queue),
		cmocka_unit_test(test_rss_off_by_profile),
		cmocka_unit_test(test_rss_auto_without_device_support),
		cmocka_unit_test(test_rss_on_without_device_support),
		cmocka_unit_test(test_rss_hash_functions_masked_by_device),
		cmocka_unit_test(test_rss_symmetric_key_sized_for_device),
		cmocka_unit_test(test_rss_symmetric_key_drawn_word),
		cmocka_unit_test(test_rss_device_key_too_long),
		cmocka_unit_test(test_rss_profile_key_used),
		cmocka_unit_test(test_rss_profile_key_wrong_size),
		cmocka_unit_test(test_mtu_zero_keeps_device),
		cmocka_unit_test(test_mtu_within_device_range),
		cmocka_unit_test(test_mtu_outside_device_range),
		cmocka_unit_test(test_mtu_frame_too_long),
		cmocka_unit_test(test_open_ring),
		cmocka_unit_test(test_open_fixed_tx_queues),
		cmocka_unit_test(test_open_no_rss_on_device_without_it),
		cmocka_unit_test(test_open_rss_required_on_device_without_it),
		cmocka_unit_test(test_open_rss_over_queues),
		cmocka_unit_test(test_open_rss_key_outlives_open),
		cmocka_unit_test(test_open_rss_profile_key),
		cmocka_unit_test(test_open_rss_off_by_profile),
		cmocka_unit_test(test_open_mtu),
		cmocka_unit_test(test_open_mtu_zero_keeps_device_mtu),
		cmocka_unit_test(test_open_too_many_queues),
		cmocka_unit_test(test_open_not_probed),
		cmocka_unit_test(test_open_bad_arguments),
		cmocka_unit_test(test_open_tap_checksum_offloads),
		cmocka_unit_test(test_open_tap_tso_and_partial_wishes),
		cmocka_unit_test(test_close_accepts_null),
		cmocka_unit_test(test_wait_link_up),
		cmocka_unit_test(test_wait_link_down_required),
		cmocka_unit_test(test_wait_link_down_not_required),
		cmocka_unit_test(test_wait_link_aborted),
	};

	return cmocka_run_group_tests_name("port", tests, group_setup, NULL);
}
