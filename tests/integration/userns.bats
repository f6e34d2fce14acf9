#!/usr/bin/env bats
# User namespaces created by root: id maps with several ranges, setgroups,
# device nodes and sysfs/cgroup mounts as they must be made inside a user
# namespace, and the errors for maps the kernel cannot take.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# userns_config: a user namespace mapping container ids 0-65535 to
# 100000-165535 (uids) and 200000-265535 (gids).
userns_config() {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
}

# mountinfo_under DIR: "mountpoint options" of every mount at or below DIR
# in the container's mount table ($stdout of a run that printed it).
mountinfo_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5, $6 }' <<<"$stdout"
}

@test "userns: several ranges are written, and are visible from outside in /proc/PID/{uid,gid}_map" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000},
	                            {containerID: 1000, hostID: 300000, size: 1000},
	                            {containerID: 65534, hostID: 165534, size: 1}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000},
	                            {containerID: 1000, hostID: 400000, size: 1000}]
	    | .process.user = {uid: 1500, gid: 1500}'
	add_shared_dir
	set_cmd 'id -u; id -g; touch /shared/ready; exec sleep 1000'
	start_new_container ctr
	wait_for_file "$SHARED/ready"
	pid=$(container_pid ctr)
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map" | tr '\n' ,)" = "0 100000 1000,1000 300000 1000,65534 165534 1," ]
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/gid_map" | tr '\n' ,)" = "0 200000 1000,1000 400000 1000," ]
	# uid 1500 inside is 300500 outside: the second range.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 300500 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 400500 ]
	[ "$(container_stdout ctr)" = "1500
1500" ]
	[ "$(stat -c %u:%g "$SHARED/ready")" = 300500:400500 ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "userns: root leaves setgroups allowed: additionalGids work inside" {
	userns_config
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 20]}'
	set_cmd 'id -G; cat /proc/self/setgroups'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000 5 20" ]
	[ "${lines[1]}" = allow ]
}

@test "userns: devices are the host's nodes bound in, not made with mknod" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun on this host"
	userns_config
	update_config '.linux.devices = [{path: "/dev/net/tun", type: "c", major: 10, minor: 200}]'
	set_cmd 'test -c /dev/net/tun && echo tun; cat /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = tun ]
	# Each node is a bind mount of the host's devtmpfs node, not a node on
	# the container's /dev tmpfs.
	local d
	for d in /dev/null /dev/zero /dev/urandom /dev/tty /dev/net/tun; do
		awk -v d="$d" '$5 == d { for (i = 7; $i != "-"; i++) ; print $4, $(i + 1) }' <<<"$stdout" | grep -qx "/${d#/dev/} devtmpfs"
	done
}

@test "userns: a device the host does not have is a clear error, and nothing is left" {
	userns_config
	update_config '.linux.devices = [{path: "/dev/husk-no-such-node", type: "c", major: 1, minor: 3}]'
	run_container ctr
	assert_husk_error 'linux.devices[0]' /dev/husk-no-such-node 'user namespace'
	assert_no_leftovers ctr
}

@test "userns: without a network namespace, sysfs is the host's /sys, read-only all the way down" {
	userns_config
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_cmd 'cat /proc/self/mountinfo; if touch /sys/kernel/husk-test 2>/dev/null; then echo writable; fi'
	run_container ctr
	[ "$status" -eq 0 ]
	! grep -qx writable <<<"$stdout"
	mounts=$(mountinfo_under /sys)
	echo "$mounts" >&2
	# The host's tree, with its submounts (cgroups), each read-only.
	[ "$(grep -c . <<<"$mounts")" -gt 1 ]
	grep -q '^/sys/fs/cgroup ' <<<"$mounts"
	! awk '$2 !~ /(^|,)ro(,|$)/' <<<"$mounts" | grep -q .
}

@test "userns: with its own network namespace, sysfs is a fresh read-only mount" {
	userns_config
	set_cmd 'cat /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	mounts=$(mountinfo_under /sys)
	echo "$mounts" >&2
	[ "$(grep -c . <<<"$mounts")" -eq 1 ]
	[[ "$(awk '{ print $2 }' <<<"$mounts")" =~ (^|,)ro(,|$) ]]
}

@test "userns: a cgroup mount without a cgroup namespace binds the host's tree read-only" {
	userns_config
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))
	    | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	                   options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	set_cmd 'cat /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	mounts=$(mountinfo_under /sys/fs/cgroup)
	echo "$mounts" >&2
	[ -n "$mounts" ]
	! awk '$2 !~ /(^|,)ro(,|$)/' <<<"$mounts" | grep -q .
	# Every mount of the host's tree is there (the v1 controllers and
	# their tmpfs, or the one cgroup2).
	host=$(awk '$5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1' /proc/self/mountinfo | wc -l)
	[ "$(grep -c . <<<"$mounts")" -eq "$host" ]
}

@test "userns: a cgroup2 mount without a cgroup namespace falls back to the host's cgroup2, read-only" {
	userns_config
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))
	    | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2",
	                   options: ["nosuid", "noexec", "nodev", "ro"]}]'
	set_cmd 'cat /proc/self/mountinfo'
	run_container ctr
	[ "$status" -eq 0 ]
	mounts=$(mountinfo_under /sys/fs/cgroup)
	echo "$mounts" >&2
	[ "$(grep -c . <<<"$mounts")" -eq 1 ]
	[[ "$(awk '{ print $2 }' <<<"$mounts")" =~ (^|,)ro(,|$) ]]
	awk '$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++) ; print $(i + 1) }' <<<"$stdout" | grep -qx cgroup2
}

@test "userns: overlapping ranges are refused before anything is made" {
	userns_config
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000},
	                                     {containerID: 500, hostID: 300000, size: 1000}]'
	run_container ctr
	assert_husk_error linux.uidMappings '[0]' '[1]' overlap
	assert_no_leftovers ctr
	cp "$HUSK_BASE_CONFIG" "$BUNDLE/config.json"
	userns_config
	update_config '.linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000},
	                                     {containerID: 1000, hostID: 200500, size: 1000}]'
	run_container ctr
	assert_husk_error linux.gidMappings '[0]' '[1]' overlap
	assert_no_leftovers ctr
}

@test "userns: more ranges than the kernel takes is an error naming the key" {
	userns_config
	update_config '.linux.uidMappings = [range(341) | {containerID: ., hostID: (100000 + .), size: 1}]'
	run_container ctr
	assert_husk_error linux.uidMappings 341 340
	assert_no_leftovers ctr
}

@test "userns: a new user namespace without a gid map is an error naming it" {
	userns_config
	update_config 'del(.linux.gidMappings)'
	run_container ctr
	assert_husk_error linux.gidMappings 'at least one mapping'
	assert_no_leftovers ctr
}
