#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Another LAN host holds the port: UPnP's 718 names it, NAT-PMP and PCP
# offers of another port are undone; --delete refuses a mapping to another
# host unless --force; a router in secure mode says "not your address".
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_conflict
map_lab port-restricted

natctl_in client2 map --via upnp --description "client2 game" 8080 tcp
check_eq "client2 holds 8080/tcp" "$RC" 0

natctl_in client map --via upnp 8080 tcp
check_eq "upnp 718: exit 4" "$RC" 4
check_eq "text: nothing on stdout" "$OUT" ""
check "718 names the holder" grep -q \
	'upnp: external port 8080/tcp is held by 192.168.77.11:8080 ("client2 game") (718 ConflictInMappingEntry)' "$ERR"
check_eq "one line" "$(wc -l <"$ERR")" 1

for via in natpmp pcp; do
	natctl_in client --json map --via $via 8080 tcp
	check_eq "$via: exit 4" "$RC" 4
	check_json "$via: error_code conflict" "$OUT" .error_code conflict
	check_json "$via: the offered port is named" "$OUT" '.error | test("8080/tcp is taken: the gateway offered [0-9]+")' true
	check "$via: the offered mapping was undone" upnpc_lacks_host 192.168.77.10
done

natctl_in client --json map 8080 tcp
check_eq "auto: exit 4" "$RC" 4
check_json "auto: error_code conflict" "$OUT" .error_code conflict
check_json "auto: event failed" "$OUT" .event failed
check_json "auto: every method's reason, in order" "$OUT" '[.errors[].method] | join(",")' "pcp,natpmp,upnp"
check_json "auto: the holder named" "$OUT" '.error | test("held by 192.168.77.11:8080")' true
check "still client2's (upnpc)" upnpc_has TCP 8080 192.168.77.11:8080

natctl_in client map --via upnp --delete 8080 tcp
check_eq "--delete of client2's mapping: exit 4" "$RC" 4
check "says whose it is" grep -q "points at 192.168.77.11:8080 (\"client2 game\"), not this host; --force deletes it" "$ERR"
check "still there" upnpc_has TCP 8080 192.168.77.11:8080
natctl_in client map --via upnp --delete --force 8080 tcp
check_eq "--force: exit 0" "$RC" 0
check "--force names whose mapping it deleted" grep -qx \
	"deleted tcp 203.0.113.2:8080 -> 192.168.77.11:8080 via upnp (gateway 192.168.77.1)" <<<"$OUT"
check "gone" upnpc_lacks TCP 8080
e2e_done
