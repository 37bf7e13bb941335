#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map's command line: bad input is refused up front with exit 2 and
# one line, nothing is sent, nothing on stdout.
. "$(dirname "$0")/lib.sh"
e2e_init map_usage
lab_start port-restricted --stun none

usage_case() {
	local want=$1
	shift
	natctl_in client map "$@"
	check_eq "map $* -> exit 2" "$RC" 2
	check "map $*: says '$want'" grep -q -- "$want" "$ERR"
	check_eq "map $*: one line, nothing on stdout" "$(wc -l <"$ERR")$OUT" 1
}
usage_case "missing PORT"
usage_case "invalid port '0'" 0
usage_case "invalid port '70000'" 70000
usage_case "invalid port '80:'" 80:
usage_case "invalid transport 'sctp': expected tcp, udp or both" 80 sctp
usage_case "too many operands" 80 tcp more
usage_case "invalid --via 'smtp'" --via smtp 80
usage_case "invalid lifetime '-1'" --lifetime -1 80
usage_case "invalid lifetime '4294967296'" --lifetime 4294967296 80
usage_case "exclude each other" --keep --delete 80
usage_case "--force goes with --delete" --force 80
usage_case "--lifetime goes with a new mapping" --delete --lifetime 5 80
usage_case "--list, --external and --cleanup take no PORT" --list 80
usage_case "--list, --external and --cleanup take no PORT" --cleanup 80
usage_case "invalid port range '9010-9000'" 9010-9000
usage_case "at most 1024 mappings" 1000-2000 both
usage_case "--on-change goes with --keep" --on-change true 80
usage_case "--check takes one port and one transport" --check 80 both
usage_case "invalid --internal 'host'" --internal host 80
usage_case "invalid --gateway: expected an IPv4 address (-6 for IPv6)" --gateway ::1 80
usage_case "invalid --description" --description "" 80
usage_case "NAT-PMP has no IPv6" -6 --via natpmp 80
usage_case "--force is IPv4's: a pinhole is only ever this host's" -6 --delete --force 80
usage_case "--list and --external are IPv4's" -6 --list
usage_case "invalid --internal: -6 takes an IPv6 address of this host" -6 --internal 192.168.77.10 80
usage_case "--internal 2001:db8:77::99 is not an address of this host" -6 --internal 2001:db8:77::99 80
usage_case "unknown option '--bogus'" --bogus 80
natctl_in client map --help
check_eq "--help: exit 0" "$RC" 0
check "--help shows the usage" grep -q "^usage: natctl map" <<<"$OUT"
e2e_done
