#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two gen workers against portgate with two workers: every flow stays
# with the worker that opened it. portgate runs pipeline mode (auto on
# virtio-user), so every reply leaves on its queue 0 and reaches gen
# worker 0 whoever opened the connection: gen worker 0 must hand worker
# 1's segments over (lib/dataplane's hand-off), never answer them with a
# RST. Then both in rtc mode (portgate's worker i on queue i, strays
# handed over on both sides). Every connection must complete, with no
# reset either way, both gen workers busy, and the hand-off accounted:
# strays handed == received + dropped.
#
#   [portgate-gen 198.18.0.1, net_vhost, 2 queues] ==vhost-user==
#       [virtio-user, 2 queues, portgate 198.18.0.2, 2 workers]
#
#   gen_scale.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

# Two CPUs at most here: the lcores share them (slower, still exact).
GT_GEN_TIMEOUT=90
GT_GEN_CORES="--lcores 0@$GT_CPU_GEN,1@$GT_CPU_PG"

# scale_check WHAT COUNT: the checks of one counted cps run.
scale_check() {
	local what="$1" n="$2" i done0 done1 handed recv dropped
	gt_expect_rc 0
	gt_eq "$what: connections completed" "$(gt_gen_json connections_completed)" "$n"
	gt_eq "$what: bytes back" "$(gt_gen_json rx_bytes)" $((n * 64))
	gt_eq "$what: errors" "$(gt_gen_json errors_total)" 0
	gt_eq "$what: RSTs the gen received" "$(gt_gen_json tcp.conn_reset_rx)" 0
	gt_eq "$what: RSTs the gen sent to unknown segments" "$(gt_gen_json tcp.rst_no_listener)" 0
	gt_eq "$what: gen segments without a connection" "$(gt_gen_json tcp.drop_no_conn)" 0
	gt_eq "$what: portgate tcp.conn_reset_rx" "$(gt_pg_stat tcp.conn_reset_rx)" 0
	gt_eq "$what: portgate tcp.conn_closed" "$(gt_pg_stat tcp.conn_closed)" "$n"
	gt_ok "$what: $n connections, no reset either way, no error"
	gt_eq "$what: gen workers" "$(gt_gen_json workers)" 2
	gt_eq "$what: steering on" "$(gt_gen_json steering.on)" true
	for i in 0 1; do
		done0="$(gt_gen_json "workers_detail.$i.connections_completed")"
		((done0 > 0)) || gt_fail "$what: gen worker $i completed no connection"
	done
	done0="$(gt_gen_json workers_detail.0.connections_completed)"
	done1="$(gt_gen_json workers_detail.1.connections_completed)"
	gt_eq "$what: per-worker sum" $((done0 + done1)) "$n"
	gt_ok "$what: both gen workers did work ($done0 + $done1)"
	handed="$(gt_gen_json steering.strays_handed)"
	recv="$(gt_gen_json steering.strays_received)"
	dropped="$(gt_gen_json steering.strays_dropped)"
	gt_eq "$what: strays handed = received + dropped" "$handed" $((recv + dropped))
	gt_ok "$what: hand-off accounted: handed $handed = received $recv + dropped $dropped"
}

# Pipeline: replies all arrive on gen queue 0.
GT_PG_CORES="--lcores 0@$GT_CPU_PG,1@$GT_CPU_PG,2@$GT_CPU_GEN"
gt_run "--dst $GT_PG_ADDR:7 --mode cps --count 2000 --concurrency 32 --workers 2 --duration 60" \
	"--workers 2 --idle-sleep-us 20"
scale_check "pipeline" 2000
handed="$(gt_gen_json steering.strays_handed)"
((handed > 0)) || gt_fail "pipeline: gen worker 0 handed nothing to worker 1 (every reply reaches queue 0)"
w1="$(gt_gen_json workers_detail.1.strays_received)"
((w1 > 0)) || gt_fail "pipeline: gen worker 1 received no stray"
gt_ok "pipeline: worker 0 handed $handed segments, worker 1 took $w1"

# rtc: portgate's worker i on queue i; both sides steer.
GT_PG_CORES="--lcores 0@$GT_CPU_PG,1@$GT_CPU_GEN"
gt_run "--dst $GT_PG_ADDR:7 --mode cps --count 2000 --concurrency 32 --workers 2 --duration 60" \
	"--workers 2 --mode rtc --idle-sleep-us 20"
scale_check "rtc" 2000
echo "# all $GT_NCHECK checks passed"
