#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl -6 stun against an IPv6 RFC 5780 server (coturn on two IPv6
# addresses): no NAT on the path, so it must say so.
. "$(dirname "$0")/lib.sh"
e2e_init stun_ipv6
lab_start no-nat --stun none
in_ns inet ip addr add 2001:db8:1::1/64 dev br-wan nodad
in_ns inet ip addr add 2001:db8:2::10/128 dev lo
in_ns inet ip addr add 2001:db8:2::11/128 dev lo
in_ns client ip addr add 2001:db8:1::10/64 dev eth0 nodad
in_ns client ip route add 2001:db8:2::/64 via 2001:db8:1::1
run=$(lab_dir "$LAB")/turn6
mkdir -p "$run"
start_bg inet 'IO method' turnserver -n --stun-only --no-tls --no-dtls --no-cli --no-auth \
	--listening-ip=2001:db8:2::10 --listening-ip=2001:db8:2::11 \
	--listening-port=3478 --alt-listening-port=3479 \
	--log-file=stdout --pidfile="$run/pid" --userdb="$run/db"
# coturn says it is ready before every socket is bound; wait for all four.
for _ in $(seq 100); do
	[ "$(in_ns inet ss -Hlun | grep -c '2001:db8:2::1[01]\]:347[89]')" -ge 4 ] && break
	sleep 0.05
done

natctl_in client -6 --json stun '[2001:db8:2::10]:3478'
check_eq "-6 stun exits 0" "$RC" 0
check_json "public address is our own IPv6 address" "$OUT" .public.address 2001:db8:1::10
check_json "no NAT" "$OUT" .nat false
check_json "open internet" "$OUT" .classic open-internet
check_json "alternate is the other IPv6 address" "$OUT" '"\(.alternate.address) \(.alternate.port)"' '2001:db8:2::11 3479'
check_json "server: an address, no brackets, and a port" "$OUT" '"\(.server.address) \(.server.port)"' '2001:db8:2::10 3478'

natctl_in client -6 --json stun --address-only 2001:db8:2::11
check_json "bare IPv6 literal, default port" "$OUT" '"\(.server.address) \(.server.port)"' '2001:db8:2::11 3478'
check_json "bare IPv6 literal: public address" "$OUT" .public.address 2001:db8:1::10

natctl_in client -6 --json stun --path '[2001:db8:2::10]:3478'
check_eq "-6 stun --path exits 0" "$RC" 0
check_json "-6 path: the server's router is the server's host, TTL 1 reaches it" "$OUT" \
	'"\(.reached_ttl) \(.path | length) \(.nat_layers)"' "1 0 0"

natctl_in client -4 stun 2001:db8:2::10
check_eq "-4 with an IPv6 server is a usage error" "$RC" 2

e2e_done
