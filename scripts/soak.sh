#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Soak: MINUTES of mixed, checked client load against portgate, its memory
# sampled throughout; fails on a leak, a corrupted transfer, an error or a
# portgate that stops answering.
#
#   scripts/soak.sh [--portgate PATH] [--out DIR] MINUTES
#
# main -> ptg_it_init -> topology (tcp_it_topology impair + a bridge + an
#      impaired leg) -> tcp_it_start -> baseline -> load (soak_load.py in
#      both client namespaces) + sample() every SOAK_INTERVAL s -> drain
#      -> checks -> summary, CSV, PNG -> ptg_it_stop ; cleanup on EXIT
#
#   [ns $NS:  198.18.0.1 clean clients ] ==veth== [ns $MIDNS: br0 ]
#   [ns $NSI: 198.18.0.3 impaired clients] ==veth== relay ==veth== br0
#        br0 ==veth== $OUTER <- net_af_packet <- portgate 198.18.0.2
#
# The load (test/integration/tools/soak_load.py, one thread per kind):
# short HTTP/1.0 connections, keep-alive HTTP/1.1, bulk echo (sha256
# checked), slow readers, one-byte dribblers, slowly sent request heads,
# clients that abort with SO_LINGER 0 mid-transfer; from the second
# namespace short, keep-alive, bulk and reset clients over a leg that
# tools/impair_relay.py impairs both ways (SOAK_IMPAIR: 2% loss, 2 ms
# delay with 10% of the frames sent at once, i.e. reordered). The relay
# stands in for tc netem, which not every kernel has; only the second
# namespace's traffic goes through it.
#
# Every SOAK_INTERVAL seconds, one CSV row (soak.csv):
#   t_s,mbufs_in_use,connections,rss_kb,requests,errors,corrupt,health,
#   phase,heap_kb,rss_own_kb
# mbufs_in_use and connections from telemetry /portgate/info, rss_kb from
# /proc/PID/status VmRSS, requests/errors/corrupt from the clients' status
# files, health: a curl of "/" from the clean namespace answered whole
# within 5 s (ok|FAIL); phase baseline|load|drain; heap_kb: what is
# allocated from the DPDK heap (/eal/heap_info,0: rte_malloc, pools,
# tables), which VmRSS does not show when the EAL runs on hugepages;
# rss_own_kb: VmRSS less the EAL's memory (the same on hugepages; see
# rss_kb() for --no-huge).
#
# Fails (exit 1) unless all of:
#   - every client operation succeeded (errors 0) and every transfer was
#     byte-exact (corrupt 0), each kind did some;
#   - every health probe was answered and portgate kept running;
#   - after the load, within SOAK_DRAIN_S, connections and mbufs_in_use
#     are back to their baseline exactly (TIME-WAIT is SOAK_TIME_WAIT_MS);
#   - VmRSS (rss_own_kb) grew by at most SOAK_RSS_BOUND_KB from the end of the warm-up
#     (the first SOAK_WARMUP_S seconds of load) to any later sample, and
#     the DPDK heap not at all from the warm-up to the end. Why 1 MB: on
#     hugepages every pool and table lives in the DPDK heap, so VmRSS is
#     the C heap, stacks and code pages; it grew by 0..4 kB after the
#     warm-up in the runs we measured. A 2-minute run opens some 20,000
#     connections, so a malloc leak of 64 bytes per connection (glibc's
#     smallest chunk is 32) passes the bound; the longer the run, the
#     smaller the leak it catches;
#   - no more keepalive probes than the client RSTs the relay lost can
#     explain (see KA below);
#   - portgate exits 0 on SIGTERM with its counters printed.
# Prints a summary (also in summary.txt) and, with gnuplot, soak.png.
#
# Environment: BUILD (see common.sh), SOAK_OUT (BUILD/soak), SOAK_INTERVAL
# (3), SOAK_TIME_WAIT_MS (500), SOAK_DRAIN_S (60), SOAK_WARMUP_S (20% of
# the load, at least 20), SOAK_RSS_BOUND_KB (1024), SOAK_IMPAIR ("--loss 2
# --delay-ms 2 --reorder 10"), SOAK_PACE_MS (10: mean pause between two
# operations of one client thread), and lib.sh's PTG_IT_* settings.

set -o pipefail

SOAK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../test/integration/lib.sh
. "$SOAK_DIR/../test/integration/lib.sh"
# shellcheck source=../test/integration/tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"

usage() {
	echo "usage: $0 [--portgate PATH] [--out DIR] MINUTES" >&2
	exit 2
}

PG_BIN=""
MINUTES=""
while [[ $# -gt 0 ]]; do
	case "$1" in
	--portgate) PG_BIN="${2:-}"; shift 2 || usage ;;
	--out) SOAK_OUT="${2:-}"; shift 2 || usage ;;
	-h | --help) usage ;;
	*) [[ -z "$MINUTES" ]] || usage; MINUTES="$1"; shift ;;
	esac
done
[[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$ ]] || usage
LOAD_S="$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')"
((LOAD_S >= 10)) || { echo "$0: at least 10 seconds of load" >&2; exit 2; }

: "${SOAK_OUT:=$PTG_BUILD_DIR/soak}"
: "${SOAK_INTERVAL:=3}"
: "${SOAK_TIME_WAIT_MS:=500}"
: "${SOAK_DRAIN_S:=60}"
: "${SOAK_WARMUP_S:=$(((LOAD_S / 5) > 20 ? LOAD_S / 5 : 20))}"
: "${SOAK_RSS_BOUND_KB:=1024}"
: "${SOAK_IMPAIR:=--loss 2 --delay-ms 2 --reorder 10}"
: "${SOAK_PACE_MS:=20}"
[[ -n "$PG_BIN" ]] || PG_BIN="$(ptg_portgate_bin)"

ptg_it_init "$PG_BIN"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"
mkdir -p "$SOAK_OUT" || ptg_it_fail "cannot create $SOAK_OUT"
rm -f "$SOAK_OUT"/{soak.csv,soak.png,summary.txt,load-*.json,load-*.log,relay.log,portgate.log}
CSV="$SOAK_OUT/soak.csv"
LOAD_PY=("$PTG_IT_PY" "$TCP_IT_TOOLS/soak_load.py")
IMP_ADDR=198.18.0.3

# ---- topology ---------------------------------------------------------------

# The clean path: tcp_it_topology's middle namespace with a bridge.
# The impaired leg: $NSI's veth ends in the middle namespace ($MID_C),
# the relay forwards between it and $MID_D, whose peer $MID_E is a port
# of the bridge.
topology() {
	local i pin=() ready="$PTG_IT_TMP/relay.ready"
	tcp_it_topology impair
	ip -n "$MIDNS" link add br0 type bridge ||
		ptg_it_fail "cannot create a bridge in $MIDNS"
	ip -n "$MIDNS" link set br0 up
	NSI="ptg-nsi-$PTG_IT_ID"
	IMP="ptg-$PTG_IT_ID-j"
	MID_C="ptg-$PTG_IT_ID-c"
	MID_D="ptg-$PTG_IT_ID-d"
	MID_E="ptg-$PTG_IT_ID-e"
	ptg_netns_add "$NSI" || ptg_it_fail "cannot create namespace $NSI"
	ip -n "$MIDNS" link add "$MID_C" type veth peer name "$IMP" netns "$NSI" ||
		ptg_it_fail "cannot create veth pair $MID_C/$IMP"
	ip -n "$MIDNS" link add "$MID_D" type veth peer name "$MID_E" ||
		ptg_it_fail "cannot create veth pair $MID_D/$MID_E"
	for i in "$MID_A" "$MID_B" "$MID_E"; do
		ip -n "$MIDNS" link set "$i" master br0
	done
	for i in "$MID_C" "$MID_D" "$MID_E"; do
		ip netns exec "$MIDNS" sysctl -qw \
			"net.ipv6.conf.$i.disable_ipv6=1" >/dev/null 2>&1
		ip netns exec "$MIDNS" ethtool -K "$i" tx off tso off gso off \
			gro off >/dev/null 2>&1
		ip -n "$MIDNS" link set "$i" up
	done
	ptg_if_addr "$NSI" "$IMP" "$IMP_ADDR/24" || ptg_it_fail "cannot address $IMP"
	mapfile -t pin < <(tcp_it_pin)
	# shellcheck disable=SC2086 # SOAK_IMPAIR holds options and values
	ip netns exec "$MIDNS" "${pin[@]}" "$PTG_IT_PY" "$TCP_IT_TOOLS/impair_relay.py" \
		--a "$MID_D" --b "$MID_C" --ready "$ready" $SOAK_IMPAIR \
		>"$SOAK_OUT/relay.log" 2>&1 &
	RELAY_PID=$!
	ptg_cleanup_push "kill -TERM $RELAY_PID"
	for ((i = 0; i < 100; i++)); do
		[[ -s "$ready" ]] && break
		kill -0 "$RELAY_PID" 2>/dev/null || break
		sleep 0.1
	done
	[[ -s "$ready" ]] || ptg_it_fail "impairment relay did not start: $(cat "$SOAK_OUT/relay.log")"
	echo "# impaired leg: $NSI/$IMP $IMP_ADDR via impair_relay.py $SOAK_IMPAIR"
}

# ---- sampling ---------------------------------------------------------------

# info: "mbufs_in_use connections" from /portgate/info.
info() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 --sum \
		"$PTG_IT_PREFIX" /portgate/info 2>/dev/null |
		awk '$1 == "mbufs_in_use" { m = $2 } $1 == "connections" { c = $2 }
			END { if (m == "" || c == "") exit 1; print m, c }'
}

# heap_kb: kB allocated from the DPDK heap of socket 0 (rte_malloc:
# pools, tables, sessions), from telemetry /eal/heap_info,0.
heap_kb() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 --sum \
		"$PTG_IT_PREFIX" /eal/heap_info,0 2>/dev/null |
		awk '$1 == "Alloc_size" { print int($2 / 1024); f = 1 } END { exit !f }'
}

# rss_kb: "VMRSS OWN": VmRSS, and VmRSS less the resident pages of the
# EAL's memory. On hugepages VmRSS does not count that memory at all; with
# --no-huge it is a shared memfd ("nohuge") that the mbuf pool touches a
# little more as its ring hands out mbufs not used before, which is the
# DPDK heap's business (heap_kb), not a leak of the process's own.
rss_kb() {
	local vm dpdk
	vm="$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$PTG_IT_PID/status" 2>/dev/null)"
	[[ -n "$vm" ]] || return 1
	dpdk="$(awk '/^[0-9a-f]+-[0-9a-f]+ / { eal = ($0 ~ /memfd:nohuge|nohugemem|rtemap_|\/hugepages/) }
		eal && $1 == "Rss:" { s += $2 } END { print s + 0 }' \
		"/proc/$PTG_IT_PID/smaps" 2>/dev/null)"
	echo "$vm $((vm - ${dpdk:-0}))"
}

# load_totals: "requests errors corrupt" summed over the clients' status
# files (0 0 0 before they write one).
load_totals() {
	"$PTG_IT_PY" - "$SOAK_OUT"/load-*.json <<'EOF'
import json, sys
r = e = c = 0
for f in sys.argv[1:]:
    try:
        with open(f) as fh:
            t = json.load(fh)["total"]
    except (OSError, ValueError, KeyError):
        continue
    r += t["requests"]; e += t["errors"]; c += t["corrupt"]
print(r, e, c)
EOF
}

# health: portgate runs and answers "GET /" whole within 5 s.
health() {
	local body
	kill -0 "$PTG_IT_PID" 2>/dev/null || return 1
	body="$(tcp_it_ns 10 curl -sS --max-time 5 "http://$ADDR/" 2>&1)" || return 1
	[[ "$body" == "Hello from portgate" ]]
}

HEALTH_FAIL=0
NSAMPLES=0
# sample PHASE: one CSV row; sets S_MBUFS S_CONNS S_RSS S_OWN S_HEAP S_REQ
# S_ERR S_CORRUPT.
sample() {
	local phase="$1" t h=ok v
	t="$(awk -v a="$T0" -v b="$(tcp_it_now)" 'BEGIN { printf "%.1f", b - a }')"
	if ! health; then
		h=FAIL
		HEALTH_FAIL=$((HEALTH_FAIL + 1))
		echo "# $t s: health probe failed" >&2
	fi
	v="$(info)" || { v="- -"; h=FAIL; HEALTH_FAIL=$((HEALTH_FAIL + 1)); echo "# $t s: telemetry not answering" >&2; }
	read -r S_MBUFS S_CONNS <<<"$v"
	read -r S_RSS S_OWN < <(rss_kb || echo - -)
	S_HEAP="$(heap_kb)" || S_HEAP=-
	read -r S_REQ S_ERR S_CORRUPT < <(load_totals)
	echo "$t,$S_MBUFS,$S_CONNS,$S_RSS,$S_REQ,$S_ERR,$S_CORRUPT,$h,$phase,$S_HEAP,$S_OWN" >>"$CSV"
	NSAMPLES=$((NSAMPLES + 1))
	LAST_T="$t"
}

# ---- run ----------------------------------------------------------------------

topology
# The impaired clients use echo and http on ports of their own (1007,
# 1080) with TCP keepalive: a client's RST that the relay loses leaves
# portgate's side of an idle connection open (RFC 9293 3.5.1: a
# half-open connection shows only when we send) until a probe (RFC 9293
# 3.8.4) draws a RST from the client's kernel. The clean clients' 7 and
# 80 have no keepalive: a connection left behind there stays and fails
# the drain check. Probes are checked below: no more than the lost RSTs
# can explain.
KA="tcp_keepalive=5000,tcp_keepintvl=1000,tcp_keepcnt=5"
KA_CNT=5
TCP_IT_TIME_WAIT_MS="$SOAK_TIME_WAIT_MS" tcp_it_start \
	--service 7:echo --service 80:http \
	--service "1007:echo:$KA" --service "1080:http:$KA"
ip netns exec "$NSI" ping -n -c 10 -i 0.2 -W 2 "$ADDR" >/dev/null 2>&1 ||
	ptg_it_fail "portgate $ADDR does not answer ping from $NSI"

echo "t_s,mbufs_in_use,connections,rss_kb,requests,errors,corrupt,health,phase,heap_kb,rss_own_kb" >"$CSV"
T0="$(tcp_it_now)"
sleep 1
sample baseline
[[ "$S_MBUFS" != - ]] || ptg_it_fail "no baseline from /portgate/info"
BASE_MBUFS="$S_MBUFS" BASE_CONNS="$S_CONNS" BASE_RSS="$S_RSS" BASE_OWN="$S_OWN" BASE_HEAP="$S_HEAP"
((BASE_CONNS == 0)) || ptg_it_fail "$BASE_CONNS connections before any load"
echo "# baseline: mbufs_in_use $BASE_MBUFS, connections $BASE_CONNS, VmRSS $BASE_RSS kB"
echo "# load: $LOAD_S s (warm-up $SOAK_WARMUP_S s), a sample every $SOAK_INTERVAL s, output in $SOAK_OUT"

mapfile -t PIN < <(tcp_it_pin)
# Each client gets its run time plus a margin to end the operations under
# way; past it timeout(1) ends it and the run fails.
tcp_it_ns $((LOAD_S + 150)) "${LOAD_PY[@]}" "$ADDR" --seconds "$LOAD_S" \
	--status "$SOAK_OUT/load-clean.json" --pace-ms "$SOAK_PACE_MS" \
	--bulk-max $((512 << 10)) \
	>"$SOAK_OUT/load-clean.log" 2>&1 &
CLEAN_PID=$!
ptg_cleanup_push "kill -TERM $CLEAN_PID"
timeout -k 5 $((LOAD_S + 150)) ip netns exec "$NSI" "${PIN[@]}" "${LOAD_PY[@]}" \
	"$ADDR" --seconds "$LOAD_S" --status "$SOAK_OUT/load-impaired.json" \
	--kinds short,keepalive,bulk,reset --bulk-max $((256 << 10)) \
	--echo-port 1007 --http-port 1080 \
	--timeout 30 --pace-ms "$SOAK_PACE_MS" \
	>"$SOAK_OUT/load-impaired.log" 2>&1 &
IMPAIRED_PID=$!
ptg_cleanup_push "kill -TERM $IMPAIRED_PID"

LOAD_T0="$(tcp_it_now)"
RSS_WARM="" RSS_MAX_AFTER=0
next="$(awk -v a="$LOAD_T0" 'BEGIN { printf "%.3f", a }')"
while kill -0 "$CLEAN_PID" 2>/dev/null || kill -0 "$IMPAIRED_PID" 2>/dev/null; do
	sample load
	el="$(tcp_it_since "$LOAD_T0")"
	if [[ "$S_OWN" != - ]]; then
		if [[ -z "$RSS_WARM" ]]; then
			awk -v e="$el" -v w="$SOAK_WARMUP_S" 'BEGIN { exit !(e >= w) }' &&
				RSS_WARM="$S_OWN" RSS_WARM_T="$LAST_T" HEAP_WARM="$S_HEAP"
		elif ((S_OWN > RSS_MAX_AFTER)); then
			RSS_MAX_AFTER="$S_OWN"
		fi
	fi
	next="$(awk -v n="$next" -v i="$SOAK_INTERVAL" 'BEGIN { printf "%.3f", n + i }')"
	while kill -0 "$CLEAN_PID" 2>/dev/null || kill -0 "$IMPAIRED_PID" 2>/dev/null; do
		awk -v n="$next" -v now="$(tcp_it_now)" 'BEGIN { exit !(now < n) }' || break
		sleep 0.2
	done
done
wait "$CLEAN_PID"
CLEAN_RC=$?
wait "$IMPAIRED_PID"
IMPAIRED_RC=$?
LOAD_END_T="$(awk -v a="$T0" -v b="$(tcp_it_now)" 'BEGIN { printf "%.1f", b - a }')"
echo "# load ended at $LOAD_END_T s (clients exited $CLEAN_RC, $IMPAIRED_RC)"

# ---- drain: until connections and mbufs are back (or SOAK_DRAIN_S) -----------
DRAIN_T0="$(tcp_it_now)"
DRAINED=0
while :; do
	sample drain
	if [[ "$S_CONNS" == "$BASE_CONNS" && "$S_MBUFS" == "$BASE_MBUFS" ]]; then
		DRAINED=1
		break
	fi
	awk -v e="$(tcp_it_since "$DRAIN_T0")" -v d="$SOAK_DRAIN_S" \
		'BEGIN { exit !(e < d) }' || break
	sleep 1
done
DRAIN_S="$(tcp_it_since "$DRAIN_T0")"
if [[ -n "$RSS_WARM" && "$S_OWN" != - ]] && ((S_OWN > RSS_MAX_AFTER)); then
	RSS_MAX_AFTER="$S_OWN"
fi

ptg_it_counters "$PTG_IT_TMP/counters.end"
kill -TERM "$RELAY_PID" 2>/dev/null
wait "$RELAY_PID" 2>/dev/null
# relay.log: "b>a ... lost_rst N" (b>a: from the impaired clients)
LOST_RST="$(awk '$1 == "b>a" { for (i = 2; i < NF; i++)
	if ($i == "lost_rst") print $(i + 1) }' "$SOAK_OUT/relay.log")"
LOST_RST="${LOST_RST:-0}"
KA_PROBES="$(awk '$1 == "tcp.keepalive_probes" { print $2 }' "$PTG_IT_TMP/counters.end")"
KA_PROBES="${KA_PROBES:-0}"

# ---- checks ---------------------------------------------------------------------
WHY=()
# No impaired client idles 5 s: each probe must go to a connection left
# half-open by a lost RST.
((KA_PROBES <= KA_CNT * LOST_RST)) ||
	WHY+=("$KA_PROBES keepalive probes, more than $KA_CNT for each of the $LOST_RST client RSTs the relay lost: idle connections left behind")
kinds_idle="$("$PTG_IT_PY" - "$SOAK_OUT"/load-*.json <<'EOF'
import json, sys
for f in sys.argv[1:]:
    for k, v in json.load(open(f))["kinds"].items():
        if v["ops"] == 0:
            print(f.rsplit("load-", 1)[1][:-5] + "/" + k, end=" ")
EOF
)"
((CLEAN_RC == 0 && IMPAIRED_RC == 0)) ||
	WHY+=("clients exited $CLEAN_RC (clean), $IMPAIRED_RC (impaired)")
((S_ERR == 0)) || WHY+=("$S_ERR client operations failed")
((S_CORRUPT == 0)) || WHY+=("$S_CORRUPT transfers corrupted")
[[ -z "$kinds_idle" ]] || WHY+=("client kinds that completed nothing: $kinds_idle")
((HEALTH_FAIL == 0)) || WHY+=("$HEALTH_FAIL health probes failed")
((DRAINED)) || WHY+=("not back to the baseline after $SOAK_DRAIN_S s: mbufs_in_use $S_MBUFS (baseline $BASE_MBUFS), connections $S_CONNS (baseline $BASE_CONNS)")
RSS_GROWTH="-"
if [[ -z "$RSS_WARM" ]]; then
	WHY+=("no RSS sample after the $SOAK_WARMUP_S s warm-up")
else
	RSS_GROWTH=$((RSS_MAX_AFTER > RSS_WARM ? RSS_MAX_AFTER - RSS_WARM : 0))
	((RSS_GROWTH <= SOAK_RSS_BOUND_KB)) ||
		WHY+=("VmRSS (less the EAL's memory) grew by $RSS_GROWTH kB after the warm-up (bound $SOAK_RSS_BOUND_KB kB)")
fi

HEAP_GROWTH="-"
if [[ -n "${HEAP_WARM:-}" && "$HEAP_WARM" != - && "$S_HEAP" != - ]]; then
	HEAP_GROWTH=$((S_HEAP - HEAP_WARM))
	((HEAP_GROWTH <= 0)) ||
		WHY+=("the DPDK heap holds $HEAP_GROWTH kB more than after the warm-up")
else
	WHY+=("no DPDK heap reading after the warm-up and at the end")
fi

# ---- summary, plot ---------------------------------------------------------------
{
	echo "soak: $MINUTES min of load ($LOAD_S s) against $PG_BIN, $(date -u +%FT%TZ), $(nproc) CPUs, EAL memory: ${PTG_EAL_MEM:-hugepages}"
	echo "samples: $NSAMPLES (every $SOAK_INTERVAL s), load ended at $LOAD_END_T s, drained in $DRAIN_S s"
	echo "mbufs_in_use: baseline $BASE_MBUFS, peak $(awk -F, 'NR > 1 && $2 != "-" && $2 > m { m = $2 } END { print m + 0 }' "$CSV"), end $S_MBUFS"
	echo "connections:  baseline $BASE_CONNS, peak $(awk -F, 'NR > 1 && $3 != "-" && $3 > m { m = $3 } END { print m + 0 }' "$CSV"), end $S_CONNS"
	echo "VmRSS kB:     baseline $BASE_RSS, end $S_RSS; less the EAL's memory: baseline $BASE_OWN, after warm-up (${RSS_WARM_T:-?} s) ${RSS_WARM:--}, max after $RSS_MAX_AFTER, end $S_OWN; growth after warm-up $RSS_GROWTH (bound $SOAK_RSS_BOUND_KB)"
	echo "DPDK heap kB: baseline $BASE_HEAP, after warm-up ${HEAP_WARM:--}, end $S_HEAP"
	echo "requests: $S_REQ, errors: $S_ERR, corrupt: $S_CORRUPT, health probes failed: $HEALTH_FAIL"
	grep -h '^soak_load: ' "$SOAK_OUT"/load-clean.log | grep -E ' ops | of CPU' | sed 's/^soak_load: /clean    /'
	grep -h '^soak_load: ' "$SOAK_OUT"/load-impaired.log | grep -E ' ops | of CPU' | sed 's/^soak_load: /impaired /'
	sed -n 's/^a>b /relay toward the impaired clients: /p; s/^b>a /relay toward portgate: /p' "$SOAK_OUT/relay.log"
	echo "client RSTs the relay lost: $LOST_RST; portgate's keepalive probes: $KA_PROBES"
	for c in tcp.retransmits tcp.conn_reset_rx tcp.rst_rx tcp.timewait_expired net.drop_arp_unresolved; do
		tcp_it_has "$PTG_IT_TMP/counters.end" "$c" &&
			echo "portgate $c: $(awk -v n="$c" '$1 == n { print $2 }' "$PTG_IT_TMP/counters.end")"
	done
} | tee "$SOAK_OUT/summary.txt" | sed 's/^/# /'
grep -hE ': (error|CORRUPT): ' "$SOAK_OUT"/load-*.log | head -n 20 | sed 's/^/# /'

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<EOF && echo "# plot: $SOAK_OUT/soak.png"
set terminal pngcairo size 1000,500 noenhanced
set output "$SOAK_OUT/soak.png"
set title "portgate soak, $MINUTES min, $(date -u +%F): memory while under load and after"
set datafile separator ","
set datafile missing "-"
set xlabel "seconds"
set ylabel "mbufs in use, connections"
set y2label "VmRSS (MB)"
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:*]
set key outside bottom center horizontal
set arrow from $LOAD_END_T, graph 0 to $LOAD_END_T, graph 1 nohead dt 2
set label "load ends" at $LOAD_END_T, graph 0.95 right offset -0.5,0
plot "$CSV" using 1:2 skip 1 with lines lw 2 title "mbufs_in_use", \
     "" using 1:3 skip 1 with lines lw 2 title "connections", \
     "" using 1:(\$4 / 1024) skip 1 axes x1y2 with lines lw 2 title "VmRSS (MB)", \
     "" using 1:(\$11 / 1024) skip 1 axes x1y2 with lines lw 1 dt 3 title "VmRSS less EAL memory (MB)"
EOF
fi
cp "$PTG_IT_LOG" "$SOAK_OUT/portgate.log" 2>/dev/null

if ((${#WHY[@]})); then
	printf '# FAIL: %s\n' "${WHY[@]}"
	ptg_it_fail "soak: ${WHY[*]}"
fi
ptg_it_ok "$S_REQ requests, no error, no corrupted transfer, every health probe answered ($NSAMPLES samples)"
ptg_it_ok "mbufs_in_use back to $BASE_MBUFS and connections to $BASE_CONNS ${DRAIN_S} s after the load"
ptg_it_ok "VmRSS (less the EAL's memory) grew by $RSS_GROWTH kB after the warm-up (bound $SOAK_RSS_BOUND_KB kB), the DPDK heap by none"
ptg_it_stop
cp "$PTG_IT_LOG" "$SOAK_OUT/portgate.log" 2>/dev/null
echo "# all $PTG_IT_NCHECK checks passed; CSV: $CSV"
