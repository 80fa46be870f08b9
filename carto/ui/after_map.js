// Says once, by the state value `drawn`, that the page's Leaflet map holds its layers and has
// been painted (or that no map came within the timeout). carto/ui/after_map.py says why.
// It is the first element of a run: it also starts fetching Leaflet for the map
// (carto/ui/livemap.js shares the same promise), before any widget's code is asked for.

var TIMEOUT_MS = 6000, POLL_MS = 40;

function drawn() {
  var m = window.map;
  if (!m || !m.eachLayer || !m._loaded) return false;
  var found = false;
  m.eachLayer(function (l) { if (l.feature) found = true; });
  return found;
}

export default function (component) {
  var data = component.data || {};
  if (data.leaflet_js) leaflet(data.leaflet_js, data.leaflet_css).catch(function () {});
  var parent = component.parentElement;
  if (parent.__atlasWatching || data.answered) return;
  parent.__atlasWatching = true;
  var t0 = Date.now();
  (function poll() {
    if (drawn()) {  // two animation frames: the map's canvas has been painted
      requestAnimationFrame(function () {
        requestAnimationFrame(function () { component.setStateValue('drawn', true); });
      });
    } else if (Date.now() - t0 > TIMEOUT_MS) {
      component.setStateValue('drawn', true);
    } else {
      setTimeout(poll, POLL_MS);
    }
  })();
}
