#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl stun against hostile servers: an alternate and a mapped address on
# loopback, the LAN, link-local or multicast (nothing may be sent there: an
# nftables counter in the client counts every packet that leaves for
# anywhere but the STUN servers and the public network), terminal escapes
# in SOFTWARE, and a server that answers every request with error 420 (named
# with its error, not as "no response"). Each run ends by its deadline.
. "$(dirname "$0")/lib.sh"
e2e_init stun_hostile
# Full cone, so that every answer the server sends reaches natctl.
lab_start full-cone --stun none
fake_stun_addresses

in_ns client nft -f - <<'EOF'
table inet natctl_watch {
	counter elsewhere {}
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr { 198.51.100.0/24, 203.0.113.0/24 } return
		meta l4proto { udp, tcp } counter name elsewhere
	}
}
EOF
elsewhere() {
	in_ns client nft list counter inet natctl_watch elsewhere | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
# The counter counts: one datagram to loopback, then back to zero.
in_ns client bash -c 'echo x >/dev/udp/127.0.0.2/9' 2>/dev/null
check_eq "the counter sees a datagram to 127.0.0.2" "$(elsewhere)" 1
in_ns client nft reset counter inet natctl_watch elsewhere >/dev/null

# text_only FILE: printable ASCII and newlines only: no escape, no C1, no
# byte of an invalid UTF-8 sequence reached the terminal.
text_only() {
	! LC_ALL=C grep -qaP '[^\x20-\x7e]' "$1"
}

out_file=$(mktemp)
for mode in steer-loopback steer-private steer-link-local steer-multicast; do
	fake_stun "$mode"
	natctl_in client --json --timeout 2 stun 198.51.100.30
	took=$TOOK_MS
	check_eq "$mode: a verdict all the same, exit 0" "$RC" 0
	check "$mode: ends by the 2 s deadline (took ${took} ms)" test "$took" -le 2100
	check_json "$mode: no alternate used" "$OUT" .alternate null
	check_json "$mode: the reasons say why" "$OUT" '.reasons | any(test("which is .*: not used"))' true
	check_json "$mode: hairpinning not tested" "$OUT" .hairpinning null
	check_json "$mode: the reasons say why not" "$OUT" '.reasons | any(test("hairpinning: not tested"))' true
	check_json "$mode: every test went to the server" "$OUT" \
		'[.tests[].destination] | all(. == {"address": "198.51.100.30", "port": 3478})' true
	check_eq "$mode: nothing sent anywhere else" "$(elsewhere)" 0
	printf '%s' "$OUT" >"$out_file"
	check "$mode: JSON holds no raw control byte" text_only "$out_file"
	check_json "$mode: SOFTWARE escaped" "$OUT" '.software | test("[\u0000-\u001f\u007f-\u009f]") | not' true

	natctl_in client -v --timeout 2 stun 198.51.100.30
	check_eq "$mode: text: exit 0" "$RC" 0
	printf '%s\n' "$OUT" >"$out_file"
	check "$mode: text: stdout is plain text" text_only "$out_file"
	check "$mode: text: stderr (-v) is plain text" text_only "$ERR"
	check "$mode: -v says the alternate was refused" grep -q "nat: alternate .* refused" "$ERR"
	check_eq "$mode: text: nothing sent anywhere else" "$(elsewhere)" 0
done

# Error 420 to everything: natctl says so, and stops once the server has answered.
fake_stun error-420
natctl_in client --json --timeout 2 stun 198.51.100.30
took=$TOOK_MS
check_eq "420: exit 4 (refused)" "$RC" 4
check "420: ends by the 2 s deadline (took ${took} ms)" test "$took" -le 2100
check_json "420: the error names it" "$OUT" .error \
	"198.51.100.30:3478 answered with error 420 Unknown Attribute"
check_eq "420: one line on stderr" "$(cat "$ERR")" \
	"natctl: stun: 198.51.100.30:3478 answered with error 420 Unknown Attribute"
check_json "420: no public address claimed" "$OUT" .public null
natctl_in client --timeout 2 stun --address-only 198.51.100.30
check_eq "420, --address-only: exit 4 (refused)" "$RC" 4
check "420, --address-only: the error names it" grep -q "answered with error 420 Unknown Attribute" "$ERR"
check_eq "420: nothing sent anywhere else" "$(elsewhere)" 0
rm -f "$out_file"
e2e_done
