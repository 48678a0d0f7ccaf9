#!/usr/bin/python3
"""test_console - aup-console in a real browser (headless Chromium driven
by Selenium) against messages a real Postfix handed to the real
aup-milter, which held them, and its HTTP rules checked request by
request.  Run by tests/e2e/test_postfix_console.sh, which starts the
private Postfix (tests/lib/postfix.sh) and passes it in the environment
(CONSOLE_DIR, PF_PORT, PF_CONF, PF_LOG, PF_SINK_DIR).

  - the DSL signs in, finds a held message by searching its subject,
    reads its text, releases it with a reason: the release goes to
    Postfix's sendmail(1) once, with the release mark, through the
    milter again, and is delivered to the sink exactly once; a second
    release POST is refused (409) and a replay of the released copy
    through SMTP is held again, so no second copy is delivered; the
    Audit page shows the release with the user and reason
  - a message whose subject, display name, attachment file name and
    body carry <script>, "><img src=x onerror=...> and javascript:
    payloads is shown as text: no script runs, no element is injected
  - a viewer sees no Held link and gets 403 on a held message and on a
    forged release POST, and on the alerts
  - the DSL works a safeguarding alert: sees the matched phrase in its
    context, moves it to in progress with a note
  - a POST without the CSRF token is refused (403)
  - the DSL's Deferred page lists a deferred message (written as the
    store writes it); sending it now with a reason hands it to Postfix
    once with the release mark, it is delivered once, and the Audit
    page shows deferred-send with the user and reason; a viewer gets
    403 on /deferred
  - the office (office_senders = head@...) lands on Deferred, sees its
    own deferred mail and its delegate's but not a teacher's, sends its
    own now (delivered once through Postfix), cancels its delegate's,
    and gets 403 on a forged send-now of the teacher's and on /held
  - five wrong passwords lock the account, even for the right password
  - the user header is ignored from an address that is not a trusted
    proxy
  - cookies are Secure, HttpOnly, SameSite=Strict; every reply has
    Content-Security-Policy: default-src 'self'
Screenshots of each page go to tests/e2e/console-screenshots/ in the
build folder.
"""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (BASE, CONF, PF_LOG, PORT, T,  # noqa: E402
                         TOP_BUILD, USER_LINE, By, Tap, bail, browser,
                         maillog_has, ok, send, shot, wait_for, write)
import console_lib  # noqa: E402

PF_CONF = os.environ.get("PF_CONF", "")
PF_SINK_DIR = os.environ.get("PF_SINK_DIR", "")
SOCK = "unix:%s/aup.sock" % T
procs = []


def cleanup():
    console_lib.stop(procs)
    if Tap.failed:
        print("# kept " + T + " (maillog: " + PF_LOG + ")")


# The console's sendmail(1): records argv and the message of each
# submission, then hands the message to this Postfix's own sendmail.
write(os.path.join(T, "sendmail"), """#!/bin/sh
d=$(dirname "$0")/sent
mkdir -p "$d"
n=$(($(ls "$d" | grep -c '\\.args$') + 1))
printf '%s\\n' "$@" > "$d/$n.args"
cat > "$d/$n.msg"
exec /usr/sbin/sendmail -C '{conf}' "$@" < "$d/$n.msg"
""".format(conf=PF_CONF), 0o755)
write(os.path.join(T, "console-users.csv"),
      "user,name,role,school,password\n", 0o640)
write(CONF, """[milter]
{user}socket = {sock}
group = postfix
socket_mode = 0660
event_log = {t}/events.jsonl
quarantine_dir = {t}/quarantine
spool_dir = {t}
release_secret = {t}/release.key
sendmail_path = {t}/sendmail
trusted_networks = 127.0.0.0/8, 10.9.0.0/16
notify = off
[school]
name = Testwood Primary
domains = testwood.example
office = office@testwood.example
office_senders = head@testwood.example
dsl = dsl@testwood.example
[console]
listen = 127.0.0.1:{port}
users = console-users.csv
trusted_proxies = 192.0.2.80
user_header = X-Remote-User
[sender-auth]
action = off
spf_fail = off
spf_softfail = off
spf_temperror = off
spf_permerror = off
""".format(user=USER_LINE, sock=SOCK, t=T, port=PORT))


def eicar_message(path, sender, rcpt, subject, name, body,
                  display="Supplier"):
    eicar = (r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-"
             r"FILE!$H+H*")
    import base64
    write(path, "\n".join([
        'From: "%s" <%s>' % (display, sender), "To: <%s>" % rcpt,
        "Subject: " + subject, "Message-ID: <%s@test>" % name.strip("<>\""),
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=BB", "", "--BB",
        "Content-Type: text/html; charset=utf-8", "", body, "", "--BB",
        'Content-Type: application/octet-stream; name="%s"' % name,
        'Content-Disposition: attachment; filename="%s"' % name,
        "Content-Transfer-Encoding: base64", "",
        base64.b64encode(eicar.encode()).decode(), "--BB--", ""]))


def queue_empty(timeout=60):
    """Wait (bounded) until this Postfix's queue is empty."""
    end = time.time() + timeout
    while time.time() < end:
        r = subprocess.run(["postqueue", "-c", PF_CONF, "-p"],
                           capture_output=True, text=True)
        if "Mail queue is empty" in r.stdout:
            return True
        time.sleep(0.2)
    return False


def delivered(mark):
    """The sink's dump files holding a line that starts with `mark` (the
    milter takes the release mark off, so a header of the message); once
    the queue is empty every file is whole (smtp-sink closes a file
    before it answers the final dot)."""
    queue_empty()
    found = []
    for f in sorted(os.listdir(PF_SINK_DIR)):
        with open(os.path.join(PF_SINK_DIR, f), errors="replace") as fp:
            if any(line.startswith(mark) for line in fp):
                found.append(f)
    return found


def passwd(user, role, password):
    return subprocess.run([os.path.join(TOP_BUILD, "aupctl"), "-c", CONF,
                           "console", "passwd", user, "--role", role],
                          input=password + "\n", capture_output=True,
                          text=True)


def refs():
    db = sqlite3.connect(os.path.join(T, "quarantine", "index.sqlite"))
    rows = dict((s, r) for r, s in db.execute(
        "SELECT ref, subject FROM quarantine"))
    db.close()
    return rows


def Http(headers=None):
    """A client of this test's console (console_lib.Http)."""
    return console_lib.Http(PORT, headers)


def main():
    milter = subprocess.Popen([os.path.join(TOP_BUILD, "aup-milter"), "-f",
                               "-c", CONF], stdout=open(T + "/milter.log", "w"),
                              stderr=subprocess.STDOUT)
    procs.append(milter)
    for _ in range(100):
        if os.path.exists(T + "/aup.sock"):
            break
        time.sleep(0.1)
    else:
        bail("the milter did not start: " + open(T + "/milter.log").read())

    payload = '<script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">'
    eicar_message(T + "/pay.eml", "sales@supplier.example",
                  "office@testwood.example", "Staff pay award 2026",
                  "award.txt", "<p>The pay award letter is <b>attached</b>.</p>")
    eicar_message(T + "/xss.eml", "evil@attacker.example",
                  "office@testwood.example", payload + " javascript:alert(3)",
                  payload + ".txt",
                  "<p>Hello</p>" + payload + '<a href="javascript:alert(4)">x</a>',
                  display=payload)
    r1 = send(T + "/pay.eml", "sales@supplier.example",
              "office@testwood.example")
    r2 = send(T + "/xss.eml", "evil@attacker.example",
              "office@testwood.example")
    ok(r1[0] == 250 and r2[0] == 250 and
       maillog_has(r"%s: milter-discard" % r1[2]) and
       maillog_has(r"%s: milter-discard" % r2[2]),
       "Postfix accepts both messages and the milter holds them",
       "%r %r" % (r1, r2))
    held = refs()
    pay_ref = held.get("Staff pay award 2026")
    xss_ref = [r for s, r in held.items() if s and "<script>" in s]
    if not pay_ref or not xss_ref:
        bail("the held messages are not in the index: %r" % held)
    xss_ref = xss_ref[0]

    for user, role, pw in (("jane.dsl", "dsl", "correct horse battery"),
                           ("gov", "viewer", "governors only 2026"),
                           (OFFICE, "office", "office hours 2026"),
                           ("locky", "dsl", "locky's password")):
        r = passwd(user, role, pw)
        if r.returncode != 0:
            bail("aupctl console passwd failed: " + r.stderr)
    users = open(T + "/console-users.csv").read()
    ok("$argon2id$" in users and "correct horse" not in users,
       "aupctl console passwd stores an Argon2id hash, never the password")

    console = subprocess.Popen([os.path.join(TOP_BUILD, "aup-console"), "-c",
                                CONF], stdout=open(T + "/console.log", "w"),
                               stderr=subprocess.STDOUT)
    procs.append(console)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        bail("aup-console did not start: " + open(T + "/console.log").read())

    http_checks(pay_ref)
    driver = browser(T)
    try:
        dsl_in_browser(driver, pay_ref, xss_ref)
        viewer_in_browser(driver, pay_ref)
        office_in_browser(driver)
    finally:
        driver.quit()
    print("1..%d" % Tap.count)


def http_checks(pay_ref):
    anon = Http()
    status, headers, _ = anon.req("GET", "/held")
    ok(status == 303 and headers.get("Location") == "/login",
       "a page without signing in sends the browser to /login")
    status, headers, _ = anon.req("GET", "/login")
    ok("default-src 'self'" in headers.get("Content-Security-Policy", ""),
       "replies carry Content-Security-Policy: default-src 'self'")
    sc = getattr(anon, "set_cookie", "")
    ok(all(x in sc for x in ("Secure", "HttpOnly", "SameSite=Strict")),
       "the session cookie is Secure, HttpOnly and SameSite=Strict", sc)

    dsl = Http()
    status, _, _ = dsl.login("jane.dsl", "correct horse battery")
    ok(status == 303, "the DSL signs in with the right password")
    status, _, text = dsl.req("POST", "/held/" + pay_ref,
                              {"action": "delete", "reason": "no token"})
    ok(status == 403 and "expired" in text,
       "a POST without the CSRF token is refused (403)")
    status, _, _ = dsl.req("POST", "/held/" + pay_ref,
                           {"action": "delete", "reason": "bad token",
                            "csrf": "0" * 64})
    ok(status == 403, "a POST with a wrong CSRF token is refused (403)")

    spoof = Http({"X-Remote-User": "jane.dsl"})
    status, headers, _ = spoof.req("GET", "/held")
    ok(status == 303 and headers.get("Location") == "/login",
       "the single sign-on header is ignored from an untrusted address")

    locky = Http()
    for _ in range(5):
        locky.login("locky", "wrong password")
    status, _, text = locky.login("locky", "locky's password")
    ok(status == 429 and "locked" in text,
       "five wrong passwords lock the account, even for the right one",
       text[-400:])

    viewer = Http()
    viewer.login("gov", "governors only 2026")
    status, _, _ = viewer.req("GET", "/held/" + pay_ref)
    ok(status == 403, "a viewer gets 403 on a held message's page")
    token = viewer.csrf("/reports")
    status, _, _ = viewer.req("POST", "/held/" + pay_ref,
                              {"csrf": token, "action": "release",
                               "reason": "forged"})
    ok(status == 403, "a viewer's forged release POST (with a valid token) "
       "is refused (403)")
    status, _, _ = viewer.req("GET", "/deferred")
    ok(status == 403, "a viewer gets 403 on the Deferred page")
    status, _, _ = viewer.req("POST", "/deferred/DEF0000001",
                              {"csrf": token, "action": "send",
                               "reason": "forged"})
    ok(status == 403, "a viewer's forged send-now POST is refused (403)")
    ok(not os.path.exists(T + "/sent"), "and nothing was released")


def dsl_in_browser(d, pay_ref, xss_ref):
    d.get(BASE + "/held")
    ok(d.current_url.endswith("/login"), "the browser is sent to sign in")
    shot(d, "01-login")
    d.find_element(By.ID, "user").send_keys("jane.dsl")
    d.find_element(By.ID, "password").send_keys("correct horse battery")
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    ok(wait_for(d, "Held messages") and d.current_url.endswith("/held") and
       pay_ref in d.page_source,
       "the DSL signs in and sees the held message", d.current_url)
    shot(d, "02-held")
    box = d.find_element(By.NAME, "q")
    box.send_keys("pay award")
    box.submit()
    wait_for(d, "1 message;")
    rows = d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    ok(len(rows) == 1 and "Staff pay award 2026" in rows[0].text,
       "searching the subject finds exactly that message")
    rows[0].find_element(By.LINK_TEXT, pay_ref).click()
    wait_for(d, "pre class=\"text\"")
    text = d.find_element(By.CSS_SELECTOR, "pre.text").text
    ok("The pay award letter is attached." in text,
       "the message page shows the HTML body as plain text", text)
    ok("award.txt" in d.page_source and "EICAR" in d.page_source,
       "the attachment is listed with why it was held")
    shot(d, "03-message")
    d.find_element(By.NAME, "reason").send_keys("Expected from our payroll supplier")
    d.find_element(By.CSS_SELECTOR, "fieldset.actions button").click()
    wait_for(d, "role=\"status\"")
    ok("Released " + pay_ref in d.find_element(By.CSS_SELECTOR,
                                                "[role=status]").text,
       "releasing with a reason says it is released")
    shot(d, "04-released")
    sent = sorted(f for f in os.listdir(T + "/sent") if f.endswith(".msg"))
    msg = open(T + "/sent/" + sent[0]).read() if sent else ""
    ok(len(sent) == 1 and msg.startswith("X-AUP-Release: " + pay_ref),
       "the message went to the MTA once, with the release mark", sent)
    args = open(T + "/sent/1.args").read().split() if sent else []
    ok("office@testwood.example" in args,
       "to its original recipient", args)
    ok(not d.find_elements(By.CSS_SELECTOR, "fieldset.actions"),
       "a released message offers no second release")
    once = delivered("Message-ID: <award.txt@test>")
    ok(len(once) == 1, "Postfix delivered the released message to the "
       "sink exactly once", once)
    again_through_the_console(pay_ref)
    replay = send(T + "/sent/1.msg", "sales@supplier.example",
                  "office@testwood.example") if sent else (0, "", None)
    ok(replay[0] == 250 and
       maillog_has(r"%s: milter-discard" % replay[2]),
       "the released copy sent again through SMTP is held again", replay)
    ok(delivered("Message-ID: <award.txt@test>") == once,
       "after a second release and a replay there is still one copy")

    d.get(BASE + "/audit")
    audit = d.find_element(By.CSS_SELECTOR, "table.list").text
    ok(re.search(r"jane\.dsl dsl console 127\.0\.0\.1 release " + pay_ref +
                 r" ok Expected from our payroll supplier", audit),
       "the Audit page shows the release with user, role, address and "
       "reason", audit)
    shot(d, "05-audit")

    d.get(BASE + "/held/" + xss_ref)
    pwned = d.execute_script("return window.pwned === undefined ? 0 : "
                             "window.pwned;")
    ok(pwned == 0, "no script from the message ran")
    ok(not d.find_elements(By.CSS_SELECTOR, "main script, main img, "
                           "main a[href^='javascript']"),
       "no element from the message was injected")
    ok("<script>window.pwned=1</script>" in d.find_element(By.TAG_NAME,
                                                           "h1").text,
       "the subject is shown as text")
    ok('"><img src=x onerror=' in d.find_element(By.TAG_NAME, "main").text,
       "the display name, file name and body payloads are shown as text")
    shot(d, "06-hostile-message")
    alert_in_browser(d, xss_ref)
    d.get(BASE + "/reports")
    ok(len(d.find_elements(By.CSS_SELECTOR, "svg.chart rect")) > 0,
       "the Reports page draws its charts as SVG")
    shot(d, "07-reports")
    deferred_in_browser(d)
    d.find_element(By.CSS_SELECTOR, "nav form button").click()


def again_through_the_console(ref):
    """A second release of a released message, as a forged POST with a
    valid token, is refused and hands nothing to sendmail."""
    dsl = Http()
    dsl.login("jane.dsl", "correct horse battery")
    token = dsl.csrf("/held/" + ref)
    status, _, text = dsl.req("POST", "/held/" + ref,
                              {"csrf": token, "action": "release",
                               "reason": "once more"})
    ok(status == 409 and "released once" in text,
       "a second release of the same message is refused (409)",
       "%d %s" % (status, text[-600:]))
    ok(len([f for f in os.listdir(T + "/sent") if f.endswith(".msg")]) == 1,
       "and nothing more went to sendmail")


def alert_in_browser(d, ref):
    """A safeguarding alert as the store keeps it (store/alerts.c made
    the tables when the console first listed alerts)."""
    d.get(BASE + "/alerts")
    db = sqlite3.connect(os.path.join(T, "quarantine", "index.sqlite"))
    cur = db.execute("INSERT INTO alerts (ref, time, policy, category, "
                     "score, severity, held, direction, sender, sender_role,"
                     " recipients) VALUES (?, ?, 'safeguarding', 'bullying',"
                     " 14, 'medium', 1, 'inbound', 'evil@attacker.example', "
                     "'external', 'office@testwood.example (office)')",
                     (ref, int(time.time())))
    db.execute("INSERT INTO alert_matches (alert, seq, phrase, context, "
               "weight) VALUES (?, 0, 'nobody likes you', "
               "'... and <b>nobody likes you</b> at all ...', 7)",
               (cur.lastrowid,))
    db.commit()
    db.close()
    d.get(BASE + "/alerts")
    ok("bullying" in d.find_element(By.CSS_SELECTOR, "table.list").text,
       "the Alerts page lists the open alert")
    shot(d, "09-alerts")
    d.find_element(By.CSS_SELECTOR, "table.list a").click()
    wait_for(d, "What matched")
    ok("... and <b>nobody likes you</b> at all ..." in
       d.find_element(By.TAG_NAME, "main").text,
       "an alert shows the matched phrase in its context, as text")
    d.find_element(By.NAME, "status").send_keys("in progress")
    d.find_element(By.NAME, "note").send_keys("Spoke to the class teacher")
    d.find_element(By.CSS_SELECTOR, "form.actions button").click()
    wait_for(d, "Saved.")
    status = d.find_element(By.XPATH, "//dt[text()='Status']"
                            "/following-sibling::dd[1]").text
    notes = d.find_element(By.CSS_SELECTOR, "main ul").text
    ok(status == "in progress" and "jane.dsl: Spoke to the class teacher"
       in notes, "the DSL moves the alert to in progress with a note",
       status + " / " + notes)
    shot(d, "10-alert")


DEFERRED_REF = "DEF0000001"


def defer_message(ref, sender, subject):
    """A message working-hours deferred, written as the store writes it."""
    qdir = os.path.join(T, "quarantine")
    os.makedirs(os.path.join(qdir, "deferred"), exist_ok=True)
    with open(os.path.join(qdir, "deferred", ref + ".eml"), "w") as f:
        f.write("From: %s\r\nTo: parent@home.example\r\nSubject: %s\r\n"
                "\r\nDear parent\r\n" % (sender, subject))
    db = sqlite3.connect(os.path.join(qdir, "index.sqlite"))
    now = int(time.time())
    db.execute("INSERT INTO deferred (ref, time, due, due_text, sender, "
               "recipients, subject, reason, size) VALUES (?, ?, ?, ?, ?, ?, "
               "?, ?, ?)", (ref, now, now + 36000, "07:30 tomorrow", sender,
                            "parent@home.example", subject,
                            "outside working hours", 80))
    db.commit()
    db.close()


def deferred_in_browser(d):
    defer_message(DEFERRED_REF, "head@testwood.example",
                  "Trip letter for Year 6")
    d.get(BASE + "/deferred")
    rows = d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    ok(len(rows) == 1 and "Trip letter for Year 6" in rows[0].text and
       "waiting" in rows[0].text and "parent@home.example" in rows[0].text,
       "the DSL's Deferred page lists the deferred message",
       d.current_url + " " + d.page_source[-1500:])
    ok(d.find_elements(By.CSS_SELECTOR, "nav a[href='/deferred']"),
       "the DSL's navigation has a Deferred link")
    shot(d, "11-deferred")
    rows[0].find_element(By.NAME, "reason").send_keys("Urgent for tomorrow")
    rows[0].find_element(By.CSS_SELECTOR,
                         "button[value=send]").click()
    wait_for(d, "role=\"status\"")
    ok(DEFERRED_REF + " sent now" in d.find_element(
        By.CSS_SELECTOR, "[role=status]").text,
       "sending it now with a reason says it is sent")
    sent = sorted(f for f in os.listdir(T + "/sent") if f.endswith(".msg"))
    marked = [f for f in sent if open(T + "/sent/" + f).read().startswith(
        "X-AUP-Release: " + DEFERRED_REF)]
    ok(len(marked) == 1, "the deferred message went to the MTA once, "
       "with the release mark", sent)
    got = delivered("Subject: Trip letter for Year 6")
    ok(len(got) == 1, "Postfix delivered it to the sink exactly once", got)
    d.get(BASE + "/audit")
    audit = d.find_element(By.CSS_SELECTOR, "table.list").text
    ok(re.search(r"jane\.dsl dsl console 127\.0\.0\.1 deferred-send " +
                 DEFERRED_REF + r" ok Urgent for tomorrow", audit),
       "the Audit page shows the send with user and reason", audit)


def viewer_in_browser(d, pay_ref):
    d.get(BASE + "/login")
    d.find_element(By.ID, "user").send_keys("gov")
    d.find_element(By.ID, "password").send_keys("governors only 2026")
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait_for(d, "<h1>Reports</h1>")
    ok(d.current_url.endswith("/reports"),
       "a viewer lands on the Reports page", d.current_url)
    ok(not d.find_elements(By.CSS_SELECTOR, "nav a[href='/held']"),
       "a viewer's navigation has no Held link")
    d.get(BASE + "/held/" + pay_ref)
    ok(d.find_element(By.TAG_NAME, "h1").text == "Not allowed",
       "a viewer opening a held message is refused")
    d.get(BASE + "/alerts")
    ok(d.find_element(By.TAG_NAME, "h1").text == "Not allowed",
       "a viewer opening the alerts is refused")
    ok(not d.find_elements(By.CSS_SELECTOR, "nav a[href='/deferred']"),
       "a viewer's navigation has no Deferred link")
    d.get(BASE + "/deferred")
    ok(d.find_element(By.TAG_NAME, "h1").text == "Not allowed",
       "a viewer opening the deferred mail is refused")
    shot(d, "08-viewer-refused")


OFFICE = "office@testwood.example"
OFFICE_OWN, OFFICE_DELEGATE, OFFICE_OTHER = ("0FF1CE0001", "0FF1CE0002",
                                             "0FF1CE0003")


def office_in_browser(d):
    """The office sees and acts on its own deferred mail and its
    delegate's (office_senders), and nothing else."""
    defer_message(OFFICE_OWN, OFFICE, "Office newsletter")
    defer_message(OFFICE_DELEGATE, "head@testwood.example",
                  "Head's note to parents")
    defer_message(OFFICE_OTHER, "t.one@testwood.example", "Teacher's note")
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "user").send_keys(OFFICE)
    d.find_element(By.ID, "password").send_keys("office hours 2026")
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait_for(d, "<h1>Deferred mail</h1>")
    table = d.find_element(By.CSS_SELECTOR, "table.list").text
    ok(d.current_url.endswith("/deferred") and OFFICE_OWN in table and
       OFFICE_DELEGATE in table and DEFERRED_REF in table,
       "the office lands on Deferred and sees its own and its delegate's "
       "mail", d.current_url + " " + table)
    ok(OFFICE_OTHER not in table and "Teacher's note" not in table,
       "and not another sender's", table)
    shot(d, "12-office-deferred")
    office_row(d, OFFICE_OWN).find_element(By.NAME, "reason").send_keys(
        "Newsletter is ready")
    office_row(d, OFFICE_OWN).find_element(
        By.CSS_SELECTOR, "button[value=send]").click()
    wait_for(d, OFFICE_OWN + " sent now")
    got = delivered("Subject: Office newsletter")
    ok(len(got) == 1, "the office sends its own now: Postfix delivers it "
       "once", got)
    office_row(d, OFFICE_DELEGATE).find_element(By.NAME, "reason").send_keys(
        "The head will rewrite it")
    office_row(d, OFFICE_DELEGATE).find_element(
        By.CSS_SELECTOR, "button[value=cancel]").click()
    ok(wait_for(d, OFFICE_DELEGATE + " cancelled"),
       "the office cancels its delegate's deferred message")
    office_refused()


def office_row(d, ref):
    for row in d.find_elements(By.CSS_SELECTOR, "table.list tbody tr"):
        if row.text.startswith(ref):
            return row
    raise AssertionError("no row for " + ref)


def office_refused():
    """A forged send-now of another sender's deferred message."""
    office = Http()
    office.login(OFFICE, "office hours 2026")
    token = office.csrf("/deferred")
    before = len(os.listdir(T + "/sent"))
    status, _, _ = office.req("POST", "/deferred/" + OFFICE_OTHER,
                              {"csrf": token, "action": "send",
                               "reason": "forged"})
    ok(status == 403, "the office's send-now POST on another sender's "
       "deferred message is refused (403)", status)
    db = sqlite3.connect(os.path.join(T, "quarantine", "index.sqlite"))
    state = db.execute("SELECT status FROM deferred WHERE ref = ?",
                       (OFFICE_OTHER,)).fetchone()
    db.close()
    ok(len(os.listdir(T + "/sent")) == before and state == ("waiting",),
       "and it is still waiting, sent to no one", state)
    status, _, _ = office.req("GET", "/held")
    ok(status == 403, "the office gets 403 on the held mail")


try:
    main()
finally:
    cleanup()
sys.exit(1 if Tap.failed else 0)
