"""Tiny hand-built communes for the sites, districts and coverage tests.

A 3 × 2 grid of 0.1° squares near Nancy in department 54 (two EPCI), plus one commune of
department 55 to the east. Town halls at the squares' centres, except 54006 (none known).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import box

NAMES = {
    "54001": "Alpha",
    "54002": "Épinal-les-Bains",
    "54003": "Saint-Gamma",
    "54004": "Delta",
    "54005": "Epsilon",
    "54006": "Zêta",
    "55001": "Ailleurs",
}


def tiny_communes() -> gpd.GeoDataFrame:
    rows = []
    for i, (code, name) in enumerate(NAMES.items()):
        col, line = (i % 3, i // 3) if code.startswith("54") else (3, 0)
        x0, y0 = round(6.0 + 0.1 * col, 6), round(48.6 + 0.1 * line, 6)
        has_hall = code != "54006"
        rows.append(
            {
                "CODGEO": code,
                "LIBGEO": name,
                "TYPE": "COM",
                "DEP": code[:2],
                "EPCI": "E1" if code in ("54001", "54002", "54003") else "E2",
                "P_POP": float(100 * (i + 1)),
                "AREA_KM2": 1.0,
                "MAIRIE_ADRESSE": f"1 place de la Mairie\n{code[:2]}{i}00 {name}",
                "MAIRIE_TEL": "03 83 00 00 0" + str(i),
                "MAIRIE_EMAIL": f"mairie@{code}.fr",
                "MAIRIE_HORAIRES": '[["lundi","vendredi",[["09:00:00","12:00:00"]]]]',
                "MAIRIE_LON": round(x0 + 0.05, 6) if has_hall else np.nan,
                "MAIRIE_LAT": round(y0 + 0.05, 6) if has_hall else np.nan,
                "geometry": box(x0, y0, round(x0 + 0.1, 6), round(y0 + 0.1, 6)),
            }
        )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def save_town_hall_sites(communes, codes: list[str], name: str = "CCAS") -> None:
    """Store a real list of CCAS located at the town halls of ``codes`` (bundle communes)."""
    from carto.sites.storage import save_site_list
    from carto.sites.table import normalize_sites

    halls = communes.set_index("CODGEO").loc[codes].reset_index()
    save_site_list(
        name,
        normalize_sites(
            halls.assign(
                id=halls["CODGEO"],
                name=name,
                category="ccas",
                lon=halls["MAIRIE_LON"],
                lat=halls["MAIRIE_LAT"],
            )
        ),
    )
