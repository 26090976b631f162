#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK's convention for devices (as testpmd): with no --profile, a device
# named in the EAL options is the port, with a profile's default
# settings; two where one port is expected is an error (exit 2).
#
#   [ns ptg-ns-XXXX: ptg-XXXX-i 198.18.0.1/24] ==veth== ptg-XXXX-o
#       <- --vdev net_af_packet0,iface=ptg-XXXX-o <- portgate 198.18.0.2/24
#
# 1. --vdev net_af_packet0 on the veth, no --profile: the ready line
#    names that port, ping and arping from the namespace are answered, no
#    TAP device appears;
# 2. two --vdev devices: exit 2 naming both, before EAL starts;
# 3. a --vdev that probes no port: exit 2 with the message.
#
#   test_eal_devices.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ptg_it_init "$@"

NS="ptg-ns-$PTG_IT_ID"
OUTER="ptg-$PTG_IT_ID-o"
INNER="ptg-$PTG_IT_ID-i"
PEER=198.18.0.1
ADDR=198.18.0.2
# The embedded TAP profile's interface, were it wrongly used.
export PTG_TAP_IFACE="ptg-$PTG_IT_ID-t"

ptg_netns_add "$NS" || ptg_it_skip "cannot create network namespaces here"
ptg_veth_add "$OUTER" "$INNER" "$NS" || ptg_it_fail "cannot create veth pair"
ptg_if_addr "$NS" "$INNER" "$PEER/24" || ptg_it_fail "cannot address $INNER"

# expect_exit2 WHAT PATTERN EAL-OPTIONS... -- APP-OPTIONS...: exit status
# 2 and PATTERN (fixed string) in the output.
expect_exit2() {
	local what="$1" pat="$2" out="$PTG_IT_TMP/exit2.out" rc eal=()
	shift 2
	while [[ $# -gt 0 && "$1" != -- ]]; do
		eal+=("$1")
		shift
	done
	shift
	mapfile -t base < <(ptg_it_eal)
	timeout -s KILL 60 "$PORTGATE" "${base[@]}" "${eal[@]}" -- \
		"$@" >"$out" 2>&1 </dev/null
	rc=$?
	ptg_dpdk_prefix_cleanup "$PTG_IT_PREFIX"
	if ((rc != 2)); then
		sed 's/^/#   /' "$out" | tail -n 10
		ptg_it_fail "$what: exit status $rc, expected 2"
	fi
	if ! grep -qF -- "$pat" "$out"; then
		sed 's/^/#   /' "$out" | tail -n 10
		ptg_it_fail "$what: message does not name '$pat'"
	fi
	if ip link show dev "$PTG_TAP_IFACE" >/dev/null 2>&1; then
		ptg_it_fail "$what: the default TAP device was created"
	fi
	ptg_it_ok "$what: exit 2: $(grep -m1 -F -- "$pat" "$out")"
}

# 1. One --vdev, no --profile.
PTG_IT_EAL_EXTRA=(--vdev "net_af_packet0,iface=$OUTER")
ptg_it_start "" --addr "$ADDR/24"
grep -q '^portgate: ready .* port=net_af_packet0 ' "$PTG_IT_LOG" ||
	ptg_it_fail "the ready line does not name net_af_packet0"
grep -q "^portgate: no --profile: using net_af_packet0" "$PTG_IT_LOG" ||
	ptg_it_fail "portgate does not say it uses the EAL's port"
ptg_it_ok "--vdev net_af_packet0,iface=$OUTER, no --profile: serving on net_af_packet0"
if ip link show dev "$PTG_TAP_IFACE" >/dev/null 2>&1; then
	ptg_it_fail "the default TAP device was created besides the --vdev"
fi
ptg_it_ok "no TAP device created"
ptg_it_arping "$NS" "$INNER" "$ADDR" 3
ptg_it_ping "$NS" "$ADDR" 20 56 a5
ptg_it_stop

# 2. Two devices where one port is expected.
PTG_IT_EAL_EXTRA=()
expect_exit2 "two --vdev devices" "net_null1" \
	--vdev "net_af_packet0,iface=$OUTER" --vdev net_null1 -- \
	--addr "$ADDR/24"
expect_exit2 "two devices, --vdev= and -a" "where one port is expected" \
	--vdev=net_null0 -a 0000:00:00.0 -- --addr "$ADDR/24"

# 3. A device that probes no port.
expect_exit2 "a --vdev that probes no port" "EAL probed no port" \
	--vdev "net_af_packet0,iface=ptg-$PTG_IT_ID-none" -- --addr "$ADDR/24"

echo "# all $PTG_IT_NCHECK checks passed"
