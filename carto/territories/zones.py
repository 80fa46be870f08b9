"""Territories shown by the atlas: a department by commune (or by arrondissement for Paris,
Lyon, Marseille), and France by department.

Why a ``Territory`` object: the map, the table, the panels and the exports all need the same
four things (zones with their geometry, the measures of each zone, how communes group into
zones, the outlines to draw on top), so they are computed once per view and passed as data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from carto.common.markers import MARKER_DTYPE
from carto.territories import levels
from carto.territories.bundle import Bundle

FRANCE = "FR"
DEFAULT_DEPARTMENT = "54"
PLM_CITIES = {"75": "75056", "69": "69123", "13": "13055"}  # Paris, Lyon, Marseille
MEASURE_COLUMNS = ("P_POP", "AREA_KM2")
COMMUNE_COUNT = "N_COMMUNES"  # aggregated zones: how many communes (a city counts once)


@dataclass(frozen=True)
class Territory:
    """One view's zones. ``zones`` is indexed by zone code (CODGEO, or DEP for France)."""

    code: str  # department code, or "FR"
    label: str  # "Meurthe-et-Moselle (54)", "France (par département)"
    level: str  # "commune" or "departement"
    zones: gpd.GeoDataFrame  # index: zone code; columns: LIBGEO, EPCI, DEP, geometry…
    measures: pd.DataFrame  # index: zone code; measure columns (P_POP, AREA_KM2, …)
    by_arrondissement: bool = False
    # Same index as measures: why a value is missing (``carto.common.markers`` codes, 0 = a
    # number). On aggregated zones: the code of their communes when none has a value.
    secret: pd.DataFrame | None = None
    members: pd.Series | None = None  # aggregated levels: commune code → zone code
    # Aggregated levels: how many member communes carry a marker, per zone and column; a sum
    # over such a zone counts only the published communes (« au moins »).
    incomplete: pd.DataFrame | None = None

    @property
    def is_france(self) -> bool:
        return self.code == FRANCE

    @property
    def level_label(self) -> str:
        """After « échelle »: « communale », « du territoire d'action sociale »…"""
        return levels.level(self.level).scale

    @property
    def zone_noun(self) -> str:
        """Singular noun of a zone, for legends and panels ("commune", "EPCI"…)."""
        return levels.level(self.level).noun

    @property
    def zone_with_article(self) -> str:
        """ "une commune", "un EPCI": for sentences addressed to the user."""
        return levels.level(self.level).with_article

    def is_secret(self, column: str, code: str) -> bool:
        """Whether the cell carries any marker (secret, non disponible…)."""
        return bool(self.marker(column, code))

    def marker(self, column: str, code: str) -> int:
        """The marker code of one cell (0 when it holds a number or nothing is known)."""
        if self.secret is None or column not in self.secret.columns:
            return 0
        return int(self.secret[column].get(code, 0))


def zone_sums(measures: pd.DataFrame, members: pd.Series) -> pd.DataFrame:
    """Measures summed per zone (``members``: commune code → zone code).

    A zone whose communes all lack a value stays missing (NaN), never 0. Which columns may be
    summed is the indicators' business (``carto.indicators.aggregation``); the bundle's own
    measures (population, area) always can.
    """
    keys = members.reindex(measures.index)
    return measures.groupby(keys, sort=True).sum(min_count=1).astype(float)


def zone_communes(zones: pd.DataFrame) -> pd.Series:
    """Zone code → the commune it belongs to: a municipal arrondissement → its city.

    Why: groupings (EPCI, district sets) list communes, but Paris, Lyon and Marseille may be
    drawn by arrondissement; an arrondissement must then follow its city into the city's
    EPCI or district, or the métropole silently loses its largest member.
    """
    own = pd.Series(zones.index, index=zones.index, dtype="str")
    if "PLM" not in zones.columns:
        return own
    return zones["PLM"].astype("str").where(zones["PLM"].notna(), own).rename("CODGEO")


def grouped_zones(zones: pd.DataFrame, communes: pd.Series) -> pd.Series:
    """Zone code → group, from a commune → group mapping (arrondissements follow their city)."""
    groups = zone_communes(zones).map(communes)
    return groups[groups.notna()].astype("str")


def with_measures(
    terr: Territory, extra: pd.DataFrame, secret: pd.DataFrame | None = None
) -> Territory:
    """The same territory with more measure columns (imported datasets, coverage…)."""
    if extra.empty or not len(extra.columns):
        return terr
    cols = [c for c in extra.columns if c not in terr.measures.columns]
    measures = terr.measures.join(extra[cols].reindex(terr.measures.index))
    merged_secret = terr.secret
    if secret is not None and len(secret.columns):
        sec = secret[[c for c in cols if c in secret.columns]]
        sec = sec.reindex(terr.measures.index, fill_value=0).astype(MARKER_DTYPE)
        merged_secret = sec if merged_secret is None else merged_secret.join(sec, how="left")
    return replace(terr, measures=measures, secret=merged_secret)


def normalize_department(code: object, bundle: Bundle) -> tuple[str, str | None]:
    """Return a valid department code and, if the input was not one, a French notice.

    Accepts "54", "2a", " 971 ", "5" (→ "05") and "FR"; anything else falls back to the default.
    """
    raw = str(code if code is not None else "").strip().upper()
    if raw in (FRANCE, "FRANCE"):
        return FRANCE, None
    if raw.isdigit() and len(raw) == 1:
        raw = "0" + raw
    if raw in bundle.department_codes:
        return raw, None
    return DEFAULT_DEPARTMENT, (
        f"Département « {str(code)[:20]} » inconnu : affichage de "
        f"{bundle.department_name(DEFAULT_DEPARTMENT)} ({DEFAULT_DEPARTMENT})."
    )


def department_label(bundle: Bundle, dep: str) -> str:
    if dep == FRANCE:
        return "France (par département)"
    return f"{bundle.department_name(dep)} ({dep})"


def department_territory(bundle: Bundle, dep: str, by_arrondissement: bool = False) -> Territory:
    """The communes of a department; Paris/Lyon/Marseille optionally by arrondissement."""
    com = bundle.department(dep).communes  # the department alone: France is not read
    rows = com[com["TYPE"] == "COM"]
    city = PLM_CITIES.get(dep)
    if by_arrondissement and city is not None:
        arms = com[(com["PLM"] == city) & (com["TYPE"] == "ARM")]
        rows = pd.concat([rows[rows["CODGEO"] != city], arms])
    rows = rows[rows.geometry.notna()].set_index("CODGEO", drop=False).sort_index()
    measures = rows[list(MEASURE_COLUMNS)].astype(float)
    by_arr = by_arrondissement and city is not None
    return Territory(
        code=dep,
        label=department_label(bundle, dep),
        level="arrondissement" if by_arr else "commune",
        zones=rows,
        measures=measures,
        by_arrondissement=by_arr,
    )


def france_territory(bundle: Bundle) -> Territory:
    """France by department: measures are sums over the department's communes."""
    com = bundle.communes[bundle.communes["TYPE"] == "COM"].set_index("CODGEO")
    members = com["DEP"]
    measures = zone_sums(com[list(MEASURE_COLUMNS)].astype(float), members)
    deps = bundle.departements.set_index("DEP", drop=False).sort_index()
    deps = deps.assign(LIBGEO=deps["LIBDEP"], CODGEO=deps["DEP"])
    return Territory(
        code=FRANCE,
        label=department_label(bundle, FRANCE),
        level="departement",
        zones=deps,
        measures=measures.reindex(deps.index),
        members=members,
    )


def territory(bundle: Bundle, code: str, by_arrondissement: bool = False) -> Territory:
    if code == FRANCE:
        return france_territory(bundle)
    return department_territory(bundle, code, by_arrondissement)


def epci_outlines(bundle: Bundle, dep: str) -> gpd.GeoDataFrame:
    """EPCI outlines within a department (an EPCI crossing a border is cut at it), with names."""
    part = bundle.department(dep).epci_dep
    names = bundle.epci.set_index("EPCI")["LIBEPCI"]
    return part.assign(LIBEPCI=part["EPCI"].map(names).fillna(part["EPCI"]))


def epci_names(bundle: Bundle) -> pd.Series:
    return bundle.epci.set_index("EPCI")["LIBEPCI"]
