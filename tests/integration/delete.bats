#!/usr/bin/env bats
# `husk delete [--force] ID`

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

@test "delete: a stopped container is removed with everything it had" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	[ -d "$HUSK_ROOT/ctr" ]
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
	run husk state ctr
	assert_husk_error "does not exist"
}

@test "delete: a running container is refused without --force and keeps running" {
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	run husk delete ctr
	assert_husk_error ctr
	[ "$(state_field ctr .status)" = running ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
}

@test "delete: a created container goes without --force, its init killed (as runc)" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	pid=$(container_pid ctr)
	run husk delete ctr
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$pid/cmdline" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
	assert_no_leftovers ctr
}

@test "delete: --force kills a running container and removes it" {
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$pid/cmdline" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
	assert_no_leftovers ctr
}

@test "delete: -f kills a created container and removes it" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	pid=$(container_pid ctr)
	run husk delete -f ctr
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$pid/cmdline" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
	assert_no_leftovers ctr
}

@test "delete: --force kills every process of a container" {
	add_shared_dir
	set_cmd 'sleep 1000 & sleep 1000 & touch /shared/ready; wait'
	start_new_container ctr
	wait_for_file "$SHARED/ready"
	[ "$(container_processes | wc -l)" -eq 3 ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "delete: --force of a missing container succeeds" {
	run husk delete --force nosuchctr
	[ "$status" -eq 0 ]
	run husk delete -f nosuchctr
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "delete: of a missing container without --force fails with 'does not exist'" {
	run husk delete nosuchctr
	assert_husk_error "does not exist" nosuchctr
}

@test "delete: a stopped container is deleted only once" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	run husk delete ctr
	assert_husk_error "does not exist"
}

@test "delete: --force kills every process of a container without its own pid namespace" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	add_shared_dir
	set_cmd 'sleep 1000 & sleep 1000 & touch /shared/ready; wait'
	start_new_container ctr
	wait_for_file "$SHARED/ready"
	[ "$(container_processes | wc -l)" -eq 3 ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "delete: the container's cgroups (with linux.resources) go with it" {
	update_config '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 100}}'
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	if ! "$HUSK_BINARY" --version | grep -q -- '+CGROUP'; then
		# A husk without cgroups says it ignores them.
		grep -q "linux.resources" <<<"$output"
	else
		# helpers.bash gave it a cgroupsPath below the run's parent.
		[ -n "$(leaked_cgroups)" ]
	fi
	start_container ctr
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}
