"""Assemble what one choropleth view needs: values, classes, GeoJSON, table, reference.

Why a separate module: the app, the benchmarks and the browser-free tests all build the same
view; keeping it a pure function of (territory, indicator, class parameters) makes the view
testable without Streamlit and cacheable by its arguments.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from carto.common.fmt import format_number, format_value
from carto.common.markers import Marker
from carto.common.markers import label as marker_label
from carto.indicators.catalogue import Catalogue, Indicator, Kind, compute
from carto.indicators.cells import IndicatorCells, indicator_cells
from carto.indicators.compare import compare_to_reference, small_denominator
from carto.indicators.reference import ReferenceTerritory
from carto.indicators.vintages import listed_indicators
from carto.map.classify import (
    DEFAULT_METHOD,
    MISSING_COLOR,
    Classification,
    classify,
    counts_for,
)
from carto.map.diverging import DEFAULT_DIVERGING, GapMap, gap_map
from carto.map.geojson import ZoneShapes, choropleth_collection
from carto.territories import levels
from carto.territories.zones import COMMUNE_COUNT, Territory

AREA_COLUMNS = ("AREA_KM2",)  # a rate per km² has no "small population" problem
# Zones without a value, coloured by why: secrecy in a grey that reads as « hidden », not as
# « broken »; values that do not exist in lighter tones; what the source does not cover white.
MARKER_COLORS: dict[int, str] = {
    Marker.SECRET: "#a3a3a3",
    Marker.NOT_AVAILABLE: "#dedede",
    Marker.NOT_SIGNIFICANT: "#d6cbbd",
    Marker.NOT_APPLICABLE: "#ebebeb",
    Marker.EMPTY: "#dedede",
    Marker.MERGED: "#cfd8e3",
    Marker.NOT_COVERED: "#ffffff",
    Marker.NOT_PUBLISHED_HERE: "#e6e6e6",
}


@dataclass(frozen=True)
class MissingGroup:
    """Zones of a map without a value for one reason: a legend entry of its own."""

    marker: int  # ``carto.common.markers`` code (0: no reason known)
    label: str  # « Secret statistique »
    count: int
    color: str


def missing_groups(
    cells: IndicatorCells, within: pd.Index | None = None
) -> tuple[MissingGroup, ...]:
    """The legend's entries for zones without a value, one per marker, most frequent first.

    ``within``: the zones the legend counts (those the filters keep); all by default.
    """
    groups = [
        MissingGroup(
            code,
            (marker_label(code) or "non disponible").capitalize(),
            n,
            MARKER_COLORS.get(code, MISSING_COLOR),
        )
        for code, n in cells.missing_by_marker(within).items()
    ]
    return tuple(sorted(groups, key=lambda g: (-g.count, g.marker)))


def small_threshold() -> float:
    """Denominator below which an aggregated rate is flagged (env ``ATLAS_SMALL_DENOMINATOR``,
    default 50: INSEE's own floor for publishing Filosofi values is 11 households, and a
    rate on fewer than 50 households moves by 2 points with a single household)."""
    try:
        return float(os.environ.get("ATLAS_SMALL_DENOMINATOR", "50"))
    except ValueError:
        return 50.0


@dataclass(frozen=True)
class ChoroplethView:
    indicator: Indicator
    values: pd.Series  # per zone code
    classification: Classification
    collection: dict  # GeoJSON FeatureCollection for folium
    reference_value: float  # the whole territory (department, or France); NaN: not shown
    reference_label: str
    notice: str | None = None  # why values are absent at this level, in French
    legend_labels: tuple[str, ...] | None = None  # comparison mode: signed gaps
    legend_title: str | None = None
    reading: str | None = None  # which colour means what (comparison mode)
    details: str | None = None  # plain-text report (codes changed between vintages…)
    small_zones: tuple[str, ...] = ()  # aggregated zones whose denominator is small
    missing: tuple[MissingGroup, ...] = ()  # zones without a value, by reason
    incomplete: tuple[str, ...] = ()  # zones whose sum leaves out communes without a value
    coverage_note: str | None = None  # which zones the indicator's source does not cover
    reference_text: str = ""  # the reference as shown, with what it covers (French)

    def __post_init__(self) -> None:
        if not self.reference_text:  # a plain figure: a comparison's mean, an evolution's
            text = format_indicator(self.indicator, self.reference_value)
            object.__setattr__(self, "reference_text", text)


def format_indicator(indicator: Indicator, value: object) -> str:
    return format_value(value, indicator.unit, indicator.decimals)


def build_choropleth(
    territory: Territory,
    shapes: ZoneShapes,
    indicator: Indicator,
    method: str,
    k: int,
    palette: str,
    manual_bounds: tuple[float, ...] | None = None,
    kept: pd.Series | None = None,
    fixed: Classification | None = None,
    reference: ReferenceTerritory | None = None,
) -> ChoroplethView:
    """Values, classes and GeoJSON of one indicator; filtered-out zones are dimmed, not classed.

    ``fixed`` imposes class bounds computed elsewhere (two vintages sharing one legend); the
    counts are then recomputed for these values. ``reference``: the whole territory the
    legend's reference names (every commune of the department, or of France); by default the
    zones drawn, which is right only when they are that whole territory's communes.
    """
    values = compute(indicator, territory.measures).reindex(list(shapes.codes))
    to_class = values if kept is None else values[kept.reindex(values.index).fillna(False)]
    if fixed is not None:
        classification = counts_for(fixed, to_class)
    else:
        classification = classify(to_class, method, k, palette, manual_bounds)
    cells = indicator_cells(indicator, territory, values)
    colors = classification.colors_for(values)
    markers = cells.markers.reindex(values.index, fill_value=0)
    for code, color in MARKER_COLORS.items():
        colors[values.isna() & markers.eq(code)] = color
    names = territory.zones["LIBGEO"].astype(str).to_dict()
    texts = cells.texts()
    notice = None
    aggregated = territory.members is not None
    small: tuple[str, ...] = ()
    if aggregated and indicator.kind is Kind.RATE and indicator.denominator not in AREA_COLUMNS:
        flags = small_denominator(indicator, territory.measures, threshold=small_threshold())
        small = tuple(str(names.get(c, c)) for c in flags[flags].index)
    if (
        not indicator.is_aggregable()
        and aggregated
        and territory.level not in indicator.published_levels
    ):
        notice = indicator.not_aggregable_reason(territory.level_label)
    kept_map = None if kept is None else {str(k_): bool(v) for k_, v in kept.items()}
    collection = choropleth_collection(shapes, names, texts, colors.to_dict(), kept_map)
    if reference is None:
        label = "France" if territory.is_france else territory.label
        reference = ReferenceTerritory(label, territory.measures.index, territory.measures)
    ref = reference.value(indicator)
    return ChoroplethView(
        indicator=indicator,
        values=values,
        classification=classification,
        collection=collection,
        reference_value=ref.value,
        reference_label=ref.label,
        notice=notice,
        small_zones=small,
        reference_text=ref.text(indicator),
        missing=missing_groups(cells, to_class.index),
        incomplete=tuple(cells.incomplete_zones(to_class.index)),
        coverage_note=coverage_note(cells, territory),
    )


def coverage_note(cells: IndicatorCells, territory: Territory) -> str | None:
    """« Source : … ne couvre pas Guadeloupe (971), Guyane (973), Mayotte (976). »"""
    uncovered = cells.values.isna() & cells.markers.eq(Marker.NOT_COVERED)
    if not uncovered.any():
        return None
    source = cells.indicator.source
    if territory.is_france:
        names = [f"{territory.zones.at[c, 'LIBGEO']} ({c})" for c in uncovered.index[uncovered]]
        return f"{source} ne couvre pas : {', '.join(names)}."
    if uncovered.all():
        return f"{source} ne couvre pas {territory.label} : aucune valeur à représenter."
    zones = levels.level(territory.level).count(int(uncovered.sum()))
    return f"{source} ne couvre pas {zones} de {territory.label}."


def build_comparison(
    territory: Territory,
    shapes: ZoneShapes,
    indicator: Indicator,
    reference_measures: pd.DataFrame,
    reference_codes: pd.Index,
    reference_label: str,
    method: str,
    k: int,
    palette: str = DEFAULT_DIVERGING,
    kept: pd.Series | None = None,
) -> ChoroplethView:
    """Each zone against a reference (department, region, France) on a diverging palette.

    ``reference_measures`` holds the communes of the zones *and* of the reference, so the
    reference is recomputed from the same measures (Σ num / Σ den), never averaged.
    """
    zones = territory.members  # commune → zone for EPCI/districts; None at commune level
    comparison = compare_to_reference(
        indicator, reference_measures, reference_codes, reference_label, zones
    )
    comparison = replace(
        comparison,
        values=comparison.values.reindex(list(shapes.codes)),
        gap=comparison.gap.reindex(list(shapes.codes)),
    )
    odd_k = k if k % 2 else max(3, k - 1)
    gm = gap_map(comparison, "egal" if method == "egal" else DEFAULT_METHOD, odd_k, palette)
    names = territory.zones["LIBGEO"].astype(str).to_dict()
    kept_map = None if kept is None else {str(c): bool(v) for c, v in kept.items()}
    collection = choropleth_collection(shapes, names, gm.texts, gm.colors, kept_map)
    return ChoroplethView(
        indicator=indicator,
        values=comparison.gap,
        classification=gm.classification,
        collection=collection,
        reference_value=comparison.reference,
        reference_label=reference_label,
        notice=comparison.note or None,
        legend_labels=gm.labels,
        legend_title=gm.title,
        reading=gm.reading,
    )


def build_gap_view(
    territory: Territory,
    shapes: ZoneShapes,
    indicator: Indicator,
    gm: GapMap,
    reference_value: float,
    reference_label: str,
    details: str | None = None,
) -> ChoroplethView:
    """A diverging map (evolution between vintages) from its GapMap."""
    names = territory.zones["LIBGEO"].astype(str).to_dict()
    texts = {c: gm.texts.get(c, "non disponible") for c in shapes.codes}
    collection = choropleth_collection(shapes, names, texts, gm.colors)
    return ChoroplethView(
        indicator=indicator,
        values=gm.gap.reindex(list(shapes.codes)),
        classification=gm.classification,
        collection=collection,
        reference_value=reference_value,
        reference_label=reference_label,
        legend_labels=gm.labels,
        legend_title=gm.title,
        reading=gm.reading,
        details=details,
    )


def zone_table(territory: Territory, catalogue: Catalogue, epci_names: pd.Series) -> pd.DataFrame:
    """One row per zone, numeric columns (sortable), French headers with units."""
    zones = territory.zones
    first = levels.level(territory.level).title
    table = pd.DataFrame({"Code": zones.index.astype(str), first: zones["LIBGEO"].astype(str)})
    if territory.members is not None and not territory.is_france:
        sizes = zones[COMMUNE_COUNT] if COMMUNE_COUNT in zones else territory.members.value_counts()
        table["Communes"] = zones.index.map(sizes).fillna(0).astype(int).to_numpy()
    elif "EPCI" in zones:
        table["EPCI"] = zones["EPCI"].map(epci_names).fillna("—").to_numpy()
    for ind in catalogue.available(territory.measures):
        values = compute(ind, territory.measures).reindex(zones.index)
        table[table_column(ind)] = values.to_numpy(dtype=float, na_value=np.nan)
    return table.reset_index(drop=True)


# Columns that name a zone (the others are indicators): the code, the zone's name headed by
# its level, and the number of communes of an aggregated zone.
ID_COLUMNS = ("Code", *(lvl.title for lvl in levels.LEVELS.values()), "Communes")


def table_column(indicator: Indicator) -> str:
    """Header of an indicator's column; vintages of one indicator get their own column."""
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.display_label}{unit}"


def table_formatters(indicators: list[Indicator]) -> dict[str, Callable[[object], str]]:
    """French display of the table's numeric columns (sorting still uses the numbers)."""
    return {
        table_column(ind): (lambda d: lambda v: format_number(v, d))(ind.decimals)
        for ind in indicators
    }


def zone_comparison(
    territory: Territory,
    catalogue: Catalogue,
    code: str,
    reference: ReferenceTerritory | None = None,
    first: str | None = None,
) -> pd.DataFrame:
    """A zone's values beside the whole territory's, formatted in French (click panel).

    Each indicator is listed once, and with its vintage when another vintage of it is listed
    too; ``reference`` is the whole territory (see :func:`build_choropleth`); the indicator
    ``first`` (the one mapped) heads the table. A missing value says why (« secret
    statistique », « non significatif »…), a sum over communes not all published says
    « au moins ».
    """
    if reference is None:
        label = "France" if territory.is_france else territory.label
        reference = ReferenceTerritory(label, territory.measures.index, territory.measures)
    rows = []
    listed = listed_indicators(catalogue.available(territory.measures))
    for ind, label in sorted(listed, key=lambda item: item[0].id != first):
        rows.append(
            {
                "Indicateur": label,
                "Valeur": indicator_cells(ind, territory).text(code),
                reference.label: reference.value(ind).text(ind),
                "Source": f"{ind.source} ({ind.vintage})",
            }
        )
    return pd.DataFrame(rows)
