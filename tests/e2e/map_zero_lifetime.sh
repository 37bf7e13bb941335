#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A PCP or NAT-PMP gateway that answers "success" with lifetime 0 holds no
# mapping (RFC 6886 section 3.4, RFC 6887 section 15): natctl map fails
# with refused (exit 4) instead of printing "mapped ... permanent", and
# --keep reports failed and exits, holding nothing.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_zero_lifetime
lab_start port-restricted --stun none
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" zero-lifetime
listen client tcp 8080
WHY="the gateway answered success with lifetime 0: it holds no mapping"

for via in natpmp pcp; do
	natctl_in client --json map --via "$via" 8080 tcp
	check_eq "$via: exit 4 (refused)" "$RC" 4
	check_json "$via: error_code" "$OUT" .error_code refused
	check_json "$via: the reason" "$OUT" ".error | contains(\"$WHY\")" true
	check_json "$via: not called permanent" "$OUT" .lifetime null
	natctl_in client map --via "$via" 8080 tcp
	check "$via: text: the reason on stderr" grep -q "$WHY" "$ERR"
	check_eq "$via: text: nothing on stdout" "$OUT" ""
done

natctl_in client map 8080 udp
check_eq "auto: exit 4 (refused)" "$RC" 4
check "auto: the reason on stderr" grep -q "$WHY" "$ERR"

natctl_in client -t 1 --json map --keep --via natpmp 8080 tcp
check_eq "--keep: exit 4, at once" "$RC" 4
check_json "--keep: one event, failed" "$OUT" '"\(.event) \(.error_code)"' "failed refused"
natctl_in client -t 1 map --keep --via pcp 8080 tcp
check_eq "--keep, text: exit 4" "$RC" 4
check "--keep, text: the reason on stderr" grep -q "$WHY" "$ERR"
check_eq "--keep, text: never mapped" "$OUT" ""
check "nothing forwarded" blocked tcp 8080
e2e_done
