#!/usr/bin/env bats
# root, mounts, maskedPaths, readonlyPaths, rootfs propagation.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# From the container's mountinfo (in $stdout): fields of the mount at DEST
# (the last one, if stacked).
mi_fstype() { awk -v d="$1" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } } END { print t }' <<<"$stdout"; }
mi_opts() { awk -v d="$1" '$5 == d { o = $6 } END { print o }' <<<"$stdout"; }
mi_super() { awk -v d="$1" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") { s = $(i + 3); break } } END { print s }' <<<"$stdout"; }
has_opt() { tr , '\n' <<<"$1" | grep -qx -- "$2"; }

@test "mounts: the standard mounts are there with their types and flags" {
	set_args cat /proc/self/mountinfo
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(mi_fstype /proc)" = proc ]
	[ "$(mi_fstype /dev)" = tmpfs ]
	[ "$(mi_fstype /dev/pts)" = devpts ]
	[ "$(mi_fstype /dev/shm)" = tmpfs ]
	[ "$(mi_fstype /dev/mqueue)" = mqueue ]
	[ "$(mi_fstype /sys)" = sysfs ]
	has_opt "$(mi_opts /sys)" ro
	has_opt "$(mi_opts /sys)" nosuid
	has_opt "$(mi_opts /sys)" nodev
	has_opt "$(mi_opts /sys)" noexec
	has_opt "$(mi_opts /dev/shm)" nodev
	has_opt "$(mi_opts /dev/pts)" noexec
	has_opt "$(mi_opts /dev)" nosuid
	has_opt "$(mi_super /dev)" mode=755
	has_opt "$(mi_super /dev/pts)" gid=5
	has_opt "$(mi_super /dev/pts)" mode=620
	has_opt "$(mi_super /dev/pts)" ptmxmode=666
}

@test "mounts: the container sees exactly its own mounts, none of the host's" {
	set_args cat /proc/self/mountinfo
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(awk '{ print $5 }' <<<"$stdout" | sort | tr '\n' ' ')" = "/ /dev /dev/mqueue /dev/pts /dev/shm /proc /sys " ]
}

@test "mounts: a read-only root cannot be written" {
	set_cmd 'touch /probe 2>&1; echo rc=$?; awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = rc=1 ]
	grep -qi "read-only" <<<"${lines[0]}"
	has_opt "${lines[2]}" ro
	[ ! -e "$HUSK_TEST_ROOTFS/probe" ]
}

@test "mounts: a writable root can be written, and the file lands in the bundle's rootfs" {
	use_private_rootfs
	set_cmd 'echo hi > /probe && cat /probe'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = hi ]
	[ "$(cat "$BUNDLE/rootfs/probe")" = hi ]
}

@test "mounts: bind mounts, read-write and read-only" {
	mkdir -p "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/ro"
	echo host-data >"$BATS_TEST_TMPDIR/ro/file"
	update_config '.mounts += [
	    {destination: "/mnt", type: "bind", source: $rw, options: ["rbind", "rw"]},
	    {destination: "/shared", source: $ro, options: ["bind", "ro"]}]' \
		--arg rw "$BATS_TEST_TMPDIR/rw" --arg ro "$BATS_TEST_TMPDIR/ro"
	set_cmd 'echo from-container > /mnt/out; cat /shared/file; echo x > /shared/file 2>/dev/null; echo rc=$?'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = host-data ]
	[ "${lines[1]}" = rc=1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/rw/out")" = from-container ]
	[ "$(cat "$BATS_TEST_TMPDIR/ro/file")" = host-data ]
}

@test "mounts: tmpfs options (size, mode, nosuid, nodev, noexec) are applied" {
	update_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs",
	    options: ["size=1m", "mode=1770", "nosuid", "nodev", "noexec"]}]'
	set_args cat /proc/self/mountinfo
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(mi_fstype /mnt)" = tmpfs ]
	has_opt "$(mi_super /mnt)" size=1024k
	has_opt "$(mi_super /mnt)" mode=1770
	has_opt "$(mi_opts /mnt)" nosuid
	has_opt "$(mi_opts /mnt)" nodev
	has_opt "$(mi_opts /mnt)" noexec
	has_opt "$(mi_opts /mnt)" rw
}

@test "mounts: a missing destination directory is created in the rootfs" {
	use_private_rootfs
	update_config '.mounts += [{destination: "/new/deep/dir", type: "tmpfs", source: "tmpfs"}]'
	set_cmd 'grep -c " /new/deep/dir " /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = 1 ]
	[ -d "$BUNDLE/rootfs/new/deep/dir" ]
}

@test "mounts: a file bind-mounts onto a file created for it" {
	use_private_rootfs
	echo "file content" >"$BATS_TEST_TMPDIR/hostfile"
	update_config '.mounts += [{destination: "/etc/injected", type: "bind", source: $f, options: ["bind", "ro"]}]' \
		--arg f "$BATS_TEST_TMPDIR/hostfile"
	set_cmd 'cat /etc/injected; test -f /etc/injected && echo is-file'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "file content
is-file" ]
	[ -f "$BUNDLE/rootfs/etc/injected" ]
}

@test "mounts: a destination through a symlink out of the rootfs stays inside the rootfs" {
	use_private_rootfs
	mkdir "$BATS_TEST_TMPDIR/outside"
	# An absolute symlink: must be resolved against the container's root.
	ln -s "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/escape"
	ln -s ../../../../../../../../.. "$BUNDLE/rootfs/up"
	update_config '.mounts += [{destination: "/escape/m", type: "tmpfs", source: "tmpfs"},
	                           {destination: "/up/tmp/upm", type: "tmpfs", source: "tmpfs"}]'
	set_args true
	run_container ctr
	# Whether husk refuses it or mounts inside the rootfs, the host is untouched.
	[ ! -e "$BATS_TEST_TMPDIR/outside/m" ]
	[ ! -e /tmp/upm ]
	assert_no_leftovers ctr
}

@test "mounts: maskedPaths hide files and directories; missing ones are ignored" {
	# (/proc/kcore does not exist on every kernel; /proc/timer_list does.)
	update_config '.linux.maskedPaths = ["/proc/timer_list", "/sys/firmware", "/proc/no-such-path"]'
	set_cmd 'wc -c </proc/timer_list; ls -A /sys/firmware | wc -l; echo x > /sys/firmware/f 2>/dev/null; echo rc=$?'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = rc=1 ]
	# Not empty on the host: the masks did something.
	[ -n "$(ls -A /sys/firmware)" ]
	[ "$(wc -c </proc/timer_list)" -gt 0 ]
}

@test "mounts: readonlyPaths become read-only; missing ones are ignored" {
	update_config '.linux.readonlyPaths = ["/proc/sys", "/proc/sysrq-trigger", "/proc/no-such-path"]'
	set_cmd 'echo other > /proc/sys/kernel/hostname 2>/dev/null; echo rc=$?; hostname; grep " /proc/sys " /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = rc=1 ]
	[ "${lines[1]}" = husk-test ]
	has_opt "$(awk '{ print $6 }' <<<"${lines[2]}")" ro
}

@test "mounts: /sys/fs/cgroup (type cgroup) is mounted read-only on this host's layout" {
	update_config '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	    options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	set_cmd 'grep -c " /sys/fs/cgroup" /proc/self/mountinfo; mkdir /sys/fs/cgroup/husk-probe 2>/dev/null; echo rc=$?; ls /sys/fs/cgroup | wc -l'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ge 1 ]
	[ "${lines[1]}" = rc=1 ]
	[ "${lines[2]}" -ge 1 ]
	[ ! -e /sys/fs/cgroup/husk-probe ]
}

@test "mounts: mounts made inside the container do not reach the host" {
	use_private_rootfs
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
	    | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
	    | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	add_shared_dir
	set_cmd 'mount -t tmpfs inner /mnt && mount -t tmpfs inner2 /shared && echo mounted && touch /mnt/ready'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = mounted ]
	[ ! -e "$BUNDLE/rootfs/mnt/ready" ]
	assert_no_leftovers ctr
}

@test "mounts: rootfsPropagation private and slave are accepted" {
	for p in private slave rprivate rslave; do
		update_config '.linux.rootfsPropagation = $p' --arg p "$p"
		set_args true
		run_container "ctr-$p"
		[ "$status" -eq 0 ]
	done
	assert_no_leftovers
}

@test "mounts: tmpcopyup fills a tmpfs with what the directory held, owners and modes kept" {
	use_private_rootfs
	mkdir -p "$BUNDLE/rootfs/data/sub"
	echo hello >"$BUNDLE/rootfs/data/sub/file"
	chown 1000:1000 "$BUNDLE/rootfs/data/sub/file"
	chmod 0750 "$BUNDLE/rootfs/data"
	ln -s /nonexistent "$BUNDLE/rootfs/data/link"
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid"]}]'
	set_cmd 'cat /data/sub/file; stat -c "%u:%g %a" /data/sub/file /data; readlink /data/link; echo new >/data/new && echo wrote; awk "\$5 == \"/data\" { print \$6 }" /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = "1000:1000 644" ]
	[ "${lines[2]}" = "0:0 750" ]
	[ "${lines[3]}" = /nonexistent ]
	[ "${lines[4]}" = wrote ]
	has_opt "${lines[5]}" rw
	# The copy is the tmpfs's: the rootfs itself is untouched.
	[ ! -e "$BUNDLE/rootfs/data/new" ]
}

@test "mounts: tmpcopyup with ro copies first, then the tmpfs is read-only" {
	update_config '.mounts += [{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}]'
	set_cmd 'grep -c root /etc/passwd; touch /etc/x 2>/dev/null; echo rc=$?'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = rc=1 ]
}

@test "mounts: tmpcopyup of a tree deeper than it copies fails naming the mount and why, leaving nothing" {
	use_private_rootfs
	mkdir -p "$BUNDLE/rootfs/data/$(printf 'd/%.0s' $(seq 70))"
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}]'
	run_container ctr
	assert_husk_error /data "Too many levels of symbolic links"
	assert_no_leftovers ctr
}
