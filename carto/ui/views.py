"""Which map(s) the view state asks for: choropleth, comparison or evolution, and their layers.

Kept out of streamlit_app.py so that the script stays layout only; the builders themselves are
cached in carto.ui.cache and pure in carto.
"""

from __future__ import annotations

import streamlit as st

from carto.compose.keys import TerritoryKey, sites_token
from carto.compose.parts import DistrictOverlay
from carto.indicators.catalogue import Catalogue
from carto.indicators.vintages import VintageError, family_key
from carto.map.choropleth import ChoroplethView
from carto.map.circles import CirclesError, circles_legend_html
from carto.map.classify import ClassificationError
from carto.map.layers import LayerInputs, observation_badges
from carto.territories.zones import FRANCE, Territory
from carto.ui import cache
from carto.ui.mapview import MapPanel
from carto.ui.panels import observation_counts
from carto.viewstate.codec import ViewState


def choropleth(
    state: ViewState,
    indicator_id: str,
    terr_key: TerritoryKey,
    catalogue: Catalogue,
    kept_codes: tuple[str, ...] | None,
    by_arr: bool,
) -> ChoroplethView:
    """Comparison to a reference, evolution between vintages, or the plain indicator."""
    args = (state.class_method, state.n_classes, state.palette or "YlOrRd")
    if state.reference != "none" and not by_arr:
        return cache.get_comparison(terr_key, indicator_id, state.reference, *args[:2], kept_codes)
    if state.vintage2 and indicator_id == state.indicator:
        try:
            return cache.get_evolution(terr_key, indicator_id, state.vintage2, *args[:2])
        except VintageError as exc:
            st.error(str(exc))
    shared = None  # two vintages of one indicator side by side share their class bounds
    if state.side_by_side and state.indicator2 in catalogue:
        pair = catalogue.get(state.indicator), catalogue.get(state.indicator2)
        if family_key(pair[0]) == family_key(pair[1]):
            shared = (pair[1] if indicator_id == pair[0].id else pair[0]).id
    try:
        return cache.get_choropleth(
            terr_key, indicator_id, *args, state.bounds or None, kept_codes, shared
        )
    except ClassificationError as exc:
        st.error(str(exc))
        return cache.get_choropleth(
            terr_key, indicator_id, "quantiles", 5, args[2], None, kept_codes
        )


def map_panels(
    state: ViewState,
    terr: Territory,
    terr_key: TerritoryKey,
    catalogue: Catalogue,
    kept: list[str] | None,
    level: str,
    by_arr: bool,
) -> list[MapPanel]:
    """One panel, or two in side-by-side mode, each with every layer switched on."""
    dep, dtoken = state.department, terr_key.districts
    on = set(state.layers) if dep != FRANCE else set()
    kept_codes = tuple(kept) if kept is not None and level == "commune" else None
    overlay = DistrictOverlay()
    if "districts" in on and state.district_set:
        overlay = cache.get_district_overlay(dep, state.district_set, dtoken)
    circles, circles_label, circles_legend = None, "", ""
    if state.circles and state.circles in catalogue:
        circles_ind = catalogue.get(state.circles)
        try:
            circles = cache.get_circles(terr_key, state.circles)
            circles_label = circles_ind.label
            circles_legend = circles_legend_html(circles, circles_ind, noun=terr.zone_noun)
        except CirclesError as exc:
            st.error(str(exc))
    badges = ()
    if "observations" in on:
        badges = observation_badges(terr.zones, observation_counts(terr, state))
    ids = [state.indicator]
    if state.side_by_side and state.indicator2:
        ids.append(state.indicator2)
    panels = []
    for number, ind_id in enumerate(ids):
        view = choropleth(state, ind_id, terr_key, catalogue, kept_codes, by_arr)
        inputs = LayerInputs(
            choropleth=view.collection,
            indicator_label=view.indicator.label,
            zone_label=terr.zone_noun.capitalize(),
            source_line=view.indicator.source_line(),
            epci=cache.get_epci_collection(dep) if "epci" in on else None,
            mairies=cache.get_mairies(dep, by_arr) if "mairies" in on else None,
            sites=cache.get_sites_geojson(dep, state.site_categories, sites_token())
            if "sites" in on
            else None,
            districts=overlay.geojson,
            district_labels=overlay.labels,
            observation_badges=badges,
            large=state.meeting,
            circles=circles,
            circles_label=circles_label,
        )
        key = f"carte-{number}-{dep}-{by_arr}-{state.tiles}"
        panels.append(MapPanel(view, inputs, key, circles_legend))
    return panels
