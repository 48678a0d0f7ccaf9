#!/bin/bash
# test_daemon_store - the store is ready before the milter takes mail:
# started on a fresh folder, aup-milter makes its quarantine folder and
# index (not world readable) itself, before the notice sender and the
# deferred-mail thread start, so none of them reports a locked or
# missing index; a store that cannot be made stops the start with its
# reason instead of tempfailing every hold later.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

AUP=$top_builddir/aup-milter
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-store.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT

school_write "$T" "unix:$T/aup.sock"
[ "$(id -u)" = 0 ] && chown -R "$(school_user)" "$T"

# start_and_stop N - start on a fresh quarantine folder, wait for the
# socket and the start-up line, stop; the log in $T/milter.N.log
start_and_stop() {
	rm -rf "$T/quarantine" "$T/aup.sock"
	"$AUP" -f -c "$T/aup-milter.conf" > "$T/milter.$1.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do
		grep -q 'started: socket' "$T/milter.$1.log" && break
		sleep 0.1
	done
	sleep 0.3	# the threads' first look at the store
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null
	PID=
}

# 1. ten starts on a fresh folder: no thread finds the index locked
bad=0 started=0
for i in $(seq 1 10); do
	start_and_stop "$i"
	grep -q 'started: socket' "$T/milter.$i.log" && started=$((started + 1))
	grep -Eq 'locked|deferred mail:|notices: cannot|the store:' "$T/milter.$i.log" &&
	    bad=$((bad + 1))
done
is "$started" 10 "aup-milter started ten times on a fresh quarantine folder"
is "$bad" 0 "no start logged a locked or failing store"
ok "$([ -f "$T/quarantine/index.sqlite" ]; echo $?)" \
    "the quarantine index is made at start, before any mail"
is "$(stat -c %a "$T/quarantine/index.sqlite")" 640 "the index is not world readable"
is "$(stat -c %a "$T/quarantine")" 750 "nor is its folder"

# 2. a store that cannot be made: the start stops and says why
: > "$T/not-a-folder"
sed "s|^quarantine_dir = .*|quarantine_dir = $T/not-a-folder/quarantine|" \
    "$T/aup-milter.conf" > "$T/bad-store.conf"
out=$(timeout 20 "$AUP" -f -c "$T/bad-store.conf" 2>&1); rc=$?
is "$rc" 1 "with a quarantine folder that cannot be made aup-milter exits 1"
like "$out" 'the store: index\.sqlite: mkdir: Not a directory' \
    "and names the store and the reason"
done_testing
