#!/usr/bin/env bash
# run-layouts.sh [LAYOUT...]: run-suites.sh for each cgroup layout (default:
# v2 v1), the guests side by side, as tests/run.sh does in CI. Every line of
# a guest's output is shown as it comes, prefixed with "[vm-LAYOUT] "; then
# each layout's result and failures (the "not ok" tests with their bats
# diagnostics, failed cmocka tests, guest errors) are listed again, so they
# are easy to find in a long log. The last line is
#   vm: N passed, N failed, N skipped
# (the sum over the layouts). Exit status 0 when nothing failed.
#
# Environment: HUSK_VM_JOBS (guests at a time; default 2 on a host with two
# or more CPUs, else 1), and those of run-suites.sh (HUSK_BINARY,
# HUSK_BUILD_DIR, HUSK_VM_TIMEOUT, ...).
#
# Each guest is one QEMU thread under TCG (see vm-run.sh), so two guests on
# a two-CPU host take little longer than one.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# How many lines of failure details to repeat per layout.
readonly DIGEST_LINES=200

passed=0 failed=0 skipped=0
TMP=

# run_one LAYOUT LOG: one guest run, output prefixed live and kept in LOG.
run_one() {
	local layout=$1 log=$2
	"$HERE/run-suites.sh" "$layout" </dev/null 2>&1 | tee "$log" |
		sed -u "s/^/[vm-$layout] /"
}

# failures LOG: the lines that explain what failed: a "not ok" TAP line and
# the "#" diagnostics after it, cmocka's failed/error lines, and the notes
# the scripts write when a program or the guest itself failed.
failures() {
	awk '
		/^not ok / { show = 1; print; next }
		/^(ok|not ok) [0-9]/ || /^1\.\.[0-9]/ { show = 0 }
		show && /^#/ { print; next }
		{ show = 0 }
		/^\[  (FAILED|ERROR) +\]/ { print }
		/^# .*: exit status [0-9]+$/ || /^# bats exited with status/ { print }
		/^# vm-[a-z0-9]+: the guest run failed/ || /^# no (husk binary|cgroup unit tests)/ { print }
		/^# .*: .* matches no test of / { print }
		/^vm-run\.sh: / { print }
	' "$1" | head -n "$DIGEST_LINES"
}

# report LAYOUT LOG: the layout's result line, added to the totals.
report() {
	local layout=$1 log=$2 line p f s
	line=$(grep -E "^vm-$layout: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "[vm-$layout] no result line: run-suites.sh did not finish"
		p=0 f=1 s=0
	else
		read -r _ p _ f _ s _ <<<"$line"
		grep -E "^# vm-$layout: [0-9]+ s " "$log" | sed "s/^/[vm-$layout] /"
		echo "[vm-$layout] $line"
	fi
	if [ "$f" -gt 0 ]; then
		echo "[vm-$layout] FAILED; what failed:"
		failures "$log" | sed "s/^/[vm-$layout]   /"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

main() {
	local layouts=("$@") jobs l pids=() running=0
	[ ${#layouts[@]} -gt 0 ] || layouts=(v2 v1)
	for l in "${layouts[@]}"; do
		case $l in
		v1 | v2) ;;
		*)
			echo "usage: run-layouts.sh [v2|v1]..." >&2
			exit 2
			;;
		esac
	done
	jobs=${HUSK_VM_JOBS:-$([ "$(nproc)" -ge 2 ] && echo 2 || echo 1)}
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	echo "# guests: ${layouts[*]}, $jobs at a time; host load $(cut -d' ' -f1-3 /proc/loadavg)"
	for l in "${layouts[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait "${pids[0]}"
			pids=("${pids[@]:1}")
			running=$((running - 1))
		fi
		run_one "$l" "$TMP/$l.log" &
		pids+=($!)
		running=$((running + 1))
	done
	wait
	echo
	echo "# ==== guest results ===="
	for l in "${layouts[@]}"; do
		report "$l" "$TMP/$l.log"
	done
	echo "vm: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
