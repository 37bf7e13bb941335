#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map against answers anyone on the LAN could forge from the
# gateway's address: PCP header-only errors (NOT_AUTHORIZED; a
# MALFORMED_REQUEST that does not name us) and answers with a wrong nonce,
# NAT-PMP answers of another version, opcode or internal port, junk. Alone
# they get "no answer" by the deadline and no mapping; before a genuine
# answer they change nothing. Then, during map --keep, a flood of spoofed
# announcements of a restart: at most one renewal comes of it.
. "$(dirname "$0")/lib.sh"
e2e_init map_forged
lab_start port-restricted --stun none

# gateway MODE: (re)starts the fake gateway; its output is in $GW_LOG.
GW_PID=""
GW_LOG=$(mktemp)
gateway() {
	local i
	[ -n "$GW_PID" ] && { kill "$GW_PID" 2>/dev/null; wait "$GW_PID" 2>/dev/null; }
	: >"$GW_LOG"
	ip netns exec "$(lab_ns "$LAB" router)" python3 "$E2E_DIR/fake_gateway.py" "$1" >"$GW_LOG" 2>&1 &
	GW_PID=$!
	E2E_PIDS+=("$GW_PID")
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$GW_LOG" && return 0
		sleep 0.05
	done
	printf 'FAIL: fake_gateway.py %s did not get ready\n' "$1" >&2
	exit 1
}

# text_only FILE: printable ASCII and newlines only.
text_only() {
	! LC_ALL=C grep -qaP '[^\x20-\x7e]' "$1"
}

gateway forged
for via in pcp natpmp; do
	natctl_in client --json -v --timeout 1 map --via "$via" 8080 tcp
	took=$TOOK_MS
	check_eq "$via, forged answers only: exit 1" "$RC" 1
	check "$via: ends by the 1 s deadline (took ${took} ms)" test "$took" -le 1100
	check_json "$via: says no valid answer came, and what was dropped" "$OUT" \
		".errors[] | select(.method == \"$via\") | .error | test(\"^no valid answer within the deadline: [0-9]+ answers dropped \\\\(the last: .+\\\\)$\")" true
	check_json "$via: no mapping claimed" "$OUT" \
		'.external.address == null and .method == null and .lifetime == null' true
	check_json "$via: the error line" "$OUT" '.error | length > 0' true
done
natctl_in client -v --timeout 1 map --via pcp 8080 tcp
check "pcp: -v: header-only NOT_AUTHORIZED dropped" grep -q "pcp: <- .* dropped 24 bytes: error without the MAP payload" "$ERR"
check "pcp: -v: MALFORMED_REQUEST not naming us dropped" grep -q "pcp: <- .* dropped 24 bytes: header-only error that does not name our address" "$ERR"
check "pcp: -v: a wrong nonce dropped" grep -q "pcp: <- .* dropped 60 bytes: mapping nonce differs" "$ERR"
check "pcp: -v: nothing accepted" bash -c "! grep -q 'MAP response' '$ERR'"
check "pcp: text: stderr is plain text" text_only "$ERR"
natctl_in client -v --timeout 1 map --via natpmp 8080 tcp
check "natpmp: -v: another version dropped" grep -q "natpmp: <- .* dropped .*not NAT-PMP version 0" "$ERR"
check "natpmp: -v: another opcode dropped" grep -q "natpmp: <- .* dropped .*opcode does not answer" "$ERR"
check "natpmp: -v: another internal port dropped" grep -q "natpmp: <- .* dropped .*another internal port" "$ERR"
check "natpmp: -v: a truncated answer dropped" grep -q "natpmp: <- .* dropped .*too short" "$ERR"

natctl_in client --timeout 1.5 map 8080 tcp
took=$TOOK_MS
check_eq "auto, forged answers only: exit 1" "$RC" 1
check "auto: ends by the 1.5 s deadline (took ${took} ms)" test "$took" -le 1600
check_eq "auto: one line on stderr" "$(wc -l <"$ERR")" 1
check_eq "auto: nothing on stdout" "$OUT" ""

# The genuine answer after the forgeries: it alone counts.
gateway forged-then-real
natctl_in client --json --timeout 1 map --via pcp 8080 tcp
check_eq "pcp, forged then real: exit 0" "$RC" 0
check_json "pcp: mapped by the genuine answer" "$OUT" \
	'"\(.method) \(.external.address):\(.external.port) \(.lifetime)"' "pcp 100.64.0.2:8080 7200"
natctl_in client --json --timeout 1 map --via natpmp 8081 udp
check_eq "natpmp, forged then real: exit 0" "$RC" 0
check_json "natpmp: mapped by the genuine answer" "$OUT" \
	'"\(.method) \(.external.port)"' "natpmp 8081"

# A flood of spoofed restart announcements while a mapping is kept.
keep_out=$(mktemp)
keep_err=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" --json -v map --keep --via pcp 8090 udp \
	>"$keep_out" 2>"$keep_err" &
keep_pid=$!
E2E_PIDS+=("$keep_pid")
for ((i = 0; i < 60; i++)); do grep -q '"mapped"' "$keep_out" && break; sleep 0.05; done
check "--keep: mapped" grep -q '"event":"mapped"' "$keep_out"
sleep 0.2 # natctl listens for announcements right after printing "mapped"
requests_before=$(grep -c '^pcp map' "$GW_LOG")
kill -USR2 "$GW_PID"
for ((i = 0; i < 80; i++)); do grep -q 'flood done' "$GW_LOG" && break; sleep 0.05; done
check "the gateway sent its 40 spoofed announcements" grep -q 'flood done' "$GW_LOG"
sleep 0.5
requests=$(($(grep -c '^pcp map' "$GW_LOG") - requests_before))
check_eq "--keep: one renewal for the whole flood" "$(grep -c '"event":"remapped"' "$keep_out")" 1
check_eq "--keep: one MAP request reached the gateway" "$requests" 1
check "--keep: -v: the rest ignored" grep -q "inconsistent, ignored" "$keep_err"
kill -TERM "$keep_pid"
wait "$keep_pid"
check_eq "--keep: exit 0 after SIGTERM" "$?" 0
check "--keep: deleted" grep -q '"event":"deleted"' "$keep_out"
check "--keep: stdout is plain text" text_only "$keep_out"
rm -f "$keep_out" "$keep_err" "$GW_LOG"
e2e_done
