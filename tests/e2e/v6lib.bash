# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the IPv6 STUN and probe end-to-end tests (sourced after lib.sh):
# an IPv6 routed path through the lab's router, a stateful firewall on its
# IPv6 forward chain, and coturn on two IPv6 addresses. Not a test itself.
#
# Until tests/net/lab.sh carries the IPv6 lab (branch ipv6), the path is added
# here on top of a lab that is up: client 2001:db8:77::10/64 (and a ULA
# fd77::10/64) behind the router's br-lan 2001:db8:77::1, router wan0
# 2001:db8:1::2/64, inet br-wan 2001:db8:1::1/64, coturn on inet's lo at
# 2001:db8:2::10 and 2001:db8:2::11, ports 3478 and 3479.

V6_CLIENT=2001:db8:77::10
V6_STUN=2001:db8:2::10
V6_STUN_ALT=2001:db8:2::11

# v6_path: the routed IPv6 path (forwarding on in the router, no firewall yet).
v6_path() {
	in_ns router ip addr add 2001:db8:77::1/64 dev br-lan nodad || return 1
	in_ns router ip addr add 2001:db8:1::2/64 dev wan0 nodad || return 1
	in_ns router ip -6 route add default via 2001:db8:1::1 || return 1
	in_ns router sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	in_ns inet ip addr add 2001:db8:1::1/64 dev br-wan nodad || return 1
	in_ns inet ip addr add "$V6_STUN/128" dev lo || return 1
	in_ns inet ip addr add "$V6_STUN_ALT/128" dev lo || return 1
	in_ns inet ip -6 route add 2001:db8:77::/64 via 2001:db8:1::2 || return 1
	in_ns client ip addr add "$V6_CLIENT/64" dev eth0 nodad || return 1
	in_ns client ip addr add fd77::10/64 dev eth0 nodad || return 1
	in_ns client ip -6 route add default via 2001:db8:77::1 || return 1
	v6_settled
}

# v6_settled: every node's addresses are past DAD (until then neighbour
# discovery stalls and the first packets are lost: a first binding took 2 s),
# waited for up to 5 s.
v6_settled() {
	local node i
	for ((i = 0; i < 100; i++)); do
		for node in client router inet; do
			[ -n "$(in_ns "$node" ip -6 addr show tentative)" ] && break
			node=""
		done
		[ -z "$node" ] && break
		sleep 0.05
	done
	[ -z "$node" ]
}

# v6_firewall RULES: the router's IPv6 forward chain, replaced whole. RULES:
#   apdf  new inbound dropped; only conntrack's replies (the same address and
#         port) come in: address-and-port-dependent filtering
#   adf   also UDP from any port of an address a LAN host sent to
#   eif   also UDP from anywhere to an address and port a LAN host sent from
v6_firewall() {
	local set="" learn="" admit=""
	case $1 in
	apdf) ;;
	adf)
		set='set out { type ipv6_addr . inet_service . ipv6_addr; flags dynamic, timeout; timeout 60s; }'
		learn='iifname "br-lan" meta l4proto udp update @out { ip6 saddr . udp sport . ip6 daddr }'
		admit='iifname "wan0" meta l4proto udp ip6 daddr . udp dport . ip6 saddr @out accept' ;;
	eif)
		set='set out { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 60s; }'
		learn='iifname "br-lan" meta l4proto udp update @out { ip6 saddr . udp sport }'
		admit='iifname "wan0" meta l4proto udp ip6 daddr . udp dport @out accept' ;;
	*) return 1 ;;
	esac
	in_ns router nft -f - <<NFT
table ip6 natctl_fw6
delete table ip6 natctl_fw6
table ip6 natctl_fw6 {
	$set
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		$learn
		iifname "br-lan" accept
		$admit
	}
}
NFT
}

# v6_coturn: coturn on the two IPv6 addresses, waited for until all four
# sockets are bound (it says it is ready before).
v6_coturn() {
	local run
	run=$(lab_dir "$LAB")/turn6
	mkdir -p "$run"
	start_bg inet 'IO method' turnserver -n --stun-only --no-tls --no-dtls --no-cli --no-auth \
		--listening-ip="$V6_STUN" --listening-ip="$V6_STUN_ALT" \
		--listening-port=3478 --alt-listening-port=3479 \
		--log-file=stdout --pidfile="$run/pid" --userdb="$run/db"
	for _ in $(seq 100); do
		[ "$(in_ns inet ss -Hlun | grep -c '2001:db8:2::1[01]\]:347[89]')" -ge 4 ] && return 0
		sleep 0.05
	done
	return 1
}
