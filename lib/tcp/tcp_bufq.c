/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte queues made of mbuf chains: the send queue (bytes from ptg_send(),
 * kept until acknowledged) and the receive queue (in-order bytes a service
 * has not consumed yet). An idle connection holds no mbuf at all.
 *
 *   ptg_send() -> tcp_sndq_append()        tcp_output() -> tcp_bufq_copy()
 *   ACK        -> tcp_bufq_drop()                       | tcp_bufq_attach()
 *                                          tcp_input()  -> tcp_bufq_append()
 *                                                       | tcp_bufq_append_mbuf()
 *                                          (small payloads copied into the tail)
 *   ptg_recv_peek() -> bufq_read()         (receive queue, nothing consumed)
 *
 * Zero-copy output (tcp_bufq_attach()) attaches indirect mbufs to the
 * send queue's buffers, so a send-queue mbuf may have a reference count
 * above one while a segment is in flight. Its bytes never change once
 * queued, and the queue only ever writes past data_len, which no
 * attached range covers: the send queue keeps appending to a shared tail
 * (tcp_sndq_room()). The receive queue may hold mbufs that are not ours
 * alone (indirect ones from a PMD or a peer engine) and appends only to
 * a tail it owns outright (tcp_mbuf_room()). Freeing drops one reference;
 * the buffer goes back to the pool with the last one.
 */
#include <string.h>

#include "tcp_priv.h"

/*
 * Memory accounting: every mbuf a queue links is charged to the engine
 * (tcp->bufs_held) until the queue frees it, whatever the bytes in it: the
 * budget of tcp_conn.c and the windows of tcp_output.c count buffers,
 * not payload (a one-byte segment costs what a full one does).
 */
static void
unlink_free(struct ptg_tcp *tcp, struct tcp_bufq *q, struct rte_mbuf *m)
{
	m->next = NULL;
	m->nb_segs = 1;
	rte_pktmbuf_free_seg(m);
	q->nb_mbufs--;
	tcp->bufs_held--;
}

void
tcp_bufq_free(struct ptg_tcp *tcp, struct tcp_bufq *q)
{
	struct rte_mbuf *m = q->head;

	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		unlink_free(tcp, q, m);
		m = next;
	}
	memset(q, 0, sizeof(*q));
}

static void
link_tail(struct ptg_tcp *tcp, struct tcp_bufq *q, struct rte_mbuf *m)
{
	m->next = NULL;
	if (q->tail != NULL)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->nb_mbufs++;
	tcp->bufs_held++;
}

/* Inlined in each of the two below, so @shared_tail costs no branch. */
static __rte_always_inline uint32_t
bufq_append(struct ptg_tcp *tcp, struct tcp_bufq *q, const void *data,
	    uint32_t len, int shared_tail)
{
	const uint8_t *p = data;
	uint32_t done = 0;

	while (done < len) {
		struct rte_mbuf *m = q->tail;
		uint32_t room, n;

		room = m == NULL ? 0 : shared_tail ? tcp_sndq_room(m) :
						     tcp_mbuf_room(m);
		if (room == 0) {
			m = rte_pktmbuf_alloc(tcp->mp);
			if (m == NULL)
				break;
			/* Data mbufs never get headers: use all the room. */
			m->data_off = 0;
			link_tail(tcp, q, m);
			room = rte_pktmbuf_tailroom(m);
		}
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

uint32_t
tcp_bufq_append(struct ptg_tcp *tcp, struct tcp_bufq *q, const void *data,
		uint32_t len)
{
	return bufq_append(tcp, q, data, len, 0);
}

uint32_t
tcp_sndq_append(struct ptg_tcp *tcp, struct tcp_bufq *q, const void *data,
		uint32_t len)
{
	return bufq_append(tcp, q, data, len, 1);
}

/* Queue a received payload. One small enough for the free room of the
 * tail is copied there and its mbuf freed at once: small segments share
 * a buffer instead of pinning one each. */
void
tcp_bufq_append_mbuf(struct ptg_tcp *tcp, struct tcp_bufq *q,
		     struct rte_mbuf *m)
{
	struct rte_mbuf *t = q->tail;

	q->bytes += m->data_len;
	if (t != NULL && m->data_len <= tcp_mbuf_room(t)) {
		memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len),
		       rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		t->data_len += m->data_len;
		t->pkt_len = t->data_len;
		TCP_STAT(tcp, rcv_coalesced);
		m->next = NULL; /* it may still point into a list */
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
		return;
	}
	link_tail(tcp, q, m);
}

void
tcp_bufq_drop(struct ptg_tcp *tcp, struct tcp_bufq *q, uint32_t len)
{
	PTG_ASSERT(len <= q->bytes);
	q->bytes -= len;
	len += q->head_off;
	while (q->head != NULL && len >= q->head->data_len) {
		struct rte_mbuf *m = q->head;

		len -= m->data_len;
		q->head = m->next;
		unlink_free(tcp, q, m);
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

/* Chain @len bytes at @off behind @dst without copying them: one indirect
 * mbuf from @mp per send-queue buffer the range touches, each attached to
 * that buffer (one more reference) and trimmed to its part of the range.
 * On failure the caller frees @dst, which detaches what was chained. */
int
tcp_bufq_attach(const struct tcp_bufq *q, uint32_t off, uint32_t len,
		struct rte_mbuf *dst, struct rte_mempool *mp)
{
	struct rte_mbuf *m = q->head;
	struct rte_mbuf *last = rte_pktmbuf_lastseg(dst);

	off += q->head_off;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0 && m != NULL) {
		uint16_t n = (uint16_t)RTE_MIN(len, (uint32_t)m->data_len - off);
		struct rte_mbuf *mi = rte_pktmbuf_alloc(mp);

		if (unlikely(mi == NULL))
			return -1;
		PTG_ASSERT(RTE_MBUF_DIRECT(m));
		rte_pktmbuf_attach(mi, m);
		mi->data_off = (uint16_t)(m->data_off + off);
		mi->data_len = n;
		mi->pkt_len = n;
		last->next = mi;
		last = mi;
		dst->nb_segs++;
		dst->pkt_len += n;
		len -= n;
		off = 0;
		m = m->next;
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
ptg_recv_peek(const struct ptg_conn *h, size_t off, void *buf, size_t len)
{
	const struct ptg_conn *c = tcp_conn_of(h);

	if (c == NULL || (c->flags & TF_DEAD) || buf == NULL)
		return 0;
	return bufq_read(&c->rcvq, off, buf, len);
}
