#!/bin/bash
# test_sendmail - aup-milter behind a real Sendmail 8 (Debian's
# sendmail-bin, run from a private root by tests/lib/sendmail.sh with the
# macro lines the README gives): what a client of Sendmail sees and what
# is delivered.  Staff log in with SMTP AUTH (Sendmail has no XCLIENT),
# so the login reaches the milter as {auth_authen}; 127.0.0.1 is not a
# trusted network here.
#   - a teacher's message to a parent: the whole multi-line refusal at
#     the client
#   - the office's message to three parents in To: delivered to all three
#     with the addresses moved out of the headers (bulk-bcc)
#   - a message with the EICAR test file: 250 to the client, held in the
#     quarantine store, not delivered
#   - SIGUSR1 reloads into monitor mode: the teacher's message is
#     delivered with X-AUP-Monitor
#   - the milter stopped: Sendmail (F=T) tempfails instead of passing mail
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/sendmail.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

sm_check_prereqs || skip_all "$PF_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
school_write "$S" "unix:$S/aup.sock" "[milter]
notify = off
notify_sender = no"
# Only a login makes mail outbound: no trusted network on loopback.
sed -i 's/^trusted_networks = .*/trusted_networks = 10.9.0.0\/16/' "$S/aup-milter.conf"
sm_start "$T" "local:$S/aup.sock" t.one@testwood.example teacher-pw ||
    bail_out "the private Sendmail did not start"
saslpasswd2 -p -c -f "$T/sendmail/sasl/sasldb2" -u testwood.example office <<<'office-pw' ||
    bail_out "no office login"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

teacher=(-- --auth PLAIN --auth-user t.one@testwood.example --auth-password teacher-pw)
office=(-- --auth PLAIN --auth-user office@testwood.example --auth-password office-pw)

# 1. a teacher writes to a parent: the whole refusal reaches the client
e2e_msg "$T/pc.eml" "Ann's reading" "Teacher One <t.one@testwood.example>" mum.ann@gmail.com
pf_send -f t.one@testwood.example -t mum.ann@gmail.com -d "$T/pc.eml" "${teacher[@]}"
is "$PF_CODE" 550 "Sendmail refuses the teacher's message to a parent"
like "$PF_REPLY" '^550-5\.7\.1 Not sent: staff may not email parents or carers directly\.$' \
    "the client sees the first line of the explanation"
like "$PF_REPLY" '^550-5\.7\.1 What to do instead: forward your message to office@testwood\.example, who$' \
    "the client sees what to do instead"
like "$PF_REPLY" '^550 5\.7\.1 Reference: [0-9A-Z]{10} ' "the last line carries the reference"
like "$(tail -n 1 "$S/events.jsonl")" '"direction":"outbound".*"auth":"t\.one@testwood\.example"' \
    "the SMTP AUTH login reached the milter ({auth_authen})"

# 2. the office writes to three parents in To: moved to Bcc, all delivered
n=$(pf_sink_count)
e2e_msg "$T/bulk.eml" "Harvest festival" "Testwood Office <office@testwood.example>" \
    "mum.ann@gmail.com, ben.dad@btinternet.com, dan.mum@yahoo.co.uk"
pf_send -f office@testwood.example -t mum.ann@gmail.com -t ben.dad@btinternet.com \
    -t dan.mum@yahoo.co.uk -d "$T/bulk.eml" "${office[@]}"
is "$PF_CODE" 250 "the office's message to three visible parents is accepted"
pf_wait_delivered $((n + 1)) 30; ok $? "it is delivered"
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_rcpts "$f" | sort | tr '\n' ' ')" \
    "ben.dad@btinternet.com dan.mum@yahoo.co.uk mum.ann@gmail.com " \
    "all three parents are still envelope recipients"
is "$(pf_sink_header "$f" To)" "undisclosed-recipients:;" "To no longer shows the parents"
like "$(pf_sink_header "$f" X-AUP-Rewritten)" '^bulk-bcc; moved=3; ref=[0-9A-Z]{10}$' \
    "X-AUP-Rewritten says three addresses were moved"

# 3. the EICAR test file: held, the client told 250, nothing delivered
n=$(pf_sink_count)
{
	printf 'From: Supplier <sales@supplier.example>\r\nTo: office@testwood.example\r\n'
	printf 'Subject: Invoice 42\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
	printf 'Content-Type: text/plain\r\n\r\nPlease see the invoice.\r\n--b1\r\n'
	printf 'Content-Type: text/plain; name="invoice.txt"\r\n'
	printf 'Content-Disposition: attachment; filename="invoice.txt"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' |
	    base64 | sed 's/$/\r/'
	printf -- '--b1--\r\n'
} >"$T/eicar.eml"
pf_send -f sales@supplier.example -t office@testwood.example -d "$T/eicar.eml"
is "$PF_CODE" 250 "the client is told the message with the EICAR file was accepted"
qref=$(python3 -c 'import json,sys
refs = [e["ref"] for e in map(json.loads, open(sys.argv[1]))
        if e.get("action") == "quarantine"]
print(refs[-1] if refs else "")' "$S/events.jsonl")
ok "$([ -s "$S/quarantine/messages/$qref.eml" ]; echo $?)" "the message is in the quarantine store"
sleep 2
is "$(pf_sink_count)" "$n" "the held message was not delivered"

# 4. SIGUSR1: monitor mode, the teacher's message delivered and marked
printf '[milter]\nmode = monitor\n' >>"$S/aup-milter.conf"
e2e_reload "$S" 'reloaded .*mode monitor'; ok $? "the milter reloads into monitor mode on SIGUSR1"
n=$(pf_sink_count)
pf_send -f t.one@testwood.example -t mum.ann@gmail.com -d "$T/pc.eml" "${teacher[@]}"
is "$PF_CODE" 250 "in monitor mode Sendmail accepts the teacher's message"
pf_wait_delivered $((n + 1)) 30; ok $? "it is delivered"
f=$(e2e_sink_since "$n" | tail -n 1)
like "$(pf_sink_header "$f" X-AUP-Monitor)" '^parent-contact; would=reject; ref=' \
    "the delivered copy says what would have happened"

# 5. the milter stopped: F=T makes Sendmail tempfail, never pass mail
kill -TERM "$E2E_PID"
_pf_wait 15 _pf_dead "$E2E_PID"
pf_send -f t.one@testwood.example -t mum.ann@gmail.com -d "$T/pc.eml" "${teacher[@]}"
like "$PF_CODE" '^4' "with the milter down Sendmail answers 4xx (F=T)"
done_testing
