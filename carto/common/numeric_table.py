"""Reading the numeric columns of a large official table, chunk by chunk, secrecy kept apart.

Why not ``pd.read_csv`` in one go: official files mix a decimal comma and a decimal point in
one line, mark statistical secrecy with ``s``, ``nd`` or an empty field, and codes such as
``2A004`` or ``01001`` must stay strings. The file is read in chunks so that a 50 MB table keeps
memory bounded (only float columns are kept, never the raw text) and a progress bar can follow;
rows, columns and cells have limits (``carto.common.bounded``), and pandas' English parsing
errors become French ones naming the line. Opening, decoding and the other French errors are
``carto.common.tabular``'s.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from carto.common.bounded import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, check_count
from carto.common.markers import MARKER_DTYPE, SPELLINGS
from carto.common.tabular import (
    DuplicateCodesError,
    HeaderOnlyError,
    MissingCodeColumnError,
    NumericTextError,
    RawSource,
    check_text_start,
    detect_encoding,
    detect_separator,
    header_head,
    parser_failure,
)
from carto.common.truncation import check_complete_end

_SPACES = re.compile(r"[\s\u00a0\u202f]")
COMMUNE_CODE_WIDTH = 5  # "01001"; an IRIS code has 9 characters ("010040101")
CHUNK_BYTES = 4_000_000  # text parsed at once: bounds memory whatever the file's width

Progress = Callable[[float], None]

# Each spelling of a marker as met in files (case, one outer space) → its code.
_MARKER_CODES: dict[str, int] = {
    variant: int(code)
    for spelling, code in SPELLINGS.items()
    for variant in (
        spelling,
        spelling.upper(),
        spelling.capitalize(),
        f" {spelling}",
        f"{spelling} ",
    )
}


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floats, marker codes (``carto.common.markers``), and mask of cells that are text.

    ``"1 234,5"``, ``"1234.5"``, ``"-14,8"`` are numbers; ``s``, ``nd``, ``ns``, ``so`` and
    empty cells are NaN with their own code, never zero and never one another. The common case
    is vectorised; spaces are only stripped from the few cells that failed, which keeps a 50 MB
    file fast.
    """
    text = values.astype("str")
    codes = text.map(_MARKER_CODES).fillna(0).to_numpy(dtype=MARKER_DTYPE)
    numbers = np.array(
        pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce"),
        dtype=float,
    )
    retry = np.isnan(numbers) & (codes == 0)
    if retry.any():
        cells = text[retry].str.strip()
        codes[retry] = cells.str.lower().map(SPELLINGS).fillna(0).to_numpy(dtype=MARKER_DTYPE)
        cleaned = cells.str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    numbers[codes > 0] = np.nan
    bad = np.isnan(numbers) & (codes == 0)
    return numbers, codes, bad


@dataclass
class ParsedTable:
    """Numeric columns of a table, indexed by code, with their secrecy mask."""

    name: str
    values: pd.DataFrame  # float, index = codes (str)
    secret: pd.DataFrame  # marker codes (uint8, 0 = a number), same shape
    columns_all: list[str]
    code_column: str
    padded_codes: int = 0  # "1001" read back as "01001" (Excel drops leading zeros)


class _CountingReader(io.RawIOBase):
    """Counts the bytes pandas pulls, so progress follows the file without reading it twice."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self._handle.close()
        super().close()


def _chunk_rows(raw: RawSource) -> int:
    lines = raw.head(65536).count(b"\n")
    average = 65536 / max(lines, 1) if lines else 65536
    return int(min(50_000, max(200, CHUNK_BYTES // average)))


def _header(raw: RawSource, encoding: str) -> tuple[str, list[str]]:
    head = header_head(raw)
    text = head.decode(encoding, errors="replace")
    check_text_start(raw.name, text)
    lines = text.splitlines()
    if len(head) == 65536 and len(lines) > 1:
        text = "\n".join(lines[:-1])  # drop the line cut by the sample's end
    sep = detect_separator(raw.name, text)
    first = text.lstrip("\ufeff").splitlines()[0]
    check_count(raw.name, "colonnes", first.count(sep) + 1, MAX_COLUMNS)
    header = next(csv.reader([first], delimiter=sep))
    return sep, [h.strip() for h in header]


def _find_code_column(
    raw: RawSource, header: list[str], code_candidates: Iterable[str], code_column: str | None
) -> str:
    candidates = list(dict.fromkeys(code_candidates))
    if code_column is None:
        wanted = {c.lower() for c in candidates}
        found = [h for h in header if h.lower() in wanted]
        if found:
            return found[0]
        raise MissingCodeColumnError(
            f"Aucune colonne de code géographique dans « {raw.name} » (attendu : "
            f"{', '.join(candidates)}). Colonnes trouvées : "
            f"{', '.join(header[:15])}{'…' if len(header) > 15 else ''}."
        )
    if code_column not in header:
        raise MissingCodeColumnError(
            f"La colonne de code « {code_column} » est absente de « {raw.name} ». "
            f"Colonnes trouvées : {', '.join(header[:15])}{'…' if len(header) > 15 else ''}."
        )
    return code_column


def read_numeric_table(
    raw: RawSource,
    code_candidates: Iterable[str],
    select: Callable[[str], bool],
    progress: Progress | None = None,
    code_column: str | None = None,
    code_widths: Mapping[str, int] | None = None,
) -> ParsedTable:
    """Read the code column and the numeric columns chosen by ``select``, chunk by chunk.

    Raises an :class:`ImportFailure` subclass for every unusable input; text in a selected
    column is an error citing its first cells (line numbers as seen in a spreadsheet).
    ``code_widths``: the length of the codes of a code column (upper-case name → width;
    commune codes, 5, otherwise), to put back the leading zero a spreadsheet dropped.
    """
    encoding = detect_encoding(raw.head(1 << 20))
    args = (code_candidates, select, progress, code_column, code_widths or {})
    try:
        try:
            return _read(raw, encoding, *args)
        except UnicodeDecodeError:
            # A Latin-1 character after the sampled start: read again as Windows-1252.
            return _read(raw, "latin-1", *args)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as exc:
        raise parser_failure(raw.name, exc) from exc


def _read(
    raw: RawSource,
    encoding: str,
    code_candidates: Iterable[str],
    select: Callable[[str], bool],
    progress: Progress | None,
    code_column: str | None,
    code_widths: Mapping[str, int],
) -> ParsedTable:
    sep, header = _header(raw, encoding)
    check_complete_end(raw, encoding, sep, len(header), tuple(SPELLINGS))
    code_column = _find_code_column(raw, header, code_candidates, code_column)
    code_width = code_widths.get(code_column.upper(), COMMUNE_CODE_WIDTH)
    numeric = [h for h in header if h != code_column and select(h)]
    codes: list[pd.Series] = []
    values: list[np.ndarray] = []
    secrets: list[np.ndarray] = []
    done_rows = padded = 0
    counter = _CountingReader(raw.open())
    with io.TextIOWrapper(io.BufferedReader(counter), encoding=encoding, newline="") as text:
        reader = pd.read_csv(
            text,
            sep=sep,
            dtype="str",
            keep_default_na=False,
            na_filter=False,
            usecols=lambda c: c.strip() in (code_column, *numeric),
            chunksize=_chunk_rows(raw),
        )
        for chunk in reader:
            chunk.columns = [c.strip() for c in chunk.columns]
            block = np.empty((len(chunk), len(numeric)))
            mask = np.zeros((len(chunk), len(numeric)), dtype=MARKER_DTYPE)
            for j, col in enumerate(numeric):
                block[:, j], mask[:, j] = _column(raw.name, chunk[col], col, done_rows)
            chunk_codes, chunk_padded = pad_codes(chunk[code_column], code_width)
            padded += chunk_padded
            codes.append(chunk_codes)
            values.append(block)
            secrets.append(mask)
            done_rows += len(chunk)
            check_count(raw.name, "lignes", done_rows, MAX_ROWS)
            check_count(raw.name, "cellules numériques", done_rows * len(numeric), MAX_CELLS)
            if progress is not None:
                progress(min(0.99, counter.count / max(raw.size, 1)))
    if done_rows == 0:
        raise HeaderOnlyError(
            f"Le fichier « {raw.name} » ne contient que la ligne d'en-tête : aucune donnée."
        )
    index = _codes(raw.name, pd.concat(codes, ignore_index=True), code_column)
    del codes
    frame = pd.DataFrame(np.vstack(values), index=index, columns=numeric)
    secret = pd.DataFrame(np.vstack(secrets), index=index, columns=numeric)
    if progress is not None:
        progress(1.0)
    return ParsedTable(raw.name, frame, secret, header, code_column, padded)


def pad_codes(cells: pd.Series, width: int = COMMUNE_CODE_WIDTH) -> tuple[pd.Series, int]:
    """Codes with the leading zero a spreadsheet dropped put back, and how many were.

    Excel reads ``01001`` as the number 1001 and an IRIS code ``010040101`` as 10040101; a
    code of ``width - 1`` digits is such a code (no code of that length exists), so a ``0``
    is prefixed. Other codes (``2A004``, wrong lengths) are left for matching to explain.
    """
    codes = cells.astype("str").str.strip()
    lost_zero = (codes.str.len() == width - 1) & codes.str.fullmatch(r"\d+")
    count = int(lost_zero.sum())
    return (codes.where(~lost_zero, "0" + codes) if count else codes), count


def _column(name: str, cells: pd.Series, col: str, offset: int) -> tuple[np.ndarray, np.ndarray]:
    numbers, secret, bad = parse_numbers(cells)
    if bad.any():
        rows = np.flatnonzero(bad)[:3]
        examples = ", ".join(f"ligne {offset + r + 2} : « {cells.iloc[r][:30]} »" for r in rows)
        raise NumericTextError(
            f"La colonne « {col} » de « {name} » contient du texte là où un nombre est attendu "
            f"({int(bad.sum())} cellule(s) dans ce bloc ; {examples}). Seuls les nombres et les "
            "marques de l'INSEE (s, nd, ns, so, case vide) sont acceptés."
        )
    return numbers, secret


def _codes(name: str, codes: pd.Series, code_column: str) -> pd.Index:
    empty = codes == ""
    if empty.any():
        first = int(np.flatnonzero(empty.to_numpy())[0]) + 2
        raise MissingCodeColumnError(
            f"{int(empty.sum())} ligne(s) de « {name} » n'ont pas de code dans la colonne "
            f"« {code_column} » (première : ligne {first})."
        )
    index = pd.Index(codes, name="CODGEO", dtype="str")
    if index.has_duplicates:
        dup = codes[codes.duplicated(keep=False)].unique()
        raise DuplicateCodesError(
            f"Codes en double dans « {name} » ({len(dup)} code(s) : "
            f"{', '.join(dup[:8])}{'…' if len(dup) > 8 else ''}) : chaque territoire doit "
            "apparaître sur une seule ligne."
        )
    return index
