#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An IGDv1-only router (WANIPConnection:1): mapping, --any without
# AddAnyPortMapping, listing and deleting through UPnP.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_igdv1
map_lab port-restricted --igdv1

listen client tcp 8080
natctl_in client -v --json map --via upnp 8080
check_eq "IGDv1: exit 0" "$RC" 0
check "the IGD is version 1" grep -q "service urn:schemas-upnp-org:service:WANIPConnection:1" "$ERR"
check "forwards" reaches tcp 8080
natctl_in client2 --json map --via upnp --any 8080
check_eq "IGDv1 --any when taken: exit 0" "$RC" 0
check_json "another port chosen" "$OUT" '.external.port != 8080' true
natctl_in client --json map --list
check_json "--list shows both" "$OUT" '.mappings | length' 2
natctl_in client map --via upnp --delete 8080
check_eq "delete: exit 0" "$RC" 0
check "refused after delete" blocked tcp 8080
e2e_done
