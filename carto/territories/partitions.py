"""Parquet files of the bundle stored by department: one row group per department.

Why: the first view after a server start shows one department, and should not wait for all of
France (the communes' contours alone are about 13 MB on disk). Written sorted by department,
one row group each, a file gives any department's rows by reading that row group only: the
reader's filter on the department's column (or code range) skips the others through the row
groups' statistics. The same file read whole is the national table, so ``data/`` holds each
table once.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# The bundle's tables written by department, and the fewest rows of a row group: the communes
# one department each; the EPCI outlines (about 13 per department) in groups of whole
# departments, which compress as well as one table (one group each: a quarter larger).
GROUP_ROWS = {"communes": 1, "epci_dep": 50}


def department_runs(departments: pd.Series | pd.Index) -> Iterator[tuple[int, int]]:
    """(start, stop) of each run of equal departments, in order (the rows must be grouped)."""
    values = np.asarray(departments, dtype=object)
    if not len(values):
        return
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    bounds = [0, *changes.tolist(), len(values)]
    seen: set[str] = set()
    for start, stop in itertools.pairwise(bounds):
        if values[start] in seen:
            raise ValueError(f"département {values[start]} en plusieurs morceaux")
        seen.add(values[start])
        yield start, stop


def grouped_by_department(frame: pd.DataFrame, column: str = "DEP") -> pd.DataFrame:
    """The rows grouped by department in order of first appearance, each department's rows in
    their own order (a stable sort: a department read alone lists its rows as before)."""
    first = pd.Series(pd.factorize(frame[column])[0], index=frame.index)
    return frame.iloc[np.argsort(first.to_numpy(), kind="stable")]


def row_groups(departments: pd.Series | pd.Index, min_rows: int = 1) -> list[tuple[int, int]]:
    """(start, stop) of each row group: one department each, or consecutive departments
    merged until a group holds ``min_rows`` rows (see ``write_row_groups``)."""
    groups: list[tuple[int, int]] = []
    for start, stop in department_runs(departments):
        if groups and groups[-1][1] - groups[-1][0] < min_rows:
            groups[-1] = (groups[-1][0], stop)
        else:
            groups.append((start, stop))
    return groups


def write_row_groups(
    table: pa.Table,
    path: Path,
    departments: pd.Series | pd.Index,
    min_rows: int = 1,
    **options: Any,
) -> None:
    """Write ``table`` with one row group per department (``departments``: one per row,
    grouped); ``options`` go to ``pyarrow.parquet.ParquetWriter`` (compression…).

    ``min_rows`` merges consecutive departments: a wide table of numbers compresses badly in
    a hundred small pieces (a third larger for the national indicators), a dozen keep it
    within a few per cent while a department still reads about a tenth of France.
    """
    with pq.ParquetWriter(path, table.schema, **options) as writer:
        for start, stop in row_groups(departments, min_rows):
            writer.write_table(table.slice(start, stop - start))


def write_geo_by_department(
    frame: gpd.GeoDataFrame, path: Path, column: str = "DEP", min_rows: int = 1
) -> None:
    """A GeoDataFrame as GeoParquet (zstd, as ``to_parquet`` writes it), one row group per
    department; read back whole by ``geopandas.read_parquet``."""
    rows = grouped_by_department(frame, column).reset_index(drop=True)
    buffer = io.BytesIO()  # geopandas writes the GeoParquet metadata; the rows are regrouped
    rows.to_parquet(buffer, index=False)
    table = pq.read_table(pa.BufferReader(buffer.getvalue()))
    write_row_groups(table, path, rows[column], min_rows, compression="zstd")


def code_range(department: str) -> tuple[str, str]:
    """The commune codes of a department, as a half-open range: every code starts with its
    department's code (« 54395 », « 2A004 », « 97411 »)."""
    return department, department[:-1] + chr(ord(department[-1]) + 1)


def read_department(path: Path, department: str, column: str = "DEP") -> gpd.GeoDataFrame:
    """One department's rows of a file written by ``write_geo_by_department``, in file order."""
    return gpd.read_parquet(path, filters=[(column, "==", department)])


def read_code_range(path: Path, department: str, column: str = "CODGEO") -> pd.DataFrame:
    """The rows whose ``column`` (the commune code) belongs to ``department``."""
    low, high = code_range(department)
    return pd.read_parquet(path, filters=[(column, ">=", low), (column, "<", high)])
