#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --keep --check when the forwarding is deleted behind natctl's
# back: the gateway (a fake one whose forwarding is the test's DNAT rule)
# still answers for the mapping, but its firewall lost the rule, as a
# router's firewall reload does. After the gateway restarts, natctl maps
# again, checks again (asking another of the server's addresses, so the
# NAT's memory of the first answer cannot answer for the mapping) and says
# unreachable, keeping the mapping; the run still ends with a clean delete.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_check_lost
lab_start port-restricted
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" quirks 203.0.113.2
fake=$BG_PID
in_ns router nft -f - <<'EOT'
table ip gwfwd {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan0" udp dport 40800 dnat to 192.168.77.10:40800
	}
}
EOT

out=$(mktemp)
err=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" --json map --keep --check \
	--stun 198.51.100.10 --via natpmp 40800 udp >"$out" 2>"$err" &
keep=$!
E2E_PIDS+=("$keep")
for ((i = 0; i < 60; i++)); do grep -q '"event":"mapped"' "$out" && break; sleep 0.05; done
check_json "mapped and reachable" "$(grep '"event":"mapped"' "$out")" \
	'"\(.check.reachable) \(.error_code)"' "true null"

in_ns router nft delete table ip gwfwd # the forwarding is gone; the gateway does not know
sleep 0.2                              # natctl listens for announcements right after "mapped"
kill -USR1 "$fake"                     # the gateway restarts: natctl maps again
for ((i = 0; i < 60; i++)); do grep -q '"event":"remapped"' "$out" && break; sleep 0.05; done
line=$(grep '"event":"remapped"' "$out")
check_json "remapped, checked again: unreachable" "$line" \
	'"\(.check.reachable) \(.error_code) \(.lifetime != null)"' "false unreachable true"
check_json "the check's reason: its answer never came in" "$line" \
	'.check.reason | test("sent to external port 40800 never came in")' true
check "the error went to stderr too" grep -q "^natctl: map: mapped, but unreachable from outside" "$err"
check "natctl keeps the mapping and runs on" kill -0 "$keep"
kill -TERM "$keep"
wait "$keep"
check_eq "the run ends with the deletion: exit 0" "$?" 0
check "deleted last" bash -c "tail -n 1 '$out' | grep -q '\"event\":\"deleted\"'"
check_schema_lines "--keep --check --json" map-event "$out"
rm -f "$out" "$err"
e2e_done
