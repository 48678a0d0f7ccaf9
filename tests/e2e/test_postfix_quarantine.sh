#!/bin/bash
# test_postfix_quarantine - held messages, the notices and the DSL's review
# through a real Postfix, with the shipped aup-milter and aupctl.
# sendmail_path is a two-line wrapper around the private instance's real
# Postfix sendmail(1), so released copies go through pickup, the milter
# (non_smtpd_milters) and on to the sink like any local mail; notices go
# by SMTP to [notify] relay, the instance's smtpd, and on to the sink.
#   - an inbound zip holding a Windows program: 250, not delivered, listed;
#     the DSL's notice arrives (reference, sender, subject, reason, no
#     attachment)
#   - an outbound Linux program (gcc): held, and the sender is told
#   - release: delivered once, to the original envelope, with the mark;
#     a second release is refused
#   - the released copy sent again (a replay) and a copy with a forged
#     mark are held again, and the milter logs why
#   - a genuine mark moved to another Subject, From, recipient list or
#     envelope sender is held again; a release to another address is
#     marked for it and delivered
#   - delete removes the stored files; list no longer shows it as held
#   - every action is an audit event naming the Unix user and SUDO_USER
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"
command -v gcc > /dev/null 2>&1 || skip_all "gcc not installed (it builds the Linux program)"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
trap 'rm -rf "$T"' EXIT		# until pf_start installs its own trap
GEN="$top_srcdir/tests/fixtures/make-e2e-fixtures.py"
cat > "$S/local-records.txt" <<'EOR'
# SPF records for the test, answered before DNS
testwood.example TXT "v=spf1 ip4:192.0.2.25 -all"
supplier.example TXT "v=spf1 ip4:192.0.2.7 -all"
EOR
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
sendmail_path = $S/sendmail
release_secret = $S/release.key
notify = each
notify_sender = yes
[sender-auth]
local_records = local-records.txt"
grep -qx 'dsl = dsl@testwood.example' "$S/aup-milter.conf" ||
    bail_out "the test school has no [school] dsl = dsl@testwood.example"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$PF_PORT" >> "$S/aup-milter.conf"
# aupctl's sendmail(1): the real Postfix one, this instance.  It keeps a
# copy of each message it is given (S/injected.N.eml, the marked copy a
# replay is made of) and, while S/record-only exists, only keeps it.
cat > "$S/sendmail" <<EOT
#!/bin/sh
n=\$(ls "$S"/injected.*.eml 2> /dev/null | wc -l)
f="$S/injected.\$((n + 1)).eml"
cat > "\$f"
[ -e "$S/record-only" ] && exit 0
exec /usr/sbin/sendmail -C "$PF_CONF" "\$@" < "\$f"
EOT
chmod 755 "$S/sendmail"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

DSL=dsl@testwood.example
TEACHER=t.one@testwood.example
OFFICE=office@testwood.example
SUPPLIER=sales@supplier.example
PARTNER=partner@college.example
MLOG=$T/aup.out
export SUDO_USER=jane.dsl	# what sudo sets; aupctl's audit names it
AUPCTL=("$top_builddir/aupctl" -c "$S/aup-milter.conf" quarantine)

# sink_with ERE - the complete sink files with a line matching ERE
sink_with() {
	local f
	for f in $(pf_sink_files); do
		grep -E -q -e "$1" "$f" && printf '%s\n' "$f"
	done
}
# wait_sink ERE [T] - wait (bounded) until a sink file matches ERE
wait_sink() {
	local _
	for _ in $(seq 1 $((${2:-$PF_TIMEOUT} * 10))); do
		[ -n "$(sink_with "$1")" ] && return 0
		sleep 0.1
	done
	diag "no sink file matching '$1' after ${2:-$PF_TIMEOUT}s" "$(tail -n 10 "$PF_LOG")"
	return 1
}
# body_of FILE - the message of a sink file, headers unfolded, CR removed
body_of() { pf_sink_message "$1" | tr -d '\r'; }
# event_for QID - the event log line of the message Postfix queued as QID
event_for() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("queue_id") == sys.argv[2]:
        print(line, end="")' "$S/events.jsonl" "$1"
}
# ref_of EVENT - the reference of an event line
ref_of() { printf '%s\n' "$1" | sed -n 's/.*"ref":"\([0-9A-Z]\{10\}\)".*/\1/p' | head -n 1; }
# audit EVENT REF RESULT - the audit lines of one aupctl action (REF
# empty for list), done by this Unix user through "sudo" as jane.dsl
audit() {
	python3 -c 'import json, sys
ev, ref, result, user = sys.argv[2:6]
for line in open(sys.argv[1]):
    e = json.loads(line)
    if (e.get("event") == ev and e.get("ref", "") == ref and
            e.get("user") == user and e.get("sudo_user") == "jane.dsl" and
            e.get("result") == result):
        print(line, end="")' "$S/events.jsonl" "$1" "$2" "$3" "$(id -un)"
}
# flat TEXT - TEXT as one line (the notices wrap at 78 columns)
flat() { printf '%s\n' "$1" | tr '\n' ' ' | tr -s ' '; }
# held_send QID - wait until Postfix logs the milter's discard of QID
held_send() { pf_wait_log "$1: milter-discard" 20; }

# released_copies SUBJECT - sink files of the message itself (not a notice)
released_copies() {
	sink_with "^Subject: $1\$" | xargs -r grep -L '^X-AUP-Notification:'
}

# The attachments: a zip holding a minimal Windows program (PE32+), and
# a Linux program built with gcc.
python3 "$GEN" pe "$T/invoice.zip" > "$T/gen.out" 2>&1 ||
    bail_out "cannot build the zip: $(cat "$T/gen.out")"
printf 'int main(void) { return 0; }\n' > "$T/pi.c"
gcc -o "$T/pi-backup" "$T/pi.c" 2>> "$T/gen.out" ||
    bail_out "gcc failed: $(cat "$T/gen.out")"
python3 "$GEN" message "$T/in.eml" "QuickPay Invoicing <$SUPPLIER>" \
    "$OFFICE, $TEACHER" "Invoice INV-20417 overdue" "$T/invoice.zip" application/zip ||
    bail_out "cannot write in.eml"
python3 "$GEN" message "$T/out.eml" "Teacher One <$TEACHER>" "$PARTNER" \
    "backup tool for the Raspberry Pi club" "$T/pi-backup" application/octet-stream ||
    bail_out "cannot write out.eml"
ZIP_B64=$(base64 -w 0 < "$T/invoice.zip" | head -c 40)
# ere TEXT - base64 TEXT as an extended regular expression ("+" literal:
# the zip holds the time it was made, so its base64 changes every run)
ere() { printf '%s' "$1" | sed 's/+/\\+/g'; }

# ------------------------------------------------ 1. inbound: held
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -t "$TEACHER" -d "$T/in.eml"
is "$PF_CODE" 250 "an inbound zip holding a Windows program is accepted with 250"
QID_IN=$PF_QUEUE_ID
held_send "$QID_IN"; ok $? "Postfix discards it on the milter's word"
EV_IN=$(event_for "$QID_IN")
R1=$(ref_of "$EV_IN")
like "$EV_IN" '"action":"quarantine".*"quarantine":true' "the event log says it is held"
like "$R1" '^[0-9A-Z]{10}$' "it has a reference code"
like "$EV_IN" '"path":"2/invoice\.zip/Invoice INV-20417\.exe","name":"Invoice INV-20417\.exe","type":"application/vnd\.microsoft\.portable-executable"' \
    "the analysis found the Windows program inside the zip, by content"
ok "$([ -s "$S/quarantine/messages/$R1.eml" ] && [ -s "$S/quarantine/messages/$R1.json" ]; echo $?)" \
    "the message and its envelope are in the quarantine store"
list=$("${AUPCTL[@]}" list)
like "$list" "^$R1 .* inbound +executables +held$" "aupctl quarantine list shows it as held"
like "$list" "Why: +Invoice INV-20417\.exe: a Windows program \(inside the zip archive invoice\.zip\)" \
    "list says why it is held"
ok "$([ -n "$(audit quarantine-list '' ok)" ]; echo $?)" \
    "the list is an audit event with the Unix user and SUDO_USER"

# The DSL's notice reaches the sink through Postfix.
wait_sink "^X-AUP-Notification: held; ref=$R1" 30
ok $? "the DSL's notice for the inbound message arrives at the sink"
fn=$(sink_with "^X-AUP-Notification: held; ref=$R1" | head -n 1)
if [ -n "$fn" ]; then
	note=$(body_of "$fn")
	is "$(pf_sink_rcpts "$fn")" "$DSL" "the notice is addressed to the DSL (envelope)"
	is "$(pf_sink_header "$fn" Subject)" "Message held for your review (ref $R1)" \
	    "its subject names the reference"
	like "$note" "^Reference: +$R1$" "the notice gives the reference"
	like "$note" "^From: +$SUPPLIER$" "the notice gives the sender"
	like "$note" "^To: +$OFFICE, $TEACHER$" "the notice gives the recipients"
	like "$note" "^Subject: +Invoice INV-20417 overdue$" "the notice gives the subject"
	like "$note" "^Why: +Invoice INV-20417\.exe: a Windows program \(inside the zip archive invoice\.zip\)$" \
	    "the notice gives the reason"
	like "$note" "aupctl quarantine release $R1" "the notice says how to release it"
	is "$(pf_sink_header "$fn" Content-Type)" "text/plain; charset=utf-8" \
	    "the notice is plain text (no multipart)"
	is "$(pf_sink_sender "$fn")" "aup-milter@testwood.example" \
	    "from [notify] from's default, aup-milter@ the school's domain"
	unlike "$note" "Content-Disposition|^--|$(ere "$ZIP_B64")" \
	    "the notice carries no attachment and no part of one"
else
	skip "no DSL notice" 11
fi
is "$(sink_with "Invoice INV-20417 overdue" | xargs -r grep -L '^X-AUP-Notification:' )" "" \
    "the held message itself was not delivered"

# ------------------------------------------------ 2. outbound: held, sender told
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$PARTNER" -d "$T/out.eml"
is "$PF_CODE" 250 "a teacher's message with a Linux program is accepted with 250"
QID_OUT=$PF_QUEUE_ID
held_send "$QID_OUT"; ok $? "and discarded from the mail flow"
R2=$(ref_of "$(event_for "$QID_OUT")")
like "$("${AUPCTL[@]}" list)" "^$R2 .* outbound +executables +held$" "list shows the outbound message as held"
# Two notices: the DSL's and the teacher's (each its own subject).
wait_sink "^Subject: Message held for your review \(ref $R2\)$" 30
wait_sink "^Subject: Your message has been held for review \(ref $R2\)$" 30
sender_note=''
for f in $(sink_with "^X-AUP-Notification: held; ref=$R2"); do
	[ "$(pf_sink_rcpts "$f")" = "$TEACHER" ] && sender_note=$f
	[ "$(pf_sink_rcpts "$f")" = "$DSL" ] && dsl_note=$f
done
ok "$([ -n "${dsl_note-}" ]; echo $?)" "the DSL is told of the outbound message too"
ok "$([ -n "$sender_note" ]; echo $?)" "the teacher is told their message is held"
if [ -n "$sender_note" ]; then
	note=$(body_of "$sender_note")
	like "$(flat "$note")" "Your message has not been sent yet: the Testwood Primary email filter has held it for review\." \
	    "the sender's notice says the message has not been sent"
	like "$note" "^Reference: +$R2$" "the sender's notice gives the reference"
	like "$note" "^To: +$PARTNER$" "the sender's notice gives the recipient"
	like "$note" "^Subject: +backup tool for the Raspberry Pi club$" "the sender's notice gives the subject"
	like "$note" "^Why: +pi-backup: a Linux program$" "the sender's notice gives the reason"
	like "$(flat "$note")" "The Designated Safeguarding Lead \($DSL\) has been told and will release or remove it\." \
	    "the sender's notice says the DSL will decide"
	unlike "$note" 'Content-Disposition|^--|aupctl' "the sender's notice has no attachment and no DSL commands"
else
	skip "no sender notice" 7
fi
is "$(sink_with "^Subject: backup tool" | xargs -r grep -L '^X-AUP-Notification:')" "" \
    "the held outbound message was not delivered"

# ------------------------------------------------ 3. release, once
"${AUPCTL[@]}" release "$R1" > "$T/release.out" 2>&1
ok $? "aupctl quarantine release succeeds"
like "$(cat "$T/release.out")" "^Released $R1 to 2 recipients; it is delivered once\.$" \
    "release says to how many recipients"
for _ in $(seq 1 300); do
	[ -n "$(released_copies "Invoice INV-20417 overdue")" ] && break
	sleep 0.1
done
ok "$([ -n "$(released_copies "Invoice INV-20417 overdue")" ]; echo $?)" \
    "the released copy reaches the sink through Postfix"
pf_wait_queue_empty 30
sleep 1		# let anything still in flight land
rel=$(released_copies "Invoice INV-20417 overdue")
is "$(printf '%s\n' "$rel" | grep -c .)" 1 "exactly one copy is delivered"
fr=$(printf '%s\n' "$rel" | head -n 1)
if [ -n "$fr" ]; then
	is "$(pf_sink_rcpts "$fr" | sort | tr '\n' ' ')" "$OFFICE $TEACHER " \
	    "it goes to the original envelope recipients"
	is "$(pf_sink_sender "$fr")" "$SUPPLIER" "from the original envelope sender"
	is "$(pf_sink_header "$fr" X-AUP-Release)" "" \
	    "the delivered copy no longer carries the X-AUP-Release mark"
	like "$(body_of "$fr")" "^$(ere "${ZIP_B64:0:30}")" "the delivered copy still holds the attachment"
else
	skip "no released copy" 4
fi
like "$(cat "$MLOG")" "release mark for $R1 verified \(released by jane\.dsl\)" \
    "the milter logs that the mark verified and who released it"
"${AUPCTL[@]}" release "$R1" > "$T/release2.out" 2>&1
rc=$?
isnt "$rc" 0 "a second release of the same message fails (exit status $rc)"
like "$(cat "$T/release2.out")" "$R1 was already released on .* by jane\.dsl; a message is released once" \
    "and says it was already released, and by whom"
pf_wait_queue_empty 30
is "$(released_copies "Invoice INV-20417 overdue" | grep -c .)" 1 "still exactly one copy after the refused release"
like "$("${AUPCTL[@]}" list --all)" "^$R1 .* inbound +executables +released$" "list --all shows it as released"

# ------------------------------------------------ 4. replay and forgery
cp "$S/injected.1.eml" "$T/replay.eml" 2> /dev/null || : > "$T/replay.eml"
like "$(cat "$T/replay.eml")" "^X-AUP-Release: $R1; h=from:to:cc:subject:date:message-id:content-type; mac=" \
    "the replayed copy is the released one, mark included (it binds the headers it names)"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -t "$TEACHER" -d "$T/replay.eml"
is "$PF_CODE" 250 "the released copy sent again is accepted with 250"
QID_RP=$PF_QUEUE_ID
held_send "$QID_RP"; ok $? "but discarded: it is held again"
EV_RP=$(event_for "$QID_RP")
R3=$(ref_of "$EV_RP")
like "$EV_RP" '"action":"quarantine"' "the event log says the replay is held"
like "$(cat "$MLOG")" "$QID_RP: release mark for $R1 used again \(already delivered as [0-9A-Za-z]+\); judged normally" \
    "the milter logs the replayed mark"
like "$("${AUPCTL[@]}" list)" "^$R3 .* inbound +executables +held$" "the replay is listed as a new held message"

sed "s/^\(X-AUP-Release: $R1; h=[a-z:-]*; mac=\)\(.\)/\1X\2/" "$T/replay.eml" |
    python3 -c 'import sys
t = sys.stdin.read()
i = t.index("mac=X") + 4
c = t[i + 1]
sys.stdout.write(t[:i] + ("1" if c == "0" else "0") + t[i + 2:])' > "$T/forged.eml"
is "$(diff "$T/replay.eml" "$T/forged.eml" | grep -c '^[<>]')" 2 "the forged copy differs in the mark only"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -t "$TEACHER" -d "$T/forged.eml"
is "$PF_CODE" 250 "a copy with a forged mark is accepted with 250"
QID_FG=$PF_QUEUE_ID
held_send "$QID_FG"; ok $? "but discarded: it is held again"
like "$(event_for "$QID_FG")" '"action":"quarantine"' "the event log says the forged copy is held"
like "$(cat "$MLOG")" "$QID_FG: release mark for $R1 does not verify \(forged, or another body, headers or envelope\); judged normally" \
    "the milter logs that the forged mark was ignored"
pf_wait_queue_empty 30
is "$(released_copies "Invoice INV-20417 overdue" | grep -c .)" 1 "neither copy was delivered"

# ------------------------------------------------ 4b. a tempfailed first attempt
# A released message whose first attempt is tempfailed comes back and is
# delivered, not held again: the engine only checks the mark, the act
# step spends it when the message is let through.  The fault: another
# process holds the index's write lock during the first attempt, so the
# release cannot be recorded (SQLite waits 10 s, then gives up).
python3 "$GEN" message "$T/in2.eml" "QuickPay Invoicing <$SUPPLIER>" \
    "$OFFICE" "Invoice INV-20418 overdue" "$T/invoice.zip" application/zip ||
    bail_out "cannot write in2.eml"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$T/in2.eml"
QID_IN2=$PF_QUEUE_ID
held_send "$QID_IN2"
R4=$(ref_of "$(event_for "$QID_IN2")")
touch "$S/record-only"
"${AUPCTL[@]}" release "$R4" > "$T/release4.out" 2>&1
ok $? "a second held message is released"
rm -f "$S/record-only"
REL4=$(ls "$S"/injected.*.eml | sort -t. -k2 -n | tail -n 1)
like "$(cat "$REL4")" "^X-AUP-Release: $R4; h=[a-z:-]+; mac=" "its marked copy is kept for the test to send"

# ------------------------------------------------ 4a. a mark moved
# The genuine mark of R4 (released, not yet delivered) on another
# message: another Subject, another From, one more recipient, another
# envelope sender.  Each is judged normally (held again); the genuine
# copy then goes through (4b).
moved() { # moved NAME SED-EXPR [pf_send options] - send a changed copy
	local name=$1 expr=$2
	shift 2
	sed "$expr" "$REL4" > "$T/moved-$name.eml"
	pf_send -a 192.0.2.7 "$@" -d "$T/moved-$name.eml"
	is "$PF_CODE" 250 "R4's mark on $name: accepted with 250"
	held_send "$PF_QUEUE_ID"; ok $? "R4's mark on $name: held again"
	like "$(cat "$MLOG")" "$PF_QUEUE_ID: release mark for $R4 does not verify" \
	    "R4's mark on $name: the milter says the mark does not verify"
}
moved "another Subject" 's/^Subject: Invoice INV-20418 overdue/Subject: Invoice INV-20418 paid/' \
    -f "$SUPPLIER" -t "$OFFICE"
moved "another From" "s/^From: .*/From: QuickPay Billing <billing@supplier.example>\r/" \
    -f "$SUPPLIER" -t "$OFFICE"
moved "one more recipient" '' -f "$SUPPLIER" -t "$OFFICE" -t "$TEACHER"
moved "another envelope sender" '' -f "billing@supplier.example" -t "$OFFICE"
is "$(released_copies "Invoice INV-20418 (overdue|paid)" | grep -c .)" 0 \
    "none of the moved marks delivered anything"
python3 - "$S/quarantine/index.sqlite" "$T/locked" "$T/unlock" <<'EOP' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
for _ in range(900):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
c.execute("ROLLBACK")
EOP
LOCKER=$!
pf_wait_file_match "$T/locked" '' 10 2> /dev/null || [ -e "$T/locked" ]
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$REL4"
is "$PF_CODE" 451 "while the release cannot be recorded, the released copy is tempfailed (451)"
touch "$T/unlock"
wait "$LOCKER"
like "$(cat "$MLOG")" "release $R4 cannot be recorded: .*locked" "the milter logs why"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$REL4"
is "$PF_CODE" 250 "the retry is accepted"
QID_R4=$PF_QUEUE_ID
for _ in $(seq 1 300); do
	[ -n "$(released_copies "Invoice INV-20418 overdue")" ] && break
	sleep 0.1
done
is "$(released_copies "Invoice INV-20418 overdue" | grep -c .)" 1 \
    "the retry is delivered, once, not held again"
like "$(event_for "$QID_R4")" '"action":"accept"' "the event log says the retry was accepted"
like "$(cat "$MLOG")" "$QID_R4: release $R4 used" "and that it spent the release"
pf_send -a 192.0.2.7 -f "$SUPPLIER" -t "$OFFICE" -d "$REL4"
QID_R4B=$PF_QUEUE_ID
held_send "$QID_R4B"; ok $? "the same copy sent a third time is held again"

# ------------------------------------------------ 4c. release to another address
# The mark is made for the envelope used: released to the DSL only, the
# copy of R3 (the replay held in 4) verifies and is delivered to her.
"${AUPCTL[@]}" release "$R3" --to "$DSL" > "$T/release3.out" 2>&1
ok $? "aupctl quarantine release --to another address succeeds"
for _ in $(seq 1 300); do
	grep -q "release mark for $R3 verified" "$MLOG" && break
	sleep 0.1
done
like "$(cat "$MLOG")" "release mark for $R3 verified \(released by jane\.dsl\)" \
    "the mark made for the other address verifies"
pf_wait_queue_empty 30
to_dsl=$(released_copies "Invoice INV-20417 overdue" | while read -r f; do
	[ "$(pf_sink_rcpts "$f")" = "$DSL" ] && echo "$f"; done)
is "$(printf '%s\n' "$to_dsl" | grep -c .)" 1 "the copy released to the DSL is delivered, once, to her only"

# ------------------------------------------------ 5. delete
"${AUPCTL[@]}" delete "$R2" > "$T/delete.out" 2>&1
ok $? "aupctl quarantine delete succeeds"
like "$(cat "$T/delete.out")" "^Deleted $R2\.$" "and says so"
ok "$([ ! -e "$S/quarantine/messages/$R2.eml" ] && [ ! -e "$S/quarantine/messages/$R2.json" ]; echo $?)" \
    "the stored message and its envelope are gone"
unlike "$("${AUPCTL[@]}" list)" "^$R2 " "list no longer shows it"
like "$("${AUPCTL[@]}" list --all)" "^$R2 .* outbound +executables +deleted$" \
    "list --all keeps the record that it was deleted"

# ------------------------------------------------ 6. audit trail
like "$(audit quarantine-release "$R1" ok)" "\"recipients\":\\[\"$OFFICE\",\"$TEACHER\"\\]" \
    "the release is an audit event with the Unix user, SUDO_USER and the recipients (ok)"
ok "$([ -n "$(audit quarantine-release "$R1" refused)" ]; echo $?)" \
    "the refused second release is an audit event (refused)"
ok "$([ -n "$(audit quarantine-delete "$R2" ok)" ]; echo $?)" \
    "the deletion is an audit event"
done_testing
