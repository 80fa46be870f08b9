"""Sidebar, under « Indicateur »: comparison with a reference, or evolution since an older
vintage of the same indicator (one or the other)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.compose.maps import older_vintages
from carto.compose.offer import references
from carto.indicators.catalogue import Catalogue
from carto.ui.sidebar.widgets import keep_valid
from carto.ui.state import KEYS

REFERENCE_LABELS = {
    "none": "(pas de comparaison)",
    "departement": "au département",
    "region": "à la région",
    "france": "à la France",
}


@dataclass(frozen=True)
class ComparisonChoice:
    reference: str
    vintage2: str | None  # the older vintage of an evolution map


def comparison_section(catalogue: Catalogue, department: str, indicator: str) -> ComparisonChoice:
    options = references(department)
    keep_valid(KEYS["reference"], options, "none")
    reference = st.selectbox(
        "Comparer à",
        options,
        key=KEYS["reference"],
        format_func=REFERENCE_LABELS.get,
        help="Écart de chaque territoire à la référence, sur une palette divergente.",
    )
    older = older_vintages(catalogue, indicator)
    vintage2 = None
    if older and reference == "none":
        keep_valid(KEYS["vintage2"], ["", *older], "")
        vintage2 = (
            st.selectbox(
                "Évolution depuis le millésime",
                ["", *older],
                key=KEYS["vintage2"],
                format_func=lambda v: v or "(pas d'évolution)",
            )
            or None
        )
    return ComparisonChoice(reference, vintage2)
