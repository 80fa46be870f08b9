"""Sidebar, « Présentation »: meeting mode, two maps side by side."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.compose.offer import Offer
from carto.indicators.catalogue import Catalogue
from carto.ui.sidebar.widgets import keep_valid
from carto.ui.state import KEYS

_CLOSE_KEY = "_close_sidebar"
# Turning the meeting mode on closes the sidebar, as a link's ``meet=1`` opens without it.
# Streamlit has no command for it: the frame clicks the sidebar's own button in the page.
CLOSE_SIDEBAR_HTML = """<!doctype html><html lang="fr"><body><script>
try {
  var d = window.parent.document;
  var button = d.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button && button.getAttribute("aria-expanded") === "true") button.click();
} catch (e) { /* no access to the page: the sidebar stays open */ }
</script></body></html>"""


def _meeting_switched() -> None:
    st.session_state[_CLOSE_KEY] = bool(st.session_state.get(KEYS["meeting"]))


@dataclass(frozen=True)
class PresentationChoice:
    meeting: bool
    side_by_side: bool
    indicator2: str | None  # the second map's indicator


def presentation_section(catalogue: Catalogue, offer: Offer, indicator: str) -> PresentationChoice:
    st.header("Présentation")
    meeting = st.toggle("Mode réunion", key=KEYS["meeting"], on_change=_meeting_switched)
    if st.session_state.pop(_CLOSE_KEY, False):
        st.iframe(CLOSE_SIDEBAR_HTML, height=1)
    side = st.toggle("Deux cartes côte à côte", key=KEYS["side_by_side"])
    indicator2 = None
    if side:
        ind_ids = offer.indicator_ids
        others = [i for i in ind_ids if i != indicator] or ind_ids
        keep_valid(KEYS["indicator2"], others, others[0])
        indicator2 = st.selectbox(
            "Indicateur de la seconde carte",
            others,
            key=KEYS["indicator2"],
            format_func=lambda i: catalogue.get(i).label,
        )
    return PresentationChoice(meeting, side, indicator2)
