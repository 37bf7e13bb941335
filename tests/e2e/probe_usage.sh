#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl probe at the edges: nothing answers (it ends at its deadline, exit
# 3, every finding unknown with its reason), no route and no such interface
# (exit 1, before any name is looked up), usage errors (exit 2); each in the
# probe document under --json, nothing on stdout in text.
. "$(dirname "$0")/lib.sh"
e2e_init probe_usage
lab_start port-restricted --stun none

natctl_in client --json --timeout 1 probe --stun 198.51.100.99
took=$TOOK_MS
j=$OUT
check_eq "nothing answers: exit 3" "$RC" 3
check "nothing answers: ends by the 1 s deadline (took ${took} ms)" test "$took" -lt 1800
check_json "nothing answers: error_code" "$j" .error_code no-answer
check_json "nothing answers: error says so" "$j" '.error | test("^nothing answered within")' true
check_json "nothing answers: no mapping protocol" "$j" '[.upnp, .natpmp, .pcp] | map(.available) | any' false
check_json "nothing answers: each protocol says why" "$j" '[.upnp, .natpmp, .pcp] | map(.reason | length > 0) | all' true
check_json "nothing answers: STUN found nothing" "$j" .stun.public null
check_json "nothing answers: the stun object says why" "$j" '.stun.error | test("no response from 198.51.100.99:3478")' true
check_json "nothing answers: and has a reason" "$j" '.stun.reasons | any(test("no STUN server answered"))' true
check_json "nothing answers: double NAT unknown, not false" "$j" '[.double_nat, .cgnat, .inbound, .p2p_likely] | map(. == null) | all' true
check_json "nothing answers: every unknown has its reason" "$j" '.reasons | length >= 4' true
check_json "nothing answers: no advice without evidence" "$j" '.advice | length' 0
natctl_in client --timeout 1 probe --stun 198.51.100.99
check_eq "nothing answers, text: exit 3" "$RC" 3
check_eq "nothing answers, text: nothing on stdout" "$OUT" ""
check "nothing answers, text: one line on stderr" test "$(wc -l <"$ERR")" -eq 1

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
natctl_in client --json probe --stun 198.51.100.10:0
check_eq "a usage error under --json: exit 2" "$RC" 2
check_json "a usage error under --json: the probe document" "$OUT" .error_code usage

natctl_in client --json --timeout 1 probe -i eth0 --gateway 192.168.77.1 --stun 198.51.100.99
check_json "-i: the interface asked for" "$OUT" .local.interface eth0
check_json "--gateway: the gateway asked for" "$OUT" .gateway 192.168.77.1
check_json "local: an endpoint with its interface" "$OUT" '.local | keys | join(",")' address,interface,port

# -i with no such interface: said at once, before any name is resolved (the
# default servers would be looked up otherwise), and no "default route" advice.
natctl_in client --json probe -i nosuch0
check_eq "-i with no such interface: exit 1" "$RC" 1
check_json "-i with no such interface: no-route" "$OUT" .error_code no-route
check "-i with no such interface: names it" grep -q "interface nosuch0: no such interface" "$ERR"
check_eq "-i with no such interface: one line, no DNS error" "$(wc -l <"$ERR")" 1
check_json "-i with no such interface: no advice" "$OUT" '.advice | length' 0

in_ns client ip route del default
natctl_in client --json probe --stun 198.51.100.10
check_eq "no default route: exit 1" "$RC" 1
check "no default route: one line on stderr" test "$(wc -l <"$ERR")" -eq 1
check "no default route: says why" grep -q "cannot run" "$ERR"
check_json "no default route: the JSON carries the error" "$OUT" '.error | test("cannot run")' true
check_json "no default route: no-route" "$OUT" .error_code no-route
check_json "no default route: nothing available" "$OUT" .upnp.available false
check_json "no default route: inbound unknown, not false" "$OUT" .inbound null
check_json "no default route: no verdict" "$OUT" .verdict null
e2e_done
