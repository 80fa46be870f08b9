"""The portrait as a standalone HTML page, an XLSX workbook and a CSV table.

Why the HTML carries a Content-Security-Policy and no script: it is opened offline, from a
mail or a USB key, by people who did not write its texts; escaping every text is the rule, the
policy is the safety net (nothing external loads, no script runs even if one slipped in).
"""

from __future__ import annotations

import io
from html import escape

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from carto.common.frcsv import to_french_csv
from carto.diagnosis.portrait.drawing import map_svg
from carto.diagnosis.portrait.model import (
    TABLE_HEADER,
    PortraitData,
    footnotes,
    observation_line,
    table_rows,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:2em auto;max-width:60em;
padding:0 1em;line-height:1.4}
h1{color:#1f4e96;margin-bottom:.2em}h2{color:#1f4e96;border-bottom:2px solid #1f4e96;
padding-bottom:.2em;margin-top:1.6em}.sub{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#eef2f8}td.num{text-align:right;white-space:nowrap}
.src{color:#555;font-size:.85em}.obs{border-left:4px solid #1f4e96;padding:.2em .8em;
margin:.8em 0;background:#f7f9fc}.obs p{white-space:pre-wrap;margin:.3em 0}
.meta{color:#555;font-size:.9em}.map{text-align:center}footer{color:#555;font-size:.85em;
margin-top:2em}@media print{body{margin:0}h2{break-after:avoid}.obs{break-inside:avoid}}
"""


def _indicators_html(data: PortraitData) -> str:
    if not data.indicators:
        return "<p>Aucun indicateur sélectionné.</p>"
    head = "".join(
        f"<th>{escape(h)}</th>" for h in ("Indicateur", "Territoire", "Département", "France")
    )
    body = []
    remarks = footnotes(data.indicators)
    for r, mark in zip(data.indicators, remarks.marks, strict=True):
        values = "".join(f'<td class="num">{escape(r.shown(i))}</td>' for i in range(3))
        label = f"{r.label} {mark}".strip()
        source = f"{r.source}, millésime {r.vintage}"
        body.append(
            f"<tr><td>{escape(label)}<div class='src'>{escape(source)}</div></td>{values}</tr>"
        )
    notes = "".join(f"<p class='src'>{escape(n)}</p>" for n in remarks.notes)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{notes}"


def _sites_html(data: PortraitData) -> str:
    if not data.sites:
        return "<p>Aucun lieu d'accueil renseigné pour ce territoire.</p>"
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{escape(v)}</td>" for v in (s.name, s.category, s.address, s.contact))
        + "</tr>"
        for s in data.sites
    )
    head = "".join(f"<th>{h}</th>" for h in ("Nom", "Catégorie", "Adresse", "Contact"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _observations_html(data: PortraitData) -> str:
    if not data.observations:
        return "<p>Aucune observation des partenaires pour ce territoire.</p>"
    return "".join(
        f"<div class='obs'><div class='meta'>"
        f"{escape(observation_line(o, data.territory_name))}</div><p>{escape(o.text)}</p></div>"
        for o in data.observations
    )


def to_html(data: PortraitData) -> str:
    """One standalone HTML file: inline CSS and SVG, no external resource, no script."""
    svg = map_svg(data.shapes, standalone=False) if data.shapes else "<p>Carte indisponible.</p>"
    notes = "".join(f"<p>{escape(n)}</p>" for n in data.notes)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(data.title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(data.title)}</h1><p class='sub'>{escape(data.subtitle)}</p></header>"
        f"<section><h2>Indicateurs clés</h2>{_indicators_html(data)}</section>"
        f"<section><h2>Carte</h2><div class='map'>{svg}</div></section>"
        f"<section><h2>Lieux d'accueil</h2>{_sites_html(data)}</section>"
        f"<section><h2>Observations des partenaires</h2>{_observations_html(data)}</section>"
        f"<footer>{notes}<p>Atlas des besoins sociaux — document généré à la demande.</p>"
        "</footer></body></html>"
    )


def _text_cell(cell: Cell, value: object) -> None:
    """Write text as text: openpyxl would store "=…" from a user as a live formula, and
    refuses the control characters XML forbids (a site name holding ``\x0b``)."""
    cell.value = "" if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.data_type = "s"


def _sheet(
    wb: Workbook,
    title: str,
    header: tuple[str, ...],
    rows: list[tuple[object, ...]],
    widths: tuple[int, ...],
    formats: dict[int, str] | None = None,
) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                cell.number_format = (formats or {}).get(r, "0")
            elif value is None:
                continue
            else:
                _text_cell(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"


def to_xlsx(data: PortraitData) -> bytes:
    """Workbook with the indicators (numeric cells), the sites and the observations."""
    wb = Workbook()
    wb.remove(wb.active)
    formats = {
        i: "#,##0" + ("." + "0" * r.decimals if r.decimals else "")
        for i, r in enumerate(data.indicators, start=2)
    }
    _sheet(
        wb, "Indicateurs", TABLE_HEADER, table_rows(data), (36, 14, 14, 14, 10, 40, 14, 40), formats
    )
    _sheet(
        wb,
        "Lieux",
        ("Nom", "Catégorie", "Adresse", "Contact"),
        [(s.name, s.category, s.address, s.contact) for s in data.sites],
        (36, 24, 40, 30),
    )
    _sheet(
        wb,
        "Observations",
        ("Date", "Thème", "Organisation", "Auteur", "Territoire", "Observation"),
        [
            (
                o.observed_on.strftime("%d/%m/%Y"),
                o.theme,
                o.organisation,
                o.author,
                data.territory_name,
                o.text,
            )
            for o in data.observations
        ],
        (12, 18, 28, 22, 24, 80),
    )
    ws = wb.create_sheet("À propos", 0)
    for row, line in enumerate((data.title, data.subtitle, *data.notes), start=1):
        _text_cell(ws.cell(row=row, column=1), line)
    ws.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_csv(data: PortraitData) -> bytes:
    """The indicator table for French Excel (``;``, decimal comma, UTF-8 BOM)."""
    return to_french_csv(TABLE_HEADER, table_rows(data))
