#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl -6 stun in the IPv6 lab (tests/net/lab.sh --ipv6 yes): no NAT, a
# stateful firewall on the router's IPv6 forward chain, so the filtering it
# names is the firewall's, for the address-and-port-dependent rule set and
# the endpoint-independent one (--filter6).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/v6lib.bash"
e2e_init stun_ipv6_firewall
STUN6="[$LAB_STUN_IP6]:$LAB_STUN_PORT"

declare -A want=([apdf]=address-and-port-dependent [eif]=endpoint-independent)
declare -A words=([apdf]="no NAT, firewall: address-and-port-dependent filtering"
	[eif]="no NAT, firewall open: endpoint-independent filtering")
for rules in apdf eif; do
	lab_start port-restricted --ipv6 yes --filter6 "$rules"
	check "$rules: the lab's IPv6 addresses past DAD" v6_settled
	natctl_in client -6 --json stun "$STUN6"
	check_eq "$rules: -6 stun exits 0" "$RC" 0
	check_json "$rules: no NAT" "$OUT" .nat false
	check_json "$rules: the server saw the address it was sent from" "$OUT" \
		'.public.address == .local.address and (.public.address | startswith("2001:db8:77:"))' true
	check_json "$rules: mapping endpoint-independent (there is none)" "$OUT" .mapping endpoint-independent
	check_json "$rules: the firewall's filtering" "$OUT" .filtering "${want[$rules]}"
	check_json "$rules: alternate is the other IPv6 address" "$OUT" .alternate.address "$LAB_STUN_ALT_IP6"
	check_json "$rules: the change request to the alternate $([ "$rules" = eif ] && echo came || echo "did not come") in" "$OUT" \
		'[.tests[] | select(.name == "filtering-change-ip-port") | .answered] | .[0]' \
		"$([ "$rules" = eif ] && echo true || echo false)"
	natctl_in client -6 stun "$STUN6"
	check_eq "$rules: text exits 0" "$RC" 0
	check_eq "$rules: the verdict speaks of a firewall" \
		"$(head -n 1 <<<"$OUT" | sed 's/ (.*//')" "${words[$rules]}"
	lab_down "$LAB" >/dev/null 2>&1
	LAB="e$$b" # the next lab under another name: no leftovers shared
done
e2e_done
