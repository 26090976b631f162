# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers for the integration tests: portgate against real Linux peers in
# network namespaces. Source it from a test script, then call ptg_it_init
# with the script's arguments (the portgate binary first).
#
# test_*.sh -> ptg_it_init -> ptg_it_start -> ptg_it_ping / ptg_it_arping /
#              ptg_it_malformed -> ptg_it_stop ; cleanup on EXIT (trap)
#
# A check that fails prints "FAIL: ..." with portgate's log tail and ends
# the test with status 1; exit 77 tells meson the test was skipped.

PTG_IT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/common.sh
. "$PTG_IT_DIR/../../scripts/common.sh"

PTG_IT_PY="$(command -v /usr/bin/python3 || command -v python3)"
PTG_IT_NCHECK=0
PTG_IT_EAL_EXTRA=()

ptg_it_skip() {
	echo "SKIP: $*"
	exit 77
}

# Goes to stderr so that it shows also from inside $(...); callers there
# add "|| exit 1".
ptg_it_fail() {
	{
		echo "FAIL: $*"
		if [[ -n "${PTG_IT_LOG:-}" && -s "$PTG_IT_LOG" ]]; then
			echo "---- portgate output (last 40 lines) ----"
			tail -n 40 "$PTG_IT_LOG"
			echo "-----------------------------------------"
		fi
	} >&2
	exit 1
}

ptg_it_ok() {
	PTG_IT_NCHECK=$((PTG_IT_NCHECK + 1))
	echo "ok $PTG_IT_NCHECK - $*"
}

# ptg_it_init PORTGATE_BIN: checks, temp dir, cleanup trap, names.
ptg_it_init() {
	PTG_LOG_TAG="$(basename "$0" .sh)"
	PORTGATE="${1:-}"
	[[ -n "$PORTGATE" ]] || ptg_it_fail "usage: $0 PATH/TO/portgate"
	[[ -x "$PORTGATE" ]] || ptg_it_fail "$PORTGATE: not an executable"
	ptg_is_root || ptg_it_skip "needs root (namespaces, raw sockets)"
	local t
	for t in ip ethtool ping arping "$PTG_IT_PY"; do
		command -v "$t" >/dev/null 2>&1 || ptg_it_skip "$t not installed"
	done
	ptg_cleanup_trap
	PTG_IT_TMP="$(mktemp -d /tmp/ptg-it.XXXXXX)"
	ptg_cleanup_push "rm -rf '$PTG_IT_TMP'"
	PTG_IT_ID="$(ptg_rand4)"
	PTG_IT_PREFIX="ptg-it-$PTG_IT_ID"
	PTG_IT_CPU="${PTG_IT_CPU:-$(ptg_last_cpu)}"
	if [[ -z "${PTG_EAL_MEM+set}" ]]; then
		PTG_EAL_MEM="$(ptg_eal_mem_flags)"
	fi
	# Poll with short sleeps when idle so the kernel peer gets CPU time on
	# small machines.
	PTG_IT_IDLE="${PTG_IT_IDLE:---idle-sleep-us 20}"
	echo "# portgate: $PORTGATE"
	echo "# prefix $PTG_IT_PREFIX, lcore $PTG_IT_CPU, EAL memory: ${PTG_EAL_MEM:-hugepages}"
}

# The EAL options every test run uses.
ptg_it_eal() {
	local eal=(-l "$PTG_IT_CPU")
	# PTG_IT_LCORES: an EAL --lcores map instead (several lcores on the
	# machine's few CPUs, e.g. "0@1,(1-2)@(0-1)").
	[[ -n "${PTG_IT_LCORES:-}" ]] && eal=(--lcores "$PTG_IT_LCORES")
	eal+=(--no-pci --file-prefix "$PTG_IT_PREFIX"
		--log-level "${PTG_IT_LOG_LEVEL:-notice}")
	# shellcheck disable=SC2206 # "--no-huge -m 512" is two options
	eal+=(${PTG_EAL_MEM:-})
	# PTG_IT_EAL_EXTRA: more EAL options, one per array element (e.g.
	# --vdev DEV, --log-level ptg.tcp:debug).
	eal+=("${PTG_IT_EAL_EXTRA[@]}")
	printf '%s\n' "${eal[@]}"
}

# ptg_it_start NS [app options...]: start portgate (inside NS unless NS is
# empty) in the background with the test EAL options, its output in
# $PTG_IT_LOG, and wait up to PTG_IT_READY_S (60) seconds for its
# "portgate: ready" line. Sets PTG_IT_PID.
ptg_it_start() {
	local ns="$1" i eal nsexec=()
	shift
	[[ -n "$ns" ]] && nsexec=(ip netns exec "$ns")
	mapfile -t eal < <(ptg_it_eal)
	PTG_IT_LOG="$PTG_IT_TMP/portgate.$((++PTG_IT_RUNS)).log"
	echo "# run: ${nsexec[*]} $PORTGATE ${eal[*]} -- $PTG_IT_IDLE $*"
	# shellcheck disable=SC2086 # PTG_IT_IDLE holds option and value
	setsid "${nsexec[@]}" "$PORTGATE" "${eal[@]}" -- $PTG_IT_IDLE "$@" \
		>"$PTG_IT_LOG" 2>&1 </dev/null &
	PTG_IT_PID=$!
	ptg_cleanup_push "ptg_it_kill $PTG_IT_PID"
	for ((i = 0; i < ${PTG_IT_READY_S:-60} * 10; i++)); do
		if grep -qs '^portgate: ready' "$PTG_IT_LOG"; then
			echo "# $(grep -m1 '^portgate: ready' "$PTG_IT_LOG")"
			return 0
		fi
		if ! kill -0 "$PTG_IT_PID" 2>/dev/null; then
			wait "$PTG_IT_PID"
			ptg_it_fail "portgate exited with status $? before ready"
		fi
		sleep 0.1
	done
	ptg_it_fail "portgate not ready after ${PTG_IT_READY_S:-60} s"
}

# Cleanup action: stop a DPDK process we started (TERM, then KILL after
# SECONDS, default 10) and remove what its EAL left under PREFIX.
ptg_it_kill_pid() {
	local pid="$1" prefix="$2" t="${3:-10}" i
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < t * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	ptg_dpdk_prefix_cleanup "$prefix"
}

# Cleanup action: the same for portgate.
ptg_it_kill() { ptg_it_kill_pid "$1" "$PTG_IT_PREFIX"; }

# ptg_it_stop [SIGNAL]: signal portgate (default TERM), require exit status
# 0 within 20 s and the final counters in its output.
ptg_it_stop() {
	local sig="${1:-TERM}" i rc
	kill -"$sig" "$PTG_IT_PID" 2>/dev/null || ptg_it_fail "portgate already gone"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$PTG_IT_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$PTG_IT_PID" 2>/dev/null &&
		ptg_it_fail "portgate still running 20 s after SIG$sig"
	wait "$PTG_IT_PID"
	rc=$?
	((rc == 0)) || ptg_it_fail "portgate exited with status $rc on SIG$sig"
	ptg_it_ok "SIG$sig: portgate exited with status 0"
	# Exit report: "portgate: stat GROUP.NAME=VALUE" for every non-zero
	# counter. The drop counters must equal the last telemetry reading
	# (nothing the tests send after it is dropped).
	grep -qE '^portgate: stat net\.rx_frames=[1-9]' "$PTG_IT_LOG" ||
		ptg_it_fail "no final counters (net.rx_frames) printed at exit"
	if [[ -s "$PTG_IT_TMP/counters.after" ]]; then
		local name v
		while read -r name v; do
			[[ "$name" == net.drop_* && "$v" != 0 ]] || continue
			grep -qx "portgate: stat $name=$v" "$PTG_IT_LOG" ||
				ptg_it_fail "exit report lacks 'portgate: stat $name=$v'"
		done <"$PTG_IT_TMP/counters.after"
		rm -f "$PTG_IT_TMP/counters.after"
		ptg_it_ok "final counters printed at exit, drop counters as in telemetry"
	else
		ptg_it_ok "final counters printed at exit"
	fi
	ptg_dpdk_prefix_cleanup "$PTG_IT_PREFIX"
}

# ptg_it_counters FILE: write portgate's counters to FILE through DPDK
# telemetry, one "group.name value" line each (/portgate/stats holds the
# totals over the workers: "drops", then groups net, tcp, worker, port).
ptg_it_counters() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 \
		"$PTG_IT_PREFIX" "${PTG_IT_STATS_CMD:-/portgate/stats}" >"$1" ||
		ptg_it_fail "cannot read counters over telemetry"
	[[ -s "$1" ]] || ptg_it_fail "telemetry returned no counters"
}

# ptg_it_counter FILE NAME: value of one counter (fails when absent).
ptg_it_counter() {
	local v
	v="$(awk -v n="$2" '$1 == n { print $2; found = 1 } END { exit !found }' "$1")" ||
		ptg_it_fail "counter $2 missing from telemetry"
	echo "$v"
}

# ptg_it_ping NS DST COUNT SIZE PATTERN: ping from NS, every reply must come
# back, none duplicated, none with a changed payload (ping compares the
# pattern it sent with what it gets back and reports "wrong data byte").
ptg_it_ping() {
	local ns="$1" dst="$2" count="$3" size="$4" pat="$5" out
	out="$PTG_IT_TMP/ping.out"
	ip netns exec "$ns" ping -n -c "$count" -i 0.01 -W 2 -s "$size" \
		-p "$pat" "$dst" >"$out" 2>&1
	if ! grep -q "$count packets transmitted, $count received" "$out" ||
		grep -qE 'wrong data|DUP!|truncated|corrupted' "$out"; then
		tail -n 5 "$out"
		ptg_it_fail "ping -c $count -s $size -p $pat $dst"
	fi
	ptg_it_ok "ping -c $count -i 0.01 -s $size -p $pat: $count replies, payload intact"
}

# ptg_it_arping NS IF DST COUNT: every ARP request answered.
ptg_it_arping() {
	local ns="$1" ifname="$2" dst="$3" count="$4" out
	out="$PTG_IT_TMP/arping.out"
	ip netns exec "$ns" arping -c "$count" -w $((count + 5)) -I "$ifname" \
		"$dst" >"$out" 2>&1
	if ! grep -qE "^Received $count response" "$out"; then
		tail -n 5 "$out"
		ptg_it_fail "arping -c $count $dst"
	fi
	ptg_it_ok "arping -c $count: $count replies"
}

# ptg_it_peer_mac NS IP: the MAC the kernel in NS resolved for IP.
ptg_it_peer_mac() {
	ip -n "$1" neigh show "$2" | awk '{ for (i = 1; i < NF; i++)
		if ($i == "lladdr") { print $(i + 1); exit } }'
}

# ptg_it_malformed NS IF SRC_IP DST_IP COUNT [EXCLUDE]: send the malformed
# mix (less the comma-separated kinds in EXCLUDE) from NS and require each
# net drop counter to rise by exactly what the mix holds for it (the others
# not at all), and the total of all drops by COUNT.
ptg_it_malformed() {
	local ns="$1" ifname="$2" src="$3" dst="$4" count="$5" exclude="${6:-}"
	local mac before after expect name want b a bad=0
	mac="$(ptg_it_peer_mac "$ns" "$dst")"
	[[ -n "$mac" ]] || ptg_it_fail "no ARP entry for $dst in $ns"
	before="$PTG_IT_TMP/counters.before"
	after="$PTG_IT_TMP/counters.after"
	expect="$PTG_IT_TMP/malformed.expect"
	ptg_it_counters "$before"
	ip netns exec "$ns" "$PTG_IT_PY" "$PTG_IT_DIR/ptg_malformed.py" \
		--iface "$ifname" --dst-mac "$mac" --src-ip "$src" \
		--dst-ip "$dst" --count "$count" --exclude "$exclude" \
		--drop-counter "/sys/class/net/$ifname/statistics/tx_dropped" \
		>"$expect" ||
		ptg_it_fail "malformed frame sender failed"
	# Let portgate drain its RX queue.
	sleep 1
	kill -0 "$PTG_IT_PID" 2>/dev/null ||
		ptg_it_fail "portgate died during the malformed burst"
	ptg_it_counters "$after"
	while read -r name want; do
		grep -q "^net\.$name " "$before" ||
			ptg_it_fail "counter net.$name not exported by portgate"
	done <"$expect"
	# Every net.drop_* counter: its share of the mix, or 0 if not in it.
	while read -r name b; do
		[[ "$name" == net.drop_* ]] || continue
		a="$(ptg_it_counter "$after" "$name")" || exit 1
		want="$(awk -v n="${name#net.}" '$1 == n { print $2 }' "$expect")"
		want="${want:-0}"
		if ((a - b != want)); then
			echo "# $name: rose by $((a - b)), expected $want"
			bad=1
		fi
	done <"$before"
	if ((bad)); then
		grep -E '^port\.' "$after" | sed 's/^/# after: /'
		ptg_it_fail "drop counters after $count malformed frames"
	fi
	ptg_it_ok "$count malformed frames: each net drop counter rose by exactly its share"
	sed 's/^/#   net./' "$expect"
	b="$(ptg_it_counter "$before" drops)" || exit 1
	a="$(ptg_it_counter "$after" drops)" || exit 1
	((a - b == count)) ||
		ptg_it_fail "total drops rose by $((a - b)), expected $count"
	ptg_it_ok "total drops rose by exactly $count"
	b="$(ptg_it_counter "$before" net.rx_frames)" || exit 1
	a="$(ptg_it_counter "$after" net.rx_frames)" || exit 1
	((a - b >= count)) ||
		ptg_it_fail "net.rx_frames rose by $((a - b)), fewer than the $count sent"
	ptg_it_ok "net.rx_frames rose by $((a - b)) (>= $count)"
}
