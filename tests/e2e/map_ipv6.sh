#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl -6 map: an inbound IPv6 pinhole through PCP (miniupnpd over IPv6)
# for the client's stable global address, not its temporary, ULA or
# deprecated one; packets from the internet namespace reach the port only
# while the pinhole exists (TCP and UDP); --delete, --keep and --cleanup
# close it (miniupnpd 2.3.1 will not delete a pinhole it renewed: natctl
# cuts its lifetime and says so); --check proves a pinhole from outside.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_ipv6
# PCP leases of 2 s (miniupnpd raises shorter ones to min_lifetime), so
# that --keep renews within the test.
map_lab port-restricted --ipv6 yes --pcp-min-lifetime 2

STABLE=2001:db8:77::10
TEMP=$(in_ns client ip -6 addr show dev eth0 temporary | sed -n 's|.*inet6 \([0-9a-f:]*\)/.*|\1|p')

# The lab is what the test needs: the kernel's own source toward the
# internet is the temporary address, which natctl must not take.
check "the client has a temporary address" test -n "$TEMP"
check_eq "the kernel's own source is the temporary one" \
	"$(in_ns client ip -6 route get 2001:db8:2::10 | sed -n 's/.* src \([0-9a-f:]*\).*/\1/p')" "$TEMP"

start_bg client ready python3 "$PROBE" listen6 udp 40000 "${LISTEN_LOG:=$(mktemp)}"
start_bg client ready python3 "$PROBE" listen6 tcp 40001 "$LISTEN_LOG"
check "UDP: blocked before the pinhole" blocked6 udp 40000
check "TCP: blocked before the pinhole" blocked6 tcp 40001

natctl_in client -6 --json map 40000 udp
check_eq "UDP pinhole: exit 0" "$RC" 0
check_json "through PCP" "$OUT" .method pcp
check_json "family ipv6" "$OUT" .family ipv6
check_json "for the stable global address" "$OUT" .internal.address "$STABLE"
check_json "external = internal (no NAT)" "$OUT" '"\(.external.address) \(.external.port)"' "$STABLE 40000"
check_json "the gateway is the IPv6 default router" "$OUT" .gateway 2001:db8:77::1
check_json "the source says why" "$OUT" .source \
	"the stable global address of eth0, the interface of the IPv6 default route (passed over: 1 temporary, 1 ULA, 1 deprecated)"
check "UDP: reaches while the pinhole exists" reaches6 udp 40000

natctl_in client -6 map 40001 tcp
check_eq "TCP pinhole: exit 0" "$RC" 0
check "text: mapped line" grep -q "^mapped tcp \[$STABLE\]:40001 -> \[$STABLE\]:40001 via pcp" <<<"$OUT"
check "text: source line" grep -q "^source: the stable global address of eth0" <<<"$OUT"
check "TCP: reaches while the pinhole exists" reaches6 tcp 40001
check "miniupnpd's rule names the stable address" bash -c \
	"ip netns exec $(lab_ns "$LAB" router) nft list chain inet natctl_upnp miniupnpd | grep -q 0x20010db8007700000000000000000010"

natctl_in client -6 --json map --delete 40000 udp
check_eq "--delete -6: exit 0" "$RC" 0
check_json "--delete -6: deleted by pcp" "$OUT" '.deleted_by | join(",")' pcp
check "UDP: blocked after --delete" blocked6 udp 40000

# --cleanup -6 removes what natctl recorded: the TCP pinhole.
natctl_in client -6 --json map --cleanup
check_eq "--cleanup -6: exit 0" "$RC" 0
check_json "--cleanup -6: the TCP pinhole" "$OUT" '[.mappings[] | "\(.transport) \(.internal.port)"] | join(",")' "tcp 40001"
check "TCP: blocked after --cleanup" blocked6 tcp 40001

# --keep: a 2 s pinhole renewed at half its lifetime, open while it runs
# (past several lifetimes), closed when it is told to stop. Beside it, the
# control: a 2 s pinhole nobody renews is gone by then (miniupnpd expires it).
pinhole_rule() {
	ip netns exec "$(lab_ns "$LAB" router)" nft list chain inet natctl_upnp miniupnpd | grep -q "dport $1 "
}
pinhole_gone() { ! pinhole_rule "$1"; }
natctl_in client -6 map --lifetime 2 40003 udp
# (its rule may be gone already on a loaded machine: the answer says it was made)
check "control: a 2 s pinhole is made" grep -q "^mapped udp .*:40003 via pcp .*lifetime 2 s$" <<<"$OUT"
KEEP_OUT=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" -6 --json map --keep --lifetime 2 40000 udp \
	>"$KEEP_OUT" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
check "--keep -6: renewed (3 times in 5 s)" keep_renewed "$KEEP_OUT" 3
check "--keep -6: mapped event" grep -q '"event":"mapped".*"family":"ipv6"' "$KEEP_OUT"
check "--keep -6: granted 2 s" grep -q '"event":"mapped".*"lifetime":2,' "$KEEP_OUT"
check "control: the unrenewed pinhole expired meanwhile" pinhole_gone 40003
check "--keep -6: reaches after 3 lifetimes" reaches6 udp 40000
kill -TERM "$KEEP_PID"
wait "$KEEP_PID"
rc=$?
# miniupnpd 2.3.1 answers the deletion of a pinhole it has renewed
# NOT_AUTHORIZED (it lost the nonce: fixed in 2.3.6); natctl cuts the
# lifetime to the shortest, says so and exits 4 (refused): not deleted.
check_eq "--keep -6: SIGTERM, exit 4 (the gateway would not delete)" "$rc" 4
check "--keep -6: the last event says the lifetime was cut" bash -c \
	"tail -n 1 '$KEEP_OUT' | jq -e '.event == \"failed\" and .error_code == \"refused\" and (.error | test(\"cut its lifetime to 2 s\"))' >/dev/null"
check_schema_lines "--keep -6 --json" map-event "$KEEP_OUT"
for _ in $(seq 60); do
	pinhole_gone 40000 && break
	sleep 0.05
done
check "--keep -6: the pinhole closed within its 2 s" pinhole_gone 40000
check "--keep -6: blocked after exit" blocked6 udp 40000
rm -f "$KEEP_OUT"

# --check: the pinhole proven from outside (coturn answers from its second
# IPv6 address, which never saw this host); a host firewall dropping the
# port: unreachable, exit 5, the pinhole stays.
natctl_in client -6 --json map --check --stun 2001:db8:2::10 40100 udp
check_eq "--check -6: exit 0" "$RC:$(jq -r .error <<<"$OUT")" "0:null"
check_json "--check -6: reachable" "$OUT" \
	'if .check.reachable == true then "true" else "\(.check.reachable): \(.check.reason)" end' true
check_json "--check -6: the stable address checked" "$OUT" .check.port_checked.address "$STABLE"
check_json "--check -6: the server asked" "$OUT" .check.server.address 2001:db8:2::10
in_ns client nft -f - <<'EOF6'
table ip6 hostfw6 {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 40101 drop
	}
}
EOF6
natctl_in client -6 --json map --check --stun 2001:db8:2::10 40101 udp
check_eq "--check -6, host firewall: exit 5" "$RC" 5
check_json "--check -6, host firewall: unreachable" "$OUT" .check.reachable false
check_json "--check -6, host firewall: error_code" "$OUT" .error_code unreachable
in_ns client nft delete table ip6 hostfw6
natctl_in client -6 --json map --check --stun 2001:db8:2::10 40102 tcp
check_json "--check -6 tcp: reachable through a companion UDP pinhole" "$OUT" \
	'"\(.check.reachable) \(.check.companion)"' "true true"

# --internal overrides the choice, and the result says so.
natctl_in client -6 --json map --internal fd00:77::10 40002 udp
check_json "--internal: that address" "$OUT" .internal.address fd00:77::10
check_json "--internal: the source says so" "$OUT" .source --internal
natctl_in client -6 map --delete --internal fd00:77::10 40002 udp

# No IPv6 default route: --gateway names the router, and the interface
# toward it gives the address.
in_ns client ip -6 route del default
natctl_in client -6 --json map --gateway 2001:db8:77::1 40004 udp
check_json "--gateway, no default route: the stable address" "$OUT" .internal.address "$STABLE"
check_json "--gateway, no default route: the source says why" "$OUT" .source \
	"the stable global address of eth0, the interface toward --gateway (passed over: 1 temporary, 1 ULA, 1 deprecated)"

# (-6 usage errors: e2e map_usage)

rm -f "$LISTEN_LOG"

e2e_done
