/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxy: terminate each client connection and relay it, both ways, over a
 * connection of our own to one of the backends.
 *
 *   client on_accept -> sess_get() -> be_open() -> pick() -> ptg_connect()
 *   backend established -> b_writable() -> PROXY header -> ptg_recv_resume(cli)
 *   client on_data  -> relay() -> ptg_send(backend)   (what it took is consumed)
 *   backend on_data -> relay() -> ptg_send(client)
 *   on_writable of one side -> ptg_recv_resume(the other side)
 *   on_fin of one side -> ptg_shutdown(the other) once its bytes are passed
 *   on_close of one side: refused/timed-out connect -> be_down() -> be_open()
 *                         (next backend) or RST to the client; otherwise a
 *                         reset/abort -> ptg_abort(the other side)
 *
 * No copy of the data on the way: on_data hands out a pointer into the
 * source's receive queue and ptg_send() copies it into the sink's send
 * queue. What the sink did not take stays in the source's receive queue
 * and closes the source's window, so each direction is flow-controlled end
 * to end and holds at most one receive buffer plus one send buffer of the
 * engine. The one exception is the last delivery of a connection that
 * got the peer's FIN after sending its own (CLOSING, LAST-ACK,
 * TIME-WAIT): the engine frees what is not consumed then, so what the
 * sink cannot take yet is copied aside (the "spill", at most one receive
 * buffer) and sent before anything else on the sink's on_writable.
 *
 * Passive health: a connect that is refused (RST) or times out
 * (connect_timeout) marks its backend down for backoff ms, doubling at
 * each failure of a trial after that, up to backoff_max; an established
 * connect marks it up again. A client is offered each backend at most
 * once; with none left up it is reset. Health and counters are per
 * worker: workers share nothing.
 *
 * Callbacks nest (ptg_abort() of one side runs the other's on_close, a
 * resume runs the other's on_data), so a session is freed only when no
 * callback of its own is running (busy) and both connections are gone.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "proxy_priv.h"
#include "ptg_service.h"
#include "ptg_tcp.h"
#include "service_priv.h"

#define MS_NS UINT64_C(1000000)

/* ---- ARGS ---------------------------------------------------------------- */

static void
errf(char *err, size_t errlen, const char *fmt, const char *item)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, item);
}

/* Decimal digits only, no sign, no leading zero (an octet "010" is read
 * neither as octal nor as ten), min..max. */
static int
parse_uint(const char *s, size_t len, uint32_t min, uint32_t max,
	   uint32_t *out)
{
	uint64_t v;

	if (len > 1 && s[0] == '0')
		return -EINVAL;
	if (ptg_service_parse_u64(s, len, min, max, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Dotted quad, four decimal octets. */
static int
parse_ipv4(const char *s, size_t len, rte_be32_t *out)
{
	uint32_t v = 0, o;
	size_t i = 0, start;
	int k;

	for (k = 0; k < 4; k++) {
		start = i;
		while (i < len && s[i] != '.')
			i++;
		if (parse_uint(s + start, i - start, 0, 255, &o) < 0)
			return -EINVAL;
		v = (v << 8) | o;
		if (k < 3) {
			if (i == len)
				return -EINVAL;
			i++; /* the dot */
		}
	}
	if (i != len)
		return -EINVAL;
	*out = rte_cpu_to_be_32(v);
	return 0;
}

static int
parse_backend(const char *item, size_t len, struct ptg_proxy_config *cfg,
	      char *err, size_t errlen, const char *shown)
{
	struct ptg_proxy_backend_addr b;
	const char *colon = memchr(item, ':', len);
	uint32_t port, a;
	unsigned int i;

	if (colon == NULL ||
	    parse_ipv4(item, (size_t)(colon - item), &b.addr) < 0) {
		errf(err, errlen, "proxy: '%s' is not a backend IPV4:PORT "
		     "nor an option KEY=VALUE", shown);
		return -EINVAL;
	}
	if (parse_uint(colon + 1, len - (size_t)(colon + 1 - item), 1, 65535,
		       &port) < 0) {
		errf(err, errlen, "proxy: backend '%s': port not in 1..65535",
		     shown);
		return -EINVAL;
	}
	a = rte_be_to_cpu_32(b.addr);
	if (a == 0 || a == UINT32_MAX || (a >> 28) == 0xe || (a >> 24) == 127) {
		errf(err, errlen, "proxy: backend '%s': not a unicast address "
		     "of another host", shown);
		return -EINVAL;
	}
	b.port = (uint16_t)port;
	for (i = 0; i < cfg->nb_backends; i++)
		if (cfg->be[i].addr == b.addr && cfg->be[i].port == b.port) {
			errf(err, errlen, "proxy: backend '%s' given twice",
			     shown);
			return -EINVAL;
		}
	if (cfg->nb_backends == PTG_PROXY_MAX_BACKENDS) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "proxy: more than %u backends",
				 PTG_PROXY_MAX_BACKENDS);
		return -EINVAL;
	}
	cfg->be[cfg->nb_backends++] = b;
	return 0;
}

/* Bit of each option, to refuse one given twice. */
enum { OPT_LB = 1, OPT_PROXY = 2, OPT_CTO = 4, OPT_BACKOFF = 8,
       OPT_BACKOFF_MAX = 16, OPT_POOL = 32 };

static int
parse_option(const char *item, size_t len, struct ptg_proxy_config *cfg,
	     unsigned int *seen, char *err, size_t errlen, const char *shown)
{
	const char *eq = memchr(item, '=', len);
	size_t klen = (size_t)(eq - item), vlen = len - klen - 1;
	const char *v = eq + 1;
	unsigned int bit;
	int rc = 0;

#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(item, k, klen) == 0)
#define VAL_IS(s) (vlen == sizeof(s) - 1 && memcmp(v, s, vlen) == 0)
	if (KEY_IS("lb")) {
		bit = OPT_LB;
		if (VAL_IS("rr") || VAL_IS("roundrobin"))
			cfg->lb = PTG_PROXY_LB_RR;
		else if (VAL_IS("leastconn"))
			cfg->lb = PTG_PROXY_LB_LEASTCONN;
		else
			rc = -EINVAL;
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': lb is rr or "
			     "leastconn", shown);
	} else if (KEY_IS("proxy")) {
		bit = OPT_PROXY;
		if (VAL_IS("v1"))
			cfg->proxy_version = 1;
		else if (VAL_IS("v2"))
			cfg->proxy_version = 2;
		else if (VAL_IS("off"))
			cfg->proxy_version = 0;
		else
			rc = -EINVAL;
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': proxy is v1, v2 or "
			     "off", shown);
	} else if (KEY_IS("connect_timeout")) {
		bit = OPT_CTO;
		rc = parse_uint(v, vlen, 1, PTG_PROXY_MS_MAX,
				&cfg->connect_timeout_ms);
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': connect_timeout is "
			     "1..3600000 (ms)", shown);
	} else if (KEY_IS("backoff")) {
		bit = OPT_BACKOFF;
		rc = parse_uint(v, vlen, 1, PTG_PROXY_MS_MAX, &cfg->backoff_ms);
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': backoff is "
			     "1..3600000 (ms)", shown);
	} else if (KEY_IS("backoff_max")) {
		bit = OPT_BACKOFF_MAX;
		rc = parse_uint(v, vlen, 1, PTG_PROXY_MS_MAX,
				&cfg->backoff_max_ms);
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': backoff_max is "
			     "1..3600000 (ms)", shown);
	} else if (KEY_IS("pool")) {
		bit = OPT_POOL;
		rc = parse_uint(v, vlen, 1, PTG_PROXY_POOL_MAX, &cfg->pool);
		if (rc < 0)
			errf(err, errlen, "proxy: '%s': pool is 1..4194304",
			     shown);
	} else {
		errf(err, errlen, "proxy: unknown option '%s' (lb, proxy, "
		     "connect_timeout, backoff, backoff_max, pool)", shown);
		return -EINVAL;
	}
#undef KEY_IS
#undef VAL_IS
	if (rc < 0)
		return rc;
	if (*seen & bit) {
		errf(err, errlen, "proxy: '%s': option given twice", shown);
		return -EINVAL;
	}
	*seen |= bit;
	return 0;
}

int
ptg_proxy_parse_args(const char *args, struct ptg_proxy_config *cfg,
		     char *err, size_t errlen)
{
	char shown[64];
	unsigned int seen = 0;
	const char *p, *end;
	size_t len;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->lb = PTG_PROXY_LB_RR;
	cfg->connect_timeout_ms = PTG_PROXY_CONNECT_TIMEOUT_MS_DEFAULT;
	cfg->backoff_ms = PTG_PROXY_BACKOFF_MS_DEFAULT;
	cfg->backoff_max_ms = PTG_PROXY_BACKOFF_MAX_MS_DEFAULT;
	cfg->pool = PTG_PROXY_POOL_DEFAULT;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (args == NULL || args[0] == '\0') {
		errf(err, errlen, "proxy: no backend (ARGS: %s)",
		     "IPV4:PORT[,IPV4:PORT...][,KEY=VALUE...]");
		return -EINVAL;
	}
	for (p = args; ; p = end + 1) {
		end = p + strcspn(p, ",;");
		len = (size_t)(end - p);
		snprintf(shown, sizeof(shown), "%.*s", (int)len, p);
		if (len == 0) {
			errf(err, errlen, "proxy: empty item in '%s'", args);
			return -EINVAL;
		}
		if (memchr(p, '=', len) != NULL)
			rc = parse_option(p, len, cfg, &seen, err, errlen,
					  shown);
		else
			rc = parse_backend(p, len, cfg, err, errlen, shown);
		if (rc < 0)
			return rc;
		if (*end == '\0')
			break;
	}
	if (cfg->nb_backends == 0) {
		errf(err, errlen, "proxy: no backend in '%s'", args);
		return -EINVAL;
	}
	if (!(seen & OPT_BACKOFF_MAX) && cfg->backoff_max_ms < cfg->backoff_ms)
		cfg->backoff_max_ms = cfg->backoff_ms;
	if (cfg->backoff_max_ms < cfg->backoff_ms) {
		errf(err, errlen, "proxy: backoff_max is below backoff in "
		     "'%s'", args);
		return -EINVAL;
	}
	return 0;
}

/* ---- PROXY protocol header ---------------------------------------------- */

/* HAProxy's PROXY protocol, section 2.2: the v2 signature. */
static const uint8_t pp2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

size_t
ptg_proxy_header(unsigned int version, rte_be32_t src, uint16_t sport,
		 rte_be32_t dst, uint16_t dport, uint8_t *buf)
{
	uint32_t s = rte_be_to_cpu_32(src), d = rte_be_to_cpu_32(dst);
	char line[PTG_PROXY_HDR_MAX + 1];
	uint8_t *p = buf;
	int n;

	if (version == 1) {
		/* 2.1: "PROXY TCP4 SRC DST SPORT DPORT\r\n", no NUL */
		n = snprintf(line, sizeof(line),
			     "PROXY TCP4 %u.%u.%u.%u %u.%u.%u.%u %u %u\r\n",
			     s >> 24, (s >> 16) & 0xff, (s >> 8) & 0xff,
			     s & 0xff, d >> 24, (d >> 16) & 0xff,
			     (d >> 8) & 0xff, d & 0xff, sport, dport);
		if (n <= 0 || (size_t)n > PTG_PROXY_HDR_MAX)
			return 0;
		memcpy(buf, line, (size_t)n);
		return (size_t)n;
	}
	if (version != 2)
		return 0;
	/* 2.2: signature, version 2 | PROXY command, AF_INET | STREAM,
	 * 12 address bytes; addresses and ports in network order */
	memcpy(p, pp2_sig, sizeof(pp2_sig));
	p += sizeof(pp2_sig);
	*p++ = 0x21;
	*p++ = 0x11;
	*p++ = 0;
	*p++ = 12;
	memcpy(p, &src, 4);
	memcpy(p + 4, &dst, 4);
	p[8] = (uint8_t)(sport >> 8);
	p[9] = (uint8_t)sport;
	p[10] = (uint8_t)(dport >> 8);
	p[11] = (uint8_t)dport;
	return PTG_PROXY_V2_LEN;
}

/* ---- instance ------------------------------------------------------------ */

/* Counters of the instance, then one block per backend. */
#define PROXY_STATS(X) \
	X(clients) X(active) X(no_backend) X(retries) X(drop_pool_empty) \
	X(resets) X(errors) X(spill_bytes)
#define PROXY_BE_STATS(X) \
	X(conns) X(fails) X(active) X(tx_bytes) X(rx_bytes)

struct proxy_stats {
#define PROXY_FIELD(n) uint64_t n;
	PROXY_STATS(PROXY_FIELD)
};

struct proxy_backend {
	rte_be32_t addr;
	uint16_t port;
	uint32_t fails_in_row;  /* failed connects since the last success */
	uint64_t down_until;    /* engine time; up when <= now */
	PROXY_BE_STATS(PROXY_FIELD)
#undef PROXY_FIELD
};

struct proxy_inst {
	struct ptg_proxy_config cfg;
	struct rte_mempool *pool;
	unsigned int rr_next;
	struct proxy_stats st;
	struct proxy_backend be[PTG_PROXY_MAX_BACKENDS];
};

#define BE_NAMES(i) \
	"be" #i "_conns", "be" #i "_fails", "be" #i "_active", \
	"be" #i "_tx_bytes", "be" #i "_rx_bytes",

static const char *const proxy_stat_names[] = {
#define PROXY_NAME(n) #n,
	PROXY_STATS(PROXY_NAME)
#undef PROXY_NAME
	BE_NAMES(0) BE_NAMES(1) BE_NAMES(2) BE_NAMES(3)
	BE_NAMES(4) BE_NAMES(5) BE_NAMES(6) BE_NAMES(7)
	NULL,
};

#define PROXY_NB_STATS (sizeof(struct proxy_stats) / sizeof(uint64_t))
#define PROXY_NB_BE_STATS 5u
_Static_assert(RTE_DIM(proxy_stat_names) ==
	       PROXY_NB_STATS + PROXY_NB_BE_STATS * PTG_PROXY_MAX_BACKENDS + 1,
	       "a name per counter");

/* One direction of a session: source -> sink. */
struct relay_dir {
	uint8_t fin;     /* the source's FIN came (all its bytes consumed) */
	uint8_t shut;    /* FIN passed on: ptg_shutdown(sink) done */
	uint32_t spill_len, spill_off, spill_cap;
	uint8_t *spill;  /* bytes taken at the source's last delivery */
};

struct proxy_sess {
	struct proxy_inst *in;
	struct ptg_conn *cli;  /* NULL once on_close came */
	struct ptg_conn *be;   /* NULL before a connect and after on_close */
	uint16_t busy;         /* callbacks of this session running */
	int8_t bi;             /* backend of be, -1 none */
	uint8_t tried;         /* backends offered to this client (bits) */
	uint8_t be_up;         /* be is established */
	uint8_t hdr_len, hdr_off;
	struct relay_dir up;   /* client -> backend */
	struct relay_dir down; /* backend -> client */
	uint8_t hdr[PTG_PROXY_HDR_MAX];
};

_Static_assert(PTG_PROXY_MAX_BACKENDS <= 8, "tried has a bit per backend");

static const struct ptg_conn_ops proxy_be_ops;

static int
proxy_init(void **ctx, const char *args)
{
	static uint32_t seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct ptg_proxy_config cfg;
	struct proxy_inst *in;
	int socket = (int)rte_socket_id();
	unsigned int i;
	int rc;

	rc = ptg_proxy_parse_args(args, &cfg, NULL, 0);
	if (rc < 0)
		return rc;
	in = rte_zmalloc_socket("ptg_proxy", sizeof(*in), RTE_CACHE_LINE_SIZE,
				socket);
	if (in == NULL)
		return -ENOMEM;
	in->cfg = cfg;
	for (i = 0; i < cfg.nb_backends; i++) {
		in->be[i].addr = cfg.be[i].addr;
		in->be[i].port = cfg.be[i].port;
	}
	snprintf(name, sizeof(name), "ptg_proxy_%u",
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* one worker gets and puts: single-producer/consumer, no cache */
	in->pool = rte_mempool_create(name, cfg.pool,
				      sizeof(struct proxy_sess), 0, 0,
				      NULL, NULL, NULL, NULL, socket,
				      RTE_MEMPOOL_F_SP_PUT |
				      RTE_MEMPOOL_F_SC_GET);
	if (in->pool == NULL) {
		rc = rte_errno > 0 ? -rte_errno : -ENOMEM;
		rte_free(in);
		return rc;
	}
	*ctx = in;
	return 0;
}

static void
proxy_fini(void *ctx)
{
	struct proxy_inst *in = ctx;

	if (in == NULL)
		return;
	rte_mempool_free(in->pool);
	rte_free(in);
}

static void
proxy_stats(const void *ctx, uint64_t *v)
{
	const struct proxy_inst *in = ctx;
	unsigned int i, k = 0;

#define PROXY_COPY(n) v[k++] = in->st.n;
	PROXY_STATS(PROXY_COPY)
#undef PROXY_COPY
	for (i = 0; i < PTG_PROXY_MAX_BACKENDS; i++) {
#define PROXY_COPY(n) v[k++] = in->be[i].n;
		PROXY_BE_STATS(PROXY_COPY)
#undef PROXY_COPY
	}
}

unsigned int
ptg_proxy_instance_pool_avail(const void *ctx)
{
	const struct proxy_inst *in = ctx;

	return rte_mempool_avail_count(in->pool);
}

/* ---- sessions ------------------------------------------------------------ */

static struct proxy_sess *
sess_get(struct proxy_inst *in)
{
	struct proxy_sess *s;
	void *obj;

	if (rte_mempool_get(in->pool, &obj) < 0)
		return NULL;
	s = obj;
	memset(s, 0, offsetof(struct proxy_sess, hdr));
	s->in = in;
	s->bi = -1;
	in->st.active++;
	return s;
}

static void
sess_put(struct proxy_sess *s)
{
	struct proxy_inst *in = s->in;

	rte_free(s->up.spill);
	rte_free(s->down.spill);
	in->st.active--;
	rte_mempool_put(in->pool, s);
}

static inline void
sess_enter(struct proxy_sess *s)
{
	s->busy++;
}

/* Leave a callback; the last one out frees a session both sides left. */
static inline void
sess_leave(struct proxy_sess *s)
{
	if (--s->busy == 0 && s->cli == NULL && s->be == NULL)
		sess_put(s);
}

/* ---- backends ------------------------------------------------------------ */

static inline bool
be_is_up(const struct proxy_backend *b, uint64_t now)
{
	return b->down_until <= now;
}

/* A backend among those up and not yet offered to this client: the next
 * in turn (rr), or the one with the fewest open connections, ties broken
 * in turn (leastconn). @return its index, or -1. */
static int
pick(struct proxy_inst *in, unsigned int tried, uint64_t now)
{
	unsigned int n = in->cfg.nb_backends, k, i;
	int best = -1;

	for (k = 0; k < n; k++) {
		i = (in->rr_next + k) % n;
		if ((tried & (1u << i)) || !be_is_up(&in->be[i], now))
			continue;
		if (in->cfg.lb == PTG_PROXY_LB_RR) {
			best = (int)i;
			break;
		}
		if (best < 0 || in->be[i].active < in->be[best].active)
			best = (int)i;
	}
	if (best >= 0)
		in->rr_next = ((unsigned int)best + 1) % n;
	return best;
}

/* A connect to @p b failed: down for the backoff. Failures of connects
 * made before it went down do not extend it; the first failure after it
 * came back up (the trial) doubles it. */
static void
be_down(struct proxy_inst *in, struct proxy_backend *b, uint64_t now)
{
	uint64_t backoff = (uint64_t)in->cfg.backoff_ms * MS_NS;
	uint64_t max = (uint64_t)in->cfg.backoff_max_ms * MS_NS;
	uint32_t i;

	b->fails++;
	if (!be_is_up(b, now))
		return;
	for (i = 0; i < b->fails_in_row && backoff < max; i++)
		backoff <<= 1;
	if (backoff > max)
		backoff = max;
	b->fails_in_row++;
	b->down_until = now + backoff;
}

/* Open a connection for @p s to the next backend that will have it.
 * @return 0, or -1 when no backend is left up for this client. */
static int
be_open(struct proxy_sess *s, struct ptg_tcp *tcp)
{
	struct proxy_inst *in = s->in;
	struct ptg_conn *b;
	uint64_t now;
	int i;

	for (;;) {
		now = ptg_tcp_now(tcp);
		i = pick(in, s->tried, now);
		if (i < 0)
			return -1;
		s->tried |= (uint8_t)(1u << i);
		b = ptg_connect(tcp, in->be[i].addr, in->be[i].port, 0,
				&proxy_be_ops, in, now);
		if (b == NULL) {
			/* ours, not the backend's (no port, no block,
			 * no route, stopping): try another one */
			in->st.errors++;
			continue;
		}
		ptg_conn_set_ctx(b, s);
		ptg_conn_set_connect_timeout(b,
			(uint64_t)in->cfg.connect_timeout_ms * MS_NS);
		in->be[i].conns++;
		in->be[i].active++;
		s->be = b;
		s->bi = (int8_t)i;
		s->be_up = 0;
		return 0;
	}
}

/* ---- relaying ------------------------------------------------------------ */

static inline bool
spill_pending(const struct relay_dir *d)
{
	return d->spill_off < d->spill_len;
}

/* The engine's last delivery to a connection: the peer's FIN came after
 * ours, so unconsumed bytes are freed with it (tcp_time_wait, LAST-ACK). */
static inline bool
last_delivery(const struct ptg_conn *src)
{
	enum ptg_tcp_state st = ptg_conn_state(src);

	return st == PTG_TCPS_CLOSING || st == PTG_TCPS_LAST_ACK ||
	       st == PTG_TCPS_TIME_WAIT;
}

static int
spill_add(struct relay_dir *d, const uint8_t *data, size_t len)
{
	size_t need = (size_t)d->spill_len + len;

	if (need > UINT32_MAX)
		return -ENOMEM;
	if (need > d->spill_cap) {
		size_t cap = RTE_MAX(need, (size_t)d->spill_cap * 2);
		uint8_t *p = rte_realloc(d->spill, cap, 0);

		if (p == NULL)
			return -ENOMEM;
		d->spill = p;
		d->spill_cap = (uint32_t)cap;
	}
	memcpy(d->spill + d->spill_len, data, len);
	d->spill_len = (uint32_t)need;
	return 0;
}

static inline struct ptg_conn *
dir_sink(const struct proxy_sess *s, const struct relay_dir *d)
{
	return d == &s->up ? s->be : s->cli;
}

/* Whether the sink of @p d takes bytes now: for the backend, once it is
 * established and the PROXY header is all queued; spilled bytes first. */
static inline bool
dir_open(const struct proxy_sess *s, const struct relay_dir *d)
{
	if (dir_sink(s, d) == NULL || spill_pending(d))
		return false;
	return d != &s->up || (s->be_up && s->hdr_off == s->hdr_len);
}

static inline uint64_t *
dir_bytes(struct proxy_sess *s, const struct relay_dir *d)
{
	struct proxy_backend *b = &s->in->be[s->bi];

	return d == &s->up ? &b->tx_bytes : &b->rx_bytes;
}

/* A relay failed on our side (no mbuf, no memory): reset both ends. */
static void
sess_fail(struct proxy_sess *s)
{
	s->in->st.errors++;
	if (s->cli != NULL)
		ptg_abort(s->cli); /* its on_close aborts the backend */
	if (s->be != NULL)
		ptg_abort(s->be);
}

/* Pass the source's FIN on once every byte before it is queued. */
static void
dir_fin(struct proxy_sess *s, struct relay_dir *d)
{
	if (!d->fin || d->shut || !dir_open(s, d))
		return;
	d->shut = 1;
	ptg_shutdown(dir_sink(s, d));
}

/* Spilled bytes go first once the sink has room. @return 0, -1 failed. */
static int
spill_flush(struct proxy_sess *s, struct relay_dir *d)
{
	struct ptg_conn *sink = dir_sink(s, d);
	ssize_t r;

	if (!spill_pending(d) || sink == NULL ||
	    (d == &s->up && (!s->be_up || s->hdr_off < s->hdr_len)))
		return 0;
	r = ptg_send(sink, d->spill + d->spill_off,
		     d->spill_len - d->spill_off);
	if (r < 0)
		return -1;
	d->spill_off += (uint32_t)r;
	*dir_bytes(s, d) += (uint64_t)r;
	if (!spill_pending(d)) {
		rte_free(d->spill);
		d->spill = NULL;
		d->spill_len = d->spill_off = d->spill_cap = 0;
	}
	return 0;
}

/* on_data of either side: hand what the sink takes to it; keep the rest
 * queued at the source (flow control), except at the source's last
 * delivery, where it is spilled. @return bytes consumed. */
static size_t
relay(struct proxy_sess *s, struct relay_dir *d, struct ptg_conn *src,
      const void *data, size_t len)
{
	ssize_t r = 0;

	if (dir_open(s, d)) {
		r = ptg_send(dir_sink(s, d), data, len);
		if (r < 0) {
			sess_fail(s);
			return len;
		}
		*dir_bytes(s, d) += (uint64_t)r;
	}
	if ((size_t)r == len || !last_delivery(src))
		return (size_t)r;
	if (dir_sink(s, d) == NULL)
		return len; /* nobody left to take it */
	if (spill_add(d, (const uint8_t *)data + r, len - (size_t)r) < 0) {
		sess_fail(s);
		return len;
	}
	s->in->st.spill_bytes += len - (size_t)r;
	return len;
}

/* ---- client side (the service's ops) ------------------------------------- */

static int
c_accept(struct ptg_conn *c)
{
	struct proxy_inst *in = ptg_conn_service_ctx(c);
	struct proxy_sess *s;

	in->st.clients++;
	s = sess_get(in);
	if (s == NULL) {
		in->st.drop_pool_empty++;
		return -1; /* reset */
	}
	s->cli = c;
	ptg_conn_set_ctx(c, s);
	if (be_open(s, ptg_conn_tcp(c)) < 0) {
		in->st.no_backend++;
		ptg_conn_set_ctx(c, NULL);
		s->cli = NULL;
		sess_put(s);
		return -1; /* reset: no backend up */
	}
	return 0;
}

static size_t
c_data(struct ptg_conn *c, const void *data, size_t len)
{
	struct proxy_sess *s = ptg_conn_ctx(c);
	size_t n;

	if (s == NULL)
		return len;
	sess_enter(s);
	n = relay(s, &s->up, c, data, len);
	sess_leave(s);
	return n;
}

static void
c_writable(struct ptg_conn *c)
{
	struct proxy_sess *s = ptg_conn_ctx(c);

	if (s == NULL)
		return;
	sess_enter(s);
	if (spill_flush(s, &s->down) < 0)
		sess_fail(s);
	else if (!spill_pending(&s->down) && s->be != NULL && s->be_up)
		ptg_recv_resume(s->be);
	if (s->cli != NULL)
		dir_fin(s, &s->down);
	sess_leave(s);
}

static void
c_fin(struct ptg_conn *c)
{
	struct proxy_sess *s = ptg_conn_ctx(c);

	if (s == NULL)
		return;
	sess_enter(s);
	s->up.fin = 1;
	dir_fin(s, &s->up);
	sess_leave(s);
}

static void
c_close(struct ptg_conn *c, enum ptg_close_reason reason)
{
	struct proxy_sess *s = ptg_conn_ctx(c);

	if (s == NULL)
		return;
	sess_enter(s);
	s->cli = NULL;
	ptg_conn_set_ctx(c, NULL);
	/* A clean close leaves the backend to finish what it has (our FIN
	 * to it went out after the client's); anything else resets it. */
	if (s->be != NULL && (reason != PTG_CLOSE_NORMAL || !s->be_up)) {
		if (reason == PTG_CLOSE_RESET)
			s->in->st.resets++;
		ptg_abort(s->be);
	}
	sess_leave(s);
}

/* ---- backend side --------------------------------------------------------- */

static size_t
b_data(struct ptg_conn *b, const void *data, size_t len)
{
	struct proxy_sess *s = ptg_conn_ctx(b);
	size_t n;

	if (s == NULL)
		return len;
	sess_enter(s);
	n = relay(s, &s->down, b, data, len);
	sess_leave(s);
	return n;
}

static void
b_writable(struct ptg_conn *b)
{
	struct proxy_sess *s = ptg_conn_ctx(b);
	struct proxy_inst *in;
	ssize_t r;

	if (s == NULL)
		return;
	in = s->in;
	sess_enter(s);
	if (!s->be_up) {
		/* established: the backend is healthy again */
		rte_be32_t src, dst;
		uint16_t sport, dport;

		s->be_up = 1;
		in->be[s->bi].fails_in_row = 0;
		in->be[s->bi].down_until = 0;
		s->hdr_off = s->hdr_len = 0;
		if (in->cfg.proxy_version != 0 && s->cli != NULL) {
			ptg_conn_endpoints(s->cli, &dst, &dport, &src, &sport);
			s->hdr_len = (uint8_t)ptg_proxy_header(
				in->cfg.proxy_version, src, sport, dst, dport,
				s->hdr);
		}
	}
	if (s->hdr_off < s->hdr_len) {
		r = ptg_send(b, s->hdr + s->hdr_off, s->hdr_len - s->hdr_off);
		if (r < 0) {
			sess_fail(s);
			goto out;
		}
		s->hdr_off = (uint8_t)(s->hdr_off + r);
		if (s->hdr_off < s->hdr_len)
			goto out; /* on_writable again */
	}
	if (spill_flush(s, &s->up) < 0) {
		sess_fail(s);
		goto out;
	}
	if (!spill_pending(&s->up) && s->cli != NULL)
		ptg_recv_resume(s->cli);
	if (s->be != NULL)
		dir_fin(s, &s->up);
out:
	sess_leave(s);
}

static void
b_fin(struct ptg_conn *b)
{
	struct proxy_sess *s = ptg_conn_ctx(b);

	if (s == NULL)
		return;
	sess_enter(s);
	s->down.fin = 1;
	dir_fin(s, &s->down);
	sess_leave(s);
}

static void
b_close(struct ptg_conn *b, enum ptg_close_reason reason)
{
	struct proxy_sess *s = ptg_conn_ctx(b);
	struct proxy_inst *in;
	struct ptg_tcp *tcp = ptg_conn_tcp(b);

	if (s == NULL)
		return;
	in = s->in;
	sess_enter(s);
	s->be = NULL;
	ptg_conn_set_ctx(b, NULL);
	in->be[s->bi].active--;
	if (!s->be_up) {
		if (reason == PTG_CLOSE_REFUSED || reason == PTG_CLOSE_TIMEOUT) {
			/* passive health check: down, then the next one */
			be_down(in, &in->be[s->bi], ptg_tcp_now(tcp));
			if (s->cli != NULL) {
				if (be_open(s, tcp) == 0) {
					in->st.retries++;
				} else {
					in->st.no_backend++;
					ptg_abort(s->cli);
				}
			}
		} else if (s->cli != NULL) {
			ptg_abort(s->cli);
		}
	} else if (reason != PTG_CLOSE_NORMAL && s->cli != NULL) {
		if (reason == PTG_CLOSE_RESET)
			in->st.resets++;
		ptg_abort(s->cli);
	}
	sess_leave(s);
}

static const struct ptg_conn_ops proxy_be_ops = {
	.size = PTG_CONN_OPS_SIZE,
	.on_data = b_data,
	.on_writable = b_writable,
	.on_fin = b_fin,
	.on_close = b_close,
};

const struct ptg_service_ops ptg_service_proxy = {
	.size = PTG_SERVICE_OPS_SIZE,
	.name = "proxy",
	.init = proxy_init,
	.fini = proxy_fini,
	.conn = {
		.size = PTG_CONN_OPS_SIZE,
		.on_accept = c_accept,
		.on_data = c_data,
		.on_writable = c_writable,
		.on_fin = c_fin,
		.on_close = c_close,
	},
	.stat_names = proxy_stat_names,
	.stats = proxy_stats,
};
