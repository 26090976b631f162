/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control as ops (FreeBSD cc/ style): the registry. One file
 * per algorithm: cc_newreno.c, cc_cubic.c.
 *
 *   tcp_input() new ACK -> cc->ack()      fast retransmit / RTO -> cc->ssthresh()
 *   full ACK ends recovery -> cc->post_recovery()   RTO -> cc->after_timeout()
 *
 * Recovery itself (RFC 6582 NewReno, RFC 6675 SACK) lives in tcp_input.c and
 * tcp_output.c; an algorithm only decides the window.
 */
#include <string.h>

#include "tcp_priv.h"

static const struct ptg_cc_ops *const cc_all[] = {
	&tcp_cc_newreno,
	&tcp_cc_cubic,
};

const struct ptg_cc_ops *
tcp_cc_find(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return &tcp_cc_newreno;
	for (unsigned int i = 0; i < RTE_DIM(cc_all); i++)
		if (cc_all[i]->size == PTG_CC_OPS_SIZE &&
		    strcmp(cc_all[i]->name, name) == 0)
			return cc_all[i];
	return NULL;
}
