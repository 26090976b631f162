#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's test command: set up (dependencies, build with the tests,
# hugepages), run every meson test suite, print a summary. Exits non-zero
# when anything failed.
#
#   scripts/test.sh [meson test options...]   e.g. --suite unit
#
# main -> ptg_install_deps -> ptg_build -> ptg_hugepages -> meson test
#      -> summarize (BUILD/meson-logs/testlog.json)
#
# Honours BUILD (default build/), PTG_MESON_OPTS, PTG_JOBS, PTG_HUGEPAGES
# (see scripts/common.sh) and PTG_TEST_TIMEOUT_MULTIPLIER (default 1).

set -uo pipefail

PTG_LOG_TAG="test"
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Print per-suite counts and the final "N passed, N failed[, N skipped]"
# line from meson's JSON test log. Returns 1 when anything failed.
summarize() {
	local log="$PTG_BUILD_DIR/meson-logs/testlog.json"
	if [[ ! -s "$log" ]]; then
		echo "no test results ($log missing)"
		echo "0 passed, 1 failed"
		return 1
	fi
	python3 - "$log" <<'EOF'
import json
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}
suites = {}
failed_names = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
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
    kind = "passed" if res in PASS else "skipped" if res in SKIP else "failed"
    suites.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0})
    suites[suite][kind] += 1
    if kind == "failed":
        failed_names.append(f"{t.get('name', '?')} ({res})")

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

main() {
	local rc
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
	summarize || rc=1
	exit "$rc"
}

main "$@"
