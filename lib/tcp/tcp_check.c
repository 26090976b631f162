/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invariants of the engine (see tcp_priv.h). Each is a PTG_ASSERT, so it
 * panics with file and line in debug and sanitizer builds and is compiled
 * out of release builds.
 *
 *   tcp_set_state() -> tcp_state_legal()
 *   tcp_conn_input() / tcp_output() / timer_fire() -> tcp_conn_check()
 *   tcp_listen_input() / tcp_listen_hand_over() -> tcp_listen_check()
 *   ptg_tcp_poll() -> tcp_table_check()
 */
#include "tcp_priv.h"

#define S(x) (1u << PTG_TCPS_ ## x)

/* RFC 9293 3.3.2 (Figure 5) as this engine walks it: the states each
 * state may be left for. Every state may go to CLOSED (the connection is
 * destroyed); a new block starts in CLOSED. */
static const uint16_t next_states[PTG_TCPS_NB] = {
	[PTG_TCPS_CLOSED] = S(SYN_SENT) | S(SYN_RECEIVED) |
		S(ESTABLISHED),                 /* passive via a SYN cookie */
	[PTG_TCPS_LISTEN] = 0,                  /* listeners are no blocks */
	[PTG_TCPS_SYN_SENT] = S(SYN_RECEIVED) | /* simultaneous open */
		S(ESTABLISHED),
	[PTG_TCPS_SYN_RECEIVED] = S(ESTABLISHED) | S(FIN_WAIT_1) |
		S(CLOSE_WAIT),
	[PTG_TCPS_ESTABLISHED] = S(FIN_WAIT_1) | S(CLOSE_WAIT),
	[PTG_TCPS_FIN_WAIT_1] = S(FIN_WAIT_2) | S(CLOSING) | S(TIME_WAIT),
	[PTG_TCPS_FIN_WAIT_2] = S(TIME_WAIT),
	[PTG_TCPS_CLOSE_WAIT] = S(LAST_ACK),
	[PTG_TCPS_CLOSING] = S(TIME_WAIT),
	[PTG_TCPS_LAST_ACK] = 0,
	[PTG_TCPS_TIME_WAIT] = 0,
};

int
tcp_state_legal(enum ptg_tcp_state from, enum ptg_tcp_state to)
{
	if ((unsigned int)from >= PTG_TCPS_NB || (unsigned int)to >= PTG_TCPS_NB)
		return 0;
	return to == PTG_TCPS_CLOSED || from == to ||
	       (next_states[from] & (1u << to)) != 0;
}

#if PTG_ASSERTS_ON

void
tcp_conn_check(const struct ptg_conn *c)
{
	if (c->flags & TF_DEAD)
		return;
	PTG_ASSERT(c->state < PTG_TCPS_NB && c->state != PTG_TCPS_LISTEN);
	/* RFC 9293 3.3.1: what is acknowledged, sent and ever sent. */
	PTG_ASSERT(seq_leq(c->snd_una, c->snd_nxt));
	PTG_ASSERT(seq_leq(c->snd_nxt, c->snd_max));
	PTG_ASSERT(seq_leq(c->snd_una, c->snd_max));
	/* The send queue starts at or after SND.UNA's data (the SYN is not
	 * in it) and holds every unacknowledged byte. */
	if (tcp_synchronized(c))
		PTG_ASSERT(seq_leq(c->snd_seq0, c->snd_una + 1));
	PTG_ASSERT((c->sndq.head == NULL) == (c->sndq.bytes == 0));
	PTG_ASSERT((c->rcvq.head == NULL) == (c->rcvq.bytes == 0));
	PTG_ASSERT((c->ooo == NULL) == (c->ooo_bytes == 0));
	PTG_ASSERT(c->sack_nb <= TCP_SCOREBOARD_MAX);
	/* Queue membership goes with its listener and state. */
	PTG_ASSERT(!((c->flags & TF_IN_SYNQ) && (c->flags & TF_IN_ACCEPTQ)));
	if (c->flags & (TF_IN_SYNQ | TF_IN_ACCEPTQ))
		PTG_ASSERT(c->listener != NULL);
	if (c->flags & TF_IN_SYNQ)
		PTG_ASSERT(c->state == PTG_TCPS_SYN_RECEIVED);
	/* It is in the table, under its own 4-tuple. */
	{
		struct tcp_key k = { .raddr = c->raddr, .laddr = c->laddr,
				     .rport = c->rport, .lport = c->lport };
		void *data = NULL;

		PTG_ASSERT(rte_hash_lookup_data(c->tcp->table, &k, &data) >= 0 &&
			   data == c);
	}
	/* An armed timer is filed on the wheel. */
	for (int k = 0; k < TT_NB; k++)
		if (c->t_deadline[k] != 0)
			PTG_ASSERT(c->timer.link.le_prev != NULL);
}

void
tcp_listen_check(const struct ptg_tcp *tcp, const struct tcp_listener *l)
{
	const struct ptg_conn *c;
	uint32_t n = 0;

	TAILQ_FOREACH(c, &l->synq, qlink) {
		PTG_ASSERT((c->flags & TF_IN_SYNQ) && c->listener == l);
		n++;
	}
	PTG_ASSERT(n == l->synq_len);
	PTG_ASSERT(l->synq_len <= tcp->cfg.syn_queue_len);
	n = 0;
	TAILQ_FOREACH(c, &l->acceptq, qlink) {
		PTG_ASSERT((c->flags & TF_IN_ACCEPTQ) && c->listener == l);
		n++;
	}
	PTG_ASSERT(n == l->acceptq_len);
	PTG_ASSERT(tcp->listeners[l->port] == l);
}

void
tcp_table_check(const struct ptg_tcp *tcp)
{
	const struct tcp_tw *tw;
	uint64_t last = 0;
	uint32_t n = 0;

	PTG_ASSERT((uint32_t)rte_hash_count(tcp->table) ==
		   tcp->nb_conns + tcp->nb_tw);
	PTG_ASSERT(tcp->nb_conns <= tcp->cfg.max_conns);
	/* TIME-WAIT records: as many as counted, in order of expiry. */
	TAILQ_FOREACH(tw, &tcp->tw_list, link) {
		PTG_ASSERT(tw->expire_ns >= last);
		last = tw->expire_ns;
		n++;
	}
	PTG_ASSERT(n == tcp->nb_tw);
	PTG_ASSERT(tcp->nb_tw <= tcp->cfg.time_wait_max);
}

#endif /* PTG_ASSERTS_ON */
