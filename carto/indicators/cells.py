"""What each zone shows for one indicator: its value, or why there is none, and whether a sum
counts every commune of the zone.

Why one place: the map's tooltip, the legend, the table, its CSV export, the click panel and the
portrait must say the same thing of the same cell. A secret cell reads « secret statistique »
everywhere, a « non significatif » one never reads as secret, and a total over an EPCI whose
small communes are under secrecy reads « au moins 2 319 (20 communes sous secret) » rather than
passing for a complete count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carto.common.fmt import MISSING_LABEL, format_value
from carto.common.markers import Marker, label, members_phrase
from carto.indicators.aggregation import single_zone_total
from carto.indicators.catalogue import Indicator, Kind, compute
from carto.territories.zones import Territory


@dataclass(frozen=True)
class IndicatorCells:
    """One indicator over the zones of a territory, each zone with its value or its marker.

    ``incomplete``: on zones made of communes, how many of them have no value in the sum
    (0 elsewhere); ``incomplete_codes``: their shared marker (0 when they differ).
    """

    indicator: Indicator
    values: pd.Series
    markers: pd.Series
    incomplete: pd.Series
    incomplete_codes: pd.Series

    def text(self, code: str) -> str:
        """The French text of one zone's cell."""
        value = self.values.get(code, np.nan)
        return cell_text(
            self.indicator,
            value,
            int(self.markers.get(code, 0)),
            int(self.incomplete.get(code, 0)),
            int(self.incomplete_codes.get(code, 0)),
        )

    def texts(self) -> dict[str, str]:
        return {str(code): self.text(code) for code in self.values.index}

    def missing_by_marker(self, within: pd.Index | None = None) -> dict[int, int]:
        """Zones without a value (among ``within``), per marker (0: no reason known)."""
        missing = self.values.isna()
        if within is not None:
            missing &= self.values.index.isin(within)
        counts = self.markers[missing].value_counts()
        return {int(code): int(n) for code, n in sorted(counts.items())}

    def incomplete_zones(self, within: pd.Index | None = None) -> list[str]:
        """Zones whose value is a sum over their published communes only."""
        partial = self.values.notna() & self.incomplete.gt(0)
        if within is not None:
            partial &= self.values.index.isin(within)
        return [str(c) for c in self.values.index[partial]]

    def marker_of(self, code: str) -> int:
        return int(self.markers.get(code, 0))


def cell_text(
    indicator: Indicator,
    value: object,
    marker: int = 0,
    incomplete: int = 0,
    incomplete_code: int = 0,
) -> str:
    """« 21 450 € », « secret statistique », « au moins 2 319 ménages (20 communes sous
    secret) », « 12,4 % (calculé sans 3 communes sous secret) »."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return label(marker) or MISSING_LABEL
    text = format_value(value, indicator.unit, indicator.decimals)
    if incomplete <= 0:
        return text
    phrase = members_phrase(incomplete, incomplete_code)
    if indicator.kind in (Kind.COUNT, Kind.SHARE):
        return f"au moins {text} ({phrase})"
    return f"{text} (calculé sans {phrase})"


def _marker_columns(indicator: Indicator) -> tuple[str, ...]:
    """The columns whose markers explain a missing value, most telling first."""
    if indicator.kind is Kind.RATE:
        return (indicator.numerator or "", indicator.denominator or "")
    return (indicator.column or indicator.numerator or "",)


def _first_marker(frame: pd.DataFrame | None, columns: tuple[str, ...], index: pd.Index):
    out = pd.Series(0, index=index, dtype=int)
    if frame is None:
        return out
    for col in reversed(columns):  # the first column's marker wins
        if col in frame.columns:
            codes = frame[col].reindex(index, fill_value=0).astype(int)
            out = codes.where(codes.gt(0), out)
    return out


def indicator_cells(
    indicator: Indicator, territory: Territory, values: pd.Series | None = None
) -> IndicatorCells:
    """Cells of ``indicator`` over ``territory``'s zones (``values``: already computed)."""
    index = territory.measures.index
    if values is None:
        values = compute(indicator, territory.measures)
    values = values.reindex(index)
    columns = _marker_columns(indicator)
    markers = _first_marker(territory.secret, columns, index)
    aggregated = territory.members is not None
    if (
        aggregated
        and not indicator.is_aggregable()
        and territory.level not in indicator.published_levels
    ):
        markers = pd.Series(int(Marker.NOT_PUBLISHED_HERE), index=index)
    incomplete = pd.Series(0, index=index, dtype=int)
    incomplete_codes = pd.Series(0, index=index, dtype=int)
    if aggregated and indicator.is_aggregable() and territory.incomplete is not None:
        for col in columns:
            if col in territory.incomplete.columns:
                counts = territory.incomplete[col].reindex(index, fill_value=0).astype(int)
                incomplete = np.maximum(incomplete, counts)
        incomplete_codes = _first_marker(territory.secret, columns, index)
    return IndicatorCells(indicator, values, markers, incomplete, incomplete_codes)


def published_counts(indicators: list[Indicator], territory: Territory) -> dict[str, int]:
    """How many zones of ``territory`` have a value, per indicator (for the picker).

    Counted on the columns rather than by computing each indicator: a zone has a value where
    every column the indicator reads has one (a median where it is published, a rate where
    both its terms are), which is what the picker needs on every rerun, cheaply.
    """
    present = territory.measures.notna()
    out = {}
    for ind in indicators:
        columns = [c for c in ind.columns if c in present]
        not_here = ind.kind is Kind.VALUE and territory.level not in ind.published_levels
        if not columns or (territory.members is not None and not_here):
            out[ind.id] = 0
        else:
            out[ind.id] = int(present[columns].all(axis=1).sum())
    return out


def cell_notes(indicators: list[Indicator], territory: Territory) -> pd.DataFrame:
    """Per zone and indicator id: the text a table shows instead of the bare number, or "".

    A cell without a value gets its marker's label (« secret statistique », « non
    significatif »…); a sum over a zone with communes without a value gets « au moins … »;
    every other cell is "" (the table formats its number as usual).
    """
    index = territory.measures.index
    labels = np.array([label(code) or MISSING_LABEL for code in range(256)], dtype=object)
    notes = {}
    for ind in indicators:
        cells = indicator_cells(ind, territory)
        missing = np.isnan(cells.values.to_numpy(dtype=float, na_value=np.nan))
        column = np.full(len(index), "", dtype=object)
        column[missing] = labels[cells.markers.to_numpy(dtype=int)[missing]]
        for i in np.flatnonzero(~missing & (cells.incomplete.to_numpy() > 0)):
            column[i] = cells.text(index[i])
        notes[ind.id] = column
    return pd.DataFrame(notes, index=territory.measures.index)


def group_text(indicator: Indicator, measures: pd.DataFrame, markers: pd.DataFrame | None) -> str:
    """The indicator over a group of communes taken as one zone (a portrait's territory,
    its department, France), in French: one commune shows its own cell, marker included;
    several show their total, « au moins » when communes of the group have no value."""
    columns = tuple(c for c in _marker_columns(indicator) if c)
    if len(measures) == 1:
        value = compute(indicator, measures).iloc[0]
        code = int(_first_marker(markers, columns, measures.index).iloc[0])
        return cell_text(indicator, value, code)
    if not indicator.is_aggregable():
        return label(Marker.NOT_PUBLISHED_HERE)
    value = single_zone_total(indicator, measures)
    codes = _first_marker(markers, columns, measures.index)
    shared = set(codes[codes.gt(0)])
    return cell_text(
        indicator, value, 0, int(codes.gt(0).sum()), shared.pop() if len(shared) == 1 else 0
    )
