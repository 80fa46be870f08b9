"""Reading site files before their rows are placed: JSON and GeoJSON decoding, one error type.

Why apart from the importers: the generic importers and the national sources
(``carto.sites.national``) read the same JSON shapes, and the generic GeoJSON reader hands
the national files over to their own importers; sharing these helpers from here keeps that
hand-over free of an import cycle.
"""

from __future__ import annotations

import json

import numpy as np

from carto.common.tabular import decode


class SiteImportError(ValueError):
    """The file cannot be read as a list of sites; the message is French."""


def load_json(data: bytes | str | dict | list) -> dict | list:
    """Parsed JSON (already parsed objects pass through); unreadable text is a French error."""
    if isinstance(data, dict | list):
        return data
    try:
        return json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise SiteImportError(f"Fichier JSON illisible : {exc.msg} (ligne {exc.lineno}).") from exc


def features(obj: dict | list) -> list[dict]:
    """The features of a FeatureCollection; anything else is refused in French."""
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        return obj.get("features") or []
    raise SiteImportError("Le fichier n'est pas une collection GeoJSON (FeatureCollection).")


def point(feature: dict) -> tuple[float, float]:
    """(lon, lat) of a Point feature; NaN for another geometry or unreadable coordinates."""
    geom = feature.get("geometry") or {}
    coords = geom.get("coordinates") if geom.get("type") == "Point" else None
    try:
        return float(coords[0]), float(coords[1])
    except (TypeError, ValueError, IndexError):
        return np.nan, np.nan
