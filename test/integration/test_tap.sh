#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# portgate on its embedded default profile (net_tap) against the Linux
# kernel. portgate itself runs inside a fresh namespace, so the TAP's host
# side is created there and nothing reaches the host's own routing:
#
#   [ns ptg-ns-XXXX: ptg-XXXX-t 198.18.0.1/24 <=TAP=> portgate 198.18.0.2/24]
#
# ping (several sizes up to the MTU, payload patterns checked), arping, a
# burst of malformed frames with exact drop counters, ping again, SIGTERM.
#
#   test_tap.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ptg_it_init "$@"

NS="ptg-ns-$PTG_IT_ID"
TAPIF="ptg-$PTG_IT_ID-t"
PEER=198.18.0.1
ADDR=198.18.0.2

[[ -c /dev/net/tun ]] || ptg_it_skip "no /dev/net/tun"
ptg_netns_add "$NS" || ptg_it_skip "cannot create network namespaces here"

# The embedded profile names its interface ${PTG_TAP_IFACE:-ptg0}.
export PTG_TAP_IFACE="$TAPIF"
ptg_it_start "$NS" --addr "$ADDR/24"
ptg_wait_if "$NS" "$TAPIF" 10 || ptg_it_fail "TAP $TAPIF not in $NS"
ptg_if_addr "$NS" "$TAPIF" "$PEER/24" || ptg_it_fail "cannot address $TAPIF"
ptg_it_ok "TAP $TAPIF created by portgate, host side $PEER/24"

ptg_it_arping "$NS" "$TAPIF" "$ADDR" 5
ptg_it_ping "$NS" "$ADDR" 50 56 a5
ptg_it_ping "$NS" "$ADDR" 50 1000 0123456789abcdef
ptg_it_ping "$NS" "$ADDR" 50 1472 deadbeef   # 1500-byte datagrams: the MTU
ptg_it_malformed "$NS" "$TAPIF" "$PEER" "$ADDR" 10000
ptg_it_ping "$NS" "$ADDR" 50 56 5a
ptg_it_arping "$NS" "$TAPIF" "$ADDR" 5
ptg_it_stop
ip -n "$NS" link show dev "$TAPIF" >/dev/null 2>&1 &&
	ptg_it_fail "TAP $TAPIF still there after portgate exited"
ptg_it_ok "TAP removed at exit"
echo "# all $PTG_IT_NCHECK checks passed"
