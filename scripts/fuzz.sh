#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A longer fuzzing run than the test command's smoke: build the fuzz
# targets (BUILD-fuzz: clang, libFuzzer, ASan, UBSan, PTG_ASSERT on),
# then run each TARGET in turn for its share of HOURS with one libFuzzer
# job per CPU, and print per target the executions, the coverage
# (libFuzzer's final cov: edges and ft: features) and the crashes.
#
#   scripts/fuzz.sh HOURS [TARGET...]
#
#   HOURS   total wall time, split evenly between the targets (decimals
#           allowed: 0.5 is half an hour)
#   TARGET  stack, tcp_options, http, arp, ini, options (or fuzz_stack,
#           ...); default: all six
#
# Each target keeps a working corpus in BUILD-fuzz/fuzz-corpus/<target>/
# (grown over runs, seeded from test/fuzz/corpus/<target>/, which is only
# read); crashing inputs go to BUILD-fuzz/fuzz-artifacts/<target>/, the
# jobs' logs to BUILD-fuzz/fuzz-logs/<target>/round-K/ (a job ends at its
# first crash; the next round runs for the time left). Exits 1 if any
# target crashed. To make a crash a regression test: fix it, copy the
# input to test/fuzz/corpus/<target>/crash-<what> (the unit suite
# replays it).
#
# main -> ptg_install_deps -> ptg_build (BUILD-fuzz) -> per target:
#         fuzz_<target> -jobs=N -workers=N -max_total_time=T -> report
#
# Honours BUILD (the fuzz build is BUILD-fuzz), PTG_JOBS (the build's
# ninja -j), PTG_FUZZ_JOBS (parallel jobs per target, default: CPUs),
# PTG_FUZZ_ARGS (more libFuzzer options) and PTG_FUZZ_NO_BUILD=1 (use
# the build as it is).

set -uo pipefail

PTG_LOG_TAG="fuzz"
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ALL_TARGETS=(stack tcp_options http arp ini options)

usage() {
	sed -n '4,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 2
}

# Seconds of HOURS / N, at least 10.
share_seconds() {
	python3 -c 'import sys; h = float(sys.argv[1]); n = int(sys.argv[2]);
assert h > 0
print(max(10, int(h * 3600 / n)))' "$1" "$2" 2>/dev/null
}

# Executions, cov, ft, exec/s of one target's run, from its jobs' logs.
report_target() {
	local name="$1" logs="$2" artifacts="$3" secs="$4"
	python3 - "$name" "$logs" "$artifacts" "$secs" <<'EOF'
import glob
import os
import re
import sys

name, logs, artifacts, secs = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])
execs = cov = ft = rate = 0
jobs = 0
for path in sorted(glob.glob(os.path.join(logs, 'round-*', 'fuzz-*.log'))):
    jobs += 1
    text = open(path, errors='replace').read()
    m = re.findall(r'stat::number_of_executed_units: *(\d+)', text)
    if m:
        execs += int(m[-1])
    else:
        # A job that crashed prints no final stats: its last status line.
        m = re.findall(r'^#(\d+)\s', text, re.M)
        execs += int(m[-1]) if m else 0
    m = re.findall(r'stat::average_exec_per_sec: *(\d+)', text) or \
        re.findall(r'exec/s: (\d+)', text)
    rate += int(m[-1]) if m else 0
    m = re.findall(r'cov: (\d+) ft: (\d+)', text)
    if m:
        cov = max(cov, int(m[-1][0]))
        ft = max(ft, int(m[-1][1]))
crashes = [f for f in os.listdir(artifacts)
           if f.split('-')[0] in ('crash', 'leak', 'timeout', 'oom',
                                  'slow')] if os.path.isdir(artifacts) else []
print(f'{name:<18} {execs:>12,} {rate:>9,.0f} {cov:>6} {ft:>7} '
      f'{len(crashes):>7}  ({jobs} jobs)')
for c in sorted(crashes):
    print(f'  {os.path.join(artifacts, c)}')
sys.exit(1 if crashes else 0)
EOF
}

main() {
	local hours="${1:-}" targets=() t secs jobs dir rc=0 reports=()
	[[ -n "$hours" && "$hours" != -* ]] || usage
	shift
	if (($# == 0)); then
		targets=("${ALL_TARGETS[@]}")
	else
		for t in "$@"; do
			t="${t#fuzz_}"
			[[ " ${ALL_TARGETS[*]} " == *" $t "* ]] ||
				ptg_die "unknown target '$t' (${ALL_TARGETS[*]})"
			targets+=("$t")
		done
	fi
	secs="$(share_seconds "$hours" "${#targets[@]}")" ||
		ptg_die "HOURS must be a positive number, not '$hours'"
	jobs="${PTG_FUZZ_JOBS:-$(nproc)}"
	dir="$PTG_BUILD_DIR-fuzz"

	if [[ "${PTG_FUZZ_NO_BUILD:-0}" != 1 ]]; then
		ptg_install_deps
		PTG_BUILD_DIR="$dir" CC=clang \
			PTG_MESON_OPTS="-Dfuzz=true -Dbuildtype=debugoptimized" \
			ptg_build || exit 1
	fi

	ptg_log "${#targets[@]} target(s), ${secs} s each, $jobs job(s) each"
	for t in "${targets[@]}"; do
		local bin="$dir/test/fuzz/fuzz_$t" corpus="$dir/fuzz-corpus/$t"
		local art="$dir/fuzz-artifacts/$t" logs="$dir/fuzz-logs/$t"
		[[ -x "$bin" ]] || ptg_die "$bin missing: build with -Dfuzz=true"
		mkdir -p "$corpus" "$art" "$logs"
		rm -rf "$logs"/round-*
		ptg_log "fuzz_$t: ${secs} s (logs in $logs)"
		# -jobs=N -workers=N: N processes at once, each until the time
		# is up or its first crash, sharing the working corpus; after a
		# crash, a new round for the time left.
		local end=$((SECONDS + secs)) round=0 left
		while left=$((end - SECONDS)) && ((left >= 5)); do
			mkdir -p "$logs/round-$round"
			# shellcheck disable=SC2086 # a list of options
			(cd "$logs/round-$round" && "$bin" -jobs="$jobs" \
				-workers="$jobs" -max_total_time="$left" \
				-timeout=10 -rss_limit_mb=2048 \
				-print_final_stats=1 -artifact_prefix="$art/" \
				${PTG_FUZZ_ARGS:-} "$corpus" \
				"$PTG_ROOT/test/fuzz/corpus/fuzz_$t" \
				>/dev/null 2>&1)
			round=$((round + 1))
		done
		reports+=("$t")
	done

	echo
	echo "==== fuzz summary: ${hours} h, ${secs} s and $jobs jobs per target ===="
	printf '%-18s %12s %9s %6s %7s %7s\n' target executions 'exec/s' cov ft \
		crashes
	for t in "${reports[@]}"; do
		report_target "fuzz_$t" "$dir/fuzz-logs/$t" \
			"$dir/fuzz-artifacts/$t" "$secs" || rc=1
	done
	exit "$rc"
}

main "$@"
