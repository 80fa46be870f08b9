"""Build what lies below the map only once the browser has drawn the map.

Why: the page and the map's iframe share the browser's one main thread. Sent in the same run,
the table under the map (Streamlit's data grid: ~1.3 MB of script to compile, then a canvas)
and the other panels delay the first map by ~0.25 s on a 2-core machine (see the README).
A zero-height component (``after_map/index.html``) waits until Leaflet holds the map's
features and has painted them, then sends ``True``: that rerun, once per session, builds the
panel. Without a map (or any access to it) the component answers after a timeout, so the panel
always comes.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

READY_KEY = "after_map_ready"  # session flag: the map has been drawn once in this session
_WIDGET_KEY = "w_after_map"
_component = components.declare_component(
    "after_map", path=str(Path(__file__).with_name("after_map"))
)


def map_drawn() -> bool:
    """Whether this session's browser has drawn the map; until then, ask it to say so."""
    if st.session_state.get(READY_KEY):
        return True
    if _component(key=_WIDGET_KEY, default=False):
        st.session_state[READY_KEY] = True
        return True
    return False
