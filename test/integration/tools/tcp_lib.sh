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

# Run a command in the peer namespace, bounded: tcp_it_ns SECONDS CMD...
tcp_it_ns() {
	local t="$1"
	shift
	timeout -k 5 "$t" ip netns exec "$NS" "$@"
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
	# drivers-config/af_packet.ini reads PTG_IFACE
	export PTG_IFACE="$OUTER" PTG_AF_PACKET_IFACE="$OUTER"
	echo "# topology: $NS/$INNER $PEER <-> ${MIDNS:+$MIDNS <-> }$OUTER portgate $ADDR"
}

# tcp_it_start [app options...]: portgate on af_packet, short TIME-WAIT so
# that the connection table drains within the test.
tcp_it_start() {
	ptg_it_start "" --profile "$PTG_ROOT/drivers-config/af_packet.ini" \
		--addr "$ADDR/24" --time-wait-ms "${TCP_IT_TIME_WAIT_MS:-500}" "$@"
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

# tcp_it_snap FILE: counters now (see ptg_it_counters).
tcp_it_snap() { ptg_it_counters "$1"; }

# tcp_it_delta BEFORE AFTER NAME: how much counter NAME rose (0 when the
# counter is in neither snapshot: portgate exports only what it has).
tcp_it_delta() {
	awk -v n="$3" 'FNR == NR { if ($1 == n) b = $2; next }
		$1 == n { a = $2 } END { print a - b }' "$1" "$2"
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
	local i relay=() ready="$PTG_IT_TMP/relay.ready"
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
	ip netns exec "$MIDNS" "$PTG_IT_PY" "$TCP_IT_TOOLS/impair_relay.py" \
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
	local i st
	TCP_IT_LOST=0 TCP_IT_DUPS="?" TCP_IT_EARLY="?"
	if [[ "$TCP_IT_IMPAIR" == netem ]]; then
		for i in "$MID_A" "$MID_B"; do
			st="$(tc -s -n "$MIDNS" qdisc show dev "$i" | tr -s ' \n' ' ')"
			[[ "$st" == *netem* ]] || continue
			echo "# $i: $st"
			TCP_IT_LOST=$((TCP_IT_LOST + $(sed -n 's/.*dropped \([0-9]*\).*/\1/p' <<<"$st")))
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
	read -r TCP_IT_LOST TCP_IT_DUPS TCP_IT_EARLY < <(awk '$1 ~ />/ {
		l += $7; d += $9; e += $11 } END { print l + 0, d + 0, e + 0 }' \
		"$TCP_IT_RELAY_LOG")
}
