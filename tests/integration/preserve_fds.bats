#!/usr/bin/env bats
# --preserve-fds N on create, run and exec: fds 3 .. 3+N-1 of the caller
# reach the container's process, every other fd of husk is closed. With
# socket activation (LISTEN_FDS, LISTEN_PID = husk's pid) the listen fds
# come first and the process gets LISTEN_FDS=<n> and LISTEN_PID=1, as with
# runc. Checked from inside: the shell lists its own fds and reads them.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	printf 'first\n' >"$BATS_TEST_TMPDIR/a"
	printf 'second\n' >"$BATS_TEST_TMPDIR/b"
	printf 'third\n' >"$BATS_TEST_TMPDIR/c"
}

teardown() {
	husk_teardown
}

# with_fds NAME ENV... -- ARGS...: husk ARGS with fd 3 = file a, fd 4 = b,
# fd 5 = c, and the given environment (VAR=value words; LISTEN_PID=self
# means husk's own pid); output as husk_io.
with_fds() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	auto_cgroups_path "$@"
	local out="$BATS_TEST_TMPDIR/$name.out" err="$BATS_TEST_TMPDIR/$name.err"
	status=0
	# exec keeps the pid: $$ of this bash is husk's pid.
	timeout -k 5 "$HUSK_CMD_TIMEOUT" bash -c '
		envs=()
		for e in $1; do envs+=("${e/LISTEN_PID=self/LISTEN_PID=$$}"); done
		shift
		exec env "${envs[@]}" "$@"' _ "${envs[*]}" \
		"$HUSK_BINARY" --root "$HUSK_ROOT" "$@" \
		<"${HUSK_STDIN:-/dev/null}" >"$out" 2>"$err" \
		3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b" 5<"$BATS_TEST_TMPDIR/c" || status=$?
	stdout=$(cat "$out")
	stderr=$(cat "$err")
	output="$stdout${stdout:+${stderr:+$'\n'}}$stderr"
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	echo "\$ husk $* => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# What the container's shell reports: its own fds (tested one by one: a
# listing would show its own directory fd or a command substitution's
# pipe), then what it reads from fds 3 and 4 when open.
FD_REPORT='printf "fds "; for n in 0 1 2 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$n ] && printf "$n "; done; echo; [ -e /proc/$$/fd/3 ] && cat <&3; [ -e /proc/$$/fd/4 ] && cat <&4; echo env LISTEN_FDS=${LISTEN_FDS:-unset} LISTEN_PID=${LISTEN_PID:-unset}'

@test "run --preserve-fds 2: fds 3 and 4 reach the process, fd 5 does not" {
	set_args sh -c "$FD_REPORT"
	with_fds r -- run --preserve-fds 2 --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 3 4 " ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	[ "${lines[3]}" = "env LISTEN_FDS=unset LISTEN_PID=unset" ]
}

@test "run without --preserve-fds: the caller's fds 3..5 are closed" {
	set_args sh -c "$FD_REPORT"
	with_fds r -- run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 " ]
}

@test "create --preserve-fds 1: the init holds fd 3 until start" {
	set_args sh -c "$FD_REPORT"
	with_fds c -- create --preserve-fds 1 --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	# The init, waiting for start, has the file open already.
	local pid
	pid=$(container_pid ctr)
	[ "$(readlink "/proc/$pid/fd/3")" = "$BATS_TEST_TMPDIR/a" ]
	# ... and none of the caller's others (they would stay open until start).
	refute grep -qxF -e "$BATS_TEST_TMPDIR/b" -e "$BATS_TEST_TMPDIR/c" \
		< <(for f in /proc/"$pid"/fd/*; do readlink "$f"; done)
	husk_io s start ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr stopped
}

@test "--preserve-fds naming an fd that is not open fails and leaves nothing" {
	set_args true
	with_fds r -- run --preserve-fds 4 --bundle "$BUNDLE" ctr
	assert_husk_error "--preserve-fds: fd 6 (4 of 4) is not open"
	[ ! -e "$HUSK_ROOT/ctr" ]
	with_fds c -- create --preserve-fds 4 --bundle "$BUNDLE" ctr
	assert_husk_error "--preserve-fds: fd 6"
	[ ! -e "$HUSK_ROOT/ctr" ]
}

@test "socket activation: LISTEN_FDS for husk's pid go first, then --preserve-fds" {
	set_args sh -c "$FD_REPORT"
	with_fds r LISTEN_FDS=1 LISTEN_PID=self -- run --preserve-fds 1 --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 3 4 " ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	[ "${lines[3]}" = "env LISTEN_FDS=1 LISTEN_PID=1" ]
}

@test "socket activation: the env replaces LISTEN_FDS/LISTEN_PID of the config" {
	set_args sh -c "$FD_REPORT"
	update_config '.process.env += ["LISTEN_FDS=7", "LISTEN_PID=99"]'
	with_fds r LISTEN_FDS=2 LISTEN_PID=self -- run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 3 4 " ]
	[ "${lines[3]}" = "env LISTEN_FDS=2 LISTEN_PID=1" ]
}

@test "socket activation: LISTEN_FDS meant for another pid is ignored" {
	set_args sh -c "$FD_REPORT"
	with_fds r LISTEN_FDS=2 LISTEN_PID=1 -- run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 " ]
	[ "${lines[1]}" = "env LISTEN_FDS=unset LISTEN_PID=unset" ]
}

@test "socket activation: a bad LISTEN_FDS or a missing listen fd is an error" {
	set_args true
	with_fds r LISTEN_FDS=x1 LISTEN_PID=self -- run --bundle "$BUNDLE" ctr
	assert_husk_error 'LISTEN_FDS: "x1" is not a number'
	with_fds r LISTEN_FDS=4 LISTEN_PID=self -- run --bundle "$BUNDLE" ctr
	assert_husk_error "LISTEN_FDS: fd 6 is not open"
	[ ! -e "$HUSK_ROOT/ctr" ]
}

@test "exec --preserve-fds 2: fds 3 and 4 reach the exec'd process only" {
	start_sleeper ctr
	with_fds e -- exec --preserve-fds 2 ctr sh -c "$FD_REPORT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 3 4 " ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	# Not socket activation: exec passes no LISTEN_FDS even when set.
	with_fds e LISTEN_FDS=1 LISTEN_PID=self -- exec ctr sh -c "$FD_REPORT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds 0 1 2 " ]
	# The init never got them.
	[ ! -e "/proc/$INIT_PID/fd/3" ]
}

@test "exec --preserve-fds naming an fd that is not open fails" {
	start_sleeper ctr
	with_fds e -- exec --preserve-fds 5 ctr true
	assert_husk_error "--preserve-fds: fd 6 (4 of 5) is not open"
}
