"""The one rule for a reference value labelled with a territory's name (« France », a department).

Why one rule: a figure labelled « France » or « Meurthe-et-Moselle (54) » is read as that
territory's figure. Computed from whatever rows happen to be loaded, it silently becomes the
total of five imported departments, or of the 206 communes of the user's districts. So a
reference is computed over every commune of the territory it names, never over the zones of
the view; when the data covers only part of the territory, the reference says so, and when the
part is too small to stand for the whole, it is not shown at all:

- a value INSEE publishes per territory (a median, a poverty rate) is never rebuilt from
  communes: not shown;
- every commune has the indicator's measures: the value, plain;
- the communes with measures hold at least ``MIN_COVERED_SHARE`` of the territory's population
  (communes under statistical secrecy, a department without data): the value over them, with
  the covered share written beside it (« au moins » for a count);
- otherwise: not shown, with how much of the territory the data covers (« données disponibles
  pour 5 départements sur 101 seulement »).

The comparison mode, the map's legend, the click panel and the portraits all go through
:func:`reference_value`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from carto.common.fmt import MISSING_LABEL, format_number, format_percent, format_value
from carto.indicators.aggregation import single_zone_total
from carto.indicators.catalogue import Indicator, Kind
from carto.territories.history import department_of

MIN_COVERED_SHARE = 0.95  # of the territory's population, for a partial reference to be shown
POPULATION_COLUMN = "P_POP"  # the bundle's population of every commune: weighs the coverage
NOT_AGGREGABLE = "valeur publiée par territoire, non recalculable à partir des communes"
ABSENT = "indicateur absent des données du territoire"


@dataclass(frozen=True)
class ReferenceValue:
    """A reference as shown: the value (NaN when not shown) and what it covers, in French."""

    label: str  # « France », « Meurthe-et-Moselle (54) »
    value: float
    covered: int  # communes of the territory with the indicator's measures
    total: int  # communes of the territory
    note: str = ""  # why it is not shown, or which part it covers; empty when complete
    at_least: bool = False  # a count over part of the territory: a lower bound

    @property
    def shown(self) -> bool:
        return not math.isnan(self.value)

    @property
    def complete(self) -> bool:
        return self.shown and self.covered == self.total

    def text(self, indicator: Indicator) -> str:
        """« 13,6 % », « au moins 2 319 ménages (…) », « non disponible — … »."""
        if not self.shown:
            return f"{MISSING_LABEL} — {self.note}" if self.note else MISSING_LABEL
        number = format_value(self.value, indicator.unit, indicator.decimals)
        prefix = "au moins " if self.at_least else ""
        return f"{prefix}{number} ({self.note})" if self.note else number


@dataclass(frozen=True)
class ReferenceTerritory:
    """The whole territory a reference names: every commune of it, and commune measures.

    ``measures`` is indexed by commune code and may lack rows (communes without data);
    ``codes`` lists every commune of the territory, whether it has data or not.
    """

    label: str
    codes: pd.Index
    measures: pd.DataFrame

    def value(self, indicator: Indicator) -> ReferenceValue:
        return reference_value(indicator, self.measures, self.codes, self.label)


def reference_value(
    indicator: Indicator, measures: pd.DataFrame, codes: pd.Index, label: str
) -> ReferenceValue:
    """The reference value of ``indicator`` for the territory made of the communes ``codes``."""
    total = len(codes)
    if indicator.kind is Kind.VALUE:
        return ReferenceValue(label, math.nan, 0, total, NOT_AGGREGABLE)
    columns = list(indicator.columns)
    if total == 0 or any(c not in measures.columns for c in columns):
        return ReferenceValue(label, math.nan, 0, total, ABSENT)
    rows = measures.reindex(codes)
    has = rows[columns].notna().all(axis=1)
    covered = int(has.sum())
    if covered == total:
        return ReferenceValue(label, single_zone_total(indicator, rows), covered, total)
    if covered == 0:
        return ReferenceValue(label, math.nan, 0, total, "aucune donnée pour ce territoire")
    share = _population_share(rows, has)
    if share < MIN_COVERED_SHARE:
        return ReferenceValue(label, math.nan, covered, total, _too_little(codes, has, share))
    value = single_zone_total(indicator, rows[has])
    note = (
        f"sur les {format_number(covered)} communes sur {format_number(total)} qui ont des "
        f"données, soit {format_percent(100 * share)} de la population"
    )
    return ReferenceValue(label, value, covered, total, note, indicator.kind is Kind.COUNT)


def _population_share(rows: pd.DataFrame, has: pd.Series) -> float:
    """Share of the territory's population living in the communes with data; a commune of
    unknown population weighs as much as an average commune (by number of communes when no
    population is known at all)."""
    population = rows.get(POPULATION_COLUMN)
    if population is None or not population.notna().any() or not population.sum():
        return float(has.mean())
    population = population.fillna(population.mean())
    return float(population[has].sum() / population.sum())


def _too_little(codes: pd.Index, has: pd.Series, share: float) -> str:
    departments = pd.Series([department_of(str(c)) for c in codes], index=has.index)
    all_deps, with_data = departments.nunique(), departments[has].nunique()
    if with_data < all_deps and all_deps > 1:
        return (
            f"données disponibles pour {format_number(with_data)} département(s) sur "
            f"{format_number(all_deps)} seulement"
        )
    return (
        f"données disponibles pour {format_number(int(has.sum()))} communes sur "
        f"{format_number(len(codes))} seulement ({format_percent(100 * share)} de la population)"
    )
