"""The IRIS contours of the panel « Données importées »: import a set, see how it joins the
imported IRIS indicators, rename or delete the stored sets.

Why sets: each import (a city, a department) is a named set; a second one never silently
replaces the first, and one can be removed alone (``carto.territories.iris``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from carto.common.fmt import format_number
from carto.indicators.sources.store import load_imported_measures
from carto.territories.iris import (
    contour_sets,
    delete_contours,
    rename_contours,
    save_contours,
)
from carto.territories.iris_contours import join_iris, read_contours
from carto.ui.edit_code import edit_code
from carto.ui.guard import confirmed_save, french_errors
from carto.ui.panels.manage import Item, manage_items
from carto.ui.uploads import content_digest, parsed_once


def iris_contours_panel(key: str = "iris") -> None:
    """Upload IRIS contours; the join with the imported IRIS indicators is reported first."""
    st.markdown("### Contours IRIS")
    upload = st.file_uploader(
        "Contours IRIS (GeoJSON, GeoPackage, shapefile zippé ou export OpenDataSoft)",
        type=["json", "geojson", "gpkg", "zip"],
        key=f"{key}_upload",
    )
    if upload is not None:
        with french_errors(f"lecture de « {upload.name} »"):
            contours = parsed_once(
                "iris", upload, lambda: read_contours(upload.getvalue(), name=upload.name)
            )
            values, secret, _ = load_imported_measures(contours.index, level="iris")
            _joined, report = join_iris(contours, values, secret)
            st.text(report.summary_fr())
            name = st.text_input(
                "Nom de ces contours",
                value=Path(upload.name).stem,
                key=f"{key}_name_{content_digest(upload)[:12]}",
            )
            clicked = st.button("Enregistrer ces contours", key=f"{key}_save")

            def save(replace: bool) -> str:
                total = save_contours(
                    contours, name, file_name=upload.name, code=edit_code(), replace=replace
                )
                total_text = format_number(total)
                return f"Contours « {name.strip()} » enregistrés ({total_text} IRIS en tout)."

            confirmed_save(f"{key}_save", clicked, name, save, "enregistrement des contours")
    _stored_sets(key)


def _stored_sets(key: str) -> None:
    sets = None
    with french_errors("lecture des contours IRIS enregistrés"):
        sets = contour_sets()
    if sets is None:
        return
    if not sets:
        st.caption("Aucun contour IRIS : importez-les pour cartographier une ville par IRIS.")
        return
    items = [
        Item(c.id, c.name, f"{format_number(c.count)} IRIS" if c.count >= 0 else "") for c in sets
    ]

    def rename(set_id: str, new_name: str, replace: bool) -> str:
        name = rename_contours(set_id, new_name, code=edit_code(), replace=replace)
        return f"Contours renommés en « {name} »."

    def delete(set_id: str) -> str:
        name = next(c.name for c in sets if c.id == set_id)
        delete_contours(set_id, code=edit_code())
        return f"Contours « {name} » supprimés."

    with st.expander("Contours IRIS enregistrés (renommer, supprimer)"):
        manage_items(f"{key}_sets", items, rename, delete, "le jeu de contours")
