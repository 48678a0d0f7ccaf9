#!/bin/bash
# test_postfix_pupil_data - the pupil-data policy through a real Postfix,
# with the shipped aup-milter and the test school with a roster of 30
# fictional pupils (pupils.csv):
#   (a) a teacher sends an unencrypted xlsx listing the 30 pupils (names,
#       UPNs with valid check letters, dates of birth) outside the school:
#       550 with the explanation (what was found, kinds and counts, how to
#       password-protect), no pupil value in the reply, the event log, the
#       milter's log or the Postfix log; nothing is delivered;
#   (b) the same workbook password-protected (Office agile encryption)
#       passes and is delivered byte for byte;
#   (c) the unencrypted workbook to a colleague inside the school is
#       delivered with X-AUP-Flag: pupil-data;
#   (d) a 10 MB workbook (2,000 pupils, then stock rows) sent to the
#       teacher from outside is delivered and its text is never extracted
#       (no policy that reads text applies to inbound mail to staff: the
#       event log says "text_extracted":false, "text_bytes":0);
#   (e) the same workbook sent by the teacher to a parent is read (the
#       text cap, 4 MiB, of text) and refused by pupil-data.
#   (f) safeguarding, with the shipped term lists: a pupil's self-harm
#       message to an outside address, bullying between two pupils and
#       grooming from outside to a pupil raise their alerts (the grep
#       below would prove nothing otherwise), and the grooming is held;
# and nothing leaks: no pupil value, and no phrase the safeguarding
# lists matched in (f), in any reply, the event log, the milter's log,
# the Postfix log, a header the milter added, a notice, the quarantine's
# metadata or any other file the milter wrote (the held message itself
# and the alert store, which keeps the evidence for the DSL, aside).
# The workbooks and messages are built here, by
# tests/fixtures/make-e2e-fixtures.py (python3 + python3-cryptography)
# and contrib/bench/make-pupil-files.py (the 10 MB workbook).
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"
python3 -c 'import cryptography' 2> /dev/null ||
    skip_all "python3-cryptography not installed (it writes the encrypted workbook)"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
F=$T/fixtures
mkdir -p "$S" "$F" && chmod 755 "$S"
GEN="$top_srcdir/tests/fixtures/make-e2e-fixtures.py"
# pf_start installs the EXIT trap that removes $T; until then, do it here.
trap 'rm -rf "$T"' EXIT
python3 "$GEN" pupils "$F" > "$F/gen.out" 2>&1 ||
    bail_out "cannot build the workbooks: $(cat "$F/gen.out")"
cp "$F/pupils.csv" "$S/pupils.csv"
cp -r "$top_srcdir/conf/safeguarding" "$S/safeguarding" ||
    bail_out "cannot copy the term lists"
school_write "$S" "unix:$S/aup.sock" "pupils = pupils.csv
[milter]
group = postfix
socket_mode = 0660"
pf_start "$T" "unix:$S/aup.sock" "message_size_limit = 40000000" ||
    bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

TEACHER=t.one@testwood.example
OUTSIDE=partner@college.example
COLLEAGUE=j.smith@testwood.example
XLSX=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
VALUES=$F/values.txt

# msg FILE TO SUBJECT ATTACHMENT - a teacher's message with one workbook
msg() {
	python3 "$GEN" message "$1" "Teacher One <$TEACHER>" "$2" "$3" "$4" "$XLSX" ||
	    bail_out "cannot write $1"
}
# msgid FILE - the Message-ID of a message file
msgid() { sed -n 's/^Message-ID: *//p' "$1" | tr -d '\r' | head -n 1; }
# sink_msgid ID - the complete sink files holding Message-ID ID
sink_msgid() {
	local f
	for f in $(pf_sink_files); do
		grep -q -F -e "$1" "$f" && printf '%s\n' "$f"
	done
}
# event_for QID - the event log line of the message Postfix queued as QID
event_for() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("queue_id") == sys.argv[2]:
        print(line, end="")' "$S/events.jsonl" "$1"
}
# policy_of EVENT NAME - "result|reason" of one policy in an event line
policy_of() {
	printf '%s\n' "$1" | python3 -c 'import json, sys
e = json.loads(sys.stdin.read() or "{}")
for p in e.get("policies", []):
    if p.get("name") == sys.argv[1]:
        print(p.get("result", "") + "|" + p.get("reason", ""))' "$2"
}
# leaks TEXT - print the pupil values (whole words, any case) found in TEXT
leaks() { printf '%s\n' "$1" | grep -o -i -w -F -f "$VALUES" | sort -u | head -n 5; }
# unwrap REPLY - the text of a multi-line SMTP reply as one line
unwrap() { printf '%s\n' "$1" | sed 's/^[0-9][0-9][0-9][- ]5\.7\.1 //' | tr -d '\r' | tr '\n' ' '; }

ok "$([ "$(grep -c . "$S/pupils.csv")" = 31 ]; echo $?)" "the roster lists 30 pupils"
# The UPNs in the roster are valid (checked by the fixture's own DfE
# formula against the worked examples of UK-SCHOOL-DATA.md).
python3 -c 'import importlib.util, sys
s = importlib.util.spec_from_file_location("g", sys.argv[1])
g = importlib.util.module_from_spec(s); s.loader.exec_module(g)
ok = all(g.upn_check_letter(u[1:]) == u[0] for u in
         ("H801200001001", "Z213282605052", "X00180001701A", "B801200005001"))
ok = ok and g.upn_check_letter("801200005001") != "A"
ok = ok and all(g.upn_check_letter(p[0][1:]) == p[0][0] for p in g.pupils())
sys.exit(0 if ok else 1)' "$GEN"
ok $? "the check letters follow the DfE formula (worked examples agree)"
is "$(printf 'Pupil QUENNELL, Zephyrine\n' | grep -c -i -w -F -f "$VALUES")" 1 \
    "the leak check finds a pupil name written in another case"

# ---------------------------------------------------------------- (a)
msg "$T/a.eml" "$OUTSIDE" "Year 4 register for the trip" "$F/register.xlsx"
n=$(pf_sink_count)
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$OUTSIDE" -d "$T/a.eml"
is "$PF_CODE" 550 "(a) an unencrypted workbook of 30 pupils to an outside address is refused with 550"
REPLY_A=$PF_REPLY
text=$(unwrap "$REPLY_A")
like "$REPLY_A" '^550-5\.7\.1 Not sent: this email contains pupil personal data that is not encrypted\.$' \
    "(a) the first line says pupil data was not encrypted"
like "$text" 'What we found: the attachment "register\.xlsx" \(30 pupil names, 30 UPNs and 30 dates of birth\)\.' \
    "(a) the reply says what was found: the attachment, the kinds and how many of each"
like "$text" 'We never copy the names or numbers themselves into this reply or our logs\.' \
    "(a) the reply says the values are never repeated"
like "$text" 'In Excel: File > Info > Protect Workbook > Encrypt with Password\.' \
    "(a) the reply says how to password-protect the workbook in Excel"
like "$text" 'encrypted zip \(7-Zip: Add to archive, Encryption method AES-256' \
    "(a) the reply offers the encrypted zip"
like "$text" 'Give the password by phone or another channel .* never in the same email' \
    "(a) the reply says to give the password another way"
like "$REPLY_A" '^550 5\.7\.1 Reference: [0-9A-Z]{10}$' "(a) the last line carries the reference"
REF_A=$(printf '%s\n' "$REPLY_A" | sed -n 's/^550 5\.7\.1 Reference: \([0-9A-Z]\{10\}\)$/\1/p')
is "$(leaks "$REPLY_A")" "" "(a) no pupil name, UPN or date of birth appears in the reply"
ev_a=$(grep "\"ref\":\"$REF_A\"" "$S/events.jsonl")
like "$ev_a" '"action":"reject"' "(a) the event log line with the same reference says reject"
like "$(policy_of "$ev_a" pupil-data)" '^reject\|.*: 30 name, 30 upn, 30 dob$' \
    "(a) the event log gives the kinds and counts"
is "$(leaks "$ev_a")" "" "(a) no pupil value appears in the event log line"
pf_wait_log 'milter-reject: END-OF-MESSAGE.*Not sent: this email contains pupil' 20
ok $? "(a) Postfix logs the milter's refusal"
is "$(pf_queue_count '')" 0 "(a) Postfix did not queue the refused message"

# ---------------------------------------------------------------- (b)
msg "$T/b.eml" "$OUTSIDE" "Year 4 register for the trip (protected)" "$F/register-protected.xlsx"
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$OUTSIDE" -d "$T/b.eml"
is "$PF_CODE" 250 "(b) the password-protected twin to the same outside address is accepted"
QID_B=$PF_QUEUE_ID
pf_wait_delivered $((n + 1)) 30; ok $? "(b) the protected workbook is delivered"
fb=$(sink_msgid "$(msgid "$T/b.eml")" | head -n 1)
ok "$([ -n "$fb" ]; echo $?)" "(b) the sink has the protected message"
if [ -n "$fb" ]; then
	is "$(pf_sink_rcpts "$fb")" "$OUTSIDE" "(b) it goes to the outside recipient"
	is "$(pf_sink_header "$fb" X-AUP-Flag)" "" "(b) it is not flagged"
	pf_sink_message "$fb" > "$T/b.delivered"
	python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
a = [p for p in m.iter_attachments() if p.get_filename() == "register-protected.xlsx"]
sys.exit(0 if a and a[0].get_content() == open(sys.argv[2], "rb").read() else 1)' \
	    "$T/b.delivered" "$F/register-protected.xlsx"
	ok $? "(b) the encrypted workbook arrives byte for byte"
else
	skip "no delivered copy" 3
fi
ev_b=$(event_for "$QID_B")
like "$ev_b" '"action":"accept"' "(b) the event log says accept"
like "$(policy_of "$ev_b" pupil-data)" '^pass\|' "(b) pupil-data passes it"
like "$ev_b" '"name":"register-protected\.xlsx"[^}]*"encrypted":true' \
    "(b) the event log records the attachment as encrypted"

# ---------------------------------------------------------------- (c)
msg "$T/c.eml" "Jo Smith <$COLLEAGUE>" "Year 4 register for the trip (internal)" "$F/register.xlsx"
n=$(pf_sink_count)
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$COLLEAGUE" -d "$T/c.eml"
is "$PF_CODE" 250 "(c) the unencrypted workbook to a colleague inside the school is accepted"
QID_C=$PF_QUEUE_ID
pf_wait_delivered $((n + 1)) 30; ok $? "(c) it is delivered"
fc=$(sink_msgid "$(msgid "$T/c.eml")" | head -n 1)
ok "$([ -n "$fc" ]; echo $?)" "(c) the sink has the internal message"
ev_c=$(event_for "$QID_C")
REF_C=$(printf '%s\n' "$ev_c" | sed -n 's/.*"ref":"\([0-9A-Z]\{10\}\)".*/\1/p')
if [ -n "$fc" ]; then
	is "$(pf_sink_rcpts "$fc")" "$COLLEAGUE" "(c) it goes to the colleague"
	is "$(pf_sink_header "$fc" X-AUP-Flag)" "pupil-data; ref=$REF_C" \
	    "(c) the delivered copy carries X-AUP-Flag: pupil-data with the reference"
else
	skip "no delivered copy" 2
fi
like "$ev_c" '"action":"flag"' "(c) the event log says flag"
like "$(policy_of "$ev_c" pupil-data)" '^flag\|.*30 name, 30 upn, 30 dob' \
    "(c) the event log gives the kinds and counts for the internal message"

# ---------------------------------------------------------- (d), (e)
python3 "$top_srcdir/contrib/bench/make-pupil-files.py" "$F/big" testwood.example \
    > "$F/big.out" 2>&1 || bail_out "cannot build the 10 MB workbook: $(cat "$F/big.out")"
python3 "$GEN" message "$T/d.eml" "Partner <$OUTSIDE>" "Teacher One <$TEACHER>" \
    "Stock list" "$F/big/sheet.xlsx" "$XLSX" || bail_out "cannot write $T/d.eml"
n=$(pf_sink_count)
pf_send -a 198.51.100.7 -f "$OUTSIDE" -t "$TEACHER" -d "$T/d.eml"
is "$PF_CODE" 250 "(d) a 10 MB workbook from outside to a teacher is accepted"
ev_d=$(event_for "$PF_QUEUE_ID")
like "$ev_d" '"direction":"inbound"' "(d) the event log says inbound"
like "$ev_d" '"text_extracted":false,"text_bytes":0,' \
    "(d) no text was extracted: no policy that reads text applies"
like "$(policy_of "$ev_d" executables)" '^pass\|' "(d) executables still judged the workbook's entries"
pf_wait_delivered $((n + 1)) 60; ok $? "(d) it is delivered"
msg "$T/e.eml" "mum.ann@gmail.com" "Stock list" "$F/big/sheet.xlsx"
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t mum.ann@gmail.com -d "$T/e.eml"
is "$PF_CODE" 550 "(e) the same workbook from the teacher to a parent is refused"
REF_E=$(printf '%s\n' "$PF_REPLY" | grep -o 'Reference: [0-9A-Z]\{10\}' | cut -c12-)
ev_e=$(grep "\"ref\":\"$REF_E\"" "$S/events.jsonl")
like "$ev_e" '"text_extracted":true,"text_bytes":4194[0-9]{3},' \
    "(e) its text was extracted, up to the 4 MiB cap"
like "$(policy_of "$ev_e" pupil-data)" '^reject\|.*: 2000 upn' \
    "(e) pupil-data read it and refuses it: 2,000 UPNs"

# ---------------------------------------------------------------- (f)
n=$(pf_sink_count)
PUPIL=amy21@pupils.testwood.example
PUPIL2=ben21@pupils.testwood.example
STRANGER=jay@footyscouts.example
# The phrases of the shipped lists that the messages below hold (each
# alerts on its own); with the pupil values, what must never leak.
PHRASES=$F/phrases.txt
cat > "$PHRASES" <<'EOP'
i hate myself
want to die
kill myself
nobody likes you
go kill yourself
how old are you
our little secret
send me a picture
EOP
cat "$VALUES" "$PHRASES" > "$F/secrets.txt"
# sg_msg FILE FROM TO SUBJECT BODY - a plain-text message
sg_msg() {
	{
		printf 'From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n' "$2" "$3" "$4"
		printf 'Message-ID: <%s.%s@testwood.example>\r\n' "$(basename "$1")" "$$"
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "$5"
	} > "$1"
}
# alerts_of EVENT - "category:score ..." of an event line's alerts
alerts_of() {
	printf '%s\n' "$1" | python3 -c 'import json, sys
e = json.loads(sys.stdin.read() or "{}")
print(" ".join(a["category"] for a in e.get("alerts", [])))'
}
sg_msg "$T/d1.eml" "$PUPIL" "$OUTSIDE" "weekend" "i hate myself. i \
want to die, i keep thinking i should kill myself."
pf_send -a 10.9.1.7 -l "$PUPIL" -f "$PUPIL" -t "$OUTSIDE" -d "$T/d1.eml"
REPLY_D1=$PF_REPLY
ev_d1=$(event_for "$PF_QUEUE_ID")
[ -n "$PF_QUEUE_ID" ] || ev_d1=$(tail -n 1 "$S/events.jsonl")
like "$(alerts_of "$ev_d1")" 'self-harm' "(f) a pupil's self-harm message to an outside address raises a self-harm alert"
sg_msg "$T/d2.eml" "$PUPIL" "$PUPIL2" "you" "nobody likes you. go kill \
yourself."
pf_send -a 10.9.1.7 -l "$PUPIL" -f "$PUPIL" -t "$PUPIL2" -d "$T/d2.eml"
is "$PF_CODE" 250 "(f) bullying between two pupils is accepted"
REPLY_D2=$PF_REPLY
ev_d2=$(event_for "$PF_QUEUE_ID")
like "$(alerts_of "$ev_d2")" 'bullying' "(f) it raises a bullying alert"
like "$ev_d2" '"action":"flag"' "(f) and is flagged, not held"
sg_msg "$T/d3.eml" "$STRANGER" "$PUPIL" "hi" "how old are you? send me a \
picture, it is our little secret."
pf_send -a 192.0.2.50 -f "$STRANGER" -t "$PUPIL" -d "$T/d3.eml"
REPLY_D3=$PF_REPLY
ev_d3=$(event_for "$PF_QUEUE_ID")
like "$(alerts_of "$ev_d3")" 'grooming' "(f) grooming from outside to a pupil raises a grooming alert"
like "$ev_d3" '"action":"quarantine"' "(f) and is held"
REF_D3=$(printf '%s\n' "$ev_d3" | sed -n 's/.*"ref":"\([0-9A-Z]\{10\}\)".*/\1/p')
ok "$([ -s "$S/quarantine/messages/$REF_D3.eml" ] &&
    grep -q -i 'our little secret' "$S/quarantine/messages/$REF_D3.eml"; echo $?)" \
    "(f) the held message (and only it) keeps the words"
pf_wait_delivered $((n + 2)) 30 > /dev/null

# ------------------------------------------------------ nothing leaked
# leaks now covers the safeguarding phrases too
leaks() { printf '%s\n' "$1" | grep -o -i -w -F -f "$F/secrets.txt" | sort -u | head -n 5; }
is "$(leaks "$REPLY_D1
$REPLY_D2
$REPLY_D3")" "" "no matched phrase appears in a reply"
headers=""
for f in $(pf_sink_files); do
	headers="$headers$(pf_sink_message "$f" | tr -d '\r' | sed '/^$/q' | grep '^X-AUP-')"
done
like "$headers" 'X-AUP-Flag: safeguarding' "the delivered copies carry the milter's headers"
is "$(leaks "$headers")" "" "no pupil value or matched phrase in a header the milter added"
notes=""
for f in $(pf_sink_files); do
	grep -q '^X-AUP-Notification: ' "$f" && notes="$notes$(pf_sink_message "$f")"
done
is "$(leaks "$notes")" "" "no pupil value or matched phrase in a notice"
written=$(find "$S" -type f ! -path "$S/quarantine/messages/*" \
    ! -path "$S/safeguarding/*" ! -name 'alerts*' ! -name 'pupils.csv' \
    ! -name 'aup.sock' -print)
ok "$([ -n "$(find "$S/quarantine" -type f ! -path "$S/quarantine/messages/*")" ]; echo $?)" \
    "the quarantine holds metadata beside the held message"
# sqlite_text DB - every row of every table but alert_matches (the
# DSL's evidence, shown only by `aupctl alerts show`), one line a row
sqlite_text() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("select name from sqlite_master where type = ?", ("table",)):
    if t != "alert_matches":
        for row in db.execute("select * from \"%s\"" % t):
            print(t, *row)' "$1"
}
found=""
for f in $written; do
	case $f in
	*.sqlite)	text=$(sqlite_text "$f") ;;
	*)		text=$(cat "$f") ;;
	esac
	[ -n "$(leaks "$text")" ] && found="$found ${f#"$S/"}"
done
is "$found" "" "no pupil value or matched phrase in any other file the milter wrote (quarantine metadata and index, spool, state)"
like "$(sqlite_text "$S/quarantine/index.sqlite")" "^alerts .*grooming" \
    "the store's alert rows (read for the check above) are there"
aid=$(msgid "$T/a.eml")
is "$(sink_msgid "$aid")" "" \
    "(a) the refused message was never delivered (no sink file has its Message-ID)"
is "$(leaks "$(cat "$S/events.jsonl")")" "" "no pupil value or matched phrase appears anywhere in the event log"
is "$(leaks "$(pf_log)")" "" "no pupil value or matched phrase appears anywhere in the Postfix log"
is "$(leaks "$(cat "$T/aup.out")")" "" "no pupil value or matched phrase appears in the milter's own log"
done_testing
