/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket control calls: socket, bind, listen, accept, connect, shutdown,
 * fcntl, ioctl, getsockname, getpeername.
 *
 *   ptg_socket()         -> sock_new() (a reserved kernel descriptor)
 *   ptg_socket_bind()    -> sock_port_take()
 *   ptg_socket_listen()  -> ptg_tcp_listen() + ptg_tcp_set_manual_accept()
 *   ptg_socket_accept4() -> [sock_wait()] -> ptg_tcp_accept() -> sock_new()
 *   ptg_socket_connect() -> ptg_connect() -> [sock_wait() for on_writable
 *                           or on_close] (RFC 9293 3.10.1)
 *   ptg_socket_shutdown() -> ptg_shutdown() (RFC 9293 3.10.4)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_errno.h>

#include "socket_priv.h"

static void
fill_addr(rte_be32_t addr, uint16_t port, struct sockaddr *sa,
	  socklen_t *len)
{
	struct sockaddr_in sin;
	socklen_t n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	sin.sin_port = htons(port);
	n = *len < (socklen_t)sizeof(sin) ? *len : (socklen_t)sizeof(sin);
	memcpy(sa, &sin, n);
	*len = sizeof(sin); /* POSIX: the full length, even if truncated */
}

static int
parse_addr(const struct sockaddr *addr, socklen_t len, rte_be32_t *ip,
	   uint16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	if (addr == NULL)
		return EFAULT;
	if (len < (socklen_t)sizeof(*sin))
		return EINVAL;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	*ip = sin->sin_addr.s_addr;
	*port = ntohs(sin->sin_port);
	return 0;
}

int
ptg_socket(struct ptg_socket_stack *st, int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct sock *so;

	if (st == NULL)
		return sock_fail(EINVAL);
	if (domain != AF_INET)
		return sock_fail(EAFNOSUPPORT);
	if (base != SOCK_STREAM)
		return sock_fail(base >= SOCK_STREAM && base <= SOCK_PACKET ?
				 ESOCKTNOSUPPORT : EINVAL);
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return sock_fail(EPROTONOSUPPORT);
	pthread_mutex_lock(&st->lock);
	so = sock_new(st, SK_TCP, !!(type & SOCK_CLOEXEC));
	if (so == NULL) {
		int e = errno;

		pthread_mutex_unlock(&st->lock);
		return sock_fail(e);
	}
	so->nonblock = !!(type & SOCK_NONBLOCK);
	pthread_mutex_unlock(&st->lock);
	return so->fd;
}

int
ptg_socket_bind(struct ptg_socket_stack *st, int fd,
		const struct sockaddr *addr, socklen_t addrlen)
{
	struct sock *so;
	rte_be32_t ip;
	uint16_t port;
	int err;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	err = parse_addr(addr, addrlen, &ip, &port);
	if (err != 0)
		return sock_leave(so, err);
	if (so->bound || so->state != SS_NEW)
		return sock_leave(so, EINVAL);
	if (ip != htonl(INADDR_ANY) && ip != ptg_net_config(st->net)->addr)
		return sock_leave(so, EADDRNOTAVAIL);
	err = port == 0 ? sock_port_ephemeral(st, so) :
			  sock_port_take(st, so, port);
	if (err == 0)
		so->laddr = ip;
	return sock_leave(so, err);
}

int
ptg_socket_listen(struct ptg_socket_stack *st, int fd, int backlog)
{
	struct sock *so;
	int err, rc;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (so->state == SS_LISTEN)
		return sock_leave(so, 0); /* keeps its backlog (ptg_socket.h) */
	if (so->state != SS_NEW)
		return sock_leave(so, EINVAL);
	if (!so->bound) {
		err = sock_port_ephemeral(st, so);
		if (err != 0)
			return sock_leave(so, EADDRINUSE);
	}
	if (st->port_listen[so->lport])
		return sock_leave(so, EADDRINUSE);
	so->backlog = backlog < 1 ? 1 :
		      backlog > SOMAXCONN ? SOMAXCONN : (uint32_t)backlog;
	rc = ptg_tcp_listen(st->tcp, so->lport, &sock_conn_ops, so, so->backlog);
	if (rc != 0)
		return sock_leave(so, -rc);
	ptg_tcp_set_manual_accept(st->tcp, so->lport, 1);
	if (so->rcvbuf != st->cfg.tcp.rcvbuf)
		ptg_tcp_listen_set_rcvbuf(st->tcp, so->lport, so->rcvbuf);
	st->port_listen[so->lport] = 1;
	so->listening_port = 1;
	so->state = SS_LISTEN;
	so->seen_qlen = 0;
	sock_watch(so);
	return sock_leave(so, 0);
}

int
ptg_socket_accept4(struct ptg_socket_stack *st, int fd, struct sockaddr *addr,
		   socklen_t *addrlen, int flags)
{
	struct sock *so, *nso;
	struct ptg_conn *c;
	int err, nfd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return sock_fail(EINVAL);
	if (addr != NULL && addrlen == NULL)
		return sock_fail(EFAULT);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	for (;;) {
		if (so->closing)
			return sock_leave(so, EBADF);
		if (so->state != SS_LISTEN)
			return sock_leave(so, EINVAL);
		if (ptg_tcp_accept_queue_len(st->tcp, so->lport) > 0)
			break;
		if (so->nonblock)
			return sock_leave(so, EAGAIN);
		sock_wait(so, NULL);
	}
	/* The descriptor first: without one, the connection stays queued. */
	nso = sock_new(st, SK_TCP, !!(flags & SOCK_CLOEXEC));
	if (nso == NULL)
		return sock_leave(so, errno);
	/* Making the descriptor may have dropped a socket whose own one was
	 * closed with close(2): this very listener, possibly. */
	c = so->closing || so->state != SS_LISTEN ? NULL :
	    ptg_tcp_accept(st->tcp, so->lport);
	if (c == NULL) {
		sock_abandon(nso);
		return sock_leave(so, so->closing ? EBADF : ECONNABORTED);
	}
	so->seen_qlen = ptg_tcp_accept_queue_len(st->tcp, so->lport);
	nso->nonblock = !!(flags & SOCK_NONBLOCK);
	nso->state = SS_CONNECTED;
	nso->conn = c;
	nso->reuseaddr = so->reuseaddr;
	nso->nodelay = so->nodelay;
	nso->linger_on = so->linger_on;
	nso->linger_s = so->linger_s;
	nso->sndbuf = so->sndbuf;
	nso->rcvbuf = ptg_conn_rcvbuf(c); /* the listener's, via the engine */
	ptg_conn_endpoints(c, &nso->laddr, &nso->lport, &nso->raddr,
			   &nso->rport);
	/* It shares the listener's port (RFC 9293 3.2: the 4-tuple names
	 * the connection). */
	st->port_users[nso->lport]++;
	nso->port_held = 1;
	nso->bound = 1;
	ptg_conn_set_ctx(c, nso);
	ptg_conn_set_nodelay(c, nso->nodelay);
	/* Data or a FIN may have come with or after the handshake: let the
	 * engine offer it now (nothing is read; it records end of stream). */
	ptg_recv_resume(c);
	sock_flush(st);
	if (addr != NULL)
		fill_addr(nso->raddr, nso->rport, addr, addrlen);
	nfd = nso->fd;
	sock_leave(so, 0);
	return nfd;
}

int
ptg_socket_accept(struct ptg_socket_stack *st, int fd, struct sockaddr *addr,
		  socklen_t *addrlen)
{
	return ptg_socket_accept4(st, fd, addr, addrlen, 0);
}

static int
connect_errno(int rte_err)
{
	switch (rte_err) {
	case EADDRINUSE:
	case ENETUNREACH:
	case EINVAL:
		return rte_err;
	case ESHUTDOWN:
		return ENETDOWN;
	default:
		return ENOBUFS; /* the connection table is full */
	}
}

int
ptg_socket_connect(struct ptg_socket_stack *st, int fd,
		   const struct sockaddr *addr, socklen_t addrlen)
{
	struct sock *so;
	struct ptg_conn *c;
	rte_be32_t dst;
	uint16_t dport;
	int err, autobound = 0;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	switch (so->state) {
	case SS_LISTEN:
		return sock_leave(so, EOPNOTSUPP);
	case SS_CONNECTING:
		return sock_leave(so, EALREADY);
	case SS_CONNECTED:
		return sock_leave(so, EISCONN);
	default:
		break;
	}
	err = parse_addr(addr, addrlen, &dst, &dport);
	if (err != 0)
		return sock_leave(so, err);
	if (so->err != 0) {
		/* The previous attempt failed: report it once. */
		err = so->err;
		so->err = 0;
		return sock_leave(so, err);
	}
	if (dport == 0 || dst == htonl(INADDR_ANY) ||
	    dst == htonl(INADDR_BROADCAST))
		return sock_leave(so, EADDRNOTAVAIL);
	if (!so->bound) {
		err = sock_port_ephemeral(st, so);
		if (err != 0)
			return sock_leave(so, err);
		autobound = 1;
	}
	c = ptg_connect(st->tcp, dst, dport, so->lport, &sock_conn_ops, so,
			st->now);
	if (c == NULL) {
		err = connect_errno(rte_errno);
		if (autobound)
			sock_port_drop(so);
		return sock_leave(so, err);
	}
	ptg_conn_set_ctx(c, so);
	ptg_conn_set_nodelay(c, so->nodelay);
	ptg_conn_set_rcvbuf(c, so->rcvbuf);
	so->conn = c;
	so->conn_gone = 0;
	so->eof = 0;
	so->state = SS_CONNECTING;
	ptg_conn_endpoints(c, &so->laddr, NULL, &so->raddr, &so->rport);
	sock_flush(st);
	if (so->nonblock)
		return sock_leave(so, EINPROGRESS);
	while (so->state == SS_CONNECTING && !so->closing)
		sock_wait(so, NULL);
	if (so->closing)
		return sock_leave(so, EBADF);
	if (so->state == SS_CONNECTED)
		return sock_leave(so, 0);
	err = so->err ? so->err : ECONNREFUSED;
	so->err = 0;
	return sock_leave(so, err);
}

int
ptg_socket_shutdown(struct ptg_socket_stack *st, int fd, int how)
{
	struct sock *so;
	int err;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return sock_fail(EINVAL);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (so->state != SS_CONNECTED && so->state != SS_CONNECTING)
		return sock_leave(so, ENOTCONN);
	if (how == SHUT_RD || how == SHUT_RDWR) {
		so->rd_shut = 1;
		if (so->conn != NULL) {
			/* Bytes already queued go the way of later ones. */
			ptg_recv_resume(so->conn);
		}
	}
	if ((how == SHUT_WR || how == SHUT_RDWR) && !so->wr_shut) {
		so->wr_shut = 1;
		if (so->conn != NULL)
			ptg_shutdown(so->conn);
	}
	sock_flush(st);
	sock_event(so);
	return sock_leave(so, 0);
}

int
ptg_socket_fcntl(struct ptg_socket_stack *st, int fd, int cmd, long arg)
{
	struct sock *so;
	int rc;

	if (st == NULL)
		return sock_fail(EBADF);
	pthread_mutex_lock(&st->lock);
	so = sock_get(st, fd);
	if (so == NULL) {
		pthread_mutex_unlock(&st->lock);
		return sock_fail(EBADF);
	}
	switch (cmd) {
	case F_GETFL:
		rc = O_RDWR | (so->nonblock ? O_NONBLOCK : 0);
		break;
	case F_SETFL:
		so->nonblock = !!(arg & O_NONBLOCK);
		rc = 0;
		break;
	case F_GETFD:
	case F_SETFD:
		rc = fcntl(fd, cmd, arg);
		if (rc < 0)
			return sock_leave(so, errno);
		break;
	default:
		return sock_leave(so, EINVAL);
	}
	sock_leave(so, 0);
	return rc;
}

int
ptg_socket_ioctl(struct ptg_socket_stack *st, int fd, unsigned long req,
		 void *argp)
{
	struct ptg_conn_info info;
	struct sock *so;
	int err, v = 0;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (argp == NULL)
		return sock_leave(so, EFAULT);
	switch (req) {
	case FIONBIO:
		so->nonblock = *(const int *)argp != 0;
		return sock_leave(so, 0);
	case FIONREAD: /* == SIOCINQ */
	case SIOCOUTQ: /* == TIOCOUTQ */
		if (so->state == SS_LISTEN)
			return sock_leave(so, EINVAL);
		if (so->conn != NULL) {
			ptg_conn_info(so->conn, &info);
			v = (int)(req == FIONREAD ? info.rcvq_bytes :
						    info.sndq_bytes);
		}
		*(int *)argp = v;
		return sock_leave(so, 0);
	default:
		return sock_leave(so, ENOTTY);
	}
}

int
ptg_socket_getsockname(struct ptg_socket_stack *st, int fd,
		       struct sockaddr *addr, socklen_t *addrlen)
{
	struct sock *so;
	int err;

	if (addr == NULL || addrlen == NULL)
		return sock_fail(EFAULT);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	fill_addr(so->laddr, so->lport, addr, addrlen);
	return sock_leave(so, 0);
}

int
ptg_socket_getpeername(struct ptg_socket_stack *st, int fd,
		       struct sockaddr *addr, socklen_t *addrlen)
{
	struct sock *so;
	int err;

	if (addr == NULL || addrlen == NULL)
		return sock_fail(EFAULT);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (so->state != SS_CONNECTED || so->conn_gone)
		return sock_leave(so, ENOTCONN);
	fill_addr(so->raddr, so->rport, addr, addrlen);
	return sock_leave(so, 0);
}
