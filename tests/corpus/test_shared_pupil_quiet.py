#!/usr/bin/env python3
"""test_shared_pupil_quiet - ordinary mail between pupils raises no alert.

The safeguarding lists must not cry wolf: a DSL who gets alerts for
newsletters, bounces and Japanese mailing-list mail stops reading them.
Every message of ../shared/corpus (the sample school's 60) and
../shared/realworld (fixtures nobody here wrote: odd encodings, broken
headers, bounces) goes through `aupctl test` on corpus2's configuration
(safeguarding with scope = pupils) and the checkout's shipped lists, as
sent by one pupil of the roster to another, so every message is scanned.
Each must be judged (exit 0, JSON, not tempfailed) and raise no
safeguarding alert.  A failure names the file and the alert's category,
never the text that matched.

Prints TAP; skips everything when ../shared is not present, or when this
build does not register the safeguarding policy.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shared_cases2 as corpus2  # noqa: E402  (scratch config, paths)

SENDER = "kai.matthews@pupils.oakfield-primary.example"
RECIPIENT = "bonnie.adeyemi@pupils.oakfield-primary.example"
SCHOOL_DAY = "2026-11-18T10:30"     # a Wednesday in term: nothing deferred


def messages():
    """Paths of the benign messages, relative to ../shared, sorted."""
    found = []
    for root in ("corpus", "realworld"):
        top = os.path.join(corpus2.SHARED, root)
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                if name.endswith(".eml") or name == "sample_output_multipart":
                    found.append(os.path.relpath(path, corpus2.SHARED))
    return sorted(found)


def judge(conf, rel):
    cmd = [os.path.join(corpus2.TOP_BUILD, "aupctl"), "-c", conf, "test",
           "--from", SENDER, "--rcpt", RECIPIENT, "--at", SCHOOL_DAY,
           os.path.join(corpus2.SHARED, rel)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def problems_of(proc):
    if proc.returncode != 0:
        return ["exit status %d" % proc.returncode]
    try:
        got = json.loads(proc.stdout)
    except ValueError:
        return ["output is not JSON"]
    found = []
    if got.get("action") == "tempfail":
        found.append("tempfailed: the filter could not judge it")
    for alert in got.get("alerts", []):
        found.append("alert of category %s" % alert.get("category"))
    if "safeguarding" not in {p["name"] for p in got.get("policies", [])}:
        found.append("the safeguarding policy did not run")
    return found


def main():
    files = messages()
    if not files:
        print("1..0 # SKIP ../shared/corpus and realworld not present")
        return 0
    policies = corpus2.registered_policies()
    if "safeguarding" not in policies:
        print("1..0 # SKIP this build has no safeguarding policy")
        return 0
    print("1..%d" % len(files))
    with tempfile.TemporaryDirectory() as tmp:
        conf = corpus2.scratch_config(policies, tmp)
        for n, rel in enumerate(files, 1):
            found = problems_of(judge(conf, rel))
            print("%s %d - %s" % ("not ok" if found else "ok", n, rel))
            for p in found:
                print("# " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
