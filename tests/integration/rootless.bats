#!/usr/bin/env bats
# Rootless husk: an unprivileged user runs containers in a user namespace,
# with state under $XDG_RUNTIME_DIR/husk and no cgroup of its own (this
# host's cgroups are not delegated to the user).
#
# setup_file makes a test user with a subordinate id range (/etc/subuid,
# /etc/subgid), a copy of the busybox rootfs it owns, and a runtime dir;
# teardown_file removes them. Every command under test runs as that user
# through runuser.

load helpers

setup_file() {
	if [ -z "${HUSK_TEST_ROOTFS:-}" ] || [ ! -d "$HUSK_TEST_ROOTFS" ]; then
		husk_suite_init
	fi
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || {
		echo "newuidmap/newgidmap missing (apt-get install uidmap)" >&2
		return 1
	}
	export RL_USER="husk-rl-$$"
	useradd -M -U -d /nonexistent -s /bin/sh "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	export RL_UID RL_GID
	# useradd may have given the user a range already; else add one past
	# every range in the files.
	local f
	for f in subuid subgid; do
		if ! grep -q "^$RL_USER:" "/etc/$f" 2>/dev/null; then
			local start
			start=$(awk -F: 'BEGIN { m = 100000 } $2 + $3 > m { m = $2 + $3 } END { print m }' "/etc/$f" 2>/dev/null || echo 100000)
			if [ "$f" = subuid ]; then
				usermod --add-subuids "$start-$((start + 65535))" "$RL_USER"
			else
				usermod --add-subgids "$start-$((start + 65535))" "$RL_USER"
			fi
		fi
	done
	RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	RL_SUBGID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
	export RL_SUBUID RL_SUBGID
	export RL_BASE="$BATS_FILE_TMPDIR/rootless"
	mkdir -p "$RL_BASE"
	chmod 755 "$BATS_FILE_TMPDIR" "$RL_BASE"
	export RL_ROOTFS="$RL_BASE/rootfs" RL_XDG="$RL_BASE/xdg"
	cp -a "$HUSK_TEST_ROOTFS" "$RL_ROOTFS"
	chown -R "$RL_USER:$RL_USER" "$RL_ROOTFS"
	mkdir -m 700 "$RL_XDG"
	chown "$RL_USER:$RL_USER" "$RL_XDG"
	if ! runuser -u "$RL_USER" -- test -x "$HUSK_BINARY"; then
		echo "$HUSK_BINARY is not executable by $RL_USER" >&2
		return 1
	fi
}

teardown_file() {
	[ -n "${RL_USER:-}" ] || return 0
	userdel "$RL_USER" 2>/dev/null || true
	# userdel drops the subordinate ranges; make sure of it.
	local f
	for f in /etc/subuid /etc/subgid; do
		[ -f "$f" ] && sed -i "/^$RL_USER:/d" "$f"
	done
	getent group "$RL_USER" >/dev/null && groupdel "$RL_USER" || true
}

setup() {
	husk_setup
	# The rootless state root, for the leak check of husk_teardown.
	export HUSK_EXTRA_ROOTS="$RL_XDG/husk"
	RL_BUNDLE="$BATS_TEST_TMPDIR/rl-bundle"
	mkdir -p "$RL_BUNDLE"
	chown "$RL_USER:$RL_USER" "$RL_BUNDLE"
}

teardown() {
	local left rc=0
	husk_teardown || rc=$?
	left=$(ls -A "$RL_XDG/husk" 2>/dev/null) || true
	if [ -n "$left" ]; then
		rm -rf "${RL_XDG:?}/husk/"*
		echo "teardown: rootless state left in $RL_XDG/husk: $left" >&2
		return 1
	fi
	return "$rc"
}

# rl ARGS...: husk as the test user, with its runtime dir. For verbs that
# start no container process.
rl() {
	timeout -k 5 "$HUSK_CMD_TIMEOUT" runuser -u "$RL_USER" -- \
		env XDG_RUNTIME_DIR="$RL_XDG" "$HUSK_BINARY" "$@" </dev/null 3>&-
}

# rl_io NAME [ENV...] -- ARGS...: like husk_io, as the test user; ENV are
# extra VAR=VALUE for env(1). Output in $BATS_TEST_TMPDIR/NAME.out/.err.
rl_io() {
	local name=$1 envs=("XDG_RUNTIME_DIR=$RL_XDG")
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	local out="$BATS_TEST_TMPDIR/$name.out" err="$BATS_TEST_TMPDIR/$name.err"
	status=0
	timeout -k 5 "$HUSK_CMD_TIMEOUT" runuser -u "$RL_USER" -- \
		env "${envs[@]}" "$HUSK_BINARY" "$@" </dev/null >"$out" 2>"$err" 3>&- || status=$?
	stdout=$(cat "$out")
	stderr=$(cat "$err")
	output="$stdout${stdout:+${stderr:+$'\n'}}$stderr"
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	echo "\$ (as $RL_USER) husk $* => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# rl_config JQ-FILTER [JQ-ARGS...]: edits the rootless bundle's config.
rl_config() {
	local filter=$1
	shift
	jq "$@" "$filter" "$RL_BUNDLE/config.json" >"$RL_BUNDLE/config.json.new"
	mv "$RL_BUNDLE/config.json.new" "$RL_BUNDLE/config.json"
	chown "$RL_USER:$RL_USER" "$RL_BUNDLE/config.json"
}

# rl_spec 'SHELL COMMAND': `husk spec --rootless` as the user, then the
# user's rootfs (read-only) and no terminal, running the command.
rl_spec() {
	rm -f "$RL_BUNDLE/config.json"
	run rl spec --rootless --bundle "$RL_BUNDLE"
	[ "$status" -eq 0 ]
	rl_config '.root = {path: $r, readonly: true} | .process.terminal = false
	           | .process.args = ["sh", "-c", $c]' --arg r "$RL_ROOTFS" --arg c "$1"
}

# The rootless state root holds nothing, no process runs in the user's
# rootfs, and the system state root got nothing from the user.
rl_assert_clean() {
	[ -z "$(ls -A "$RL_XDG/husk" 2>/dev/null)" ] || {
		echo "rootless state left: $(ls -A "$RL_XDG/husk")" >&2
		return 1
	}
	local p
	for p in $(stat -L -c '%d:%i %n' /proc/[0-9]*/root/ 2>/dev/null |
		awk -v id="$(stat -c %d:%i "$RL_ROOTFS")" '$1 == id { split($2, a, "/"); print a[3] }'); do
		if [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
			echo "process $p still runs in the rootless rootfs" >&2
			return 1
		fi
	done
}

# rl_pid ID: the init's host pid, from `husk state` as the user.
rl_pid() {
	rl state "$1" | jq -r .pid
}

@test "rootless: spec --rootless then run: root inside, the caller's uid outside" {
	rl_spec 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[2]}")" = "0 $RL_UID 1" ]
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[3]}")" = "0 $RL_GID 1" ]
	# An unprivileged gid map is only taken with setgroups denied.
	[ "${lines[4]}" = deny ]
	rl_assert_clean
}

@test "rootless: state lives under \$XDG_RUNTIME_DIR/husk, owned by the user" {
	rl_spec 'exec sleep 1000'
	rl_io ctr -- create --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ -f "$RL_XDG/husk/ctr/state.json" ]
	[ "$(stat -c %U "$RL_XDG/husk/ctr")" = "$RL_USER" ]
	[ ! -e "$HUSK_ROOT/ctr" ]
	[ ! -e /run/husk/ctr ]
	run rl state ctr
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .owner <<<"$output")" = "$RL_USER" ]
	run rl list --quiet
	[ "$output" = ctr ]
	run rl delete --force ctr
	[ "$status" -eq 0 ]
	[ ! -e "$RL_XDG/husk/ctr" ]
	rl_assert_clean
}

@test "rootless: create, start, kill, delete, with no cgroup of its own" {
	rl_spec 'exec sleep 1000'
	rl_io ctr -- create --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	pid=$(rl_pid ctr)
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$RL_UID" ]
	[ "$(readlink "/proc/$pid/ns/user")" != "$(host_ns user)" ]
	# No cgroup was made (the default would be /husk/ctr): the init stays
	# in the caller's, and the state records none.
	[ "$(rl state ctr | jq -r '.cgroupPath // "none"')" = none ]
	for m in $(cgroup_mounts); do
		[ ! -e "$m/husk/ctr" ]
	done
	run rl start ctr
	[ "$status" -eq 0 ]
	[ "$(rl state ctr | jq -r .status)" = running ]
	# Freezing needs a cgroup: refused, saying why, and nothing changes.
	run rl pause ctr
	assert_husk_error 'has no cgroup'
	[ "$(rl state ctr | jq -r .status)" = running ]
	run rl kill ctr KILL
	[ "$status" -eq 0 ]
	for ((i = 0; i < 200; i++)); do
		[ "$(rl state ctr | jq -r .status)" = stopped ] && break
		sleep 0.05
	done
	[ "$(rl state ctr | jq -r .status)" = stopped ]
	run rl delete ctr
	[ "$status" -eq 0 ]
	run rl state ctr
	[ "$status" -ne 0 ]
	rl_assert_clean
}

@test "rootless: exec joins the container's user namespace as its root" {
	rl_spec 'exec sleep 1000'
	rl_io ctr -- run --detach --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	pid=$(rl_pid ctr)
	run rl exec ctr sh -c 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/self/ns/pid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[1]}")" = "0 $RL_UID 1" ]
	[ "${lines[2]}" = "$(readlink "/proc/$pid/ns/user")" ]
	[ "${lines[3]}" = "$(readlink "/proc/$pid/ns/pid")" ]
	run rl delete --force ctr
	[ "$status" -eq 0 ]
	rl_assert_clean
}

@test "rootless: several ranges are mapped through newuidmap/newgidmap" {
	rl_spec 'cat /proc/self/uid_map /proc/self/setgroups; touch /shared/ready; exec sleep 1000'
	rl_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
	                                 {containerID: 1, hostID: $su, size: 65536}]
	         | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
	                                 {containerID: 1, hostID: $sg, size: 65536}]
	         | .process.user = {uid: 1000, gid: 1000}
	         | .mounts += [{destination: "/shared", type: "tmpfs", source: "tmpfs", options: ["mode=1777"]}]' \
		--argjson u "$RL_UID" --argjson g "$RL_GID" --argjson su "$RL_SUBUID" --argjson sg "$RL_SUBGID"
	rl_io ctr -- run --detach --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	pid=$(rl_pid ctr)
	# Seen from the host: both ranges, and uid 1000 is the 999th
	# subordinate id.
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map" | tr '\n' ,)" = "0 $RL_UID 1,1 $RL_SUBUID 65536," ]
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/gid_map" | tr '\n' ,)" = "0 $RL_GID 1,1 $RL_SUBGID 65536," ]
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = $((RL_SUBUID + 999)) ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = $((RL_SUBGID + 999)) ]
	# newgidmap leaves setgroups allowed: the user owns the whole range.
	[ "$(cat "/proc/$pid/setgroups")" = allow ]
	run rl delete --force ctr
	[ "$status" -eq 0 ]
	rl_assert_clean
}

@test "rootless: a range outside /etc/subuid is refused, naming it, and nothing is left" {
	rl_spec 'true'
	rl_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
	                                 {containerID: 1, hostID: 4000000000, size: 10}]' \
		--argjson u "$RL_UID"
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error 'linux.uidMappings[1]' 4000000000-4000000009 /etc/subuid "$RL_USER"
	rl_assert_clean
}

@test "rootless: without newuidmap, mapping more than one's own id is a clear error" {
	rl_spec 'true'
	rl_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
	                                 {containerID: 1, hostID: $su, size: 100}]' \
		--argjson u "$RL_UID" --argjson su "$RL_SUBUID"
	rl_io ctr PATH=/nonexistent -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error 'linux.uidMappings' newuidmap uidmap "uid ($RL_UID)"
	rl_assert_clean
}

@test "rootless: cgroup limits cannot be set unprivileged: error naming the key" {
	rl_spec 'true'
	rl_config '.linux.resources = {memory: {limit: 67108864}}'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error linux.resources.memory.limit unprivileged
	rl_assert_clean
	rl_config 'del(.linux.resources) | .linux.cgroupsPath = "/husk-rootless-test"'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error linux.cgroupsPath unprivileged
	rl_assert_clean
	# Device rules alone are not limits: skipped, as runc does.
	rl_config 'del(.linux.cgroupsPath) | .linux.resources = {devices: [{allow: false, access: "rwm"}]}'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	rl_assert_clean
}

@test "rootless: what needs real root fails clearly and leaves nothing behind" {
	rl_spec 'true'
	# A filesystem a user namespace may not mount.
	rl_config '.mounts += [{destination: "/mnt", type: "ext4", source: "/dev/null"}]'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error '/mnt' 'not allowed in a user namespace'
	rl_assert_clean
	# A device node: mknod is not allowed, only host nodes can be bound.
	rl_spec 'true'
	rl_config '.linux.devices = [{path: "/dev/husk-no-such-node", type: "c", major: 1, minor: 3}]'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error 'linux.devices[0]' /dev/husk-no-such-node 'mknod is not allowed'
	rl_assert_clean
	# A sysctl of the host's network namespace, which the user does not own.
	rl_spec 'true'
	rl_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error linux.sysctl net.ipv4.ip_forward
	rl_assert_clean
	# No user namespace at all.
	rl_spec 'true'
	rl_config 'del(.linux.uidMappings, .linux.gidMappings)
	           | .linux.namespaces |= map(select(.type != "user"))'
	rl_io ctr -- run --bundle "$RL_BUNDLE" ctr
	assert_husk_error linux.namespaces 'user namespace' 'spec --rootless'
	rl_assert_clean
}

@test "rootless: without XDG_RUNTIME_DIR or --root the error says what to set" {
	rl_spec 'true'
	existed=0
	[ -e /run/husk ] && existed=1
	out=$(timeout -k 5 "$HUSK_CMD_TIMEOUT" runuser -u "$RL_USER" -- \
		env -u XDG_RUNTIME_DIR "$HUSK_BINARY" run --bundle "$RL_BUNDLE" ctr 2>&1 </dev/null 3>&-) && status=0 || status=$?
	output=$out
	assert_husk_error /run/husk XDG_RUNTIME_DIR --root
	[ "$existed" = 1 ] || [ ! -e /run/husk ]
	# With --root, the user's own directory is used.
	mkdir -m 700 "$BATS_TEST_TMPDIR/own-root"
	chown "$RL_USER:$RL_USER" "$BATS_TEST_TMPDIR/own-root"
	export HUSK_EXTRA_ROOTS="$HUSK_EXTRA_ROOTS $BATS_TEST_TMPDIR/own-root"
	rl_io ctr -- --root "$BATS_TEST_TMPDIR/own-root" run --bundle "$RL_BUNDLE" ctr
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/own-root")" ]
	rl_assert_clean
}
