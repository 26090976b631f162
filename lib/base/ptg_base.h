/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate base: what every library below and above uses and none owns
 * alone. Invariant checks that run whenever NDEBUG is off, and the one
 * way the control path formats an error into a caller's buffer.
 */
#ifndef PTG_BASE_H
#define PTG_BASE_H

#include <stdarg.h>
#include <stddef.h>

#include <rte_debug.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/**
 * Check an invariant: in any build without NDEBUG (debug and sanitizer
 * builds) a false @p x panics with the expression, file and line
 * (rte_panic() through RTE_VERIFY()). In release builds (NDEBUG) it
 * compiles to nothing and @p x is not evaluated.
 */
#ifndef NDEBUG
#define PTG_ASSERT(x) RTE_VERIFY(x)
#define PTG_ASSERTS_ON 1
#else
#define PTG_ASSERT(x) do { (void)sizeof(x); } while (0)
#define PTG_ASSERTS_ON 0
#endif

/**
 * Format an error message into @p err (@p errlen bytes, NUL-terminated,
 * truncated if need be; nothing is written when @p err is NULL or
 * @p errlen 0) and return @p rc, so that a control-path function can end
 * with `return ptg_errf(err, errlen, -EINVAL, "...", ...);`.
 */
int ptg_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * The same, prefixed with "SOURCE:LINE: " (or "SOURCE: " when @p line
 * is 0): messages about a file name the file and line they come from.
 */
int ptg_errf_at(char *err, size_t errlen, int rc, const char *source,
		unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/** ptg_errf_at() with a va_list, for wrappers. */
int ptg_verrf_at(char *err, size_t errlen, int rc, const char *source,
		 unsigned int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_BASE_H */
