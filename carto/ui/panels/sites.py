"""Panel « Sites et territoires d'action sociale », its sites column: the legend, the import
of a list, the stored lists and their deletion, and the coverage (distance to the nearest site).
The districts column is ``carto.ui.panels.districts``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from carto.common.fmt import format_number, format_percent
from carto.compose.diagnosis import coverage_table, has_distances
from carto.sites.importers import SiteImport, SiteImportError, read_sites_file
from carto.sites.render import legend_html
from carto.sites.storage import delete_site_list, load_site_lists, save_site_list
from carto.ui import cache
from carto.ui.panels.context import PanelContext
from carto.ui.panels.districts import districts_column

NO_REAL_LIST = (
    "Aucune liste réelle de sites n'est importée : la couverture et les portraits ne comptent "
    "que des sites réels, jamais les CCAS présumés à la mairie. Importez une liste ci-dessus."
)


def site_legend(codes: list[str] | None = None) -> None:
    """Legend of the categories shown (static labels, escaped)."""
    st.markdown(legend_html(codes), unsafe_allow_html=True)


def site_import_panel(communes: pd.DataFrame, key: str = "site_import") -> SiteImport | None:
    """Upload a CSV/GeoJSON list, show what was imported and reported, save it by name.

    Returns the import (or None while no valid file is given; a bad file shows a French error).
    """
    uploaded = st.file_uploader(
        "Importer une liste de sites (CSV ou GeoJSON)",
        type=["csv", "txt", "json", "geojson"],
        key=f"{key}_file",
        help="CSV : nom ; catégorie ; adresse ; code commune ; latitude et longitude "
        "facultatives (séparateur « ; » ou « , »). Sont aussi acceptés l'export GeoJSON de "
        "l'annuaire Service-Public et la liste des CCAS/CIAS (JSON ou GeoJSON).",
    )
    if uploaded is None:
        return None
    try:
        result = read_sites_file(uploaded.name, uploaded.getvalue(), communes)
    except SiteImportError as exc:
        st.error(str(exc))
        return None
    st.success(result.messages[0])
    for message in result.messages[1:]:
        st.warning(message)
    if not result.rejected.empty:
        st.dataframe(result.rejected, hide_index=True)
    name = st.text_input("Nom de la liste", value=Path(uploaded.name).stem, key=f"{key}_name")
    if st.button("Enregistrer la liste", key=f"{key}_save"):
        try:
            save_site_list(name, result.sites)
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.success(f"Liste « {name} » enregistrée ({len(result.sites)} sites).")
    return result


def stored_site_lists(key: str = "site_lists") -> None:
    """The stored lists, each with its number of sites and a button that deletes it."""
    try:
        lists = load_site_lists()
    except ValueError as exc:
        st.error(str(exc))
        return
    if not lists:
        st.caption(NO_REAL_LIST)
        return
    for number, (name, sites) in enumerate(lists.items()):
        cols = st.columns([4, 1])
        plural = "s" if len(sites) >= 2 else ""
        cols[0].text(f"{name} ({format_number(len(sites))} site{plural})")
        if cols[1].button("Supprimer", key=f"{key}_del_{number}"):
            delete_site_list(name)
            st.rerun()


def coverage_panel(ctx: PanelContext) -> None:
    st.markdown("#### Couverture : distance au site le plus proche")
    if not has_distances(ctx.key, cache.SOURCES):
        lists = cache.SOURCES.site_lists()
        st.caption(
            "Affichez la couche des sites pour calculer les distances." if lists else NO_REAL_LIST
        )
        return
    threshold = st.slider("Population à plus de N km d'un site", 1, 40, 10, key="cov_km")
    table = coverage_table(ctx.key, ctx.state, threshold, cache.SOURCES)
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


def sites_and_districts_panel(ctx: PanelContext) -> None:
    """Panel « Sites et territoires d'action sociale »."""
    if ctx.state.is_france:
        st.caption("Choisissez un département pour voir ses sites et ses territoires.")
        return
    left, right = st.columns(2)
    with left:
        _sites_column(ctx)
    with right:
        districts_column(ctx)


def _sites_column(ctx: PanelContext) -> None:
    st.markdown("#### Sites")
    site_legend(list(ctx.state.site_categories) if ctx.state.site_categories else None)
    with st.expander("Importer une liste de sites (CSV, GeoJSON, annuaire Service-Public)"):
        site_import_panel(ctx.bundle.communes)
    with st.expander("Listes de sites enregistrées"):
        stored_site_lists()
    coverage_panel(ctx)
