#!/usr/bin/env bats
# `husk list [--format table|json] [--quiet]`

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# Three containers: a (created), b (running), c (stopped, kept).
make_three() {
	set_args sleep 1000
	create_container a
	[ "$status" -eq 0 ]
	start_new_container b
	set_args true
	run_container c --keep
	[ "$status" -eq 0 ]
}

@test "list: with no containers prints no entries" {
	run husk list --quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run husk list --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" = 0 ]
	run husk list
	[ "$status" -eq 0 ]
	# At most the header line.
	[ "${#lines[@]}" -le 1 ]
}

@test "list: the table shows id, pid, status, bundle of every container" {
	make_three
	run husk list
	[ "$status" -eq 0 ]
	[ "$(awk '{ print $1, $2, $3, $4, $5, $6 }' <<<"${lines[0]}")" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	[ "${#lines[@]}" -eq 4 ]
	apid=$(container_pid a)
	bpid=$(container_pid b)
	row=$(awk '$1 == "a"' <<<"$output")
	[ "$(awk '{ print $2, $3, $4 }' <<<"$row")" = "$apid created $BUNDLE" ]
	row=$(awk '$1 == "b"' <<<"$output")
	[ "$(awk '{ print $2, $3, $4 }' <<<"$row")" = "$bpid running $BUNDLE" ]
	row=$(awk '$1 == "c"' <<<"$output")
	[ "$(awk '{ print $3, $4 }' <<<"$row")" = "stopped $BUNDLE" ]
}

@test "list: --quiet and -q print only the ids" {
	make_three
	run husk list --quiet
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "a b c " ]
	run husk list -q
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "a b c " ]
}

@test "list: --format json, --format=json and -f json give the containers' states" {
	make_three
	for form in "--format json" "--format=json" "-f json"; do
		# shellcheck disable=SC2086
		run husk list $form
		[ "$status" -eq 0 ]
		[ "$(jq -r 'map(.id) | sort | join(" ")' <<<"$output")" = "a b c" ]
		[ "$(jq -r 'map(select(.id == "a"))[0] | "\(.status) \(.pid) \(.bundle)"' <<<"$output")" = "created $(container_pid a) $BUNDLE" ]
		[ "$(jq -r 'map(select(.id == "b"))[0] | "\(.status) \(.pid) \(.bundle)"' <<<"$output")" = "running $(container_pid b) $BUNDLE" ]
		[ "$(jq -r 'map(select(.id == "c"))[0].status' <<<"$output")" = stopped ]
		# Each entry is a valid OCI state.
		for i in 0 1 2; do
			jq ".[$i]" <<<"$output" >"$BATS_TEST_TMPDIR/entry.json"
			validate_json state-schema.json "$BATS_TEST_TMPDIR/entry.json"
		done
	done
}

@test "list: --format table is the default table" {
	make_three
	run husk list
	table=$output
	run husk list --format table
	[ "$status" -eq 0 ]
	[ "$output" = "$table" ]
}

@test "list: an unknown --format is refused" {
	run husk list --format yaml
	assert_husk_error yaml
}

@test "list: a --root that does not exist lists nothing" {
	run timeout 30 "$HUSK_BINARY" --root "$BATS_TEST_TMPDIR/no/such/root" list --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" = 0 ]
}

@test "list: a deleted container is gone from the list" {
	set_args sleep 1000
	start_new_container a
	start_new_container b
	run husk delete --force a
	[ "$status" -eq 0 ]
	run husk list -q
	[ "$status" -eq 0 ]
	[ "$output" = b ]
}
