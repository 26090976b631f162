#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run packetdrill scripts against portgate's TCP through the adapter
# (ptg_packetdrill.so, built by meson into $BUILD/test/conformance/).
#
#   PACKETDRILL=/path/to/packetdrill test/conformance/run.sh [DIR]
#
# DIR (default: this folder's scripts/) is searched for *.pkt, in sorted
# order, sub-folders included. Each script runs under `timeout` and gets
# PASS or FAIL (with packetdrill's output); the last line is
# "N passed, N failed". Exit status: 0 all passed (or skipped), 1 a script
# failed, 2 a usage or set-up error. This script builds nothing.
#
# Environment:
#   PACKETDRILL   the packetdrill binary; unset: say so and skip (exit 0)
#   BUILD         meson build directory (default: build, from the current
#                 directory, else from the repository root)
#   PTG_PD_TIMEOUT    seconds per script (default 60), a backstop only: the
#                 adapter gives up on a packet the script expects once its
#                 time plus tolerance (plus 50 ms, --so_flags rx_slack_ms)
#                 has passed, so a missing segment fails in milliseconds
#   PTG_PD_LOCAL_IP   the stack's address (default 198.18.0.1)
#   PTG_PD_REMOTE_IP  packetdrill's address (default 198.18.0.2)
#   PTG_PD_TOLERANCE_USECS  timing tolerance (default 10000: portgate's
#                 timers tick every ~1 ms and a loaded machine adds more;
#                 packetdrill's own default is 4000)
#   PTG_PD_ARGS       more packetdrill options (word-split)
#   PTG_PD_STRICT     1 (default): --strict_segments, every segment the
#                 stack sends is matched on its own (packetdrill otherwise
#                 merges consecutive ones, as for TSO); 0: packetdrill's
#                 default
#   PTG_PD_RETRIES    re-runs of a script that failed on a timing error
#                 only (default 1; a loaded machine delays packetdrill's
#                 own threads too); any other failure is final
#
# Careful with scripts written for Linux (packetdrill's gtests/net/tcp):
# many run shell commands in backquotes (sysctl settings of the host's own
# TCP), and packetdrill executes them. Ours have none.
#
# A script with its own --so_flags=... line gets no --so_flags from here
# (packetdrill lets the command line override a script's options); the
# adapter's defaults then give the address (ip=198.18.0.1/15).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ -z "${PACKETDRILL:-}" ]; then
	echo "conformance: PACKETDRILL is not set: skipping the packetdrill suite"
	echo "  (build packetdrill from github.com/google/packetdrill, then"
	echo "   PACKETDRILL=/path/to/packetdrill $0)"
	# meson sets PTG_SKIP_STATUS=77 so its summary counts a skip, not a pass.
	exit "${PTG_SKIP_STATUS:-0}"
fi
if [ ! -x "$PACKETDRILL" ]; then
	echo "conformance: PACKETDRILL=$PACKETDRILL is not an executable" >&2
	exit 2
fi

build=${BUILD:-build}
case $build in
/*) ;;
*)
	if [ ! -d "$build" ] && [ -d "$root/$build" ]; then
		build=$root/$build
	fi
	;;
esac
adapter=$build/test/conformance/ptg_packetdrill.so
if [ ! -f "$adapter" ]; then
	echo "conformance: no adapter at $adapter (build first: meson setup" \
	     "$build && ninja -C $build)" >&2
	exit 2
fi
adapter=$(cd "$(dirname "$adapter")" && pwd)/$(basename "$adapter")

dir=${1:-$here/scripts}
if [ ! -d "$dir" ]; then
	echo "conformance: no such directory: $dir" >&2
	exit 2
fi
if ! command -v timeout >/dev/null 2>&1; then
	echo "conformance: timeout(1) is needed (coreutils)" >&2
	exit 2
fi

limit=${PTG_PD_TIMEOUT:-60}
local_ip=${PTG_PD_LOCAL_IP:-198.18.0.1}
remote_ip=${PTG_PD_REMOTE_IP:-198.18.0.2}
tolerance=${PTG_PD_TOLERANCE_USECS:-10000}
retries=${PTG_PD_RETRIES:-1}
strict=${PTG_PD_STRICT:-1}
# shellcheck disable=SC2206
extra=(${PTG_PD_ARGS:-})

mapfile -d '' scripts < <(find "$dir" -type f -name '*.pkt' -print0 | sort -z)
if [ "${#scripts[@]}" -eq 0 ]; then
	echo "conformance: no .pkt scripts in $dir" >&2
	exit 2
fi

pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for s in "${scripts[@]}"; do
	name=${s#"$dir"/}
	args=(--so_filename="$adapter" --local_ip="$local_ip"
	      --remote_ip="$remote_ip" --tolerance_usecs="$tolerance")
	if [ "$strict" = 1 ]; then
		args+=(--strict_segments)
	fi
	if ! grep -q '^--so_flags' "$s"; then
		args+=(--so_flags="ip=$local_ip/15")
	fi
	tries=0
	while :; do
		(cd "$(dirname "$s")" &&
		 timeout -k 5 "$limit" "$PACKETDRILL" "${args[@]}" \
			"${extra[@]}" "$(basename "$s")") >"$log" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ] || [ "$tries" -ge "$retries" ] ||
		   ! grep -q 'timing error' "$log"; then
			break
		fi
		tries=$((tries + 1))
		echo "RETRY $name (timing error):"
		sed 's/^/    /' "$log"
	done
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name"
	else
		fail=$((fail + 1))
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "FAIL $name (timed out after ${limit}s)"
		else
			echo "FAIL $name (exit $rc)"
		fi
		sed 's/^/    /' "$log"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
