"""Indicators over groups of communes: one zone's total, measures per zone, aggregated views.

Why here and only here: a rate over several communes is Σ numerators / Σ denominators, never
a mean of communal rates, and a median or a published poverty rate cannot be rebuilt from
communes at all. The map's reference value, the comparison's reference, the portrait's
department and France columns and the EPCI/district views all aggregate through these
functions, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from carto.indicators.catalogue import Indicator, compute
from carto.territories.zones import (
    COMMUNE_COUNT,
    Territory,
    with_measures,
    zone_communes,
    zone_sums,
)


def single_zone_total(indicator: Indicator, measures: pd.DataFrame) -> float:
    """The indicator over every row of ``measures`` taken as one zone (Σ num / Σ den).

    NaN when there is nothing to add up: no row, a measure column absent (an imported measure
    that France's table does not have), or a value that is not aggregable (median…).
    """
    if measures.empty or any(c not in measures for c in indicator.columns):
        return float("nan")
    one_zone = pd.Series("all", index=measures.index)
    return float(compute(indicator, measures, one_zone).iloc[0])


def aggregate_measures(
    measures: pd.DataFrame, members: pd.Series, value_columns: Iterable[str] = ()
) -> pd.DataFrame:
    """Sum additive measures over zones; non-aggregable columns (medians…) become NaN.

    Summing numerators and denominators separately is what makes rates correct at every
    level (Σ num / Σ den); a median or a published poverty rate cannot be rebuilt this way,
    so it is blanked rather than averaged.
    """
    out = zone_sums(measures, members)
    blank = [c for c in value_columns if c in out.columns]
    if blank:
        out[blank] = float("nan")
    return out


def aggregate_secret(secret: pd.DataFrame | None, members: pd.Series) -> pd.DataFrame | None:
    """A zone is flagged when any of its communes is under statistical secrecy."""
    if secret is None or secret.empty:
        return None
    keys = members.reindex(secret.index)
    return secret.groupby(keys, sort=True).any()


def aggregated_territory(
    base: Territory,
    members: pd.Series,
    shapes: gpd.GeoDataFrame,
    level: str,
    value_columns: Iterable[str] = (),
) -> Territory:
    """A department seen by EPCI or by district: zones are groups of its communes.

    ``members`` maps commune code → zone code; ``shapes`` is indexed by zone code with
    LIBGEO and geometry (dissolved from the same communes, so borders match the communes').
    """
    members = members[members.index.isin(base.measures.index)].dropna()
    measures = aggregate_measures(base.measures.loc[members.index], members, value_columns)
    zones = shapes.loc[shapes.index.isin(measures.index)].copy()
    zones["CODGEO"] = zones.index
    # Paris, Lyon, Marseille drawn by arrondissement still count as one commune each.
    communes = zone_communes(base.zones).reindex(members.index)
    zones[COMMUNE_COUNT] = communes.groupby(members).nunique().reindex(zones.index).fillna(0)
    return Territory(
        code=base.code,
        label=base.label,
        level=level,
        zones=zones.sort_index(),
        measures=measures.reindex(zones.sort_index().index),
        secret=aggregate_secret(base.secret, members),
        members=members,
    )


def france_with_measures(
    terr: Territory, commune_measures: pd.DataFrame, value_columns: Iterable[str] = ()
) -> Territory:
    """France by department with imported commune measures summed per department."""
    if terr.members is None or commune_measures.empty:
        return terr
    extra = aggregate_measures(commune_measures, terr.members, value_columns)
    return with_measures(terr, extra)
