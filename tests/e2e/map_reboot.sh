#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --keep through a gateway restart: miniupnpd (started without
# system_uptime, so its epoch starts again from 0) stops, the router forgets
# every rule and starts it again. Each of UPnP (its NOTIFY with a new
# BOOTID.UPNP.ORG), NAT-PMP and PCP (the epoch of its announcement) gives a
# remapped event, and a packet from the internet reaches the client again
# within 5 s of the restart.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_reboot
map_lab port-restricted --uptime no

# wait_line FILE PATTERN SECONDS: until a line of FILE matches.
wait_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# reaches_at PORT: through that port's own listener.
declare -A LOGS OUTS
reaches_at() { LISTEN_LOG=${LOGS[$1]} reaches tcp "$1"; }

# reaches_by PORT MS: forwarding again before now_ms passes MS.
reaches_by() {
	while [ "$(now_ms)" -lt "$2" ]; do
		reaches_at "$1" && return 0
	done
	return 1
}

for m in upnp:7401 natpmp:7402 pcp:7403; do
	port=${m#*:}
	listen client tcp "$port"
	LOGS[$port]=$LISTEN_LOG
	OUTS[$port]=$(mktemp)
	# 120 s: miniupnpd's min_lifetime; no renewal falls within the test.
	ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" map --keep --via "${m%:*}" --lifetime 120 \
		"$port" tcp >"${OUTS[$port]}" 2>/dev/null &
	E2E_PIDS+=($!)
	check "${m%:*}: kept" wait_line "${OUTS[$port]}" '^mapped tcp' 3
	check "${m%:*}: forwarding before the restart" reaches_at "$port"
done

# An epoch that went back by less than the clients' tolerance (RFC 6886
# section 3.6: 2 s, and 1/8 of the time elapsed) is no proof of a restart:
# the gateway must have been up a few seconds for the new epoch 0 to show.
sleep 3
lab_reboot "$LAB" || fail "lab.sh reboot"
deadline=$(($(now_ms) + 5000))
for m in upnp:7401 natpmp:7402 pcp:7403; do
	port=${m#*:}
	check "${m%:*}: forwarding again within 5 s of the restart" reaches_by "$port" "$deadline"
	check "${m%:*}: remapped event" \
		grep -q "^remapped tcp 203.0.113.2:$port -> 192.168.77.10:$port via ${m%:*}" "${OUTS[$port]}"
	check "${m%:*}: in the gateway's table again (upnpc)" upnpc_has TCP "$port" "192.168.77.10:$port"
done
e2e_done
