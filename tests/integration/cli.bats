#!/usr/bin/env bats
# The command line: flag forms, --version, --help, --root, --log,
# --log-format, --debug, unknown verbs and flags.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# hb ARGS...: the binary without the implicit --root (for testing --root).
hb() {
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" "$@" </dev/null 3>&-
}

project_version() {
	sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$HUSK_REPO/meson.build" | head -n1
}

# check_json_log FILE: every line is exactly {"level","msg","time"} with
# string values, a known level and an RFC 3339 time.
check_json_log() {
	local f=$1 n
	[ -s "$f" ] || {
		echo "log $f is empty" >&2
		return 1
	}
	cat "$f" >&2
	n=$(wc -l <"$f")
	[ "$(jq -c 'keys_unsorted' "$f" | sort -u)" = '["level","msg","time"]' ]
	[ "$(jq -r '[.level, .msg, .time] | map(type) | join(",")' "$f" | sort -u)" = string,string,string ]
	[ -z "$(jq -r '.level' "$f" | grep -vxE 'debug|info|warning|error|fatal|panic' || true)" ]
	local t
	while read -r t; do
		[[ "$t" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] || {
			echo "bad time: $t" >&2
			return 1
		}
	done < <(jq -r .time "$f")
	# One JSON object per line, nothing else.
	[ "$(jq -s length "$f")" = "$n" ]
	[ "$(grep -c '^{.*}$' "$f")" = "$n" ]
}

@test "cli: --version prints husk and the project's version" {
	run hb --version
	[ "$status" -eq 0 ]
	grep -qi husk <<<"$output"
	grep -qF "$(project_version)" <<<"$output"
}

@test "cli: --help and -h list the verbs" {
	for flag in --help -h; do
		run hb "$flag"
		[ "$status" -eq 0 ]
		for verb in create start state kill delete run list spec; do
			grep -qw "$verb" <<<"$output"
		done
	done
}

@test "cli: an unknown verb is refused, naming it" {
	run husk frobnicate
	assert_husk_error frobnicate
}

@test "cli: an unknown global flag is refused, naming it" {
	run husk --no-such-flag list
	assert_husk_error --no-such-flag
	[ "$output" = "husk: unknown flag --no-such-flag" ]
}

@test "cli: an unknown verb flag is refused, naming it" {
	run husk list --no-such-flag
	assert_husk_error --no-such-flag
	run husk delete --bogus x
	assert_husk_error --bogus
}

@test "cli: a verb without its container id is refused" {
	for verb in create start state kill delete run; do
		run husk "$verb"
		assert_husk_error
	done
}

@test "cli: a flag missing its value is refused" {
	run hb --root
	[ "$status" -ne 0 ]
	run husk create --bundle
	assert_husk_error --bundle
}

@test "cli: --root DIR and --root=DIR are the same, and a missing root dir is created" {
	root="$BATS_TEST_TMPDIR/other/root"
	HUSK_EXTRA_ROOTS=$root
	set_args sleep 1000
	auto_cgroups_path create --bundle "$BUNDLE" ctr
	status=0
	timeout 60 "$HUSK_BINARY" --root="$root" create --bundle "$BUNDLE" ctr \
		</dev/null >"$BATS_TEST_TMPDIR/c.out" 2>"$BATS_TEST_TMPDIR/c.err" 3>&- || status=$?
	cat "$BATS_TEST_TMPDIR/c.err" >&2
	[ "$status" -eq 0 ]
	[ -d "$root/ctr" ]
	run hb --root "$root" state ctr
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	# Not in the run's root.
	run husk state ctr
	assert_husk_error "does not exist"
	run hb --root "$root" delete --force ctr
	[ "$status" -eq 0 ]
	[ ! -e "$root/ctr" ]
	assert_no_leftovers
}

@test "cli: verb flags in --flag value, --flag=value and short forms" {
	set_args sleep 1000
	husk_io c1 create --bundle="$BUNDLE" --pid-file="$BATS_TEST_TMPDIR/c1.pid" c1
	[ "$status" -eq 0 ]
	husk_io c2 create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/c2.pid" c2
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/c1.pid")" = "$(container_pid c1)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/c2.pid")" = "$(container_pid c2)" ]
	husk_io c3 run -d -b "$BUNDLE" c3
	[ "$status" -eq 0 ]
	husk_io c4 run --detach --bundle="$BUNDLE" --pid-file="$BATS_TEST_TMPDIR/c4.pid" c4
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/c4.pid")" = "$(container_pid c4)" ]
	run husk kill -a c3 KILL
	[ "$status" -eq 0 ]
	run husk kill --all c4 SIGKILL
	[ "$status" -eq 0 ]
	wait_for_status c3 stopped
	wait_for_status c4 stopped
	run husk list --format=json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'map(.id) | sort | join(",")' <<<"$output")" = c1,c2,c3,c4 ]
	run husk delete -f c1
	[ "$status" -eq 0 ]
	run husk delete --force c2
	[ "$status" -eq 0 ]
	run husk delete c3
	[ "$status" -eq 0 ]
	run husk delete c4
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "cli: --log FILE --log-format json writes an error as one JSON line" {
	log="$BATS_TEST_TMPDIR/husk.log"
	run husk --log "$log" --log-format json state nosuchctr
	assert_husk_error "does not exist"
	check_json_log "$log"
	[ "$(jq -r 'select(.level == "error") | .msg' "$log" | grep -c 'does not exist')" -ge 1 ]
	grep -q nosuchctr "$log"
}

@test "cli: --log=FILE --log-format=json, and the log is appended to" {
	log="$BATS_TEST_TMPDIR/husk.log"
	run husk --log="$log" --log-format=json delete nosuchctr
	[ "$status" -ne 0 ]
	n1=$(wc -l <"$log")
	[ "$n1" -ge 1 ]
	run husk --log="$log" --log-format=json kill nosuchctr
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$log")" -gt "$n1" ]
	check_json_log "$log"
}

@test "cli: a config error goes to the JSON log with its key" {
	log="$BATS_TEST_TMPDIR/husk.log"
	update_config '.linux.namespaces[2].type = "netw"'
	husk_io ctr --log "$log" --log-format json create --bundle "$BUNDLE" ctr
	[ "$status" -ne 0 ]
	check_json_log "$log"
	jq -r 'select(.level == "error") | .msg' "$log" | grep -F 'linux.namespaces[2].type: unknown namespace "netw"'
	assert_no_leftovers ctr
}

@test "cli: --log-format text writes readable text, not JSON" {
	log="$BATS_TEST_TMPDIR/husk.log"
	run husk --log "$log" --log-format text state nosuchctr
	[ "$status" -ne 0 ]
	cat "$log" >&2
	grep -q "does not exist" "$log"
	grep -qi error "$log"
	[ "$(head -c1 "$log")" != "{" ]
}

@test "cli: an unknown --log-format is refused, naming it" {
	run husk --log-format yaml list
	assert_husk_error yaml
}

@test "cli: --log to an unwritable place is refused, naming it" {
	run husk --log /proc/no/such/dir/husk.log list
	assert_husk_error /proc/no/such/dir/husk.log
}

@test "cli: a successful lifecycle logs no errors" {
	log="$BATS_TEST_TMPDIR/husk.log"
	set_args true
	husk_io ctr --log "$log" --log-format json run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	if [ -s "$log" ]; then
		check_json_log "$log"
		[ -z "$(jq -r 'select(.level == "error")' "$log")" ]
	fi
}

@test "cli: --debug adds debug lines to the log, and the container still runs" {
	log="$BATS_TEST_TMPDIR/husk.log"
	set_args echo ok
	husk_io ctr --debug --log "$log" --log-format json run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = ok ]
	check_json_log "$log"
	[ "$(jq -r 'select(.level == "debug") | .msg' "$log" | wc -l)" -ge 1 ]
}

@test "cli: without --debug there are no debug lines" {
	log="$BATS_TEST_TMPDIR/husk.log"
	set_args echo ok
	husk_io ctr --log "$log" --log-format json run --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ ! -s "$log" ] || [ -z "$(jq -r 'select(.level == "debug")' "$log")" ]
}

@test "cli: --systemd-cgroup is accepted" {
	run husk --systemd-cgroup list --quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "cli: errors go to stderr, not stdout" {
	husk_io x state nosuchctr
	[ "$status" -ne 0 ]
	[ -z "$stdout" ]
	grep -q '^husk: ' <<<"$stderr"
}
