#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hold: 70,000 idle connections from four source addresses (more than one
# address's 64K ports to one server port), held for two seconds. While
# they are held, portgate's telemetry must count them all and report its
# own memory accounting; at the end the gen resets them and portgate must
# have seen every RST.
#
#   gen_hold.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

N=70000

probe() {
	local gpid="$1" i
	for ((i = 0; i < 300; i++)); do
		grep -q '^portgate-gen: holding' "$GT_GEN_LOG" && break
		kill -0 "$gpid" 2>/dev/null || gt_fail "the gen ended before holding"
		sleep 0.1
	done
	grep -q "^portgate-gen: holding $N connections" "$GT_GEN_LOG" ||
		gt_fail "no 'holding $N connections' within 30 s"
	gt_telemetry /portgate/info >"$GT_TMP/info" || gt_fail "telemetry"
	sed 's/^/#   /' "$GT_TMP/info"
}

gt_run "--dst $GT_PG_ADDR:7 --mode hold --concurrency $N --duration 2 --src 198.18.0.10-198.18.0.13 --max-conns 72000" \
	"--max-conns 72000" probe
gt_expect_rc 0
gt_eq "held" "$(gt_gen_json peak_active)" "$N"
gt_eq "errors" "$(gt_gen_json errors_total)" 0
gt_ok "hold: $N connections open at once from 4 addresses, exit 0"
conns="$(awk '$1 ~ /connections$/ { print $2 }' "$GT_TMP/info")"
gt_eq "portgate connections while held" "$conns" "$N"
slot="$(awk '$1 ~ /conn_slot_bytes$/ { print $2 }' "$GT_TMP/info")"
block="$(awk '$1 ~ /conn_block_bytes$/ { print $2 }' "$GT_TMP/info")"
((slot >= block && block >= 576)) ||
	gt_fail "conn_slot_bytes $slot, conn_block_bytes $block"
gt_ok "portgate telemetry: $conns connections, $slot bytes per connection slot"
gt_eq "portgate tcp.accepted" "$(gt_pg_stat tcp.accepted)" "$N"
gt_eq "portgate net.drop_arp_queue_full" "$(gt_pg_stat net.drop_arp_queue_full)" 0
gt_ok "every held connection accepted; the 4 addresses learned before any burst"
# The RSTs at the end leave in batches, waiting for room in the ring; on a
# machine busy elsewhere a few may still be lost: each one is counted by
# the gen (net.drop_tx_full) and none may go missing otherwise.
resets="$(gt_pg_stat tcp.conn_reset_rx)"
lost="$(sed -n 's/^portgate-gen: stat net.drop_tx_full=\([0-9]*\)$/\1/p' "$GT_GEN_LOG")"
lost="${lost:-0}"
((resets + lost >= N && resets >= N * 98 / 100)) ||
	gt_fail "portgate saw $resets RSTs (the gen dropped $lost) for $N connections"
gt_ok "portgate saw $resets of the $N RSTs ($lost dropped on the gen's full TX ring)"
echo "# all $GT_NCHECK checks passed"
