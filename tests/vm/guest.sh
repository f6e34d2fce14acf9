# Stage 2 of the guest: PID 1 after switch_root, run by the host's static
# busybox (its shell runs applets without exec: each process start costs
# ~0.1 s under TCG). Finishes /dev, mounts the cgroup layout asked for, runs
# the command, records its exit status on the control share, powers off.
# shellcheck shell=dash
# No `set -e`: PID 1 must get to the power-off whatever fails.
set -u

CTL=/run/husk-vm
# shellcheck source=/dev/null
. "$CTL/config" # VM_LAYOUT, VM_REPO, VM_MODULES

say() { echo "husk-vm: $*" >/dev/console; }

# finish STATUS: record the status (by rename, so the host never reads a
# partial file) and power off. QEMU runs with -no-reboot: a reset ends it.
finish() {
	echo "$1" >"$CTL/status.tmp" && mv "$CTL/status.tmp" "$CTL/status"
	sync
	umount "$VM_REPO" "$CTL" 2>/dev/null
	reboot -f
}
trap 'finish 125' EXIT

setup_dev() {
	mkdir -p /dev/pts /dev/shm /dev/mqueue
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
	ln -sf pts/ptmx /dev/ptmx
	mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
	mount -t mqueue mqueue /dev/mqueue
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	# Device nodes a real host has and tests open (the devices cgroup tests
	# probe /dev/loop0 and /dev/fuse): both are modules in Debian's kernel.
	modprobe loop || say "cannot load the loop module"
	modprobe fuse || say "cannot load the fuse module"
	# BFQ brings the blkio.bfq.weight (v1) and io.bfq.weight (v2) files.
	modprobe bfq || say "cannot load the bfq module"
}

# Pure v2, mounted as systemd does, with every controller handed down from
# the root so that tests can use all of them.
setup_cgroup_v2() {
	local c controllers
	mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot \
		cgroup2 /sys/fs/cgroup || return 1
	read -r controllers </sys/fs/cgroup/cgroup.controllers
	for c in $controllers; do
		echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || say "cannot enable $c"
	done
	say "cgroup v2: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
}

# Pure v1: one hierarchy per controller at /sys/fs/cgroup/NAME (no
# co-mounts: the hosts' hybrid layout already covers cpu,cpuacct), plus the
# named name=systemd hierarchy, under a tmpfs left read-only as systemd does.
setup_cgroup_v1() {
	local name enabled
	mount -t tmpfs -o mode=755,nosuid,nodev,noexec cgroup /sys/fs/cgroup || return 1
	# /proc/cgroups: subsys_name hierarchy num_cgroups enabled
	while read -r name _ _ enabled; do
		[ "$enabled" = 1 ] || continue # also skips the "#subsys_name" header
		mkdir "/sys/fs/cgroup/$name"
		mount -t cgroup -o "nosuid,nodev,noexec,$name" cgroup "/sys/fs/cgroup/$name" || {
			say "no v1 hierarchy for $name"
			rmdir "/sys/fs/cgroup/$name"
		}
	done </proc/cgroups
	mkdir /sys/fs/cgroup/systemd
	mount -t cgroup -o nosuid,nodev,noexec,none,name=systemd cgroup /sys/fs/cgroup/systemd ||
		return 1
	mount -o remount,ro /sys/fs/cgroup
	say "cgroup v1: $(cd /sys/fs/cgroup && echo *)"
}

main() {
	local status=0 t0 t1
	setup_dev
	case $VM_LAYOUT in
	v2) setup_cgroup_v2 ;;
	v1) setup_cgroup_v1 ;;
	*) false ;;
	esac || {
		say "cannot set up the cgroup layout '$VM_LAYOUT'"
		exit 125
	}
	hostname husk-vm
	ip link set lo up
	read -r t0 _ </proc/uptime
	say "running the command at uptime $t0 s"
	touch "$CTL/started"
	# While the shell waits for the command, it also reaps the orphans that
	# are reparented to PID 1 (containers whose husk parent exited).
	bash "$CTL/command" </dev/null >"$CTL/stdout" 2>"$CTL/stderr" || status=$?
	read -r t1 _ </proc/uptime
	echo "$t0 $t1" >"$CTL/uptimes"
	trap - EXIT
	finish "$status"
}

main
