"""The portrait as a PDF (fpdf2), with a Unicode font so that accents and « » print.

Why one font file only (DejaVu Sans, regular): fpdf2's core fonts are Latin-1 and would fail
on "œ", "−" or non-breaking spaces; one embedded font keeps the file small and every text is
drawn as text (never interpreted as markup). Headings use size and colour rather than bold.
"""

from __future__ import annotations

import glob
import importlib.util
import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import PathPaintRule, XPos, YPos
from fpdf.fonts import FontFace

from carto.diagnosis.portrait.drawing import CONTEXT_FILL, HIGHLIGHT_FILL, project
from carto.diagnosis.portrait.model import (
    PortraitData,
    PortraitError,
    footnotes,
    observation_line,
)

FONT_FAMILY = "DejaVu"
FONT_FILE = "DejaVuSans.ttf"
BLUE = (31, 78, 150)
GREY = (85, 85, 85)


def find_font() -> Path:
    """DejaVu Sans: env ATLAS_PDF_FONT, then system fonts, then matplotlib's own copy."""
    candidates = [os.environ.get("ATLAS_PDF_FONT", "")]
    candidates += sorted(glob.glob(f"/usr/share/fonts/**/{FONT_FILE}", recursive=True))
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin:
        candidates.append(str(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / FONT_FILE))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise PortraitError(
        "Export PDF impossible : la police DejaVu Sans est introuvable. Installez le paquet "
        "Debian « fonts-dejavu-core » (apt-get install fonts-dejavu-core) ou indiquez le "
        "chemin d'un fichier DejaVuSans.ttf dans la variable ATLAS_PDF_FONT."
    )


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 6, f"{self.footer_text} — page {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*BLUE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT_FAMILY, size=9)


def _paragraph(pdf: FPDF, text: str, size: float = 9, color: tuple[int, int, int] = (0, 0, 0)):
    pdf.set_font(FONT_FAMILY, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _table(
    pdf: FPDF,
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    widths: tuple[int, ...],
    align: str | tuple[str, ...] = "LEFT",
) -> None:
    style = FontFace(emphasis="", color=BLUE, fill_color=(238, 242, 248))
    pdf.set_font(FONT_FAMILY, size=8.5)
    with pdf.table(
        col_widths=widths, headings_style=style, line_height=4.5, text_align=align
    ) as table:
        table.row(header)
        for row in rows:
            table.row(row)


def _map(pdf: FPDF, data: PortraitData, width: float = 130, height: float = 95) -> None:
    if pdf.will_page_break(height + 4):
        pdf.add_page()
    x0 = (pdf.w - width) / 2
    y0 = pdf.get_y() + 2
    ordered = sorted(project(data.shapes, width, height), key=lambda item: item[0].highlight)
    for shape, rings in ordered:
        with pdf.new_path(paint_rule=PathPaintRule.STROKE_FILL_EVENODD) as path:
            path.style.fill_color = HIGHLIGHT_FILL if shape.highlight else CONTEXT_FILL
            path.style.stroke_color = "#ffffff"
            path.style.stroke_width = 0.2
            for ring in rings:
                path.move_to(x0 + ring[0][0], y0 + ring[0][1])
                for x, y in ring[1:]:
                    path.line_to(x0 + x, y0 + y)
                path.close()
    pdf.set_y(y0 + height + 2)


def to_pdf(data: PortraitData) -> bytes:
    """PDF drawn with fpdf2 and a Unicode font (DejaVu Sans, Debian fonts-dejavu-core)."""
    pdf = _Document(format="A4")
    pdf.add_font(FONT_FAMILY, "", str(find_font()))
    pdf.footer_text = data.title
    pdf.set_title(data.title)
    pdf.set_subject(data.subtitle)
    pdf.set_creator("Atlas des besoins sociaux")
    pdf.set_lang("fr")
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()

    _paragraph(pdf, data.title, size=17, color=BLUE)
    _paragraph(pdf, data.subtitle, size=9.5, color=GREY)

    _heading(pdf, "Indicateurs clés")
    if data.indicators:
        remarks = footnotes(data.indicators)
        rows = [
            (
                f"{r.label} {mark}".strip() + f"\n{r.source}, millésime {r.vintage}",
                r.shown(0),
                r.shown(1),
                r.shown(2),
            )
            for r, mark in zip(data.indicators, remarks.marks, strict=True)
        ]
        _table(
            pdf,
            ("Indicateur", "Territoire", "Département", "France"),
            rows,
            (88, 34, 34, 34),
            ("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        )
        pdf.ln(1)
        for note in remarks.notes:
            _paragraph(pdf, note, size=8, color=GREY)
    else:
        _paragraph(pdf, "Aucun indicateur sélectionné.")

    _heading(pdf, "Carte")
    if data.shapes:
        _map(pdf, data)
    else:
        _paragraph(pdf, "Carte indisponible.")

    _heading(pdf, "Lieux d'accueil")
    if data.sites:
        rows = [(s.name, s.category, s.address, s.contact) for s in data.sites]
        _table(pdf, ("Nom", "Catégorie", "Adresse", "Contact"), rows, (50, 35, 60, 45))
    else:
        _paragraph(pdf, "Aucun lieu d'accueil renseigné pour ce territoire.")

    _heading(pdf, "Observations des partenaires")
    if not data.observations:
        _paragraph(pdf, "Aucune observation des partenaires pour ce territoire.")
    for obs in data.observations:
        _paragraph(pdf, observation_line(obs, data.territory_name), size=8.5, color=BLUE)
        _paragraph(pdf, obs.text)
        pdf.ln(2)

    for note in data.notes:
        _paragraph(pdf, note, size=8, color=GREY)
    return bytes(pdf.output())
