"""Import INSEE files and partners' tables into datasets the atlas can map, with a French report.

Why a two-step design (read → dataset, then store): reading validates everything and builds the
report without touching what is stored, so a failed import changes nothing; only a fully
checked :class:`ImportedDataset` is handed to :mod:`carto.indicators.sources.store`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from carto.common.bounded import MAX_COLUMNS, check_count
from carto.common.fmt import format_number
from carto.common.identity import new_id
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
from carto.indicators.sources.insee import COMMUNE_CODES, read_insee
from carto.indicators.sources.insee_catalogue import indicators_for
from carto.territories.history import UnmatchedCode, match_codes

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
ID_SEPARATOR = "__"  # between a dataset's id and a column or label of a partner's table
MAX_LABEL_ID = 40  # 12 + 2 + 40 characters: a partner indicator's id fits in any link
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
    secret_cells: dict[str, int] = field(default_factory=dict)
    recognised: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    vintages: dict[str, str] = field(default_factory=dict)
    padded_codes: int = 0
    indicators: list[str] = field(default_factory=list)
    level: str = "commune"

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
            lines.append(
                f"Cellules soumises au secret statistique ou non disponibles : "
                f"{format_number(total_secret)} (lues comme « secret », jamais comme zéro ; "
                f"surtout {', '.join(f'{k} : {v}' for k, v in worst)})."
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


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60] or "donnees"


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
) -> ImportedDataset:
    """Read an INSEE file; ``communes`` (bundle.communes) explains unmatched codes."""
    table = read_insee(source, name, kind, meta, progress)
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
        recognised=list(table.columns),
        ignored=table.ignored,
        vintages=table.vintages,
        padded_codes=table.padded_codes,
        indicators=[f"{i.label} {i.vintage}" for i in indicators],
        level=table.level,
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
    ids = _indicator_ids(dataset_id, [m.label for m in mapping.columns])
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
        secret_cells={k[len(prefix) :]: v for k, v in secret.sum().items() if v},
        recognised=sorted(used),
        ignored=ignored,
        vintages={m.label: m.vintage for m in mapping.columns if m.vintage},
        padded_codes=parsed.padded_codes,
        indicators=[i.label for i in indicators],
    )
    return ImportedDataset(
        dataset_id, mapping.title, "partner", "commune", values, secret, indicators, report
    )


def _indicator_ids(dataset_id: str, labels: list[str]) -> list[str]:
    """``<dataset id>__<label folded>``, short enough for links; two labels folding alike
    (« Taux (%) » and « taux ») get distinct ids."""
    ids: list[str] = []
    for number, label in enumerate(labels, start=1):
        base = f"{dataset_id}{ID_SEPARATOR}{slug(label)[:MAX_LABEL_ID]}"
        ids.append(base if base not in ids else f"{base}_{number}")
    return ids


def with_id(dataset: ImportedDataset, new: str) -> ImportedDataset:
    """The dataset under another id (a replaced dataset keeps its id, so links to its
    indicators keep working); a partner's columns and indicator ids carry the id."""
    if dataset.id == new:
        return dataset
    if dataset.kind != "partner":
        return replace(dataset, id=new)
    old = dataset.id + ID_SEPARATOR

    def rekey(name: str | None) -> str | None:
        return new + ID_SEPARATOR + name[len(old) :] if name and name.startswith(old) else name

    indicators = [
        replace(
            i,
            id=rekey(i.id),
            column=rekey(i.column),
            numerator=rekey(i.numerator),
            denominator=rekey(i.denominator),
        )
        for i in dataset.indicators
    ]
    return replace(
        dataset,
        id=new,
        values=dataset.values.rename(columns=rekey),
        secret=dataset.secret.rename(columns=rekey),
        indicators=indicators,
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
