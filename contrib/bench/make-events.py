#!/usr/bin/env python3
"""make-events.py - a year of one school's event log, for the report benchmark

usage: make-events.py OUT [--events N] [--start YYYY-MM-DD] [--seed S]
           [--expect FILE]

Writes N (default 2,000,000) lines of the event log aup-milter writes
(milter/store/eventlog.c, milter/engine/report_json.c and the audit
events of milter/store/actions.c), in time order over the 365 days from
--start (default 2025-09-01, a school year), for a secondary school of
about 1,000 pupils and 120 staff:

- mail on term-time weekdays mostly between 07:00 and 19:00, a tenth as
  much at weekends and a fifth in the holidays;
- message events (about 97 %) with the milter's field names and order:
  every registered policy's result and reason, the final action, what
  enforce mode would have done, the mode, the direction, the envelope,
  the subject, the size and the body parts and attachments; the policies
  decide at the rates a school sees (SPF softfails and forged school
  senders inbound, parent-contact and bulk-bcc on staff mail, working
  hours deferring staff mail sent at night, urgent overrides, held
  programs, pupil data, pupil mail, safeguarding alerts by category);
- the whole school in monitor mode for the first six weeks (would-have
  counts), and pupil-mail monitored until the end of the autumn term;
- the audit events reviewers cause: quarantine-list, -show, -release,
  -delete, -review, -expire, -digest, alerts-show, alerts-set,
  deferred-list, -send, -cancel, console-login, and the daemon's start
  and reload lines.

--expect FILE writes what the report must count (messages, actions,
would-have and urgent totals, alerts by category) as JSON, so that a
run can be checked as well as timed.  The output is the same for the
same seed.

SPDX-License-Identifier: MIT
"""
import argparse
import datetime
import json
import random
import sys

SCHOOL = "oakfield-academy.example"
PUPILS = "pupils." + SCHOOL
POLICIES = ("sender-auth", "parent-contact", "bulk-bcc", "executables",
            "pupil-data", "safeguarding", "pupil-mail", "working-hours")
STRENGTH = ("pass", "flag", "rewrite", "defer", "quarantine", "reject")
REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CATEGORIES = (("profanity", 30), ("bullying", 25), ("self-harm", 12),
              ("violence", 10), ("sexual", 8), ("drugs", 6),
              ("discrimination", 5), ("grooming", 2), ("extremism", 2))
HOLD_CATEGORIES = {"sexual", "grooming", "extremism"}
SUBJECTS = ("Year 9 trip consent", "Re: homework", "Staff briefing notes",
            "Invoice 40213", "Parents' evening slots", "Re: Re: detention",
            "Football fixtures", "Cover for period 3", "Newsletter",
            "Re: coursework deadline", "Your order has shipped",
            "Meeting on Thursday", "Safeguarding training update",
            "Lunch menu", "Re: missing PE kit", "Exam timetable",
            "\u00a3 payment received", "Governors' agenda", "Quick question",
            "Photos from the \"Spring Fair\"")
# (name, detected type, typical size) of attachments
FILES = (("letter.pdf", "application/pdf", 180000),
         ("photo.jpg", "image/jpeg", 900000),
         ("register.xlsx", "application/vnd.openxmlformats-officedocument."
          "spreadsheetml.sheet", 40000),
         ("minutes.docx", "application/vnd.openxmlformats-officedocument."
          "wordprocessingml.document", 60000),
         ("invite.ics", "text/calendar", 2000))

# Per message: (weight, policy, result, reason, extra) of the policy that
# decides; everything else passes.  Weights are per 10,000 messages.
DECISIONS = (
    (120, "sender-auth", "flag", "SPF softfail: {cip} is not a permitted "
     "sender of {sdom}", "in"),
    (60, "sender-auth", "reject", "header From {hfrom} is the school's "
     "domain but the envelope sender is not", "in"),
    (30, "sender-auth", "reject", "SPF fail: {cip} is not allowed to send "
     "for {sdom}", "in"),
    (40, "parent-contact", "reject", "staff sender wrote to 1 parent "
     "address", "staff"),
    (35, "parent-contact", "flag", "staff sender wrote to 1 personal "
     "parent address", "staff"),
    (90, "bulk-bcc", "rewrite", "14 parent addresses visible in To/Cc, "
     "moved to Bcc", "office"),
    (5, "bulk-bcc", "reject", "38 parent addresses visible in To/Cc",
     "staff"),
    (25, "executables", "quarantine", "invoice.zip: invoice.exe: a "
     "Windows program", "in"),
    (6, "executables", "quarantine", "report.docm: an Office document "
     "with macros", "in"),
    (8, "pupil-data", "reject", "pupil data not encrypted, sent outside "
     "the school: 3 identifiers (UPN, name, date of birth)", "staff"),
    (4, "pupil-data", "quarantine", "pupil data cannot be checked, sent "
     "outside the school: an encrypted archive", "staff"),
    (20, "pupil-mail", "reject", "a pupil wrote outside the school to "
     "someone not approved", "pupil"),
    (10, "pupil-mail", "quarantine", "someone not approved wrote to a "
     "pupil", "in-pupil"),
    (4, "pupil-mail", "quarantine", "a pupil gave a phone number to "
     "someone outside the school", "pupil"),
)
SAFEGUARDING_RATE = 25		# messages in 10,000 with an alert
NIGHT_DEFER = 0.6		# staff mail out of hours that waits
NIGHT_URGENT = 0.03		# of that, marked [URGENT] and sent at once
AUDIT_RATE = 0.03		# audit events per message


def term_weight(day):
    """How much mail a day sees: term weekdays 1, weekends and
    holidays less."""
    holidays = ((datetime.date(day.year, 10, 27), 7),	# autumn half-term
                (datetime.date(day.year, 12, 20), 16),	# Christmas
                (datetime.date(day.year, 2, 16), 7),	# spring half-term
                (datetime.date(day.year, 3, 28), 16),	# Easter
                (datetime.date(day.year, 5, 25), 7),	# summer half-term
                (datetime.date(day.year, 7, 22), 42))	# summer
    if day.month == 1 and day.day <= 3:
        return 0.2
    for first, n in holidays:
        if first <= day < first + datetime.timedelta(days=n):
            return 0.2
    return 0.12 if day.weekday() >= 5 else 1.0


class School:
    """The people and the random choices of the generated school."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.staff = ["%s.%s@%s" % (f, s, SCHOOL) for f, s in
                      zip(rnd.choices(("a", "b", "c", "d", "j", "m", "s"),
                                      k=120), range(120))]
        self.pupils = ["%d%s@%s" % (2010 + i % 7, "p%04d" % i, PUPILS)
                       for i in range(1000)]
        self.parents = ["parent%04d@%s" % (i, rnd.choice(
            ("gmail.example", "outlook.example", "btinternet.example")))
                        for i in range(1500)]
        self.outside = ["info@%s.example" % w for w in
                        ("supplier", "council", "exams-board", "trust",
                         "sports-club", "museum", "newsletter-service")]
        self.users = ("dsl", "deputy.dsl", "it.tech", "office", "dpo")

    def ref(self):
        return "".join(self.rnd.choices(REF_ALPHABET, k=10))

    def queue_id(self):
        return "4%s" % "".join(self.rnd.choices("0123456789ABCDEF", k=9))


def envelope(s, who):
    """(direction, sender, recipients, client address, login)"""
    r = s.rnd
    if who in ("in", "in-pupil") or (who is None and r.random() < 0.55):
        sender = r.choice(s.outside + s.parents)
        rcpt = [r.choice(s.pupils if who == "in-pupil" else s.staff)]
        return "inbound", sender, rcpt, "198.51.100.%d" % r.randint(1, 254), \
            None
    if who == "pupil" or (who is None and r.random() < 0.25):
        sender = r.choice(s.pupils)
        rcpt = [r.choice(s.staff + s.outside)]
    elif who == "office":
        sender = "office@" + SCHOOL
        rcpt = r.sample(s.parents, 14)
    else:
        sender = r.choice(s.staff)
        rcpt = [r.choice(s.staff + s.parents + s.outside)
                for _ in range(r.choice((1, 1, 1, 2, 3)))]
    return "outbound", sender, rcpt, "10.0.%d.%d" % (r.randint(0, 3),
                                                      r.randint(2, 254)), \
        sender


def parts(s, size):
    """The body parts and attachments of a message."""
    r = s.rnd
    out = [{"path": "1", "name": None, "type": "text/plain",
            "size": r.randint(200, 4000)}]
    if r.random() < 0.6:
        out.append({"path": "2", "name": None, "type": "text/html",
                    "size": r.randint(800, 20000)})
    for _ in range(r.choice((0, 0, 0, 1, 1, 2)) if size else 0):
        name, kind, n = r.choice(FILES)
        out.append({"path": str(len(out) + 1), "name": name, "type": kind,
                    "size": r.randint(n // 4, n * 2)})
    for a in out:
        a["sha256"] = "%064x" % r.getrandbits(256)
        a["encrypted"] = False
    return out


def alerts_for(s):
    """One or two safeguarding alerts: [(category, score, severity)]"""
    r = s.rnd
    cats = r.choices([c for c, _ in CATEGORIES],
                     weights=[w for _, w in CATEGORIES],
                     k=r.choice((1, 1, 1, 2)))
    out = []
    for c in dict.fromkeys(cats):
        score = r.choice((10, 12, 15, 20, 24, 35, 60))
        out.append((c, score, "high" if score >= 30 else
                    "medium" if score >= 20 else "low"))
    return out


def decide(s, phase):
    """(policies, alerts) of one message: the decisive results."""
    r = s.rnd
    x = r.random() * 10000
    picked, decided = None, {}
    for w, pol, res, why, who in DECISIONS:
        if x < w:
            picked = who
            decided[pol] = (res, why)
            break
        x -= w
    alerts = []
    if r.random() * 10000 < SAFEGUARDING_RATE:
        alerts = alerts_for(s)
        held = [a for a in alerts if a[0] in HOLD_CATEGORIES and a[1] >= 30]
        decided["safeguarding"] = ("quarantine" if held else "flag",
                                   "alert: " + ", ".join(
                                       "%s %d" % (a[0], a[1])
                                       for a in alerts))
        picked = picked or "pupil"
    return picked, decided, alerts


def out_of_hours(s, t, direction, sender, decided):
    """Working hours (07:30-18:00 on weekdays): staff mail sent outside
    them waits for the morning, unless marked urgent.  Returns
    (urgent, the morning it is delivered or None)."""
    r = s.rnd
    inside = t.weekday() < 5 and 450 <= t.hour * 60 + t.minute < 1080
    if inside or direction != "outbound" or PUPILS in sender or decided \
            or r.random() >= NIGHT_DEFER:
        return False, None
    if r.random() < NIGHT_URGENT:
        return True, None
    day = t.date() + datetime.timedelta(days=1 if t.hour >= 18 else 0)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    morning = datetime.datetime.combine(day, datetime.time(7, 30))
    decided["working-hours"] = (
        "defer", "outside working hours (07:30-18:00): to be delivered at "
        + morning.strftime("%H:%M on %A %d %B").replace(" 0", " "))
    return False, morning


def policy_list(s, decided, urgent, phase, fmt):
    """The policies array, the final action and what enforce mode would
    have done."""
    pols, best, would = [], 0, 0
    for name in POLICIES:
        res, why = decided.get(name, ("pass", ""))
        if name == "sender-auth" and res == "pass":
            why = "SPF pass" if fmt["dir"] == "inbound" else \
                "logged in as %s, sending as %s" % (fmt["login"], fmt["login"])
        if name == "safeguarding" and res == "pass":
            why = ""
        o = {"name": name, "result": res, "reason": why.format(**fmt)}
        # a policy in monitor mode says so whatever its result
        monitored = phase == "monitor" or (phase == "pupil-mail" and
                                           name == "pupil-mail")
        if monitored:
            o["monitored"] = True
        if name == "working-hours" and urgent:
            o["reason"] = "urgent: the Subject starts with [URGENT], " \
                "sent at once"
            o["tag"] = "urgent"
        pols.append(o)
        k = STRENGTH.index(res)
        would = max(would, k)
        if not monitored:
            best = max(best, k)
    return pols, STRENGTH[best], STRENGTH[would]


def message(s, t, phase, exp):
    """One message event as a dict, in the milter's field order."""
    r = s.rnd
    who, decided, alerts = decide(s, phase)
    direction, sender, rcpts, cip, login = envelope(s, who)
    urgent, morning = out_of_hours(s, t, direction, sender, decided)
    fmt = {"cip": cip, "sdom": sender.split("@")[1], "hfrom": sender,
           "hour": t.hour, "dir": direction, "login": login}
    pols, best, would = policy_list(s, decided, urgent, phase, fmt)
    action = "accept" if best == "pass" else best
    monitored_alerts = phase == "monitor" and alerts
    ev = {"event": "message", "action": action, "ref": s.ref(),
          "policies": pols, "quarantine": action == "quarantine"}
    al = [{"category": c, "score": n, "severity": v, "policy":
           "safeguarding"} for c, n, v in alerts]
    ev["alerts"] = [] if monitored_alerts else al
    if monitored_alerts:
        ev["monitored_alerts"] = al
    if action == "defer":
        ev["deliver_at"] = morning.strftime("%Y-%m-%dT%H:%M:%SZ")
    ev["mode"] = "monitor" if any(p.get("monitored") for p in pols) \
        else "enforce"
    ev["direction"] = direction
    ev["would_action"] = "accept" if would == "pass" else would
    ev["elapsed_ms"] = round(r.lognormvariate(1.2, 0.7), 6)
    ev["queue_id"] = s.queue_id()
    ev["client_addr"] = cip
    ev["auth"] = login
    ev["sender"] = sender
    ev["recipients"] = rcpts
    ev["header_from"] = sender
    subject = r.choice(SUBJECTS)
    ev["subject"] = "[URGENT] " + subject if urgent else subject
    files = parts(s, r.random() < 0.35)
    ev["size"] = sum(a["size"] for a in files) * 4 // 3 + 2500
    ev["attachments"] = files
    count(exp, ev, pols)
    return ev


def count(exp, ev, pols):
    """What the report must find for this event."""
    exp["messages"] += 1
    if ev["action"] != "accept":
        exp["actions"][ev["action"]] = exp["actions"].get(ev["action"], 0) + 1
    for p in pols:
        if p.get("monitored") and p["result"] != "pass":
            exp["would_have"] += 1
        if p.get("tag") == "urgent":
            exp["urgent"] += 1
    for a in ev["alerts"]:
        exp["alerts"][a["category"]] = exp["alerts"].get(a["category"], 0) + 1


def audit(s, t):
    """One audit event of a reviewer, the digest or the daemon."""
    r = s.rnd
    kind = r.choices(("quarantine-list", "quarantine-show",
                      "quarantine-release", "quarantine-delete",
                      "quarantine-review", "quarantine-expire",
                      "quarantine-digest", "alerts-show", "alerts-set",
                      "deferred-list", "deferred-send", "deferred-cancel",
                      "console-login", "reload"),
                     weights=(20, 25, 8, 6, 5, 2, 1, 6, 4, 8, 2, 1, 10, 1))[0]
    if kind == "reload":
        return {"event": kind, "ok": True,
                "detail": "/etc/aup-milter/aup-milter.conf"}
    ev = {"event": kind}
    if kind not in ("quarantine-list", "deferred-list", "console-login",
                    "quarantine-digest"):
        ev["ref"] = s.ref()
    ev["user"] = r.choice(s.users)
    ev["result"] = "ok"
    ev["via"] = "console"
    ev["role"] = "dsl" if ev["user"] in ("dsl", "deputy.dsl") else \
        ev["user"].split(".")[0]
    ev["address"] = "10.0.9.%d" % r.randint(2, 60)
    if kind in ("quarantine-release", "quarantine-delete",
                "quarantine-review", "deferred-cancel", "alerts-set"):
        ev["reason"] = r.choice(("checked with the sender",
                                 "a known supplier", "phishing",
                                 "spoke to the pupil", "sent by mistake"))
    return ev


def day_times(s, day, n):
    """n sorted times in a day, most of them in the school day."""
    r = s.rnd
    secs = sorted(int(r.triangular(6.5, 19.5, 10.5) * 3600)
                  if r.random() < 0.9 else r.randrange(86400)
                  for _ in range(n))
    base = datetime.datetime.combine(day, datetime.time())
    return [base + datetime.timedelta(seconds=x, milliseconds=r.randrange(
        1000)) for x in secs]


def phase_of(day, start):
    if day < start + datetime.timedelta(weeks=6):
        return "monitor"
    if day < datetime.date(start.year, 12, 20):
        return "pupil-mail"
    return "enforce"


def write_year(out, n, start, seed, exp):
    s = School(random.Random(seed))
    days = [start + datetime.timedelta(days=i) for i in range(365)]
    weights = [term_weight(d) for d in days]
    total = sum(weights)
    written, carry = 0, 0.0
    dumps = json.JSONEncoder(ensure_ascii=False,
                             separators=(",", ":")).encode
    out.write(dumps({"event": "start", "ok": True, "detail":
                     "/etc/aup-milter/aup-milter.conf", "time":
                     "%sT06:00:00.000Z" % start.isoformat()}) + "\n")
    written += 1
    for i, day in enumerate(days):
        carry += n * weights[i] / total
        k = min(int(carry), n - written) if i < 364 else n - written
        carry -= k
        phase = phase_of(day, start)
        for t in day_times(s, day, k):
            ev = audit(s, t) if s.rnd.random() < AUDIT_RATE else \
                message(s, t, phase, exp)
            ev["time"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + \
                "%03dZ" % (t.microsecond // 1000)
            out.write(dumps(ev) + "\n")
        written += k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=2000000)
    ap.add_argument("--start", default="2025-09-01")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--expect")
    a = ap.parse_args()
    exp = {"messages": 0, "actions": {}, "would_have": 0, "urgent": 0,
           "alerts": {}}
    start = datetime.date.fromisoformat(a.start)
    with open(a.out, "w", encoding="utf-8", buffering=1 << 20) as out:
        write_year(out, a.events, start, a.seed, exp)
    if a.expect:
        with open(a.expect, "w") as f:
            json.dump(exp, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
