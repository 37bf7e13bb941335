#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map with no port-mapping gateway at all: exit 3 (nothing answered)
# within the deadline (2 s of discovery at most), one clear line naming
# every method, and in JSON the map document with error_code no-answer.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_none
lab_start port-restricted --stun none

natctl_in client map 8080 tcp
took=$TOOK_MS
check_eq "no gateway: exit 3" "$RC" 3
check "ends within the 2 s discovery window (took ${took} ms)" test "$took" -lt 2600
check_eq "nothing on stdout" "$OUT" ""
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
check "names every method tried" grep -q \
	"^natctl: map: no gateway answered within .* s (pcp: .*; natpmp: .*; upnp: no IGD answered the SSDP search)$" "$ERR"
check "port 5351 unreachable is said" grep -q "port unreachable" "$ERR"

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
