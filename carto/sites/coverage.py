"""Coverage: straight-line distance from each town hall to the nearest site of chosen categories.

Why town halls and straight lines: no routing or network geocoding is available offline, and the
town hall is where the bundle locates the commune's services. Distances are computed in the
department's metric CRS (Lambert-93 in metropolitan France, local UTM overseas), so they are
true kilometres. Results are measure columns, so they map and aggregate like any indicator.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from carto.indicators.catalogue import Indicator, Kind, Polarity
from carto.territories.bundle import area_crs_for_department

DISTANCE_COLUMN = "DIST_SITE_KM"
BEYOND_COLUMN = "P_POP_AU_DELA"
SOURCE = "Calcul de l'atlas : distance à vol d'oiseau de la mairie au site le plus proche"


class CoverageError(ValueError):
    """Coverage cannot be computed (no site of the chosen categories); French message."""


def town_halls(communes: pd.DataFrame) -> gpd.GeoSeries:
    """Town-hall points (a point on the commune's surface when the bundle has none)."""
    lon = communes["MAIRIE_LON"].astype(float).to_numpy()
    lat = communes["MAIRIE_LAT"].astype(float).to_numpy()
    points = shapely.points(lon, lat)
    missing = np.isnan(lon) | np.isnan(lat)
    if missing.any():
        points[missing] = shapely.point_on_surface(communes.geometry.to_numpy()[missing])
    return gpd.GeoSeries(points, index=communes["CODGEO"].to_numpy(), crs="EPSG:4326")


def nearest_site_distance(
    communes: pd.DataFrame,
    sites: pd.DataFrame,
    dep: str,
    categories: list[str] | None = None,
) -> pd.Series:
    """Distance in km (index CODGEO) from each commune's town hall to the nearest site.

    ``sites`` should include the neighbouring departments' sites: the nearest may be across
    the border.
    """
    chosen = sites if categories is None else sites[sites["category"].isin(categories)]
    chosen = chosen.dropna(subset=["lon", "lat"])
    if chosen.empty:
        raise CoverageError("Aucun site des catégories choisies : distance non calculable.")
    crs = area_crs_for_department(dep)
    halls = town_halls(communes).to_crs(crs)
    points = gpd.GeoSeries(
        shapely.points(chosen["lon"].to_numpy(float), chosen["lat"].to_numpy(float)),
        crs="EPSG:4326",
    ).to_crs(crs)
    tree = shapely.STRtree(points.values)
    _, distances = tree.query_nearest(halls.values, return_distance=True, all_matches=False)
    return pd.Series(distances / 1000.0, index=halls.index, name=DISTANCE_COLUMN).rename_axis(
        "CODGEO"
    )


def coverage_measures(
    measures: pd.DataFrame, distance_km: pd.Series, threshold_km: float
) -> pd.DataFrame:
    """Measures plus the distance and the population living beyond ``threshold_km``."""
    if threshold_km < 0:
        raise CoverageError("La distance seuil doit être positive.")
    dist = distance_km.reindex(measures.index)
    beyond = measures["P_POP"].where(dist > threshold_km, 0.0).where(dist.notna())
    return measures.assign(**{DISTANCE_COLUMN: dist, BEYOND_COLUMN: beyond})


def population_beyond(
    measures: pd.DataFrame, zones: pd.Series | None = None, label: str = "Département"
) -> pd.DataFrame:
    """Population, population beyond the threshold and its share, per zone (or in total)."""
    keys = zones.reindex(measures.index) if zones is not None else pd.Series(label, measures.index)
    grouped = measures.groupby(keys, sort=True)
    table = pd.DataFrame(
        {
            "population": grouped["P_POP"].sum(min_count=1),
            "population_au_dela": grouped[BEYOND_COLUMN].sum(min_count=1),
        }
    )
    table["part_au_dela"] = table["population_au_dela"] / table["population"].where(
        table["population"] > 0
    )
    return table


def distance_indicator(categories_label: str) -> Indicator:
    """A commune-level value (a distance is not summed, nor averaged over a district)."""
    return Indicator(
        id="distance_site",
        label=f"Distance au site le plus proche ({categories_label})",
        definition="Distance à vol d'oiseau entre la mairie de la commune et le site le plus "
        f"proche parmi : {categories_label}. Calculée en Lambert-93 (projections UTM locales "
        "outre-mer).",
        unit="km",
        source=SOURCE,
        vintage="calcul à la date d'import des sites",
        kind=Kind.VALUE,
        column=DISTANCE_COLUMN,
        decimals=1,
        polarity=Polarity.HIGHER_WORSE,
        theme="Accès aux services",
    )
