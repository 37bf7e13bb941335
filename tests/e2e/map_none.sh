#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map with no port-mapping gateway at all: exit 1 within the
# deadline (2 s of discovery at most), one clear line naming every method.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_none
lab_start port-restricted --stun none

start=$(now_ms)
natctl_in client map 8080 tcp
took=$(($(now_ms) - start))
check_eq "no gateway: exit 1" "$RC" 1
check "ends within the 2 s discovery window (took ${took} ms)" test "$took" -lt 2600
check_eq "nothing on stdout" "$OUT" ""
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
check "names every method tried" grep -q \
	"^natctl: map: no gateway answered within .* s (pcp: .*; natpmp: .*; upnp: no IGD answered the SSDP search)$" "$ERR"
check "port 5351 unreachable is said" grep -q "port unreachable" "$ERR"

start=$(now_ms)
natctl_in client --json --timeout 0.8 map --via upnp 8080 udp
took=$(($(now_ms) - start))
check_eq "-t 0.8: exit 1" "$RC" 1
check "ends by the 0.8 s deadline (took ${took} ms)" test "$took" -lt 1400
check_json "JSON error" "$OUT" '.error | test("no gateway answered")' true
check_json "JSON keys still there" "$OUT" '[has("method"), has("gateway"), has("external"), has("warnings")] | all' true
check_json "method null" "$OUT" .method null

natctl_in client --timeout 1 map --gateway 192.168.77.99 8080
check_eq "a --gateway that is not there: exit 1" "$RC" 1
e2e_done
