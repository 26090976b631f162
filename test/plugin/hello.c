/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hello: a portgate service built outside the tree, as a plugin.
 *
 *   cc -shared -fPIC -o hello.so hello.c \
 *       $(pkg-config --cflags --libs libportgate)
 *   portgate [EAL options] -- --addr ... --plugin ./hello.so \
 *       --service 7000:hello[:GREETING]
 *
 * Each connection gets GREETING (default "hello") and a newline, then
 * the service closes it; whatever the peer sends is read and dropped.
 * A counter per worker instance ("greeted") shows up with the built-in
 * services' counters (svc_PORT_hello.greeted).
 *
 * portgate dlopen()s the file and calls ptg_plugin_service() for the
 * ops; their size fields tell it which headers the plugin was built
 * against. test/integration/plugin.sh builds the variants the loader must
 * refuse from this file: -DHELLO_NO_SYMBOL (no ptg_plugin_service) and
 * -DHELLO_WRONG_SIZE (ops of another size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ptg_service.h>
#include <ptg_tcp.h>

struct hello {
	char greeting[128];
	size_t len;
	uint64_t greeted;
};

static int
hello_init(void **ctx, const char *args)
{
	struct hello *h = calloc(1, sizeof(*h));
	const char *g = args != NULL ? args : "hello";

	if (h == NULL)
		return -12; /* ENOMEM */
	if (strlen(g) + 1 >= sizeof(h->greeting)) {
		free(h);
		return -22; /* EINVAL: ARGS too long */
	}
	memcpy(h->greeting, g, strlen(g));
	h->greeting[strlen(g)] = '\n';
	h->len = strlen(g) + 1;
	*ctx = h;
	return 0;
}

static void
hello_fini(void *ctx)
{
	free(ctx);
}

static int
hello_accept(struct ptg_conn *c)
{
	struct hello *h = ptg_conn_service_ctx(c);

	/* The greeting fits an empty send buffer; then FIN. */
	if (ptg_send(c, h->greeting, h->len) != (ssize_t)h->len)
		return -1; /* non-zero: the engine resets the connection */
	h->greeted++;
	ptg_close(c);
	return 0;
}

static size_t
hello_data(struct ptg_conn *c, const void *data, size_t len)
{
	(void)c;
	(void)data;
	return len;
}

static void
hello_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	(void)c;
	(void)reason;
}

static const char *const hello_stat_names[] = { "greeted", NULL };

static void
hello_stats(const void *ctx, uint64_t *values)
{
	values[0] = ((const struct hello *)ctx)->greeted;
}

static const struct ptg_service_ops hello_ops = {
#ifdef HELLO_WRONG_SIZE
	.size = PTG_SERVICE_OPS_SIZE + 8,
#else
	.size = PTG_SERVICE_OPS_SIZE,
#endif
	.name = "hello",
	.init = hello_init,
	.fini = hello_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = hello_accept,
		.on_data = hello_data,
		.on_close = hello_close,
	},
	.stat_names = hello_stat_names,
	.stats = hello_stats,
};

#ifndef HELLO_NO_SYMBOL
const struct ptg_service_ops *
ptg_plugin_service(void)
{
	return &hello_ops;
}
#else
/* The ops under another name: the loader must not find them. */
const struct ptg_service_ops *hello_service(void);

const struct ptg_service_ops *
hello_service(void)
{
	return &hello_ops;
}
#endif
