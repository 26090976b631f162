#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The failures portgate-gen must report: bad options (one message naming
# the option, exit 2, nothing started), a closed port (exit 1, "refused"),
# no server at all (exit 1, no ARP reply), and a server that dies during
# the run (exit 1, the connections it left named as timeouts or resets).
#
#   gen_errors.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

# bad_opt "OPTIONS" "MESSAGE (grep -E)"
bad_opt() {
	local out rc
	# shellcheck disable=SC2086
	out="$("$GEN" --file-prefix "$GT_PREFIX-bad" -- $1 2>&1 </dev/null)"
	rc=$?
	((rc == 2)) || gt_fail "'$1': exit $rc, expected 2 ($out)"
	[[ "$(grep -c 'portgate-gen:' <<<"$out")" == 1 ]] ||
		gt_fail "'$1': not one message: $out"
	grep -qE -- "$2" <<<"$out" || gt_fail "'$1': message '$out' lacks '$2'"
	grep -q 'EAL:' <<<"$out" && gt_fail "'$1': EAL was started"
	return 0
}
A="--addr 198.18.0.1/24"
bad_opt "--dst 198.18.0.2:7" "--addr IP/PREFIX is required"
bad_opt "$A" "--dst IP:PORT is required"
bad_opt "$A --dst 198.18.0.2" "--dst: '198.18.0.2' is not IP:PORT"
bad_opt "$A --dst 198.18.0.2:7 --mode fast" "--mode: 'fast' is not"
bad_opt "$A --dst 198.18.0.2:7 --rate -5" "--rate: '-5'"
bad_opt "$A --dst 198.18.0.2:7 --pipeline 65 --mode rps" "--pipeline: '65'"
bad_opt "$A --dst 198.18.0.2:7 --pipeline 4" "--pipeline: only for"
bad_opt "$A --dst 198.18.0.2:7 --src 198.19.0.1-198.19.0.9" "--src: every source address"
bad_opt "$A --dst 198.18.0.2:7 --sport 9-3" "--sport: '9-3'"
bad_opt "$A --dst 198.18.0.2:7 --duration 0" "--duration: '0'"
bad_opt "$A --dst 198.18.0.2:7 --bytes 1M" "--bytes: only for"
bad_opt "$A --dst 10.0.0.1:7" "--dst: not on the prefix"
bad_opt "$A --dst 198.18.0.2:7 --bogus" "unknown option --bogus"
gt_ok "13 bad option sets: exit 2, one message naming the option, EAL not started"

gt_run "--dst $GT_PG_ADDR:81 --mode cps --count 50 --concurrency 4"
gt_expect_rc 1
grep -q '^portgate-gen: error (refused) .*connection refused by 198.18.0.2:81' \
	"$GT_GEN_LOG" || gt_fail "the refusal is not named"
grep -q '^portgate-gen: result FAILED: .*refused=' "$GT_GEN_LOG" ||
	gt_fail "no 'result FAILED ... refused='"
refused="$(gt_gen_json errors.refused)"
((refused > 0)) || gt_fail "no refused connection counted"
gt_eq "portgate tcp.rst_no_listener" "$(gt_pg_stat tcp.rst_no_listener)" "$refused"
gt_ok "a closed port: exit 1, 'connection refused' named, $refused refusals, one RST each"

GT_NO_PORTGATE=1 GT_GEN_TIMEOUT=30 gt_run "--dst $GT_PG_ADDR:7 --mode cps --duration 1 --wait-s 2"
gt_expect_rc 1
grep -q '^portgate-gen: result FAILED: timeout: no ARP reply for 198.18.0.2' \
	"$GT_GEN_LOG" || gt_fail "no 'no ARP reply' failure"
gt_ok "no server: exit 1 after --wait-s, 'no ARP reply for 198.18.0.2' named"

# The server dies with requests in flight.
kill_server() {
	local gpid="$1" i
	for ((i = 0; i < 200; i++)); do
		grep -qE '^portgate-gen: +1s' "$GT_GEN_LOG" && break
		kill -0 "$gpid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$GT_PG_PID" 2>/dev/null
	wait "$GT_PG_PID" 2>/dev/null
	GT_PG_PID=""
}
GT_GEN_TIMEOUT=40 gt_run "--dst $GT_PG_ADDR:7 --mode rps --duration 3 --concurrency 8 --drain-ms 500" \
	"" kill_server
gt_expect_rc 1
grep -qE '^portgate-gen: result FAILED: [0-9]+ errors?:.*(timeout|reset)=' \
	"$GT_GEN_LOG" || gt_fail "the dead server's connections are not named"
gt_ok "the server killed during the run: exit 1, its connections named as errors"
echo "# all $GT_NCHECK checks passed"
