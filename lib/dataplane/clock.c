/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The clock: nanoseconds from the TSC, the one place portgate reads it.
 *
 * ptg_dataplane_clock_init() -> rte_get_tsc_hz()   (after rte_eal_init)
 * ptg_dataplane_clock_ns()   -> dp_clock_ns()      (inline for the loop)
 */
#include <errno.h>

#include <rte_cycles.h>

#include "dataplane_priv.h"

struct dp_clock dp_clock;

int
ptg_dataplane_clock_init(void)
{
	uint64_t hz = rte_get_tsc_hz();

	if (hz == 0)
		return -ENOTSUP;
	dp_clock.hz = hz;
	/* 1e9 << 32 fits in 64 bits; mult keeps 32 fractional bits. */
	dp_clock.mult = (UINT64_C(1000000000) << 32) / hz;
	dp_clock.base = rte_rdtsc();
	return 0;
}

uint64_t
ptg_dataplane_clock_ns(void)
{
	return dp_clock_ns();
}
