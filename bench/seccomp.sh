#!/usr/bin/env bash
# What a large seccomp profile costs: husk and runc side by side, `run`
# and `create` of /bin/true with no profile and with a Docker-like one
# (bench/seccomp_profile.sh: ~350 allowed names, default SCMP_ACT_ERRNO).
# See bench/README.md.
#
#   bench/seccomp.sh [ITERATIONS]        (as root; default 20)
#
# husk runs twice: "husk" with its cache of compiled programs (a directory
# of the bench's own), "husk-nocache" compiling every time (as runc does).
#
# Environment: HUSK_BINARY (default build/src/cli/husk), RUNC (default from
# PATH). crun is left out: it refuses the hybrid cgroup hosts this runs on
# unless bench.sh's trick is used, and the point here is the profile.
set -euo pipefail

ITER=${1:-20}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"
REPO=$(dirname "$HERE")
HUSK=${HUSK_BINARY:-$REPO/build/src/cli/husk}
RUNC=${RUNC:-$(command -v runc || true)}

if [ "$(id -u)" -ne 0 ]; then
	echo "seccomp.sh: run as root" >&2
	exit 1
fi
for tool in jq gcc; do
	command -v "$tool" >/dev/null || {
		echo "seccomp.sh: $tool is needed" >&2
		exit 1
	}
done
[ -x "$HUSK" ] || {
	echo "seccomp.sh: no husk at $HUSK" >&2
	exit 1
}

WORK=$(mktemp -d /tmp/husk-bench-seccomp.XXXXXX)
CG_PARENT="husk-bench-seccomp-$$"
cleanup() { bench_cleanup husk husk-nocache runc; }
trap cleanup EXIT

gcc -O2 -o "$WORK/measure" "$HERE/measure.c"

# Two bundles on one busybox rootfs: "plain" and "profile".
bench_rootfs "$WORK/rootfs"
mkdir -p "$WORK/plain" "$WORK/profile"
"$HUSK" spec --bundle "$WORK/plain"
jq --arg root "$WORK/rootfs" --arg cg "/$CG_PARENT/c" '
    .ociVersion = "1.0.2"
    | .process.terminal = false | .process.args = ["/bin/true"]
    | .root = {path: $root, readonly: true}
    | .linux.cgroupsPath = $cg' \
	"$WORK/plain/config.json" >"$WORK/config.json"
mv "$WORK/config.json" "$WORK/plain/config.json"
"$HERE/seccomp_profile.sh" >"$WORK/profile.json"
jq --slurpfile p "$WORK/profile.json" '.linux.seccomp = $p[0]' \
	"$WORK/plain/config.json" >"$WORK/profile/config.json"
RULES=$(jq '[.syscalls[].names | length] | add' "$WORK/profile.json")

declare -A BIN=([husk]=$HUSK [husk-nocache]=$HUSK [runc]=$RUNC)
declare -A ENVS=([husk]="HUSK_SECCOMP_CACHE_DIR=$WORK/cache"
	[husk-nocache]="HUSK_SECCOMP_CACHE_DIR=" [runc]="")
RUNTIMES=()
for rt in husk husk-nocache runc; do
	if [ -n "${BIN[$rt]}" ] && [ -x "${BIN[$rt]}" ]; then
		RUNTIMES+=("$rt")
		mkdir -p "$WORK/state-$rt"
	else
		echo "seccomp.sh: $rt not found, left out" >&2
	fi
done

runtime() {
	local rt=$1
	shift
	env ${ENVS[$rt]} "${BIN[$rt]}" --root "$WORK/state-$rt" "$@"
}

# measured RT OP ARGS...: appends "<rt> <op> <exit> <wall ns> <cpu us>
# <rss KiB>" to $WORK/data.
measured() {
	local rt=$1 op=$2 rc=0
	shift 2
	MEASURE_OUT="$WORK/one" env ${ENVS[$rt]} "$WORK/measure" "${BIN[$rt]}" --root "$WORK/state-$rt" "$@" \
		</dev/null >/dev/null 2>>"$WORK/stderr-$rt" || rc=$?
	echo "$rt $op $(cat "$WORK/one")" >>"$WORK/data"
	rm -f "$WORK/one"
	if [ "$rc" -ne 0 ]; then
		echo "seccomp.sh: $rt $op failed (status $rc)" >&2
		tail -n 5 "$WORK/stderr-$rt" >&2
		exit 1
	fi
}

for rt in "${RUNTIMES[@]}"; do
	for b in plain profile; do
		runtime "$rt" run --bundle "$WORK/$b" "warm-$b" </dev/null >/dev/null
	done
done

echo "seccomp bench: $ITER iterations, profile of $RULES syscall names, for: ${RUNTIMES[*]}" >&2
n=${#RUNTIMES[@]}
for ((i = 0; i < ITER; i++)); do
	for ((k = 0; k < n; k++)); do
		rt=${RUNTIMES[$(((i + k) % n))]}
		for b in plain profile; do
			measured "$rt" "run-$b" run --bundle "$WORK/$b" "r$b$i"
			measured "$rt" "create-$b" create --bundle "$WORK/$b" "c$b$i"
			runtime "$rt" delete --force "c$b$i" >/dev/null
		done
	done
	printf '.' >&2
done
echo >&2

median() {
	awk -v rt="$1" -v op="$2" -v f="$3" '$1 == rt && $2 == op { print $(f + 1) }' "$WORK/data" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "medians over $ITER iterations ($(uname -r), $(nproc) cpus, libseccomp $(pkg-config --modversion libseccomp 2>/dev/null || echo '?'))"
echo "wall and CPU in ms; +ms = profile minus plain"
printf '%-7s %-12s %10s %10s %10s %10s %8s %8s\n' op runtime wall_plain wall_prof cpu_plain cpu_prof +wall +cpu
for op in run create; do
	for rt in "${RUNTIMES[@]}"; do
		wp=$(median "$rt" "$op-plain" 3)
		wf=$(median "$rt" "$op-profile" 3)
		cp=$(median "$rt" "$op-plain" 4)
		cf=$(median "$rt" "$op-profile" 4)
		awk -v op="$op" -v rt="$rt" -v wp="$wp" -v wf="$wf" -v cp="$cp" -v cf="$cf" 'BEGIN {
		    printf "%-7s %-12s %10.2f %10.2f %10.2f %10.2f %8.2f %8.2f\n", op, rt,
		        wp / 1e6, wf / 1e6, cp / 1e3, cf / 1e3, (wf - wp) / 1e6, (cf - cp) / 1e3 }'
	done
done
