#!/usr/bin/env bats
# The process object: args, env, cwd, user, umask, capabilities,
# noNewPrivileges, rlimits, oomScoreAdj, ioPriority, scheduler; fds.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# status_field NAME: the field of /proc/self/status printed by the container
status_field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$stdout"
}

@test "process: args are passed exactly, including spaces and empty ones" {
	set_args sh -c 'for a in "$@"; do printf "[%s]" "$a"; done' zero "a b" "" "c"
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "[a b][][c]" ]
}

@test "process: env is the config's environment, and only that" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "HOME=/root"]'
	set_args env
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$stdout" | tr '\n' '|')" = "EMPTY=|FOO=bar baz|HOME=/root|PATH=/bin|" ]
}

@test "process: args[0] is looked up in the config's PATH" {
	update_config '.process.env = ["PATH=/nonexistent:/usr/bin"]'
	set_args busybox echo found
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = found ]
}

@test "process: cwd is the working directory" {
	update_config '.process.cwd = "/dev/shm"'
	set_args pwd
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = /dev/shm ]
}

@test "process: a relative cwd is refused naming process.cwd" {
	update_config '.process.cwd = "relative/dir"'
	set_args pwd
	create_container ctr
	assert_husk_error process.cwd
	assert_no_leftovers ctr
}

@test "process: user uid, gid and additionalGids are applied" {
	update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [10, 20]}'
	set_cmd 'grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' <<<"$stdout")" = "1000 1000 1000 1000" ]
	[ "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' <<<"$stdout")" = "1001 1001 1001 1001" ]
	[ "$(awk '$1 == "Groups:" { $1 = ""; print }' <<<"$stdout" | xargs -n1 | sort -n | xargs)" = "10 20" ]
}

@test "process: without additionalGids a non-root user has no supplementary groups" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'grep "^Groups:" /proc/self/status'
	run_container ctr
	[ "$status" -eq 0 ]
	[ -z "$(awk '{ $1 = ""; print }' <<<"$stdout" | xargs)" ]
}

@test "process: umask is applied" {
	update_config '.process.user.umask = 23'
	set_args sh -c umask
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = 0027 ]
}

@test "process: the default umask is 0022" {
	set_args sh -c umask
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = 0022 ]
}

@test "process: capabilities are the configured sets" {
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	# CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10)
	[ "$(status_field CapBnd)" = 0000000020000420 ]
	[ "$(status_field CapEff)" = 0000000020000420 ]
	[ "$(status_field CapPrm)" = 0000000020000420 ]
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "process: different sets per kind, and ambient for a non-root user" {
	update_config '.process.user = {uid: 1000, gid: 1000}
	    | .process.capabilities = {
	        bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_TIME"],
	        permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	        effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	        inheritable: ["CAP_NET_BIND_SERVICE"],
	        ambient: ["CAP_NET_BIND_SERVICE"]}'
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	# CHOWN 0, KILL 5, NET_BIND_SERVICE 10, SYS_TIME 25
	[ "$(status_field CapBnd)" = 0000000002000421 ]
	# Exec as uid 1000 keeps only the ambient set in effective/permitted.
	[ "$(status_field CapAmb)" = 0000000000000400 ]
	[ "$(status_field CapInh)" = 0000000000000400 ]
	[ "$(status_field CapPrm)" = 0000000000000400 ]
	[ "$(status_field CapEff)" = 0000000000000400 ]
}

@test "process: no capabilities object means no capabilities" {
	update_config 'del(.process.capabilities)'
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapPrm)" = 0000000000000000 ]
	[ "$(status_field CapBnd)" = 0000000000000000 ]
}

@test "process: runc's default capabilities (ambient without inheritable) are accepted" {
	update_config '.process.capabilities.ambient = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(status_field CapEff)" = 0000000020000420 ]
}

@test "process: a capability the container lacks is enforced" {
	set_cmd 'hostname other 2>&1; echo rc=$?; hostname'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = rc=1 ]
	[ "${lines[2]}" = husk-test ]
}

@test "process: noNewPrivileges true and false" {
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(status_field NoNewPrivs)" = 1 ]
	update_config '.process.noNewPrivileges = false'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "process: rlimits are set (below the host's hard limits)" {
	update_config '.process.rlimits = [
	    {type: "RLIMIT_NOFILE", soft: 512, hard: 1000},
	    {type: "RLIMIT_NPROC", soft: 5000, hard: 6000},
	    {type: "RLIMIT_CORE", soft: 0, hard: 4096}]'
	set_args cat /proc/self/limits
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(awk '/^Max open files/ { print $4, $5 }' <<<"$stdout")" = "512 1000" ]
	[ "$(awk '/^Max processes/ { print $3, $4 }' <<<"$stdout")" = "5000 6000" ]
	[ "$(awk '/^Max core file size/ { print $5, $6 }' <<<"$stdout")" = "0 4096" ]
}

@test "process: a hard rlimit above the host's own is refused (no CAP_SYS_RESOURCE to raise it)" {
	# CAP_SYS_RESOURCE is bit 24.
	if (( (0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24) & 1 )); then
		skip "this host's root has CAP_SYS_RESOURCE: it may raise hard limits"
	fi
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ]
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: ($h + 1000)}]' --argjson h "$hard"
	set_args true
	run_container ctr
	assert_husk_error RLIMIT_NOFILE
	assert_no_leftovers ctr
}

@test "process: oomScoreAdj is set" {
	update_config '.process.oomScoreAdj = 123'
	set_args cat /proc/self/oom_score_adj
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = 123 ]
}

@test "process: ioPriority is set on the container's process" {
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	skip_if_not_applied process.ioPriority
	start_container ctr
	pid=$(container_pid ctr)
	[ "$(ionice -p "$pid")" = "best-effort: prio 6" ]
}

@test "process: scheduler policy and nice are set on the container's process" {
	update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	skip_if_not_applied process.scheduler
	start_container ctr
	pid=$(container_pid ctr)
	chrt -p "$pid" | grep -q "SCHED_BATCH"
	[ "$(awk '{ print $19 }' "/proc/$pid/stat")" = 7 ]
}

@test "process: only stdio is open in the container's process" {
	set_args ls /proc/self/fd
	run_container ctr
	[ "$status" -eq 0 ]
	# 0 1 2, and 3: the directory ls is reading.
	[ "$(tr '\n' ' ' <<<"$stdout")" = "0 1 2 3 " ]
}

@test "process: --preserve-fds passes extra fds to the container" {
	set_cmd 'cat <&3; ls /proc/self/fd | tr "\n" " "'
	echo "from fd 3" >"$BATS_TEST_TMPDIR/fd3"
	echo "from fd 4" >"$BATS_TEST_TMPDIR/fd4"
	status=0
	auto_cgroups_path run --bundle "$BUNDLE" ctr
	timeout -k 5 60 "$HUSK_BINARY" --root "$HUSK_ROOT" run --preserve-fds 1 --bundle "$BUNDLE" ctr \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4" || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out")" = "from fd 3" ]
	# fd 4 was not asked for: not passed. (ls sees 0-3 and its own dir fd.)
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out")" = "0 1 2 3 4 " ]
}
