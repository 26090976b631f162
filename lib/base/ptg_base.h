/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate base: what every library below and above uses and none owns
 * alone. Invariant checks that run whenever NDEBUG is off, the one
 * way the control path formats an error into a caller's buffer, and the
 * token bucket that rate-limits log lines a peer can trigger.
 */
#ifndef PTG_BASE_H
#define PTG_BASE_H

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_debug.h>
#include <rte_log.h>

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

/**
 * A token bucket for log lines that a peer can trigger (a SYN flood must
 * not become a log flood): up to @c burst lines at once, then one per
 * @c interval_ns on average. Lines refused are counted in @c suppressed
 * and, when @c counter is set, in *counter too (an engine's stats). Not
 * thread-safe: one bucket per lcore-owned object. Time is passed in
 * (nanoseconds, any epoch, monotonic).
 *
 * The bucket also caches the level of the log type it guards, re-read
 * from rte_log at most every PTG_RATELIMIT_LEVEL_NS of that time, so that
 * a line that is not logged costs a compare on the data path, not a call
 * (a level changed at run time takes effect within that time; a clock
 * that goes back keeps the cached level until it catches up).
 */
struct ptg_ratelimit {
	uint64_t level_at_ns; /**< when to re-read the log level */
	int level;            /**< the type's level, and the global one */
	uint64_t interval_ns; /**< one token per interval */
	uint64_t last_ns;     /**< time the tokens were counted at */
	uint32_t burst;       /**< most tokens held */
	uint32_t tokens;
	uint64_t suppressed;  /**< lines refused, in all */
	uint64_t unreported;  /**< refused since the last line let through */
	uint64_t *counter;    /**< also counts refused lines (may be NULL) */
};

/** How long the log level cached in a bucket is trusted (100 ms). */
#define PTG_RATELIMIT_LEVEL_NS (100ull * 1000 * 1000)

/**
 * Set @p rl up: @p per_sec lines a second on average (at least 1), up to
 * @p burst (at least 1) at once; the bucket starts full. @p counter, if
 * not NULL, is incremented for every refused line.
 */
void ptg_ratelimit_init(struct ptg_ratelimit *rl, uint32_t per_sec,
			uint32_t burst, uint64_t *counter);

/**
 * Take a token for a line at @p now_ns.
 * @param missed if not NULL, receives the lines refused since the last one
 *               let through (to be reported with this one), and is reset.
 * @return 1 the line may go; 0 refused (counted).
 */
int ptg_ratelimit_allow(struct ptg_ratelimit *rl, uint64_t now_ns,
			uint64_t *missed);

/** Re-read the level of log type @p type into @p rl (see
 *  ptg_ratelimit_level()). */
void ptg_ratelimit_level_read(struct ptg_ratelimit *rl, int type,
			      uint64_t now_ns);

/** The level up to which @p type logs (the lower of its own and the
 *  global level), as cached in @p rl. */
static inline int
ptg_ratelimit_level(struct ptg_ratelimit *rl, int type, uint64_t now_ns)
{
	if (unlikely(now_ns >= rl->level_at_ns))
		ptg_ratelimit_level_read(rl, type, now_ns);
	return rl->level;
}

/**
 * For the data path: whether a line of @p level might be logged at
 * @p now_ns: the cached level allows it, or the cache is due to be
 * re-read. Two loads and two compares, no call; when true, a cold
 * function does the PTG_LOG_RL() that decides.
 */
static inline int
ptg_ratelimit_maybe(const struct ptg_ratelimit *rl, uint64_t now_ns,
		    int level)
{
	return now_ns >= rl->level_at_ns || level <= rl->level;
}

#pragma GCC visibility pop

/**
 * rte_log() a line of @p level on @p type through bucket @p rl at time
 * @p now: nothing is done (and nothing counted) when the log type is not
 * at @p level (as cached in @p rl, see ptg_ratelimit_level()); a line
 * refused by the bucket is counted; the first line
 * let through after refusals says how many were refused. @p fmt ends
 * without a newline.
 */
#define PTG_LOG_RL(rl, now, type, level, fmt, ...) do { \
		uint64_t missed_; \
		if (unlikely((int)RTE_LOG_ ## level <= \
			     ptg_ratelimit_level((rl), (type), (now))) && \
		    ptg_ratelimit_allow((rl), (now), &missed_)) { \
			if (missed_ != 0) \
				rte_log(RTE_LOG_ ## level, (type), \
					"(%" PRIu64 " lines suppressed by " \
					"the rate limit)\n", missed_); \
			rte_log(RTE_LOG_ ## level, (type), fmt "\n", \
				##__VA_ARGS__); \
		} \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif /* PTG_BASE_H */
