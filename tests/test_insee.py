"""INSEE readers: the real slices cell by cell against the raw text, and format variants."""

from __future__ import annotations

import io
import math
import zipfile

import pytest

from carto.indicators.catalogue import Kind
from carto.indicators.sources.insee import (
    InseeKind,
    read_insee,
    read_meta,
    recognise,
)
from carto.indicators.sources.insee_catalogue import indicators_for

FILES = {
    "filosofi2021": ("insee_filosofi_communes", "cc_filosofi_2021_COM_dep33-54-73-93-95.csv"),
    "filosofi2020": ("insee_filosofi_communes", "cc_filosofi_2020_COM_dep33-54-73-93-95.csv"),
    "filosofi2019": ("insee_filosofi_communes", "cc_filosofi_2019_COM_dep33-54-73-93-95.CSV"),
    "comparateur2022": (
        "insee_comparateur_territoires",
        "base_cc_comparateur_2022_dep33-54-73-93-95.CSV",
    ),
    "comparateur2025": ("insee_comparateur_territoires", "base_cc_comparateur_2025_dep93.csv"),
    "iris_disp": ("insee_iris", "BASE_TD_FILO_IRIS_2021_DISP_dep33-54-73-93-95.csv"),
    "iris_dec": ("insee_iris", "BASE_TD_FILO_IRIS_2021_DEC_dep33-54-73-93-95.csv"),
}


def raw_rows(path):
    """The file split by hand: the independent oracle for the reader."""
    text = path.read_bytes().decode("ascii")
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    header = lines[0].split(";")
    return header, [line.split(";") for line in lines[1:]]


@pytest.mark.reference
@pytest.mark.parametrize("key", list(FILES))
def test_real_slice_cell_by_cell(reference_dir, key):
    folder, name = FILES[key]
    path = reference_dir / folder / name
    header, rows = raw_rows(path)
    table = read_insee(path)
    assert len(table.values) == len(rows)
    assert table.values.index.tolist() == [r[0] for r in rows]  # codes kept as strings, in order
    assert not table.ignored
    sample = rows[:: max(1, len(rows) // 40)] + rows[-3:]
    checked = secret_seen = 0
    for row in sample:
        code = row[0]
        for col, cell in zip(header[1:], row[1:], strict=True):
            got = table.values.at[code, col]
            if cell in ("", "s", "nd", "so", "ns"):
                assert math.isnan(got), (code, col)
                assert table.secret.at[code, col], (code, col)
                secret_seen += 1
            else:
                assert got == pytest.approx(float(cell.replace(",", ".")), abs=0, rel=1e-12)
                assert not table.secret.at[code, col]
            checked += 1
    assert checked > 500
    assert secret_seen > 0  # every slice has secret cells, none read as zero


@pytest.mark.reference
def test_named_communes(reference_dir):
    fil = read_insee(reference_dir / "insee_filosofi_communes" / FILES["filosofi2021"][1])
    # 33001 line: 33001;872;2008;21060;42,0;15,0;s;...
    assert fil.values.at["33001", "NBMENFISC21"] == 872
    assert fil.values.at["33001", "TP6021"] == 15.0
    assert fil.secret.at["33001", "TP60AGE121"]
    assert "95282" not in fil.values.index  # Gouzangrez, gone from the 2024 geography
    old = read_insee(reference_dir / "insee_filosofi_communes" / FILES["filosofi2020"][1])
    assert "95282" in old.values.index
    cmp25 = read_insee(
        reference_dir / "insee_comparateur_territoires" / FILES["comparateur2025"][1]
    )
    assert cmp25.values.at["93001", "P22_MEN"] == pytest.approx(34990.0902194347)
    assert cmp25.values.at["93001", "PIMP21"] == 36.0  # decimal comma and point in one line
    assert cmp25.secret.loc["93059", "P22_POP"]  # Pierrefitte: census fields empty
    assert not cmp25.secret.loc["93059", "MED21"]


@pytest.mark.reference
@pytest.mark.parametrize(
    ("key", "kind", "vintages"),
    [
        ("filosofi2019", InseeKind.FILOSOFI, {"filosofi": "2019"}),
        ("comparateur2022", InseeKind.COMPARATEUR, {"rp": "2018", "filosofi": "2019"}),
        ("comparateur2025", InseeKind.COMPARATEUR, {"rp": "2022", "filosofi": "2021"}),
        ("iris_dec", InseeKind.IRIS, {"filosofi_iris": "2021"}),
    ],
)
def test_kind_and_vintage_per_column(reference_dir, key, kind, vintages):
    folder, name = FILES[key]
    table = read_insee(reference_dir / folder / name)
    assert table.kind is kind
    for family, year in vintages.items():
        assert table.vintages[family] == year


@pytest.mark.reference
def test_meta_labels(reference_dir):
    folder = reference_dir / "insee_comparateur_territoires"
    labels = read_meta(
        (folder / "meta_base_cc_comparateur_2022_dep33-54-73-93-95.CSV").read_bytes()
    )
    assert labels["P18_CHOM1564"][0] == "Chômeurs 15-64 ans en 2018"
    assert "CODGEO" in labels and len([k for k in labels if k == "CODGEO"]) == 1


@pytest.mark.reference
def test_catalogue_from_comparateur(reference_dir):
    folder = reference_dir / "insee_comparateur_territoires"
    table = read_insee(
        folder / FILES["comparateur2022"][1],
        meta=folder / "meta_base_cc_comparateur_2022_dep33-54-73-93-95.CSV",
    )
    inds = {i.id: i for i in indicators_for(table)}
    chom = inds["taux_chomage_2018"]
    assert (chom.kind, chom.numerator, chom.denominator) == (
        Kind.RATE,
        "P18_CHOM1564",
        "P18_ACT1564",
    )
    assert inds["part_logements_vacants_2018"].denominator == "P18_LOG"
    assert inds["taux_pauvrete_2019"].kind is Kind.VALUE
    assert inds["taux_pauvrete_2019"].vintage == "2019"
    assert inds["population_rp_2018"].kind is Kind.COUNT
    assert "Nombre de chômeurs" in inds["chomeurs_1564_2018"].definition  # from the meta file
    assert len(inds) == len(set(inds))


@pytest.mark.parametrize(
    ("column", "stem", "vintage"),
    [
        ("TP6021", "TP60", "2021"),
        ("TP60AGE119", "TP60AGE1", "2019"),
        ("PIMPOT22", "PIMPOT", "2022"),
        ("D921", "D9", "2021"),
        ("P18_RP_PROP", "RP_PROP", "2018"),
        ("NAIS1621", "NAIS", "2016-2021"),
        ("DISP_S80S2021", "DISP_S80S20", "2021"),
        ("ETTEFP1024", "TEFP10", "2024"),
    ],
)
def test_recognise(column, stem, vintage):
    col = recognise(column)
    assert col is not None and (col.stem, col.vintage) == (stem, vintage)


@pytest.mark.parametrize("column", ["LIBGEO", "MED", "P18POP", "XYZ21"])
def test_not_recognised(column):
    assert recognise(column) is None


def _filosofi_text(newline: str) -> str:
    lines = [
        "CODGEO;LIBGEO;NBMENFISC22;MED22;TP6022;PIMPOT22",
        "01001;L'Abergement-Clémenciat;346;25820;s;-14,8",
        "2A004;Ajaccio;31 402;22 110;18,5;nd",
        "97411;Saint-Denis;60000;17500.5;;-9.5",
    ]
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    ("encoding", "newline", "zipped"),
    [
        ("utf-8", "\n", False),
        ("utf-8-sig", "\r\n", False),
        ("latin-1", "\r\n", False),
        ("utf-8", "\n", True),
    ],
)
def test_formats(encoding, newline, zipped):
    data = _filosofi_text(newline).encode(encoding)
    name = "cc_filosofi_2022_COM.csv"
    if zipped:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, data)
            archive.writestr(
                "meta_cc_filosofi_2022_COM.csv",
                "COD_VAR;LIB_VAR;LIB_VAR_LONG\nMED22;Médiane;Médiane du niveau de vie\n",
            )
        data, name = buffer.getvalue(), "base-cc-filosofi-2022_CSV.zip"
    table = read_insee(data, name=name)
    assert table.kind is InseeKind.FILOSOFI
    assert table.values.index.tolist() == ["01001", "2A004", "97411"]
    assert table.values.at["2A004", "NBMENFISC22"] == 31402
    assert table.values.at["01001", "PIMPOT22"] == -14.8
    assert table.values.at["97411", "MED22"] == 17500.5
    assert table.secret.at["01001", "TP6022"] and table.secret.at["97411", "TP6022"]
    assert table.secret.at["2A004", "PIMPOT22"]
    assert math.isnan(table.values.at["01001", "TP6022"])
    assert table.ignored == ["LIBGEO"]
    if zipped:
        assert table.labels["MED22"] == ("Médiane", "Médiane du niveau de vie")


def test_latin1_character_after_the_sampled_start():
    rows = "".join(f"{54000 + i % 900:05d}{i:06d};{i};Commune\n" for i in range(60_000))
    data = ("CODGEO;NBMENFISC21;LIBGEO\n" + rows + "99999;5;Évian\n").encode("latin-1")
    assert len(data) > 1 << 20  # the "É" is past the part used to guess the encoding
    table = read_insee(data, name="cc_filosofi_2021_COM.csv", kind="filosofi")
    assert len(table.values) == 60_001 and table.values.at["99999", "NBMENFISC21"] == 5
