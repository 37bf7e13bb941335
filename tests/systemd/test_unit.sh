#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Checks systemd/natctl-map@.service without systemd running: `systemd-analyze
# verify` passes on it, silently (it exits 0 on unknown keys and only warns,
# so any output fails; a copy with a misspelt key proves that check can
# fail), for the template and for instances; its sandbox stays at a low
# exposure (`systemd-analyze security --offline`); its ExecStart splits each
# instance into the arguments of `natctl map --keep` (run with a stand-in
# for natctl that prints them); and `cmake --install` puts it in the unit
# folder, naming the installed binary.
#
# Offline, verify needs the unit's binaries to exist: it runs on a copy
# naming the built natctl. Exit 77 is a loud SKIP when systemd-analyze is
# missing; under CI=true that fails instead.
# Environment: NATCTL_BIN (the built binary), SRC (the source tree), BUILD
# (the build tree), NATCTL_BINDIR (the configured bin folder).
set -u
bin=${NATCTL_BIN:?}
src=${SRC:?}
build=${BUILD:?}
bindir=${NATCTL_BINDIR:?}
unit=$src/systemd/natctl-map@.service
expand=$src/tests/systemd/exec_line.py
pass=0
fail=0
ok() { pass=$((pass + 1)); printf 'ok: %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
check() { if "${@:2}"; then ok "$1"; else bad "$1"; fi; }

if ! command -v systemd-analyze >/dev/null; then
	why="systemd-analyze not installed (tests/deps.sh test installs the systemd package)"
	if [ "${CI:-}" = true ]; then
		printf 'FAIL: systemd: %s; under CI=true this test must run\n' "$why" >&2
		exit 1
	fi
	printf '\n*** SKIP: systemd: %s ***\n\n' "$why" >&2
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/units" "$tmp/bad" "$tmp/stub" "$tmp/root"
sed "s|/usr/bin/natctl|$bin|" "$unit" >"$tmp/units/natctl-map@.service"
check "the copy names the built natctl" grep -qF "exec $bin map --keep" "$tmp/units/natctl-map@.service"

# verify_quiet UNIT...: verify exits 0 and says nothing (--man=no: the man
# pages of Documentation= are not looked up).
verify_quiet() {
	local out rc=0
	out=$(systemd-analyze verify --man=no "$@" 2>&1) || rc=$?
	[ "$rc" = 0 ] && [ -z "$out" ] && return 0
	printf '  systemd-analyze verify (exit %s): %s\n' "$rc" "$out"
	return 1
}
u=$tmp/units
check "verify: the template" verify_quiet "$u/natctl-map@.service"
# An instance as FILE:NAME (the template loaded under the instance's name):
# verify takes a colon in a plain argument for that separator.
for inst in 8080 8080-tcp 51413-both 9000-9010-udp 8080:80-tcp; do
	check "verify: natctl-map@$inst.service" verify_quiet "$u/natctl-map@.service:natctl-map@$inst.service"
done
sed 's/^Restart=on-failure$/Restart=on-failure\nRestartSecs=1/' "$u/natctl-map@.service" \
	>"$tmp/bad/natctl-map@.service"
not() { ! "$@"; }
check "the check fails on a misspelt key (RestartSecs=)" not verify_quiet "$tmp/bad/natctl-map@.service"
check "... and on it in an instance" not verify_quiet "$tmp/bad/natctl-map@.service:natctl-map@8080:80-tcp.service"

# The sandbox: systemd's own score, 0 (locked down) to 10; 1.4 today.
exposure=$(systemd-analyze security --offline=yes "$u/natctl-map@.service" 2>&1 |
	sed -n 's/.*Overall exposure level for [^ ]*: \([0-9.]*\).*/\1/p')
check "sandbox exposure $exposure <= 2.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'
for key in DynamicUser=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	CapabilityBoundingSet= StateDirectory=natctl Restart=on-failure KillMode=mixed \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX" SystemCallFilter=@system-service; do
	check "the unit sets $key" grep -qx -- "$key" "$unit"
done

# The instance split: ExecStart run with a stand-in natctl that prints its
# arguments, one a line.
printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' >"$tmp/stub/natctl"
chmod +x "$tmp/stub/natctl"
sed "s|/usr/bin/natctl|$tmp/stub/natctl|" "$unit" >"$tmp/stub/natctl-map@.service"
# args_of INSTANCE [OPTIONS]: the arguments natctl gets, on one line.
args_of() {
	local -a argv
	mapfile -d '' -t argv < <(python3 "$expand" "$tmp/stub/natctl-map@.service" "$1") || return 1
	[ "${#argv[@]}" -gt 0 ] || return 1
	NATCTL_MAP_OPTIONS=${2:-} "${argv[@]}" | paste -sd ' '
}
want() {
	local got
	got=$(args_of "$1" "${3:-}")
	if [ "$got" = "$2" ]; then ok "natctl-map@$1${3:+ with \"$3\"}: natctl $got"; else
		bad "natctl-map@$1: got 'natctl $got', want 'natctl $2'"
	fi
}
want 8080 "map --keep 8080"
want 8080-tcp "map --keep 8080 tcp"
want 8080-udp "map --keep 8080 udp"
want 51413-both "map --keep 51413 both"
want 9000-9010-udp "map --keep 9000-9010 udp"
want 9000-9010 "map --keep 9000-9010"
want 8080:80-tcp "map --keep 8080:80 tcp"
want 8080-tcp "map --keep --via upnp --lifetime 3600 8080 tcp" "--via upnp --lifetime 3600"
want 8080-tcp "map --keep --description * 8080 tcp" "--description *"
# A misspelt instance is a usage error, exit 2, which RestartPreventExitStatus=
# keeps from restarting: the real natctl, in an empty network namespace.
usage_exit() {
	local -a argv
	mapfile -d '' -t argv < <(python3 "$expand" "$u/natctl-map@.service" "$1")
	unshare -n "${argv[@]}" >/dev/null 2>&1
	echo $?
}
if unshare -n true 2>/dev/null; then
	for inst in 8080-tcpx 80800-udp 9000-9010-8080-tcp; do
		check "natctl-map@$inst: exit 2 (usage), not restarted" test "$(usage_exit "$inst")" = 2
	done
	check "the unit does not restart on exit 2" grep -qx "RestartPreventExitStatus=2" "$unit"
else
	printf 'note: no network namespace to be had (unshare -n): the usage exits are not checked\n'
fi
check "the expansion refuses what it does not know" \
	bash -c '! python3 "$1" <(sed "s/%i/%H/" "$2") x >/dev/null 2>&1' _ "$expand" "$unit"

# cmake --install: the unit in lib/systemd/system, naming the installed binary.
check "cmake --install" bash -c 'cmake --install "$1" --prefix "$2" >/dev/null' _ "$build" "$tmp/root"
installed=$(find "$tmp/root" -name 'natctl-map@.service')
dir=$(cmake -L -N "$build" 2>/dev/null | sed -n 's/^NATCTL_SYSTEMD_UNITDIR:STRING=//p')
case $dir in
/*) want_at=$dir/natctl-map@.service ;; # absolute: not under the prefix
*) want_at=$tmp/root/$dir/natctl-map@.service ;;
esac
# The binary this install put there (--prefix, not the configure's prefix:
# cpack installs under /usr the same way).
installed_bin=$(find "$tmp/root" -type f -path "*/bin/natctl" | head -1)
check_installed() {
	[ "$installed" = "$want_at" ] && [ -f "$want_at" ] && [ -n "$installed_bin" ] &&
		diff <(sed "s|/usr/bin/natctl|$installed_bin|" "$unit") "$want_at"
}
if [ -n "$dir" ] && [ "${dir#/}" = "$dir" ]; then
	check "installed as ${want_at#"$tmp/root/"}, naming ${installed_bin#"$tmp/root/"}" check_installed
else
	printf 'note: NATCTL_SYSTEMD_UNITDIR is "%s" (absolute or empty): the installed place is not checked\n' "$dir"
fi

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
