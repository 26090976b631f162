/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket test kit: a stack (ptg_socket.h) wired by an in-memory link to a
 * peer, which is a second portgate engine with a recording service.
 *
 *   st_new(manual) -> ptg_socket_stack_create(backend = link) + peer
 *                     (ptg_net + ptg_tcp at PTG_TEST_IP_PEER)
 *   manual mode:  st_pump(t, ms) advances the injected clock 1 ms at a
 *                 time: ptg_socket_stack_poll() then the peer's run
 *   thread mode:  the stack has its poll thread; a peer thread runs the
 *                 peer on real time; calls into the peer engine take
 *                 st_peer_lock()
 *   st_free()     asserts the mempool is back to its baseline
 */
#ifndef SOCK_TEST_H
#define SOCK_TEST_H

#include <pthread.h>
#include <stdint.h>

#include "ptg_test.h"
#include "ptg_stack.h"
#include "ptg_tcp.h"
#include "ptg_socket.h"

#define ST_PEER_PORT 7000   /* the peer's listening port */
#define ST_LOCAL_PORT 8080  /* where tests listen on the stack */
#define ST_QCAP 8192
#define ST_RX_CAP (4u << 20)

/* Frames in flight one way. */
struct st_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rte_mbuf *q[ST_QCAP];
	unsigned int head, count;
	unsigned int data_frames;   /* TCP frames with payload that passed */
	unsigned int dropped;       /* queue full */
};

/* The peer's recording service. */
struct st_peer_rec {
	struct ptg_conn *conn;      /* last accepted or connected */
	unsigned int accepts, writables, fins, closes;
	enum ptg_close_reason reason;
	size_t consume_max;         /* per on_data call */
	uint8_t *rx;
	size_t rx_len;
	/* what the peer still has to send on conn (ptg_send on writable) */
	const uint8_t *tx;
	size_t tx_len, tx_done;
};

struct st {
	struct ptg_socket_stack *st;
	struct st_queue to_peer, to_stack;
	struct rte_mempool *mp;
	unsigned int mp_baseline;
	int manual;
	uint64_t now;               /* manual mode clock, ns */

	struct ptg_stack *pstack;     /* the peer: a stack object */
	struct ptg_net *pnet;
	struct ptg_tcp *ptcp;
	struct st_peer_rec rec;
	pthread_mutex_t peer_lock;
	pthread_t peer_thread;
	volatile int peer_stop;
	int peer_running;
};

extern const struct ptg_conn_ops st_peer_service;

/* @tweak (may be NULL) edits the stack's config before creation. */
struct st *st_new(int manual, void (*tweak)(struct ptg_socket_config *));
void st_free(struct st *t);

/* Manual mode: advance @ms milliseconds, 1 ms at a time. */
void st_pump(struct st *t, unsigned int ms);

/* Thread mode: serialise with the peer thread. */
void st_peer_lock(struct st *t);
void st_peer_unlock(struct st *t);

/* Peer helpers (take the peer lock in thread mode). */
struct ptg_conn *st_peer_connect(struct st *t, uint16_t port);
void st_peer_send(struct st *t, const void *data, size_t len);
void st_peer_resume(struct st *t);
void st_peer_shutdown(struct st *t);
void st_peer_abort(struct st *t);
void st_peer_close(struct st *t);
uint64_t st_peer_stat(struct st *t, size_t offset);
#define ST_PEER_STAT(t, name) \
	st_peer_stat((t), offsetof(struct ptg_tcp_stats, name))
uint64_t st_stack_stat(struct st *t, size_t offset);
#define ST_STACK_STAT(t, name) \
	st_stack_stat((t), offsetof(struct ptg_tcp_stats, name))

/* Manual mode: rebuild each TCP frame with payload waiting for the stack
 * as a chain of mbufs: headers and @first payload bytes in the first
 * (40 or more, so the engine need not linearize the headers), then
 * @piece bytes per mbuf. Returns the frames rebuilt. */
unsigned int st_to_stack_chain(struct st *t, uint16_t first, uint16_t piece);

/* A socket address on the peer / the stack. */
struct sockaddr_in st_addr(rte_be32_t ip, uint16_t port);

/* Manual mode: a connected pair. Returns the stack's descriptor
 * (non-blocking), connected to the peer's ST_PEER_PORT. */
int st_connected(struct st *t);
/* Manual mode: a listening socket on ST_LOCAL_PORT with @p backlog,
 * non-blocking. */
int st_listener(struct st *t, int backlog);

/* Whether thread @p tid of this process sleeps in the kernel ('S'). */
int st_thread_sleeping(pid_t tid);
/* Wait (up to 2 s) until @p tid sleeps; asserts it does. */
void st_assert_sleeps(pid_t tid);

#endif /* SOCK_TEST_H */
