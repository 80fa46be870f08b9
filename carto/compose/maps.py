"""Which map one panel shows, and how it is built: the plain indicator, a comparison with a
reference, or the evolution between two vintages.

Why requests as frozen dataclasses: the view state says what is wanted, but a map may be
impossible (no older vintage in the stores, manual bounds that do not fit): ``map_requests``
lists the choices in order, the caller shows why one failed and takes the next. Each request
is hashable, so a built map is cached under (territory key, request).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carto.compose.keys import TerritoryKey
from carto.compose.sources import Sources
from carto.compose.territory import reference_area, view_reference
from carto.indicators.catalogue import Catalogue, compute
from carto.indicators.vintages import family_key, vintage_evolution, vintage_series
from carto.map.choropleth import ChoroplethView, build_choropleth, build_comparison, build_gap_view
from carto.map.classify import DEFAULT_CLASSES, DEFAULT_PALETTE, MIN_CLASSES, shared_classification
from carto.map.diverging import evolution_map
from carto.territories.zones import FRANCE
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class PlainMap:
    """One indicator in classes; ``shared_with``: a second vintage that shares its bounds."""

    indicator: str
    method: str
    k: int
    palette: str
    bounds: tuple[float, ...] | None = None
    kept: tuple[str, ...] | None = None  # communes kept by the filters (None: all)
    shared_with: str | None = None


@dataclass(frozen=True)
class ComparisonMap:
    """The gap of each zone to a reference (department, region, France)."""

    indicator: str
    reference: str
    method: str
    k: int
    kept: tuple[str, ...] | None = None


@dataclass(frozen=True)
class EvolutionMap:
    """The change of one indicator since an older vintage of the same family."""

    indicator: str
    old_vintage: str
    method: str
    k: int


MapRequest = PlainMap | ComparisonMap | EvolutionMap


def map_requests(
    state: ViewState,
    indicator_id: str,
    catalogue: Catalogue,
    kept: tuple[str, ...] | None,
    by_arrondissement: bool,
) -> tuple[MapRequest, ...]:
    """The maps to try for ``indicator_id``, in order: each next one if the previous fails.

    A comparison is not offered by arrondissement; an evolution only for the first map; the
    last resort is the indicator in default quantiles.
    """
    method, k = state.class_method, state.n_classes
    palette = state.palette or DEFAULT_PALETTE
    if state.reference != "none" and not by_arrondissement:
        return (ComparisonMap(indicator_id, state.reference, method, k, kept),)
    requests: list[MapRequest] = []
    if state.vintage2 and indicator_id == state.indicator:
        requests.append(EvolutionMap(indicator_id, state.vintage2, method, k))
    shared = None  # two vintages of one indicator side by side share their class bounds
    if state.side_by_side and state.indicator2 in catalogue:
        pair = catalogue.get(state.indicator), catalogue.get(state.indicator2)
        if family_key(pair[0]) == family_key(pair[1]):
            shared = (pair[1] if indicator_id == pair[0].id else pair[0]).id
    requests.append(PlainMap(indicator_id, method, k, palette, state.bounds or None, kept, shared))
    requests.append(PlainMap(indicator_id, "quantiles", DEFAULT_CLASSES, palette, None, kept))
    return tuple(requests)


def build_map(key: TerritoryKey, request: MapRequest, src: Sources) -> ChoroplethView:
    """The map asked for; raises ``ClassificationError`` or ``VintageError`` (French)."""
    if isinstance(request, ComparisonMap):
        return _comparison(key, request, src)
    if isinstance(request, EvolutionMap):
        return _evolution(key, request, src)
    return _plain(key, request, src)


def _kept_mask(zones: pd.DataFrame, kept: tuple[str, ...] | None) -> pd.Series | None:
    return None if kept is None else pd.Series(zones.index.isin(kept), index=zones.index)


def _plain(key: TerritoryKey, request: PlainMap, src: Sources) -> ChoroplethView:
    terr = src.territory(key)
    catalogue = src.catalogue(key.imports)
    method, k, palette = request.method, request.k, request.palette
    fixed = None
    if request.shared_with:  # two vintages side by side: one set of bounds for both maps
        ids = (request.indicator, request.shared_with)
        pooled = [compute(catalogue.get(i), terr.measures) for i in ids]
        fixed = shared_classification(pooled, method, k, palette, request.bounds)
    return build_choropleth(
        terr,
        src.shapes(key),
        catalogue.get(request.indicator),
        method,
        k,
        palette,
        request.bounds,
        _kept_mask(terr.zones, request.kept),
        fixed,
        view_reference(key.department, key.imports, src),
    )


def _comparison(key: TerritoryKey, request: ComparisonMap, src: Sources) -> ChoroplethView:
    terr = src.territory(key)
    area = reference_area(key.department, request.reference, src)
    return build_comparison(
        terr,
        src.shapes(key),
        src.catalogue(key.imports).get(request.indicator),
        src.france_commune_measures(key.imports),
        area.codes,
        area.label,
        request.method,
        request.k,
        kept=_kept_mask(terr.zones, request.kept),
    )


def _evolution(key: TerritoryKey, request: EvolutionMap, src: Sources) -> ChoroplethView:
    terr = src.territory(key)
    catalogue = src.catalogue(key.imports)
    new = catalogue.get(request.indicator)
    old = vintage_series(catalogue.indicators.values())[family_key(new)].indicator(
        request.old_vintage
    )
    result = vintage_evolution(
        old,
        new,
        src.indicator_measures(old),
        src.indicator_measures(new),
        zones=terr.members,
        departments=None if key.department == FRANCE else {key.department},
        history=src.bundle().history,
    )
    odd_k = request.k if request.k % 2 else max(MIN_CLASSES, request.k - 1)
    method = "egal" if request.method == "egal" else "quantiles"
    return build_gap_view(
        terr,
        src.shapes(key),
        new,
        evolution_map(result, method, odd_k),
        float("nan"),
        f"{old.vintage} → {new.vintage}",
        details=result.report_fr(),
    )


def older_vintages(catalogue: Catalogue, indicator_id: str) -> list[str]:
    """Vintages of the same indicator older than the one shown (for the evolution selector)."""
    ind = catalogue.get(indicator_id)
    series = vintage_series(catalogue.indicators.values()).get(family_key(ind))
    if series is None:
        return []
    return [v for v in series.vintages if v < ind.vintage]
