"""Build what lies below the map only once the browser has drawn the map.

Why: the page and the map's iframe share the browser's one main thread. Sent in the same run,
the table under the map (Streamlit's data grid: ~1.3 MB of script to compile, then a canvas)
and the other panels delay the first map by ~0.25 s on a 2-core machine (see the README).
A zero-height component (``after_map/index.html``) waits until Leaflet holds the map's
features and has painted them, then sends ``True``: that rerun, once per session, builds the
panel. Without a map (or any access to it) the component answers after a timeout, so the panel
always comes.

Why it is drawn first, hidden in the sidebar (:func:`watch`, before any widget): a fresh
browser fetches Streamlit's code for components (the iframe's host) only when the first
component arrives; asked for by this one at the start of the run, it is there when the map
comes, instead of queueing behind every widget's code (~0.5 s on a loaded 2-core machine).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

READY_KEY = "after_map_ready"  # session flag: the map has been drawn once in this session
_WIDGET_KEY = "w_after_map"
# Streamlit gives a keyed element the class ``st-key-<key>``; a style-only st.html takes no room.
# Out of the flow (no gap) but still rendered: a frame hidden by ``display:none`` is one the
# browser stops drawing, and its timers and animation frames slow down.
HIDE_CSS = (
    f"<style>.st-key-{_WIDGET_KEY}{{position:absolute;width:0;height:0;overflow:hidden}}</style>"
)
_component = components.declare_component(
    "after_map", path=str(Path(__file__).with_name("after_map"))
)


def watch(meeting: bool) -> None:
    """Ask this session's browser to say when it has drawn the map; call it before the
    sidebar's widgets (see the module's docstring). The meeting mode shows nothing below the
    map: no question to ask.

    Drawn on every run, even once answered: an element that came and went at the top of the
    sidebar would shift every widget below it by one place between two runs, which Streamlit
    may take for new elements to mount. The mounted frame answers only once.
    """
    if meeting:
        return
    st.html(HIDE_CSS)
    with st.sidebar:
        if _component(key=_WIDGET_KEY, default=False):
            st.session_state[READY_KEY] = True


def map_drawn() -> bool:
    """Whether this session's browser has drawn the map (as :func:`watch` heard it)."""
    return bool(st.session_state.get(READY_KEY))
