#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A two-port Ethernet relay that impairs what it forwards, like tc netem.

main() -> Relay.run() -> Relay.rx() -> Relay.impair() -> Relay.flush()

For kernels without sch_netem. Run it in a namespace that holds one end of
two veth pairs; it forwards every frame received on --a out of --b and
back, both directions impaired the same way:

    impair_relay.py --a IF --b IF [--loss PCT] [--delay-ms MS]
                    [--reorder PCT] [--duplicate PCT] [--seed N]
                    [--ready FILE]

Semantics follow netem's: a lost frame is dropped; with --delay-ms every
frame waits that long, except --reorder PCT of them which go at once and so
overtake the delayed ones; a duplicated frame goes twice. It writes "ready"
to --ready once both sockets are bound, and on SIGTERM/SIGINT prints one
line of counters per direction ("a>b rx N tx N lost N dup N early N
tx_err N lost_rst N"; lost_rst: the lost frames that were TCP RSTs).
"""

import argparse
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_OUTGOING = 4
PACKET_IGNORE_OUTGOING = 23


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    try:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass  # old kernel: pkttype is checked as well
    s.bind((name, 0))
    ifindex = socket.if_nametoindex(name)
    mreq = struct.pack("iHH8s", ifindex, PACKET_MR_PROMISC, 0, b"")
    s.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    s.setblocking(False)
    return s


def is_tcp_rst(frame):
    """An Ethernet frame with IPv4 and TCP whose RST flag is set."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return False
    off = 14 + (frame[14] & 0x0F) * 4 + 13
    return len(frame) > off and bool(frame[off] & 0x04)


class Direction:
    def __init__(self, name, rx, tx):
        self.name = name
        self.rx_sock = rx
        self.tx_sock = tx
        self.rx = self.tx = self.lost = self.dup = self.early = 0
        self.tx_err = self.lost_rst = 0

    def line(self):
        return (f"{self.name} rx {self.rx} tx {self.tx} lost {self.lost} "
                f"dup {self.dup} early {self.early} tx_err {self.tx_err} "
                f"lost_rst {self.lost_rst}")


class Relay:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        a = open_if(args.a)
        b = open_if(args.b)
        self.dirs = {a.fileno(): Direction("a>b", a, b),
                     b.fileno(): Direction("b>a", b, a)}
        self.queue = []  # (due, seq, direction, frame)
        self.seq = 0
        self.stop = False

    def send(self, d, frame):
        try:
            d.tx_sock.send(frame)
            d.tx += 1
        except BlockingIOError:
            d.tx_err += 1
        except OSError:
            d.tx_err += 1

    def schedule(self, d, frame, now):
        a = self.args
        if a.delay_ms > 0 and not (a.reorder > 0 and
                                   self.rng.random() * 100 < a.reorder):
            self.seq += 1
            heapq.heappush(self.queue,
                           (now + a.delay_ms / 1000.0, self.seq, d, frame))
        else:
            if a.delay_ms > 0:
                d.early += 1
            self.send(d, frame)

    def impair(self, d, frame, now):
        a = self.args
        if a.loss > 0 and self.rng.random() * 100 < a.loss:
            d.lost += 1
            if is_tcp_rst(frame):
                d.lost_rst += 1
            return
        copies = 1
        if a.duplicate > 0 and self.rng.random() * 100 < a.duplicate:
            d.dup += 1
            copies = 2
        for _ in range(copies):
            self.schedule(d, frame, now)

    def rx(self, fd):
        d = self.dirs[fd]
        for _ in range(256):
            try:
                frame, addr = d.rx_sock.recvfrom(65535)
            except BlockingIOError:
                return
            if addr[2] == PACKET_OUTGOING:
                continue
            d.rx += 1
            self.impair(d, frame, time.monotonic())

    def flush(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _, _, d, frame = heapq.heappop(self.queue)
            self.send(d, frame)

    def run(self):
        fds = list(self.dirs)
        if self.args.ready:
            with open(self.args.ready, "w") as f:
                f.write("ready\n")
        while not self.stop:
            timeout = 0.2
            if self.queue:
                timeout = max(0.0, self.queue[0][0] - time.monotonic())
            try:
                ready, _, _ = select.select(fds, [], [], timeout)
            except InterruptedError:
                continue
            for fd in ready:
                self.rx(fd)
            self.flush()
        for d in self.dirs.values():
            print(d.line(), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--duplicate", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--ready")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "little")
    print(f"impair_relay: seed {args.seed}", flush=True)
    relay = Relay(args)

    def on_signal(signum, frame):
        relay.stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    relay.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
