"""Coverage: town hall → nearest site distances in metric CRS, population beyond a threshold."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import box
from sites_fixtures import tiny_communes

from carto.districts.model import DistrictSet
from carto.sites.coverage import (
    BEYOND_COLUMN,
    CoverageError,
    coverage_measures,
    distance_indicator,
    nearest_site_distance,
    population_beyond,
)
from carto.sites.table import normalize_sites


def lambert_frame(points: dict[str, tuple[float, float]], crs: str) -> pd.DataFrame:
    """Communes whose town halls sit at given metric coordinates."""
    halls = gpd.GeoSeries(gpd.points_from_xy(*zip(*points.values(), strict=True)), crs=crs)
    halls = halls.to_crs("EPSG:4326")
    return gpd.GeoDataFrame(
        {
            "CODGEO": list(points),
            "MAIRIE_LON": halls.x.to_numpy(),
            "MAIRIE_LAT": halls.y.to_numpy(),
            "P_POP": [100.0, 200.0, 300.0][: len(points)],
        },
        geometry=[box(p.x - 0.01, p.y - 0.01, p.x + 0.01, p.y + 0.01) for p in halls],
        crs="EPSG:4326",
    )


def sites_at(points: list[tuple[float, float, str]], crs: str) -> pd.DataFrame:
    xy = gpd.GeoSeries(gpd.points_from_xy([p[0] for p in points], [p[1] for p in points]), crs=crs)
    xy = xy.to_crs("EPSG:4326")
    return normalize_sites(
        pd.DataFrame(
            {
                "id": [f"s{i}" for i in range(len(points))],
                "name": "S",
                "category": [p[2] for p in points],
                "lon": xy.x,
                "lat": xy.y,
            }
        )
    )


def test_distances_in_lambert_93_kilometres():
    communes = lambert_frame(
        {"54001": (903_000, 6_850_000), "54002": (900_000, 6_862_000)}, "EPSG:2154"
    )
    sites = sites_at([(900_000, 6_850_000, "ccas"), (900_000, 6_862_500, "caf")], "EPSG:2154")
    both = nearest_site_distance(communes, sites, "54")
    assert both.to_dict() == pytest.approx({"54001": 3.0, "54002": 0.5}, abs=1e-6)
    ccas = nearest_site_distance(communes, sites, "54", ["ccas"])
    assert ccas.to_dict() == pytest.approx({"54001": 3.0, "54002": 12.0}, abs=1e-6)
    with pytest.raises(CoverageError, match="Aucun site"):
        nearest_site_distance(communes, sites, "54", ["pmi"])


def test_overseas_uses_the_local_projection():
    # Réunion (974, UTM 40S): 10 km east of a site, checked against the ellipsoid distance.
    communes = lambert_frame({"97411": (345_000, 7_690_000)}, "EPSG:2975")
    sites = sites_at([(335_000, 7_690_000, "ccas")], "EPSG:2975")
    km = nearest_site_distance(communes, sites, "974").iloc[0]
    lon1, lat1 = communes["MAIRIE_LON"].iloc[0], communes["MAIRIE_LAT"].iloc[0]
    _, _, metres = Geod(ellps="GRS80").inv(lon1, lat1, sites["lon"].iloc[0], sites["lat"].iloc[0])
    assert km == pytest.approx(10.0, abs=1e-6)
    assert km == pytest.approx(metres / 1000, rel=2e-3)


def test_missing_town_hall_uses_a_point_of_the_commune():
    communes = tiny_communes()
    sites = normalize_sites(
        pd.DataFrame({"id": ["a"], "name": "A", "category": "ccas", "lon": [6.25], "lat": [48.75]})
    )
    dist = nearest_site_distance(communes, sites, "54")
    assert np.isfinite(dist).all() and dist["54006"] < 4  # 54006 has no town hall in the bundle


def test_population_beyond_per_district_and_department():
    communes = lambert_frame(
        {"1": (900_000, 6_850_000), "2": (905_000, 6_850_000), "3": (920_000, 6_850_000)},
        "EPSG:2154",
    )
    sites = sites_at([(900_000, 6_850_000, "ccas")], "EPSG:2154")
    dist = nearest_site_distance(communes, sites, "54")
    measures = communes.set_index("CODGEO")[["P_POP"]]
    with_cov = coverage_measures(measures, dist, threshold_km=4)
    assert with_cov[BEYOND_COLUMN].tolist() == [0.0, 200.0, 300.0]
    dep = population_beyond(with_cov)
    assert dep.loc["Département"].tolist() == [600.0, 500.0, pytest.approx(500 / 600)]
    zones = DistrictSet("54", "D", {"1": "A", "2": "A", "3": "B"}).zones()
    per = population_beyond(with_cov, zones)
    assert per["population_au_dela"].to_dict() == {"A": 200.0, "B": 300.0}
    assert distance_indicator("CCAS").kind == "value"  # a distance is not summed over districts
    with pytest.raises(CoverageError, match="positive"):
        coverage_measures(measures, dist, -1)


def test_pas_de_calais_sites_at_the_town_halls_are_at_distance_zero(bundle):
    communes = bundle.communes[bundle.communes["DEP"] == "62"]
    halls = communes.dropna(subset=["MAIRIE_LON", "MAIRIE_LAT"])
    sites = pd.DataFrame(
        {"lon": halls["MAIRIE_LON"], "lat": halls["MAIRIE_LAT"], "category": "ccas"}
    )
    dist = nearest_site_distance(communes, sites, "62", ["ccas"])
    assert len(dist) == len(communes) and (dist.loc[halls["CODGEO"]] < 1e-6).all()
