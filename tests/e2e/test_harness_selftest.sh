#!/bin/bash
# tests/e2e/test_harness_selftest.sh - the end-to-end harness itself works:
# a private Postfix on loopback, swaks with XCLIENT, the macro-echo test
# milter and smtp-sink show what a milter sees and what gets delivered.
# Needs root, postfix and swaks; skips cleanly otherwise.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"

pf_check_prereqs || skip_all "$PF_WHY"
MILTER=$top_builddir/tests/lib/macro-echo-milter
if [ ! -x "$MILTER" ]; then
	plan 1
	fail "the macro-echo test milter is built" "missing: $MILTER"
	exit 1
fi

T=$(pf_mktemp) || bail_out "cannot create a temporary directory"
SOCK=$T/milter.sock
MLOG=$T/milter.log
t0=$(date +%s%N)
pf_start "$T" "unix:$SOCK" || bail_out "the private Postfix did not start"
t1=$(date +%s%N)
diag "pf_start took $(( (t1 - t0) / 1000000 )) ms (smtpd port $PF_PORT, sink port $PF_SINK_PORT)"
pf_spawn macro-echo "$MILTER" -p "unix:$SOCK" -l "$MLOG"
pf_wait_socket "unix:$SOCK" 10 || bail_out "the macro-echo milter did not start"

# write_eml FILE SUBJECT [EXTRA HEADER LINE] - a small CRLF test message
write_eml()
{
	printf 'From: Teacher <teacher@school.test>\r\nTo: pupil.one@school.test\r\nSubject: %s\r\n%s\r\nHarness self-test body.\r\n' \
	    "$2" "${3:+$3
}" >"$1"
}

# eom_line QUEUEID - the milter's end-of-message log line for a queue id
eom_line()
{
	grep -E "^eom i=$1 " "$MLOG"
}

# 1. Staff message: XCLIENT ADDR= and LOGIN=, three envelope recipients.
write_eml "$T/staff.eml" "Harness self-test (staff)"
pf_send -a 203.0.113.5 -l teacher@school.test -f teacher@school.test \
    -t pupil.one@school.test -t parent.one@home.example -t colleague@school.test \
    -d "$T/staff.eml"
ok $? "a message sent with XCLIENT ADDR and LOGIN is accepted"
is "$PF_CODE" 250 "the client gets a 250 reply for the accepted message"
STAFF_QID=$PF_QUEUE_ID
isnt "$STAFF_QID" "" "the 250 reply names the queue id"
pf_wait_delivered 1 30
ok $? "the accepted message reaches the sink"
STAFF_FILE=$(pf_sink_files | tail -n 1)
is "$(pf_sink_rcpts "$STAFF_FILE" | sort | tr '\n' ' ')" \
    "colleague@school.test parent.one@home.example pupil.one@school.test " \
    "the sink got every envelope recipient"
is "$(pf_sink_sender "$STAFF_FILE")" "teacher@school.test" \
    "the sink got the envelope sender"
is "$(pf_sink_header "$STAFF_FILE" subject)" "Harness self-test (staff)" \
    "pf_sink_header reads a header case-insensitively"
like "$(pf_sink_header "$STAFF_FILE" Received)" "with ESMTPA id $STAFF_QID" \
    "Postfix's Received header shows the XCLIENT login as ESMTPA"

pf_wait_file_match "$MLOG" "^eom i=$STAFF_QID " 10
line=$(eom_line "$STAFF_QID")
ok $? "the milter saw the queue id macro i at end of message"
like "$line" " auth_authen=teacher@school.test " \
    "XCLIENT LOGIN= reaches the milter as {auth_authen} (SASL disabled)"
like "$line" " auth_type=XCLIENT " "the milter sees {auth_type}=XCLIENT"
like "$line" " client_addr=203.0.113.5 " \
    "XCLIENT ADDR= reaches the milter as {client_addr}"
like "$line" " daemon_name=mx.school.test " \
    "the milter sees {daemon_name} = myhostname on the smtpd port"
like "$line" " rcpts=3 " "the milter saw all three envelope recipients"
like_file "$MLOG" "^connect hostname=\[203\.0\.113\.5\] client_addr=203\.0\.113\.5 client_name=unknown " \
    "a client address without a name connects as [addr] with {client_name}=unknown"
like_file "$MLOG" "^mail from=<teacher@school.test> auth_authen=teacher@school.test " \
    "{auth_authen} is already set at MAIL FROM"

# 2. The same without LOGIN: no authentication is visible.
write_eml "$T/anon.eml" "Harness self-test (no login)"
pf_send -a 198.51.100.7 -f visitor@example.org -t office@school.test \
    -d "$T/anon.eml"
ok $? "a message without XCLIENT LOGIN is accepted"
ANON_QID=$PF_QUEUE_ID
pf_wait_file_match "$MLOG" "^eom i=$ANON_QID " 10
line=$(eom_line "$ANON_QID")
like "$line" " auth_authen=\(unset\) " \
    "without XCLIENT LOGIN the milter gets no {auth_authen}"
like "$line" " client_addr=198\.51\.100\.7 " \
    "the second message shows its own client address"
pf_wait_delivered 2 30
ok $? "the unauthenticated message reaches the sink too"

# 2b. A client outside mynetworks can still send to any domain.
write_eml "$T/outside.eml" "Harness self-test (outside client)"
pf_send -a 198.18.0.1 -f parent.one@home.example -t teacher@school.test \
    -t someone@elsewhere.example -d "$T/outside.eml"
ok $? "a client outside mynetworks may send to any domain (loopback relay)"
pf_wait_delivered 3 30
is "$(pf_sink_rcpts "$(pf_sink_files | tail -n 1)" | sort | tr '\n' ' ')" \
    "someone@elsewhere.example teacher@school.test " \
    "both recipients arrive in one sink transaction"

# 3. A multi-line reject reaches the client unchanged.
before=$(pf_sink_count)
write_eml "$T/reject.eml" "Harness self-test (reject)" "X-Test-Action: reject"
pf_send -a 203.0.113.5 -l teacher@school.test -f teacher@school.test \
    -t parent.two@home.example -d "$T/reject.eml"
is "$?" 1 "pf_send returns 1 for a rejected message"
is "$PF_CODE" 550 "a milter reject at end of message gives the client 550"
is "$(printf '%s\n' "$PF_REPLY" | wc -l | tr -d ' ')" 3 \
    "the client sees all three lines of the milter's reply"
is "$PF_REPLY" "550-5.7.1 Message refused by the macro-echo test milter.
550-5.7.1 Second line: 100% of the reply reaches the client.
550 5.7.1 Third line: Ref TEST-REJECT-1" \
    "the multi-line reply arrives unchanged, with %% turned into %"
pf_wait_log 'milter-reject: END-OF-MESSAGE from unknown\[203\.0\.113\.5\]: 5\.7\.1 Message refused' 10
ok $? "the maillog shows milter-reject with the first reply line"

# 4. Tempfail and discard.
write_eml "$T/tempfail.eml" "Harness self-test (tempfail)" "X-Test-Action: tempfail"
pf_send -a 203.0.113.5 -f teacher@school.test -t a@home.example \
    -d "$T/tempfail.eml"
is "$PF_REPLY" "451 4.7.1 Try again later (macro-echo test milter)" \
    "a milter tempfail gives the client its 451 reply"
write_eml "$T/discard.eml" "Harness self-test (discard)" "X-Test-Action: discard"
pf_send -a 203.0.113.5 -f teacher@school.test -t a@home.example \
    -d "$T/discard.eml"
ok $? "a discarded message still gets a 2xx reply"
pf_wait_log "$PF_QUEUE_ID: milter-discard: END-OF-MESSAGE from unknown\[203\.0\.113\.5\]: milter triggers DISCARD action" 10
ok $? "the maillog shows milter-discard for the discarded message"
pf_wait_queue_empty 30
ok $? "the queue drains"
is "$(pf_sink_count)" "$before" \
    "rejected, tempfailed and discarded messages never reach the sink"

# 5. DATA is sent byte for byte (swaks would otherwise rewrite it).
printf 'Subject: Harness self-test (raw)\nTo: office@school.test\n\nC:\\new\\folder %%DATE%% %%TO_ADDRESS%%\n.leading dot\n..two dots\nlast line without newline' \
    >"$T/raw.eml"
pf_send -a 192.0.2.10 -f teacher@school.test -t office@school.test \
    -d "$T/raw.eml"
ok $? "a message with backslashes, tokens and leading dots is accepted"
pf_wait_delivered "$((before + 1))" 30
RAW_FILE=$(pf_sink_files | tail -n 1)
is "$(pf_sink_message "$RAW_FILE" | sed -n '/^$/,$p' | sed 1d)" \
    "$(printf 'C:\\new\\folder %%DATE%% %%TO_ADDRESS%%\n.leading dot\n..two dots\nlast line without newline')" \
    "the body arrives unchanged: no token expansion, dots unstuffed once"

# 6. The submission port marks the daemon as ORIGINATING.
write_eml "$T/sub.eml" "Harness self-test (submission)"
pf_send -s -a 10.1.2.3 -l teacher@school.test -f teacher@school.test \
    -t office@school.test -d "$T/sub.eml"
ok $? "a message to the submission port is accepted"
pf_wait_file_match "$MLOG" "^eom i=$PF_QUEUE_ID " 10
like "$(eom_line "$PF_QUEUE_ID")" " daemon_name=ORIGINATING " \
    "the submission port shows {daemon_name}=ORIGINATING"

# 7. Local submission through sendmail(1) goes through non_smtpd_milters.
write_eml "$T/local.eml" "Harness self-test (sendmail)"
before=$(pf_sink_count)
pf_sendmail teacher@school.test "$T/local.eml" office@school.test
ok $? "sendmail -C accepts a message for the private instance"
pf_wait_delivered "$((before + 1))" 30
ok $? "the locally submitted message reaches the sink"
like_file "$MLOG" "^mail from=teacher@school.test auth_authen=\(unset\)" \
    "non_smtpd_milters see the sendmail(1) sender without angle brackets"

# 8. Deferred mail goes out after pf_flush once the sink is reachable again.
closed=$(pf_free_port)
pf_reload "relayhost = [127.0.0.1]:$closed"
write_eml "$T/defer.eml" "Harness self-test (deferred)"
before=$(pf_sink_count)
pf_send -a 192.0.2.20 -f teacher@school.test -t office@school.test \
    -d "$T/defer.eml"
DEFER_QID=$PF_QUEUE_ID
pf_wait_log "$DEFER_QID: .*status=deferred" 20
ok $? "mail to an unreachable relay is deferred"
# qmgr moves it between the deferred and active queues on its own
# schedule: count it in any queue, allowing for the move in flight.
queued=0
for _ in $(seq 1 50); do
	queued=$(pf_queue_count)
	[ "$queued" -ge 1 ] && break
	sleep 0.2
done
is "$queued" 1 "pf_queue_count sees the deferred message still queued"
pf_reload "relayhost = [127.0.0.1]:$PF_SINK_PORT"
pf_flush
pf_wait_delivered "$((before + 1))" 20
ok $? "after pf_flush the deferred message reaches the sink"
pf_wait_queue_empty 20
ok $? "the queue is empty again after the flush"

# 9. With SASL enabled (AUTH advertised), XCLIENT LOGIN still works.
if ls /usr/lib/*/sasl2/libplain.so* >/dev/null 2>&1; then
	pf_reload "smtpd_sasl_auth_enable = yes"
	sleep 1
	write_eml "$T/sasl.eml" "Harness self-test (sasl on)"
	pf_send -a 203.0.113.6 -l head@school.test -f head@school.test \
	    -t office@school.test -d "$T/sasl.eml"
	ok $? "with smtpd_sasl_auth_enable = yes a XCLIENT LOGIN message is accepted"
	like_file "$PF_TRANSCRIPT" '^<-  250-AUTH .*PLAIN' \
	    "with SASL enabled the private Postfix advertises AUTH"
	pf_wait_file_match "$MLOG" "^eom i=$PF_QUEUE_ID " 10
	like "$(eom_line "$PF_QUEUE_ID")" " auth_authen=head@school.test " \
	    "with SASL enabled XCLIENT LOGIN= also reaches the milter"
else
	skip "libsasl2-modules not installed: SASL-enabled variant not run" 3
fi

unlike_file "$PF_LOG" '(fatal|panic):' "the private Postfix logged no fatal error"
t0=$(date +%s%N)
pf_stop
t1=$(date +%s%N)
diag "pf_stop took $(( (t1 - t0) / 1000000 )) ms"
[ ! -e "$T" ] || [ -n "$PF_KEEP" ] || [ "$(tap_failed_count)" -gt 0 ]
ok $? "pf_stop removes the temporary directory (unless PF_KEEP or a failure)"
done_testing
