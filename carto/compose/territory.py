"""The zones one view draws, put together from the bundle and the stored user data.

A department's communes carry every imported measure (and, when the site layer is on, the
distance from each town hall to the nearest site); EPCI and district zones sum those communes'
measures; IRIS zones come from the stored contours and the imported IRIS indicators. Every
builder reads what it needs through ``Sources``, so each part is cached where the app wants it.
"""

from __future__ import annotations

import pandas as pd

from carto.compose.keys import CommuneKey, TerritoryKey, Token
from carto.compose.parts import ReferenceArea
from carto.compose.sources import Imported, Sources
from carto.districts.model import epci_district_set
from carto.indicators.aggregation import aggregated_territory, france_with_measures
from carto.indicators.catalogue import Catalogue, Indicator, Kind, by_theme, default_catalogue
from carto.indicators.national import NationalData, beside_national
from carto.indicators.reference import ReferenceTerritory
from carto.map.geojson import ZoneShapes
from carto.sites.coverage import CoverageError, distance_indicator, nearest_site_distance
from carto.sites.table import presumed_ccas, real_sites
from carto.territories.iris import departments_with_iris, iris_territory
from carto.territories.zones import (
    FRANCE,
    MEASURE_COLUMNS,
    Territory,
    epci_names,
    epci_outlines,
    grouped_zones,
    territory,
    with_measures,
    zone_communes,
)

COMMUNE_LEVELS = frozenset({"commune", "arrondissement", "departement", "iris"})
COVERAGE_LABEL = "sites affichés"  # the distance indicator's categories, as the legend says


def value_columns(catalogue: Catalogue) -> set[str]:
    """Columns only non-aggregable indicators use: blanked on aggregated zones."""
    additive = {
        c for i in catalogue.indicators.values() if i.kind is not Kind.VALUE for c in i.columns
    }
    values = {i.column for i in catalogue.indicators.values() if i.kind is Kind.VALUE}
    return {c for c in values if c and c not in additive}


def imported_measures(imports: Token, src: Sources) -> Imported:
    """For every commune of the bundle: the national indicators of ``data/``, with every
    stored commune-level import beside them (``carto.indicators.national.beside_national``:
    an import never replaces a national value)."""
    national = src.national()
    stored = src.stored_measures(src.bundle().communes["CODGEO"], "commune")
    layered = beside_national(national, stored.values, stored.secret)
    return Imported(layered.values, layered.markers, _indicators(national, stored))


def department_imported(department: str, imports: Token, src: Sources) -> Imported:
    """``imported_measures`` for the communes of one department only: the same rows, read
    without all of France (a department's view, the first one after a start included)."""
    national = src.national()
    codes = pd.Index(src.bundle().department(department).communes["CODGEO"], dtype="str")
    stored = src.stored_measures(codes, "commune")
    layered = beside_national(national.department(department), stored.values, stored.secret)
    return Imported(layered.values, layered.markers, _indicators(national, stored))


def _indicators(national: NationalData, stored: Imported) -> tuple[Indicator, ...]:
    """The national indicators, then the imported ones the bundle does not declare."""
    ids = {i.id for i in national.indicators}
    return national.indicators + tuple(i for i in stored.indicators if i.id not in ids)


def view_catalogue(imports: Token, src: Sources) -> Catalogue:
    """The built-in and national indicators, the imported ones (communes and IRIS), the
    distance to sites; ordered by theme for the indicator picker."""
    catalogue = default_catalogue()
    stored = src.stored_measures(pd.Index([], dtype="str"), "commune")
    catalogue.extend(_indicators(src.national(), stored))
    catalogue.extend(src.stored_measures(pd.Index([], dtype="str"), "iris").indicators)
    catalogue.add(distance_indicator(COVERAGE_LABEL))
    return by_theme(catalogue)


def iris_departments(imports: Token, src: Sources) -> frozenset[str]:
    """Departments with at least one stored IRIS contour."""
    return frozenset(departments_with_iris(src.iris_contours(), src.bundle()))


def commune_territory(key: CommuneKey, src: Sources) -> Territory:
    """A department by commune (or France by department) with every imported measure.

    With a coverage, the distance from each town hall to the nearest site of its categories
    is added (sites of neighbouring departments count); without sites, it is left out.
    """
    code = key.department
    base = territory(src.bundle(), code, key.by_arrondissement)
    if code == FRANCE:
        imported = src.imported(key.imports)
    else:
        imported = src.department_imported(code, key.imports)
    if len(imported.values.columns):
        if code == FRANCE:
            values = value_columns(src.catalogue(key.imports))
            base = france_with_measures(base, imported.values, values, imported.secret)
        else:
            base = with_measures(base, imported.values, imported.secret)
    if key.coverage is None or code == FRANCE:
        return base
    categories = list(key.coverage.categories) if key.coverage.categories else None
    sites = src.sites_around(code, key.coverage.sites)
    try:
        distance = nearest_site_distance(base.zones, sites, code, categories)
    except CoverageError:
        return base
    return with_measures(base, distance.to_frame())


def zone_territory(key: TerritoryKey, src: Sources) -> Territory:
    """The zones actually mapped: communes, EPCI, districts or IRIS of the department.

    The IRIS level without stored contours, and the district level without a set, show the
    communes.
    """
    code = key.department
    if key.level == "iris" and code != FRANCE:
        contours = src.iris_contours()
        if contours is not None:
            iris = src.stored_measures(contours.index, "iris")
            return iris_territory(src.bundle(), code, contours, iris.values, iris.secret)
    base = src.commune_territory(key.communes)
    if code == FRANCE or key.level in COMMUNE_LEVELS:
        return base
    values = value_columns(src.catalogue(key.imports))
    if key.level == "epci":
        return epci_territory(base, src, values)
    if key.level == "district" and key.district_set:
        ds = src.district_set(code, key.district_set, key.districts)
        geoms = src.district_geometries(code, key.district_set, key.districts)
        shapes = geoms.assign(LIBGEO=geoms["DISTRICT"])
        members = grouped_zones(base.zones, ds.zones())
        return aggregated_territory(base, members, shapes, "district", values)
    return base


def epci_territory(base: Territory, src: Sources, values: set[str]) -> Territory:
    """A department by EPCI (the CIAS territories), cut at the department's border."""
    bundle = src.bundle()
    own = bundle.department(base.code).communes  # the department alone: France is not read
    ds = epci_district_set(own, epci_names(bundle), base.code)
    shapes = epci_outlines(bundle, base.code).set_index("EPCI")
    shapes = shapes.assign(LIBGEO=shapes["LIBEPCI"])
    in_set = zone_communes(base.zones).isin(ds.mapping)
    members = base.zones.loc[in_set, "EPCI"].dropna().astype("str")
    return aggregated_territory(base, members, shapes, "epci", values)


def zone_shapes(key: TerritoryKey, src: Sources) -> ZoneShapes:
    """The outlines of the zones; ``key`` should be a geometry key (no coverage)."""
    return ZoneShapes.from_frame(src.territory(key).zones)


def france_commune_measures(imports: Token, src: Sources) -> pd.DataFrame:
    """Measures of every commune of France (the portraits' "France" column)."""
    com = src.bundle().communes
    base = com[com["TYPE"] == "COM"].set_index("CODGEO")[list(MEASURE_COLUMNS)].astype(float)
    values = src.imported(imports).values
    return base.join(values.reindex(base.index)) if len(values.columns) else base


def neighbours(department: str, src: Sources) -> tuple[str, ...]:
    """Departments touching this one (the nearest site may be across a border)."""
    deps = src.bundle().departements.set_index("DEP")
    shape = deps.at[department, "geometry"]
    touching = deps.index[deps.geometry.intersects(shape.buffer(0.01))]
    return tuple(sorted(set(touching) - {department}))


def _department_communes(department: str, src: Sources) -> pd.DataFrame:
    com = src.bundle().department(department).communes
    return com[com["TYPE"] == "COM"]


def department_sites(department: str, sites: Token, src: Sources) -> pd.DataFrame:
    """The real sites of the department (imported lists); presumed CCAS are never sites."""
    codes = _department_communes(department, src)["CODGEO"]
    return real_sites([s[s["CODGEO"].isin(codes)] for s in src.site_lists()])


def department_presumed_ccas(department: str, sites: Token, src: Sources) -> pd.DataFrame:
    """CCAS presumed at the town halls of the department's communes that must have one and
    have no real CCAS or CIAS known (``carto.sites.table.presumed_ccas``)."""
    return presumed_ccas(_department_communes(department, src), src.sites(department, sites))


def sites_around(department: str, sites: Token, src: Sources) -> pd.DataFrame:
    """Real sites of a department and of its neighbours."""
    around = (department, *src.neighbours(department))
    return pd.concat([src.sites(d, sites) for d in around], ignore_index=True)


def view_reference(department: str, imports: Token, src: Sources) -> ReferenceTerritory:
    """The territory a view's reference values name: its whole department, or France.

    Always every commune of it, whatever the zones drawn (districts cover part of the
    department, an import may cover part of France): ``carto.indicators.reference`` decides
    from there whether the value can be shown.
    """
    if department == FRANCE:
        measures = src.france_commune_measures(imports)
        return ReferenceTerritory("France", measures.index, measures)
    communes = src.commune_territory(CommuneKey(department, False, imports))
    return ReferenceTerritory(communes.label, communes.measures.index, communes.measures)


def reference_area(code: str, reference: str, src: Sources) -> ReferenceArea:
    """Commune codes and French label of the comparison reference of a territory."""
    bundle = src.bundle()
    if reference == "departement" and code != FRANCE:
        own = bundle.department(code).communes
        codes = pd.Index(own.loc[own["TYPE"] == "COM", "CODGEO"])
        return ReferenceArea(codes, bundle.department_name(code))
    com = bundle.communes[bundle.communes["TYPE"] == "COM"]
    if reference == "region" and code != FRANCE:
        reg = bundle.department_list.set_index("DEP").at[code, "REG"]
        label = bundle.regions.set_index("REG")["LIBREG"].get(reg, reg)
        return ReferenceArea(pd.Index(com.loc[com["REG"] == reg, "CODGEO"]), f"la région {label}")
    return ReferenceArea(pd.Index(com["CODGEO"]), "la France")
