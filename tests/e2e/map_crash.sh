#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A natctl map --keep killed with SIGKILL leaves its mappings behind (UPnP,
# NAT-PMP and PCP alike); --list marks them as natctl's own, and
# natctl map --cleanup deletes each, says so and exits 0: the gateway's
# tables (upnpc -l, miniupnpd's nft rules and lease file) are empty and no
# packet from the internet arrives any more.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_crash
map_lab port-restricted
LEASES="$(lab_dir "$LAB")/upnp.leases"

# wait_line FILE PATTERN: until a line of FILE matches (up to 3 s).
wait_line() {
	local i
	for ((i = 0; i < 60; i++)); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# nft_dnat_rules: how many DNAT rules miniupnpd has in the router.
nft_dnat_rules() {
	in_ns router nft list table inet natctl_upnp | grep -c 'dnat'
}

# reaches_at PORT / blocked_at PORT: through that port's own listener.
declare -A LOGS
reaches_at() { LISTEN_LOG=${LOGS[$1]} reaches tcp "$1"; }
blocked_at() { LISTEN_LOG=${LOGS[$1]} blocked tcp "$1"; }

pids=()
for m in upnp:7301 natpmp:7302 pcp:7303; do
	port=${m#*:}
	listen client tcp "$port"
	LOGS[$port]=$LISTEN_LOG
	out=$(mktemp)
	ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" map --keep --via "${m%:*}" "$port" tcp \
		>"$out" 2>/dev/null &
	pids+=($!)
	E2E_PIDS+=($!)
	check "${m%:*}: kept" wait_line "$out" '^mapped tcp'
	check "${m%:*}: forwarding" reaches tcp "$port"
done
for pid in "${pids[@]}"; do
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
done
check "after SIGKILL, left behind: still forwarding (upnp)" reaches_at 7301
check "after SIGKILL, left behind: still forwarding (natpmp)" reaches_at 7302
check "after SIGKILL, left behind: still forwarding (pcp)" reaches_at 7303
check_eq "after SIGKILL: three DNAT rules in the router" "$(nft_dnat_rules)" 3

natctl_in client map --list
check_eq "--list: exit 0" "$RC" 0
check_eq "--list: three rows marked natctl's own (UPnP table)" \
	"$(grep -c '^tcp 203.0.113.2:730[123] .*(natctl.s own)$' <<<"$OUT")" 3
check "--list: the NAT-PMP one from natctl's state" \
	grep -q "^tcp port 7302 -> 192.168.77.10:7302 .*(natpmp, natctl's own, from its state)$" <<<"$OUT"
check "--list: the PCP one from natctl's state" \
	grep -q "^tcp port 7303 -> 192.168.77.10:7303 .*(pcp, natctl's own, from its state)$" <<<"$OUT"
natctl_in client --json map --list
check_json "--list --json: natctl's own rows" "$OUT" '[.mappings[] | select(.ours)] | length >= 3' true

natctl_in client --json map --cleanup
check_eq "--cleanup: exit 0" "$RC" 0
check_json "--cleanup: operation" "$OUT" '"\(.operation) \(.succeeded) \(.failed)"' "cleanup 3 0"
check_json "--cleanup: three deleted, each reported" "$OUT" \
	'[.mappings[] | select(.error == null) | "\(.method) \(.internal.port)"] | sort | join(",")' \
	"natpmp 7302,pcp 7303,upnp 7301"
check_eq "--cleanup: upnpc -l lists nothing" "$(upnpc_list | wc -l)" 0
check_eq "--cleanup: no DNAT rule left in the router" "$(nft_dnat_rules)" 0
check_eq "--cleanup: miniupnpd's lease file empty" "$(wc -l <"$LEASES")" 0
for port in 7301 7302 7303; do
	check "--cleanup: $port no longer forwarding" blocked_at "$port"
done
natctl_in client map --cleanup
check_eq "--cleanup again: nothing of ours left, exit 0" "$RC" 0
check_eq "--cleanup again: nothing to say" "$OUT" ""
e2e_done
