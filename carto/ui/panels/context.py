"""The view the panels below the map describe, handed to each of them."""

from __future__ import annotations

from dataclasses import dataclass

from carto.compose.filtering import KeptCommunes
from carto.compose.keys import TerritoryKey
from carto.indicators.catalogue import Catalogue
from carto.territories.bundle import Bundle
from carto.territories.zones import Territory
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class PanelContext:
    """The view the panels describe."""

    bundle: Bundle
    terr: Territory
    key: TerritoryKey
    state: ViewState
    catalogue: Catalogue
    kept: KeptCommunes
    query_string: str  # the view's link, for the saved views
