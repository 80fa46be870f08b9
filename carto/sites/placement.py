"""Placing imported sites: which commune each row belongs to, where to draw it, duplicates.

Why one resolver for every source: each names the commune differently (INSEE code, postal
code and name, only coordinates). ``CommuneIndex`` resolves them against the bundle, and
``place_rows`` returns what it could not resolve, the duplicates and the approximate positions
in French (``SiteImport.messages`` / ``rejected``), never dropping a row silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from carto.common.text import normalize_text
from carto.sites.location import far_from_department, far_sites_message
from carto.sites.table import empty_sites, normalize_sites


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


def place_rows(rows: list[dict], index: CommuneIndex, source_label: str) -> SiteImport:
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
    sites, dup_messages = drop_duplicates(sites)
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
    far = far_sites_message(far_from_department(sites, index.communes))
    if far:
        messages.append(far)
    return SiteImport(sites, pd.DataFrame(rejected), messages + dup_messages)


def drop_duplicates(sites: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
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
