#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --check in a double NAT: the inner router (a fake gateway, WAN
# 100.64.0.2, which forwards what it accepted through a DNAT rule of the
# test's) maps the port and the carrier-grade NAT in front of it has no
# mapping: unreachable, exit 5, the error naming the outer NAT. With a
# forward on the outer NAT too, the same check says reachable. probe
# --test-mapping proves inbound false the same way, and traces 2 layers.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_check_double
lab_start cgnat
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" quirks
stun=(--stun 198.51.100.10)

# dnat NODE TABLE IIF PORT TO: a UDP forward in a NAT of the lab.
dnat() {
	in_ns "$1" nft -f - <<EOT
table ip $2 {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "$3" udp dport $4 dnat to $5
	}
}
EOT
}

# The inner router forwards 40700 and 40701; the outer NAT forwards 40701 only.
in_ns router nft -f - <<'EOT'
table ip innerfwd {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan0" udp dport 40700 dnat to 192.168.77.10:40700
		iifname "wan0" udp dport 40701 dnat to 192.168.77.10:40701
	}
}
EOT
dnat cgnat outerfwd wan0 40701 100.64.0.2:40701

natctl_in client --json map --check "${stun[@]}" 40700 udp
j=$OUT
check_eq "outer NAT without a mapping: exit 5" "$RC" 5
check_json "error_code unreachable" "$j" .error_code unreachable
check_json "mapped on the inner router, by NAT-PMP" "$j" \
	'"\(.event) \(.method) \(.external.address):\(.external.port)"' "mapped natpmp 100.64.0.2:40700"
check_json "the double-NAT warning" "$j" '.warnings | any(test("100.64.0.2 is carrier-grade NAT"))' true
check_json "unreachable, checked at the public address" "$j" \
	'"\(.check.reachable) \(.check.port_checked.address):\(.check.port_checked.port)"' \
	"false 203.0.113.2:40700"
check_json "the error names the outer NAT" "$j" \
	'.error | test("the gateway.s external address 100.64.0.2 is not the public address 203.0.113.2: the NAT in front of the gateway has no mapping for the port")' true
check_eq "one error line on stderr" "$(grep -c "^natctl: map: mapped, but unreachable" "$ERR")" 1

# The inner router itself does forward: a packet sent to its WAN side arrives.
listen client udp 40700
listener=$BG_PID
in_ns cgnat python3 "$E2E_DIR/map_probe.py" send udp 100.64.0.2 40700 inner$$
for ((i = 0; i < 40; i++)); do grep -q "^inner$$ from 100.64.0.1$" "$LISTEN_LOG" && break; sleep 0.05; done
check "the inner router forwards what it accepted" grep -q "^inner$$ from 100.64.0.1$" "$LISTEN_LOG"
kill "$listener"
wait "$listener" 2>/dev/null

natctl_in client --json map --check "${stun[@]}" 40701 udp
check_eq "with a forward on the outer NAT too: exit 0" "$RC" 0
check_json "with a forward on the outer NAT too: reachable" "$OUT" .check.reachable true

natctl_in client --json probe "${stun[@]}" --test-mapping
j=$OUT
check_eq "probe --test-mapping: exit 0" "$RC" 0
check_json "probe: NAT-PMP accepted its test mapping" "$j" .natpmp.test_mapping.accepted true
check_json "probe: and it was proven unreachable" "$j" .natpmp.test_mapping.reachable false
check_json "probe: the check's object" "$j" .natpmp.test_mapping.check.method stun-response-port
check_json "probe: inbound proven false" "$j" .inbound false
check_json "probe: the advice names the NAT in front" "$j" \
	'.advice | any(test("NAT-PMP accepted a test mapping, but it was not reachable from outside: the NAT in front of your router \\(the internet sees 203.0.113.2, the router says 100.64.0.2\\)"))' true
check_json "probe: two NAT layers on the path" "$j" .nat_layers 2
check_json "probe: the path" "$j" '[.path[] | "\(.address) \(.class)"] | join(", ")' \
	"192.168.77.1 private, 100.64.0.1 cgnat"
e2e_done
