#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map with --via auto on a gateway that speaks all three: PCP is
# preferred, the answer comes as soon as the gateway's, the mapping
# forwards; --external, --any, --internal and -v traces; a later natctl
# deletes the PCP mapping (derived nonce).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_auto
map_lab port-restricted

listen client tcp 8080
natctl_in client -v --json map 8080
out=$OUT
check_eq "auto: exit 0" "$RC" 0
check_json "PCP preferred" "$out" .method pcp
check "-v traces PCP, NAT-PMP and SSDP sent at once" bash -c "grep -q 'pcp: -> 192.168.77.1:5351 ANNOUNCE' '$ERR' && grep -q 'natpmp: -> 192.168.77.1:5351 external address' '$ERR' && grep -q 'M-SEARCH urn:schemas-upnp-org:device:InternetGatewayDevice:2' '$ERR'"
check "-v says which method" grep -q "map: using pcp" "$ERR"
check "TCP from the internet reaches the client" reaches tcp 8080
check_eq "stdout is one JSON object" "$(jq -s length <<<"$out")" 1

natctl_in client --json map --external
check_eq "--external: exit 0" "$RC" 0
check_json "--external: NAT-PMP and UPnP give the address" "$OUT" \
	'[.addresses[] | select(.address != null) | "\(.method)=\(.address)"] | join(",")' \
	"natpmp=203.0.113.2,upnp=203.0.113.2"
check_json "--external: PCP present, no address query" "$OUT" \
	'.addresses[] | select(.method == "pcp") | .note | test("no request")' true
check_json "--external: no warning for a public address" "$OUT" '.warnings | length' 0

# client2 holds 9000/udp; --any takes what the gateway offers instead.
natctl_in client2 map --via natpmp 9000 udp
check_eq "client2 maps 9000/udp" "$RC" 0
natctl_in client --json map --any 9000 udp
check_eq "--any: exit 0" "$RC" 0
check_json "--any: another external port" "$OUT" '.external.port != 9000' true
anyport=$(jq -r .external.port <<<"$OUT")

# A mapping for another LAN host (PCP THIRD_PARTY is refused by default:
# UPnP, not in secure mode, takes it).
listen client2 tcp 7070
natctl_in client --json map --internal 192.168.77.11 7070
check_eq "--internal: exit 0" "$RC" 0
check_json "--internal mapped to client2" "$OUT" .internal.address 192.168.77.11
check "TCP reaches client2" reaches tcp 7070

# A new natctl deletes by auto: PCP's nonce is derived, not stored.
natctl_in client --json map --delete 8080
check_eq "--delete from a later process: exit 0" "$RC" 0
check_json "deleted by PCP among others" "$OUT" '.deleted_by | index("pcp") != null' true
check "TCP to 8080 refused after --delete" blocked tcp 8080
natctl_in client map --delete 9000:$anyport udp
check_eq "delete the --any mapping" "$RC" 0
natctl_in client map --delete --internal 192.168.77.11 7070
check_eq "delete the --internal mapping" "$RC" 0
check "nothing of client's left (upnpc)" upnpc_lacks_host 192.168.77.10
e2e_done
