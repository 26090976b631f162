#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Out-of-tree services: `meson install --destdir` into a temporary folder,
# then a service built outside the tree against what was installed, loaded
# with --plugin and talked to by the kernel:
#
# 1. the install holds portgate (and portgate-gen when app/portgate-gen
#    is built), libportgate.so and libportgate.a, every public header
#    lib/*/ptg_*.h and no *_priv.h, libportgate.pc, the drivers-config
#    profiles under DATADIR/portgate, the operator scripts and the
#    example systemd unit;
# 2. test/plugin/hello.c builds with cc and `pkg-config --cflags --libs
#    libportgate` (PKG_CONFIG_PATH into the destdir) and nothing of the
#    source tree;
# 3. the installed portgate with --plugin hello.so --service 7000:hello
#    and 7001:hello:bonjour over veth + net_af_packet: nc from a namespace
#    reads "hello" / "bonjour" and EOF, its counters (svc_7000_hello.
#    greeted) in telemetry and at exit; the same from a --config file
#    (plugin = relative to the file);
# 4. refused with exit 2 and a message naming the file, nothing started:
#    a missing file, a .so without ptg_plugin_service, a plugin built
#    with ops of another size, the same plugin twice; a --service naming
#    a plugin's service without the --plugin.
#
#   plugin.sh PATH/TO/portgate

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tools/tcp_lib.sh
. "$PTG_IT_DIR/tools/tcp_lib.sh"
ptg_it_init "$@"
for t in meson cc pkg-config nc; do
	command -v "$t" >/dev/null 2>&1 || ptg_it_skip "$t not installed"
done

BUILD="$(cd "$(dirname "$PORTGATE")/../.." && pwd)"
[[ -f "$BUILD/build.ninja" ]] || ptg_it_fail "$BUILD is not the build directory of $PORTGATE"
D="$PTG_IT_TMP/dest"

# ---- 1. meson install --destdir ------------------------------------------
timeout 300 meson install -C "$BUILD" --destdir "$D" --no-rebuild --quiet \
	>"$PTG_IT_TMP/install.log" 2>&1 ||
	{ tail -n 20 "$PTG_IT_TMP/install.log"; ptg_it_fail "meson install --destdir failed"; }
eval "$(meson introspect "$BUILD" --buildoptions | "$PTG_IT_PY" -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
for k in ("prefix", "bindir", "libdir", "includedir", "datadir"):
    print(f"{k.upper()}={o[k]!r}")
rel = o.get("pkgconfig.relocatable")
print(f"RELOCATABLE={int(bool(rel))}")')"
P="$D$PREFIX"
LIB="$P/$LIBDIR"
want=("$P/$BINDIR/portgate" "$P/$BINDIR/portgate-top" "$P/$BINDIR/portgate-exporter"
	"$LIB/libportgate.so" "$LIB/libportgate.a" "$LIB/pkgconfig/libportgate.pc"
	"$P/$DATADIR/portgate/portgate.service")
[[ -f "$PTG_ROOT/app/portgate-gen/meson.build" ]] && want+=("$P/$BINDIR/portgate-gen")
for f in "$PTG_ROOT"/lib/*/ptg_*.h; do
	want+=("$P/$INCLUDEDIR/portgate/$(basename "$f")")
done
for f in "$PTG_ROOT"/drivers-config/*.ini; do
	want+=("$P/$DATADIR/portgate/drivers-config/$(basename "$f")")
done
for f in "${want[@]}"; do
	[[ -e "$f" ]] || ptg_it_fail "not installed: ${f#"$D"}"
done
[[ -x "$P/$BINDIR/portgate" ]] || ptg_it_fail "portgate installed without x bit"
priv="$(find "$D" -name '*_priv.h' | head -n 3)"
[[ -z "$priv" ]] || ptg_it_fail "internal headers installed: $priv"
ptg_it_ok "meson install --destdir: ${#want[@]} files (binaries, libportgate.so/.a, $(find "$P/$INCLUDEDIR/portgate" -name 'ptg_*.h' | wc -l) headers, libportgate.pc, profiles, scripts), no *_priv.h"

# ---- 2. a plugin built against the install -------------------------------
PC="$LIB/pkgconfig"
if ((!RELOCATABLE)); then
	# A build directory configured before libportgate.pc became
	# relocatable: a copy that points into the destdir.
	mkdir -p "$PTG_IT_TMP/pc"
	sed "s|^prefix=.*|prefix=$P|" "$PC/libportgate.pc" >"$PTG_IT_TMP/pc/libportgate.pc"
	PC="$PTG_IT_TMP/pc"
	echo "# libportgate.pc is not relocatable in $BUILD: using a copy with prefix=$P"
fi
export PKG_CONFIG_PATH="$PC"
CFLAGS_LIBS="$(pkg-config --cflags --libs libportgate)" ||
	ptg_it_fail "pkg-config --cflags --libs libportgate"
[[ "$CFLAGS_LIBS" == *"-I$P/$INCLUDEDIR/portgate"* || "$CFLAGS_LIBS" == *"/portgate "* ]] ||
	ptg_it_fail "pkg-config does not point into the install: $CFLAGS_LIBS"
PLIBDIR="$(pkg-config --variable=libdir libportgate)"
# A copy outside the tree: nothing of lib/ is on its include path.
mkdir -p "$PTG_IT_TMP/plugin"
cp "$PTG_ROOT/test/plugin/hello.c" "$PTG_IT_TMP/plugin/"
build_plugin() { # OUT [CFLAGS...]
	local out="$1"
	shift
	# shellcheck disable=SC2086 # pkg-config's words
	(cd "$PTG_IT_TMP/plugin" && cc -shared -fPIC -O2 -Wall -Wextra -Werror \
		-o "$out" "$@" hello.c $CFLAGS_LIBS -Wl,-rpath,"$PLIBDIR") \
		>"$PTG_IT_TMP/cc.log" 2>&1 ||
		{ cat "$PTG_IT_TMP/cc.log"; ptg_it_fail "cc $* hello.c \$(pkg-config --cflags --libs libportgate)"; }
}
build_plugin "$PTG_IT_TMP/plugin/hello.so"
build_plugin "$PTG_IT_TMP/plugin/nosym.so" -DHELLO_NO_SYMBOL
build_plugin "$PTG_IT_TMP/plugin/badsize.so" -DHELLO_WRONG_SIZE
ptg_it_ok "hello.so built outside the tree with cc and pkg-config --cflags --libs libportgate"

# ---- 3. the installed portgate runs it -------------------------------------
PORTGATE="$P/$BINDIR/portgate"
tcp_it_topology
# nc_read PORT: what the service sends, up to its FIN (bounded).
nc_read() {
	tcp_it_ns 15 nc -w 5 "$ADDR" "$1" </dev/null
}
check_hello() {
	local got
	got="$(nc_read 7000)" || ptg_it_fail "nc $ADDR 7000 failed"
	[[ "$got" == hello ]] || ptg_it_fail "port 7000 said '$got', not 'hello'"
	got="$(nc_read 7001)" || ptg_it_fail "nc $ADDR 7001 failed"
	[[ "$got" == bonjour ]] || ptg_it_fail "port 7001 said '$got', not 'bonjour'"
}
tcp_it_start --plugin "$PTG_IT_TMP/plugin/hello.so" --service 7000:hello \
	--service 7001:hello:bonjour --service 7:echo
grep -q "services=7:echo,7000:hello,7001:hello$" "$PTG_IT_LOG" ||
	ptg_it_fail "the ready line lacks the plugin's services"
check_hello
check_hello
ptg_it_ok "--plugin hello.so: nc reads 'hello' on 7000 and 'bonjour' on 7001, then EOF (twice)"
tcp_it_snap "$PTG_IT_TMP/c1"
g="$(ptg_it_counter "$PTG_IT_TMP/c1" svc_7000_hello.greeted)" || exit 1
((g == 2)) || ptg_it_fail "svc_7000_hello.greeted is $g, expected 2"
ptg_it_ok "the plugin's counters in telemetry: svc_7000_hello.greeted=2"
tcp_it_conns_drained 10
ptg_it_stop
grep -qx 'portgate: stat svc_7001_hello.greeted=2' "$PTG_IT_LOG" ||
	ptg_it_fail "exit report lacks svc_7001_hello.greeted=2"

CFG="$PTG_IT_TMP/plugin/portgate.ini"
printf '[portgate]\naddr = %s/24\nplugin = hello.so\nservice = 7000:hello\nservice = 7001:hello:bonjour\n' \
	"$ADDR" >"$CFG"
ptg_it_start "" --profile "$PTG_ROOT/drivers-config/af_packet.ini" \
	--time-wait-ms 500 --config "$CFG"
ip netns exec "$NS" ping -n -c 1 -W 5 "$ADDR" >/dev/null 2>&1 ||
	ptg_it_fail "portgate $ADDR does not answer ping"
check_hello
ptg_it_ok "--config with plugin = hello.so (relative to the file): the same answers"
tcp_it_conns_drained 10
ptg_it_stop

# ---- 4. what is refused --------------------------------------------------
mapfile -t EAL < <(ptg_it_eal)
expect_exit2() { # WHAT PATTERN APP-OPTIONS...
	local what="$1" pat="$2" out="$PTG_IT_TMP/exit2.out" rc
	shift 2
	timeout -s KILL 30 "$PORTGATE" "${EAL[@]}" -- --addr "$ADDR/24" "$@" \
		>"$out" 2>&1 </dev/null
	rc=$?
	if ((rc != 2)); then
		sed 's/^/#   /' "$out" | tail -n 5
		ptg_it_fail "$what: exit status $rc, expected 2"
	fi
	grep -qF -- "$pat" "$out" || {
		sed 's/^/#   /' "$out" | tail -n 5
		ptg_it_fail "$what: the message lacks '$pat'"
	}
	# One message (a plugin loaded before the bad one logs its line).
	[[ "$(grep -c '^portgate: ' "$out")" == 1 ]] || {
		sed 's/^/#   /' "$out" | tail -n 5
		ptg_it_fail "$what: not one message"
	}
	if [[ -e "/var/run/dpdk/$PTG_IT_PREFIX" ]]; then
		ptg_dpdk_prefix_cleanup "$PTG_IT_PREFIX"
		ptg_it_fail "$what: EAL was started"
	fi
	ptg_it_ok "$what: exit 2: $(grep '^portgate: ' "$out")"
}
expect_exit2 "missing plugin file" "--plugin: $PTG_IT_TMP/plugin/none.so: cannot load" \
	--plugin "$PTG_IT_TMP/plugin/none.so"
expect_exit2 "plugin without ptg_plugin_service" \
	"--plugin: $PTG_IT_TMP/plugin/nosym.so: no symbol ptg_plugin_service" \
	--plugin "$PTG_IT_TMP/plugin/nosym.so"
expect_exit2 "plugin built with ops of another size" \
	"--plugin: $PTG_IT_TMP/plugin/badsize.so: service ops of" \
	--plugin "$PTG_IT_TMP/plugin/badsize.so" --service 7000:hello
expect_exit2 "the same plugin twice" "a service named 'hello' is registered already" \
	--plugin "$PTG_IT_TMP/plugin/hello.so" --plugin "$PTG_IT_TMP/plugin/hello.so"
expect_exit2 "a plugin's service without --plugin" "unknown service 'hello'" \
	--service 7000:hello
printf '[portgate]\nplugin = badsize.so\n' >"$CFG"
expect_exit2 "--config plugin = of another size" "$CFG:2: plugin: $PTG_IT_TMP/plugin/badsize.so" \
	--config "$CFG"
echo "# all $PTG_IT_NCHECK checks passed"
