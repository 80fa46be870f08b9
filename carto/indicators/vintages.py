"""Several vintages of one indicator: which are imported, and their evolution, codes explained.

Why a family key rather than the label: INSEE declarations are instantiated per vintage
(``taux_pauvrete_2019``, ``taux_pauvrete_2021``, see ``carto.indicators.sources``), so
stripping the vintage from the id groups the years of one indicator exactly, while two
indicators that happen to share a label (the commune and IRIS poverty rates) stay apart.
Partners' indicators carry their vintage only as a field: they are grouped by label, unit and
kind. How vintages are drawn (shared class breaks, the evolution map) is ``carto.map``'s job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from carto.indicators.catalogue import Indicator
from carto.indicators.compare import Evolution, evolution
from carto.indicators.sources.store import list_datasets, read_dataset
from carto.territories.history import delegated_communes, department_of

UNDATED = (
    "non précisé"  # vintage of a partner's column left blank (carto.indicators.sources.imports)
)


class VintageError(ValueError):
    """Two vintages cannot be compared; the message is French and meant for the user."""


def family_key(indicator: Indicator) -> str:
    """``taux_pauvrete_2021`` → ``taux_pauvrete``; partners: label, unit and kind."""
    suffix = f"_{indicator.vintage}"
    if indicator.vintage and indicator.id.endswith(suffix):
        return indicator.id[: -len(suffix)]
    return f"{indicator.label}|{indicator.unit}|{indicator.kind.value}"


@dataclass(frozen=True)
class VintageSeries:
    """The imported vintages of one indicator, oldest first."""

    family: str
    label: str
    by_vintage: dict[str, Indicator] = field(default_factory=dict)

    @property
    def vintages(self) -> list[str]:
        return list(self.by_vintage)

    def indicator(self, vintage: str) -> Indicator:
        if vintage not in self.by_vintage:
            raise VintageError(
                f"Le millésime {vintage} de « {self.label} » n'est pas importé "
                f"(millésimes disponibles : {', '.join(self.vintages) or 'aucun'})."
            )
        return self.by_vintage[vintage]


def vintage_series(
    indicators: Iterable[Indicator], measures: pd.DataFrame | None = None
) -> dict[str, VintageSeries]:
    """Indicator families and their vintages, e.g. ``taux_pauvrete`` → 2019, 2020, 2021.

    With ``measures``, only indicators whose columns are present count (an indicator declared
    by a deleted import is not offered). Undated partner columns have no place in a series.
    """
    groups: dict[str, dict[str, Indicator]] = {}
    labels: dict[str, str] = {}
    for ind in indicators:
        if not ind.vintage or ind.vintage == UNDATED:
            continue
        if measures is not None and not all(c in measures for c in ind.columns):
            continue
        key = family_key(ind)
        groups.setdefault(key, {}).setdefault(ind.vintage, ind)
        labels.setdefault(key, ind.label)
    return {
        key: VintageSeries(key, labels[key], dict(sorted(by.items()))) for key, by in groups.items()
    }


def listed_indicators(indicators: Iterable[Indicator]) -> list[tuple[Indicator, str]]:
    """Indicators listed side by side (click panel), each once, with the label to show.

    Two declarations reading the same columns the same way give the same figures: only the
    first is kept. A label carries its vintage (« Part des ménages fiscaux imposés 2021 »)
    when another vintage of its family is listed, or when another indicator has the same label.
    """
    unique: dict[tuple, Indicator] = {}
    for ind in indicators:
        unique.setdefault((ind.kind, ind.columns, ind.scale), ind)
    first: dict[str, int] = {}
    for ind in unique.values():
        first.setdefault(family_key(ind), len(first))
    # a family's vintages side by side, oldest first, families in the catalogue's order
    kept = sorted(unique.values(), key=lambda i: (first[family_key(i)], i.vintage))
    families = Counter(family_key(i) for i in kept)
    labels = Counter(i.label for i in kept)
    listed = []
    for ind in kept:
        dated = families[family_key(ind)] > 1 or labels[ind.label] > 1
        has_vintage = ind.vintage and ind.vintage != UNDATED and ind.vintage not in ind.label
        listed.append((ind, f"{ind.label} {ind.vintage}" if dated and has_vintage else ind.label))
    return listed


def load_indicator_measures(indicator: Indicator, level: str = "commune") -> pd.DataFrame:
    """The stored measures of the most recent import declaring ``indicator``, codes as published.

    Why not the merged measures of the app: those are re-indexed on the current communes, so
    the codes of an older geography (merged communes) would vanish before the evolution could
    report them.
    """
    for stored in list_datasets():  # most recent first
        if stored.level != level or indicator.id not in {i.id for i in stored.indicators}:
            continue
        values, _secret = read_dataset(stored)
        return values[list(indicator.columns)]
    raise VintageError(
        f"Aucun import ne contient « {indicator.label} » millésime {indicator.vintage} : "
        "importez le fichier de ce millésime."
    )


@dataclass
class VintageEvolution:
    """An evolution with what the coordinator must know about code changes, in French."""

    evolution: Evolution
    old: Indicator
    new: Indicator
    # Current communes that absorbed a former commune present only in the old vintage: their
    # old and new values cover different perimeters.
    perimeter_changed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def change(self) -> pd.Series:
        return self.evolution.change

    def title(self) -> str:
        unit = "en points" if self.evolution.unit == "pts" else "en %"
        return f"Évolution {self.old.vintage} → {self.new.vintage} ({unit})"

    def report_fr(self) -> str:
        lines = [self.evolution.report_fr()]
        if self.perimeter_changed:
            parts = [
                f"{code} (a absorbé {', '.join(olds)})"
                for code, olds in sorted(self.perimeter_changed.items())
            ]
            lines.append(
                f"Périmètre modifié entre {self.old.vintage} et {self.new.vintage} pour "
                f"{len(parts)} commune(s) : {'; '.join(parts[:20])}. Leur évolution compare "
                "des territoires différents : à interpréter avec prudence."
            )
        return "\n".join(lines)


def vintage_evolution(
    old: Indicator,
    new: Indicator,
    measures_old: pd.DataFrame,
    measures_new: pd.DataFrame,
    zones: pd.Series | None = None,
    departments: Iterable[str] | None = None,
    history: pd.DataFrame | None = None,
) -> VintageEvolution:
    """Evolution between two vintages of one family (``compare.evolution``), codes explained.

    ``departments`` keeps the codes of the territory shown (a national file would otherwise
    list every merged commune of France); ``history`` is ``Bundle.history`` (bundled file by
    default) and names the current commune that absorbed each vanished code.
    """
    if family_key(old) != family_key(new):
        raise VintageError(
            f"« {old.label} » et « {new.label} » ne sont pas le même indicateur : "
            "leur évolution n'a pas de sens."
        )
    if old.vintage == new.vintage:
        raise VintageError("Choisissez deux millésimes différents pour calculer une évolution.")
    if old.vintage > new.vintage:
        old, new = new, old
        measures_old, measures_new = measures_new, measures_old
    if departments is not None:
        deps = set(departments)

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.loc[[department_of(str(c)) in deps for c in frame.index]]

        measures_old, measures_new = keep(measures_old), keep(measures_new)
    evo = evolution(old, new, measures_old, measures_new, zones)
    merged = delegated_communes(history)
    absorbed: dict[str, list[str]] = {}
    for code in evo.only_old:
        if code in merged:
            absorbed.setdefault(merged[code][0], []).append(f"{code} {merged[code][1]}".strip())
    return VintageEvolution(evo, old, new, absorbed)
