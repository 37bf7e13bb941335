#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Routers with one protocol family off: NAT-PMP/PCP without UPnP, and UPnP
# without NAT-PMP/PCP. auto uses what is there, fast; --via of the missing
# one fails with a clear line.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_no_upnp
map_lab port-restricted --upnp no

listen client udp 6000
natctl_in client --json map 6000 udp
check_eq "no UPnP, auto: exit 0" "$RC" 0
check_json "PCP used" "$OUT" .method pcp
check "forwards" reaches udp 6000
# No UPnP table, but natctl's own PCP mapping from its state: listed, with a warning.
natctl_in client --json map --list
check_eq "--list without UPnP, natctl's own: exit 0" "$RC" 0
check_json "--list: natctl's own PCP mapping" "$OUT" '[.mappings[] | "\(.method) \(.ours) \(.external.port)"] | join(",")' "pcp true 6000"
check_json "--list: a warning says there is no IGD" "$OUT" '.warnings | any(test("no IGD answered the SSDP search"))' true
natctl_in client --timeout 1 map --via upnp 6001 udp
check_eq "--via upnp: exit 3" "$RC" 3
natctl_in client map --delete 6000 udp
check_eq "delete: exit 0" "$RC" 0
check "no longer forwards" blocked udp 6000
natctl_in client map --list
check_eq "--list without UPnP: exit 3" "$RC" 3
check "--list says no IGD" grep -q "upnp: no IGD answered the SSDP search" "$ERR"
check "--list does not say no gateway answered (NAT-PMP did)" bash -c "! grep -q 'no gateway answered' '$ERR'"
natctl_in client --json map --list
check_json "--list: its own document" "$OUT" '[has("mappings"), .error_code] | "\(.[0]) \(.[1])"' "true no-answer"

lab_down "$LAB" >/dev/null 2>&1
LAB="e$$b"
map_lab port-restricted --natpmp no
listen client tcp 6100
natctl_in client --json map 6100
check_eq "no NAT-PMP/PCP, auto: exit 0" "$RC" 0
check_json "UPnP used" "$OUT" .method upnp
check "forwards" reaches tcp 6100
natctl_in client map --via pcp 6101
check_eq "--via pcp: exit 3" "$RC" 3
check "says port 5351 is unreachable" grep -q "pcp: 192.168.77.1:5351: port unreachable (no PCP server)" "$ERR"
natctl_in client map --delete 6100
check_eq "delete: exit 0" "$RC" 0
e2e_done
