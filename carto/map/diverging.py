"""Diverging maps: each zone's gap to a reference, or its change between two vintages.

Why a dedicated classification rather than ``classify`` on the gaps: a gap map must read the
same way on both sides of the reference. The class bounds are symmetric around 0 and the
number of classes odd, so one central class (light, neutral) holds the zones close to the
reference and each side has as many shades as the other; an asymmetric Jenks or quantile cut
would put 0 inside a coloured class and make "above" and "below" look alike. The colour of the
positive side follows the indicator's polarity: warm where "higher is worse" (poverty,
unemployment), cool where "higher is better" (median income), so red always means "less
favourable than the reference". The evolution map is the same drawing, centred on "no
change" instead of on a reference value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carto.common.fmt import NBSP, format_signed
from carto.indicators.catalogue import Polarity
from carto.indicators.compare import Comparison
from carto.indicators.vintages import VintageEvolution
from carto.map.classify import (
    DEFAULT_CLASSES,
    DEFAULT_METHOD,
    DIVERGING_PALETTES,
    MAX_CLASSES,
    MIN_CLASSES,
    Classification,
    ClassificationError,
    palette_colors,
)

GAP_METHODS: dict[str, str] = {
    DEFAULT_METHOD: "Quantiles des écarts (effectifs équilibrés)",
    "egal": "Intervalles égaux",
    "manuel": "Bornes manuelles (écarts positifs)",
}
DEFAULT_DIVERGING = "RdBu_r"
# Names of the warm (high) and cool (low) ends of each diverging palette, for the reading note.
PALETTE_ENDS: dict[str, tuple[str, str]] = {
    "RdBu_r": ("rouge", "bleu"),
    "PuOr_r": ("orange", "violet"),
}


@dataclass(frozen=True)
class GapMap:
    """Everything the map, hover and legend need for one comparison (texts already French)."""

    classification: Classification
    gap: pd.Series  # per zone code, in points or percent
    texts: dict[str, str]  # zone code → "+2,3 pts" / "−4,1 %" / "non disponible"
    colors: dict[str, str]  # zone code → fill colour (missing colour where no gap)
    labels: tuple[str, ...]  # one signed French label per class, for the legend
    title: str  # "Écart à Gironde (en points)"
    reading: str  # which colour means what, in French
    unit: str  # "pts" or "%"


def gap_decimals(unit: str, indicator_decimals: int) -> int:
    """One decimal at least: a gap of "+0 pt" would hide real differences."""
    return max(1, indicator_decimals) if unit == "pts" else 1


def _validate(method: str, k: int, palette: str) -> None:
    if method not in GAP_METHODS:
        raise ClassificationError(f"Méthode de classification des écarts inconnue : « {method} ».")
    if palette not in DIVERGING_PALETTES:
        raise ClassificationError(
            f"Palette « {palette} » inconnue pour les écarts : choisissez parmi "
            f"{', '.join(DIVERGING_PALETTES.values())}."
        )
    if method != "manuel" and (not MIN_CLASSES <= k <= MAX_CLASSES or k % 2 == 0):
        raise ClassificationError(
            "Pour une carte d'écarts, le nombre de classes doit être impair (3, 5, 7 ou 9) : "
            "une classe centrale pour les zones proches de la référence."
        )


def _positive_edges(
    magnitudes: np.ndarray, method: str, k: int, manual: tuple[float, ...] | list[float] | None
) -> np.ndarray:
    """Upper bounds of the central class and of each class on the positive side."""
    top = float(magnitudes.max())
    if method == "manuel":
        if not manual:
            raise ClassificationError("Saisissez au moins une borne d'écart (positive).")
        cuts = [float(b) for b in manual]
        if any(math.isnan(b) or math.isinf(b) or b <= 0 for b in cuts):
            raise ClassificationError(
                "Les bornes d'écart doivent être des nombres positifs : elles s'appliquent "
                "symétriquement au-dessus et au-dessous de la référence."
            )
        if sorted(set(cuts)) != cuts:
            raise ClassificationError("Les bornes d'écart doivent être strictement croissantes.")
        if 2 * len(cuts) + 1 > MAX_CLASSES:
            raise ClassificationError(
                f"Indiquez au plus {(MAX_CLASSES - 1) // 2} bornes d'écart "
                f"(soit {MAX_CLASSES} classes au plus)."
            )
        return np.array([*cuts, max(top, cuts[-1])])
    half = (k - 1) // 2
    probs = [(2 * j + 1) / k for j in range(half + 1)]
    if method == "egal":
        return np.array([top * p for p in probs])
    return np.quantile(magnitudes, probs)


def diverging_classification(
    gap: pd.Series,
    polarity: Polarity = Polarity.NEUTRAL,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASSES,
    palette: str = DEFAULT_DIVERGING,
    manual_bounds: tuple[float, ...] | list[float] | None = None,
    decimals: int = 1,
) -> Classification:
    """Classes symmetric around 0, odd in number, coloured by polarity.

    Bounds are rounded to the displayed decimals so that a gap shown as "+2,0" is never in a
    class labelled "2,04 – 5,1". Missing gaps are counted apart, never put in a class.
    A value equal to a bound belongs to the class below it (as in ``classify``).
    """
    _validate(method, k, palette)
    clean = gap.astype(float).replace([np.inf, -np.inf], np.nan)
    present = clean.dropna().to_numpy()
    missing = int(clean.isna().sum())
    if len(present) == 0:
        return Classification(method, (), (), (), missing)
    magnitudes = np.abs(present)
    step = 10.0**-decimals
    edges = _positive_edges(magnitudes, method, k, manual_bounds)
    edges = np.round(edges, decimals)
    edges[-1] = max(edges[-1], round(math.ceil(magnitudes.max() / step - 1e-9) * step, decimals))
    edges = np.unique(edges[edges > 0])
    if len(edges) == 0:  # every gap rounds to 0: one neutral class
        edges = np.array([step])
    bounds = (*(-edges[::-1]), *edges)
    n = 2 * len(edges) - 1
    colors = palette_colors(palette, max(n, MIN_CLASSES))
    if n == 1:
        colors = [colors[1]]
    if polarity is Polarity.HIGHER_BETTER:
        colors = colors[::-1]
    cls = Classification(method, tuple(float(b) for b in bounds), tuple(colors), (), missing)
    idx = cls.class_index(clean.dropna())
    counts = tuple(int((idx == i).sum()) for i in range(n))
    return Classification(method, cls.bounds, cls.colors, counts, missing)


def gap_labels(classification: Classification, unit: str, decimals: int = 1) -> tuple[str, ...]:
    """Signed French labels: "−4,0 à −2,0 pts", "−2,0 à +2,0 pts", "+2,0 à +4,0 pts"."""
    b = classification.bounds
    suffix = f"{NBSP}{unit}"
    return tuple(
        f"{format_signed(b[i], '', decimals)} à {format_signed(b[i + 1], '', decimals)}{suffix}"
        for i in range(classification.k)
    )


def reading_note(polarity: Polarity, palette: str, reference_label: str) -> str:
    """Which colour means what: the legend alone does not say whether red is good or bad."""
    warm, cool = PALETTE_ENDS.get(palette, ("foncé", "clair"))
    above, below = (cool, warm) if polarity is Polarity.HIGHER_BETTER else (warm, cool)
    text = (
        f"En {above} : valeur supérieure à celle de {reference_label} ; "
        f"en {below} : valeur inférieure."
    )
    if polarity is not Polarity.NEUTRAL:
        text += " Les tons chauds signalent une situation moins favorable que la référence."
    return text


def _signed_texts(gap: pd.Series, unit: str, decimals: int) -> dict[str, str]:
    """Zone code → "+2,3 pts" / "−4,1 %" / "non disponible", for the hover."""
    arr = gap.to_numpy(dtype=float, na_value=np.nan)
    return {
        str(code): format_signed(v, unit, decimals) for code, v in zip(gap.index, arr, strict=True)
    }


def gap_map(
    comparison: Comparison,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASSES,
    palette: str = DEFAULT_DIVERGING,
    manual_bounds: tuple[float, ...] | list[float] | None = None,
) -> GapMap:
    """The comparison drawn as a diverging choropleth, with its hover texts and legend labels."""
    indicator = comparison.indicator
    unit = comparison.gap_unit
    decimals = gap_decimals(unit, indicator.decimals)
    gap = comparison.gap.astype(float)
    cls = diverging_classification(
        gap, indicator.polarity, method, k, palette, manual_bounds, decimals
    )
    return GapMap(
        classification=cls,
        gap=gap,
        texts=_signed_texts(gap, unit, decimals),
        colors={str(c): v for c, v in cls.colors_for(gap).items()},
        labels=gap_labels(cls, unit, decimals),
        title=comparison.gap_label(),
        reading=reading_note(indicator.polarity, palette, comparison.reference_label),
        unit=unit,
    )


def evolution_map(
    result: VintageEvolution,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASSES,
    palette: str = DEFAULT_DIVERGING,
    manual_bounds: tuple[float, ...] | list[float] | None = None,
) -> GapMap:
    """The evolution as a diverging map centred on "no change", coloured by polarity."""
    evo, indicator = result.evolution, result.new
    decimals = gap_decimals(evo.unit, indicator.decimals)
    change = evo.change.astype(float)
    cls = diverging_classification(
        change, indicator.polarity, method, k, palette, manual_bounds, decimals
    )
    warm, cool = PALETTE_ENDS.get(palette, ("foncé", "clair"))
    up, down = (cool, warm) if indicator.polarity is Polarity.HIGHER_BETTER else (warm, cool)
    reading = (
        f"En {up} : hausse entre {result.old.vintage} et {result.new.vintage} ; en {down} : baisse."
    )
    return GapMap(
        classification=cls,
        gap=change,
        texts=_signed_texts(change, evo.unit, decimals),
        colors={str(c): v for c, v in cls.colors_for(change).items()},
        labels=gap_labels(cls, evo.unit, decimals),
        title=result.title(),
        reading=reading,
        unit=evo.unit,
    )
