"""Shared saved views: name the current view, then list, open, rename or delete the views.

Saving or renaming under a name already taken (case, accents and punctuation aside) asks
before replacing that view (``carto.ui.guard.confirmed_save``); every write carries the
session's edit code.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import streamlit as st

from carto.common.text import md_escape
from carto.diagnosis.store import MAX_VIEW_NAME, SavedView, Store, StoreError
from carto.ui import state as keys
from carto.ui.guard import confirmed_save
from carto.ui.panels.observations import done, edit_secret_field, show_flash


def saved_views_panel(store: Store, current_query_string: str, key: str = "views") -> str | None:
    """Name the current view, list, open, rename, delete shared views.

    Returns the query string of the view to open (the caller applies it), else ``None``.
    """
    show_flash(key)
    secret = edit_secret_field(store)
    name = st.text_input("Nom de la vue", max_chars=MAX_VIEW_NAME, key=f"{key}_name")
    clicked = st.button("Enregistrer la vue actuelle", key=f"{key}_save")

    def save(replace: bool) -> str:
        view = store.save_view(name, current_query_string, secret=secret, replace=replace)
        done(key, f"Vue « {view.name} » {'remplacée' if replace else 'enregistrée'}.")
        return ""

    confirmed_save(f"{key}_save", clicked, name, save, "enregistrement de la vue")
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
    rename_clicked = col_rename.button("Renommer", key=f"{key}_rename")

    def rename(replace: bool) -> str:
        renamed = store.rename_view(chosen.id, new_name, secret=secret, replace=replace)
        done(key, f"Vue renommée en « {renamed.name} ».")
        return ""

    confirmed_save(f"{key}_rename", rename_clicked, new_name, rename, "renommage de la vue")
    if col_delete.button("Supprimer cette vue", key=f"{key}_delete"):
        try:
            store.delete_view(chosen.id, secret=secret)
            done(key, f"Vue « {chosen.name} » supprimée.")
        except StoreError as exc:
            st.error(md_escape(str(exc)))
    return to_open


def open_view(query_string: str) -> None:
    """Open a saved view: its link replaces the URL and the widgets are seeded again."""
    st.query_params.from_dict(dict(parse_qsl(query_string, keep_blank_values=True)))
    for key in (keys.SEEDED_KEY, keys.SELECTED_KEY, keys.CENTRE_KEY, keys.ZOOM_KEY):
        st.session_state.pop(key, None)
    st.rerun()
