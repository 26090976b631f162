#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Several workers over af_packet, in both dataplane modes, with the Linux
# kernel as the client:
#
#   [ns: 198.18.0.1 tcp_client.py echo-many] ==veth== af_packet portgate
#       pipeline: the main lcore polls the one queue, steers each flow
#       rtc:      one af_packet socket per worker; the kernel's fanout
#                 spreads frames by ITS hash, so about half of them reach
#                 a worker that does not own the flow and are handed over
#
# Each round opens 500 connections at once, each echoing 10 KB of its own
# pattern (verified byte for byte). Every connection must complete; each
# is accepted by exactly one worker (per-worker accepted counts sum to the
# total), every worker takes a share, and every segment handed from one
# worker to another arrives or is counted.
#
# "profile" runs with no --mode: what drivers-config/af_packet.ini picks
# (pipeline). That is the reproduction of the misdelivery bug (2 workers,
# 10 rounds): before flows were steered, a final ACK that reached a worker
# which never saw the SYN was a bad SYN cookie and a reset, and 15 of 500
# connections failed. Here no connection may fail or be reset, no SYN
# cookie may be sent, and a RST may only answer a segment the kernel sent
# again after the connection had closed: on these shared CPUs the kernel
# retransmits a FIN or ACK that portgate was slow to answer (its RTO or
# tail-loss probe), and when the duplicate arrives after the close (no
# TIME-WAIT on the passive side) RFC 9293 3.10.7.2 answers it with a RST
# as any stack does. So in pipeline mode every RST must be a refused
# cookie ACK to the listener, and there may be no more of them than the
# kernel retransmitted segments (nstat TcpRetransSegs in its namespace).
#
# In rtc mode over af_packet the kernel's fanout decides which socket a
# frame lands on, and spills frames to another socket when a ring is
# full: a flow's segments then reach its owner by two paths (directly, or
# handed over by another worker) and can arrive out of order. A late ACK
# overtaken by the one that closed the connection then finds no connection
# and is answered with a RST (RFC 9293 3.10.7.2: an ACK to a listener gets
# a reset), after the peer already has every byte. So in rtc mode the
# connections must still all complete, nothing may be reset by the peer,
# and every RST we send must be such an answer (each one a refused
# cookie ACK to the listener), never a connection we dropped.
#
# With --link virtio the same runs over a multi-queue virtio-user link:
#
#   [ns: tptap0 198.18.0.1 (kernel, TAP with one queue per worker)]
#       <- dpdk-testpmd io forwarding, queue i <-> queue i ->
#   vhost-user socket <- net_virtio_user (one queue per worker) <- portgate
#
# The kernel picks the TAP queue of each flow by its own hash; testpmd
# keeps the queue, so in rtc mode every segment reaches worker i of the
# queue the kernel chose, and the steering hands the others' flows over.
#
#   tcp_multicore.sh PATH/TO/portgate [--link virtio] [MODE:WORKERS:ROUNDS ...]
#   (default: profile:2:10 pipeline:4:3 rtc:2:3 rtc:4:3;
#    with --link virtio: rtc:2:3 rtc:4:2 profile:2:2)

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$1"
shift
LINK=af_packet
if [[ "${1:-}" == --link ]]; then
	LINK="$2"
	shift 2
fi
CASES=("$@")
if ((${#CASES[@]} == 0)); then
	if [[ "$LINK" == virtio ]]; then
		CASES=(rtc:2:3 rtc:4:2 profile:2:2)
	else
		CASES=(profile:2:10 pipeline:4:3 rtc:2:3 rtc:4:3)
	fi
fi
CONNS=${TCP_MC_CONNS:-500}
BYTES=${TCP_MC_BYTES:-10240}

# The virtio link: a namespace for the kernel side, and per case a
# testpmd bridging a vhost-user socket and a TAP in that namespace.
virtio_topology() {
	NS="ptg-ns-$PTG_IT_ID"
	ptg_netns_add "$NS" || ptg_it_fail "cannot create namespace $NS"
	command -v dpdk-testpmd >/dev/null || ptg_it_skip "no dpdk-testpmd"
	[[ -z "${PTG_EAL_MEM:-}" ]] ||
		ptg_it_skip "vhost-user needs hugepages (EAL runs with $PTG_EAL_MEM)"
	TCP_IT_PEER_CPUS="$(tcp_it_peer_cpus)"
	export PTG_VHOST_SOCK="$PTG_IT_TMP/vhost.sock"
	echo "# topology: $NS/tptap0 $PEER <-> testpmd <-> $PTG_VHOST_SOCK <-> portgate $ADDR"
}

# virtio_bridge QUEUES: (re)start testpmd with QUEUES queue pairs a side.
virtio_bridge() {
	local q="$1" i
	[[ -n "${TP_PID:-}" ]] && ptg_it_kill_pid "$TP_PID" "$PTG_IT_PREFIX-tp"
	rm -f "$PTG_VHOST_SOCK"
	# testpmd's main lcore on the peer CPU, its forwarding lcore with it.
	# Its default mbuf pool is sized for every lcore and the largest rings
	# (about 600 MB of hugepages); 16384 mbufs (two full rings for each of
	# 4 queues both ways) keep it inside its -m 256, so that it and
	# portgate fit the 1 GB the test command reserves with room to spare.
	setsid ip netns exec "$NS" dpdk-testpmd \
		--lcores "0@${TCP_IT_PEER_CPUS:-0},1@${TCP_IT_PEER_CPUS:-0}" \
		--no-pci --file-prefix "$PTG_IT_PREFIX-tp" -m 256 \
		--vdev "net_vhost0,iface=$PTG_VHOST_SOCK,queues=$q" \
		--vdev "net_tap0,iface=tptap0" -- --rxq="$q" --txq="$q" \
		--forward-mode=io --nb-cores=1 --no-lsc-interrupt \
		--total-num-mbufs=16384 \
		--stats-period 3600 >"$PTG_IT_TMP/testpmd.log" 2>&1 </dev/null &
	TP_PID=$!
	ptg_cleanup_push "ptg_it_kill_pid $TP_PID $PTG_IT_PREFIX-tp"
	for ((i = 0; i < 100; i++)); do
		[[ -S "$PTG_VHOST_SOCK" ]] && ip -n "$NS" link show tptap0 \
			>/dev/null 2>&1 && break
		kill -0 "$TP_PID" 2>/dev/null ||
			ptg_it_fail "testpmd exited: $(tail -3 "$PTG_IT_TMP/testpmd.log")"
		sleep 0.1
	done
	ip -n "$NS" link set tptap0 up &&
		ip -n "$NS" addr add "$PEER/24" dev tptap0 ||
		ptg_it_fail "cannot set up tptap0 in $NS"
	# portgate checks the TCP checksums the kernel would leave to a NIC.
	ip netns exec "$NS" ethtool -K tptap0 tx off >/dev/null 2>&1
}

if [[ "$LINK" == virtio ]]; then
	virtio_topology
else
	tcp_it_topology
fi
ALL_CPUS="$("$PTG_IT_PY" -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0)))))')"

# worker_counter SNAP_DIR WORKER NAME: one counter of one worker.
worker_counter() {
	awk -v n="$3" '$1 == n { print $2; found = 1 } END { exit !found }' \
		"$1/w$2" || ptg_it_fail "counter $3 of worker $2 missing"
}

# snap_workers DIR N: /portgate/worker,i for every worker into DIR/wi.
snap_workers() {
	local i
	mkdir -p "$1"
	for ((i = 0; i < $2; i++)); do
		PTG_IT_STATS_CMD="/portgate/worker,$i" ptg_it_counters "$1/w$i"
	done
}

# Segments the kernel peer retransmitted so far (its namespace's count).
kernel_retrans() {
	ip netns exec "$NS" nstat -az TcpRetransSegs 2>/dev/null |
		awk '$1 == "TcpRetransSegs" { print $2; found = 1 }
			END { if (!found) print 0 }'
}

run_case() {
	local mode="$1" workers="$2" rounds="$3" r c0 c1 d i total=0 acc
	local sin=0 sout=0 hd=0 tag="$LINK $mode, $workers workers" modeopt=()
	# The main lcore (the I/O lcore in pipeline mode) on portgate's CPU,
	# the workers floating over every CPU.
	PTG_IT_LCORES="0@$PTG_IT_CPU,(1-$workers)@($ALL_CPUS)"
	if [[ "$mode" == profile ]]; then
		# af_packet.ini says pipeline; virtio-user.ini auto, which finds
		# no RSS over vhost-user: pipeline too.
		mode=pipeline
		tag="the $LINK profile's mode ($mode), $workers workers"
	else
		modeopt=(--mode "$mode")
	fi
	if [[ "$LINK" == virtio ]]; then
		virtio_bridge "$workers"
		ptg_it_start "" --profile "$PTG_ROOT/drivers-config/virtio-user.ini" \
			--addr "$ADDR/24" --time-wait-ms 500 --workers "$workers" \
			--max-conns 8192 \
			"${modeopt[@]}"
		ip netns exec "$NS" ping -n -c 1 -W 5 "$ADDR" >/dev/null 2>&1 ||
			ptg_it_fail "portgate $ADDR does not answer ping from $NS"
	else
		tcp_it_start --workers "$workers" --max-conns 8192 "${modeopt[@]}"
	fi
	grep -q "workers=$workers mode=$mode " "$PTG_IT_LOG" ||
		ptg_it_fail "$tag: not what the ready line says: $(grep -m1 ready "$PTG_IT_LOG")"
	c0="$PTG_IT_TMP/$mode$workers.0"
	c1="$PTG_IT_TMP/$mode$workers.1"
	tcp_it_snap "$c0"
	snap_workers "$c0.w" "$workers"
	local kr0 kr1
	kr0="$(kernel_retrans)"
	for ((r = 0; r < rounds; r++)); do
		tcp_it_client 150 echo-many "$ADDR" 7 --count "$CONNS" \
			--bytes "$BYTES" --seed "$mode$workers.$r" --timeout 30 \
			--total 120 || ptg_it_fail "$tag: round $r of $CONNS echoes"
	done
	ptg_it_ok "$tag: $rounds rounds of $CONNS concurrent 10 KB echoes, all byte-identical"
	tcp_it_conns_drained 20
	tcp_it_snap "$c1"
	snap_workers "$c1.w" "$workers"
	kr1="$(kernel_retrans)"
	echo "# counters moved: $(tcp_it_deltas "$c0" "$c1")"
	d="$(tcp_it_delta "$c0" "$c1" conn_closed)"
	((d == rounds * CONNS)) ||
		ptg_it_fail "$tag: $d connections closed normally, $((rounds * CONNS)) opened"
	for d in conn_reset_rx conn_timeout syncookies_sent syncookies_ok \
		drop_no_conn rst_no_listener; do
		((($(tcp_it_delta "$c0" "$c1" "$d")) == 0)) ||
			ptg_it_fail "$tag: tcp.$d rose by $(tcp_it_delta "$c0" "$c1" "$d")"
	done
	local rst bad listen arp port k v
	rst="$(tcp_it_delta "$c0" "$c1" conn_reset_tx)"
	# An ACK to a listener is refused as a cookie, or (auto SYN cookies,
	# no SYN flood lately) not even checked as one.
	bad="$(($(tcp_it_delta "$c0" "$c1" syncookies_bad) +
		$(tcp_it_delta "$c0" "$c1" syncookies_unexpected)))"
	listen="$(tcp_it_delta "$c0" "$c1" drop_listen_bad)"
	((rst == bad && bad == listen)) ||
		ptg_it_fail "$tag: $rst RST sent, but $bad refused ACKs to a listener and $listen bad segments to a listener"
	if [[ "$mode" == pipeline ]]; then
		echo "# $tag: RSTs answering segments after their close: $rst; kernel retransmissions: $((kr1 - kr0))"
		((rst <= kr1 - kr0)) ||
			ptg_it_fail "$tag: $rst RSTs but the kernel retransmitted only $((kr1 - kr0)) segments: a live connection's segment found no connection"
		ptg_it_ok "$tag: no connection reset, no SYN cookie; RSTs ($rst) only answered segments the kernel sent again ($((kr1 - kr0)))"
	else
		echo "# $tag: late ACKs answered with RST after their connection closed: $rst"
		ptg_it_ok "$tag: no reset by the peer, no connection reset by us (RSTs only answer late ACKs: $rst)"
	fi
	for ((i = 0; i < workers; i++)); do
		acc=$(($(worker_counter "$c1.w" "$i" tcp.accepted) -
			$(worker_counter "$c0.w" "$i" tcp.accepted)))
		((acc > 0)) || ptg_it_fail "$tag: worker $i accepted nothing"
		total=$((total + acc))
		sin=$((sin + $(worker_counter "$c1.w" "$i" worker.steer_in) -
			$(worker_counter "$c0.w" "$i" worker.steer_in)))
		sout=$((sout + $(worker_counter "$c1.w" "$i" worker.steer_out) -
			$(worker_counter "$c0.w" "$i" worker.steer_out)))
		# Hand-off ring drops of the workers only: /portgate/stats
		# also sums the I/O lcore's drops into full rx rings (pipeline
		# mode, counted there, a loss TCP recovers from).
		hd=$((hd + $(worker_counter "$c1.w" "$i" worker.drop_steer_ring_full) -
			$(worker_counter "$c0.w" "$i" worker.drop_steer_ring_full)))
		echo "# $tag: worker $i accepted $acc"
	done
	((total == rounds * CONNS)) ||
		ptg_it_fail "$tag: workers accepted $total connections, $((rounds * CONNS)) were opened"
	ptg_it_ok "$tag: each connection accepted by exactly one worker ($total in all, every worker a share)"
	d="$hd"
	arp="$(tcp_it_delta "$c0" "$c1" worker.arp_fwd_tx)"
	echo "# $tag: segments handed between workers: $sout sent, $sin received," \
		"$d dropped (ring full); ARP reply copies: $arp"
	# steer_out counts only segments the owner's ring took; a full ring
	# is drop_steer_ring_full instead (freed there, a loss TCP recovers
	# from). Every segment a ring took must have been taken out of it.
	((sin == sout)) ||
		ptg_it_fail "$tag: $sout handed over, $sin arrived ($d more dropped, ring full)"
	if [[ "$mode" == rtc ]]; then
		((sout > 0)) ||
			ptg_it_fail "$tag: the kernel put no segment on a wrong worker (nothing tested)"
	fi
	ptg_it_ok "$tag: every segment handed to its owner arrived or was counted"
	# /portgate/listeners: each service port on each worker, queues empty
	# again, bounds as configured.
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 "$PTG_IT_PREFIX" \
		/portgate/listeners >"$PTG_IT_TMP/listeners" ||
		ptg_it_fail "$tag: cannot read /portgate/listeners"
	for port in 7 9 19 80; do
		for ((i = 0; i < workers; i++)); do
			for k in synq acceptq; do
				v="$(awk -v n="$port.$i.$k" '$1 == n { print $2 }' \
					"$PTG_IT_TMP/listeners")"
				[[ "$v" == 0 ]] ||
					ptg_it_fail "$tag: listeners $port.$i.$k is '$v', not 0"
			done
			v="$(awk -v n="$port.$i.backlog" '$1 == n { print $2 }' \
				"$PTG_IT_TMP/listeners")"
			[[ "$v" == 1024 ]] ||
				ptg_it_fail "$tag: listeners $port.$i.backlog is '$v'"
		done
	done
	ptg_it_ok "$tag: /portgate/listeners shows every port on every worker, queues drained"
	ptg_it_stop
}

for c in "${CASES[@]}"; do
	IFS=: read -r mode workers rounds <<<"$c"
	run_case "$mode" "$workers" "$rounds"
done
echo "# all $PTG_IT_NCHECK checks passed"
