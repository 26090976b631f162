/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP test kit: an engine on the harness's fake port with an injected
 * clock, a recording service, and helpers that send a segment from the
 * peer and pop what the engine answered.
 *
 *   tt_new() -> ptg_test_env_new_tcp() (a stack object) + listen(TT_PORT)
 *   tt_rx()  -> ptg_test_tcp_frame() -> ptg_stack_rx() -> ptg_stack_poll()
 *   tt_pop() -> ptg_test_parse_ok() of the next transmitted frame
 *   tt_free() asserts: no connection left, mempool back to baseline.
 */
#ifndef TCP_TEST_H
#define TCP_TEST_H

#include "ptg_test.h"
#include "ptg_tcp.h"

#define TT_PORT 8080       /* the recording service listens here */
#define TT_PEER_PORT 40000 /* the peer's port */
#define TT_RX_CAP (1u << 20)

/* What the recording service saw. */
struct tt_rec {
	struct ptg_conn *conn;     /* last accepted / connected */
	unsigned int accepts, writables, fins, closes;
	enum ptg_close_reason reason;
	size_t consume_max;        /* per on_data call; SIZE_MAX: all */
	uint8_t *rx;               /* TT_RX_CAP bytes */
	size_t rx_len;
	int close_on_fin;          /* ptg_close() in on_fin */
	int reject;                /* on_accept returns nonzero */
	int close_in_data;         /* ptg_close() from on_data */
	char events[64];           /* callback order: A accept, D data,
				      W writable, F fin, C close */
};

struct tt {
	struct ptg_test_env *env;
	struct ptg_tcp *tcp;
	struct ptg_tcp_config cfg;
	struct tt_rec rec;
	unsigned int next;         /* next frame of env->port to pop */
	uint16_t default_win;      /* window put in segments sent with win 0 */
};

/* The recording service. */
extern const struct ptg_conn_ops tt_service;

/* Make a kit; @tweak (may be NULL) edits the config before creation. */
struct tt *tt_new(void (*tweak)(struct ptg_tcp_config *));
/* The same; @net_tweak (may be NULL) edits the harness's net config. */
struct tt *tt_new_net(void (*tweak)(struct ptg_tcp_config *),
		      void (*net_tweak)(struct ptg_net_config *));
void tt_free(struct tt *t);

/* Send one segment from the peer (PTG_TEST_IP_PEER:TT_PEER_PORT unless
 * sport is set) to TT_PORT (unless dport is set), then poll. */
void tt_rx(struct tt *t, const struct ptg_test_tcp *seg);
/* Same with options. */
void tt_rx_opts(struct tt *t, struct ptg_test_tcp seg,
		const struct ptg_test_tcp_opts *o);
/* Advance the injected clock, poll timers and ARP, flush. */
void tt_advance(struct tt *t, uint64_t ns);
/* Frames transmitted and not popped yet. */
unsigned int tt_pending(const struct tt *t);
/* Pop the next transmitted frame (asserts there is one, checksums ok). */
void tt_pop(struct tt *t, struct ptg_test_pkt *p);
/* Pop the next transmitted frame whatever it carries (ARP too). */
void tt_pop_frame(struct tt *t, struct ptg_test_pkt *p);
/* The peer answers ARP: "PTG_TEST_IP_PEER is at ptg_test_mac_peer". */
void tt_arp_reply(struct tt *t);
/* Assert nothing more was transmitted. */
void tt_none(struct tt *t);
/* Drop every pending frame. */
void tt_skip(struct tt *t);

/* Handshake from the peer with @o options (NULL: MSS 1460 only).
 * Returns the engine's ISS; the connection is accepted (rec.conn). */
uint32_t tt_open(struct tt *t, uint32_t peer_isn,
		 const struct ptg_test_tcp_opts *o);

/* Short names for the flags in segment literals. */
#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG

/* cmocka setup/teardown: a default kit in *state, freed (and checked). */
int tt_setup(void **state);
int tt_teardown(void **state);

/* Value of an engine counter. */
#define TT_STAT(t, name) (ptg_tcp_stats((t)->tcp)->name)

#endif /* TCP_TEST_H */
