"""What the atlas shows, cell for cell, against INSEE's national files read here independently
(the csv module, not the app's reader), for departments no reference slice covers: 49, 13,
2A, and 14 for communes merged since the Filosofi file's geography. Secret cells, merged
communes, and rates recomputed by hand as Σ numerators / Σ denominators for an EPCI and a
district."""

from __future__ import annotations

import csv
import html
import io
import zipfile

import pytest
from plain_sources import PlainSources

from carto.common.fmt import format_value
from carto.compose import maps, table
from carto.compose.keys import TerritoryKey, Token, districts_token
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.map.choropleth import zone_comparison

NO_DATA = Token()
LABELS = {"s": "secret statistique", "nd": "non disponible", "": "non disponible"}


@pytest.fixture(scope="module")
def filosofi(sources_dir) -> dict[str, dict[str, str]]:
    with (sources_dir / "cc_filosofi_2021_COM.csv").open(encoding="ascii", newline="") as fh:
        return {row["CODGEO"]: row for row in csv.DictReader(fh, delimiter=";")}


@pytest.fixture(scope="module")
def comparateur(sources_dir) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(sources_dir / "base_cc_comparateur_csv.zip") as archive:
        text = archive.read("base_cc_comparateur.CSV").decode("utf-8")
    return {row["CODGEO"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}


@pytest.fixture(scope="module")
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def _key(dep: str, level: str = "commune", arr: bool = False) -> TerritoryKey:
    return TerritoryKey(dep, arr, level, None, NO_DATA, Token())


def _shown(src, key, indicator_id: str) -> dict[str, str]:
    view = maps.build_map(key, maps.PlainMap(indicator_id, "quantiles", 5, "YlOrRd"), src)
    return {f["id"]: html.unescape(f["properties"]["valeur"]) for f in view.collection["features"]}


def _expected(raw: str, unit: str, decimals: int) -> str:
    if raw in LABELS:
        return LABELS[raw]
    return format_value(float(raw.replace(",", ".")), unit, decimals)


FILOSOFI_CELLS = [
    ("revenu_median_2021", "MED21", "€", 0),
    ("taux_pauvrete_2021", "TP6021", "%", 1),
    ("menages_fiscaux_2021", "NBMENFISC21", "ménages", 0),
    ("part_prestations_sociales_2021", "PPSOC21", "%", 1),
    ("decile_1_2021", "D121", "€", 0),
    ("taux_pauvrete_age6_2021", "TP60AGE621", "%", 1),
]


@pytest.mark.parametrize("dep", ["49", "13", "2A"])
@pytest.mark.parametrize(("indicator", "column", "unit", "decimals"), FILOSOFI_CELLS)
def test_filosofi_cells_are_the_file_cells(
    src, bundle, filosofi, dep, indicator, column, unit, decimals
):
    shown = _shown(src, _key(dep), indicator)
    merged = set(bundle.meta["indicateurs"]["sources"][0]["communes_issues_de_fusions"])
    compared = secret = 0
    for code, text in shown.items():
        if code in filosofi and code not in merged:
            assert text == _expected(filosofi[code][column], unit, decimals), (code, column)
            compared += 1
            secret += text == "secret statistique"
    assert compared >= len(shown) - 2  # every commune but the merged / renamed ones
    if column == "TP6021":
        assert secret > 0  # the normal case, shown as such


def test_secret_and_published_cells_in_the_table_the_csv_and_the_click_panel(src, filosofi):
    key = _key("2A")
    zones = table.zones_table(key, None, src)
    rows = {
        r["Code"]: r
        for r in csv.DictReader(io.StringIO(zones.csv.decode("utf-8-sig")), delimiter=";")
    }
    header = "Taux de pauvreté 2021 (%)"
    for code in ("2A001", "2A004"):  # Afa: secret; Ajaccio: 16,0 %
        raw, cell = filosofi[code]["TP6021"], rows[code][header]
        if raw == "s":
            assert cell == "secret statistique"
        else:  # a number for Excel, in French notation
            assert float(cell.replace(",", ".")) == float(raw.replace(",", "."))
        note = zones.notes.loc[zones.frame["Code"].eq(code), header].item()
        assert note == ("secret statistique" if raw == "s" else "")
    terr = src.territory(key)
    panel = zone_comparison(terr, src.catalogue(NO_DATA), "2A001")

    def value(label: str) -> str:
        row = panel["Indicateur"].str.fullmatch(f"{label}( 2021)?")
        return panel.loc[row & panel["Source"].str.contains("Filosofi 2021"), "Valeur"].item()

    assert value("Taux de pauvreté") == "secret statistique"
    assert value("Niveau de vie médian") == _expected(filosofi["2A001"]["MED21"], "€", 0)


def test_marseille_by_arrondissement(src, filosofi):
    shown = _shown(src, _key("13", arr=True), "revenu_median_2021")
    arrondissements = [c for c in shown if c.startswith("132")]
    assert len(arrondissements) == 16
    for code in arrondissements:
        assert shown[code] == _expected(filosofi[code]["MED21"], "€", 0), code


def test_communes_merged_since_the_file(src, bundle, filosofi, comparateur):
    history = bundle.history
    # 14: Filosofi 2021 (geography 2024) has the parts of communes merged in 2025.
    for target in ("14408", "14743"):
        parts = [target, *history.loc[history["CODGEO"].eq(target), "CODGEO_ANCIEN"]]
        rows = [filosofi[c] for c in parts if c in filosofi]
        assert len(rows) >= 2
        shown = _shown(src, _key("14"), "menages_fiscaux_2021")[target]
        if all(r["NBMENFISC21"] not in LABELS for r in rows):
            total = sum(float(r["NBMENFISC21"]) for r in rows)
            assert shown == format_value(total, "ménages", 0)
        else:
            assert shown == "secret statistique"  # one part secret: the sum would reveal it
        median = _shown(src, _key("14"), "revenu_median_2021")[target]
        assert median == "non disponible (commune fusionnée)"
    # 49: the comparateur (geography 2021) has the parts of 49160.
    parts = ["49160", *history.loc[history["CODGEO"].eq("49160"), "CODGEO_ANCIEN"]]
    rows = [comparateur[c] for c in parts if c in comparateur]
    assert len(rows) >= 2
    population = sum(float(r["P18_POP"]) for r in rows)
    assert _shown(src, _key("49"), "population_rp_2018")["49160"] == format_value(
        population, "hab.", 0
    )
    assert _shown(src, _key("49"), "revenu_median_2019")["49160"] == (
        "non disponible (commune fusionnée)"
    )


def _rate(rows, num: str, den: str) -> float:
    return 100 * sum(float(r[num]) for r in rows) / sum(float(r[den]) for r in rows)


def test_epci_rate_is_the_ratio_of_sums_by_hand(src, bundle, comparateur):
    communes = bundle.communes.set_index("CODGEO")
    epci = communes.at["49126", "EPCI"]  # Mauges Communauté, with Orée d'Anjou (49069 before)
    members = communes.index[communes["EPCI"].eq(epci) & communes["TYPE"].eq("COM")]
    codes = ["49069" if c == "49126" else c for c in members]
    rows = [comparateur[c] for c in codes]
    expected = _rate(rows, "P18_CHOM1564", "P18_ACT1564")
    shown = _shown(src, _key("49", "epci"), "taux_chomage_2018")[epci]
    assert shown == format_value(expected, "%", 1)
    terr = src.territory(_key("49", "epci"))
    measures = terr.measures.loc[epci]
    assert 100 * measures["P18_CHOM1564"] / measures["P18_ACT1564"] == pytest.approx(expected)
    vacancy = _rate(rows, "P18_LOGVAC", "P18_LOG")
    assert _shown(src, _key("49", "epci"), "part_logements_vacants_2018")[epci] == format_value(
        vacancy, "%", 1
    )


def test_district_rate_and_count_by_hand(src, comparateur, filosofi):
    mapping = {"13055": "Marseille et Aubagne", "13005": "Marseille et Aubagne", "13001": "Aix"}
    save_district_set(DistrictSet("13", "Essai", mapping))
    key = TerritoryKey("13", False, "district", "Essai", NO_DATA, districts_token("13"))
    activity = _shown(src, key, "taux_activite_2018")
    households = _shown(src, key, "menages_fiscaux_2021")
    for name in ("Marseille et Aubagne", "Aix"):
        codes = [c for c, d in mapping.items() if d == name]
        rows = [comparateur[c] for c in codes]
        assert activity[name] == format_value(_rate(rows, "P18_ACT1564", "P18_POP1564"), "%", 1)
        total = sum(float(filosofi[c]["NBMENFISC21"]) for c in codes)
        assert households[name] == format_value(total, "ménages", 0)
