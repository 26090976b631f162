#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Inspecting a running portgate: the connection list, portgate-top, the
# Prometheus exporter, and per-library log types with their rate limit.
#
#   [ns: 198.18.0.1 conn_hold.py, curl] ==veth== af_packet portgate
#       198.18.0.2, 2 workers (pipeline)
#
# 1. 45 echo connections held open by the kernel peer: /portgate/conns
#    lists exactly the kernel's connections (ss in the namespace), over
#    two pages (24 + 21, "next" = 24), each ESTABLISHED with RTT, cwnd,
#    queues and timers; /portgate/conn_states counts them per worker as
#    the rows and /portgate/worker,N do; a page past the end is empty; a
#    bad offset is refused;
# 2. scripts/portgate-top --once: a line per worker and a total line whose
#    established count is 45, the port line, its connection list (--conns)
#    has the 45;
# 3. scripts/portgate-exporter on 127.0.0.1 (only): curl /metrics gives
#    Prometheus text whose tcp.accepted per worker sums to the telemetry
#    total, 45 ESTABLISHED by worker and state, HELP/TYPE lines, up = 1;
#    404 elsewhere; once portgate is gone, up = 0;
# 4. --log-level ptg.tcp:debug: a curl's state changes are logged
#    (SYN-RECEIVED -> ESTABLISHED, ... -> CLOSED (normal)); without it no
#    ptg.tcp line; 300 connections in a row are rate-limited: at most
#    burst + rate * time lines, tcp.log_suppressed counts the rest, and
#    a "lines suppressed" line says so.
#
#   tcp_inspect.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
for t in curl ss; do
	command -v "$t" >/dev/null 2>&1 || ptg_it_skip "$t not installed"
done

TOP="$PTG_ROOT/scripts/portgate-top"
EXPORTER="$PTG_ROOT/scripts/portgate-exporter"
HOLD="$TCP_IT_TOOLS/conn_hold.py"
TEL=("$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5)
N=45

tcp_it_topology
ALL_CPUS="$("$PTG_IT_PY" -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0)))))')"
PTG_IT_LCORES="0@$PTG_IT_CPU,(1-2)@($ALL_CPUS)"
tcp_it_start --workers 2 --mode pipeline
grep -q "workers=2 mode=pipeline " "$PTG_IT_LOG" || ptg_it_fail "not 2 workers in pipeline mode"
if grep -q 'TCP: ' "$PTG_IT_LOG"; then
	ptg_it_fail "ptg.tcp lines logged at the default level"
fi

# ---- 1. /portgate/conns ----------------------------------------------------
PORTS="$PTG_IT_TMP/held.ports"
# Not through tcp_it_ns: $! must be timeout itself, which hands SIGTERM on.
timeout -k 5 120 ip netns exec "$NS" "$PTG_IT_PY" "$HOLD" hold "$ADDR" 7 \
	--count "$N" --ports "$PORTS" --seconds 90 &
HOLD_PID=$!
ptg_cleanup_push "kill -TERM $HOLD_PID"
for ((i = 0; i < 100; i++)); do
	[[ -s "$PORTS" ]] && break
	kill -0 "$HOLD_PID" 2>/dev/null || ptg_it_fail "conn_hold.py exited"
	sleep 0.1
done
[[ -s "$PORTS" ]] || ptg_it_fail "$N connections not open after 10 s"
sleep 0.5
# What the kernel peer holds: its local ports towards portgate's echo.
ip netns exec "$NS" ss -Htn state established "( dport = :7 )" |
	awk '{ n = split($3, a, ":"); print a[n] }' | sort -n >"$PTG_IT_TMP/kernel.ports"
[[ "$(wc -l <"$PTG_IT_TMP/kernel.ports")" == "$N" ]] ||
	ptg_it_fail "the kernel holds $(wc -l <"$PTG_IT_TMP/kernel.ports") connections, not $N"

"${TEL[@]}" --json "$PTG_IT_PREFIX" /portgate/conns >"$PTG_IT_TMP/p0.json" ||
	ptg_it_fail "/portgate/conns"
"${TEL[@]}" --json "$PTG_IT_PREFIX" /portgate/conns,24 >"$PTG_IT_TMP/p1.json" ||
	ptg_it_fail "/portgate/conns,24"
"${TEL[@]}" --json "$PTG_IT_PREFIX" /portgate/conn_states >"$PTG_IT_TMP/st.json" ||
	ptg_it_fail "/portgate/conn_states"
"${TEL[@]}" --json "$PTG_IT_PREFIX" /portgate/conns,1000 >"$PTG_IT_TMP/p2.json" ||
	ptg_it_fail "/portgate/conns,1000"
for w in 0 1; do
	"${TEL[@]}" "$PTG_IT_PREFIX" "/portgate/worker,$w" >"$PTG_IT_TMP/w$w" ||
		ptg_it_fail "/portgate/worker,$w"
done
"$PTG_IT_PY" - "$PTG_IT_TMP" "$N" "$ADDR" "$PEER" <<'PY' || ptg_it_fail "/portgate/conns does not match the kernel's connections"
import json, sys
d, n, addr, peer = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def page(i):
    return json.load(open(f"{d}/p{i}.json"))["/portgate/conns"]
p0, p1, p2 = page(0), page(1), page(2)
kernel = sorted(int(x) for x in open(f"{d}/kernel.ports"))
def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)
# The peer's connections, and nothing else (no TIME-WAIT left from the
# ping: ICMP makes none).
page = p0["page"]
if page != 24 or p0["total"] != n or p0["count"] != page or \
        p0.get("next") != page:
    fail(f"page 0: page {page} total {p0['total']} count {p0['count']} "
         f"next {p0.get('next')}")
if p1["count"] != n - page or "next" in p1 or p1["offset"] != page:
    fail(f"page 1: count {p1['count']} next {p1.get('next')}")
if p2["count"] != 0 or p2["conns"]:
    fail(f"page past the end: {p2['count']} rows")
rows = list(p0["conns"].values()) + list(p1["conns"].values())
positions = sorted(int(k) for k in list(p0["conns"]) + list(p1["conns"]))
if positions != list(range(n)):
    fail(f"positions {positions}")
ports = sorted(int(r["remote"].rsplit(":", 1)[1]) for r in rows)
if ports != kernel:
    fail(f"remote ports {ports} != kernel's {kernel}")
per_worker = {0: 0, 1: 0}
for r in rows:
    if r["state"] != "ESTABLISHED" or r["local"] != f"{addr}:7" or \
            not r["remote"].startswith(peer + ":"):
        fail(f"row {r}")
    for k in ("rtt_us", "rto_ms", "cwnd", "ssthresh", "mss", "snd_wnd",
              "rcv_wnd", "sendq", "recvq", "ooo", "retrans", "timers"):
        if k not in r:
            fail(f"row lacks {k}: {r}")
    if r["cwnd"] <= 0 or r["mss"] <= 0 or r["rto_ms"] <= 0 or \
            r["sendq"] != 0 or r["recvq"] != 0:
        fail(f"row values {r}")
    per_worker[r["worker"]] += 1
st = p0["states"]
if st.get("ESTABLISHED") != n or st.get("conns") != n:
    fail(f"states {st}")
cs = json.load(open(f"{d}/st.json"))["/portgate/conn_states"]
if cs["total"] != n or cs["states"] != st or cs["missing"]:
    fail(f"conn_states {cs}")
for w in (0, 1):
    ws = cs["workers"][str(w)]
    if ws.get("ESTABLISHED", 0) != per_worker[w] or ws["conns"] != per_worker[w]:
        fail(f"worker {w}: {ws} vs {per_worker[w]} rows")
    live = [l.split() for l in open(f"{d}/w{w}")]
    conns = [int(v) for k, v in live if k == "connections"]
    if conns != [per_worker[w]]:
        fail(f"/portgate/worker,{w} connections {conns} vs {per_worker[w]}")
if p0["missing"]:
    fail(f"workers missing: {p0['missing']}")
print(f"# rows per worker: {per_worker}; first row: {rows[0]}")
PY
ptg_it_ok "/portgate/conns: the kernel's $N connections over pages 0 (24, next 24) and 24 ($((N - 24))), ESTABLISHED; /portgate/conn_states per worker as the rows and /portgate/worker,N"
"${TEL[@]}" --json "$PTG_IT_PREFIX" /portgate/conns,x >"$PTG_IT_TMP/bad.json" 2>&1
grep -q '"/portgate/conns": null' "$PTG_IT_TMP/bad.json" ||
	ptg_it_fail "/portgate/conns,x accepted: $(head -c 200 "$PTG_IT_TMP/bad.json")"
ptg_it_ok "/portgate/conns,x refused"

# ---- 2. portgate-top --------------------------------------------------------
timeout 30 "$PTG_IT_PY" "$TOP" --file-prefix "$PTG_IT_PREFIX" --once \
	--interval 0.5 --conns >"$PTG_IT_TMP/top.out" 2>&1 ||
	{ cat "$PTG_IT_TMP/top.out"; ptg_it_fail "portgate-top --once failed"; }
sed 's/^/#   /' "$PTG_IT_TMP/top.out" | head -n 12
awk -v n="$N" '
	$1 == "worker" && $NF ~ /estab|closew|timew/ { for (i = 1; i <= NF; i++) col[$i] = i; head = 1; next }
	head && ($1 == "0" || $1 == "1") { w[$1] = 1 }
	head && $1 == "total" { tot = $(col["estab"] - 1); conns = $(col["conns"] - 1) }
	/^port: rx / { port = 1 }
	END { exit !(w["0"] && w["1"] && tot == n && conns == n && port) }' \
	"$PTG_IT_TMP/top.out" || ptg_it_fail "portgate-top: no worker lines, or total estab != $N"
[[ "$(grep -c '^ESTABLISHED ' "$PTG_IT_TMP/top.out")" == "$N" ]] ||
	ptg_it_fail "portgate-top --conns lists $(grep -c '^ESTABLISHED ' "$PTG_IT_TMP/top.out") connections, not $N"
ptg_it_ok "portgate-top --once: workers 0 and 1, total $N established, port line, --conns lists $N"

# ---- 3. portgate-exporter ---------------------------------------------------
EPORT="$("$PTG_IT_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PTG_IT_PY" "$EXPORTER" --file-prefix "$PTG_IT_PREFIX" --port "$EPORT" \
	>"$PTG_IT_TMP/exporter.log" 2>&1 &
EXP_PID=$!
ptg_cleanup_push "kill -TERM $EXP_PID"
for ((i = 0; i < 50; i++)); do
	grep -qs "serving" "$PTG_IT_TMP/exporter.log" && break
	sleep 0.1
done
ss -Hltn "( sport = :$EPORT )" | grep -q "127.0.0.1:$EPORT" ||
	ptg_it_fail "the exporter does not listen on 127.0.0.1:$EPORT only: $(ss -Hltn "( sport = :$EPORT )")"
M="$PTG_IT_TMP/metrics"
timeout 20 curl -sS -D "$M.h" -o "$M" "http://127.0.0.1:$EPORT/metrics" ||
	ptg_it_fail "curl /metrics"
"${TEL[@]}" "$PTG_IT_PREFIX" /portgate/stats >"$PTG_IT_TMP/stats" ||
	ptg_it_fail "/portgate/stats"
acc="$(ptg_it_counter "$PTG_IT_TMP/stats" tcp.accepted)" || exit 1
grep -qi '^content-type: text/plain; version=0.0.4' "$M.h" ||
	ptg_it_fail "/metrics: content type $(grep -i content-type "$M.h")"
grep -qx 'portgate_up 1' "$M" || ptg_it_fail "/metrics: no 'portgate_up 1'"
grep -qx '# TYPE portgate_tcp_accepted_total counter' "$M" ||
	ptg_it_fail "/metrics: no TYPE line for portgate_tcp_accepted_total"
grep -q '^# HELP portgate_tcp_accepted_total ' "$M" ||
	ptg_it_fail "/metrics: no HELP line for portgate_tcp_accepted_total"
sum="$(awk '/^portgate_tcp_accepted_total\{worker="[01]"\} / { s += $2; n++ } END { if (n == 2) print s }' "$M")"
[[ "$sum" == "$acc" ]] ||
	ptg_it_fail "/metrics: tcp accepted over workers '$sum', telemetry says $acc"
est="$(awk '/^portgate_connections\{worker="[01]",state="ESTABLISHED"\} / { s += $2 } END { print s + 0 }' "$M")"
((est == N)) || ptg_it_fail "/metrics: $est ESTABLISHED, expected $N"
grep -qE '^portgate_port_ipackets_total [1-9]' "$M" ||
	ptg_it_fail "/metrics: no port counters"
grep -qE '^portgate_drops_total\{worker="0"\} [0-9]+$' "$M" ||
	ptg_it_fail "/metrics: no drops per worker"
grep -qE '^portgate_info\{mode="pipeline"\} 1$' "$M" ||
	ptg_it_fail "/metrics: no portgate_info{mode=\"pipeline\"}"
# Every sample line is NAME{LABELS} VALUE or NAME VALUE.
bad="$(grep -vE '^(# (HELP|TYPE) [a-z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]+="[^"]*",?)+\})? -?[0-9.e+]+)$' "$M" | head -n 3)"
[[ -z "$bad" ]] || ptg_it_fail "/metrics: malformed lines: $bad"
code="$(timeout 20 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EPORT/nothing")"
[[ "$code" == 404 ]] || ptg_it_fail "/nothing: status $code"
ptg_it_ok "portgate-exporter on 127.0.0.1:$EPORT: $(grep -vc '^#' "$M") samples, accepted per worker sums to $acc, $N ESTABLISHED, 404 elsewhere"

kill -TERM "$HOLD_PID" 2>/dev/null
wait "$HOLD_PID" 2>/dev/null
tcp_it_conns_drained 15
ptg_it_stop
timeout 20 curl -sS -o "$M" "http://127.0.0.1:$EPORT/metrics" ||
	ptg_it_fail "curl /metrics with portgate gone"
grep -qx 'portgate_up 0' "$M" || ptg_it_fail "/metrics with portgate gone: no 'portgate_up 0'"
ptg_it_ok "portgate-exporter says portgate_up 0 once portgate is gone"
kill -TERM "$EXP_PID"
wait "$EXP_PID" 2>/dev/null

# ---- 4. log types and their rate limit ------------------------------------
PTG_IT_LCORES=""
# A global level (--log-level notice, the tests' default) caps every type:
# lower each type instead, then raise ptg.tcp.
PTG_IT_LOG_LEVEL='*:notice'
PTG_IT_EAL_EXTRA=(--log-level ptg.tcp:debug)
tcp_it_start
tcp_it_ns 20 curl -sS --max-time 10 -o /dev/null "http://$ADDR/" ||
	ptg_it_fail "curl with ptg.tcp at debug"
sleep 0.5
grep -E "TCP: $PEER:[0-9]+ > $ADDR:80 SYN-RECEIVED -> ESTABLISHED" "$PTG_IT_LOG" >/dev/null &&
	grep -E "TCP: $PEER:[0-9]+ > $ADDR:80 [A-Z_-]+ -> CLOSED \(normal\)" "$PTG_IT_LOG" >/dev/null ||
	ptg_it_fail "--log-level ptg.tcp:debug: the curl's state changes are not logged"
ptg_it_ok "--log-level ptg.tcp:debug: $(grep -c "TCP: $PEER:" "$PTG_IT_LOG") lines for one curl, e.g. '$(grep -m1 -- '-> ESTABLISHED' "$PTG_IT_LOG")'"
before="$(grep -c 'TCP: ' "$PTG_IT_LOG")"
t0="$(tcp_it_now)"
tcp_it_ns 120 "$PTG_IT_PY" "$HOLD" churn "$ADDR" 9 --count 300 ||
	ptg_it_fail "300 connections in a row"
el="$(tcp_it_since "$t0")"
sleep 1.2
tcp_it_ns 20 curl -sS --max-time 10 -o /dev/null "http://$ADDR/" ||
	ptg_it_fail "curl after the churn"
sleep 0.3
tcp_it_snap "$PTG_IT_TMP/logc"
sup="$(ptg_it_counter "$PTG_IT_TMP/logc" tcp.log_suppressed)" || exit 1
lines=$(($(grep -c 'TCP: ' "$PTG_IT_LOG") - before))
# 300 connections log ~1500 lines; the bucket lets 50 through at once and
# 20 a second after (lib/tcp/tcp_conn.c), plus the last curl's.
max="$(awk -v t="$el" 'BEGIN { printf "%d", 50 + 20 * (t + 2) + 10 }')"
((sup > 0)) || ptg_it_fail "tcp.log_suppressed is 0 after 300 connections at debug"
((lines <= max)) ||
	ptg_it_fail "$lines ptg.tcp lines for 300 connections in $el s (at most $max)"
grep -qE 'lines suppressed by the rate limit' "$PTG_IT_LOG" ||
	ptg_it_fail "no 'lines suppressed by the rate limit' line"
ptg_it_ok "300 connections in $el s at debug: $lines lines logged (<= $max), tcp.log_suppressed $sup, '$(grep -m1 'suppressed by the rate limit' "$PTG_IT_LOG")'"
tcp_it_conns_drained 15
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
