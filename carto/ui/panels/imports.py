"""Panel « Données importées »: upload an INSEE file or a partner table, map its columns, read
the report; the stored imports; the IRIS contours.

Why everything goes through carto.indicators.sources (``imports``, ``store``): the panel only
collects the user's choices and shows the French report; validation and storage are the same as
the command line, so a failed import here also changes nothing.
"""

from __future__ import annotations

import streamlit as st

from carto.common.fmt import format_number
from carto.common.tabular import ImportFailure
from carto.indicators.catalogue import Kind, Polarity
from carto.indicators.sources.imports import (
    ColumnMapping,
    PartnerMapping,
    import_insee,
    import_partner,
    preview,
    suggest_code_column,
)
from carto.indicators.sources.store import (
    StoreError,
    delete_dataset,
    list_datasets,
    load_imported_measures,
    save_dataset,
)
from carto.territories.bundle import Bundle
from carto.territories.iris import delete_contours, load_contours, save_contours
from carto.territories.iris_contours import join_iris, read_contours
from carto.ui import cache
from carto.ui.french import CHOOSE

# How an import sits beside the national indicators built into the atlas (the rule is
# carto.indicators.national's); said before the user uploads anything.
BESIDE_NATIONAL = (
    "L'atlas contient déjà, pour toutes les communes de France, les indicateurs nationaux de "
    "Filosofi 2021 et du comparateur de territoires (édition 2022). Un fichier importé ajoute "
    "ses millésimes et ses indicateurs à côté d'eux, sans jamais les remplacer : pour une "
    "colonne déjà fournie (même produit, même millésime), la valeur nationale est conservée et "
    "le fichier ne complète que les communes qui n'en ont pas ; le rapport d'import le "
    "détaille. Importer le fichier d'un seul département ne retire donc aucune valeur "
    "nationale aux autres."
)
SOURCE_INSEE = "Fichier INSEE (Filosofi, comparateur de territoires, Filosofi IRIS)"
SOURCE_PARTNER = "Tableau d'un partenaire (CAF, CCAS…)"
KIND_CHOICES = {
    "Effectif (s'additionne)": Kind.COUNT,
    "Taux (numérateur / dénominateur)": Kind.RATE,
    "Valeur non agrégeable (médiane, taux publié…)": Kind.VALUE,
}
POLARITY_CHOICES = {
    "Neutre": Polarity.NEUTRAL,
    "Plus c'est élevé, plus c'est défavorable": Polarity.HIGHER_WORSE,
    "Plus c'est élevé, plus c'est favorable": Polarity.HIGHER_BETTER,
}


def _communes(bundle):  # type: ignore[no-untyped-def]
    return bundle.communes[["CODGEO", "LIBGEO", "DEP"]]


def _progress_callback():  # type: ignore[no-untyped-def]
    bar = st.progress(0.0, text="Lecture du fichier…")

    def update(fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"Lecture du fichier… {fraction:.0%}")

    return update


def _finish(dataset) -> None:  # type: ignore[no-untyped-def]
    stored = save_dataset(dataset)
    st.session_state["import_last_report"] = dataset.report.summary_fr()
    st.success(f"Import enregistré : « {stored.title} » ({stored.id}).")


def _insee_form(bundle, upload) -> None:  # type: ignore[no-untyped-def]
    meta = st.file_uploader(
        "Dictionnaire des variables (facultatif, fichier meta_….csv)",
        type=["csv"],
        key="import_meta",
    )
    if st.button("Importer le fichier INSEE", key="import_insee_go", type="primary"):
        dataset = import_insee(
            upload.getvalue(),
            name=upload.name,
            communes=_communes(bundle),
            meta=meta.getvalue() if meta is not None else None,
            progress=_progress_callback(),
            national=cache.get_national(),
        )
        _finish(dataset)


def _column_form(column: str, columns: list[str], index: int) -> ColumnMapping:
    with st.container(border=True):
        st.markdown(f"**Colonne « {column} »**")
        label = st.text_input("Libellé affiché", value=column, key=f"import_label_{index}")
        kind_label = st.selectbox("Nature", list(KIND_CHOICES), key=f"import_kind_{index}")
        kind = KIND_CHOICES[kind_label]
        denominator = None
        if kind is Kind.RATE:
            others = [c for c in columns if c != column]
            denominator = st.selectbox("Dénominateur", others, key=f"import_den_{index}")
        unit = st.text_input(
            "Unité", value="%" if kind is Kind.RATE else "", key=f"import_unit_{index}"
        )
        vintage = st.text_input("Millésime (année)", key=f"import_vintage_{index}")
        polarity = st.selectbox("Lecture", list(POLARITY_CHOICES), key=f"import_pol_{index}")
    return ColumnMapping(
        column=column,
        label=label.strip() or column,
        kind=kind,
        unit=unit.strip(),
        vintage=vintage.strip(),
        denominator=denominator,
        polarity=POLARITY_CHOICES[polarity],
    )


def _partner_form(bundle, upload) -> None:  # type: ignore[no-untyped-def]
    head = preview(upload.getvalue(), upload.name)
    st.caption("Aperçu des premières lignes :")
    st.dataframe(head, hide_index=True)
    columns = list(head.columns)
    suggested = suggest_code_column(columns)
    code_column = st.selectbox(
        "Colonne des codes communes (code INSEE, pas le code postal)",
        columns,
        index=columns.index(suggested) if suggested in columns else 0,
        key="import_code_column",
    )
    chosen = st.multiselect(
        "Colonnes de valeurs à importer (pour un taux, choisissez le numérateur)",
        [c for c in columns if c != code_column],
        key="import_value_columns",
        placeholder=CHOOSE,
    )
    mappings = [_column_form(c, columns, i) for i, c in enumerate(chosen)]
    title = st.text_input("Titre du jeu de données", value=upload.name, key="import_title")
    source = st.text_input("Producteur (source affichée)", value="", key="import_source")
    if st.button("Importer le tableau", key="import_partner_go", type="primary"):
        mapping = PartnerMapping(
            title=title.strip() or upload.name,
            source=source.strip() or "partenaire",
            code_column=code_column,
            columns=tuple(mappings),
        )
        dataset = import_partner(
            upload.getvalue(),
            mapping,
            name=upload.name,
            communes=_communes(bundle),
            progress=_progress_callback(),
        )
        _finish(dataset)


def _stored_list() -> None:
    st.markdown("#### Données importées")
    try:
        stored = list_datasets()
    except StoreError as exc:
        st.error(str(exc))
        return
    if not stored:
        st.caption("Aucune donnée importée pour l'instant.")
        return
    for item in stored:
        with st.expander(f"{item.title} — {item.file_name} ({len(item.indicators)} indicateurs)"):
            st.text(item.summary)
            if st.button("Supprimer cet import", key=f"import_delete_{item.id}"):
                delete_dataset(item.id)
                st.session_state.pop("import_last_report", None)
                st.rerun()


def render_import_panel(bundle) -> None:  # type: ignore[no-untyped-def]
    """The whole import panel; ``bundle`` only needs ``communes`` (CODGEO, LIBGEO, DEP)."""
    st.markdown("### Importer des données")
    st.caption(BESIDE_NATIONAL)
    origin = st.radio("Type de fichier", [SOURCE_INSEE, SOURCE_PARTNER], key="import_origin")
    upload = st.file_uploader(
        "Fichier à importer (.csv ou .zip, séparateur « ; »)",
        type=["csv", "zip", "txt"],
        key="import_file",
    )
    if upload is not None:
        try:
            if origin == SOURCE_INSEE:
                _insee_form(bundle, upload)
            else:
                _partner_form(bundle, upload)
        except (ImportFailure, StoreError) as exc:
            st.error(f"Import refusé : {exc}\n\nAucune donnée déjà importée n'a été modifiée.")
    report = st.session_state.get("import_last_report")
    if report:
        st.markdown("#### Rapport du dernier import")
        st.text(report)
    _stored_list()


def imports_panel(bundle: Bundle) -> None:
    render_import_panel(bundle)
    iris_contours_panel()


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
