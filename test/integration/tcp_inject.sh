#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Blind in-window attacks (RFC 5961) on established connections: four
# kernel clients echo 8 MB each through portgate's echo service from known
# source ports, while tools/ptg_synflood.c, knowing the four 4-tuples but
# not the sequence numbers, injects:
#   A. RSTs sweeping the sequence space by 64 KB from a random start, 65536
#      per connection: each sweep lands several RSTs inside the receive
#      window (256 KB), which must get a challenge ACK (RFC 5961 3.2), never
#      a reset; the others are dropped as out of window
#   B. SYNs with random sequence numbers (RFC 5961 4: challenge ACK each),
#      ACKs with random sequence and acknowledgment numbers, 100-byte data
#      segments with random sequence and acknowledgment numbers (out of
#      the window: dropped with an ACK; in it by chance but acknowledging
#      what was never sent: RFC 5961 5.2, dropped with a challenge ACK)
#
#   [ns: 198.18.0.1 tcp_client.py echo x4 (ports 41001-41004),
#        ptg-synflood inject] ==veth== af_packet portgate 198.18.0.2
#
# Checks: every transfer completes with the sha256 it sent, nothing is
# reset on either side (portgate's conn_reset_rx/tx, the kernel's
# TcpOutRsts/TcpEstabResets), the transfers were still running when the
# injection ended, and the counters account for it (see the table at
# the end): drop_rst_out_of_window + RSTs challenged >= RSTs that reached
# portgate, with at least one challenged; drop_syn_in_window >= SYNs that
# reached portgate; drop_out_of_window + drop_bad_ack >= ACK and data
# segments that reached portgate. "Reached portgate": sent, less every
# frame the kernel dropped from the af_packet RX ring over the test
# (veth rx_packets - port.ipackets between two quiet moments), printed.
#
# What makes it fail: an in-window RST that resets (RFC 793 behaviour) or
# a SYN on an established connection that resets (RFC 793's "SYN in
# window: reset"); an ACK check that takes an ACK for data never sent;
# injected data accepted into the stream (sha256 differs); a RST check
# that ignores RSTs without counting them.
#
# A blind attacker succeeds by chance with probability per tuple of about
# 2^-16 for the RST sweep (one RST exactly at RCV.NXT, which RFC 5961
# still honours) and far less for the data segments (sequence and
# acknowledgment both acceptable): such a run fails, rarely and honestly.
#
#   tcp_inject.sh PATH/TO/portgate PATH/TO/ptg-synflood

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$1"
INJECTOR="${2:-}"
[[ -x "$INJECTOR" ]] || ptg_it_fail "usage: $0 PORTGATE PTG-SYNFLOOD"
NCONN=4
PORT0=41000
SIZE=$((8 << 20))
PACE_MS=150  # 128 chunks of 64 KB: each transfer lasts 19 s at least
RST_STEP=65536
RSTS=$((NCONN * (1 << 32) / RST_STEP)) # a full sweep per connection
MIXED=60000  # SYN, ACK, data: a third each

tcp_it_topology
tcp_it_start
MAC="$(ptg_it_peer_mac "$NS" "$ADDR")"
[[ -n "$MAC" ]] || ptg_it_fail "no ARP entry for $ADDR in $NS"

# kstat NAME...: the kernel peer's counters (nstat, its namespace).
kstat() {
	ip netns exec "$NS" nstat -az "$@" 2>/dev/null |
		awk 'NR > 1 { s += $2 } END { print s + 0 }'
}
info_conns() { tcp_it_info_conns || ptg_it_fail "no /portgate/info"; }

krst0="$(kstat TcpOutRsts TcpEstabResets)"
tcp_it_snap "$PTG_IT_TMP/s.0"

# ---- the transfers --------------------------------------------------------
pids=() tuples=()
for ((i = 1; i <= NCONN; i++)); do
	head -c "$SIZE" /dev/urandom >"$PTG_IT_TMP/in.$i"
	tcp_it_client 80 echo "$ADDR" 7 --in "$PTG_IT_TMP/in.$i" \
		--out "$PTG_IT_TMP/out.$i" --bind-port $((PORT0 + i)) \
		--pace-ms "$PACE_MS" --timeout 20 --total 70 \
		>"$PTG_IT_TMP/client.$i" 2>&1 &
	pids+=($!)
	ptg_cleanup_push "kill $!"
	tuples+=(--tuple "$PEER:$((PORT0 + i))")
done
for ((i = 0; i < 50; i++)); do
	[[ "$(info_conns)" == "$NCONN" ]] && break
	sleep 0.1
done
[[ "$(info_conns)" == "$NCONN" ]] ||
	ptg_it_fail "the $NCONN connections are not established ($(info_conns))"

# inject NAME ARGS...: one injection phase, counters around it in
# $PTG_IT_TMP/NAME.0 and NAME.1, the injector's output in NAME.out.
inject() {
	local name="$1"
	shift
	tcp_it_snap "$PTG_IT_TMP/$name.0"
	tcp_it_ns 30 "$INJECTOR" inject --iface "$INNER" --dst-mac "$MAC" \
		--dst-ip "$ADDR" --dport 7 "${tuples[@]}" --seconds 15 \
		--seed "$RANDOM" "$@" >"$PTG_IT_TMP/$name.out" 2>&1 ||
		ptg_it_fail "injector ($name): $(cat "$PTG_IT_TMP/$name.out")"
	sleep 0.3 # portgate drains its RX ring
	tcp_it_snap "$PTG_IT_TMP/$name.1"
	sed "s/^/# $name: /" "$PTG_IT_TMP/$name.out"
	echo "# $name: counters moved: $(tcp_it_deltas "$PTG_IT_TMP/$name.0" "$PTG_IT_TMP/$name.1")"
}
# d PHASE NAME...: the sum of these counters' rises over PHASE.
d() {
	local p="$1" n s=0 v
	shift
	for n in "$@"; do
		v="$(tcp_it_delta "$PTG_IT_TMP/$p.0" "$PTG_IT_TMP/$p.1" "$n")" &&
			[[ "$v" =~ ^-?[0-9]+$ ]] || ptg_it_fail "counter $n over $p"
		s=$((s + v))
	done
	echo "$s"
}
sent() { awk -v k="$2" '$1 == "kind" && $2 == k ":" { print $3 }' "$PTG_IT_TMP/$1.out"; }

t0="$(tcp_it_now)"
inject rst --kinds rst --rst-step "$RST_STEP" --count "$RSTS"
inject mixed --kinds syn,ack,data --count "$MIXED"
tinj="$(tcp_it_since "$t0")"
alive=0
for p in "${pids[@]}"; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
echo "# injection took $tinj s; transfers still running at its end: $alive of $NCONN"

# ---- the transfers complete, byte for byte ---------------------------------
bad=0
for ((i = 1; i <= NCONN; i++)); do
	if ! wait "${pids[i - 1]}"; then
		echo "# client $i: $(cat "$PTG_IT_TMP/client.$i")"
		bad=$((bad + 1))
		continue
	fi
	a="$(sha256sum <"$PTG_IT_TMP/in.$i")"
	b="$(sha256sum <"$PTG_IT_TMP/out.$i")"
	[[ "$a" == "$b" ]] || {
		echo "# client $i: sha256 sent ${a%% *}, echoed ${b%% *}"
		bad=$((bad + 1))
	}
done
((bad == 0)) || ptg_it_fail "$bad of $NCONN transfers failed or came back different"
((alive == NCONN)) ||
	ptg_it_fail "only $alive of $NCONN transfers outlived the injection: it hit finished connections (make them last longer)"
ptg_it_ok "$NCONN echoes of 8 MB under injection: each came back with the sha256 it sent"
tcp_it_conns_drained 10
# The window's ends are quiet (before the clients connect, after every
# connection is gone): nothing sits in the RX ring there, so what the
# veth delivered less what portgate received is exactly what the ring
# lost (injected and legitimate frames alike: an upper bound on the
# injected frames lost). The phases' own ends are not quiet (the
# transfers run on), so they only split the counters by kind.
tcp_it_snap "$PTG_IT_TMP/s.1"
krst1="$(kstat TcpOutRsts TcpEstabResets)"
r="$(d s conn_reset_rx conn_reset_tx)" || exit 1
((r == 0)) || ptg_it_fail "portgate reset or was reset $r times"
((krst1 - krst0 == 0)) ||
	ptg_it_fail "the kernel peer sent or took $((krst1 - krst0)) resets (TcpOutRsts + TcpEstabResets)"
ptg_it_ok "no reset: portgate conn_reset_rx/tx 0, kernel TcpOutRsts + TcpEstabResets 0"

# ---- the counters account for the injection --------------------------------
lost="$(tcp_it_rx_ring_loss "$PTG_IT_TMP/s.0" "$PTG_IT_TMP/s.1")"
n="$(sent rst rst)"
syn="$(sent mixed syn)"
ack="$(sent mixed ack)"
data="$(sent mixed data)"
((n == RSTS && syn + ack + data == MIXED)) ||
	ptg_it_fail "the injector sent $n of $RSTS RSTs, $((syn + ack + data)) of $MIXED others"
total=$((n + syn + ack + data))
echo "# injected $total segments ($n RST, $syn SYN, $ack ACK, $data data); the RX ring lost $lost frames in all (veth rx_packets - port.ipackets)"

# Over the whole window, so that no segment falls between two phases:
# an injected segment that reaches an established connection ends in
# exactly one of these (lib/tcp/tcp_input.c, RFC 5961):
#   RST out of the window     drop_rst_out_of_window
#   RST in it, not RCV.NXT    a challenge ACK (3.2), no drop counter
#   SYN, any sequence number  drop_syn_in_window + a challenge ACK (4.2)
#   seq out of the window     drop_out_of_window (+ a rate-limited ACK)
#   seq in, ACK unacceptable  drop_bad_ack + a challenge ACK (5.2)
# Challenge ACKs are counted sent or rate-limited (challenge_acks +
# challenge_ack_limited), so the in-window RSTs are what is left of them.
# Legitimate segments add only to drop_out_of_window (a retransmission
# of data already here), never to the others.
roow="$(d s drop_rst_out_of_window)" || exit 1
sw="$(d s drop_syn_in_window)" || exit 1
bad="$(d s drop_bad_ack)" || exit 1
oow="$(d s drop_out_of_window)" || exit 1
ch="$(d s challenge_acks challenge_ack_limited)" || exit 1
sent_ch="$(d s challenge_acks)" || exit 1
rin=$((ch - sw - bad))
echo "# counters: drop_rst_out_of_window +$roow, drop_syn_in_window +$sw, drop_out_of_window +$oow, drop_bad_ack +$bad; challenge ACKs +$ch ($sent_ch sent, $((ch - sent_ch)) over the limit), of them $rin for RSTs in a window"
((rin >= 1)) || ptg_it_fail "no RST of the sweep fell in a window (or was not challenged): nothing tested"
((roow + rin >= n - lost && roow + rin <= n)) ||
	ptg_it_fail "RSTs: $n sent, at least $((n - lost)) reached portgate, $((roow + rin)) counted"
ptg_it_ok "$n RSTs with blind sequence numbers: $roow dropped out of window, $rin in a window challenged, none reset"
((sw >= syn - lost && sw <= syn)) ||
	ptg_it_fail "SYNs: $syn sent ($lost frames lost), drop_syn_in_window rose by $sw"
((oow + bad >= ack + data - lost)) ||
	ptg_it_fail "ACK/data: $((ack + data)) sent ($lost lost), only $((oow + bad)) counted out of window or bad ACK"
ptg_it_ok "blind SYN/ACK/data: $sw SYNs challenged, $((oow + bad)) ACK/data segments dropped (out of window or bad ACK)"
all=$((roow + rin + sw + oow + bad))
((all >= total - lost)) ||
	ptg_it_fail "$total injected, $lost frames lost, only $all absorbed in the counters"
ptg_it_ok "the attack absorbed: $all counted for $total injected ($lost frames lost in the RX ring)"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
