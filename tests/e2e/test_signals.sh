#!/bin/bash
# test_signals - the daemon's signals, checked on a running daemon:
# SIGUSR1 reloads configuration atomically (a broken one is refused and
# the old one kept), SIGUSR2 reopens the event log, SIGHUP and SIGTERM
# stop it (libmilter's own signal thread treats SIGHUP as stop).
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

MT=${MILTERTEST:-$(command -v miltertest || true)}
[ -n "$MT" ] && [ -x "$MT" ] || skip_all "miltertest not installed"
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-sig.XXXXXX")
SOCK="unix:$T/aup.sock"
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT

# start - run the daemon in the foreground, wait for its socket
start() {
	rm -f "$T/aup.sock"
	"$top_builddir/tests/aup-milter-test" -f -c "$T/aup-milter.conf" \
	    >> "$T/milter.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do [ -S "$T/aup.sock" ] && return 0; sleep 0.1; done
	return 1
}
# send - one rejectable message; $1 = reject | monitor
send() {
	"$MT" -s "$top_srcdir/tests/milter/reject-check.lua" -D "sock=$SOCK" \
	    -D "libdir=$top_srcdir/tests/milter" -D "want=$1" -D "qid=$2" >/dev/null 2>&1
}
# wait_log - wait until the daemon's log matches an ERE
wait_log() {
	for _ in $(seq 1 50); do grep -Eq "$1" "$T/milter.log" && return 0; sleep 0.1; done
	return 1
}
# stopped_within - has the process exited within $1 seconds?
stopped_within() {
	for _ in $(seq 1 $(($1 * 10))); do
		kill -0 "$PID" 2>/dev/null || { wait "$PID" 2>/dev/null; return 0; }
		sleep 0.1
	done
	return 1
}

school_write "$T" "$SOCK"
start || bail_out "the milter did not start: $(cat "$T/milter.log")"
send reject Q1; ok $? "enforce mode rejects before any reload"

school_write "$T" "$SOCK" "[milter]
mode = monitor"
sed -i '0,/^mode = enforce/s//mode = monitor/' "$T/aup-milter.conf" 2>/dev/null
kill -USR1 "$PID"
wait_log 'reloaded .*mode monitor'; ok $? "SIGUSR1 reloads and logs the new mode"
send monitor Q2; ok $? "after the reload the same message is delivered in monitor mode"

printf '[school]\nbogus_key = 1\n' >> "$T/aup-milter.conf"
kill -USR1 "$PID"
wait_log 'reload failed: keeping the previous configuration'
ok $? "a broken configuration is refused at reload"
like "$(cat "$T/milter.log")" 'reload: .*aup-milter.conf:[0-9]+: unknown key "bogus_key"' \
    "the reload error names file:line"
send monitor Q3; ok $? "the previous configuration stays in force"
kill -0 "$PID"; ok $? "the daemon is still serving after a failed reload"

mv "$T/events.jsonl" "$T/events.jsonl.1"
kill -USR2 "$PID"
wait_log 'reopened .*events.jsonl'; ok $? "SIGUSR2 reopens the event log"
send monitor Q4
like "$(cat "$T/events.jsonl" 2>/dev/null)" '"queue_id":"Q4"' \
    "events after SIGUSR2 go to the new file"
unlike "$(cat "$T/events.jsonl.1")" '"queue_id":"Q4"' "the rotated file gets nothing new"

kill -HUP "$PID"
stopped_within 15; ok $? "SIGHUP stops the daemon (libmilter treats it as stop, not reload)"
school_write "$T" "$SOCK"
start || bail_out "the milter did not restart"
kill -TERM "$PID"
stopped_within 15; ok $? "SIGTERM stops the daemon within 15 seconds"
like "$(cat "$T/milter.log")" 'stopped \(0 connections still open\)' \
    "it stops cleanly with no connection left"
PID=
done_testing
