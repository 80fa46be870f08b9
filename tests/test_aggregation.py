"""One zone's total and measures per zone: the single aggregation behind every reference value."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from carto.common.markers import Marker
from carto.indicators.aggregation import (
    aggregate_markers,
    aggregate_measures,
    aggregated_territory,
    france_with_measures,
    single_zone_total,
)
from carto.indicators.catalogue import Indicator, Kind, default_catalogue
from carto.territories.zones import Territory, department_territory, france_territory

MEASURES = pd.DataFrame(
    {"P_POP": [100.0, 300.0, math.nan], "AREA_KM2": [10.0, 10.0, 5.0], "MED": [20.0, 30.0, 25.0]},
    index=["a", "b", "c"],
)
MEDIAN = Indicator("med", "Médiane", "", "€", "INSEE", "2021", Kind.VALUE, column="MED")


@pytest.fixture(scope="module")
def terr54(bundle) -> Territory:
    return department_territory(bundle, "54")


def test_density_of_department_is_ratio_of_sums_not_mean(terr54):
    ind = default_catalogue().get("densite")
    total = single_zone_total(ind, terr54.measures)
    expected = terr54.measures["P_POP"].sum() / terr54.measures["AREA_KM2"].sum()
    assert total == pytest.approx(expected)
    mean_of_rates = (terr54.measures["P_POP"] / terr54.measures["AREA_KM2"]).mean()
    assert abs(total - mean_of_rates) > 1


def test_single_zone_total_by_kind():
    catalogue = default_catalogue()
    assert single_zone_total(catalogue.get("population"), MEASURES) == 400.0
    # c has no population: its area is left out too (Σ num / Σ den where both are known).
    assert single_zone_total(catalogue.get("densite"), MEASURES) == pytest.approx(400 / 20)
    assert single_zone_total(catalogue.get("part_population"), MEASURES) == pytest.approx(100)
    assert math.isnan(single_zone_total(MEDIAN, MEASURES))  # never averaged


def test_single_zone_total_without_anything_to_add_up():
    density = default_catalogue().get("densite")
    assert math.isnan(single_zone_total(density, MEASURES.iloc[:0]))
    assert math.isnan(single_zone_total(density, MEASURES.drop(columns="AREA_KM2")))
    assert math.isnan(single_zone_total(density, MEASURES.assign(P_POP=math.nan)))


def test_aggregate_measures_sums_and_blanks_values():
    members = pd.Series({"a": "Z1", "b": "Z1", "c": "Z2"})
    out = aggregate_measures(MEASURES, members, value_columns=["MED"])
    assert out.loc["Z1", "P_POP"] == 400.0 and out.loc["Z2", "AREA_KM2"] == 5.0
    assert math.isnan(out.loc["Z2", "P_POP"])  # all missing stays missing, not 0
    assert out["MED"].isna().all()


def test_aggregate_markers_counts_marked_communes_and_names_them():
    # Z1: one commune secret, one published; Z2: both secret; Z3: secret and non disponible.
    markers = pd.DataFrame(
        {"P_POP": [0, 1, 1, 1, 1, 2], "MED": [0, 0, 0, 1, 0, 0]},
        index=["a", "b", "c", "d", "e", "f"],
    )
    members = pd.Series({"a": "Z1", "b": "Z1", "c": "Z2", "d": "Z2", "e": "Z3", "f": "Z3"})
    marks = aggregate_markers(markers, members, value_columns=["MED"])
    assert marks.counts["P_POP"].to_dict() == {"Z1": 1, "Z2": 2, "Z3": 2}
    assert marks.codes["P_POP"].to_dict() == {"Z1": 1, "Z2": 1, "Z3": 1}
    assert set(marks.codes["MED"]) == {Marker.NOT_PUBLISHED_HERE}
    assert marks.counts["MED"].eq(0).all()
    assert aggregate_markers(None, members) is None


def test_aggregate_markers_leaves_a_mixed_set_unnamed_where_the_zone_has_a_value():
    markers = pd.DataFrame({"X": [0, 1, 2]}, index=["a", "b", "c"])
    marks = aggregate_markers(markers, pd.Series({"a": "Z", "b": "Z", "c": "Z"}))
    assert marks.counts.at["Z", "X"] == 2 and marks.codes.at["Z", "X"] == 0


def test_aggregated_territory_groups_communes():
    zones = gpd.GeoDataFrame(
        {"LIBGEO": ["A", "B", "C"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        index=["a", "b", "c"],
        crs="EPSG:4326",
    )
    base = Territory("54", "Meurthe-et-Moselle (54)", "commune", zones, MEASURES)
    shapes = gpd.GeoDataFrame(
        {"LIBGEO": ["Nord", "Sud"]},
        geometry=[box(0, 0, 2, 1), box(2, 0, 3, 1)],
        index=["Z1", "Z2"],
        crs="EPSG:4326",
    )
    members = pd.Series({"a": "Z1", "b": "Z1", "c": "Z2", "x": "Z1"})  # x: not in the base
    terr = aggregated_territory(base, members, shapes, "district", ["MED"])
    assert terr.level == "district" and list(terr.zones.index) == ["Z1", "Z2"]
    assert terr.measures.loc["Z1", "P_POP"] == 400.0 and terr.measures["MED"].isna().all()
    assert list(terr.members.index) == ["a", "b", "c"]


def test_france_with_measures_sums_imports_per_department(bundle):
    france = france_territory(bundle)
    imported = pd.DataFrame({"NB": 1.0}, index=bundle.communes.query("TYPE == 'COM'")["CODGEO"])
    terr = france_with_measures(france, imported)
    counts = bundle.communes.query("TYPE == 'COM'").groupby("DEP").size()
    assert terr.measures["NB"].to_dict() == pytest.approx(counts.astype(float).to_dict())
