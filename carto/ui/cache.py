"""Streamlit caches around the pure builders of carto.

``cache_resource`` for large read-only objects (bundle, territories, GeoJSON dicts): one copy
shared by all sessions, never mutated. Every function takes only hashable arguments; stored
user data (imports, site lists, district sets) enters through a *token* that changes when the
files change, so a new import is seen at once and nothing is recomputed otherwise.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carto.common.frcsv import to_french_csv
from carto.common.paths import user_data_dir
from carto.districts.geometry import district_geometries, district_labels, districts_geojson
from carto.districts.model import DistrictSet, epci_district_set
from carto.districts.storage import list_district_sets, load_district_set
from carto.indicators.aggregation import aggregated_territory, france_with_measures
from carto.indicators.catalogue import Catalogue, Kind, compute, default_catalogue
from carto.indicators.sources.store import imports_dir, load_imported_measures
from carto.indicators.vintages import (
    family_key,
    load_indicator_measures,
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
from carto.map.classify import shared_classification
from carto.map.diverging import evolution_map
from carto.map.geojson import ZoneShapes, outline_collection
from carto.map.town_halls import mairie_points
from carto.sites.coverage import CoverageError, distance_indicator, nearest_site_distance
from carto.sites.render import sites_geojson
from carto.sites.storage import load_site_lists
from carto.sites.table import filter_sites, site_layer
from carto.territories import bundle as bundle_mod
from carto.territories.iris import departments_with_iris, iris_territory, load_contours
from carto.territories.zones import (
    FRANCE,
    Territory,
    epci_names,
    epci_outlines,
    territory,
    with_measures,
)
from carto.ui.table import french_styler

CIAS_LEVEL = "epci"


def folder_token(*parts: str) -> tuple[tuple[str, int], ...]:
    """Names and modification times of the files in a user-data folder (cache key)."""
    folder = user_data_dir().joinpath(*parts)
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()))


def imports_token() -> tuple:
    """Changes with every stored import (indicators) and IRIS contours."""
    imports_dir()
    return folder_token("imports") + folder_token("iris")


@st.cache_resource(show_spinner=False)
def get_iris_departments(token: tuple) -> set[str]:
    return departments_with_iris(load_contours(), get_bundle())


@st.cache_resource(show_spinner="Chargement des données territoriales…")
def get_bundle() -> bundle_mod.Bundle:
    return bundle_mod.read_bundle()


@st.cache_resource(show_spinner=False)
def get_catalogue(token: tuple) -> Catalogue:
    cat = default_catalogue()
    _values, _secret, imported = _imported_all(token)
    cat.extend(imported)
    cat.extend(load_imported_measures(pd.Index([], dtype="str"), level="iris")[2])
    cat.add(distance_indicator("sites affichés"))
    return cat


@st.cache_resource(show_spinner=False)
def _imported_all(token: tuple):
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
def get_commune_territory(
    code: str, by_arrondissement: bool, token: tuple, coverage: tuple = ()
) -> Territory:
    """A department by commune (or France by department) with every imported measure.

    ``coverage`` = (site categories or None, sites token): adds the distance from each town
    hall to the nearest site of those categories (sites of neighbouring departments count).
    """
    bundle = get_bundle()
    base = territory(bundle, code, by_arrondissement)
    values, secret, _ = _imported_all(token)
    if len(values.columns):
        if code == FRANCE:
            base = france_with_measures(base, values, value_columns(get_catalogue(token)))
        else:
            base = with_measures(base, values, secret)
    if coverage and code != FRANCE:
        categories, stoken = coverage
        try:
            dist = nearest_site_distance(
                base.zones, get_sites_around(code, stoken), code,
                list(categories) if categories else None,
            )  # fmt: skip
        except CoverageError:
            return base
        base = with_measures(base, dist.to_frame())
    return base


@st.cache_resource(show_spinner=False)
def get_france_commune_measures(token: tuple):
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
def get_sites_around(dep: str, token: tuple):
    """Sites of a department and of its neighbours (the nearest site may be across a border)."""
    return pd.concat([get_sites(d, token) for d in (dep, *neighbours(dep))], ignore_index=True)


def district_token(dep: str) -> tuple:
    return folder_token("districts", dep)


@st.cache_resource(show_spinner=False)
def get_district_set(dep: str, name: str, token: tuple) -> DistrictSet:
    return load_district_set(dep, name)


@st.cache_resource(show_spinner=False)
def get_district_names(dep: str, token: tuple) -> list[str]:
    return list_district_sets(dep)


@st.cache_resource(show_spinner=False)
def get_district_geometries(dep: str, name: str, token: tuple):
    return district_geometries(get_district_set(dep, name, token), get_bundle().communes)


@st.cache_resource(show_spinner=False)
def get_district_overlay(dep: str, name: str, token: tuple) -> tuple[dict, tuple]:
    geoms = get_district_geometries(dep, name, token)
    return districts_geojson(geoms), tuple(district_labels(geoms))


@st.cache_resource(show_spinner=False)
def get_territory(
    code: str,
    by_arrondissement: bool,
    level: str,
    dset: str | None,
    token: tuple,
    dtoken: tuple,
    coverage: tuple = (),
) -> Territory:
    """The zones actually mapped: communes, EPCI or districts of the department."""
    if level == "iris" and code != FRANCE:
        contours = load_contours()
        if contours is not None:
            values, secret, _ = load_imported_measures(contours.index, level="iris")
            return iris_territory(get_bundle(), code, contours, values, secret)
    base = get_commune_territory(code, by_arrondissement, token, coverage)
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
def get_shapes(
    code: str, by_arrondissement: bool, level: str, dset: str | None, token: tuple, dtoken: tuple,
    coverage: tuple = (),
) -> ZoneShapes:  # fmt: skip
    """Geometry does not depend on the measures: keyed without the coverage."""
    return ZoneShapes.from_frame(
        get_territory(code, by_arrondissement, level, dset, token, dtoken).zones
    )


@st.cache_resource(show_spinner=False)
def get_epci_collection(dep: str) -> dict:
    return outline_collection(epci_outlines(get_bundle(), dep), "EPCI", "LIBEPCI")


@st.cache_resource(show_spinner=False)
def get_mairies(code: str, by_arrondissement: bool) -> dict:
    return mairie_points(territory(get_bundle(), code, by_arrondissement).zones)


def sites_token() -> tuple:
    return folder_token("sites")


@st.cache_resource(show_spinner=False)
def get_sites(dep: str, token: tuple):
    """Sites of the department: imported lists, plus CCAS presumed at the other town halls."""
    bundle = get_bundle()
    com = bundle.communes
    communes = com[(com["DEP"] == dep) & (com["TYPE"] == "COM")]
    lists = [s[s["CODGEO"].isin(communes["CODGEO"])] for s in load_site_lists().values()]
    return site_layer(communes, lists)


@st.cache_resource(show_spinner=False)
def get_sites_geojson(dep: str, categories: tuple[str, ...] | None, token: tuple) -> dict:
    sites = get_sites(dep, token)
    return sites_geojson(filter_sites(sites, list(categories) if categories else None))


def reference_area(code: str, reference: str) -> tuple[pd.Index, str]:
    """Commune codes and French label of the comparison reference of a territory."""
    bundle = get_bundle()
    com = bundle.communes[bundle.communes["TYPE"] == "COM"]
    if reference == "departement" and code != FRANCE:
        return pd.Index(com.loc[com["DEP"] == code, "CODGEO"]), bundle.department_name(code)
    if reference == "region" and code != FRANCE:
        reg = bundle.departements.set_index("DEP").at[code, "REG"]
        label = bundle.regions.set_index("REG")["LIBREG"].get(reg, reg)
        return pd.Index(com.loc[com["REG"] == reg, "CODGEO"]), f"la région {label}"
    return pd.Index(com["CODGEO"]), "la France"


@st.cache_resource(show_spinner=False, max_entries=32)
def get_comparison(
    key: tuple, indicator_id: str, reference: str, method: str, k: int, kept: tuple | None
) -> ChoroplethView:
    terr = get_territory(*key)
    codes, label = reference_area(key[0], reference)
    kept_mask = None
    if kept is not None:
        kept_mask = pd.Series(terr.zones.index.isin(kept), index=terr.zones.index)
    return build_comparison(
        terr,
        get_shapes(*key),
        get_catalogue(key[4]).get(indicator_id),
        get_france_commune_measures(key[4]),
        codes,
        label,
        method,
        k,
        kept=kept_mask,
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def get_zone_table(key: tuple, kept: tuple[str, ...] | None) -> tuple[pd.DataFrame, bytes]:
    """The zones' table and its CSV export: they do not depend on the indicator shown."""
    table = zone_table(get_territory(*key), get_catalogue(key[4]), epci_names(get_bundle()))
    if kept is not None:
        table = table[table["Code"].isin(kept)]
    return table, to_french_csv(table)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_table_styler(key: tuple, kept: tuple[str, ...] | None, indicator_ids: tuple[str, ...]):
    """The on-screen table (identifier columns + the view's indicators) as a French Styler."""
    table, _csv = get_zone_table(key, kept)
    catalogue = get_catalogue(key[4])
    shown = [catalogue.get(i) for i in indicator_ids]
    columns = [c for c in table.columns if c in ID_COLUMNS] + [table_column(i) for i in shown]
    return french_styler(table[columns], shown), columns


@st.cache_resource(show_spinner=False, max_entries=32)
def get_circles(key: tuple, indicator_id: str):
    terr = get_territory(*key)
    indicator = get_catalogue(key[4]).get(indicator_id)
    values = compute(indicator, terr.measures)
    return circle_collection(terr.zones, values, indicator)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_evolution(key: tuple, indicator_id: str, old_vintage: str, method: str, k: int):
    """Evolution from ``old_vintage`` to the vintage of ``indicator_id`` (same family)."""
    terr = get_territory(*key)
    catalogue = get_catalogue(key[4])
    new = catalogue.get(indicator_id)
    series = vintage_series(catalogue.indicators.values())[family_key(new)]
    old = series.indicator(old_vintage)
    result = vintage_evolution(
        old,
        new,
        load_indicator_measures(old),
        load_indicator_measures(new),
        zones=terr.members,
        departments=None if key[0] == FRANCE else {key[0]},
        history=get_bundle().history,
    )
    odd_k = k if k % 2 else max(3, k - 1)
    gm = evolution_map(result, "egal" if method == "egal" else "quantiles", odd_k)
    return build_gap_view(
        terr,
        get_shapes(*key),
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
    key: tuple,
    indicator_id: str,
    method: str,
    k: int,
    palette: str,
    manual_bounds: tuple[float, ...] | None,
    kept: tuple[str, ...] | None,
    shared_with: str | None = None,
) -> ChoroplethView:
    """``key`` is the (code, by_arrondissement, level, dset, token, dtoken, coverage) key."""
    terr = get_territory(*key)
    kept_mask = None
    if kept is not None:
        kept_mask = pd.Series(terr.zones.index.isin(kept), index=terr.zones.index)
    catalogue = get_catalogue(key[4])
    fixed = None
    if shared_with:  # two vintages side by side: one set of bounds for both maps
        pooled = [compute(catalogue.get(i), terr.measures) for i in (indicator_id, shared_with)]
        fixed = shared_classification(pooled, method, k, palette, manual_bounds)
    return build_choropleth(
        terr,
        get_shapes(*key),
        catalogue.get(indicator_id),
        method,
        k,
        palette,
        manual_bounds,
        kept_mask,
        fixed,
    )
