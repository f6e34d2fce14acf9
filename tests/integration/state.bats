#!/usr/bin/env bats
# `husk state`: the OCI state document (runtime-spec runtime.md "State"),
# validated against state-schema.json, plus runc's created/rootfs/owner.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# state_to_file ID: `husk state ID` into $BATS_TEST_TMPDIR/state.json
state_to_file() {
	husk state "$1" >"$BATS_TEST_TMPDIR/state.json"
	cat "$BATS_TEST_TMPDIR/state.json" >&2
}

@test "state: a created container's state is valid against state-schema.json and complete" {
	set_args sleep 1000
	update_config '.annotations = {"org.husk.test": "yes", "b": "2"}'
	create_container ctr
	[ "$status" -eq 0 ]
	state_to_file ctr
	validate_json state-schema.json "$BATS_TEST_TMPDIR/state.json"
	s="$BATS_TEST_TMPDIR/state.json"
	[ "$(jq -r .id "$s")" = ctr ]
	[ "$(jq -r .status "$s")" = created ]
	[ "$(jq -r .bundle "$s")" = "$BUNDLE" ]
	[ "$(jq -r .rootfs "$s")" = "$HUSK_TEST_ROOTFS" ]
	[ "$(jq -r '.ociVersion | type' "$s")" = string ]
	[ "$(jq -r '.owner | type' "$s")" = string ]
	[ "$(jq -cS .annotations "$s")" = '{"b":"2","org.husk.test":"yes"}' ]
	pid=$(jq -r .pid "$s")
	[ "$pid" -gt 0 ]
	[ -d "/proc/$pid" ]
	[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" = 1 ]
}

@test "state: created is an RFC 3339 time of the creation" {
	set_args sleep 1000
	before=$(date +%s)
	create_container ctr
	[ "$status" -eq 0 ]
	after=$(date +%s)
	created=$(state_field ctr .created)
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
	t=$(date -d "$created" +%s)
	[ "$t" -ge $((before - 1)) ]
	[ "$t" -le $((after + 1)) ]
	# It does not change over the lifecycle.
	start_container ctr
	[ "$(state_field ctr .created)" = "$created" ]
}

@test "state: a running container's state is valid and its pid is the process" {
	set_args sleep 1000
	start_new_container ctr
	state_to_file ctr
	validate_json state-schema.json "$BATS_TEST_TMPDIR/state.json"
	[ "$(jq -r .status "$BATS_TEST_TMPDIR/state.json")" = running ]
	pid=$(jq -r .pid "$BATS_TEST_TMPDIR/state.json")
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
}

@test "state: a stopped container's state is valid" {
	set_args true
	start_new_container ctr
	wait_for_status ctr stopped
	state_to_file ctr
	validate_json state-schema.json "$BATS_TEST_TMPDIR/state.json"
	[ "$(jq -r .id "$BATS_TEST_TMPDIR/state.json")" = ctr ]
	[ "$(jq -r .bundle "$BATS_TEST_TMPDIR/state.json")" = "$BUNDLE" ]
}

@test "state: a container whose process exited (an unreaped zombie) is stopped" {
	# Nobody waits for the container's init once husk has exited: it stays a
	# zombie until its (re)parent reaps it. It is not running any more.
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	kill -KILL "$pid"
	wait_for_status ctr stopped
}

@test "state: a relative --bundle is stored as an absolute path" {
	set_args sleep 1000
	cd "$BATS_TEST_TMPDIR"
	husk_io ctr create --bundle bundle ctr
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .bundle)" = "$BUNDLE" ]
}

@test "state: a relative root.path gives an absolute rootfs" {
	set_args sleep 1000
	use_private_rootfs
	create_container ctr
	[ "$status" -eq 0 ]
	[ "$(state_field ctr .rootfs)" = "$BUNDLE/rootfs" ]
}

@test "state: the output is one JSON document" {
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	run husk state ctr
	[ "$status" -eq 0 ]
	[ "$(jq -s length <<<"$output")" = 1 ]
	[ "$(jq -r type <<<"$output")" = object ]
}

@test "state: of a missing container fails with 'does not exist'" {
	run husk state nosuchctr
	assert_husk_error "does not exist" nosuchctr
	assert_no_leftovers
}

@test "state: of a deleted container fails with 'does not exist'" {
	set_args true
	run_container ctr
	[ "$status" -eq 0 ]
	run husk state ctr
	assert_husk_error "does not exist"
}
