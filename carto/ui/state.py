"""Keep the widgets, the ViewState and the page's URL in step.

Why by hand rather than ``bind="query-params"``: the link must be versioned, validated and
tolerant (carto.viewstate.codec), and hold non-widget state (selected territory, map centre and
zoom). So the URL is decoded once per session into the widgets' session_state, and after each
run the ViewState built from the widgets is encoded back into the URL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import streamlit as st

from carto.common.fmt import format_number
from carto.compose.scope import Pending
from carto.map.classify import DEFAULT_PALETTE
from carto.territories.zones import DEFAULT_DEPARTMENT
from carto.viewstate.codec import Known, ViewState, decode, encode

# ViewState field → widget key (one key per widget; the sidebar reads them back).
KEYS = {
    "department": "w_dep",
    "by_arrondissement": "w_arr",
    "level": "w_lvl",
    "indicator": "w_ind",
    "indicator2": "w_ind2",
    "reference": "w_ref",
    "circles": "w_circ",
    "vintage2": "w_vin2",
    "class_method": "w_cls",
    "n_classes": "w_k",
    "palette": "w_pal",
    "district_set": "w_dset",
    "meeting": "w_meet",
    "side_by_side": "w_sbs",
    "tiles": "w_tiles",
}
LAYER_KEYS = {"communes": "w_lay_communes", "epci": "w_lay_epci", "mairies": "w_lay_mairies",
              "sites": "w_lay_sites", "districts": "w_lay_districts",
              "observations": "w_lay_observations", "presumes": "w_lay_presumes"}  # fmt: skip
BOUNDS_KEY = "w_bounds"
CATEGORIES_KEY = "w_cat"
FILTER_KEYS = {"epci": "w_fepci", "districts": "w_fdist", "population_classes": "w_fpop"}
RANGE_SLOTS = 2


@dataclass(frozen=True)
class RangeKeys:
    """Widget keys of one "indicator between min and max" filter."""

    indicator: str
    low: str
    high: str


def range_keys(slot: int) -> RangeKeys:
    """Widget keys of the n-th range filter (the first has no suffix: links stay short)."""
    suffix = "" if slot == 0 else str(slot + 1)
    return RangeKeys(f"w_fr_ind{suffix}", f"w_fr_min{suffix}", f"w_fr_max{suffix}")


SELECTED_KEY = "sel"
CENTRE_KEY = "map_centre"
ZOOM_KEY = "map_zoom"
FOCUS_KEY = "map_focus"  # where a searched zone is looked at (carto.compose.search.Focus)
CENTRE_DEP_KEY = "_centre_dep"  # the department the link's centre and zoom belong to
SEEDED_KEY = "_url_seeded"
NOTICES_KEY = "_url_notices"
_WRITTEN_KEY = "_url_written"  # the query parameters this session last wrote


def meeting_asked() -> bool:
    """Whether the page opens in meeting mode: the link's ``meet`` before it is read, the
    toggle's value afterwards (the sidebar then starts collapsed)."""
    ss = st.session_state
    if ss.get(SEEDED_KEY):
        return bool(ss.get(KEYS["meeting"]))
    return st.query_params.get("meet") in ("1", "true", "oui")


def set_widget_defaults() -> None:
    """Widgets start from the defaults of a bare link (ViewState()); the palette is shown."""
    defaults = ViewState()
    for field, key in KEYS.items():
        value = getattr(defaults, field)
        if field == "palette" and value is None:
            value = DEFAULT_PALETTE
        if value is None and field in ("circles", "vintage2"):
            value = ""  # the "(aucun)" option of their selectors
        st.session_state.setdefault(key, value)


def bounds_text(bounds: tuple[float, ...]) -> str:
    return " ; ".join(format_number(b, 6).rstrip("0").rstrip(",") for b in bounds)


def seed_from_url(known: Known, params: Mapping[str, list[str]]) -> ViewState:
    """Decode the link once per session and put its values into the widgets' state."""
    if st.session_state.get(SEEDED_KEY):
        return st.session_state[SEEDED_KEY]
    state, notices = decode(params, known)
    ss = st.session_state
    for field, key in KEYS.items():
        value = getattr(state, field)
        if value is not None:
            ss[key] = value
    for layer, key in LAYER_KEYS.items():
        ss[key] = layer in state.layers
    if state.bounds:
        ss[BOUNDS_KEY] = bounds_text(state.bounds)
    if state.site_categories is not None:
        ss[CATEGORIES_KEY] = list(state.site_categories)
    ss[FILTER_KEYS["epci"]] = list(state.filters.epci)
    ss[FILTER_KEYS["districts"]] = list(state.filters.districts)
    ss[FILTER_KEYS["population_classes"]] = list(state.filters.population_classes)
    for slot, rng in enumerate(state.filters.ranges[:RANGE_SLOTS]):
        slot_keys = range_keys(slot)
        ss[slot_keys.indicator] = rng.indicator
        ss[slot_keys.low] = "" if rng.min is None else bounds_text((rng.min,))
        ss[slot_keys.high] = "" if rng.max is None else bounds_text((rng.max,))
    ss[SELECTED_KEY] = state.selected
    ss[CENTRE_KEY] = state.centre
    ss[ZOOM_KEY] = state.zoom
    ss[CENTRE_DEP_KEY] = state.department
    ss[NOTICES_KEY] = notices
    ss[SEEDED_KEY] = state
    return state


def link_view(seeded: ViewState) -> ViewState:
    """The link's view as the widgets will return it, before they are drawn (the first run
    of a session draws the map alone, ``carto.ui.after_map``): the selection, centre and zoom
    are session state, added by :func:`with_map_state`."""
    return replace(seeded, selected=None, centre=None, zoom=None)


def pending() -> Pending:
    """What the widgets hold as this rerun starts, before the sidebar draws them again."""
    ss = st.session_state
    categories = ss.get(CATEGORIES_KEY)
    return Pending(
        department=ss.get(KEYS["department"], DEFAULT_DEPARTMENT),
        by_arrondissement=bool(ss.get(KEYS["by_arrondissement"])),
        level=ss.get(KEYS["level"]),
        district_set=ss.get(KEYS["district_set"]),
        sites_layer=bool(ss.get(LAYER_KEYS["sites"])),
        site_categories=tuple(categories) if categories else None,
    )


def write_url(state: ViewState) -> None:
    """Put the view into the address bar (only when it changed: no needless reruns).

    Compared with what this session last wrote too: a click sent while the previous run was
    still writing the address carries the older address, and the server would otherwise take
    the browser's stale address for the new one (a cleared selection kept in the link)."""
    params = encode(state)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != params or st.session_state.get(_WRITTEN_KEY) != params:
        st.query_params.from_dict(params)
        st.session_state[_WRITTEN_KEY] = params


def forget_view_if_moved(department: str) -> None:
    """A link's centre and zoom belong to its department: another one is fitted afresh."""
    ss = st.session_state
    if ss.get(CENTRE_DEP_KEY) != department:
        ss[CENTRE_KEY] = None
        ss[ZOOM_KEY] = None
        ss[FOCUS_KEY] = None
        ss[CENTRE_DEP_KEY] = department


def keep_selection(codes: Collection[str]) -> None:
    """A selection that is not a zone of the territory shown (another department or level)
    is dropped, so that it never travels in a shared link."""
    ss = st.session_state
    if ss.get(SELECTED_KEY) is not None and ss[SELECTED_KEY] not in codes:
        ss[SELECTED_KEY] = None
        ss[FOCUS_KEY] = None


def with_map_state(state: ViewState) -> ViewState:
    """Add the non-widget parts kept in session_state (selection, centre, zoom)."""
    ss = st.session_state
    try:
        return replace(
            state,
            selected=ss.get(SELECTED_KEY),
            centre=ss.get(CENTRE_KEY),
            zoom=ss.get(ZOOM_KEY),
        )
    except ValueError:
        return state
