"""The CSV for a word processor's mail merge: one row per letter, with its page number.

Columns: `page` (the page of the PDF that letter is), `link` and `code`. A link always
begins with `https://`, so it is written as it is and can be merged straight into a
letter. Every cell passes through rostbot.core.spreadsheet_cells, so nothing in the
file runs as a formula when it is opened in a spreadsheet: a code beginning with `-`
is written with a quote in front. The file begins with a UTF-8 byte-order mark, as
Excel and Word need to read å, ä, ö, æ and ø right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from rostbot.core.spreadsheet_cells import neutralised

HEADER = ("page", "link", "code")


def mail_merge_csv(links: Sequence[str], codes: Sequence[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for page, (link, code) in enumerate(zip(links, codes, strict=True), start=1):
        writer.writerow([neutralised(str(page)), neutralised(link), neutralised(code)])
    return out.getvalue().encode("utf-8-sig")
