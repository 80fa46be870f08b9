"""IRIS contours (IGN/INSEE "Contours… IRIS") joined to Filosofi IRIS indicators.

Why several readers: the contours circulate as a GeoPackage or shapefile (IGN), as GeoJSON, or
as OpenDataSoft's JSON export (a list of records whose shape sits in ``fields.geo_shape``). All
end up as one GeoDataFrame indexed by the 9-character IRIS code, kept as a string. The join
reports both directions (IRIS without contour, contour without data), since a city mapped by
IRIS with silent holes would mislead.

Why read in memory with every limit checked first: an archive is never extracted; its
members' names and inflated sizes are checked while they are read (``carto.common.bounded``),
a shapefile's parts are handed to GDAL as one flat in-memory archive, and GeoJSON polygons
are checked feature by feature (``carto.territories.polygons_in``).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from carto.common.bounded import MB, archive_members, check_size, read_member
from carto.common.failures import ImportFailure, TooLarge
from carto.territories.polygons_in import (
    MAX_POLYGON_FEATURES,
    MAX_VERTICES_PER_FEATURE,
    check_total,
    feature_list,
    load_geojson,
    polygon,
)

MAX_LAYER_BYTES = 200 * MB  # a GeoPackage or the parts of a shapefile, read in memory
MAX_JSON_BYTES = 30 * MB  # GeoJSON and OpenDataSoft exports are parsed whole
ADVICE = "Importez les contours d'un ou de quelques départements."
LAYER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

CODE_FIELDS = ("code_iris", "CODE_IRIS", "IRIS", "DCOMIRIS", "iris")
NAME_FIELDS = ("nom_iris", "NOM_IRIS", "LIBIRIS", "lib_iris")
COMMUNE_FIELDS = ("insee_com", "INSEE_COM", "DEPCOM", "COM", "code_insee")


def _pick(columns, choices: tuple[str, ...]) -> str | None:  # type: ignore[no-untyped-def]
    return next((c for c in choices if c in columns), None)


def _from_features(features: list[dict], label: str) -> gpd.GeoDataFrame:
    rows, shapes, total = [], [], 0
    for number, feat in enumerate(features, start=1):
        shape, count = polygon(feat.get("geometry"), f"L'objet n° {number} de « {label} »")
        total += count
        check_total(label, total)
        rows.append(dict(feat.get("properties") or {}))
        shapes.append(shape)
    return gpd.GeoDataFrame(rows, geometry=shapes, crs="EPSG:4326")


def _from_ods_records(records: list, label: str) -> gpd.GeoDataFrame:
    if len(records) > MAX_POLYGON_FEATURES:
        raise TooLarge(
            f"« {label} » compte trop d'enregistrements (limite {MAX_POLYGON_FEATURES})."
        )
    features = []
    for number, record in enumerate(records, start=1):
        fields = dict(record.get("fields") or {}) if isinstance(record, dict) else None
        if fields is None:
            raise ImportFailure(f"L'enregistrement n° {number} de « {label} » n'est pas un objet.")
        shape = fields.pop("geo_shape", None)
        fields.pop("geo_point_2d", None)
        if shape is not None:
            features.append({"properties": fields, "geometry": shape})
    return _from_features(features, label)


def read_contours(source: str | Path | bytes, name: str | None = None) -> gpd.GeoDataFrame:
    """Contours indexed by IRIS code (str) with ``NOM_IRIS`` and ``INSEE_COM``, in EPSG:4326."""
    label = name or (Path(source).name if isinstance(source, (str, Path)) else "contours")
    try:
        frame = _read_any(source, label)
    except ImportFailure:
        raise
    except Exception as exc:  # pyogrio and GDAL raise many types for an unreadable layer
        raise ImportFailure(
            f"Contours IRIS « {label} » illisibles ({type(exc).__name__}) : format non reconnu, "
            "fichier incomplet ou endommagé."
        ) from exc
    code = _pick(frame.columns, CODE_FIELDS)
    if code is None:
        raise ImportFailure(
            f"Aucune colonne de code IRIS dans « {label} » (attendu : {', '.join(CODE_FIELDS)})."
        )
    out = gpd.GeoDataFrame(
        {
            "NOM_IRIS": frame[_pick(frame.columns, NAME_FIELDS)]
            if _pick(frame.columns, NAME_FIELDS)
            else "",
            "INSEE_COM": frame[_pick(frame.columns, COMMUNE_FIELDS)]
            if _pick(frame.columns, COMMUNE_FIELDS)
            else frame[code].astype("str").str[:5],
        },
        geometry=frame.geometry.values,
        crs=frame.crs or "EPSG:4326",
    )
    out.index = pd.Index(
        frame[code].astype("str").str.strip().str.zfill(9), name="IRIS", dtype="str"
    )
    if out.index.duplicated().any():
        dup = out.index[out.index.duplicated()].unique()[:5]
        raise ImportFailure(f"Codes IRIS en double dans « {label} » : {', '.join(dup)}.")
    out = out.to_crs("EPSG:4326")
    out["geometry"] = shapely.make_valid(out.geometry.values)
    return out


def _read_any(source: str | Path | bytes, label: str) -> gpd.GeoDataFrame:
    if isinstance(source, (str, Path)):
        path = Path(source)
        check_size(label, path.stat().st_size, MAX_LAYER_BYTES, ADVICE)
        data = path.read_bytes()
    else:
        data = bytes(source)
        check_size(label, len(data), MAX_LAYER_BYTES, ADVICE)
    if data.startswith(b"PK\x03\x04"):
        layer, is_shapefile = _layer_from_zip(data, label)
        if is_shapefile:
            return _read_layer(layer, label)
        if layer.startswith(b"PK\x03\x04"):
            raise ImportFailure(f"« {label} » contient une archive dans l'archive : refusé.")
        return _read_any(layer, label)  # a GeoPackage or a GeoJSON taken out of the zip
    if data.startswith(b"SQLite format 3"):
        return _read_layer(data, label)
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        raise ImportFailure(
            f"« {label} » n'est ni un GeoJSON, ni un export JSON OpenDataSoft, ni un GeoPackage, "
            "ni un shapefile zippé."
        )
    parsed = load_geojson(data, label, MAX_JSON_BYTES)
    if isinstance(parsed, list):
        return _from_ods_records(parsed, label)
    if isinstance(parsed, dict) and parsed.get("type") == "FeatureCollection":
        return _from_features(feature_list(parsed, label), label)
    raise ImportFailure(
        f"« {label} » : JSON sans entités géographiques (FeatureCollection attendue)."
    )


def _layer_from_zip(data: bytes, label: str) -> tuple[bytes, bool]:
    """The first layer of an archive and whether it is a shapefile (its parts then flattened
    into a stored archive GDAL reads); every member read is checked while it inflates."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {i.filename: i for i in archive_members(archive, label) if not i.is_dir()}
            layers = sorted(n for n in infos if n.lower().endswith(LAYER_SUFFIXES))
            if not layers:
                raise ImportFailure(
                    f"L'archive « {label} » ne contient ni .shp, ni .gpkg, ni .geojson."
                )
            chosen = layers[0]
            if not chosen.lower().endswith(".shp"):
                return read_member(archive, infos[chosen], MAX_LAYER_BYTES), False
            return _flat_shapefile(archive, infos, chosen, label), True
    except zipfile.BadZipFile as exc:
        raise ImportFailure(f"L'archive « {label} » est endommagée.") from exc


def _flat_shapefile(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], shp: str, label: str
) -> bytes:
    stem = shp[: -len(".shp")]
    parts = {ext: infos.get(stem + ext) or infos.get(stem + ext.upper()) for ext in SHP_PARTS}
    missing = [ext for ext in (".shx", ".dbf") if parts[ext] is None]
    if missing:
        raise ImportFailure(
            f"Le shapefile « {PurePosixPath(shp).name} » de « {label} » est incomplet : il "
            f"manque {' et '.join(missing)}. Joignez tous les fichiers du shapefile à l'archive."
        )
    flat, budget = io.BytesIO(), MAX_LAYER_BYTES
    with zipfile.ZipFile(flat, "w", zipfile.ZIP_STORED) as out:
        for ext, info in parts.items():
            if info is None:
                continue
            content = read_member(archive, info, budget)
            budget -= len(content)
            out.writestr("layer" + ext, content)
    return flat.getvalue()


def _read_layer(data: bytes, label: str) -> gpd.GeoDataFrame:
    """A layer read by GDAL from memory, its number of features (counted before reading)
    and of vertices bounded."""
    with warnings.catch_warnings():  # GDAL notes the in-memory name lacks ".gpkg"
        warnings.filterwarnings("ignore", "File .* non conformant file extension")
        features = pyogrio.read_info(io.BytesIO(data)).get("features", 0)
        if features > MAX_POLYGON_FEATURES:
            raise TooLarge(
                f"« {label} » compte {features} objets, au-delà de la limite de "
                f"{MAX_POLYGON_FEATURES} : importez les contours d'un ou de quelques départements."
            )
        frame = gpd.read_file(io.BytesIO(data))
    if frame.empty:
        raise ImportFailure(f"« {label} » ne contient aucun contour.")
    counts = shapely.get_num_coordinates(frame.geometry.values)
    if counts.max() > MAX_VERTICES_PER_FEATURE:
        raise TooLarge(
            f"Un contour de « {label} » a plus de {MAX_VERTICES_PER_FEATURE} sommets (limite "
            "par objet) : simplifiez les contours."
        )
    check_total(label, int(counts.sum()))
    return frame


@dataclass
class IrisJoinReport:
    contours: int
    with_data: int
    without_data: list[str] = field(default_factory=list)  # contours without indicators
    without_contour: list[str] = field(default_factory=list)  # data IRIS of covered communes
    other_communes: int = 0  # data IRIS of communes the contours do not cover

    def summary_fr(self) -> str:
        lines = [f"{self.contours} contours IRIS, dont {self.with_data} avec des indicateurs."]
        if self.without_data:
            lines.append(
                f"Contours sans données ({len(self.without_data)}) : "
                f"{', '.join(self.without_data[:20])} (IRIS d'activité ou secret statistique)."
            )
        if self.without_contour:
            lines.append(
                f"IRIS avec données mais sans contour ({len(self.without_contour)}) : "
                f"{', '.join(self.without_contour[:20])} (découpage d'un autre millésime ?)."
            )
        if self.other_communes:
            lines.append(
                f"{self.other_communes} IRIS d'autres communes ont des données mais aucun contour "
                "importé : ils ne sont pas cartographiés."
            )
        return "\n".join(lines)


def join_iris(
    contours: gpd.GeoDataFrame, values: pd.DataFrame, secret: pd.DataFrame | None = None
) -> tuple[gpd.GeoDataFrame, IrisJoinReport]:
    """Contours with their indicator columns; IRIS on either side alone are reported."""
    data = values.copy()
    data.index = data.index.astype("str")
    joined = contours.join(data, how="left")
    has_data = contours.index.isin(data.index)
    if secret is not None:
        joined = joined.join(secret.add_prefix("secret_"), how="left")
    covered = set(contours["INSEE_COM"].astype("str"))
    data_communes = data.index.str[:5]
    in_covered = data.index[data_communes.isin(covered)]
    report = IrisJoinReport(
        contours=len(contours),
        with_data=int(has_data.sum()),
        without_data=sorted(contours.index[~has_data]),
        without_contour=sorted(set(in_covered) - set(contours.index)),
        other_communes=int((~data_communes.isin(covered)).sum()),
    )
    return joined, report
