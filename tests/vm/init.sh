#!/bin/busybox sh
# shellcheck shell=dash
# Stage 1 of the guest: PID 1 of the initramfs (busybox sh). Builds the real
# root and hands over to stage 2 (guest.sh, from the control share, run by
# the host's static busybox):
#   /            host's / over 9p, read-only, under a tmpfs overlay (writable,
#                thrown away at power-off)
#   /run /tmp /var/tmp   fresh tmpfs
#   /lib/modules the guest kernel's modules (from the host's cache)
#   $VM_REPO     the repo, read-write over 9p (results land on the host)
#   /run/husk-vm the control share: config, command, output, exit status
# Any failure powers the guest off without a status file: the host reports
# a harness failure and shows the console.

/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "husk-vm init: $*" >/dev/console
	reboot -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Terminals (script(1), ctr -t): /dev/ptmx needs a devpts beside it.
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
while read -r m; do
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done </modules

# Large messages: 9p throughput is bound by the number of round trips.
p9=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /ctl /lower /rw /newroot
mount -t 9p -o "$p9" ctl /ctl || fail "cannot mount the control share"
# shellcheck source=/dev/null
. /ctl/config # VM_REPO, VM_MODULES
# The host's / does not change under a run: let the guest cache it.
mount -t 9p -o "$p9,ro,cache=loose" host /lower || fail "cannot mount the host's /"
mount -t tmpfs -o mode=755 rw /rw
mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "cannot mount the overlay root"

# Before /var/tmp is covered: the modules live in the host's cache there.
mkdir -p /newroot/lib/modules
mount --bind "/lower$VM_MODULES" /newroot/lib/modules || fail "cannot bind $VM_MODULES"
mount -t tmpfs -o mode=755,nosuid,nodev run /newroot/run
mount -t tmpfs -o mode=1777,nosuid,nodev tmp /newroot/tmp
mount -t tmpfs -o mode=1777,nosuid,nodev vartmp /newroot/var/tmp
mkdir -p "/newroot$VM_REPO" /newroot/run/husk-vm
# cache=mmap: shared writable mappings work, and host and guest agree on
# file contents.
mount -t 9p -o "$p9,cache=mmap" repo "/newroot$VM_REPO" || fail "cannot mount $VM_REPO"
mount --move /ctl /newroot/run/husk-vm
for d in dev proc sys; do mount --move "/$d" "/newroot/$d"; done
# shellcheck disable=SC2093 # exec fails when switch_root cannot run
exec switch_root /newroot /bin/busybox sh /run/husk-vm/guest.sh
fail "switch_root failed"
