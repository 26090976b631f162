/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fake connection API for the service unit tests (see fake_conn.h):
 * fake_rx -> offer() -> ops->on_data; fake_ack -> ops->on_writable ->
 * offer(); the service calls back ptg_send() and friends defined here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "ptg_tcp.h"
#include "fake_conn.h"

static void
grow(uint8_t **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;

	if (need <= *cap)
		return;
	while (n < need)
		n *= 2;
	*buf = realloc(*buf, n);
	if (*buf == NULL)
		abort();
	*cap = n;
}

static void
offer(struct ptg_conn *c)
{
	size_t n, len;

	if (c->closed)
		return; /* detached: no more callbacks but on_close */
	while (!c->gone && c->rxq_len > 0) {
		len = c->rxq_len;
		if (c->max_offer && len > c->max_offer)
			len = c->max_offer;
		n = c->ops->conn.on_data(c, c->rxq, len);
		if (c->gone)
			return;
		if (n > len)
			abort();
		if (c->closed) {
			c->rxq_len = 0; /* cannot happen: close resets */
			return;
		}
		memmove(c->rxq, c->rxq + n, c->rxq_len - n);
		c->rxq_len -= n;
		if (n < len)
			break;
	}
	if (!c->gone && c->rxq_len == 0 && c->peer_fin && !c->fin_delivered) {
		c->fin_delivered = true;
		if (c->ops->conn.on_fin != NULL)
			c->ops->conn.on_fin(c);
	}
}

void
fake_open(struct ptg_conn *c, const struct ptg_service_ops *ops,
	  void *svc_ctx, size_t space)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->svc_ctx = svc_ctx;
	c->space = space;
	if (ops->conn.on_accept != NULL && ops->conn.on_accept(c) != 0)
		fake_end(c, PTG_CLOSE_ABORT);
}

void
fake_rx(struct ptg_conn *c, const void *data, size_t len)
{
	uint8_t *n;

	if (c->gone)
		return;
	if (c->closed && len > 0) {
		c->rst_on_data = true;
		fake_end(c, PTG_CLOSE_ABORT);
		return;
	}
	n = realloc(c->rxq, c->rxq_len + len + 1);
	if (n == NULL)
		abort();
	memcpy(n + c->rxq_len, data, len);
	c->rxq = n;
	c->rxq_len += len;
	offer(c);
}

void
fake_fin(struct ptg_conn *c)
{
	c->peer_fin = true;
	offer(c);
}

void
fake_ack(struct ptg_conn *c, size_t n)
{
	if (c->gone)
		return;
	c->space += n;
	if (c->short_send && c->space > 0 && !c->closed) {
		c->short_send = false;
		c->n_writable++;
		if (c->ops->conn.on_writable != NULL)
			c->ops->conn.on_writable(c);
		if (!c->gone)
			offer(c);
	}
}

void
fake_end(struct ptg_conn *c, enum ptg_close_reason reason)
{
	if (c->gone)
		return;
	c->gone = true;
	c->reason = reason;
	c->n_on_close++;
	c->ops->conn.on_close(c, reason);
}

void
fake_free(struct ptg_conn *c)
{
	free(c->tx);
	free(c->rxq);
	c->tx = NULL;
	c->rxq = NULL;
}

/* ---- the connection API, as declared in ptg_tcp.h ---------------------- */

ssize_t
ptg_send(struct ptg_conn *c, const void *data, size_t len)
{
	size_t n = len;

	if (c->gone || c->aborted)
		return -ENOTCONN;
	if (c->send_err)
		return c->send_err;
	if (c->shut_wr)
		return -EPIPE;
	if (n > c->space)
		n = c->space;
	grow(&c->tx, &c->tx_cap, c->tx_len + n + 1);
	memcpy(c->tx + c->tx_len, data, n);
	c->tx_len += n;
	c->space -= n;
	if (n < len)
		c->short_send = true;
	return (ssize_t)n;
}

size_t
ptg_send_space(const struct ptg_conn *c)
{
	return c->shut_wr || c->gone ? 0 : c->space;
}

int
ptg_shutdown(struct ptg_conn *c)
{
	if (c->gone)
		return -ENOTCONN;
	c->n_shutdown++;
	c->shut_wr = true;
	if (!c->fin_sent) {
		c->fin_sent = true;
		c->tx_at_fin = c->tx_len;
	}
	return 0;
}

int
ptg_close(struct ptg_conn *c)
{
	if (c->gone)
		return -ENOTCONN;
	c->n_close++;
	if (c->rxq_len > 0)
		return ptg_abort(c); /* unread data: reset */
	c->closed = true;
	c->shut_wr = true;
	if (!c->fin_sent) {
		c->fin_sent = true;
		c->tx_at_fin = c->tx_len;
	}
	return 0;
}

int
ptg_abort(struct ptg_conn *c)
{
	if (c->gone)
		return -ENOTCONN;
	c->aborted = true;
	fake_end(c, PTG_CLOSE_ABORT);
	return 0;
}

int
ptg_conn_set_keepalive(struct ptg_conn *c, uint64_t idle_ns,
		       uint64_t intvl_ns, uint32_t probes)
{
	c->n_keepalive++;
	c->ka_idle_ns = idle_ns;
	c->ka_intvl_ns = intvl_ns;
	c->ka_probes = probes;
	return 0;
}

void
ptg_recv_resume(struct ptg_conn *c)
{
	offer(c);
}

void
ptg_conn_set_ctx(struct ptg_conn *c, void *ctx)
{
	c->ctx = ctx;
}

void *
ptg_conn_ctx(const struct ptg_conn *c)
{
	return c->ctx;
}

void *
ptg_conn_service_ctx(const struct ptg_conn *c)
{
	return c->svc_ctx;
}

/*
 * The rest of lib/tcp's connection calls that a built-in makes (the proxy's
 * active opens): defined here too so that no object of lib/tcp is linked.
 * No backend can be faked: ptg_connect() fails, as with no route. The
 * proxy runs on the real engine in test_svc_proxy.c.
 */
struct ptg_conn *
ptg_connect(struct ptg_tcp *tcp, rte_be32_t dst, uint16_t dport,
	    uint16_t sport, const struct ptg_conn_ops *ops, void *svc_ctx,
	    uint64_t now_ns)
{
	(void)tcp; (void)dst; (void)dport; (void)sport; (void)ops;
	(void)svc_ctx; (void)now_ns;
	rte_errno = ENETUNREACH;
	return NULL;
}

uint64_t
ptg_tcp_now(const struct ptg_tcp *tcp)
{
	(void)tcp;
	return 0;
}

int
ptg_conn_set_connect_timeout(struct ptg_conn *c, uint64_t ns)
{
	(void)c;
	(void)ns;
	return -ENOTCONN;
}

struct ptg_tcp *
ptg_conn_tcp(const struct ptg_conn *c)
{
	(void)c;
	return NULL;
}

enum ptg_tcp_state
ptg_conn_state(const struct ptg_conn *c)
{
	return c->gone ? PTG_TCPS_CLOSED : PTG_TCPS_ESTABLISHED;
}

void
ptg_conn_endpoints(const struct ptg_conn *c, rte_be32_t *laddr,
		   uint16_t *lport, rte_be32_t *raddr, uint16_t *rport)
{
	(void)c;
	if (laddr)
		*laddr = 0;
	if (lport)
		*lport = 0;
	if (raddr)
		*raddr = 0;
	if (rport)
		*rport = 0;
}
