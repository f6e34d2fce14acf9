#!/usr/bin/env bats
# The OCI lifecycle: create -> created -> start -> running -> stopped -> delete.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

@test "lifecycle: create leaves the container created, with its init blocked before the user process" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .status)" = created ]
	pid=$(container_pid ctr)
	[ -d "/proc/$pid" ]
	# The user's process has not been exec'd yet.
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" != "sleep 1000 " ]
	# It is the container's PID 1: its own pid namespace, where it is 1.
	[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" = 1 ]
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
}

@test "lifecycle: the process runs only after start, and the status goes created -> running -> stopped" {
	add_shared_dir
	set_cmd 'echo started; touch /shared/started; while [ ! -e /shared/stop ]; do sleep 0.05; done; echo stopping'
	create_container ctr
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .status)" = created ]
	[ ! -e "$SHARED/started" ]
	[ -z "$(container_stdout ctr)" ]

	start_container ctr
	wait_for_file "$SHARED/started"
	[ "$(state_field ctr .status)" = running ]
	pid=$(container_pid ctr)
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sh -c $(jq -r '.process.args[2]' "$BUNDLE/config.json") " ]

	touch "$SHARED/stop"
	wait_for_status ctr stopped
	[ "$(container_stdout ctr)" = "started
stopping" ]

	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "lifecycle: start runs the exact process args" {
	set_args echo one "two  words" three
	create_container ctr
	[ "$status" -eq 0 ]
	start_container ctr
	wait_for_status ctr stopped
	[ "$(container_stdout ctr)" = "one two  words three" ]
}

@test "lifecycle: a container killed from the host is reported stopped" {
	set_args sleep 1000
	start_new_container ctr
	wait_for_status ctr running
	pid=$(container_pid ctr)
	kill -KILL "$pid"
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "lifecycle: start of a stopped container fails and leaves it stopped" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	run husk start ctr
	assert_husk_error
	[ "$(state_field ctr .status)" = stopped ]
}

@test "lifecycle: --pid-file holds the pid of the container's init" {
	set_args sleep 1000
	create_container ctr --pid-file "$BATS_TEST_TMPDIR/ctr.pid"
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/ctr.pid" ]
	pid=$(container_pid ctr)
	[ "$(cat "$BATS_TEST_TMPDIR/ctr.pid")" = "$pid" ]
}

@test "lifecycle: --pid-file given as a relative path is relative to the working directory" {
	set_args sleep 1000
	mkdir "$BATS_TEST_TMPDIR/wd"
	cd "$BATS_TEST_TMPDIR/wd"
	create_container ctr --pid-file ctr.pid
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/wd/ctr.pid")" = "$(container_pid ctr)" ]
}

@test "lifecycle: create without --bundle uses the current directory" {
	set_args sleep 1000
	cd "$BUNDLE"
	husk_io ctr create ctr
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .bundle)" = "$BUNDLE" ]
	[ "$(state_field ctr .status)" = created ]
}

@test "lifecycle: two containers from one bundle live side by side" {
	set_args sleep 1000
	start_new_container one
	create_container two
	[ "$status" -eq 0 ]
	[ "$(state_field one .status)" = running ]
	[ "$(state_field two .status)" = created ]
	[ "$(container_pid one)" != "$(container_pid two)" ]
	# Separate pid namespaces.
	[ "$(readlink /proc/"$(container_pid one)"/ns/pid)" != "$(readlink /proc/"$(container_pid two)"/ns/pid)" ]
	run husk delete --force one
	[ "$status" -eq 0 ]
	[ "$(state_field two .status)" = created ]
	run husk delete --force two
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "lifecycle: an id can be reused after delete" {
	set_args echo hello
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = hello ]
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = hello ]
	assert_no_leftovers ctr
}

@test "lifecycle: create of a missing executable fails or the start does, and nothing is left after delete" {
	set_args /bin/no-such-binary
	create_container ctr
	if [ "$status" -ne 0 ]; then
		assert_husk_error no-such-binary
		assert_no_leftovers ctr
	else
		run husk start ctr
		assert_husk_error no-such-binary
		run husk delete --force ctr
		[ "$status" -eq 0 ]
		assert_no_leftovers ctr
	fi
}

@test "lifecycle: the state survives husk exiting (no daemon): a new husk process sees a running container" {
	set_args sleep 1000
	start_new_container ctr
	# No husk process stays behind (any would have our --root on its command line).
	[ -z "$(pgrep -f -- "--root $HUSK_ROOT" || true)" ]
	[ "$(state_field ctr .status)" = running ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers
}
