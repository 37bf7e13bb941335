#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl -6 map --via upnp: UPnP IGDv2 pinholes (WANIPv6FirewallControl)
# from miniupnpd in the IPv6 lab, asked from the client's stable global
# address (miniupnpd answers 606 to a request from any other address, and
# the kernel's own source is the temporary one); packets from the internet
# namespace reach the port only while the pinhole exists (UDP and TCP);
# --delete -6 and --cleanup -6 delete it by the UniqueID in the state;
# --keep renews it (UpdatePinhole) and deletes it on SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_ipv6_upnp
map_lab port-restricted --ipv6 yes

STABLE=2001:db8:77::10
RULES() { ip netns exec "$(lab_ns "$LAB" router)" nft list chain inet natctl_upnp miniupnpd; }
pinhole_rule() { RULES | grep -q "dport $1 "; }
pinhole_gone() { ! pinhole_rule "$1"; }

start_bg client ready python3 "$PROBE" listen6 udp 40010 "${LISTEN_LOG:=$(mktemp)}"
start_bg client ready python3 "$PROBE" listen6 tcp 40011 "$LISTEN_LOG"
check "UDP: blocked before the pinhole" blocked6 udp 40010

natctl_in client -6 --json map --via upnp 40010 udp
check_eq "UDP pinhole: exit 0" "$RC" 0
check_json "through upnp" "$OUT" .method upnp
check_json "family ipv6" "$OUT" .family ipv6
check_json "for the stable global address" "$OUT" .internal.address "$STABLE"
check_json "external = internal (no NAT)" "$OUT" '"\(.external.address) \(.external.port)"' "$STABLE 40010"
check_json "the gateway is the IPv6 default router" "$OUT" .gateway 2001:db8:77::1
check_json "the pinhole's UniqueID" "$OUT" '.unique_id | type' number
UDP_ID=$(jq -r .unique_id <<<"$OUT")
check "UDP: reaches while the pinhole exists" reaches6 udp 40010
check "miniupnpd's rule names the stable address" bash -c \
	"ip netns exec $(lab_ns "$LAB" router) nft list chain inet natctl_upnp miniupnpd | grep 'dport 40010 ' | grep -q 0x20010db8007700000000000000000010"
check "the state keeps the UniqueID" grep -q "upnp 2001:db8:77::1 udp $STABLE 40010 40010 .* pinhole=$UDP_ID\$" \
	"$E2E_STATE/natctl/mappings"

natctl_in client -6 map --via upnp 40011 tcp
check_eq "TCP pinhole: exit 0" "$RC" 0
check "text: mapped line with the UniqueID" grep -q \
	"^mapped tcp \[$STABLE\]:40011 -> \[$STABLE\]:40011 via upnp (gateway 2001:db8:77::1), lifetime 7200 s, UniqueID [0-9]*$" <<<"$OUT"
check "text: source line" grep -q "^source: the stable global address of eth0" <<<"$OUT"
check "TCP: reaches while the pinhole exists" reaches6 tcp 40011

# A port below 1024: miniupnpd's 606, said in one line, exit 4.
natctl_in client -6 --json map --via upnp 80 tcp
check_eq "port 80: refused, exit 4" "$RC" 4
check_json "port 80: error_code refused" "$OUT" .error_code refused
check "port 80: 606 explained" grep -q \
	"606 Action not authorized): the gateway opens pinholes only for the address the request comes from" <<<"$OUT"

natctl_in client -6 --json map --delete --via upnp 40010 udp
check_eq "--delete -6: exit 0" "$RC" 0
check_json "--delete -6: deleted by upnp" "$OUT" '.deleted_by | join(",")' upnp
check "UDP: the rule is gone after --delete" pinhole_gone 40010
check "UDP: blocked after --delete" blocked6 udp 40010

# A plain --delete -6 goes through the method the state names: PCP, asked to
# delete a UPnP pinhole, would be refused and cut the rule's lifetime instead.
natctl_in client -6 map --via upnp 40013 udp
natctl_in client -6 --json map --delete 40013 udp
check_eq "--delete -6 (auto) of a UPnP pinhole: exit 0" "$RC" 0
check_json "--delete -6 (auto): by upnp alone, no warning" "$OUT" \
	'"\(.deleted_by | join(",")) \(.warnings | length)"' "upnp 0"
check "--delete -6 (auto): the rule is gone" pinhole_gone 40013

natctl_in client -6 --json map --cleanup
check_eq "--cleanup -6: exit 0" "$RC" 0
check_json "--cleanup -6: the TCP pinhole" "$OUT" '[.mappings[] | "\(.method) \(.transport) \(.internal.port)"] | join(",")' "upnp tcp 40011"
check "TCP: blocked after --cleanup" blocked6 tcp 40011
check "the state is empty" test ! -s "$E2E_STATE/natctl/mappings"

# --keep: a 2 s pinhole renewed by UpdatePinhole (the same UniqueID), open
# past several lifetimes, deleted on SIGTERM.
KEEP_OUT=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" -6 --json \
	map --keep --via upnp --lifetime 2 40010 udp >"$KEEP_OUT" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
check "--keep -6: renewed (3 times in 5 s)" keep_renewed "$KEEP_OUT" 3
check "--keep -6: mapped through upnp" grep -q '"event":"mapped","method":"upnp".*"family":"ipv6"' "$KEEP_OUT"
check "--keep -6: one UniqueID throughout" test "$(grep -o '"unique_id":[0-9]*' "$KEEP_OUT" | sort -u | wc -l)" -eq 1
check "--keep -6: reaches after 3 lifetimes" reaches6 udp 40010
kill -TERM "$KEEP_PID"
wait "$KEEP_PID"
check_eq "--keep -6: SIGTERM, exit 0" "$?" 0
check "--keep -6: the last event is the deletion" bash -c \
	"tail -n 1 '$KEEP_OUT' | jq -e '.event == \"deleted\" and .method == \"upnp\"' >/dev/null"
check_schema_lines "--keep -6 --json" map-event "$KEEP_OUT"
check "--keep -6: the rule is gone on exit" pinhole_gone 40010
check "--keep -6: blocked after exit" blocked6 udp 40010
rm -f "$KEEP_OUT" "$LISTEN_LOG"
e2e_done
