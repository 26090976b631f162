/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/cc_cubic.c and the ops of lib/tcp/tcp_cc.c: the congestion
 * window arithmetic of CUBIC (RFC 9438) and NewReno (RFC 5681, 6582, 3465,
 * 6928), driven through the ops the engine calls.
 *
 * CUBIC after a loss at W_max segments: cwnd = beta * W_max, and then
 *   W_cubic(t) = C * (t - K)^3 + W_max,   K = cbrt(W_max * (1 - beta) / C)
 * with beta = 0.7, C = 0.4 (RFC 9438 4.2, 4.6). Every ACK in the cubic
 * region grows cwnd by (target - cwnd) / cwnd per segment acknowledged,
 * target = W_cubic(t + RTT) clamped to [cwnd, 1.5 cwnd] (4.4); in the
 * Reno-friendly region cwnd follows W_est (4.3).
 *
 * Where a value goes through a double and is truncated to bytes, the
 * expected value is computed here independently from the RFC formulas and
 * may differ by one byte from the engine's (the two evaluations may round
 * the last bit differently before the truncation); that is the only
 * tolerance, except where a derived one is stated.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "tcp_test.h"
#include "tcp_priv.h"

#define C_CUBIC 0.4
#define BETA 0.7
#define ALPHA (3.0 * (1 - BETA) / (1 + BETA))   /* RFC 9438 4.3 */
#define MSS 1000u
#define T0 PTG_TEST_S(10)                      /* any nonzero clock */

static void
conn_cc(struct ptg_conn *c, const struct ptg_cc_ops *cc, uint32_t srtt_us)
{
	memset(c, 0, sizeof(*c));
	c->mss = MSS;
	c->srtt_us = srtt_us;
	c->cc = cc;
	cc->init(c);
}

/* A loss detected at @cwnd bytes, then recovery ends (SACK recovery in
 * tcp_input.c: ssthresh from the algorithm, cwnd = ssthresh, then
 * post_recovery at the full ACK). */
static void
loss_and_recovery(struct ptg_conn *c, uint32_t cwnd, uint64_t now)
{
	c->cwnd = cwnd;
	c->snd_una = 0;
	c->snd_max = cwnd;                        /* a full window in flight */
	c->ssthresh = c->cc->ssthresh(c, now);
	c->cwnd = c->ssthresh;
	c->cc->post_recovery(c, now);
}

/* RFC 9438 eq. (1) and (2). */
static double
rfc_k(double w_max, double cwnd_epoch)
{
	return cbrt((w_max - cwnd_epoch) / C_CUBIC);
}

static double
rfc_w(double t, double k, double w_max)
{
	return C_CUBIC * (t - k) * (t - k) * (t - k) + w_max;
}

static uint32_t
udiff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

/* beta * cwnd truncated: the engine computes cwnd * 0.7 in double, and
 * 0.7 is not exact in binary, so when cwnd * 7 / 10 is a whole number
 * the product may land just below it and truncate one byte lower. */
static void
assert_beta_of(uint32_t got, uint32_t cwnd)
{
	uint32_t exact = (uint32_t)((uint64_t)cwnd * 7 / 10);

	if ((uint64_t)cwnd * 7 % 10 == 0)
		assert_true(got == exact || got == exact - 1);
	else
		assert_int_equal(got, exact);
}

/* ---- tcp_cc.c: the registry --------------------------------------------- */

static void
tweak_cubic(struct ptg_tcp_config *cfg)
{
	cfg->cc = "cubic";
}

/* Names map to ops; no name is NewReno; an unknown name fails the engine
 * with ENOENT; an engine's connections use its algorithm. */
static void
test_cc_registry(void **state)
{
	struct ptg_test_env *env;
	struct ptg_tcp_config cfg;
	struct tt *t;

	(void)state;
	assert_ptr_equal(tcp_cc_find(NULL), &tcp_cc_newreno);
	assert_ptr_equal(tcp_cc_find(""), &tcp_cc_newreno);
	assert_ptr_equal(tcp_cc_find("newreno"), &tcp_cc_newreno);
	assert_ptr_equal(tcp_cc_find("cubic"), &tcp_cc_cubic);
	assert_null(tcp_cc_find("CUBIC"));
	assert_null(tcp_cc_find("reno"));
	assert_null(tcp_cc_find("cubic "));
	assert_string_equal(tcp_cc_newreno.name, "newreno");
	assert_string_equal(tcp_cc_cubic.name, "cubic");

	env = ptg_test_env_new(NULL);
	assert_non_null(env);
	ptg_tcp_config_default(&cfg);
	cfg.max_conns = 64;
	cfg.cc = "bbr";
	assert_null(ptg_tcp_create(env->net, &cfg, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, ENOENT);
	ptg_test_env_free(env);

	t = tt_new(tweak_cubic);
	tt_open(t, 100, NULL);
	assert_ptr_equal(tcp_conn_of(t->rec.conn)->cc, &tcp_cc_cubic);
	assert_int_equal(tcp_conn_of(t->rec.conn)->cwnd, 14600);   /* IW, RFC 6928 */
	assert_int_equal(tcp_conn_of(t->rec.conn)->ssthresh, UINT32_MAX);
	ptg_abort(t->rec.conn);
	tt_skip(t);
	tt_free(t);
}

/* ---- NewReno -------------------------------------------------------------- */

/* RFC 6928 2: IW = min(10 * MSS, max(2 * MSS, 14600)); ssthresh starts
 * "arbitrarily high" (RFC 5681 3.1). CUBIC starts the same way. */
static void
test_newreno_initial_window(void **state)
{
	const struct {
		uint16_t mss;
		uint32_t iw;
	} v[] = { { 536, 5360 }, { 1000, 10000 }, { 1460, 14600 },
		  { 4000, 14600 }, { 8960, 17920 } };
	struct ptg_conn c;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(v); i++) {
		for (int k = 0; k < 2; k++) {
			memset(&c, 0, sizeof(c));
			c.mss = v[i].mss;
			c.bytes_acked = 77;
			(k ? &tcp_cc_cubic : &tcp_cc_newreno)->init(&c);
			assert_int_equal(c.cwnd, v[i].iw);
			assert_int_equal(c.ssthresh, UINT32_MAX);
			assert_int_equal(c.bytes_acked, 0);
		}
	}
}

/* RFC 5681 3.1 slow start with RFC 3465 byte counting, L = 2 * SMSS. */
static void
test_newreno_slow_start(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_cc(&c, &tcp_cc_newreno, 0);
	c.ssthresh = 20000;
	tcp_cc_newreno.ack(&c, 1000, T0);
	assert_int_equal(c.cwnd, 11000);
	tcp_cc_newreno.ack(&c, 300, T0);
	assert_int_equal(c.cwnd, 11300);
	tcp_cc_newreno.ack(&c, 5000, T0);           /* a stretch ACK: 2 MSS */
	assert_int_equal(c.cwnd, 13300);
	for (int i = 0; i < 3; i++)
		tcp_cc_newreno.ack(&c, 2000, T0);
	assert_int_equal(c.cwnd, 19300);
	tcp_cc_newreno.ack(&c, 2000, T0);           /* still below ssthresh */
	assert_int_equal(c.cwnd, 21300);
	assert_int_equal(c.bytes_acked, 0);
	tcp_cc_newreno.ack(&c, 2000, T0);           /* now avoidance */
	assert_int_equal(c.cwnd, 21300);
	assert_int_equal(c.bytes_acked, 2000);
}

/* RFC 5681 3.1 congestion avoidance by byte counting: one SMSS per cwnd
 * of bytes acknowledged, the remainder carried over. */
static void
test_newreno_congestion_avoidance(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_cc(&c, &tcp_cc_newreno, 0);
	c.cwnd = c.ssthresh = 10000;
	for (int i = 0; i < 9; i++)
		tcp_cc_newreno.ack(&c, 1000, T0);
	assert_int_equal(c.cwnd, 10000);
	assert_int_equal(c.bytes_acked, 9000);
	tcp_cc_newreno.ack(&c, 1500, T0);
	assert_int_equal(c.cwnd, 11000);
	assert_int_equal(c.bytes_acked, 500);
	/* Exactly one SMSS per round trip of a full window. */
	for (int rtt = 0; rtt < 20; rtt++) {
		uint32_t w = c.cwnd;

		for (uint32_t a = 0; a < w / MSS; a++)
			tcp_cc_newreno.ack(&c, MSS, T0);
		assert_int_equal(c.cwnd, w + MSS);
	}
	assert_int_equal(c.cwnd, 31000);
}

/* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS); RFC 6582
 * 3.2 step 3: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). */
static void
test_newreno_halving(void **state)
{
	struct ptg_conn c;

	(void)state;
	conn_cc(&c, &tcp_cc_newreno, 0);
	c.cwnd = 40000;
	c.snd_una = 0xfffff000u;                    /* across 2^32 */
	c.snd_max = c.snd_una + 30001;
	assert_int_equal(tcp_cc_newreno.ssthresh(&c, T0), 15000);
	c.snd_max = c.snd_una + 3000;
	assert_int_equal(tcp_cc_newreno.ssthresh(&c, T0), 2000);

	c.ssthresh = 15000;
	c.bytes_acked = 123;
	c.snd_max = c.snd_una + 20000;              /* flight > ssthresh */
	tcp_cc_newreno.post_recovery(&c, T0);
	assert_int_equal(c.cwnd, 15000);
	assert_int_equal(c.bytes_acked, 0);
	c.snd_max = c.snd_una + 4000;               /* small flight */
	tcp_cc_newreno.post_recovery(&c, T0);
	assert_int_equal(c.cwnd, 5000);
	c.snd_max = c.snd_una;                      /* nothing in flight */
	tcp_cc_newreno.post_recovery(&c, T0);
	assert_int_equal(c.cwnd, 2000);

	c.bytes_acked = 999;
	tcp_cc_newreno.after_timeout(&c, T0);
	assert_int_equal(c.bytes_acked, 0);
}

/* ---- CUBIC ---------------------------------------------------------------- */

/* RFC 9438 4.6: the window after a loss is beta * W_max (never below
 * 2 * SMSS); recovery ends with cwnd = ssthresh. */
static void
test_cubic_loss_is_beta_wmax(void **state)
{
	const uint32_t w[] = { 100000, 123456, 14600, 99999, 3000, 1000 };
	struct ptg_conn c;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(w); i++) {
		uint32_t ss;

		conn_cc(&c, &tcp_cc_cubic, 100000);
		c.cwnd = w[i];
		ss = tcp_cc_cubic.ssthresh(&c, T0);
		if ((uint64_t)w[i] * 7 / 10 < 2 * MSS)
			assert_int_equal(ss, 2 * MSS);
		else
			assert_beta_of(ss, w[i]);
	}
	conn_cc(&c, &tcp_cc_cubic, 100000);
	c.bytes_acked = 500;
	loss_and_recovery(&c, 100000, T0);
	assert_int_equal(c.ssthresh, 70000);
	assert_int_equal(c.cwnd, 70000);
	assert_int_equal(c.bytes_acked, 0);
}

/* One ACK of @acked bytes at @now, from cwnd @w0 with nothing carried
 * over: the growth it asks for in bytes (whole segments added to cwnd
 * plus the remainder kept in bytes_acked). */
static uint32_t
probe(struct ptg_conn *c, uint32_t w0, uint32_t acked, uint64_t now)
{
	c->cwnd = w0;
	c->bytes_acked = 0;
	tcp_cc_cubic.ack(c, acked, now);
	assert_true(c->cwnd >= w0);
	return c->cwnd - w0 + c->bytes_acked;
}

/* The growth a probe must ask for in the cubic region: RFC 9438 4.4 with
 * target = W_cubic(t + RTT) clamped to [cwnd, 1.5 cwnd]. */
static uint32_t
expected_growth(double t, double rtt, double k, double w_max, double cwnd,
		uint32_t acked)
{
	double target = rfc_w(t + rtt, k, w_max);

	target = RTE_MAX(target, cwnd);
	target = RTE_MIN(target, 1.5 * cwnd);
	return (uint32_t)((target - cwnd) / cwnd * acked);
}

/*
 * The curve after a loss at W_max = 100 segments (cwnd 70, RTT 100 ms),
 * probed by single ACKs of a whole window (70 segments) from cwnd = 70 at
 * chosen times t of the epoch: each asks for growth (W(t + RTT) - 70)
 * segments, so the curve is read with a resolution of 1/1000 segment.
 */
static void
test_cubic_curve_and_k(void **state)
{
	const double w_max = 100, rtt = 0.1, k = cbrt(w_max * (1 - BETA) / C_CUBIC);
	const uint32_t w0 = 70000, a = 70000;
	struct ptg_conn c;
	double w_est, t, g[9];
	uint32_t got;

	(void)state;
	assert_true(fabs(k - rfc_k(w_max, BETA * w_max)) < 1e-12);
	conn_cc(&c, &tcp_cc_cubic, 100000);
	loss_and_recovery(&c, 100000, T0);
	assert_int_equal(c.cwnd, w0);

	/* The epoch starts with the first ACK in congestion avoidance. There
	 * W_cubic(0) = beta * W_max = 70 lies below W_est (70 plus what this
	 * ACK adds): the Reno-friendly region, cwnd = W_est (RFC 9438 4.3). */
	tcp_cc_cubic.ack(&c, 7000, T0);
	w_est = 70 + ALPHA * 7.0 / 70;
	assert_int_equal(c.cwnd, (uint32_t)(w_est * MSS));  /* 70052 */
	assert_int_equal(c.cwnd, 70052);
	assert_int_equal(c.bytes_acked, 0);

	/* The concave, plateau and convex parts, and the 1.5 cwnd clamp. */
	for (t = 0.5; t <= 8.0; t += 0.5) {
		w_est += ALPHA;                         /* 70 segments / 70 */
		assert_true(rfc_w(t, k, w_max) > w_est); /* cubic region */
		got = probe(&c, w0, a, T0 + (uint64_t)(t * 1e9));
		assert_true(udiff(got, expected_growth(t, rtt, k, w_max, 70, a)) <= 1);
		assert_int_equal((c.cwnd - w0) % MSS, 0);
		assert_true(c.bytes_acked < MSS);
		if (t >= 6.5)                           /* W(t + RTT) > 105 */
			assert_int_equal(got, 35000);
	}

	/* K from the measured window at t = 1 s and 2 s: W_max - W = C (K -
	 * t')^3, t' = t + RTT. The probe's growth is within a byte of exact,
	 * so W is known within 2/1000 segment, and K within
	 * 0.002 / (3 C (K - t')^2). */
	for (t = 1.0; t <= 2.0; t += 1.0) {
		double w, k_meas, tol;

		w_est += ALPHA;
		got = probe(&c, w0, a, T0 + (uint64_t)(t * 1e9));
		w = 70 + got / 1000.0;
		k_meas = t + rtt + cbrt((w_max - w) / C_CUBIC);
		tol = 0.002 / (3 * C_CUBIC * (k - t - rtt) * (k - t - rtt));
		assert_true(fabs(k_meas - k) <= tol);
		assert_true(tol < 0.001);
	}

	/* The plateau: at t = K - RTT the target is W_max itself. */
	w_est += ALPHA;
	got = probe(&c, w0, a, T0 + (uint64_t)((k - rtt) * 1e9));
	assert_true(udiff(got, 30000) <= 1);

	/* Concave before K, convex after: second differences of the growth
	 * at t = K - RTT + d, d = -2 .. 2 by 0.5 (true values 600 |d| bytes,
	 * each sample within a byte). */
	for (int i = 0; i < 9; i++) {
		w_est += ALPHA;
		t = k - rtt + (i - 4) * 0.5;
		assert_true(rfc_w(t, k, w_max) > w_est);
		g[i] = probe(&c, w0, a, T0 + (uint64_t)(t * 1e9));
	}
	for (int i = 1; i < 8; i++) {
		double d2 = g[i - 1] - 2 * g[i] + g[i + 1];

		if (i < 4)
			assert_true(d2 < -200);
		else if (i > 4)
			assert_true(d2 > 200);
		else
			assert_true(fabs(d2) <= 4);
	}
	for (int i = 1; i < 9; i++)
		assert_true(g[i] > g[i - 1]);           /* W only grows */
}

/* A connection's ACK clock after the loss: cwnd never shrinks, grows fast
 * then slower towards W_max (concave), stays there around K, then faster
 * and faster (convex). Quantized to whole segments, it can pass W_max
 * before K by less than one segment, not more. */
static void
test_cubic_concave_then_convex(void **state)
{
	const double k = cbrt(100 * (1 - BETA) / C_CUBIC), rtt = 0.1;
	struct ptg_conn c;
	uint32_t at_second[10], prev;
	uint64_t now = T0;
	unsigned int rounds = 0;

	(void)state;
	conn_cc(&c, &tcp_cc_cubic, 100000);
	loss_and_recovery(&c, 100000, T0);
	prev = c.cwnd;
	at_second[0] = c.cwnd;
	for (unsigned int r = 0; r < 90; r++) {
		uint32_t n = c.cwnd / MSS;
		uint64_t start = T0 + r * PTG_TEST_MS(100);

		for (uint32_t i = 0; i < n; i++) {
			now = start + PTG_TEST_MS(100) * i / n;
			tcp_cc_cubic.ack(&c, MSS, now);
			assert_true(c.cwnd >= prev);
			prev = c.cwnd;
			if ((now - T0) / 1e9 + rtt <= k)
				assert_true(c.cwnd < 100000 + MSS);
		}
		rounds++;
		if (rounds % 10 == 0)
			at_second[rounds / 10] = c.cwnd;
	}
	assert_int_equal(at_second[0], 70000);
	/* Growth per second: concave up to K (4.2 s), convex after. */
	for (int s = 0; s < 3; s++)
		assert_true(at_second[s + 1] - at_second[s] >
			    at_second[s + 2] - at_second[s + 1]);
	for (int s = 5; s < 8; s++)
		assert_true(at_second[s + 1] - at_second[s] >
			    at_second[s] - at_second[s - 1]);
	assert_true(at_second[4] >= 99000 && at_second[4] < 101000);
	assert_true(at_second[9] > 100000 + 20 * MSS);
}

/* RFC 9438 4.3: with a short RTT, Reno's estimate W_est grows faster than
 * W_cubic and cwnd follows it: alpha = 3 (1 - beta) / (1 + beta) segments
 * per round trip, from 0.7 W_max; NewReno from 0.5 W_max gains exactly one
 * segment per round trip (the two give the same average rate). */
static void
test_cubic_reno_friendly_region(void **state)
{
	const double k = cbrt(100 * (1 - BETA) / C_CUBIC);
	struct ptg_conn c, nr;
	double w_est = 70;
	unsigned int reno_acks = 0, acks = 0;

	(void)state;
	conn_cc(&c, &tcp_cc_cubic, 10000);          /* RTT 10 ms */
	loss_and_recovery(&c, 100000, T0);
	conn_cc(&nr, &tcp_cc_newreno, 10000);
	loss_and_recovery(&nr, 100000, T0);
	assert_int_equal(c.cwnd, 70000);
	assert_int_equal(nr.cwnd, 50000);

	for (unsigned int r = 0; r < 40; r++) {
		uint32_t n = c.cwnd / MSS, nr_start = nr.cwnd;
		uint64_t start = T0 + r * PTG_TEST_MS(10);

		for (uint32_t i = 0; i < n; i++) {
			uint64_t now = start + PTG_TEST_MS(10) * i / n;
			double t = (now - T0) / 1e9;
			uint32_t before = c.cwnd, want;

			/* RFC 9438 eq. (4), with the cwnd of this ACK. */
			w_est += ALPHA * 1.0 / (before / (double)MSS);
			tcp_cc_cubic.ack(&c, MSS, now);
			acks++;
			if (rfc_w(t, k, 100) >= w_est)
				continue;
			reno_acks++;
			want = RTE_MAX(before, (uint32_t)(w_est * MSS));
			assert_true(udiff(c.cwnd, want) <= 1);
			assert_int_equal(c.bytes_acked, 0);
		}
		for (uint32_t i = 0; i < nr_start / MSS; i++)
			tcp_cc_newreno.ack(&nr, MSS, start);
		assert_int_equal(nr.cwnd, nr_start + MSS);
	}
	assert_int_equal(reno_acks, acks);          /* all of it Reno-like */
	/* 40 round trips: NewReno 50 -> 90 segments; CUBIC 70 -> about
	 * 70 + 40 alpha: a round of n >= 70 ACKs adds alpha * sum(1 / cwnd_i)
	 * segments, with n <= cwnd_i < n + 1 + alpha < n + 2, so between
	 * alpha * 70 / 72 and alpha. */
	assert_int_equal(nr.cwnd, 90000);
	assert_true(c.cwnd > 70000 + 40 * ALPHA * MSS * 70 / 72 - 1);
	assert_true(c.cwnd < 70000 + 40 * ALPHA * MSS);
}

/* RFC 9438 4.7: a loss below the previous W_max lowers W_max to
 * cwnd * (1 + beta) / 2; the next plateau is there, K = cbrt((W_max -
 * cwnd_epoch) / C). */
static void
test_cubic_fast_convergence(void **state)
{
	const double rtt = 0.1;
	struct ptg_conn c;
	double k;
	uint32_t got;

	(void)state;
	conn_cc(&c, &tcp_cc_cubic, 100000);
	loss_and_recovery(&c, 100000, T0);          /* W_max 100 */
	tcp_cc_cubic.ack(&c, MSS, T0 + 1);          /* an epoch runs */
	loss_and_recovery(&c, 80000, T0 + PTG_TEST_S(3)); /* below W_max */
	assert_int_equal(c.ssthresh, 56000);
	assert_int_equal(c.cwnd, 56000);
	/* W_max = 80 * 0.85 = 68, cwnd_epoch = 56: K = cbrt(30). */
	k = rfc_k(80 * (1 + BETA) / 2, 56);
	assert_true(fabs(k - cbrt(30)) < 1e-9);
	/* The epoch starts (Reno-friendly first ACK), then the plateau is
	 * at 68 segments: growth (68 - 56) / 56 of a 56-segment ACK. */
	tcp_cc_cubic.ack(&c, MSS, T0 + PTG_TEST_S(4));
	got = probe(&c, 56000, 56000, T0 + PTG_TEST_S(4) +
		    (uint64_t)((k - rtt) * 1e9));
	assert_true(udiff(got, 12000) <= 1);
	got = probe(&c, 56000, 56000, T0 + PTG_TEST_S(4) + PTG_TEST_S(1));
	assert_true(udiff(got, expected_growth(1, rtt, k, 68, 56, 56000)) <= 1);

	/* A loss above W_max sets W_max to that cwnd (no convergence). */
	conn_cc(&c, &tcp_cc_cubic, 100000);
	loss_and_recovery(&c, 100000, T0);
	loss_and_recovery(&c, 120000, T0 + PTG_TEST_S(9));
	assert_int_equal(c.cwnd, 84000);
	tcp_cc_cubic.ack(&c, MSS, T0 + PTG_TEST_S(10));
	k = rfc_k(120, 84);
	got = probe(&c, 84000, 84000, T0 + PTG_TEST_S(10) +
		    (uint64_t)((k - rtt) * 1e9));
	assert_true(udiff(got, 36000) <= 1);
}

/* RFC 9438 4.8: after an RTO, slow start up to ssthresh (beta * W_max),
 * then a new epoch from there towards the same W_max. */
static void
test_cubic_after_timeout(void **state)
{
	const double rtt = 0.1, k = cbrt(100 * (1 - BETA) / C_CUBIC);
	struct ptg_conn c;
	uint64_t now = T0 + PTG_TEST_S(2);
	uint32_t got;

	(void)state;
	conn_cc(&c, &tcp_cc_cubic, 100000);
	c.cwnd = 100000;
	tcp_cc_cubic.ack(&c, MSS, T0);              /* slow start: +1000 */
	assert_int_equal(c.cwnd, 101000);
	c.cwnd = 100000;
	c.bytes_acked = 700;
	/* What rexmt_fire() does. */
	c.ssthresh = tcp_cc_cubic.ssthresh(&c, now);
	c.cwnd = c.mss;
	tcp_cc_cubic.after_timeout(&c, now);
	assert_int_equal(c.ssthresh, 70000);
	assert_int_equal(c.cwnd, 1000);
	assert_int_equal(c.bytes_acked, 0);
	/* Slow start, at most 2 SMSS per ACK (RFC 9438 4.10 / RFC 3465). */
	tcp_cc_cubic.ack(&c, 5000, now);
	assert_int_equal(c.cwnd, 3000);
	while (c.cwnd < c.ssthresh)
		tcp_cc_cubic.ack(&c, 2000, now);
	assert_int_equal(c.cwnd, 71000);
	/* The first ACK past ssthresh starts the epoch (cwnd_epoch 71). */
	now += PTG_TEST_S(1);
	tcp_cc_cubic.ack(&c, MSS, now);
	got = probe(&c, 71000, 71000, now + (uint64_t)((rfc_k(100, 71) - rtt) * 1e9));
	assert_true(udiff(got, 29000) <= 1);
	assert_true(rfc_k(100, 71) < k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_registry),
		cmocka_unit_test(test_newreno_initial_window),
		cmocka_unit_test(test_newreno_slow_start),
		cmocka_unit_test(test_newreno_congestion_avoidance),
		cmocka_unit_test(test_newreno_halving),
		cmocka_unit_test(test_cubic_loss_is_beta_wmax),
		cmocka_unit_test(test_cubic_curve_and_k),
		cmocka_unit_test(test_cubic_concave_then_convex),
		cmocka_unit_test(test_cubic_reno_friendly_region),
		cmocka_unit_test(test_cubic_fast_convergence),
		cmocka_unit_test(test_cubic_after_timeout),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
