#!/usr/bin/env bash
# Cross-check every lab topology with independent tools (not natctl):
# coturn's turnutils_natdiscovery (RFC 5780) against coturn on 198.51.100.10,
# and Vovida's 'stun' (RFC 3489 classic type) against stund on 198.51.100.20
# (lab started with --stun both).  Prints one summary line per topology, and
# exits 1 if a result differs from the expected one.
#   tests/net/verify-topologies.sh [TOPOLOGY...]
# Takes about 15-20 s per topology (the tools wait for their own timeouts).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/lab.sh
"$lab" check >/dev/null || { echo "skip: $("$lab" check)"; exit 77; }

# topology -> expected "mapping|filtering|hairpin|classic"
declare -A want=(
    [port-restricted]="Endpoint Independent Mapping|Address and Port Dependent Filtering|no|Independent Mapping, Port Dependent Filter"
    [symmetric]="Address and Port Dependent Mapping|Address and Port Dependent Filtering|no|Dependent Mapping"
    [full-cone]="Endpoint Independent Mapping|Endpoint Independent Filtering|no|Independent Mapping, Independent Filter"
    [restricted]="Endpoint Independent Mapping|Address Dependent Filtering|no|Independent Mapping, Address Dependent Filter"
    [no-nat]="Endpoint Independent Mapping|Endpoint Independent Filtering|yes|Open"
    [udp-blocked]="-|-|no|Blocked"
    [hairpin]="Endpoint Independent Mapping|Address and Port Dependent Filtering|yes|Independent Mapping, Port Dependent Filter, preserves ports, will hairpin"
    [cgnat]="Endpoint Independent Mapping|Address and Port Dependent Filtering|no|Independent Mapping, Port Dependent Filter"
)
topos=("$@")
[ ${#topos[@]} -gt 0 ] || topos=(port-restricted symmetric full-cone restricted no-nat udp-blocked hairpin cgnat)
id=vt$$
fail=0
trap '"$lab" down "$id"' EXIT
for t in "${topos[@]}"; do
    "$lab" up "$id" "$t" --stun both || { echo "$t: up failed"; fail=1; continue; }
    nd=$("$lab" exec "$id" client timeout 40 turnutils_natdiscovery -m -f -H 198.51.100.10 2>&1)
    map=$(grep -o 'NAT with [A-Za-z ]* Mapping' <<<"$nd" | head -1 | sed 's/NAT with //')
    filt=$(grep -o 'NAT with [A-Za-z ]* Filtering' <<<"$nd" | head -1 | sed 's/NAT with //')
    hp=no; grep -q 'successful hairpinning' <<<"$nd" && hp=yes
    classic=$("$lab" exec "$id" client timeout 40 stun 198.51.100.20 2>&1 | sed -n 's/^Primary: //p' | sed 's/[[:space:]]*$//')
    IFS='|' read -r wm wf wh wc <<<"${want[$t]}"
    ok=OK
    [ "${map:--}" = "$wm" ] || ok=FAIL
    [ "${filt:--}" = "$wf" ] || ok=FAIL
    [ "$hp" = "$wh" ] || ok=FAIL
    [[ "$classic" == "$wc"* ]] || ok=FAIL
    [ "$ok" = OK ] || fail=1
    printf '%-15s %-4s natdiscovery: mapping=%s; filtering=%s; hairpin=%s | stun: %s\n' \
        "$t" "$ok" "${map:--}" "${filt:--}" "$hp" "$classic"
    "$lab" down "$id"
done
exit "$fail"
