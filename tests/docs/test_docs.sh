#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The documentation matches the code: every long option that `natctl help
# COMMAND` lists is described in the man page and named in the README, and
# every command in the man page's SYNOPSIS is one natctl knows.
# Environment: NATCTL_BIN (the binary), SRC (the source tree).
set -u
bin=${NATCTL_BIN:?}
src=${SRC:?}
man=$src/man/natctl.1
readme=$src/README.md
pass=0
fail=0
check() {
	if "${@:2}"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1" >&2; fi
}

for cmd in stun map probe help; do
	help=$("$bin" help "$cmd") || { fail=$((fail + 1)); echo "FAIL: natctl help $cmd" >&2; continue; }
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$help" | sort -u); do
		check "man page describes $cmd $opt" grep -qE -- "Fl -${opt#--}( |$)" "$man"
		check "README names $cmd $opt" grep -qF -- "$opt" "$readme"
	done
done
for cmd in $(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/p' "$man" | sed -n 's/^\.Cm \([a-z]*\).*/\1/p' | sort -u); do
	check "'$cmd' in the SYNOPSIS is a command" "$bin" help "$cmd" >/dev/null
done
check "the version is the project's" grep -q "^natctl [0-9]" <<<"$("$bin" --version)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
