"""Plain A4 documents of the programme (donation receipt, gift contract) drawn with fpdf2.

The core Helvetica font in Windows-1252 covers French text (« », œ, ’, €), so no font file
ships with the code. Characters outside it (an emoji typed in a note) become « ? » rather
than failing the whole document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fpdf import FPDF

ENCODING = "windows-1252"


def printable(text: str) -> str:
    """``text`` with what Windows-1252 cannot hold replaced by « ? »."""
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


@dataclass
class Document:
    """A title, then blocks in order: headings, paragraphs, tables, signature boxes."""

    title: str
    subtitle: str = ""
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(("heading", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("paragraph", text))

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label — value lines (« Date de la collecte : 3 mars 2017 »)."""
        self.blocks.append(("facts", list(rows)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.blocks.append(("table", (list(header), [list(r) for r in rows])))

    def signatures(self, parties: Sequence[str]) -> None:
        self.blocks.append(("signatures", list(parties)))


def render(document: Document) -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(printable(document.title))
    pdf.set_creator("Aiguillage")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, printable(document.title), new_x="LMARGIN", new_y="NEXT")
    if document.subtitle:
        pdf.set_font("helvetica", "", 11)
        pdf.multi_cell(0, 6, printable(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for kind, content in document.blocks:
        if kind == "heading":
            pdf.ln(2)
            pdf.set_font("helvetica", "B", 12)
            pdf.multi_cell(0, 7, printable(str(content)), new_x="LMARGIN", new_y="NEXT")
        elif kind == "paragraph":
            pdf.set_font("helvetica", "", 10.5)
            pdf.multi_cell(0, 5.5, printable(str(content)), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "facts":
            for label, value in content:  # type: ignore[attr-defined]
                pdf.set_font("helvetica", "B", 10.5)
                pdf.write(5.5, printable(f"{label} : "))
                pdf.set_font("helvetica", "", 10.5)
                pdf.write(5.5, printable(value))
                pdf.ln(6)
        elif kind == "table":
            header, rows = content  # type: ignore[misc]
            pdf.set_font("helvetica", "", 10)
            with pdf.table(text_align="LEFT", line_height=6) as table:
                row = table.row()
                for cell in header:
                    row.cell(printable(cell))
                for values in rows:
                    row = table.row()
                    for cell in values:
                        row.cell(printable(str(cell)))
            pdf.ln(2)
        elif kind == "signatures":
            pdf.ln(6)
            pdf.set_font("helvetica", "", 10.5)
            parties = list(content)  # type: ignore[call-overload]
            width = (pdf.w - pdf.l_margin - pdf.r_margin) / max(len(parties), 1)
            top = pdf.get_y()
            for index, party in enumerate(parties):
                pdf.set_xy(pdf.l_margin + index * width, top)
                pdf.multi_cell(width - 4, 5.5, printable(party), border="T")
            pdf.set_y(top + 30)
    return bytes(pdf.output())
