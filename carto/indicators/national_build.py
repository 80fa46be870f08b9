"""Build the national needs indicators of ``data/`` from INSEE's official files.

Why bundled: a needs atlas must show poverty, incomes, unemployment and housing on its first
screen, for all of France, without an import. The official files are read with the importers'
own reader (``carto.indicators.sources.insee``), their codes placed on the atlas's geography by
one rule (``carto.territories.codes``), and only the selected columns are kept, as one compact
Parquet file whose bytes do not depend on the day it is built. What was read (name, sha256,
vintage, geography) and what could not be placed is written to ``bundle.json`` and
``data/README.md``.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from carto.common.fmt import format_month
from carto.common.markers import MARKER_DTYPE, Marker
from carto.indicators.catalogue import Indicator
from carto.indicators.national import (
    MARKER_PREFIX,
    NATIONAL_FILE,
    derived_columns,
    derived_indicators,
    product_source,
)
from carto.indicators.sources.insee import InseeKind, InseeTable, read_insee
from carto.indicators.sources.insee_catalogue import indicators_for
from carto.territories.codes import MERGED, CodeMatch, match_file_codes
from carto.territories.history import department_of
from carto.territories.partitions import write_row_groups


class NationalSourceError(RuntimeError):
    """The official files cannot be found or used; the message is French."""


FILOSOFI_MEMBER = re.compile(r"cc_filosofi_\d{4}_com\.csv", re.IGNORECASE)
COMPARATEUR_MEMBER = re.compile(r"base_cc_comparateur\.csv", re.IGNORECASE)

# What is kept of each product, by (column family, stem); the rest is left out of data/.
KEPT: dict[str, frozenset[tuple[str, str]]] = {
    "filosofi": frozenset(
        ("filosofi", stem)
        for stem in [
            "NBMENFISC",
            "NBPERSMENFISC",
            "MED",
            "PIMP",
            "TP60",
            "TP60AGE1",
            "TP60AGE6",
            "TP60TOL1",
            "TP60TOL2",
            "PPSOC",
            "PPMINI",
            "PPLOGT",
            "D1",
            "D9",
            "RD",
        ]
    ),
    "comparateur": frozenset(
        [("filosofi", s) for s in ("NBMENFISC", "MED", "TP60", "PIMP")]
        + [
            ("rp", s)
            for s in [
                "POP",
                "POP1564",
                "ACT1564",
                "CHOM1564",
                "MEN",
                "LOG",
                "RP",
                "RP_PROP",
                "RSECOCC",
                "LOGVAC",
                "EMPLT",
            ]
        ]
        + [("etat_civil_periode", "NAIS"), ("etat_civil_periode", "DECE")]
    ),
}
# Stems that count people, households or dwellings: they add up when communes merge.
COUNT_STEMS = frozenset(
    [
        "NBMENFISC",
        "NBPERSMENFISC",
        "POP",
        "POP1564",
        "ACT1564",
        "CHOM1564",
        "MEN",
        "LOG",
        "RP",
        "RP_PROP",
        "RSECOCC",
        "LOGVAC",
        "EMPLT",
        "NAIS",
        "DECE",
    ]
)
PRODUCTS = {
    "filosofi": "Filosofi, base communale",
    "comparateur": "Comparateur de territoires",
}


@dataclass(frozen=True)
class SourceFile:
    """One official file to read: a CSV, or a member of the zip downloaded from insee.fr."""

    product: str  # "filosofi" or "comparateur"
    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return self.path.name + (f" ({self.member})" if self.member else "")

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def edition(self) -> str:
        """« janvier 2022 »: the date INSEE wrote the file into its zip ("" for a bare CSV)."""
        if self.member is None:
            return ""
        with zipfile.ZipFile(self.path) as archive:
            info = next(i for i in archive.infolist() if Path(i.filename).name == self.member)
        year, month = info.date_time[:2]
        return format_month(year, month)


def find_sources(folder: Path) -> list[SourceFile]:
    """The Filosofi base communale and the comparateur in ``folder``, as CSV or zip."""
    if not folder.is_dir():
        raise NationalSourceError(
            f"Dossier des fichiers officiels introuvable : {folder}. Indiquez-le avec "
            "--sources (fichiers de l'INSEE tels que téléchargés, .csv ou .zip)."
        )
    found: dict[str, list[SourceFile]] = {"filosofi": [], "comparateur": []}
    for path in sorted(folder.iterdir()):
        for product, pattern in (
            ("filosofi", FILOSOFI_MEMBER),
            ("comparateur", COMPARATEUR_MEMBER),
        ):
            if pattern.fullmatch(path.name):
                found[product].append(SourceFile(product, path))
            elif path.suffix.lower() == ".zip":
                found[product].extend(
                    SourceFile(product, path, m) for m in _zip_members(path, pattern)
                )
    out = []
    for product, files in found.items():
        if not files:
            raise NationalSourceError(
                f"Aucun fichier « {PRODUCTS[product]} » dans {folder} (attendu : "
                f"{'cc_filosofi_AAAA_COM.csv' if product == 'filosofi' else 'base_cc_comparateur'}"
                ", seul ou dans le .zip de l'INSEE)."
            )
        if len(files) > 1:
            raise NationalSourceError(
                f"Plusieurs fichiers « {PRODUCTS[product]} » dans {folder} : "
                f"{', '.join(f.name for f in files)}. Gardez-en un seul."
            )
        out.append(files[0])
    return out


def _zip_members(path: Path, pattern: re.Pattern[str]) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return [Path(n).name for n in archive.namelist() if pattern.fullmatch(Path(n).name)]
    except zipfile.BadZipFile as exc:
        raise NationalSourceError(f"Archive endommagée : {path.name} ({exc}).") from exc


def read_source(source: SourceFile) -> InseeTable:
    kind = InseeKind.FILOSOFI if source.product == "filosofi" else InseeKind.COMPARATEUR
    return read_insee(source.path, kind=kind, member=source.member)


def kept_columns(product: str, table: InseeTable) -> list[str]:
    return [c.name for c in table.columns.values() if (c.family, c.stem) in KEPT[product]]


def harmonise(
    table: InseeTable, columns: list[str], match: CodeMatch, index: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The file's columns on the atlas's communes (``index``), with their markers.

    Counts of a commune made of several rows add up (secret if one part is); other values
    of such a commune cannot be rebuilt: « commune fusionnée ». Communes without a row are
    « non couvert par la source ».
    """
    placed = match.target.index
    values = table.values.loc[placed, columns]
    markers = table.secret.loc[placed, columns].astype(int)
    keys = match.target
    merged = match.merged_targets
    counts = [c for c in columns if table.columns[c].stem in COUNT_STEMS]
    others = [c for c in columns if c not in counts]
    out = pd.DataFrame(np.nan, index=index, columns=columns)
    codes = pd.DataFrame(int(Marker.NOT_COVERED), index=index, columns=columns)
    if counts:
        sums = values[counts].groupby(keys).sum(min_count=1)
        strongest = markers[counts].replace(0, 255).groupby(keys).min().replace(255, 0)
        out.loc[sums.index, counts] = sums.where(strongest.eq(0))
        codes.loc[strongest.index, counts] = strongest
    single = match.relation.ne(MERGED)
    rows = values.loc[single, others].set_axis(keys[single], axis=0)
    out.loc[rows.index, others] = rows
    codes.loc[rows.index, others] = markers.loc[single, others].set_axis(keys[single]).to_numpy()
    merged_rows = index[index.isin(merged)]
    out.loc[merged_rows, others] = np.nan
    codes.loc[merged_rows, others] = int(Marker.MERGED)
    return out, codes.astype(MARKER_DTYPE)


def with_derived(values: pd.DataFrame, markers: pd.DataFrame) -> None:
    """Add the columns computed from others (natural balance, population change), in place.

    A difference of counts adds up like the counts it comes from, so it aggregates as one.
    """
    for name, (plus, minus) in derived_columns(list(values.columns)).items():
        values[name] = values[plus] - values[minus]
        markers[name] = np.maximum(markers[plus], markers[minus]).astype(MARKER_DTYPE)


def declarations(
    tables: dict[str, InseeTable], kept: list[str], editions: dict[str, str]
) -> list[Indicator]:
    """The national indicators: the importers' declarations of the kept columns, with the
    source line of the product they come from, then the derived ones."""
    out: dict[str, Indicator] = {}
    for product, table in tables.items():
        for ind in indicators_for(table):
            if not set(ind.columns) <= set(kept):
                continue
            family = table.columns[ind.columns[0]].family
            source = product_source(product, family, ind.vintage, editions.get(product, ""))
            out.setdefault(ind.id, replace(ind, source=source))
    for ind in derived_indicators(kept, editions.get("comparateur", "")):
        out.setdefault(ind.id, ind)
    return list(out.values())


def uncovered_departments(markers: pd.DataFrame, column: str) -> list[str]:
    """Departments none of whose communes the file covers, for one column."""
    deps = pd.Series([department_of(c) for c in markers.index], index=markers.index)
    covered = markers[column].ne(Marker.NOT_COVERED).groupby(deps).any()
    return sorted(covered.index[~covered])


ROW_GROUP_ROWS = 3000  # about a dozen groups for France


def write_parquet(out_dir: Path, values: pd.DataFrame, markers: pd.DataFrame) -> Path:
    """One table: the measures, then one marker column per measure (0 = a number).

    The census estimates have fifteen significant digits that compress poorly; splitting
    their bytes into streams (``byte_stream_split``) and zstd's strongest level keep the file
    about 15 % smaller, with the values exactly as published. Sorted by code, in row groups
    of whole departments (``ROW_GROUP_ROWS``): a department's first view reads its own group
    only (``carto.territories.partitions``); statistics are kept for the code alone, the one
    column a reader filters on.
    """
    frame = values.sort_index()
    markers = markers.reindex(frame.index)
    for col in markers.columns:
        frame[MARKER_PREFIX + col] = markers[col].to_numpy(dtype=MARKER_DTYPE)
    frame.index.name = "CODGEO"
    table = pa.Table.from_pandas(frame, preserve_index=True)
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    path = out_dir / NATIONAL_FILE
    departments = pd.Index([department_of(c) for c in frame.index])
    write_row_groups(
        table,
        path,
        departments,
        ROW_GROUP_ROWS,
        write_statistics=["CODGEO"],
        compression="zstd",
        compression_level=19,
        use_dictionary=[c for c in table.column_names if c not in floats],
        use_byte_stream_split=floats,
    )
    return path


@dataclass(frozen=True)
class NationalTables:
    """The kept columns of every official file, on the atlas's communes."""

    values: pd.DataFrame
    markers: pd.DataFrame
    matches: dict[str, CodeMatch]  # product → where its codes went
    columns: dict[str, list[str]]  # product → its kept columns


def build_tables(
    tables: dict[str, InseeTable], communes: pd.DataFrame, history: pd.DataFrame
) -> NationalTables:
    """Put the kept columns of each official file on the atlas's communes, then derive."""
    index = pd.Index(sorted(communes["CODGEO"].astype("str")), name="CODGEO")
    values, markers = [], []
    matches: dict[str, CodeMatch] = {}
    columns: dict[str, list[str]] = {}
    for product, table in tables.items():
        match = match_file_codes(table.values.index, communes[["CODGEO", "TYPE"]], history)
        columns[product] = kept_columns(product, table)
        part, codes = harmonise(table, columns[product], match, index)
        values.append(part)
        markers.append(codes)
        matches[product] = match
    all_values, all_markers = pd.concat(values, axis=1), pd.concat(markers, axis=1)
    with_derived(all_values, all_markers)
    return NationalTables(all_values, all_markers, matches, columns)


KNOWN_GEOGRAPHIES = {("filosofi", "2021"): "COG 2024", ("comparateur", "2018"): "COG 2021"}


def geography_of(source: SourceFile, table: InseeTable) -> str:
    """The geography of a file: INSEE names it in its zips (``…-geo2024_csv.zip``); for the
    products the atlas was built from, it is known; otherwise it is said to be unknown."""
    named = re.search(r"geo(20\d\d)", source.path.name, re.IGNORECASE)
    if named:
        return f"COG {named[1]}"
    return KNOWN_GEOGRAPHIES.get((source.product, table.main_vintage), "non précisée")


def read_sources(sources: list[SourceFile]) -> dict[str, InseeTable]:
    return {source.product: read_source(source) for source in sources}


def source_record(
    source: SourceFile,
    table: InseeTable,
    match: CodeMatch,
    columns: list[str],
    markers: pd.DataFrame,
) -> dict:
    """What bundle.json says of one official file: provenance, and where its codes went."""
    uncovered = uncovered_departments(markers, columns[0])
    no_row = [c for c in match.not_in_file if department_of(c) not in uncovered]
    return {
        "produit": PRODUCTS[source.product],
        "fichier": source.name,
        "octets": source.path.stat().st_size,
        "sha256": source.sha256(),
        "millesimes": table.vintages,
        "geographie": geography_of(source, table),
        "edition": source.edition(),
        "colonnes": columns,
        "rapprochement": match.counts(),
        "anciens_codes": match.former_codes,
        "communes_issues_de_fusions": sorted(match.merged_targets),
        "codes_absents": list(match.absent),
        "departements_non_couverts": uncovered,
        "communes_sans_ligne": no_row,
    }
