#!/usr/bin/env bash
# run-suites.sh v2|v1: boot one guest with that cgroup layout and run in it
# (guest-suites.sh) the cgroup unit tests (build/tests/unit/cgroup/
# test_cgroup_*) and the bats files listed in tests/vm/suites.txt, against
# the host-built husk. Prints their cmocka/TAP output and, as the last line,
#   vm-LAYOUT: N passed, N failed, N skipped
# preceded by "# vm-LAYOUT: S s (boot + suites), host load L1 L5 L15".
# Exit status 0 when nothing failed, 1 otherwise.
#
# Environment: HUSK_BINARY (default: build/src/cli/husk in the repo),
# HUSK_BUILD_DIR (build), HUSK_VM_SUITES (bats files to run instead of the
# list, space-separated), HUSK_VM_TIMEOUT (seconds for the whole guest run,
# 3600), HUSK_VM_BATS_TIMEOUT (that minus 300: the bats run is stopped
# first, so the unit test counts survive) and HUSK_VM_UNIT_TIMEOUT (300 per
# program); see vm-run.sh for the guest itself.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=

main() {
	local layout=${1:-} rc=0 counts t0 t1 passed=0 failed=0 skipped=0
	case $layout in
	v1 | v2) ;;
	*)
		echo "usage: run-suites.sh v2|v1" >&2
		exit 2
		;;
	esac
	cd "$REPO"
	export HUSK_BUILD_DIR=${HUSK_BUILD_DIR:-build}
	HUSK_BINARY=$(realpath -m -- "${HUSK_BINARY:-$REPO/$HUSK_BUILD_DIR/src/cli/husk}")
	export HUSK_BINARY
	if [ ! -x "$HUSK_BINARY" ]; then
		echo "# no husk binary at $HUSK_BINARY (meson setup build && ninja -C build)"
		echo "vm-$layout: 0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	case $HUSK_BINARY in
	"$REPO"/*) ;;
	/tmp/* | /var/tmp/* | /run/*)
		# The guest has fresh, empty tmpfs there; only the repo is shared.
		echo "# $HUSK_BINARY is not visible in the guest: use one in the repo or under /usr, /opt, /work..."
		echo "vm-$layout: 0 passed, 1 failed, 0 skipped"
		exit 1
		;;
	esac

	: "${HUSK_VM_TIMEOUT:=3600}"
	export HUSK_VM_BATS_TIMEOUT=${HUSK_VM_BATS_TIMEOUT:-$((HUSK_VM_TIMEOUT > 600 ? HUSK_VM_TIMEOUT - 300 : HUSK_VM_TIMEOUT))}
	OUT=$(mktemp)
	trap 'rm -f "$OUT"' EXIT
	t0=$(date +%s)
	# 6.1 for both layouts: Debian's 6.12 has no v1 memory or cpuset. The
	# exported HUSK_* variables are passed into the guest by vm-run.sh.
	"$HERE/vm-run.sh" --cgroup "$layout" --kernel 6.1 --timeout "$HUSK_VM_TIMEOUT" \
		-- bash tests/vm/guest-suites.sh | tee "$OUT" | grep --line-buffered -v '^husk-vm-counts ' ||
		rc=${PIPESTATUS[0]}
	t1=$(date +%s)

	counts=$(sed -n 's/^husk-vm-counts \([0-9]* [0-9]* [0-9]*\)$/\1/p' "$OUT" | tail -n1)
	if [ -n "$counts" ]; then
		read -r passed failed skipped <<<"$counts"
	fi
	if [ -z "$counts" ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
		# The guest did not finish (124: timeout, 125: harness failure).
		echo "# vm-$layout: the guest run failed with status $rc"
		failed=$((failed + 1))
	fi
	# TCG time depends on what else the host runs: show its load too.
	echo "# vm-$layout: $((t1 - t0)) s (boot + suites), host load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "vm-$layout: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
