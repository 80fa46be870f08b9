"""IRIS codes re-saved by a spreadsheet get their leading zero back (9 characters).

Regression: ``010040101`` saved by Excel as ``10040101`` was read as an IRIS of commune
``10040`` (Bernon, Aube) instead of ``01004`` (Ambérieu-en-Bugey, Ain).
"""

from __future__ import annotations

import pandas as pd

from carto.common.numeric_table import pad_codes
from carto.indicators.sources.imports import import_insee

EXCEL_IRIS = (
    b"IRIS;DISP_TP6021;DISP_MED21\r\n"
    b"10040101;16,0;21760\r\n10040102;17,0;20750\r\n10530000;s;22000\r\n"
    b"2A0040000;s;19870\r\n"
)


def test_excel_iris_codes_are_padded_to_nine_characters(bundle) -> None:
    communes = bundle.communes[["CODGEO", "LIBGEO", "DEP"]]
    dataset = import_insee(EXCEL_IRIS, "BASE_TD_FILO_IRIS_2021_DISP.csv", communes=communes)
    assert dataset.level == "iris"
    assert list(dataset.values.index) == ["010040101", "010040102", "010530000", "2A0040000"]
    assert dataset.values.at["010040101", "DISP_MED21"] == 21760
    report = dataset.report
    assert report.padded_codes == 3 and report.matched == 4 and not report.unmatched
    assert "3 code(s) IRIS à 8 chiffres complété(s) d'un 0 initial" in report.summary_fr()
    # the IRIS lies in Ambérieu-en-Bugey (01004), not in the Aube commune 10040
    assert set(dataset.values.index.str[:5]) == {"01004", "01053", "2A004"}


def test_pad_codes_only_restores_one_lost_zero() -> None:
    cells = pd.Series(["1001", " 01002", "2A004", "123", "10040101"])
    padded, count = pad_codes(cells)
    assert list(padded) == ["01001", "01002", "2A004", "123", "10040101"] and count == 1
    iris, count = pad_codes(pd.Series(["10040101", "010040101", "1004010", "2A0040000"]), 9)
    assert list(iris) == ["010040101", "010040101", "1004010", "2A0040000"] and count == 1
