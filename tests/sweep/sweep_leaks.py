#!/usr/bin/env python3
# sweep_leaks - no matched safeguarding phrase and no pupil value in
# anything the whole test suite's milters and Postfixes wrote
#
# usage: sweep_leaks.py [--top SRCDIR] ARTEFACTS_DIR
#
# ARTEFACTS_DIR is what tests/lib/artefacts.sh kept from every end-to-end
# test (logs, maillogs, event logs, quarantine metadata, SQLite rows but
# the DSL's evidence, the headers the milter added to delivered mail, and
# whole notices).  The secrets looked for:
#   - every phrase of the shipped term lists (SRCDIR/conf/safeguarding,
#     never-count phrases aside) that occurs in a message the suite sends:
#     the labelled set's concerning messages and the end-to-end tests'
#     own messages (whole words, any case; '*' as a word ending); a
#     category's own name as reasons write it ("self-harm") is not one;
#   - every value of the test school's 30-pupil roster
#     (tests/fixtures/make-e2e-fixtures.py: UPNs, forenames, surnames,
#     dates of birth in both spellings), the data
#     tests/e2e/test_postfix_pupil_data.sh sends.
# Each hit is printed as FILE:LINE with the kind of secret and the first
# 12 hex digits of its SHA-256, never the text itself.  Exit 0: nothing
# found; 1: something found (or an unreadable file); 77: no artefacts.
#
# SPDX-License-Identifier: MIT
import glob
import hashlib
import importlib.util
import os
import re
import sys

WORD = re.compile(r"[a-z0-9]+")


def phrases_of_lists(top):
    """(words, wildcard) of every counting phrase of the shipped lists"""
    out = set()
    for path in sorted(glob.glob(os.path.join(top, "conf", "safeguarding",
                                              "*.txt"))):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("!"):
                continue
            parts = line.split(None, 1)
            if len(parts) != 2 or not parts[0].isdigit():
                continue
            text = parts[1].lower()
            wild = text.endswith("*")
            words = tuple(WORD.findall(text.rstrip("*")))
            if words:
                out.add((words, wild))
    return out


def categories(top):
    """the categories' names (the lists' file names)"""
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(
        os.path.join(top, "conf", "safeguarding", "*.txt")))


def fixture_text(top):
    """the text of the messages the suite sends, as words"""
    paths = [os.path.join(top, "tests", "safeguarding",
                          "labelled-concerning.txt")]
    paths += sorted(glob.glob(os.path.join(top, "tests", "e2e",
                                           "test_*.sh")))
    paths += sorted(glob.glob(os.path.join(top, "tests", "e2e",
                                           "test_*.py")))
    words = []
    for p in paths:
        words += WORD.findall(open(p, encoding="utf-8",
                                   errors="replace").read().lower())
    return words


def occurs(words, phrase):
    """does the word list hold the phrase (whole words, or a stem)?"""
    pw, wild = phrase
    n = len(pw)
    for i in range(len(words) - n + 1):
        if words[i] != pw[0] and not (n == 1 and wild and
                                      words[i].startswith(pw[0])):
            continue
        head = all(words[i + k] == pw[k] for k in range(n - 1))
        last = words[i + n - 1]
        if head and (last == pw[-1] or (wild and last.startswith(pw[-1]))):
            return True
    return False


def pupil_values(top):
    """every value of the e2e test school's roster, lower case"""
    path = os.path.join(top, "tests", "fixtures", "make-e2e-fixtures.py")
    spec = importlib.util.spec_from_file_location("e2e_fixtures", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    values = set()
    for upn, forename, surname, dob in mod.pupils():
        values.update(v.lower() for v in (upn, forename, surname,
                                            dob.isoformat(),
                                            dob.strftime("%d/%m/%Y")))
    return values


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class Secrets:
    """the phrases indexed by first word (and wildcard stems), the values"""

    def __init__(self, phrases, values, categories):
        # reasons, alerts and notices name categories ("self-harm"):
        # a category's name is not a leak of the phrase it spells
        self.categories = re.compile(r"(?<![a-z0-9-])(?:%s)(?![a-z0-9-])" %
                                     "|".join(map(re.escape, categories)))
        self.first = {}
        stems = []
        for p in phrases:
            if len(p[0]) == 1 and p[1]:
                stems.append(p[0][0])
            else:
                self.first.setdefault(p[0][0], []).append(p)
        self.stems = tuple(stems)
        self.values = values

    def line(self, line):
        """(kind, secret) of every secret in one line"""
        low = self.categories.sub(" ", line.lower())
        words = WORD.findall(low)
        found = []
        for i, w in enumerate(words):
            if self.stems and w.startswith(self.stems):
                found += [("safeguarding phrase", s + "*")
                          for s in self.stems if w.startswith(s)]
            for p in self.first.get(w, ()):
                if occurs(words[i:i + len(p[0])], p):
                    found.append(("safeguarding phrase", " ".join(p[0])))
        toks = set(words) | set(re.findall(r"[0-9]+(?:[/-][0-9]+)+", low))
        found += [("pupil value", t) for t in toks if t in self.values]
        return found


def main(argv):
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "..")
    if len(argv) >= 3 and argv[1] == "--top":
        top = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 2:
        sys.stderr.write("usage: sweep_leaks.py [--top SRCDIR] "
                         "ARTEFACTS_DIR\n")
        return 2
    root = argv[1]
    words = fixture_text(top)
    phrases = {p for p in phrases_of_lists(top) if occurs(words, p)}
    values = pupil_values(top)
    secrets = Secrets(phrases, values, categories(top))
    files = []
    for d, _, names in os.walk(root):
        files += [os.path.join(d, n) for n in names]
    if not files:
        print("sweep_leaks: no artefacts in %s (run the end-to-end tests "
              "first, as root)" % root)
        return 77
    hits = 0
    for path in sorted(files):
        rel = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, line in enumerate(f, 1):
                    for kind, secret in secrets.line(line):
                        print("%s:%d: %s sha256:%s" % (rel, no, kind,
                                                       digest(secret)))
                        hits += 1
        except OSError as e:
            print("%s: cannot read: %s" % (rel, e.strerror))
            hits += 1
    tests = sorted({f.split(os.sep)[0] for f in
                    (os.path.relpath(p, root) for p in files)})
    print("sweep_leaks: %d files kept by %d test runs (%s), %d phrases of "
          "the shipped lists that the suite's messages hold, %d pupil "
          "values: %d found" % (len(files), len(tests),
                                ", ".join(sorted({t.rsplit(".", 1)[0]
                                                  for t in tests})),
                                len(phrases), len(values), hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
