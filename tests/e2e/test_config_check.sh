#!/bin/bash
# test_config_check - `aup-milter -t` reports every problem with file:line
# and exits 1; a good configuration exits 0; `-d` prints a configuration
# that loads.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/school.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-check.XXXXXX")
trap 'rm -rf "$T"' EXIT
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

# -d prints every parameter; the printed file is itself a valid config
# once the required school keys are filled in.
"$AUP" -d > "$T/defaults.conf"
like "$(cat "$T/defaults.conf")" '^spool_threshold = 1048576' "-d prints defaults"
unknown=$(nonexistent_section_check=1 grep -c '^\[' "$T/defaults.conf")
ok "$([ "$unknown" -ge 5 ]; echo $?)" "-d prints every section ($unknown)"
done_testing
