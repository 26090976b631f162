/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service timers: queues of per-connection timeouts, one duration per
 * queue, so each queue is a FIFO in deadline order (see ptg_service.h).
 *
 *   svc on_* -> ptg_service_timer_arm() -> unlink() -> append at the tail
 *   svc poll -> ptg_service_timeq_expired() -> pop the head while due
 *   svc on_close -> ptg_service_timer_cancel() -> unlink()
 */
#include <stdint.h>

#include "ptg_base.h"
#include "ptg_service.h"

void
ptg_service_timeq_init(struct ptg_service_timeq *q, uint64_t timeout_ns)
{
	q->first = NULL;
	q->last = NULL;
	q->timeout_ns = timeout_ns;
	q->len = 0;
}

static void
unlink_timer(struct ptg_service_timer *t)
{
	struct ptg_service_timeq *q = t->q;

	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		q->first = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	else
		q->last = t->prev;
	q->len--;
	t->next = NULL;
	t->prev = NULL;
	t->q = NULL;
}

void
ptg_service_timer_cancel(struct ptg_service_timer *t)
{
	if (t != NULL && t->q != NULL)
		unlink_timer(t);
}

void
ptg_service_timer_arm(struct ptg_service_timeq *q,
		      struct ptg_service_timer *t, uint64_t now_ns)
{
	ptg_service_timer_cancel(t);
	if (q->timeout_ns == 0)
		return;
	t->deadline_ns = now_ns + q->timeout_ns;
	if (t->deadline_ns < now_ns)
		t->deadline_ns = UINT64_MAX; /* a timeout of ages */
	/* one duration per queue and a clock that never goes back: the
	 * tail is the latest deadline */
	PTG_ASSERT(q->last == NULL || q->last->deadline_ns <= t->deadline_ns);
	t->q = q;
	t->next = NULL;
	t->prev = q->last;
	if (q->last != NULL)
		q->last->next = t;
	else
		q->first = t;
	q->last = t;
	q->len++;
}

struct ptg_service_timer *
ptg_service_timeq_expired(struct ptg_service_timeq *q, uint64_t now_ns)
{
	struct ptg_service_timer *t = q->first;

	if (t == NULL || t->deadline_ns > now_ns)
		return NULL;
	unlink_timer(t);
	return t;
}

uint64_t
ptg_service_timeq_next(const struct ptg_service_timeq *q)
{
	return q->first != NULL ? q->first->deadline_ns : UINT64_MAX;
}
