#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Slow, idle and abusive TCP clients, for portgate's bounds and timeouts.

main() -> cmd_hold | cmd_idle_echo | cmd_churn | cmd_dribble | cmd_http_once

    misbehave.py hold HOST PORT --count N --send STR [--wait S]
            [--reset-within MIN MAX]
        Open N connections, send STR (Python escapes) on each, then read
        and wait: every one must be reset by the server (ECONNRESET) and,
        with --reset-within, between MIN and MAX seconds after its send.
        Prints how many were reset and when.
    misbehave.py idle-echo HOST PORT --idle S [--bytes N] [--rounds R]
        On one connection to an echo service: N bytes out and back, then
        S seconds of silence, R times, then close (FIN each way); each
        exchange must come back whole within --timeout.
    misbehave.py churn HOST PORT --count N [--request STR]
        N connections one after the other, each one HTTP/1.0 request (by
        default "GET / HTTP/1.0"): a 200 with the root body, then the
        server's close; prints the rate.
    misbehave.py dribble HOST PORT --bytes N [--pace-us U] [--rcvbuf B]
            [--prefill P]
        One connection with TCP_NODELAY: P bytes in full segments, then
        one byte per send() (sleeping U us between sends), reading nothing
        back (with a receive buffer of B bytes: what comes back piles up on
        the server); prints how many bytes the kernel took. Ends with a
        close (RST: unread data).
    misbehave.py http-once HOST PORT [--request STR] [--expect-status N]
        One request, one response (its status checked), then close.

Exit status 0 when every check held, 1 with a "FAIL:" line otherwise.
"""

import argparse
import selectors
import socket
import sys
import time

ROOT_BODY = b"Hello from portgate\n"


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def connect(host, port, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


# ---- hold -------------------------------------------------------------------

def cmd_hold(args):
    payload = unescape(args.send)
    sel = selectors.DefaultSelector()
    conns = {}
    for i in range(args.count):
        s = connect(args.host, args.port, args.timeout)
        if payload:
            s.sendall(payload)
        s.setblocking(False)
        conns[s] = (i, time.monotonic())
        sel.register(s, selectors.EVENT_READ)
    t_open = time.monotonic()
    print(f"hold: {args.count} connections open, {len(payload)} bytes sent "
          f"on each")
    resets, eofs, data = [], 0, 0
    deadline = t_open + args.wait
    while conns and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            i, t0 = conns[s]
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                resets.append(time.monotonic() - t0)
                got = None
            except BlockingIOError:
                continue
            if got:
                data += len(got)
                continue
            if got is not None:
                eofs += 1
            sel.unregister(s)
            s.close()
            del conns[s]
    left = len(conns)
    for s in conns:
        s.close()
    if resets:
        print(f"hold: {len(resets)} reset, after {min(resets):.2f} .. "
              f"{max(resets):.2f} s; {eofs} closed (FIN); {left} still "
              f"open after {args.wait} s; {data} bytes received")
    else:
        print(f"hold: none reset; {eofs} closed (FIN); {left} still open "
              f"after {args.wait} s; {data} bytes received")
    if len(resets) != args.count:
        fail(f"hold: {len(resets)} of {args.count} connections reset")
    if args.reset_within:
        lo, hi = args.reset_within
        if min(resets) < lo or max(resets) > hi:
            fail(f"hold: resets after {min(resets):.2f} .. "
                 f"{max(resets):.2f} s, wanted within {lo} .. {hi} s")


# ---- idle-echo ----------------------------------------------------------------

def exchange(sock, n, rnd):
    out = bytes((rnd * 31 + i) & 0xff for i in range(n))
    t0 = time.monotonic()
    sock.sendall(out)
    got = b""
    while len(got) < n:
        try:
            chunk = sock.recv(n - len(got))
        except socket.timeout:
            fail(f"idle-echo: round {rnd}: {len(got)} of {n} bytes back "
                 f"after {time.monotonic() - t0:.2f} s")
        if not chunk:
            fail(f"idle-echo: round {rnd}: EOF after {len(got)} bytes")
        got += chunk
    if got != out:
        fail(f"idle-echo: round {rnd}: bytes differ")
    return time.monotonic() - t0


def cmd_idle_echo(args):
    sock = connect(args.host, args.port, args.timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for r in range(args.rounds + 1):
        dt = exchange(sock, args.bytes, r)
        print(f"idle-echo: round {r}: {args.bytes} bytes back in "
              f"{dt * 1000:.1f} ms")
        if r < args.rounds:
            time.sleep(args.idle)
    sock.shutdown(socket.SHUT_WR)
    if sock.recv(1) != b"":
        fail("idle-echo: data after our FIN")
    sock.close()
    print(f"idle-echo: {args.rounds} pauses of {args.idle} s, "
          f"{args.rounds + 1} exchanges whole, then closed")


# ---- churn ----------------------------------------------------------------

def read_all(sock):
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return buf
        buf += chunk


def cmd_churn(args):
    req = unescape(args.request)
    t0 = time.monotonic()
    for i in range(args.count):
        try:
            s = connect(args.host, args.port, args.timeout)
            s.sendall(req)
            resp = read_all(s)
        except socket.timeout:
            fail(f"churn: request {i}: no answer in {args.timeout} s")
        except OSError as exc:
            fail(f"churn: request {i}: {exc}")
        s.close()
        head, _, body = resp.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200 ") or body != ROOT_BODY:
            fail(f"churn: request {i}: {resp[:120]!r}")
        if time.monotonic() - t0 > args.total:
            fail(f"churn: {i} of {args.count} after {args.total} s")
    dt = time.monotonic() - t0
    print(f"churn: {args.count} connections, one request each, answered "
          f"and closed by the server ({dt:.2f} s, {args.count / dt:.0f}/s)")


# ---- dribble ----------------------------------------------------------------

def cmd_dribble(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if args.rcvbuf:
        # before connect: the window we offer stays this small, so what
        # the server sends back piles up on its side
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    s.settimeout(args.timeout)
    s.connect((args.host, args.port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if args.prefill:
        # full-size segments first, enough to fill what the server can
        # queue towards us: from then on it holds what we send
        s.sendall(b"p" * args.prefill)
        time.sleep(0.5)
    s.setblocking(False)
    sent = 0
    t0 = time.monotonic()
    stalled_since = None
    while sent < args.bytes:
        if time.monotonic() - t0 > args.total:
            break
        try:
            sent += s.send(b"x")
            stalled_since = None
        except BlockingIOError:
            # our send buffer is full: the server stopped taking bytes
            if stalled_since is None:
                stalled_since = time.monotonic()
            elif time.monotonic() - stalled_since > args.stall:
                break
            time.sleep(0.001)
            continue
        if args.pace_us:
            time.sleep(args.pace_us / 1e6)
    dt = time.monotonic() - t0
    print(f"dribble: {sent} one-byte sends taken in {dt:.2f} s"
          + (" (then the server's window stayed shut)"
             if sent < args.bytes else ""))
    # unread echo in our buffer: close sends RST
    s.close()


# ---- http-once ----------------------------------------------------------------

def cmd_http_once(args):
    s = connect(args.host, args.port, args.timeout)
    s.sendall(unescape(args.request))
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            fail(f"http-once: EOF before a response: {buf[:80]!r}")
        buf += chunk
    line = buf.split(b"\r\n", 1)[0].decode("latin-1")
    s.close()
    status = int(line.split(" ")[1])
    print(f"http-once: {line!r}")
    if args.expect_status and status != args.expect_status:
        fail(f"http-once: status {status}, wanted {args.expect_status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("host")
        p.add_argument("port", type=int)
        p.add_argument("--timeout", type=float, default=10.0,
                       help="longest silence, seconds")
        p.add_argument("--total", type=float, default=120.0,
                       help="longest run, seconds")

    p = sub.add_parser("hold")
    common(p)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--send", default="")
    p.add_argument("--wait", type=float, default=30.0)
    p.add_argument("--reset-within", type=float, nargs=2,
                   metavar=("MIN", "MAX"))
    p.set_defaults(fn=cmd_hold)

    p = sub.add_parser("idle-echo")
    common(p)
    p.add_argument("--idle", type=float, required=True)
    p.add_argument("--bytes", type=int, default=100)
    p.add_argument("--rounds", type=int, default=1)
    p.set_defaults(fn=cmd_idle_echo)

    p = sub.add_parser("churn")
    common(p)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--request", default="GET / HTTP/1.0\\r\\n\\r\\n")
    p.set_defaults(fn=cmd_churn)

    p = sub.add_parser("dribble")
    common(p)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--pace-us", type=int, default=0)
    p.add_argument("--prefill", type=int, default=0,
                   help="bytes sent in full segments first")
    p.add_argument("--rcvbuf", type=int, default=0,
                   help="SO_RCVBUF before connect (0: the kernel's)")
    p.add_argument("--stall", type=float, default=2.0,
                   help="give up after the window stayed shut this long")
    p.set_defaults(fn=cmd_dribble)

    p = sub.add_parser("http-once")
    common(p)
    p.add_argument("--request", default="GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    p.add_argument("--expect-status", type=int)
    p.set_defaults(fn=cmd_http_once)

    args = ap.parse_args()
    try:
        args.fn(args)
    except ConnectionResetError as exc:
        fail(f"{args.cmd}: connection reset: {exc}")
    except OSError as exc:
        fail(f"{args.cmd}: {exc}")


if __name__ == "__main__":
    main()
