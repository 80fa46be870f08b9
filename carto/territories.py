"""Territories shown by the atlas: a department by commune (or by arrondissement for Paris,
Lyon, Marseille), and France by department.

Why a ``Territory`` object: the map, the table, the panels and the exports all need the same
four things (zones with their geometry, the measures of each zone, how communes group into
zones, the outlines to draw on top), so they are computed once per view and passed as data.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from carto.bundle import Bundle

FRANCE = "FR"
DEFAULT_DEPARTMENT = "54"
PLM_CITIES = {"75": "75056", "69": "69123", "13": "13055"}  # Paris, Lyon, Marseille
MEASURE_COLUMNS = ("P_POP", "AREA_KM2")


@dataclass(frozen=True)
class Territory:
    """One view's zones. ``zones`` is indexed by zone code (CODGEO, or DEP for France)."""

    code: str  # department code, or "FR"
    label: str  # "Meurthe-et-Moselle (54)", "France (par département)"
    level: str  # "commune" or "departement"
    zones: gpd.GeoDataFrame  # index: zone code; columns: LIBGEO, EPCI, DEP, geometry…
    measures: pd.DataFrame  # index: zone code; measure columns (P_POP, AREA_KM2, …)
    by_arrondissement: bool = False

    @property
    def is_france(self) -> bool:
        return self.code == FRANCE

    @property
    def level_label(self) -> str:
        if self.is_france:
            return "départementale"
        return "de l'arrondissement municipal" if self.by_arrondissement else "communale"


def normalize_department(code: object, bundle: Bundle) -> tuple[str, str | None]:
    """Return a valid department code and, if the input was not one, a French notice.

    Accepts "54", "2a", " 971 ", "5" (→ "05") and "FR"; anything else falls back to the default.
    """
    raw = str(code if code is not None else "").strip().upper()
    if raw in ("FR", "FRANCE"):
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
    com = bundle.communes
    rows = com[(com["DEP"] == dep) & (com["TYPE"] == "COM")]
    city = PLM_CITIES.get(dep)
    if by_arrondissement and city is not None:
        arms = com[(com["PLM"] == city) & (com["TYPE"] == "ARM")]
        rows = pd.concat([rows[rows["CODGEO"] != city], arms])
    rows = rows[rows.geometry.notna()].set_index("CODGEO", drop=False).sort_index()
    measures = rows[list(MEASURE_COLUMNS)].astype(float)
    return Territory(
        code=dep,
        label=department_label(bundle, dep),
        level="commune",
        zones=rows,
        measures=measures,
        by_arrondissement=by_arrondissement and city is not None,
    )


def france_territory(bundle: Bundle) -> Territory:
    """France by department: measures are sums over the department's communes."""
    com = bundle.communes[bundle.communes["TYPE"] == "COM"]
    measures = com.groupby("DEP")[list(MEASURE_COLUMNS)].sum(min_count=1).astype(float)
    deps = bundle.departements.set_index("DEP", drop=False).sort_index()
    deps = deps.assign(LIBGEO=deps["LIBDEP"], CODGEO=deps["DEP"])
    return Territory(
        code=FRANCE,
        label=department_label(bundle, FRANCE),
        level="departement",
        zones=deps,
        measures=measures.reindex(deps.index),
    )


def territory(bundle: Bundle, code: str, by_arrondissement: bool = False) -> Territory:
    if code == FRANCE:
        return france_territory(bundle)
    return department_territory(bundle, code, by_arrondissement)


def epci_outlines(bundle: Bundle, dep: str) -> gpd.GeoDataFrame:
    """EPCI outlines within a department (an EPCI crossing a border is cut at it), with names."""
    part = bundle.epci_dep[bundle.epci_dep["DEP"] == dep]
    names = bundle.epci.set_index("EPCI")["LIBEPCI"]
    return part.assign(LIBEPCI=part["EPCI"].map(names).fillna(part["EPCI"]))


def epci_names(bundle: Bundle) -> pd.Series:
    return bundle.epci.set_index("EPCI")["LIBEPCI"]
