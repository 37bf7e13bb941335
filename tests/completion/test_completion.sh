#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Tests completion/natctl.bash by calling _natctl as bash would, and checks it,
# completion/_natctl (zsh) and completion/natctl.fish against the options
# natctl's own --help lists, so a new option without completion in any of
# the three fails here. zsh and fish must be installed (tests/deps.sh test):
# each file must load (zsh -n, fish --no-execute), fish answers
# `complete -C LINE`, and zsh completes each line in an interactive shell on
# a pseudo-terminal, as Tab would (zsh_complete.zsh).
#
# Environment: NATCTL_BIN (path to the binary, set by CTest; only its --help
# is run), NATCTL_COMPLETION (the bash script to test; default: the source
# tree's), NATCTL_COMPLETION_DIR (where _natctl and natctl.fish are).

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPLETION=${NATCTL_COMPLETION:-$HERE/../../completion/natctl.bash}
COMPLETION_DIR=${NATCTL_COMPLETION_DIR:-$HERE/../../completion}
NATCTL_BIN=${NATCTL_BIN:-$HERE/../../build/natctl}
PASSED=0
FAILED=0

pass() {
	PASSED=$((PASSED + 1))
	printf 'ok: %s\n' "$*"
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL: %s\n' "$*"
}

finish() {
	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	if ((FAILED > 0)); then exit 1; fi
	exit 0
}

if [[ ! -x $NATCTL_BIN ]]; then
	fail "NATCTL_BIN '$NATCTL_BIN' is not an executable"
	finish
fi
# shellcheck source-path=SCRIPTDIR source=../../completion/natctl.bash
if ! . "$COMPLETION"; then
	fail "cannot source '$COMPLETION'"
	finish
fi
if [[ $(complete -p natctl 2>/dev/null) != "complete -F _natctl natctl" ]]; then
	fail "the script does not register _natctl for natctl"
fi

# Splits a command line into COMP_WORDS as bash does (at blanks, and '=' and
# ':' as words of their own); a trailing blank starts an empty word. Then
# runs _natctl and leaves the candidates in COMPREPLY.
complete_line() {
	local line=$1 w
	local -a raw
	read -ra raw <<<"$line"
	COMP_WORDS=()
	for w in "${raw[@]}"; do
		while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
			if [[ -n ${BASH_REMATCH[1]} ]]; then COMP_WORDS+=("${BASH_REMATCH[1]}"); fi
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			w=${BASH_REMATCH[3]}
		done
		if [[ -n $w ]]; then COMP_WORDS+=("$w"); fi
	done
	if [[ $line == *" " ]]; then COMP_WORDS+=(""); fi
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_natctl
}

# Is $1 among the words $2...?
has() {
	local x=$1 y
	shift
	for y; do [[ $x == "$y" ]] && return 0; done
	return 1
}

words_sorted() {
	if (($#)); then printf '%s\n' "$@" | sort -u | tr '\n' ' '; fi
}

# offers LINE WORD...: completing LINE gives exactly these words (any order).
offers() {
	local line=$1 w got want
	shift
	complete_line "$line"
	got=$(words_sorted "${COMPREPLY[@]}")
	want=$(words_sorted "$@")
	if [[ $got == "$want" ]]; then
		pass "'$line' offers: $want"
	else
		fail "'$line' offers '$got', expected '$want'"
	fi
}

# includes LINE WORD...: completing LINE offers at least these words.
includes() {
	local line=$1 w missing=()
	shift
	complete_line "$line"
	for w; do has "$w" "${COMPREPLY[@]}" || missing+=("$w"); done
	if ((${#missing[@]} == 0)); then
		pass "'$line' includes: $*"
	else
		fail "'$line' lacks: ${missing[*]} (offers: ${COMPREPLY[*]})"
	fi
}

# excludes LINE WORD...: completing LINE offers none of these words.
excludes() {
	local line=$1 w extra=()
	shift
	complete_line "$line"
	for w; do has "$w" "${COMPREPLY[@]}" && extra+=("$w"); done
	if ((${#extra[@]} == 0)); then
		pass "'$line' excludes: $*"
	else
		fail "'$line' offers: ${extra[*]}"
	fi
}

GLOBAL_LONG=(--json --quiet --timeout --verbose --color --ipv4 --ipv6 --help --version)
INTERFACES=()
for d in /sys/class/net/*; do [[ -e $d ]] && INTERFACES+=("${d##*/}"); done

# --- Hand-written cases ---------------------------------------------------
offers 'natctl ' map stun probe help
offers 'natctl pr' probe
offers 'natctl -j -t 2 ' map stun probe help
includes 'natctl map --v' --via --verbose
excludes 'natctl map --v' --address-only --stun
offers 'natctl map --via ' auto pcp natpmp upnp
offers 'natctl map --via n' natpmp
offers 'natctl map --via=' auto pcp natpmp upnp
offers 'natctl map --via=u' upnp
offers 'natctl map --vi p' pcp
includes 'natctl probe --' --test-mapping --stun --interface --gateway "${GLOBAL_LONG[@]}"
excludes 'natctl probe --' --via --address-only
includes 'natctl -j stun --' --address-only --tcp --local-port --path "${GLOBAL_LONG[@]}"
includes 'natctl stun -' -j -q -t -v -4 -6 -h -V
offers 'natctl --color ' auto always never
offers 'natctl probe --color=n' never
offers 'natctl stun --local-port '
offers 'natctl -q stun --local-port 4000 --c' --color
excludes 'natctl stun --' --via --stun --interface
offers 'natctl map 8080 ' both tcp udp
offers 'natctl map 8080 u' udp
offers 'natctl map 9000-9015 b' both
includes 'natctl map --c' --cleanup --check
excludes 'natctl map --on-change ' --via --keep
offers 'natctl map 8080:9090 ' both tcp udp
offers 'natctl -v map -t 2 --via pcp --keep 8080 ' both tcp udp
offers 'natctl map -jt 2 -i lo 8080 ' both tcp udp
offers 'natctl map --lifetime=60 8080 ' both tcp udp
offers 'natctl map ' # PORT: nothing to offer
offers 'natctl map 8080 tcp '
offers 'natctl map -i ' "${INTERFACES[@]}"
offers 'natctl probe --interface ' "${INTERFACES[@]}"
offers 'natctl map -vi ' "${INTERFACES[@]}"
offers 'natctl help ' map stun probe help
offers 'natctl help map '
includes 'natctl help --' "${GLOBAL_LONG[@]}"
offers 'natctl -' -j --json -q --quiet -t --timeout -v --verbose --color -4 --ipv4 -6 --ipv6 -h \
	--help -V --version
offers 'natctl map -- -'
offers 'natctl -t '
offers 'natctl map --lifetime '
offers 'natctl map --description '
offers 'natctl map --internal '
offers 'natctl map --gateway '
offers 'natctl probe --gateway '
excludes 'natctl probe --stun ' --test-mapping map tcp
includes 'natctl map --' --check --stun
excludes 'natctl map --check --stun ' --check --keep tcp
offers 'natctl map --check --stun 192.0.2.1 8080 ' both tcp udp

# --- Against the binary's own --help ---------------------------------------
main_help=$("$NATCTL_BIN" --help 2>&1 | sed '/^Examples:/,$d')
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' <<<"$main_help")
if [[ -z $commands ]]; then
	fail "no commands found in '$NATCTL_BIN --help'"
fi
# shellcheck disable=SC2086 # one word per command
includes 'natctl ' $commands

# The options command $1's --help mentions (long, "-x," or "[-x "), one a line.
help_options() {
	grep -oE -- '--[a-z][a-z0-9-]*|(^|[[ ])-[A-Za-z0-9][], ]' <<<"${help_of[$1]}" |
		grep -oE -- '-?-[A-Za-z0-9][a-z0-9-]*' | sort -u
}

# Its option lines as "--long| ARG|-x, " ("--via| METHOD|", "--keep||").
help_option_lines() {
	sed -nE 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*)( [A-Z][^ ]*)?.*/\2|\3|\1/p' \
		<<<"${help_of[$1]}"
}

# against SHELL CMD OFFERED...: the options a shell's completion offers for
# CMD are those its --help lists, no fewer and no more.
against() {
	local sh=$1 cmd=$2 o
	shift 2
	local -a offered=("$@") mentioned missing=() stale=()
	mapfile -t mentioned < <(help_options "$cmd")
	for o in "${mentioned[@]}"; do has "$o" "${offered[@]}" || missing+=("$o"); done
	if ((${#missing[@]} == 0)); then
		pass "$sh: natctl $cmd: every option of its --help completes"
	else
		fail "$sh: natctl $cmd: --help lists ${missing[*]}, completion lacks them"
	fi
	for o in "${offered[@]}"; do
		has "$o" "${mentioned[@]}" || grep -qE -- "(^|[[ ])$o([], ]|$)" <<<"$main_help" ||
			stale+=("$o")
	done
	if ((${#stale[@]} == 0)); then
		pass "$sh: natctl $cmd: completion offers only documented options"
	else
		fail "$sh: natctl $cmd: completion offers ${stale[*]}, not in its --help"
	fi
}

# takes SHELL CMD OPTION ARG OFFERED...: completing "natctl CMD OPTION -"
# offered OFFERED. When --help says OPTION takes ARG ("--via METHOD",
# "-t, --timeout SEC"), the "-" is its value and no option may be offered;
# when it is a flag, the "-" starts the next option and options must be.
takes() {
	local sh=$1 cmd=$2 o=$3 arg=$4 w options=0
	shift 4
	for w; do [[ $w =~ ^--?[A-Za-z0-9] ]] && options=1; done # ("-" is a command)
	if [[ -n $arg ]] && ((options)); then
		fail "$sh: natctl $cmd $o takes $arg, yet its value completes as an option"
	elif [[ -z $arg ]] && ((!options)); then
		fail "$sh: natctl $cmd $o is a flag, yet the next word is taken as its value"
	else
		pass "$sh: natctl $cmd $o ${arg:-(flag)}"
	fi
}

declare -A help_of
for cmd in $commands; do
	help_of[$cmd]=$("$NATCTL_BIN" help "$cmd" 2>&1) || fail "'natctl help $cmd' failed"
	# example command lines are not option lists
	help_of[$cmd]=$(sed '/^Examples:/,$d' <<<"${help_of[$cmd]}")
done

# bash: _natctl itself, on "natctl CMD -" and "natctl CMD OPTION -".
for cmd in $commands; do
	complete_line "natctl $cmd -"
	against bash "$cmd" "${COMPREPLY[@]}"
	while IFS='|' read -r long arg short; do
		arg=${arg# } short=${short%, }
		for o in $short $long; do
			complete_line "natctl $cmd $o -"
			takes bash "$cmd" "$o" "$arg" "${COMPREPLY[@]}"
		done
	done < <(help_option_lines "$cmd")
done

# fish and zsh answer the same lines for real: fish by `complete -C LINE`,
# zsh in an interactive shell on a pseudo-terminal pressing Tab
# (zsh_complete.zsh). Both run with a throw-away home, so that no user
# configuration takes part.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# fish_complete LINE...: prints "## LINE" and then each candidate of LINE.
fish_complete() {
	local line script="source '$COMPLETION_DIR/natctl.fish'"$'\n'
	for line; do
		script+="echo '## $line'; complete -C '$line' | string replace -r '\t.*' ''"$'\n'
	done
	HOME=$work XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work fish -N -c "$script"
}
zsh_complete() {
	HOME=$work zsh -f "$HERE/zsh_complete.zsh" "$COMPLETION_DIR" "$work" "$@"
}
# The candidates of LINE in an output $2 of fish_complete or zsh_complete.
answer() {
	awk -v l="## $1" '$0 == l {on = 1; next} /^## / {on = 0} on' <<<"$2"
}

# The lines both shells complete: hand-written cases, then "natctl CMD -"
# and "natctl CMD OPTION -" for every command and option of --help. (After
# the last operand, and after "help COMMAND", zsh offers the options, as
# zsh does; bash's cases above hold those.)
declare -A expect=(
	['natctl ']="$commands"
	['natctl -j -t 2 ']="$commands"
	['natctl help ']="$commands"
	['natctl map --via ']='auto pcp natpmp upnp'
	['natctl map -i ']="${INTERFACES[*]}"
	['natctl map -vi ']="${INTERFACES[*]}"
	['natctl map 8080 ']='tcp udp both'
	['natctl map 8080:9090 ']='tcp udp both'
	['natctl -v map -t 2 --via pcp --keep 8080 ']='tcp udp both'
	['natctl map -jt 2 -i lo 8080 ']='tcp udp both'
	['natctl map --lifetime=60 8080 ']='tcp udp both'
	['natctl map ']=''
	['natctl map 9000-9015 ']='tcp udp both'
	['natctl map --keep --on-change x 8080 ']='tcp udp both'
	['natctl --color ']='auto always never'
	['natctl probe --color ']='auto always never'
	['natctl -t ']=''
	['natctl map --lifetime ']=''
	['natctl map --description ']=''
	['natctl stun --local-port ']=''
)
lines=("${!expect[@]}")
for cmd in $commands; do
	lines+=("natctl $cmd -")
	while IFS='|' read -r long arg short; do
		for o in ${short%, } $long; do lines+=("natctl $cmd $o -"); done
	done < <(help_option_lines "$cmd")
done

# held SHELL ANSWERS: the shell's answers to every line against --help.
held() {
	local sh=$1 answers=$2 line got want
	for line in "${!expect[@]}"; do
		got=$(answer "$line" "$answers" | sort -u | tr '\n' ' ')
		# shellcheck disable=SC2086 # a list of words
		want=$(words_sorted ${expect[$line]})
		if [[ $got == "$want" ]]; then
			pass "$sh: '$line' offers: $want"
		else
			fail "$sh: '$line' offers '$got', expected '$want'"
		fi
	done
	for cmd in $commands; do
		mapfile -t offered < <(answer "natctl $cmd -" "$answers")
		against "$sh" "$cmd" "${offered[@]}"
		while IFS='|' read -r long arg short; do
			arg=${arg# } short=${short%, }
			for o in $short $long; do
				mapfile -t offered < <(answer "natctl $cmd $o -" "$answers")
				takes "$sh" "$cmd" "$o" "$arg" "${offered[@]}"
			done
		done < <(help_option_lines "$cmd")
	done
}

if ! command -v fish >/dev/null; then
	fail "fish is not installed (tests/deps.sh test installs it)"
elif ! fish --no-execute "$COMPLETION_DIR/natctl.fish"; then
	fail "fish: completion/natctl.fish does not parse"
else
	pass "fish: completion/natctl.fish parses"
	held fish "$(fish_complete "${lines[@]}")"
fi

if ! command -v zsh >/dev/null; then
	fail "zsh is not installed (tests/deps.sh test installs it)"
elif ! zsh -n "$COMPLETION_DIR/_natctl"; then
	fail "zsh: completion/_natctl does not parse"
else
	pass "zsh: completion/_natctl parses"
	answers=$(zsh_complete "${lines[@]}")
	# Every line was answered (the end of each was seen), so an empty
	# answer is zsh's, not a lost terminal.
	n=$(grep -c '^## ' <<<"$answers")
	if ((n == ${#lines[@]})); then
		pass "zsh: all ${#lines[@]} lines completed"
	else
		fail "zsh: $n of ${#lines[@]} lines completed"
	fi
	held zsh "$answers"
fi

finish
