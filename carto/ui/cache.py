"""Streamlit caches around the pure builders of carto.

``cache_resource`` for large read-only objects (bundle, territories, GeoJSON dicts): one copy
shared by all sessions, never mutated. Every function takes only hashable arguments.
"""

from __future__ import annotations

import streamlit as st

from carto import bundle as bundle_mod
from carto.choropleth import ChoroplethView, build_choropleth
from carto.indicators import Catalogue, default_catalogue
from carto.mairies import mairie_points
from carto.mapbuild import ZoneShapes, outline_collection
from carto.territories import Territory, epci_outlines, territory


@st.cache_resource(show_spinner="Chargement des données territoriales…")
def get_bundle() -> bundle_mod.Bundle:
    return bundle_mod.read_bundle()


@st.cache_resource(show_spinner=False)
def get_territory(code: str, by_arrondissement: bool) -> Territory:
    return territory(get_bundle(), code, by_arrondissement)


@st.cache_resource(show_spinner=False)
def get_shapes(code: str, by_arrondissement: bool) -> ZoneShapes:
    return ZoneShapes.from_frame(get_territory(code, by_arrondissement).zones)


@st.cache_resource(show_spinner=False)
def get_epci_collection(dep: str) -> dict:
    return outline_collection(epci_outlines(get_bundle(), dep), "EPCI", "LIBEPCI")


@st.cache_resource(show_spinner=False)
def get_mairies(code: str, by_arrondissement: bool) -> dict:
    return mairie_points(get_territory(code, by_arrondissement).zones)


@st.cache_resource(show_spinner=False)
def get_catalogue() -> Catalogue:
    return default_catalogue()


@st.cache_resource(show_spinner=False, max_entries=64)
def get_choropleth(
    code: str,
    by_arrondissement: bool,
    indicator_id: str,
    method: str,
    k: int,
    palette: str,
    manual_bounds: tuple[float, ...] | None,
) -> ChoroplethView:
    terr = get_territory(code, by_arrondissement)
    return build_choropleth(
        terr,
        get_shapes(code, by_arrondissement),
        get_catalogue().get(indicator_id),
        method,
        k,
        palette,
        manual_bounds,
    )
