# Runs once per `bats` invocation: builds the busybox rootfs and the state
# root that every test of the run shares (see helpers.bash).

setup_suite() {
	# shellcheck source=helpers.bash
	source "$(dirname "${BASH_SOURCE[0]}")/helpers.bash"
	if [ "$(id -u)" -ne 0 ]; then
		echo "husk integration tests must run as root" >&2
		return 1
	fi
	if [ ! -x /bin/busybox ]; then
		echo "/bin/busybox missing (apt-get install busybox-static)" >&2
		return 1
	fi
	husk_suite_init
}

# The run's final check: nothing leaked from any test.
teardown_suite() {
	source "$(dirname "${BASH_SOURCE[0]}")/helpers.bash"
	local bad=0 p mounts
	[ -d "${HUSK_TEST_ROOTFS:-}" ] || return 0
	BUNDLE=/nonexistent
	for p in $(container_processes); do
		echo "leaked container process $p" >&2
		kill -KILL "$p" 2>/dev/null || true
		bad=1
	done
	mounts=$(awk -v a="$BATS_RUN_TMPDIR" 'index($5, a) == 1 { print $5 }' /proc/self/mountinfo)
	if [ -n "$mounts" ]; then
		echo "leaked mounts: $mounts" >&2
		for p in $(echo "$mounts" | sort -r); do umount -l "$p" 2>/dev/null || true; done
		bad=1
	fi
	if [ -n "$(ls -A "$HUSK_ROOT" 2>/dev/null)" ]; then
		echo "leaked state in $HUSK_ROOT: $(ls -A "$HUSK_ROOT")" >&2
		bad=1
	fi
	# The run's cgroup parent: empty if every container's cgroup went away.
	remove_cgroup_tree "$HUSK_CGROUP_PARENT" || bad=1
	return "$bad"
}
