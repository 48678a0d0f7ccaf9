#!/bin/bash
# test_daemon_user - started as root, aup-milter never handles mail as
# root (issue 13, class 14): without [milter] user it refuses to start,
# says which setting is missing and opens no socket; a user whose id is
# 0 is refused too; `aup-milter -t` warns; with user set it runs as that
# user.  Only as root (otherwise skipped).
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

[ "$(id -u)" = 0 ] || skip_all "not root: the check is about starting as root"
AUP=$top_builddir/aup-milter
T=$(mktemp -d "${TMPDIR:-/tmp}/aup-user.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"; }
trap cleanup EXIT

school_write "$T" "unix:$T/aup.sock"
grep -q "^user = $(school_user)$" "$T/aup-milter.conf" ||
    bail_out "tests/lib/school.sh did not set [milter] user as root"
sed '/^user = /d' "$T/aup-milter.conf" > "$T/no-user.conf"
sed "s/^user = .*/user = root/" "$T/aup-milter.conf" > "$T/root-user.conf"

# 1. no user: refused before the socket is opened
out=$(timeout 20 "$AUP" -f -c "$T/no-user.conf" 2>&1); rc=$?
is "$rc" 1 "started as root without [milter] user, aup-milter exits 1"
like "$out" 'running as root needs \[milter\] user \(the unprivileged account to run as, e\.g\. aup-milter\); refusing to start' \
    "and says which setting is missing and what to put there"
ok "$([ ! -e "$T/aup.sock" ]; echo $?)" "it opened no socket"

# 2. a user whose id is 0
out=$(timeout 20 "$AUP" -f -c "$T/root-user.conf" 2>&1); rc=$?
is "$rc" 1 "with user = root it exits 1"
like "$out" '\[milter\] user root is root: name the unprivileged account' \
    "and says root is not an unprivileged account"

# 3. the check warns, and still passes
out=$("$AUP" -t -c "$T/no-user.conf" 2>&1); rc=$?
is "$rc" 0 "aup-milter -t as root without user still passes the check"
like "$out" 'warning: .*no-user\.conf: \[milter\] user is not set: started as root, aup-milter refuses to start' \
    "and warns that the daemon would refuse to start"
unlike "$("$AUP" -t -c "$T/aup-milter.conf" 2>&1)" 'user is not set' \
    "with user set there is no such warning"

# 4. with user set it starts and runs as that user
"$AUP" -f -c "$T/aup-milter.conf" > "$T/milter.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do [ -S "$T/aup.sock" ] && break; sleep 0.1; done
[ -S "$T/aup.sock" ] || bail_out "the milter did not start: $(cat "$T/milter.log")"
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$PID/status")" \
    "$(id -u "$(school_user)") $(id -u "$(school_user)") $(id -u "$(school_user)") $(id -u "$(school_user)")" \
    "with [milter] user = $(school_user) it runs as that user (real, effective, saved)"
kill -TERM "$PID"
wait "$PID" 2>/dev/null
PID=
done_testing
