/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/net.c: instance life cycle, configuration checks, counters, the
 * TX batch and the address parsers.
 *
 * main() -> cmocka -> test_* -> ptg_net_create() / ptg_net_tx_frame() /
 *                               ptg_net_flush() / ptg_net_parse_*()
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "ptg_test.h"

static struct rte_mbuf *
tx_frame(struct ptg_test_env *env, uint32_t len)
{
	uint8_t buf[256];
	struct rte_mbuf *m;

	assert_true(len <= sizeof(buf));
	ptg_test_pattern(buf, len, (uint8_t)len);
	m = ptg_test_raw(env->mp, buf, len);
	assert_non_null(m);
	return m;
}

/* ---- configuration ------------------------------------------------------- */

static void
expect_einval(struct ptg_net_config *cfg)
{
	struct rte_mempool *mp = ptg_test_mempool();

	rte_errno = 0;
	assert_null(ptg_net_create(cfg, mp, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_create_bad_config(void **state)
{
	struct ptg_test_port port;
	struct ptg_net_config cfg;
	unsigned int base = ptg_test_mempool_in_use(ptg_test_mempool());

	(void)state;
	ptg_test_port_init(&port);

	rte_errno = 0;
	ptg_test_net_config(&cfg, &port);
	assert_null(ptg_net_create(NULL, ptg_test_mempool(), SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(ptg_net_create(&cfg, NULL, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);

	ptg_test_net_config(&cfg, &port);
	cfg.tx = NULL;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.mac = ptg_test_mac_bcast;            /* multicast MAC */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	memset(&cfg.mac, 0, sizeof(cfg.mac));    /* zero MAC */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.prefix_len = 33;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.addr = 0;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.addr = PTG_TEST_IP(224, 0, 0, 1);
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.addr = PTG_TEST_IP(198, 18, 0, 255); /* subnet broadcast */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.gateway = PTG_TEST_IP(198, 19, 0, 1); /* not on link */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.gateway = cfg.addr;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.mtu = 67;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.mtu = 9001;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.arp_retries = 256;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.arp_request_rate = 1000001;
	expect_einval(&cfg);

	ptg_test_assert_mempool(ptg_test_mempool(), base);
}

/* Further local addresses: the range must sit on the prefix, miss the
 * broadcast and the gateway, and stay within the bound. */
static void
test_create_extra_addrs(void **state)
{
	struct ptg_test_port port;
	struct ptg_net_config cfg;
	struct ptg_net *net;

	(void)state;
	ptg_test_port_init(&port);

	ptg_test_net_config(&cfg, &port);
	cfg.extra_addr = PTG_TEST_IP(198, 18, 0, 100);
	cfg.nb_extra_addrs = 16;
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	assert_true(ptg_net_addr_is_local(net, PTG_TEST_IP_LOCAL));
	assert_true(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 18, 0, 100)));
	assert_true(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 18, 0, 115)));
	assert_false(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 18, 0, 99)));
	assert_false(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 18, 0, 116)));
	assert_false(ptg_net_addr_is_local(net, PTG_TEST_IP_PEER));
	ptg_net_free(net);

	/* nb 0: extra_addr is ignored (and reads back as 0) */
	ptg_test_net_config(&cfg, &port);
	cfg.extra_addr = PTG_TEST_IP(10, 0, 0, 1);
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	assert_true(ptg_net_config(net)->extra_addr == 0);
	assert_false(ptg_net_addr_is_local(net, PTG_TEST_IP(10, 0, 0, 1)));
	ptg_net_free(net);

	ptg_test_net_config(&cfg, &port);
	cfg.nb_extra_addrs = 4;                      /* no first address */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.extra_addr = PTG_TEST_IP(198, 18, 0, 250);
	cfg.nb_extra_addrs = 10;                     /* runs off the /24 */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.extra_addr = PTG_TEST_IP(198, 19, 0, 1); /* another prefix */
	cfg.nb_extra_addrs = 1;
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.extra_addr = PTG_TEST_IP(198, 18, 0, 250);
	cfg.nb_extra_addrs = 5;                      /* holds the gateway */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.gateway = 0;
	cfg.extra_addr = PTG_TEST_IP(198, 18, 0, 250);
	cfg.nb_extra_addrs = 6;                      /* holds .255 */
	expect_einval(&cfg);

	ptg_test_net_config(&cfg, &port);
	cfg.prefix_len = 8;
	cfg.gateway = 0;
	cfg.extra_addr = PTG_TEST_IP(198, 0, 0, 1);
	cfg.nb_extra_addrs = PTG_NET_EXTRA_ADDRS_MAX + 1;
	expect_einval(&cfg);
	cfg.nb_extra_addrs = PTG_NET_EXTRA_ADDRS_MAX;
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	assert_true(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 1, 0, 0)));
	assert_false(ptg_net_addr_is_local(net, PTG_TEST_IP(198, 1, 0, 1)));
	ptg_net_free(net);
}

static void
test_create_defaults(void **state)
{
	struct ptg_test_port port;
	struct ptg_net_config cfg;
	const struct ptg_net_config *c;
	struct ptg_net *net;

	(void)state;
	ptg_test_port_init(&port);
	ptg_test_net_config(&cfg, &port);
	cfg.mtu = 0;
	cfg.arp_entries = 0;
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	c = ptg_net_config(net);
	assert_int_equal(c->mtu, 1500);
	assert_int_equal(c->arp_entries, 1024);
	assert_int_equal(c->arp_queue_per_entry, 8);
	assert_int_equal(c->arp_retries, 3);
	assert_true(c->arp_retry_ns == PTG_TEST_S(1));
	assert_true(c->arp_max_age_ns == PTG_TEST_S(300));
	assert_int_equal(c->arp_request_rate, 50);
	assert_true(c->addr == PTG_TEST_IP_LOCAL);
	assert_ptr_equal(ptg_net_mempool(net), ptg_test_mempool());
	assert_int_equal(ptg_net_arp_count(net), 0);
	ptg_test_assert_only_drop(net, NULL, 0);
	ptg_net_free(net);
	ptg_net_free(NULL);
}

/* A /32 (no on-link peers) and a /31 (RFC 3021, no broadcast) are fine. */
static void
test_create_small_prefixes(void **state)
{
	struct ptg_test_port port;
	struct ptg_net_config cfg;
	struct ptg_net *net;

	(void)state;
	ptg_test_port_init(&port);
	ptg_test_net_config(&cfg, &port);
	cfg.prefix_len = 32;
	cfg.gateway = 0;
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	ptg_net_free(net);

	ptg_test_net_config(&cfg, &port);
	cfg.prefix_len = 31;
	cfg.addr = PTG_TEST_IP(198, 18, 0, 3);
	cfg.gateway = PTG_TEST_IP(198, 18, 0, 2);
	net = ptg_net_create(&cfg, ptg_test_mempool(), SOCKET_ID_ANY);
	assert_non_null(net);
	ptg_net_free(net);
}

static void
test_set_l4(void **state)
{
	struct ptg_test_env *env = *state;

	assert_int_equal(ptg_net_set_l4(env->net, IPPROTO_ICMP, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ptg_net_set_l4(NULL, IPPROTO_TCP, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ptg_net_set_l4(env->net, IPPROTO_TCP, NULL, NULL), 0);
}

/* ---- counters -------------------------------------------------------------- */

static void
test_stat_names(void **state)
{
	unsigned int i, j;

	(void)state;
	assert_string_equal(ptg_net_stat_name(0), "rx_frames");
	assert_string_equal(ptg_net_stat_name(PTG_NET_NB_STATS - 1),
			    "drop_tx_full");
	assert_null(ptg_net_stat_name(PTG_NET_NB_STATS));
	assert_int_equal(sizeof(struct ptg_net_stats),
			 PTG_NET_NB_STATS * sizeof(uint64_t));
	for (i = 0; i < PTG_NET_NB_STATS; i++)
		for (j = i + 1; j < PTG_NET_NB_STATS; j++)
			assert_string_not_equal(ptg_net_stat_name(i),
						ptg_net_stat_name(j));
}

/* ---- TX batch -------------------------------------------------------------- */

static void
test_tx_batch_full_burst(void **state)
{
	struct ptg_test_env *env = *state;
	unsigned int i;

	for (i = 0; i < PTG_NET_TX_BURST - 1; i++)
		ptg_net_tx_frame(env->net, tx_frame(env, 60));
	/* not full: nothing handed over yet */
	assert_int_equal(env->port.calls, 0);
	ptg_net_tx_frame(env->net, tx_frame(env, 60));
	/* the 32nd fills the batch: one call with all of them */
	assert_int_equal(env->port.calls, 1);
	assert_int_equal(env->port.max_burst, PTG_NET_TX_BURST);
	assert_int_equal(env->port.n, PTG_NET_TX_BURST);
	ptg_net_tx_frame(env->net, tx_frame(env, 100));
	assert_int_equal(env->port.n, PTG_NET_TX_BURST);
	ptg_net_flush(env->net);
	assert_int_equal(env->port.calls, 2);
	assert_int_equal(env->port.n, PTG_NET_TX_BURST + 1);
	/* an empty flush does not call the callback */
	ptg_net_flush(env->net);
	assert_int_equal(env->port.calls, 2);

	assert_int_equal(PTG_TEST_NET_STAT(env, tx_frames),
			 PTG_NET_TX_BURST + 1);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_bytes),
			 PTG_NET_TX_BURST * 60 + 100);
	for (i = 0; i < env->port.n; i++)
		assert_int_equal(env->port.pkts[i]->port, env->cfg.port_id);
	ptg_test_assert_only_drop(env->net, NULL, 0);
}

static void
test_tx_full_counted(void **state)
{
	struct ptg_test_env *env = *state;
	unsigned int i;

	env->port.budget = 3;
	for (i = 0; i < 10; i++)
		ptg_net_tx_frame(env->net, tx_frame(env, 64 + i));
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 3);
	assert_int_equal(env->port.refused, 7);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_frames), 3);
	assert_int_equal(PTG_TEST_NET_STAT(env, tx_bytes), 64 + 65 + 66);
	ptg_test_assert_only_drop(env->net, "drop_tx_full", 7);
}

/* Frames still in the batch are freed with the instance. */
static void
test_free_with_batched_frames(void **state)
{
	struct ptg_test_env *env = *state;

	ptg_net_tx_frame(env->net, tx_frame(env, 60));
	ptg_net_tx_frame(env->net, tx_frame(env, 60));
	assert_int_equal(env->port.n, 0);
	/* teardown frees the net and checks the pool */
}

static void
test_port_id_stamped(void **state)
{
	struct ptg_test_env *env;
	struct ptg_net_config cfg;

	(void)state;
	ptg_test_net_config(&cfg, NULL);
	cfg.port_id = 7;
	env = ptg_test_env_new(&cfg);
	assert_non_null(env);
	ptg_net_tx_frame(env->net, tx_frame(env, 60));
	ptg_net_flush(env->net);
	assert_int_equal(env->port.n, 1);
	assert_int_equal(env->port.pkts[0]->port, 7);
	ptg_test_env_free(env);
}

/* ---- parsers --------------------------------------------------------------- */

static void
test_parse_ipv4(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "a.b.c.d",
		"1.2.3.4 ", " 1.2.3.4", "1..2.3", "01.2.3.4", "1.2.3.4/24",
	};
	rte_be32_t a = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(ptg_net_parse_ipv4("198.18.0.1", &a), 0);
	assert_true(a == PTG_TEST_IP(198, 18, 0, 1));
	assert_int_equal(ptg_net_parse_ipv4("0.0.0.0", &a), 0);
	assert_true(a == 0);
	assert_int_equal(ptg_net_parse_ipv4("255.255.255.255", &a), 0);
	assert_true(a == PTG_TEST_IP(255, 255, 255, 255));
	for (i = 0; i < RTE_DIM(bad); i++) {
		a = 0x12345678;
		assert_int_equal(ptg_net_parse_ipv4(bad[i], &a), -EINVAL);
		assert_true(a == 0x12345678);
	}
	assert_int_equal(ptg_net_parse_ipv4(NULL, &a), -EINVAL);
	assert_int_equal(ptg_net_parse_ipv4("1.2.3.4", NULL), -EINVAL);
}

static void
test_parse_prefix(void **state)
{
	static const char *const bad[] = {
		"198.18.0.1", "198.18.0.1/", "198.18.0.1/33", "198.18.0.1/-1",
		"198.18.0.1/2a", "198.18.0.1/100", "/24", "198.18.0/24",
		"198.18.0.1/24/1", "198.18.0.1/ 24", "198.18.0.1 /24",
		"1234567890123456789/8",
	};
	rte_be32_t a = 0;
	uint8_t len = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(ptg_net_parse_prefix("198.18.0.1/24", &a, &len), 0);
	assert_true(a == PTG_TEST_IP(198, 18, 0, 1));
	assert_int_equal(len, 24);
	assert_int_equal(ptg_net_parse_prefix("10.0.0.0/0", &a, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(ptg_net_parse_prefix("10.0.0.1/32", &a, &len), 0);
	assert_int_equal(len, 32);
	for (i = 0; i < RTE_DIM(bad); i++) {
		len = 99;
		assert_int_equal(ptg_net_parse_prefix(bad[i], &a, &len),
				 -EINVAL);
		assert_int_equal(len, 99);
	}
	assert_int_equal(ptg_net_parse_prefix(NULL, &a, &len), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_bad_config),
		cmocka_unit_test(test_create_extra_addrs),
		cmocka_unit_test(test_create_defaults),
		cmocka_unit_test(test_create_small_prefixes),
		cmocka_unit_test_setup_teardown(test_set_l4,
			ptg_test_env_setup, ptg_test_env_teardown),
		cmocka_unit_test(test_stat_names),
		cmocka_unit_test_setup_teardown(test_tx_batch_full_burst,
			ptg_test_env_setup, ptg_test_env_teardown),
		cmocka_unit_test_setup_teardown(test_tx_full_counted,
			ptg_test_env_setup, ptg_test_env_teardown),
		cmocka_unit_test_setup_teardown(test_free_with_batched_frames,
			ptg_test_env_setup, ptg_test_env_teardown),
		cmocka_unit_test(test_port_id_stamped),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_prefix),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
