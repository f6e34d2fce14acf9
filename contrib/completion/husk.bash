# bash completion for husk(8): commands, the options of each command, and
# container ids (from `husk list -q`, with the --root given on the line).
# Works on its own; the bash-completion package is not needed.

_husk_commands="create start run state kill delete list spec exec features
pause resume ps update events"

# Options of each command. The *_values lists hold those that take a value.
_husk_opts_global="--root --log --log-format --debug --systemd-cgroup
--rootless --version -v --help -h"
_husk_values_global="--root --log --log-format --rootless"

_husk_opts_create="--bundle -b --pid-file --console-socket --pidfd-socket
--no-pivot --no-new-keyring --preserve-fds --help"
_husk_values_create="--bundle -b --pid-file --console-socket --pidfd-socket
--preserve-fds"
_husk_opts_run="$_husk_opts_create --detach -d --keep"
_husk_values_run="$_husk_values_create"
_husk_opts_start="--help"
_husk_opts_state="--help"
_husk_opts_kill="--all -a --help"
_husk_opts_delete="--force -f --help"
_husk_opts_list="--format -f --quiet -q --help"
_husk_values_list="--format -f"
_husk_opts_spec="--bundle -b --rootless --help"
_husk_values_spec="--bundle -b"
_husk_opts_exec="--process -p --tty -t --console-socket --detach -d --pid-file
--pidfd-socket --cwd --env -e --user -u --additional-gids -g --cap -c
--no-new-privs --apparmor --process-label --preserve-fds --cgroup
--ignore-paused --help"
_husk_values_exec="--process -p --console-socket --pid-file --pidfd-socket
--cwd --env -e --user -u --additional-gids -g --cap -c --apparmor
--process-label --preserve-fds --cgroup"
_husk_opts_features="--help"
_husk_opts_pause="--help"
_husk_opts_resume="--help"
_husk_opts_ps="--format -f --help"
_husk_values_ps="--format -f"
_husk_opts_update="--resources -r --blkio-weight --cpu-period --cpu-quota
--cpu-share --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems
--kernel-memory --kernel-memory-tcp --memory --memory-reservation
--memory-swap --pids-limit --help"
_husk_values_update="--resources -r --blkio-weight --cpu-period --cpu-quota
--cpu-share --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems
--kernel-memory --kernel-memory-tcp --memory --memory-reservation
--memory-swap --pids-limit"
_husk_opts_events="--stats --interval --help"
_husk_values_events="--interval"

# _husk_in WORD LIST: is WORD one of the words of LIST?
_husk_in() {
	local w
	for w in $2; do
		[[ $w == "$1" ]] && return 0
	done
	return 1
}

# Container ids known to the husk on the command line, with its --root.
_husk_ids() {
	local -a root=()
	[[ -n $_husk_root ]] && root=(--root "$_husk_root")
	"${COMP_WORDS[0]}" "${root[@]}" list -q 2>/dev/null
}

# Values for option $1, completing the text $2.
_husk_value() {
	local opt=$1 cur=$2
	case $opt in
	--bundle | -b | --root)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	--log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
	--rootless) COMPREPLY=($(compgen -W "auto true false" -- "$cur")) ;;
	--format | -f) COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
	--cap | -c)
		COMPREPLY=($(compgen -W "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER
			CAP_KILL CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW
			CAP_SETGID CAP_SETUID CAP_SYS_ADMIN CAP_SYS_PTRACE
			CAP_SYS_RESOURCE CAP_SYS_TIME" -- "$cur"))
		;;
	--log | --pid-file | --console-socket | --pidfd-socket | --process | -p | --resources | -r)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	*) COMPREPLY=() ;;
	esac
}

_husk() {
	# bash splits "--opt=value" into three words ("--opt", "=", "value"):
	# glue them back, and note whether the word under the cursor was split
	# (then bash replaces only the text after "=").
	local -a words=()
	local i w cword=0 split=0 glue=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == "=" && ${#words[@]} -gt 0 && ${words[-1]} == -* && ${words[-1]} != *=* ]]; then
			words[-1]+="="
			glue=1
		elif ((glue)); then
			words[-1]+=$w
			glue=0
		else
			words+=("$w")
		fi
		if ((i == COMP_CWORD)); then
			cword=$((${#words[@]} - 1))
			[[ ${words[cword]} == -*=* && ${words[cword]} != "$w" ]] && split=1
		fi
	done
	local cur=${words[cword]}
	local prev=${words[cword - 1]}
	local verb="" _husk_root="" opts values
	local -i nargs=0

	# Walk the words before the cursor: global options, the command, then
	# the command's options and its positional arguments.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -z $verb ]]; then
			case $w in
			--root=*) _husk_root=${w#--root=} ;;
			--root)
				_husk_root=${words[i + 1]}
				((i++))
				;;
			-*) _husk_in "$w" "$_husk_values_global" && ((i++)) ;;
			*) verb=$w ;;
			esac
			continue
		fi
		values="_husk_values_$verb"
		# exec and ps take no options after the container id.
		if [[ $w == -* ]] && ((nargs == 0)) || [[ $w == -* && $verb != exec && $verb != ps ]]; then
			[[ $w != *=* ]] && _husk_in "$w" "${!values}" && ((i++))
		else
			nargs+=1
		fi
	done

	local options_done=0
	if [[ -z $verb ]]; then
		opts=_husk_opts_global
		values=_husk_values_global
	else
		_husk_in "$verb" "$_husk_commands" || return 0
		opts="_husk_opts_$verb"
		values="_husk_values_$verb"
		[[ ($verb == exec || $verb == ps) && $nargs -gt 0 ]] && options_done=1
	fi

	if ((!options_done)); then
		if [[ $cur == -*=* ]]; then
			_husk_value "${cur%%=*}" "${cur#*=}"
			((split)) || COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
			return 0
		fi
		if _husk_in "$prev" "${!values}"; then
			_husk_value "$prev" "$cur"
			return 0
		fi
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
			return 0
		fi
	fi

	case $verb in
	"")
		COMPREPLY=($(compgen -W "$_husk_commands" -- "$cur"))
		;;
	start | state | kill | delete | exec | pause | resume | ps | update | events)
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -W "$(_husk_ids)" -- "$cur"))
		elif [[ $verb == kill && $nargs -eq 1 ]]; then
			COMPREPLY=($(compgen -W "TERM KILL INT HUP QUIT USR1 USR2 STOP CONT" -- "$cur"))
		elif [[ $verb == exec && $nargs -eq 1 ]]; then
			COMPREPLY=($(compgen -c -- "$cur"))
		fi
		;;
	esac
	return 0
}

complete -F _husk husk
