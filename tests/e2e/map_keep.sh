#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --keep: one JSON object per event, renewals at half the
# lifetime, and on SIGTERM (or SIGINT) the mapping deleted before exit 0.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_keep
map_lab port-restricted

# keep_start NAME ARGS...: natctl --keep in the client, output in $KEEP_OUT.
keep_start() {
	KEEP_OUT=$(mktemp)
	KEEP_ERR=$(mktemp)
	ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" "$@" >"$KEEP_OUT" 2>"$KEEP_ERR" &
	KEEP_PID=$!
	E2E_PIDS+=("$KEEP_PID")
}

listen client udp 7777
# UPnP takes short leases (miniupnpd's min_lifetime binds NAT-PMP and PCP only).
keep_start --json map --keep --via upnp --lifetime 2 7777 udp
check "mapped event" wait_line "$KEEP_OUT" '"event":"mapped"' 3
check "renewed at half the lifetime" wait_line "$KEEP_OUT" '"event":"renewed"' 3
check "still forwarding after renewals" reaches udp 7777
kill -TERM "$KEEP_PID"
wait "$KEEP_PID"
rc=$?
check_eq "SIGTERM: exit 0" "$rc" 0
check "deleted event last" bash -c "tail -n 1 '$KEEP_OUT' | grep -q '\"event\":\"deleted\"'"
check "every line is one JSON object" bash -c "jq -e -s 'length >= 3 and all(has(\"event\") and has(\"method\") and has(\"external\"))' '$KEEP_OUT' >/dev/null"
check_schema_lines "--keep --json" map-event "$KEEP_OUT"
check "each event has its UTC time, to the millisecond" bash -c "jq -e -s 'all(.time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$\"))' '$KEEP_OUT' >/dev/null"
check "gone from the gateway (upnpc)" upnpc_lacks UDP 7777
check "no longer forwarding" blocked udp 7777
check_eq "nothing on stderr" "$(cat "$KEEP_ERR")" ""

listen client tcp 8443
keep_start map --keep --via pcp 8443 tcp
check "text: mapped line" wait_line "$KEEP_OUT" '^mapped tcp 203.0.113.2:8443 -> 192.168.77.10:8443 via pcp' 3
check "forwarding while kept" reaches tcp 8443
kill -INT "$KEEP_PID"
wait "$KEEP_PID"
rc=$?
check_eq "SIGINT: exit 0" "$rc" 0
check "text: deleted line" grep -q '^deleted tcp 203.0.113.2:8443 -> 192.168.77.10:8443 via pcp' "$KEEP_OUT"
check "gone (upnpc)" upnpc_lacks TCP 8443
check "TCP refused after the signal" blocked tcp 8443

keep_start map --keep --via natpmp 8444 tcp
check "natpmp kept" wait_line "$KEEP_OUT" '^mapped tcp' 3
kill -HUP "$KEEP_PID"
wait "$KEEP_PID"
check_eq "SIGHUP: exit 0" "$?" 0
check "gone after SIGHUP (upnpc)" upnpc_lacks TCP 8444

# -q: nothing on stdout while all goes well; the exit status still says so.
keep_start -q map --keep --via pcp 8445 tcp
sleep 0.5
kill -TERM "$KEEP_PID"
wait "$KEEP_PID"
check_eq "-q: exit 0" "$?" 0
check_eq "-q: nothing on stdout" "$(cat "$KEEP_OUT")" ""
check_eq "-q: nothing on stderr" "$(cat "$KEEP_ERR")" ""
check "-q: still deleted (upnpc)" upnpc_lacks TCP 8445
e2e_done
