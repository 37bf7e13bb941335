#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl against hostile UPnP peers on the LAN (tests/e2e/fake_igd.py):
# terminal escapes in every UPnP string natctl can print, a control URL on
# another host, more LOCATIONs than natctl keeps, a host that is not the
# gateway answering the search. Each run: the exit status, a clear message,
# no mapping claimed, no control byte on stdout or stderr (text, --json,
# -v), and the end by the deadline (+0.1 s).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
. "$E2E_DIR/hostile.bash"
e2e_init map_hostile_upnp
trap 'hostile_cleanup; e2e_cleanup' EXIT
# coturn answers probe's STUN at once, so its test mappings get their time.
lab_start port-restricted
FAKE=$E2E_DIR/fake_igd.py
FAKE_PID=""

# fake MODE [options]: the fake IGD on the router in MODE (the previous one ended first).
fake() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	start_bg router ready python3 "$FAKE" "$@"
	FAKE_PID=$BG_PID
}

# fails WHAT SECONDS [STATUS]: exit STATUS (1 unless said), no mapping on
# stdout, the terminal clean, by the deadline.
fails() {
	check_eq "$1: exit ${3:-1}" "$RC" "${3:-1}"
	check "$1: no mapping claimed" test -z "$(grep -E '^(mapped|renewed)' "$OUTF")"
	check_terminal "$1"
	check_by_deadline "$1" "$2"
}

# ---- escapes in every string: SSDP, description, SOAP answers and faults
fake escapes
natctl_timed client -v --timeout 2 map --via upnp 8080 tcp
fails "718, text, -v" 2 4 # conflict
check_err "718 names the holder, sanitised" \
	'^natctl: map: upnp: external port 8080/tcp is held by \?\]0;x\?\?\?\?\?\[2J:8080 \("\?\[2J\?\]0;pwned\?\?1m\?\?2m\?\?\?\?game"\) \(718 ConflictInMappingEntry\)$'
check_err "-v: the SERVER and ST headers, sanitised" 'SSDP answer: ST urn:schemas-upnp-org:device:InternetGatewayDevice:[12]\?\[2J.* SERVER \?\[2J'
check_err "-v: the LOCATION with an escape dropped" 'dropped SSDP answer: LOCATION is not'
check_err "-v: the service type and external address, sanitised" \
	'IGD http://192\.168\.77\.1:5000/rootDesc\.xml: service urn:schemas-upnp-org:service:WANIPConnection:2\?\[2J.*external address \?\[2J'

natctl_timed client --json -v --timeout 2 map --via upnp 8080 tcp
fails "718, --json -v" 2 4
check_json "718, --json: error_code conflict" "$OUT" .error_code conflict
check_json "718, --json: the error names the holder" "$OUT" '.error | test("held by [?]]0;x")' true
check_json "718, --json: no lifetime" "$OUT" .lifetime null

natctl_timed client --timeout 2 map --via upnp --delete 8080 tcp
fails "--delete" 2 4 # another host's: conflict
check_err "--delete: not this host's, sanitised" \
	'8080/tcp points at \?\]0;x.*:8080 \("\?\[2J\?\]0;pwned.*game"\), not this host; --force deletes it$'
natctl_timed client --json --timeout 2 map --via upnp --delete 8080 tcp
fails "--delete --json" 2 4

natctl_timed client --timeout 2 map --via upnp --list
check_eq "--list: exit 0" "$RC" 0
check_terminal "--list text"
check_by_deadline "--list text" 2
check "--list text: the entry, its description sanitised" grep -q '^tcp port 8080 -> 192.168.77.10:8080 .*"?\[2J?\]0;pwned??1m??2m????game"$' "$OUTF"
natctl_timed client --json --timeout 2 map --via upnp --list
# The JSON writer escapes C0 and C1 controls (U+009B among them).
check_terminal "--list --json (C1 escaped by the JSON writer)"
check_json "--list --json: the description escaped, byte for byte" "$OUT" \
	'.mappings[0].description | explode | map(select(. < 32 or (. >= 127 and . < 160))) | length > 0' true

natctl_timed client -v --timeout 3 probe --stun 198.51.100.10 --test-mapping
check_eq "probe --test-mapping: exit 0" "$RC" 0
check_terminal "probe --test-mapping, text -v"
check_by_deadline "probe --test-mapping" 3
check "probe: the refusal, sanitised" grep -q 'test mapping refused: external port [0-9]*/udp is held by ?\]0;x' "$OUTF"
natctl_timed client --json --timeout 3 probe --stun 198.51.100.10 --test-mapping
check_terminal "probe --test-mapping --json"
check_json "probe --json: UPnP refused the test mapping" "$OUT" '.upnp.test_mapping.accepted' false

# --keep: mapped once (port 9090), then every renewal is refused with 718;
# on SIGTERM the delete is refused too (the holder is "another host").
KEEP_OUT=$(mktemp)
KEEP_ERR=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" map --keep --via upnp --lifetime 2 9090 tcp \
	>"$KEEP_OUT" 2>"$KEEP_ERR" &
keep_pid=$!
E2E_PIDS+=("$keep_pid")
for ((i = 0; i < 60; i++)); do
	grep -q '^renew-failed' "$KEEP_OUT" && break
	sleep 0.05
done
kill -TERM "$keep_pid"
wait "$keep_pid"
check_eq "--keep: exit 4 (the delete refused: another host's)" "$?" 4
check "--keep: a renew-failed line, sanitised" grep -q '^renew-failed tcp .* via upnp: .*external port 9090/tcp is held by ?\]0;x?????\[2J:8080' "$KEEP_OUT"
check "--keep: stdout clean" clean_bytes "$KEEP_OUT"
check "--keep: stderr clean" clean_bytes "$KEEP_ERR"
rm -f "$KEEP_OUT" "$KEEP_ERR"

# ---- a control URL on another host: no request reaches it
COUNT_LOG=$(mktemp)
start_bg client2 ready python3 "$FAKE" counter --addr 192.168.77.11 --log "$COUNT_LOG"
counter_pid=$BG_PID
for mode in foreign-control foreign-base; do
	fake "$mode"
	natctl_timed client -v --timeout 1.5 map --via upnp 8080 tcp
	fails "$mode" 1.5
	check_err "$mode: says why" \
		"^natctl: map: .*upnp: http://192\.168\.77\.1:5000/rootDesc\.xml: no usable IGD description: its control URL http://192\.168\.77\.11:5000/ctl/IPConn is not on the LOCATION's host\)$"
	natctl_timed client --json --timeout 1.5 probe --stun 198.51.100.10 --test-mapping
	check_json "$mode: probe sees no IGD" "$OUT" .upnp.available false
	check_eq "$mode: no connection to 192.168.77.11" "$(wc -l <"$COUNT_LOG")" 0
done

# ---- six LOCATIONs: four kept (the first, then the next three at once), all unusable
fake many
natctl_timed client -v --timeout 1.5 map --via upnp 8080 tcp
fails "many LOCATIONs" 1.5
check_err "many: the last failure named" \
	'^natctl: map: .*upnp: http://192\.168\.77\.1:5000/missing\.xml: no usable IGD description: HTTP status 404\)$'
check_err "many: -v: the first LOCATION refused" '5001/rootDesc.xml: no usable IGD description .*Connection refused'
check_err "many: -v: answers past the fourth dropped" 'dropped SSDP answer: LOCATION http://192\.168\.77\.1:5004/rootDesc\.xml: enough answers as good are kept'
check "many: the fifth and sixth never asked" bash -c "! grep -Eq ':500[45]/rootDesc.xml: no usable' '$ERR'"
natctl_timed client --json --timeout 1.5 map --via upnp 8080 tcp
fails "many LOCATIONs, --json" 1.5

# ---- another host answers the search too: the gateway's answer is used,
# the other host's only when the gateway gives none
fake sound
: >"$COUNT_LOG"
kill "$counter_pid"
wait "$counter_pid" 2>/dev/null
start_bg client2 ready python3 "$FAKE" rogue --addr 192.168.77.11 --log "$COUNT_LOG"
natctl_timed client --timeout 2 map --via upnp 8080 tcp
check_eq "rogue host: mapped through the gateway, exit 0" "$RC" 0
check "rogue host: the mapping is the gateway's" grep -q '^mapped tcp .* via upnp (gateway 192.168.77.1)' "$OUTF"
check_eq "rogue host: no connection to it" "$(wc -l <"$COUNT_LOG")" 0
check_by_deadline "rogue host" 2
kill "$FAKE_PID"
wait "$FAKE_PID" 2>/dev/null
FAKE_PID=""
natctl_timed client -v --timeout 3 map --via upnp 8080 tcp
check_eq "gateway silent: the other host's IGD used, exit 0" "$RC" 0
check_err "gateway silent: -v shows the other host's IGD" 'upnp: IGD http://192\.168\.77\.11:5000/rootDesc\.xml'
check_by_deadline "gateway silent" 3
rm -f "$COUNT_LOG"
e2e_done
