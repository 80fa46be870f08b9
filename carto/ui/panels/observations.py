"""Partners' observations: the form, the filtered list with edit and delete, the CSV export,
and the pieces the other diagnosis panels share (the store, the edit code, escaped text).

Why forms keep their content on error: a partner who typed a long observation and mistyped
the edit code must not lose it; the store refuses with a French message and the form stays.
User text is shown through ``md_escape`` (Streamlit renders Markdown: an image or a link typed
in a note must be shown as text, never loaded).

Why pages and edit forms on demand: a department holds thousands of observations; the list
reads one page from the database and builds the form of the one observation being edited
only, so a rerun costs the same at 10 or 10,000 observations (``bench/bench_diagnosis.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from carto.common.fmt import format_date, format_number
from carto.common.text import md_escape
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
from carto.ui.edit_code import edit_code
from carto.ui.french import CHOOSE

PAGE_SIZE = 20


@dataclass(frozen=True)
class ShownObservations:
    """The page shown (newest first), how many the filters keep, and those filters."""

    page: list[Observation]
    total: int
    filters: dict = field(hash=False)

    def all(self, store: Store) -> list[Observation]:
        """Every observation the filters keep (for a portrait, built on demand)."""
        return store.list_observations(**self.filters)


__all__ = ["edit_secret_field", "get_store", "md_escape", "observation_form", "observations_list"]


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
        st.success(md_escape(message))


def edit_secret_field(store: Store, key: str = "") -> str | None:
    """The session's edit code (asked once on the page, ``carto.ui.edit_code``)."""
    return edit_code() if store.requires_secret else None


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
        submitted = st.form_submit_button("Enregistrer l'observation")
    secret = edit_secret_field(store)
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
        st.error(md_escape(str(exc)))
        return
    st.session_state.pop(f"{key}_text", None)  # the note is stored: empty the field
    done(key, f"Observation enregistrée (n° {stored.id}).")


def _edit_observation(store: Store, obs: Observation, key: str) -> None:
    with st.form(f"{key}_edit_{obs.id}"):
        organisation, author, theme, observed_on, text = _draft_inputs(f"{key}_e{obs.id}", obs)
        col_save, col_delete = st.columns(2)
        save = col_save.form_submit_button("Enregistrer les modifications")
        confirm = st.checkbox("Je confirme la suppression", key=f"{key}_confirm_{obs.id}")
        delete = col_delete.form_submit_button("Supprimer l'observation")
    secret = edit_secret_field(store)
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
            st.session_state.pop(f"{key}_editing", None)
            done(key, f"Observation n° {obs.id} modifiée.")
        elif delete and not confirm:
            st.warning("Cochez « Je confirme la suppression » pour supprimer l'observation.")
        elif delete:
            store.delete_observation(obs.id, secret=secret)
            st.session_state.pop(f"{key}_editing", None)
            done(key, f"Observation n° {obs.id} supprimée.")
    except StoreError as exc:
        st.error(md_escape(str(exc)))


def _page(key: str, total: int) -> int:
    """The page shown (0-based), kept within the pages the filters leave."""
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1:
        return 0
    page = st.number_input(
        f"Page (sur {pages})", min_value=1, max_value=pages, value=1, step=1, key=f"{key}_page"
    )
    return int(page) - 1


def _export(store: Store, key: str, filters: dict) -> None:
    """The CSV of every observation the filters keep, built only when downloaded."""
    st.download_button(
        "Exporter en CSV",
        data=lambda: observations_csv(store.list_observations(**filters)),
        file_name="observations.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )


def _observation_card(
    store: Store, obs: Observation, key: str, editable: bool, names: Mapping[str, str]
) -> None:
    with st.container(border=True):
        st.markdown(
            f"**{md_escape(obs.theme)}** — {md_escape(obs.organisation)} "
            f"({md_escape(obs.author)}) — {format_date(obs.observed_on)} — "
            f"{md_escape(LEVELS.get(obs.territory_level, obs.territory_level))} : "
            f"{md_escape(names.get(obs.territory_code, obs.territory_code))}"
        )
        st.markdown(md_escape(obs.text))
        if not editable:
            return
        if st.session_state.get(f"{key}_editing") == obs.id:
            _edit_observation(store, obs, key)
            if st.button("Fermer", key=f"{key}_close_{obs.id}"):
                st.session_state.pop(f"{key}_editing", None)
                st.rerun()
        elif st.button("Modifier ou supprimer", key=f"{key}_edit_open_{obs.id}"):
            st.session_state[f"{key}_editing"] = obs.id
            st.rerun()


def observations_list(
    store: Store,
    department: str | None = None,
    territory_level: str | None = None,
    territory_code: str | None = None,
    key: str = "obs_list",
    editable: bool = True,
    names: Mapping[str, str] | None = None,
) -> ShownObservations:
    """Observations with theme and organisation filters, one page at a time, the form of the
    one being edited, and the CSV export of all of them; each names its territory (``names``:
    code → name), its code only when no name is known."""
    show_flash(key)
    col_theme, col_org = st.columns(2)
    themes = col_theme.multiselect("Thèmes", THEMES, key=f"{key}_themes", placeholder=CHOOSE)
    organisations = col_org.multiselect(
        "Organisations", store.organisations(department), key=f"{key}_orgs", placeholder=CHOOSE
    )
    filters = {
        "theme": themes or None,
        "organisation": organisations or None,
        "territory_level": territory_level,
        "territory_code": territory_code,
        "department": department,
    }
    total = store.count_observations(**filters)
    page = _page(key, total)
    observations = store.list_observations(**filters, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    first = page * PAGE_SIZE + 1
    last = first + len(observations) - 1
    shown = f" : n° {format_number(first)} à {format_number(last)} affichées"
    st.caption(f"{format_number(total)} observation(s){shown if total > PAGE_SIZE else ''}")
    if total:
        _export(store, key, filters)
    for obs in observations:
        _observation_card(store, obs, key, editable, names or {})
    return ShownObservations(observations, total, filters)
