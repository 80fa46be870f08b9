"""Properties of ``catalogue.compute``: partition additivity, order invariance, real sums."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carto.indicators.catalogue import Indicator, Kind, compute
from carto.indicators.sources.insee import read_insee
from carto.indicators.sources.insee_catalogue import indicators_for

COUNT = Indicator("n", "Effectif", "d", "", "s", "v", Kind.COUNT, column="NUM")
RATE = Indicator(
    "r", "Taux", "d", "%", "s", "v", Kind.RATE, numerator="NUM", denominator="DEN", scale=100.0
)
VALUE = Indicator("m", "Médiane", "d", "€", "s", "v", Kind.VALUE, column="NUM")


@st.composite
def communes(draw):
    n = draw(st.integers(1, 40))
    den = draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n))
    num = [draw(st.integers(0, d)) for d in den]
    zone = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    group = draw(st.lists(st.integers(0, 2), min_size=6, max_size=6))  # zone → super-zone
    index = pd.Index([f"{i:05d}" for i in range(n)], dtype="str")
    measures = pd.DataFrame({"NUM": num, "DEN": den}, index=index, dtype=float)
    zones = pd.Series([f"Z{z}" for z in zone], index=index)
    supers = pd.Series([f"S{group[z]}" for z in zone], index=index)
    return measures, zones, supers


@settings(max_examples=150, deadline=None)
@given(communes())
def test_partition_additivity(data):
    measures, zones, supers = data
    counts = compute(COUNT, measures, zones)
    assert counts.sum() == pytest.approx(measures["NUM"].sum())
    # Super-zones from communes == super-zones from the zones' own sums.
    zone_sums = measures.groupby(zones).sum()
    zone_to_super = supers.groupby(zones).first()
    direct = compute(RATE, measures, supers)
    via_zones = compute(RATE, zone_sums, zone_to_super)
    pd.testing.assert_series_equal(direct, via_zones, check_names=False, rtol=1e-12)
    total = compute(RATE, measures, pd.Series("FR", index=measures.index))
    assert total["FR"] == pytest.approx(measures["NUM"].sum() / measures["DEN"].sum() * 100)


@settings(max_examples=150, deadline=None)
@given(communes(), st.randoms(use_true_random=False))
def test_invariant_to_commune_order(data, rnd):
    measures, zones, _ = data
    order = list(measures.index)
    rnd.shuffle(order)
    shuffled = measures.loc[order]
    for ind in (COUNT, RATE):
        pd.testing.assert_series_equal(
            compute(ind, measures, zones), compute(ind, shuffled, zones.loc[order]), rtol=1e-12
        )


@settings(max_examples=60, deadline=None)
@given(communes())
def test_rate_is_not_a_mean_and_value_is_never_aggregated(data):
    measures, zones, _ = data
    rates = compute(RATE, measures, zones)
    for zone, value in rates.items():
        part = measures[zones == zone]
        assert value == pytest.approx(part["NUM"].sum() / part["DEN"].sum() * 100)
    assert compute(VALUE, measures, zones).isna().all()


def test_all_missing_zone_stays_missing():
    measures = pd.DataFrame(
        {"NUM": [np.nan, np.nan, 3.0], "DEN": [1.0, 2.0, 3.0]},
        index=pd.Index(["a", "b", "c"], dtype="str"),
    )
    zones = pd.Series({"a": "Z1", "b": "Z1", "c": "Z2"})
    counts = compute(COUNT, measures, zones)
    assert math.isnan(counts["Z1"]) and counts["Z2"] == 3.0


def _raw(path):
    lines = path.read_text("ascii").splitlines()
    header = lines[0].split(";")
    return header, [line.split(";") for line in lines[1:]]


@pytest.mark.reference
def test_hand_computation_on_real_slices(reference_dir):
    path = (
        reference_dir
        / "insee_comparateur_territoires"
        / "base_cc_comparateur_2022_dep33-54-73-93-95.CSV"
    )
    table = read_insee(path)
    inds = {i.id: i for i in indicators_for(table)}
    header, rows = _raw(path)
    deps = pd.Series({r[0]: r[0][:2] for r in rows})
    columns = {
        name: header.index(name)
        for name in ("P18_CHOM1564", "P18_ACT1564", "P18_LOGVAC", "P18_LOG", "NBMENFISC19")
    }
    unemployment = compute(inds["taux_chomage_2018"], table.values, deps)
    vacancy = compute(inds["part_logements_vacants_2018"], table.values, deps)
    households = compute(inds["menages_fiscaux_2019"], table.values, deps)
    for dep in ("33", "54", "73", "93", "95"):
        mine = [r for r in rows if r[0].startswith(dep)]

        def total(name, mine=mine):
            return sum(float(r[columns[name]]) for r in mine if r[columns[name]] != "")

        assert unemployment[dep] == pytest.approx(
            total("P18_CHOM1564") / total("P18_ACT1564") * 100, rel=1e-12
        )
        assert vacancy[dep] == pytest.approx(
            total("P18_LOGVAC") / total("P18_LOG") * 100, rel=1e-12
        )
        assert households[dep] == pytest.approx(total("NBMENFISC19"), rel=1e-12)
    assert compute(inds["taux_pauvrete_2019"], table.values, deps).isna().all()
