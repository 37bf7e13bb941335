#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map against a hostile gateway: junk SSDP answers, a LOCATION that
# names another host, an HTTP server that trickles forever, malformed
# NAT-PMP and PCP replies. natctl ends at its deadline with one line on
# stderr (exit 1, timeout, where the trickle held UPnP; 3 where nothing
# valid came), crashes on nothing, and leaves no child process behind.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_hostile
lab_start port-restricted --stun none
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" hostile

natctl_in client --json --timeout 1.5 map 8080 tcp
took=$TOOK_MS
out=$OUT
check_eq "hostile gateway: exit 1 (timeout)" "$RC" 1
check_json "error_code timeout" "$out" .error_code timeout
check "ends by the 1.5 s deadline (took ${took} ms)" test "$took" -lt 2300
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
check_json "one JSON object with the error" "$out" '.error | length > 0' true
check_json "the SOAP call was cut at the deadline" "$out" \
	'.errors[] | select(.method == "upnp") | .error | test("deadline")' true
check_json "PCP: no valid answer" "$out" '.errors[] | select(.method == "pcp") | .error | test("no answer")' true
check_json "NAT-PMP: no valid answer" "$out" '.errors[] | select(.method == "natpmp") | .error | test("no answer")' true
check "no natctl process left in the client" bash -c "! ip netns pids $(lab_ns "$LAB" client) | grep -q ."

natctl_in client -v --timeout 1 map --via upnp 8080 tcp
check_eq "upnp alone: exit 1 (timeout)" "$RC" 1
check "-v shows the junk dropped" grep -q "dropped SSDP answer" "$ERR"
check "-v shows the foreign LOCATION refused" grep -q "LOCATION names another host" "$ERR"
check "-v shows the child killed" grep -q "killed" "$ERR"

natctl_in client -v --timeout 1 map --via natpmp 8080 tcp
check_eq "natpmp alone: exit 3 (no valid answer)" "$RC" 3
check "-v shows malformed NAT-PMP replies dropped" grep -q "natpmp: <- .* dropped" "$ERR"
natctl_in client -v --timeout 1 map --via pcp 8080 tcp
check_eq "pcp alone: exit 3 (no valid answer)" "$RC" 3
check "-v shows malformed PCP replies dropped" grep -q "pcp: <- .* dropped" "$ERR"
e2e_done
