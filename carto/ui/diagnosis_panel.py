"""Streamlit pieces of the shared diagnosis: observations, saved views, portrait downloads.

Why forms keep their content on error: a partner who typed a long observation and mistyped
the edit code must not lose it; the store refuses with a French message and the form stays.
User text is shown through ``md_escape`` (Streamlit renders Markdown: an image or a link typed
in a note must be shown as text, never loaded).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import streamlit as st

from carto.common.fmt import format_date
from carto.diagnosis.portrait.files import to_csv, to_html, to_xlsx
from carto.diagnosis.portrait.model import PortraitData, PortraitError
from carto.diagnosis.portrait.pdf import to_pdf
from carto.diagnosis.store import (
    LEVELS,
    MAX_AUTHOR,
    MAX_ORGANISATION,
    MAX_TEXT,
    MAX_VIEW_NAME,
    THEMES,
    Observation,
    ObservationDraft,
    SavedView,
    Store,
    StoreError,
    database_url,
    observations_csv,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
PORTRAIT_FORMATS = (
    ("pdf", "PDF", "application/pdf"),
    ("html", "HTML (hors ligne)", "text/html"),
    ("xlsx", "Tableau XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("csv", "Tableau CSV", "text/csv"),
)


def md_escape(text: str) -> str:
    """Text shown literally by ``st.markdown`` (no link, image, HTML or formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    return Store(url)


def get_store(url: str | None = None) -> Store:
    """The process-wide store (one connection pool shared by all sessions)."""
    return _open_store(url or database_url())


def _done(key: str, message: str) -> None:
    """Show ``message`` after a rerun, so every list and count on the page is up to date."""
    st.session_state[f"{key}_flash"] = message
    st.rerun()


def _show_flash(key: str) -> None:
    message = st.session_state.pop(f"{key}_flash", None)
    if message:
        st.success(message)


def edit_secret_field(store: Store, key: str) -> str | None:
    """A password field when writing needs the edit code; ``None`` when writing is open."""
    if not store.requires_secret:
        return None
    return st.text_input(
        "Code d'édition",
        type="password",
        key=f"{key}_secret",
        help="La consultation est ouverte à tous ; ajouter, modifier ou supprimer demande le "
        "code transmis par l'animateur du diagnostic.",
    )


def _draft_inputs(key: str, base: ObservationDraft) -> tuple[str, str, str, date, str]:
    organisation = st.text_input(
        "Organisation", value=base.organisation, max_chars=MAX_ORGANISATION, key=f"{key}_org"
    )
    author = st.text_input("Auteur", value=base.author, max_chars=MAX_AUTHOR, key=f"{key}_author")
    theme = st.selectbox(
        "Thème",
        THEMES,
        index=THEMES.index(base.theme) if base.theme in THEMES else 0,
        key=f"{key}_theme",
    )
    observed_on = st.date_input(
        "Date de l'observation",
        value=base.observed_on,
        max_value=date.today(),
        format="DD/MM/YYYY",
        key=f"{key}_date",
    )
    text = st.text_area(
        "Observation", value=base.text, max_chars=MAX_TEXT, height=140, key=f"{key}_text"
    )
    return organisation, author, theme, observed_on, text


def observation_form(
    store: Store,
    territory_level: str,
    territory_code: str,
    department: str,
    territory_label: str,
    key: str = "obs_form",
) -> None:
    """Add an observation on the territory shown, then rerun so lists and counts include it."""
    _show_flash(key)
    st.markdown(f"**Nouvelle observation — {md_escape(territory_label)}**")
    empty = ObservationDraft(
        territory_level, territory_code, department, "", "", THEMES[0], "", date.today()
    )
    with st.form(key, clear_on_submit=False):
        organisation, author, theme, observed_on, text = _draft_inputs(key, empty)
        secret = edit_secret_field(store, key)
        submitted = st.form_submit_button("Enregistrer l'observation")
    if not submitted:
        return
    draft = ObservationDraft(
        territory_level,
        territory_code,
        department,
        organisation,
        author,
        theme,
        text,
        observed_on,
    )
    try:
        stored = store.add_observation(draft, secret=secret)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.session_state.pop(f"{key}_text", None)  # the note is stored: empty the field
    _done(key, f"Observation enregistrée (n° {stored.id}).")


def _edit_observation(store: Store, obs: Observation, key: str) -> None:
    with st.form(f"{key}_edit_{obs.id}"):
        organisation, author, theme, observed_on, text = _draft_inputs(f"{key}_e{obs.id}", obs)
        secret = edit_secret_field(store, f"{key}_e{obs.id}")
        col_save, col_delete = st.columns(2)
        save = col_save.form_submit_button("Enregistrer les modifications")
        confirm = st.checkbox("Je confirme la suppression", key=f"{key}_confirm_{obs.id}")
        delete = col_delete.form_submit_button("Supprimer l'observation")
    try:
        if save:
            draft = ObservationDraft(
                obs.territory_level,
                obs.territory_code,
                obs.department,
                organisation,
                author,
                theme,
                text,
                observed_on,
            )
            store.update_observation(obs.id, draft, secret=secret)
            _done(key, f"Observation n° {obs.id} modifiée.")
        elif delete and not confirm:
            st.warning("Cochez « Je confirme la suppression » pour supprimer l'observation.")
        elif delete:
            store.delete_observation(obs.id, secret=secret)
            _done(key, f"Observation n° {obs.id} supprimée.")
    except StoreError as exc:
        st.error(str(exc))


def observations_list(
    store: Store,
    department: str | None = None,
    territory_level: str | None = None,
    territory_code: str | None = None,
    key: str = "obs_list",
    editable: bool = True,
) -> list[Observation]:
    """Observations with theme and organisation filters, edit/delete and CSV export.

    Returns the filtered list (the map can count them per territory).
    """
    _show_flash(key)
    col_theme, col_org = st.columns(2)
    themes = col_theme.multiselect("Thèmes", THEMES, key=f"{key}_themes")
    organisations = col_org.multiselect(
        "Organisations", store.organisations(department), key=f"{key}_orgs"
    )
    observations = store.list_observations(
        theme=themes or None,
        organisation=organisations or None,
        territory_level=territory_level,
        territory_code=territory_code,
        department=department,
    )
    st.caption(f"{len(observations)} observation(s)")
    if observations:
        st.download_button(
            "Exporter en CSV",
            data=observations_csv(observations),
            file_name="observations.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )
    for obs in observations:
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(obs.theme)}** — {md_escape(obs.organisation)} "
                f"({md_escape(obs.author)}) — {format_date(obs.observed_on)} — "
                f"{md_escape(LEVELS.get(obs.territory_level, obs.territory_level))} "
                f"{md_escape(obs.territory_code)}"
            )
            st.markdown(md_escape(obs.text))
            if editable:
                with st.expander("Modifier ou supprimer"):
                    _edit_observation(store, obs, key)
    return observations


def saved_views_panel(store: Store, current_query_string: str, key: str = "views") -> str | None:
    """Name the current view, list, open, rename, delete shared views.

    Returns the query string of the view to open (the caller applies it), else ``None``.
    """
    _show_flash(key)
    secret = edit_secret_field(store, key)
    name = st.text_input("Nom de la vue", max_chars=MAX_VIEW_NAME, key=f"{key}_name")
    replace = st.checkbox("Remplacer une vue du même nom", key=f"{key}_replace")
    if st.button("Enregistrer la vue actuelle", key=f"{key}_save"):
        try:
            view = store.save_view(name, current_query_string, secret=secret, replace=replace)
            _done(key, f"Vue « {view.name} » enregistrée.")
        except StoreError as exc:
            st.error(str(exc))
    views = store.list_views()
    if not views:
        st.caption("Aucune vue enregistrée pour l'instant.")
        return None
    chosen: SavedView = st.selectbox(
        "Vues enregistrées", views, format_func=lambda v: v.name, key=f"{key}_choice"
    )
    to_open = None
    if st.button("Ouvrir cette vue", key=f"{key}_open"):
        to_open = chosen.query_string
    new_name = st.text_input("Nouveau nom", max_chars=MAX_VIEW_NAME, key=f"{key}_new_name")
    col_rename, col_delete = st.columns(2)
    try:
        if col_rename.button("Renommer", key=f"{key}_rename"):
            renamed = store.rename_view(chosen.id, new_name, secret=secret)
            _done(key, f"Vue renommée en « {renamed.name} ».")
        if col_delete.button("Supprimer cette vue", key=f"{key}_delete"):
            store.delete_view(chosen.id, secret=secret)
            _done(key, f"Vue « {chosen.name} » supprimée.")
    except StoreError as exc:
        st.error(str(exc))
    return to_open


_EXPORTERS: dict[str, Callable[[PortraitData], bytes | str]] = {
    "pdf": to_pdf,
    "html": to_html,
    "xlsx": to_xlsx,
    "csv": to_csv,
}


def portrait_downloads(
    build: Callable[[], PortraitData], file_stem: str, key: str = "portrait"
) -> None:
    """Generate the portrait files when asked (never on every rerun), then offer downloads.

    ``build`` is called only on click; ``file_stem`` (e.g. "portrait_54395") identifies the
    territory so that files prepared for another territory are not offered.
    """
    state_key = f"{key}_files"
    if st.button("Préparer le portrait (PDF, HTML, XLSX, CSV)", key=f"{key}_build"):
        try:
            with st.spinner("Préparation du portrait…"):
                data = build()
                files = {ext: make(data) for ext, make in _EXPORTERS.items()}
            st.session_state[state_key] = (file_stem, files)
        except PortraitError as exc:
            st.error(str(exc))
    prepared = st.session_state.get(state_key)
    if not prepared or prepared[0] != file_stem:
        return
    columns = st.columns(len(PORTRAIT_FORMATS))
    for column, (ext, label, mime) in zip(columns, PORTRAIT_FORMATS, strict=True):
        column.download_button(
            label,
            data=prepared[1][ext],
            file_name=f"{file_stem}.{ext}",
            mime=mime,
            key=f"{key}_dl_{ext}",
        )
