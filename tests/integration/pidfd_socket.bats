#!/usr/bin/env bats
# --pidfd-socket PATH on create, run and exec: a pidfd of the container's
# init (create, run) or of the exec'd process goes to the unix socket at
# PATH, with runc's payload ("standard" / "setns"). The receiver
# (tools/recvpidfd) checks it with pidfd_send_signal and reads the pid from
# its fdinfo; with a signal, it also kills the process through the pidfd.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	RECVPIDFD=${HUSK_RECVPIDFD:-$(dirname "$(dirname "$(dirname "$HUSK_BINARY")")")/tests/integration/tools/recvpidfd}
	[ -x "$RECVPIDFD" ] || {
		echo "recvpidfd not found at $RECVPIDFD (build it with husk, or set HUSK_RECVPIDFD)" >&2
		return 1
	}
	SOCK="$BATS_TEST_TMPDIR/pidfd.sock"
	GOT="$BATS_TEST_TMPDIR/got"
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	husk_teardown
}

# start_receiver [SIGNAL]: recvpidfd in the background, ready when the
# socket exists.
start_receiver() {
	"$RECVPIDFD" "$SOCK" "$GOT" "$@" 3>&- &
	RECV_PID=$!
	wait_for_file "$SOCK"
}

# receiver_done: wait for recvpidfd, which must have succeeded.
receiver_done() {
	local rc=0
	wait "$RECV_PID" || rc=$?
	RECV_PID=
	echo "recvpidfd: status $rc, got: $(cat "$GOT" 2>/dev/null)" >&2
	[ "$rc" -eq 0 ]
}

@test "create --pidfd-socket: a pidfd of the init, usable to kill it" {
	set_args sleep 1000
	start_receiver 9
	create_container ctr --pid-file "$BATS_TEST_TMPDIR/pid" --pidfd-socket "$SOCK"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	receiver_done
	[ "$(sed -n 1p "$GOT")" = "standard $pid" ]
	[ "$(sed -n 2p "$GOT")" = exited ]
	wait_for_status ctr stopped
}

@test "run -d --pidfd-socket: a pidfd of the init" {
	set_args sleep 1000
	start_receiver
	husk_io r run -d --pidfd-socket "$SOCK" --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	receiver_done
	[ "$(cat "$GOT")" = "standard $(container_pid ctr)" ]
}

@test "exec --pidfd-socket: a pidfd of the exec'd process, not the init" {
	start_sleeper ctr
	start_receiver 15
	local pidfile="$BATS_TEST_TMPDIR/exec.pid"
	exec_io e -d --pid-file "$pidfile" --pidfd-socket "$SOCK" ctr sleep 1000
	[ "$status" -eq 0 ]
	EXEC_PID=$(cat "$pidfile")
	receiver_done
	[ "$(sed -n 1p "$GOT")" = "setns $EXEC_PID" ]
	[ "$(sed -n 2p "$GOT")" = exited ]
	proc_alive "$INIT_PID"
}

@test "--pidfd-socket: a path with no listener fails before anything exists" {
	set_args true
	create_container ctr --pidfd-socket "$BATS_TEST_TMPDIR/none.sock"
	assert_husk_error "--pidfd-socket $BATS_TEST_TMPDIR/none.sock: connect"
	[ ! -e "$HUSK_ROOT/ctr" ]
	start_sleeper ctr2
	exec_io e --pidfd-socket "$BATS_TEST_TMPDIR/none.sock" ctr2 true
	assert_husk_error "--pidfd-socket $BATS_TEST_TMPDIR/none.sock: connect"
}
