"""console_lib - what the console's browser tests share
(test_console.py, test_console_schools.py): TAP output, the checks that
skip them where no private Postfix, Chromium or Selenium is at hand, the
test folder's owner when run as root, SMTP to the private Postfix, one
HTTP client with its own cookie, and headless Chromium.

The wrappers (test_postfix_console*.sh) start the private Postfix and
pass it in the environment: CONSOLE_DIR, PF_PORT, PF_CONF, PF_LOG and
PF_SINK_DIR.  Imported, this module names the test's folder T (made the
milter user's when run as root: USER_LINE is the configuration's
"user = ..." line then), its configuration CONF, and the free port the
test's console is to listen on, PORT (BASE is its URL).
"""
import http.client
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import time
import urllib.parse

TOP_BUILD = os.environ.get("top_builddir", ".")
PF_PORT = os.environ.get("PF_PORT")
PF_LOG = os.environ.get("PF_LOG", "")
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = os.path.join(TOP_BUILD, "tests", "e2e", "console-screenshots")


class Tap:
    """The test's counts."""
    count = 0
    failed = 0


def ok(cond, name, diag=None):
    Tap.count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (Tap.count, name))
    if not cond:
        Tap.failed += 1
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


if not PF_PORT or not os.environ.get("CONSOLE_DIR"):
    skip_all("no private Postfix: run the test through its "
             "tests/e2e/test_postfix_console*.sh")
for need, what in ((CHROMIUM, "chromium"),
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
    from selenium.webdriver.common.by import By  # noqa: F401 (for tests)
except ImportError:
    skip_all("python3-selenium not installed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _milter_user(folder):
    """Run as root, the milter needs [milter] user (it refuses to start
    without one): the account tests/lib/school.sh uses, given the test's
    folder.  The "user = ..." line, or "" when not root."""
    if os.geteuid() != 0:
        return ""
    import pwd
    try:
        pw = pwd.getpwnam("postfix")
    except KeyError:
        pw = pwd.getpwnam("nobody")
    os.chown(folder, pw.pw_uid, pw.pw_gid)
    os.chmod(folder, 0o755)
    return "user = %s\n" % pw.pw_name


T = os.environ["CONSOLE_DIR"]
USER_LINE = _milter_user(T)
CONF = os.path.join(T, "aup-milter.conf")
PORT = free_port()
BASE = "http://127.0.0.1:%d" % PORT


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def send(path, sender, rcpt, client="192.0.2.7"):
    """SMTP to the private Postfix as `client` (XCLIENT); returns the
    reply to the end of data and the queue id."""
    data = open(path, "rb").read()
    with smtplib.SMTP("127.0.0.1", int(PF_PORT), timeout=60) as c:
        c.ehlo("mail.supplier.example")
        code, msg = c.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE]" % client)
        if code != 220:
            return code, msg.decode(), None
        c.ehlo("mail.supplier.example")
        c.mail(sender)
        c.rcpt(rcpt)
        code, msg = c.data(data)
    msg = msg.decode()
    m = re.search(r"queued as ([0-9A-Za-z]+)", msg)
    return code, msg, m.group(1) if m else None


def maillog_has(pattern, timeout=30):
    """Wait (bounded) until Postfix's log has a line matching pattern."""
    end = time.time() + timeout
    while time.time() < end:
        if re.search(pattern, open(PF_LOG, errors="replace").read(), re.M):
            return True
        time.sleep(0.2)
    return False


def start(argv, log, ready, what):
    """Run a daemon of the test (stdout and stderr to `log`) and wait
    (bounded) until ready() is true; the process, or bail out."""
    p = subprocess.Popen(argv, stdout=open(log, "w"),
                         stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            if ready():
                return p
        except OSError:
            pass
        time.sleep(0.1)
    p.terminate()
    bail(what + " did not start: " + open(log).read())


def listening(port):
    """ready() for start(): something answers on 127.0.0.1:port."""
    return lambda: socket.create_connection(("127.0.0.1", port),
                                            0.2).close() or True


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


class Http:
    """One client of the console on `port` with its own cookie, for what
    a browser hides."""

    def __init__(self, port, headers=None):
        self.port = port
        self.cookie = None
        self.headers = headers or {}

    def req(self, method, path, form=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
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


def browser(folder):
    """Headless Chromium with its profile in the test's folder."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--window-size=1280,1600",
              "--user-data-dir=" + os.path.join(folder, "chromium")):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
