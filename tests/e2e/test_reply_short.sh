#!/bin/bash
# test_reply_short - [milter] reply: what a member of staff sees when a
# message is refused, over SMTP and through sendmail(1) on the server,
# through a real Postfix.
#   reply = auto (default): over SMTP the full multi-line reply; through
#     sendmail(1) the bounce holds a two-line reply (the rule in one
#     sentence and the reference) and the full explanation arrives as a
#     notice to the sender
#   reply = short: two lines over SMTP too, and the notice
#   reply = full: the bounce of a sendmail(1) message holds every line,
#     and no notice is sent
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
trap 'rm -rf "$T"' EXIT
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
[sender-auth]
action = off
spf_fail = off
spf_softfail = off
spf_temperror = off
spf_permerror = off"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$PF_PORT" >> "$S/aup-milter.conf"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

TEACHER=t.one@testwood.example
PARENT=mum.ann@gmail.com

# set_reply MODE - [milter] reply = MODE, reloaded
set_reply() {
	sed -i '/^reply = /d' "$S/aup-milter.conf"
	sed -i "0,/^\[milter\]/s//[milter]\nreply = $1/" "$S/aup-milter.conf"
	e2e_reload "$S" "reload|configuration"
}
# sink_for ADDR ERE - complete sink files to ADDR with a line matching ERE
sink_for() {
	local f
	for f in $(pf_sink_files); do
		[ "$(pf_sink_rcpts "$f")" = "$1" ] && grep -E -q -e "$2" "$f" &&
		    printf '%s\n' "$f"
	done
}
# wait_for ADDR ERE - wait (bounded) for such a file
wait_for() {
	for _ in $(seq 1 300); do
		[ -n "$(sink_for "$1" "$2")" ] && return 0
		sleep 0.1
	done
	return 1
}
# ref_in TEXT - the reference a reply names
ref_in() { printf '%s\n' "$1" | sed -n 's/.*Ref: \([0-9A-Z]\{10\}\).*/\1/p' | head -n 1; }

e2e_msg "$T/m1.eml" "Trip money" "$TEACHER" "$PARENT"
e2e_msg "$T/m2.eml" "Trip money again" "$TEACHER" "$PARENT"
e2e_msg "$T/m3.eml" "Trip money once more" "$TEACHER" "$PARENT"
e2e_msg "$T/m4.eml" "Trip money, last" "$TEACHER" "$PARENT"

# ------------------------------------------------ auto, SMTP: full
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$PARENT" -d "$T/m1.eml"
is "$PF_CODE" 550 "reply = auto: a teacher's message to a parent is refused over SMTP"
ok "$([ "$(printf '%s\n' "$PF_REPLY" | grep -c .)" -gt 2 ]; echo $?)" \
    "with the full multi-line explanation"
R1=$(ref_in "$PF_REPLY")
sleep 2
is "$(sink_for "$TEACHER" "X-AUP-Notification: reply; ref=$R1" | grep -c .)" 0 \
    "and no notice (the client showed the whole reply)"

# ------------------------------------------------ auto, sendmail(1): short
pf_sendmail "$TEACHER" "$T/m2.eml" "$PARENT"
wait_for "$TEACHER" "Trip money again"
ok $? "reply = auto: the same through sendmail(1) comes back to the teacher as a bounce"
b=$(sink_for "$TEACHER" "Trip money again" | xargs -r grep -L '^X-AUP-Notification:' | head -n 1)
# The bounce folds long lines: read it as one line.
bounce=$(pf_sink_message "${b:-/dev/null}" | tr -d '\r' | tr '\n' ' ' | tr -s ' ')
R2=$(printf '%s\n' "$bounce" | sed -n 's/.*Ref: \([0-9A-Z]\{10\}\).*/\1/p' | head -n 1)
like "$R2" '^[0-9A-Z]{10}$' "the bounce names the reference"
like "$bounce" "The full explanation has been emailed to you\. Ref: $R2" \
    "the bounce holds the two-line reply"
unlike "$bounce" "What to do instead" "not the long explanation"
wait_for "$TEACHER" "X-AUP-Notification: reply; ref=$R2"
ok $? "the full explanation arrives as a notice to the teacher"
n=$(sink_for "$TEACHER" "X-AUP-Notification: reply; ref=$R2" | head -n 1)
note=$(pf_sink_message "${n:-/dev/null}" | tr -d '\r')
like "$note" "^Subject: Your message was not sent \(ref $R2\)$" "its subject names the reference"
like "$note" "^Subject: +Trip money again$" "it names the message"
like "$note" "parent" "and carries the explanation"

# ------------------------------------------------ short, SMTP: two lines
set_reply short || bail_out "reload failed"
pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$PARENT" -d "$T/m3.eml"
is "$PF_CODE" 550 "reply = short: refused over SMTP"
is "$(printf '%s\n' "$PF_REPLY" | grep -c .)" 2 "in two lines"
R3=$(ref_in "$PF_REPLY")
like "$PF_REPLY" "^550 5\.7\.1 The full explanation has been emailed to you\. Ref: $R3$" \
    "the second names the reference"
wait_for "$TEACHER" "X-AUP-Notification: reply; ref=$R3"
ok $? "and the explanation follows as a notice"

# ------------------------------------------------ full, sendmail(1): every line
set_reply full || bail_out "reload failed"
pf_sendmail "$TEACHER" "$T/m4.eml" "$PARENT"
wait_for "$TEACHER" "Trip money, last"
b=$(sink_for "$TEACHER" "Trip money, last" | xargs -r grep -L '^X-AUP-Notification:' | head -n 1)
bounce=$(pf_sink_message "${b:-/dev/null}" | tr -d '\r' | tr '\n' ' ' | tr -s ' ')
like "$bounce" "What to do instead" "reply = full: the bounce holds the whole explanation"
R4=$(printf '%s\n' "$bounce" | sed -n 's/.*Ref: \([0-9A-Z]\{10\}\).*/\1/p' | head -n 1)
sleep 2
is "$(sink_for "$TEACHER" "X-AUP-Notification: reply; ref=${R4:-none}" | grep -c .)" 0 \
    "and no notice is sent"
done_testing
