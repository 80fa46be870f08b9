"""Real browser: a site named like an HTML injection shows as text in its popup, never runs.

The map is the layer the app draws (one GeoJson layer of CircleMarkers with the pre-escaped
``popup`` property), rendered by folium with Leaflet served from the installed package (offline).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import js_lib_leaflet
import pytest
from browserkit import browser as chromium
from browserkit import require_browser
from sites_fixtures import tiny_communes

from carto.sites.importers import read_sites_csv
from carto.sites.render import site_style, sites_geojson

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"


def site_map(tmp_path: Path) -> Path:
    static = Path(js_lib_leaflet.__file__).parent / "static" / "js_lib_leaflet"
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy(static / name, tmp_path / name)
    text = f"nom;categorie;adresse;code commune\n{XSS};CCAS;<script>alert(2)</script>;54001\n"
    layer = sites_geojson(read_sites_csv(text, tiny_communes()).sites)
    fmap = folium.Map(location=[48.65, 6.05], zoom_start=11, tiles=None)
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    folium.GeoJson(
        layer,
        marker=folium.CircleMarker(),
        style_function=site_style,
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(fmap)
    path = tmp_path / "map.html"
    fmap.save(path)
    return path


def test_injected_name_shows_as_text(tmp_path):
    require_browser()
    path = site_map(tmp_path)
    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector("path.leaflet-interactive", timeout=10_000)
        box = page.locator("path.leaflet-interactive").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
        assert XSS in popup.inner_text()
        assert "<script>alert(2)</script>" in popup.inner_text()
        assert page.locator(".leaflet-popup-content img").count() == 0
        assert page.locator(".leaflet-popup-content script").count() == 0
        page.wait_for_timeout(300)
    assert dialogs == []
