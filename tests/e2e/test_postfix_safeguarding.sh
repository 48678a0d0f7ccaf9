#!/bin/bash
# test_postfix_safeguarding - the safeguarding policy and its alerts
# through a real Postfix, with the shipped aup-milter, aupctl and term
# lists (conf/safeguarding); alerts go by SMTP through the notice queue
# to [notify] relay, the instance's smtpd, and on to the sink.
#   (a) an external sender grooming a pupil (age question, flattery,
#       secrecy, a private app, deleting the message): 250, held, an
#       open grooming alert in the store; the DSL's alert email arrives
#       naming the category, severity, people and reference, with no
#       part of the message in it;
#   (b) a self-harm message between two pupils (the Subject itself says
#       it): delivered with X-AUP-Flag: safeguarding, alerted, never
#       held; the event log withholds the Subject;
#   (c) aupctl alerts list / show / close: show is the one place the
#       matched phrases appear; every command is an audit event;
#   (d) no matched phrase or Subject appears in the event log, the
#       Postfix log, the milter's log, any notice, or a header the
#       milter added.
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
cp -r "$top_srcdir/conf/safeguarding" "$S/safeguarding" ||
    bail_out "cannot copy the term lists"
cat > "$S/local-records.txt" <<'EOR'
# SPF records for the test, answered before DNS
testwood.example TXT "v=spf1 ip4:192.0.2.25 -all"
footyscouts.example TXT "v=spf1 ip4:192.0.2.50 -all"
EOR
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
[sender-auth]
local_records = local-records.txt"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$PF_PORT" >> "$S/aup-milter.conf"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

DSL=dsl@testwood.example
PUPIL=amy21@pupils.testwood.example
PUPIL2=ben21@pupils.testwood.example
SCOUT=jay@footyscouts.example
export SUDO_USER=jane.dsl
ALERTS=("$top_builddir/aupctl" -c "$S/aup-milter.conf" alerts)
# The words the messages hold that the lists match, and the subjects:
# none may appear outside the delivered message itself and `alerts show`.
PHRASES=$T/phrases.txt
cat > "$PHRASES" <<'EOP'
how old are you
mature for your age
our little secret
dont tell your parents
add me on snapchat
delete this email
want to die
kill myself
cutting myself
better off without me
i want to die tonight
EOP

# msg FILE FROM TO SUBJECT BODY - a CRLF message
msg() {
	{
		printf 'From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n' "$2" "$3" "$4"
		printf 'Message-ID: <%s.%s@testwood.example>\r\n' "$(basename "$1")" "$$"
		printf 'Date: Mon, 23 Nov 2026 19:00:00 +0000\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "$5"
	} > "$1"
}
# sink_with ERE - the complete sink files with a line matching ERE
sink_with() {
	local f
	for f in $(pf_sink_files); do
		grep -E -q -e "$1" "$f" && printf '%s\n' "$f"
	done
}
# wait_sink ERE - wait (bounded) until a sink file matches ERE
wait_sink() {
	local _
	for _ in $(seq 1 $((PF_TIMEOUT * 10))); do
		[ -n "$(sink_with "$1")" ] && return 0
		sleep 0.1
	done
	diag "no sink file matching '$1'" "$(tail -n 10 "$PF_LOG")"
	return 1
}
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
# leaks TEXT - the matched phrases (any case) found in TEXT
leaks() { printf '%s\n' "$1" | grep -o -i -F -f "$PHRASES" | sort -u | head -n 5; }
# body_of FILE - a sink file's message, CR removed
body_of() { pf_sink_message "$1" | tr -d '\r'; }
# flat TEXT - one line
flat() { printf '%s\n' "$1" | tr '\n' ' ' | tr -s ' '; }
# audit EVENT RESULT - audit lines of an alerts command by jane.dsl
audit() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if (e.get("event") == sys.argv[2] and e.get("result") == sys.argv[3]
            and e.get("sudo_user") == "jane.dsl"):
        print(line, end="")' "$S/events.jsonl" "$1" "$2"
}

# ---------------------------------------------------------------- (a)
msg "$T/a.eml" "$SCOUT" "$PUPIL" "Academy trial" "hi amy, how old are you? \
you seem really mature for your age. i can get you a trial at the academy. \
dont tell your parents yet, its our little secret. add me on snapchat and \
delete this email after you read it."
pf_send -a 192.0.2.50 -f "$SCOUT" -t "$PUPIL" -d "$T/a.eml"
is "$PF_CODE" 250 "(a) grooming from outside to a pupil is accepted with 250"
QID_A=$PF_QUEUE_ID
pf_wait_log "$QID_A: milter-discard" 20; ok $? "(a) Postfix discards it on the milter's word (held)"
EV_A=$(event_for "$QID_A")
RA=$(ref_of "$EV_A")
like "$EV_A" '"action":"quarantine"' "(a) the event log says quarantine"
like "$EV_A" '"name":"safeguarding","result":"quarantine","reason":"held: grooming [0-9]+"' \
    "(a) safeguarding's reason names the category and score only"
like "$EV_A" '"alerts":\[\{"category":"grooming","score":[0-9]+,"severity":"high"' \
    "(a) the event log lists the alert with category and score"
ok "$([ -s "$S/quarantine/messages/$RA.eml" ]; echo $?)" "(a) the message is in the quarantine store"
list=$("${ALERTS[@]}" list)
like "$list" "^[0-9]+ +.* open +grooming +high +[0-9]+ +held +$RA +$SCOUT \(external\)$" \
    "(a) aupctl alerts list shows an open, held grooming alert"
wait_sink "^X-AUP-Notification: alert; ref=$RA" 30
ok $? "(a) the DSL's alert email arrives"
fa=$(sink_with "^X-AUP-Notification: alert; ref=$RA" | head -n 1)
if [ -n "$fa" ]; then
	note=$(body_of "$fa")
	is "$(pf_sink_rcpts "$fa")" "$DSL" "(a) it is addressed to the DSL"
	is "$(pf_sink_header "$fa" Subject)" "Safeguarding alert (ref $RA)" \
	    "(a) its subject holds fixed words and the reference"
	like "$(flat "$note")" "Alerts: +grooming \(high, score [0-9]+, alert [0-9]+\)" \
	    "(a) it names the category and severity"
	like "$note" "^Message: +held for your review" "(a) it says the message is held"
	like "$note" "^From: +$SCOUT \(external\)$" "(a) it names the sender and role"
	like "$note" "^To: +$PUPIL \(pupil\)$" "(a) it names the recipient and role"
	like "$note" "^Reference: +$RA$" "(a) it gives the reference"
	is "$(leaks "$note")" "" "(a) no matched phrase is in the alert email"
	unlike "$note" 'Academy trial|snapchat|trial at the academy' \
	    "(a) neither the Subject nor the text is in the alert email"
else
	skip "no alert email" 9
fi

# ---------------------------------------------------------------- (b)
n=$(pf_sink_count)
msg "$T/b.eml" "$PUPIL" "$PUPIL2" "i want to die tonight" "ben i dont know \
who to tell. ive been cutting myself and i want to kill myself. everyone \
would be better off without me"
pf_send -a 10.9.1.7 -l "$PUPIL" -f "$PUPIL" -t "$PUPIL2" -d "$T/b.eml"
is "$PF_CODE" 250 "(b) a self-harm message between pupils is accepted"
QID_B=$PF_QUEUE_ID
EV_B=$(event_for "$QID_B")
for _ in $(seq 1 50); do [ -n "$EV_B" ] && break; sleep 0.1; EV_B=$(event_for "$QID_B"); done
RB=$(ref_of "$EV_B")
like "$EV_B" '"action":"flag"' "(b) the event log says flag (not held)"
like "$EV_B" '"alerts":\[\{"category":"self-harm"' "(b) a self-harm alert is raised"
like "$EV_B" '"subject":"\[withheld: safeguarding\]"' "(b) the event log withholds the Subject"
pf_wait_delivered $((n + 1)) 30 > /dev/null
fb=$(sink_with "^Message-ID: <b\.eml\.$$@testwood\.example>" | head -n 1)
ok "$([ -n "$fb" ]; echo $?)" "(b) it is delivered to the friend"
if [ -n "$fb" ]; then
	is "$(pf_sink_header "$fb" X-AUP-Flag)" "safeguarding; ref=$RB" \
	    "(b) the delivered copy carries X-AUP-Flag: safeguarding with the reference"
	is "$(pf_sink_rcpts "$fb")" "$PUPIL2" "(b) to its recipient"
else
	skip "no delivered copy" 2
fi
wait_sink "^X-AUP-Notification: alert; ref=$RB" 30
ok $? "(b) the DSL's alert email arrives"
fn=$(sink_with "^X-AUP-Notification: alert; ref=$RB" | head -n 1)
if [ -n "$fn" ]; then
	note=$(body_of "$fn")
	like "$(flat "$note")" "Alerts: +self-harm \(high" "(b) it names self-harm"
	like "$note" "^Message: +delivered" "(b) it says the message was delivered"
	is "$(leaks "$note")" "" "(b) no matched phrase or Subject is in the alert email"
else
	skip "no alert email" 3
fi

# ---------------------------------------------------------------- (c)
IDB=$("${ALERTS[@]}" list | sed -n "s/^\([0-9]*\) .* self-harm .*$RB .*/\1/p")
like "$IDB" '^[0-9]+$' "(c) the self-harm alert is listed"
show=$("${ALERTS[@]}" show "$IDB")
like "$show" "cutting myself" "(c) alerts show gives the DSL the matched phrases"
like "$show" "been cutting myself and i want to kill myself" "(c) with their context"
ok "$([ -n "$(audit alerts-show ok)" ]; echo $?)" "(c) show is an audit event naming SUDO_USER"
"${ALERTS[@]}" set "$IDB" --status "in progress" --assign jane.dsl --note "spoke to Ben's teacher"
ok $? "(c) the DSL takes the alert"
"${ALERTS[@]}" close "$IDB" --note "parents informed"
ok $? "(c) and closes it"
unlike "$("${ALERTS[@]}" list)" " self-harm .*$RB" "(c) a closed alert leaves the open list"
like "$("${ALERTS[@]}" list --all)" "closed +self-harm .*$RB" "(c) list --all still shows it"
like "$(audit alerts-set ok)" '"status":"closed"' "(c) the close is an audit event"
unlike "$(audit alerts-set ok)" "parents informed" "(c) the audit event does not copy the note"

# ---------------------------------------------------------------- (d)
is "$(leaks "$(cat "$S/events.jsonl")")" "" "(d) no matched phrase anywhere in the event log"
is "$(leaks "$(pf_log)")" "" "(d) none in the Postfix log"
is "$(leaks "$(cat "$T/aup.out")")" "" "(d) none in the milter's own log"
notes=""
for f in $(sink_with '^X-AUP-Notification: '); do notes="$notes$(body_of "$f")"; done
is "$(leaks "$notes")" "" "(d) none in any notice"
if [ -n "$fb" ]; then
	is "$(leaks "$(pf_sink_message "$fb" | tr -d '\r' | grep '^X-AUP-')")" "" \
	    "(d) none in a header the milter added"
else
	skip "no delivered copy" 1
fi
done_testing
