"""The town-hall layer: one point per mairie, with its address, phone and hours in the popup.

Why a GeoJSON of points rather than one marker per town hall: a department has hundreds of
communes, and one ``folium.GeoJson`` layer of CircleMarkers draws them in a fraction of the
time (``carto.map.geojson.points_layer``).
"""

from __future__ import annotations

import pandas as pd

from carto.map.geojson import escape
from carto.territories.town_halls import format_hours


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
