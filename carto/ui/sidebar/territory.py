"""Sidebar, « Territoire »: department, arrondissements of Paris, Lyon and Marseille, level,
district set."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.compose.offer import Offer
from carto.territories.bundle import Bundle
from carto.territories.levels import level as level_words
from carto.territories.zones import DEFAULT_DEPARTMENT, FRANCE, PLM_CITIES, department_label
from carto.ui.sidebar.widgets import keep_valid
from carto.ui.state import KEYS


@dataclass(frozen=True)
class TerritoryChoice:
    department: str
    by_arrondissement: bool
    level: str
    district_set: str | None


def territory_section(bundle: Bundle, offer: Offer) -> TerritoryChoice:
    st.header("Territoire")
    options = [FRANCE, *bundle.department_codes]
    keep_valid(KEYS["department"], options, DEFAULT_DEPARTMENT)
    dep = st.selectbox(
        "Département",
        options,
        key=KEYS["department"],
        format_func=lambda c: department_label(bundle, c),
    )
    by_arr = False
    if dep in PLM_CITIES:
        by_arr = st.checkbox("Par arrondissement municipal", key=KEYS["by_arrondissement"])
    levels = offer.levels(dep)
    level = levels[0]
    if dep != FRANCE:
        keep_valid(KEYS["level"], levels, "commune")
        level = st.selectbox(
            "Échelle", levels, key=KEYS["level"], format_func=lambda c: level_words(c).option
        )
        dset_options = ["", *offer.district_sets]
        keep_valid(KEYS["district_set"], dset_options, "")
        st.selectbox(
            "Découpage en territoires d'action sociale",
            dset_options,
            key=KEYS["district_set"],
            format_func=lambda n: n or "(aucun)",
        )
    district_set = st.session_state.get(KEYS["district_set"]) or None
    return TerritoryChoice(dep, by_arr, level, district_set)
