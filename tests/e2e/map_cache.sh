#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The gateway cache: a first map writes what discovery learnt; the next ones
# (map, --delete, --list, --external, probe) go straight to the cached IGD,
# with no SSDP search (asserted on the -v trace, not by time). A cached IGD
# that fails is searched for afresh and the entry refreshed: its control URL
# moved (404), its service changed (401), miniupnpd restarted on another
# HTTP port (connection refused). Another router at the same address
# (another MAC) never gets this one's entry; --no-cache neither reads nor
# writes it; a corrupt entry is replaced.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_cache
map_lab port-restricted

CACHE=$XDG_CACHE_HOME/natctl
DIR=$(lab_dir "$LAB")

router_mac() { in_ns router cat /sys/class/net/br-lan/address; }
entry_of() { printf '%s/gateway-192.168.77.1-%s' "$CACHE" "$(tr : - <<<"$1")"; }
ENTRY=$(entry_of "$(router_mac)")

searched() { grep -q 'M-SEARCH' "$ERR"; }
not_searched() { ! searched; }
no_write() { ! grep -qE 'cache: (wrote|refreshed)' "$ERR"; }
# upnpc_at PORT PROTO EXT INTERNAL: the IGD on HTTP port PORT has the mapping.
upnpc_at() {
	in_ns client upnpc -u "http://192.168.77.1:$1/rootDesc.xml" -l 2>/dev/null |
		grep -qE " $2 +$3->$4 "
}

# stop_pid PID: ends a process of this test's lab and waits until it is gone.
stop_pid() {
	local i
	kill "$1" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.02
	done
	kill -KILL "$1" 2>/dev/null
}

# --- cold, then warm -------------------------------------------------------
natctl_in client -v map --via upnp 7001 udp
check_eq "cold: exit 0" "$RC" 0
check "cold: SSDP searched" searched
check "cold: -v says the entry was written" grep -q \
	"cache: wrote $ENTRY: pcp unknown, natpmp unknown, upnp yes (IGD http://192.168.77.1:5000/rootDesc.xml)" "$ERR"
check_eq "the entry is private (0600)" "$(stat -c %a "$ENTRY")" 600
check_eq "the entry names the gateway and its MAC" "$(sed -n 2p "$ENTRY")" \
	"gateway 192.168.77.1 $(router_mac)"
check "the entry holds the control URL and service" bash -c \
	"grep -qx 'upnp-control /ctl/IPConn' '$ENTRY' &&
	 grep -qx 'upnp-service urn:schemas-upnp-org:service:WANIPConnection:2' '$ENTRY'"

natctl_in client -v map --via upnp 7002 udp
check_eq "warm: exit 0" "$RC" 0
check "warm: -v says the cache was used" grep -q "cache: $ENTRY: .*upnp yes" "$ERR"
check "warm: straight to the cached IGD" grep -q \
	"upnp: -> the cached IGD http://192.168.77.1:5000/rootDesc.xml (no SSDP search)" "$ERR"
check "warm: no SSDP search" not_searched
check "warm: nothing new, nothing written" no_write
check "warm: the mapping is there (upnpc)" upnpc_at 5000 UDP 7002 192.168.77.10:7002
check "warm: the external address is known" grep -q "^mapped udp 203.0.113.2:7002 " <<<"$OUT"

# --- the same cache serves --delete, --list, --external and probe ----------
natctl_in client -v -j map --via upnp --delete 7001 udp
check_json "warm --delete" "$OUT" '.deleted_by | join(",")' upnp
check "warm --delete: no SSDP search" not_searched
natctl_in client -v -j map --list
check_json "warm --list" "$OUT" '[.mappings[].external.port] | join(",")' 7002
check "warm --list: no SSDP search" not_searched
natctl_in client -v -j map --external
check_json "warm --external: UPnP's address" "$OUT" \
	'.addresses[] | select(.method == "upnp") | .address' 203.0.113.2
check "warm --external: no SSDP search" not_searched
check "--external learnt PCP and NAT-PMP: refreshed" grep -q \
	"cache: refreshed $ENTRY: pcp yes, natpmp yes, upnp yes" "$ERR"
natctl_in client -v -j probe --stun 198.51.100.10
check_json "warm probe: UPnP there, IGD v2, connected" "$OUT" \
	'"\(.upnp.available) \(.upnp.igd_version) \(.upnp.connected)"' "true 2 true"
check "warm probe: no SSDP search" not_searched
natctl_in client -v map 7010 tcp
check "auto: PCP, which the cache says answers, is used" grep -q "^mapped tcp 203.0.113.2:7010 .* via pcp " <<<"$OUT"

# --- a stale entry: the control URL moved (404) ----------------------------
read -r lab_pid _ <"$DIR/miniupnpd.lpid"
stop_pid "$lab_pid"
start_bg router ready python3 "$E2E_DIR/fake_igd.py" moved
fake=$BG_PID
natctl_in client -v map --via upnp 7020 udp
check_eq "control URL moved (404): still mapped, exit 0" "$RC" 0
check_eq "404: the cached IGD failed once" "$(grep -c 'the cached IGD .* failed' "$ERR")" 1
check "404: then searched" searched
check "404: refreshed with the new control URL" grep -qx "upnp-control /ctl/Moved" "$ENTRY"
stop_pid "$fake"

# --- a stale entry: another service at that URL (401 Invalid Action) -------
start_bg router ready python3 "$E2E_DIR/fake_igd.py" v1
fake=$BG_PID
natctl_in client -v map --via upnp 7021 udp
check_eq "service changed (401): still mapped, exit 0" "$RC" 0
check "401: the cached IGD failed" grep -q "the cached IGD .* failed (.*401" "$ERR"
check "401: refreshed: IGD v1" bash -c "grep -qx 'upnp-igd 1' '$ENTRY' &&
	grep -qx 'upnp-service urn:schemas-upnp-org:service:WANIPConnection:1' '$ENTRY'"
stop_pid "$fake"

# --- a stale entry: miniupnpd restarted on another HTTP port ---------------
sed -e 's/^http_port=.*/http_port=5001/' -e "s|^lease_file=.*|lease_file=$DIR/upnp2.leases|" \
	"$DIR/miniupnpd.conf" >"$DIR/miniupnpd2.conf"
start_bg router "HTTP listening on port 5001" miniupnpd -d -f "$DIR/miniupnpd2.conf" \
	-P "$DIR/miniupnpd2.pid"
natctl_in client -v map --via upnp 7030 udp
check_eq "restarted on port 5001: mapped, exit 0" "$RC" 0
check_eq "port 5001: one failed connection to the cached IGD" \
	"$(grep -c 'the cached IGD .* failed' "$ERR")" 1
check "port 5001: then searched" searched
check "port 5001: -v says it was refreshed" grep -q \
	"cache: refreshed $ENTRY: .*IGD http://192.168.77.1:5001/rootDesc.xml" "$ERR"
check "port 5001: mapped there (upnpc)" upnpc_at 5001 UDP 7030 192.168.77.10:7030
natctl_in client -v map --via upnp 7031 udp
check_eq "port 5001, warm again: exit 0" "$RC" 0
check "port 5001, warm again: no SSDP search" not_searched
check "port 5001, warm again: the new IGD" grep -q \
	"upnp: -> the cached IGD http://192.168.77.1:5001/rootDesc.xml" "$ERR"

# --- another network: the same address, another router (MAC) --------------
cp "$ENTRY" "$DIR/entry.before"
in_ns router ip link set br-lan address 02:00:5e:00:13:13
# The client learns the new MAC (a datagram to the gateway resolves it).
in_ns client ip neigh flush dev eth0
in_ns client python3 -c 'import socket; socket.socket(2, 2).sendto(b"x", ("192.168.77.1", 9))'
for ((i = 0; i < 50; i++)); do
	in_ns client ip neigh show 192.168.77.1 | grep -q "lladdr 02:00:5e:00:13:13" && break
	sleep 0.02
done
natctl_in client -v map --via upnp 7040 udp
check_eq "another MAC: mapped, exit 0" "$RC" 0
check "another MAC: nothing cached for it (read at the start)" grep -q \
	"\] cache: nothing yet for this gateway ($(entry_of 02:00:5e:00:13:13))" "$ERR"
check "another MAC: the MAC was known from the start" bash -c "! grep -q 'no MAC yet' '$ERR'"
check "another MAC: searched" searched
check "another MAC: an entry of its own" test -f "$(entry_of 02:00:5e:00:13:13)"
check "the first router's entry is untouched" cmp -s "$ENTRY" "$DIR/entry.before"

# --- --no-cache: neither read nor written ----------------------------------
snapshot() { (cd "$CACHE" && for f in *; do printf '%s ' "$f"; md5sum <"$f"; done); }
before=$(snapshot)
natctl_in client -v map --no-cache --via upnp 7050 udp
check_eq "--no-cache: exit 0" "$RC" 0
check "--no-cache: -v says so" grep -q "cache: not used (--no-cache)" "$ERR"
check "--no-cache: searched" searched
check "--no-cache: nothing written" no_write
check_eq "--no-cache: the cache as it was" "$(snapshot)" "$before"
natctl_in client -v probe --no-cache --stun 198.51.100.10
check "probe --no-cache: searched" searched

# --- a corrupt entry is not used, and replaced ------------------------------
NEW=$(entry_of 02:00:5e:00:13:13)
printf 'natctl-gateway-cache 1\ngateway 192.168.77.1 02:00:5e:00:13:13\nupnp-control /x\n' >"$NEW"
natctl_in client -v map --via upnp 7060 udp
check_eq "corrupt entry: exit 0" "$RC" 0
check "corrupt entry: not used" grep -q "cache: $NEW: not used: malformed" "$ERR"
check "corrupt entry: searched, and written anew" bash -c \
	"grep -q M-SEARCH '$ERR' && grep -q 'cache: wrote $NEW' '$ERR'"
e2e_done
