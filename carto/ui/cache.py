"""Streamlit caches around the builders of ``carto.compose``: nothing else.

``cache_resource`` for large read-only objects (bundle, territories, GeoJSON dicts, map views):
one copy shared by all sessions, never mutated. Every cached function takes only hashable
arguments (typed keys, tokens, names); stored user data enters through a ``Token`` made of the
revisions of what it was built from, read once at the start of each rerun (``begin_rerun``):
an import saved through this server or another is seen at the next rerun, and nothing is
recomputed otherwise. Each write makes new tokens, so every cache keyed by a token or a view
is bounded (``max_entries``): a server running for months keeps the recent entries, not one per
revision ever seen.

``derived`` keeps what is computed from such a shared object (the search options of a
territory) once for every session, keyed by the object itself.

``SOURCES`` hands these cached parts to the builders: when a territory needs its communes, it
gets the cached ones. Reads of the stores (``stored_measures``, ``iris_contours``…) are not
cached here; what is built from them is.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd
import streamlit as st

from carto.common.backends import pin_revisions
from carto.compose import layers, maps, offer, scope, table, territory
from carto.compose.keys import CommuneKey, TerritoryKey, Token
from carto.compose.layers import CirclesPart
from carto.compose.maps import MapRequest
from carto.compose.offer import Offer
from carto.compose.parts import DistrictOverlay, ZoneTable
from carto.compose.scope import Pending, Scope
from carto.compose.sources import Imported
from carto.compose.stores import StoreReads
from carto.districts.model import DistrictSet
from carto.indicators.catalogue import Catalogue
from carto.indicators.national import NationalData
from carto.indicators.reference import ReferenceTerritory
from carto.map.assets import ensure_leaflet
from carto.map.choropleth import ChoroplethView
from carto.map.geojson import ZoneShapes
from carto.territories.bundle import Bundle
from carto.territories.zones import Territory
from carto.ui.table import StyledTable, french_styler

STORED_DATA_MISSING = (
    "Données enregistrées momentanément absentes de la carte (imports, listes de sites, "
    "découpages, contours IRIS) : la base de données de l'atlas est injoignable. La carte "
    "montre les indicateurs nationaux ; rechargez la page dans un instant."
)


def begin_rerun() -> str | None:
    """Read the stores' revisions once for this rerun (one query when they live in the
    database); the French notice to show when the database cannot be reached."""
    return None if pin_revisions() is None else STORED_DATA_MISSING


@st.cache_resource(show_spinner=False)
def leaflet_ready() -> Path:
    """Leaflet copied into ``static/`` once per process (every run copied its images again)."""
    return ensure_leaflet()


@st.cache_resource(show_spinner="Chargement des données territoriales…")
def get_bundle() -> Bundle:
    return StoreReads().bundle()


T = TypeVar("T")
_DERIVED: dict[tuple[int, str], object] = {}
_DERIVED_LOCK = threading.Lock()


def derived(source: object, name: str, build: Callable[[], T]) -> T:
    """``build()`` computed once per ``source`` object, for every session.

    For values derived from an object a ``st.cache_resource`` function returned (a territory):
    the object itself is the key, kept by identity while it lives, forgotten when it is freed
    (so an identity is never reused for another object).
    """
    key = (id(source), name)
    with _DERIVED_LOCK:
        if key in _DERIVED:
            return _DERIVED[key]  # type: ignore[return-value]
    value = build()
    with _DERIVED_LOCK:
        if key not in _DERIVED:
            _DERIVED[key] = value
            weakref.finalize(source, _DERIVED.pop, key, None)
        return _DERIVED[key]  # type: ignore[return-value]


@st.cache_resource(show_spinner="Chargement des indicateurs nationaux…")
def get_national() -> NationalData:
    return StoreReads().national()


@st.cache_resource(show_spinner=False, max_entries=8)
def get_imported(imports: Token) -> Imported:
    return territory.imported_measures(imports, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_department_imported(department: str, imports: Token) -> Imported:
    return territory.department_imported(department, imports, SOURCES)


@st.cache_resource(show_spinner=False)
def get_epci_choices(department: str) -> dict[str, str] | None:
    return offer.epci_choices(get_bundle(), department)


@st.cache_resource(show_spinner=False, max_entries=8)
def get_catalogue(imports: Token) -> Catalogue:
    return territory.view_catalogue(imports, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=8)
def get_iris_departments(imports: Token) -> frozenset[str]:
    return territory.iris_departments(imports, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=32)
def get_commune_territory(key: CommuneKey) -> Territory:
    return territory.commune_territory(key, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_territory(key: TerritoryKey) -> Territory:
    return territory.zone_territory(key, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def _shapes(key: TerritoryKey) -> ZoneShapes:
    return territory.zone_shapes(key, SOURCES)


def get_shapes(key: TerritoryKey) -> ZoneShapes:
    """Cached under the key without its coverage: a site filter never rebuilds outlines."""
    return _shapes(key.geometry)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_france_commune_measures(imports: Token) -> pd.DataFrame:
    return territory.france_commune_measures(imports, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_view_reference(department: str, imports: Token) -> ReferenceTerritory:
    return territory.view_reference(department, imports, SOURCES)


@st.cache_resource(show_spinner=False)
def get_neighbours(dep: str) -> tuple[str, ...]:
    return territory.neighbours(dep, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_sites(dep: str, sites: Token) -> pd.DataFrame:
    return territory.department_sites(dep, sites, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_sites_around(dep: str, sites: Token) -> pd.DataFrame:
    return territory.sites_around(dep, sites, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_district_names(dep: str, districts: Token) -> tuple[str, ...]:
    return SOURCES.stored_district_sets(dep)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_district_set(dep: str, name: str, districts: Token) -> DistrictSet:
    return SOURCES.stored_district_set(dep, name)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_district_geometries(dep: str, name: str, districts: Token) -> gpd.GeoDataFrame:
    return layers.district_set_geometries(dep, name, districts, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_district_overlay(dep: str, name: str, districts: Token) -> DistrictOverlay:
    return layers.district_overlay(dep, name, districts, SOURCES)


@st.cache_resource(show_spinner=False)
def get_epci_collection(dep: str) -> dict:
    return layers.epci_collection(dep, SOURCES)


@st.cache_resource(show_spinner=False)
def get_mairies(dep: str, by_arrondissement: bool) -> dict:
    return layers.mairies(dep, by_arrondissement, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_sites_geojson(dep: str, categories: tuple[str, ...] | None, sites: Token) -> dict:
    return layers.department_sites_geojson(dep, categories, sites, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_presumed_geojson(dep: str, sites: Token) -> dict:
    return layers.department_presumed_geojson(dep, sites, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_map(key: TerritoryKey, request: MapRequest) -> ChoroplethView:
    return maps.build_map(key, request, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=32)
def get_circles(key: TerritoryKey, indicator_id: str) -> CirclesPart:
    return layers.circles_part(key, indicator_id, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_zone_table(key: TerritoryKey, kept: tuple[str, ...] | None) -> ZoneTable:
    """The zones' table and its CSV export: they do not depend on the indicator shown."""
    return table.zones_table(key, kept, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_table_styler(
    key: TerritoryKey, kept: tuple[str, ...] | None, indicator_ids: tuple[str, ...]
) -> StyledTable:
    """The on-screen table (identifier columns + the view's indicators) as a French Styler."""
    zones = get_zone_table(key, kept)
    shown = table.shown_table(zones.frame, get_catalogue(key.imports), indicator_ids)
    styler = french_styler(shown.frame, list(shown.indicators), zones.notes)
    return StyledTable(styler, tuple(shown.frame))


def read_scope(pending: Pending, imports: Token) -> Scope:
    return scope.read_scope(pending, imports, SOURCES)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_offer(view_scope: Scope) -> Offer:
    """Counted once per scope, not per session: the published counts of every indicator
    (``carto.indicators.cells.published_counts``) were a fifth of a new session's run."""
    return offer.offer(view_scope, SOURCES)


class _CachedSources(StoreReads):
    """The builders' ``LayerSources``: the stores' reads, then the cached parts above."""

    def bundle(self) -> Bundle:
        return get_bundle()

    def national(self) -> NationalData:
        return get_national()

    def imported(self, imports: Token) -> Imported:
        return get_imported(imports)

    def department_imported(self, department: str, imports: Token) -> Imported:
        return get_department_imported(department, imports)

    def catalogue(self, imports: Token) -> Catalogue:
        return get_catalogue(imports)

    def iris_departments(self, imports: Token) -> frozenset[str]:
        return get_iris_departments(imports)

    def commune_territory(self, key: CommuneKey) -> Territory:
        return get_commune_territory(key)

    def territory(self, key: TerritoryKey) -> Territory:
        return get_territory(key)

    def shapes(self, key: TerritoryKey) -> ZoneShapes:
        return get_shapes(key)

    def france_commune_measures(self, imports: Token) -> pd.DataFrame:
        return get_france_commune_measures(imports)

    def neighbours(self, department: str) -> tuple[str, ...]:
        return get_neighbours(department)

    def sites(self, department: str, sites: Token) -> pd.DataFrame:
        return get_sites(department, sites)

    def sites_around(self, department: str, sites: Token) -> pd.DataFrame:
        return get_sites_around(department, sites)

    def district_sets(self, department: str, districts: Token) -> tuple[str, ...]:
        return get_district_names(department, districts)

    def district_set(self, department: str, name: str, districts: Token) -> DistrictSet:
        return get_district_set(department, name, districts)

    def district_geometries(self, department: str, name: str, districts: Token) -> gpd.GeoDataFrame:
        return get_district_geometries(department, name, districts)

    def epci_collection(self, department: str) -> dict:
        return get_epci_collection(department)

    def mairies(self, department: str, by_arrondissement: bool) -> dict:
        return get_mairies(department, by_arrondissement)

    def sites_geojson(
        self, department: str, categories: tuple[str, ...] | None, sites: Token
    ) -> dict:
        return get_sites_geojson(department, categories, sites)

    def presumed_geojson(self, department: str, sites: Token) -> dict:
        return get_presumed_geojson(department, sites)

    def district_overlay(self, department: str, name: str, districts: Token) -> DistrictOverlay:
        return get_district_overlay(department, name, districts)


SOURCES = _CachedSources()
