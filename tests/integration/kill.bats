#!/usr/bin/env bats
# `husk kill [--all] ID [SIGNAL]`

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	add_shared_dir
}

teardown() {
	husk_teardown
}

# A container whose PID 1 records the signals it gets in /shared/sig.
trap_container() {
	local id=$1
	set_cmd 'trap "echo TERM >> /shared/sig; exit 0" TERM
trap "echo USR1 >> /shared/sig" USR1
trap "echo HUP >> /shared/sig" HUP
touch /shared/ready
while :; do sleep 0.05; done'
	start_new_container "$id"
	wait_for_file "$SHARED/ready"
}

# wait_for_lines FILE N: bounded poll until FILE has N lines.
wait_for_lines() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "$1 does not have $2 lines: $(cat "$1" 2>/dev/null)" >&2
	return 1
}

@test "kill: the default signal is SIGTERM" {
	trap_container ctr
	run husk kill ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	[ "$(cat "$SHARED/sig")" = TERM ]
}

@test "kill: signals by name, SIG-name and number are delivered" {
	trap_container ctr
	run husk kill ctr USR1
	[ "$status" -eq 0 ]
	wait_for_lines "$SHARED/sig" 1
	run husk kill ctr SIGUSR1
	[ "$status" -eq 0 ]
	wait_for_lines "$SHARED/sig" 2
	run husk kill ctr 10
	[ "$status" -eq 0 ]
	wait_for_lines "$SHARED/sig" 3
	run husk kill ctr HUP
	[ "$status" -eq 0 ]
	wait_for_lines "$SHARED/sig" 4
	[ "$(cat "$SHARED/sig")" = "USR1
USR1
USR1
HUP" ]
	[ "$(state_field ctr .status)" = running ]
}

@test "kill: KILL, SIGKILL and 9 all stop a container" {
	set_args sleep 1000
	for sig in KILL SIGKILL 9; do
		start_new_container "c$sig"
	done
	for sig in KILL SIGKILL 9; do
		run husk kill "c$sig" "$sig"
		[ "$status" -eq 0 ]
	done
	for sig in KILL SIGKILL 9; do
		wait_for_status "c$sig" stopped
		run husk delete "c$sig"
		[ "$status" -eq 0 ]
	done
	assert_no_leftovers
}

@test "kill: a created container can be killed, and is stopped" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	pid=$(container_pid ctr)
	run husk kill ctr KILL
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	[ ! -e "/proc/$pid/cmdline" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "kill: signal 0 succeeds while the init lives and fails once it is gone (as runc)" {
	set_args sleep 1000
	start_new_container ctr
	run husk kill ctr 0
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .status)" = running ]
	run husk kill ctr KILL
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	run husk kill ctr 0
	assert_husk_error "container not running"
}

@test "kill: an unknown signal is refused and the container keeps running" {
	set_args sleep 1000
	start_new_container ctr
	run husk kill ctr NOSUCHSIG
	assert_husk_error NOSUCHSIG
	run husk kill ctr 99999
	assert_husk_error 99999
	[ "$(state_field ctr .status)" = running ]
}

@test "kill: --all and -a signal every process of the container" {
	set_cmd 'sleep 1000 & sleep 1000 & touch /shared/ready; wait'
	start_new_container one
	wait_for_file "$SHARED/ready"
	run husk kill --all one KILL
	[ "$status" -eq 0 ]
	wait_for_status one stopped

	rm -f "$SHARED/ready"
	start_new_container two
	wait_for_file "$SHARED/ready"
	run husk kill -a two KILL
	[ "$status" -eq 0 ]
	wait_for_status two stopped
	run husk delete one
	[ "$status" -eq 0 ]
	run husk delete two
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "kill: of a missing container fails with 'does not exist'" {
	run husk kill nosuchctr KILL
	assert_husk_error "does not exist"
}

@test "kill: --all reaches every process of a container without its own pid namespace" {
	# No pid namespace: killing the init does not take the others with it.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd 'sleep 1000 & sleep 1000 & touch /shared/ready; wait'
	start_new_container ctr
	wait_for_file "$SHARED/ready"
	[ "$(container_processes | wc -l)" -eq 3 ]
	run husk kill --all ctr KILL
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	procs=$(wait_no_container_processes) || {
		echo "still running after kill --all: $procs" >&2
		false
	}
}
