"""Plain values that one view is made of, besides territories and map views.

Why dataclasses rather than tuples: each crosses from the builders to the caches and the
panels, and is read there by field name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ReferenceArea:
    """The communes a territory is compared with, and the French name of that reference."""

    codes: pd.Index
    label: str  # « Meurthe-et-Moselle », « la région Grand Est », « la France »


@dataclass(frozen=True)
class ZoneTable:
    """The zones' table (every indicator) and its CSV export for French Excel.

    ``notes``: same rows, one column per indicator column of ``frame``: what a cell shows
    instead of its bare number (« secret statistique », « au moins 2 319 ménages (20
    communes sous secret) »), "" elsewhere.
    """

    frame: pd.DataFrame
    csv: bytes
    notes: pd.DataFrame | None = None


@dataclass(frozen=True)
class DistrictOverlay:
    """The outlines of a district set as GeoJSON, and the labels drawn at their centres."""

    geojson: dict | None = None
    labels: tuple[tuple[float, float, str], ...] = ()  # latitude, longitude, escaped HTML
