#!/bin/bash
# test_postfix_nodes - two aup-milter nodes, each behind its own private
# Postfix, sharing one private PostgreSQL ([store] backend = postgresql)
#   - a message held on node A is listed and shown by aupctl with node
#     B's configuration, released from B, and delivered exactly once
#   - the released copy replayed through node A is held again: the
#     release mark is spent once across nodes
#   - notices queued by holds are sent once while both nodes' senders run
#   - both nodes' events are rows of the shared store's events table
#   - the office's message to a parent at 21:00, deferred on node A by
#     working-hours, is handed to sendmail once at 07:30 while both
#     nodes' deferred threads look at the store every second, and is
#     delivered once
#   - PostgreSQL stopped: a message Postfix A relays to node B gets 451
#     and waits in A's deferred queue (nothing stored, nothing delivered;
#     B's event rows of the outage wait in memory); once the store is
#     back, A's own retry brings it to B again, where it is judged and
#     held once, and the outage's event rows reach the store
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/postgres.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
pg_check_prereqs || skip_all "$PG_WHY"
T=$(pf_mktemp) || bail_out "no temporary directory"
AUP="$top_builddir/tests/aup-milter-test"
CTL="$top_builddir/tests/aupctl-test"

# Two Postfix instances in one script: postfix.sh keeps one instance in
# its PF_* variables, so each is saved and loaded by name.
PF_NO_TRAP=1
PF_VARS="PF_ROOT PF_CONF PF_QUEUE PF_LOG PF_SINK_DIR PF_PORT PF_SUBMISSION_PORT PF_SINK_PORT PF_SINK_PID PF_PROBE_PORT"
pf_save() { local v; for v in $PF_VARS; do eval "${1}_$v=\${$v-}"; done; }
pf_use() { local v; for v in $PF_VARS; do eval "$v=\${${1}_$v-}"; done; }
cleanup() {
	pf_use A; pf_stop; pf_use B; pf_stop
	pg_cleanup
	[ "${_tap_failed:-0}" -gt 0 ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' INT TERM HUP

pg_start "$T" || bail_out "PostgreSQL did not start: $(tail -n 5 "$T/pg/server.log" 2>/dev/null)"
mkdir -p "$T/shared" && school_own "$T/shared"

# node NAME - the node's folder, configuration and sendmail(1) wrapper
node() {
	local n=$1 d=$T/node-$1
	mkdir -p "$d" && chmod 755 "$d"
	school_write "$d" "unix:$d/aup.sock" "[milter]
group = postfix
socket_mode = 0660
sendmail_path = $d/sendmail
release_secret = $T/shared/release.key
notify = each
clock_file = $T/shared/now
deferred_interval = 1
[working-hours]
hours = Mon-Fri 07:30-18:00
timezone = Europe/London
[store]
backend = postgresql
dsn = $PG_DSN"
	school_own "$d"
	# sendmail(1) for aupctl (root): this node's own Postfix; keeps each
	# copy.  The milter runs unprivileged and Postfix takes -C from root
	# only, so its deferred sends are kept as handed over (handed.N.eml
	# and .args): the test counts them and injects them itself.
	cat > "$d/sendmail" <<EOT
#!/bin/sh
if [ "\$(id -u)" != 0 ]; then
	n=\$(ls "$d"/handed.*.eml 2> /dev/null | wc -l)
	printf '%s\\n' "\$@" > "$d/handed.\$((n + 1)).args"
	exec cat > "$d/handed.\$((n + 1)).eml"
fi
n=\$(ls "$d"/injected.*.eml 2> /dev/null | wc -l)
f="$d/injected.\$((n + 1)).eml"
cat > "\$f"
exec /usr/sbin/sendmail -C "\$(cat "$d/pf-conf")" "\$@" < "\$f"
EOT
	chmod 755 "$d/sendmail"
}
node A; node B
NA=$T/node-A NB=$T/node-B

# B first: A relays mail for t.two@testwood.example to B's smtpd (the
# outage case: A is then the MTA that queues and retries).
pf_start "$T/b" "unix:$NB/aup.sock" || bail_out "Postfix B did not start"
pf_save B
pf_start "$T/a" "unix:$NA/aup.sock" \
    "transport_maps = inline:{t.two@testwood.example=smtp:[127.0.0.1]:$B_PF_PORT}" ||
    bail_out "Postfix A did not start"
pf_save A
echo "$A_PF_CONF" > "$NA/pf-conf"; echo "$B_PF_CONF" > "$NB/pf-conf"
# Both nodes' notices go to A's sink (one place to count them).
for d in "$NA" "$NB"; do
	printf '[notify]\nrelay = 127.0.0.1:%s\nretry = 1\n' "$A_PF_SINK_PORT" \
	    >> "$d/aup-milter.conf"
done

out=$("$CTL" -c "$NA/aup-milter.conf" store migrate 2>/dev/null)
is "$out" "store: schema version 0 -> 1 (postgresql)" "the shared store is made once, from node A"
out=$("$CTL" -c "$NB/aup-milter.conf" store migrate 2>/dev/null)
is "$out" "store: schema version 1 -> 1 (postgresql)" "node B finds it current"

pf_use A; e2e_start_milter "$NA" "$AUP" ||
    bail_out "node A did not start: $(cat "$T/a/aup.out")"
pf_use B; e2e_start_milter "$NB" "$AUP" ||
    bail_out "node B did not start: $(cat "$T/b/aup.out")"

# ref_of_qid DIR QID - the reference of the event Postfix queued as QID
ref_of_qid() {
	grep "\"queue_id\":\"$2\"" "$1/events.jsonl" |
	    sed -n 's/.*"ref":"\([0-9A-Z]\{10\}\)".*/\1/p' | head -n 1
}
# copies DIR SUBJECT - sink files in DIR of the message itself
copies() {
	grep -l -E "^Subject: $2"$'\r'"?\$" "$1"/* 2>/dev/null |
	    xargs -r grep -L '^X-AUP-Notification:'
}
# held MSG - send MSG to the current node as a teacher; sets QID
held() {
	pf_send -a 10.9.1.2 -l t.one@testwood.example -f t.one@testwood.example \
	    -t friend@example.org -d "$1"
	QID=$PF_QUEUE_ID
}

# ------------------------------------------------ 1. held on A, released from B
e2e_msg "$T/m1.eml" "Trip photos" "Teacher One <t.one@testwood.example>" \
    friend@example.org "X-Test-Verdict: quarantine"
pf_use A; held "$T/m1.eml"
is "$PF_CODE" 250 "node A accepts the message it holds"
pf_wait_log "$QID: milter-discard" 20
R1=$(ref_of_qid "$NA" "$QID")
like "$R1" '^[0-9A-Z]{10}$' "node A's event names the reference"
ok "$([ ! -e "$NA/quarantine/messages/$R1.eml" ]; echo $?)" \
    "no file on node A: the content is in the database"
list=$("$CTL" -c "$NB/aup-milter.conf" quarantine list 2>/dev/null)
like "$list" "^$R1 .* held$" "aupctl with node B's configuration lists it as held"
show=$("$CTL" -c "$NB/aup-milter.conf" quarantine show "$R1" 2>/dev/null)
like "$show" "Subject: Trip photos" "and shows its stored headers"
out=$("$CTL" -c "$NB/aup-milter.conf" quarantine release "$R1" 2>&1)
ok $? "node B releases it"
like "$out" "^Released $R1 to 1 recipient" "release says where it went"
pf_use B
for _ in $(seq 1 200); do
	[ -n "$(copies "$B_PF_SINK_DIR" "Trip photos")" ] && break
	sleep 0.1
done
is "$(copies "$B_PF_SINK_DIR" "Trip photos" | grep -c .)" 1 \
    "the released copy is delivered through node B's Postfix, once"
is "$(copies "$A_PF_SINK_DIR" "Trip photos" | grep -c .)" 0 \
    "and not through node A"
is "$(pg_psql "SELECT status || ' ' || (delivered_at IS NOT NULL) FROM quarantine WHERE ref = '$R1'")" \
    "released true" "the shared index records the release and its delivery"

# ------------------------------------------------ 2. the mark is spent once
pf_use A
pf_sendmail t.one@testwood.example "$NB/injected.1.eml" friend@example.org
ok $? "the released copy is replayed through node A"
for _ in $(seq 1 200); do
	grep -q "release mark for $R1" "$T/a/aup.out" && break
	sleep 0.1
done
like "$(cat "$T/a/aup.out")" "$R1.*(already|replay|spent|used)" \
    "node A says the mark was used before"
sleep 1
is "$(copies "$A_PF_SINK_DIR" "Trip photos" | grep -c .)" 0 \
    "node A does not deliver the replayed copy"
is "$(copies "$B_PF_SINK_DIR" "Trip photos" | grep -c .)" 1 \
    "still exactly one delivered copy"

# ------------------------------------------------ 3. notices sent once
refs="$R1"
for i in 1 2 3 4 5 6; do
	e2e_msg "$T/n$i.eml" "Notice test $i" "Teacher One <t.one@testwood.example>" \
	    friend@example.org "X-Test-Verdict: quarantine"
	if [ $((i % 2)) = 0 ]; then pf_use A; d=$NA; else pf_use B; d=$NB; fi
	held "$T/n$i.eml"
	pf_wait_log "$QID: milter-discard" 20
	refs="$refs $(ref_of_qid "$d" "$QID")"
done
for _ in $(seq 1 300); do
	[ "$(pg_psql "SELECT count(*) FROM notices WHERE state <> 'sent'")" = 0 ] && break
	sleep 0.1
done
is "$(pg_psql "SELECT count(*) FROM notices WHERE state <> 'sent'")" 0 \
    "every queued notice is sent"
is "$(pg_psql "SELECT count(DISTINCT claimed_by) > 0 FROM notices")" t \
    "the notices were claimed by the nodes' senders"
sleep 2		# both senders go on looking at the queue meanwhile
bad=0
for r in $refs; do
	n=$(grep -l "^X-AUP-Notification:" "$A_PF_SINK_DIR"/* 2>/dev/null |
	    xargs -r grep -l "$r" | xargs -r grep -l '^To:.*dsl@testwood\.example' | grep -c .)
	[ "$n" = 1 ] || { bad=1; diag "$r: $n notices to the DSL"; }
done
is "$bad" 0 "each of the 7 holds gave the DSL exactly one notice, with two senders running"
# event rows are written by each node's writer thread, in batches
for _ in $(seq 1 50); do
	[ "$(pg_psql "SELECT count(*) FROM events WHERE event->>'action' = 'quarantine'")" -ge 7 ] && break
	sleep 0.1
done
bad=0
for r in $refs; do
	n=$(pg_psql "SELECT count(*) FROM events WHERE ref = '$r' AND event->>'action' = 'quarantine'")
	[ "$n" = 1 ] || { bad=1; diag "$r: $n events in the store"; }
done
is "$bad" 0 "both nodes' events are rows of the shared store, one per held message"

# ------------------------------------------------ 4. a deferred message goes once
# at "YYYY-MM-DD HH:MM" - that time in London, in epoch seconds
at() { TZ=Europe/London date -d "$1" +%s; }
# set_clock EPOCH - both nodes' "now" (written whole, then renamed)
set_clock() {
	printf '%s\n' "$1" > "$T/shared/now.tmp" && mv "$T/shared/now.tmp" "$T/shared/now"
}
# handed - the deferred sends both nodes handed to sendmail
handed() { ls "$NA"/handed.*.eml "$NB"/handed.*.eml 2> /dev/null; }
set_clock "$(at '2026-11-17 21:00')"	# a Tuesday evening
e2e_msg "$T/d1.eml" "Parents evening slots" "School Office <office@testwood.example>" \
    mum.ann@gmail.com
pf_use A
pf_send -a 10.9.1.5 -l office@testwood.example -f office@testwood.example \
    -t mum.ann@gmail.com -d "$T/d1.eml"
is "$PF_CODE" 250 "at 21:00 node A accepts the office's message to a parent"
QID=$PF_QUEUE_ID
pf_wait_log "$QID: milter-discard" 20
RD=$(ref_of_qid "$NA" "$QID")
is "$(pg_psql "SELECT status FROM deferred WHERE ref = '$RD'")" waiting \
    "it waits in the shared store"
sleep 2		# both deferred threads look meanwhile
is "$(handed | grep -c .)" 0 "nothing is sent before its time"
set_clock "$(at '2026-11-18 07:30')"
for _ in $(seq 1 200); do
	[ "$(pg_psql "SELECT status FROM deferred WHERE ref = '$RD'")" = sent ] && break
	sleep 0.1
done
is "$(pg_psql "SELECT status FROM deferred WHERE ref = '$RD'")" sent \
    "at 07:30 the store records it sent"
sleep 2		# both threads go on looking at the store
is "$(handed | grep -c .)" 1 "it was handed to sendmail once, by one of the two nodes"
is "$(cat "$T/a/aup.out" "$T/b/aup.out" | grep -c "$RD: deferred message sent at its due time")" 1 \
    "one node's log says it sent it"
F=$(handed | head -n 1)
case $F in "$NA"/*) pf_use A; sink=$A_PF_SINK_DIR ;; *) pf_use B; sink=$B_PF_SINK_DIR ;; esac
mapfile -t args < "${F%.eml}.args"
/usr/sbin/sendmail -C "$PF_CONF" "${args[@]}" < "$F"
for _ in $(seq 1 200); do
	[ -n "$(copies "$sink" "Parents evening slots")" ] && break
	sleep 0.1
done
sleep 1
is "$(copies "$A_PF_SINK_DIR" "Parents evening slots" | grep -c .)$(copies "$B_PF_SINK_DIR" "Parents evening slots" | grep -c .)" \
    "$([ "$sink" = "$A_PF_SINK_DIR" ] && echo 10 || echo 01)" \
    "the copy it handed over passes its node's milter and is delivered once"
rm -f "$T/shared/now"		# real time again

# ------------------------------------------------ 5. PostgreSQL stopped
pg_stop_server
before=$(grep -c '"action":"tempfail"' "$NB/events.jsonl")
e2e_msg "$T/o1.eml" "During the outage" "Friend <friend@example.org>" \
    t.two@testwood.example "X-Test-Verdict: quarantine"
# Postfix A's probe listener has no milter: A takes the message and
# relays it to B (transport_maps), as an MTA in front of the nodes would
pf_use A
PF_PORT=$A_PF_PROBE_PORT pf_send -a 203.0.113.9 -f friend@example.org \
    -t t.two@testwood.example -d "$T/o1.eml"
is "$PF_CODE" 250 "Postfix A takes the message once from its client"
OQID=$PF_QUEUE_ID
for _ in $(seq 1 200); do
	[ "$(grep -c '"action":"tempfail"' "$NB/events.jsonl")" -gt "$before" ] && break
	sleep 0.1
done
pf_wait_log "$OQID: .*status=deferred .*451" 20
ok $? "with the store down node B answers 451 and A defers the message"
like "$(postqueue -c "$A_PF_CONF" -p)" "$OQID.*friend@example.org" \
    "it waits in Postfix A's queue"
is "$(copies "$B_PF_SINK_DIR" "During the outage" | grep -c .)" 0 \
    "and is not delivered"
tempfails=$(( $(grep -c '"action":"tempfail"' "$NB/events.jsonl") - before ))
pg_start_server || bail_out "PostgreSQL did not start again"
postqueue -c "$A_PF_CONF" -f
for _ in $(seq 1 300); do
	grep -q "$OQID: .*status=sent" "$A_PF_LOG" && break
	sleep 0.1
done
like "$(grep "$OQID: .*status=sent" "$A_PF_LOG")" "status=sent" \
    "once the store is back, A's retry reaches node B and B accepts it"
is "$(pg_psql "SELECT count(*) FROM quarantine WHERE subject = 'During the outage'")" 1 \
    "node B judged and held it once (one row in the store)"
R2=$(pg_psql "SELECT ref FROM quarantine WHERE subject = 'During the outage'")
list=$("$CTL" -c "$NA/aup-milter.conf" quarantine list 2>"$T/list.err")
like "$list" "^$R2 .* held$" "and it is listed from node A" ||
    diag "$(cat "$T/list.err")"
is "$(postqueue -c "$A_PF_CONF" -p | grep -c "$OQID")" 0 "Postfix A's queue is empty"
is "$(copies "$B_PF_SINK_DIR" "During the outage" | grep -c .)" 0 \
    "nothing was delivered"
# tempfail_rows - node B's tempfail event rows in the store
tempfail_rows() {
	pg_psql "SELECT count(*) FROM events WHERE event->>'action' = 'tempfail' AND event->>'queue_id' IS NOT NULL"
}
for _ in $(seq 1 100); do
	[ "$(tempfail_rows)" -ge "$tempfails" ] && break
	sleep 0.1
done
ok "$([ "$tempfails" -ge 1 ] && [ "$(tempfail_rows)" -ge "$tempfails" ]; echo $?)" \
    "node B's $tempfails tempfail event rows of the outage reached the store afterwards"
done_testing
