#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --check behind one NAT with miniupnpd: a UDP mapping proven
# reachable (and a packet from the internet agrees), a port in use and TCP
# checked through a companion mapping that is gone after, a host firewall
# dropping the port (exit 5, with the reason), another host's mapping
# (null), and the server resolved before anything is mapped.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_check
map_lab port-restricted
stun=(--stun 198.51.100.10)

# --- a UDP mapping, proven by the STUN answer, and by a packet from outside
natctl_in client --json map --check "${stun[@]}" 40100 udp
j=$OUT
check_eq "udp: exit 0" "$RC" 0
check_json "udp: reachable" "$j" .check.reachable true
check_json "udp: the check's method" "$j" .check.method stun-response-port
check_json "udp: the server asked" "$j" '"\(.check.server.address):\(.check.server.port)"' 198.51.100.10:3478
check_json "udp: the public address and port checked" "$j" \
	'"\(.check.port_checked.address):\(.check.port_checked.port)"' 203.0.113.2:40100
check_json "udp: no companion" "$j" .check.companion false
check_json "udp: the answer came from the address that had not seen us" "$j" \
	'.check.reason | test("came in from 198.51.100.11:3479, which had not seen this host")' true
listen client udp 40100
check "udp: a packet from the internet agrees" reaches udp 40100

# --- the port in use (the listener holds it): a companion mapping, gone after
natctl_in client --json map --check "${stun[@]}" 40100 udp
j=$OUT
check_eq "port in use: exit 0" "$RC" 0
check_json "port in use: reachable, through a companion" "$j" \
	'"\(.check.reachable) \(.check.companion)"' "true true"
check_json "port in use: the reason says why, and what it proves" "$j" \
	'.check.reason | test("because port 40100 is in use: this shows that every NAT layer lets inbound UDP through")' true
companion=$(jq -r .check.port_checked.port <<<"$j")
check "port in use: the companion checked another port ($companion)" test "$companion" != 40100
check "port in use: the companion mapping is deleted" upnpc_lacks UDP "$companion"
check "port in use: the mapping itself stays" upnpc_has UDP 40100 192.168.77.10:40100

# --- TCP: a companion UDP check, said so; TCP itself is never claimed
natctl_in client map --check "${stun[@]}" 8080 tcp
check_eq "tcp: exit 0" "$RC" 0
check_eq "tcp: two lines" "$(wc -l <<<"$OUT")" 2
check "tcp: the mapping line" grep -q "^mapped tcp 203.0.113.2:8080 -> 192.168.77.10:8080 via " <<<"$OUT"
check "tcp: the check line names the companion and what it does not prove" grep -q \
	"^check: reachable: .*companion UDP mapping .*TCP cannot be proven without a helper outside.*not that tcp port 8080 itself is reachable$" \
	<<<"$OUT"
listen client tcp 8080
check "tcp: a connection from the internet (not natctl's claim) gets through" reaches tcp 8080

# --- a host firewall drops the port: unreachable, exit 5, the mapping stays
in_ns client nft -f - <<'EOF'
table inet hostfw {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 40200 drop
	}
}
EOF
natctl_in client --json map --check "${stun[@]}" 40200 udp
j=$OUT
check_eq "firewall: exit 5" "$RC" 5
check_json "firewall: error_code unreachable" "$j" .error_code unreachable
check_json "firewall: the mapping was made" "$j" '"\(.event) \(.lifetime)"' "mapped 7200"
check_json "firewall: unreachable" "$j" .check.reachable false
check_json "firewall: the reason: the answer never came in" "$j" \
	'.check.reason | test("sent to external port 40200 never came in \\(asked [0-9]+ times\\)")' true
check_json "firewall: the error names what may drop it" "$j" \
	'.error | test("^mapped, but unreachable from outside: .*a firewall on this host or on the gateway")' true
check_eq "firewall: one line on stderr" "$(wc -l <"$ERR")" 1
check "firewall: the mapping stays on the gateway" upnpc_has UDP 40200 192.168.77.10:40200
natctl_in client map --check "${stun[@]}" 40200 udp
check_eq "firewall, text: exit 5" "$RC" 5
check "firewall, text: the mapping and the check on stdout" grep -q "^check: unreachable: " <<<"$OUT"
check "firewall, text: the error on stderr" grep -q "^natctl: map: mapped, but unreachable from outside" "$ERR"
natctl_in client -q map --check "${stun[@]}" 40200 udp
check_eq "firewall, -q: exit 5, stdout empty" "$RC:$OUT" "5:"
listen client udp 40200
check "firewall: a packet from the internet is dropped too" blocked udp 40200
in_ns client nft delete table inet hostfw
natctl_in client --json map --check "${stun[@]}" 40201 udp
check_json "firewall gone: reachable again (another port: no stale state)" "$OUT" \
	'if .check.reachable == true then "true" else "\(.check.reachable): \(.check.reason)" end' true

# --- another host's mapping cannot be checked from here
natctl_in client --json map --check "${stun[@]}" --via upnp --internal 192.168.77.11 40300 udp
check_eq "--internal: exit 0" "$RC" 0
check_json "--internal: null, with the reason" "$OUT" \
	'"\(.check.reachable) \(.check.reason)"' \
	"null the mapping points at another host (192.168.77.11): only that host can listen for the answer"

# --- the server is resolved first: no name, nothing mapped
natctl_in client@nodns --json map --check 40400 udp
check_eq "default server without DNS: exit 1" "$RC" 1
check_json "default server without DNS: resolve" "$OUT" .error_code resolve
check_json "default server without DNS: the default is stun.voipgate.com" "$OUT" \
	'.error | test("stun.voipgate.com")' true
check "default server without DNS: nothing mapped" upnpc_lacks UDP 40400

# --- usage
natctl_in client --json map --stun 198.51.100.10 40500 udp
check_eq "--stun without --check: usage (2)" "$RC:$(jq -r .error <<<"$OUT")" "2:--stun goes with --check"
natctl_in client --json map --check --delete 40100 udp
check_eq "--check --delete: usage (2)" "$RC:$(jq -r .error <<<"$OUT")" "2:--check goes with a new mapping"
natctl_in client --json map --check --stun 'x:99999' 40500 udp
check_eq "--check --stun with a bad port: usage (2)" "$RC" 2
check "nothing mapped by the usage errors" upnpc_lacks UDP 40500

# --- --keep --check: the first event carries the check; the end deletes
KEEP_OUT=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" --json map --keep --check "${stun[@]}" \
	40600 udp >"$KEEP_OUT" 2>/dev/null &
keep_pid=$!
E2E_PIDS+=("$keep_pid")
for ((i = 0; i < 60; i++)); do
	grep -q '"event":"mapped"' "$KEEP_OUT" && break
	sleep 0.05
done
check_json "--keep: mapped, checked" "$(head -n 1 "$KEEP_OUT")" '"\(.event) \(.check.reachable)"' "mapped true"
kill -TERM "$keep_pid"
wait "$keep_pid"
check_eq "--keep: exit 0 after the deletion" "$?" 0
check_schema_lines "--keep --check --json" map-event "$KEEP_OUT"
check "--keep: deleted" upnpc_lacks UDP 40600
rm -f "$KEEP_OUT"
e2e_done
