#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The documentation matches the code: every long option that `natctl help
# COMMAND` lists is described in the man page and named in the README;
# every command in the man page's SYNOPSIS is one natctl knows; every exit
# status and error_code of the failure table (include/natctl/base/failure.h)
# is in the man page's EXIT STATUS and the README's table, and no reserved
# one is; the default STUN servers of --help are named in both; every
# --help ends with two or three examples that the man page or README shows;
# every JSON Schema and each top-level key of its documents is described.
# Environment: NATCTL_BIN (the binary), SRC (the source tree).
set -u
bin=${NATCTL_BIN:?}
src=${SRC:?}
man=$src/man/natctl.1
readme=$src/README.md
table=$src/include/natctl/base/failure.h
pass=0
fail=0
check() {
	if "${@:2}"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1" >&2; fi
}

# The section of the man page from ".Sh NAME" to the next ".Sh".
man_section() {
	sed -n "/^\\.Sh $1\$/,/^\\.Sh /p" "$man"
}
# The README's section from "## NAME" to the next "## ".
readme_section() {
	sed -n "/^## $1\$/,/^## /p" "$readme"
}

for cmd in stun map probe help; do
	help=$("$bin" help "$cmd") || { fail=$((fail + 1)); echo "FAIL: natctl help $cmd" >&2; continue; }
	options=$(sed '/^Examples:/,$d' <<<"$help")
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$options" | sort -u); do
		check "man page describes $cmd $opt" grep -qE -- "Fl -${opt#--}( |$)" "$man"
		check "README names $cmd $opt" grep -qF -- "$opt" "$readme"
	done
	# Two or three examples, each shown in the man page or the README.
	examples=$(sed -n '/^Examples:/,$p' <<<"$help" | sed -n 's/^  \(natctl .*\)$/\1/p' |
		sed 's/ *#.*//')
	n=$(grep -c . <<<"$examples")
	check "natctl help $cmd ends with 2 or 3 examples ($n)" test "$n" -ge 2 -a "$n" -le 3
	while IFS= read -r ex; do
		[ -n "$ex" ] || continue
		check "the example '$ex' of $cmd is in the man page or README" \
			bash -c 'grep -qF -- "$1" "$2" || grep -qF -- "$1" "$3"' _ "$ex" "$man" "$readme"
	done <<<"$examples"
done
for cmd in $(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/p' "$man" | sed -n 's/^\.Cm \([a-z]*\).*/\1/p' | sort -u); do
	check "'$cmd' in the SYNOPSIS is a command" "$bin" help "$cmd" >/dev/null
done
check "the version is the project's" grep -q "^natctl [0-9]" <<<"$("$bin" --version)"
# As mandoc renders it: no option with a stray dash, no ellipsis inside a bracket.
if command -v mandoc >/dev/null; then
	rendered=$(mandoc -Tascii "$man" | col -b)
	check "no '--via -auto' in the rendered page" bash -c '! grep -q -- "--via -auto" <<<"$1"' _ "$rendered"
	check "the SERVER synopsis reads [SERVER[:PORT] ...]" grep -qF "[SERVER[:PORT] ...]" <<<"$rendered"
fi
# Examples stand apart: no .Ed runs straight into the next example's words.
check "every example is its own paragraph" bash -c \
	'! sed -n "/^\.Sh EXAMPLES/,/^\.Sh /p" "$1" | grep -A1 -x "\.Ed" | grep -q "^[^.-]"' _ "$man"
check "-h COMMAND is the command's help" test "$("$bin" -h map)" = "$("$bin" help map)"
check "COMMAND -h is the command's help" test "$("$bin" probe -h)" = "$("$bin" help probe)"

# The failure table: X(ID, "token", status, documented, "meaning").
rows=$(sed -n 's/^[[:space:]]*X([A-Z_]*, "\([a-z-]*\)", \([0-9]\), \([01]\),.*/\1 \2 \3/p' "$table")
check "the failure table was read ($(wc -l <<<"$rows") rows)" test "$(wc -l <<<"$rows")" -ge 10
exit_man=$(man_section "EXIT STATUS")
exit_readme=$(readme_section "Exit status")
help_main=$("$bin" --help)
while read -r token status documented; do
	if [ "$documented" = 1 ]; then
		check "EXIT STATUS in the man page has $token" grep -qE "^\\.It Li $token\$|^\\.Li $token( |:|\$)" <<<"$exit_man"
		check "the man page's exit status $status is listed" grep -qx "\\.It $status" <<<"$exit_man"
		check "the README's table has $token with status $status" \
			grep -qE "^\\| $status \\| \`$token\` \\|" <<<"$exit_readme"
		check "--help lists $token under status $status" \
			grep -qE "^  $status  (.*, )?$token(,|\$)" <<<"$help_main"
		check "the JSON Schemas know error_code $token" grep -q "\"$token\"" "$src/man/schema/map.schema.json"
	else
		check "reserved $token is not in the man page" bash -c '! grep -qE -- "Li $1( |\$)" "$2"' _ "$token" "$man"
		check "reserved $token is not in the README" bash -c '! grep -qF -- "\`$1\`" "$2"' _ "$token" "$readme"
		check "reserved status $status is not in EXIT STATUS" bash -c '! grep -qx "\.It $1" <<<"$2"' _ "$status" "$exit_man"
		check "reserved status $status is not in --help" bash -c '! grep -qE "^  $1  " <<<"$2"' _ "$status" "$help_main"
	fi
done <<<"$rows"

# The default STUN servers, as --help names them.
for server in $("$bin" help stun | sed -n '/^servers at once:/,/^$/s/^  \([a-z0-9.-]*:[0-9]*\).*/\1/p'); do
	check "the man page names the default server $server" grep -qF "$server" "$man"
	check "the README names the default server $server" grep -qF "$server" "$readme"
done
check "--help names the default servers" test -n "$("$bin" help stun | sed -n '/^servers at once:/,/^$/p')"

# Every schema, and every key of its documents, in the man page and the README.
for schema in "$src"/man/schema/*.schema.json; do
	name=$(basename "$schema")
	check "the man page names $name" grep -qF "$name" "$man"
	check "the README names $name" grep -qF "$name" "$readme"
	for key in $(jq -r '.required[]' "$schema"); do
		check "the man page's OUTPUT describes $key ($name)" \
			bash -c 'sed -n "/^\.Sh OUTPUT/,/^\.Sh /p" "$2" | grep -qE "Li (.* )?$1( |\$)"' _ "$key" "$man"
		check "the README names $key ($name)" grep -qF "\`$key\`" "$readme"
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
