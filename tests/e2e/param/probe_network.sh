#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl probe on one network of the lab: every JSON field that network
# decides, the advice it calls for, and nothing left on the gateway.
# usage: probe_network.sh NETWORK
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/maplib.bash"
net=$1
e2e_init "probe_network $net"

stun=(--stun 198.51.100.10)
case $net in
home) map_lab port-restricted ;;
symmetric) map_lab symmetric ;;
igdv1) map_lab port-restricted --igdv1 ;;
natpmp-only) map_lab port-restricted --upnp no ;;
full-cone | restricted | hairpin | no-nat | udp-blocked) lab_start "$net" ;;
none) lab_start port-restricted ;;
cgnat-wan)
	# The inner router's IGD says its WAN address is 100.64.0.2, as it is.
	lab_start cgnat
	start_bg router ready python3 "$E2E_DIR/fake_gateway.py" quirks ;;
cgnat-stun)
	# miniupnpd behind the CGNAT learns 203.0.113.2 by STUN and refuses
	# mappings; a plain probe (no mapping) finds the CGNAT on the path.
	map_lab cgnat ;;
*) echo "FAIL: unknown network '$net'" >&2; exit 1 ;;
esac

natctl_in client --json probe "${stun[@]}"
j=$OUT
check_eq "$net: exit 0" "$RC" 0
check_eq "$net: one JSON object" "$(jq -s length <<<"$j")" 1
check_json "$net: elapsed_ms is a number" "$j" '.elapsed_ms | type' number
check_json "$net: verdict is a line" "$j" '.verdict | length > 0' true
check_json "$net: the stun object is natctl stun's" "$j" '.stun | has("classic") and has("tests")' true
check_json "$net: a diagnosis, no error" "$j" '"\(.error) \(.error_code)"' "null null"
check_json "$net: a protocol that is not there says why" "$j" \
	'[.upnp, .natpmp, .pcp] | map(select(.available | not) | .reason | length > 0) | all' true
check_json "$net: every unknown judgement has a reason" "$j" \
	'([.double_nat, .cgnat, .inbound, .p2p_likely] | map(select(. == null)) | length) <= (.reasons | length)' true
local_ip=192.168.77.10
[ "$net" = no-nat ] && local_ip=203.0.113.10
check_json "$net: local address" "$j" .local.address "$local_ip"
check_json "$net: interface" "$j" .local.interface eth0
check_json "$net: the first hop of the path" "$j" \
	'if (.path | length) == 0 then "none" else "\(.path[0].address) \(.path[0].class)" end' \
	"$([ "$net" = no-nat ] && echo none || echo "192.168.77.1 private")"

# want JQ_EXPR EXPECTED...: a list of checks on the JSON.
want() {
	while [ $# -ge 2 ]; do
		check_json "$net: $1" "$j" "$1" "$2"
		shift 2
	done
}

case $net in
home)
	want .gateway 192.168.77.1 .upnp.available true .upnp.external_address 203.0.113.2 \
		.upnp.igd_version 2 .upnp.connected true .natpmp.available true \
		.natpmp.external_address 203.0.113.2 '.natpmp.epoch | type' number \
		.pcp.available true .stun.classic port-restricted-cone .double_nat false .cgnat false \
		.inbound true .p2p_likely true '.upnp.test_mapping.tested' false \
		.nat_layers 1 '.path | length' 1 .upnp.test_mapping.check null
	check_eq "home: no side effect (gateway table empty)" "$(upnpc_list | wc -l)" 0
	natctl_in client --json probe "${stun[@]}" --test-mapping
	j=$OUT
	want .upnp.test_mapping.accepted true .natpmp.test_mapping.accepted true \
		.pcp.test_mapping.accepted true .pcp.external_address 203.0.113.2 \
		.upnp.test_mapping.reachable true .natpmp.test_mapping.reachable true \
		.pcp.test_mapping.reachable true .pcp.test_mapping.check.companion false \
		.inbound true '.verdict | test("a test mapping was reached from outside")' true
	check_eq "home: test mappings deleted again" "$(upnpc_list | wc -l)" 0
	natctl_in client probe "${stun[@]}"
	check "home text: verdict first" grep -q "port mapping: PCP, NAT-PMP, UPnP" <<<"$(head -n1 <<<"$OUT")"
	check "home text: no colour when not a terminal" test "$(grep -c $'\033' <<<"$OUT")" = 0
	# On a terminal (script(1) gives it a pty): colour, unless NO_COLOR is set.
	tty_out=$(in_ns client env TERM=xterm script -qec "$NATCTL probe --stun 198.51.100.10" /dev/null)
	check "home text: colour on a terminal" grep -q $'\033\[' <<<"$tty_out"
	tty_out=$(in_ns client env TERM=xterm NO_COLOR=1 script -qec "$NATCTL probe --stun 198.51.100.10" /dev/null)
	check "home text: no colour with NO_COLOR" test "$(grep -c $'\033\[' <<<"$tty_out")" = 0
	tty_out=$(in_ns client env TERM=dumb script -qec "$NATCTL probe --stun 198.51.100.10" /dev/null)
	check "home text: no colour with TERM=dumb" test "$(grep -c $'\033\[' <<<"$tty_out")" = 0
	tty_out=$(in_ns client env TERM=xterm script -qec "$NATCTL --color=never probe --stun 198.51.100.10" /dev/null)
	check "home text: no colour with --color=never" test "$(grep -c $'\033\[' <<<"$tty_out")" = 0
	natctl_in client --color=always probe --stun 198.51.100.10
	check "home text: colour with --color=always, even in a pipe" grep -q $'\033\[' <<<"$OUT"
	natctl_in client -q probe --stun 198.51.100.10
	check_eq "home -q: exit 0, nothing on stdout" "$RC:$OUT" "0:" ;;
symmetric)
	want .stun.classic symmetric .p2p_likely false .upnp.available true \
		'.advice | any(test("symmetric"))' true ;;
igdv1)
	# IGDv1 has no WANIPv6FirewallControl; the lab has no IPv6 route for PCP
	want .upnp.available true .upnp.igd_version 1 .ipv6.upnp_pinhole false \
		.ipv6.pcp_pinhole false ;;
natpmp-only)
	want .upnp.available false .natpmp.available true .pcp.available true \
		.natpmp.external_address 203.0.113.2 .double_nat false .ipv6.upnp_pinhole false ;;
full-cone) want .stun.classic full-cone .p2p_likely true .upnp.available false ;;
restricted) want .stun.classic restricted-cone .p2p_likely true ;;
hairpin) want .stun.classic port-restricted-cone .stun.hairpinning true ;;
no-nat)
	want .stun.classic open-internet .stun.nat false .double_nat false .cgnat false \
		.gateway 203.0.113.1 .nat_layers 0 '.path | length' 0 ;;
udp-blocked)
	want .stun.classic udp-blocked .p2p_likely false '.advice | any(test("UDP is blocked"))' true \
		.nat_layers null '.reasons | any(test("NAT layers: unknown: the STUN server never answered"))' true ;;
none)
	want .upnp.available false .natpmp.available false .pcp.available false \
		.stun.classic port-restricted-cone '.advice | any(test("no port-mapping protocol"))' true \
		'.verdict | test("port mapping: none")' true \
		.nat_layers 1 .double_nat false .cgnat false ;;
cgnat-wan)
	want .upnp.available true .upnp.external_address 100.64.0.2 .double_nat true .cgnat true \
		.inbound false .stun.public.address 203.0.113.2 \
		'.advice | any(test("WAN address 100.64.0.2 is carrier-grade NAT"))' true \
		.nat_layers 2 '.path[1] | "\(.address) \(.class)"' "100.64.0.1 cgnat" ;;
cgnat-stun)
	# The router reports the public address it learnt by STUN, so only the
	# path shows the CGNAT; no mapping is made.
	want .upnp.available true .upnp.external_address 203.0.113.2 \
		.natpmp.external_address 203.0.113.2 .upnp.test_mapping.tested false \
		.double_nat true .cgnat true .nat_layers 2 .inbound false \
		'[.path[] | "\(.address) \(.class)"] | join(", ")' "192.168.77.1 private, 100.64.0.1 cgnat" \
		'.advice | any(test("The path to the internet passes 100.64.0.1 \\(hop 2\\), carrier-grade NAT space"))' true
	check_eq "cgnat-stun: no mapping made" "$(upnpc_list | wc -l)" 0
	# With --test-mapping, the refusals agree.
	natctl_in client --json probe "${stun[@]}" --test-mapping
	j=$OUT
	want .upnp.test_mapping.accepted false .natpmp.test_mapping.accepted false \
		.cgnat true '.advice | any(test("refuses every mapping"))' true
	check_eq "cgnat-stun: nothing left on the gateway" "$(upnpc_list | wc -l)" 0 ;;
esac
e2e_done
