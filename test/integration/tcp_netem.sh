#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The echo and http transfers must stay intact on an impaired link, one
# impairment at a time, both directions:
#   1. loss 3%
#   2. delay 2 ms with 10% reordering (netem's reorder needs a delay: 10%
#      of the frames go at once and overtake the delayed ones)
#   3. duplicate 1%
#
#   [ns: 198.18.0.1 curl, tcp_client.py] ==veth== [ns mid: impairment]
#       ==veth== af_packet portgate 198.18.0.2
#
# The impairment is tc netem on both ports of a bridge in the middle
# namespace, or, where the kernel has no sch_netem, tools/impair_relay.py
# with the same semantics (TCP_IT_IMPAIR=netem|relay forces one). Each
# stage: 8 MB of random data through echo (sha256 equal), /bytes/N bodies
# (exact), 20 sequential requests on new connections (so handshakes and
# closes get impaired too). A stage must have impaired something, and the
# loss stage must have made portgate retransmit. Every wait is bounded;
# the qdiscs, relay and namespaces go on exit whatever happens.
#
#   tcp_netem.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

tcp_it_topology impair
tcp_it_impair_setup
tcp_it_impair # a clean link to start (the relay forwards as is)
tcp_it_start

D="$PTG_IT_TMP/data"
mkdir -p "$D"
head -c 8M /dev/urandom >"$D/in" || ptg_it_fail "no random data"
SUM="$(sha256sum <"$D/in" | cut -d' ' -f1)"
URL="http://$ADDR"

# stage NAME CHECK NETEM-ARGS...: one impaired round of transfers.
stage() {
	local name="$1" check="$2" t0 i n f c0 c1 checks=() d
	shift 2
	c0="$PTG_IT_TMP/c.$name.0"
	c1="$PTG_IT_TMP/c.$name.1"
	echo "# ---- stage: $name ($*) ----"
	tcp_it_snap "$c0"
	tcp_it_impair "$@"
	t0="$(tcp_it_now)"

	rm -f "$D/out"
	tcp_it_client 200 echo "$ADDR" 7 --in "$D/in" --out "$D/out" \
		--timeout 30 --total 180 || ptg_it_fail "$name: 8 MB through echo"
	[[ "$(sha256sum <"$D/out" | cut -d' ' -f1)" == "$SUM" ]] ||
		ptg_it_fail "$name: echo returned different data (sha256)"
	ptg_it_ok "$name: 8 MB through echo, sha256 equal ($(tcp_it_since "$t0") s)"

	t0="$(tcp_it_now)"
	for n in 1000000 300000 65536 1449 0; do
		f="$D/$name.$n"
		tcp_it_ns 100 curl -sS --max-time 90 --connect-timeout 30 \
			-o "$f" "$URL/bytes/$n" || ptg_it_fail "$name: GET /bytes/$n"
		checks+=("$f:$n")
	done
	for ((i = 0; i < 20; i++)); do
		f="$D/$name.seq.$i"
		tcp_it_ns 100 curl -sS --max-time 90 --connect-timeout 30 \
			-o "$f" "$URL/bytes/$((i * 1000))" ||
			ptg_it_fail "$name: request $i"
		checks+=("$f:$((i * 1000))")
	done
	"$PTG_IT_PY" "$TCP_IT_TOOLS/tcp_client.py" bytes-check "${checks[@]}" ||
		ptg_it_fail "$name: http bodies"
	ptg_it_ok "$name: 25 http GETs (1 MB down to 0 bytes, 20 on new connections), bodies exact ($(tcp_it_since "$t0") s)"

	tcp_it_impair_end
	tcp_it_snap "$c1"
	echo "# counters moved: $(tcp_it_deltas "$c0" "$c1" | tr ' ' '\n' |
		grep -E '^tcp\.' | tr '\n' ' ')"
	tcp_it_wire_check "$c0" "$c1"
	case "$check" in
	lost) n="$TCP_IT_LOST" ;;
	early) n="$TCP_IT_EARLY" ;;
	dup) n="$TCP_IT_DUPS" ;;
	esac
	if [[ "$n" == "?" ]]; then
		echo "# $name: netem does not count what it $check (not checked)"
	else
		((n > 0)) || ptg_it_fail "$name: the impairment touched no frame ($check $n)"
		ptg_it_ok "$name: the impairment hit $n frames ($check)"
	fi
	if [[ "$name" == loss ]]; then
		d="$(tcp_it_delta "$c0" "$c1" tcp.retransmits)"
		((d > 0)) || ptg_it_fail "loss: portgate retransmitted nothing"
		ptg_it_ok "loss: portgate recovered by retransmitting $d segments"
	fi
}

stage loss lost loss 3%
stage reorder early delay 2ms reorder 10%
stage duplicate dup duplicate 1%

tcp_it_impair # clean again
tcp_it_conns_drained 20
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
