# artefacts.sh - keep what a test's milter and Postfix wrote, for the
# suite-wide leak sweep (tests/sweep/sweep-leaks.sh, `make check-leaks`)
#
# artefacts_keep ROOT - when AUP_ARTEFACTS is set (make check sets it to
# tests/artefacts in the build tree), copy into AUP_ARTEFACTS/TEST.PID
# what a person other than the DSL may read: logs (*.out, *.log, the
# maillog), event logs (*.jsonl), quarantine metadata (*.json), every
# SQLite database as text (one line a row; the alert_matches table, the
# DSL's evidence, left out), the X-AUP- headers the milter added to each
# message the sink received and the whole of every notice
# (X-AUP-Notification).  Held
# messages (*.eml), the test's own inputs (*.txt, *.csv, swaks data) and
# configuration are not kept.  Each file is cut at ARTEFACTS_MAX bytes;
# the folders are 0700 and the files 0600 (they may hold test pupils'
# addresses).  Never fails the test: a copy that goes wrong is skipped.

ARTEFACTS_MAX=${ARTEFACTS_MAX:-2097152}

# _artefacts_sqlite DB - every row of every table but alert_matches
_artefacts_sqlite() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for (t,) in db.execute("select name from sqlite_master where type = ?", ("table",)):
    if t != "alert_matches":
        for row in db.execute("select * from \"%s\"" % t):
            print(t, *row)' "$1" 2>/dev/null
}

# _artefacts_sink FILE - a sink dump: the whole of a notice; of other
# mail the X-AUP- headers the milter added (the sender's own headers and
# text are the sender's, delivered as sent)
_artefacts_sink() {
	if grep -q '^X-AUP-Notification: ' "$1"; then
		tr -d '\r' <"$1"
	else
		tr -d '\r' <"$1" | awk '/^$/ { exit }
		    /^X-AUP-/ { keep = 1; print; next }
		    /^[ \t]/ { if (keep) print; next }
		    { keep = 0 }'
	fi
}

# artefacts_keep ROOT - see above
artefacts_keep() {
	local root=$1 dest f rel name
	[ -n "${AUP_ARTEFACTS:-}" ] && [ -d "$root" ] || return 0
	name=$(basename "${0:-test}")
	name=${name%.sh}
	(umask 077 && mkdir -p "$AUP_ARTEFACTS/$name.$$") 2>/dev/null || return 0
	chmod 0700 "$AUP_ARTEFACTS" "$AUP_ARTEFACTS/$name.$$" 2>/dev/null
	dest=$AUP_ARTEFACTS/$name.$$
	(
		umask 077
		cd "$root" || exit 0
		find . -type f \( -name '*.out' -o -name '*.log' -o \
		    -name maillog -o -name '*.jsonl' -o -name '*.json' -o \
		    -name '*.sqlite' -o -path './sink/*' \) \
		    ! -path './postfix/spool/*' ! -path './send/*' -print |
		while IFS= read -r f; do
			rel=${f#./}
			mkdir -p "$dest/$(dirname "$rel")"
			case $rel in
			sink/*)	_artefacts_sink "$f" ;;
			*.sqlite) _artefacts_sqlite "$f" ;;
			*)	cat "$f" ;;
			esac 2>/dev/null | head -c "$ARTEFACTS_MAX" >"$dest/$rel"
		done
	)
	return 0
}
