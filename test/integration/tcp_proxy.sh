#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The proxy service in front of Linux servers, with Linux clients, over
# veth + net_af_packet. Clients and backends share the peer namespace:
#
#   [ns: 198.18.0.1 clients, 198.18.0.3 backends] ==veth== af_packet
#       portgate 198.18.0.2: proxy ports -> 198.18.0.3:PORT
#
# Backends (tools/proxy_tool.py serve, python3 -m http.server) on
# 198.18.0.3: echo A :7001, echo B :7002, http :8000, a slow reader :7003,
# one that resets :7004, one that records how each connection ended :7005.
# Checks, each against portgate's counters (svc_PORT_proxy in
# /portgate/stats) as well as what the Linux ends saw:
#   - bad ARGS: exit 2 with a message naming the item, nothing started
#   - 16 MB of random data both ways through echo, sha256 equal; a 16 MB
#     file through http.server and curl, sha256 equal (relay figures)
#   - a slow backend: the client cannot run ahead of it by more than the
#     buffers on the way (flow control end to end), nothing lost
#   - resets both ways; all backends refused: the client is reset
#   - PROXY protocol v1 as a Linux backend reads it
#   - a backend killed: clients go to the other one without noticing; up
#     again: used again once its backoff ran out (passive health)
#   - 1,000 concurrent relayed echo connections, all byte-identical, the
#     per-backend counters adding up exactly; again with two workers,
#     where each backend connection must come back to the worker that
#     opened it
#
#   tcp_proxy.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

BE=198.18.0.3
TOOL="$TCP_IT_TOOLS/proxy_tool.py"
D="$PTG_IT_TMP/data"
mkdir -p "$D"

tcp_it_topology
ip -n "$NS" addr add "$BE/24" dev "$INNER" ||
	ptg_it_fail "cannot add the backends' address $BE"

# backend NAME CMD...: start a server in $NS (peer CPUs), wait for it to
# listen; its PID in BE_PID[NAME], killed at exit (only that PID).
declare -A BE_PID
backend() {
	local name="$1" i pin=()
	shift
	mapfile -t pin < <(tcp_it_pin)
	ip netns exec "$NS" "${pin[@]}" "$@" >"$D/be.$name.log" 2>&1 </dev/null &
	BE_PID[$name]=$!
	ptg_cleanup_push "kill ${BE_PID[$name]}"
	for ((i = 0; i < 100; i++)); do
		grep -qs -e '^ready' -e 'Serving HTTP' "$D/be.$name.log" && return 0
		kill -0 "${BE_PID[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$D/be.$name.log" >&2
	ptg_it_fail "backend $name did not start"
}
stop_backend() {
	kill "${BE_PID[$1]}" 2>/dev/null
	wait "${BE_PID[$1]}" 2>/dev/null
}

# Bad ARGS: one message naming the item, exit 2, nothing started.
bad_args() {
	local spec="$1" pat="$2" out="$D/usage.out" rc eal=()
	mapfile -t eal < <(ptg_it_eal)
	timeout -s KILL 30 "$PORTGATE" "${eal[@]}" -- --addr "$ADDR/24" \
		--profile "$PTG_ROOT/drivers-config/af_packet.ini" \
		--service "$spec" >"$out" 2>&1 </dev/null
	rc=$?
	((rc == 2)) || ptg_it_fail "--service $spec: exit status $rc, not 2: $(tail -n 3 "$out")"
	grep -qF -- "portgate: --service $spec: $pat" "$out" ||
		ptg_it_fail "--service $spec: message is not '$pat': $(tail -n 3 "$out")"
	[[ ! -e "/var/run/dpdk/$PTG_IT_PREFIX" ]] ||
		ptg_it_fail "--service $spec: EAL was started"
	ptg_it_ok "--service $spec: exit 2, '$pat'"
}
bad_args "7000:proxy:$BE:0" "proxy: backend '$BE:0': port not in 1..65535"
bad_args "7000:proxy:$BE:80,lb=fast" "proxy: 'lb=fast': lb is rr or leastconn"
bad_args "7000:proxy" "proxy: no backend"

head -c 16M /dev/urandom >"$D/big" || ptg_it_fail "no random data"
backend echoA "$PTG_IT_PY" "$TOOL" serve "$BE:7001" --mode echo
backend echoB "$PTG_IT_PY" "$TOOL" serve "$BE:7002" --mode echo
backend http "$PTG_IT_PY" -u -m http.server --bind "$BE" --directory "$D" 8000
backend slow "$PTG_IT_PY" "$TOOL" serve "$BE:7003" --mode slow \
	--rate 4000000 --log "$D/slow.log"
backend reset "$PTG_IT_PY" "$TOOL" serve "$BE:7004" --mode reset --after 100
backend record "$PTG_IT_PY" "$TOOL" serve "$BE:7005" --mode record \
	--log "$D/record.log"
echo "# backends on $BE: echo :7001 :7002, http :8000, slow :7003," \
	"reset :7004, record :7005"

tcp_it_start \
	--service "7000:proxy:$BE:7001,$BE:7002,backoff=300,backoff_max=1000" \
	--service "8080:proxy:$BE:8000" \
	--service "7003:proxy:$BE:7003" \
	--service "7004:proxy:$BE:7004" \
	--service "7005:proxy:$BE:7005" \
	--service "7006:proxy:$BE:7005,proxy=v1" \
	--service "7009:proxy:$BE:7098,$BE:7099,connect_timeout=500"

# ptool SECONDS SUBCOMMAND ARGS...: tools/proxy_tool.py in $NS.
ptool() {
	local t="$1"
	shift
	tcp_it_ns "$t" "$PTG_IT_PY" "$TOOL" "$@"
}
snap() { tcp_it_snap "$PTG_IT_TMP/$1"; }
delta() { tcp_it_delta "$PTG_IT_TMP/$1" "$PTG_IT_TMP/$2" "$3"; }
value() { ptg_it_counter "$PTG_IT_TMP/$1" "$2"; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }
snap c0

# ---- 16 MB both ways ---------------------------------------------------------

t0="$(tcp_it_now)"
tcp_it_client 60 echo "$ADDR" 7000 --in "$D/big" --out "$D/big.echo" \
	--timeout 20 --total 50 >"$D/echo.log" 2>&1 ||
	ptg_it_fail "16 MB through the proxy to echo: $(cat "$D/echo.log")"
dt="$(tcp_it_since "$t0")"
[[ "$(sha "$D/big")" == "$(sha "$D/big.echo")" ]] ||
	ptg_it_fail "16 MB through the proxy to echo: sha256 differs"
ptg_it_ok "16 MB through the proxy to a Linux echo server and back, sha256" \
	"equal ($dt s, $(awk -v t="$dt" 'BEGIN { printf "%.1f", 2 * 16.777216 / t }') MB/s both ways)"
cat "$D/echo.log"
# For scale, not checked: the same client straight to the echo server
# (both addresses are the namespace's own: over its loopback, no veth).
t0="$(tcp_it_now)"
tcp_it_client 60 echo "$BE" 7001 --in "$D/big" --out "$D/big.direct" \
	--timeout 20 --total 50 >/dev/null 2>&1 &&
	echo "# the same 16 MB straight to the echo server (namespace loopback," \
		"no portgate): $(tcp_it_since "$t0") s"

t0="$(tcp_it_now)"
tcp_it_ns 60 curl -sS -o "$D/big.http" --max-time 50 \
	"http://$ADDR:8080/big" || ptg_it_fail "curl of 16 MB through the proxy"
dt="$(tcp_it_since "$t0")"
[[ "$(sha "$D/big")" == "$(sha "$D/big.http")" ]] ||
	ptg_it_fail "16 MB from http.server through the proxy: sha256 differs"
ptg_it_ok "16 MB from python3 http.server through the proxy with curl," \
	"sha256 equal ($dt s, $(awk -v t="$dt" 'BEGIN { printf "%.1f", 16.777216 / t }') MB/s)"
snap c1
for p in be0_tx_bytes be0_rx_bytes be1_tx_bytes be1_rx_bytes; do
	echo "# svc_7000_proxy.$p +$(delta c0 c1 "svc_7000_proxy.$p")"
done
d=$(($(delta c0 c1 svc_7000_proxy.be0_tx_bytes) +
	$(delta c0 c1 svc_7000_proxy.be1_tx_bytes)))
((d == 16777216)) || ptg_it_fail "svc_7000_proxy.be*_tx_bytes rose by $d, not 16777216"
d=$(($(delta c0 c1 svc_7000_proxy.be0_rx_bytes) +
	$(delta c0 c1 svc_7000_proxy.be1_rx_bytes)))
((d == 16777216)) || ptg_it_fail "svc_7000_proxy.be*_rx_bytes rose by $d, not 16777216"
d="$(delta c0 c1 svc_8080_proxy.be0_rx_bytes)"
((d > 16777216)) || ptg_it_fail "svc_8080_proxy.be0_rx_bytes rose by $d (16 MB and a head)"
ptg_it_ok "per-backend byte counters: exactly 16 MB each way through echo, 16 MB and the head from http"

# ---- a slow backend: flow control ---------------------------------------------

# The backend reads 4 MB/s through a 32 KB socket buffer. Between the
# client's send buffer and it sit at most: the client's socket buffer
# (64 KB asked, 128 KB granted by Linux), portgate's receive buffer toward
# the client and send buffer toward the backend (256 KB each), the
# backend's socket buffer (64 KB granted): 704 KB. When the client's last
# send returns, the backend must have read all but that (and the 16 KB of
# one read it may have been in the middle of: 720 KB). Without flow
# control the client would finish seconds before the backend.
head -c 8M /dev/urandom >"$D/slow" || ptg_it_fail "no random data"
ptool 30 send "$ADDR" 7003 --in "$D/slow" --sndbuf 65536 \
	>"$D/slow.client" 2>&1 || ptg_it_fail "8 MB to the slow backend: $(cat "$D/slow.client")"
read -r _ _ _ s _ _ _ t_sent <"$D/slow.client"
for ((i = 0; i < 50; i++)); do
	grep -qs '^slow ' "$D/slow.log" && break
	sleep 0.1
done
read -r _ got hash dt < <(grep '^slow ' "$D/slow.log")
[[ "$got" == 8388608 && "$hash" == "$(sha "$D/slow")" ]] ||
	ptg_it_fail "slow backend read $got bytes, sha256 $hash"
# read progress at t_sent: the last sample at or before it
read_then="$(awk -v t="$t_sent" -F'[= ]' '$1 == "t" && $2 <= t { n = $4 }
	END { print n + 0 }' "$D/slow.log")"
echo "# client: 8 MB sent in $s s; backend: read it in $dt s; read when the" \
	"client's last send returned: $read_then"
((read_then >= 8388608 - 737280)) ||
	ptg_it_fail "the client ran $((8388608 - read_then)) bytes ahead of the slow backend (more than the 720 KB of buffers on the way)"
ptg_it_ok "slow backend: 8 MB intact, the client never more than the buffers" \
	"on the way (720 KB) ahead of it ($((8388608 - read_then)) bytes)"

# ---- resets both ways, nobody up, PROXY v1 -----------------------------------

snap c2
ptool 20 reset-after "$ADDR" 7005 --send 1000 >/dev/null ||
	ptg_it_fail "client reset"
for ((i = 0; i < 50; i++)); do
	grep -qs -e '^eof' -e '^reset' "$D/record.log" && break
	sleep 0.1
done
[[ "$(grep -e '^eof' -e '^reset' "$D/record.log")" == "reset 1000" ]] ||
	ptg_it_fail "client reset: the backend saw '$(cat "$D/record.log")', not a reset after 1000 bytes"
ptg_it_ok "a client's RST reaches the backend as a RST (after its 1000 bytes)"
ptool 20 expect-reset "$ADDR" 7004 --send 100 >/dev/null ||
	ptg_it_fail "backend reset not passed on to the client"
ptg_it_ok "a backend's RST reaches the client as a RST"
ptool 20 expect-reset "$ADDR" 7009 >/dev/null ||
	ptg_it_fail "no backend up: the client was not reset"
ptg_it_ok "every backend refused: the client is reset"
: >"$D/record.log"
sport="$(ptool 20 first-line "$ADDR" 7006 --send "hello")" ||
	ptg_it_fail "PROXY v1 client"
for ((i = 0; i < 50; i++)); do
	grep -qs '^eof' "$D/record.log" && break
	sleep 0.1
done
want="first PROXY TCP4 198.18.0.1 $ADDR $sport 7006"
[[ "$(head -n 1 "$D/record.log")" == "$want" ]] ||
	ptg_it_fail "PROXY v1: the backend read '$(head -n 1 "$D/record.log")', not '$want'"
[[ "$(grep '^eof' "$D/record.log")" == "eof $((${#want} - 6 + 2 + 5))" ]] ||
	ptg_it_fail "PROXY v1: the backend got $(grep '^eof' "$D/record.log") bytes"
ptg_it_ok "PROXY v1: the Linux backend reads '${want#first }' then the 5 bytes"
snap c3
for c in 7004:resets:1 7005:resets:1 7009:no_backend:1 7009:be0_fails:1 \
	7009:be1_fails:1 7006:be0_tx_bytes:5; do
	IFS=: read -r port name want <<<"$c"
	d="$(delta c2 c3 "svc_${port}_proxy.$name")"
	((d == want)) || ptg_it_fail "svc_${port}_proxy.$name rose by $d, not $want"
done
ptg_it_ok "counters: one reset each way, one client with no backend after" \
	"both refused, the header not counted as data"

# ---- passive health: a backend killed, then back -------------------------------

head -c 65536 /dev/urandom >"$D/small" || ptg_it_fail "no random data"
echo_n() {
	local k
	for ((k = 0; k < $1; k++)); do
		tcp_it_client 20 echo "$ADDR" 7000 --in "$D/small" \
			--out "$D/small.out" --timeout 5 --total 15 \
			>"$D/small.log" 2>&1 ||
			ptg_it_fail "$2: echo $k failed: $(cat "$D/small.log")"
		cmp -s "$D/small" "$D/small.out" ||
			ptg_it_fail "$2: echo $k: data differs"
	done
}
stop_backend echoB
snap c4
echo_n 10 "echo B down"
snap c5
for c in be1_fails:1:10 be0_conns:10:10 no_backend:0:0 be1_rx_bytes:0:0; do
	IFS=: read -r name lo hi <<<"$c"
	d="$(delta c4 c5 "svc_7000_proxy.$name")"
	((d >= lo && d <= hi)) ||
		ptg_it_fail "echo B down: svc_7000_proxy.$name rose by $d, not $lo..$hi"
done
ptg_it_ok "echo B killed: 10 clients served by A without noticing;" \
	"B refused $(delta c4 c5 svc_7000_proxy.be1_fails) time(s), skipped otherwise"
backend echoB "$PTG_IT_PY" "$TOOL" serve "$BE:7002" --mode echo
sleep 1.2 # longer than backoff_max
snap c6
echo_n 10 "echo B back"
snap c7
d="$(delta c6 c7 svc_7000_proxy.be1_fails)"
((d == 0)) || ptg_it_fail "echo B back: be1_fails rose by $d"
d="$(delta c6 c7 svc_7000_proxy.be1_rx_bytes)"
((d >= 65536)) || ptg_it_fail "echo B back: nothing relayed from it (be1_rx_bytes +$d)"
ptg_it_ok "echo B back: used again once its backoff ran out" \
	"($(delta c6 c7 svc_7000_proxy.be1_conns) of 10 clients)"

# ---- 1,000 at once ----------------------------------------------------------------

snap c8
t0="$(tcp_it_now)"
if ! tcp_it_client 60 echo-many "$ADDR" 7000 --count 1000 --bytes 4096 \
	--seed proxy --timeout 20 --total 50 >"$D/many.log" 2>&1; then
	snap c8f
	echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c8" "$PTG_IT_TMP/c8f")"
	ptg_it_fail "1000 concurrent: $(tail -n 5 "$D/many.log")"
fi
cat "$D/many.log"
ptg_it_ok "1000 concurrent relayed echo connections, all byte-identical ($(tcp_it_since "$t0") s)"
tcp_it_conns_drained 20
snap c9
for c in clients:1000 be0_fails:0 be1_fails:0 no_backend:0 resets:0 errors:0 \
	drop_pool_empty:0; do
	IFS=: read -r name want <<<"$c"
	d="$(delta c8 c9 "svc_7000_proxy.$name")"
	((d == want)) || ptg_it_fail "1000 concurrent: svc_7000_proxy.$name rose by $d, not $want"
done
c0n="$(delta c8 c9 svc_7000_proxy.be0_conns)"
c1n="$(delta c8 c9 svc_7000_proxy.be1_conns)"
((c0n + c1n == 1000 && c0n == 500)) ||
	ptg_it_fail "1000 concurrent: be0_conns +$c0n, be1_conns +$c1n (round robin: 500 each)"
for dir in tx rx; do
	d=$(($(delta c8 c9 "svc_7000_proxy.be0_${dir}_bytes") +
		$(delta c8 c9 "svc_7000_proxy.be1_${dir}_bytes")))
	((d == 4096000)) ||
		ptg_it_fail "1000 concurrent: be*_${dir}_bytes rose by $d, not 4096000"
done
for name in active be0_active be1_active; do
	v="$(value c9 "svc_7000_proxy.$name")" || exit 1
	((v == 0)) || ptg_it_fail "svc_7000_proxy.$name is $v after the drain"
done
ptg_it_ok "counters: 1000 clients, 500 per backend, 4096000 bytes each way," \
	"no failure, nothing active after"

# ---- the engine under it all ----------------------------------------------------

snap c10
d="$(delta c0 c10 tcp.drop_rcvbuf_full)"
((d == 0)) || ptg_it_fail "tcp.drop_rcvbuf_full rose by $d (a window overrun)"
d="$(delta c0 c10 drop_nombuf)"
((d == 0)) || ptg_it_fail "drop_nombuf rose by $d"
echo "# engine: retransmits +$(delta c0 c10 tcp.retransmits)," \
	"connect timeouts +$(delta c0 c10 tcp.conn_timeout)," \
	"zero-window probes +$(delta c0 c10 tcp.zero_window_probes)," \
	"spill bytes +$(delta c0 c10 svc_7000_proxy.spill_bytes)," \
	"RX ring loss $(tcp_it_rx_ring_loss "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c10")"
ptg_it_ok "no receive window overrun, no mbuf shortage"
ptg_it_stop
grep -q '^portgate: stat svc_7000_proxy\.be0_conns=' "$PTG_IT_LOG" ||
	ptg_it_fail "exit report lacks svc_7000_proxy.be0_conns"
ptg_it_ok "exit report lists the proxy's counters"

# ---- two workers: backend connections steer back to their opener -------------

# Pipeline mode (af_packet): the I/O lcore puts each segment on its flow's
# worker. A backend connection's source port is chosen so that its return
# traffic hashes to the worker that opened it: no worker ever gets a
# segment of another's connection to hand over (worker.steer_out stays 0).
ALL_CPUS="$("$PTG_IT_PY" -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0)))))')"
PTG_IT_LCORES="0@$PTG_IT_CPU,(1-2)@($ALL_CPUS)"
tcp_it_start --workers 2 --mode pipeline \
	--service "7000:proxy:$BE:7001,$BE:7002;lb=leastconn"
snap w0
for i in 0 1; do
	PTG_IT_STATS_CMD="/portgate/worker,$i" ptg_it_counters "$PTG_IT_TMP/w0.$i"
done
if ! tcp_it_client 60 echo-many "$ADDR" 7000 --count 1000 --bytes 4096 \
	--seed proxy2 --timeout 20 --total 50 >"$D/many2.log" 2>&1; then
	snap w0f
	echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/w0" "$PTG_IT_TMP/w0f")"
	ptg_it_fail "2 workers, 1000 concurrent: $(tail -n 5 "$D/many2.log")"
fi
cat "$D/many2.log"
tcp_it_conns_drained 20
snap w1
for i in 0 1; do
	PTG_IT_STATS_CMD="/portgate/worker,$i" ptg_it_counters "$PTG_IT_TMP/w1.$i"
	acc="$(delta "w0.$i" "w1.$i" tcp.accepted)"
	act="$(delta "w0.$i" "w1.$i" tcp.active_opens)"
	so="$(delta "w0.$i" "w1.$i" worker.steer_out)"
	echo "# worker $i: accepted $acc clients, opened $act backend connections, handed over $so segments"
	((acc > 0 && act == acc)) ||
		ptg_it_fail "worker $i: accepted $acc, opened $act (one backend connection per client)"
	((so == 0)) ||
		ptg_it_fail "worker $i handed $so segments to the other worker"
done
for c in clients:1000 be0_fails:0 be1_fails:0 no_backend:0 resets:0; do
	IFS=: read -r name want <<<"$c"
	d="$(delta w0 w1 "svc_7000_proxy.$name")"
	((d == want)) || ptg_it_fail "2 workers: svc_7000_proxy.$name rose by $d, not $want"
done
d=$(($(delta w0 w1 svc_7000_proxy.be0_rx_bytes) + $(delta w0 w1 svc_7000_proxy.be1_rx_bytes)))
((d == 4096000)) || ptg_it_fail "2 workers: be*_rx_bytes rose by $d, not 4096000"
ptg_it_ok "2 workers (pipeline), leastconn: 1000 concurrent relayed echoes" \
	"intact, each worker's backend connections came back to it"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
