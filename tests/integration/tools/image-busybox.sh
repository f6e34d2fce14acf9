#!/bin/bash
# image-busybox.sh OUTDIR [ROOTFS]: a busybox container image built locally,
# without a registry, for the containerd (and podman) integration tests.
#
# ROOTFS is a busybox rootfs directory (helpers.bash's build_rootfs makes
# one); without it, one is made here from Debian's busybox-static. The
# rootfs becomes a one-layer OCI image with umoci, which skopeo turns into
# a docker-archive. Writes:
#   OUTDIR/oci           the OCI image layout, tag "latest"
#   OUTDIR/busybox.tar   a docker-archive of it, named $IMAGE_NAME
# and prints the image name. Environment: IMAGE_NAME (default
# localhost/husk-itest/busybox:latest).
set -euo pipefail

out=${1:?usage: image-busybox.sh OUTDIR [ROOTFS]}
rootfs=${2:-}
name=${IMAGE_NAME:-localhost/husk-itest/busybox:latest}

for tool in umoci skopeo; do
	command -v "$tool" >/dev/null || {
		echo "image-busybox.sh: $tool is missing (apt-get install $tool)" >&2
		exit 1
	}
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/oci" "$out/busybox.tar" "$out/rootfs.tmp"

if [ -z "$rootfs" ]; then
	# The same rootfs as the bats suites'.
	# shellcheck source=../helpers.bash
	source "$(dirname "${BASH_SOURCE[0]}")/../helpers.bash"
	rootfs=$out/rootfs.tmp
	build_rootfs "$rootfs"
fi

# An empty image, the rootfs as its one layer, then the run-time config
# (what `ctr run IMAGE ID` uses when no command is given).
umoci init --layout "$out/oci"
umoci new --image "$out/oci:latest"
umoci insert --image "$out/oci:latest" --history.created_by "image-busybox.sh" "$rootfs" /
umoci config --image "$out/oci:latest" \
	--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	--config.cmd sh --config.workingdir / --author husk-tests
umoci gc --layout "$out/oci"

# skopeo keeps a blob-info cache in /var/lib/containers/cache as root: give
# it a throw-away /var/lib in a mount namespace of its own.
unshare --mount --propagation private sh -c 'mount -t tmpfs husk-varlib /var/lib && exec "$@"' sh \
	skopeo --insecure-policy copy --quiet "oci:$out/oci:latest" "docker-archive:$out/busybox.tar:$name"
rm -rf "$out/rootfs.tmp"
echo "$name"
