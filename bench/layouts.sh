#!/usr/bin/env bash
# bench/layouts.sh [ITERATIONS] [LAYOUT...]: bench.sh on each cgroup layout.
#
#   sudo bench/layouts.sh            # 10 iterations; host, v2, v1
#   sudo bench/layouts.sh 20 v1      # one layout
#
# "host" runs bench.sh here (this host's layout, e.g. hybrid); "v2" and "v1"
# run it in a QEMU guest booted with that pure layout (tests/vm/vm-run.sh),
# which sees the host's / read-only, so the same husk, crun and runc. The
# host goes first, alone; the guests then run side by side (BENCH_VM_JOBS=1:
# one after the other). Every run uses BENCH_LIMITS=1, so each report has
# the default bundle, the one with limits, and their difference. Prints each
# layout's report, headed by the kernel, the wall time and the host's load.
#
# Environment: HUSK_BINARY (default build/src/cli/husk; for the guests it
# must be in the repo, not under /tmp), BENCH_VM_TIMEOUT (seconds per
# guest, default 3000). Not part of the test run.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd -P)

ITER=${1:-10}
shift || true
LAYOUTS=("$@")
[ ${#LAYOUTS[@]} -gt 0 ] || LAYOUTS=(host v2 v1)
HUSK_BINARY=$(realpath -m -- "${HUSK_BINARY:-$REPO/build/src/cli/husk}")
export HUSK_BINARY
[ "$(id -u)" -eq 0 ] || { echo "layouts.sh: run as root" >&2 && exit 1; }
[ -x "$HUSK_BINARY" ] || { echo "layouts.sh: no husk at $HUSK_BINARY" >&2 && exit 1; }

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# run_layout LAYOUT: bench.sh there; report in $OUT/LAYOUT, header in .head.
run_layout() {
	local layout=$1 t0 t1 rc=0 load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$(date +%s)
	case $layout in
	host)
		BENCH_LIMITS=1 bash "$HERE/bench.sh" "$ITER" >"$OUT/$layout" 2>"$OUT/$layout.err" || rc=$?
		;;
	v1 | v2)
		case $HUSK_BINARY in
		/tmp/* | /var/tmp/* | /run/*)
			echo "layouts.sh: $HUSK_BINARY is not visible in a guest; build in the repo" >"$OUT/$layout.err"
			rc=1
			;;
		*)
			"$REPO/tests/vm/vm-run.sh" --cgroup "$layout" --kernel 6.1 \
				--timeout "${BENCH_VM_TIMEOUT:-3000}" --env BENCH_LIMITS=1 \
				-- bash bench/bench.sh "$ITER" >"$OUT/$layout" 2>"$OUT/$layout.err" || rc=$?
			;;
		esac
		;;
	*)
		echo "layouts.sh: unknown layout $layout (host, v2 or v1)" >"$OUT/$layout.err"
		rc=2
		;;
	esac
	t1=$(date +%s)
	echo "== $layout: status $rc, $((t1 - t0)) s, host load at start $load, at end $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/$layout.head"
}

guests=()
for layout in "${LAYOUTS[@]}"; do
	if [ "$layout" = host ]; then
		echo "layouts.sh: host ($ITER iterations)" >&2
		run_layout host
	else
		guests+=("$layout")
	fi
done
pids=()
for layout in "${guests[@]}"; do
	echo "layouts.sh: guest $layout ($ITER iterations, under $(grep -qwE 'vmx|svm' /proc/cpuinfo && echo KVM || echo TCG))" >&2
	if [ "${BENCH_VM_JOBS:-2}" = 1 ]; then
		run_layout "$layout"
	else
		run_layout "$layout" &
		pids+=($!)
	fi
done
[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"

status=0
for layout in "${LAYOUTS[@]}"; do
	echo
	cat "$OUT/$layout.head"
	case $(cat "$OUT/$layout.head") in *"status 0,"*) ;; *) status=1 ;; esac
	# The guest harness's timing line, and any error.
	grep -v '^bench: \|^\.*$' "$OUT/$layout.err" || true
	cat "$OUT/$layout"
done
exit "$status"
