# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers shared by the TCP integration tests (tcp_*.sh): portgate on
# net_af_packet with the Linux kernel as the TCP peer. Source it after
# ../lib.sh and ptg_it_init.
#
# tcp_*.sh -> tcp_it_topology -> tcp_it_start -> tcp_it_client / curl in
#             $NS -> tcp_it_conns_drained -> ptg_it_stop
#
#   [ns $NS: $INNER 198.18.0.1/24] ==veth== $OUTER <- net_af_packet <-
#       portgate 198.18.0.2/24 (this namespace)
#
# With tcp_it_topology impair, a third namespace sits on the link and can
# impair both directions (tcp_it_impair): tc netem on a bridge when the
# kernel has sch_netem, else tools/impair_relay.py with the same settings:
#
#   [ns $NS: $INNER] ==veth== [ns $MIDNS: $MID_B  br0|relay  $MID_A]
#       ==veth== $OUTER <- net_af_packet <- portgate

TCP_IT_TOOLS="$PTG_IT_DIR/tools"
PEER=198.18.0.1
ADDR=198.18.0.2

# The CPUs the peer side (clients, capture, relay) may use: every CPU we
# may use but portgate's lcore, so that they do not preempt its polling
# loop (on 2 CPUs a preempted poller stalls for a scheduler tick, and the
# kernel peer then retransmits on a clean link). Empty: do not pin.
tcp_it_peer_cpus() {
	"$PTG_IT_PY" -c 'import os, sys
cpus = sorted(os.sched_getaffinity(0) - {int(sys.argv[1])})
print(",".join(map(str, cpus)))' "$PTG_IT_CPU" 2>/dev/null
}

# Prefix that pins a command to the peer CPUs (see tcp_it_peer_cpus).
tcp_it_pin() {
	if [[ -n "${TCP_IT_PEER_CPUS:-}" ]]; then
		printf '%s\n' taskset -c "$TCP_IT_PEER_CPUS"
	fi
}

# Run a command in the peer namespace, bounded and pinned:
# tcp_it_ns SECONDS CMD...
tcp_it_ns() {
	local t="$1" pin
	shift
	mapfile -t pin < <(tcp_it_pin)
	timeout -k 5 "$t" ip netns exec "$NS" "${pin[@]}" "$@"
}

# tcp_it_client SECONDS SUBCOMMAND ARGS...: tools/tcp_client.py in $NS.
tcp_it_client() {
	local t="$1"
	shift
	tcp_it_ns "$t" "$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" "$@"
}

# Seconds since the epoch, with decimals (for step timings).
tcp_it_now() { date +%s.%N; }
tcp_it_since() { awk -v a="$1" -v b="$(tcp_it_now)" 'BEGIN { printf "%.2f", b - a }'; }

# tcp_it_topology [impair]: namespaces, veth pairs, addresses. Sets NS,
# INNER, OUTER (and MIDNS, MID_A, MID_B) and exports the interface name
# for drivers-config/af_packet.ini.
tcp_it_topology() {
	NS="ptg-ns-$PTG_IT_ID"
	OUTER="ptg-$PTG_IT_ID-o"
	INNER="ptg-$PTG_IT_ID-i"
	ptg_netns_add "$NS" || ptg_it_fail "cannot create namespace $NS"
	if [[ "${1:-}" == impair ]]; then
		MIDNS="ptg-mid-$PTG_IT_ID"
		MID_A="ptg-$PTG_IT_ID-a"
		MID_B="ptg-$PTG_IT_ID-b"
		ptg_netns_add "$MIDNS" || ptg_it_fail "cannot create namespace $MIDNS"
		# portgate's veth: OUTER here, MID_A in the middle
		ptg_veth_add "$OUTER" "$MID_A" "$MIDNS" ||
			ptg_it_fail "cannot create veth pair $OUTER/$MID_A"
		# the peer's veth: MID_B in the middle, INNER in $NS
		ip -n "$MIDNS" link add "$MID_B" type veth peer name "$INNER" \
			netns "$NS" || ptg_it_fail "cannot create veth pair $MID_B/$INNER"
		local i
		for i in "$MID_A" "$MID_B"; do
			ip netns exec "$MIDNS" sysctl -qw \
				"net.ipv6.conf.$i.disable_ipv6=1" >/dev/null 2>&1
			# no offloads: every frame on the wire stays a frame
			ip netns exec "$MIDNS" ethtool -K "$i" tx off tso off \
				gso off gro off >/dev/null 2>&1
			ip -n "$MIDNS" link set "$i" up
		done
	else
		ptg_veth_add "$OUTER" "$INNER" "$NS" ||
			ptg_it_fail "cannot create veth pair"
	fi
	ptg_if_addr "$NS" "$INNER" "$PEER/24" || ptg_it_fail "cannot address $INNER"
	# The kernel must hand af_packet finished checksums (DESIGN.md).
	ip netns exec "$NS" ethtool -k "$INNER" | grep -q '^tx-checksumming: off' ||
		ptg_it_fail "TX checksum offload still on for $INNER"
	TCP_IT_PEER_CPUS="$(tcp_it_peer_cpus)"
	# drivers-config/af_packet.ini reads PTG_IFACE
	export PTG_IFACE="$OUTER" PTG_AF_PACKET_IFACE="$OUTER"
	echo "# topology: $NS/$INNER $PEER <-> ${MIDNS:+$MIDNS <-> }$OUTER portgate $ADDR;" \
		"peer side on CPUs ${TCP_IT_PEER_CPUS:-any}, portgate on $PTG_IT_CPU"
}

# tcp_it_start [app options...]: portgate on af_packet, short TIME-WAIT so
# that the connection table drains within the test.
tcp_it_start() {
	ptg_it_start "" --profile "$PTG_ROOT/drivers-config/af_packet.ini" \
		--addr "$ADDR/24" --time-wait-ms "${TCP_IT_TIME_WAIT_MS:-500}" "$@"
	# TCP_IT_PCAP_DIR=DIR: capture the whole run on $INNER into DIR (for
	# digging into a failure; the tests never read it).
	if [[ -n "${TCP_IT_PCAP_DIR:-}" ]]; then
		local pin=()
		mkdir -p "$TCP_IT_PCAP_DIR"
		mapfile -t pin < <(tcp_it_pin)
		ip netns exec "$NS" "${pin[@]}" dumpcap -q -i "$INNER" -B 256 \
			-w "$TCP_IT_PCAP_DIR/$PTG_LOG_TAG.$PTG_IT_ID.pcapng" \
			>/dev/null 2>&1 </dev/null &
		ptg_cleanup_push "kill -INT $!; sleep 1"
		echo "# capturing on $INNER into $TCP_IT_PCAP_DIR/$PTG_LOG_TAG.$PTG_IT_ID.pcapng"
		sleep 1
	fi
	# The peer learns portgate's MAC before anything is timed.
	ip netns exec "$NS" ping -n -c 1 -W 5 "$ADDR" >/dev/null 2>&1 ||
		ptg_it_fail "portgate $ADDR does not answer ping from $NS"
}

# tcp_it_info_conns: live connections in portgate's table (telemetry).
tcp_it_info_conns() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 --sum \
		"$PTG_IT_PREFIX" /portgate/info |
		awk '$1 == "connections" { print $2; found = 1 }
			END { exit !found }'
}

# tcp_it_conns_drained [SECONDS]: every connection is gone from portgate's
# table (TIME-WAIT included) within SECONDS (default 10).
tcp_it_conns_drained() {
	local t="${1:-10}" i n=""
	for ((i = 0; i < t * 5; i++)); do
		n="$(tcp_it_info_conns)" ||
			ptg_it_fail "cannot read /portgate/info over telemetry"
		[[ "$n" == 0 ]] && break
		sleep 0.2
	done
	[[ "$n" == 0 ]] ||
		ptg_it_fail "$n connection(s) still in portgate's table after $t s"
	ptg_it_ok "connection table empty again (TIME-WAIT included)"
}

# tcp_it_snap FILE: counters now (see ptg_it_counters), plus
# "wire.tx_packets": the frames the kernel really sent on $OUTER.
tcp_it_snap() {
	ptg_it_counters "$1"
	[[ -n "${OUTER:-}" ]] || return 0
	echo "wire.tx_packets $(cat "/sys/class/net/$OUTER/statistics/tx_packets")" >>"$1"
	echo "wire.rx_packets $(cat "/sys/class/net/$OUTER/statistics/rx_packets")" >>"$1"
}

# tcp_it_rx_ring_loss BEFORE AFTER: frames the veth delivered to $OUTER
# that portgate never received (port.ipackets): dropped by the kernel when
# net_af_packet's RX ring was full (the PMD does not count them).
tcp_it_rx_ring_loss() {
	echo $(($(tcp_it_delta "$1" "$2" wire.rx_packets) -
		$(tcp_it_delta "$1" "$2" port.ipackets)))
}

# tcp_it_wire_check BEFORE AFTER: every frame portgate handed to the port
# (port.opackets) left on the veth. net_af_packet counts a frame as sent
# once it is in the TX ring; the kernel then silently discards one longer
# than the MTU (dmesg: "af_packet: packet size is too long").
tcp_it_wire_check() {
	local p w
	p="$(tcp_it_delta "$1" "$2" port.opackets)"
	w="$(tcp_it_delta "$1" "$2" wire.tx_packets)"
	if ((p != w)); then
		echo "# dmesg: $(dmesg 2>/dev/null | grep -c 'af_packet: packet size is too long') lines 'af_packet: packet size is too long', last: $(dmesg 2>/dev/null | grep 'af_packet: packet size is too long' | tail -n 1)"
		ptg_it_fail "portgate sent $p frames (port.opackets), only $w left on $OUTER: $((p - w)) lost in af_packet (frames over the MTU?)"
	fi
	ptg_it_ok "all $p frames portgate sent reached the wire (none over the MTU)"
}

# tcp_it_has COUNTERS NAME: the snapshot holds NAME ("tcp.retransmits",
# or just "retransmits": any group).
tcp_it_has() {
	awk -v n="$2" '$1 == n || substr($1, length($1) - length(n)) == "." n {
		found = 1 } END { exit !found }' "$1"
}

# tcp_it_delta BEFORE AFTER NAME: how much counter NAME (as in tcp_it_has)
# rose; 0 when it is in neither snapshot (portgate exports only what it
# has).
tcp_it_delta() {
	awk -v n="$3" 'function m(k) { return k == n ||
			substr(k, length(k) - length(n)) == "." n }
		FNR == NR { if (m($1)) b += $2; next }
		m($1) { a += $2 } END { print a - b }' "$1" "$2"
}

# tcp_it_deltas BEFORE AFTER: "name +delta" for each counter that moved.
tcp_it_deltas() {
	awk 'FNR == NR { b[$1] = $2; next }
		{ d = $2 - b[$1]; if (d != 0) printf "%s+%d ", $1, d }
		END { print "" }' "$1" "$2"
}

# tcp_it_netem_ok: the kernel has sch_netem (probed in a scratch netns).
tcp_it_netem_ok() {
	local ns="ptg-probe-$PTG_IT_ID" rc=1
	ip netns add "$ns" 2>/dev/null || return 1
	if ip -n "$ns" link add p0 type veth peer name p1 2>/dev/null &&
		tc -n "$ns" qdisc add dev p0 root netem delay 1ms 2>/dev/null; then
		rc=0
	fi
	ip netns del "$ns"
	return $rc
}

# tcp_it_impair_setup: choose how to impair (TCP_IT_IMPAIR=netem|relay,
# default: netem when the kernel has it) and wire the middle namespace:
# a bridge for netem, nothing for the relay (it forwards by itself).
tcp_it_impair_setup() {
	if [[ -z "${TCP_IT_IMPAIR:-}" ]]; then
		TCP_IT_IMPAIR=relay
		tcp_it_netem_ok && TCP_IT_IMPAIR=netem
	fi
	TCP_IT_RELAY_PID=""
	case "$TCP_IT_IMPAIR" in
	netem)
		ip -n "$MIDNS" link add br0 type bridge ||
			ptg_it_fail "cannot create a bridge in $MIDNS"
		ip -n "$MIDNS" link set "$MID_A" master br0
		ip -n "$MIDNS" link set "$MID_B" master br0
		ip -n "$MIDNS" link set br0 up
		ptg_cleanup_push "tc -n '$MIDNS' qdisc del dev '$MID_A' root; tc -n '$MIDNS' qdisc del dev '$MID_B' root"
		echo "# impairment: tc netem on both bridge ports in $MIDNS" \
			"(both directions)"
		;;
	relay)
		echo "# impairment: tools/impair_relay.py in $MIDNS, both" \
			"directions (no sch_netem in this kernel, or TCP_IT_IMPAIR=relay)"
		;;
	*) ptg_it_fail "TCP_IT_IMPAIR=$TCP_IT_IMPAIR: netem or relay" ;;
	esac
}

# tcp_it_impair NETEM-ARGS...: impair both directions with these netem
# settings ("loss 3%", "delay 2ms reorder 10%", "duplicate 1%"); with no
# arguments, a clean link (relay mode: the relay forwards unimpaired).
tcp_it_impair() {
	local i relay=() pin=() ready="$PTG_IT_TMP/relay.ready"
	tcp_it_impair_end >/dev/null
	if [[ "$TCP_IT_IMPAIR" == netem ]]; then
		[[ $# -gt 0 ]] || return 0
		for i in "$MID_A" "$MID_B"; do
			# shellcheck disable=SC2068 # netem's words
			tc -n "$MIDNS" qdisc add dev "$i" root netem limit 10000 $@ ||
				ptg_it_fail "tc qdisc add dev $i root netem $*"
		done
		return 0
	fi
	while [[ $# -gt 0 ]]; do
		case "$1" in
		loss) relay+=(--loss "${2%\%}") ;;
		delay) relay+=(--delay-ms "${2%ms}") ;;
		reorder) relay+=(--reorder "${2%\%}") ;;
		duplicate) relay+=(--duplicate "${2%\%}") ;;
		*) ptg_it_fail "impairment $1: not known to the relay" ;;
		esac
		shift 2
	done
	rm -f "$ready"
	TCP_IT_RELAY_LOG="$PTG_IT_TMP/relay.$((++TCP_IT_RELAY_RUNS)).log"
	mapfile -t pin < <(tcp_it_pin)
	ip netns exec "$MIDNS" "${pin[@]}" "$PTG_IT_PY" "$TCP_IT_TOOLS/impair_relay.py" \
		--a "$MID_A" --b "$MID_B" --ready "$ready" "${relay[@]}" \
		>"$TCP_IT_RELAY_LOG" 2>&1 &
	TCP_IT_RELAY_PID=$!
	ptg_cleanup_push "kill -TERM $TCP_IT_RELAY_PID"
	for ((i = 0; i < 100; i++)); do
		[[ -s "$ready" ]] && return 0
		kill -0 "$TCP_IT_RELAY_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TCP_IT_RELAY_LOG" >&2
	ptg_it_fail "impairment relay did not start"
}

# tcp_it_impair_end: remove the impairment and print what it did; sets
# TCP_IT_LOST, TCP_IT_DUPS and TCP_IT_EARLY (frames dropped, duplicated,
# sent ahead of delayed ones; netem counts only the drops: the others "?").
tcp_it_impair_end() {
	local i st n
	TCP_IT_LOST=0 TCP_IT_DUPS="?" TCP_IT_EARLY="?"
	if [[ "$TCP_IT_IMPAIR" == netem ]]; then
		for i in "$MID_A" "$MID_B"; do
			st="$(tc -s -n "$MIDNS" qdisc show dev "$i" | tr -s ' \n' ' ')"
			[[ "$st" == *netem* ]] || continue
			echo "# $i: $st"
			n="$(sed -n 's/.*dropped \([0-9]*\).*/\1/p' <<<"$st")"
			TCP_IT_LOST=$((TCP_IT_LOST + ${n:-0}))
			tc -n "$MIDNS" qdisc del dev "$i" root 2>/dev/null
		done
		return 0
	fi
	[[ -n "${TCP_IT_RELAY_PID:-}" ]] || return 0
	kill -TERM "$TCP_IT_RELAY_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$TCP_IT_RELAY_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$TCP_IT_RELAY_PID" 2>/dev/null
	wait "$TCP_IT_RELAY_PID" 2>/dev/null
	TCP_IT_RELAY_PID=""
	sed 's/^/# relay: /' "$TCP_IT_RELAY_LOG"
	# "a>b rx N tx N lost N dup N early N tx_err N"
	# shellcheck disable=SC2034 # read by the tests
	read -r TCP_IT_LOST TCP_IT_DUPS TCP_IT_EARLY < <(awk '$1 ~ />/ {
		l += $7; d += $9; e += $11 } END { print l + 0, d + 0, e + 0 }' \
		"$TCP_IT_RELAY_LOG")
}

# ---- capture on the peer's interface --------------------------------------

# tcp_it_capture_start FILE: dumpcap (tshark's capture engine) on $INNER in
# $NS, full frames, a large kernel buffer; waits until it captures.
tcp_it_capture_start() {
	local i pin=()
	command -v dumpcap >/dev/null 2>&1 || ptg_it_skip "dumpcap (tshark) not installed"
	TCP_IT_CAP_FILE="$1"
	TCP_IT_CAP_LOG="$PTG_IT_TMP/dumpcap.log"
	mapfile -t pin < <(tcp_it_pin)
	ip netns exec "$NS" "${pin[@]}" dumpcap -i "$INNER" -B 256 -s 0 \
		-w "$TCP_IT_CAP_FILE" >"$TCP_IT_CAP_LOG" 2>&1 </dev/null &
	TCP_IT_CAP_PID=$!
	ptg_cleanup_push "kill -INT $TCP_IT_CAP_PID"
	for ((i = 0; i < 100; i++)); do
		grep -qs '^File: ' "$TCP_IT_CAP_LOG" && return 0
		kill -0 "$TCP_IT_CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TCP_IT_CAP_LOG" >&2
	ptg_it_fail "dumpcap did not start on $INNER"
}

# tcp_it_capture_stop: stop dumpcap (SIGINT) and require that the kernel
# dropped no frame of the capture (else nothing can be concluded from it).
tcp_it_capture_stop() {
	local i line
	sleep 0.5 # the last ACKs
	kill -INT "$TCP_IT_CAP_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TCP_IT_CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$TCP_IT_CAP_PID" 2>/dev/null
	line="$(grep -m1 'received/dropped' "$TCP_IT_CAP_LOG")"
	echo "# dumpcap: $line"
	[[ "$line" =~ /0\ \( ]] ||
		ptg_it_fail "the capture lost frames: $line"
}
