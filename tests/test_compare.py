"""Comparison with a reference, evolution between vintages, small-denominator warnings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carto.indicators.catalogue import Indicator, Kind
from carto.indicators.compare import compare_to_reference, evolution, gap_unit, small_denominator
from carto.indicators.sources.insee import read_insee
from carto.indicators.sources.insee_catalogue import indicators_for

RATE = Indicator(
    "chom",
    "Taux de chômage",
    "d",
    "%",
    "s",
    "2018",
    Kind.RATE,
    numerator="CHOM",
    denominator="ACT",
    scale=100.0,
)
COUNT = Indicator("men", "Ménages", "d", "ménages", "s", "2018", Kind.COUNT, column="MEN")
VALUE = Indicator("med", "Médiane", "d", "€", "s", "2021", Kind.VALUE, column="MED")
MEASURES = pd.DataFrame(
    {
        "CHOM": [10.0, 90.0, 5.0],
        "ACT": [100.0, 300.0, 20.0],
        "MEN": [40.0, 400.0, 10.0],
        "MED": [20000.0, 15000.0, np.nan],
    },
    index=pd.Index(["A1", "A2", "B1"], dtype="str"),
)


def test_rate_gap_in_points_against_recomputed_reference():
    ref_codes = pd.Index(["A1", "A2", "B1"])
    result = compare_to_reference(RATE, MEASURES, ref_codes, "le département")
    assert result.reference == pytest.approx(105 / 420 * 100)  # not the mean of 10 %, 30 %, 25 %
    assert result.gap_unit == "pts"
    assert result.gap["A2"] == pytest.approx(30 - 25)
    assert "en points" in result.gap_label()


def test_rate_by_zone():
    zones = pd.Series({"A1": "A", "A2": "A", "B1": "B"})
    result = compare_to_reference(RATE, MEASURES, MEASURES.index, "la France", zones)
    assert result.values["A"] == pytest.approx(100 / 400 * 100)
    assert result.gap["B"] == pytest.approx(25 - 25)


def test_value_needs_published_reference():
    result = compare_to_reference(VALUE, MEASURES, MEASURES.index, "le département")
    assert result.gap.isna().all() and "publication INSEE" in result.note
    published = compare_to_reference(VALUE, MEASURES, MEASURES.index, "la France", None, 20000.0)
    assert published.gap_unit == "%"
    assert published.gap["A2"] == pytest.approx(-25.0)
    assert math.isnan(published.gap["B1"])


def test_count_gap_in_percent_of_mean_per_zone():
    result = compare_to_reference(COUNT, MEASURES, MEASURES.index, "le département")
    assert result.reference == pytest.approx(150.0)
    assert result.gap["A1"] == pytest.approx((40 - 150) / 150 * 100)
    assert gap_unit(COUNT) == "%"


def test_small_denominator_threshold():
    flags = small_denominator(RATE, MEASURES, threshold=50)
    assert flags.tolist() == [False, False, True]
    zones = pd.Series({"A1": "A", "A2": "A", "B1": "B"})
    assert small_denominator(RATE, MEASURES, zones, threshold=450).to_dict() == {
        "A": True,
        "B": True,
    }
    by_households = small_denominator(VALUE, MEASURES, threshold=50, base_column="MEN")
    assert by_households.tolist() == [True, False, True]


def test_evolution_reports_changed_codes():
    old = MEASURES.copy()
    new = MEASURES.rename(index={"B1": "B2"}).assign(CHOM=[20.0, 60.0, 5.0])
    evo = evolution(RATE, RATE, old, new)
    assert evo.change["A1"] == pytest.approx(10.0)
    assert evo.only_old == ["B1"] and evo.only_new == ["B2"]
    assert "B1" in evo.report_fr()


@pytest.mark.reference
def test_real_reference_and_evolution(reference_dir):
    folder = reference_dir / "insee_comparateur_territoires"
    path = folder / "base_cc_comparateur_2022_dep33-54-73-93-95.CSV"
    table = read_insee(path)
    rate = next(i for i in indicators_for(table) if i.id == "taux_chomage_2018")
    lines = path.read_text("ascii").splitlines()
    header = lines[0].split(";")
    chom, act = header.index("P18_CHOM1564"), header.index("P18_ACT1564")
    rows = [line.split(";") for line in lines[1:] if line.startswith("93")]
    expected = sum(float(r[chom]) for r in rows) / sum(float(r[act]) for r in rows) * 100
    codes93 = pd.Index([r[0] for r in rows])
    result = compare_to_reference(rate, table.values, codes93, "la Seine-Saint-Denis")
    assert result.reference == pytest.approx(expected, rel=1e-12)
    fil = reference_dir / "insee_filosofi_communes"
    t19 = read_insee(fil / "cc_filosofi_2019_COM_dep33-54-73-93-95.CSV")
    t21 = read_insee(fil / "cc_filosofi_2021_COM_dep33-54-73-93-95.csv")
    i19 = next(i for i in indicators_for(t19) if i.id == "taux_pauvrete_2019")
    i21 = next(i for i in indicators_for(t21) if i.id == "taux_pauvrete_2021")
    evo = evolution(i19, i21, t19.values, t21.values)
    assert "95282" in evo.only_old and evo.unit == "pts"
    assert evo.change["93066"] == pytest.approx(
        t21.values.at["93066", "TP6021"] - t19.values.at["93066", "TP6019"]
    )
