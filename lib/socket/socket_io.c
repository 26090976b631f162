/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data calls: the read and write families, and readiness of one socket.
 *
 *   ptg_socket_read/readv/recv/recvfrom() -> ptg_socket_recvmsg()
 *        -> ptg_recv_resume() -> tcp_deliver() -> cb_data() copies into
 *           the caller's iovec (the engine keeps what is not read: the
 *           receive window is the engine's queue, RFC 9293 3.8.6.2.2)
 *        -> MSG_PEEK: ptg_recv_peek() copies, the engine keeps it all
 *        -> [sock_wait() until cb_data/cb_fin/cb_close]
 *   ptg_socket_write/writev/send/sendto() -> ptg_socket_sendmsg()
 *        -> ptg_send() -> tcp_output() -> [sock_wait() for send room]
 *   sock_revents(): what poll() and epoll report
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

#include "socket_priv.h"

/* Room for a write: the engine's free send buffer, bounded by SO_SNDBUF. */
size_t
sock_send_room(const struct sock *so)
{
	size_t eng, queued;

	if (so->conn == NULL)
		return 0;
	eng = ptg_send_space(so->conn);
	queued = ptg_send_queued(so->conn);
	if (queued >= so->sndbuf)
		return 0;
	return RTE_MIN(eng, so->sndbuf - queued);
}

short
sock_revents(struct sock *so)
{
	struct ptg_conn_info info;
	short ev = 0;

	if (so->kind != SK_TCP)
		return 0;
	if (so->err != 0)
		ev |= POLLERR;
	switch (so->state) {
	case SS_NEW:
		/* Never connected (or a failed attempt): as Linux says,
		 * writing would not block and there is no peer. */
		return ev | POLLOUT | POLLWRNORM | POLLHUP;
	case SS_LISTEN:
		if (ptg_tcp_accept_queue_len(so->st->tcp, so->lport) > 0)
			ev |= POLLIN | POLLRDNORM;
		return ev;
	case SS_CONNECTING:
		return ev;
	default:
		break;
	}
	if (so->conn == NULL) {
		/* The connection is over (reset, timed out, or closed). */
		return ev | POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT |
		       POLLWRNORM | POLLHUP;
	}
	ptg_conn_info(so->conn, &info);
	if (info.rcvq_bytes > 0 || so->eof || so->rd_shut)
		ev |= POLLIN | POLLRDNORM;
	if (so->eof)
		ev |= POLLRDHUP;
	if (so->wr_shut) {
		ev |= POLLOUT | POLLWRNORM; /* a write fails at once */
	} else {
		size_t room = sock_send_room(so);

		if (room > 0 && room >= so->sndbuf / 4)
			ev |= POLLOUT | POLLWRNORM;
	}
	if (so->eof && so->wr_shut)
		ev |= POLLHUP;
	return ev;
}

static int
iov_total(const struct iovec *iov, int iovcnt, size_t *total)
{
	size_t t = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	if (iovcnt > 0 && iov == NULL)
		return EFAULT;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0 && iov[i].iov_base == NULL)
			return EFAULT;
		if (iov[i].iov_len > SSIZE_MAX - t)
			return EINVAL;
		t += iov[i].iov_len;
	}
	*total = t;
	return 0;
}

/* sock_leave() for calls that return a count. */
static ssize_t
io_leave(struct sock *so, ssize_t done, int err)
{
	return sock_leave(so, err) < 0 ? -1 : done;
}

/*
 * MSG_PEEK: as many queued bytes as fit in @p iov, whichever mbufs they
 * sit in (on_data offers one mbuf at a time, and a peek consumes none, so
 * it cannot go through on_data).
 */
static size_t
peek_some(struct sock *so, const struct iovec *iov, int iovcnt)
{
	size_t done = 0;

	for (int i = 0; i < iovcnt; i++) {
		size_t n;

		if (iov[i].iov_len == 0)
			continue;
		n = ptg_recv_peek(so->conn, done, iov[i].iov_base,
				  iov[i].iov_len);
		done += n;
		if (n < iov[i].iov_len)
			break;
	}
	return done;
}

/* Take the pending error (SO_ERROR semantics: reported once). */
static int
take_err(struct sock *so)
{
	int e = so->err;

	so->err = 0;
	return e;
}

ssize_t
ptg_socket_recvmsg(struct ptg_socket_stack *st, int fd, struct msghdr *msg,
		   int flags)
{
	int nonblock, waitall, peek, err;
	size_t total, done = 0;
	struct sock *so;

	if (msg == NULL)
		return sock_fail(EFAULT);
	err = iov_total(msg->msg_iov, (int)msg->msg_iovlen, &total);
	if (err != 0)
		return sock_fail(err);
	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL |
		      MSG_CMSG_CLOEXEC))
		return sock_fail(EOPNOTSUPP);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	peek = !!(flags & MSG_PEEK);
	/* POSIX recv(): with MSG_PEEK, MSG_WAITALL may return less. */
	waitall = (flags & MSG_WAITALL) && !peek;
	msg->msg_flags = 0;
	msg->msg_controllen = 0;
	if (msg->msg_name != NULL && msg->msg_namelen > 0) {
		/* A connected stream has no per-message source. */
		msg->msg_namelen = 0;
	}
	for (;;) {
		nonblock = so->nonblock || (flags & MSG_DONTWAIT);
		if (so->closing)
			return io_leave(so, done, done ? 0 : EBADF);
		if (so->state == SS_LISTEN)
			return io_leave(so, 0, ENOTCONN);
		if (so->state == SS_NEW) {
			err = take_err(so);
			return io_leave(so, 0, err ? err : ENOTCONN);
		}
		if (total == 0)
			return io_leave(so, 0, 0);
		if (so->state == SS_CONNECTED && so->rd_shut)
			return io_leave(so, done, 0);
		if (so->state == SS_CONNECTED && so->conn != NULL && peek) {
			done = peek_some(so, msg->msg_iov,
					 (int)msg->msg_iovlen);
		} else if (so->state == SS_CONNECTED && so->conn != NULL) {
			so->rd_iov = msg->msg_iov;
			so->rd_iovcnt = (int)msg->msg_iovlen;
			so->rd_total = total;
			so->rd_done = done;
			so->rd_peek = 0;
			so->rd_active = 1;
			ptg_recv_resume(so->conn);
			so->rd_active = 0;
			so->rd_iov = NULL;
			done = so->rd_done;
			sock_flush(st);
		}
		if (done > 0 && (!waitall || done == total))
			return io_leave(so, done, 0);
		if (so->err != 0) {
			if (done > 0)
				return io_leave(so, done, 0);
			return io_leave(so, 0, take_err(so));
		}
		if (so->state == SS_CONNECTED && (so->eof || so->conn == NULL))
			return io_leave(so, done, 0);
		if (nonblock)
			return io_leave(so, done, done ? 0 : EAGAIN);
		sock_wait(so, NULL);
	}
}

ssize_t
ptg_socket_recvfrom(struct ptg_socket_stack *st, int fd, void *buf,
		    size_t len, int flags, struct sockaddr *src,
		    socklen_t *srclen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	n = ptg_socket_recvmsg(st, fd, &msg, flags);
	if (n >= 0 && src != NULL && srclen != NULL) {
		/* Like Linux for TCP: no source address is returned. */
		*srclen = 0;
	}
	return n;
}

ssize_t
ptg_socket_recv(struct ptg_socket_stack *st, int fd, void *buf, size_t len,
		int flags)
{
	return ptg_socket_recvfrom(st, fd, buf, len, flags, NULL, NULL);
}

ssize_t
ptg_socket_read(struct ptg_socket_stack *st, int fd, void *buf, size_t len)
{
	return ptg_socket_recvfrom(st, fd, buf, len, 0, NULL, NULL);
}

ssize_t
ptg_socket_readv(struct ptg_socket_stack *st, int fd, const struct iovec *iov,
		 int iovcnt)
{
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)(iovcnt < 0 ? 0 : iovcnt);
	if (iovcnt < 0)
		return sock_fail(EINVAL);
	return ptg_socket_recvmsg(st, fd, &msg, 0);
}

/* Queue bytes [done, total) of @p iov, at most @p room of them. */
static int
send_some(struct sock *so, const struct iovec *iov, int iovcnt,
	  size_t *done, size_t total, size_t room)
{
	size_t off = *done;
	int i;

	for (i = 0; i < iovcnt && off >= iov[i].iov_len; i++)
		off -= iov[i].iov_len;
	while (i < iovcnt && room > 0 && *done < total) {
		size_t want = RTE_MIN(iov[i].iov_len - off, room);
		ssize_t n;

		if (want == 0) {
			i++;
			off = 0;
			continue;
		}
		n = ptg_send(so->conn, (const uint8_t *)iov[i].iov_base + off,
			     want);
		if (n < 0)
			return n == -ENOBUFS ? ENOBUFS : EPIPE;
		*done += (size_t)n;
		room -= (size_t)n;
		if ((size_t)n < want)
			break;
		i++;
		off = 0;
	}
	return 0;
}

ssize_t
ptg_socket_sendmsg(struct ptg_socket_stack *st, int fd,
		   const struct msghdr *msg, int flags)
{
	size_t total, done = 0;
	struct sock *so;
	int err, nonblock;
	ssize_t rc;

	if (msg == NULL)
		return sock_fail(EFAULT);
	err = iov_total(msg->msg_iov, (int)msg->msg_iovlen, &total);
	if (err != 0)
		return sock_fail(err);
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR))
		return sock_fail(EOPNOTSUPP);
	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	for (;;) {
		nonblock = so->nonblock || (flags & MSG_DONTWAIT);
		if (so->closing) {
			err = done ? 0 : EBADF;
			break;
		}
		if (so->err != 0) {
			err = done ? 0 : take_err(so);
			break;
		}
		if (so->state == SS_NEW || so->state == SS_LISTEN) {
			err = ENOTCONN;
			break;
		}
		if (so->wr_shut ||
		    (so->state == SS_CONNECTED && so->conn == NULL)) {
			err = done ? 0 : EPIPE;
			break;
		}
		if (so->state == SS_CONNECTED) {
			err = send_some(so, msg->msg_iov, (int)msg->msg_iovlen,
					&done, total, sock_send_room(so));
			sock_flush(st);
			if (err != 0) {
				if (done > 0)
					err = 0;
				break;
			}
			if (done == total)
				break;
		}
		if (nonblock) {
			err = done ? 0 : EAGAIN;
			break;
		}
		if (so->state == SS_CONNECTED) {
			so->want_space = 1;
			sock_watch(so);
		}
		sock_wait(so, NULL);
	}
	rc = io_leave(so, done, err);
	if (err == EPIPE && !(flags & MSG_NOSIGNAL)) {
		/* POSIX: EPIPE comes with SIGPIPE to the calling thread. */
		pthread_kill(pthread_self(), SIGPIPE);
		errno = EPIPE;
	}
	return rc;
}

ssize_t
ptg_socket_sendto(struct ptg_socket_stack *st, int fd, const void *buf,
		  size_t len, int flags, const struct sockaddr *dst,
		  socklen_t dstlen)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr msg;

	(void)dst;
	(void)dstlen;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	return ptg_socket_sendmsg(st, fd, &msg, flags);
}

ssize_t
ptg_socket_send(struct ptg_socket_stack *st, int fd, const void *buf,
		size_t len, int flags)
{
	return ptg_socket_sendto(st, fd, buf, len, flags, NULL, 0);
}

ssize_t
ptg_socket_write(struct ptg_socket_stack *st, int fd, const void *buf,
		 size_t len)
{
	return ptg_socket_sendto(st, fd, buf, len, 0, NULL, 0);
}

ssize_t
ptg_socket_writev(struct ptg_socket_stack *st, int fd,
		  const struct iovec *iov, int iovcnt)
{
	struct msghdr msg;

	if (iovcnt < 0)
		return sock_fail(EINVAL);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)iovcnt;
	return ptg_socket_sendmsg(st, fd, &msg, 0);
}
