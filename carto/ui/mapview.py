"""The map(s), their legends and the panel of the clicked territory.

The map lives in a fragment: a click or a pan reruns only this part of the page. The map's
centre, zoom and selected territory are kept in session_state (and so in the link).
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import streamlit as st
from streamlit_folium import st_folium

from carto.common.fmt import format_number
from carto.common.text import md_escape
from carto.indicators.alternatives import published_instead
from carto.indicators.catalogue import Catalogue, Indicator
from carto.indicators.reference import ReferenceTerritory
from carto.map.choropleth import ChoroplethView, small_threshold, zone_comparison
from carto.map.geojson import ZoneShapes, base_map, center_of, fit_zoom
from carto.map.layers import LayerInputs, build_layers
from carto.map.legend import legend_html
from carto.territories.zones import Territory
from carto.ui import hooks
from carto.ui import state as keys

MAP_HEIGHT = 620
MEETING_HEIGHT = 760


def feature_group(inputs: LayerInputs) -> folium.FeatureGroup:
    """The layers as one FeatureGroup, rendered once per distinct view (``carto.ui.hooks``)."""
    return hooks.layers_group(inputs, build_layers)


@dataclass(frozen=True)
class MapPanel:
    """One map to draw: its view, its layers, and the key of its component."""

    view: ChoroplethView
    layers: LayerInputs
    key: str
    circles_legend: str = ""  # escaped HTML


def _centre_and_zoom(
    shapes: ZoneShapes, width: int, height: int
) -> tuple[tuple[float, float], int]:
    ss = st.session_state
    centre = ss.get(keys.CENTRE_KEY) or center_of(shapes.bounds)
    zoom = ss.get(keys.ZOOM_KEY) or fit_zoom(shapes.bounds, width, height)
    return tuple(centre), int(zoom)


def _remember_click(result: dict | None) -> None:
    """Store the clicked zone; a click reruns the whole page (the panels and link follow it)."""
    if not result:
        return
    clicked = ((result.get("last_active_drawing") or {}).get("properties") or {}).get("code")
    if clicked and clicked != st.session_state.get(keys.SELECTED_KEY):
        st.session_state[keys.SELECTED_KEY] = str(clicked)
        st.rerun(scope="app")


def draw_map(
    panel: MapPanel, shapes: ZoneShapes, tiles: bool, height: int, width: int = 820
) -> None:
    centre, zoom = _centre_and_zoom(shapes, width, height)
    result = st_folium(
        base_map(shapes.bounds, tiles, zoom=zoom, track_view=True, centre=centre),
        feature_group_to_add=feature_group(panel.layers),
        height=height,
        use_container_width=True,
        # Only clicks come back: panning and zooming cause no rerun. The centre and zoom of
        # the link are read from the live map by the page (see carto.map.geojson.ViewTracker).
        returned_objects=["last_active_drawing"],
        key=panel.key,
    )
    _remember_click(result)


def legend(panel: MapPanel, terr: Territory, large: bool) -> None:
    view = panel.view
    st.markdown(
        legend_html(
            view.indicator,
            view.classification,
            large=large,
            level=terr.level,
            labels=view.legend_labels,
            title=view.legend_title,
            missing=view.missing,
            incomplete=len(view.incomplete),
            notes=(view.coverage_note,) if view.coverage_note else (),
        ),
        unsafe_allow_html=True,
    )
    if view.reading:
        st.caption(md_escape(view.reading))
    if panel.circles_legend:
        st.markdown(panel.circles_legend, unsafe_allow_html=True)
    if view.notice:
        st.info(md_escape(view.notice))
    if view.small_zones:
        shown = md_escape(", ".join(view.small_zones[:10]))
        more = f" et {len(view.small_zones) - 10} autre(s)" if len(view.small_zones) > 10 else ""
        st.warning(
            f"Petits effectifs : le taux de {len(view.small_zones)} zone(s) repose sur un "
            f"dénominateur inférieur à {format_number(small_threshold())} ({shown}{more}) ; "
            "à lire avec prudence."
        )
    if view.details:
        with st.expander("Communes dont le code a changé entre les millésimes"):
            st.text(view.details)
    st.markdown(f"**{md_escape(view.reference_label)}** : {md_escape(view.reference_text)}")


def selection_panel(
    terr: Territory,
    catalogue: Catalogue,
    indicator: Indicator,
    reference: ReferenceTerritory | None = None,
) -> None:
    code = st.session_state.get(keys.SELECTED_KEY)
    if code in terr.zones.index:
        st.subheader(md_escape(terr.zones.at[code, "LIBGEO"]))
        st.caption(f"Code {md_escape(code)}")
        instead = published_instead(indicator, terr, catalogue, code)
        if instead:
            st.info(md_escape(instead))
        st.dataframe(zone_comparison(terr, catalogue, code, reference), hide_index=True)
        if st.button("Effacer la sélection", key="clear_sel"):
            st.session_state[keys.SELECTED_KEY] = None
            st.rerun()
    else:
        st.caption(f"Cliquez sur {terr.zone_with_article} de la carte pour comparer ses valeurs.")


@st.fragment
def map_fragment(
    panels: list[MapPanel],
    shapes: ZoneShapes,
    terr: Territory,
    catalogue: Catalogue,
    tiles: bool,
    meeting: bool,
    reference: ReferenceTerritory | None = None,
) -> None:
    """One map with its legend and panel, or two maps side by side moving together.

    ``reference``: the whole department (or France) the click panel compares a zone with.
    """
    height = MEETING_HEIGHT if meeting else MAP_HEIGHT
    if len(panels) == 2:
        cols = st.columns(2)
        for col, panel in zip(cols, panels, strict=True):
            with col:
                draw_map(panel, shapes, tiles, height - 120, width=560)
                legend(panel, terr, meeting)
        selection_panel(terr, catalogue, panels[0].view.indicator, reference)
    elif meeting:
        draw_map(panels[0], shapes, tiles, height, width=1150)
        cols = st.columns([2, 1])
        with cols[0]:
            legend(panels[0], terr, True)
        with cols[1]:
            selection_panel(terr, catalogue, panels[0].view.indicator, reference)
    else:
        col_map, col_side = st.columns([3, 1])
        with col_map:
            draw_map(panels[0], shapes, tiles, height)
        with col_side:
            legend(panels[0], terr, False)
            selection_panel(terr, catalogue, panels[0].view.indicator, reference)
