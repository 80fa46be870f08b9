"""Assemble a ``PortraitData`` for a commune, an EPCI or a district from the atlas's data.

Why a separate step: the exporters take plain data; this is the one place that knows which
communes make up the territory, which neighbours frame the map, which sites and notes belong
to it, and that says (in the portrait's notes) what could not be counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from carto.diagnosis.model import LEVELS, Observation
from carto.diagnosis.portrait.model import (
    PortraitData,
    indicator_rows,
    shapes_from_frame,
    sites_from_frame,
)
from carto.indicators.catalogue import Indicator

MAP_MARGIN = 0.25  # neighbours within a quarter of the territory's extent frame the map


def members_of(
    communes: pd.DataFrame, level: str, code: str, districts: pd.Series | None = None
) -> list[str]:
    """Commune codes of a territory: itself, the EPCI's members, or the district's members.

    ``districts`` maps CODGEO → district name (``DistrictSet.zones()``) for level "district".
    """
    if level == "commune":
        return [code]
    if level == "epci":
        return sorted(communes.loc[communes["EPCI"] == code, "CODGEO"].astype(str))
    if level == "district":
        if districts is None:
            return []
        return sorted(str(c) for c in districts.index[districts == code])
    raise ValueError(f"Niveau de territoire « {level} » inconnu (attendu : {', '.join(LEVELS)}).")


def build_portrait(
    *,
    level: str,
    code: str,
    name: str,
    department_name: str,
    members: Sequence[str],
    zones: pd.DataFrame,
    measures: pd.DataFrame,
    france_measures: pd.DataFrame,
    indicators: Iterable[Indicator],
    sites: pd.DataFrame | None = None,
    observations: Sequence[Observation] = (),
) -> PortraitData:
    """The portrait of ``members`` (commune codes) within a department.

    ``zones``/``measures``: the department's communes (``Territory.zones`` / ``.measures``,
    indexed by CODGEO); ``france_measures``: the same measures for every commune of France.
    Members outside the department are named in the notes, never silently dropped.
    """
    inside = [c for c in members if c in measures.index]
    outside = [c for c in members if c not in measures.index]
    notes = []
    if outside:
        listed = ", ".join(outside[:10]) + (" …" if len(outside) > 10 else "")
        notes.append(
            f"{len(outside)} commune(s) du territoire hors du département ne sont ni comptées "
            f"dans les indicateurs ni dessinées : {listed}."
        )
    if not inside:
        notes.append("Aucune commune du territoire n'a été trouvée dans le département.")
    level_label = {"commune": "communale", "epci": "de l'EPCI", "district": "du district"}
    rows = indicator_rows(
        indicators,
        measures.loc[inside],
        measures,
        france_measures,
        level_label.get(level, "du territoire"),
    )
    shapes = ()
    if inside:
        west, south, east, north = zones.loc[inside].total_bounds
        dx, dy = (east - west) * MAP_MARGIN, (north - south) * MAP_MARGIN
        frame = zones.cx[west - dx : east + dx, south - dy : north + dy]
        shapes = shapes_from_frame(frame, highlight=inside)
    site_rows = ()
    if sites is not None and len(sites):
        site_rows = sites_from_frame(sites[sites["CODGEO"].astype(str).isin(set(members))])
    return PortraitData(
        territory_name=name,
        territory_level=LEVELS.get(level, level),
        territory_code=code,
        department_name=department_name,
        indicators=rows,
        sites=site_rows,
        observations=tuple(observations),
        shapes=shapes,
        notes=tuple(notes),
    )
