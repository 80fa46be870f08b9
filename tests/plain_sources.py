"""``Sources`` for the tests of carto.compose: the real builders, memoised per object.

Why not the app's cached sources: those live in Streamlit's process-wide cache, shared by every
test; one ``PlainSources`` per test builds each part once and forgets it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from carto.compose import layers, territory
from carto.compose.keys import CommuneKey, TerritoryKey, Token
from carto.compose.parts import DistrictOverlay
from carto.compose.stores import StoreReads
from carto.districts.model import DistrictSet
from carto.territories.bundle import Bundle


class PlainSources(StoreReads):
    def __init__(self, bundle: Bundle) -> None:
        self._bundle = bundle
        self._parts: dict[tuple, Any] = {}
        self.built: list[str] = []  # names of the builders run, in order

    def _part(self, build: Callable[..., Any], *args: Any) -> Any:
        key = (build.__name__, args)
        if key not in self._parts:
            self.built.append(build.__name__)
            self._parts[key] = build(*args, self)
        return self._parts[key]

    def bundle(self) -> Bundle:
        return self._bundle

    def imported(self, imports: Token):
        return self._part(territory.imported_measures, imports)

    def department_imported(self, department: str, imports: Token):
        return self._part(territory.department_imported, department, imports)

    def catalogue(self, imports: Token):
        return self._part(territory.view_catalogue, imports)

    def iris_departments(self, imports: Token) -> frozenset[str]:
        return self._part(territory.iris_departments, imports)

    def commune_territory(self, key: CommuneKey):
        return self._part(territory.commune_territory, key)

    def territory(self, key: TerritoryKey):
        return self._part(territory.zone_territory, key)

    def shapes(self, key: TerritoryKey):
        return self._part(territory.zone_shapes, key.geometry)

    def france_commune_measures(self, imports: Token) -> pd.DataFrame:
        return self._part(territory.france_commune_measures, imports)

    def neighbours(self, department: str) -> tuple[str, ...]:
        return self._part(territory.neighbours, department)

    def sites(self, department: str, sites: Token) -> pd.DataFrame:
        return self._part(territory.department_sites, department, sites)

    def sites_around(self, department: str, sites: Token) -> pd.DataFrame:
        return self._part(territory.sites_around, department, sites)

    def district_sets(self, department: str, districts: Token) -> tuple[str, ...]:
        return self.stored_district_sets(department)

    def district_set(self, department: str, name: str, districts: Token) -> DistrictSet:
        return self.stored_district_set(department, name)

    def district_geometries(self, department: str, name: str, districts: Token):
        return self._part(layers.district_set_geometries, department, name, districts)

    def epci_collection(self, department: str) -> dict:
        return self._part(layers.epci_collection, department)

    def mairies(self, department: str, by_arrondissement: bool) -> dict:
        return self._part(layers.mairies, department, by_arrondissement)

    def sites_geojson(self, department: str, categories, sites: Token) -> dict:
        return self._part(layers.department_sites_geojson, department, categories, sites)

    def presumed_geojson(self, department: str, sites: Token) -> dict:
        return self._part(layers.department_presumed_geojson, department, sites)

    def district_overlay(self, department: str, name: str, districts: Token) -> DistrictOverlay:
        return self._part(layers.district_overlay, department, name, districts)
