#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every fuzz target for a bounded time on a copy of its seed corpus.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS. Fails on any crash, leak or timeout.
set -eu
bin_dir=$1
seconds=${2:-30}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in stun; do
	mkdir -p "$work/$target"
	cp "$src/corpus/$target"/* "$work/$target/"
	"$bin_dir/fuzz_$target" -max_total_time="$seconds" -max_len=1500 -timeout=5 \
		-print_final_stats=1 -artifact_prefix="$work/" "$work/$target" 2>"$work/log" || {
		tail -n 40 "$work/log" >&2
		echo "fuzz_$target: FAILED" >&2
		exit 1
	}
	grep -E 'stat::number_of_executed_units' "$work/log" || true
	echo "fuzz_$target: no crash in ${seconds} s"
done
