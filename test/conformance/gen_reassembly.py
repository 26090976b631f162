#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the generated packetdrill scripts of test/conformance/scripts/.

    test/conformance/gen_reassembly.py           write them
    test/conformance/gen_reassembly.py --check   exit 1 if a committed one
                                                 differs (meson test)

reassembly/permutations-first-N.pkt (N = 1..5): five segments of 1, 2, 4,
8 and 16 bytes arrive in every one of the 24 orders that start with segment
N, one order after the other on one connection: together all 120
permutations. sack/order-*.pkt: six segments each above a 100-byte hole
arrive in a given order (1 to 6 holes), then the holes fill.

What the receiver must answer is worked out here from the RFCs, not from
portgate's code:
  - RFC 5681 4.2 / RFC 9293 3.10.7.4: a segment above RCV.NXT, or one
    that fills all or part of a hole, is acknowledged at once; an in-order
    segment with no hole is acknowledged by the delayed-ACK timer (40 ms,
    portgate's; the segments here are far below a full-sized one).
  - RFC 2018 4: the first SACK block holds the segment that triggered the
    ACK (unless it advanced RCV.NXT); then the most recently reported
    blocks, never a subset of one already included; 3 blocks fit beside
    timestamps, 4 without.
  - RFC 7323 4.3: an ACK echoes TS.Recent, the TSval of the last segment
    that began at or below Last.ACK.sent (out-of-order ones do not).
  - POSIX recv(MSG_PEEK): every in-order byte that fits (1024 here);
    EAGAIN when there is none (the socket is non-blocking).
"""
import itertools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "scripts")
DELACK = ".04"
EAGAIN = "-1 EAGAIN (Resource temporarily unavailable)"


class Receiver:
    """RCV.NXT, the out-of-order data held (with when each range last
    arrived), and whether an ACK waits for the delayed-ACK timer."""

    def __init__(self, rcv_nxt, ts):
        self.rcv_nxt = rcv_nxt
        self.held = []          # [start, end, arrival]
        self.arrivals = 0
        self.delayed = False
        self.ts = ts
        self.readable = 0       # in-order bytes not read yet

    def blocks(self):
        """SACK blocks: contiguous held ranges, most recent first."""
        merged = []
        for s, e, t in sorted(self.held):
            if merged and merged[-1][1] == s:
                merged[-1][1] = e
                merged[-1][2] = max(merged[-1][2], t)
            else:
                merged.append([s, e, t])
        merged.sort(key=lambda b: -b[2])
        return [(s, e) for s, e, _ in merged][:3 if self.ts else 4]

    def arrive(self, s, e):
        """A new segment [s, e) (no byte of it seen before). Returns the
        immediate ACK as (ack, blocks), or None when it is delayed."""
        if s == self.rcv_nxt:
            self.rcv_nxt = e
            self.readable += e - s
            if not self.held:
                self.delayed = True
                return None
            while True:
                nxt = [h for h in self.held if h[0] == self.rcv_nxt]
                if not nxt:
                    break
                self.held.remove(nxt[0])
                self.readable += nxt[0][1] - nxt[0][0]
                self.rcv_nxt = nxt[0][1]
        else:
            self.arrivals += 1
            self.held.append([s, e, self.arrivals])
        self.delayed = False
        return (self.rcv_nxt, self.blocks())


class Script:
    def __init__(self, ts):
        self.ts = ts
        self.lines = []
        self.tsval = 1000       # the peer's clock
        self.ts_recent = 1000   # RFC 7323 4.3
        self.last_ack_sent = 1  # the SYN-ACK's

    def add(self, line=""):
        self.lines.append(line)

    def ts_in(self, seq):
        self.tsval += 1
        if seq <= self.last_ack_sent:
            self.ts_recent = self.tsval
        return "<nop,nop,TS val %d ecr 100>" % self.tsval

    def ts_out(self):
        return "nop,nop,TS val 100 ecr %d" % self.ts_recent

    def open(self):
        a = self.add
        a("0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3")
        a("+0    bind(3, ..., ...) = 0")
        a("+0    listen(3, 4) = 0")
        if self.ts:
            a("+0    < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1000 "
              "ecr 0,nop,wscale 7>")
            a("+0    > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val "
              "100 ecr 1000,nop,wscale 3>")
            a("+.01  < . 1:1(0) ack 1 win 512 " + self.ts_in(1))
        else:
            a("+0    < S 0:0(0) win 65535 <mss 1460,nop,nop,sackOK>")
            a("+0    > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK>")
            a("+.01  < . 1:1(0) ack 1 win 65535")
        a("+0    accept(3, ..., ...) = 4")
        a("+0    fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0")

    def win(self):
        return "512" if self.ts else "65535"

    def data(self, rx, s, e):
        """The peer sends [s, e); what comes back, then a peek."""
        opt = " " + self.ts_in(s) if self.ts else ""
        self.add("+0    < P. %d:%d(%d) ack 1 win %s%s"
                 % (s, e, e - s, self.win(), opt))
        ack = rx.arrive(s, e)
        if ack is not None:
            self.ack("+0", *ack)
        self.peek(rx)

    def ack(self, when, ack, blocks):
        self.last_ack_sent = ack
        opts = []
        if self.ts:
            opts.append(self.ts_out())
        if blocks:
            opts.append("nop,nop,sack " +
                        " ".join("%d:%d" % b for b in blocks))
        self.add("%-5s > . 1:1(0) ack %d%s"
                 % (when, ack, " <%s>" % ",".join(opts) if opts else ""))

    def peek(self, rx):
        self.add("+0    recv(4, ..., 1024, MSG_PEEK) = %s"
                 % (min(rx.readable, 1024) if rx.readable else EAGAIN))

    def settle(self, rx):
        """The delayed ACK, if one is owed, then read everything."""
        if rx.delayed:
            self.ack("+" + DELACK, rx.rcv_nxt, [])
            rx.delayed = False
        while rx.readable:
            n = min(rx.readable, 1024)
            self.add("+0    read(4, ..., 1024) = %d" % n)
            rx.readable -= n
        self.add("+0    read(4, ..., 1024) = " + EAGAIN)

    def text(self, head):
        return "".join("// %s\n" % l if l else "//\n" for l in head) + \
            "".join(l + "\n" for l in self.lines)


SIZES = (1, 2, 4, 8, 16)   # every prefix sum differs: 1 3 7 15 31


def permutations(first):
    sc = Script(ts=False)
    sc.open()
    seq = 1
    orders = [p for p in itertools.permutations(range(5)) if p[0] == first]
    for order in orders:
        offs = [seq + sum(SIZES[:i]) for i in range(5)]
        rx = Receiver(seq, ts=False)
        sc.add()
        sc.add("// segments %s (of %s bytes) from %d"
               % (" ".join(str(i + 1) for i in order),
                  " ".join(str(SIZES[i]) for i in order), seq))
        for i in order:
            sc.data(rx, offs[i], offs[i] + SIZES[i])
        sc.settle(rx)
        seq += sum(SIZES)
    head = [
        "Reassembly (RFC 9293 3.10.7.4 seventh, RFC 5681 4.2, RFC 2018 4):",
        "segments 1 to 5 of 1, 2, 4, 8 and 16 bytes, in each of the 24",
        "orders that start with segment %d, one order after the other."
        % (first + 1),
        "Each segment above RCV.NXT or filling a hole is acknowledged at",
        "once, with SACK blocks most recent first; in-order segments with",
        "no hole wait for the 40 ms delayed ACK. After each segment",
        "recv(MSG_PEEK) returns every in-order byte (POSIX), whatever the",
        "mbufs they sit in.",
        "Generated by test/conformance/gen_reassembly.py: edit that.",
    ]
    return sc.text(head)


def sack_order(name, order, fills, ts):
    """Segments [hole k end, hole k end + 100) for k in @order, each above
    a 100-byte hole; then the holes in @fills."""
    sc = Script(ts=ts)
    sc.open()
    rx = Receiver(1, ts=ts)
    seg = [(1 + 200 * k + 100, 1 + 200 * k + 200) for k in range(6)]
    hole = [(1 + 200 * k, 1 + 200 * k + 100) for k in range(6)]
    holes = 0
    for k in order:
        holes += 1
        sc.add()
        sc.add("// %d hole%s" % (holes, "s" if holes > 1 else ""))
        sc.data(rx, *seg[k])
    for k in fills:
        sc.add()
        sc.add("// hole %d:%d fills" % hole[k])
        # A hole above RCV.NXT is out of order itself.
        sc.data(rx, *hole[k])
    sc.settle(rx)
    head = [
        "SACK block order (RFC 2018 4), %s timestamps: six 100-byte"
        % ("with" if ts else "without"),
        "segments, each above a 100-byte hole, arrive in the order %s"
        % " ".join(str(k + 1) for k in order),
        "(1 to 6 holes), then the holes fill in the order %s."
        % " ".join(str(k + 1) for k in fills),
        "The first block holds the segment just arrived; then the most",
        "recently reported blocks, as many as fit (%d beside timestamps,"
        % 3,
        "4 without). A segment that advances RCV.NXT has no block of its",
        "own: the rest keep their order. recv(MSG_PEEK) after each step.",
        "Generated by test/conformance/gen_reassembly.py: edit that.",
    ]
    return sc.text(head)


def outputs():
    out = {}
    for first in range(5):
        out["reassembly/permutations-first-%d.pkt" % (first + 1)] = \
            permutations(first)
    cases = [
        ("ascending", [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]),
        ("descending", [5, 4, 3, 2, 1, 0], [0, 1, 2, 3, 4, 5]),
        ("mixed", [2, 0, 4, 1, 5, 3], [3, 5, 1, 0, 2, 4]),
    ]
    for name, order, fills in cases:
        for ts in (False, True):
            out["sack/order-%s%s.pkt" % (name, "-ts" if ts else "")] = \
                sack_order(name, order, fills, ts)
    return out


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        sys.exit("usage: %s [--check]" % sys.argv[0])
    stale = []
    for rel, text in sorted(outputs().items()):
        path = os.path.join(SCRIPTS, rel)
        if check:
            try:
                with open(path) as f:
                    if f.read() != text:
                        stale.append(rel)
            except OSError:
                stale.append(rel)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    if stale:
        print("gen_reassembly: out of date (run %s): %s"
              % (os.path.relpath(sys.argv[0]), " ".join(stale)))
        sys.exit(1)
    if check:
        print("gen_reassembly: %d generated scripts up to date"
              % len(outputs()))


if __name__ == "__main__":
    main()
