"""Importers for two real national sources with their own shapes.

- The Service-Public "annuaire de l'administration" GeoJSON export (2017 base): French, accented
  keys; ``Adresse`` an object or a list, ``Ligne`` a string or a list, coordinates as strings,
  ``Ouverture.PlageJ`` an object or a list. CAF reception points hosted in CCAS premises reveal
  real CCAS addresses: they are added as CCAS sites too.
- The ANCT list of CCAS/CIAS hosting a "conseiller numérique" (JSON list or GeoJSON): no INSEE
  code, only postal code and commune name, resolved against the bundle.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from carto.common.text import normalize_text
from carto.sites.placement import CommuneIndex, SiteImport, place_rows
from carto.sites.reading import features, load_json, point
from carto.sites.reading import records as checked_records
from carto.territories.town_halls import clock_time

ANNUAIRE_SOURCE = "Annuaire Service-Public (DILA), base locale 2017"
CCAS_SOURCE = "ANCT, lieux des conseillers numériques France Services (2022)"

# Each annuaire type (``pivotLocal``) as what it really is: « cg » is the Conseil
# départemental's headquarters, not one of its social-action sites (MDS).
PIVOT_CATEGORIES = {
    "pmi": "pmi",
    "caf": "caf",
    "clic": "clic",
    "maison_handicapees": "mdph",
    "cg": "conseil_departemental",
    "msap": "france_services",
    "mission_locale": "mission_locale",
    "pif": "pif",
    "accompagnement_personnes_agees": "repit_aidants",
    "ccas": "ccas",
    "cias": "cias",
}
# Social-action premises named in a partner's address line (CAF reception points).
HOST_PREMISES = {
    "centre communal d action sociale": "ccas",
    "centre intercommunal d action sociale": "cias",
    "centre polyvalent d action sociale": "mds",
}


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dicts(value: object) -> list[dict]:
    """The objects of a field that should hold objects (anything else is ignored)."""
    return [v for v in _as_list(value) if isinstance(v, dict)]


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    """A string, an annuaire object {"$t": …} or a list of them, as one string."""
    if isinstance(value, dict):
        return str(value.get("$t", ""))
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    return "" if value is None else str(value)


def annuaire_hours(ouverture: object) -> str:
    """'du mardi au vendredi : 9 h – 13 h, 14 h – 17 h' from ``Ouverture`` (objects or lists)."""
    if not isinstance(ouverture, dict):
        return ""
    parts = []
    for day in _dicts(ouverture.get("PlageJ")):
        first, last = day.get("début", ""), day.get("fin", "")
        days = f"le {first}" if not last or first == last else f"du {first} au {last}"
        hours = ", ".join(
            f"{clock_time(h.get('début', ''))} – {clock_time(h.get('fin', ''))}"
            for h in _dicts(day.get("PlageH"))
        )
        text = f"{days} : {hours}" if hours else days
        if day.get("Note"):
            text += f" ({day['Note']})"
        parts.append(text)
    return " ; ".join(parts)


def _best_address(adresse: object) -> dict:
    """The geolocated (géopostale, then physique) address rather than the postal one."""
    addresses = [a for a in _as_list(adresse) if isinstance(a, dict)]
    rank = {"géopostale": 0, "physique": 1, "postale": 2}
    addresses.sort(key=lambda a: (rank.get(a.get("type"), 3), "Localisation" not in a))
    return addresses[0] if addresses else {}


def _address_text(addr: dict) -> str:
    lines = [str(line) for line in _as_list(addr.get("Ligne")) if line]
    city = " ".join(str(x) for x in (addr.get("CodePostal"), addr.get("NomCommune")) if x)
    return "\n".join([*lines, city] if city else lines)


def _float(value: object) -> float:
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError, OverflowError):
        return np.nan
    return number if np.isfinite(number) else np.nan


def read_annuaire_geojson(
    data: bytes | str | dict, communes: pd.DataFrame, name: str = "fichier"
) -> SiteImport:
    """Service-Public annuaire GeoJSON (one department × type file, or several merged)."""
    rows, hosted = [], []
    for number, feat in enumerate(features(load_json(data, name), name), start=1):
        props = feat.get("properties") or {}
        addr = _best_address(props.get("Adresse"))
        loc = _dict(addr.get("Localisation"))
        lon, lat = _float(loc.get("Longitude")), _float(loc.get("Latitude"))
        if np.isnan(lon) or np.isnan(lat):
            lon, lat = point(feat)
        contact = _dict(props.get("CoordonnéesNum"))
        pivot = str(props.get("pivotLocal", ""))
        row = {
            "id": str(props.get("id") or f"annuaire-{number}"),
            "name": str(props.get("Nom") or f"Structure {number}"),
            "category": PIVOT_CATEGORIES.get(pivot, "autre"),
            "address": _address_text(addr),
            "CODGEO": str(props.get("codeInsee") or "").upper() or None,
            "lon": lon,
            "lat": lat,
            "phone": _text(contact.get("Téléphone")),
            "email": _text(contact.get("Email")),
            "hours": annuaire_hours(props.get("Ouverture")),
            "source": f"{ANNUAIRE_SOURCE} ({pivot})",
        }
        rows.append(row)
        host = _host_premises(addr)
        if host:
            hosted.append(row["name"])
            first_line = _as_list(addr.get("Ligne"))[0]
            rows.append(
                {
                    **row,
                    "id": f"{row['id']}-locaux",
                    "name": f"{first_line} ({addr.get('NomCommune', '')})",
                    "category": host,
                    "phone": "",
                    "email": "",
                    "hours": "",
                    "source": f"{ANNUAIRE_SOURCE} : locaux accueillant « {row['name']} »",
                }
            )
    result = place_rows(rows, CommuneIndex(communes), "Annuaire Service-Public")
    if hosted:
        result.messages.append(
            f"{len(hosted)} accueil(s) situé(s) dans les locaux d'un centre d'action sociale "
            "(CCAS ou centre départemental) : ces locaux sont ajoutés comme sites réels — "
            + ", ".join(hosted)
        )
    return result


def _host_premises(addr: dict) -> str | None:
    for line in _as_list(addr.get("Ligne")):
        text = normalize_text(line)
        for key, category in HOST_PREMISES.items():
            if text.startswith(key):
                return category
    return None


_OSM_DAYS = {
    "Mo": "lun.",
    "Tu": "mar.",
    "We": "mer.",
    "Th": "jeu.",
    "Fr": "ven.",
    "Sa": "sam.",
    "Su": "dim.",
    "PH": "jours fériés",
    "off": "fermé",
}


def osm_hours_text(text: object) -> str:
    """OpenStreetMap opening_hours ('Tu-Fr 09:00-12:00') with French day names."""
    if not text:
        return ""
    out = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b", lambda m: _OSM_DAYS[m.group(1)], str(text))
    return out.replace("-", "–")


def _ccas_category(name: str) -> str:
    text = normalize_text(name)
    return "cias" if re.search(r"\bc ?i ?a ?s\b|intercommunal", text) else "ccas"


def read_ccas_cias(
    data: bytes | str | dict | list, communes: pd.DataFrame, name: str = "fichier"
) -> SiteImport:
    """The ANCT CCAS/CIAS list (JSON array or GeoJSON): commune from postal code + name."""
    obj = load_json(data, name)
    if isinstance(obj, list):
        records = [
            (rec, _float(rec.get("longitude")), _float(rec.get("latitude")))
            for rec in checked_records(obj, name)
        ]
    else:
        records = [(f.get("properties") or {}, *point(f)) for f in features(obj, name)]
    index = CommuneIndex(communes)
    rows, unresolved = [], []
    for number, (rec, lon, lat) in enumerate(records, start=1):
        postal, city = str(rec.get("code_postal") or ""), str(rec.get("commune") or "")
        code = index.by_postal_name(postal, city)
        if code is None:
            unresolved.append(f"« {rec.get('nom')} » ({postal} {city})")
        rows.append(
            {
                "id": str(rec.get("id") or f"ccas-{number}"),
                "name": str(rec.get("nom") or f"CCAS {number}"),
                "category": _ccas_category(str(rec.get("nom") or "")),
                "address": "\n".join(
                    x for x in (rec.get("adresse"), f"{postal} {city}".strip()) if x
                ),
                "CODGEO": code,
                "lon": lon,
                "lat": lat,
                "phone": str(rec.get("telephone") or ""),
                "email": str(rec.get("courriel") or ""),
                "hours": osm_hours_text(rec.get("horaires")),
                "source": CCAS_SOURCE,
            }
        )
    result = place_rows(rows, index, "Liste des CCAS/CIAS")
    if unresolved:
        result.messages.insert(
            1,
            f"{len(unresolved)} site(s) dont le code postal et le nom de commune ne désignent "
            "aucune commune actuelle (rattachement par les coordonnées tenté) : "
            + ", ".join(unresolved),
        )
    return result
