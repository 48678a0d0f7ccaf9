#!/bin/bash
# test_postfix_engine - the engine through a real Postfix on loopback:
# what an SMTP client sees and what is delivered, for every kind of
# action, using the test-only policy that does what X-Test-Verdict says.
#   - a multi-line reject reaches the client unchanged
#   - a header rewrite reaches the delivered copy, envelope intact
#   - a quarantined message is on disk, fsync'd, and not delivered
#   - an unwritable quarantine store gives 451: the sender keeps the mail
#   - monitor mode delivers everything and logs the would-be action
#   - aupctl test gives the same verdict as the milter for each fixture
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$top_builddir/tests/aup-milter-test" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

TEACHER=t.one@testwood.example
send() { # send FILE RCPT... as a logged-in teacher from the school network
	local f=$1; shift
	local rc=(); for r in "$@"; do rc+=(-t "$r"); done
	pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" "${rc[@]}" -d "$f"
}

# 1. reject: the whole multi-line reply reaches the client
e2e_msg "$T/reject.eml" "Trip" "$TEACHER" colleague@testwood.example "X-Test-Verdict: reject"
n=$(pf_sink_count)
send "$T/reject.eml" colleague@testwood.example
is "$PF_CODE" 550 "a rejected message gets 550"
like "$PF_REPLY" '^550-5\.7\.1 Refused: the test asked for reject\.$' \
    "the client sees the first line of the template as a continuation line"
like "$PF_REPLY" '^550 5\.7\.1 Ask office@testwood\.example for help\. Ref: [0-9A-Z]{10}$' \
    "the last line carries the office address and the reference code"
ref=$(printf '%s\n' "$PF_REPLY" | sed -n 's/.*Ref: \([0-9A-Z]\{10\}\)$/\1/p')
like "$(cat "$S/events.jsonl")" "\"action\":\"reject\",\"ref\":\"$ref\"" \
    "the same reference code is in the event log"
like "$(pf_log)" 'milter-reject: END-OF-MESSAGE' "Postfix logs the milter reject"

# 2. rewrite: the delivered copy has the new header, every recipient gets it
e2e_msg "$T/rewrite.eml" "Trip" "$TEACHER" colleague@testwood.example "X-Test-Verdict: rewrite"
n=$(pf_sink_count)
send "$T/rewrite.eml" colleague@testwood.example second@testwood.example third@testwood.example
is "$PF_CODE" 250 "a rewritten message is accepted"
pf_wait_delivered $((n + 1)) 30; ok $? "the rewritten message is delivered"
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_header "$f" Subject)" "[checked] Trip" "the delivered copy has the rewritten header"
is "$(pf_sink_rcpts "$f" | sort | tr '\n' ' ')" \
    "colleague@testwood.example second@testwood.example third@testwood.example " \
    "every envelope recipient is still there"

# 3. quarantine: stored on disk, discarded from the mail flow
e2e_msg "$T/quarantine.eml" "Invoice" "$TEACHER" colleague@testwood.example "X-Test-Verdict: quarantine"
n=$(pf_sink_count)
send "$T/quarantine.eml" colleague@testwood.example
is "$PF_CODE" 250 "the client is told the quarantined message was accepted"
pf_wait_log 'milter-discard' 20; ok $? "Postfix discards it on the milter's word"
qref=$(python3 -c 'import json,sys
refs = [e["ref"] for e in map(json.loads, open(sys.argv[1]))
        if e.get("action") == "quarantine"]
print(refs[-1] if refs else "")' "$S/events.jsonl")
ok "$([ -s "$S/quarantine/messages/$qref.eml" ]; echo $?)" "the message is in the quarantine store"
like "$(cat "$S/quarantine/messages/$qref.eml" 2>/dev/null)" "quarantine.eml.$$@testwood.example" \
    "the stored copy is the message that was sent"
like "$(tr -d " \n" < "$S/quarantine/messages/$qref.json" 2>/dev/null)" '"recipients":\["colleague@testwood.example"\]' \
    "its envelope is stored with it"
is "$(stat -c %a "$S/quarantine/messages/$qref.eml" 2>/dev/null)" 640 "the stored message is not world readable"
sleep 2
is "$(pf_sink_count)" "$n" "the quarantined message was not delivered"

# 4. a quarantine store that cannot be written: 451, the sender keeps it
touch "$T/not-a-folder"
sed -i "s|^quarantine_dir = .*|quarantine_dir = $T/not-a-folder/quarantine|" "$S/aup-milter.conf"
e2e_reload "$S" 'reloaded'; ok $? "the milter reloads with an unwritable quarantine folder"
send "$T/quarantine.eml" colleague@testwood.example
is "$PF_CODE" 451 "a message that cannot be stored is tempfailed"
like "$PF_REPLY" '^451 4\.3\.0 .*Ref: [0-9A-Z]{10}' "the 451 reply has a reference code"
is "$(pf_sink_count)" "$n" "nothing was delivered"
is "$(pf_queue_count)" 0 "Postfix did not keep it either: it stays with the sender"
like "$(cat "$T/aup.out")" 'quarantine store failed' "the milter logs why"
sed -i "s|^quarantine_dir = .*|quarantine_dir = $S/quarantine|" "$S/aup-milter.conf"
e2e_reload "$S" 'reloaded'; ok $? "the milter reloads with the quarantine folder back"

# 5. aupctl test and the milter agree on each fixture
for word in reject flag rewrite quarantine pass; do
	e2e_msg "$T/agree-$word.eml" "Agree $word" "$TEACHER" colleague@testwood.example \
	    "X-Test-Verdict: $word"
	want=$("$top_builddir/tests/aupctl-test" -c "$S/aup-milter.conf" test \
	    --from "$TEACHER" --rcpt colleague@testwood.example --auth "$TEACHER" \
	    --client-ip 10.9.1.2 "$T/agree-$word.eml" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["action"])')
	n=$(pf_sink_count)
	send "$T/agree-$word.eml" colleague@testwood.example
	is "$(e2e_outcome "$n")" "$want" "aupctl test and the milter agree on '$word' ($want)"
done

# 6. monitor mode: everything delivered, the would-be action logged
printf '[milter]\nmode = monitor\n' >> "$S/aup-milter.conf"
e2e_reload "$S" 'reloaded .*mode monitor'; ok $? "the milter reloads into monitor mode"
for word in reject quarantine; do
	n=$(pf_sink_count)
	e2e_msg "$T/monitor-$word.eml" "Monitor $word" "$TEACHER" colleague@testwood.example \
	    "X-Test-Verdict: $word"
	send "$T/monitor-$word.eml" colleague@testwood.example
	is "$PF_CODE" 250 "monitor mode accepts what would be a $word"
	pf_wait_delivered $((n + 1)) 30; ok $? "monitor mode delivers what would be a $word"
	f=$(e2e_sink_since "$n" | tail -n 1)
	like "$(pf_sink_header "$f" X-AUP-Monitor)" "^test-verdict; would=$word; ref=" \
	    "the delivered copy says what would have happened"
	like "$(tail -n 1 "$S/events.jsonl")" "\"mode\":\"monitor\".*\"would_action\":\"$word\"" \
	    "the event log keeps the would-be $word"
done
done_testing
