#!/usr/bin/python3
"""test_console_schools - one console for a service of two schools
(Ashfield and Beech, `[milter] schools`), in a real browser (headless
Chromium driven by Selenium) against messages a real Postfix handed to
the test milter, which held one for each school.  Run by
tests/e2e/test_postfix_console_schools.sh (the private Postfix).

  - Ashfield's DSL (school = ashfield) lists Ashfield's held message and
    not Beech's; Beech's message by its direct URL is 404 with nothing of
    it on the page; a release POST of it with a valid token is 404 and
    leaves it held; both attempts are in Ashfield's audit trail
  - Ashfield's report counts Ashfield's messages only; the page names
    Ashfield
  - Beech's DSL sees Beech's message and nothing of Ashfield's attempt
  - the service's staff (school = *) list both with a School column,
    filter by school, see the audit trail with each record's school, and
    get the report with a line per school
  - safeguarding alerts and deferred mail (working-hours, the daemon's
    clock at a Tuesday 21:00) of both schools: Ashfield's DSL lists
    Ashfield's alert only, without a School column; the service's staff
    list both schools' alerts and deferred messages with a School column
    and keep to one school with the filter
"""
import os
import calendar
import re
import shutil
import sqlite3
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (BASE, CONF, PF_LOG, PORT, T,  # noqa: E402
                         TOP_BUILD, USER_LINE, By, Tap, bail, browser,
                         listening, maillog_has, ok, send, shot, start, stop,
                         wait_for, write)
import console_lib  # noqa: E402

procs = []
PASSWORDS = {"a.dsl": "ashfield dsl 2026", "b.dsl": "beech dsl 2026",
             "svc": "the service 2026"}


def configure():
    os.makedirs(os.path.join(T, "schools"), exist_ok=True)
    os.makedirs(os.path.join(T, "templates"), exist_ok=True)
    for name in ("test-verdict", "test-second"):
        write(os.path.join(T, "templates", name + ".txt"),
              "Refused by the test: {word}. Ref: {ref}\n")
    write(os.path.join(T, "console-users.csv"),
          "user,name,role,school,password\n", 0o640)
    write(CONF, """[milter]
{user}socket = unix:{t}/aup.sock
group = postfix
socket_mode = 0660
event_log = {t}/events.jsonl
quarantine_dir = {t}/quarantine
spool_dir = {t}
release_secret = {t}/release.key
sendmail_path = /bin/false
templates = templates
trusted_networks = 127.0.0.0/8
notify = off
schools = schools
clock_file = {t}/now
[working-hours]
hours = Mon-Fri 07:30-18:00
[safeguarding]
lists = safeguarding
scope = all
[console]
listen = 127.0.0.1:{port}
users = console-users.csv
[sender-auth]
action = off
""".format(user=USER_LINE, t=T, port=PORT))
    # a Tuesday evening in London (GMT in November)
    write(os.path.join(T, "now"), "%d\n" %
          calendar.timegm((2026, 11, 17, 21, 0, 0)))
    shutil.copytree(os.path.join(os.environ["top_srcdir"], "conf",
                                 "safeguarding"),
                    os.path.join(T, "safeguarding"))
    for sid, name in (("ashfield", "Ashfield Primary"),
                      ("beech", "Beech Academy")):
        write(os.path.join(T, "schools", sid + "-parents.csv"),
              "Pupil,Email\nAnn %s,parent@home-%s.example\n" % (sid, sid),
              0o640)
        write(os.path.join(T, "schools", sid + ".conf"), """[school]
name = {name}
domains = {sid}.example
office = office@{sid}.example
dsl = dsl@{sid}.example
[directory]
parents = {sid}-parents.csv
""".format(sid=sid, name=name))


def accounts():
    """Run as root after the milter made the store (aupctl audits the
    change there)."""
    for user, school in (("a.dsl", "ashfield"), ("b.dsl", "beech"),
                         ("svc", None)):
        argv = [os.path.join(TOP_BUILD, "aupctl"), "-c", CONF, "console",
                "passwd", user, "--role", "dsl"]
        r = subprocess.run(argv + (["--school", school] if school else []),
                           input=PASSWORDS[user] + "\n",
                           capture_output=True, text=True)
        if r.returncode != 0:
            bail("aupctl console passwd failed: " + r.stderr)


def mail(name, sender, rcpt, subject, body, client, header=""):
    """Write and send one message; the SMTP reply and queue id."""
    path = os.path.join(T, name + ".eml")
    write(path, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: "
          "<%s@example.org>\r\n%s\r\n%s\r\n" %
          (sender, rcpt, subject, name, header, body))
    return send(path, sender, rcpt, client=client)


def hold(school, subject):
    """One message to the school's head, held by the test policy."""
    return mail(school, "visitor@example.org", "head@%s.example" % school,
                subject, "Hello.", "198.51.100.7",
                "X-Test-Verdict: quarantine\r\n")


def alert_of(school):
    """A self-harm message to the school's head: delivered, alerted."""
    return mail(school + "-alert", "visitor@example.org",
                "head@%s.example" % school, "Note " + school,
                "i want to die tonight", "198.51.100.7")


def deferred_of(school):
    """The office to a parent at 21:00: deferred until the morning."""
    return mail(school + "-late", "office@%s.example" % school,
                "parent@home-%s.example" % school, "Late " + school,
                "Tomorrow's trip.", "127.0.0.1")


def store_rows(table):
    """{school: key} of the alerts (id) or deferred (ref) table."""
    db = sqlite3.connect(os.path.join(T, "quarantine", "index.sqlite"))
    key = "id" if table == "alerts" else "ref"
    rows = dict((school, str(k)) for k, school in
                db.execute("SELECT %s, school FROM %s" % (key, table)))
    db.close()
    return rows


def held_refs():
    db = sqlite3.connect(os.path.join(T, "quarantine", "index.sqlite"))
    rows = dict((subject, (ref, school, status)) for ref, subject, school,
                status in db.execute("SELECT ref, subject, school, status "
                                     "FROM quarantine"))
    db.close()
    return rows


def sign_in(d, user):
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "user").send_keys(user)
    d.find_element(By.ID, "password").send_keys(PASSWORDS[user])
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    return wait_for(d, "Held messages")


def ashfield_in_browser(d, a_ref, b_ref):
    ok(sign_in(d, "a.dsl"), "Ashfield's DSL signs in")
    d.get(BASE + "/held")
    wait_for(d, a_ref)
    page = d.page_source
    shot(d, "schools-ashfield-held")
    ok(a_ref in page and "Ashfield trip" in page,
       "Ashfield's DSL lists Ashfield's held message")
    ok(b_ref not in page and "Beech fees" not in page,
       "and not Beech's", page[-800:])
    ok("Ashfield Primary mail console" in page and "<th>School</th>"
       not in page, "the page names Ashfield and has no school column")
    d.get(BASE + "/held/" + b_ref)
    wait_for(d, "no held message")
    page = d.page_source
    shot(d, "schools-ashfield-direct-url")
    ok("There is no held message with this reference" in page and
       "Beech fees" not in page and "visitor@example.org" not in page,
       "Beech's message by its URL says there is no such message and "
       "shows nothing of it", page[-800:])
    d.get(BASE + "/reports")
    wait_for(d, "messages judged")
    page = d.page_source
    shot(d, "schools-ashfield-report")
    ok(re.search(r"<p>3 messages judged: 0 rejected, 1 held, 1 deferred, "
                 r"0 rewritten, 1 flagged", page) and
       "Per school" not in page,
       "Ashfield's report counts Ashfield's three messages only (one held, "
       "one deferred, one flagged)",
       re.findall(r"<p>\d+ messages judged[^<]*", page))


def http_checks(a_ref, b_ref):
    a = console_lib.Http(PORT)
    a.login("a.dsl", PASSWORDS["a.dsl"])
    status, _, text = a.req("GET", "/held/" + b_ref)
    ok(status == 404 and "Beech fees" not in text,
       "Ashfield's DSL gets 404 (not 403) for Beech's message", status)
    token = a.csrf("/held")
    status, _, text = a.req("POST", "/held/" + b_ref,
                            {"csrf": token, "action": "release",
                             "reason": "curious"})
    ok(status == 404, "a release POST of Beech's message with a valid "
       "token is 404", status)
    status, _, text = a.req("POST", "/held", {"csrf": token, "ref": b_ref,
                                              "action": "delete",
                                              "reason": "bulk"})
    ok(held_refs()["Beech fees"][2] == "held",
       "Beech's message is still held after both")
    status, _, text = a.req("GET", "/audit")
    ok(text.count(b_ref) >= 2 and "refused" in text and
       "no such message in this school" in text,
       "Ashfield's audit trail has the attempts, refused", text[-1500:])
    ok("sign-in" in text, "and its DSL's sign-in")
    status, _, text = a.req("GET", "/held/" + a_ref)
    ok(status == 200 and "Ashfield trip" in text,
       "Ashfield's DSL opens Ashfield's message")

    b = console_lib.Http(PORT)
    b.login("b.dsl", PASSWORDS["b.dsl"])
    status, _, text = b.req("GET", "/held/" + b_ref)
    ok(status == 200 and "Beech fees" in text,
       "Beech's DSL opens Beech's message")
    status, _, text = b.req("GET", "/held")
    ok(b_ref in text and a_ref not in text,
       "Beech's DSL lists Beech's message, not Ashfield's")
    status, _, text = b.req("GET", "/audit")
    ok("a.dsl" not in text and a_ref not in text,
       "Beech's audit trail shows nothing of Ashfield's people")


def alert_link(alert_id):
    return '<a href="/alerts/%s">%s</a>' % (alert_id, alert_id)


def ashfield_alerts(d, alerts):
    d.get(BASE + "/alerts")
    wait_for(d, "Safeguarding alerts")
    page = d.page_source
    ok(alert_link(alerts["ashfield"]) in page and
       alert_link(alerts["beech"]) not in page and
       "<th>School</th>" not in page,
       "Ashfield's DSL lists Ashfield's alert only, with no School column")


def service_lists(d, alerts, deferred):
    d.get(BASE + "/alerts")
    wait_for(d, "Safeguarding alerts")
    page = d.page_source
    shot(d, "schools-service-alerts")
    ok("<th>School</th>" in page and all(
        re.search(r'%s</td><td class="school">%s</td>' %
                  (re.escape(alert_link(i)), s), page)
        for s, i in alerts.items()),
       "the service's alerts list both schools' alerts, each with its "
       "school")
    d.get(BASE + "/alerts?school=beech")
    wait_for(d, "Safeguarding alerts")
    page = d.page_source
    ok(alert_link(alerts["beech"]) in page and
       alert_link(alerts["ashfield"]) not in page,
       "the alerts' school filter keeps to Beech's")
    d.get(BASE + "/deferred")
    wait_for(d, "Deferred mail")
    page = d.page_source
    shot(d, "schools-service-deferred")
    ok("<th>School</th>" in page and all(
        re.search(r'<td>%s</td><td class="school">%s</td>' % (ref, s), page)
        for s, ref in deferred.items()),
       "the service's deferred mail lists both schools' messages, each "
       "with its school")
    d.get(BASE + "/deferred?school=ashfield")
    wait_for(d, "Deferred mail")
    page = d.page_source
    ok(deferred["ashfield"] in page and deferred["beech"] not in page,
       "the deferred list's school filter keeps to Ashfield's")


def service_in_browser(d, a_ref, b_ref):
    ok(sign_in(d, "svc"), "the service's staff sign in")
    d.get(BASE + "/held")
    wait_for(d, b_ref)
    page = d.page_source
    shot(d, "schools-service-held")
    ok(a_ref in page and b_ref in page and "<th>School</th>" in page,
       "the service's staff list both schools' messages with a school "
       "column")
    d.get(BASE + "/held?school=beech")
    wait_for(d, b_ref)
    page = d.page_source
    ok(b_ref in page and a_ref not in page,
       "the school filter keeps to Beech's")
    d.get(BASE + "/audit")
    wait_for(d, "Audit trail")
    page = d.page_source
    ok("<th>School</th>" in page and re.search(
        r'<td class="school">ashfield</td><td>a\.dsl</td>', page),
       "the service's audit trail names each record's school")
    d.get(BASE + "/reports")
    wait_for(d, "Per school")
    page = d.page_source
    shot(d, "schools-service-report")
    rows = re.findall(r"<tr><td>(ashfield|beech)</td><td class=\"num\">"
                      r"(\d+)</td></tr>", page)
    ok(re.search(r"<p>6 messages judged", page) and
       rows == [("ashfield", "3"), ("beech", "3")],
       "the service's report counts both schools' and three messages per "
       "school", rows)


def main():
    configure()
    procs.append(start([os.path.join(TOP_BUILD, "tests", "aup-milter-test"),
                        "-f", "-c", CONF], T + "/milter.log",
                       lambda: os.path.exists(T + "/aup.sock"), "the milter"))
    ra = hold("ashfield", "Ashfield trip")
    rb = hold("beech", "Beech fees")
    ok(ra[0] == 250 and rb[0] == 250, "Postfix takes both messages",
       "%r %r" % (ra, rb))
    for qid in (ra[2], rb[2]):
        maillog_has(r"%s: milter-discard" % qid, 60)
    held = held_refs()
    if "Ashfield trip" not in held or "Beech fees" not in held:
        bail("the held messages are not in the index: %r" % held)
    a_ref, b_ref = held["Ashfield trip"][0], held["Beech fees"][0]
    for school in ("ashfield", "beech"):
        ra, rd = alert_of(school), deferred_of(school)
        ok(ra[0] == 250 and rd[0] == 250, "Postfix takes %s's alerting "
           "and late messages" % school, "%r %r" % (ra, rd))
        maillog_has(r"%s: removed" % ra[2], 60)
        maillog_has(r"%s: milter-discard" % rd[2], 60)
    alerts, deferred = store_rows("alerts"), store_rows("deferred")
    ok(sorted(alerts) == ["ashfield", "beech"] and
       sorted(deferred) == ["ashfield", "beech"],
       "each school has an alert and a deferred message in the store",
       "%r %r" % (alerts, deferred))
    accounts()
    ok(held["Ashfield trip"][1] == "ashfield" and
       held["Beech fees"][1] == "beech",
       "each held message is indexed with its school")
    procs.append(start([os.path.join(TOP_BUILD, "aup-console"), "-c", CONF],
                       T + "/console.log", listening(PORT), "aup-console"))
    http_checks(a_ref, b_ref)
    d = browser(T)
    try:
        ashfield_in_browser(d, a_ref, b_ref)
        ashfield_alerts(d, alerts)
        service_in_browser(d, a_ref, b_ref)
        service_lists(d, alerts, deferred)
    finally:
        d.quit()
    print("1..%d" % Tap.count)


try:
    main()
finally:
    stop(procs)
    if Tap.failed:
        print("# kept " + T + " (maillog: " + PF_LOG + ")")
sys.exit(1 if Tap.failed else 0)
