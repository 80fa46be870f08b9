"""Site importers for generic files: CSV, GeoJSON points, and the dispatch on a file's name.

A GeoJSON that turns out to be one of the national sources (the Service-Public annuaire, the
ANCT CCAS/CIAS list) is handed to its own reader in ``carto.sites.national``; every importer
places its rows with ``carto.sites.placement``, which reports in French what it could not place.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carto.common.bounded import check_count
from carto.common.failures import ImportFailure
from carto.common.fmt import parse_number
from carto.common.tabular import read_text_table
from carto.common.text import normalize_text
from carto.sites.categories import OTHER, category_code, category_label
from carto.sites.national import read_annuaire_geojson, read_ccas_cias
from carto.sites.placement import CommuneIndex, SiteImport, place_rows
from carto.sites.reading import MAX_SITES, SiteImportError, features, load_json, point

# --- CSV ----------------------------------------------------------------------------------------

_CSV_COLUMNS = {
    "name": ("nom", "name", "structure", "libelle", "nom de la structure"),
    "category": ("categorie", "category", "type", "type de structure"),
    "address": ("adresse", "address"),
    "CODGEO": ("code commune", "codgeo", "code insee", "insee", "commune code", "code_commune"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng"),
    "phone": ("telephone", "tel", "phone"),
    "email": ("email", "courriel", "mail", "e mail"),
    "hours": ("horaires", "hours", "heures d ouverture"),
    "id": ("id", "identifiant"),
}


def read_sites_csv(
    data: bytes | str, communes: pd.DataFrame, source: str = "", name: str = "fichier"
) -> SiteImport:
    """CSV with name, category, address, commune code, optional latitude/longitude (';' or ',')."""
    frame = read_text_table(data, SiteImportError, name)
    try:
        check_count(name, "lignes", len(frame), MAX_SITES)
    except ImportFailure as exc:
        raise SiteImportError(str(exc)) from exc
    names = {normalize_text(c): c for c in frame.columns}
    cols = {}
    for target, aliases in _CSV_COLUMNS.items():
        found = next(
            (names[normalize_text(a)] for a in aliases if normalize_text(a) in names), None
        )
        if found is not None:
            cols[target] = found
    missing = [
        label for key, label in (("name", "nom"), ("category", "catégorie")) if key not in cols
    ]
    if "CODGEO" not in cols and not {"lat", "lon"} <= set(cols):
        missing.append("code commune (ou latitude et longitude)")
    if missing:
        raise SiteImportError(
            "Colonnes manquantes dans le CSV : " + ", ".join(missing) + ". Colonnes attendues : "
            "nom ; catégorie ; adresse ; code commune ; latitude et longitude facultatives."
        )
    rows, other = [], []
    for number, rec in enumerate(frame.to_dict("records"), start=2):
        get = lambda key, rec=rec: str(rec.get(cols.get(key, ""), "") or "").strip()  # noqa: E731
        cat = category_code(get("category"))
        if cat is None:
            other.append(f"ligne {number} (« {get('category')} »)")
            cat = OTHER
        code = get("CODGEO").upper()
        if code.isdigit() and len(code) == 4:
            code = "0" + code  # lost by a spreadsheet that read the code as a number
        try:
            lat = parse_number(get("lat")) if get("lat") else np.nan
            lon = parse_number(get("lon")) if get("lon") else np.nan
        except ValueError as exc:
            raise SiteImportError(f"Ligne {number} : coordonnées illisibles ({exc})") from exc
        rows.append(
            {
                "id": get("id") or f"csv-{number}",
                "name": get("name"),
                "category": cat,
                "address": get("address"),
                "CODGEO": code or None,
                "lon": lon,
                "lat": lat,
                "phone": get("phone"),
                "email": get("email"),
                "hours": get("hours"),
                "source": source or "Import CSV",
            }
        )
    result = place_rows(rows, CommuneIndex(communes), "Import CSV")
    _report_other(result, other)
    return result


def _report_other(result: SiteImport, other: list[str]) -> None:
    if other:
        result.messages.append(
            f"{len(other)} catégorie(s) non reconnue(s), classée(s) en "
            f"« {category_label(OTHER)} » : " + ", ".join(other)
        )


# --- JSON / GeoJSON -----------------------------------------------------------------------------


def read_sites_geojson(
    data: bytes | str | dict, communes: pd.DataFrame, source: str = "", name: str = "fichier"
) -> SiteImport:
    """GeoJSON points; recognises the annuaire export and the CCAS/CIAS list by their keys."""
    obj = load_json(data, name)
    if isinstance(obj, list):
        return read_ccas_cias(obj, communes, name)
    found = features(obj, name)
    props0 = (found[0].get("properties") or {}) if found else {}
    if "pivotLocal" in props0:
        return read_annuaire_geojson(obj, communes, name)
    if "code_postal" in props0 and "nom" in props0:
        return read_ccas_cias(obj, communes, name)
    rows, other = [], []
    for number, feat in enumerate(found, start=1):
        props = {normalize_text(k): v for k, v in (feat.get("properties") or {}).items()}
        pick = lambda key, props=props: next(  # noqa: E731
            (
                str(props[normalize_text(a)])
                for a in _CSV_COLUMNS[key]
                if props.get(normalize_text(a))
            ),
            "",
        )
        cat = category_code(pick("category"))
        if cat is None:
            other.append(f"objet {number} (« {pick('category')} »)")
            cat = OTHER
        lon, lat = point(feat)
        rows.append(
            {
                "id": str(feat.get("id") or pick("id") or f"geojson-{number}"),
                "name": pick("name") or f"Site {number}",
                "category": cat,
                "address": pick("address"),
                "CODGEO": pick("CODGEO").upper() or None,
                "lon": lon,
                "lat": lat,
                "phone": pick("phone"),
                "email": pick("email"),
                "hours": pick("hours"),
                "source": source or "Import GeoJSON",
            }
        )
    result = place_rows(rows, CommuneIndex(communes), "Import GeoJSON")
    _report_other(result, other)
    return result


def read_sites_file(filename: str, data: bytes, communes: pd.DataFrame) -> SiteImport:
    """Dispatch on the file name: .csv/.txt → CSV, .json/.geojson → JSON formats.

    A field of an unforeseen type deep in a file (a list where a text is expected…) is
    refused in French, naming the file, rather than shown as a trace.
    """
    try:
        return _read_sites_file(filename, data, communes)
    except SiteImportError:
        raise
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise SiteImportError(
            f"« {filename} » a une structure inattendue (un champ d'un type imprévu, "
            f"{type(exc).__name__}) : aucun site n'a été importé. Vérifiez que c'est bien une "
            "liste de sites au format CSV, GeoJSON ou JSON de l'annuaire."
        ) from exc


def _read_sites_file(filename: str, data: bytes, communes: pd.DataFrame) -> SiteImport:
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_sites_csv(data, communes, source=f"Import {filename}", name=filename)
    if suffix in (".json", ".geojson"):
        return read_sites_geojson(data, communes, source=f"Import {filename}", name=filename)
    raise SiteImportError(
        f"Format de fichier non pris en charge : « {filename} » (attendu : .csv, .json, .geojson)."
    )
