"""French messages instead of tracebacks, and the confirmation asked before a replacement.

Why here: every domain raises its own French errors (``ImportFailure``, ``DistrictError``,
``WriteDenied``…), shown as they are; any other exception is a defect or a library's failure
the importers did not foresee, which a user must never see as a trace (it names files, hosts
and ports): it is logged on the server with its traceback and replaced by a French message
naming what was being done.

A save that finds the name taken (``NameTaken``) shows what it would replace and two buttons;
only « Remplacer » saves again with ``replace``, and only for the same name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from carto.common.authorisation import WriteDenied
from carto.common.collection import CollectionError
from carto.common.files import WriteFailed
from carto.common.identity import InvalidName, NameTaken, name_key
from carto.common.tabular import ImportFailure
from carto.common.text import md_escape
from carto.diagnosis.portrait.model import PortraitError
from carto.diagnosis.store import StoreError as DiagnosisStoreError
from carto.districts.importers import DistrictImportError
from carto.districts.model import DistrictError
from carto.indicators.sources.store import StoreError as ImportsStoreError
from carto.sites.reading import SiteImportError

LOG = logging.getLogger("carto.ui")

FRENCH_ERRORS: tuple[type[BaseException], ...] = (
    ImportFailure,
    SiteImportError,
    DistrictImportError,
    DistrictError,
    CollectionError,
    InvalidName,
    NameTaken,
    WriteDenied,
    WriteFailed,
    ImportsStoreError,
    DiagnosisStoreError,
    PortraitError,
)


def unexpected(what: str, exc: BaseException) -> None:
    """Log ``exc`` with its traceback; show a French message naming ``what``."""
    LOG.error("unexpected failure while %s", what, exc_info=exc)
    st.error(
        f"Une erreur inattendue a interrompu l'opération ({md_escape(what)}). Rien n'a été "
        "enregistré à moitié ; le détail technique est consigné dans le journal du serveur."
    )


@contextmanager
def french_errors(what: str, prefix: str = "", suffix: str = "") -> Iterator[None]:
    """Show the domains' French errors as they are (escaped: they quote files' contents),
    anything else as :func:`unexpected`."""
    try:
        yield
    except FRENCH_ERRORS as exc:
        st.error(prefix + md_escape(str(exc)) + suffix)
    except Exception as exc:
        unexpected(what, exc)


def confirmed_save(
    key: str, clicked: bool, name: str, save: Callable[[bool], str], what: str
) -> bool:
    """Run ``save(replace)`` when ``clicked``; on ``NameTaken`` ask before replacing.

    ``save`` returns the French success message. Returns True once something was saved.
    """
    pending_key = f"{key}_pending"
    if clicked:
        st.session_state.pop(pending_key, None)
        return _attempt(key, name, save, False, what)
    pending = st.session_state.get(pending_key)
    if pending is None:
        return False
    if pending["key"] != name_key(name or ""):  # the name was changed meanwhile: ask again
        st.session_state.pop(pending_key, None)
        return False
    st.warning(md_escape(pending["message"]))
    left, right = st.columns(2)
    if left.button("Remplacer", key=f"{key}_confirm", type="primary"):
        st.session_state.pop(pending_key, None)
        return _attempt(key, name, save, True, what)
    if right.button("Annuler", key=f"{key}_cancel"):
        st.session_state.pop(pending_key, None)
        st.info("Rien n'a été remplacé.")
    return False


def _attempt(key: str, name: str, save: Callable[[bool], str], replace: bool, what: str) -> bool:
    try:
        message = save(replace)
    except NameTaken as exc:
        st.session_state[f"{key}_pending"] = {"key": name_key(name or ""), "message": str(exc)}
        st.warning(md_escape(str(exc)))
        left, right = st.columns(2)
        left.button("Remplacer", key=f"{key}_confirm", type="primary")
        right.button("Annuler", key=f"{key}_cancel")
        return False
    except FRENCH_ERRORS as exc:
        st.error(md_escape(str(exc)))
        return False
    except Exception as exc:
        unexpected(what, exc)
        return False
    st.success(md_escape(message))
    return True
