#!/bin/bash
# run-bench.sh - measure aup-milter against the libmilter ceiling (SPEC 8)
#
# usage: contrib/bench/run-bench.sh          (as root, Debian 12; ~35 min)
#
# One command for every figure of README's performance section:
#
#  1. builds the yardstick (../shared/bench: milterload, nullmilter) from a
#     copy of its sources, and aup-milter from a copy of this tree
#     (optimised, no sanitizers), both under a temporary folder; nothing is
#     written into ../shared or the source tree;
#  2. generates the school corpus (make-corpus.py: ~200 messages, 20 MiB)
#     and its text-only subset (the messages without attachments);
#  3. writes an aup-milter configuration for it: the corpus's school
#     domain, every registered policy enabled, the corpus's parents.txt
#     as the parents file (a CSV with an email header), quarantine, event
#     log and spool in the temporary folder, no notices sent;
#  4. milter protocol: for each concurrency (1, 4, 16) and each corpus
#     (mixed, text-only), ROUNDS rounds of nullmilter then aup-milter,
#     alternately, SECS seconds each after WARM seconds of warm-up; the
#     medians give msgs/s, p50 and p99 latency and the ratio to the
#     ceiling.  A run with any tempfail or error verdict is not a valid
#     figure: it is shown as INVALID and the script exits 1;
#  5. through Postfix (tests/lib/postfix.sh, a private instance on
#     loopback): smtp-source -s 16 sends PF_MSGS copies of a staff note
#     with no milter, with nullmilter and with aup-milter, alternately,
#     PF_ROUNDS rounds; every message must reach smtp-sink;
#  6. memory: a fresh aup-milter judges 16 concurrent 20 MB messages
#     (MEM_MSGS in all); its peak RSS is VmHWM of /proc/PID/status;
#  7. soak: aup-milter at concurrency 16 on the mixed corpus for
#     SOAK_SECS seconds, VmRSS sampled every SOAK_EVERY seconds;
# 14. profile (PARTS=profile, in the default set): where aup-milter's time
#     goes at concurrency 16 on the mixed corpus with every policy doing
#     its work (contrib/bench/all-policies.conf: safeguarding's shipped
#     lists read for all mail, working-hours with opening hours): perf
#     record -g of the daemon for PROF_SECS seconds after a warm-up, and
#     perf stat over the same load; the report gives msgs/s, the kernel's
#     share of the samples, the top 10 symbols, and per message: CPU ms,
#     page faults, context switches (needs perf: apt-get install
#     linux-perf; skipped with a note without it);
#  9. analysis (PARTS=analysis, not in the default set): whole
#     decisions (aupctl test) for the hostile containers of
#     tests/fixtures/make-analysis-fixtures.py that the unit tests judge
#     by behaviour only: a zip nested 20 deep and a zip bomb;
# 10. text (PARTS=text, not in the default set): whole decisions
#     (aupctl test) for a 6.5 MB text PDF (make-text-pdf.py) sent out by a
#     teacher, and for a 10 MB xlsx sent to a teacher from outside and by
#     the teacher to an outside address, with the bytes of text extracted:
#     the decision alone (elapsed_ms: engine_evaluate) and the whole
#     process (start-up, configuration, reading the message) per message;
# 12. schools (PARTS=schools, not in the default set): SCHOOLS school
#     files from make-schools.py (300 pupils, 600 parent addresses and its
#     own templates each) under `[milter] schools`; `aup-milter -t` loads
#     them all SCHOOLS_RUNS times: the median wall time (target < 10 s for
#     500) and the peak RSS, less that of one school alone, per school;
#     then the daemon on them reloads after one school's parents file
#     changed (SIGUSR1 to its log line; target < 1 s);
#  8. pupil data: the detectors' MB/s on 10 MB of spreadsheet text, a 5 MB
#     CSV and prose (tests/pupil-data/bench_scan), and PUPIL_RUNS whole
#     decisions (aupctl test) for a staff message carrying a 10 MB xlsx
#     and one carrying a 5 MB CSV (contrib/bench/make-pupil-files.py);
# 11. report: a year of one school's event log (REPORT_EVENTS lines,
#     contrib/bench/make-events.py) summarised by `aupctl report --format
#     json` REPORT_RUNS times after one uncounted warm-up (the file is
#     then in the page cache); the medians of wall, user and system time
#     and events/s; the report's counts must be the generator's;
# 15. postgres (PARTS=postgres, not in the default set): aup-milter at
#     concurrency 16 on the mixed corpus with [store] backend = postgresql
#     (a private cluster from tests/lib/postgres.sh, Unix socket) against
#     backend = sqlite, ROUNDS interleaved rounds each: the holds and the
#     event rows on PostgreSQL may cost under 10 % of the throughput;
# 13. safeguarding (PARTS=safeguarding): the term matcher with every
#     shipped list loaded (tests/safeguarding/bench_match): MB/s over
#     generated prose, chat and concerning text and over the text the
#     analysis extracts from the mixed corpus, and the cost safeguarding
#     adds to a decision on the mixed corpus (scope = all, so every
#     message is read; and the shipped scope, pupils, which reads only
#     the messages a pupil sends or receives): the decision's CPU time
#     with it on versus action = off, medians of 5 interleaved rounds
#     (CPU, not wall clock:
#     a decision waits for sender-auth's DNS answer, which varies by tens
#     of milliseconds), and the instructions of the 200 decisions under
#     callgrind for both (load-independent), target < 5 %;
#
# and prints one Markdown report (also kept in $OUT) with the targets:
# >= 0.5 x ceiling at concurrency 4 and 16 on the mixed corpus, >= 0.8 on
# text-only, p99 < 10 ms at concurrency 4 (every corpus message is under
# 1 MB), Postfix >= 0.9 x the no-op milter, peak RSS < 300 MB, flat RSS,
# a 10 MB spreadsheet decided in < 200 ms, a year of events (2 million)
# summarised in < 5 s.
# Speed targets are reported, never asserted: the exit status is 1 only
# for invalid runs (tempfail/error verdicts, lost mail, a daemon that died).
#
# Environment (defaults in brackets):
#   ROUNDS [5]  SECS [10]  WARM [2]  CONCS ["1 4 16"]
#   PF_MSGS [2000]  PF_ROUNDS [3]  PF_SESSIONS [16]
#   MEM_MSGS [48]  SOAK_SECS [600]  SOAK_EVERY [30]  PROF_SECS [10]
#   PARTS ["milter profile postfix memory soak pupil report safeguarding"]
#               which steps to run
#   PUPIL_RUNS [11]  ANALYSIS_RUNS [11]  TEXT_RUNS [11]
#   REPORT_EVENTS [2000000]  REPORT_RUNS [3]
#   SCHOOLS [500]  SCHOOLS_RUNS [3]
#   AUP_MILTER  use this aup-milter binary instead of building one
#   SHARED_BENCH [../shared/bench]   the yardstick's folder
#   OUT [the work folder's name + .md]   KEEP=1 keeps the work folder
#
# SPDX-License-Identifier: MIT
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$TOP/../shared/bench}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-10}
WARM=${WARM:-2}
CONCS=${CONCS:-"1 4 16"}
PF_MSGS=${PF_MSGS:-2000}
PF_ROUNDS=${PF_ROUNDS:-3}
PF_SESSIONS=${PF_SESSIONS:-16}
MEM_MSGS=${MEM_MSGS:-48}
SOAK_SECS=${SOAK_SECS:-600}
SOAK_EVERY=${SOAK_EVERY:-30}
PROF_SECS=${PROF_SECS:-10}
PARTS=${PARTS:-"milter profile postfix memory soak pupil report safeguarding"}
PUPIL_RUNS=${PUPIL_RUNS:-11}
REPORT_EVENTS=${REPORT_EVENTS:-2000000}
REPORT_RUNS=${REPORT_RUNS:-3}
TEXT_RUNS=${TEXT_RUNS:-11}
ANALYSIS_RUNS=${ANALYSIS_RUNS:-11}
SCHOOLS=${SCHOOLS:-500}
SCHOOLS_RUNS=${SCHOOLS_RUNS:-3}
KEEP=${KEEP:-}
SCHOOL=oakfield-academy.example		# make-corpus.py's SCHOOL

W=$(mktemp -d "${TMPDIR:-/tmp}/aup-bench.XXXXXX") || exit 2
chmod 755 "$W"				# Postfix reaches the sockets in here
OUT=${OUT:-$W.md}
INVALID=0
PIDS=''

# say - progress on stderr
say() {
	printf 'run-bench: %s\n' "$*" >&2
}

# die - give up
die() {
	say "$*"
	exit 2
}

# cleanup - stop what we started, drop the folder unless KEEP
cleanup() {
	local p
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	[ -n "${PF_ROOT:-}" ] && pf_stop >/dev/null 2>&1
	if [ -n "$KEEP" ]; then
		say "kept $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# note - a line of the report
note() {
	printf '%s\n' "$*" >>"$W/report.md"
}

# build_tools - milterload and nullmilter from a copy of ../shared/bench
build_tools() {
	[ -f "$SHARED_BENCH/milterload.c" ] ||
	    die "no yardstick in $SHARED_BENCH (set SHARED_BENCH)"
	mkdir -p "$W/tools"
	cp "$SHARED_BENCH"/*.c "$SHARED_BENCH"/Makefile "$SHARED_BENCH"/*.py \
	    "$W/tools/" || die "cannot copy $SHARED_BENCH"
	make -s -C "$W/tools" >"$W/tools/make.log" 2>&1 ||
	    die "building the yardstick failed: $(tail -n 5 "$W/tools/make.log")"
}

# build_milter - an optimised aup-milter from a copy of this tree
build_milter() {
	if [ -n "${AUP_MILTER:-}" ]; then
		[ -x "$AUP_MILTER" ] || die "AUP_MILTER=$AUP_MILTER is not executable"
		return 0
	fi
	say "building aup-milter (copy of $TOP)"
	mkdir -p "$W/src" "$W/build"
	(cd "$TOP" && git ls-files -co --exclude-standard |
	    while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done |
	    tar -cf - -T -) | tar -xf - -C "$W/src" || die "cannot copy $TOP"
	(cd "$W/src" && autoreconf -fi >"$W/build/autoreconf.log" 2>&1) ||
	    die "autoreconf failed"
	(cd "$W/build" && "$W/src/configure" -q --disable-werror &&
	    make -j"$(nproc)" aup-milter aupctl tests/pupil-data/bench_scan \
	    tests/safeguarding/bench_match) \
	    >"$W/build/make.log" 2>&1 ||
	    die "building aup-milter failed: $(tail -n 5 "$W/build/make.log")"
	AUP_MILTER=$W/build/aup-milter
}

# make_corpora - the mixed corpus, its text-only subset, the 20 MB set
make_corpora() {
	python3 "$W/tools/make-corpus.py" "$W/mixed" >/dev/null ||
	    die "make-corpus.py failed"
	python3 - "$W/mixed" "$W/text" "$W/big" "$SCHOOL" <<'EOF' || die "corpus subsets failed"
import base64, json, os, random, shutil, sys
mixed, text, big, school = sys.argv[1:5]
# Text-only: the classes without attachments.
os.makedirs(text)
textual = {"staff-note", "staff-note-parent", "newsletter", "bulk-to-40",
           "reply-upn"}
keep = {m["file"] for m in json.load(open(os.path.join(mixed, "manifest.json")))
        if m["class"] in textual}
with open(os.path.join(mixed, "envelope.tsv")) as fi, \
     open(os.path.join(text, "envelope.tsv"), "w") as fo:
    for line in fi:
        if line.split("\t", 1)[0] in keep:
            fo.write(line)
for f in keep:
    shutil.copy(os.path.join(mixed, f), text)
# 20 MB messages: a 15 MB attachment (20 MB in base64), alternately random
# bytes named .pdf and a pupil CSV (text that is extracted and scanned).
os.makedirs(big)
rnd = random.Random(8)
env = open(os.path.join(big, "envelope.tsv"), "w")
for i in range(2):
    if i == 0:
        name, ctype = "scan.pdf", "application/pdf"
        data = b"%PDF-1.4\n" + rnd.randbytes(15 * 1024 * 1024)
    else:
        name, ctype = "pupils.csv", "text/csv"
        rows, size = ["UPN,Surname,Forename,DOB,Year"], 0
        while size < 15 * 1024 * 1024:
            rows.append("A%012d,Smith,Ann,2012-0%d-1%d,Year %d" % (
                rnd.randrange(10**12), rnd.randint(1, 9), rnd.randint(0, 9),
                rnd.randint(1, 13)))
            size += len(rows[-1]) + 2
        data = ("\r\n".join(rows) + "\r\n").encode()
    b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
    fn = "big-%d.eml" % i
    with open(os.path.join(big, fn), "wb") as fo:
        fo.write(("From: a.teacher@%s\r\nTo: b.teacher@%s\r\n"
                  "Subject: big %d\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nAttached.\r\n"
                  "--b\r\nContent-Type: %s; name=\"%s\"\r\n"
                  "Content-Disposition: attachment; filename=\"%s\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n"
                  % (school, school, i, ctype, name, name)).encode())
        fo.write(b64)
        fo.write(b"--b--\r\n")
    env.write("%s\ta.teacher@%s\tb.teacher@%s\n" % (fn, school, school))
EOF
}

# write_config - aup-milter.conf for the corpus: DIR SOCKET [PUPILS.CSV]
write_config() {
	local d=$1 sock=$2 pupils=${3:-} sec user=""
	mkdir -p "$d/quarantine" "$d/spool"
	# Started as root, aup-milter refuses to run without [milter] user:
	# nobody here, owning the folders it writes to.
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$W" && chown nobody "$d" "$d/quarantine" "$d/spool" ||
		    die "cannot give $d to nobody"
		user="user = nobody"
	fi
	{ echo "email"; cat "$W/mixed/parents.txt"; } >"$d/parents.csv"
	cat >"$d/aup-milter.conf" <<EOF
; written by contrib/bench/run-bench.sh for the make-corpus.py school
[milter]
$user
socket = $sock
socket_mode = 0666
mode = enforce
event_log = $d/events.jsonl
quarantine_dir = $d/quarantine
spool_dir = $d/spool
trusted_networks = 127.0.0.0/8
release_secret = $d/release.key
notify = off
notify_sender = no
sendmail_path = /bin/true
[school]
name = Oakfield Academy
domains = $SCHOOL
office = office@$SCHOOL
dsl = dsl@$SCHOOL
policy_url = https://www.$SCHOOL/policies/acceptable-use
[directory]
parents = parents.csv
EOF
	[ -n "$pupils" ] && printf 'pupils = %s\n' "$pupils" >>"$d/aup-milter.conf"
	policy_sections >>"$d/aup-milter.conf"
	"$AUP_MILTER" -t -c "$d/aup-milter.conf" >"$d/check.out" 2>&1 ||
	    die "the benchmark configuration is refused: $(cat "$d/check.out")"
}

# policy_sections - every registered policy, enabled with its default
# action (a policy whose default is off gets flag)
policy_sections() {
	"$AUP_MILTER" -d 2>/dev/null | awk '
	/^\[/ { sec = $0; gsub(/[][]/, "", sec); next }
	sec != "" && sec != "milter" && sec != "school" &&
	    sec != "directory" && sec != "notify" && sec != "console" &&
	    $1 == "action" {
		print sec, $3
	}' | while read -r sec act; do
		printf '[%s]\n' "$sec"
		[ "$act" = off ] && printf 'action = flag\n'
	done
}

# start_aup DIR - start aup-milter on DIR's config; sets AUP_PID
start_aup() {
	local d=$1
	"$AUP_MILTER" -f -c "$d/aup-milter.conf" >"$d/milter.log" 2>&1 &
	AUP_PID=$!
	PIDS="$PIDS $AUP_PID"
	wait_socket "$d/aup.sock" || die "aup-milter did not start: $(tail -n 5 "$d/milter.log")"
}

# stop_pid PID - stop one of our daemons
stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_socket PATH - wait up to 10 s for a unix socket
wait_socket() {
	local i
	for i in $(seq 1 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# load - one milterload run: LABEL SOCKET CORPUS CONC; appends a RESULT line
load() {
	local label=$1 sock=$2 corpus=$3 conc=$4 line
	line=$("$W/tools/milterload" -s "unix:$sock" -d "$W/$corpus" -c "$conc" \
	    -t "$SECS" -w "$WARM" -l "$label" | grep '^RESULT')
	printf '%s corpus=%s\n' "$line" "$corpus" >>"$W/results.txt"
	printf '%s corpus=%s\n' "$line" "$corpus" >&2
}

# part_milter - alternate the ceiling and aup-milter
part_milter() {
	local conc corpus r
	(umask 0 && exec "$W/tools/nullmilter" -p "unix:$W/null.sock") \
	    >"$W/null.log" 2>&1 &
	NULL_PID=$!
	PIDS="$PIDS $NULL_PID"
	wait_socket "$W/null.sock" || die "nullmilter did not start"
	start_aup "$W/aup"
	: >"$W/results.txt"
	for conc in $CONCS; do
		for corpus in mixed text; do
			for r in $(seq 1 "$ROUNDS"); do
				say "concurrency $conc, $corpus, round $r/$ROUNDS"
				load null "$W/null.sock" "$corpus" "$conc"
				load aup "$W/aup/aup.sock" "$corpus" "$conc"
			done
		done
	done
	kill -0 "$AUP_PID" 2>/dev/null || { say "aup-milter died"; INVALID=1; }
	summarize_milter
}

# summarize_milter - medians and ratios from results.txt
summarize_milter() {
	python3 - "$W/results.txt" >>"$W/report.md" <<'EOF' || INVALID=1
import statistics, sys
runs = {}
bad = []
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split()[1:])
    key = (kv["corpus"], int(kv["conc"]), kv["label"])
    runs.setdefault(key, []).append(kv)
    if int(kv["tempfail"]) or int(kv["error"]):
        bad.append(line.strip())
def med(rs, f):
    return statistics.median(float(r[f]) for r in rs)
print("| corpus | conc | ceiling msgs/s | aup-milter msgs/s | ratio | target "
      "| ceiling p50/p99 ms | aup p50/p99 ms | aup verdicts (last run) |")
print("| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |")
for corpus in ("mixed", "text"):
    for conc in sorted({k[1] for k in runs}):
        n, a = runs.get((corpus, conc, "null")), runs.get((corpus, conc, "aup"))
        if not n or not a:
            continue
        ratio = med(a, "mps") / med(n, "mps")
        want = 0.5 if corpus == "mixed" else 0.8
        tgt = "-" if conc == 1 else ("%.1f %s" % (want, "met" if ratio >= want else "MISSED"))
        last = a[-1]
        verdicts = " ".join("%s=%s" % (k, last[k]) for k in
                            ("accept", "reject", "discard", "tempfail", "error")
                            if last[k] != "0")
        print("| %s | %d | %.0f | %.0f | %.2f | %s | %.2f / %.2f | %.2f / %.2f | %s |" % (
            corpus, conc, med(n, "mps"), med(a, "mps"), ratio, tgt,
            med(n, "p50_ms"), med(n, "p99_ms"), med(a, "p50_ms"),
            med(a, "p99_ms"), verdicts))
print()
print("Medians of the interleaved rounds; ratio = median aup / median ceiling.")
for corpus in ("mixed", "text"):
    a = runs.get((corpus, 4, "aup"))
    if a:
        p99 = med(a, "p99_ms")
        print("p99 at concurrency 4 (%s, every message < 1 MB): %.2f ms, target < 10 ms: %s" % (
            corpus, p99, "met" if p99 < 10 else "MISSED"))
if bad:
    print()
    print("INVALID: runs with tempfail or error verdicts:")
    for b in bad:
        print("    " + b)
    sys.exit(1)
EOF
}

# pf_send_many - smtp-source to the private Postfix: LABEL; appends to pf.txt
pf_send_many() {
	local label=$1 t0 t1 n rc
	rm -f "$PF_SINK_DIR"/* 2>/dev/null
	t0=$(date +%s.%N)
	smtp-source -s "$PF_SESSIONS" -m "$PF_MSGS" -c -F "$W/pf-message.eml" \
	    -f "a.teacher@$SCHOOL" -t "b.teacher@$SCHOOL" \
	    "127.0.0.1:$PF_PORT" >"$W/pf-$label.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	pf_wait_queue_empty 120 >/dev/null 2>&1
	n=$(find "$PF_SINK_DIR" -type f | wc -l)
	printf '%s %s %s %s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$n" "$rc" \
	    >>"$W/pf.txt"
	say "postfix $label: $(tail -n 1 "$W/pf.txt")"
}

# part_postfix - smtp-source -> Postfix -> smtp-sink with none/null/aup
part_postfix() {
	local r cfg
	# shellcheck source=../../tests/lib/postfix.sh
	PF_NO_TRAP=1
	. "$TOP/tests/lib/postfix.sh"
	pf_check_prereqs || { note "Postfix part skipped: $PF_WHY"; return 0; }
	[ -S "$W/null.sock" ] || {
		(umask 0 && exec "$W/tools/nullmilter" -p "unix:$W/null.sock") \
		    >"$W/null.log" 2>&1 &
		PIDS="$PIDS $!"
		wait_socket "$W/null.sock" || die "nullmilter did not start"
	}
	[ -S "$W/aup/aup.sock" ] || start_aup "$W/aup"
	# A staff note of the corpus (2-3 KB, the commonest message).
	cp "$(ls "$W"/text/*staff-note.eml | head -n 1)" "$W/pf-message.eml"
	pf_start "$W/pf" "" "smtpd_client_connection_count_limit = 0" \
	    "default_process_limit = 200" >/dev/null 2>&1 ||
	    die "the private Postfix did not start"
	: >"$W/pf.txt"
	for r in $(seq 1 "$PF_ROUNDS"); do
		for cfg in none null aup; do
			case $cfg in
			none)	pf_reload "smtpd_milters =" "non_smtpd_milters =" ;;
			null)	pf_reload "smtpd_milters = unix:$W/null.sock" ;;
			aup)	pf_reload "smtpd_milters = unix:$W/aup/aup.sock" ;;
			esac
			sleep 1
			pf_send_many "$cfg"
		done
	done
	pf_stop >/dev/null 2>&1
	python3 - "$W/pf.txt" "$PF_MSGS" "$PF_SESSIONS" >>"$W/report.md" <<'EOF' || INVALID=1
import statistics, sys
rows, want = {}, int(sys.argv[2])
lost = []
for line in open(sys.argv[1]):
    label, secs, n, rc = line.split()
    rows.setdefault(label, []).append(want / float(secs))
    if int(n) != want:
        lost.append("%s: %s of %d messages reached the sink" % (label, n, want))
m = {k: statistics.median(v) for k, v in rows.items()}
print()
print("Through Postfix (smtp-source -s %s -m %d -> Postfix -> smtp-sink), "
      "medians of %d rounds:" % (sys.argv[3], want, len(rows["none"])))
print()
print("| milter | msgs/s | ratio to no-op milter |")
print("| --- | ---: | ---: |")
for k, name in (("none", "no milter"), ("null", "no-op milter"), ("aup", "aup-milter")):
    print("| %s | %.0f | %.2f |" % (name, m[k], m[k] / m["null"]))
r = m["aup"] / m["null"]
print()
print("aup-milter / no-op milter = %.2f, target >= 0.9: %s" % (r, "met" if r >= 0.9 else "MISSED"))
if lost:
    print("INVALID: " + "; ".join(lost))
    sys.exit(1)
EOF
}

# rss_kb PID FIELD - VmRSS or VmHWM in kB
rss_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# part_memory - 16 concurrent 20 MB messages, peak RSS of a fresh daemon
part_memory() {
	local line hwm base
	write_config "$W/mem" "unix:$W/mem/aup.sock"
	start_aup "$W/mem"
	base=$(rss_kb "$AUP_PID" VmRSS)
	line=$("$W/tools/milterload" -s "unix:$W/mem/aup.sock" -d "$W/big" \
	    -c 16 -t 0 -n "$MEM_MSGS" -l mem20mb | grep '^RESULT')
	hwm=$(rss_kb "$AUP_PID" VmHWM)
	say "$line"
	kill -0 "$AUP_PID" 2>/dev/null || { say "aup-milter died"; INVALID=1; }
	stop_pid "$AUP_PID"
	case $line in
	*" tempfail=0 "*" error=0 "*) ;;
	*) INVALID=1 ;;
	esac
	note ""
	note "Memory: $MEM_MSGS messages of 20 MB (15 MB attachment: random .pdf / pupil .csv), 16 concurrent, fresh daemon:"
	note "RSS at start $((base / 1024)) MB, peak (VmHWM) $((hwm / 1024)) MB, target < 300 MB: $([ "$hwm" -lt $((300 * 1024)) ] && echo met || echo MISSED)"
	note "    $line"
}

# part_pupil - pupil-data speed: the detectors alone (bench_scan: MB/s of
# text) and the whole decision (aupctl test: analysis and every policy)
# for a staff message carrying a 10 MB xlsx or a 5 MB CSV, PUPIL_RUNS
# runs each; the target is a 10 MB spreadsheet decided in < 200 ms
# part_analysis - decisions on hostile containers: nested20.zip, bomb.zip
part_analysis() {
	local d=$W/analysis bin f i
	bin=$(dirname "$AUP_MILTER")
	[ -x "$bin/aupctl" ] || die "part analysis needs aupctl next to $AUP_MILTER"
	mkdir -p "$d/fx" "$d/runs"
	python3 "$TOP/tests/fixtures/make-analysis-fixtures.py" "$d/fx" ||
	    die "make-analysis-fixtures.py failed"
	for f in nested20 bomb; do
		python3 - "$d/fx/$f.zip" "$d/$f.eml" <<'EOF'
import base64, sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "w").write(
    "From: <sales@supplier.example>\nTo: <office@school.example>\n"
    "Subject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
    "boundary=BB\n\n--BB\nContent-Type: text/plain\n\nsee\n--BB\n"
    "Content-Type: application/zip; name=f.zip\n"
    "Content-Transfer-Encoding: base64\n\n" +
    base64.encodebytes(data).decode() + "--BB--\n")
EOF
	done
	write_config "$d" "unix:$d/aup.sock"
	for i in $(seq 0 "$ANALYSIS_RUNS"); do
		for f in nested20 bomb; do
			"$bin/aupctl" -c "$d/aup-milter.conf" test \
			    --from sales@supplier.example --client-ip 192.0.2.7 \
			    --rcpt "office@$SCHOOL" "$d/$f.eml" \
			    >"$d/runs/$f.$i.json" || INVALID=1
		done
	done
	rm -f "$d/runs/"*.0.json
	python3 - "$d" >>"$W/report.md" <<'EOF' || INVALID=1
import glob, json, os, statistics, sys
runs = {}
for path in glob.glob(os.path.join(sys.argv[1], "runs", "*.json")):
    r = json.load(open(path))
    runs.setdefault(os.path.basename(path).split(".")[0], []).append(
        (r["action"], float(r["elapsed_ms"])))
print()
print("Analysis of hostile containers (`aupctl test`, inbound):")
print()
print("| message | action | min ms | median ms | max ms |")
print("|---|---|---|---|---|")
for f in ("nested20", "bomb"):
    ms = sorted(m for _, m in runs[f])
    print("| %s.zip | %s | %.0f | %.0f | %.0f |" % (f, "/".join(sorted(
        {a for a, _ in runs[f]})), ms[0], statistics.median(ms), ms[-1]))
wrong = [a for f in runs for a, _ in runs[f] if a != "quarantine"]
if wrong:
    print("INVALID: every decision should be quarantine, got %s" % wrong)
    sys.exit(1)
EOF
}

# schools_main DIR SCHOOLS-FOLDER - a main file for a service of schools
schools_main() {
	mkdir -p "$1/quarantine" "$1/spool"
	cat >"$1/aup-milter.conf" <<EOF
; written by contrib/bench/run-bench.sh for make-schools.py's schools
[milter]
socket = unix:$1/aup.sock
event_log = $1/events.jsonl
quarantine_dir = $1/quarantine
spool_dir = $1/spool
notify = off
notify_sender = no
sendmail_path = /bin/true
schools = $2
EOF
	policy_sections >>"$1/aup-milter.conf"
}

# schools_load DIR - "SECONDS PEAK-KB" of one `aup-milter -t` on DIR
schools_load() {
	/usr/bin/time -f '%e %M' -o "$1/time.out" \
	    "$AUP_MILTER" -t -c "$1/aup-milter.conf" >"$1/check.out" 2>&1 ||
	    { say "the schools are refused: $(tail -n 3 "$1/check.out")";
	      INVALID=1; }
	cat "$1/time.out"
}

# part_schools - SCHOOLS schools loaded: time and memory per school
part_schools() {
	local d=$W/schools one=$W/schools-one i s k secs=() kb=() base reload
	say "schools: generating $SCHOOLS schools"
	python3 "$TOP/contrib/bench/make-schools.py" "$d" "$SCHOOLS" ||
	    die "make-schools.py failed"
	mkdir -p "$one/schools"
	cp "$d/schools/s0001.conf" "$one/schools/"
	ln -s "$d/schools/s0001" "$one/schools/s0001"
	schools_main "$d" "$d/schools"
	schools_main "$one" "$one/schools"
	base=$(schools_load "$one" | cut -d' ' -f2)
	for i in $(seq 1 "$SCHOOLS_RUNS"); do
		read -r s k < <(schools_load "$d")
		secs+=("$s"); kb+=("$k")
	done
	reload=$(schools_reload "$d")
	python3 - "$SCHOOLS" "$base" "${secs[*]}" "${kb[*]}" \
	    "$(grep 'schools in' "$d/check.out")" "$reload" \
	    >>"$W/report.md" <<'EOF'
import statistics, sys
n, base = int(sys.argv[1]), int(sys.argv[2])
secs = [float(x) for x in sys.argv[3].split()]
kb = [int(x) for x in sys.argv[4].split()]
t, peak = statistics.median(secs), statistics.median(kb)
print()
print("Schools: %d generated schools (300 pupils, 600 parent addresses, "
      "own templates each), `aup-milter -t`, %d runs:" % (n, len(secs)))
print()
print("| load time (median) | runs (s) | peak RSS | one school alone | RSS per school |")
print("|---|---|---|---|---|")
print("| %.2f s (target < 10 s: %s) | %s | %.1f MB | %.1f MB | %.0f kB |" % (
    t, "met" if t < 10 else "MISSED", " ".join("%.2f" % s for s in secs),
    peak / 1024, base / 1024, (peak - base) / max(n - 1, 1)))
print()
print("    " + sys.argv[5])
print()
print("One school's parents file changed, SIGUSR1 to the running daemon: "
      "reloaded in %s s (target < 1 s)" % sys.argv[6])
EOF
}

# schools_reload DIR - seconds from SIGUSR1 to the daemon's "reloaded N
# schools: 1 rebuilt" line after one school's parents file changed
schools_reload() {
	# the log is not beside the main file: it would count as an input
	local t0 t1 i pid log=$W/schools-milter.log
	"$AUP_MILTER" -f -c "$1/aup-milter.conf" >"$log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	for i in $(seq 1 600); do	# started: the signal thread runs
		grep -q 'started: socket' "$log" && break
		sleep 0.1
	done
	echo 'Extra Pupil,extra.parent@gmail.com' >>"$1/schools/s0001/parents.csv"
	t0=$(date +%s.%N)
	kill -USR1 "$pid"
	for i in $(seq 1 3000); do
		grep -q 'reloaded [0-9]* schools' "$log" && break
		sleep 0.01
	done
	t1=$(date +%s.%N)
	grep -q 'schools: 1 rebuilt' "$log" ||
	    { say "no one-school reload: $(tail -n 2 "$log")"; INVALID=1; }
	stop_pid "$pid"
	echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }'
}

part_pupil() {
	local d=$W/pupil bin f i
	bin=$(dirname "$AUP_MILTER")
	[ -x "$bin/aupctl" ] && [ -x "$bin/tests/pupil-data/bench_scan" ] ||
	    die "part pupil needs aupctl and tests/pupil-data/bench_scan next to $AUP_MILTER"
	say "pupil data: generating a 10 MB xlsx and a 5 MB CSV"
	python3 "$TOP/contrib/bench/make-pupil-files.py" "$d" "$SCHOOL" ||
	    die "make-pupil-files.py failed"
	write_config "$d" "unix:$d/aup.sock" "$d/pupils.csv"
	"$bin/tests/pupil-data/bench_scan" >"$d/scan.txt" 2>&1 ||
	    die "bench_scan failed: $(tail -n 3 "$d/scan.txt")"
	# The generator churned ~100 MB: let writeback settle, then one
	# uncounted warm-up decision per file; runs alternate the two files.
	# Replies go to files and are read afterwards: a reader running
	# beside aupctl (python's start-up) slowed the decision by a third.
	sync
	sleep "$WARM"
	mkdir -p "$d/runs"
	for i in $(seq 0 "$PUPIL_RUNS"); do
		for f in sheet export; do
			say "pupil data: $f.eml, run $i/$PUPIL_RUNS"
			"$bin/aupctl" -c "$d/aup-milter.conf" test \
			    --auth "a.teacher@$SCHOOL" --client-ip 192.0.2.10 \
			    --from "a.teacher@$SCHOOL" \
			    --rcpt someone@outside.example "$d/$f.eml" \
			    >"$d/runs/$f.$i.json" || INVALID=1
		done
	done
	rm -f "$d/runs/"*.0.json
	note ""
	note "Pupil data, the detectors alone (tests/pupil-data/bench_scan, best of 5, 2,000-pupil roster):"
	sed 's/^/    /' "$d/scan.txt" >>"$W/report.md"
	python3 - "$d" >>"$W/report.md" <<'EOF' || INVALID=1
import glob, json, os, statistics, sys
d = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(d, "runs", "*.json")):
    r = json.load(open(path))
    f = os.path.basename(path).split(".")[0]
    runs.setdefault(f, []).append((r["action"], float(r["elapsed_ms"])))
print()
print("Whole decision (`aupctl test`: analysis and every policy), a teacher "
      "to an outside address, %d runs each:" % len(runs["sheet"]))
print()
print("| attachment | size | action | min ms | median ms | max ms | MB/s (median) |")
print("|---|---|---|---|---|---|---|")
for f, name in (("sheet", "sheet.xlsx"), ("export", "export.csv")):
    ms = sorted(m for _, m in runs[f])
    actions = "/".join(sorted({a for a, _ in runs[f]}))
    mb = os.path.getsize(os.path.join(d, name)) / 1048576
    med = statistics.median(ms)
    print("| %s | %.1f MB | %s | %.0f | %.0f | %.0f | %.0f |"
          % (name, mb, actions, ms[0], med, ms[-1], mb / med * 1000))
med = statistics.median(m for _, m in runs["sheet"])
print()
print("Target: a 10 MB spreadsheet decided in < 200 ms: %s (median %.0f ms)"
      % ("met" if med < 200 else "MISSED", med))
wrong = [a for f in runs for a, _ in runs[f] if a != "reject"]
if wrong:
    print("INVALID: every decision should be reject, got %s" % wrong)
    sys.exit(1)
EOF
}

# part_report - `aupctl report` over a generated year of events
part_report() {
	local d=$W/report bin i
	bin=$(dirname "$AUP_MILTER")
	[ -x "$bin/aupctl" ] || die "part report needs aupctl next to $AUP_MILTER"
	mkdir -p "$d/quarantine"
	say "report: generating $REPORT_EVENTS events"
	python3 "$TOP/contrib/bench/make-events.py" "$d/events.jsonl" \
	    --events "$REPORT_EVENTS" --expect "$d/expect.json" ||
	    die "make-events.py failed"
	cat >"$d/aup-milter.conf" <<EOF
; written by contrib/bench/run-bench.sh for the report benchmark
[milter]
socket = unix:$d/aup.sock
event_log = $d/events.jsonl
quarantine_dir = $d/quarantine
[school]
name = Oakfield Academy
domains = $SCHOOL
office = office@$SCHOOL
dsl = dsl@$SCHOOL
[safeguarding]
action = off
EOF
	sync
	: >"$d/times"
	for i in $(seq 0 "$REPORT_RUNS"); do
		say "report: run $i/$REPORT_RUNS"
		# bash's time keyword: wall, user and system seconds
		{ TIMEFORMAT='%R %U %S'; time "$bin/aupctl" -c \
		    "$d/aup-milter.conf" report --format json \
		    >"$d/report.$i.json" 2>"$d/report.$i.err"; } 2>>"$d/times"
	done
	sed -i 1d "$d/times"	# run 0 warmed the page cache
	python3 - "$d" "$REPORT_RUNS" >>"$W/report.md" <<'EOF' || INVALID=1
import json, os, statistics, sys
d, runs = sys.argv[1], int(sys.argv[2])
exp = json.load(open(os.path.join(d, "expect.json")))
size = os.path.getsize(os.path.join(d, "events.jsonl"))
with open(os.path.join(d, "events.jsonl"), "rb") as f:
    lines = sum(1 for _ in f)
t = [list(map(float, l.split())) for l in open(os.path.join(d, "times"))]
wall, user, syst = (statistics.median(x[i] for x in t) for i in range(3))
bad = []
for i in range(1, runs + 1):
    r = json.load(open(os.path.join(d, "report.%d.json" % i)))
    got = {"messages": r["messages"], "urgent": r["urgent_overrides"],
           "actions": {k: v for k, v in r["actions"].items() if v},
           "would_have": sum(sum(v for k, v in p.items() if k != "policy")
                             for p in r["would_have"]),
           "alerts": {a["name"]: a["count"] for a in r["alerts"]}}
    diff = ["%s %r, expected %r" % (k, got[k], exp.get(k))
            for k in sorted(got) if got[k] != exp.get(k)]
    if diff:
        bad.append("run %d: %s" % (i, "; ".join(diff)))
print()
print("Report: `aupctl report --format json` over a generated year of one "
      "school's events (contrib/bench/make-events.py: %d lines, %.0f MB), "
      "medians of %d runs after a warm-up:" % (lines, size / 1e6, runs))
print()
print("| events | wall s | user s | sys s | events/s (wall) |")
print("|---:|---:|---:|---:|---:|")
print("| %d | %.2f | %.2f | %.2f | %.0f |" % (lines, wall, user, syst,
                                           lines / wall))
print()
if lines >= 2000000:
    print("Target: 2 million events summarised in < 5 s: %s (median %.2f s "
          "wall, %.2f s user)" % ("met" if wall < 5 else "MISSED", wall,
                                  user))
if bad:
    print("INVALID: the report's counts are not the generator's: " +
          "; ".join(bad))
EOF
}

# text_run D NAME RUN ARGS... - one aupctl test of D/NAME.eml into D/runs
# (its JSON, and the wall-clock ns of the whole process in NAME.RUN.ns)
text_run() {
	local d=$1 name=$2 run=$3 t0
	shift 3
	t0=$(date +%s%N)
	"$(dirname "$AUP_MILTER")/aupctl" -c "$d/aup-milter.conf" test "$@" \
	    "$d/$name.eml" >"$d/runs/$name.$run.json" || INVALID=1
	echo $(($(date +%s%N) - t0)) >"$d/runs/$name.$run.ns"
}

# part_text - text extraction: TEXT_RUNS whole decisions (aupctl test)
# for a teacher's message carrying a 6.5 MB text PDF to an outside address
# (pupil-data reads its text; target < 100 ms), and for the 10 MB xlsx of
# part pupil sent to a teacher from outside (no policy that reads text
# applies: none is extracted) and by the teacher to an outside address
part_text() {
	local d=$W/extract mk i out in
	[ -x "$(dirname "$AUP_MILTER")/aupctl" ] ||
	    die "part text needs aupctl next to $AUP_MILTER"
	say "text: generating a 6.5 MB text PDF and a 10 MB xlsx"
	mkdir -p "$d/runs"
	python3 "$TOP/contrib/bench/make-text-pdf.py" "$d/manual.pdf" \
	    >/dev/null || die "make-text-pdf.py failed"
	python3 "$TOP/contrib/bench/make-pupil-files.py" "$d" "$SCHOOL" ||
	    die "make-pupil-files.py failed"
	mk=$TOP/tests/fixtures/make-e2e-fixtures.py
	python3 "$mk" message "$d/manual.eml" "a.teacher@$SCHOOL" \
	    someone@outside.example "The manual" "$d/manual.pdf" \
	    application/pdf || die "cannot write manual.eml"
	python3 "$mk" message "$d/sheet-in.eml" someone@outside.example \
	    "a.teacher@$SCHOOL" "The stock list" "$d/sheet.xlsx" \
	    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet ||
	    die "cannot write sheet-in.eml"
	write_config "$d" "unix:$d/aup.sock" "$d/pupils.csv"
	out="--auth a.teacher@$SCHOOL --client-ip 192.0.2.10"
	out="$out --from a.teacher@$SCHOOL --rcpt someone@outside.example"
	in="--client-ip 192.0.2.7 --from someone@outside.example"
	in="$in --rcpt a.teacher@$SCHOOL"
	sync
	sleep "$WARM"
	for i in $(seq 0 "$TEXT_RUNS"); do
		say "text: run $i/$TEXT_RUNS"
		# shellcheck disable=SC2086
		text_run "$d" manual "$i" $out
		# shellcheck disable=SC2086
		text_run "$d" sheet "$i" $out
		# shellcheck disable=SC2086
		text_run "$d" sheet-in "$i" $in
	done
	rm -f "$d/runs/"*.0.json "$d/runs/"*.0.ns
	python3 - "$d" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$W/report.md" \
	    <<'EOF' || INVALID=1
import glob, json, os, statistics, sys
d = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(d, "runs", "*.json")):
    r = json.load(open(path))
    r["process_ms"] = int(open(path[:-4] + "ns").read()) / 1e6
    runs.setdefault(os.path.basename(path).split(".")[0], []).append(r)
print()
print("Text extraction, %d runs each (load average %s at the end): the "
      "decision alone (`elapsed_ms` of `aupctl test`: engine_evaluate, "
      "i.e. MIME walk, analysis and every policy) and the whole `aupctl "
      "test` process (start-up, configuration, reading the message):"
      % (len(runs["manual"]), sys.argv[2]))
print()
print("| message | attachment | action | text extracted | decision min ms "
      "| median ms | max ms | process median ms |")
print("|---|---|---|---|---|---|---|---|")
rows = (("manual", "teacher to outside", "manual.pdf"),
        ("sheet", "teacher to outside", "sheet.xlsx"),
        ("sheet-in", "outside to teacher", "sheet.xlsx"))
bad = []
for f, who, name in rows:
    ms = sorted(float(r["elapsed_ms"]) for r in runs[f])
    text = runs[f][0].get("text_bytes")
    print("| %s | %s, %.1f MB | %s | %s | %.0f | %.0f | %.0f | %.0f |" % (
        who, name, os.path.getsize(os.path.join(d, name)) / 1048576,
        "/".join(sorted({r["action"] for r in runs[f]})),
        "not reported" if text is None else "%.1f MB" % (text / 1048576),
        ms[0], statistics.median(ms), ms[-1],
        statistics.median(r["process_ms"] for r in runs[f])))
    bad += [r["action"] for r in runs[f] if r["action"] == "tempfail"]
med = statistics.median(float(r["elapsed_ms"]) for r in runs["manual"])
print()
print("Target (judged on the decision alone): the 6.5 MB text PDF decided "
      "in < 100 ms: %s (median %.0f ms)" % ("met" if med < 100 else "MISSED",
                                            med))
if bad:
    print("INVALID: tempfail verdicts")
    sys.exit(1)
EOF
}

# part_safeguarding - the matcher's MB/s and its added decision time
part_safeguarding() {
	local d=$W/safeguarding bin
	bin=$(dirname "$AUP_MILTER")
	[ -x "$bin/tests/safeguarding/bench_match" ] ||
	    die "part safeguarding needs tests/safeguarding/bench_match next to $AUP_MILTER"
	write_config "$d/on" "unix:$d/on/aup.sock"
	write_config "$d/off" "unix:$d/off/aup.sock"
	write_config "$d/shipped" "unix:$d/shipped/aup.sock"
	# the same school three times: safeguarding reading every message,
	# reading pupils' mail (the shipped scope), or off
	sed -i "/^\[safeguarding\]\$/a lists = $TOP/conf/safeguarding\\
scope = all" "$d/on/aup-milter.conf"
	sed -i "/^\[safeguarding\]\$/a lists = $TOP/conf/safeguarding" \
	    "$d/shipped/aup-milter.conf"
	sed -i "/^\[safeguarding\]\$/a lists = $TOP/conf/safeguarding\\
action = off" "$d/off/aup-milter.conf"
	say "safeguarding: matcher speed and added decision time"
	"$bin/tests/safeguarding/bench_match" "$TOP/conf/safeguarding" \
	    "$d/on/aup-milter.conf" "$W/mixed" "$d/off/aup-milter.conf" \
	    >"$d/bench.txt" 2>&1 ||
	    die "bench_match failed: $(tail -n 3 "$d/bench.txt")"
	"$bin/tests/safeguarding/bench_match" --on-off \
	    "$d/shipped/aup-milter.conf" "$W/mixed" "$d/off/aup-milter.conf" \
	    >"$d/shipped.txt" 2>&1 ||
	    die "bench_match failed: $(tail -n 3 "$d/shipped.txt")"
	sed -n 's/^on\/off: /on\/off with the shipped scope (pupils): /p' \
	    "$d/shipped.txt" >>"$d/bench.txt"
	note ""
	note "Safeguarding, every shipped list loaded (tests/safeguarding/bench_match; mixed corpus, scope = all):"
	sed 's/^/    /' "$d/bench.txt" >>"$W/report.md"
	sg_instructions "$d" "$bin"
}

# sg_instructions D BIN - instructions of the corpus's decisions with
# safeguarding on and off (callgrind, engine_evaluate inclusive): the
# added cost, which other load on the machine does not change
sg_instructions() {
	local d=$1 bin=$2 c on off
	command -v valgrind >/dev/null 2>&1 || {
		note "    (valgrind not installed: no instruction counts)"
		return 0
	}
	say "safeguarding: instructions under callgrind (a few minutes)"
	for c in on off; do
		valgrind --tool=callgrind --callgrind-out-file="$d/$c.cg" \
		    --toggle-collect=engine_evaluate \
		    "$bin/tests/safeguarding/bench_match" --decide \
		    "$d/$c/aup-milter.conf" "$W/mixed" >"$d/$c.cg.out" 2>&1 ||
		    die "callgrind failed: $(tail -n 3 "$d/$c.cg.out")"
	done
	on=$(callgrind_annotate "$d/on.cg" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	off=$(callgrind_annotate "$d/off.cg" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	note "    instructions of the 200 decisions (callgrind, engine_evaluate): on $on, off $off; added cost $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f%%", 100 * (a - b) / b }') (target < 5 %)"
}

# part_soak - RSS of aup-milter over SOAK_SECS at concurrency 16
part_soak() {
	local t samples='' line pid
	write_config "$W/soak" "unix:$W/soak/aup.sock"
	start_aup "$W/soak"
	"$W/tools/milterload" -s "unix:$W/soak/aup.sock" -d "$W/mixed" -c 16 \
	    -t "$SOAK_SECS" -w 0 -l soak >"$W/soak.out" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	for t in $(seq 0 "$SOAK_EVERY" "$SOAK_SECS"); do
		samples="$samples $(( $(rss_kb "$AUP_PID" VmRSS) / 1024 ))"
		[ "$t" -lt "$SOAK_SECS" ] && sleep "$SOAK_EVERY"
	done
	wait "$pid"
	line=$(grep '^RESULT' "$W/soak.out")
	kill -0 "$AUP_PID" 2>/dev/null || { say "aup-milter died"; INVALID=1; }
	stop_pid "$AUP_PID"
	case $line in
	*" tempfail=0 "*" error=0 "*) ;;
	*) INVALID=1 ;;
	esac
	note ""
	note "Soak: concurrency 16, mixed corpus, $SOAK_SECS s; VmRSS (MB) every $SOAK_EVERY s:"
	note "   $samples"
	note "    $line"
}

# perf_run - the daemon of folder $1 under perf ($2: record or stat, $3:
# output file, then perf's options), counting only while PROF_SECS of
# concurrency-16 load run after a warm-up; the load's RESULT line in
# $d/$2.result
perf_run() {
	local d=$1 mode=$2 out=$3 pid
	shift 3
	rm -f "$d/perf.ctl" "$d/aup.sock"
	mkfifo "$d/perf.ctl" || die "cannot make $d/perf.ctl"
	perf "$mode" -D -1 --control "fifo:$d/perf.ctl" -o "$out" "$@" -- \
	    "$AUP_MILTER" -f -c "$d/aup-milter.conf" >"$d/milter.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	exec 8>"$d/perf.ctl"
	wait_socket "$d/aup.sock" || die "aup-milter did not start under perf"
	"$W/tools/milterload" -s "unix:$d/aup.sock" -d "$W/mixed" -c 16 \
	    -t "$WARM" -w 0 -l warm >/dev/null
	echo enable >&8
	"$W/tools/milterload" -s "unix:$d/aup.sock" -d "$W/mixed" -c 16 \
	    -t "$PROF_SECS" -w 0 -l profile | grep '^RESULT' >"$d/$mode.result"
	echo disable >&8
	exec 8>&-
	stop_pid "$(pgrep -P "$pid")"
	wait "$pid" 2>/dev/null
}

# part_profile - kernel share, top symbols and per-message counters at 16
part_profile() {
	local d="$W/prof" line n
	if ! command -v perf >/dev/null || ! perf stat -e task-clock true \
	    >/dev/null 2>&1; then
		note ""
		note "Profile: perf is not available (apt-get install linux-perf): skipped"
		return
	fi
	write_config "$d" "unix:$d/aup.sock"
	cat "$TOP/contrib/bench/all-policies.conf" >>"$d/aup-milter.conf"
	cp -r "$TOP/conf/safeguarding" "$d/safeguarding"
	[ "$(id -u)" = 0 ] && chown -R nobody "$d"
	perf_run "$d" record "$d/perf.data" -g
	line=$(cat "$d/record.result")
	case $line in
	*" tempfail=0 "*" error=0 "*) ;;
	*) INVALID=1 ;;
	esac
	note ""
	note "Profile: concurrency 16, mixed corpus, every policy at work" \
	    "(contrib/bench/all-policies.conf), perf record -g for $PROF_SECS s:"
	note "    $line"
	note "Kernel share of the samples: $(perf report -i "$d/perf.data" \
	    --no-children --sort dso --stdio -g none 2>/dev/null |
	    awk '/\[kernel/ { s += $1 } END { printf "%.1f %%", s }')"
	note ""
	note "Top 10 symbols (self, perf report --no-children):"
	note ""
	perf report -i "$d/perf.data" --no-children --sort dso,sym --stdio \
	    -g none 2>/dev/null | grep -v -e '^#' -e '^$' | head -n 10 |
	    sed 's/^/    /' >>"$W/report.md"
	perf_run "$d" stat "$d/stat.txt" -x, \
	    -e task-clock,page-faults,context-switches
	line=$(cat "$d/stat.result")
	n=$(echo "$line" | sed -n 's/.* msgs=\([0-9]*\) .*/\1/p')
	note ""
	note "Per message (perf stat over $PROF_SECS s, ${n:-0} messages):" \
	    "$(awk -F, -v n="${n:-0}" '/^[0-9]/ && n > 0 {
		printf "%s%s %.2f; ", $3, $3 == "task-clock" ? " ms" : "",
		    $1 / n }' "$d/stat.txt")"
}

# part_postgres - the same load on the sqlite and the postgresql store
part_postgres() {
	local r sq pg
	# shellcheck source=../../tests/lib/postgres.sh
	. "$TOP/tests/lib/postgres.sh"
	pg_check_prereqs || die "PARTS=postgres: $PG_WHY"
	mkdir -p "$W/pgc" && chmod 755 "$W/pgc"
	# durable commits, as in production (the tests' cluster skips fsync)
	PG_FSYNC=on pg_start "$W/pgc" >/dev/null || die "the private PostgreSQL did not start"
	write_config "$W/sq" "unix:$W/sq/aup.sock"
	write_config "$W/pq" "unix:$W/pq/aup.sock"
	printf '[store]\nbackend = postgresql\ndsn = %s\n' "$PG_DSN" \
	    >>"$W/pq/aup-milter.conf"
	"$(dirname "$AUP_MILTER")/aupctl" -c "$W/pq/aup-milter.conf" store \
	    migrate >"$W/pq/migrate.out" 2>&1 ||
	    die "store migrate failed: $(cat "$W/pq/migrate.out")"
	start_aup "$W/sq"; sq=$AUP_PID
	start_aup "$W/pq"; pg=$AUP_PID
	: >"$W/pg-results.txt"
	for r in $(seq 1 "$ROUNDS"); do
		say "store backends, concurrency 16, mixed, round $r/$ROUNDS"
		"$W/tools/milterload" -s "unix:$W/sq/aup.sock" -d "$W/mixed" \
		    -c 16 -t "$SECS" -w "$WARM" -l sqlite | grep '^RESULT' \
		    >>"$W/pg-results.txt"
		"$W/tools/milterload" -s "unix:$W/pq/aup.sock" -d "$W/mixed" \
		    -c 16 -t "$SECS" -w "$WARM" -l postgresql | grep '^RESULT' \
		    >>"$W/pg-results.txt"
	done
	kill -0 "$pg" 2>/dev/null || { say "aup-milter (postgresql) died"; INVALID=1; }
	stop_pid "$sq"; stop_pid "$pg"
	note ""
	note "Store backends: concurrency 16, mixed corpus, $ROUNDS interleaved" \
	    "rounds of $SECS s; $(pg_psql 'SELECT count(*) FROM quarantine') held" \
	    "messages and $(pg_psql 'SELECT count(*) FROM events') event rows in" \
	    "PostgreSQL"
	pg_cleanup
	python3 - "$W/pg-results.txt" >>"$W/report.md" <<'EOF' || INVALID=1
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split()[1:])
    runs.setdefault(kv["label"], []).append(kv)
    if int(kv["tempfail"]) or int(kv["error"]):
        print("INVALID: " + line.strip())
        sys.exit(1)
def med(label, f):
    return statistics.median(float(r[f]) for r in runs[label])
print()
print("| store | msgs/s | p50 ms | p99 ms | verdicts (last run) |")
print("| --- | ---: | ---: | ---: | --- |")
for label in ("sqlite", "postgresql"):
    last = runs[label][-1]
    print("| %s | %.0f | %.2f | %.2f | %s |" % (label, med(label, "mps"),
        med(label, "p50_ms"), med(label, "p99_ms"), " ".join(
        "%s=%s" % (k, last[k]) for k in ("accept", "reject", "discard")
        if last[k] != "0")))
cost = 1 - med("postgresql", "mps") / med("sqlite", "mps")
print()
print("PostgreSQL costs %.1f %% of the sqlite store's throughput (median of "
      "the rounds), target < 10 %%: %s" % (100 * cost, "met" if cost < 0.10
      else "MISSED"))
EOF
}

say "work folder $W"
# the yardstick and the corpus serve every part but the report's
CORPUS=''
for part in $PARTS; do
	[ "$part" = report ] || CORPUS=1
done
[ -n "$CORPUS" ] && build_tools
build_milter
if [ -n "$CORPUS" ]; then
	make_corpora
	write_config "$W/aup" "unix:$W/aup/aup.sock"
fi
{
	echo "# aup-milter benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
	    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	    "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
	echo
	echo "Command: contrib/bench/run-bench.sh (PARTS=\"$PARTS\"" \
	    "ROUNDS=$ROUNDS SECS=$SECS" \
	    "WARM=$WARM CONCS=\"$CONCS\" PF_MSGS=$PF_MSGS PF_ROUNDS=$PF_ROUNDS" \
	    "MEM_MSGS=$MEM_MSGS SOAK_SECS=$SOAK_SECS" \
	    "REPORT_EVENTS=$REPORT_EVENTS REPORT_RUNS=$REPORT_RUNS" \
	    "SCHOOLS=$SCHOOLS SCHOOLS_RUNS=$SCHOOLS_RUNS)"
	echo
	if [ -n "$CORPUS" ]; then
		echo "Policies enabled: $(sed -n 's/^\[\(.*\)\]$/\1/p' \
		    "$W/aup/aup-milter.conf" |
		    grep -v -x -e milter -e school -e directory | tr '\n' ' ')"
		echo
	fi
} >"$W/report.md"
for part in $PARTS; do
	case $part in
	milter)		part_milter ;;
	postfix)	part_postfix ;;
	memory)		part_memory ;;
	soak)		part_soak ;;
	pupil)		part_pupil ;;
	analysis)	part_analysis ;;
	report)		part_report ;;
	text)		part_text ;;
	schools)	part_schools ;;
	safeguarding)	part_safeguarding ;;
	profile)	part_profile ;;
	postgres)	part_postgres ;;
	*)		die "unknown part $part" ;;
	esac
done
cp "$W/report.md" "$OUT" && say "report in $OUT"
cat "$W/report.md"
[ "$INVALID" = 0 ] || { echo "INVALID: see above"; exit 1; }
exit 0
