#!/bin/bash
# test_pidfile - the daemon's pidfile is a new file of its own (issue 13,
# class 14): a symbolic link planted where the pidfile goes, pointing at
# a file the daemon must not touch, is replaced by a regular file holding
# the daemon's process id, and the file it pointed at keeps its content.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-pid.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT

school_write "$T" "unix:$T/aup.sock" "[milter]
pidfile = $T/run/aup-milter.pid"
mkdir -p "$T/run"
printf 'precious\n' > "$T/precious"
ln -s "$T/precious" "$T/run/aup-milter.pid"
"$top_builddir/tests/aup-milter-test" -f -c "$T/aup-milter.conf" \
    > "$T/milter.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do [ -S "$T/aup.sock" ] && break; sleep 0.1; done
[ -S "$T/aup.sock" ] || bail_out "the milter did not start: $(cat "$T/milter.log")"

is "$(cat "$T/precious")" precious "the file the planted link pointed at is untouched"
[ -f "$T/run/aup-milter.pid" ] && [ ! -L "$T/run/aup-milter.pid" ]
ok $? "the pidfile is a regular file, not the link"
is "$(cat "$T/run/aup-milter.pid")" "$PID" "it holds the daemon's process id"
kill -TERM "$PID"
wait "$PID" 2>/dev/null
PID=
done_testing
