"""The communes kept by the view's filters, applied alike to the map, the table and exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from carto.compose.keys import TerritoryKey
from carto.compose.sources import Sources
from carto.indicators.catalogue import Indicator, compute
from carto.territories.zones import Territory, epci_names
from carto.viewstate.codec import ViewState
from carto.viewstate.filters import FilterSummary, apply_filters, criteria


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
    indicators = {
        r.indicator: catalogue.get(r.indicator)
        for r in state.filters.ranges
        if r.indicator in catalogue
    }
    values = {i: compute(ind, communes.measures) for i, ind in indicators.items()}
    districts = None
    if state.district_set:
        districts = src.district_set(state.department, state.district_set, key.districts).zones()
    mask, summary = apply_filters(
        state.filters,
        communes.zones,
        values,
        districts,
        secret=secret_masks(communes, indicators.values()),
        indicators=indicators,
    )
    names = epci_names(src.bundle()).to_dict()
    summary = replace(summary, criteria=criteria(state.filters, indicators, names))
    return KeptCommunes(tuple(mask[mask].index), summary)


def secret_masks(communes: Territory, indicators: Iterable[Indicator]) -> dict[str, pd.Series]:
    """Per indicator, the communes whose value is secret (the column it reads, or its
    numerator, is flagged in the territory's secrecy table)."""
    masks = {}
    for ind in indicators:
        column = ind.column or ind.numerator
        if communes.secret is not None and column in communes.secret.columns:
            masks[ind.id] = communes.secret[column].astype(bool)
    return masks
