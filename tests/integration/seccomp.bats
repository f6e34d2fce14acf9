#!/usr/bin/env bats
# linux.seccomp (runtime-spec config-linux.md, "Seccomp"): actions, errno
# values, argument comparisons, architectures, flags, no_new_privs on and
# off, exec'd processes, SCMP_ACT_NOTIFY with an agent at listenerPath, and
# every bad input. Checked from inside the container (what the syscalls
# return, /proc/self/status) and from outside (exit status, signals).

load helpers
load exec_helpers

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PROFILE="$REPO/bench/seccomp_profile.sh"

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	AGENT=${HUSK_SECCOMP_AGENT:-$(dirname "$(dirname "$(dirname "$HUSK_BINARY")")")/tests/integration/tools/seccomp_agent}
	AGENT_PID=
	# A cache of compiled programs of its own: every test starts cold.
	export HUSK_SECCOMP_CACHE_DIR="$BATS_TEST_TMPDIR/seccomp-cache"
}

teardown() {
	[ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null || true
	husk_teardown
}

# set_seccomp JSON: linux.seccomp = JSON
set_seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# deny ACTION [RULE-JQ]: allow everything but mkdir/mkdirat, which get
# ACTION; RULE-JQ adds fields to that rule (e.g. '{errnoRet: 28}').
deny_mkdir() {
	set_seccomp "$(jq -n --arg a "$1" --argjson extra "${2:-{\}}" '{
	  defaultAction: "SCMP_ACT_ALLOW",
	  syscalls: [({names: ["mkdir", "mkdirat"], action: $a} + $extra)]}')"
}

# chmod_rule ARGS-JSON: chmod fails with EACCES when ARGS-JSON matches.
chmod_rule() {
	set_seccomp "$(jq -n --argjson args "$1" '{
	  defaultAction: "SCMP_ACT_ALLOW",
	  syscalls: [{names: ["chmod"], action: "SCMP_ACT_ERRNO",
	              errnoRet: 13, args: $args}]}')"
}

# try_modes MODE...: prints "MODE:ok" or "MODE:denied" for chmod MODE.
try_modes() {
	local script="touch /dev/shm/f" m
	for m in "$@"; do
		script+="; if chmod $m /dev/shm/f 2>/dev/null; then echo $m:ok; else echo $m:denied; fi"
	done
	set_cmd "$script"
	run_container ctr
	[ "$status" -eq 0 ]
}

# start_agent [AGENT-ARGS...]: the test's listener at $SOCK.
start_agent() {
	SOCK="$BATS_TEST_TMPDIR/agent.sock"
	"$AGENT" -s "$BATS_TEST_TMPDIR/agent.state" -l "$BATS_TEST_TMPDIR/agent.log" \
		"$@" "$SOCK" >"$BATS_TEST_TMPDIR/agent.out" 2>&1 3>&- &
	AGENT_PID=$!
	wait_for_file "$SOCK"
}

# notify_mkdir [METADATA]: mkdir/mkdirat go to the agent at $SOCK.
notify_mkdir() {
	set_seccomp "$(jq -n --arg p "$SOCK" --arg m "${1:-}" '{
	  defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p, listenerMetadata: $m,
	  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
}

supported_flag() {
	husk features | jq -e --arg f "$1" '.linux.seccomp.supportedFlags | index($f)' >/dev/null
}

# ---------------------------------------------------------------------------
# features

@test "seccomp: features reports seccomp enabled with every action and operator" {
	run husk features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.seccomp.enabled == true'
	echo "$output" | jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")'
	echo "$output" | jq -e '.linux.seccomp.operators | length == 7'
}

@test "seccomp: create does not warn that linux.seccomp is not applied" {
	deny_mkdir SCMP_ACT_ERRNO
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"not applied"* ]]
}

# ---------------------------------------------------------------------------
# Actions and errno values

@test "seccomp: SCMP_ACT_ERRNO without errnoRet fails the syscall with EPERM" {
	deny_mkdir SCMP_ACT_ERRNO
	set_cmd 'mkdir /dev/shm/d; echo rc=$?; grep Seccomp: /proc/self/status'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
}

@test "seccomp: errnoRet is the errno the process sees" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
	set_cmd 'mkdir /dev/shm/d; test -d /dev/shm/d && echo exists; true'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" != *exists* ]]
}

@test "seccomp: defaultAction ERRNO with defaultErrnoRet, Docker-like allow-list" {
	# ~350 names allowed, mkdir left out: it gets the default (ENOSPC).
	set_seccomp "$("$PROFILE" mkdir mkdirat | jq '.defaultErrnoRet = 28')"
	set_cmd 'mkdir /dev/shm/d; echo rc=$?; touch /dev/shm/f && echo touched'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" == *touched* ]]
}

@test "seccomp: defaultAction ERRNO without defaultErrnoRet is EPERM" {
	set_seccomp "$("$PROFILE" mkdir mkdirat | jq 'del(.defaultErrnoRet)')"
	set_cmd 'mkdir /dev/shm/d'
	run_container ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_KILL ends the process with SIGSYS" {
	deny_mkdir SCMP_ACT_KILL
	set_args mkdir /dev/shm/d
	run_container ctr
	[ "$status" -eq $((128 + 31)) ]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS and SCMP_ACT_KILL_THREAD end it with SIGSYS" {
	local a
	for a in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		deny_mkdir "$a"
		set_args mkdir /dev/shm/d
		run_container "ctr-$a"
		[ "$status" -eq $((128 + 31)) ]
	done
}

@test "seccomp: SCMP_ACT_TRAP raises SIGSYS" {
	deny_mkdir SCMP_ACT_TRAP
	set_args mkdir /dev/shm/d
	run_container ctr
	[ "$status" -eq $((128 + 31)) ]
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	deny_mkdir SCMP_ACT_TRACE '{"errnoRet": 5}'
	set_cmd 'mkdir /dev/shm/d; echo rc=$?'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"Function not implemented"* ]]
	[[ "$output" == *"rc=1"* ]]
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the syscall through" {
	set_seccomp "$("$PROFILE" | jq '.syscalls += [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_LOG"}]')"
	set_cmd 'mkdir /dev/shm/d && test -d /dev/shm/d && echo made'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$stdout" = made ]
}

# ---------------------------------------------------------------------------
# Argument comparisons (chmod's mode is argument 1)

@test "seccomp: SCMP_CMP_EQ and SCMP_CMP_NE compare one argument" {
	chmod_rule '[{"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}]'
	try_modes 600 700 755
	[ "$stdout" = $'600:ok\n700:denied\n755:ok' ]
	chmod_rule '[{"index": 1, "value": 448, "op": "SCMP_CMP_NE"}]'
	try_modes 600 700 755
	[ "$stdout" = $'600:denied\n700:ok\n755:denied' ]
}

@test "seccomp: SCMP_CMP_LT, LE, GE and GT" {
	local op want
	for op in LT:'600:denied 700:ok 755:ok' LE:'600:denied 700:denied 755:ok' \
		GE:'600:ok 700:denied 755:denied' GT:'600:ok 700:ok 755:denied'; do
		want=${op#*:}
		chmod_rule "[{\"index\": 1, \"value\": 448, \"op\": \"SCMP_CMP_${op%%:*}\"}]"
		try_modes 600 700 755
		[ "$(echo $stdout)" = "$want" ]
	done
}

@test "seccomp: SCMP_CMP_MASKED_EQ masks with value and compares to valueTwo" {
	# Denied when no group/other bit is set: (mode & 077) == 0.
	chmod_rule '[{"index": 1, "value": 63, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]'
	try_modes 600 700 755 640
	[ "$(echo $stdout)" = "600:denied 700:denied 755:ok 640:ok" ]
}

@test "seccomp: comparisons of different arguments all have to match" {
	# kill(1, 0) is refused; kill(1, SIGCONT) and kill(other, 0) are not.
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
	    {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
	    {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	set_cmd 'sleep 100 & s=$!
	  kill -0 1 2>/dev/null && echo self0:ok || echo self0:denied
	  kill -s CONT 1 && echo selfcont:ok || echo selfcont:denied
	  kill -0 $s && echo other0:ok || echo other0:denied
	  kill $s'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(echo $stdout)" = "self0:denied selfcont:ok other0:ok" ]
}

@test "seccomp: socket(AF_INET) is refused while other families work, on three architectures" {
	# socket is multiplexed through socketcall on x86: libseccomp rewrites
	# the rule for it; the native x86_64 call is what busybox makes here.
	local fam
	for fam in 2 1; do
		set_seccomp "$(jq -n --argjson fam "$fam" '{defaultAction: "SCMP_ACT_ALLOW",
		  architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		  syscalls: [{names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 97,
		              args: [{index: 0, value: $fam, op: "SCMP_CMP_EQ"}]}]}')"
		set_cmd 'nc -w 1 127.0.0.1 1 </dev/null'
		run_container "ctr$fam"
		[ "$status" -ne 0 ]
		if [ "$fam" = 2 ]; then
			[[ "$output" == *"nc: socket: Address family not supported by protocol"* ]]
		else
			# AF_INET made its socket: what fails is the connection.
			[[ "$output" != *"nc: socket:"* ]]
			[[ "$output" == *"unreachable"* || "$output" == *"refused"* ]]
		fi
	done
}

@test "seccomp: an argument compared twice makes one rule per comparison, as runc" {
	# mode >= 0755 or mode <= 0600 (each its own rule): 0700 alone passes.
	chmod_rule '[{"index": 1, "value": 493, "op": "SCMP_CMP_GE"},
	             {"index": 1, "value": 384, "op": "SCMP_CMP_LE"}]'
	try_modes 600 700 755
	[ "$(echo $stdout)" = "600:denied 700:ok 755:denied" ]
}

# ---------------------------------------------------------------------------
# Names, architectures, flags

@test "seccomp: a syscall name unknown to libseccomp is skipped (debug log)" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["husk_no_such_syscall", "mkdir", "mkdirat"],
	   "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
	set_cmd 'mkdir /dev/shm/d'
	husk_io run --debug run --bundle "$BUNDLE" ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$stderr" == *'linux.seccomp.syscalls[0].names[0]: unknown syscall "husk_no_such_syscall", skipped'* ]]
}

@test "seccomp: architectures add the listed ones to the native one" {
	set_seccomp "$("$PROFILE" mkdir mkdirat | jq '.architectures = ["SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"]')"
	set_cmd 'mkdir /dev/shm/d; echo rc=$?'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: flags TSYNC and LOG are honoured" {
	local f
	for f in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW; do
		supported_flag "$f" || continue
		deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
		update_config '.linux.seccomp.flags = [$f]' --arg f "$f"
		set_cmd 'mkdir /dev/shm/d'
		run_container "ctr-${f##*_}"
		[ "$status" -eq 1 ]
		[[ "$output" == *"No space left on device"* ]]
	done
	supported_flag SECCOMP_FILTER_FLAG_TSYNC
	supported_flag SECCOMP_FILTER_FLAG_LOG
}

@test "seccomp: a flag this host lacks is refused naming linux.seccomp.flags[i]" {
	local f=SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	if supported_flag "$f"; then
		skip "$f is supported here"
	fi
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG", $f]' --arg f "$f"
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp.flags[1]: $f is not supported"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: a compiled program is reused from the cache, and only if trusted" {
	set_seccomp "$("$PROFILE" mkdir mkdirat | jq '.defaultErrnoRet = 28')"
	set_cmd 'mkdir /dev/shm/d'
	husk_io r1 --debug run --bundle "$BUNDLE" ctr
	[ "$status" -eq 1 ]
	[[ "$stderr" != *"from the cache"* ]]
	[ "$(ls "$HUSK_SECCOMP_CACHE_DIR" | wc -l)" -eq 1 ]
	[ "$(stat -c %a "$HUSK_SECCOMP_CACHE_DIR")" = 700 ]
	husk_io r2 --debug run --bundle "$BUNDLE" ctr
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"program from the cache"* ]]
	[[ "$output" == *"No space left on device"* ]]
	# Another profile is another entry.
	update_config '.linux.seccomp.defaultErrnoRet = 27'
	husk_io r3 --debug run --bundle "$BUNDLE" ctr
	[[ "$stderr" != *"from the cache"* ]]
	[[ "$output" == *"File too large"* ]]
	[ "$(ls "$HUSK_SECCOMP_CACHE_DIR" | wc -l)" -eq 2 ]
	# A cache others could write to is not used.
	chmod 770 "$HUSK_SECCOMP_CACHE_DIR"
	husk_io r4 --debug run --bundle "$BUNDLE" ctr
	[[ "$stderr" != *"from the cache"* ]]
	[[ "$output" == *"File too large"* ]]
	# Empty: no cache at all.
	HUSK_SECCOMP_CACHE_DIR= husk_io r5 --debug run --bundle "$BUNDLE" ctr
	[[ "$stderr" != *"from the cache"* ]]
	[[ "$output" == *"File too large"* ]]
}

# ---------------------------------------------------------------------------
# Privileges and the order of setup

@test "seccomp: with noNewPrivileges the filter is loaded and no_new_privs set" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
	set_cmd 'grep -e NoNewPrivs -e "Seccomp:" /proc/self/status; mkdir /dev/shm/d'
	run_container ctr
	[ "$status" -eq 1 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" == *"No space left on device"* ]]
}

@test "seccomp: without noNewPrivileges, as a user without capabilities" {
	# Loaded before the user change, while CAP_SYS_ADMIN is there.
	set_seccomp "$("$PROFILE" mkdir mkdirat | jq '.defaultErrnoRet = 28')"
	update_config '.process.noNewPrivileges = false
	    | .process.user = {uid: 1000, gid: 1000}
	    | .process.capabilities = {}'
	set_cmd 'id -u; grep -e NoNewPrivs -e "Seccomp:" -e CapEff /proc/self/status; mkdir /dev/shm/d'
	run_container ctr
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = 1000 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" =~ CapEff:[[:space:]]+0000000000000000 ]]
	[[ "$output" == *"No space left on device"* ]]
}

@test "seccomp: without noNewPrivileges, as root in a user namespace" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
	update_config '.process.noNewPrivileges = false
	    | .linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	set_cmd 'grep -e NoNewPrivs -e "Seccomp:" /proc/self/status; mkdir /dev/shm/d'
	run_container ctr
	[ "$status" -eq 1 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" == *"No space left on device"* ]]
}

@test "seccomp: an exec'd process gets the container's filter" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
	start_sleeper ctr
	exec_io e1 ctr mkdir /dev/shm/e
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	exec_io e2 ctr grep Seccomp: /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$stdout" =~ Seccomp:[[:space:]]+2 ]]
	husk kill ctr KILL
}

@test "seccomp: an exec'd process gets the filter without noNewPrivileges too" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
	update_config '.process.noNewPrivileges = false'
	start_sleeper ctr
	exec_io e1 ctr sh -c 'grep -e NoNewPrivs -e "Seccomp:" /proc/self/status; mkdir /dev/shm/e'
	[ "$status" -eq 1 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" == *"No space left on device"* ]]
	husk kill ctr KILL
}

# ---------------------------------------------------------------------------
# SCMP_ACT_NOTIFY and listenerPath

@test "seccomp: SCMP_ACT_NOTIFY hands the listener and the state to the agent" {
	start_agent -e 28
	notify_mkdir "meta data 1"
	set_cmd 'mkdir /dev/shm/d; echo rc=$?; touch /dev/shm/f && echo touched'
	run_container ctr
	[ "$status" -eq 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *touched* ]]
	grep -qx mkdir "$BATS_TEST_TMPDIR/agent.log"
	local st="$BATS_TEST_TMPDIR/agent.state"
	cat "$st" >&2
	[ "$(wc -l <"$st")" -eq 1 ]
	jq -e '.ociVersion | test("^1\\.")' "$st"
	jq -e '.fds == ["seccompFd"]' "$st"
	jq -e '.metadata == "meta data 1"' "$st"
	jq -e '.state.id == "ctr" and .state.status == "creating"' "$st"
	jq -e --arg b "$BUNDLE" '.state.bundle == $b' "$st"
	jq -e '.pid > 0 and .pid == .state.pid' "$st"
}

@test "seccomp: the agent's answer is the syscall's result" {
	# Success without doing anything: mkdir "works", nothing is made.
	start_agent -e 0
	notify_mkdir
	# With TSYNC, which the kernel takes with a listener only as TSYNC_ESRCH.
	if supported_flag SECCOMP_FILTER_FLAG_TSYNC; then
		update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC"]'
	fi
	set_cmd 'mkdir /dev/shm/d && echo mkdir:ok; test -d /dev/shm/d || echo absent'
	run_container ctr
	[ "$status" -eq 0 ]
	[ "$(echo $stdout)" = "mkdir:ok absent" ]
	# No metadata: the key is left out, as runc does.
	jq -e 'has("metadata") | not' "$BATS_TEST_TMPDIR/agent.state"
}

@test "seccomp: SCMP_ACT_NOTIFY without noNewPrivileges, and for exec" {
	start_agent -e 28
	notify_mkdir meta
	update_config '.process.noNewPrivileges = false'
	set_args sleep 1000
	start_new_container ctr
	wait_for_status ctr running
	exec_io e1 ctr mkdir /dev/shm/e
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	local st="$BATS_TEST_TMPDIR/agent.state"
	[ "$(wc -l <"$st")" -eq 2 ]
	# The second is exec's: the container is running, pid is the exec'd
	# process's.
	sed -n 2p "$st" | jq -e '.state.status == "running" and .metadata == "meta"'
	sed -n 2p "$st" | jq -e --argjson p "$(container_pid ctr)" '.state.pid == $p and .pid != $p'
	husk kill ctr KILL
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath is refused" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.listenerPath"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: a listenerPath with no agent is refused naming it" {
	SOCK="$BATS_TEST_TMPDIR/nobody.sock"
	notify_mkdir
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp.listenerPath: $SOCK: connect: No such file or directory"* ]]
	assert_no_leftovers ctr
}

# ---------------------------------------------------------------------------
# Bad input: clear errors, nothing left behind

@test "seccomp: errnoRet with an action other than ERRNO or TRACE is refused" {
	deny_mkdir SCMP_ACT_ALLOW '{"errnoRet": 28}'
	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO"'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: defaultErrnoRet with a defaultAction other than ERRNO or TRACE is refused" {
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.linux.seccomp.defaultErrnoRet = 5'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: an errnoRet that does not fit in 16 bits is refused" {
	deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 70000}'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].errnoRet: 70000 is out of range"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: an architecture unknown to the spec or to libseccomp is refused" {
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_NOPE"]'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.architectures[1]"* ]]
	[[ "$output" == *SCMP_ARCH_NOPE* ]]
	assert_no_leftovers ctr
	# Known to the spec, maybe not to this libseccomp.
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_LOONGARCH64"]'
	create_container ctr
	if [ "$status" -ne 0 ]; then
		[[ "$output" == *"config.json: linux.seccomp.architectures[1]: SCMP_ARCH_LOONGARCH64 is not known to libseccomp"* ]]
		assert_no_leftovers ctr
	fi
}

@test "seccomp: SCMP_ACT_NOTIFY as the default action is refused" {
	SOCK="$BATS_TEST_TMPDIR/x.sock"
	notify_mkdir
	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY"'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: an unknown action or operator is refused" {
	deny_mkdir SCMP_ACT_NOPE
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].action"* ]]
	chmod_rule '[{"index": 1, "value": 448, "op": "SCMP_CMP_NOPE"}]'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].args[0].op"* ]]
	assert_no_leftovers ctr
}

@test "seccomp: a profile that denies what setup needs fails create cleanly" {
	# Without no_new_privs the filter is loaded before the user change:
	# denying setresuid stops the setup, with the error reported.
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.linux.seccomp.syscalls += [{names: ["setresuid"], action: "SCMP_ACT_ERRNO"}]
	    | .process.noNewPrivileges = false'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.user.uid"* ]]
	assert_no_leftovers ctr
	# Killed rather than refused: the error says the filter did it.
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_KILL"}'
	create_container ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"config.json: linux.seccomp: the filter stopped the setup with SIGSYS"* ]]
	assert_no_leftovers ctr
}
