# Shared helpers for husk's bats integration suites.
#
# Every *.bats file does `load helpers` and calls `husk_setup` from setup()
# and `husk_teardown` from teardown().
#
# Layout of one run (all under $BATS_RUN_TMPDIR, removed by bats at the end):
#   suite/rootfs   the busybox rootfs, built once per run (read-only use)
#   state/         the husk state root (--root) of this run
# and of one test (under $BATS_TEST_TMPDIR):
#   bundle/config.json   root.path = the shared rootfs (absolute), readonly
#   bundle/rootfs        only after use_private_rootfs (a writable copy)
#   shared/              only after add_shared_dir (bind-mounted at /shared)
#
# Environment:
#   HUSK_BINARY   the husk binary (default: build/src/cli/husk in the repo)
#   HUSK_CMD_TIMEOUT  upper bound in seconds for one husk command (60)

HUSK_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${HUSK_BINARY:=$HUSK_REPO/build/src/cli/husk}"
: "${HUSK_CMD_TIMEOUT:=60}"
: "${HUSK_SCHEMA_DIR:=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema}"
export HUSK_BINARY HUSK_CMD_TIMEOUT HUSK_SCHEMA_DIR

# ---------------------------------------------------------------------------
# Suite-level setup: the rootfs and the state root.

# build_rootfs DIR: a busybox rootfs (static busybox + applet symlinks).
build_rootfs() {
	local dir=$1 a
	local tmp="$dir.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"/{bin,proc,sys,dev,tmp,etc,root,shared,mnt,var,run}
	cp /bin/busybox "$tmp/bin/busybox"
	for a in $("$tmp/bin/busybox" --list); do
		[ "$a" = busybox ] && continue
		ln -s busybox "$tmp/bin/$a"
	done
	ln -s bin "$tmp/sbin"
	mkdir -p "$tmp/usr"
	ln -s ../bin "$tmp/usr/bin"
	ln -s ../bin "$tmp/usr/sbin"
	chmod 1777 "$tmp/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
	mv "$tmp" "$dir"
}

# husk_suite_init: called by setup_suite (and lazily by husk_setup when a
# single file is run in a way that skipped setup_suite).
husk_suite_init() {
	local base=${BATS_RUN_TMPDIR:?}
	export HUSK_TEST_ROOTFS="$base/suite/rootfs"
	export HUSK_ROOT="$base/state"
	# Every container of the run gets its cgroup below this parent (see
	# auto_cgroups_path), removed by teardown_suite.
	export HUSK_CGROUP_PARENT="/husk-itest-${base##*-}"
	# Containers in a user namespace reach the rootfs and bind sources as
	# unprivileged host ids: let them through the run's directory.
	chmod 711 "$base"
	if [ ! -d "$HUSK_TEST_ROOTFS" ]; then
		mkdir -p "$base/suite"
		build_rootfs "$HUSK_TEST_ROOTFS"
	fi
	mkdir -p "$HUSK_ROOT"
	write_base_config "$base/suite/config.json"
	export HUSK_BASE_CONFIG="$base/suite/config.json"
	if [ -z "${HUSK_PYTHON:-}" ]; then
		local py
		for py in python3 /usr/bin/python3; do
			if "$py" -c 'import jsonschema' 2>/dev/null; then
				HUSK_PYTHON=$py
				break
			fi
		done
		export HUSK_PYTHON
	fi
}

# The base config of every test: like `runc spec`, minus the terminal, the
# cgroup mount and masked/readonly paths (those have their own tests), with
# the shared rootfs as an absolute, read-only root.
write_base_config() {
	jq -n --arg root "$HUSK_TEST_ROOTFS" '{
	  ociVersion: "1.0.2",
	  process: {
	    terminal: false,
	    user: {uid: 0, gid: 0},
	    args: ["sh", "-c", "true"],
	    env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	          "HOME=/root"],
	    cwd: "/",
	    capabilities: {
	      bounding: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
	    },
	    rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
	    noNewPrivileges: true
	  },
	  root: {path: $root, readonly: true},
	  hostname: "husk-test",
	  mounts: [
	    {destination: "/proc", type: "proc", source: "proc"},
	    {destination: "/dev", type: "tmpfs", source: "tmpfs",
	     options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
	    {destination: "/dev/pts", type: "devpts", source: "devpts",
	     options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
	    {destination: "/dev/shm", type: "tmpfs", source: "shm",
	     options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
	    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	     options: ["nosuid", "noexec", "nodev"]},
	    {destination: "/sys", type: "sysfs", source: "sysfs",
	     options: ["nosuid", "noexec", "nodev", "ro"]}
	  ],
	  linux: {
	    namespaces: [{type: "pid"}, {type: "network"}, {type: "ipc"},
	                 {type: "uts"}, {type: "mount"}, {type: "cgroup"}]
	  }
	}' >"$1"
}

# ---------------------------------------------------------------------------
# Per-test setup and teardown.

husk_setup() {
	if [ -z "${HUSK_TEST_ROOTFS:-}" ] || [ ! -d "$HUSK_TEST_ROOTFS" ]; then
		husk_suite_init
	fi
	if [ ! -x "$HUSK_BINARY" ]; then
		echo "husk binary not found: $HUSK_BINARY (build it, or set HUSK_BINARY)" >&2
		return 1
	fi
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	cp "$HUSK_BASE_CONFIG" "$BUNDLE/config.json"
	# Make the test's files reachable for uids other than root (user tests).
	chmod 755 "$BATS_TEST_TMPDIR"
}

husk_teardown() {
	local id d r leaks=""
	# Tests that use another --root list it in HUSK_EXTRA_ROOTS.
	for r in "$HUSK_ROOT" ${HUSK_EXTRA_ROOTS:-}; do
		[ -d "$r" ] || continue
		for d in "$r"/*; do
			[ -e "$d" ] || continue
			id=${d##*/}
			if ! timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$r" delete --force "$id" \
				</dev/null >/dev/null 2>&1 3>&-; then
				leaks+="teardown: 'husk --root $r delete --force $id' failed"$'\n'
			fi
		done
	done
	# Anything still there after delete --force is a leak: report it, then
	# clean it up by hand so later tests start from a clean host.
	local procs mounts states
	procs=$(wait_no_container_processes) || true
	if [ -n "$procs" ]; then
		leaks+="teardown: container processes left: $procs"$'\n'
		local p
		for p in $procs; do kill -KILL "$p" 2>/dev/null || true; done
	fi
	mounts=$(leaked_mounts)
	if [ -n "$mounts" ]; then
		leaks+="teardown: mounts left: $mounts"$'\n'
		local m
		for m in $(echo "$mounts" | sort -r); do umount -l "$m" 2>/dev/null || true; done
	fi
	local cgs
	cgs=$(leaked_cgroups)
	if [ -n "$cgs" ]; then
		leaks+="teardown: cgroups left: $cgs"$'\n'
		local c
		for c in $cgs; do rmdir "$c" 2>/dev/null || true; done
	fi
	states=$(ls -A "$HUSK_ROOT" 2>/dev/null) || true
	if [ -n "$states" ]; then
		leaks+="teardown: state dirs left in $HUSK_ROOT: $states"$'\n'
		rm -rf "${HUSK_ROOT:?}"/* "${HUSK_ROOT:?}"/.[!.]* 2>/dev/null || true
	fi
	if [ -n "$leaks" ]; then
		echo "$leaks" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# Running husk.

# husk ARGS...: the binary with the run's --root, stdin from /dev/null and
# fd 3 (bats' own) closed. Use it with `run` for verbs that do not start a
# container process (state, kill, delete, list, spec, ...).
husk() {
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$HUSK_BINARY" --root "$HUSK_ROOT" "$@" </dev/null 3>&-
}

# husk_io NAME ARGS...: like `run husk ARGS`, for verbs that start container
# processes (create, run): the container inherits husk's stdout/stderr, so
# they go to files ($BATS_TEST_TMPDIR/NAME.out and NAME.err) rather than to
# a pipe that `run` would wait on. Sets status, stdout, stderr, output
# (stdout then stderr) and lines. Stdin comes from $HUSK_STDIN (/dev/null).
husk_io() {
	local name=$1
	shift
	auto_cgroups_path "$@"
	io_capture "$BATS_TEST_TMPDIR/$name" "${HUSK_STDIN:-/dev/null}" "husk $*" \
		"$HUSK_BINARY" --root "$HUSK_ROOT" "$@"
}

# io_capture BASE STDIN TRACE CMD...: runs CMD (bounded by HUSK_CMD_TIMEOUT)
# with stdout and stderr in BASE.out and BASE.err; sets status, stdout,
# stderr, output (stdout then stderr) and lines, and traces "$ TRACE".
io_capture() {
	local base=$1 input=$2 trace=$3
	shift 3
	status=0
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$@" <"$input" >"$base.out" 2>"$base.err" 3>&- ||
		status=$?
	stdout=$(cat "$base.out")
	stderr=$(cat "$base.err")
	if [ -n "$stdout" ] && [ -n "$stderr" ]; then
		output="$stdout"$'\n'"$stderr"
	else
		output="$stdout$stderr"
	fi
	lines=()
	if [ -n "$output" ]; then
		mapfile -t lines <<<"$output"
	fi
	echo "\$ $trace => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# tty_capture SECONDS STDIN TRACE CMD...: runs CMD in a terminal of its own
# (script(1)), bounded by SECONDS; sets status and output (the terminal's
# output without "\r", captured in a file: a client's leftover helper
# holding a pipe would keep a $(...) waiting) and traces "$ [tty] TRACE".
# CMD stays in the terminal's foreground process group (timeout
# --foreground): in a group of its own, a client switching the terminal to
# raw mode is stopped by SIGTTOU when script's shell forks (dash, SHELL unset).
tty_capture() {
	local secs=$1 input=$2 trace=$3 cmd
	shift 3
	cmd=$(printf '%q ' timeout --foreground -k 5 "$secs" "$@")
	status=0
	timeout -k 5 $((secs + 10)) script -qec "$cmd" /dev/null <"$input" \
		>"$BATS_TEST_TMPDIR/tty.out" 2>&1 3>&- || status=$?
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
	echo "\$ [tty] $trace => status $status" >&2
	[ -z "$output" ] || echo "$output" >&2
}

# auto_cgroups_path HUSK-ARGS...: for a `create` or `run` command line,
# give the bundle's config a linux.cgroupsPath of its own below the run's
# parent: $HUSK_CGROUP_PARENT/<test number>-<id>. Without one a container's
# cgroup would be /husk/<id>, shared with every other run on the host. A
# cgroupsPath the test set itself is left alone, and so is a config.json
# that is not a JSON object with a "linux" object (error tests).
# Only where the file asked for it with HUSK_AUTO_CGROUPS_PATH=1 (the
# cgroups suites check the default path and place their cgroups themselves).
auto_cgroups_path() {
	[ "${HUSK_AUTO_CGROUPS_PATH:-0}" = 1 ] || return 0
	local args=("$@") i verb="" bundle=$PWD id="" a
	for ((i = 0; i < ${#args[@]}; i++)); do
		case ${args[i]} in
		--root | --log | --log-format) i=$((i + 1)) ;;
		-*) ;;
		*)
			verb=${args[i]}
			break
			;;
		esac
	done
	[ "$verb" = create ] || [ "$verb" = run ] || return 0
	for ((i = i + 1; i < ${#args[@]}; i++)); do
		a=${args[i]}
		case $a in
		--bundle | -b)
			bundle=${args[i + 1]:-}
			i=$((i + 1))
			;;
		--bundle=*) bundle=${a#--bundle=} ;;
		--pid-file | --console-socket | --preserve-fds) i=$((i + 1)) ;;
		-*) ;;
		*) id=$a ;;
		esac
	done
	[[ "$id" =~ ^[a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*$ ]] || return 0
	[ ${#id} -lt 200 ] || return 0
	[ -f "$bundle/config.json" ] || return 0
	# One jq run (jq starts slowly): rewrite only when it applies.
	if jq -e --arg parent "$HUSK_CGROUP_PARENT/" --arg p "$HUSK_CGROUP_PARENT/${BATS_SUITE_TEST_NUMBER:-0}-$id" '
	    if (.linux | type) == "object"
	       and ((.linux.cgroupsPath // "") == "" or (.linux.cgroupsPath | startswith($parent)))
	    then .linux.cgroupsPath = $p else false end' \
		"$bundle/config.json" >"$bundle/config.json.cg" 2>/dev/null; then
		mv "$bundle/config.json.cg" "$bundle/config.json"
	else
		rm -f "$bundle/config.json.cg"
	fi
}

# cgroup_mounts: the mount points of the host's cgroup hierarchies (v1
# and cgroup2) under /sys/fs/cgroup.
cgroup_mounts() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if (($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") && index($5, "/sys/fs/cgroup") == 1) print $5
	}' /proc/self/mountinfo
}

# remove_cgroup_tree REL: in every hierarchy, reports and removes each cgroup
# left below REL, then REL itself. Status 1 if anything was left below it or
# REL cannot be removed.
remove_cgroup_tree() {
	local rel=$1 m c bad=0
	for m in $(cgroup_mounts); do
		[ -d "$m$rel" ] || continue
		for c in $(find "$m$rel" -mindepth 1 -depth -type d 2>/dev/null); do
			echo "leaked cgroup $c" >&2
			rmdir "$c" 2>/dev/null || true
			bad=1
		done
		rmdir "$m$rel" 2>/dev/null || {
			echo "cannot remove $m$rel" >&2
			bad=1
		}
	done
	return "$bad"
}

# leaked_cgroups [PATTERN]: cgroup dirs below the run's parent whose name
# matches PATTERN (default: this test's, "<test number>-*").
leaked_cgroups() {
	local pat=${1:-${BATS_SUITE_TEST_NUMBER:-0}-*} m dirs=()
	for m in $(cgroup_mounts); do
		[ -d "$m$HUSK_CGROUP_PARENT" ] && dirs+=("$m$HUSK_CGROUP_PARENT")
	done
	[ ${#dirs[@]} -gt 0 ] || return 0
	find "${dirs[@]}" -mindepth 1 -maxdepth 1 -type d -name "$pat" 2>/dev/null || true
}

# create_container ID [CREATE-FLAGS...]: `husk create --bundle $BUNDLE`.
# The container's stdout/stderr end up in $BATS_TEST_TMPDIR/ID.out/.err
# (see container_stdout). Sets status/output like husk_io.
create_container() {
	local id=$1
	shift
	husk_io "$id" create --bundle "$BUNDLE" "$@" "$id"
}

# run_container ID [RUN-FLAGS...]: `husk run --bundle $BUNDLE`.
run_container() {
	local id=$1
	shift
	husk_io "$id" run --bundle "$BUNDLE" "$@" "$id"
}

# container_stdout ID: what the container wrote to stdout so far.
container_stdout() {
	cat "$BATS_TEST_TMPDIR/$1.out"
}

# Starts a created container, failing the test if that fails.
start_container() {
	run husk start "$1"
	echo "\$ husk start $1 => $status: $output" >&2
	[ "$status" -eq 0 ]
}

# create + start in one, for tests that just need a running container.
start_new_container() {
	local id=$1
	shift
	create_container "$id" "$@"
	[ "$status" -eq 0 ]
	start_container "$id"
}

# state_field ID JQ-FILTER
state_field() {
	husk state "$1" | jq -r "$2"
}

container_pid() {
	local pid
	pid=$(state_field "$1" .pid)
	[[ "$pid" =~ ^[0-9]+$ ]] && [ "$pid" -gt 0 ] || {
		echo "container $1 has no pid: '$pid'" >&2
		return 1
	}
	echo "$pid"
}

# wait_for_status ID STATUS: bounded poll (10 s) of `husk state`.
wait_for_status() {
	local id=$1 want=$2 i s="" st
	for ((i = 0; i < 200; i++)); do
		# sed on the top-level (two-space indented) key first: this loop
		# runs often and jq starts slowly. jq when the layout differs.
		st=$(husk state "$id" 2>/dev/null) || st=""
		s=$(sed -n 's/^  "status": *"\([a-z]*\)".*/\1/p' <<<"$st")
		[ -n "$s" ] || s=$(jq -r .status 2>/dev/null <<<"$st") || s=""
		[ "$s" = "$want" ] && return 0
		sleep 0.05
	done
	echo "container $id: status is '$s', expected '$want'" >&2
	return 1
}

# wait_for_file PATH: bounded poll (10 s) until PATH exists.
wait_for_file() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# ---------------------------------------------------------------------------
# Editing the bundle.

# update_config JQ-FILTER [JQ-ARGS...]: edits $BUNDLE/config.json in place.
update_config() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: process.args
set_args() {
	# One --arg per element (jq --args would take "-c" and the like as its
	# own options).
	local i=0 filter="[" sep="" jargs=() a
	for a in "$@"; do
		jargs+=(--arg "a$i" "$a")
		filter+="$sep\$a$i"
		sep=","
		i=$((i + 1))
	done
	update_config ".process.args = $filter]" "${jargs[@]}"
}

# set_cmd 'SHELL COMMAND': process.args = ["sh", "-c", CMD]
set_cmd() {
	set_args sh -c "$1"
}

# use_private_rootfs: a writable copy of the rootfs at $BUNDLE/rootfs,
# used as a relative root.path.
use_private_rootfs() {
	cp -a "$HUSK_TEST_ROOTFS" "$BUNDLE/rootfs"
	update_config '.root = {path: "rootfs", readonly: false}'
}

# add_shared_dir: $BATS_TEST_TMPDIR/shared bind-mounted read-write at
# /shared, for a container to report back or to be told to stop.
add_shared_dir() {
	SHARED="$BATS_TEST_TMPDIR/shared"
	mkdir -p "$SHARED"
	chmod 1777 "$SHARED"
	update_config '.mounts += [{destination: "/shared", type: "bind", source: $s,
	                            options: ["rbind", "rw"]}]' --arg s "$SHARED"
}

# ---------------------------------------------------------------------------
# Checks.

# The device:inode pairs of the rootfs directories of this test.
_rootfs_ids() {
	stat -c '%d:%i' "$HUSK_TEST_ROOTFS"
	[ ! -d "${BUNDLE:-/nonexistent}/rootfs" ] || stat -c '%d:%i' "$BUNDLE/rootfs"
}

# Pids of live (non-zombie) processes whose root is one of our rootfs dirs.
# (One stat over every /proc/PID/root: forking per process is too slow.)
container_processes() {
	local ids p st
	ids=$(_rootfs_ids | tr '\n' ' ')
	for p in $(stat -L -c '%d:%i %n' /proc/[0-9]*/root/ 2>/dev/null |
		awk -v ids=" $ids" 'index(ids, " " $1 " ") { split($2, a, "/"); print a[3] }'); do
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || continue
		[ -n "$st" ] || continue
		[ "$st" = Z ] || [ "$st" = X ] && continue
		echo "$p"
	done
}

# Like container_processes but gives dying processes up to 5 s to go.
wait_no_container_processes() {
	local i procs
	for ((i = 0; i < 50; i++)); do
		procs=$(container_processes)
		[ -z "$procs" ] && return 0
		sleep 0.1
	done
	echo $procs
	return 1
}

# Mount points in the host's mount table under this test's or run's dirs.
leaked_mounts() {
	awk -v a="$BATS_TEST_TMPDIR" -v b="$HUSK_TEST_ROOTFS" -v c="$HUSK_ROOT" \
		'index($5, a) == 1 || index($5, b) == 1 || index($5, c) == 1 { print $5 }' \
		/proc/self/mountinfo
}

# assert_no_leftovers [ID...]: no state dir (for the IDs, or none at all),
# no live process running in the test's rootfs, no mount under the bundle,
# the rootfs or the state root in the host's mount table, no cgroup of the
# test's containers (for the IDs, or any of the test's).
assert_no_leftovers() {
	local id bad=0 procs mounts
	if [ $# -gt 0 ]; then
		for id in "$@"; do
			if [ -e "$HUSK_ROOT/$id" ]; then
				echo "leftover state dir: $HUSK_ROOT/$id" >&2
				bad=1
			fi
		done
	elif [ -n "$(ls -A "$HUSK_ROOT" 2>/dev/null)" ]; then
		echo "leftover state: $(ls -A "$HUSK_ROOT")" >&2
		bad=1
	fi
	if ! procs=$(wait_no_container_processes); then
		echo "leftover processes: $procs" >&2
		bad=1
	fi
	mounts=$(leaked_mounts)
	if [ -n "$mounts" ]; then
		echo "leftover mounts: $mounts" >&2
		bad=1
	fi
	local cgs=""
	if [ $# -gt 0 ]; then
		for id in "$@"; do
			cgs+=$(leaked_cgroups "${BATS_SUITE_TEST_NUMBER:-0}-$id")
		done
	else
		cgs=$(leaked_cgroups)
	fi
	if [ -n "$cgs" ]; then
		echo "leftover cgroups: $cgs" >&2
		bad=1
	fi
	[ "$bad" -eq 0 ]
}

# assert_husk_error [SUBSTRING...]: the last command (`run` or husk_io)
# failed, and its output holds a husk error line; the output contains every
# SUBSTRING.
assert_husk_error() {
	local text=$output s
	if [ "$status" -eq 0 ]; then
		echo "expected failure, got status 0; output: $output" >&2
		return 1
	fi
	if ! grep -q '^husk: ' <<<"$text"; then
		echo "no line starting with 'husk: ' in: $text" >&2
		return 1
	fi
	for s in "$@"; do
		if ! grep -qF -- "$s" <<<"$text"; then
			echo "error message lacks '$s': $text" >&2
			return 1
		fi
	done
}

# skip_if_not_applied KEY: husk declares (with a create-time warning, in
# $output) that it validates KEY but does not apply it yet: skip, saying so.
# The test runs for real as soon as husk stops warning.
skip_if_not_applied() {
	if grep -qF -- "$1 is validated but not applied" <<<"$output"; then
		skip "husk does not apply $1 yet (it warns so)"
	fi
}

# validate_json SCHEMA-NAME FILE: checks FILE against the runtime-spec
# schema (e.g. state-schema.json), with $refs resolved from the schema dir.
validate_json() {
	local schema="$HUSK_SCHEMA_DIR/$1" file=$2
	if [ -z "${HUSK_PYTHON:-}" ]; then
		echo "no python3 with the jsonschema module (apt-get install python3-jsonschema)" >&2
		return 1
	fi
	"$HUSK_PYTHON" - "$schema" "$file" <<'EOF'
import json, os, sys, warnings
warnings.simplefilter("ignore")
import jsonschema
schema_path, doc_path = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = json.load(f)
with open(doc_path) as f:
    doc = json.load(f)
base = "file://" + os.path.dirname(os.path.abspath(schema_path)) + "/"
store = {}
for name in os.listdir(os.path.dirname(schema_path)):
    if name.endswith(".json"):
        with open(os.path.join(os.path.dirname(schema_path), name)) as f:
            store[base + name] = json.load(f)
resolver = jsonschema.RefResolver(base + os.path.basename(schema_path), schema, store=store)
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema, resolver=resolver).iter_errors(doc), key=str)
for e in errors:
    print("%s: %s: %s" % (doc_path, "/".join(str(p) for p in e.absolute_path), e.message))
sys.exit(1 if errors else 0)
EOF
}

# The host's namespace of TYPE as "type:[inode]".
host_ns() {
	readlink "/proc/self/ns/$1"
}
