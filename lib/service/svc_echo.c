/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo (RFC 862): send back every byte received.
 *   engine -> on_data -> ptg_send (what it accepts is what we consume)
 *   engine -> on_fin  -> ptg_shutdown (half-close)
 * Flow control comes from the engine: bytes ptg_send() did not take stay
 * in the engine's receive queue (closing the peer's window) and are
 * offered again after on_writable. on_fin comes only once every byte was
 * consumed, i.e. queued for sending, so our FIN follows the last echoed
 * byte. No per-connection state at all.
 */
#include <errno.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

struct echo_inst {
	struct ptg_service_keepalive ka;
	uint64_t conns;
	uint64_t bytes_echoed;
	uint64_t send_short;        /* ptg_send took less: waited for space */
	uint64_t drop_send_error;   /* bytes dropped: ptg_send failed, reset */
};

static const char *const echo_stat_names[] = {
	"conns", "bytes_echoed", "send_short", "drop_send_error", NULL,
};

static int
echo_init(void **ctx, const char *args)
{
	struct ptg_service_keepalive ka;
	struct echo_inst *in;
	int rc;

	rc = ptg_service_common_args(args, &ka);
	if (rc < 0)
		return rc;
	in = rte_zmalloc_socket("ptg_echo", sizeof(*in), RTE_CACHE_LINE_SIZE,
				(int)rte_socket_id());
	if (in == NULL)
		return -ENOMEM;
	in->ka = ka;
	*ctx = in;
	return 0;
}

static void
echo_fini(void *ctx)
{
	rte_free(ctx);
}

static void
echo_stats(const void *ctx, uint64_t *v)
{
	const struct echo_inst *in = ctx;

	v[0] = in->conns;
	v[1] = in->bytes_echoed;
	v[2] = in->send_short;
	v[3] = in->drop_send_error;
}

static int
echo_on_accept(struct ptg_conn *c)
{
	struct echo_inst *in = ptg_conn_service_ctx(c);

	in->conns++;
	ptg_service_keepalive_apply(c, &in->ka);
	return 0;
}

static size_t
echo_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct echo_inst *in = ptg_conn_service_ctx(c);
	ssize_t r;

	if (len == 0)
		return 0;
	r = ptg_send(c, data, len);
	if (r < 0) {
		/* no mbuf with nothing in flight, or a connection that can
		 * send no more: the echo stream cannot stay intact */
		in->drop_send_error += len;
		ptg_abort(c);
		return len;
	}
	in->bytes_echoed += (uint64_t)r;
	if ((size_t)r < len)
		in->send_short++; /* the rest is offered after on_writable */
	return (size_t)r;
}

static void
echo_on_fin(struct ptg_conn *c)
{
	/* RFC 9293 3.10.4: our FIN goes after the last echoed byte; the
	 * engine finishes the close once the peer ACKs it */
	ptg_shutdown(c);
}

static void
echo_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	RTE_SET_USED(c);
	RTE_SET_USED(reason);
}

const struct ptg_service_ops ptg_service_echo = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "echo",
	.init = echo_init,
	.fini = echo_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = echo_on_accept,
		.on_data = echo_on_data,
		.on_fin = echo_on_fin,
		.on_close = echo_on_close,
	},
	.stat_names = echo_stat_names,
	.stats = echo_stats,
};
