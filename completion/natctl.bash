# SPDX-License-Identifier: BSD-2-Clause
# Bash completion for natctl: its commands, every option, and the values some options take.
#
# Mirrors the option tables in src/cli.c (global) and src/cmd_*.c; the test
# tests/completion/test_completion.sh fails when they drift apart.
# Needs only bash, not the bash-completion package.

_natctl_commands=(map stun probe help)

# Options that every command accepts, before or after its name.
_natctl_global_opts=(-j --json -q --quiet -t --timeout -v --verbose --color -4 --ipv4 -6 --ipv6
	-h --help -V --version)
_natctl_global_argopts=(-t --timeout --color)

# Each command's own options, and those of them that take a value.
_natctl_map_opts=(--via --lifetime --keep --on-change --any --description --internal -i
	--interface --gateway --delete --force --cleanup --list --external --check --stun --wait
	--no-cache)
_natctl_map_argopts=(--via --lifetime --on-change --description --internal -i --interface
	--gateway --stun --wait)
_natctl_stun_opts=(--address-only --tcp --local-port --path)
_natctl_stun_argopts=(--local-port)
_natctl_probe_opts=(--stun --test-mapping -i --interface --gateway --wait --no-cache)
_natctl_probe_argopts=(--stun -i --interface --gateway --wait)

# Prints the options valid in the context of command $1 ("" before the
# command, and for help): all of them, or with $2 = arg those taking a value.
_natctl_opts_for() {
	local -a own=() arg=()
	case $1 in
	map) own=("${_natctl_map_opts[@]}") arg=("${_natctl_map_argopts[@]}") ;;
	stun) own=("${_natctl_stun_opts[@]}") arg=("${_natctl_stun_argopts[@]}") ;;
	probe) own=("${_natctl_probe_opts[@]}") arg=("${_natctl_probe_argopts[@]}") ;;
	esac
	if [[ $2 == arg ]]; then
		printf '%s\n' "${arg[@]}" "${_natctl_global_argopts[@]}"
	else
		printf '%s\n' "${own[@]}" "${_natctl_global_opts[@]}"
	fi
}

# Resolves a long option as getopt_long does: an exact name, or an
# unambiguous prefix ("--life" is --lifetime). Prints the full name.
_natctl_long_name() {
	local cmd=$1 name=$2 o match=""
	for o in $(_natctl_opts_for "$cmd" all); do
		[[ $o == --* ]] || continue
		if [[ $o == "$name" ]]; then
			printf '%s' "$o"
			return
		fi
		if [[ $o == "$name"* ]]; then
			[[ -n $match ]] && return
			match=$o
		fi
	done
	printf '%s' "$match"
}

# Does option $2 (full name, or "-X") take a value in command $1's context?
_natctl_takes_value() {
	local o
	for o in $(_natctl_opts_for "$1" arg); do
		[[ $o == "$2" ]] && return 0
	done
	return 1
}

# The short option in the cluster $2 (e.g. "-jt") whose value is the next
# word, if any: the first value-taking letter, when it ends the word.
_natctl_short_wants_next() {
	local cmd=$1 word=${2#-} i c
	for ((i = 0; i < ${#word}; i++)); do
		c=${word:i:1}
		if _natctl_takes_value "$cmd" "-$c"; then
			((i == ${#word} - 1)) && printf '%s' "-$c"
			return
		fi
	done
}

_natctl_interfaces() {
	local d
	for d in /sys/class/net/*; do
		if [[ -e $d ]]; then
			printf '%s\n' "${d##*/}"
		fi
	done
}

# Completes the value of option $1 (full name or "-X") from the text $2.
_natctl_complete_value() {
	local opt=$1 cur=$2
	case $opt in
	--via) mapfile -t COMPREPLY < <(compgen -W "auto pcp natpmp upnp" -- "$cur") ;;
	--color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur") ;;
	-i | --interface) mapfile -t COMPREPLY < <(compgen -W "$(_natctl_interfaces)" -- "$cur") ;;
	--stun) mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur") ;;
	--on-change) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
	# --timeout, --lifetime, --description, --internal, --gateway, --local-port,
	# --wait: free text.
	*) COMPREPLY=() ;;
	esac
}

# Completes operand number $2 (0-based, after the command $1) from $3.
_natctl_complete_operand() {
	local cmd=$1 n=$2 cur=$3
	case $cmd in
	"") mapfile -t COMPREPLY < <(compgen -W "${_natctl_commands[*]}" -- "$cur") ;;
	help)
		if ((n == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "${_natctl_commands[*]}" -- "$cur")
		fi
		;;
	map)
		# PORT[-LAST][:EXTERNAL] [tcp|udp|both]: the transport follows the port.
		if ((n == 1)); then
			mapfile -t COMPREPLY < <(compgen -W "tcp udp both" -- "$cur")
		fi
		;;
	stun) mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur") ;;
	esac
}

# bash splits "--via=pcp" into "--via" "=" "pcp", and "80:8080" likewise at
# ':'. Glues such pieces back into the words natctl will see: sets words[]
# and cword; cur is the text after the last break, which bash replaces.
_natctl_join_words() {
	local i w glue=0
	words=() cword=0
	for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 0)) && [[ $glue == 1 || $w =~ ^[=:]+$ ]]; then
			words[${#words[@]} - 1]+=$w
		else
			words+=("$w")
		fi
		glue=0
		if [[ $w =~ ^[=:]+$ ]]; then glue=1; fi
	done
	cword=$((${#words[@]} - 1))
}

_natctl() {
	local -a words
	local cword cur=${COMP_WORDS[COMP_CWORD]}
	[[ $cur =~ ^[=:]+$ ]] && cur=""
	_natctl_join_words
	COMPREPLY=()

	local cmd="" operands=0 dashdash=0 want="" w i name
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -n $want ]]; then
			want=""
		elif ((dashdash)) || [[ $w != -?* ]]; then
			if [[ -z $cmd ]]; then cmd=$w; else operands=$((operands + 1)); fi
		elif [[ $w == -- ]]; then
			# Before the command, "--" only ends the global options.
			[[ -n $cmd ]] && dashdash=1
		elif [[ $w == --* ]]; then
			[[ $w == *=* ]] && continue
			name=$(_natctl_long_name "$cmd" "$w")
			_natctl_takes_value "$cmd" "$name" && want=$name
		else
			want=$(_natctl_short_wants_next "$cmd" "$w")
		fi
	done

	local word=${words[cword]}
	if [[ -n $want ]]; then
		_natctl_complete_value "$want" "$cur"
	elif ((!dashdash)) && [[ $word == --*=* ]]; then
		_natctl_complete_value "$(_natctl_long_name "$cmd" "${word%%=*}")" "$cur"
	elif ((!dashdash)) && [[ $word == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_natctl_opts_for "$cmd" all)" -- "$cur")
	else
		_natctl_complete_operand "$cmd" "$operands" "$cur"
	fi
	return 0
}

complete -F _natctl natctl
