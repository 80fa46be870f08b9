"""Stored IRIS contours and the IRIS view of a city.

Why stored apart from the indicator imports: contours are geometry, imported once per IGN
edition, while Filosofi IRIS indicators come every year; the view joins them at display time
and says which IRIS lack one or the other (carto.territories.iris_contours.join_iris).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from carto.common.files import atomic_write
from carto.common.paths import user_data_folder
from carto.territories.bundle import Bundle
from carto.territories.zones import Territory, department_label

CONTOURS_FILE = "contours.parquet"


def _path() -> Path:
    return user_data_folder("iris") / CONTOURS_FILE


def load_contours() -> gpd.GeoDataFrame | None:
    path = _path()
    if not path.exists():
        return None
    frame = gpd.read_parquet(path)
    frame.index = frame.index.astype("str")
    return frame


def save_contours(contours: gpd.GeoDataFrame) -> int:
    """Add (or replace) contours; the others are kept. Atomic: old file or new, never half.

    Returns the number of IRIS stored in all.
    """
    stored = load_contours()
    if stored is not None:
        stored = stored[~stored.index.isin(contours.index)]
        contours = pd.concat([stored, contours.to_crs(stored.crs)])
    atomic_write(_path(), contours.to_parquet)
    return len(contours)


def delete_contours() -> None:
    _path().unlink(missing_ok=True)


def departments_with_iris(contours: gpd.GeoDataFrame | None, bundle: Bundle) -> set[str]:
    if contours is None or contours.empty:
        return set()
    dep_of = bundle.communes.set_index("CODGEO")["DEP"]
    return set(contours["INSEE_COM"].astype("str").map(dep_of).dropna())


def iris_territory(
    bundle: Bundle,
    dep: str,
    contours: gpd.GeoDataFrame,
    values: pd.DataFrame,
    secret: pd.DataFrame | None,
) -> Territory:
    """The IRIS of a department's cities that have contours, with their IRIS indicators."""
    com = bundle.communes.set_index("CODGEO")
    in_dep = contours["INSEE_COM"].astype("str").map(com["DEP"]) == dep
    zones = contours[in_dep].sort_index()
    names = zones["INSEE_COM"].astype("str").map(com["LIBGEO"]).fillna(zones["INSEE_COM"])
    zones = zones.assign(LIBGEO=zones["NOM_IRIS"].astype(str) + " (" + names + ")")
    zones["CODGEO"] = zones.index
    measures = values.reindex(zones.index).astype(float)
    sec = None if secret is None else secret.reindex(zones.index, fill_value=0)
    return Territory(
        code=dep,
        label=department_label(bundle, dep),
        level="iris",
        zones=zones,
        measures=measures,
        secret=sec,
    )
