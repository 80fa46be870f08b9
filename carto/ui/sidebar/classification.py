"""Sidebar, « Classes »: method, number of classes or manual bounds, palette."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.map.classify import (
    DEFAULT_CLASSES,
    DEFAULT_PALETTE,
    MAX_CLASSES,
    METHODS,
    MIN_CLASSES,
    PALETTES,
)
from carto.ui.sidebar.widgets import keep_valid, parse_list
from carto.ui.state import BOUNDS_KEY, KEYS


@dataclass(frozen=True)
class ClassesChoice:
    method: str
    k: int
    bounds: tuple[float, ...]  # the manual method's limits
    palette: str


def classes_section(errors: list[str]) -> ClassesChoice:
    """Bounds that cannot be read are reported in ``errors`` (French) and left out."""
    st.header("Classes")
    method = st.selectbox(
        "Méthode", list(METHODS), key=KEYS["class_method"], format_func=METHODS.get
    )
    bounds: tuple[float, ...] = ()
    k = int(st.session_state.get(KEYS["n_classes"], DEFAULT_CLASSES))
    if method == "manuel":
        raw = st.text_input(
            "Bornes (séparées par « ; »)", key=BOUNDS_KEY, placeholder="50 ; 100 ; 500"
        )
        try:
            bounds = parse_list(raw)
        except ValueError as exc:
            errors.append(str(exc))
    else:
        k = st.slider("Nombre de classes", MIN_CLASSES, MAX_CLASSES, key=KEYS["n_classes"])
    keep_valid(KEYS["palette"], list(PALETTES), DEFAULT_PALETTE)
    palette = st.selectbox(
        "Palette (adaptée aux daltoniens)",
        list(PALETTES),
        key=KEYS["palette"],
        format_func=PALETTES.get,
    )
    return ClassesChoice(method, k, bounds, palette)
