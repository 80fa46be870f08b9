"""Polygon layers sent in compact form (``carto.map.compact``) and drawn by Leaflet's own GeoJSON
layer in the page: the choropleth and the outlines above it.

Why not ``folium.GeoJson``: it embeds plain GeoJSON and writes its style as a JavaScript
``switch`` listing every feature's id, so a department's map weighed ~930 bytes a commune;
here the style is one function of the feature's properties and the data is the compact form
(~300 bytes a commune). The page builds the same features, the same tooltip table (folium's
``GeoJsonTooltip`` markup and class), the same hover highlight, so users see no difference.

Recolouring: when the indicator changes, the page removes the previous group of layers and runs
the new group's script (``carto.ui.livemap``). The choropleth is therefore added to the map
itself, not to the group: when the next group brings the same outlines (same
``geometry_key``), the polygons still drawn only get their new properties and style, instead
of being decoded, projected and drawn again; other outlines replace it.
"""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from carto.map.compact import DECODE_JS, encode_collection, geometry_key

# folium's GeoJsonTooltip table, kept as it is: the same markup, class and options.
TOOLTIP_JS = """function(layer) {
    var div = L.DomUtil.create('div');
    var handle = function(v) {
      return v === null || v === undefined ? ''
        : (typeof v === 'object' ? JSON.stringify(v) : v);
    };
    div.innerHTML = '<table>' + fields.map(function(v, i) {
      return '<tr><th>' + aliases[i] + '</th><td>'
        + handle(layer.feature.properties[v]) + '</td></tr>';
    }).join('') + '</table>';
    return div;
  }"""


class CompactGeoJson(MacroElement):
    """A GeoJSON layer of polygons, styled by a JavaScript function of their properties.

    ``name``: the layer's name, kept in its options (``layer.options.name`` in the page);
    ``style_js``: ``function(p) {...}`` returning the Leaflet path style of a feature whose
    properties are ``p``; ``highlight``: the style while hovered (None: none);
    ``tooltip``: (field, alias) pairs, aliases already escaped; ``reuse``: keep the drawn
    polygons when the next group brings the same outlines (the choropleth).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this.decoder }}
        var {{ this.get_name() }} = (function(group) {
          var data = {{ this.data|tojson }}, key = {{ this.key|tojson }};
          var fields = {{ this.fields|tojson }}, aliases = {{ this.aliases|tojson }};
          var paint = {{ this.style_js }}, highlight = {{ this.highlight|tojson }};
          var map = {{ this.map_name or 'null' }}, reuse = {{ this.reuse|tojson }};
          // the choropleth stays on the map itself, not in the group that the page removes
          // before running the next group's script: same outlines, only restyled
          var kept = reuse && map ? map.__atlasKept : null;
          var layer = kept && key && kept.key === key ? kept.layer : null;
          if (kept && !layer && map && map.hasLayer(kept.layer)) map.removeLayer(kept.layer);
          if (layer) {
            var props = atlasGeo.props(data), at = {};
            data.ids.forEach(function(id, n) { at[id] = props[n]; });
            layer.eachLayer(function(l) { l.feature.properties = at[l.feature.id]; });
            layer.resetStyle();
            layer.unbindTooltip();
          } else {
            layer = L.geoJson(null, {
              style: function(f) { return paint(f.properties); },
              name: {{ this.layer_name|tojson }},
              interactive: {{ this.interactive|tojson }},
              onEachFeature: function(feature, l) {
                if (!highlight) return;
                l.on({
                  mouseover: function(e) { e.target.setStyle(highlight); },
                  mouseout: function(e) { layer.resetStyle(e.target); }
                });
              }
            });
            layer.addData(atlasGeo.collection(data));
          }
          if (fields.length) {
            layer.bindTooltip({{ this.tooltip_js }}, {sticky: false, className: 'foliumtooltip'});
          }
          if (key && map) {
            if (!map.hasLayer(layer)) layer.addTo(map);
            map.__atlasKept = {key: key, layer: layer};
          } else {
            layer.addTo(group);
          }
          return layer;
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(
        self,
        collection: dict,
        name: str,
        style_js: str,
        highlight: dict | None = None,
        tooltip: tuple[tuple[str, str], ...] = (),
        interactive: bool = True,
        reuse: bool = False,
    ) -> None:
        super().__init__()
        self._name = "CompactGeoJson"
        self.data = encode_collection(collection)
        ids = self.data["ids"]
        unique_ids = None not in ids and len(set(ids)) == len(ids)
        self.reuse = reuse
        self.key = geometry_key(self.data) if reuse and unique_ids else None
        self.layer_name = name
        self.style_js = style_js
        self.highlight = highlight
        self.fields = [field for field, _alias in tooltip]
        self.aliases = [alias for _field, alias in tooltip]
        self.tooltip_js = TOOLTIP_JS
        self.interactive = interactive
        self.decoder = DECODE_JS

    def render(self, **kwargs) -> None:
        # The map holding the layer (named by carto.map.script.base_script); without one,
        # nothing can be taken back.
        element = self._parent
        while element is not None and not isinstance(element, folium.Map):
            element = getattr(element, "_parent", None)
        self.map_name = element.get_name() if element is not None else None
        if self.map_name is None:
            self.key = None
        super().render(**kwargs)


def static_style_js(style: dict) -> str:
    """The same style for every feature (outlines)."""
    return f"function(p) {{ return {json.dumps(style)}; }}"
