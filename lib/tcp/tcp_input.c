/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input: RFC 9293 3.10.7 "SEGMENT ARRIVES", with RFC 5961, RFC 7323,
 * RFC 6191, RFC 4987 and the recovery rules of RFC 5681/6582/6675.
 *
 *   ptg_net_input() -> tcp_input() -> seg_decode()
 *        -> tcp_lookup() -> fast_path()             (in-order ESTABLISHED)
 *                        -> tcp_conn_input() -> synsent_input() | ack_input()
 *                                         -> data_input() -> fin_input()
 *        -> tcp_tw_input() (tcp_timewait.c)        (TIME-WAIT record)
 *        -> tcp_listen_input() (tcp_listen.c) -> SYN queue | SYN cookie
 *        -> tcp_respond_rst()                       (no listener)
 *
 * Every rejection bumps one named counter (ptg_tcp.h) and goes out through
 * the drop labels at the end of the function that decided it.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "tcp_priv.h"

#define TH_FIN RTE_TCP_FIN_FLAG
#define TH_SYN RTE_TCP_SYN_FLAG
#define TH_RST RTE_TCP_RST_FLAG
#define TH_PSH RTE_TCP_PSH_FLAG
#define TH_ACK RTE_TCP_ACK_FLAG
#define TH_URG RTE_TCP_URG_FLAG

/* ----------------------------------------------------------------------
 * Decoding
 */

static int
cksum_ok(const struct ptg_tcp *tcp, const struct rte_mbuf *m,
	 const struct rte_ipv4_hdr *ip)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (tcp->offloads & PTG_NET_OFF_RX_L4_CKSUM) {
		/* NONE: the checksum field is unfinished but the data was
		 * checked (a virtio peer offloaded its TX checksum, and
		 * virtio-user or vhost hands the frame over as it came). */
		if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD ||
		    f == RTE_MBUF_F_RX_L4_CKSUM_NONE)
			return 1;
		if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
			return 0;
	}
	if (m->nb_segs == 1)
		return rte_ipv4_udptcp_cksum_verify(ip, (const uint8_t *)ip +
						    m->l3_len) == 0;
	return rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, m->l3_len) == 0;
}

/* Returns 0, or -1 with the drop counted. */
static int
seg_decode(struct ptg_tcp *tcp, struct rte_mbuf *m, struct tcp_seg *seg)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct rte_tcp_hdr *th;
	unsigned int doff;

	if (unlikely(m->pkt_len < m->l3_len + TCP_HDR_LEN)) {
		TCP_STAT(tcp, drop_short);
		return -1;
	}
	if (unlikely(m->data_len < m->l3_len + TCP_HDR_LEN + TCP_MAX_OPT_LEN &&
		     m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0)) {
		TCP_STAT(tcp, drop_short);
		return -1;
	}
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + m->l3_len);
	doff = (th->data_off >> 4) * 4u;
	if (unlikely(doff < TCP_HDR_LEN || m->l3_len + doff > m->pkt_len ||
		     m->l3_len + doff > m->data_len)) {
		TCP_STAT(tcp, drop_bad_offset);
		return -1;
	}
	if (unlikely(!cksum_ok(tcp, m, ip))) {
		TCP_STAT(tcp, drop_cksum);
		return -1;
	}
	if (unlikely(!tcp_addr_is_local(tcp, ip->dst_addr))) {
		TCP_STAT(tcp, drop_not_for_us);
		return -1;
	}
	seg->m = m;
	seg->ip = ip;
	seg->th = th;
	seg->hdr_len = (uint16_t)(m->l3_len + doff);
	seg->seq = rte_be_to_cpu_32(th->sent_seq);
	seg->ack = rte_be_to_cpu_32(th->recv_ack);
	seg->wnd = rte_be_to_cpu_16(th->rx_win);
	seg->len = m->pkt_len - seg->hdr_len;
	seg->flags = th->tcp_flags & (TH_FIN | TH_SYN | TH_RST | TH_PSH |
				      TH_ACK | TH_URG);
	/* SYN with FIN or RST has no meaning in RFC 9293; such segments are
	 * scanner probes and never reach the state machine. */
	if (unlikely((seg->flags & TH_SYN) && (seg->flags & (TH_FIN | TH_RST)))) {
		TCP_STAT(tcp, drop_bad_flags);
		return -1;
	}
	if (doff == TCP_HDR_LEN) {
		memset(&seg->opt, 0, sizeof(seg->opt));
	} else if (unlikely(tcp_parse_options((const uint8_t *)(th + 1),
					      doff - TCP_HDR_LEN,
					      seg->flags & TH_SYN,
					      &seg->opt) != 0)) {
		TCP_STAT(tcp, drop_bad_options);
		return -1;
	}
	return 0;
}

/* Strip the headers (and @skip payload bytes); leave exactly @len bytes. */
static struct rte_mbuf *
seg_payload(struct tcp_seg *seg, uint32_t skip, uint32_t len)
{
	struct rte_mbuf *m = seg->m;

	rte_pktmbuf_adj(m, (uint16_t)(seg->hdr_len + skip));
	if (m->pkt_len > len)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
	seg->m = NULL;
	return m;
}

/* ----------------------------------------------------------------------
 * Helpers shared by the fast and slow paths
 */

static uint32_t
rcv_wnd(const struct ptg_conn *c)
{
	return seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
}

/* RFC 7323 4.3: TS.Recent follows the segment that covers Last.ACK.sent. */
static void
ts_update(struct ptg_conn *c, const struct tcp_seg *seg)
{
	if ((c->flags & TF_TS_OK) && seg->opt.has_ts &&
	    seq_geq(seg->opt.tsval, c->ts_recent) &&
	    seq_leq(seg->seq, c->last_ack_sent)) {
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_age = c->tcp->now;
	}
}

static void
rtt_from_ack(struct ptg_conn *c, const struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;

	if ((c->flags & TF_TS_OK) && seg->opt.has_ts && seg->opt.tsecr != 0) {
		/* RFC 7323 4.1: RTTM from the echoed timestamp. */
		uint32_t ticks = tcp_ts_clock(tcp->now) + c->ts_offset -
				 seg->opt.tsecr;

		if ((int32_t)ticks >= 0 && ticks < (1u << 20))
			tcp_rtt_sample(c, (uint32_t)(tcp_ts_to_ns(ticks) / 1000));
	} else if ((c->flags & TF_RTT_TIMING) && seq_gt(seg->ack, c->rtt_seq)) {
		c->flags &= ~TF_RTT_TIMING;
		tcp_rtt_sample(c, (uint32_t)((tcp->now - c->rtt_start_ns) / 1000));
	}
}

/* The peer acknowledged new data: RFC 9293 3.10.7.4 fifth check, with
 * RFC 6298 5.2/5.3 and the recovery rules of RFC 6582 3.2 / RFC 6675 5. */
static void
ack_new(struct ptg_conn *c, const struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;
	uint32_t acked = seg->ack - c->snd_una;
	uint32_t data_end = c->snd_seq0 + c->sndq.bytes;
	uint32_t data_acked;

	rtt_from_ack(c, seg);
	c->rexmt_shift = 0;

	data_acked = seq_lt(seg->ack, data_end) ? seg->ack - c->snd_seq0 :
						 c->sndq.bytes;
	if (seq_lt(seg->ack, c->snd_seq0))
		data_acked = 0; /* only our SYN was acknowledged */
	tcp_bufq_drop(tcp, &c->sndq, data_acked);
	c->snd_seq0 += data_acked;
	c->snd_una = seg->ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (seq_lt(c->high_rxt, c->snd_una))
		c->high_rxt = c->snd_una;
	if (c->flags & TF_SACK_OK)
		tcp_sack_update(c, &seg->opt);

	if (c->flags & TF_IN_RECOVERY) {
		if (seq_geq(seg->ack, c->recover)) {
			/* RFC 6582 3.2 step 3 / RFC 6675 5: full ACK. */
			c->flags &= ~TF_IN_RECOVERY;
			c->dupacks = 0;
			c->cc->post_recovery(c, tcp->now);
		} else if (!(c->flags & TF_SACK_OK)) {
			/* RFC 6582 3.2 step 4: partial ACK, retransmit the
			 * next hole, deflate by what was acked. */
			tcp_retransmit_one(c, c->snd_una, c->mss);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : c->mss;
			if (acked >= c->mss)
				c->cwnd += c->mss;
		}
	} else {
		c->dupacks = 0;
		c->cc->ack(c, acked, tcp->now);
	}

	/* RFC 6298 5.2 / 5.3: stop when all is acked, else restart. */
	if (c->snd_una == c->snd_max)
		tcp_timer_stop(c, TT_REXMT);
	else if (!(c->flags & TF_PERSIST))
		tcp_rexmt_restart(c);
}

/* RFC 5681 2 "duplicate acknowledgment", counted for fast retransmit. */
static void
ack_dup(struct ptg_conn *c, const struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;
	int trigger;

	TCP_STAT(tcp, dup_acks);
	if (c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->flags & TF_IN_RECOVERY) {
		if (!(c->flags & TF_SACK_OK))
			c->cwnd += c->mss; /* RFC 6582 3.2 step 3: inflate */
		return;
	}
	/* RFC 5681 3.2 (three dupacks), RFC 6675 5 (or IsLost(HighACK+1)),
	 * and RFC 6582 3.2 step 2 (not for what an RTO already covered). */
	trigger = c->dupacks == TCP_DUPTHRESH ||
		  ((c->flags & TF_SACK_OK) && tcp_sack_is_lost(c, c->snd_una));
	if (!trigger || !seq_gt(seg->ack, c->recover))
		return;
	TCP_STAT(tcp, fast_retransmits);
	c->ssthresh = c->cc->ssthresh(c, tcp->now);
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->flags &= ~TF_RTT_TIMING;
	if (c->flags & TF_SACK_OK) {
		/* RFC 6675 5 step 4: cwnd = ssthresh, retransmit the first
		 * unacknowledged segment, then let pipe decide. */
		int n;

		c->cwnd = c->ssthresh;
		c->high_rxt = c->snd_una;
		n = tcp_retransmit_one(c, c->snd_una, c->mss);
		c->high_rxt = c->snd_una + (n > 0 ? (uint32_t)n : 1u);
	} else {
		/* RFC 6582 3.2 step 2 / RFC 5681 3.2 steps 2-3. */
		c->cwnd = c->ssthresh + TCP_DUPTHRESH * c->mss;
		tcp_retransmit_one(c, c->snd_una, c->mss);
	}
	tcp_rexmt_restart(c);
}

/* RFC 9293 3.10.7.4: SND.WND from the newest segment (SND.WL1/WL2). */
static void
wnd_update(struct ptg_conn *c, const struct tcp_seg *seg)
{
	uint32_t wnd;

	if (!(seq_lt(c->snd_wl1, seg->seq) ||
	      (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, seg->ack))))
		return;
	wnd = seg->wnd << c->snd_wscale;
	c->snd_wnd = wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	if (wnd > c->max_snd_wnd)
		c->max_snd_wnd = wnd;
	if (wnd > 0 && (c->flags & TF_PERSIST)) {
		/* The window opened: leave persist (RFC 9293 3.8.6.1). */
		c->flags &= ~TF_PERSIST;
		c->rexmt_shift = 0;
		if (c->snd_una != c->snd_max)
			tcp_rexmt_restart(c);
		else
			tcp_timer_stop(c, TT_REXMT);
	}
}

/* RFC 1122 4.2.3.2 / RFC 9293 3.8.6.3: ACK at least every second full
 * segment, else within the delayed-ACK timeout. */
static void
ack_schedule(struct ptg_conn *c, uint32_t len)
{
	if (len >= c->mss || len >= c->peer_mss)
		c->delack_segs++;
	if (c->delack_segs >= 2) {
		c->flags |= TF_ACKNOW;
		return;
	}
	if (!(c->flags & TF_DELACK)) {
		c->flags |= TF_DELACK;
		tcp_timer_arm(c, TT_DELACK, c->tcp->now + c->tcp->cfg.delack_ns);
	}
}

static void
fin_input(struct ptg_conn *c)
{
	c->rcv_nxt++;
	c->flags |= TF_FIN_RCVD | TF_ACKNOW;
	c->flags &= ~TF_OOO_FIN;
	switch (c->state) {
	case PTG_TCPS_SYN_RECEIVED:
	case PTG_TCPS_ESTABLISHED:
		tcp_set_state(c, PTG_TCPS_CLOSE_WAIT);
		break;
	case PTG_TCPS_FIN_WAIT_1:
		if ((c->flags & TF_FIN_SENT) && c->snd_una == c->snd_max)
			tcp_time_wait(c);
		else
			tcp_set_state(c, PTG_TCPS_CLOSING);
		break;
	case PTG_TCPS_FIN_WAIT_2:
		tcp_time_wait(c);
		break;
	case PTG_TCPS_TIME_WAIT:
		tcp_timer_arm(c, TT_KEEP, c->tcp->now + 2 * c->tcp->cfg.msl_ns);
		break;
	default:
		break;
	}
}

/*
 * Whether in-order data of @len bytes may take a new buffer: the receive
 * side holds less than tcp_rcv_bufs_max() and the engine is within its
 * budget, after out-of-order data made way (it goes first). Counted when
 * not. A connection whose receive queue is empty always may (the service
 * takes the bytes at once, and no connection wedges), and so may data
 * that fits in the free room of the queue's last buffer.
 */
static int
rcv_room(struct ptg_conn *c, uint32_t len)
{
	struct ptg_tcp *tcp = c->tcp;
	uint32_t max;

	if (c->rcvq.tail == NULL || len <= tcp_mbuf_room(c->rcvq.tail))
		return 1;
	max = tcp_rcv_bufs_max(c);
	if (tcp_rcv_bufs(c) >= max)
		tcp_reass_prune(c, tcp_rcv_bufs(c) - max + 1);
	if (tcp_rcv_bufs(c) >= max) {
		TCP_STAT(tcp, drop_rcvbuf_full);
		return 0;
	}
	if (tcp_mem_over(tcp))
		tcp_reass_prune(c, tcp->bufs_held - tcp->bufs_max + 1);
	if (tcp_mem_over(tcp)) {
		TCP_STAT(tcp, drop_mem_budget);
		return 0;
	}
	return 1;
}

/* In-order payload: queue, pull what reassembly completes, hand to the
 * service. Takes the mbuf and returns 0; or returns -1 and leaves it when
 * there is no room (rcv_room()): the peer sends it again. */
static int
data_in_order(struct ptg_conn *c, struct tcp_seg *seg, uint32_t skip,
	      uint32_t len)
{
	struct rte_mbuf *m;

	if (unlikely(c->rcvq.tail != NULL) && !rcv_room(c, len)) {
		c->flags |= TF_ACKNOW; /* tell the peer where we are */
		return -1;
	}
	m = seg_payload(seg, skip, len);
	if (unlikely(m->nb_segs > 1)) {
		/* Chained RX frame: copy, the queues hold single segments. */
		struct rte_mbuf *s;
		uint32_t done = 0;

		for (s = m; s != NULL; s = s->next) {
			done += tcp_bufq_append(c->tcp, &c->rcvq,
						rte_pktmbuf_mtod(s, void *),
						s->data_len);
		}
		rte_pktmbuf_free(m);
		len = done;
	} else {
		tcp_bufq_append_mbuf(c->tcp, &c->rcvq, m);
	}
	c->rcv_nxt += len;
	TCP_STAT_ADD(c->tcp, rx_bytes, len);
	if (c->ooo != NULL) {
		tcp_reass_pull(c);
		/* RFC 5681 4.2: ACK at once when a hole is (partly) filled. */
		c->flags |= TF_ACKNOW;
	}
	if ((c->flags & TF_OOO_FIN) && c->rcv_nxt == c->ooo_fin_seq)
		fin_input(c);
	else
		ack_schedule(c, len);
	return 0;
}

/* ----------------------------------------------------------------------
 * Fast path (header prediction): ESTABLISHED, nothing but ACK (and PSH),
 * exactly the next sequence number, no SACK or window news, no recovery.
 */
static int
fast_path(struct ptg_conn *c, struct tcp_seg *seg)
{
	if (c->state != PTG_TCPS_ESTABLISHED ||
	    (seg->flags & ~TH_PSH) != TH_ACK ||
	    seg->seq != c->rcv_nxt ||
	    (seg->wnd << c->snd_wscale) != c->snd_wnd ||
	    seg->opt.nb_sack != 0 || c->ooo != NULL ||
	    (c->flags & (TF_IN_RECOVERY | TF_PERSIST | TF_DETACHED)))
		return 0;
	if ((c->flags & TF_TS_OK) &&
	    (!seg->opt.has_ts || seq_lt(seg->opt.tsval, c->ts_recent)))
		return 0;
	if (seg->len == 0) {
		if (!seq_gt(seg->ack, c->snd_una) || seq_gt(seg->ack, c->snd_max))
			return 0;
		TCP_STAT(c->tcp, fastpath_ack);
		ts_update(c, seg);
		ack_new(c, seg);
		rte_pktmbuf_free(seg->m);
		seg->m = NULL;
		return 1;
	}
	/* Request/response traffic: the data also acknowledges ours. */
	if (seq_lt(seg->ack, c->snd_una) || seq_gt(seg->ack, c->snd_max) ||
	    seg->len > rcv_wnd(c))
		return 0;
	TCP_STAT(c->tcp, fastpath_data);
	ts_update(c, seg);
	if (seg->ack != c->snd_una) {
		ack_new(c, seg);
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
	}
	data_in_order(c, seg, 0, seg->len);
	return 1;
}

/* ----------------------------------------------------------------------
 * SYN-SENT (RFC 9293 3.10.7.3)
 */
void
tcp_negotiate(struct ptg_conn *c, const struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;
	uint16_t ours = tcp_mss_for_mtu(tcp);

	/* RFC 9293 3.7.1: no MSS option means 536. */
	c->peer_mss = seg->opt.has_mss ? seg->opt.mss : PTG_TCP_MSS_DEFAULT;
	c->mss = RTE_MIN(ours, RTE_MAX(c->peer_mss, (uint16_t)PTG_TCP_MSS_MIN));
	/* RFC 7323 2.2: scaling only if both SYNs carry WS. */
	if (seg->opt.has_ws) {
		c->flags |= TF_WS_OK;
		c->snd_wscale = seg->opt.wscale;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	/* RFC 2018 2: SACK only if both offered. */
	if (seg->opt.sack_ok && tcp->cfg.sack)
		c->flags |= TF_SACK_OK;
	/* RFC 7323 3.2: timestamps only if both SYNs carry TS. */
	if (seg->opt.has_ts && tcp->cfg.timestamps) {
		c->flags |= TF_TS_OK;
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_age = tcp->now;
		/* Room for the option in every segment (RFC 7323 2.1). */
		c->mss -= 12;
	}
	tcp_rcv_bufs_update(c);
}

static void
synsent_input(struct ptg_conn *c, struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;

	if (seg->flags & TH_ACK) {
		if (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max)) {
			/* Unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>. */
			if (!(seg->flags & TH_RST))
				tcp_respond_rst(tcp, seg);
			goto drop;
		}
	}
	if (seg->flags & TH_RST) {
		/* RFC 5961 3.2: in SYN-SENT a RST is acceptable only if it
		 * acknowledges our SYN. */
		if (!(seg->flags & TH_ACK))
			goto drop;
		TCP_STAT(tcp, conn_reset_rx);
		tcp_conn_destroy(c, PTG_CLOSE_REFUSED);
		goto drop_quiet;
	}
	if (!(seg->flags & TH_SYN))
		goto drop;

	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_negotiate(c, seg);
	if (seg->flags & TH_ACK) {
		/* RFC 7323 2.2: the SYN-ACK window is not scaled. */
		c->snd_una = seg->ack;
		c->snd_wnd = seg->wnd;
		c->max_snd_wnd = seg->wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		if (c->rexmt_shift == 0)
			tcp_rtt_sample(c, (uint32_t)((tcp->now - c->rtt_start_ns) / 1000));
		tcp_established(c);
		c->flags |= TF_ACKNOW;
		/* Data on a SYN-ACK is rare; it is dropped and will be
		 * retransmitted once our ACK opens the window. */
		tcp_output(c);
		tcp_after_ack(c);
		goto drop_quiet;
	}
	/* RFC 9293 3.10.7.3: simultaneous open -> SYN-RECEIVED, SYN-ACK. */
	c->snd_wnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	tcp_set_state(c, PTG_TCPS_SYN_RECEIVED);
	tcp_send_synack(c);
	goto drop_quiet;

drop:
	TCP_STAT(tcp, drop_synsent_bad);
drop_quiet:
	rte_pktmbuf_free(seg->m);
	seg->m = NULL;
}

/* ----------------------------------------------------------------------
 * Synchronized states and SYN-RECEIVED (RFC 9293 3.10.7.4)
 */

/* First check: is the segment acceptable? (the four cases of 3.10.7.4) */
static int
seq_acceptable(const struct ptg_conn *c, const struct tcp_seg *seg)
{
	uint32_t wnd = rcv_wnd(c);
	uint32_t seglen = seg->len + !!(seg->flags & TH_SYN) +
			  !!(seg->flags & TH_FIN);

	if (seglen == 0) {
		if (wnd == 0)
			return seg->seq == c->rcv_nxt;
		return seq_in(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return 0;
	return seq_in(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
	       seq_in(seg->seq + seglen - 1, c->rcv_nxt, c->rcv_nxt + wnd);
}

/* Returns 0 to go on with the text, -1 when the segment is done with. */
static int
ack_input(struct ptg_conn *c, struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;

	if (c->state == PTG_TCPS_SYN_RECEIVED) {
		if (!(seq_lt(c->snd_una, seg->ack) &&
		      seq_leq(seg->ack, c->snd_max))) {
			/* <SEQ=SEG.ACK><CTL=RST> */
			TCP_STAT(tcp, drop_bad_ack);
			tcp_respond_rst(tcp, seg);
			return -1;
		}
		if (c->listener != NULL &&
		    c->listener->acceptq_len >= c->listener->backlog) {
			/* Accept queue full: drop the ACK so the client
			 * tries again (our SYN-ACK retransmits prompt it),
			 * or refuse if the listener says so. */
			TCP_STAT(tcp, acceptq_overflow);
			c->listener->acceptq_overflow++;
			if (tcp->cfg.accept_overflow_rst) {
				tcp_respond_rst(tcp, seg);
				tcp_conn_destroy(c, PTG_CLOSE_ABORT);
			}
			return -1;
		}
		c->snd_wnd = seg->wnd << c->snd_wscale;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		c->snd_una = seg->ack;
		if (c->rexmt_shift == 0 && !(seg->opt.has_ts && seg->opt.tsecr))
			tcp_rtt_sample(c, (uint32_t)((tcp->now - c->rtt_start_ns) / 1000));
		else
			rtt_from_ack(c, seg);
		tcp_established(c);
		return 0;
	}

	/* RFC 5961 5.2: acceptable ACKs lie in
	 * [SND.UNA - MAX.SND.WND, SND.NXT]; others get an ACK and are dropped. */
	if (seq_gt(seg->ack, c->snd_max) ||
	    seq_lt(seg->ack, c->snd_una - c->max_snd_wnd)) {
		TCP_STAT(tcp, drop_bad_ack);
		tcp_send_challenge_ack(c);
		return -1;
	}
	if (seq_gt(seg->ack, c->snd_una)) {
		ack_new(c, seg);
	} else if (seg->ack == c->snd_una && tcp_flight(c) > 0) {
		if ((c->flags & TF_SACK_OK) && seg->opt.nb_sack > 0) {
			/* RFC 6675 2: with SACK, an ACK is a duplicate when it
			 * SACKs octets not SACKed before, whatever its window
			 * or payload (peers piggyback ACKs on data). */
			if (tcp_sack_update(c, &seg->opt) > 0)
				ack_dup(c, seg);
		} else if (seg->len == 0 && !(seg->flags & (TH_SYN | TH_FIN)) &&
			   (seg->wnd << c->snd_wscale) == c->snd_wnd) {
			/* RFC 5681 2: the classic duplicate ACK. */
			ack_dup(c, seg);
		}
	}
	wnd_update(c, seg);

	switch (c->state) {
	case PTG_TCPS_FIN_WAIT_1:
		if ((c->flags & TF_FIN_SENT) && c->snd_una == c->snd_max) {
			tcp_set_state(c, PTG_TCPS_FIN_WAIT_2);
			/* While stopping, ptg_tcp_stop()'s linger stays.
			 * Closed: fin_wait2_ns from now; only shut down:
			 * fin_wait2_ns without a word from the peer. */
			if ((c->flags & TF_DETACHED) && !tcp->stopping)
				tcp_timer_arm(c, TT_KEEP,
					      tcp->now + tcp->cfg.fin_wait2_ns);
			else if (!tcp->stopping && tcp->cfg.fin_wait2_ns)
				tcp_keep_arm(c, tcp->now + tcp->cfg.fin_wait2_ns);
		}
		break;
	case PTG_TCPS_CLOSING:
		if ((c->flags & TF_FIN_SENT) && c->snd_una == c->snd_max)
			tcp_time_wait(c);
		break;
	case PTG_TCPS_LAST_ACK:
		if ((c->flags & TF_FIN_SENT) && c->snd_una == c->snd_max) {
			tcp_deliver(c); /* what the service left queued */
			if (c->flags & TF_DEAD)
				return -1;
			TCP_STAT(tcp, conn_closed);
			tcp_conn_destroy(c, PTG_CLOSE_NORMAL);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

void
tcp_conn_input(struct ptg_conn *c, struct tcp_seg *seg)
{
	struct ptg_tcp *tcp = c->tcp;
	uint32_t skip = 0, len;

	c->last_rx_ns = tcp->now;
	if (unlikely(c->keep_probes != 0)) {
		/* A probe was answered: the next one is an idle interval
		 * from now, not the probe interval the timer waits for. */
		c->keep_probes = 0;
		tcp_keep_arm(c, tcp->now + (uint64_t)c->keep_idle_ms * 1000000ULL);
	}
	/* RFC 2883 4 rule 1: a D-SACK block reports the latest segment. */
	c->flags &= ~(TF_DSACK | TF_TX_HELD);

	if (c->state == PTG_TCPS_SYN_SENT) {
		synsent_input(c, seg);
		return;
	}
	if (fast_path(c, seg))
		goto out;

	/* A retransmitted SYN in SYN-RECEIVED: our SYN-ACK was lost. */
	if (c->state == PTG_TCPS_SYN_RECEIVED &&
	    (seg->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    seg->seq == c->irs) {
		TCP_STAT(tcp, synack_retrans);
		tcp_send_synack(c);
		goto drop_quiet;
	}

	/* Simultaneous open (RFC 9293 3.5 figure 7): the peer's SYN-ACK
	 * repeats its SYN at IRS, below RCV.NXT; the first check of 3.10.7.4
	 * trims that SYN off, and what is left is the ACK of ours. */
	if (c->state == PTG_TCPS_SYN_RECEIVED && (c->flags & TF_ACTIVE) &&
	    (seg->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
	    seg->seq == c->irs) {
		seg->flags &= ~TH_SYN;
		seg->seq++;
	}

	/* RFC 7323 5.3 R1: PAWS, unless TS.Recent is older than 24 days. */
	if ((c->flags & TF_TS_OK) && seg->opt.has_ts &&
	    !(seg->flags & TH_RST) &&
	    seq_lt(seg->opt.tsval, c->ts_recent) &&
	    tcp->now - c->ts_recent_age < TCP_PAWS_IDLE_NS) {
		TCP_STAT(tcp, drop_paws);
		c->flags |= TF_ACKNOW;
		goto drop_ack;
	}

	/* RFC 5961 4.2: a SYN in a synchronized state (or a new SYN in
	 * SYN-RECEIVED) gets a challenge ACK whatever its sequence number. */
	if (seg->flags & TH_SYN) {
		TCP_STAT(tcp, drop_syn_in_window);
		tcp_send_challenge_ack(c);
		goto drop_quiet;
	}

	if (!seq_acceptable(c, seg)) {
		if (seg->flags & TH_RST) {
			/* RFC 5961 3.2: out-of-window RST, silently. */
			TCP_STAT(tcp, drop_rst_out_of_window);
			goto drop_quiet;
		}
		/* RFC 2883 4: data below RCV.NXT came twice; the ACK says
		 * which in a D-SACK block (example 1). */
		if (seg->len > 0 && seq_lt(seg->seq, c->rcv_nxt))
			tcp_reass_dsack(c, seg->seq,
					seq_min(seg->seq + seg->len, c->rcv_nxt));
		TCP_STAT(tcp, drop_out_of_window);
		c->flags |= TF_ACKNOW;
		goto drop_ack;
	}

	/* RFC 5961 3.2: RST exactly at RCV.NXT resets; in window, challenge. */
	if (seg->flags & TH_RST) {
		if (seg->seq != c->rcv_nxt) {
			tcp_send_challenge_ack(c);
			goto drop_quiet;
		}
		TCP_STAT(tcp, conn_reset_rx);
		if (c->state == PTG_TCPS_SYN_RECEIVED)
			/* Passive: back to LISTEN, i.e. forget it. Active
			 * (simultaneous open): refused (3.10.7.4). */
			tcp_conn_destroy(c, (c->flags & TF_ACTIVE) ?
					    PTG_CLOSE_REFUSED : PTG_CLOSE_RESET);
		else
			tcp_conn_destroy(c, PTG_CLOSE_RESET);
		goto drop_quiet;
	}

	if (!(seg->flags & TH_ACK)) {
		/* 3.10.7.4 fifth check: no ACK, drop. */
		TCP_STAT(tcp, drop_bad_flags);
		goto drop_quiet;
	}

	ts_update(c, seg);

	/* Trim to the window: bytes before RCV.NXT, and beyond its edge
	 * (the FIN goes with the cut tail). */
	len = seg->len;
	if (seq_lt(seg->seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - seg->seq;
		if (skip > len) {
			skip = len;
			seg->flags &= ~TH_FIN; /* the FIN was seen already */
		}
		len -= skip;
		c->flags |= TF_ACKNOW; /* a duplicate: tell the peer */
		/* RFC 2883 4: the part below RCV.NXT came twice (example 4). */
		tcp_reass_dsack(c, seg->seq, seg->seq + skip);
	}
	if (len > 0 && seq_gt(seg->seq + skip + len, c->rcv_nxt + rcv_wnd(c))) {
		uint32_t edge = c->rcv_nxt + rcv_wnd(c);

		len = seq_gt(edge, seg->seq + skip) ? edge - (seg->seq + skip) : 0;
		seg->flags &= ~TH_FIN;
		c->flags |= TF_ACKNOW;
	}

	if (ack_input(c, seg) != 0 || (c->flags & TF_DEAD))
		goto drop_quiet;

	/* Seventh: the text (URG is ignored, RFC 6093 allows it). */
	if (len > 0) {
		switch (c->state) {
		case PTG_TCPS_ESTABLISHED:
		case PTG_TCPS_FIN_WAIT_1:
		case PTG_TCPS_FIN_WAIT_2:
			if (c->flags & TF_DETACHED) {
				/* Data for a closed endpoint (RFC 2525 2.17):
				 * reset rather than ACK and drop it. */
				TCP_STAT(tcp, drop_after_close);
				tcp_conn_reset(c, PTG_CLOSE_ABORT);
				goto drop_quiet;
			}
			if (seg->seq + skip == c->rcv_nxt) {
				if (data_in_order(c, seg, skip, len) != 0)
					seg->flags &= ~TH_FIN; /* not reached */
			} else {
				struct rte_mbuf *m;

				TCP_STAT(tcp, ooo_segs);
				TCP_STAT_ADD(tcp, ooo_bytes, len);
				if (seg->flags & TH_FIN) {
					c->flags |= TF_OOO_FIN;
					c->ooo_fin_seq = seg->seq + skip + len;
					seg->flags &= ~TH_FIN;
				}
				m = seg_payload(seg, skip, len);
				if (m->nb_segs > 1) {
					rte_pktmbuf_free(m);
					TCP_STAT(tcp, drop_ooo_full);
				} else {
					/* Freed by tcp_reass_insert() if
					 * not held. */
					int rc = tcp_reass_insert(c, m,
							seg->seq + skip, len);

					if (rc == TCP_REASS_FULL)
						TCP_STAT(tcp, drop_ooo_full);
					else if (rc == TCP_REASS_PRESSURE)
						TCP_STAT(tcp, drop_ooo_pressure);
				}
				/* RFC 5681 4.2: immediate duplicate ACK. */
				c->flags |= TF_ACKNOW;
			}
			break;
		default:
			TCP_STAT(tcp, drop_after_close);
			break;
		}
	}

	/* Eighth: FIN, once everything before it has arrived. */
	if ((seg->flags & TH_FIN) && seg->seq + skip + len == c->rcv_nxt &&
	    !(c->flags & TF_FIN_RCVD))
		fin_input(c);
	else if ((seg->flags & TH_FIN) && !(c->flags & TF_FIN_RCVD)) {
		c->flags |= TF_OOO_FIN;
		c->ooo_fin_seq = seg->seq + skip + len;
		/* RFC 5681 4.2: an out-of-order segment, even a bare FIN,
		 * gets an immediate duplicate ACK. */
		c->flags |= TF_ACKNOW;
	}

out:
	if (c->flags & TF_DEAD)
		goto drop_quiet;
	tcp_deliver(c);
	if (c->flags & TF_DEAD)
		goto drop_quiet;
	tcp_output(c);
	tcp_after_ack(c);
drop_quiet:
	if (seg->m != NULL)
		rte_pktmbuf_free(seg->m);
	seg->m = NULL;
	return;
drop_ack:
	if (!(seg->flags & TH_RST))
		tcp_send_oow_ack(c, seg);
	if (seg->m != NULL)
		rte_pktmbuf_free(seg->m);
	seg->m = NULL;
}

void
tcp_input(void *arg, struct rte_mbuf *m, uint64_t now_ns)
{
	struct ptg_tcp *tcp = arg;
	struct tcp_seg seg;
	struct tcp_key key;
	struct ptg_conn *c;
	struct tcp_listener *l;

	tcp->now = now_ns;
	TCP_STAT(tcp, rx_segs);
	if (seg_decode(tcp, m, &seg) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	key.raddr = seg.ip->src_addr;
	key.laddr = seg.ip->dst_addr;
	key.rport = rte_be_to_cpu_16(seg.th->src_port);
	key.lport = rte_be_to_cpu_16(seg.th->dst_port);
	c = tcp_lookup_any(tcp, &key);
	if (unlikely(tcp_entry_is_tw(c))) {
		/* TIME-WAIT: a record answers, or a SYN reopens the tuple
		 * (RFC 6191) and goes on to the listener. */
		if (tcp_tw_input(tcp, tcp_entry_tw(c), &seg,
				 tcp->listeners[key.lport] != NULL) == 0)
			goto out;
		c = NULL;
	}
	if (likely(c != NULL)) {
		tcp_conn_input(c, &seg);
		tcp_conn_check(c);
	} else if ((l = tcp->listeners[key.lport]) != NULL) {
		tcp_listen_input(tcp, l, &seg);
	} else {
		/* RFC 9293 3.10.7.1: CLOSED; a RST gets nothing. */
		if (!(seg.flags & RTE_TCP_RST_FLAG)) {
			TCP_STAT(tcp, rst_no_listener);
			tcp_respond_rst(tcp, &seg);
		} else {
			TCP_STAT(tcp, drop_no_conn);
		}
		rte_pktmbuf_free(seg.m);
	}
out:
	tcp->tw_iss_valid = 0;
	tcp_conn_reap(tcp);
}
