#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Backends and clients for the proxy service's integration test.

main() -> cmd_serve (serve_loop: Echo | Slow | Reset | Record)
        | cmd_send | cmd_expect_reset | cmd_reset_after | cmd_first_line

    proxy_tool.py serve IP:PORT --mode echo
        Echo every byte; after the peer's FIN, send what is left, then FIN.
        One selector loop: thousands of connections at once.
    proxy_tool.py serve IP:PORT --mode slow --rate BYTES_PER_S --log FILE
        Read at most RATE bytes a second through a small receive buffer
        (a slow consumer); at EOF append "slow BYTES SHA256 SECONDS" and
        the read progress "t=MONOTONIC n=BYTES" samples to FILE.
    proxy_tool.py serve IP:PORT --mode reset --after N
        Read N bytes, then close with SO_LINGER 0 (RST).
    proxy_tool.py serve IP:PORT --mode record --log FILE
        Read until EOF or reset; append "eof N" or "reset N" to FILE, and
        "first LINE" with the first line received (PROXY header check).
    proxy_tool.py send HOST PORT --in FILE [--sndbuf N]
        Send FILE, shut down, wait for EOF; print "sent N in S s, done at
        MONOTONIC" (when sendall returned).
    proxy_tool.py expect-reset HOST PORT [--send N]
        Connect (must succeed), send N bytes, then the connection must end
        with a reset (ECONNRESET), not EOF or a timeout.
    proxy_tool.py reset-after HOST PORT --send N
        Send N bytes, wait a little, close with SO_LINGER 0 (RST).
    proxy_tool.py first-line HOST PORT --send STR
        Send STR, shut down; print our source port.

A ready line ("ready IP:PORT") on stdout tells the caller a server listens.
Exit status 0 when the checks held, 1 with "FAIL:" on stderr otherwise.
"""

import argparse
import hashlib
import selectors
import socket
import struct
import sys
import time


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def hostport(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


# ---- servers ----------------------------------------------------------------

class Echo:
    def __init__(self, sock, args):
        self.sock = sock
        self.out = bytearray()
        self.eof = False

    def events(self):
        ev = 0 if self.eof or len(self.out) > (1 << 20) else \
            selectors.EVENT_READ
        if self.out:
            ev |= selectors.EVENT_WRITE
        return ev

    def on_read(self):
        data = self.sock.recv(1 << 16)
        if not data:
            self.eof = True
        self.out += data

    def on_write(self):
        n = self.sock.send(self.out[:1 << 16])
        del self.out[:n]

    def done(self):
        if self.eof and not self.out:
            self.sock.shutdown(socket.SHUT_WR)
            return True
        return False


class Slow:
    def __init__(self, sock, args):
        self.sock = sock
        self.args = args
        self.h = hashlib.sha256()
        self.n = 0
        self.t0 = time.monotonic()
        self.samples = []
        self.eof = False

    def events(self):
        return 0 if self.eof else selectors.EVENT_READ

    def on_read(self):
        # stay at or under the rate: sleep off what we are ahead
        ahead = self.n / self.args.rate - (time.monotonic() - self.t0)
        if ahead > 0:
            time.sleep(ahead)
        data = self.sock.recv(16384)
        if not data:
            self.eof = True
            return
        self.h.update(data)
        self.n += len(data)
        self.samples.append((time.monotonic(), self.n))

    def done(self):
        if not self.eof:
            return False
        dt = time.monotonic() - self.t0
        self.samples.append((time.monotonic(), self.n))
        with open(self.args.log, "a") as f:
            f.write(f"slow {self.n} {self.h.hexdigest()} {dt:.3f}\n")
            for t, n in self.samples:
                f.write(f"t={t:.6f} n={n}\n")
        self.sock.shutdown(socket.SHUT_WR)
        return True


class Reset:
    def __init__(self, sock, args):
        self.sock = sock
        self.left = args.after
        self.reset = False

    def events(self):
        return selectors.EVENT_READ

    def on_read(self):
        data = self.sock.recv(max(1, self.left))
        self.left -= len(data)
        if not data or self.left <= 0:
            self.reset = True

    def done(self):
        if self.reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
        return self.reset


class Record:
    def __init__(self, sock, args):
        self.sock = sock
        self.args = args
        self.n = 0
        self.head = bytearray()
        self.end = None

    def events(self):
        return selectors.EVENT_READ

    def on_read(self):
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError:
            self.end = "reset"
            return
        if not data:
            self.end = "eof"
            return
        if len(self.head) < 256:
            self.head += data[:256]
        self.n += len(data)

    def done(self):
        if self.end is None:
            return False
        with open(self.args.log, "a") as f:
            line = bytes(self.head).split(b"\r\n", 1)[0]
            f.write(f"first {line.decode(errors='replace')}\n")
            f.write(f"{self.end} {self.n}\n")
        return True


MODES = {"echo": Echo, "slow": Slow, "reset": Reset, "record": Record}


def cmd_serve(args):
    host, port = hostport(args.listen)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(4096)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    print(f"ready {host}:{port}", flush=True)
    while True:
        for key, ev in sel.select():
            if key.data is None:
                try:
                    s, _ = ls.accept()
                except BlockingIOError:
                    continue
                if args.mode == "slow":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
                s.setblocking(False)
                h = MODES[args.mode](s, args)
                sel.register(s, h.events() or selectors.EVENT_READ, h)
                continue
            h = key.data
            try:
                if ev & selectors.EVENT_READ:
                    h.on_read()
                if ev & selectors.EVENT_WRITE:
                    h.on_write()
                finished = h.done()
            except BlockingIOError:
                continue
            except OSError:
                finished = True
            if finished:
                sel.unregister(h.sock)
                h.sock.close()
                continue
            want = h.events()
            if want:
                sel.modify(h.sock, want, h)
            else:
                sel.modify(h.sock, selectors.EVENT_READ, h)


# ---- clients ----------------------------------------------------------------

def connect(host, port, timeout, sndbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
    except OSError as exc:
        fail(f"connect {host}:{port}: {exc}")
    return s


def cmd_send(args):
    s = connect(args.host, args.port, args.timeout, args.sndbuf)
    t0 = time.monotonic()
    n = 0
    with open(args.infile, "rb") as f:
        while True:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            try:
                s.sendall(chunk)
            except OSError as exc:
                fail(f"send after {n} bytes: {exc}")
            n += len(chunk)
    t_sent = time.monotonic()
    s.shutdown(socket.SHUT_WR)
    try:
        while s.recv(65536):
            pass
    except OSError as exc:
        fail(f"waiting for EOF: {exc}")
    s.close()
    print(f"sent {n} in {t_sent - t0:.3f} s, done at {t_sent:.6f}")


def cmd_expect_reset(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    try:
        s.connect((args.host, args.port))
    except ConnectionResetError:
        # the handshake completed and the RST followed before connect()
        # read the socket's state (a refusal would be ECONNREFUSED)
        print("reset, as expected (right after the handshake)")
        return
    except OSError as exc:
        fail(f"connect {args.host}:{args.port}: {exc}")
    try:
        if args.send:
            s.sendall(b"x" * args.send)
        data = s.recv(65536)
    except ConnectionResetError:
        print("reset, as expected")
        return
    except socket.timeout:
        fail(f"no reset within {args.timeout} s")
    except OSError as exc:
        fail(f"not a reset: {exc}")
    fail(f"not a reset: {'EOF' if not data else f'{len(data)} bytes'}")


def cmd_reset_after(args):
    s = connect(args.host, args.port, args.timeout)
    s.sendall(b"r" * args.send)
    time.sleep(args.wait)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print("reset sent")


def cmd_first_line(args):
    s = connect(args.host, args.port, args.timeout)
    sport = s.getsockname()[1]
    s.sendall(args.send.encode())
    s.shutdown(socket.SHUT_WR)
    try:
        while s.recv(65536):
            pass
    except OSError as exc:
        fail(f"waiting for EOF: {exc}")
    s.close()
    print(sport)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve")
    p.add_argument("listen")
    p.add_argument("--mode", choices=sorted(MODES), required=True)
    p.add_argument("--rate", type=float, default=1e6)
    p.add_argument("--after", type=int, default=1)
    p.add_argument("--log")
    for name in ("send", "expect-reset", "reset-after", "first-line"):
        p = sub.add_parser(name)
        p.add_argument("host")
        p.add_argument("port", type=int)
        p.add_argument("--timeout", type=float, default=10.0)
        if name == "send":
            p.add_argument("--in", dest="infile", required=True)
            p.add_argument("--sndbuf", type=int, default=0)
        elif name == "expect-reset":
            p.add_argument("--send", type=int, default=0)
        elif name == "reset-after":
            p.add_argument("--send", type=int, required=True)
            p.add_argument("--wait", type=float, default=0.3)
        else:
            p.add_argument("--send", required=True)
    args = ap.parse_args()
    {"serve": cmd_serve, "send": cmd_send, "expect-reset": cmd_expect_reset,
     "reset-after": cmd_reset_after, "first-line": cmd_first_line}[args.cmd](args)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
