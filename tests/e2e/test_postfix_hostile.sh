#!/bin/bash
# test_postfix_hostile - hostile mail through a real Postfix and the
# shipped aup-milter (issue 13, classes 1, 2, 8 and 10), with the
# messages of tests/fixtures/make-hostile-fixtures.py:
#   class 1: a zip shaped like a Word package with a program among its
#            entries is held (discarded by Postfix, quarantined);
#   class 2: a clear pupil CSV next to 16 bytes named smime.p7m is
#            refused with 550;
#   class 8: a second From header naming the head is refused with 550;
#   class 10: a program whose file name carries a pupil's name and UPN
#            is held; neither value is in the policies' reasons in the
#            event log, nor in the milter's log.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
F=$T/fixtures
mkdir -p "$S" && chmod 755 "$S"
trap 'rm -rf "$T"' EXIT
python3 "$top_srcdir/tests/fixtures/make-hostile-fixtures.py" "$F" \
    > "$T/gen.out" 2>&1 || bail_out "cannot build the messages: $(cat "$T/gen.out")"
cp "$F/pupils.csv" "$S/pupils.csv"
printf '%s\n' 'supplier.example TXT "v=spf1 ip4:192.0.2.7 -all"' \
    'testwood.example TXT "v=spf1 ip4:10.9.0.0/16 -all"' > "$S/records.txt"
school_write "$S" "unix:$S/aup.sock" "pupils = pupils.csv
[sender-auth]
local_records = records.txt
[milter]
group = postfix
socket_mode = 0660"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

SUPPLIER=sender@supplier.example
OFFICE=office@testwood.example
TEACHER=t.one@testwood.example
OUTSIDE=partner@college.example

# event_for QID - the event log line of the message Postfix queued as QID
event_for() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("queue_id") == sys.argv[2]:
        print(line, end="")' "$S/events.jsonl" "$1"
}
# crlf NAME - the fixture NAME with CRLF line ends, as a file
crlf() { sed 's/$/\r/' "$F/$1.eml" > "$T/$1.eml"; printf '%s\n' "$T/$1.eml"; }

# ---------------------------------------------------------------- class 1
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$(crlf c01-docx-shaped-zip)"
is "$PF_CODE" 250 "class 1: the docx-shaped zip is accepted by SMTP (to be held)"
pf_wait_log "$PF_QUEUE_ID: milter-discard" 20
ok $? "class 1: Postfix discards it on the milter's word"
ev=$(event_for "$PF_QUEUE_ID")
like "$ev" '"action":"quarantine"' "class 1: the event log says quarantine"
like "$ev" 'Invoice\.exe: a Windows program' "class 1: the reason names the program inside"

# ---------------------------------------------------------------- class 2
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$OUTSIDE" -d "$(crlf c02-csv-beside-fake-smime)"
is "$PF_CODE" 550 "class 2: a clear pupil CSV beside a fake smime.p7m is refused"
like "$PF_REPLY" 'pupil personal data' "class 2: the reply says why"

# ---------------------------------------------------------------- class 8
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$(crlf c08-second-from-header)"
is "$PF_CODE" 550 "class 8: a second From header naming the head is refused"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$(crlf c08-group-from)"
is "$PF_CODE" 550 "class 8: a group From naming the head is refused"

# ---------------------------------------------------------------- class 10
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$(crlf c10-pupil-values-in-file-name)"
is "$PF_CODE" 250 "class 10: the program named after a pupil is accepted by SMTP (to be held)"
pf_wait_log "$PF_QUEUE_ID: milter-discard" 20
ok $? "class 10: Postfix discards it on the milter's word"
ev=$(event_for "$PF_QUEUE_ID")
like "$ev" '\[withheld: [0-9]+ identifiers?\]' "class 10: the reason withholds the file name"
upn=$(sed -n '2s/,.*//p' "$F/pupils.csv")
reasons=$(printf '%s\n' "$ev" | python3 -c 'import json, sys
e = json.loads(sys.stdin.read() or "{}")
print("\n".join(p.get("reason", "") for p in e.get("policies", [])))')
for v in "Kai Matthews" "$upn"; do
	is "$(printf '%s\n' "$reasons" | grep -c -F "$v")" 0 \
	    "class 10: \"$v\" is not in the reasons of the event log"
	is "$(grep -c -F "$v" "$T/aup.out")" 0 "class 10: \"$v\" is not in the milter's log"
done
done_testing
