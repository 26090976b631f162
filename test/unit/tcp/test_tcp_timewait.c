/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_timewait.c: TIME-WAIT as a compact record instead of a
 * control block, its cap and recycling, the FIN it must acknowledge
 * (RFC 9293 3.10.7.4), reuse by a newer SYN (RFC 6191); and the
 * immediate duplicate ACK of a bare out-of-order FIN (RFC 5681 4.2).
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"
#include "tcp_priv.h"

/* Close actively from a connection on peer port @sport: FIN, the peer's
 * ACK and FIN; TIME-WAIT follows. Returns our ISS. */
static uint32_t
close_into_time_wait(struct tt *t, uint16_t sport, uint32_t isn,
		     const struct ptg_test_tcp_opts *o)
{
	struct ptg_test_tcp_opts def = { .has_mss = 1, .mss = 1460 };
	struct ptg_test_pkt p;
	uint32_t iss;

	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .seq = isn,
					     .flags = SYN }, o ? o : &def);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	iss = p.seq;
	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .seq = isn + 1,
		.ack = iss + 1, .flags = ACK },
		&(struct ptg_test_tcp_opts){ .has_ts = o && o->has_ts,
			.tsval = o ? o->tsval + 1 : 0, .tsecr = p.opts.tsval });
	assert_non_null(t->rec.conn);
	assert_int_equal(ptg_shutdown(t->rec.conn), 0);
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, FIN | ACK);
	tt_rx_opts(t, (struct ptg_test_tcp){ .sport = sport, .seq = isn + 1,
		.ack = iss + 2, .flags = FIN | ACK },
		&(struct ptg_test_tcp_opts){ .has_ts = o && o->has_ts,
			.tsval = o ? o->tsval + 2 : 0, .tsecr = p.opts.tsval });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.ack, isn + 2);
	return iss;
}

/* TIME-WAIT keeps no control block: the 576 bytes go back to the pool
 * at once, the tuple lives on as a record (counted as a connection). */
static void
test_record_not_block(void **state)
{
	struct tt *t = *state;

	close_into_time_wait(t, TT_PEER_PORT, 100, NULL);
	assert_int_equal(t->rec.closes, 1);
	assert_int_equal(rte_mempool_in_use_count(t->tcp->conn_pool), 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	assert_int_equal(ptg_tcp_timewait_count(t->tcp), 1);
	tt_advance(t, PTG_TEST_S(61));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(TT_STAT(t, timewait_expired), 1);
}

static void
tweak_small_table(struct ptg_tcp_config *cfg)
{
	cfg->max_conns = 8;
}

/* TIME-WAIT cannot fill the table: with room for 8 connections, 8 in
 * TIME-WAIT still leave room for 8 new ones. */
static void
test_cannot_fill_table(void **state)
{
	struct tt *t = tt_new(tweak_small_table);
	struct ptg_test_pkt p;

	(void)state;
	for (uint16_t i = 0; i < 8; i++)
		close_into_time_wait(t, (uint16_t)(41000 + i), 100, NULL);
	assert_int_equal(ptg_tcp_timewait_count(t->tcp), 8);
	for (uint16_t i = 0; i < 8; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = (uint16_t)(42000 + i),
						 .seq = 7, .flags = SYN });
		tt_pop(t, &p);
		assert_int_equal(p.tcp_flags, SYN | ACK);
	}
	assert_int_equal(TT_STAT(t, drop_table_full), 0);
	assert_int_equal(TT_STAT(t, syncookies_sent), 0);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 16);
	ptg_tcp_unlisten(t->tcp, TT_PORT);       /* the SYN queue goes */
	tt_advance(t, PTG_TEST_S(61));
	tt_skip(t);
	tt_free(t);
}

static void
tweak_tw_cap(struct ptg_tcp_config *cfg)
{
	cfg->time_wait_max = 4;
}

/* At time_wait_max records the oldest is recycled: counted, its tuple
 * forgotten (a stray ACK for it meets the listener's RST), the newer
 * ones kept (a stray ACK is absorbed). */
static void
test_cap_recycles_oldest(void **state)
{
	struct tt *t = tt_new(tweak_tw_cap);
	struct ptg_test_pkt p;
	uint32_t iss[6];

	(void)state;
	for (uint16_t i = 0; i < 6; i++) {
		iss[i] = close_into_time_wait(t, (uint16_t)(41000 + i), 100,
					      NULL);
		tt_advance(t, PTG_TEST_MS(10));
	}
	assert_int_equal(ptg_tcp_timewait_count(t->tcp), 4);
	assert_int_equal(TT_STAT(t, timewait_recycled), 2);
	/* 41000 and 41001 were the oldest. */
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 41000, .seq = 102,
					 .ack = iss[0] + 2, .flags = ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 41002, .seq = 102,
					 .ack = iss[2] + 2, .flags = ACK });
	tt_none(t);
	tt_advance(t, PTG_TEST_S(61));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	assert_int_equal(TT_STAT(t, timewait_expired), 4);
	tt_free(t);
}

/* RFC 9293 3.10.7.4: a FIN in TIME-WAIT, a retransmission (below
 * RCV.NXT) or one at RCV.NXT, is acknowledged (with the timestamps the
 * connection had) and restarts the 2*MSL timeout. */
static void
test_fin_acked_and_restarts(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460, .has_ts = 1,
				       .tsval = 1000 };
	uint32_t iss = close_into_time_wait(t, TT_PEER_PORT, 100, &o);
	struct ptg_test_pkt p;

	/* The FIN again (SEQ = RCV.NXT - 1), 10 s later. */
	tt_advance(t, PTG_TEST_S(10));
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 101, .ack = iss + 2,
		.flags = FIN | ACK },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 1003 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.seq, iss + 2);
	assert_int_equal(p.ack, 102);
	assert_true(p.opts.has_ts);
	/* Below the window: TS.Recent stays (RFC 7323 4.3 updates it
	 * only from acceptable segments). */
	assert_int_equal(p.opts.tsecr, 1002);
	/* A FIN at RCV.NXT, 30 s later: ACKed, and 2*MSL starts over. */
	tt_advance(t, PTG_TEST_S(30));
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 102, .ack = iss + 2,
		.flags = FIN | ACK },
		&(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 1004 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.ack, 102);
	assert_int_equal(p.opts.tsecr, 1004);
	assert_int_equal(TT_STAT(t, timewait_fin_acked), 2);
	tt_advance(t, PTG_TEST_S(59));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	tt_advance(t, PTG_TEST_S(2));
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
	tt_none(t);
}

/* A TIME-WAIT record answers segments without data that are out of its
 * window at most once per 500 ms, too. */
static void
test_oow_ack_rate_limit(void **state)
{
	struct tt *t = *state;
	uint32_t iss = close_into_time_wait(t, TT_PEER_PORT, 100, NULL);

	for (int i = 0; i < 5; i++)
		tt_rx(t, &(struct ptg_test_tcp){ .seq = 102 + 1000000,
						 .ack = iss + 2, .flags = ACK });
	assert_int_equal(tt_pending(t), 1);
	assert_int_equal(TT_STAT(t, oow_ack_limited), 4);
	tt_skip(t);
	tt_advance(t, PTG_TEST_MS(520));
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 102 + 1000000, .ack = iss + 2,
					 .flags = ACK });
	assert_int_equal(tt_pending(t), 1);
	tt_skip(t);
	tt_advance(t, PTG_TEST_S(61));
}

/* RFC 6191 with timestamps through a record: a SYN with an old timestamp
 * fails PAWS and gets an ACK, a newer one a new connection whose ISS lies
 * above the old one's sequence space. */
static void
test_reuse_from_record(void **state)
{
	struct tt *t = *state;
	struct ptg_test_tcp_opts o = { .has_mss = 1, .mss = 1460, .has_ts = 1,
				       .tsval = 1000 };
	uint32_t iss = close_into_time_wait(t, TT_PEER_PORT, 100, &o);
	struct ptg_test_pkt p;

	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 5000, .flags = SYN },
		   &(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 900 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.ack, 102);
	assert_int_equal(TT_STAT(t, drop_paws), 1); /* RFC 7323 5.3 R1 first */
	tt_rx_opts(t, (struct ptg_test_tcp){ .seq = 5000, .flags = SYN },
		   &(struct ptg_test_tcp_opts){ .has_ts = 1, .tsval = 2000,
						 .has_mss = 1, .mss = 1460 });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	assert_true((int32_t)(p.seq - (iss + 2 + 65535)) > 0);
	assert_int_equal(TT_STAT(t, timewait_reuse), 1);
	assert_int_equal(ptg_tcp_timewait_count(t->tcp), 0);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 5001, .ack = p.seq + 1,
					 .flags = RST });
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 0);
}

/* RFC 5681 4.2: a bare FIN above RCV.NXT (a hole before it) is an
 * out-of-order segment: an immediate duplicate ACK; the FIN counts once
 * the hole fills. */
static void
test_bare_ooo_fin_dup_ack(void **state)
{
	struct tt *t = *state;
	uint32_t iss = tt_open(t, 100, NULL);
	struct ptg_test_pkt p;

	tt_rx(t, &(struct ptg_test_tcp){ .seq = 111, .ack = iss + 1,
					 .flags = FIN | ACK });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, ACK);
	assert_int_equal(p.ack, 101);
	assert_int_equal(t->rec.fins, 0);
	tt_rx(t, &(struct ptg_test_tcp){ .seq = 101, .ack = iss + 1,
					 .flags = ACK, .len = 10 });
	tt_pop(t, &p);
	assert_int_equal(p.ack, 112);
	assert_int_equal(t->rec.fins, 1);
	assert_int_equal(t->rec.rx_len, 10);
	ptg_abort(t->rec.conn);
	tt_skip(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_not_block,
						tt_setup, tt_teardown),
		cmocka_unit_test(test_cannot_fill_table),
		cmocka_unit_test(test_cap_recycles_oldest),
		cmocka_unit_test_setup_teardown(test_fin_acked_and_restarts,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_reuse_from_record,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_oow_ack_rate_limit,
						tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_bare_ooo_fin_dup_ack,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
