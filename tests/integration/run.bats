#!/usr/bin/env bats
# `husk run [--detach] [--keep] [--pid-file F] ID`

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

@test "run: prints the container's output, exits 0, and deletes the container" {
	set_cmd 'echo out; echo err >&2'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = out ]
	grep -qx err <<<"$stderr"
	assert_no_leftovers ctr
	run husk state ctr
	assert_husk_error "does not exist"
}

@test "run: the exit status is the container's" {
	set_cmd 'exit 42'
	run_container ctr
	[ "$status" -eq 42 ]
	assert_no_leftovers ctr
	set_args false
	run_container ctr
	[ "$status" -eq 1 ]
	assert_no_leftovers ctr
}

@test "run: a container killed by a signal exits 128+signal" {
	add_shared_dir
	set_cmd 'touch /shared/ready; exec sleep 1000'
	auto_cgroups_path run --bundle "$BUNDLE" ctr
	(
		rc=0
		timeout -k 5 60 "$HUSK_BINARY" --root "$HUSK_ROOT" run --bundle "$BUNDLE" ctr \
			</dev/null >"$BATS_TEST_TMPDIR/run.out" 2>"$BATS_TEST_TMPDIR/run.err" 3>&- || rc=$?
		echo "$rc" >"$BATS_TEST_TMPDIR/run.rc"
	) 3>&- &
	wait_for_file "$SHARED/ready"
	wait_for_status ctr running
	run husk kill ctr KILL
	[ "$status" -eq 0 ]
	wait
	cat "$BATS_TEST_TMPDIR/run.err" >&2
	[ "$(cat "$BATS_TEST_TMPDIR/run.rc")" = 137 ]
	assert_no_leftovers ctr
}

@test "run: the container's stdin is husk's stdin" {
	set_args cat
	echo "hello through stdin" >"$BATS_TEST_TMPDIR/in"
	HUSK_STDIN="$BATS_TEST_TMPDIR/in" run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "hello through stdin" ]
}

@test "run: --detach returns while the container runs" {
	set_args sleep 1000
	run_container ctr --detach
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .status)" = running ]
	pid=$(container_pid ctr)
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "run: -d with --pid-file writes the container's pid" {
	set_args sleep 1000
	run_container ctr -d --pid-file "$BATS_TEST_TMPDIR/pid"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(container_pid ctr)" ]
}

@test "run: --detach of a short-lived container ends stopped and is kept" {
	set_args true
	run_container ctr --detach
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "run: --keep keeps the stopped container for delete" {
	set_cmd 'exit 3'
	run_container ctr --keep
	[ "$status" -eq 3 ]
	[ "$(state_field ctr .status)" = stopped ]
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "run: a missing executable fails with its name and leaves nothing" {
	set_args no-such-binary-here
	run_container ctr
	assert_husk_error no-such-binary-here
	assert_no_leftovers ctr
}

@test "run: --no-pivot runs the container in its rootfs" {
	set_cmd 'ls /bin/busybox && cat /proc/self/mountinfo >/dev/null && hostname'
	run_container ctr --no-pivot
	[ "$status" -eq 0 ]
	[ "$stdout" = "/bin/busybox
husk-test" ]
	assert_no_leftovers ctr
}

@test "run: --no-new-keyring is accepted and the container runs" {
	set_args echo ok
	run_container ctr --no-new-keyring
	[ "$status" -eq 0 ]
	[ "$stdout" = ok ]
}

@test "run: the container joins a new session keyring _ses.ID, not with --no-new-keyring" {
	# runc's behaviour: a fresh session keyring named "_ses.<id>", which the
	# container possesses and so sees in /proc/keys. (Two ids: a dead
	# container's keyring may linger until the kernel collects it.)
	set_cmd 'grep -c " _ses\.one: " /proc/keys || true'
	run_container one
	[ "$status" -eq 0 ]
	[ "$stdout" = 1 ]
	set_cmd 'grep -c " _ses\.two: " /proc/keys || true'
	run_container two --no-new-keyring
	[ "$status" -eq 0 ]
	[ "$stdout" = 0 ]
}

@test "run: a duplicate id is refused with 'already exists' and the first container is untouched" {
	set_args sleep 1000
	run_container ctr -d
	[ "$status" -eq 0 ]
	pid=$(container_pid ctr)
	run_container ctr
	assert_husk_error "already exists" ctr
	[ "$(state_field ctr .status)" = running ]
	[ "$(container_pid ctr)" = "$pid" ]
}
