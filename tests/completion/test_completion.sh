#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Tests completion/natctl.bash by calling _natctl as bash would, and checks it
# against the options natctl's own --help lists, so a new option without
# completion fails here.
#
# Environment: NATCTL_BIN (path to the binary, set by CTest; only its --help
# is run), NATCTL_COMPLETION (the script to test; default: the source tree's).

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPLETION=${NATCTL_COMPLETION:-$HERE/../../completion/natctl.bash}
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

for cmd in $commands; do
	help=$("$NATCTL_BIN" help "$cmd" 2>&1) || fail "'natctl help $cmd' failed"
	help=$(sed '/^Examples:/,$d' <<<"$help") # example command lines are not option lists
	complete_line "natctl $cmd -"
	offered=("${COMPREPLY[@]}")

	# Every option the help mentions (long, "-x," or "[-x ") completes.
	mapfile -t mentioned < <(grep -oE -- '--[a-z][a-z0-9-]*|(^|[[ ])-[A-Za-z0-9][], ]' \
		<<<"$help" | grep -oE -- '-?-[A-Za-z0-9][a-z0-9-]*' | sort -u)
	missing=()
	for o in "${mentioned[@]}"; do has "$o" "${offered[@]}" || missing+=("$o"); done
	if ((${#missing[@]} == 0)); then
		pass "natctl $cmd: every option of its --help completes"
	else
		fail "natctl $cmd: --help lists ${missing[*]}, completion lacks them"
	fi

	# And completion offers nothing the binary does not document.
	stale=()
	for o in "${offered[@]}"; do
		has "$o" "${mentioned[@]}" || grep -qE -- "(^|[[ ])$o([], ]|$)" <<<"$main_help" ||
			stale+=("$o")
	done
	if ((${#stale[@]} == 0)); then
		pass "natctl $cmd: completion offers only documented options"
	else
		fail "natctl $cmd: completion offers ${stale[*]}, not in its --help"
	fi

	# Options that take a value ("--via METHOD", "-t, --timeout SEC") must
	# swallow the next word; flags must not.
	while IFS='|' read -r long arg short; do
		arg=${arg# } short=${short%, }
		for o in $short $long; do
			complete_line "natctl $cmd $o -"
			if [[ -n $arg ]] && ((${#COMPREPLY[@]})); then
				fail "natctl $cmd $o takes $arg, yet its value completes as: ${COMPREPLY[*]}"
			elif [[ -z $arg ]] && ! has --help "${COMPREPLY[@]}"; then
				fail "natctl $cmd $o is a flag, yet the next word is taken as its value"
			else
				pass "natctl $cmd $o ${arg:-(flag)}"
			fi
		done
	done < <(sed -nE 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*)( [A-Z][^ ]*)?.*/\2|\3|\1/p' \
		<<<"$help")
done

finish
