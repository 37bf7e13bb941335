#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The contract for scripts, one failure class at a time: every command that
# can meet the class is driven into it, with --json (exactly one document,
# or one a line for --keep, valid against its schema, with the error_code
# and the exit status of natctl(1)'s table) and in text (the same status,
# nothing on stdout, one line on stderr). probe, which reports refusals as
# findings, must then still give a diagnosis (exit 0).
# usage: contract.sh usage|no-route|resolve|silence|refusal|conflict|timeout
#
# Where each class comes from, and which commands can meet it:
#   usage     bad command lines, in an empty namespace: every command
#   no-route  an empty namespace (no interface up), and a LAN with no
#             default route: every command
#   resolve   a host name with no DNS that can answer (empty namespace, or
#             a lab node whose resolver points at nothing): stun, probe
#             (map takes no host names)
#   silence   a lab with no gateway services and a silent STUN address:
#             every command
#   refusal   miniupnpd behind a carrier-grade NAT (it refuses every
#             mapping), and a STUN server that answers 401: stun, map
#             (double-nat; --internal in secure mode: refused), probe
#   conflict  another LAN host holds the port: map and --keep, --delete
#   timeout   tests/e2e/fake_gateway.py hostile, whose HTTP trickles: map in
#             every mode, probe (STUN has no half-answer to time out)
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/maplib.bash"
class=${1:-}
e2e_init "contract $class"

# fails WHERE STATUS TOKEN ARGS...: natctl ARGS fails with STATUS and TOKEN,
# in JSON (natctl_in also checks the document against its schema) and in
# text. The JSON stays in $JSON for further checks.
JSON=""
fails() {
	local where=$1 status=$2 token=$3
	shift 3
	natctl_in "$where" --json "$@"
	JSON=$OUT
	check_eq "--json $*: exit $status" "$RC" "$status"
	if [[ " $* " == *" --keep "* ]]; then
		check_eq "--json $*: one line" "$(grep -c . <<<"$OUT")" 1
		check_json "--json $*: the event says failed" "$OUT" .event failed
	fi
	check_json "--json $*: error_code" "$OUT" .error_code "$token"
	check_json "--json $*: error is a sentence" "$OUT" '.error | type == "string" and length > 0' true
	check_eq "--json $*: one line on stderr" "$(wc -l <"$ERR")" 1
	natctl_in "$where" "$@"
	check_eq "text $*: exit $status" "$RC" "$status"
	check_eq "text $*: nothing on stdout" "$OUT" ""
	check_eq "text $*: one line on stderr" "$(wc -l <"$ERR")" 1
}

# diagnoses WHERE ARGS...: probe meets the class and still diagnoses: exit 0,
# no error, a verdict (and in text, the verdict first).
diagnoses() {
	local where=$1
	shift
	natctl_in "$where" --json "$@"
	JSON=$OUT
	check_eq "--json $*: a diagnosis, exit 0" "$RC" 0
	check_json "--json $*: no error" "$OUT" '"\(.error) \(.error_code)"' "null null"
	check_json "--json $*: a verdict" "$OUT" '.verdict | length > 0' true
	natctl_in "$where" "$@"
	check_eq "text $*: exit 0" "$RC" 0
	check "text $*: the verdict first" test "$(head -n1 <<<"$OUT")" = "$(jq -r .verdict <<<"$JSON")"
}

# The map modes, each in its own document.
MAP_MODES=("map 8080" "map --delete 8080" "map --list" "map --external" "map --keep 8080")

case $class in
usage)
	for args in "stun --bogus" "stun 198.51.100.10:99999" "stun --tcp --address-only" \
		"stun --local-port 0" "stun --address-only --color sometimes" "map 70000" \
		"map --list 80" "map --external --lifetime 5" "map --keep --delete 80" \
		"map --keep --via smtp 80" "map --cleanup 80" "map -6 80" "probe extra" \
		"probe --gateway not-an-ip" "probe --stun 198.51.100.10:0" "--timeout 0 probe" \
		"frob" "help frob" "--bogus map 80"; do
		# shellcheck disable=SC2086 # one word per argument
		fails empty 2 usage $args
	done
	check "the out-of-range port is said so" grep -q "port 99999 is out of range" <(
		unshare -n "$NATCTL" stun 198.51.100.10:99999 2>&1)
	natctl_in empty --json
	check_eq "no command, --json: exit 2" "$RC" 2
	check_json "no command, --json: the error document" "$OUT" .error_code usage
	;;
no-route)
	for args in "stun 192.0.2.1" "stun --address-only 192.0.2.1" "stun --tcp 192.0.2.1" \
		"${MAP_MODES[@]}" "probe --stun 192.0.2.1" "map -i nosuch0 8080"; do
		# shellcheck disable=SC2086
		fails empty 1 no-route $args
	done
	lab_start port-restricted --stun none
	in_ns client ip route del default
	for args in "${MAP_MODES[@]}" "probe --stun 198.51.100.10" "probe -i nosuch0"; do
		# shellcheck disable=SC2086
		fails client 1 no-route $args
	done
	;;
resolve)
	for args in "stun nosuch.example.org" "stun --address-only nosuch.example.org" \
		"stun --tcp nosuch.example.org"; do
		# shellcheck disable=SC2086
		fails empty 1 resolve $args
		check "$args: fails at once (${TOOK_MS} ms)" test "$TOOK_MS" -lt 1000
	done
	lab_start port-restricted --stun none
	fails client@nodns 1 resolve stun nosuch.example.org
	check "in a lab with no DNS: fails at once (${TOOK_MS} ms)" test "$TOOK_MS" -lt 1000
	fails client@nodns 1 resolve --timeout 1 probe --stun nosuch.example.org
	check_json "probe: the stun object says it was not asked" "$JSON" .stun.error_code resolve
	;;
silence)
	lab_start port-restricted --stun none
	for args in "stun 198.51.100.99" "stun --address-only 198.51.100.99" \
		"stun --tcp 198.51.100.99" "${MAP_MODES[@]}" "probe --stun 198.51.100.99"; do
		# shellcheck disable=SC2086
		fails client 3 no-answer --timeout 1 $args
		check "$args: ends at the 1 s deadline (${TOOK_MS} ms)" test "$TOOK_MS" -lt 1800
	done
	# -q: a failure still says so, on stderr, and with --json in its document.
	natctl_in client -q --timeout 1 map 8080
	check_eq "-q: exit 3" "$RC" 3
	check_eq "-q: nothing on stdout" "$OUT" ""
	check_eq "-q: the error, one line" "$(wc -l <"$ERR")" 1
	natctl_in client -q --json --timeout 1 map 8080
	check_json "-q --json: the failure's document" "$OUT" .error_code no-answer
	;;
refusal)
	map_lab cgnat --ext-stun no
	in_ns inet ip addr add 198.51.100.30/32 dev lo
	in_ns inet ip addr add 198.51.100.31/32 dev lo
	start_bg inet ready python3 "$E2E_DIR/fake_stun.py" refuse 198.51.100.30 198.51.100.31
	fails client 4 refused stun 198.51.100.30
	fails client 4 refused stun --address-only 198.51.100.30
	fails client 4 double-nat map 8080
	check_json "every method's refusal is a double-NAT one" "$JSON" \
		'[.errors[].error_code] | unique | join(",")' double-nat
	fails client 4 double-nat map --keep 8080
	diagnoses client probe --stun 198.51.100.10 --test-mapping
	check_json "probe: the refusals are findings" "$JSON" \
		'[.upnp, .natpmp] | map(.test_mapping.accepted) | join(",")' false,false
	check_json "probe: the refusal says double NAT" "$JSON" \
		'.natpmp.test_mapping.error | test("double NAT")' true
	check_json "probe: no double NAT claimed absent" "$JSON" '[.double_nat, .cgnat] | map(. != false) | all' true
	;;
conflict)
	map_lab port-restricted
	natctl_in client2 map --via upnp --description "client2 game" 8080 tcp
	check_eq "client2 holds 8080/tcp" "$RC" 0
	fails client 4 conflict map 8080
	fails client 4 conflict map --via natpmp 8080
	fails client 4 conflict map --keep 8080
	fails client 4 conflict map --via upnp --delete 8080
	check "still client2's (upnpc)" upnpc_has TCP 8080 192.168.77.11:8080
	;;
timeout)
	lab_start port-restricted --stun none
	start_bg router ready python3 "$E2E_DIR/fake_gateway.py" hostile
	for args in "${MAP_MODES[@]}" "probe --stun 198.51.100.99"; do
		# shellcheck disable=SC2086
		fails client 1 timeout --timeout 1.5 $args
		check "$args: ends by the 1.5 s deadline (${TOOK_MS} ms)" test "$TOOK_MS" -lt 2300
	done
	check "no natctl process left in the client" bash -c "! ip netns pids $(lab_ns "$LAB" client) | grep -q ."
	;;
*) echo "FAIL: unknown class '$class'" >&2; exit 1 ;;
esac
e2e_done
