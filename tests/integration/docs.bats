#!/usr/bin/env bats
# Documentation that cannot drift from the binary: every command and flag
# that `husk --help` and `husk VERB --help` print is in the man pages and in
# the shell completion (and nothing more), the completion works when loaded
# in bash, and `meson install` puts the man pages and completion in place.

load helpers

setup() {
	husk_setup
	HUSK_AUTO_CGROUPS_PATH=1
	MAN_DIR="$HUSK_REPO/man"
	BASH_COMPLETION="$HUSK_REPO/contrib/completion/husk.bash"
	ZSH_COMPLETION="$HUSK_REPO/contrib/completion/_husk"
}

teardown() {
	husk_teardown
}

# The commands listed by `husk --help`.
verbs() {
	"$HUSK_BINARY" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'
}

# VERB's flags as printed by `husk VERB --help`, one per line as
# "NAME SHORT KIND": SHORT is "-" without a short form, KIND is "value" for
# flags that take one and "bool" for the others.
verb_flags() {
	"$HUSK_BINARY" "$1" --help | sed -nE \
		's/^  +(-([a-zA-Z0-9]), )? *--([a-z0-9-]+)( value)? .*$/\3 \2 \4/p' |
		awk '{ print $1, ($2 == "" || $2 == "value" ? "-" : $2), ($NF == "value" ? "value" : "bool") }'
}

# The global flags as printed by `husk --help`.
global_flags() {
	"$HUSK_BINARY" --help | awk '/^Global options:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' |
		sed 's/^--//'
}

# The flags a man page documents in its OPTIONS section(s): the terms of
# its definition lists (a line of names followed by a tab-indented text).
man_flags() {
	awk '/^# (GLOBAL )?OPTIONS$/ { on = 1; next } /^# / { on = 0 }
		on && /^\t/ && prev ~ /^\*-/ { print prev } { prev = $0 }' "$1" |
		grep -oE '\*--[a-z0-9-]+' | sed 's/^\*--//' | sort -u
}

# complete WORD...: run the bash completion for the command line WORD...
# (the last word is the one being completed) in a fresh bash that loaded
# contrib/completion/husk.bash. Prints COMPREPLY, one per line.
complete_words() {
	bash -c '
		source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_husk || exit 1
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$BASH_COMPLETION" "$@"
}

@test "docs: every command of husk --help has a man page, built by meson and listed in husk(8)" {
	run verbs
	[ "$status" -eq 0 ]
	echo "$output" >&2
	# create start run state kill delete list spec exec features pause
	# resume ps update events, at least
	[ "${#lines[@]}" -ge 15 ]
	local v section
	for v in "${lines[@]}"; do
		[ -f "$MAN_DIR/husk-$v.8.scd" ] || {
			echo "no man page for $v" >&2
			return 1
		}
		grep -q "'husk-$v'" "$MAN_DIR/meson.build" || {
			echo "husk-$v is not built by man/meson.build" >&2
			return 1
		}
		grep -q "^\*$v\*" "$MAN_DIR/husk.8.scd" || grep -q "^\*.*\*$v\*" "$MAN_DIR/husk.8.scd" || {
			echo "husk(8) does not list $v" >&2
			return 1
		}
		head -n1 "$MAN_DIR/husk-$v.8.scd" | grep -qx "husk-$v(8)"
		grep -q "^\*husk\* \[_global options_\] \*$v\*" "$MAN_DIR/husk-$v.8.scd" || {
			echo "husk-$v(8) has no SYNOPSIS line for $v" >&2
			return 1
		}
		for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES; do
			grep -qx "# $section" "$MAN_DIR/husk-$v.8.scd" || {
				echo "husk-$v(8) has no $section section" >&2
				return 1
			}
		done
	done
	# and no page for a command that does not exist
	local page
	for page in "$MAN_DIR"/husk-*.8.scd; do
		page=${page##*/husk-}
		printf '%s\n' "${lines[@]}" | grep -qx "${page%.8.scd}" || {
			echo "man page for unknown command ${page%.8.scd}" >&2
			return 1
		}
	done
}

@test "docs: every flag of every command is in its man page, in both forms, and nothing else is" {
	local v name short kind bad=0 page documented
	for v in $(verbs); do
		page="$MAN_DIR/husk-$v.8.scd"
		while read -r name short kind; do
			grep -qF "*--$name*" "$page" || {
				echo "husk-$v(8): --$name is missing" >&2
				bad=1
			}
			if [ "$kind" = value ]; then
				grep -qF "*--$name=*" "$page" || {
					echo "husk-$v(8): --$name=VALUE form is missing" >&2
					bad=1
				}
			fi
			if [ "$short" != - ]; then
				grep -qF "*-$short*" "$page" || {
					echo "husk-$v(8): -$short is missing" >&2
					bad=1
				}
			fi
		done < <(verb_flags "$v")
		# The reverse: a documented flag that husk does not take is a lie.
		for documented in $(man_flags "$page"); do
			verb_flags "$v" | grep -q "^$documented " || {
				echo "husk-$v(8) documents --$documented, which husk $v --help does not list" >&2
				bad=1
			}
		done
	done
	[ "$bad" -eq 0 ]
}

@test "docs: every global flag is in husk(8) and nothing else is" {
	local f bad=0
	for f in $(global_flags); do
		grep -qF "*--$f*" "$MAN_DIR/husk.8.scd" || {
			echo "husk(8): --$f is missing" >&2
			bad=1
		}
	done
	for f in $(man_flags "$MAN_DIR/husk.8.scd"); do
		global_flags | grep -qx -- "$f" || {
			echo "husk(8) documents --$f, which husk --help does not list" >&2
			bad=1
		}
	done
	[ "$bad" -eq 0 ]
}

@test "docs: bash completion offers every command and flag, and knows which flags take a value" {
	local v name short kind bad=0 offered values
	for v in $(verbs); do
		offered=$(complete_words husk "$v" -)
		values=$(bash -c 'source "$1"; v="_husk_values_$2"; echo "${!v}"' x "$BASH_COMPLETION" "$v")
		while read -r name short kind; do
			grep -qx -- "--$name" <<<"$offered" || {
				echo "bash: husk $v -<TAB> does not offer --$name" >&2
				bad=1
			}
			[ "$short" = - ] || grep -qx -- "-$short" <<<"$offered" || {
				echo "bash: husk $v -<TAB> does not offer -$short" >&2
				bad=1
			}
			if [ "$kind" = value ]; then
				[[ " $(echo $values) " == *" --$name "* ]] || {
					echo "bash: --$name of $v takes a value, not in _husk_values_$v" >&2
					bad=1
				}
			else
				[[ " $(echo $values) " != *" --$name "* ]] || {
					echo "bash: --$name of $v takes no value, but is in _husk_values_$v" >&2
					bad=1
				}
			fi
		done < <(verb_flags "$v")
		# and no flag that husk does not take
		for name in $(grep -- '^--' <<<"$offered" | sed 's/^--//'); do
			[ "$name" = help ] && continue
			verb_flags "$v" | grep -q "^$name " || {
				echo "bash: husk $v offers --$name, which husk $v --help does not list" >&2
				bad=1
			}
		done
	done
	offered=$(complete_words husk "")
	for v in $(verbs); do
		grep -qx -- "$v" <<<"$offered" || {
			echo "bash: husk <TAB> does not offer the command $v" >&2
			bad=1
		}
	done
	offered=$(complete_words husk -)
	for name in $(global_flags); do
		grep -qx -- "--$name" <<<"$offered" || {
			echo "bash: husk -<TAB> does not offer --$name" >&2
			bad=1
		}
	done
	[ "$bad" -eq 0 ]
}

@test "docs: zsh completion names every command and flag" {
	local v name short kind bad=0
	for v in $(verbs); do
		grep -q "'$v:" "$ZSH_COMPLETION" || {
			echo "zsh: command $v missing" >&2
			bad=1
		}
		while read -r name short kind; do
			grep -qE -- "--$name[=[}]" "$ZSH_COMPLETION" || {
				echo "zsh: --$name of $v missing" >&2
				bad=1
			}
		done < <(verb_flags "$v")
	done
	[ "$bad" -eq 0 ]
	if command -v zsh >/dev/null; then
		zsh -n "$ZSH_COMPLETION"
	fi
}

@test "docs: bash completes commands, flags, flag values and signals" {
	run complete_words husk ex
	[ "$status" -eq 0 ]
	[ "$output" = exec ]

	run complete_words husk exec --pre
	[ "$status" -eq 0 ]
	[ "$output" = --preserve-fds ]

	run complete_words husk --root /tmp --log-format=json st
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "start state" ]

	run complete_words husk --log-f
	[ "$status" -eq 0 ]
	[ "$output" = --log-format ]

	run complete_words husk --log-format ""
	[ "$(echo $output)" = "text json" ]

	# bash splits "--format=j" into "--format" "=" "j" and replaces only
	# the "j"; with "=" not a word break the word is "--format=j".
	run complete_words husk list --format = j
	[ "$output" = json ]
	run complete_words husk list --format =
	[ "$(echo $output)" = "table json" ]
	run complete_words husk list --format=j
	[ "$output" = --format=json ]
	run complete_words husk --root = /tmp --log-format = json st
	[ "$(echo $output)" = "start state" ]

	run complete_words husk list -f ""
	[ "$(echo $output)" = "table json" ]

	# -f is --force for delete: a flag without a value, so the next word
	# is the container id and no format is offered.
	run complete_words husk delete -f ""
	[[ "$output" != *table* ]]

	run complete_words husk kill someid SIGK
	[ "$output" = "" ]
	run complete_words husk kill someid KI
	[ "$output" = KILL ]

	# exec takes no flags after the container id: that is the command.
	run complete_words husk exec someid --pre
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "docs: bash completes container ids from husk list, with the --root on the line" {
	create_container docs-ids-alpha
	[ "$status" -eq 0 ]
	create_container docs-ids-beta
	[ "$status" -eq 0 ]

	run complete_words "$HUSK_BINARY" --root "$HUSK_ROOT" state docs-ids-
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "docs-ids-alpha docs-ids-beta" ]

	run complete_words "$HUSK_BINARY" --root="$HUSK_ROOT" kill --all docs-ids-b
	[ "$output" = docs-ids-beta ]

	run complete_words "$HUSK_BINARY" --root "$HUSK_ROOT" exec --cwd /tmp -e A=1 docs-ids-a
	[ "$output" = docs-ids-alpha ]

	# Another root has other containers: none of these.
	run complete_words "$HUSK_BINARY" --root "$BATS_TEST_TMPDIR/empty-root" state docs-ids-
	[ "$status" -eq 0 ]
	[ "$output" = "" ]

	run husk delete --force docs-ids-alpha
	[ "$status" -eq 0 ]
	run husk delete --force docs-ids-beta
	[ "$status" -eq 0 ]
}

# The build directory of $HUSK_BINARY (BUILD/src/cli/husk), if it is one.
husk_build_dir() {
	local dir
	dir=$(cd "$(dirname "$HUSK_BINARY")/../.." 2>/dev/null && pwd) || return 1
	[ -f "$dir/build.ninja" ] && [ -d "$dir/meson-private" ] || return 1
	echo "$dir"
}

# build_option DIR NAME: a meson option of the build directory.
build_option() {
	meson introspect --buildoptions "$1" | jq -r --arg n "$2" '.[] | select(.name == $n) | .value'
}

@test "docs: meson install puts the man pages and the shell completion in place" {
	local build
	build=$(husk_build_dir) || skip "$HUSK_BINARY is not in a meson build directory"
	command -v meson >/dev/null || skip "meson is not installed"
	[ -f "$build/man/husk.8" ] ||
		skip "$build has no built man pages (scdoc was missing when it was configured)"
	local dest="$BATS_TEST_TMPDIR/dest" prefix mandir datadir sbindir
	prefix=$(build_option "$build" prefix)
	mandir=$(build_option "$build" mandir)
	datadir=$(build_option "$build" datadir)
	sbindir=$(build_option "$build" sbindir)
	[[ $mandir = /* ]] || mandir="$prefix/$mandir"
	[[ $datadir = /* ]] || datadir="$prefix/$datadir"
	[[ $sbindir = /* ]] || sbindir="$prefix/$sbindir"

	run meson install -C "$build" --no-rebuild --destdir "$dest"
	echo "$output" >&2
	[ "$status" -eq 0 ]

	[ -x "$dest$sbindir/husk" ]
	local v
	for v in "" $(verbs); do
		local page="$dest$mandir/man8/husk${v:+-$v}.8"
		[ -s "$page" ] || {
			echo "not installed: $page" >&2
			return 1
		}
		grep -q '^\.TH' "$page"
	done
	[ -f "$dest$datadir/bash-completion/completions/husk" ]
	cmp "$dest$datadir/bash-completion/completions/husk" "$BASH_COMPLETION"
	[ -f "$dest$datadir/zsh/site-functions/_husk" ]
	cmp "$dest$datadir/zsh/site-functions/_husk" "$ZSH_COMPLETION"

	# The installed page reads as a man page.
	if command -v man >/dev/null; then
		run env MANWIDTH=80 man -l "$dest$mandir/man8/husk-exec.8"
		[ "$status" -eq 0 ]
		[[ "$output" == *"--preserve-fds"* ]]
	fi
}

@test "docs: meson setup without scdoc skips the man pages with a message" {
	command -v meson >/dev/null || skip "meson is not installed"
	# A PATH with every program of the usual one but scdoc.
	local bin="$BATS_TEST_TMPDIR/bin" d f path=""
	mkdir -p "$bin"
	for d in /usr/local/bin /usr/bin /bin; do
		for f in "$d"/*; do
			[ "${f##*/}" = scdoc ] || [ -e "$bin/${f##*/}" ] || ln -s "$f" "$bin/${f##*/}"
		done
	done
	path="$bin:/usr/local/sbin:/usr/sbin"
	[ -z "$(PATH=$path command -v scdoc)" ]

	run env PATH="$path" meson setup -Dtests=false "$BATS_TEST_TMPDIR/build" "$HUSK_REPO"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *"scdoc not found: the man pages are not built"* ]]
	run meson introspect --targets "$BATS_TEST_TMPDIR/build"
	[ "$status" -eq 0 ]
	[ "$(jq '[.[] | select(.name | endswith(".8"))] | length' <<<"$output")" -eq 0 ]
	# The completion is installed all the same.
	meson introspect --installed "$BATS_TEST_TMPDIR/build" | grep -q 'bash-completion/completions/husk'

	# -Dman=enabled makes a missing scdoc an error instead.
	run env PATH="$path" meson setup -Dtests=false -Dman=enabled \
		"$BATS_TEST_TMPDIR/build2" "$HUSK_REPO"
	echo "$output" >&2
	[ "$status" -ne 0 ]
	[[ "$output" == *scdoc* ]]
}

@test "docs: every environment variable husk reads is in husk(8)" {
	local var bad=0 env_section
	env_section=$(awk '/^# ENVIRONMENT$/ { on = 1; next } /^# / { on = 0 } on' "$MAN_DIR/husk.8.scd")
	# PATH is only searched for helper programs, as any program does.
	for var in $(grep -rhoE 'getenv\("[A-Za-z0-9_]+"\)' "$HUSK_REPO/src" |
		sed -E 's/getenv\("(.*)"\)/\1/' | sort -u | grep -vx PATH); do
		grep -qF "*${var//_/\\_}*" <<<"$env_section" || {
			echo "husk(8): ENVIRONMENT does not describe $var" >&2
			bad=1
		}
	done
	[ "$bad" -eq 0 ]
}
