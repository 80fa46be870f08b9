"""Partners' observations: the form, the filtered list with edit and delete, the CSV export,
and the pieces the other diagnosis panels share (the store, the edit code, escaped text).

Why forms keep their content on error: a partner who typed a long observation and mistyped
the edit code must not lose it; the store refuses with a French message and the form stays.
User text is shown through ``md_escape`` (Streamlit renders Markdown: an image or a link typed
in a note must be shown as text, never loaded).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import streamlit as st

from carto.common.fmt import format_date
from carto.diagnosis.store import (
    LEVELS,
    MAX_AUTHOR,
    MAX_ORGANISATION,
    MAX_TEXT,
    THEMES,
    Observation,
    ObservationDraft,
    Store,
    StoreError,
    database_url,
    observations_csv,
)
from carto.ui.french import CHOOSE

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Text shown literally by ``st.markdown`` (no link, image, HTML or formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    return Store(url)


def get_store(url: str | None = None) -> Store:
    """The process-wide store (one connection pool shared by all sessions)."""
    return _open_store(url or database_url())


def done(key: str, message: str) -> None:
    """Show ``message`` after a rerun, so every list and count on the page is up to date."""
    st.session_state[f"{key}_flash"] = message
    st.rerun()


def show_flash(key: str) -> None:
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
    show_flash(key)
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
    done(key, f"Observation enregistrée (n° {stored.id}).")


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
            done(key, f"Observation n° {obs.id} modifiée.")
        elif delete and not confirm:
            st.warning("Cochez « Je confirme la suppression » pour supprimer l'observation.")
        elif delete:
            store.delete_observation(obs.id, secret=secret)
            done(key, f"Observation n° {obs.id} supprimée.")
    except StoreError as exc:
        st.error(str(exc))


def observations_list(
    store: Store,
    department: str | None = None,
    territory_level: str | None = None,
    territory_code: str | None = None,
    key: str = "obs_list",
    editable: bool = True,
    names: Mapping[str, str] | None = None,
) -> list[Observation]:
    """Observations with theme and organisation filters, edit/delete and CSV export; each
    names its territory (``names``: code → name), its code only when no name is known.

    Returns the filtered list (the map can count them per territory).
    """
    names = names or {}
    show_flash(key)
    col_theme, col_org = st.columns(2)
    themes = col_theme.multiselect("Thèmes", THEMES, key=f"{key}_themes", placeholder=CHOOSE)
    organisations = col_org.multiselect(
        "Organisations", store.organisations(department), key=f"{key}_orgs", placeholder=CHOOSE
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
                f"{md_escape(LEVELS.get(obs.territory_level, obs.territory_level))} : "
                f"{md_escape(names.get(obs.territory_code, obs.territory_code))}"
            )
            st.markdown(md_escape(obs.text))
            if editable:
                with st.expander("Modifier ou supprimer"):
                    _edit_observation(store, obs, key)
    return observations
