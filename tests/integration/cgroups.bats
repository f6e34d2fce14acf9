#!/usr/bin/env bats
# Cgroups: where a container's cgroup is (linux.cgroupsPath), what the
# container sees of it, create errors that must leave no cgroup behind, and
# kill/delete through the cgroup. Resources: cgroups_resources.bats; the
# cgroup verbs (pause, resume, ps, update, events): cgroups_verbs.bats.
# Runs on v1, hybrid and v2 hosts (see cgroup_helpers.bash).

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

no_cgroup_ns() {
	update_config 'del(.linux.namespaces[] | select(.type == "cgroup"))'
}

# assert_all_paths CGROUP-FILE-TEXT PATH: one line per hierarchy of the
# host, each one showing PATH.
assert_all_paths() {
	local text=$1 want=$2 bad
	echo "$text" >&2
	[ "$(wc -l <<<"$text")" -eq "$(wc -l </proc/self/cgroup)" ]
	bad=$(awk -v s=":$want" 'substr($0, length($0) - length(s) + 1) != s' <<<"$text")
	if [ -n "$bad" ]; then
		echo "not in $want: $bad" >&2
		return 1
	fi
	if [ -n "$CG_UNIFIED" ]; then
		grep -qx "0::$want" <<<"$text"
	fi
}

# ---------------------------------------------------------------------------
# Where the cgroup is

@test "cgroups: without cgroupsPath the cgroup is /husk/<id> everywhere, joined before the process runs" {
	local id pid before d
	id=$(cg_id dflt)
	no_cgroup_ns
	set_cmd 'cat /proc/self/cgroup'
	create_no_cgroups_path "$id"
	[ "$status" -eq 0 ]
	pid=$(container_pid "$id")
	# Created, not started: the init has not exec'd the process yet.
	before=$(cat "/proc/$pid/cgroup")
	assert_all_paths "$before" "/husk/$id"
	cg_assert_exists "/husk/$id"
	for d in $(cg_joined_dirs "/husk/$id"); do
		grep -qx "$pid" "$d/cgroup.procs"
	done
	# Never below the caller's own cgroup (wherever husk itself runs).
	local line mine
	while IFS= read -r line; do
		mine=${line#*:*:}
		[ "$mine" = / ] && continue
		[[ "/husk/$id" != "$mine"/* ]]
	done </proc/self/cgroup
	start_container "$id"
	wait_for_status "$id" stopped
	# Without a cgroup namespace the process sees the host paths.
	[ "$(container_stdout "$id" | sort)" = "$(sort <<<"$before")" ]
}

@test "cgroups: a relative cgroupsPath goes below /husk" {
	local id pid path
	id=$(cg_id rel)
	path="/husk/$CGT_REL/$id"
	update_config '.linux.cgroupsPath = $p' --arg p "$CGT_REL/$id"
	set_args sleep 100
	create_container "$id"
	[ "$status" -eq 0 ]
	pid=$(container_pid "$id")
	assert_all_paths "$(cat "/proc/$pid/cgroup")" "$path"
	cg_assert_exists "$path"
	[ "$(state_field "$id" .status)" = created ]
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	cg_assert_gone "$path"
}

@test "cgroups: an absolute cgroupsPath is used as is in every hierarchy" {
	local id pid path
	id=$(cg_id abs)
	path="$CGT_PARENT/abs/$id"
	update_config '.linux.cgroupsPath = $p' --arg p "$path"
	set_args sleep 100
	start_new_container "$id"
	pid=$(container_pid "$id")
	assert_all_paths "$(cat "/proc/$pid/cgroup")" "$path"
	cg_assert_exists "$path"
	cg_assert_gone "/husk/$id"
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	cg_assert_gone "$path"
}

@test "cgroups: with a cgroup namespace the container sees its cgroup as /" {
	local id
	id=$(cg_id ns)
	set_cmd 'cat /proc/self/cgroup; readlink /proc/self/ns/cgroup'
	run_container "$id"
	[ "$status" -eq 0 ]
	local inside ns
	inside=$(head -n -1 <<<"$stdout")
	ns=$(tail -n 1 <<<"$stdout")
	assert_all_paths "$inside" "/"
	[ "$ns" != "$(host_ns cgroup)" ]
}

# The init joins its v1 cgroups while it makes its other mounts; its cgroup
# namespace, and so the cgroup mount's root, must still be its own cgroup.
@test "cgroups: the cgroup mount of a cgroup namespace is rooted at the container's cgroup in every hierarchy" {
	local id f n=0
	id=$(cg_id nsmount)
	update_config '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	    options: ["nosuid", "noexec", "nodev", "ro"]}]'
	set_cmd 'for f in /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/*/cgroup.procs; do
	    [ ! -e "$f" ] || echo "$f" $(cat "$f"); done'
	run_container "$id"
	[ "$status" -eq 0 ]
	# One line per hierarchy, each listing the container's pid 1.
	while read -r f procs; do
		[[ " $procs " == *" 1 "* ]] || {
			echo "$f does not list pid 1: $procs" >&2
			return 1
		}
		n=$((n + 1))
	done <<<"$stdout"
	[ "$n" -eq "$(cg_all_roots | wc -l)" ]
}

@test "cgroups: readonlyPaths over the cgroup mount make it read-only" {
	local id
	id=$(cg_id nsro)
	update_config '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	    options: ["nosuid", "noexec", "nodev"]}]
	    | .linux.readonlyPaths = ["/sys/fs/cgroup"]'
	set_cmd 'awk '"'"'$5 == "/sys/fs/cgroup" { o = $6 } END { print o }'"'"' /proc/self/mountinfo'
	run_container "$id"
	[ "$status" -eq 0 ]
	[[ "$stdout" == ro* ]]
}

# ---------------------------------------------------------------------------
# Create errors: a clear message, non-zero exit, and nothing left.

@test "cgroups: --systemd-cgroup is refused clearly and leaves nothing" {
	local id
	id=$(cg_id sysd)
	set_args sleep 100
	husk_io "$id" --systemd-cgroup create --bundle "$BUNDLE" "$id"
	assert_husk_error systemd
	assert_create_left_nothing "$id"
}

@test "cgroups: a systemd slice cgroupsPath is refused clearly and leaves nothing" {
	local id
	id=$(cg_id slice)
	update_config '.linux.cgroupsPath = "system.slice:husk:x"'
	create_container "$id"
	assert_husk_error linux.cgroupsPath system.slice:husk:x
	assert_create_left_nothing "$id"
}

@test "cgroups: a cgroupsPath with .. is refused and leaves nothing" {
	local id
	id=$(cg_id dotdot)
	update_config '.linux.cgroupsPath = $p' --arg p "$CGT_PARENT/../$id"
	create_container "$id"
	assert_husk_error linux.cgroupsPath
	assert_create_left_nothing "$id"
	cg_assert_gone "/$id"
}

@test "cgroups: a cpu quota the kernel refuses fails create, naming the key; no new parent is left" {
	local id path
	id=$(cg_id quota)
	# A fresh parent: husk must remove what it made, not only the leaf.
	path="$CGT_PARENT/$id-parent/$id"
	update_config '.linux.cgroupsPath = $p
	    | .linux.resources.cpu = {quota: 500, period: 100000}' --arg p "$path"
	create_container "$id"
	assert_husk_error linux.resources.cpu.quota
	assert_create_left_nothing "$id" "$path"
	cg_assert_gone "$CGT_PARENT/$id-parent"
}

@test "cgroups: a create that fails in the container's setup removes its cgroup and the parents it made" {
	local id path
	id=$(cg_id latefail)
	path="$CGT_PARENT/$id-parent/$id"
	# The cgroup exists by the time the init mounts this, and fails.
	update_config '.linux.cgroupsPath = $p
	    | .mounts += [{destination: "/mnt", type: "bind", source: "/nonexistent-husk-test", options: ["bind"]}]' \
		--arg p "$path"
	create_container "$id"
	assert_husk_error /nonexistent-husk-test
	assert_create_left_nothing "$id" "$path"
	cg_assert_gone "$CGT_PARENT/$id-parent"
}

@test "cgroups: a memory limit of 1 byte fails create, naming the key, and leaves nothing" {
	local id
	id=$(cg_id mem1)
	update_config '.linux.resources.memory = {limit: 1}'
	create_container "$id"
	assert_husk_error linux.resources.memory.limit
	assert_create_left_nothing "$id"
}

@test "cgroups: a pids.limit that is not a number is a parse error and leaves nothing" {
	local id
	id=$(cg_id pidsx)
	update_config '.linux.resources.pids = {limit: "x"}'
	create_container "$id"
	assert_husk_error linux.resources.pids.limit
	assert_create_left_nothing "$id"
}

@test "cgroups: cpuset.cpus naming a CPU the host lacks fails create and leaves nothing" {
	local id
	id=$(cg_id cpus)
	update_config '.linux.resources.cpu = {cpus: "1023"}'
	create_container "$id"
	assert_husk_error linux.resources.cpu.cpus
	assert_create_left_nothing "$id"
}

@test "cgroups: linux.resources.unified is refused on a cgroup v1 host" {
	[ "$CG_LAYOUT" = v1 ] || skip "the host has cgroup2 ($CG_LAYOUT)"
	local id
	id=$(cg_id unifv1)
	update_config '.linux.resources.unified = {"pids.max": "10"}'
	create_container "$id"
	assert_husk_error linux.resources.unified
	assert_create_left_nothing "$id"
}

@test "cgroups: a unified key for a controller cgroup2 does not have is refused, naming the key" {
	[ -n "$CG_UNIFIED" ] || skip "no cgroup2 on this host"
	local id
	id=$(cg_id unifmiss)
	update_config '.linux.resources.unified = {"nosuchctl.max": "1"}'
	create_container "$id"
	assert_husk_error 'linux.resources.unified' 'nosuchctl.max'
	assert_create_left_nothing "$id"
}

@test "cgroups: on a hybrid host a unified key for a v1-bound controller is refused" {
	[ "$CG_LAYOUT" = hybrid ] || skip "not a hybrid host ($CG_LAYOUT)"
	[ -n "$(cg_v1_mount memory)" ] || skip "memory is not bound to v1"
	local id
	id=$(cg_id unifhyb)
	update_config '.linux.resources.unified = {"memory.max": "104857600"}'
	create_container "$id"
	assert_husk_error 'linux.resources.unified' 'memory.max'
	assert_create_left_nothing "$id"
}

@test "cgroups: a unified value the kernel refuses fails create, naming the key" {
	[ -n "$CG_UNIFIED" ] || skip "no cgroup2 on this host"
	local id
	id=$(cg_id unifbad)
	update_config '.linux.resources.unified = {"cgroup.max.descendants": "lots"}'
	create_container "$id"
	assert_husk_error 'cgroup.max.descendants'
	assert_create_left_nothing "$id"
}

# ---------------------------------------------------------------------------
# kill --all and delete --force through the cgroup

@test "cgroups: kill --all KILL stops every process of the cgroup" {
	local id path pids
	id=$(cg_id killall)
	set_cmd 'sleep 100 & sleep 100 & wait'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	wait_until eval '[ "$(cg_procs_of "$path" | wc -l)" -eq 3 ]'
	pids=$(cg_procs_of "$path")
	run husk kill --all "$id" KILL
	[ "$status" -eq 0 ]
	wait_until pids_gone $pids
	wait_for_status "$id" stopped
	wait_until eval '[ -z "$(cg_procs_of "$path")" ]'
	run husk delete "$id"
	[ "$status" -eq 0 ]
	cg_assert_gone "$path"
}

@test "cgroups: kill --all reaches the processes a signal to the init alone would not" {
	local id path pids init
	id=$(cg_id killterm)
	# The pid namespace's init ignores TERM (no handler); its children die.
	set_cmd 'sleep 100 & sleep 100 & wait; sleep 100'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	wait_until eval '[ "$(cg_procs_of "$path" | wc -l)" -eq 3 ]'
	init=$(container_pid "$id")
	pids=$(cg_procs_of "$path" | grep -vx "$init")
	run husk kill "$id" TERM
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" .status)" = running ]
	run pids_gone $pids
	[ "$status" -ne 0 ]
	run husk kill --all "$id" TERM
	[ "$status" -eq 0 ]
	wait_until pids_gone $pids
	[ "$(state_field "$id" .status)" = running ]
}

@test "cgroups: delete --force of a running container removes its cgroup everywhere" {
	local id path pids
	id=$(cg_id delf)
	path="$CGT_PARENT/del/$id"
	update_config '.linux.cgroupsPath = $p' --arg p "$path"
	set_cmd 'sleep 100 & sleep 100 & wait'
	start_new_container "$id"
	wait_until eval '[ "$(cg_procs_of "$path" | wc -l)" -eq 3 ]'
	pids=$(cg_procs_of "$path")
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	# delete waits for the cgroup to empty: no polling here.
	cg_assert_gone "$path"
	pids_gone $pids
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "cgroups: delete --force with the host pid namespace kills every process through the cgroup" {
	local id path pids init
	id=$(cg_id hostpid)
	update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	# Grandchildren that outlive the init are still in the cgroup.
	set_cmd '(sleep 100 & sleep 100 &) ; sleep 100'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	wait_until eval '[ "$(cg_procs_of "$path" | wc -l)" -ge 3 ]'
	init=$(container_pid "$id")
	pids=$(cg_procs_of "$path")
	# The sleeps are real host pids, not children of the init.
	[ "$(awk '{print $4}' "/proc/$(grep -vx "$init" <<<"$pids" | head -1)/stat")" != "$init" ]
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	cg_assert_gone "$path"
	pids_gone $pids
	[ ! -e "$HUSK_ROOT/$id" ]
}
