"""Panel « Diagnostic partagé »: observations on the selected territory, its portrait, and the
shared saved views."""

from __future__ import annotations

import streamlit as st

from carto.compose.diagnosis import (
    observation_level,
    observed_counts,
    portrait_data,
    selected_zone,
    territory_names,
)
from carto.compose.keys import sites_token
from carto.territories.zones import Territory
from carto.ui import cache
from carto.ui import state as keys
from carto.ui.panels.context import PanelContext
from carto.ui.panels.observations import get_store, md_escape, observation_form, observations_list
from carto.ui.panels.portrait import portrait_downloads
from carto.ui.panels.saved_views import open_view, saved_views_panel
from carto.viewstate.codec import ViewState


def diagnosis_panel(ctx: PanelContext) -> None:
    store = get_store()
    left, right = st.columns([3, 2])
    with right:
        st.markdown("#### Vues enregistrées")
        chosen = saved_views_panel(store, ctx.query_string)
        if chosen is not None:
            open_view(chosen)
    with left:
        _observations(ctx)


def _observations(ctx: PanelContext) -> None:
    terr, state, store = ctx.terr, ctx.state, get_store()
    if terr.is_france:
        st.caption("Choisissez un département pour saisir des observations.")
        return
    level = observation_level(terr.level)
    names = territory_names(terr, level, ctx.bundle.communes)
    zone = selected_zone(terr, st.session_state.get(keys.SELECTED_KEY))
    if zone is None:
        st.info(
            f"Cherchez {terr.zone_with_article} par son nom (à côté de la carte) ou cliquez "
            "dessus pour l'observer."
        )
        observations_list(store, department=state.department, territory_level=level, names=names)
        return
    st.markdown(f"#### {md_escape(zone.name)}")
    observation_form(store, zone.level, zone.code, state.department, zone.name)
    observations = observations_list(
        store,
        department=state.department,
        territory_level=zone.level,
        territory_code=zone.code,
        names=names,
    )
    st.markdown("#### Portrait du territoire")
    portrait_downloads(
        lambda: portrait_data(ctx.key, state, zone, observations, sites_token(), cache.SOURCES),
        f"portrait_{zone.level}_{zone.code}",
    )


def observation_counts(terr: Territory, state: ViewState) -> dict[str, int]:
    """Observations per zone of the map (its badges)."""
    store = get_store()
    return observed_counts(
        terr, lambda level: store.counts_by_territory(level, department=state.department)
    )
