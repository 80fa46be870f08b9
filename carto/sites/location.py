"""Sites whose coordinates disagree with their commune: placed outside its department.

Why a check on import: a source may geocode an address in the wrong country (one real CCAS of
Meurthe-et-Moselle is plotted in Luxembourg by its publisher). Such a site is kept, as the source
gives it, but the import report names it, so that nobody reads a coverage gap or a far-away
point without knowing the position is doubtful. A few kilometres of slack keep the sites of
border towns, whose geocoding may fall just across the line, out of the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from carto.common.fmt import format_number
from carto.territories.bundle import area_crs_for_department

FAR_KM = 5.0  # beyond this distance from its department, a site's position is doubted


@dataclass(frozen=True)
class FarSite:
    """A site placed away from the department of its commune."""

    name: str
    commune: str  # « Longwy (54323) »
    department: str
    distance_km: float

    @property
    def text(self) -> str:
        return (
            f"{self.name} (commune {self.commune}, à {format_number(self.distance_km, 0)} km "
            f"du département {self.department})"
        )


def far_from_department(
    sites: pd.DataFrame, communes: pd.DataFrame, limit_km: float = FAR_KM
) -> list[FarSite]:
    """The sites whose own coordinates lie more than ``limit_km`` outside their department.

    ``sites`` follows ``carto.sites.table.SITE_COLUMNS``; sites placed at a town hall
    (``approximate``) or without a commune are not checked. ``communes`` carries CODGEO,
    LIBGEO, DEP and the geometry (EPSG:4326).
    """
    if "geometry" not in communes or sites.empty:
        return []
    com = communes.set_index("CODGEO", drop=False)
    known = sites[
        ~sites["approximate"].astype(bool)
        & sites["CODGEO"].isin(com.index)
        & sites["lon"].notna()
        & sites["lat"].notna()
    ]
    departments = known["CODGEO"].map(com["DEP"])
    found: list[FarSite] = []
    for dep, group in known.groupby(departments, sort=True):
        crs = area_crs_for_department(str(dep))
        shapes = gpd.GeoSeries(com.loc[com["DEP"] == dep].geometry, crs="EPSG:4326").to_crs(crs)
        points = gpd.GeoSeries(
            shapely.points(group["lon"].to_numpy(float), group["lat"].to_numpy(float)),
            crs="EPSG:4326",
        ).to_crs(crs)
        tree = shapely.STRtree(shapes.to_numpy())
        _, distances = tree.query_nearest(
            points.to_numpy(), return_distance=True, all_matches=False
        )
        for row, metres in zip(group.to_dict("records"), np.asarray(distances), strict=True):
            if metres / 1000 > limit_km:
                commune = f"{com.at[row['CODGEO'], 'LIBGEO']} ({row['CODGEO']})"
                found.append(FarSite(row["name"], commune, str(dep), metres / 1000))
    return found


def far_sites_message(found: list[FarSite], limit_km: float = FAR_KM) -> str | None:
    """The import report's line about them (None when every site is where it should be)."""
    if not found:
        return None
    return (
        f"{len(found)} site(s) placé(s) par leurs coordonnées à plus de "
        f"{format_number(limit_km, 0)} km du département de leur commune (position douteuse "
        "dans la source, à vérifier) : " + ", ".join(f.text for f in found)
    )
