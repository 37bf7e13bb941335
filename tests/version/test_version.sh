#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl's version: `natctl -V` and `--version` print the version of the
# tree it was built from, and cmake/NatctlVersion.cmake derives it as the
# README says, checked on scratch git repositories: 0.1.0-N-gHASH with no
# tag, the tag itself (v dropped), TAG-N-gHASH after it, -dirty with
# changes, the VERSION file without git, the base version with neither; and
# the Debian versions made from them. Nothing here touches the network.
# Environment: NATCTL_BIN (the binary), SRC (its source tree), BASE (the
# project's base version, CMake's PROJECT_VERSION).
set -u
bin=${NATCTL_BIN:?}
src=${SRC:?}
base=${BASE:?}
pass=0
fail=0
expect() { # expect WHAT GOT WANT
	if [[ $2 == "$3" ]]; then
		pass=$((pass + 1))
		echo "ok: $1: $2"
	else
		fail=$((fail + 1))
		echo "FAIL: $1: '$2', expected '$3'"
	fi
}
version_of() { cmake -DSRC="$1" -DBASE="$base" -P "$src/tests/version/version.cmake" 2>&1; }
debian_of() { cmake -DV="$1" -P "$src/tests/version/version.cmake" 2>&1; }

want=$(version_of "$src")
expect "natctl --version" "$("$bin" --version)" "natctl $want"
expect "natctl -V" "$("$bin" -V)" "natctl $want"
expect "natctl map -V" "$("$bin" map -V)" "natctl $want"
if [[ -e $src/.git ]] && command -v git >/dev/null; then
	if described=$(git -C "$src" describe --tags --dirty --match 'v[0-9]*' --match '[0-9]*' 2>/dev/null); then
		expect "the tree's version is git describe's" "$want" "${described#v}"
	else
		expect "the tree has no tag: $base-N-gHASH" "$want" \
			"$base-$(git -C "$src" rev-list --count HEAD)-g$(git -C "$src" describe --always --dirty)"
	fi
fi

if ! command -v git >/dev/null; then
	echo "FAIL: git is missing"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo
g() { git -C "$repo" -c user.name=test -c user.email=test@example.invalid "$@"; }
git init -q "$repo"
echo a >"$repo/file"
g add file
g commit -qm one
echo b >"$repo/file"
g commit -qam two
hash=$(g rev-parse --short HEAD)
expect "no tag: the base version, the commit count and the hash" "$(version_of "$repo")" \
	"$base-2-g$hash"
echo c >"$repo/file"
expect "no tag, changed: -dirty" "$(version_of "$repo")" "$base-2-g$hash-dirty"
g commit -qam three
g tag v0.3.0
expect "on tag v0.3.0" "$(version_of "$repo")" "0.3.0"
echo d >"$repo/file"
g commit -qam four
expect "a commit after v0.3.0" "$(version_of "$repo")" "0.3.0-1-g$(g rev-parse --short HEAD)"
g tag 0.4.0
expect "on tag 0.4.0 (no v)" "$(version_of "$repo")" "0.4.0"
g tag other-name
expect "a tag that is no version is not used" "$(version_of "$repo")" "0.4.0"

tarball=$tmp/tarball
mkdir -p "$tarball"
echo 1.2.3-4-gabcdef0 >"$tarball/VERSION"
expect "no git, a VERSION file" "$(version_of "$tarball")" "1.2.3-4-gabcdef0"
rm "$tarball/VERSION"
expect "no git, no VERSION" "$(version_of "$tarball")" "$base"

expect "Debian version of 0.1.0" "$(debian_of 0.1.0)" "0.1.0"
expect "Debian version of 0.1.0-12-gabc1234" "$(debian_of 0.1.0-12-gabc1234)" "0.1.0+12.gabc1234"
expect "Debian version of 0.1.0-12-gabc1234-dirty" "$(debian_of 0.1.0-12-gabc1234-dirty)" \
	"0.1.0+12.gabc1234.dirty"
expect "Debian version of 0.2.0-dirty" "$(debian_of 0.2.0-dirty)" "0.2.0+dirty"
expect "Debian version of 1.0.0-rc1" "$(debian_of 1.0.0-rc1)" "1.0.0~rc1"
if command -v dpkg >/dev/null; then
	dpkg --compare-versions 0.1.0 lt 0.1.0+12.gabc1234 &&
		dpkg --compare-versions 0.1.0+12.gabc1234 lt 0.1.1 &&
		dpkg --compare-versions 1.0.0~rc1 lt 1.0.0
	expect "dpkg sorts them as the releases" "$?" 0
fi

echo "$pass passed, $fail failed"
((fail == 0))
