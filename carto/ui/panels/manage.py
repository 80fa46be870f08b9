"""One screen to list, rename and delete stored items (site lists, district sets, IRIS
contours), the same for each.

Why one component: each collection keeps names as typed under ids that cannot collide; the
screen shows every item, renames one (asking before replacing an item of the same name) and
deletes one after a confirmation, with the edit code of the session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from carto.common.text import md_escape
from carto.ui.guard import confirmed_save, french_errors


@dataclass(frozen=True)
class Item:
    """One row of the screen: id, name as typed, and what to say about it."""

    id: str
    name: str
    detail: str = ""


def manage_items(
    key: str,
    items: Sequence[Item],
    rename: Callable[[str, str, bool], str],
    delete: Callable[[str], str],
    noun: str,
) -> None:
    """The table of ``items``, then rename and delete the one chosen.

    ``rename(id, new_name, replace)`` and ``delete(id)`` return the French message shown.
    """
    done = st.session_state.pop(f"{key}_done", None)
    if done:
        st.success(md_escape(done))
    if not items:
        return
    st.dataframe(
        pd.DataFrame({"Nom": [i.name for i in items], "Contenu": [i.detail for i in items]}),
        hide_index=True,
    )
    by_id = {i.id: i for i in items}
    chosen_id = st.selectbox(
        noun.capitalize(), list(by_id), format_func=lambda i: by_id[i].name, key=f"{key}_choice"
    )
    chosen = by_id[chosen_id]
    new_name = st.text_input("Nouveau nom", value=chosen.name, key=f"{key}_new_{chosen.id}")
    left, right = st.columns(2)
    clicked = left.button("Renommer", key=f"{key}_rename")

    def renamed(replace: bool) -> str:
        message = rename(chosen.id, new_name, replace)
        st.session_state[f"{key}_done"] = message
        return message

    if confirmed_save(f"{key}_rename", clicked, new_name, renamed, f"renommage de {noun}"):
        st.rerun()
    confirm = right.checkbox("Je confirme la suppression", key=f"{key}_confirm_{chosen.id}")
    if right.button("Supprimer", key=f"{key}_delete"):
        if not confirm:
            st.warning("Cochez « Je confirme la suppression » pour supprimer.")
            return
        with french_errors(f"suppression de {noun}"):
            st.session_state[f"{key}_done"] = delete(chosen.id)
            st.rerun()
