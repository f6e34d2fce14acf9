#!/usr/bin/env bats
# The verbs that work on a container's cgroup: pause, resume, ps, update,
# events (stats, the stream, OOM notifications). Checked in the real cgroup
# files, v1 or v2, whichever the host uses.

load helpers
load cgroup_helpers

setup_file() {
	cg_setup_file
}

teardown_file() {
	cg_teardown_file
}

setup() {
	husk_setup
	cg_setup
}

teardown() {
	cg_teardown
}

# start_sleepers ID: a running container whose sh has two sleep children
# (three processes), waiting until all three are in the cgroup.
start_sleepers() {
	local sleepers_path
	set_cmd 'sleep 100 & sleep 100 & wait'
	start_new_container "$1"
	sleepers_path=$(cg_path_for "$1")
	wait_until eval '[ "$(cg_procs_of "$sleepers_path" | wc -l)" -eq 3 ]'
}

# start_stopped ID: a container that has run `true` and stopped.
start_stopped() {
	set_args true
	start_new_container "$1"
	wait_for_status "$1" stopped
}

# assert_frozen CGPATH 1|0: the cgroup is frozen (1) or thawed (0), per the
# v1 freezer if the host has one (husk uses it then), else cgroup2's.
assert_frozen() {
	local m
	m=$(cg_v1_mount freezer)
	if [ -n "$m" ]; then
		cg_expect freezer "$1" freezer.state "$([ "$2" = 1 ] && echo FROZEN || echo THAWED)"
	else
		grep -qx "frozen $2" "$CG_UNIFIED$1/cgroup.events"
	fi
}

# husk_stdin FILE ARGS...: husk with stdin from FILE (the `husk` helper
# reads /dev/null).
husk_stdin() {
	local in=$1
	shift
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" "$@" <"$in" 3>&-
}

# events_bg ID ARGS...: `husk events ARGS ID` in the background, its
# output in $EV_OUT; `timeout` is only a safety net.
events_bg() {
	local id=$1
	shift
	EV_OUT="$BATS_TEST_TMPDIR/events.out"
	timeout -k 5 60 "$HUSK_BINARY" --root "$HUSK_ROOT" events "$@" "$id" \
		</dev/null >"$EV_OUT" 2>"$BATS_TEST_TMPDIR/events.err" 3>&- &
	EV_PID=$!
}

# events_wait: waits for the background events; its exit status in EV_RC.
events_wait() {
	EV_RC=0
	wait "$EV_PID" || EV_RC=$?
	echo "events: exit $EV_RC; stderr: $(cat "$BATS_TEST_TMPDIR/events.err")" >&2
}

# ---------------------------------------------------------------------------
# pause / resume

@test "verbs: pause freezes the cgroup and resume thaws it" {
	local id path n1 n2
	id=$(cg_id pause)
	add_shared_dir
	set_cmd 'i=0; while :; do i=$((i + 1)); echo $i > /shared/n; sleep 0.05; done'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	wait_for_file "$SHARED/n"
	run husk pause "$id"
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" .status)" = paused ]
	assert_frozen "$path" 1
	n1=$(cat "$SHARED/n")
	sleep 0.3
	n2=$(cat "$SHARED/n")
	[ "$n1" = "$n2" ]
	run husk resume "$id"
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" .status)" = running ]
	assert_frozen "$path" 0
	wait_until eval '[ "$(cat "$SHARED/n")" != "$n2" ]'
}

@test "verbs: pausing a paused container and resuming a running one are errors" {
	local id path
	id=$(cg_id pause2)
	set_args sleep 100
	start_new_container "$id"
	path=$(cg_path_for "$id")
	run husk resume "$id"
	assert_husk_error "$id"
	[ "$(state_field "$id" .status)" = running ]
	run husk pause "$id"
	[ "$status" -eq 0 ]
	run husk pause "$id"
	assert_husk_error "$id"
	[ "$(state_field "$id" .status)" = paused ]
	assert_frozen "$path" 1
	# delete --force of a paused container: it must thaw to let them die.
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	cg_assert_gone "$path"
}

@test "verbs: pause and resume of a stopped container are errors" {
	local id
	id=$(cg_id pause3)
	start_stopped "$id"
	run husk pause "$id"
	assert_husk_error "$id"
	run husk resume "$id"
	assert_husk_error "$id"
	[ "$(state_field "$id" .status)" = stopped ]
}

@test "verbs: a created container can be paused and resumed, and is created again" {
	local id
	id=$(cg_id pause4)
	set_args sleep 100
	create_container "$id"
	[ "$status" -eq 0 ]
	run husk pause "$id"
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" .status)" = paused ]
	assert_frozen "$(cg_path_for "$id")" 1
	run husk resume "$id"
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" .status)" = created ]
}

# ---------------------------------------------------------------------------
# ps

@test "verbs: ps lists the container's processes (table and json)" {
	local id want
	id=$(cg_id ps)
	start_sleepers "$id"
	want=$(cg_procs_of "$(cg_path_for "$id")" | sort -n)
	run husk ps --format json "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^\[[0-9]+(,[0-9]+)*\]$ ]]
	[ "$(json_pids <<<"$output")" = "$want" ]
	run husk ps "$id"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD ]]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | sort -n)" = "$want" ]
	# ps options after the id go to ps(1).
	run husk ps "$id" -e -x
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ \ +PID\ +TTY\ +STAT\ +TIME\ +COMMAND ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "verbs: ps of a missing container is an error; of a stopped one, an empty list" {
	local id
	id=$(cg_id ps2)
	run husk ps "$id"
	assert_husk_error "does not exist"
	start_stopped "$id"
	# As runc (its ps.bats "ps after the container stopped"): ps still
	# works after the container stopped, and lists nothing.
	run husk ps "$id"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ UID\ +PID ]]
	[ "${#lines[@]}" -eq 1 ]
	run husk ps --format json "$id"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	# runc's encoder prints null for no pids; an empty array is as good.
	[ "$output" = "[]" ] || [ "$output" = null ]
}

# ---------------------------------------------------------------------------
# update

@test "verbs: update flags change the cgroup files" {
	local id path
	id=$(cg_id upd)
	set_args sleep 100
	update_config '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}}'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	run husk update --memory 128m "$id"
	[ "$status" -eq 0 ]
	run husk update --pids-limit 20 "$id"
	[ "$status" -eq 0 ]
	cg_expect pids "$path" pids.max 20
	run husk update --cpu-quota 20000 --cpu-period 50000 "$id"
	[ "$status" -eq 0 ]
	run husk update --cpu-share 256 --cpuset-cpus 0 "$id"
	[ "$status" -eq 0 ]
	# Each update left what it did not name alone.
	if cg_is_v2 memory; then
		cg_expect memory "$path" memory.max 134217728
	else
		cg_expect memory "$path" memory.limit_in_bytes 134217728
	fi
	if cg_is_v2 cpu; then
		cg_expect cpu "$path" cpu.max "20000 50000"
		cg_expect cpu "$path" cpu.weight "$((1 + ((256 - 2) * 9999) / 262142))"
	else
		cg_expect cpu "$path" cpu.cfs_quota_us 20000
		cg_expect cpu "$path" cpu.cfs_period_us 50000
		cg_expect cpu "$path" cpu.shares 256
	fi
	cg_expect cpuset "$path" cpuset.cpus 0
	cg_expect pids "$path" pids.max 20
	run husk update --pids-limit -1 "$id"
	[ "$status" -eq 0 ]
	cg_expect pids "$path" pids.max max
}

@test "verbs: update --resources reads linux.resources JSON from a file or stdin" {
	local id path
	id=$(cg_id updr)
	set_args sleep 100
	start_new_container "$id"
	path=$(cg_path_for "$id")
	echo '{"memory": {"limit": 100663296}, "pids": {"limit": 33}, "cpu": {"shares": 128}}' \
		>"$BATS_TEST_TMPDIR/res.json"
	run husk update --resources "$BATS_TEST_TMPDIR/res.json" "$id"
	[ "$status" -eq 0 ]
	cg_expect pids "$path" pids.max 33
	if cg_is_v2 memory; then
		cg_expect memory "$path" memory.max 100663296
	else
		cg_expect memory "$path" memory.limit_in_bytes 100663296
	fi
	if cg_is_v2 cpu; then
		cg_expect cpu "$path" cpu.weight "$((1 + ((128 - 2) * 9999) / 262142))"
	else
		cg_expect cpu "$path" cpu.shares 128
	fi
	echo '{"pids": {"limit": 44}}' >"$BATS_TEST_TMPDIR/res2.json"
	run husk_stdin "$BATS_TEST_TMPDIR/res2.json" update --resources - "$id"
	[ "$status" -eq 0 ]
	cg_expect pids "$path" pids.max 44
}

@test "verbs: update of a missing or stopped container is an error" {
	local id
	id=$(cg_id upd2)
	run husk update --pids-limit 5 "$id"
	assert_husk_error "does not exist"
	start_stopped "$id"
	run husk update --pids-limit 5 "$id"
	assert_husk_error "$id"
}

@test "verbs: update with bad values fails naming the flag or key, and changes nothing" {
	local id path
	id=$(cg_id upd3)
	set_args sleep 100
	update_config '.linux.resources = {pids: {limit: 50}}'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	run husk update --memory lots "$id"
	assert_husk_error --memory lots
	run husk update --pids-limit x "$id"
	assert_husk_error --pids-limit
	run husk update --cpu-share -5 "$id"
	assert_husk_error --cpu-share
	# The kernel refuses a quota under 1 ms.
	run husk update --cpu-quota 500 --cpu-period 100000 "$id"
	assert_husk_error cpu.quota
	echo '{"pids": {"limit": "x"}}' >"$BATS_TEST_TMPDIR/bad.json"
	run husk update --resources "$BATS_TEST_TMPDIR/bad.json" "$id"
	assert_husk_error pids.limit
	echo '{"pids": ' >"$BATS_TEST_TMPDIR/trunc.json"
	run husk update --resources "$BATS_TEST_TMPDIR/trunc.json" "$id"
	assert_husk_error trunc.json
	cg_expect pids "$path" pids.max 50
	[ "$(state_field "$id" .status)" = running ]
}

# ---------------------------------------------------------------------------
# events

@test "verbs: events --stats prints one stats object matching the cgroup" {
	local id line
	id=$(cg_id stats)
	start_sleepers "$id"
	run husk events --stats "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	line=$output
	[ "$(jq -r .type <<<"$line")" = stats ]
	[ "$(jq -r .id <<<"$line")" = "$id" ]
	[ "$(jq -r .data.pids.current <<<"$line")" -eq 3 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$line")" -gt 0 ]
	jq -e '.data.cpu.usage.total | type == "number"' <<<"$line"
	jq -e '.data.cpu | has("throttling")' <<<"$line"
}

@test "verbs: events --stats of a missing or stopped container is an error" {
	local id
	id=$(cg_id stats2)
	run husk events --stats "$id"
	assert_husk_error "does not exist"
	start_stopped "$id"
	run husk events --stats "$id"
	assert_husk_error "$id"
}

@test "verbs: events --interval streams stats and ends when the container stops" {
	local id
	id=$(cg_id evstream)
	add_shared_dir
	set_cmd 'while [ ! -e /shared/stop ]; do sleep 0.05; done'
	start_new_container "$id"
	events_bg "$id" --interval 1s
	wait_until eval '[ "$(wc -l <"$EV_OUT")" -ge 2 ]'
	touch "$SHARED/stop"
	events_wait
	cat "$EV_OUT" >&2
	# 124 would be the safety-net timeout: events did not notice the stop.
	[ "$EV_RC" -eq 0 ]
	[ "$(jq -r .type "$EV_OUT" | sort -u)" = stats ]
	[ "$(jq -r .id "$EV_OUT" | sort -u)" = "$id" ]
}

@test "verbs: an OOM kill in the container shows as an oom event" {
	local id path swap=null n
	id=$(cg_id oom)
	add_shared_dir
	if cg_is_v2 memory; then
		compgen -G "$CG_UNIFIED/*/memory.swap.max" >/dev/null && swap=33554432
	else
		[ ! -e "$(cg_v1_mount memory)/memory.memsw.limit_in_bytes" ] || swap=33554432
	fi
	update_config ".linux.resources = {memory: {limit: 33554432, swap: $swap}}"
	# dd's 64M buffer is anonymous memory it fills at once: over the limit.
	set_cmd 'while [ ! -e /shared/go ]; do sleep 0.05; done
dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo "dd: $?" > /shared/dd; sleep 100'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	events_bg "$id" --interval 1s
	# The first stats line: events has read the OOM count before the OOM.
	wait_until eval '[ -s "$EV_OUT" ]'
	touch "$SHARED/go"
	wait_for_file "$SHARED/dd"
	[ "$(cat "$SHARED/dd")" = "dd: 137" ]
	if cg_is_v2 memory; then
		n=$(awk '$1 == "oom_kill" { print $2 }' "$(cg_dir memory "$path")/memory.events")
	else
		n=$(awk '$1 == "oom_kill" { print $2 }' "$(cg_dir memory "$path")/memory.oom_control")
	fi
	[ "$n" -ge 1 ]
	wait_until grep -q '"type":"oom"' "$EV_OUT"
	run husk kill "$id" KILL
	[ "$status" -eq 0 ]
	events_wait
	cat "$EV_OUT" >&2
	[ "$EV_RC" -eq 0 ]
	[ "$(grep '"type":"oom"' "$EV_OUT" | head -1 | jq -r .id)" = "$id" ]
}
