"""Tables as payload bytes: what the stores of documents keep beside a JSON document.

Why in memory: a payload goes to a file (one machine) or to a database row (several app
servers) through the same ``carto.common.collection`` call; the table is serialised once,
here, and never written to a file by the domain that built it.
"""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd


def parquet_bytes(frame: pd.DataFrame | gpd.GeoDataFrame) -> bytes:
    """The parquet serialisation of ``frame`` (GeoParquet for a GeoDataFrame)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def read_parquet_bytes(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


def read_geoparquet_bytes(data: bytes) -> gpd.GeoDataFrame:
    return gpd.read_parquet(io.BytesIO(data))
