#!/usr/bin/env bash
# guest-suites.sh: run inside the guest by run-suites.sh (from the repo
# directory): the cgroup unit tests, then the bats files listed in
# tests/vm/suites.txt, all against $HUSK_BINARY. Prints their output and,
# last, "husk-vm-counts PASSED FAILED SKIPPED" for run-suites.sh to add up.
set -euo pipefail

BUILD=${HUSK_BUILD_DIR:-build}
SUITES=tests/vm/suites.txt
passed=0 failed=0 skipped=0

section() { printf '\n# ==== %s ====\n' "$*"; }

# count_cmocka STATUS FILE: add up one cmocka program's summary lines. A
# program that failed without reporting a failed test (crash, timeout)
# counts as one failure; one that passed without a summary as one pass.
count_cmocka() {
	local rc=$1 out=$2 p f s
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	elif [ "$rc" -eq 0 ] && [ $((p + s)) -eq 0 ]; then
		p=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

run_unit_tests() {
	local t out rc found=0
	section "cgroup unit tests ($BUILD/tests/unit/cgroup)"
	out=$(mktemp)
	for t in "$BUILD"/tests/unit/cgroup/test_cgroup_*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue # the build's *.p object directories
		fi
		found=1
		echo "# $t"
		rc=0
		timeout -k 10 "${HUSK_VM_UNIT_TIMEOUT:-300}" "$t" >"$out" 2>&1 </dev/null || rc=$?
		cat "$out"
		[ "$rc" -eq 0 ] || echo "# $t: exit status $rc"
		count_cmocka "$rc" "$out"
	done
	rm -f "$out"
	if [ "$found" = 0 ]; then
		echo "# no cgroup unit tests in $BUILD (meson setup $BUILD && ninja -C $BUILD)"
		failed=$((failed + 1))
	fi
}

# The bats files: $HUSK_VM_SUITES (space-separated) when set, for a one-off
# run of other files, else the list in suites.txt.
suite_files() {
	if [ -n "${HUSK_VM_SUITES:-}" ]; then
		tr -s ' ' '\n' <<<"$HUSK_VM_SUITES"
	else
		cat "$SUITES"
	fi
}

run_bats() {
	local f files=() out rc=0 p s n
	section "bats (${HUSK_VM_SUITES:-$SUITES})"
	while read -r f; do
		case $f in '' | '#'*) continue ;; esac
		if [ -f "$f" ]; then
			files+=("$f")
		else
			echo "# $f: not there, skipped"
		fi
	done < <(suite_files)
	[ ${#files[@]} -gt 0 ] || return 0
	out=$(mktemp)
	# One bats run for all files: setup_suite builds the rootfs once.
	# --timing: the guest is 10-50 times slower than the host; show where.
	timeout -k 10 "${HUSK_VM_BATS_TIMEOUT:-3300}" bats --tap --timing "${files[@]}" </dev/null 2>&1 |
		tee "$out" || rc=$?
	p=$(grep -E '^ok ' "$out" | grep -cvE '^ok [0-9]+ .*# skip' || true)
	s=$(grep -cE '^ok [0-9]+ .*# skip' "$out" || true)
	n=$(grep -cE '^not ok ' "$out" || true)
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		echo "# bats exited with status $rc (timeout, or a suite-level failure)"
		n=1
	fi
	passed=$((passed + p)) failed=$((failed + n)) skipped=$((skipped + s))
	rm -f "$out"
}

main() {
	echo "# guest: $(uname -r), cgroup ${HUSK_VM_LAYOUT:-?}, $(nproc) CPUs, husk: ${HUSK_BINARY:-unset}"
	run_unit_tests
	run_bats
	echo "husk-vm-counts $passed $failed $skipped"
}

main "$@"
