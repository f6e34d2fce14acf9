#!/usr/bin/env bash
# initramfs.sh KERNEL-DIR: build (or reuse) the guest's initramfs for the
# kernel cached in KERNEL-DIR (see kernel.sh) and print its path.
#
# It holds only what is needed to reach the real root: a static busybox,
# /init (init.sh) and the modules that mount the host's / over virtio-9p
# under an overlay. Everything else comes from the host's / itself.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$HERE/common.sh"

# The modules (with their dependencies) that init.sh loads, in this order.
MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# add_modules KDIR RELEASE DEST: copy MODULES and their dependencies into
# DEST/lib/modules as plain .ko (busybox insmod cannot decompress) and list
# them, in load order and once each, in DEST/modules.
add_modules() {
	local kdir=$1 release=$2 dest=$3 m kind path ko
	mkdir -p "$dest/lib/modules"
	: >"$dest/modules"
	for m in "${MODULES[@]}"; do
		modprobe -d "$kdir/root" -S "$release" --show-depends "$m" |
			while read -r kind path _; do
				[ "$kind" = insmod ] || continue # "builtin NAME": nothing to load
				ko=${path##*/}
				ko=${ko%%.ko*}.ko
				grep -qxF "$ko" "$dest/modules" && continue
				case $path in
				*.xz) xz -dc "$path" >"$dest/lib/modules/$ko" ;;
				*.zst) zstd -dcq "$path" >"$dest/lib/modules/$ko" ;;
				*.gz) gzip -dc "$path" >"$dest/lib/modules/$ko" ;;
				*) cp "$path" "$dest/lib/modules/$ko" ;;
				esac
				echo "$ko" >>"$dest/modules"
			done
	done
}

main() {
	local kdir=${1:?usage: initramfs.sh KERNEL-DIR} release key out tmp
	release=$(cat "$kdir/release")
	need_pkgs busybox-static cpio kmod
	# Rebuilt whenever an input changes: init.sh, busybox, modules, kernel.
	key=$({
		cat "$HERE/init.sh" /bin/busybox
		echo "${MODULES[*]} $release"
	} | sha256sum | cut -c1-12)
	out=$kdir/initramfs-$key.cpio.gz
	cache_lock
	if [ ! -f "$out" ]; then
		log "building $out"
		tmp=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX")
		mkdir -p "$tmp"/{bin,dev,proc,sys}
		cp /bin/busybox "$tmp/bin/busybox"
		install -m 755 "$HERE/init.sh" "$tmp/init"
		add_modules "$kdir" "$release" "$tmp"
		(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
		mv "$out.tmp" "$out"
		rm -rf "$tmp"
		# Older builds for this kernel are dead weight.
		find "$kdir" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "${out##*/}" -delete
	fi
	echo "$out"
}

main "$@"
