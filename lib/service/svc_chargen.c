/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chargen (RFC 864): send the character pattern until the peer closes.
 *   engine -> on_accept / on_writable -> fill() -> ptg_send until short
 *   engine -> on_data -> drop input;  on_fin -> ptg_close
 * The stream position (0 .. PERIOD-1) lives in the connection's ctx
 * pointer, so the bytes on the wire are exactly ptg_service_chargen_fill()
 * from 0 whatever ptg_send() accepts each time. Each instance keeps two
 * periods of the pattern, so any position has a whole period contiguous.
 */
#include <errno.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

#define PERIOD PTG_SERVICE_CHARGEN_PERIOD
#define CHARGEN_CLOSED ((uintptr_t)1 << 31) /* we closed: send nothing */

struct chargen_inst {
	struct ptg_service_keepalive ka;
	uint64_t conns;
	uint64_t bytes_sent;
	uint64_t send_short;      /* waited for send space */
	uint64_t bytes_discarded; /* input, dropped per RFC 864 */
	uint64_t send_errors;     /* ptg_send found no mbuf: reset */
	uint8_t ring[2 * PERIOD];
};

static const char *const chargen_stat_names[] = {
	"conns", "bytes_sent", "send_short", "bytes_discarded", "send_errors",
	NULL,
};

static int
chargen_init(void **ctx, const char *args)
{
	struct ptg_service_keepalive ka;
	struct chargen_inst *in;
	int rc;

	rc = ptg_service_common_args(args, &ka);
	if (rc < 0)
		return rc;
	in = rte_zmalloc_socket("ptg_chargen", sizeof(*in),
				RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (in == NULL)
		return -ENOMEM;
	ptg_service_chargen_fill(0, in->ring, sizeof(in->ring));
	in->ka = ka;
	*ctx = in;
	return 0;
}

static void
chargen_fini(void *ctx)
{
	rte_free(ctx);
}

static void
chargen_stats(const void *ctx, uint64_t *v)
{
	const struct chargen_inst *in = ctx;

	v[0] = in->conns;
	v[1] = in->bytes_sent;
	v[2] = in->send_short;
	v[3] = in->bytes_discarded;
	v[4] = in->send_errors;
}

/* Send while the engine takes whole chunks; stop on the first short send,
 * which guarantees an on_writable once space opens. */
static void
fill(struct ptg_conn *c, struct chargen_inst *in)
{
	uintptr_t pos = (uintptr_t)ptg_conn_ctx(c);
	size_t space, want;
	ssize_t r;

	if (pos & CHARGEN_CLOSED)
		return;
	for (;;) {
		space = ptg_send_space(c);
		want = PERIOD;
		if (space < want)
			want = space > 0 ? space : 1;
		r = ptg_send(c, in->ring + pos, want);
		if (r == -ENOBUFS) {
			/* no mbuf and nothing in flight: no ACK will wake us */
			in->send_errors++;
			ptg_abort(c);
			return;
		}
		if (r < 0) {
			/* closing: nothing more to send */
			pos |= CHARGEN_CLOSED;
			break;
		}
		in->bytes_sent += (uint64_t)r;
		pos = (pos + (size_t)r) % PERIOD;
		if ((size_t)r < want) {
			in->send_short++;
			break;
		}
	}
	ptg_conn_set_ctx(c, (void *)pos);
}

static int
chargen_on_accept(struct ptg_conn *c)
{
	struct chargen_inst *in = ptg_conn_service_ctx(c);

	in->conns++;
	ptg_service_keepalive_apply(c, &in->ka);
	ptg_conn_set_ctx(c, NULL); /* position 0 */
	fill(c, in);
	return 0;
}

static void
chargen_on_writable(struct ptg_conn *c)
{
	fill(c, ptg_conn_service_ctx(c));
}

static size_t
chargen_on_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct chargen_inst *in = ptg_conn_service_ctx(c);

	RTE_SET_USED(data);
	in->bytes_discarded += len; /* RFC 864: received data is thrown away */
	return len;
}

static void
chargen_on_fin(struct ptg_conn *c)
{
	uintptr_t pos = (uintptr_t)ptg_conn_ctx(c);

	/* RFC 864: the stream continues until the user closes */
	ptg_conn_set_ctx(c, (void *)(pos | CHARGEN_CLOSED));
	ptg_close(c);
}

static void
chargen_on_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	RTE_SET_USED(reason);
	ptg_conn_set_ctx(c, NULL);
}

const struct ptg_service_ops ptg_service_chargen = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "chargen",
	.init = chargen_init,
	.fini = chargen_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = chargen_on_accept,
		.on_data = chargen_on_data,
		.on_writable = chargen_on_writable,
		.on_fin = chargen_on_fin,
		.on_close = chargen_on_close,
	},
	.stat_names = chargen_stat_names,
	.stats = chargen_stats,
};
