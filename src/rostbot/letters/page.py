"""The printed page: A4, the address window left blank, the letter, a QR code of the link.

The address field is where a C5 or C4 window envelope with its window on the left
shows it, in the common European position (DIN 5008 form B, DIN 676): 20 mm from the
left edge and 45 mm from the top, 85 by 45 mm. Nothing is printed there or beside it;
the organisation's own mail merge or a person puts the name and address in.

Text is set in DejaVu Sans, the font matplotlib ships (a dependency already; found
without importing it), so every Swedish and Danish letter prints. The link is the only
text on the page that holds the invitation's code; the QR code beside it is drawn as
vector squares from segno's matrix, so it prints sharply at any size.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from rostbot.invitations import link as deep_link
from rostbot.journey.consent import new_invitation_code
from rostbot.letters.template import Block, LetterError

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, mm
LEFT, RIGHT = 20.0, 20.0
ADDRESS_WINDOW = (20.0, 45.0, 85.0, 45.0)  # x, y, width, height (mm)
BODY_TOP = ADDRESS_WINDOW[1] + ADDRESS_WINDOW[3] + 4.0
QR_TOP = 242.0
QR_SIZE = 36.0  # mm, without the quiet zone (white paper around it)
BODY_BOTTOM = QR_TOP - 5.0
BODY_SIZE, HEADING_SIZE, LINE = 11.0, 14.0, 5.2  # pt, pt, mm

# The words by the QR code; the rest of the letter comes from the template.
QR_WORDS = {
    "sv": ("Skanna koden med kameran i mobilen.", "Eller skriv in länken:"),
    "da": ("Scan koden med kameraet på din mobil.", "Eller skriv linket:"),
}


@cache
def _font_dir() -> Path:
    """matplotlib's fonts, found without importing matplotlib (no config or cache folder)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise LetterError("cannot find the fonts: matplotlib is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def _new_document(organisation: str) -> FPDF:
    # fontTools logs every step of subsetting the fonts at INFO: noise, and the glyphs
    # it names are those of the links.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(LEFT, 15.0, RIGHT)
    fonts = _font_dir()
    pdf.add_font("body", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("body", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("mono", "", str(fonts / "DejaVuSansMono.ttf"))
    pdf.set_title(f"{organisation}: invitation letters")
    pdf.set_creator("rostbot")
    return pdf


def _write_body(pdf: FPDF, organisation: str, blocks: Sequence[Block]) -> float:
    """Write the letterhead and the letter; return where the text ends (mm from the top)."""
    pdf.set_font("body", "B", 12)
    pdf.set_xy(LEFT, 20.0)
    pdf.multi_cell(
        ADDRESS_WINDOW[2], 6.0, organisation, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    width = PAGE_WIDTH - LEFT - RIGHT
    pdf.set_y(BODY_TOP)
    previous: str | None = None
    for block in blocks:
        if block.kind == "heading":
            pdf.set_font("body", "B", HEADING_SIZE)
            pdf.multi_cell(width, 7.5, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.2)
        elif block.kind == "point":
            if previous not in (None, "point", "heading"):
                pdf.ln(0.5)
            pdf.set_font("body", "", BODY_SIZE)
            top = pdf.get_y()
            pdf.set_x(LEFT + 2.0)
            pdf.cell(4.0, LINE, "•")
            pdf.set_xy(LEFT + 7.0, top)
            pdf.multi_cell(
                width - 7.0, LINE, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(0.8)
        else:
            if previous == "point":
                pdf.ln(1.7)
            pdf.set_font("body", "", BODY_SIZE)
            pdf.multi_cell(width, LINE, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.2)
        previous = block.kind
    return pdf.get_y()


def _draw_qr(pdf: FPDF, link: str, x: float, y: float) -> None:
    code = segno.make(link, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=0)]
    module = QR_SIZE / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")


def _write_link_block(pdf: FPDF, link: str, lang: str) -> None:
    scan, type_it = QR_WORDS[lang]
    _draw_qr(pdf, link, LEFT, QR_TOP)
    x = LEFT + QR_SIZE + 8.0
    width = PAGE_WIDTH - RIGHT - x
    pdf.set_left_margin(x)
    pdf.set_xy(x, QR_TOP + 4.0)
    pdf.set_font("body", "B", 12)
    pdf.multi_cell(width, 6.0, scan, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4.0)
    pdf.set_font("body", "", BODY_SIZE)
    pdf.multi_cell(width, LINE, type_it, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # A monospaced link on one line: every character plain to read and type.
    size = 11.0
    pdf.set_font("mono", "", size)
    while pdf.get_string_width(link) > width and size > 6.0:
        size -= 0.5
        pdf.set_font("mono", "", size)
    pdf.cell(width, LINE + 1.0, link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_left_margin(LEFT)


def letters_pdf(
    organisation: str, blocks: Sequence[Block], links: Sequence[str], lang: str
) -> bytes:
    """One page per link: the same letter, each with its own link and QR code."""
    pdf = _new_document(organisation)
    for link in links:
        pdf.add_page()
        end = _write_body(pdf, organisation, blocks)
        if end > BODY_BOTTOM:
            raise LetterError(
                f"the letter does not fit on one page: shorten the template "
                f"(it runs {end - BODY_BOTTOM:.0f} mm into the space for the QR code)"
            )
        _write_link_block(pdf, link, lang)
    return bytes(pdf.output())


def check_fits(organisation: str, blocks: Sequence[Block], lang: str, bot: str) -> None:
    """Raise LetterError if the letter would not fit on its page (before any code exists)."""
    longest_code = "x" * len(new_invitation_code())
    letters_pdf(organisation, blocks, [deep_link(bot, longest_code)], lang)
