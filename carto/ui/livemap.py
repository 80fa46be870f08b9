"""The live map as an element of the page itself (Streamlit components v2), not a frame.

Why: streamlit-folium draws its map in an iframe, a second document that a fresh browser
loads after Streamlit's own page: the frame's HTML, the component's 56 KB script, Leaflet
again, then folium's script. On a 2-core machine that was most of the wait between an empty
Streamlit page and the drawn map (README, performance). Here the page loads Leaflet once
(``static/vendor/leaflet``, served by the app), runs the base map's script once per mounted
map, and then only swaps the layers' group when a rerun brings new layers
(``carto.map.script``). The rest of the map's behaviour is folium's and the atlas's own
scripts (``carto.map.interaction``), unchanged.

What comes back to Python: a click on a zone, as a trigger (``code``, where, when), which a
rerun reads once; panning and zooming cause no rerun (the page keeps the link's centre and
zoom itself, ``carto.map.geojson.ViewTracker``).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import streamlit.components.v2 as components

from carto.compose.search import Focus
from carto.map.assets import LEAFLET_CSS, LEAFLET_JS
from carto.map.geojson import BACKGROUND, base_map
from carto.map.layers import LayerInputs, build_layers
from carto.map.script import BaseScript, LayersScript, base_script, layers_script
from carto.ui.french import translator_script

# The map's height before the page's CSS (``carto.ui.layout``) sizes it on the window.
CSS = f"""
.atlas-map {{ width: 100%; height: var(--atlas-map-height, 560px); background: {BACKGROUND};
  position: relative; }}
.atlas-map.leaflet-container {{ background: {BACKGROUND}; font-size: 1rem; }}
"""


def component_js(name: str) -> str:
    """A component's module (next to this file), after the page's shared Leaflet loader."""
    here = Path(__file__).parent
    loader = (here / "leaflet_loader.js").read_text(encoding="utf-8")
    return loader + (here / name).read_text(encoding="utf-8")


LOAD_FAILED = (
    "La carte n'a pas pu être affichée : le navigateur n'a pas reçu Leaflet du serveur de "
    "l'atlas. Rechargez la page ; si cela persiste, signalez-le à l'administrateur."
)
_component = components.component(
    "atlas_live_map",
    js=component_js("livemap.js"),
    css=CSS,
    isolate_styles=False,  # Leaflet finds its div by id in the page, and styles it itself
)


@dataclass(frozen=True)
class Click:
    """A zone clicked on the map."""

    code: str
    lat: float | None
    lng: float | None
    at: int | None  # the browser's clock (ms): two clicks on the same spot are two clicks


# --- the layers' script, rendered once per distinct view and map -------------------------------
# Each entry keeps its inputs alive, so an id in a key is never reused by another object while
# the entry exists. The inputs come from st.cache_resource: the same objects while cached.
_LAYERS: OrderedDict[tuple, tuple[LayerInputs, LayersScript]] = OrderedDict()
_LAYERS_SIZE = 48
_LOCK = threading.Lock()


def layers_key(inputs: LayerInputs) -> tuple:
    """Identity of the cached inputs plus the small values drawn with them."""
    big = (inputs.choropleth, inputs.epci, inputs.mairies, inputs.sites, inputs.presumed,
           inputs.districts, inputs.circles)  # fmt: skip
    return (
        tuple(id(x) for x in big),
        inputs.indicator_label,
        inputs.zone_label,
        inputs.source_line,
        inputs.circles_label,
        inputs.district_labels,
        inputs.observation_badges,
        inputs.large,
    )


def layers_for(inputs: LayerInputs, map_name: str) -> LayersScript:
    """The layers' script for the map ``map_name`` (built and rendered once)."""
    key = (layers_key(inputs), map_name)
    with _LOCK:
        entry = _LAYERS.get(key)
        if entry is not None:
            _LAYERS.move_to_end(key)
            return entry[1]
    script = layers_script(build_layers(inputs), map_name)
    with _LOCK:
        _LAYERS[key] = (inputs, script)
        while len(_LAYERS) > _LAYERS_SIZE:
            _LAYERS.popitem(last=False)
    return script


@dataclass(frozen=True)
class BaseView:
    """What the base map is made of: the territory's bounds, the tiles, where it opens."""

    bounds: tuple[float, float, float, float]
    tiles: bool
    centre: tuple[float, float]
    zoom: int
    fit: bool  # fit the territory to the map in the browser (no link's centre and zoom)


@functools.lru_cache(maxsize=64)
def base_for(view: BaseView, name: str) -> BaseScript:
    """The base map's script, rendered once per view and map (folium compiles a template for
    each element it creates: a few ms per run, paid by every session of a meeting)."""
    fmap = base_map(
        view.bounds,
        view.tiles,
        zoom=view.zoom,
        track_view=True,
        centre=view.centre,
        fit=view.fit,
        page_script=translator_script(),
    )
    return base_script(fmap, name)


def no_callback() -> None:
    """A v2 component's state or trigger is declared by its callback; the atlas reads the
    values from the result instead (the map's click, the map-drawn signal)."""


def live_map(
    view: BaseView,
    inputs: LayerInputs,
    key: str,
    height: int,
    focus: Focus | None = None,
    primary: bool = True,
    label: str = "Carte",
    style: str = "",
) -> Click | None:
    """Draw the base map with its layers; the zone clicked since the last run, if any.

    ``key``: the element's key; the map is created anew when its base script
    changes (another territory, the tiles switched on), its layers are swapped otherwise.
    ``primary``: the map the page's other scripts look at first (``window.map``);
    ``style``: the page's style sheets (``<style>`` elements, trusted), put in the page.
    """
    name = "atlas_" + hashlib.blake2s(key.encode("utf-8"), digest_size=5).hexdigest()
    base = base_for(view, name)
    layers = layers_for(inputs, base.element_id)
    result = _component(
        key=f"{key}_{base.digest}",
        data={
            "id": base.element_id,
            "key": key,
            "base": base.script,
            "layers": layers.body,
            "layers_digest": layers.digest,
            "focus": {"centre": list(focus.centre), "zoom": focus.zoom} if focus else None,
            "height": height,
            "primary": primary,
            "label": label,
            "leaflet_js": LEAFLET_JS[0][1],
            "leaflet_css": LEAFLET_CSS[0][1],
            "failed": LOAD_FAILED,
            "style": style,
        },
        on_click_change=no_callback,
    )
    click = getattr(result, "click", None)
    if not isinstance(click, dict) or not click.get("code"):
        return None
    return Click(
        code=str(click["code"]), lat=click.get("lat"), lng=click.get("lng"), at=click.get("at")
    )
