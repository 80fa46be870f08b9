"""What assembling a view reads: the bundle, the stores, and the parts already assembled.

Why a protocol rather than direct calls: each part of a view (a territory, its outlines, a map)
is built from other parts, and the app keeps every part in a cache shared by all sessions. The
builders of this package ask a ``Sources`` for what they need, so the same code runs with the
app's cached sources (``carto.ui.cache``) and with plain ones in the tests, and no builder
decides what is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

    from carto.compose.keys import CommuneKey, TerritoryKey, Token
    from carto.compose.parts import DistrictOverlay
    from carto.districts.model import DistrictSet
    from carto.indicators.catalogue import Catalogue, Indicator
    from carto.indicators.national import NationalData
    from carto.map.geojson import ZoneShapes
    from carto.territories.bundle import Bundle
    from carto.territories.zones import Territory


@dataclass(frozen=True)
class Imported:
    """Measures beyond the bundle's own for some codes: values, their markers (why a value is
    missing, ``carto.common.markers``), and the indicators they allow."""

    values: pd.DataFrame
    secret: pd.DataFrame
    indicators: tuple[Indicator, ...]


class Sources(Protocol):
    """Reads of the bundle and the stores (the first six), then the parts a view reuses."""

    def bundle(self) -> Bundle: ...

    def national(self) -> NationalData: ...

    def stored_measures(self, codes: pd.Index, level: str) -> Imported: ...

    def iris_contours(self) -> gpd.GeoDataFrame | None: ...

    def site_lists(self) -> list[pd.DataFrame]: ...

    def indicator_measures(self, indicator: Indicator) -> pd.DataFrame: ...

    def imported(self, imports: Token) -> Imported: ...

    def department_imported(self, department: str, imports: Token) -> Imported: ...

    def catalogue(self, imports: Token) -> Catalogue: ...

    def iris_departments(self, imports: Token) -> frozenset[str]: ...

    def commune_territory(self, key: CommuneKey) -> Territory: ...

    def territory(self, key: TerritoryKey) -> Territory: ...

    def shapes(self, key: TerritoryKey) -> ZoneShapes: ...

    def france_commune_measures(self, imports: Token) -> pd.DataFrame: ...

    def neighbours(self, department: str) -> tuple[str, ...]: ...

    def sites(self, department: str, sites: Token) -> pd.DataFrame: ...

    def sites_around(self, department: str, sites: Token) -> pd.DataFrame: ...

    def district_sets(self, department: str, districts: Token) -> tuple[str, ...]: ...

    def district_set(self, department: str, name: str, districts: Token) -> DistrictSet: ...

    def district_geometries(
        self, department: str, name: str, districts: Token
    ) -> gpd.GeoDataFrame: ...


class LayerSources(Sources, Protocol):
    """The parts drawn over the choropleth, shared by every map of the same department."""

    def epci_collection(self, department: str) -> dict: ...

    def mairies(self, department: str, by_arrondissement: bool) -> dict: ...

    def sites_geojson(
        self, department: str, categories: tuple[str, ...] | None, sites: Token
    ) -> dict: ...

    def presumed_geojson(self, department: str, sites: Token) -> dict: ...

    def district_overlay(self, department: str, name: str, districts: Token) -> DistrictOverlay: ...
