"""The selected territory: found by name (keyboard) or clicked on the map, shown, cleared.

Why one module: a click on the map, the search box, a shared link and « Effacer la sélection »
all change the same selection (``state.SELECTED_KEY``), and each must leave the others in step:
the search box shows what was clicked, a cleared selection is not brought back by the map's
last click, and the page (panels, link) follows at once.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from carto.common.text import md_escape
from carto.compose.search import search_options, zone_focus
from carto.indicators.alternatives import published_instead
from carto.indicators.catalogue import Catalogue
from carto.indicators.reference import ReferenceTerritory
from carto.map.choropleth import ChoroplethView, format_indicator, zone_comparison
from carto.territories import levels
from carto.territories.zones import Territory
from carto.ui import cache
from carto.ui import state as keys
from carto.ui.livemap import Click

SEARCH_KEY = "w_search"
_SYNCED_KEY = "_search_synced"  # the selection the search box last showed
_CLICK_KEY = "_last_click"  # the map click already handled, per map


def select(code: str | None, terr: Territory) -> None:
    """Select a zone (or nothing), look at it, and rerun the whole page."""
    ss = st.session_state
    ss[keys.SELECTED_KEY] = code
    ss[keys.FOCUS_KEY] = zone_focus(terr.zones, code) if code is not None else None
    ss.pop(_SYNCED_KEY, None)  # the search box shows the new selection on the next run
    st.rerun(scope="app")


def remember_click(click: Click | None, map_key: str) -> str | None:
    """The zone a new click on the map chose, if any.

    A click comes back as a trigger, read by one run only; the stamp (zone, place and time of
    the click) also keeps a run that sees it twice from selecting again a zone that was
    cleared meanwhile.
    """
    if click is None or not click.code:
        return None
    stamp = (click.code, click.lat, click.lng, click.at)
    handled = st.session_state.setdefault(_CLICK_KEY, {})
    if handled.get(map_key) == stamp:
        return None
    handled[map_key] = stamp
    return click.code


def search_box(terr: Territory) -> None:
    """« Rechercher une commune » : type a name, pick it (Enter), it is selected."""
    ss = st.session_state
    options = cache.derived(terr, "search_options", lambda: search_options(terr))
    selected = ss.get(keys.SELECTED_KEY)
    if ss.get(_SYNCED_KEY, "") != selected or ss.get(SEARCH_KEY) not in (None, *options):
        ss[SEARCH_KEY] = selected if selected in options else None
        ss[_SYNCED_KEY] = selected
    words = levels.level(terr.level)
    picked = st.selectbox(
        f"Rechercher {words.with_article}",
        list(options),
        key=SEARCH_KEY,
        format_func=options.get,
        placeholder="Tapez un nom…",
        help="Tapez les premières lettres, choisissez avec les flèches et Entrée : "
        f"{words.with_article} est sélectionné{'e' if words.feminine else ''} et la carte "
        "s'y centre.",
    )
    if picked != selected:
        select(picked, terr)


def selection_panel(
    terr: Territory,
    catalogue: Catalogue,
    view: ChoroplethView,
    meeting: bool = False,
    reference: ReferenceTerritory | None = None,
) -> None:
    """The selected zone: its name, its value of the mapped indicator, what to do with it
    (« Observer » opens the diagnosis panel, which the meeting mode does not show), and all
    its values beside ``reference`` (the whole department, or France)."""
    code = st.session_state.get(keys.SELECTED_KEY)
    words = levels.level(terr.level)
    if code not in terr.zones.index:
        st.caption(
            f"Cherchez ou cliquez sur {words.with_article} de la carte pour voir ses valeurs, "
            "l'observer et préparer son portrait."
        )
        return
    st.subheader(md_escape(str(terr.zones.at[code, "LIBGEO"])), anchor=False)
    st.caption(f"{words.title} — code {md_escape(str(code))}")
    st.markdown(f"**{md_escape(view.indicator.label)}** : {md_escape(_value_text(view, code))}")
    instead = published_instead(view.indicator, terr, catalogue, code)
    if instead:
        st.info(md_escape(instead))
    if st.button("Effacer la sélection", key="clear_sel"):
        select(None, terr)
    observable = not terr.is_france and not meeting
    if observable and st.button("Observer", key="observe_sel", type="primary"):
        st.session_state["w_panel"] = "diagnosis"
        st.rerun(scope="app")
    with st.expander("Toutes ses valeurs"):
        table: pd.DataFrame = zone_comparison(terr, catalogue, code, reference, view.indicator.id)
        st.dataframe(table, hide_index=True, width="stretch")


def _value_text(view: ChoroplethView, code: str) -> str:
    """The value as the map's tooltip shows it (secret, gap…), unescaped for Markdown."""
    for feature in view.collection["features"]:
        if feature["properties"]["code"] == code:
            return html.unescape(str(feature["properties"]["valeur"]))
    return format_indicator(view.indicator, view.values.get(code))
