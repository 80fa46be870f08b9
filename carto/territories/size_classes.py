"""Commune size classes by population, as the filters, the links and the panels name them.

Why in ``territories``: a size class is a property of a commune (its population), not of a
view; the view state only refers to a class by its stable ``id``, which appears in shared links
and must therefore never change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from carto.common.fmt import format_number


class SizeClassError(ValueError):
    """An unknown size class; the message is French."""


@dataclass(frozen=True)
class PopulationClass:
    """A commune size class: ``low`` ≤ population < ``high`` (``high`` None = no upper limit)."""

    id: str  # stable: it appears in shared links
    low: int
    high: int | None
    note: str = ""

    @property
    def label(self) -> str:
        if self.low == 0 and self.high is not None:
            text = f"moins de {format_number(self.high)} habitants"
        elif self.high is None:
            text = f"{format_number(self.low)} habitants et plus"
        else:
            text = f"{format_number(self.low)} à {format_number(self.high - 1)} habitants"
        return f"{text} ({self.note})" if self.note else text

    def contains(self, population: pd.Series) -> pd.Series:
        upper = math.inf if self.high is None else self.high
        return (population >= self.low) & (population < upper)


# Since the NOTRe law (2015), a commune under 1 500 inhabitants may do without a CCAS.
POPULATION_CLASSES: tuple[PopulationClass, ...] = (
    PopulationClass("lt1500", 0, 1500, "CCAS facultatif"),
    PopulationClass("1500_4999", 1500, 5000),
    PopulationClass("5000_19999", 5000, 20000),
    PopulationClass("ge20000", 20000, None),
)
POPULATION_CLASS_IDS: tuple[str, ...] = tuple(c.id for c in POPULATION_CLASSES)
_CLASSES_BY_ID = {c.id: c for c in POPULATION_CLASSES}


def population_class(class_id: str) -> PopulationClass:
    try:
        return _CLASSES_BY_ID[class_id]
    except KeyError:
        raise SizeClassError(f"Classe de population inconnue : « {class_id} ».") from None
