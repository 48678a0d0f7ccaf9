#!/bin/bash
# test_miltertest - protocol tests: each tests/milter/*.lua script drives
# the running test daemon (aup-milter with the test policies) through
# libmilter with miltertest, and must exit 0.
# AUP_MILTER_WRAPPER (e.g. "valgrind --error-exitcode=99 --leak-check=full
# --errors-for-leak-kinds=definite") runs the daemon under that command;
# the daemon is then stopped at the end and must exit 0.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/miltertest.sh"

mt_require
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-mt.XXXXXX")
SOCK="unix:$T/aup.sock"
school_write "$T" "$SOCK"
WRAP=${AUP_MILTER_WRAPPER:-}
cleanup() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT
mt_start "$T" "$WRAP"

scripts=$(ls "$top_srcdir"/tests/milter/*.lua | grep -v -e '/lib.lua$' -e '/reject-check.lua$')
plan $(($(echo "$scripts" | wc -l) + 3 + $([ -n "$WRAP" ] && echo 1 || echo 0)))
for s in $scripts; do
	name=$(basename "$s" .lua)
	if out=$("$MT" -s "$s" -D "sock=$SOCK" -D "libdir=$top_srcdir/tests/milter" 2>&1); then
		pass "miltertest $name: $(sed -n '1s/^-- //p' "$s")"
	else
		fail "miltertest $name: $(sed -n '1s/^-- //p' "$s")" "$out"
	fi
done
n=$(ls "$T"/quarantine/messages/*.json 2>/dev/null | wc -l)
is "$n" 1 "the quarantined message is stored (message and metadata) before it is discarded"
like "$(cat "$T/events.jsonl")" '"action":"reject"' "rejections are in the event log"
like "$(cat "$T/milter.log")" 'QIDA: ref=[0-9A-Z]{10} action=reject policy=test-verdict' \
    "the syslog line starts with the queue id and names action and policy"
if [ -n "$WRAP" ]; then
	kill -TERM "$PID"
	wait "$PID"
	rc=$?
	is "$rc" 0 "the daemon under '${WRAP%% *}' exits cleanly after the protocol tests"
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$T/milter.log" |
	    sed 's/^==[0-9]*== *//' >&2
	[ "$rc" = 0 ] || diag "$(tail -n 60 "$T/milter.log")"
fi
done_testing
