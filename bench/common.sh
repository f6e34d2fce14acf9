# Shared by bench.sh and seccomp.sh (sourced, not run): the busybox rootfs
# of the bundles, and the clean-up at exit.
# shellcheck shell=bash

# bench_rootfs DIR: a minimal rootfs of Debian's static busybox.
bench_rootfs() {
	local dir=$1 a
	mkdir -p "$dir"/{bin,proc,sys,dev,tmp,etc}
	cp /bin/busybox "$dir/bin/busybox"
	for a in $("$dir/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$dir/bin/$a"
	done
}

# bench_cleanup RT...: force-deletes what each runtime left in
# $WORK/state-RT (through the script's `runtime RT ARGS...`), removes the
# bench's own cgroup parent $CG_PARENT (runtimes create <parent>/<id>),
# then $WORK.
bench_cleanup() {
	local rt id
	for rt in "$@"; do
		for id in $(ls "$WORK/state-$rt" 2>/dev/null); do
			runtime "$rt" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	find /sys/fs/cgroup -maxdepth 3 -type d -name "$CG_PARENT" 2>/dev/null |
		while read -r d; do rmdir "$d" 2>/dev/null || true; done
	rm -rf "$WORK"
}
