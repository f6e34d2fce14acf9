#!/usr/bin/env bash
# vm-run.sh [OPTIONS] -- COMMAND [ARG...]
#
# Boots a throw-away QEMU guest with the cgroup layout asked for and runs
# COMMAND in it as root, in the repo directory; prints its stdout/stderr
# and exits with its status (124: timeout, 125: the harness failed).
#
#   --cgroup v2|v1    v2 (default): cgroup2 only, at /sys/fs/cgroup, every
#                     controller enabled in the root's subtree_control;
#                     v1: one v1 hierarchy per controller at
#                     /sys/fs/cgroup/NAME, plus name=systemd
#   --kernel 6.1|6.12 Debian guest kernel (default 6.1; v1 needs 6.1)
#   --timeout SEC     stop the guest after SEC seconds (default 3600)
#   --mem MIB         guest memory (default 2048)
#   --smp N           guest CPUs (default: host CPUs, at most 4)
#   --accel A         auto (default), kvm or tcg
#   --env NAME=VALUE  set a variable for COMMAND (repeatable); the caller's
#                     exported HUSK_* variables are passed on as well
#   --keep            keep the run's control directory (console log)
#   -v, --verbose     stream the guest's console to stderr
#
# The guest sees the host's / read-only (9p) under a writable tmpfs overlay,
# fresh tmpfs at /run, /tmp and /var/tmp, and the repo read-write at its
# host path, so host-built binaries and host packages (bats, jq) work as is.
# No network but loopback; stdin is /dev/null.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$HERE/common.sh"
REPO=$(cd "$HERE/../.." && pwd -P)

LAYOUT=v2
KERNEL_SERIES=6.1
TIMEOUT=3600
MEM=2048
SMP=$(nproc)
[ "$SMP" -le 4 ] || SMP=4
ACCEL=auto
KEEP=0
VERBOSE=0
ENVS=()
CMD=()
QPID=
CTL=
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
	exit "$VM_EXIT_HARNESS"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--cgroup) LAYOUT=${2:?} && shift ;;
		--kernel) KERNEL_SERIES=${2:?} && shift ;;
		--timeout) TIMEOUT=${2:?} && shift ;;
		--mem) MEM=${2:?} && shift ;;
		--smp) SMP=${2:?} && shift ;;
		--accel) ACCEL=${2:?} && shift ;;
		--env) ENVS+=("${2:?}") && shift ;;
		--keep) KEEP=1 ;;
		-v | --verbose) VERBOSE=1 ;;
		--) shift && break ;;
		*) usage ;;
		esac
		shift
	done
	CMD=("$@")
	[ ${#CMD[@]} -gt 0 ] || usage
	case $LAYOUT in v1 | v2) ;; *) die "--cgroup must be v1 or v2" ;; esac
	[ "$(id -u)" -eq 0 ] || die "must run as root"
}

# KVM only where it can run a stock kernel: the CPU must show VT-x/AMD-V.
# The paravirtual /dev/kvm of nested cloud machines (kvm_pvm) does not.
pick_accel() {
	if [ "$ACCEL" = auto ]; then
		if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
			ACCEL=kvm
		else
			ACCEL=tcg
		fi
	fi
	case $ACCEL in
	kvm) ACCEL_ARGS=(-accel kvm -cpu host) ;;
	# One host thread for all vCPUs: with a thread each (MTTCG), every guest
	# TLB flush stops all of them, and fork/exec-heavy test runs took 1.5x
	# as long here (3x on a loaded host).
	tcg) ACCEL_ARGS=(-accel "tcg,thread=single" -cpu "${HUSK_VM_CPU:-max}") ;;
	*) die "--accel must be auto, kvm or tcg" ;;
	esac
}

# write_control DIR KDIR: what the guest reads from the control share.
write_control() {
	local ctl=$1 kdir=$2 v
	cp "$HERE/guest.sh" "$ctl/guest.sh"
	{
		printf 'VM_LAYOUT=%q\n' "$LAYOUT"
		printf 'VM_REPO=%q\n' "$REPO"
		printf 'VM_MODULES=%q\n' "$kdir/root/lib/modules"
	} >"$ctl/config"
	{
		echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
		echo 'export HOME=/root LANG=C.UTF-8 TERM=dumb'
		printf 'export HUSK_VM=1 HUSK_VM_LAYOUT=%q\n' "$LAYOUT"
		while IFS= read -r v; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done < <(compgen -e | grep '^HUSK_' || true)
		for v in "${ENVS[@]}"; do
			printf 'export %s=%q\n' "${v%%=*}" "${v#*=}"
		done
		printf 'cd -- %q || exit 125\n' "$REPO"
		printf 'exec'
		printf ' %q' "${CMD[@]}"
		printf '\n'
	} >"$ctl/command"
	: >"$ctl/stdout"
	: >"$ctl/stderr"
	: >"$ctl/console.log"
}

# boot CTL KDIR INITRD: run the guest to its end; returns timeout's status.
boot() {
	local ctl=$1 kdir=$2 initrd=$3 kernel append rc=0 tails=()
	kernel=$kdir/vmlinux
	[ -f "$kernel" ] || kernel=$kdir/vmlinuz
	# pci=noacpi: routing PCI interrupts through ACPI costs ~0.4 s per virtio
	# device under TCG. panic=-1 with -no-reboot: a panic ends QEMU.
	append="console=ttyS0 quiet panic=-1 pci=noacpi mitigations=off tsc=reliable no_timer_check"
	# Without cgroup_no_v1 the kernel would still offer v1 controllers.
	[ "$LAYOUT" = v1 ] || append+=" cgroup_no_v1=all"
	# Extra kernel parameters, e.g. "loglevel=7" to see where boot time goes.
	append+=" ${HUSK_VM_APPEND:-}"
	timeout "$TIMEOUT" qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -no-reboot -monitor none \
		-machine pc "${ACCEL_ARGS[@]}" -smp "$SMP" -m "$MEM" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		-serial "file:$ctl/console.log" \
		-virtfs "local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap" \
		-virtfs "local,path=${ctl//,/,,},mount_tag=ctl,security_model=passthrough" \
		-virtfs "local,path=${REPO//,/,,},mount_tag=repo,security_model=passthrough,multidevs=remap" \
		</dev/null >"$ctl/qemu.log" 2>&1 &
	QPID=$!
	# The guest writes the command's output to the control share: follow it.
	tail -q -n +1 -s 0.2 --pid="$QPID" -f "$ctl/stdout" &
	tails+=($!)
	tail -q -n +1 -s 0.2 --pid="$QPID" -f "$ctl/stderr" >&2 &
	tails+=($!)
	if [ "$VERBOSE" = 1 ]; then
		tail -q -n +1 -s 0.2 --pid="$QPID" -f "$ctl/console.log" >&2 &
		tails+=($!)
	fi
	wait "$QPID" || rc=$?
	QPID=
	wait "${tails[@]}" || true
	return "$rc"
}

# cleanup: on any exit, stop a guest still running and drop the control dir.
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true
	[ -n "$CTL" ] || return 0
	if [ "$KEEP" = 1 ]; then
		log "control directory kept: $CTL"
	else
		rm -rf "$CTL"
	fi
}

# seconds FROM TO: the difference of two epoch times, to 0.1 s.
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

main() {
	local kdir initrd rc=0 t0 t1 ustart uend status
	parse_args "$@"
	need_pkgs qemu-system-x86 busybox-static
	kdir=$("$HERE/kernel.sh" "$KERNEL_SERIES") || exit "$VM_EXIT_HARNESS"
	initrd=$("$HERE/initramfs.sh" "$kdir") || exit "$VM_EXIT_HARNESS"
	pick_accel
	mkdir -p "$VM_CACHE/runs"
	CTL=$(mktemp -d "$VM_CACHE/runs/XXXXXX")
	write_control "$CTL" "$kdir"

	t0=$(date +%s.%N)
	boot "$CTL" "$kdir" "$initrd" || rc=$?
	t1=$(date +%s.%N)
	# The guest's uptime when the command started and ended: the rest of
	# the wall time is boot and power-off.
	if read -r ustart uend 2>/dev/null <"$CTL/uptimes"; then
		log "$LAYOUT guest ($ACCEL, $(cat "$kdir/release")): total $(seconds "$t0" "$t1") s," \
			"guest boot $(seconds 0 "$ustart") s, command $(seconds "$ustart" "$uend") s"
	fi

	if [ -f "$CTL/status" ]; then
		status=$(cat "$CTL/status")
		[ "$status" != 125 ] || [ -f "$CTL/started" ] ||
			{ log "guest setup failed; console:" && tail -n 30 "$CTL/console.log" >&2; }
		exit "$status"
	fi
	if [ "$rc" = 124 ]; then
		log "timeout after $TIMEOUT s; console tail:"
		tail -n 20 "$CTL/console.log" >&2
		exit 124
	fi
	# 137: QEMU got SIGKILL, from outside (timeout sends TERM first, and
	# -no-reboot makes a guest panic a clean exit).
	[ "$rc" != 137 ] || log "QEMU was killed with SIGKILL by another process"
	log "the guest ended without a status (qemu: $rc); qemu and console output:"
	cat "$CTL/qemu.log" >&2
	tail -n 30 "$CTL/console.log" >&2
	exit "$VM_EXIT_HARNESS"
}

main "$@"
