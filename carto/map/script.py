"""A folium map as the scripts the page runs: the base map once, its layers on every change.

Why not a folium HTML page in a frame: a frame is a second document to load, with its own
copy of Leaflet and of the component's code, and on a fresh browser it was most of the wait
between Streamlit's page and the drawn map. The page itself runs these scripts
(``carto.ui.livemap``): the base map creates its Leaflet map in a div of the page, and the
layers are one function returning their group, so every name they declare stays local to it
(a meeting recolours the map a hundred times; global names would keep each old group alive).

Both are plain text built from folium's own rendering; nothing here knows about Streamlit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import folium
from branca.element import Figure


@dataclass(frozen=True)
class BaseScript:
    """The base map as the page creates it.

    ``element_id``: the div (and the global variable) Leaflet's map is created in;
    ``script``: what creates it, with its controls and behaviours; ``digest``: a short hash of
    the script, which names a map that must be created anew when the script changes.
    """

    element_id: str
    script: str
    digest: str


@dataclass(frozen=True)
class LayersScript:
    """The layers as one JavaScript function body that returns their (unattached) group."""

    body: str
    digest: str


def _digest(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8"), digest_size=6).hexdigest()


def _figure(fmap: folium.Map) -> Figure:
    root = fmap.get_root()
    if not isinstance(root, Figure):  # a map always lives in a figure; keep it so if not
        root = Figure()
        root.add_child(fmap)
    return root


def base_script(fmap: folium.Map, name: str) -> BaseScript:
    """Render ``fmap`` under a fixed name (``map_<name>``), so its layers can refer to it.

    ``name``: letters, digits and underscores only (it becomes a JavaScript name).
    """
    if not name.replace("_", "").isalnum():
        raise ValueError(f"nom de carte invalide : {name!r}")
    fmap._id = name
    figure = _figure(fmap)
    figure.render()
    script = figure.script.render()
    return BaseScript(element_id=fmap.get_name(), script=script, digest=_digest(script))


def layers_script(group: folium.FeatureGroup, map_name: str) -> LayersScript:
    """The group's script, run inside a function that returns the group.

    ``map_name``: the base map's (``BaseScript.element_id``), which the layers are added to.
    They are rendered with a stand-in map of that name, so the base map itself, which sessions
    share, is never touched (two sessions may render two views at once).
    """
    if not map_name.startswith("map_") or not map_name.replace("_", "").isalnum():
        raise ValueError(f"nom de carte invalide : {map_name!r}")
    fmap = folium.Map(tiles=None)  # not rendered: its figure gets the group's script alone
    fmap._id = map_name.removeprefix("map_")
    figure = _figure(fmap)
    group._parent = fmap
    try:
        group.render()
    finally:
        group._parent = None
    text = "\n".join(child.render() for child in figure.script._children.values())
    # the group's script ends by adding it to the map: the page removes the previous group
    # before running it
    body = f"{text}\nreturn {group.get_name()};"
    return LayersScript(body=body, digest=_digest(body))
