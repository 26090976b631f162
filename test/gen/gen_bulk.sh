#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bulk through echo: two streams of 8 MiB each way, every byte checked
# against what was sent; a single timed stream then runs for a second and
# must move data both ways with nothing lost.
#
#   gen_bulk.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

gt_run "--dst $GT_PG_ADDR:7 --mode bulk --bytes 8M --concurrency 2"
gt_expect_rc 0
gt_eq "bytes sent" "$(gt_gen_json tx_bytes)" 16777216
gt_eq "bytes back" "$(gt_gen_json rx_bytes)" 16777216
gt_eq "streams completed" "$(gt_gen_json connections_completed)" 2
gt_eq "errors" "$(gt_gen_json errors_total)" 0
gt_eq "portgate svc_7_echo.bytes_echoed" "$(gt_pg_stat svc_7_echo.bytes_echoed)" 16777216
gt_ok "bulk --bytes 8M x 2 streams: 16777216 bytes each way, checked; portgate echoed them all"

gt_run "--dst $GT_PG_ADDR:7 --mode bulk --duration 1 --concurrency 1"
gt_expect_rc 0
tx="$(gt_gen_json tx_bytes)"
rx="$(gt_gen_json rx_bytes)"
((tx > 1000000)) || gt_fail "a timed stream moved only $tx bytes"
gt_eq "bytes back" "$rx" "$tx"
gt_eq "portgate svc_7_echo.bytes_echoed" "$(gt_pg_stat svc_7_echo.bytes_echoed)" "$tx"
gt_ok "bulk --duration 1: $tx bytes each way, all back"
echo "# all $GT_NCHECK checks passed"
