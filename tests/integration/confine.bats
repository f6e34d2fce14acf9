#!/usr/bin/env bats
# Confinement of the container's processes, by the section of the
# runtime-spec that asks for it: config "process" (capabilities, rlimits,
# oomScoreAdj, scheduler, execCPUAffinity, apparmorProfile, selinuxLabel),
# config "mounts" (uidMappings/gidMappings, idmap/ridmap) and config-linux
# (personality, mountLabel, memoryPolicy). Checked from inside the
# container and from the host's /proc.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	# Host mounts a test made for its sources go before the leak check.
	local m
	for m in ${HOST_MOUNTS:-}; do umount -l "$m" 2>/dev/null || true; done
	husk_teardown
}

# field NAME [TEXT]: the value of NAME: in /proc/<pid>/status text
# ($stdout by default).
field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"${2:-$stdout}"
}

# host_has_cap N: this host's root has capability N in its effective set.
host_has_cap() {
	(((0x$(field CapEff "$(cat /proc/self/status)") >> $1) & 1))
}

# CHOWN 0, KILL 5, NET_BIND_SERVICE 10, NET_RAW 13, SYS_TIME 25
FIVE_SETS='{
  bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_TIME"],
  permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
  effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
  inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
  ambient: ["CAP_NET_RAW"]}'

# ---------------------------------------------------------------------------
# config: process.capabilities

@test "config process.capabilities: the five sets are exactly the configured ones before execve" {
	update_config ".process.capabilities = $FIVE_SETS"
	set_args sleep 1000
	create_container ctr
	[ "$status" -eq 0 ]
	# The init waits for start after its process setup: its sets are final.
	pid=$(container_pid ctr)
	st=$(cat "/proc/$pid/status")
	[ "$(field CapBnd "$st")" = 0000000002002421 ]
	[ "$(field CapPrm "$st")" = 0000000000002420 ]
	[ "$(field CapEff "$st")" = 0000000000000420 ]
	[ "$(field CapInh "$st")" = 0000000000002400 ]
	[ "$(field CapAmb "$st")" = 0000000000002000 ]
}

@test "config process.capabilities: a non-root process keeps inheritable, bounding and ambient across execve" {
	update_config ".process.capabilities = $FIVE_SETS | .process.user = {uid: 1000, gid: 1000}"
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(field CapBnd)" = 0000000002002421 ]
	[ "$(field CapInh)" = 0000000000002400 ]
	[ "$(field CapAmb)" = 0000000000002000 ]
	# execve as a non-root user: permitted and effective are the ambient set.
	[ "$(field CapPrm)" = 0000000000002000 ]
	[ "$(field CapEff)" = 0000000000002000 ]
}

@test "config process.capabilities: ambient outside permitted and inheritable is dropped with a warning, as runc" {
	update_config ".process.capabilities = $FIVE_SETS
	    | .process.capabilities.ambient = [\"CAP_NET_RAW\", \"CAP_KILL\", \"CAP_SYS_TIME\"]"
	set_args cat /proc/self/status
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(field CapAmb)" = 0000000000002000 ]
	grep -q 'CAP_KILL (process.capabilities.ambient) is not both permitted and inheritable: not raised' <<<"$stderr"
	grep -q 'CAP_SYS_TIME (process.capabilities.ambient) is not both permitted and inheritable' <<<"$stderr"
	refute grep -q CAP_NET_RAW <<<"$stderr"
}

@test "config process.capabilities: an unknown name is refused at create naming its JSON path" {
	update_config '.process.capabilities.effective += ["CAP_TEST"]'
	run_container ctr
	assert_husk_error 'config.json: process.capabilities.effective[3]: unknown capability "CAP_TEST"'
	assert_no_leftovers ctr
}

@test "config process.capabilities: exec --cap adds bounding, effective and permitted, never inheritable" {
	start_sleeper ctr
	exec_io caps --cap CAP_SYS_TIME --cap CAP_NET_RAW ctr cat /proc/self/status
	[ "$status" -eq 0 ]
	# base: AUDIT_WRITE 29, KILL 5, NET_BIND_SERVICE 10; + NET_RAW 13, SYS_TIME 25
	[ "$(field CapBnd)" = 0000000022002420 ]
	[ "$(field CapEff)" = 0000000022002420 ]
	[ "$(field CapPrm)" = 0000000022002420 ]
	[ "$(field CapInh)" = 0000000000000000 ]
	[ "$(field CapAmb)" = 0000000000000000 ]
	# A non-root user keeps none of them (no inheritable, so no ambient).
	exec_io caps2 --user 1000:1000 --cap CAP_NET_RAW ctr cat /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(field CapInh)" = 0000000000000000 ]
	[ "$(field CapAmb)" = 0000000000000000 ]
	[ "$(field CapEff)" = 0000000000000000 ]
}

@test "config process.capabilities: exec --cap is ambient only where the process has it inheritable" {
	update_config '.process.capabilities.bounding += ["CAP_NET_RAW"]
	    | .process.capabilities.inheritable = ["CAP_NET_RAW"]'
	start_sleeper ctr
	exec_io caps --user 1000:1000 --cap CAP_NET_RAW --cap CAP_SYS_TIME ctr cat /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(field CapInh)" = 0000000000002000 ]
	[ "$(field CapAmb)" = 0000000000002000 ]
	[ "$(field CapEff)" = 0000000000002000 ]
	# CAP_SYS_TIME: not inheritable, so not ambient, and nothing warns of it.
	refute grep -q CAP_SYS_TIME <<<"$stderr"
}

@test "config process.capabilities: an exec'd process gets the five sets of its process.json" {
	start_sleeper ctr
	jq -n "{args: [\"cat\", \"/proc/self/status\"], cwd: \"/\",
	        user: {uid: 1000, gid: 1000}, capabilities: $FIVE_SETS}" >"$BATS_TEST_TMPDIR/process.json"
	exec_io caps --process "$BATS_TEST_TMPDIR/process.json" ctr
	[ "$status" -eq 0 ]
	[ "$(field CapBnd)" = 0000000002002421 ]
	[ "$(field CapInh)" = 0000000000002400 ]
	[ "$(field CapAmb)" = 0000000000002000 ]
	[ "$(field CapPrm)" = 0000000000002000 ]
}

# ---------------------------------------------------------------------------
# config: process.apparmorProfile, process.selinuxLabel; config-linux:
# mountLabel. Neither LSM is enabled where these run: the refusal is tested
# (the bytes written otherwise are unit-tested in test_lsm.c).

apparmor_enabled() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

selinux_enabled() {
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ]
}

@test "config process.apparmorProfile: refused at create on a host without AppArmor" {
	! apparmor_enabled || skip "AppArmor is enabled on this host"
	update_config '.process.apparmorProfile = "husk-test-profile"'
	run_container ctr
	assert_husk_error 'config.json: process.apparmorProfile: AppArmor is not enabled on this host'
	assert_no_leftovers ctr
}

@test "config process.selinuxLabel: refused at create on a host without SELinux" {
	! selinux_enabled || skip "SELinux is enabled on this host"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	run_container ctr
	assert_husk_error 'config.json: process.selinuxLabel: SELinux is not enabled on this host'
	assert_no_leftovers ctr
}

@test "config-linux mountLabel: refused at create on a host without SELinux" {
	! selinux_enabled || skip "SELinux is enabled on this host"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	run_container ctr
	assert_husk_error 'config.json: linux.mountLabel: SELinux is not enabled on this host'
	assert_no_leftovers ctr
}

@test "config process.apparmorProfile: exec --apparmor and --process-label are checked the same way" {
	! apparmor_enabled || skip "AppArmor is enabled on this host"
	! selinux_enabled || skip "SELinux is enabled on this host"
	start_sleeper ctr
	exec_io aa --apparmor husk-test-profile ctr true
	assert_husk_error 'exec: --apparmor: AppArmor is not enabled on this host'
	exec_io se --process-label system_u:system_r:container_t:s0 ctr true
	assert_husk_error 'exec: --process-label: SELinux is not enabled on this host'
	jq -n '{args: ["true"], cwd: "/", user: {uid: 0, gid: 0},
	        apparmorProfile: "husk-test-profile"}' >"$BATS_TEST_TMPDIR/process.json"
	exec_io aa2 --process "$BATS_TEST_TMPDIR/process.json" ctr
	assert_husk_error 'process.apparmorProfile: AppArmor is not enabled on this host'
	# Nothing of the refused processes is left: the init runs alone.
	[ "$(container_processes)" = "$INIT_PID" ]
}

# ---------------------------------------------------------------------------
# config: mounts[].uidMappings/gidMappings, "idmap" and "ridmap"

# id_source: $SRC, a host directory with files owned by 1000:1000 and 0:0.
# (The mounts go on directories the rootfs has: the suite's rootfs is
# shared, and a container in a user namespace could not create new ones.)
id_source() {
	SRC="$BATS_TEST_TMPDIR/idsrc"
	mkdir -p "$SRC/sub"
	chmod 755 "$SRC" "$SRC/sub"
	touch "$SRC/user" "$SRC/root"
	chown 1000:1000 "$SRC/user" "$SRC/sub"
	chown 0:0 "$SRC/root"
}

@test "config mounts: uidMappings and gidMappings show a bind mount's files with the mapped owners" {
	id_source
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: $s,
	    options: ["bind", "idmap"],
	    uidMappings: [{containerID: 1000, hostID: 2000, size: 1}],
	    gidMappings: [{containerID: 1000, hostID: 3000, size: 1}]}]' --arg s "$SRC"
	set_cmd 'stat -c "%n %u:%g" /mnt/user /mnt/root /mnt/sub'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/mnt/user 2000:3000" ]
	# Ids outside the mapping are nobody's.
	[ "${lines[1]}" = "/mnt/root 65534:65534" ]
	[ "${lines[2]}" = "/mnt/sub 2000:3000" ]
	# The host's view is unchanged.
	[ "$(stat -c %u:%g "$SRC/user")" = 1000:1000 ]
	assert_no_leftovers ctr
}

@test "config mounts: the mapping without an idmap option is applied too, with the entry's ro" {
	id_source
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: $s,
	    options: ["rbind", "ro"],
	    uidMappings: [{containerID: 1000, hostID: 5000, size: 10}],
	    gidMappings: [{containerID: 1000, hostID: 5000, size: 10}]}]' --arg s "$SRC"
	set_cmd 'stat -c "%u:%g" /mnt/user; touch /mnt/new 2>/dev/null && echo writable || echo ro'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 5000:5000 ]
	[ "${lines[1]}" = ro ]
}

@test "config mounts: ridmap maps the mounts below an rbind, idmap only the top" {
	id_source
	mount -t tmpfs -o mode=755,uid=1000,gid=1000 husk-idmap "$SRC/sub"
	HOST_MOUNTS="$SRC/sub"
	update_config '.mounts += [
	    {destination: "/mnt", type: "bind", source: $s, options: ["rbind", "ridmap"],
	     uidMappings: [{containerID: 1000, hostID: 2000, size: 1}],
	     gidMappings: [{containerID: 1000, hostID: 2000, size: 1}]},
	    {destination: "/var", type: "bind", source: $s, options: ["rbind", "idmap"],
	     uidMappings: [{containerID: 1000, hostID: 2000, size: 1}],
	     gidMappings: [{containerID: 1000, hostID: 2000, size: 1}]}]' --arg s "$SRC"
	set_cmd 'stat -c "%n %u" /mnt/user /mnt/sub /var/user /var/sub'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/mnt/user 2000" ]
	[ "${lines[1]}" = "/mnt/sub 2000" ]
	[ "${lines[2]}" = "/var/user 2000" ]
	[ "${lines[3]}" = "/var/sub 1000" ]
	umount "$SRC/sub"
	HOST_MOUNTS=
	assert_no_leftovers ctr
}

@test "config mounts: an id-mapped rbind takes rro to every mount below, and mountinfo says idmapped" {
	id_source
	mount -t tmpfs -o mode=755 husk-idmap "$SRC/sub"
	HOST_MOUNTS="$SRC/sub"
	update_config '.mounts += [
	    {destination: "/mnt", type: "bind", source: $s, options: ["rbind", "ridmap", "rro"],
	     uidMappings: [{containerID: 0, hostID: 0, size: 65536}],
	     gidMappings: [{containerID: 0, hostID: 0, size: 65536}]}]' --arg s "$SRC"
	set_cmd 'awk '"'"'$5 == "/mnt" || $5 == "/mnt/sub" { print $5, $6 }'"'"' /proc/self/mountinfo
	    touch /mnt/sub/new 2>/dev/null && echo writable || echo read-only'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/mnt ro,"*idmapped* ]]
	[[ "${lines[1]}" == "/mnt/sub ro,"*idmapped* ]]
	[ "${lines[2]}" = read-only ]
	umount "$SRC/sub"
	HOST_MOUNTS=
}

@test "config mounts: in a user namespace, the mount's hostIDs are the host's and idmap alone takes the container's mapping" {
	id_source
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .mounts += [
	        {destination: "/mnt", type: "bind", source: $s, options: ["bind", "idmap"],
	         uidMappings: [{containerID: 1000, hostID: 101234, size: 1}],
	         gidMappings: [{containerID: 1000, hostID: 101234, size: 1}]},
	        {destination: "/var", type: "bind", source: $s, options: ["bind", "idmap"]}]' \
		--arg s "$SRC"
	set_cmd 'stat -c "%n %u:%g" /mnt/user /var/user /var/root'
	run_container ctr
	[ "$status" -eq 0 ]
	# host 101234 is 1234 inside the container's namespace
	[ "${lines[0]}" = "/mnt/user 1234:1234" ]
	# the container's own mapping: host files look as they do on the host
	[ "${lines[1]}" = "/var/user 1000:1000" ]
	[ "${lines[2]}" = "/var/root 0:0" ]
	assert_no_leftovers ctr
}

@test "config mounts: idmap with no mapping anywhere (mount or linux) is refused naming mounts[i]" {
	id_source
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: $s,
	    options: ["bind", "idmap"]}]' --arg s "$SRC"
	run_container ctr
	assert_husk_error 'config.json: mounts[6].options: "idmap" without uidMappings and gidMappings needs linux.uidMappings'
	assert_no_leftovers ctr
}

@test "config mounts: mappings on a filesystem mount (not a bind) are refused naming mounts[i]" {
	update_config '.mounts += [{destination: "/var", type: "tmpfs", source: "tmpfs",
	    options: ["idmap"],
	    uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
	    gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]'
	run_container ctr
	assert_husk_error 'config.json: mounts[6]: id-mapped mounts are supported for bind mounts only'
	assert_no_leftovers ctr
}

@test "config mounts: a source whose filesystem cannot be id-mapped is a clear error" {
	# sysfs has no FS_ALLOW_IDMAP.
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: "/sys/kernel",
	    options: ["rbind", "idmap"],
	    uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
	    gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]'
	run_container ctr
	assert_husk_error 'config.json: mounts[6]: /sys/kernel: its filesystem does not support id-mapped mounts'
	assert_no_leftovers ctr
}

@test "config mounts: uidMappings without gidMappings is refused naming the key" {
	id_source
	update_config '.mounts += [{destination: "/mnt", type: "bind", source: $s,
	    options: ["bind", "idmap"],
	    uidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]' --arg s "$SRC"
	run_container ctr
	assert_husk_error 'mounts[6].gidMappings: required with uidMappings'
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# config: process.rlimits

@test "config process.rlimits: every RLIMIT type is set, soft and hard" {
	update_config '.process.rlimits = [
	    {type: "RLIMIT_CPU", soft: 100, hard: 200},
	    {type: "RLIMIT_FSIZE", soft: 1048576, hard: 2097152},
	    {type: "RLIMIT_DATA", soft: 1073741824, hard: 2147483648},
	    {type: "RLIMIT_STACK", soft: 8388608, hard: 16777216},
	    {type: "RLIMIT_CORE", soft: 0, hard: 4096},
	    {type: "RLIMIT_RSS", soft: 1073741824, hard: 2147483648},
	    {type: "RLIMIT_NPROC", soft: 5000, hard: 6000},
	    {type: "RLIMIT_NOFILE", soft: 100, hard: 200},
	    {type: "RLIMIT_MEMLOCK", soft: 65536, hard: 131072},
	    {type: "RLIMIT_AS", soft: 4294967296, hard: 8589934592},
	    {type: "RLIMIT_LOCKS", soft: 100, hard: 200},
	    {type: "RLIMIT_SIGPENDING", soft: 100, hard: 200},
	    {type: "RLIMIT_MSGQUEUE", soft: 8192, hard: 16384},
	    {type: "RLIMIT_NICE", soft: 0, hard: 0},
	    {type: "RLIMIT_RTPRIO", soft: 0, hard: 0},
	    {type: "RLIMIT_RTTIME", soft: 1000, hard: 2000}]'
	set_args cat /proc/self/limits
	run_container ctr
	[ "$status" -eq 0 ]
	lim() { awk -v n="$1" 'index($0, n) == 1 { s = substr($0, length(n) + 1); split(s, a, " "); print a[1], a[2] }' <<<"$stdout"; }
	[ "$(lim 'Max cpu time')" = "100 200" ]
	[ "$(lim 'Max file size')" = "1048576 2097152" ]
	[ "$(lim 'Max data size')" = "1073741824 2147483648" ]
	[ "$(lim 'Max stack size')" = "8388608 16777216" ]
	[ "$(lim 'Max core file size')" = "0 4096" ]
	[ "$(lim 'Max resident set')" = "1073741824 2147483648" ]
	[ "$(lim 'Max processes')" = "5000 6000" ]
	[ "$(lim 'Max open files')" = "100 200" ]
	[ "$(lim 'Max locked memory')" = "65536 131072" ]
	[ "$(lim 'Max address space')" = "4294967296 8589934592" ]
	[ "$(lim 'Max file locks')" = "100 200" ]
	[ "$(lim 'Max pending signals')" = "100 200" ]
	[ "$(lim 'Max msgqueue size')" = "8192 16384" ]
	# (no CAP_SYS_RESOURCE here to raise these hard limits above the host's 0)
	[ "$(lim 'Max nice priority')" = "0 0" ]
	[ "$(lim 'Max realtime priority')" = "0 0" ]
	[ "$(lim 'Max realtime timeout')" = "1000 2000" ]
}

@test "config process.rlimits: soft above hard is refused at parse time naming process.rlimits[i]" {
	update_config '.process.rlimits += [{type: "RLIMIT_CORE", soft: 2048, hard: 1024}]'
	run_container ctr
	assert_husk_error 'config.json: process.rlimits[1]: RLIMIT_CORE: soft limit 2048 is above the hard limit 1024'
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# config: process.oomScoreAdj

@test "config process.oomScoreAdj: lowering it without CAP_SYS_RESOURCE is refused naming the key" {
	! host_has_cap 24 || skip "this host's root has CAP_SYS_RESOURCE: it may lower oom_score_adj"
	now=$(cat /proc/self/oom_score_adj)
	[ "$now" -gt -1000 ] || skip "oom_score_adj is already -1000"
	want=$((now - 1))
	update_config '.process.oomScoreAdj = $v' --argjson v "$want"
	run_container ctr
	assert_husk_error "config.json: process.oomScoreAdj: lowering it from $now to $want needs CAP_SYS_RESOURCE"
	assert_no_leftovers ctr
}

@test "config process.oomScoreAdj: raising it and keeping it unchanged both work" {
	now=$(cat /proc/self/oom_score_adj)
	update_config '.process.oomScoreAdj = $v' --argjson v "$((now + 500 > 1000 ? 1000 : now + 500))"
	set_args cat /proc/self/oom_score_adj
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "$((now + 500 > 1000 ? 1000 : now + 500))" ]
	update_config '.process.oomScoreAdj = $v' --argjson v "$now"
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = "$now" ]
}

# ---------------------------------------------------------------------------
# config: process.scheduler

@test "config process.scheduler: SCHED_IDLE with SCHED_FLAG_RESET_ON_FORK is set on the process" {
	update_config '.process.scheduler = {policy: "SCHED_IDLE", flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
	set_args sleep 1000
	start_new_container ctr
	pid=$(container_pid ctr)
	chrt -p "$pid" | grep -q 'SCHED_IDLE|SCHED_RESET_ON_FORK'
}

@test "config process.scheduler: parameters the kernel refuses are an error naming process.scheduler" {
	# A deadline task needs runtime <= deadline <= period.
	update_config '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 2000000, deadline: 1000000, period: 3000000}'
	run_container ctr
	assert_husk_error 'config.json: process.scheduler'
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# config: process.execCPUAffinity

two_cpus() {
	[ "$(cut -d- -f1 /sys/devices/system/cpu/online)" = 0 ] && grep -q -- '-' /sys/devices/system/cpu/online ||
		skip "needs CPUs 0 and 1 online"
}

@test "config process.execCPUAffinity: final is the exec'd process's affinity, the init keeps its own" {
	two_cpus
	all=$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)
	update_config '.process.execCPUAffinity = {initial: "0", final: "1"}'
	start_sleeper ctr
	[ "$(field Cpus_allowed_list "$(cat /proc/$INIT_PID/status)")" = "$all" ]
	exec_io aff ctr cat /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(field Cpus_allowed_list)" = 1 ]
}

@test "config process.execCPUAffinity: initial alone runs the runtime there, then the process gets every CPU back" {
	two_cpus
	all=$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)
	start_sleeper ctr
	jq -n '{args: ["cat", "/proc/self/status"], cwd: "/", user: {uid: 0, gid: 0},
	        execCPUAffinity: {initial: "1"}}' >"$BATS_TEST_TMPDIR/process.json"
	exec_io aff --process "$BATS_TEST_TMPDIR/process.json" ctr
	[ "$status" -eq 0 ]
	[ "$(field Cpus_allowed_list)" = "$all" ]
	run husk --debug exec --process "$BATS_TEST_TMPDIR/process.json" ctr true
	[ "$status" -eq 0 ]
	grep -q 'execCPUAffinity.initial: 1' <<<"$output"
}

@test "config process.execCPUAffinity: CPUs that are not online are an error naming the key" {
	start_sleeper ctr
	jq -n '{args: ["true"], cwd: "/", user: {uid: 0, gid: 0},
	        execCPUAffinity: {final: "1000"}}' >"$BATS_TEST_TMPDIR/process.json"
	exec_io aff --process "$BATS_TEST_TMPDIR/process.json" ctr
	assert_husk_error 'process.execCPUAffinity.final: "1000"'
	jq -n '{args: ["true"], cwd: "/", user: {uid: 0, gid: 0},
	        execCPUAffinity: {initial: "1000"}}' >"$BATS_TEST_TMPDIR/process.json"
	exec_io aff --process "$BATS_TEST_TMPDIR/process.json" ctr
	assert_husk_error 'process.execCPUAffinity.initial: "1000"'
}

# ---------------------------------------------------------------------------
# config-linux: personality

@test "config-linux personality: LINUX32 makes uname report a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "checked on x86_64"
	update_config '.linux.personality = {domain: "LINUX32"}'
	set_args uname -m
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = i686 ]
	update_config '.linux.personality = {domain: "LINUX"}'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = x86_64 ]
}

@test "config-linux personality: flags (none defined yet) are refused naming the key" {
	update_config '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
	run_container ctr
	assert_husk_error 'config.json: linux.personality.flags[0]: unknown personality flag "ADDR_NO_RANDOMIZE"'
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# config-linux: memoryPolicy

@test "config-linux memoryPolicy: the mode, nodes and flags are the process's policy (init and exec)" {
	[ -e /proc/self/numa_maps ] || skip "no NUMA support in this kernel"
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
	set_args sh -c 'head -n 1 /proc/self/numa_maps; exec sleep 1000'
	start_new_container ctr
	wait_for_file "$BATS_TEST_TMPDIR/ctr.out"
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/ctr.out" ] && break; sleep 0.05; done
	grep -q ' bind:0 ' "$BATS_TEST_TMPDIR/ctr.out"
	exec_io mp ctr head -n 1 /proc/self/numa_maps
	[ "$status" -eq 0 ]
	grep -q ' bind:0 ' <<<"$stdout"
}

@test "config-linux memoryPolicy: interleave with MPOL_F_STATIC_NODES" {
	[ -e /proc/self/numa_maps ] || skip "no NUMA support in this kernel"
	update_config '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
	set_args head -n 1 /proc/self/numa_maps
	run_container ctr
	[ "$status" -eq 0 ]
	grep -q ' interleave=static:0 ' <<<"$stdout"
}

@test "config-linux memoryPolicy: nodes the host lacks are an error naming linux.memoryPolicy" {
	[ ! -e /sys/devices/system/node/node63 ] || skip "this host has node 63"
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "63"}'
	run_container ctr
	assert_husk_error 'config.json: linux.memoryPolicy: set_mempolicy MPOL_BIND on nodes 63'
	assert_no_leftovers ctr
}
