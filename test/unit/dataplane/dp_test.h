/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dataplane test kit: real worker lcores on a port with no NIC behind it.
 *
 * The port is a ring-backed ethdev (rte_eth_from_rings(), the net_ring
 * driver): queue q reads the test's RX ring q and writes TX ring q, so the
 * test is the peer on the wire. The EAL runs three lcores on the CPUs we
 * may use (ptg_test_eal_init_lcores()): the main one and two workers.
 *
 *   dt_group_setup()  -> EAL (3 lcores) -> clock -> port of 2 queue pairs
 *   dt_setup()        -> config template in *state (1 worker, lcore 1)
 *   test body         -> dt_create() -> ptg_dataplane_create()
 *                     -> dt_start()  -> runner thread: ptg_dataplane_run()
 *                     -> dt_rx*() into RX ring q, dt_pop() from TX ring q
 *                     -> dt_stop()   -> ptg_dataplane_request_stop(), join
 *   dt_teardown()     -> (forced stop) -> ptg_dataplane_free() -> rings
 *                        drained -> mempool back at baseline, services
 *                        unbound
 *
 * Assertions run on the test's thread only: the runner thread and the
 * workers record, the test reads once a run is over (or through atomic
 * loads of counters while it runs).
 */
#ifndef DP_TEST_H
#define DP_TEST_H

#include <pthread.h>

#include "ptg_test.h"
#include "ptg_dataplane.h"
#include "ptg_service.h"
#include "dataplane_priv.h"

#define DT_MAX_WORKERS 2
#define DT_RING_SIZE 1024        /* RX and TX rings: 1023 frames each */
#define DT_PORT 7001             /* where tests bind the recording service */
#define DT_WAIT_NS PTG_TEST_S(3) /* how long to wait for a frame / a stop */

/* The ring-backed port of the program (dt_group_setup()). */
struct dt_port {
	uint16_t port_id;
	struct rte_ring *rx[DT_MAX_WORKERS]; /* the test enqueues */
	struct rte_ring *tx[DT_MAX_WORKERS]; /* the test dequeues */
};
extern struct dt_port dt_port;

/* One test's dataplane. */
struct dt {
	struct ptg_dataplane_config cfg; /* edit before dt_create() */
	unsigned int lcores[DT_MAX_WORKERS];
	struct ptg_dataplane *dp;
	char err[256];
	struct rte_mempool *mp;
	unsigned int mp_baseline;
	pthread_t runner;
	int started;
	int run_rc;              /* ptg_dataplane_run()'s */
	unsigned int run_done;   /* atomic */
	unsigned int ready_calls; /* atomic */
	unsigned int popped[DT_MAX_WORKERS]; /* frames dt_pop() took */
	unsigned int injected[DT_MAX_WORKERS]; /* frames dt_rx*() gave */
};

/* cmocka group setup/teardown (the port) and per-test fixture. */
int dt_group_setup(void **state);
int dt_group_teardown(void **state);
int dt_setup(void **state);
int dt_teardown(void **state);

/* ptg_dataplane_create() on t->cfg; asserts success. */
void dt_create(struct dt *t);
/* Run it on the runner thread; returns once ready was called. Pops the
 * gratuitous ARP worker 0 sends first (asserting what it is). */
void dt_start(struct dt *t);
/* Wait for ptg_dataplane_run() to return (asserts it did within
 * DT_WAIT_NS) and return its code. */
int dt_join(struct dt *t);
/* ptg_dataplane_request_stop() then dt_join(), asserting 0. */
void dt_stop(struct dt *t);

/* Worker @p i's context (dataplane_priv.h). */
struct dp_worker *dt_worker(const struct dt *t, unsigned int i);
/* Atomic reads of worker @p i's counters while it runs. */
uint64_t dt_load(const uint64_t *counter);
#define DT_WSTAT(t, i, name) dt_load(&dt_worker((t), (i))->stats.name)
#define DT_NSTAT(t, i, name) \
	dt_load(&ptg_net_stats(dt_worker((t), (i))->net)->name)
#define DT_TSTAT(t, i, name) \
	dt_load(&ptg_tcp_stats(dt_worker((t), (i))->tcp)->name)
/* Wait until @p cond holds (checked every 50 us), failing after
 * DT_WAIT_NS with @p what. */
#define DT_WAIT(cond, what) do { \
	uint64_t dt_end_ = dt_now() + DT_WAIT_NS; \
	while (!(cond)) { \
		if (dt_now() > dt_end_) \
			fail_msg("timed out waiting for %s", (what)); \
		dt_nap(); \
	} \
} while (0)
uint64_t dt_now(void);
void dt_nap(void);

/* Give frames to RX queue @p q (all at once: one ring enqueue). */
void dt_rx(struct dt *t, unsigned int q, struct rte_mbuf *m);
void dt_rx_bulk(struct dt *t, unsigned int q, struct rte_mbuf **pkts,
		unsigned int n);
/* Take the next frame of TX queue @p q, waiting up to DT_WAIT_NS; asserts
 * it decodes with good checksums. */
void dt_pop(struct dt *t, unsigned int q, struct ptg_test_pkt *p);
/* Frames waiting in TX queue @p q. */
unsigned int dt_pending(unsigned int q);
/* A frame the stack drops at once (an unknown EtherType). */
struct rte_mbuf *dt_junk(void);
/* Teach every worker the peer's MAC: an ARP reply into queue @p q (the
 * worker copies it to the others); waits until each learned it. */
void dt_arp_seed(struct dt *t, unsigned int q);

/* A peer's side of a TCP connection through queue q. */
struct dt_conn {
	unsigned int q;
	uint16_t sport, dport;
	uint32_t snd; /* the peer's next sequence number */
	uint32_t rcv; /* the next one expected from portgate */
};
/* A client port near @p sport whose flow to @p dport worker @p q owns. */
uint16_t dt_sport_for(const struct dt *t, unsigned int q, uint16_t sport,
		      uint16_t dport);
/* SYN carrying MSS 1460 from sport with ISN isn; no wait. */
void dt_syn(struct dt *t, struct dt_conn *c, uint32_t isn);
/* Handshake from a client port near @p sport that steers to c->q's
 * worker (dt_sport_for()): SYN, expect SYN-ACK, ACK; returns once the
 * worker of c->q handed the connection to its service (its accepted
 * counter). */
void dt_open(struct dt *t, struct dt_conn *c, uint16_t sport, uint32_t isn);
/* A segment from the peer with @p flags and @p len bytes of @p data. */
void dt_send(struct dt *t, struct dt_conn *c, uint8_t flags,
	     const void *data, uint32_t len);
/* Pop the next frame of c->q: asserts the exact flags, seq, ack and
 * payload, ports and addresses; advances c->rcv. */
void dt_expect(struct dt *t, struct dt_conn *c, uint8_t flags,
	       const void *data, uint32_t len);
/* With dt_echo on c's port: @p data echoed, then the peer closes (FIN,
 * the service's FIN,ACK, last ACK); returns once the worker counted the
 * connection closed. */
void dt_echo_close(struct dt *t, struct dt_conn *c, const char *data);

/* The recording echo service "dt_echo": one struct dt_svc per instance,
 * echoes what arrives, ptg_close() after the peer's FIN; its poll hook
 * records the calls and aborts the last connection when asked. */
struct dt_svc {
	unsigned int id;             /* creation order since dt_setup() */
	char args[32];               /* ARGS, "" when none */
	unsigned int lcore;          /* lcore of its first accept */
	uint64_t accepts, bytes, fins, closes;
	uint64_t reasons[PTG_CLOSE_SHUTDOWN + 1];
	/* its poll hook (atomics: the worker writes, the test reads) */
	uint64_t polls, poll_now;    /* calls, the clock of the last one */
	unsigned int poll_lcore;     /* lcore of the last call */
	unsigned int poll_bad_order; /* a clock older than the one before */
	struct ptg_conn *last;       /* last accepted, NULL once closed */
	unsigned int abort_in_poll;  /* set: the next poll aborts last */
	unsigned int sleep_in_poll_ms; /* set: the next poll sleeps so long */
};
#define DT_SVC_MAX 8
extern const struct ptg_service_ops dt_echo;
/* Instances by id; NULL once finished. */
extern struct dt_svc *dt_svcs[DT_SVC_MAX];
/* Calls to init (all), instances made, instances finished. */
extern unsigned int dt_svc_init_calls, dt_svc_inits, dt_svc_finis;
/* Make init call number dt_svc_fail_at (1-based; 0: none) return
 * dt_svc_fail_rc. ARGS "bad" always make init return -EINVAL. */
extern unsigned int dt_svc_fail_at;
extern int dt_svc_fail_rc;

/* Flags, as in the tcp kit. */
#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG

#endif /* DP_TEST_H */
