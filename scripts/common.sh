# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared set-up for portgate's scripts and integration tests. Source it:
#
#   . "$(dirname "$0")/common.sh"
#
# run.sh / test.sh / bench.sh -> ptg_install_deps -> ptg_build -> ptg_hugepages
# test/integration/lib.sh -> ptg_netns_add / ptg_veth_add / ptg_cleanup_push
#
# Environment it honours (all optional):
#   BUILD           meson build directory, relative to the repository root or
#                   absolute (default: build)
#   PTG_MESON_OPTS  extra options for `meson setup` (e.g. -Dsanitizers=true)
#   PTG_JOBS        ninja -j (default: number of CPUs)
#   PTG_HUGEPAGES   2 MB pages to reserve (default: 512)
#   PTG_NO_APT=1    never call apt-get, only report what is missing
#
# Every address used by the scripts comes from 198.18.0.0/15 (RFC 2544
# benchmarking range).

if [[ -n "${PTG_COMMON_SH:-}" ]]; then
	return 0
fi
PTG_COMMON_SH=1

PTG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${BUILD:=build}"
if [[ "$BUILD" != /* ]]; then
	PTG_BUILD_DIR="$PTG_ROOT/$BUILD"
else
	PTG_BUILD_DIR="$BUILD"
fi
export BUILD PTG_ROOT PTG_BUILD_DIR

ptg_log() { printf '%s: %s\n' "${PTG_LOG_TAG:-portgate}" "$*" >&2; }
ptg_warn() { printf '%s: warning: %s\n' "${PTG_LOG_TAG:-portgate}" "$*" >&2; }
ptg_die() { printf '%s: error: %s\n' "${PTG_LOG_TAG:-portgate}" "$*" >&2; exit 1; }

ptg_is_root() { [[ "$(id -u)" -eq 0 ]]; }

# ---------------------------------------------------------------------------
# Cleanup stack: ptg_cleanup_push "command ..." registers an action; they run
# in reverse order on exit (normal, error or signal). ptg_cleanup_run can be
# called early; each action runs once.
# ---------------------------------------------------------------------------
PTG_CLEANUP=()

ptg_cleanup_push() { PTG_CLEANUP+=("$*"); }

ptg_cleanup_run() {
	local i
	for ((i = ${#PTG_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${PTG_CLEANUP[i]}" >/dev/null 2>&1 || true
	done
	PTG_CLEANUP=()
}

ptg_cleanup_trap() {
	trap 'ptg_cleanup_run' EXIT
	# A signal ends the script through the EXIT trap, with the usual status.
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

# ---------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------

# Debian packages the build, the tests and the run script need. gcc and
# build-essential are handled apart (either will do). clang and its
# runtime libraries (libclang_rt.fuzzer, the sanitizers) build the fuzz
# targets.
PTG_DEBS=(pkg-config meson ninja-build libdpdk-dev dpdk-dev libnuma-dev
	libcmocka-dev iproute2 iputils-ping iputils-arping ethtool tshark curl
	python3 netcat-openbsd clang libclang-rt-14-dev)
# What scripts/bench.sh needs besides: gnuplot for the chart (dpdk-testpmd
# comes with dpdk-dev above; util-linux has taskset).
PTG_BENCH_DEBS=(gnuplot-nox util-linux)

ptg_deb_installed() {
	[[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == "ii"* ]]
}

# Print the packages that are missing, one per line: PTG_DEBS and the
# extra packages given as arguments.
ptg_missing_debs() {
	local p
	if ! command -v gcc >/dev/null 2>&1 && ! ptg_deb_installed build-essential; then
		echo build-essential
	fi
	for p in "${PTG_DEBS[@]}" "$@"; do
		ptg_deb_installed "$p" || echo "$p"
	done
}

# ptg_install_deps [extra packages...]: install what is missing of PTG_DEBS
# and the extras (apt-get update, then apt-get install -y of exactly those
# packages); does nothing at all when everything is present.
ptg_install_deps() {
	local missing extra=("$@")
	if ! command -v dpkg-query >/dev/null 2>&1; then
		ptg_warn "not a Debian system: cannot check packages; continuing"
		return 0
	fi
	mapfile -t missing < <(ptg_missing_debs "${extra[@]}")
	if ((${#missing[@]} == 0)); then
		ptg_log "dependencies: all present"
		return 0
	fi
	ptg_log "dependencies missing: ${missing[*]}"
	if [[ "${PTG_NO_APT:-0}" == 1 ]]; then
		ptg_die "PTG_NO_APT=1: install them by hand"
	fi
	if ! ptg_is_root; then
		ptg_die "need root to install them (apt-get install ${missing[*]})"
	fi
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, quietly.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections
	apt-get update || ptg_die "apt-get update failed"
	# iputils-arping conflicts with (and so replaces) the other arping.
	apt-get install -y --no-install-recommends "${missing[@]}" ||
		ptg_die "apt-get install failed"
	mapfile -t missing < <(ptg_missing_debs "${extra[@]}")
	((${#missing[@]} == 0)) || ptg_die "still missing after install: ${missing[*]}"
}

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

# ptg_build [ninja targets...]: configure $BUILD if needed (release build,
# plus PTG_MESON_OPTS), then build (everything, or the targets given).
ptg_build() {
	local jobs="${PTG_JOBS:-$(nproc)}" opts=()
	# shellcheck disable=SC2206 # word splitting of user options is wanted
	opts=(${PTG_MESON_OPTS:-})
	if [[ ! -f "$PTG_BUILD_DIR/build.ninja" ]]; then
		if [[ -f "$PTG_BUILD_DIR/meson-private/coredata.dat" ]]; then
			# Configured once, generation failed since: start over.
			opts+=(--wipe)
		fi
		# A release build unless the options name another buildtype.
		[[ " ${opts[*]} " == *buildtype* ]] || opts=(--buildtype=release "${opts[@]}")
		ptg_log "configuring $PTG_BUILD_DIR"
		meson setup "${opts[@]}" "$PTG_BUILD_DIR" \
			"$PTG_ROOT" || ptg_die "meson setup failed"
	elif ((${#opts[@]})); then
		meson configure "${opts[@]}" "$PTG_BUILD_DIR" ||
			ptg_die "meson configure ${opts[*]} failed"
	fi
	ptg_log "building in $PTG_BUILD_DIR (-j$jobs)"
	ninja -C "$PTG_BUILD_DIR" -j "$jobs" "$@" || ptg_die "build failed"
}

# Path of the portgate binary in the build directory.
ptg_portgate_bin() { echo "$PTG_BUILD_DIR/app/portgate/portgate"; }

# Path of the portgate-gen binary in the build directory.
ptg_gen_bin() { echo "$PTG_BUILD_DIR/app/portgate-gen/portgate-gen"; }

# ---------------------------------------------------------------------------
# Hugepages
# ---------------------------------------------------------------------------

PTG_HP_SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB

# Free 2 MB pages right now (0 when there is no 2 MB pool).
ptg_hugepages_free() {
	cat "$PTG_HP_SYSFS/free_hugepages" 2>/dev/null || echo 0
}

ptg_hugetlbfs_mounted() {
	awk '$3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts
}

# Choose the EAL memory flags without changing anything: empty when enough
# 2 MB pages are free and hugetlbfs is mounted, else the --no-huge fallback.
# Needs PTG_HUGEPAGES_MIN free pages (default 128, i.e. 256 MB).
ptg_eal_mem_flags() {
	local need="${PTG_HUGEPAGES_MIN:-128}"
	if ptg_is_root && ptg_hugetlbfs_mounted &&
		(($(ptg_hugepages_free) >= need)); then
		echo ""
	else
		echo "--no-huge -m 512"
	fi
}

# Mount hugetlbfs and reserve PTG_HUGEPAGES 2 MB pages; on any failure warn
# and fall back to --no-huge. Exports PTG_EAL_MEM: the EAL memory flags to use.
ptg_hugepages() {
	local want="${PTG_HUGEPAGES:-512}" have
	PTG_EAL_MEM="--no-huge -m 512"
	export PTG_EAL_MEM
	if ! ptg_is_root; then
		ptg_warn "not root: no hugepages, EAL runs with $PTG_EAL_MEM"
		return 0
	fi
	if [[ ! -d "$PTG_HP_SYSFS" ]]; then
		ptg_warn "no 2 MB hugepage support: EAL runs with $PTG_EAL_MEM"
		return 0
	fi
	if ! ptg_hugetlbfs_mounted; then
		mkdir -p /dev/hugepages
		if ! mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages; then
			ptg_warn "cannot mount hugetlbfs: EAL runs with $PTG_EAL_MEM"
			return 0
		fi
	fi
	have=$(cat "$PTG_HP_SYSFS/nr_hugepages")
	if ((have < want)); then
		echo "$want" >"$PTG_HP_SYSFS/nr_hugepages" 2>/dev/null || true
		have=$(cat "$PTG_HP_SYSFS/nr_hugepages")
	fi
	if (($(ptg_hugepages_free) < ${PTG_HUGEPAGES_MIN:-128})); then
		ptg_warn "only $(ptg_hugepages_free) free 2 MB pages (of $have):" \
			"EAL runs with $PTG_EAL_MEM"
		return 0
	fi
	PTG_EAL_MEM=""
	ptg_log "hugepages: $have x 2 MB reserved, $(ptg_hugepages_free) free"
}

# Remove what a DPDK process with --file-prefix $1 leaves behind when it dies
# without cleaning up (hugepage files, runtime directory).
ptg_dpdk_prefix_cleanup() {
	local prefix="$1"
	[[ -n "$prefix" ]] || return 0
	rm -f /dev/hugepages/"${prefix}"map_* 2>/dev/null || true
	rm -rf "/var/run/dpdk/${prefix:?}" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# CPUs
# ---------------------------------------------------------------------------

# The highest CPU this process may run on (portgate's lcore; the kernel peer
# and the shell keep the others).
ptg_last_cpu() {
	python3 -c 'import os; print(max(os.sched_getaffinity(0)))' 2>/dev/null ||
		echo $(($(nproc) - 1))
}

# ---------------------------------------------------------------------------
# Network topologies: namespaces, veth pairs, TAP host sides. Every helper
# registers its own undo on the cleanup stack.
# ---------------------------------------------------------------------------

# Four random hex digits, for unique names (netns, interfaces, file prefixes).
ptg_rand4() { printf '%04x' $((RANDOM ^ ($$ & 0xffff))); }

# ptg_netns_add NAME: create a namespace with lo up and IPv6 off (so the
# kernel sends nothing on its own: no router or neighbour solicitations).
ptg_netns_add() {
	local ns="$1"
	ip netns add "$ns" || return 1
	ptg_cleanup_push "ip netns pids '$ns' | xargs -r kill; ip netns del '$ns'"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

# ptg_veth_add OUTER INNER NS: a veth pair, OUTER in this namespace (up, no
# address, IPv6 off), INNER moved into NS (down; see ptg_if_addr).
ptg_veth_add() {
	local outer="$1" inner="$2" ns="$3"
	ip link add "$outer" type veth peer name "$inner" || return 1
	ptg_cleanup_push "ip link del '$outer'"
	sysctl -qw "net.ipv6.conf.$outer.disable_ipv6=1" >/dev/null 2>&1 || true
	ip link set "$inner" netns "$ns"
	ip link set "$outer" up
}

# ptg_if_addr NS IF ADDR/PREFIX: address an interface in NS (empty NS: this
# namespace), turn TX checksum offload off (the kernel would otherwise hand
# af_packet/tap half-finished checksums) and bring it up.
ptg_if_addr() {
	local ns="$1" ifname="$2" addr="$3" nsexec=()
	[[ -n "$ns" ]] && nsexec=(ip netns exec "$ns")
	"${nsexec[@]}" sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" \
		>/dev/null 2>&1 || true
	"${nsexec[@]}" ethtool -K "$ifname" tx off >/dev/null 2>&1 || true
	"${nsexec[@]}" ip addr add "$addr" dev "$ifname" || return 1
	"${nsexec[@]}" ip link set "$ifname" up
}

# ptg_wait_if NS IF [TIMEOUT_S]: wait until interface IF exists in NS.
ptg_wait_if() {
	local ns="$1" ifname="$2" t="${3:-10}" i nsexec=()
	[[ -n "$ns" ]] && nsexec=(ip netns exec "$ns")
	for ((i = 0; i < t * 10; i++)); do
		"${nsexec[@]}" ip link show dev "$ifname" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
