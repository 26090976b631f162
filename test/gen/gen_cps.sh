#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# cps against portgate's echo service: a counted run of whole connections
# (connect, 64 bytes, the same 64 back, close), first with the client
# closing, then with the server's FIN first (--close server); every byte
# is checked by the gen, and portgate's exit report must account for each
# connection and byte.
#
#   [portgate-gen 198.18.0.1, net_vhost] ==vhost-user== [virtio-user, portgate 198.18.0.2]
#
#   gen_cps.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

gt_run "--dst $GT_PG_ADDR:7 --mode cps --count 3000 --concurrency 32"
gt_expect_rc 0
gt_eq "connections completed" "$(gt_gen_json connections_completed)" 3000
gt_eq "requests" "$(gt_gen_json requests)" 3000
gt_eq "bytes sent" "$(gt_gen_json tx_bytes)" 192000
gt_eq "bytes back" "$(gt_gen_json rx_bytes)" 192000
gt_eq "errors" "$(gt_gen_json errors_total)" 0
gt_eq "latency samples" "$(gt_gen_json latency_us.count)" 3000
grep -q '^portgate-gen: result OK' "$GT_GEN_LOG" || gt_fail "no 'result OK'"
gt_ok "cps --count 3000: 3000 connections, 192000 bytes each way, checked, exit 0"
gt_eq "portgate tcp.accepted" "$(gt_pg_stat tcp.accepted)" 3000
gt_eq "portgate tcp.conn_closed" "$(gt_pg_stat tcp.conn_closed)" 3000
gt_eq "portgate svc_7_echo.bytes_echoed" "$(gt_pg_stat svc_7_echo.bytes_echoed)" 192000
gt_eq "portgate tcp.conn_reset_rx" "$(gt_pg_stat tcp.conn_reset_rx)" 0
gt_ok "portgate accepted and closed 3000, echoed 192000 bytes, no reset"
grep -qE '^portgate-gen: +1s conn/s [0-9]+ req/s' "$GT_GEN_LOG" ||
	[[ "$(gt_gen_json elapsed_s | cut -d. -f1)" == 0 ]] ||
	gt_fail "no live line after a second"
grep -qE '^portgate-gen: latency_us \(connect to response\) count=3000 min=[0-9.]+ p50=[0-9.]+ p90=[0-9.]+ p99=[0-9.]+ p99.9=[0-9.]+' \
	"$GT_GEN_LOG" || gt_fail "no latency percentiles in the summary"
gt_ok "summary with p50/p90/p99/p99.9"

# The server closes first: the gen half-closes after its request.
gt_run "--dst $GT_PG_ADDR:7 --mode cps --count 500 --concurrency 16 --close server"
gt_expect_rc 0
gt_eq "connections completed" "$(gt_gen_json connections_completed)" 500
gt_eq "bytes back" "$(gt_gen_json rx_bytes)" 32000
gt_eq "portgate tcp.conn_closed" "$(gt_pg_stat tcp.conn_closed)" 500
gt_ok "cps --close server --count 500: 500 connections, exit 0"
echo "# all $GT_NCHECK checks passed"
