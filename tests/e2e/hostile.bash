# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the hostile-peer end-to-end tests (sourced after lib.sh): natctl
# timed and measured by /usr/bin/time, and checks on the bytes it wrote. Not
# a test itself (no .sh suffix).

OUTF=$(mktemp)
TIMEF=$(mktemp)
ELAPSED_MS=0
MAXRSS_KB=0

# natctl_timed NODE ARGS...: natctl (or $NATCTL_RUN) in NODE under
# /usr/bin/time: stdout in file $OUTF and in $OUT, stderr in file $ERR,
# exit status in $RC, wall time in $ELAPSED_MS, and in $MAXRSS_KB the peak
# resident set of the process tree: wait4() reports the largest of natctl
# and the worker children it reaped.
natctl_timed() {
	local node=$1 secs
	shift
	RC=0
	lab_exec "$LAB" "$node" /usr/bin/time -f '%e %M' -o "$TIMEF" "${NATCTL_RUN:-$NATCTL}" "$@" \
		>"$OUTF" 2>"$ERR" || RC=$?
	OUT=$(tr -d '\0' <"$OUTF")
	read -r secs MAXRSS_KB < <(tail -n 1 "$TIMEF")
	ELAPSED_MS=$(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }')
}

# clean_bytes FILE: the file is UTF-8 with no control character but the
# newline: no C0, no DEL, no C1 (raw or encoded), nothing that is not UTF-8.
clean_bytes() {
	python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 30):e.start + 30]))
for i, c in enumerate(text):
    if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f:
        sys.exit("U+%04X at %d: %r" % (ord(c), i, text[max(0, i - 30):i + 30]))
EOF
}

# check_terminal WHAT: nothing on stdout or stderr could steer a terminal.
check_terminal() {
	check "$1: stdout clean" clean_bytes "$OUTF"
	check "$1: stderr clean" clean_bytes "$ERR"
}

# check_by_deadline WHAT SECONDS: natctl ended by its deadline, +0.1 s.
check_by_deadline() {
	local limit
	limit=$(awk -v s="$2" 'BEGIN { printf "%d", s * 1000 + 100 }')
	check "$1: ended by the ${2} s deadline (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -le "$limit"
}

# check_err WHAT ERE: stderr has a line that matches.
check_err() {
	check "$1" grep -Eq -- "$2" "$ERR"
}

hostile_cleanup() {
	rm -f "$OUTF" "$TIMEF"
}
