#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl against an IGD that never stops talking (tests/e2e/fake_igd.py): an
# endless description, endless SOAP answers. natctl gives up with a clear
# message, claims no mapping, ends by its deadline, and the peak resident
# set of its process tree (natctl and the worker child) stays within 16 MiB.
# The memory goal is for a plain build: the sanitizers multiply memory, so
# the RSS is measured on $NATCTL_PLAIN (tests/run.sh passes build-gcc's), or
# on $NATCTL when that is not sanitized.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/hostile.bash"
e2e_init map_hostile_memory
trap 'hostile_cleanup; e2e_cleanup' EXIT
RSS_MAX_KB=$((16 * 1024))

plain=${NATCTL_PLAIN:-}
if [ -z "$plain" ] && ! grep -qa __asan_init "$NATCTL"; then
	plain=$NATCTL
fi
if [ -z "$plain" ]; then
	why="$NATCTL is sanitized and NATCTL_PLAIN names no plain build to measure"
	if [ "${CI:-}" = true ]; then
		printf 'FAIL: map_hostile_memory: %s\n' "$why" >&2
		exit 1
	fi
	printf '\n*** SKIP: map_hostile_memory: %s ***\n\n' "$why" >&2
	exit 77
fi

lab_start port-restricted --stun none
FAKE_PID=""
fake() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	start_bg router ready python3 "$E2E_DIR/fake_igd.py" "$@"
	FAKE_PID=$BG_PID
}

# gives_up WHAT ERE SECONDS ARGS...: natctl fails with a line on stderr that
# matches ERE, claims nothing, keeps the terminal clean, ends in time.
gives_up() {
	local what=$1 ere=$2 secs=$3
	shift 3
	natctl_timed client --timeout "$secs" "$@"
	check_eq "$what: exit 1" "$RC" 1
	check_err "$what: says why" "$ere"
	check "$what: no mapping claimed" test -z "$(grep -E '^(mapped|renewed)' "$OUTF")"
	check_terminal "$what"
	check_by_deadline "$what" "$secs"
}

# measured WHAT STATUS ARGS...: the plain build's peak RSS, natctl and its worker.
measured() {
	local what=$1 status=$2
	shift 2
	NATCTL_RUN=$plain natctl_timed client "$@"
	check_eq "$what (plain build): exit $status" "$RC" "$status"
	check "$what: peak RSS ${MAXRSS_KB} KiB <= $RSS_MAX_KB KiB" test "$MAXRSS_KB" -le "$RSS_MAX_KB"
}

fake endless
gives_up "endless description" \
	'upnp: http://192\.168\.77\.1:5000/rootDesc\.xml: no usable IGD description: the description is larger than 128 KiB' \
	1.5 -v map --via upnp 8080 tcp
gives_up "endless description, --json" 'larger than 128 KiB' 1.5 --json map --via upnp 8080 tcp
for t in 1 3 6; do
	measured "endless description, -t $t" 1 --timeout "$t" map --via upnp 8080 tcp
done
measured "endless description, probe" 1 --timeout 3 probe --stun 198.51.100.10 # bad-answer

# The description is sound; every SOAP answer streams on: miniupnpc reads
# each whole, so the worker's data budget is what stops it.
fake endless-soap
gives_up "endless SOAP answers" '^natctl: map: upnp: AddPortMapping failed \(no valid HTTP answer\)$' \
	3 -v map --via upnp 8080 tcp
gives_up "endless SOAP answers, --list" 'upnp: GetGenericPortMappingEntry failed' 3 map --via upnp --list
measured "endless SOAP answers" 1 --timeout 3 map --via upnp 8080 tcp
measured "endless SOAP answers, --list" 1 --timeout 3 map --via upnp --list
e2e_done
