#!/usr/bin/env python3
# make-pupil-files - inputs of the benchmark's pupil-data part
#
# SYNOPSIS
#	make-pupil-files.py OUTDIR SCHOOL-DOMAIN
#
# DESCRIPTION
#	Writes, for a fictional school of 2,000 pupils:
#	  OUTDIR/pupils.csv    the roster, columns as a MIS export
#	  OUTDIR/sheet.xlsx    a workbook of at least 10 MB: the roster (UPN,
#	                       surname, forename, date of birth as an Excel
#	                       date), then stock-list rows of random codes, so
#	                       the file is as big as a real 10 MB export
#	                       (about 65 MB of XML once unzipped)
#	  OUTDIR/export.csv    a 5 MB CSV export: the roster rows repeated
#	                       with assessment marks
#	  OUTDIR/sheet.eml, OUTDIR/export.eml
#	                       a staff member's message carrying each file
#	UPN check letters follow the DfE formula; the workbook writer is
#	tests/fixtures/make-e2e-fixtures.py's (imported, not copied).
#	Deterministic: the same files every run.
#
# SPDX-License-Identifier: MIT
import datetime
import importlib.util
import os
import random
import string
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "make_e2e_fixtures",
    os.path.join(TOP, "tests", "fixtures", "make-e2e-fixtures.py"))
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

PUPILS = 2000
SHEET_BYTES = 10 * 1024 * 1024
CSV_BYTES = 5 * 1024 * 1024
SYLLABLES = ["ar", "be", "cal", "dor", "el", "fen", "gar", "hol", "is",
             "jen", "kel", "lor", "mar", "nor", "ol", "per", "quin", "ros",
             "sel", "tam", "ul", "ver", "wil", "yar", "zan"]


def name(rnd, parts):
    return "".join(rnd.choice(SYLLABLES) for _ in range(parts)).capitalize()


def roster(rnd, count=PUPILS):
    """(upn, forename, surname, date of birth) for `count` pupils."""
    out = []
    for i in range(count):
        dob = datetime.date(2012, 9, 1) + datetime.timedelta(
            days=rnd.randrange(7 * 365))
        out.append((e2e.upn(801, 2034, 12 + i // 300, 100 + i % 300),
                    name(rnd, 2), name(rnd, 3), dob))
    return out


def write_pupils_csv(path, rows):
    with open(path, "w", newline="") as f:
        f.write("UPN,Legal Forename,Preferred Forename,Legal Surname,"
                "Date of Birth,Year Group,Reg Group\r\n")
        for u, fn, sn, dob in rows:
            f.write("%s,%s,,%s,%s,Year 4,4Q\r\n" % (u, fn, sn,
                                                     dob.isoformat()))


def write_sheet(path, rows, rnd):
    """The roster, then random stock rows until the file is big enough."""
    filler, data = [], b""
    code = string.ascii_letters + string.digits
    while len(data) < SHEET_BYTES:
        for _ in range(40000):
            u = "".join(rnd.choice(code) for _ in range(14))
            filler.append((u, "Item" + u[:5], "Stock" + u[5:10], rows[0][3]))
        data = e2e.register_xlsx(rows + filler)
    with open(path, "wb") as f:
        f.write(data)


def write_export_csv(path, rows, rnd):
    with open(path, "w", newline="") as f:
        f.write("UPN,Surname,Forename,DOB,Subject,Mark\r\n")
        size = 0
        while size < CSV_BYTES:
            u, fn, sn, dob = rows[rnd.randrange(len(rows))]
            line = "%s,%s,%s,%s,%s,%d\r\n" % (
                u, sn, fn, dob.strftime("%d/%m/%Y"),
                rnd.choice(["Maths", "English", "Science"]),
                rnd.randrange(100))
            f.write(line)
            size += len(line)


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: make-pupil-files.py OUTDIR SCHOOL-DOMAIN")
    out, school = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(2026)
    rows = roster(rnd)
    write_pupils_csv(os.path.join(out, "pupils.csv"), rows)
    write_sheet(os.path.join(out, "sheet.xlsx"), rows, rnd)
    write_export_csv(os.path.join(out, "export.csv"), rows, rnd)
    sender = "a.teacher@" + school
    for stem, ctype in (("sheet", "application/vnd.openxmlformats-"
                         "officedocument.spreadsheetml.sheet"),
                        ("export", "text/csv")):
        e2e.cmd_message(os.path.join(out, stem + ".eml"), sender,
                        "someone@outside.example", "The " + stem,
                        os.path.join(out, stem + (".xlsx" if stem == "sheet"
                                                  else ".csv")), ctype)


if __name__ == "__main__":
    main(sys.argv)
