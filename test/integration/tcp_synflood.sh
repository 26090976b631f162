#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A SYN flood against portgate in pipeline mode (2 workers) while kernel
# clients (4 loops) keep fetching over HTTP:
#
#   [ns: 198.18.0.1 curl loop; tools/ptg_synflood.c forging SYNs from
#        198.18.0.128-254, random ports and ISNs; .128/25 routed to a sink]
#       ==veth== af_packet portgate 198.18.0.2 (pipeline, 2 workers)
#
# The spoofed hosts answer ARP: the namespace routes 198.18.0.128/25 to a
# sink (a veth pair inside it) and proxy-ARPs for it on the veth
# (forwarding on), so portgate's SYN-ACKs and cookies really leave and
# are then dropped in the sink; nobody answers them. Each worker's SYN queue (1024 entries)
# fills within milliseconds and stays full (SYN-ACK retransmissions, 63 s
# to expire); from then on every SYN, the client's too, is answered with
# a SYN cookie (--syncookies auto), and the client's handshakes complete
# through them.
#
# Checks: at least 99% of the client's fetches complete with the right
# body; tcp.syncookies_sent and syncookies_ok rose; during the flood the
# connection table stays within the SYN queues plus the clients, and
# mbufs_in_use within a bound (sampled); afterwards mbufs_in_use is back,
# the table holds nothing but SYN queue entries, and portgate answers.
# The flood rate (sent, and received by portgate) and portgate's CPU share
# over the flood are printed.
#
# What makes it fail: SYN cookies off (--syncookies never) with the SYN
# queue full: the client's SYNs are dropped and its fetches time out;
# half-open entries not bounded by the SYN queue (connection count grows
# with the flood); mbufs held per SYN or per frame queued behind ARP
# without a bound; a cookie the engine cannot validate (no
# syncookies_ok, fetches reset).
#
#   tcp_synflood.sh PATH/TO/portgate PATH/TO/ptg-synflood
#   (TCP_SF_SECONDS: flood length, default 10; TCP_SF_SYNCOOKIES=never
#   shows the test failing: every fetch times out)

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$1"
FLOODER="${2:-}"
[[ -x "$FLOODER" ]] || ptg_it_fail "usage: $0 PORTGATE PTG-SYNFLOOD"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"
SECONDS_FLOOD="${TCP_SF_SECONDS:-10}"
WORKERS=2
SYNQ=1024 # lib/tcp default syn_queue_len, per listener and worker
CLIENTS=4 # legitimate fetch loops in parallel
BODY=/bytes/16384

tcp_it_topology
# The I/O lcore and both workers on portgate's CPU: the attacker (and the
# kernel's side of the veth, which runs in the sender's context) gets the
# other CPU to itself, portgate one CPU (on 2 CPUs, workers floating as in
# tcp_multicore.sh would take the flooder's CPU and cut its rate ~4x).
PTG_IT_LCORES="0@$PTG_IT_CPU,(1-$WORKERS)@($PTG_IT_CPU)"

# The spoofed hosts: routed to a veth pair inside $NS (a sink: static
# neighbour entries with a MAC nobody has, so the far end drops each
# frame unread), proxy-ARPed on $INNER. Both ends go with the namespace.
SINK="ptg-$PTG_IT_ID-s"
ip -n "$NS" link add "$SINK" type veth peer name "ptg-$PTG_IT_ID-t" &&
	ip -n "$NS" link set "$SINK" up &&
	ip -n "$NS" link set "ptg-$PTG_IT_ID-t" up &&
	ip -n "$NS" route add 198.18.0.128/25 dev "$SINK" &&
	for ((h = 128; h < 255; h++)); do
		echo "neigh add 198.18.0.$h lladdr 02:00:5e:00:53:01 dev $SINK nud permanent"
	done | ip -n "$NS" -batch - ||
	ptg_it_fail "cannot route the spoofed hosts to $SINK in $NS"
for s in "net.ipv4.ip_forward=1" "net.ipv4.conf.$INNER.proxy_arp=1" \
	"net.ipv4.neigh.$INNER.proxy_delay=0" "net.ipv4.conf.all.rp_filter=0" \
	"net.ipv4.conf.$INNER.rp_filter=0"; do
	ip netns exec "$NS" sysctl -qw "$s" >/dev/null ||
		ptg_it_fail "sysctl $s in $NS"
done

tcp_it_start --workers "$WORKERS" --mode pipeline \
	--syncookies "${TCP_SF_SYNCOOKIES:-auto}"
grep -q "workers=$WORKERS mode=pipeline " "$PTG_IT_LOG" ||
	ptg_it_fail "not pipeline with $WORKERS workers: $(grep -m1 ready "$PTG_IT_LOG")"
MAC="$(ptg_it_peer_mac "$NS" "$ADDR")"
[[ -n "$MAC" ]] || ptg_it_fail "no ARP entry for $ADDR in $NS"

# info: "connections mbufs_in_use" now (/portgate/info, summed).
info() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 --sum \
		"$PTG_IT_PREFIX" /portgate/info | awk '
		$1 == "connections" { c = $2 } $1 == "mbufs_in_use" { m = $2 }
		END { if (c == "" || m == "") exit 1; print c, m }'
}
# synq: SYN-RECEIVED entries in all listeners' queues.
synq() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 "$PTG_IT_PREFIX" \
		/portgate/listeners | awk '$1 ~ /\.synq$/ { s += $2 } END { print s + 0 }'
}
# others: the connections not in SYN-RECEIVED, as portgate-top --conns
# lists them (ss -tan-like rows, every page of /portgate/conns); the
# last line is "next_timer_ms M": the latest of their armed timers
# (retransmission, TIME-WAIT, FIN-WAIT-2) to fire, 0 when none is armed.
others() (
	set -o pipefail
	timeout 30 "$PTG_IT_PY" "$PTG_ROOT/scripts/portgate-top" \
		--file-prefix "$PTG_IT_PREFIX" --once --interval 0.1 --conns | awk '
		$1 == "state" && $2 == "w" { rows = 1; next }
		rows && $1 != "SYN-RECEIVED" {
			print
			for (s = $0; match(s, /,[0-9]+ms/); s = substr(s, RSTART + RLENGTH)) {
				ms = substr(s, RSTART + 1, RLENGTH - 3) + 0
				if (ms > top) top = ms
			}
		}
		END { print "next_timer_ms", top + 0 }'
)
# cpu_ticks: portgate's utime + stime (clock ticks).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PTG_IT_PID/stat"; }

# The reference body, fetched before the flood.
tcp_it_ns 10 curl -sS --max-time 5 -o "$PTG_IT_TMP/ref" "http://$ADDR$BODY" ||
	ptg_it_fail "curl $BODY before the flood"
read -r base_conns base_mbufs < <(info) || ptg_it_fail "no /portgate/info"
echo "# before: $base_conns connections, $base_mbufs mbufs in use"
tcp_it_snap "$PTG_IT_TMP/c0"

# ---- the flood, with the client fetching through it -------------------------
t0="$(tcp_it_now)"
tk0="$(cpu_ticks)"
tcp_it_ns $((SECONDS_FLOOD + 10)) "$FLOODER" syn --iface "$INNER" \
	--dst-mac "$MAC" --dst-ip "$ADDR" --dport 80 --src-net 198.18.0.0 \
	--src-first 128 --src-last 254 --seconds "$SECONDS_FLOOD" \
	--count 50000000 --seed "$RANDOM" >"$PTG_IT_TMP/flood.out" 2>&1 &
FPID=$!
ptg_cleanup_push "kill $FPID"

# The clients: CLIENTS loops in parallel, each one fetch after another,
# each a new connection (curl exits), each body compared with the
# reference, until the flood ends (the stop file); several, so that the
# fetches during the flood are enough to judge 99% by, even when the
# flood overflows the RX ring and each fetch waits out lost SYNs. The
# loops run inside the namespace, so that a fetch costs one curl process
# and no more (on the attacker's CPU, every fork counts). A SYN lost in an
# overflowing RX ring is sent again by the kernel after 1, 3, 7, 15 s:
# --max-time 20 lets a connection complete through four losses in a row.
tcp_it_ns $((SECONDS_FLOOD + 40)) bash -c '
	fetch_loop() {
		local ok=0 bad=0
		while [[ ! -e "$1/stop" ]]; do
			if curl -sS --max-time 20 -o "$1/got.$3" "$2" \
				2>>"$1/curl.err" && cmp -s "$1/ref" "$1/got.$3"; then
				ok=$((ok + 1))
			else
				bad=$((bad + 1))
			fi
			rm -f "$1/got.$3"
			echo "$ok $bad" >"$1/legit.$3"
		done
	}
	for ((k = 0; k < $3; k++)); do
		fetch_loop "$1" "$2" "$k" &
	done
	wait' client "$PTG_IT_TMP" "http://$ADDR$BODY" "$CLIENTS" &
CPID=$!
ptg_cleanup_push "kill $CPID"

# Sample the table and the mbufs while the flood runs.
peak_conns=0 peak_mbufs=0 samples=0
while kill -0 "$FPID" 2>/dev/null; do
	if read -r c m < <(info); then
		((c > peak_conns)) && peak_conns=$c
		((m > peak_mbufs)) && peak_mbufs=$m
		samples=$((samples + 1))
	fi
	sleep 0.5
done
wait "$FPID" || ptg_it_fail "flooder: $(cat "$PTG_IT_TMP/flood.out")"
tk1="$(cpu_ticks)"
wall="$(tcp_it_since "$t0")"
# The client ends its last fetch (begun during the flood), then counters.
touch "$PTG_IT_TMP/stop"
wait "$CPID"
tcp_it_snap "$PTG_IT_TMP/c1"
kill -0 "$PTG_IT_PID" 2>/dev/null || ptg_it_fail "portgate died during the flood"

sed 's/^/# flooder: /' "$PTG_IT_TMP/flood.out"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
sent="$(awk '/^sent/ { print $2 }' "$PTG_IT_TMP/flood.out")"
fdur="$(awk '/^sent/ { print $5 }' "$PTG_IT_TMP/flood.out")"
[[ -n "$sent" && -n "$fdur" ]] || ptg_it_fail "no summary from the flooder"
rx="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" port.ipackets)"
wire="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" wire.rx_packets)"
hz="$(getconf CLK_TCK)"
ok=0 bad=0
for f in "$PTG_IT_TMP"/legit.*; do
	[[ -s "$f" ]] || continue
	read -r o b <"$f"
	ok=$((ok + o)) bad=$((bad + b))
done
echo "$sent $fdur $rx $wire $((tk1 - tk0)) $hz $wall $(nproc)" | awk '{
	printf "# flood: %d SYNs in %.1f s = %.0f frames/s sent; %d reached portgate'\''s veth (%.0f/s), portgate received %d (%.0f/s, %.1f%%)\n",
		$1, $2, $1 / $2, $4, $4 / $2, $3, $3 / $2, 100 * $3 / ($4 ? $4 : 1)
	printf "# portgate CPU over the flood: %.0f%% of one CPU (%d ticks in %.1f s; %d CPUs on this machine)\n",
		100 * $5 / $6 / $7, $5, $7, $8 }'
sc="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" syncookies_sent)"
sok="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" syncookies_ok)"
ovf="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" synq_overflow)"
echo "# legitimate fetches during the flood: $ok complete and correct, $bad failed; SYN cookies sent $sc, valid cookie ACKs $sok, SYN queue overflows $ovf"
[[ -s "$PTG_IT_TMP/curl.err" ]] && sed 's/^/# curl: /' "$PTG_IT_TMP/curl.err" | sort | uniq -c | head -5

((sent >= 100000)) || ptg_it_fail "only $sent SYNs sent: not a flood"
((ok * 100 >= (ok + bad) * 99)) ||
	ptg_it_fail "$bad of $((ok + bad)) legitimate fetches failed during the flood (99% must complete)"
((ok + bad >= 10)) || ptg_it_fail "only $((ok + bad)) fetches during the flood: too few to judge"
ptg_it_ok "$ok of $((ok + bad)) legitimate fetches complete with the right body during the flood"
((sc > 0)) || ptg_it_fail "no SYN cookie sent (tcp.syncookies_sent)"
((sok > 0)) || ptg_it_fail "no connection completed through a cookie (tcp.syncookies_ok)"
ptg_it_ok "SYN cookies in use: $sc sent, $sok completed the handshake"

# Bounds: the table holds at most each worker's SYN queue, plus the
# client's connections (one at a time) and their TIME-WAIT records (the
# time-wait is 500 ms: fewer than 64 fetches fit). mbufs: the af_packet
# RX ring and the I/O lcore's rings to the workers hold frames in flight,
# the ARP queues 8 per unresolved host; 8192 is far above what those hold
# and far below the 65535 of the pool that a leak per SYN would exhaust.
((samples >= 5)) || ptg_it_fail "only $samples samples of /portgate/info during the flood"
((peak_conns <= WORKERS * SYNQ + 64)) ||
	ptg_it_fail "$peak_conns connections during the flood (bound $((WORKERS * SYNQ + 64)))"
((peak_mbufs <= base_mbufs + 8192)) ||
	ptg_it_fail "$peak_mbufs mbufs in use during the flood ($base_mbufs before, bound +8192)"
ptg_it_ok "during the flood ($samples samples): at most $peak_conns connections (SYN queues $WORKERS x $SYNQ), $peak_mbufs mbufs in use ($base_mbufs before)"

# After: mbufs back within a few seconds (the rings drain); the table
# holds nothing but SYN-RECEIVED entries (they expire after the SYN-ACK
# retransmissions, 63 s: not waited for), every fetch's connection gone.
# A fetch whose last segments the overflowing RX ring lost during the
# flood (a FIN, the final ACK) is still closing when the flood ends: its
# RTO has backed off, and the retransmission that ends it is due when its
# timer fires. So a connection left is listed, and the test waits until
# the last armed timer of those left has fired (its time left, read from
# /portgate/conns, plus 2 s for the answer) before calling it stuck; one
# with no timer armed gets the 2 s only.
for ((i = 0; i < 25; i++)); do
	read -r c m < <(info) || ptg_it_fail "no /portgate/info after the flood"
	q="$(synq)"
	((m <= base_mbufs + 512 && c - q <= base_conns)) && break
	sleep 0.2
done
if ((c - q > base_conns)); then
	others >"$PTG_IT_TMP/others" || ptg_it_fail "cannot read /portgate/conns"
	sed 's/^/# still closing after the flood: /' "$PTG_IT_TMP/others"
	due="$(awk '$1 == "next_timer_ms" { print $2 }' "$PTG_IT_TMP/others")"
	t1="$(tcp_it_now)"
	while :; do
		read -r c m < <(info) || ptg_it_fail "no /portgate/info after the flood"
		q="$(synq)"
		((c - q <= base_conns)) && break
		(($(tcp_it_since "$t1" | awk '{ print int($1 * 1000) }') > due + 2000)) && break
		sleep 0.2
	done
	echo "# after $(tcp_it_since "$t1") s more: $((c - q)) beyond the SYN queues"
	if ((c - q > base_conns)); then
		others | sed 's/^/# still there: /'
	fi
fi
echo "# after the flood: $c connections, $q of them SYN-RECEIVED in the SYN queues; $m mbufs in use"
((m <= base_mbufs + 512)) ||
	ptg_it_fail "$m mbufs in use after the flood, $base_mbufs before"
((c - q <= base_conns)) ||
	ptg_it_fail "$((c - q)) connections beyond the SYN queues after the flood, $base_conns before"
ptg_it_ok "after the flood: mbufs back ($m, $base_mbufs before), no connection but SYN queue entries ($q)"
tcp_it_ns 10 curl -sS --max-time 5 -o "$PTG_IT_TMP/got" "http://$ADDR$BODY" &&
	cmp -s "$PTG_IT_TMP/ref" "$PTG_IT_TMP/got" ||
	ptg_it_fail "portgate does not answer after the flood"
ptg_it_ok "portgate answers after the flood"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
