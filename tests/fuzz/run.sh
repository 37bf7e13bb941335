#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every fuzz target for a bounded time on a copy of its seed corpus.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS. Fails on any crash, leak or timeout.
# Targets are the corpus/<name>/ directories; each needs BUILD_DIR/fuzz_<name>.
# Each target fuzzes for SECONDS, unless that would take the whole run past
# FUZZ_TOTAL_SECONDS of wall time (default 90): then that total is split
# evenly, less about 2 s per target for libFuzzer's start and shutdown.
# Inputs are at most 1500 bytes (a datagram), or what corpus/<name>.max_len says.
set -eu
bin_dir=$1
seconds=${2:-30}
total=${FUZZ_TOTAL_SECONDS:-90}
src=$(cd "$(dirname "$0")" && pwd)
targets=()
for dir in "$src"/corpus/*/; do
	targets+=("$(basename "$dir")")
done
for target in "${targets[@]}"; do
	if [ ! -x "$bin_dir/fuzz_$target" ]; then
		echo "fuzz_$target: not built in $bin_dir" >&2
		exit 1
	fi
done
if [ $(((seconds + 2) * ${#targets[@]})) -gt "$total" ]; then
	seconds=$((total / ${#targets[@]} - 2))
	[ "$seconds" -ge 1 ] || seconds=1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
	mkdir -p "$work/$target"
	cp "$src/corpus/$target"/* "$work/$target/"
	max_len=1500
	[ -f "$src/corpus/$target.max_len" ] && max_len=$(cat "$src/corpus/$target.max_len")
	"$bin_dir/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=5 \
		-print_final_stats=1 -artifact_prefix="$work/" "$work/$target" 2>"$work/log" || {
		tail -n 40 "$work/log" >&2
		echo "fuzz_$target: FAILED" >&2
		exit 1
	}
	grep -E 'stat::number_of_executed_units' "$work/log" || true
	echo "fuzz_$target: no crash in ${seconds} s"
done
