// Loads Leaflet (served by the app, static/vendor/leaflet) into the page once; every component
// of the page that needs it shares the same promise. Prepended to each component's module by
// carto/ui/livemap.py (component_js).

function leaflet(js, css) {
  if (window.L && window.L.map) return Promise.resolve();
  if (!window.__atlasLeaflet) {
    window.__atlasLeaflet = new Promise(function (resolve, reject) {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = css;
      document.head.appendChild(link);
      var script = document.createElement('script');
      script.src = js;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return window.__atlasLeaflet;
}

