"""District outlines, label points and their map GeoJSON.

A district's outline is the dissolved union of its communes (``carto.territories.geometry``),
so its borders are exactly the communes' and a commune never straddles two districts.
"""

from __future__ import annotations

import html
import json

import geopandas as gpd
import pandas as pd
import shapely

from carto.common.fmt import format_number
from carto.districts.model import DistrictSet
from carto.territories.geometry import dissolve


def district_geometries(ds: DistrictSet, communes: pd.DataFrame) -> gpd.GeoDataFrame:
    """One row per district (index: name): geometry (EPSG:4326), communes, population, label.

    Only communes of the set's department with a geometry are used; the others are what
    ``carto.districts.model.validate`` reports.
    """
    own = communes[(communes["DEP"] == ds.department) & communes["CODGEO"].isin(ds.mapping)]
    own = own[own.geometry.notna()]
    keys = own["CODGEO"].map(ds.mapping)
    rows = []
    for name, group in own.groupby(keys, sort=False):
        shape = dissolve(group.geometry.values)
        label = shapely.point_on_surface(shape)
        rows.append(
            {
                "DISTRICT": name,
                "n_communes": len(group),
                "P_POP": group["P_POP"].sum(min_count=1) if "P_POP" in group else float("nan"),
                "label_lon": label.x,
                "label_lat": label.y,
                "geometry": shape,
            }
        )
    frame = gpd.GeoDataFrame(
        rows,
        columns=["DISTRICT", "n_communes", "P_POP", "label_lon", "label_lat", "geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )
    return frame.set_index("DISTRICT", drop=False).sort_index()


def districts_geojson(geoms: gpd.GeoDataFrame) -> dict:
    """FeatureCollection of district outlines for a ``folium.GeoJson`` layer drawn above the
    choropleth (style: no fill, thick border). Names are HTML-escaped for tooltips."""
    features = []
    for row, geometry in zip(
        geoms.drop(columns="geometry").to_dict("records"), geoms.geometry.values, strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "id": html.escape(str(row["DISTRICT"])),
                "geometry": json.loads(shapely.to_geojson(geometry)),
                "properties": {
                    "name": html.escape(str(row["DISTRICT"])),
                    "n_communes": int(row["n_communes"]),
                    "population": format_number(row["P_POP"]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def district_labels(geoms: gpd.GeoDataFrame) -> list[tuple[float, float, str]]:
    """(lat, lon, escaped HTML) for one ``folium.Marker(icon=DivIcon(html=...))`` per district."""
    return [
        (
            row.label_lat,
            row.label_lon,
            '<div style="font:600 11px sans-serif;color:#1a1a1a;white-space:nowrap;'
            'text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%)">'
            f"{html.escape(str(row.DISTRICT))}</div>",
        )
        for row in geoms.itertuples()
    ]


DISTRICT_STYLE = {"color": "#222222", "weight": 2.5, "fill": False, "fillOpacity": 0}


def district_style(_feature: dict) -> dict:
    """folium style_function for district outlines (drawn over the choropleth)."""
    return dict(DISTRICT_STYLE)
