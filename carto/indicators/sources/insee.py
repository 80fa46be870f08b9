"""Readers for INSEE files exactly as downloaded from insee.fr.

Why column patterns instead of fixed column lists: every vintage renames its columns by suffix
(``MED19``, ``MED21``; ``P18_POP``, ``P22_POP``; ``DISP_TP6021``), editions add or drop columns
(``ETGZ`` vanished in 2025), and users must be able to import next year's file without a code
change. Each recognised column carries its stem and its vintage (millésime), from which the
catalogue declares the indicators; unrecognised columns are reported, never silently used.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from carto.common.bounded import MAX_SIDE_BYTES, check_lines, check_size
from carto.common.markers import Marker
from carto.common.numeric_table import ParsedTable, Progress, read_numeric_table
from carto.common.tabular import (
    ImportFailure,
    RawSource,
    decode,
    open_source,
)


class InseeKind(StrEnum):
    FILOSOFI = "filosofi"  # cc_filosofi_YYYY_COM
    COMPARATEUR = "comparateur"  # base_cc_comparateur
    IRIS = "iris"  # BASE_TD_FILO_IRIS_YYYY_DISP / _DEC


COMMUNE_CODES = ("CODGEO", "COM", "DEPCOM", "CODE_COMMUNE", "INSEE_COM", "CODE_INSEE")
IRIS_CODES = ("IRIS", "CODE_IRIS", "DCOMIRIS")
IRIS_CODE_WIDTH = 9  # commune code (5) + IRIS number (4): "010040101"

_FILOSOFI_STEMS = (
    "NBPERSMENFISC|NBMENFISC|MED|PIMPOT|PIMP|TP60AGE[1-6]|TP60TOL[12]|TP60|PACT|PTSA|PCHO|"
    "PBEN|PPEN|PPAT|PPSOC|PPFAM|PPMINI|PPLOGT|D1|D9|RD"
)
_IRIS_STEMS = (
    "TP60|INCERT|Q1|MED|Q3|EQ|D[1-9]|RD|S80S20|GI|PACT|PTSA|PCHO|PBEN|PPEN|PPAT|PPSOC|PPFAM|"
    "PPMINI|PPLOGT|PIMPOT|PIMP|PAUT|NOTE"
)
_CENSUS_STEMS = "POP1564|POP|MEN|LOG|RP_PROP|RP|RSECOCC|LOGVAC|EMPLT_SAL|EMPLT|CHOM1564|ACT1564"

# (regex, source family); group "stem" and "yy" (or "y1"/"y2" for a period).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(?P<stem>{_FILOSOFI_STEMS})(?P<yy>\d{{2}})$"), "filosofi"),
    (re.compile(rf"^P(?P<yy>\d{{2}})_(?P<stem>{_CENSUS_STEMS})$"), "rp"),
    (re.compile(r"^(?P<stem>NAISD|DECESD)(?P<yy>\d{2})$"), "etat_civil"),
    (re.compile(r"^(?P<stem>NAIS|DECE)(?P<y1>\d{2})(?P<y2>\d{2})$"), "etat_civil_periode"),
    (re.compile(r"^ET(?P<stem>TOT|AZ|BE|FZ|GU|GZ|OQ|TEF1|TEFP10)(?P<yy>\d{2})$"), "sirene"),
    (re.compile(r"^(?P<stem>SUPERF)$"), "superficie"),
    (re.compile(rf"^(?P<stem>(?:DISP|DEC)_(?:{_IRIS_STEMS}))(?P<yy>\d{{2}})$"), "filosofi_iris"),
)


def full_year(yy: str) -> str:
    """``"21"`` → ``"2021"``: INSEE suffixes are two-digit years of this century."""
    return f"20{yy}"


@dataclass(frozen=True)
class InseeColumn:
    """A recognised column: ``TP6021`` → stem ``TP60``, vintage ``2021``, family filosofi."""

    name: str
    stem: str
    vintage: str  # "2021", or "2016-2021" for a period
    family: str


def recognise(column: str) -> InseeColumn | None:
    for pattern, family in _PATTERNS:
        match = pattern.match(column)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("y1"):
            vintage = f"{full_year(groups['y1'])}-{full_year(groups['y2'])}"
        elif groups.get("yy"):
            vintage = full_year(groups["yy"])
        else:
            vintage = ""
        return InseeColumn(column, groups["stem"], vintage, family)
    return None


@dataclass
class InseeTable:
    """Values as published: floats with NaN, and ``secret``: the marker code of each cell
    (``carto.common.markers``: s, nd, ns, so each keep theirs; 0 where a number)."""

    kind: InseeKind
    file_name: str
    values: pd.DataFrame  # index = CODGEO or IRIS code (str)
    secret: pd.DataFrame
    columns: dict[str, InseeColumn]  # recognised columns, in file order
    ignored: list[str]  # columns present but not recognised
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # col → (label, long)
    padded_codes: int = 0
    level: str = "commune"

    @property
    def vintages(self) -> dict[str, str]:
        """Vintage of each source family, e.g. ``{"filosofi": "2021", "rp": "2022"}``."""
        out: dict[str, str] = {}
        for col in self.columns.values():
            if col.vintage and col.family not in out:
                out[col.family] = col.vintage
        return out

    @property
    def main_vintage(self) -> str:
        v = self.vintages
        return (
            v.get("rp") or v.get("filosofi") or v.get("filosofi_iris") or next(iter(v.values()), "")
        )

    def secret_counts(self) -> dict[str, int]:
        """Cells without a number, per column (any marker)."""
        counts = self.secret.gt(0).sum()
        return {str(k): int(v) for k, v in counts.items() if v}

    def marker_counts(self) -> dict[int, int]:
        """Cells per marker code, over the whole table."""
        codes, counts = np.unique(self.secret.to_numpy(), return_counts=True)
        return {int(c): int(n) for c, n in zip(codes, counts, strict=True) if c}


def guess_kind(name: str, header: Iterable[str]) -> InseeKind:
    """Which INSEE product a file is, from its name, else from its columns."""
    lower = name.lower()
    cols = set(header)
    if "iris" in lower or (
        cols & set(IRIS_CODES) and any(c.startswith(("DISP_", "DEC_")) for c in cols)
    ):
        return InseeKind.IRIS
    if "comparateur" in lower or any(re.match(r"^P\d{2}_POP$", c) for c in cols):
        return InseeKind.COMPARATEUR
    if "filosofi" in lower or any(re.match(r"^MED\d{2}$", c) for c in cols):
        return InseeKind.FILOSOFI
    raise ImportFailure(
        f"« {name} » n'est reconnu ni comme base Filosofi communale, ni comme comparateur de "
        "territoires, ni comme Filosofi par IRIS : utilisez l'import de tableau partenaire."
    )


def read_insee(
    source: str | Path | bytes,
    name: str | None = None,
    kind: InseeKind | str | None = None,
    meta: str | Path | bytes | None = None,
    progress: Progress | None = None,
    member: str | None = None,
) -> InseeTable:
    """Read an INSEE file (csv or zip); labels from the zip's ``meta_`` file or ``meta``.

    ``member``: the file to read in a zip that holds several (e.g. ``cc_filosofi_2021_COM.csv``).
    """
    raw = open_source(source, name, member)
    table = _parse(raw, kind, progress)
    meta_bytes = _meta_bytes(raw, meta)
    if meta_bytes is not None:
        table.labels = read_meta(meta_bytes)
    return table


def _parse(raw: RawSource, kind: InseeKind | str | None, progress: Progress | None) -> InseeTable:
    header: list[str] = []

    def select(column: str) -> bool:
        header.append(column)
        return recognise(column) is not None

    candidates = (*COMMUNE_CODES, *IRIS_CODES)
    widths = {code: IRIS_CODE_WIDTH for code in IRIS_CODES}
    parsed: ParsedTable = read_numeric_table(raw, candidates, select, progress, None, widths)
    resolved = InseeKind(kind) if kind else guess_kind(raw.name, parsed.columns_all)
    expected = IRIS_CODES if resolved is InseeKind.IRIS else COMMUNE_CODES
    if parsed.code_column.upper() not in expected:
        raise ImportFailure(
            f"« {raw.name} » est importé comme {resolved.value} mais sa colonne de code est "
            f"« {parsed.code_column} » (attendu : {', '.join(expected)})."
        )
    columns = {c: recognise(c) for c in parsed.values.columns}
    ignored = [c for c in parsed.columns_all if c != parsed.code_column and c not in columns]
    values, secret = parsed.values, _insee_empty_cells(parsed.secret, columns)
    if resolved is InseeKind.IRIS:
        values.index.name = secret.index.name = "IRIS"
    return InseeTable(
        kind=resolved,
        file_name=raw.name,
        values=values,
        secret=secret,
        columns={k: v for k, v in columns.items() if v is not None},
        ignored=ignored,
        padded_codes=parsed.padded_codes,
        level="iris" if resolved is InseeKind.IRIS else "commune",
    )


def _insee_empty_cells(
    markers: pd.DataFrame, columns: dict[str, InseeColumn | None]
) -> pd.DataFrame:
    """What an empty cell means in an INSEE file: secrecy for Filosofi columns (the
    comparateur leaves them empty where the base communale writes ``s``), "non disponible"
    elsewhere (the 2022 comparateur leaves Mayotte's census cells empty)."""
    out = markers.copy()
    for name in out.columns:
        col = columns.get(name)
        empty = out[name].eq(Marker.EMPTY)
        if empty.any():
            family = col.family if col is not None else ""
            code = Marker.SECRET if family.startswith("filosofi") else Marker.NOT_AVAILABLE
            out.loc[empty, name] = int(code)
    return out


def _meta_bytes(raw: RawSource, meta: str | Path | bytes | None) -> bytes | None:
    if isinstance(meta, (str, Path)):
        check_size(Path(meta).name, Path(meta).stat().st_size, MAX_SIDE_BYTES)
        return Path(meta).read_bytes()
    if meta is not None:
        check_size("dictionnaire des variables", len(meta), MAX_SIDE_BYTES)
        return bytes(meta)
    for sibling, data in raw.siblings.items():
        if sibling.lower().startswith("meta"):
            return data
    return None


def read_meta(data: bytes) -> dict[str, tuple[str, str]]:
    """INSEE dictionary (``COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;…``): variable → labels.

    Modality rows (commune code → name) are skipped: only the variable's own row is kept.
    """
    text = decode(data)
    check_lines("dictionnaire des variables", text)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff").replace("\x00", "")), delimiter=";")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFailure(
            f"Le dictionnaire des variables est illisible ligne {reader.line_num} : "
            "guillemets ou caractères inattendus."
        ) from exc
    if not reader.fieldnames or "COD_VAR" not in reader.fieldnames:
        raise ImportFailure(
            "Le dictionnaire des variables doit commencer par les colonnes "
            "COD_VAR;LIB_VAR;LIB_VAR_LONG (fichier meta_… fourni par l'INSEE)."
        )
    labels: dict[str, tuple[str, str]] = {}
    for row in rows:
        code = (row.get("COD_VAR") or "").strip()
        if code and code not in labels:
            labels[code] = (
                (row.get("LIB_VAR") or "").strip(),
                (row.get("LIB_VAR_LONG") or "").strip(),
            )
    return labels
