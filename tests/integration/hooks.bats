#!/usr/bin/env bats
# config.json "hooks": prestart, createRuntime, createContainer,
# startContainer, poststart, poststop (runtime-spec config.md#posix-platform-hooks
# and runtime.md#lifecycle): when each runs, what it gets on stdin, in which
# mount namespace, with which args and env, and what a failing or hanging
# hook does to the container.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	setup_hook_dir
}

teardown() {
	local rc=0 m
	husk_teardown || rc=$?
	# A container given the default cgroup (/husk/<id>, see
	# use_default_cgroup) that leaked it: the teardown above only looks
	# below the run's parent.
	if [ -n "${DEFAULT_CG_ID:-}" ]; then
		for m in $(cgroup_mounts); do
			[ ! -d "$m/husk/$DEFAULT_CG_ID" ] || rmdir "$m/husk/$DEFAULT_CG_ID" 2>/dev/null || true
		done
	fi
	return "$rc"
}

# use_default_cgroup: the next container gets no cgroupsPath, so husk puts
# it in /husk/<id> in every hierarchy; its id (in CID) is unique on the
# host, as other runs share /husk.
use_default_cgroup() {
	HUSK_AUTO_CGROUPS_PATH=0
	DEFAULT_CG_ID="hooks-${BATS_RUN_TMPDIR##*-}-${BATS_SUITE_TEST_NUMBER:-0}"
	CID=$DEFAULT_CG_ID
}

# recorded_lifecycle ID: recording hooks of all six kinds (two createRuntime
# hooks), and a container whose process logs "process" then sleeps; create,
# start, kill and delete it, checking the log after each verb. Sets
# INIT_PID and CTR_MNT (the container's mount namespace).
recorded_lifecycle() {
	local id=$1
	add_recording_hooks
	local script="$BATS_TEST_TMPDIR/record.sh"
	update_config '.hooks.createRuntime += [{path: $p, args: ["record.sh", "createRuntime-2"]}]' --arg p "$script"
	set_cmd 'echo process >>/shared/log; exec sleep 1000'

	create_container "$id"
	[ "$status" -eq 0 ]
	INIT_PID=$(container_pid "$id")
	CTR_MNT=$(readlink "/proc/$INIT_PID/ns/mnt")
	echo "after create: $(hook_log)" >&2
	[ "$(hook_log)" = "prestart createRuntime createRuntime-2 createContainer" ]

	start_container "$id"
	# poststart ran before start returned; the process may log before or
	# after it.
	wait_for_file "$HOOK_DIR/poststart.json"
	local i
	for ((i = 0; i < 200; i++)); do
		grep -qx process "$HOOK_DIR/log" && break
		sleep 0.05
	done
	echo "after start: $(hook_log)" >&2
	[ "$(hook_log | sed 's/ process//')" = "prestart createRuntime createRuntime-2 createContainer startContainer poststart" ]
	# startContainer ran before the process.
	[ "$(grep -n -x -e startContainer -e process "$HOOK_DIR/log" | cut -d: -f2 | xargs)" = "startContainer process" ]
	[ ! -e "$HOOK_DIR/poststop.json" ]

	run husk kill "$id" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$id" stopped
	[ ! -e "$HOOK_DIR/poststop.json" ]
	run husk delete "$id"
	[ "$status" -eq 0 ]
	echo "after delete: $(hook_log)" >&2
	[ "$(hook_log | sed 's/ process//')" = "prestart createRuntime createRuntime-2 createContainer startContainer poststart poststop" ]
	assert_no_leftovers "$id"
}

@test "hooks: the six kinds run in the spec's order across create, start and delete" {
	recorded_lifecycle ctr
}

@test "hooks: each gets the OCI state on stdin, with the status of its phase" {
	update_config '.annotations = {"org.example.hook": "yes"}'
	recorded_lifecycle ctr
	local kind want
	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		case $kind in
		startContainer) want=created ;;
		poststart) want=running ;;
		poststop) want=stopped ;;
		*) want=creating ;;
		esac
		echo "$kind: $(cat "$HOOK_DIR/$kind.json")" >&2
		jq -e --arg id ctr --arg st "$want" --arg b "$BUNDLE" '
		    .id == $id and .status == $st and .bundle == $b
		    and (.ociVersion | type) == "string"
		    and .annotations["org.example.hook"] == "yes"' "$HOOK_DIR/$kind.json"
		validate_json state-schema.json "$HOOK_DIR/$kind.json"
		# The pid is the container's init (host view) while it exists.
		if [ "$kind" != poststop ]; then
			[ "$(jq -r .pid "$HOOK_DIR/$kind.json")" = "$INIT_PID" ]
		fi
	done
}

@test "hooks: prestart, createRuntime, poststart and poststop run in the host's mount namespace, createContainer and startContainer in the container's" {
	recorded_lifecycle ctr
	local host kind
	host=$(host_ns mnt)
	[ "$CTR_MNT" != "$host" ]
	for kind in prestart createRuntime poststart poststop; do
		echo "$kind: $(cat "$HOOK_DIR/$kind.mnt")" >&2
		[ "$(cat "$HOOK_DIR/$kind.mnt")" = "$host" ]
	done
	for kind in createContainer startContainer; do
		echo "$kind: $(cat "$HOOK_DIR/$kind.mnt")" >&2
		[ "$(cat "$HOOK_DIR/$kind.mnt")" = "$CTR_MNT" ]
	done
}

@test "hooks: poststart runs only after the startContainer hooks and the process's execve" {
	# The startContainer hook holds the init back for a while (bounded),
	# and would see a poststart that ran meanwhile; the poststart hook
	# records what the init runs (from the pid on its stdin) at that moment.
	local post
	post=$(write_hook_script poststart.sh "PATH=/usr/bin:/bin
json=\$(cat)
pid=\$(printf '%s' \"\$json\" | jq -r .pid)
tr '\\0' ' ' </proc/\$pid/cmdline >$HOOK_DIR/poststart.cmdline
printf '%s' \"\$json\" >$HOOK_DIR/poststart.json
echo poststart >>$HOOK_DIR/log")
	add_hook startContainer "$(hook_json /bin/sh sh -c '
	    i=0
	    while [ ! -e /shared/poststart.json ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	    echo startContainer >>/shared/log')"
	add_hook poststart "$(hook_json "$post")"
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	start_container ctr
	echo "log: $(hook_log); poststart saw: $(cat "$HOOK_DIR/poststart.cmdline")" >&2
	[ "$(hook_log)" = "startContainer poststart" ]
	[ "$(cat "$HOOK_DIR/poststart.cmdline")" = "sleep 1000 " ]
}

@test "hooks: with run, all six run in order and poststop after the process" {
	add_recording_hooks
	set_cmd 'echo process >>/shared/log'
	run_container ctr
	[ "$status" -eq 0 ]
	echo "log: $(hook_log)" >&2
	[ "$(hook_log)" = "prestart createRuntime createContainer startContainer process poststart poststop" ] ||
		[ "$(hook_log)" = "prestart createRuntime createContainer startContainer poststart process poststop" ]
	[ "$(jq -r .status "$HOOK_DIR/poststop.json")" = stopped ]
	assert_no_leftovers ctr
}

@test "hooks: args (argv[0] included) and env are passed as given, and only that env" {
	# On the host: /bin/sh with a chosen argv[0]; inside: busybox needs
	# argv[0] = sh, which differs from the path /bin/sh.
	local body='
	    tr "\0" "\n" </proc/$$/cmdline >"$DIR/$KIND.cmdline"
	    tr "\0" "\n" </proc/$$/environ >"$DIR/$KIND.environ"
	    for a in "$@"; do printf "[%s]" "$a"; done >"$DIR/$KIND.args"'
	add_hook createRuntime "$(jq -cn --arg b "$body" --arg d "$HOOK_DIR" '{
	    path: "/bin/sh", args: ["custom-argv0", "-c", ("DIR=" + $d + " KIND=createRuntime; " + $b), "zero", "a b", "", "c"],
	    env: ["HOOKVAR=value with spaces", "EMPTY=", "X=1=2"], timeout: 30}')"
	add_hook startContainer "$(jq -cn --arg b "$body" '{
	    path: "/bin/sh", args: ["sh", "-c", ("DIR=/shared KIND=startContainer; " + $b), "zero", "a b", "", "c"],
	    env: ["HOOKVAR=inside", "EMPTY="]}')"
	set_args true
	HUSK_LEAK_CHECK=from-husks-env run_container ctr
	[ "$status" -eq 0 ]
	local k
	for k in createRuntime startContainer; do
		echo "$k: $(cat "$HOOK_DIR/$k.cmdline" | xargs -0) | $(cat "$HOOK_DIR/$k.environ" | tr '\n' ' ')" >&2
		[ "$(cat "$HOOK_DIR/$k.args")" = "[a b][][c]" ]
		refute grep -q HUSK_LEAK_CHECK "$HOOK_DIR/$k.environ"
		refute grep -q '^PATH=' "$HOOK_DIR/$k.environ"
	done
	[ "$(head -1 "$HOOK_DIR/createRuntime.cmdline")" = custom-argv0 ]
	[ "$(head -1 "$HOOK_DIR/startContainer.cmdline")" = sh ]
	[ "$(sort "$HOOK_DIR/createRuntime.environ" | tr '\n' '|')" = "EMPTY=|HOOKVAR=value with spaces|X=1=2|" ]
	[ "$(sort "$HOOK_DIR/startContainer.environ" | tr '\n' '|')" = "EMPTY=|HOOKVAR=inside|" ]
	assert_no_leftovers ctr
}

@test "hooks: a hook without args gets its path as argv[0] and no arguments" {
	local s
	s=$(write_hook_script noargs.sh "echo \"\$0|\$#\" >$HOOK_DIR/noargs")
	add_hook createRuntime "$(jq -cn --arg p "$s" '{path: $p}')"
	set_args true
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(cat "$HOOK_DIR/noargs")" = "$s|0" ]
}

@test "hooks: the startContainer path is resolved inside the container" {
	use_private_rootfs
	# Only in the container's rootfs; nothing at that path on the host.
	printf '#!/bin/sh\n{ cat /etc/hostname-marker; readlink /proc/self/ns/mnt; } >/shared/inside.tmp\nmv /shared/inside.tmp /shared/inside\n' \
		>"$BUNDLE/rootfs/husk-inside-hook.sh"
	chmod 755 "$BUNDLE/rootfs/husk-inside-hook.sh"
	echo from-the-container-rootfs >"$BUNDLE/rootfs/etc/hostname-marker"
	[ ! -e /husk-inside-hook.sh ]
	add_hook startContainer '{"path": "/husk-inside-hook.sh"}'
	set_args sleep 1000
	start_new_container ctr
	wait_for_file "$HOOK_DIR/inside"
	[ "$(sed -n 1p "$HOOK_DIR/inside")" = from-the-container-rootfs ]
	[ "$(sed -n 2p "$HOOK_DIR/inside")" = "$(readlink "/proc/$(container_pid ctr)/ns/mnt")" ]
}

# ---------------------------------------------------------------------------
# Failing hooks that fail the container

# assert_create_fails_on_hook KIND: a failing KIND hook (with a second one
# after it, and a process that would leave a mark) makes create fail with a
# message naming KIND and the hook's path, and leaves nothing.
assert_create_fails_on_hook() {
	local kind=$1 fail after
	fail=$(write_hook_script "fail-$kind.sh" 'echo "failing hook says why" >&2; exit 7')
	after=$(write_hook_script after.sh "touch $HOOK_DIR/after-\$1")
	add_hook "$kind" "$(hook_json "$fail")"
	add_hook "$kind" "$(hook_json "$after" after.sh "$kind")"
	set_cmd 'touch /shared/process-ran'
	use_default_cgroup
	create_container "$CID"
	assert_husk_error "$kind" "$fail"
	# The hooks after the failing one do not run, nor does the process.
	[ ! -e "$HOOK_DIR/after-$kind" ]
	[ ! -e "$HOOK_DIR/process-ran" ]
	assert_no_leftovers "$CID"
	assert_no_cgroup_anywhere "$CID"
	run husk state "$CID"
	assert_husk_error "does not exist"
}

# assert_no_cgroup_anywhere ID: the container's cgroup (the config's
# cgroupsPath, or else the default /husk/ID) exists in no hierarchy.
assert_no_cgroup_anywhere() {
	local m p
	p=$(jq -r '.linux.cgroupsPath // ""' "$BUNDLE/config.json")
	[ -n "$p" ] || p="/husk/$1"
	for m in $(cgroup_mounts); do
		[ ! -d "$m$p" ] || {
			echo "cgroup left: $m$p" >&2
			return 1
		}
	done
}

@test "hooks: a failing prestart hook fails create, naming it, and leaves nothing" {
	assert_create_fails_on_hook prestart
}

@test "hooks: a failing createRuntime hook fails create, naming it, and leaves nothing" {
	assert_create_fails_on_hook createRuntime
}

@test "hooks: a failing createContainer hook fails create, naming it, and leaves nothing" {
	assert_create_fails_on_hook createContainer
}

@test "hooks: a createRuntime hook that does not exist fails create, naming its path" {
	add_hook createRuntime '{"path": "/no/such/hook"}'
	create_container ctr
	assert_husk_error createRuntime /no/such/hook
	assert_no_leftovers ctr
	assert_no_cgroup_anywhere ctr
}

@test "hooks: a failing startContainer hook fails run, naming it; the process never runs and nothing is left" {
	add_hook startContainer "$(hook_json /bin/sh sh -c 'exit 7')"
	add_hook startContainer "$(hook_json /bin/sh sh -c 'touch /shared/after-startContainer')"
	set_cmd 'touch /shared/process-ran'
	use_default_cgroup
	run_container "$CID"
	assert_husk_error startContainer /bin/sh
	[ ! -e "$HOOK_DIR/after-startContainer" ]
	[ ! -e "$HOOK_DIR/process-ran" ]
	assert_no_leftovers "$CID"
	assert_no_cgroup_anywhere "$CID"
}

@test "hooks: a failing startContainer hook makes start fail, naming it; the process never runs" {
	# runtime.md lifecycle step 7: the runtime MUST generate an error and
	# stop the container.
	add_hook startContainer "$(hook_json /bin/sh sh -c 'exit 7')"
	set_cmd 'touch /shared/process-ran'
	create_container ctr
	[ "$status" -eq 0 ]
	run husk start ctr
	echo "start: $status: $output" >&2
	[ ! -e "$HOOK_DIR/process-ran" ]
	wait_for_status ctr stopped
	assert_husk_error startContainer /bin/sh
	run husk delete ctr
	[ "$status" -eq 0 ]
	[ ! -e "$HOOK_DIR/process-ran" ]
	assert_no_leftovers ctr
}

@test "hooks: after a failing createRuntime hook the poststop hooks still run" {
	# runtime.md lifecycle: a failing createRuntime hook continues the
	# lifecycle at step 12 (destroy), then step 13 runs the poststop hooks
	# (runc's destroy does the same).
	local fail rec
	fail=$(write_hook_script fail.sh 'exit 7')
	rec=$(write_hook_script rec.sh "cat >$HOOK_DIR/\$1.json")
	add_hook createRuntime "$(hook_json "$fail")"
	add_hook poststop "$(hook_json "$rec" rec.sh poststop)"
	create_container ctr
	assert_husk_error createRuntime "$fail"
	assert_no_leftovers ctr
	[ -e "$HOOK_DIR/poststop.json" ]
	jq -e '.id == "ctr" and .status == "stopped"' "$HOOK_DIR/poststop.json"
}

@test "hooks: a hook past its timeout is killed and fails create, naming the timeout" {
	local slow
	slow=$(write_hook_script slow.sh "echo \$\$ >$HOOK_DIR/slow.pid; exec sleep 1000")
	add_hook createRuntime "$(jq -cn --arg p "$slow" '{path: $p, timeout: 1}')"
	create_container ctr
	assert_husk_error createRuntime "$slow"
	grep -Eqi 'time(d)? ?out' <<<"$output"
	# The hook (exec'd into sleep) was killed.
	[ -s "$HOOK_DIR/slow.pid" ]
	wait_proc_gone "$(cat "$HOOK_DIR/slow.pid")"
	assert_no_leftovers ctr
	assert_no_cgroup_anywhere ctr
}

@test "hooks: a createContainer hook past its timeout fails create and leaves nothing" {
	local slow
	slow=$(write_hook_script slow.sh "echo \$\$ >$HOOK_DIR/slow.pid; exec sleep 1000")
	add_hook createContainer "$(jq -cn --arg p "$slow" '{path: $p, timeout: 1}')"
	create_container ctr
	assert_husk_error createContainer "$slow"
	grep -Eqi 'time(d)? ?out' <<<"$output"
	[ -s "$HOOK_DIR/slow.pid" ]
	assert_no_leftovers ctr
	assert_no_cgroup_anywhere ctr
}

# ---------------------------------------------------------------------------
# Failing hooks that are only warnings

@test "hooks: a failing poststart hook is a warning; the next poststart hook runs and start exits 0" {
	local fail after
	fail=$(write_hook_script fail.sh 'exit 7')
	after=$(write_hook_script after.sh "touch $HOOK_DIR/after-\$1")
	add_hook poststart "$(hook_json "$fail")"
	add_hook poststart "$(hook_json "$after" after.sh poststart)"
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	run husk start ctr
	echo "start: $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -q poststart <<<"$output"
	grep -qF "$fail" <<<"$output"
	[ -e "$HOOK_DIR/after-poststart" ]
	[ "$(state_field ctr .status)" = running ]
}

@test "hooks: a failing poststop hook is a warning; the next poststop hook runs and delete exits 0" {
	local fail after
	fail=$(write_hook_script fail.sh 'exit 7')
	after=$(write_hook_script after.sh "touch $HOOK_DIR/after-\$1")
	add_hook poststop "$(hook_json "$fail")"
	add_hook poststop "$(hook_json "$after" after.sh poststop)"
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	run husk delete ctr
	echo "delete: $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -q poststop <<<"$output"
	grep -qF "$fail" <<<"$output"
	[ -e "$HOOK_DIR/after-poststop" ]
	assert_no_leftovers ctr
}

@test "hooks: failing poststart and poststop hooks do not fail run" {
	local fail after
	fail=$(write_hook_script fail.sh 'exit 7')
	after=$(write_hook_script after.sh "touch $HOOK_DIR/after-\$1")
	for k in poststart poststop; do
		add_hook "$k" "$(hook_json "$fail")"
		add_hook "$k" "$(hook_json "$after" after.sh "$k")"
	done
	set_cmd 'exit 0'
	run_container ctr
	[ "$status" -eq 0 ]
	grep -q poststart <<<"$stderr"
	grep -q poststop <<<"$stderr"
	[ -e "$HOOK_DIR/after-poststart" ]
	[ -e "$HOOK_DIR/after-poststop" ]
	assert_no_leftovers ctr
}

@test "hooks: delete --force of a running container runs the poststop hooks with status stopped" {
	local rec
	rec=$(write_hook_script rec.sh "cat >$HOOK_DIR/\$1.json")
	add_hook poststop "$(hook_json "$rec" rec.sh poststop)"
	set_args sleep 1000
	start_new_container ctr
	[ ! -e "$HOOK_DIR/poststop.json" ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	jq -e '.id == "ctr" and .status == "stopped"' "$HOOK_DIR/poststop.json"
	assert_no_leftovers ctr
}
