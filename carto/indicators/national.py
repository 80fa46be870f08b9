"""The national needs indicators shipped in ``data/``, and how imported data sits beside them.

Why a module of its own: these values are read once, for every commune of France, before any
import (``carto.indicators.national_build`` writes them from INSEE's official files). A user's
import then adds vintages and indicators beside them, and never silently replaces them: for a
column the bundle already has (same INSEE product, same vintage), the national value stays and
the import only fills communes without one (a commune created since), which the import report
counts (``overlap_report``). So a department's Filosofi file imported after the bundle's
national one leaves every other department its national values.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from carto.common.fmt import format_number
from carto.common.markers import MARKER_DTYPE, Marker, as_markers
from carto.common.paths import DATA_DIR
from carto.indicators.catalogue import (
    POPULATION,
    Indicator,
    Kind,
    Polarity,
    indicator_from_json,
)
from carto.territories.partitions import code_range, read_code_range

NATIONAL_FILE = "indicateurs_communes.parquet"
META_KEY = "indicateurs"  # the section of bundle.json written by the national build
MARKER_PREFIX = "__marqueur__"
BUILD_COMMAND = "python -m carto.bundle_build --only indicateurs"


# National cells an import may fill: no marker, or a limit of the national files themselves.
FILLABLE = (0, int(Marker.NOT_COVERED), int(Marker.MERGED))


class NationalDataError(RuntimeError):
    """The national indicators of data/ are missing or unreadable; the message is French."""


@dataclass(frozen=True)
class NationalPart:
    """National measures of some communes (all of France, or one department)."""

    values: pd.DataFrame  # index CODGEO (communes and arrondissements), float columns
    markers: pd.DataFrame  # same shape, ``carto.common.markers`` codes


class NationalFile:
    """The national table on disk: read whole once (first use, or the warm-up thread), or one
    department's rows alone before that (the file is in row groups of whole departments)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._whole: NationalPart | None = None
        self._lock = threading.Lock()

    def whole(self) -> NationalPart:
        if self._whole is None:
            with self._lock:
                if self._whole is None:
                    self._whole = _part(_read_frame(pd.read_parquet, self.path))
        return self._whole

    @property
    def loaded(self) -> bool:
        return self._whole is not None

    def department(self, department: str) -> NationalPart:
        if self._whole is not None:
            low, high = code_range(department)
            index = self._whole.values.index
            rows = (index >= low) & (index < high)
            return NationalPart(self._whole.values[rows], self._whole.markers[rows])
        return _part(_read_frame(read_code_range, self.path, department))


@dataclass(frozen=True)
class NationalData:
    """Every commune's national measures, their markers, and their declarations.

    ``values`` and ``markers`` cover France and are read on first use; a department's view
    asks ``department`` instead, which reads its rows alone until France is in memory."""

    indicators: tuple[Indicator, ...]
    meta: dict  # the section of bundle.json: sources, sha256, vintages, geography, counts
    file: NationalFile = field(repr=False, compare=False)

    @property
    def values(self) -> pd.DataFrame:
        return self.file.whole().values

    @property
    def markers(self) -> pd.DataFrame:
        return self.file.whole().markers

    def department(self, department: str) -> NationalPart:
        return self.file.department(department)

    def warm(self) -> None:
        self.file.whole()


def derived_columns(columns: list[str]) -> dict[str, tuple[str, str]]:
    """Columns computed as a difference of two others: name → (plus, minus).

    ``NAIS1318 − DECE1318`` is the natural balance, ``P18_POP − P13_POP`` the population
    change; both add up over communes like the counts they come from.
    """
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        match = re.fullmatch(r"NAIS(\d{4})", col)
        if match and f"DECE{match[1]}" in columns:
            out[f"SOLDENAT{match[1]}"] = (col, f"DECE{match[1]}")
    years = sorted(m[1] for c in columns if (m := re.fullmatch(r"P(\d{2})_POP", c)))
    if len(years) >= 2:
        out[f"VARPOP{years[0]}{years[-1]}"] = (f"P{years[-1]}_POP", f"P{years[0]}_POP")
    return out


DERIVED_LABELS = {
    "SOLDENAT": (
        "etat_civil",
        "solde_naturel",
        "Solde naturel",
        "Naissances moins décès domiciliés de la période, dans le territoire.",
        "hab.",
        Kind.COUNT,
    ),
    "VARPOP": (
        "rp",
        "evolution_population",
        "Évolution de la population",
        "Variation de la population municipale entre deux recensements, rapportée à la "
        "population du premier (somme des variations sur somme des populations pour un "
        "regroupement de communes).",
        "%",
        Kind.RATE,
    ),
}


def _period(digits: str) -> str:
    return f"20{digits[:2]}-20{digits[2:]}"


def derived_indicators(columns: list[str], edition: str) -> list[Indicator]:
    """Declarations of the derived columns of ``columns`` (comparateur of ``edition``)."""
    out = []
    for name, (_plus, minus) in derived_columns(columns).items():
        stem, digits = re.fullmatch(r"([A-Z]+)(\d{4})", name).groups()  # type: ignore[union-attr]
        family, ident, label, definition, unit, kind = DERIVED_LABELS[stem]
        period = _period(digits)
        rate = kind is Kind.RATE
        out.append(
            Indicator(
                id=f"{ident}_{digits}",
                label=f"{label} {period}",
                definition=definition,
                unit=unit,
                source=product_source("comparateur", family, period, edition),
                vintage=period,
                kind=kind,
                column=None if rate else name,
                numerator=name if rate else None,
                denominator=minus if rate else None,
                scale=100.0 if rate else 1.0,
                decimals=1 if rate else 0,
                polarity=Polarity.NEUTRAL,
                theme=POPULATION,
            )
        )
    return out


def product_source(product: str, family: str, vintage: str, edition: str) -> str:
    """The source a user reads: « Insee, Filosofi 2021 », « Insee, recensement de la
    population 2018 (comparateur de territoires, édition janvier 2022) »."""
    if product == "filosofi":
        return f"Insee, Filosofi {vintage}"
    what = {
        "filosofi": "Filosofi",
        "rp": "recensement de la population",
        "etat_civil": "état civil",
        "etat_civil_periode": "état civil",
    }.get(family, "INSEE")
    where = "comparateur de territoires" + (f", édition {edition}" if edition else "")
    return f"Insee, {what} {vintage} ({where})"


def read_national(data_dir: Path = DATA_DIR) -> NationalData:
    """Read the national indicators; a missing or stale file names the build command."""
    meta_path = data_dir / "bundle.json"
    path = data_dir / NATIONAL_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8")).get(META_KEY)
        pq.read_metadata(path)  # a missing or corrupt file is said now, not at its first use
    except Exception as exc:  # missing file, bad JSON, pyarrow's several types
        raise _unreadable(data_dir, exc) from exc
    if not meta:
        raise NationalDataError(
            f"bundle.json ne décrit pas les indicateurs nationaux. Reconstruisez-les avec : "
            f"{BUILD_COMMAND}"
        )
    indicators = tuple(indicator_from_json(i) for i in meta["declarations"])
    return NationalData(indicators, meta, NationalFile(path))


def _unreadable(data_dir: Path, exc: Exception) -> NationalDataError:
    return NationalDataError(
        f"Indicateurs nationaux absents ou illisibles dans {data_dir} "
        f"({type(exc).__name__}). Construisez-les avec : {BUILD_COMMAND}"
    )


def _read_frame(reader: Callable[..., pd.DataFrame], path: Path, *args: str) -> pd.DataFrame:
    try:
        return reader(path, *args)
    except Exception as exc:  # pyarrow's several types for a corrupt file
        raise _unreadable(path.parent, exc) from exc


def _part(frame: pd.DataFrame) -> NationalPart:
    """The stored table split into values and markers (``MARKER_PREFIX`` columns)."""
    frame.index = frame.index.astype("str")
    marker_cols = [c for c in frame.columns if c.startswith(MARKER_PREFIX)]
    markers = as_markers(frame[marker_cols].rename(columns=lambda c: c[len(MARKER_PREFIX) :]))
    return NationalPart(frame.drop(columns=marker_cols).astype(float), markers)


@dataclass(frozen=True)
class Layered:
    """The national measures with the imports beside them, as the views read them."""

    values: pd.DataFrame
    markers: pd.DataFrame


def beside_national(
    national: NationalData | NationalPart, values: pd.DataFrame, markers: pd.DataFrame
) -> Layered:
    """National columns, then imported ones, for the same codes (``values.index``).

    An imported column the bundle also has fills only the cells the bundle has no value for
    by its own limits (``FILLABLE``: a commune its files do not cover, or merged since their
    geography); never a national number, nor a secret or « non disponible » INSEE wrote.
    """
    index = values.index
    base = national.values.reindex(index)
    base_markers = national.markers.reindex(index, fill_value=0).astype(MARKER_DTYPE)
    shared = [c for c in values.columns if c in base.columns]
    if shared:
        gap = base[shared].isna() & base_markers[shared].isin(FILLABLE)
        base[shared] = base[shared].where(~gap, values[shared])
        imported_markers = markers.reindex(index, fill_value=0)[shared]
        base_markers[shared] = base_markers[shared].where(~gap, imported_markers)
    new = [c for c in values.columns if c not in base.columns]
    merged_values = pd.concat([base, values[new]], axis=1)
    new_markers = markers.reindex(index, fill_value=0)[[c for c in new if c in markers]]
    merged_markers = pd.concat([base_markers, new_markers], axis=1)
    return Layered(merged_values, merged_markers.fillna(0).astype(MARKER_DTYPE))


def overlap_report(national: NationalData, values: pd.DataFrame) -> list[str]:
    """What an import's columns shared with the bundle did, in French (for its report)."""
    shared = [c for c in values.columns if c in national.values.columns]
    if not shared:
        return []
    codes = values.index.intersection(national.values.index)
    base = national.values.loc[codes, shared]
    mine = values.loc[codes, shared]
    both = base.notna() & mine.notna()
    differ = both & (base - mine).abs().gt(1e-9 * base.abs().clip(lower=1))
    filled = base.isna() & national.markers.loc[codes, shared].isin(FILLABLE) & mine.notna()
    rows_differ = int(differ.any(axis=1).sum())
    rows_same = int((both.any(axis=1) & ~differ.any(axis=1)).sum())
    lines = [
        f"Colonnes déjà fournies par les données nationales intégrées ({len(shared)} : "
        f"{', '.join(shared[:8])}{'…' if len(shared) > 8 else ''}) : les valeurs nationales "
        "sont conservées pour toutes les communes de France ; ce fichier complète seulement "
        "les communes sans valeur nationale.",
        f"Communes du fichier comparées : {format_number(len(codes))} ; valeurs identiques aux "
        f"données nationales : {format_number(rows_same)} "
        f"commune(s) ; différentes (valeur nationale conservée) : {format_number(rows_differ)} ; "
        f"complétées par ce fichier : {format_number(int(filled.any(axis=1).sum()))}.",
    ]
    return lines
