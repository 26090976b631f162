/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate flow steering: which worker owns a TCP flow.
 *
 * A flow belongs to exactly one worker, decided by the Toeplitz hash of
 * its 4-tuple (the function a NIC computes for RSS, here rte_thash's
 * software version) and a redirection table (RETA) from the hash's low
 * bits to a worker. In run-to-completion mode the NIC computes the hash
 * and the port's RETA is programmed from this table, entry for entry; in
 * pipeline mode an I/O lcore computes the same hash in software. Either
 * way a worker can check that a segment it received is its own
 * (ptg_steer_owner()) and hand a stray one to its owner instead of
 * treating it as unknown, and an active open can pick a source port whose
 * return traffic hashes back to the opening worker.
 *
 * The key is symmetric: a 16-bit pattern repeated, so that a flow and its
 * reverse (addresses and ports swapped) hash alike and the owner of a
 * connection does not depend on the direction of the segment. A fresh
 * pattern is drawn at every start (ptg_steer_key_random()), not the
 * well-known 0x6d5a default. Note that any symmetric Toeplitz key makes
 * the hash a linear function of the XOR of the tuple's 16-bit words, so
 * a peer choosing its own addresses and ports can still make flows
 * collide; the key only hides which worker a given flow lands on.
 */
#ifndef PTG_STEER_H
#define PTG_STEER_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/** Toeplitz key length: 40 bytes, as most NICs take. */
#define PTG_STEER_KEY_LEN 40
/** Largest redirection table. */
#define PTG_STEER_RETA_MAX 512
/** Redirection table size when the device reports none. */
#define PTG_STEER_RETA_DEFAULT 128

/** A steering function: key, redirection table, workers. */
struct ptg_steer {
	uint8_t key[PTG_STEER_KEY_LEN];           /**< as given to the NIC */
	uint32_t key_be[PTG_STEER_KEY_LEN / 4];   /**< rte_convert_rss_key() */
	uint16_t reta_size;                       /**< power of two */
	uint16_t nb_workers;
	uint16_t reta[PTG_STEER_RETA_MAX];        /**< entry -> worker */
};

/**
 * Fill @p key with a symmetric Toeplitz key: a random 16-bit pattern
 * (neither all zeros, all ones, nor the well-known 0x6d5a) repeated.
 */
void ptg_steer_key_random(uint8_t key[PTG_STEER_KEY_LEN]);

/**
 * Whether @p key is symmetric (every 16-bit word the same), so that
 * ptg_steer_hash() gives a flow and its reverse the same value.
 */
int ptg_steer_key_symmetric(const uint8_t key[PTG_STEER_KEY_LEN]);

/**
 * Set @p s up: @p key, a RETA of @p reta_size entries (a power of two,
 * 1..PTG_STEER_RETA_MAX; 0: PTG_STEER_RETA_DEFAULT) spreading
 * @p nb_workers workers round-robin (entry i -> worker i % nb_workers).
 * @return 0; -EINVAL.
 */
int ptg_steer_init(struct ptg_steer *s, const uint8_t key[PTG_STEER_KEY_LEN],
		   uint16_t reta_size, uint16_t nb_workers);

/**
 * Toeplitz hash of an IPv4 TCP 4-tuple (addresses network order, ports
 * host order), over source address, destination address, source port,
 * destination port: the value a NIC computes for RSS with this key.
 */
uint32_t ptg_steer_hash(const struct ptg_steer *s, rte_be32_t saddr,
			rte_be32_t daddr, uint16_t sport, uint16_t dport);

/** The worker that owns hash value @p hash. */
static inline uint16_t
ptg_steer_worker(const struct ptg_steer *s, uint32_t hash)
{
	return s->reta[hash & (uint32_t)(s->reta_size - 1)];
}

/**
 * The worker that owns frame @p m (Ethernet, data at the Ethernet
 * header): for an unfragmented IPv4 TCP segment, its flow's owner. With
 * @p use_rx_hash and RTE_MBUF_F_RX_RSS_HASH set, the hash is taken from
 * m->hash.rss (a NIC's RSS with this key, or an I/O lcore's); otherwise it
 * is computed and stored there, with the flag set.
 * @return the worker, or -1 for anything else (ARP, ICMP, fragments,
 *         malformed frames): those belong to no flow.
 */
int ptg_steer_owner(const struct ptg_steer *s, struct rte_mbuf *m,
		    int use_rx_hash);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_STEER_H */
