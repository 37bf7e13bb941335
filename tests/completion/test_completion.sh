#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Tests completion/natctl.bash by calling _natctl as bash would, and checks it,
# completion/_natctl (zsh) and completion/natctl.fish against the options
# natctl's own --help lists, so a new option without completion in any of
# the three fails here. zsh and fish must be installed (tests/deps.sh test):
# each loads its file (zsh -n, compinit; fish --no-execute), fish answers
# `complete -C` for real, and zsh prints the _arguments specs _natctl uses.
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
offers 'natctl map 8080 ' tcp udp
offers 'natctl map 8080 u' udp
offers 'natctl map 8080:9090 ' tcp udp
offers 'natctl -v map -t 2 --via pcp --keep 8080 ' tcp udp
offers 'natctl map -jt 2 -i lo 8080 ' tcp udp
offers 'natctl map --lifetime=60 8080 ' tcp udp
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
offers 'natctl map --check --stun 192.0.2.1 8080 ' tcp udp

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

# takes SHELL CMD OPTION ARG TAKES: TAKES (0 or 1) says whether the shell's
# completion lets OPTION swallow the next word; --help says it should when
# ARG is not empty ("--via METHOD", "-t, --timeout SEC").
takes() {
	local sh=$1 cmd=$2 o=$3 arg=$4 t=$5
	if [[ -n $arg && $t == 0 ]]; then
		fail "$sh: natctl $cmd $o takes $arg, yet its value completes as an option"
	elif [[ -z $arg && $t == 1 ]]; then
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
			t=1
			has --help "${COMPREPLY[@]}" && t=0
			if [[ -n $arg ]] && ((${#COMPREPLY[@]})); then t=0; fi
			takes bash "$cmd" "$o" "$arg" "$t"
		done
	done < <(help_option_lines "$cmd")
done

# fish: `complete -C LINE` in one fish for every line, with a throw-away
# home so that no user configuration takes part.
fish_home=$(mktemp -d)
trap 'rm -rf "$fish_home"' EXIT
# fish_complete LINE...: prints "## LINE" and then each candidate of LINE.
fish_complete() {
	local line script="source '$COMPLETION_DIR/natctl.fish'"$'\n'
	for line; do
		script+="echo '## $line'; complete -C '$line' | string replace -r '\t.*' ''"$'\n'
	done
	HOME=$fish_home XDG_CONFIG_HOME=$fish_home XDG_DATA_HOME=$fish_home \
		fish -N -c "$script"
}
# The candidates of LINE in fish_complete's output $2.
fish_answer() {
	awk -v l="## $1" '$0 == l {on = 1; next} /^## / {on = 0} on' <<<"$2"
}
if ! command -v fish >/dev/null; then
	fail "fish is not installed (tests/deps.sh test installs it)"
elif ! fish --no-execute "$COMPLETION_DIR/natctl.fish"; then
	fail "fish: completion/natctl.fish does not parse"
else
	pass "fish: completion/natctl.fish parses"
	lines=('natctl ' 'natctl -j -t 2 ' 'natctl map --via ' 'natctl map --via=u'
		'natctl map -i ' 'natctl map 8080 ' 'natctl -v map -t 2 --via pcp --keep 8080 '
		'natctl map -jt 2 -i lo 8080 ' 'natctl map 8080 tcp ' 'natctl --color '
		'natctl help ' 'natctl map -- -' 'natctl -t ')
	for cmd in $commands; do
		lines+=("natctl $cmd -")
		while IFS='|' read -r long arg short; do
			for o in ${short%, } $long; do lines+=("natctl $cmd $o -"); done
		done < <(help_option_lines "$cmd")
	done
	answers=$(fish_complete "${lines[@]}")
	fish_offers() {
		local line=$1 got want
		shift
		got=$(fish_answer "$line" "$answers" | sort -u | tr '\n' ' ')
		want=$(words_sorted "$@")
		if [[ $got == "$want" ]]; then
			pass "fish: '$line' offers: $want"
		else
			fail "fish: '$line' offers '$got', expected '$want'"
		fi
	}
	# shellcheck disable=SC2086 # one word per command
	fish_offers 'natctl ' $commands
	# shellcheck disable=SC2086
	fish_offers 'natctl -j -t 2 ' $commands
	fish_offers 'natctl map --via ' auto pcp natpmp upnp
	fish_offers 'natctl map --via=u' --via=upnp
	fish_offers 'natctl map -i ' "${INTERFACES[@]}"
	fish_offers 'natctl map 8080 ' tcp udp
	fish_offers 'natctl -v map -t 2 --via pcp --keep 8080 ' tcp udp
	fish_offers 'natctl map -jt 2 -i lo 8080 ' tcp udp
	fish_offers 'natctl map 8080 tcp '
	fish_offers 'natctl --color ' auto always never
	# shellcheck disable=SC2086
	fish_offers 'natctl help ' $commands
	fish_offers 'natctl map -- -'
	fish_offers 'natctl -t '
	for cmd in $commands; do
		mapfile -t offered < <(fish_answer "natctl $cmd -" "$answers")
		against fish "$cmd" "${offered[@]}"
		while IFS='|' read -r long arg short; do
			arg=${arg# } short=${short%, }
			for o in $short $long; do
				mapfile -t offered < <(fish_answer "natctl $cmd $o -" "$answers")
				t=1
				has --help "${offered[@]}" && t=0
				takes fish "$cmd" "$o" "$arg" "$t"
			done
		done < <(help_option_lines "$cmd")
	done
fi

# zsh: the file parses, compinit registers it for natctl, and the
# _arguments specs _natctl hands zsh for each command (printed by zsh from
# the file itself) name every option; "-t+[...]:seconds" takes a value,
# "--keep[...]" does not.
zsh_specs() {
	# shellcheck disable=SC2016 # expanded by zsh
	zsh -f -c 'compdef() { :; }; source "$1"; _natctl_specs global; print -rl -- $reply
		[[ -n $2 ]] && _natctl_specs $2 && print -rl -- $reply' _ "$COMPLETION_DIR/_natctl" "$1"
}
# Each option spec as "NAME TAKES" (TAKES 1 when it takes a value).
zsh_options() {
	local spec name rest
	while IFS= read -r spec; do
		spec=${spec#\*}
		[[ $spec =~ ^\([^\)]*\)(.*)$ ]] && spec=${BASH_REMATCH[1]}
		[[ $spec =~ ^(-{1,2}[A-Za-z0-9][a-z0-9-]*)[-+=]*(\[([^]\\]|\\.)*\])?(.*)$ ]] || continue
		name=${BASH_REMATCH[1]} rest=${BASH_REMATCH[4]}
		if [[ $rest == :* ]]; then echo "$name 1"; else echo "$name 0"; fi
	done < <(zsh_specs "$1")
}
if ! command -v zsh >/dev/null; then
	fail "zsh is not installed (tests/deps.sh test installs it)"
elif ! zsh -n "$COMPLETION_DIR/_natctl"; then
	fail "zsh: completion/_natctl does not parse"
else
	pass "zsh: completion/_natctl parses"
	# shellcheck disable=SC2016 # expanded by zsh
	registered=$(HOME=$fish_home zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit
		compinit -u -d "$2/zcompdump"; print -r -- $_comps[natctl]' _ \
		"$COMPLETION_DIR" "$fish_home")
	if [[ $registered == _natctl ]]; then
		pass "zsh: compinit registers _natctl for natctl"
	else
		fail "zsh: compinit registers '$registered' for natctl, not _natctl"
	fi
	for cmd in $commands; do
		declare -A zsh_takes=()
		while read -r name t; do zsh_takes[$name]=$t; done < <(zsh_options "$cmd")
		against zsh "$cmd" "${!zsh_takes[@]}"
		while IFS='|' read -r long arg short; do
			arg=${arg# } short=${short%, }
			for o in $short $long; do
				takes zsh "$cmd" "$o" "$arg" "${zsh_takes[$o]:-0}"
			done
		done < <(help_option_lines "$cmd")
		unset zsh_takes
	done
fi

finish
