"""Import INSEE files and partners' tables into datasets the atlas can map, with a French report.

Why a two-step design (read → dataset, then store): reading validates everything and builds the
report without touching what is stored, so a failed import changes nothing; only a fully
checked :class:`ImportedDataset` is handed to :mod:`carto.indicators.sources.store`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carto.common.bounded import MAX_COLUMNS, check_count
from carto.common.fmt import format_number
from carto.common.identity import new_id
from carto.common.markers import label as marker_label
from carto.common.numeric_table import Progress, read_numeric_table
from carto.common.tabular import (
    ImportFailure,
    NegativeCountError,
    check_text_start,
    decode,
    detect_separator,
    header_head,
    open_source,
)
from carto.indicators.catalogue import Indicator, Kind, Polarity
from carto.indicators.national import NationalData, overlap_report
from carto.indicators.sources.dataset_ids import partner_indicator_ids
from carto.indicators.sources.insee import COMMUNE_CODES, read_insee
from carto.indicators.sources.insee_catalogue import indicators_for
from carto.territories.history import UnmatchedCode, match_codes, renamed_codes

KIND_LABELS = {
    "filosofi": "base Filosofi communale",
    "comparateur": "comparateur de territoires",
    "iris": "Filosofi par IRIS",
    "partner": "tableau partenaire",
}
FAMILY_LABELS = {
    "filosofi": "Filosofi",
    "filosofi_iris": "Filosofi par IRIS",
    "rp": "recensement",
    "etat_civil": "état civil",
    "etat_civil_periode": "état civil (période)",
    "sirene": "établissements",
    "superficie": "superficie",
}
MERGED_SHOWN = 300  # a national file of an older geography has about a hundred merged codes
PARTNER_CODES = (*COMMUNE_CODES, "CODE", "CODE_GEO", "CODGEO_2025", "COMMUNE_CODE")


@dataclass
class ImportReport:
    """What an import read, matched, and left aside; ``summary_fr`` is shown as is."""

    file_name: str
    kind: str
    rows_read: int
    matched: int
    unmatched: list[UnmatchedCode] = field(default_factory=list)
    secret_cells: dict[str, int] = field(default_factory=dict)  # cells without a number
    markers: dict[int, int] = field(default_factory=dict)  # cells per marker code
    recognised: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    vintages: dict[str, str] = field(default_factory=dict)
    padded_codes: int = 0
    indicators: list[str] = field(default_factory=list)
    level: str = "commune"
    renamed: dict[str, str] = field(default_factory=dict)  # whole commune's former → current
    national: list[str] = field(default_factory=list)  # what the bundle's national data kept

    def summary_fr(self) -> str:
        unit = "IRIS reconnus" if self.level == "iris" else "Communes reconnues"
        lines = [
            f"Import de « {self.file_name} » ({KIND_LABELS.get(self.kind, self.kind)}).",
            f"Lignes lues : {format_number(self.rows_read)}.",
            f"{unit} dans la géographie de l'atlas : "
            f"{format_number(self.matched)} sur {format_number(self.rows_read)}.",
        ]
        if self.vintages:
            lines.append(
                "Millésimes : "
                + ", ".join(f"{FAMILY_LABELS.get(k, k)} {v}" for k, v in self.vintages.items())
                + "."
            )
        if self.unmatched:
            lines.append(
                f"Codes non rapprochés ({len(self.unmatched)}), conservés mais non cartographiés :"
            )
            by_reason: dict[str, list[UnmatchedCode]] = {}
            for item in self.unmatched:
                by_reason.setdefault(item.reason, []).append(item)
            for reason, items in by_reason.items():
                # each merged commune with the one that absorbed it: what the user must check
                shown = MERGED_SHOWN if reason == "fusion" else 20
                lines.extend(f"  – {item.detail}" for item in items[:shown])
                if len(items) > shown:
                    lines.append(f"  – … et {len(items) - shown} autre(s) du même type.")
        if self.renamed:
            pairs = ", ".join(f"{old} → {new}" for old, new in sorted(self.renamed.items()))
            lines.append(
                f"Anciens codes de communes entières ({len(self.renamed)}), lus sous leur code "
                f"actuel (chef-lieu déplacé depuis le millésime du fichier) : {pairs}."
            )
        lines.extend(self.national)
        if self.padded_codes:
            lines.append(
                f"{self.padded_codes} code(s) IRIS à 8 chiffres complété(s) d'un 0 initial "
                "(zéro perdu par le tableur, ex. 10040101 → 010040101)."
                if self.level == "iris"
                else f"{self.padded_codes} code(s) à 4 chiffres complété(s) d'un 0 initial "
                "(zéro perdu par le tableur, ex. 1001 → 01001)."
            )
        total_secret = sum(self.secret_cells.values())
        if total_secret:
            worst = sorted(self.secret_cells.items(), key=lambda kv: -kv[1])[:5]
            kinds = "; ".join(
                f"{marker_label(code)} : {format_number(n)}"
                for code, n in sorted(self.markers.items())
            )
            lines.append(
                f"Cellules sans valeur : {format_number(total_secret)}"
                + (f" ({kinds})" if kinds else "")
                + ", lues avec leur marque, jamais comme zéro ; surtout "
                + f"{', '.join(f'{k} : {v}' for k, v in worst)}."
            )
        recognised = ", ".join(self.recognised) or "aucune"
        lines.append(f"Colonnes reconnues ({len(self.recognised)}) : {recognised}.")
        if self.ignored:
            lines.append(f"Colonnes ignorées ({len(self.ignored)}) : {', '.join(self.ignored)}.")
        if self.indicators:
            lines.append(
                f"Indicateurs disponibles ({len(self.indicators)}) : {', '.join(self.indicators)}."
            )
        return "\n".join(lines)


@dataclass
class ImportedDataset:
    """A validated dataset, ready to store: measures, secrecy mask, indicators, report."""

    id: str
    title: str
    kind: str
    level: str  # "commune" or "iris"
    values: pd.DataFrame
    secret: pd.DataFrame
    indicators: list[Indicator]
    report: ImportReport


def _match(codes: pd.Index, communes: pd.DataFrame | None, level: str) -> tuple[int, list]:
    if communes is None:
        return len(codes), []
    if level == "iris":
        commune_codes = pd.Index(codes.str[:5].unique(), dtype="str")
        matched, unmatched = match_codes(commune_codes, communes)
        bad = {u.code for u in unmatched}
        return int((~codes.str[:5].isin(bad)).sum()), unmatched
    matched, unmatched = match_codes(codes, communes)
    return len(matched), unmatched


def import_insee(
    source: str | Path | bytes,
    name: str | None = None,
    kind: str | None = None,
    communes: pd.DataFrame | None = None,
    meta: str | Path | bytes | None = None,
    progress: Progress | None = None,
    national: NationalData | None = None,
) -> ImportedDataset:
    """Read an INSEE file; ``communes`` (bundle.communes) explains unmatched codes.

    ``national``: the bundle's national indicators; the report then says what this file's
    columns they already hold do (the national values stay: ``carto.indicators.national``).
    """
    table = read_insee(source, name, kind, meta, progress)
    renamed = {}
    if table.level == "commune" and communes is not None:
        renamed = renamed_codes(table.values.index)
    if renamed:
        table.values = table.values.rename(index=renamed)
        table.secret = table.secret.rename(index=renamed)
    for col in table.columns.values():
        if col.stem.startswith(("NB", "POP", "MEN", "LOG", "ACT", "CHOM", "EMPLT", "TOT")):
            _no_negative(table.file_name, table.values[col.name])
    indicators = indicators_for(table)
    matched, unmatched = _match(table.values.index, communes, table.level)
    vintage = table.main_vintage
    dataset_id = new_id()
    report = ImportReport(
        file_name=table.file_name,
        kind=table.kind.value,
        rows_read=len(table.values),
        matched=matched,
        unmatched=unmatched,
        secret_cells=table.secret_counts(),
        markers=table.marker_counts(),
        recognised=list(table.columns),
        ignored=table.ignored,
        vintages=table.vintages,
        padded_codes=table.padded_codes,
        indicators=[f"{i.label} {i.vintage}" for i in indicators],
        level=table.level,
        renamed=renamed,
        national=overlap_report(national, table.values) if national is not None else [],
    )
    title = f"{KIND_LABELS[table.kind.value].capitalize()} {vintage}"
    return ImportedDataset(
        dataset_id,
        title,
        table.kind.value,
        table.level,
        table.values,
        table.secret,
        indicators,
        report,
    )


def _marker_counts(markers: pd.DataFrame) -> dict[int, int]:
    codes, counts = np.unique(markers.to_numpy(), return_counts=True)
    return {int(c): int(n) for c, n in zip(codes, counts, strict=True) if c}


def _no_negative(file_name: str, values: pd.Series) -> None:
    negative = values[values < 0]
    if len(negative):
        examples = ", ".join(
            f"{code} : {format_number(v, 2)}" for code, v in negative.head(3).items()
        )
        raise NegativeCountError(
            f"La colonne « {values.name} » de « {file_name} » est un effectif mais contient "
            f"{len(negative)} valeur(s) négative(s) ({examples}) : un effectif ne peut pas être "
            "négatif. Corrigez le fichier ou déclarez la colonne comme « valeur non agrégeable »."
        )


@dataclass(frozen=True)
class ColumnMapping:
    """How a partner's column becomes an indicator (chosen in the mapping step)."""

    column: str  # the count, the numerator of a rate, or the value
    label: str
    kind: Kind = Kind.COUNT  # COUNT, RATE or VALUE
    unit: str = ""
    vintage: str = ""
    denominator: str | None = None  # RATE only
    definition: str = ""
    polarity: Polarity = Polarity.NEUTRAL
    decimals: int = 1


@dataclass(frozen=True)
class PartnerMapping:
    title: str  # e.g. "Allocataires CAF 2024"
    source: str  # e.g. "CAF de Meurthe-et-Moselle"
    code_column: str
    columns: tuple[ColumnMapping, ...]


def preview(source: str | Path | bytes, name: str | None = None, rows: int = 5) -> pd.DataFrame:
    """First rows as text, for the mapping step (the user picks code and value columns)."""
    raw = open_source(source, name)
    text = decode(header_head(raw))
    check_text_start(raw.name, text)
    lines = [line for line in text.splitlines() if line.strip()][: rows + 1]
    sep = detect_separator(raw.name, "\n".join(lines))
    check_count(raw.name, "colonnes", lines[0].count(sep) + 1, MAX_COLUMNS)
    parsed = list(csv.reader(lines, delimiter=sep))
    header = [h.strip().lstrip("\ufeff") for h in parsed[0]]
    body = [r + [""] * (len(header) - len(r)) for r in parsed[1:]]
    return pd.DataFrame(body, columns=header, dtype="str")


def suggest_code_column(columns: list[str]) -> str | None:
    wanted = {c.lower() for c in PARTNER_CODES}
    return next((c for c in columns if c.lower() in wanted or "insee" in c.lower()), None)


def import_partner(
    source: str | Path | bytes,
    mapping: PartnerMapping,
    name: str | None = None,
    communes: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> ImportedDataset:
    """Read a partner's table with its mapping; measure columns are namespaced by dataset."""
    raw = open_source(source, name)
    if not mapping.columns:
        raise ImportFailure("Choisissez au moins une colonne de valeurs à importer.")
    used = {m.column for m in mapping.columns} | {
        m.denominator for m in mapping.columns if m.denominator
    }
    for m in mapping.columns:
        if m.kind is Kind.RATE and not m.denominator:
            raise ImportFailure(f"Le taux « {m.label} » demande une colonne dénominateur.")
    parsed = read_numeric_table(
        raw, PARTNER_CODES, lambda c: c in used, progress, mapping.code_column
    )
    missing = sorted(used - set(parsed.values.columns))
    if missing:
        raise ImportFailure(f"Colonne(s) absente(s) de « {raw.name} » : {', '.join(missing)}.")
    for m in mapping.columns:
        if m.kind in (Kind.COUNT, Kind.RATE):
            for col in (m.column, m.denominator):
                if col:
                    _no_negative(raw.name, parsed.values[col])
    dataset_id = new_id()
    prefix = dataset_id + "__"
    values = parsed.values.add_prefix(prefix)
    secret = parsed.secret.add_prefix(prefix)
    ids = partner_indicator_ids(dataset_id, [m.label for m in mapping.columns])
    indicators = [
        _partner_indicator(m, mapping, ident, prefix)
        for m, ident in zip(mapping.columns, ids, strict=True)
    ]
    matched, unmatched = _match(values.index, communes, "commune")
    ignored = [c for c in parsed.columns_all if c not in used and c != parsed.code_column]
    report = ImportReport(
        file_name=raw.name,
        kind="partner",
        rows_read=len(values),
        matched=matched,
        unmatched=unmatched,
        secret_cells={k[len(prefix) :]: int(v) for k, v in secret.gt(0).sum().items() if v},
        markers=_marker_counts(secret),
        recognised=sorted(used),
        ignored=ignored,
        vintages={m.label: m.vintage for m in mapping.columns if m.vintage},
        padded_codes=parsed.padded_codes,
        indicators=[i.label for i in indicators],
    )
    return ImportedDataset(
        dataset_id, mapping.title, "partner", "commune", values, secret, indicators, report
    )


def _partner_indicator(
    m: ColumnMapping, mapping: PartnerMapping, indicator_id: str, prefix: str
) -> Indicator:
    rate = m.kind is Kind.RATE
    return Indicator(
        id=indicator_id,
        label=m.label,
        definition=m.definition or f"Donnée transmise par {mapping.source} ({mapping.title}).",
        unit=m.unit or ("%" if rate else ""),
        source=mapping.source,
        vintage=m.vintage or "non précisé",
        kind=m.kind,
        column=None if rate else prefix + m.column,
        numerator=prefix + m.column if rate else None,
        denominator=prefix + m.denominator if rate and m.denominator else None,
        scale=100.0 if rate else 1.0,
        decimals=m.decimals,
        polarity=m.polarity,
        theme="Données partenaires",
    )
