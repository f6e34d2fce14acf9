#!/usr/bin/env bash
# README command 2: on Debian 12 as root, install what is missing, build
# husk, run the cmocka unit tests and the bats integration suites, then the
# cgroup suites again in a pure cgroup v2 and a pure v1 QEMU guest
# (tests/vm), and end with the line "N passed, N failed[, N skipped]" over
# all of them. The real-client suites (containerd, podman) run every scenario
# with husk and with runc; a table shows the two side by side. Exit status
# non-zero if anything failed.
#
#   bash tests/run.sh
#
# Environment: HUSK_BUILD_DIR (default "build"), BATS_TIMEOUT (seconds for
# the whole bats run, default 2400), HUSK_VM_LAYOUTS (guest layouts, default
# "v2 v1"; empty: no guest run), HUSK_VM_TIMEOUT (seconds per guest, default
# 1800).
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
REPO=$(pwd)
BUILD=${HUSK_BUILD_DIR:-build}
export DEBIAN_FRONTEND=noninteractive

passed=0 failed=0 skipped=0
WORK=$(mktemp -d /tmp/husk-run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

summary() {
	local line="$passed passed, $failed failed"
	[ "$skipped" -gt 0 ] && line+=", $skipped skipped"
	echo "$line"
}

die_summary() {
	echo "run.sh: $*" >&2
	failed=$((failed + 1))
	summary
	exit 1
}

section() {
	printf '\n==== %s ====\n' "$*"
}

# ---------------------------------------------------------------------------
section "dependencies"
PKGS=(meson ninja-build pkg-config gcc libyajl-dev libseccomp-dev libcap-dev
	libcmocka-dev bats jq busybox-static golang-github-opencontainers-specs-dev
	python3-jsonschema procps util-linux scdoc uidmap
	containerd runc podman conmon catatonit umoci skopeo)
missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		die_summary "missing packages (${missing[*]}) and not root to install them"
	fi
	apt-get update -q </dev/null || die_summary "apt-get update failed"
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
		die_summary "apt-get install ${missing[*]} failed"
else
	echo "all present"
fi

# ---------------------------------------------------------------------------
section "build ($BUILD)"
if [ ! -f "$BUILD/build.ninja" ]; then
	if [ -f "$BUILD/meson-private/coredata.dat" ]; then
		meson setup --reconfigure "$BUILD" </dev/null || die_summary "meson setup failed"
	else
		meson setup "$BUILD" </dev/null || die_summary "meson setup failed"
	fi
fi
ninja -C "$BUILD" </dev/null || die_summary "build failed"
HUSK_BINARY="$REPO/$BUILD/src/cli/husk"
[ -x "$HUSK_BINARY" ] || die_summary "no husk binary at $HUSK_BINARY"
export HUSK_BINARY

# ---------------------------------------------------------------------------
section "unit tests (meson test)"
rm -f "$BUILD/meson-logs/testlog.json"
meson test -C "$BUILD" --no-rebuild --print-errorlogs </dev/null
unit_rc=$?
up=0 uf=0 us=0
if [ -s "$BUILD/meson-logs/testlog.json" ]; then
	# One JSON object per test program. cmocka programs report their cases
	# ("[  PASSED  ] N test(s)", "[  FAILED  ] N test(s)"): count those;
	# anything else counts as one test; a crash counts as a failure.
	read -r up uf us < <(jq -rs '
	  def cnt(re): [((.stdout // "") + (.stderr // "")) | scan(re) | .[0] | tonumber] | add // 0;
	  map(cnt("\\[  PASSED  \\] ([0-9]+) test") as $p
	      | cnt("\\[  FAILED  \\] ([0-9]+) test") as $f
	      | if .result == "OK" or .result == "EXPECTEDFAIL" then
	          {p: (if $p > 0 then $p else 1 end), f: 0, s: 0}
	        elif .result == "SKIP" then {p: 0, f: 0, s: 1}
	        else {p: $p, f: (if $f > 0 then $f else 1 end), s: 0} end)
	  | "\(map(.p) | add // 0) \(map(.f) | add // 0) \(map(.s) | add // 0)"' \
		"$BUILD/meson-logs/testlog.json")
fi
if [ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ]; then
	# meson itself failed (or the log could not be read).
	uf=1
fi
echo "unit tests: $up passed, $uf failed, $us skipped"
passed=$((passed + up))
failed=$((failed + uf))
skipped=$((skipped + us))

# ---------------------------------------------------------------------------
section "integration tests (bats)"
TAP="$WORK/bats.tap"
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root: not run" >&2
	failed=$((failed + 1))
else
	timeout -k 10 "${BATS_TIMEOUT:-2400}" bats --tap tests/integration </dev/null 2>&1 | tee "$TAP"
	bats_rc=${PIPESTATUS[0]}
	bp=$(grep -E '^ok ' "$TAP" | grep -cvE '^ok [0-9]+ .*# skip' || true)
	bs=$(grep -cE '^ok [0-9]+ .*# skip' "$TAP" || true)
	bf=$(grep -cE '^not ok ' "$TAP" || true)
	if [ "$bats_rc" -ne 0 ] && [ "$bf" -eq 0 ]; then
		echo "bats exited with status $bats_rc (timeout or crash)" >&2
		bf=1
	fi
	# containerd and podman, with husk and with runc, one row per scenario.
	bash tests/client-table.sh "$TAP"
	echo "integration tests: $bp passed, $bf failed, $bs skipped"
	passed=$((passed + bp))
	failed=$((failed + bf))
	skipped=$((skipped + bs))
fi

# ---------------------------------------------------------------------------
# Pure v2 and pure v1 hosts, which this one may not be: the cgroup suites in
# a QEMU guest per layout, the two side by side (tests/vm/README.md).
VM_LAYOUTS=${HUSK_VM_LAYOUTS-v2 v1}
section "cgroup layouts in QEMU guests (tests/vm): ${VM_LAYOUTS:-none}"
if [ -z "$VM_LAYOUTS" ]; then
	echo "not run: HUSK_VM_LAYOUTS is empty"
else
	VMLOG="$WORK/vm.log"
	# shellcheck disable=SC2086 # a list of layouts
	HUSK_BUILD_DIR=$BUILD HUSK_VM_TIMEOUT=${HUSK_VM_TIMEOUT:-1800} \
		bash tests/vm/run-layouts.sh $VM_LAYOUTS </dev/null 2>&1 | tee "$VMLOG"
	vm_line=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$VMLOG" | tail -n1)
	if [ -n "$vm_line" ]; then
		read -r _ vp _ vf _ vs _ <<<"$vm_line"
	else
		echo "the guest runs ended without a result line" >&2
		vp=0 vf=1 vs=0
	fi
	passed=$((passed + vp))
	failed=$((failed + vf))
	skipped=$((skipped + vs))
fi

# ---------------------------------------------------------------------------
echo
echo "run.sh: $((SECONDS / 60)) min $((SECONDS % 60)) s in all"
summary
[ "$failed" -eq 0 ]
