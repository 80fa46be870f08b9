"""The map as the page's scripts (carto.map.script): a base map under a fixed name, and layers
as one function body that keeps its names to itself."""

from __future__ import annotations

import re

import folium
import pytest

from carto.map.geojson import base_map
from carto.map.script import base_script, layers_script

BOUNDS = (48.3, 5.4, 49.6, 7.1)


def _group() -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="couches")
    folium.Marker([48.69, 6.18], tooltip="Nancy").add_to(group)
    folium.GeoJson({"type": "FeatureCollection", "features": []}).add_to(group)
    return group


def test_the_base_map_is_created_under_the_name_its_layers_use():
    fmap = base_map(BOUNDS, track_view=True, fit=True)
    base = base_script(fmap, "atlas_k1")
    assert base.element_id == "map_atlas_k1"
    assert 'var map_atlas_k1 = L.map(\n                "map_atlas_k1"' in base.script
    assert "fitBounds" in base.script and "get('sel')" in base.script
    # no page markup: the page gives the div, Leaflet comes from the page's loader
    assert "<script" not in base.script and "<style" not in base.script
    layers = layers_script(_group(), base.element_id)
    assert ".addTo(map_atlas_k1);" in layers.body


def test_the_digest_names_a_base_map_that_must_be_created_anew():
    first = base_script(base_map(BOUNDS, zoom=8, centre=(48.9, 6.2)), "atlas_k1")
    again = base_script(base_map(BOUNDS, zoom=8, centre=(48.9, 6.2)), "atlas_k1")
    moved = base_script(base_map(BOUNDS, zoom=9, centre=(48.9, 6.2)), "atlas_k1")
    assert first.digest == again.digest != moved.digest


def test_layers_are_a_function_body_returning_their_group_and_leave_the_map_as_it_was():
    fmap = base_map(BOUNDS, track_view=True)
    base = base_script(fmap, "atlas_k2")
    group = _group()
    layers = layers_script(group, base.element_id)
    # every name the layers declare is local to the function the page runs
    assert layers.body.rstrip().endswith(f"return {group.get_name()};")
    assert re.search(rf"var {group.get_name()} = L\.featureGroup", layers.body)
    assert "L.marker(" in layers.body and "bindTooltip" in layers.body
    # rendering the layers touched neither the base map nor left the group attached
    assert base_script(fmap, "atlas_k2").script == base.script
    assert group.get_name() not in fmap._children and group._parent is None
    assert layers_script(group, base.element_id).digest == layers.digest


@pytest.mark.parametrize("name", ["atlas-k1", "atlas k1", "x;alert(1)", ""])
def test_a_name_that_is_not_a_javascript_name_is_refused(name):
    with pytest.raises(ValueError, match="nom de carte invalide"):
        base_script(base_map(BOUNDS), name)
    with pytest.raises(ValueError, match="nom de carte invalide"):
        layers_script(_group(), f"map_{name}" if name else "")
