#!/usr/bin/env bash
# README command 1: build husk and run a busybox container with it.
#
#   ./contrib/demo.sh          (as root, on Debian 12)
#
# Installs the build dependencies that are missing, builds husk into
# build/, makes a throw-away bundle (a busybox rootfs and a config.json from
# `husk spec`), runs it with `husk run`, removes the bundle and exits with
# the container's exit status.
set -eu

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: containers need root; run it as root (sudo $0)" >&2
	exit 1
fi

# --- build dependencies ----------------------------------------------------
PKGS=(meson ninja-build pkg-config gcc libyajl-dev libseccomp-dev libcap-dev busybox-static)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "==> installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

# --- build -------------------------------------------------------------------
BUILD=${HUSK_BUILD_DIR:-build}
echo "==> building husk in $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
HUSK="$REPO/$BUILD/src/cli/husk"
"$HUSK" --version | head -n1

# --- bundle --------------------------------------------------------------------
TMP=$(mktemp -d /tmp/husk-demo.XXXXXX)
cleanup() {
	"$HUSK" --root "$TMP/state" delete --force demo >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

echo "==> bundle in $TMP/bundle"
BUNDLE="$TMP/bundle"
ROOTFS="$BUNDLE/rootfs"
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$ROOTFS/bin/busybox"
for a in $("$ROOTFS/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$ROOTFS/bin/$a"
done

# What the container runs: it is PID 1 of its own pid namespace.
cat >"$ROOTFS/demo.sh" <<'EOF'
echo "hostname: $(hostname)"
echo
echo "processes (this script is PID 1):"
ps -o pid,user,args
echo
echo "mounts:"
mount
EOF

"$HUSK" spec --bundle "$BUNDLE"
# No terminal, and our script instead of an interactive sh. (sed -z: the
# whole file is one "line", so the args array may span lines.)
sed -z -i \
	-e 's/"terminal": *true/"terminal": false/' \
	-e 's|"args": *\[[^]]*\]|"args": ["sh", "/demo.sh"]|' \
	"$BUNDLE/config.json"

# --- run -------------------------------------------------------------------------
echo "==> husk run demo"
echo
status=0
"$HUSK" --root "$TMP/state" run --bundle "$BUNDLE" demo </dev/null || status=$?
echo
echo "==> container exited with status $status"
exit "$status"
