#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send a fixed mix of malformed frames to portgate from a raw socket.

main() -> build_mix() -> KINDS[i].build() -> send_paced()

    ptg_malformed.py --iface IF --dst-mac MAC --src-ip A --dst-ip B
                     [--count N] [--list]

Each kind has exactly one defect, so it must raise exactly one named drop
counter of lib/net by one. The frames are spread round-robin over the kinds
and sent in small paced bursts so no kernel queue on the way overflows.
(A runt shorter than the Ethernet header cannot be sent: the kernel
rejects or pads raw frames below 14 bytes; the unit tests cover it.) On success it prints one line per
counter: "COUNTER EXPECTED_DELTA", which the integration tests compare with
portgate's counters.

Needs CAP_NET_RAW (run as root, inside the peer's namespace).
"""

import argparse
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_LOCAL_EXP = 0x88B5  # IEEE 802 local experimental ethertype 1
IPPROTO_ICMP = 1


def cksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


class Ctx:
    def __init__(self, dst_mac, src_mac, src_ip, dst_ip):
        self.dst_mac = dst_mac
        self.src_mac = src_mac
        self.src_ip = socket.inet_aton(src_ip)
        self.dst_ip = socket.inet_aton(dst_ip)
        self.seq = 0

    def eth(self, ethertype, dst=None):
        return (dst or self.dst_mac) + self.src_mac + struct.pack("!H", ethertype)

    def icmp_echo(self, payload=b"portgate-malformed"):
        self.seq = (self.seq + 1) & 0xFFFF
        hdr = struct.pack("!BBHHH", 8, 0, 0, 0x5054, self.seq)
        c = cksum(hdr + payload)
        return struct.pack("!BBHHH", 8, 0, c, 0x5054, self.seq) + payload

    def ipv4(self, payload, ttl=64, ihl=5, options=b"", frag=0,
             total_len=None, bad_cksum=False, proto=IPPROTO_ICMP,
             version=4):
        hlen = ihl * 4
        if total_len is None:
            total_len = 20 + len(options) + len(payload)
        hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0,
                          total_len, self.seq, frag, ttl, proto, 0,
                          self.src_ip, self.dst_ip) + options
        # The checksum covers what IHL says is the header (when sane).
        c = cksum(hdr[:hlen] if 20 <= hlen <= len(hdr) else hdr)
        if bad_cksum:
            c ^= 0x5A5A
        hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
        return hdr + payload

    def arp_request(self, target_ip):
        body = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1,
                           self.src_mac, self.src_ip, b"\0" * 6,
                           socket.inet_aton(target_ip))
        return self.eth(ETH_P_ARP, dst=b"\xff" * 6) + body


# (name, counter it must raise, builder). One defect per frame.
def k_runt(c):
    # An IPv4 frame cut after 10 bytes of its IP header.
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo())[:10]


def k_ethertype(c):
    return c.eth(ETH_P_LOCAL_EXP) + b"\0" * 46


def k_ihl(c):
    # IHL 4: a header shorter than the minimum 20 bytes (RFC 791 3.1).
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), ihl=4)


def k_ip_cksum(c):
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), bad_cksum=True)


def k_ttl0(c):
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), ttl=0)


def k_options(c):
    # IHL 6 with one 4-byte option (NOPs then End of Option List).
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), ihl=6,
                                    options=b"\x01\x01\x01\x00")


def k_total_len(c):
    # Total length claims 200 bytes more than the frame carries.
    icmp = c.icmp_echo()
    return c.eth(ETH_P_IP) + c.ipv4(icmp, total_len=20 + len(icmp) + 200)


def k_icmp_trunc(c):
    # A well-formed IPv4 datagram carrying 4 bytes of ICMP: shorter than
    # the 8-byte echo header (RFC 792).
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo()[:4])


def k_arp_other(c):
    return c.arp_request("198.18.0.99")


def k_frag(c):
    # First fragment: More Fragments set, offset 0 (RFC 791 3.2).
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), frag=0x2000)


def k_frag_tail(c):
    # Last fragment: offset 185 (1480 bytes), MF clear.
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), frag=185)


def k_eth_dst(c):
    # A valid echo request, unicast to a MAC that is not portgate's.
    return c.eth(ETH_P_IP, dst=b"\x02\x00\x5e\x12\x34\x56") + \
        c.ipv4(c.icmp_echo())


def k_ip_version(c):
    return c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo(), version=6)


def k_ip_proto(c):
    # UDP: no handler for it (and nothing listens).
    udp = struct.pack("!HHHH", 40000, 9, 8 + 4, 0) + b"ptg!"
    return c.eth(ETH_P_IP) + c.ipv4(udp, proto=17)


def k_ip_not_for_us(c):
    saved = c.dst_ip
    c.dst_ip = socket.inet_aton("198.18.0.77")
    frame = c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo())
    c.dst_ip = saved
    return frame


def k_ip_src(c):
    # A loopback source on the wire is martian (RFC 1122 3.2.1.3).
    saved = c.src_ip
    c.src_ip = socket.inet_aton("127.0.0.1")
    frame = c.eth(ETH_P_IP) + c.ipv4(c.icmp_echo())
    c.src_ip = saved
    return frame


def k_icmp_cksum(c):
    icmp = bytearray(c.icmp_echo())
    icmp[2] ^= 0x5A
    return c.eth(ETH_P_IP) + c.ipv4(bytes(icmp))


def k_icmp_type(c):
    # A timestamp request (type 13, RFC 792): not answered.
    body = struct.pack("!BBHHHIII", 13, 0, 0, 0x5054, 1, 0, 0, 0)
    body = body[:2] + struct.pack("!H", cksum(body)) + body[4:]
    return c.eth(ETH_P_IP) + c.ipv4(body)


def k_arp_malformed(c):
    # Opcode 9: neither request nor reply.
    frame = bytearray(c.arp_request("198.18.0.2"))
    frame[14 + 6:14 + 8] = struct.pack("!H", 9)
    return bytes(frame)


KINDS = [
    ("runt", "drop_ip_len", k_runt),
    ("ethertype", "drop_ethertype", k_ethertype),
    ("bad_ihl", "drop_ip_ihl", k_ihl),
    ("bad_ip_cksum", "drop_ip_cksum", k_ip_cksum),
    ("ttl0", "drop_ip_ttl", k_ttl0),
    ("ip_options", "drop_ip_options", k_options),
    ("total_len", "drop_ip_len", k_total_len),
    ("icmp_trunc", "drop_icmp_len", k_icmp_trunc),
    ("arp_other", "drop_arp_not_for_us", k_arp_other),
    ("fragment", "drop_ip_frag", k_frag),
    # Beyond the list in the issue: one kind per remaining drop counter
    # that frames from the wire can reach.
    ("fragment_tail", "drop_ip_frag", k_frag_tail),
    ("eth_dst", "drop_eth_dst", k_eth_dst),
    ("ip_version", "drop_ip_version", k_ip_version),
    ("ip_proto", "drop_ip_proto", k_ip_proto),
    ("ip_not_for_us", "drop_ip_not_for_us", k_ip_not_for_us),
    ("ip_src", "drop_ip_src", k_ip_src),
    ("icmp_cksum", "drop_icmp_cksum", k_icmp_cksum),
    ("icmp_type", "drop_icmp_type", k_icmp_type),
    ("arp_malformed", "drop_arp_malformed", k_arp_malformed),
]


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise argparse.ArgumentTypeError(f"bad MAC address {text!r}")
    return bytes(int(p, 16) for p in parts)


def read_counter(path):
    with open(path, encoding="ascii") as f:
        return int(f.read().strip() or 0)


def send_paced(sock, frames, burst, gap_s, drop_counter=None):
    """Send every frame once into the interface. With drop_counter (the
    sending interface's tx_dropped in sysfs), a frame the kernel dropped
    on its way out (a full TAP ring while the reader was not scheduled)
    is sent again after a pause, so that exactly one copy of each frame
    reaches the other side; the number of such resends is returned too."""
    sent = resent = 0
    drops = read_counter(drop_counter) if drop_counter else 0
    for i, frame in enumerate(frames):
        for _ in range(1000):
            try:
                sock.send(frame)
            except BlockingIOError:
                time.sleep(gap_s)
                continue
            if drop_counter is None:
                break
            now = read_counter(drop_counter)
            if now == drops:
                break
            drops = now
            resent += 1
            time.sleep(gap_s)
        else:
            raise RuntimeError(f"frame {i} could not be delivered")
        sent += 1
        if (i + 1) % burst == 0:
            time.sleep(gap_s)
    return sent, resent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iface")
    ap.add_argument("--dst-mac", type=mac_bytes)
    ap.add_argument("--src-ip")
    ap.add_argument("--dst-ip")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--burst", type=int, default=32)
    ap.add_argument("--gap-ms", type=float, default=1.0)
    ap.add_argument("--drop-counter",
                    help="sysfs tx_dropped of --iface: resend what it drops")
    ap.add_argument("--exclude", default="",
                    help="comma-separated kinds not to send")
    ap.add_argument("--list", action="store_true",
                    help="print the kinds and their counters, send nothing")
    args = ap.parse_args()

    excluded = {k for k in args.exclude.split(",") if k}
    unknown = excluded - {name for name, _, _ in KINDS}
    if unknown:
        ap.error(f"unknown kinds in --exclude: {','.join(sorted(unknown))}")
    kinds = [k for k in KINDS if k[0] not in excluded]
    if not kinds:
        ap.error("--exclude leaves nothing to send")
    if args.list:
        for name, counter, _ in kinds:
            print(name, counter)
        return 0
    if not (args.iface and args.dst_mac and args.src_ip and args.dst_ip):
        ap.error("--iface, --dst-mac, --src-ip and --dst-ip are required")
    if args.count <= 0:
        ap.error("--count must be positive")

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((args.iface, 0))
    src_mac = sock.getsockname()[4]
    ctx = Ctx(args.dst_mac, src_mac, args.src_ip, args.dst_ip)

    frames = []
    expect = {}
    for i in range(args.count):
        _, counter, build = kinds[i % len(kinds)]
        frames.append(build(ctx))
        expect[counter] = expect.get(counter, 0) + 1
    sent, resent = send_paced(sock, frames, args.burst, args.gap_ms / 1000.0,
                              args.drop_counter)
    if resent:
        print(f"# {resent} frame(s) dropped by the kernel on the way out, "
              "sent again", file=sys.stderr)
    sock.close()
    if sent != args.count:
        print(f"ptg_malformed: sent {sent} of {args.count}", file=sys.stderr)
        return 1
    for counter in sorted(expect):
        print(counter, expect[counter])
    return 0


if __name__ == "__main__":
    sys.exit(main())
