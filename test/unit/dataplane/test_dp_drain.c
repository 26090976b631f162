/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX in lib/dataplane/worker.c: what the stack batched leaves when RX comes
 * back empty or on the tx_drain_ns deadline, full bursts leave by
 * themselves, dp_worker_tx() retries a full queue then frees what it could
 * not send; the idle backoff.
 *
 * The frames are SYNs to a port nobody listens on: each gets exactly one
 * RST,ACK and leaves no state behind. A batch goes into the RX ring with
 * one enqueue, so the worker reads it in bursts of 32 whatever the timing.
 */
#include <string.h>

#include "dp_test.h"

#define CLOSED_PORT 9

/* SYN from @p sport to CLOSED_PORT with ISN @p sport * 1000. */
static struct rte_mbuf *
syn_to_closed(struct dt *t, uint16_t sport)
{
	struct ptg_test_tcp seg = {
		.sport = sport,
		.dport = CLOSED_PORT,
		.seq = (uint32_t)sport * 1000,
		.flags = RTE_TCP_SYN_FLAG,
		.win = 65535,
	};

	return ptg_test_tcp_frame(t->mp, NULL, &seg);
}

/* Pop the RST,ACK answering syn_to_closed(@p sport) (RFC 9293 3.10.7.1:
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>). */
static void
expect_rst(struct dt *t, unsigned int q, uint16_t sport)
{
	struct ptg_test_pkt p;

	dt_pop(t, q, &p);
	assert_int_equal(p.ip_proto, IPPROTO_TCP);
	assert_int_equal(p.ip_dst, PTG_TEST_IP_PEER);
	assert_int_equal(p.sport, CLOSED_PORT);
	assert_int_equal(p.dport, sport);
	assert_int_equal(p.tcp_flags, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(p.seq, 0);
	assert_int_equal(p.ack, (uint32_t)sport * 1000 + 1);
}

/* SYN, 100 frames dropped on arrival, SYN: 102 frames, 4 bursts; the
 * first SYN's answer is in the stack's batch while three more bursts are
 * read. */
static void
syn_junk_syn(struct dt *t)
{
	struct rte_mbuf *pkts[102];
	unsigned int i;

	pkts[0] = syn_to_closed(t, 41000);
	for (i = 1; i < 101; i++)
		pkts[i] = dt_junk();
	pkts[101] = syn_to_closed(t, 41001);
	dt_rx_bulk(t, 0, pkts, RTE_DIM(pkts));
}

static void
assert_loop_counts(const struct ptg_dataplane_totals *tot)
{
	/* Each loop either read frames or counted an idle poll. */
	assert_int_equal(tot->worker.loops,
			 tot->worker.rx_bursts + tot->worker.idle_polls);
}

/* No deadline can pass (60 s): both answers leave together, in one call,
 * when RX comes back empty. */
static void
test_drain_when_rx_idle(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;

	t->cfg.tx_drain_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	syn_junk_syn(t);
	expect_rst(t, 0, 41000);
	expect_rst(t, 0, 41001);
	dt_stop(t);
	assert_int_equal(dt_pending(0), 0);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.tx_calls, 1 + 1);
	assert_int_equal(tot.worker.tx_pkts, 1 + 2);
	assert_int_equal(tot.worker.rx_pkts, 1 + 102);
	assert_int_equal(tot.worker.rx_bursts, 1 + 4);
	assert_int_equal(tot.net.drop_ethertype, 100);
	assert_int_equal(tot.tcp.rst_no_listener, 2);
	assert_loop_counts(&tot);
}

/* A deadline of 1 ns has passed at every loop: each answer leaves in the
 * loop that read its SYN, RX busy or not. */
static void
test_drain_on_deadline(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;

	t->cfg.tx_drain_ns = 1;
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	syn_junk_syn(t);
	expect_rst(t, 0, 41000);
	expect_rst(t, 0, 41001);
	dt_stop(t);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.tx_calls, 1 + 2);
	assert_int_equal(tot.worker.tx_pkts, 1 + 2);
	assert_int_equal(tot.worker.rx_bursts, 1 + 4);
	assert_loop_counts(&tot);
}

/* 40 answers with no deadline: the first 32 leave as soon as the batch is
 * full, the last 8 when RX is idle; in order. */
static void
test_drain_full_burst(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;
	struct rte_mbuf *pkts[40];
	unsigned int i;

	t->cfg.tx_drain_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	for (i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = syn_to_closed(t, (uint16_t)(42000 + i));
	dt_rx_bulk(t, 0, pkts, RTE_DIM(pkts));
	for (i = 0; i < RTE_DIM(pkts); i++)
		expect_rst(t, 0, (uint16_t)(42000 + i));
	dt_stop(t);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.tx_calls, 1 + 2);
	assert_int_equal(tot.worker.tx_pkts, 1 + 40);
	assert_int_equal(tot.worker.tx_retries, 0);
	assert_int_equal(tot.net.tx_frames, 1 + 40);
	assert_int_equal(tot.port.opackets, 1 + 40);
	assert_int_equal(tot.port.ipackets, 1 + 40);
}

/* The TX queue has room for 5 of 8 frames: two more tries, then the 3
 * left are freed and counted once, by the net layer. */
static void
test_drain_tx_queue_full(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;
	struct rte_mbuf *pkts[8], *filler[DT_RING_SIZE];
	struct ptg_test_pkt p;
	unsigned int i, nb_fill;

	t->cfg.tx_drain_ns = PTG_TEST_S(60);
	dt_create(t);
	dt_start(t);
	dt_arp_seed(t, 0);
	/* The worker sends nothing until it reads the SYNs: until then the
	 * test may put frames into its TX ring. */
	nb_fill = rte_ring_free_count(dt_port.tx[0]) - 5;
	for (i = 0; i < nb_fill; i++)
		filler[i] = dt_junk();
	assert_int_equal(rte_ring_sp_enqueue_bulk(dt_port.tx[0],
			(void **)filler, nb_fill, NULL), nb_fill);
	for (i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = syn_to_closed(t, (uint16_t)(43000 + i));
	dt_rx_bulk(t, 0, pkts, RTE_DIM(pkts));
	DT_WAIT(DT_NSTAT(t, 0, drop_tx_full) == 3, "3 frames refused");
	dt_stop(t);

	for (i = 0; i < nb_fill; i++) {
		dt_pop(t, 0, &p);
		assert_int_equal(p.ether_type, 0x88b5);
	}
	for (i = 0; i < 5; i++)
		expect_rst(t, 0, (uint16_t)(43000 + i));
	assert_int_equal(dt_pending(0), 0);

	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.tx_calls, 1 + 1);
	assert_int_equal(tot.worker.tx_pkts, 1 + 5);
	assert_int_equal(tot.worker.tx_retries, 2);
	assert_int_equal(tot.worker.drop_tx_full, 0);
	assert_int_equal(tot.net.tx_frames, 1 + 5);
	assert_int_equal(tot.net.drop_tx_full, 3);
	assert_int_equal(tot.tcp.conn_reset_tx, 8);
	assert_int_equal(tot.port.opackets, 1 + 5);
	/* Counted once (the worker's own drop_tx_full stays 0), plus what
	 * the driver may report as oerrors. */
	assert_int_equal(ptg_dataplane_totals_drops(&tot),
			 3 + tot.port.oerrors);
}

/* After idle_polls empty polls in a row, every further one naps. With no
 * RX at all, one streak: sleeps = polls - (idle_polls - 1). */
static void
test_idle_backoff(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;

	t->cfg.idle_sleep_us = 10;
	t->cfg.idle_polls = 4;
	dt_create(t);
	dt_start(t);
	DT_WAIT(DT_WSTAT(t, 0, idle_sleeps) >= 3, "the worker to nap");
	dt_stop(t);
	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.rx_bursts, 0);
	assert_int_equal(tot.worker.idle_sleeps, tot.worker.idle_polls - 3);
	assert_int_equal(tot.worker.loops, tot.worker.idle_polls);
}

/* idle_sleep_us 0: never nap. */
static void
test_idle_no_sleep(void **state)
{
	struct dt *t = *state;
	struct ptg_dataplane_totals tot;

	t->cfg.idle_sleep_us = 0;
	t->cfg.idle_polls = 1;
	dt_create(t);
	dt_start(t);
	DT_WAIT(DT_WSTAT(t, 0, idle_polls) >= 100, "idle polls");
	dt_stop(t);
	ptg_dataplane_totals(t->dp, &tot);
	assert_int_equal(tot.worker.idle_sleeps, 0);
	assert_true(tot.worker.idle_polls >= 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_drain_when_rx_idle,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_drain_on_deadline,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_drain_full_burst,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_drain_tx_queue_full,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_idle_backoff,
						dt_setup, dt_teardown),
		cmocka_unit_test_setup_teardown(test_idle_no_sleep,
						dt_setup, dt_teardown),
	};

	return cmocka_run_group_tests(tests, dt_group_setup,
				      dt_group_teardown);
}
