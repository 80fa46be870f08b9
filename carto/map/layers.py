"""Compose the layers sent with each rerun, in drawing order, as one folium FeatureGroup.

Why one group: the page keeps the base map mounted and swaps only this group
(``carto.ui.livemap``), so changing an indicator or a layer never reloads the map.
Order matters: choropleth, then boundaries above it, then points on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from carto.districts.geometry import district_style
from carto.map.circles import Circles, circles_layer
from carto.map.geojson import choropleth_layer, escape, outline_layer, points_layer
from carto.map.town_halls import MAIRIE_POPUP_ALIASES, MAIRIE_POPUP_FIELDS
from carto.sites.render import site_style
from carto.territories import levels


class MapCaption(MacroElement):
    """A caption inside the map (title, source and vintage), kept visible in meeting mode.

    It is added with the swapped feature group, so it follows the indicator; the previous
    caption is removed first. Text is escaped before it reaches the page.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function() {
          var group = {{ this._parent.get_name() }};
          function place(m) {
            if (m.__atlasCaption) { m.__atlasCaption.remove(); }
            var c = L.control({position: 'bottomleft'});
            c.onAdd = function() {
              var d = L.DomUtil.create('div', 'atlas-map-caption');
              d.style.cssText = 'background:rgba(255,255,255,.88);padding:3px 7px;'
                + 'border-radius:4px;font:{{ this.size }} sans-serif;max-width:55vw;color:#222';
              d.innerHTML = {{ this.html|tojson }};
              return d;
            };
            c.addTo(m);
            m.__atlasCaption = c;
          }
          if (group._map) { place(group._map); }
          else { group.on('add', function(e) { place(e.target._map); }); }
        })();
        {% endmacro %}"""
    )

    def __init__(self, title: str, source: str, large: bool = False) -> None:
        super().__init__()
        self._name = "MapCaption"
        # on a phone the legend under the map gives the source: the caption keeps the title
        self.html = (
            f"<style>@media (max-width:480px){{.atlas-caption-source{{display:none}}}}</style>"
            f"<b>{escape(title)}</b><span class='atlas-caption-source'><br>{escape(source)}</span>"
        )
        self.size = "13px" if large else "10px"


@dataclass(frozen=True)
class LayerInputs:
    """Everything drawn over the base map; ``None`` means the layer is off."""

    choropleth: dict
    indicator_label: str
    zone_label: str
    source_line: str
    epci: dict | None = None
    mairies: dict | None = None
    sites: dict | None = None
    presumed: dict | None = None  # CCAS presumed at town halls (``carto.sites.table``)
    districts: dict | None = None
    district_labels: tuple[tuple[float, float, str], ...] = ()
    observation_badges: tuple[tuple[float, float, str], ...] = ()
    circles: Circles | None = None
    circles_label: str = ""
    large: bool = False


def build_layers(inputs: LayerInputs) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="couches")
    group.add_child(choropleth_layer(inputs.choropleth, inputs.indicator_label, inputs.zone_label))
    if inputs.circles is not None:
        group.add_child(circles_layer(inputs.circles, inputs.circles_label, inputs.zone_label))
    if inputs.epci is not None:
        group.add_child(outline_layer(inputs.epci, "EPCI"))
    if inputs.districts is not None:
        group.add_child(
            folium.GeoJson(
                inputs.districts,
                name=levels.level("district").option,
                style_function=district_style,
                interactive=False,
                control=False,
            )
        )
        for lat, lon, label_html in inputs.district_labels:
            folium.Marker(
                [lat, lon], icon=folium.DivIcon(html=label_html, class_name="atlas-label")
            ).add_to(group)
    if inputs.mairies is not None:
        group.add_child(
            points_layer(inputs.mairies, "Mairies", MAIRIE_POPUP_FIELDS, MAIRIE_POPUP_ALIASES)
        )
    for name, sites in (("CCAS présumés", inputs.presumed), ("Sites", inputs.sites)):
        if sites is not None:
            group.add_child(
                folium.GeoJson(
                    sites,
                    name=name,
                    marker=folium.CircleMarker(),
                    style_function=site_style,
                    popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=340),
                    tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
                    control=False,
                )
            )
    for lat, lon, badge in inputs.observation_badges:
        folium.Marker([lat, lon], icon=folium.DivIcon(html=badge, class_name="atlas-badge")).add_to(
            group
        )
    group.add_child(MapCaption(inputs.indicator_label, inputs.source_line, inputs.large))
    return group


def observation_badges(
    zones: gpd.GeoDataFrame, counts: Mapping[str, int]
) -> tuple[tuple[float, float, str], ...]:
    """A numbered badge per territory that has observations, on a point inside it."""
    badges = []
    for code, count in sorted(counts.items()):
        if code not in zones.index or not count:
            continue
        point = shapely.point_on_surface(zones.at[code, "geometry"])
        badges.append(
            (
                round(point.y, 5),
                round(point.x, 5),
                '<div title="Observations" style="background:#1f4e79;color:#fff;'
                "border-radius:10px;padding:1px 6px;font:600 11px sans-serif;"
                f'transform:translate(-50%,-50%);display:inline-block">{int(count)}</div>',
            )
        )
    return tuple(badges)
