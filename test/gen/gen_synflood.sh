#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# syn-flood: 20,000 raw SYNs from 256 spoofed addresses at 20,000/s to
# port 80. portgate's SYN queue (1024) fills, the rest are answered with
# SYN cookies: its counters must add up to exactly the SYNs it got, and
# the gen (answering ARP for the spoofed addresses) must count a SYN-ACK
# for each.
#
#   gen_synflood.sh PATH/TO/portgate PATH/TO/portgate-gen

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
gt_init "$@"

N=20000
gt_run "--dst $GT_PG_ADDR:80 --mode syn-flood --count $N --rate 20000 --flood-src 198.18.0.100-198.18.0.199" \
	"--syncookies auto"
gt_expect_rc 0
gt_eq "SYNs sent" "$(gt_gen_json syn_sent)" "$N"
gt_ok "syn-flood: $N SYNs sent, exit 0"
got="$(gt_pg_stat tcp.rx_segs)"
passive="$(gt_pg_stat tcp.passive_opens)"
cookies="$(gt_pg_stat tcp.syncookies_sent)"
overflow="$(gt_pg_stat tcp.synq_overflow)"
# What the link refused (portgate's RX ring full while it was off the
# CPU): the gen's TX burst counts it, as net.drop_tx_full.
lost="$(sed -n 's/^portgate-gen: stat net.drop_tx_full=\([0-9]*\)$/\1/p' "$GT_GEN_LOG" | head -1)"
lost="${lost:-0}"
echo "# portgate: rx_segs=$got passive_opens=$passive syncookies_sent=$cookies synq_overflow=$overflow; refused by the link: $lost"
# Every SYN either reached portgate or was counted as refused.
gt_eq "portgate tcp.rx_segs + SYNs the link refused" "$((got + lost))" "$N"
gt_eq "SYN-queue entries" "$passive" 1024
gt_eq "portgate tcp.syncookies_sent" "$cookies" $((got - 1024))
gt_eq "portgate tcp.synq_overflow" "$overflow" $((got - 1024))
gt_ok "portgate: 1024 in the SYN queue, $cookies SYN cookies, $overflow overflows"
synack="$(gt_gen_json synack_rx)"
((synack >= N - $(gt_pg_stat net.drop_arp_queue_full))) ||
	gt_fail "the gen counted $synack SYN-ACKs for $N SYNs"
gt_ok "the gen counted $synack SYN-ACKs (each SYN answered, queue retransmissions included)"
echo "# all $GT_NCHECK checks passed"
