#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole test suite, as CI runs it: installs the test dependencies, builds
# with gcc and with clang under AddressSanitizer and UndefinedBehaviorSanitizer
# (both with NATCTL_WERROR: warnings are errors), lints the man page, fuzzes
# every parser briefly, and runs every unit and end-to-end test on the
# sanitized build (with them the package tests, which build natctl once more
# as a distribution would and make its .deb; see tests/package).
# Needs root for the network namespaces (run it with sudo).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

bash tests/deps.sh test

echo "== build: gcc"
cmake -S . -B build-gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DNATCTL_WERROR=ON >/dev/null
cmake --build build-gcc -j"$(nproc)"

echo "== build: clang with ASan and UBSan"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DNATCTL_WERROR=ON -DNATCTL_SANITIZE=ON -DNATCTL_FUZZ=ON >/dev/null
cmake --build build-asan -j"$(nproc)"

echo "== man page"
mandoc -Tlint -W warning man/natctl.1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== fuzz: every parser (at most ${FUZZ_SECONDS:-30} s each, 90 s in all)"
bash tests/fuzz/run.sh "$root/build-asan/tests/fuzz" "${FUZZ_SECONDS:-30}"

# Last, so the run ends with CTest's summary. The memory goal is for a plain
# build: e2e.map_hostile_memory measures the peak RSS of build-gcc's natctl.
echo "== tests (sanitized build)"
export NATCTL_PLAIN="$root/build-gcc/natctl"
(cd build-asan && ctest --output-on-failure -j2 --timeout 300)
