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

# The suite list: $HUSK_VM_SUITES (space-separated files) when set, for a
# one-off run of other files, else suites.txt (see there for its format).
suite_lines() {
	if [ -n "${HUSK_VM_SUITES:-}" ]; then
		tr -s ' ' '\n' <<<"$HUSK_VM_SUITES"
	else
		cat "$SUITES"
	fi
}

# test_names FILE: the names of a bats file's tests, one a line (also of
# one-line tests: @test "NAME" { body; }).
test_names() {
	sed -n 's/^@test "\([^"]*\)" {.*$/\1/p' "$1"
}

# ere_quote: each line of stdin as an extended regex matching it literally.
ere_quote() {
	sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# bats_run TIMEOUT [BATS-ARGS...] FILE...: one bats run, its TAP output
# shown and added to the counts.
bats_run() {
	local limit=$1 out rc=0 p s n
	shift
	out=$(mktemp)
	# --timing: the guest is 10-50 times slower than the host; show where.
	timeout -k 10 "$limit" bats --tap --timing "$@" </dev/null 2>&1 | tee "$out" || rc=$?
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

# pick FILE INCLUDES EXCLUDES: the names of FILE's tests that match one of
# the INCLUDES regexes (one a line; none: every test) and none of the
# EXCLUDES, as literal regexes, one a line.
pick() {
	local names=$1 inc=${2%$'\n'} exc=${3%$'\n'} re out
	if [ -z "$inc" ]; then
		out=$names
	else
		out=$(while IFS= read -r re; do grep -E -- "$re" <<<"$names"; done <<<"$inc" | sort -u)
	fi
	if [ -n "$exc" ]; then
		out=$(grep -vEf <(printf '%s\n' "$exc") <<<"$out" || true)
	fi
	[ -z "$out" ] || ere_quote <<<"$out"
}

# One bats run for everything picked (setup_suite builds the rootfs once),
# with the picked tests' exact names as its --filter. An entry that
# matches no test (one was renamed) is a failure, so that the list cannot
# silently stop testing something.
run_bats() {
	local line f re names files=() alts=() n
	local -A inc=() exc=()
	section "bats (${HUSK_VM_SUITES:-$SUITES})"
	while read -r line; do
		case $line in '' | '#'*) continue ;; esac
		f=${line%%:*} re=
		if [ "$f" != "$line" ]; then
			re=${line#*:}
			re=${re# }
		fi
		if [ ! -f "$f" ]; then
			echo "# $f: not there, skipped"
			continue
		fi
		[[ " ${files[*]} " == *" $f "* ]] || files+=("$f")
		[ -n "$re" ] || continue
		if ! test_names "$f" | grep -qE -- "${re#!}"; then
			echo "# $SUITES: '$line' matches no test of $f (renamed?)"
			failed=$((failed + 1))
		elif [ "${re:0:1}" = '!' ]; then
			exc[$f]+="${re#!}"$'\n'
		else
			inc[$f]+="$re"$'\n'
		fi
	done < <(suite_lines)
	for f in "${files[@]}"; do
		names=$(test_names "$f")
		while IFS= read -r n; do
			[ -z "$n" ] || alts+=("$n")
		done < <(pick "$names" "${inc[$f]:-}" "${exc[$f]:-}")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	if [ ${#alts[@]} -eq 0 ]; then
		echo "# no test picked from ${files[*]}"
		failed=$((failed + 1))
		return 0
	fi
	echo "# ${#alts[@]} tests from ${#files[@]} files"
	bats_run "${HUSK_VM_BATS_TIMEOUT:-3300}" --filter "^($(
		IFS='|'
		echo "${alts[*]}"
	))\$" "${files[@]}"
}

main() {
	echo "# guest: $(uname -r), cgroup ${HUSK_VM_LAYOUT:-?}, $(nproc) CPUs, husk: ${HUSK_BINARY:-unset}"
	run_unit_tests
	run_bats
	echo "husk-vm-counts $passed $failed $skipped"
}

main "$@"
