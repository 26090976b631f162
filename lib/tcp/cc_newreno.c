/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NewReno congestion control (RFC 5681, RFC 6582): slow start, congestion
 * avoidance with byte counting (RFC 3465), halving on loss.
 *
 *   tcp_input() new ACK -> newreno_ack()   loss -> newreno_ssthresh()
 */
#include "tcp_priv.h"

/* RFC 6928 2: IW = min(10*MSS, max(2*MSS, 14600)). */
static void
newreno_init(struct ptg_conn *c)
{
	c->cwnd = RTE_MIN(10u * c->mss, RTE_MAX(2u * c->mss, 14600u));
	c->ssthresh = UINT32_MAX;
	c->bytes_acked = 0;
}

static void
newreno_ack(struct ptg_conn *c, uint32_t acked, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	if (c->cwnd < c->ssthresh) {
		/* RFC 5681 3.1 slow start, RFC 3465 2.2 with L = 2*SMSS. */
		c->cwnd += RTE_MIN(acked, 2u * c->mss);
		return;
	}
	/* RFC 5681 3.1 congestion avoidance by byte counting (RFC 3465). */
	c->bytes_acked += acked;
	if (c->bytes_acked >= c->cwnd) {
		c->bytes_acked -= c->cwnd;
		c->cwnd += c->mss;
	}
}

/* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
static uint32_t
newreno_ssthresh(struct ptg_conn *c, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	return RTE_MAX(tcp_flight(c) / 2, 2u * c->mss);
}

/* RFC 6582 3.2 step 3 (1): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). */
static void
newreno_post_recovery(struct ptg_conn *c, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	c->cwnd = RTE_MIN(c->ssthresh,
			  RTE_MAX(tcp_flight(c), (uint32_t)c->mss) + c->mss);
	c->bytes_acked = 0;
}

static void
newreno_after_timeout(struct ptg_conn *c, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	c->bytes_acked = 0;
}

const struct ptg_cc_ops tcp_cc_newreno = {
	.size = PTG_CC_OPS_SIZE,
	.name = "newreno",
	.init = newreno_init,
	.ack = newreno_ack,
	.ssthresh = newreno_ssthresh,
	.post_recovery = newreno_post_recovery,
	.after_timeout = newreno_after_timeout,
};
