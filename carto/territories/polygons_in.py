"""Polygons read from people's GeoJSON files, checked before GEOS ever sees them.

Why checked by hand: a district or IRIS file drawn by hand or exported by a tool may hold text
or NaN coordinates, rings that are not closed, an unknown geometry type, millions of vertices
or thousands of nested brackets; GEOS would fail with an English message or work for minutes.
Each feature is checked here (type, nesting, finite numbers, closed rings, vertices per
feature and per file) and refused in French, naming the file and the feature's number.
"""

from __future__ import annotations

import json
import math

import shapely
from shapely.errors import GEOSException

from carto.common.bounded import MAX_TEXT_BYTES, check_size
from carto.common.failures import ImportFailure, TooLarge
from carto.common.fmt import format_number
from carto.common.tabular import decode

MAX_VERTICES_PER_FEATURE = 200_000
MAX_VERTICES = 1_000_000  # per file: a department's IRIS at full resolution has ~500,000
MAX_POLYGON_FEATURES = 60_000  # France has 50,000 IRIS
POLYGON_TYPES = ("Polygon", "MultiPolygon")
_DEPTH = {"Polygon": 3, "MultiPolygon": 4}


def load_geojson(data: bytes | str, name: str, max_bytes: int = MAX_TEXT_BYTES) -> object:
    """Parsed JSON of a polygon file, refused in French when too large, invalid or nested
    beyond reason."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    check_size(name, len(raw), max_bytes, "Simplifiez les contours ou découpez le fichier.")
    if raw.count(b"[") > MAX_VERTICES + MAX_POLYGON_FEATURES * 4:  # one "[" per vertex at least
        raise TooLarge(
            f"« {name} » compte plus de {format_number(MAX_VERTICES)} sommets (limite par "
            "fichier) : simplifiez les contours ou découpez le fichier."
        )
    try:
        return json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            f"« {name} » n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from exc
    except RecursionError as exc:
        raise ImportFailure(
            f"« {name} » est refusé : ses crochets sont imbriqués sur des milliers de niveaux, "
            "ce qui n'est pas un contour."
        ) from exc


def feature_list(obj: object, name: str) -> list[dict]:
    """The features of a FeatureCollection, each an object."""
    features = obj.get("features") if isinstance(obj, dict) else None
    if not isinstance(features, list):
        raise ImportFailure(
            f"« {name} » n'est pas une collection GeoJSON de polygones (FeatureCollection)."
        )
    if len(features) > MAX_POLYGON_FEATURES:
        raise TooLarge(
            f"« {name} » compte {format_number(len(features))} objets, au-delà de la limite de "
            f"{format_number(MAX_POLYGON_FEATURES)} : découpez le fichier."
        )
    for number, feat in enumerate(features, start=1):
        if not isinstance(feat, dict) or not isinstance(feat.get("properties") or {}, dict):
            raise ImportFailure(f"L'objet n° {number} de « {name} » n'est pas un objet GeoJSON.")
    return features


def _vertices(coords: object, depth: int, where: str) -> int:
    """Count the positions of a coordinates array of ``depth`` levels, checking each one."""
    stack = [(coords, depth)]
    count = 0
    while stack:
        item, level = stack.pop()
        if not isinstance(item, list | tuple):
            raise ImportFailure(f"{where} : coordonnées mal formées (liste attendue).")
        if level == 1:
            if len(item) < 2 or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in item[:2]
            ):
                raise ImportFailure(
                    f"{where} : coordonnée invalide ({str(item)[:40]}) ; des nombres finis "
                    "(longitude, latitude) sont attendus, ni texte ni NaN."
                )
            count += 1
            if count > MAX_VERTICES_PER_FEATURE:
                raise TooLarge(
                    f"{where} : plus de {format_number(MAX_VERTICES_PER_FEATURE)} sommets "
                    "(limite par objet) ; simplifiez le contour (par exemple dans QGIS)."
                )
            continue
        stack.extend((child, level - 1) for child in item)
    return count


def _check_rings(geometry: dict, where: str) -> None:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for polygon in polygons:
        for ring in polygon:
            if len(ring) < 4 or tuple(ring[0][:2]) != tuple(ring[-1][:2]):
                raise ImportFailure(
                    f"{where} : un anneau du polygone n'est pas fermé (son premier et son "
                    "dernier point diffèrent, ou il a moins de 4 points)."
                )


def polygon(geometry: object, where: str) -> tuple[shapely.Geometry, int]:
    """A checked Polygon or MultiPolygon and its number of vertices; ``where`` names the
    feature (« Objet n° 3 de « districts.geojson » »)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise ImportFailure(
            f"{where} n'est pas un polygone (type {str(kind)[:30] if kind else 'absent'} ; "
            "attendu : Polygon ou MultiPolygon)."
        )
    count = _vertices(geometry.get("coordinates"), _DEPTH[geometry["type"]], where)
    _check_rings(geometry, where)
    try:
        shape = shapely.geometry.shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError) as exc:
        raise ImportFailure(f"{where} : polygone illisible ({type(exc).__name__}).") from exc
    return shape, count


def check_total(name: str, total: int) -> None:
    if total > MAX_VERTICES:
        raise TooLarge(
            f"« {name} » compte plus de {format_number(MAX_VERTICES)} sommets en tout (limite) : "
            "simplifiez les contours ou découpez le fichier."
        )
