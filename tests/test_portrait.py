"""Territory portrait as plain data, then PDF, HTML, XLSX and CSV, all escaping user text."""

from __future__ import annotations

import io
import math
import re
import zlib
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import Polygon, box

from carto.diagnosis.model import Observation
from carto.diagnosis.portrait import pdf as portrait_pdf
from carto.diagnosis.portrait.build import indicator_rows, shapes_from_frame, sites_from_frame
from carto.diagnosis.portrait.drawing import map_svg
from carto.diagnosis.portrait.files import to_csv, to_html, to_xlsx
from carto.diagnosis.portrait.model import (
    MapShape,
    PortraitData,
    PortraitError,
    SiteRow,
    footnotes,
)
from carto.diagnosis.portrait.pdf import to_pdf
from carto.indicators.catalogue import Indicator, Kind, default_catalogue

XSS = "<img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    with_hole = Polygon(
        [(6.10, 48.60), (6.25, 48.60), (6.25, 48.72), (6.10, 48.72)],
        [[(6.15, 48.65), (6.20, 48.65), (6.20, 48.70)]],
    )
    return gpd.GeoDataFrame(
        {"LIBGEO": [f"Nancy {XSS}", "Laxou", "Ludres"]},
        geometry=[with_hole, box(6.0, 48.6, 6.1, 48.7), box(6.25, 48.6, 6.4, 48.75)],
        index=pd.Index(["54395", "54304", "54328"], name="CODGEO"),
        crs="EPSG:4326",
    )


@pytest.fixture
def measures() -> pd.DataFrame:
    return pd.DataFrame(
        {"P_POP": [104_000.0, 15_000.0, 6_000.0], "AREA_KM2": [15.0, 12.0, 20.0]},
        index=["54395", "54304", "54328"],
    )


@pytest.fixture
def data(zones, measures) -> PortraitData:
    france = pd.concat([measures, measures.rename(index=lambda c: "57" + c[2:]) * 9])
    rows = indicator_rows(
        default_catalogue().indicators.values(), measures.iloc[:2], measures, france, "de l'EPCI"
    )
    obs = Observation(
        territory_level="commune",
        territory_code="54395",
        department="54",
        organisation=f"CCAS {XSS}",
        author="Jeanne Œuvray",
        theme="logement",
        text=f"Hausse des impayés de loyer.\nDeuxième ligne {XSS}",
        observed_on=date(2025, 3, 14),
        id=7,
    )
    return PortraitData(
        territory_name=f"Grand Nancy {XSS}",
        territory_level="Intercommunalité (EPCI)",
        territory_code="245400676",
        department_name="Meurthe-et-Moselle",
        indicators=rows,
        sites=(SiteRow(f"CCAS {XSS}", "CCAS", "1 place Stanislas, 54000 Nancy", "03 83 00 00 00"),),
        observations=(obs,),
        shapes=shapes_from_frame(zones, highlight=["54395", "54304"]),
        generated_on=date(2026, 1, 5),
        notes=(f"Note de l'animateur {XSS}",),
    )


def test_indicator_rows_aggregate_as_sums_of_parts(measures):
    cat = default_catalogue()
    france = measures * 10
    pop, area, density, share = indicator_rows(
        [cat.get(i) for i in ("population", "superficie", "densite", "part_population")],
        measures.iloc[:2],
        measures,
        france,
    )
    assert (pop.value, pop.department_value, pop.france_value) == (119_000, 125_000, 1_250_000)
    assert area.value == 27.0
    assert density.value == pytest.approx(119_000 / 27)  # Σ pop / Σ area, not a mean of rates
    assert density.department_value == pytest.approx(125_000 / 47)
    assert share.value == pytest.approx(119_000 / 125_000 * 100)
    assert share.department_value == pytest.approx(10.0)
    assert math.isnan(share.france_value) and "Part du territoire" in share.note
    assert pop.source.startswith("INSEE") and pop.vintage == "2017"


def test_non_aggregable_value_only_for_a_single_commune(measures):
    median = Indicator(
        id="med",
        label="Revenu médian",
        definition="…",
        unit="€",
        source="INSEE Filosofi",
        vintage="2021",
        kind=Kind.VALUE,
        column="MED",
    )
    frame = measures.assign(MED=[21_000.0, 24_000.0, 19_000.0])
    [one] = indicator_rows([median], frame.iloc[:1], frame, frame)
    [many] = indicator_rows([median], frame.iloc[:2], frame, frame, "de l'EPCI")
    assert one.value == 21_000.0
    assert math.isnan(many.value) and "à l'échelle de l'EPCI" in many.note


def test_shapes_keep_holes_and_context(zones):
    shapes = shapes_from_frame(zones, highlight=["54395"])
    assert [s.highlight for s in shapes] == [True, False, False]
    assert len(shapes[0].polygons[0]) == 2  # exterior + hole
    svg = map_svg(shapes)
    assert svg.startswith("<svg") and svg.count("<path") == 3
    assert 'fill-rule="evenodd"' in svg
    assert XSS not in svg and XSS_ESCAPED in svg


def test_svg_projection_fits_the_box():
    square = MapShape("1", "A", (((((0.0, 45.0), (1.0, 45.0), (1.0, 46.0), (0.0, 45.0)),),)))
    svg = map_svg([square], width=200, height=100)
    numbers = [float(n) for n in re.findall(r"-?\d+\.\d", svg.split('d="')[1].split('"')[0])]
    assert min(numbers) >= 0 and max(numbers[0::2]) <= 200 and max(numbers[1::2]) <= 100


def test_html_is_standalone_and_escapes_user_text(data):
    page = to_html(data)
    assert page.startswith("<!DOCTYPE html>") and 'lang="fr"' in page
    assert not re.search(r"(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(", page)
    assert "<script" not in page.lower()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert XSS not in page
    # title×2, zone tooltip, site, observation×3 (its heading names the territory), note
    assert page.count(XSS_ESCAPED) == 8
    assert "<svg" in page and "<path" in page
    assert "119\u00a0000\u00a0hab." in page and "Meurthe-et-Moselle" in page


def test_html_opens_offline_with_no_external_request(data, tmp_path):
    """Parse the page as a browser would: no element may point outside the file."""
    from html.parser import HTMLParser

    external: list[tuple[str, str]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("src", "href", "xlink:href", "action", "srcset") and value:
                    external.append((tag, value))
                if name.startswith("on"):
                    external.append((tag, name))

    Collector().feed(to_html(data))
    assert external == []


def test_csv_for_french_excel(data):
    raw = to_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Indicateur;Territoire;Département;France;Unité;Source")
    assert lines[1].startswith("Population municipale;119000;125000;")
    density = next(line for line in lines if line.startswith("Densité"))
    assert density.split(";")[1] == "4407,4"  # 119 000 / 27, one decimal, decimal comma


def test_xlsx_opens_with_values_and_text_kept_as_text(data):
    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    assert wb.sheetnames == ["À propos", "Indicateurs", "Lieux", "Observations"]
    ws = wb["Indicateurs"]
    assert [c.value for c in ws[1]][:4] == ["Indicateur", "Territoire", "Département", "France"]
    assert ws["A2"].value == "Population municipale" and ws["B2"].value == 119_000
    assert ws["B4"].value == pytest.approx(4407.4) and ws["B4"].number_format == "#,##0.0"
    assert wb["Lieux"]["A2"].value == f"CCAS {XSS}"
    obs = wb["Observations"]
    assert obs["C2"].value == f"CCAS {XSS}" and obs["F2"].value.endswith(XSS)
    assert wb["À propos"]["A1"].value == data.title


def test_xlsx_never_stores_user_text_as_a_formula(data):
    from dataclasses import replace

    evil = replace(data, sites=(SiteRow('=HYPERLINK("http://x","clic")', "CCAS"),))
    ws = load_workbook(io.BytesIO(to_xlsx(evil)))["Lieux"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")


def _pdf_text(raw: bytes) -> str:
    """Text of a PDF: pypdf when installed, else a decoder for fpdf2's single-font output."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    cmap: dict[int, str] = {}
    for s in streams:
        for gid, uni in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4,8})>", s):
            cmap[int(gid, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    out = []
    for s in streams:
        for literal in re.findall(rb"\((?:\\.|[^\\)])*\)", s, re.S):
            body = re.sub(rb"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), literal[1:-1])
            out.append(
                "".join(
                    cmap.get(int.from_bytes(body[i : i + 2]), "") for i in range(0, len(body), 2)
                )
            )
    return " ".join(out)


def test_pdf_contains_the_texts(data):
    raw = to_pdf(data)
    assert raw.startswith(b"%PDF-")
    text = re.sub(r"\s+", "", _pdf_text(raw))  # word spacing may be drawn as offsets
    for expected in (
        data.title,
        "Indicateurs clés",
        "Population municipale",
        "119\u00a0000\u00a0hab.",
        "Jeanne Œuvray",
        "Hausse des impayés de loyer.",
        f"Deuxième ligne {XSS}",  # drawn as plain text, never interpreted
        "Lieux d'accueil",
        "millésime 2017",
    ):
        assert re.sub(r"\s+", "", expected) in text, expected


def test_pdf_draws_the_map_polygons(data):
    empty = to_pdf(PortraitData("X", "Commune", "54395", "Meurthe-et-Moselle"))
    assert len(to_pdf(data)) > len(empty)
    from dataclasses import replace

    without_map = to_pdf(replace(data, shapes=()))
    with_map = to_pdf(data)
    assert len(with_map) > len(without_map)


def test_missing_font_is_a_french_message(monkeypatch, tmp_path):
    monkeypatch.setattr(portrait_pdf, "FONT_FILE", "NoSuchFont.ttf")
    monkeypatch.setenv("ATLAS_PDF_FONT", str(tmp_path / "absent.ttf"))
    with pytest.raises(PortraitError, match="fonts-dejavu-core"):
        to_pdf(PortraitData("X", "Commune", "54395", "Meurthe-et-Moselle"))


def test_sites_from_the_sites_table():
    frame = pd.DataFrame(
        [
            {
                "name": "CCAS de Laxou",
                "category": "ccas",
                "address": "Rue A",
                "phone": "03",
                "email": "",
            }
        ]
    )
    assert sites_from_frame(frame) == (SiteRow("CCAS de Laxou", "CCAS", "Rue A", "03"),)


def test_build_portrait_of_an_epci_names_what_is_outside_the_department(zones, measures):
    from carto.diagnosis.portrait.build import build_portrait, members_of

    communes = pd.DataFrame(
        {"CODGEO": ["54395", "54304", "54328", "57001"], "EPCI": ["E1", "E1", "E2", "E1"]}
    )
    members = members_of(communes, "epci", "E1")
    assert members == ["54304", "54395", "57001"]
    sites = pd.DataFrame(
        [
            {"name": "CCAS de Laxou", "category": "ccas", "CODGEO": "54304"},
            {"name": "CCAS de Ludres", "category": "ccas", "CODGEO": "54328"},
        ]
    )
    cat = default_catalogue()
    imported = Indicator(
        id="imp",
        label="Importé",
        definition="",
        unit="",
        source="Partenaire",
        vintage="2024",
        kind=Kind.COUNT,
        column="IMP",
    )
    data = build_portrait(
        level="epci",
        code="E1",
        name="Métropole du Grand Nancy",
        department_name="Meurthe-et-Moselle",
        members=members,
        zones=zones,
        measures=measures.assign(IMP=[1.0, 2.0, 4.0]),
        france_measures=measures * 3,
        indicators=[cat.get("population"), imported],
        sites=sites,
    )
    pop, imp = data.indicators
    assert (pop.value, pop.department_value, pop.france_value) == (119_000, 125_000, 375_000)
    assert imp.value == 3.0 and math.isnan(imp.france_value)  # France has no such column
    assert [s.name for s in data.sites] == ["CCAS de Laxou"]
    assert {s.code: s.highlight for s in data.shapes} == {
        "54395": True,
        "54304": True,
        "54328": False,
    }
    assert "1 commune(s) du territoire hors du département" in data.notes[0]
    assert "57001" in data.notes[0]
    assert data.territory_level == "EPCI"
    assert members_of(communes, "district", "Nord", pd.Series({"54395": "Nord"})) == ["54395"]
    with pytest.raises(ValueError, match="inconnu"):
        members_of(communes, "region", "44")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (1234.5, "1234,5"),
        (-0.0, "0"),
        (0.1 + 0.2, "0,3"),
        (float("nan"), ""),
        (None, ""),
        (True, "oui"),
        (42, "42"),
        (date(2025, 3, 1), "01/03/2025"),
        ("01001", "01001"),
        ("=SOMME(A1)", "'=SOMME(A1)"),
        ("@cmd", "'@cmd"),
        ("-2", "'-2"),  # text that looks like a formula stays text
    ],
)
def test_french_csv_cells(value, cell):
    from carto.common.frcsv import csv_cell

    assert csv_cell(value) == cell


def test_pdf_says_the_aggregation_caveat_once(measures):
    from dataclasses import replace

    values = [
        Indicator(f"v{n}", f"Valeur {n}", "…", "€", "INSEE", "2021", Kind.VALUE, f"V{n}")
        for n in range(20)
    ]
    frame = measures.assign(**{f"V{n}": [1.0, 2.0, 3.0] for n in range(20)})
    rows = indicator_rows(values, frame.iloc[:2], frame, frame, "de l'EPCI")
    remarks = footnotes(rows)
    assert len(remarks.notes) == 1 and set(remarks.marks) == {"(1)"}
    assert remarks.notes[0].startswith("(1) Valeur publiée à l'échelle communale")
    data = PortraitData("Grand Nancy", "EPCI", "245400676", "Meurthe-et-Moselle", rows)
    caveat = re.sub(r"\s+", "", "ne se recalcule pas en moyennant des communes")
    assert re.sub(r"\s+", "", _pdf_text(to_pdf(data))).count(caveat) == 1
    assert to_html(data).count("ne se recalcule pas") == 1
    one = replace(data, indicators=rows[:1])
    assert re.sub(r"\s+", "", _pdf_text(to_pdf(one))).count(caveat) == 1


def test_portrait_without_a_site_list_says_so(zones, measures):
    from carto.diagnosis.portrait.build import NO_SITE_LIST, build_portrait

    common = dict(level="commune", code="54395", name="Nancy", department_name="54",
                  members=["54395"], zones=zones, measures=measures,
                  france_measures=measures, indicators=[])  # fmt: skip
    assert NO_SITE_LIST in build_portrait(**common, sites=None).notes
    assert NO_SITE_LIST not in build_portrait(**common, sites=pd.DataFrame()).notes
