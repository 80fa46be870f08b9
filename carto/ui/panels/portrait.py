"""The territory portrait's downloads: built on click only, offered for that territory only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from carto.diagnosis.portrait.files import to_csv, to_html, to_xlsx
from carto.diagnosis.portrait.model import PortraitData
from carto.diagnosis.portrait.pdf import to_pdf
from carto.ui.guard import french_errors


@dataclass(frozen=True)
class PortraitFormat:
    extension: str
    label: str
    mime: str
    export: Callable[[PortraitData], bytes | str]


PORTRAIT_FORMATS = (
    PortraitFormat("pdf", "PDF", "application/pdf", to_pdf),
    PortraitFormat("html", "HTML (hors ligne)", "text/html", to_html),
    PortraitFormat(
        "xlsx",
        "Tableau XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_xlsx,
    ),
    PortraitFormat("csv", "Tableau CSV", "text/csv", to_csv),
)


@dataclass(frozen=True)
class PreparedPortrait:
    """The files of one territory's portrait, kept in the session until another is asked."""

    file_stem: str
    files: dict[str, bytes | str]  # by extension


def portrait_downloads(
    build: Callable[[], PortraitData], file_stem: str, key: str = "portrait"
) -> None:
    """Generate the portrait files when asked (never on every rerun), then offer downloads.

    ``build`` is called only on click; ``file_stem`` (e.g. "portrait_54395") identifies the
    territory so that files prepared for another territory are not offered.
    """
    state_key = f"{key}_files"
    if st.button("Préparer le portrait (PDF, HTML, XLSX, CSV)", key=f"{key}_build"):
        with french_errors("préparation du portrait"), st.spinner("Préparation du portrait…"):
            data = build()
            files = {f.extension: f.export(data) for f in PORTRAIT_FORMATS}
            st.session_state[state_key] = PreparedPortrait(file_stem, files)
    prepared = st.session_state.get(state_key)
    if not isinstance(prepared, PreparedPortrait) or prepared.file_stem != file_stem:
        return
    columns = st.columns(len(PORTRAIT_FORMATS))
    for column, fmt in zip(columns, PORTRAIT_FORMATS, strict=True):
        column.download_button(
            fmt.label,
            data=prepared.files[fmt.extension],
            file_name=f"{file_stem}.{fmt.extension}",
            mime=fmt.mime,
            key=f"{key}_dl_{fmt.extension}",
        )
