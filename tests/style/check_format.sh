#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Checks that every C file under src/, include/ and tests/ is formatted as
# .clang-format says, and names the files that are not.
#
# Usage: check_format.sh [SOURCE_DIR]   (default: the checkout this script is in)
# Environment: CLANG_FORMAT (the binary; default clang-format), CI (when
# "true", a missing clang-format fails instead of skipping).
# Exit: 0 all formatted, 1 some file is not (or CI without clang-format),
# 77 SKIP (clang-format not installed), 2 usage or setup error.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "${1:-$HERE/../..}" && pwd) || exit 2
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		printf 'FAIL: format: %s not installed; under CI=true the format check must run (tests/deps.sh test installs it)\n' \
			"$CLANG_FORMAT" >&2
		exit 1
	fi
	printf '\n*** SKIP: clang-format not installed (%s not found); the format check did not run (tests/deps.sh test installs it) ***\n\n' \
		"$CLANG_FORMAT" >&2
	exit 77
fi

cd "$ROOT" || exit 2
if [ ! -f .clang-format ]; then
	printf 'format: %s/.clang-format is missing\n' "$ROOT" >&2
	exit 2
fi

# The files: tracked and new (not ignored) ones in a git checkout, else all.
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$ROOT" ]; then
	in_git=1
else
	in_git=""
fi
list_command() {
	if [ -n "$in_git" ]; then
		printf '%s' "git ls-files --cached --others --exclude-standard -- 'src/*.[ch]' 'include/*.[ch]' 'tests/*.[ch]'"
	else
		printf '%s' "find src include tests -type f -name '*.[ch]'"
	fi
}
list_files() {
	eval "$(list_command)" | sort -u
}

version=$("$CLANG_FORMAT" --version 2>/dev/null | head -n 1)
checked=0
bad=()
while IFS= read -r f; do
	[ -f "$f" ] || continue # tracked but deleted in the work tree
	checked=$((checked + 1))
	if ! out=$("$CLANG_FORMAT" --style=file --dry-run --Werror "$f" 2>&1); then
		bad+=("$f")
		places=$(printf '%s\n' "$out" | grep -c 'clang-format-violations')
		if [ "$places" = 0 ]; then # not a formatting difference: say what failed
			printf 'format: %s: clang-format failed: %s\n' "$f" "$(printf '%s\n' "$out" | head -n 1)"
			continue
		fi
		[ "$places" = 1 ] && unit=place || unit=places
		printf 'format: %s: not formatted (%s %s); fix: clang-format -i %s\n' \
			"$f" "$places" "$unit" "$f"
	fi
done < <(list_files)

if [ "$checked" -eq 0 ]; then
	printf 'format: no C files found under %s/{src,include,tests}\n' "$ROOT" >&2
	exit 2
fi
if [ "${#bad[@]}" -gt 0 ]; then
	printf 'format: FAIL: %d of %d files are not formatted as .clang-format says (%s); to format them all:\n' \
		"${#bad[@]}" "$checked" "$version"
	printf '  cd %s && %s | xargs clang-format -i\n' "$ROOT" "$(list_command)"
	case "$version" in
	*" 14."*) ;;
	*) printf 'note: .clang-format is tuned for clang-format 14 (Debian 12); other versions may format differently\n' ;;
	esac
	exit 1
fi
printf 'format: OK: %d files formatted (%s)\n' "$checked" "$version"
exit 0
