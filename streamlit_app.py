"""Atlas des besoins sociaux — Streamlit entry point (layout and widgets only).

All logic lives in ``carto``; this script wires widgets to it.
Run: ``streamlit run streamlit_app.py``.
"""

from __future__ import annotations

import streamlit as st

from carto.assets import ensure_leaflet
from carto.bundle import BundleError
from carto.circles import CirclesError, circles_legend_html
from carto.classify import PALETTES, ClassificationError
from carto.layers import LayerInputs, observation_badges
from carto.legend import LEGEND_CSS
from carto.sites import CATEGORIES
from carto.territories import FRANCE, PLM_CITIES
from carto.ui import cache, controls, panels
from carto.ui import state as keys
from carto.ui.link import render_copy_link_button, render_notices
from carto.ui.mapview import MapPanel, map_fragment
from carto.viewstate import Known, to_query_string
from carto.vintages import VintageError, family_key

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
token = cache.imports_token()
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
dtoken = cache.district_token(dep_now) if dep_now != FRANCE else ()
district_sets = cache.get_district_names(dep_now, dtoken) if dep_now != FRANCE else []
dset_now = ss.get(keys.KEYS["district_set"])
dset_now = dset_now if dset_now in district_sets else None
sites_on = bool(ss.get(keys.LAYER_KEYS["sites"])) and dep_now != FRANCE
cats_now = ss.get(keys.CATEGORIES_KEY)
coverage = (tuple(sorted(cats_now)) if cats_now else None, cache.sites_token()) if sites_on else ()
commune_terr = cache.get_commune_territory(dep_now, arr_now, token, coverage)
iris_here = dep_now in cache.get_iris_departments(token)
if iris_here and ss.get(keys.KEYS["level"]) == "iris":
    iris_terr = cache.get_territory(dep_now, False, "iris", None, token, (), ())
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
terr_key = (dep, by_arr, level, view_state.district_set, token, dtoken, coverage)
terr = cache.get_territory(*terr_key)
shapes = cache.get_shapes(*terr_key)

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


def choropleth(indicator_id: str):
    kept_codes = tuple(kept) if kept is not None and level == "commune" else None
    args = (view_state.class_method, view_state.n_classes, view_state.palette or "YlOrRd")
    bounds = view_state.bounds or None
    if view_state.reference != "none" and not by_arr:
        ref = view_state.reference
        return cache.get_comparison(terr_key, indicator_id, ref, *args[:2], kept_codes)
    if view_state.vintage2 and indicator_id == view_state.indicator:
        try:
            return cache.get_evolution(terr_key, indicator_id, view_state.vintage2, *args[:2])
        except VintageError as exc:
            st.error(str(exc))
    shared = None
    if view_state.side_by_side and view_state.indicator2 in catalogue:
        pair = catalogue.get(view_state.indicator), catalogue.get(view_state.indicator2)
        if family_key(pair[0]) == family_key(pair[1]):
            other = pair[1] if indicator_id == pair[0].id else pair[0]
            shared = other.id
    try:
        return cache.get_choropleth(terr_key, indicator_id, *args, bounds, kept_codes, shared)
    except ClassificationError as exc:
        st.error(str(exc))
        return cache.get_choropleth(
            terr_key, indicator_id, "quantiles", 5, args[2], None, kept_codes
        )


layer_on = set(view_state.layers)
overlay = (
    cache.get_district_overlay(dep, view_state.district_set, dtoken)
    if ("districts" in layer_on and view_state.district_set and dep != FRANCE)
    else (None, ())
)
ind_ids = [view_state.indicator]
if view_state.side_by_side and view_state.indicator2:
    ind_ids.append(view_state.indicator2)
circles, circles_ind, circles_legend = None, None, ""
if view_state.circles and view_state.circles in catalogue:
    circles_ind = catalogue.get(view_state.circles)
    try:
        circles = cache.get_circles(terr_key, view_state.circles)
        circles_legend = circles_legend_html(circles, circles_ind, noun=terr.zone_noun)
    except CirclesError as exc:
        st.error(str(exc))
map_panels = []
for number, ind_id in enumerate(ind_ids):
    view = choropleth(ind_id)
    inputs = LayerInputs(
        choropleth=view.collection,
        indicator_label=view.indicator.label,
        zone_label=terr.zone_noun.capitalize(),
        source_line=view.indicator.source_line(),
        epci=cache.get_epci_collection(dep) if "epci" in layer_on and dep != FRANCE else None,
        mairies=cache.get_mairies(dep, by_arr) if "mairies" in layer_on and dep != FRANCE else None,
        sites=cache.get_sites_geojson(dep, view_state.site_categories, cache.sites_token())
        if "sites" in layer_on and dep != FRANCE
        else None,
        districts=overlay[0],
        district_labels=overlay[1],
        observation_badges=observation_badges(
            terr.zones, panels.observation_counts(terr, view_state)
        )
        if "observations" in layer_on
        else (),
        large=view_state.meeting,
        circles=circles,
        circles_label=circles_ind.label if circles_ind else "",
    )
    key = f"carte-{number}-{dep}-{by_arr}-{view_state.tiles}"
    map_panels.append(MapPanel(view, inputs, key, circles_legend))


def sync_url() -> None:
    keys.write_url(keys.with_map_state(view_state))


map_fragment(map_panels, shapes, terr, catalogue, view_state.tiles, view_state.meeting, sync_url)
sync_url()
query_string = to_query_string(keys.with_map_state(view_state))
render_copy_link_button(query_string)

# --- Below the map: table, sites and districts, imports, sources ----------------------------
# Only the panel chosen is built: tabs would build all five on every rerun.
if not view_state.meeting:
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
