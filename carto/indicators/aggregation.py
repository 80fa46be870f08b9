"""Indicators over groups of communes: one zone's total, measures per zone, aggregated views.

Why here and only here: a rate over several communes is Σ numerators / Σ denominators, never
a mean of communal rates, and a median or a published poverty rate cannot be rebuilt from
communes at all. The map's reference value, the comparison's reference, the portrait's
department and France columns and the EPCI/district views all aggregate through these
functions, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from carto.common.markers import MARKER_DTYPE, Marker, as_markers
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


@dataclass(frozen=True)
class ZoneMarkers:
    """What the markers of its communes say about each zone, per column.

    ``codes``: the marker of a zone where no commune has a value (their most frequent one), and
    where some have one, the marker shared by the others (0 when they differ);
    ``counts``: how many communes of the zone carry a marker.
    """

    codes: pd.DataFrame
    counts: pd.DataFrame


def aggregate_markers(
    markers: pd.DataFrame | None, members: pd.Series, value_columns: Iterable[str] = ()
) -> ZoneMarkers | None:
    """Markers of zones made of communes (``members``: commune code → zone code).

    Columns of values that are not re-aggregated (medians…) are « non publié à cette
    échelle » on every zone: their communes' markers do not apply to the zone.
    """
    if markers is None or markers.empty:
        return None
    markers = as_markers(markers.loc[markers.index.isin(members.index)])
    keys = members.reindex(markers.index)
    counts = markers.gt(0).groupby(keys, sort=True).sum()
    present = [c for c in np.unique(markers.to_numpy()) if c]
    per_code = {c: markers.eq(c).groupby(keys, sort=True).sum() for c in present}
    codes = pd.DataFrame(0, index=counts.index, columns=counts.columns, dtype=MARKER_DTYPE)
    best = pd.DataFrame(0, index=counts.index, columns=counts.columns)
    kinds = pd.DataFrame(0, index=counts.index, columns=counts.columns)
    for code, n in per_code.items():
        codes = codes.mask(n > best, code)
        best = best.where(n <= best, n)
        kinds += n.gt(0).astype(int)
    # A mixed set of markers is named only where the zone has no value at all.
    all_marked = counts.eq(markers.notna().groupby(keys, sort=True).sum())
    codes = codes.where(kinds.le(1) | all_marked, 0).astype(MARKER_DTYPE)
    blank = [c for c in value_columns if c in codes.columns]
    if blank:
        codes[blank] = int(Marker.NOT_PUBLISHED_HERE)
        counts[blank] = 0
    return ZoneMarkers(codes, counts.astype(int))


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
    value_columns = list(value_columns)
    measures = aggregate_measures(base.measures.loc[members.index], members, value_columns)
    zones = shapes.loc[shapes.index.isin(measures.index)].copy().sort_index()
    zones["CODGEO"] = zones.index
    marks = aggregate_markers(base.secret, members, value_columns)
    # Paris, Lyon, Marseille drawn by arrondissement still count as one commune each.
    communes = zone_communes(base.zones).reindex(members.index)
    zones[COMMUNE_COUNT] = communes.groupby(members).nunique().reindex(zones.index).fillna(0)
    return Territory(
        code=base.code,
        label=base.label,
        level=level,
        zones=zones,
        measures=measures.reindex(zones.index),
        secret=None if marks is None else marks.codes.reindex(zones.index, fill_value=0),
        members=members,
        incomplete=None if marks is None else marks.counts.reindex(zones.index, fill_value=0),
    )


def france_with_measures(
    terr: Territory,
    commune_measures: pd.DataFrame,
    value_columns: Iterable[str] = (),
    commune_markers: pd.DataFrame | None = None,
) -> Territory:
    """France by department with commune measures summed per department, their markers too."""
    if terr.members is None or commune_measures.empty:
        return terr
    value_columns = list(value_columns)
    extra = aggregate_measures(commune_measures, terr.members, value_columns)
    marks = aggregate_markers(commune_markers, terr.members, value_columns)
    if marks is None:
        return with_measures(terr, extra)
    out = with_measures(terr, extra, marks.codes)
    counts = marks.counts.reindex(out.measures.index, fill_value=0)
    return replace(out, incomplete=counts)
