#!/usr/bin/env python3
"""make-set.py - write the labelled pupil-data test set (fictional data).

Usage: make-set.py [DIR]   (default: the folder of this script)

Writes DIR/pupils.csv (a 40-pupil roster of Larchfield Primary, a
fictional school, larchfield.example), DIR/positive/*.eml (messages that
carry pupil data and must be refused when sent outside the school) and
DIR/negative/*.eml (ordinary school mail that must pass: newsletters,
timetables, invoices with 13-character order numbers, phone lists,
dates).  test_pupil_labelled.c runs them and reports precision and
recall.  Every name, date of birth and number is invented; UPNs use
pseudo-LA 001 (never issued to a school); NHS numbers use the 999 test
range.  Only the python3 standard library is used; output is
deterministic.
"""
import base64
import io
import os
import sys
import zipfile
from email.message import EmailMessage

TABLE = "ABCDEFGHJKLMNPQRTUVWXYZ"
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
    os.path.abspath(__file__))

FORE = ("Amara Bethany Callum Darcey Eliot Farah Gideon Hattie Idris Juno "
        "Kasia Lorcan Maisie Nico Orla Piran Quinn Rhea Soren Tilly Umar "
        "Vida Wren Xander Yusuf Zelda Ansel Bryony Cosmo Delphine Ezra "
        "Fenella Gus Honor Ignatius Jemima Kit Lyra Marlowe Nell").split()
SUR = ("Ashdown Blakewell Carrow Dunmore Elsworth Fairhurst Gresley "
       "Hollingworth Ingleby Jessop Kettleby Lanyon Merriweather Northcote "
       "Ottley Pendragon Quarmby Ravensworth Stanhope Thackeray Underhill "
       "Vesey Wetherall Yarwood Zouche Abernethy Brackenbury Coldwell "
       "Darnley Eversleigh Fothergill Garside Hepworth Illingworth Jellicoe "
       "Kingsley Lockwood Mottram Nettleship Oakshott").split()


def upn(serial, temp=False):
    """A valid UPN of pseudo-LA 001, establishment 9001."""
    tail = "0019001" + "24" + ("%03d" % serial if not temp else
                                 "%02d%s" % (serial % 100, TABLE[serial % 23]))
    total = 0
    for k, ch in enumerate(tail):
        v = int(ch) if ch.isdigit() else TABLE.index(ch)
        total += (k + 2) * v
    return TABLE[total % 23] + tail


def nhs(i):
    """A valid NHS number in the 999 test range."""
    while True:
        stem = "999%06d" % (1000 + i * 37)
        s = sum(int(d) * (10 - k) for k, d in enumerate(stem))
        c = 11 - s % 11
        c = 0 if c == 11 else c
        if c != 10:
            return "%s %s %s%d" % (stem[:3], stem[3:6], stem[6:], c)
        i += 1000


def uln(i):
    """A valid ULN."""
    while True:
        stem = "4%08d" % (12345 + i * 7919)
        r = sum(int(d) * (10 - k) for k, d in enumerate(stem)) % 11
        if r != 0:
            return stem + str(10 - r)
        i += 100


PUPILS = []
for i in range(40):
    y = 2015 + i % 7
    PUPILS.append({"upn": upn(100 + i), "fore": FORE[i], "sur": SUR[i],
                   "dob": "%04d-%02d-%02d" % (y, 1 + (i * 5) % 12,
                                              1 + (i * 7) % 28)})
PUPILS[3]["pref"] = "Dee"


def ukdate(iso):
    y, m, d = iso.split("-")
    return "%s/%s/%s" % (d, m, y)


def msg(subject, body, attachments=(), html=None):
    m = EmailMessage()
    m["From"] = "Sam Teacher <s.teacher@larchfield.example>"
    m["To"] = "someone@partner.example"
    m["Subject"] = subject
    m["Date"] = "Fri, 20 Nov 2026 10:00:00 +0000"
    m.set_content(body)
    if html:
        m.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        main, sub = ctype.split("/")
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(m)


def xlsx(rows):
    """A minimal workbook: shared strings, one sheet."""
    strings, idx = [], {}
    cells = []
    for r, row in enumerate(rows, 1):
        out = []
        for c, val in enumerate(row):
            if val not in idx:
                idx[val] = len(strings)
                strings.append(val)
            ref = chr(ord("A") + c) + str(r)
            out.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, idx[val]))
        cells.append('<row r="%d">%s</row>' % (r, "".join(out)))
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % rel,
        "xl/workbook.xml": '<?xml version="1.0"?><workbook %s xmlns:r="%s"><sheets><sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>' % (rel, rel),
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(cells)),
        "xl/sharedStrings.xml": '<?xml version="1.0"?><sst %s count="%d" uniqueCount="%d">%s</sst>' % (ns, len(strings), len(strings), "".join("<si><t>%s</t></si>" % esc(s) for s in strings)),
    }
    return zipped(files)


def docx(paragraphs):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
                   % p.replace("&", "&amp;").replace("<", "&lt;")
                   for p in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>%s</w:body></w:document>' % (w, body),
    }
    return zipped(files)


def zipped(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 20, 9, 0, 0)),
                       text)
    return buf.getvalue()


def name(p):
    return "%s %s" % (p["fore"], p["sur"])


SIG = "\n\nKind regards\n\nSam Teacher\nLarchfield Primary School\nTel: 01632 960 123\n"


def positives():
    P = PUPILS
    csv = "Forename,Surname,DOB,Class\n" + "".join(
        "%s,%s,%s,4L\n" % (p["fore"], p["sur"], ukdate(p["dob"]))
        for p in P[:20])
    yield "p01-csv-class-list", msg("Class list for the trip",
        "Hello,\n\nThe class list is attached." + SIG,
        [("4L class list.csv", "text/csv", csv.encode())])
    rows = [["UPN", "Legal Surname", "Legal Forename", "DOB"]] + [
        [p["upn"], p["sur"], p["fore"], ukdate(p["dob"])] for p in P[:30]]
    yield "p02-xlsx-upn-names-dob", msg("Census check",
        "Please check the attached." + SIG,
        [("census check.xlsx", "application/vnd.openxmlformats-"
          "officedocument.spreadsheetml.sheet", xlsx(rows))])
    p = P[5]
    yield "p03-docx-child-protection", msg("Strategy meeting",
        "Notes attached." + SIG,
        [("strategy meeting notes.docx", "application/vnd.openxmlformats-"
          "officedocument.wordprocessingml.document", docx([
              "Strategy meeting notes",
              "Child: %s, Year 5" % name(p),
              "The child is subject to a child protection plan. The social "
              "worker will visit on Monday."]))])
    body = "Hi,\n\nThe group for Monday:\n\nName\tUPN\tGroup\n" + "".join(
        "%s\t%s\tBlue\n" % (name(q), q["upn"]) for q in P[6:14]) + SIG
    yield "p04-body-pasted-table", msg("Monday groups", body)
    p = P[14]
    yield "p05-subject-name-cp-plan", msg(
        "Referral - %s - CP plan review" % name(p),
        "Please see my earlier email about the review date." + SIG)
    p = P[15]
    yield "p06-body-one-pupil-fsm", msg("Uniform grant",
        "Dear Jan,\n\n%s is eligible for free school meals, so the uniform "
        "grant applies." % name(p) + SIG)
    p = P[16]
    yield "p07-body-one-pupil-medical", msg("Swimming on Thursday",
        "Hello,\n\nPlease note that %s has asthma and carries an inhaler "
        "in a bag." % name(p) + SIG)
    sen = "Surname,Forename,SEN Status,Primary Need\n" + "".join(
        "%s,%s,K,SLCN\n" % (q["sur"], q["fore"]) for q in P[17:27])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("sen register.csv",
                                   (2026, 11, 20, 9, 0, 0)), sen)
    yield "p08-zip-with-sen-csv", msg("SEN register", "Attached." + SIG,
        [("register.zip", "application/zip", buf.getvalue())])
    html = "<html><body><p>Children for the photographer:</p><table>" + \
        "<tr><th>Name</th><th>Date of birth</th></tr>" + "".join(
            "<tr><td>%s</td><td>%s</td></tr>" % (name(q), ukdate(q["dob"]))
            for q in P[27:33]) + "</table></body></html>"
    yield "p09-html-table-names-dob", msg("Photo list",
        "Children for the photographer:\n" + "".join(
            "%s\t%s\n" % (name(q), ukdate(q["dob"])) for q in P[27:33]),
        html=html)
    txt = "ULN list for the exam board\n" + "".join(
        "%s  ULN %s\n" % (name(q), uln(i)) for i, q in enumerate(P[33:38]))
    yield "p10-txt-ulns", msg("ULNs", "Attached." + SIG,
        [("ulns.txt", "text/plain", txt.encode())])
    med = "Forename,Surname,NHS Number,Condition\n" + "".join(
        "%s,%s,%s,Epilepsy\n" % (q["fore"], q["sur"], nhs(i))
        for i, q in enumerate(P[0:4]))
    yield "p11-csv-nhs-numbers", msg("Care plans", "Attached." + SIG,
        [("care plans.csv", "text/csv", med.encode())])
    lst = "".join("%s, %s - born %s\n" % (q["sur"].upper(),
                  q.get("pref", q["fore"]), q["dob"]) for q in P[3:9])
    yield "p12-surname-forename-preferred", msg("Birthdays",
        "Hello,\n\n" + lst + SIG)
    tmp = "Temporary UPNs issued this term:\n" + "".join(
        "%s\n" % upn(200 + i, temp=True) for i in range(5))
    yield "p13-temporary-upns", msg("Temporary UPNs", tmp + SIG)
    p = P[20]
    yield "p14-one-pupil-cla", msg("PEP meeting",
        "Hi,\n\n%s (CLA) - the PEP meeting is moved to Friday." % name(p)
        + SIG)
    yield "p15-new-starters-not-in-roster", msg("New starters",
        "Hello,\n\nThree new starters join Year 2 on Monday: Brogan "
        "Fitzwilliam, Tansy Ormerod and Ellery Pocock. Brogan has an EHCP "
        "for SEMH needs." + SIG)


def order_code(i):
    """13-character order numbers: a letter and 12 digits."""
    return "KLMNPQRTUVWXY"[i % 13] + "%012d" % (482019300117 + i * 7777)


def negatives():
    P = PUPILS
    yield "n01-newsletter-one-award", msg("Larchfield News",
        "Dear Parents and Carers,\n\nWell done to %s in Year 4, who won "
        "the county chess tournament!\n\nDates: Christmas Fair Saturday 5 "
        "December; Nativity Tuesday 15 December 2026; term ends 18/12/2026."
        "\n\nWith best wishes,\nMrs Hale" % name(P[0]))
    tt = "Period\tMonday\tTuesday\tWednesday\n" + "".join(
        "%d\t%s\t%s\t%s\n" % (i, "Maths", "English", "Science")
        for i in range(1, 7)) + "Times: 08:50-09:50, 09:50-10:50\n"
    yield "n02-timetable", msg("Year 5 timetable", "Attached." + SIG,
        [("timetable.csv", "text/csv", tt.replace("\t", ",").encode())])
    inv = "Invoice 2026/1187 - Larchfield Primary\nDate: 03/11/2026\n" + \
        "".join("%s  Exercise books x%d  %d.50\n" % (order_code(i), i, i)
                for i in range(60)) + "Total due by 01/12/2026\n"
    yield "n03-invoice-order-numbers", msg("Invoice 2026/1187",
        "Please find our invoice attached." + SIG,
        [("invoice 1187.txt", "text/plain", inv.encode())])
    yield "n04-phone-list", msg("Staff phone list",
        "Office 01632 960 123\nKitchen 01632 960 124\nSite team 07700 900 "
        "456\nHead 07700 900 457\nFax 01632960125\nSupplier helpline 0808 "
        "157 0192\n" + SIG)
    yield "n05-term-dates", msg("Term dates 2026-27",
        "Autumn term: 03/09/2026 to 18/12/2026\nSpring term: 05/01/2027 to "
        "26/03/2027\nINSET days: 2026-09-01, 2026-09-02, 2027-01-04\n"
        "Last year's dates for reference: 04/09/2024, 20/12/2024.\n" + SIG)
    staff = "Name,Role,DOB,Start date\nHelen Marsh,Teacher,12/04/1981,"\
        "01/09/2019\nOwen Price,TA,03/11/1990,01/09/2021\nRuth Adebayo,"\
        "Cook,27/06/1975,15/04/2018\n"
    yield "n06-staff-list-adult-dobs", msg("Staff list for payroll",
        "Attached." + SIG, [("staff.csv", "text/csv", staff.encode())])
    filler = " ".join(["The library is open after school on Tuesdays."] * 9)
    yield "n07-newsletter-policy-far", msg("Larchfield News",
        "Congratulations to %s for reading 100 books!\n\n%s\n\nOur pupil "
        "premium strategy and SEND information report are on the website."
        % (name(P[1]), filler))
    yield "n08-tracking-numbers", msg("Your order has shipped",
        "Order 4412906573 has shipped. Tracking: 9276308686, 1000000043, "
        "4123456789. Account 9434765919." + SIG)
    yield "n09-minutes-safeguarding-training", msg("Staff meeting minutes",
        "Present: Helen Marsh, Owen Price, Ruth Adebayo.\n1. Safeguarding "
        "training refresher on 12/01/2027 (DSL to lead; child protection "
        "update).\n2. Free school meals: new application process from "
        "January.\n" + SIG)
    yield "n10-forename-only-allergy", msg("Cake sale",
        "Hi,\n\n%s's mum asked whether the cake sale has nut-free cakes - "
        "she has a nut allergy." % P[2]["fore"] + SIG)
    yield "n11-bank-statement", msg("Statement", "Attached." + SIG,
        [("statement.csv", "text/csv", ("Date,Reference,Amount\n" + "".join(
            "%02d/10/2026,%s,%d.00\n" % (1 + i, order_code(100 + i), 10 * i)
            for i in range(25))).encode())])
    yield "n12-send-lowercase", msg("Forms",
        "Hi,\n\nPlease send %s's trip form back by Friday. I SENT the "
        "letters home yesterday." % name(P[3]) + SIG)
    yield "n13-two-captains", msg("Football fixture",
        "Captains for Saturday: %s and %s. Kick-off 10:00 at Riverside, "
        "26/11/2026." % (name(P[4]), name(P[5])) + SIG)
    yield "n14-school-numbers", msg("Supplier form",
        "School URN 149012, LAESTAB 9389001, DfE number 938/9001, company "
        "number 08123456, VAT GB 123 4567 89, phone 01632 960 123." + SIG)


def main():
    os.makedirs(os.path.join(OUT, "positive"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "negative"), exist_ok=True)
    with open(os.path.join(OUT, "pupils.csv"), "w") as f:
        f.write("UPN,Legal Forename,Preferred Forename,Legal Surname,DOB\n")
        for p in PUPILS:
            f.write("%s,%s,%s,%s,%s\n" % (p["upn"], p["fore"],
                                           p.get("pref", ""), p["sur"],
                                           p["dob"]))
    for kind, gen in (("positive", positives), ("negative", negatives)):
        for name_, data in gen():
            with open(os.path.join(OUT, kind, name_ + ".eml"), "wb") as f:
                f.write(data.replace(b"\r\n", b"\n"))


if __name__ == "__main__":
    main()
