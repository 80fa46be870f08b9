"""The map(s), their legends, the search box and the panel of the selected territory.

The map lives in a fragment: a pan causes no rerun, a click or a search reruns the page. The
map is sized on the window (``carto.ui.layout``) and the territory is fitted to it in
the browser; a link's centre and zoom, and the view of a searched zone, are kept in
session_state (and so in the link).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.common.fmt import format_number
from carto.common.text import md_escape
from carto.indicators.catalogue import Catalogue
from carto.indicators.reference import ReferenceTerritory
from carto.map.choropleth import ChoroplethView, small_threshold
from carto.map.geojson import ZoneShapes, center_of, fit_zoom
from carto.map.layers import LayerInputs
from carto.map.legend import legend_html
from carto.territories.zones import Territory
from carto.ui import state as keys
from carto.ui.export import export_button
from carto.ui.livemap import BaseView, live_map
from carto.ui.selection import remember_click, search_box, selection_panel

MAP_HEIGHT = 560  # the map's height before the page's CSS sizes it on the window
SIDE_BY_SIDE_HEIGHT = 420


@dataclass(frozen=True)
class MapPanel:
    """One map to draw: its view, its layers, and the key of its component."""

    view: ChoroplethView
    layers: LayerInputs
    key: str
    circles_legend: str = ""  # escaped HTML


def draw_map(
    panel: MapPanel,
    shapes: ZoneShapes,
    tiles: bool,
    height: int,
    primary: bool = True,
    style: str = "",
) -> None:
    """The live map; without a link's centre and zoom, the territory is fitted in the browser."""
    ss = st.session_state
    linked = ss.get(keys.CENTRE_KEY) is not None and ss.get(keys.ZOOM_KEY) is not None
    centre = tuple(ss.get(keys.CENTRE_KEY) or center_of(shapes.view_bounds))
    zoom = int(ss.get(keys.ZOOM_KEY) or fit_zoom(shapes.view_bounds))
    focus = ss.get(keys.FOCUS_KEY)
    click = live_map(
        BaseView(shapes.view_bounds, tiles, centre, zoom, fit=not linked),
        panel.layers,
        key=panel.key,
        height=height,
        # A searched zone is looked at without rebuilding the map.
        focus=focus,
        primary=primary,
        label=f"Carte : {panel.view.indicator.label}",
        style=style,
    )
    clicked = remember_click(click, panel.key)
    if clicked and clicked != ss.get(keys.SELECTED_KEY):
        ss[keys.SELECTED_KEY] = clicked
        st.rerun(scope="app")


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
    st.markdown(f"**{md_escape(view.reference_label)}** : {md_escape(view.reference_text)}")
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


@st.fragment
def map_fragment(
    panels: list[MapPanel],
    shapes: ZoneShapes,
    terr: Territory,
    catalogue: Catalogue,
    tiles: bool,
    meeting: bool,
    reference: ReferenceTerritory | None = None,
    first_paint: bool = False,
    style: str = "",
) -> None:
    """One map with its legend beside it, or two maps side by side moving together.

    ``reference``: the whole department (or France) the selection panel compares a zone with;
    ``first_paint``: the map alone, the browser has not drawn it yet (``carto.ui.after_map``);
    ``style``: the page's style (``carto.ui.layout.page_style``), put in the page by the map.
    """
    if len(panels) == 2:
        cols = st.columns(2)
        for n, (col, panel) in enumerate(zip(cols, panels, strict=True)):
            with col:
                draw_map(panel, shapes, tiles, SIDE_BY_SIDE_HEIGHT, n == 0, style)
                if not first_paint:
                    legend(panel, terr, meeting)
        if first_paint:
            return
        side = st.columns([1, 2])
        with side[0]:
            search_box(terr)
        with side[1]:
            selection_panel(terr, catalogue, panels[0].view, meeting, reference)
        return
    col_map, col_side = st.columns([3, 1])
    with col_map:
        draw_map(panels[0], shapes, tiles, MAP_HEIGHT, True, style)
    if first_paint:
        return
    with col_side:
        search_box(terr)
        legend(panels[0], terr, meeting)
        export_button(panels[0].view, terr)
        selection_panel(terr, catalogue, panels[0].view, meeting, reference)
