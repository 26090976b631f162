#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Slow and idle HTTP clients against the http service's timeouts, from a
# kernel peer (short timeouts so that the test stays short):
#  1. 20 clients send one byte each and wait: each is reset 3 s after
#     (--http-header-timeout-ms 3000), counted as timeout_header; a
#     normal client is served while they wait, and after.
#  2. a second http port with pool=16: 16 one-byte clients take every
#     session, a 17th request is reset (drop_pool_empty); after the header
#     timeout all 16 are gone and a new client is served.
#  3. a keep-alive connection left idle is reset after
#     --http-keepalive-timeout-ms 2000 (timeout_keepalive); a body that
#     stops coming after --http-body-timeout-ms 2000 (timeout_body); a
#     Content-Length over --http-max-body gets 413 and a close.
# Every connection is gone from portgate's table at the end.
#
#   [ns: 198.18.0.1 tools/misbehave.py, curl] ==veth== af_packet portgate
#
#   tcp_slow.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

MISBEHAVE=("$PTG_IT_PY" "$PTG_IT_DIR/tools/misbehave.py")
URL="http://$ADDR"

tcp_it_topology
tcp_it_start --service 80:http --service 8080:http:pool=16 \
	--http-header-timeout-ms 3000 --http-keepalive-timeout-ms 2000 \
	--http-body-timeout-ms 2000 --http-max-body 100000
d() { tcp_it_delta "$PTG_IT_TMP/$1" "$PTG_IT_TMP/$2" "$3"; }
served() { # served WHAT URL: a 200 with the root body
	local body
	body="$(tcp_it_ns 20 curl -sS --max-time 5 "$2")" ||
		ptg_it_fail "$1: curl $2 failed"
	[[ "$body" == "Hello from portgate" ]] || ptg_it_fail "$1: body '$body'"
}

# ---- 1. one byte and silence ------------------------------------------------
tcp_it_snap "$PTG_IT_TMP/a0"
t0="$(tcp_it_now)"
tcp_it_ns 30 "${MISBEHAVE[@]}" hold "$ADDR" 80 --count 20 --send G \
	--wait 10 --reset-within 2.9 4.5 >"$PTG_IT_TMP/hold1.out" 2>&1 &
hold=$!
sleep 1
served "a client while 20 slow ones wait" "$URL/"
wait "$hold" || ptg_it_fail "slow clients: $(cat "$PTG_IT_TMP/hold1.out")"
sed 's/^/# /' "$PTG_IT_TMP/hold1.out"
served "a client after the slow ones" "$URL/"
tcp_it_snap "$PTG_IT_TMP/a1"
n="$(d a0 a1 svc_80_http.timeout_header)"
((n == 20)) || ptg_it_fail "svc_80_http.timeout_header rose by $n, wanted 20"
n="$(d a0 a1 svc_80_http.resp_200)"
((n == 2)) || ptg_it_fail "svc_80_http.resp_200 rose by $n, wanted 2"
n="$(d a0 a1 tcp.conn_reset_tx)"
((n == 20)) || ptg_it_fail "tcp.conn_reset_tx rose by $n, wanted 20"
ptg_it_ok "20 clients sending one byte each were reset 3 s after (timeout_header +20, 20 RSTs); a client during the wait and one after got 200 ($(tcp_it_since "$t0") s)"

# ---- 2. the session pool ----------------------------------------------------
tcp_it_snap "$PTG_IT_TMP/b0"
tcp_it_ns 30 "${MISBEHAVE[@]}" hold "$ADDR" 8080 --count 16 --send G \
	--wait 10 --reset-within 2.9 4.5 >"$PTG_IT_TMP/hold2.out" 2>&1 &
hold=$!
sleep 1
# the 17th request finds no session: reset
tcp_it_ns 20 "${MISBEHAVE[@]}" http-once "$ADDR" 8080 \
	>"$PTG_IT_TMP/17th.out" 2>&1 &&
	ptg_it_fail "a request with the pool held was answered: $(cat "$PTG_IT_TMP/17th.out")"
grep -q "connection reset" "$PTG_IT_TMP/17th.out" ||
	ptg_it_fail "17th request: $(cat "$PTG_IT_TMP/17th.out")"
wait "$hold" || ptg_it_fail "pool holders: $(cat "$PTG_IT_TMP/hold2.out")"
sed 's/^/# /' "$PTG_IT_TMP/hold2.out"
served "a client once the pool is back" "http://$ADDR:8080/"
tcp_it_snap "$PTG_IT_TMP/b1"
n="$(d b0 b1 svc_8080_http.drop_pool_empty)"
((n == 1)) || ptg_it_fail "svc_8080_http.drop_pool_empty rose by $n, wanted 1"
n="$(d b0 b1 svc_8080_http.timeout_header)"
((n == 16)) || ptg_it_fail "svc_8080_http.timeout_header rose by $n, wanted 16"
ptg_it_ok "16 one-byte clients held the pool of 16; the 17th request was reset (drop_pool_empty +1); all 16 reset after 3 s (timeout_header +16); then a client got 200"

# ---- 3. keep-alive, body, max body -----------------------------------------
tcp_it_snap "$PTG_IT_TMP/c0"
tcp_it_ns 30 "${MISBEHAVE[@]}" hold "$ADDR" 80 --count 1 \
	--send 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' --wait 10 \
	--reset-within 1.9 3.5 >"$PTG_IT_TMP/ka.out" 2>&1 ||
	ptg_it_fail "idle keep-alive: $(cat "$PTG_IT_TMP/ka.out")"
sed 's/^/# /' "$PTG_IT_TMP/ka.out"
tcp_it_ns 30 "${MISBEHAVE[@]}" hold "$ADDR" 80 --count 1 \
	--send 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789' \
	--wait 10 --reset-within 1.9 3.5 >"$PTG_IT_TMP/body.out" 2>&1 ||
	ptg_it_fail "stalled body: $(cat "$PTG_IT_TMP/body.out")"
sed 's/^/# /' "$PTG_IT_TMP/body.out"
tcp_it_ns 20 "${MISBEHAVE[@]}" http-once "$ADDR" 80 --expect-status 413 \
	--request 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100001\r\n\r\n' \
	>"$PTG_IT_TMP/413.out" 2>&1 || ptg_it_fail "413: $(cat "$PTG_IT_TMP/413.out")"
tcp_it_snap "$PTG_IT_TMP/c1"
for want in timeout_keepalive:1 timeout_body:1 resp_413:1 \
	error_body_long:1 timeout_send:0 timeout_linger:0; do
	n="$(d c0 c1 "svc_80_http.${want%:*}")"
	((n == ${want#*:})) ||
		ptg_it_fail "svc_80_http.${want%:*} rose by $n, wanted ${want#*:}"
done
ptg_it_ok "idle keep-alive reset after 2 s (timeout_keepalive +1), a stalled body after 2 s (timeout_body +1), Content-Length 100001 over --http-max-body 100000: 413 (resp_413 +1)"

echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/a0" "$PTG_IT_TMP/c1")"
tcp_it_wire_check "$PTG_IT_TMP/a0" "$PTG_IT_TMP/c1"
tcp_it_conns_drained 10
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
