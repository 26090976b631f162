/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/socket on an injected clock (manual poll mode): descriptors, errno
 * values, readiness, data integrity and each close path, against a peer
 * that is a second portgate engine (sock_test.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sock_test.h"

#define BIG (600u * 1024u)

static uint8_t *
pattern(size_t len, uint8_t seed)
{
	uint8_t *p = malloc(len);

	assert_non_null(p);
	ptg_test_pattern(p, (uint32_t)len, seed);
	return p;
}

static short
revents(struct st *t, int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	assert_true(ptg_socket_poll(t->st, &p, 1, 0) >= 0);
	return p.revents;
}

#define assert_fail(call, e) do { \
	errno = 0; \
	assert_int_equal((call), -1); \
	assert_int_equal(errno, (e)); \
} while (0)

/* ---- descriptors and argument errors ----------------------------------------- */

static void
test_socket_create_errors(void **state)
{
	struct st *t = st_new(1, NULL);
	int fd, fl;

	(void)state;
	assert_fail(ptg_socket(t->st, AF_INET6, SOCK_STREAM, 0), EAFNOSUPPORT);
	assert_fail(ptg_socket(t->st, AF_INET, SOCK_DGRAM, 0), ESOCKTNOSUPPORT);
	assert_fail(ptg_socket(t->st, AF_INET, SOCK_STREAM, IPPROTO_UDP),
		    EPROTONOSUPPORT);
	assert_fail(ptg_socket(t->st, AF_INET, 0x7777, 0), EINVAL);

	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	assert_true(fd >= 0);
	/* A real kernel descriptor, reserved for the socket. */
	assert_true(fcntl(fd, F_GETFD) >= 0);
	assert_int_equal(ptg_socket_is_ours(t->st, fd), 1);
	assert_int_equal(ptg_socket_stack_count(t->st), 1);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_GETFL, 0), O_RDWR);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_SETFL, O_NONBLOCK), 0);
	fl = ptg_socket_fcntl(t->st, fd, F_GETFL, 0);
	assert_int_equal(fl, O_RDWR | O_NONBLOCK);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_SETFL, 0), 0);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_GETFL, 0), O_RDWR);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_GETFD, 0), FD_CLOEXEC);
	assert_fail(ptg_socket_fcntl(t->st, fd, F_GETLK, 0), EINVAL);

	/* Calls that need a connection. */
	{
		char b[4];

		assert_fail(ptg_socket_read(t->st, fd, b, sizeof(b)), ENOTCONN);
		assert_fail(ptg_socket_write(t->st, fd, b, sizeof(b)), ENOTCONN);
		assert_fail(ptg_socket_accept(t->st, fd, NULL, NULL), EINVAL);
		assert_fail(ptg_socket_shutdown(t->st, fd, SHUT_WR), ENOTCONN);
		assert_fail(ptg_socket_shutdown(t->st, fd, 7), EINVAL);
	}
	{
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);

		assert_fail(ptg_socket_getpeername(t->st, fd,
				(struct sockaddr *)&sin, &len), ENOTCONN);
	}
	/* Never connected: POLLOUT|POLLHUP, as a kernel socket. */
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT),
			 POLLOUT | POLLHUP);

	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	assert_fail(ptg_socket_close(t->st, fd), EBADF);
	assert_fail(fcntl(fd, F_GETFD), EBADF);
	assert_fail(ptg_socket_read(t->st, 4242, NULL, 0), EBADF);
	assert_fail(ptg_socket_listen(t->st, -1, 1), EBADF);
	assert_int_equal(ptg_socket_stack_count(t->st), 0);
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };

		assert_int_equal(ptg_socket_poll(t->st, &p, 1, 0), 1);
		assert_int_equal(p.revents, POLLNVAL);
	}
	st_free(t);
}

static void
test_socket_bind_rules(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sockaddr_in sin = st_addr(0, 5000), got;
	socklen_t len;
	int a, b, c, one = 1;

	(void)state;
	a = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	b = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	c = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_fail(ptg_socket_bind(t->st, a, (struct sockaddr *)&sin,
				    sizeof(sin) - 1), EINVAL);
	assert_fail(ptg_socket_bind(t->st, a, NULL, sizeof(sin)), EFAULT);
	sin.sin_family = AF_INET6;
	assert_fail(ptg_socket_bind(t->st, a, (struct sockaddr *)&sin,
				    sizeof(sin)), EAFNOSUPPORT);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = PTG_TEST_IP(198, 18, 0, 77); /* not ours */
	assert_fail(ptg_socket_bind(t->st, a, (struct sockaddr *)&sin,
				    sizeof(sin)), EADDRNOTAVAIL);
	sin.sin_addr.s_addr = PTG_TEST_IP_LOCAL;
	assert_int_equal(ptg_socket_bind(t->st, a, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_fail(ptg_socket_bind(t->st, a, (struct sockaddr *)&sin,
				    sizeof(sin)), EINVAL);
	len = sizeof(got);
	assert_int_equal(ptg_socket_getsockname(t->st, a, (struct sockaddr *)&got,
						&len), 0);
	assert_int_equal(len, sizeof(got));
	assert_int_equal(got.sin_port, htons(5000));
	assert_int_equal(got.sin_addr.s_addr, PTG_TEST_IP_LOCAL);

	/* Same port: only with SO_REUSEADDR, and never next to a listener. */
	assert_fail(ptg_socket_bind(t->st, b, (struct sockaddr *)&sin,
				    sizeof(sin)), EADDRINUSE);
	assert_int_equal(ptg_socket_setsockopt(t->st, b, SOL_SOCKET,
				SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(ptg_socket_bind(t->st, b, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_int_equal(ptg_socket_listen(t->st, a, 4), 0);
	assert_fail(ptg_socket_listen(t->st, b, 4), EADDRINUSE);
	assert_int_equal(ptg_socket_setsockopt(t->st, c, SOL_SOCKET,
				SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_fail(ptg_socket_bind(t->st, c, (struct sockaddr *)&sin,
				    sizeof(sin)), EADDRINUSE);
	/* Listening again keeps it listening. */
	assert_int_equal(ptg_socket_listen(t->st, a, 8), 0);

	/* Port 0: an ephemeral port (RFC 6335 dynamic range). */
	sin.sin_port = 0;
	assert_int_equal(ptg_socket_bind(t->st, c, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	len = sizeof(got);
	assert_int_equal(ptg_socket_getsockname(t->st, c, (struct sockaddr *)&got,
						&len), 0);
	assert_true(ntohs(got.sin_port) >= 49152);

	/* The listener closes: the port is free for a plain bind again. */
	assert_int_equal(ptg_socket_close(t->st, a), 0);
	assert_int_equal(ptg_socket_close(t->st, b), 0);
	b = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(5000);
	assert_int_equal(ptg_socket_bind(t->st, b, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_int_equal(ptg_socket_close(t->st, b), 0);
	assert_int_equal(ptg_socket_close(t->st, c), 0);
	st_free(t);
}

/* ---- passive open: accept, both directions, integrity ------------------------- */

static void
test_socket_accept_transfer(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sockaddr_in peer, me;
	socklen_t len = sizeof(peer);
	uint8_t *out = pattern(BIG, 3), *in = malloc(BIG);
	size_t got = 0, sent = 0;
	uint16_t pport;
	int lfd, fd;

	(void)state;
	assert_non_null(in);
	lfd = st_listener(t, 4);
	assert_fail(ptg_socket_accept(t->st, lfd, NULL, NULL), EAGAIN);
	assert_int_equal(revents(t, lfd, POLLIN), 0);
	{
		int v;
		socklen_t vl = sizeof(v);

		assert_int_equal(ptg_socket_getsockopt(t->st, lfd, SOL_SOCKET,
					SO_ACCEPTCONN, &v, &vl), 0);
		assert_int_equal(v, 1);
	}

	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	assert_int_equal(revents(t, lfd, POLLIN), POLLIN);
	fd = ptg_socket_accept4(t->st, lfd, (struct sockaddr *)&peer, &len,
				SOCK_NONBLOCK);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) >= 0);
	assert_int_equal(len, sizeof(peer));
	assert_int_equal(peer.sin_family, AF_INET);
	assert_int_equal(peer.sin_addr.s_addr, PTG_TEST_IP_PEER);
	pport = ntohs(peer.sin_port);
	assert_true(pport != 0);
	assert_int_equal(revents(t, lfd, POLLIN), 0);
	len = sizeof(me);
	assert_int_equal(ptg_socket_getsockname(t->st, fd, (struct sockaddr *)&me,
						&len), 0);
	assert_int_equal(me.sin_addr.s_addr, PTG_TEST_IP_LOCAL);
	assert_int_equal(ntohs(me.sin_port), ST_LOCAL_PORT);
	len = sizeof(peer);
	assert_int_equal(ptg_socket_getpeername(t->st, fd,
				(struct sockaddr *)&peer, &len), 0);
	assert_int_equal(ntohs(peer.sin_port), pport);

	/* Nothing to read yet; writable. */
	assert_fail(ptg_socket_read(t->st, fd, in, 10), EAGAIN);
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT), POLLOUT);

	/* Peer -> stack: BIG bytes, read in odd-sized readv pieces. */
	st_peer_send(t, out, BIG);
	for (int i = 0; i < 20000 && got < BIG; i++) {
		struct iovec iov[3] = {
			{ in + got, RTE_MIN((size_t)1000, BIG - got) },
			{ NULL, 0 },
			{ in + got + RTE_MIN((size_t)1000, BIG - got),
			  BIG - got - RTE_MIN((size_t)1000, BIG - got) },
		};
		ssize_t n = ptg_socket_readv(t->st, fd, iov, 3);

		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			st_pump(t, 1);
			continue;
		}
		got += (size_t)n;
	}
	assert_int_equal(got, BIG);
	assert_memory_equal(in, out, BIG);

	/* Stack -> peer: BIG bytes of another pattern, non-blocking. */
	free(out);
	out = pattern(BIG, 99);
	for (int i = 0; i < 20000 && sent < BIG; i++) {
		ssize_t n = ptg_socket_write(t->st, fd, out + sent, BIG - sent);

		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			assert_int_equal(revents(t, fd, POLLOUT), 0);
			st_pump(t, 1);
			continue;
		}
		sent += (size_t)n;
	}
	assert_int_equal(sent, BIG);
	st_pump(t, 50);
	assert_int_equal(t->rec.rx_len, BIG);
	assert_memory_equal(t->rec.rx, out, BIG);

	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	free(in);
	free(out);
	st_free(t);
}

/* ---- active open ------------------------------------------------------------- */

static void
test_socket_connect_nonblocking(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, ST_PEER_PORT), got;
	socklen_t len;
	int fd, v;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin) - 2), EINVAL);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EINPROGRESS);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EALREADY);
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT), 0);
	{
		char b[8];

		assert_fail(ptg_socket_write(t->st, fd, b, 8), EAGAIN);
		assert_fail(ptg_socket_read(t->st, fd, b, 8), EAGAIN);
	}
	st_pump(t, 3);
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT), POLLOUT);
	len = sizeof(v);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_ERROR,
					       &v, &len), 0);
	assert_int_equal(v, 0);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EISCONN);
	assert_fail(ptg_socket_listen(t->st, fd, 1), EINVAL);
	len = sizeof(got);
	assert_int_equal(ptg_socket_getpeername(t->st, fd, (struct sockaddr *)&got,
						&len), 0);
	assert_int_equal(got.sin_addr.s_addr, PTG_TEST_IP_PEER);
	assert_int_equal(ntohs(got.sin_port), ST_PEER_PORT);
	len = sizeof(got);
	assert_int_equal(ptg_socket_getsockname(t->st, fd, (struct sockaddr *)&got,
						&len), 0);
	assert_true(ntohs(got.sin_port) >= 49152);
	/* Both ends offered timestamps: 1460 - 12 (RFC 7323 2.1). */
	len = sizeof(v);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, IPPROTO_TCP,
					       TCP_MAXSEG, &v, &len), 0);
	assert_int_equal(v, 1448);
	assert_int_equal(t->rec.accepts, 1);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	st_free(t);
}

static void
test_socket_connect_refused(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, 4444);
	socklen_t len;
	int fd, v;
	char b[4];

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EINPROGRESS);
	st_pump(t, 3);
	/* RFC 9293 3.10.7.3: the RST that acknowledges our SYN refuses. */
	assert_int_equal(ST_PEER_STAT(t, rst_no_listener), 1);
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT),
			 POLLOUT | POLLHUP | POLLERR);
	len = sizeof(v);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_ERROR,
					       &v, &len), 0);
	assert_int_equal(v, ECONNREFUSED);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_ERROR,
					       &v, &len), 0);
	assert_int_equal(v, 0);
	assert_fail(ptg_socket_read(t->st, fd, b, 4), ENOTCONN);

	/* The error is reported by connect() too, once; a new attempt goes. */
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EINPROGRESS);
	st_pump(t, 3);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), ECONNREFUSED);
	sin.sin_port = htons(ST_PEER_PORT);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), EINPROGRESS);
	st_pump(t, 3);
	assert_int_equal(revents(t, fd, POLLOUT), POLLOUT);
	assert_int_equal(t->rec.accepts, 1);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	st_free(t);
}

/* ---- end of stream, resets ---------------------------------------------------- */

static void
test_socket_peer_fin_then_reset(void **state)
{
	struct st *t = st_new(1, NULL);
	char b[64];
	int fd;

	(void)state;
	fd = st_connected(t);
	st_peer_send(t, "hello", 5);
	st_peer_shutdown(t);
	st_pump(t, 3);
	assert_int_equal(revents(t, fd, POLLIN | POLLRDHUP),
			 POLLIN); /* data first: FIN not yet consumed */
	{
		int n = 0;

		assert_int_equal(ptg_socket_ioctl(t->st, fd, FIONREAD, &n), 0);
		assert_int_equal(n, 5);
	}
	assert_int_equal(ptg_socket_recv(t->st, fd, b, sizeof(b), MSG_PEEK), 5);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 5);
	assert_memory_equal(b, "hello", 5);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 0);
	assert_int_equal(revents(t, fd, POLLIN | POLLRDHUP | POLLOUT),
			 POLLIN | POLLRDHUP | POLLOUT);
	/* Half-close: we can still send (CLOSE-WAIT). */
	assert_int_equal(ptg_socket_write(t->st, fd, "bye", 3), 3);
	st_pump(t, 3);
	assert_int_equal(t->rec.rx_len, 3);
	assert_memory_equal(t->rec.rx, "bye", 3);

	/* The peer aborts: RST (RFC 9293 3.10.7.4: reset, ECONNRESET). */
	st_peer_abort(t);
	st_pump(t, 3);
	assert_int_equal(ST_STACK_STAT(t, conn_reset_rx), 1);
	assert_int_equal(revents(t, fd, POLLIN | POLLOUT) & POLLERR, POLLERR);
	assert_fail(ptg_socket_read(t->st, fd, b, sizeof(b)), ECONNRESET);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 0);
	assert_fail(ptg_socket_send(t->st, fd, b, 4, MSG_NOSIGNAL), EPIPE);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

static volatile sig_atomic_t sigpipes;

static void
on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void
test_socket_reset_reported_to_writer(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sigaction sa, old;
	char b[8] = "abcdefg";
	int fd;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, &old);
	fd = st_connected(t);
	st_peer_abort(t);
	st_pump(t, 3);
	assert_fail(ptg_socket_write(t->st, fd, b, 8), ECONNRESET);
	assert_int_equal(sigpipes, 0);
	/* Then EPIPE, with SIGPIPE unless MSG_NOSIGNAL (POSIX send()). */
	assert_fail(ptg_socket_write(t->st, fd, b, 8), EPIPE);
	assert_int_equal(sigpipes, 1);
	assert_fail(ptg_socket_send(t->st, fd, b, 8, MSG_NOSIGNAL), EPIPE);
	assert_int_equal(sigpipes, 1);
	sigaction(SIGPIPE, &old, NULL);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

static void
test_socket_shutdown_write(void **state)
{
	struct st *t = st_new(1, NULL);
	char b[16];
	int fd;

	(void)state;
	fd = st_connected(t);
	assert_int_equal(ptg_socket_write(t->st, fd, "data", 4), 4);
	assert_int_equal(ptg_socket_shutdown(t->st, fd, SHUT_WR), 0);
	st_pump(t, 3);
	/* RFC 9293 3.10.4: FIN after the queued data. */
	assert_int_equal(t->rec.rx_len, 4);
	assert_int_equal(t->rec.fins, 1);
	assert_fail(ptg_socket_send(t->st, fd, b, 4, MSG_NOSIGNAL), EPIPE);
	assert_int_equal(revents(t, fd, POLLOUT), POLLOUT);
	assert_int_equal(ptg_socket_shutdown(t->st, fd, SHUT_WR), 0);
	/* Reading goes on. */
	st_peer_send(t, "more", 4);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 4);
	assert_memory_equal(b, "more", 4);
	st_peer_close(t);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 0);
	assert_int_equal(revents(t, fd, POLLIN) & (POLLIN | POLLHUP),
			 POLLIN | POLLHUP);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	assert_int_equal(ptg_socket_stack_orphans(t->st), 0);
	st_free(t);
}

static void
test_socket_shutdown_read_discards(void **state)
{
	struct st *t = st_new(1, NULL);
	char b[16];
	int fd;

	(void)state;
	fd = st_connected(t);
	st_peer_send(t, "early", 5);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_shutdown(t->st, fd, SHUT_RD), 0);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 0);
	st_peer_send(t, "late", 4);
	st_pump(t, 50);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 0);
	{
		int n = -1;

		assert_int_equal(ptg_socket_ioctl(t->st, fd, FIONREAD, &n), 0);
		assert_int_equal(n, 0);
	}
	/* Nothing unread, so close is a FIN, not a reset. */
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.fins, 1);
	assert_int_equal(ST_STACK_STAT(t, conn_reset_tx), 0);
	st_free(t);
}

/* ---- close paths --------------------------------------------------------------- */

static void
test_socket_close_graceful_orphan(void **state)
{
	struct st *t = st_new(1, NULL);
	struct sockaddr_in me, sin;
	socklen_t len = sizeof(me);
	int fd, fd2, one = 1;

	(void)state;
	fd = st_connected(t);
	assert_int_equal(ptg_socket_getsockname(t->st, fd, (struct sockaddr *)&me,
						&len), 0);
	assert_int_equal(ptg_socket_write(t->st, fd, "last", 4), 4);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.fins, 1);
	assert_int_equal(t->rec.rx_len, 4);
	/* FIN-WAIT-2: the connection outlives the descriptor, holds its
	 * port. */
	assert_int_equal(ptg_socket_stack_orphans(t->st), 1);
	assert_int_equal(ptg_socket_stack_count(t->st), 0);
	fd2 = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	sin = st_addr(0, ntohs(me.sin_port));
	assert_fail(ptg_socket_bind(t->st, fd2, (struct sockaddr *)&sin,
				    sizeof(sin)), EADDRINUSE);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd2, SOL_SOCKET,
				SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(ptg_socket_bind(t->st, fd2, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_int_equal(ptg_socket_close(t->st, fd2), 0);
	/* The peer closes: TIME-WAIT, and the orphan is gone. */
	st_peer_close(t);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_stack_orphans(t->st), 0);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_NORMAL);
	assert_int_equal(ST_STACK_STAT(t, conn_reset_tx), 0);
	st_free(t);
}

static void
test_socket_close_unread_resets(void **state)
{
	struct st *t = st_new(1, NULL);
	int fd;

	(void)state;
	fd = st_connected(t);
	st_peer_send(t, "unread", 6);
	st_pump(t, 3);
	/* RFC 2525 2.17: closing with unread data resets. */
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_RESET);
	assert_int_equal(ptg_socket_stack_orphans(t->st), 0);
	st_free(t);
}

static void
test_socket_linger_zero_resets(void **state)
{
	struct st *t = st_new(1, NULL);
	struct linger l = { .l_onoff = 1, .l_linger = 0 }, g;
	socklen_t len = sizeof(g);
	int fd;

	(void)state;
	fd = st_connected(t);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_LINGER,
					       &l, sizeof(l)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_LINGER,
					       &g, &len), 0);
	assert_int_equal(g.l_onoff, 1);
	assert_int_equal(g.l_linger, 0);
	assert_fail(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_LINGER,
					  &l, sizeof(l) - 1), EINVAL);
	/* RFC 9293 3.10.5: abort sends RST. */
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.reason, PTG_CLOSE_RESET);
	assert_int_equal(ST_STACK_STAT(t, conn_reset_tx), 1);
	st_free(t);
}

static void
test_socket_close_listener_resets_queue(void **state)
{
	struct st *t = st_new(1, NULL);
	int lfd;

	(void)state;
	lfd = st_listener(t, 4);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	assert_int_equal(t->rec.writables, 1); /* established at the peer */
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_RESET);
	st_free(t);
}

/* ---- flow control ---------------------------------------------------------------- */

static void
test_socket_send_backpressure(void **state)
{
	struct st *t = st_new(1, NULL);
	uint8_t *out = pattern(BIG, 7);
	size_t sent = 0;
	int fd, outq = 0;

	(void)state;
	fd = st_connected(t);
	t->rec.consume_max = 0; /* the peer's application does not read */
	for (int i = 0; i < 3000; i++) {
		ssize_t n = ptg_socket_write(t->st, fd, out + sent, BIG - sent);

		if (n > 0)
			sent += (size_t)n;
		else
			assert_int_equal(errno, EAGAIN);
		st_pump(t, 1);
	}
	/* The peer's window closed; our buffer is full: not writable. */
	assert_true(sent < BIG);
	assert_fail(ptg_socket_write(t->st, fd, out + sent, BIG - sent),
		    EAGAIN);
	assert_int_equal(revents(t, fd, POLLOUT), 0);
	assert_int_equal(ptg_socket_ioctl(t->st, fd, SIOCOUTQ, &outq), 0);
	assert_true(outq > 0);
	/* RFC 9293 3.8.6.1: the zero window is probed. */
	assert_true(ST_STACK_STAT(t, zero_window_probes) > 0);
	/* The peer reads: room again, and everything arrives intact. */
	t->rec.consume_max = SIZE_MAX;
	st_peer_resume(t);
	for (int i = 0; i < 5000 && sent < BIG; i++) {
		ssize_t n;

		st_pump(t, 1);
		if (!(revents(t, fd, POLLOUT) & POLLOUT))
			continue;
		n = ptg_socket_write(t->st, fd, out + sent, BIG - sent);
		assert_true(n > 0);
		sent += (size_t)n;
	}
	assert_int_equal(sent, BIG);
	st_pump(t, 100);
	assert_int_equal(t->rec.rx_len, BIG);
	assert_memory_equal(t->rec.rx, out, BIG);
	assert_int_equal(ptg_socket_ioctl(t->st, fd, SIOCOUTQ, &outq), 0);
	assert_int_equal(outq, 0);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	free(out);
	st_free(t);
}

static void
test_socket_receive_window(void **state)
{
	struct st *t = st_new(1, NULL);
	uint8_t *out = pattern(BIG, 11), *in = malloc(BIG);
	size_t got = 0;
	int fd, n = 0;

	(void)state;
	assert_non_null(in);
	fd = st_connected(t);
	st_peer_send(t, out, BIG);
	st_pump(t, 2000);
	/* We did not read: the engine holds a full window, the peer the
	 * rest (RFC 9293 3.8.6.2.2: the window is what we can take). */
	assert_int_equal(ptg_socket_ioctl(t->st, fd, FIONREAD, &n), 0);
	assert_true(n >= 200 * 1024);
	assert_true(n <= 256 * 1024);
	assert_true(t->rec.tx_done < BIG || n < (int)BIG);
	assert_int_equal(revents(t, fd, POLLIN), POLLIN);
	while (got < BIG) {
		ssize_t r = ptg_socket_read(t->st, fd, in + got, BIG - got);

		if (r < 0) {
			assert_int_equal(errno, EAGAIN);
			st_pump(t, 1);
			continue;
		}
		got += (size_t)r;
	}
	assert_memory_equal(in, out, BIG);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	free(in);
	free(out);
	st_free(t);
}

/* ---- options --------------------------------------------------------------------- */

static void
test_socket_options(void **state)
{
	struct st *t = st_new(1, NULL);
	socklen_t len;
	int fd, v, one = 1;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	len = sizeof(v);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_TYPE,
					       &v, &len), 0);
	assert_int_equal(v, SOCK_STREAM);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET,
					       SO_REUSEADDR, &v, &len), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET,
				SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET,
					       SO_REUSEADDR, &v, &len), 0);
	assert_int_equal(v, 1);
	/* SO_SNDBUF: per socket, between 2 KB and the engine's buffer. */
	v = 1;
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_SNDBUF,
					       &v, sizeof(v)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_SNDBUF,
					       &v, &len), 0);
	assert_int_equal(v, 2048);
	v = 1 << 30;
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_SNDBUF,
					       &v, sizeof(v)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_SNDBUF,
					       &v, &len), 0);
	assert_int_equal(v, 256 * 1024);
	/* SO_RCVBUF: per socket, between 1 KB and the engine's buffer. */
	v = 4096;
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_RCVBUF,
					       &v, sizeof(v)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_RCVBUF,
					       &v, &len), 0);
	assert_int_equal(v, 4096);
	v = 1 << 30;
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_RCVBUF,
					       &v, sizeof(v)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_RCVBUF,
					       &v, &len), 0);
	assert_int_equal(v, 256 * 1024);
	/* Nagle is on by default; TCP_NODELAY turns it off. */
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, IPPROTO_TCP,
					       TCP_NODELAY, &v, &len), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, IPPROTO_TCP,
				TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, IPPROTO_TCP,
					       TCP_NODELAY, &v, &len), 0);
	assert_int_equal(v, 1);
	/* TCP_MAXSEG: the engine's MSS before a connection. */
	assert_int_equal(ptg_socket_getsockopt(t->st, fd, IPPROTO_TCP,
					       TCP_MAXSEG, &v, &len), 0);
	assert_int_equal(v, 1460);
	v = 1460;
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, IPPROTO_TCP,
				TCP_MAXSEG, &v, sizeof(v)), 0);
	v = 536;
	assert_fail(ptg_socket_setsockopt(t->st, fd, IPPROTO_TCP, TCP_MAXSEG,
					  &v, sizeof(v)), EINVAL);
	v = 10;
	assert_fail(ptg_socket_setsockopt(t->st, fd, IPPROTO_TCP, TCP_MAXSEG,
					  &v, sizeof(v)), EINVAL);
	/* Bad lengths, unknown options and levels. */
	assert_fail(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_REUSEADDR,
					  &one, 2), EINVAL);
	len = 2;
	assert_fail(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_REUSEADDR,
					  &v, &len), EINVAL);
	len = sizeof(v);
	assert_fail(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET, SO_BROADCAST,
					  &v, &len), ENOPROTOOPT);
	assert_fail(ptg_socket_setsockopt(t->st, fd, IPPROTO_IP, IP_TTL, &one,
					  sizeof(one)), ENOPROTOOPT);
	assert_fail(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_REUSEADDR,
					  NULL, sizeof(one)), EFAULT);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

/* Count the stack's data segments that reached the peer. */
static unsigned int
data_frames(struct st *t)
{
	unsigned int n;

	pthread_mutex_lock(&t->to_peer.lock);
	n = t->to_peer.data_frames;
	pthread_mutex_unlock(&t->to_peer.lock);
	return n;
}

static void
test_socket_nagle_and_nodelay(void **state)
{
	struct st *t = st_new(1, NULL);
	int fd, one = 1;
	unsigned int base;

	(void)state;
	fd = st_connected(t);
	base = data_frames(t);
	/* RFC 9293 3.7.4: one small segment in flight at a time. */
	assert_int_equal(ptg_socket_write(t->st, fd, "a", 1), 1);
	assert_int_equal(ptg_socket_write(t->st, fd, "b", 1), 1);
	assert_int_equal(ptg_socket_write(t->st, fd, "c", 1), 1);
	assert_int_equal(data_frames(t), base + 1);
	/* The peer's ACK releases the rest, as one segment. */
	st_pump(t, 50);
	assert_int_equal(data_frames(t), base + 2);
	assert_int_equal(t->rec.rx_len, 3);
	assert_memory_equal(t->rec.rx, "abc", 3);
	/* TCP_NODELAY: each write leaves at once, and setting it pushes
	 * what was held. */
	assert_int_equal(ptg_socket_write(t->st, fd, "d", 1), 1);
	assert_int_equal(ptg_socket_write(t->st, fd, "e", 1), 1);
	assert_int_equal(data_frames(t), base + 3);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, IPPROTO_TCP,
				TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(data_frames(t), base + 4);
	assert_int_equal(ptg_socket_write(t->st, fd, "f", 1), 1);
	assert_int_equal(data_frames(t), base + 5);
	st_pump(t, 50);
	assert_int_equal(t->rec.rx_len, 6);
	assert_memory_equal(t->rec.rx, "abcdef", 6);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	st_free(t);
}

/* ---- readiness: epoll ---------------------------------------------------------- */

static void
test_socket_epoll(void **state)
{
	struct st *t = st_new(1, NULL);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeed }, out[4];
	int ep, fd, lfd, kfd;
	char b[16];

	(void)state;
	assert_fail(ptg_socket_epoll_create(t->st, 0), EINVAL);
	ep = ptg_socket_epoll_create1(t->st, EPOLL_CLOEXEC);
	assert_true(ep >= 0);
	assert_true(fcntl(ep, F_GETFD) & FD_CLOEXEC);
	fd = st_connected(t);
	lfd = st_listener(t, 1);
	kfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(kfd >= 0);

	assert_fail(ptg_socket_epoll_ctl(t->st, 4321, EPOLL_CTL_ADD, fd, &ev),
		    EBADF);
	assert_fail(ptg_socket_epoll_ctl(t->st, fd, EPOLL_CTL_ADD, lfd, &ev),
		    EINVAL);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, ep, &ev),
		    EINVAL);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, kfd, &ev),
		    EPERM);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, 99, fd, &ev), EINVAL);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_MOD, fd, &ev),
		    ENOENT);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_DEL, fd, NULL),
		    ENOENT);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, fd,
					      &ev), 0);
	assert_fail(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, fd, &ev),
		    EEXIST);
	assert_fail(ptg_socket_epoll_wait(t->st, ep, out, 0, 0), EINVAL);
	assert_fail(ptg_socket_epoll_wait(t->st, fd, out, 4, 0), EINVAL);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 0);

	/* Level-triggered: reported while readable. */
	st_peer_send(t, "x", 1);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);
	assert_int_equal(out[0].events, EPOLLIN);
	assert_int_equal(out[0].data.u64, 0xfeed);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);

	/* Edge-triggered: once, until something new happens. */
	ev.events = EPOLLIN | EPOLLET;
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_MOD, fd,
					      &ev), 0);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 0);
	st_peer_send(t, "y", 1);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);
	assert_int_equal(ptg_socket_read(t->st, fd, b, sizeof(b)), 2);

	/* One-shot: once, until re-armed with EPOLL_CTL_MOD. */
	ev.events = EPOLLOUT | EPOLLONESHOT;
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_MOD, fd,
					      &ev), 0);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);
	assert_int_equal(out[0].events, EPOLLOUT);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 0);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_MOD, fd,
					      &ev), 0);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);

	/* A listener: readable once a connection waits. */
	ev.events = EPOLLIN;
	ev.data.u64 = 7;
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, lfd,
					      &ev), 0);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 1);
	assert_int_equal(out[0].data.u64, 7);

	/* Closing a socket takes it off the list; DEL works. */
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_DEL, fd,
					      NULL), 0);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, out, 4, 0), 0);
	assert_int_equal(ptg_socket_close(t->st, ep), 0);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	close(kfd);
	st_pump(t, 5);
	st_free(t);
}

/* ---- accept queue ----------------------------------------------------------------- */

static void
test_socket_backlog(void **state)
{
	struct st *t = st_new(1, NULL);
	int lfd, a, b;

	(void)state;
	lfd = st_listener(t, 1);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	/* One fits; the second handshake's ACK is dropped and counted. */
	assert_true(ST_STACK_STAT(t, acceptq_overflow) >= 1);
	a = ptg_socket_accept(t->st, lfd, NULL, NULL);
	assert_true(a >= 0);
	assert_fail(ptg_socket_accept(t->st, lfd, NULL, NULL), EAGAIN);
	/* Our SYN-ACK retransmission (1 s) brings the peer's ACK again. */
	st_pump(t, 1100);
	b = ptg_socket_accept(t->st, lfd, NULL, NULL);
	assert_true(b >= 0);
	assert_true(ST_STACK_STAT(t, synack_retrans) >= 1);
	assert_int_equal(ptg_socket_close(t->st, a), 0);
	assert_int_equal(ptg_socket_close(t->st, b), 0);
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	st_pump(t, 5);
	st_free(t);
}

/* ---- descriptors closed behind our back ------------------------------------------- */

static void
test_socket_kernel_close(void **state)
{
	struct st *t = st_new(1, NULL);
	int fd, fd2, other;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	close(fd); /* as packetdrill does with leftovers */
	fd2 = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(fd2, fd); /* the kernel reuses the number */
	assert_int_equal(ptg_socket_stack_count(t->st), 1);
	close(fd2);
	/* Someone else gets the number: freeing the stack must not close it. */
	other = open("/dev/null", O_RDONLY);
	assert_int_equal(other, fd);
	st_free(t);
	assert_true(fcntl(other, F_GETFD) >= 0);
	close(other);
}

/* A listener's descriptor closed with close(2): the accept that makes the
 * new descriptor gets that number back, which ends the listener; the
 * accept fails cleanly and the queued connection is reset. */
static void
test_socket_accept_on_kernel_closed_listener(void **state)
{
	struct st *t = st_new(1, NULL);
	int lfd;

	(void)state;
	lfd = st_listener(t, 4);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	close(lfd);
	assert_fail(ptg_socket_accept(t->st, lfd, NULL, NULL), EBADF);
	assert_int_equal(ptg_socket_stack_count(t->st), 0);
	st_pump(t, 3);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(t->rec.reason, PTG_CLOSE_RESET);
	st_free(t);
}

/* The stack goes with sockets, connections and interest lists still
 * open: everything is released (the mempool check in st_free() and, in
 * sanitizer builds, the leak checker say so). */
static void
test_socket_free_with_everything_open(void **state)
{
	struct st *t = st_new(1, NULL);
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, fd, lfd, kfd;

	(void)state;
	fd = st_connected(t);
	lfd = st_listener(t, 4);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_peer_send(t, "pending", 7);
	st_pump(t, 3);
	ep = ptg_socket_epoll_create(t->st, 1);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, fd, &ev), 0);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, lfd, &ev),
			 0);
	assert_int_equal(ptg_socket_write(t->st, fd, "unacked", 7), 7);
	assert_int_equal(ptg_socket_stack_count(t->st), 3);
	kfd = fd;
	st_free(t);
	/* Our descriptors went with the stack. */
	assert_fail(fcntl(kfd, F_GETFD), EBADF);
	assert_fail(fcntl(ep, F_GETFD), EBADF);
}

/* SO_RCVBUF on a listening socket bounds the window of what it accepts:
 * with nothing read, the peer gets exactly that many bytes across. */
static void
test_socket_rcvbuf_window(void **state)
{
	struct st *t = st_new(1, NULL);
	uint8_t out[40000], in[40000];
	struct ptg_conn_info ci;
	int lfd, fd, v = 8192;
	size_t got = 0;
	uint32_t una0;

	(void)state;
	ptg_test_pattern(out, sizeof(out), 3);
	lfd = st_listener(t, 4);
	assert_int_equal(ptg_socket_setsockopt(t->st, lfd, SOL_SOCKET,
					       SO_RCVBUF, &v, sizeof(v)), 0);
	st_peer_connect(t, ST_LOCAL_PORT);
	st_pump(t, 3);
	fd = ptg_socket_accept4(t->st, lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	v = 0;
	{
		socklen_t vl = sizeof(v);

		assert_int_equal(ptg_socket_getsockopt(t->st, fd, SOL_SOCKET,
					SO_RCVBUF, &v, &vl), 0);
	}
	assert_int_equal(v, 8192);
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.snd_wnd, 8192);
	una0 = ci.snd_una;
	st_peer_send(t, out, sizeof(out));
	st_pump(t, 50);
	/* The window's right edge never passes 8192 bytes: the peer sent
	 * full segments into it (the last 952 bytes wait for the window or
	 * the persist timer, RFC 9293 3.8.6.2.1) and got them ACKed. */
	ptg_conn_info(t->rec.conn, &ci);
	assert_int_equal(ci.snd_una - una0 + ci.snd_wnd, 8192);
	assert_int_equal(ci.snd_nxt - una0, 8192 / 1448 * 1448);
	/* Reading opens the window; everything arrives intact. */
	for (int i = 0; i < 400 && got < sizeof(out); i++) {
		ssize_t n = ptg_socket_read(t->st, fd, in + got, sizeof(in) - got);

		if (n > 0)
			got += (size_t)n;
		st_pump(t, 5);
	}
	assert_int_equal(got, sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	st_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_create_errors),
		cmocka_unit_test(test_socket_bind_rules),
		cmocka_unit_test(test_socket_accept_transfer),
		cmocka_unit_test(test_socket_connect_nonblocking),
		cmocka_unit_test(test_socket_connect_refused),
		cmocka_unit_test(test_socket_peer_fin_then_reset),
		cmocka_unit_test(test_socket_reset_reported_to_writer),
		cmocka_unit_test(test_socket_shutdown_write),
		cmocka_unit_test(test_socket_shutdown_read_discards),
		cmocka_unit_test(test_socket_close_graceful_orphan),
		cmocka_unit_test(test_socket_close_unread_resets),
		cmocka_unit_test(test_socket_linger_zero_resets),
		cmocka_unit_test(test_socket_close_listener_resets_queue),
		cmocka_unit_test(test_socket_send_backpressure),
		cmocka_unit_test(test_socket_receive_window),
		cmocka_unit_test(test_socket_options),
		cmocka_unit_test(test_socket_rcvbuf_window),
		cmocka_unit_test(test_socket_nagle_and_nodelay),
		cmocka_unit_test(test_socket_epoll),
		cmocka_unit_test(test_socket_backlog),
		cmocka_unit_test(test_socket_kernel_close),
		cmocka_unit_test(test_socket_accept_on_kernel_closed_listener),
		cmocka_unit_test(test_socket_free_with_everything_open),
	};

	/* PTG_TEST_FILTER=pattern runs the matching tests only. */
	if (getenv("PTG_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("PTG_TEST_FILTER"));
	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
