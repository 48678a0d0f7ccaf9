#!/usr/bin/env python3
"""test_hostile_mail - hostile messages get a decision, never a free pass.

The messages of tests/fixtures/make-hostile-fixtures.py (container and
MIME tricks, encryption look-alikes, forged From variants, pupil values
in file names, programs inside documents, containers nothing opens,
winmail.dat) go through `aupctl test` with the test school (Testwood
Primary, its roster in pupils.csv, SPF answered from a local records
file).  Each case names the final action, the policy whose result decides
it, a phrase its reason holds, pupil values that must appear nowhere
in the output and headers the milter must delete.  Prints TAP.
"""
import json
import os
import subprocess
import sys
import tempfile

TOP_SRC = os.environ.get("top_srcdir", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
TOP_BUILD = os.environ.get("top_builddir", TOP_SRC)
ENVELOPE = {
    "in": ["--from", "sender@supplier.example", "--rcpt",
           "office@testwood.example", "--client-ip", "192.0.2.7",
           "--helo", "mx.supplier.example"],
    "out": ["--from", "t.one@testwood.example", "--rcpt",
            "partner@college.example", "--auth", "t.one@testwood.example",
            "--client-ip", "10.9.1.2", "--helo", "pc1.testwood.example"],
    # class 9: from a trusted network without logging in
    "trusted-null": ["--from", "<>", "--rcpt", "partner@college.example",
                     "--client-ip", "10.9.1.2", "--helo",
                     "pc1.testwood.example"],
    "trusted-foreign": ["--from", "someone@gmail.com", "--rcpt",
                        "partner@college.example", "--client-ip",
                        "10.9.1.2", "--helo", "pc1.testwood.example"],
    "trusted-null-internal": ["--from", "<>", "--rcpt",
                              "office@testwood.example", "--client-ip",
                              "10.9.1.2", "--helo", "pc1.testwood.example"],
}


def school(d, fixtures):
    """The test school's configuration in d."""
    os.makedirs(os.path.join(d, "quarantine"))
    with open(os.path.join(d, "records.txt"), "w") as f:
        f.write('supplier.example TXT "v=spf1 ip4:192.0.2.7 -all"\n'
                'testwood.example TXT "v=spf1 ip4:10.9.0.0/16 -all"\n')
    with open(os.path.join(d, "parents.csv"), "w") as f:
        f.write("Pupil,Email\nAnn,mum.ann@gmail.com\n")
    conf = os.path.join(d, "aup-milter.conf")
    with open(conf, "w") as f:
        f.write("[milter]\nsocket = unix:%s/aup.sock\n"
                "event_log = %s/events.jsonl\nquarantine_dir = %s/quarantine"
                "\nspool_dir = %s\ntrusted_networks = 127.0.0.0/8, "
                "10.9.0.0/16\n[school]\nname = Testwood Primary\n"
                "domains = testwood.example, pupils.testwood.example\n"
                "office = office@testwood.example\n"
                "office_senders = head@testwood.example\n"
                "pupils = *@pupils.testwood.example\n"
                "dsl = dsl@testwood.example\n"
                "policy_url = https://testwood.example/aup\n"
                "[directory]\nparents = parents.csv\npupils = %s\n"
                "[sender-auth]\nlocal_records = records.txt\n"
                % (d, d, d, d, os.path.join(fixtures, "pupils.csv")))
    return conf


def judge(conf, c, fixtures):
    """Run one case; a list of problems (empty when it passed)."""
    p = subprocess.run([os.path.join(TOP_BUILD, "aupctl"), "-c", conf,
                        "test"] + ENVELOPE[c["direction"]] +
                       [os.path.join(fixtures, c["file"])],
                       capture_output=True, text=True, timeout=60)
    try:
        v = json.loads(p.stdout)
    except ValueError:
        return ["no JSON (exit %d): %s" % (p.returncode, p.stderr[-300:])]
    bad = []
    action = "accept" if v.get("action") == "pass" else v.get("action")
    pol = {x["name"]: x for x in v.get("policies", [])}.get(c["policy"], {})
    want = "pass" if c["action"] == "accept" else c["action"]
    if action != c["action"]:
        bad.append("action %s, want %s" % (action, c["action"]))
    if pol.get("result") != want:
        bad.append("%s: %s \"%s\", want %s" % (c["policy"],
                   pol.get("result"), pol.get("reason"), want))
    if c["phrase"] and c["phrase"] not in (pol.get("reason") or ""):
        bad.append("%s reason \"%s\" lacks \"%s\"" % (c["policy"],
                   pol.get("reason"), c["phrase"]))
    for name, n in c.get("deletes", {}).items():
        got = sum(1 for e in v.get("header_changes", [])
                  if e.get("op") == "delete" and
                  e.get("name", "").lower() == name)
        if got != n:
            bad.append("%d %s headers deleted, want %d" % (got, name, n))
    for value in c["must_not_contain"]:
        if value in p.stdout or value in p.stderr:
            bad.append("the output shows the pupil value %r" % value)
    return bad


def main():
    with tempfile.TemporaryDirectory() as d:
        fixtures = os.path.join(d, "fixtures")
        gen = os.path.join(TOP_SRC, "tests", "fixtures",
                           "make-hostile-fixtures.py")
        subprocess.run([sys.executable, gen, fixtures], check=True)
        cases = json.load(open(os.path.join(fixtures, "cases.json")))
        conf = school(os.path.join(d, "school"), fixtures)
        print("1..%d" % len(cases))
        failed = 0
        for i, c in enumerate(cases, 1):
            bad = judge(conf, c, fixtures)
            print("%s %d - class %s %s: %s" % ("not ok" if bad else "ok", i,
                  c["cls"], c["id"], c["why"]))
            for b in bad:
                print("#   " + b)
            failed += bool(bad)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
