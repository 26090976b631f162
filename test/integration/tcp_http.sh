#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The http service (port 80) against curl and a raw-socket client in a
# namespace, over veth + net_af_packet:
#
#   [ns: 198.18.0.1 curl, tcp_client.py] ==veth== af_packet portgate 198.18.0.2
#
# 100 sequential requests (a new connection each, "/" and /bytes/N of many
# sizes, bodies checked byte for byte against the documented pattern), 50
# curl processes at once, keep-alive (several URLs, one connection),
# "Connection: close" (the server closes), pipelining, HEAD, and 400, 404,
# 405; then the connection table must drain, the http counters must match
# what was sent, and SIGTERM must end portgate cleanly.
#
#   tcp_http.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

tcp_it_topology
tcp_it_start

URL="http://$ADDR"
B="$PTG_IT_TMP/bodies"
mkdir -p "$B"
# Sizes around the 16-byte records, the MSS (1448 with timestamps) and the
# service's 16 KB send chunks.
SIZES=(0 1 15 16 17 100 1447 1448 1449 2896 4097 16383 16384 16385 65535
	65536 100000 262144 1000000 3000000)
CURL=(curl -sS --max-time 30 --connect-timeout 5)

tcp_it_snap "$PTG_IT_TMP/c0"

# ---- 100 sequential requests, one connection each -----------------------
t0="$(tcp_it_now)"
checks=()
for ((i = 0; i < 100; i++)); do
	if ((i % 5 == 0)); then
		path=/ want=root
	else
		want="${SIZES[i % ${#SIZES[@]}]}"
		path="/bytes/$want"
	fi
	f="$B/seq.$i"
	out="$(tcp_it_ns 40 "${CURL[@]}" -o "$f" \
		--write-out '%{http_code} %{num_connects} %{size_download}' \
		"$URL$path")" || ptg_it_fail "request $i: curl $URL$path failed ($out)"
	read -r code conns size <<<"$out"
	[[ "$code" == 200 ]] || ptg_it_fail "request $i: GET $path: status $code"
	[[ "$conns" == 1 ]] || ptg_it_fail "request $i: $conns connections"
	[[ "$size" == "$([[ $want == root ]] && echo 20 || echo "$want")" ]] ||
		ptg_it_fail "request $i: GET $path: $size body bytes"
	checks+=("$f:$want")
done
"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "${checks[@]}" ||
	ptg_it_fail "sequential bodies"
ptg_it_ok "100 sequential GETs (/ and /bytes/N, N up to ${SIZES[-1]}), one connection each, every body exact ($(tcp_it_since "$t0") s)"

# ---- 50 in parallel -----------------------------------------------------
t0="$(tcp_it_now)"
pids=()
checks=()
for ((i = 0; i < 50; i++)); do
	n=$(( (i * 7919) % 200000 ))
	f="$B/par.$i"
	tcp_it_ns 60 "${CURL[@]}" -o "$f" --write-out '%{http_code}' \
		"$URL/bytes/$n" >"$f.code" 2>"$f.err" &
	pids+=($!)
	checks+=("$f:$n")
done
bad=0
for ((i = 0; i < 50; i++)); do
	if ! wait "${pids[i]}"; then
		echo "# parallel $i: curl failed: $(cat "$B/par.$i.err")"
		bad=$((bad + 1))
	elif [[ "$(cat "$B/par.$i.code")" != 200 ]]; then
		echo "# parallel $i: status $(cat "$B/par.$i.code")"
		bad=$((bad + 1))
	fi
done
((bad == 0)) || ptg_it_fail "$bad of 50 parallel requests failed"
"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "${checks[@]}" ||
	ptg_it_fail "parallel bodies"
ptg_it_ok "50 curl processes at once, all 200 with exact bodies ($(tcp_it_since "$t0") s)"

# ---- keep-alive: several URLs, one connection ---------------------------
out="$(tcp_it_ns 60 "${CURL[@]}" -v \
	-o "$B/ka.0" "$URL/" -o "$B/ka.1" "$URL/bytes/1000" \
	-o "$B/ka.2" "$URL/bytes/300000" -o "$B/ka.3" "$URL/nope" \
	-o "$B/ka.4" "$URL/bytes/5" \
	--write-out '%{http_code}:%{num_connects}\n' 2>"$B/ka.err")" ||
	ptg_it_fail "keep-alive: curl failed: $(tail -n 5 "$B/ka.err")"
want=$'200:1\n200:0\n200:0\n404:0\n200:0'
[[ "$out" == "$want" ]] ||
	ptg_it_fail "keep-alive: status:new-connections per URL were $(echo $out), wanted $(echo $want)"
n="$(grep -c 'Re-using existing connection' "$B/ka.err")"
((n == 4)) || ptg_it_fail "keep-alive: curl re-used the connection $n times, wanted 4"
grep -qi '^< Connection: close' "$B/ka.err" &&
	ptg_it_fail "keep-alive: the server asked to close"
"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "$B/ka.0:root" \
	"$B/ka.1:1000" "$B/ka.2:300000" "$B/ka.4:5" || ptg_it_fail "keep-alive bodies"
ptg_it_ok "keep-alive: 5 requests on one connection (num_connects 1,0,0,0,0; curl -v re-used it 4 times)"

# ---- Connection: close --------------------------------------------------
out="$(tcp_it_ns 60 "${CURL[@]}" -v -H 'Connection: close' \
	-o "$B/cl.0" "$URL/bytes/20000" -o "$B/cl.1" "$URL/" \
	--write-out '%{http_code}:%{num_connects}\n' 2>"$B/cl.err")" ||
	ptg_it_fail "Connection: close: curl failed: $(tail -n 5 "$B/cl.err")"
want=$'200:1\n200:1'
[[ "$out" == "$want" ]] ||
	ptg_it_fail "Connection: close: status:new-connections $(echo $out), wanted $(echo $want)"
n="$(grep -ci '^< Connection: close' "$B/cl.err")"
((n == 2)) || ptg_it_fail "Connection: close: in $n responses, wanted 2"
grep -q 'Re-using existing connection' "$B/cl.err" &&
	ptg_it_fail "Connection: close: curl re-used a connection"
"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "$B/cl.0:20000" \
	"$B/cl.1:root" || ptg_it_fail "Connection: close bodies"
ptg_it_ok "Connection: close: answered with Connection: close, a new connection for the next URL"
tcp_it_client 30 http "$ADDR" 80 --expect-status 200 --expect-close \
	--request 'GET /bytes/100000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	--expect-header 'Connection: close' || ptg_it_fail "Connection: close, raw"
ptg_it_ok "Connection: close: the server sent the body, then FIN (EOF seen, no RST)"
tcp_it_client 30 http "$ADDR" 80 --expect-status 200 --expect-close \
	--request 'GET / HTTP/1.0\r\n\r\n' --expect-body 'Hello from portgate\n' ||
	ptg_it_fail "HTTP/1.0 without keep-alive"
ptg_it_ok "HTTP/1.0 without keep-alive: answered, then closed"

# ---- pipelining, HEAD ---------------------------------------------------
tcp_it_client 30 pipeline "$ADDR" 80 --close-last \
	--paths /,/bytes/100,/nope,/bytes/70000,/bytes/0,/ ||
	ptg_it_fail "pipelining"
ptg_it_ok "6 pipelined requests in one write: 6 responses in order, then close"
tcp_it_client 30 http "$ADDR" 80 --expect-status 200 --expect-open \
	--request 'HEAD /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n' \
	--expect-header 'Content-Length: 5000' || ptg_it_fail "HEAD"
ptg_it_ok "HEAD /bytes/5000: Content-Length 5000, no body, connection kept"

# ---- status codes -------------------------------------------------------
code="$(tcp_it_ns 30 "${CURL[@]}" -o /dev/null --write-out '%{http_code}' \
	"$URL/no/such/thing")"
[[ "$code" == 404 ]] || ptg_it_fail "curl GET /no/such/thing: $code, wanted 404"
tcp_it_client 30 http "$ADDR" 80 --expect-status 404 --expect-open \
	--request 'GET /bytes/12x HTTP/1.1\r\nHost: x\r\n\r\n' ||
	ptg_it_fail "404 for /bytes/12x"
ptg_it_ok "404 for unknown paths (curl, raw), keep-alive kept"
code="$(tcp_it_ns 30 "${CURL[@]}" -o /dev/null --write-out '%{http_code}' \
	-X DELETE "$URL/")"
[[ "$code" == 405 ]] || ptg_it_fail "curl DELETE /: $code, wanted 405"
tcp_it_client 30 http "$ADDR" 80 --expect-status 405 --expect-open \
	--expect-header 'Allow: GET, HEAD' \
	--request 'POST /bytes/10 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' ||
	ptg_it_fail "405 for POST"
ptg_it_ok "405 with Allow: GET, HEAD for DELETE and POST (body skipped, keep-alive kept)"
tcp_it_client 30 http "$ADDR" 80 --expect-status 400 --expect-close \
	--request 'GET / HTTP/1.1\r\n\r\n' || ptg_it_fail "400 for no Host"
tcp_it_client 30 http "$ADDR" 80 --expect-status 400 --expect-close \
	--request 'GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n' ||
	ptg_it_fail "400 for a bad header name"
tcp_it_client 30 http "$ADDR" 80 --expect-status 400 --expect-close \
	--request 'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n' ||
	ptg_it_fail "400 for a control character in the target"
ptg_it_ok "400 for no Host, a bad header name, a CTL in the target; each then closed"

# ---- counters, drain, stop ----------------------------------------------
tcp_it_conns_drained 15
tcp_it_snap "$PTG_IT_TMP/c1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
tcp_it_wire_check "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1"
# 200: 100 sequential, 50 parallel, 4 keep-alive, 4 close, 5 pipelined,
# HEAD and the 3 second requests of --expect-open; 404: keep-alive,
# pipelined, curl, raw; 405: curl, raw; 400: no Host (a complete head),
# bad header name and CTL in the target (rejected before the head ends).
if tcp_it_has "$PTG_IT_TMP/c1" resp_200; then
	for cw in resp_200:167 resp_404:4 resp_405:2 resp_400:3 requests:174; do
		d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" "${cw%:*}")"
		((d == ${cw#*:})) || ptg_it_fail "${cw%:*} rose by $d, wanted ${cw#*:}"
	done
	ptg_it_ok "http counters: 174 requests, 167 x 200, 4 x 404, 2 x 405, 3 x 400"
else
	echo "# NOT CHECKED: the http service's counters (resp_200, ...) are not in /portgate/stats"
fi
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" passive_opens)"
((d == 164)) || ptg_it_fail "passive_opens rose by $d, wanted 164 (one per client connection)"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" established)"
((d == 164)) || ptg_it_fail "established rose by $d, wanted 164"
ptg_it_ok "164 client connections, 164 passive opens, all established"
d=$(($(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" conn_closed) +
	$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" timewait_expired)))
((d == 164)) || ptg_it_fail "conn_closed + timewait_expired rose by $d, wanted 164"
ptg_it_ok "all 164 ended normally (conn_closed + timewait_expired)"
for c in drop_cksum conn_reset_rx conn_reset_tx conn_timeout drop_rcvbuf_full \
	drop_nombuf drop_table_full acceptq_overflow synq_overflow \
	drop_pool_empty drop_send_error; do
	d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" "$c")"
	((d == 0)) || ptg_it_fail "$c rose by $d on a clean link"
done
ptg_it_ok "no checksum drops, resets, timeouts, queue overflows or pool shortages"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
