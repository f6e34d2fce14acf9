#!/usr/bin/env bats
# linux.namespaces, hostname/domainname, uid/gid mappings, sysctl.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# ns_of PID TYPE: the namespace link of a process.
ns_of() {
	readlink "/proc/$1/ns/$2"
}

@test "namespaces: each configured namespace is new, checked from outside" {
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	for ns in pid net ipc uts mnt cgroup; do
		[ -n "$(ns_of "$pid" "$ns")" ]
		[ "$(ns_of "$pid" "$ns")" != "$(host_ns "$ns")" ]
	done
	# No user namespace was asked for.
	[ "$(ns_of "$pid" user)" = "$(host_ns user)" ]
}

@test "namespaces: the process is PID 1 of its pid namespace and sees only its own processes" {
	set_cmd 'echo $$; ps -o pid,args | tail -n +2 | awk "{print \$1}" | sort -n | tr "\n" " "'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	# sh (1), ps, and the pipeline's processes: all small pids, 1 first.
	[ "$(awk '{print $1}' <<<"${lines[1]}")" = 1 ]
	[ "$(wc -w <<<"${lines[1]}")" -le 6 ]
}

@test "namespaces: a namespace left out of the config is the host's" {
	for ns in network ipc cgroup; do
		cp "$HUSK_BASE_CONFIG" "$BUNDLE/config.json"
		set_args sleep 1000
		update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$ns"
		start_new_container "no-$ns"
	done
	cp "$HUSK_BASE_CONFIG" "$BUNDLE/config.json"
	set_args sleep 1000
	update_config '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname)'
	start_new_container no-uts

	[ "$(ns_of "$(container_pid no-network)" net)" = "$(host_ns net)" ]
	[ "$(ns_of "$(container_pid no-network)" ipc)" != "$(host_ns ipc)" ]
	[ "$(ns_of "$(container_pid no-ipc)" ipc)" = "$(host_ns ipc)" ]
	[ "$(ns_of "$(container_pid no-ipc)" net)" != "$(host_ns net)" ]
	[ "$(ns_of "$(container_pid no-cgroup)" cgroup)" = "$(host_ns cgroup)" ]
	[ "$(ns_of "$(container_pid no-uts)" uts)" = "$(host_ns uts)" ]
}

@test "namespaces: without a pid namespace the process sees the host's pids" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	[ "$(ns_of "$pid" pid)" = "$(host_ns pid)" ]
	[ "$(awk '/^NSpid:/ { print NF }' "/proc/$pid/status")" = 2 ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "namespaces: joining namespaces by path shares them with another container" {
	set_args sleep 1000
	start_new_container first
	fpid=$(container_pid first)
	update_config '.linux.namespaces |= map(
	    if .type == "network" then .path = "/proc/\($p)/ns/net"
	    elif .type == "ipc" then .path = "/proc/\($p)/ns/ipc"
	    elif .type == "uts" then .path = "/proc/\($p)/ns/uts"
	    else . end) | del(.hostname)' --arg p "$fpid"
	start_new_container second
	spid=$(container_pid second)
	for ns in net ipc uts; do
		[ "$(ns_of "$spid" "$ns")" = "$(ns_of "$fpid" "$ns")" ]
	done
	for ns in pid mnt; do
		[ "$(ns_of "$spid" "$ns")" != "$(ns_of "$fpid" "$ns")" ]
		[ "$(ns_of "$spid" "$ns")" != "$(host_ns "$ns")" ]
	done
}

@test "namespaces: joining a namespace path that does not exist fails naming the path" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/999999999/ns/net" else . end)'
	create_container ctr
	assert_husk_error /proc/999999999/ns/net
	assert_no_leftovers ctr
}

@test "namespaces: joining a path of the wrong namespace type fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
	create_container ctr
	assert_husk_error
	assert_no_leftovers ctr
}

@test "namespaces: hostname and domainname are set in the new uts namespace only" {
	update_config '.hostname = "box-one" | .domainname = "example.test"'
	set_cmd 'hostname; cat /proc/sys/kernel/domainname'
	host_before=$(hostname)
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "box-one
example.test" ]
	[ "$(hostname)" = "$host_before" ]
}

@test "namespaces: a hostname without a uts namespace is refused" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
	host_before=$(hostname)
	create_container ctr
	assert_husk_error hostname
	[ "$(hostname)" = "$host_before" ]
	assert_no_leftovers ctr
}

@test "namespaces: the network namespace has only lo" {
	set_args ls /sys/class/net
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = lo ]
}

@test "namespaces: the cgroup namespace roots the container's cgroup paths at /" {
	set_args cat /proc/self/cgroup
	run_container ctr
	[ "$status" -eq 0 ]
	[ -n "$stdout" ]
	# Every line is "N:controllers:/" inside the new cgroup namespace.
	[ -z "$(awk -F: '$3 != "/"' <<<"$stdout")" ]
}

@test "namespaces: sysctl is applied inside the namespaces, not on the host" {
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host_fwd))
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": $v, "kernel.msgmax": "4321"}' --arg v "$want"
	set_cmd 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax'
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "$want
4321" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ]
}

@test "namespaces: a sysctl of a namespace the container does not have is refused" {
	update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	create_container ctr
	assert_husk_error net.ipv4.ip_forward
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	assert_no_leftovers ctr
}

@test "namespaces: a user namespace with uid/gid mappings maps root to the host range" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	add_shared_dir
	set_cmd 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; touch /shared/ready; exec sleep 1000'
	start_new_container ctr
	wait_for_file "$SHARED/ready"
	pid=$(container_pid ctr)
	[ "$(ns_of "$pid" user)" != "$(host_ns user)" ]
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 100000 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 200000 ]
	out=$(container_stdout ctr)
	[ "$(sed -n 1p <<<"$out")" = 0 ]
	[ "$(sed -n 2p <<<"$out")" = 0 ]
	[ "$(sed -n 3p <<<"$out" | awk '{print $1, $2, $3}')" = "0 100000 65536" ]
	[ "$(sed -n 4p <<<"$out" | awk '{print $1, $2, $3}')" = "0 200000 65536" ]
	# The file the container created is owned by the mapped ids on the host.
	[ "$(stat -c %u:%g "$SHARED/ready")" = 100000:200000 ]
}

@test "namespaces: the default devices exist in a user namespace too" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	set_cmd 'echo x >/dev/null && head -c 3 /dev/zero | wc -c && test -c /dev/urandom && echo ok'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "3
ok" ]
}
