#!/usr/bin/env bash
# kernel.sh SERIES: make a Debian kernel available for the guest and print
# its cache directory, which holds
#   release     the kernel release (uname -r)
#   vmlinux     the uncompressed ELF image, when it could be extracted
#   vmlinuz     the bzImage as shipped
#   root/lib/modules/RELEASE   its modules, with depmod run
# SERIES is 6.1 (bookworm's linux-image-amd64, the default: the only one
# with v1 memory and cpuset) or 6.12 (linux-image-6.12-amd64).
#
# The package is fetched with `apt-get download` and unpacked with `dpkg -x`:
# it is never installed as a host kernel. Once cached, no network is needed.
set -euo pipefail
# shellcheck source=tests/vm/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The versioned image package (linux-image-6.1.0-NN-amd64) a meta package
# depends on.
image_package() {
	apt-cache depends "$1" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# unpack PKG DIR: download PKG and extract it into DIR/root.
unpack() {
	local pkg=$1 dir=$2 dl
	dl=$(mktemp -d "$VM_CACHE/dl.XXXXXX")
	chmod 755 "$dl" # apt-get download drops root privileges to _apt
	if ! (cd "$dl" && apt-get download -q "$pkg" >&2); then
		rm -rf "$dl"
		return 1
	fi
	dpkg -x "$dl"/*.deb "$dir/root"
	rm -rf "$dl"
}

# extract_vmlinux BZIMAGE OUT: decompress the kernel inside a bzImage. QEMU
# boots the ELF directly (PVH entry), which saves the guest's own
# decompression: about 1.5 s under TCG.
extract_vmlinux() {
	local in=$1 out=$2 off
	# xz stream magic FD 37 7A 58 5A 00, else zstd magic 28 B5 2F FD.
	off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$in" | head -n1 | cut -d: -f1) || true
	if [ -n "$off" ]; then
		tail -c +"$((off + 1))" "$in" | xz -dcq --single-stream >"$out" 2>/dev/null || true
	else
		off=$(LC_ALL=C grep -obUaP -m1 '\x28\xb5\x2f\xfd' "$in" | head -n1 | cut -d: -f1) || true
		[ -z "$off" ] || tail -c +"$((off + 1))" "$in" | zstd -dcq >"$out" 2>/dev/null || true
	fi
	# Keep it only if it is an ELF file; the bzImage still works otherwise.
	[ "$(head -c4 "$out" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] || rm -f "$out"
}

main() {
	local series=${1:-6.1} meta pkg dir release
	case $series in
	6.1) meta=linux-image-amd64 ;;
	6.12) meta=linux-image-6.12-amd64 ;;
	*) die "unknown kernel series '$series' (6.1 or 6.12)" ;;
	esac
	cache_lock
	# A cached kernel of the series is used as is (works offline).
	if [ -f "$VM_CACHE/kernel-$series" ]; then
		dir=$VM_CACHE/$(cat "$VM_CACHE/kernel-$series")
		if [ -f "$dir/release" ]; then
			echo "$dir"
			return 0
		fi
	fi
	need_pkgs kmod xz-utils zstd
	pkg=$(image_package "$meta")
	if [ -z "$pkg" ]; then
		apt-get update -q </dev/null >&2 || true
		pkg=$(image_package "$meta")
	fi
	[ -n "$pkg" ] || die "cannot resolve the image package of $meta"
	dir=$VM_CACHE/$pkg
	rm -rf "$dir"
	mkdir -p "$dir"
	log "fetching $pkg"
	if ! unpack "$pkg" "$dir"; then
		# Stale package lists name a version the mirror dropped: refresh.
		apt-get update -q </dev/null >&2 || true
		pkg=$(image_package "$meta")
		[ -n "$pkg" ] || die "cannot resolve the image package of $meta"
		dir=$VM_CACHE/$pkg
		rm -rf "$dir"
		mkdir -p "$dir"
		unpack "$pkg" "$dir" || die "cannot download $pkg"
	fi
	release=$(ls "$dir/root/lib/modules")
	depmod -b "$dir/root" "$release"
	cp "$dir/root/boot/vmlinuz-$release" "$dir/vmlinuz"
	extract_vmlinux "$dir/vmlinuz" "$dir/vmlinux"
	# Written last: its presence marks a complete cache entry.
	echo "$release" >"$dir/release"
	echo "$pkg" >"$VM_CACHE/kernel-$series"
	echo "$dir"
}

main "$@"
