"""The edit code, typed once per session and handed to every write.

Why once per session: a partner importing a table, saving a site list and writing an
observation should not type the code three times, and every write of every store must carry
it (``carto.common.authorisation``). The code is checked when typed (a wrong one counts as a
failed attempt), kept in the session only, never shown again (the field is emptied), and can
be forgotten with one click.
"""

from __future__ import annotations

import streamlit as st

from carto.common.authorisation import (
    WriteDenied,
    acting_for,
    authorise,
    client_key,
    requires_code,
)

CODE_KEY = "_atlas_edit_code"
_ERROR_KEY = "_atlas_edit_code_error"
_INPUT_KEY = "edit_code_input"
HELP = (
    "La consultation est ouverte à tous ; importer, enregistrer, modifier ou supprimer demande "
    "le code transmis par l'animateur du diagnostic. Il est gardé pour cette session seulement."
)


def _identify_client() -> None:
    """Count this browser's wrong codes under its own address (behind the deployment's
    nginx, the address nginx saw), so one person's typing errors lock out only them."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # no browser connection (e.g. a test harness without one)
        peer, forwarded = None, None
    acting_for(client_key(peer, forwarded))


def edit_code() -> str | None:
    """The code kept for this session (``None`` when none was typed or none is needed).

    Called before every write, so it also names the client the write is checked for.
    """
    _identify_client()
    return st.session_state.get(CODE_KEY)


def _check_typed() -> None:
    typed = st.session_state.get(_INPUT_KEY) or ""
    st.session_state[_INPUT_KEY] = ""  # never shown again, not even as dots
    if not typed:
        return
    _identify_client()
    try:
        authorise(typed)
    except WriteDenied as exc:
        st.session_state[_ERROR_KEY] = str(exc)
        st.session_state.pop(CODE_KEY, None)
    else:
        st.session_state[CODE_KEY] = typed
        st.session_state.pop(_ERROR_KEY, None)


def _forget() -> None:
    st.session_state.pop(CODE_KEY, None)


def edit_code_field() -> str | None:
    """Ask for the code once, where writes are offered; returns the code kept, if any.

    Nothing is shown when writing is open (no ``ATLAS_EDIT_SECRET``).
    """
    if not requires_code():
        return None
    if edit_code():
        cols = st.columns([3, 1])
        cols[0].caption("Code d'édition saisi : les modifications sont permises.")
        cols[1].button("Oublier le code", key="edit_code_forget", on_click=_forget)
        return edit_code()
    st.text_input(
        "Code d'édition (pour importer, enregistrer ou supprimer)",
        type="password",
        key=_INPUT_KEY,
        on_change=_check_typed,
        help=HELP,
    )
    error = st.session_state.pop(_ERROR_KEY, None)
    if error:
        st.error(error)
    return None
