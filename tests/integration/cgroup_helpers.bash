# Cgroup helpers for the cgroups*.bats suites (load after helpers).
#
# The host may be cgroup v1, hybrid (v1 controllers plus a cgroup2 mount,
# usually /sys/fs/cgroup/unified) or pure v2: everything here looks the
# layout up at run time, from /proc/self/mountinfo, and never mounts,
# unmounts or writes to a cgroup the tests did not make.
#
# Names a file's tests use (exported by cg_setup_file):
#   CGT_TAG     prefix of every container id: containers without a
#               cgroupsPath land in /husk/<id>, shared with other runs, so
#               the ids must be unique on the host
#   CGT_PARENT  absolute cgroupsPath parent of this file ("/husk-test-PID")
#   CGT_REL     relative cgroupsPath parent ("husk-test-PID", i.e. under
#               /husk/)
#   CG_LAYOUT   v1, hybrid or v2
#   CG_UNIFIED  the cgroup2 mount point ("" on pure v1)

# cg_mounts: "TYPE MOUNTPOINT SUPER-OPTIONS" for each cgroup mount under
# /sys/fs/cgroup, TYPE being cgroup or cgroup2.
cg_mounts() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if ($(i + 1) != "cgroup" && $(i + 1) != "cgroup2") next
		if (index($5, "/sys/fs/cgroup") != 1) next
		print $(i + 1), $5, $(i + 3)
	}' /proc/self/mountinfo
}

# cg_detect: sets CG_LAYOUT and CG_UNIFIED.
cg_detect() {
	local v1
	v1=$(cg_mounts | awk '$1 == "cgroup"' | wc -l)
	CG_UNIFIED=$(cg_mounts | awk '$1 == "cgroup2" { print $2; exit }')
	if [ -n "$CG_UNIFIED" ] && [ "$v1" -eq 0 ]; then
		CG_LAYOUT=v2
	elif [ -n "$CG_UNIFIED" ]; then
		CG_LAYOUT=hybrid
	else
		CG_LAYOUT=v1
	fi
	export CG_LAYOUT CG_UNIFIED
}

# cg_v1_mount CONTROLLER: the v1 mount point holding CONTROLLER (or
# name=NAME), empty if none.
cg_v1_mount() {
	cg_mounts | awk -v c="$1" '$1 == "cgroup" {
		n = split($3, o, ",")
		for (i = 1; i <= n; i++) if (o[i] == c) { print $2; exit }
	}'
}

# cg_v1_mounts: every v1 hierarchy's mount point, once each.
cg_v1_mounts() {
	cg_mounts | awk '$1 == "cgroup" && !seen[$3]++ { print $2 }'
}

# cg_v2_has CONTROLLER: cgroup2 offers CONTROLLER (not bound to v1).
cg_v2_has() {
	[ -n "$CG_UNIFIED" ] && grep -qw -- "$1" "$CG_UNIFIED/cgroup.controllers"
}

# cg_is_v2 CONTROLLER: husk uses CONTROLLER from the cgroup2 tree (v1 wins
# on a hybrid host when the controller is bound there).
cg_is_v2() {
	[ -z "$(cg_v1_mount "$1")" ] && cg_v2_has "$1"
}

# cg_has CONTROLLER: the host has CONTROLLER in either version.
cg_has() {
	[ -n "$(cg_v1_mount "$1")" ] || cg_v2_has "$1"
}

# cg_dir CONTROLLER CGPATH: the host directory of CGPATH for CONTROLLER
# ("unified" for the cgroup2 tree itself). Fails if the host lacks it.
cg_dir() {
	local m
	if [ "$1" = unified ]; then
		m=$CG_UNIFIED
	else
		m=$(cg_v1_mount "$1")
		if [ -z "$m" ] && cg_v2_has "$1"; then
			m=$CG_UNIFIED
		fi
	fi
	if [ -z "$m" ]; then
		echo "no $1 cgroup hierarchy on this host" >&2
		return 1
	fi
	echo "$m$2"
}

# cg_read CONTROLLER CGPATH FILE: the file's content (one line, trimmed).
cg_read() {
	local d
	d=$(cg_dir "$1" "$2") || return 1
	if [ ! -e "$d/$3" ]; then
		echo "cg_read: no $d/$3" >&2
		return 1
	fi
	tr '\n' ' ' <"$d/$3" | sed 's/ *$//'
}

# cg_expect CONTROLLER CGPATH FILE WANT: the file holds WANT.
cg_expect() {
	local got
	got=$(cg_read "$1" "$2" "$3") || return 1
	if [ "$got" != "$4" ]; then
		echo "$(cg_dir "$1" "$2")/$3: '$got', expected '$4'" >&2
		return 1
	fi
}

# cg_joined_dirs CGPATH: the directories husk makes for CGPATH (every v1
# hierarchy on v1 and hybrid hosts, plus the cgroup2 tree on hybrid and v2).
cg_joined_dirs() {
	local m
	if [ "$CG_LAYOUT" != v2 ]; then
		for m in $(cg_v1_mounts); do echo "$m$1"; done
	fi
	[ -z "$CG_UNIFIED" ] || echo "$CG_UNIFIED$1"
}

# cg_all_roots: every cgroup mount point (where leftovers could be).
cg_all_roots() {
	cg_mounts | awk '!seen[$2]++ { print $2 }'
}

# cg_assert_exists CGPATH: the cgroup is there in every hierarchy.
cg_assert_exists() {
	local d bad=0
	for d in $(cg_joined_dirs "$1"); do
		if [ ! -d "$d" ]; then
			echo "missing cgroup dir: $d" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

# cg_assert_gone CGPATH: no hierarchy has the cgroup.
cg_assert_gone() {
	local m bad=0
	for m in $(cg_all_roots); do
		if [ -d "$m$1" ]; then
			echo "leftover cgroup dir: $m$1" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

# cg_procs_of CGPATH: pids in the cgroup (the main hierarchy: cgroup2 on
# v2, else the freezer or pids one).
cg_procs_of() {
	local d
	if [ "$CG_LAYOUT" = v2 ]; then
		d=$CG_UNIFIED$1
	else
		d=$(cg_dir pids "$1" 2>/dev/null || cg_dir freezer "$1")
	fi
	cat "$d/cgroup.procs"
}

# cg_path_for ID: the cgroup path of container ID, from the bundle's
# linux.cgroupsPath (husk_io may have set one below the run's parent):
# absolute as is, relative below /husk, absent /husk/ID.
cg_path_for() {
	local p
	p=$(jq -r '.linux.cgroupsPath // ""' "$BUNDLE/config.json")
	case $p in
	"") echo "/husk/$1" ;;
	/*) echo "$p" ;;
	*) echo "/husk/$p" ;;
	esac
}

# create_no_cgroups_path ID: `husk create` of $BUNDLE with no
# linux.cgroupsPath at all (husk_io would add one), output like husk_io.
create_no_cgroups_path() {
	local id=$1 out="$BATS_TEST_TMPDIR/$1.out" err="$BATS_TEST_TMPDIR/$1.err"
	update_config 'del(.linux.cgroupsPath)'
	status=0
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" \
		create --bundle "$BUNDLE" "$id" </dev/null >"$out" 2>"$err" 3>&- || status=$?
	stdout=$(cat "$out")
	stderr=$(cat "$err")
	output="$stdout$stderr"
	echo "\$ husk create --bundle $BUNDLE $id (no cgroupsPath) => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# assert_create_left_nothing ID [CGPATH]: after a failed create, no state
# dir and no cgroup dir (default: cg_path_for ID). A process left behind
# would keep its cgroup (a cgroup with processes cannot be removed);
# teardown also scans for container processes.
assert_create_left_nothing() {
	local id=$1 cgpath=${2:-$(cg_path_for "$1")}
	if [ -e "$HUSK_ROOT/$id" ]; then
		echo "leftover state dir: $HUSK_ROOT/$id" >&2
		return 1
	fi
	cg_assert_gone "$cgpath"
}

# cg_id NAME: a host-unique container id for this file.
cg_id() {
	echo "$CGT_TAG-$1"
}

# ---------------------------------------------------------------------------
# setup/teardown

cg_setup_file() {
	cg_detect
	export CGT_TAG="cgt$$"
	export CGT_PARENT="/husk-test-$$"
	export CGT_REL="husk-test-$$"
}

cg_setup() {
	[ -n "${CG_LAYOUT:-}" ] || cg_setup_file
	echo "cgroup layout: $CG_LAYOUT (cgroup2: ${CG_UNIFIED:-none})" >&2
}

# The container cgroups this file made and that are still there: every
# directory named after one of its ids, below /husk, the test parents or
# the run's parent (HUSK_CGROUP_PARENT, where husk_io puts containers).
# One find for all hierarchies: a pure v1 host has a dozen, and each
# process costs a lot in the TCG guests (tests/vm).
cg_leftovers() {
	local m d starts=()
	for m in $(cg_all_roots); do
		for d in "$m/husk/$CGT_TAG"-*; do
			[ ! -d "$d" ] || echo "$d"
		done
		for d in "$m$CGT_PARENT" "$m/husk/$CGT_REL" ${HUSK_CGROUP_PARENT:+"$m$HUSK_CGROUP_PARENT"}; do
			[ ! -d "$d" ] || starts+=("$d")
		done
	done
	[ ${#starts[@]} -eq 0 ] ||
		find "${starts[@]}" -mindepth 1 -type d -name "*$CGT_TAG-*" 2>/dev/null || true
}

# rmdir a test-owned cgroup tree, deepest first (only empty cgroups go).
cg_remove_tree() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
	[ ! -d "$1" ]
}

# Per test: husk_teardown (delete --force of every container), then no
# container cgroup of this file may remain.
cg_teardown() {
	local rc=0 left d
	husk_teardown || rc=1
	left=$(cg_leftovers)
	if [ -n "$left" ]; then
		echo "teardown: cgroups left: $left" >&2
		for d in $left; do cg_remove_tree "$d" || true; done
		rc=1
	fi
	return "$rc"
}

# Per file: remove the test parents (husk leaves parents, as runc does),
# then check that nothing of this file is left in any hierarchy, and no
# state dir.
cg_teardown_file() {
	local m d bad=0 left
	[ -n "${CG_LAYOUT:-}" ] || cg_detect
	left=$(cg_leftovers)
	if [ -n "$left" ]; then
		echo "teardown_file: container cgroups left: $left" >&2
		bad=1
	fi
	for m in $(cg_all_roots); do
		if ! cg_remove_tree "$m$CGT_PARENT" || ! cg_remove_tree "$m/husk/$CGT_REL"; then
			echo "teardown_file: cannot remove $m$CGT_PARENT or $m/husk/$CGT_REL (busy)" >&2
			bad=1
		fi
		for d in "$m/husk/$CGT_TAG"-*; do
			[ -d "$d" ] || continue
			cg_remove_tree "$d" || bad=1
		done
	done
	if [ -n "${HUSK_ROOT:-}" ] && [ -n "$(ls -A "$HUSK_ROOT" 2>/dev/null)" ]; then
		echo "teardown_file: state dirs left in $HUSK_ROOT: $(ls -A "$HUSK_ROOT")" >&2
		bad=1
	fi
	return "$bad"
}

# ---------------------------------------------------------------------------
# Waiting.

# wait_until CMD...: bounded poll (10 s) until CMD succeeds.
wait_until() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# pids_gone PID...: none of the pids is a live (non-zombie) process.
pids_gone() {
	local p st
	for p in "$@"; do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$st" = Z ] || [ "$st" = X ] || return 1
	done
	return 0
}

# json_pids: the numbers of a JSON array on stdin, one a line, sorted.
json_pids() {
	jq -r '.[]' | sort -n
}

# refute_grep GREP-ARGS... -- TEXT: fails if grep finds a match in TEXT
# (bats does not fail a test on `! cmd`).
refute_grep() {
	local args=()
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	if grep "${args[@]}" <<<"$1" >&2; then
		echo "unexpected match of '${args[*]}'" >&2
		return 1
	fi
}
