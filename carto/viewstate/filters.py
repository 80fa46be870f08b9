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

from carto.common.fmt import format_number, format_value
from carto.indicators.catalogue import Indicator
from carto.territories import levels
from carto.territories.size_classes import population_class
from carto.viewstate.model import Filters, RangeFilter

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
    # Among them, those whose value is covered by statistical secrecy, by criterion label.
    secret: dict[str, int] = field(default_factory=dict)
    criteria: tuple[str, ...] = ()  # the filters in French (``criteria``)

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
        """Communes left out for lack of a value: secret ones first, then the unknown ones."""
        sentences = []
        for label, n in self.missing.items():
            secret = self.secret.get(label, 0)
            if secret:
                sentences.append(
                    f"{_plural(secret, 'commune')} hors du filtre car leur valeur de « {label} » "
                    "est couverte par le secret statistique."
                )
            if n - secret:
                sentences.append(
                    f"{_plural(n - secret, 'commune')} sans valeur pour « {label} », "
                    "donc hors du filtre."
                )
        return sentences

    @property
    def banner(self) -> str:
        """What a shared link's reader must see first: the criteria, then what they keep.

        ``"Filtres : taux de pauvreté ≥ 15 %, communes de 5 000 à 19 999 habitants : 21
        communes sur 591 — 123 456 habitants sur 733 481."`` followed by the communes left out
        for lack of a value (secret or unknown)."""
        head = f"Filtres : {', '.join(self.criteria)} : " if self.criteria else ""
        return " ".join([f"{head}{self.sentence}.", *self.missing_sentences])


def _plural(n: int, word: str) -> str:
    return f"{format_number(n)} {word}{'s' if n >= 2 else ''}"


@dataclass(frozen=True)
class _Criterion:
    """One filter's verdict on each commune, and the communes it could not judge."""

    label: str
    keep: pd.Series  # bool
    unknown: pd.Series | None = None  # bool: no value to judge
    secret: pd.Series | None = None  # bool: no value because it is secret


def apply_filters(
    filters: Filters,
    zones: pd.DataFrame,
    values: Mapping[str, pd.Series],
    districts: pd.Series | None = None,
    secret: Mapping[str, pd.Series] | None = None,
    indicators: Mapping[str, Indicator] | None = None,
) -> tuple[pd.Series, FilterSummary]:
    """Boolean mask of kept communes (indexed like ``zones``) and its summary.

    ``zones`` is indexed by commune code with columns EPCI and P_POP; ``values`` maps an indicator
    id to its commune values; ``districts`` maps a commune code to its district name;
    ``secret`` maps an indicator id to the communes whose value is secret (True); with
    ``indicators`` (by id) the summary names them by label and states the criteria. A commune
    is counted as left out for lack of a value only if every other filter keeps it. Raises
    FilterError when a filter needs data that was not given: a silently ignored filter would
    show the wrong communes as "kept".
    """
    for column in (EPCI_COLUMN, POPULATION_COLUMN):
        if column not in zones.columns:
            raise FilterError(f"La colonne « {column} » manque dans les communes à filtrer.")
    population = pd.to_numeric(zones[POPULATION_COLUMN], errors="coerce")
    found = _criteria_masks(filters, zones, values, districts, secret or {}, indicators or {})
    mask = pd.Series(True, index=zones.index, dtype=bool)
    for criterion in found:
        mask &= criterion.keep
    missing: dict[str, int] = {}
    secrets: dict[str, int] = {}
    for criterion in found:
        if criterion.unknown is None:
            continue
        others = pd.Series(True, index=zones.index, dtype=bool)
        for other in found:
            if other is not criterion:
                others &= other.keep
        missing[criterion.label] = int((criterion.unknown & others).sum())
        if criterion.secret is not None:
            secrets[criterion.label] = int((criterion.secret & criterion.unknown & others).sum())
    kept_pop = population.where(mask).sum(min_count=0)
    summary = FilterSummary(
        communes_kept=int(mask.sum()),
        communes_total=len(zones),
        inhabitants_kept=round(float(kept_pop)),
        inhabitants_total=round(float(population.sum())),
        active=filters.is_active,
        missing={k: v for k, v in missing.items() if v},
        secret={k: v for k, v in secrets.items() if v},
        criteria=criteria(filters, indicators or {}),
    )
    return mask, summary


def _criteria_masks(
    filters: Filters,
    zones: pd.DataFrame,
    values: Mapping[str, pd.Series],
    districts: pd.Series | None,
    secret: Mapping[str, pd.Series],
    indicators: Mapping[str, Indicator],
) -> list[_Criterion]:
    found = []
    for rng in filters.ranges:
        if rng.indicator not in values:
            raise FilterError(
                f"Le filtre sur « {rng.indicator} » ne peut pas s'appliquer : "
                "cet indicateur n'est pas calculé pour ces communes."
            )
        series = pd.to_numeric(values[rng.indicator].reindex(zones.index), errors="coerce")
        keep = series.notna()
        if rng.min is not None:
            keep &= series >= rng.min
        if rng.max is not None:
            keep &= series <= rng.max
        hidden = secret.get(rng.indicator)
        if hidden is not None:
            hidden = hidden.reindex(zones.index).fillna(False).astype(bool)
        label = indicators[rng.indicator].label if rng.indicator in indicators else rng.indicator
        found.append(_Criterion(label, keep.fillna(False).astype(bool), series.isna(), hidden))
    if filters.epci:
        found.append(_Criterion("EPCI", zones[EPCI_COLUMN].isin(list(filters.epci)).astype(bool)))
    if filters.districts:
        if districts is None:
            raise FilterError(
                f"Le filtre par {DISTRICT.noun} ne peut pas s'appliquer : aucun découpage en "
                f"{DISTRICT.plural} n'est chargé."
            )
        member = districts.reindex(zones.index)
        keep = member.isin(list(filters.districts)).fillna(False).astype(bool)
        found.append(_Criterion(DISTRICT.noun, keep, member.isna()))
    if filters.population_classes:
        population = pd.to_numeric(zones[POPULATION_COLUMN], errors="coerce")
        in_class = pd.Series(False, index=zones.index, dtype=bool)
        for class_id in filters.population_classes:
            in_class |= population_class(class_id).contains(population).fillna(False)
        found.append(_Criterion("population", in_class.astype(bool), population.isna()))
    return found


def criteria(
    filters: Filters,
    indicators: Mapping[str, Indicator],
    epci_names: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """Each filter in French: « taux de pauvreté ≥ 15 % », « communes de 5 000 à 19 999
    habitants », « EPCI : Métropole du Grand Nancy », « territoire d'action sociale : Nord »."""
    parts = [_range_text(r, indicators.get(r.indicator)) for r in filters.ranges]
    if filters.population_classes:
        sizes = [population_class(c).label for c in filters.population_classes]
        parts.append("communes de " + " ou de ".join(sizes))
    if filters.epci:
        names = epci_names or {}
        parts.append("EPCI : " + ", ".join(names.get(c, c) for c in filters.epci))
    if filters.districts:
        parts.append(f"{DISTRICT.noun} : " + ", ".join(filters.districts))
    return tuple(parts)


def _range_text(rng: RangeFilter, indicator: Indicator | None) -> str:
    label, unit = rng.indicator, ""
    if indicator is not None:
        label, unit = _lower_first(indicator.label), indicator.unit

    def bound(value: float) -> str:
        return format_value(value, unit, _decimals_of(value))  # as typed: « 15 % »

    if rng.min is not None and rng.max is not None:
        return f"{label} entre {bound(rng.min)} et {bound(rng.max)}"
    if rng.min is not None:
        return f"{label} ≥ {bound(rng.min)}"
    return f"{label} ≤ {bound(rng.max)}"  # type: ignore[arg-type]


def _decimals_of(value: float) -> int:
    """Decimals a bound was typed with (at most 3): « 15,5 » must not be shown as « 16 »."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def _lower_first(label: str) -> str:
    """« Taux de pauvreté » → « taux de pauvreté »; an acronym (« RSA… ») is left as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label
