#!/bin/bash
# test_postfix_schools - one service for two schools through a real
# Postfix: `[milter] schools = schools` with schools/ashfield.conf and
# schools/beech.conf, each judging its own mail.
#   - an inbound message to both schools: the first school's recipients
#     are accepted, the other's get 452 4.5.3 at RCPT; the client's second
#     copy for them is judged by their own school's policies
#   - a teacher's message to a parent of their own school is refused by
#     that school's parent-contact, with that school's office in the reply
#   - every event names its school; aupctl test picks the same school
#   - a reload rebuilds only the school whose file changed
#   - `aup-milter -t` checks every school file and names a broken one
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
AUP="$top_builddir/tests/aup-milter-test"
# The test school's folder (templates, spool, quarantine), then a main
# file that names no school of its own and the two school files.
school_write "$S" "unix:$S/aup.sock"
school_service "$S" "unix:$S/aup.sock" "[sender-auth]
local_records = local-records.txt"
# the visitor's SPF, answered before DNS
echo 'example.org TXT "v=spf1 ip4:198.51.100.7 -all"' > "$S/local-records.txt"
# Ashfield lets X-Test-Verdict through; Beech refuses it (the default).
school_file "$S" ashfield Ashfield ashfield.example mum.a@gmail.com "[test-verdict]
action = off"
school_file "$S" beech Beech beech.example dad.b@gmail.com

out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "two school files pass the check"
like "$out" '2 schools in ' "the check says how many schools it loaded"

pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$AUP" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

# 1. inbound to Ashfield first, then Beech: Beech's recipient gets 452
e2e_msg "$T/both.eml" "Sports day" "Visitor <visitor@example.org>" \
    "head@ashfield.example, head@beech.example" "X-Test-Verdict: reject"
n=$(pf_sink_count)
pf_send -a 198.51.100.7 -f visitor@example.org -t head@ashfield.example \
    -t head@beech.example -d "$T/both.eml"
is "$PF_CODE" 250 "the message is accepted for the first school's recipient"
like "$(cat "$PF_TRANSCRIPT")" '452 4\.5\.3 Too many schools in one message' \
    "the second school's recipient gets 452 4.5.3 at RCPT"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_rcpts "$f")" "head@ashfield.example" \
    "only Ashfield's recipient gets Ashfield's copy"
like "$(tail -n 1 "$S/events.jsonl")" '"school":"ashfield"' \
    "the event says Ashfield's policies judged it"

# 2. the client sends again for Beech: Beech's policy refuses it
pf_send -a 198.51.100.7 -f visitor@example.org -t head@beech.example \
    -d "$T/both.eml"
is "$PF_CODE" 550 "the copy sent again for Beech is judged by Beech's policies"
like "$(tail -n 1 "$S/events.jsonl")" '"school":"beech"' \
    "the event says Beech's policies judged it"

# 3. a Beech teacher writes to a Beech parent: Beech's office in the reply
e2e_msg "$T/pc.eml" "Pip's reading" "Teacher <t.one@beech.example>" dad.b@gmail.com
pf_send -a 10.9.1.2 -l t.one@beech.example -f t.one@beech.example \
    -t dad.b@gmail.com -d "$T/pc.eml"
is "$PF_CODE" 550 "a teacher writing to their own school's parent is refused"
like "$PF_REPLY" 'office@beech\.example' "the reply names the teacher's own school office"

# 4. the same address is no parent of Ashfield's: flagged, delivered
n=$(pf_sink_count)
e2e_msg "$T/pc2.eml" "Hello" "Teacher <t.two@ashfield.example>" dad.b@gmail.com
pf_send -a 10.9.1.2 -l t.two@ashfield.example -f t.two@ashfield.example \
    -t dad.b@gmail.com -d "$T/pc2.eml"
is "$PF_CODE" 250 "Beech's parent is not a parent for an Ashfield teacher"

# 5. a reload (SIGUSR1) rebuilds the changed school only: Ashfield now
#    refuses X-Test-Verdict too
sed -i 's/^action = off$/action = reject/' "$S/schools/ashfield.conf"
e2e_reload "$S" 'reloaded 2 schools: 1 rebuilt, 1 unchanged'
ok $? "the reload rebuilds Ashfield only and keeps Beech's loaded school"
pf_send -a 198.51.100.7 -f visitor@example.org -t head@ashfield.example \
    -d "$T/both.eml"
is "$PF_CODE" 550 "after the reload Ashfield's changed policy judges its mail"

# 6. aupctl test picks the school from the envelope as the daemon does
out=$("$top_builddir/tests/aupctl-test" -c "$S/aup-milter.conf" test \
    --from visitor@example.org --rcpt head@beech.example \
    --rcpt head@ashfield.example "$T/both.eml" 2>"$T/test.err")
like "$out" '"school":"beech"' "aupctl test judges by the first recipient's school"
like "$out" '"action":"reject"' "and gives Beech's verdict, as the daemon did"
like "$(cat "$T/test.err")" 'head@ashfield\.example: 452 4\.5\.3 ' \
    "aupctl test names the recipient the daemon would refuse for now"

# 7. a broken school file: -t fails and names the file and line
printf 'ofice = x@beech.example\n' >> "$S/schools/beech.conf"
line=$(grep -n '^ofice' "$S/schools/beech.conf" | cut -d: -f1)
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a broken school file fails the check"
like "$out" "schools/beech\.conf:$line: unknown key \"ofice\"" \
    "the error names the school file and its line"
done_testing
