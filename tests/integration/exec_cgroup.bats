#!/usr/bin/env bats
# `husk exec --cgroup [CTRL[,CTRL]:]PATH`: the exec'd process goes into an
# existing sub-cgroup of the container's cgroup instead of the cgroup
# itself (runc's flag). PATH alone applies to every hierarchy (the only
# form on cgroup v2); CTRL:PATH to those v1 controllers' hierarchies.
# Checked from the host in /proc/<pid>/cgroup and cgroup.procs.

load helpers
load exec_helpers
load cgroup_helpers

setup() {
	husk_setup
	cg_setup
	HUSK_AUTO_CGROUPS_PATH=1
	start_sleeper ctr
	CGP=$(cg_path_for ctr)
}

teardown() {
	# delete removes the sub-cgroups made here along with the container's.
	cg_teardown
}

# make_sub NAME: the sub-cgroup NAME in every hierarchy of the container
# (a v1 cpuset one gets its parent's cpus and mems: it starts empty, and
# an empty cpuset takes no process).
make_sub() {
	local d p
	for d in $(cg_joined_dirs "$CGP"); do
		p=$d
		while IFS= read -r part; do
			p+="/$part"
			mkdir -p "$p"
			if [ -e "$p/cpuset.cpus" ] && [ ! -e "$p/cgroup.controllers" ]; then
				cat "$(dirname "$p")/cpuset.cpus" >"$p/cpuset.cpus"
				cat "$(dirname "$p")/cpuset.mems" >"$p/cpuset.mems"
			fi
		done < <(tr / '\n' <<<"$1")
	done
}

# exec_in_cgroup FLAGS...: a detached `sleep 1000` exec with the flags;
# sets EXEC_PID.
exec_in_cgroup() {
	local pidfile="$BATS_TEST_TMPDIR/exec-$RANDOM.pid"
	exec_io e -d --pid-file "$pidfile" "$@" ctr sleep 1000
	[ "$status" -eq 0 ] || return 1
	EXEC_PID=$(cat "$pidfile")
}

# cgroup_lines PID: /proc/PID/cgroup as seen from the host, of the
# hierarchies husk uses (named ones like name=systemd included).
cgroup_lines() {
	cat "/proc/$1/cgroup" >&2
	cat "/proc/$1/cgroup"
}

@test "exec --cgroup PATH: the process is in PATH below the container's cgroup, everywhere" {
	make_sub sub/deeper
	exec_in_cgroup --cgroup sub/deeper
	local lines_total n_sub
	lines_total=$(cgroup_lines "$EXEC_PID" | grep -c ":$CGP")
	n_sub=$(cgroup_lines "$EXEC_PID" | grep -c ":$CGP/sub/deeper\$")
	[ "$lines_total" -ge 1 ]
	[ "$n_sub" -eq "$lines_total" ]
	# The init stays where it was.
	[ "$(cgroup_lines "$INIT_PID" | grep -c ":$CGP/sub")" -eq 0 ]
	# And the container's process list includes it (ps walks sub-cgroups).
	husk_io p ps --format json ctr
	[ "$status" -eq 0 ]
	jq -e --argjson p "$EXEC_PID" 'index($p) != null' <<<"$stdout"
	# A leading slash means the same (PATH is always below the container).
	exec_in_cgroup --cgroup /sub
	[ "$(cgroup_lines "$EXEC_PID" | grep -c ":$CGP/sub\$")" -eq "$lines_total" ]
}

@test "exec --cgroup CTRL:PATH: only that controller's hierarchy (cgroup v1)" {
	[ "$CG_LAYOUT" != v2 ] || skip "per-controller sub-cgroups need cgroup v1"
	make_sub sub
	exec_in_cgroup --cgroup pids:sub
	cgroup_lines "$EXEC_PID" | grep -q ":pids:$CGP/sub\$"
	cgroup_lines "$EXEC_PID" | grep -q ":memory:$CGP\$"
	# Several controllers at once, and a second flag for another one.
	make_sub other
	exec_in_cgroup --cgroup memory,pids:sub --cgroup freezer:other
	cgroup_lines "$EXEC_PID" | grep -q ":pids:$CGP/sub\$"
	cgroup_lines "$EXEC_PID" | grep -q ":memory:$CGP/sub\$"
	cgroup_lines "$EXEC_PID" | grep -q ":freezer:$CGP/other\$"
	cgroup_lines "$EXEC_PID" | grep -q ":devices:$CGP\$"
}

@test "exec --cgroup CTRL:PATH is refused on cgroup v2" {
	[ "$CG_LAYOUT" = v2 ] || skip "pure cgroup v2 only"
	make_sub sub
	exec_io e --cgroup pids:sub ctr true
	assert_husk_error "--cgroup pids:sub: a controller prefix is for cgroup v1"
}

@test "exec --cgroup: a missing sub-cgroup, .., or an unknown controller fail clearly" {
	exec_io e --cgroup nosuch ctr true
	assert_husk_error "--cgroup: sub-cgroup" "$CGP/nosuch" "No such file or directory"
	exec_io e --cgroup ../escape ctr true
	assert_husk_error '--cgroup ../escape: the path must name a sub-cgroup below the container'
	exec_io e --cgroup sub/../.. ctr true
	assert_husk_error '--cgroup sub/../..: the path must name a sub-cgroup'
	make_sub sub
	exec_io e --cgroup sub --cgroup pids:sub ctr true
	assert_husk_error "--cgroup sub: with several --cgroup flags, each needs a CTRL: prefix"
	if [ "$CG_LAYOUT" != v2 ]; then
		exec_io e --cgroup bogus:sub ctr true
		assert_husk_error '--cgroup bogus:sub: controller "bogus" is not one of the container'"'"'s cgroup hierarchies'
		exec_io e --cgroup :sub ctr true
		assert_husk_error '--cgroup :sub: empty controller'
	fi
	# Nothing was started: only the init is in the container's cgroups.
	[ "$(cg_procs_of "$CGP")" = "$INIT_PID" ]
	[ -z "$(cg_procs_of "$CGP/sub")" ]
}
