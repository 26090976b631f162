/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's callback contract (struct ptg_conn_ops, ptg_tcp.h): the
 * check every listen and active open makes, and the names of what the
 * contract reports (states, close reasons).
 *
 *   ptg_tcp_listen() / ptg_connect() / ptg_service_register()
 *     -> ptg_conn_ops_check()
 */
#include <errno.h>

#include <rte_common.h>

#include "tcp_priv.h"

static const char *const state_names[PTG_TCPS_NB] = {
	[PTG_TCPS_CLOSED] = "CLOSED",
	[PTG_TCPS_LISTEN] = "LISTEN",
	[PTG_TCPS_SYN_SENT] = "SYN-SENT",
	[PTG_TCPS_SYN_RECEIVED] = "SYN-RECEIVED",
	[PTG_TCPS_ESTABLISHED] = "ESTABLISHED",
	[PTG_TCPS_FIN_WAIT_1] = "FIN-WAIT-1",
	[PTG_TCPS_FIN_WAIT_2] = "FIN-WAIT-2",
	[PTG_TCPS_CLOSE_WAIT] = "CLOSE-WAIT",
	[PTG_TCPS_CLOSING] = "CLOSING",
	[PTG_TCPS_LAST_ACK] = "LAST-ACK",
	[PTG_TCPS_TIME_WAIT] = "TIME-WAIT",
};

const char *
ptg_close_reason_str(enum ptg_close_reason r)
{
	switch (r) {
	case PTG_CLOSE_NORMAL: return "normal";
	case PTG_CLOSE_RESET: return "reset";
	case PTG_CLOSE_TIMEOUT: return "timeout";
	case PTG_CLOSE_ABORT: return "abort";
	case PTG_CLOSE_REFUSED: return "refused";
	case PTG_CLOSE_SHUTDOWN: return "shutdown";
	case PTG_CLOSE_UNREACHABLE: return "unreachable";
	}
	return "unknown";
}

int
ptg_conn_ops_check(const struct ptg_conn_ops *ops)
{
	if (ops == NULL)
		return -EINVAL;
	if (ops->size != PTG_CONN_OPS_SIZE)
		return -EPROTO;
	return ops->on_close != NULL ? 0 : -EINVAL;
}

const char *
ptg_tcp_state_str(enum ptg_tcp_state s)
{
	return (unsigned int)s < PTG_TCPS_NB ? state_names[s] : "?";
}

