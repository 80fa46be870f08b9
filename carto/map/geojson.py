"""Folium maps that draw offline and stay light.

Why this shape (measured against the textbook folium map by ``bench/bench_atlas.py``): the
GeoJSON is built once per territory as a plain dict (``shapely.to_geojson``, ids = INSEE codes)
and only the per-feature properties change when the indicator changes; one GeoJson layer with a
style map instead of one object per zone; points as one GeoJson layer of CircleMarkers; no
folium element that pulls a CDN (Choropleth, branca colormaps, MarkerCluster); Leaflet itself
served by the app (carto.map.assets).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from carto.map.assets import LEAFLET_CSS, LEAFLET_JS
from carto.map.interaction import (
    FitToFrame,
    PageScript,
    SelectionOutline,
    WheelGuard,
)
from carto.map.vector import CompactGeoJson, static_style_js

BACKGROUND = "#f4f1ea"  # neutral paper tone when no basemap tiles are shown
OUTLINE = "#4d4d4d"
DIM_COLOR = "#efefef"
TILES_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ATTR = "© contributeurs OpenStreetMap"
OVERSEAS_PREFIX = "97"  # INSEE codes of the overseas departments and of their communes


@dataclass(frozen=True)
class ZoneShapes:
    """Geometry of a territory's zones as GeoJSON-ready dicts, computed once and cached."""

    codes: tuple[str, ...]
    geometries: tuple[dict, ...]
    bounds: tuple[float, float, float, float]  # south, west, north, east
    # What the map is fitted to: France by department is fitted to its metropolitan part
    # (the overseas departments, thousands of km away, would leave it a speck).
    fit_bounds: tuple[float, float, float, float] | None = None

    @classmethod
    def from_frame(cls, zones: gpd.GeoDataFrame) -> ZoneShapes:
        geoms = zones.geometry.to_numpy()
        texts = shapely.to_geojson(geoms)
        codes = tuple(str(c) for c in zones.index)
        overseas = np.array([c.startswith(OVERSEAS_PREFIX) for c in codes], dtype=bool)
        fit = None
        if overseas.any() and not overseas.all():
            fit = _south_west_north_east(shapely.total_bounds(geoms[~overseas]))
        return cls(
            codes=codes,
            geometries=tuple(json.loads(t) for t in texts),
            bounds=_south_west_north_east(shapely.total_bounds(geoms)),
            fit_bounds=fit,
        )

    @property
    def view_bounds(self) -> tuple[float, float, float, float]:
        return self.fit_bounds or self.bounds


def _south_west_north_east(total: np.ndarray) -> tuple[float, float, float, float]:
    west, south, east, north = (float(x) for x in total)
    return (south, west, north, east)


def escape(value: object) -> str:
    """Escape any text that goes into a tooltip or popup (names may come from imports)."""
    return html.escape("" if value is None else str(value), quote=True)


def choropleth_collection(
    shapes: ZoneShapes,
    names: Mapping[str, str],
    value_text: Mapping[str, str],
    colors: Mapping[str, str],
    kept: Mapping[str, bool] | None = None,
) -> dict:
    """FeatureCollection with the few properties the tooltip and the style need."""
    features = []
    for code, geom in zip(shapes.codes, shapes.geometries, strict=True):
        keep = True if kept is None else bool(kept.get(code, True))
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": geom,
                "properties": {
                    "code": code,
                    "nom": escape(names.get(code, code)),
                    "valeur": escape(value_text.get(code, "")),
                    "fill": colors.get(code, DIM_COLOR) if keep else DIM_COLOR,
                    "kept": keep,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def center_of(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    south, west, north, east = bounds
    return round((south + north) / 2, 5), round((west + east) / 2, 5)


def fit_zoom(
    bounds: tuple[float, float, float, float], width_px: int = 820, height_px: int = 600
) -> int:
    """Largest web-mercator zoom at which the bounds fit the map's box.

    Computed here because the map is created from a centre and a zoom (a link's, or this
    one); the page fits the territory to the map's actual size afterwards (``FitToFrame``).
    """
    south, west, north, east = bounds
    lon_span = max(east - west, 1e-6)

    def merc_y(lat: float) -> float:
        r = math.radians(max(min(lat, 85.0), -85.0))
        return math.log(math.tan(math.pi / 4 + r / 2))

    y_span = max(abs(merc_y(north) - merc_y(south)), 1e-9)
    zoom_x = math.log2(width_px / 256 * 360 / lon_span)
    zoom_y = math.log2(height_px / 256 * 2 * math.pi / y_span)
    return int(max(1, min(18, math.floor(min(zoom_x, zoom_y)))))


class _MetricScale(MacroElement):
    """Scale bar in kilometres only (folium's control_scale adds miles)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.scale({imperial: false, metric: true}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


class ViewTracker(MacroElement):
    """Keep the page's link and the other maps in step with this map, without a rerun.

    On every move the map writes its centre and zoom into the page address (``c`` and ``z``
    parameters, read back when a link is opened) and moves the other maps of the page to the
    same view (side-by-side mode). Sending them to Python instead would rerun the app on every
    pan. Best effort: a page that forbids access to its parent keeps working without it.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(map) {
          function same(a, b) {
            return Math.abs(a.getCenter().lat - b.getCenter().lat) < 1e-5
              && Math.abs(a.getCenter().lng - b.getCenter().lng) < 1e-5
              && a.getZoom() === b.getZoom();
          }
          map.on('moveend', function() {
            var c = map.getCenter(), z = map.getZoom();
            try {
              var loc = window.parent.location;
              var params = new URLSearchParams(loc.search);
              params.set('c', c.lat.toFixed(5) + ',' + c.lng.toFixed(5));
              params.set('z', String(Math.round(z)));
              window.parent.history.replaceState(
                window.parent.history.state, '',
                loc.pathname + '?' + params.toString().replace(/%2C/g, ','));
              var maps = window.__atlasMaps || {};
              Object.keys(maps).forEach(function(k) {
                var other = maps[k];
                if (other === map || !other.setView) return;
                if (!same(other, map)) other.setView(c, z, {animate: false});
              });
            } catch (e) { /* no access to the parent page: nothing to keep in step */ }
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


def base_map(
    bounds: tuple[float, float, float, float],
    tiles: bool = False,
    zoom: int | None = None,
    track_view: bool = False,
    centre: tuple[float, float] | None = None,
    fit: bool = False,
    page_script: str | None = None,
) -> folium.Map:
    """The constant map: neutral background, no CDN, canvas renderer, centred on the territory.

    ``track_view``: the live map of the page (its view goes into the link, the wheel scrolls
    the page, the selected zone is outlined); ``fit``: fit the territory to the map's box in the
    browser (no centre and zoom were given by a link); ``page_script``: a script the app adds
    to its page once the map is idle (``interaction.PageScript``).
    """
    fmap = folium.Map(
        location=list(centre or center_of(bounds)),
        zoom_start=fit_zoom(bounds) if zoom is None else zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
        zoom_control=True,
        attribution_control=tiles,
        scroll_wheel_zoom=not track_view,
        # quarter steps: the territory fills its box instead of the next smaller power of 2
        zoom_snap=0.25,
    )
    fmap.add_child(_MetricScale())
    if track_view:
        fmap.add_child(ViewTracker())
        fmap.add_child(WheelGuard())
        fmap.add_child(SelectionOutline())
    if fit:
        fmap.add_child(FitToFrame(bounds))
    if page_script:
        fmap.add_child(PageScript(page_script, "atlas-page-script"))
    fmap.default_js = list(LEAFLET_JS)
    fmap.default_css = list(LEAFLET_CSS)
    if tiles:
        folium.TileLayer(TILES_URL, attr=TILES_ATTR, name="Fond OpenStreetMap").add_to(fmap)
    fmap.get_root().header.add_child(
        folium.Element(f"<style>.leaflet-container{{background:{BACKGROUND};}}</style>")
    )
    return fmap


# The choropleth's style as a function of a feature's properties, in the page.
CHOROPLETH_STYLE_JS = """function(p) {
  return {fillColor: p.fill, color: p.kept ? '#ffffff' : '#d0d0d0', weight: 0.6,
          fillOpacity: p.kept ? 0.85 : 0.35};
}"""
HIGHLIGHT = {"weight": 2.5, "color": "#222222"}


def choropleth_layer(
    collection: dict, indicator_label: str, zone_label: str = "Commune", name: str = "Indicateur"
) -> CompactGeoJson:
    """The choropleth; hover shows name, code and value (texts escaped beforehand)."""
    return CompactGeoJson(
        collection,
        name,
        CHOROPLETH_STYLE_JS,
        highlight=HIGHLIGHT,
        tooltip=(
            ("nom", escape(zone_label)),
            ("code", "Code"),
            ("valeur", escape(indicator_label)),
        ),
        reuse=True,
    )


def outline_collection(frame: gpd.GeoDataFrame, code_col: str, name_col: str) -> dict:
    geoms = shapely.to_geojson(frame.geometry.to_numpy())
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": str(code),
                "geometry": json.loads(g),
                "properties": {"code": str(code), "nom": escape(name)},
            }
            for code, name, g in zip(frame[code_col], frame[name_col], geoms, strict=True)
        ],
    }


def outline_layer(
    collection: dict, name: str, color: str = OUTLINE, weight: float = 2.2
) -> CompactGeoJson:
    """Boundaries drawn above the choropleth, unfilled so hovering still reaches the communes."""
    return CompactGeoJson(
        collection,
        name,
        static_style_js({"color": color, "weight": weight, "fill": False, "opacity": 0.9}),
        # On a canvas, an unfilled polygon still catches the mouse inside its ring: make it
        # inert so hovering and clicking reach the communes below.
        interactive=False,
    )


def points_layer(
    collection: dict,
    name: str,
    popup_fields: Iterable[str],
    popup_aliases: Iterable[str],
    color: str = "#1f4e79",
    radius: int = 4,
) -> folium.GeoJson:
    """One layer of CircleMarkers (35k points draw in ~2 s; one object per point takes ~40 s)."""
    return folium.GeoJson(
        collection,
        name=name,
        marker=folium.CircleMarker(
            radius=radius, color="#ffffff", weight=1, fill=True, fill_color=color, fill_opacity=0.95
        ),
        popup=folium.GeoJsonPopup(
            fields=list(popup_fields), aliases=[escape(a) for a in popup_aliases], max_width=320
        ),
        control=False,
    )
