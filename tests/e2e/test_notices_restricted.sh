#!/bin/bash
# test_notices_restricted - notices reach the DSL through a real Postfix
# while aup-milter runs under the restrictions of the shipped systemd
# unit (contrib/systemd/aup-milter.service), as far as a test can give
# them without systemd as PID 1:
#   User=/Group=        setpriv --reuid=nobody --regid=postfix
#   NoNewPrivileges=yes setpriv --no-new-privs (postdrop's set-group-id
#                       bit is ignored: sendmail(1) cannot queue)
#   CapabilityBoundingSet=  setpriv --bounding-set=-all
#   ProtectSystem=strict    a mount namespace (unshare -m) with /usr, /etc
#                       and the school's folder bound read-only; only its
#                       var/ folder (ReadWritePaths=) is writable
# Then, through the instance's smtpd as [notify] relay:
#   - a held message's notice reaches the DSL
#   - with the relay down, a held message is still accepted (250) and
#     discarded at once: nothing on the message path waits for the
#     notice, which waits in the queue with the reason
#   - the daemon is restarted while it waits
#   - the relay returns: the notice arrives, exactly once
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v unshare > /dev/null 2>&1 || skip_all "unshare not installed (util-linux)"
command -v python3 > /dev/null 2>&1 || skip_all "python3 not installed"
unshare -m sh -c 'mount --bind -o ro /usr /usr' 2> /dev/null ||
    skip_all "no mount namespace here (unshare -m and a read-only bind are needed)"

T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
V=$S/var
mkdir -p "$S" "$V" && chmod 755 "$S"
trap 'rm -rf "$T"' EXIT
GEN="$top_srcdir/tests/fixtures/make-e2e-fixtures.py"
RELAY=$(pf_free_port) || bail_out "no free port"
school_write "$S" "unix:$V/aup.sock" "[milter]
release_secret = $V/release.key
socket_mode = 0660
[notify]
relay = 127.0.0.1:$RELAY
retry = 1
retry_max = 2
[sender-auth]
action = off
spf_fail = off
spf_softfail = off
spf_temperror = off
spf_permerror = off"
# What the daemon writes lives under var/ (the unit's ReadWritePaths).
sed -i -e "s|^event_log = .*|event_log = $V/events.jsonl|" \
    -e "s|^quarantine_dir = .*|quarantine_dir = $V/quarantine|" \
    -e "s|^spool_dir = .*|spool_dir = $V/spool|" "$S/aup-milter.conf"
rm -rf "$S/quarantine" "$S/spool"
mkdir -p "$V/spool"
chown -R nobody:postfix "$V" && chmod 0750 "$V"
pf_start "$T" "unix:$V/aup.sock" || bail_out "the private Postfix did not start"

# relay_up / relay_down - the notices' relay: one more smtpd of this
# instance on $RELAY (with the milter, like the main port), or none
relay_up() {
	pf_postconf -M "127.0.0.1:$RELAY/inet=127.0.0.1:$RELAY inet n - n - - smtpd" &&
	    pf_postfix reload > /dev/null 2>&1 || return 1
	for _ in $(seq 1 100); do
		_pf_smtp_answers "$RELAY" && return 0
		sleep 0.1
	done
	return 1
}
relay_down() {
	pf_postconf -MX "127.0.0.1:$RELAY/inet" && pf_postfix reload > /dev/null 2>&1 ||
	    return 1
	for _ in $(seq 1 100); do
		_pf_tcp_open "$RELAY" || return 0
		sleep 0.1
	done
	return 1
}
# as_milter CMD... - as the unit's user, no new privileges, no capabilities
as_milter() {
	setpriv --reuid=nobody --regid=postfix --clear-groups --no-new-privs \
	    --inh-caps=-all --bounding-set=-all -- "$@"
}
# start_milter - aup-milter under the restrictions; sets MPID
start_milter() {
	pf_spawn aup unshare -m --propagation private -- sh -c '
		mount --bind -o ro /usr /usr && mount --bind -o ro /etc /etc &&
		mount --bind "$1" "$1" && mount --rbind "$2" "$2" &&
		mount -o remount,bind,ro "$2" || exit 111
		shift 2
		exec setpriv --reuid=nobody --regid=postfix --clear-groups \
		    --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"' \
	    sh "$V" "$S" "$top_builddir/aup-milter" -f -c "$S/aup-milter.conf" ||
	    return 1
	MPID=$PF_SPAWN_PID
	pf_wait_socket "unix:$V/aup.sock" 15
}
# stop_milter - SIGTERM and wait (libmilter stops within ~6 s)
stop_milter() {
	kill -TERM "$MPID"
	for _ in $(seq 1 200); do
		_pf_alive "$MPID" || { wait "$MPID" 2> /dev/null; return 0; }
		sleep 0.1
	done
	return 1
}
# notices_to_dsl REF - sink files of the DSL's notice about REF
notices_to_dsl() {
	local f
	for f in $(pf_sink_files); do
		grep -q "^X-AUP-Notification: held; ref=$1" "$f" &&
		    [ "$(pf_sink_rcpts "$f")" = dsl@testwood.example ] &&
		    printf '%s\n' "$f"
	done
}
# wait_notice REF - wait (bounded) until the DSL's notice about REF arrived
wait_notice() {
	for _ in $(seq 1 300); do
		[ -n "$(notices_to_dsl "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}
# ref_of QID - the reference the event log gives the message queued as QID
ref_of() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("queue_id") == sys.argv[2]:
        print(e.get("ref", ""))' "$V/events.jsonl" "$1"
}
# queue_line REF - the line of `aupctl notices list` for the DSL's notice
queue_line() {
	as_milter "$top_builddir/aupctl" -c "$S/aup-milter.conf" notices list --all |
	    grep -E "^[0-9]+ +[a-z]+ +held +$1 +dsl@testwood\.example"
}

python3 "$GEN" pe "$T/invoice.zip" > "$T/gen.out" 2>&1 ||
    bail_out "cannot build the zip: $(cat "$T/gen.out")"
for n in 1 2; do
	python3 "$GEN" message "$T/in$n.eml" "QuickPay <sales@supplier.example>" \
	    office@testwood.example "Invoice $n" "$T/invoice.zip" application/zip ||
	    bail_out "cannot write in$n.eml"
done

relay_up || bail_out "the relay listener did not start: $(tail -n 5 "$PF_LOG")"
start_milter || bail_out "aup-milter did not start under the restrictions: $(cat "$T/aup.out")"
# unshare, sh and setpriv each exec the next: MPID is aup-milter itself.
is "$(cat "/proc/$MPID/comm")" aup-milter "the spawned process is aup-milter"
like "$(cat "/proc/$MPID/status")" '^NoNewPrivs:[[:space:]]+1$' "the daemon runs with no_new_privs set"
like "$(cat "/proc/$MPID/status")" '^CapBnd:[[:space:]]+0+$' "and no capability in its bounding set"
is "$(stat -c %U "/proc/$MPID")" nobody "the daemon runs as the unprivileged user"
as_milter /usr/sbin/sendmail -C "$PF_CONF" -f aup-milter@testwood.example \
    dsl@testwood.example < "$T/in1.eml" > "$T/sendmail.out" 2>&1
isnt $? 0 "under these restrictions sendmail(1) cannot queue mail (postdrop's set-group-id bit is ignored)"

# ------------------------------------------------ 1. relay up
pf_send -a 192.0.2.7 -f sales@supplier.example -t office@testwood.example -d "$T/in1.eml"
is "$PF_CODE" 250 "a message with a Windows program in a zip is accepted"
pf_wait_log "$PF_QUEUE_ID: milter-discard" 20
ok $? "and held (discarded from the mail flow)"
R1=$(ref_of "$PF_QUEUE_ID")
wait_notice "$R1"
ok $? "the DSL's notice reaches the sink through Postfix"
f=$(notices_to_dsl "$R1" | head -n 1)
is "$(pf_sink_sender "${f:-/dev/null}")" aup-milter@testwood.example "from aup-milter@ the school's domain"
like "$(pf_sink_header "${f:-/dev/null}" Subject)" "^Message held for your review \(ref $R1\)$" \
    "with the reference in its subject"

# ------------------------------------------------ 2. relay down
relay_down || bail_out "the relay listener did not stop"
pf_send -a 192.0.2.7 -f sales@supplier.example -t office@testwood.example -d "$T/in2.eml"
is "$PF_CODE" 250 "with the relay down a held message is still accepted"
QID2=$PF_QUEUE_ID
pf_wait_log "$QID2: milter-discard" 20
ok $? "and discarded at once: the message path does not wait for its notice"
R2=$(ref_of "$QID2")
# the line as first seen queued: a retry may be sending it a moment later
line=''
for _ in $(seq 1 100); do
	line=$(queue_line "$R2")
	printf '%s\n' "$line" | grep -q '^[0-9]* *queued' && break
	sleep 0.1
done
like "$line" "^[0-9]+ +queued +held +$R2 " "aupctl notices list shows the notice waiting"
like "$(as_milter "$top_builddir/aupctl" -c "$S/aup-milter.conf" notices list)" \
    "last error: relay 127\.0\.0\.1:$RELAY: Couldn't connect to server" "and why"
is "$(notices_to_dsl "$R2" | grep -c .)" 0 "nothing has reached the DSL yet"

# ------------------------------------------------ 3. restart while it waits
stop_milter
ok $? "the daemon stops on SIGTERM"
like "$(cat "$T/aup.out")" "stopped" "and says so"
start_milter
ok $? "and starts again under the same restrictions"
like "$(queue_line "$R2")" "^[0-9]+ +queued +held +$R2 " "the notice is still queued after the restart"

# ------------------------------------------------ 4. relay returns
relay_up || bail_out "the relay listener did not come back"
wait_notice "$R2"
ok $? "the notice arrives after the relay returns"
pf_wait_queue_empty 30
sleep 3		# any second copy would be sent within retry_max (2 s)
is "$(notices_to_dsl "$R2" | grep -c .)" 1 "exactly once"
is "$(notices_to_dsl "$R1" | grep -c .)" 1 "and the first notice was not sent again"
like "$(queue_line "$R2")" "^[0-9]+ +sent +held +$R2 " "aupctl notices list --all shows it sent"
done_testing
