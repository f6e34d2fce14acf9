#!/usr/bin/env bash
# Side-by-side benchmark of husk, crun and runc (see bench/README.md).
#
#   bench/bench.sh [ITERATIONS]        (as root; default 30)
#
# Environment: HUSK_BINARY (default build/src/cli/husk), CRUN, RUNC (default
# from PATH); BENCH_LIMITS=1 also measures a bundle with a resources block
# (BENCH_RESOURCES: its JSON, default below), to show what setting cgroup
# limits costs. Not part of the test run.
set -euo pipefail

ITER=${1:-30}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"
REPO=$(dirname "$HERE")
HUSK=${HUSK_BINARY:-$REPO/build/src/cli/husk}
CRUN=${CRUN:-$(command -v crun || true)}
RUNC=${RUNC:-$(command -v runc || true)}
# The "limits" bundle: memory, pids and cpu limits, one file or more per
# controller on either cgroup version.
RESOURCES=${BENCH_RESOURCES:-'{"memory": {"limit": 268435456}, "pids": {"limit": 256},
  "cpu": {"shares": 512, "quota": 50000, "period": 100000}}'}
CONFIGS=(default)
[ "${BENCH_LIMITS:-0}" = 0 ] && [ -z "${BENCH_RESOURCES:-}" ] || CONFIGS+=(limits)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench.sh: run as root" >&2
	exit 1
fi
for tool in jq gcc unshare; do
	command -v "$tool" >/dev/null || {
		echo "bench.sh: $tool is needed" >&2
		exit 1
	}
done
[ -x "$HUSK" ] || {
	echo "bench.sh: no husk at $HUSK (build it: meson setup build && ninja -C build)" >&2
	exit 1
}

# All three runtimes run in one private mount namespace. On a hybrid host
# crun 1.8 refuses to start unless cgroup2's cgroup.controllers looks
# empty, so an empty file is bind-mounted over it, in this namespace only.
if [ -z "${HUSK_BENCH_INNER:-}" ]; then
	exec unshare --mount --propagation private env HUSK_BENCH_INNER=1 bash "$0" "$@"
fi

WORK=$(mktemp -d /tmp/husk-bench.XXXXXX)
CG_PARENT="husk-bench-$$"
cleanup() { bench_cleanup husk crun runc; }
trap cleanup EXIT

if [ -e /sys/fs/cgroup/unified/cgroup.controllers ]; then
	: >"$WORK/empty"
	mount --bind "$WORK/empty" /sys/fs/cgroup/unified/cgroup.controllers
fi

gcc -O2 -o "$WORK/measure" "$HERE/measure.c"

# --- bundle: busybox rootfs, config from `husk spec` -----------------------------
bench_rootfs "$WORK/bundle/rootfs"
"$HUSK" spec --bundle "$WORK/bundle"
jq --arg root "$WORK/bundle/rootfs" --arg cg "/$CG_PARENT/c" '
    .ociVersion = "1.0.2"   # crun 1.8 knows no later version
    | .process.terminal = false | .process.args = ["/bin/true"]
    | .root = {path: $root, readonly: true}
    | .linux.cgroupsPath = $cg' \
	"$WORK/bundle/config.json" >"$WORK/config.json"
mv "$WORK/config.json" "$WORK/bundle/config.json"
# Same rootfs (its path is absolute), limits added to the resources block.
if [ ${#CONFIGS[@]} -gt 1 ]; then
	mkdir -p "$WORK/bundle-limits"
	jq --argjson res "$RESOURCES" '.linux.resources += $res' \
		"$WORK/bundle/config.json" >"$WORK/bundle-limits/config.json"
fi
bundle() { if [ "$1" = default ]; then echo "$WORK/bundle"; else echo "$WORK/bundle-$1"; fi; }

declare -A BIN=([husk]=$HUSK [crun]=$CRUN [runc]=$RUNC)
RUNTIMES=()
for rt in husk crun runc; do
	if [ -n "${BIN[$rt]}" ] && [ -x "${BIN[$rt]}" ]; then
		RUNTIMES+=("$rt")
		mkdir -p "$WORK/state-$rt"
	else
		echo "bench.sh: $rt not found, left out" >&2
	fi
done

runtime() {
	local rt=$1
	shift
	"${BIN[$rt]}" --root "$WORK/state-$rt" "$@"
}

# measured RT CFG OP ARGS...: one measurement, appended to $WORK/data as
# "<rt> <cfg> <op> <exit> <wall ns> <cpu us> <rss KiB>".
measured() {
	local rt=$1 cfg=$2 op=$3 rc=0
	shift 3
	MEASURE_OUT="$WORK/one" "$WORK/measure" "${BIN[$rt]}" --root "$WORK/state-$rt" "$@" \
		</dev/null >/dev/null 2>>"$WORK/stderr-$rt" || rc=$?
	echo "$rt $cfg $op $(cat "$WORK/one")" >>"$WORK/data"
	rm -f "$WORK/one"
	if [ "$rc" -ne 0 ]; then
		echo "bench.sh: $rt $op failed (status $rc); see below" >&2
		tail -n 5 "$WORK/stderr-$rt" >&2
		exit 1
	fi
}

wait_stopped() {
	local rt=$1 id=$2 i
	for ((i = 0; i < 500; i++)); do
		[ "$(runtime "$rt" state "$id" 2>/dev/null | jq -r .status)" = stopped ] && return 0
		sleep 0.01
	done
	echo "bench.sh: $rt: $id did not stop" >&2
	exit 1
}

# One warm-up round (page cache, first-time setup), not recorded.
for cfg in "${CONFIGS[@]}"; do
	for rt in "${RUNTIMES[@]}"; do
		runtime "$rt" run --bundle "$(bundle "$cfg")" "warmup-$cfg" </dev/null >/dev/null 2>&1 || {
			echo "bench.sh: $rt cannot run the $cfg bundle:" >&2
			runtime "$rt" run --bundle "$(bundle "$cfg")" "warmup2-$cfg" </dev/null >&2 || true
			exit 1
		}
	done
done

echo "bench: $ITER iterations of run, create, start, delete for: ${RUNTIMES[*]} (bundles: ${CONFIGS[*]})" >&2
n=${#RUNTIMES[@]}
for ((i = 0; i < ITER; i++)); do
	order=("${CONFIGS[@]}")
	[ $((i % 2)) = 0 ] || order=("${CONFIGS[@]:1}" "${CONFIGS[0]}")
	for cfg in "${order[@]}"; do
		# Alternate the order every iteration so no runtime always goes first.
		for ((k = 0; k < n; k++)); do
			rt=${RUNTIMES[$(((i + k) % n))]}
			b=$(bundle "$cfg")
			measured "$rt" "$cfg" run run --bundle "$b" "r$cfg$i"
			measured "$rt" "$cfg" create create --bundle "$b" "c$cfg$i"
			measured "$rt" "$cfg" start start "c$cfg$i"
			wait_stopped "$rt" "c$cfg$i"
			measured "$rt" "$cfg" delete delete "c$cfg$i"
		done
	done
	printf '.' >&2
done
echo >&2

# --- report ------------------------------------------------------------------
# median RT CFG OP FIELD (3 = wall ns, 4 = cpu us, 5 = rss KiB)
median() {
	awk -v rt="$1" -v cfg="$2" -v op="$3" -v f="$4" '$1 == rt && $2 == cfg && $3 == op { print $(f + 2) }' "$WORK/data" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b == "nan" || b + 0 == 0 || a == "nan") print "-"; else printf "%.2f", a / b }'
}
# diff_ms A B SCALE: (A - B) / SCALE, signed, to 0.01
diff_ms() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { printf "%+.2f", (a - b) / s }'; }

echo
echo "medians over $ITER iterations ($(uname -r), $(nproc) cpus); wall and CPU in ms, peak RSS in KiB"
printf '%-7s %-8s %-6s %10s %10s %10s\n' op bundle runtime wall_ms cpu_ms rss_kib
for op in run create start delete; do
	for cfg in "${CONFIGS[@]}"; do
		for rt in "${RUNTIMES[@]}"; do
			w=$(median "$rt" "$cfg" "$op" 3)
			c=$(median "$rt" "$cfg" "$op" 4)
			r=$(median "$rt" "$cfg" "$op" 5)
			printf '%-7s %-8s %-6s %10.2f %10.2f %10d\n' "$op" "$cfg" "$rt" \
				"$(awk -v x="$w" 'BEGIN { print x / 1e6 }')" \
				"$(awk -v x="$c" 'BEGIN { print x / 1e3 }')" "${r%.*}"
		done
	done
done

echo
echo "ratios of medians (below 1: husk is faster / smaller)"
printf '%-7s %-8s %-10s %8s %8s %8s\n' op bundle vs wall cpu rss
for op in run create start delete; do
	for cfg in "${CONFIGS[@]}"; do
		for other in crun runc; do
			[[ " ${RUNTIMES[*]} " == *" $other "* ]] || continue
			printf '%-7s %-8s %-10s %8s %8s %8s\n' "$op" "$cfg" "husk/$other" \
				"$(ratio "$(median husk "$cfg" "$op" 3)" "$(median "$other" "$cfg" "$op" 3)")" \
				"$(ratio "$(median husk "$cfg" "$op" 4)" "$(median "$other" "$cfg" "$op" 4)")" \
				"$(ratio "$(median husk "$cfg" "$op" 5)" "$(median "$other" "$cfg" "$op" 5)")"
		done
	done
done

[ ${#CONFIGS[@]} -gt 1 ] || exit 0
echo
echo "cost of the limits: median with limits minus median without, in ms"
printf '%-7s %-6s %10s %10s\n' op runtime wall_ms cpu_ms
for op in run create start delete; do
	for rt in "${RUNTIMES[@]}"; do
		printf '%-7s %-6s %10s %10s\n' "$op" "$rt" \
			"$(diff_ms "$(median "$rt" limits "$op" 3)" "$(median "$rt" default "$op" 3)" 1e6)" \
			"$(diff_ms "$(median "$rt" limits "$op" 4)" "$(median "$rt" default "$op" 4)" 1e3)"
	done
done
