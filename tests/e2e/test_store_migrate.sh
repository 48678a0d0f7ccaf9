#!/bin/sh
# test_store_migrate - [store] settings and `aupctl store migrate` on both
# backends, against a private PostgreSQL (tests/lib/postgres.sh)
#   - backend = postgresql without dsn: -t names the file and line
#   - an empty database: -t says the schema is older and what to run, and
#     the milter refuses to start rather than write to it
#   - migrate prints 0 -> 1, then 1 -> 1 (idempotent); -t then passes
#   - a server that does not answer: -t names [store] dsn's line
#   - sqlite: migrate makes DIR/index.sqlite (0640), then 1 -> 1
#   - [store] in a school file is refused (one store for the service)
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postgres.sh"
. "$top_srcdir/tests/lib/school.sh"

pg_check_prereqs || skip_all "$PG_WHY"
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-pgm.XXXXXXXX") || bail_out "no temp dir"
chmod 755 "$T"
trap 'pg_cleanup; rm -rf "$T"' EXIT
trap 'exit 143' INT TERM HUP
pg_start "$T" || bail_out "PostgreSQL did not start"
AUP="$top_builddir/aup-milter"
CTL="$top_builddir/aupctl"
S=$T/school
school_write "$S" "unix:$S/aup.sock"
cp "$S/aup-milter.conf" "$S/base.conf"
with_store() { # with_store LINES...: base.conf plus a [store] section
	cp "$S/base.conf" "$S/aup-milter.conf"
	printf '[store]\n' >> "$S/aup-milter.conf"
	printf '%s\n' "$@" >> "$S/aup-milter.conf"
}
line_of() { grep -n "^$1" "$S/aup-milter.conf" | cut -d: -f1; }

with_store "backend = postgresql"
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "backend = postgresql without a dsn fails the check"
like "$out" "aup-milter.conf:$(line_of backend): .*needs \[store\] dsn" \
    "the error names the file and the backend line"

with_store "backend = postgresql" "dsn = $PG_DSN"
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "an empty database fails the check"
like "$out" "aup-milter.conf:$(line_of dsn): \[store\] dsn: .*schema is version 0, this program needs 1: run .aupctl store migrate" \
    "the check says the schema is older and what to run, at the dsn line"
out=$(timeout 60 "$AUP" -f -c "$S/aup-milter.conf" 2>&1); rc=$?
isnt "$rc" 0 "the milter refuses to start on an older schema"
like "$out" "aupctl store migrate" "and says what to run"
is "$(pg_psql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 \
    "nothing was written to the database"

out=$("$CTL" -c "$S/aup-milter.conf" store migrate 2>/dev/null); rc=$?
is "$rc" 0 "store migrate succeeds"
is "$out" "store: schema version 0 -> 1 (postgresql)" "it prints from -> to"
out=$("$CTL" -c "$S/aup-milter.conf" store migrate 2>/dev/null)
is "$out" "store: schema version 1 -> 1 (postgresql)" "a second migrate changes nothing"
for t in quarantine deferred alerts notices audit content events; do
	is "$(pg_psql "SELECT count(*) FROM pg_tables WHERE tablename = '$t'")" 1 \
	    "the $t table exists"
done
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 0 "the check passes once migrated"

with_store "backend = postgresql" "dsn = host=$T/nowhere dbname=aup user=aup"
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1); rc=$?
is "$rc" 1 "a server that does not answer fails the check"
like "$out" "aup-milter.conf:$(line_of dsn): \[store\] dsn: postgresql: " \
    "the error names the dsn line and libpq's reason"

with_store "backend = sqlite"
out=$("$CTL" -c "$S/aup-milter.conf" store migrate 2>/dev/null); rc=$?
is "$rc" 0 "store migrate succeeds on sqlite"
is "$out" "store: schema version 0 -> 1 (sqlite)" "it prints from -> to"
is "$(stat -c %a "$S/quarantine/index.sqlite")" 640 "the index is not world readable"
out=$("$CTL" -c "$S/aup-milter.conf" store migrate 2>/dev/null)
is "$out" "store: schema version 1 -> 1 (sqlite)" "a second migrate changes nothing"

mkdir -p "$S/schools"
cp "$S/base.conf" "$S/aup-milter.conf"
sed -i '/^\[school\]/,$d' "$S/aup-milter.conf"
sed -i 's/^\[milter\]$/[milter]\nschools = schools/' "$S/aup-milter.conf"
sed -n '/^\[school\]/,$p' "$S/base.conf" > "$S/schools/a.conf"
printf '[store]\nbackend = postgresql\n' >> "$S/schools/a.conf"
out=$("$AUP" -t -c "$S/aup-milter.conf" 2>&1)
like "$out" "a.conf:[0-9]+: \[store\] backend is shared by every school" \
    "[store] in a school file is refused"
done_testing
