"""Reference values named « France » or after a department cover that whole territory, or say
what they cover, or are not shown (``carto.indicators.reference``).

Regressions: after importing a five-department file, « la France : 14,1 % » was the total of
those five departments and the portrait's France column summed them; at district level,
« Meurthe-et-Moselle (54) : 15,3 % » was the total of the districts' communes only (the
department's figure is 13,6 %).
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from national_files import COMPARATEUR_2022, comparateur_rows, national_file
from plain_sources import PlainSources

from carto.compose import maps
from carto.compose.diagnosis import Zone, portrait_data
from carto.compose.keys import TerritoryKey, Token, imports_token
from carto.compose.territory import view_reference
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.indicators.catalogue import Indicator, Kind
from carto.indicators.reference import MIN_COVERED_SHARE, reference_value
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import save_dataset
from carto.map.choropleth import zone_comparison
from carto.viewstate.model import ViewState

RATE = Indicator("r", "Taux", "d", "%", "s", "2018", Kind.RATE, numerator="N", denominator="D",
                 scale=100.0, decimals=1)  # fmt: skip
COUNT = Indicator("c", "Ménages", "d", "ménages", "s", "2021", Kind.COUNT, column="N")
MEDIAN = Indicator("m", "Médiane", "d", "€", "s", "2021", Kind.VALUE, column="N")
UNEMPLOYMENT = "taux_chomage_2018"
FIVE = ("13", "31", "54", "69", "75")  # a five-department file cut from the national one


def _measures(n: list[float], d: list[float], pop: list[float], codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"N": n, "D": d, "P_POP": pop}, index=pd.Index(codes, dtype="str"))


# --- the rule --------------------------------------------------------------------------------


def test_complete_territory_gives_the_plain_value() -> None:
    m = _measures([10, 30], [100, 200], [1000, 2000], ["54001", "54002"])
    ref = reference_value(RATE, m, m.index, "Meurthe-et-Moselle (54)")
    assert ref.complete and ref.value == pytest.approx(40 / 300 * 100)
    assert ref.text(RATE) == "13,3\u00a0%" and ref.note == ""


def test_reference_counts_every_commune_of_the_territory_not_only_the_rows_given() -> None:
    m = _measures([10], [100], [1000], ["54001"])
    codes = pd.Index(["54001", "54002"], dtype="str")  # 54002 has no row: not covered
    ref = reference_value(RATE, m, codes, "Meurthe-et-Moselle (54)")
    assert not ref.shown and ref.covered == 1 and ref.total == 2
    assert ref.text(RATE) == "non disponible — données disponibles pour 1 communes sur 2 " \
        "seulement (50,0\u00a0% de la population)"  # fmt: skip


def test_small_secret_communes_leave_a_shown_value_with_its_coverage() -> None:
    codes = ["54001", "54002", "54003"]
    m = _measures([10, 30, np.nan], [100, 200, np.nan], [10_000, 20_000, 50], codes)
    ref = reference_value(RATE, m, m.index, "Meurthe-et-Moselle (54)")
    assert ref.shown and not ref.complete and ref.value == pytest.approx(40 / 300 * 100)
    assert "sur les 2 communes sur 3 qui ont des données, soit 99,8\u00a0% de la population" in (
        ref.text(RATE)
    )
    count = reference_value(COUNT, m, m.index, "Meurthe-et-Moselle (54)")
    assert count.at_least and count.text(COUNT).startswith("au moins 40\u00a0ménages (")


def test_departments_without_data_hide_the_reference_and_say_how_many_have_some() -> None:
    codes = pd.Index(["13001", "31001", "54001", "69001", "75056", "93001", "95001"], dtype="str")
    m = _measures([1, 1, 1, 1, 1], [10, 10, 10, 10, 10], [100] * 5, list(codes[:5]))
    ref = reference_value(RATE, m.reindex(codes).assign(P_POP=100.0), codes, "France")
    assert not ref.shown and MIN_COVERED_SHARE > 5 / 7
    assert ref.text(RATE) == (
        "non disponible — données disponibles pour 5 département(s) sur 7 seulement"
    )


def test_published_values_and_absent_measures_are_never_rebuilt() -> None:
    m = _measures([20000, 21000], [1, 1], [1, 1], ["54001", "54002"])
    assert not reference_value(MEDIAN, m, m.index, "France").shown
    assert "non recalculable" in reference_value(MEDIAN, m, m.index, "France").text(MEDIAN)
    absent = reference_value(RATE, m.drop(columns="D"), m.index, "France")
    assert absent.text(RATE) == "non disponible — indicateur absent des données du territoire"


# --- the app's views, on the national comparateur ------------------------------------------


@pytest.fixture(scope="module")
def five_departments(tmp_path_factory) -> bytes:
    """The national comparateur 2022 cut to five departments, as a partner would send it."""
    with zipfile.ZipFile(national_file(COMPARATEUR_2022)) as archive:
        lines = archive.read("base_cc_comparateur.CSV").decode("utf-8").splitlines(True)
    kept = [lines[0]] + [line for line in lines[1:] if line[:2] in FIVE]
    return "".join(kept).encode("utf-8")


def _key(dep: str, level: str = "commune", district_set: str | None = None) -> TerritoryKey:
    return TerritoryKey(dep, False, level, district_set, imports_token(), Token())


def _hand_rate(codes: list[str]) -> float:
    rows = comparateur_rows(("P18_CHOM1564", "P18_ACT1564"))
    unemployed = sum(float(rows[c]["P18_CHOM1564"]) for c in codes)
    return 100 * unemployed / sum(float(rows[c]["P18_ACT1564"]) for c in codes)


def _communes(bundle, dep: str) -> list[str]:
    com = bundle.communes
    return list(com.loc[(com["DEP"] == dep) & (com["TYPE"] == "COM"), "CODGEO"])


def _france_hand(column_num: str, column_den: str | None = None) -> float:
    """Σ over every commune row of the national comparateur (arrondissements left out: their
    city's row counts them), by hand."""
    plm = ("751", "6938", "132")
    rows = [
        r
        for code, r in comparateur_rows((column_num, column_den or column_num)).items()
        if not code.startswith(plm) or code in ("75056", "69123", "13055")
    ]
    num = sum(float(r[column_num]) for r in rows if r[column_num])
    if column_den is None:
        return num
    return 100 * num / sum(float(r[column_den]) for r in rows if r[column_den])


def test_five_department_import_never_stands_for_france(bundle, five_departments) -> None:
    """The national data covers France: after a five-department file, « la France » is still
    the whole of France (by hand from the official file), never those five departments."""
    save_dataset(import_insee(five_departments, "base_cc_comparateur_5dep.csv"))
    src = PlainSources(bundle)
    compared = maps.build_map(_key("54"), maps.ComparisonMap(UNEMPLOYMENT, "france", "quantiles",
                                                             5), src)  # fmt: skip
    whole = _france_hand("P18_CHOM1564", "P18_ACT1564")
    assert compared.reference_value == pytest.approx(whole, rel=1e-9)
    in_file = comparateur_rows(("P18_POP",))
    five = _hand_rate([c for d in FIVE for c in _communes(bundle, d) if c in in_file])
    assert round(five, 1) != round(whole, 1)  # the old, wrong figure
    france = maps.build_map(_key("FR"), maps.PlainMap(UNEMPLOYMENT, "quantiles", 5, "YlOrRd"), src)
    assert france.reference_label == "France"
    assert france.reference_value == pytest.approx(whole, rel=1e-9)
    # the department itself: its own figure, by hand
    by_dep = maps.build_map(_key("13"), maps.ComparisonMap(UNEMPLOYMENT, "departement",
                                                           "quantiles", 5), src)  # fmt: skip
    assert by_dep.reference_value == pytest.approx(_hand_rate(_communes(bundle, "13")), rel=1e-9)


def test_portrait_france_column_is_the_whole_of_france(bundle, five_departments) -> None:
    save_dataset(import_insee(five_departments, "base_cc_comparateur_5dep.csv"))
    src = PlainSources(bundle)
    key = _key("13")
    zone = Zone("commune", "13055", "Marseille", "Bouches-du-Rhône (13)")
    data = portrait_data(key, ViewState(department="13"), zone, [], Token(), src)
    rows = {(r.label, r.vintage): r for r in data.indicators}
    population = rows[("Population municipale (recensement)", "2018")]
    assert population.france_value == pytest.approx(_france_hand("P18_POP"), rel=1e-9)
    pop = comparateur_rows(("P18_POP",))
    assert population.department_value == pytest.approx(
        sum(float(pop[c]["P18_POP"]) for c in _communes(bundle, "13")), rel=1e-9
    )
    rate = rows[("Taux de chômage des 15-64 ans", "2018")]
    assert rate.department_value == pytest.approx(_hand_rate(_communes(bundle, "13")), rel=1e-9)


def test_district_level_reference_is_the_whole_department(bundle) -> None:
    save_dataset(import_insee(str(national_file(COMPARATEUR_2022))))
    nancy = ["54395", "54547", "54482", "54339", "54578"]
    mapping = {c: "Nancy" for c in nancy} | {"54099": "Brabois"}
    save_district_set(DistrictSet("54", "Trois", mapping | {"54528": "Toul"}))
    src = PlainSources(bundle)
    key = _key("54", "district", "Trois")
    view = maps.build_map(key, maps.PlainMap(UNEMPLOYMENT, "quantiles", 3, "YlOrRd"), src)
    whole = _hand_rate(_communes(bundle, "54"))
    assert view.reference_label == "Meurthe-et-Moselle (54)"
    assert view.reference_value == pytest.approx(whole, rel=1e-9)
    assert view.reference_text == "13,6\u00a0%"
    districts_only = _hand_rate(sorted(mapping | {"54528": "Toul"}))
    assert round(districts_only, 1) != 13.6  # the old, wrong figure was this one
    # the click panel compares a district with the same whole department
    terr = src.territory(key)
    reference = view_reference("54", key.imports, src)
    panel = zone_comparison(terr, src.catalogue(key.imports), "Nancy", reference).set_index(
        "Indicateur"
    )
    assert panel.at["Taux de chômage des 15-64 ans", "Meurthe-et-Moselle (54)"] == "13,6\u00a0%"


# --- the click panel: each indicator once, dated beside its other vintages --------------------


def test_click_panel_dates_the_vintages_of_one_indicator(bundle, five_departments) -> None:
    filosofi_2020 = (
        b"CODGEO;NBMENFISC20;PIMP20;MED20\n13001;64000;58,0;23660\n13002;1300;55,0;24050\n"
    )
    save_dataset(import_insee(five_departments, "base_cc_comparateur_5dep.csv"))  # PIMP19
    save_dataset(import_insee(filosofi_2020, "cc_filosofi_2020_COM.csv"))
    src = PlainSources(bundle)
    key = _key("13")
    terr = src.territory(key)
    panel = zone_comparison(terr, src.catalogue(key.imports), "13001",
                            view_reference("13", key.imports, src))  # fmt: skip
    labels = list(panel["Indicateur"])
    assert len(labels) == len(set(labels))
    shares = [label for label in labels if label.startswith("Part des ménages fiscaux imposés")]
    assert shares == ["Part des ménages fiscaux imposés 2019",
                      "Part des ménages fiscaux imposés 2020",
                      "Part des ménages fiscaux imposés 2021"]  # fmt: skip
    assert "Population municipale (recensement) 2018" in labels
    assert "Nombre de ménages" in labels  # alone of its family: no vintage
    row = panel.set_index("Indicateur").loc["Part des ménages fiscaux imposés 2020"]
    assert row["Valeur"] == "58,0\u00a0%" and row["Bouches-du-Rhône (13)"].startswith(
        "non disponible"
    )


def test_listed_indicators_keep_one_of_two_identical_declarations() -> None:
    from carto.indicators.vintages import listed_indicators

    a = Indicator("x_2021", "Ménages", "d", "", "s", "2021", Kind.COUNT, column="N")
    twin = Indicator("y_2021", "Ménages fiscaux", "d", "", "s", "2021", Kind.COUNT, column="N")
    other = Indicator("x_2019", "Ménages", "d", "", "s", "2019", Kind.COUNT, column="N19")
    assert [label for _, label in listed_indicators([a, twin, other])] == [
        "Ménages 2019",
        "Ménages 2021",
    ]
