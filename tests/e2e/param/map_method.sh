#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --via METHOD (natpmp or pcp): TCP and UDP mappings that really
# forward, the same external address as natpmpc reports, and nothing left
# after --delete.
# usage: map_method.sh natpmp|pcp
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/maplib.bash"
m=$1
case $m in
natpmp | pcp) ;;
*) echo "FAIL: unknown method '$m'" >&2; exit 1 ;;
esac
e2e_init "map_method $m"
map_lab port-restricted

listen client tcp 8080
natctl_in client --json map --via "$m" --lifetime 600 8080 tcp
out=$OUT
check_eq "$m tcp: exit 0" "$RC" 0
check_json "method" "$out" .method "$m"
check_json "gateway" "$out" .gateway 192.168.77.1
check_json "internal" "$out" '"\(.internal.address):\(.internal.port)"' 192.168.77.10:8080
check_json "external" "$out" '"\(.external.address):\(.external.port)"' 203.0.113.2:8080
check_json "lifetime as asked" "$out" .lifetime 600
check_json "description null" "$out" .description null
check_json "no warnings" "$out" '.warnings | length' 0
check_eq "same external address as natpmpc" "$(jq -r .external.address <<<"$out")" "$(natpmpc_public)"
check "the gateway's table has it (upnpc)" upnpc_has TCP 8080 192.168.77.10:8080
check "TCP from the internet reaches the client" reaches tcp 8080

listen client udp 5000
natctl_in client map --via "$m" 5000:6000 udp
check_eq "$m udp: exit 0" "$RC" 0
check "text result" grep -qx \
	"mapped udp 203.0.113.2:6000 -> 192.168.77.10:5000 via $m (gateway 192.168.77.1), lifetime 7200 s" <<<"$OUT"
check "UDP to external 6000 reaches internal 5000" reaches udp 6000

# --lifetime 0: the longest lifetime; miniupnpd grants NAT-PMP all of it,
# and PCP a day, with a warning; never a bare 4294967295 that reads like -1.
natctl_in client map --via "$m" --lifetime 0 7000 udp
check_eq "--lifetime 0: exit 0" "$RC" 0
check "--lifetime 0: no bare 4294967295 s" bash -c "! grep -q 'lifetime 4294967295 s' <<<'$OUT'"
if [ "$m" = natpmp ]; then
	check "--lifetime 0: said unlimited" grep -q "lifetime unlimited (4294967295 s" <<<"$OUT"
else
	check "--lifetime 0: what PCP granted, with a warning" grep -q "has no permanent mappings: the gateway granted" "$ERR"
fi
natctl_in client map --via "$m" --delete 7000 udp
check_eq "--lifetime 0: deleted again" "$RC" 0

# NAT-PMP and PCP cannot list: --list --via $m shows natctl's own, from its state.
natctl_in client --json map --via "$m" --list
check_eq "--list with --via $m: exit 0" "$RC" 0
check_json "--list: natctl's own $m mappings, from its state" "$OUT" \
	'[.mappings[] | "\(.method) \(.ours) \(.transport) \(.external.port)->\(.internal.port)"] | sort | join(",")' \
	"$m true tcp 8080->8080,$m true udp 6000->5000"
natctl_in client map --via "$m" --list
check "--list text: marked as natctl's own" grep -q "^udp port 6000 -> 192.168.77.10:5000 lifetime [0-9]* s ($m, natctl's own, from its state)$" <<<"$OUT"

natctl_in client --json map --via "$m" --delete 8080 tcp
check_eq "--delete tcp: exit 0" "$RC" 0
check_json "--delete by $m" "$OUT" '.deleted_by | join(",")' "$m"
check "gone from the table" upnpc_lacks TCP 8080
check "TCP to 8080 is refused after --delete" blocked tcp 8080
natctl_in client map --via "$m" --delete 5000:6000 udp
check_eq "--delete udp: exit 0" "$RC" 0
check "UDP to 6000 no longer arrives" blocked udp 6000
check_eq "table empty (upnpc)" "$(upnpc_list | wc -l)" 0
natctl_in client --json map --via "$m" --list
check_json "--list: nothing of natctl's left in its state" "$OUT" '.mappings | length' 0
e2e_done
