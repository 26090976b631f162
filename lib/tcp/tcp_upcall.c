/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Upcalls: every call from the engine into a connection's ops
 * (struct ptg_conn_ops) is made here, through UPCALL(), which marks the
 * connection as inside a callback for as long as the callback runs. What
 * a callback may do (ptg_send(), ptg_close(), ptg_abort() ...) is then
 * checked against that state by the user calls.
 *
 *   tcp_listen_hand_over() -> tcp_upcall_accept() -> ops->on_accept
 *   input / ptg_recv_resume() -> tcp_deliver() -> ops->on_data, ops->on_fin
 *   ACK freed send space -> tcp_after_ack() -> ops->on_writable
 *   tcp_conn_destroy() -> tcp_notify_close() -> ops->on_close
 */
#include "tcp_priv.h"

/* Run @p call as a callback of @p c: TF_IN_CALLBACK (and @p extra) set
 * while it runs. */
#define UPCALL(c, extra, call) do { \
	(c)->flags |= TF_IN_CALLBACK | (extra); \
	call; \
	(c)->flags &= ~(TF_IN_CALLBACK | (extra)); \
} while (0)

void
tcp_notify_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	if (!(c->flags & TF_ACCEPTED) || (c->flags & TF_CLOSE_NOTIFIED))
		return;
	c->flags |= TF_CLOSE_NOTIFIED;
	c->close_reason = (uint8_t)reason;
	if (c->ops != NULL && c->ops->on_close != NULL) {
		UPCALL(c, 0, c->ops->on_close(tcp_handle(c), reason));
	}
}

/* Offer queued in-order bytes to the service; on_fin once all of them
 * (and the FIN) are consumed. */
void
tcp_deliver(struct ptg_conn *c)
{
	uint32_t adv, wnd, consumed = 0;

	if (!(c->flags & TF_ACCEPTED) ||
	    (c->flags & (TF_DETACHED | TF_DEAD | TF_CLOSE_NOTIFIED)))
		return;
	while (c->rcvq.head != NULL && c->ops->on_data != NULL) {
		struct rte_mbuf *m = c->rcvq.head;
		uint32_t n = m->data_len - c->rcvq.head_off;
		size_t used;

		UPCALL(c, TF_IN_ON_DATA,
		       used = c->ops->on_data(tcp_handle(c),
					rte_pktmbuf_mtod_offset(m,
					void *, c->rcvq.head_off), n));
		if (c->flags & TF_DEAD)
			return;
		if (used > n)
			used = n;
		if (used > 0)
			tcp_bufq_drop(c->tcp, &c->rcvq, (uint32_t)used);
		consumed += (uint32_t)used;
		if (c->flags & TF_CLOSE_PENDING) {
			/* ptg_close() from on_data, now that the bytes it
			 * consumed are gone from the queue. */
			c->flags &= ~TF_CLOSE_PENDING;
			ptg_close(c);
			return;
		}
		if (used < n || (c->flags & TF_DETACHED))
			break;
	}
	if (c->ops->on_data == NULL)
		tcp_bufq_drop(c->tcp, &c->rcvq, c->rcvq.bytes);
	if ((c->flags & (TF_FIN_RCVD | TF_FIN_NOTIFIED)) == TF_FIN_RCVD &&
	    c->rcvq.bytes == 0 && !(c->flags & TF_DETACHED)) {
		c->flags |= TF_FIN_NOTIFIED;
		if (c->ops->on_fin != NULL) {
			UPCALL(c, 0, c->ops->on_fin(tcp_handle(c)));
		}
	}
	if ((c->flags & TF_DEAD) || !tcp_synchronized(c) || consumed == 0)
		return;
	/* RFC 9293 3.8.6.2.2 / RFC 1122 4.2.3.3: a window update of its own
	 * only when the window opened by two segments or half the buffer
	 * beyond what was advertised; smaller openings ride on the next
	 * (possibly delayed) ACK. */
	adv = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	wnd = tcp_rcv_window(c);
	if (wnd > adv && (wnd - adv >= 2u * c->mss ||
			  wnd - adv >= c->rcvbuf / 2))
		c->flags |= TF_WND_UPDATE;
}

/* After an ACK freed send space: on_writable, then re-offer held data. */
void
tcp_after_ack(struct ptg_conn *c)
{
	if ((c->flags & (TF_WANT_WRITABLE | TF_DEAD | TF_DETACHED)) !=
	    TF_WANT_WRITABLE || !(c->flags & TF_ACCEPTED) ||
	    !tcp_synchronized(c) || c->state == PTG_TCPS_TIME_WAIT)
		return;
	if (tcp_send_space(c) == 0)
		return;
	c->flags &= ~TF_WANT_WRITABLE;
	if (c->ops->on_writable != NULL) {
		UPCALL(c, 0, c->ops->on_writable(tcp_handle(c)));
	}
	if (c->flags & TF_DEAD)
		return;
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD))
		tcp_output(c);
}

void
tcp_upcall_accept(struct ptg_conn *c)
{
	int rc = 0;

	c->flags |= TF_ACCEPTED;
	TCP_STAT(c->tcp, accepted);
	if (c->ops->on_accept != NULL) {
		UPCALL(c, 0, rc = c->ops->on_accept(tcp_handle(c)));
	}
	if (c->flags & TF_DEAD)
		return;
	if (rc != 0) {
		ptg_abort(c);
		return;
	}
	/* Data that arrived with or after the handshake. */
	tcp_deliver(c);
	if (!(c->flags & TF_DEAD)) {
		tcp_output(c);
		tcp_after_ack(c);
	}
}
