"""Atlas des besoins sociaux — Streamlit entry point (layout and widgets only).

All logic lives in ``carto``; this script wires widgets to it.
Run: ``python -m carto.ui.serve`` (``streamlit run streamlit_app.py`` with the app's code
imported before the server listens, see ``carto/ui/serve.py``).
"""

from __future__ import annotations

import streamlit as st

from carto.common.text import md_escape
from carto.compose.keys import imports_token
from carto.compose.offer import known_values
from carto.territories.bundle import BundleError
from carto.ui import after_map, cache, views, warmup
from carto.ui import state as keys
from carto.ui.layout import PageLayout, page_style
from carto.ui.link import render_copy_link_button, render_notices
from carto.ui.mapview import map_fragment
from carto.ui.sidebar import sidebar
from carto.viewstate.codec import to_query_string

st.set_page_config(
    page_title="Atlas des besoins sociaux",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if keys.meeting_asked() else "auto",
)
cache.leaflet_ready()

try:
    bundle = cache.get_bundle()
except BundleError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

# --- View state: the link is read once per session, then the widgets rule -----------------
stored_data_notice = cache.begin_rerun()  # the stores' revisions, read once per rerun
if stored_data_notice:
    st.warning(md_escape(stored_data_notice))
imports = imports_token()
catalogue = cache.get_catalogue(imports)
seeded = keys.seed_from_url(
    known_values(bundle, catalogue), {k: st.query_params.get_all(k) for k in st.query_params}
)
scope = cache.read_scope(keys.pending(), imports)
# The first run of a session draws the map alone, from the link; the widgets, the legend and
# the panels come with the rerun that follows the browser's « map drawn » (carto/ui/after_map.py).
after_map.watch()
first_paint = not after_map.map_drawn()
# What the link could not apply is said until the first whole page has been shown.
ss_notices = st.session_state.get if first_paint else st.session_state.pop
render_notices(ss_notices(keys.NOTICES_KEY, []))
if first_paint:
    view_state = keys.link_view(seeded)
else:
    result = sidebar(bundle, catalogue, cache.get_offer(scope))
    for message in result.errors:
        st.error(md_escape(message))
    view_state = result.state
keys.forget_view_if_moved(view_state.department)
terr_key = scope.territory_key(view_state)
terr = cache.get_territory(terr_key)
shapes = cache.get_shapes(terr_key)
keys.keep_selection(terr.zones.index)

# --- Filters (communes), applied to map, table and exports ---------------------------------
kept = views.kept_communes(view_state, terr_key)
banner = kept.summary is not None and kept.summary.active

# --- Map(s) -------------------------------------------------------------------------------
two_maps = bool(view_state.side_by_side and view_state.indicator2)
style = page_style(PageLayout(meeting=view_state.meeting, banner=banner, two_maps=two_maps))
st.title(f"Atlas des besoins sociaux — {terr.label}")
if banner:
    st.info(md_escape(kept.summary.banner))


map_panels = views.map_panels(view_state, terr, terr_key, catalogue, kept)
reference = cache.get_view_reference(terr_key.department, terr_key.imports)
map_fragment(
    map_panels,
    shapes,
    terr,
    catalogue,
    view_state.tiles,
    view_state.meeting,
    reference,
    first_paint,
    style,
)
keys.write_url(keys.with_map_state(view_state))
query_string = to_query_string(keys.with_map_state(view_state))
if not first_paint:
    render_copy_link_button(query_string)
# The first view read its department alone: France is read now, before a national view needs it.
warmup.warm_up_in_background()

# --- Below the map: table, sites and districts, imports, sources ----------------------------
# Only the panel chosen is built (tabs would build all five on every rerun), and only once the
# browser has drawn the map, so that the map comes first (carto/ui/after_map.py).
if not view_state.meeting and not after_map.map_drawn():
    st.caption("Le tableau et les panneaux s'affichent dès que la carte est dessinée…")
elif not view_state.meeting:
    from carto.ui import panels  # not before the map: the first visit waits for its import

    st.session_state.setdefault("w_panel", "table")
    shown = st.segmented_control(
        "Panneau",
        list(panels.PANELS),
        key="w_panel",
        format_func=panels.PANELS.get,
        label_visibility="collapsed",
        required=True,  # clicking the panel shown keeps it
    )
    context = panels.PanelContext(bundle, terr, terr_key, view_state, catalogue, kept, query_string)
    panels.show(shown, context)
