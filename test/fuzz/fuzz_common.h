/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the libFuzzer targets of test/fuzz share: the EAL and one mbuf
 * pool for the whole process, leak checks between inputs (mbufs in use,
 * rte_malloc bytes and blocks), a cursor that reads the fuzz input as a
 * stream of fields, and a frame builder with checksums filled in.
 *
 *   LLVMFuzzerInitialize() -> fz_eal_init() -> rte_eal_init(--no-huge ...)
 *   LLVMFuzzerTestOneInput() -> fz_mark() ... fz_check_leaks()
 *
 * A failed check calls fz_fail(), which prints why and aborts: libFuzzer
 * reports it as a crash and keeps the input. The targets build with
 * ASan, UBSan and the PTG_ASSERT invariants on (see meson.build).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

/* The libFuzzer entry points. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- failures ------------------------------------------------------------ */

/* Print "fuzz: <target>: <why>" and abort (a crash for libFuzzer). */
void fz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* fz_fail() unless @x holds; FZ_CHECKF adds a message. */
#define FZ_CHECK(x) do { \
	if (!(x)) \
		fz_fail("%s:%d: check failed: %s", __FILE__, __LINE__, #x); \
} while (0)
#define FZ_CHECKF(x, fmt, ...) do { \
	if (!(x)) \
		fz_fail("%s:%d: check failed: %s: " fmt, __FILE__, __LINE__, \
			#x, __VA_ARGS__); \
} while (0)

/* ---- EAL, pool, leaks ------------------------------------------------------ */

/* Start the EAL once (no hugepages, no PCI, no shared files, one lcore,
 * telemetry off) and make the pool. Aborts on failure. */
void fz_eal_init(void);

/* The process's pool: FZ_POOL_MBUFS mbufs of 2 KB, no per-lcore cache,
 * so that in-use counts are exact. */
#define FZ_POOL_MBUFS 4095
struct rte_mempool *fz_pool(void);

/* What one input must give back: taken before it, compared after. */
struct fz_mark {
	unsigned int mbufs;      /* mbufs in use in fz_pool() */
	uint64_t heap_bytes;     /* rte_malloc bytes in use, every socket */
	uint64_t heap_blocks;    /* rte_malloc blocks in use */
	unsigned int memzones;   /* reserved memzones */
};
void fz_mark(struct fz_mark *m);
/* fz_fail() unless everything in @before is back to what it was. */
void fz_check_leaks(const struct fz_mark *before);

/* ---- reading the input ------------------------------------------------------ */

/* A cursor over the fuzz input. Past the end every read gives 0 (and
 * fz_left() 0), so a short input is a valid input that ends early. */
struct fz_in {
	const uint8_t *p;
	size_t n, off;
};

static inline void
fz_in_init(struct fz_in *in, const uint8_t *p, size_t n)
{
	in->p = p;
	in->n = n;
	in->off = 0;
}

static inline size_t
fz_left(const struct fz_in *in)
{
	return in->n - in->off;
}

static inline uint8_t
fz_u8(struct fz_in *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

static inline uint16_t
fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

static inline uint32_t
fz_u32(struct fz_in *in)
{
	uint32_t hi = fz_u16(in);

	return hi << 16 | fz_u16(in);
}

/* Up to @len bytes in place; *got receives how many there were. */
static inline const uint8_t *
fz_bytes(struct fz_in *in, size_t len, size_t *got)
{
	const uint8_t *p = in->p + in->off;

	if (len > fz_left(in))
		len = fz_left(in);
	in->off += len;
	*got = len;
	return p;
}

/* ---- frames ----------------------------------------------------------------- */

/* Frame bytes into an mbuf (a chain when longer than one); NULL when
 * the pool is empty. */
struct rte_mbuf *fz_frame(const void *bytes, uint32_t len);

/* One's-complement checksum of @len bytes, to be folded with others. */
uint32_t fz_sum(const void *p, size_t len, uint32_t sum);
uint16_t fz_fold(uint32_t sum);

/* Fill the IPv4 header checksum and the TCP (or ICMP) checksum of the
 * Ethernet frame @f of @len bytes, as far as its headers say; frames
 * that are not IPv4, or too short, are left alone. */
void fz_fix_cksums(uint8_t *f, uint32_t len);

/* Big-endian fields at any alignment. */
static inline void
fz_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
fz_put32(uint8_t *p, uint32_t v)
{
	fz_put16(p, (uint16_t)(v >> 16));
	fz_put16(p + 2, (uint16_t)v);
}

static inline uint16_t
fz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
fz_get32(const uint8_t *p)
{
	return (uint32_t)fz_get16(p) << 16 | fz_get16(p + 2);
}

/* Copy of frame @m into @buf (at most @cap bytes); returns its length. */
uint32_t fz_flatten(const struct rte_mbuf *m, uint8_t *buf, uint32_t cap);

#endif /* FUZZ_COMMON_H */
