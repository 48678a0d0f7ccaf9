#!/usr/bin/env python3
# make-text-pdf - a large text PDF for the benchmark's text part
#
# SYNOPSIS
#	make-text-pdf.py OUT.pdf [MEGABYTES]
#
# DESCRIPTION
#	Writes a valid PDF 1.4 of about MEGABYTES (6.5 by default) made of
#	text only, the shape of a long school manual: pages of prose set in
#	Helvetica (WinAnsiEncoding) by lines of TJ arrays whose strings are
#	split at kerning pairs, as word processors write them, with curly
#	quotes, dashes and pound signs as octal escapes; one content stream
#	a page, FlateDecode.  A few headings are UTF-16BE strings with a
#	byte order mark.  `qpdf --check` accepts the file.  Deterministic:
#	the same bytes every run.
#
# SPDX-License-Identifier: MIT
import random
import sys
import zlib

WORDS = ("the school pupils staff parents governors policy year lesson "
         "teacher class report term homework safeguarding attendance "
         "curriculum assessment behaviour uniform trip meeting club "
         "library science history geography mathematics english music "
         "computing art sport office headteacher deputy support learning "
         "progress review guidance training visit letter consent form "
         "week morning afternoon evening holiday timetable exam results "
         "reading writing practice project department subject and of to "
         "in for on with by at from is are be will should must may can "
         "each every all some any this that these their our your").split()
PUNCT = [b"\\222", b"\\226", b"\\223", b"\\224", b"\\243", b"\\351"]
LINES_PER_PAGE = 52


def esc(word):
    """A word as a PDF literal string body."""
    return word.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(
        b")", b"\\)")


def line_tj(rnd):
    """One line of text: a TJ array of word pieces and kerning."""
    out, width = [], 0
    while width < 85:
        w = esc(rnd.choice(WORDS).encode())
        mark = rnd.choice(PUNCT) if rnd.random() < 0.08 else b""
        width += len(w) + 1
        cut = rnd.randrange(1, len(w) + 1)
        if cut < len(w):
            out.append(b"(" + w[:cut] + b")%d(" % rnd.randrange(-40, 40) +
                       w[cut:] + mark + b")-250")
        else:
            out.append(b"(" + w + mark + b")-250")
    return b"[" + b"".join(out) + b"]TJ"


def heading(rnd, n):
    """A UTF-16BE heading with a byte order mark, as a hex string."""
    text = "Section %d \u2013 %s" % (n, rnd.choice(WORDS).capitalize())
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + \
        b">Tj"


def page_content(rnd, n):
    """The content stream of page n."""
    ops = [b"BT /F1 10 Tf 12 TL 56 790 Td"]
    if n % 10 == 0:
        ops.append(heading(rnd, n // 10 + 1) + b" T*")
    for _ in range(LINES_PER_PAGE):
        ops.append(line_tj(rnd) + b" T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def write_pdf(path, target):
    rnd = random.Random(65)
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>"}
    kids, size, n, num = [], 0, 0, 4
    while size < target:
        data = zlib.compress(page_content(rnd, n), 6)
        objs[num] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % \
            len(data) + data + b"\nendstream"
        objs[num + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox "
                         b"[0 0 595 842] /Resources << /Font << /F1 3 0 R "
                         b">> >> /Contents %d 0 R >>" % num)
        kids.append(b"%d 0 R" % (num + 1))
        size += len(objs[num]) + len(objs[num + 1]) + 40
        num += 2
        n += 1
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + \
        b"] /Count %d >>" % len(kids)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % num
    for k in range(1, num):
        out += b"%010d 00000 n \n" % offsets[k]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" \
        % (num, xref)
    with open(path, "wb") as f:
        f.write(out)
    return n


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make-text-pdf.py OUT.pdf [MEGABYTES]")
    mb = float(sys.argv[2]) if len(sys.argv) == 3 else 6.5
    pages = write_pdf(sys.argv[1], int(mb * 1024 * 1024))
    print("%s: %d pages" % (sys.argv[1], pages))


if __name__ == "__main__":
    main()
