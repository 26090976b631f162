#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's benchmark command: in one run on this machine, with the same
# concurrency and sizes,
#   (a) portgate (1 core) against portgate-gen (1 core) over a vhost-user /
#       virtio-user link (two DPDK processes, each its own --file-prefix
#       and core; portgate is the virtio-user side),
#   (b) the Linux kernel doing the same work: ptg-epoll-server and
#       ptg-epoll-client (test/bench/tools) over loopback, client on one
#       core, server on the other,
#   (c) the link's raw rate: dpdk-testpmd txonly -> rxonly over the same
#       kind of vhost link, 64-byte and 1514-byte frames,
#   (d) SCALE: portgate's CPS and RPS with 1 worker and with 2 workers
#       (rtc mode, a queue pair each), portgate-gen with as many, and the
#       ratio; every run must end with no error and no RST either way,
# then prints one row per metric (CPS, RPS, RPS-1000, BULK, P99, MEM/CONN):
# metric, portgate, Linux, ratio, link limit, fraction of the link, and
# the SCALE section; writes the same as JSON ("rows", "scale") and a PNG
# chart (gnuplot).
#
#   scripts/bench.sh [--seconds N] [--out DIR] [--only scale]
#
# --only scale: (d) alone: its section, and bench.json with "scale".
#
# main -> ptg_install_deps (+ gnuplot) -> ptg_build -> hugepages
#      -> link_rate() -> pg_run() per metric -> linux_run() per metric
#      -> pg_hold() / linux_hold() -> scale_run() -> report (table, JSON,
#      PNG) -> report_scale() -> cleanup
#
# Environment: BENCH_SECONDS (3: seconds per measurement), BENCH_CONC (64:
# connections of CPS and BULK... see below), BENCH_HOLD (1000000: idle
# connections held by portgate), BENCH_HOLD_LINUX (auto: as many as one
# process's descriptor limit allows), BENCH_OUT (BUILD/bench), BENCH_NICE
# (-20: every measured process runs at this nice level, so that other work
# on a shared machine takes as little of the two CPUs as the scheduler
# allows, and interrupts both stacks alike), and those of scripts/common.sh. Every process it starts is killed on any exit (by the
# PIDs it recorded), with its vhost socket, EAL files and the hugepages it
# reserved.

set -uo pipefail

PTG_LOG_TAG="bench"
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${BENCH_SECONDS:=3}"
: "${BENCH_CONC:=64}"
: "${BENCH_HOLD:=1000000}"
: "${BENCH_HOLD_LINUX:=auto}"
: "${BENCH_OUT:=$PTG_BUILD_DIR/bench}"
: "${BENCH_NICE:=-20}"

REQ=64                      # request and response bytes (echo)
PG_ADDR=198.18.0.2
GEN_ADDR=198.18.0.1
LINUX_PORT=7007
ID="$(ptg_rand4)"
PIDS=()
HP_ORIG=""
ONLY=""

usage() {
	sed -n '3,36p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
	case "$1" in
	--seconds) BENCH_SECONDS="$2"; shift 2 ;;
	--out) BENCH_OUT="$2"; shift 2 ;;
	--only)
		[[ "${2:-}" == scale ]] ||
			{ echo "bench: --only: '${2:-}': only 'scale' runs alone" >&2; exit 2; }
		ONLY="$2"; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[[ "$BENCH_SECONDS" =~ ^[0-9]+$ ]] && ((BENCH_SECONDS > 0)) ||
	{ echo "bench: --seconds: '$BENCH_SECONDS' is not a positive number" >&2; exit 2; }

# ---------------------------------------------------------------------------
# Processes and cleanup
# ---------------------------------------------------------------------------

# Stop one process we started: TERM, then KILL after 10 s.
stop_pid() {
	local pid="$1" i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	PIDS=()
	rm -f /tmp/ptg-bench-"$ID"-*.sock
	for p in gen pg tpv tpu; do
		ptg_dpdk_prefix_cleanup "ptg-bench-$ID-$p"
	done
	if [[ -n "$HP_ORIG" ]]; then
		echo "$HP_ORIG" >"$PTG_HP_SYSFS/nr_hugepages" 2>/dev/null || true
	fi
}

# bg LOG CMD...: start CMD in the background (at BENCH_NICE), output to
# LOG; sets BG_PID.
bg() {
	local log="$1"
	shift
	nice -n "$BENCH_NICE" "$@" >"$log" 2>&1 </dev/null &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# wait_for FILE PATTERN SECONDS PID: until PATTERN is in FILE (0), the
# process ends (1) or the time is up (2).
wait_for() {
	local f="$1" pat="$2" t="$3" pid="$4" i
	for ((i = 0; i < t * 10; i++)); do
		grep -qs -- "$pat" "$f" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 2
}

# The two CPUs: clients (portgate-gen, ptg-epoll-client, testpmd txonly)
# on the first, servers (portgate, ptg-epoll-server, testpmd rxonly) on
# the second.
pick_cpus() {
	local cpus
	cpus="$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')"
	read -r CPU_C CPU_S _ <<<"$cpus"
	[[ -n "${CPU_S:-}" ]] || ptg_die "needs two CPUs (this process may use: $cpus)"
}

# Reserve 2 MB pages for the hold measurement (both processes hold their
# tables in hugepages); the count is put back on exit.
hugepages_for_hold() {
	local want free
	[[ -d "$PTG_HP_SYSFS" ]] || return 0
	HP_ORIG="$(cat "$PTG_HP_SYSFS/nr_hugepages")"
	want=$((HP_ORIG + 1536))
	echo "$want" >"$PTG_HP_SYSFS/nr_hugepages" 2>/dev/null || true
	free="$(ptg_hugepages_free)"
	ptg_log "hugepages: $(cat "$PTG_HP_SYSFS/nr_hugepages") reserved, $free free"
}

# ---------------------------------------------------------------------------
# (c) the link: testpmd txonly (vhost) -> rxonly (virtio-user)
# ---------------------------------------------------------------------------

# link_rate NAME FRAME_BYTES: writes OUT/link-NAME.txt with "pps bps".
link_rate() {
	local name="$1" len="$2" sock="/tmp/ptg-bench-$ID-link.sock"
	local tv="$BENCH_OUT/testpmd-$name-tx.log" tu="$BENCH_OUT/testpmd-$name-rx.log"
	local txp rxp
	rm -f "$sock"
	bg "$tv" dpdk-testpmd -l "$CPU_C,$CPU_S" --main-lcore "$CPU_S" --no-pci \
		--file-prefix "ptg-bench-$ID-tpv" \
		--vdev "net_vhost0,iface=$sock,queues=1" -- \
		--forward-mode=txonly --txpkts="$len" --stats-period=1 --nb-cores=1
	txp=$BG_PID
	# The vhost side forwards once its port is started.
	wait_for "$tv" "start packet forwarding" 30 "$txp" ||
		ptg_warn "link $name: testpmd (vhost side) did not start"
	bg "$tu" dpdk-testpmd -l "$CPU_C,$CPU_S" --main-lcore "$CPU_C" --no-pci \
		--single-file-segments --file-prefix "ptg-bench-$ID-tpu" \
		--vdev "net_virtio_user0,path=$sock,queues=1,queue_size=1024" -- \
		--forward-mode=rxonly --stats-period=1 --nb-cores=1
	rxp=$BG_PID
	sleep $((BENCH_SECONDS + 3))
	stop_pid "$rxp"
	stop_pid "$txp"
	rm -f "$sock"
	# The per-second Rx-pps / Rx-bps of the receiver, steady part: median.
	python3 - "$tu" >"$BENCH_OUT/link-$name.txt" <<'EOF'
import re, statistics, sys
pps, bps = [], []
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"Rx-pps:\s+(\d+)\s+Rx-bps:\s+(\d+)", line)
    if m and int(m.group(1)) > 0:
        pps.append(int(m.group(1)))
        bps.append(int(m.group(2)))
pps, bps = pps[1:] or pps, bps[1:] or bps
print(statistics.median(pps) if pps else 0, statistics.median(bps) if bps else 0)
EOF
	ptg_log "link $name: $(cat "$BENCH_OUT/link-$name.txt") (pps bps)"
	if [[ "$(cut -d' ' -f1 "$BENCH_OUT/link-$name.txt")" == 0 && -z "${LINK_RETRY:-}" ]]; then
		ptg_warn "link $name: no frames came through; once more"
		LINK_RETRY=1 link_rate "$@"
	fi
}

# ---------------------------------------------------------------------------
# (a) portgate against portgate-gen over vhost-user / virtio-user
# ---------------------------------------------------------------------------

# pg_run NAME "GEN OPTIONS" ["PORTGATE OPTIONS"]: one measurement; the
# gen's --json lands in OUT/pg-NAME.json, portgate's exit report in
# OUT/pg-NAME.portgate.log. Returns the gen's exit status. PG_GEN_CORES
# and PG_PG_CORES, if set, replace each one's "-l CPU" (several workers).
pg_run() {
	local name="$1" gopts="$2" popts="${3:-}" sock="/tmp/ptg-bench-$ID-$1.sock"
	local glog="$BENCH_OUT/pg-$name.gen.log" plog="$BENCH_OUT/pg-$name.portgate.log"
	local gpid ppid rc
	rm -f "$sock" "$BENCH_OUT/pg-$name.json"
	# shellcheck disable=SC2086 # option lists
	PTG_VHOST_SOCK="$sock" bg "$glog" "$(ptg_gen_bin)" ${PG_GEN_CORES:--l $CPU_C} \
		--file-prefix "ptg-bench-$ID-gen" $PTG_EAL_MEM -- \
		--profile "$PTG_ROOT/drivers-config/vhost.ini" \
		--addr "$GEN_ADDR/24" --json "$BENCH_OUT/pg-$name.json" $gopts
	gpid=$BG_PID
	for ((i = 0; i < 100; i++)); do [[ -S "$sock" ]] && break; sleep 0.1; done
	# shellcheck disable=SC2086
	PTG_VHOST_SOCK="$sock" bg "$plog" "$(ptg_portgate_bin)" ${PG_PG_CORES:--l $CPU_S} \
		--file-prefix "ptg-bench-$ID-pg" $PTG_EAL_MEM -- \
		--profile "$PTG_ROOT/drivers-config/virtio-user.ini" \
		--addr "$PG_ADDR/24" $popts
	ppid=$BG_PID
	PG_PID=$ppid
	if [[ -n "${PG_DURING:-}" ]]; then
		"$PG_DURING" "$glog" "$gpid" "$ppid" "$name"
	fi
	wait "$gpid"
	rc=$?
	stop_pid "$ppid"
	rm -f "$sock"
	ptg_dpdk_prefix_cleanup "ptg-bench-$ID-gen"
	ptg_dpdk_prefix_cleanup "ptg-bench-$ID-pg"
	ptg_log "portgate $name: $(grep -m1 -E '^portgate-gen: (requests|connections|syn)' "$glog" | sed 's/^portgate-gen: //') $(grep -m1 '^portgate-gen: result' "$glog" | sed 's/^portgate-gen: //')"
	return "$rc"
}

# During the hold: once every connection is open, read portgate's own
# accounting (telemetry /portgate/info) and its process footprint.
pg_hold_probe() {
	local glog="$1" gpid="$2" ppid="$3" name="$4" st
	if ! wait_for "$glog" "^portgate-gen: holding" 300 "$gpid"; then
		ptg_warn "hold: the connections never were all open"
		return 0
	fi
	# The process first (instant), then its telemetry.
	st=/proc/$ppid/status
	awk '/^(VmRSS|HugetlbPages):/ { print $1, $2 }' "$st" \
		>"$BENCH_OUT/pg-$name.mem" 2>/dev/null
	# At the measured processes' priority, or it waits for their CPUs.
	nice -n "$BENCH_NICE" python3 "$PTG_ROOT/test/integration/ptg_telemetry.py" \
		--wait 5 "ptg-bench-$ID-pg" /portgate/info \
		>"$BENCH_OUT/pg-$name.info" 2>&1
}

# Portgate's footprint with its default tables, idle: the baseline.
pg_idle_probe() {
	local glog="$1" gpid="$2" ppid="$3" name="$4"
	wait_for "$BENCH_OUT/pg-$name.portgate.log" "^portgate: ready" 60 "$ppid" ||
		return 0
	awk '/^(VmRSS|HugetlbPages):/ { print $1, $2 }' "/proc/$ppid/status" \
		>"$BENCH_OUT/pg-$name.mem" 2>/dev/null
}

# ---------------------------------------------------------------------------
# (b) the Linux kernel: ptg-epoll-server / ptg-epoll-client on loopback
# ---------------------------------------------------------------------------

SRV_PID=""

linux_server_start() {
	bg "$BENCH_OUT/linux-server.log" taskset -c "$CPU_S" \
		"$PTG_BUILD_DIR/test/bench/ptg-epoll-server" --port "$LINUX_PORT"
	SRV_PID=$BG_PID
	wait_for "$BENCH_OUT/linux-server.log" "ready" 10 "$SRV_PID" ||
		ptg_die "ptg-epoll-server did not start"
}

# linux_run NAME "CLIENT OPTIONS"
linux_run() {
	local name="$1" copts="$2" log="$BENCH_OUT/linux-$1.log"
	rm -f "$BENCH_OUT/linux-$name.json"
	# shellcheck disable=SC2086
	nice -n "$BENCH_NICE" taskset -c "$CPU_C" \
		"$PTG_BUILD_DIR/test/bench/ptg-epoll-client" \
		--dst "127.0.0.1:$LINUX_PORT" --json "$BENCH_OUT/linux-$name.json" \
		$copts >"$log" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
	if [[ -n "${LINUX_DURING:-}" ]]; then
		"$LINUX_DURING" "$log" "$BG_PID" "$name"
	fi
	wait "$BG_PID"
	ptg_log "Linux $name: $(grep -m1 -E '^ptg-epoll-client: (requests)' "$log" | sed 's/^ptg-epoll-client: //') $(grep -m1 'result' "$log" | sed 's/^ptg-epoll-client: //')"
}

slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

linux_hold_probe() {
	local log="$1" pid="$2" name="$3"
	wait_for "$log" "holding" 120 "$pid" || return 0
	sleep 0.5
	echo "after $(slab_kb)" >>"$BENCH_OUT/linux-$name.slab"
}

# How many connections one process may hold: its descriptor limit (the
# client and the server each need one per connection).
linux_hold_count() {
	local lim
	if [[ "$BENCH_HOLD_LINUX" != auto ]]; then
		echo "$BENCH_HOLD_LINUX"
		return
	fi
	lim="$(ulimit -Hn)"
	[[ "$lim" == unlimited ]] && lim=1048576
	lim=$((lim - 1000))
	((lim > BENCH_HOLD)) && lim=$BENCH_HOLD
	echo "$lim"
}

# ---------------------------------------------------------------------------
# (d) SCALE: portgate at 1 and at 2 workers, the gen with as many
# ---------------------------------------------------------------------------

# scale_run: CPS and RPS with 1 worker each side, then 2. Portgate runs
# rtc mode (a virtio queue pair per worker, no I/O lcore); at 2, each
# side's two lcores are spread over the two CPUs, and both sides steer
# and hand each other's strays over (lib/dataplane). With only two CPUs
# the 2 + 2 busy-polling workers share them: the ratio then says what
# the machine allows, not what the design does.
scale_run() {
	local n gc pc dst="--dst $PG_ADDR:7 --duration $BENCH_SECONDS --req-size $REQ --quiet"
	for n in 1 2; do
		if ((n == 1)); then
			gc="-l $CPU_C" pc="-l $CPU_S"
		else
			gc="--lcores 0@$CPU_C,1@$CPU_S" pc="--lcores 0@$CPU_S,1@$CPU_C"
		fi
		PG_GEN_CORES="$gc" PG_PG_CORES="$pc" pg_run "scale-cps-$n" \
			"$dst --mode cps --concurrency $BENCH_CONC --workers $n" \
			"--workers $n --mode rtc"
		PG_GEN_CORES="$gc" PG_PG_CORES="$pc" pg_run "scale-rps-$n" \
			"$dst --mode rps --concurrency 100 --workers $n" \
			"--workers $n --mode rtc"
	done
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

main() {
	local s="$BENCH_SECONDS" rps_pg rps_lx hold_n hold_lx nsrc slab0
	ptg_is_root || ptg_die "needs root (hugepages, vhost-user, taskset)"
	ptg_cleanup_trap
	ptg_cleanup_push cleanup
	ptg_install_deps "${PTG_BENCH_DEBS[@]}"
	ptg_build
	ptg_hugepages
	[[ "$ONLY" == scale ]] || hugepages_for_hold
	PTG_EAL_MEM="$(ptg_eal_mem_flags)"
	[[ -z "$PTG_EAL_MEM" ]] ||
		ptg_die "no free hugepages: virtio-user needs them (EAL would use $PTG_EAL_MEM)"
	pick_cpus
	mkdir -p "$BENCH_OUT"
	rm -f "$BENCH_OUT"/*.json "$BENCH_OUT"/*.log "$BENCH_OUT"/*.txt \
		"$BENCH_OUT"/*.mem "$BENCH_OUT"/*.info "$BENCH_OUT"/*.slab
	ptg_log "clients on CPU $CPU_C, servers on CPU $CPU_S; $s s per measurement; results in $BENCH_OUT"

	if [[ "$ONLY" == scale ]]; then
		scale_run
		report_scale
		return
	fi

	# (c) the link
	link_rate 64 64
	link_rate 1514 1514

	# (a) portgate against portgate-gen
	local dst="--dst $PG_ADDR:7 --duration $s --req-size $REQ --quiet"
	PG_DURING=pg_idle_probe pg_run cps "$dst --mode cps --concurrency $BENCH_CONC"
	pg_run rps "$dst --mode rps --concurrency 100"
	pg_run rps1000 "$dst --mode rps --concurrency 1000"
	pg_run bulk "$dst --mode bulk --concurrency 1"
	rps_pg="$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["req_per_s"] / 2))' "$BENCH_OUT/pg-rps.json" 2>/dev/null || echo 0)"
	((rps_pg > 0)) || rps_pg=1000
	pg_run p99 "$dst --mode rps --concurrency 100 --rate $rps_pg"

	hold_n="$BENCH_HOLD"
	nsrc=$(((hold_n + 63999) / 64000))
	((nsrc < 1)) && nsrc=1
	echo "$hold_n" >"$BENCH_OUT/pg-hold.count"
	PG_DURING=pg_hold_probe pg_run hold \
		"--dst $PG_ADDR:7 --mode hold --concurrency $hold_n --duration 10 --quiet --max-conns $((hold_n + 1024)) --src 198.18.0.10-198.18.0.$((9 + nsrc)) --wait-s 30" \
		"--max-conns $((hold_n + 1024))"

	# (b) Linux. The hold first: the TIME-WAIT sockets the others leave
	# would shrink the slab while it is measured.
	linux_server_start
	hold_lx="$(linux_hold_count)"
	echo "$hold_lx" >"$BENCH_OUT/linux-hold.count"
	sleep 1
	slab0="$(slab_kb)"
	echo "before $slab0" >"$BENCH_OUT/linux-hold.slab"
	LINUX_DURING=linux_hold_probe linux_run hold \
		"--mode hold --concurrency $hold_lx --duration 10 --quiet --src 127.0.1.1-127.0.1.32"
	local lc="--duration $s --req-size $REQ --quiet"
	linux_run cps "$lc --mode cps --concurrency $BENCH_CONC --src 127.0.1.1-127.0.1.32"
	linux_run rps "$lc --mode rps --concurrency 100"
	linux_run rps1000 "$lc --mode rps --concurrency 1000"
	linux_run bulk "$lc --mode bulk --concurrency 1"
	rps_lx="$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["req_per_s"] / 2))' "$BENCH_OUT/linux-rps.json" 2>/dev/null || echo 0)"
	((rps_lx > 0)) || rps_lx=1000
	linux_run p99 "$lc --mode rps --concurrency 100 --rate $rps_lx"
	stop_pid "$SRV_PID"

	# (d) SCALE
	scale_run

	local rc=0
	report || rc=1
	report_scale || rc=1
	return "$rc"
}

# ---------------------------------------------------------------------------
# The table, JSON and chart
# ---------------------------------------------------------------------------

report() {
	local cpu
	cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
	python3 - "$BENCH_OUT" "$cpu" "$(nproc)" "$BENCH_SECONDS" "$REQ" \
		"$BENCH_CONC" <<'EOF'
import datetime, json, os, re, sys

out, cpu, ncpu, secs, req, conc = sys.argv[1:7]

def load(name):
    try:
        return json.load(open(os.path.join(out, name + ".json")))
    except (OSError, ValueError):
        return None

def exit_stats(name):
    """portgate's exit report: 'portgate: stat GROUP.NAME=V'."""
    st = {}
    try:
        for line in open(os.path.join(out, "pg-%s.portgate.log" % name)):
            m = re.match(r"portgate: stat (\S+)=(\d+)", line)
            if m:
                st[m.group(1)] = int(m.group(2))
    except OSError:
        pass
    return st

def kv(path):
    d = {}
    try:
        for line in open(path):
            p = line.split()
            if len(p) >= 2:
                d[p[0].rstrip(":")] = p[1]
    except OSError:
        pass
    return d

link = {}
for n in ("64", "1514"):
    try:
        pps, bps = open(os.path.join(out, "link-%s.txt" % n)).read().split()
        link[n] = (float(pps), float(bps))
    except (OSError, ValueError):
        link[n] = (0.0, 0.0)

rows = []
def ok(j):
    return j is not None and j.get("ok")

def frames_per_s(name, j):
    st = exit_stats(name)
    if not j or not j.get("elapsed_s"):
        return 0.0
    return (st.get("net.rx_frames", 0) + st.get("net.tx_frames", 0)) / j["elapsed_s"]

def rate_row(metric, name, key, unit, scale=1.0):
    p, l = load("pg-" + name), load("linux-" + name)
    pv = p[key] * scale if p else None
    lv = l[key] * scale if l else None
    fps = frames_per_s(name, p)
    lim = link["64"][0]
    rows.append({
        "metric": metric, "unit": unit,
        "portgate": pv, "linux": lv,
        "ratio": pv / lv if pv and lv else None,
        "link_limit": lim, "link_unit": "pps (64 B, one way)",
        "fraction": fps / lim if lim else None,
        "portgate_frames_per_s": fps,
        "portgate_ok": ok(p), "linux_ok": ok(l),
    })

rate_row("CPS", "cps", "conn_per_s", "conn/s")
rate_row("RPS", "rps", "req_per_s", "req/s")
rate_row("RPS-1000", "rps1000", "req_per_s", "req/s")

p, l = load("pg-bulk"), load("linux-bulk")
lim = link["1514"][1] / 1e9
rows.append({
    "metric": "BULK", "unit": "Gbps each way",
    "portgate": p["gbps_rx"] if p else None,
    "linux": l["gbps_rx"] if l else None,
    "ratio": p["gbps_rx"] / l["gbps_rx"] if p and l and l["gbps_rx"] else None,
    "link_limit": lim, "link_unit": "Gbps (1514 B frames, one way)",
    "fraction": p["gbps_rx"] / lim if p and lim else None,
    "portgate_ok": ok(p), "linux_ok": ok(l),
})

p, l = load("pg-p99"), load("linux-p99")
rows.append({
    "metric": "P99", "unit": "us at half of its own max RPS",
    "portgate": p["latency_us"]["p99"] if p else None,
    "linux": l["latency_us"]["p99"] if l else None,
    "ratio": l["latency_us"]["p99"] / p["latency_us"]["p99"]
             if p and l and p["latency_us"]["p99"] else None,
    "portgate_rate": p["req_per_s"] if p else None,
    "linux_rate": l["req_per_s"] if l else None,
    "link_limit": None, "fraction": None,
    "portgate_ok": ok(p), "linux_ok": ok(l),
})

# MEM/CONN: portgate's own accounting (telemetry) and its process; the
# kernel's slab growth per connection end (both ends are in one kernel).
info = {}
try:
    for line in open(os.path.join(out, "pg-hold.info")):
        p2 = line.split()
        if len(p2) == 2:
            info[p2[0].split(".")[-1]] = float(p2[1])
except OSError:
    pass
hold_n = int(open(os.path.join(out, "pg-hold.count")).read() or 0)
ph = load("pg-hold")
pmem = kv(os.path.join(out, "pg-hold.mem"))
pbase = kv(os.path.join(out, "pg-cps.mem"))
held = ph["held"] if ph else 0
held = max(held, ph.get("peak_active", 0)) if ph else 0
slot = info.get("conn_slot_bytes")
proc_kb = sum(int(pmem.get(k, 0)) for k in ("VmRSS", "HugetlbPages"))
base_kb = sum(int(pbase.get(k, 0)) for k in ("VmRSS", "HugetlbPages"))
proc_per = (proc_kb - base_kb) * 1024.0 / hold_n if proc_kb and base_kb and hold_n else None
lh = load("linux-hold")
slab = kv(os.path.join(out, "linux-hold.slab"))
hold_lx = int(open(os.path.join(out, "linux-hold.count")).read() or 0)
lx_per = None
if "before" in slab and "after" in slab and hold_lx:
    lx_per = (int(slab["after"]) - int(slab["before"])) * 1024.0 / (2 * hold_lx)
rows.append({
    "metric": "MEM/CONN", "unit": "bytes per idle connection end",
    "portgate": slot, "linux": lx_per,
    "ratio": lx_per / slot if slot and lx_per else None,
    "link_limit": None, "fraction": None,
    "portgate_held": int(info.get("connections", 0)), "portgate_count": hold_n,
    "portgate_process_bytes_per_conn": proc_per,
    "portgate_process_kb": proc_kb, "portgate_baseline_kb": base_kb,
    "linux_held": hold_lx,
    "portgate_ok": ok(ph), "linux_ok": ok(lh),
})

def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit.startswith("Gbps"):
        return "%.2f" % v
    if unit.startswith("us"):
        return "%.1f us" % v
    if unit.startswith("bytes"):
        return "%.0f B" % v
    return "{:,.0f}".format(v)

def fmt_link(r):
    if r["link_limit"] is None:
        return "-"
    if r["metric"] == "BULK":
        return "%.2f Gbps" % r["link_limit"]
    return "%.1f Mpps" % (r["link_limit"] / 1e6)

stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
print()
print("portgate benchmark, %s, %s (%s vCPUs), %s s per measurement, %s-byte "
      "request and response" % (stamp, cpu, ncpu, secs, req))
hdr = ("metric", "portgate", "Linux", "ratio", "link limit", "fraction of link")
table = []
for r in rows:
    table.append((r["metric"], fmt(r["portgate"], r["unit"]),
                  fmt(r["linux"], r["unit"]),
                  "%.1fx" % r["ratio"] if r["ratio"] else "n/a",
                  fmt_link(r),
                  "%.0f%%" % (100 * r["fraction"]) if r["fraction"] is not None else "-"))
w = [max(len(str(x[i])) for x in table + [hdr]) for i in range(len(hdr))]
line = "  ".join(h.ljust(w[i]) for i, h in enumerate(hdr))
print(line)
print("-" * len(line))
for t in table:
    print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(t)))
mem = rows[-1]
print()
print("CPS: %s connections at once, connect + %s B + %s B + close; RPS: keep-alive, "
      "100 (RPS) and 1,000 (RPS-1000) connections; BULK: one stream through echo, "
      "data checked; P99: at half of each one's RPS max (portgate %s req/s, Linux "
      "%s req/s). Fraction of link: portgate's frames per second (both ways, its "
      "counters) over the link's one-way 64-byte rate; BULK: payload Gbps over the "
      "link's 1514-byte Gbps." % (conc, req, req,
      fmt(rows[4].get("portgate_rate"), "n"), fmt(rows[4].get("linux_rate"), "n")))
print("MEM/CONN: portgate held %s connections (its accounting: table bytes per "
      "slot; process growth over the idle baseline: %s per connection); Linux "
      "held %s (slab growth over both ends, per end; one process may hold only "
      "as many descriptors as its limit, %s here)." % (
      "{:,}".format(mem["portgate_held"]),
      fmt(mem["portgate_process_bytes_per_conn"], "bytes"),
      "{:,}".format(mem["linux_held"]), "{:,}".format(mem["linux_held"] + 1000)))
# Where this run stands against the project's goals.
print()
goals = []
for metric, want in (("CPS", 25.0), ("RPS", 12.0), ("RPS-1000", 12.0)):
    r = next(x for x in rows if x["metric"] == metric)
    goals.append({"goal": "%s >= %gx Linux" % (metric, want),
                  "got": r["ratio"], "met": bool(r["ratio"] and r["ratio"] >= want)})
    print("goal %-26s %s (%s)" % (goals[-1]["goal"] + ":",
          "%.1fx" % r["ratio"] if r["ratio"] else "n/a",
          "met" if goals[-1]["met"] else "not met"))
best = max((x for x in rows if x["metric"] in ("CPS", "RPS", "RPS-1000")),
           key=lambda x: x["fraction"] or 0)
goals.append({"goal": "engine >= 50% of the link's packet rate",
              "got": best["fraction"], "met": bool(best["fraction"] and best["fraction"] >= 0.5)})
print("goal %-26s %s (%s, %s)" % ("engine >= 50% of link:",
      "%.0f%%" % (100 * best["fraction"]) if best["fraction"] is not None else "n/a",
      best["metric"], "met" if goals[-1]["met"] else "not met"))

bad = [r["metric"] for r in rows if not (r["portgate_ok"] and r["linux_ok"])]
if bad:
    print("WARNING: runs with errors or missing results: " + ", ".join(bad))

res = {"date": stamp, "cpu": cpu, "vcpus": int(ncpu), "seconds": int(secs),
       "req_bytes": int(req), "link": {"pps_64": link["64"][0],
       "bps_64": link["64"][1], "pps_1514": link["1514"][0],
       "bps_1514": link["1514"][1]}, "rows": rows, "goals": goals}
json.dump(res, open(os.path.join(out, "bench.json"), "w"), indent=2)
with open(os.path.join(out, "bench.dat"), "w") as f:
    for r in rows:
        if r["ratio"]:
            f.write('"%s" %.3f %s\n' % (r["metric"], r["ratio"],
                    "%.3f" % (100 * r["fraction"]) if r["fraction"] is not None
                    else "-"))
print()
print("results: %s/bench.json" % out)
sys.exit(1 if bad else 0)
EOF
	local rc=$?
	gnuplot <<EOF && ptg_log "chart: $BENCH_OUT/bench.png"
set terminal pngcairo size 900,500 noenhanced
set output "$BENCH_OUT/bench.png"
set title "portgate vs Linux (ratio, bars) and fraction of the link (%, points), $(date +%F)"
set style data histograms
set style fill solid 0.8
set boxwidth 0.6
set logscale y
set ylabel "portgate / Linux (x)"
set y2label "fraction of link (%)"
set y2range [0:100]
set y2tics
set grid ytics
set datafile missing "-"
plot "$BENCH_OUT/bench.dat" using 2:xtic(1) title "ratio", \
     "" using 0:3 axes x1y2 with points pt 7 ps 2 title "fraction of link"
EOF
	return "$rc"
}

# The SCALE section: CPS and RPS at 1 and 2 workers, their ratio, and
# whether the traffic was clean (no error, no RST either way, every stray
# the gen handed accounted, every gen worker busy); merged into
# OUT/bench.json as "scale".
report_scale() {
	python3 - "$BENCH_OUT" "$(nproc)" "$BENCH_SECONDS" <<'EOF'
import datetime, json, os, re, sys

out, ncpu, secs = sys.argv[1:4]

def load(name):
    try:
        return json.load(open(os.path.join(out, name + ".json")))
    except (OSError, ValueError):
        return None

def exit_stats(name):
    """portgate's exit report: 'portgate: stat GROUP.NAME=V'."""
    st = {}
    try:
        for line in open(os.path.join(out, "pg-%s.portgate.log" % name)):
            m = re.match(r"portgate: stat (\S+)=(\d+)", line)
            if m:
                st[m.group(1)] = int(m.group(2))
    except OSError:
        pass
    return st

def point(metric, key, n):
    name = "scale-%s-%d" % (metric, n)
    j, st = load("pg-" + name), exit_stats(name)
    if j is None:
        return {"workers": n, "value": None, "ok": False, "clean": False}
    steer = j.get("steering", {})
    tcp = j.get("tcp", {})
    p = {
        "workers": n, "value": j[key], "ok": bool(j.get("ok")),
        "errors": j.get("errors_total"),
        "gen_rst_rx": tcp.get("conn_reset_rx"),
        "gen_rst_no_conn": tcp.get("rst_no_listener"),
        "portgate_rst_rx": st.get("tcp.conn_reset_rx", 0),
        "gen_per_worker": [w.get("connections_completed" if metric == "cps"
                                 else "requests")
                           for w in j.get("workers_detail", [])],
        "gen_strays_handed": steer.get("strays_handed", 0),
        "gen_strays_received": steer.get("strays_received", 0),
        "gen_strays_dropped": steer.get("strays_dropped", 0),
        "portgate_strays_handed": st.get("worker.steer_out", 0) +
                                  st.get("worker.drop_steer_ring_full", 0),
        "portgate_strays_received": st.get("worker.steer_in", 0),
    }
    p["clean"] = bool(p["ok"] and p["errors"] == 0 and not p["gen_rst_rx"]
                      and not p["gen_rst_no_conn"] and not p["portgate_rst_rx"]
                      and p["gen_strays_handed"] == p["gen_strays_received"]
                      + p["gen_strays_dropped"]
                      and all(x for x in p["gen_per_worker"]))
    return p

rows = []
for metric, key, unit in (("CPS", "conn_per_s", "conn/s"),
                          ("RPS", "req_per_s", "req/s")):
    one, two = point(metric.lower(), key, 1), point(metric.lower(), key, 2)
    rows.append({"metric": metric, "unit": unit, "w1": one, "w2": two,
                 "ratio": two["value"] / one["value"]
                          if one["value"] and two["value"] else None})

def num(v):
    return "n/a" if v is None else "{:,.0f}".format(v)

try:
    load_avg = open("/proc/loadavg").read().split()[0]
except OSError:
    load_avg = "?"
stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
print()
print("SCALE, %s, %s vCPUs, load average %s: portgate at 1 and 2 workers "
      "(rtc mode), portgate-gen with as many, %s s per point" %
      (stamp, ncpu, load_avg, secs))
hdr = ("metric", "1 worker", "2 workers", "ratio", "traffic at 2 workers")
table = []
for r in rows:
    t = r["w2"]
    traffic = ("clean: 0 errors, 0 RSTs; strays handed: gen %d, portgate %d"
               % (t["gen_strays_handed"], t["portgate_strays_handed"])
               if t["clean"] else "NOT CLEAN (see pg-scale-*.gen.log)")
    if not r["w1"]["clean"]:
        traffic += "; 1-worker run NOT CLEAN"
    table.append((r["metric"], num(r["w1"]["value"]), num(r["w2"]["value"]),
                  "%.2fx" % r["ratio"] if r["ratio"] else "n/a", traffic))
w = [max(len(str(x[i])) for x in table + [hdr]) for i in range(len(hdr))]
line = "  ".join(h.ljust(w[i]) for i, h in enumerate(hdr))
print(line)
print("-" * len(line))
for t in table:
    print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(t)))
if int(ncpu) < 4:
    print("NOTE: %s CPUs for 2 + 2 busy-polling workers: they share the "
          "CPUs, so the ratio shows this machine, not how portgate scales."
          % ncpu)

path = os.path.join(out, "bench.json")
try:
    res = json.load(open(path))
except (OSError, ValueError):
    res = {"date": stamp, "vcpus": int(ncpu), "seconds": int(secs)}
res["scale"] = {"date": stamp, "vcpus": int(ncpu), "load_average": load_avg,
                "seconds": int(secs), "portgate_mode": "rtc", "rows": rows}
json.dump(res, open(path, "w"), indent=2)
print("results: %s (\"scale\")" % path)
bad = [r["metric"] for r in rows if not (r["w1"]["clean"] and r["w2"]["clean"])]
if bad:
    print("WARNING: SCALE runs with errors, RSTs or missing results: "
          + ", ".join(bad))
sys.exit(1 if bad else 0)
EOF
}

main "$@"
