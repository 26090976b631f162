#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Query a running DPDK process over its telemetry socket (protocol v2).

main() -> connect() -> query() -> flatten()

    ptg_telemetry.py [--wait S] [--json | --sum] FILE_PREFIX COMMAND

Prints the reply of COMMAND (e.g. /portgate/stats): with --json the raw
JSON, by default one "path value" line per numeric leaf (nested keys joined
by '.'), with --sum one "name value" line per leaf name summed over every
place it occurs (per-lcore or per-port breakdowns add up).

The socket is /var/run/dpdk/FILE_PREFIX/dpdk_telemetry.v2 (root), or under
$XDG_RUNTIME_DIR for other users. On connect the server sends a JSON
greeting with max_output_len; each request is the command string, each
reply one JSON object keyed by the command.
"""

import argparse
import json
import os
import socket
import sys
import time


def socket_path(prefix):
    if os.getuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix, "dpdk_telemetry.v2")


def connect(path, wait_s):
    deadline = time.monotonic() + wait_s
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            sock.connect(path)
            return sock
        except OSError as exc:
            sock.close()
            if time.monotonic() >= deadline:
                raise SystemExit(f"ptg_telemetry: {path}: {exc.strerror}")
            time.sleep(0.1)


def query(sock, command):
    greeting = json.loads(sock.recv(16384).decode())
    max_len = int(greeting.get("max_output_len", 16384))
    sock.send(command.encode())
    reply = sock.recv(max_len)
    if not reply:
        raise SystemExit("ptg_telemetry: connection closed by the server")
    return json.loads(reply.decode())


def flatten(value, path, name, out):
    """Append (path, name, number) for every numeric leaf below value; name
    is the innermost dictionary key on the path (list indexes skipped)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            flatten(sub, path + [str(key)], str(key), out)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            flatten(sub, path + [str(i)], name, out)
    elif isinstance(value, bool):
        out.append((path, name, int(value)))
    elif isinstance(value, (int, float)):
        out.append((path, name, value))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wait", type=float, default=0.0,
                    help="seconds to wait for the socket to appear")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print raw JSON")
    mode.add_argument("--sum", action="store_true",
                      help="sum numeric leaves by their own name")
    ap.add_argument("prefix", help="the process's EAL --file-prefix")
    ap.add_argument("command", help="telemetry command, e.g. /portgate/stats")
    args = ap.parse_args()

    sock = connect(socket_path(args.prefix), args.wait)
    try:
        reply = query(sock, args.command)
    finally:
        sock.close()

    if args.json:
        json.dump(reply, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    # The reply is {command: payload}, keyed without the ",params" part; a
    # null payload means an unknown command.
    key = args.command.split(",", 1)[0]
    payload = reply.get(key) if isinstance(reply, dict) else None
    if payload is None:
        print(f"ptg_telemetry: no data for {args.command}: {reply}",
              file=sys.stderr)
        return 1
    leaves = []
    flatten(payload, [], key, leaves)
    if args.sum:
        sums = {}
        for _, name, num in leaves:
            sums[name] = sums.get(name, 0) + num
        for name in sorted(sums):
            print(name, sums[name])
    else:
        for path, _, num in leaves:
            print(".".join(path) or key, num)
    return 0


if __name__ == "__main__":
    sys.exit(main())
