"""Build what lies around the map only once the browser has drawn the map.

Why: the page and its map share the browser's one main thread and the six connections it
opens to the server. Sent in the same run, the sidebar's widgets, the legend and the panels
below the map make a fresh browser fetch and compile their code (about a hundred small
scripts, among them Streamlit's data grid, ~1.3 MB) before the map's own; the map then came
0.5 s later on a 2-core machine (README, performance). A zero-height component
(``after_map.js``, drawn in the page) waits until Leaflet holds the map's features and has
painted them, then sets its state ``drawn``: that rerun, once per session, builds the rest.
Without a map (or any access to it) it answers after a timeout, so the rest always comes.

Why it is drawn first, hidden in the sidebar (:func:`watch`, before any widget): it also
starts fetching Leaflet, which the map needs as soon as its element arrives.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v2 as components

from carto.map.assets import LEAFLET_CSS, LEAFLET_JS
from carto.ui.livemap import component_js, no_callback

READY_KEY = "after_map_ready"  # session flag: the map has been drawn once in this session
_WIDGET_KEY = "w_after_map"
# Streamlit gives a keyed element the class ``st-key-<key>``. Out of the flow (no gap) but still
# rendered (an element hidden by ``display:none`` is one the browser stops drawing, and its
# timers and animation frames slow down). The component's own style: it comes with it.
HIDE_CSS = f".st-key-{_WIDGET_KEY}{{position:absolute;width:0;height:0;overflow:hidden}}"
_component = components.component(
    "atlas_after_map",
    js=component_js("after_map.js"),
    css=HIDE_CSS,
    isolate_styles=False,
)


def watch() -> None:
    """Ask this session's browser to say when it has drawn the map; call it before the
    sidebar's widgets (see the module's docstring).

    Drawn on every run, even once answered: an element that came and went at the top of the
    sidebar would shift every widget below it by one place between two runs, which Streamlit
    may take for new elements to mount. The mounted element answers only once.
    """
    with st.sidebar:
        result = _component(
            key=_WIDGET_KEY,
            data={
                "leaflet_js": LEAFLET_JS[0][1],
                "leaflet_css": LEAFLET_CSS[0][1],
                "answered": map_drawn(),
            },
            default={"drawn": False},
            on_drawn_change=no_callback,
        )
        if getattr(result, "drawn", False):
            st.session_state[READY_KEY] = True


def map_drawn() -> bool:
    """Whether this session's browser has drawn the map (as :func:`watch` heard it)."""
    return bool(st.session_state.get(READY_KEY))
