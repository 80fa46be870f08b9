"""Several vintages: families, evolution with code changes explained, breaks shared by years."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from carto.indicators.catalogue import Indicator, Kind, Polarity
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import load_imported_measures, save_dataset
from carto.indicators.vintages import (
    VintageError,
    family_key,
    load_indicator_measures,
    vintage_evolution,
    vintage_series,
)
from carto.map.classify import ClassificationError, counts_for, shared_classification
from carto.map.diverging import evolution_map

HISTORY = pd.DataFrame(
    {
        "CODGEO_ANCIEN": ["95282"],
        "LIBGEO_ANCIEN": ["Gouzangrez"],
        "TYPE": ["COMD"],
        "CODGEO": ["95169"],
    },
    dtype="str",
)


def _tp60(year: str) -> Indicator:
    return Indicator(
        f"taux_pauvrete_{year}",
        "Taux de pauvreté",
        "d",
        "%",
        "Filosofi",
        year,
        Kind.VALUE,
        column=f"TP60{year[2:]}",
        decimals=1,
        polarity=Polarity.HIGHER_WORSE,
    )


def _men(year: str) -> Indicator:
    return Indicator(
        f"menages_fiscaux_{year}",
        "Nombre de ménages fiscaux",
        "d",
        "ménages",
        "Filosofi",
        year,
        Kind.COUNT,
        column=f"NBMENFISC{year[2:]}",
    )


PARTNER = Indicator(
    "partenaire_caf_2024__allocataires",
    "Allocataires",
    "d",
    "alloc.",
    "CAF",
    "2024",
    Kind.COUNT,
    column="partenaire_caf_2024__allocataires",
)
OLD = pd.DataFrame(
    {"TP6019": [10.0, 20.0, np.nan, 30.0], "NBMENFISC19": [100.0, 200.0, 50.0, 40.0]},
    index=pd.Index(["95001", "95002", "95169", "95282"], dtype="str"),
)
NEW = pd.DataFrame(
    {"TP6021": [12.0, 15.0, 25.0, 5.0], "NBMENFISC21": [110.0, 190.0, 95.0, 70.0]},
    index=pd.Index(["95001", "95002", "95169", "54001"], dtype="str"),
)


def test_family_key_strips_the_vintage():
    assert family_key(_tp60("2021")) == "taux_pauvrete"
    assert family_key(PARTNER) == "Allocataires|alloc.|count"


def test_series_lists_vintages_oldest_first():
    inds = [_tp60("2021"), _tp60("2019"), _men("2020"), _tp60("2020"), PARTNER]
    series = vintage_series(inds)
    assert series["taux_pauvrete"].vintages == ["2019", "2020", "2021"]
    assert series["menages_fiscaux"].vintages == ["2020"]
    assert series["taux_pauvrete"].indicator("2020").column == "TP6020"
    with pytest.raises(VintageError, match=r"2018 .* n'est pas importé"):
        series["taux_pauvrete"].indicator("2018")


def test_series_keeps_only_indicators_with_measures_and_dated_partners():
    measures = pd.DataFrame(columns=["TP6019", "TP6021"])
    series = vintage_series([_tp60("2019"), _tp60("2020"), _tp60("2021")], measures)
    assert series["taux_pauvrete"].vintages == ["2019", "2021"]
    undated = replace(PARTNER, vintage="non précisé")
    assert vintage_series([undated]) == {}


def test_evolution_in_points_with_codes_explained():
    result = vintage_evolution(
        _tp60("2019"), _tp60("2021"), OLD, NEW, departments={"95"}, history=HISTORY
    )
    change = result.change
    assert change["95001"] == pytest.approx(2.0)
    assert change["95002"] == pytest.approx(-5.0)
    assert np.isnan(change["95169"])  # secret in 2019: no evolution, never 25 points
    assert result.evolution.only_old == ["95282"]
    assert result.evolution.only_new == []  # 54001 is outside the territory shown
    assert result.perimeter_changed == {"95169": ["95282 Gouzangrez"]}
    report = result.report_fr()
    assert "95282" in report and "95169 (a absorbé 95282 Gouzangrez)" in report
    assert result.title() == "Évolution 2019 → 2021 (en points)"


def test_evolution_order_and_errors():
    swapped = vintage_evolution(_tp60("2021"), _tp60("2019"), NEW, OLD, history=HISTORY)
    assert swapped.old.vintage == "2019" and swapped.change["95001"] == pytest.approx(2.0)
    with pytest.raises(VintageError, match="même indicateur"):
        vintage_evolution(_tp60("2019"), _men("2021"), OLD, NEW)
    with pytest.raises(VintageError, match="deux millésimes différents"):
        vintage_evolution(_tp60("2019"), _tp60("2019"), OLD, OLD)


def test_count_evolution_in_percent_by_zone():
    zones = pd.Series({"95001": "A", "95002": "A", "95169": "B"})
    result = vintage_evolution(_men("2019"), _men("2021"), OLD, NEW, zones, history=HISTORY)
    assert result.evolution.unit == "%"
    assert result.change["A"] == pytest.approx((300 - 300) / 300 * 100)
    assert result.change["B"] == pytest.approx((95 - 50) / 50 * 100)


def test_evolution_map_is_diverging_and_signed():
    result = vintage_evolution(_tp60("2019"), _tp60("2021"), OLD, NEW, history=HISTORY)
    gm = evolution_map(result, method="manuel", manual_bounds=[1])
    assert gm.classification.k == 3
    b = np.array(gm.classification.bounds)
    np.testing.assert_allclose(b, -b[::-1])
    assert gm.texts["95001"] == "+2,0\u00a0pts" and gm.texts["95002"] == "−5,0\u00a0pts"
    assert gm.colors["95001"] == gm.classification.colors[-1] == "#ef8a62"  # poverty up: warm
    assert gm.colors["95002"] == gm.classification.colors[0] == "#67a9cf"
    assert gm.reading.startswith("En rouge : hausse entre 2019 et 2021")
    better = replace(_tp60("2021"), polarity=Polarity.HIGHER_BETTER)
    gm2 = evolution_map(replace(result, new=better), method="manuel", manual_bounds=[1])
    assert gm2.colors["95001"] == gm2.classification.colors[-1]
    assert gm2.classification.colors == gm.classification.colors[::-1]
    assert gm2.reading.startswith("En bleu : hausse")


def test_shared_breaks_give_both_years_the_same_legend():
    y1 = pd.Series([1.0, 2.0, 3.0, 4.0, np.nan])
    y2 = pd.Series([5.0, 6.0, 7.0, 8.0])
    shared = shared_classification([y1, y2], "egal", 4, "Blues")
    assert shared.bounds == (1.0, 2.75, 4.5, 6.25, 8.0)
    first, second = counts_for(shared, y1), counts_for(shared, y2)
    assert first.bounds == second.bounds == shared.bounds
    assert first.colors == second.colors
    assert first.counts == (2, 2, 0, 0) and first.missing_count == 1
    assert second.counts == (0, 0, 2, 2) and second.missing_count == 0
    # the same value gets the same colour whatever its year
    assert shared.colors_for(pd.Series([4.0])).iloc[0] == shared.colors_for(y1).iloc[3]
    with pytest.raises(ClassificationError):
        shared_classification([])


FILOSOFI_19 = (
    b"CODGEO;NBMENFISC19;MED19;TP6019\r\n"
    b"95001;100;21000;10,0\r\n95169;50;20000;\r\n95282;40;19000;30,0\r\n"
)
FILOSOFI_21 = b"CODGEO;NBMENFISC21;MED21;TP6021\n95001;110;22000;12,0\n95169;95;21500;s\n"


def test_stored_imports_keep_their_published_codes():
    save_dataset(import_insee(FILOSOFI_19, name="cc_filosofi_2019_COM.csv"))
    save_dataset(import_insee(FILOSOFI_21, name="cc_filosofi_2021_COM.csv"))
    merged, _secret, indicators = load_imported_measures(pd.Index(["95001", "95169"]))
    several = vintage_series(indicators, merged)
    assert several["taux_pauvrete"].vintages == ["2019", "2021"]
    old = several["taux_pauvrete"].indicator("2019")
    measures_old = load_indicator_measures(old)
    assert "95282" in measures_old.index  # gone from the merged frame, kept here
    assert list(measures_old.columns) == ["TP6019"]
    with pytest.raises(VintageError, match="Aucun import"):
        load_indicator_measures(_tp60("2020"))


@pytest.fixture(scope="module")
def filosofi_dir(reference_dir):
    folder = reference_dir / "insee_filosofi_communes"
    if not (folder / "cc_filosofi_2021_COM_dep33-54-73-93-95.csv").exists():
        pytest.skip("tranches Filosofi communales absentes de ../shared/reference")
    return folder


def _raw(path, column):
    with open(path, encoding="ascii", newline="") as fh:
        return {row["CODGEO"]: row[column] for row in csv.DictReader(fh, delimiter=";")}


@pytest.mark.reference
def test_real_filosofi_three_vintages(filosofi_dir, bundle):
    names = {
        "2019": "cc_filosofi_2019_COM_dep33-54-73-93-95.CSV",
        "2020": "cc_filosofi_2020_COM_dep33-54-73-93-95.csv",
        "2021": "cc_filosofi_2021_COM_dep33-54-73-93-95.csv",
    }
    for name in names.values():
        save_dataset(import_insee(filosofi_dir / name))
    codes = pd.Index(bundle.communes["CODGEO"])
    merged, _secret, indicators = load_imported_measures(codes)
    series = vintage_series(indicators, merged)
    assert series["taux_pauvrete"].vintages == ["2019", "2020", "2021"]
    assert series["revenu_median"].vintages == ["2019", "2020", "2021"]

    old, new = series["taux_pauvrete"].indicator("2019"), series["taux_pauvrete"].indicator("2021")
    result = vintage_evolution(
        old,
        new,
        load_indicator_measures(old),
        load_indicator_measures(new),
        departments={"95"},
        history=bundle.history,
    )
    assert result.evolution.only_old == ["95282"]  # Gouzangrez, merged away by 2024
    assert "95282" in result.report_fr()
    raw19 = _raw(filosofi_dir / names["2019"], "TP6019")
    raw21 = _raw(filosofi_dir / names["2021"], "TP6021")
    checked = 0
    for code in sorted(result.change.index)[::15]:
        a, b = raw19.get(code, ""), raw21.get(code, "")
        if a in ("", "s") or b in ("", "s"):
            assert np.isnan(result.change[code])  # secret in one year: never an evolution
            continue
        expected = float(b.replace(",", ".")) - float(a.replace(",", "."))
        assert result.change[code] == pytest.approx(expected), code
        checked += 1
    assert checked >= 3

    # Shared breaks: the 2019 and 2021 maps of the Val-d'Oise communes use one legend.
    med = series["revenu_median"]
    dep95 = merged.index[merged.index.str.startswith("95")]
    v19 = merged.loc[dep95, med.indicator("2019").column]
    v21 = merged.loc[dep95, med.indicator("2021").column]
    shared = shared_classification([v19, v21], "quantiles", 5, "YlGnBu")
    c19, c21 = counts_for(shared, v19), counts_for(shared, v21)
    assert sum(c19.counts) + sum(c21.counts) == v19.notna().sum() + v21.notna().sum()
    assert sum(c21.counts[3:]) > sum(c19.counts[3:])  # incomes rose: more communes on top
