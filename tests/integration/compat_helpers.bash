# Helpers for compat.bats: the same command run against husk and against
# runc (the reference), each with its own --root, on bundles made from the
# suite's base config and rootfs.
#
# Layout of one test (under $BATS_TEST_TMPDIR):
#   runc-root/            runc's --root (husk keeps the run's $HUSK_ROOT)
#   bundles/RT-ID/        the bundle of container ID of runtime RT
#   RT-NAME.out/.err      stdout/stderr of one rt_io command
#
# Every container gets linux.cgroupsPath
# $HUSK_CGROUP_PARENT/<test number>-RT-ID, so that husk_teardown's and the
# suite's cgroup leak checks see runc's cgroups as well as husk's.
#
# Environment: RUNC_BINARY (default /usr/sbin/runc).

: "${RUNC_BINARY:=/usr/sbin/runc}"

compat_setup() {
	husk_setup || return 1
	if [ ! -x "$RUNC_BINARY" ]; then
		echo "runc not found at $RUNC_BINARY (apt-get install runc, or set RUNC_BINARY)" >&2
		return 1
	fi
	RUNC_ROOT="$BATS_TEST_TMPDIR/runc-root"
	mkdir -p "$RUNC_ROOT"
}

# Removes every runc container of the test (delete -f, as for husk), then
# runs husk's teardown and leak checks (processes in the shared rootfs,
# mounts under the test dir, cgroups named <test number>-*: runc's too).
compat_teardown() {
	local d id leaks="" rc=0
	if [ -d "${RUNC_ROOT:-}" ]; then
		for d in "$RUNC_ROOT"/*; do
			[ -d "$d" ] || continue
			id=${d##*/}
			if ! timeout -k 5 "$HUSK_CMD_TIMEOUT" "$RUNC_BINARY" --root "$RUNC_ROOT" delete -f "$id" \
				</dev/null >/dev/null 2>&1 3>&-; then
				leaks+="teardown: 'runc --root $RUNC_ROOT delete -f $id' failed"$'\n'
			fi
		done
		d=$(ls -A "$RUNC_ROOT" 2>/dev/null) || true
		[ -z "$d" ] || leaks+="teardown: runc state left in $RUNC_ROOT: $d"$'\n'
	fi
	husk_teardown || rc=1
	if [ -n "$leaks" ]; then
		echo "$leaks" >&2
		rc=1
	fi
	return "$rc"
}

# rt_bin RT: the binary of runtime RT (husk or runc).
rt_bin() {
	case $1 in
	husk) echo "$HUSK_BINARY" ;;
	runc) echo "$RUNC_BINARY" ;;
	*)
		echo "unknown runtime '$1'" >&2
		return 1
		;;
	esac
}

# rt_root RT: the --root of runtime RT in this test.
rt_root() {
	case $1 in
	husk) echo "$HUSK_ROOT" ;;
	runc) echo "$RUNC_ROOT" ;;
	esac
}

# rt RT ARGS...: runtime RT with its --root, stdin from /dev/null and fd 3
# closed. With `run`, for verbs that start no container process.
rt() {
	local r=$1 bin root
	shift
	bin=$(rt_bin "$r") || return 1
	root=$(rt_root "$r")
	timeout -k 5 "$HUSK_CMD_TIMEOUT" "$bin" --root "$root" "$@" </dev/null 3>&-
}

# both_ok ARGS...: `rt runc ARGS` and `rt husk ARGS`, each of which must
# succeed; their outputs in runc_out and husk_out (and in the test's log).
both_ok() {
	run rt runc "$@"
	[ "$status" -eq 0 ] || return 1
	runc_out=$output
	run rt husk "$@"
	[ "$status" -eq 0 ] || return 1
	husk_out=$output
	echo "runc: $runc_out" >&2
	echo "husk: $husk_out" >&2
}

# rt_io RT NAME ARGS...: like husk_io, for any runtime and for verbs that
# start container processes (create, run, exec): stdout and stderr go to
# $BATS_TEST_TMPDIR/RT-NAME.out/.err. Sets status, stdout, stderr, output.
rt_io() {
	local r=$1 name=$2 bin root
	shift 2
	bin=$(rt_bin "$r") || return 1
	root=$(rt_root "$r")
	io_capture "$BATS_TEST_TMPDIR/$r-$name" /dev/null "$r $*" "$bin" --root "$root" "$@"
}

# compat_bundle RT ID: a bundle for container ID of runtime RT, from
# $BUNDLE/config.json (edit that one first), with the container's own
# cgroupsPath and CTR=RT-ID in its environment. Sets CB to its path.
compat_bundle() {
	local r=$1 id=$2
	CB="$BATS_TEST_TMPDIR/bundles/$r-$id"
	mkdir -p "$CB"
	jq --arg cg "$HUSK_CGROUP_PARENT/${BATS_SUITE_TEST_NUMBER:-0}-$r-$id" --arg ctr "$r-$id" \
		'.linux.cgroupsPath = $cg | .process.env += ["CTR=" + $ctr]' \
		"$BUNDLE/config.json" >"$CB/config.json"
}

# compat_create RT ID [CREATE-FLAGS...]: `create --bundle CB ... ID`.
compat_create() {
	local r=$1 id=$2
	shift 2
	compat_bundle "$r" "$id"
	rt_io "$r" "$id" create --bundle "$CB" "$@" "$id"
}

# compat_start_new RT ID: create and start, failing the test if either fails.
compat_start_new() {
	compat_create "$1" "$2"
	[ "$status" -eq 0 ] || return 1
	run rt "$1" start "$2"
	echo "\$ $1 start $2 => $status: $output" >&2
	[ "$status" -eq 0 ]
}

# rt_status RT ID: the container's status from `state`.
rt_status() {
	rt "$1" state "$2" | jq -r .status
}

# rt_wait_status RT ID STATUS: bounded poll (10 s) of `state`.
rt_wait_status() {
	local i s=""
	for ((i = 0; i < 100; i++)); do
		s=$(rt_status "$1" "$2" 2>/dev/null) || s=""
		[ "$s" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$1 container $2: status is '$s', expected '$3'" >&2
	return 1
}

# rt_stop RT ID: SIGKILL the container and wait until it is stopped.
rt_stop() {
	run rt "$1" kill "$2" KILL
	[ "$status" -eq 0 ] || return 1
	rt_wait_status "$1" "$2" stopped
}

# both_fail PHRASE ARGS...: ARGS fail on runc and on husk with the same
# exit status; when PHRASE is not empty, both outputs contain it (runc's
# output is checked too: it shows where the phrase comes from, and that
# this runc still says it). Leaves husk's result in status/output and
# runc's in RUNC_STATUS/RUNC_OUTPUT.
both_fail() {
	local phrase=$1
	shift
	run rt runc "$@"
	RUNC_STATUS=$status
	RUNC_OUTPUT=$output
	run rt husk "$@"
	echo "\$ runc $* => $RUNC_STATUS: $RUNC_OUTPUT" >&2
	echo "\$ husk $* => $status: $output" >&2
	if [ "$RUNC_STATUS" -eq 0 ]; then
		echo "runc did not fail" >&2
		return 1
	fi
	if [ "$status" -ne "$RUNC_STATUS" ]; then
		echo "exit status: husk $status, runc $RUNC_STATUS" >&2
		return 1
	fi
	[ -n "$phrase" ] || return 0
	if ! grep -qF -- "$phrase" <<<"$RUNC_OUTPUT"; then
		echo "runc's message lacks '$phrase'" >&2
		return 1
	fi
	if ! grep -qF -- "$phrase" <<<"$output"; then
		echo "husk's message lacks runc's '$phrase'" >&2
		return 1
	fi
}

# json_shape: jq definition mapping a document to its skeleton: objects
# keep their keys, arrays their first element's shape, scalars become their
# type ("number", "string", ...).
JSON_SHAPE='def shape: if type == "object" then with_entries(.value |= shape)
	elif type == "array" then (if length > 0 then [.[0] | shape] else [] end)
	else type end;'

# same_shape JSON-A JSON-B [JQ-PATH]: the two documents (or the values at
# JQ-PATH in them) have the same keys and value types.
same_shape() {
	local path=${3:-.} a b
	a=$(jq -cS "$JSON_SHAPE $path | shape" <<<"$1") || return 1
	b=$(jq -cS "$JSON_SHAPE $path | shape" <<<"$2") || return 1
	if [ "$a" != "$b" ]; then
		echo "shapes differ at $path:" >&2
		echo "  runc: $a" >&2
		echo "  husk: $b" >&2
		return 1
	fi
}

# log_keys FILE: the distinct sorted key lists of the JSON lines of FILE.
log_keys() {
	jq -c 'keys' "$1" | sort -u
}

# RFC 3339 time, as containerd's shim decodes the log's "time" field.
# shellcheck disable=SC2034 # used by compat.bats
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'
