/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_timer.c: the hashed timer wheel. Arm, cancel and re-arm,
 * the exact tick a deadline fires at with the injected clock, firing
 * order, deadlines more than one wheel turn ahead, a clock that jumps
 * past a whole turn, many entries in one slot, connections cancelled or
 * re-armed while their slot is firing, and the wheel empty at the end.
 *
 * The contract under test: a deadline d never fires before the clock
 * reaches d, and has fired once it reaches the first tick edge strictly
 * after d, ((d >> 20) + 1) << 20: at most one tick (2^20 ns, ~1.05 ms)
 * late. An entry filed under d's own tick fires exactly at that edge;
 * one filed earlier (lazily, see tcp_timer.c) may fire during the same
 * advance as soon as the clock has passed d.
 *
 * Most cases use bare control blocks from tcp_conn_alloc() and step the
 * wheel with tcp_timer_advance() directly, so that tcp_conn_reap() has not
 * run yet and the engine's dead queue shows which TIME-WAIT blocks
 * expired, in firing order. A CLOSED block's timers fire without side
 * effects: only their deadlines are cleared.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define TICK (1ull << TCP_TICK_SHIFT)

static uint64_t
fire_time(uint64_t deadline)
{
	return ((deadline >> TCP_TICK_SHIFT) + 1) << TCP_TICK_SHIFT;
}

/* Ticks in one turn of the wheel (16384, ~17.2 s). */
static uint64_t
turn_ticks(const struct tt *t)
{
	return (uint64_t)t->tcp->wheel_mask + 1;
}

static unsigned int
wheel_entries(const struct ptg_tcp *tcp)
{
	const struct tcp_timer *e;
	unsigned int n = 0;

	for (uint32_t i = 0; i <= tcp->wheel_mask; i++)
		LIST_FOREACH(e, &tcp->wheel[i], link)
			n++;
	return n;
}

static unsigned int
slot_entries(const struct ptg_tcp *tcp, uint64_t tick)
{
	const struct tcp_timer *e;
	unsigned int n = 0;

	LIST_FOREACH(e, &tcp->wheel[tick & tcp->wheel_mask], link)
		n++;
	return n;
}

/* Move the engine's clock to @ns and run the wheel up to it, nothing
 * else (no reaping). */
static void
run_to(struct tt *t, uint64_t ns)
{
	t->env->now = ns;
	t->tcp->now = ns;
	tcp_timer_advance(t->tcp, ns);
}

/* A control block with no packets behind it, in state @st. */
static struct ptg_conn *
bare(struct tt *t, uint16_t rport, enum ptg_tcp_state st)
{
	struct ptg_conn *c = tcp_conn_alloc(t->tcp, PTG_TEST_IP_LOCAL, TT_PORT,
					    PTG_TEST_IP_PEER, rport);

	assert_non_null(c);
	/* Put in place, not reached: tcp_set_state() would (rightly) refuse
	 * CLOSED -> TIME-WAIT in a build with the invariants on. */
	c->state = (uint8_t)st;
	return c;
}

static void
bare_free(struct tt *t, struct ptg_conn *c)
{
	tcp_conn_destroy(c, PTG_CLOSE_NORMAL);
	tcp_conn_reap(t->tcp);
}

/* Ports of the blocks the wheel destroyed since the last reap, in order. */
static unsigned int
dead_ports(const struct tt *t, uint16_t *ports, unsigned int max)
{
	const struct ptg_conn *c;
	unsigned int n = 0;

	TAILQ_FOREACH(c, &t->tcp->deadq, qlink) {
		if (n < max)
			ports[n] = c->rport;
		n++;
	}
	return n;
}

/* Start each case with the wheel caught up with the kit's clock. */
static struct tt *
timer_kit(void (*tweak)(struct ptg_tcp_config *))
{
	struct tt *t = tt_new(tweak);

	run_to(t, t->env->now);
	assert_int_equal(t->tcp->wheel_tick, t->env->now >> TCP_TICK_SHIFT);
	assert_int_equal(wheel_entries(t->tcp), 0);
	return t;
}

static void
timer_kit_free(struct tt *t)
{
	ptg_tcp_poll(t->tcp, t->env->now);
	assert_int_equal(wheel_entries(t->tcp), 0);
	tt_free(t);
}

/* A deadline fires exactly at the first tick edge after it: in the middle
 * of a tick, on a tick edge, and already in the past when armed. */
static void
test_fires_at_first_tick_after_deadline(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t d[3] = {
		now + PTG_TEST_MS(10) + 123,                  /* mid-tick */
		((now >> TCP_TICK_SHIFT) + 40) << TCP_TICK_SHIFT, /* an edge */
		now - PTG_TEST_MS(5),                         /* the past */
	};
	const uint64_t fire[3] = { fire_time(d[0]), d[1] + TICK,
				   fire_time(now) };
	struct ptg_conn *c[3];
	uint16_t port;

	(void)state;
	for (int i = 0; i < 3; i++) {
		c[i] = bare(t, 1000 + i, PTG_TCPS_TIME_WAIT);
		tcp_timer_arm(c[i], TT_KEEP, d[i]);
		assert_int_equal(c[i]->timer.slot_tick, fire[i] >> TCP_TICK_SHIFT);
	}
	assert_true(fire[0] > d[0] && fire[0] - d[0] <= TICK);
	assert_int_equal(wheel_entries(t->tcp), 3);
	/* The past deadline goes first, at the next tick edge. */
	run_to(t, fire[2] - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 0);
	run_to(t, fire[2]);
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	assert_int_equal(dead_ports(t, &port, 1), 1);
	assert_int_equal(port, 1002);
	for (int i = 0; i < 2; i++) {
		run_to(t, d[i]);                  /* due, but not yet a tick */
		run_to(t, fire[i] - 1);
		assert_int_equal(TT_STAT(t, timewait_expired), 1 + i);
		assert_int_equal(c[i]->t_deadline[TT_KEEP], d[i]);
		run_to(t, fire[i]);
		assert_int_equal(TT_STAT(t, timewait_expired), 2 + i);
		assert_true(c[i]->flags & TF_DEAD);
	}
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	timer_kit_free(t);
}

/* tcp_timer_stop() clears a deadline; the entry leaves the wheel (without
 * firing) when its slot comes up. tcp_timer_stop_all() unfiles at once.
 * Stopping one kind leaves the others running. */
static void
test_cancel(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t d1 = now + PTG_TEST_MS(20), d2 = now + PTG_TEST_MS(45);
	struct ptg_conn *a = bare(t, 1000, PTG_TCPS_TIME_WAIT);
	struct ptg_conn *b = bare(t, 1001, PTG_TCPS_TIME_WAIT);
	struct ptg_conn *c = bare(t, 1002, PTG_TCPS_CLOSED);

	(void)state;
	tcp_timer_arm(a, TT_KEEP, d1);
	tcp_timer_stop(a, TT_KEEP);
	assert_int_equal(a->t_deadline[TT_KEEP], 0);
	assert_int_equal(wheel_entries(t->tcp), 1);    /* lazily */

	tcp_timer_arm(b, TT_KEEP, d1);
	tcp_timer_arm(b, TT_DELACK, d2);
	tcp_timer_stop_all(b);
	assert_int_equal(wheel_entries(t->tcp), 1);    /* only a's */

	tcp_timer_arm(c, TT_DELACK, d1);
	tcp_timer_arm(c, TT_REXMT, d2);
	tcp_timer_stop(c, TT_DELACK);
	assert_int_equal(c->timer.slot_tick, fire_time(d1) >> TCP_TICK_SHIFT);
	assert_int_equal(wheel_entries(t->tcp), 2);

	run_to(t, fire_time(d1));
	assert_int_equal(TT_STAT(t, timewait_expired), 0); /* a, b live */
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 3);
	/* a is gone from the wheel; c was refiled for its RTO deadline. */
	assert_int_equal(wheel_entries(t->tcp), 1);
	assert_int_equal(c->timer.slot_tick, fire_time(d2) >> TCP_TICK_SHIFT);
	assert_int_equal(c->t_deadline[TT_REXMT], d2);
	run_to(t, fire_time(d2) - 1);
	assert_int_equal(c->t_deadline[TT_REXMT], d2);
	run_to(t, fire_time(d2));
	assert_int_equal(c->t_deadline[TT_REXMT], 0);
	assert_int_equal(wheel_entries(t->tcp), 0);
	run_to(t, now + PTG_TEST_S(1));
	assert_int_equal(TT_STAT(t, timewait_expired), 0);

	/* Destroying a block with timers armed takes it off the wheel. */
	tcp_timer_arm(a, TT_KEEP, now + PTG_TEST_S(2));
	tcp_timer_arm(a, TT_REXMT, now + PTG_TEST_S(3));
	assert_int_equal(wheel_entries(t->tcp), 1);
	bare_free(t, a);
	assert_int_equal(wheel_entries(t->tcp), 0);
	bare_free(t, b);
	bare_free(t, c);
	timer_kit_free(t);
}

/* Re-arming later leaves the entry where it is (lazy): when it comes up
 * early it is refiled, and fires at the new deadline. Re-arming earlier
 * moves it, and no stale entry is left at the old slot. */
static void
test_rearm(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t d1 = now + PTG_TEST_MS(30);
	const uint64_t later = d1 + PTG_TEST_MS(50), earlier = d1 - PTG_TEST_MS(20);
	struct ptg_conn *a = bare(t, 1000, PTG_TCPS_TIME_WAIT);
	struct ptg_conn *b = bare(t, 1001, PTG_TCPS_TIME_WAIT);

	(void)state;
	tcp_timer_arm(a, TT_KEEP, d1);
	tcp_timer_arm(a, TT_KEEP, later);
	assert_int_equal(a->t_deadline[TT_KEEP], later);
	assert_int_equal(a->timer.slot_tick, fire_time(d1) >> TCP_TICK_SHIFT);

	tcp_timer_arm(b, TT_KEEP, d1);
	tcp_timer_arm(b, TT_KEEP, earlier);
	assert_int_equal(b->timer.slot_tick, fire_time(earlier) >> TCP_TICK_SHIFT);
	assert_int_equal(wheel_entries(t->tcp), 2);

	run_to(t, fire_time(earlier) - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 0);
	run_to(t, fire_time(earlier));
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	assert_true(b->flags & TF_DEAD);
	assert_int_equal(wheel_entries(t->tcp), 1);

	run_to(t, fire_time(d1));                      /* a's old slot */
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	assert_int_equal(a->timer.slot_tick, fire_time(later) >> TCP_TICK_SHIFT);
	assert_int_equal(wheel_entries(t->tcp), 1);
	run_to(t, fire_time(later) - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	run_to(t, fire_time(later));
	assert_int_equal(TT_STAT(t, timewait_expired), 2);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	timer_kit_free(t);
}

/* One wheel entry per block, filed under its earliest deadline; each
 * kind fires at its own tick. */
static void
test_kinds_share_one_entry(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t dd = now + PTG_TEST_MS(3), dr = now + PTG_TEST_MS(7),
		       dk = now + PTG_TEST_MS(11);
	struct ptg_conn *c = bare(t, 1000, PTG_TCPS_CLOSED);

	(void)state;
	tcp_timer_arm(c, TT_KEEP, dk);
	tcp_timer_arm(c, TT_REXMT, dr);
	tcp_timer_arm(c, TT_DELACK, dd);
	assert_int_equal(wheel_entries(t->tcp), 1);
	assert_int_equal(c->timer.slot_tick, fire_time(dd) >> TCP_TICK_SHIFT);

	run_to(t, fire_time(dd));
	assert_int_equal(c->t_deadline[TT_DELACK], 0);
	assert_int_equal(c->t_deadline[TT_REXMT], dr);
	assert_int_equal(c->t_deadline[TT_KEEP], dk);
	assert_int_equal(wheel_entries(t->tcp), 1);
	assert_int_equal(c->timer.slot_tick, fire_time(dr) >> TCP_TICK_SHIFT);
	run_to(t, fire_time(dr) - 1);
	assert_int_equal(c->t_deadline[TT_REXMT], dr);
	run_to(t, fire_time(dr));
	assert_int_equal(c->t_deadline[TT_REXMT], 0);
	assert_int_equal(c->t_deadline[TT_KEEP], dk);
	run_to(t, fire_time(dk) - 1);
	assert_int_equal(c->t_deadline[TT_KEEP], dk);
	run_to(t, fire_time(dk));
	assert_int_equal(c->t_deadline[TT_KEEP], 0);
	assert_int_equal(wheel_entries(t->tcp), 0);
	bare_free(t, c);
	timer_kit_free(t);
}

/* Deadlines in different ticks fire in deadline order, whatever the order
 * they were armed in, even when one advance covers them all; deadlines in
 * the same tick fire together. */
static void
test_firing_order(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const unsigned int ms[8] = { 15, 6, 21, 12, 3, 24, 9, 18 };
	const uint64_t edge = ((now >> TCP_TICK_SHIFT) + 100) << TCP_TICK_SHIFT;
	uint16_t ports[16];
	unsigned int seen = 0;

	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		tcp_timer_arm(bare(t, 1000 + ms[i], PTG_TCPS_TIME_WAIT),
			      TT_KEEP, now + PTG_TEST_MS(ms[i]));
	run_to(t, now + PTG_TEST_MS(40));
	assert_int_equal(dead_ports(t, ports, 16), 8);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(ports[i], 1000 + 3 * (i + 1));
	tcp_conn_reap(t->tcp);

	/* Three in one tick (edge + 10, + 20, + 30 ns). */
	for (unsigned int i = 0; i < 3; i++)
		tcp_timer_arm(bare(t, 2000 + i, PTG_TCPS_TIME_WAIT), TT_KEEP,
			      edge + 10 * (i + 1));
	assert_int_equal(slot_entries(t->tcp, (edge >> TCP_TICK_SHIFT) + 1), 3);
	run_to(t, edge + TICK - 1);
	assert_int_equal(dead_ports(t, ports, 16), 0);
	run_to(t, edge + TICK);
	assert_int_equal(dead_ports(t, ports, 16), 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_true(ports[i] >= 2000 && ports[i] <= 2002);
		seen |= 1u << (ports[i] - 2000);
	}
	assert_int_equal(seen, 7);
	timer_kit_free(t);
}

/* Deadlines more than a wheel turn (16384 ticks, ~17.2 s) ahead share a
 * slot with nearer ticks: each earlier pass over that slot puts them back,
 * and they fire at their own time. */
static void
test_far_future(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t d[2] = { now + PTG_TEST_S(20), now + PTG_TEST_S(60) + 777 };
	struct ptg_conn *c[2];
	uint64_t step, ahead[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		c[i] = bare(t, 1000 + i, PTG_TCPS_TIME_WAIT);
		tcp_timer_arm(c[i], TT_KEEP, d[i]);
	}
	/* One and three turns ahead: their slots come up 1 and 3 times
	 * before they are due. */
	ahead[0] = (fire_time(d[0]) - now) >> TCP_TICK_SHIFT;
	ahead[1] = (fire_time(d[1]) - now) >> TCP_TICK_SHIFT;
	assert_int_equal(turn_ticks(t), 16384);
	assert_true(ahead[0] > turn_ticks(t) && ahead[0] < 2 * turn_ticks(t));
	assert_true(ahead[1] > 3 * turn_ticks(t) && ahead[1] < 4 * turn_ticks(t));
	/* Walk the clock in 1 s steps (the normal, tick by tick path, every
	 * slot visited), checking nothing fires early. */
	for (step = now + PTG_TEST_S(1); step < fire_time(d[0]);
	     step += PTG_TEST_S(1)) {
		run_to(t, step);
		assert_int_equal(TT_STAT(t, timewait_expired), 0);
		assert_int_equal(wheel_entries(t->tcp), 2);
		assert_int_equal(c[0]->timer.slot_tick,
				 fire_time(d[0]) >> TCP_TICK_SHIFT);
	}
	run_to(t, fire_time(d[0]) - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 0);
	run_to(t, fire_time(d[0]));
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	for (step = fire_time(d[0]) + PTG_TEST_S(1); step < fire_time(d[1]);
	     step += PTG_TEST_S(1)) {
		run_to(t, step);
		assert_int_equal(TT_STAT(t, timewait_expired), 1);
		assert_int_equal(c[1]->timer.slot_tick,
				 fire_time(d[1]) >> TCP_TICK_SHIFT);
	}
	run_to(t, fire_time(d[1]) - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
	run_to(t, fire_time(d[1]));
	assert_int_equal(TT_STAT(t, timewait_expired), 2);
	timer_kit_free(t);
}

/* The clock jumps by more than a wheel turn in one advance: everything
 * due by then fires once, at the jump; what is not due stays filed. */
static void
test_clock_jump(void **state)
{
	struct tt *t = timer_kit(NULL);
	const uint64_t now = t->env->now;
	const uint64_t d[3] = { now + PTG_TEST_S(5), now + PTG_TEST_S(40),
				now + PTG_TEST_S(100) };
	uint16_t ports[4];
	struct ptg_conn *late;

	(void)state;
	for (int i = 0; i < 3; i++)
		tcp_timer_arm(bare(t, 1000 + i, PTG_TCPS_TIME_WAIT), TT_KEEP, d[i]);
	late = tcp_lookup(t->tcp, &(struct tcp_key){ .raddr = PTG_TEST_IP_PEER,
		.laddr = PTG_TEST_IP_LOCAL, .rport = 1002, .lport = TT_PORT });
	assert_non_null(late);
	run_to(t, now + PTG_TEST_S(50));
	assert_int_equal(TT_STAT(t, timewait_expired), 2);
	assert_int_equal(dead_ports(t, ports, 4), 2);
	assert_int_equal(ports[0] + ports[1], 1000 + 1001);
	assert_int_equal(wheel_entries(t->tcp), 1);
	tcp_conn_reap(t->tcp);
	/* Another jump, to one ns short of the last deadline: not yet. */
	run_to(t, d[2] - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 2);
	assert_int_equal(late->timer.slot_tick, fire_time(d[2]) >> TCP_TICK_SHIFT);
	assert_int_equal(wheel_entries(t->tcp), 1);
	/* From there on, tick by tick: at its tick edge. */
	run_to(t, fire_time(d[2]) - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 2);
	run_to(t, fire_time(d[2]));
	assert_int_equal(TT_STAT(t, timewait_expired), 3);
	timer_kit_free(t);
}

static void
tweak_many(struct ptg_tcp_config *cfg)
{
	cfg->max_conns = 1024;
}

/* 150 entries in one slot for this turn and 150 more in the same slot
 * for the next turn: the first 150 fire together, the others stay until
 * their own turn. */
static void
test_many_in_one_slot(void **state)
{
	struct tt *t = timer_kit(tweak_many);
	const uint64_t edge = ((t->env->now >> TCP_TICK_SHIFT) + 50) << TCP_TICK_SHIFT;
	const uint64_t turn = turn_ticks(t) * TICK;
	const uint64_t tick = (edge >> TCP_TICK_SHIFT) + 1;
	uint16_t ports[300];
	unsigned int n;

	(void)state;
	for (unsigned int i = 0; i < 300; i++) {
		/* Spread over the tick; odd ones a turn later. */
		uint64_t d = edge + (i * 3491u) % TICK + (i & 1 ? turn : 0);

		tcp_timer_arm(bare(t, 1000 + i, PTG_TCPS_TIME_WAIT), TT_KEEP, d);
	}
	assert_int_equal(slot_entries(t->tcp, tick), 300);
	assert_int_equal(wheel_entries(t->tcp), 300);
	run_to(t, edge + TICK - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 0);
	run_to(t, edge + TICK);
	n = dead_ports(t, ports, 300);
	assert_int_equal(n, 150);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal((ports[i] - 1000) & 1, 0);
	assert_int_equal(slot_entries(t->tcp, tick), 150);
	tcp_conn_reap(t->tcp);
	run_to(t, edge + turn + TICK - 1);
	assert_int_equal(TT_STAT(t, timewait_expired), 150);
	run_to(t, edge + turn + TICK);
	n = dead_ports(t, ports, 300);
	assert_int_equal(n, 150);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal((ports[i] - 1000) & 1, 1);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	timer_kit_free(t);
}

/* ---- timers of live connections, through the engine ---------------------- */

#define PAIR_PORT 9000

/* A service that, when the first of its connections closes, aborts the
 * other one: a cancellation from inside a timer's callback. */
struct pair {
	struct ptg_conn *conn[2];
	unsigned int nb;
	enum ptg_close_reason reason[2];
	unsigned int closes;
};

static int
pair_accept(struct ptg_conn *c)
{
	struct pair *p = ptg_conn_service_ctx(c);

	assert_true(p->nb < 2);
	p->conn[p->nb++] = c;
	return 0;
}

static void
pair_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct pair *p = ptg_conn_service_ctx(c);
	int me = p->conn[1] == c;

	assert_true(p->conn[me] == c);
	p->reason[me] = reason;
	p->conn[me] = NULL;
	if (p->closes++ == 0 && p->conn[!me] != NULL)
		ptg_abort(p->conn[!me]);
}

static const struct ptg_conn_ops pair_service = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = pair_accept,
	.on_close = pair_close,
};

static void
tweak_keepalive(struct ptg_tcp_config *cfg)
{
	cfg->keepalive_idle_ns = PTG_TEST_S(1);
	cfg->keepalive_intvl_ns = PTG_TEST_S(1);
	cfg->keepalive_probes = 0;    /* the first expiry resets */
}

static void
pair_open(struct tt *t, uint16_t sport)
{
	struct ptg_test_pkt p;

	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .dport = PAIR_PORT,
					 .seq = 10, .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .dport = PAIR_PORT,
		.seq = 11, .ack = p.seq + 1, .flags = ACK });
}

/* Two connections whose keepalive timers share a slot: the first to fire
 * resets its connection, whose on_close aborts the other one, still
 * waiting in the same slot. The other must not fire afterwards; both are
 * gone and the wheel is empty. */
static void
test_cancel_while_firing(void **state)
{
	struct tt *t = tt_new(tweak_keepalive);
	struct pair pr = { 0 };
	struct ptg_test_pkt p;
	uint64_t fire;

	(void)state;
	assert_int_equal(ptg_tcp_listen(t->tcp, PAIR_PORT, &pair_service, &pr, 0), 0);
	pair_open(t, 41000);
	pair_open(t, 41001);
	assert_int_equal(pr.nb, 2);
	assert_int_equal(tcp_conn_of(pr.conn[0])->t_deadline[TT_KEEP],
			 t->env->now + PTG_TEST_S(1));
	assert_int_equal(tcp_conn_of(pr.conn[0])->timer.slot_tick,
			 tcp_conn_of(pr.conn[1])->timer.slot_tick);
	assert_int_equal(wheel_entries(t->tcp), 2);
	tt_none(t);
	fire = fire_time(t->env->now + PTG_TEST_S(1));

	tt_advance(t, fire - 1 - t->env->now);
	tt_none(t);
	tt_advance(t, 1);
	assert_int_equal(TT_STAT(t, conn_timeout), 1);
	assert_int_equal(pr.closes, 2);
	assert_true((pr.reason[0] == PTG_CLOSE_TIMEOUT &&
		     pr.reason[1] == PTG_CLOSE_ABORT) ||
		    (pr.reason[0] == PTG_CLOSE_ABORT &&
		     pr.reason[1] == PTG_CLOSE_TIMEOUT));
	/* One RST|ACK for the timeout, one RST for the abort. */
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	tt_none(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(wheel_entries(t->tcp), 0);
	tt_advance(t, PTG_TEST_S(5));
	assert_int_equal(TT_STAT(t, conn_timeout), 1);
	tt_none(t);
	tt_free(t);
}

static void
tweak_probes(struct ptg_tcp_config *cfg)
{
	cfg->keepalive_idle_ns = PTG_TEST_S(2);
	cfg->keepalive_intvl_ns = PTG_TEST_S(1);
	cfg->keepalive_probes = 2;
}

/* A timer re-armed by its own expiry (keepalive: probe, then wait an
 * interval from the time it fired): each expiry happens after its
 * deadline and by the tick edge after it. The entry was filed under the
 * SYN-ACK's retransmission deadline first and moves lazily. */
static void
test_rearm_while_firing(void **state)
{
	struct tt *t = tt_new(tweak_probes);
	struct ptg_test_pkt p;
	uint64_t dl;

	(void)state;
	tt_open(t, 100, NULL);
	dl = t->env->now + PTG_TEST_S(2);
	assert_int_equal(tcp_conn_of(t->rec.conn)->t_deadline[TT_KEEP], dl);
	for (int i = 0; i < 3; i++) {
		tt_advance(t, dl - 1 - t->env->now);
		tt_none(t);
		tt_advance(t, fire_time(dl) - t->env->now);
		tt_pop(t, &p);
		tt_none(t);
		if (i == 2)
			break;
		assert_int_equal(p.tcp_flags, ACK);           /* a probe */
		assert_int_equal(TT_STAT(t, keepalive_probes), i + 1);
		assert_int_equal(wheel_entries(t->tcp), 1);
		dl = t->env->now + PTG_TEST_S(1);
		assert_int_equal(tcp_conn_of(t->rec.conn)->t_deadline[TT_KEEP], dl);
	}
	assert_int_equal(p.tcp_flags, RST | ACK);             /* gave up */
	assert_int_equal(TT_STAT(t, conn_timeout), 1);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	assert_int_equal(wheel_entries(t->tcp), 0);
	tt_free(t);
}

static void
tweak_slow_probes(struct ptg_tcp_config *cfg)
{
	cfg->keepalive_idle_ns = PTG_TEST_S(2);
	cfg->keepalive_intvl_ns = PTG_TEST_S(30);
	cfg->keepalive_probes = 3;
}

/* RFC 1122 4.2.3.6: a probe the peer answers proves the connection alive;
 * the next probe is an idle interval after that answer, not the probe
 * interval the timer was waiting for (which would leave a connection
 * that goes idle again unprobed for 30 s here). */
static void
test_keepalive_answered_rearms_idle(void **state)
{
	struct tt *t = tt_new(tweak_slow_probes);
	struct ptg_test_pkt p;
	uint64_t answered;

	(void)state;
	tt_open(t, 100, NULL);
	tt_advance(t, PTG_TEST_S(2) + PTG_TEST_MS(100));
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);                   /* probe 1 */
	assert_int_equal(TT_STAT(t, keepalive_probes), 1);
	tt_none(t);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = p.seq + 1,
					 .flags = ACK });
	answered = t->env->now;
	tt_none(t);
	assert_true(tcp_conn_of(t->rec.conn)->t_deadline[TT_KEEP] <=
		    answered + PTG_TEST_S(2));
	tt_advance(t, PTG_TEST_S(2) - PTG_TEST_MS(100));
	tt_none(t);
	tt_advance(t, PTG_TEST_MS(200));
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);                   /* probe 2 */
	assert_int_equal(TT_STAT(t, keepalive_probes), 2);
	assert_int_equal(TT_STAT(t, conn_timeout), 0);
	assert_int_equal(ptg_conn_state(t->rec.conn), PTG_TCPS_ESTABLISHED);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* ---- limits on connections that would live forever (keep_limits()) ---- */

static void
tweak_limits(struct ptg_tcp_config *cfg)
{
	cfg->accept_timeout_ns = PTG_TEST_S(5);
	cfg->first_data_ns = PTG_TEST_S(3);
	cfg->fin_wait2_ns = PTG_TEST_S(4);
}

/* A connection nobody takes off the accept queue (manual accept) is
 * reset after accept_timeout_ns, counted; nothing else ever ends it. */
static void
test_accept_queue_timeout(void **state)
{
	struct tt *t = tt_new(tweak_limits);
	struct ptg_test_pkt p;

	(void)state;
	assert_int_equal(ptg_tcp_set_manual_accept(t->tcp, TT_PORT, 1), 0);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 100, .flags = SYN });
	tt_pop(t, &p);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = p.seq + 1,
		.flags = ACK, .len = 3 });         /* data: not first_data */
	tt_advance(t, PTG_TEST_MS(100));               /* its delayed ACK */
	tt_skip(t);
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, TT_PORT), 1);
	tt_advance(t, PTG_TEST_MS(3900));
	tt_none(t);
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, TT_PORT), 1);
	tt_advance(t, PTG_TEST_S(2));
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	assert_int_equal(TT_STAT(t, acceptq_timeout), 1);
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, TT_PORT), 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_free(t);
}

/* A peer that completes the handshake and then says nothing is reset
 * after first_data_ns (on_close: timeout); one that sent a byte is not. */
static void
test_first_data_timeout(void **state)
{
	struct tt *t = tt_new(tweak_limits);
	struct ptg_conn *quiet, *talks;
	struct ptg_test_pkt p;
	uint32_t iss;

	(void)state;
	tt_open(t, 100, NULL);
	quiet = t->rec.conn;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 41000, .seq = 500,
					 .flags = SYN });
	tt_pop(t, &p);
	iss = p.seq;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 41000, .seq = 501,
					 .ack = iss + 1, .flags = ACK });
	talks = t->rec.conn;
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 41000, .seq = 501,
		.ack = iss + 1, .flags = ACK, .len = 1 });
	tt_advance(t, PTG_TEST_S(2));
	tt_skip(t);
	tt_advance(t, PTG_TEST_S(2));
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	assert_int_equal(p.dport, TT_PEER_PORT);
	tt_none(t);
	assert_int_equal(TT_STAT(t, first_data_timeout), 1);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	assert_int_equal(ptg_conn_state(quiet), PTG_TCPS_CLOSED);
	assert_int_equal(ptg_conn_state(talks), PTG_TCPS_ESTABLISHED);
	tt_advance(t, PTG_TEST_S(30));
	tt_none(t);
	ptg_abort(talks);
	tt_skip(t);
	tt_free(t);
}

/* FIN-WAIT-2 after ptg_shutdown() (not closed: the service still reads):
 * bounded by fin_wait2_ns without a segment from the peer; data from the
 * peer keeps it open; silence ends it with a RST, counted. */
static void
test_fin_wait2_after_shutdown(void **state)
{
	struct tt *t = tt_new(tweak_limits);
	struct ptg_test_pkt p;
	uint32_t iss;

	(void)state;
	iss = tt_open(t, 100, NULL);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
					 .flags = ACK, .len = 1 });
	assert_int_equal(ptg_shutdown(t->rec.conn), 0);
	tt_skip(t);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 102, .ack = iss + 2,
					 .flags = ACK });
	assert_int_equal(ptg_conn_state(t->rec.conn), PTG_TCPS_FIN_WAIT_2);
	tt_advance(t, PTG_TEST_S(3));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 102, .ack = iss + 2,
					 .flags = ACK, .len = 5 });
	assert_int_equal(t->rec.rx_len, 6);
	tt_advance(t, PTG_TEST_S(3));
	tt_skip(t);
	assert_int_equal(ptg_conn_state(t->rec.conn), PTG_TCPS_FIN_WAIT_2);
	tt_advance(t, PTG_TEST_S(2));
	tt_pop(t, &p);
	assert_true(p.tcp_flags & RST);
	assert_int_equal(TT_STAT(t, fin_wait2_timeout), 1);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);
	tt_free(t);
}

/* Keepalive per listener and per connection, with the engine's off. */
static void
test_keepalive_per_listener_and_connection(void **state)
{
	struct tt *t = tt_new(NULL);
	struct ptg_test_pkt p;
	uint32_t iss;

	(void)state;
	assert_int_equal(ptg_tcp_listen_set_keepalive(t->tcp, TT_PORT,
		PTG_TEST_S(2), PTG_TEST_S(1), 1), 0);
	assert_int_equal(ptg_tcp_listen_set_keepalive(t->tcp, TT_PORT,
		PTG_TEST_S(2), 0, 1), -EINVAL);
	assert_int_equal(ptg_tcp_listen_set_keepalive(t->tcp, 1, 1, 1, 1),
			 -ENOENT);
	iss = tt_open(t, 100, NULL);
	tt_advance(t, PTG_TEST_MS(2100));
	tt_pop(t, &p);                                 /* the probe */
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.seq, iss);
	assert_int_equal(TT_STAT(t, keepalive_probes), 1);
	tt_advance(t, PTG_TEST_MS(1100));
	tt_pop(t, &p);                                 /* gave up */
	assert_true(p.tcp_flags & RST);
	assert_int_equal(t->rec.reason, PTG_CLOSE_TIMEOUT);

	/* Per connection: off on the listener, on for this one; answers to
	 * probes keep it alive. */
	assert_int_equal(ptg_tcp_listen_set_keepalive(t->tcp, TT_PORT, 0, 0,
						      0), 0);
	iss = tt_open(t, 1000, NULL);
	tt_advance(t, PTG_TEST_S(10));
	tt_none(t);
	assert_int_equal(ptg_conn_set_keepalive(t->rec.conn, PTG_TEST_S(1),
						PTG_TEST_S(1), 2), 0);
	tt_advance(t, PTG_TEST_MS(10));
	tt_pop(t, &p);
	assert_int_equal(p.seq, iss);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 1001, .ack = iss + 1,
					 .flags = ACK });
	tt_advance(t, PTG_TEST_MS(900));
	tt_none(t);
	assert_int_equal(ptg_conn_set_keepalive(t->rec.conn, 0, 0, 0), 0);
	tt_advance(t, PTG_TEST_S(30));
	tt_none(t);
	assert_int_equal(TT_STAT(t, keepalive_probes), 2);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_at_first_tick_after_deadline),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_rearm),
		cmocka_unit_test(test_kinds_share_one_entry),
		cmocka_unit_test(test_firing_order),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_clock_jump),
		cmocka_unit_test(test_many_in_one_slot),
		cmocka_unit_test(test_cancel_while_firing),
		cmocka_unit_test(test_rearm_while_firing),
		cmocka_unit_test(test_keepalive_answered_rearms_idle),
		cmocka_unit_test(test_accept_queue_timeout),
		cmocka_unit_test(test_first_data_timeout),
		cmocka_unit_test(test_fin_wait2_after_shutdown),
		cmocka_unit_test(test_keepalive_per_listener_and_connection),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
