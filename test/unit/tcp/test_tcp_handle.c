/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tcp/tcp_usr.c, the handle contract of ptg_tcp.h: a handle kept
 * past on_close is refused by every user call, even once its block
 * serves another connection; ptg_tcp_unlisten() from inside on_accept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

static void
tweak_tiny_table(struct ptg_tcp_config *cfg)
{
	cfg->max_conns = 8;
}

/* Open a connection from @sport and return its handle. */
static struct ptg_conn *
open_from(struct tt *t, uint16_t sport, uint32_t *iss)
{
	struct ptg_test_pkt p;

	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = 100,
					 .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, SYN | ACK);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = 101,
					 .ack = p.seq + 1, .flags = ACK });
	assert_non_null(t->rec.conn);
	if (iss != NULL)
		*iss = p.seq;
	return t->rec.conn;
}

/* A handle kept past on_close: refused at once (-ENOTCONN and friends),
 * and still refused when its block has gone to a new connection, which
 * the stale handle must not touch. */
static void
test_stale_handle(void **state)
{
	struct tt *t = tt_new(tweak_tiny_table);
	struct ptg_conn *stale, *c = NULL;
	struct ptg_conn_info ci;
	uint16_t sport = 41000;
	uint32_t iss;
	int tries;

	(void)state;
	stale = open_from(t, sport, NULL);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = 101,
					 .flags = RST });
	assert_int_equal(t->rec.closes, 1);
	/* Gone, block not reused yet. */
	assert_int_equal(ptg_send(stale, "x", 1), -ENOTCONN);
	assert_int_equal(ptg_close(stale), -ENOTCONN);
	assert_int_equal(ptg_conn_state(stale), PTG_TCPS_CLOSED);

	/* Connections come and go until one gets the stale handle's block
	 * (the pool is a ring of 8 blocks). */
	for (tries = 0; tries < 16; tries++) {
		c = open_from(t, (uint16_t)(++sport), &iss);
		if (((uintptr_t)c & 0xffffffffffffull) ==
		    ((uintptr_t)stale & 0xffffffffffffull))
			break;
		tt_rx(t, &(struct ptg_test_tcp){ .sport = sport, .seq = 101,
						 .flags = RST });
	}
	assert_true(tries < 16);
	assert_ptr_not_equal(c, stale);
	tt_skip(t);
	/* Every user call on the stale handle fails and leaves c alone. */
	assert_int_equal(ptg_send(stale, "x", 1), -ENOTCONN);
	assert_int_equal(ptg_shutdown(stale), -ENOTCONN);
	assert_int_equal(ptg_close(stale), -ENOTCONN);
	assert_int_equal(ptg_abort(stale), -ENOTCONN);
	assert_int_equal(ptg_conn_set_rcvbuf(stale, 4096), -ENOTCONN);
	ptg_recv_resume(stale);
	ptg_conn_set_ctx(stale, &tries);
	assert_null(ptg_conn_ctx(stale));
	assert_null(ptg_conn_service_ctx(stale));
	assert_null(ptg_conn_tcp(stale));
	assert_int_equal(ptg_conn_state(stale), PTG_TCPS_CLOSED);
	assert_int_equal(ptg_send_space(stale), 0);
	ptg_conn_info(stale, &ci);
	assert_int_equal(ci.state, PTG_TCPS_CLOSED);
	tt_none(t);
	assert_int_equal(ptg_conn_state(c), PTG_TCPS_ESTABLISHED);
	assert_null(ptg_conn_ctx(c));
	ptg_conn_info(c, &ci);
	assert_int_equal(ci.snd_nxt, iss + 1);
	/* The live handle works. */
	assert_int_equal(ptg_send(c, "y", 1), 1);
	assert_int_equal(ptg_abort(c), 0);
	tt_skip(t);
	tt_free(t);
}

/* A service that stops listening from inside on_accept. */
static int
unlisten_accept(struct ptg_conn *c)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	r->accepts++;
	r->conn = c;
	assert_int_equal(ptg_tcp_unlisten(ptg_conn_tcp(c), TT_PORT + 1), 0);
	/* So does a new listener from inside the callback. */
	assert_int_equal(ptg_tcp_listen(ptg_conn_tcp(c), TT_PORT + 2,
					 &tt_service, r, 0), 0);
	return 0;
}

static void
unlisten_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct tt_rec *r = ptg_conn_service_ctx(c);

	r->closes++;
	r->reason = reason;
}

static const struct ptg_conn_ops unlisten_service = {
	.size = PTG_CONN_OPS_SIZE,
	.on_accept = unlisten_accept,
	.on_close = unlisten_close,
};

/* ptg_tcp_unlisten() from inside on_accept while the hand-over still has
 * two more connections of that listener to go: they are reset, the one
 * being accepted stays, the listener is gone (a new SYN gets a RST), and
 * nothing reads the listener after it is freed (the sanitizer build
 * checks). */
static void
test_unlisten_in_on_accept(void **state)
{
	struct tt *t = *state;
	const uint16_t port = TT_PORT + 1;
	struct tt_rec rec = { 0 };
	struct ptg_test_pkt p;
	uint32_t iss[3];

	assert_int_equal(ptg_tcp_listen(t->tcp, port, &unlisten_service, &rec,
					0), 0);
	for (uint16_t i = 0; i < 3; i++) {
		tt_rx(t, &(struct ptg_test_tcp){ .sport = (uint16_t)(42000 + i),
			.dport = port, .seq = 100, .flags = SYN });
		tt_pop(t, &p);
		iss[i] = p.seq;
	}
	/* The three ACKs in one burst, then one poll hands them over. */
	for (uint16_t i = 0; i < 3; i++)
		ptg_test_env_rx(t->env, ptg_test_tcp_frame(t->env->mp, NULL,
			&(struct ptg_test_tcp){ .sport = (uint16_t)(42000 + i),
				.dport = port, .seq = 101, .ack = iss[i] + 1,
				.flags = ACK, .win = 65535 }));
	assert_int_equal(ptg_tcp_accept_queue_len(t->tcp, port), 3);
	ptg_test_env_poll(t->env);
	assert_int_equal(rec.accepts, 1);
	assert_int_equal(ptg_conn_state(rec.conn), PTG_TCPS_ESTABLISHED);
	/* The other two were reset (never accepted: no on_close). */
	for (int i = 0; i < 2; i++) {
		tt_pop(t, &p);
		assert_true(p.tcp_flags & RST);
	}
	tt_none(t);
	assert_int_equal(ptg_tcp_conn_count(t->tcp), 1);
	tt_rx(t, &(struct ptg_test_tcp){ .sport = 43000, .dport = port,
					 .seq = 5, .flags = SYN });
	tt_pop(t, &p);
	assert_int_equal(p.tcp_flags, RST | ACK);
	assert_int_equal(ptg_abort(rec.conn), 0);
	assert_int_equal(rec.closes, 1);
	tt_skip(t);
	assert_int_equal(ptg_tcp_unlisten(t->tcp, TT_PORT + 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_handle),
		cmocka_unit_test_setup_teardown(test_unlisten_in_on_accept,
						tt_setup, tt_teardown),
	};

	return cmocka_run_group_tests(tests, ptg_test_group_setup, NULL);
}
