#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The engine-wide limits on connections that would otherwise live forever,
# from a kernel peer, on the echo service (which has no timers of its own):
#  1. --first-data-timeout-ms 1500: 10 connections that send nothing after
#     the handshake are each reset 1.5 s after it (tcp.first_data_timeout
#     +10); a client that sends at once is served.
#  2. --keepalive-ms 1000: an echo connection idle for 2.5 s, twice, gets
#     a keepalive probe in each pause (tcp.keepalive_probes), which the
#     kernel answers; its exchanges come back whole, nothing times out
#     (tcp.conn_timeout +0).
#  3. /portgate/worker,0 shows the engine's memory: its budget is half
#     the frame pool (one worker), and what its queues hold goes back to
#     0 once the connections are gone.
#
#   [ns: 198.18.0.1 tools/misbehave.py hold, idle-echo] ==veth== af_packet
#       portgate 198.18.0.2 --first-data-timeout-ms 1500 --keepalive-ms 1000
#
#   tcp_idle.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"

MISBEHAVE=("$PTG_IT_PY" "$PTG_IT_DIR/tools/misbehave.py")
d() { tcp_it_delta "$PTG_IT_TMP/$1" "$PTG_IT_TMP/$2" "$3"; }
# tel CMD KEY: one numeric field of a telemetry reply
tel() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 "$PTG_IT_PREFIX" \
		"$1" | awk -v k="$2" '$1 == k { print $2; f = 1 }
		END { exit !f }'
}

tcp_it_topology
tcp_it_start --first-data-timeout-ms 1500 --keepalive-ms 1000

# ---- 1. silent after the handshake ------------------------------------------
tcp_it_snap "$PTG_IT_TMP/a0"
tcp_it_ns 30 "${MISBEHAVE[@]}" hold "$ADDR" 7 --count 10 --wait 8 \
	--reset-within 1.4 3.5 >"$PTG_IT_TMP/hold.out" 2>&1 ||
	ptg_it_fail "silent clients: $(cat "$PTG_IT_TMP/hold.out")"
sed 's/^/# /' "$PTG_IT_TMP/hold.out"
tcp_it_ns 30 "${MISBEHAVE[@]}" idle-echo "$ADDR" 7 --idle 0 --rounds 0 \
	--bytes 1000 >"$PTG_IT_TMP/quick.out" 2>&1 ||
	ptg_it_fail "a client that sends at once: $(cat "$PTG_IT_TMP/quick.out")"
tcp_it_snap "$PTG_IT_TMP/a1"
n="$(d a0 a1 tcp.first_data_timeout)"
((n == 10)) || ptg_it_fail "tcp.first_data_timeout rose by $n, wanted 10"
ptg_it_ok "10 connections silent after the handshake reset 1.5 s later (first_data_timeout +10); a client that sent at once was served"

# ---- 2. keepalive on an idle connection ---------------------------------------
tcp_it_snap "$PTG_IT_TMP/b0"
tcp_it_ns 30 "${MISBEHAVE[@]}" idle-echo "$ADDR" 7 --idle 2.5 --rounds 2 \
	--bytes 5000 >"$PTG_IT_TMP/idle.out" 2>&1 ||
	ptg_it_fail "idle echo: $(cat "$PTG_IT_TMP/idle.out")"
sed 's/^/# /' "$PTG_IT_TMP/idle.out"
tcp_it_snap "$PTG_IT_TMP/b1"
probes="$(d b0 b1 tcp.keepalive_probes)"
((probes >= 2)) ||
	ptg_it_fail "tcp.keepalive_probes rose by $probes over two 2.5 s pauses with --keepalive-ms 1000"
for c in tcp.conn_timeout tcp.first_data_timeout tcp.conn_reset_rx; do
	n="$(d b0 b1 "$c")"
	((n == 0)) || ptg_it_fail "$c rose by $n on the idle connection"
done
ptg_it_ok "an idle echo connection got $probes keepalive probes in two pauses, answered; 3 exchanges whole, no timeout"

# ---- 3. the engine's memory in telemetry --------------------------------------
tcp_it_conns_drained 10
pool="$(tel /portgate/info mbufs)" || ptg_it_fail "no mbufs in /portgate/info"
budget="$(tel /portgate/worker,0 mbufs_budget)" ||
	ptg_it_fail "no mbufs_budget in /portgate/worker,0"
held="$(tel /portgate/worker,0 mbufs_held)" ||
	ptg_it_fail "no mbufs_held in /portgate/worker,0"
((budget == pool / 2)) ||
	ptg_it_fail "worker 0's budget is $budget mbufs, wanted half the pool of $pool"
((held == 0)) || ptg_it_fail "worker 0's queues hold $held mbufs with no connection"
ptg_it_ok "/portgate/worker,0: budget $budget of a pool of $pool mbufs, $held held with the table empty"

ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
