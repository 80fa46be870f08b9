"""The reads of the bundle and of the stored user data that assembling a view needs.

Why one class: these are the only places where the builders of this package touch the
stores; ``carto.ui.cache`` derives its cached sources from it, the tests their plain ones.

Why the stored data reads as empty while the database is unreachable: the map of the national
indicators must still be drawn, and the page says that the partners' data is missing
(``carto.common.backends.unavailable``). Views built meanwhile are cached under tokens of
their own (``UNAVAILABLE``), never under the revisions of the data they lack.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from carto.common import backends
from carto.compose.sources import Imported
from carto.districts.model import DistrictSet
from carto.districts.storage import list_district_sets, load_district_set
from carto.indicators.catalogue import Indicator
from carto.indicators.national import NationalData, read_national
from carto.indicators.sources.store import load_imported_measures
from carto.indicators.vintages import load_indicator_measures
from carto.sites.storage import load_site_lists
from carto.territories.bundle import Bundle, read_bundle
from carto.territories.iris import load_contours


class StoreReads:
    """Uncached reads; every call reads the files again."""

    def bundle(self) -> Bundle:
        return read_bundle()

    def national(self) -> NationalData:
        return read_national()

    def stored_measures(self, codes: pd.Index, level: str) -> Imported:
        if backends.unavailable():
            index = pd.Index(codes, dtype="str", name="CODGEO" if level == "commune" else "IRIS")
            return Imported(pd.DataFrame(index=index), pd.DataFrame(index=index), ())
        values, secret, indicators = load_imported_measures(codes, level=level)
        return Imported(values, secret, tuple(indicators))

    def iris_contours(self) -> gpd.GeoDataFrame | None:
        return None if backends.unavailable() else load_contours()

    def site_lists(self) -> list[pd.DataFrame]:
        return [] if backends.unavailable() else list(load_site_lists().values())

    def indicator_measures(self, indicator: Indicator) -> pd.DataFrame:
        """A vintage's measures: the bundle's national ones, else the most recent import's."""
        national = self.national()
        if indicator.id in {i.id for i in national.indicators}:
            return national.values[list(indicator.columns)]
        return load_indicator_measures(indicator)

    def stored_district_sets(self, department: str) -> tuple[str, ...]:
        return () if backends.unavailable() else tuple(list_district_sets(department))

    def stored_district_set(self, department: str, name: str) -> DistrictSet:
        return load_district_set(department, name)
