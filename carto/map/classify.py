"""Class breaks and colours for choropleths, and the bounds two vintages share.

Why mapclassify (and jenkspy): class-break algorithms have subtle edge cases (ties, fewer
distinct values than classes, open upper class) that these libraries already handle and test.
mapclassify's Fisher-Jenks is pure Python without numba (1 s for 891 communes, 24 s for 5,000);
jenkspy computes the same optimal breaks in C in a few milliseconds.

Why breaks on pooled values for two vintages: classes computed on each year separately move
with the data, so a commune can change colour without its value changing; computing them once
on both years gives two maps with the same legend, on which a change of colour is a change of
value.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import jenkspy
import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from carto.common.fmt import format_number

METHODS: dict[str, str] = {
    "quantiles": "Quantiles (effectifs égaux)",
    "egal": "Intervalles égaux",
    "jenks": "Seuils naturels (Jenks)",
    "manuel": "Bornes manuelles",
}
DEFAULT_METHOD = "quantiles"
MIN_CLASSES, MAX_CLASSES = 3, 9
DEFAULT_CLASSES = 5

# ColorBrewer schemes marked colour-blind safe by ColorBrewer 2.0 (sequential).
PALETTES: dict[str, str] = {
    "YlOrRd": "Jaune → rouge",
    "YlGnBu": "Jaune → bleu",
    "Blues": "Bleus",
    "Purples": "Violets",
    "Greens": "Verts",
    "OrRd": "Orange → rouge",
}
DEFAULT_PALETTE = "YlOrRd"
# Diverging, colour-blind safe: for gaps to a reference (comparison mode).
DIVERGING_PALETTES: dict[str, str] = {"RdBu_r": "Bleu ← → rouge", "PuOr_r": "Violet ← → orange"}
MISSING_COLOR = "#d9d9d9"


class ClassificationError(ValueError):
    """Invalid class parameters; the message is French and meant for the user."""


def palette_colors(name: str, k: int) -> list[str]:
    """k colours of a ColorBrewer scheme; ``_r`` reverses it."""
    base, reverse = (name[:-2], True) if name.endswith("_r") else (name, False)
    colors = list(color_brewer(base, k))
    if len(colors) != k:  # branca pads/interpolates outside 3–9; keep exact counts
        colors = colors[:k]
    return colors[::-1] if reverse else colors


@dataclass(frozen=True)
class Classification:
    """Breaks, colours and counts of one choropleth, ready for map and legend."""

    method: str
    bounds: tuple[float, ...]  # k+1 edges: minimum, upper bound of each class
    colors: tuple[str, ...]
    counts: tuple[int, ...]
    missing_count: int
    missing_color: str = MISSING_COLOR

    @property
    def k(self) -> int:
        return len(self.colors)

    def class_index(self, values: pd.Series) -> pd.Series:
        """Class of each value (0…k-1), -1 for missing. Values above the last bound go last."""
        upper = np.asarray(self.bounds[1:], dtype=float)
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        idx = np.searchsorted(upper, arr, side="left")
        idx = np.clip(idx, 0, self.k - 1)
        idx = np.where(np.isnan(arr), -1, idx)
        return pd.Series(idx, index=values.index, dtype=int)

    def colors_for(self, values: pd.Series) -> pd.Series:
        palette = np.array([*self.colors, self.missing_color])
        return pd.Series(palette[self.class_index(values).to_numpy()], index=values.index)

    def labels(self, decimals: int = 0) -> list[str]:
        """French class labels: ``"1 234,5 – 2 000"``."""
        b = self.bounds
        return [
            f"{format_number(b[i], decimals)} – {format_number(b[i + 1], decimals)}"
            for i in range(self.k)
        ]


def _validate(k: int, method: str) -> None:
    if method not in METHODS:
        raise ClassificationError(f"Méthode de classification inconnue : « {method} ».")
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ClassificationError(
            f"Le nombre de classes doit être compris entre {MIN_CLASSES} et {MAX_CLASSES}."
        )


def _manual_bins(values: np.ndarray, bounds: tuple[float, ...] | list[float]) -> np.ndarray:
    cuts = [float(b) for b in bounds]
    if any(math.isnan(b) or math.isinf(b) for b in cuts):
        raise ClassificationError("Les bornes manuelles doivent être des nombres finis.")
    if sorted(set(cuts)) != cuts:
        raise ClassificationError("Les bornes manuelles doivent être strictement croissantes.")
    if not 2 <= len(cuts) + 1 <= MAX_CLASSES:
        raise ClassificationError(
            f"Indiquez entre 1 et {MAX_CLASSES - 1} bornes (soit 2 à {MAX_CLASSES} classes)."
        )
    top = max(float(values.max()), cuts[-1]) if len(values) else cuts[-1]
    return np.array([c for c in cuts if c < top] + [top])


def classify(
    values: pd.Series,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASSES,
    palette: str = DEFAULT_PALETTE,
    manual_bounds: tuple[float, ...] | list[float] | None = None,
) -> Classification:
    """Classify values; missing ones (NaN, secret) are counted apart, never put in a class."""
    _validate(k if method != "manuel" else MIN_CLASSES, method)
    clean = values.astype(float).replace([np.inf, -np.inf], np.nan)
    present = clean.dropna().to_numpy()
    missing = int(clean.isna().sum())
    if method == "manuel":
        if not manual_bounds:
            raise ClassificationError(
                "Saisissez au moins une borne pour la classification manuelle."
            )
        bins = _manual_bins(present, manual_bounds)
    elif len(present) == 0:
        return Classification(method, (), (), (), missing)
    else:
        distinct = np.unique(present)
        k_eff = max(1, min(k, len(distinct)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if len(distinct) < k:  # one class per distinct value
                bins = distinct
            elif method == "quantiles":
                bins = mapclassify.Quantiles(present, k=k_eff).bins
            elif method == "egal":
                bins = mapclassify.EqualInterval(present, k=k_eff).bins
            else:
                breaks = jenkspy.jenks_breaks(present, n_classes=k_eff)
                bins = np.asarray(breaks[1:], dtype=float)
        bins = np.unique(np.asarray(bins, dtype=float))
    low = float(present.min()) if len(present) else float(bins[0])
    lower = min(low, float(bins[0]))
    bounds = (lower, *[float(b) for b in bins])
    n_classes = len(bins)
    colors = palette_colors(palette, max(n_classes, MIN_CLASSES))
    if n_classes < MIN_CLASSES:  # keep the darkest colours' contrast for 1–2 classes
        colors = [colors[0], colors[-1]][-n_classes:] if n_classes == 2 else [colors[-1]]
    cls = Classification(method, bounds, tuple(colors), (), missing)
    idx = cls.class_index(clean.dropna())
    counts = tuple(int((idx == i).sum()) for i in range(n_classes))
    return Classification(method, bounds, tuple(colors), counts, missing)


def shared_classification(
    values: Iterable[pd.Series],
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_CLASSES,
    palette: str = DEFAULT_PALETTE,
    manual_bounds: tuple[float, ...] | list[float] | None = None,
) -> Classification:
    """Class breaks computed once on the values of every vintage pooled together.

    Use ``counts_for`` to get each year's own counts for its legend.
    """
    frames = [v.astype(float).reset_index(drop=True) for v in values]
    if not frames:
        raise ClassificationError("Aucun millésime à classer.")
    return classify(pd.concat(frames, ignore_index=True), method, k, palette, manual_bounds)


def counts_for(classification: Classification, values: pd.Series) -> Classification:
    """The same bounds and colours, with the class counts of one vintage's values."""
    clean = values.astype(float).replace([np.inf, -np.inf], np.nan)
    idx = classification.class_index(clean.dropna())
    counts = tuple(int((idx == i).sum()) for i in range(classification.k))
    return Classification(
        classification.method,
        classification.bounds,
        classification.colors,
        counts,
        int(clean.isna().sum()),
        classification.missing_color,
    )
