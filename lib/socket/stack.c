/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack: net + engine + poll thread, the descriptor table, the port
 * table, waiting and waking, and the service callbacks that wake.
 *
 *   ptg_socket_stack_create() -> ptg_stack_create() (net + engine)
 *        -> poll_thread(): backend rx -> engine_run()
 *   engine_run(): ptg_stack_rx() -> ptg_stack_poll() -> ptg_stack_flush()
 *        -> engine callbacks (sock_conn_ops) -> sock_event() -> waiters
 *        -> watch_scan(): accept queues and send room -> sock_event()
 *   API call: lock -> sock_get() -> engine call -> sock_flush() ->
 *        [sock_wait() on the socket's condition variable] -> sock_put()
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_errno.h>

#include "socket_priv.h"

/* ----------------------------------------------------------------------
 * Clock and conditions
 */

uint64_t
sock_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Refresh the engine time for an API call (thread mode; in manual mode
 * time only moves through ptg_socket_stack_poll()). Never goes back. */
void
sock_engine_now(struct ptg_socket_stack *st)
{
	uint64_t now;

	if (st->cfg.manual_poll)
		return;
	now = sock_clock_ns();
	if (now > st->now)
		st->now = now;
}

static int
cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int rc;

	if (pthread_condattr_init(&a) != 0)
		return -1;
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	rc = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return rc == 0 ? 0 : -1;
}

/* Absolute CLOCK_MONOTONIC deadline @p timeout_ms from now. */
void
sock_deadline(struct timespec *ts, int64_t timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Sleep until the socket sees an event (or @p deadline, when not NULL).
 * Called with st->lock held and a reference on @p so.
 * Returns 0, or ETIMEDOUT. */
int
sock_wait(struct sock *so, const struct timespec *deadline)
{
	int rc;

	if (deadline == NULL)
		rc = pthread_cond_wait(&so->cond, &so->st->lock);
	else
		rc = pthread_cond_timedwait(&so->cond, &so->st->lock, deadline);
	return rc == ETIMEDOUT ? ETIMEDOUT : 0;
}

/* Something happened on @p so: wake its waiters and every poller. */
void
sock_event(struct sock *so)
{
	struct ptg_socket_stack *st = so->st;

	so->evgen++;
	pthread_cond_broadcast(&so->cond);
	st->evseq++;
	if (st->nb_pollers > 0)
		pthread_cond_broadcast(&st->pollcond);
}

/* Sockets whose readiness does not come with a callback: listeners (the
 * engine's manual accept queue) and sockets waiting for send room below
 * their own SO_SNDBUF. */
void
sock_watch(struct sock *so)
{
	if (so->watched)
		return;
	so->watched = 1;
	TAILQ_INSERT_TAIL(&so->st->watch, so, wlink);
}

void
sock_unwatch(struct sock *so)
{
	if (!so->watched)
		return;
	so->watched = 0;
	TAILQ_REMOVE(&so->st->watch, so, wlink);
}

static void
watch_scan(struct ptg_socket_stack *st)
{
	struct sock *so, *next;

	for (so = TAILQ_FIRST(&st->watch); so != NULL; so = next) {
		next = TAILQ_NEXT(so, wlink);
		if (so->state == SS_LISTEN) {
			unsigned int q = ptg_tcp_accept_queue_len(st->tcp,
								  so->lport);

			if (q > 0 && q != so->seen_qlen)
				sock_event(so);
			so->seen_qlen = q;
			continue;
		}
		if (so->want_space && (sock_revents(so) & POLLOUT)) {
			so->want_space = 0;
			sock_unwatch(so);
			sock_event(so);
		} else if (!so->want_space) {
			sock_unwatch(so);
		}
	}
}

/* Push out what an API call made the engine queue. */
void
sock_flush(struct ptg_socket_stack *st)
{
	ptg_stack_flush(st->stack);
}

/* ----------------------------------------------------------------------
 * Engine runs (poll thread or ptg_socket_stack_poll())
 */

static void
engine_run(struct ptg_socket_stack *st, struct rte_mbuf **pkts, uint16_t n,
	   uint64_t now)
{
	if (now < st->now)
		now = st->now;
	st->now = now;
	ptg_stack_rx(st->stack, pkts, n, now);
	ptg_stack_poll(st->stack, now);
	ptg_stack_flush(st->stack);
	watch_scan(st);
}

static void *
poll_thread(void *arg)
{
	struct ptg_socket_stack *st = arg;
	struct rte_mbuf *pkts[SOCK_RX_BURST];
	uint64_t wait = st->cfg.poll_wait_ns;

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		uint16_t n = st->cfg.backend.rx(st->cfg.backend.arg, pkts,
						SOCK_RX_BURST, wait);

		pthread_mutex_lock(&st->lock);
		engine_run(st, pkts, n, sock_clock_ns());
		pthread_mutex_unlock(&st->lock);
	}
	return NULL;
}

int
ptg_socket_stack_poll(struct ptg_socket_stack *st, uint64_t now_ns)
{
	struct rte_mbuf *pkts[SOCK_RX_BURST];
	uint16_t n;

	if (st == NULL || !st->cfg.manual_poll)
		return -EINVAL;
	do {
		n = st->cfg.backend.rx(st->cfg.backend.arg, pkts,
				       SOCK_RX_BURST, 0);
		pthread_mutex_lock(&st->lock);
		engine_run(st, pkts, n, now_ns);
		pthread_mutex_unlock(&st->lock);
	} while (n == SOCK_RX_BURST);
	return 0;
}

/* ----------------------------------------------------------------------
 * Descriptors
 */

static int
fd_is_ours(const struct sock *so)
{
	struct stat sb;

	return so->fd >= 0 && fstat(so->fd, &sb) == 0 &&
	       sb.st_dev == so->dev && sb.st_ino == so->ino;
}

static int
fdtab_grow(struct ptg_socket_stack *st, int fd)
{
	unsigned int len = st->fdtab_len ? st->fdtab_len : 64;
	struct sock **t;

	while (len <= (unsigned int)fd)
		len *= 2;
	t = realloc(st->fdtab, len * sizeof(*t));
	if (t == NULL)
		return -1;
	memset(t + st->fdtab_len, 0, (len - st->fdtab_len) * sizeof(*t));
	st->fdtab = t;
	st->fdtab_len = len;
	return 0;
}

static void sock_detach(struct sock *so);

/* Take @p so out of the descriptor table (the kernel fd stays open). */
static void
fd_unlink(struct sock *so)
{
	struct ptg_socket_stack *st = so->st;

	if (so->fd < 0 || (unsigned int)so->fd >= st->fdtab_len ||
	    st->fdtab[so->fd] != so)
		return;
	st->fdtab[so->fd] = NULL;
	st->nb_fds--;
	TAILQ_REMOVE(&st->socks, so, link);
}

/*
 * A new socket on a fresh kernel descriptor. The descriptor is an empty
 * memfd: reserved, unique (its inode tells ours from a reused number), and
 * harmless to close(2). Returns NULL with errno set.
 */
struct sock *
sock_new(struct ptg_socket_stack *st, uint8_t kind, int cloexec)
{
	struct sock *so, *stale;
	struct stat sb;
	int fd;

	so = calloc(1, sizeof(*so));
	if (so == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	fd = memfd_create(kind == SK_EPOLL ? "ptg-epoll" : "ptg-socket",
			  cloexec ? MFD_CLOEXEC : 0);
	if (fd < 0)
		goto fail_errno;
	if (fstat(fd, &sb) != 0)
		goto fail_close;
	if ((unsigned int)fd >= st->fdtab_len && fdtab_grow(st, fd) != 0) {
		errno = ENOMEM;
		goto fail_close;
	}
	if (cond_init(&so->cond) != 0) {
		errno = ENOMEM;
		goto fail_close;
	}
	stale = st->fdtab[fd];
	if (stale != NULL) {
		/* The number came back from the kernel, so the old socket's
		 * descriptor was closed behind our back (close(2)): that
		 * was its close. The number is the new socket's now. */
		fd_unlink(stale);
		stale->fd = -1;
		stale->refs++;
		sock_detach(stale);
		sock_put(stale);
	}
	so->st = st;
	so->fd = fd;
	so->dev = sb.st_dev;
	so->ino = sb.st_ino;
	so->kind = kind;
	so->sndbuf = st->cfg.tcp.sndbuf;
	so->rcvbuf = st->cfg.tcp.rcvbuf;
	TAILQ_INIT(&so->epitems);
	st->fdtab[fd] = so;
	st->nb_fds++;
	TAILQ_INSERT_TAIL(&st->socks, so, link);
	return so;

fail_close:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
fail_errno:
	free(so);
	return NULL;
}

/* Undo sock_new() for a socket nothing refers to yet. */
void
sock_abandon(struct sock *so)
{
	fd_unlink(so);
	sock_release_fd(so);
	sock_free(so);
}

/* The socket behind @p fd, with a reference taken; NULL if none. */
struct sock *
sock_get(struct ptg_socket_stack *st, int fd)
{
	struct sock *so;

	if (fd < 0 || (unsigned int)fd >= st->fdtab_len)
		return NULL;
	so = st->fdtab[fd];
	if (so == NULL || so->closing)
		return NULL;
	so->refs++;
	return so;
}

int
ptg_socket_is_ours(struct ptg_socket_stack *st, int fd)
{
	int ours;

	if (st == NULL)
		return 0;
	pthread_mutex_lock(&st->lock);
	ours = fd >= 0 && (unsigned int)fd < st->fdtab_len &&
	       st->fdtab[fd] != NULL;
	pthread_mutex_unlock(&st->lock);
	return ours;
}

/* Free the memory of a socket nobody refers to any more. */
void
sock_free(struct sock *so)
{
	sock_unwatch(so);
	sock_port_drop(so);
	pthread_cond_destroy(&so->cond);
	free(so->ep);
	free(so);
}

/* Last reference of a closed socket: free it, or keep it (as an orphan,
 * holding its port) until the engine reports its connection gone. */
static void
sock_finish(struct sock *so)
{
	struct ptg_socket_stack *st = so->st;

	if (so->conn != NULL) {
		TAILQ_INSERT_TAIL(&st->orphans, so, link);
		st->nb_orphans++;
		return;
	}
	sock_free(so);
}

void
sock_put(struct sock *so)
{
	if (--so->refs == 0 && so->closing)
		sock_finish(so);
}

/* The entry of every call on a TCP socket: lock the stack, take the
 * socket behind @p fd and refresh the engine time. On failure the lock
 * is released and *err says why (EBADF, or ENOTSOCK for an epoll
 * descriptor). */
struct sock *
sock_enter_tcp(struct ptg_socket_stack *st, int fd, int *err)
{
	struct sock *so;

	if (st == NULL) {
		*err = EBADF;
		return NULL;
	}
	pthread_mutex_lock(&st->lock);
	so = sock_get(st, fd);
	if (so == NULL || so->kind != SK_TCP) {
		*err = so == NULL ? EBADF : ENOTSOCK;
		if (so != NULL)
			sock_put(so);
		pthread_mutex_unlock(&st->lock);
		return NULL;
	}
	sock_engine_now(st);
	return so;
}

/* The exit of such a call: put @p so and unlock; 0, or -1 with errno
 * @p err. */
int
sock_leave(struct sock *so, int err)
{
	struct ptg_socket_stack *st = so->st;

	sock_put(so);
	pthread_mutex_unlock(&st->lock);
	return err ? sock_fail(err) : 0;
}

/* The descriptor is gone; what remains of the socket is its connection. */
void
sock_release_fd(struct sock *so)
{
	if (so->fd >= 0 && fd_is_ours(so))
		close(so->fd);
	so->fd = -1;
}

/*
 * Close @p so (the caller holds a reference and took it out of the
 * descriptor table): out of every interest list, stop listening, close the connection the
 * way close(2) does (RFC 9293 3.10.4, or a reset: 3.10.5, RFC 2525 2.17).
 * Waiters wake and fail with EBADF.
 */
static void
sock_detach(struct sock *so)
{
	struct ptg_socket_stack *st = so->st;

	so->closing = 1;
	sock_epoll_forget(so);
	if (so->kind == SK_EPOLL)
		sock_epoll_destroy(so);
	if (so->state == SS_LISTEN) {
		ptg_tcp_unlisten(st->tcp, so->lport);
		if (so->listening_port) {
			st->port_listen[so->lport] = 0;
			so->listening_port = 0;
		}
	}
	sock_unwatch(so);
	if (so->conn != NULL) {
		if (so->linger_on && so->linger_s == 0)
			ptg_abort(so->conn);
		else
			ptg_close(so->conn);
	}
	sock_flush(st);
	sock_event(so);
}

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* SO_LINGER with a timeout: wait (at most until @p deadline) for the FIN
 * to be acknowledged. The orphaned connection gets no callback for that,
 * so its state is looked at every few milliseconds. */
static void
linger_wait(struct sock *so, const struct timespec *deadline)
{
	while (so->conn != NULL) {
		enum ptg_tcp_state s = ptg_conn_state(so->conn);
		struct timespec now, slice;

		if (s == PTG_TCPS_FIN_WAIT_2 || s == PTG_TCPS_TIME_WAIT ||
		    s == PTG_TCPS_CLOSED)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(&now, deadline))
			return;
		sock_deadline(&slice, SOCK_LINGER_SLICE_NS / 1000000);
		if (ts_before(deadline, &slice))
			slice = *deadline;
		sock_wait(so, &slice);
	}
}

int
ptg_socket_close(struct ptg_socket_stack *st, int fd)
{
	struct timespec deadline;
	struct sock *so;

	if (st == NULL)
		return sock_fail(EBADF);
	pthread_mutex_lock(&st->lock);
	so = sock_get(st, fd);
	if (so == NULL) {
		pthread_mutex_unlock(&st->lock);
		return sock_fail(EBADF);
	}
	fd_unlink(so);
	sock_release_fd(so);
	sock_detach(so);
	if (so->linger_on && so->linger_s > 0 && !so->nonblock &&
	    so->conn != NULL) {
		sock_deadline(&deadline, (int64_t)so->linger_s * 1000);
		linger_wait(so, &deadline);
	}
	sock_put(so);
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/* ----------------------------------------------------------------------
 * Ports
 */

int
sock_port_take(struct ptg_socket_stack *st, struct sock *so, uint16_t port)
{
	if (port == 0)
		return EINVAL;
	if (st->port_listen[port])
		return EADDRINUSE;
	if (st->port_users[port] > 0 && !so->reuseaddr)
		return EADDRINUSE;
	if (st->port_users[port] == UINT16_MAX)
		return EADDRINUSE;
	st->port_users[port]++;
	so->lport = port;
	so->port_held = 1;
	so->bound = 1;
	return 0;
}

void
sock_port_drop(struct sock *so)
{
	struct ptg_socket_stack *st = so->st;

	if (so->listening_port) {
		st->port_listen[so->lport] = 0;
		so->listening_port = 0;
	}
	if (so->port_held) {
		st->port_users[so->lport]--;
		so->port_held = 0;
	}
	so->bound = 0;
}

/* RFC 6056 3.3.1-like: a per-stack cursor over the dynamic range. */
int
sock_port_ephemeral(struct ptg_socket_stack *st, struct sock *so)
{
	for (unsigned int i = 0; i < SOCK_EPH_COUNT; i++) {
		uint16_t p = (uint16_t)(SOCK_EPH_FIRST +
					(st->eph_next++ % SOCK_EPH_COUNT));

		if (st->port_users[p] == 0 && !st->port_listen[p])
			return sock_port_take(st, so, p);
	}
	return EADDRNOTAVAIL;
}

/* ----------------------------------------------------------------------
 * Engine callbacks: they only record and wake; the API calls do the work.
 */

static size_t
cb_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct sock *so = ptg_conn_ctx(c);
	const uint8_t *p = data;
	size_t n = 0;

	if (so == NULL)
		return 0;
	if (so->rd_shut)
		return len; /* SHUT_RD: acknowledged and discarded */
	if (!so->rd_active) {
		/* Nobody is reading: the bytes stay in the engine (and
		 * shrink the window); a reader will pull them. */
		sock_event(so);
		return 0;
	}
	while (n < len && so->rd_done < so->rd_total) {
		size_t off = so->rd_done, chunk;
		int i;

		for (i = 0; i < so->rd_iovcnt; i++) {
			if (off < so->rd_iov[i].iov_len)
				break;
			off -= so->rd_iov[i].iov_len;
		}
		if (i == so->rd_iovcnt)
			break;
		chunk = RTE_MIN(so->rd_iov[i].iov_len - off, len - n);
		memcpy((uint8_t *)so->rd_iov[i].iov_base + off, p + n, chunk);
		n += chunk;
		so->rd_done += chunk;
	}
	return so->rd_peek ? 0 : n;
}

static void
cb_writable(struct ptg_conn *c)
{
	struct sock *so = ptg_conn_ctx(c);

	if (so == NULL)
		return;
	if (so->state == SS_CONNECTING && ptg_conn_state(c) >= PTG_TCPS_ESTABLISHED) {
		so->state = SS_CONNECTED;
		ptg_conn_endpoints(c, &so->laddr, NULL, &so->raddr, &so->rport);
	}
	sock_event(so);
}

static void
cb_fin(struct ptg_conn *c)
{
	struct sock *so = ptg_conn_ctx(c);

	if (so == NULL)
		return;
	so->eof = 1;
	sock_event(so);
}

static int
close_errno(enum ptg_close_reason r)
{
	switch (r) {
	case PTG_CLOSE_RESET:
		return ECONNRESET;
	case PTG_CLOSE_TIMEOUT:
		return ETIMEDOUT;
	case PTG_CLOSE_REFUSED:
		return ECONNREFUSED;
	case PTG_CLOSE_SHUTDOWN:
		return ECONNABORTED;
	case PTG_CLOSE_UNREACHABLE:
		return EHOSTUNREACH;
	default:
		return 0;
	}
}

static void
cb_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct sock *so = ptg_conn_ctx(c);
	struct ptg_socket_stack *st;

	if (so == NULL)
		return;
	st = so->st;
	ptg_conn_set_ctx(c, NULL);
	so->conn = NULL;
	so->conn_gone = 1;
	if (close_errno(reason) != 0)
		so->err = close_errno(reason);
	if (so->state == SS_CONNECTING) {
		/* The active open failed: unconnected again, the error
		 * pending (RFC 9293 3.10.7.3; reported by connect(),
		 * SO_ERROR, or the next read or write). */
		so->state = SS_NEW;
		so->conn_gone = 0;
		if (!so->closing)
			sock_port_drop(so);
	}
	sock_event(so);
	if (so->closing && so->refs == 0) {
		/* An orphan's connection finished: nothing is left. */
		TAILQ_REMOVE(&st->orphans, so, link);
		st->nb_orphans--;
		sock_free(so);
	}
}

/* The engine's connection contract, implemented directly: a socket is
 * no service. */
const struct ptg_conn_ops sock_conn_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_data = cb_data,
	.on_writable = cb_writable,
	.on_fin = cb_fin,
	.on_close = cb_close,
};

/* ----------------------------------------------------------------------
 * Stack life cycle
 */

void
ptg_socket_config_default(struct ptg_socket_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ptg_tcp_config_default(&cfg->tcp);
	cfg->tcp.nodelay = 0;   /* sockets start with Nagle on */
	cfg->tcp.max_conns = 4096;
	cfg->net.mtu = 1500;
	cfg->socket_id = SOCKET_ID_ANY;
}

struct ptg_socket_stack *
ptg_socket_stack_create(const struct ptg_socket_config *cfg)
{
	struct ptg_socket_stack *st;
	struct ptg_stack_config sc;
	sigset_t all, old;
	int err = EINVAL;

	if (cfg == NULL || cfg->mp == NULL || cfg->backend.tx == NULL ||
	    cfg->backend.rx == NULL)
		goto fail;
	st = calloc(1, sizeof(*st));
	err = ENOMEM;
	if (st == NULL)
		goto fail;
	st->cfg = *cfg;
	if (st->cfg.poll_wait_ns == 0)
		st->cfg.poll_wait_ns = 1000000ULL;
	st->mp = cfg->mp;
	TAILQ_INIT(&st->socks);
	TAILQ_INIT(&st->orphans);
	TAILQ_INIT(&st->watch);
	st->eph_next = (uint16_t)(sock_clock_ns() >> 10);
	if (pthread_mutex_init(&st->lock, NULL) != 0)
		goto free_st;
	if (cond_init(&st->pollcond) != 0)
		goto free_lock;

	ptg_stack_config_default(&sc);
	sc.net = cfg->net;
	sc.net.tx = cfg->backend.tx;
	sc.net.tx_arg = cfg->backend.arg;
	sc.tcp = cfg->tcp;
	sc.net_timer_ns = SOCK_NET_TIMER_NS;
	sc.mp = cfg->mp;
	sc.socket = cfg->socket_id;
	st->stack = ptg_stack_create(&sc);
	if (st->stack == NULL) {
		err = rte_errno;
		goto free_cond;
	}
	st->net = ptg_stack_net(st->stack);
	st->tcp = ptg_stack_tcp(st->stack);
	st->now = cfg->manual_poll ? 0 : sock_clock_ns();
	if (!cfg->manual_poll) {
		int rc;

		/* The poll thread takes no signals: SIGPIPE and friends go
		 * to the application's threads. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = pthread_create(&st->thread, NULL, poll_thread, st);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (rc != 0) {
			err = rc;
			goto free_stack;
		}
		pthread_setname_np(st->thread, "ptg-sock-poll");
		st->thread_running = 1;
	}
	return st;

free_stack:
	ptg_stack_free(st->stack);
free_cond:
	pthread_cond_destroy(&st->pollcond);
free_lock:
	pthread_mutex_destroy(&st->lock);
free_st:
	free(st);
fail:
	rte_errno = err;
	return NULL;
}

void
ptg_socket_stack_free(struct ptg_socket_stack *st)
{
	struct sock *so;

	if (st == NULL)
		return;
	if (st->thread_running) {
		__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
		pthread_join(st->thread, NULL);
		st->thread_running = 0;
	}
	/* Interest lists first: their entries link sockets to instances. */
	TAILQ_FOREACH(so, &st->socks, link) {
		sock_epoll_forget(so);
		if (so->kind == SK_EPOLL)
			sock_epoll_destroy(so);
	}
	/* Connections go with the engine, without callbacks or segments. */
	while ((so = TAILQ_FIRST(&st->socks)) != NULL) {
		TAILQ_REMOVE(&st->socks, so, link);
		sock_release_fd(so);
		so->conn = NULL;
		sock_free(so);
	}
	while ((so = TAILQ_FIRST(&st->orphans)) != NULL) {
		TAILQ_REMOVE(&st->orphans, so, link);
		so->conn = NULL;
		sock_free(so);
	}
	ptg_stack_free(st->stack);
	free(st->fdtab);
	pthread_cond_destroy(&st->pollcond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

void
ptg_socket_stack_tcp_stats(struct ptg_socket_stack *st,
			   struct ptg_tcp_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = *ptg_tcp_stats(st->tcp);
	pthread_mutex_unlock(&st->lock);
}

void
ptg_socket_stack_net_stats(struct ptg_socket_stack *st,
			   struct ptg_net_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = *ptg_net_stats(st->net);
	pthread_mutex_unlock(&st->lock);
}

unsigned int
ptg_socket_stack_count(struct ptg_socket_stack *st)
{
	unsigned int n;

	pthread_mutex_lock(&st->lock);
	n = st->nb_fds;
	pthread_mutex_unlock(&st->lock);
	return n;
}

unsigned int
ptg_socket_stack_orphans(struct ptg_socket_stack *st)
{
	unsigned int n;

	pthread_mutex_lock(&st->lock);
	n = st->nb_orphans;
	pthread_mutex_unlock(&st->lock);
	return n;
}
