"""The map panel(s) of a view: one, or two side by side, each with every layer switched on;
and the communes the filters keep.

What each map shows is decided in ``carto.compose`` (``maps.map_requests``, ``layers``); this
module only shows, in French, why a requested map could not be drawn before drawing the next.
"""

from __future__ import annotations

import streamlit as st

from carto.common.text import md_escape
from carto.compose.filtering import KeptCommunes
from carto.compose.filtering import kept_communes as compose_kept
from carto.compose.keys import TerritoryKey, sites_token
from carto.compose.layers import CirclesPart, Overlays, circles_indicator, layer_inputs, overlays
from carto.compose.maps import MapRequest, map_requests
from carto.indicators.catalogue import Catalogue
from carto.indicators.vintages import VintageError
from carto.map.choropleth import ChoroplethView
from carto.map.circles import CirclesError
from carto.map.classify import ClassificationError
from carto.territories.zones import Territory
from carto.ui import cache
from carto.ui.mapview import MapPanel
from carto.viewstate.codec import ViewState
from carto.viewstate.filters import FilterError


def kept_communes(state: ViewState, key: TerritoryKey) -> KeptCommunes:
    """The communes kept by the filters; a filter that cannot apply is shown and dropped."""
    try:
        return compose_kept(state, key, cache.SOURCES)
    except FilterError as exc:
        st.error(md_escape(str(exc)))
        return KeptCommunes()


def first_map(key: TerritoryKey, requests: tuple[MapRequest, ...]) -> ChoroplethView:
    """The first request that can be drawn; each refusal is shown as a French error."""
    *tries, last = requests
    for request in tries:
        try:
            return cache.get_map(key, request)
        except (VintageError, ClassificationError) as exc:
            st.error(md_escape(str(exc)))
    return cache.get_map(key, last)


def _circles(state: ViewState, key: TerritoryKey, catalogue: Catalogue) -> CirclesPart | None:
    indicator_id = circles_indicator(state, catalogue)
    if indicator_id is None:
        return None
    try:
        return cache.get_circles(key, indicator_id)
    except CirclesError as exc:
        st.error(md_escape(str(exc)))
        return None


def view_overlays(
    state: ViewState, terr: Territory, key: TerritoryKey, catalogue: Catalogue
) -> Overlays:
    return overlays(
        state,
        key,
        cache.SOURCES,
        sites_token(),
        circles=_circles(state, key, catalogue),
        observation_counts=lambda: _observation_counts(terr, state),
    )


def _observation_counts(terr: Territory, state: ViewState) -> dict[str, int]:
    # Imported here: the panels (portrait exports, imports…) are not needed before the map is
    # drawn, and their import was a tenth of the first visit's server time after a start.
    from carto.ui.panels.diagnosis import observation_counts

    return observation_counts(terr, state)


def map_panels(
    state: ViewState,
    terr: Territory,
    key: TerritoryKey,
    catalogue: Catalogue,
    kept: KeptCommunes,
) -> list[MapPanel]:
    """One panel, or two in side-by-side mode, each with every layer switched on."""
    layers = view_overlays(state, terr, key, catalogue)
    ids = [state.indicator]
    if state.side_by_side and state.indicator2:
        ids.append(state.indicator2)
    panels = []
    for number, ind_id in enumerate(ids):
        requests = map_requests(state, ind_id, catalogue, kept.at(key.level), key.by_arrondissement)
        view = first_map(key, requests)
        legend = layers.circles.legend if layers.circles else ""
        component = f"carte-{number}-{state.department}-{key.by_arrondissement}-{state.tiles}"
        panels.append(MapPanel(view, layer_inputs(view, terr, layers), component, legend))
    return panels
