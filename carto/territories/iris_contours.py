"""IRIS contours (IGN/INSEE "Contours… IRIS") joined to Filosofi IRIS indicators.

Why several readers: the contours circulate as a GeoPackage or shapefile (IGN), as GeoJSON, or
as OpenDataSoft's JSON export (a list of records whose shape sits in ``fields.geo_shape``). All
end up as one GeoDataFrame indexed by the 9-character IRIS code, kept as a string. The join
reports both directions (IRIS without contour, contour without data), since a city mapped by
IRIS with silent holes would mislead.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from carto.common.tabular import ImportFailure, decode

CODE_FIELDS = ("code_iris", "CODE_IRIS", "IRIS", "DCOMIRIS", "iris")
NAME_FIELDS = ("nom_iris", "NOM_IRIS", "LIBIRIS", "lib_iris")
COMMUNE_FIELDS = ("insee_com", "INSEE_COM", "DEPCOM", "COM", "code_insee")


def _pick(columns, choices: tuple[str, ...]) -> str | None:  # type: ignore[no-untyped-def]
    return next((c for c in choices if c in columns), None)


def _from_ods_records(records: list) -> gpd.GeoDataFrame:
    rows, shapes = [], []
    for record in records:
        fields = dict(record.get("fields") or {})
        shape = fields.pop("geo_shape", None)
        fields.pop("geo_point_2d", None)
        if shape is None:
            continue
        rows.append(fields)
        shapes.append(shapely.geometry.shape(shape))
    return gpd.GeoDataFrame(rows, geometry=shapes, crs="EPSG:4326")


def read_contours(source: str | Path | bytes, name: str | None = None) -> gpd.GeoDataFrame:
    """Contours indexed by IRIS code (str) with ``NOM_IRIS`` and ``INSEE_COM``, in EPSG:4326."""
    label = name or (Path(source).name if isinstance(source, (str, Path)) else "contours")
    try:
        frame = _read_any(source, label)
    except ImportFailure:
        raise
    except Exception as exc:  # fiona/pyogrio raise many types for an unreadable layer
        raise ImportFailure(f"Contours IRIS « {label} » illisibles ({exc}).") from exc
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
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    if data.startswith(b"PK\x03\x04"):
        with tempfile.TemporaryDirectory() as tmp:
            zipfile.ZipFile(io.BytesIO(data)).extractall(tmp)
            layers = [
                p for p in Path(tmp).rglob("*") if p.suffix.lower() in (".shp", ".gpkg", ".geojson")
            ]
            if not layers:
                raise ImportFailure(
                    f"L'archive « {label} » ne contient ni .shp, ni .gpkg, ni .geojson."
                )
            return gpd.read_file(layers[0])
    if data.startswith(b"SQLite format 3"):
        with tempfile.NamedTemporaryFile(suffix=".gpkg") as tmp:
            tmp.write(data)
            tmp.flush()
            return gpd.read_file(tmp.name)
    if isinstance(source, (str, Path)) and Path(source).suffix.lower() == ".shp":
        return gpd.read_file(source)
    try:
        parsed = json.loads(decode(data))
    except ValueError as exc:
        raise ImportFailure(
            f"« {label} » n'est ni un GeoJSON, ni un export JSON OpenDataSoft, ni un GeoPackage, "
            "ni un shapefile zippé."
        ) from exc
    if isinstance(parsed, list):
        return _from_ods_records(parsed)
    if isinstance(parsed, dict) and parsed.get("type") == "FeatureCollection":
        return gpd.GeoDataFrame.from_features(parsed["features"], crs="EPSG:4326")
    raise ImportFailure(
        f"« {label} » : JSON sans entités géographiques (FeatureCollection attendue)."
    )


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
