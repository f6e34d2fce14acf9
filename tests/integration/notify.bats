#!/usr/bin/env bats
# NOTIFY_SOCKET (sd_notify) through husk, as runc relays it: with
# NOTIFY_SOCKET set, `create` binds <state>/notify read-only at /run/notify
# in the container and sets NOTIFY_SOCKET=/run/notify/notify.sock for its
# process; `start` (and `run`) waits for the container's READY=1 and sends
# READY=1, MAINPID=<init pid> and a BARRIER=1 to the caller's socket. The
# caller's socket is tools/recvnotify; inside the container
# tools/sdnotify (static) sends the notification.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	TOOLS=$(dirname "$(dirname "$(dirname "$HUSK_BINARY")")")/tests/integration/tools
	[ -x "$TOOLS/recvnotify" ] || {
		echo "recvnotify not found in $TOOLS (build it with husk)" >&2
		return 1
	}
	[ -x "$TOOLS/sdnotify" ] || skip "tools/sdnotify was not built (no static libc)"
	HOST_SOCK="$BATS_TEST_TMPDIR/host-notify.sock"
	GOT="$BATS_TEST_TMPDIR/got"
	: >"$GOT"
	add_shared_dir
	# The tools at /mnt; /run a tmpfs, so that /run/notify is made there
	# and not in the shared rootfs.
	update_config '.mounts += [
		{destination: "/mnt", type: "bind", source: $t, options: ["rbind", "ro"]},
		{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]' \
		--arg t "$TOOLS"
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	[ -z "${START_PID:-}" ] || kill "$START_PID" 2>/dev/null || true
	husk_teardown
}

start_receiver() {
	"$TOOLS/recvnotify" "$HOST_SOCK" "$GOT" 3>&- &
	RECV_PID=$!
	wait_for_file "$HOST_SOCK"
}

# receiver_done: recvnotify got the barrier and exited 0.
receiver_done() {
	local rc=0
	wait "$RECV_PID" || rc=$?
	RECV_PID=
	echo "recvnotify: status $rc, got: $(cat "$GOT")" >&2
	[ "$rc" -eq 0 ]
}

@test "notify: create + start relay the container's READY=1 to NOTIFY_SOCKET" {
	set_args sh -c '/mnt/sdnotify READY=1 "STATUS=up"; exec sleep 1000'
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK create_container ctr
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid ctr)
	NOTIFY_SOCKET=$HOST_SOCK husk_io s start ctr
	[ "$status" -eq 0 ]
	receiver_done
	# Only the READY line of the container's message goes on, then MAINPID
	# and the barrier.
	[ "$(cat "$GOT")" = "READY=1
MAINPID=$pid
BARRIER=1" ]
	wait_for_status ctr running
}

@test "notify: the container sees its own socket, read-only, not the caller's" {
	set_args sleep 1000
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK create_container ctr
	[ "$status" -eq 0 ]
	husk_io s start ctr
	[ "$status" -eq 0 ]
	# The init's env names the socket inside, next to the config's env.
	local env
	env=$(tr '\0' '\n' <"/proc/$(container_pid ctr)/environ")
	echo "$env" >&2
	grep -qx "NOTIFY_SOCKET=/run/notify/notify.sock" <<<"$env"
	grep -q "^PATH=" <<<"$env"
	refute grep -q "$HOST_SOCK" <<<"$env"
	exec_io e ctr sh -c 'grep " /run/notify " /proc/mounts; ls /run/notify'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" /run/notify "*ro,nosuid,nodev,noexec* ]]
	# start ran without NOTIFY_SOCKET: no socket was bound.
	[ "${#lines[@]}" -eq 1 ]
	# Without NOTIFY_SOCKET on the host, none of this.
	set_args sh -c 'echo "socket=${NOTIFY_SOCKET:-none}"; grep -c /run/notify /proc/mounts'
	husk_io r run --bundle "$BUNDLE" ctr2
	[ "${lines[0]}" = "socket=none" ]
	[ "${lines[1]}" = 0 ]
}

@test "notify: start waits for READY; the init's pid is the MAINPID" {
	set_args sh -c 'touch /shared/waiting; until [ -e /shared/go ]; do sleep 0.05; done
		/mnt/sdnotify STATUS=almost; /mnt/sdnotify READY=1; exec sleep 1000'
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK create_container ctr
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid ctr)
	NOTIFY_SOCKET=$HOST_SOCK timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" \
		start ctr </dev/null >"$BATS_TEST_TMPDIR/start.out" 2>&1 3>&- &
	START_PID=$!
	wait_for_file "$SHARED/waiting"
	# The container is running but not ready: start is still waiting, and
	# has told the caller nothing.
	kill -0 "$START_PID"
	[ ! -s "$GOT" ]
	# Other verbs are not blocked meanwhile (the state lock is not held):
	# kill takes it.
	[ "$(state_field ctr .status)" = running ]
	husk_io k kill ctr SIGCONT
	[ "$status" -eq 0 ]
	touch "$SHARED/go"
	local rc=0
	wait "$START_PID" || rc=$?
	START_PID=
	cat "$BATS_TEST_TMPDIR/start.out" >&2
	[ "$rc" -eq 0 ]
	receiver_done
	[ "$(cat "$GOT")" = "READY=1
MAINPID=$pid
BARRIER=1" ]
}

@test "notify: a non-root process in the container may notify" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c '/mnt/sdnotify READY=1; exec sleep 1000'
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK husk_io r run -d --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	receiver_done
	[ "$(sed -n 1p "$GOT")" = READY=1 ]
}

@test "notify: run -d returns once the container is ready" {
	set_args sh -c '/mnt/sdnotify READY=1; exec sleep 1000'
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK husk_io r run -d --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	receiver_done
	[ "$(sed -n 1p "$GOT")" = READY=1 ]
	[ "$(sed -n 2p "$GOT")" = "MAINPID=$(container_pid ctr)" ]
}

@test "notify: a container that exits without READY ends start, nothing is sent" {
	set_args sh -c '/mnt/sdnotify STATUS=bye; exit 3'
	start_receiver
	NOTIFY_SOCKET=$HOST_SOCK create_container ctr
	[ "$status" -eq 0 ]
	NOTIFY_SOCKET=$HOST_SOCK husk_io s start ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
	[ ! -s "$GOT" ]
}

@test "notify: a caller socket that does not exist fails start clearly" {
	set_args sh -c '/mnt/sdnotify READY=1; exec sleep 1000'
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/none.sock create_container ctr
	[ "$status" -eq 0 ]
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/none.sock husk_io s start ctr
	assert_husk_error "NOTIFY_SOCKET $BATS_TEST_TMPDIR/none.sock: connect"
}
