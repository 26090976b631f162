/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the fuzz targets share (see fuzz_common.h).
 *
 * LLVMFuzzerInitialize() -> fz_eal_init() -> rte_eal_init() -> fz_pool()
 * each input -> fz_mark() -> target -> fz_check_leaks() -> fz_fail()?
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "fuzz_common.h"

static struct rte_mempool *pool;

void
fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void
fz_eal_init(void)
{
	char prefix[64];
	char *argv[16];
	int argc = 0;
	cpu_set_t saved;

	if (pool != NULL)
		return;
	if (pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
		CPU_ZERO(&saved);
	/* One lcore on whatever CPU we run on; with -jobs or -fork several
	 * processes share the machine, each with its own prefix. */
	snprintf(prefix, sizeof(prefix), "--file-prefix=ptgfuzz%ld",
		 (long)getpid());
	argv[argc++] = (char *)"ptg_fuzz";
	argv[argc++] = (char *)"--lcores=0";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"128";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = prefix;
	argv[argc++] = (char *)"--log-level=*:error";
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0)
		fz_fail("rte_eal_init: %s", rte_strerror(rte_errno));
	if (CPU_COUNT(&saved) > 0)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	pool = rte_pktmbuf_pool_create("ptg_fuzz_mp", FZ_POOL_MBUFS, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		fz_fail("mbuf pool: %s", rte_strerror(rte_errno));
}

struct rte_mempool *
fz_pool(void)
{
	return pool;
}

static void
count_memzone(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(unsigned int *)arg)++;
}

void
fz_mark(struct fz_mark *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (pool == NULL)
		return;
	m->mbufs = rte_mempool_in_use_count(pool);
	for (i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;

		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
						&st) == 0) {
			m->heap_bytes += st.heap_allocsz_bytes;
			m->heap_blocks += st.alloc_count;
		}
	}
	rte_memzone_walk(count_memzone, &m->memzones);
}

void
fz_check_leaks(const struct fz_mark *before)
{
	struct fz_mark now;

	fz_mark(&now);
	if (now.mbufs != before->mbufs)
		fz_fail("mbuf leak: %u in use after the input, %u before",
			now.mbufs, before->mbufs);
	if (now.heap_blocks != before->heap_blocks ||
	    now.heap_bytes != before->heap_bytes)
		fz_fail("rte_malloc leak: %" PRIu64 " blocks / %" PRIu64
			" bytes after the input, %" PRIu64 " / %" PRIu64
			" before", now.heap_blocks, now.heap_bytes,
			before->heap_blocks, before->heap_bytes);
	if (now.memzones != before->memzones)
		fz_fail("memzone leak: %u after the input, %u before",
			now.memzones, before->memzones);
}

struct rte_mbuf *
fz_frame(const void *bytes, uint32_t len)
{
	const uint8_t *s = bytes;
	struct rte_mbuf *head, *last;

	head = rte_pktmbuf_alloc(pool);
	if (head == NULL)
		return NULL;
	last = head;
	while (len > 0) {
		uint16_t room = rte_pktmbuf_tailroom(last);
		uint16_t chunk;
		char *dst;

		if (room == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(pool);

			if (seg == NULL || rte_pktmbuf_chain(head, seg) < 0) {
				rte_pktmbuf_free(seg);
				rte_pktmbuf_free(head);
				return NULL;
			}
			last = seg;
			continue;
		}
		chunk = (uint16_t)RTE_MIN((uint32_t)room, len);
		dst = rte_pktmbuf_append(head, chunk);
		if (dst == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(dst, s, chunk);
		s += chunk;
		len -= chunk;
	}
	return head;
}

uint32_t
fz_sum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

uint16_t
fz_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
fz_fix_cksums(uint8_t *f, uint32_t len)
{
	uint8_t *ip = f + RTE_ETHER_HDR_LEN, *l4, ph[12];
	uint32_t hlen, tot, l4len, sum;
	uint16_t c;

	if (len < RTE_ETHER_HDR_LEN + 20 || fz_get16(f + 12) !=
	    RTE_ETHER_TYPE_IPV4 || (ip[0] >> 4) != 4)
		return;
	hlen = (ip[0] & 0x0f) * 4u;
	tot = fz_get16(ip + 2);
	if (hlen < 20 || RTE_ETHER_HDR_LEN + hlen > len)
		return;
	if (tot < hlen || RTE_ETHER_HDR_LEN + tot > len)
		tot = len - RTE_ETHER_HDR_LEN;
	/* Fragments other than the first carry no L4 header. */
	if ((fz_get16(ip + 6) & 0x1fff) == 0) {
		l4 = ip + hlen;
		l4len = tot - hlen;
		if (ip[9] == IPPROTO_TCP && l4len >= 20) {
			fz_put16(l4 + 16, 0);
			memcpy(ph, ip + 12, 8);
			ph[8] = 0;
			ph[9] = IPPROTO_TCP;
			fz_put16(ph + 10, (uint16_t)l4len);
			sum = fz_sum(ph, sizeof(ph), 0);
			c = fz_fold(fz_sum(l4, l4len, sum));
			fz_put16(l4 + 16, c);
		} else if (ip[9] == IPPROTO_ICMP && l4len >= 8) {
			fz_put16(l4 + 2, 0);
			c = fz_fold(fz_sum(l4, l4len, 0));
			fz_put16(l4 + 2, c);
		}
	}
	fz_put16(ip + 10, 0);
	fz_put16(ip + 10, fz_fold(fz_sum(ip, hlen, 0)));
}

uint32_t
fz_flatten(const struct rte_mbuf *m, uint8_t *buf, uint32_t cap)
{
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), cap);
	const void *p = rte_pktmbuf_read(m, 0, len, buf);

	if (p == NULL)
		return 0;
	if (p != buf)
		memcpy(buf, p, len);
	return len;
}
