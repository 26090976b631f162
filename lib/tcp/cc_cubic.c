/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUBIC congestion control (RFC 9438).
 *
 *   cubic_ack() -> slow start | cubic_update()      cubic_ssthresh() on loss
 *
 * Windows are computed in segments as doubles (this is user space: no
 * reason for the kernel's fixed-point tables), time in seconds.
 */
#include <math.h>
#include <string.h>

#include "tcp_priv.h"

#define CUBIC_C 0.4     /* RFC 9438 5 */
#define CUBIC_BETA 0.7  /* RFC 9438 4.6 */

struct cubic {
	double w_max;        /* segments, before the last reduction */
	double k;            /* seconds */
	double w_est;        /* Reno-friendly estimate, segments */
	double origin;       /* segments */
	uint64_t epoch_ns;   /* start of the congestion-avoidance epoch; 0 none */
};

static struct cubic *
cubic_of(struct ptg_conn *c)
{
	RTE_BUILD_BUG_ON(sizeof(struct cubic) > sizeof(c->cc_priv));
	return (struct cubic *)c->cc_priv;
}

static void
cubic_init(struct ptg_conn *c)
{
	tcp_cc_newreno.init(c);
	memset(c->cc_priv, 0, sizeof(c->cc_priv));
}

static void
cubic_update(struct ptg_conn *c, uint32_t acked, uint64_t now_ns)
{
	struct cubic *cu = cubic_of(c);
	double mss = c->mss;
	double cwnd = c->cwnd / mss;
	double t, rtt, target, w_cubic;

	if (cu->epoch_ns == 0) {
		/* RFC 9438 4.2: a new epoch starts with the first ACK of CA. */
		cu->epoch_ns = now_ns;
		if (cwnd < cu->w_max) {
			cu->k = cbrt((cu->w_max - cwnd) / CUBIC_C);
			cu->origin = cu->w_max;
		} else {
			cu->k = 0;
			cu->origin = cwnd;
		}
		cu->w_est = cwnd;
	}
	t = (double)(now_ns - cu->epoch_ns) / 1e9;
	rtt = c->srtt_us ? c->srtt_us / 1e6 : 0.1;

	/* RFC 9438 4.3 eq. (4): Reno-friendly estimate. */
	cu->w_est += 3.0 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA) *
		     (acked / mss) / cwnd;

	/* RFC 9438 4.2 eq. (1), evaluated one RTT ahead, clamped to
	 * [cwnd, 1.5 cwnd] (4.4). */
	w_cubic = CUBIC_C * pow(t - cu->k, 3) + cu->origin;
	target = CUBIC_C * pow(t + rtt - cu->k, 3) + cu->origin;
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;

	if (w_cubic < cu->w_est) {
		/* Reno-friendly region (4.3). */
		if (cu->w_est * mss > c->cwnd)
			c->cwnd = (uint32_t)(cu->w_est * mss);
		return;
	}
	/* Concave / convex regions (4.4, 4.5): grow by
	 * (target - cwnd) / cwnd segments per segment acked. */
	c->bytes_acked += (uint32_t)((target - cwnd) / cwnd * acked);
	if (c->bytes_acked >= c->mss) {
		c->cwnd += c->bytes_acked / c->mss * c->mss;
		c->bytes_acked %= c->mss;
	}
}

static void
cubic_ack(struct ptg_conn *c, uint32_t acked, uint64_t now_ns)
{
	if (c->cwnd < c->ssthresh) {
		c->cwnd += RTE_MIN(acked, 2u * c->mss); /* RFC 9438 4.10 */
		return;
	}
	cubic_update(c, acked, now_ns);
}

/* RFC 9438 4.6 (multiplicative decrease) and 4.7 (fast convergence). */
static uint32_t
cubic_ssthresh(struct ptg_conn *c, uint64_t now_ns)
{
	struct cubic *cu = cubic_of(c);
	double cwnd = (double)c->cwnd / c->mss;

	RTE_SET_USED(now_ns);
	if (cwnd < cu->w_max)
		cu->w_max = cwnd * (1 + CUBIC_BETA) / 2;
	else
		cu->w_max = cwnd;
	cu->epoch_ns = 0;
	return RTE_MAX((uint32_t)(c->cwnd * CUBIC_BETA), 2u * c->mss);
}

static void
cubic_post_recovery(struct ptg_conn *c, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	c->cwnd = c->ssthresh;
	c->bytes_acked = 0;
}

/* RFC 9438 4.8: after an RTO, restart the epoch from slow start. */
static void
cubic_after_timeout(struct ptg_conn *c, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	cubic_of(c)->epoch_ns = 0;
	c->bytes_acked = 0;
}

const struct ptg_cc_ops tcp_cc_cubic = {
	.size = PTG_CC_OPS_SIZE,
	.name = "cubic",
	.init = cubic_init,
	.ack = cubic_ack,
	.ssthresh = cubic_ssthresh,
	.post_recovery = cubic_post_recovery,
	.after_timeout = cubic_after_timeout,
};
