"""The meeting room's pure parts: the PNG export, the search, the live map's behaviours, the
page layout, the presumed CCAS layer and the translator of Streamlit's words."""

from __future__ import annotations

import io
import json

import folium
import pytest
from PIL import Image
from plain_sources import PlainSources

from carto.compose import layers
from carto.compose.keys import TerritoryKey, Token
from carto.compose.maps import PlainMap, build_map
from carto.compose.search import MAX_FOCUS_ZOOM, search_options, zone_focus
from carto.map.geojson import base_map
from carto.map.image import image_texts, map_png
from carto.sites.table import PRESUMED_NAME
from carto.ui.french import ENGLISH_DEFAULTS, WORDS, translator_script
from carto.ui.layout import ABOVE_MAP_PX, BANNER_PX, PageLayout, page_css
from carto.viewstate.codec import ViewState

NO_DATA = Token()


@pytest.fixture(scope="module")
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def _key(dep: str = "54", level: str = "commune") -> TerritoryKey:
    return TerritoryKey(dep, False, level, None, NO_DATA, NO_DATA)


def _pixels(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1600, 900)
    return _colors(image)


def _colors(image: Image.Image) -> set[tuple[int, int, int]]:
    return {color for _, color in image.getcolors(maxcolors=1 << 24)}


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_png_export_draws_the_screen_classes_with_title_legend_and_source(src):
    key = _key()
    view = build_map(key, PlainMap("densite", "quantiles", 5, "YlOrRd"), src)
    terr = src.territory(key)
    texts = image_texts(view, terr.label, terr.level)
    assert texts.title == "Densité de population (hab./km²)"
    assert texts.subtitle.startswith("Meurthe-et-Moselle (54), par commune.")
    assert "Meurthe-et-Moselle (54) : 138,8\u00a0hab./km²" in texts.subtitle
    assert texts.source.startswith("Source : INSEE")
    png = map_png(view, terr.zones, texts, terr.level, terr.code)
    assert png.startswith(b"\x89PNG")
    pixels = _pixels(png)
    # every class colour of the screen's legend is painted (zones and legend swatches)
    assert all(_rgb(c) in pixels for c in view.classification.colors)


def test_png_export_of_france_puts_overseas_departments_in_insets(src):
    key = _key("FR", "departement")
    view = build_map(key, PlainMap("population", "quantiles", 4, "Blues"), src)
    terr = src.territory(key)
    png = map_png(view, terr.zones, image_texts(view, terr.label, terr.level), terr.level, "FR")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    reunion = next(f for f in view.collection["features"] if f["id"] == "974")
    inset = image.crop((0, 90, 160, 800))  # the column of insets on the left
    assert _rgb(reunion["properties"]["fill"]) in _colors(inset)


def test_search_offers_named_zones_in_french_order(src):
    communes = search_options(src.territory(_key()))
    assert communes["54395"] == "Nancy (54395)" and len(communes) == 591
    labels = list(communes.values())
    # « É » sorts as « E »: Écrouves, Einvaux, Épiez-sur-Chiers
    assert labels.index("Écrouves (54174)") < labels.index("Einvaux (54175)")
    assert labels.index("Einvaux (54175)") < labels.index("Épiez-sur-Chiers (54178)")
    epci = search_options(src.territory(_key(level="epci")))
    assert "Métropole du Grand Nancy" in epci.values()  # EPCI by name, without their SIREN
    focus = zone_focus(src.territory(_key()).zones, "54395")
    assert 48.6 < focus.centre[0] < 48.8 and 6.1 < focus.centre[1] < 6.3
    assert 9 <= focus.zoom <= MAX_FOCUS_ZOOM


def test_live_map_lets_the_page_scroll_fits_its_frame_and_outlines_the_selection():
    bounds = (48.3, 5.4, 49.6, 7.1)
    live = base_map(bounds, track_view=True, fit=True).get_root().render()
    assert '"scrollWheelZoom": false' in live
    assert "mouseleave" in live and "e.ctrlKey" in live  # armed by a click or a modifier
    assert "fitBounds" in live and json.dumps([[48.3, 5.4], [49.6, 7.1]]) in live
    assert "get('sel')" in live
    linked = base_map(bounds, track_view=True, fit=False).get_root().render()
    assert "fitBounds" not in linked  # a link's centre and zoom are kept
    plain = base_map(bounds).get_root().render()  # benchmarks, portraits: a plain map
    assert '"scrollWheelZoom": true' in plain and "get('sel')" not in plain
    assert isinstance(base_map(bounds), folium.Map)


def test_page_layout_gives_the_map_the_window_minus_what_stands_above():
    assert PageLayout().above_map == ABOVE_MAP_PX
    assert PageLayout(banner=True).above_map == ABOVE_MAP_PX + BANNER_PX
    css = page_css(PageLayout(meeting=True))
    assert f"calc(100vh - {PageLayout(meeting=True).above_map}px)" in css
    assert ".atlas-legend{font-size:1.25rem!important}" in css
    assert "padding:2.75rem 1.5rem" in css  # no blank band above the title


def test_presumed_ccas_are_a_layer_of_their_own(src):
    state = ViewState(layers=("communes", "presumes"))
    shown = layers.overlays(state, _key(), src, NO_DATA)
    assert shown.sites is None and shown.presumed is not None
    features = shown.presumed["features"]
    assert features and {f["properties"]["name"] for f in features} == {PRESUMED_NAME}
    populations = src.bundle().communes.set_index("CODGEO")["P_POP"]
    codes = [f["id"].removeprefix("presume-") for f in features]
    assert (populations.loc[codes] >= 1500).all() and len(codes) < 200  # not ~590 town halls
    assert all("Tél." not in f["properties"]["popup"] for f in features)
    assert layers.overlays(ViewState(), _key(), src, NO_DATA).presumed is None  # off by default


def test_translator_covers_every_english_default_it_checks():
    script = translator_script()
    assert "MutationObserver" in script and "</script" not in script.lower()
    for word in ENGLISH_DEFAULTS:
        if word in WORDS:
            assert json.dumps(word)[1:-1] in script and WORDS[word] != word
    assert {"Upload", "Choose options", "Skip to main content"} <= set(WORDS)
