#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl-map@.service without systemd: its ExecStart, expanded for an
# instance as systemd would (tests/systemd/exec_line.py), runs in the
# client against miniupnpd with $STATE_DIRECTORY set, as a user without
# capabilities (as DynamicUser= and CapabilityBoundingSet= make it); every
# mapping of the instance forwards from the internet side and is in the
# state there, and SIGTERM (systemctl stop) deletes them all: gone from the
# gateway, no longer forwarding, exit 0. Once more under strace: every
# system call made is one the unit's SystemCallFilter= allows, every socket
# of a family its RestrictAddressFamilies= allows.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/maplib.bash"
e2e_init map_systemd
for tool in strace systemd-analyze; do
	if ! command -v "$tool" >/dev/null; then
		[ "${CI:-}" = true ] && { echo "FAIL: map_systemd: $tool not installed" >&2; exit 1; }
		printf '\n*** SKIP: map_systemd: %s not installed (tests/deps.sh test) ***\n\n' "$tool" >&2
		exit 77
	fi
done
map_lab port-restricted
NATCTL_ABS=$(command -v "$NATCTL") || { echo "FAIL: no natctl at $NATCTL" >&2; exit 1; }
UNIT=$(mktemp -d)/natctl-map@.service
sed "s|/usr/bin/natctl|$NATCTL_ABS|" "$E2E_DIR/../../systemd/natctl-map@.service" >"$UNIT"
SVC_STATE=$(mktemp -d)
SVC_CACHE=$(mktemp -d)
EXTRA_ENV=()
declare -A LOGS

# listen_at PROTO PORT: a listener whose log reaches/blocked find by port.
listen_at() {
	listen client "$1" "$2"
	LOGS[$1/$2]=$LISTEN_LOG
}
reaches_at() { LISTEN_LOG=${LOGS[$1/$2]} reaches "$1" "$2"; }
blocked_at() { LISTEN_LOG=${LOGS[$1/$2]} blocked "$1" "$2"; }

# unit_start INSTANCE [WRAPPER...]: the instance's ExecStart in the client,
# with $OPTIONS as the unit's NATCTL_MAP_OPTIONS (a drop-in's Environment=),
# as systemd runs it (STATE_DIRECTORY, CACHE_DIRECTORY and the unit's
# Environment=; the test's XDG_STATE_HOME and XDG_CACHE_HOME stay set, to
# show the service's folders come first);
# output in $SVC_OUT, PID in $SVC_PID.
unit_start() {
	local inst=$1
	shift
	local -a argv
	mapfile -d '' -t argv < <(python3 "$E2E_DIR/../systemd/exec_line.py" "$UNIT" "$inst")
	SVC_OUT=$(mktemp)
	ip netns exec "$(lab_ns "$LAB" client)" env STATE_DIRECTORY="$SVC_STATE" CACHE_DIRECTORY="$SVC_CACHE" \
		NATCTL_MAP_OPTIONS="${OPTIONS:-}" "${EXTRA_ENV[@]}" "$@" "${argv[@]}" >"$SVC_OUT" 2>&1 &
	SVC_PID=$!
	E2E_PIDS+=("$SVC_PID")
}

# wait_lines PATTERN COUNT SECONDS: until COUNT lines of $SVC_OUT match.
wait_lines() {
	local i
	for ((i = 0; i <= $3 * 20; i++)); do
		[ "$(grep -c -- "$1" "$SVC_OUT")" -ge "$2" ] && return 0
		sleep 0.05
	done
	printf '  output: %s\n' "$(tr '\n' '|' <"$SVC_OUT")" >&2
	return 1
}

# As DynamicUser= and CapabilityBoundingSet= make it: a user of systemd's
# dynamic range, no capabilities, no new privileges; the state folder its own.
DYN_UID=61234
chown "$DYN_UID:$DYN_UID" "$SVC_STATE" "$SVC_CACHE"
chmod 700 "$SVC_STATE" "$SVC_CACHE"
AS_SERVICE=(setpriv --reuid=$DYN_UID --regid=$DYN_UID --clear-groups --inh-caps=-all
	--bounding-set=-all --no-new-privs)
for p in 7790 7791; do listen_at udp $p; done
unit_start 7790-7791-udp "${AS_SERVICE[@]}"
check "natctl-map@7790-7791-udp: two mapped events" wait_lines '^mapped udp ' 2 5
check "udp 7790 forwards" reaches_at udp 7790
check "udp 7791 forwards" reaches_at udp 7791
# A line of the state's mappings file: "natctl-mapping VERSION METHOD
# GATEWAY TRANSPORT INTERNAL PORT EXTERNAL_PORT LIFETIME EXPIRY NONCE".
state_has() {
	grep -qE "^natctl-mapping [0-9]+ [a-z]+ 192\.168\.77\.1 $1 192\.168\.77\.10 $2 $2 " \
		"$SVC_STATE/mappings" 2>/dev/null
}
check "udp 7790 in the state under \$STATE_DIRECTORY" state_has udp 7790
check "udp 7791 in the state under \$STATE_DIRECTORY" state_has udp 7791
check "nothing written under \$XDG_STATE_HOME" test -z "$(ls -A "$XDG_STATE_HOME")"
check "the gateway cache under \$CACHE_DIRECTORY" test -n "$(ls -A "$SVC_CACHE")"
check "nothing written under \$XDG_CACHE_HOME" test -z "$(ls -A "$XDG_CACHE_HOME")"
check "the state is private (0700 folder, 0600 files)" bash -c \
	'[ "$(stat -c %a "$1")" = 700 ] && ! find "$1" -type f ! -perm 600 | grep -q .' _ "$SVC_STATE"
kill -TERM "$SVC_PID"
wait "$SVC_PID"
check_eq "SIGTERM (systemctl stop): exit 0" "$?" 0
check "two deleted events" wait_lines '^deleted udp ' 2 0
not() { ! "$@"; }
check "udp 7790 no longer in the state" not state_has udp 7790
check "udp 7791 no longer in the state" not state_has udp 7791
check "udp 7790 gone (upnpc)" upnpc_lacks UDP 7790
check "udp 7791 gone (upnpc)" upnpc_lacks UDP 7791
check "udp 7790 no longer forwards" blocked_at udp 7790
check "udp 7791 no longer forwards" blocked_at udp 7791
check "output as the journal shows it" bash -c '! grep -qv -E "^(mapped|deleted) udp " "$1"' _ "$SVC_OUT"

# Under strace: the system calls and address families the sandbox must
# allow, with an --on-change hook (a child watched by a pidfd) from
# NATCTL_MAP_OPTIONS; the hook writes where the service may, its state.
listen_at tcp 8090
listen_at udp 8090
TRACE=$(mktemp)
chown "$DYN_UID" "$TRACE"
OPTIONS="--on-change $SVC_STATE/hook.sh"
printf '#!/bin/sh\necho "$NATCTL_EVENT $NATCTL_TRANSPORT $NATCTL_EXTERNAL_PORT" >>"$STATE_DIRECTORY/hook.log"\n' \
	>"$SVC_STATE/hook.sh"
chmod 755 "$SVC_STATE/hook.sh"
# LeakSanitizer cannot run under ptrace (a sanitized build would abort at
# exit): no leak check in this run; the run above had it.
EXTRA_ENV=("ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
unit_start 8090-both "${AS_SERVICE[@]}" strace -f -qq -o "$TRACE"
OPTIONS=""
EXTRA_ENV=()
check "natctl-map@8090-both: tcp and udp mapped (under strace)" wait_lines '^mapped ' 2 10
hook_ran() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '^mapped .* 8090$' "$SVC_STATE/hook.log" 2>/dev/null)" = 2 ] && return 0
		sleep 0.05
	done
	return 1
}
check "the hook from NATCTL_MAP_OPTIONS ran for tcp and udp" hook_ran
check "tcp 8090 forwards" reaches_at tcp 8090
check "udp 8090 forwards" reaches_at udp 8090
natctl_pid=$(pgrep -P "$SVC_PID" -x natctl)
check "natctl runs under strace" test -n "$natctl_pid"
[ -n "$natctl_pid" ] && kill -TERM "$natctl_pid"
wait "$SVC_PID"
check_eq "SIGTERM: exit 0" "$?" 0
check "tcp 8090 gone (upnpc)" upnpc_lacks TCP 8090
check "udp 8090 gone (upnpc)" upnpc_lacks UDP 8090
check "tcp 8090 no longer forwards" blocked_at tcp 8090

# The calls made, against @system-service less @privileged as systemd
# expands them (systemd-analyze syscall-filter lists every group).
filter_expand() {
	python3 - "$@" <<'PY'
import re, subprocess, sys
groups, cur = {}, None
for line in subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    if line.startswith("@"):
        cur = groups.setdefault(line.split()[0], [])
    elif cur is not None and line.strip() and not line.strip().startswith("#"):
        cur.append(line.split()[0])
def expand(name, seen):
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    out = set()
    for member in groups[name]:
        out |= expand(member, seen)
    return out
allowed = expand(sys.argv[1], set()) - expand(sys.argv[2], set())
print("\n".join(sorted(allowed)))
PY
}
allowed=$(filter_expand @system-service @privileged)
check "the filter as expanded allows socket and setrlimit, not reboot or chroot" bash -c \
	'grep -qx socket <<<"$1" && grep -qx setrlimit <<<"$1" && ! grep -qxE "reboot|chroot" <<<"$1"' _ "$allowed"
used=$(sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z0-9_]+) resumed>.*/\1/p' "$TRACE" | sort -u)
check "strace saw natctl's calls ($(wc -l <<<"$used") kinds)" grep -qx socket <<<"$used"
check "... the hook's too (fork and a pidfd, or waitpid before Linux 5.3)" \
	grep -qxE 'pidfd_open|wait4' <<<"$used"
denied=$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$allowed" | sort -u) | paste -sd ' ')
check_eq "every call allowed by SystemCallFilter=@system-service ~@privileged" "$denied" ""
families=$(sed -nE 's/^[0-9]+ +socket(pair)?\((AF_[A-Z0-9]+),.*/\2/p' "$TRACE" | sort -u | paste -sd ' ')
check "sockets of AF_INET, AF_INET6, AF_NETLINK, AF_UNIX only ($families)" \
	bash -c '[ -n "$1" ] && ! tr " " "\n" <<<"$1" | grep -qvxE "AF_(INET|INET6|NETLINK|UNIX)"' _ "$families"
rm -f "$TRACE" "$SVC_OUT" "${LOGS[@]}"
rm -rf "$SVC_STATE" "$SVC_CACHE" "$(dirname "$UNIT")"
e2e_done
