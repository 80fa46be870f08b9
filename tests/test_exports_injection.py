"""Every export neutralises formulas in every cell, headers included; control characters
never break a workbook (issue 16, defects 4 and 7)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from carto.common.frcsv import csv_cell, to_french_csv
from carto.diagnosis.model import Observation, observations_csv
from carto.diagnosis.portrait.files import to_csv, to_html, to_xlsx
from carto.diagnosis.portrait.model import IndicatorRow, PortraitData, SiteRow
from carto.diagnosis.portrait.pdf import to_pdf

FORMULA_LABEL = '=HYPERLINK("http://127.0.0.1:9/x","clic")&T("'
FORMULAS = (FORMULA_LABEL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1")


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _dangerous(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_the_table_header_from_a_partner_label_is_neutralised():
    """A partner's label and unit become « label (unit) », a column heading of the export."""
    heading = f'{FORMULA_LABEL} (")'
    frame = pd.DataFrame({"Code": ["54395"], heading: [12.5], "+Autre": ["=2+2"]})
    rows = _cells(to_french_csv(frame))
    assert not any(_dangerous(c) for row in rows for c in row)
    assert rows[0][1] == "'" + heading and rows[1][2] == "'=2+2"


@pytest.mark.parametrize("text", FORMULAS)
def test_every_export_neutralises_every_cell(text: str):
    obs = Observation("commune", "54395", "54", text, text, "santé", text, date(2025, 1, 2), 1)
    portrait = PortraitData(
        text,
        "Commune",
        "54395",
        text,
        indicators=(IndicatorRow(text, text, 1, 1.0, 2.0, 3.0, text, text, text),),
        sites=(SiteRow(text, text, text, text),),
        observations=(obs,),
    )
    for data in (observations_csv([obs]), to_csv(portrait), to_french_csv([text], [[text]])):
        assert not any(_dangerous(c) for row in _cells(data) for c in row)
    workbook = load_workbook(io.BytesIO(to_xlsx(portrait)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_csv_cell_keeps_numbers_and_plain_text():
    assert csv_cell(-3.5) == "-3,5" and csv_cell("Nancy") == "Nancy"
    assert csv_cell("=1") == "'=1"


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1f", "\x0c", "\x07"])
def test_control_characters_never_break_a_portrait(char: str):
    """A site named with a vertical tab crashed the XLSX of every territory holding it."""
    name = f"CCAS{char}de Nancy"
    obs = Observation("commune", "54395", "54", name, name, "santé", name, date(2025, 1, 2), 1)
    portrait = PortraitData(
        name, "Commune", "54395", "Meurthe-et-Moselle", sites=(SiteRow(name, name, name, name),),
        observations=(obs,),
    )  # fmt: skip
    workbook = load_workbook(io.BytesIO(to_xlsx(portrait)))
    assert workbook["Lieux"]["A2"].value == "CCASde Nancy"
    assert to_pdf(portrait).startswith(b"%PDF")
    assert "CCAS" in to_html(portrait)
    assert to_csv(portrait).startswith(b"\xef\xbb\xbf")
