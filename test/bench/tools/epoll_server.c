/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptg-epoll-server: the Linux kernel's side of scripts/bench.sh, an echo
 * server doing what portgate's echo service does (send back every byte,
 * close after the peer does), with one thread and level-triggered epoll.
 *
 *   ptg-epoll-server [--addr IP] [--port N] [--backlog N]
 *
 * main() -> listen() -> loop: epoll_wait() -> accept4() | echo() | flush()
 *        (SIGINT/SIGTERM: print the counters, exit 0)
 *
 * Bytes that cannot be written at once are kept (malloc'd only then) and
 * reading from that connection pauses until they are gone, so a slow
 * reader gets the same back-pressure portgate's engine gives it.
 */
#define _GNU_SOURCE /* accept4() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVENTS 256
#define BUF 65536

struct sconn {
	uint8_t *pend;        /* bytes still to write back */
	uint32_t pend_len, pend_off;
};

static volatile sig_atomic_t stop;
static struct sconn *conns;
static size_t nb_conns_max;
static uint64_t accepted, closed, bytes, errors;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: ptg-epoll-server [--addr IP] [--port N] "
		"[--backlog N]\n"
		"An echo server on epoll (one thread) for scripts/bench.sh.\n"
		"Prints \"ptg-epoll-server: ready\" once listening; SIGINT or\n"
		"SIGTERM print the counters and exit 0.\n");
}

/* As many descriptors as the kernel allows: fs.nr_open when we may
 * raise the hard limit (root), else the hard limit. */
static size_t
raise_nofile(void)
{
	struct rlimit rl;
	unsigned long nr_open = 0;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");

	if (f != NULL) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	rl.rlim_cur = rl.rlim_max = nr_open;
	if (nr_open == 0 || setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 1024;
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	return (size_t)rl.rlim_cur;
}

static void
conn_close(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(conns[fd].pend);
	memset(&conns[fd], 0, sizeof(conns[fd]));
	closed++;
}

/* Write what is pending; 1 when all is out, 0 when more waits, -1 on
 * error. */
static int
flush(int fd)
{
	struct sconn *c = &conns[fd];

	while (c->pend_off < c->pend_len) {
		ssize_t w = write(fd, c->pend + c->pend_off,
				  c->pend_len - c->pend_off);

		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->pend_off += (uint32_t)w;
	}
	free(c->pend);
	c->pend = NULL;
	c->pend_len = c->pend_off = 0;
	return 1;
}

static void
echo(int ep, int fd, uint8_t *buf)
{
	struct sconn *c = &conns[fd];
	struct epoll_event ev;

	for (;;) {
		ssize_t r = read(fd, buf, BUF), w;

		if (r == 0) {
			conn_close(ep, fd);
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN)
				return;
			errors++;
			conn_close(ep, fd);
			return;
		}
		bytes += (uint64_t)r;
		w = write(fd, buf, (size_t)r);
		if (w < 0) {
			if (errno != EAGAIN) {
				errors++;
				conn_close(ep, fd);
				return;
			}
			w = 0;
		}
		if (w < r) {
			/* Keep the rest, stop reading until it is out. */
			c->pend = malloc((size_t)(r - w));
			if (c->pend == NULL) {
				errors++;
				conn_close(ep, fd);
				return;
			}
			memcpy(c->pend, buf + w, (size_t)(r - w));
			c->pend_len = (uint32_t)(r - w);
			c->pend_off = 0;
			ev.events = EPOLLOUT;
			ev.data.fd = fd;
			epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
			return;
		}
		if (r < BUF)
			return;
	}
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev, evs[EVENTS];
	struct sigaction sig;
	uint8_t *buf;
	int one = 1, lfd, ep, c, i, n, backlog = 65535;
	long port = 7000;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &sa.sin_addr) != 1) {
				fprintf(stderr, "ptg-epoll-server: --addr: '%s' "
					"is not an IPv4 address\n", optarg);
				return 2;
			}
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			if (port < 1 || port > 65535) {
				fprintf(stderr, "ptg-epoll-server: --port: '%s' "
					"is not in 1..65535\n", optarg);
				return 2;
			}
			break;
		case 'b':
			backlog = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	sa.sin_port = htons((uint16_t)port);
	nb_conns_max = raise_nofile() + 16;
	conns = calloc(nb_conns_max, sizeof(*conns));
	buf = malloc(BUF);
	if (conns == NULL || buf == NULL) {
		fprintf(stderr, "ptg-epoll-server: out of memory\n");
		return 1;
	}
	memset(&sig, 0, sizeof(sig));
	sig.sa_handler = on_signal;
	sigaction(SIGINT, &sig, NULL);
	sigaction(SIGTERM, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, backlog)) {
		fprintf(stderr, "ptg-epoll-server: listen on port %ld: %s\n",
			port, strerror(errno));
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	printf("ptg-epoll-server: ready port %ld (up to %zu descriptors)\n",
	       port, nb_conns_max - 16);
	fflush(stdout);

	while (!stop) {
		n = epoll_wait(ep, evs, EVENTS, 100);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				int cfd;

				while ((cfd = accept4(lfd, NULL, NULL,
						      SOCK_NONBLOCK)) >= 0) {
					if ((size_t)cfd >= nb_conns_max) {
						close(cfd);
						errors++;
						continue;
					}
					setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY,
						   &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.fd = cfd;
					epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
					accepted++;
				}
				continue;
			}
			if (evs[i].events & EPOLLOUT) {
				int rc = flush(fd);

				if (rc < 0) {
					errors++;
					conn_close(ep, fd);
				} else if (rc == 1) {
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
				}
				continue;
			}
			echo(ep, fd, buf);
		}
	}
	printf("ptg-epoll-server: accepted=%" PRIu64 " closed=%" PRIu64
	       " bytes=%" PRIu64 " errors=%" PRIu64 "\n", accepted, closed,
	       bytes, errors);
	return 0;
}
