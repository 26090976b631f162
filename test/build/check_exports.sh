#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every shared object the build produces exports only portgate's public
# API: symbols named ptg_*, plus, for the packetdrill adapter alone, the
# interface packetdrill calls (packetdrill_interface_init) and the
# getopt_long() it interposes under RTLD_DEEPBIND (see the adapter).
# Anything else (tcp_input, arp_input, a helper someone forgot to make
# static) is namespace pollution for every application that loads it.
# AddressSanitizer builds add an ODR indicator per exported global
# (__odr_asan.ptg_x): those name a ptg_ symbol and are accepted.
#
#   check_exports.sh BUILD_DIR [MIN_OBJECTS]
#
# Fails when an object exports anything else, when nm fails, or when fewer
# than MIN_OBJECTS shared objects were found (a build that made none
# proves nothing).
set -uo pipefail

build=${1:?usage: check_exports.sh BUILD_DIR [MIN_OBJECTS]}
min=${2:-1}
nobj=0
bad=0

while IFS= read -r -d '' so; do
	nobj=$((nobj + 1))
	allowed='^(__odr_asan[._])?ptg_'
	case "$(basename "$so")" in
	ptg_packetdrill.so)
		allowed='^((__odr_asan[._])?ptg_|packetdrill_interface_init$|getopt_long$)' ;;
	esac
	if ! syms=$(nm -D --defined-only "$so" | awk 'NF == 3 { print $3 }'); then
		echo "FAIL: nm -D $so"
		bad=$((bad + 1))
		continue
	fi
	total=$(printf '%s\n' "$syms" | grep -c .)
	extra=$(printf '%s\n' "$syms" | grep -Ev "$allowed" | grep . || true)
	if [[ -n "$extra" ]]; then
		echo "FAIL: $so exports $(printf '%s\n' "$extra" | wc -l) symbol(s) outside the public API:"
		printf '  %s\n' $extra | head -50
		bad=$((bad + 1))
	else
		echo "ok: $so ($total exported symbols, all public)"
	fi
done < <(find "$build" -type f \( -name '*.so' -o -name '*.so.*' \) \
	-not -path '*/meson-*' -print0 | sort -z)

if ((nobj < min)); then
	echo "FAIL: found $nobj shared object(s) under $build, expected at least $min"
	exit 1
fi
if ((bad > 0)); then
	echo "$bad of $nobj shared object(s) export private symbols"
	exit 1
fi
echo "all $nobj shared object(s) export only the public API"
