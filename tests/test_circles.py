"""Proportional circles: area ∝ value, points inside their zone, escaped texts, one layer."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from carto.common.fmt import NBSP
from carto.indicators.catalogue import Indicator, Kind, compute, default_catalogue
from carto.map.circles import (
    CirclesError,
    circle_collection,
    circles_layer,
    circles_legend_html,
    legend_values,
    radius_for,
    round_down,
)
from carto.territories.zones import department_territory

POOR = Indicator(
    "pauvres", "Ménages pauvres", "d", "ménages", "s", "2021", Kind.COUNT, column="PAUV"
)
RATE = Indicator(
    "t", "Taux", "d", "%", "s", "2021", Kind.RATE, numerator="A", denominator="B", scale=100.0
)
XSS = "<img src=x onerror=alert(1)>"
# A U-shaped commune: its centroid falls in the notch, outside the polygon.
U_SHAPE = shapely.Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
ZONES = gpd.GeoDataFrame(
    {"LIBGEO": ["Uville", XSS, "Petite", "Secrète", "Vide"]},
    geometry=[
        U_SHAPE,
        shapely.box(3, 0, 4, 1),
        shapely.box(4, 0, 5, 1),
        shapely.box(5, 0, 6, 1),
        shapely.box(6, 0, 7, 1),
    ],
    index=pd.Index(["54001", "54002", "54003", "54004", "54005"], dtype="str"),
    crs="EPSG:4326",
)
VALUES = pd.Series({"54001": 400.0, "54002": 1600.0, "54003": 100.0, "54004": np.nan, "54005": 0.0})


def _props(circles):
    return {f["id"]: f["properties"] for f in circles.collection["features"]}


def test_area_is_proportional_to_the_value():
    circles = circle_collection(ZONES, VALUES, POOR, max_radius=20)
    props = _props(circles)
    assert props["54002"]["radius"] == 20.0  # the largest value gets the maximal radius
    assert props["54001"]["radius"] == 10.0  # a quarter of the value: half the radius
    assert props["54003"]["radius"] == 5.0
    areas = {c: p["radius"] ** 2 for c, p in props.items()}
    assert areas["54002"] / areas["54003"] == pytest.approx(16)


def test_largest_first_so_small_circles_stay_on_top():
    circles = circle_collection(ZONES, VALUES, POOR)
    assert [f["id"] for f in circles.collection["features"]] == ["54002", "54001", "54003"]


def test_missing_and_zero_are_listed_not_drawn():
    circles = circle_collection(ZONES, VALUES, POOR)
    assert circles.missing == ("54004",) and circles.zero == ("54005",)
    assert set(_props(circles)) == {"54001", "54002", "54003"}


def test_points_lie_inside_their_zone():
    circles = circle_collection(ZONES, VALUES, POOR)
    assert not U_SHAPE.contains(U_SHAPE.centroid)
    for feat in circles.collection["features"]:
        point = shapely.Point(feat["geometry"]["coordinates"])
        assert ZONES.geometry[feat["id"]].buffer(1e-5).contains(point)


def test_texts_are_french_and_escaped():
    props = _props(circle_collection(ZONES, VALUES, POOR))
    assert props["54002"]["valeur"] == f"1{NBSP}600{NBSP}ménages"
    assert props["54002"]["nom"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<" not in json.dumps(props)


def test_fixed_scale_keeps_sizes_comparable():
    circles = circle_collection(ZONES, VALUES, POOR, max_radius=20, max_value=6400)
    assert circles.max_value == 6400
    assert _props(circles)["54002"]["radius"] == 10.0


def test_radius_function():
    np.testing.assert_allclose(radius_for(np.array([0, 25, 100]), 100, 10), [0, 5, 10])
    assert (radius_for(np.array([5.0]), 0, 10) == 0).all()


@pytest.mark.parametrize(
    ("values", "indicator", "kwargs", "message"),
    [
        (VALUES.where(VALUES.index != "54001", -3.0), POOR, {}, "négatifs.*54001"),
        (VALUES, RATE, {}, "pas un effectif"),
        (VALUES, POOR, {"max_radius": 0}, "rayon"),
        (VALUES, POOR, {"max_value": 0}, "positive"),
    ],
)
def test_bad_input_gets_a_french_message(values, indicator, kwargs, message):
    with pytest.raises(CirclesError, match=message):
        circle_collection(ZONES, values, indicator, **kwargs)


def test_one_layer_with_the_radius_in_each_style():
    circles = circle_collection(ZONES, VALUES, POOR, max_radius=20)
    fmap = folium.Map(tiles=None, prefer_canvas=True)
    layer = circles_layer(circles, "Ménages pauvres")
    layer.add_to(fmap)
    page = fmap.get_root().render()
    assert page.count("L.geoJson(") == 1
    assert '"radius": 20.0' in page and '"radius": 5.0' in page
    # folium merges each feature's style into the CircleMarker options before creating it
    assert "Object.assign(opts, style)" in page
    assert "new L.CircleMarker(latlng, opts)" in page
    assert XSS not in page


def test_empty_collection_still_builds_a_layer():
    circles = circle_collection(ZONES, VALUES * np.nan, POOR)
    fmap = folium.Map(tiles=None)
    circles_layer(circles, "Ménages pauvres").add_to(fmap)
    assert "L.geoJson(" in fmap.get_root().render()
    assert "Aucun effectif" in circles_legend_html(circles, POOR)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(3712, 2, 3700), (3712, 1, 3000), (187, 2, 180), (0.46, 1, 0.4), (0, 1, 0)],
)
def test_round_down(value, digits, expected):
    assert round_down(value, digits) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("max_value", "decimals", "expected"),
    [
        (4000, 0, [4000, 1000, 200]),
        (187, 0, [180, 40, 9]),
        (12.3, 0, [12, 3]),
        (12.3, 1, [12, 3, 0.6]),
        (0.5, 0, []),
    ],
)
def test_legend_values(max_value, decimals, expected):
    assert legend_values(max_value, decimals) == pytest.approx(expected)


def test_legend_draws_reference_circles_in_french():
    circles = circle_collection(ZONES, VALUES, POOR, max_radius=20)
    html = circles_legend_html(circles, POOR)
    assert html.count("<circle") == 3
    assert f"1{NBSP}600</text>" in html and ">400</text>" in html
    assert 'r="20.0"' in html  # the largest reference circle is drawn at its map size
    assert "proportionnelle" in html
    assert "1 commune sans valeur" in html


def test_department_population_circles(bundle):
    terr = department_territory(bundle, "54")
    ind = default_catalogue().get("population")
    values = compute(ind, terr.measures)
    circles = circle_collection(terr.zones, values, ind)
    feats = circles.collection["features"]
    assert len(feats) == 591
    assert feats[0]["id"] == "54395" and feats[0]["properties"]["nom"] == "Nancy"
    assert feats[0]["properties"]["radius"] == 30.0
    size = len(json.dumps(circles.collection, ensure_ascii=False).encode())
    assert size / len(feats) < 250  # a point costs far less than a polygon
