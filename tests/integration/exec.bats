#!/usr/bin/env bats
# `husk exec [--process FILE] [--detach] [--pid-file F] [--cwd D] [--env K=V]...
#  [--user UID[:GID]] [--additional-gids G]... [--cap CAP]... [--no-new-privs]
#  [--preserve-fds N] [--ignore-paused] ID [COMMAND ARGS...]`
# Real containers; what the exec'd process gets is checked from inside (its
# own output) and from outside (/proc/<pid> on the host).

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# ---------------------------------------------------------------------------
# Where the process runs

@test "exec: the process joins every namespace of the container's init" {
	start_sleeper ctr
	exec_detached ctr sleep 1000
	[ "$EXEC_PID" != "$INIT_PID" ]
	local ns n=0
	for ns in /proc/"$INIT_PID"/ns/*; do
		ns=${ns##*/}
		echo "ns $ns: init $(readlink "/proc/$INIT_PID/ns/$ns"), exec $(readlink "/proc/$EXEC_PID/ns/$ns")" >&2
		[ -n "$(readlink "/proc/$EXEC_PID/ns/$ns")" ]
		[ "$(readlink "/proc/$EXEC_PID/ns/$ns")" = "$(readlink "/proc/$INIT_PID/ns/$ns")" ]
		n=$((n + 1))
	done
	[ "$n" -ge 7 ]
	# ... which are the container's own, not the host's.
	for ns in pid net ipc uts mnt cgroup; do
		[ "$(readlink "/proc/$EXEC_PID/ns/$ns")" != "$(host_ns "$ns")" ]
	done
	# Same root directory as the init.
	[ "$(stat -L -c %d:%i "/proc/$EXEC_PID/root/")" = "$(stat -L -c %d:%i "/proc/$INIT_PID/root/")" ]
}

@test "exec: the process joins the container's user namespace too" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	start_sleeper ctr
	[ "$(readlink "/proc/$INIT_PID/ns/user")" != "$(host_ns user)" ]
	exec_detached ctr sleep 1000
	local ns
	for ns in user pid net ipc uts mnt cgroup; do
		[ "$(readlink "/proc/$EXEC_PID/ns/$ns")" = "$(readlink "/proc/$INIT_PID/ns/$ns")" ]
	done
	# Root in the container is the mapped host uid.
	[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$EXEC_PID/status")" = 100000 ]
	exec_io ctr2 ctr id -u
	[ "$status" -eq 0 ]
	[ "$stdout" = 0 ]
}

@test "exec: inside, the hostname is the container's and ps shows the init as PID 1" {
	start_sleeper ctr
	exec_io out ctr hostname
	[ "$status" -eq 0 ]
	[ "$stdout" = husk-test ]
	exec_io ps ctr ps -o pid,args
	[ "$status" -eq 0 ]
	# The init (sleep 1000) is PID 1; ps itself is there; nothing of the host.
	[ "$(awk '$1 == 1 { $1 = ""; print substr($0, 2) }' <<<"$stdout")" = "sleep 1000" ]
	grep -q 'ps -o pid,args' <<<"$stdout"
	[ "$(tail -n +2 <<<"$stdout" | wc -l)" -eq 2 ]
	exec_io self ctr sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$stdout" -gt 1 ]
}

@test "exec: the process is in the container's cgroup, in every hierarchy" {
	start_sleeper ctr
	exec_detached ctr sleep 1000
	cat "/proc/$INIT_PID/cgroup" >&2
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$INIT_PID/cgroup")" ]
	[ "$(wc -l <"/proc/$EXEC_PID/cgroup")" -eq "$(wc -l </proc/self/cgroup)" ]
	# ... which is the container's own (below the run's parent), everywhere.
	local line n=0
	while IFS= read -r line; do
		[[ "${line#*:*:}" == "$HUSK_CGROUP_PARENT/"* ]]
		n=$((n + 1))
	done <"/proc/$EXEC_PID/cgroup"
	[ "$n" -ge 1 ]
	# And the cgroup lists it.
	run husk ps ctr
	[ "$status" -eq 0 ]
	grep -qw "$EXEC_PID" <<<"$output"
}

# ---------------------------------------------------------------------------
# Exit status and stdio

@test "exec: the exit status is the process's" {
	start_sleeper ctr
	exec_io e ctr sh -c 'exit 3'
	[ "$status" -eq 3 ]
	exec_io e ctr true
	[ "$status" -eq 0 ]
	exec_io e ctr false
	[ "$status" -eq 1 ]
	# The container is untouched.
	[ "$(state_field ctr .status)" = running ]
}

@test "exec: a process killed by a signal exits 128+signal" {
	start_sleeper ctr
	exec_io e ctr sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	exec_io e ctr sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	[ "$(state_field ctr .status)" = running ]
}

@test "exec: stdout and stderr go to husk's stdout and stderr" {
	start_sleeper ctr
	exec_io e ctr sh -c 'echo to-out; echo to-err >&2'
	[ "$status" -eq 0 ]
	[ "$stdout" = to-out ]
	grep -qx to-err <<<"$stderr"
	refute grep -q to-err <<<"$stdout"
}

@test "exec: stdin piped into husk reaches the process" {
	start_sleeper ctr
	exec_pipe e $'hello\nthrough a pipe\n' ctr cat
	[ "$status" -eq 0 ]
	[ "$stdout" = $'hello\nthrough a pipe' ]
	# And end of input is seen: wc ends and counts the lines.
	exec_pipe e $'a\nb\nc\n' ctr wc -l
	[ "$status" -eq 0 ]
	[ "$(xargs <<<"$stdout")" = 3 ]
}

# ---------------------------------------------------------------------------
# The container's process settings, and the flags that override them

@test "exec: env, user, cwd and capabilities are the container's by default" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "FROMCONFIG=yes", "HOME=/root"]
	    | .process.cwd = "/dev"'
	start_sleeper ctr
	exec_io e ctr sh -c 'echo "FROMCONFIG=$FROMCONFIG PATH=$PATH"; pwd; id -u; id -g; grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "FROMCONFIG=yes PATH=/bin:/usr/bin" ]
	[ "${lines[1]}" = /dev ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
	# CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10)
	[ "$(cap_field CapEff)" = 0000000020000420 ]
	[ "$(cap_field CapPrm)" = 0000000020000420 ]
	[ "$(cap_field CapBnd)" = 0000000020000420 ]
	[ "$(cap_field CapInh)" = 0000000000000000 ]
	[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' <<<"$stdout")" = 1 ]
}

@test "exec: the config's user is used by default" {
	update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [20]}'
	start_sleeper ctr
	exec_io e ctr sh -c 'id -u; id -g; id -G'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "$(xargs -n1 <<<"${lines[2]}" | sort -n | xargs)" = "20 1001" ]
}

@test "exec: -e adds a variable and overrides an existing one (PATH)" {
	start_sleeper ctr
	exec_io e -e FOO=bar --env "SPACED=a b" -e PATH=/bin ctr env
	[ "$status" -eq 0 ]
	grep -qx FOO=bar <<<"$stdout"
	grep -qx "SPACED=a b" <<<"$stdout"
	grep -qx HOME=/root <<<"$stdout"
	# Exactly one PATH, the one given.
	[ "$(grep -c '^PATH=' <<<"$stdout")" -eq 1 ]
	grep -qx PATH=/bin <<<"$stdout"
}

@test "exec: --cwd sets the working directory" {
	start_sleeper ctr
	exec_io e --cwd /tmp ctr pwd
	[ "$status" -eq 0 ]
	[ "$stdout" = /tmp ]
	exec_io e --cwd /dev/shm ctr sh -c 'pwd; echo "$PWD"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /dev/shm ]
}

@test "exec: -u UID:GID runs as that user and group" {
	start_sleeper ctr
	exec_io e -u 1000:1000 ctr sh -c 'id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	exec_io e --user 1234:5678 ctr sh -c 'id -u; id -g; grep -E "^(Uid|Gid):" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1234 ]
	[ "${lines[1]}" = 5678 ]
	[ "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' <<<"$stdout")" = "1234 1234 1234 1234" ]
	[ "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' <<<"$stdout")" = "5678 5678 5678 5678" ]
	# UID alone keeps the config's gid (0).
	exec_io e -u 1000 ctr sh -c 'id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 0 ]
}

@test "exec: -g adds supplementary groups" {
	start_sleeper ctr
	exec_io e -u 1000:1000 -g 10 --additional-gids 20 ctr id -G
	[ "$status" -eq 0 ]
	[ "$(xargs -n1 <<<"$stdout" | sort -n | xargs)" = "10 20 1000" ]
}

@test "exec: --cap adds a capability to effective, permitted and bounding, never to inheritable" {
	start_sleeper ctr
	exec_io e --cap CAP_SYS_ADMIN ctr grep Cap /proc/self/status
	[ "$status" -eq 0 ]
	# CAP_SYS_ADMIN is 21; the config's three stay.
	[ "$(cap_field CapEff)" = 0000000020200420 ]
	[ "$(cap_field CapPrm)" = 0000000020200420 ]
	[ "$(cap_field CapBnd)" = 0000000020200420 ]
	# Never inheritable (CVE-2022-29162); ambient needs inheritable, so
	# not there either (runc adds --cap to ambient only when the config
	# has inheritable capabilities).
	[ "$(cap_field CapInh)" = 0000000000000000 ]
	refute has_cap "$(cap_field CapAmb)" 21
	# The capability really works: mounting needs CAP_SYS_ADMIN.
	exec_io m --cap CAP_SYS_ADMIN ctr sh -c 'mount -t tmpfs none /mnt && grep -c " /mnt " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "$stdout" = 1 ]
	exec_io m ctr sh -c 'mount -t tmpfs none /mnt'
	[ "$status" -ne 0 ]
	# -c, several times
	exec_io e -c CAP_CHOWN -c CAP_SYS_TIME ctr grep Cap /proc/self/status
	[ "$status" -eq 0 ]
	has_cap "$(cap_field CapEff)" 0
	has_cap "$(cap_field CapEff)" 25
	[ "$(cap_field CapInh)" = 0000000000000000 ]
}

@test "exec: --cap is never inheritable even when the config has inheritable capabilities" {
	update_config '.process.capabilities.inheritable = ["CAP_KILL"]'
	start_sleeper ctr
	exec_io e --cap CAP_SYS_ADMIN ctr grep Cap /proc/self/status
	[ "$status" -eq 0 ]
	has_cap "$(cap_field CapEff)" 21
	has_cap "$(cap_field CapBnd)" 21
	refute has_cap "$(cap_field CapInh)" 21
	has_cap "$(cap_field CapInh)" 5
}

@test "exec: --no-new-privs sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = false'
	start_sleeper ctr
	exec_io e ctr grep NoNewPrivs /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(awk '{ print $2 }' <<<"$stdout")" = 0 ]
	exec_io e --no-new-privs ctr grep NoNewPrivs /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(awk '{ print $2 }' <<<"$stdout")" = 1 ]
}

@test "exec: --process runs a full process.json (args, env, cwd, user)" {
	start_sleeper ctr
	jq -n '{
	  args: ["sh", "-c", "echo \"$0|$1|$FROMFILE|$PATH\"; pwd; id -u; id -g; id -G", "zero", "one two"],
	  env: ["PATH=/usr/bin:/bin", "FROMFILE=yes"],
	  cwd: "/dev",
	  user: {uid: 1234, gid: 4321, additionalGids: [30]}
	}' >"$BATS_TEST_TMPDIR/process.json"
	exec_io e --process "$BATS_TEST_TMPDIR/process.json" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "zero|one two|yes|/usr/bin:/bin" ]
	[ "${lines[1]}" = /dev ]
	[ "${lines[2]}" = 1234 ]
	[ "${lines[3]}" = 4321 ]
	[ "$(xargs -n1 <<<"${lines[4]}" | sort -n | xargs)" = "30 4321" ]
	# Only the file's env: nothing of the config's (HOME).
	exec_io e -p "$BATS_TEST_TMPDIR/process.json" ctr
	[ "$status" -eq 0 ]
	jq '.args = ["env"]' "$BATS_TEST_TMPDIR/process.json" >"$BATS_TEST_TMPDIR/env.json"
	exec_io e -p "$BATS_TEST_TMPDIR/env.json" ctr
	[ "$status" -eq 0 ]
	refute grep -q '^HOME=/root' <<<"$stdout"
	grep -qx FROMFILE=yes <<<"$stdout"
}

@test "exec: --detach --pid-file returns at once; the process keeps running in the container" {
	add_shared_dir
	start_sleeper ctr
	local pidfile="$BATS_TEST_TMPDIR/exec.pid"
	# If husk waited for the process it would not return (the process only
	# ends when told to).
	exec_io d --detach --pid-file "$pidfile" ctr sh -c 'touch /shared/started; while [ ! -e /shared/stop ]; do sleep 0.1; done; touch /shared/stopped'
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$pidfile")
	[[ "$pid" =~ ^[0-9]+$ ]]
	proc_alive "$pid"
	wait_for_file "$SHARED/started"
	# It is in the container: same mount and pid namespaces and cgroup as
	# the init, and a child of no husk process that is still around.
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink "/proc/$INIT_PID/ns/mnt")" ]
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$INIT_PID/cgroup")" ]
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^sh -c touch /shared/started'
	# Still running after husk has gone; it ends when told to.
	proc_alive "$pid"
	[ ! -e "$SHARED/stopped" ]
	touch "$SHARED/stop"
	wait_for_file "$SHARED/stopped"
	wait_proc_gone "$pid"
	[ "$(state_field ctr .status)" = running ]
}

@test "exec: -d without --pid-file also returns while the process runs" {
	add_shared_dir
	start_sleeper ctr
	exec_io d -d ctr sh -c 'echo $$ >/shared/pid; exec sleep 1000'
	[ "$status" -eq 0 ]
	wait_for_file "$SHARED/pid"
	run husk ps ctr
	[ "$status" -eq 0 ]
	# init + the detached sleep
	[ "$(tail -n +2 <<<"$output" | wc -l)" -eq 2 ]
}

@test "exec: a detached process is killed by delete --force" {
	start_sleeper ctr
	exec_detached ctr sleep 1000
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	wait_proc_gone "$EXEC_PID"
	wait_proc_gone "$INIT_PID"
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# --preserve-fds

@test "exec: --preserve-fds 1 passes fd 3, and only that" {
	start_sleeper ctr
	echo "content of fd 3" >"$BATS_TEST_TMPDIR/fd3"
	echo "content of fd 4" >"$BATS_TEST_TMPDIR/fd4"
	local out="$BATS_TEST_TMPDIR/pfd.out" err="$BATS_TEST_TMPDIR/pfd.err"
	status=0
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" exec --preserve-fds 1 ctr \
		sh -c 'cat /proc/self/fd/3; ls /proc/self/fd | tr "\n" " "' \
		</dev/null >"$out" 2>"$err" 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4" || status=$?
	cat "$err" >&2
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$out")" = "content of fd 3" ]
	# 0 1 2, the preserved 3, and ls's own directory fd (4); not husk's fd 4.
	[ "$(sed -n 2p "$out")" = "0 1 2 3 4 " ]
	refute grep -q "content of fd 4" "$out"
}

@test "exec: without --preserve-fds only stdio is open, even with fd 3 open in husk" {
	start_sleeper ctr
	echo "content of fd 3" >"$BATS_TEST_TMPDIR/fd3"
	local out="$BATS_TEST_TMPDIR/nfd.out" err="$BATS_TEST_TMPDIR/nfd.err"
	status=0
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" exec ctr \
		sh -c 'ls /proc/self/fd | tr "\n" " "; echo; cat <&3 || echo "no fd 3"' \
		</dev/null >"$out" 2>"$err" 3<"$BATS_TEST_TMPDIR/fd3" || status=$?
	cat "$out" "$err" >&2
	[ "$status" -eq 0 ]
	# 0 1 2, and 3: the directory ls is reading.
	[ "$(sed -n 1p "$out")" = "0 1 2 3 " ]
	[ "$(sed -n 2p "$out")" = "no fd 3" ]
	refute grep -q "content of fd 3" "$out"
}

# ---------------------------------------------------------------------------
# Paused and stopped containers

@test "exec: into a paused container is refused without --ignore-paused" {
	start_sleeper ctr
	run husk pause ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr paused
	exec_io e ctr true
	assert_husk_error ctr --ignore-paused
	[ "$(state_field ctr .status)" = paused ]
	run husk ps ctr
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 <<<"$output" | wc -l)" -eq 1 ]
	run husk resume ctr
	[ "$status" -eq 0 ]
}

@test "exec: --ignore-paused -d into a paused container runs the process only after resume" {
	start_sleeper ctr
	run husk pause ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr paused
	local marker="/proc/$INIT_PID/root/dev/shm/marker"
	exec_io e --ignore-paused -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ctr sh -c 'touch /dev/shm/marker; exec sleep 1000'
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	# The process exists, in the (frozen) cgroup of the container, and has
	# not run its command: the container is still paused.
	proc_alive "$pid"
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$INIT_PID/cgroup")" ]
	[ "$(state_field ctr .status)" = paused ]
	[ ! -e "$marker" ]
	run husk resume ctr
	[ "$status" -eq 0 ]
	wait_for_status ctr running
	wait_for_file "$marker"
	proc_alive "$pid"
}

@test "exec: into a stopped container is refused" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	exec_io e ctr echo should-not-run
	assert_husk_error ctr
	refute grep -q should-not-run <<<"$stdout"
	[ "$(state_field ctr .status)" = stopped ]
}

@test "exec: into a missing container says it does not exist" {
	exec_io e nosuchctr true
	assert_husk_error nosuchctr "does not exist"
}

# ---------------------------------------------------------------------------
# Bad input

@test "exec: a bad --user is refused naming the value" {
	start_sleeper ctr
	local u
	for u in 1000:abc 99999999999 -1 abc 1000: :1000; do
		exec_io e -u "$u" ctr echo should-not-run
		assert_husk_error "$u"
		refute grep -q should-not-run <<<"$stdout"
	done
	# Nothing was started in the container.
	run husk ps ctr
	[ "$(tail -n +2 <<<"$output" | wc -l)" -eq 1 ]
}

@test "exec: a missing --process file is refused naming it" {
	start_sleeper ctr
	exec_io e --process "$BATS_TEST_TMPDIR/no-such-process.json" ctr
	assert_husk_error "$BATS_TEST_TMPDIR/no-such-process.json"
}

@test "exec: an invalid --process file is refused" {
	start_sleeper ctr
	echo '{"args": ' >"$BATS_TEST_TMPDIR/bad.json"
	exec_io e --process "$BATS_TEST_TMPDIR/bad.json" ctr
	assert_husk_error bad.json
	# No args at all
	echo '{"cwd": "/"}' >"$BATS_TEST_TMPDIR/noargs.json"
	exec_io e --process "$BATS_TEST_TMPDIR/noargs.json" ctr
	assert_husk_error args
}

@test "exec: an unknown command is an error naming it: executable file not found" {
	start_sleeper ctr
	exec_io e ctr no-such-command arg
	assert_husk_error no-such-command "executable file not found"
	[ "$(state_field ctr .status)" = running ]
	# An absolute path that does not exist names the path and the reason;
	# a directory is not executable.
	exec_io e ctr /no/such/binary
	assert_husk_error /no/such/binary "No such file or directory"
	exec_io e ctr /bin
	assert_husk_error /bin "not an executable file"
}

@test "exec: without a command is an error" {
	start_sleeper ctr
	exec_io e ctr
	[ "$status" -ne 0 ]
	grep -q '^husk: ' <<<"$output"
}

@test "exec: a --cwd that does not exist is an error naming it, and is not created" {
	# Like runc: exec chdirs into the cwd, it does not make it (only create
	# makes a missing process.cwd). A writable rootfs shows any mkdir.
	use_private_rootfs
	start_sleeper ctr
	exec_io e --cwd /no/such/dir ctr echo should-not-run
	assert_husk_error /no/such/dir
	refute grep -q should-not-run <<<"$stdout"
	[ ! -e "$BUNDLE/rootfs/no" ]
}
