/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error formatting for the control path (see ptg_base.h).
 *
 *   ptg_errf() / ptg_errf_at() -> ptg_verrf_at() -> vsnprintf()
 */
#include <stdio.h>

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
