#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/portgate.service is a unit systemd accepts: systemd-analyze
# verify on a copy whose commands that this machine may lack (portgate
# installed, dpdk-devbind.py, modprobe) are replaced by /bin/true, so that
# only the unit's own syntax and settings are judged (an unknown key, a
# bad value or section fails). Skipped (77) without systemd-analyze.
#
#   check_unit.sh PATH/TO/portgate.service
set -uo pipefail

unit=${1:?usage: check_unit.sh PATH/TO/portgate.service}
command -v systemd-analyze >/dev/null 2>&1 || {
	echo "SKIP: systemd-analyze not installed"
	exit 77
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -E 's#(Exec[A-Za-z]*=-?)[^ ]+#\1/bin/true#' "$unit" >"$tmp/portgate.service"
grep -q '^ExecStart=/bin/true' "$tmp/portgate.service" || {
	echo "FAIL: no ExecStart= in $unit"
	exit 1
}
out="$(cd "$tmp" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
	--man=no ./portgate.service 2>&1)"
rc=$?
# Warnings about the host (no such unit in /etc, ...) name other files.
bad="$(grep -F 'portgate.service' <<<"$out")"
if ((rc != 0)) || [[ -n "$bad" ]]; then
	echo "FAIL: systemd-analyze verify $unit:"
	echo "$out"
	exit 1
fi
echo "ok - systemd-analyze verify accepts $unit"
