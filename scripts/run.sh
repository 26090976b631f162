#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's run command: set up (dependencies, build, hugepages), then
# run portgate in the foreground on its embedded TAP profile with address
# 198.18.0.2/24, give the host side of the TAP 198.18.0.1/24 once portgate
# is ready, and print how to reach it. Ctrl-C stops portgate (which prints
# its counters) and removes what this script set up.
#
#   sudo scripts/run.sh [portgate app options...]   e.g. --workers 1
#
# main -> ptg_install_deps -> ptg_build -> ptg_hugepages -> start_portgate
#      -> (portgate: ready) -> host_side_up -> wait -> cleanup
#
# Environment: BUILD (default build/), PTG_TAP_IFACE (host-side name of the
# TAP, default ptg0), PTG_LCORE (default: the last CPU), PTG_EAL_EXTRA
# (more EAL options), and those of scripts/common.sh.

set -uo pipefail

PTG_LOG_TAG="run"
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PTG_ADDR=198.18.0.2
PTG_HOST_ADDR=198.18.0.1
PTG_PREFIXLEN=24
: "${PTG_TAP_IFACE:=ptg0}"
export PTG_TAP_IFACE

PG_PID=
STOPPING=0

host_side_up() {
	if ! ptg_wait_if "" "$PTG_TAP_IFACE" 10; then
		ptg_warn "TAP interface $PTG_TAP_IFACE did not appear"
		return 1
	fi
	# Off: the kernel would hand the TAP half-finished TX checksums.
	ethtool -K "$PTG_TAP_IFACE" tx off >/dev/null 2>&1 || true
	sysctl -qw "net.ipv6.conf.$PTG_TAP_IFACE.disable_ipv6=1" >/dev/null 2>&1 || true
	if ! ip addr replace "$PTG_HOST_ADDR/$PTG_PREFIXLEN" dev "$PTG_TAP_IFACE" ||
		! ip link set "$PTG_TAP_IFACE" up; then
		ptg_warn "cannot configure $PTG_TAP_IFACE"
		return 1
	fi
	cat <<EOF

portgate is serving on $PTG_ADDR; this host is $PTG_HOST_ADDR on $PTG_TAP_IFACE.
Try, from another terminal:
    ping $PTG_ADDR
    arping -I $PTG_TAP_IFACE $PTG_ADDR
    curl http://$PTG_ADDR/
    curl http://$PTG_ADDR/bytes/1000
    nc $PTG_ADDR 7         # echo (type a line)
    nc $PTG_ADDR 19 | head # chargen
    dpdk-telemetry.py -f $PREFIX   # then: /portgate/stats
Press Ctrl-C to stop.

EOF
}

# Ctrl-C / TERM: ask portgate to stop (it prints its counters), then keep
# reading its output until it exits.
on_signal() {
	STOPPING=1
	if [[ -n "$PG_PID" ]] && kill -0 "$PG_PID" 2>/dev/null; then
		kill -TERM "$PG_PID" 2>/dev/null || true
	fi
}

main() {
	local bin fifo line eal rc ready=0 host_failed=0
	ptg_is_root || ptg_die "run as root: the TAP device and hugepages need it"
	ptg_install_deps
	ptg_build app/portgate/portgate # the app alone: tests are not needed here
	ptg_hugepages
	bin="$(ptg_portgate_bin)"
	[[ -x "$bin" ]] || ptg_die "$bin was not built"
	if ip link show dev "$PTG_TAP_IFACE" >/dev/null 2>&1; then
		ptg_die "interface $PTG_TAP_IFACE exists already (another portgate?)" \
			"set PTG_TAP_IFACE to another name"
	fi

	PREFIX="portgate-run-$$"
	ptg_cleanup_trap
	trap on_signal INT TERM HUP
	ptg_cleanup_push "ptg_dpdk_prefix_cleanup '$PREFIX'"
	fifo="$(mktemp -u /tmp/portgate-run.XXXXXX)"
	mkfifo -m 600 "$fifo" || ptg_die "cannot create $fifo"
	ptg_cleanup_push "rm -f '$fifo'"

	eal=(-l "${PTG_LCORE:-$(ptg_last_cpu)}" --no-pci --file-prefix "$PREFIX")
	# shellcheck disable=SC2206 # option lists
	eal+=(${PTG_EAL_MEM:-} ${PTG_EAL_EXTRA:-})
	ptg_log "starting: $bin ${eal[*]} -- --addr $PTG_ADDR/$PTG_PREFIXLEN $*"
	# Its own session: Ctrl-C reaches portgate only through on_signal,
	# exactly once, and its last lines still find a reader.
	setsid "$bin" "${eal[@]}" -- --addr "$PTG_ADDR/$PTG_PREFIXLEN" "$@" \
		>"$fifo" 2>&1 </dev/null &
	PG_PID=$!
	# shellcheck disable=SC2016 # expanded when the cleanup runs
	ptg_cleanup_push 'if [[ -n "$PG_PID" ]]; then kill -KILL "$PG_PID"; fi'

	exec 3<"$fifo"
	while true; do
		if IFS= read -r line <&3; then
			printf '%s\n' "$line"
			if ((!ready)) && [[ "$line" == "portgate: ready"* ]]; then
				ready=1
				if ((!STOPPING)) && ! host_side_up; then
					host_failed=1
					on_signal
				fi
			fi
		elif (($? > 128)); then
			continue # read interrupted by a signal: keep draining
		else
			break # end of output: portgate is gone
		fi
	done
	exec 3<&-
	# wait returns >128 when a trapped signal interrupts it: wait again.
	while true; do
		wait "$PG_PID"
		rc=$?
		((rc > 128)) && kill -0 "$PG_PID" 2>/dev/null && continue
		break
	done
	PG_PID=
	if ((host_failed)); then
		ptg_log "could not set up the host side of the TAP"
		exit 1
	fi
	if ((rc == 0)); then
		ptg_log "portgate stopped"
	else
		ptg_log "portgate exited with status $rc"
	fi
	exit "$rc"
}

main "$@"
