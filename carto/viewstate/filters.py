"""Which communes a view keeps: range, EPCI, district and population-size filters.

Why a pure module: the same mask must dim the map, shorten the table and restrict the exports,
and the count of kept communes and inhabitants must agree everywhere. Filters combine with AND
across kinds and OR inside a kind (two EPCI = communes of either EPCI). A commune whose value is
unknown cannot satisfy a range, so it is left out, and the summary says how many were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from carto.common.fmt import format_number
from carto.territories import levels
from carto.territories.size_classes import population_class
from carto.viewstate.model import Filters

POPULATION_COLUMN = "P_POP"
EPCI_COLUMN = "EPCI"
DISTRICT = levels.level("district")


class FilterError(ValueError):
    """A filter cannot be applied with the data given (message in French, for the user)."""


@dataclass(frozen=True)
class FilterSummary:
    """What the filters kept, for the caption under the map and the exports' header."""

    communes_kept: int
    communes_total: int
    inhabitants_kept: int
    inhabitants_total: int
    active: bool
    # Communes left out only because a value needed by a filter is unknown, by criterion label.
    missing: dict[str, int] = field(default_factory=dict)

    @property
    def sentence(self) -> str:
        """``"42 communes sur 591 — 123 456 habitants sur 733 481"``."""
        communes = _plural(self.communes_kept, "commune")
        people = _plural(self.inhabitants_kept, "habitant")
        return (
            f"{communes} sur {format_number(self.communes_total)} — "
            f"{people} sur {format_number(self.inhabitants_total)}"
        )

    @property
    def missing_sentences(self) -> list[str]:
        return [
            f"{_plural(n, 'commune')} sans valeur pour « {label} », donc hors du filtre."
            for label, n in self.missing.items()
            if n
        ]


def _plural(n: int, word: str) -> str:
    return f"{format_number(n)} {word}{'s' if n >= 2 else ''}"


def apply_filters(
    filters: Filters,
    zones: pd.DataFrame,
    values: Mapping[str, pd.Series],
    districts: pd.Series | None = None,
) -> tuple[pd.Series, FilterSummary]:
    """Boolean mask of kept communes (indexed like ``zones``) and its summary.

    ``zones`` is indexed by commune code with columns EPCI and P_POP; ``values`` maps an indicator
    id to its commune values; ``districts`` maps a commune code to its district name. Raises
    FilterError when a filter needs data that was not given: a silently ignored filter would
    show the wrong communes as "kept".
    """
    for column in (EPCI_COLUMN, POPULATION_COLUMN):
        if column not in zones.columns:
            raise FilterError(f"La colonne « {column} » manque dans les communes à filtrer.")
    population = pd.to_numeric(zones[POPULATION_COLUMN], errors="coerce")
    mask = pd.Series(True, index=zones.index, dtype=bool)
    missing: dict[str, int] = {}

    for rng in filters.ranges:
        if rng.indicator not in values:
            raise FilterError(
                f"Le filtre sur « {rng.indicator} » ne peut pas s'appliquer : "
                "cet indicateur n'est pas calculé pour ces communes."
            )
        series = pd.to_numeric(values[rng.indicator].reindex(zones.index), errors="coerce")
        known = series.notna()
        keep = known
        if rng.min is not None:
            keep = keep & (series >= rng.min)
        if rng.max is not None:
            keep = keep & (series <= rng.max)
        missing[rng.indicator] = int((~known & mask).sum())
        mask &= keep.fillna(False).astype(bool)

    if filters.epci:
        mask &= zones[EPCI_COLUMN].isin(list(filters.epci)).to_numpy()

    if filters.districts:
        if districts is None:
            raise FilterError(
                f"Le filtre par {DISTRICT.noun} ne peut pas s'appliquer : aucun découpage en "
                f"{DISTRICT.plural} n'est chargé."
            )
        member = districts.reindex(zones.index)
        missing[DISTRICT.noun] = int((member.isna() & mask).sum())
        mask &= member.isin(list(filters.districts)).fillna(False).astype(bool)

    if filters.population_classes:
        in_class = pd.Series(False, index=zones.index, dtype=bool)
        for class_id in filters.population_classes:
            in_class |= population_class(class_id).contains(population).fillna(False)
        missing["population"] = int((population.isna() & mask).sum())
        mask &= in_class

    kept_pop = population.where(mask).sum(min_count=0)
    summary = FilterSummary(
        communes_kept=int(mask.sum()),
        communes_total=len(zones),
        inhabitants_kept=round(float(kept_pop)),
        inhabitants_total=round(float(population.sum())),
        active=filters.is_active,
        missing={k: v for k, v in missing.items() if v},
    )
    return mask, summary
