#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ARP entries that expire (--arp-timeout-ms 1000) while the peer is idle:
#  1. ping, 2.5 s of silence, ping: the reply waits behind a fresh ARP
#     request (net.arp_expired and net.arp_tx_request rise), and comes.
#  2. an echo connection exchanges data, stays idle longer than the ARP
#     entry lives, twice, exchanging again after each pause: each answer
#     waits behind an ARP request and must come back whole, once and in
#     order: no challenge ACK (tcp.challenge_acks), no unacceptable ACK
#     (tcp.drop_bad_ack), no retransmission, nothing dropped.
# Case 2 holds lib/tcp to sending a segment held behind ARP once, as sent
# (it counts as sent and the retransmission timer covers it).
#
#   [ns: 198.18.0.1 ping, tools/misbehave.py idle-echo] ==veth== af_packet
#       portgate 198.18.0.2 --arp-timeout-ms 1000
#
#   tcp_arp_expiry.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"

MISBEHAVE=("$PTG_IT_PY" "$PTG_IT_DIR/tools/misbehave.py")
ARP_MS=1000
IDLE_S=2.5
ROUNDS=2

tcp_it_topology
tcp_it_start --arp-timeout-ms "$ARP_MS"
d() { tcp_it_delta "$PTG_IT_TMP/$1" "$PTG_IT_TMP/$2" "$3"; }

# ---- 1. a new connection after expiry ---------------------------------------
# (an ICMP echo reply goes back to the request's source MAC, no lookup)
tcp_it_snap "$PTG_IT_TMP/p0"
sleep "$IDLE_S"
tcp_it_ns 20 "${MISBEHAVE[@]}" http-once "$ADDR" 80 --expect-status 200 \
	--timeout 5 >"$PTG_IT_TMP/once.out" 2>&1 ||
	ptg_it_fail "http after ARP expiry: $(cat "$PTG_IT_TMP/once.out")"
sleep 0.5
tcp_it_snap "$PTG_IT_TMP/p1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/p0" "$PTG_IT_TMP/p1")"
exp="$(d p0 p1 net.arp_expired)"
req="$(d p0 p1 net.arp_tx_request)"
rep="$(d p0 p1 net.arp_rx_reply)"
((exp == 1 && req == 1 && rep == 1)) ||
	ptg_it_fail "after ${IDLE_S} s: net.arp_expired +$exp, net.arp_tx_request +$req, net.arp_rx_reply +$rep; wanted +1 each"
ptg_it_ok "after ${IDLE_S} s of silence a new connection is served; the peer's entry had expired (${ARP_MS} ms) and was asked again (arp_expired, arp_tx_request, arp_rx_reply +1 each)"

# ---- 2. TCP after expiry --------------------------------------------------
tcp_it_snap "$PTG_IT_TMP/c0"
out="$PTG_IT_TMP/idle-echo.out"
tcp_it_ns 60 "${MISBEHAVE[@]}" idle-echo "$ADDR" 7 --idle "$IDLE_S" \
	--rounds "$ROUNDS" --bytes 1000 --timeout 5 >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
sleep 0.5
tcp_it_snap "$PTG_IT_TMP/c1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
why=""
((rc == 0)) || why="echo after ARP expiry: $(grep -m1 FAIL "$out")"
exp="$(d c0 c1 net.arp_expired)"
req="$(d c0 c1 net.arp_tx_request)"
if [[ -z "$why" ]] && ((exp < ROUNDS || req < ROUNDS)); then
	why="net.arp_expired +$exp, net.arp_tx_request +$req: wanted at least $ROUNDS each (the entry was to expire in each pause)"
fi
bad=""
for c in tcp.challenge_acks tcp.drop_bad_ack tcp.retransmits \
	net.drop_arp_queue_full net.drop_arp_unresolved net.drop_arp_evicted \
	drops; do
	v="$(d c0 c1 "$c")"
	((v == 0)) || bad+=" $c+$v"
done
[[ -z "$why" && -n "$bad" ]] &&
	why="after ARP expiry:$bad (segments held behind ARP must leave once, in order)"
[[ -z "$why" ]] || ptg_it_fail "$why"
ptg_it_ok "$((ROUNDS + 1)) echo exchanges, $ROUNDS after ${IDLE_S} s idle, each behind a fresh ARP request (arp_expired +$exp, arp_tx_request +$req): whole, no challenge ACK, no unacceptable ACK, no retransmission, nothing dropped"
tcp_it_wire_check "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1"
tcp_it_conns_drained 10
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
