#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --via upnp: TCP and UDP mappings that really forward from the
# internet to the client, seen by upnpc too, and gone after --delete.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_upnp
map_lab port-restricted

listen client tcp 8080
natctl_in client --json map --via upnp --description "e2e web" 8080 tcp
out=$OUT
check_eq "upnp tcp: exit 0" "$RC" 0
check_json "method" "$out" .method upnp
check_json "gateway" "$out" .gateway 192.168.77.1
check_json "transport" "$out" .transport tcp
check_json "internal" "$out" '"\(.internal.address):\(.internal.port)"' 192.168.77.10:8080
check_json "external" "$out" '"\(.external.address):\(.external.port)"' 203.0.113.2:8080
check_json "lifetime granted" "$out" '.lifetime > 7000 and .lifetime <= 7200' true
check_json "description" "$out" .description "e2e web"
check_json "no warnings" "$out" '.warnings | length' 0
check_eq "one JSON object" "$(jq -s length <<<"$out")" 1
check "upnpc sees the mapping" upnpc_has TCP 8080 192.168.77.10:8080
check "TCP from the internet reaches the client" reaches tcp 8080

listen client udp 5000
natctl_in client map --via upnp 5000:6000 udp
check_eq "upnp udp: exit 0" "$RC" 0
check "text: one line naming method and ends" grep -qx \
	"mapped udp 203.0.113.2:6000 -> 192.168.77.10:5000 via upnp (gateway 192.168.77.1), lifetime [0-9]* s" <<<"$OUT"
check "UDP to external 6000 reaches internal 5000" reaches udp 6000

natctl_in client --json map --list
check_eq "--list: exit 0" "$RC" 0
check_json "--list has both" "$OUT" '[.mappings[] | "\(.transport) \(.external.port) \(.internal.address):\(.internal.port)"] | sort | join(",")' \
	"tcp 8080 192.168.77.10:8080,udp 6000 192.168.77.10:5000"
check_json "--list entry keys" "$OUT" '.mappings[0] | keys | join(",")' \
	"description,enabled,external,internal,lifetime,method,ours,remote_host,transport"
check_json "--list: both natctl's own (its description, its state)" "$OUT" '[.mappings[] | "\(.method) \(.ours)"] | unique | join(",")' "upnp true"
check_json "--list: the method and gateway, once" "$OUT" '"\(.method) \(.gateway)"' "upnp 192.168.77.1"
check_json "--list description" "$OUT" '.mappings[] | select(.external.port == 8080) | .description' "e2e web"

natctl_in client --json map --via upnp --delete 8080
check_eq "--delete tcp: exit 0" "$RC" 0
check_json "--delete event" "$OUT" .event deleted
check_json "--delete by upnp" "$OUT" '.deleted_by | join(",")' upnp
check "upnpc no longer sees 8080" upnpc_lacks TCP 8080
check "TCP to 8080 is refused after --delete" blocked tcp 8080
natctl_in client map --via upnp --delete 5000:6000 udp
check_eq "--delete udp: exit 0" "$RC" 0
check "UDP to 6000 no longer arrives" blocked udp 6000
check_eq "table empty (upnpc)" "$(upnpc_list | wc -l)" 0

natctl_in client --json map --via upnp --delete 8080
check_eq "deleting it again: exit 1" "$RC" 1
check_json "deleting it again: not-found" "$OUT" .error_code not-found
check "says there is none" grep -q "no UPnP mapping for external port 8080/tcp" "$ERR"
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1
e2e_done
