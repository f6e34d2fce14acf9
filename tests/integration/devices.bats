#!/usr/bin/env bats
# The default devices, /dev symlinks and linux.devices.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

@test "devices: the default devices exist with their numbers" {
	set_cmd 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "/dev/null character special file 1:3
/dev/zero character special file 1:5
/dev/full character special file 1:7
/dev/random character special file 1:8
/dev/urandom character special file 1:9
/dev/tty character special file 5:0" ]
}

@test "devices: the default devices work" {
	set_cmd 'echo x > /dev/null && head -c 5 /dev/zero | od -An -tx1 | tr -d " " && head -c 16 /dev/urandom | wc -c && (echo x > /dev/full) 2>&1'
	run_container ctr
	[ "${lines[0]}" = 0000000000 ]
	[ "${lines[1]}" = 16 ]
	grep -qi "no space" <<<"${lines[2]}"
}

@test "devices: the default devices are rw for everyone and owned by root" {
	set_cmd 'for d in null zero full random urandom tty; do stat -c "%A %u:%g" /dev/$d; done | sort -u'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "crw-rw-rw- 0:0" ]
}

@test "devices: the /dev symlinks point where runc's do" {
	set_cmd 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx" ]
}

@test "devices: /dev holds nothing of the host's" {
	set_args ls -A /dev
	run_container ctr
	[ "$status" -eq 0 ]
	# Only the defaults, the symlinks and the mount points of the config
	# (runc also adds core -> /proc/kcore).
	extra=$(grep -vxE 'null|zero|full|random|urandom|tty|fd|stdin|stdout|stderr|ptmx|pts|shm|mqueue|core' <<<"$stdout" || true)
	[ -z "$extra" ]
}

@test "devices: linux.devices creates character, block and fifo devices with mode and owner" {
	update_config '.linux.devices = [
	    {path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 432, uid: 1000, gid: 1001},
	    {path: "/dev/sub/dir/myzero", type: "c", major: 1, minor: 5},
	    {path: "/dev/myblock", type: "b", major: 7, minor: 200, fileMode: 384},
	    {path: "/dev/myfifo", type: "p", fileMode: 420}]'
	set_cmd 'stat -c "%n %F %t:%T %a %u:%g" /dev/mynull /dev/sub/dir/myzero /dev/myblock; stat -c "%n %F %a" /dev/myfifo; echo x > /dev/sub/dir/myzero && echo write-ok'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/mynull character special file 1:3 660 1000:1001" ]
	[[ "${lines[1]}" == "/dev/sub/dir/myzero character special file 1:5 "* ]]
	[ "${lines[2]}" = "/dev/myblock block special file 7:c8 600 0:0" ]
	[ "${lines[3]}" = "/dev/myfifo fifo 644" ]
	[ "${lines[4]}" = write-ok ]
}

@test "devices: a linux.devices entry overrides a default device" {
	update_config '.linux.devices = [{path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 384, uid: 0, gid: 0}]'
	set_cmd 'stat -c "%F %t:%T %a" /dev/null'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "character special file 1:3 600" ]
}

@test "devices: /dev/pts and /dev/shm are usable" {
	set_cmd 'test -c /dev/pts/ptmx && echo ptmx; echo data > /dev/shm/f && cat /dev/shm/f'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "ptmx
data" ]
}

@test "devices: a device outside /dev is created where asked" {
	use_private_rootfs
	update_config '.linux.devices = [{path: "/mnt/null2", type: "c", major: 1, minor: 3, fileMode: 438}]'
	set_cmd 'stat -c "%F %t:%T" /mnt/null2'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "character special file 1:3" ]
}

@test "devices: an unknown device type is refused naming the key" {
	update_config '.linux.devices = [{path: "/dev/bad", type: "x", major: 1, minor: 3}]'
	create_container ctr
	assert_husk_error "linux.devices[0].type"
	assert_no_leftovers ctr
}
