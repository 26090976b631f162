/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness: the environment, a stack object on the fake port with an
 * injected clock (see ptg_test.h).
 *
 * test setup -> ptg_test_env_new[_tcp]() -> ptg_stack_create(tx = fake port)
 * test body  -> builders -> ptg_test_env_rx() -> ptg_stack_rx() -> flush
 *            -> ptg_test_env_advance() -> ptg_stack_poll() -> flush
 * teardown   -> ptg_test_env_free() -> ptg_stack_free(), pool at baseline
 *
 * A file of its own so that a test which never makes an env (the service
 * tests over fake_conn.c) links no part of the stack or the engine.
 */
#include <stdlib.h>
#include <string.h>

#include "ptg_test.h"

/* ---- environment ------------------------------------------------------------ */

void
ptg_test_net_config(struct ptg_net_config *cfg, struct ptg_test_port *port)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mac = ptg_test_mac_local;
	cfg->addr = PTG_TEST_IP_LOCAL;
	cfg->prefix_len = PTG_TEST_PREFIX_LEN;
	cfg->gateway = PTG_TEST_IP_GW;
	cfg->mtu = 1500;
	cfg->arp_entries = 64;
	cfg->tx = ptg_test_port_tx;
	cfg->tx_arg = port;
}

struct ptg_test_env *
ptg_test_env_new(const struct ptg_net_config *cfg)
{
	return ptg_test_env_new_tcp(cfg, NULL);
}

struct ptg_test_env *
ptg_test_env_new_tcp(const struct ptg_net_config *cfg,
		     const struct ptg_tcp_config *tcp)
{
	struct ptg_stack_config sc;
	struct ptg_test_env *env;

	env = calloc(1, sizeof(*env));
	if (env == NULL)
		return NULL;
	env->mp = ptg_test_mempool();
	if (env->mp == NULL)
		goto fail;
	env->mp_baseline = ptg_test_mempool_in_use(env->mp);
	ptg_test_port_init(&env->port);
	if (cfg != NULL) {
		env->cfg = *cfg;
		env->cfg.tx = ptg_test_port_tx;
		env->cfg.tx_arg = &env->port;
	} else {
		ptg_test_net_config(&env->cfg, &env->port);
	}
	env->now = PTG_TEST_S(1);
	ptg_stack_config_default(&sc);
	sc.net = env->cfg;
	if (tcp != NULL)
		sc.tcp = *tcp;
	sc.no_tcp = tcp == NULL;
	sc.mp = env->mp;
	env->stack = ptg_stack_create(&sc);
	if (env->stack == NULL)
		goto fail;
	env->net = ptg_stack_net(env->stack);
	env->tcp = ptg_stack_tcp(env->stack);
	return env;
fail:
	free(env);
	return NULL;
}

void
ptg_test_env_free(struct ptg_test_env *env)
{
	if (env == NULL)
		return;
	ptg_stack_free(env->stack);
	env->stack = NULL;
	env->net = NULL;
	env->tcp = NULL;
	ptg_test_port_clear(&env->port);
	ptg_test_assert_mempool(env->mp, env->mp_baseline);
	free(env);
}

int
ptg_test_env_setup(void **state)
{
	*state = ptg_test_env_new(NULL);
	return *state == NULL ? -1 : 0;
}

int
ptg_test_env_teardown(void **state)
{
	ptg_test_env_free(*state);
	*state = NULL;
	return 0;
}

void
ptg_test_env_rx(struct ptg_test_env *env, struct rte_mbuf *m)
{
	assert_non_null(m);
	ptg_stack_rx(env->stack, &m, 1, env->now);
	ptg_stack_flush(env->stack);
}

void
ptg_test_env_advance(struct ptg_test_env *env, uint64_t ns)
{
	env->now += ns;
	ptg_test_env_poll(env);
}

void
ptg_test_env_poll(struct ptg_test_env *env)
{
	ptg_stack_poll(env->stack, env->now);
	ptg_stack_flush(env->stack);
}

void
ptg_test_env_arp_seed(struct ptg_test_env *env, rte_be32_t ip,
		      const struct rte_ether_addr *mac)
{
	unsigned int before = env->port.n;

	ptg_test_env_rx(env, ptg_test_arp_reply(env->mp, mac, ip,
						env->cfg.addr));
	assert_int_equal(env->port.n, before);
}

void
ptg_test_assert_only_drop(const struct ptg_net *net, const char *drop_name,
			  uint64_t expected)
{
	const uint64_t *v = (const uint64_t *)ptg_net_stats(net);
	int found = drop_name == NULL;
	unsigned int i;

	for (i = 0; i < PTG_NET_NB_STATS; i++) {
		const char *name = ptg_net_stat_name(i);

		if (drop_name != NULL && strcmp(name, drop_name) == 0) {
			found = 1;
			if (v[i] != expected)
				fail_msg("counter %s is %" PRIu64
					 ", expected %" PRIu64,
					 name, v[i], expected);
			continue;
		}
		if (strncmp(name, "drop_", 5) == 0 && v[i] != 0)
			fail_msg("unexpected drop: %s = %" PRIu64, name, v[i]);
	}
	if (!found)
		fail_msg("no counter named %s", drop_name);
}

