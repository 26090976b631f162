#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""TCP clients that check portgate's built-in services from a kernel peer.

main() -> cmd_echo | cmd_chargen | cmd_refused | cmd_http | cmd_pipeline |
          cmd_bytes_check

    tcp_client.py echo HOST PORT --in FILE --out FILE [--sndbuf N]
            [--bind-port N] [--pace-ms MS]
        Send FILE while reading concurrently, shut the write side down after
        the last byte, read until EOF into --out. The caller compares the
        sha256 of both files. --bind-port: from this source port (a 4-tuple
        known in advance); --pace-ms: sleep MS after each 64 KB sent (a
        transfer that lasts).
    tcp_client.py chargen HOST PORT --bytes N [--end shutdown|close]
        Read N bytes and check them against the RFC 864 pattern; then either
        shut our side down and read (still checking) until the server's FIN,
        or close with data unread (the kernel answers the rest with RST).
    tcp_client.py refused HOST --ports P,P,.. [--count N] [--within S]
        Each connect must fail with ECONNREFUSED (a RST, not a timeout)
        within S seconds.
    tcp_client.py http HOST PORT --request STR [--expect-status N]
            [--expect-header 'Name: value'] [--expect-body STR]
            [--expect-close | --expect-open]
        Send one raw request (Python string escapes: \\r\\n), read one
        response, check it; --expect-close: the server then closes
        (EOF, no RST); --expect-open: a second "GET /" on the same
        connection is answered.
    tcp_client.py pipeline HOST PORT --paths /a,/b,.. [--close-last]
        Send every request in one write, then read and check the responses
        in order (HTTP/1.1 pipelining, RFC 9112 9.3.2).
    tcp_client.py bytes-check FILE:N [FILE:N ...]
        Each FILE must be exactly the first N bytes of the /bytes/N body, or
        the root body when N is "root".

The expected streams are written here from the protocol descriptions, not
taken from portgate: RFC 864 for chargen; for /bytes/N, 16-byte records,
record k being the byte offset 16*k as 15 lowercase hex digits and '\\n'
(lib/service/ptg_service.h). Exit status 0 when every check held, 1 with a
"FAIL:" line on stderr otherwise.
"""

import argparse
import errno
import hashlib
import os
import socket
import sys
import threading
import time

ROOT_BODY = b"Hello from portgate\n"
CHARGEN_LINE = 72
CHARGEN_STRIDE = CHARGEN_LINE + 2
CHARGEN_PERIOD = 95 * CHARGEN_STRIDE


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def chargen_period():
    """One period (95 lines) of the RFC 864 stream, from the RFC text:
    line i holds the 72 printing characters starting at character i of the
    95-character ring (0x20..0x7e), then CR LF."""
    out = bytearray()
    for line in range(95):
        out += bytes(0x20 + (line + col) % 95 for col in range(CHARGEN_LINE))
        out += b"\r\n"
    assert len(out) == CHARGEN_PERIOD
    return bytes(out)


def http_bytes(n):
    """The first n bytes of the /bytes/N body."""
    recs = (n + 15) // 16
    body = "".join(f"{16 * k:015x}\n" for k in range(recs)).encode()
    return body[:n]


def connect(host, port, timeout, sndbuf=0, bind_port=0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if bind_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", bind_port))
    if sndbuf:
        # Before connect, so that the window scale fits; Linux doubles it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


# ---- echo -----------------------------------------------------------------

def cmd_echo(args):
    size = os.path.getsize(args.infile)
    sock = connect(args.host, args.port, args.timeout, args.sndbuf,
                   args.bind_port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    err = []
    sent = [0]

    def sender():
        try:
            with open(args.infile, "rb") as f:
                while True:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    sock.sendall(chunk)
                    sent[0] += len(chunk)
                    if args.pace_ms:
                        time.sleep(args.pace_ms / 1000.0)
            sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            err.append(f"send after {sent[0]} bytes: {exc}")

    t0 = time.monotonic()
    deadline = t0 + args.total
    th = threading.Thread(target=sender, daemon=True)
    th.start()
    got = 0
    with open(args.outfile, "wb") as out:
        while True:
            if time.monotonic() > deadline:
                fail(f"echo: not done after {args.total} s "
                     f"(sent {sent[0]}, received {got} of {size})")
            try:
                data = sock.recv(1 << 16)
            except socket.timeout:
                fail(f"echo: nothing received for {args.timeout} s "
                     f"(sent {sent[0]}, received {got} of {size})")
            except OSError as exc:
                fail(f"echo: recv after {got} bytes: {exc}")
            if not data:
                break
            out.write(data)
            got += len(data)
    th.join(args.timeout)
    sock.close()
    dt = time.monotonic() - t0
    if err:
        fail(f"echo: {err[0]}")
    if th.is_alive():
        fail("echo: sender still blocked after EOF")
    print(f"echo: sent {sent[0]} received {got} bytes in {dt:.2f} s "
          f"({2 * got / dt / 1e6:.1f} MB/s both ways)")
    if got != size:
        fail(f"echo: received {got} bytes, sent {size}")


# ---- echo-many --------------------------------------------------------------

def cmd_echo_many(args):
    """N connections at once, each sending its own BYTES-byte pattern and
    reading it back, all driven from one selector; any reset, timeout or
    differing byte fails the run. Prints one line of counts."""
    import selectors

    sel = selectors.DefaultSelector()
    conns = {}
    done = failed = 0
    errors = []
    t0 = time.monotonic()
    deadline = t0 + args.total

    def payload(i):
        seed = hashlib.sha256(f"{args.seed}:{i}".encode()).digest()
        reps = args.bytes // len(seed) + 1
        return (seed * reps)[:args.bytes]

    for i in range(args.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        # Close with RST-free FIN; nothing lingers.
        err = s.connect_ex((args.host, args.port))
        if err not in (0, errno.EINPROGRESS):
            fail(f"echo-many: connect {i}: {os.strerror(err)}")
        data = payload(i)
        conns[s] = {"i": i, "out": data, "sent": 0, "got": bytearray(),
                    "want": data, "last": time.monotonic()}
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    while conns:
        now = time.monotonic()
        if now > deadline:
            fail(f"echo-many: {len(conns)} of {args.count} not done after "
                 f"{args.total} s ({done} done)")
        for key, ev in sel.select(timeout=0.5):
            s = key.fileobj
            c = conns[s]
            try:
                if ev & selectors.EVENT_WRITE and c["sent"] < len(c["out"]):
                    n = s.send(c["out"][c["sent"]:c["sent"] + 65536])
                    c["sent"] += n
                    c["last"] = now
                    if c["sent"] == len(c["out"]):
                        s.shutdown(socket.SHUT_WR)
                        sel.modify(s, selectors.EVENT_READ)
                if ev & selectors.EVENT_READ:
                    chunk = s.recv(65536)
                    c["last"] = now
                    if chunk:
                        c["got"] += chunk
                        continue
                    # EOF: the echo is complete or it is wrong.
                    sel.unregister(s)
                    s.close()
                    del conns[s]
                    if bytes(c["got"]) == c["want"]:
                        done += 1
                    else:
                        failed += 1
                        errors.append(f"conn {c['i']}: got {len(c['got'])} "
                                      f"bytes, {'equal prefix' if c['want'].startswith(bytes(c['got'])) else 'DIFFERENT'}")
            except OSError as exc:
                failed += 1
                errors.append(f"conn {c['i']}: {exc}")
                sel.unregister(s)
                s.close()
                del conns[s]
        for s, c in list(conns.items()):
            if now - c["last"] > args.timeout:
                fail(f"echo-many: conn {c['i']} silent for {args.timeout} s "
                     f"(sent {c['sent']}, got {len(c['got'])})")
    dt = time.monotonic() - t0
    print(f"echo-many: {done} of {args.count} connections echoed "
          f"{args.bytes} bytes each, byte-identical; {failed} failed "
          f"({dt:.2f} s)")
    if failed:
        for e in errors[:10]:
            print(f"echo-many: {e}", file=sys.stderr)
        fail(f"echo-many: {failed} of {args.count} connections failed")


# ---- chargen --------------------------------------------------------------

class ChargenChecker:
    def __init__(self):
        self.ring = chargen_period() * 2
        self.pos = 0

    def feed(self, data):
        off = 0
        while off < len(data):
            p = self.pos % CHARGEN_PERIOD
            n = min(len(data) - off, CHARGEN_PERIOD)
            want = self.ring[p:p + n]
            got = data[off:off + n]
            if got != want:
                i = next(i for i in range(n) if got[i] != want[i])
                fail(f"chargen: byte {self.pos + i} is {got[i]:#04x}, "
                     f"RFC 864 says {want[i]:#04x} (line {(self.pos + i) // CHARGEN_STRIDE}, "
                     f"column {(self.pos + i) % CHARGEN_STRIDE})")
            off += n
            self.pos += n


def cmd_chargen(args):
    sock = connect(args.host, args.port, args.timeout)
    chk = ChargenChecker()
    t0 = time.monotonic()
    while chk.pos < args.bytes:
        if time.monotonic() - t0 > args.total:
            fail(f"chargen: only {chk.pos} of {args.bytes} bytes after "
                 f"{args.total} s")
        try:
            data = sock.recv(min(1 << 16, args.bytes - chk.pos))
        except socket.timeout:
            fail(f"chargen: nothing for {args.timeout} s after {chk.pos} bytes")
        if not data:
            fail(f"chargen: EOF after {chk.pos} of {args.bytes} bytes")
        chk.feed(data)
    dt = time.monotonic() - t0
    print(f"chargen: {chk.pos} bytes match RFC 864 ({dt:.2f} s)")
    if args.end == "close":
        # Unread data in our buffer: the kernel resets the connection.
        sock.close()
        print("chargen: closed with data unread (RST to the server)")
        return
    sock.shutdown(socket.SHUT_WR)
    extra = 0
    while True:
        if time.monotonic() - t0 > args.total:
            fail(f"chargen: no FIN {args.total} s after our shutdown "
                 f"({extra} more bytes)")
        try:
            data = sock.recv(1 << 16)
        except socket.timeout:
            fail(f"chargen: no FIN within {args.timeout} s of silence after "
                 f"our shutdown ({extra} more bytes)")
        except ConnectionResetError:
            fail(f"chargen: RST instead of FIN after our shutdown "
                 f"({extra} more bytes)")
        if not data:
            break
        chk.feed(data)
        extra += len(data)
    sock.close()
    print(f"chargen: after our FIN, {extra} more bytes (pattern intact), "
          f"then the server's FIN")


# ---- refused --------------------------------------------------------------

def cmd_refused(args):
    worst = 0.0
    n = 0
    for port in [int(p) for p in args.ports.split(",")]:
        for _ in range(args.count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(args.timeout)
            t0 = time.monotonic()
            try:
                sock.connect((args.host, port))
            except ConnectionRefusedError:
                dt = time.monotonic() - t0
            except socket.timeout:
                fail(f"refused: port {port}: no answer in {args.timeout} s "
                     f"(no RST)")
            except OSError as exc:
                fail(f"refused: port {port}: {exc} (wanted ECONNREFUSED)")
            else:
                fail(f"refused: port {port}: connection accepted")
            finally:
                sock.close()
            worst = max(worst, dt)
            n += 1
            if dt > args.within:
                fail(f"refused: port {port}: refused after {dt:.3f} s, "
                     f"more than {args.within} s (a retransmitted SYN?)")
    print(f"refused: {n} connects refused, slowest {worst * 1000:.1f} ms")


# ---- http -----------------------------------------------------------------

class Reader:
    """Buffered reader of responses on one socket."""

    def __init__(self, sock, timeout):
        self.sock = sock
        self.buf = b""
        self.timeout = timeout

    def fill(self):
        try:
            data = self.sock.recv(1 << 16)
        except socket.timeout:
            fail(f"http: no data for {self.timeout} s "
                 f"(have {len(self.buf)} bytes: {self.buf[:80]!r})")
        if not data:
            return False
        self.buf += data
        return True

    def response(self, head_only=False):
        while b"\r\n\r\n" not in self.buf:
            if not self.fill():
                fail(f"http: EOF inside a response head: {self.buf[:200]!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            fail(f"http: bad status line {lines[0]!r}")
        status = int(parts[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        cl = headers.get("content-length")
        if cl is None or len(cl) != 1:
            fail(f"http: response without exactly one Content-Length: "
                 f"{lines!r}")
        n = 0 if head_only else int(cl[0])
        while len(self.buf) < n:
            if not self.fill():
                fail(f"http: EOF after {len(self.buf)} of {n} body bytes")
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, lines, headers, body

    def expect_eof(self):
        """The server closes: EOF (not RST) with nothing more."""
        try:
            more = self.fill()
        except ConnectionResetError:
            fail("http: the server reset the connection instead of closing")
        if more or self.buf:
            fail(f"http: data after the last response: {self.buf[:80]!r}")


def check_response(what, resp, status=None, header=None, body=None):
    st, lines, headers, b = resp
    if status is not None and st != status:
        fail(f"{what}: status {st}, wanted {status} ({lines[0]!r})")
    if header is not None:
        name, _, value = header.partition(":")
        vals = headers.get(name.strip().lower(), [])
        if value.strip() not in vals:
            fail(f"{what}: no header {header!r} in {lines!r}")
    if body is not None and b != body:
        fail(f"{what}: body {b[:80]!r}, wanted {body[:80]!r}")


def cmd_http(args):
    req = args.request.encode("latin-1").decode("unicode_escape").encode(
        "latin-1")
    sock = connect(args.host, args.port, args.timeout)
    sock.sendall(req)
    rd = Reader(sock, args.timeout)
    body = None
    if args.expect_body is not None:
        body = args.expect_body.encode("latin-1").decode(
            "unicode_escape").encode("latin-1")
    resp = rd.response(head_only=req.startswith(b"HEAD "))
    check_response("http", resp, args.expect_status, args.expect_header, body)
    print(f"http: {resp[1][0]!r}, {len(resp[3])} body bytes")
    if args.expect_close:
        rd.expect_eof()
        print("http: then the server closed the connection")
    elif args.expect_open:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        check_response("http (second request)", rd.response(), 200, None,
                       ROOT_BODY)
        print("http: the connection stayed open for a second request")
    sock.close()


def cmd_pipeline(args):
    paths = args.paths.split(",")
    reqs = b""
    for i, p in enumerate(paths):
        conn = b"Connection: close\r\n" if (
            args.close_last and i == len(paths) - 1) else b""
        reqs += (f"GET {p} HTTP/1.1\r\nHost: x\r\n".encode() + conn + b"\r\n")
    sock = connect(args.host, args.port, args.timeout)
    sock.sendall(reqs)
    rd = Reader(sock, args.timeout)
    total = 0
    for p in paths:
        resp = rd.response()
        if p == "/":
            want = ROOT_BODY
        elif p.startswith("/bytes/"):
            want = http_bytes(int(p[7:]))
        else:
            want = None
        check_response(f"pipeline {p}", resp, 200 if want is not None else
                       404, None, want)
        total += len(resp[3])
    if args.close_last:
        rd.expect_eof()
    sock.close()
    print(f"pipeline: {len(paths)} requests in one write, {len(paths)} "
          f"responses in order, {total} body bytes"
          + (", then the server closed" if args.close_last else ""))


# ---- /bytes/N body files --------------------------------------------------

def cmd_bytes_check(args):
    cache = {}
    for spec in args.files:
        path, _, n = spec.rpartition(":")
        with open(path, "rb") as f:
            got = f.read()
        if n == "root":
            want = ROOT_BODY
        else:
            n = int(n)
            if n not in cache:
                cache[n] = http_bytes(n)
            want = cache[n]
        if got != want:
            i = next((i for i in range(min(len(got), len(want)))
                      if got[i] != want[i]), min(len(got), len(want)))
            fail(f"{path}: {len(got)} bytes, wanted {len(want)}; first "
                 f"difference at byte {i}")
    print(f"bytes-check: {len(args.files)} bodies match")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, port=True):
        p.add_argument("host")
        if port:
            p.add_argument("port", type=int)
        p.add_argument("--timeout", type=float, default=10.0,
                       help="longest silence, seconds")
        p.add_argument("--total", type=float, default=120.0,
                       help="longest run, seconds")

    p = sub.add_parser("echo")
    common(p)
    p.add_argument("--in", dest="infile", required=True)
    p.add_argument("--out", dest="outfile", required=True)
    p.add_argument("--sndbuf", type=int, default=0,
                   help="SO_SNDBUF: bounds what is in flight")
    p.add_argument("--bind-port", type=int, default=0,
                   help="source port to connect from")
    p.add_argument("--pace-ms", type=float, default=0,
                   help="sleep after each 64 KB sent")
    p.set_defaults(fn=cmd_echo)

    p = sub.add_parser("echo-many")
    common(p)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--seed", default="0")
    p.set_defaults(fn=cmd_echo_many)

    p = sub.add_parser("chargen")
    common(p)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--end", choices=("shutdown", "close"), default="shutdown")
    p.set_defaults(fn=cmd_chargen)

    p = sub.add_parser("refused")
    common(p, port=False)
    p.add_argument("--ports", required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--within", type=float, default=0.5)
    p.set_defaults(fn=cmd_refused)

    p = sub.add_parser("http")
    common(p)
    p.add_argument("--request", required=True)
    p.add_argument("--expect-status", type=int)
    p.add_argument("--expect-header")
    p.add_argument("--expect-body")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--expect-close", action="store_true")
    g.add_argument("--expect-open", action="store_true")
    p.set_defaults(fn=cmd_http)

    p = sub.add_parser("pipeline")
    common(p)
    p.add_argument("--paths", required=True)
    p.add_argument("--close-last", action="store_true")
    p.set_defaults(fn=cmd_pipeline)

    p = sub.add_parser("bytes-check")
    p.add_argument("files", nargs="+", metavar="FILE:N")
    p.set_defaults(fn=cmd_bytes_check)

    args = ap.parse_args()
    try:
        args.fn(args)
    except ConnectionResetError as exc:
        fail(f"{args.cmd}: connection reset: {exc}")
    except OSError as exc:
        fail(f"{args.cmd}: {exc}")


if __name__ == "__main__":
    main()
