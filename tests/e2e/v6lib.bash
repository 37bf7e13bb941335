# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the IPv6 STUN and probe end-to-end tests (sourced after lib.sh),
# on the lab's IPv6 path (tests/net/lab.sh --ipv6 yes). Not a test itself.

# v6_settled: every lab node's link-local addresses are past duplicate address
# detection. lab.sh turns DAD off for the addresses it adds, but the kernel
# makes a link-local one on every interface it brings up, and while that is
# tentative the first packets across the routers are lost (a first binding
# took 2 s, or nothing answered within 3 s). Waits up to 5 s by the clock.
v6_settled() {
	local node end=$(($(now_ms) + 5000))
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
