/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket layer internals: the stack, the socket, the epoll instance, and
 * the helpers the socket_*.c files share. Never installed.
 *
 * Locking: every field of the stack and of its sockets is guarded by
 * st->lock, which is also held around every engine call. The poll thread
 * calls the backend's rx without it.
 */
#ifndef SOCKET_PRIV_H
#define SOCKET_PRIV_H

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/queue.h>

#include "ptg_socket.h"
#include "ptg_stack.h"

#define SOCK_RX_BURST 32
#define SOCK_EPH_FIRST 49152u      /* RFC 6335 6: dynamic ports */
#define SOCK_EPH_COUNT 16384u
#define SOCK_LINGER_SLICE_NS (5ULL * 1000 * 1000)
#define SOCK_NET_TIMER_NS (100ULL * 1000 * 1000)

enum sock_kind {
	SK_TCP = 1,
	SK_EPOLL,
};

/* Socket life cycle (the engine's connection state is on top of it). */
enum sock_state {
	SS_NEW = 0,      /* fresh, or back here after a failed connect */
	SS_LISTEN,
	SS_CONNECTING,   /* ptg_connect() sent a SYN */
	SS_CONNECTED,    /* established at some point; conn may be gone */
};

struct sock_epoll;

/* One interest of an epoll instance. */
struct sock_epitem {
	TAILQ_ENTRY(sock_epitem) link;   /* in the epoll instance */
	TAILQ_ENTRY(sock_epitem) slink;  /* in the socket */
	struct sock_epoll *ep;
	struct sock *so;
	int fd;
	uint32_t events;
	epoll_data_t data;
	uint64_t seen_gen;               /* EPOLLET: evgen last reported */
	uint8_t disabled;                /* EPOLLONESHOT fired */
};
TAILQ_HEAD(sock_epitem_list, sock_epitem);

struct sock_epoll {
	struct sock_epitem_list items;
	unsigned int nb_items;
};

struct sock {
	TAILQ_ENTRY(sock) link;          /* st->socks or st->orphans */
	TAILQ_ENTRY(sock) wlink;         /* st->watch (listen / want space) */
	struct ptg_socket_stack *st;
	int fd;                          /* -1 once closed */
	dev_t dev;                       /* identity of the kernel fd */
	ino_t ino;
	uint8_t kind;                    /* enum sock_kind */
	uint8_t state;                   /* enum sock_state */
	uint8_t nonblock;
	uint8_t closing;                 /* closed while calls were running */
	uint8_t watched;                 /* in st->watch */
	uint8_t want_space;              /* a writer or poller waits for room */
	uint8_t bound;                   /* lport is held in the port table */
	uint8_t port_held;               /* counted in st->port_users */
	uint8_t rd_shut, wr_shut;        /* shutdown(2) directions */
	uint8_t eof;                     /* peer's FIN consumed (on_fin) */
	uint8_t conn_gone;               /* on_close came */
	uint8_t listening_port;          /* counted in st->port_listen */
	unsigned int refs;               /* calls in progress */
	int err;                         /* pending error (SO_ERROR) */
	uint64_t evgen;                  /* bumps on every event */
	pthread_cond_t cond;

	struct ptg_conn *conn;
	rte_be32_t laddr, raddr;
	uint16_t lport, rport;           /* host order */

	/* listening */
	uint32_t backlog;
	unsigned int seen_qlen;

	/* options */
	uint8_t reuseaddr;
	uint8_t nodelay;
	uint8_t linger_on;
	int linger_s;
	uint32_t sndbuf;
	uint32_t rcvbuf;                 /* SO_RCVBUF: the window's ceiling */

	/* reader in progress (filled by on_data during ptg_recv_resume()) */
	const struct iovec *rd_iov;
	int rd_iovcnt;
	size_t rd_total, rd_done;
	uint8_t rd_active, rd_peek;

	/* epoll */
	struct sock_epitem_list epitems; /* interests naming this socket */
	struct sock_epoll *ep;           /* SK_EPOLL only */
};
TAILQ_HEAD(sock_list, sock);

struct ptg_socket_stack {
	pthread_mutex_t lock;
	pthread_cond_t pollcond;         /* poll/epoll waiters */
	unsigned int nb_pollers;
	uint64_t evseq;                  /* bumps on every socket event */

	struct ptg_socket_config cfg;
	struct ptg_stack *stack;         /* net + engine */
	struct ptg_net *net;             /* ptg_stack_net(stack) */
	struct ptg_tcp *tcp;             /* ptg_stack_tcp(stack) */
	struct rte_mempool *mp;
	uint64_t now;                    /* engine time, ns */

	pthread_t thread;
	uint8_t thread_running;
	volatile uint8_t stop;

	struct sock **fdtab;             /* fd -> socket */
	unsigned int fdtab_len;
	unsigned int nb_fds;
	struct sock_list socks;          /* with a descriptor */
	struct sock_list orphans;        /* closed, connection finishing */
	struct sock_list watch;          /* checked after every engine run */
	unsigned int nb_orphans;

	uint16_t port_users[UINT16_MAX + 1];  /* sockets holding each port */
	uint8_t port_listen[UINT16_MAX + 1];  /* a listening socket */
	uint16_t eph_next;
};

/* stack.c */
uint64_t sock_clock_ns(void);
void sock_engine_now(struct ptg_socket_stack *st);
void sock_flush(struct ptg_socket_stack *st);
void sock_event(struct sock *so);
void sock_watch(struct sock *so);
void sock_unwatch(struct sock *so);
int sock_wait(struct sock *so, const struct timespec *deadline);
void sock_deadline(struct timespec *ts, int64_t timeout_ms);
struct sock *sock_new(struct ptg_socket_stack *st, uint8_t kind, int cloexec);
struct sock *sock_get(struct ptg_socket_stack *st, int fd);
void sock_abandon(struct sock *so);
void sock_put(struct sock *so);
struct sock *sock_enter_tcp(struct ptg_socket_stack *st, int fd, int *err);
int sock_leave(struct sock *so, int err);
void sock_release_fd(struct sock *so);
void sock_free(struct sock *so);
int sock_port_take(struct ptg_socket_stack *st, struct sock *so, uint16_t port);
void sock_port_drop(struct sock *so);
int sock_port_ephemeral(struct ptg_socket_stack *st, struct sock *so);
extern const struct ptg_conn_ops sock_conn_ops;

/* socket_io.c */
short sock_revents(struct sock *so);
size_t sock_send_room(const struct sock *so);

/* socket_poll.c */
void sock_epoll_forget(struct sock *so);
void sock_epoll_destroy(struct sock *so);

/* Set errno and return -1 (the POSIX convention of this API). */
static inline int
sock_fail(int err)
{
	errno = err;
	return -1;
}

#endif /* SOCKET_PRIV_H */
