#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl probe in the IPv6 lab (tests/net/lab.sh --ipv6 yes, miniupnpd with
# IPv6): its ipv6 object names the stable global address (not the temporary,
# ULA or deprecated one), STUN over IPv6 with the firewall's filtering, and
# the advice to open IPv6 with map -6, and that the router opens pinholes
# (PCP answers over IPv6; UPnP's GetFirewallStatus allows them); with -4 it
# is null, and without IPv6 it says there is no global address.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/v6lib.bash"
e2e_init probe_ipv6
lab_start port-restricted --gateway miniupnpd --ipv6 yes --filter6 apdf
check "the lab's IPv6 addresses past DAD" v6_settled
STUN6="[$LAB_STUN_IP6]:$LAB_STUN_PORT"

natctl_in client --json probe --stun "$LAB_STUN_IP" --stun "$STUN6"
j=$OUT
check_eq "exit 0" "$RC" 0
check_json "IPv4 unchanged: the NAT is port-restricted" "$j" .stun.classic port-restricted-cone
check_json "a stable global IPv6 address" "$j" .ipv6.global true
check_json "it is the stable one, not the temporary, ULA or deprecated one" "$j" .ipv6.address "$LAB_CLIENT_IP6"
check_json "on the interface of the IPv6 default route" "$j" .ipv6.interface eth0
check_json "the note says what was passed over" "$j" \
	'.ipv6.address_note | test("temporary") and test("ULA") and test("deprecated")' true
check_json "STUN over IPv6 answered, no NAT" "$j" '"\(.ipv6.stun.transport) \(.ipv6.stun.nat)"' "udp false"
check_json "public IPv6 is this host's own (the kernel's choice, the temporary one)" "$j" \
	'.ipv6.public.address == .ipv6.stun.local.address and .ipv6.public.address != "'"$LAB_CLIENT_IP6"'"' true
check_json "the firewall's filtering" "$j" .ipv6.filtering address-and-port-dependent
# miniupnpd answers PCP over IPv6 and has WANIPv6FirewallControl with its
# firewall on and inbound pinholes allowed (GetFirewallStatus).
check_json "pinholes: PCP over IPv6 and UPnP IGDv2 both yes, no reason needed" "$j" \
	'"\(.ipv6.pcp_pinhole) \(.ipv6.upnp_pinhole) \(.ipv6.reasons | map(select(test("pinholes"))) | length)"' "true true 0"
check_json "inbound can be opened" "$j" .ipv6.inbound true
check_json "the verdict names both pinhole protocols" "$j" '.ipv6.verdict | endswith("pinholes: PCP, UPnP IGDv2")' true
check_json "the advice: open IPv6 with map -6" "$j" \
	'.ipv6.advice | map(select(startswith("IPv6 inbound can be opened with `natctl map -6`"))) | length' 1
check_json "the verdict speaks of a firewall" "$j" \
	'.ipv6.verdict | test("no NAT, firewall: address-and-port-dependent filtering")' true

natctl_in client probe --stun "$LAB_STUN_IP" --stun "$STUN6"
check_eq "text: exit 0" "$RC" 0
check_eq "text: the IPv6 line" "$(grep '^  IPv6 ' <<<"$OUT" | sed 's/;.*//')" "  IPv6      $LAB_CLIENT_IP6 on eth0"
check_eq "text: the STUN IPv6 line" "$(grep '^  STUN IPv6 ' <<<"$OUT" | sed 's/ (.*//')" \
	"  STUN IPv6 no NAT, firewall: address-and-port-dependent filtering"
check "text: the advice" grep -q '^  - IPv6 inbound can be opened with `natctl map -6`' <<<"$OUT"

natctl_in client -4 --json probe --stun "$LAB_STUN_IP"
check_eq "-4: exit 0" "$RC" 0
check_json "-4: ipv6 is null, IPv4 diagnosed" "$OUT" '"\(.ipv6) \(.stun.classic)"' "null port-restricted-cone"
natctl_in client -4 --json probe --stun "$LAB_STUN_IP" --stun "$STUN6"
check_eq "-4 with an IPv6 server is a usage error" "$RC" 2

natctl_in client --json probe --stun "$LAB_STUN_IP"
check_json "no IPv6 server named: STUN over IPv6 not asked, with why" "$OUT" \
	'"\(.ipv6.stun.error_code) \(.ipv6.filtering)"' "resolve null"
check_json "no IPv6 server named: the address is still found" "$OUT" .ipv6.address "$LAB_CLIENT_IP6"

# IPv6 that goes nowhere (the router drops what goes to the server) does not
# hold the probe to its deadline: STUN over IPv6 rides along until it answers.
in_ns router ip -6 route add blackhole 2001:db8:2::/64
natctl_in client -t 10 --json probe --stun "$LAB_STUN_IP" --stun "$STUN6"
check_eq "IPv6 silent: exit 0" "$RC" 0
check_json "IPv6 silent: no public IPv6 address, no filtering, IPv4 diagnosed" "$OUT" \
	'"\(.ipv6.public) \(.ipv6.filtering) \(.ipv6.stun.error_code) \(.stun.classic)"' \
	"null null no-answer port-restricted-cone"
check "IPv6 silent: not held to the 10 s deadline ($(jq .elapsed_ms <<<"$OUT") ms)" \
	jq -e '.elapsed_ms < 6000' <<<"$OUT"
in_ns router ip -6 route del blackhole 2001:db8:2::/64

# client2 has only one global address; without its IPv6 default route there is none to use.
in_ns client2 ip -6 route del default
natctl_in client2 --json probe --stun "$LAB_STUN_IP" --stun "$STUN6"
check_eq "no IPv6 route: exit 0 (IPv4 diagnosed)" "$RC" 0
check_json "no IPv6 route: no global address, inbound false" "$OUT" \
	'"\(.ipv6.global) \(.ipv6.inbound) \(.ipv6.address_note)"' "false false no IPv6 default route"
check_json "no IPv6 route: PCP over IPv6 not asked (false), UPnP's firewall still says yes" "$OUT" \
	'"\(.ipv6.pcp_pinhole) \(.ipv6.upnp_pinhole)"' "false true"
e2e_done
