"""Compare zones with a reference territory, and two vintages of the same indicator.

Why the reference is recomputed from the same measures (Σ numerators / Σ denominators over the
reference's communes) rather than averaged over zones: a department's unemployment rate is not
the mean of its communes' rates. Values that cannot be re-aggregated (medians, poverty rates)
are compared only with a published reference value given by the caller, never with a mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carto.indicators.catalogue import Indicator, Kind, compute
from carto.indicators.reference import reference_value

DEFAULT_SMALL_THRESHOLD = 50.0  # e.g. fewer than 50 households: too few for a stable rate


@dataclass
class Comparison:
    """Values, reference and gap per zone; ``gap_unit`` is "pts" or "%"."""

    indicator: Indicator
    values: pd.Series
    reference: float
    reference_label: str
    gap: pd.Series
    gap_unit: str
    note: str = ""

    def gap_label(self) -> str:
        if self.gap_unit == "pts":
            return f"Écart à {self.reference_label} (en points)"
        return f"Écart à {self.reference_label} (en %)"


def gap_unit(indicator: Indicator) -> str:
    """Points for percentages (rate or share ×100, or a published % value); percent otherwise."""
    if indicator.unit == "%" or (
        indicator.kind in (Kind.RATE, Kind.SHARE) and indicator.scale == 100
    ):
        return "pts"
    return "%"


def _gap(values: pd.Series, reference: float, unit: str) -> pd.Series:
    if unit == "pts":
        return values - reference
    if not reference or np.isnan(reference):
        return pd.Series(np.nan, index=values.index)
    return (values - reference) / abs(reference) * 100.0


def compare_to_reference(
    indicator: Indicator,
    measures: pd.DataFrame,
    reference_codes: pd.Index,
    reference_label: str,
    zones: pd.Series | None = None,
    published_reference: float | None = None,
) -> Comparison:
    """Gap of every zone to the reference: points for rates, percent for values.

    Counts are compared per zone with the reference's mean per zone of the same level
    (a commune's households against the department's average per commune).
    """
    values = compute(indicator, measures, zones)
    unit = gap_unit(indicator)
    note = ""
    if indicator.kind is Kind.VALUE:
        reference = float("nan") if published_reference is None else float(published_reference)
        if published_reference is None:
            note = (
                f"« {indicator.label} » ne se recalcule pas à partir des communes : la valeur de "
                f"{reference_label} doit provenir de la publication INSEE de ce niveau."
            )
        return Comparison(
            indicator, values, reference, reference_label, _gap(values, reference, unit), unit, note
        )
    ref = reference_value(indicator, measures, reference_codes, reference_label)
    reference = ref.value
    if indicator.kind is Kind.COUNT:
        in_ref = reference_codes[measures.reindex(reference_codes)[indicator.columns[0]].notna()]
        n_zones = len(in_ref) if zones is None else zones.reindex(in_ref).nunique()
        reference = ref.value / n_zones if n_zones else float("nan")
        note = f"Effectif comparé à la moyenne par zone de {reference_label}."
    if not ref.shown:
        note = f"{reference_label} : {ref.text(indicator)} ; les écarts ne sont pas calculés."
    elif ref.note:
        note = f"{note} {reference_label} : valeur établie {ref.note}.".strip()
    return Comparison(
        indicator, values, reference, reference_label, _gap(values, reference, unit), unit, note
    )


def small_denominator(
    indicator: Indicator,
    measures: pd.DataFrame,
    zones: pd.Series | None = None,
    threshold: float = DEFAULT_SMALL_THRESHOLD,
    base_column: str | None = None,
) -> pd.Series:
    """True where the base of the indicator (Σ denominator, or ``base_column``) is below threshold.

    ``base_column`` lets a published value be checked on its population, e.g. the poverty rate
    on ``NBMENFISC21`` households.
    """
    column = base_column or indicator.denominator or indicator.column
    if column is None or column not in measures:
        return pd.Series(False, index=compute(indicator, measures, zones).index)
    if zones is None:
        base = measures[column].astype(float)
    else:
        base = measures[column].groupby(zones.reindex(measures.index)).sum(min_count=1)
    return (base < threshold).fillna(False).astype(bool)


@dataclass
class Evolution:
    """Change between two vintages; ``changed_codes`` lists codes present in one vintage only."""

    old: pd.Series
    new: pd.Series
    change: pd.Series
    unit: str  # "pts" or "%"
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    def report_fr(self) -> str:
        parts = []
        if self.only_old:
            parts.append(
                f"Codes présents seulement dans l'ancien millésime ({len(self.only_old)}) : "
                f"{', '.join(self.only_old[:20])} (communes fusionnées ou renommées)."
            )
        if self.only_new:
            parts.append(
                f"Codes présents seulement dans le nouveau millésime ({len(self.only_new)}) : "
                f"{', '.join(self.only_new[:20])}."
            )
        return "\n".join(parts) or "Mêmes codes communaux dans les deux millésimes."


def evolution(
    old: Indicator,
    new: Indicator,
    measures_old: pd.DataFrame,
    measures_new: pd.DataFrame,
    zones: pd.Series | None = None,
) -> Evolution:
    """Evolution of one indicator between two vintages, each aggregated on its own measures."""
    only_old = sorted(set(measures_old.index) - set(measures_new.index))
    only_new = sorted(set(measures_new.index) - set(measures_old.index))
    if zones is not None:
        # Codes not in the current geography are left out of the zones: listed, not summed.
        measures_old = measures_old.loc[measures_old.index.isin(zones.index)]
        measures_new = measures_new.loc[measures_new.index.isin(zones.index)]
    v_old = compute(old, measures_old, zones)
    v_new = compute(new, measures_new, zones)
    v_old, v_new = v_old.align(v_new, join="outer")
    unit = gap_unit(new)
    if unit == "pts":
        change = v_new - v_old
    else:
        change = (v_new - v_old) / v_old.abs().where(v_old != 0) * 100.0
    return Evolution(v_old, v_new, change, unit, only_old, only_new)
