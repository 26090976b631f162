/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * discard (RFC 863): read and drop everything.
 *   engine -> on_data -> count, consume all
 *   engine -> on_fin  -> ptg_close (we never send)
 */
#include <errno.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

struct discard_inst {
	struct ptg_service_keepalive ka;
	uint64_t conns;
	uint64_t bytes_discarded;
};

static const char *const discard_stat_names[] = {
	"conns", "bytes_discarded", NULL,
};

static int
discard_init(void **ctx, const char *args)
{
	struct ptg_service_keepalive ka;
	struct discard_inst *in;
	int rc;

	rc = ptg_service_common_args(args, &ka);
	if (rc < 0)
		return rc;
	in = rte_zmalloc_socket("ptg_discard", sizeof(*in),
				RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (in == NULL)
		return -ENOMEM;
	in->ka = ka;
	*ctx = in;
	return 0;
}

static void
discard_fini(void *ctx)
{
	rte_free(ctx);
}

static void
discard_stats(const void *ctx, uint64_t *v)
{
	const struct discard_inst *in = ctx;

	v[0] = in->conns;
	v[1] = in->bytes_discarded;
}

static int
discard_on_accept(struct ptg_conn *c)
{
	struct discard_inst *in = ptg_conn_service_ctx(c);

	in->conns++;
	ptg_service_keepalive_apply(c, &in->ka);
	return 0;
}

static size_t
discard_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct discard_inst *in = ptg_conn_service_ctx(c);

	RTE_SET_USED(data);
	in->bytes_discarded += len;
	return len;
}

static void
discard_on_fin(struct ptg_conn *c)
{
	ptg_close(c);
}

static void
discard_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	RTE_SET_USED(c);
	RTE_SET_USED(reason);
}

const struct ptg_service_ops ptg_service_discard = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "discard",
	.init = discard_init,
	.fini = discard_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = discard_on_accept,
		.on_data = discard_on_data,
		.on_fin = discard_on_fin,
		.on_close = discard_on_close,
	},
	.stat_names = discard_stat_names,
	.stats = discard_stats,
};
