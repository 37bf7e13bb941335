#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map with no port-mapping gateway at all: exit 3 (nothing answered),
# decided at the protocols' own bound (SSDP's MX 1 after the last M-SEARCH
# round: 1.05 s; NAT-PMP and PCP by the ICMP port unreachable), not at the
# deadline; --wait waits longer with MX raised to match; one clear line
# naming every method, and in JSON the map document with error_code
# no-answer. How long that takes is bench/map's to measure.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_none
lab_start port-restricted --stun none

natctl_in client map 8080 tcp
check_eq "no gateway: exit 3" "$RC" 3
check_eq "nothing on stdout" "$OUT" ""
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
check "names every method tried, UPnP by the SSDP bound" grep -q \
	"^natctl: map: no gateway answered within 1\.0[5-9] s (pcp: .*; natpmp: .*; upnp: no IGD answered the SSDP search within 1\.05 s (MX 1))$" "$ERR"
check "port 5351 unreachable is said" grep -q "port unreachable" "$ERR"

# -v: the M-SEARCH asks MX 1, in three rounds, and the search ends at its bound.
natctl_in client -v --timeout 10 map --via upnp 8080 tcp
check_eq "-t 10: still exit 3" "$RC" 3
check_eq "three rounds of two M-SEARCHes, MX 1" "$(grep -c 'M-SEARCH .* MX 1 (round [123])$' "$ERR")" 6
check "decided by the SSDP bound, not the 10 s deadline" grep -q \
	"upnp: no IGD answered the SSDP search within 1\.05 s (MX 1))$" "$ERR"

# --wait 2.5: a slow router gets 2.5 s, and the search asks MX 2 to match.
natctl_in client -v --timeout 4 map --wait 2.5 --via upnp 8080 tcp
check_eq "--wait 2.5: exit 3" "$RC" 3
check_eq "the M-SEARCH asks MX 2" "$(grep -c 'M-SEARCH .* MX 2 (round' "$ERR")" 6
check "decided at the 2.5 s wait" grep -q "SSDP search within 2\.5 s (MX 2))$" "$ERR"
natctl_in client map --wait 5 8080 tcp
check_eq "--wait past the deadline: usage, exit 2" "$RC" 2
check "says to give -t more" grep -q "^natctl: map: --wait 5 does not end before the deadline (-t 3): give -t more$" "$ERR"

# probe's gateway part decides by the same bound (STUN, silent here, by the deadline).
natctl_in client --json --timeout 1.5 probe --stun 198.51.100.10
check_json "probe: UPnP absent by the SSDP bound" "$OUT" \
	'.upnp.reason | test("no IGD answered the SSDP search within 1\\.05 s \\(MX 1\\)$")' true
check_json "probe: PCP absent by the ICMP port unreachable" "$OUT" \
	'.pcp.reason | test("port unreachable")' true

natctl_in client --json --timeout 0.8 map --via upnp 8080 udp
took=$TOOK_MS
check_eq "-t 0.8: exit 3" "$RC" 3
check "ends by the 0.8 s deadline (took ${took} ms)" test "$took" -lt 1400
check_json "JSON error" "$OUT" '.error | test("no gateway answered")' true
check_json "JSON error_code" "$OUT" .error_code no-answer
check_json "a failure is not a mapping" "$OUT" .event failed
check_json "method null" "$OUT" .method null
check_json "the gateway is named" "$OUT" .gateway 192.168.77.1
check_json "so is this host and the port" "$OUT" '"\(.internal.address):\(.internal.port)"' 192.168.77.10:8080
check_json "each method's class" "$OUT" '[.errors[] | "\(.method)=\(.error_code)"] | join(",")' upnp=no-answer

natctl_in client --json --timeout 1 map --gateway 192.168.77.99 8080
check_eq "a --gateway that is not there: exit 3" "$RC" 3
check_json "--gateway is named though silent" "$OUT" .gateway 192.168.77.99
e2e_done
