#!/bin/sh
# test_store_postgres - the store's unit tests again, on PostgreSQL
#
# Starts a private PostgreSQL (tests/lib/postgres.sh) and runs each store
# unit test with AUP_TEST_PG_DSN set, so tu_store() gives it the
# postgresql backend: the same assertions that passed on SQLite must pass
# on the shared store.  Skipped only when the server binaries are absent.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postgres.sh"

pg_check_prereqs || skip_all "$PG_WHY"
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-pg.XXXXXXXX") || bail_out "no temp dir"
chmod 755 "$T"
trap 'pg_cleanup; rm -rf "$T"' EXIT
trap 'exit 143' INT TERM HUP
pg_start "$T" || bail_out "PostgreSQL did not start: $(cat "$T/pg/initdb.log" "$T/pg/server.log" 2>/dev/null | tail -n 20)"

for t in test_db test_events test_quarantine_index test_notices test_alerts test_store_school \
    test_release test_release_restart test_report test_notify; do
	AUP_TEST_PG_DSN=$PG_DSN CMOCKA_MESSAGE_OUTPUT=TAP \
	    "$top_builddir/tests/unit/store/$t" >"$T/$t.out" 2>&1
	rc=$?
	ok "$rc" "the store's $t unit tests pass on PostgreSQL" ||
	    diag "$(grep -v '^ok' "$T/$t.out")"
done
done_testing
