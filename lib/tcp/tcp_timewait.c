/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME-WAIT (RFC 9293 3.3.2, 3.10.7.4) without a control block: when a
 * connection enters TIME-WAIT its service has been told (on_close), its
 * buffers are gone, and what is left to do is answer a retransmitted FIN,
 * tell an old duplicate from a new SYN (RFC 6191) and forget the tuple
 * after 2*MSL. A compact record does that (like FreeBSD's tcptw): the
 * 576-byte block returns to its pool at once.
 *
 *   fin_input() / ack_input() -> tcp_time_wait() -> tw_take() -> record
 *                                                -> block retired
 *   tcp_input() -> tcp_lookup_any() -> tagged record -> tcp_tw_input()
 *                                   -> ACK (tcp_send_tw_ack()) | reuse
 *   ptg_tcp_poll() -> tcp_tw_expire()   (oldest first, O(1) when idle)
 *
 * Records share the connection table: the table entry of a record is its
 * address with the low bit set (TCP_TW_TAG). They sit on one list in
 * order of expiry (every (re)start is now + 2*MSL, so appending keeps the
 * order), and at most time_wait_max of them exist: beyond that, or when
 * the table has no room for a new connection, the oldest is recycled
 * (timewait_recycled).
 *
 * RFC 1337 (TIME-WAIT assassination): a RST that ends TIME-WAIT early
 * lets old duplicates of the connection reach a new incarnation of the
 * tuple (hazards H1-H3). RFC 1337's fix F1 ignores RSTs in TIME-WAIT;
 * RFC 9293 3.10.7.4 still closes on one. Here a RST closes only when it
 * lies exactly at RCV.NXT (RFC 5961 3.2: in the window but not exact gets
 * a challenge ACK, outside it nothing), so a stray or guessed RST cannot
 * end it, and a reused tuple starts its ISS above anything the old
 * connection sent (RFC 6191, RFC 9293 3.4.1), which is what H1-H3 need
 * to be harmless.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "tcp_priv.h"

#define TH_FIN RTE_TCP_FIN_FLAG
#define TH_SYN RTE_TCP_SYN_FLAG
#define TH_RST RTE_TCP_RST_FLAG
#define TH_ACK RTE_TCP_ACK_FLAG

int
tcp_tw_init(struct ptg_tcp *tcp, int socket)
{
	uint32_t n = tcp->cfg.time_wait_max;

	TAILQ_INIT(&tcp->tw_list);
	TAILQ_INIT(&tcp->tw_free);
	tcp->tw_mem = rte_zmalloc_socket("ptg_tcp_tw", sizeof(struct tcp_tw) * n,
					 RTE_CACHE_LINE_SIZE, socket);
	if (tcp->tw_mem == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		TAILQ_INSERT_TAIL(&tcp->tw_free, &tcp->tw_mem[i], link);
	return 0;
}

void
tcp_tw_fini(struct ptg_tcp *tcp)
{
	rte_free(tcp->tw_mem);
	tcp->tw_mem = NULL;
}

static void
tw_key(const struct tcp_tw *tw, struct tcp_key *k)
{
	k->raddr = tw->raddr;
	k->laddr = tw->laddr;
	k->rport = tw->rport;
	k->lport = tw->lport;
}

/* Forget @tw: out of the table and the expiry list, onto the free list. */
static void
tw_release(struct ptg_tcp *tcp, struct tcp_tw *tw)
{
	struct tcp_key k;

	tw_key(tw, &k);
	rte_hash_del_key(tcp->table, &k);
	TAILQ_REMOVE(&tcp->tw_list, tw, link);
	TAILQ_INSERT_HEAD(&tcp->tw_free, tw, link);
	tcp->nb_tw--;
}

int
tcp_tw_recycle_oldest(struct ptg_tcp *tcp)
{
	struct tcp_tw *tw = TAILQ_FIRST(&tcp->tw_list);

	if (tw == NULL)
		return -ENOENT;
	TCP_STAT(tcp, timewait_recycled);
	tw_release(tcp, tw);
	return 0;
}

/* A free record; at the cap, the oldest one. */
static struct tcp_tw *
tw_take(struct ptg_tcp *tcp)
{
	struct tcp_tw *tw;

	if (TAILQ_EMPTY(&tcp->tw_free))
		tcp_tw_recycle_oldest(tcp);
	tw = TAILQ_FIRST(&tcp->tw_free);
	if (tw != NULL)
		TAILQ_REMOVE(&tcp->tw_free, tw, link);
	return tw;
}

static void
tw_restart(struct ptg_tcp *tcp, struct tcp_tw *tw)
{
	/* RFC 9293 3.10.7.4: TIME-WAIT lasts 2*MSL from the last FIN. */
	tw->expire_ns = tcp->now + 2 * tcp->cfg.msl_ns;
	TAILQ_REMOVE(&tcp->tw_list, tw, link);
	TAILQ_INSERT_TAIL(&tcp->tw_list, tw, link);
}

void
tcp_time_wait(struct ptg_conn *c)
{
	struct ptg_tcp *tcp = c->tcp;
	struct tcp_tw *tw;
	struct tcp_key k;

	tcp_set_state(c, PTG_TCPS_TIME_WAIT);
	tcp_timer_stop(c, TT_REXMT);
	tcp_timer_stop(c, TT_DELACK);
	/* Data that came with (or before) the FIN, and on_fin, reach the
	 * service before on_close. */
	tcp_deliver(c);
	if (c->flags & TF_DEAD)
		return;
	tcp_bufq_free(tcp, &c->sndq);
	tcp_bufq_free(tcp, &c->rcvq);
	tcp_reass_free(c);
	tcp_notify_close(c, PTG_CLOSE_NORMAL);
	if (c->flags & TF_DEAD)
		return;
	/* The ACK of the peer's FIN leaves now, while the block is here. */
	if (c->flags & TF_ACKNOW)
		tcp_send_ack(c);
	if (tcp->stopping || (tw = tw_take(tcp)) == NULL) {
		/* The endpoint is going away: nobody is left to answer a
		 * retransmitted FIN, so TIME-WAIT would only delay the exit. */
		tcp_conn_destroy(c, PTG_CLOSE_NORMAL);
		return;
	}
	memset(tw, 0, sizeof(*tw));
	tw->laddr = c->laddr;
	tw->raddr = c->raddr;
	tw->lport = c->lport;
	tw->rport = c->rport;
	tw->snd_nxt = c->snd_max;
	tw->rcv_nxt = c->rcv_nxt;
	tw->rcv_wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	tw->rcv_wscale = c->rcv_wscale;
	tw->ts_recent = c->ts_recent;
	tw->ts_offset = c->ts_offset;
	if (c->flags & TF_TS_OK)
		tw->flags |= TW_TS_OK;
	tw->expire_ns = tcp->now + 2 * tcp->cfg.msl_ns;
	/* The tuple's table entry now names the record. */
	k.raddr = c->raddr;
	k.laddr = c->laddr;
	k.rport = c->rport;
	k.lport = c->lport;
	rte_hash_add_key_data(tcp->table, &k, (void *)((uintptr_t)tw | TCP_TW_TAG));
	TAILQ_INSERT_TAIL(&tcp->tw_list, tw, link);
	tcp->nb_tw++;
	tcp_conn_retire(c);
}

/* RFC 6191 2: a SYN may reopen a TIME-WAIT tuple if its timestamp (or,
 * without timestamps, its sequence number) is above the old connection's. */
static int
tw_reusable(const struct tcp_tw *tw, const struct tcp_seg *seg)
{
	if ((seg->flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return 0;
	if ((tw->flags & TW_TS_OK) && seg->opt.has_ts)
		return seq_gt(seg->opt.tsval, tw->ts_recent);
	return seq_gt(seg->seq, tw->rcv_nxt);
}

/* RFC 9293 3.10.7.4 first check, with TIME-WAIT's last window. */
static int
tw_acceptable(const struct tcp_tw *tw, const struct tcp_seg *seg)
{
	uint32_t seglen = seg->len + !!(seg->flags & TH_SYN) +
			  !!(seg->flags & TH_FIN);

	if (seglen == 0) {
		if (tw->rcv_wnd == 0)
			return seg->seq == tw->rcv_nxt;
		return seq_in(seg->seq, tw->rcv_nxt, tw->rcv_nxt + tw->rcv_wnd);
	}
	if (tw->rcv_wnd == 0)
		return 0;
	return seq_in(seg->seq, tw->rcv_nxt, tw->rcv_nxt + tw->rcv_wnd) ||
	       seq_in(seg->seq + seglen - 1, tw->rcv_nxt,
		      tw->rcv_nxt + tw->rcv_wnd);
}

/*
 * A segment for a tuple in TIME-WAIT. Returns 1 when it is a SYN that may
 * open a new connection (RFC 6191): the record is gone and the caller
 * hands the segment to the listener, with tcp->tw_iss_hint set; else 0,
 * the segment consumed.
 */
int
tcp_tw_input(struct ptg_tcp *tcp, struct tcp_tw *tw, struct tcp_seg *seg,
	     int listening)
{
	if (listening && tw_reusable(tw, seg)) {
		TCP_STAT(tcp, timewait_reuse);
		/* RFC 6191 / RFC 9293 3.4.1: above the old incarnation. */
		tcp->tw_iss_hint = tw->snd_nxt + TCP_WIN_MAX + 2;
		tcp->tw_iss_valid = 1;
		tw_release(tcp, tw);
		return 1;
	}
	/* RFC 7323 5.3 R1: PAWS (TIME-WAIT is far shorter than 24 days). */
	if ((tw->flags & TW_TS_OK) && seg->opt.has_ts &&
	    !(seg->flags & TH_RST) && seq_lt(seg->opt.tsval, tw->ts_recent)) {
		TCP_STAT(tcp, drop_paws);
		if (tcp_oow_ack_allowed(tcp, &tw->oow_ack_tick, seg))
			tcp_send_tw_ack(tcp, tw, TCP_ACK_REPLY);
		goto drop;
	}
	/* RFC 5961 4.2: a SYN gets a challenge ACK. */
	if (seg->flags & TH_SYN) {
		TCP_STAT(tcp, drop_syn_in_window);
		tcp_send_tw_ack(tcp, tw, TCP_ACK_CHALLENGE);
		goto drop;
	}
	if (!tw_acceptable(tw, seg)) {
		if (seg->flags & TH_RST) {
			/* RFC 5961 3.2: out-of-window RST, silently. */
			TCP_STAT(tcp, drop_rst_out_of_window);
			goto drop;
		}
		if (seg->flags & TH_FIN) {
			/* A retransmitted FIN: re-ACK, restart 2*MSL. */
			TCP_STAT(tcp, timewait_fin_acked);
			tw_restart(tcp, tw);
		} else {
			TCP_STAT(tcp, drop_out_of_window);
		}
		if (tcp_oow_ack_allowed(tcp, &tw->oow_ack_tick, seg))
			tcp_send_tw_ack(tcp, tw, TCP_ACK_REPLY);
		goto drop;
	}
	if (seg->flags & TH_RST) {
		/* RFC 5961 3.2; RFC 1337 above. */
		if (seg->seq != tw->rcv_nxt) {
			tcp_send_tw_ack(tcp, tw, TCP_ACK_CHALLENGE);
			goto drop;
		}
		TCP_STAT(tcp, conn_reset_rx);
		tw_release(tcp, tw);
		goto drop;
	}
	if (!(seg->flags & TH_ACK)) {
		TCP_STAT(tcp, drop_bad_flags);
		goto drop;
	}
	/* RFC 7323 4.3: TS.Recent follows what covers Last.ACK.sent. */
	if ((tw->flags & TW_TS_OK) && seg->opt.has_ts &&
	    seq_geq(seg->opt.tsval, tw->ts_recent) &&
	    seq_leq(seg->seq, tw->rcv_nxt))
		tw->ts_recent = seg->opt.tsval;
	if (seg->flags & TH_FIN) {
		/* RFC 9293 3.10.7.4 eighth check: a FIN in TIME-WAIT (at
		 * RCV.NXT or beyond: the peer sends it again, or anew) is
		 * acknowledged and restarts the 2*MSL timeout. */
		TCP_STAT(tcp, timewait_fin_acked);
		tw_restart(tcp, tw);
		tcp_send_tw_ack(tcp, tw, TCP_ACK_REPLY);
		goto drop;
	}
	if (seg->len > 0)
		/* Seventh check: text after the FIN is ignored. */
		TCP_STAT(tcp, drop_after_close);
	/* A bare ACK in the window: nothing to say (an ACK of an ACK would
	 * loop). */
drop:
	rte_pktmbuf_free(seg->m);
	seg->m = NULL;
	return 0;
}

void
tcp_tw_expire(struct ptg_tcp *tcp, uint64_t now_ns)
{
	struct tcp_tw *tw;

	while ((tw = TAILQ_FIRST(&tcp->tw_list)) != NULL &&
	       tw->expire_ns <= now_ns) {
		TCP_STAT(tcp, timewait_expired);
		tw_release(tcp, tw);
	}
}

void
tcp_tw_flush(struct ptg_tcp *tcp)
{
	struct tcp_tw *tw;

	while ((tw = TAILQ_FIRST(&tcp->tw_list)) != NULL)
		tw_release(tcp, tw);
}

unsigned int
ptg_tcp_timewait_count(const struct ptg_tcp *tcp)
{
	return tcp ? tcp->nb_tw : 0;
}

/*
 * A table walk (ptg_tcp_conn_foreach(), ptg_tcp_conn_next()) shows a
 * record as a control block in TIME-WAIT, so that tools list it beside
 * the others: the engine's one scratch block takes the record's tuple,
 * sequence numbers and expiry, and ptg_conn_info()/_endpoints()/_state()
 * read it as usual (TF_TW_VIEW). It is valid until the next record is
 * shown; walks run on the engine's own lcore, one at a time.
 */
const struct ptg_conn *
tcp_tw_view(const struct ptg_tcp *tcp, const struct tcp_tw *tw)
{
	/* The engine is const to the walk; its scratch block is not part
	 * of what the walk promises to leave alone. */
	struct ptg_conn *v = (struct ptg_conn *)(uintptr_t)&tcp->tw_view;

	memset(v, 0, sizeof(*v));
	v->tcp = (struct ptg_tcp *)(uintptr_t)tcp;
	v->state = PTG_TCPS_TIME_WAIT;
	v->flags = TF_TW_VIEW | ((tw->flags & TW_TS_OK) ? TF_TS_OK : 0);
	v->laddr = tw->laddr;
	v->raddr = tw->raddr;
	v->lport = tw->lport;
	v->rport = tw->rport;
	v->snd_una = tw->snd_nxt;
	v->snd_nxt = tw->snd_nxt;
	v->snd_max = tw->snd_nxt;
	v->rcv_nxt = tw->rcv_nxt;
	v->rcv_adv = tw->rcv_nxt + tw->rcv_wnd;
	v->rcv_wscale = tw->rcv_wscale;
	v->t_deadline[TT_KEEP] = tw->expire_ns;
	return v;
}
