#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl stun on one NAT of the lab, against coturn (RFC 5780) and Vovida
# stund (RFC 3489): every property must match what the NAT is built to do,
# and two independent clients (coturn's turnutils_natdiscovery and Vovida's
# stun) must agree about the network, so natctl cannot pass by mistake.
# usage: stun_behavior.sh TOPOLOGY
. "$(dirname "$0")/../lib.sh"
topo=$1
e2e_init "stun_behavior $topo"

# topology -> mapping filtering hairpinning classic nat port_preserving
declare -A want=(
	[port-restricted]="endpoint-independent address-and-port-dependent false port-restricted-cone true true"
	[symmetric]="address-and-port-dependent address-and-port-dependent false symmetric true false"
	[full-cone]="endpoint-independent endpoint-independent false full-cone true true"
	[restricted]="endpoint-independent address-dependent false restricted-cone true true"
	[no-nat]="endpoint-independent endpoint-independent true open-internet false true"
	[hairpin]="endpoint-independent address-and-port-dependent true port-restricted-cone true true"
	[cgnat]="endpoint-independent address-and-port-dependent false port-restricted-cone true true"
	[udp-blocked]="null null null udp-blocked - -"
)
# The same networks as the independent tools name them.
declare -A natdiscovery=(
	[port-restricted]="Endpoint Independent Mapping|Address and Port Dependent Filtering"
	[symmetric]="Address and Port Dependent Mapping|Address and Port Dependent Filtering"
	[full-cone]="Endpoint Independent Mapping|Endpoint Independent Filtering"
	[restricted]="Endpoint Independent Mapping|Address Dependent Filtering"
	[no-nat]="Endpoint Independent Mapping|Endpoint Independent Filtering"
	[hairpin]="Endpoint Independent Mapping|Address and Port Dependent Filtering"
	[cgnat]="Endpoint Independent Mapping|Address and Port Dependent Filtering"
	[udp-blocked]="|"
)
declare -A vovida=(
	[port-restricted]="Independent Mapping, Port Dependent Filter"
	[symmetric]="Dependent Mapping"
	[full-cone]="Independent Mapping, Independent Filter"
	[restricted]="Independent Mapping, Address Dependent Filter"
	[no-nat]="Open"
	[hairpin]="Independent Mapping, Port Dependent Filter"
	[cgnat]="Independent Mapping, Port Dependent Filter"
	[udp-blocked]="Blocked"
)
[ -n "${want[$topo]:-}" ] || { echo "FAIL: unknown topology '$topo'" >&2; exit 1; }
read -r w_map w_filt w_hair w_classic w_nat w_pp <<<"${want[$topo]}"
public=203.0.113.2
[ "$topo" = no-nat ] && public=203.0.113.10

lab_start "$topo" --stun both

# $1: label, $2: server
check_verdict() {
	local label=$1 server=$2
	natctl_in client --json stun "$server"
	local out=$OUT
	check_eq "$label: exit status" "$RC" 0
	check_json "$label: classic" "$out" .classic "$w_classic"
	check_json "$label: mapping" "$out" .mapping "$w_map"
	check_json "$label: filtering" "$out" .filtering "$w_filt"
	check_json "$label: hairpinning" "$out" .hairpinning "$w_hair"
	check_json "$label: public address" "$out" .public.address "$public"
	[ "$w_nat" = - ] || check_json "$label: nat" "$out" .nat "$w_nat"
	[ "$w_pp" = - ] || check_json "$label: port_preserving" "$out" .port_preserving "$w_pp"
	if [ "$w_classic" != unknown ] && [ "$w_classic" != udp-blocked ]; then
		check_json "$label: no reasons when all is decided" "$out" '.reasons | length' 0
	fi
	check_json "$label: evidence lists the binding test" "$out" \
		'[.tests[] | select(.name == "binding")] | length > 0' true
}

check_verdict "coturn (RFC 5780)" 198.51.100.10
if [ "$topo" = udp-blocked ]; then
	check_json "udp-blocked: public address came over TCP" "$OUT" .transport tcp
	check_json "udp-blocked: explains itself" "$OUT" '.reasons | any(test("UDP blocked"))' true
	# stund has no TCP: nothing can be decided, within the deadline.
	natctl_in client --json --timeout 1 stun 198.51.100.20
	check_eq "udp-blocked, stund: nothing answered, exit 3" "$RC" 3
	check_json "udp-blocked, stund: no-answer" "$OUT" .error_code no-answer
	check_json "udp-blocked, stund: error says why" "$OUT" '.error | test("no response")' true
else
	check_verdict "stund (RFC 3489)" 198.51.100.20
fi

# The path (stun --path): the hops the lab is built with, and the layers.
declare -A hops=([no-nat]="" [cgnat]="192.168.77.1 private,100.64.0.1 cgnat")
declare -A layers=([no-nat]=0 [cgnat]=2)
w_hops=${hops[$topo]-192.168.77.1 private}
natctl_in client --json stun --path 198.51.100.10
if [ "$topo" = udp-blocked ]; then
	check_eq "path: the server never answers UDP: exit 3" "$RC" 3
	check_json "path: the gateway still answers TTL 1" "$OUT" '.path[0].address' 192.168.77.1
	check_json "path: layers unknown" "$OUT" '"\(.nat_layers) \(.error_code)"' "null no-answer"
else
	check_eq "path: exit 0" "$RC" 0
	check_json "path: the hops" "$OUT" '[.path[] | "\(.address) \(.class)"] | join(",")' "$w_hops"
	check_json "path: NAT layers" "$OUT" .nat_layers "${layers[$topo]-1}"
	check_json "path: the server answered at the next TTL" "$OUT" '.reached_ttl == (.path | length) + 1' true
	check_json "path: the public address" "$OUT" .public.address "$public"
	natctl_in client stun --path 198.51.100.10
	check "path, text: the last line counts the layers" grep -q \
		"^${layers[$topo]-1} NAT layer" <<<"$(tail -n 1 <<<"$OUT")"
fi

natctl_in client stun 198.51.100.10
first=$(head -n1 <<<"$OUT")
check "text: verdict first ($first)" grep -q "public $public:" <<<"$first"

# Independent cross-check of the network itself.
nd=$(in_ns client timeout 60 turnutils_natdiscovery -m -f 198.51.100.10 2>&1)
map=$(grep -o 'NAT with [A-Za-z ]* Mapping' <<<"$nd" | head -1 | sed 's/NAT with //')
filt=$(grep -o 'NAT with [A-Za-z ]* Filtering' <<<"$nd" | head -1 | sed 's/NAT with //')
check_eq "turnutils_natdiscovery agrees" "$map|$filt" "${natdiscovery[$topo]}"
classic=$(in_ns client timeout 60 stun 198.51.100.20 2>&1 | sed -n 's/^Primary: //p')
check "Vovida stun agrees ($classic)" test "${classic#"${vovida[$topo]}"}" != "$classic"

e2e_done
