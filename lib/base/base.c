/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error formatting for the control path, and the log rate limiter (see
 * ptg_base.h).
 *
 *   ptg_errf() / ptg_errf_at() -> ptg_verrf_at() -> vsnprintf()
 *   PTG_LOG_RL() -> ptg_ratelimit_allow() -> rte_log()
 */
#include <stdio.h>

#include <rte_common.h>

#include "ptg_base.h"

int
ptg_verrf_at(char *err, size_t errlen, int rc, const char *source,
	     unsigned int line, const char *fmt, va_list ap)
{
	int n = 0;

	if (err == NULL || errlen == 0)
		return rc;
	err[0] = '\0';
	if (source != NULL) {
		if (line > 0)
			n = snprintf(err, errlen, "%s:%u: ", source, line);
		else
			n = snprintf(err, errlen, "%s: ", source);
		if (n < 0 || (size_t)n >= errlen)
			return rc;
	}
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return rc;
}

int
ptg_errf_at(char *err, size_t errlen, int rc, const char *source,
	    unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = ptg_verrf_at(err, errlen, rc, source, line, fmt, ap);
	va_end(ap);
	return rc;
}

int
ptg_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = ptg_verrf_at(err, errlen, rc, NULL, 0, fmt, ap);
	va_end(ap);
	return rc;
}

void
ptg_ratelimit_init(struct ptg_ratelimit *rl, uint32_t per_sec,
		   uint32_t burst, uint64_t *counter)
{
	rl->level_at_ns = 0; /* read at the first line */
	rl->level = 0;
	rl->interval_ns = 1000000000ull / (per_sec ? per_sec : 1);
	rl->burst = burst ? burst : 1;
	rl->tokens = rl->burst;
	rl->last_ns = 0;
	rl->suppressed = 0;
	rl->unreported = 0;
	rl->counter = counter;
}

int
ptg_ratelimit_allow(struct ptg_ratelimit *rl, uint64_t now_ns,
		    uint64_t *missed)
{
	/* Refill with the whole intervals since last_ns; last_ns keeps the
	 * remainder, so a steady rate is not rounded down. A full bucket (at
	 * the start, too) counts from now; so does a clock that went back. */
	if (rl->tokens >= rl->burst || now_ns < rl->last_ns) {
		rl->last_ns = now_ns;
	} else {
		uint64_t n = (now_ns - rl->last_ns) / rl->interval_ns;

		if (n >= rl->burst - rl->tokens) {
			rl->tokens = rl->burst;
			rl->last_ns = now_ns;
		} else if (n > 0) {
			rl->tokens += (uint32_t)n;
			rl->last_ns += n * rl->interval_ns;
		}
	}
	if (rl->tokens == 0) {
		rl->suppressed++;
		rl->unreported++;
		if (rl->counter != NULL)
			(*rl->counter)++;
		if (missed != NULL)
			*missed = 0;
		return 0;
	}
	rl->tokens--;
	if (missed != NULL) {
		*missed = rl->unreported;
		rl->unreported = 0;
	}
	return 1;
}

void
ptg_ratelimit_level_read(struct ptg_ratelimit *rl, int type, uint64_t now_ns)
{
	int level = rte_log_get_level((uint32_t)type);
	int global = (int)rte_log_get_global_level();

	rl->level = level < 0 ? 0 : RTE_MIN(level, global);
	rl->level_at_ns = now_ns + PTG_RATELIMIT_LEVEL_NS;
}
