#!/usr/bin/env python3
"""test_shared_cases2 - run ../shared/corpus2/cases.json through aupctl test.

Corpus v2 is the sample school with the safeguarding, pupil-mail and
working-hours policies configured.  Each case's envelope (and `at`, when
this build's `aupctl test` takes --at) goes to `aupctl -c aup-milter.conf
test`; the JSON is checked against the case: the final action (`pass`
read as `accept`), the named policy present with the expected result (a
`pass` for an accept), `policy_results` (of the policies this build has), `alerts` (categories that must
appear, 'a|b' either; [] none at all), `reason_contains` in the named
policy's reason ('a|b' either), `reasons_must_not_contain` in no reason,
reply, header change or alert, `header_contains`, `output_must_not_contain`
and `deliver_at` (as an instant).  The term lists are the checkout's
conf/safeguarding, copied beside the scratch configuration as the corpus
README asks.

Cases whose policy this build does not register are reported as TAP
skips (found from `aup-milter -d`), and the config's sections of
unregistered policies are left out of the scratch copy, so the cases of a
policy light up when it lands.  Prints TAP; skips everything when
../shared/corpus2 is not present.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP_SRC = os.environ.get("top_srcdir", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
TOP_BUILD = os.environ.get("top_builddir", TOP_SRC)
# ../shared beside the checkout (or beside its worktree folder)
SHARED = os.environ.get("AUP_SHARED_DIR") or next(
    (d for d in (os.path.join(TOP_SRC, "..", "shared"),
                 os.path.join(TOP_SRC, "..", "..", "shared"))
     if os.path.isdir(d)), os.path.join(TOP_SRC, "..", "shared"))
CORPUS = os.path.abspath(os.path.join(SHARED, "corpus2"))
CORE = ("milter", "school", "directory")
DATA = ("parents.csv", "pupils.csv", "exemptions.csv", "correspondents.csv",
        "closed-days.csv", "local-records.txt")


def registered_policies():
    """Section names of the policies this build registers."""
    out = subprocess.run([os.path.join(TOP_BUILD, "aup-milter"), "-d"],
                         capture_output=True, text=True, check=True).stdout
    return {m for m in re.findall(r"^\[([a-z-]+)\]$", out, re.M)} - set(CORE)


def known_keys(section):
    """Keys this build accepts in a core section (from aup-milter -d)."""
    out = subprocess.run([os.path.join(TOP_BUILD, "aup-milter"), "-d"],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\[%s\]$(.*?)(?=^\[|\Z)" % re.escape(section), out,
                  re.M | re.S)
    return set(re.findall(r"^;?([a-z_]+) =", m.group(1), re.M)) if m else set()


def scratch_config(policies, workdir):
    """The corpus config without sections of unregistered policies (nor
    core keys this build does not know yet), data files by absolute path,
    the checkout's term lists beside it."""
    keep, section, out = True, None, []
    keys = {s: known_keys(s) for s in CORE}
    with open(os.path.join(CORPUS, "aup-milter.conf")) as f:
        for line in f:
            m = re.match(r"^\[([a-z-]+)\]", line)
            if m:
                section = m.group(1)
                keep = section in policies or section in CORE
            k = re.match(r"^([a-z_]+)\s*=", line)
            if keep and k and section in CORE and k.group(1) not in keys[section]:
                continue
            if keep:
                out.append(line)
    text = "".join(out)
    for name in DATA:
        text = text.replace(" " + name, " " + os.path.join(CORPUS, name))
    text = text.replace("/tmp/aup-acceptance/oakfield2", workdir)
    path = os.path.join(workdir, "aup-milter.conf")
    with open(path, "w") as f:
        f.write(text)
    shutil.copytree(os.path.join(TOP_SRC, "conf", "safeguarding"),
                    os.path.join(workdir, "safeguarding"))
    return path


def takes_at(conf):
    """Does this build's aupctl test know --at?"""
    proc = subprocess.run([os.path.join(TOP_BUILD, "aupctl"), "-c", conf,
                           "test", "--at", "2026-01-05T10:00", "/dev/null"],
                          capture_output=True, text=True, timeout=60)
    return "unrecognized option" not in proc.stderr


def run_case(conf, case, with_at):
    env = case["envelope"]
    cmd = [os.path.join(TOP_BUILD, "aupctl"), "-c", conf, "test",
           "--from", env["from"] or "<>"]
    for r in env["rcpts"]:
        cmd += ["--rcpt", r]
    for opt, key in (("--auth", "auth"), ("--client-ip", "client_ip"),
                     ("--helo", "helo")):
        if env.get(key):
            cmd += [opt, env[key]]
    if with_at and case.get("at"):
        cmd += ["--at", case["at"]]
    cmd.append(os.path.join(CORPUS, case["file"]))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def either(spec, haystack):
    """'a|b' - any alternative is in haystack."""
    return any(alt in haystack for alt in spec.split("|"))


def instant(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def check_alerts(case, got):
    want = case.get("alerts")
    if want is None:
        return []
    cats = [a.get("category") for a in got.get("alerts", [])]
    if want == []:
        return ["alerts %s, expected none" % cats] if cats else []
    return ["no %s alert in %s" % (w, cats) for w in want
            if not either(w, cats)]


def check_text(case, got, proc):
    problems = []
    results = {p["name"]: p for p in got.get("policies", [])}
    reason = results.get(case.get("policy"), {}).get("reason", "")
    for s in case.get("reason_contains", []):
        if not either(s, reason):
            problems.append("reason lacks %r" % s)
    exposed = json.dumps([[p.get("reason") for p in got.get("policies", [])],
                          got.get("reply"), got.get("header_changes"),
                          got.get("alerts")]).lower()
    for s in case.get("reasons_must_not_contain", []):
        if s.lower() in exposed:
            problems.append("a reason, reply, header or alert exposes a "
                            "matched value")
    changes = json.dumps(got.get("header_changes", []))
    for s in case.get("header_contains", []):
        if s not in changes:
            problems.append("header_changes lack %r" % s)
    for s in case.get("output_must_not_contain", []):
        if s in proc.stdout or s in proc.stderr:
            problems.append("output contains a value it must not")
    return problems


def check(case, proc, policies):
    """A list of problems (empty = pass); results expected of policies
    this build lacks are not checked."""
    if proc.returncode != 0:
        return ["exit status %d: %s" % (proc.returncode, proc.stderr[-300:])]
    try:
        got = json.loads(proc.stdout)
    except ValueError:
        return ["output is not JSON"]
    problems = []
    want = "accept" if case["expected"] == "pass" else case["expected"]
    if want != "any" and got.get("action") != want:
        problems.append("action %s, expected %s" % (got.get("action"), want))
    results = {p["name"]: p["result"] for p in got.get("policies", [])}
    policy = case.get("policy")
    if policy not in results:
        problems.append("policy %s not in the output" % policy)
    elif want not in ("any",) and results[policy] != (
            "pass" if want == "accept" else want):
        problems.append("policy %s result %s" % (policy, results[policy]))
    for name, res in case.get("policy_results", {}).items():
        if name in policies and results.get(name) != res:
            problems.append("policy %s result %s, expected %s" %
                            (name, results.get(name), res))
    if case.get("deliver_at"):
        if not got.get("deliver_at") or instant(got["deliver_at"]) != \
                instant(case["deliver_at"]):
            problems.append("deliver_at %s, expected %s" %
                            (got.get("deliver_at"), case["deliver_at"]))
    return problems + check_alerts(case, got) + check_text(case, got, proc)


def main():
    if not os.path.isfile(os.path.join(CORPUS, "cases.json")):
        print("1..0 # SKIP shared corpus2 not present")
        return 0
    cases = json.load(open(os.path.join(CORPUS, "cases.json")))["cases"]
    policies = registered_policies()
    print("1..%d" % len(cases))
    with tempfile.TemporaryDirectory() as tmp:
        conf = scratch_config(policies, tmp)
        with_at = takes_at(conf)
        for n, case in enumerate(cases, 1):
            label = "%s: %s" % (case["id"], case.get("why", "")[:60])
            if case.get("policy") not in policies:
                print("ok %d - %s # SKIP policy %s not in this build" %
                      (n, label, case.get("policy")))
                continue
            problems = check(case, run_case(conf, case, with_at), policies)
            print("%s %d - %s" % ("not ok" if problems else "ok", n, label))
            for p in problems:
                print("# " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
