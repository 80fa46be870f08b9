"""Real browser: Leaflet draws each circle at the radius of its style, and keeps it after hover.

Why in a browser: that folium's ``style_function`` reaches a CircleMarker's radius depends on
folium's template (style merged into the options) and on Leaflet's ``CircleMarker.setStyle``
(radius honoured on ``resetStyle``); only Leaflet itself can prove both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import js_lib_leaflet
import pytest
from browserkit import browser as chromium
from browserkit import require_browser
from test_circles import POOR, VALUES, ZONES

from carto.map.circles import circle_collection, circles_layer

pytestmark = pytest.mark.browser

RADII_JS = """
() => {
  const out = {};
  for (const key of Object.keys(window)) {
    const m = window[key];
    if (key.startsWith('map_') && m instanceof L.Map) {
      m.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature)
        out[l.feature.id] = l.getRadius(); });
    }
  }
  return out;
}
"""


def _map(tmp_path: Path) -> Path:
    static = Path(js_lib_leaflet.__file__).parent / "static" / "js_lib_leaflet"
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy(static / name, tmp_path / name)
    fmap = folium.Map(location=[0.5, 3.5], zoom_start=7, tiles=None)
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    circles_layer(circle_collection(ZONES, VALUES, POOR, max_radius=20), "Ménages").add_to(fmap)
    path = tmp_path / "map.html"
    fmap.save(path)
    return path


def test_radius_from_style_survives_hover(tmp_path):
    require_browser()
    path = _map(tmp_path)
    with chromium() as browser:
        page = browser.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector("path.leaflet-interactive", timeout=10_000)
        assert page.evaluate(RADII_JS) == {"54002": 20, "54001": 10, "54003": 5}
        # Hover the largest circle, then leave it: resetStyle must restore its radius.
        circle = page.locator("path.leaflet-interactive").first
        box = circle.bounding_box()
        assert box["width"] == pytest.approx(40 + 1, abs=2)  # 2 × radius + stroke
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(".leaflet-tooltip", timeout=5_000)
        assert "1 600" in page.inner_text(".leaflet-tooltip").replace("\u00a0", " ")
        page.mouse.move(1, 1)
        page.wait_for_timeout(200)
        assert page.evaluate(RADII_JS) == {"54002": 20, "54001": 10, "54003": 5}
