# Helpers for exec.bats and hooks.bats (load after helpers).

# refute CMD...: CMD must fail (a bare `! CMD` never fails a bats test).
refute() {
	if "$@"; then
		echo "unexpectedly succeeded: $*" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# exec

# start_sleeper ID: a running container whose init is `sleep 1000`; sets
# INIT_PID to the init's pid (host view).
start_sleeper() {
	set_args sleep 1000
	start_new_container "$1"
	wait_for_status "$1" running
	INIT_PID=$(container_pid "$1")
}

# exec_io NAME ARGS...: `husk exec ARGS` like husk_io (output in
# $BATS_TEST_TMPDIR/NAME.out/.err; sets status, stdout, stderr, output,
# lines). Stdin comes from $HUSK_STDIN (default /dev/null).
exec_io() {
	local name=$1
	shift
	husk_io "$name" exec "$@"
}

# exec_pipe NAME INPUT ARGS...: like exec_io, with INPUT written to husk's
# stdin through a pipe.
exec_pipe() {
	local name=$1 input=$2
	shift 2
	local out="$BATS_TEST_TMPDIR/$name.out" err="$BATS_TEST_TMPDIR/$name.err"
	status=0
	printf '%s' "$input" | timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" exec "$@" \
		>"$out" 2>"$err" 3>&- || status=$?
	stdout=$(cat "$out")
	stderr=$(cat "$err")
	output="$stdout${stdout:+${stderr:+$'\n'}}$stderr"
	echo "\$ ... | husk exec $* => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# exec_detached ID ARGS...: `husk exec --detach --pid-file` that must
# succeed; sets EXEC_PID to the pid it wrote.
exec_detached() {
	local id=$1 pidfile="$BATS_TEST_TMPDIR/exec-$RANDOM.pid"
	shift
	exec_io detached -d --pid-file "$pidfile" "$id" "$@"
	[ "$status" -eq 0 ] || return 1
	EXEC_PID=$(cat "$pidfile")
	[[ "$EXEC_PID" =~ ^[0-9]+$ ]] || {
		echo "pid file $pidfile holds '$EXEC_PID'" >&2
		return 1
	}
}

# proc_alive PID: PID exists and is not a zombie.
proc_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_proc_gone PID: bounded poll (10 s) until PID is gone or a zombie.
wait_proc_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		proc_alive "$1" || return 0
		sleep 0.05
	done
	echo "process $1 is still alive" >&2
	return 1
}

# cap_field FIELD: the hex mask of FIELD (CapEff, ...) in the text of
# /proc/<pid>/status held in $stdout.
cap_field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$stdout"
}

# has_cap HEX-MASK BIT: the capability numbered BIT is in the mask.
has_cap() {
	(((0x$1 >> $2) & 1))
}

# ---------------------------------------------------------------------------
# hooks

# HOOK_DIR: where host-side hooks write (the shared dir: the same files are
# /shared inside the container, so a hook run there writes to them too).
# setup_hook_dir: add_shared_dir, plus HOOK_DIR.
setup_hook_dir() {
	add_shared_dir
	HOOK_DIR=$SHARED
}

# write_hook_script NAME BODY: an executable /bin/sh script NAME in the
# test's directory running BODY; prints its path.
write_hook_script() {
	local path="$BATS_TEST_TMPDIR/$1"
	printf '#!/bin/sh\n%s\n' "$2" >"$path"
	chmod 755 "$path"
	echo "$path"
}

# add_hook KIND HOOK-JSON: appends the hook object to hooks.KIND.
add_hook() {
	update_config '.hooks[$k] += [$h]' --arg k "$1" --argjson h "$2"
}

# hook_json PATH [ARG...]: {"path": PATH, "args": [ARG...]}
hook_json() {
	local path=$1
	shift
	local a args='[]'
	for a in "$@"; do
		args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
	done
	jq -cn --arg p "$path" --argjson a "$args" '{path: $p} + (if ($a | length) > 0 then {args: $a} else {} end)'
}

# The recording hook: `record.sh KIND` appends KIND to log, saves its stdin
# as KIND.json and its mount namespace as KIND.mnt, in DIR. Host-side
# hooks use the script; a startContainer hook (whose path is resolved in the
# container) runs the same body with the container's /bin/sh. The body only
# uses sh builtins and busybox/coreutils tools found in both.
record_body() {
	local dir=$1
	cat <<EOF
PATH=/usr/sbin:/usr/bin:/sbin:/bin
kind=\$1
cat >"$dir/\$kind.json"
readlink /proc/self/ns/mnt >"$dir/\$kind.mnt"
echo "\$kind" >>"$dir/log"
EOF
}

# add_recording_hooks: one recording hook for each of the six kinds.
add_recording_hooks() {
	local script kind
	script=$(write_hook_script record.sh "$(record_body "$HOOK_DIR")")
	for kind in prestart createRuntime createContainer poststart poststop; do
		add_hook "$kind" "$(hook_json "$script" record.sh "$kind")"
	done
	add_hook startContainer "$(hook_json /bin/sh sh -c "$(record_body /shared)" record startContainer)"
}

# hook_log: the kinds recorded so far, one line, space separated.
hook_log() {
	[ -f "$HOOK_DIR/log" ] || return 0
	tr '\n' ' ' <"$HOOK_DIR/log" | sed 's/ $//'
}
