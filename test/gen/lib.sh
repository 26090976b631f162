# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers for the 'gen' suite: portgate-gen against portgate over a
# vhost-user / virtio-user link on this host (no NIC, no kernel in the
# path). portgate-gen serves the vhost-user socket (drivers-config/
# vhost.ini), portgate connects to it (virtio-user.ini); each has its own
# --file-prefix and CPU. Source it, then call gt_init with the script's
# arguments (the portgate binary, then the portgate-gen binary).
#
# gen_*.sh -> gt_init -> gt_run (gen first, then portgate; wait for the
#             gen; stop portgate) -> gt_gen_json / gt_pg_stat -> asserts
#          -> cleanup on EXIT (trap): processes, sockets, EAL files
#
# A check that fails prints "FAIL: ..." with the logs' tails and ends the
# test with status 1; exit 77 tells meson the test was skipped.

GT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/common.sh
. "$GT_DIR/../../scripts/common.sh"

GT_PY="$(command -v /usr/bin/python3 || command -v python3)"
GT_NCHECK=0
GT_PIDS=()
GT_RUNS=0
GT_GEN_ADDR=198.18.0.1
GT_PG_ADDR=198.18.0.2

gt_skip() {
	echo "SKIP: $*"
	exit 77
}

gt_fail() {
	{
		echo "FAIL: $*"
		local f
		for f in "${GT_GEN_LOG:-}" "${GT_PG_LOG:-}"; do
			[[ -n "$f" && -s "$f" ]] || continue
			echo "---- $(basename "$f") (last 25 lines) ----"
			tail -n 25 "$f"
		done
	} >&2
	exit 1
}

gt_ok() {
	GT_NCHECK=$((GT_NCHECK + 1))
	echo "ok $GT_NCHECK - $*"
}

# Stop a process we started: TERM, then KILL after 10 s.
gt_kill() {
	local pid="$1" i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

gt_cleanup() {
	local pid
	for pid in "${GT_PIDS[@]}"; do
		gt_kill "$pid"
	done
	rm -f "$GT_SOCK"
	ptg_dpdk_prefix_cleanup "$GT_PREFIX-gen"
	ptg_dpdk_prefix_cleanup "$GT_PREFIX-pg"
	rm -rf "$GT_TMP"
}

# gt_init PORTGATE_BIN GEN_BIN
gt_init() {
	local cpus
	PTG_LOG_TAG="$(basename "$0" .sh)"
	PORTGATE="${1:-}"
	GEN="${2:-}"
	[[ -x "$PORTGATE" ]] || gt_fail "usage: $0 PATH/TO/portgate PATH/TO/portgate-gen"
	[[ -x "$GEN" ]] || gt_fail "$GEN: not an executable"
	command -v "$GT_PY" >/dev/null 2>&1 || gt_skip "python3 not installed"
	GT_ID="$(ptg_rand4)"
	GT_PREFIX="ptg-gt-$GT_ID"
	GT_TMP="$(mktemp -d /tmp/ptg-gt.XXXXXX)"
	GT_SOCK="/tmp/ptg-gt-$GT_ID.sock"
	trap 'gt_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	cpus="$("$GT_PY" -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')"
	read -r GT_CPU_GEN GT_CPU_PG _ <<<"$cpus"
	: "${GT_CPU_PG:=$GT_CPU_GEN}"
	if [[ -z "${PTG_EAL_MEM+set}" ]]; then
		PTG_EAL_MEM="$(ptg_eal_mem_flags)"
	fi
	echo "# portgate: $PORTGATE"
	echo "# portgate-gen: $GEN"
	echo "# prefix $GT_PREFIX, gen on CPU $GT_CPU_GEN, portgate on CPU $GT_CPU_PG, EAL memory: ${PTG_EAL_MEM:-hugepages}"
}

# gt_run "GEN OPTIONS" ["PORTGATE OPTIONS"] [DURING]: one run. The gen
# (vhost side) starts first, then portgate (virtio-user); DURING, if given,
# is called with the gen's PID while it runs. Sets GT_GEN_RC, GT_GEN_LOG,
# GT_GEN_JSON, GT_PG_LOG, GT_PG_PREFIX; portgate is stopped (SIGTERM)
# once the gen exits, and must exit 0 with its counters. GT_GEN_CORES and
# GT_PG_CORES, if set, replace each one's "-l CPU" (several lcores:
# "--lcores 0@A,1@B").
gt_run() {
	local gopts="$1" popts="${2:-}" during="${3:-}" i gpid rc
	GT_RUNS=$((GT_RUNS + 1))
	GT_GEN_LOG="$GT_TMP/gen.$GT_RUNS.log"
	GT_PG_LOG="$GT_TMP/portgate.$GT_RUNS.log"
	GT_GEN_JSON="$GT_TMP/gen.$GT_RUNS.json"
	GT_PG_PREFIX="$GT_PREFIX-pg"
	rm -f "$GT_SOCK"
	echo "# run $GT_RUNS: portgate-gen -- $gopts | portgate -- $popts"
	# shellcheck disable=SC2086 # option lists
	PTG_VHOST_SOCK="$GT_SOCK" timeout -k 5 "${GT_GEN_TIMEOUT:-60}" \
		"$GEN" ${GT_GEN_CORES:--l $GT_CPU_GEN} --file-prefix "$GT_PREFIX-gen" \
		--log-level notice $PTG_EAL_MEM -- \
		--profile "$GT_DIR/../../drivers-config/vhost.ini" \
		--addr "$GT_GEN_ADDR/24" --json "$GT_GEN_JSON" --wait-s 20 \
		$gopts >"$GT_GEN_LOG" 2>&1 </dev/null &
	gpid=$!
	GT_PIDS+=("$gpid")
	GT_GEN_PID=$gpid
	for ((i = 0; i < 100; i++)); do
		[[ -S "$GT_SOCK" ]] && break
		kill -0 "$gpid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ "${GT_NO_PORTGATE:-0}" != 1 ]]; then
		# shellcheck disable=SC2086
		PTG_VHOST_SOCK="$GT_SOCK" "$PORTGATE" ${GT_PG_CORES:--l $GT_CPU_PG} \
			--file-prefix "$GT_PG_PREFIX" --log-level notice \
			$PTG_EAL_MEM -- \
			--profile "$GT_DIR/../../drivers-config/virtio-user.ini" \
			--addr "$GT_PG_ADDR/24" $popts >"$GT_PG_LOG" 2>&1 </dev/null &
		GT_PG_PID=$!
		GT_PIDS+=("$GT_PG_PID")
	else
		GT_PG_PID=""
		: >"$GT_PG_LOG"
	fi
	if [[ -n "$during" ]]; then
		"$during" "$gpid"
	fi
	wait "$gpid"
	GT_GEN_RC=$?
	((GT_GEN_RC == 124 || GT_GEN_RC == 137)) &&
		gt_fail "portgate-gen did not finish within ${GT_GEN_TIMEOUT:-60} s"
	if [[ -n "$GT_PG_PID" ]]; then
		kill -TERM "$GT_PG_PID" 2>/dev/null
		for ((i = 0; i < 200; i++)); do
			kill -0 "$GT_PG_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$GT_PG_PID" 2>/dev/null &&
			gt_fail "portgate still running 20 s after SIGTERM"
		wait "$GT_PG_PID"
		rc=$?
		((rc == 0)) || gt_fail "portgate exited with status $rc"
	fi
	ptg_dpdk_prefix_cleanup "$GT_PREFIX-gen"
	ptg_dpdk_prefix_cleanup "$GT_PREFIX-pg"
	rm -f "$GT_SOCK"
	grep -E '^portgate-gen: (summary|connections|requests|syn|errors|result)' \
		"$GT_GEN_LOG" | sed 's/^/#   /'
}

# gt_expect_rc N: the gen's exit status was N.
gt_expect_rc() {
	((GT_GEN_RC == $1)) || gt_fail "portgate-gen exited with status $GT_GEN_RC, expected $1"
}

# gt_gen_json KEY[.SUB]: a value of the gen's --json summary (a number
# picks an element of a list: workers_detail.1.requests).
gt_gen_json() {
	"$GT_PY" - "$GT_GEN_JSON" "$1" <<'PYEOF' || gt_fail "no '$1' in the gen's JSON"
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(str(v).lower() if isinstance(v, bool) else v)
PYEOF
}

# gt_pg_stat GROUP.NAME: a counter from portgate's exit report (0 when it
# is not printed: the report lists the non-zero ones).
gt_pg_stat() {
	local v
	v="$(sed -n "s/^portgate: stat $1=\([0-9]*\)$/\1/p" "$GT_PG_LOG" | head -1)"
	echo "${v:-0}"
}

# gt_eq WHAT GOT WANT
gt_eq() {
	[[ "$2" == "$3" ]] || gt_fail "$1: $2, expected $3"
}

# gt_telemetry CMD: portgate's telemetry reply as "path value" lines.
gt_telemetry() {
	"$GT_PY" "$GT_DIR/../integration/ptg_telemetry.py" --wait 5 \
		"$GT_PG_PREFIX" "$1"
}
