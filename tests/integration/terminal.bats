#!/usr/bin/env bats
# process.terminal and --console-socket (runtime-spec config.md "terminal",
# "consoleSize"; runc's console socket protocol): the container's stdio is a
# pty of its own devpts, bound on /dev/console; the master goes to the
# --console-socket listener, or, for `husk run` in the foreground, husk
# copies between it and its own stdio.
#
# `husk run` is driven under script(1) so that husk itself has a terminal;
# output through a pty ends lines with "\r\n": the tests strip the "\r".

load helpers

setup() {
	husk_setup
	update_config '.process.terminal = true'
	RECVTTY=${HUSK_RECVTTY:-$(dirname "$(dirname "$(dirname "$HUSK_BINARY")")")/tests/integration/tools/recvtty}
	if [ ! -x "$RECVTTY" ]; then
		echo "recvtty not found at $RECVTTY (build it with husk, or set HUSK_RECVTTY)" >&2
		return 1
	fi
	SOCK="$BATS_TEST_TMPDIR/console.sock"
}

teardown() {
	# A recvtty still waiting (a test that failed early) must not keep
	# bats waiting.
	[ -z "${RECVTTY_PID:-}" ] || kill "$RECVTTY_PID" 2>/dev/null || true
	husk_teardown
}

# run_tty ID [RUN-FLAGS...]: `husk run` under script(1), which gives husk a
# terminal (size 0x0, so process.consoleSize stays). Sets status and
# output (without "\r"); stdin from $TTY_STDIN (default /dev/null).
run_tty() {
	local id=$1
	shift
	tty_capture "$HUSK_CMD_TIMEOUT" "${TTY_STDIN:-/dev/null}" "husk run $* $id" \
		"$HUSK_BINARY" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$@" "$id"
}

# start_recvtty [RECVTTY-FLAGS...]: a console socket listener at $SOCK in
# the background; its output goes to $BATS_TEST_TMPDIR/recvtty.out.
start_recvtty() {
	"$RECVTTY" "$@" "$SOCK" >"$BATS_TEST_TMPDIR/recvtty.out" \
		2>"$BATS_TEST_TMPDIR/recvtty.err" 3>&- &
	RECVTTY_PID=$!
	wait_for_file "$SOCK"
}

# wait_recvtty: until recvtty has seen the pty hang up (bounded); its
# output (without "\r") in $output.
wait_recvtty() {
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$RECVTTY_PID" 2>/dev/null; then
		echo "recvtty is still waiting for the pty to hang up" >&2
		return 1
	fi
	local rc=0
	wait "$RECVTTY_PID" || rc=$?
	RECVTTY_PID=
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/recvtty.out")
	echo "recvtty (status $rc): $output" >&2
	cat "$BATS_TEST_TMPDIR/recvtty.err" >&2
	[ "$rc" -eq 0 ]
}

@test "terminal: run gives the container a pty of its own on stdin, stdout and stderr" {
	set_cmd 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; ls /dev/pts'
	run_tty ctr
	[ "$status" -eq 0 ]
	grep -qx /dev/pts/0 <<<"$output"
	grep -qx all-ttys <<<"$output"
	# Its own devpts instance: nothing of the host's ptys.
	grep -qxE '0[[:space:]]+ptmx' <<<"$output"
	assert_no_leftovers ctr
}

@test "terminal: the pty is the controlling terminal and /dev/console" {
	set_cmd 'echo via-dev-tty >/dev/tty
		[ "$(stat -L -c %t:%T /dev/console)" = "$(stat -L -c %t:%T /proc/self/fd/0)" ] && echo console-is-pty
		[ "$(stat -c %u /proc/self/fd/0)" = "$(id -u)" ] && echo owned'
	run_tty ctr
	[ "$status" -eq 0 ]
	grep -qx via-dev-tty <<<"$output"
	grep -qx console-is-pty <<<"$output"
	grep -qx owned <<<"$output"
}

@test "terminal: process.consoleSize is applied" {
	update_config '.process.consoleSize = {height: 30, width: 100}'
	set_args stty size
	run_tty ctr
	[ "$status" -eq 0 ]
	grep -qx "30 100" <<<"$output"
}

@test "terminal: the exit status of the container passes through" {
	set_cmd 'echo bye; exit 7'
	run_tty ctr
	[ "$status" -eq 7 ]
	grep -qx bye <<<"$output"
	assert_no_leftovers ctr
	set_args false
	run_tty ctr
	[ "$status" -eq 1 ]
	assert_no_leftovers ctr
}

@test "terminal: what is typed reaches the container" {
	set_cmd 'read -r line; echo "got:$line"'
	printf 'hello tty\n' >"$BATS_TEST_TMPDIR/in"
	TTY_STDIN="$BATS_TEST_TMPDIR/in" run_tty ctr
	[ "$status" -eq 0 ]
	grep -qx "got:hello tty" <<<"$output"
}

@test "terminal: run without a terminal of its own copies a piped stdin, then ends it" {
	# husk's stdin is a file: its end reaches the container as an
	# end-of-file on the pty, so cat finishes.
	set_args cat
	printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/in"
	HUSK_STDIN="$BATS_TEST_TMPDIR/in" run_container ctr
	[ "$status" -eq 0 ]
	out=${stdout//$'\r'/}
	# Echoed by the pty, then written by cat.
	[ "$(grep -cx one <<<"$out")" -ge 1 ]
	[ "$(grep -cx two <<<"$out")" -ge 1 ]
	assert_no_leftovers ctr
}

@test "terminal: a non-root process.user owns its pty and can reopen it" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'id -u; tty; stat -c %u "$(tty)"; echo reopened >"$(tty)"'
	run_tty ctr
	[ "$status" -eq 0 ]
	[ "$(grep -cx 1000 <<<"$output")" -eq 2 ]
	grep -qx /dev/pts/0 <<<"$output"
	grep -qx reopened <<<"$output"
}

@test "terminal: in a user namespace, with consoleSize, through the console socket" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .process.user = {uid: 1000, gid: 1000}
	    | .process.consoleSize = {height: 24, width: 132}'
	set_cmd 'tty; stty size; stat -c %u /proc/self/fd/0; [ -t 0 ] && echo userns-tty'
	start_recvtty
	create_container ctr --console-socket "$SOCK"
	[ "$status" -eq 0 ]
	start_container ctr
	wait_recvtty
	grep -qx /dev/pts/0 <<<"$output"
	grep -qx "24 132" <<<"$output"
	grep -qx 1000 <<<"$output"
	grep -qx userns-tty <<<"$output"
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "terminal: create sends the pty master to --console-socket as runc does" {
	update_config '.process.consoleSize = {height: 30, width: 100}'
	set_cmd 'tty; stty size; echo done'
	start_recvtty -n "$BATS_TEST_TMPDIR/name" -w "$BATS_TEST_TMPDIR/size"
	create_container ctr --console-socket "$SOCK"
	[ "$status" -eq 0 ]
	# One message, "/dev/ptmx" as data, the master as SCM_RIGHTS; the
	# size was set before it was sent.
	wait_for_file "$BATS_TEST_TMPDIR/size"
	[ "$(cat "$BATS_TEST_TMPDIR/name")" = /dev/ptmx ]
	[ "$(cat "$BATS_TEST_TMPDIR/size")" = "30 100" ]
	[ "$(state_field ctr .status)" = created ]
	start_container ctr
	wait_recvtty
	grep -qx /dev/pts/0 <<<"$output"
	grep -qx "30 100" <<<"$output"
	grep -qx done <<<"$output"
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "terminal: input written to the console socket's pty reaches the container" {
	set_cmd 'read -r line; echo "got:$line"'
	start_recvtty -i $'through the socket\n'
	create_container ctr --console-socket "$SOCK"
	[ "$status" -eq 0 ]
	start_container ctr
	wait_recvtty
	grep -qx "got:through the socket" <<<"$output"
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
}

@test "terminal: run --detach with --console-socket" {
	set_cmd 'echo detached-tty'
	start_recvtty
	run_container ctr -d --console-socket "$SOCK"
	[ "$status" -eq 0 ]
	wait_recvtty
	grep -qx detached-tty <<<"$output"
	wait_for_status ctr stopped
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}

@test "terminal: a --console-socket that does not exist is an error naming it, and nothing is left" {
	local missing="$BATS_TEST_TMPDIR/no/such/console.sock"
	create_container ctr --console-socket "$missing"
	assert_husk_error "$missing"
	assert_no_leftovers ctr
	# A path that exists but is no socket.
	touch "$BATS_TEST_TMPDIR/plain"
	create_container ctr --console-socket "$BATS_TEST_TMPDIR/plain"
	assert_husk_error "$BATS_TEST_TMPDIR/plain"
	assert_no_leftovers ctr
}

@test "terminal: create with process.terminal but no --console-socket is refused" {
	# runc: "cannot allocate tty if runc will detach without setting
	# console socket". create always detaches; so does run -d.
	create_container ctr
	assert_husk_error "process.terminal" "--console-socket"
	assert_no_leftovers ctr
	run_container ctr -d
	assert_husk_error "process.terminal" "--console-socket"
	assert_no_leftovers ctr
}

@test "terminal: without a devpts mount at /dev/pts the error says so" {
	update_config '.mounts |= map(select(.destination != "/dev/pts"))'
	set_args true
	start_recvtty
	create_container ctr --console-socket "$SOCK"
	assert_husk_error "process.terminal" "/dev/pts"
	assert_no_leftovers ctr
}
