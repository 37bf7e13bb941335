#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The long fuzz run, on demand (CI runs the short one, run.sh): every target
# for a number of executions, from a copy of its committed corpus, and a
# table of what each did: executions, coverage (libFuzzer's cov: counter,
# the code edges reached, and ft:, its features), the corpus it grew to,
# the seconds it took, and crashes (a crash, leak, timeout or out-of-memory
# ends a target's run and leaves the input beside the log).
#
# usage: tests/fuzz/long.sh BUILD_DIR [RUNS [JOBS]]
#   BUILD_DIR  where the fuzz_<name> binaries are (a -DNATCTL_FUZZ=ON build's
#              tests/fuzz)
#   RUNS       executions per target (default 10000000)
#   JOBS       targets fuzzed at once, one process each (default 2)
# Logs and anything found stay in $FUZZ_LONG_DIR (default a new temporary
# directory, named at the end). Exits 1 if any target failed.
set -u
bin_dir=$1
runs=${2:-10000000}
jobs=${3:-2}
src=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_LONG_DIR:-$(mktemp -d)}
mkdir -p "$work"

targets=()
for dir in "$src"/corpus/*/; do
	targets+=("$(basename "$dir")")
done
for t in "${targets[@]}"; do
	if [ ! -x "$bin_dir/fuzz_$t" ]; then
		echo "fuzz_$t: not built in $bin_dir" >&2
		exit 1
	fi
done

# fuzz_one NAME: runs one target; its log is $work/NAME.log, its status $work/NAME.rc.
fuzz_one() {
	local t=$1 start rc
	rm -rf "$work/$t.corpus"
	mkdir -p "$work/$t.corpus"
	cp "$src/corpus/$t"/* "$work/$t.corpus/"
	start=$(date +%s)
	"$bin_dir/fuzz_$t" -runs="$runs" -max_len=1500 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/$t-" "$work/$t.corpus" >"$work/$t.log" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$work/$t.rc"
}

running=0
for t in "${targets[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	echo "fuzz: $t ($runs executions)" >&2
	fuzz_one "$t" &
	running=$((running + 1))
done
wait

failed=0
printf '| target | executions | cov | ft | corpus | seconds | crashes |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for t in "${targets[@]}"; do
	read -r rc secs <"$work/$t.rc"
	log=$work/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
	found=$(find "$work" -maxdepth 1 -name "$t-*" | wc -l)
	if [ "$rc" != 0 ] || [ "$found" != 0 ] || [ "${execs:-0}" -lt "$runs" ]; then
		failed=1
		echo "fuzz_$t: FAILED (exit $rc); see $log" >&2
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
		"${corp:-?}" "$secs" "$found"
done
echo "logs: $work" >&2
exit "$failed"
