#!/bin/bash
# test_postfix_school_scope - the store and aupctl know each message's
# school, through a real Postfix with two school files (ashfield, beech):
#   - a message held for each school is indexed with its school, and its
#     DSL's notice goes to that school's DSL with that school's name
#   - `aupctl quarantine list --school ashfield` lists Ashfield's only;
#     without --school every school, each row naming its school
#   - show and release of Beech's message with --school ashfield answer
#     "no held message" (nothing confirms it exists), change nothing, and
#     the attempt is in the audit trail under Ashfield
#   - an unknown school is an error naming the known ones
#   - the digest goes to each school's DSL with its own messages only
#   - `aupctl report --school beech` counts Beech's messages only; the
#     service's report counts messages per school
#   - `aupctl audit --school beech` shows Beech's release, not Ashfield's
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
mkdir -p "$S" && chmod 755 "$S"
AUP="$top_builddir/tests/aup-milter-test"
CTL="$top_builddir/tests/aupctl-test"
school_write "$S" "unix:$S/aup.sock"
# sendmail(1) of a release: recorded, not sent (the release itself is
# tested through Postfix in test_postfix_quarantine.sh)
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >> "%s/released"\ncat >/dev/null\n' \
    "$S" > "$S/sendmail" && chmod 755 "$S/sendmail"
school_own "$S"
school_service "$S" "unix:$S/aup.sock" "sendmail_path = $S/sendmail
release_secret = $S/release.key
notify = digest
[sender-auth]
action = off"
school_file "$S" ashfield "Ashfield Primary" ashfield.example
school_file "$S" beech "Beech Academy" beech.example
ctl() { "$CTL" -c "$S/aup-milter.conf" "$@"; }

pf_start "$T" "unix:$S/aup.sock" || bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$AUP" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

# 1. one message held for each school
hold() { # hold SCHOOL-DOMAIN SUBJECT
	e2e_msg "$T/$2.eml" "$2" "Visitor <visitor@example.org>" "head@$1" \
	    "X-Test-Verdict: quarantine"
	pf_send -a 198.51.100.7 -f visitor@example.org -t "head@$1" \
	    -d "$T/$2.eml"
}
hold ashfield.example Ashfield-trip
is "$PF_CODE" 250 "Ashfield's message is taken and held"
hold beech.example Beech-fees
is "$PF_CODE" 250 "Beech's message is taken and held"
all=$(ctl quarantine list --json)
A=$(printf '%s' "$all" | python3 -c 'import json,sys
print([r["ref"] for r in json.load(sys.stdin) if r["subject"] == "Ashfield-trip"][0])')
B=$(printf '%s' "$all" | python3 -c 'import json,sys
print([r["ref"] for r in json.load(sys.stdin) if r["subject"] == "Beech-fees"][0])')
[ -n "$A" ] && [ -n "$B" ] || bail_out "the held messages are not listed: $all"
is "$(printf '%s' "$all" | python3 -c 'import json,sys
print(" ".join(sorted(r["subject"] + "=" + r["school"] for r in json.load(sys.stdin))))')" \
    "Ashfield-trip=ashfield Beech-fees=beech" \
    "without --school aupctl lists every school's, each with its school"

# 2. one school's list
out=$(ctl quarantine list --school ashfield)
like "$out" "$A" "--school ashfield lists Ashfield's held message"
unlike "$out" "$B" "--school ashfield does not list Beech's"
like "$out" '^1 message held' "--school ashfield counts one message"
like "$(ctl quarantine list --school=beech)" "School:  beech" \
    "--school=beech lists Beech's with its school"

# 3. another school's message is not there for --school ashfield
out=$(ctl quarantine show "$B" --school ashfield 2>&1); rc=$?
is "$rc" 1 "show of Beech's message with --school ashfield fails"
like "$out" "no held message $B" "and says there is no such message"
unlike "$out" "Beech-fees" "and shows nothing of it"
out=$(ctl quarantine release "$B" --school ashfield --reason "try" 2>&1); rc=$?
is "$rc" 1 "release of Beech's message with --school ashfield is refused"
like "$out" "no held message $B" "as for a reference that does not exist"
[ ! -e "$S/released" ]
ok $? "nothing was handed to sendmail"
like "$(ctl quarantine show "$B" --school beech)" 'Status: +held' \
    "Beech's message is still held"
out=$(ctl audit --school ashfield --json)
is "$(printf '%s' "$out" | python3 -c 'import json,sys
r = [x for x in json.load(sys.stdin) if x["ref"] == sys.argv[1]]
print(" ".join(x["action"] + ":" + x["result"] + ":" + x["school"] for x in r))' "$B")" \
    "release:refused:ashfield show:refused:ashfield" \
    "both attempts are in the audit trail under Ashfield"

# 4. an unknown school
out=$(ctl quarantine list --school cedar 2>&1); rc=$?
is "$rc" 1 "an unknown school is an error"
like "$out" 'no school cedar \(the schools: ashfield, beech\)' \
    "the error names the known schools"
out=$(ctl report --school cedar 2>&1); rc=$?
is "$rc" 1 "report of an unknown school is an error too"

# 5. the digest: each school's DSL gets its own school's message
like "$(ctl quarantine digest)" 'ashfield: 1 message \(queued for the DSL\)' \
    "the digest counts Ashfield's message for Ashfield"
out=$(ctl notices list)
like "$out" 'digest +- +ashfield +dsl@ashfield\.example' \
    "Ashfield's DSL gets a digest (the list names the school)"
like "$out" 'digest +- +beech +dsl@beech\.example' "Beech's DSL gets its own"
out=$(ctl notices list --school beech)
like "$out" 'digest +- +beech +dsl@beech\.example' \
    "notices list --school beech lists Beech's digest"
unlike "$out" 'ashfield' "and nothing of Ashfield's"
bodies=$(python3 - "$S/quarantine/index.sqlite" <<'EOP'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for rcpt, body, school in db.execute(
        "SELECT rcpt, body, school FROM notices WHERE kind = 'digest'"):
    print(rcpt, school, "Ashfield-trip" in body, "Beech-fees" in body)
EOP
)
like "$bodies" 'dsl@ashfield\.example ashfield True False' \
    "Ashfield's digest lists Ashfield's message, not Beech's"
like "$bodies" 'dsl@beech\.example beech False True' \
    "Beech's digest lists Beech's message, not Ashfield's"

# 6. Beech releases its own message: recorded under Beech
ctl quarantine release "$B" --school beech --reason "parent asked" >/dev/null
ok $? "Beech's own release goes through"
like "$(ctl audit --school beech)" "release +$B +ok +beech" \
    "Beech's audit shows its release"
unlike "$(ctl audit --school beech)" "$A" "and nothing of Ashfield's message"

# 7. reports: one school's, and the service's per school
hold ashfield.example Ashfield-second
rep=$(ctl report --school beech --format json)
is "$(printf '%s' "$rep" | python3 -c 'import json,sys
r = json.load(sys.stdin); print(r["messages"], r["actions"]["quarantine"], "schools" in r)')" \
    "1 1 False" "Beech's report counts Beech's one message only"
rep=$(ctl report --format json)
is "$(printf '%s' "$rep" | python3 -c 'import json,sys
r = json.load(sys.stdin)
print(r["messages"], " ".join("%s=%d/%d" % (s["school"], s["messages"], s["quarantine"])
      for s in r["schools"]))')" \
    "3 ashfield=2/2 beech=1/1" "the service's report counts messages per school"
like "$(ctl report)" 'ashfield +2 messages quarantine 2' \
    "the text report has the per-school lines"
done_testing
