"""Reading site files before their rows are placed: JSON and GeoJSON decoding, one error type.

Why apart from the importers: the generic importers and the national sources
(``carto.sites.national``) read the same JSON shapes, and the generic GeoJSON reader hands
the national files over to their own importers; sharing these helpers from here keeps that
hand-over free of an import cycle.
"""

from __future__ import annotations

import json
import math

import numpy as np

from carto.common.bounded import MAX_TEXT_BYTES, check_count, check_size
from carto.common.failures import ImportFailure
from carto.common.tabular import decode

MAX_SITES = 100_000  # features or rows of one file: France has 35,000 communes
MAX_BRACKETS = 500_000  # "[" of a sites file: a few per site; a polygon of millions is not one


class SiteImportError(ValueError):
    """The file cannot be read as a list of sites; the message is French."""


def load_json(data: bytes | str | dict | list, name: str = "fichier") -> dict | list:
    """Parsed JSON (already parsed objects pass through); unreadable, oversized or absurdly
    nested text is a French error."""
    if isinstance(data, dict | list):
        return data
    try:
        check_size(name, len(data), MAX_TEXT_BYTES, "Importez les sites d'un département.")
    except ImportFailure as exc:
        raise SiteImportError(str(exc)) from exc
    brackets = data.count(b"[" if isinstance(data, bytes) else "[")
    if brackets > MAX_BRACKETS:
        raise SiteImportError(
            f"« {name} » contient plus de {MAX_BRACKETS} listes (crochets) : ce n'est pas une "
            "liste de sites (des contours de polygones ?)."
        )
    try:
        return json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise SiteImportError(
            f"Fichier JSON illisible : « {name} », ligne {exc.lineno}, colonne {exc.colno} "
            "(syntaxe JSON incorrecte : virgule, guillemet ou accolade manquant)."
        ) from exc
    except RecursionError as exc:
        raise SiteImportError(
            f"Fichier JSON « {name} » refusé : ses crochets ou accolades sont imbriqués sur des "
            "milliers de niveaux, ce qui n'est pas une liste de sites."
        ) from exc


def records(obj: list, name: str = "fichier") -> list[dict]:
    """The records of a JSON list (the CCAS/CIAS export); each must be an object."""
    try:
        check_count(name, "enregistrements", len(obj), MAX_SITES)
    except ImportFailure as exc:
        raise SiteImportError(str(exc)) from exc
    for number, record in enumerate(obj, start=1):
        if not isinstance(record, dict):
            raise SiteImportError(
                f"L'enregistrement n° {number} de « {name} » n'est pas un objet JSON "
                "(champs entre accolades) : fichier refusé."
            )
    return obj


def features(obj: dict | list, name: str = "fichier") -> list[dict]:
    """The features of a FeatureCollection, each checked; anything else is refused in French."""
    if not (isinstance(obj, dict) and obj.get("type") == "FeatureCollection"):
        raise SiteImportError("Le fichier n'est pas une collection GeoJSON (FeatureCollection).")
    found = obj.get("features") or []
    if not isinstance(found, list):
        raise SiteImportError(
            f"Dans « {name} », « features » doit être une liste d'objets GeoJSON (Feature)."
        )
    try:
        check_count(name, "objets", len(found), MAX_SITES)
    except ImportFailure as exc:
        raise SiteImportError(str(exc)) from exc
    for number, feat in enumerate(found, start=1):
        if not isinstance(feat, dict):
            raise SiteImportError(f"L'objet n° {number} de « {name} » n'est pas un objet GeoJSON.")
        for part in ("properties", "geometry"):
            if feat.get(part) is not None and not isinstance(feat[part], dict):
                raise SiteImportError(
                    f"Objet n° {number} de « {name} » : « {part} » doit être un objet JSON "
                    "(champs entre accolades)."
                )
    return found


def point(feature: dict) -> tuple[float, float]:
    """(lon, lat) of a Point feature; NaN for another geometry, unreadable, infinite or
    impossible coordinates."""
    geom = feature.get("geometry") or {}
    coords = geom.get("coordinates") if geom.get("type") == "Point" else None
    try:
        lon, lat = float(coords[0]), float(coords[1])
    except (TypeError, ValueError, IndexError, OverflowError):
        return np.nan, np.nan
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
        return np.nan, np.nan
    return lon, lat
