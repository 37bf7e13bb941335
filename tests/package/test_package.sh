#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The Debian package and the distribution build, in four steps that share one
# work folder (CTest runs `build` first as a fixture):
#   build         configure as a distribution would (dpkg-buildflags with
#                 hardening=+all, CPPFLAGS too, -Werror=date-time,
#                 BUILD_TESTING=OFF), build, make the .deb and the tarball
#   deb           the .deb: its files (all that `cmake --install` installs),
#                 Depends by dpkg-shlibdeps, unpacked into a throw-away root
#                 (dpkg -x: the machine's dpkg database is not touched), its
#                 natctl --version and man -l, lintian with no error
#   hardening     PIE, RELRO, BIND_NOW, stack protector, FORTIFY (hardening-
#                 check), and that BUILD_TESTING=OFF built only the binary
#   reproducible  the tarball unpacked in another place and built again with
#                 the same flags: the binary is byte for byte the same, and
#                 its version comes from the tarball's VERSION
# Nothing here touches the network. Exit 77 (a loud SKIP) when a tool is
# missing; under CI=true that is a failure instead.
# Environment: SRC (the source tree), WORK (the work folder).
set -u
step=${1:?usage: test_package.sh build|deb|hardening|reproducible}
src=${SRC:?}
work=${WORK:?}
pass=0
fail=0
check() {
	if "${@:2}"; then
		pass=$((pass + 1))
		echo "ok: $1"
	else
		fail=$((fail + 1))
		echo "FAIL: $1"
	fi
}
finish() {
	echo "$pass passed, $fail failed"
	((fail == 0))
	exit
}
need() {
	local t
	for t; do
		command -v "$t" >/dev/null && continue
		if [[ ${CI:-} == true ]]; then
			echo "FAIL: $t is missing (tests/deps.sh test installs it)"
			exit 1
		fi
		echo "SKIP: $t is missing (tests/deps.sh test installs it)"
		exit 77
	done
}

# configure_build SRC DIR: a distribution's build of SRC in DIR, its flags
# from dpkg-buildflags run in DIR (their -ffile-prefix-map names DIR).
configure_build() {
	local s=$1 dir=$2
	mkdir -p "$dir"
	(
		cd "$dir" || exit 1
		eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
		export CFLAGS="$CFLAGS -Werror=date-time" # no __DATE__ or __TIME__
		cmake -S "$s" -B . -DCMAKE_BUILD_TYPE=None -DBUILD_TESTING=OFF -DCMAKE_C_COMPILER=gcc \
			>configure.log 2>&1 && cmake --build . -j2 >build.log 2>&1
	)
}

a=$work/a
case $step in
build)
	need cmake dpkg-buildflags dpkg-shlibdeps cpack gcc
	rm -rf "$work"
	check "configure and build with dpkg-buildflags (log: $a/*.log)" configure_build "$src" "$a"
	check "cpack: the .deb and the source tarball" bash -c \
		'cd "$1" && cpack -G DEB >cpack.log 2>&1 && cpack --config CPackSourceConfig.cmake >>cpack.log 2>&1' \
		_ "$a"
	;;
deb)
	need dpkg-deb lintian man
	shopt -s nullglob
	debs=("$a"/natctl_*.deb)
	check "one .deb was made (${#debs[@]})" test ${#debs[@]} = 1
	((${#debs[@]} == 1)) || finish
	deb=${debs[0]}
	version=$("$a/natctl" --version | head -1)
	version=${version#natctl }
	debver=$(dpkg-deb -f "$deb" Version)
	arch=$(dpkg --print-architecture)
	check "the file is natctl_${debver}_$arch.deb" test "${deb##*/}" = "natctl_${debver}_$arch.deb"
	check "the Debian version $debver is natctl's $version" test \
		"$(cmake -DV="$version" -P "$src/tests/version/version.cmake" 2>&1)" = "$debver"
	depends=$(dpkg-deb -f "$deb" Depends)
	echo "Depends: $depends"
	for lib in libc6 libminiupnpc17 libnatpmp1; do
		check "Depends names $lib (dpkg-shlibdeps)" grep -qE "(^|, )$lib( |,|$)" <<<"$depends"
	done

	contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
	for f in /usr/bin/natctl /usr/share/man/man1/natctl.1.gz \
		/usr/share/bash-completion/completions/natctl /usr/share/zsh/vendor-completions/_natctl \
		/usr/share/fish/vendor_completions.d/natctl.fish /usr/share/doc/natctl/copyright \
		/usr/share/doc/natctl/changelog.gz; do
		check "the .deb has $f" grep -qx -- "$f" <<<"$contents"
	done
	for s in "$src"/man/schema/*.schema.json; do
		check "the .deb has the schema ${s##*/}" grep -qx -- "/usr/share/natctl/schema/${s##*/}" <<<"$contents"
	done
	unit=natctl-map@.service
	if [[ -e $src/systemd/$unit ]]; then
		check "the .deb has the systemd unit $unit" grep -qE "^(/usr)?/lib/systemd/system/$unit\$" <<<"$contents"
	else
		echo "note: $src/systemd/$unit is not in the source tree yet: the unit is not checked"
	fi
	# The package is what `cmake --install` installs, no more, no less.
	rm -rf "$work/install"
	DESTDIR=$work/install cmake --install "$a" --prefix /usr >/dev/null
	installed=$(cd "$work/install" && find . ! -type d | sed 's|^\.||' | sort)
	check "the .deb holds exactly what cmake --install installs" test \
		"$installed" = "$(grep -v '/$' <<<"$contents" | sort)"

	# A throw-away root: dpkg -x unpacks without touching dpkg's database.
	root=$work/root
	rm -rf "$root"
	check "dpkg -x unpacks it" dpkg -x "$deb" "$root"
	check "its natctl --version says natctl $version" test \
		"$("$root/usr/bin/natctl" --version | head -1)" = "natctl $version"
	page=$(LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat man -l "$root/usr/share/man/man1/natctl.1.gz" 2>"$work/man.err")
	check "man -l renders its page" grep -q "^SYNOPSIS" <<<"$page"
	check "man -l says nothing on stderr" test ! -s "$work/man.err"
	if [[ -e $src/systemd/$unit ]]; then
		f=$(find "$root" -name "$unit" | head -1)
		check "its unit runs the packaged /usr/bin/natctl, no other" bash -c \
			'grep -q "/usr/bin/natctl " "$1" && ! grep -oE "/[^ ]*/natctl " "$1" | grep -vqx "/usr/bin/natctl "' \
			_ "$f"
	fi
	check "its changelog is for version $debver" bash -c \
		'zcat "$1" | head -1 | grep -qF "natctl ($2)"' _ "$root/usr/share/doc/natctl/changelog.gz" "$debver"
	check "no RPATH or RUNPATH" bash -c '! readelf -d "$1" | grep -qE "RPATH|RUNPATH"' _ \
		"$root/usr/bin/natctl"

	lintian --fail-on error --display-info "$deb" >"$work/lintian.log" 2>&1
	status=$?
	sed 's/^/lintian: /' "$work/lintian.log"
	check "lintian finds no error" test $status = 0
	;;
hardening)
	need hardening-check readelf
	bin=$a/natctl
	check "BUILD_TESTING=OFF: natctl was built" test -x "$bin"
	targets=$(cmake --build "$a" --target help 2>/dev/null)
	check "BUILD_TESTING=OFF: no unit test or fuzz target" bash -c \
		'! grep -qE "natctl_unit|fuzz_" <<<"$1"' _ "$targets"
	check "BUILD_TESTING=OFF: no test registered" test ! -e "$a/CTestTestfile.cmake" -o \
		-z "$(grep -s add_test "$a/CTestTestfile.cmake")"
	report=$(hardening-check "$bin" 2>&1)
	echo "$report"
	for p in "Position Independent Executable" "Stack protected" "Fortify Source functions" \
		"Read-only relocations" "Immediate binding"; do
		check "hardening-check: $p: yes" grep -qE "^ $p: yes" <<<"$report"
	done
	check "readelf: a PIE (DYN)" bash -c 'readelf -h "$1" | grep -q "Type: *DYN"' _ "$bin"
	check "readelf: BIND_NOW" bash -c 'readelf -d "$1" | grep -qE "BIND_NOW|FLAGS.*NOW"' _ "$bin"
	check "readelf: GNU_RELRO" bash -c 'readelf -l "$1" | grep -q GNU_RELRO' _ "$bin"
	;;
reproducible)
	need cmake gcc
	shopt -s nullglob
	tarballs=("$a"/natctl-*.tar.gz)
	check "one source tarball was made (${#tarballs[@]})" test ${#tarballs[@]} = 1
	((${#tarballs[@]} == 1)) || finish
	# Another place, of another length, from the tarball: no git there.
	b=$work/elsewhere/second-build
	rm -rf "$work/elsewhere"
	mkdir -p "$work/elsewhere/src"
	tar xzf "${tarballs[0]}" -C "$work/elsewhere/src"
	tree=("$work"/elsewhere/src/natctl-*)
	check "the tarball holds VERSION" test -s "${tree[0]}/VERSION"
	check "the tarball holds no .git" test ! -e "${tree[0]}/.git"
	check "configure and build the tarball elsewhere (log: $b/*.log)" configure_build "${tree[0]}" "$b"
	check "its version comes from VERSION: $(cat "${tree[0]}/VERSION")" test \
		"$("$b/natctl" --version | head -1)" = "natctl $(cat "${tree[0]}/VERSION")"
	check "the two builds' binaries are byte for byte the same" cmp "$a/natctl" "$b/natctl"
	;;
*)
	echo "unknown step '$step'" >&2
	exit 2
	;;
esac
finish
