#!/usr/bin/python3
"""test_console - aup-console in a real browser (headless Chromium driven
by Selenium) against messages the real aup-milter held (fed through
libmilter by miltertest, as Postfix would), and its HTTP rules checked
request by request.

  - the DSL signs in, finds a held message by searching its subject,
    reads its text, releases it with a reason: the release reaches the
    MTA (a sendmail double that records it) exactly once, with the
    release mark, and the Audit page shows it with the user and reason
  - a message whose subject, display name, attachment file name and
    body carry <script>, "><img src=x onerror=...> and javascript:
    payloads is shown as text: no script runs, no element is injected
  - a viewer sees no Held link and gets 403 on a held message and on a
    forged release POST, and on the alerts
  - the DSL works a safeguarding alert: sees the matched phrase in its
    context, moves it to in progress with a note
  - a POST without the CSRF token is refused (403)
  - the DSL's Deferred page lists a deferred message (written as the
    store writes it); sending it now with a reason hands it to the MTA
    once with the release mark and the Audit page shows deferred-send
    with the user and reason; a viewer gets 403 on /deferred
  - five wrong passwords lock the account, even for the right password
  - the user header is ignored from an address that is not a trusted
    proxy
  - cookies are Secure, HttpOnly, SameSite=Strict; every reply has
    Content-Security-Policy: default-src 'self'
Screenshots of each page go to tests/e2e/console-screenshots/ in the
build folder.
"""
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOP_SRC = os.environ.get("top_srcdir", ".")
TOP_BUILD = os.environ.get("top_builddir", ".")
MILTERTEST = os.environ.get("MILTERTEST") or shutil.which("miltertest")
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = os.path.join(TOP_BUILD, "tests", "e2e", "console-screenshots")
count = 0
failed = 0


def ok(cond, name, diag=None):
    global count, failed
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, name))
    if not cond:
        failed += 1
        if diag:
            for line in str(diag).splitlines()[-20:]:
                print("# " + line)
    sys.stdout.flush()
    return cond


def skip_all(why):
    print("1..0 # SKIP " + why)
    sys.exit(0)


def bail(why):
    print("Bail out! " + why)
    sys.exit(1)


for need, what in ((MILTERTEST, "miltertest"), (CHROMIUM, "chromium"),
                   (CHROMEDRIVER, "chromium-driver")):
    if not need:
        skip_all(what + " not installed (sh contrib/install-deps.sh)")
try:
    import selenium  # noqa: F401
except ImportError:
    # Debian's python3-selenium, when another python3 comes first in PATH
    sys.path.append("/usr/lib/python3/dist-packages")
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    skip_all("python3-selenium not installed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


T = tempfile.mkdtemp(prefix="aup-console.")


def milter_user():
    """Run as root, the milter needs [milter] user (it refuses to start
    without one): the account tests/lib/school.sh uses, given T."""
    if os.geteuid() != 0:
        return ""
    import pwd
    try:
        pw = pwd.getpwnam("postfix")
    except KeyError:
        pw = pwd.getpwnam("nobody")
    os.chown(T, pw.pw_uid, pw.pw_gid)
    os.chmod(T, 0o755)
    return "user = %s\n" % pw.pw_name


USER_LINE = milter_user()
PORT = free_port()
BASE = "http://127.0.0.1:%d" % PORT
CONF = os.path.join(T, "aup-milter.conf")
SOCK = "unix:%s/aup.sock" % T
procs = []


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    if failed == 0 and not os.environ.get("KEEP"):
        shutil.rmtree(T, ignore_errors=True)
    else:
        print("# kept " + T)


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


# The MTA double: records argv and the message of each submission.
write(os.path.join(T, "sendmail"), """#!/bin/sh
d=$(dirname "$0")/sent
mkdir -p "$d"
n=$(($(ls "$d" | grep -c '\\.args$') + 1))
printf '%s\\n' "$@" > "$d/$n.args"
cat > "$d/$n.msg"
""", 0o755)
write(os.path.join(T, "console-users.csv"),
      "user,name,role,school,password\n", 0o640)
write(CONF, """[milter]
{user}socket = {sock}
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


def send(path, sender, rcpt, qid, expect="discard"):
    r = subprocess.run([MILTERTEST, "-s",
                        os.path.join(TOP_SRC, "tests/e2e/send-file.lua"),
                        "-D", "sock=" + SOCK, "-D", "file=" + path,
                        "-D", "from=" + sender, "-D", "rcpt=" + rcpt,
                        "-D", "ip=192.0.2.7", "-D", "qid=" + qid,
                        "-D", "expect=" + expect, "-D", "login="],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


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


class Http:
    """One client with its own cookie, for what a browser hides."""

    def __init__(self, headers=None):
        self.cookie = None
        self.headers = headers or {}

    def req(self, method, path, form=None):
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        h = dict(self.headers)
        body = None
        if self.cookie:
            h["Cookie"] = self.cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body, h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        sc = r.getheader("Set-Cookie")
        if sc:
            self.cookie = sc.split(";")[0]
            self.set_cookie = sc
        c.close()
        return r.status, dict(r.getheaders()), text

    def csrf(self, path):
        status, _, text = self.req("GET", path)
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
        return m.group(1) if m else None

    def login(self, user, password):
        token = self.csrf("/login")
        return self.req("POST", "/login", {"csrf": token, "user": user,
                                           "password": password})


def wait_for(d, text, timeout=30):
    """Wait (bounded) until the page shows `text`; True if it did."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            if text in d.page_source:
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--window-size=1280,1600",
              "--user-data-dir=" + os.path.join(T, "chromium")):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


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
              "office@testwood.example", "QPAY1")
    r2 = send(T + "/xss.eml", "evil@attacker.example",
              "office@testwood.example", "QXSS1")
    if not (r1[0] and r2[0]):
        bail("the milter did not hold the messages: " + r1[1] + r2[1])
    held = refs()
    pay_ref = held.get("Staff pay award 2026")
    xss_ref = [r for s, r in held.items() if s and "<script>" in s]
    if not pay_ref or not xss_ref:
        bail("the held messages are not in the index: %r" % held)
    xss_ref = xss_ref[0]

    for user, role, pw in (("jane.dsl", "dsl", "correct horse battery"),
                           ("gov", "viewer", "governors only 2026"),
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
    driver = browser()
    try:
        dsl_in_browser(driver, pay_ref, xss_ref)
        viewer_in_browser(driver, pay_ref)
    finally:
        driver.quit()
    print("1..%d" % count)


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


def defer_message():
    """A message working-hours deferred, written as the store writes it."""
    qdir = os.path.join(T, "quarantine")
    os.makedirs(os.path.join(qdir, "deferred"), exist_ok=True)
    with open(os.path.join(qdir, "deferred", DEFERRED_REF + ".eml"), "w") as f:
        f.write("From: head@testwood.example\r\nTo: parent@home.example\r\n"
                "Subject: Trip letter for Year 6\r\n\r\nDear parent\r\n")
    db = sqlite3.connect(os.path.join(qdir, "index.sqlite"))
    now = int(time.time())
    db.execute("INSERT INTO deferred (ref, time, due, due_text, sender, "
               "recipients, subject, reason, size) VALUES (?, ?, ?, ?, ?, ?, "
               "?, ?, ?)", (DEFERRED_REF, now, now + 36000,
                            "07:30 tomorrow", "head@testwood.example",
                            "parent@home.example", "Trip letter for Year 6",
                            "outside working hours", 80))
    db.commit()
    db.close()


def deferred_in_browser(d):
    defer_message()
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


try:
    main()
finally:
    cleanup()
sys.exit(1 if failed else 0)
