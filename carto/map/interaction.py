"""How the live map behaves in a projected page: it fills its box, lets the page scroll, and
outlines the selected territory.

Why in the map's own script (``MacroElement`` rendered with the base map, so once per mounted
map): the page is scrolled with the mouse wheel in a meeting, and a map that swallows the wheel
traps whoever scrolls past it. Leaflet's ``scrollWheelZoom`` is off; the wheel zooms only once
the map has been clicked (until the pointer leaves it) or with a modifier key held. The map's
size follows the window (CSS), so the territory is fitted to the map in the browser, where its
size is known. The selected territory is read from the page's address (``sel``), which the app
rewrites after every run: a click or a search outlines it without rebuilding the map's layers.
The scripts read ``window.parent``, which is the page itself when the map is drawn in it
(``carto.ui.livemap``) and the embedding page when a map is shown in a frame (a static export).
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

SELECTED_STYLE = {"color": "#111111", "weight": 4, "opacity": 1}


class WheelGuard(MacroElement):
    """The wheel scrolls the page, unless the map was clicked or a modifier key is held."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(map) {
          var box = map.getContainer(), last = 0;
          map.scrollWheelZoom.disable();
          function arm() { map.scrollWheelZoom.enable(); }
          map.on('click', arm);
          box.addEventListener('focus', arm);
          box.addEventListener('mouseleave', function() { map.scrollWheelZoom.disable(); });
          box.addEventListener('wheel', function(e) {
            if (map.scrollWheelZoom.enabled()) return;
            if (!(e.ctrlKey || e.metaKey || e.altKey || e.shiftKey)) return;  // page scrolls
            e.preventDefault();
            var now = Date.now();
            if (now - last < 200 || !e.deltaY) return;  // one step per notch, not per event
            last = now;
            var step = e.deltaY < 0 ? 1 : -1;
            map.setZoomAround(map.mouseEventToContainerPoint(e), map.getZoom() + step);
          }, {passive: false});
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "WheelGuard"


class FitToFrame(MacroElement):
    """Fit the territory to the frame once its size is known, and again when the frame is
    resized, as long as nobody (user, search) has moved the map since."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(map) {
          var bounds = L.latLngBounds({{ this.bounds|tojson }}), fitting = false, moved = false;
          function fit() {
            fitting = true;
            // room at the bottom for the caption (title, source) and the scale
            map.fitBounds(bounds, {animate: false, paddingTopLeft: [8, 8],
                                   paddingBottomRight: [8, 56]});
            fitting = false;
          }
          // any other move (a drag, the zoom buttons, a search) keeps the view it chose
          map.on('movestart zoomstart', function() { if (!fitting) moved = true; });
          map.whenReady(fit);
          map.on('resize', function() { if (!moved) fit(); });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        super().__init__()
        self._name = "FitToFrame"
        south, west, north, east = bounds
        self.bounds = [[south, west], [north, east]]


class SelectionOutline(MacroElement):
    """Outline the zone whose code is the page's ``sel`` parameter, above the choropleth."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(map) {
          var style = {{ this.style|tojson }}, shown = null, parent = null, code = null;
          function wanted() {
            try {
              return new URLSearchParams(window.parent.location.search).get('sel');
            } catch (e) { return null; }
          }
          function find(c) {
            shown = parent = null;
            map.eachLayer(function(l) {
              var p = l.feature && l.feature.properties;
              if (!shown && p && p.code === c && 'fill' in p && l.setStyle) shown = l;
            });
            if (shown) {
              map.eachLayer(function(l) {
                if (!parent && l.resetStyle && l.hasLayer && l.hasLayer(shown)) parent = l;
              });
            }
          }
          function update() {
            var c = wanted();
            var here = shown && map.hasLayer(shown);
            if (c !== code || !here) {
              if (here && parent) parent.resetStyle(shown);
              code = c;
              if (c) find(c); else shown = parent = null;
            }
            // hovering resets a zone's style: draw the outline again when it went
            if (shown && shown.options.weight !== style.weight) {
              shown.setStyle(style);
              shown.bringToFront();
            }
          }
          map.whenReady(function() { setInterval(update, 300); });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SelectionOutline"
        self.style = SELECTED_STYLE


class PageScript(MacroElement):
    """A script of the app's page, run from the map's frame once the map is idle: it costs
    the page no frame of its own, and nothing before the map is drawn. The script is given as
    text by the app (``carto.ui``), inserted once into the parent page, and runs there."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function() {
          function install() {
            try {
              var d = window.parent.document;
              if (d.getElementById({{ this.element_id|tojson }})) return;
              var s = d.createElement('script');
              s.id = {{ this.element_id|tojson }};
              s.textContent = {{ this.code|tojson }};
              d.head.appendChild(s);
            } catch (e) { /* no access to the page: nothing to add to it */ }
          }
          if (window.requestIdleCallback) window.requestIdleCallback(install, {timeout: 2000});
          else setTimeout(install, 500);
        })();
        {% endmacro %}"""
    )

    def __init__(self, code: str, element_id: str) -> None:
        super().__init__()
        self._name = "PageScript"
        self.code = code
        self.element_id = element_id
