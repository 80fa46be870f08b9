"""The compact form of the map's polygons: lossless at the bundle's precision, small, and safe
inside the map's script."""

import json

import folium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carto.indicators.catalogue import default_catalogue
from carto.map.choropleth import build_choropleth
from carto.map.compact import (
    ALPHABET,
    PRECISION,
    decode_collection,
    decode_numbers,
    decode_ring,
    encode_collection,
    encode_numbers,
    encode_ring,
    geometry_key,
)
from carto.map.geojson import ZoneShapes, choropleth_layer, outline_collection, outline_layer
from carto.territories.zones import department_territory, epci_outlines


@pytest.fixture(scope="module")
def view54(bundle):
    terr = department_territory(bundle, "54")
    shapes = ZoneShapes.from_frame(terr.zones)
    indicator = default_catalogue().get("densite")
    return terr, build_choropleth(terr, shapes, indicator, "quantiles", 5, "YlOrRd")


@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), max_size=50))
def test_numbers_round_trip(values):
    text = encode_numbers(values)
    assert set(text) <= set(ALPHABET)
    assert decode_numbers(text) == values


def test_ring_is_rounded_to_the_precision_and_kept_exactly():
    ring = [[6.184171234, 48.6921], [6.2, 48.700004], [-61.534, 16.2411], [6.184171234, 48.6921]]
    back = decode_ring(encode_ring(ring))
    assert back == [[round(x, PRECISION), round(y, PRECISION)] for x, y in ring]
    assert back[0] == back[-1]  # a closed ring stays closed
    # one decimal fewer moves a vertex by up to half a unit of the last decimal kept
    coarse = decode_ring(encode_ring(ring, 3), 3)
    moved = [
        abs(a - b) for p, q in zip(ring, coarse, strict=True) for a, b in zip(p, q, strict=True)
    ]
    assert max(moved) <= 0.0005 + 1e-12


def test_department_collection_round_trips_exactly(view54):
    _terr, view = view54
    collection = view.collection
    assert decode_collection(encode_collection(collection)) == collection


def test_multipolygons_and_features_without_ids_round_trip():
    square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    hole = [[0.2, 0.2], [0.3, 0.2], [0.3, 0.3], [0.2, 0.2]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": [[square, hole], [square]]},
                "properties": {"nom": "a", "n": 1},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [square]},
                "properties": {"nom": "b", "n": None},
            },
        ],
    }
    assert decode_collection(encode_collection(collection)) == collection


def test_repeated_properties_are_sent_once_and_the_code_not_at_all(view54):
    _terr, view = view54
    data = encode_collection(view.collection)
    assert data["props"]["code"] == {"id": 1}  # equal to the features' ids
    fills = data["props"]["fill"]
    assert len(fills["u"]) <= 12 and len(fills["i"]) == len(view.collection["features"])
    assert "v" in data["props"]["nom"]  # distinct names stay a plain column


def test_geometry_key_follows_outlines_not_values(bundle, view54):
    terr, view = view54
    shapes = ZoneShapes.from_frame(terr.zones)
    other = build_choropleth(
        terr, shapes, default_catalogue().get("population"), "quantiles", 5, "YlOrRd"
    ).collection
    a, b = encode_collection(view.collection), encode_collection(other)
    assert a["props"] != b["props"]
    assert geometry_key(a) == geometry_key(b)
    shapes62 = ZoneShapes.from_frame(department_territory(bundle, "62").zones)
    c = build_choropleth(
        department_territory(bundle, "62"), shapes62, default_catalogue().get("population"),
        "quantiles", 5, "YlOrRd",
    ).collection  # fmt: skip
    assert geometry_key(encode_collection(c)) != geometry_key(a)


def _script(*layers) -> str:
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="couches")
    for layer in layers:
        group.add_child(layer)
    group.add_to(fmap)
    return fmap.get_root().render()


def test_layers_are_small_and_carry_no_plain_geometry(bundle, view54):
    _terr, view = view54
    epci = outline_collection(epci_outlines(bundle, "54"), "EPCI", "LIBEPCI")
    page = _script(choropleth_layer(view.collection, "Densité"), outline_layer(epci, "EPCI"))
    n = len(view.collection["features"])
    assert len(page.encode("utf-8")) / n < 600  # the budget for the whole map element
    assert '"coordinates"' not in page and 'case "54' not in page  # no per-feature switch
    assert "atlasGeo.collection" in page and "foliumtooltip" in page


def test_escaped_names_stay_escaped_in_the_compact_layer(view54):
    _terr, view = view54
    collection = json.loads(json.dumps(view.collection))
    collection["features"][0]["properties"]["nom"] = "&lt;img src=x onerror=alert(1)&gt;"
    page = _script(choropleth_layer(collection, "<b>Indicateur</b>"))
    assert "<img src=x" not in page and "<b>Indicateur</b>" not in page
