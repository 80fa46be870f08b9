"""Small helpers shared by the sidebar's sections: stale values, French numbers."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from carto.common.fmt import parse_number


def keep_valid(key: str, options: Sequence[object], default: object) -> None:
    """A stale value in session_state (option gone) falls back to the default, not an error
    (to the first option when the default itself is not offered)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default if default in options or not options else options[0]


def keep_valid_list(key: str, options: Sequence[object]) -> None:
    """Drop the chosen items that are no longer offered (a deleted district, another EPCI)."""
    if key in st.session_state:
        allowed = set(options)
        st.session_state[key] = [v for v in st.session_state[key] or [] if v in allowed]


def parse_list(text: str) -> tuple[float, ...]:
    """« 50 ; 100 ; 1 000 » → (50.0, 100.0, 1000.0); raises ValueError in French."""
    return tuple(parse_number(p) for p in text.split(";") if p.strip())


def optional_number(text: str) -> float | None:
    return parse_number(text) if text and text.strip() else None
