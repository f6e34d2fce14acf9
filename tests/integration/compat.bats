#!/usr/bin/env bats
# husk against runc (the reference, /usr/sbin/runc): the same commands on
# the same kind of bundle, comparing what a client sees: exit statuses, the
# phrases clients match in error messages, the JSON of state, list, ps and
# events, the --log format, flag spellings and signal names.
#
# Clients and the runtime's words they depend on:
#   containerd's runc shim (pkg/process): after `kill`, "container not
#     running" (and "no such process") mean the process already finished,
#     "does not exist" means no such container (both become NotFound);
#     after `delete`, "does not exist" is ignored. It reads the runtime's
#     error from the --log file written with --log-format json: the last
#     line whose "level" is "error", its "msg"; "time" is decoded as an
#     RFC 3339 time.
#   podman (libpod, through conmon): after a failed `state`, "does not
#     exist" on stderr marks the container exited; it passes
#     --log-format=json and --log to the runtime.
#   the docker CLI: "executable file not found" in a failed start or exec
#     becomes exit status 127.
# Other phrases (start, pause, resume of the wrong state, "already
# exists") are matched by no client we know of: only the exit status is
# compared there, plus a word naming the state.

load helpers
load compat_helpers

setup() {
	compat_setup
}

teardown() {
	compat_teardown
}

# A long-running container of runtime RT: sleep as PID 1.
sleeper() {
	set_args sleep 1000
	compat_start_new "$1" "$2"
}

# ---------------------------------------------------------------------------
# Errors: missing containers, taken ids, wrong states.

@test "compat: a missing container: same status and 'does not exist' from every verb" {
	# runc 1.1 says "container does not exist" (exec: "exec failed:
	# container does not exist", status 255).
	for verb in state start kill delete pause resume ps events update; do
		both_fail "does not exist" "$verb" nosuchctr
	done
	both_fail "does not exist" exec nosuchctr true
	[ "$status" -eq 255 ]
	both_fail "does not exist" kill nosuchctr KILL
	both_fail "does not exist" events --stats nosuchctr
}

@test "compat: an id that already exists: same status and 'already exists'" {
	declare -A rc_of
	set_args sleep 1000
	for r in runc husk; do
		compat_create "$r" ctr
		[ "$status" -eq 0 ]
	done
	for r in runc husk; do
		compat_create "$r" ctr
		[ "$status" -ne 0 ]
		rc_of[$r]=$status
		grep -qF "already exists" <<<"$output"
		# The first container is untouched.
		[ "$(rt_status "$r" ctr)" = created ]
	done
	[ "${rc_of[husk]}" -eq "${rc_of[runc]}" ]
}

@test "compat: verbs on a running container that need another state fail as runc's do" {
	for r in runc husk; do
		sleeper "$r" ctr
	done
	# runc: "cannot start an already running container".
	both_fail running start ctr
	# runc and husk: "cannot delete container ctr that is not stopped:
	# running".
	both_fail "not stopped" delete ctr
	# runc: "container not paused".
	both_fail "not paused" resume ctr
	for r in runc husk; do
		[ "$(rt_status "$r" ctr)" = running ]
	done
	# A paused container cannot be paused again. runc says "container not
	# running", husk "already paused": no client matches either.
	for r in runc husk; do
		run rt "$r" pause ctr
		[ "$status" -eq 0 ]
	done
	both_fail "" pause ctr
	for r in runc husk; do
		[ "$(rt_status "$r" ctr)" = paused ]
		run rt "$r" resume ctr
		[ "$status" -eq 0 ]
		[ "$(rt_status "$r" ctr)" = running ]
	done
}

@test "compat: verbs on a stopped container fail as runc's do" {
	for r in runc husk; do
		sleeper "$r" ctr
		rt_stop "$r" ctr
	done
	# runc: "cannot start a container that has stopped".
	both_fail stopped start ctr
	# runc: "container not running" (husk: "... is not running").
	both_fail "not running" pause ctr
	both_fail "" resume ctr
	# containerd's shim matches exactly "container not running" after kill.
	both_fail "container not running" kill ctr
	both_fail "container not running" kill ctr KILL
	# But --all succeeds: it signals whatever is left in the cgroup (here
	# nothing; see the test of a container without a pid namespace).
	for r in runc husk; do
		run rt "$r" kill --all ctr KILL
		[ "$status" -eq 0 ]
	done
	# runc: "exec failed: cannot exec in a stopped container", status 255
	# as for every exec that the runtime itself fails.
	both_fail stopped exec ctr true
	[ "$status" -eq 255 ]
	# runc: "container with id ctr is not running".
	both_fail "is not running" events --stats ctr
	# Still there, and a plain delete removes it.
	for r in runc husk; do
		[ "$(rt_status "$r" ctr)" = stopped ]
		run rt "$r" delete ctr
		[ "$status" -eq 0 ]
	done
	both_fail "does not exist" state ctr
}

@test "compat: exec exits 255 when the runtime fails, else with the process's status" {
	for r in runc husk; do
		sleeper "$r" ctr
	done
	# A missing executable: the docker CLI turns this phrase into 127.
	for r in runc husk; do
		rt_io "$r" x exec ctr nosuchbinary
		[ "$status" -eq 255 ]
		grep -qF "executable file not found" <<<"$output"
	done
	# No command at all.
	declare -A rc_of
	for r in runc husk; do
		rt_io "$r" x exec ctr
		[ "$status" -ne 0 ]
		rc_of[$r]=$status
	done
	[ "${rc_of[husk]}" -eq "${rc_of[runc]}" ]
	# The process's own status passes through, 255 included.
	for r in runc husk; do
		rt_io "$r" x exec ctr sh -c 'exit 7'
		[ "$status" -eq 7 ]
		rt_io "$r" x exec ctr sh -c 'exit 255'
		[ "$status" -eq 255 ]
		rt_io "$r" x exec ctr true
		[ "$status" -eq 0 ]
	done
}

# ---------------------------------------------------------------------------
# state and list.

@test "compat: state has runc's fields and value types, created, running and stopped" {
	update_config '.annotations = {"org.example.key": "value"}'
	set_args sleep 1000
	for r in runc husk; do
		compat_create "$r" ctr
		[ "$status" -eq 0 ]
	done
	for st in created running stopped; do
		for r in runc husk; do
			if [ "$st" = running ]; then
				run rt "$r" start ctr
				[ "$status" -eq 0 ]
			elif [ "$st" = stopped ]; then
				rt_stop "$r" ctr
			fi
		done
		both_ok state ctr
		rs=$runc_out hs=$husk_out
		[ "$(jq -c keys <<<"$hs")" = "$(jq -c keys <<<"$rs")" ]
		same_shape "$rs" "$hs"
		# Same values where they do not depend on the runtime.
		for k in id status rootfs annotations; do
			[ "$(jq -c ".$k" <<<"$hs")" = "$(jq -c ".$k" <<<"$rs")" ]
		done
		[ "$(jq -r .bundle <<<"$hs")" = "$BATS_TEST_TMPDIR/bundles/husk-ctr" ]
		[ "$(jq -r .bundle <<<"$rs")" = "$BATS_TEST_TMPDIR/bundles/runc-ctr" ]
		for s in "$rs" "$hs"; do
			[[ "$(jq -r .created <<<"$s")" =~ $RFC3339_RE ]]
			if [ "$st" = stopped ]; then
				[ "$(jq .pid <<<"$s")" -eq 0 ]
			else
				[ "$(jq .pid <<<"$s")" -gt 0 ]
			fi
		done
	done
}

@test "compat: state without annotations has runc's keys" {
	set_args sleep 1000
	for r in runc husk; do
		compat_create "$r" ctr
		[ "$status" -eq 0 ]
	done
	rs=$(rt runc state ctr)
	hs=$(rt husk state ctr)
	[ "$(jq -c keys <<<"$hs")" = "$(jq -c keys <<<"$rs")" ]
	same_shape "$rs" "$hs"
}

@test "compat: list --format json and the list table have runc's fields and columns" {
	# Empty: runc prints null, husk []; both are no entries to a client.
	for r in runc husk; do
		run rt "$r" list --format json
		[ "$status" -eq 0 ]
		[ "$(jq '(. // []) | length' <<<"$output")" -eq 0 ]
	done
	set_args sleep 1000
	for r in runc husk; do
		compat_start_new "$r" c1
		compat_create "$r" c2
		[ "$status" -eq 0 ]
	done
	both_ok list --format json
	rl=$runc_out hl=$husk_out
	[ "$(jq -c 'map(keys)' <<<"$hl")" = "$(jq -c 'map(keys)' <<<"$rl")" ]
	[ "$(jq -c 'map(.id + ":" + .status) | sort' <<<"$hl")" = '["c1:running","c2:created"]' ]
	[ "$(jq -c 'map(.id + ":" + .status) | sort' <<<"$rl")" = '["c1:running","c2:created"]' ]
	same_shape "$rl" "$hl" '.[0]'
	same_shape "$rl" "$hl" '.[1]'
	# The table: the same header columns, one row per container.
	run rt runc list
	[ "$status" -eq 0 ]
	rh=$(head -n1 <<<"$output" | tr -s ' ')
	rn=${#lines[@]}
	run rt husk list
	[ "$status" -eq 0 ]
	hh=$(head -n1 <<<"$output" | tr -s ' ')
	echo "runc: $rh / husk: $hh" >&2
	[ "$hh" = "$rh" ]
	[ "${#lines[@]}" -eq "$rn" ]
	# --quiet: just the ids, as runc.
	[ "$(rt husk list -q | sort)" = "$(rt runc list -q | sort)" ]
}

# ---------------------------------------------------------------------------
# --log, --log-format json, --debug.

@test "compat: --log --log-format json: an error is one line of level, msg, time, as runc's" {
	for r in runc husk; do
		log="$BATS_TEST_TMPDIR/$r.log"
		run rt "$r" --log "$log" --log-format json state nosuchctr
		[ "$status" -ne 0 ]
		cat "$log" >&2
		# Exactly runc's keys, every value a string.
		[ "$(log_keys "$log")" = '["level","msg","time"]' ]
		[ "$(jq -r '[.level, .msg, .time] | map(type) | unique | join(",")' "$log" | sort -u)" = string ]
		# What containerd's shim reads: the last error line's msg.
		[ "$(jq -r 'select(.level == "error") | .msg' "$log" | tail -n1 | grep -c 'does not exist')" -eq 1 ]
		while read -r t; do
			[[ "$t" =~ $RFC3339_RE ]]
		done < <(jq -r .time "$log")
	done
	# The = form, as podman passes it; the log is appended to.
	for r in runc husk; do
		log="$BATS_TEST_TMPDIR/$r.log"
		n=$(wc -l <"$log")
		run rt "$r" --log="$log" --log-format=json kill nosuchctr
		[ "$status" -ne 0 ]
		[ "$(wc -l <"$log")" -gt "$n" ]
		[ "$(log_keys "$log")" = '["level","msg","time"]' ]
	done
}

@test "compat: --debug adds level debug lines to the JSON log, as runc's" {
	set_args true
	for r in runc husk; do
		log="$BATS_TEST_TMPDIR/$r.log"
		compat_bundle "$r" ctr
		rt_io "$r" ctr --debug --log "$log" --log-format json run --bundle "$CB" ctr
		[ "$status" -eq 0 ]
		[ "$(jq -r 'select(.level == "debug") | .msg' "$log" | wc -l)" -ge 1 ]
		# Every line has level, msg and time (runc adds file and func to
		# some of its debug lines).
		[ "$(jq -c '[has("level"), has("msg"), has("time")] | all' "$log" | sort -u)" = true ]
		[ -z "$(jq -r .level "$log" | grep -vxE 'debug|info|warning|error' || true)" ]
	done
	# No key husk writes is unknown to runc's log.
	[ -z "$(comm -23 <(jq -r 'keys[]' "$BATS_TEST_TMPDIR/husk.log" | sort -u) \
		<(jq -r 'keys[]' "$BATS_TEST_TMPDIR/runc.log" | sort -u))" ]
	# Without --debug, neither writes a debug line.
	for r in runc husk; do
		log="$BATS_TEST_TMPDIR/$r-nodebug.log"
		compat_bundle "$r" ctr2
		rt_io "$r" ctr2 --log "$log" --log-format json run --bundle "$CB" ctr2
		[ "$status" -eq 0 ]
		[ ! -s "$log" ] || [ -z "$(jq -r 'select(.level == "debug") | .level' "$log")" ]
	done
}

# ---------------------------------------------------------------------------
# Flags. cli.bats checks that husk takes each spelling; here every command
# line is run on both runtimes, and must do the same on each.

@test "compat: global and verb flags as --flag value, --flag=value and short forms, as runc" {
	set_args sleep 1000
	for r in runc husk; do
		bin=$(rt_bin "$r")
		root=$(rt_root "$r")
		log="$BATS_TEST_TMPDIR/$r-flags.log"
		compat_bundle "$r" c1
		# Global flags in = form, booleans with an explicit value.
		status=0
		timeout 60 "$bin" --root="$root" --log="$log" --log-format=json --debug=false \
			--rootless=false create --bundle="$CB" --pid-file="$BATS_TEST_TMPDIR/$r-c1.pid" c1 \
			</dev/null >"$BATS_TEST_TMPDIR/$r-c1.out" 2>&1 3>&- || status=$?
		cat "$BATS_TEST_TMPDIR/$r-c1.out" >&2
		[ "$status" -eq 0 ]
		[ "$(cat "$BATS_TEST_TMPDIR/$r-c1.pid")" = "$(rt "$r" state c1 | jq .pid)" ]
		# -b DIR and --pid-file FILE.
		compat_bundle "$r" c2
		rt_io "$r" c2 create -b "$CB" --pid-file "$BATS_TEST_TMPDIR/$r-c2.pid" c2
		[ "$status" -eq 0 ]
		[ "$(cat "$BATS_TEST_TMPDIR/$r-c2.pid")" = "$(rt "$r" state c2 | jq .pid)" ]
		# run -d -b DIR, and --detach=true --bundle=DIR.
		compat_bundle "$r" c3
		rt_io "$r" c3 run -d -b "$CB" c3
		[ "$status" -eq 0 ]
		compat_bundle "$r" c4
		rt_io "$r" c4 run --detach=true --bundle="$CB" c4
		[ "$status" -eq 0 ]
		# Verb flags of exec, both forms: the process sees the same.
		rt_io "$r" e1 exec --env=V=one --cwd=/tmp c3 sh -c 'echo "$V $(pwd)"'
		[ "$status" -eq 0 ]
		[ "$stdout" = "one /tmp" ]
		rt_io "$r" e2 exec -e V=two --cwd /dev c4 sh -c 'echo "$V $(pwd)"'
		[ "$status" -eq 0 ]
		[ "$stdout" = "two /dev" ]
		# list -f json, --format=json, --format table, -q, --quiet=true.
		[ "$(rt "$r" list -f json | jq -c 'map(.id) | sort')" = '["c1","c2","c3","c4"]' ]
		[ "$(rt "$r" list --format=json | jq length)" -eq 4 ]
		[ "$(rt "$r" list --format table | head -n1 | awk '{print $1}')" = ID ]
		[ "$(rt "$r" list -q | sort | tr '\n' ,)" = c1,c2,c3,c4, ]
		[ "$(rt "$r" list --quiet=true | wc -l)" -eq 4 ]
		# --systemd-cgroup is taken by verbs that do not create.
		run rt "$r" --systemd-cgroup list -q
		[ "$status" -eq 0 ]
		# kill -a, --all; delete -f, --force=true.
		run rt "$r" kill -a c3 KILL
		[ "$status" -eq 0 ]
		run rt "$r" kill --all c4 SIGKILL
		[ "$status" -eq 0 ]
		run rt "$r" delete -f c1
		[ "$status" -eq 0 ]
		run rt "$r" delete --force=true c2
		[ "$status" -eq 0 ]
		rt_wait_status "$r" c3 stopped
		rt_wait_status "$r" c4 stopped
		run rt "$r" delete c3
		[ "$status" -eq 0 ]
		run rt "$r" delete c4
		[ "$status" -eq 0 ]
		[ -z "$(rt "$r" list -q)" ]
	done
}

@test "compat: unknown flags and verbs fail on both, and husk names the flag" {
	# runc (Go's flag package) prints "flag provided but not defined:
	# -no-such-flag"; husk names it as given.
	both_fail no-such-flag --no-such-flag list
	grep -qF -- --no-such-flag <<<"$output"
	for verb in list state kill delete start ps pause events; do
		both_fail no-such-flag "$verb" --no-such-flag x
		grep -qF -- --no-such-flag <<<"$output"
	done
	both_fail no-such-flag create --no-such-flag --bundle "$BUNDLE" x
	both_fail no-such-flag exec --no-such-flag x true
	# A flag without its value.
	both_fail "" create --bundle
	both_fail "" --root
	# An unknown verb: runc exits 3 (its CLI library's "no help topic"),
	# husk 1. Both fail, and husk names it.
	run rt runc frobnicate
	[ "$status" -ne 0 ]
	run rt husk frobnicate
	[ "$status" -ne 0 ]
	grep -qF frobnicate <<<"$output"
	# Nothing was created by any of it.
	[ -z "$(rt runc list -q)" ]
	[ -z "$(rt husk list -q)" ]
}

# ---------------------------------------------------------------------------
# ps and events.

@test "compat: ps --format json is an array of pids and ps has runc's table header" {
	for r in runc husk; do
		sleeper "$r" ctr
	done
	for r in runc husk; do
		pid=$(rt "$r" state ctr | jq .pid)
		for f in "--format json" "--format=json" "-f json"; do
			# shellcheck disable=SC2086 # the flag and its value
			run rt "$r" ps $f ctr
			[ "$status" -eq 0 ]
			[ "$(jq -c 'type, (map(type) | unique)' <<<"$output" | tr -d '\n')" = '"array"["number"]' ]
			[ "$(jq -c . <<<"$output")" = "[$pid]" ]
		done
	done
	# The table (ps -ef by default) and ps options after the id.
	run rt runc ps ctr
	rh=$(head -n1 <<<"$output" | tr -s ' ')
	run rt husk ps ctr
	[ "$status" -eq 0 ]
	hh=$(head -n1 <<<"$output" | tr -s ' ')
	echo "runc: $rh / husk: $hh" >&2
	[ "$hh" = "$rh" ]
	grep -q "sleep 1000" <<<"$output"
	for r in runc husk; do
		run rt "$r" ps ctr -o pid,comm
		[ "$status" -eq 0 ]
		[ "$(head -n1 <<<"$output" | tr -s ' ' | sed 's/^ //')" = "PID COMMAND" ]
		[ "$(awk 'NR == 2 {print $2}' <<<"$output")" = sleep ]
	done
	# A stopped container: runc prints the header alone, status 0.
	for r in runc husk; do
		rt_stop "$r" ctr
	done
	run rt runc ps -f json ctr
	rs=$status
	ro=$output
	run rt husk ps -f json ctr
	[ "$status" -eq "$rs" ]
	[ "$(jq -c '. // []' <<<"$output")" = "$(jq -c '. // []' <<<"$ro")" ]
	run rt runc ps ctr
	rs=$status
	rh=$(tr -s ' ' <<<"$output")
	run rt husk ps ctr
	[ "$status" -eq "$rs" ]
	[ "$(tr -s ' ' <<<"$output")" = "$rh" ]
}

@test "compat: events --stats prints runc's top-level keys and cpu, memory, pids" {
	for r in runc husk; do
		sleeper "$r" ctr
		# Each in the cgroup its bundle names (the leak checks look there).
		pid=$(rt "$r" state ctr | jq .pid)
		grep -q ":$HUSK_CGROUP_PARENT/${BATS_SUITE_TEST_NUMBER}-$r-ctr\$" "/proc/$pid/cgroup"
	done
	both_ok events --stats ctr
	re=$runc_out he=$husk_out
	# One JSON object, on one line.
	[ "$(wc -l <<<"$he")" -eq 1 ]
	[ "$(jq -c keys <<<"$he")" = '["data","id","type"]' ]
	[ "$(jq -c keys <<<"$re")" = '["data","id","type"]' ]
	[ "$(jq -r '.type + " " + .id' <<<"$he")" = "stats ctr" ]
	[ "$(jq -c '.data | keys' <<<"$he")" = "$(jq -c '.data | keys' <<<"$re")" ]
	same_shape "$re" "$he" '.data.cpu.usage'
	same_shape "$re" "$he" '.data.pids'
	[ "$(jq -c '.data.memory | keys' <<<"$he")" = "$(jq -c '.data.memory | keys' <<<"$re")" ]
	same_shape "$re" "$he" '.data.memory.usage'
	[ "$(jq .data.pids.current <<<"$he")" -eq 1 ]
	[ "$(jq .data.pids.current <<<"$re")" -eq 1 ]
}

# ---------------------------------------------------------------------------
# kill.

@test "compat: kill: default SIGTERM, names with and without SIG, any case, and numbers, as runc" {
	add_shared_dir
	# PID 1 records each trapped signal in /shared/$CTR; "ready" first.
	set_cmd 'for s in TERM USR1 USR2 HUP; do trap "echo $s >> /shared/$CTR" $s; done
echo ready >> /shared/$CTR
sleep 1000 & while :; do wait; done'
	for r in runc husk; do
		compat_start_new "$r" ctr
	done
	for r in runc husk; do
		f="$SHARED/$r-ctr"
		wait_for_file "$f"
		n=1
		for sig in "" USR1 SIGUSR2 1 sigusr1 usr2 SIGHUP; do
			# shellcheck disable=SC2086 # no argument for the default
			run rt "$r" kill ctr $sig
			[ "$status" -eq 0 ]
			n=$((n + 1))
			# Bounded wait for the trap to record it (one at a time, so
			# the order is the order sent).
			for ((i = 0; i < 100; i++)); do
				[ "$(wc -l <"$f")" -ge "$n" ] && break
				sleep 0.1
			done
			[ "$(wc -l <"$f")" -eq "$n" ]
		done
	done
	cat "$SHARED/runc-ctr" >&2
	[ "$(tr '\n' ' ' <"$SHARED/runc-ctr")" = "ready TERM USR1 USR2 HUP USR1 USR2 HUP " ]
	cmp "$SHARED/runc-ctr" "$SHARED/husk-ctr"
	# An unknown name: both refuse it, naming it, and the container runs on.
	# (runc's text log quotes it as \"NOSUCH\").
	both_fail "unknown signal" kill ctr NOSUCH
	grep -qF '"NOSUCH"' <<<"$output"
	for r in runc husk; do
		[ "$(rt_status "$r" ctr)" = running ]
	done
}

@test "compat: kill --all of a stopped container reaches what is left in its cgroup, as runc" {
	# No pid namespace: the init's background child outlives it, in the
	# container's cgroup. containerd's shim then runs `kill --all ID KILL`
	# on the stopped container to end such children.
	add_shared_dir
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd 'sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > /shared/$CTR.pid'
	for r in runc husk; do
		compat_start_new "$r" ctr
		wait_for_file "$SHARED/$r-ctr.pid"
		rt_wait_status "$r" ctr stopped
	done
	for r in runc husk; do
		pid=$(cat "$SHARED/$r-ctr.pid")
		[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
		run rt "$r" kill --all ctr KILL
		[ "$status" -eq 0 ]
		for ((i = 0; i < 100; i++)); do
			[ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
			sleep 0.1
		done
		[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
		run rt "$r" delete ctr
		[ "$status" -eq 0 ]
	done
}
