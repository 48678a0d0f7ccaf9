#!/usr/bin/env python3
"""test_shared_cases - run ../shared/corpus/cases.json through aupctl test.

Each case's envelope goes to `aupctl -c aup-milter.conf test`; the JSON it
prints is checked against the case: the final action (`pass` read as
`accept`, `any` = any decision but never a crash), the deciding policy's
result, `header_contains` strings in header_changes, and
`output_must_not_contain` pupil values anywhere in the output.  Cases of a
policy this build does not register yet are reported as TAP skips (found
from `aup-milter -d`, not from a list here); stretch and needs_dns cases
are skipped unless INCLUDE_STRETCH=1 / INCLUDE_DNS=1.  The config's
sections of unregistered policies are left out of a scratch copy.

Prints TAP.  Skips everything when ../shared is not present (the project's
own suite does not depend on it).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOP_SRC = os.environ.get("top_srcdir", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
TOP_BUILD = os.environ.get("top_builddir", TOP_SRC)
SHARED = os.environ.get("AUP_SHARED_DIR", os.path.join(TOP_SRC, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpus")


def registered_policies():
    """Section names of the policies this build registers."""
    out = subprocess.run([os.path.join(TOP_BUILD, "aup-milter"), "-d"],
                         capture_output=True, text=True, check=True).stdout
    core = {"milter", "school", "directory"}
    return {m for m in re.findall(r"^\[([a-z-]+)\]$", out, re.M)} - core


def scratch_config(policies, workdir):
    """The corpus config without sections of unregistered policies."""
    keep, out = True, []
    with open(os.path.join(CORPUS, "aup-milter.conf")) as f:
        for line in f:
            m = re.match(r"^\[([a-z-]+)\]", line)
            if m:
                name = m.group(1)
                keep = name in policies or name in ("milter", "school",
                                                    "directory")
            if keep:
                out.append(line)
    text = "".join(out)
    for name in ("parents.csv", "pupils.csv", "exemptions.csv",
                 "local-records.txt"):
        text = text.replace(" " + name, " " + os.path.join(CORPUS, name))
    path = os.path.join(workdir, "aup-milter.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def run_case(conf, case):
    env = case["envelope"]
    cmd = [os.path.join(TOP_BUILD, "aupctl"), "-c", conf, "test",
           "--from", env["from"] or "<>"]
    for r in env["rcpts"]:
        cmd += ["--rcpt", r]
    if env.get("auth"):
        cmd += ["--auth", env["auth"]]
    if env.get("client_ip"):
        cmd += ["--client-ip", env["client_ip"]]
    if env.get("helo"):
        cmd += ["--helo", env["helo"]]
    cmd.append(os.path.join(CORPUS, case["file"]))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def check(case, proc):
    """A list of problems (empty = pass)."""
    problems = []
    if proc.returncode != 0:
        return ["exit status %d: %s" % (proc.returncode, proc.stderr[-300:])]
    try:
        got = json.loads(proc.stdout)
    except ValueError:
        return ["output is not JSON"]
    want = case["expected"]
    action = got.get("action")
    if want != "any" and action != ("accept" if want == "pass" else want):
        problems.append("action %s, expected %s" % (action, want))
    if want == "any" and action == "tempfail":
        problems.append("tempfail on malformed mail")
    policy = case.get("policy")
    names = policy if isinstance(policy, list) else [policy]
    if want not in ("any", "accept", "pass") and policy:
        results = {p["name"]: p["result"] for p in got.get("policies", [])}
        if not any(results.get(n) == want for n in names):
            problems.append("policy %s result %s" %
                            (policy, [results.get(n) for n in names]))
    changes = json.dumps(got.get("header_changes", []))
    for s in case.get("header_contains", []):
        if s not in changes:
            problems.append("header_changes lack %r" % s)
    for s in case.get("output_must_not_contain", []):
        if s in proc.stdout or s in proc.stderr:
            problems.append("output contains a pupil value")
    return problems


def main():
    if not os.path.isfile(os.path.join(CORPUS, "cases.json")):
        print("1..0 # SKIP shared corpus not present")
        return 0
    cases = json.load(open(os.path.join(CORPUS, "cases.json")))["cases"]
    policies = registered_policies()
    print("1..%d" % len(cases))
    with tempfile.TemporaryDirectory() as tmp:
        conf = scratch_config(policies, tmp)
        for n, case in enumerate(cases, 1):
            cat = case.get("category")
            label = "%s: %s" % (case["id"], case.get("why", "")[:60])
            if cat in ("parent-contact", "bulk-bcc", "pupil-data",
                       "executables", "sender-auth") and cat not in policies:
                print("ok %d - %s # SKIP policy %s not in this build" %
                      (n, label, cat))
                continue
            if case.get("stretch") and os.environ.get("INCLUDE_STRETCH") != "1":
                print("ok %d - %s # SKIP stretch" % (n, label))
                continue
            if case.get("needs_dns") and os.environ.get("INCLUDE_DNS") != "1":
                print("ok %d - %s # SKIP needs DNS" % (n, label))
                continue
            problems = check(case, run_case(conf, case))
            print("%s %d - %s" % ("not ok" if problems else "ok", n, label))
            for p in problems:
                print("# " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
