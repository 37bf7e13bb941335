#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The router behind a carrier-grade NAT (100.64.0.0/10). miniupnpd 2.3.1
# refuses to map there (no public address): every method's refusal is
# explained as the double-NAT symptom it is. (A router that does map there
# and reports 100.64.x is covered by map_quirks.sh: natctl warns.)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_cgnat
map_lab cgnat --ext-stun no

natctl_in client --json map 8080
check_eq "double NAT: exit 4 (refused)" "$RC" 4
check_json "error_code double-nat" "$OUT" .error_code double-nat
check_json "each method's class" "$OUT" '[.errors[].error_code] | unique | join(",")' double-nat
check_json "PCP: NO_RESOURCES explained" "$OUT" \
	'.errors[] | select(.method == "pcp") | .error | test("NO_RESOURCES: .*double NAT")' true
check_json "NAT-PMP: result 3 explained" "$OUT" \
	'.errors[] | select(.method == "natpmp") | .error | test("NETWORK_FAILURE: .*double NAT")' true
check_json "UPnP: 501 with no external address explained" "$OUT" \
	'.errors[] | select(.method == "upnp") | .error | test("501 .*no external address.*double NAT")' true
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
natctl_in client map --external
check_eq "--external: NAT-PMP and PCP present: exit 0" "$RC" 0
e2e_done
