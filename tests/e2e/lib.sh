# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers for the end-to-end tests: each test sources this, builds its
# own lab (tests/net/lab.sh) and runs natctl inside the lab's namespaces.
#
# Environment: NATCTL (path to the binary, set by CTest), CI (when "true", a
# test that cannot get namespaces fails instead of skipping). Each test has
# natctl state of its own ($XDG_STATE_HOME) and a gateway cache of its own
# ($XDG_CACHE_HOME), fresh temporary folders removed at the end, so tests
# neither share the mappings natctl records or a cache nor write to root's
# home.

set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SH="$E2E_DIR/../net/lab.sh"
# shellcheck source=../net/lab.sh
. "$LAB_SH"
NATCTL=${NATCTL:-natctl}
E2E_FAILS=0
E2E_CHECKS=0
LAB=""
E2E_PIDS=()

e2e_log() { printf 'e2e: %s\n' "$*" >&2; }

# Records a failed check and goes on, so one run shows every problem.
fail() {
	E2E_FAILS=$((E2E_FAILS + 1))
	printf 'FAIL: %s\n' "$*" >&2
}

ok() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	printf 'ok: %s\n' "$*" >&2
}

# wait_line FILE PATTERN [SECONDS]: until a line of FILE matches (3 s).
wait_line() {
	local i
	for ((i = 0; i < ${3:-3} * 20; i++)); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# fake_stun_addresses: 198.51.100.30 and .31 in inet, for fake_stun.
fake_stun_addresses() {
	in_ns inet ip addr add 198.51.100.30/32 dev lo
	in_ns inet ip addr add 198.51.100.31/32 dev lo
}

# fake_stun MODE: fake_stun.py in MODE on those two addresses, the one
# started before (BG_PID) ended first.
fake_stun() {
	[ -n "$BG_PID" ] && { kill "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; }
	start_bg inet ready python3 "$E2E_DIR/fake_stun.py" "$1" 198.51.100.30 198.51.100.31
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

# check_eq DESCRIPTION ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1 ($2)"; else fail "$1: got '$2', want '$3'"; fi
}

# check_json DESCRIPTION JSON JQ_EXPR EXPECTED: jq -r EXPR on JSON must print EXPECTED.
check_json() {
	local got
	if ! got=$(printf '%s' "$2" | jq -r "$3" 2>&1); then
		fail "$1: jq could not parse the output: $got"
		return
	fi
	check_eq "$1" "$got" "$4"
}

# Ends every process this test started (by PID), then the lab.
e2e_cleanup() {
	local pid
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ -n "$LAB" ] && lab_down "$LAB" >/dev/null 2>&1
	LAB=""
	[ -n "${E2E_STATE:-}" ] && rm -rf "$E2E_STATE"
	E2E_STATE=""
	[ -n "${E2E_CACHE:-}" ] && rm -rf "$E2E_CACHE"
	E2E_CACHE=""
}

# e2e_init NAME: checks that namespaces can be had; otherwise SKIP (77), or
# FAIL under CI, where every test must run.
e2e_init() {
	local why
	if ! why=$(lab_check); then
		if [ "${CI:-}" = true ]; then
			printf 'FAIL: %s: namespace test cannot run in CI: %s\n' "$1" "$why" >&2
			exit 1
		fi
		printf '\n*** SKIP: %s: %s ***\n\n' "$1" "$why" >&2
		exit 77
	fi
	E2E_STATE=$(mktemp -d /tmp/natctl-e2e-state.XXXXXX) || exit 1
	export XDG_STATE_HOME=$E2E_STATE
	unset STATE_DIRECTORY
	LAB="e$$"
	E2E_CACHE=$(mktemp -d /tmp/natctl-e2e-cache.XXXXXX) || exit 1
	export XDG_CACHE_HOME=$E2E_CACHE
	unset CACHE_DIRECTORY
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# lab_start TOPOLOGY [lab.sh options]: builds this test's lab or fails the test.
lab_start() {
	if ! lab_up "$LAB" "$@"; then
		printf 'FAIL: could not build the test network (%s)\n' "$*" >&2
		exit 1
	fi
}

# run_at WHERE CMD...: runs CMD in a lab node (WHERE is its name); in that node
# with no DNS that can answer, so a name fails at once (NODE@nodns: an
# /etc/resolv.conf naming 127.0.0.1, where nothing listens, mounted for CMD
# alone); or in a fresh empty network namespace (WHERE is "empty": no
# interface up, no route, nothing attached to the root namespace).
NODNS_CONF=""
run_at() {
	local where=$1
	shift
	case $where in
	empty) unshare -n "$@" ;;
	*@nodns)
		if [ -z "$NODNS_CONF" ]; then
			NODNS_CONF=$(mktemp)
			printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$NODNS_CONF"
		fi
		lab_exec "$LAB" "${where%@nodns}" unshare -m sh -c \
			'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$NODNS_CONF" "$@" ;;
	*) lab_exec "$LAB" "$where" "$@" ;;
	esac
}

# in_ns NODE CMD...: runs CMD inside a lab node.
in_ns() {
	local node=$1
	shift
	lab_exec "$LAB" "$node" "$@"
}

# The JSON Schema validator (python3-jsonschema) and the schemas it reads.
VALIDATE="$E2E_DIR/validate_json.py"

# check_schema DESCRIPTION SCHEMA TEXT: TEXT is exactly one JSON document,
# valid against man/schema/SCHEMA.schema.json.
check_schema() {
	local why
	if why=$(printf '%s' "$3" | python3 "$VALIDATE" "$2" 2>&1); then
		ok "$1: one document, valid against $2.schema.json"
	else
		fail "$1: not valid against $2.schema.json: $why"
	fi
}

# check_schema_lines DESCRIPTION SCHEMA FILE: one valid document a line (JSON Lines).
check_schema_lines() {
	local why
	if why=$(python3 "$VALIDATE" --lines "$2" "$3" 2>&1); then
		ok "$1: every line valid against $2.schema.json"
	else
		fail "$1: not valid against $2.schema.json: $why"
	fi
}

# natctl_in NODE ARGS...: runs natctl inside NODE (not in a subshell, so the
# results stay): stdout in $OUT, exit status in $RC, stderr in file $ERR,
# how long natctl ran in $TOOK_MS. With --json, the output is then checked
# against the schema its arguments ask for, success or failure alike (a
# check of its own, not counted in $TOOK_MS).
ERR=$(mktemp)
OUT=""
RC=0
TOOK_MS=0
natctl_in() {
	local node=$1 outfile start
	shift
	outfile=$(mktemp)
	RC=0
	start=$(now_ms)
	run_at "$node" "$NATCTL" "$@" >"$outfile" 2>"$ERR" || RC=$?
	TOOK_MS=$(($(now_ms) - start))
	OUT=$(cat "$outfile")
	rm -f "$outfile"
	check_output_schema "natctl $*" "$@"
}

# check_output_schema DESCRIPTION ARGS...: $OUT against the schema natctl's ARGS
# ask for (none without --json, or with --help).
check_output_schema() {
	local what=$1 schema
	shift
	schema=$(python3 "$VALIDATE" --argv -- "$@")
	[ -z "$schema" ] && return 0
	if [ "$schema" = map-event ]; then
		local lines
		lines=$(mktemp)
		printf '%s\n' "$OUT" >"$lines"
		check_schema_lines "$what" "$schema" "$lines"
		rm -f "$lines"
	else
		check_schema "$what" "$schema" "$OUT"
	fi
}

# start_bg NODE READY_PATTERN CMD...: starts CMD in NODE in the background,
# remembers its PID for cleanup, and waits (up to 5 s) until its output
# matches READY_PATTERN. The PID is left in $BG_PID.
BG_PID=""
start_bg() {
	local node=$1 ready=$2 log i
	shift 2
	log=$(mktemp)
	ip netns exec "$(lab_ns "$LAB" "$node")" "$@" >"$log" 2>&1 &
	BG_PID=$!
	E2E_PIDS+=("$BG_PID")
	for ((i = 0; i < 100; i++)); do
		grep -q -- "$ready" "$log" && { rm -f "$log"; return 0; }
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.05
	done
	printf 'FAIL: %s did not get ready: %s\n' "$*" "$(tail -n 3 "$log")" >&2
	rm -f "$log"
	exit 1
}

# Milliseconds on the monotonic clock.
now_ms() {
	local up
	read -r up _ </proc/uptime
	printf '%s\n' "${up/./}0"
}

# e2e_done: prints the tally and exits with its verdict.
e2e_done() {
	rm -f "$ERR" "$NODNS_CONF"
	if [ "$E2E_CHECKS" -eq 0 ] && [ "$E2E_FAILS" -eq 0 ]; then
		echo "FAIL: no check ran" >&2
		exit 1
	fi
	printf '%d passed, %d failed\n' "$E2E_CHECKS" "$E2E_FAILS"
	[ "$E2E_FAILS" -eq 0 ]
}
