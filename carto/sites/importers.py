"""Site importers: CSV, GeoJSON points, the Service-Public annuaire export, the CCAS/CIAS list.

Why one resolver for all: every source names the commune differently (INSEE code, postal code
and name, only coordinates). ``CommuneIndex`` resolves them against the bundle, and each
importer returns what it could not resolve, the duplicates and the approximate positions in
French (``SiteImport.messages`` / ``rejected``), never dropping a row silently.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from carto.common.fmt import parse_number
from carto.common.tabular import decode
from carto.sites.model import (
    OTHER,
    category_code,
    category_label,
    empty_sites,
    normalize_sites,
    normalize_text,
)


class SiteImportError(ValueError):
    """The file cannot be read as a list of sites; the message is French."""


@dataclass
class SiteImport:
    sites: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows not placed + "motif"
    messages: list[str] = field(default_factory=list)


def _postal_department(postal: str) -> str:
    if postal.startswith("20"):
        return "2A" if postal < "20200" else "2B"
    return postal[:3] if postal.startswith("97") else postal[:2]


class CommuneIndex:
    """Look communes up by code, by postal code + name (from the town-hall addresses), by point."""

    def __init__(self, communes: pd.DataFrame) -> None:
        self.communes = communes.set_index("CODGEO", drop=False)
        self.by_postal: dict[str, set[str]] = defaultdict(set)
        self.by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        for code, dep, name, address in zip(
            communes["CODGEO"],
            communes["DEP"],
            communes["LIBGEO"],
            communes["MAIRIE_ADRESSE"],
            strict=True,
        ):
            self.by_name[(dep, normalize_text(name))].add(code)
            last = str(address or "").strip().split("\n")[-1]
            match = re.match(r"(\d{5})\s+(.*)", last)
            if match:
                self.by_postal[match.group(1)].add(code)
                self.by_name[(dep, normalize_text(match.group(2)))].add(code)

    def known(self, code: str) -> bool:
        return code in self.communes.index

    def label(self, code: str) -> str:
        return f"{self.communes.at[code, 'LIBGEO']} ({code})" if self.known(code) else code

    def town_hall(self, code: str) -> tuple[float, float]:
        row = self.communes.loc[code]
        lon, lat = float(row["MAIRIE_LON"]), float(row["MAIRIE_LAT"])
        if np.isnan(lon) or np.isnan(lat):
            point = row["geometry"].representative_point()
            lon, lat = point.x, point.y
        return lon, lat

    def by_postal_name(self, postal: str, name: str) -> str | None:
        """Commune of a postal code and a name; the name alone within the department next."""
        postal = str(postal or "").strip().zfill(5)
        key = normalize_text(name)
        named = self.by_name.get((_postal_department(postal), key), set())
        both = named & self.by_postal.get(postal, set())
        for found in (both, named):
            if len(found) == 1:
                return next(iter(found))
        return None

    def by_point(self, lon: float, lat: float) -> str | None:
        if "geometry" not in self.communes or np.isnan(lon) or np.isnan(lat):
            return None
        hits = self.communes.sindex.query(shapely.Point(lon, lat), predicate="intersects")
        codes = [c for c in self.communes["CODGEO"].iloc[hits] if self._is_com(c)]
        return codes[0] if codes else None

    def _is_com(self, code: str) -> bool:
        return "TYPE" not in self.communes or self.communes.at[code, "TYPE"] == "COM"


# --- shared row placement -------------------------------------------------------------------


def _place(rows: list[dict], index: CommuneIndex, source_label: str) -> SiteImport:
    """Resolve commune, position and duplicates of parsed rows; report everything in French."""
    kept, rejected, messages = [], [], []
    approx_names, unknown, by_point = [], [], []
    for row in rows:
        code = row.get("CODGEO")
        lon, lat = row.get("lon", np.nan), row.get("lat", np.nan)
        has_xy = not (np.isnan(lon) or np.isnan(lat))
        if code and not index.known(code):
            unknown.append(f"{row['name']} (code {code})")
            code = None
        if not code and has_xy:
            code = index.by_point(lon, lat)
            if code:
                by_point.append(row["name"])
        if not has_xy:
            if not code:
                rejected.append({**row, "motif": "commune introuvable et pas de coordonnées"})
                continue
            lon, lat = index.town_hall(code)
            row["approximate"] = True
            approx_names.append(row["name"])
        kept.append({**row, "CODGEO": code, "lon": lon, "lat": lat})
    sites = normalize_sites(pd.DataFrame(kept)) if kept else empty_sites()
    sites, dup_messages = _drop_duplicates(sites)
    messages.append(f"{source_label} : {len(sites)} site(s) importé(s).")
    if unknown:
        messages.append(
            f"{len(unknown)} code(s) commune inconnu(s) de la géographie en vigueur : "
            + ", ".join(unknown)
        )
    if by_point:
        messages.append(
            f"{len(by_point)} site(s) rattaché(s) à leur commune par leurs coordonnées : "
            + ", ".join(by_point)
        )
    if approx_names:
        messages.append(
            f"{len(approx_names)} site(s) sans coordonnées placé(s) à la mairie de leur commune "
            "(position approximative) : " + ", ".join(approx_names)
        )
    unresolved = sites.loc[sites["CODGEO"].isna(), "name"].tolist()
    if unresolved:
        messages.append(
            f"{len(unresolved)} site(s) dont la commune n'a pas pu être déterminée "
            "(affichés, mais rattachés à aucune commune) : " + ", ".join(unresolved)
        )
    if rejected:
        messages.append(
            f"{len(rejected)} ligne(s) non importée(s) (ni commune reconnue ni coordonnées) : "
            + ", ".join(str(r["name"]) for r in rejected)
        )
    return SiteImport(sites, pd.DataFrame(rejected), messages + dup_messages)


def _drop_duplicates(sites: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Same name, address and commune: keep the first record, name the others."""
    key = (
        sites["name"].map(normalize_text)
        + "|"
        + sites["address"].map(normalize_text)
        + "|"
        + sites["CODGEO"].fillna("")
        + "|"
        + sites["category"]
    )
    dup = key.duplicated(keep="first")
    messages = []
    for k in key[dup].unique():
        group = sites[key == k]
        first = group.iloc[0]
        messages.append(
            f"Doublon : « {first['name']} » ({first['address'].splitlines()[0]}) figure "
            f"{len(group)} fois ; une seule fiche conservée (identifiants écartés : "
            f"{', '.join(group['id'].iloc[1:])})."
        )
    return sites[~dup].reset_index(drop=True), messages


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


def read_sites_csv(data: bytes | str, communes: pd.DataFrame, source: str = "") -> SiteImport:
    """CSV with name, category, address, commune code, optional latitude/longitude (';' or ',')."""
    text = decode(data)
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SiteImportError(f"Fichier CSV illisible : {exc}") from exc
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
    result = _place(rows, CommuneIndex(communes), "Import CSV")
    _report_other(result, other)
    return result


def _report_other(result: SiteImport, other: list[str]) -> None:
    if other:
        result.messages.append(
            f"{len(other)} catégorie(s) non reconnue(s), classée(s) en "
            f"« {category_label(OTHER)} » : " + ", ".join(other)
        )


# --- JSON / GeoJSON -----------------------------------------------------------------------------


def _load_json(data: bytes | str | dict | list) -> dict | list:
    if isinstance(data, dict | list):
        return data
    try:
        return json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise SiteImportError(f"Fichier JSON illisible : {exc.msg} (ligne {exc.lineno}).") from exc


def _features(obj: dict | list) -> list[dict]:
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        return obj.get("features") or []
    raise SiteImportError("Le fichier n'est pas une collection GeoJSON (FeatureCollection).")


def _point(feature: dict) -> tuple[float, float]:
    geom = feature.get("geometry") or {}
    coords = geom.get("coordinates") if geom.get("type") == "Point" else None
    try:
        return float(coords[0]), float(coords[1])
    except (TypeError, ValueError, IndexError):
        return np.nan, np.nan


def read_sites_geojson(
    data: bytes | str | dict, communes: pd.DataFrame, source: str = ""
) -> SiteImport:
    """GeoJSON points; recognises the annuaire export and the CCAS/CIAS list by their keys."""
    from carto.sites.national import read_annuaire_geojson, read_ccas_cias

    obj = _load_json(data)
    if isinstance(obj, list):
        return read_ccas_cias(obj, communes)
    features = _features(obj)
    props0 = (features[0].get("properties") or {}) if features else {}
    if "pivotLocal" in props0:
        return read_annuaire_geojson(obj, communes)
    if "code_postal" in props0 and "nom" in props0:
        return read_ccas_cias(obj, communes)
    rows, other = [], []
    for number, feat in enumerate(features, start=1):
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
        lon, lat = _point(feat)
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
    result = _place(rows, CommuneIndex(communes), "Import GeoJSON")
    _report_other(result, other)
    return result


def read_sites_file(filename: str, data: bytes, communes: pd.DataFrame) -> SiteImport:
    """Dispatch on the file name: .csv/.txt → CSV, .json/.geojson → JSON formats."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_sites_csv(data, communes, source=f"Import {filename}")
    if suffix in (".json", ".geojson"):
        return read_sites_geojson(data, communes, source=f"Import {filename}")
    raise SiteImportError(
        f"Format de fichier non pris en charge : « {filename} » (attendu : .csv, .json, .geojson)."
    )


def points_frame(sites: pd.DataFrame) -> gpd.GeoDataFrame:
    """Sites as a GeoDataFrame in EPSG:4326 (for distance computations)."""
    return gpd.GeoDataFrame(
        sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs="EPSG:4326"
    )
