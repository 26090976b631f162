/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What portgate-gen prints: one live line per second while it runs
 * (testpmd-style rates), the summary at the end, and --json FILE.
 *
 *   gen_main_tick() -> gen_report_live() -> gen_counters_sum()
 *   main() -> gen_report_final() -> merge histograms -> print -> json
 *             (counters, latency, steering hand-off, per worker, stacks)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define GEN_NS_PER_S 1e9

void
gen_counters_sum(const struct gen *g, struct gen_counters *sum)
{
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < g->nb_workers; i++) {
		const volatile struct gen_counters *c = &g->w[i]->cnt;

		sum->conn_opened += c->conn_opened;
		sum->conn_established += c->conn_established;
		sum->conn_done += c->conn_done;
		sum->requests += c->requests;
		sum->tx_bytes += c->tx_bytes;
		sum->rx_bytes += c->rx_bytes;
		sum->active += c->active;
		sum->held += c->held;
		sum->syn_sent += c->syn_sent;
		sum->synack_rx += c->synack_rx;
		sum->rst_rx += c->rst_rx;
		for (k = 0; k < GEN_ERR_NB; k++)
			sum->errors[k] += c->errors[k];
	}
}

/* The hand-off between workers, one worker's or all of them. */
struct steer_sum {
	uint64_t handed;        /* strays given to their owner's ring */
	uint64_t received;      /* taken from our ring */
	uint64_t ring_full;     /* not handed: the owner's ring was full */
	uint64_t unread;        /* left in a ring when the run ended */
	uint64_t arp_shared, arp_received;
};

static void
steer_add(struct steer_sum *s, const struct ptg_dataplane_stats *st)
{
	s->handed += st->steer_out + st->drop_steer_ring_full;
	s->received += st->steer_in;
	s->ring_full += st->drop_steer_ring_full;
	s->unread += st->drop_steer_unread;
	s->arp_shared += st->arp_fwd_tx;
	s->arp_received += st->arp_fwd_rx;
}

static void
steer_sum(const struct gen *g, struct steer_sum *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < g->nb_workers; i++)
		steer_add(s, &g->w[i]->ho_stats);
}

/* " refused 3 reset 1" for the kinds that are not zero. */
static void
format_errors(const struct gen_counters *c, char *buf, size_t len,
	      const char *sep)
{
	size_t off = 0;
	unsigned int k;

	buf[0] = '\0';
	for (k = 0; k < GEN_ERR_NB && off < len; k++)
		if (c->errors[k] != 0)
			off += snprintf(buf + off, len - off, " %s%s%" PRIu64,
					gen_error_names[k], sep,
					c->errors[k]);
}

static double
per_s(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * GEN_NS_PER_S / (double)ns : 0.0;
}

void
gen_report_live(struct gen *g, uint64_t now)
{
	struct gen_counters c;
	uint64_t dt = now - g->last_print_ns;
	const struct gen_counters *l = &g->last;
	char errs[256];
	unsigned int t;

	gen_counters_sum(g, &c);
	if (c.active > g->peak_active)
		g->peak_active = c.active;
	t = (unsigned int)((now - g->start_ns + 500000000ull) / 1000000000ull);
	format_errors(&c, errs, sizeof(errs), " ");
	if (g->o->mode == GEN_MODE_SYNFLOOD) {
		printf("portgate-gen: %3us syn/s %.0f syn-ack/s %.0f rst/s %.0f "
		       "errors %" PRIu64 "%s\n", t,
		       per_s(c.syn_sent - l->syn_sent, dt),
		       per_s(c.synack_rx - l->synack_rx, dt),
		       per_s(c.rst_rx - l->rst_rx, dt), gen_errors_total(&c),
		       errs);
	} else {
		char held[40] = "";

		if (g->o->mode == GEN_MODE_HOLD)
			snprintf(held, sizeof(held), " held %" PRIu64, c.held);
		printf("portgate-gen: %3us conn/s %.0f req/s %.0f Gbps tx %.3f "
		       "rx %.3f active %" PRIu64 "%s errors %" PRIu64 "%s\n",
		       t, per_s(g->o->mode == GEN_MODE_CPS ?
				c.conn_done - l->conn_done :
				c.conn_established - l->conn_established, dt),
		       per_s(c.requests - l->requests, dt),
		       per_s(c.tx_bytes - l->tx_bytes, dt) * 8 / 1e9,
		       per_s(c.rx_bytes - l->rx_bytes, dt) * 8 / 1e9,
		       c.active, held, gen_errors_total(&c), errs);
	}
	fflush(stdout);
	g->last = c;
	g->last_print_ns = now;
}

static void
json_hist(FILE *f, const struct gen_hist *h)
{
	fprintf(f, "{\"count\": %" PRIu64 ", \"min\": %.3f, \"mean\": %.3f, "
		"\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
		"\"p99_9\": %.3f, \"max\": %.3f}", h->count,
		h->count ? h->min / 1e3 : 0.0, gen_hist_mean(h) / 1e3,
		gen_hist_percentile(h, 50) / 1e3,
		gen_hist_percentile(h, 90) / 1e3,
		gen_hist_percentile(h, 99) / 1e3,
		gen_hist_percentile(h, 99.9) / 1e3, h->max / 1e3);
}

/* The counters of every worker's stack, summed. */
static void
stack_stats_sum(const struct gen *g, uint64_t net[PTG_NET_NB_STATS],
		uint64_t tcp[PTG_TCP_NB_STATS])
{
	unsigned int i, k;

	memset(net, 0, sizeof(uint64_t) * PTG_NET_NB_STATS);
	memset(tcp, 0, sizeof(uint64_t) * PTG_TCP_NB_STATS);
	for (i = 0; i < g->nb_workers; i++) {
		const struct gen_worker *w = g->w[i];
		const uint64_t *n, *t;

		if (w->stack == NULL)
			continue;
		n = (const uint64_t *)ptg_net_stats(w->net);
		t = (const uint64_t *)ptg_tcp_stats(w->tcp);
		for (k = 0; k < PTG_NET_NB_STATS; k++)
			net[k] += n[k];
		for (k = 0; k < PTG_TCP_NB_STATS; k++)
			tcp[k] += t[k];
	}
}

/* Every non-zero counter of the workers' stacks, as portgate prints its
 * own: "portgate-gen: stat tcp.retransmits=3". */
static void
print_stack_stats(const struct gen *g)
{
	uint64_t net[PTG_NET_NB_STATS], tcp[PTG_TCP_NB_STATS];
	unsigned int k;

	stack_stats_sum(g, net, tcp);
	for (k = 0; k < PTG_NET_NB_STATS; k++)
		if (net[k] != 0)
			printf("portgate-gen: stat net.%s=%" PRIu64 "\n",
			       ptg_net_stat_name(k), net[k]);
	for (k = 0; k < PTG_TCP_NB_STATS; k++)
		if (tcp[k] != 0)
			printf("portgate-gen: stat tcp.%s=%" PRIu64 "\n",
			       ptg_tcp_stat_name(k), tcp[k]);
}

/* "steering": the hand-off between workers; strays_handed ==
 * strays_received + strays_dropped once the run is over. */
static void
json_steering(FILE *f, const struct gen *g)
{
	struct steer_sum s;

	steer_sum(g, &s);
	fprintf(f, "  \"steering\": {\"on\": %s, \"rx_hash_trusted\": %s, "
		"\"strays_handed\": %" PRIu64 ", \"strays_received\": %"
		PRIu64 ", \"strays_dropped\": %" PRIu64 ", "
		"\"strays_ring_full\": %" PRIu64 ", \"strays_unread\": %"
		PRIu64 ", \"arp_shared\": %" PRIu64 ", \"arp_received\": %"
		PRIu64 "},\n", g->steer_on ? "true" : "false",
		g->rx_hash_trusted ? "true" : "false", s.handed, s.received,
		s.ring_full + s.unread, s.ring_full, s.unread, s.arp_shared,
		s.arp_received);
}

/* "workers": what each worker did. */
static void
json_workers(FILE *f, const struct gen *g)
{
	unsigned int i;

	fprintf(f, "  \"workers_detail\": [");
	for (i = 0; i < g->nb_workers; i++) {
		const struct gen_worker *w = g->w[i];
		struct steer_sum s;

		memset(&s, 0, sizeof(s));
		steer_add(&s, &w->ho_stats);
		fprintf(f, "%s\n    {\"worker\": %u, \"lcore\": %u, "
			"\"connections_opened\": %" PRIu64 ", "
			"\"connections_established\": %" PRIu64 ", "
			"\"connections_completed\": %" PRIu64 ", "
			"\"requests\": %" PRIu64 ", \"errors_total\": %"
			PRIu64 ", \"strays_handed\": %" PRIu64 ", "
			"\"strays_received\": %" PRIu64 "}", i ? "," : "",
			i, w->lcore, w->cnt.conn_opened,
			w->cnt.conn_established, w->cnt.conn_done,
			w->cnt.requests, gen_errors_total(&w->cnt), s.handed,
			s.received);
	}
	fprintf(f, "\n  ],\n");
}

/* "net", "tcp": every counter of the workers' stacks, summed. */
static void
json_stack(FILE *f, const struct gen *g)
{
	uint64_t net[PTG_NET_NB_STATS], tcp[PTG_TCP_NB_STATS];
	unsigned int k;

	stack_stats_sum(g, net, tcp);
	fprintf(f, "  \"net\": {");
	for (k = 0; k < PTG_NET_NB_STATS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "",
			ptg_net_stat_name(k), net[k]);
	fprintf(f, "},\n  \"tcp\": {");
	for (k = 0; k < PTG_TCP_NB_STATS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "",
			ptg_tcp_stat_name(k), tcp[k]);
	fprintf(f, "}");
}

static int
write_json(const struct gen *g, const struct gen_counters *c,
	   const struct gen_hist *h, uint64_t elapsed, int ok,
	   const char *port_desc)
{
	const struct gen_opts *o = g->o;
	uint32_t d = rte_be_to_cpu_32(o->dst);
	FILE *f = fopen(o->json, "w");
	unsigned int k;

	if (f == NULL) {
		fprintf(stderr, "portgate-gen: --json %s: %s\n", o->json,
			strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n  \"tool\": \"portgate-gen\",\n  \"mode\": \"%s\",\n"
		"  \"ok\": %s,\n  \"failure\": \"%s\",\n"
		"  \"dst\": \"%u.%u.%u.%u:%u\",\n  \"port\": \"%s\",\n"
		"  \"workers\": %u,\n  \"concurrency\": %u,\n"
		"  \"rate\": %" PRIu64 ",\n  \"req_size\": %u,\n"
		"  \"resp_size\": %u,\n  \"pipeline\": %u,\n"
		"  \"elapsed_s\": %.6f,\n",
		gen_mode_name(o->mode), ok ? "true" : "false",
		g->failed ? g->fail_msg : "", d >> 24, (d >> 16) & 0xff,
		(d >> 8) & 0xff, d & 0xff, o->dport, port_desc, g->nb_workers,
		o->concurrency, o->rate, o->req_size, o->resp_size,
		o->pipeline, elapsed / GEN_NS_PER_S);
	fprintf(f, "  \"connections_opened\": %" PRIu64 ",\n"
		"  \"connections_established\": %" PRIu64 ",\n"
		"  \"connections_completed\": %" PRIu64 ",\n"
		"  \"conn_per_s\": %.1f,\n  \"requests\": %" PRIu64 ",\n"
		"  \"req_per_s\": %.1f,\n  \"tx_bytes\": %" PRIu64 ",\n"
		"  \"rx_bytes\": %" PRIu64 ",\n  \"gbps_tx\": %.4f,\n"
		"  \"gbps_rx\": %.4f,\n  \"held\": %" PRIu64 ",\n"
		"  \"peak_active\": %" PRIu64 ",\n"
		"  \"syn_sent\": %" PRIu64 ",\n  \"synack_rx\": %" PRIu64 ",\n"
		"  \"rst_rx\": %" PRIu64 ",\n  \"latency_us\": ",
		c->conn_opened, c->conn_established, c->conn_done,
		per_s(o->mode == GEN_MODE_CPS ? c->conn_done :
		      c->conn_established, elapsed),
		c->requests, per_s(c->requests, elapsed), c->tx_bytes,
		c->rx_bytes, per_s(c->tx_bytes, elapsed) * 8 / 1e9,
		per_s(c->rx_bytes, elapsed) * 8 / 1e9, c->held,
		g->peak_active, c->syn_sent, c->synack_rx, c->rst_rx);
	json_hist(f, h);
	fprintf(f, ",\n  \"errors_total\": %" PRIu64 ",\n  \"errors\": {",
		gen_errors_total(c));
	for (k = 0; k < GEN_ERR_NB; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "",
			gen_error_names[k], c->errors[k]);
	fprintf(f, "},\n");
	json_steering(f, g);
	json_workers(f, g);
	json_stack(f, g);
	fprintf(f, "\n}\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "portgate-gen: --json %s: %s\n", o->json,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

int
gen_report_final(struct gen *g, const char *port_desc)
{
	const struct gen_opts *o = g->o;
	static struct gen_hist h;
	struct gen_counters c;
	uint64_t elapsed = 0, end = 0, errs;
	unsigned int i;
	char list[256];
	int ok;

	gen_counters_sum(g, &c);
	gen_hist_reset(&h);
	for (i = 0; i < g->nb_workers; i++) {
		const struct gen_worker *w = g->w[i];
		uint64_t t = o->mode == GEN_MODE_SYNFLOOD ||
			     o->mode == GEN_MODE_HOLD ? w->drain_at_ns :
			     w->finish_ns;

		gen_hist_merge(&h, &w->hist);
		if (t > end)
			end = t;
	}
	if (g->start_ns != 0 && end > g->start_ns)
		elapsed = end - g->start_ns;
	errs = gen_errors_total(&c);
	ok = !g->failed && errs == 0;

	print_stack_stats(g);
	printf("portgate-gen: summary mode=%s workers=%u concurrency=%u "
	       "elapsed=%.3fs\n", gen_mode_name(o->mode), g->nb_workers,
	       o->concurrency, elapsed / GEN_NS_PER_S);
	if (o->mode == GEN_MODE_SYNFLOOD) {
		printf("portgate-gen: syn sent=%" PRIu64 " (%.0f/s) "
		       "syn-ack=%" PRIu64 " rst=%" PRIu64 "\n", c.syn_sent,
		       per_s(c.syn_sent, elapsed), c.synack_rx, c.rst_rx);
	} else {
		printf("portgate-gen: connections opened=%" PRIu64
		       " established=%" PRIu64 " completed=%" PRIu64
		       " (%.0f/s)\n", c.conn_opened, c.conn_established,
		       c.conn_done, per_s(o->mode == GEN_MODE_CPS ?
					  c.conn_done : c.conn_established,
					  elapsed));
		printf("portgate-gen: requests %" PRIu64 " (%.0f/s) bytes tx %"
		       PRIu64 " rx %" PRIu64 " (Gbps tx %.3f rx %.3f)\n",
		       c.requests, per_s(c.requests, elapsed), c.tx_bytes,
		       c.rx_bytes, per_s(c.tx_bytes, elapsed) * 8 / 1e9,
		       per_s(c.rx_bytes, elapsed) * 8 / 1e9);
		if (o->mode == GEN_MODE_HOLD)
			printf("portgate-gen: held at most %" PRIu64
			       " connections at once\n", g->peak_active);
	}
	if (h.count > 0)
		printf("portgate-gen: latency_us (%s) count=%" PRIu64
		       " min=%.1f p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f "
		       "max=%.1f mean=%.1f\n",
		       o->mode == GEN_MODE_CPS ? "connect to response" :
		       o->mode == GEN_MODE_HOLD ? "connect" : "request",
		       h.count, h.min / 1e3,
		       gen_hist_percentile(&h, 50) / 1e3,
		       gen_hist_percentile(&h, 90) / 1e3,
		       gen_hist_percentile(&h, 99) / 1e3,
		       gen_hist_percentile(&h, 99.9) / 1e3, h.max / 1e3,
		       gen_hist_mean(&h) / 1e3);
	if (g->steer_on) {
		struct steer_sum st;

		steer_sum(g, &st);
		printf("portgate-gen: steering workers=%u strays handed=%" PRIu64
		       " received=%" PRIu64 " dropped=%" PRIu64 " (ring full %"
		       PRIu64 ", unread %" PRIu64 ") arp shared=%" PRIu64 "\n",
		       g->nb_workers, st.handed, st.received,
		       st.ring_full + st.unread, st.ring_full, st.unread,
		       st.arp_shared);
	}
	format_errors(&c, list, sizeof(list), "=");
	printf("portgate-gen: errors total=%" PRIu64 "%s\n", errs, list);
	if (g->failed)
		printf("portgate-gen: result FAILED: %s\n", g->fail_msg);
	else if (errs != 0)
		printf("portgate-gen: result FAILED: %" PRIu64 " error%s:%s\n",
		       errs, errs == 1 ? "" : "s", list);
	else
		printf("portgate-gen: result OK\n");
	fflush(stdout);
	if (o->json[0] != '\0' &&
	    write_json(g, &c, &h, elapsed, ok, port_desc) < 0)
		return GEN_EXIT_FAIL;
	return ok ? GEN_EXIT_OK : GEN_EXIT_FAIL;
}
