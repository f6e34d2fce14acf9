# Shared by the tests/vm scripts (sourced, not run): logging, the cache
# directory, and installing the Debian packages the harness needs.
# shellcheck shell=bash

# Everything downloaded or built for the guest lives here, outside the repo,
# so it survives `git clean` and is shared between checkouts.
VM_CACHE=${HUSK_VM_CACHE:-/var/tmp/husk-vm}

# Exit status for "the harness itself failed" (as opposed to the command).
readonly VM_EXIT_HARNESS=125

log() { echo "${0##*/}: $*" >&2; }
die() {
	echo "${0##*/}: error: $*" >&2
	exit "$VM_EXIT_HARNESS"
}

# missing_pkgs PKG...: the ones not installed.
missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
			echo "$p"
	done
}

# need_pkgs PKG...: apt-get install the packages that are not installed yet.
# Guests started side by side would race for dpkg's lock: one install at a
# time (a lock of our own, then apt's wait for anyone else's). The package
# lists are refreshed only when the first attempt fails.
need_pkgs() {
	local missing fd
	missing=$(missing_pkgs "$@")
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages ($missing) and not root"
	mkdir -p "$VM_CACHE"
	exec {fd}>"$VM_CACHE/.apt-lock"
	flock "$fd"
	missing=$(missing_pkgs "$@")
	if [ -n "$missing" ]; then
		log "installing" $missing
		export DEBIAN_FRONTEND=noninteractive
		local apt=(apt-get -q -o DPkg::Lock::Timeout=300)
		# shellcheck disable=SC2086 # a list of package names
		"${apt[@]}" install -y --no-install-recommends $missing </dev/null >&2 ||
			{ "${apt[@]}" update </dev/null >&2 &&
				"${apt[@]}" install -y --no-install-recommends $missing </dev/null >&2; } ||
			die "cannot install" $missing
	fi
	exec {fd}>&-
}

# cache_lock: serialize cache updates between concurrent runs (e.g. the v1
# and v2 guests started in parallel). Held until the script exits.
cache_lock() {
	mkdir -p "$VM_CACHE"
	exec {VM_LOCK_FD}>"$VM_CACHE/.lock"
	flock "$VM_LOCK_FD"
}
