#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every JSON golden file (tests/golden, what the renderers print for every
# success and failure) is valid against its schema in man/schema, checked
# by tests/e2e/validate_json.py (python3-jsonschema); and every schema is
# used by at least one golden file, so none is left untested.
# Environment: SRC (the source tree).
set -u
src=${SRC:?}
validate=$src/tests/e2e/validate_json.py
pass=0
fail=0
declare -A used=()

# The document each golden file holds, by its name.
schema_of() {
	case $1 in
	stun_public_* | stun_public) echo stun-address ;;
	stun_path_*) echo stun-path ;;
	stun_usage | nat_report_*) echo stun ;;
	map_keep_* | map_renew* | map_remapped) echo map-event ;;
	map_set_*) echo map-set ;;
	map_list*) echo map-list ;;
	map_external*) echo map-external ;;
	map_*) echo map ;;
	probe_*) echo probe ;;
	usage_failure) echo error ;;
	*) echo "" ;;
	esac
}

for f in "$src"/tests/golden/*.json; do
	name=$(basename "$f" .json)
	schema=$(schema_of "$name")
	if [ -z "$schema" ]; then
		fail=$((fail + 1))
		echo "FAIL: $name.json: no schema named for it in $0"
		continue
	fi
	[ -s "$f" ] || continue # -q on success: nothing printed, nothing to check
	used[$schema]=1
	if why=$(python3 "$validate" "$schema" "$f" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name.json against $schema.schema.json: $why"
	fi
done
for s in "$src"/man/schema/*.schema.json; do
	s=$(basename "$s" .schema.json)
	if [ -n "${used[$s]:-}" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1))
		echo "FAIL: no golden file checks $s.schema.json"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
