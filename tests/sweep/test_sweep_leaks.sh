#!/bin/bash
# test_sweep_leaks - the suite-wide leak sweep (tests/sweep/sweep_leaks.py,
# `make check-leaks`) finds what it is there to find: over a fake
# artefacts folder, a clean one passes; a planted safeguarding phrase (in
# another case, across two spaces) and a pupil's UPN and date of birth
# fail it, each named by file and line, with a hash and never the text;
# an empty folder is "nothing swept" (77), not a pass; and
# tests/lib/artefacts.sh keeps a notice whole, only the milter's X-AUP-
# headers of other mail, and no SQLite row of the DSL's evidence, in
# folders nobody else can read.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-sweep.XXXXXX") || bail_out "no temporary directory"
trap 'rm -rf "$T"' EXIT
SWEEP=("python3" "$top_srcdir/tests/sweep/sweep_leaks.py" --top "$top_srcdir")

mkdir -p "$T/empty"
"${SWEEP[@]}" "$T/empty" > "$T/out" 2>&1
is "$?" 77 "an empty artefacts folder is not a pass"

A=$T/art
# put FILE TEXT - write TEXT (printf escapes) as artefact FILE of $A
put() { mkdir -p "$(dirname "$A/$1")" && printf "$2" > "$A/$1"; }
put test_one.101/aup.out 'aup-milter: ready\nAMR3KX4Q2P: flag safeguarding: alert: self-harm 45\n'
put test_one.101/school/events.jsonl '{"ref":"AMR3KX4Q2P","subject":"[withheld: safeguarding]"}\n'
put test_two.202/postfix/maillog 'Dec  4 10:00:00 mx postfix/smtpd[1]: connect from unknown\n'
"${SWEEP[@]}" "$A" > "$T/out" 2>&1
is "$?" 0 "clean artefacts pass"
like "$(cat "$T/out")" '3 files kept by 2 test runs \(test_one, test_two\)' \
    "it says what it swept"

put test_two.202/postfix/maillog 'line one\nline two\nnote: I  Want to KILL  myself\n'
put test_one.101/school/events.jsonl '{"ref":"AMR3KX4Q2P"}\n{"rcpt":"X801203421101 born 01/09/2016"}\n'
"${SWEEP[@]}" "$A" > "$T/out" 2>&1
is "$?" 1 "a planted phrase and pupil values fail the sweep"
like "$(cat "$T/out")" '^test_two\.202/postfix/maillog:3: safeguarding phrase sha256:[0-9a-f]{12}$' \
    "the phrase is named by file and line"
like "$(cat "$T/out")" '^test_one\.101/school/events\.jsonl:2: pupil value sha256:[0-9a-f]{12}$' \
    "the pupil value is named by file and line"
is "$(grep -c 'events.jsonl:2: pupil value' "$T/out")" 2 \
    "both the UPN and the date of birth are found"
is "$(grep -i -c -e 'kill' -e 'myself' -e 'X801203421101' -e '01/09/2016' "$T/out")" 0 \
    "the output never shows a phrase or a value"

# artefacts_keep over a fake test folder
R=$T/root
mkdir -p "$R/sink" "$R/school/quarantine/messages" "$R/send"
printf 'X-Rcpt-Args: <b@x>\r\nReceived: by sink\r\nSubject: i want to die\r\nX-AUP-Flag: safeguarding;\r\n ref=AMR3KX4Q2P\r\n\r\nbody i want to die\r\n' \
    > "$R/sink/1.aa"
printf 'X-Rcpt-Args: <dsl@x>\r\nX-AUP-Notification: alert; ref=AMR3KX4Q2P\r\nSubject: Safeguarding alert\r\n\r\nA self-harm alert\r\n' \
    > "$R/sink/2.bb"
printf 'held text\n' > "$R/school/quarantine/messages/AMR3KX4Q2P.eml"
printf '{"ref":"AMR3KX4Q2P"}\n' > "$R/school/quarantine/messages/AMR3KX4Q2P.json"
printf 'sent data\n' > "$R/send/swaks.data"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("create table alerts (ref text, category text)")
db.execute("create table alert_matches (alert int, phrase text)")
db.execute("insert into alerts values (?, ?)", ("AMR3KX4Q2P", "self-harm"))
db.execute("insert into alert_matches values (1, ?)", ("evidence words",))
db.commit()' "$R/school/quarantine/index.sqlite"
AUP_ARTEFACTS=$T/kept artefacts_keep "$R"
K=$(ls -d "$T/kept"/*)
is "$(stat -c %a "$T/kept") $(stat -c %a "$K")" "700 700" "the artefacts folders are private"
is "$(find "$K" -type f ! -perm 0600 | wc -l)" 0 "every kept file is 0600"
is "$(cat "$K/sink/1.aa")" "X-AUP-Flag: safeguarding;
 ref=AMR3KX4Q2P" "of delivered mail only the milter's headers are kept"
like "$(cat "$K/sink/2.bb")" '^A self-harm alert$' "a notice is kept whole"
is "$(cat "$K/school/quarantine/index.sqlite")" "alerts AMR3KX4Q2P self-harm" \
    "SQLite rows are kept as text, the DSL's evidence is not"
ok "$([ -f "$K/school/quarantine/messages/AMR3KX4Q2P.json" ] &&
    [ ! -e "$K/school/quarantine/messages/AMR3KX4Q2P.eml" ] && [ ! -e "$K/send" ]; echo $?)" \
    "quarantine metadata is kept, held messages and sent data are not"
done_testing
