"""District sets from files: a CSV commune code → district, or GeoJSON polygons.

Why polygons are turned into a commune mapping: indicators are only known by commune, so a
polygon drawn by hand (or digitised from a PDF map) is reduced to the communes it covers most,
measured in the department's metric CRS; communes it covers only partly are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from shapely.errors import GEOSException

from carto.common.failures import ImportFailure
from carto.common.tabular import read_text_table
from carto.common.text import normalize_text
from carto.districts.model import (
    DistrictIssue,
    DistrictSet,
    department_communes,
    mapping_from_pairs,
    validate,
)
from carto.territories.bundle import area_crs_for_department
from carto.territories.polygons_in import check_total, feature_list, load_geojson, polygon


class DistrictImportError(ValueError):
    """The file cannot be read as a district definition; the message is French."""


@dataclass
class DistrictImport:
    district_set: DistrictSet
    issues: list[DistrictIssue] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [issue.message for issue in self.issues]


_CODE_ALIASES = ("codgeo", "code commune", "code insee", "insee", "city code", "depcom", "code")
_DISTRICT_ALIASES = (
    "district",
    "nom district",
    "circonscription",
    "territoire",
    "mds",
    "nom mds",
    "secteur",
    "organisation id",
    "zone",
)


def _column(frame: pd.DataFrame, aliases: tuple[str, ...], given: str | None, what: str) -> str:
    if given:
        if given not in frame.columns:
            raise DistrictImportError(f"Colonne « {given} » absente du fichier.")
        return given
    names = {normalize_text(c): c for c in frame.columns}
    for alias in aliases:
        if alias in names:
            return names[alias]
    raise DistrictImportError(
        f"Colonne {what} introuvable (colonnes du fichier : {', '.join(frame.columns)})."
    )


def read_district_names(data: bytes | str, file_name: str = "fichier") -> dict[str, str]:
    """Two-column CSV identifier → district name (e.g. organisation_id,nom_mds)."""
    frame = read_text_table(data, DistrictImportError, file_name)
    if frame.shape[1] < 2:
        raise DistrictImportError(
            "Le fichier des noms doit avoir deux colonnes : identifiant, nom."
        )
    return dict(zip(frame.iloc[:, 0].str.strip(), frame.iloc[:, 1].str.strip(), strict=True))


def read_district_csv(
    data: bytes | str,
    department: str,
    name: str,
    communes: pd.DataFrame,
    names: dict[str, str] | None = None,
    code_column: str | None = None,
    district_column: str | None = None,
    file_name: str = "fichier",
) -> DistrictImport:
    """CSV commune code → district (name, or identifier translated by ``names``)."""
    frame = read_text_table(data, DistrictImportError, file_name)
    code_col = _column(frame, _CODE_ALIASES, code_column, "code commune")
    district_col = _column(frame, _DISTRICT_ALIASES, district_column, "district")
    codes = frame[code_col].str.strip().str.upper()
    codes = codes.where(~(codes.str.isdigit() & (codes.str.len() == 4)), "0" + codes)
    raw = frame[district_col].str.strip()
    issues = []
    if names:
        missing = sorted(set(raw) - set(names) - {""})
        if missing:
            issues.append(
                DistrictIssue(
                    "unknown_district",
                    f"{len(missing)} identifiant(s) de district sans nom dans la table des noms, "
                    "gardé(s) tel(s) quel(s) : " + ", ".join(missing),
                )
            )
        raw = raw.map(lambda v: names.get(v, v))
    mapping, pair_issues = mapping_from_pairs(list(zip(codes, raw, strict=True)), communes)
    ds = DistrictSet(department, name, mapping, "CSV")
    return DistrictImport(ds, issues + pair_issues + validate(ds, communes))


def _polygons(
    data: bytes | str | dict, name_property: str | None, file_name: str = "fichier"
) -> gpd.GeoDataFrame:
    try:
        obj = data if isinstance(data, dict) else load_geojson(data, file_name)
        features = feature_list(obj, file_name)
        rows, total = [], 0
        for number, feat in enumerate(features, start=1):
            props = feat.get("properties") or {}
            geom, vertices = polygon(
                feat.get("geometry"), f"L'objet n° {number} de « {file_name} »"
            )
            total += vertices
            check_total(file_name, total)
            key = name_property or next(
                (k for k in props if normalize_text(k) in ("nom", "name", *_DISTRICT_ALIASES)),
                None,
            )
            label = str(props.get(key, "")).strip() if key else ""
            rows.append({"DISTRICT": label or f"District {number}", "geometry": geom})
    except ImportFailure as exc:
        raise DistrictImportError(str(exc)) from exc
    if not rows:
        raise DistrictImportError("Le fichier GeoJSON ne contient aucun polygone.")
    frame = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame


def read_district_geojson(
    data: bytes | str | dict,
    department: str,
    name: str,
    communes: pd.DataFrame,
    name_property: str | None = None,
    file_name: str = "fichier",
) -> DistrictImport:
    """Each commune of the department goes to the polygon covering most of its area."""
    polygons = _polygons(data, name_property, file_name)
    crs = area_crs_for_department(department)
    own = gpd.GeoDataFrame(department_communes(communes, department), crs="EPSG:4326")
    own = own[own.geometry.notna()].to_crs(crs)
    polys = polygons.to_crs(crs)
    try:
        left, right = polys.sindex.query(own.geometry.values, predicate="intersects")
        areas = shapely.area(
            shapely.intersection(own.geometry.values[left], polys.geometry.values[right])
        )
    except GEOSException as exc:
        raise DistrictImportError(
            f"Les polygones de « {file_name} » ne peuvent pas être croisés avec les communes "
            "(géométrie dégénérée même après réparation) : corrigez-les dans un SIG."
        ) from exc
    pairs = pd.DataFrame(
        {
            "CODGEO": own["CODGEO"].values[left],
            "DISTRICT": polys["DISTRICT"].values[right],
            "area": areas,
        }
    )
    pairs = pairs[pairs["area"] > 0]
    by_district = pairs.groupby(["CODGEO", "DISTRICT"], sort=False)["area"].sum().reset_index()
    best = by_district.sort_values("area", ascending=False).drop_duplicates("CODGEO")
    share = best.set_index("CODGEO")["area"] / own.set_index("CODGEO").area
    mapping = dict(zip(best["CODGEO"], best["DISTRICT"], strict=True))
    ds = DistrictSet(department, name, mapping, "GeoJSON")
    issues = []
    partial = sorted(share[share < 0.5].index)
    if partial:
        issues.append(
            DistrictIssue(
                "partial",
                f"{len(partial)} commune(s) couverte(s) à moins de 50 % par leur district "
                "(affectées au polygone qui les couvre le plus) : "
                + ", ".join(f"{c} ({share[c] * 100:.0f} %)".replace(".", ",") for c in partial),
                tuple(partial),
            )
        )
    dup = polygons["DISTRICT"][polygons["DISTRICT"].duplicated()].unique()
    if len(dup):
        issues.append(
            DistrictIssue(
                "repeated",
                "Plusieurs polygones portent le même nom, fusionnés : " + ", ".join(dup),
            )
        )
    empty = sorted(set(polygons["DISTRICT"]) - set(best["DISTRICT"]))
    if empty:
        issues.append(
            DistrictIssue(
                "empty",
                "District(s) ne couvrant en majorité aucune commune du département : "
                + ", ".join(empty),
            )
        )
    return DistrictImport(ds, issues + validate(ds, communes))
