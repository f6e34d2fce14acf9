#!/usr/bin/env bats
# `husk spec [--bundle DIR] [--rootless]`: the default config.json.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	SPECDIR="$BATS_TEST_TMPDIR/spec"
	mkdir -p "$SPECDIR"
}

teardown() {
	husk_teardown
}

@test "spec: writes config.json in the current directory, valid against config-schema.json" {
	cd "$SPECDIR"
	run husk spec
	[ "$status" -eq 0 ]
	[ -f "$SPECDIR/config.json" ]
	validate_json config-schema.json "$SPECDIR/config.json"
}

@test "spec: the defaults are runc's" {
	cd "$SPECDIR"
	run husk spec
	[ "$status" -eq 0 ]
	c="$SPECDIR/config.json"
	[[ "$(jq -r .ociVersion "$c")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	[ "$(jq -r .process.terminal "$c")" = true ]
	[ "$(jq -c .process.args "$c")" = '["sh"]' ]
	[ "$(jq -r .process.cwd "$c")" = / ]
	[ "$(jq -r '.process.user | "\(.uid):\(.gid)"' "$c")" = 0:0 ]
	[ "$(jq -r .process.noNewPrivileges "$c")" = true ]
	[ "$(jq -r .root.path "$c")" = rootfs ]
	[ "$(jq -r .root.readonly "$c")" = true ]
	[ "$(jq -r .hostname "$c")" = husk ]
	[ "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$c")" = cgroup,ipc,mount,network,pid,uts ]
	[ "$(jq -r '[.linux.namespaces[] | select(has("path"))] | length' "$c")" = 0 ]
	for m in /proc /dev /dev/pts /dev/shm /dev/mqueue /sys /sys/fs/cgroup; do
		[ "$(jq --arg m "$m" '[.mounts[] | select(.destination == $m)] | length' "$c")" = 1 ]
	done
	[ "$(jq -r '.mounts[] | select(.destination == "/proc") | .type' "$c")" = proc ]
	[ "$(jq -r '.mounts[] | select(.destination == "/sys/fs/cgroup") | .type' "$c")" = cgroup ]
	for p in /proc/kcore /proc/keys /proc/timer_list /sys/firmware; do
		jq -e --arg p "$p" '.linux.maskedPaths | index($p)' "$c" >/dev/null
	done
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		jq -e --arg p "$p" '.linux.readonlyPaths | index($p)' "$c" >/dev/null
	done
	[ "$(jq -r '.process.capabilities.bounding | sort | join(",")' "$c")" = CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE ]
	jq -e '.process.env | index("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")' "$c" >/dev/null
}

@test "spec: --bundle DIR, -b DIR and --bundle=DIR write into DIR only" {
	cd "$SPECDIR"
	mkdir one two three
	run husk spec --bundle "$SPECDIR/one"
	[ "$status" -eq 0 ]
	run husk spec -b "$SPECDIR/two"
	[ "$status" -eq 0 ]
	run husk spec --bundle="$SPECDIR/three"
	[ "$status" -eq 0 ]
	for d in one two three; do
		validate_json config-schema.json "$SPECDIR/$d/config.json"
	done
	[ ! -e "$SPECDIR/config.json" ]
}

@test "spec: refuses to overwrite an existing config.json, naming it" {
	echo '{"keep": "me"}' >"$SPECDIR/config.json"
	run husk spec --bundle "$SPECDIR"
	assert_husk_error config.json
	[ "$(cat "$SPECDIR/config.json")" = '{"keep": "me"}' ]
	cd "$SPECDIR"
	run husk spec
	assert_husk_error config.json
	[ "$(cat "$SPECDIR/config.json")" = '{"keep": "me"}' ]
}

@test "spec: --bundle of a missing directory fails naming it" {
	run husk spec --bundle "$SPECDIR/missing"
	assert_husk_error "$SPECDIR/missing"
	[ ! -e "$SPECDIR/missing" ]
}

@test "spec: --rootless gives a user namespace mapping the caller's ids, valid against the schema" {
	cd "$SPECDIR"
	run husk spec --rootless
	[ "$status" -eq 0 ]
	c="$SPECDIR/config.json"
	validate_json config-schema.json "$c"
	jq -e '[.linux.namespaces[].type] | index("user")' "$c" >/dev/null
	[ "$(jq -c '.linux.uidMappings' "$c")" = "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" ]
	[ "$(jq -c '.linux.gidMappings' "$c")" = "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" ]
	# A rootless container cannot create a network namespace worth having
	# nor mount a fresh sysfs: runc drops the former and bind-mounts /sys.
	[ "$(jq -r '[.linux.namespaces[].type] | index("network")' "$c")" = null ]
}

@test "spec: the default config runs (terminal off, own args), with its masks and mounts in place" {
	cd "$SPECDIR"
	run husk spec
	[ "$status" -eq 0 ]
	cp -a "$HUSK_TEST_ROOTFS" "$SPECDIR/rootfs"
	BUNDLE=$SPECDIR
	update_config '.process.terminal = false'
	set_cmd 'hostname; echo pid=$$; wc -c </proc/timer_list; grep -c " /sys/fs/cgroup" /proc/self/mountinfo; touch /x 2>/dev/null && echo rootfs-writable || echo rootfs-ro; grep "^CapEff" /proc/self/status'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = husk ]
	[ "${lines[1]}" = pid=1 ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" -ge 1 ]
	[ "${lines[4]}" = rootfs-ro ]
	[ "$(awk '{print $2}' <<<"${lines[5]}")" = 0000000020000420 ]
	[ ! -e "$SPECDIR/rootfs/x" ]
	assert_no_leftovers ctr
}

@test "spec: the schema check catches a broken config (the validator works)" {
	# Guards the other spec tests: a config the schema must reject.
	echo '{"ociVersion": 1, "root": {"path": 2}}' >"$SPECDIR/config.json"
	run validate_json config-schema.json "$SPECDIR/config.json"
	[ "$status" -ne 0 ]
}
