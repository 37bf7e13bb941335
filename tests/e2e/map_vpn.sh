#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The README's VPN recipe, run exactly as written, against a NAT-PMP-only
# gateway that chooses the external ports itself and moves them on SIGHUP
# (fake_gateway.py vpn, forwarding for real): mapped, then remapped with the
# new port and one hook run per transport with NATCTL_EXTERNAL_PORT = the
# new port, forwarding to the new port and no longer to the old one. Then a
# hook that hangs: killed at its bound (10 x -t), reported as hook-failed,
# and the renewals go on meanwhile.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_vpn
lab_start port-restricted --stun none
start_bg router ready python3 "$E2E_DIR/fake_gateway.py" vpn "$PUBLIC"
FAKE_PID=$BG_PID

RECIPE=$(sed -n 's/^    \(natctl map --keep --via natpmp .*\)$/\1/p' "$E2E_DIR/../../README.md")
check "the README's recipe found" test -n "$RECIPE"

# natctl and the recipe's hook on $PATH; the hook logs its environment.
BIN=$(mktemp -d)
ln -s "$NATCTL" "$BIN/natctl"
HOOK_LOG=$(mktemp)
cat >"$BIN/natctl-port-changed" <<HOOK
#!/bin/sh
echo "\$NATCTL_EVENT \$NATCTL_METHOD \$NATCTL_TRANSPORT \$NATCTL_INTERNAL_PORT \$NATCTL_EXTERNAL_ADDRESS \$NATCTL_EXTERNAL_PORT \$NATCTL_LIFETIME" >>"$HOOK_LOG"
HOOK
chmod +x "$BIN/natctl-port-changed"

# wait_for FILE PATTERN SECONDS: until FILE has a line matching.
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# port_of FILE EVENT PROTO: the external port of the last such event line.
port_of() {
	sed -n "s/^$2 $3 $PUBLIC:\\([0-9]*\\) -> .*/\\1/p" "$1" | tail -n 1
}

declare -A LOGS
listen client tcp 51413
LOGS[tcp]=$LISTEN_LOG
listen client udp 51413
LOGS[udp]=$LISTEN_LOG
reaches_on() { LISTEN_LOG=${LOGS[$1]} reaches "$1" "$2"; }
blocked_on() { LISTEN_LOG=${LOGS[$1]} blocked "$1" "$2"; }

OUT_FILE=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" env PATH="$BIN:$PATH" sh -c "exec $RECIPE" \
	>"$OUT_FILE" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
check "recipe: tcp mapped" wait_for "$OUT_FILE" '^mapped tcp' 3
check "recipe: udp mapped" wait_for "$OUT_FILE" '^mapped udp' 3
t1=$(port_of "$OUT_FILE" mapped tcp)
u1=$(port_of "$OUT_FILE" mapped udp)
check "recipe: the gateway chose the ports ($t1, $u1), not 51413" \
	test "${t1:-51413}" != 51413 -a "${u1:-51413}" != 51413
check "recipe: hook run for mapped, tcp" wait_for "$HOOK_LOG" "^mapped natpmp tcp 51413 $PUBLIC $t1 " 3
check "recipe: hook run for mapped, udp" wait_for "$HOOK_LOG" "^mapped natpmp udp 51413 $PUBLIC $u1 " 3
check "recipe: forwarding tcp $t1" reaches_on tcp "$t1"
check "recipe: forwarding udp $u1" reaches_on udp "$u1"

kill -HUP "$FAKE_PID" # the provider moves every port by 1000
t2=$((t1 + 1000))
u2=$((u1 + 1000))
check "port change: remapped tcp with the new port" wait_for "$OUT_FILE" "^remapped tcp $PUBLIC:$t2 " 4
check "port change: remapped udp with the new port" wait_for "$OUT_FILE" "^remapped udp $PUBLIC:$u2 " 4
check "port change: hook run with NATCTL_EXTERNAL_PORT=$t2" \
	wait_for "$HOOK_LOG" "^remapped natpmp tcp 51413 $PUBLIC $t2 " 3
check "port change: hook run with NATCTL_EXTERNAL_PORT=$u2" \
	wait_for "$HOOK_LOG" "^remapped natpmp udp 51413 $PUBLIC $u2 " 3
check_eq "port change: one hook run per transport and event" \
	"$(cut -d' ' -f1,3 "$HOOK_LOG" | sort | uniq -d)" ""
check "port change: forwarding tcp $t2" reaches_on tcp "$t2"
check "port change: forwarding udp $u2" reaches_on udp "$u2"
check "port change: old tcp $t1 no longer forwarded" blocked_on tcp "$t1"
kill -TERM "$KEEP_PID"
rc=0
wait "$KEEP_PID" || rc=$?
check_eq "recipe: exit 0 on SIGTERM" "$rc" 0
check_eq "recipe: both deleted" "$(grep -c "^deleted " "$OUT_FILE")" 2
check "recipe: tcp $t2 no longer forwarded" blocked_on tcp "$t2"

# A hook that hangs: -t 0.3 gives it 3 s; the lease is 4 s, renewed every 2 s.
HANG_PID=$(mktemp)
HANG_OUT=$(mktemp)
ip netns exec "$(lab_ns "$LAB" client)" "$NATCTL" -t 0.3 --json map --keep --via natpmp --any \
	--lifetime 60 --on-change "echo \$\$ >$HANG_PID; exec sleep 30" 51414 tcp >"$HANG_OUT" 2>/dev/null &
KEEP_PID=$!
E2E_PIDS+=("$KEEP_PID")
check "hanging hook: hook-failed within 5 s" wait_for "$HANG_OUT" '"event":"hook-failed"' 5
check "hanging hook: the reason: killed at its bound" \
	bash -c "grep '\"event\":\"hook-failed\"' '$HANG_OUT' | jq -e '.error | test(\"still running at its bound: killed\")' >/dev/null"
check "hanging hook: a renewal came while it hung" \
	bash -c "jq -r .event '$HANG_OUT' | sed -n '/^mapped$/,/^hook-failed$/p' | grep -qx renewed"
hook=$(cat "$HANG_PID")
check "hanging hook: its process is gone (pid $hook)" bash -c "[ -n '$hook' ] && ! kill -0 '$hook' 2>/dev/null"
sleep 2.5
check "hanging hook: still renewing after it" \
	bash -c "jq -r .event '$HANG_OUT' | sed -n '/^hook-failed$/,\$p' | grep -qx renewed"
kill -TERM "$KEEP_PID"
rc=0
wait "$KEEP_PID" || rc=$?
check_eq "hanging hook: exit 0 on SIGTERM" "$rc" 0
check_schema_lines "hanging hook: events" map-event "$HANG_OUT"
rm -rf "$BIN" "$HOOK_LOG" "$OUT_FILE" "$HANG_PID" "$HANG_OUT"
e2e_done
