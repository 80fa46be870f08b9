"""Panel « Diagnostic partagé »: observations on the selected territory, its portrait, and the
shared saved views."""

from __future__ import annotations

import streamlit as st

from carto.common.text import md_escape
from carto.compose.diagnosis import (
    observation_level,
    observed_counts,
    portrait_data,
    selected_zone,
    territory_names,
)
from carto.compose.keys import sites_token
from carto.diagnosis.store import Store, StoreError
from carto.territories.zones import Territory
from carto.ui import cache
from carto.ui import state as keys
from carto.ui.edit_code import edit_code_field
from carto.ui.guard import french_errors
from carto.ui.panels.context import PanelContext
from carto.ui.panels.observations import get_store, observation_form, observations_list
from carto.ui.panels.portrait import portrait_downloads
from carto.ui.panels.saved_views import open_view, saved_views_panel
from carto.viewstate.codec import ViewState


def diagnosis_panel(ctx: PanelContext) -> None:
    store = None
    with french_errors("ouverture de la base du diagnostic partagé"):
        store = get_store()
    if store is None:
        return
    edit_code_field()
    left, right = st.columns([3, 2])
    with right:
        st.markdown("#### Vues enregistrées")
        chosen = None
        with french_errors("lecture des vues enregistrées"):
            chosen = saved_views_panel(store, ctx.query_string)
        if chosen is not None:
            open_view(chosen)
    with left, french_errors("lecture des observations"):
        _observations(ctx, store)


def _observations(ctx: PanelContext, store: Store) -> None:
    terr, state = ctx.terr, ctx.state
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
    shown = observations_list(
        store,
        department=state.department,
        territory_level=zone.level,
        territory_code=zone.code,
        names=names,
    )
    st.markdown("#### Portrait du territoire")
    portrait_downloads(
        lambda: portrait_data(ctx.key, state, zone, shown.all(store), sites_token(), cache.SOURCES),
        f"portrait_{zone.level}_{zone.code}",
    )


def observation_counts(terr: Territory, state: ViewState) -> dict[str, int]:
    """Observations per zone of the map (its badges); none, with a French notice, while the
    database cannot be reached (the map is drawn all the same, and the badges come back by
    themselves once it answers)."""
    try:
        store = get_store()
        return observed_counts(
            terr, lambda level: store.counts_by_territory(level, department=state.department)
        )
    except StoreError as exc:
        st.warning(f"Couche des observations non affichée. {md_escape(str(exc))}")
        return {}
