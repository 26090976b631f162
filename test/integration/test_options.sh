#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# portgate's command-line contract (DESIGN.md): bad options, config files
# and profiles print one message naming the option or FILE:LINE and exit
# with status 2 before anything is started (no EAL runtime directory, no
# TAP device); --help exits 0; SIGINT stops a running portgate with status
# 0 after printing its counters.
#
#   test_options.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ptg_it_init "$@"

NS="ptg-ns-$PTG_IT_ID"
TAPIF="ptg-$PTG_IT_ID-t"
export PTG_TAP_IFACE="$TAPIF"
ptg_netns_add "$NS" || ptg_it_skip "cannot create network namespaces here"
mapfile -t EAL < <(ptg_it_eal)

# expect_usage_error WHAT PATTERN [app options...]: portgate (in NS, so a
# TAP it wrongly creates cannot leak) must exit 2 with PATTERN (a fixed
# string) in its output, and leave nothing behind. Unless NO_ADDR=1, a
# valid --addr comes first (a later --addr overrides it).
expect_usage_error() {
	local what="$1" pat="$2" out="$PTG_IT_TMP/usage.out" rc addr=()
	shift 2
	[[ "${NO_ADDR:-0}" == 1 ]] || addr=(--addr 198.18.0.2/24)
	# shellcheck disable=SC2086 # PTG_IT_IDLE holds option and value
	timeout -s KILL 30 ip netns exec "$NS" "$PORTGATE" "${EAL[@]}" -- \
		$PTG_IT_IDLE "${addr[@]}" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	if ((rc != 2)); then
		sed 's/^/#   /' "$out" | tail -n 10
		ptg_it_fail "$what: exit status $rc, expected 2"
	fi
	if ! grep -qF -- "$pat" "$out"; then
		sed 's/^/#   /' "$out" | tail -n 10
		ptg_it_fail "$what: message does not name '$pat'"
	fi
	if ip -n "$NS" link show dev "$TAPIF" >/dev/null 2>&1; then
		ptg_it_fail "$what: a TAP device was created"
	fi
	if [[ -e "/var/run/dpdk/$PTG_IT_PREFIX" ]]; then
		ptg_dpdk_prefix_cleanup "$PTG_IT_PREFIX"
		ptg_it_fail "$what: EAL was started (/var/run/dpdk/$PTG_IT_PREFIX)"
	fi
	ptg_it_ok "$what: exit 2, names '$pat': $(grep -m1 -F -- "$pat" "$out")"
}

# Options.
NO_ADDR=1 expect_usage_error "no --addr" "--addr"
expect_usage_error "unknown option" "--no-such-option" --no-such-option
expect_usage_error "bad --addr" "--addr" --addr 198.18.0.300/24
expect_usage_error "bad --addr prefix" "--addr" --addr 198.18.0.2/33
expect_usage_error "--addr without value" "--addr" --addr
expect_usage_error "bad --gateway" "--gateway" --gateway 198.18.1
expect_usage_error "bad --workers" "--workers" --workers many
expect_usage_error "bad --idle-sleep-us" "--idle-sleep-us" --idle-sleep-us -5
expect_usage_error "unknown service" "--service" --service 7:no-such-service
expect_usage_error "bad service port" "--service" --service 70000:echo
# The http service's bounds (README "Limits and defences").
expect_usage_error "bad --http-header-timeout-ms" "--http-header-timeout-ms" \
	--http-header-timeout-ms 5s
expect_usage_error "--http-body-timeout-ms over a day" "--http-body-timeout-ms" \
	--http-body-timeout-ms 86400001
expect_usage_error "negative --http-keepalive-timeout-ms" \
	"--http-keepalive-timeout-ms" --http-keepalive-timeout-ms -1
expect_usage_error "empty --http-send-timeout-ms" "--http-send-timeout-ms" \
	--http-send-timeout-ms ""
expect_usage_error "--http-max-body over 2^60-1" "--http-max-body" \
	--http-max-body 1152921504606846976
expect_usage_error "--arp-timeout-ms 0" "--arp-timeout-ms" --arp-timeout-ms 0
expect_usage_error "bad --arp-timeout-ms" "--arp-timeout-ms" \
	--arp-timeout-ms 2m
expect_usage_error "--time-wait-max 0" "--time-wait-max" --time-wait-max 0
expect_usage_error "--tx-zerocopy-min over 65535" "--tx-zerocopy-min" \
	--tx-zerocopy-min 65536
expect_usage_error "--accept-timeout-ms over a day" "--accept-timeout-ms" \
	--accept-timeout-ms 86400001
expect_usage_error "bad --first-data-timeout-ms" "--first-data-timeout-ms" \
	--first-data-timeout-ms 1s
expect_usage_error "negative --keepalive-ms" "--keepalive-ms" \
	--keepalive-ms -1
# tcp_keepalive=0 is refused by every build (bad value, or no support)
expect_usage_error "bad tcp_keepalive ARGS" "--service" \
	--service 7:echo:tcp_keepalive=0
expect_usage_error "bad http ARGS timeout" "--service" \
	--service 80:http:header_timeout=soon
expect_usage_error "http ARGS timeout over a day" "--service" \
	--service 80:http:keepalive_timeout=86400001

# --config files: the error names FILE:LINE.
CFG="$PTG_IT_TMP/bad-key.ini"
printf '; test\n[portgate]\nworkers = 1\nno_such_key = 1\n' >"$CFG"
expect_usage_error "unknown key in --config" "$CFG:4" --config "$CFG"
CFG="$PTG_IT_TMP/bad-value.ini"
printf '; test\n[portgate]\n\nworkers = many\n' >"$CFG"
expect_usage_error "bad value in --config" "$CFG:4" --config "$CFG"
CFG="$PTG_IT_TMP/bad-section.ini"
printf '; test\n[portgate]\nworkers = 1\n[nonsense]\n' >"$CFG"
expect_usage_error "unknown section in --config" "$CFG:4" --config "$CFG"
expect_usage_error "missing --config file" "$PTG_IT_TMP/none.ini" \
	--config "$PTG_IT_TMP/none.ini"
CFG="$PTG_IT_TMP/bad-http.ini"
printf '[portgate]\nhttp_header_timeout_ms = 1000\nhttp_max_body = -5\n' >"$CFG"
expect_usage_error "bad http_max_body in --config" "$CFG:3" --config "$CFG"
CFG="$PTG_IT_TMP/bad-http2.ini"
printf '[portgate]\nhttp_keepalive_timeout_ms = 1e3\n' >"$CFG"
expect_usage_error "bad http_keepalive_timeout_ms in --config" "$CFG:2" \
	--config "$CFG"
CFG="$PTG_IT_TMP/bad-arp.ini"
printf '[portgate]\n\narp_timeout_ms = 86400001\n' >"$CFG"
expect_usage_error "bad arp_timeout_ms in --config" "$CFG:3" --config "$CFG"

# Profiles: the error names FILE:LINE.
PROF="$PTG_IT_TMP/bad-profile.ini"
cp "$PTG_ROOT/drivers-config/tap.ini" "$PROF"
echo "no_such_key = 1" >>"$PROF"
expect_usage_error "unknown key in a profile" "$PROF:$(wc -l <"$PROF")" \
	--profile "$PROF"
# af_packet on an interface that does not exist: the vdev line is named.
PROF="$PTG_ROOT/drivers-config/af_packet.ini"
LINE="$(grep -n '^vdev' "$PROF" | cut -d: -f1)"
export PTG_IFACE="ptg-$PTG_IT_ID-none"
expect_usage_error "profile naming a missing device" "$PROF:$LINE" \
	--profile "$PROF"
unset PTG_IFACE
expect_usage_error "missing profile" "$PTG_IT_TMP/none.ini" \
	--profile "$PTG_IT_TMP/none.ini"

# --help: usage on stdout, status 0.
out="$PTG_IT_TMP/help.out"
timeout -s KILL 30 "$PORTGATE" "${EAL[@]}" -- --help >"$out" 2>&1 </dev/null
rc=$?
((rc == 0)) || ptg_it_fail "--help: exit status $rc"
grep -q -- "--addr" "$out" || ptg_it_fail "--help does not describe --addr"
ptg_it_ok "--help: exit 0, usage printed"

# SIGINT stops a serving portgate with status 0 and prints its counters.
# The run takes every bound it can be given, from a --config and flags.
CFG="$PTG_IT_TMP/good.ini"
printf '[portgate]\nhttp_header_timeout_ms = 30000\nhttp_body_timeout_ms = 0\nhttp_keepalive_timeout_ms = 86400000\nhttp_send_timeout_ms = 1\nhttp_max_body = 1152921504606846975\narp_timeout_ms = 86400000\n' >"$CFG"
ptg_it_start "$NS" --addr 198.18.0.2/24 --config "$CFG" --http-max-body 0
ptg_wait_if "$NS" "$TAPIF" 10 || ptg_it_fail "TAP $TAPIF not in $NS"
ptg_if_addr "$NS" "$TAPIF" 198.18.0.1/24 || ptg_it_fail "cannot address $TAPIF"
ptg_it_ping "$NS" 198.18.0.2 5 56 00
ptg_it_stop INT
echo "# all $PTG_IT_NCHECK checks passed"
