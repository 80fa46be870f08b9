"""What the shared diagnosis needs from a view: the level observations are filed under, the
coverage table, and the portrait of the selected territory.

Why the level rule here: a commune seen by arrondissement (Paris, Lyon, Marseille) is still
observed as a commune, so that an observation written on one view is counted on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from carto.compose.keys import TerritoryKey, Token
from carto.compose.sources import Sources
from carto.diagnosis.model import Observation
from carto.diagnosis.portrait.build import build_portrait, members_of
from carto.diagnosis.portrait.model import PortraitData
from carto.sites.coverage import DISTANCE_COLUMN, coverage_measures, population_beyond
from carto.territories.zones import Territory
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class Zone:
    """One zone of the view, as observations and portraits name it."""

    level: str  # an observation level (``observation_level``)
    code: str
    name: str
    department_name: str  # the territory's label, « Meurthe-et-Moselle (54) »


def selected_zone(terr: Territory, code: object) -> Zone | None:
    """The zone of ``terr`` with that code (the one clicked on the map), if it is one."""
    if code not in terr.zones.index:
        return None
    name = str(terr.zones.at[code, "LIBGEO"])
    return Zone(observation_level(terr.level), str(code), name, terr.label)


def observation_level(level: str) -> str:
    """The level observations of a zone of ``level`` are filed under."""
    return "commune" if level in ("commune", "arrondissement") else level


def observed_counts(terr: Territory, counts: Callable[[str], Mapping[str, int]]) -> dict[str, int]:
    """Observations per zone of this territory; ``counts`` gives them per code for a level.

    France by department has none: observations are written on a department's zones.
    """
    if terr.is_france:
        return {}
    level_counts = counts(observation_level(terr.level))
    return {code: n for code, n in level_counts.items() if code in terr.zones.index}


def territory_names(terr: Territory, level: str, communes: pd.DataFrame) -> dict[str, str]:
    """Code → name of the zones observations of ``level`` are filed under, for panels that
    list observations: « Nancy », never « Commune 54395 ». ``communes``: the bundle's."""
    if level == "commune":
        own = communes[communes["DEP"] == terr.code]
        return dict(zip(own["CODGEO"].astype(str), own["LIBGEO"].astype(str), strict=True))
    if observation_level(terr.level) == level:
        return {str(c): str(n) for c, n in terr.zones["LIBGEO"].items()}
    return {}


def has_distances(key: TerritoryKey, src: Sources) -> bool:
    """Whether the communes carry the distance to the nearest site (the site layer is on)."""
    return DISTANCE_COLUMN in src.commune_territory(key.department_communes).measures


def coverage_table(
    key: TerritoryKey, state: ViewState, threshold_km: float, src: Sources
) -> pd.DataFrame:
    """Population beyond ``threshold_km`` of a site, per district of the set shown (if any)
    then for the department (columns population, population_au_dela, part_au_dela)."""
    communes = src.commune_territory(key.department_communes)
    measures = coverage_measures(
        communes.measures, communes.measures[DISTANCE_COLUMN], threshold_km
    )
    total = population_beyond(measures, None, communes.label)
    if not state.district_set:
        return total
    zones = src.district_set(state.department, state.district_set, key.districts).zones()
    return pd.concat([population_beyond(measures, zones, communes.label), total])


def portrait_data(
    key: TerritoryKey,
    state: ViewState,
    zone: Zone,
    observations: list[Observation],
    sites: Token,
    src: Sources,
) -> PortraitData:
    """The portrait of one zone of the view, with the observations shown for it and the real
    sites (none known when no list was imported, which the portrait says)."""
    level, code = zone.level, zone.code
    communes = src.commune_territory(key.department_communes)
    districts = None
    if level == "district" and state.district_set:
        districts = src.district_set(state.department, state.district_set, key.districts)
        districts = districts.zones()
    return build_portrait(
        level=level,
        code=code,
        name=zone.name,
        department_name=zone.department_name,
        members=members_of(communes.zones, level, code, districts),
        zones=communes.zones,
        measures=communes.measures,
        france_measures=src.france_commune_measures(key.imports),
        indicators=src.catalogue(key.imports).available(communes.measures),
        sites=src.sites(state.department, sites) if src.site_lists() else None,
        observations=observations,
        markers=src.imported(key.imports).secret,
    )
