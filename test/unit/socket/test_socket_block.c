/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/socket with its poll thread on real time: blocking calls sleep in
 * the kernel (on a condition variable) until the engine's callbacks wake
 * them, and return what POSIX says.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sock_test.h"

#define assert_fail(call, e) do { \
	errno = 0; \
	assert_int_equal((call), -1); \
	assert_int_equal(errno, (e)); \
} while (0)

/* A call made by a helper thread; the test watches it sleep. */
struct call {
	struct st *t;
	int fd;
	int op;
	void *buf;
	size_t len;
	int timeout_ms;
	volatile pid_t tid;
	volatile int done;
	ssize_t rc;
	int err;
	pthread_t th;
};

enum { OP_ACCEPT, OP_READ, OP_CONNECT, OP_WRITE, OP_POLLIN, OP_EPOLL };

static void *
call_run(void *arg)
{
	struct call *c = arg;
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, ST_PEER_PORT);

	c->tid = (pid_t)syscall(SYS_gettid);
	errno = 0;
	switch (c->op) {
	case OP_ACCEPT:
		c->rc = ptg_socket_accept(c->t->st, c->fd, NULL, NULL);
		break;
	case OP_READ:
		c->rc = ptg_socket_read(c->t->st, c->fd, c->buf, c->len);
		break;
	case OP_CONNECT:
		c->rc = ptg_socket_connect(c->t->st, c->fd,
					   (struct sockaddr *)&sin, sizeof(sin));
		break;
	case OP_WRITE:
		c->rc = ptg_socket_write(c->t->st, c->fd, c->buf, c->len);
		break;
	case OP_POLLIN: {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		c->rc = ptg_socket_poll(c->t->st, &p, 1, c->timeout_ms);
		if (c->rc == 1)
			c->rc = p.revents;
		break;
	}
	case OP_EPOLL: {
		struct epoll_event ev;

		c->rc = ptg_socket_epoll_wait(c->t->st, c->fd, &ev, 1,
					      c->timeout_ms);
		if (c->rc == 1)
			c->rc = (ssize_t)ev.events;
		break;
	}
	default:
		break;
	}
	c->err = errno;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
call_start(struct call *c)
{
	assert_int_equal(pthread_create(&c->th, NULL, call_run, c), 0);
	while (__atomic_load_n(&c->tid, __ATOMIC_ACQUIRE) == 0)
		usleep(100);
}

/* The call must be asleep in the kernel, not spinning, and not done. */
static void
call_assert_blocked(struct call *c)
{
	st_assert_sleeps(c->tid);
	usleep(20000);
	assert_int_equal(__atomic_load_n(&c->done, __ATOMIC_ACQUIRE), 0);
	st_assert_sleeps(c->tid);
}

static void
call_join(struct call *c)
{
	pthread_join(c->th, NULL);
	assert_int_equal(c->done, 1);
}

static uint64_t
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000 +
	       (uint64_t)((t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static int
listen_on(struct st *t, uint16_t port)
{
	struct sockaddr_in sin = st_addr(0, port);
	int fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(ptg_socket_bind(t->st, fd, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	assert_int_equal(ptg_socket_listen(t->st, fd, 8), 0);
	return fd;
}

static void
test_block_accept_then_read(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_ACCEPT };
	char buf[32] = { 0 };
	int lfd, fd;

	(void)state;
	lfd = listen_on(t, ST_LOCAL_PORT);
	c.fd = lfd;
	call_start(&c);
	call_assert_blocked(&c);
	st_peer_connect(t, ST_LOCAL_PORT);
	call_join(&c);
	assert_true(c.rc >= 0);
	fd = (int)c.rc;

	/* A read with nothing there sleeps until data comes. */
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_READ;
	c.fd = fd;
	c.buf = buf;
	c.len = sizeof(buf);
	call_start(&c);
	call_assert_blocked(&c);
	st_peer_send(t, "wake up", 7);
	call_join(&c);
	assert_int_equal(c.rc, 7);
	assert_memory_equal(buf, "wake up", 7);

	/* The peer's FIN wakes a reader with 0. */
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_READ;
	c.fd = fd;
	c.buf = buf;
	c.len = sizeof(buf);
	call_start(&c);
	call_assert_blocked(&c);
	st_peer_shutdown(t);
	call_join(&c);
	assert_int_equal(c.rc, 0);

	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	assert_int_equal(ptg_socket_close(t->st, lfd), 0);
	usleep(20000);
	st_free(t);
}

static void
test_block_connect_and_reset(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_CONNECT };
	char buf[8];
	int fd;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	c.fd = fd;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.err, 0);
	/* Wait for the peer's side to be accepted. */
	for (int i = 0; i < 1000; i++) {
		int up;

		st_peer_lock(t);
		up = t->rec.conn != NULL;
		st_peer_unlock(t);
		if (up)
			break;
		usleep(1000);
	}

	/* A blocked reader learns of the reset: ECONNRESET. */
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_READ;
	c.fd = fd;
	c.buf = buf;
	c.len = sizeof(buf);
	call_start(&c);
	call_assert_blocked(&c);
	st_peer_abort(t);
	call_join(&c);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.err, ECONNRESET);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

static void
test_block_connect_refused(void **state)
{
	struct st *t = st_new(0, NULL);
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, 4444);
	int fd;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_fail(ptg_socket_connect(t->st, fd, (struct sockaddr *)&sin,
				       sizeof(sin)), ECONNREFUSED);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

static void
test_block_write_waits_for_room(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_WRITE };
	size_t len = 2u << 20; /* more than our buffer and the peer's window */
	uint8_t *out = malloc(len);
	int fd, sndbuf = 16384;

	(void)state;
	assert_non_null(out);
	ptg_test_pattern(out, (uint32_t)len, 5);
	st_peer_lock(t);
	t->rec.consume_max = 0;
	st_peer_unlock(t);
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_SNDBUF,
					       &sndbuf, sizeof(sndbuf)), 0);
	c.op = OP_CONNECT;
	c.fd = fd;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, 0);

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_WRITE;
	c.fd = fd;
	c.buf = out;
	c.len = len;
	call_start(&c);
	call_assert_blocked(&c);
	/* The peer starts reading: the whole write completes, intact. */
	st_peer_lock(t);
	t->rec.consume_max = SIZE_MAX;
	if (t->rec.conn != NULL)
		ptg_recv_resume(t->rec.conn);
	st_peer_unlock(t);
	call_join(&c);
	assert_int_equal(c.rc, (ssize_t)len);
	for (int i = 0; i < 3000; i++) {
		size_t n;

		st_peer_lock(t);
		n = t->rec.rx_len;
		st_peer_unlock(t);
		if (n == len)
			break;
		usleep(1000);
	}
	st_peer_lock(t);
	assert_int_equal(t->rec.rx_len, len);
	assert_memory_equal(t->rec.rx, out, len);
	st_peer_unlock(t);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	free(out);
	usleep(20000);
	st_free(t);
}

static void
test_block_close_wakes_reader(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_CONNECT };
	char buf[8];
	int fd;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	c.fd = fd;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, 0);

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_READ;
	c.fd = fd;
	c.buf = buf;
	c.len = sizeof(buf);
	call_start(&c);
	call_assert_blocked(&c);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	call_join(&c);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.err, EBADF);
	usleep(20000);
	st_free(t);
}

static void
test_block_poll_timeouts_and_wakeups(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_CONNECT };
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd p;
	struct timespec t0;
	uint64_t ms;
	int fd, ep;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	c.fd = fd;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, 0);

	/* Nothing to read: poll and epoll_wait time out on time. */
	p.fd = fd;
	p.events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ptg_socket_poll(t->st, &p, 1, 60), 0);
	ms = ms_since(&t0);
	assert_true(ms >= 60 && ms < 1000);
	ep = ptg_socket_epoll_create(t->st, 1);
	assert_int_equal(ptg_socket_epoll_ctl(t->st, ep, EPOLL_CTL_ADD, fd, &ev),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ptg_socket_epoll_wait(t->st, ep, &ev, 1, 40), 0);
	ms = ms_since(&t0);
	assert_true(ms >= 40 && ms < 1000);

	/* A sleeping poll wakes when data arrives. */
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_POLLIN;
	c.fd = fd;
	c.timeout_ms = -1;
	call_start(&c);
	call_assert_blocked(&c);
	st_peer_send(t, "p", 1);
	call_join(&c);
	assert_int_equal(c.rc, POLLIN);

	/* So does a sleeping epoll_wait (data is still unread). */
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.op = OP_EPOLL;
	c.fd = ep;
	c.timeout_ms = 5000;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, EPOLLIN);

	assert_int_equal(ptg_socket_close(t->st, ep), 0);
	/* Unread data: the close resets. */
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	usleep(20000);
	st_peer_lock(t);
	assert_int_equal(t->rec.reason, PTG_CLOSE_RESET);
	st_peer_unlock(t);
	st_free(t);
}

static void
test_block_linger_waits_for_ack(void **state)
{
	struct st *t = st_new(0, NULL);
	struct call c = { .t = t, .op = OP_CONNECT };
	struct linger l = { .l_onoff = 1, .l_linger = 5 };
	struct timespec t0;
	int fd;

	(void)state;
	fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	c.fd = fd;
	call_start(&c);
	call_join(&c);
	assert_int_equal(c.rc, 0);
	assert_int_equal(ptg_socket_setsockopt(t->st, fd, SOL_SOCKET, SO_LINGER,
					       &l, sizeof(l)), 0);
	assert_int_equal(ptg_socket_write(t->st, fd, "bye", 3), 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Returns once our FIN is acknowledged, well before the 5 s. */
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	assert_true(ms_since(&t0) < 2000);
	st_peer_lock(t);
	assert_int_equal(t->rec.fins, 1);
	assert_int_equal(t->rec.rx_len, 3);
	st_peer_unlock(t);
	st_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_accept_then_read),
		cmocka_unit_test(test_block_connect_and_reset),
		cmocka_unit_test(test_block_connect_refused),
		cmocka_unit_test(test_block_write_waits_for_room),
		cmocka_unit_test(test_block_close_wakes_reader),
		cmocka_unit_test(test_block_poll_timeouts_and_wakeups),
		cmocka_unit_test(test_block_linger_waits_for_ack),
	};

	if (getenv("PTG_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("PTG_TEST_FILTER"));
	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
