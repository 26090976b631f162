#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The chargen service (RFC 864, port 19) read by a kernel peer over veth +
# net_af_packet: every byte is checked against the RFC's pattern, written
# out independently in tools/tcp_client.py (72 printing characters per
# line, each line starting one character further round the 95-character
# ring, CR LF), not taken from portgate.
#
#   [ns: 198.18.0.1 tcp_client.py chargen] ==veth== af_packet portgate 198.18.0.2
#
#   - 1 MB read, then our FIN: chargen must stop and close (the bytes that
#     were in flight still match the pattern, then EOF, no RST);
#   - 1 MB read, then close with data unread: the kernel resets; portgate
#     must take the RST and forget the connection;
#   - 10 MB on one connection; 3 connections at once, each its own stream
#     from the first character;
#   - the connection table drains, SIGTERM ends portgate cleanly.
#
#   tcp_chargen.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"

tcp_it_topology
tcp_it_start
tcp_it_snap "$PTG_IT_TMP/c0"

t0="$(tcp_it_now)"
tcp_it_client 60 chargen "$ADDR" 19 --bytes 1048576 --end shutdown ||
	ptg_it_fail "chargen 1 MB, then FIN"
ptg_it_ok "1 MB of chargen exactly the RFC 864 pattern; after our FIN the rest still matched, then the server's FIN ($(tcp_it_since "$t0") s)"

tcp_it_client 60 chargen "$ADDR" 19 --bytes 1048576 --end close ||
	ptg_it_fail "chargen 1 MB, then close"
ptg_it_ok "1 MB of chargen, then a close with data unread (RST from the kernel)"

t0="$(tcp_it_now)"
tcp_it_client 120 chargen "$ADDR" 19 --bytes 10485760 --end shutdown ||
	ptg_it_fail "chargen 10 MB"
ptg_it_ok "10 MB of chargen on one connection, pattern intact across 1491 periods of 7030 bytes ($(tcp_it_since "$t0") s)"

pids=()
for i in 0 1 2; do
	tcp_it_client 60 chargen "$ADDR" 19 --bytes 2000000 --end shutdown \
		>"$PTG_IT_TMP/par.$i.log" 2>&1 &
	pids+=($!)
done
for i in 0 1 2; do
	wait "${pids[i]}" || ptg_it_fail "parallel chargen $i: $(cat "$PTG_IT_TMP/par.$i.log")"
done
ptg_it_ok "3 connections at once, each 2 MB of the pattern from its first byte"

tcp_it_conns_drained 10
tcp_it_snap "$PTG_IT_TMP/c1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
tcp_it_wire_check "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.conn_reset_rx)"
((d == 1)) || ptg_it_fail "tcp.conn_reset_rx rose by $d, wanted 1 (the close with data unread)"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.passive_opens)"
((d == 6)) || ptg_it_fail "tcp.passive_opens rose by $d, wanted 6"
ptg_it_ok "6 connections; exactly one ended by the peer's RST"
# The kernel answers each of our segments still in flight after its RST
# with another RST; they find no connection and must get nothing back
# (RFC 9293 3.10.7.1/3.10.7.2).
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.conn_reset_tx)"
((d == 0)) || ptg_it_fail "tcp.conn_reset_tx rose by $d: portgate answered a RST"
ptg_it_ok "no RST sent in answer to the kernel's RSTs"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
