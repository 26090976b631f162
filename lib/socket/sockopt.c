/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket options.
 *
 *   ptg_socket_setsockopt() -> per-socket fields; TCP_NODELAY also
 *        -> ptg_conn_set_nodelay() (RFC 9293 3.7.4 Nagle)
 *   ptg_socket_getsockopt() -> per-socket fields, SO_ERROR (taken once),
 *        TCP_MAXSEG -> ptg_conn_info() (RFC 9293 3.7.1 send MSS)
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "socket_priv.h"

#define SOCK_MIN_SNDBUF 2048u

/* The MSS this engine announces (RFC 9293 3.7.1: MTU less the headers). */
static int
engine_mss(const struct ptg_socket_stack *st)
{
	int mss = ptg_net_config(st->net)->mtu - (int)PTG_TCP_IPV4_HDR_LEN;

	if (st->cfg.tcp.mss != 0 && st->cfg.tcp.mss < mss)
		mss = st->cfg.tcp.mss;
	return mss;
}

int
ptg_socket_setsockopt(struct ptg_socket_stack *st, int fd, int level,
		      int optname, const void *optval, socklen_t optlen)
{
	struct sock *so;
	int err, v = 0;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (optval == NULL)
		return sock_leave(so, EFAULT);
	if (level == SOL_SOCKET && optname == SO_LINGER) {
		struct linger l;

		if (optlen < (socklen_t)sizeof(l))
			return sock_leave(so, EINVAL);
		memcpy(&l, optval, sizeof(l));
		if (l.l_linger < 0)
			l.l_linger = 0;
		so->linger_on = l.l_onoff != 0;
		so->linger_s = l.l_linger;
		return sock_leave(so, 0);
	}
	if (optlen < (socklen_t)sizeof(int))
		return sock_leave(so, EINVAL);
	memcpy(&v, optval, sizeof(v));
	if (level == SOL_SOCKET) {
		switch (optname) {
		case SO_REUSEADDR:
			so->reuseaddr = v != 0;
			return sock_leave(so, 0);
		case SO_SNDBUF: {
			uint32_t max = st->cfg.tcp.sndbuf;
			uint32_t want = v < (int)SOCK_MIN_SNDBUF ?
					SOCK_MIN_SNDBUF : (uint32_t)v;

			so->sndbuf = RTE_MIN(want, max);
			return sock_leave(so, 0);
		}
		case SO_RCVBUF: {
			/* The window's ceiling, up to the engine's rcvbuf
			 * (which fixed the window scale); a listener passes
			 * it on to what it accepts. */
			uint32_t want = v < 1024 ? 1024u : (uint32_t)v;

			so->rcvbuf = RTE_MIN(want, st->cfg.tcp.rcvbuf);
			if (so->conn != NULL)
				ptg_conn_set_rcvbuf(so->conn, so->rcvbuf);
			else if (so->state == SS_LISTEN)
				ptg_tcp_listen_set_rcvbuf(st->tcp, so->lport,
							  so->rcvbuf);
			return sock_leave(so, 0);
		}
		case SO_KEEPALIVE:
			/* Keepalive is the engine's (ptg_tcp_config): only
			 * what it already does can be asked for. */
			return sock_leave(so, (v != 0) ==
					 (st->cfg.tcp.keepalive_idle_ns != 0) ?
					 0 : ENOPROTOOPT);
		default:
			return sock_leave(so, ENOPROTOOPT);
		}
	}
	if (level == IPPROTO_TCP) {
		switch (optname) {
		case TCP_NODELAY:
			so->nodelay = v != 0;
			if (so->conn != NULL) {
				ptg_conn_set_nodelay(so->conn, so->nodelay);
				/* Setting it pushes what Nagle held back. */
				if (so->nodelay && !so->wr_shut &&
				    so->state == SS_CONNECTED) {
					ptg_send(so->conn, NULL, 0);
					sock_flush(st);
				}
			}
			return sock_leave(so, 0);
		case TCP_MAXSEG:
			if (v < PTG_TCP_MSS_MIN || v > UINT16_MAX)
				return sock_leave(so, EINVAL);
			/* Only a value at or above the engine's MSS can be
			 * honoured: it changes nothing (ptg_socket.h). */
			return sock_leave(so, v < engine_mss(st) ? EINVAL : 0);
		default:
			return sock_leave(so, ENOPROTOOPT);
		}
	}
	return sock_leave(so, ENOPROTOOPT);
}

int
ptg_socket_getsockopt(struct ptg_socket_stack *st, int fd, int level,
		      int optname, void *optval, socklen_t *optlen)
{
	struct ptg_conn_info info;
	struct sock *so;
	int err, v;

	so = sock_enter_tcp(st, fd, &err);
	if (so == NULL)
		return sock_fail(err);
	if (optval == NULL || optlen == NULL)
		return sock_leave(so, EFAULT);
	if (level == SOL_SOCKET && optname == SO_LINGER) {
		struct linger l = { .l_onoff = so->linger_on,
				    .l_linger = so->linger_s };

		if (*optlen < (socklen_t)sizeof(l))
			return sock_leave(so, EINVAL);
		memcpy(optval, &l, sizeof(l));
		*optlen = sizeof(l);
		return sock_leave(so, 0);
	}
	if (*optlen < (socklen_t)sizeof(int))
		return sock_leave(so, EINVAL);
	if (level == SOL_SOCKET) {
		switch (optname) {
		case SO_ERROR:
			v = so->err;
			so->err = 0;
			break;
		case SO_TYPE:
			v = SOCK_STREAM;
			break;
		case SO_DOMAIN:
			v = AF_INET;
			break;
		case SO_PROTOCOL:
			v = IPPROTO_TCP;
			break;
		case SO_ACCEPTCONN:
			v = so->state == SS_LISTEN;
			break;
		case SO_REUSEADDR:
			v = so->reuseaddr;
			break;
		case SO_KEEPALIVE:
			v = st->cfg.tcp.keepalive_idle_ns != 0;
			break;
		case SO_SNDBUF:
			v = (int)so->sndbuf;
			break;
		case SO_RCVBUF:
			v = (int)so->rcvbuf;
			break;
		default:
			return sock_leave(so, ENOPROTOOPT);
		}
	} else if (level == IPPROTO_TCP) {
		switch (optname) {
		case TCP_NODELAY:
			v = so->nodelay;
			break;
		case TCP_MAXSEG:
			if (so->conn != NULL &&
			    ptg_conn_state(so->conn) >= PTG_TCPS_ESTABLISHED) {
				ptg_conn_info(so->conn, &info);
				v = (int)info.mss;
			} else {
				v = engine_mss(st);
			}
			break;
		default:
			return sock_leave(so, ENOPROTOOPT);
		}
	} else {
		return sock_leave(so, ENOPROTOOPT);
	}
	memcpy(optval, &v, sizeof(v));
	*optlen = sizeof(v);
	return sock_leave(so, 0);
}
