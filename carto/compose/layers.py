"""What is drawn over the choropleth: EPCI outlines, town halls, sites, district outlines and
their names, partners' observation badges, proportional circles.

Why here: which layers a view shows follows from its state (none for France, the district
outlines only with a set chosen), and both maps of the side-by-side mode share them; the map
component only receives the finished ``LayerInputs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from carto.compose.keys import TerritoryKey, Token
from carto.compose.parts import DistrictOverlay
from carto.compose.sources import LayerSources, Sources
from carto.compose.territory import department_presumed_ccas
from carto.districts.geometry import district_geometries, district_labels, districts_geojson
from carto.indicators.catalogue import Catalogue, compute
from carto.map.choropleth import ChoroplethView
from carto.map.circles import Circles, circle_collection, circles_legend_html
from carto.map.geojson import outline_collection
from carto.map.layers import LayerInputs, observation_badges
from carto.map.town_halls import mairie_points
from carto.sites.render import sites_geojson
from carto.sites.table import filter_sites
from carto.territories.zones import Territory, epci_outlines, territory
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class CirclesPart:
    """Proportional circles of a count indicator, with their label and legend (escaped HTML)."""

    circles: Circles
    label: str
    legend: str


@dataclass(frozen=True)
class Overlays:
    """The layers switched on, ready to draw (``None``: off)."""

    epci: dict | None = None
    mairies: dict | None = None
    sites: dict | None = None
    presumed: dict | None = None  # CCAS presumed at town halls, a layer of its own
    districts: DistrictOverlay = field(default_factory=DistrictOverlay)
    badges: tuple[tuple[float, float, str], ...] = ()
    circles: CirclesPart | None = None
    large: bool = False  # meeting mode: larger captions


def shown_layers(state: ViewState) -> frozenset[str]:
    """The layers the state switches on; France by department draws none."""
    return frozenset() if state.is_france else frozenset(state.layers)


def circles_indicator(state: ViewState, catalogue: Catalogue) -> str | None:
    """The count indicator drawn as circles, if the state asks for a known one."""
    return state.circles if state.circles and state.circles in catalogue else None


def circles_part(key: TerritoryKey, indicator_id: str, src: Sources) -> CirclesPart:
    """Circles of ``indicator_id`` on the zones; raises ``CirclesError`` (French) if impossible."""
    terr = src.territory(key)
    indicator = src.catalogue(key.imports).get(indicator_id)
    circles = circle_collection(terr.zones, compute(indicator, terr.measures), indicator)
    legend = circles_legend_html(circles, indicator, level=terr.level)
    return CirclesPart(circles, indicator.label, legend)


def overlays(
    state: ViewState,
    key: TerritoryKey,
    src: LayerSources,
    sites: Token,
    circles: CirclesPart | None = None,
    observation_counts: Callable[[], Mapping[str, int]] = dict,
) -> Overlays:
    """The view's layers; observations are counted only when their layer is on."""
    on = shown_layers(state)
    dep = state.department
    districts = DistrictOverlay()
    if "districts" in on and state.district_set:
        districts = src.district_overlay(dep, state.district_set, key.districts)
    badges: tuple[tuple[float, float, str], ...] = ()
    if "observations" in on:
        badges = observation_badges(src.territory(key).zones, observation_counts())
    return Overlays(
        epci=src.epci_collection(dep) if "epci" in on else None,
        mairies=src.mairies(dep, key.by_arrondissement) if "mairies" in on else None,
        sites=src.sites_geojson(dep, state.site_categories, sites) if "sites" in on else None,
        presumed=src.presumed_geojson(dep, sites) if "presumes" in on else None,
        districts=districts,
        badges=badges,
        circles=circles,
        large=state.meeting,
    )


def layer_inputs(view: ChoroplethView, terr: Territory, layers: Overlays) -> LayerInputs:
    """Everything one map draws over its base map."""
    circles = layers.circles
    return LayerInputs(
        choropleth=view.collection,
        indicator_label=view.indicator.label,
        zone_label=terr.zone_noun.capitalize(),
        source_line=view.indicator.source_line(),
        epci=layers.epci,
        mairies=layers.mairies,
        sites=layers.sites,
        presumed=layers.presumed,
        districts=layers.districts.geojson,
        district_labels=layers.districts.labels,
        observation_badges=layers.badges,
        large=layers.large,
        circles=circles.circles if circles else None,
        circles_label=circles.label if circles else "",
    )


# --- the parts, each cached by the app ------------------------------------------------------
def epci_collection(department: str, src: Sources) -> dict:
    return outline_collection(epci_outlines(src.bundle(), department), "EPCI", "LIBEPCI")


def mairies(department: str, by_arrondissement: bool, src: Sources) -> dict:
    return mairie_points(territory(src.bundle(), department, by_arrondissement).zones)


def department_sites_geojson(
    department: str, categories: tuple[str, ...] | None, sites: Token, src: Sources
) -> dict:
    chosen = list(categories) if categories else None
    return sites_geojson(filter_sites(src.sites(department, sites), chosen))


def department_presumed_geojson(department: str, sites: Token, src: Sources) -> dict:
    return sites_geojson(department_presumed_ccas(department, sites, src))


def district_set_geometries(department: str, name: str, districts: Token, src: Sources):
    """One row per district of the set: outline, communes, population, label position."""
    ds = src.district_set(department, name, districts)
    return district_geometries(ds, src.bundle().communes)


def district_overlay(department: str, name: str, districts: Token, src: Sources) -> DistrictOverlay:
    geoms = src.district_geometries(department, name, districts)
    return DistrictOverlay(districts_geojson(geoms), tuple(district_labels(geoms)))
