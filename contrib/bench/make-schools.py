#!/usr/bin/env python3
# make-schools - a service of many schools for the benchmark's schools part
#
# SYNOPSIS
#	make-schools.py OUTDIR COUNT [--shared-templates]
#
# DESCRIPTION
#	Writes COUNT school files for `[milter] schools = OUTDIR/schools`:
#	  OUTDIR/schools/sNNNN.conf   [school] (domains sNNNN.example and
#	                              pupils.sNNNN.example), [directory]
#	                              and, unless --shared-templates, its own
#	                              [milter] templates folder
#	  OUTDIR/schools/sNNNN/pupils.csv    300 pupils, columns as a MIS
#	                              export (make-pupil-files.py's roster)
#	  OUTDIR/schools/sNNNN/parents.csv   600 parent addresses: two per
#	                              pupil, in one cell as MIS exports do
#	  OUTDIR/schools/sNNNN/templates/    a copy of conf/templates
#	The main file (shared [milter] settings and the policy sections) is
#	the caller's: run-bench.sh writes it.  Deterministic.
#
# SPDX-License-Identifier: MIT
import importlib.util
import os
import random
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TOP, "contrib", "bench"))
pupils = importlib.import_module("make-pupil-files")
PUPILS = 300
PROVIDERS = ["gmail.com", "outlook.com", "btinternet.com", "icloud.com",
             "yahoo.co.uk", "hotmail.co.uk"]


def write_parents(path, rows, rnd):
    """Two addresses per pupil, in one cell separated by '; '."""
    with open(path, "w", newline="") as f:
        f.write("Pupil,Email\r\n")
        for i, (_, forename, surname, _) in enumerate(rows):
            a = "%s.%s%d@%s" % (forename.lower(), surname.lower(), i,
                                rnd.choice(PROVIDERS))
            b = "%s.carer%d@%s" % (surname.lower(), i, rnd.choice(PROVIDERS))
            f.write("%s %s,%s; %s\r\n" % (forename, surname, a, b))


def write_school(schools, n, shared_templates):
    sid = "s%04d" % n
    domain = sid + ".example"
    data = os.path.join(schools, sid)
    rnd = random.Random(n)
    rows = pupils.roster(rnd, PUPILS)
    os.makedirs(data, exist_ok=True)
    pupils.write_pupils_csv(os.path.join(data, "pupils.csv"), rows)
    write_parents(os.path.join(data, "parents.csv"), rows, rnd)
    own = ""
    if not shared_templates:
        shutil.copytree(os.path.join(TOP, "conf", "templates"),
                        os.path.join(data, "templates"), dirs_exist_ok=True)
        own = "[milter]\ntemplates = %s/templates\n" % sid
    with open(os.path.join(schools, sid + ".conf"), "w") as f:
        f.write("[school]\nname = School %d\ndomains = %s, pupils.%s\n"
                "office = office@%s\npupils = *@pupils.%s\ndsl = dsl@%s\n"
                "policy_url = https://www.%s/aup\n[directory]\n"
                "parents = %s/parents.csv\npupils = %s/pupils.csv\n%s"
                % (n, domain, domain, domain, domain, domain, domain, sid,
                   sid, own))


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and
                                   argv[3] != "--shared-templates"):
        sys.exit("usage: make-schools.py OUTDIR COUNT [--shared-templates]")
    schools = os.path.join(argv[1], "schools")
    os.makedirs(schools, exist_ok=True)
    for n in range(1, int(argv[2]) + 1):
        write_school(schools, n, len(argv) == 4)


if __name__ == "__main__":
    main(sys.argv)
