/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in for the connection half of lib/tcp (ptg_send, ptg_shutdown,
 * ptg_close, ptg_abort, ptg_recv_resume, ctx accessors) so the built-in
 * services can be driven without the engine. It follows the rules of
 * lib/tcp/tcp.c that services see: unconsumed input stays queued and is
 * offered again after on_writable; on_writable follows a short send once
 * space opens; on_fin comes once every byte before the FIN was consumed;
 * ptg_close() with unread bytes (those being offered included) resets;
 * after ptg_close() no callback but on_close comes, and peer data resets
 * (RFC 2525 2.17); on_close is the last callback.
 */
#ifndef FAKE_CONN_H
#define FAKE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptg_service.h"

struct ptg_conn {
	const struct ptg_service_ops *ops;
	void *svc_ctx;
	void *ctx;
	/* what the service sent, in order */
	uint8_t *tx;
	size_t tx_len, tx_cap;
	size_t space;          /* send space left */
	bool short_send;       /* on_writable owed */
	/* received, not yet consumed */
	uint8_t *rxq;
	size_t rxq_len;
	bool peer_fin, fin_delivered;
	/* what the service did */
	bool shut_wr, closed, aborted, gone;
	bool rst_on_data;      /* data came after ptg_close: reset */
	unsigned int n_shutdown, n_close, n_on_close, n_writable;
	enum ptg_close_reason reason;
	size_t max_offer;      /* 0: offer the whole queue at once */
	int send_err;          /* non-zero: ptg_send() returns it */
	size_t tx_at_fin;      /* tx_len when shutdown/close first came */
	bool fin_sent;
	/* ptg_conn_set_keepalive(), where the engine has it */
	unsigned int n_keepalive;
	uint64_t ka_idle_ns, ka_intvl_ns;
	uint32_t ka_probes;
};

/** Open a connection to @p ops / @p svc_ctx with @p space bytes of send
 *  space, and run on_accept. */
void fake_open(struct ptg_conn *c, const struct ptg_service_ops *ops,
	       void *svc_ctx, size_t space);
/** Peer data arrives: queue it and offer the queue. */
void fake_rx(struct ptg_conn *c, const void *data, size_t len);
/** Peer FIN arrives (delivered once the queue is consumed). */
void fake_fin(struct ptg_conn *c);
/** The peer acknowledges @p n bytes: space grows; on_writable if owed. */
void fake_ack(struct ptg_conn *c, size_t n);
/** Connection ends for @p reason (on_close), unless already gone. */
void fake_end(struct ptg_conn *c, enum ptg_close_reason reason);
/** Free the buffers. */
void fake_free(struct ptg_conn *c);

#endif /* FAKE_CONN_H */
