"""Where a rerun stands before the sidebar is drawn: the department, the district sets it has,
the coverage asked for; then the key of the territory drawn for the sidebar's ViewState.

Why before the sidebar: the sidebar offers the indicators the zones actually have (imports,
IRIS indicators, the distance to sites when the site layer is on) and the districts of the set
shown. Those depend on what the widgets held when the rerun started, not on the ViewState the
sidebar is about to return.
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.compose.keys import (
    CommuneKey,
    Coverage,
    TerritoryKey,
    Token,
    districts_token,
    sites_token,
)
from carto.compose.sources import Sources
from carto.territories.zones import DEFAULT_DEPARTMENT, FRANCE, PLM_CITIES
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class Pending:
    """What the widgets hold as a rerun starts (``None``: never set)."""

    department: str = DEFAULT_DEPARTMENT
    by_arrondissement: bool = False
    level: str | None = None
    district_set: str | None = None
    sites_layer: bool = False
    site_categories: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Scope:
    """The department of this rerun and the stored data its views are built from."""

    department: str
    by_arrondissement: bool  # only for Paris, Lyon, Marseille
    imports: Token
    districts: Token
    district_sets: tuple[str, ...]
    district_set: str | None  # only one of ``district_sets``
    coverage: Coverage | None
    iris_available: bool
    iris_level: bool  # the IRIS level is asked for and available

    @property
    def communes(self) -> CommuneKey:
        return CommuneKey(self.department, self.by_arrondissement, self.imports, self.coverage)

    @property
    def iris(self) -> TerritoryKey:
        return TerritoryKey(self.department, False, "iris", None, self.imports, Token())

    def territory_key(self, state: ViewState) -> TerritoryKey:
        """The zones drawn for ``state``: a district level without a set draws communes."""
        level = state.level if state.level != "district" or state.district_set else "commune"
        by_arrondissement = state.by_arrondissement and self.department in PLM_CITIES
        return TerritoryKey(
            state.department,
            by_arrondissement,
            level,
            state.district_set,
            self.imports,
            self.districts,
            self.coverage,
        )


def read_scope(pending: Pending, imports: Token, src: Sources) -> Scope:
    """The scope of the widgets' values; stale values (a set deleted since) are dropped."""
    dep = pending.department
    france = dep == FRANCE
    dtoken = Token() if france else districts_token(dep)
    sets = () if france else tuple(src.district_sets(dep, dtoken))
    coverage = None
    if pending.sites_layer and not france:
        categories = tuple(sorted(pending.site_categories)) if pending.site_categories else None
        coverage = Coverage(categories, sites_token())
    iris_available = dep in src.iris_departments(imports)
    return Scope(
        department=dep,
        by_arrondissement=pending.by_arrondissement and dep in PLM_CITIES,
        imports=imports,
        districts=dtoken,
        district_sets=sets,
        district_set=pending.district_set if pending.district_set in sets else None,
        coverage=coverage,
        iris_available=iris_available,
        iris_level=iris_available and pending.level == "iris",
    )
