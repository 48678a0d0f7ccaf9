#!/bin/bash
# test_milter_schools_reload - the MTA's round trips follow the number of
# schools, through libmilter with miltertest:
#   - with one school the filter asks the MTA not to wait at MAIL and RCPT
#   - a connection opened then, whose message brings recipients of two
#     schools after a reload made the service one of two schools, is
#     tempfailed whole at its end (451 4.3.0, "send it again"), never
#     judged by one school's policies for the other's pupils
#   - a connection opened after that reload keeps RCPT's reply: the
#     second school's recipient gets 452 4.5.3 there
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/miltertest.sh"

mt_require
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-mtr.XXXXXX")
SOCK="unix:$T/aup.sock"
school_write "$T" "$SOCK"
cp "$T/aup-milter.conf" "$T/one-school.conf"
# the same service as two schools: the test school and Beech
school_service "$T" "$SOCK"
school_file "$T" testwood Testwood testwood.example
school_file "$T" beech Beech beech.example
mv "$T/aup-milter.conf" "$T/two-schools.conf"
cp "$T/one-school.conf" "$T/aup-milter.conf"

cleanup() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT
mt_start "$T"

# the reload the Lua script asks for between its negotiation and MAIL:
# the two-school file goes in, SIGUSR1, and wait until it is in use
cat > "$T/reload.sh" <<EOS
#!/bin/sh
cp "$T/two-schools.conf" "$T/aup-milter.conf"
kill -USR1 $PID
for i in \$(seq 1 100); do
	grep -q '^aup-milter: reloaded ' "$T/milter.log" && exit 0
	sleep 0.1
done
exit 1
EOS
chmod +x "$T/reload.sh"

cat > "$T/race.lua" <<'EOS'
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
assert(mt.test_option(conn, SMFIP_NR_MAIL), "one school: MAIL is not waited for")
assert(mt.test_option(conn, SMFIP_NR_RCPT), "one school: RCPT is not waited for")
assert(os.execute(reload) == true, "the reload did not happen")
lib.envelope(conn, "visitor@example.org",
    { "head@testwood.example", "head@beech.example" })
local r = lib.content(conn, { { "From", "visitor@example.org" },
    { "To", "head@testwood.example, head@beech.example" },
    { "Subject", "Hello" } })
assert(r == SMFIR_REPLYCODE, "expected 451 at the end, got " .. tostring(r))
assert(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
    "The filter's configuration changed while this message came in: please send it again"),
    "the 451 says to send the message again")
mt.disconnect(conn)
EOS

cat > "$T/after.lua" <<'EOS'
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.3")
assert(not mt.test_option(conn, SMFIP_NR_RCPT), "two schools: RCPT keeps its reply")
mt.macro(conn, SMFIC_MAIL, "i", "QID9")
assert(mt.mailfrom(conn, "<visitor@example.org>") == nil, "mailfrom")
assert(mt.getreply(conn) == SMFIR_CONTINUE, "mail not continued")
assert(mt.rcptto(conn, "<head@testwood.example>") == nil, "rcptto")
assert(mt.getreply(conn) == SMFIR_CONTINUE, "the first school's recipient is taken")
assert(mt.rcptto(conn, "<head@beech.example>") == nil, "rcptto")
assert(mt.getreply(conn) == SMFIR_REPLYCODE, "the second school's recipient is answered")
mt.disconnect(conn)
EOS

plan 4
out=$("$MT" -s "$T/race.lua" -D "sock=$SOCK" -D "reload=$T/reload.sh" \
    -D "libdir=$top_srcdir/tests/milter" 2>&1)
ok $? "a message whose connection began with one school and whose recipients are of two after a reload is tempfailed whole" ||
    diag "$out"
like "$(cat "$T/milter.log")" 'tempfailed: recipients of two schools came while the configuration changed' \
    "the log says why that message was tempfailed"
unlike "$(cat "$T/events.jsonl" 2>/dev/null)" '"queue_id":"QID1"' \
    "that message was not judged by one school's policies (no event for it)"
out=$("$MT" -s "$T/after.lua" -D "sock=$SOCK" \
    -D "libdir=$top_srcdir/tests/milter" 2>&1)
ok $? "after the reload a new connection keeps RCPT's reply and the second school's recipient is refused there" ||
    diag "$out"
done_testing
