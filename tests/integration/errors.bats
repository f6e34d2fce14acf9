#!/usr/bin/env bats
# Every failure: a "husk: " message on stderr naming the key or path, a
# non-zero exit status, and nothing left behind (state, process, mount).

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# create_fails KEY-OR-PATH...: `husk create` of $BUNDLE fails naming all
# the given strings, and leaves nothing behind.
create_fails() {
	create_container ctr
	assert_husk_error "$@"
	assert_no_leftovers ctr
	[ -z "$(ls -A "$HUSK_ROOT")" ]
}

@test "errors: malformed JSON in config.json" {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	create_fails config.json
}

@test "errors: config.json that is not an object" {
	echo '["not", "an", "object"]' >"$BUNDLE/config.json"
	create_fails config.json
}

@test "errors: wrong type for process.args" {
	update_config '.process.args = "sh"'
	create_fails config.json process.args
}

@test "errors: wrong type for root.readonly" {
	update_config '.root.readonly = "yes"'
	create_fails config.json root.readonly
}

@test "errors: wrong type for process.user.uid" {
	update_config '.process.user.uid = "root"'
	create_fails config.json process.user.uid
}

@test "errors: negative process.user.uid" {
	update_config '.process.user.uid = -1'
	create_fails config.json process.user.uid
}

@test "errors: wrong type for linux.resources.memory.limit" {
	update_config '.linux.resources = {memory: {limit: "1g"}}'
	create_fails config.json linux.resources.memory.limit
}

@test "errors: wrong type for mounts" {
	update_config '.mounts = {destination: "/proc"}'
	create_fails config.json mounts
}

@test "errors: wrong type for an element of process.env" {
	update_config '.process.env = ["A=1", 2]'
	create_fails config.json "process.env[1]"
}

@test "errors: unknown namespace type, with the exact message" {
	update_config '.linux.namespaces[2].type = "netw"'
	create_fails
	grep -Fx 'husk: config.json: linux.namespaces[2].type: unknown namespace "netw"' <<<"$stderr"
}

@test "errors: the same namespace twice" {
	update_config '.linux.namespaces += [{type: "pid"}]'
	create_fails config.json linux.namespaces
}

@test "errors: bad container ids are refused and create nothing" {
	long=$(printf 'a%.0s' $(seq 1 1024))
	for id in "../x" "a/b" "" "$long" ".hidden" "a b" "x/../../y"; do
		husk_io bad create --bundle "$BUNDLE" "$id"
		assert_husk_error
		if [ ${#id} -lt 100 ] && [ -n "$id" ]; then
			grep -qF -- "$id" <<<"$stderr"
		fi
		[ -z "$(ls -A "$HUSK_ROOT")" ]
		[ ! -e "$HUSK_ROOT/../x" ]
		[ ! -e "$HUSK_ROOT/../y" ]
		[ ! -e "$HUSK_ROOT/a" ]
	done
	assert_no_leftovers
}

@test "errors: bad ids are refused by the other verbs too" {
	for verb in start state delete kill; do
		run husk "$verb" "../x"
		assert_husk_error
	done
}

@test "errors: missing rootfs, by absolute path" {
	update_config '.root.path = $p' --arg p "$BATS_TEST_TMPDIR/no-such-rootfs"
	create_fails "$BATS_TEST_TMPDIR/no-such-rootfs"
}

@test "errors: missing rootfs, by relative path" {
	update_config '.root.path = "no-such-rootfs"'
	create_fails no-such-rootfs
}

@test "errors: rootfs that is a file, not a directory" {
	echo x >"$BUNDLE/rootfile"
	update_config '.root.path = "rootfile"'
	create_fails rootfile
}

@test "errors: missing root object" {
	update_config 'del(.root)'
	create_fails config.json root
}

@test "errors: missing config.json" {
	rm "$BUNDLE/config.json"
	create_fails config.json
}

@test "errors: missing bundle directory" {
	BUNDLE="$BATS_TEST_TMPDIR/no-such-bundle"
	create_fails no-such-bundle
}

@test "errors: missing process object" {
	update_config 'del(.process)'
	create_fails process
}

@test "errors: empty process.args" {
	update_config '.process.args = []'
	create_fails process.args
}

@test "errors: over-long hostname" {
	update_config '.hostname = $h' --arg h "$(printf 'h%.0s' $(seq 1 65))"
	create_fails hostname
}

@test "errors: bind mount of a missing source names the source" {
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/no-such-source"
	create_fails "$BATS_TEST_TMPDIR/no-such-source"
}

@test "errors: mount of an unknown filesystem type names the mount" {
	update_config '.mounts += [{destination: "/mnt", type: "nosuchfs", source: "none"}]'
	create_fails /mnt
}

@test "errors: mount with options the filesystem rejects names the mount" {
	update_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["size=lots"]}]'
	create_fails /mnt
}

@test "errors: a relative mount destination is refused, or taken from / as runc does" {
	# runtime-spec 1.0 says it MUST be absolute; runc still accepts it
	# (deprecated) relative to the container's /.
	update_config '.mounts += [{destination: "mnt", type: "tmpfs", source: "tmpfs"}]'
	set_args awk '$5 == "/mnt" { for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 1) }' /proc/self/mountinfo
	run_container ctr
	if [ "$status" -ne 0 ]; then
		assert_husk_error mounts
	else
		[ "$stdout" = tmpfs ]
	fi
	assert_no_leftovers ctr
}

@test "errors: unknown rlimit" {
	update_config '.process.rlimits = [{type: "RLIMIT_FOO", soft: 1, hard: 1}]'
	create_fails RLIMIT_FOO
}

@test "errors: rlimit soft greater than hard" {
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2048, hard: 1024}]'
	create_fails "process.rlimits[0]"
}

@test "errors: unknown capability" {
	update_config '.process.capabilities.bounding += ["CAP_FOO"]'
	create_fails CAP_FOO
}

@test "errors: uid mappings without a user namespace" {
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	create_fails uidMappings
}

@test "errors: unknown device type is named (linux.devices)" {
	update_config '.linux.devices = [{path: "/dev/q", type: "q", major: 1, minor: 1}]'
	create_fails "linux.devices[0]"
}

@test "errors: duplicate id is refused with 'already exists' and the first container is untouched" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	pid=$(container_pid ctr)
	create_container ctr
	assert_husk_error "already exists" ctr
	[ "$(state_field ctr .status)" = created ]
	[ "$(container_pid ctr)" = "$pid" ]
	[ -d "/proc/$pid" ]
}

@test "errors: start of a missing container" {
	run husk start nosuchctr
	assert_husk_error "does not exist" nosuchctr
	assert_no_leftovers
}

@test "errors: start of a running container fails and it keeps running" {
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	run husk start ctr
	assert_husk_error
	[ "$(state_field ctr .status)" = running ]
	[ "$(container_pid ctr)" = "$pid" ]
}

@test "errors: delete of a running container without --force fails and it keeps running" {
	set_args sleep 1000
	start_new_container ctr
	run husk delete ctr
	assert_husk_error ctr
	[ "$(state_field ctr .status)" = running ]
}

@test "errors: kill of a stopped container fails and the container stays" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	run husk kill ctr KILL
	assert_husk_error
	[ "$(state_field ctr .status)" = stopped ]
}

@test "errors: unknown properties in config.json are ignored, as the spec requires" {
	update_config '.xCustom = {a: 1} | .process.xUnknown = true | .linux.xFuture = [1, 2]'
	set_args echo fine
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = fine ]
}

@test "errors: a failed create after a good one does not disturb the good one" {
	set_args sleep 1000
	create_container good
	[ "$status" -eq 0 ]
	update_config '.linux.namespaces[0].type = "bogus"'
	create_container bad
	assert_husk_error bogus
	[ ! -e "$HUSK_ROOT/bad" ]
	[ "$(state_field good .status)" = created ]
}

@test "errors: --pid-file in a missing directory fails naming it, and leaves nothing" {
	set_args sleep 1000
	create_container ctr --pid-file "$BATS_TEST_TMPDIR/no/such/dir/pid"
	assert_husk_error "$BATS_TEST_TMPDIR/no/such/dir/pid"
	assert_no_leftovers ctr
}

@test "errors: concurrent creates of one id: exactly one wins, the others say 'already exists'" {
	set_args sleep 1000
	auto_cgroups_path create --bundle "$BUNDLE" ctr
	for i in 1 2 3 4 5; do
		(
			rc=0
			timeout -k 5 60 "$HUSK_BINARY" --root "$HUSK_ROOT" create --bundle "$BUNDLE" ctr \
				</dev/null >"$BATS_TEST_TMPDIR/c$i.out" 2>"$BATS_TEST_TMPDIR/c$i.err" 3>&- || rc=$?
			echo "$rc" >"$BATS_TEST_TMPDIR/c$i.rc"
		) 3>&- &
	done
	wait
	ok=0
	for i in 1 2 3 4 5; do
		cat "$BATS_TEST_TMPDIR/c$i.err" >&2
		if [ "$(cat "$BATS_TEST_TMPDIR/c$i.rc")" = 0 ]; then
			ok=$((ok + 1))
		else
			grep -q "already exists" "$BATS_TEST_TMPDIR/c$i.err"
		fi
	done
	[ "$ok" -eq 1 ]
	[ "$(state_field ctr .status)" = created ]
	# Exactly one init: the winner's.
	[ "$(container_processes | wc -l)" -eq 1 ]
	run husk delete --force ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "errors: start of a created container whose init died fails, and it is stopped" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	kill -KILL "$(container_pid ctr)"
	wait_for_status ctr stopped
	run husk start ctr
	assert_husk_error
	[ "$(state_field ctr .status)" = stopped ]
	run husk delete ctr
	[ "$status" -eq 0 ]
	assert_no_leftovers ctr
}
