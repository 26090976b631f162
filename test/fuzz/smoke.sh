#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One fuzz target for a bounded number of executions, as a meson test:
#
#   smoke.sh TARGET SEEDS RUNS ARTIFACTS
#
# runs TARGET (a libFuzzer binary) over the seed corpus SEEDS (read only:
# new inputs go to a scratch folder that is removed afterwards) for RUNS
# executions with a fixed seed, so that the same build does the same
# work every time. A crash, leak, sanitizer report, timeout (10 s per
# input) or failed check exits non-zero; the input that did it is saved
# under ARTIFACTS/ and named in the output. The last line repeats
# libFuzzer's final figures (executions, coverage, corpus).
set -uo pipefail

if (($# != 4)); then
	echo "usage: $0 TARGET SEEDS RUNS ARTIFACTS" >&2
	exit 2
fi
target="$1" seeds="$2" runs="$3" artifacts="$4"
name="$(basename "$target")"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/ptg-$name.XXXXXX")" || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts" "$scratch/corpus" || exit 1

# Leaks of malloc'ed memory are reported per input; UBSan stops at the
# first report (the targets build with -fno-sanitize-recover too).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

log="$scratch/log"
"$target" -runs="$runs" -seed=1 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
	"$scratch/corpus" "$seeds" >"$log" 2>&1 &
pid=$!
wait "$pid"
rc=$?
# The whole log when something failed, its head and tail otherwise.
if ((rc != 0)); then
	cat "$log"
	echo "$name: FAILED (exit status $rc); the input is under $artifacts/"
	exit 1
fi
head -n 5 "$log"
echo "..."
tail -n 12 "$log"
execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)"
ft="$(grep -o 'ft: [0-9]*' "$log" | tail -n 1)"
echo "$name: ok, ${execs:-?} executions, ${cov:-cov: ?}, ${ft:-ft: ?}"
