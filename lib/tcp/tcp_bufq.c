/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte queues made of mbuf chains: the send queue (bytes from ptg_send(),
 * kept until acknowledged) and the receive queue (in-order bytes a service
 * has not consumed yet). An idle connection holds no mbuf at all.
 *
 *   ptg_send() -> tcp_bufq_append()        tcp_output() -> tcp_bufq_copy()
 *   ACK        -> tcp_bufq_drop()          tcp_input()  -> tcp_bufq_append_mbuf()
 *   ptg_recv_peek() -> bufq_read()         (receive queue, nothing consumed)
 */
#include <string.h>

#include "tcp_priv.h"

void
tcp_bufq_free(struct tcp_bufq *q)
{
	struct rte_mbuf *m = q->head;

	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	memset(q, 0, sizeof(*q));
}

static void
link_tail(struct tcp_bufq *q, struct rte_mbuf *m)
{
	m->next = NULL;
	if (q->tail != NULL)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->nb_mbufs++;
}

uint32_t
tcp_bufq_append(struct tcp_bufq *q, struct rte_mempool *mp, const void *data,
		uint32_t len)
{
	const uint8_t *p = data;
	uint32_t done = 0;

	while (done < len) {
		struct rte_mbuf *m = q->tail;
		uint32_t room, n;

		if (m == NULL || rte_pktmbuf_tailroom(m) == 0) {
			m = rte_pktmbuf_alloc(mp);
			if (m == NULL)
				break;
			/* Data mbufs never get headers: use all the room. */
			m->data_off = 0;
			link_tail(q, m);
		}
		room = rte_pktmbuf_tailroom(m);
		n = RTE_MIN(room, len - done);
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
		       p + done, n);
		m->data_len += n;
		m->pkt_len = m->data_len;
		done += n;
	}
	q->bytes += done;
	return done;
}

void
tcp_bufq_append_mbuf(struct tcp_bufq *q, struct rte_mbuf *m)
{
	q->bytes += m->data_len;
	link_tail(q, m);
}

void
tcp_bufq_drop(struct tcp_bufq *q, uint32_t len)
{
	PTG_ASSERT(len <= q->bytes);
	q->bytes -= len;
	len += q->head_off;
	while (q->head != NULL && len >= q->head->data_len) {
		struct rte_mbuf *m = q->head;

		len -= m->data_len;
		q->head = m->next;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		q->nb_mbufs--;
	}
	if (q->head == NULL) {
		q->tail = NULL;
		len = 0;
	}
	q->head_off = len;
}

/* Copy @len bytes at @off into @dst (appending segments from @mp if the
 * first mbuf runs out of room). */
int
tcp_bufq_copy(const struct tcp_bufq *q, uint32_t off, uint32_t len,
	      struct rte_mbuf *dst, struct rte_mempool *mp)
{
	struct rte_mbuf *m = q->head;
	struct rte_mbuf *d = dst;

	off += q->head_off;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0 && m != NULL) {
		uint32_t n = RTE_MIN(len, (uint32_t)m->data_len - off);
		uint32_t room = rte_pktmbuf_tailroom(d);

		if (room == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);

			if (seg == NULL)
				return -1;
			d->next = seg;
			d = seg;
			dst->nb_segs++;
			room = rte_pktmbuf_tailroom(d);
		}
		n = RTE_MIN(n, room);
		memcpy(rte_pktmbuf_mtod_offset(d, uint8_t *, d->data_len),
		       rte_pktmbuf_mtod_offset(m, uint8_t *, off), n);
		d->data_len += n;
		dst->pkt_len += n;
		len -= n;
		off += n;
		if (off == m->data_len) {
			m = m->next;
			off = 0;
		}
	}
	return len == 0 ? 0 : -1;
}

/* Copy up to @len bytes at @off into @buf; returns the bytes copied. */
static size_t
bufq_read(const struct tcp_bufq *q, size_t off, uint8_t *buf, size_t len)
{
	const struct rte_mbuf *m = q->head;
	size_t done = 0;

	if (off >= q->bytes)
		return 0;
	len = RTE_MIN(len, q->bytes - off);
	off += q->head_off;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (done < len && m != NULL) {
		size_t n = RTE_MIN(len - done, (size_t)m->data_len - off);

		memcpy(buf + done, rte_pktmbuf_mtod_offset(m, const uint8_t *,
							   off), n);
		done += n;
		off = 0;
		m = m->next;
	}
	return done;
}

size_t
ptg_recv_peek(const struct ptg_conn *c, size_t off, void *buf, size_t len)
{
	if (c == NULL || (c->flags & TF_DEAD) || buf == NULL)
		return 0;
	return bufq_read(&c->rcvq, off, buf, len);
}
