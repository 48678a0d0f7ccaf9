#!/usr/bin/env python3
"""check-layers - who may include whom (the layout of milter/ and policies/)

usage: check-layers.py [TOP]

Reads every .c and .h under TOP/milter and TOP/policies and checks each
#include against the layer rules below.  Prints one line per breach,
"FILE:LINE: includes HEADER: RULE", and exits 1 when there is any, 0
when there is none, 2 when TOP has no milter/ folder.

The wings (a file's wing is its first folder under milter/, or
"policies"):
  util      allocation, errors, logging, addresses: depends on nothing
  analysis  reads a message's parts: sees only util
  config    the INI file, school data, templates: sees util, the verdict's
            enums and the policy interface (it configures the policies)
  engine    the decision: sees config, util, the analysis API and the
            policy interface
  policies  one file per policy: sees the policy interface, the
            configuration's queries, the analysis API and util
  store     what is kept after the decision: never a policy
  daemon, aupctl, console
            front ends: anything public; only daemon sees libmilter
Across wings only public headers are seen: analysis/analysis.h (never
analysis_int.h or a format family's header), and of policies/ only the
policy interface (policy.h) and the registry (registry.h).
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

POLICY_API = {"policies/policy.h", "policies/registry.h"}
ENGINE_FOR_POLICIES = {"engine/msg.h", "engine/verdict.h",
                       "engine/verdict_alert.h", "engine/header_edit.h",
                       "engine/roles.h"}
CONFIG_QUERIES = {"config/school.h", "config/conf_param.h",
                  "config/directory.h", "config/csv_table.h",
                  "config/cidr.h"}

# wing -> (allowed wings, allowed single headers, rule text)
RULES = {
    "util": ({"util"}, set(), "util/ may include only util/"),
    "analysis": ({"analysis", "util"}, set(),
                 "analysis/ may include only analysis/ and util/"),
    "config": ({"config", "util"}, {"engine/verdict.h"} | POLICY_API,
               "config/ may include config/, util/, engine/verdict.h "
               "and the policy interface"),
    "engine": ({"engine", "config", "util"},
               {"analysis/analysis.h", "store/release.h"} | POLICY_API,
               "engine/ may include engine/, config/, util/, "
               "analysis/analysis.h, the policy interface and the "
               "release-mark check"),
    "policies": ({"policies", "util"},
                 {"analysis/analysis.h"} | ENGINE_FOR_POLICIES |
                 CONFIG_QUERIES,
                 "policies/ may include policies/, util/, the policy "
                 "interface (engine's msg, verdict, verdict_alert, "
                 "header_edit, roles), "
                 "the configuration's queries and analysis/analysis.h"),
    "store": ({"store", "engine", "config", "util"},
              {"analysis/analysis.h"} | POLICY_API,
              "store/ may include store/, engine/, config/, util/ and "
              "analysis/analysis.h, never a policy"),
}
FRONT_ENDS = {"daemon", "aupctl", "console"}
FRONT_RULE = ("front ends may include any wing's public headers: "
              "analysis/analysis.h only, and of policies/ only policy.h "
              "and registry.h")
LIBMILTER_RULE = "only daemon/ may include <libmilter/...>"


def wing_of(rel):
    """util, config, ... for milter/WING/..., policies for policies/..."""
    parts = rel.split("/")
    if parts[0] == "policies":
        return "policies"
    return parts[1] if len(parts) > 2 else None


def header_wing(inc):
    parts = inc.split("/")
    return parts[0] if len(parts) > 1 else None


def public_across(inc, wing):
    """Is inc a header another wing may see at all?"""
    hw = header_wing(inc)
    if hw == "analysis" and wing != "analysis":
        return inc == "analysis/analysis.h"
    if hw == "policies" and wing != "policies":
        return inc in POLICY_API
    return True


def breach(wing, kind, inc):
    """The rule a (wing, include) breaks, or None."""
    if kind == "<":
        if inc.startswith("libmilter/") and wing != "daemon":
            return LIBMILTER_RULE
        return None
    hw = header_wing(inc)
    if hw is None:
        return "include a project header by its folder (\"wing/name.h\")"
    if wing in FRONT_ENDS:
        return None if public_across(inc, wing) else FRONT_RULE
    wings, singles, text = RULES[wing]
    if inc in singles:
        return None
    if hw in wings and public_across(inc, wing):
        return None
    return text


def check(top):
    problems = []
    for root in ("milter", "policies"):
        for d, _, files in os.walk(os.path.join(top, root)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                rel = os.path.relpath(path, top)
                wing = wing_of(rel)
                if wing is None:
                    problems.append("%s:1: a source file belongs in a wing "
                                    "folder (milter/WING/)" % rel)
                    continue
                if wing not in RULES and wing not in FRONT_ENDS:
                    problems.append("%s:1: unknown wing %s/: add it to "
                                    "tests/layout/check-layers.py" % (rel, wing))
                    continue
                with open(path, encoding="utf-8", errors="replace") as fp:
                    for n, line in enumerate(fp, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        rule = breach(wing, m.group(1), m.group(2))
                        if rule:
                            problems.append("%s:%d: includes %s: %s" %
                                            (rel, n, m.group(2), rule))
    return problems


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    if not os.path.isdir(os.path.join(top, "milter")):
        print("check-layers: no milter/ folder in %s" % top, file=sys.stderr)
        return 2
    problems = check(top)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
