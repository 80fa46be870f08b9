"""Sidebar, « Filtrer les communes »: size classes, EPCI, values of indicators, districts."""

from __future__ import annotations

import streamlit as st

from carto.compose.offer import Offer
from carto.indicators.catalogue import Catalogue
from carto.territories.bundle import Bundle
from carto.territories.size_classes import POPULATION_CLASSES
from carto.ui import cache
from carto.ui.french import CHOOSE
from carto.ui.sidebar.widgets import keep_valid, keep_valid_list, optional_number
from carto.ui.state import FILTER_KEYS, RANGE_SLOTS, range_keys
from carto.viewstate.codec import Filters, RangeFilter, ViewStateError


def filters_section(
    bundle: Bundle, department: str, catalogue: Catalogue, offer: Offer, errors: list[str]
) -> Filters:
    """The filters asked for; one that cannot hold is reported in ``errors`` and dropped."""
    with st.expander("Filtrer les communes", expanded=False):
        classes = st.multiselect(
            "Taille de commune",
            [c.id for c in POPULATION_CLASSES],
            key=FILTER_KEYS["population_classes"],
            placeholder=CHOOSE,
            format_func=lambda c: next(p.label for p in POPULATION_CLASSES if p.id == c),
        )
        epci = _epci_filter(bundle, department)
        ranges = []
        for slot in range(RANGE_SLOTS):
            found = _range_filter(slot, offer.indicator_ids, catalogue, errors)
            if found is not None:
                ranges.append(found)
        districts: tuple[str, ...] = ()
        if offer.district_names:
            keep_valid_list(FILTER_KEYS["districts"], offer.district_names)
            districts = tuple(
                st.multiselect(
                    "Territoires d'action sociale",
                    offer.district_names,
                    key=FILTER_KEYS["districts"],
                    placeholder=CHOOSE,
                )
            )
    try:
        return Filters(
            ranges=tuple(ranges),
            epci=tuple(epci),
            districts=districts,
            population_classes=tuple(classes),
        )
    except ViewStateError as exc:
        errors.append(str(exc))
        return Filters()


def _epci_filter(bundle: Bundle, department: str) -> list[str]:
    choices = cache.get_epci_choices(department)
    if choices is None:
        return []
    keep_valid_list(FILTER_KEYS["epci"], list(choices))
    return st.multiselect(
        "EPCI",
        list(choices),
        key=FILTER_KEYS["epci"],
        format_func=lambda c: choices.get(c, c),
        placeholder=CHOOSE,
    )


def _range_filter(
    slot: int, ind_ids: list[str], catalogue: Catalogue, errors: list[str]
) -> RangeFilter | None:
    """One "indicator between min and max" filter; either bound may be left empty."""
    slot_keys = range_keys(slot)
    keep_valid(slot_keys.indicator, ["", *ind_ids], "")
    indicator = st.selectbox(
        "Valeur d'un indicateur" if slot == 0 else "et d'un autre indicateur",
        ["", *ind_ids],
        key=slot_keys.indicator,
        format_func=lambda i: catalogue.get(i).label if i else "(aucun filtre)",
    )
    if not indicator:
        return None
    col_min, col_max = st.columns(2)
    low_text = col_min.text_input("Minimum", key=slot_keys.low)
    high_text = col_max.text_input("Maximum", key=slot_keys.high)
    try:
        low, high = optional_number(low_text), optional_number(high_text)
        if low is None and high is None:
            return None
        return RangeFilter(indicator, low, high)
    except ValueError as exc:  # ViewStateError is a ValueError too (min above max…)
        errors.append(str(exc))
        return None
