#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# natctl stun against servers that are old, partial or broken: it must say
# "unknown" with a reason rather than guess, and never crash or hang.
. "$(dirname "$0")/lib.sh"
e2e_init stun_quirks
# Full cone, so that every answer the server sends reaches natctl: what it
# concludes then rests on what the server did, not on the NAT.
lab_start full-cone --stun coturn
fake_stun_addresses

# A server that names an alternate but ignores CHANGE-REQUEST must never
# make the NAT look endpoint-independent in its filtering.
fake_stun ignore-change
natctl_in client --json stun 198.51.100.30
check_eq "ignore-change: a verdict, exit 0" "$RC" 0
check_json "ignore-change: filtering unknown (null)" "$OUT" .filtering null
check_json "ignore-change: reason given" "$OUT" '.reasons | any(test("ignores CHANGE-REQUEST"))' true
check_json "ignore-change: classic unknown (null)" "$OUT" .classic null
check_json "ignore-change: mapping still decided" "$OUT" .mapping endpoint-independent

# A plain RFC 5389 server: one alone decides neither; two decide the mapping.
fake_stun plain
natctl_in client --json stun 198.51.100.30
check_json "plain, one server: mapping unknown (null)" "$OUT" .mapping null
check_json "plain, one server: asks for a second server" "$OUT" '.reasons | any(test("second server"))' true
check_json "plain, one server: filtering unknown (null)" "$OUT" .filtering null
check_json "plain, one server: public address" "$OUT" .public.address 203.0.113.2
natctl_in client stun 198.51.100.30
check "plain, text: says unknown, never a guess" grep -q "unknown mapping, unknown filtering" <<<"$OUT"
natctl_in client --json stun 198.51.100.30 198.51.100.10:3478
check_json "plain + another server: mapping by comparison" "$OUT" .mapping endpoint-independent

# A wrong RESPONSE-ORIGIN on change answers: they are dropped, and their
# silence is not read as filtering.
fake_stun bad-origin
natctl_in client --json stun 198.51.100.30
check_json "bad-origin: filtering unknown (null)" "$OUT" .filtering null
check_json "bad-origin: reason names RESPONSE-ORIGIN" "$OUT" '.reasons | any(test("RESPONSE-ORIGIN"))' true

# Junk before every answer: dropped, and the real answers still count.
fake_stun garbage-first
natctl_in client --json stun 198.51.100.30
check_eq "garbage-first: exit 0" "$RC" 0
check_json "garbage-first: right verdict" "$OUT" .classic full-cone
natctl_in client -v stun --address-only 198.51.100.30
check "garbage-first: junk reported in the trace" grep -q "dropped" "$ERR"

# An unknown comprehension-required attribute fails the transaction (RFC 8489 §6.3.3).
fake_stun unknown-attr
natctl_in client --json --timeout 1 stun --address-only 198.51.100.30
check_eq "unknown-attr: exit 1" "$RC" 1
check_json "unknown-attr: bad-answer" "$OUT" .error_code bad-answer
check_json "unknown-attr: error says why" "$OUT" '.error | test("unusable|unknown")' true

e2e_done
