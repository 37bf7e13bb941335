#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A port range and both transports in one run against miniupnpd:
# natctl map --keep 9000-9015 both holds all 32 mappings (miniupnpd's rules,
# its lease file and upnpc -l show each, a few forward for real), and deletes
# every one on SIGTERM; a range mapped without --keep goes again with
# --delete of the same range.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_range
map_lab port-restricted
LEASES="$(lab_dir "$LAB")/upnp.leases"

# nft_dnat_rules: how many DNAT rules miniupnpd has in the router.
nft_dnat_rules() {
	in_ns router nft list table inet natctl_upnp | grep -c 'dnat'
}

# wait_count FILE PATTERN N SECONDS: until N lines of FILE match.
wait_count() {
	local i
	for ((i = 0; i < $4 * 10; i++)); do
		[ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

declare -A LOGS
reaches_at() { LISTEN_LOG=${LOGS[$1$2]} reaches "$1" "$2"; }
blocked_at() { LISTEN_LOG=${LOGS[$1$2]} blocked "$1" "$2"; }
for spot in tcp:9000 udp:9007 tcp:9015; do
	listen client "${spot%:*}" "${spot#*:}"
	LOGS[${spot%:*}${spot#*:}]=$LISTEN_LOG
done

KEEP_OUT=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" -t 30 map --keep --via upnp 9000-9015 both \
	>"$KEEP_OUT" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
check "--keep 9000-9015 both: 32 mapped events" wait_count "$KEEP_OUT" '^mapped ' 32 30
check_eq "--keep: 16 tcp and 16 udp" \
	"$(grep '^mapped ' "$KEEP_OUT" | cut -d' ' -f2 | sort | uniq -c | tr -s ' ' | xargs)" \
	"16 tcp 16 udp"
check_eq "--keep: 32 DNAT rules in the router" "$(nft_dnat_rules)" 32
check_eq "--keep: 32 leases in miniupnpd's file" "$(wc -l <"$LEASES")" 32
check_eq "--keep: upnpc -l lists 32, all to this host" \
	"$(upnpc_list | grep -cE ' (TCP|UDP) +90(0[0-9]|1[0-5])->192.168.77.10:90(0[0-9]|1[0-5]) ')" 32
check "--keep: tcp 9000 forwards" reaches_at tcp 9000
check "--keep: udp 9007 forwards" reaches_at udp 9007
check "--keep: tcp 9015 forwards" reaches_at tcp 9015
kill -TERM "$KEEP_PID"
rc=0
wait "$KEEP_PID" || rc=$?
check_eq "--keep: exit 0 on SIGTERM" "$rc" 0
check_eq "--keep: 32 deleted events" "$(grep -c '^deleted ' "$KEEP_OUT")" 32
check_eq "--keep: no DNAT rule left" "$(nft_dnat_rules)" 0
check_eq "--keep: upnpc -l lists nothing" "$(upnpc_list | wc -l)" 0
check "--keep: tcp 9000 no longer forwards" blocked_at tcp 9000
check "--keep: udp 9007 no longer forwards" blocked_at udp 9007

natctl_in client -t 20 --json map --via upnp 9000-9003 both
check_eq "map 9000-9003 both: exit 0" "$RC" 0
check_json "map 9000-9003 both: 8 succeeded" "$OUT" '"\(.operation) \(.succeeded) \(.failed)"' "map 8 0"
check_eq "map 9000-9003 both: 8 DNAT rules" "$(nft_dnat_rules)" 8
check "map 9000-9003 both: tcp 9000 forwards" reaches_at tcp 9000
natctl_in client -t 20 --json map --delete --via upnp 9000-9003 both
check_eq "--delete 9000-9003 both: exit 0" "$RC" 0
check_json "--delete 9000-9003 both: 8 deleted" "$OUT" '"\(.operation) \(.succeeded) \(.failed)"' "delete 8 0"
check_eq "--delete: no DNAT rule left" "$(nft_dnat_rules)" 0
check_eq "--delete: miniupnpd's lease file empty" "$(wc -l <"$LEASES")" 0
check "--delete: tcp 9000 no longer forwards" blocked_at tcp 9000
e2e_done
