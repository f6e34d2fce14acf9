#!/usr/bin/env bats
# The husk binary is never exposed writable to a container (the
# CVE-2019-5736 class). `husk exec` re-executes itself from a sealed memfd
# copy before it joins the container, so a process of husk inside the
# container's namespaces has that copy as /proc/<pid>/exe, never the
# host's file. `husk create` does the same for the container's init, which
# runs husk code inside the container until its execve (and whose execve of
# /proc/self/exe, directly or as an interpreter, would reach husk itself).
#
# The window is observed for real: exec into a paused container
# (--ignore-paused) joins the frozen cgroup after its setup, so the new
# process stays frozen inside the container's namespaces right before its
# execve, and the host can look at it.

load helpers
load exec_helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
}

teardown() {
	husk_teardown
}

# seals PATH: the memfd seals of the file PATH opens (python's fcntl), or
# "none" when it is not a memfd.
seals() {
	"${HUSK_PYTHON:-python3}" - "$1" <<'PY'
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    print(fcntl.fcntl(fd, fcntl.F_GET_SEALS))
except OSError:
    print("none")
PY
}

@test "exec: the process inside the container runs from a sealed copy of husk" {
	start_sleeper ctr
	local sum_before
	sum_before=$(sha256sum <"$HUSK_BINARY")
	husk_io p pause ctr
	[ "$status" -eq 0 ]
	exec_io e --ignore-paused -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ctr sleep 1000
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	# Frozen before its execve, in the container's namespaces...
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink "/proc/$INIT_PID/ns/mnt")" ]
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
	# ... with a memfd as its exe, not the host's binary, named husk.
	local exe
	exe=$(readlink "/proc/$pid/exe")
	echo "exe of the exec'd process before execve: $exe" >&2
	[[ "$exe" == "/memfd:husk (deleted)" ]]
	[ "$(cat "/proc/$pid/comm")" = husk ]
	# Sealed: F_SEAL_SEAL | SHRINK | GROW | WRITE (15), so not writable
	# through /proc/<pid>/exe by anyone.
	[ $(($(seals "/proc/$pid/exe") & 15)) -eq 15 ]
	refute dd if=/dev/zero of="/proc/$pid/exe" bs=1 count=1 conv=notrunc 2>/dev/null
	[ "$(sha256sum <"$HUSK_BINARY")" = "$sum_before" ]
	# Once resumed it becomes the program it was asked to run.
	husk_io r resume ctr
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$pid/exe")" = "$(readlink "/proc/$INIT_PID/exe")" ] && break
		sleep 0.05
	done
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink "/proc/$INIT_PID/exe")" ]
}

@test "husk exec --help and errors work from the sealed copy too" {
	husk_io h exec --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--cgroup"* ]]
	husk_io x exec nosuch true
	assert_husk_error "nosuch"
}

@test "create: the init waiting for start runs from a sealed copy of husk" {
	local sum_before
	sum_before=$(sha256sum <"$HUSK_BINARY")
	create_container ctr
	[ "$status" -eq 0 ]
	local pid exe
	pid=$(container_pid ctr)
	exe=$(readlink "/proc/$pid/exe")
	echo "exe of the created init: $exe" >&2
	[[ "$exe" == "/memfd:husk (deleted)" ]]
	[ $(($(seals "/proc/$pid/exe") & 15)) -eq 15 ]
	refute dd if=/dev/zero of="/proc/$pid/exe" bs=1 count=1 conv=notrunc 2>/dev/null
	[ "$(sha256sum <"$HUSK_BINARY")" = "$sum_before" ]
	# And husk create itself still reports as husk.
	[ "$(cat "/proc/$pid/comm")" = husk ]
}

@test "create: with a user namespace that cannot write husk, no copy is made" {
	update_config '.linux.namespaces += [{type: "user"}]
	    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	create_container ctr
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid ctr)
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$HUSK_BINARY")" ]
}
