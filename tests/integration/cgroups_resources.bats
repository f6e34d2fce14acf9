#!/usr/bin/env bats
# linux.resources applied on create, checked in the real cgroup files from
# outside (v1 or v2 names, whichever the host uses for each controller) and,
# where it shows, from inside the container.

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

# create_with ID JQ-RESOURCES: a created (not started) container running
# `sleep 100`, with .linux.resources = JQ-RESOURCES; fails the test if
# create fails.
create_with() {
	set_args sleep 100
	update_config ".linux.resources = $2"
	create_container "$1"
	[ "$status" -eq 0 ]
}

# swap_accounting: the host accounts swap per cgroup.
swap_accounting() {
	if cg_is_v2 memory; then
		compgen -G "$CG_UNIFIED/*/memory.swap.max" >/dev/null
	else
		[ -e "$(cg_v1_mount memory)/memory.memsw.limit_in_bytes" ]
	fi
}

# first_line_is FILE N: FILE's first line is N or "default N" (the
# v2 io weight files and BFQ's spell the default weight that way).
first_line_is() {
	local l
	l=$(head -n 1 "$1")
	if [ "$l" != "$2" ] && [ "$l" != "default $2" ]; then
		echo "$1: '$l', expected $2" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# memory

@test "resources: memory limit and reservation (and swap where accounted)" {
	local id path swap=null
	id=$(cg_id mem)
	if swap_accounting; then swap=100663296; fi
	create_with "$id" "{memory: {limit: 67108864, reservation: 33554432, swap: $swap}}"
	path=$(cg_path_for "$id")
	if cg_is_v2 memory; then
		cg_expect memory "$path" memory.max 67108864
		cg_expect memory "$path" memory.low 33554432
		# v2 swap is swap alone: (memory+swap) - memory.
		[ "$swap" = null ] || cg_expect memory "$path" memory.swap.max 33554432
	else
		cg_expect memory "$path" memory.limit_in_bytes 67108864
		cg_expect memory "$path" memory.soft_limit_in_bytes 33554432
		[ "$swap" = null ] || cg_expect memory "$path" memory.memsw.limit_in_bytes 100663296
	fi
}

@test "resources: memory swappiness and disableOOMKiller on cgroup v1" {
	cg_has memory || skip "no memory controller"
	! cg_is_v2 memory || skip "cgroup v2 has neither knob"
	local id path
	id=$(cg_id memv1)
	create_with "$id" '{memory: {limit: 67108864, swappiness: 30, disableOOMKiller: true}}'
	path=$(cg_path_for "$id")
	cg_expect memory "$path" memory.swappiness 30
	grep -qx 'oom_kill_disable 1' "$(cg_dir memory "$path")/memory.oom_control"
}

@test "resources: a memory limit is enforced (the kernel's OOM killer ends what goes over it)" {
	local id path swap=null
	id=$(cg_id memkill)
	# Memory plus swap capped too, so nothing can be swapped out instead.
	if swap_accounting; then swap=33554432; fi
	update_config ".linux.resources = {memory: {limit: 33554432, swap: $swap}}"
	# dd's 64M buffer is anonymous memory it touches at once.
	set_cmd 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo "dd: $?"'
	run_container "$id"
	[ "$status" -eq 0 ]
	path=$(cg_path_for "$id")
	# 137 = killed by SIGKILL.
	[ "$stdout" = "dd: 137" ]
}

# ---------------------------------------------------------------------------
# cpu and cpuset

@test "resources: cpu shares, quota, period, cpus and mems" {
	local id path weight
	id=$(cg_id cpu)
	set_cmd 'grep Cpus_allowed_list /proc/self/status; sleep 100'
	update_config '.linux.resources = {cpu: {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"}}'
	create_container "$id"
	[ "$status" -eq 0 ]
	path=$(cg_path_for "$id")
	if cg_is_v2 cpu; then
		weight=$((1 + ((512 - 2) * 9999) / 262142))
		cg_expect cpu "$path" cpu.weight "$weight"
		cg_expect cpu "$path" cpu.max "50000 100000"
	else
		cg_expect cpu "$path" cpu.shares 512
		cg_expect cpu "$path" cpu.cfs_quota_us 50000
		cg_expect cpu "$path" cpu.cfs_period_us 100000
	fi
	cg_expect cpuset "$path" cpuset.cpus 0
	cg_expect cpuset "$path" cpuset.mems 0
	start_container "$id"
	wait_until grep -q Cpus_allowed_list "$BATS_TEST_TMPDIR/$id.out"
	grep -qE '^Cpus_allowed_list:\s+0$' "$BATS_TEST_TMPDIR/$id.out"
}

@test "resources: a cpu quota without a period keeps the kernel's default period" {
	local id path
	id=$(cg_id cpuq)
	create_with "$id" '{cpu: {quota: 30000, period: 0}}'
	path=$(cg_path_for "$id")
	if cg_is_v2 cpu; then
		cg_expect cpu "$path" cpu.max "30000 100000"
	else
		cg_expect cpu "$path" cpu.cfs_quota_us 30000
		cg_expect cpu "$path" cpu.cfs_period_us 100000
	fi
}

# ---------------------------------------------------------------------------
# pids

@test "resources: pids.limit caps the number of processes" {
	local id path cur
	id=$(cg_id pids)
	add_shared_dir
	set_cmd '(i=0; while [ $i -lt 15 ]; do sleep 100 & i=$((i + 1)); done) 2>/shared/err
echo done > /shared/done; sleep 100'
	update_config '.linux.resources = {pids: {limit: 10}}'
	create_container "$id"
	[ "$status" -eq 0 ]
	path=$(cg_path_for "$id")
	cg_expect pids "$path" pids.max 10
	start_container "$id"
	wait_for_file "$SHARED/done"
	cat "$SHARED/err" >&2
	grep -qi "fork" "$SHARED/err"
	cur=$(cg_read pids "$path" pids.current)
	[ "$cur" -le 10 ]
}

# ---------------------------------------------------------------------------
# blockIO, hugepageLimits, unified

@test "resources: blockIO.weight (where the host has a weight file)" {
	local id path d f="" w=300 want
	id=$(cg_id blkprobe)
	set_args sleep 100
	create_container "$id"
	[ "$status" -eq 0 ]
	path=$(cg_path_for "$id")
	if cg_is_v2 io; then
		d=$(cg_dir io "$path")
		for f in io.bfq.weight io.weight ""; do [ -z "$f" ] || [ -e "$d/$f" ] && break; done
	elif cg_has blkio; then
		d=$(cg_dir blkio "$path")
		for f in blkio.weight blkio.bfq.weight ""; do [ -z "$f" ] || [ -e "$d/$f" ] && break; done
	fi
	run husk delete --force "$id"
	[ "$status" -eq 0 ]
	[ -n "$f" ] || skip "no blkio/io weight file on this host"
	want=$w
	# io.weight has its own scale (1..10000); the BFQ files take 10..1000.
	[ "$f" != io.weight ] || want=$((1 + (w - 10) * 9999 / 990))
	id=$(cg_id blk)
	create_with "$id" "{blockIO: {weight: $w}}"
	path=$(cg_path_for "$id")
	d=$(cg_dir "${f%%.*}" "$path")
	first_line_is "$d/$f" "$want"
}

@test "resources: hugepageLimits (where the hugetlb controller exists)" {
	cg_has hugetlb || skip "no hugetlb controller"
	if [ "$CG_LAYOUT" = hybrid ] && cg_is_v2 hugetlb &&
		! grep -qw hugetlb "$CG_UNIFIED/cgroup.subtree_control"; then
		skip "hugetlb is only in cgroup2 here, and using it would enable it in the shared host's root cgroup"
	fi
	local id path size="" dir file
	for dir in /sys/kernel/mm/hugepages/hugepages-2048kB /sys/kernel/mm/hugepages/hugepages-*; do
		[ -d "$dir" ] && break
	done
	[ -d "$dir" ] || skip "no huge page sizes"
	size=${dir##*hugepages-}
	size=${size%kB}
	if [ "$size" -ge 1048576 ]; then size="$((size / 1048576))GB"; else size="$((size / 1024))MB"; fi
	id=$(cg_id huge)
	create_with "$id" "{hugepageLimits: [{pageSize: \"$size\", limit: 8388608}]}"
	path=$(cg_path_for "$id")
	if cg_is_v2 hugetlb; then file="hugetlb.$size.max"; else file="hugetlb.$size.limit_in_bytes"; fi
	cg_expect hugetlb "$path" "$file" 8388608
}

@test "resources: hugepageLimits with a page size the host lacks is refused, naming the key" {
	local id
	id=$(cg_id hugebad)
	update_config '.linux.resources = {hugepageLimits: [{pageSize: "3MB", limit: 8388608}]}'
	create_container "$id"
	assert_husk_error linux.resources.hugepageLimits
	assert_create_left_nothing "$id"
}

@test "resources: unified cgroup.* keys are written to the cgroup2 directory" {
	[ -n "$CG_UNIFIED" ] || skip "no cgroup2 on this host"
	local id path
	id=$(cg_id unif)
	create_with "$id" '{unified: {"cgroup.max.descendants": "5", "cgroup.max.depth": "2"}}'
	path=$(cg_path_for "$id")
	cg_expect unified "$path" cgroup.max.descendants 5
	cg_expect unified "$path" cgroup.max.depth 2
}

@test "resources: unified controller keys on cgroup v2" {
	[ "$CG_LAYOUT" = v2 ] || skip "controllers are bound to v1 here ($CG_LAYOUT)"
	cg_v2_has pids && cg_v2_has memory || skip "no pids or memory controller in cgroup2"
	local id path
	id=$(cg_id unifv2)
	create_with "$id" '{unified: {"pids.max": "42", "memory.high": "104857600"}}'
	path=$(cg_path_for "$id")
	cg_expect pids "$path" pids.max 42
	cg_expect memory "$path" memory.high 104857600
}

# ---------------------------------------------------------------------------
# devices

# /dev/fuse (10:229) bound from the host at /dev/hfuse: opening it never
# fails with EPERM for any other reason than the device cgroup (without
# the fuse module the open fails with ENODEV/ENXIO instead). Not a
# linux.devices entry: husk allows those whatever resources.devices says
# (the runtime-spec says they MUST be available; runc leaves them to the
# resources.devices rules).
fuse_node() {
	[ -c /dev/fuse ] || skip "the host has no /dev/fuse"
	update_config '.mounts += [{destination: "/dev/hfuse", type: "bind", source: "/dev/fuse", options: ["bind"]}]'
}

@test "resources: a device denied in resources.devices cannot be opened; the defaults still can" {
	local id path
	id=$(cg_id devdeny)
	fuse_node
	update_config '.linux.resources.devices = [
	    {allow: false, access: "rwm"},
	    {allow: false, type: "c", major: 10, minor: 229, access: "rwm"}]'
	set_cmd 'head -c1 /dev/null && echo null-ok; head -c1 /dev/zero | wc -c; (: < /dev/hfuse) 2>&1; echo end; sleep 100'
	start_new_container "$id"
	path=$(cg_path_for "$id")
	wait_until grep -q end "$BATS_TEST_TMPDIR/$id.out"
	cat "$BATS_TEST_TMPDIR/$id.out" >&2
	grep -qx null-ok "$BATS_TEST_TMPDIR/$id.out"
	grep -qx 1 "$BATS_TEST_TMPDIR/$id.out"
	grep -q "hfuse.*Operation not permitted" "$BATS_TEST_TMPDIR/$id.out"
	if [ -n "$(cg_v1_mount devices)" ]; then
		local list
		list=$(cat "$(cg_dir devices "$path")/devices.list")
		echo "devices.list: $list" >&2
		grep -qx 'c 1:3 rwm' <<<"$list"
		refute_grep '^a ' -- "$list"
		refute_grep '^c 10:229 ' -- "$list"
	fi
}

@test "resources: a device allowed in resources.devices can be opened under a deny-all" {
	local id
	id=$(cg_id devallow)
	fuse_node
	update_config '.linux.resources.devices = [
	    {allow: false, access: "rwm"},
	    {allow: true, type: "c", major: 10, minor: 229, access: "rw"}]'
	set_cmd '(: < /dev/hfuse) 2>&1 && echo opened; echo end'
	run_container "$id"
	[ "$status" -eq 0 ]
	grep -qx end <<<"$stdout"
	refute_grep "Operation not permitted" -- "$stdout"
}
