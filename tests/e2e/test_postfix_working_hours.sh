#!/bin/bash
# test_postfix_working_hours - deferred mail through a real Postfix, with
# the shipped aup-milter and aupctl, the daemon's clock driven by
# [milter] clock_file (no test waits for a real morning).
#   - the office writes to two parents (both in To) at 21:00 on a
#     Tuesday: the client hears 250, nothing is delivered, the office's
#     notice says 07:30 on Wednesday; at 07:30 the message goes to both
#     parents once, with bulk-bcc's rewrite applied then
#   - an [URGENT] subject goes at once, the event log tags it and
#     aupctl report counts it
#   - a deferred message survives a daemon restart and goes once
#   - the daemon killed between re-injection and its bookkeeping: after
#     the restart the message is delivered once (the second copy is
#     dropped by the milter)
#   - aupctl deferred list/cancel: a cancelled message never goes
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
# at "YYYY-MM-DD HH:MM" - that wall-clock time in London, in epoch seconds
at() { TZ=Europe/London date -d "$1" +%s; }
# set_clock EPOCH - the daemon's "now" (written whole, then renamed)
set_clock() { printf '%s\n' "$1" > "$S/now.tmp" && mv "$S/now.tmp" "$S/now"; }
set_clock "$(at '2026-11-17 21:00')"	# a Tuesday evening
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
sendmail_path = $S/sendmail
release_secret = $S/release.key
clock_file = $S/now
deferred_interval = 1
[working-hours]
hours = Mon-Fri 07:30-18:00
timezone = Europe/London"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$PF_PORT" >> "$S/aup-milter.conf"
# Notices go by SMTP to the instance's smtpd.  sendmail(1) for the
# milter's re-injections: the instance's real one.  The milter runs as
# an unprivileged user when the suite runs as root, and Postfix's
# sendmail takes -C (this instance) only from root, so the wrapper hands
# each message (S/outbox/N.eml, also the marked copy a replay is made
# of) and its arguments to a loop of the test's that runs sendmail as
# root, and waits for its exit status.  With $S/crash present it kills
# the milter (its parent) right after the hand-over, before the milter
# can record that the message went.  The milter is frozen (SIGSTOP)
# before the hand-over, so the handed-over copy cannot reach it before
# the kill, however slow the machine: the copy waits in Postfix's
# maildrop, as after a real crash at that point.
mkdir -p "$S/outbox" && school_own "$S/outbox"
cat > "$S/sendmail" <<EOT
#!/bin/sh
parent=\$PPID
crash=
[ -e "$S/crash" ] && rm -f "$S/crash" && crash=1 && kill -STOP \$parent
f=\$(mktemp "$S/outbox/XXXXXX") || exit 75
printf '%s\\n' "\$@" > "\$f.args" && cat > "\$f.eml" && : > "\$f.ready" || exit 75
while [ ! -e "\$f.rc" ]; do sleep 0.1; done
rc=\$(cat "\$f.rc")
[ -n "\$crash" ] && kill -KILL \$parent
exit "\$rc"
EOT
chmod 755 "$S/sendmail"
# outbox_loop - run the handed-over messages through sendmail(1) as root
outbox_loop() {
	local r f
	local -a args
	while :; do
		for r in "$S"/outbox/*.ready; do
			[ -e "$r" ] || continue
			f=${r%.ready}
			rm -f "$r"
			mapfile -t args < "$f.args"
			/usr/sbin/sendmail -C "$PF_CONF" "${args[@]}" < "$f.eml"
			echo $? > "$f.tmp" && mv "$f.tmp" "$f.rc"
		done
		sleep 0.1
	done
}
pf_spawn outbox outbox_loop || bail_out "cannot start the outbox loop"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

OFFICE=office@testwood.example
TEACHER=t.one@testwood.example
PUPIL=ann.b@pupils.testwood.example
MUM=mum.ann@gmail.com
DAD=ben.dad@btinternet.com
AUPCTL=("$top_builddir/aupctl" -c "$S/aup-milter.conf" deferred)

# copies ERE - how many sink files match ERE
copies() {
	local f n=0
	for f in $(pf_sink_files); do
		grep -E -q -e "$1" "$f" && n=$((n + 1))
	done
	echo "$n"
}
# wait_copies ERE N - wait (bounded) until N sink files match ERE
wait_copies() {
	for _ in $(seq 1 $((PF_TIMEOUT * 10))); do
		[ "$(copies "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
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
# status_of REF - the deferred row's status
status_of() {
	"${AUPCTL[@]}" list --json | python3 -c 'import json, sys
for e in json.load(sys.stdin):
    if e["ref"] == sys.argv[1]:
        print(e["status"])' "$1"
}
# wait_status REF STATUS - wait (bounded) for a row's status
wait_status() {
	for _ in $(seq 1 $((PF_TIMEOUT * 10))); do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# restart - start the milter again after it stopped or was killed
restart() {
	rm -f "$S/aup.sock"
	e2e_start_milter "$S" "$top_builddir/aup-milter"
}

# ---------------------------------------- 1. office to two parents at 21:00
e2e_msg "$T/news.eml" "Parents evening slots" "School Office <$OFFICE>" \
    "$MUM, $DAD"
pf_send -a 10.9.1.5 -l "$OFFICE" -f "$OFFICE" -t "$MUM" -t "$DAD" -d "$T/news.eml"
is "$PF_CODE" 250 "the office's 21:00 message to parents is accepted with 250"
QID1=$PF_QUEUE_ID
pf_wait_log "$QID1: milter-discard" 20; ok $? "Postfix hands it over (discard) instead of delivering it"
EV1=$(event_for "$QID1")
R1=$(ref_of "$EV1")
like "$EV1" '"action":"defer"' "the event log says it is deferred"
like "$EV1" '"deliver_at":"2026-11-18T07:30:00\+00:00"' "due at 07:30 on Wednesday"
ok "$([ -s "$S/quarantine/deferred/$R1.eml" ]; echo $?)" "the message is stored in the deferred store"
wait_copies "X-AUP-Notification: deferred; ref=$R1" 1
ok $? "the office gets a notice"
NOTICE=$(for f in $(pf_sink_files); do
	grep -q "X-AUP-Notification: deferred; ref=$R1" "$f" && pf_sink_message "$f"
done | python3 -c 'import email, sys
m = email.message_from_string(sys.stdin.read())
print(m["Subject"]); print(m.get_payload(decode=True).decode())' | tr '\n' ' ')
like "$NOTICE" 'will be delivered at 07:30 on Wednesday 18 November 2026' \
    "the notice says when it will be delivered"
is "$(copies "Subject: Parents evening slots")" 0 "nothing reached the parents in the evening"
like "$("${AUPCTL[@]}" list)" "$R1  waiting" "aupctl deferred list shows it waiting"

set_clock "$(at '2026-11-18 07:30')"
wait_copies "Subject: Parents evening slots" 1
ok $? "at 07:30 the message is delivered"
F=$(for f in $(pf_sink_files); do grep -q 'Subject: Parents evening slots' "$f" && echo "$f"; done | head -n 1)
is "$(pf_sink_rcpts "$F" | sort | tr '\n' ' ')" "$DAD $MUM " "to both parents, the original envelope"
like "$(pf_sink_header "$F" X-AUP-Rewritten)" 'bulk-bcc; moved=2' "bulk-bcc's rewrite is applied at delivery"
is "$(pf_sink_header "$F" To)" "undisclosed-recipients:;" "the parents no longer see each other"
wait_status "$R1" sent; ok $? "the store records it sent"
sleep 3
is "$(copies "Subject: Parents evening slots")" 1 "it is delivered once"

# ---------------------------------------------- 2. urgent goes at once
set_clock "$(at '2026-11-18 21:30')"
e2e_msg "$T/urgent.eml" "[URGENT] School closed tomorrow" "School Office <$OFFICE>" "$MUM"
pf_send -a 10.9.1.5 -l "$OFFICE" -f "$OFFICE" -t "$MUM" -d "$T/urgent.eml"
is "$PF_CODE" 250 "an [URGENT] message at 21:30 is accepted"
wait_copies "Subject: \[URGENT\] School closed tomorrow" 1
ok $? "and delivered at once"
like "$(event_for "$PF_QUEUE_ID")" '"name":"working-hours","result":"pass","reason":"urgent[^"]*","tag":"urgent"' \
    "the event log tags the urgent override for the reports"
like "$("$top_builddir/aupctl" -c "$S/aup-milter.conf" report --format json)" \
    '"urgent_overrides":1$' "and aupctl report counts it, once"

# ---------------------------------------------- 3. across a restart
e2e_msg "$T/homework.eml" "Homework for Thursday" "Teacher One <$TEACHER>" "$PUPIL"
pf_send -a 10.9.1.6 -l "$TEACHER" -f "$TEACHER" -t "$PUPIL" -d "$T/homework.eml"
is "$PF_CODE" 250 "a teacher's 21:30 message to a pupil is accepted"
R3=$(ref_of "$(event_for "$PF_QUEUE_ID")")
is "$(status_of "$R3")" waiting "it waits"
kill -TERM "$E2E_PID"
for _ in $(seq 1 150); do kill -0 "$E2E_PID" 2>/dev/null || break; sleep 0.1; done
restart || bail_out "the milter did not restart"
set_clock "$(at '2026-11-19 07:31')"
wait_copies "Subject: Homework for Thursday" 1
ok $? "after a restart it is delivered when due"
wait_status "$R3" sent
sleep 3
is "$(copies "Subject: Homework for Thursday")" 1 "once"

# ------------------- 4. killed between re-injection and bookkeeping
set_clock "$(at '2026-11-19 19:00')"
e2e_msg "$T/trip.eml" "Trip letter" "School Office <$OFFICE>" "$DAD"
pf_send -a 10.9.1.5 -l "$OFFICE" -f "$OFFICE" -t "$DAD" -d "$T/trip.eml"
is "$PF_CODE" 250 "the office's 19:00 message is accepted"
R4=$(ref_of "$(event_for "$PF_QUEUE_ID")")
touch "$S/crash"
set_clock "$(at '2026-11-20 07:30')"
for _ in $(seq 1 $((PF_TIMEOUT * 10))); do kill -0 "$E2E_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$E2E_PID" 2>/dev/null; isnt $? 0 "the milter was killed right after handing the message over"
is "$(status_of "$R4")" sending "the store never heard that it went"
restart || bail_out "the milter did not restart"
# the handed-over copy waits in Postfix's maildrop; the row is retried
# once its claim is stale (300 s by the daemon's clock)
postkick -c "$(dirname "$PF_CONF")" public pickup W 2>/dev/null
set_clock "$(at '2026-11-20 07:36')"
wait_copies "Subject: Trip letter" 1
ok $? "after the restart the message is delivered"
wait_status "$R4" sent; ok $? "and recorded sent"
postkick -c "$(dirname "$PF_CONF")" public pickup W 2>/dev/null
sleep 5
pf_flush
sleep 2
is "$(copies "Subject: Trip letter")" 1 "exactly once"
# A second copy of the message as it was re-injected, with its genuine
# release mark (what a repeated re-injection looks like): the milter
# drops it.
cp "$(grep -l "^X-AUP-Release: $R4; h=" "$S"/outbox/*.eml | head -n 1)" "$T/replay.eml"
ok $? "a copy of the message with its release mark is made"
pf_sendmail "$OFFICE" "$T/replay.eml" "$DAD"
pf_wait_file_match "$T/aup.out" "deferred message $R4 already delivered as .*: this copy is dropped" 20
ok $? "a second copy of the message is dropped by the milter"
sleep 2
is "$(copies "Subject: Trip letter")" 1 "and never delivered"

# ---------------------------------------------- 5. cancel
set_clock "$(at '2026-11-20 20:00')"
e2e_msg "$T/cancel.eml" "Never mind" "School Office <$OFFICE>" "$MUM"
pf_send -a 10.9.1.5 -l "$OFFICE" -f "$OFFICE" -t "$MUM" -d "$T/cancel.eml"
R5=$(ref_of "$(event_for "$PF_QUEUE_ID")")
like "$("${AUPCTL[@]}" cancel "$R5")" "cancelled" "aupctl deferred cancel cancels it"
"${AUPCTL[@]}" cancel "$R5" 2>/dev/null; is $? 1 "a second cancel is refused"
set_clock "$(at '2026-11-23 07:40')"
sleep 4
is "$(copies "Subject: Never mind")" 0 "a cancelled message is never sent"
like "$(grep '"event":"deferred-cancel"' "$S/events.jsonl")" "\"ref\":\"$R5\".*\"result\":\"ok\"" \
    "the cancel is audited"

done_testing
