/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate socket-style API: file-descriptor semantics over the TCP engine,
 * for applications (and test tools such as packetdrill) that want them.
 *
 * A *stack* owns one net instance and one TCP engine (ptg_net.h,
 * ptg_tcp.h), a frame backend (how its Ethernet frames reach a wire), and,
 * unless created in manual mode, a poll thread that runs the engine on
 * CLOCK_MONOTONIC time. The calls below come from any application thread:
 * the stack has one mutex, held by the poll thread while it runs the engine
 * and by each call around its engine work; a blocking call sleeps on a
 * condition variable that the engine's service callbacks signal. The engine
 * itself stays lock-free: nothing here is on the dataplane's path.
 *
 * Descriptors are real, reserved kernel file descriptors (each an empty
 * memfd), so close(2), dup-checks and fd limits behave as for sockets; the
 * stack maps each one to its socket. Only ptg_socket_close() releases a
 * socket; a descriptor closed with close(2) is noticed (and its socket
 * dropped) when the kernel hands its number out again to this stack.
 *
 * Conventions: unlike the rest of portgate, these functions follow POSIX,
 * since they stand in for the system calls of the same names: they return
 * -1 and set errno (in the calling thread) on failure. Each documents the
 * errno values it sets. Only AF_INET, SOCK_STREAM (TCP) is supported.
 *
 * Differences from a kernel socket, all deliberate:
 * - SO_RCVBUF and SO_SNDBUF are per socket, from 1024 bytes up to the
 *   engine's rcvbuf / sndbuf (ptg_tcp_config; the rcvbuf also fixed the
 *   window scale at the handshake), and getsockopt reports the size in
 *   force, the way Linux clamps to its limits. SO_RCVBUF is the ceiling of
 *   the advertised window (ptg_conn_set_rcvbuf()); set on a listening
 *   socket it carries over to the connections it accepts.
 * - TCP_MAXSEG can only be raised to (or left at) the engine's MSS; a
 *   smaller value is refused with EINVAL (the engine has no per-connection
 *   MSS clamp).
 * - SHUT_RD discards data that arrives afterwards (it is acknowledged, so
 *   the peer is never stalled by a reader that left).
 * - listen() on a listening socket keeps its first backlog.
 */
#ifndef PTG_SOCKET_H
#define PTG_SOCKET_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ptg_net.h"
#include "ptg_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/**
 * Where a stack's frames go and come from (an ops struct with a name).
 * Frames are Ethernet frames, data at the Ethernet header.
 */
struct ptg_socket_backend {
	const char *name;
	/**
	 * Transmit @p n frames; the callee owns all of them when it returns
	 * (as ptg_net_tx_t). Called with the stack's mutex held: it must not
	 * call back into the stack.
	 */
	uint16_t (*tx)(void *arg, struct rte_mbuf **pkts, uint16_t n);
	/**
	 * Receive at most @p n frames into @p pkts (mbufs from the stack's
	 * mempool or any pool), waiting at most @p wait_ns for the first one
	 * (0: do not wait). Returns how many. Called by the poll thread (or
	 * ptg_socket_stack_poll()) without the stack's mutex.
	 */
	uint16_t (*rx)(void *arg, struct rte_mbuf **pkts, uint16_t n,
		       uint64_t wait_ns);
	void *arg;
};

/** Configuration of a stack; ptg_socket_config_default() fills it. */
struct ptg_socket_config {
	struct ptg_net_config net;   /**< tx/tx_arg are set by the stack */
	struct ptg_tcp_config tcp;   /**< engine configuration */
	struct ptg_socket_backend backend; /**< required: tx and rx */
	struct rte_mempool *mp;      /**< frames the stack builds; required */
	int socket_id;               /**< NUMA socket for engine memory */
	uint8_t manual_poll;         /**< 1: no poll thread; the caller
					  drives ptg_socket_stack_poll() */
	uint64_t poll_wait_ns;       /**< poll thread's idle wait for frames
					  (0: 1 ms, the engine's timer tick) */
};

/**
 * Defaults: engine defaults (ptg_tcp_config_default()) but with Nagle on
 * (as sockets have by default; TCP_NODELAY turns it off) and 4096
 * connections; MTU 1500; a poll thread. The caller sets net.mac,
 * net.addr/prefix_len (and gateway), backend and mp.
 */
void ptg_socket_config_default(struct ptg_socket_config *cfg);

struct ptg_socket_stack;

/**
 * Create a stack: net + engine on @p cfg, and start its poll thread unless
 * cfg->manual_poll.
 * @return the stack, or NULL with rte_errno: EINVAL (bad or incomplete
 *         config), ENOMEM, or what ptg_net_create()/ptg_tcp_create() set.
 */
struct ptg_socket_stack *ptg_socket_stack_create(const struct ptg_socket_config *cfg);

/**
 * Stop the poll thread, drop every socket (connections vanish without
 * a segment, as with ptg_tcp_free()), close the descriptors that are still
 * ours, free the engine and net. No call may be in progress. Accepts NULL.
 */
void ptg_socket_stack_free(struct ptg_socket_stack *st);

/**
 * Manual mode only: take frames from the backend (without waiting), run
 * the engine at @p now_ns (monotonic, any epoch, never going back), flush,
 * and wake the sockets whose state changed.
 * @return 0, or -EINVAL (the stack has a poll thread).
 */
int ptg_socket_stack_poll(struct ptg_socket_stack *st, uint64_t now_ns);

/** Copy the engine's counters (taken under the stack's mutex). */
void ptg_socket_stack_tcp_stats(struct ptg_socket_stack *st,
				struct ptg_tcp_stats *out);

/** Copy the net layer's counters (taken under the stack's mutex). */
void ptg_socket_stack_net_stats(struct ptg_socket_stack *st,
				struct ptg_net_stats *out);

/** Sockets (and epoll instances) with a descriptor. */
unsigned int ptg_socket_stack_count(struct ptg_socket_stack *st);

/**
 * Closed sockets whose connection is still shutting down in the engine
 * (FIN exchange in progress); they hold their port until it is done.
 */
unsigned int ptg_socket_stack_orphans(struct ptg_socket_stack *st);

/* ---- sockets --------------------------------------------------------------- */

/**
 * socket(2). @p type is SOCK_STREAM, optionally or-ed with SOCK_NONBLOCK
 * and SOCK_CLOEXEC; @p protocol 0 or IPPROTO_TCP.
 * @return a descriptor, or -1: EAFNOSUPPORT (not AF_INET),
 *         ESOCKTNOSUPPORT (not SOCK_STREAM), EPROTONOSUPPORT, EINVAL
 *         (unknown type flags), EMFILE/ENFILE (no descriptor), ENOMEM.
 */
int ptg_socket(struct ptg_socket_stack *st, int domain, int type, int protocol);

/**
 * bind(2) to INADDR_ANY or the stack's address; port 0 picks an ephemeral
 * port (49152..65535). A port with a listening socket is never shared; a
 * port with other users (bound or connected sockets, closing connections)
 * is shared only with SO_REUSEADDR set on the new socket.
 * @return 0, or -1: EBADF, EINVAL (already bound, or addrlen too short),
 *         EAFNOSUPPORT, EADDRNOTAVAIL, EADDRINUSE, EFAULT (NULL addr).
 */
int ptg_socket_bind(struct ptg_socket_stack *st, int fd,
		    const struct sockaddr *addr, socklen_t addrlen);

/**
 * listen(2): connections complete their handshake in the engine and wait
 * in its accept queue, bounded by @p backlog (values < 1 mean 1, values
 * over SOMAXCONN mean SOMAXCONN); past it the engine drops (or resets,
 * per ptg_tcp_config.accept_overflow_rst) the handshake's final ACK.
 * Unbound sockets get an ephemeral port.
 * @return 0, or -1: EBADF, EINVAL (connected or connecting),
 *         EADDRINUSE, ENOMEM.
 */
int ptg_socket_listen(struct ptg_socket_stack *st, int fd, int backlog);

/**
 * accept(2) / accept4(2) (@p flags: SOCK_NONBLOCK, SOCK_CLOEXEC). Blocks
 * unless the listening socket is non-blocking. The new socket inherits
 * SO_REUSEADDR, SO_LINGER, SO_SNDBUF, SO_RCVBUF and TCP_NODELAY, not
 * O_NONBLOCK. @p addr (may be NULL) gets the peer's address.
 * @return a descriptor, or -1: EBADF, EINVAL (not listening, bad flags),
 *         EAGAIN (non-blocking, nothing queued), EMFILE/ENFILE.
 */
int ptg_socket_accept4(struct ptg_socket_stack *st, int fd,
		       struct sockaddr *addr, socklen_t *addrlen, int flags);

/** accept(2): ptg_socket_accept4() with flags 0. */
int ptg_socket_accept(struct ptg_socket_stack *st, int fd,
		      struct sockaddr *addr, socklen_t *addrlen);

/**
 * connect(2): active open to an IPv4 address. Blocking sockets wait for
 * the handshake; non-blocking ones return EINPROGRESS, then report
 * completion through POLLOUT and SO_ERROR.
 * @return 0, or -1: EBADF, EOPNOTSUPP (listening), EINVAL (bad address
 *         length), EFAULT, EAFNOSUPPORT, EINPROGRESS, EALREADY, EISCONN,
 *         ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EADDRINUSE, EADDRNOTAVAIL
 *         (no free port, or a destination of port 0 or 0.0.0.0), ENOBUFS
 *         (connection table full).
 */
int ptg_socket_connect(struct ptg_socket_stack *st, int fd,
		       const struct sockaddr *addr, socklen_t addrlen);

/**
 * recvmsg(2) core: read into @p iov. @p flags: MSG_PEEK, MSG_DONTWAIT,
 * MSG_WAITALL. Returns 0 at end of stream (peer's FIN, after SHUT_RD, or
 * after a reported reset).
 * @return bytes read, or -1: EBADF, ENOTSOCK (an epoll descriptor),
 *         ENOTCONN (never connected, or listening), EAGAIN, ECONNRESET,
 *         ETIMEDOUT, ECONNREFUSED (pending errors, reported once, then 0),
 *         EINVAL, EFAULT, EOPNOTSUPP (other flags).
 */
ssize_t ptg_socket_recvmsg(struct ptg_socket_stack *st, int fd,
			   struct msghdr *msg, int flags);
ssize_t ptg_socket_read(struct ptg_socket_stack *st, int fd, void *buf,
			size_t len);
ssize_t ptg_socket_readv(struct ptg_socket_stack *st, int fd,
			 const struct iovec *iov, int iovcnt);
ssize_t ptg_socket_recv(struct ptg_socket_stack *st, int fd, void *buf,
			size_t len, int flags);
/** recvfrom(2): @p src (may be NULL) gets the peer's address. */
ssize_t ptg_socket_recvfrom(struct ptg_socket_stack *st, int fd, void *buf,
			    size_t len, int flags, struct sockaddr *src,
			    socklen_t *srclen);

/**
 * sendmsg(2) core: queue the bytes of @p iov. A blocking socket returns
 * once all of it is queued; a non-blocking one queues what fits.
 * @p flags: MSG_DONTWAIT, MSG_NOSIGNAL (else EPIPE also raises SIGPIPE in
 * the calling thread, as POSIX requires), MSG_MORE (ignored).
 * A destination address is ignored, as for any connected TCP socket.
 * @return bytes queued, or -1: EBADF, ENOTCONN, EAGAIN, EPIPE (after
 *         shutdown(SHUT_WR) or once the connection is gone), ECONNRESET,
 *         ETIMEDOUT (pending errors, reported once), ENOBUFS, EINVAL,
 *         EFAULT.
 */
ssize_t ptg_socket_sendmsg(struct ptg_socket_stack *st, int fd,
			   const struct msghdr *msg, int flags);
ssize_t ptg_socket_write(struct ptg_socket_stack *st, int fd, const void *buf,
			 size_t len);
ssize_t ptg_socket_writev(struct ptg_socket_stack *st, int fd,
			  const struct iovec *iov, int iovcnt);
ssize_t ptg_socket_send(struct ptg_socket_stack *st, int fd, const void *buf,
			size_t len, int flags);
ssize_t ptg_socket_sendto(struct ptg_socket_stack *st, int fd, const void *buf,
			  size_t len, int flags, const struct sockaddr *dst,
			  socklen_t dstlen);

/**
 * close(2). A connection is closed gracefully (FIN after queued data,
 * RFC 9293 3.10.4) and finishes in the background; with unread data, or
 * SO_LINGER on with a zero timeout, it is reset instead (RFC 9293 3.10.5,
 * RFC 2525 2.17). SO_LINGER with a timeout makes a blocking close wait
 * (at most that long) for the FIN to be acknowledged. A listening socket
 * stops listening; connections in its accept queue are reset.
 * @return 0, or -1: EBADF.
 */
int ptg_socket_close(struct ptg_socket_stack *st, int fd);

/**
 * shutdown(2): SHUT_WR sends FIN after queued data; SHUT_RD ends reading
 * (reads return 0; later data is discarded); SHUT_RDWR both.
 * @return 0, or -1: EBADF, EINVAL (bad @p how), ENOTCONN.
 */
int ptg_socket_shutdown(struct ptg_socket_stack *st, int fd, int how);

/**
 * fcntl(2) for F_GETFL (O_RDWR, plus O_NONBLOCK when set), F_SETFL
 * (O_NONBLOCK is the only flag that changes), F_GETFD and F_SETFD (the
 * kernel descriptor's FD_CLOEXEC).
 * @return as fcntl(2), or -1: EBADF, EINVAL (other commands).
 */
int ptg_socket_fcntl(struct ptg_socket_stack *st, int fd, int cmd, long arg);

/**
 * ioctl(2) for FIONREAD/SIOCINQ (bytes readable), SIOCOUTQ/TIOCOUTQ (bytes
 * not yet acknowledged), FIONBIO (@p argp: int, non-zero sets O_NONBLOCK).
 * @return 0, or -1: EBADF, EFAULT, EINVAL (listening, for the queues),
 *         ENOTTY (other requests).
 */
int ptg_socket_ioctl(struct ptg_socket_stack *st, int fd, unsigned long req,
		     void *argp);

/**
 * getsockopt(2). SOL_SOCKET: SO_ERROR (and clears it), SO_TYPE, SO_DOMAIN,
 * SO_PROTOCOL, SO_ACCEPTCONN, SO_REUSEADDR, SO_KEEPALIVE (whether the
 * engine runs keepalives: ptg_tcp_config), SO_LINGER, SO_RCVBUF,
 * SO_SNDBUF. IPPROTO_TCP: TCP_NODELAY, TCP_MAXSEG (the
 * connection's send MSS once connected, else the engine's MSS).
 * @return 0, or -1: EBADF, EFAULT, EINVAL (*optlen too small),
 *         ENOPROTOOPT.
 */
int ptg_socket_getsockopt(struct ptg_socket_stack *st, int fd, int level,
			  int optname, void *optval, socklen_t *optlen);

/**
 * setsockopt(2): SO_REUSEADDR, SO_LINGER, SO_SNDBUF, SO_RCVBUF,
 * SO_KEEPALIVE (only to the engine's own setting, else ENOPROTOOPT),
 * TCP_NODELAY (setting it pushes what Nagle held), TCP_MAXSEG; see the
 * file comment for SO_RCVBUF and TCP_MAXSEG.
 * @return 0, or -1: EBADF, EFAULT, EINVAL (short @p optlen, bad value),
 *         ENOPROTOOPT.
 */
int ptg_socket_setsockopt(struct ptg_socket_stack *st, int fd, int level,
			  int optname, const void *optval, socklen_t optlen);

/** getsockname(2). @return 0, or -1: EBADF, EFAULT, EINVAL. */
int ptg_socket_getsockname(struct ptg_socket_stack *st, int fd,
			   struct sockaddr *addr, socklen_t *addrlen);

/** getpeername(2). @return 0, or -1: EBADF, EFAULT, EINVAL, ENOTCONN. */
int ptg_socket_getpeername(struct ptg_socket_stack *st, int fd,
			   struct sockaddr *addr, socklen_t *addrlen);

/* ---- readiness --------------------------------------------------------------- */

/**
 * poll(2) over this stack's descriptors (others get POLLNVAL). Events:
 * POLLIN/POLLRDNORM (data, end of stream, or a connection to accept),
 * POLLOUT/POLLWRNORM (at least a quarter of the send buffer free, or
 * writing would fail at once), POLLRDHUP (peer's FIN), POLLHUP (both
 * directions done, or never connected), POLLERR (pending error).
 * @p timeout_ms < 0 waits forever.
 * @return descriptors with events, or -1: EFAULT, EINVAL (@p nfds too
 *         large).
 */
int ptg_socket_poll(struct ptg_socket_stack *st, struct pollfd *fds,
		    nfds_t nfds, int timeout_ms);

/**
 * epoll_create(2)-like: an interest list of this stack's sockets, on its
 * own reserved descriptor (released by ptg_socket_close()). @p size is
 * ignored but must be > 0 (as epoll_create(2)); 0 through
 * ptg_socket_epoll_create1().
 * @return a descriptor, or -1: EINVAL, EMFILE/ENFILE, ENOMEM.
 */
int ptg_socket_epoll_create(struct ptg_socket_stack *st, int size);
int ptg_socket_epoll_create1(struct ptg_socket_stack *st, int flags);

/**
 * epoll_ctl(2)-like. Events as ptg_socket_poll() (EPOLLIN == POLLIN, ...)
 * plus EPOLLET (an event is reported again only after the socket saw
 * something new) and EPOLLONESHOT. A closed socket leaves every interest
 * list.
 * @return 0, or -1: EBADF, EINVAL (epfd not an epoll descriptor, fd ==
 *         epfd, bad op), EEXIST, ENOENT, EPERM (fd not this stack's
 *         socket), EFAULT, ENOMEM.
 */
int ptg_socket_epoll_ctl(struct ptg_socket_stack *st, int epfd, int op,
			 int fd, struct epoll_event *ev);

/**
 * epoll_wait(2)-like (level-triggered unless EPOLLET).
 * @return events stored, or -1: EBADF, EINVAL (not an epoll descriptor,
 *         @p maxevents < 1), EFAULT.
 */
int ptg_socket_epoll_wait(struct ptg_socket_stack *st, int epfd,
			  struct epoll_event *events, int maxevents,
			  int timeout_ms);

/** Whether @p fd is one of this stack's descriptors (socket or epoll). */
int ptg_socket_is_ours(struct ptg_socket_stack *st, int fd);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_SOCKET_H */
