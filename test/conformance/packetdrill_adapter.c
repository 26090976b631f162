/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * packetdrill adapter: a shared object that packetdrill loads with
 * --so_filename to test portgate's TCP through the socket API
 * (lib/socket/ptg_socket.h).
 *
 *   packetdrill_interface_init(flags) -> EAL (once) -> mempool
 *        -> ptg_socket_stack_create(backend = this adapter)
 *   script system calls -> ifc.socket/bind/... -> ptg_socket_*()
 *   script "<" packets  -> ifc.netdev_send() -> Ethernet frame
 *        -> in queue -> backend rx (the stack's poll thread); netdev_send
 *        returns once the stack has processed it (in_wait())
 *   the stack's frames  -> backend tx -> ARP: answered here, at once;
 *        IPv4: Ethernet stripped -> out queue -> ifc.netdev_receive()
 *        (which gives up at the packet's expected time plus tolerance:
 *        see "expected times" below)
 *
 * packetdrill talks IPv4 without a link layer, so the adapter plays the
 * link: every address the stack asks ARP about is at one fixed MAC.
 *
 * The interface struct is declared here from what packetdrill documents
 * (gtests/net/packetdrill/packetdrill.h): a userdata pointer followed by
 * function pointers, in a fixed order. Nothing of packetdrill is included.
 *
 * Flags (--so_flags, comma or space separated KEY=VALUE):
 *   ip=A.B.C.D[/N]   the stack's address (default 198.18.0.1/15)
 *   gw=A.B.C.D       gateway for off-link peers (default: none)
 *   mtu=N            IP MTU (default 1500)
 *   rcvbuf=N sndbuf=N wscale=N mss=N sack=0|1 ts=0|1
 *   syncookies=auto|always|never  acceptrst=0|1  cc=newreno|cubic
 *   backlog=N synq=N delack_ms=N rto_min_ms=N rto_init_ms=N rto_max_ms=N
 *   syn_retries=N synack_retries=N max_retries=N msl_ms=N
 *   chack_limit=N fin_wait2_ms=N
 *   rx_deadline=0|1  give up waiting for a packet the script expects once
 *                    its time plus tolerance has passed (default 1)
 *   rx_slack_ms=N    more time past that tolerance (default 50)
 *   debug=1          print every frame on stderr
 * A bad flag stops packetdrill with a message naming it (exit status 2):
 * packetdrill's init hook has no way to report an error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ptg_socket.h"

/* ---- packetdrill's interface, as documented ---------------------------------- */

/*
 * Field order and types follow packetdrill's documented struct
 * packetdrill_interface: the caller's userdata comes first, then one
 * function per system call, the two netdev hooks, time, epoll, pipe and
 * splice. Each function gets the userdata as its first argument.
 */
struct pd_ifc {
	void *userdata;
	void (*free)(void *ud);
	int (*socket)(void *ud, int domain, int type, int protocol);
	int (*bind)(void *ud, int fd, const struct sockaddr *a, socklen_t l);
	int (*listen)(void *ud, int fd, int backlog);
	int (*accept)(void *ud, int fd, struct sockaddr *a, socklen_t *l);
	int (*connect)(void *ud, int fd, const struct sockaddr *a, socklen_t l);
	ssize_t (*read)(void *ud, int fd, void *buf, size_t n);
	ssize_t (*readv)(void *ud, int fd, const struct iovec *iov, int cnt);
	ssize_t (*recv)(void *ud, int fd, void *buf, size_t n, int flags);
	ssize_t (*recvfrom)(void *ud, int fd, void *buf, size_t n, int flags,
			    struct sockaddr *a, socklen_t *l);
	ssize_t (*recvmsg)(void *ud, int fd, struct msghdr *m, int flags);
	ssize_t (*write)(void *ud, int fd, const void *buf, size_t n);
	ssize_t (*writev)(void *ud, int fd, const struct iovec *iov, int cnt);
	ssize_t (*send)(void *ud, int fd, const void *buf, size_t n, int flags);
	ssize_t (*sendto)(void *ud, int fd, const void *buf, size_t n,
			  int flags, const struct sockaddr *a, socklen_t l);
	ssize_t (*sendmsg)(void *ud, int fd, const struct msghdr *m, int flags);
	int (*fcntl)(void *ud, int fd, int cmd, ...);
	int (*ioctl)(void *ud, int fd, unsigned long req, ...);
	int (*close)(void *ud, int fd);
	int (*shutdown)(void *ud, int fd, int how);
	int (*getsockopt)(void *ud, int fd, int level, int name, void *val,
			  socklen_t *len);
	int (*setsockopt)(void *ud, int fd, int level, int name,
			  const void *val, socklen_t len);
	int (*poll)(void *ud, struct pollfd *fds, nfds_t n, int timeout);
	/* Inject one IPv4 packet into the stack: 0, or -1. */
	int (*netdev_send)(void *ud, const void *buf, size_t n);
	/* Next IPv4 packet the stack sent: waits for one; *n is the buffer
	 * size in, the packet size out; *usecs its send time. 0, or -1. */
	int (*netdev_receive)(void *ud, void *buf, size_t *n, long long *usecs);
	int (*usleep)(void *ud, useconds_t usec);
	int (*gettimeofday)(void *ud, struct timeval *tv, void *tz);
	int (*epoll_create)(void *ud, int size);
	int (*epoll_ctl)(void *ud, int epfd, int op, int fd,
			 struct epoll_event *ev);
	int (*epoll_wait)(void *ud, int epfd, struct epoll_event *ev, int max,
			  int timeout);
	int (*pipe)(void *ud, int fds[2]);
	int (*splice)(void *ud, int in, loff_t *off_in, int out,
		      loff_t *off_out, size_t len, unsigned int flags);
};

void packetdrill_interface_init(const char *flags, struct pd_ifc *ifc);

/* ---- the adapter -------------------------------------------------------------- */

#define IN_CAP 4096              /* frames waiting for the stack */
#define OUT_CAP 65536            /* packets waiting for packetdrill */
#define POOL_MBUFS 16383

/* The link partner's MAC: every neighbour of the stack is here. */
static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr stack_mac = {
	.addr_bytes = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

struct out_pkt {
	struct out_pkt *next;
	long long usecs;
	size_t len;
	uint8_t data[];
};

struct adapter {
	struct ptg_socket_stack *st;
	struct rte_mempool *mp;
	int debug;

	/* frames for the stack (netdev_send, ARP replies) */
	pthread_mutex_t in_lock;
	pthread_cond_t in_cond;
	struct rte_mbuf *in[IN_CAP];
	unsigned int in_head, in_count;
	unsigned long in_dropped;
	uint64_t in_pushed;       /* frames queued, ever */
	uint64_t in_taken;        /* frames handed to the stack, ever */
	uint64_t in_done;         /* ... and processed by it */
	pthread_cond_t done_cond;

	/* packets for packetdrill (netdev_receive) */
	pthread_mutex_t out_lock;
	pthread_cond_t out_cond;
	struct out_pkt *out_head, *out_tail;
	unsigned int out_count;
	unsigned long out_dropped, tx_other;

	struct pd_script *script; /* expected times; NULL: wait forever */
	long long first_call_us;  /* packetdrill's first call (monotonic) */
	int rx_deadline;
	long long rx_slack_us;
};

static int eal_ready;
static unsigned int nb_inits;  /* scripts of this packetdrill run so far */

static long long
now_usecs(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

static long long
mono_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* ---- expected times ------------------------------------------------------------ */

/*
 * packetdrill's netdev_receive hook has no timeout: packetdrill computes
 * one for its own devices and calls the hook once per outbound packet of
 * the script, straight away (it checks the time after). A stack that
 * stays silent would keep the script waiting until the runner's timeout.
 * So the adapter reads the script itself: the time of each outbound
 * ("... >") event, and the options packetdrill times them with
 * (--tolerance_usecs, --tolerance_percent, --strict_segments, from the
 * script and then its command line, which wins). The n-th call of the
 * hook belongs to the n-th outbound event (with --strict_segments one
 * packet each; without, packets until the event's payload is reached, as
 * packetdrill merges them). When the event's time plus its tolerance
 * (plus rx_slack_ms) has passed and nothing came, the hook returns an
 * empty packet, which packetdrill reports as an error at that line.
 *
 * Times: "+T" counts from the moment packetdrill reaches the event, which
 * is just before it calls the hook; "T" from the script's start, taken as
 * packetdrill's first call into the adapter (a little after it, so the
 * deadline errs late, never early); "*" has no deadline. A script that
 * cannot be read, or more calls than outbound events, wait as before.
 */
#define PD_DEFAULT_TOLERANCE_US 4000  /* packetdrill's defaults */
#define PD_DEFAULT_TOLERANCE_PCT 12.5

enum { EXP_ANY, EXP_ABS, EXP_REL };

struct pd_expect {
	int line;
	int kind;                 /* EXP_* */
	long long end_us;         /* the event's time, or its range's end */
	long long payload;        /* bytes the script expects */
};

struct pd_script {
	char path[512];
	struct pd_expect *ev;
	unsigned int nb, cap;
	long long tol_us;
	double tol_pct;
	int strict;
	/* the event being waited for */
	unsigned int next;
	int armed;
	long long deadline_us;    /* monotonic; -1: none */
	long long payload_seen;
};

/* "0", "+.01", "1.5~2", "+0~+.1", "*": a packetdrill event time at @p p.
 * Returns the characters used, 0 if @p p does not start with one. */
static size_t
parse_event_time(const char *p, int *kind, long long *end_us)
{
	const char *q = p;
	int rel = 0;
	double v;
	char *e;

	if (*q == '*') {
		*kind = EXP_ANY;
		*end_us = 0;
		return 1;
	}
	if (*q == '+') {
		rel = 1;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
	}
	if (!(*q >= '0' && *q <= '9') && *q != '.')
		return 0;
	v = strtod(q, &e);
	if (e == q || v < 0)
		return 0;
	q = e;
	if (*q == '~') {
		q++;
		if (rel && *q++ != '+')
			return 0;
		if (!(*q >= '0' && *q <= '9') && *q != '.')
			return 0;
		v = strtod(q, &e);
		if (e == q || v < 0)
			return 0;
		q = e;
	}
	*kind = rel ? EXP_REL : EXP_ABS;
	*end_us = (long long)(v * 1e6 + 0.5);
	return (size_t)(q - p);
}

/* The payload a "> flags start:end(len) ..." line expects: len. */
static long long
line_payload(const char *p)
{
	for (const char *q = strchr(p, '('); q != NULL; q = strchr(q + 1, '(')) {
		const char *d = q;

		while (d > p && d[-1] >= '0' && d[-1] <= '9')
			d--;
		if (d < q && d > p && d[-1] == ':' && q[1] >= '0' && q[1] <= '9')
			return strtoll(q + 1, NULL, 10);
	}
	return 0;
}

/* One option of packetdrill's that sets how it times events. */
static void
script_option(struct pd_script *sc, const char *opt, const char *next_arg)
{
	const char *v;

	if (strncmp(opt, "--tolerance_usecs", 17) == 0) {
		v = opt[17] == '=' ? opt + 18 : opt[17] == '\0' ? next_arg : NULL;
		if (v != NULL && atoll(v) > 0)
			sc->tol_us = atoll(v);
	} else if (strncmp(opt, "--tolerance_percent", 19) == 0) {
		v = opt[19] == '=' ? opt + 20 : opt[19] == '\0' ? next_arg : NULL;
		if (v != NULL)
			sc->tol_pct = atof(v);
	} else if (strcmp(opt, "--strict_segments") == 0) {
		sc->strict = 1;
	}
}

static int
script_add(struct pd_script *sc, int line, int kind, long long end_us,
	   long long payload)
{
	if (sc->nb == sc->cap) {
		unsigned int cap = sc->cap ? 2 * sc->cap : 64;
		struct pd_expect *ev = realloc(sc->ev, cap * sizeof(*ev));

		if (ev == NULL)
			return -1;
		sc->ev = ev;
		sc->cap = cap;
	}
	sc->ev[sc->nb++] = (struct pd_expect){ .line = line, .kind = kind,
		.end_us = end_us, .payload = payload };
	return 0;
}

/* Read @p path: its option lines and its outbound events. 0, or -1 when
 * it is not a script (no event at all) or cannot be read. */
static int
script_read(struct pd_script *sc, const char *path)
{
	char buf[4096];
	int line = 0, in_comment = 0, in_code = 0, events = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	if (fread(buf, 1, 4, f) == 4 && memcmp(buf, "\177ELF", 4) == 0) {
		fclose(f);
		return -1;
	}
	rewind(f);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		const char *p = buf;
		long long end_us;
		size_t n;
		int kind;

		line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (in_comment || in_code) {
			const char *close = strstr(p, in_comment ? "*/" : "}%");

			if (close == NULL)
				continue;
			in_comment = in_code = 0;
			p = close + 2;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		if (strncmp(p, "/*", 2) == 0) {
			const char *close = strstr(p + 2, "*/");

			if (close == NULL) {
				in_comment = 1;
				continue;
			}
			p = close + 2;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		if (strncmp(p, "--", 2) == 0) {
			char opt[128];

			sscanf(p, "%127s", opt);
			script_option(sc, opt, NULL);
			continue;
		}
		n = parse_event_time(p, &kind, &end_us);
		if (n == 0 || (p[n] != ' ' && p[n] != '\t'))
			continue;
		events++;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "%{", 2) == 0 && strstr(p, "}%") == NULL)
			in_code = 1;
		if (*p == '>' && script_add(sc, line, kind, end_us,
					    line_payload(p)) != 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return events > 0 ? 0 : -1;
}

/*
 * The script of this run: packetdrill's arguments are in
 * /proc/self/cmdline ("packetdrill [options] script..."), and it loads
 * the adapter once per script, in order. Its options override the
 * script's.
 */
static struct pd_script *
script_load(unsigned int index)
{
	char *args[256], raw[16384];
	int argc = 0, first, k;
	unsigned int seen = 0;
	struct pd_script *sc;
	size_t len;
	FILE *f = fopen("/proc/self/cmdline", "r");

	if (f == NULL)
		return NULL;
	len = fread(raw, 1, sizeof(raw) - 1, f);
	fclose(f);
	raw[len] = '\0';
	for (size_t i = 0; i < len && argc < (int)RTE_DIM(args); ) {
		args[argc++] = raw + i;
		i += strlen(raw + i) + 1;
	}
	/* The scripts are the arguments after the last option. */
	for (first = argc; first > 1 && args[first - 1][0] != '-'; first--)
		;
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return NULL;
	for (k = first; k < argc; k++) {
		sc->nb = 0;
		sc->tol_us = PD_DEFAULT_TOLERANCE_US;
		sc->tol_pct = PD_DEFAULT_TOLERANCE_PCT;
		sc->strict = 0;
		/* An option's value given apart ("--x VALUE") is no script. */
		if (script_read(sc, args[k]) != 0)
			continue;
		if (seen++ == index)
			break;
	}
	if (k == argc) {
		free(sc->ev);
		free(sc);
		return NULL;
	}
	snprintf(sc->path, sizeof(sc->path), "%s", args[k]);
	for (int i = 1; i < first; i++)
		script_option(sc, args[i], i + 1 < argc ? args[i + 1] : NULL);
	sc->deadline_us = -1;
	return sc;
}

static void
script_free(struct pd_script *sc)
{
	if (sc == NULL)
		return;
	free(sc->ev);
	free(sc);
}

/* The deadline of the event the next packet belongs to (monotonic), or
 * -1 for none. Called as packetdrill starts waiting for it. */
static long long
rx_deadline(struct adapter *ad)
{
	struct pd_script *sc = ad->script;
	const struct pd_expect *e;
	long long tol;

	if (sc == NULL || !ad->rx_deadline || sc->next >= sc->nb)
		return -1;
	if (sc->armed)
		return sc->deadline_us;
	e = &sc->ev[sc->next];
	sc->armed = 1;
	sc->payload_seen = 0;
	tol = (long long)(sc->tol_pct / 100.0 * (double)e->end_us);
	tol = RTE_MAX(tol, sc->tol_us);
	switch (e->kind) {
	case EXP_REL:
		sc->deadline_us = mono_usecs() + e->end_us + tol + ad->rx_slack_us;
		break;
	case EXP_ABS:
		sc->deadline_us = ad->first_call_us + e->end_us + tol +
				  ad->rx_slack_us;
		break;
	default:
		sc->deadline_us = -1;
		break;
	}
	return sc->deadline_us;
}

/* A packet of @p payload bytes went to packetdrill: the event is done
 * unless packetdrill merges more into it. */
static void
rx_delivered(struct adapter *ad, long long payload)
{
	struct pd_script *sc = ad->script;

	if (sc == NULL || !sc->armed)
		return;
	sc->payload_seen += payload;
	if (sc->strict || sc->payload_seen >= sc->ev[sc->next].payload) {
		sc->next++;
		sc->armed = 0;
	}
}

/* TCP payload bytes of an IPv4 packet. */
static long long
ip_tcp_payload(const uint8_t *p, size_t len)
{
	size_t ihl, doff, tot;

	if (len < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
		return 0;
	ihl = (p[0] & 0xf) * 4u;
	tot = ((size_t)p[2] << 8) | p[3];
	if (len < ihl + 20 || tot > len)
		return 0;
	doff = (p[ihl + 12] >> 4) * 4u;
	return tot > ihl + doff ? (long long)(tot - ihl - doff) : 0;
}

static void
die_flag(const char *what, const char *val)
{
	fprintf(stderr, "ptg_packetdrill: bad --so_flags %s%s%s\n", what,
		val ? ": " : "", val ? val : "");
	exit(2);
}

/* Queue a frame for the stack's poll thread; takes @p m. Returns its
 * number (for in_wait()), or 0 when the queue was full. */
static uint64_t
in_push(struct adapter *ad, struct rte_mbuf *m)
{
	uint64_t seq = 0;

	pthread_mutex_lock(&ad->in_lock);
	if (ad->in_count == IN_CAP) {
		ad->in_dropped++;
		rte_pktmbuf_free(m);
	} else {
		ad->in[(ad->in_head + ad->in_count) % IN_CAP] = m;
		ad->in_count++;
		seq = ++ad->in_pushed;
		pthread_cond_signal(&ad->in_cond);
	}
	pthread_mutex_unlock(&ad->in_lock);
	return seq;
}

/*
 * Wait until the stack has processed frame @p seq. packetdrill expects an
 * injected packet to have been handled before its next event (a kernel
 * handles a tun write in the writer's context); without this wait a
 * system call at the same instant could overtake the packet.
 */
static void
in_wait(struct adapter *ad, uint64_t seq)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 2; /* a stuck poll thread shows up as a script error */
	pthread_mutex_lock(&ad->in_lock);
	while (ad->in_done < seq &&
	       pthread_cond_timedwait(&ad->done_cond, &ad->in_lock, &ts) == 0)
		;
	pthread_mutex_unlock(&ad->in_lock);
}

/* An Ethernet frame of @p len bytes from @p hdr + @p body (a chain when
 * longer than one mbuf). NULL when the pool is empty. */
static struct rte_mbuf *
frame_build(struct adapter *ad, const void *hdr, size_t hlen,
	    const void *body, size_t blen)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(ad->mp), *seg = head;
	const uint8_t *src = body;
	size_t done = 0;

	if (head == NULL)
		return NULL;
	memcpy(rte_pktmbuf_append(head, (uint16_t)hlen), hdr, hlen);
	while (done < blen) {
		size_t room = rte_pktmbuf_tailroom(seg), n;

		if (room == 0) {
			struct rte_mbuf *next = rte_pktmbuf_alloc(ad->mp);

			if (next == NULL ||
			    rte_pktmbuf_chain(head, next) != 0) {
				rte_pktmbuf_free(next);
				rte_pktmbuf_free(head);
				return NULL;
			}
			seg = next;
			continue;
		}
		n = RTE_MIN(room, blen - done);
		memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len),
		       src + done, n);
		seg->data_len = (uint16_t)(seg->data_len + n);
		head->pkt_len += (uint32_t)n;
		done += n;
	}
	return head;
}

/* The stack asked who has @p tip: "at peer_mac", straight back. */
static void
arp_answer(struct adapter *ad, const struct rte_arp_hdr *req)
{
	uint8_t buf[sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)];
	struct rte_ether_hdr eth;
	struct rte_arp_hdr arp;
	struct rte_mbuf *m;

	memset(&eth, 0, sizeof(eth));
	memset(&arp, 0, sizeof(arp));
	eth.dst_addr = req->arp_data.arp_sha;
	eth.src_addr = peer_mac;
	eth.ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp.arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp.arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp.arp_hlen = RTE_ETHER_ADDR_LEN;
	arp.arp_plen = 4;
	arp.arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp.arp_data.arp_sha = peer_mac;
	arp.arp_data.arp_sip = req->arp_data.arp_tip;
	arp.arp_data.arp_tha = req->arp_data.arp_sha;
	arp.arp_data.arp_tip = req->arp_data.arp_sip;
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &arp, sizeof(arp));
	m = frame_build(ad, buf, sizeof(buf), NULL, 0);
	if (m != NULL)
		in_push(ad, m);
}

static void
out_push(struct adapter *ad, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len - (uint32_t)sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr iph;
	const struct rte_ipv4_hdr *ip;
	struct out_pkt *p;

	ip = rte_pktmbuf_read(m, sizeof(struct rte_ether_hdr), sizeof(iph),
			      &iph);
	if (ip == NULL)
		return;
	/* Link padding is not part of the datagram. */
	if (rte_be_to_cpu_16(ip->total_length) < len)
		len = rte_be_to_cpu_16(ip->total_length);
	p = malloc(sizeof(*p) + len);
	if (p == NULL)
		return;
	p->next = NULL;
	p->len = len;
	p->usecs = now_usecs();
	if (rte_pktmbuf_read(m, sizeof(struct rte_ether_hdr), len, p->data) !=
	    p->data)
		memcpy(p->data, rte_pktmbuf_mtod_offset(m, void *,
			sizeof(struct rte_ether_hdr)), len);
	pthread_mutex_lock(&ad->out_lock);
	if (ad->out_count == OUT_CAP) {
		ad->out_dropped++;
		free(p);
	} else {
		if (ad->out_tail != NULL)
			ad->out_tail->next = p;
		else
			ad->out_head = p;
		ad->out_tail = p;
		ad->out_count++;
		pthread_cond_signal(&ad->out_cond);
	}
	pthread_mutex_unlock(&ad->out_lock);
}

/* The stack's transmit (called under its lock: never calls back in). */
static uint16_t
backend_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct adapter *ad = arg;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr ethb;
		const struct rte_ether_hdr *eth;

		eth = rte_pktmbuf_read(m, 0, sizeof(ethb), &ethb);
		if (eth == NULL) {
			ad->tx_other++;
		} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
			struct rte_arp_hdr arpb;
			const struct rte_arp_hdr *arp;

			arp = rte_pktmbuf_read(m, sizeof(ethb), sizeof(arpb),
					       &arpb);
			if (arp != NULL &&
			    arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST))
				arp_answer(ad, arp);
		} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
			out_push(ad, m);
		} else {
			ad->tx_other++;
		}
		if (ad->debug)
			fprintf(stderr, "ptg_packetdrill: tx %u bytes\n",
				m->pkt_len);
		rte_pktmbuf_free(m);
	}
	return n;
}

static uint16_t
backend_rx(void *arg, struct rte_mbuf **pkts, uint16_t n, uint64_t wait_ns)
{
	struct adapter *ad = arg;
	uint16_t got = 0;

	pthread_mutex_lock(&ad->in_lock);
	/* The poll thread is back for more: what it took before has been
	 * through the engine. */
	if (ad->in_done != ad->in_taken) {
		ad->in_done = ad->in_taken;
		pthread_cond_broadcast(&ad->done_cond);
	}
	if (ad->in_count == 0 && wait_ns > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)wait_ns;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ad->in_cond, &ad->in_lock, &ts);
	}
	while (got < n && ad->in_count > 0) {
		pkts[got++] = ad->in[ad->in_head];
		ad->in_head = (ad->in_head + 1) % IN_CAP;
		ad->in_count--;
	}
	ad->in_taken += got;
	pthread_mutex_unlock(&ad->in_lock);
	return got;
}

/* ---- netdev hooks -------------------------------------------------------------- */

/* packetdrill's first call into the adapter (not its clock): the script
 * has started. */
static void
first_call(struct adapter *ad)
{
	if (ad->first_call_us == 0)
		ad->first_call_us = mono_usecs();
}

static int
pd_netdev_send(void *ud, const void *buf, size_t n)
{
	struct adapter *ad = ud;
	struct rte_ether_hdr eth;
	struct rte_mbuf *m;
	uint64_t seq;

	first_call(ad);

	if (n < sizeof(struct rte_ipv4_hdr) || (((const uint8_t *)buf)[0] >> 4) != 4) {
		errno = EAFNOSUPPORT; /* IPv4 only */
		return -1;
	}
	eth.dst_addr = stack_mac;
	eth.src_addr = peer_mac;
	eth.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	m = frame_build(ad, &eth, sizeof(eth), buf, n);
	if (m == NULL) {
		errno = ENOBUFS;
		return -1;
	}
	if (ad->debug)
		fprintf(stderr, "ptg_packetdrill: rx %zu bytes\n", n);
	seq = in_push(ad, m);
	if (seq == 0) {
		errno = ENOBUFS;
		return -1;
	}
	in_wait(ad, seq);
	return 0;
}

static int
pd_netdev_receive(void *ud, void *buf, size_t *n, long long *usecs)
{
	struct adapter *ad = ud;
	struct out_pkt *p;
	long long deadline;

	first_call(ad);
	deadline = rx_deadline(ad);
	/* packetdrill asks only when the script expects a packet: wait for
	 * one until the script's time for it has passed. */
	pthread_mutex_lock(&ad->out_lock);
	while (ad->out_head == NULL) {
		struct timespec ts;

		if (deadline < 0) {
			pthread_cond_wait(&ad->out_cond, &ad->out_lock);
			continue;
		}
		if (mono_usecs() >= deadline)
			break;
		ts.tv_sec = deadline / 1000000LL;
		ts.tv_nsec = (deadline % 1000000LL) * 1000L;
		pthread_cond_timedwait(&ad->out_cond, &ad->out_lock, &ts);
	}
	p = ad->out_head;
	if (p == NULL) {
		const struct pd_expect *e = &ad->script->ev[ad->script->next];

		pthread_mutex_unlock(&ad->out_lock);
		/* An empty packet: packetdrill fails the script at the
		 * event's line (run.sh retries timing errors once). */
		fprintf(stderr, "ptg_packetdrill: timing error: %s:%d: the "
			"stack sent nothing by the expected time plus "
			"tolerance (and %lld ms)\n", ad->script->path, e->line,
			ad->rx_slack_us / 1000);
		*n = 0;
		*usecs = now_usecs();
		return 0;
	}
	ad->out_head = p->next;
	if (ad->out_head == NULL)
		ad->out_tail = NULL;
	ad->out_count--;
	pthread_mutex_unlock(&ad->out_lock);
	if (p->len < *n)
		*n = p->len;
	memcpy(buf, p->data, *n);
	*usecs = p->usecs;
	rx_delivered(ad, ip_tcp_payload(p->data, p->len));
	free(p);
	return 0;
}

/* ---- system calls --------------------------------------------------------------- */

static struct ptg_socket_stack *
stack_of(void *ud)
{
	struct adapter *ad = ud;

	first_call(ad);
	return ad->st;
}

#define AD(ud) stack_of(ud)

static int
pd_socket(void *ud, int domain, int type, int protocol)
{
	return ptg_socket(AD(ud), domain, type, protocol);
}

static int
pd_bind(void *ud, int fd, const struct sockaddr *a, socklen_t l)
{
	return ptg_socket_bind(AD(ud), fd, a, l);
}

static int
pd_listen(void *ud, int fd, int backlog)
{
	return ptg_socket_listen(AD(ud), fd, backlog);
}

static int
pd_accept(void *ud, int fd, struct sockaddr *a, socklen_t *l)
{
	return ptg_socket_accept(AD(ud), fd, a, l);
}

static int
pd_connect(void *ud, int fd, const struct sockaddr *a, socklen_t l)
{
	return ptg_socket_connect(AD(ud), fd, a, l);
}

static ssize_t
pd_read(void *ud, int fd, void *buf, size_t n)
{
	return ptg_socket_read(AD(ud), fd, buf, n);
}

static ssize_t
pd_readv(void *ud, int fd, const struct iovec *iov, int cnt)
{
	return ptg_socket_readv(AD(ud), fd, iov, cnt);
}

static ssize_t
pd_recv(void *ud, int fd, void *buf, size_t n, int flags)
{
	return ptg_socket_recv(AD(ud), fd, buf, n, flags);
}

static ssize_t
pd_recvfrom(void *ud, int fd, void *buf, size_t n, int flags,
	    struct sockaddr *a, socklen_t *l)
{
	return ptg_socket_recvfrom(AD(ud), fd, buf, n, flags, a, l);
}

static ssize_t
pd_recvmsg(void *ud, int fd, struct msghdr *m, int flags)
{
	return ptg_socket_recvmsg(AD(ud), fd, m, flags);
}

static ssize_t
pd_write(void *ud, int fd, const void *buf, size_t n)
{
	return ptg_socket_write(AD(ud), fd, buf, n);
}

static ssize_t
pd_writev(void *ud, int fd, const struct iovec *iov, int cnt)
{
	return ptg_socket_writev(AD(ud), fd, iov, cnt);
}

static ssize_t
pd_send(void *ud, int fd, const void *buf, size_t n, int flags)
{
	return ptg_socket_send(AD(ud), fd, buf, n, flags);
}

static ssize_t
pd_sendto(void *ud, int fd, const void *buf, size_t n, int flags,
	  const struct sockaddr *a, socklen_t l)
{
	return ptg_socket_sendto(AD(ud), fd, buf, n, flags, a, l);
}

static ssize_t
pd_sendmsg(void *ud, int fd, const struct msghdr *m, int flags)
{
	return ptg_socket_sendmsg(AD(ud), fd, m, flags);
}

static int
pd_fcntl(void *ud, int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return ptg_socket_fcntl(AD(ud), fd, cmd, arg);
}

static int
pd_ioctl(void *ud, int fd, unsigned long req, ...)
{
	va_list ap;
	void *argp;

	va_start(ap, req);
	argp = va_arg(ap, void *);
	va_end(ap);
	return ptg_socket_ioctl(AD(ud), fd, req, argp);
}

static int
pd_close(void *ud, int fd)
{
	if (!ptg_socket_is_ours(AD(ud), fd))
		return close(fd); /* a pipe of the script's */
	return ptg_socket_close(AD(ud), fd);
}

static int
pd_shutdown(void *ud, int fd, int how)
{
	return ptg_socket_shutdown(AD(ud), fd, how);
}

static int
pd_getsockopt(void *ud, int fd, int level, int name, void *val,
	      socklen_t *len)
{
	return ptg_socket_getsockopt(AD(ud), fd, level, name, val, len);
}

static int
pd_setsockopt(void *ud, int fd, int level, int name, const void *val,
	      socklen_t len)
{
	return ptg_socket_setsockopt(AD(ud), fd, level, name, val, len);
}

static int
pd_poll(void *ud, struct pollfd *fds, nfds_t n, int timeout)
{
	return ptg_socket_poll(AD(ud), fds, n, timeout);
}

static int
pd_usleep(void *ud, useconds_t usec)
{
	(void)ud;
	return usleep(usec);
}

static int
pd_gettimeofday(void *ud, struct timeval *tv, void *tz)
{
	(void)ud;
	(void)tz;
	return gettimeofday(tv, NULL);
}

static int
pd_epoll_create(void *ud, int size)
{
	return ptg_socket_epoll_create(AD(ud), size);
}

static int
pd_epoll_ctl(void *ud, int epfd, int op, int fd, struct epoll_event *ev)
{
	return ptg_socket_epoll_ctl(AD(ud), epfd, op, fd, ev);
}

static int
pd_epoll_wait(void *ud, int epfd, struct epoll_event *ev, int max,
	      int timeout)
{
	return ptg_socket_epoll_wait(AD(ud), epfd, ev, max, timeout);
}

static int
pd_pipe(void *ud, int fds[2])
{
	(void)ud;
	return pipe(fds);
}

static int
pd_splice(void *ud, int in, loff_t *off_in, int out, loff_t *off_out,
	  size_t len, unsigned int flags)
{
	if (ptg_socket_is_ours(AD(ud), in) || ptg_socket_is_ours(AD(ud), out)) {
		errno = EINVAL; /* no zero-copy path into the engine */
		return -1;
	}
	return (int)splice(in, off_in, out, off_out, len, flags);
}

static void
pd_free(void *ud)
{
	struct adapter *ad = ud;
	struct out_pkt *p;

	if (ad == NULL)
		return;
	ptg_socket_stack_free(ad->st);
	while (ad->in_count > 0) {
		rte_pktmbuf_free(ad->in[ad->in_head]);
		ad->in_head = (ad->in_head + 1) % IN_CAP;
		ad->in_count--;
	}
	while ((p = ad->out_head) != NULL) {
		ad->out_head = p->next;
		free(p);
	}
	rte_mempool_free(ad->mp);
	script_free(ad->script);
	pthread_cond_destroy(&ad->in_cond);
	pthread_cond_destroy(&ad->done_cond);
	pthread_mutex_destroy(&ad->in_lock);
	pthread_cond_destroy(&ad->out_cond);
	pthread_mutex_destroy(&ad->out_lock);
	free(ad);
}

/* ---- getopt under RTLD_DEEPBIND -------------------------------------------------- */

/*
 * packetdrill loads us with RTLD_DEEPBIND after running getopt_long() on
 * its own command line. Its executable holds copy-relocated optind and
 * optarg, which libc's getopt_long() reads and writes, while the EAL,
 * deep-bound, sees libc's own copies: it would restart parsing in one
 * copy while getopt_long() carries on from the other, skip every EAL
 * option (--no-pci included) and probe the host's devices. The EAL's
 * getopt_long() binds to this one first (deep binding puts our scope
 * ahead): it hands the EAL's view to the real one and copies the result
 * back. Where there is no copy relocation both views are the same object
 * and this is a plain call.
 */
typedef int (*getopt_long_fn)(int, char *const *, const char *,
			      const struct option *, int *);

int getopt_long(int argc, char *const argv[], const char *optstring,
		const struct option *longopts, int *longindex);

__attribute__((visibility("default"))) int
getopt_long(int argc, char *const argv[], const char *optstring,
	    const struct option *longopts, int *longindex)
{
	static getopt_long_fn real;
	static int *g_optind, *g_opterr, *g_optopt;
	static char **g_optarg;
	static int between = 1; /* no parse in progress */
	int rc;

	if (real == NULL) {
		/* The executable's copies, which libc's getopt_long() uses
		 * (a handle on the main program, not RTLD_DEFAULT: from a
		 * deep-bound object that finds our own scope's first). */
		void *exe = dlopen(NULL, RTLD_NOW);

		real = (getopt_long_fn)dlsym(RTLD_NEXT, "getopt_long");
		g_optind = exe ? dlsym(exe, "optind") : NULL;
		g_opterr = exe ? dlsym(exe, "opterr") : NULL;
		g_optopt = exe ? dlsym(exe, "optopt") : NULL;
		g_optarg = exe ? dlsym(exe, "optarg") : NULL;
		if (real == NULL || g_optind == NULL || g_opterr == NULL ||
		    g_optopt == NULL || g_optarg == NULL) {
			fprintf(stderr, "ptg_packetdrill: getopt_long: %s\n",
				dlerror());
			exit(2);
		}
	}
	/* A new parse (optind 0 or 1 between parses) restarts getopt's own
	 * state too: optind 0 is how glibc is told to. */
	*g_optind = between && optind <= 1 ? 0 : optind;
	*g_opterr = opterr;
	rc = real(argc, argv, optstring, longopts, longindex);
	between = rc == -1;
	optind = *g_optind;
	optarg = *g_optarg;
	optopt = *g_optopt;
	return rc;
}

/* ---- set-up -------------------------------------------------------------------- */

static void
eal_init(void)
{
	char prefix[64], lcores[32];
	char *argv[16];
	int argc = 0, cpu;
	cpu_set_t saved;

	if (eal_ready)
		return;
	if (pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
		CPU_ZERO(&saved);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &saved); cpu++)
		;
	if (cpu == CPU_SETSIZE)
		cpu = 0;
	snprintf(prefix, sizeof(prefix), "--file-prefix=ptgpd%ld",
		 (long)getpid());
	snprintf(lcores, sizeof(lcores), "--lcores=0@%d", cpu);
	argv[argc++] = (char *)"ptg_packetdrill";
	argv[argc++] = lcores;
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"256";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = prefix;
	argv[argc++] = (char *)"--log-level=*:error";
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "ptg_packetdrill: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		exit(2);
	}
	if (rte_eal_has_pci()) {
		/* Our options were not seen (see getopt_long() above): stop
		 * before anything touches a device. */
		fprintf(stderr, "ptg_packetdrill: the EAL ignored --no-pci\n");
		exit(2);
	}
	/* The EAL pinned this (packetdrill's main) thread: undo that. */
	if (CPU_COUNT(&saved) > 0)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	eal_ready = 1;
}

static unsigned long
num(const char *key, const char *val, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v > max ||
	    val[0] == '-')
		die_flag(key, val);
	return v;
}

static void
parse_flags(const char *flags, struct ptg_socket_config *cfg,
	    struct adapter *ad)
{
	char *copy, *tok, *save = NULL;

	if (flags == NULL)
		return;
	copy = strdup(flags);
	if (copy == NULL)
		die_flag("(out of memory)", NULL);
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		char *val = strchr(tok, '=');
		struct ptg_tcp_config *t = &cfg->tcp;

		if (val == NULL)
			die_flag("(expected KEY=VALUE)", tok);
		*val++ = '\0';
		if (strcmp(tok, "ip") == 0) {
			if (strchr(val, '/') != NULL) {
				if (ptg_net_parse_prefix(val, &cfg->net.addr,
							 &cfg->net.prefix_len))
					die_flag(tok, val);
			} else if (ptg_net_parse_ipv4(val, &cfg->net.addr)) {
				die_flag(tok, val);
			}
		} else if (strcmp(tok, "gw") == 0) {
			if (ptg_net_parse_ipv4(val, &cfg->net.gateway))
				die_flag(tok, val);
		} else if (strcmp(tok, "mtu") == 0) {
			cfg->net.mtu = (uint16_t)num(tok, val, 9000);
		} else if (strcmp(tok, "rcvbuf") == 0) {
			t->rcvbuf = (uint32_t)num(tok, val, 1u << 30);
		} else if (strcmp(tok, "sndbuf") == 0) {
			t->sndbuf = (uint32_t)num(tok, val, 1u << 30);
		} else if (strcmp(tok, "wscale") == 0) {
			t->wscale = (uint8_t)num(tok, val, 14);
		} else if (strcmp(tok, "mss") == 0) {
			t->mss = (uint16_t)num(tok, val, 65535);
		} else if (strcmp(tok, "sack") == 0) {
			t->sack = (uint8_t)num(tok, val, 1);
		} else if (strcmp(tok, "ts") == 0) {
			t->timestamps = (uint8_t)num(tok, val, 1);
		} else if (strcmp(tok, "acceptrst") == 0) {
			t->accept_overflow_rst = (uint8_t)num(tok, val, 1);
		} else if (strcmp(tok, "syncookies") == 0) {
			if (strcmp(val, "auto") == 0)
				t->syncookies = PTG_TCP_SYNCOOKIES_AUTO;
			else if (strcmp(val, "always") == 0)
				t->syncookies = PTG_TCP_SYNCOOKIES_ALWAYS;
			else if (strcmp(val, "never") == 0)
				t->syncookies = PTG_TCP_SYNCOOKIES_NEVER;
			else
				die_flag(tok, val);
		} else if (strcmp(tok, "cc") == 0) {
			static char cc[16];

			snprintf(cc, sizeof(cc), "%s", val);
			t->cc = cc;
		} else if (strcmp(tok, "backlog") == 0) {
			t->backlog = (uint32_t)num(tok, val, 65535);
		} else if (strcmp(tok, "synq") == 0) {
			t->syn_queue_len = (uint32_t)num(tok, val, 65535);
		} else if (strcmp(tok, "delack_ms") == 0) {
			t->delack_ns = num(tok, val, 500) * 1000000ULL;
		} else if (strcmp(tok, "rto_min_ms") == 0) {
			t->rto_min_ns = num(tok, val, 600000) * 1000000ULL;
		} else if (strcmp(tok, "rto_init_ms") == 0) {
			t->rto_initial_ns = num(tok, val, 600000) * 1000000ULL;
		} else if (strcmp(tok, "rto_max_ms") == 0) {
			t->rto_max_ns = num(tok, val, 3600000) * 1000000ULL;
		} else if (strcmp(tok, "syn_retries") == 0) {
			t->syn_retries = (uint32_t)num(tok, val, 255);
		} else if (strcmp(tok, "synack_retries") == 0) {
			t->synack_retries = (uint32_t)num(tok, val, 255);
		} else if (strcmp(tok, "max_retries") == 0) {
			t->max_retries = (uint32_t)num(tok, val, 255);
		} else if (strcmp(tok, "msl_ms") == 0) {
			t->msl_ns = num(tok, val, 3600000) * 1000000ULL;
		} else if (strcmp(tok, "chack_limit") == 0) {
			t->challenge_ack_limit = (uint32_t)num(tok, val, 1000000);
		} else if (strcmp(tok, "fin_wait2_ms") == 0) {
			t->fin_wait2_ns = num(tok, val, 3600000) * 1000000ULL;
		} else if (strcmp(tok, "rx_deadline") == 0) {
			ad->rx_deadline = (int)num(tok, val, 1);
		} else if (strcmp(tok, "rx_slack_ms") == 0) {
			ad->rx_slack_us = (long long)num(tok, val, 3600000) * 1000;
		} else if (strcmp(tok, "debug") == 0) {
			ad->debug = (int)num(tok, val, 1);
		} else {
			die_flag("(unknown key)", tok);
		}
	}
	free(copy);
}

static int
cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int rc;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	rc = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return rc;
}

__attribute__((visibility("default"))) void
packetdrill_interface_init(const char *flags, struct pd_ifc *ifc)
{
	struct ptg_socket_config cfg;
	struct adapter *ad;
	char name[RTE_MEMPOOL_NAMESIZE];

	ptg_socket_config_default(&cfg);
	cfg.net.mac = stack_mac;
	ptg_net_parse_prefix("198.18.0.1/15", &cfg.net.addr,
			     &cfg.net.prefix_len);
	cfg.tcp.max_conns = 1024;
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		fprintf(stderr, "ptg_packetdrill: out of memory\n");
		exit(2);
	}
	ad->rx_deadline = 1;
	ad->rx_slack_us = 50000;
	parse_flags(flags, &cfg, ad);
	ad->script = script_load(nb_inits++);
	if (ad->script == NULL && ad->rx_deadline)
		fprintf(stderr, "ptg_packetdrill: script not found in the "
			"command line: waiting for packets without deadline\n");
	eal_init();

	pthread_mutex_init(&ad->in_lock, NULL);
	cond_init_mono(&ad->in_cond);
	cond_init_mono(&ad->done_cond);
	pthread_mutex_init(&ad->out_lock, NULL);
	cond_init_mono(&ad->out_cond);
	snprintf(name, sizeof(name), "ptgpd_%ld", (long)getpid());
	/* No per-lcore cache: every thread here is a non-EAL thread. */
	ad->mp = rte_pktmbuf_pool_create(name, POOL_MBUFS, 0, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE,
					 SOCKET_ID_ANY);
	if (ad->mp == NULL) {
		fprintf(stderr, "ptg_packetdrill: mempool: %s\n",
			rte_strerror(rte_errno));
		exit(2);
	}
	cfg.mp = ad->mp;
	cfg.backend.name = "packetdrill";
	cfg.backend.tx = backend_tx;
	cfg.backend.rx = backend_rx;
	cfg.backend.arg = ad;
	ad->st = ptg_socket_stack_create(&cfg);
	if (ad->st == NULL) {
		fprintf(stderr, "ptg_packetdrill: stack: %s (check ip=, gw=, "
			"mtu= and the TCP flags)\n", rte_strerror(rte_errno));
		exit(2);
	}

	memset(ifc, 0, sizeof(*ifc));
	ifc->userdata = ad;
	ifc->free = pd_free;
	ifc->socket = pd_socket;
	ifc->bind = pd_bind;
	ifc->listen = pd_listen;
	ifc->accept = pd_accept;
	ifc->connect = pd_connect;
	ifc->read = pd_read;
	ifc->readv = pd_readv;
	ifc->recv = pd_recv;
	ifc->recvfrom = pd_recvfrom;
	ifc->recvmsg = pd_recvmsg;
	ifc->write = pd_write;
	ifc->writev = pd_writev;
	ifc->send = pd_send;
	ifc->sendto = pd_sendto;
	ifc->sendmsg = pd_sendmsg;
	ifc->fcntl = pd_fcntl;
	ifc->ioctl = pd_ioctl;
	ifc->close = pd_close;
	ifc->shutdown = pd_shutdown;
	ifc->getsockopt = pd_getsockopt;
	ifc->setsockopt = pd_setsockopt;
	ifc->poll = pd_poll;
	ifc->netdev_send = pd_netdev_send;
	ifc->netdev_receive = pd_netdev_receive;
	ifc->usleep = pd_usleep;
	ifc->gettimeofday = pd_gettimeofday;
	ifc->epoll_create = pd_epoll_create;
	ifc->epoll_ctl = pd_epoll_ctl;
	ifc->epoll_wait = pd_epoll_wait;
	ifc->pipe = pd_pipe;
	ifc->splice = pd_splice;
}
