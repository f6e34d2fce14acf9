#!/usr/bin/env bats
# `husk features`: the runtime-spec features document (runtime-spec
# features.md and features-linux.md). It is generated from the tables the
# parser uses, so these tests also hold it against what the rest of husk
# (`husk spec`, `husk --version`, the installed schema's enums) says.

load helpers

setup() {
	husk_setup
	FEATURES="$BATS_TEST_TMPDIR/features.json"
	run husk features
	echo "$output" >&2
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$FEATURES"
}

teardown() {
	husk_teardown
}

# f JQ-FILTER: query the document.
f() {
	jq -r "$1" "$FEATURES"
}

# The enum of a definition in the installed defs-linux.json, one per line.
schema_enum() {
	jq -r --arg d "$1" '.definitions[$d].enum[]' "$HUSK_SCHEMA_DIR/defs-linux.json"
}

# A config.json from `husk spec [ARGS...]`, in $BATS_TEST_TMPDIR/spec.
spec_config() {
	local dir="$BATS_TEST_TMPDIR/spec"
	rm -rf "$dir"
	mkdir -p "$dir"
	husk spec --bundle "$dir" "$@" >&2
	echo "$dir/config.json"
}

@test "features: the document has the runtime-spec's shape (features.md, features-linux.md)" {
	# Required: ociVersionMin and ociVersionMax. The rest is optional but,
	# when present, typed as the spec says.
	jq -e '
	  def strings: type == "array" and all(.[]; type == "string");
	  def enabled: type == "object" and (.enabled | type == "boolean");
	  type == "object"
	  and (.ociVersionMin | type == "string")
	  and (.ociVersionMax | type == "string")
	  and (.hooks | strings)
	  and (.mountOptions | strings)
	  and (.annotations | type == "object" and all(.[]; type == "string"))
	  and (.linux | type == "object")
	  and (.linux.namespaces | strings)
	  and (.linux.capabilities | strings and all(.[]; test("^CAP_[A-Z_]+$")))
	  and (.linux.cgroup | type == "object"
	       and all(.v1, .v2, .systemd, .systemdUser, .rdma; type == "boolean"))
	  and (.linux.seccomp | enabled
	       and (.actions | strings) and (.operators | strings)
	       and (.archs | strings) and (.knownFlags | strings)
	       and (.supportedFlags | strings))
	  and (.linux.apparmor | enabled)
	  and (.linux.selinux | enabled)
	  and (.linux.intelRdt | enabled)
	  and (.linux.mountExtensions.idmap | enabled)
	' "$FEATURES"
	# Exactly the top-level and linux keys the spec defines.
	[ "$(f 'keys_unsorted | map(select(IN("ociVersionMin", "ociVersionMax",
	  "hooks", "mountOptions", "linux", "annotations",
	  "potentiallyUnsafeConfigAnnotations") | not)) | length')" = 0 ]
	[ "$(f '.linux | keys_unsorted | map(select(IN("namespaces",
	  "capabilities", "cgroup", "seccomp", "apparmor", "selinux", "intelRdt",
	  "mountExtensions", "netDevices", "memoryPolicy") | not)) | length')" = 0 ]
	# No duplicates in any list.
	f '[.hooks, .mountOptions, .linux.namespaces, .linux.capabilities,
	    .linux.seccomp.actions, .linux.seccomp.operators, .linux.seccomp.archs,
	    .linux.seccomp.knownFlags] | map(length == (unique | length)) | all' | grep -qx true
	# Newer runtime-spec packages ship the schema itself: use it then.
	# (Debian 12's golang-github-opencontainers-specs-dev predates it.)
	if [ -f "$HUSK_SCHEMA_DIR/features-schema.json" ]; then
		validate_json features-schema.json "$FEATURES"
	fi
}

@test "features: seccomp names are those of the installed schema's enums" {
	local a
	# Every action, operator and flag husk names is one the spec defines...
	for a in $(f '.linux.seccomp.actions[]'); do
		schema_enum SeccompAction | grep -qx "$a"
	done
	for a in $(f '.linux.seccomp.operators[]'); do
		schema_enum SeccompOperators | grep -qx "$a"
	done
	for a in $(f '.linux.seccomp.knownFlags[]'); do
		schema_enum SeccompFlag | grep -qx "$a"
	done
	# ...and none the spec defines is missing (archs and namespaces may be
	# newer than the installed schema, so only this direction for them).
	for a in $(schema_enum SeccompAction); do f '.linux.seccomp.actions[]' | grep -qx "$a"; done
	for a in $(schema_enum SeccompOperators); do f '.linux.seccomp.operators[]' | grep -qx "$a"; done
	for a in $(schema_enum SeccompFlag); do f '.linux.seccomp.knownFlags[]' | grep -qx "$a"; done
	for a in $(schema_enum SeccompArch); do f '.linux.seccomp.archs[]' | grep -qx "$a"; done
	for a in $(schema_enum NamespaceType); do f '.linux.namespaces[]' | grep -qx "$a"; done
	f '.linux.seccomp.archs[]' | grep -qx SCMP_ARCH_X86_64
	[ "$(f '.linux.seccomp.enabled')" = true ]
}

@test "features: supportedFlags are known flags this kernel accepts" {
	local flag
	for flag in $(f '.linux.seccomp.supportedFlags[]'); do
		f '.linux.seccomp.knownFlags[]' | grep -qx "$flag"
	done
	# Every kernel husk runs on has had TSYNC (3.17) and LOG (4.14).
	f '.linux.seccomp.supportedFlags[]' | grep -qx SECCOMP_FILTER_FLAG_TSYNC
	f '.linux.seccomp.supportedFlags[]' | grep -qx SECCOMP_FILTER_FLAG_LOG
}

@test "features: ociVersionMax is the version husk --version reports, and not below ociVersionMin" {
	run husk --version
	[ "$status" -eq 0 ]
	local spec_version
	spec_version=$(sed -n 's/^spec: \([^ ]*\).*/\1/p' <<<"$output")
	[ -n "$spec_version" ]
	[ "$(f .ociVersionMax)" = "$spec_version" ]
	[[ "$(f .ociVersionMin)" =~ ^1\.[0-9]+\.[0-9]+$ ]]
	[ "$(printf '%s\n' "$(f .ociVersionMin)" "$(f .ociVersionMax)" | sort -V | head -n1)" = "$(f .ociVersionMin)" ]
	# The version husk spec writes is one husk says it parses.
	local v
	v=$(jq -r .ociVersion "$(spec_config)")
	[ "$(printf '%s\n' "$(f .ociVersionMin)" "$v" "$(f .ociVersionMax)" | sort -V | sed -n 2p)" = "$v" ]
}

@test "features: the annotations carry husk's version" {
	run husk --version
	local version
	version=$(sed -n 's/^husk version \([^ ]*\).*/\1/p' <<<"$output")
	[ -n "$version" ]
	[ "$(f '.annotations["io.github.husk.version"]')" = "$version" ]
}

@test "features: every namespace and capability that husk spec writes is listed, time and CAP_SYS_ADMIN too" {
	local c ns cap
	for c in "$(spec_config)" "$(spec_config --rootless)"; do
		for ns in $(jq -r '.linux.namespaces[].type' "$c"); do
			f '.linux.namespaces[]' | grep -qx "$ns"
		done
		for cap in $(jq -r '.process.capabilities | .[]? | .[]' "$c"); do
			f '.linux.capabilities[]' | grep -qx "$cap"
		done
	done
	for ns in pid network ipc uts mount cgroup user time; do
		f '.linux.namespaces[]' | grep -qx "$ns"
	done
	f '.linux.capabilities[]' | grep -qx CAP_SYS_ADMIN
	f '.linux.capabilities[]' | grep -qx CAP_CHOWN
}

@test "features: capabilities run from CAP_CHOWN to at least CAP_AUDIT_READ, in number order" {
	# libcap's names for 0..CAP_LAST_CAP: every libcap husk builds with
	# knows 0 (CAP_CHOWN) to 37 (CAP_AUDIT_READ).
	[ "$(f '.linux.capabilities[0]')" = CAP_CHOWN ]
	[ "$(f '.linux.capabilities[21]')" = CAP_SYS_ADMIN ]
	[ "$(f '.linux.capabilities[37]')" = CAP_AUDIT_READ ]
}

@test "features: mountOptions include every option of husk spec's mounts that is not filesystem data" {
	local c o
	c=$(spec_config)
	for o in $(jq -r '.mounts[].options[]?' "$c"); do
		# "mode=755", "newinstance", "size=..." are passed to the filesystem.
		case $o in *=* | newinstance) continue ;; esac
		f '.mountOptions[]' | grep -qx -- "$o"
	done
	for o in ro rw bind rbind rprivate rslave nosuid nodev noexec rro idmap; do
		f '.mountOptions[]' | grep -qx -- "$o"
	done
}

@test "features: the hooks are the six of config.md" {
	[ "$(f '.hooks | join(",")')" = prestart,createRuntime,createContainer,startContainer,poststart,poststop ]
}

@test "features: cgroup, LSM and extension flags say what this husk and host do" {
	[ "$(f '.linux.cgroup | "\(.v1) \(.v2) \(.systemd) \(.systemdUser) \(.rdma)"')" = "true true false false true" ]
	# linux.seccomp is applied (seccomp.bats).
	[ "$(f .linux.seccomp.enabled)" = true ]
	# The LSMs: enabled exactly when the host has them.
	aa=false
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || aa=true
	se=false
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" != selinux ] || se=true
	[ "$(f .linux.apparmor.enabled)" = "$aa" ]
	[ "$(f .linux.selinux.enabled)" = "$se" ]
	[ "$(f .linux.intelRdt.enabled)" = false ]
	[ "$(f .linux.mountExtensions.idmap.enabled)" = true ]
}

@test "features: takes no arguments, needs no state root, prints help" {
	run husk features extra
	assert_husk_error extra
	run timeout 10 "$HUSK_BINARY" --root "$BATS_TEST_TMPDIR/does/not/exist" features
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/does" ]
	jq -e . <<<"$output" >/dev/null
	run husk features --help
	[ "$status" -eq 0 ]
	grep -q features <<<"$output"
}
