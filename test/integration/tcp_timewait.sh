#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# TIME-WAIT churn: HTTP/1.0 clients (no keep-alive: the server closes
# after each response, RFC 9112 9.6, so TIME-WAIT stays on portgate's side)
# one after the other from a kernel peer.
#  1. 3,000 requests with --time-wait-ms 1000 and --max-conns 4096: every
#     one answered and closed by the server (svc_80_http.resp_200 and
#     conn_close_after_resp +3000), no SYN dropped for a full table
#     (tcp.drop_table_full +0), the table never near full (sampled), and
#     every TIME-WAIT record gone after 1 s (timewait_expired +
#     timewait_reuse = 3000).
#  2. a table smaller than the churn of one TIME-WAIT period
#     (--max-conns 256, --time-wait-ms 60000, 1,000 requests): the table
#     must not fill either: lib/tcp recycles the oldest TIME-WAIT
#     record when the table is full (RFC 6191 reuse alone would not do
#     it: the kernel picks a new port each time).
#
#   [ns: 198.18.0.1 tools/misbehave.py churn] ==veth== af_packet portgate
#
#   tcp_timewait.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"

MISBEHAVE=("$PTG_IT_PY" "$PTG_IT_DIR/tools/misbehave.py")
N1=3000
N2=1000
d() { tcp_it_delta "$PTG_IT_TMP/$1" "$PTG_IT_TMP/$2" "$3"; }

tcp_it_topology

# ---- 1. churn within the table ----------------------------------------------
tcp_it_start --time-wait-ms 1000 --max-conns 4096
tcp_it_snap "$PTG_IT_TMP/a0"
tcp_it_ns 200 "${MISBEHAVE[@]}" churn "$ADDR" 80 --count "$N1" \
	--timeout 5 --total 180 >"$PTG_IT_TMP/churn1.out" 2>&1 &
churn=$!
peak=0
while kill -0 "$churn" 2>/dev/null; do
	n="$(tcp_it_info_conns)" || n=0
	((n > peak)) && peak=$n
	sleep 0.5
done
wait "$churn" || ptg_it_fail "churn: $(cat "$PTG_IT_TMP/churn1.out")"
sed 's/^/# /' "$PTG_IT_TMP/churn1.out"
tcp_it_snap "$PTG_IT_TMP/a1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/a0" "$PTG_IT_TMP/a1")"
# What a full table or a starved listener would show; a duplicate the
# kernel sends when an ACK of portgate's comes late (drop_out_of_window)
# is not one of them.
for want in svc_80_http.resp_200:$N1 svc_80_http.conn_close_after_resp:$N1 \
	tcp.passive_opens:$N1 tcp.drop_table_full:0 tcp.synq_overflow:0 \
	tcp.acceptq_overflow:0 tcp.syncookies_sent:0 tcp.drop_nombuf:0 \
	tcp.challenge_acks:0 tcp.conn_reset_tx:0 tcp.conn_reset_rx:0 \
	svc_80_http.drop_pool_empty:0 svc_80_http.drop_conns_full:0; do
	n="$(d a0 a1 "${want%:*}")"
	((n == ${want#*:})) || ptg_it_fail "${want%:*} rose by $n, wanted ${want#*:}"
done
((peak < 4096 * 3 / 4)) || ptg_it_fail "the table held $peak connections (of 4096)"
ptg_it_ok "$N1 HTTP/1.0 requests in a row: each answered, closed by portgate; no SYN dropped or queued out, no challenge ACK, no reset; at most $peak connections (TIME-WAIT included) in a table of 4096"
tcp_it_conns_drained 10
tcp_it_snap "$PTG_IT_TMP/a2"
n=$(($(d a0 a2 tcp.timewait_expired) + $(d a0 a2 tcp.timewait_reuse)))
((n == N1)) || ptg_it_fail "timewait_expired + timewait_reuse rose by $n, wanted $N1"
ptg_it_ok "every TIME-WAIT record went (timewait_expired $(d a0 a2 tcp.timewait_expired), timewait_reuse $(d a0 a2 tcp.timewait_reuse))"
ptg_it_stop

# ---- 2. churn past the table ------------------------------------------------
tcp_it_start --time-wait-ms 60000 --max-conns 256
tcp_it_snap "$PTG_IT_TMP/b0"
tcp_it_ns 200 "${MISBEHAVE[@]}" churn "$ADDR" 80 --count "$N2" \
	--timeout 3 --total 120 >"$PTG_IT_TMP/churn2.out" 2>&1
rc=$?
sed 's/^/# /' "$PTG_IT_TMP/churn2.out"
tcp_it_snap "$PTG_IT_TMP/b1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/b0" "$PTG_IT_TMP/b1")"
why=""
((rc == 0)) || why="churn: $(grep -m1 FAIL "$PTG_IT_TMP/churn2.out")"
n="$(d b0 b1 tcp.drop_table_full)"
[[ -z "$why" ]] && ((n != 0)) && why="tcp.drop_table_full rose by $n"
[[ -z "$why" ]] || ptg_it_fail "$why"
n="$(d b0 b1 svc_80_http.resp_200)"
((n == N2)) || ptg_it_fail "svc_80_http.resp_200 rose by $n, wanted $N2"
ptg_it_ok "$N2 requests in a row through a table of 256 with 60 s TIME-WAIT: all answered, no SYN dropped for a full table"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
