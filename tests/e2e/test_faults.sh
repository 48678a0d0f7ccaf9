#!/bin/bash
# test_faults - faults lose no message and leave the milter serving
# (SPEC 8), through a real private Postfix on loopback with
# milter_default_action = tempfail:
#   - a full quarantine disk (a tiny tmpfs filled up): the message to be
#     held is tempfailed (451), nothing delivered, nothing kept by Postfix;
#     once space is back the same message is held
#   - a read-only quarantine disk (the tmpfs remounted read-only, which
#     stops root too): the same
#   - a milter killed (SIGKILL) in the middle of an SMTP transaction: the
#     client gets 4xx at end of data; once the milter is restarted the
#     same message is accepted and delivered
#   - a dead DNS resolver (a UDP socket that never answers) and a slow one
#     (answers after dns_timeout): inbound mail gets SPF temperror within
#     dns_timeout and is delivered flagged; the milter goes on serving.
#     The milter runs in its own mount namespace with a resolv.conf that
#     names the local socket (sender-auth has no resolver setting; its
#     SPF layer reads resolv.conf)
#   - a reload with a broken configuration is refused, the old rules stay
#     in force, and a later good reload applies
# Needs root (Postfix, mount, unshare); skipped otherwise.
#
# SPDX-License-Identifier: MIT
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
for prog in mount umount unshare python3; do
	command -v "$prog" >/dev/null || skip_all "$prog not found"
done
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
Q=$T/qdisk
mkdir -p "$S" "$Q" && chmod 755 "$S"
# cleanup_mounts - unmount our tmpfs, stop the fake DNS (before pf_stop
# removes $T)
cleanup_mounts() {
	mountpoint -q "$Q" && umount -l "$Q"
	[ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null
}

# The resolver the milter sees: 127.0.0.1, where our fake DNS listens.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$T/resolv.conf"
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
socket_mode = 0660
notify = off
release_secret = $S/release.key
[sender-auth]
dns_timeout = 2"
sed -i "s|^quarantine_dir = .*|quarantine_dir = $Q/quarantine|" "$S/aup-milter.conf"
# The quarantine disk: mounted before the milter starts, because the
# milter's mount namespace copies the mounts it sees then; filling the
# disk and remounting it read-only act on the file system, so the
# milter's copy sees both.
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$Q" || bail_out "cannot mount a tmpfs"
mkdir -p "$Q/quarantine" && school_own "$Q/quarantine"
pf_start "$T" "unix:$S/aup.sock" || { umount "$Q"; bail_out "the private Postfix did not start"; }
# After pf_start, which sets its own EXIT trap.
trap 'cleanup_mounts; _pf_trap EXIT' EXIT

# start_milter - the test daemon in a mount namespace with our resolv.conf
start_milter() {
	pf_spawn aup unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
	    exec "$2" -f -c "$3"' sh "$T/resolv.conf" \
	    "$top_builddir/tests/aup-milter-test" "$S/aup-milter.conf" || return 1
	E2E_PID=$PF_SPAWN_PID
	pf_wait_socket "unix:$S/aup.sock" 10
}
start_milter || bail_out "aup-milter did not start: $(cat "$T/aup.out")"

TEACHER=t.one@testwood.example
COLLEAGUE=colleague@testwood.example
send() { # send FILE: a logged-in teacher from the school network
	pf_send -a 10.9.1.2 -l "$TEACHER" -f "$TEACHER" -t "$COLLEAGUE" -d "$1"
}
# quarantine_count - messages in the quarantine store
quarantine_count() {
	find "$Q/quarantine/messages" -name '*.eml' 2>/dev/null | wc -l
}
# still_serving NAME - an ordinary message is accepted and delivered
still_serving() {
	local n
	e2e_msg "$T/plain-$1.eml" "Plain $1" "$TEACHER" "$COLLEAGUE"
	n=$(pf_sink_count)
	send "$T/plain-$1.eml"
	is "$PF_CODE" 250 "after $1 the milter accepts an ordinary message"
	pf_wait_delivered $((n + 1)) 30
	ok $? "after $1 the ordinary message is delivered"
}
# A message the test policy holds, with a body big enough to need space.
e2e_msg "$T/hold.eml" "Hold me" "$TEACHER" "$COLLEAGUE" "X-Test-Verdict: quarantine"
head -c 300000 /dev/urandom | base64 | sed 's/$/\r/' >>"$T/hold.eml"

# tempfailed_and_kept_by_sender NAME - the last send got 4xx, nothing
# was delivered or held, Postfix queued nothing
tempfailed_and_kept_by_sender() {
	like "$PF_CODE" '^4[0-9][0-9]$' "$1: the client is told to try again later (4xx)"
	is "$(pf_sink_count)" "$2" "$1: nothing was delivered"
	is "$(pf_queue_count)" 0 "$1: Postfix kept nothing: the message stays with the sender"
}

# 1. a full quarantine disk
dd if=/dev/zero of="$Q/filler" bs=4k >/dev/null 2>&1
n=$(pf_sink_count)
send "$T/hold.eml"
tempfailed_and_kept_by_sender "a full quarantine disk" "$n"
like "$(cat "$T/aup.out")" 'quarantine store failed' "a full disk is logged"
still_serving "a full quarantine disk"
rm -f "$Q/filler"
n=$(pf_sink_count)
before=$(quarantine_count)
send "$T/hold.eml"
is "$PF_CODE" 250 "with space back the same message is accepted"
is "$(quarantine_count)" $((before + 1)) "and held in the quarantine store"
sleep 1
is "$(pf_sink_count)" "$n" "and not delivered"

# 2. a read-only quarantine disk (root cannot write either)
mount -o remount,ro "$Q" || bail_out "cannot remount read-only"
n=$(pf_sink_count)
send "$T/hold.eml"
tempfailed_and_kept_by_sender "a read-only quarantine disk" "$n"
still_serving "a read-only quarantine disk"
mount -o remount,rw "$Q"
n=$(pf_sink_count)
send "$T/hold.eml"
is "$PF_CODE" 250 "with the disk writable again the message is accepted"
is "$(quarantine_count)" $((before + 2)) "and held in the quarantine store"

# 3. a milter killed in the middle of a transaction
# smtp_begin: EHLO, XCLIENT, MAIL, RCPT, DATA and half the message on fd 3
smtp_line() { printf '%s\r\n' "$1" >&3; }
smtp_reply() { # smtp_reply - the last line of one reply
	local line
	while IFS= read -r -t 30 line <&3; do
		line=${line%$'\r'}
		case $line in
		[0-9][0-9][0-9]-*) continue ;;
		*) printf '%s\n' "$line"; return 0 ;;
		esac
	done
	return 1
}
e2e_msg "$T/killed.eml" "Killed mid-message" "$TEACHER" "$COLLEAGUE"
exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT" || bail_out "cannot connect to smtpd"
smtp_reply >/dev/null
smtp_line "EHLO client.test"; smtp_reply >/dev/null
smtp_line "XCLIENT ADDR=10.9.1.2 LOGIN=$TEACHER NAME=[UNAVAILABLE]"; smtp_reply >/dev/null
smtp_line "EHLO client.test"; smtp_reply >/dev/null
smtp_line "MAIL FROM:<$TEACHER>"; r_mail=$(smtp_reply)
smtp_line "RCPT TO:<$COLLEAGUE>"; r_rcpt=$(smtp_reply)
smtp_line "DATA"; r_data=$(smtp_reply)
like "$r_mail $r_rcpt $r_data" '^250 .* 250 .* 354 ' "the transaction is under way (MAIL, RCPT, DATA accepted)"
head -n 3 "$T/killed.eml" >&3
kill -KILL "$E2E_PID"
wait "$E2E_PID" 2>/dev/null
n=$(pf_sink_count)
tail -n +4 "$T/killed.eml" >&3
smtp_line "."
r_end=$(smtp_reply)
smtp_line "QUIT"
exec 3<&-
like "$r_end" '^4[0-9][0-9] ' "a milter killed mid-message: the client gets 4xx at end of data"
sleep 1
is "$(pf_sink_count)" "$n" "the message was not delivered unchecked"
is "$(pf_queue_count)" 0 "Postfix kept nothing: the message stays with the sender"
rm -f "$S/aup.sock"
mv "$T/aup.out" "$T/aup-killed.out"
start_milter; ok $? "the milter starts again"
send "$T/killed.eml"
is "$PF_CODE" 250 "after the restart the same message is accepted"
pf_wait_delivered $((n + 1)) 30; ok $? "and delivered"

# 4. dead and slow DNS resolvers: SPF temperror within dns_timeout
# fake_dns DELAY - a UDP server on 127.0.0.1:53 that never answers
# (DELAY "never") or answers SERVFAIL after DELAY seconds
fake_dns() {
	python3 - "$1" <<'EOF' &
import socket, sys, threading, time
delay = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 53))
def answer(q, peer):
    time.sleep(float(delay))
    # the question back, QR set, RCODE 2 (SERVFAIL)
    s.sendto(q[:2] + bytes([q[2] | 0x80, 0x82]) + q[4:], peer)
while True:
    q, peer = s.recvfrom(4096)
    if delay != "never" and len(q) > 4:
        threading.Thread(target=answer, args=(q, peer), daemon=True).start()
EOF
	DNS_PID=$!
	sleep 0.5
}
for kind in dead slow; do
	if [ "$kind" = dead ]; then fake_dns never; else fake_dns 5; fi
	e2e_msg "$T/dns-$kind.eml" "Inbound, $kind DNS" "news@sender.example" "$COLLEAGUE"
	n=$(pf_sink_count)
	t0=$(date +%s)
	pf_send -a 203.0.113.5 -f news@sender.example -t "$COLLEAGUE" -d "$T/dns-$kind.eml"
	t1=$(date +%s)
	is "$PF_CODE" 250 "a $kind DNS resolver: inbound mail is accepted (SPF temperror is flagged)"
	ok "$([ $((t1 - t0)) -le 8 ]; echo $?)" \
	    "a $kind DNS resolver: the reply comes within dns_timeout (2 s) and a margin ($((t1 - t0)) s)"
	pf_wait_delivered $((n + 1)) 30; ok $? "a $kind DNS resolver: the message is delivered"
	f=$(e2e_sink_since "$n" | tail -n 1)
	like "$(pf_sink_header "$f" Received-SPF)" '^temperror' \
	    "a $kind DNS resolver: the delivered copy says Received-SPF: temperror"
	kill "$DNS_PID" 2>/dev/null
	wait "$DNS_PID" 2>/dev/null
	DNS_PID=''
	still_serving "a $kind DNS resolver"
done

# 5. a reload with a broken configuration keeps the old one
cp "$S/aup-milter.conf" "$T/good.conf"
printf '[milter]\nmode = sometimes\n[no-such-section]\n' >>"$S/aup-milter.conf"
e2e_reload "$S" 'reload failed: keeping the previous configuration'
ok $? "a broken configuration is refused on reload"
ok "$(kill -0 "$E2E_PID" 2>/dev/null; echo $?)" "the milter is still running"
e2e_msg "$T/after-bad-reload.eml" "Rejected" "$TEACHER" "$COLLEAGUE" "X-Test-Verdict: reject"
n=$(pf_sink_count)
send "$T/after-bad-reload.eml"
is "$PF_CODE" 550 "the previous rules stay in force (a test reject is still 550)"
still_serving "a broken reload"
cp "$T/good.conf" "$S/aup-milter.conf"
printf '[test-verdict]\naction = off\n' >>"$S/aup-milter.conf"
e2e_reload "$S" 'reloaded'; ok $? "a good configuration is then accepted"
n=$(pf_sink_count)
send "$T/after-bad-reload.eml"
is "$PF_CODE" 250 "the new rules apply (the test policy is off)"
pf_wait_delivered $((n + 1)) 30; ok $? "and the message is delivered"

unlike "$(cat "$T"/aup*.out)" 'AddressSanitizer|runtime error' "the milter reported no memory or undefined-behaviour error"
done_testing
