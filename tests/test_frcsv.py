"""CSV for French Excel: one writer for tables and for header + rows."""

import pandas as pd

from carto.common.frcsv import to_french_csv


def test_csv_opens_in_french_excel():
    frame = pd.DataFrame(
        {
            "Code": ["01001", "2A004"],
            "Commune": ["L'Abergement", "Ajaccio; centre"],
            "Taux": [12.5, None],
        }
    )
    data = to_french_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Code;Commune;Taux"
    assert lines[1] == "01001;L'Abergement;12,5"
    assert lines[2] == '2A004;"Ajaccio; centre";'
    back = pd.read_csv(
        pd.io.common.BytesIO(data), sep=";", decimal=",", dtype={"Code": str}, encoding="utf-8-sig"
    )
    assert back["Code"].tolist() == ["01001", "2A004"]
    assert back["Taux"].iloc[0] == 12.5


def test_header_and_rows_neutralise_formulas():
    data = to_french_csv(("Nom", "Valeur"), [("=1+1", 0.5), ("-2", True)])
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1:3] == ["'=1+1;0,5", "'-2;oui"]
