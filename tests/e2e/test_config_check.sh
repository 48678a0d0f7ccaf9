#!/bin/bash
# test_config_check - `aup-milter -t` reports every problem with file:line
# and exits 1; a good configuration exits 0; `-d` prints a configuration
# that loads.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-check.XXXXXX")
trap 'artefacts_keep "$T"; rm -rf "$T"' EXIT
AUP="$top_builddir/tests/aup-milter-test"

school_write "$T" "unix:$T/aup.sock"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "a good configuration passes the check"
like "$out" 'configuration OK \(5 parent addresses' "the check says what it loaded"

# A typo'd key and a broken CSV row, both reported at once.
school_write "$T" "unix:$T/aup.sock" "[bulk-bcc]
treshold = 3"
printf 'Eve,"eve.mum@gmail.com\n' >> "$T/parents.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a configuration with errors fails the check"
key_line=$(grep -n '^treshold' "$T/aup-milter.conf" | cut -d: -f1)
like "$out" "aup-milter.conf:$key_line: unknown key \"treshold\" in \[bulk-bcc\]" \
    "the typo'd key is named with file:line"
like "$out" 'known keys: action, mode, threshold, count_external' \
    "the error lists the keys the section has"
like "$out" 'parents.csv:6: ' "the broken CSV row is named with file:line"

# An expired exemption is a warning, not an error.
school_write "$T" "unix:$T/aup.sock"
echo 'old@testwood.example,parent-contact,*,2020-07-19,head@testwood.example,trip' \
    >> "$T/exemptions.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "an expired exemption does not fail the check"
like "$out" 'warning: .*exemptions.csv:3: .*expired on 2020-07-19' \
    "the expired exemption is reported with file:line"

# A broken template is a configuration error.
school_write "$T" "unix:$T/aup.sock"
printf 'Not sent: {parents\n' > "$T/templates/parent-contact.txt"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a template with an unclosed { fails the check"
like "$out" 'templates/parent-contact.txt:1: template' "the template error has file:line"

# A ';' for a ',' in a list is an error at its line, not one odd domain.
rm -f "$T/templates/parent-contact.txt"
school_write "$T" "unix:$T/aup.sock"
sed -i 's/^domains = .*/domains = testwood.example; pupils.testwood.example/' \
    "$T/aup-milter.conf"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a ';'-separated domain list fails the check"
line=$(grep -n '^domains' "$T/aup-milter.conf" | cut -d: -f1)
like "$out" "aup-milter.conf:$line: domains: \"testwood.example; pupils.testwood.example\" has a ';' in it" \
    "the ';' is named with file:line"

# A parents file whose e-mail column has none of the configured names.
school_write "$T" "unix:$T/aup.sock" "parent_email_columns = Priority 1 Contact Email"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a parents file without a configured e-mail column fails the check"
like "$out" "parents.csv:1: no e-mail column: the header has none of the names in \[directory\] parent_email_columns \(Priority 1 Contact Email\)" \
    "the missing column is named with file:line and the names tried"

# One junk row (n/a, an address without a dot) is a warning; the rest loads.
school_write "$T" "unix:$T/aup.sock"
printf 'Eve,n/a\nFay,fay.mum@btinternet\n' >> "$T/parents.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "junk rows in parents.csv do not fail the check"
like "$out" 'warning: .*parents.csv:6: column Email: "n/a" is not an e-mail address \(no @\); skipped' \
    "the n/a row is a warning with file:line"
like "$out" 'warning: .*parents.csv:7: column Email: "fay.mum@btinternet" has no dot in its domain; skipped' \
    "the address without a dot is a warning with file:line"
like "$out" 'configuration OK \(5 parent addresses' "the junk rows are skipped"

# The same parents file exported with ';' from Excel, in Windows-1252.
school_write "$T" "unix:$T/aup.sock" "parent_email_columns = Contact Email Address, E-mail, Priority 1 Contact Email"
printf 'Pupil;Contact;Priority 1 Contact Email\r\nZo\xeb;Mrs Br\xfcck;zoe.mum@example.org\r\n' \
    > "$T/parents.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "a ';'-separated Windows-1252 export with a configured column loads"
like "$out" 'configuration OK \(1 parent addresses' "its address is read"

# A roster or parents file every local user can read: a warning, exit 0.
school_write "$T" "unix:$T/aup.sock"
chmod 0644 "$T/parents.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "a world-readable parents file does not fail the check"
like "$out" "warning: $T/parents.csv: every user of this server can read the parents' addresses \(mode 0644\): chmod o-r" \
    "a world-readable parents file is a warning naming it"
chmod 0640 "$T/parents.csv"
out=$("$AUP" -t -c "$T/aup-milter.conf" 2>&1)
unlike "$out" 'every user of this server' "a 0640 parents file gives no such warning"

# -n prints what is in force and where each value came from.
school_write "$T" "unix:$T/aup.sock"
out=$("$AUP" -n -c "$T/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "-n on a good configuration exits 0"
line=$(grep -n '^domains' "$T/aup-milter.conf" | cut -d: -f1)
like "$out" "domains = testwood.example, pupils.testwood.example	; $T/aup-milter.conf:$line" \
    "-n shows a value set in the file with its file:line"
like "$out" 'spool_threshold = 1048576	; default' "-n shows a default as default"
like "$out" "parents = $T/parents.csv	;" "-n shows paths resolved"
sed -i 's/^domains = .*/domains = a.example; b.example/' "$T/aup-milter.conf"
"$AUP" -n -c "$T/aup-milter.conf" >/dev/null 2>&1; rc=$?
is "$rc" 1 "-n on a broken configuration exits 1"

# --help and --version on both programs.
out=$("$AUP" --help); rc=$?
is "$rc" 0 "aup-milter --help exits 0"
like "$out" '-n +print every setting in force' "aup-milter --help lists -n"
like "$("$AUP" --version)" '^aup-milter [0-9]+\.[0-9]+' "aup-milter --version"
out=$("$top_builddir/aupctl" --help); rc=$?
is "$rc" 0 "aupctl --help exits 0"
like "$out" 'quarantine' "aupctl --help names its commands"
like "$("$top_builddir/aupctl" --version)" '^aupctl \(aup-milter\) [0-9]' "aupctl --version"

# -d prints every parameter; the printed file is itself a valid config
# once the required school keys are filled in.
"$AUP" -d > "$T/defaults.conf"
like "$(cat "$T/defaults.conf")" '^spool_threshold = 1048576' "-d prints defaults"
unknown=$(nonexistent_section_check=1 grep -c '^\[' "$T/defaults.conf")
ok "$([ "$unknown" -ge 5 ]; echo $?)" "-d prints every section ($unknown)"
done_testing
