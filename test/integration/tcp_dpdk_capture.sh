#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Live capture through DPDK's packet-capture framework: while portgate
# runs, dpdk-dumpcap and dpdk-pdump (secondary processes with portgate's
# --file-prefix) capture a curl exchange on its port, and tshark finds
# the HTTP request and the response in the files.
#
#   [ns: 198.18.0.1 curl] ==veth== af_packet portgate 198.18.0.2
#                                        ^ dpdk-dumpcap / dpdk-pdump
#
# 1. one worker (rtc: the worker's RX/TX bursts are captured):
#    dpdk-dumpcap -i 0 -p, one pcapng with both directions;
# 2. two workers in pipeline mode (the I/O lcore's bursts):
#    dpdk-pdump --pdump port=0,queue=*,rx-dev=RX,tx-dev=TX, the request
#    in RX, the response in TX;
# each time portgate serves on after the capture ends and stops cleanly.
# The capturing processes map portgate's memory: hugepages are needed
# (skipped with --no-huge).
#
#   tcp_dpdk_capture.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
for t in tshark curl dpdk-dumpcap dpdk-pdump; do
	command -v "$t" >/dev/null 2>&1 || ptg_it_skip "$t not installed"
done
[[ "$PTG_EAL_MEM" == *--no-huge* ]] &&
	ptg_it_skip "no hugepages: a capturing process cannot map portgate's memory"

tcp_it_topology
URL="http://$ADDR"
MARK="ptg-capture-$PTG_IT_ID"
ALL_CPUS="$("$PTG_IT_PY" -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0)))))')"

# cap_start LOG READY-PATTERN CMD...: start a capturing process (its
# output in LOG), wait until READY-PATTERN shows in LOG. Sets CAP_PID.
cap_start() {
	local log="$1" ready="$2" i what="$3"
	shift 2
	# line-buffered: the ready line shows as it is printed
	stdbuf -oL -eL "$@" >"$log" 2>&1 </dev/null &
	CAP_PID=$!
	ptg_cleanup_push "ptg_it_kill_pid $CAP_PID ''"
	for ((i = 0; i < 150; i++)); do
		grep -qs -- "$ready" "$log" && { sleep 0.5; return 0; }
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   /' "$log"
	ptg_it_fail "$what did not start capturing"
}

# cap_stop LOG: SIGINT, require exit within 10 s.
cap_stop() {
	local i
	sleep 0.5 # the last ACKs
	kill -INT "$CAP_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$CAP_PID" 2>/dev/null && ptg_it_fail "capture still running 10 s after SIGINT"
	wait "$CAP_PID" 2>/dev/null
}

# exchange: one GET that the capture must hold, marked by a header.
exchange() {
	local body
	body="$(tcp_it_ns 20 curl -sS --max-time 10 -H "X-Test: $MARK" "$URL/")" ||
		ptg_it_fail "curl $URL/ during the capture"
	[[ "$body" == "Hello from portgate" ]] ||
		ptg_it_fail "curl $URL/: unexpected body '$body'"
}

# http_in FILE FILTER FIELD: the FIELD values of FILTER's packets in FILE.
http_in() {
	tshark -n -r "$1" -Y "$2" -T fields -e "$3" 2>/dev/null
}

# check_request FILE / check_response FILE
check_request() {
	local got
	got="$(http_in "$1" "http.request and http.request.line contains \"$MARK\"" \
		http.request.uri)"
	[[ "$got" == "/" ]] || {
		tshark -n -r "$1" 2>&1 | sed 's/^/#   /' | tail -n 20
		ptg_it_fail "$(basename "$1"): no 'GET /' with X-Test: $MARK (got '$got')"
	}
}
check_response() {
	local got
	got="$(http_in "$1" 'http.response and tcp.srcport == 80' http.response.code)"
	[[ "$got" == 200 ]] || {
		tshark -n -r "$1" 2>&1 | sed 's/^/#   /' | tail -n 20
		ptg_it_fail "$(basename "$1"): no 'HTTP/1.1 200' from portgate (got '$got')"
	}
	got="$(http_in "$1" 'http.response and tcp.srcport == 80' http.file_data)"
	[[ "$got" == *"Hello from portgate"* ]] ||
		ptg_it_fail "$(basename "$1"): the response body is not in the capture ('$got')"
}

# ---- 1. dpdk-dumpcap, one worker ------------------------------------------
tcp_it_start
PCAP="$PTG_IT_TMP/dumpcap.pcapng"
cap_start "$PTG_IT_TMP/dumpcap.log" "Capturing on" \
	dpdk-dumpcap --file-prefix="$PTG_IT_PREFIX" -i 0 -p -w "$PCAP"
exchange
cap_stop
line="$(grep -m1 'received/dropped' "$PTG_IT_TMP/dumpcap.log")"
echo "# dpdk-dumpcap: $line"
[[ "$line" =~ :\ ([0-9]+)/0\  ]] && ((BASH_REMATCH[1] >= 8)) ||
	ptg_it_fail "dpdk-dumpcap: fewer than 8 frames, or drops: $line"
check_request "$PCAP"
check_response "$PCAP"
ptg_it_ok "dpdk-dumpcap -i 0: the GET and its 200 response, both directions in one file"
n="$(tshark -n -r "$PCAP" -Y "tcp.port == 80 and ip.src == $ADDR" 2>/dev/null | wc -l)"
((n >= 3)) || ptg_it_fail "dpdk-dumpcap: $n frames from portgate (SYN-ACK, response, FIN)"
exchange
ptg_it_ok "portgate serves on after the capture ended"
ptg_it_stop

# ---- 2. dpdk-pdump, two workers in pipeline mode --------------------------
PTG_IT_LCORES="0@$PTG_IT_CPU,(1-2)@($ALL_CPUS)"
tcp_it_start --workers 2 --mode pipeline
grep -q "workers=2 mode=pipeline " "$PTG_IT_LOG" || ptg_it_fail "not 2 workers in pipeline mode"
RX="$PTG_IT_TMP/pdump-rx.pcap"
TX="$PTG_IT_TMP/pdump-tx.pcap"
cap_start "$PTG_IT_TMP/pdump.log" "capture for" \
	dpdk-pdump -l "${ALL_CPUS%%,*}" --no-pci --file-prefix="$PTG_IT_PREFIX" -- \
	--pdump "port=0,queue=*,rx-dev=$RX,tx-dev=$TX"
exchange
cap_stop
check_request "$RX"
check_response "$TX"
ptg_it_ok "dpdk-pdump: the GET in the RX file, the 200 response in the TX file"
exchange
ptg_it_ok "portgate serves on after the capture ended"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
