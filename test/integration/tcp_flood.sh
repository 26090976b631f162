#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A flood of one-byte segments (a kernel client with TCP_NODELAY, one byte
# per send(), paced so each leaves as its own segment) on an echo
# connection, while legitimate clients (http, echo) are served; the mbufs
# portgate holds (/portgate/info mbufs_in_use) are sampled throughout.
#  1. the flooder reads its echo: ~100,000 one-byte segments, mbufs in
#     use stay under 2048 of the 65535, every legitimate request answered.
#  2. the flooder stops reading (a 4 KB receive buffer, 400 KB sent first
#     to fill portgate's send buffer): every further byte stays queued in
#     portgate, one mbuf each. Memory must stay bounded (under 4096 mbufs)
#     and legitimate clients served: lib/tcp bounds a receive
#     queue by the buffers it holds, not only by its bytes, and coalesces
#     small segments (README "Limits and defences").
# Afterwards the table is empty and the mbufs are back.
#
#   [ns: 198.18.0.1 tools/misbehave.py dribble, curl, tcp_client.py]
#       ==veth== af_packet portgate 198.18.0.2
#
#   tcp_flood.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
command -v curl >/dev/null 2>&1 || ptg_it_skip "curl not installed"

MISBEHAVE=("$PTG_IT_PY" "$PTG_IT_DIR/tools/misbehave.py")

tcp_it_topology
tcp_it_start

# mbufs_in_use now (telemetry /portgate/info)
mbufs() {
	"$PTG_IT_PY" "$PTG_IT_DIR/ptg_telemetry.py" --wait 5 "$PTG_IT_PREFIX" \
		/portgate/info | awk '$1 == "mbufs_in_use" { print $2; f = 1 }
		END { exit !f }'
}

# flood NAME DRIBBLE-ARGS...: run the flooder, sample mbufs every 0.25 s
# and serve legitimate clients while it runs; sets PEAK, LEGIT_OK,
# LEGIT_FAIL; the flooder's output in $PTG_IT_TMP/NAME.out.
flood() {
	local name="$1" pid n
	shift
	tcp_it_ns 60 "${MISBEHAVE[@]}" dribble "$ADDR" 7 "$@" \
		>"$PTG_IT_TMP/$name.out" 2>&1 &
	pid=$!
	PEAK=0 LEGIT_OK=0 LEGIT_FAIL=0
	: >"$PTG_IT_TMP/small"
	head -c 20000 /dev/urandom >"$PTG_IT_TMP/small"
	while kill -0 "$pid" 2>/dev/null; do
		n="$(mbufs)" || n=0
		((n > PEAK)) && PEAK=$n
		if tcp_it_ns 10 curl -sS --max-time 2 -o /dev/null "http://$ADDR/" &&
			tcp_it_client 10 echo "$ADDR" 7 --in "$PTG_IT_TMP/small" \
				--out "$PTG_IT_TMP/small.out" --timeout 2 >/dev/null 2>&1 &&
			cmp -s "$PTG_IT_TMP/small" "$PTG_IT_TMP/small.out"; then
			LEGIT_OK=$((LEGIT_OK + 1))
		else
			LEGIT_FAIL=$((LEGIT_FAIL + 1))
		fi
		sleep 0.25
	done
	wait "$pid" || ptg_it_fail "$name flooder: $(cat "$PTG_IT_TMP/$name.out")"
	sed 's/^/# /' "$PTG_IT_TMP/$name.out"
	echo "# $name: peak $PEAK mbufs in use; legitimate rounds (curl + 20 KB echo): $LEGIT_OK served, $LEGIT_FAIL failed"
}

base="$(mbufs)" || ptg_it_fail "no mbufs_in_use in /portgate/info"

# ---- 1. a flooder that reads -----------------------------------------------
tcp_it_snap "$PTG_IT_TMP/a0"
flood read --bytes 100000 --pace-us 20 --total 15
tcp_it_snap "$PTG_IT_TMP/a1"
segs="$(tcp_it_delta "$PTG_IT_TMP/a0" "$PTG_IT_TMP/a1" tcp.rx_segs)"
((segs > 20000)) || ptg_it_fail "only $segs segments reached portgate: not a flood of small ones"
((PEAK < 2048)) || ptg_it_fail "$PEAK mbufs in use during the flood (bound 2048)"
((LEGIT_OK > 0 && LEGIT_FAIL == 0)) ||
	ptg_it_fail "legitimate clients during the flood: $LEGIT_OK served, $LEGIT_FAIL failed"
ptg_it_ok "$segs segments (one byte each mostly) on one echo connection: at most $PEAK mbufs in use, $LEGIT_OK legitimate rounds served, none failed"
tcp_it_conns_drained 10

# ---- 2. a flooder that does not read ----------------------------------------
tcp_it_snap "$PTG_IT_TMP/b0"
flood hoard --bytes 400000 --pace-us 20 --total 20 --stall 3 \
	--rcvbuf 4096 --prefill 400000
tcp_it_snap "$PTG_IT_TMP/b1"
echo "# counters moved: $(tcp_it_deltas "$PTG_IT_TMP/b0" "$PTG_IT_TMP/b1")"
why=""
((PEAK < 4096)) || why="$PEAK mbufs in use (bound 4096)"
((LEGIT_FAIL == 0)) || why+="${why:+; }legitimate clients: $LEGIT_OK served, $LEGIT_FAIL failed"
[[ -z "$why" ]] || ptg_it_fail "one-byte flood, client not reading: $why"
ptg_it_ok "one-byte segments held by a client that does not read: at most $PEAK mbufs in use, $LEGIT_OK legitimate rounds served"
tcp_it_conns_drained 10
n="$(mbufs)"
((n <= base + 512)) || ptg_it_fail "$n mbufs in use after the floods, $base before"
ptg_it_ok "mbufs back after the floods ($n in use, $base before; per-lcore caches aside)"
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
