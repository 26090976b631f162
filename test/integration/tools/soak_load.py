#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mixed, checked client load against portgate's echo and http services,
for a fixed time (scripts/soak.sh runs one per client namespace).

main() -> Load.run() -> one thread per client kind -> op_*() in a loop
       -> Load.record() ; status thread -> write_status() every second

    soak_load.py HOST --seconds S --status FILE [--kinds K,K,..]
                 [--http-port 80] [--echo-port 7] [--timeout S]
                 [--pace-ms MS] [--seed N]

Client kinds (each a thread doing one operation after another, --pace-ms
apart, until S seconds are up; an operation under way then finishes):
    short      a new connection per request, HTTP/1.0: "GET /" or
               "GET /bytes/N" (N up to 64 KB), the server closes
    keepalive  one HTTP/1.1 connection, 2..40 requests of / and
               /bytes/N on it, then we close
    bulk       64 KB .. 1 MB of random bytes through echo, sent while
               reading, our FIN after the last byte; sha256 of what came
               back equal to what went
    slowread   GET /bytes/N (N 128..384 KB) with a 4 KB receive buffer,
               read 4 KB at a time with pauses (the server's window shut
               most of the time)
    dribble    echo, 1..2 KB one byte per send() (TCP_NODELAY) 1..3 ms
               apart, each byte's echo read back and compared
    slowhead   an HTTP/1.1 request head sent a few bytes at a time over
               about two seconds, then one more request on the connection
    reset      echo or http, part of a transfer, then close with
               SO_LINGER 0 (RST) with data in flight both ways

Every transfer is checked byte for byte: /bytes/N bodies against the
pattern of lib/service/ptg_service.h (tcp_client.http_bytes), "/"
against its fixed body, echo against what was sent. A mismatch counts
as "corrupt"; any other failure (refused, reset by the server, timeout,
bad status, early EOF) as an "error"; both are printed to stderr as they
happen (the first 50). The status FILE (JSON, replaced atomically every
second and at the end) holds, per kind and in total: ops, requests,
bytes, errors, corrupt. Exit status 0 when no operation failed.
"""

import argparse
import hashlib
import json
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcp_client import ROOT_BODY, http_bytes  # noqa: E402

KINDS = ("short", "keepalive", "bulk", "slowread", "dribble", "slowhead",
         "reset")


class Corrupt(Exception):
    """A transfer completed with different bytes."""


class Failed(Exception):
    """A transfer did not complete as the protocol says it must."""


def connect(host, port, timeout, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        # before connect, so that the window we offer stays small
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
    except BaseException:
        s.close()
        raise
    return s


def abort(s):
    """Close with RST: SO_LINGER on, zero seconds."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


class Reader:
    """HTTP/1.x responses with a Content-Length, from one socket."""

    def __init__(self, sock, chunk=1 << 16):
        self.sock = sock
        self.buf = b""
        self.chunk = chunk

    def fill(self):
        data = self.sock.recv(self.chunk)
        if not data:
            return False
        self.buf += data
        return True

    def response(self, pause=0.0):
        while b"\r\n\r\n" not in self.buf:
            if not self.fill():
                raise Failed(f"EOF inside a response head "
                             f"({len(self.buf)} bytes)")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise Corrupt(f"bad status line {lines[0][:80]!r}")
        cl = [v for n, _, v in (ln.partition(":") for ln in lines[1:])
              if n.strip().lower() == "content-length"]
        if len(cl) != 1:
            raise Corrupt(f"not one Content-Length in {lines!r}")
        n = int(cl[0])
        while len(self.buf) < n:
            if pause:
                time.sleep(pause)
            if not self.fill():
                raise Failed(f"EOF after {len(self.buf)} of {n} body bytes")
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(parts[1]), body

    def eof(self):
        if self.fill() or self.buf:
            raise Corrupt(f"data after the last response: {self.buf[:40]!r}")


def check_body(path, status, body):
    if status != 200:
        raise Failed(f"GET {path}: status {status}")
    if path == "/":
        want = ROOT_BODY
    else:
        want = http_bytes(int(path.rsplit("/", 1)[1]))
    if body != want:
        raise Corrupt(f"GET {path}: {len(body)} bytes, different from the "
                      f"{len(want)} expected")


class Load:
    def __init__(self, args):
        self.a = args
        self.lock = threading.Lock()
        self.stats = {k: {"ops": 0, "requests": 0, "bytes": 0, "errors": 0,
                          "corrupt": 0} for k in args.kinds}
        self.printed = 0
        self.t0 = time.monotonic()
        self.deadline = self.t0 + args.seconds

    # ---- bookkeeping --------------------------------------------------

    def record(self, kind, requests=0, nbytes=0, error=None, corrupt=False):
        with self.lock:
            st = self.stats[kind]
            if error is None:
                st["ops"] += 1
                st["requests"] += requests
                st["bytes"] += nbytes
                return
            st["corrupt" if corrupt else "errors"] += 1
            self.printed += 1
            if self.printed <= 50:
                print(f"soak_load: {time.monotonic() - self.t0:7.2f} s "
                      f"{kind}: {'CORRUPT' if corrupt else 'error'}: {error}",
                      file=sys.stderr, flush=True)

    def totals(self):
        with self.lock:
            tot = {"ops": 0, "requests": 0, "bytes": 0, "errors": 0,
                   "corrupt": 0}
            for st in self.stats.values():
                for k in tot:
                    tot[k] += st[k]
            return {"elapsed_s": round(time.monotonic() - self.t0, 2),
                    "total": tot,
                    "kinds": {k: dict(v) for k, v in self.stats.items()}}

    def write_status(self, done=False):
        st = self.totals()
        st["done"] = done
        tmp = self.a.status + ".tmp"
        with open(tmp, "w") as f:
            json.dump(st, f)
        os.replace(tmp, self.a.status)

    # ---- operations: return (requests, bytes) or raise -------------------

    def op_short(self, rnd):
        path = "/" if rnd.random() < 0.4 else f"/bytes/{rnd.randint(0, 65536)}"
        s = connect(self.a.host, self.a.http_port, self.a.timeout)
        try:
            s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
            r = Reader(s)
            status, body = r.response()
            check_body(path, status, body)
            r.eof()  # HTTP/1.0: the server closes
        finally:
            s.close()
        return 1, len(body)

    def op_keepalive(self, rnd):
        n = rnd.randint(2, 40)
        s = connect(self.a.host, self.a.http_port, self.a.timeout)
        got = 0
        try:
            r = Reader(s)
            for _ in range(n):
                path = ("/" if rnd.random() < 0.3 else
                        f"/bytes/{rnd.randint(0, 32768)}")
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: soak\r\n\r\n"
                          .encode())
                status, body = r.response()
                check_body(path, status, body)
                got += len(body)
                time.sleep(rnd.random() * 0.01)
        finally:
            s.close()
        return n, got

    def echo(self, data, rcvbuf=0):
        """Send data through echo while reading; returns what came back."""
        s = connect(self.a.host, self.a.echo_port, self.a.timeout, rcvbuf)
        err = []

        def sender():
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError as exc:
                err.append(exc)

        th = threading.Thread(target=sender, daemon=True)
        th.start()
        out = bytearray()
        try:
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                out += chunk
        finally:
            th.join(self.a.timeout)
            s.close()
        if err:
            raise Failed(f"echo send: {err[0]}")
        if th.is_alive():
            raise Failed("echo: sender still blocked after EOF")
        return bytes(out)

    def op_bulk(self, rnd):
        n = rnd.randint(64 << 10, self.a.bulk_max)
        data = rnd.randbytes(n)
        back = self.echo(data)
        if hashlib.sha256(back).digest() != hashlib.sha256(data).digest():
            raise Corrupt(f"echo of {n} bytes: {len(back)} came back, "
                          f"sha256 differs")
        return 1, 2 * n

    def op_slowread(self, rnd):
        n = rnd.randint(128 << 10, 384 << 10)
        path = f"/bytes/{n}"
        s = connect(self.a.host, self.a.http_port, self.a.timeout,
                    rcvbuf=4096)
        try:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: soak\r\n"
                      f"Connection: close\r\n\r\n".encode())
            r = Reader(s, chunk=4096)
            status, body = r.response(pause=0.01)
            check_body(path, status, body)
            r.eof()
        finally:
            s.close()
        return 1, n

    def op_dribble(self, rnd):
        n = rnd.randint(1024, 2048)
        data = rnd.randbytes(n)
        s = connect(self.a.host, self.a.echo_port, self.a.timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        back = bytearray()
        try:
            for i in range(n):
                s.send(data[i:i + 1])
                # read what has come back, without waiting for all of it
                s.setblocking(False)
                try:
                    while True:
                        chunk = s.recv(4096)
                        if not chunk:
                            raise Failed(f"dribble: EOF after {len(back)} "
                                         f"of {n} bytes")
                        back += chunk
                except BlockingIOError:
                    pass
                s.settimeout(self.a.timeout)
                time.sleep(rnd.uniform(0.001, 0.003))
            s.shutdown(socket.SHUT_WR)
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                back += chunk
        finally:
            s.close()
        if bytes(back) != data:
            raise Corrupt(f"dribble: {n} one-byte sends, {len(back)} bytes "
                          f"back, different")
        return 1, n

    def op_slowhead(self, rnd):
        path = f"/bytes/{rnd.randint(0, 4096)}"
        req = f"GET {path} HTTP/1.1\r\nHost: soak\r\nX-Slow: {'x' * 40}\r\n\r\n"
        s = connect(self.a.host, self.a.http_port, self.a.timeout)
        try:
            raw = req.encode()
            pieces = [raw[i:i + 4] for i in range(0, len(raw), 4)]
            for p in pieces:
                s.sendall(p)
                time.sleep(2.0 / len(pieces))
            r = Reader(s)
            status, body = r.response()
            check_body(path, status, body)
            s.sendall(b"GET / HTTP/1.1\r\nHost: soak\r\nConnection: close"
                      b"\r\n\r\n")
            status, body2 = r.response()
            check_body("/", status, body2)
            r.eof()
        finally:
            s.close()
        return 2, len(body) + len(body2)

    def op_reset(self, rnd):
        if rnd.random() < 0.5:
            # echo: send more than we read, then RST with the server's
            # echo unread on our side and ours unacked on its side
            s = connect(self.a.host, self.a.echo_port, self.a.timeout)
            try:
                n = rnd.randint(16 << 10, 256 << 10)
                s.sendall(rnd.randbytes(n))
                got = 0
                want = rnd.randint(1, n // 2)
                while got < want:
                    chunk = s.recv(min(1 << 16, want - got))
                    if not chunk:
                        raise Failed(f"reset/echo: EOF after {got} bytes")
                    got += len(chunk)
                s.send(rnd.randbytes(4096))
            except BaseException:
                s.close()
                raise
            abort(s)
            return 0, n
        # http: a large body, part of it read, then RST while the server
        # still has the rest queued
        n = rnd.randint(256 << 10, 2 << 20)
        s = connect(self.a.host, self.a.http_port, self.a.timeout)
        try:
            s.sendall(f"GET /bytes/{n} HTTP/1.1\r\nHost: soak\r\n\r\n"
                      .encode())
            got = 0
            want = rnd.randint(1, 64 << 10)
            while got < want:
                chunk = s.recv(1 << 16)
                if not chunk:
                    raise Failed(f"reset/http: EOF after {got} bytes")
                got += len(chunk)
        except BaseException:
            s.close()
            raise
        abort(s)
        return 1, got

    # ---- threads -------------------------------------------------------

    def worker(self, kind, idx):
        rnd = random.Random(f"{self.a.seed}:{kind}:{idx}")
        op = getattr(self, "op_" + kind)
        while time.monotonic() < self.deadline:
            try:
                req, nbytes = op(rnd)
                self.record(kind, req, nbytes)
            except Corrupt as exc:
                self.record(kind, error=str(exc), corrupt=True)
            except (Failed, OSError) as exc:
                self.record(kind, error=f"{type(exc).__name__}: {exc}")
                time.sleep(0.2)  # no tight loop against a dead server
            if self.a.pace_ms:
                time.sleep(rnd.uniform(0.5, 1.5) * self.a.pace_ms / 1000)

    def run(self):
        threads = [threading.Thread(target=self.worker, args=(k, i),
                                    daemon=True)
                   for k in self.a.kinds for i in range(self.a.threads)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            self.write_status()
            # an operation under way when the time is up may take up to
            # its timeout; past that a thread counts as hung
            if time.monotonic() > self.deadline + 4 * self.a.timeout:
                alive = sum(t.is_alive() for t in threads)
                with self.lock:
                    self.stats[self.a.kinds[0]]["errors"] += alive
                print(f"soak_load: {alive} client thread(s) still busy "
                      f"{4 * self.a.timeout:.0f} s after the end",
                      file=sys.stderr, flush=True)
                break
            time.sleep(1.0)
        self.write_status(done=True)
        st = self.totals()
        for k, v in st["kinds"].items():
            print(f"soak_load: {k:9s} ops {v['ops']:6d} requests "
                  f"{v['requests']:6d} bytes {v['bytes']:11d} errors "
                  f"{v['errors']} corrupt {v['corrupt']}", flush=True)
        t = st["total"]
        cpu = os.times()
        print(f"soak_load: {st['elapsed_s']:.1f} s, {cpu.user + cpu.system:.1f} s "
              f"of CPU", flush=True)
        return 0 if t["errors"] == 0 and t["corrupt"] == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("host")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--threads", type=int, default=1,
                    help="threads per kind")
    ap.add_argument("--http-port", type=int, default=80)
    ap.add_argument("--echo-port", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="seconds any one socket call may block")
    ap.add_argument("--pace-ms", type=float, default=10.0,
                    help="mean pause between two operations of a thread")
    ap.add_argument("--bulk-max", type=int, default=1 << 20)
    ap.add_argument("--seed", default=None)
    args = ap.parse_args()
    args.kinds = [k for k in args.kinds.split(",") if k]
    for k in args.kinds:
        if k not in KINDS:
            ap.error(f"unknown kind {k!r} (known: {', '.join(KINDS)})")
    if args.seed is None:
        args.seed = os.urandom(4).hex()
    print(f"soak_load: {args.host}, {args.seconds:.0f} s, kinds "
          f"{','.join(args.kinds)}, seed {args.seed}", flush=True)
    return Load(args).run()


if __name__ == "__main__":
    sys.exit(main())
