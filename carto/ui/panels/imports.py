"""Panel « Données importées »: upload an INSEE file or a partner table, map its columns, read
the report; the stored imports; the IRIS contours.

Why everything goes through carto.indicators.sources (``imports``, ``store``): the panel only
collects the user's choices and shows the French report; validation and storage are the same as
the command line, so a failed import here also changes nothing. A file is read once per content
and choices (``carto.ui.uploads``); saving under a title already taken asks before replacing
that dataset; every write carries the session's edit code.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from carto.common.text import md_escape
from carto.indicators.catalogue import Kind, Polarity
from carto.indicators.sources.imports import (
    ColumnMapping,
    PartnerMapping,
    import_insee,
    import_partner,
    preview,
    suggest_code_column,
)
from carto.indicators.sources.store import delete_dataset, list_datasets, save_dataset
from carto.territories.bundle import Bundle
from carto.ui import cache
from carto.ui.edit_code import edit_code, edit_code_field
from carto.ui.french import CHOOSE
from carto.ui.guard import confirmed_save, french_errors
from carto.ui.panels.iris import iris_contours_panel
from carto.ui.uploads import content_digest, parsed_once

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


def _save(dataset, replace: bool) -> str:  # type: ignore[no-untyped-def]
    stored = save_dataset(dataset, code=edit_code(), replace=replace)
    st.session_state["import_last_report"] = dataset.report.summary_fr()
    verb = "remplacé" if replace else "enregistré"
    return f"Import {verb} : « {stored.title} »."


def _import_and_save(key: str, clicked: bool, title: str, read) -> None:  # type: ignore[no-untyped-def]
    """Read (once per file and choices) when asked, then save, asking before a replacement."""
    pending = st.session_state.get(f"{key}_pending") is not None
    if not (clicked or pending):
        return
    dataset = read()
    title = title.strip() or dataset.title
    dataset = replace(dataset, title=title)
    confirmed_save(key, clicked, title, lambda r: _save(dataset, r), "enregistrement de l'import")


def _insee_form(bundle, upload) -> None:  # type: ignore[no-untyped-def]
    meta = st.file_uploader(
        "Dictionnaire des variables (facultatif, fichier meta_….csv)",
        type=["csv"],
        key="import_meta",
    )
    title = st.text_input(
        "Titre du jeu de données (facultatif : par défaut, la nature et le millésime du fichier)",
        key="import_insee_title",
    )
    clicked = st.button("Importer le fichier INSEE", key="import_insee_go", type="primary")
    meta_digest = content_digest(meta) if meta is not None else ""

    def read():  # type: ignore[no-untyped-def]
        return parsed_once(
            "insee",
            upload,
            lambda: import_insee(
                upload.getvalue(),
                name=upload.name,
                communes=_communes(bundle),
                meta=meta.getvalue() if meta is not None else None,
                progress=_progress_callback(),
                national=cache.get_national(),
            ),
            meta_digest,
        )

    _import_and_save("import_insee_save", clicked, title, read)


def _column_form(column: str, columns: list[str], index: int) -> ColumnMapping:
    with st.container(border=True):
        st.markdown(f"**Colonne « {md_escape(column)} »**")
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
    clicked = st.button("Importer le tableau", key="import_partner_go", type="primary")
    mapping = PartnerMapping(
        title=title.strip() or upload.name,
        source=source.strip() or "partenaire",
        code_column=code_column,
        columns=tuple(mappings),
    )

    def read():  # type: ignore[no-untyped-def]
        return parsed_once(
            "partner",
            upload,
            lambda: import_partner(
                upload.getvalue(),
                mapping,
                name=upload.name,
                communes=_communes(bundle),
                progress=_progress_callback(),
            ),
            mapping,
        )

    _import_and_save("import_partner_save", clicked, mapping.title, read)


def _stored_list() -> None:
    st.markdown("#### Données importées")
    stored = None
    with french_errors("lecture des imports enregistrés"):
        stored = list_datasets()
    if stored is None:
        return
    if not stored:
        st.caption("Aucune donnée importée pour l'instant.")
        return
    for item in stored:
        label = f"{item.title} — {item.file_name} ({len(item.indicators)} indicateurs)"
        with st.expander(md_escape(label)):
            st.text(item.summary)
            confirm = st.checkbox("Je confirme la suppression", key=f"import_confirm_{item.id}")
            if st.button("Supprimer cet import", key=f"import_delete_{item.id}"):
                if not confirm:
                    st.warning("Cochez « Je confirme la suppression » pour supprimer l'import.")
                    continue
                with french_errors("suppression d'un import"):
                    delete_dataset(item.id, code=edit_code())
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
        with french_errors(
            f"import de « {upload.name} »",
            prefix="Import refusé : ",
            suffix="\n\nAucune donnée déjà importée n'a été modifiée.",
        ):
            if origin == SOURCE_INSEE:
                _insee_form(bundle, upload)
            else:
                _partner_form(bundle, upload)
    report = st.session_state.get("import_last_report")
    if report:
        st.markdown("#### Rapport du dernier import")
        st.text(report)
    _stored_list()


def imports_panel(bundle: Bundle) -> None:
    edit_code_field()
    render_import_panel(bundle)
    iris_contours_panel()
