#!/bin/bash
# test_postfix_hostile - hostile mail through a real Postfix and the
# shipped aup-milter (issue 13, classes 1, 2, 8 and 10), with the
# messages of tests/fixtures/make-hostile-fixtures.py:
#   class 1: a zip shaped like a Word package with a program among its
#            entries is held (discarded by Postfix, quarantined);
#   class 2: a clear pupil CSV next to 16 bytes named smime.p7m is
#            refused with 550;
#   class 8: a second From header naming the head is refused with 550;
#   class 10: a program whose file name and Subject carry a pupil's
#            name and UPN, and one in a zip folder named by a UPN whose
#            name carries a name and date of birth, are held; no value
#            is in the event log (reasons, subject, attachment names and
#            paths), the quarantine (index and REF.json), the milter's
#            log, Postfix's log or any notice.
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
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$(crlf c10-pupil-values-in-archive-path)"
is "$PF_CODE" 250 "class 10: the program in a folder named by a UPN is accepted by SMTP (to be held)"
pf_wait_log "$PF_QUEUE_ID: milter-discard" 20
ok $? "class 10: Postfix discards it on the milter's word"
like "$(event_for "$PF_QUEUE_ID")" '"subject":"\[withheld: [0-9]+ identifiers?\]"' \
    "class 10: the event log withholds the Subject"
sleep 2
values=$(python3 -c 'import json, sys
for c in json.load(open(sys.argv[1])):
    if c["cls"] == 10:
        print("\n".join(c["must_not_contain"]))' "$F/cases.json" | sort -u)
while IFS= read -r v; do
	leak=
	for f in "$S/events.jsonl" "$T/aup.out" "$PF_LOG" "$S"/quarantine/messages/*.json \
	    "$S"/quarantine/*.sqlite*; do
		[ -f "$f" ] && grep -a -q -F "$v" "$f" && leak="$leak $f"
	done
	for f in $(pf_sink_files); do
		grep -q 'X-AUP-Notification' "$f" && grep -a -q -F "$v" "$f" && leak="$leak notice:$f"
	done
	is "$leak" "" "class 10: \"$v\" is in no log, quarantine record or notice"
done <<< "$values"
done_testing
