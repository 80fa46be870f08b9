"""Atlas des besoins sociaux — Streamlit entry point (layout and widgets only).

All logic lives in ``carto``; this script wires widgets to it.
Run: ``streamlit run streamlit_app.py``.
"""

from __future__ import annotations

import streamlit as st

from carto.compose.keys import (
    CommuneKey,
    Coverage,
    TerritoryKey,
    Token,
    districts_token,
    imports_token,
    sites_token,
)
from carto.map.assets import ensure_leaflet
from carto.map.classify import PALETTES
from carto.map.legend import LEGEND_CSS
from carto.sites.model import CATEGORIES
from carto.territories.bundle import BundleError
from carto.territories.zones import FRANCE, PLM_CITIES
from carto.ui import after_map, cache, controls, panels, views
from carto.ui import state as keys
from carto.ui.link import render_copy_link_button, render_notices
from carto.ui.mapview import map_fragment
from carto.viewstate.codec import Known, to_query_string

meeting_url = st.query_params.get("meet") in ("1", "true", "oui")
st.set_page_config(
    page_title="Atlas des besoins sociaux",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if meeting_url else "auto",
)
ensure_leaflet()
st.markdown(LEGEND_CSS, unsafe_allow_html=True)

try:
    bundle = cache.get_bundle()
except BundleError as exc:
    st.error(str(exc))
    st.stop()

# --- View state: the link is read once per session, then the widgets rule -----------------
token = imports_token()
catalogue = cache.get_catalogue(token)
known = Known(
    departments=frozenset([FRANCE, *bundle.department_codes]),
    indicators=frozenset(catalogue.ids()),
    palettes=frozenset(PALETTES),
    site_categories=frozenset(c.code for c in CATEGORIES),
)
keys.seed_from_url(known, {k: st.query_params.get_all(k) for k in st.query_params})
render_notices(st.session_state.pop(keys.NOTICES_KEY, []))

ss = st.session_state
dep_now = ss.get(keys.KEYS["department"], "54")
arr_now = bool(ss.get(keys.KEYS["by_arrondissement"])) and dep_now in PLM_CITIES
dtoken = districts_token(dep_now) if dep_now != FRANCE else Token()
district_sets = cache.get_district_names(dep_now, dtoken) if dep_now != FRANCE else []
dset_now = ss.get(keys.KEYS["district_set"])
dset_now = dset_now if dset_now in district_sets else None
sites_on = bool(ss.get(keys.LAYER_KEYS["sites"])) and dep_now != FRANCE
cats_now = ss.get(keys.CATEGORIES_KEY)
coverage = None
if sites_on:
    coverage = Coverage(tuple(sorted(cats_now)) if cats_now else None, sites_token())
commune_terr = cache.get_commune_territory(CommuneKey(dep_now, arr_now, token, coverage))
iris_here = dep_now in cache.get_iris_departments(token)
if iris_here and ss.get(keys.KEYS["level"]) == "iris":
    iris_terr = cache.get_territory(TerritoryKey(dep_now, False, "iris", None, token, Token()))
    indicators = catalogue.available(iris_terr.measures)
else:
    indicators = catalogue.available(commune_terr.measures)

district_names = cache.get_district_set(dep_now, dset_now, dtoken).districts if dset_now else None
result = controls.sidebar(
    bundle,
    catalogue,
    indicators,
    district_sets,
    older_vintages=lambda ind: cache.older_vintages(catalogue, ind),
    district_names=district_names,
    iris_available=iris_here,
)
for message in result.errors:
    st.error(message)
view_state = result.state
keys.forget_view_if_moved(view_state.department)
dep, by_arr = view_state.department, view_state.by_arrondissement and dep_now in PLM_CITIES
level = view_state.level if view_state.level != "district" or view_state.district_set else "commune"
terr_key = TerritoryKey(dep, by_arr, level, view_state.district_set, token, dtoken, coverage)
terr = cache.get_territory(terr_key)
shapes = cache.get_shapes(terr_key)

# --- Filters (communes), applied to map, table and exports ---------------------------------
kept, summary = panels.filter_communes(view_state, commune_terr, catalogue, terr_key)

# --- Map(s) -------------------------------------------------------------------------------
if view_state.meeting:
    st.markdown(
        "<style>h1{font-size:3rem!important}.atlas-legend{font-size:1.35rem}</style>",
        unsafe_allow_html=True,
    )
st.title(f"Atlas des besoins sociaux — {terr.label}")
if summary is not None and summary.active:
    st.info(summary.sentence)


map_panels = views.map_panels(view_state, terr, terr_key, catalogue, kept, level, by_arr)


def sync_url() -> None:
    keys.write_url(keys.with_map_state(view_state))


map_fragment(map_panels, shapes, terr, catalogue, view_state.tiles, view_state.meeting, sync_url)
sync_url()
query_string = to_query_string(keys.with_map_state(view_state))
render_copy_link_button(query_string)

# --- Below the map: table, sites and districts, imports, sources ----------------------------
# Only the panel chosen is built (tabs would build all five on every rerun), and only once the
# browser has drawn the map, so that the map comes first (carto/ui/after_map.py).
if not view_state.meeting and not after_map.map_drawn():
    st.caption("Le tableau et les panneaux s'affichent dès que la carte est dessinée…")
elif not view_state.meeting:
    st.session_state.setdefault("w_panel", "table")
    shown = st.segmented_control(
        "Panneau",
        list(panels.PANELS),
        key="w_panel",
        format_func=panels.PANELS.get,
        label_visibility="collapsed",
    )
    if shown == "table":
        panels.zone_table_panel(terr, catalogue, terr_key, kept, level, view_state)
    elif shown == "diagnosis":
        panels.diagnosis_panel(bundle, terr, terr_key, view_state, catalogue, query_string)
    elif shown == "sites":
        panels.sites_and_districts_panel(bundle, dep, terr_key, view_state, catalogue)
    elif shown == "imports":
        panels.imports_panel(bundle)
    elif shown == "sources":
        panels.sources_panel(bundle, catalogue.available(terr.measures))
