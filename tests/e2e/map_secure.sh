#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A router in secure mode maps only to the host that asks: natctl says so
# for --internal, and still maps for itself.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_secure
map_lab port-restricted --secure-mode yes

natctl_in client --json map --via upnp --internal 192.168.77.11 8080 tcp
check_eq "--internal in secure mode: exit 4" "$RC" 4
check_json "refused" "$OUT" .error_code refused
check_json "the failure names the host it was for" "$OUT" .internal.address 192.168.77.11
check "says not this host's address" grep -q \
	"the gateway maps only to the host that asks (secure mode): 192.168.77.11 is not this host's address 192.168.77.10" "$ERR"
natctl_in client map --via natpmp --internal 192.168.77.11 8080 tcp
check_eq "natpmp --internal: exit 4" "$RC" 4
check "NAT-PMP cannot map for others" grep -q "NAT-PMP maps only to the host that asks" "$ERR"
natctl_in client map --via upnp 8080 tcp
check_eq "for itself: exit 0" "$RC" 0
natctl_in client map --via upnp --delete 8080 tcp
check_eq "delete: exit 0" "$RC" 0
e2e_done
