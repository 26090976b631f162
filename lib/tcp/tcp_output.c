/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output: build segments and hand them to the net layer.
 *
 *   ptg_send() / tcp_input() / timers -> tcp_output() -> send_seg()
 *        -> ptg_net_ip_output() -> tx batch
 *   tcp_input() -> tcp_respond_rst() | tcp_send_cookie_synack()  (stateless)
 *
 * Payload is copied from the send queue into a fresh mbuf behind the headers
 * (tcp_bufq_copy()): one memcpy of at most one MSS per segment, which lets
 * any PMD send it (no multi-segment TX needed for MTU-sized frames). With
 * cfg.tx_zerocopy_min set and a port that sends chained mbufs, a segment
 * with at least that much payload is a header mbuf chained to indirect
 * mbufs attached to the send queue's buffers instead (tcp_bufq_attach()):
 * no copy, but one more mbuf per buffer touched and an atomic reference
 * count update on attach and on free (see the README for what it measured).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_random.h>

#include "tcp_priv.h"

uint16_t
tcp_mss_for_mtu(const struct ptg_tcp *tcp)
{
	uint16_t mtu = ptg_net_config(tcp->net)->mtu;
	uint16_t mss = mtu - TCP_IP_HDR_LEN - TCP_HDR_LEN;

	if (tcp->cfg.mss != 0 && tcp->cfg.mss < mss)
		mss = tcp->cfg.mss;
	return mss;
}

/*
 * Payload bytes a segment may carry now: the MSS (already less the
 * timestamp option) less the SACK blocks that will ride along, so that
 * header + options + data never exceed the MTU (RFC 9293 3.7.1:
 * Eff.snd.MSS counts the options of each segment).
 */
uint32_t
tcp_seg_room(const struct ptg_conn *c)
{
	uint32_t blocks[TCP_SACK_MAX_BLOCKS][2];
	unsigned int used = (c->flags & TF_TS_OK) ? 12 : 0;
	unsigned int nb;

	if (!tcp_reass_has_sack(c))
		return c->mss;
	nb = tcp_reass_sack_blocks(c, blocks,
				   RTE_MIN((TCP_MAX_OPT_LEN - used - 4) / 8,
					   TCP_SACK_MAX_BLOCKS));
	return nb ? c->mss - (4 + 8 * nb) : c->mss;
}

/* RFC 6298 2.2-2.4: smoothed RTT, variance and RTO, in microseconds. */
void
tcp_rtt_sample(struct ptg_conn *c, uint32_t rtt_us)
{
	const struct ptg_tcp_config *cfg = &c->tcp->cfg;
	uint64_t rto;

	if (rtt_us == 0)
		rtt_us = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		uint32_t err = c->srtt_us > rtt_us ? c->srtt_us - rtt_us :
						     rtt_us - c->srtt_us;

		c->rttvar_us = (3 * c->rttvar_us + err) / 4;
		c->srtt_us = (7 * (uint64_t)c->srtt_us + rtt_us) / 8;
	}
	/* G, the clock granularity, is one timestamp tick (~1 ms). */
	rto = c->srtt_us + RTE_MAX(1000u, 4 * c->rttvar_us);
	rto = RTE_MAX(rto, cfg->rto_min_ns / 1000);
	rto = RTE_MIN(rto, cfg->rto_max_ns / 1000);
	c->rto_us = (uint32_t)rto;
}

/* What the free buffers of tcp_rcv_bufs_max() take in full segments, and
 * under memory pressure at most four segments: bounds on the free space
 * once the receive side holds buffers or memory is short
 * (tcp_rcv_window(), tcp_priv.h). */
uint32_t
tcp_rcv_space_mem(const struct ptg_conn *c, uint32_t space)
{
	uint32_t bufs = tcp_rcv_bufs(c), bufs_max = tcp_rcv_bufs_max(c);
	uint32_t per_buf = RTE_MIN((uint32_t)c->mss, 1u << c->tcp->buf_shift);

	space = RTE_MIN(space, bufs < bufs_max ? (bufs_max - bufs) * per_buf : 0);
	if (tcp_mem_pressure(c->tcp))
		space = RTE_MIN(space, 4u * c->mss);
	return space;
}

static uint32_t
ts_now(const struct ptg_conn *c)
{
	return tcp_ts_clock(c->tcp->now) + c->ts_offset;
}

/* Allocate a frame with IPv4 and TCP headers for @opt_len bytes of options.
 * The caller fills the rest and calls finish(). */
static struct rte_mbuf *
seg_alloc(struct ptg_tcp *tcp, unsigned int opt_len, struct rte_ipv4_hdr **ipp,
	  struct rte_tcp_hdr **thp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(tcp->mp);
	unsigned int hlen = TCP_IP_HDR_LEN + TCP_HDR_LEN + opt_len;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	if (unlikely(m == NULL)) {
		TCP_STAT(tcp, drop_nombuf);
		return NULL;
	}
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, hlen);
	th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	/* The ID: the connection's counter (conn_seg_alloc()), or random
	 * for a segment of no connection (RFC 6864 4.1). */
	ip->packet_id = 0;
	/* RFC 9293 3.7.1 with RFC 1191: set DF, segments fit the MTU. */
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	th->data_off = (uint8_t)(((TCP_HDR_LEN + opt_len) / 4) << 4);
	th->cksum = 0;
	th->tcp_urp = 0;
	m->l3_len = TCP_IP_HDR_LEN;
	m->l4_len = TCP_HDR_LEN + opt_len;
	*ipp = ip;
	*thp = th;
	return m;
}

/* A frame of connection @c: its addresses and ports, then @olen bytes of
 * options. */
static struct rte_mbuf *
conn_seg_alloc(struct ptg_conn *c, const uint8_t *opts, unsigned int olen,
	       struct rte_ipv4_hdr **ipp, struct rte_tcp_hdr **thp)
{
	struct rte_mbuf *m = seg_alloc(c->tcp, olen, ipp, thp);

	if (m == NULL)
		return NULL;
	memcpy(*thp + 1, opts, olen);
	(*ipp)->packet_id = rte_cpu_to_be_16(c->ip_id++);
	(*ipp)->src_addr = c->laddr;
	(*ipp)->dst_addr = c->raddr;
	(*thp)->src_port = rte_cpu_to_be_16(c->lport);
	(*thp)->dst_port = rte_cpu_to_be_16(c->rport);
	return m;
}

/* Hand a built segment to IPv4. -EAGAIN: it waits for the next hop's ARP
 * answer and leaves when it comes (ptg_net.h); other errors: the net layer
 * dropped it (counted there). */
static int
finish(struct ptg_tcp *tcp, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
       uint32_t payload)
{
	int rc;

	ip->total_length = rte_cpu_to_be_16((uint16_t)(m->l3_len + m->l4_len +
						       payload));
	TCP_STAT(tcp, tx_segs);
	TCP_STAT_ADD(tcp, tx_bytes, payload);
	rc = ptg_net_ip_output(tcp->net, m, tcp->now);
	if (unlikely(rc != 0)) {
		if (rc == -EAGAIN)
			TCP_STAT(tcp, tx_arp_held);
		else
			TCP_STAT(tcp, tx_dropped);
	}
	return rc;
}

/* finish() for a connection's segment: remember whether the peer may be
 * out of reach (RFC 1122 4.2.3.5: the timeout then reports it). */
static int
conn_finish(struct ptg_conn *c, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
	    uint32_t payload)
{
	int rc = finish(c->tcp, m, ip, payload);

	if (unlikely(rc != 0))
		c->flags |= TF_TX_HELD;
	else
		c->flags &= ~TF_TX_HELD;
	return rc;
}

/*
 * Send one segment of a connection: [seq, seq + len) from the send queue,
 * with @flags. ACK segments carry the current RCV.NXT and window, so every
 * one of them satisfies any ACK owed.
 */
static int
send_seg(struct ptg_conn *c, uint32_t seq, uint32_t len, uint8_t flags,
	 int with_sack)
{
	struct ptg_tcp *tcp = c->tcp;
	uint8_t opts[TCP_MAX_OPT_LEN];
	unsigned int olen = tcp_write_options(c, opts, ts_now(c), with_sack);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = conn_seg_alloc(c, opts, olen, &ip, &th);
	uint32_t win;

	if (m == NULL)
		return -ENOBUFS;
	/* RFC 2883 4 rule 2: a duplicate is reported in one D-SACK block. */
	if (with_sack)
		c->flags &= ~TF_DSACK;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->tcp_flags = flags;
	if (flags & RTE_TCP_ACK_FLAG) {
		win = tcp_rcv_window(c);
		th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
		/* RFC 7323 2.2: the field is scaled except on SYNs. */
		th->rx_win = rte_cpu_to_be_16((uint16_t)(win >> c->rcv_wscale));
		c->rcv_adv = c->rcv_nxt + win;
		c->last_ack_sent = c->rcv_nxt;
		c->flags &= ~(TF_ACKNOW | TF_DELACK | TF_WND_UPDATE);
		c->delack_segs = 0;
		tcp_timer_stop(c, TT_DELACK);
	} else {
		th->recv_ack = 0;
		th->rx_win = 0;
	}
	if (len > 0) {
		uint32_t off = seq - c->snd_seq0;
		int rc;

		if (len >= tcp->tx_zc_min)
			rc = tcp_bufq_attach(&c->sndq, off, len, m, tcp->mp);
		else
			rc = tcp_bufq_copy(&c->sndq, off, len, m, tcp->mp);
		if (unlikely(rc != 0)) {
			rte_pktmbuf_free(m);
			TCP_STAT(tcp, drop_nombuf);
			return -ENOBUFS;
		}
	}
	return conn_finish(c, m, ip, len);
}

int
tcp_send_ctl(struct ptg_conn *c, uint8_t flags, uint32_t seq)
{
	return send_seg(c, seq, 0, flags, 0);
}

int
tcp_send_ack(struct ptg_conn *c)
{
	return send_seg(c, c->snd_nxt, 0, RTE_TCP_ACK_FLAG, 1);
}

/* RFC 5961 7: challenge ACKs are rate limited per engine (one-second
 * windows), so they cannot be used to amplify or to probe sequence space. */
/*
 * RFC 5961 7 and 10: the budget of each one-second window is drawn
 * anew from [limit/2, limit/2 + limit): a fixed budget is a side channel
 * (an off-path attacker who exhausts it learns from the missing ACKs
 * whether its guess drew one, CVE-2016-5696); a random one tells nothing.
 */
static int
challenge_ack_allowed(struct ptg_tcp *tcp)
{
	uint32_t limit = tcp->cfg.challenge_ack_limit;

	if (tcp->now - tcp->chack_window_start >= 1000000000ULL ||
	    tcp->chack_window_start == 0) {
		tcp->chack_window_start = tcp->now;
		tcp->chack_budget = limit ? (limit + 1) / 2 +
			(uint32_t)rte_rand_max(limit) : 0;
	}
	if (tcp->chack_budget == 0) {
		TCP_STAT(tcp, challenge_ack_limited);
		return 0;
	}
	tcp->chack_budget--;
	TCP_STAT(tcp, challenge_acks);
	return 1;
}

/* RFC 7323 5.3 (with Linux's tcp_invalid_ratelimit): ACKs to segments
 * without data that are out of the window or fail PAWS, at most one per
 * interval per connection; a segment with data (or SYN, FIN) is no part
 * of an ACK loop and is always answered (its duplicate ACK may be what
 * the sender's recovery needs). */
int
tcp_oow_ack_allowed(struct ptg_tcp *tcp, uint32_t *last,
		    const struct tcp_seg *seg)
{
	uint64_t ivl = tcp->cfg.oow_ack_interval_ns;
	uint32_t now = tcp_ts_clock(tcp->now) | 1; /* 0: never sent */

	if (ivl == 0 || seg->len > 0 ||
	    (seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)))
		return 1;
	if (*last != 0 && now - *last < (uint32_t)(ivl >> TCP_TICK_SHIFT)) {
		TCP_STAT(tcp, oow_ack_limited);
		return 0;
	}
	*last = now;
	return 1;
}

int
tcp_send_oow_ack(struct ptg_conn *c, const struct tcp_seg *seg)
{
	if (!tcp_oow_ack_allowed(c->tcp, &c->oow_ack_tick, seg))
		return -EAGAIN;
	return tcp_send_ack(c);
}

int
tcp_send_challenge_ack(struct ptg_conn *c)
{
	if (!challenge_ack_allowed(c->tcp))
		return -EAGAIN;
	return tcp_send_ack(c);
}

/* The ACK of a TIME-WAIT record (tcp_timewait.c):
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, the last window, a timestamp if
 * the connection had them. Challenge ACKs share RFC 5961's budget. */
int
tcp_send_tw_ack(struct ptg_tcp *tcp, const struct tcp_tw *tw,
		enum tcp_ack_kind kind)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	unsigned int olen = (tw->flags & TW_TS_OK) ? 12 : 0;

	if (kind == TCP_ACK_CHALLENGE && !challenge_ack_allowed(tcp))
		return -EAGAIN;
	m = seg_alloc(tcp, olen, &ip, &th);
	if (m == NULL)
		return -ENOBUFS;
	if (olen) {
		uint8_t *o = (uint8_t *)(th + 1);
		uint32_t v;

		o[0] = 1;              /* NOP, NOP, TS (RFC 7323 appendix A) */
		o[1] = 1;
		o[2] = 8;
		o[3] = 10;
		v = rte_cpu_to_be_32(tcp_ts_clock(tcp->now) + tw->ts_offset);
		memcpy(o + 4, &v, 4);
		v = rte_cpu_to_be_32(tw->ts_recent);
		memcpy(o + 8, &v, 4);
	}
	ip->packet_id = (rte_be16_t)(rte_rand() >> 48);
	ip->src_addr = tw->laddr;
	ip->dst_addr = tw->raddr;
	th->src_port = rte_cpu_to_be_16(tw->lport);
	th->dst_port = rte_cpu_to_be_16(tw->rport);
	th->sent_seq = rte_cpu_to_be_32(tw->snd_nxt);
	th->recv_ack = rte_cpu_to_be_32(tw->rcv_nxt);
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(
			tw->rcv_wnd >> tw->rcv_wscale, TCP_WIN_MAX));
	return finish(tcp, m, ip, 0);
}

static int
send_syn_common(struct ptg_conn *c, uint8_t flags)
{
	struct ptg_tcp *tcp = c->tcp;
	uint8_t opts[TCP_MAX_OPT_LEN];
	int active = flags == RTE_TCP_SYN_FLAG;
	/* On a SYN we offer what is configured; on a SYN-ACK only what the
	 * peer offered (RFC 7323 2.2, 3.2; RFC 2018 2). */
	int ws = active ? 1 : !!(c->flags & TF_WS_OK);
	int sack = active ? tcp->cfg.sack : !!(c->flags & TF_SACK_OK);
	int ts = active ? tcp->cfg.timestamps : !!(c->flags & TF_TS_OK);
	unsigned int olen = tcp_write_syn_options(opts, tcp_mss_for_mtu(tcp),
						  ws, c->rcv_wscale, sack, ts,
						  ts_now(c), c->ts_recent);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = conn_seg_alloc(c, opts, olen, &ip, &th);

	if (m == NULL)
		return -ENOBUFS;
	th->sent_seq = rte_cpu_to_be_32(c->iss);
	th->recv_ack = active ? 0 : rte_cpu_to_be_32(c->rcv_nxt);
	th->tcp_flags = flags;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(c->rcvbuf, TCP_WIN_MAX));
	if (!active) {
		c->last_ack_sent = c->rcv_nxt;
		c->rcv_adv = c->rcv_nxt + RTE_MIN(c->rcvbuf, TCP_WIN_MAX);
	}
	if (seq_gt(c->iss + 1, c->snd_max))
		c->snd_max = c->iss + 1;
	c->snd_nxt = c->iss + 1;
	return conn_finish(c, m, ip, 0);
}

int
tcp_send_syn(struct ptg_conn *c)
{
	return send_syn_common(c, RTE_TCP_SYN_FLAG);
}

int
tcp_send_synack(struct ptg_conn *c)
{
	return send_syn_common(c, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
}

/* Reply to @seg without a connection: addresses and ports swapped. */
static struct rte_mbuf *
reply_alloc(struct ptg_tcp *tcp, const struct tcp_seg *seg,
	    unsigned int opt_len, struct rte_ipv4_hdr **ipp,
	    struct rte_tcp_hdr **thp)
{
	struct rte_mbuf *m = seg_alloc(tcp, opt_len, ipp, thp);

	if (m == NULL)
		return NULL;
	(*ipp)->packet_id = (rte_be16_t)(rte_rand() >> 48);
	(*ipp)->src_addr = seg->ip->dst_addr;
	(*ipp)->dst_addr = seg->ip->src_addr;
	(*thp)->src_port = seg->th->dst_port;
	(*thp)->dst_port = seg->th->src_port;
	return m;
}

/* RFC 9293 3.10.7.1 (and 3.5.2 group 1): the reply to a segment for no
 * connection. Never sent in answer to a RST. */
void
tcp_respond_rst(struct ptg_tcp *tcp, const struct tcp_seg *seg)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	if (seg->flags & RTE_TCP_RST_FLAG)
		return;
	m = reply_alloc(tcp, seg, 0, &ip, &th);
	if (m == NULL)
		return;
	if (seg->flags & RTE_TCP_ACK_FLAG) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		th->sent_seq = rte_cpu_to_be_32(seg->ack);
		th->recv_ack = 0;
		th->tcp_flags = RTE_TCP_RST_FLAG;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN
		 * count in SEG.LEN. */
		uint32_t len = seg->len +
			       !!(seg->flags & RTE_TCP_SYN_FLAG) +
			       !!(seg->flags & RTE_TCP_FIN_FLAG);

		th->sent_seq = 0;
		th->recv_ack = rte_cpu_to_be_32(seg->seq + len);
		th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	th->rx_win = 0;
	TCP_STAT(tcp, conn_reset_tx);
	finish(tcp, m, ip, 0);
}

/* A SYN-ACK for a SYN cookie (RFC 4987 3.6): no state kept. */
int
tcp_send_cookie_synack(struct ptg_tcp *tcp, const struct tcp_seg *seg,
		       uint32_t iss, uint16_t mss, uint32_t tsval,
		       uint8_t wscale, uint8_t sack_ok)
{
	uint8_t opts[TCP_MAX_OPT_LEN];
	int ts = seg->opt.has_ts && tcp->cfg.timestamps;
	int ws = ts && seg->opt.has_ws;
	unsigned int olen = tcp_write_syn_options(opts, mss, ws, wscale,
						  ts && sack_ok, ts, tsval,
						  seg->opt.tsval);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = reply_alloc(tcp, seg, olen, &ip, &th);

	if (m == NULL)
		return -ENOBUFS;
	memcpy(th + 1, opts, olen);
	th->sent_seq = rte_cpu_to_be_32(iss);
	th->recv_ack = rte_cpu_to_be_32(seg->seq + 1);
	th->tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(tcp->cfg.rcvbuf,
							TCP_WIN_MAX));
	return finish(tcp, m, ip, 0);
}

/* Retransmit (or probe) [seq, seq + len) clipped to one segment and to
 * what is queued; the FIN goes with it when it is the next thing in
 * sequence. Returns the payload bytes sent, or -errno. */
int
tcp_retransmit_one(struct ptg_conn *c, uint32_t seq, uint32_t max_len)
{
	uint32_t data_end = c->snd_seq0 + c->sndq.bytes;
	uint32_t len = 0;
	uint8_t flags = RTE_TCP_ACK_FLAG;
	int rc;

	if (seq_lt(seq, data_end))
		len = RTE_MIN(RTE_MIN(max_len, tcp_seg_room(c)), data_end - seq);
	if ((c->flags & TF_FIN_QUEUED) && seq + len == data_end &&
	    (c->flags & TF_FIN_SENT || len > 0))
		flags |= RTE_TCP_FIN_FLAG;
	if (len == 0 && !(flags & RTE_TCP_FIN_FLAG))
		return 0;
	if (len > 0)
		flags |= RTE_TCP_PSH_FLAG;
	if (seq_lt(seq, c->snd_max)) {
		TCP_STAT(c->tcp, retransmits);
		c->retransmits_total++;
		/* Karn: a retransmitted range is never timed. */
		if ((c->flags & TF_RTT_TIMING) &&
		    seq_leq(seq, c->rtt_seq))
			c->flags &= ~TF_RTT_TIMING;
	}
	if (seq_gt(seq + len + !!(flags & RTE_TCP_FIN_FLAG), c->snd_max)) {
		c->snd_max = seq + len + !!(flags & RTE_TCP_FIN_FLAG);
		if (flags & RTE_TCP_FIN_FLAG)
			c->flags |= TF_FIN_SENT;
	}
	rc = send_seg(c, seq, len, flags, 1);
	return rc < 0 ? rc : (int)len;
}

/*
 * Send what the windows allow. In SACK recovery, RFC 6675 5 (NextSeg /
 * pipe) decides; otherwise the usable window is min(cwnd, SND.WND) minus
 * what is in flight (with NewReno's inflated cwnd during recovery).
 */
static int
output(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;
	int sent = 0, rc;

	if (c->state < PTG_TCPS_ESTABLISHED || (c->flags & TF_DEAD))
		return 0;
	if (c->state == PTG_TCPS_TIME_WAIT) {
		/* Nothing to send but the ACK of the peer's FIN. */
		if (c->flags & TF_ACKNOW)
			tcp_send_ack(c);
		return 0;
	}

	for (;;) {
		uint32_t data_end = c->snd_seq0 + c->sndq.bytes;
		uint32_t room = tcp_seg_room(c);
		uint32_t unsent = tcp_unsent(c);
		uint32_t flight = c->snd_nxt - c->snd_una;
		uint32_t wnd_end = c->snd_una + c->snd_wnd;
		uint32_t avail, len;
		uint8_t flags = RTE_TCP_ACK_FLAG;
		int fin;

		if ((c->flags & (TF_IN_RECOVERY | TF_SACK_OK)) ==
		    (TF_IN_RECOVERY | TF_SACK_OK)) {
			uint32_t pipe = tcp_sack_pipe(c);
			uint32_t hseq, hlen;

			if (pipe + c->mss > c->cwnd)
				break;
			if (tcp_sack_next_hole(c, &hseq, &hlen)) {
				int n = tcp_retransmit_one(c, hseq, hlen);

				if (n < 0)
					break;
				TCP_STAT(tcp, sack_retransmits);
				c->high_rxt = hseq + (n > 0 ? (uint32_t)n : hlen);
				sent = 1;
				continue;
			}
			avail = c->cwnd - pipe;
		} else {
			uint32_t w = RTE_MIN(c->cwnd, c->snd_wnd);

			avail = w > flight ? w - flight : 0;
		}
		/* Never beyond the peer's window (RFC 9293 3.8.6.1). */
		if (seq_geq(c->snd_nxt, wnd_end))
			avail = 0;
		else
			avail = RTE_MIN(avail, wnd_end - c->snd_nxt);

		len = RTE_MIN(RTE_MIN(unsent, avail), room);
		fin = (c->flags & TF_FIN_QUEUED) && c->snd_nxt + len == data_end;

		if (len > 0 && len < room && len < unsent && !fin &&
		    len < c->max_snd_wnd / 2) {
			/* RFC 9293 3.8.6.2.1: sender silly window avoidance:
			 * wait for a full segment or half the max window. */
			len = 0;
			fin = 0;
		}
		if (len > 0 && len < room && !(c->flags & TF_NODELAY) &&
		    flight > 0 && !(c->flags & TF_IN_RECOVERY)) {
			/* RFC 9293 3.7.4 Nagle: one small segment in flight. */
			len = 0;
			fin = 0;
		}
		if (len == 0 && !fin) {
			if (unsent > 0 && flight == 0 &&
			    !(c->flags & TF_PERSIST)) {
				/* RFC 9293 3.8.6.1: probe a zero window; also
				 * the override timer of 3.8.6.2.1 when silly
				 * window avoidance holds a short segment. */
				c->flags |= TF_PERSIST;
				c->rexmt_shift = 0;
				tcp_timer_arm(c, TT_REXMT,
					      tcp->now + tcp_rto_ns(c));
			}
			break;
		}
		if (len > 0 && len == unsent)
			flags |= RTE_TCP_PSH_FLAG;
		if (fin)
			flags |= RTE_TCP_FIN_FLAG;
		if (seq_lt(c->snd_nxt, c->snd_max)) {
			TCP_STAT(tcp, retransmits);
			c->retransmits_total++;
		} else if (len > 0 && !(c->flags & (TF_TS_OK | TF_RTT_TIMING))) {
			/* RFC 6298 3: time one new segment per RTT. */
			c->flags |= TF_RTT_TIMING;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start_ns = tcp->now;
		}
		rc = send_seg(c, c->snd_nxt, len, flags, 1);
		if (unlikely(rc != 0) && (c->flags & TF_RTT_TIMING) &&
		    c->rtt_seq == c->snd_nxt)
			c->flags &= ~TF_RTT_TIMING; /* it would time ARP too */
		/* Sent, or not: a segment held behind ARP (-EAGAIN) leaves
		 * when the next hop answers, and its ACK must find it below
		 * SND.MAX; one that could not be built or queued is lost as
		 * on the wire. Either way it counts as sent and the
		 * retransmission timer covers it. */
		c->snd_nxt += len + fin;
		if (seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (fin)
			c->flags |= TF_FIN_SENT;
		/* RFC 6298 5.1: the timer runs while data is outstanding. */
		if (c->t_deadline[TT_REXMT] == 0 || (c->flags & TF_PERSIST))
			tcp_rexmt_restart(c);
		sent = 1;
		if (unlikely(rc != 0))
			break; /* the rest waits for the ACK or the timer */
	}
	if (!sent && (c->flags & (TF_ACKNOW | TF_WND_UPDATE)))
		tcp_send_ack(c);
	return 0;
}

int
tcp_output(struct ptg_conn *c)
{
	int sent = output(c);

	tcp_conn_check(c);
	return sent;
}
