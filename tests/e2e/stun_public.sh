#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl stun behind a NAT: the router's public address, in JSON and text; a
# silent server ends at the deadline with exit 3; usage errors exit 2, with
# the document in JSON and nothing on stdout in text.
. "$(dirname "$0")/lib.sh"
e2e_init stun_public
lab_start port-restricted --stun coturn

natctl_in client --json stun 198.51.100.10
out=$OUT
check_eq "stun --json exits 0" "$RC" 0
check_json "public address is the router's" "$out" .public.address 203.0.113.2
check_json "server is the one asked" "$out" '"\(.server.address):\(.server.port)"' 198.51.100.10:3478
check_json "local address is the client's" "$out" .local.address 192.168.77.10
check_json "public port is a port" "$out" '.public.port | (. > 0 and . < 65536)' true
check_json "local port is the same socket's" "$out" '.local.port == .public.port' true
check_json "rtt_ms is a number" "$out" '.rtt_ms | type' number
check_json "no error" "$out" .error null
check_json "no error_code" "$out" .error_code null
check_json "schema 1" "$out" .schema 1
check_eq "one JSON object on stdout" "$(printf '%s\n' "$out" | jq -s length)" 1

natctl_in client stun --json 198.51.100.11:3479
out=$OUT
check_json "options after the command; alternate server and port" "$out" '"\(.server.address):\(.server.port)"' 198.51.100.11:3479
check_json "same public address from the other server" "$out" .public.address 203.0.113.2

natctl_in client stun --address-only 198.51.100.10
out=$OUT
check_eq "text exits 0" "$RC" 0
check "text puts the answer first" grep -Eq '^public 203\.0\.113\.2:[0-9]+$' <<<"$(head -n1 <<<"$out")"

natctl_in client --json stun --address-only 198.51.100.10 198.51.100.11
check_json "--address-only: public address" "$OUT" .public.address 203.0.113.2
check_json "--address-only: no behaviour keys" "$OUT" 'has("classic")' false
check_json "--address-only: over UDP" "$OUT" .transport udp

natctl_in client --json stun --tcp 198.51.100.10
check_eq "--tcp exits 0" "$RC" 0
check_json "--tcp: public address over TCP" "$OUT" .public.address 203.0.113.2
check_json "--tcp: transport tcp" "$OUT" .transport tcp
check_eq "nothing on stderr without -v" "$(cat "$ERR")" ""

natctl_in client -v stun 198.51.100.10 >/dev/null
check "-v traces the request on stderr" grep -q -- '-> 198.51.100.10:3478 binding request' "$ERR"
check "-v traces the response on stderr" grep -q '<- 198.51.100.10:3478 binding success' "$ERR"

# A server that never answers: 198.51.100.99 is routed into the lab's
# internet, where nothing holds it.
natctl_in client --json --timeout 1 stun 198.51.100.99
out=$OUT
took=$TOOK_MS
check_eq "silent server exits 3" "$RC" 3
check_json "silent server: error_code" "$out" .error_code no-answer
check "ends within the 1 s deadline (took ${took} ms)" test "$took" -lt 1800
check "ends no earlier than the deadline (took ${took} ms)" test "$took" -ge 950
check_json "silent server: public is null" "$out" .public null
check_json "silent server: error says why" "$out" '.error | test("no response from 198.51.100.99:3478")' true
check_eq "one line on stderr" "$(wc -l <"$ERR")" 1

natctl_in client -6 stun 198.51.100.10
out=$OUT
check_eq "-6 with an IPv4 server is a usage error" "$RC" 2
check_eq "usage error prints nothing on stdout" "$out" ""
natctl_in client stun --bogus
out=$OUT
check_eq "unknown option exits 2" "$RC" 2
check "unknown option names itself on stderr" grep -q "unknown option '--bogus'" "$ERR"
natctl_in client stun 198.51.100.10:99999
out=$OUT
check_eq "bad port exits 2" "$RC" 2
check "bad port: says it is out of range" grep -q "port 99999 is out of range (1 to 65535)" "$ERR"
natctl_in client --json stun 198.51.100.10:99999
check_json "bad port: the stun document, error_code usage" "$OUT" .error_code usage

# --local-port: the mapping of the port an application uses.
natctl_in client --json stun --local-port 40404 198.51.100.10
check_eq "--local-port: exit 0" "$RC" 0
check_json "--local-port: the main socket is on it" "$OUT" .local.port 40404
check_json "--local-port: its mapping (port preserving)" "$OUT" .public.port 40404
natctl_in client --json stun --address-only --local-port 40405 198.51.100.10
check_json "--local-port with --address-only" "$OUT" .local.port 40405

e2e_done
