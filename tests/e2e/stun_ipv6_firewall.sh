#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl -6 stun behind a router whose IPv6 forward chain is a stateful
# firewall: no NAT, so the filtering it names is the firewall's, for an
# address-and-port-dependent, an address-dependent and an
# endpoint-independent rule set.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/v6lib.bash"
e2e_init stun_ipv6_firewall
lab_start port-restricted --stun none
check "the routed IPv6 path" v6_path
check "coturn on two IPv6 addresses" v6_coturn

declare -A want=([apdf]=address-and-port-dependent [adf]=address-dependent
	[eif]=endpoint-independent)
declare -A words=([apdf]="no NAT, firewall: address-and-port-dependent filtering"
	[adf]="no NAT, firewall: address-dependent filtering"
	[eif]="no NAT, firewall open: endpoint-independent filtering")
for rules in apdf adf eif; do
	check "$rules: the router's IPv6 forward chain" v6_firewall "$rules"
	natctl_in client -6 --json stun "[$V6_STUN]:3478"
	check_eq "$rules: -6 stun exits 0" "$RC" 0
	check_json "$rules: public is this host's stable global address" "$OUT" .public.address "$V6_CLIENT"
	check_json "$rules: no NAT" "$OUT" .nat false
	check_json "$rules: mapping endpoint-independent (none)" "$OUT" .mapping endpoint-independent
	check_json "$rules: the firewall's filtering" "$OUT" .filtering "${want[$rules]}"
	check_json "$rules: alternate is the other IPv6 address" "$OUT" .alternate.address "$V6_STUN_ALT"
	natctl_in client -6 stun "[$V6_STUN]:3478"
	check_eq "$rules: text exits 0" "$RC" 0
	check_eq "$rules: the verdict speaks of a firewall" "$(head -n 1 <<<"$OUT" | cut -d'(' -f1 | sed 's/ $//')" \
		"${words[$rules]}"
done
# The firewall does filter: with the forward chain dropping everything new,
# a change request answered from the alternate never came in.
v6_firewall apdf
natctl_in client -6 --json stun "[$V6_STUN]:3478"
check_json "apdf: the change request to the alternate went unanswered" "$OUT" \
	'[.tests[] | select(.name == "filtering-change-ip-port") | .answered] | .[0]' false
check_json "apdf: classic null, the reason names the firewall" "$OUT" \
	'"\(.classic) \(.reasons | map(select(test("firewall"))) | length)"' "null 1"
e2e_done
