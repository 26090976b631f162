#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's test command: set up (dependencies, build with the tests,
# hugepages), run every meson test suite on the release build, then build
# again with AddressSanitizer, UndefinedBehaviorSanitizer and the
# invariant checks (PTG_ASSERT: -Dsanitizers=true -Dbuildtype=debug) and
# run the unit and bench-smoke suites there, then build the fuzz targets
# with clang (-Dfuzz=true) and run each for a bounded number of
# executions (suite fuzz); print one summary. Exits non-zero when
# anything failed.
#
#   scripts/test.sh [meson test options...]   e.g. --suite unit
#
# main -> ptg_install_deps -> ptg_build -> ptg_hugepages -> meson test
#      -> ptg_build (BUILD-san) -> meson test --suite unit --suite bench-smoke
#      -> ptg_build (BUILD-fuzz, CC=clang) -> meson test --suite fuzz
#      -> summarize (the three meson-logs/testlog.json)
#
# Honours BUILD (default build/; the checked build is BUILD-san, the fuzz
# build BUILD-fuzz), PTG_MESON_OPTS, PTG_JOBS, PTG_HUGEPAGES (see
# scripts/common.sh), PTG_TEST_TIMEOUT_MULTIPLIER (default 1),
# PTG_TEST_SANITIZED and PTG_TEST_FUZZ (default 1; 0 skips the checked
# build or the fuzz build; giving meson test options skips both).

set -uo pipefail

PTG_LOG_TAG="test"
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Print per-suite counts and the final "N passed, N failed[, N skipped]"
# line from meson's JSON test log. Returns 1 when anything failed.
# Arguments: LABEL=LOG pairs; a label other than "-" prefixes the suite
# names of that log (the sanitized run's suites read "san:unit", ...).
summarize() {
	local a
	for a in "$@"; do
		if [[ ! -s "${a#*=}" ]]; then
			echo "no test results (${a#*=} missing)"
			echo "0 passed, 1 failed"
			return 1
		fi
	done
	python3 - "$@" <<'EOF'
import json
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}
suites = {}
failed_names = []
tests = []
for arg in sys.argv[1:]:
    label, path = arg.split("=", 1)
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line:
            tests.append((label, json.loads(line)))
for label, t in tests:
    res = t.get("result", "ERROR")
    # Counted once, under its first suite: from the "suite" list where
    # meson writes one, else from the name "project:suite1+suite2 / test".
    suite_list = t.get("suite") or []
    if suite_list:
        suite = suite_list[0].split(":", 1)[-1]
    else:
        head = t.get("name", "").split(" / ", 1)
        suite = head[0].split(":", 1)[-1].split("+")[0] if len(head) == 2 \
            else "(none)"
    if label != "-":
        suite = f"{label}:{suite}"
    kind = "passed" if res in PASS else "skipped" if res in SKIP else "failed"
    suites.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0})
    suites[suite][kind] += 1
    if kind == "failed":
        failed_names.append(f"{suite} / {t.get('name', '?')} ({res})")

print()
print("==== test summary ====")
total = {"passed": 0, "failed": 0, "skipped": 0}
for s in sorted(suites):
    c = suites[s]
    print(f"  {s:<14} {c['passed']:4d} passed {c['failed']:4d} failed "
          f"{c['skipped']:4d} skipped")
    for k in total:
        total[k] += c[k]
for name in failed_names:
    print(f"  FAILED: {name}")
line = f"{total['passed']} passed, {total['failed']} failed"
if total["skipped"]:
    line += f", {total['skipped']} skipped"
print(line)
sys.exit(1 if total["failed"] or not total["passed"] else 0)
EOF
}

# The checked build: sanitizers, debug (asserts on), same sources.
sanitized_run() {
	local dir="$PTG_BUILD_DIR-san"
	rm -f "$dir/meson-logs/testlog.json"
	if ! (PTG_BUILD_DIR="$dir" \
		PTG_MESON_OPTS="-Dsanitizers=true -Dbuildtype=debug" ptg_build); then
		echo "sanitized build failed"
		return 1
	fi
	meson test -C "$dir" --print-errorlogs --no-rebuild \
		--timeout-multiplier "${PTG_TEST_TIMEOUT_MULTIPLIER:-1}" \
		--suite unit --suite bench-smoke
}

# The fuzz build: clang with libFuzzer, ASan, UBSan and the invariants
# (-Dfuzz=true, optimized with debug info); its suite runs every fuzz
# target over its corpus for a bounded number of executions.
fuzz_run() {
	local dir="$PTG_BUILD_DIR-fuzz"
	rm -f "$dir/meson-logs/testlog.json"
	if ! command -v clang >/dev/null 2>&1; then
		echo "fuzz build: no clang (install clang and libclang-rt-14-dev)"
		return 1
	fi
	if ! (PTG_BUILD_DIR="$dir" CC=clang \
		PTG_MESON_OPTS="-Dfuzz=true -Dbuildtype=debugoptimized" ptg_build); then
		echo "fuzz build failed"
		return 1
	fi
	meson test -C "$dir" --print-errorlogs --no-rebuild \
		--timeout-multiplier "${PTG_TEST_TIMEOUT_MULTIPLIER:-1}" \
		--suite fuzz
}

main() {
	local rc logs
	ptg_install_deps
	if ! (ptg_build); then
		echo "build failed: no tests ran"
		echo "0 passed, 1 failed"
		exit 1
	fi
	ptg_hugepages
	# A previous run's results must not be summarized if meson cannot run.
	rm -f "$PTG_BUILD_DIR/meson-logs/testlog.json"
	meson test -C "$PTG_BUILD_DIR" --print-errorlogs --no-rebuild \
		--timeout-multiplier "${PTG_TEST_TIMEOUT_MULTIPLIER:-1}" "$@"
	rc=$?
	logs=("-=$PTG_BUILD_DIR/meson-logs/testlog.json")
	if [[ "${PTG_TEST_SANITIZED:-1}" == 1 && $# -eq 0 ]]; then
		sanitized_run || rc=1
		logs+=("san=$PTG_BUILD_DIR-san/meson-logs/testlog.json")
	fi
	if [[ "${PTG_TEST_FUZZ:-1}" == 1 && $# -eq 0 ]]; then
		fuzz_run || rc=1
		logs+=("fuzz=$PTG_BUILD_DIR-fuzz/meson-logs/testlog.json")
	fi
	summarize "${logs[@]}" || rc=1
	exit "$rc"
}

main "$@"
