/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers: one hashed wheel per engine, one wheel entry per connection.
 *
 *   ptg_tcp_poll() -> tcp_timer_advance() -> timer_fire()
 *        -> rexmt_fire() | persist_fire() | delack | keep_fire()
 *
 * A connection keeps a deadline per timer kind (RTO/persist, delayed ACK,
 * keepalive/FIN-WAIT-2/TIME-WAIT) and is filed once, under the earliest.
 * Pushing a deadline later never moves the entry: when it comes due early
 * it is simply refiled (lazy rescheduling keeps the per-ACK RTO restart to a
 * store). Ticks are 2^20 ns, so filing is a shift and a mask.
 */
#include <errno.h>

#include <rte_malloc.h>

#include "tcp_priv.h"

#define WHEEL_SLOTS (1u << 14) /* ~17 s horizon at ~1.05 ms ticks */

int
tcp_timer_init(struct ptg_tcp *tcp, int socket)
{
	tcp->wheel = rte_zmalloc_socket("ptg_tcp_wheel",
					sizeof(*tcp->wheel) * WHEEL_SLOTS,
					RTE_CACHE_LINE_SIZE, socket);
	if (tcp->wheel == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < WHEEL_SLOTS; i++)
		LIST_INIT(&tcp->wheel[i]);
	tcp->wheel_mask = WHEEL_SLOTS - 1;
	tcp->wheel_tick = tcp->now >> TCP_TICK_SHIFT;
	return 0;
}

void
tcp_timer_fini(struct ptg_tcp *tcp)
{
	rte_free(tcp->wheel);
	tcp->wheel = NULL;
}

static int
timer_filed(const struct ptg_conn *c)
{
	return c->timer.link.le_prev != NULL;
}

static void
timer_unfile(struct ptg_conn *c)
{
	if (timer_filed(c)) {
		LIST_REMOVE(&c->timer, link);
		c->timer.link.le_prev = NULL;
	}
}

static uint64_t
next_deadline(const struct ptg_conn *c)
{
	uint64_t next = 0;

	for (int k = 0; k < TT_NB; k++)
		if (c->t_deadline[k] != 0 &&
		    (next == 0 || c->t_deadline[k] < next))
			next = c->t_deadline[k];
	return next;
}

static void
timer_file(struct ptg_conn *c, uint64_t at_ns)
{
	struct ptg_tcp *tcp = c->tcp;
	uint64_t tick = (at_ns >> TCP_TICK_SHIFT) + 1; /* round up */

	if (tick <= tcp->wheel_tick)
		tick = tcp->wheel_tick + 1;
	timer_unfile(c);
	c->timer.slot_tick = tick;
	LIST_INSERT_HEAD(&tcp->wheel[tick & tcp->wheel_mask], &c->timer, link);
}

void
tcp_timer_arm(struct ptg_conn *c, enum tcp_timer_kind k, uint64_t at_ns)
{
	uint64_t tick = (at_ns >> TCP_TICK_SHIFT) + 1;

	PTG_ASSERT(!(c->flags & TF_DEAD));
	c->t_deadline[k] = at_ns;
	/* Only an earlier deadline moves the entry (see top of file). An
	 * entry off the wheel (being fired) goes under the earliest of all
	 * deadlines, not this one: another may be due sooner. */
	if (!timer_filed(c))
		timer_file(c, next_deadline(c));
	else if (tick < c->timer.slot_tick)
		timer_file(c, at_ns);
	/* Filed no later than the deadline's tick: it cannot be missed. */
	PTG_ASSERT(c->timer.slot_tick <= RTE_MAX(tick, c->tcp->wheel_tick + 1));
}

void
tcp_timer_stop(struct ptg_conn *c, enum tcp_timer_kind k)
{
	c->t_deadline[k] = 0;
}

void
tcp_timer_stop_all(struct ptg_conn *c)
{
	for (int k = 0; k < TT_NB; k++)
		c->t_deadline[k] = 0;
	timer_unfile(c);
}

uint64_t
tcp_rto_ns(const struct ptg_conn *c)
{
	const struct ptg_tcp_config *cfg = &c->tcp->cfg;
	uint64_t rto = (uint64_t)c->rto_us * 1000;

	/* RFC 6298 5.5: back off by doubling, up to the maximum. */
	for (unsigned int i = 0; i < c->rexmt_shift && rto < cfg->rto_max_ns; i++)
		rto <<= 1;
	return RTE_MIN(rto, cfg->rto_max_ns);
}

void
tcp_rexmt_restart(struct ptg_conn *c)
{
	c->flags &= ~TF_PERSIST;
	tcp_timer_arm(c, TT_REXMT, c->tcp->now + tcp_rto_ns(c));
}

/*
 * RFC 1122 4.2.3.5: after R2 retransmissions the connection is closed;
 * when what we sent last never left (held behind an ARP request nobody
 * answered, RFC 1122 2.3.2.1, or dropped below us) and nothing came back
 * since, the peer is unreachable rather than silent: no RST (it could not
 * leave either), its own counter and close reason.
 */
static int
give_up_unreachable(struct ptg_conn *c)
{
	if (!(c->flags & TF_TX_HELD))
		return 0;
	TCP_STAT(c->tcp, conn_unreachable);
	tcp_conn_destroy(c, PTG_CLOSE_UNREACHABLE);
	return 1;
}

/* RFC 6298 5.4-5.7: the retransmission timer expired. */
static void
rexmt_fire(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;
	const struct ptg_tcp_config *cfg = &tcp->cfg;

	switch (c->state) {
	case PTG_TCPS_SYN_SENT:
		if (c->rexmt_shift >= cfg->syn_retries) {
			if (give_up_unreachable(c))
				return;
			TCP_STAT(tcp, conn_timeout);
			tcp_conn_destroy(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		c->rexmt_shift++;
		TCP_STAT(tcp, retransmits);
		tcp_send_syn(c);
		tcp_rexmt_restart(c);
		return;
	case PTG_TCPS_SYN_RECEIVED:
		if (c->rexmt_shift >= cfg->synack_retries) {
			TCP_STAT(tcp, synq_expired);
			tcp_conn_destroy(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		c->rexmt_shift++;
		TCP_STAT(tcp, synack_retrans);
		tcp_send_synack(c);
		tcp_rexmt_restart(c);
		return;
	default:
		break;
	}
	if (tcp_flight(c) == 0)
		return; /* everything was acked meanwhile */
	if (c->rexmt_shift >= cfg->max_retries) {
		if (give_up_unreachable(c))
			return;
		/* RFC 9293 3.8.3 R2: give up; tell the peer. */
		TCP_STAT(tcp, conn_timeout);
		tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
		return;
	}
	TCP_STAT(tcp, rto_fired);
	/* RFC 5681 eq. 4 and 3.1: ssthresh from flight, cwnd to one segment
	 * (only on the first timeout of a series, RFC 5681 3.1 note). */
	if (c->rexmt_shift == 0)
		c->ssthresh = c->cc->ssthresh(c, tcp->now);
	c->cwnd = c->mss;
	c->cc->after_timeout(c, tcp->now);
	c->flags &= ~(TF_IN_RECOVERY | TF_RTT_TIMING);
	c->dupacks = 0;
	/* RFC 6582 3.2 step 4: after an RTO, recover = highest sent. */
	c->recover = c->snd_max;
	/* RFC 2018 8 / RFC 6675 5.1: the receiver may renege; start over. */
	tcp_sack_clear(c);
	c->rexmt_shift++;
	c->snd_nxt = c->snd_una;
	c->high_rxt = c->snd_una;
	tcp_rexmt_restart(c);
	tcp_output(c);
}

/* RFC 9293 3.8.6.1 / RFC 1122 4.2.2.17: probe a zero window with one byte;
 * keep probing as long as the peer answers (any ACK resets the backoff). */
static void
persist_fire(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;

	/* Give up only when the peer stopped answering altogether. */
	if (c->rexmt_shift >= tcp->cfg.max_retries &&
	    tcp->now - c->last_rx_ns > 2 * tcp->cfg.rto_max_ns) {
		TCP_STAT(tcp, conn_timeout);
		tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
		return;
	}
	if (tcp_unsent(c) > 0) {
		/* One byte into a zero window; into a small one, what fits
		 * (the 3.8.6.2.1 override). */
		uint32_t n = c->snd_wnd ? RTE_MIN(c->snd_wnd, (uint32_t)c->mss) : 1;

		TCP_STAT(tcp, zero_window_probes);
		n = RTE_MIN(n, tcp_unsent(c));
		tcp_retransmit_one(c, c->snd_nxt, n);
		if (c->snd_wnd != 0) {
			/* Data inside the window: the RTO takes over. */
			c->snd_nxt += n;
			c->rexmt_shift = 0;
			tcp_rexmt_restart(c);
			return;
		}
	}
	if (c->rexmt_shift < UINT8_MAX)
		c->rexmt_shift++;
	c->flags |= TF_PERSIST;
	tcp_timer_arm(c, TT_REXMT, tcp->now + tcp_rto_ns(c));
}

void
tcp_keep_arm(struct ptg_conn *c, uint64_t at_ns)
{
	if (c->t_deadline[TT_KEEP] == 0 || at_ns < c->t_deadline[TT_KEEP])
		tcp_timer_arm(c, TT_KEEP, at_ns);
}

static uint64_t
ms_ns(uint32_t ms)
{
	return (uint64_t)ms * 1000000ULL;
}

/* The peer has sent nothing since the handshake (RCV.NXT = IRS + 1). */
static int
no_data_yet(const struct ptg_conn *c)
{
	return c->rcv_nxt == c->irs + 1 && !(c->flags & TF_FIN_RCVD);
}

void
tcp_keep_start(struct ptg_conn *c)
{
	const struct ptg_tcp_config *cfg = &c->tcp->cfg;
	uint64_t now = c->tcp->now;

	c->estab_tick = tcp_ts_clock(now);
	if (c->keep_idle_ms)
		tcp_keep_arm(c, now + ms_ns(c->keep_idle_ms));
	if (c->listener != NULL && cfg->accept_timeout_ns)
		tcp_keep_arm(c, now + cfg->accept_timeout_ns);
	if (!(c->flags & TF_ACTIVE) && cfg->first_data_ns)
		tcp_keep_arm(c, now + cfg->first_data_ns);
}

/*
 * The limits on a connection that would otherwise live forever, one
 * deadline (TT_KEEP) for all: a connection nobody accepts
 * (accept_timeout_ns), a peer that sends nothing after the handshake
 * (first_data_ns), FIN-WAIT-2 after ptg_shutdown() with a silent peer
 * (fin_wait2_ns), and keepalive. Each reset has its counter; the earliest
 * deadline still ahead is armed again.
 */
static void
keep_limits(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;
	const struct ptg_tcp_config *cfg = &tcp->cfg;
	uint64_t estab = tcp_ts_to_ns(c->estab_tick), next = 0, d;

#define KEEP_NEXT(at) do { \
	if (next == 0 || (at) < next) \
		next = (at); \
} while (0)
	if ((c->flags & TF_IN_ACCEPTQ) && cfg->accept_timeout_ns) {
		d = estab + cfg->accept_timeout_ns;
		if (tcp->now >= d) {
			TCP_STAT(tcp, acceptq_timeout);
			tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		KEEP_NEXT(d);
	}
	if (cfg->first_data_ns && !(c->flags & TF_ACTIVE) && no_data_yet(c)) {
		d = estab + cfg->first_data_ns;
		if (tcp->now >= d) {
			TCP_STAT(tcp, first_data_timeout);
			tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		KEEP_NEXT(d);
	}
	if (c->state == PTG_TCPS_FIN_WAIT_2 && cfg->fin_wait2_ns) {
		/* After ptg_shutdown() the service may still read: the
		 * peer's half stays open while it sends. */
		d = c->last_rx_ns + cfg->fin_wait2_ns;
		if (tcp->now >= d) {
			TCP_STAT(tcp, fin_wait2_timeout);
			TCP_STAT(tcp, conn_timeout);
			tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		KEEP_NEXT(d);
	}
	if (c->keep_idle_ms) {
		/* RFC 1122 4.2.3.6: probe only after the idle interval. */
		d = c->last_rx_ns + ms_ns(c->keep_idle_ms) +
		    (uint64_t)c->keep_probes * ms_ns(c->keep_intvl_ms);
		if (tcp->now >= d) {
			if (c->keep_probes >= c->keep_probes_max) {
				TCP_STAT(tcp, conn_timeout);
				tcp_conn_reset(c, PTG_CLOSE_TIMEOUT);
				return;
			}
			/* A probe carries SEG.SEQ = SND.NXT - 1 and no data,
			 * which makes the peer answer with an ACK
			 * (RFC 1122 4.2.3.6). */
			c->keep_probes++;
			TCP_STAT(tcp, keepalive_probes);
			tcp_send_ctl(c, RTE_TCP_ACK_FLAG, c->snd_una - 1);
			d = tcp->now + ms_ns(c->keep_intvl_ms);
		}
		KEEP_NEXT(d);
	}
#undef KEEP_NEXT
	if (next != 0)
		tcp_timer_arm(c, TT_KEEP, next);
}

static void
keep_fire(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;

	if (tcp->stopping && c->state != PTG_TCPS_TIME_WAIT) {
		/* ptg_tcp_stop()'s linger ran out. */
		tcp_conn_reset(c, PTG_CLOSE_SHUTDOWN);
		return;
	}
	switch (c->state) {
	case PTG_TCPS_SYN_SENT:
	case PTG_TCPS_SYN_RECEIVED:
		if (c->flags & TF_ACTIVE) {
			/* ptg_conn_set_connect_timeout() ran out */
			TCP_STAT(tcp, conn_timeout);
			tcp_conn_destroy(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		break;
	case PTG_TCPS_TIME_WAIT:
		TCP_STAT(tcp, timewait_expired);
		tcp_conn_destroy(c, PTG_CLOSE_NORMAL);
		return;
	case PTG_TCPS_FIN_WAIT_2:
		if (c->flags & TF_DETACHED) {
			/* Orphaned FIN-WAIT-2 must not live forever
			 * (RFC 9293 leaves it open; all stacks bound it). */
			TCP_STAT(tcp, fin_wait2_timeout);
			TCP_STAT(tcp, conn_timeout);
			tcp_conn_destroy(c, PTG_CLOSE_TIMEOUT);
			return;
		}
		break;
	default:
		break;
	}
	if (tcp_synchronized(c))
		keep_limits(c);
}

static void
timer_fire(struct ptg_conn *c)
{
	uint64_t now = c->tcp->now;

	if (c->t_deadline[TT_DELACK] && c->t_deadline[TT_DELACK] <= now) {
		c->t_deadline[TT_DELACK] = 0;
		if (c->flags & TF_DELACK) {
			TCP_STAT(c->tcp, delayed_acks);
			tcp_send_ack(c);
		}
	}
	if (c->t_deadline[TT_REXMT] && c->t_deadline[TT_REXMT] <= now) {
		c->t_deadline[TT_REXMT] = 0;
		if (c->flags & TF_PERSIST)
			persist_fire(c);
		else
			rexmt_fire(c);
		if (c->flags & TF_DEAD)
			return;
	}
	if (c->t_deadline[TT_KEEP] && c->t_deadline[TT_KEEP] <= now) {
		c->t_deadline[TT_KEEP] = 0;
		keep_fire(c);
	}
}

static void
slot_run(struct ptg_tcp *tcp, uint64_t tick, int all_due)
{
	struct tcp_timer_slot *slot = &tcp->wheel[tick & tcp->wheel_mask];
	struct tcp_timer_slot todo;
	struct tcp_timer *t;

	/* Detach the slot first: firing may refile into it. */
	LIST_INIT(&todo);
	while ((t = LIST_FIRST(slot)) != NULL) {
		LIST_REMOVE(t, link);
		LIST_INSERT_HEAD(&todo, t, link);
	}
	while ((t = LIST_FIRST(&todo)) != NULL) {
		struct ptg_conn *c = container_of(t, struct ptg_conn, timer);
		uint64_t next;

		LIST_REMOVE(t, link);
		t->link.le_prev = NULL;
		if (!all_due && t->slot_tick > tick) {
			/* Filed a wheel turn (or more) ahead: put it back. */
			LIST_INSERT_HEAD(slot, t, link);
			continue;
		}
		/* tcp_conn_destroy() unfiles: no dead block is on the wheel. */
		PTG_ASSERT(!(c->flags & TF_DEAD));
		timer_fire(c);
		if (c->flags & TF_DEAD)
			continue;
		next = next_deadline(c);
		if (next != 0 && !timer_filed(c))
			timer_file(c, next);
		tcp_conn_check(c);
	}
}

void
tcp_timer_advance(struct ptg_tcp *tcp, uint64_t now_ns)
{
	uint64_t target = now_ns >> TCP_TICK_SHIFT;

	if (target <= tcp->wheel_tick)
		return;
	if (target - tcp->wheel_tick > WHEEL_SLOTS) {
		/* The clock jumped past a whole turn: every slot is due. */
		tcp->wheel_tick = target;
		for (uint64_t i = 0; i < WHEEL_SLOTS; i++)
			slot_run(tcp, target - i, 1);
		return;
	}
	while (tcp->wheel_tick < target) {
		tcp->wheel_tick++;
		slot_run(tcp, tcp->wheel_tick, 0);
	}
}
