#!/bin/bash
# test_postfix_policies - the shipped policies through a real Postfix:
# exactly what a member of staff sees and what a parent receives.
#   parent-contact: reject (exact reply text), pass (office), exemption,
#   monitor; bulk-bcc: rewrite of a message to 40 parents delivered to all
#   40 with no parent address in any header; sender-auth: a spoofed school
#   From from outside is refused, a delegate sending as the office is
#   delivered without Received-SPF, inbound mail gets Received-SPF.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
cat > "$S/local-records.txt" <<'EOR'
# SPF records for the test, answered before DNS
testwood.example TXT "v=spf1 ip4:192.0.2.25 -all"
newsletters.example TXT "v=spf1 ip4:192.0.2.80 -all"
EOR
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
[sender-auth]
local_records = local-records.txt"
# 40 more parents for the bulk test
for i in $(seq 1 40); do echo "P$i,parent$i@gmail.com"; done >> "$S/parents.csv"
pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

# 1. a teacher writes to a parent: the exact reply the teacher sees
e2e_msg "$T/pc.eml" "Ann's reading" "Teacher One <t.one@testwood.example>" mum.ann@gmail.com
n=$(pf_sink_count)
pf_send -a 10.9.1.2 -l t.one@testwood.example -f t.one@testwood.example \
    -t mum.ann@gmail.com -d "$T/pc.eml"
got=$(printf '%s\n' "$PF_REPLY" | sed 's/Reference: [0-9A-Z]\{10\}/Reference: REF/')
want='550-5.7.1 Not sent: staff may not email parents or carers directly.
550-5.7.1 Testwood Primary email policy says: "All communications to parents and
550-5.7.1 carers should be sent to the office email account for onward transmission."
550-5.7.1 Your message was addressed to a parent or carer: mum.ann@gmail.com.
550-5.7.1 What to do instead: forward your message to office@testwood.example, who
550-5.7.1 will send it on to the family for you.
550-5.7.1 If you need to contact families directly as part of your role, ask the
550-5.7.1 headteacher for an exemption.
550-5.7.1 Policy: https://testwood.example/aup
550 5.7.1 Reference: REF (quote this if you ask the office or IT for help)'
is "$got" "$want" "a teacher writing to a parent sees the whole explanation, line by line"

# 2. the office writes to the parent: delivered unchanged
e2e_msg "$T/office.eml" "Ann's reading" "Testwood Office <office@testwood.example>" mum.ann@gmail.com
pf_send -a 10.9.1.3 -l office@testwood.example -f office@testwood.example \
    -t mum.ann@gmail.com -d "$T/office.eml"
is "$PF_CODE" 250 "the office may write to a parent"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_header "$f" To)" "mum.ann@gmail.com" "the parent gets it with To unchanged"
unlike "$(pf_sink_message "$f" | sed '/^\r*$/q')" '^X-AUP-' "no X-AUP header on a message nobody objected to"

# 3. the SENCo has an exemption: delivered
n=$(pf_sink_count)
e2e_msg "$T/senco.eml" "Review meeting" "SENCo <senco@testwood.example>" ben.dad@btinternet.com
pf_send -a 10.9.1.4 -l senco@testwood.example -f senco@testwood.example \
    -t ben.dad@btinternet.com -d "$T/senco.eml"
is "$PF_CODE" 250 "a sender with a current exemption may write to a parent"
pf_wait_delivered $((n + 1)) 30; ok $? "the exempted message is delivered"

# 4. the delegate (head, in office_senders) sends as the office: delivered,
#    and outbound mail gets no Received-SPF
n=$(pf_sink_count)
e2e_msg "$T/delegate.eml" "Newsletter" "Testwood Office <office@testwood.example>" dan.mum@yahoo.co.uk
pf_send -a 203.0.113.61 -l head@testwood.example -f office@testwood.example \
    -t dan.mum@yahoo.co.uk -d "$T/delegate.eml"
is "$PF_CODE" 250 "the headteacher may send as the office (office_senders)"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_header "$f" Received-SPF)" "" "outbound mail gets no Received-SPF header"

# 5. a forged school From from outside: refused with the reason
e2e_msg "$T/spoof.eml" "Urgent: payroll update" "Head Teacher <head@testwood.example>" t.one@testwood.example
pf_send -a 198.51.100.250 -f bounce@docs-share.example -t t.one@testwood.example -d "$T/spoof.eml"
is "$PF_CODE" 550 "mail from outside claiming a school From is refused"
like "$PF_REPLY" 'head@testwood\.example' "the refusal names the school address it claimed"

# 6. inbound mail with SPF pass: delivered with Received-SPF at the top
n=$(pf_sink_count)
e2e_msg "$T/inbound.eml" "Council newsletter" "Newsletters <news@newsletters.example>" t.one@testwood.example
pf_send -a 192.0.2.80 -f news@newsletters.example -t t.one@testwood.example -d "$T/inbound.eml"
is "$PF_CODE" 250 "inbound mail that passes SPF is accepted"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
like "$(pf_sink_header "$f" Received-SPF)" '^pass ' "inbound mail gets Received-SPF: pass"

# 7. the office sends to 40 parents, all visible in To: rewritten, all 40
#    still get it, and no parent address is left in any header
to=$(for i in $(seq 1 40); do printf 'Parent %s <parent%s@gmail.com>, ' "$i" "$i"; done)
to=${to%, }
e2e_msg "$T/bulk.eml" "Harvest festival" "Testwood Office <office@testwood.example>" "$to"
rcpts=(); for i in $(seq 1 40); do rcpts+=(-t "parent$i@gmail.com"); done
n=$(pf_sink_count)
pf_send -a 10.9.1.3 -l office@testwood.example -f office@testwood.example "${rcpts[@]}" -d "$T/bulk.eml"
is "$PF_CODE" 250 "bulk mail to 40 visible parents is accepted"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
is "$(pf_sink_rcpts "$f" | sort -u | wc -l)" 40 "it is delivered to all 40 envelope recipients"
is "$(pf_sink_header "$f" To)" "undisclosed-recipients:;" "To says undisclosed-recipients:;"
like "$(pf_sink_header "$f" X-AUP-Rewritten)" '^bulk-bcc; moved=40; ref=[0-9A-Z]{10}$' \
    "X-AUP-Rewritten says 40 addresses were moved"
headers=$(pf_sink_message "$f" | sed '/^\r*$/q')
unlike "$headers" 'parent[0-9]+@gmail\.com' "no parent address is left in any header"
is "$(pf_sink_header "$f" Subject)" "Harvest festival" "every other header is unchanged"

# 8. monitor mode for parent-contact only: the teacher's message is
#    delivered with X-AUP-Monitor, and the log has the would-be reject
printf '[parent-contact]\nmode = monitor\n' >> "$S/aup-milter.conf"
e2e_reload "$S" 'reloaded'; ok $? "the milter reloads with parent-contact in monitor mode"
n=$(pf_sink_count)
pf_send -a 10.9.1.2 -l t.one@testwood.example -f t.one@testwood.example \
    -t mum.ann@gmail.com -d "$T/pc.eml"
is "$PF_CODE" 250 "in monitor mode the teacher's message is accepted"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
like "$(pf_sink_header "$f" X-AUP-Monitor)" '^parent-contact; would=reject; ref=' \
    "the delivered copy carries X-AUP-Monitor with the would-be reject"
like "$(tail -n 1 "$S/events.jsonl")" '"would_action":"reject"' "the event log keeps the would-be reject"
done_testing
