# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the IPv6 STUN and probe end-to-end tests (sourced after lib.sh),
# on the lab's IPv6 path (tests/net/lab.sh --ipv6 yes). Not a test itself.

# v6_settled: no lab node has a tentative address. While a link-local address
# is tentative the first packets across the routers are lost (a first binding
# took 2 s, or nothing answered within 3 s); lab.sh turns duplicate address
# detection off in every namespace before its interfaces exist (default and
# all), so none should be, and this proves it, waiting up to 1 s by the clock.
v6_settled() {
	local node end=$(($(now_ms) + 1000))
	while [ "$(now_ms)" -lt "$end" ]; do
		for node in client router inet; do
			[ -n "$(in_ns "$node" ip -6 addr show tentative)" ] && break
			node=""
		done
		[ -z "$node" ] && return 0
		sleep 0.05
	done
	return 1
}
