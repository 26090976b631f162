/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readiness: poll() and an epoll-like interest list.
 *
 *   ptg_socket_poll() / ptg_socket_epoll_wait()
 *        -> sock_revents() per socket -> [wait on st->pollcond until
 *           sock_event() bumps st->evseq, or the timeout]
 *   ptg_socket_epoll_ctl() -> struct sock_epitem in both the instance and
 *        the socket (so that closing either side unlinks it)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "socket_priv.h"

#define EP_ALWAYS (EPOLLERR | EPOLLHUP)
#define EP_KNOWN (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLERR | \
		  EPOLLHUP | EPOLLRDNORM | EPOLLWRNORM | EPOLLET | \
		  EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP)

/* A poller asked for POLLOUT the socket cannot give yet: have the engine
 * runs watch its send room (no callback says "room below SO_SNDBUF"). */
static void
want_out(struct sock *so, short asked, short have)
{
	if ((asked & POLLOUT) && !(have & POLLOUT) &&
	    so->state == SS_CONNECTED && so->conn != NULL) {
		so->want_space = 1;
		sock_watch(so);
	}
}

/* Wait on the stack's poll condition for any event after @p seq.
 * Returns 0, or ETIMEDOUT. */
static int
poll_sleep(struct ptg_socket_stack *st, uint64_t seq,
	   const struct timespec *deadline)
{
	int rc = 0;

	st->nb_pollers++;
	while (st->evseq == seq && rc == 0) {
		if (deadline == NULL)
			rc = pthread_cond_wait(&st->pollcond, &st->lock);
		else
			rc = pthread_cond_timedwait(&st->pollcond, &st->lock,
						    deadline);
	}
	st->nb_pollers--;
	return rc == ETIMEDOUT ? ETIMEDOUT : 0;
}

int
ptg_socket_poll(struct ptg_socket_stack *st, struct pollfd *fds, nfds_t nfds,
		int timeout_ms)
{
	struct timespec deadline;
	struct rlimit rl;
	int n, expired = 0;

	if (st == NULL)
		return sock_fail(EINVAL);
	if (nfds > 0 && fds == NULL)
		return sock_fail(EFAULT);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    nfds > rl.rlim_cur)
		return sock_fail(EINVAL);
	if (timeout_ms > 0)
		sock_deadline(&deadline, timeout_ms);
	pthread_mutex_lock(&st->lock);
	for (;;) {
		uint64_t seq = st->evseq;

		n = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			struct sock *so;
			short have;

			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;
			so = (unsigned int)fds[i].fd < st->fdtab_len ?
			     st->fdtab[fds[i].fd] : NULL;
			if (so == NULL || so->closing) {
				fds[i].revents = POLLNVAL;
				n++;
				continue;
			}
			have = sock_revents(so);
			fds[i].revents = have & (fds[i].events | POLLERR |
						 POLLHUP);
			want_out(so, fds[i].events, have);
			if (fds[i].revents != 0)
				n++;
		}
		if (n > 0 || timeout_ms == 0 || expired)
			break;
		if (poll_sleep(st, seq, timeout_ms > 0 ? &deadline : NULL) ==
		    ETIMEDOUT)
			expired = 1;
	}
	pthread_mutex_unlock(&st->lock);
	return n;
}

/* ----------------------------------------------------------------------
 * epoll
 */

int
ptg_socket_epoll_create1(struct ptg_socket_stack *st, int flags)
{
	struct sock_epoll *ep;
	struct sock *so;
	int e;

	if (st == NULL || (flags & ~EPOLL_CLOEXEC))
		return sock_fail(EINVAL);
	ep = calloc(1, sizeof(*ep));
	if (ep == NULL)
		return sock_fail(ENOMEM);
	TAILQ_INIT(&ep->items);
	pthread_mutex_lock(&st->lock);
	so = sock_new(st, SK_EPOLL, !!(flags & EPOLL_CLOEXEC));
	if (so == NULL) {
		e = errno;
		pthread_mutex_unlock(&st->lock);
		free(ep);
		return sock_fail(e);
	}
	so->ep = ep;
	pthread_mutex_unlock(&st->lock);
	return so->fd;
}

int
ptg_socket_epoll_create(struct ptg_socket_stack *st, int size)
{
	if (size <= 0)
		return sock_fail(EINVAL);
	return ptg_socket_epoll_create1(st, 0);
}

static void
epitem_free(struct sock_epitem *it)
{
	TAILQ_REMOVE(&it->ep->items, it, link);
	it->ep->nb_items--;
	TAILQ_REMOVE(&it->so->epitems, it, slink);
	free(it);
}

/* @p so closes: it leaves every interest list. */
void
sock_epoll_forget(struct sock *so)
{
	struct sock_epitem *it;

	while ((it = TAILQ_FIRST(&so->epitems)) != NULL)
		epitem_free(it);
}

/* The epoll instance @p so closes: drop its interests. */
void
sock_epoll_destroy(struct sock *so)
{
	struct sock_epitem *it;

	if (so->ep == NULL)
		return;
	while ((it = TAILQ_FIRST(&so->ep->items)) != NULL)
		epitem_free(it);
}

static struct sock_epitem *
epitem_find(struct sock_epoll *ep, const struct sock *so)
{
	struct sock_epitem *it;

	TAILQ_FOREACH(it, &ep->items, link)
		if (it->so == so)
			return it;
	return NULL;
}

int
ptg_socket_epoll_ctl(struct ptg_socket_stack *st, int epfd, int op, int fd,
		     struct epoll_event *ev)
{
	struct sock *eso, *so = NULL;
	struct sock_epitem *it;
	int err = 0;

	if (st == NULL)
		return sock_fail(EBADF);
	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		return sock_fail(EINVAL);
	if (op != EPOLL_CTL_DEL && ev == NULL)
		return sock_fail(EFAULT);
	pthread_mutex_lock(&st->lock);
	eso = sock_get(st, epfd);
	if (eso == NULL) {
		pthread_mutex_unlock(&st->lock);
		return sock_fail(EBADF);
	}
	if (eso->kind != SK_EPOLL || fd == epfd) {
		err = EINVAL;
		goto out;
	}
	so = sock_get(st, fd);
	if (so == NULL) {
		/* A descriptor of the kernel's, not ours: as epoll(7) says
		 * of files that cannot be polled. */
		err = fd >= 0 && fcntl(fd, F_GETFD) >= 0 ? EPERM : EBADF;
		goto out;
	}
	if (so->kind != SK_TCP) {
		err = EINVAL; /* no nesting of instances */
		goto out;
	}
	if (op != EPOLL_CTL_DEL && (ev->events & ~(uint32_t)EP_KNOWN)) {
		err = EINVAL;
		goto out;
	}
	it = epitem_find(eso->ep, so);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it != NULL) {
			err = EEXIST;
			break;
		}
		it = calloc(1, sizeof(*it));
		if (it == NULL) {
			err = ENOMEM;
			break;
		}
		it->ep = eso->ep;
		it->so = so;
		it->fd = fd;
		TAILQ_INSERT_TAIL(&eso->ep->items, it, link);
		TAILQ_INSERT_TAIL(&so->epitems, it, slink);
		eso->ep->nb_items++;
		/* fall through: set the events */
		/* FALLTHROUGH */
	case EPOLL_CTL_MOD:
		if (it == NULL) {
			err = ENOENT;
			break;
		}
		it->events = ev->events;
		it->data = ev->data;
		it->disabled = 0;
		it->seen_gen = so->evgen - 1; /* report what is ready now */
		break;
	default: /* EPOLL_CTL_DEL */
		if (it == NULL)
			err = ENOENT;
		else
			epitem_free(it);
		break;
	}
out:
	if (so != NULL)
		sock_put(so);
	sock_put(eso);
	pthread_mutex_unlock(&st->lock);
	return err ? sock_fail(err) : 0;
}

int
ptg_socket_epoll_wait(struct ptg_socket_stack *st, int epfd,
		      struct epoll_event *events, int maxevents,
		      int timeout_ms)
{
	struct timespec deadline;
	struct sock *eso;
	int n, expired = 0;

	if (st == NULL)
		return sock_fail(EBADF);
	if (maxevents < 1)
		return sock_fail(EINVAL);
	if (events == NULL)
		return sock_fail(EFAULT);
	if (timeout_ms > 0)
		sock_deadline(&deadline, timeout_ms);
	pthread_mutex_lock(&st->lock);
	eso = sock_get(st, epfd);
	if (eso == NULL || eso->kind != SK_EPOLL) {
		int e = eso == NULL ? EBADF : EINVAL;

		if (eso != NULL)
			sock_put(eso);
		pthread_mutex_unlock(&st->lock);
		return sock_fail(e);
	}
	for (;;) {
		uint64_t seq = st->evseq;
		struct sock_epitem *it;

		n = 0;
		if (eso->closing)
			break;
		TAILQ_FOREACH(it, &eso->ep->items, link) {
			uint32_t have, got;

			if (n == maxevents)
				break;
			if (it->disabled)
				continue;
			have = (uint32_t)(unsigned short)sock_revents(it->so);
			got = have & (it->events | EP_ALWAYS);
			want_out(it->so, (short)it->events, (short)have);
			if (got == 0)
				continue;
			if (it->events & EPOLLET) {
				/* Edge: only what is new since the last
				 * report of this interest. */
				if (it->seen_gen == it->so->evgen)
					continue;
				it->seen_gen = it->so->evgen;
			}
			if (it->events & EPOLLONESHOT)
				it->disabled = 1;
			events[n].events = got;
			events[n].data = it->data;
			n++;
		}
		if (n > 0 || timeout_ms == 0 || expired)
			break;
		if (poll_sleep(st, seq, timeout_ms > 0 ? &deadline : NULL) ==
		    ETIMEDOUT)
			expired = 1;
	}
	sock_put(eso);
	pthread_mutex_unlock(&st->lock);
	return n;
}
