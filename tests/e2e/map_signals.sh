#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl map --keep and every catchable terminating signal (INT TERM HUP QUIT
# USR1 USR2 ALRM PIPE), and a reader of its output that leaves (| head -1):
# each time the mapping forwards first, then is deleted before natctl exits 0,
# and a packet from the internet no longer arrives.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_signals
map_lab port-restricted

# keep_start ARGS...: natctl --keep in the client, stdout in $KEEP_OUT.
keep_start() {
	KEEP_OUT=$(mktemp)
	ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" "$@" >"$KEEP_OUT" 2>/dev/null &
	KEEP_PID=$!
	E2E_PIDS+=("$KEEP_PID")
}

# wait_line FILE PATTERN: until a line of FILE matches (up to 3 s).
wait_line() {
	local i
	for ((i = 0; i < 60; i++)); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# held_then_gone SIG PORT: a mapping kept, forwarding; SIG; deleted, exit 0.
held_then_gone() {
	local sig=$1 port=$2 rc=0
	listen client tcp "$port"
	keep_start map --keep --via upnp --lifetime 30 "$port" tcp
	check "$sig: mapped" wait_line "$KEEP_OUT" '^mapped tcp'
	check "$sig: forwarding while kept" reaches tcp "$port"
	kill -"$sig" "$KEEP_PID"
	wait "$KEEP_PID" || rc=$?
	check_eq "SIG$sig: exit 0 after deleting" "$rc" 0
	check "SIG$sig: deleted line last" bash -c "tail -n 1 '$KEEP_OUT' | grep -q '^deleted tcp'"
	check "SIG$sig: gone from the gateway (upnpc)" upnpc_lacks TCP "$port"
	check "SIG$sig: no longer forwarding" blocked tcp "$port"
}

port=7100
for sig in INT TERM HUP QUIT USR1 USR2 ALRM PIPE; do
	port=$((port + 1))
	held_then_gone "$sig" "$port"
done

# natctl --json map --keep ... | head -1: the reader leaves after the first
# event (here a shell reading one line from a FIFO, to test forwarding first);
# natctl must notice at once (not at the next renewal), delete and exit.
listen client tcp 7200
FIFO=$(mktemp -u)
mkfifo "$FIFO"
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" --json map --keep --via upnp --lifetime 30 \
	7200 tcp >"$FIFO" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
exec 3<"$FIFO"
read -r first <&3
check_json "| head -1: the first line is the mapped event" "$first" .event mapped
check "| head -1: forwarding while the reader is there" reaches tcp 7200
exec 3<&- # the reader leaves, as head does after its line
rm -f "$FIFO"
rc=0
start=$(now_ms)
wait "$KEEP_PID" || rc=$?
check_eq "| head -1: exit 0 after deleting" "$rc" 0
check "| head -1: natctl gone within 2 s" test $(($(now_ms) - start)) -lt 2000
check "| head -1: gone from the gateway (upnpc)" upnpc_lacks TCP 7200
check "| head -1: no longer forwarding" blocked tcp 7200
check "nothing of natctl's left in the table" upnpc_lacks_host 192.168.77.10
e2e_done
