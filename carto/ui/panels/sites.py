"""Panel « Sites et territoires d'action sociale », its sites column: the legend, the import
of a list, the stored lists and their deletion, and the coverage (distance to the nearest site).
The districts column is ``carto.ui.panels.districts``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from carto.common.fmt import format_number, format_percent
from carto.common.text import md_escape
from carto.compose.diagnosis import coverage_table, has_distances
from carto.sites.importers import SiteImport, read_sites_file
from carto.sites.render import legend_html
from carto.sites.storage import (
    delete_site_list,
    list_site_lists,
    rename_site_list,
    save_site_list,
)
from carto.ui import cache
from carto.ui.edit_code import edit_code, edit_code_field
from carto.ui.guard import confirmed_save, french_errors
from carto.ui.panels.context import PanelContext
from carto.ui.panels.districts import districts_column
from carto.ui.panels.manage import Item, manage_items
from carto.ui.uploads import content_digest, parsed_once

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
    The file is read once (``carto.ui.uploads``); the name field starts from each new file's
    name, and saving under a name already taken asks before replacing that list.
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
    result = None
    with french_errors(f"lecture de « {uploaded.name} »"):
        result = parsed_once(
            "sites", uploaded, lambda: read_sites_file(uploaded.name, uploaded.getvalue(), communes)
        )
    if result is None:
        return None
    st.success(md_escape(result.messages[0]))
    for message in result.messages[1:]:
        st.warning(md_escape(message))
    if not result.rejected.empty:
        st.dataframe(result.rejected, hide_index=True)
    name = st.text_input(
        "Nom de la liste",
        value=Path(uploaded.name).stem,
        key=f"{key}_name_{content_digest(uploaded)[:12]}",
    )
    clicked = st.button("Enregistrer la liste", key=f"{key}_save")

    def save(replace: bool) -> str:
        stored = save_site_list(name, result.sites, code=edit_code(), replace=replace)
        return f"Liste « {stored.name} » enregistrée ({len(stored.sites)} sites)."

    confirmed_save(f"{key}_save", clicked, name, save, "enregistrement de la liste de sites")
    return result


def stored_site_lists(key: str = "site_lists") -> None:
    """The stored lists: each with its number of sites; rename or delete one."""
    lists = []
    with french_errors("lecture des listes de sites"):
        lists = list_site_lists()
    if not lists:
        st.caption(NO_REAL_LIST)
        return
    items = [Item(s.id, s.name, _count(len(s.sites))) for s in lists]

    def rename(list_id: str, new_name: str, replace: bool) -> str:
        renamed = rename_site_list(list_id, new_name, code=edit_code(), replace=replace)
        return f"Liste renommée en « {renamed.name} »."

    def delete(list_id: str) -> str:
        name = next(s.name for s in lists if s.id == list_id)
        delete_site_list(list_id, code=edit_code())
        return f"Liste « {name} » supprimée."

    manage_items(key, items, rename, delete, "la liste de sites")


def _count(n: int) -> str:
    return f"{format_number(n)} site{'s' if n >= 2 else ''}"


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
    edit_code_field()
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
    with st.expander("Listes de sites enregistrées (renommer, supprimer)"):
        stored_site_lists()
    coverage_panel(ctx)
