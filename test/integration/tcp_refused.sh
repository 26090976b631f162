#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A port with no listener is refused at once (RFC 9293 3.10.7.1: a segment
# to a CLOSED port gets a RST; a RST gets nothing): connects from a kernel
# peer to closed ports fail with ECONNREFUSED in well under a second (the
# RST came; no SYN retransmission, no timeout), while the services next to
# them still answer.
#
#   [ns: 198.18.0.1 tcp_client.py refused] ==veth== af_packet portgate 198.18.0.2
#
#   tcp_refused.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

tcp_it_topology
tcp_it_start
tcp_it_snap "$PTG_IT_TMP/c0"

# 8 sits between echo (7) and discard (9); 81 next to http; 1, 65535 the
# ends of the range.
tcp_it_client 60 refused "$ADDR" --ports 8,6,10,18,20,79,81,1,65535 \
	--count 5 --within 0.25 --timeout 3 || ptg_it_fail "closed ports"
ptg_it_ok "45 connects to 9 closed ports: each ECONNREFUSED within 250 ms"

code="$(tcp_it_ns 20 curl -sS --max-time 10 -o /dev/null \
	--write-out '%{http_code}' "http://$ADDR/")"
[[ "$code" == 200 ]] || ptg_it_fail "http next to the closed ports: $code"
: >"$PTG_IT_TMP/empty"
tcp_it_client 20 echo "$ADDR" 7 --in "$PTG_IT_TMP/empty" \
	--out "$PTG_IT_TMP/empty.out" || ptg_it_fail "echo next to the closed ports"
ptg_it_ok "http (80) and echo (7) still answer"

tcp_it_snap "$PTG_IT_TMP/c1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
tcp_it_wire_check "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.rst_no_listener)"
((d == 45)) || ptg_it_fail "tcp.rst_no_listener rose by $d, wanted 45 (one RST per SYN)"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.passive_opens)"
((d == 2)) || ptg_it_fail "tcp.passive_opens rose by $d, wanted 2"
ptg_it_ok "tcp.rst_no_listener rose by exactly 45; no connection made for them"
tcp_it_conns_drained 10
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
