#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what natctl needs from Debian 12's archive: `tests/deps.sh build`
# for building, `tests/deps.sh test` for building and running every test.
# Runs as root (or through sudo). Starts no service: the test suite starts
# its own coturn, stund and miniupnpd inside network namespaces.
set -eu

BUILD_PKGS="cmake make pkg-config gcc clang libminiupnpc-dev libnatpmp-dev"
# The peers and tools the end-to-end tests use, the sanitizer and fuzzer
# runtimes, mandoc for linting the man page, clang-format for the format
# check (.clang-format is tuned for Debian 12's clang-format 14),
# python3-jsonschema to check every JSON document against man/schema, GNU
# time (/usr/bin/time) for the peak RSS of the hostile-peer tests, systemd
# for `systemd-analyze verify` of systemd/natctl-map@.service (offline: no
# systemd need run), strace for the system calls that unit must allow, zsh
# and fish to load their completions, and for the package tests dpkg-dev
# (dpkg-buildflags, dpkg-shlibdeps), lintian, devscripts (hardening-check),
# man-db (man -l) and git (the version).
TEST_PKGS="iproute2 nftables jq coturn miniupnpd-nftables stun-server stun-client
           miniupnpc natpmpc mandoc libclang-rt-14-dev procps python3 clang-format
           python3-jsonschema time systemd strace zsh fish dpkg-dev lintian devscripts
           man-db git binutils"

want=${1:-build}
case "$want" in
build) pkgs=$BUILD_PKGS ;;
test) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
*) echo "usage: tests/deps.sh build|test" >&2; exit 2 ;;
esac

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# shellcheck disable=SC2086
missing=$(dpkg-query -W -f '${Package} ${Status}\n' $pkgs 2>/dev/null |
	awk '$4 != "installed" {print $1}'; for p in $pkgs; do
	dpkg-query -W "$p" >/dev/null 2>&1 || echo "$p"; done)
missing=$(printf '%s\n' $missing | sort -u)
if [ -z "$missing" ]; then
	exit 0
fi

# coturn and miniupnpd would start as services on install; keep them down.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=1
fi
trap '[ -n "$made_policy" ] && $SUDO rm -f "$policy"' EXIT

$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
for svc in coturn miniupnpd; do
	$SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
done
