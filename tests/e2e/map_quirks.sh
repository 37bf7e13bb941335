#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map against a gateway with the router quirks of the field (a fake
# one: miniupnpd shows none of them) and an external address in
# 100.64.0.0/10: 401 on AddAnyPortMapping, 725 on a lease, 724 on differing
# ports, SSDP answers from a random port, a NAT-PMP-only 5351; the mapping
# is made each time, with a warning per quirk and the double-NAT warning.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_quirks
lab_start port-restricted --stun none
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" quirks
FAKE_PID=$BG_PID

natctl_in client --json map --via upnp --any 8080:9090 tcp
out=$OUT
check_eq "upnp with three quirks: exit 0" "$RC" 0
check_json "method" "$out" .method upnp
check_json "external port fell back to the internal one (724)" "$out" .external.port 8080
check_json "permanent lease after 725" "$out" .lifetime 0
check_json "warning: 401 on AddAnyPortMapping" "$out" '.warnings | any(test("AddAnyPortMapping"))' true
check_json "warning: permanent leases only" "$out" '.warnings | any(test("only permanent"))' true
check_json "warning: 724 same port" "$out" '.warnings | any(test("same external and internal port"))' true
check_json "warning: double NAT (100.64/10)" "$out" \
	'.warnings | any(test("100.64.0.2 is carrier-grade NAT.*double NAT"))' true
check_json "external address as the IGD says" "$out" .external.address 100.64.0.2

natctl_in client map --via upnp 7000 udp
check_eq "text mode: exit 0" "$RC" 0
check "text: double NAT warning on stderr" grep -q "^natctl: map: warning: .*double NAT" "$ERR"
check "text: the result line on stdout" grep -q "^mapped udp 100.64.0.2:7000 -> 192.168.77.10:7000 via upnp" <<<"$OUT"

# --via pcp where only NAT-PMP answers: not "no gateway answered within 0.0 s".
natctl_in client --json map --via pcp 6000 udp
check_eq "--via pcp to a NAT-PMP gateway: exit 1" "$RC" 1
check_json "--via pcp to a NAT-PMP gateway: unsupported" "$OUT" .error_code unsupported
check "--via pcp to a NAT-PMP gateway: says so" grep -qx \
	"natctl: map: the gateway does not speak PCP (pcp: 192.168.77.1 speaks NAT-PMP, not PCP)" "$ERR"

# auto: PCP hears "unsupported version" (NAT-PMP only), so NAT-PMP maps
# (--no-cache: the run before left PCP absent in the gateway cache).
natctl_in client --json -v map --no-cache 6000 udp
out=$OUT
check_eq "auto: exit 0" "$RC" 0
check_json "auto falls back from PCP to NAT-PMP" "$out" .method natpmp
check "-v says PCP is not there" grep -q "pcp: 192.168.77.1 speaks NAT-PMP, not PCP" "$ERR"
check_json "NAT-PMP double NAT warning" "$out" '.warnings | any(test("double NAT"))' true

natctl_in client --json map --external
check_eq "--external: exit 0" "$RC" 0
check_json "--external by NAT-PMP and UPnP" "$OUT" '[.addresses[] | "\(.method)=\(.address)"] | join(",")' \
	"natpmp=100.64.0.2,upnp=100.64.0.2"
check_json "--external warns" "$OUT" '.warnings | length' 2

# --keep: the gateway restarts (its epoch goes back): natctl maps again at once.
keep_out=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" --json map --keep --via natpmp 6100 udp >"$keep_out" 2>&1 &
keep_pid=$!
E2E_PIDS+=("$keep_pid")
for ((i = 0; i < 60; i++)); do grep -q '"mapped"' "$keep_out" && break; sleep 0.05; done
sleep 0.2 # natctl listens for announcements right after printing "mapped"
kill -USR1 "$FAKE_PID"
for ((i = 0; i < 60; i++)); do grep -q '"remapped"' "$keep_out" && break; sleep 0.05; done
check "--keep: remapped at once after the gateway restarted" grep -q '"event":"remapped"' "$keep_out"
kill -TERM "$keep_pid"
wait "$keep_pid"
check_eq "--keep: exit 0 after SIGTERM" "$?" 0
check "--keep: deleted" grep -q '"event":"deleted"' "$keep_out"

natctl_in client --json map --via upnp --delete 8080
check_eq "delete on the fake IGD: exit 0" "$RC" 0
e2e_done
