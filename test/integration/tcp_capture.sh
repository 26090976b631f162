#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What portgate puts on the wire, read by tshark: a capture on the peer's
# veth during a clean-path run (curl of http, 4 MB through echo, the
# chargen pattern), then:
#   - every IPv4 and TCP checksum verified good (none bad, none unverified:
#     the namespace has TX checksum offload off, so the kernel's frames are
#     complete too),
#   - no retransmission, fast retransmission or zero-window event in
#     either direction, and no RST,
#   - every connection opened with SYN, SYN-ACK and ended with a FIN each
#     way; portgate's segments no longer than the MSS it announced.
#
#   [ns: 198.18.0.1 dumpcap on the veth, curl, tcp_client.py]
#       ==veth== af_packet portgate 198.18.0.2
#
#   tcp_capture.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
for t in tshark dumpcap curl; do
	command -v "$t" >/dev/null 2>&1 || ptg_it_skip "$t not installed"
done

tcp_it_topology
tcp_it_start

D="$PTG_IT_TMP/data"
mkdir -p "$D"
head -c 4M /dev/urandom >"$D/in" || ptg_it_fail "no random data"
PCAP="$PTG_IT_TMP/clean.pcapng"
# TCP_IT_KEEP=DIR keeps the capture (the temporary folder goes at exit).
if [[ -n "${TCP_IT_KEEP:-}" ]]; then
	ptg_cleanup_push "mkdir -p '$TCP_IT_KEEP' && cp -f '$PCAP' '$TCP_IT_KEEP/tcp_capture.$PTG_IT_ID.pcapng'"
fi
URL="http://$ADDR"

tcp_it_snap "$PTG_IT_TMP/c0"
tcp_it_capture_start "$PCAP"
t0="$(tcp_it_now)"
for n in 0 100 1448 65536 1000000; do
	tcp_it_ns 30 curl -sS --max-time 20 -o "$D/b.$n" "$URL/bytes/$n" ||
		ptg_it_fail "curl /bytes/$n"
done
tcp_it_ns 30 curl -sS --max-time 20 -o "$D/ka.0" "$URL/" \
	-o "$D/ka.1" "$URL/bytes/200000" || ptg_it_fail "curl keep-alive"
tcp_it_client 60 echo "$ADDR" 7 --in "$D/in" --out "$D/out" ||
	ptg_it_fail "echo"
cmp -s "$D/in" "$D/out" || ptg_it_fail "echo: data differs"
tcp_it_client 30 chargen "$ADDR" 19 --bytes 300000 || ptg_it_fail "chargen"
tcp_it_capture_stop
"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "$D/b.0:0" \
	"$D/b.100:100" "$D/b.1448:1448" "$D/b.65536:65536" \
	"$D/b.1000000:1000000" "$D/ka.0:root" "$D/ka.1:200000" ||
	ptg_it_fail "http bodies"
ptg_it_ok "clean run captured: 7 http, 4 MB echo, 300 KB chargen ($(tcp_it_since "$t0") s)"
tcp_it_snap "$PTG_IT_TMP/c1"
# A frame af_packet discarded is missing from the capture as well.
tcp_it_wire_check "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1"

# One tshark pass over the capture, checksum validation on: a table with
# one line per frame (tab-separated fields below, in this order).
TS=(tshark -n -r "$PCAP" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE
	-o tcp.analyze_sequence_numbers:TRUE)
T="$PTG_IT_TMP/frames.tsv"
"${TS[@]}" -T fields -E separator=/t -E occurrence=f \
	-e frame.number -e ip.src -e ip.checksum.status -e tcp.checksum.status \
	-e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin -e tcp.flags.reset \
	-e tcp.len -e tcp.options.mss_val -e tcp.stream -e _ws.expert.message \
	-e tcp.checksum -e tcp.checksum_calculated >"$T" 2>/dev/null ||
	ptg_it_fail "tshark cannot read the capture"
# count AWK-CONDITION: frames of the table for which it holds
# ($2 src, $3 ip csum, $4 tcp csum, $5 syn, $6 ack, $7 fin, $8 rst, $9 len,
# $10 mss, $11 stream, $12 first expert note, $13 TCP checksum, $14 the
# checksum tshark computed). Checksum status: 0 bad, 1 good, 2 unverified.
count() { awk -F'\t' "$1 { n++ } END { print n + 0 }" "$T"; }
# streams AWK-CONDITION: connections with at least one such frame.
streams() { awk -F'\t' "$1 { s[\$11] = 1 } END { print length(s) }" "$T"; }

nall="$(count 1)"
nip="$(count '$2 != ""')"
ntcp="$(count '$11 != ""')"
echo "# capture: $nall frames, $nip IPv4, $ntcp TCP ($(count "\$2 == \"$ADDR\"") from portgate)"
((ntcp > 1000)) || ptg_it_fail "only $ntcp TCP frames captured"
# 0xffff where the sum is 0x0000 is the same number in one's complement
# (-0 and +0; a receiver's sum over the segment checks either way), but
# tshark calls it bad ("see RFC 1624"): count those apart.
NEGZ='$4 == "0" && $13 == "0xffff" && $14 == "0x0000"'
bad="$(count "\$3 == \"0\" || (\$4 == \"0\" && !($NEGZ))")"
if ((bad > 0)); then
	awk -F'\t' "\$3 == \"0\" || (\$4 == \"0\" && !($NEGZ))" "$T" | head -n 5
	ptg_it_fail "$bad frames with a bad IPv4 or TCP checksum"
fi
negz="$(count "$NEGZ")"
good="$(count '$3 == "1"')"
((good == nip)) || ptg_it_fail "IPv4 checksums: $good verified good of $nip"
good="$(count '$4 == "1"')"
((good + negz == ntcp)) ||
	ptg_it_fail "TCP checksums: $good verified good (+ $negz as 0xffff) of $ntcp"
ptg_it_ok "all $nip IPv4 and $ntcp TCP checksums verified good, both directions ($negz sent as 0xffff for 0x0000: $(count "($NEGZ) && \$2 == \"$ADDR\"") by portgate)"

# Zero window: none, either way.
"${TS[@]}" -Y 'tcp.analysis.zero_window || tcp.analysis.zero_window_probe' \
	>"$PTG_IT_TMP/zw.txt" 2>/dev/null
n="$(wc -l <"$PTG_IT_TMP/zw.txt")"
if ((n > 0)); then
	head -n 10 "$PTG_IT_TMP/zw.txt"
	ptg_it_fail "$n zero-window events on the clean path"
fi
# Retransmissions: none from portgate (capture and counter). The kernel
# peer may send a tail-loss probe when portgate's ACKs pause for a few ms
# (portgate descheduled on a shared machine): that is tolerated only as a
# probe (sent < 100 ms after the original, so not an RTO) while portgate
# received every frame (no drop counted but the duplicates themselves,
# none lost in net_af_packet's RX ring).
# How long after the original: tshark's tcp.analysis.rto, which it leaves
# empty for a retransmission it calls spurious (the ACK covering it was
# captured first: a probe that crossed portgate's late ACK). For those the
# delay comes from the capture itself: the retransmission's time less
# that of the first frame of its stream from the same side with the same
# sequence number that takes sequence space (data, SYN or FIN; not a pure
# ACK). (An empty rto used to count as 100 ms or more: a probe sent 5 ms
# after the original failed the test when it crossed the ACK.)
"${TS[@]}" -Y 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission' \
	-T fields -E separator=/t -e frame.number -e ip.src -e tcp.analysis.rto \
	-e tcp.seq -e tcp.len -e tcp.stream -e frame.time_relative \
	-e tcp.analysis.spurious_retransmission \
	>"$PTG_IT_TMP/rexmit.raw" 2>/dev/null
"${TS[@]}" -Y 'tcp.len > 0 || tcp.flags.syn == 1 || tcp.flags.fin == 1' \
	-T fields -E separator=/t -e tcp.stream -e ip.src -e tcp.seq \
	-e frame.time_relative >"$PTG_IT_TMP/seqs.tsv" 2>/dev/null
# frame, src, after (s), seq, len, kind
awk -F'\t' -v OFS='\t' 'FNR == NR { k = $1 SUBSEP $2 SUBSEP $3
		if (!(k in first)) first[k] = $4; next }
	{ after = $3; kind = $8 == "1" ? "spurious" : "retransmission"
	  if (after == "") after = $7 - first[$6 SUBSEP $2 SUBSEP $4]
	  print $1, $2, after, $4, $5, kind }' \
	"$PTG_IT_TMP/seqs.tsv" "$PTG_IT_TMP/rexmit.raw" >"$PTG_IT_TMP/rexmit.tsv"
n="$(awk -F'\t' -v a="$ADDR" '$2 == a' "$PTG_IT_TMP/rexmit.tsv" | wc -l)"
d="$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" tcp.retransmits)"
if ((n > 0 || d > 0)); then
	head -n 10 "$PTG_IT_TMP/rexmit.tsv"
	ptg_it_fail "portgate retransmitted on the clean path ($n in the capture, tcp.retransmits +$d)"
fi
loss="$(tcp_it_rx_ring_loss "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1")"
((loss == 0)) ||
	ptg_it_fail "$loss frames the veth delivered never reached portgate: dropped in net_af_packet's RX ring (full), which portgate cannot count"
stalls="$(for c in stall_1ms stall_10ms stall_100ms; do
	printf '%s +%s ' "$c" "$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" "worker.$c")"; done)"
nk="$(wc -l <"$PTG_IT_TMP/rexmit.tsv")"
if ((nk > 0)); then
	late="$(awk -F'\t' '$3 >= 0.1' "$PTG_IT_TMP/rexmit.tsv" | wc -l)"
	drops=$(($(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" drops) -
		$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" drop_out_of_window) +
		$(tcp_it_delta "$PTG_IT_TMP/c0" "$PTG_IT_TMP/c1" imissed)))
	if ((late > 0 || drops > 0)); then
		sed 's/^/# frame, src, after, seq, len, kind: /' "$PTG_IT_TMP/rexmit.tsv" | head -n 10
		echo "# portgate off the CPU during the run: $stalls"
		ptg_it_fail "$nk retransmissions by the kernel peer on the clean path ($late after 100 ms or more; portgate drops besides duplicates: $drops)"
	fi
	echo "# note: $nk tail-loss probe(s) from the kernel ($(awk -F'\t' '{ printf "%.1f ms%s ", $3 * 1000, $6 == "spurious" ? " (crossed the ACK)" : "" }' "$PTG_IT_TMP/rexmit.tsv")after the original): portgate's ACKs paused ($stalls), nothing was lost"
fi
ptg_it_ok "no retransmission by portgate, no zero-window event, nothing lost"
echo "# tshark's TCP analysis notes (first per frame): $(awk -F'\t' '$12 ~ /^(TCP|Duplicate|This frame|Previous|ACKed)/ {
	sub(/ \(#[0-9]+\)/, "", $12); n[$12]++ }
	END { for (k in n) printf "%s: %d; ", k, n[k] }' "$T")"

n="$(count '$8 == "1"')"
((n == 0)) || ptg_it_fail "$n RST segments on the clean path"
nst="$(streams 1)"
nsyn="$(streams '$5 == "1" && $6 == "0"')"
nsa="$(streams "\$5 == \"1\" && \$6 == \"1\" && \$2 == \"$ADDR\"")"
nfin_p="$(streams "\$7 == \"1\" && \$2 == \"$ADDR\"")"
nfin_k="$(streams "\$7 == \"1\" && \$2 == \"$PEER\"")"
# 5 + 1 curl, 1 echo, 1 chargen
((nst == 8 && nsyn == 8 && nsa == 8 && nfin_p == 8 && nfin_k == 8)) ||
	ptg_it_fail "$nst connections; with SYN $nsyn, SYN-ACK $nsa, FIN from portgate $nfin_p, from the peer $nfin_k; wanted 8 each"
ptg_it_ok "8 connections, each with SYN, SYN-ACK and a FIN each way; no RST"
mss="$(awk -F'\t' -v a="$ADDR" '$5 == "1" && $2 == a { print $10 }' "$T" | sort -u)"
[[ "$mss" == 1460 ]] || ptg_it_fail "SYN-ACK MSS option: '$mss', wanted 1460 (MTU 1500)"
big="$(awk -F'\t' -v a="$ADDR" '$2 == a && $9 > m { m = $9 } END { print m + 0 }' "$T")"
((big <= 1448)) ||
	ptg_it_fail "portgate sent a $big-byte segment (MSS 1460 less 12 of timestamps)"
ptg_it_ok "SYN-ACK MSS 1460; portgate's largest segment $big bytes"

ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
