"""Sidebar, « Indicateur »: the indicator mapped, its comparison or evolution, the circles."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.common.text import md_escape
from carto.compose.offer import Offer
from carto.indicators.catalogue import DEFAULT_INDICATOR, Catalogue
from carto.ui.sidebar.comparison import ComparisonChoice, comparison_section
from carto.ui.sidebar.widgets import keep_valid
from carto.ui.state import KEYS


@dataclass(frozen=True)
class IndicatorChoice:
    indicator: str
    comparison: ComparisonChoice
    circles: str | None  # a count drawn as proportional circles


def indicator_section(catalogue: Catalogue, offer: Offer, department: str) -> IndicatorChoice:
    st.header("Indicateur")
    ind_ids = offer.indicator_ids
    keep_valid(KEYS["indicator"], ind_ids, DEFAULT_INDICATOR)
    ind_id = st.selectbox(
        "Indicateur (tapez pour chercher un indicateur ou un thème)",
        ind_ids,
        key=KEYS["indicator"],
        format_func=lambda i: offer.option_label(catalogue.get(i)),
    )
    ind = catalogue.get(ind_id)
    unit = f" Unité : {md_escape(ind.unit)}." if ind.unit else ""
    st.caption(
        f"**{md_escape(ind.theme)}** — {md_escape(ind.definition)}{unit} "
        f"{md_escape(ind.source_line())}."
    )
    comparison = comparison_section(catalogue, department, ind_id)
    counts = ["", *offer.count_ids]
    keep_valid(KEYS["circles"], counts, "")
    circles = st.selectbox(
        "Cercles proportionnels (effectifs)",
        counts,
        key=KEYS["circles"],
        format_func=lambda i: catalogue.get(i).label if i else "(aucun)",
    )
    return IndicatorChoice(ind_id, comparison, circles or None)
