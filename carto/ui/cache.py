"""Streamlit caches around the pure builders of carto.

``cache_resource`` for large read-only objects (bundle, territories, GeoJSON dicts): one copy
shared by all sessions, never mutated. Every function takes only hashable arguments; stored
user data (imports, site lists, district sets) enters through a *token* that changes when the
files change, so a new import is seen at once and nothing is recomputed otherwise.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carto.common.export import to_french_csv
from carto.compose.keys import CommuneKey, TerritoryKey, Token
from carto.compose.parts import DistrictOverlay, ReferenceArea, ZoneTable
from carto.districts.geometry import district_geometries, district_labels, districts_geojson
from carto.districts.model import (
    DistrictSet,
    epci_district_set,
    list_district_sets,
    load_district_set,
)
from carto.indicators.catalogue import Catalogue, Kind, compute, default_catalogue
from carto.indicators.sources.store import load_imported_measures
from carto.indicators.vintages import (
    evolution_map,
    family_key,
    load_indicator_measures,
    shared_classification,
    vintage_evolution,
    vintage_series,
)
from carto.map.choropleth import (
    ID_COLUMNS,
    ChoroplethView,
    build_choropleth,
    build_comparison,
    build_gap_view,
    table_column,
    zone_table,
)
from carto.map.circles import circle_collection
from carto.map.geojson import ZoneShapes, outline_collection
from carto.sites.coverage import CoverageError, distance_indicator, nearest_site_distance
from carto.sites.model import filter_sites, load_site_lists, site_layer, sites_geojson
from carto.territories import bundle as bundle_mod
from carto.territories.iris import departments_with_iris, iris_territory, load_contours
from carto.territories.town_halls import mairie_points
from carto.territories.zones import (
    FRANCE,
    Territory,
    aggregated_territory,
    epci_names,
    epci_outlines,
    france_with_measures,
    territory,
    with_measures,
)
from carto.ui.table import StyledTable, french_styler

CIAS_LEVEL = "epci"


@st.cache_resource(show_spinner=False)
def get_iris_departments(token: Token) -> set[str]:
    return departments_with_iris(load_contours(), get_bundle())


@st.cache_resource(show_spinner="Chargement des données territoriales…")
def get_bundle() -> bundle_mod.Bundle:
    return bundle_mod.read_bundle()


@st.cache_resource(show_spinner=False)
def get_catalogue(token: Token) -> Catalogue:
    cat = default_catalogue()
    _values, _secret, imported = _imported_all(token)
    cat.extend(imported)
    cat.extend(load_imported_measures(pd.Index([], dtype="str"), level="iris")[2])
    cat.add(distance_indicator("sites affichés"))
    return cat


@st.cache_resource(show_spinner=False)
def _imported_all(token: Token):
    codes = get_bundle().communes["CODGEO"]
    return load_imported_measures(codes)


def value_columns(catalogue: Catalogue) -> set[str]:
    """Columns only non-aggregable indicators use: blanked on aggregated zones."""
    additive = {
        c for i in catalogue.indicators.values() if i.kind is not Kind.VALUE for c in i.columns
    }
    values = {i.column for i in catalogue.indicators.values() if i.kind is Kind.VALUE}
    return {c for c in values if c and c not in additive}


@st.cache_resource(show_spinner=False)
def get_commune_territory(key: CommuneKey) -> Territory:
    """A department by commune (or France by department) with every imported measure.

    With a coverage, the distance from each town hall to the nearest site of its categories
    is added (sites of neighbouring departments count).
    """
    bundle = get_bundle()
    code, token, coverage = key.department, key.imports, key.coverage
    base = territory(bundle, code, key.by_arrondissement)
    values, secret, _ = _imported_all(token)
    if len(values.columns):
        if code == FRANCE:
            base = france_with_measures(base, values, value_columns(get_catalogue(token)))
        else:
            base = with_measures(base, values, secret)
    if coverage is not None and code != FRANCE:
        categories = list(coverage.categories) if coverage.categories else None
        try:
            dist = nearest_site_distance(
                base.zones, get_sites_around(code, coverage.sites), code, categories
            )
        except CoverageError:
            return base
        base = with_measures(base, dist.to_frame())
    return base


@st.cache_resource(show_spinner=False)
def get_france_commune_measures(token: Token):
    """Measures of every commune of France (the portraits' "France" column)."""
    from carto.territories.zones import MEASURE_COLUMNS

    com = get_bundle().communes
    base = com[com["TYPE"] == "COM"].set_index("CODGEO")[list(MEASURE_COLUMNS)].astype(float)
    values, _secret, _ = _imported_all(token)
    return base.join(values.reindex(base.index)) if len(values.columns) else base


@st.cache_resource(show_spinner=False)
def neighbours(dep: str) -> tuple[str, ...]:
    deps = get_bundle().departements.set_index("DEP")
    shape = deps.at[dep, "geometry"]
    touching = deps.index[deps.geometry.intersects(shape.buffer(0.01))]
    return tuple(sorted(set(touching) - {dep}))


@st.cache_resource(show_spinner=False)
def get_sites_around(dep: str, token: Token):
    """Sites of a department and of its neighbours (the nearest site may be across a border)."""
    return pd.concat([get_sites(d, token) for d in (dep, *neighbours(dep))], ignore_index=True)


@st.cache_resource(show_spinner=False)
def get_district_set(dep: str, name: str, token: Token) -> DistrictSet:
    return load_district_set(dep, name)


@st.cache_resource(show_spinner=False)
def get_district_names(dep: str, token: Token) -> list[str]:
    return list_district_sets(dep)


@st.cache_resource(show_spinner=False)
def get_district_geometries(dep: str, name: str, token: Token):
    return district_geometries(get_district_set(dep, name, token), get_bundle().communes)


@st.cache_resource(show_spinner=False)
def get_district_overlay(dep: str, name: str, token: Token) -> DistrictOverlay:
    geoms = get_district_geometries(dep, name, token)
    return DistrictOverlay(districts_geojson(geoms), tuple(district_labels(geoms)))


@st.cache_resource(show_spinner=False)
def get_territory(key: TerritoryKey) -> Territory:
    """The zones actually mapped: communes, EPCI or districts of the department."""
    code, level, dset, token, dtoken = (
        key.department, key.level, key.district_set, key.imports, key.districts
    )  # fmt: skip
    if level == "iris" and code != FRANCE:
        contours = load_contours()
        if contours is not None:
            values, secret, _ = load_imported_measures(contours.index, level="iris")
            return iris_territory(get_bundle(), code, contours, values, secret)
    base = get_commune_territory(key.communes)
    if code == FRANCE or level in ("commune", "arrondissement", "departement", "iris"):
        return base
    bundle = get_bundle()
    values = value_columns(get_catalogue(token))
    if level == CIAS_LEVEL:
        ds = epci_district_set(bundle.communes, epci_names(bundle), code)
        shapes = epci_outlines(bundle, code).set_index("EPCI")
        shapes = shapes.assign(LIBGEO=shapes["LIBEPCI"])
        members = base.zones["EPCI"].dropna()
        members = members[members.index.isin(ds.mapping)]
        return aggregated_territory(base, members, shapes, CIAS_LEVEL, values)
    if level == "district" and dset:
        ds = get_district_set(code, dset, dtoken)
        geoms = get_district_geometries(code, dset, dtoken)
        shapes = geoms.assign(LIBGEO=geoms["DISTRICT"])
        return aggregated_territory(base, ds.zones(), shapes, "district", values)
    return base


@st.cache_resource(show_spinner=False)
def _shapes(key: TerritoryKey) -> ZoneShapes:
    return ZoneShapes.from_frame(get_territory(key).zones)


def get_shapes(key: TerritoryKey) -> ZoneShapes:
    """Geometry does not depend on the measures: cached without the coverage."""
    return _shapes(key.geometry)


@st.cache_resource(show_spinner=False)
def get_epci_collection(dep: str) -> dict:
    return outline_collection(epci_outlines(get_bundle(), dep), "EPCI", "LIBEPCI")


@st.cache_resource(show_spinner=False)
def get_mairies(code: str, by_arrondissement: bool) -> dict:
    return mairie_points(territory(get_bundle(), code, by_arrondissement).zones)


@st.cache_resource(show_spinner=False)
def get_sites(dep: str, token: Token):
    """Sites of the department: imported lists, plus CCAS presumed at the other town halls."""
    bundle = get_bundle()
    com = bundle.communes
    communes = com[(com["DEP"] == dep) & (com["TYPE"] == "COM")]
    lists = [s[s["CODGEO"].isin(communes["CODGEO"])] for s in load_site_lists().values()]
    return site_layer(communes, lists)


@st.cache_resource(show_spinner=False)
def get_sites_geojson(dep: str, categories: tuple[str, ...] | None, token: Token) -> dict:
    sites = get_sites(dep, token)
    return sites_geojson(filter_sites(sites, list(categories) if categories else None))


def reference_area(code: str, reference: str) -> ReferenceArea:
    """Commune codes and French label of the comparison reference of a territory."""
    bundle = get_bundle()
    com = bundle.communes[bundle.communes["TYPE"] == "COM"]
    if reference == "departement" and code != FRANCE:
        codes = pd.Index(com.loc[com["DEP"] == code, "CODGEO"])
        return ReferenceArea(codes, bundle.department_name(code))
    if reference == "region" and code != FRANCE:
        reg = bundle.departements.set_index("DEP").at[code, "REG"]
        label = bundle.regions.set_index("REG")["LIBREG"].get(reg, reg)
        return ReferenceArea(pd.Index(com.loc[com["REG"] == reg, "CODGEO"]), f"la région {label}")
    return ReferenceArea(pd.Index(com["CODGEO"]), "la France")


@st.cache_resource(show_spinner=False, max_entries=32)
def get_comparison(
    key: TerritoryKey,
    indicator_id: str,
    reference: str,
    method: str,
    k: int,
    kept: tuple[str, ...] | None,
) -> ChoroplethView:
    terr = get_territory(key)
    area = reference_area(key.department, reference)
    kept_mask = None
    if kept is not None:
        kept_mask = pd.Series(terr.zones.index.isin(kept), index=terr.zones.index)
    return build_comparison(
        terr,
        get_shapes(key),
        get_catalogue(key.imports).get(indicator_id),
        get_france_commune_measures(key.imports),
        area.codes,
        area.label,
        method,
        k,
        kept=kept_mask,
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def get_zone_table(key: TerritoryKey, kept: tuple[str, ...] | None) -> ZoneTable:
    """The zones' table and its CSV export: they do not depend on the indicator shown."""
    table = zone_table(get_territory(key), get_catalogue(key.imports), epci_names(get_bundle()))
    if kept is not None:
        table = table[table["Code"].isin(kept)]
    return ZoneTable(table, to_french_csv(table))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_table_styler(
    key: TerritoryKey, kept: tuple[str, ...] | None, indicator_ids: tuple[str, ...]
) -> StyledTable:
    """The on-screen table (identifier columns + the view's indicators) as a French Styler."""
    table = get_zone_table(key, kept).frame
    catalogue = get_catalogue(key.imports)
    shown = [catalogue.get(i) for i in indicator_ids]
    columns = [c for c in table.columns if c in ID_COLUMNS] + [table_column(i) for i in shown]
    return StyledTable(french_styler(table[columns], shown), tuple(columns))


@st.cache_resource(show_spinner=False, max_entries=32)
def get_circles(key: TerritoryKey, indicator_id: str):
    terr = get_territory(key)
    indicator = get_catalogue(key.imports).get(indicator_id)
    values = compute(indicator, terr.measures)
    return circle_collection(terr.zones, values, indicator)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_evolution(key: TerritoryKey, indicator_id: str, old_vintage: str, method: str, k: int):
    """Evolution from ``old_vintage`` to the vintage of ``indicator_id`` (same family)."""
    terr = get_territory(key)
    catalogue = get_catalogue(key.imports)
    new = catalogue.get(indicator_id)
    series = vintage_series(catalogue.indicators.values())[family_key(new)]
    old = series.indicator(old_vintage)
    result = vintage_evolution(
        old,
        new,
        load_indicator_measures(old),
        load_indicator_measures(new),
        zones=terr.members,
        departments=None if key.department == FRANCE else {key.department},
        history=get_bundle().history,
    )
    odd_k = k if k % 2 else max(3, k - 1)
    gm = evolution_map(result, "egal" if method == "egal" else "quantiles", odd_k)
    return build_gap_view(
        terr,
        get_shapes(key),
        new,
        gm,
        float("nan"),
        f"{old.vintage} → {new.vintage}",
        details=result.report_fr(),
    )


def older_vintages(catalogue: Catalogue, indicator_id: str) -> list[str]:
    """Vintages of the same indicator older than the one shown (for the evolution selector)."""
    ind = catalogue.get(indicator_id)
    series = vintage_series(catalogue.indicators.values()).get(family_key(ind))
    if series is None:
        return []
    return [v for v in series.vintages if v < ind.vintage]


@st.cache_resource(show_spinner=False, max_entries=64)
def get_choropleth(
    key: TerritoryKey,
    indicator_id: str,
    method: str,
    k: int,
    palette: str,
    manual_bounds: tuple[float, ...] | None,
    kept: tuple[str, ...] | None,
    shared_with: str | None = None,
) -> ChoroplethView:
    terr = get_territory(key)
    kept_mask = None
    if kept is not None:
        kept_mask = pd.Series(terr.zones.index.isin(kept), index=terr.zones.index)
    catalogue = get_catalogue(key.imports)
    fixed = None
    if shared_with:  # two vintages side by side: one set of bounds for both maps
        pooled = [compute(catalogue.get(i), terr.measures) for i in (indicator_id, shared_with)]
        fixed = shared_classification(pooled, method, k, palette, manual_bounds)
    return build_choropleth(
        terr,
        get_shapes(key),
        catalogue.get(indicator_id),
        method,
        k,
        palette,
        manual_bounds,
        kept_mask,
        fixed,
    )
