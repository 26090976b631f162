#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# portgate on net_af_packet against the Linux kernel in a namespace:
#
#   [ns ptg-ns-XXXX: ptg-XXXX-i 198.18.0.1/24] ==veth== ptg-XXXX-o
#       <- net_af_packet <- portgate 198.18.0.2/24 (root namespace)
#
# ping (several sizes up to the MTU, payload patterns checked), arping, a
# burst of malformed frames with exact drop counters, ping again, SIGTERM.
#
#   test_af_packet.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ptg_it_init "$@"

NS="ptg-ns-$PTG_IT_ID"
OUTER="ptg-$PTG_IT_ID-o"
INNER="ptg-$PTG_IT_ID-i"
PEER=198.18.0.1
ADDR=198.18.0.2

ptg_netns_add "$NS" || ptg_it_skip "cannot create network namespaces here"
ptg_veth_add "$OUTER" "$INNER" "$NS" || ptg_it_fail "cannot create veth pair"
ptg_if_addr "$NS" "$INNER" "$PEER/24" || ptg_it_fail "cannot address $INNER"

export PTG_IFACE="$OUTER" # drivers-config/af_packet.ini: ${PTG_IFACE}
ptg_it_start "" --profile "$PTG_ROOT/drivers-config/af_packet.ini" \
	--addr "$ADDR/24"

ptg_it_arping "$NS" "$INNER" "$ADDR" 5
ptg_it_ping "$NS" "$ADDR" 50 56 a5
ptg_it_ping "$NS" "$ADDR" 50 1000 0123456789abcdef
ptg_it_ping "$NS" "$ADDR" 50 1472 deadbeef   # 1500-byte datagrams: the MTU
# Fragments are left out here: net_af_packet joins its sockets in a fanout
# group with PACKET_FANOUT_FLAG_DEFRAG, so the kernel holds fragments for
# reassembly and they never reach portgate (the TAP test sends them).
ptg_it_malformed "$NS" "$INNER" "$PEER" "$ADDR" 10000 fragment,fragment_tail
ptg_it_ping "$NS" "$ADDR" 50 56 5a
ptg_it_arping "$NS" "$INNER" "$ADDR" 5
ptg_it_stop
echo "# all $PTG_IT_NCHECK checks passed"
