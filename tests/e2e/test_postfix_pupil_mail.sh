#!/bin/bash
# test_postfix_pupil_mail - pupils' mail through a real Postfix, with the
# shipped aup-milter and the test school's correspondents.csv:
#   - a pupil's message to an unapproved Gmail address is refused with
#     the reply written for a child
#   - the approved pen-pal school's message to a pupil is delivered
#   - a stranger's message to a pupil is held (250, not delivered)
#   - a pupil's message with a mobile number to a classmate is delivered
#     with X-AUP-Flag, a personal-details alert is stored, and the number
#     is in no log, header or notice
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
trap 'rm -rf "$T"' EXIT		# until pf_start installs its own trap
cat > "$S/local-records.txt" <<'EOR'
# SPF records for the test, answered before DNS
ecole.example TXT "v=spf1 ip4:192.0.2.30 -all"
strangers.example TXT "v=spf1 ip4:192.0.2.40 -all"
EOR
cat > "$S/correspondents.csv" <<'EOT'
address,pupils,approved_by,expires,note
*@ecole.example,*@pupils.testwood.example,head@testwood.example,2099-07-31,pen pals
EOT
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
release_secret = $S/release.key
[school]
phone = 0116 496 0123
address = Testwood Lane, Northshire NX9 1AA
[directory]
correspondents = correspondents.csv
[sender-auth]
local_records = local-records.txt"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$PF_PORT" >> "$S/aup-milter.conf"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

ANN=ann.b@pupils.testwood.example
BEN=ben.c@pupils.testwood.example
PENPAL=lea@ecole.example
STRANGER=gamer@strangers.example
NUMBER="07700 900123"

# copies ERE - how many sink files match ERE
copies() {
	local f n=0
	for f in $(pf_sink_files); do
		grep -E -q -e "$1" "$f" && n=$((n + 1))
	done
	echo "$n"
}

# ------------------------------------- 1. to an unapproved address: refused
e2e_msg "$T/zara.eml" "hiya" "Ann <$ANN>" "zara.k@gmail.com"
pf_send -a 10.9.2.2 -l "$ANN" -f "$ANN" -t zara.k@gmail.com -d "$T/zara.eml"
is "$PF_CODE" 550 "a pupil's message to an unapproved Gmail address is refused"
like "$PF_REPLY" 'Your email was not sent\.' "the reply starts in words a child reads"
like "$(printf '%s\n' "$PF_REPLY" | sed -E 's/^550[- ]5\.7\.1 //' | tr '\n' ' ')" \
    'only send emails to people your school has said yes to' \
    "it says who they may write to"
like "$(tr -d '\r' < "$PF_TRANSCRIPT")" 'anyone at ecole\.example' \
    "and names the approved pen-pal school"

# ------------------------------------- 2. the approved pen pal: delivered
before=$(pf_sink_count)
e2e_msg "$T/lea.eml" "Bonjour Ann" "Lea <$PENPAL>" "$ANN"
pf_send -a 192.0.2.30 -f "$PENPAL" -t "$ANN" -d "$T/lea.eml"
is "$PF_CODE" 250 "the pen-pal school's message is accepted"
is "$(e2e_outcome "$before")" accept "and delivered"

# ------------------------------------- 3. a stranger: held
before=$(pf_sink_count)
e2e_msg "$T/stranger.eml" "free skins" "Gamer <$STRANGER>" "$ANN"
pf_send -a 192.0.2.40 -f "$STRANGER" -t "$ANN" -d "$T/stranger.eml"
is "$PF_CODE" 250 "a stranger's message to a pupil is accepted (250)"
QID=$PF_QUEUE_ID
pf_wait_log "$QID: milter-discard" 20; ok $? "and held, not delivered"
like "$(grep "\"queue_id\":\"$QID\"" "$S/events.jsonl")" '"action":"quarantine"' \
    "the event log says it is held for the DSL"

# -------------------------- 4. a mobile number to a classmate: flagged
before=$(pf_sink_count)
{
	printf 'From: Ann <%s>\r\nTo: Ben <%s>\r\nSubject: my new phone\r\n' "$ANN" "$BEN"
	printf 'Message-ID: <phone.%s@testwood.example>\r\n\r\n' "$$"
	printf 'got my new phone!! my number is %s, text me xx\r\n' "$NUMBER"
} > "$T/phone.eml"
pf_send -a 10.9.2.2 -l "$ANN" -f "$ANN" -t "$BEN" -d "$T/phone.eml"
is "$PF_CODE" 250 "a pupil's message with a mobile number to a classmate is accepted"
QID=$PF_QUEUE_ID
for _ in $(seq 1 $((PF_TIMEOUT * 10))); do
	[ "$(copies 'Subject: my new phone')" -ge 1 ] && break
	sleep 0.1
done
F=$(for f in $(pf_sink_files); do grep -q 'Subject: my new phone' "$f" && echo "$f"; done | head -n 1)
like "$(pf_sink_header "$F" X-AUP-Flag)" '^pupil-mail; ref=' "it is delivered with X-AUP-Flag: pupil-mail"
like "$(grep "\"queue_id\":\"$QID\"" "$S/events.jsonl")" '"category":"personal-details"' \
    "the event log lists a personal-details alert"
n=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from alerts where category = ?",
    ("personal-details",)).fetchone()[0])' "$S/quarantine/index.sqlite")
is "$n" 1 "the alert is stored for the DSL"
sleep 2
leak=0
for f in "$S/events.jsonl" "$T/aup.out" "$PF_LOG"; do
	grep -q -e "$NUMBER" -e 07700900123 "$f" && leak=1 && diag "the number is in $f"
done
for f in $(pf_sink_files); do
	grep -q 'X-AUP-Notification' "$f" && grep -q -e "$NUMBER" -e 07700900123 "$f" &&
	    leak=1 && diag "the number is in a notice"
done
is "$leak" 0 "the number is in no log and no notice"
unlike "$(pf_sink_header "$F" X-AUP-Flag)" '07700' "nor in the header the milter added"

done_testing
