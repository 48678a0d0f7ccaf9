#!/bin/bash
# test_postfix_nodes - two aup-milter nodes, each behind its own private
# Postfix, sharing one private PostgreSQL ([store] backend = postgresql)
#   - a message held on node A is listed and shown by aupctl with node
#     B's configuration, released from B, and delivered exactly once
#   - the released copy replayed through node A is held again: the
#     release mark is spent once across nodes
#   - notices queued by holds are sent once while both nodes' senders run
#   - both nodes' events are rows of the shared store's events table
#   - PostgreSQL stopped: a message that would be held gets 451 (nothing
#     stored, nothing delivered); once it is back, the same message sent
#     again is judged and held, and listed from node B
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
[store]
backend = postgresql
dsn = $PG_DSN"
	school_own "$d"
	# aupctl's sendmail(1): this node's own Postfix; keeps each copy
	cat > "$d/sendmail" <<EOT
#!/bin/sh
n=\$(ls "$d"/injected.*.eml 2> /dev/null | wc -l)
f="$d/injected.\$((n + 1)).eml"
cat > "\$f"
exec /usr/sbin/sendmail -C "\$(cat "$d/pf-conf")" "\$@" < "\$f"
EOT
	chmod 755 "$d/sendmail"
}
node A; node B
NA=$T/node-A NB=$T/node-B

pf_start "$T/a" "unix:$NA/aup.sock" || bail_out "Postfix A did not start"
pf_save A
pf_start "$T/b" "unix:$NB/aup.sock" || bail_out "Postfix B did not start"
pf_save B
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
bad=0
for r in $refs; do
	n=$(pg_psql "SELECT count(*) FROM events WHERE ref = '$r' AND event->>'action' = 'quarantine'")
	[ "$n" = 1 ] || { bad=1; diag "$r: $n events in the store"; }
done
is "$bad" 0 "both nodes' events are rows of the shared store, one per held message"

# ------------------------------------------------ 4. PostgreSQL stopped
pg_stop_server
e2e_msg "$T/o1.eml" "During the outage" "Teacher One <t.one@testwood.example>" \
    friend@example.org "X-Test-Verdict: quarantine"
pf_use A; held "$T/o1.eml"
is "$PF_CODE" 451 "with the store down, a message to hold is tempfailed (451)"
is "$(copies "$A_PF_SINK_DIR" "During the outage" | grep -c .)" 0 \
    "and not delivered"
pg_start_server || bail_out "PostgreSQL did not start again"
held "$T/o1.eml"
is "$PF_CODE" 250 "sent again once the store is back, it is accepted"
pf_wait_log "$QID: milter-discard" 20
R2=$(ref_of_qid "$NA" "$QID")
list=$("$CTL" -c "$NB/aup-milter.conf" quarantine list 2>"$T/list.err")
like "$list" "^$R2 .* held$" "and held, listed from node B" ||
    diag "$(cat "$T/list.err")"
done_testing
