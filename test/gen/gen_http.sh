#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# http against portgate's http service: keep-alive GETs of /bytes/1000
# with pipelining (status, Content-Length and every body byte checked),
# one request per connection with "Connection: close", and a path that
# does not exist: that run must fail (exit 1) and name the status.
#
#   gen_http.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

gt_run "--dst $GT_PG_ADDR:80 --mode http --count 5000 --concurrency 20 --pipeline 2 --resp-size 1000"
gt_expect_rc 0
gt_eq "requests" "$(gt_gen_json requests)" 5000
gt_eq "errors" "$(gt_gen_json errors_total)" 0
gt_eq "connections opened" "$(gt_gen_json connections_opened)" 20
rx="$(gt_gen_json rx_bytes)"
((rx > 5000 * 1000)) || gt_fail "only $rx bytes received for 5000 bodies of 1000"
gt_ok "http: 5000 GET /bytes/1000 on 20 keep-alive connections, bodies checked"

gt_run "--dst $GT_PG_ADDR:80 --mode http --count 300 --concurrency 10 --close server --path /"
gt_expect_rc 0
gt_eq "requests" "$(gt_gen_json requests)" 300
gt_eq "connections opened" "$(gt_gen_json connections_opened)" 300
gt_eq "portgate tcp.accepted" "$(gt_pg_stat tcp.accepted)" 300
gt_ok "http --close server: 300 connections, one GET each"

gt_run "--dst $GT_PG_ADDR:80 --mode http --count 100 --concurrency 4 --path /nothing-here"
gt_expect_rc 1
grep -q '^portgate-gen: error (status) .*HTTP status 404' "$GT_GEN_LOG" ||
	gt_fail "the 404 is not named"
grep -q '^portgate-gen: result FAILED: .*status=' "$GT_GEN_LOG" ||
	gt_fail "no 'result FAILED ... status='"
gt_eq "errors" "$(gt_gen_json errors.status)" 100
gt_ok "GET of a missing path: exit 1, 'HTTP status 404' named, 100 status errors"
echo "# all $GT_NCHECK checks passed"
