"""The assistant's guide as a PDF to hand to the citizen (assist mode), written with fpdf2 in a
Unicode font that has the Romanian and Russian letters (Debian's DejaVu Sans by default,
CONSOLE_PDF_FONT): the same messages as the print-friendly page, in the citizen's language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

MARGIN = 18  # mm
PAGE_NUMBER = {"en": "Page", "ro": "Pagina", "ru": "Страница"}


class GuidePDF(FPDF):
    def __init__(self, lang: str) -> None:
        super().__init__(format="A4")
        self.lang = lang

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(size=8)
        self.cell(0, 6, f"{PAGE_NUMBER.get(self.lang, PAGE_NUMBER['en'])} {self.page_no()}/{{nb}}", align="C")


def guide_pdf(title: str, messages: list[str], lang: str, font: Path) -> bytes:
    """The guide's title and messages on A4 pages (blocking: run in a thread)."""
    pdf = GuidePDF(lang)
    pdf.set_title(title)
    pdf.set_lang(lang)
    pdf.set_creator("Helpdesk console")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("guide", "", str(font))
    bold = font.with_name(font.stem + "-Bold" + font.suffix)
    pdf.add_font("guide", "B", str(bold if bold.exists() else font))
    pdf.add_page()
    pdf.set_font("guide", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("guide", "", 9)
    pdf.cell(0, 6, dt.date.today().isoformat(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("guide", "", 11)
    for message in messages:
        pdf.multi_cell(0, 5.5, message, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def pdf_filename(event_id: str, lang: str) -> str:
    safe = "".join(ch for ch in event_id if ch.isalnum() or ch == "-")[:40] or "guide"
    return f"guide-{safe}-{lang}.pdf"
