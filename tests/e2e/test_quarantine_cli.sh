#!/bin/bash
# test_quarantine_cli - the DSL's review: aupctl quarantine list, show,
# release, delete, expire and digest against messages the real aup-milter
# (shipped policies) held, fed through libmilter by miltertest.
#
# sendmail_path points at a small script written here that records its
# argv and standard input (a test double for the MTA).  The released copy
# it recorded is then fed back through the milter, as Postfix's pickup
# would: delivered the first time, held again when replayed or forged.
# Notices go by SMTP to [notify] relay: Postfix's smtp-sink here, which
# keeps each message it receives in a file.
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"
. "$top_srcdir/tests/lib/school.sh"

MT=${MILTERTEST:-$(command -v miltertest || true)}
[ -n "$MT" ] && [ -x "$MT" ] || skip_all "miltertest not installed (apt-get install miltertest)"

case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
command -v smtp-sink > /dev/null 2>&1 ||
    skip_all "smtp-sink not installed (Debian package postfix): the notices' relay"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-qcli.XXXXXX")
chmod 755 "$T"
school_own "$T"		# as root, the milter runs as school_user
SOCK="unix:$T/aup.sock"
cleanup() {
	[ -n "${PID-}" ] && kill "$PID" 2>/dev/null
	[ -n "${SINK-}" ] && kill "$SINK" 2>/dev/null
	wait 2>/dev/null; artefacts_keep "$T"; rm -rf "$T"
}
trap cleanup EXIT

# The relay: smtp-sink on a free port, one file per message in $T/relay.
RELAY_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/relay"
SINK_USER=$(id -un)
[ "$(id -u)" = 0 ] && SINK_USER=nobody && chown nobody "$T/relay"
smtp-sink -u "$SINK_USER" -d "$T/relay/%Y%m%d%H%M%S." "127.0.0.1:$RELAY_PORT" 10 \
    < /dev/null > "$T/sink.out" 2>&1 &
SINK=$!

# The MTA double: one NAME.N.args (argv, one per line) and NAME.N.msg each.
cat > "$T/sendmail" <<'EOT'
#!/bin/sh
d=$(dirname "$0")/sent
mkdir -p "$d"
n=$(($(ls "$d" | grep -c '\.args$') + 1))
printf '%s\n' "$@" > "$d/$n.args"
cat > "$d/$n.msg"
EOT
chmod 755 "$T/sendmail"

cat > "$T/aup-milter.conf" <<EOT
[milter]
$(school_user_line)
socket = $SOCK
event_log = $T/events.jsonl
quarantine_dir = $T/quarantine
spool_dir = $T
release_secret = $T/release.key
sendmail_path = $T/sendmail
trusted_networks = 127.0.0.0/8, 10.9.0.0/16
quarantine_days = 30
[notify]
relay = 127.0.0.1:$RELAY_PORT
retry = 1
[school]
name = Testwood Primary
domains = testwood.example
office = office@testwood.example
dsl = dsl@testwood.example
policy_url = https://testwood.example/aup
[sender-auth]
action = off
spf_fail = off
spf_softfail = off
spf_temperror = off
spf_permerror = off
EOT

AUPCTL="$top_builddir/aupctl -c $T/aup-milter.conf quarantine"
"$top_builddir/aup-milter" -f -c "$T/aup-milter.conf" > "$T/milter.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do [ -S "$T/aup.sock" ] && break; sleep 0.1; done
[ -S "$T/aup.sock" ] || bail_out "the milter did not start: $(cat "$T/milter.log")"

# send FILE FROM RCPT IP QID EXPECT [LOGIN] - one message through the milter
send() {
	"$MT" -s "$top_srcdir/tests/e2e/send-file.lua" -D "sock=$SOCK" \
	    -D "file=$1" -D "from=$2" -D "rcpt=$3" -D "ip=$4" -D "qid=$5" \
	    -D "expect=$6" -D "login=${7-}" > "$T/mt.out" 2>&1
}

# message FILE FROM TO SUBJECT NAME PAYLOAD - a message with one attachment
message() {
	{
		printf 'From: <%s>\nTo: <%s>\nSubject: %s\n' "$2" "$3" "$4"
		printf 'Message-ID: <%s@test>\nMIME-Version: 1.0\n' "$5"
		printf 'Content-Type: multipart/mixed; boundary=BB\n\n--BB\n'
		printf 'Content-Type: text/plain\n\nPlease see attached.\n\n--BB\n'
		printf 'Content-Type: application/octet-stream; name="%s"\n' "$5"
		printf 'Content-Disposition: attachment; filename="%s"\n' "$5"
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 < "$6"
		printf '%s\n' '--BB--'
	} > "$1"
}

# relay_to ADDR - the relay's files of notices to ADDR, oldest first
relay_to() {
	local f
	for f in $(ls -1tr "$T/relay"); do
		grep -q "^X-Rcpt-Args: <$1>" "$T/relay/$f" && printf '%s\n' "$T/relay/$f"
	done
}
# wait_relay N - wait until the relay holds N messages
wait_relay() {
	for _ in $(seq 1 300); do
		[ "$(ls "$T/relay" | grep -c .)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
json_ref() { python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["ref"] if r else "")'; }
sent_count() { ls "$T/sent" 2>/dev/null | grep -c '\.args$'; }

printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$T/eicar.txt"
printf 'int main(void) { return 0; }\n' > "$T/hello.c"
gcc -o "$T/backup-tool" "$T/hello.c" 2>/dev/null || printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0' > "$T/backup-tool"
message "$T/in.eml" sales@supplier.example office@testwood.example "Invoice 42" invoice.txt "$T/eicar.txt"
message "$T/out.eml" t.one@testwood.example partner@college.example "Backup tool" backup-tool "$T/backup-tool"

plan 49

ok "$([ -f "$T/release.key" ] && stat -c %a "$T/release.key" | grep -qx 640; echo $?)" \
    "the milter creates the release secret, mode 0640, at startup"

send "$T/in.eml" sales@supplier.example office@testwood.example 192.0.2.7 QIN1 discard
ok $? "an inbound message with the EICAR file is held and discarded from the mail flow"
send "$T/out.eml" t.one@testwood.example partner@college.example 10.9.1.2 QOUT1 discard t.one@testwood.example
ok $? "an outbound message with a Linux program is held too"

R1=$($AUPCTL list --json --sender supplier | json_ref)
R2=$($AUPCTL list --json --sender t.one | json_ref)
like "$R1" '^[0-9A-Z]{10}$' "list --sender finds the inbound message by part of its sender"
like "$R2" '^[0-9A-Z]{10}$' "list --sender finds the outbound message"
is "$(stat -c %a "$T/quarantine" "$T/quarantine/messages" "$T/quarantine/messages/$R1.eml" "$T/quarantine/index.sqlite" | tr '\n' ' ')" \
    "750 750 640 640 " "folders are 0750 and files 0640: the milter's user and the reviewers' group only"

out=$($AUPCTL list)
like "$out" "$R1 .* inbound +executables +held" "list shows the held message with direction, policy and status"
like "$out" "2 messages held" "list counts what is held"
is "$($AUPCTL list --json --policy executables | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2 \
    "list --policy executables finds both"
is "$($AUPCTL list --json --policy bulk-bcc)" "[
]" "list --policy bulk-bcc finds none"
is "$($AUPCTL list --json --recipient OFFICE@testwood | json_ref)" "$R1" \
    "list --recipient matches part of a recipient, whatever the case"
is "$($AUPCTL list --json --since 2999-01-01)" "[
]" "list --since a future day finds none"
$AUPCTL list --since 2024-13-45 > /dev/null 2>&1
is $? 2 "list --since with a bad date is a usage error"

# Notices: the DSL for each, the outbound sender for theirs, by SMTP.
wait_relay 3
ok $? "three notices reach the relay"
is "$(relay_to dsl@testwood.example | grep -c .)" 2 "the DSL is told of each held message"
notice=$(sed '1,/^Received: /d' "$(relay_to dsl@testwood.example | head -n 1)" | tr -d '\r')
like "$notice" "Reference: +$R1" "the DSL notice names the reference"
like "$notice" "From: +sales@supplier.example" "the DSL notice names the sender"
like "$notice" "Subject: +Invoice 42" "the DSL notice names the subject"
like "$notice" "Why: +invoice.txt: the EICAR anti-virus test file" "the DSL notice says why"
unlike "$notice" "$(base64 < "$T/eicar.txt" | head -c 20)" "the DSL notice never carries the attachment"
is "$(relay_to t.one@testwood.example | grep -c .)" 1 "the outbound sender is told their message is held"
printf '%s\n' "$notice" > "$T/notice.eml"
send "$T/notice.eml" aup-milter@testwood.example dsl@testwood.example 127.0.0.1 QNOTE accept
ok $? "a notice passes the milter when it comes back through it (no loop)"
like "$("$top_builddir/aupctl" -c "$T/aup-milter.conf" notices list --all)" "^[0-9]+ +sent +held +$R1 +dsl@testwood.example" \
    "aupctl notices list --all shows the DSL's notice as sent"

# show
out=$($AUPCTL show "$R2")
like "$out" "a Linux program" "show gives the reason"
like "$out" "backup-tool" "show lists the attachment records"
like "$out" "Subject: Backup tool" "show prints the stored headers"
unlike "$out" "$(base64 < "$T/backup-tool" | sed -n 2p | head -c 30)" "show never prints an attachment's content"
$AUPCTL show "$R1" --raw > "$T/raw.eml"
cmp -s "$T/raw.eml" "$T/quarantine/messages/$R1.eml"
ok $? "show --raw writes the stored message byte for byte"
out=$($AUPCTL show "$(printf '%s' "$R2" | tr 'A-Z' 'a-z')")
like "$out" "a Linux program" "a reference typed in lower case is accepted"
$AUPCTL show ../../etc/passwd > /dev/null 2>&1
is $? 1 "show refuses something that is not a reference"

# release: once, to the original recipients, with the mark
before=$(sent_count)
SUDO_USER=jane.dsl $AUPCTL release "$R1" > "$T/release.out" 2>&1
ok $? "release re-injects the message"
n=$((before + 1))
is "$(tr '\n' ' ' < "$T/sent/$n.args")" "-i -f sales@supplier.example -- office@testwood.example " \
    "release calls sendmail -f SENDER -- RCPT with the original envelope"
like "$(head -1 "$T/sent/$n.msg")" "^X-AUP-Release: $R1; h=[a-z:-]+; mac=[0-9a-f]{64}$" \
    "the released copy carries the release mark"
$AUPCTL release "$R1" > "$T/release2.out" 2>&1
is $? 1 "a second release of the same message is refused"
like "$(cat "$T/release2.out")" "already released .* by jane.dsl" "and says who released it"

cp "$T/sent/$n.msg" "$T/released.eml"
send "$T/released.eml" sales@supplier.example office@testwood.example 127.0.0.1 QREL1 accept
ok $? "the released copy passes the milter the first time"
like "$(grep '"queue_id":"QREL1"' "$T/events.jsonl")" "\"name\":\"executables\",\"result\":\"pass\",\"reason\":\"released $R1 by jane.dsl\"" \
    "the policy that held it reports the release and who made it"
send "$T/released.eml" sales@supplier.example office@testwood.example 127.0.0.1 QREL2 discard
ok $? "a replayed released copy is held again"
python3 -c 'import re,sys; t=open(sys.argv[1]).read(); print(re.sub("mac=(.)", lambda m: "mac=" + ("1" if m.group(1) == "0" else "0"), t, 1), end="")' \
    "$T/released.eml" > "$T/forged.eml"
send "$T/forged.eml" sales@supplier.example office@testwood.example 127.0.0.1 QREL3 discard
ok $? "a copy with a forged mark is held again"
log=$(cat "$T/milter.log")
like "$log" "QREL2: release mark for $R1 used again" "the replay is logged"
like "$log" "QREL3: release mark for $R1 does not verify" "the forgery is logged"

# delete and expire: audited first (issue 13, class 13), so with the event
# log's disk full (/dev/full) nothing is deleted
sed 's|^event_log = .*|event_log = /dev/full|' "$T/aup-milter.conf" > "$T/full.conf"
"$top_builddir/aupctl" -c "$T/full.conf" quarantine delete "$R2" > "$T/full.out" 2>&1
isnt $? 0 "delete fails when its audit record cannot be written"
like "$(cat "$T/full.out")" "not deleted: the audit record could not be written" "and says why"
[ -e "$T/quarantine/messages/$R2.eml" ]
ok $? "the message is still held"
$AUPCTL delete "$R2" > /dev/null 2>&1 && [ ! -e "$T/quarantine/messages/$R2.eml" ]
ok $? "delete removes the stored message"
$AUPCTL delete "$R2" > /dev/null 2>&1
is $? 1 "deleting it again is refused"
python3 -c "import sqlite3; c=sqlite3.connect('$T/quarantine/index.sqlite'); c.execute('UPDATE quarantine SET time = time - 40*86400'); c.commit()"
$AUPCTL expire > "$T/expire.out" 2>&1 && ! ls "$T"/quarantine/messages/*.eml > /dev/null 2>&1
ok $? "expire removes messages held longer than quarantine_days"

# audit trail
ev=$(cat "$T/events.jsonl")
like "$ev" "\"event\":\"quarantine-release\",\"ref\":\"$R1\",\"user\":\"$(id -un)\",\"sudo_user\":\"jane.dsl\",\"result\":\"ok\"" \
    "the release is audited with the Unix user and SUDO_USER"
like "$ev" "\"event\":\"quarantine-delete\",\"ref\":\"$R2\".*\"result\":\"ok\"" "the deletion is audited"
done_testing
