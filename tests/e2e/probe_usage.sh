#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl probe at the edges: nothing answers (it ends at its deadline and
# still diagnoses), no route (exit 1), and usage errors (exit 2).
. "$(dirname "$0")/lib.sh"
e2e_init probe_usage
lab_start port-restricted --stun none

start=$(now_ms)
natctl_in client --json --timeout 1 probe --stun 198.51.100.99
took=$(($(now_ms) - start))
first_json=$OUT
check_eq "nothing answers: the diagnosis still completes, exit 0" "$RC" 0
check "nothing answers: ends by the 1 s deadline (took ${took} ms)" test "$took" -lt 1800
check_json "nothing answers: no mapping protocol" "$OUT" '[.upnp, .natpmp, .pcp] | map(.available) | any' false
check_json "nothing answers: STUN found nothing" "$OUT" .stun.public null
check_json "nothing answers: the stun object says why" "$OUT" '.stun.error | test("no response from 198.51.100.99:3478")' true
check_json "nothing answers: and has a reason" "$OUT" '.stun.reasons | any(test("no STUN server answered"))' true
check_json "nothing answers: a verdict all the same" "$OUT" '.verdict | test("port mapping: none")' true

natctl_in client probe extra
check_eq "an operand is a usage error" "$RC" 2
natctl_in client -6 probe
check_eq "-6 is a usage error" "$RC" 2
natctl_in client probe --gateway not-an-ip
check_eq "a bad --gateway is a usage error" "$RC" 2
check "a bad --gateway names itself" grep -q "invalid gateway 'not-an-ip'" "$ERR"
natctl_in client probe --stun 198.51.100.10:0
check_eq "a bad --stun port is a usage error" "$RC" 2
check_eq "usage errors print nothing on stdout" "$OUT" ""

natctl_in client --json --timeout 1 probe -i eth0 --gateway 192.168.77.1 --stun 198.51.100.99
check_eq "-i and --gateway: exit 0" "$RC" 0
check_json "-i: the interface asked for" "$OUT" .local.interface eth0
check_json "--gateway: the gateway asked for" "$OUT" .gateway 192.168.77.1
natctl_in client --json probe -i nosuch0 --stun 198.51.100.99
check_eq "-i with no such interface: exit 1" "$RC" 1
check "-i with no such interface: names it" grep -q "nosuch0" "$ERR"

in_ns client ip route del default
natctl_in client --json probe --stun 198.51.100.10
check_eq "no default route: exit 1" "$RC" 1
check "no default route: one line on stderr" test "$(wc -l <"$ERR")" -eq 1
check "no default route: says why" grep -q "cannot run" "$ERR"
check_json "no default route: the JSON carries the error" "$OUT" '.error | test("cannot run")' true
check_json "no default route: nothing available" "$OUT" .upnp.available false
check_json "no default route: inbound unknown, not false" "$OUT" .inbound null
check_json "nothing answers: error is null" "$first_json" .error null
e2e_done
