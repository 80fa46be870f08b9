"""Finding a territory by its name: the choices of the search box, and where to look at one.

Why here: in a meeting, whoever holds the keyboard must reach « Nancy » without aiming at a
commune on a projected map; the search offers the zones of the level shown (communes, EPCI,
districts…), in French alphabetical order, and a chosen one is selected as a click selects it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carto.common.text import sort_key
from carto.map.geojson import center_of, fit_zoom
from carto.territories.zones import Territory

CODED_LEVELS = frozenset({"commune", "arrondissement", "iris", "departement"})
MAX_FOCUS_ZOOM = 12  # a small commune is shown with its neighbours, not as a blank tile


@dataclass(frozen=True)
class Focus:
    """Where the map looks after a search: the zone's centre and a zoom that shows it whole."""

    centre: tuple[float, float]  # latitude, longitude
    zoom: int


def search_options(terr: Territory) -> dict[str, str]:
    """Zone code → what the search shows: « Nancy (54395) » for coded zones (two communes may
    share a name), the name alone for EPCI and districts; ordered as a French reader expects."""
    names = terr.zones["LIBGEO"].astype(str)
    coded = terr.level in CODED_LEVELS
    labels = {
        str(code): f"{name} ({code})" if coded and name != code else name
        for code, name in names.items()
    }
    return dict(sorted(labels.items(), key=lambda item: sort_key(item[1])))


def zone_focus(zones: pd.DataFrame, code: str, width: int = 760, height: int = 520) -> Focus:
    """The view that shows the zone ``code`` whole in a map of about ``width`` × ``height``."""
    west, south, east, north = zones.geometry.loc[[code]].total_bounds
    bounds = (float(south), float(west), float(north), float(east))
    zoom = min(fit_zoom(bounds, width, height) - 1, MAX_FOCUS_ZOOM)  # with its neighbours
    return Focus(center_of(bounds), zoom)
