"""The sidebar: every widget that defines the view, read back as one ViewState.

One module per section, in the order they are drawn (territory, indicator with its comparison,
classes, filters, layers, presentation). Labels, options and bounds come from the packages
below (``map.classify``, ``territories.levels``, ``compose.offer``…), so the widgets and the
tests share one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carto.compose.offer import Offer
from carto.indicators.catalogue import Catalogue
from carto.territories.bundle import Bundle
from carto.ui import state as keys
from carto.ui.sidebar.classification import ClassesChoice, classes_section
from carto.ui.sidebar.filters import filters_section
from carto.ui.sidebar.indicator import IndicatorChoice, indicator_section
from carto.ui.sidebar.layers import LayersChoice, layers_section
from carto.ui.sidebar.presentation import PresentationChoice, presentation_section
from carto.ui.sidebar.territory import TerritoryChoice, territory_section
from carto.viewstate.codec import Filters, ViewState, ViewStateError


@dataclass(frozen=True)
class SidebarResult:
    state: ViewState
    errors: tuple[str, ...]  # French messages for inputs that were ignored


def sidebar(bundle: Bundle, catalogue: Catalogue, offer: Offer) -> SidebarResult:
    """Draw the sidebar; ``offer`` holds what the current territory has to offer."""
    keys.set_widget_defaults()
    errors: list[str] = []
    with st.sidebar:
        where = territory_section(bundle, offer)
        what = indicator_section(catalogue, offer, where.department)
        classes = classes_section(errors)
        filters = filters_section(bundle, where.department, catalogue, offer, errors)
        shown = layers_section(where.department)
        presentation = presentation_section(catalogue, offer, what.indicator)
    state = _view_state(where, what, classes, filters, shown, presentation, errors)
    return SidebarResult(state, tuple(errors))


def _view_state(
    where: TerritoryChoice,
    what: IndicatorChoice,
    classes: ClassesChoice,
    filters: Filters,
    shown: LayersChoice,
    presentation: PresentationChoice,
    errors: list[str],
) -> ViewState:
    """The sections' choices as one ViewState; an impossible one keeps the essentials."""
    try:
        return ViewState(
            department=where.department,
            by_arrondissement=where.by_arrondissement,
            level=where.level,
            indicator=what.indicator,
            indicator2=presentation.indicator2,
            reference=what.comparison.reference,
            vintage2=what.comparison.vintage2,
            circles=what.circles,
            class_method=classes.method,
            n_classes=classes.k,
            bounds=classes.bounds,
            palette=classes.palette,
            filters=filters,
            layers=shown.layers,
            site_categories=shown.site_categories,
            district_set=where.district_set,
            meeting=presentation.meeting,
            side_by_side=presentation.side_by_side,
            tiles=shown.tiles,
        )
    except ViewStateError as exc:
        errors.append(str(exc))
        return ViewState(department=where.department, indicator=what.indicator,
                         layers=shown.layers)  # fmt: skip
