"""The communes kept by the view's filters, applied alike to the map, the table and exports."""

from __future__ import annotations

from dataclasses import dataclass

from carto.compose.keys import TerritoryKey
from carto.compose.sources import Sources
from carto.indicators.catalogue import compute
from carto.viewstate.codec import ViewState
from carto.viewstate.filters import FilterSummary, apply_filters


@dataclass(frozen=True)
class KeptCommunes:
    """Codes of the communes kept (``None``: no filter), and the sentence that says so."""

    codes: tuple[str, ...] | None = None
    summary: FilterSummary | None = None

    def at(self, level: str) -> tuple[str, ...] | None:
        """The kept codes when the zones drawn are communes; other levels are not filtered."""
        return self.codes if level == "commune" else None


def kept_communes(state: ViewState, key: TerritoryKey, src: Sources) -> KeptCommunes:
    """Apply the state's filters to the department's communes; raises ``FilterError``."""
    communes = src.commune_territory(key.communes)
    if not state.filters.is_active or communes.is_france:
        return KeptCommunes()
    catalogue = src.catalogue(key.imports)
    values = {
        r.indicator: compute(catalogue.get(r.indicator), communes.measures)
        for r in state.filters.ranges
        if r.indicator in catalogue
    }
    districts = None
    if state.district_set:
        districts = src.district_set(state.department, state.district_set, key.districts).zones()
    mask, summary = apply_filters(state.filters, communes.zones, values, districts)
    return KeptCommunes(tuple(mask[mask].index), summary)
