# podman 4.3 (through conmon) driving husk and runc side by side, for
# podman.bats (load after helpers).
#
# Every bats file gets a podman of its own, all under $BATS_FILE_TMPDIR/podman
# ($PODM_DIR): storage (overlay), run root, tmp dir, network config dir,
# containers.conf and storage.conf; container cgroups below $PODM_CG (passed
# as --cgroup-parent; conmon's cgroup is $PODM_CG/conmon), no network
# (--network none: podman's default bridge would change the host's links
# and iptables). The busybox image ($PODM_IMAGE) is imported once per file.
# Nothing of the host's podman (/var/lib/containers, /run/containers,
# /etc/containers/networks, /dev/shm/libpod_lock, /libpod_parent cgroups)
# is touched; the runtime itself keeps its state in its default root
# (/run/husk, /run/runc): podman passes no --root.
#
# Each scenario is a function podm_sc_NAME RUNTIME, RUNTIME being husk or
# runc; the containers a test makes are recorded (podman --cidfile) and
# checked by podm_teardown: removed from podman, nothing left in the
# runtime's state root, no cgroup, no conmon.

: "${PODM_TIMEOUT:=120}"
PODM_IMAGE=localhost/podm-busybox:latest

# podm_runtime_bin NAME: the binary podman runs for husk or runc.
podm_runtime_bin() {
	case $1 in
	husk) realpath "$HUSK_BINARY" ;;
	runc) command -v runc ;;
	*) return 1 ;;
	esac
}

# podm_state_root NAME: where the runtime keeps its state without --root.
podm_state_root() {
	echo "/run/$1"
}

# ---------------------------------------------------------------------------
# The file's private podman.

podm_setup_file() {
	export PODM_DIR="$BATS_FILE_TMPDIR/podman"
	local tag
	tag=$(basename "$BATS_RUN_TMPDIR" | tr -cd 'a-zA-Z0-9')
	export PODM_CG="/podm-itest-${tag:-$$}"
	mkdir -p "$PODM_DIR"/{root,runroot,tmp,net}
	: >"$PODM_DIR/ids"
	# The host's root lacks CAP_SYS_RESOURCE: podman's default rlimits for
	# root (nofile and nproc 1048576) cannot be set, keep them below ours.
	# File locks under the tmp dir instead of /dev/shm/libpod_lock; husk in
	# the runtimes that get --log-format=json (as runc and crun).
	cat >"$PODM_DIR/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		lock_type = "file"
		image_copy_tmp_dir = "$PODM_DIR/tmp"
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "husk"]
		[network]
		network_config_dir = "$PODM_DIR/net"
	EOF
	cat >"$PODM_DIR/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$PODM_DIR/root"
		runroot = "$PODM_DIR/runroot"
	EOF
	export CONTAINERS_CONF="$PODM_DIR/containers.conf"
	export CONTAINERS_STORAGE_CONF="$PODM_DIR/storage.conf"
	# podman's temporary files (else in /var/tmp).
	export TMPDIR="$PODM_DIR/tmp"

	build_rootfs "$PODM_DIR/rootfs"
	tar -C "$PODM_DIR/rootfs" -cf "$PODM_DIR/rootfs.tar" .
	# The image copy keeps a blob-info cache in /var/lib/containers/cache
	# for root, whatever the storage root: give it a throw-away /var/lib
	# (in a mount namespace of its own, gone with the command).
	timeout -k 5 "$PODM_TIMEOUT" unshare --mount --propagation private \
		sh -c 'mount -t tmpfs podm-varlib /var/lib && exec "$@"' sh \
		podman --root "$PODM_DIR/root" --runroot "$PODM_DIR/runroot" \
		--tmpdir "$PODM_DIR/tmp" --cgroup-manager cgroupfs --events-backend file \
		import --quiet "$PODM_DIR/rootfs.tar" "$PODM_IMAGE" </dev/null >/dev/null 3>&-
}

# podm_pids_matching STRING...: pids of processes (conmon, podman exit
# commands, a podman that timed out) whose command line holds one of the
# STRINGs (read in bash: a grep would find itself).
podm_pids_matching() {
	local p s args
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != "$$" ] && [ "${p#/proc/}" != "$BASHPID" ] || continue
		mapfile -d '' args 2>/dev/null <"$p/cmdline" || continue
		for s in "$@"; do
			if [[ "${args[*]}" == *"$s"* ]]; then
				echo "${p#/proc/}"
				break
			fi
		done
	done
}

# podm_pids_of_run: the processes of the file's podman dir.
podm_pids_of_run() {
	podm_pids_matching "$PODM_DIR/"
}

# podm_cgroup_dirs: the file's cgroup parent in every hierarchy.
podm_cgroup_dirs() {
	local m
	for m in $(cgroup_mounts); do
		[ -d "$m$PODM_CG" ] && echo "$m$PODM_CG"
	done
}

podm_teardown_file() {
	[ -n "${PODM_DIR:-}" ] && [ -d "$PODM_DIR" ] || return 0
	local bad=0 p id rt m d
	podm husk rm --all --force --time 0 >/dev/null 2>&1 || bad=1
	# conmon and the exit commands of the last containers: let them end.
	for ((p = 0; p < 100; p++)); do
		[ -n "$(podm_pids_of_run)" ] || break
		sleep 0.1
	done
	for p in $(podm_pids_of_run); do
		echo "teardown_file: killing leftover $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
		kill -KILL "$p" 2>/dev/null || true
		bad=1
	done
	# Every container of the file is gone from the runtimes' roots.
	while read -r rt id; do
		[ -n "$id" ] || continue
		if [ -e "$(podm_state_root "$rt")/$id" ]; then
			echo "teardown_file: $(podm_state_root "$rt")/$id left" >&2
			timeout -k 5 60 "$(podm_runtime_bin "$rt")" delete --force "$id" </dev/null >&2 3>&- || true
			bad=1
		fi
	done <"$PODM_DIR/ids"
	# The storage's mounts (overlay's private bind of root/overlay, any
	# container rootfs left), deepest first.
	for m in $(awk -v d="$PODM_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	if awk -v d="$PODM_DIR/" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
		echo "teardown_file: mounts left under $PODM_DIR" >&2
		return 1
	fi
	rm -rf "$PODM_DIR"
	# The cgroup parent: conmon's cgroup and anything a container left.
	for d in $(podm_cgroup_dirs); do
		for p in $(cat "$d"/cgroup.procs "$d"/*/cgroup.procs 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
			bad=1
		done
		if [ -n "$(find "$d" -mindepth 1 -type d -name 'libpod-*')" ]; then
			echo "teardown_file: container cgroups left: $(find "$d" -type d -name 'libpod-*')" >&2
			bad=1
		fi
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		if [ -d "$d" ]; then
			sleep 0.5
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || {
				echo "teardown_file: cannot remove $d" >&2
				bad=1
			}
		fi
	done
	return "$bad"
}

# ---------------------------------------------------------------------------
# Running podman.

# podm_cmd RUNTIME ARGS...: sets PODM_CMD to the podman command line:
# the file's private dirs, RUNTIME's binary (or $PODM_RUNTIME_BIN), extra
# global flags from PODM_GLOBAL (an array). `run` and `create` get the
# file's cgroup parent, no network and a --cidfile in the test's dir.
podm_cmd() {
	local rt=$1 bin
	shift
	bin=${PODM_RUNTIME_BIN:-$(podm_runtime_bin "$rt")}
	local args=("$@") n
	case ${args[0]:-} in
	run | create)
		mkdir -p "$BATS_TEST_TMPDIR/podm-cids"
		n=$(find "$BATS_TEST_TMPDIR/podm-cids" -type f | wc -l)
		args=("${args[0]}" --cgroup-parent "$PODM_CG" --network none
			--cidfile "$BATS_TEST_TMPDIR/podm-cids/$n" "${args[@]:1}")
		;;
	esac
	PODM_CMD=(podman --runtime "$bin" "${PODM_GLOBAL[@]}" --cgroup-manager cgroupfs
		--events-backend file --root "$PODM_DIR/root" --runroot "$PODM_DIR/runroot"
		--tmpdir "$PODM_DIR/tmp" "${args[@]}")
}

# podm RUNTIME ARGS...: runs podm_cmd's command line (bounded by
# PODM_TIMEOUT). Stdin: /dev/null, or $PODM_STDIN (a file, or `-` for the
# caller's stdin); fd 3 (bats') is closed unless PODM_FD3 names a file to
# open there.
podm() {
	podm_cmd "$@"
	(
		if [ -n "${PODM_FD3:-}" ]; then exec 3<"$PODM_FD3"; else exec 3>&-; fi
		[ "${PODM_STDIN:-}" = - ] || exec <"${PODM_STDIN:-/dev/null}"
		exec timeout -k 5 "$PODM_TIMEOUT" "${PODM_CMD[@]}"
	)
}
PODM_GLOBAL=()

# podm_run RUNTIME ARGS...: `run --separate-stderr podm RUNTIME ARGS`,
# logging the command and its output (shown when the test fails).
# PODM_EXPECT=N: the status expected (bats' `run -N`).
podm_run() {
	local flags=(--separate-stderr)
	[ -z "${PODM_EXPECT:-}" ] || flags=("-$PODM_EXPECT" --separate-stderr)
	run "${flags[@]}" podm "$@"
	echo "\$ podman[$1] ${*:2} => status $status" >&2
	[ -z "$output" ] || echo "  stdout: $output" >&2
	[ -z "$stderr" ] || echo "  stderr: $stderr" >&2
}

# podm_refute CMD...: CMD must fail (a bare `! CMD` never fails a test).
podm_refute() {
	if "$@"; then
		echo "unexpectedly succeeded: $*" >&2
		return 1
	fi
}

# podm_ok RUNTIME ARGS...: podm_run that must succeed.
podm_ok() {
	podm_run "$@"
	[ "$status" -eq 0 ]
}

# podm_pipe RUNTIME INPUT ARGS...: podman reading INPUT (a line) from a pipe.
podm_pipe() {
	local rt=$1 input=$2
	shift 2
	printf '%s\n' "$input" | PODM_STDIN=- podm "$rt" "$@"
}

# podm_tty RUNTIME ARGS...: podman in a terminal of its own (script(1));
# sets status and output (carriage returns dropped).
podm_tty() {
	local rt=$1
	shift
	podm_cmd "$rt" "$@"
	tty_capture "$PODM_TIMEOUT" /dev/null "podman[$rt] $*" "${PODM_CMD[@]}"
}

# podm_detach RUNTIME ARGS...: `podman run -d ARGS`; sets CID.
podm_detach() {
	local rt=$1
	shift
	podm_ok "$rt" run -d "$@"
	CID=$output
	[[ "$CID" =~ ^[0-9a-f]{64}$ ]]
}

# The sleeper of run -d tests: pid 1 leaves with status 0 on SIGTERM.
PODM_SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')

# podm_inspect RUNTIME CONTAINER GO-TEMPLATE
podm_inspect() {
	podm "$1" inspect --format "$3" "$2"
}

# podm_wait_status RUNTIME CONTAINER STATUS: bounded poll (30 s).
podm_wait_status() {
	local i s=""
	for ((i = 0; i < 150; i++)); do
		s=$(podm_inspect "$1" "$2" '{{.State.Status}}' 2>/dev/null) || s=""
		[ "$s" = "$3" ] && return 0
		sleep 0.2
	done
	echo "container $2: status '$s', expected '$3'" >&2
	return 1
}

# podm_pid RUNTIME CONTAINER: the host pid of the container's init.
podm_pid() {
	local pid
	pid=$(podm_inspect "$1" "$2" '{{.State.Pid}}')
	[[ "$pid" =~ ^[0-9]+$ ]] && [ "$pid" -gt 0 ] || {
		echo "container $2 has no pid: '$pid'" >&2
		return 1
	}
	echo "$pid"
}

# podm_cgroup_file PID CONTROLLER V1-FILE V2-FILE: the host path of the
# file of PID's cgroup (from /proc/PID/cgroup): V1-FILE in the v1
# CONTROLLER hierarchy (this host, hybrid), or V2-FILE on a pure cgroup v2
# host. Sets PODM_CG_V2 to 1 for the latter.
podm_cgroup_file() {
	local pid=$1 ctl=$2 path
	PODM_CG_V2=0
	path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$pid/cgroup")
	if [ -z "$path" ] && [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		PODM_CG_V2=1
		path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
	fi
	[ -n "$path" ] || {
		echo "pid $pid has no $ctl cgroup" >&2
		return 1
	}
	# The container's cgroup is below the file's parent, not podman's default.
	[[ "$path" == "$PODM_CG/"* ]] || {
		echo "pid $pid: $ctl cgroup $path is not below $PODM_CG" >&2
		return 1
	}
	if [ "$PODM_CG_V2" = 1 ]; then
		PODM_CG_FILE="/sys/fs/cgroup$path/$4"
	else
		PODM_CG_FILE="/sys/fs/cgroup/$ctl$path/$3"
	fi
	echo "cgroup file: $PODM_CG_FILE" >&2
	[ -f "$PODM_CG_FILE" ]
}

# podm_runtime_leftovers RUNTIME ID: the runtime's state dir and the
# container's cgroups, those that still exist (" PATH" each).
podm_runtime_leftovers() {
	local rt=$1 id=$2 d
	[ ! -e "$(podm_state_root "$rt")/$id" ] || printf ' %s' "$(podm_state_root "$rt")/$id"
	podm_cgroup_dirs | while read -r d; do
		[ ! -d "$d/libpod-$id" ] || printf ' %s' "$d/libpod-$id"
	done
}

# podm_assert_gone RUNTIME ID: podman lost the container, and the runtime's
# state dir and the container's cgroups are gone (bounded poll: podman's
# clean-up runs in conmon's exit command).
podm_assert_gone() {
	local rt=$1 id=$2 i left
	for ((i = 0; i < 100; i++)); do
		left=$(podm_runtime_leftovers "$rt" "$id")
		[ -n "$left" ] || break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		echo "container $id: left behind:$left" >&2
		return 1
	fi
	if [ -n "$(podm "$rt" ps -a -q --no-trunc --filter "id=$id")" ]; then
		echo "container $id still known to podman" >&2
		return 1
	fi
}

# podm_assert_stopped RUNTIME ID: an exited container (still in podman)
# has no state dir and no cgroup left in the runtime.
podm_assert_stopped() {
	local rt=$1 id=$2 i left
	for ((i = 0; i < 100; i++)); do
		left=$(podm_runtime_leftovers "$rt" "$id")
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	echo "stopped container $id: left behind:$left" >&2
	return 1
}

# podm_cids: the ids of the containers this test created.
podm_cids() {
	local f
	for f in "$BATS_TEST_TMPDIR"/podm-cids/*; do
		[ -s "$f" ] && cat "$f" && echo
	done
}

# ---------------------------------------------------------------------------
# Per test.

podm_setup() {
	PODM_RT=
	PODM_GLOBAL=()
	unset PODM_RUNTIME_BIN PODM_STDIN PODM_FD3
}

# podm_require RUNTIME: skips runc's test when runc is not installed (a
# missing husk is a failure).
podm_require() {
	PODM_RT=$1
	if [ "$1" = husk ]; then
		[ -x "$HUSK_BINARY" ] || {
			echo "husk binary not found: $HUSK_BINARY (build it, or set HUSK_BINARY)" >&2
			return 1
		}
		return 0
	fi
	local bin
	bin=$(podm_runtime_bin "$1") && [ -x "$bin" ] || skip "$1 is not installed"
}

# Removes what the test left (even when it failed) and fails when it had to.
podm_teardown() {
	local rt=${PODM_RT:-husk} id ids bad=0 i p
	ids=$(podm_cids)
	[ -n "$ids" ] || return 0
	unset PODM_RUNTIME_BIN
	PODM_GLOBAL=()
	for id in $ids; do
		echo "$rt $id" >>"$PODM_DIR/ids"
		if [ -n "$(podm "$rt" ps -a -q --no-trunc --filter "id=$id" 2>/dev/null)" ]; then
			echo "teardown: container $id left in podman" >&2
			podm "$rt" rm --force --time 0 "$id" >/dev/null 2>&1 || true
			bad=1
		fi
	done
	# conmon and podman's exit commands of the test's containers end.
	for ((i = 0; i < 150; i++)); do
		# shellcheck disable=SC2086
		p=$(podm_pids_matching $ids)
		[ -n "$p" ] || break
		sleep 0.1
	done
	if [ -n "$p" ]; then
		echo "teardown: processes left: $p" >&2
		bad=1
	fi
	for id in $ids; do
		podm_assert_gone "$rt" "$id" || {
			timeout -k 5 60 "$(podm_runtime_bin "$rt")" delete --force "$id" </dev/null >&2 3>&- || true
			bad=1
		}
	done
	return "$bad"
}

# ---------------------------------------------------------------------------
# Capabilities

PODM_CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
	LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
	SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
	SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
	MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
	CHECKPOINT_RESTORE)

# podm_cap_mask NAME...: the /proc/PID/status hex mask of capabilities.
podm_cap_mask() {
	local mask=0 name i found
	for name in "$@"; do
		name=${name#CAP_}
		found=0
		for i in "${!PODM_CAP_NAMES[@]}"; do
			if [ "${PODM_CAP_NAMES[i]}" = "$name" ]; then
				mask=$((mask | (1 << i)))
				found=1
			fi
		done
		[ "$found" = 1 ] || {
			echo "unknown capability $name" >&2
			return 1
		}
	done
	printf '%016x\n' "$mask"
}

# podm_config_caps RUNTIME CONTAINER SET: the mask of the capability SET
# (effective, bounding, ...) of the config.json podman gave the runtime.
podm_config_caps() {
	local cfg
	cfg=$(podm_inspect "$1" "$2" '{{.OCIConfigPath}}')
	[ -f "$cfg" ] || {
		echo "no config.json for $2: '$cfg'" >&2
		return 1
	}
	# shellcheck disable=SC2046
	podm_cap_mask $(jq -r ".process.capabilities.$3[]" "$cfg")
}

# podm_created RUNTIME NAME ARGS...: `podman create --name NAME ARGS` then
# `podman init` (the runtime's create): podman has written config.json.
podm_created() {
	local rt=$1 name=$2
	shift 2
	podm_ok "$rt" create --name "$name" "$@"
	podm_ok "$rt" init "$name"
}

# ---------------------------------------------------------------------------
# Scenarios: podm_sc_NAME RUNTIME.

podm_sc_run_output() {
	podm_require "$1"
	podm_ok "$1" run --rm "$PODM_IMAGE" echo "hello from $1"
	[ "$output" = "hello from $1" ]
	local id
	id=$(podm_cids)
	podm_assert_gone "$1" "$id"
}

podm_sc_exit_code() {
	podm_require "$1"
	podm_run "$1" run --rm "$PODM_IMAGE" sh -c 'echo bye; exit 42'
	[ "$status" -eq 42 ]
	[ "$output" = bye ]
	podm_run "$1" run --rm "$PODM_IMAGE" false
	[ "$status" -eq 1 ]
	# podman maps the runtime's create error to 127 (no such file) and
	# 126 (permission denied) from the error message in its --log.
	PODM_EXPECT=127 podm_run "$1" run --rm "$PODM_IMAGE" /nonexistent
	[ "$status" -eq 127 ]
	podm_run "$1" run --rm "$PODM_IMAGE" /etc/passwd
	[ "$status" -eq 126 ]
	local id
	for id in $(podm_cids); do
		podm_assert_gone "$1" "$id"
	done
}

podm_sc_stdin() {
	podm_require "$1"
	run --separate-stderr podm_pipe "$1" "x from a pipe" run -i --rm "$PODM_IMAGE" cat
	echo "stdin: status $status, stdout '$output', stderr '$stderr'" >&2
	[ "$status" -eq 0 ]
	[ "$output" = "x from a pipe" ]
	# Without -i the container's stdin is /dev/null: cat ends at once.
	run --separate-stderr podm_pipe "$1" "not read" run --rm "$PODM_IMAGE" cat
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

podm_sc_seccomp_caps() {
	podm_require "$1"
	podm_created "$1" caps "$PODM_IMAGE" grep -E '^(Seccomp|CapEff|CapBnd|CapPrm|NoNewPrivs):' /proc/self/status
	local eff bnd
	eff=$(podm_config_caps "$1" caps effective)
	bnd=$(podm_config_caps "$1" caps bounding)
	# podman's default set (containers.conf's built-in list, 14 caps).
	[ "$eff" = "$(podm_cap_mask AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD \
		NET_BIND_SERVICE NET_RAW SETFCAP SETGID SETPCAP SETUID SYS_CHROOT)" ]
	podm_ok "$1" start --attach caps
	grep -qx $'Seccomp:\t2' <<<"$output"
	grep -qx $'CapEff:\t'"$eff" <<<"$output"
	grep -qx $'CapPrm:\t'"$eff" <<<"$output"
	grep -qx $'CapBnd:\t'"$bnd" <<<"$output"
	grep -qx $'NoNewPrivs:\t0' <<<"$output"
	[ "$(podm_inspect "$1" caps '{{.State.ExitCode}}')" = 0 ]
	podm_ok "$1" rm caps
	podm_assert_gone "$1" "$(podm_cids)"
	# --security-opt seccomp=unconfined: no filter.
	podm_ok "$1" run --rm --security-opt seccomp=unconfined "$PODM_IMAGE" grep '^Seccomp:' /proc/self/status
	[ "$output" = $'Seccomp:\t0' ]
}

podm_sc_user_capdrop_readonly() {
	podm_require "$1"
	podm_ok "$1" run --rm --user 65534:65534 "$PODM_IMAGE" sh -c 'id -u; id -g; grep ^CapEff: /proc/self/status'
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = 65534 ]
	[ "${lines[2]}" = $'CapEff:\t0000000000000000' ]
	# --cap-drop: CHOWN goes from the sets and chown fails; --read-only:
	# / is read-only, podman's tmpfs on /tmp is not.
	podm_created "$1" ro --cap-drop CHOWN --cap-drop NET_RAW --read-only "$PODM_IMAGE" sh -c '
		grep ^CapEff: /proc/self/status
		touch /tmp/f && echo tmp-writable
		chown 65534 /tmp/f 2>/dev/null || echo chown-refused
		touch /not-here 2>&1 || echo root-read-only'
	local eff
	eff=$(podm_config_caps "$1" ro effective)
	[ $((0x$eff & 1)) -eq 0 ]
	[ $((0x$eff & (1 << 13))) -eq 0 ]
	[ $((0x$eff & (1 << 3))) -ne 0 ] # FOWNER stays
	podm_ok "$1" start --attach ro
	[ "${lines[0]}" = $'CapEff:\t'"$eff" ]
	grep -qx tmp-writable <<<"$output"
	grep -qx chown-refused <<<"$output"
	grep -q 'Read-only file system' <<<"$output"
	grep -qx root-read-only <<<"$output"
	podm_ok "$1" rm ro
	# podman's tmpfs mounts ask for runc's tmpcopyup: a tmpfs on /etc
	# starts with the image's /etc (and takes its mode).
	podm_ok "$1" run --rm --read-only --tmpfs /etc "$PODM_IMAGE" sh -c '
		grep " /etc " /proc/self/mountinfo | cut -d" " -f9
		stat -c "%a %u %g" /etc
		grep -c ^nobody: /etc/passwd
		touch /etc/new && echo etc-writable'
	[ "${lines[0]}" = tmpfs ]
	[ "${lines[1]}" = "755 0 0" ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = etc-writable ]
}

podm_sc_tty() {
	podm_require "$1"
	podm_tty "$1" run --rm -t "$PODM_IMAGE" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo all-ttys; exit 5'
	[ "$status" -eq 5 ]
	grep -qx '/dev/pts/[0-9]*' <<<"$output"
	grep -qx all-ttys <<<"$output"
	# Without -t: no terminal.
	podm_ok "$1" run --rm "$PODM_IMAGE" sh -c '[ -t 1 ] || echo no-tty'
	[ "$output" = no-tty ]
}

podm_sc_memory() {
	podm_require "$1"
	podm_detach "$1" --memory 64m "$PODM_IMAGE" sleep 1000
	local pid f
	pid=$(podm_pid "$1" "$CID")
	podm_cgroup_file "$pid" memory memory.limit_in_bytes memory.max
	f=$PODM_CG_FILE
	echo "$f: $(cat "$f")" >&2
	[ "$(cat "$f")" -eq $((64 * 1024 * 1024)) ]
	# The init is in that cgroup (not only its directory).
	grep -qx "$pid" "${f%/*}/cgroup.procs"
	podm_ok "$1" rm --force --time 0 "$CID"
	podm_assert_gone "$1" "$CID"
}

podm_sc_pids_limit() {
	podm_require "$1"
	podm_detach "$1" --pids-limit 42 "$PODM_IMAGE" sleep 1000
	local pid f
	pid=$(podm_pid "$1" "$CID")
	podm_cgroup_file "$pid" pids pids.max pids.max
	f=$PODM_CG_FILE
	echo "$f: $(cat "$f")" >&2
	[ "$(cat "$f")" = 42 ]
	grep -qx "$pid" "${f%/*}/cgroup.procs"
	podm_ok "$1" rm --force --time 0 "$CID"
	podm_assert_gone "$1" "$CID"
}

podm_sc_detach_exec_stop_start() {
	podm_require "$1"
	podm_detach "$1" --name life "$PODM_IMAGE" "${PODM_SLEEPER[@]}"
	podm_wait_status "$1" life running
	[ -d "$(podm_state_root "$1")/$CID" ]
	podm_ok "$1" exec life sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
	[ "${lines[0]}" = exec-ok ]
	[[ "${lines[1]}" == "sh -c trap"* ]]
	podm_run "$1" exec life sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run --separate-stderr podm_pipe "$1" "exec stdin" exec -i life cat
	[ "$status" -eq 0 ]
	[ "$output" = "exec stdin" ]
	podm_tty "$1" exec -t life sh -c 'tty; [ -t 0 ] && echo exec-tty'
	[ "$status" -eq 0 ]
	grep -qx '/dev/pts/[0-9]*' <<<"$output"
	grep -qx exec-tty <<<"$output"
	# stop: SIGTERM (the trap exits 0), then the runtime's state goes.
	podm_ok "$1" stop --time 30 life
	podm_wait_status "$1" life exited
	[ "$(podm_inspect "$1" life '{{.State.ExitCode}}')" = 0 ]
	podm_assert_stopped "$1" "$CID"
	# start again: a new init in a new cgroup of the same container.
	podm_ok "$1" start life
	podm_wait_status "$1" life running
	podm_ok "$1" exec life echo again
	[ "$output" = again ]
	podm_ok "$1" rm --force --time 0 life
	podm_assert_gone "$1" "$CID"
}

podm_sc_ps_top() {
	podm_require "$1"
	podm_detach "$1" --name pt "$PODM_IMAGE" sleep 1000
	podm_wait_status "$1" pt running
	podm_ok "$1" ps --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}'
	grep -q "^$CID pt Up" <<<"$output"
	podm_ok "$1" top pt pid args
	grep -Eq '^1 +sleep 1000 *$' <<<"$output"
	podm_ok "$1" rm --force --time 0 pt
	podm_ok "$1" ps -a --no-trunc --format '{{.ID}}'
	podm_refute grep -q "$CID" <<<"$output"
	podm_assert_gone "$1" "$CID"
}

podm_sc_pause() {
	podm_require "$1"
	podm_detach "$1" --name pz "$PODM_IMAGE" sleep 1000
	podm_wait_status "$1" pz running
	local pid f
	pid=$(podm_pid "$1" "$CID")
	podm_cgroup_file "$pid" freezer freezer.state cgroup.freeze
	f=$PODM_CG_FILE
	local frozen=FROZEN thawed=THAWED
	[ "$PODM_CG_V2" = 0 ] || { frozen=1 thawed=0; }
	podm_ok "$1" pause pz
	[ "$(podm_inspect "$1" pz '{{.State.Status}}')" = paused ]
	[ "$(cat "$f")" = "$frozen" ]
	podm_ok "$1" unpause pz
	[ "$(podm_inspect "$1" pz '{{.State.Status}}')" = running ]
	[ "$(cat "$f")" = "$thawed" ]
	podm_ok "$1" exec pz echo thawed
	[ "$output" = thawed ]
	# A paused container is removed with --force too.
	podm_ok "$1" pause pz
	podm_ok "$1" rm --force --time 0 pz
	podm_assert_gone "$1" "$CID"
}

podm_sc_logs() {
	podm_require "$1"
	podm_detach "$1" --name lg "$PODM_IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2; exit 4'
	podm_ok "$1" wait lg
	[ "$output" = 4 ]
	podm_ok "$1" logs lg
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
	podm_assert_stopped "$1" "$CID"
	podm_ok "$1" rm lg
	podm_assert_gone "$1" "$CID"
}

podm_sc_kill() {
	podm_require "$1"
	podm_detach "$1" --name kl "$PODM_IMAGE" sh -c 'trap "echo got-usr1; exit 7" USR1; sleep 1000 & wait'
	podm_wait_status "$1" kl running
	podm_ok "$1" kill --signal USR1 kl
	podm_ok "$1" wait kl
	[ "$output" = 7 ]
	podm_ok "$1" logs kl
	[ "$output" = got-usr1 ]
	podm_assert_stopped "$1" "$CID"
	# Default signal: SIGKILL, 128 + 9.
	podm_ok "$1" start kl
	podm_wait_status "$1" kl running
	podm_ok "$1" kill kl
	podm_ok "$1" wait kl
	[ "$output" = 137 ]
	podm_ok "$1" rm kl
	podm_assert_gone "$1" "$CID"
}

# The init binary podman mounts at /run/podman-init: its default (4.3:
# /usr/libexec/podman/catatonit) or a catatonit on PATH. It must be static
# (the busybox image has no libc).
podm_init_binary() {
	local b
	for b in /usr/libexec/podman/catatonit "$(command -v catatonit)" "$(command -v tini-static)"; do
		[ -n "$b" ] && [ -x "$b" ] || continue
		ldd "$b" 2>&1 | grep -q 'not a dynamic executable' || continue
		echo "$b"
		return 0
	done
	return 1
}

podm_sc_init() {
	podm_require "$1"
	local init
	init=$(podm_init_binary) || skip "no static catatonit (podman's --init) installed"
	podm_ok "$1" run --rm --init --init-path "$init" "$PODM_IMAGE" sh -c \
		'tr "\0" " " </proc/1/cmdline; echo; echo "sh=$$"; kill -0 1 && echo init-alive'
	[[ "${lines[0]}" == "/run/podman-init -- sh -c "* ]]
	[ "${lines[1]}" != sh=1 ]
	[[ "${lines[1]}" =~ ^sh=[0-9]+$ ]]
	[ "${lines[2]}" = init-alive ]
	# Exit status of the command through the init.
	podm_run "$1" run --rm --init --init-path "$init" "$PODM_IMAGE" sh -c 'exit 9'
	[ "$status" -eq 9 ]
}

# The shell's open fds below 20, tested with builtins only (a pipe or a
# directory listing of its own would show up).
PODM_LIST_FDS='f=0; while [ $f -lt 20 ]; do [ -e /proc/$$/fd/$f ] && echo -n "$f "; f=$((f + 1)); done; echo'

podm_sc_preserve_fds() {
	podm_require "$1"
	local f="$BATS_TEST_TMPDIR/fd3"
	echo "content of fd 3" >"$f"
	PODM_FD3=$f podm_ok "$1" run --rm --preserve-fds 1 "$PODM_IMAGE" sh -c "cat <&3; $PODM_LIST_FDS"
	[ "${lines[0]}" = "content of fd 3" ]
	[ "${lines[1]}" = "0 1 2 3 " ]
	# Without --preserve-fds the caller's fd 3 does not get in.
	PODM_FD3=$f podm_ok "$1" run --rm "$PODM_IMAGE" sh -c "$PODM_LIST_FDS"
	[ "$output" = "0 1 2 " ]
}

# podm_wrapper RUNTIME: a script named like the runtime (podman picks the
# --log-format=json list by name) that logs its argv, one call a line, to
# $PODM_ARGV and execs the runtime. Sets PODM_RUNTIME_BIN.
podm_wrapper() {
	local dir="$BATS_TEST_TMPDIR/wrap"
	mkdir -p "$dir"
	PODM_ARGV="$dir/argv.log"
	: >"$PODM_ARGV"
	cat >"$dir/$1" <<-EOF
		#!/bin/sh
		echo "\$*" >>'$PODM_ARGV'
		exec '$(podm_runtime_bin "$1")' "\$@"
	EOF
	chmod 755 "$dir/$1"
	PODM_RUNTIME_BIN="$dir/$1"
}

# podm_argv_verbs ID: the wrapper's log for container ID, one call a line,
# with the paths and ids replaced by their flag's name. `delete` comes
# from whichever podman cleans up first: the one of the command, with the
# runtime flags, or conmon's exit command, without: "--debug" is dropped.
# A `state` query (podman may sync with one) is no step of the life.
podm_argv_verbs() {
	grep -F -- "$1" "$PODM_ARGV" | sed -E -e "s/$1/ID/g" \
		-e 's/--(log|bundle|pid-file|process) [^ ]+/--\1 X/g' \
		-e 's/^--debug delete /delete /' -e '/ state ID$/d'
}

# podm_assert_verbs ID: the runtime command lines logged for ID are those on
# stdin (as podm_argv_verbs writes them).
podm_assert_verbs() {
	podm_argv_verbs "$1" >"$BATS_TEST_TMPDIR/verbs"
	cat "$BATS_TEST_TMPDIR/verbs" >&2
	diff -u - "$BATS_TEST_TMPDIR/verbs"
}

podm_sc_runtime_flag() {
	podm_require "$1"
	podm_wrapper "$1"
	PODM_GLOBAL=(--runtime-flag debug)
	podm_ok "$1" run --rm "$PODM_IMAGE" echo flagged
	[ "$output" = flagged ]
	local id
	id=$(podm_cids)
	podm_assert_gone "$1" "$id"
	# create (from conmon), start and delete (from podman), with the flag
	# and the JSON log, and no --root (the runtime's default root).
	podm_assert_verbs "$id" <<-EOF
		--debug --log-format=json --log X create --bundle X --pid-file X ID
		--debug start ID
		delete --force ID
	EOF
	# The whole life of a detached container, as podman drives it.
	podm_detach "$1" --name wr "$PODM_IMAGE" "${PODM_SLEEPER[@]}"
	podm_wait_status "$1" wr running
	podm_ok "$1" pause wr
	podm_ok "$1" unpause wr
	podm_ok "$1" exec wr true
	podm_ok "$1" stop --time 30 wr
	podm_assert_stopped "$1" "$CID"
	podm_ok "$1" start wr
	podm_wait_status "$1" wr running
	podm_ok "$1" rm --force --time 0 wr
	podm_assert_gone "$1" "$CID"
	podm_assert_verbs "$CID" <<-EOF
		--debug --log-format=json --log X create --bundle X --pid-file X ID
		--debug start ID
		--debug pause ID
		--debug resume ID
		--debug --log-format=json --log X exec --pid-file X --process X --detach ID
		--debug kill ID 15
		delete --force ID
		--debug --log-format=json --log X create --bundle X --pid-file X ID
		--debug start ID
		--debug kill ID 9
		delete --force ID
	EOF
	podm_refute grep -q -- --root "$PODM_ARGV"
}
