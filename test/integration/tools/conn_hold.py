#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Open TCP connections from a kernel peer and keep them, or open and close
many in a row.

    conn_hold.py hold HOST PORT --count N --ports FILE [--seconds S]
        Open N connections, write their local ports to FILE (one a line)
        once all are up, keep them open S seconds (default 60) or until
        SIGTERM, then close them.
    conn_hold.py churn HOST PORT --count N
        Open and close N connections one after the other (each: connect,
        close); exit 1 if one fails.
"""

import argparse
import os
import signal
import socket
import sys
import time


def cmd_hold(args):
    socks = []
    for _ in range(args.count):
        s = socket.create_connection((args.host, args.port), timeout=10)
        socks.append(s)
    with open(args.ports + ".tmp", "w", encoding="ascii") as f:
        for s in socks:
            f.write(f"{s.getsockname()[1]}\n")
    # rename: the reader sees the whole list or nothing
    os.replace(args.ports + ".tmp", args.ports)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        time.sleep(args.seconds)
    finally:
        for s in socks:
            s.close()
    return 0


def cmd_churn(args):
    for i in range(args.count):
        try:
            s = socket.create_connection((args.host, args.port), timeout=10)
            s.close()
        except OSError as exc:
            print(f"FAIL: connection {i}: {exc}", file=sys.stderr)
            return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("hold")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--ports", required=True)
    p.add_argument("--seconds", type=float, default=60.0)
    p = sub.add_parser("churn")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--count", type=int, required=True)
    args = ap.parse_args()
    return cmd_hold(args) if args.cmd == "hold" else cmd_churn(args)


if __name__ == "__main__":
    sys.exit(main())
