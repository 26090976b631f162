/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live capture: DPDK's packet-capture framework (lib pdump), so that
 * dpdk-dumpcap and dpdk-pdump, run as secondary processes with the same
 * --file-prefix, capture what the port receives and sends while portgate
 * runs.
 *
 * ptg_dataplane_capture_init() -> rte_pdump_init()   the request handler
 * (a capture starts) -> the pdump server adds RX/TX callbacks to the
 *                       port's queues; they copy each frame to the
 *                       capturing process's ring
 * (it stops)         -> the callbacks are removed
 * ptg_dataplane_capture_fini() -> rte_pdump_uninit()
 *
 * Nothing is on the data path until somebody captures: no callback is
 * installed, and rte_eth_rx_burst()/rte_eth_tx_burst() only test an empty
 * callback list. While a capture runs, every frame of the captured queues
 * is copied by the lcore that polls the queue (the workers in rtc mode,
 * the I/O lcore in pipeline mode).
 */
#include <errno.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "dataplane_priv.h"

static int capture_on;

int
ptg_dataplane_capture_init(void)
{
	if (capture_on)
		return 0;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -ENOTSUP;
	if (rte_pdump_init() != 0)
		return -(rte_errno ? rte_errno : EINVAL);
	capture_on = 1;
	return 0;
}

void
ptg_dataplane_capture_fini(void)
{
	if (!capture_on)
		return;
	rte_pdump_uninit();
	capture_on = 0;
}
