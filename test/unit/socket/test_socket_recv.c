/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/socket/socket_io.c, the read side: recv/read/readv/recvmsg with and
 * without MSG_PEEK, MSG_WAITALL and MSG_DONTWAIT return what POSIX says
 * whatever the mbufs the engine holds the bytes in: one byte per mbuf,
 * segments of different sizes, a head partly consumed, frames that came
 * as mbuf chains, full-sized segments. Every return value and every byte
 * is checked.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sock_test.h"

#define assert_fail(call, e) do { \
	errno = 0; \
	assert_int_equal((call), -1); \
	assert_int_equal(errno, (e)); \
} while (0)

#define DATA 8192u

static uint8_t data[DATA];   /* what the peer sends, from its first byte */

static struct st *
connected(int *fd)
{
	struct st *t = st_new(1, NULL);

	ptg_test_pattern(data, sizeof(data), 77);
	*fd = st_connected(t);
	st_pump(t, 60);   /* quiet: no ACK or frame left in flight */
	return t;
}

/* The peer sends data[from, from + len) as one segment; the stack takes
 * it in. */
static void
segment(struct st *t, size_t from, size_t len)
{
	st_peer_send(t, data + from, len);
	st_pump(t, 1);
}

static int
readable(struct st *t, int fd)
{
	int n = -1;

	assert_int_equal(ptg_socket_ioctl(t->st, fd, FIONREAD, &n), 0);
	return n;
}

/* recv(MSG_PEEK) of @want bytes returns @n, the next @n bytes (from
 * data + @at), and consumes none of them. */
static void
peek_is(struct st *t, int fd, size_t want, ssize_t n, size_t at)
{
	uint8_t b[DATA];
	int before = readable(t, fd);

	assert_true(want <= sizeof(b));
	memset(b, 0xee, sizeof(b));
	assert_int_equal(ptg_socket_recv(t->st, fd, b, want, MSG_PEEK), n);
	assert_memory_equal(b, data + at, (size_t)n);
	if ((size_t)n < want)
		assert_int_equal(b[n], 0xee);
	assert_int_equal(readable(t, fd), before);
}

/* read()/recv(@flags) of @want bytes returns @n: data + @at on. */
static void
read_is(struct st *t, int fd, size_t want, int flags, ssize_t n, size_t at)
{
	uint8_t b[DATA];

	assert_true(want <= sizeof(b));
	memset(b, 0xee, sizeof(b));
	if (flags == 0)
		assert_int_equal(ptg_socket_read(t->st, fd, b, want), n);
	else
		assert_int_equal(ptg_socket_recv(t->st, fd, b, want, flags), n);
	assert_memory_equal(b, data + at, (size_t)n);
	if ((size_t)n < want)
		assert_int_equal(b[n], 0xee);
}

static void
done(struct st *t, int fd)
{
	char b[8];

	assert_fail(ptg_socket_recv(t->st, fd, b, sizeof(b), MSG_PEEK), EAGAIN);
	assert_fail(ptg_socket_read(t->st, fd, b, sizeof(b)), EAGAIN);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_pump(t, 5);
	st_free(t);
}

/* The case: 1, 2, 4, 8 and 16 bytes in five segments; a peek of
 * 1024 bytes returns 1, 3, 7, 15 and 31, then what fits. */
static void
test_recv_peek_segment_sizes(void **state)
{
	static const size_t sizes[] = { 1, 2, 4, 8, 16 };
	size_t at = 0;
	struct st *t;
	int fd;

	(void)state;
	t = connected(&fd);
	assert_fail(ptg_socket_recv(t->st, fd, &(char){ 0 }, 1, MSG_PEEK), EAGAIN);
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		segment(t, at, sizes[i]);
		at += sizes[i];
		assert_int_equal(readable(t, fd), (int)at);
		peek_is(t, fd, 1024, (ssize_t)at, 0);
	}
	peek_is(t, fd, 10, 10, 0);
	peek_is(t, fd, 31, 31, 0);
	/* A peek with MSG_WAITALL may return less (POSIX recv()). */
	{
		uint8_t b[64];

		assert_int_equal(ptg_socket_recv(t->st, fd, b, sizeof(b),
						 MSG_PEEK | MSG_WAITALL), 31);
		assert_memory_equal(b, data, 31);
	}
	/* Reading starts where the peeks did. */
	read_is(t, fd, 2, 0, 2, 0);      /* the head mbuf and 1 of the next */
	peek_is(t, fd, 1024, 29, 2);
	read_is(t, fd, 1024, 0, 29, 2);
	done(t, fd);
}

/* One byte per segment. */
static void
test_recv_one_byte_per_mbuf(void **state)
{
	struct st *t;
	unsigned int base;
	int fd;

	(void)state;
	t = connected(&fd);
	base = ptg_test_mempool_in_use(t->mp);
	for (size_t i = 0; i < 31; i++)
		segment(t, i, 1);
	st_pump(t, 60);  /* the ACKs: the peer frees what it sent */
	/* The engine copies small segments into the free room of the
	 * buffer before: the 31 bytes share one mbuf. */
	assert_int_equal(ptg_test_mempool_in_use(t->mp) - base, 1);
	peek_is(t, fd, 1024, 31, 0);
	peek_is(t, fd, 17, 17, 0);
	{
		/* recvmsg(MSG_PEEK) over four iovecs, one empty. */
		uint8_t a[4], b[5], c[100];
		struct iovec iov[4] = { { a, sizeof(a) }, { NULL, 0 },
					{ b, sizeof(b) }, { c, sizeof(c) } };
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 4 };

		assert_int_equal(ptg_socket_recvmsg(t->st, fd, &msg, MSG_PEEK),
				 31);
		assert_memory_equal(a, data, 4);
		assert_memory_equal(b, data + 4, 5);
		assert_memory_equal(c, data + 9, 22);
		/* The same without MSG_PEEK takes them. */
		memset(c, 0, sizeof(c));
		assert_int_equal(ptg_socket_recvmsg(t->st, fd, &msg, 0), 31);
		assert_memory_equal(a, data, 4);
		assert_memory_equal(b, data + 4, 5);
		assert_memory_equal(c, data + 9, 22);
	}
	assert_int_equal(ptg_test_mempool_in_use(t->mp) - base, 0);
	done(t, fd);
}

/* A head mbuf partly consumed, then peeks, then MSG_WAITALL. */
static void
test_recv_partly_consumed_head(void **state)
{
	struct st *t;
	int fd;

	(void)state;
	t = connected(&fd);
	segment(t, 0, 16);
	segment(t, 16, 8);
	segment(t, 24, 4);
	read_is(t, fd, 5, 0, 5, 0);
	peek_is(t, fd, 1024, 23, 5);
	peek_is(t, fd, 3, 3, 5);
	peek_is(t, fd, 11, 11, 5);       /* the head's rest: exactly 11 */
	peek_is(t, fd, 12, 12, 5);       /* ... and one of the next */
	read_is(t, fd, 11, 0, 11, 5);    /* head gone exactly */
	peek_is(t, fd, 1024, 12, 16);
	/* All there: MSG_WAITALL returns at once. */
	read_is(t, fd, 12, MSG_WAITALL, 12, 16);
	done(t, fd);
}

/* Frames that arrive as mbuf chains (in order) are copied into the
 * queue, the first bytes behind those of an earlier segment in its mbuf.
 * The pieces are of even length, as a NIC's buffers are: DPDK 22.11's
 * software checksum of a chain is wrong after an odd-length piece. */
static void
test_recv_chained_frames(void **state)
{
	struct st *t;
	int fd;

	(void)state;
	t = connected(&fd);
	segment(t, 0, 1);
	segment(t, 1, 1);
	st_peer_send(t, data + 2, 300);
	assert_int_equal(st_to_stack_chain(t, 40, 8), 1);
	st_pump(t, 1);
	st_peer_send(t, data + 302, 1000);
	assert_int_equal(st_to_stack_chain(t, 64, 100), 1);
	st_pump(t, 1);
	assert_int_equal(ST_STACK_STAT(t, drop_cksum), 0);
	assert_int_equal(readable(t, fd), 1302);
	peek_is(t, fd, 4096, 1302, 0);
	peek_is(t, fd, 303, 303, 0);
	read_is(t, fd, 3, 0, 3, 0);
	peek_is(t, fd, 4096, 1299, 3);
	{
		/* readv() across the rest, into uneven iovecs. */
		static uint8_t a[299], b[1], c[2000];
		struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) },
					{ c, sizeof(c) } };

		assert_int_equal(ptg_socket_readv(t->st, fd, iov, 3), 1299);
		assert_memory_equal(a, data + 3, 299);
		assert_memory_equal(b, data + 302, 1);
		assert_memory_equal(c, data + 303, 999);
	}
	done(t, fd);
}

/* Full-sized segments, one mbuf each: peeks and MSG_WAITALL over them. */
static void
test_recv_full_segments(void **state)
{
	struct st *t;
	int fd;

	(void)state;
	t = connected(&fd);
	st_peer_send(t, data, 5000);      /* 1460 + 1460 + 1460 + 620 */
	st_pump(t, 5);
	peek_is(t, fd, DATA, 5000, 0);
	peek_is(t, fd, 1461, 1461, 0);
	read_is(t, fd, 1000, 0, 1000, 0);
	peek_is(t, fd, DATA, 4000, 1000);
	read_is(t, fd, 4000, MSG_WAITALL, 4000, 1000);
	done(t, fd);
}

/* MSG_DONTWAIT on a blocking socket: EAGAIN when empty; with
 * MSG_WAITALL, what there is. */
static void
test_recv_dontwait_on_blocking_socket(void **state)
{
	struct st *t;
	char b[64];
	int fd;

	(void)state;
	t = connected(&fd);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_SETFL, 0), 0);
	assert_fail(ptg_socket_recv(t->st, fd, b, sizeof(b), MSG_DONTWAIT),
		    EAGAIN);
	assert_fail(ptg_socket_recv(t->st, fd, b, sizeof(b),
				    MSG_DONTWAIT | MSG_PEEK), EAGAIN);
	segment(t, 0, 1);
	segment(t, 1, 2);
	segment(t, 3, 4);
	read_is(t, fd, 31, MSG_DONTWAIT | MSG_PEEK, 7, 0);
	read_is(t, fd, 31, MSG_DONTWAIT | MSG_WAITALL, 7, 0);
	assert_fail(ptg_socket_recv(t->st, fd, b, sizeof(b),
				    MSG_DONTWAIT | MSG_WAITALL), EAGAIN);
	assert_int_equal(ptg_socket_fcntl(t->st, fd, F_SETFL, O_NONBLOCK), 0);
	done(t, fd);
}

/* ---- blocking, on real time ---------------------------------------------------- */

struct reader {
	struct st *t;
	int fd, flags;
	uint8_t *buf;
	size_t len;
	volatile pid_t tid;
	volatile int finished;
	ssize_t rc;
	pthread_t th;
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;

	r->tid = (pid_t)syscall(SYS_gettid);
	r->rc = ptg_socket_recv(r->t->st, r->fd, r->buf, r->len, r->flags);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
reader_start(struct reader *r)
{
	assert_int_equal(pthread_create(&r->th, NULL, reader_run, r), 0);
	while (__atomic_load_n(&r->tid, __ATOMIC_ACQUIRE) == 0)
		usleep(100);
	st_assert_sleeps(r->tid);
}

/* A blocking socket connected to the peer, on real time. */
static struct st *
connected_blocking(int *fd)
{
	struct st *t = st_new(0, NULL);
	struct sockaddr_in sin = st_addr(PTG_TEST_IP_PEER, ST_PEER_PORT);

	ptg_test_pattern(data, sizeof(data), 77);
	*fd = ptg_socket(t->st, AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	assert_int_equal(ptg_socket_connect(t->st, *fd,
			 (struct sockaddr *)&sin, sizeof(sin)), 0);
	return t;
}

/* MSG_WAITALL sleeps until every byte asked for is there, across
 * segments of 1, 2, 4, 8 and 16 bytes. */
static void
test_recv_waitall_blocks(void **state)
{
	static const size_t sizes[] = { 1, 2, 4, 8, 16 };
	static uint8_t b[64];
	struct reader r = { .flags = MSG_WAITALL, .buf = b, .len = 31 };
	size_t at = 0;
	struct st *t;
	int fd;

	(void)state;
	t = connected_blocking(&fd);
	r.t = t;
	r.fd = fd;
	memset(b, 0xee, sizeof(b));
	reader_start(&r);
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		assert_int_equal(__atomic_load_n(&r.finished, __ATOMIC_ACQUIRE),
				 0);
		st_peer_send(t, data + at, sizes[i]);
		at += sizes[i];
		usleep(10000);
	}
	pthread_join(r.th, NULL);
	assert_int_equal(r.rc, 31);
	assert_memory_equal(b, data, 31);
	assert_int_equal(b[31], 0xee);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

/* A blocking MSG_PEEK sleeps until data comes, then returns all of it
 * that is there, and leaves it. */
static void
test_recv_peek_blocks(void **state)
{
	static uint8_t b[64];
	struct reader r = { .flags = MSG_PEEK, .buf = b, .len = sizeof(b) };
	struct st *t;
	uint8_t c[64];
	int fd;

	(void)state;
	t = connected_blocking(&fd);
	r.t = t;
	r.fd = fd;
	reader_start(&r);
	usleep(20000);
	assert_int_equal(__atomic_load_n(&r.finished, __ATOMIC_ACQUIRE), 0);
	st_peer_send(t, data, 20);
	pthread_join(r.th, NULL);
	assert_int_equal(r.rc, 20);
	assert_memory_equal(b, data, 20);
	assert_int_equal(ptg_socket_recv(t->st, fd, c, sizeof(c), MSG_WAITALL |
					 MSG_DONTWAIT), 20);
	assert_memory_equal(c, data, 20);
	assert_int_equal(ptg_socket_close(t->st, fd), 0);
	st_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recv_peek_segment_sizes),
		cmocka_unit_test(test_recv_one_byte_per_mbuf),
		cmocka_unit_test(test_recv_partly_consumed_head),
		cmocka_unit_test(test_recv_chained_frames),
		cmocka_unit_test(test_recv_full_segments),
		cmocka_unit_test(test_recv_dontwait_on_blocking_socket),
		cmocka_unit_test(test_recv_waitall_blocks),
		cmocka_unit_test(test_recv_peek_blocks),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
