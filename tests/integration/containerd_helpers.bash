# Helpers for containerd.bats: a private containerd 1.6 whose runc shim
# (io.containerd.runc.v2) runs husk or runc as its runtime binary, driven
# with `ctr`, and the scenarios both runtimes go through.
#
# One containerd per file (ctrd_setup_file / ctrd_teardown_file), all its
# files under $CTRD_DIR:
#   config.toml, containerd.sock, containerd.log, root/, state/, tmp/
#   fifo/          ctr's stdio fifos
#   runtime-husk/  the shim's --root for husk (runc-root), and runtime-runc/
#   image/         the busybox image (tools/image-busybox.sh)
# Containers live in the ctr namespace $CTRD_NS (unique per run), so their
# cgroups are /$CTRD_NS/<id> in every hierarchy. A container id is
# <runtime>-<test number>-<name> (ctrd_id), unique within the file.
#
# Environment: CTRD_CMD_TIMEOUT, upper bound in seconds for one ctr
# command (60); CTRD_WAIT, for one poll loop (30); CTRD_SNAPSHOTTER,
# overlayfs or native (default: overlayfs if it works here).

: "${CTRD_CMD_TIMEOUT:=60}"
: "${CTRD_WAIT:=30}"
CTRD_TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools"

# ---------------------------------------------------------------------------
# The private containerd.

ctrd_setup_file() {
	local i
	# The containers of one file share a namespace: one test at a time.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if [ -z "${HUSK_TEST_ROOTFS:-}" ] || [ ! -d "$HUSK_TEST_ROOTFS" ]; then
		husk_suite_init
	fi
	for i in containerd ctr containerd-shim-runc-v2 umoci skopeo script; do
		command -v "$i" >/dev/null || {
			echo "$i is missing (apt-get install containerd umoci skopeo util-linux)" >&2
			return 1
		}
	done
	CTRD_DIR="$BATS_FILE_TMPDIR/ctrd"
	# The sockets' paths must fit in sun_path (108 bytes).
	if [ ${#CTRD_DIR} -gt 70 ]; then
		CTRD_DIR=$(mktemp -d /tmp/husk-ctrd.XXXXXX)
		CTRD_OWN_DIR=1
	fi
	export CTRD_DIR CTRD_OWN_DIR
	export CTRD_SOCK="$CTRD_DIR/containerd.sock"
	CTRD_NS="husk-itest-ctrd-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
	export CTRD_NS
	export CTRD_IMAGE=localhost/husk-itest/busybox:latest
	# containerd 1.6 puts its shims' sockets in /run/containerd/s whatever
	# its state dir: remove the dirs at the end if they are ours.
	CTRD_RUN_CREATED=""
	[ -d /run/containerd ] || CTRD_RUN_CREATED=/run/containerd
	[ -n "$CTRD_RUN_CREATED" ] || [ -d /run/containerd/s ] || CTRD_RUN_CREATED=/run/containerd/s
	export CTRD_RUN_CREATED
	mkdir -p "$CTRD_DIR"/{root,state,tmp,fifo,runtime-husk,runtime-runc}
	ctrd_write_config "$CTRD_DIR/config.toml"
	# In the background, without bats' fd 3 (bats would wait for it).
	containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/containerd.log" 2>&1 3>&- &
	export CTRD_PID=$!
	for ((i = 0; i < CTRD_WAIT * 10; i++)); do
		timeout 10 ctr --address "$CTRD_SOCK" version </dev/null >/dev/null 2>&1 3>&- && break
		if ! ctrd_alive "$CTRD_PID"; then
			echo "containerd exited at start:" >&2
			cat "$CTRD_DIR/containerd.log" >&2
			return 1
		fi
		sleep 0.1
	done
	if ! timeout 10 ctr --address "$CTRD_SOCK" version </dev/null >/dev/null 2>&1 3>&-; then
		echo "containerd did not answer on $CTRD_SOCK" >&2
		tail -20 "$CTRD_DIR/containerd.log" >&2
		return 1
	fi
	# The image, from the suite's busybox rootfs, once per file.
	IMAGE_NAME=$CTRD_IMAGE timeout 120 "$CTRD_TOOLS/image-busybox.sh" "$CTRD_DIR/image" \
		"$HUSK_TEST_ROOTFS" </dev/null >/dev/null 3>&- || return 1
	ctrd_ctr images import --snapshotter "$CONTAINERD_SNAPSHOTTER" "$CTRD_DIR/image/busybox.tar" >/dev/null ||
		return 1
	ctrd_ctr images check | grep -qF "$CTRD_IMAGE" || {
		echo "image $CTRD_IMAGE not in containerd after import" >&2
		return 1
	}
}

# ctrd_write_config FILE: version 2 config, everything under $CTRD_DIR,
# no CRI (no network, no CNI), no /opt/containerd, no tracing.
ctrd_write_config() {
	cat >"$1" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
temp = "$CTRD_DIR/tmp"
oom_score = 0
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.opt",
  "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "$CTRD_SOCK"

[ttrpc]
  address = "$CTRD_SOCK.ttrpc"

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = "$CTRD_DIR/runtime-v1"
EOF
	# overlayfs where the kernel can do it on our dir, else native copies
	# (ctr run reads CONTAINERD_SNAPSHOTTER); CTRD_SNAPSHOTTER forces one.
	if [ -n "${CTRD_SNAPSHOTTER:-}" ]; then
		export CONTAINERD_SNAPSHOTTER=$CTRD_SNAPSHOTTER
	elif ctrd_overlay_works; then
		export CONTAINERD_SNAPSHOTTER=overlayfs
	else
		export CONTAINERD_SNAPSHOTTER=native
	fi
}

ctrd_overlay_works() {
	local d="$CTRD_DIR/tmp/ovl" ok=1
	mkdir -p "$d"/{l,u,w,m}
	if mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" 2>/dev/null; then
		umount "$d/m" && ok=0
	fi
	rm -rf "$d"
	return "$ok"
}

ctrd_teardown_file() {
	local bad=0 id p m c
	[ -n "${CTRD_DIR:-}" ] || return 0
	if [ -n "${CTRD_PID:-}" ] && ctrd_alive "$CTRD_PID"; then
		# Containers a failed teardown left, then the image.
		for id in $(ctrd_ctr containers ls -q 2>/dev/null); do
			echo "teardown_file: container $id left" >&2
			ctrd_remove_container "$id"
			bad=1
		done
		ctrd_ctr images rm "$CTRD_IMAGE" >/dev/null 2>&1 || true
		# Ours, by pid: the process we started with our config.
		if tr '\0' ' ' <"/proc/$CTRD_PID/cmdline" 2>/dev/null | grep -qF -- "--config $CTRD_DIR/config.toml"; then
			kill -TERM "$CTRD_PID"
			ctrd_wait_gone "$CTRD_PID" || {
				echo "teardown_file: containerd $CTRD_PID ignores SIGTERM, killing it" >&2
				kill -KILL "$CTRD_PID" 2>/dev/null || true
				bad=1
			}
		fi
	fi
	wait "$CTRD_PID" 2>/dev/null || true
	# Shims of this instance outlive it: none should be left.
	for p in $(ctrd_shim_pids); do
		echo "teardown_file: shim $p left: $(tr '\0' ' ' <"/proc/$p/cmdline")" >&2
		kill -KILL "$p" 2>/dev/null || true
		bad=1
	done
	for m in $(awk -v d="$CTRD_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		echo "teardown_file: mount left: $m" >&2
		umount -l "$m" 2>/dev/null || true
		bad=1
	done
	# /<namespace> in every hierarchy: empty, then removed.
	remove_cgroup_tree "/$CTRD_NS" || bad=1
	case ${CTRD_RUN_CREATED:-} in
	/run/containerd) rmdir /run/containerd/s /run/containerd 2>/dev/null || true ;;
	/run/containerd/s) rmdir /run/containerd/s 2>/dev/null || true ;;
	esac
	if [ "${CTRD_OWN_DIR:-}" = 1 ]; then
		rm -rf "$CTRD_DIR"
	fi
	return "$bad"
}

# ctrd_alive PID: PID is a live, non-zombie process.
ctrd_alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# ctrd_wait_gone PID...: bounded poll until none of the pids is alive.
ctrd_wait_gone() {
	local i p left
	for ((i = 0; i < CTRD_WAIT * 10; i++)); do
		left=""
		for p in "$@"; do
			ctrd_alive "$p" && left+=" $p"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "still alive:$left" >&2
	return 1
}

# ctrd_shim_pids [ID]: the runc shims of our containerd (of container ID).
ctrd_shim_pids() {
	local f p cmd
	for f in /proc/[0-9]*/cmdline; do
		p=${f#/proc/}
		p=${p%/cmdline}
		cmd=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
		case $cmd in
		*containerd-shim-runc-v2*"-address $CTRD_SOCK"*) ;;
		*) continue ;;
		esac
		[ -z "${1:-}" ] || [[ "$cmd" == *"-id $1 "* ]] || continue
		ctrd_alive "$p" && echo "$p"
	done
}

# ---------------------------------------------------------------------------
# Running ctr.

# ctrd_ctr ARGS...: ctr against our containerd and namespace, bounded, with
# stdin from /dev/null and bats' fd 3 closed.
ctrd_ctr() {
	timeout -k 5 "$CTRD_CMD_TIMEOUT" ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@" </dev/null 3>&-
}

# ctrd_tty ARGS...: `ctr ARGS` against our containerd in a terminal of its
# own, for `-t`; sets status and output.
ctrd_tty() {
	tty_capture "$CTRD_CMD_TIMEOUT" /dev/null "ctr $*" \
		ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@"
}

# ctrd_use RUNTIME: the scenario runs with husk or runc as the shim's
# runtime binary (runc: skipped if not installed). Sets CTRD_RT and
# CTRD_OPTS, the `ctr run` flags that select it.
ctrd_use() {
	local bin
	CTRD_RT=$1
	case $1 in
	husk) bin=$HUSK_BINARY ;;
	runc)
		bin=$(command -v runc) || skip "runc is not installed"
		;;
	*)
		echo "unknown runtime $1" >&2
		return 1
		;;
	esac
	CTRD_ROOT="$CTRD_DIR/runtime-$1"
	CTRD_OPTS=(--runc-binary "$bin" --runc-root "$CTRD_ROOT" --fifo-dir "$CTRD_DIR/fifo")
}

# ctrd_id NAME: a container id for this test and runtime.
ctrd_id() {
	echo "$CTRD_RT-${BATS_TEST_NUMBER}-$1"
}

# ctrd_split_flags [RUN-FLAGS...] -- COMMAND...: the flags before "--" into
# the caller's array "flags".
ctrd_split_flags() {
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
}

# ctrd_start ID [RUN-FLAGS...] -- COMMAND...: a detached task whose output
# goes to $BATS_TEST_TMPDIR/ID.log.
ctrd_start() {
	local id=$1 flags=()
	shift
	ctrd_split_flags "$@"
	shift $((${#flags[@]} + 1))
	ctrd_ctr run -d "${CTRD_OPTS[@]}" --log-uri "file://$BATS_TEST_TMPDIR/$id.log" \
		"${flags[@]}" "$CTRD_IMAGE" "$id" "$@" || {
		echo "ctr run -d $id failed" >&2
		return 1
	}
}

# ctrd_run_bg ID [RUN-FLAGS...] -- COMMAND...: an attached `ctr run --rm`
# in the background (stdout and stderr to $BATS_TEST_TMPDIR/ID.out/.err);
# ctrd_wait_bg ID then gives its exit status in $status.
ctrd_run_bg() {
	local id=$1 flags=()
	shift
	ctrd_split_flags "$@"
	shift $((${#flags[@]} + 1))
	ctrd_ctr run --rm "${CTRD_OPTS[@]}" "${flags[@]}" "$CTRD_IMAGE" "$id" "$@" \
		>"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" &
	CTRD_BG_PIDS+=("$!")
	eval "CTRD_BG_$(ctrd_var "$id")=$!"
}

ctrd_wait_bg() {
	local v pid
	v="CTRD_BG_$(ctrd_var "$1")"
	pid=${!v}
	status=0
	wait "$pid" || status=$?
	echo "\$ ctr run $1 => status $status" >&2
	cat "$BATS_TEST_TMPDIR/$1.out" "$BATS_TEST_TMPDIR/$1.err" >&2
}

# ctrd_var ID: ID as a shell variable name.
ctrd_var() {
	echo "${1//[^a-zA-Z0-9_]/_}"
}

# ctrd_status ID: the task's status in `ctr task ls` (RUNNING, PAUSED,
# STOPPED, ...), empty without a task.
ctrd_status() {
	ctrd_ctr tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

# ctrd_pid ID: the task's init pid (host pid namespace).
ctrd_pid() {
	ctrd_ctr tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'
}

# ctrd_wait_status ID STATUS: bounded poll of `ctr task ls`.
ctrd_wait_status() {
	local i s=""
	for ((i = 0; i < CTRD_WAIT * 10; i++)); do
		s=$(ctrd_status "$1")
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1: status '$s', expected '$2'" >&2
	return 1
}

# ctrd_wait_for CMD...: bounded poll until CMD succeeds.
ctrd_wait_for() {
	local i
	for ((i = 0; i < CTRD_WAIT * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# ctrd_file_has FILE TEXT: FILE holds a line TEXT.
ctrd_file_has() {
	grep -qxF -- "$2" "$1" 2>/dev/null
}

# ctrd_nprocs ID: number of processes `ctr task ps` lists.
ctrd_nprocs() {
	ctrd_ctr tasks ps "$1" 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/' | wc -l
}

# ctrd_has_nprocs ID N
ctrd_has_nprocs() {
	[ "$(ctrd_nprocs "$1")" -eq "$2" ]
}

# ctrd_refute CMD...: fails if CMD succeeds (a bare `! CMD` does not fail
# a bats test: errexit ignores negated commands).
ctrd_refute() {
	if "$@"; then
		echo "unexpected success: $*" >&2
		return 1
	fi
}

# ctrd_cgroup_dirs ID: the container's cgroup dir in each hierarchy that
# has one.
ctrd_cgroup_dirs() {
	local m
	for m in $(cgroup_mounts); do
		[ -d "$m/$CTRD_NS/$1" ] && echo "$m/$CTRD_NS/$1"
	done
	return 0
}

# ctrd_v1_mount CONTROLLER: mount point of the v1 hierarchy with it.
ctrd_v1_mount() {
	awk -v c="$1" '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
	}' /proc/self/mountinfo
}

# ctrd_unified: the cgroup2 mount point, if any.
ctrd_unified() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if ($(i + 1) == "cgroup2") { print $5; exit }
	}' /proc/self/mountinfo
}

# ctrd_remove_container ID: kill, delete the task, remove the container
# and its snapshot, each step bounded, whatever state it is in.
ctrd_remove_container() {
	local id=$1 s
	s=$(ctrd_status "$id")
	if [ -n "$s" ]; then
		[ "$s" != PAUSED ] || ctrd_ctr tasks resume "$id" >/dev/null 2>&1 || true
		if [ "$s" != STOPPED ]; then
			ctrd_ctr tasks kill -a -s KILL "$id" >/dev/null 2>&1 ||
				ctrd_ctr tasks kill -s KILL "$id" >/dev/null 2>&1 || true
			ctrd_wait_status "$id" STOPPED 2>/dev/null || true
		fi
		ctrd_ctr tasks rm -f "$id" >/dev/null 2>&1 || true
	fi
	ctrd_ctr containers rm "$id" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------
# Per test.

ctrd_setup() {
	husk_setup
	CTRD_BG_PIDS=()
}

# ctrd_teardown: removes the test's containers (with their tasks and
# snapshots), then fails if anything is left: a container, task, active
# snapshot, shim, runtime state dir, bundle, cgroup or mount of ours.
ctrd_teardown() {
	local leaks="" id p x
	for p in "${CTRD_BG_PIDS[@]}"; do
		if kill -0 "$p" 2>/dev/null; then
			kill -TERM "$p" 2>/dev/null || true
		fi
	done
	# The test's containers: removing them is our job, not a leak.
	for id in $(ctrd_ctr containers ls -q 2>/dev/null); do
		ctrd_remove_container "$id"
	done
	for p in "${CTRD_BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	# What the removal could not remove is.
	x=$(ctrd_ctr containers ls -q 2>/dev/null)
	[ -z "$x" ] || leaks+="containers left: $x"$'\n'
	x=$(ctrd_ctr tasks ls -q 2>/dev/null)
	[ -z "$x" ] || leaks+="tasks left: $x"$'\n'
	x=$(ctrd_ctr snapshots ls 2>/dev/null | awk '$NF == "Active" { print $1 }')
	if [ -n "$x" ]; then
		leaks+="active snapshots left: $x"$'\n'
		for id in $x; do ctrd_ctr snapshots rm "$id" >/dev/null 2>&1 || true; done
	fi
	# The shim exits once its container is deleted.
	if ! ctrd_wait_for ctrd_no_shims 2>/dev/null; then
		x=$(ctrd_shim_pids)
		leaks+="shims left: $x"$'\n'
		for p in $x; do kill -KILL "$p" 2>/dev/null || true; done
	fi
	for x in "$CTRD_DIR"/runtime-{husk,runc}/"$CTRD_NS"/* "$CTRD_DIR/state/io.containerd.runtime.v2.task/$CTRD_NS"/*; do
		[ -e "$x" ] || continue
		leaks+="state left: $x"$'\n'
		rm -rf "$x"
	done
	x=$(ctrd_leaked_cgroups)
	if [ -n "$x" ]; then
		leaks+="cgroups left: $x"$'\n'
		for p in $x; do rmdir "$p" 2>/dev/null || true; done
	fi
	x=$(awk -v a="$CTRD_DIR/" -v b="$BATS_TEST_TMPDIR/" \
		'index($5, a) == 1 || index($5, b) == 1 { print $5 }' /proc/self/mountinfo)
	if [ -n "$x" ]; then
		leaks+="mounts left: $x"$'\n'
		for p in $(echo "$x" | sort -r); do umount -l "$p" 2>/dev/null || true; done
	fi
	husk_teardown || leaks+="husk_teardown failed"$'\n'
	if [ -n "$leaks" ]; then
		echo "teardown: $leaks" >&2
		return 1
	fi
}

ctrd_no_shims() {
	[ -z "$(ctrd_shim_pids)" ]
}

# ctrd_leaked_cgroups: container cgroups under /$CTRD_NS, any hierarchy.
ctrd_leaked_cgroups() {
	local m
	for m in $(cgroup_mounts); do
		[ -d "$m/$CTRD_NS" ] || continue
		find "$m/$CTRD_NS" -mindepth 1 -depth -type d 2>/dev/null
	done
	return 0
}

# ---------------------------------------------------------------------------
# Scenarios: each takes the runtime (husk or runc).

# run --rm: the container's stdout and stderr reach ctr's, it is pid 1 in
# its own pid namespace, in its cgroup /<namespace>/<id>, and is gone after.
ctrd_scenario_run_rm() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id run)
	run --separate-stderr ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id" \
		sh -c 'echo "hello from pid $$"; echo to-stderr >&2; grep -E "^[0-9]+:(memory|pids|):" /proc/self/cgroup'
	echo "status $status; stdout: $output; stderr: $stderr" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from pid 1" ]
	[ "$stderr" = to-stderr ]
	# The cgroup containerd asked for (cgroupsPath /<namespace>/<id>).
	grep -qx "[0-9]*:memory:/$CTRD_NS/$id" <<<"$output" ||
		grep -qx "0::/$CTRD_NS/$id" <<<"$output"
	run ctrd_ctr containers ls -q
	[ "$status" -eq 0 ]
	ctrd_refute grep -qx "$id" <<<"$output"
	[ -z "$(ctrd_cgroup_dirs "$id")" ]
}

# The container's exit status is ctr's.
ctrd_scenario_exit_code() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id exit)
	run ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id" sh -c 'echo bye; exit 7'
	echo "status $status: $output" >&2
	[ "$status" -eq 7 ]
	[ "$output" = bye ]
	run ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id-false" false
	[ "$status" -eq 1 ]
	run ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id-true" true
	[ "$status" -eq 0 ]
}

# --env, --cwd and --read-only reach the container: the variable, the
# working directory, and a root that refuses writes (while /dev/shm, a
# tmpfs of its own, takes them).
ctrd_scenario_env_cwd_readonly() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id env)
	run ctrd_ctr run --rm "${CTRD_OPTS[@]}" --env FOO=bar --env "SPACED=a b" --cwd /etc --read-only \
		"$CTRD_IMAGE" "$id" sh -c '
		echo "FOO=$FOO"; echo "SPACED=$SPACED"; echo "PATH=$PATH"; echo "cwd=$(pwd)"
		touch /newfile 2>&1 || echo root-readonly
		touch /dev/shm/ok && echo shm-writable
		grep -q "^[^ ]* / [^ ]* ro[, ]" /proc/mounts && echo root-mounted-ro'
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -qx 'FOO=bar' <<<"$output"
	grep -qx 'SPACED=a b' <<<"$output"
	# From the image's config.
	grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$output"
	grep -qx 'cwd=/etc' <<<"$output"
	grep -q 'Read-only file system' <<<"$output"
	grep -qx root-readonly <<<"$output"
	grep -qx shm-writable <<<"$output"
	grep -qx root-mounted-ro <<<"$output"
	# Without --read-only the root is writable.
	run ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id-rw" sh -c 'touch /newfile && echo root-writable'
	[ "$status" -eq 0 ]
	[ "$output" = root-writable ]
}

# ctrd_start_sleepers ID: a detached task, sh with two sleep children,
# waited for until `ctr task ps` shows all three.
ctrd_start_sleepers() {
	ctrd_start "$1" -- sh -c 'echo ready; sleep 1000 & sleep 1000 & wait; echo children-gone; exit 7'
	ctrd_wait_for ctrd_has_nprocs "$1" 3
}

# exec in a detached task: output and exit status come back through ctr,
# and the process is in the task's pid namespace.
ctrd_scenario_exec() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id exec)
	ctrd_start_sleepers "$id"
	run ctrd_ctr tasks exec --fifo-dir "$CTRD_DIR/fifo" --exec-id e1 --cwd /tmp "$id" \
		sh -c 'echo "exec pid $$ in $(pwd)"; tr "\0" " " </proc/1/cmdline; echo; exit 3'
	echo "status $status: $output" >&2
	[ "$status" -eq 3 ]
	# Pid 1 is the task's sh, so the exec'd sh has another pid.
	grep -qx 'exec pid [0-9]* in /tmp' <<<"$output"
	ctrd_refute grep -qx 'exec pid 1 .*' <<<"$output"
	grep -q '^sh -c echo ready' <<<"$output"
	# The exec'd process is gone, the task runs on.
	[ "$(ctrd_status "$id")" = RUNNING ]
	ctrd_has_nprocs "$id" 3
	# A failing exec: the runtime's message.
	run --separate-stderr ctrd_ctr tasks exec --fifo-dir "$CTRD_DIR/fifo" --exec-id e2 "$id" /nonexistent
	echo "status $status: $stderr" >&2
	[ "$status" -ne 0 ]
	ctrd_runtime_says exec 'exec: "/nonexistent": ' 'No such file or directory'
	[ "$(ctrd_status "$id")" = RUNNING ]
}

# exec -t: the process gets a terminal (ctr itself runs in one).
ctrd_scenario_exec_tty() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id exectty)
	ctrd_start_sleepers "$id"
	ctrd_tty tasks exec -t --fifo-dir "$CTRD_DIR/fifo" --exec-id t1 "$id" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; exit 5'
	[ "$status" -eq 5 ]
	grep -q '/dev/pts/[0-9]*$' <<<"$output"
	grep -q 'all-tty$' <<<"$output"
	[ "$(ctrd_status "$id")" = RUNNING ]
}

# run -t: the init gets a terminal.
ctrd_scenario_run_tty() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id runtty)
	ctrd_tty run --rm -t "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo all-tty; exit 4'
	[ "$status" -eq 4 ]
	grep -q '/dev/pts/0$' <<<"$output"
	grep -q 'all-tty$' <<<"$output"
}

# ctr task ps: the runtime's `ps` lists the task's processes, the same
# pids as the host cgroup holds.
ctrd_scenario_ps() {
	ctrd_use "$1"
	local id pid cg ps_pids cg_pids m p
	id=$(ctrd_id ps)
	ctrd_start_sleepers "$id"
	pid=$(ctrd_pid "$id")
	run ctrd_ctr tasks ps "$id"
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]%% *}" = PID ]
	ps_pids=$(awk 'NR > 1 { print $1 }' <<<"$output" | sort -n | tr '\n' ' ')
	grep -qw "$pid" <<<"$ps_pids"
	m=$(ctrd_v1_mount pids)
	[ -n "$m" ] || m=$(ctrd_unified)
	cg="$m/$CTRD_NS/$id"
	cg_pids=$(sort -n "$cg/cgroup.procs" | tr '\n' ' ')
	[ "$ps_pids" = "$cg_pids" ]
	# The pids are the sh and its two sleeps.
	for p in $ps_pids; do
		[ "$p" = "$pid" ] || [ "$(awk '{ print $4 }' "/proc/$p/stat")" = "$pid" ]
	done
}

# pause and resume: the task's status, and the freezer of its cgroup.
ctrd_scenario_pause_resume() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id pause)
	ctrd_start_sleepers "$id"
	run ctrd_ctr tasks pause "$id"
	[ "$status" -eq 0 ]
	[ "$(ctrd_status "$id")" = PAUSED ]
	ctrd_assert_frozen "$id" 1
	run ctrd_ctr tasks resume "$id"
	[ "$status" -eq 0 ]
	[ "$(ctrd_status "$id")" = RUNNING ]
	ctrd_assert_frozen "$id" 0
	# The processes run again: an exec answers.
	run ctrd_ctr tasks exec --fifo-dir "$CTRD_DIR/fifo" --exec-id e1 "$id" echo awake
	[ "$status" -eq 0 ]
	[ "$output" = awake ]
}

# ctrd_assert_frozen ID 1|0: per the v1 freezer if the host has one (both
# runtimes use it then), else cgroup2's cgroup.freeze.
ctrd_assert_frozen() {
	local m want
	m=$(ctrd_v1_mount freezer)
	if [ -n "$m" ]; then
		want=$([ "$2" = 1 ] && echo FROZEN || echo THAWED)
		echo "freezer.state: $(cat "$m/$CTRD_NS/$1/freezer.state")" >&2
		[ "$(cat "$m/$CTRD_NS/$1/freezer.state")" = "$want" ]
	else
		m=$(ctrd_unified)
		grep -qx "frozen $2" "$m/$CTRD_NS/$1/cgroup.events"
	fi
}

# kill: SIGTERM (the default) reaches the init, whose trap decides the
# status ctr reports; SIGKILL ends a task with 137.
ctrd_scenario_kill_term() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id term)
	ctrd_run_bg "$id" -- sh -c 'trap "echo got TERM; exit 143" TERM; echo ready; sleep 1000 & wait'
	ctrd_wait_for ctrd_file_has "$BATS_TEST_TMPDIR/$id.out" ready
	run ctrd_ctr tasks kill "$id"
	[ "$status" -eq 0 ]
	ctrd_wait_bg "$id"
	[ "$status" -eq 143 ]
	grep -qx 'got TERM' "$BATS_TEST_TMPDIR/$id.out"
	# sleep as the init has no handler: only SIGKILL ends it.
	ctrd_run_bg "$id-k" -- sleep 1000
	ctrd_wait_for ctrd_has_nprocs "$id-k" 1
	run ctrd_ctr tasks kill -s SIGKILL "$id-k"
	[ "$status" -eq 0 ]
	ctrd_wait_bg "$id-k"
	[ "$status" -eq 137 ]
}

# kill --all: the signal reaches every process of the task, not just the
# init (which ignores SIGTERM here): the sleeps die, so the init's wait
# returns and it exits 7.
ctrd_scenario_kill_all() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id killall)
	ctrd_run_bg "$id" -- sh -c 'sleep 1000 & sleep 1000 & wait; echo children-gone; exit 7'
	ctrd_wait_for ctrd_has_nprocs "$id" 3
	run ctrd_ctr tasks kill -a -s TERM "$id"
	[ "$status" -eq 0 ]
	ctrd_wait_bg "$id"
	[ "$status" -eq 7 ]
	grep -qx children-gone "$BATS_TEST_TMPDIR/$id.out"
}

# ctr task metrics: the shim's cgroup statistics of the task, with its
# memory use and pid count (json too).
ctrd_scenario_metrics() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id metrics)
	ctrd_start_sleepers "$id"
	run ctrd_ctr tasks metrics "$id"
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -Eq '^pids\.current +3 *$' <<<"$output"
	grep -Eq '^memory\.usage(_in_bytes)? +[1-9][0-9]* *$' <<<"$output"
	run ctrd_ctr tasks metrics --format json "$id"
	[ "$status" -eq 0 ]
	jq -e '(.. | objects | select(has("pids")) | .pids.current) == 3' <<<"$output" >/dev/null ||
		jq -e '.data.pids.current == 3 or .pids.current == 3' <<<"$output" >/dev/null
}

# --memory-limit: the limit is in the task's memory cgroup on the host
# (and in the shim's metrics).
ctrd_scenario_memory_limit() {
	ctrd_use "$1"
	local id m pid
	id=$(ctrd_id mem)
	ctrd_start "$id" --memory-limit 33554432 -- sleep 1000
	pid=$(ctrd_pid "$id")
	m=$(ctrd_v1_mount memory)
	if [ -n "$m" ]; then
		[ "$(cat "$m/$CTRD_NS/$id/memory.limit_in_bytes")" = 33554432 ]
	else
		m=$(ctrd_unified)
		[ "$(cat "$m/$CTRD_NS/$id/memory.max")" = 33554432 ]
	fi
	grep -qx "$pid" "$m/$CTRD_NS/$id/cgroup.procs"
	run ctrd_ctr tasks metrics "$id"
	[ "$status" -eq 0 ]
	# ctr names it memory.limit_in_bytes on cgroup v1, memory.usage_limit on v2.
	grep -Eq '^memory\.(limit_in_bytes|limit|usage_limit) +33554432 *$' <<<"$output"
}

# Over its memory limit the task is OOM-killed: 137, and the kernel's
# count of OOM kills in its memory cgroup (no swap to escape to here:
# skipped if the host has swap, which the limit does not cover).
ctrd_scenario_oom() {
	ctrd_use "$1"
	local id m
	id=$(ctrd_id oom)
	[ "$(awk '$1 == "SwapTotal:" { print $2 }' /proc/meminfo)" = 0 ] || skip "the host has swap"
	# A doubling string outgrows 16 MiB within a few dozen steps.
	ctrd_start "$id" --memory-limit 16777216 -- sh -c 'echo ready; x=x; while :; do x=$x$x; done'
	ctrd_wait_status "$id" STOPPED
	m=$(ctrd_v1_mount memory)
	if [ -n "$m" ]; then
		cat "$m/$CTRD_NS/$id/memory.oom_control" >&2
		grep -Eqx 'oom_kill [1-9][0-9]*' "$m/$CTRD_NS/$id/memory.oom_control"
	else
		m=$(ctrd_unified)
		grep -Eqx 'oom_kill [1-9][0-9]*' "$m/$CTRD_NS/$id/memory.events"
	fi
	run ctrd_ctr tasks rm "$id"
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -q 'exit code 137' <<<"$output"
}

# exec --user: the exec'd process runs as the user named (resolved by ctr
# in the image's /etc/passwd), the init stays root.
ctrd_scenario_exec_user() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id execuser)
	ctrd_start_sleepers "$id"
	run ctrd_ctr tasks exec --fifo-dir "$CTRD_DIR/fifo" --exec-id u1 --user nobody "$id" \
		sh -c 'echo "$(id -u):$(id -g)"; awk "/^Uid:/ { print \$2 }" /proc/1/status'
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534:65534 ]
	[ "${lines[1]}" = 0 ]
}

# delete: after the task is deleted, its process, runtime state, bundle,
# rootfs mount and cgroups are gone; after the container, its snapshot.
ctrd_scenario_delete() {
	ctrd_use "$1"
	local id pid bundle shims
	id=$(ctrd_id del)
	ctrd_start "$id" -- sleep 1000
	pid=$(ctrd_pid "$id")
	bundle="$CTRD_DIR/state/io.containerd.runtime.v2.task/$CTRD_NS/$id"
	# All there while it runs.
	[ -d "$CTRD_ROOT/$CTRD_NS/$id" ]
	[ -f "$bundle/config.json" ]
	awk -v r="$bundle/rootfs" '$5 == r { f = 1 } END { exit !f }' /proc/self/mountinfo
	[ -n "$(ctrd_cgroup_dirs "$id")" ]
	shims=$(ctrd_shim_pids "$id")
	[ -n "$shims" ]
	run ctrd_ctr tasks rm "$id"
	[ "$status" -ne 0 ] # running: refused without -f
	run ctrd_ctr tasks kill -s KILL "$id"
	[ "$status" -eq 0 ]
	ctrd_wait_status "$id" STOPPED
	run ctrd_ctr tasks rm "$id"
	echo "status $status: $output" >&2
	[ "$status" -eq 0 ]
	grep -q 'exit code 137' <<<"$output"
	ctrd_wait_gone "$pid"
	[ -z "$(ctrd_status "$id")" ]
	[ ! -e "$CTRD_ROOT/$CTRD_NS/$id" ]
	[ ! -e "$bundle" ]
	ctrd_refute awk -v r="$bundle/" 'index($5, r) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo
	[ -z "$(ctrd_cgroup_dirs "$id")" ]
	ctrd_wait_gone $shims
	run ctrd_ctr containers rm "$id"
	[ "$status" -eq 0 ]
	run ctrd_ctr containers ls -q
	ctrd_refute grep -qx "$id" <<<"$output"
	run ctrd_ctr snapshots ls
	ctrd_refute grep -q "^$id " <<<"$output"
}

# ctrd_runtime_says VERB TEXT...: ctr's stderr ($stderr, or $output)
# holds "OCI runtime VERB failed: " followed by the runtime's own message,
# which the shim takes from the runtime's --log (json) file: for husk,
# the first TEXT at once; for runc, its own prefix ("runc create failed:
# ", "exec failed: ") and the TEXTs further on (in any case: runc's
# errno texts are lower case).
ctrd_runtime_says() {
	local verb=$1 err=${stderr:-$output} lead t
	shift
	lead="OCI runtime $verb failed: "
	if [ "$CTRD_RT" = husk ]; then
		lead+=$1
	elif [ "$verb" = exec ]; then
		lead+="exec failed: "
	else
		lead+="runc $verb failed: "
	fi
	grep -qF -- "$lead" <<<"$err" || {
		echo "stderr lacks: $lead" >&2
		return 1
	}
	for t in "$@"; do
		grep -qiF -- "$t" <<<"$err" || {
			echo "stderr lacks: $t" >&2
			return 1
		}
	done
}

# ctrd_assert_create_error ID HUSK-TEXT RUNC-TEXT: the last `run
# --separate-stderr ctr run --rm` failed in the runtime's create with its
# message (ctrd_runtime_says), and left nothing behind.
ctrd_assert_create_error() {
	local id=$1 st=$status
	echo "status $st; stdout: $output; stderr: $stderr" >&2
	[ "$st" -ne 0 ]
	grep -qF 'ctr: failed to create shim task: OCI runtime create failed' <<<"$stderr"
	if [ "$CTRD_RT" = husk ]; then
		ctrd_runtime_says create "$2"
	else
		ctrd_runtime_says create "$3"
	fi
	run ctrd_ctr containers ls -q
	ctrd_refute grep -qx "$id" <<<"$output"
	[ -z "$(ctrd_cgroup_dirs "$id")" ]
	[ ! -e "$CTRD_ROOT/$CTRD_NS/$id" ]
}

# A command that does not exist (same text as runc's, from husk's log).
ctrd_scenario_error_no_command() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id nocmd)
	run --separate-stderr ctrd_ctr run --rm "${CTRD_OPTS[@]}" "$CTRD_IMAGE" "$id" no-such-command
	ctrd_assert_create_error "$id" \
		'exec: "no-such-command": executable file not found in $PATH' \
		'exec: "no-such-command": executable file not found in $PATH'
}

# A cwd that is a file.
ctrd_scenario_error_cwd() {
	ctrd_use "$1"
	local id
	id=$(ctrd_id badcwd)
	run --separate-stderr ctrd_ctr run --rm "${CTRD_OPTS[@]}" --cwd /bin/busybox "$CTRD_IMAGE" "$id" pwd
	ctrd_assert_create_error "$id" \
		'config.json: process.cwd: /bin/busybox: Not a directory' \
		'mkdir /bin/busybox: not a directory'
}

# A config.json (ctr run --config) the runtime rejects: an unknown
# namespace type, which containerd passes on as is.
ctrd_scenario_error_config() {
	ctrd_use "$1"
	local id spec
	id=$(ctrd_id badcfg)
	spec="$BATS_TEST_TMPDIR/spec.json"
	ctrd_ctr oci spec | jq --arg root "$HUSK_TEST_ROOTFS" --arg cg "/$CTRD_NS/$id" '
		.root = {path: $root, readonly: true} | .process.args = ["true"]
		| .linux.cgroupsPath = $cg
		| .linux.namespaces = [{type: "pid"}, {type: "mount"}, {type: "netw"}]' >"$spec"
	run --separate-stderr ctrd_ctr run --rm "${CTRD_OPTS[@]}" --config "$spec" "$id"
	ctrd_assert_create_error "$id" \
		'config.json: linux.namespaces[2].type: unknown namespace "netw"' \
		'namespace {"netw" ""} does not exist'
}

# contrib/containerd/config.toml: containerd parses it, and its dump (alone
# and imported into our private config) has the husk runtime handler with
# the runc shim and BinaryName. The file configures husk only.
ctrd_scenario_contrib_config() {
	ctrd_use "$1"
	[ "$1" = husk ] || skip "contrib/containerd/config.toml configures husk only"
	local contrib="$HUSK_REPO/contrib/containerd/config.toml" merged="$BATS_TEST_TMPDIR/merged.toml"
	run timeout 30 containerd --config "$contrib" config dump
	echo "status $status" >&2
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/dump.toml"
	ctrd_check_husk_handler "$BATS_TEST_TMPDIR/dump.toml" /usr/local/sbin/husk
	# Imported into a private config (ours, with the CRI plugin on: a
	# disabled plugin's section is not in the dump): the handler is in
	# the configuration the daemon would run with.
	{
		echo "imports = [\"$contrib\"]"
		grep -vF '"io.containerd.grpc.v1.cri",' "$CTRD_DIR/config.toml"
	} >"$merged"
	run timeout 30 containerd --config "$merged" config dump
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/dump2.toml"
	ctrd_check_husk_handler "$BATS_TEST_TMPDIR/dump2.toml" /usr/local/sbin/husk
	grep -qF "\"$CTRD_DIR/root\"" "$BATS_TEST_TMPDIR/dump2.toml"
}

# ctrd_check_husk_handler DUMP BINARY: the TOML dump's CRI runtime
# "husk" is runtime_type io.containerd.runc.v2 with options BinaryName
# BINARY and SystemdCgroup false.
ctrd_check_husk_handler() {
	local py
	py=$(command -v /usr/bin/python3 python3 | head -1)
	"$py" - "$1" "$2" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    cfg = tomllib.load(f)
rt = cfg["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["husk"]
print(rt, file=sys.stderr)
assert rt["runtime_type"] == "io.containerd.runc.v2", rt["runtime_type"]
assert rt["options"]["BinaryName"] == sys.argv[2], rt["options"]
assert rt["options"]["SystemdCgroup"] is False, rt["options"]
EOF
}
