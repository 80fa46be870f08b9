"""Sidebar, « Couches »: the layers over the map, the site categories, the tiles."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.compose.offer import SITE_CATEGORIES, chosen_categories
from carto.sites.categories import category_label
from carto.territories.zones import FRANCE
from carto.ui.french import CHOOSE
from carto.ui.sidebar.widgets import keep_valid_list
from carto.ui.state import CATEGORIES_KEY, KEYS, LAYER_KEYS

LAYER_LABELS = {
    "epci": "Contours des EPCI",
    "mairies": "Mairies",
    "sites": "Sites (CCAS, CIAS, partenaires)",
    "presumes": "CCAS présumés (mairie)",
    "districts": "Territoires d'action sociale",
    "observations": "Observations des partenaires",
}
LAYER_HELP = {
    "presumes": "Communes de 1 500 habitants ou plus (CCAS obligatoire) sans CCAS ni CIAS dans "
    "les listes importées : un petit cercle gris à la mairie. Ce ne sont pas des sites réels : "
    "ni la couverture ni les portraits ne les comptent.",
}
ON_BY_DEFAULT = frozenset({"epci"})


@dataclass(frozen=True)
class LayersChoice:
    layers: tuple[str, ...]
    site_categories: tuple[str, ...] | None  # None: every category
    tiles: bool


def layers_section(department: str) -> LayersChoice:
    st.header("Couches")
    layers = ["communes"]
    for layer, label in LAYER_LABELS.items():
        st.session_state.setdefault(LAYER_KEYS[layer], layer in ON_BY_DEFAULT)
        if st.checkbox(
            label, key=LAYER_KEYS[layer], disabled=department == FRANCE, help=LAYER_HELP.get(layer)
        ):
            layers.append(layer)
    categories = None
    if "sites" in layers:
        every = list(SITE_CATEGORIES)
        st.session_state.setdefault(CATEGORIES_KEY, every)
        keep_valid_list(CATEGORIES_KEY, every)
        chosen = st.multiselect(
            "Catégories de sites",
            every,
            key=CATEGORIES_KEY,
            format_func=category_label,
            placeholder=CHOOSE,
        )
        categories = chosen_categories(chosen)
    tiles = st.checkbox("Fond de carte OpenStreetMap (nécessite internet)", key=KEYS["tiles"])
    return LayersChoice(tuple(layers), categories, tiles)
