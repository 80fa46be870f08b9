// The live map, drawn in the app's page itself (Streamlit components v2, no frame).
// carto/ui/livemap.py says why and what the data holds. Every call of this function gets the
// run's data: the map is created once per mounted element, then only what changed is applied
// (the layers, a searched view). Clicks on a zone go back to Python as a trigger.

function registry() {
  window.__atlasMaps = window.__atlasMaps || {};
  return window.__atlasMaps;
}

function clicked(box, event) {
  // a GeoJSON layer hears its polygons' clicks, the polygon being `event.layer`
  var layer = event.layer || event.sourceTarget;
  var props = layer && layer.feature && layer.feature.properties;
  if (!props || props.code === undefined || props.code === null || !('fill' in props)) return;
  var latlng = event.latlng || null;
  box.__atlas.send('click', {
    code: String(props.code),
    lat: latlng ? latlng.lat : null,
    lng: latlng ? latlng.lng : null,
    at: Date.now()
  });
}

function apply(box) {
  var state = box.__atlas, data = state.data;
  if (!box.isConnected) return;
  if (!state.map) {
    // folium's script runs in a function of its own (its names stay there); only the map is
    // given a global name, the one the layers' script adds its group to
    var map = (new Function(data.base + '\nreturn ' + data.id + ';'))();
    if (!map) return;
    window[data.id] = map;
    state.map = map;
    map.__atlasKey = data.key;
    registry()[data.key] = map;
    if (data.primary || !window.map) window.map = map;
    // A frame got a resize event when its size changed; a div of the page does not: the
    // sidebar closing or the meeting layout widen the map without resizing the window.
    if (window.ResizeObserver) {
      state.observer = new ResizeObserver(function () { map.invalidateSize(); });
      state.observer.observe(box);
    }
  }
  if (data.layers_digest !== state.layersDigest) {
    if (state.group) state.map.removeLayer(state.group);
    state.group = (new Function(data.layers))();
    state.layersDigest = data.layers_digest;
    // Leaflet tells a polygon's click to its GeoJSON layer, not to the map: each layer that
    // holds zones is listened to once (the choropleth is kept across swaps, the rest is new).
    state.map.eachLayer(function (l) {
      if (l instanceof L.GeoJSON && !l.__atlasClick) {
        l.__atlasClick = true;
        l.on('click', function (e) { clicked(box, e); });
      }
    });
  }
  var focus = data.focus ? JSON.stringify(data.focus) : null;
  if (focus && focus !== state.focus) {
    state.map.setView(data.focus.centre, data.focus.zoom);
  }
  state.focus = focus;
  if (data.height && box.__atlasHeight !== data.height) {
    box.__atlasHeight = data.height;
    box.style.setProperty('--atlas-map-height', data.height + 'px');
    state.map.invalidateSize();
  }
}

// The page's style (carto/ui/layout.py), kept in one hidden element of the page.
function pageStyle(css) {
  if (!css) return;
  var holder = document.getElementById('atlas-page-style');
  if (!holder) {
    holder = document.createElement('div');
    holder.id = 'atlas-page-style';
    holder.hidden = true;
    document.body.appendChild(holder);
  }
  if (holder.__css !== css) {
    holder.innerHTML = css;
    holder.__css = css;
  }
}

export default function (component) {
  var data = component.data, parent = component.parentElement;
  if (!data || !data.id) return;
  pageStyle(data.style);
  var box = parent.querySelector('div.atlas-map');
  if (!box) {
    box = document.createElement('div');
    box.className = 'atlas-map';
    box.id = data.id;
    box.setAttribute('role', 'region');
    box.style.setProperty('--atlas-map-height', data.height + 'px');
    box.__atlasHeight = data.height;
    box.__atlas = {};
    parent.appendChild(box);
  }
  box.setAttribute('aria-label', data.label || 'Carte');  // follows the indicator shown
  box.__atlas.data = data;
  box.__atlas.send = component.setTriggerValue;
  leaflet(data.leaflet_js, data.leaflet_css).then(
    function () { apply(box); },
    function () {  // Leaflet could not be fetched from the app: say so where the map would be
      if (!box.__atlas.map) {
        box.textContent = data.failed;
        box.setAttribute('role', 'alert');
      }
    }
  );
  return function () {
    // Streamlit calls this when the element leaves the page (and, rarely, when a newer call
    // superseded this one): the map goes only if its div is gone.
    setTimeout(function () {
      var state = box.__atlas;
      if (box.isConnected || !state || !state.map) return;
      if (registry()[data.key] === state.map) delete registry()[data.key];
      if (window.map === state.map) window.map = null;
      if (window[data.id] === state.map) delete window[data.id];
      if (state.observer) state.observer.disconnect();
      state.map.remove();
      state.map = null;
    }, 0);
  };
}
